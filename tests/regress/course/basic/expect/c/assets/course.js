window.BINOME_COURSE = {"id":"c","version":"2.1.0","title":"Cours \u003cdémo\u003e","lang":"fr","pass":70,
"pages":[
{"id":"","href":"index.html","title":"Cours \u003cdémo\u003e","kind":"course","module":-1},
{"id":"m","href":"m/index.html","title":"Module un","kind":"module","module":0},
{"id":"m/l","href":"m/l.html","title":"Leçon « un »","kind":"lesson","module":0},
{"id":"m/bundle","href":"m/bundle.html","title":"Bundle","kind":"lesson","module":0},
{"id":"deux","href":"deux/index.html","title":"Deux","kind":"module","module":1},
{"id":"deux/autre-nom","href":"deux/autre-nom.html","title":"X","kind":"lesson","module":1}],
"modules":[
{"title":"Module un","href":"m/index.html","page":1,"lessons":[2,3],"assessment":null},
{"title":"Deux","href":"deux/index.html","page":4,"lessons":[5],"assessment":null}],
"quizzes":{}};
