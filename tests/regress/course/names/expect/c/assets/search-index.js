(window.BINOME_SEARCH = window.BINOME_SEARCH || []).push({"d":"c","c":"Cours","p":[
{"t":"Cours","h":"index.html","x":"accueil"},
{"t":"Module","h":"m/index.html","x":"intro"},
{"t":"Leçon","h":"m/l.html","x":"partie texte"},
{"t":"À part","h":"m/lecon-a-part.html","x":"une image au nom accentue retour et la fiche"}]});
