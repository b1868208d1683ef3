(window.BINOME_SEARCH = window.BINOME_SEARCH || []).push({"d":"c","c":"Cours","p":[
{"t":"Cours","h":"index.html","x":"accueil"},
{"t":"Module","h":"m/index.html","x":"intro"},
{"t":"Leçon","h":"m/l.html","x":"partie texte"},
{"t":"Vide","h":"vide/index.html","x":"rien"}]});
