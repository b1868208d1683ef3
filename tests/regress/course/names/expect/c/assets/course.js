window.BINOME_COURSE = {"id":"c","version":"1.0.0","title":"Cours","lang":"fr","pass":80,
"pages":[
{"id":"","href":"index.html","title":"Cours","kind":"course","module":-1},
{"id":"m","href":"m/index.html","title":"Module","kind":"module","module":0},
{"id":"m/l","href":"m/l.html","title":"Leçon","kind":"lesson","module":0},
{"id":"m/lecon-a-part","href":"m/lecon-a-part.html","title":"À part","kind":"lesson","module":0}],
"modules":[
{"title":"Module","href":"m/index.html","page":1,"lessons":[2,3],"assessment":null}],
"quizzes":{}};
