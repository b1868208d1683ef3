(window.BINOME_SEARCH = window.BINOME_SEARCH || []).push({"d":"c","c":"Cours","p":[
{"t":"Cours","h":"index.html","x":"accueil"},
{"t":"Module","h":"m/index.html","x":"intro"},
{"t":"T","h":"m/l.html","x":"titre un trop profond a b"}]});
