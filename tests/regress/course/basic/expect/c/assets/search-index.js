(window.BINOME_SEARCH = window.BINOME_SEARCH || []).push({"d":"c","c":"Cours \u003cdémo\u003e","p":[
{"t":"Cours \u003cdémo\u003e","h":"index.html","x":"accueil voir la lecon et le bundle"},
{"t":"Module un","h":"m/index.html","x":"intro du module"},
{"t":"Leçon « un »","h":"m/l.html","x":"partie une note astuce sur deux lignes attention important prudence a b 1 2 fait a faire barre et https example org sous partie partie voir plus haut la suite et le fichier"},
{"t":"Bundle","h":"m/bundle.html","x":"images un carre bleu vraiment oui citation fin code reste"},
{"t":"Deux","h":"deux/index.html","x":"deux"},
{"t":"X","h":"deux/autre-nom.html","x":"retour au debut"}]});
