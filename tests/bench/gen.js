'use strict';
// Deterministic corpus for the benchmark: N lessons in modules of 10,
// French and English Markdown of 2 to 4 KB with front matter, tables,
// lists, links between lessons, an image and (every fifth) a quiz, as a
// binome course (OUT/binome/bench/) and as a Hugo site (OUT/hugo/), and
// the bare Markdown bodies for the cmark-gfm floor (OUT/md/).
// usage: node gen.js N OUT
const fs = require('fs');
const path = require('path');

const N = parseInt(process.argv[2], 10);
const OUT = process.argv[3];
if (!(N > 0) || !OUT) { console.error('usage: node gen.js N OUT'); process.exit(2); }

let seed = 12345;
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; }
const fr = ['Le mentorat inversé', 'réunit', 'une personne junior', 'et une personne senior',
  'autour des réseaux sociaux', 'chaque séance', 'dure une heure', 'avec un objectif clair',
  'la confiance', 'se construit', 'pas à pas', 'en pratiquant', 'entre deux rencontres',
  'le binôme', 'choisit', 'un thème', 'concret', 'et mesurable', 'l’écoute', 'compte autant que', 'la technique'];
const en = ['Reverse mentoring', 'pairs', 'a junior colleague', 'with a senior one', 'around social media',
  'each session', 'lasts one hour', 'with a clear goal', 'trust', 'grows', 'step by step',
  'through practice', 'between two meetings', 'the pair', 'picks', 'a topic', 'concrete',
  'and measurable', 'listening', 'matters as much as', 'technique'];
function sentence(words) {
  const n = 6 + rnd(8);
  const w = [];
  for (let i = 0; i < n; i++) w.push(words[rnd(words.length)]);
  const s = w.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}
function para(words, k) { const p = []; for (let i = 0; i < k; i++) p.push(sentence(words)); return p.join(' '); }

const modules = Math.ceil(N / 10);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" role="img"><title>schema</title><rect width="40" height="20" fill="#245"/></svg>\n';
function rm(p) { fs.rmSync(p, { recursive: true, force: true }); }
rm(OUT);
const B = path.join(OUT, 'binome', 'bench');
const H = path.join(OUT, 'hugo');
const M = path.join(OUT, 'md');
fs.mkdirSync(B, { recursive: true });
fs.mkdirSync(path.join(H, 'content'), { recursive: true });
fs.mkdirSync(M, { recursive: true });
// Both SCORM targets while they fit: from some 800 lessons, the answers
// of every quiz outgrow SCORM 1.2's 4,096 characters of suspend_data,
// and binome refuses such a package; larger courses are SCORM 2004 only.
const targets = N > 500 ? 'targets: [scorm2004]\n' : '';
fs.writeFileSync(path.join(B, '_index.md'), `---\ntitle: Banc d’essai\nid: bench\nlang: fr\nversion: 1.0.0\n${targets}---\nCorpus généré pour le banc d’essai.\n`);
fs.mkdirSync(path.join(B, 'images'));
fs.writeFileSync(path.join(B, 'images', 'schema.svg'), SVG);
fs.mkdirSync(path.join(H, 'static', 'images'), { recursive: true });
fs.writeFileSync(path.join(H, 'static', 'images', 'schema.svg'), SVG);
fs.writeFileSync(path.join(H, 'content', '_index.md'), '---\ntitle: Banc d’essai\n---\nCorpus.\n');

let lesson = 0;
for (let m = 1; m <= modules; m++) {
  const md = `m${String(m).padStart(4, '0')}`;
  fs.mkdirSync(path.join(B, md));
  fs.mkdirSync(path.join(H, 'content', md));
  const fm = `---\ntitle: Module ${m}\nweight: ${m}\n---\n`;
  fs.writeFileSync(path.join(B, md, '_index.md'), fm + 'Présentation du module.\n');
  fs.writeFileSync(path.join(H, 'content', md, '_index.md'), fm + 'Présentation du module.\n');
  for (let l = 1; l <= 10 && lesson < N; l++, lesson++) {
    const words = lesson % 2 ? en : fr;
    const name = `l${String(l).padStart(2, '0')}`;
    const prev = l > 1 ? `l${String(l - 1).padStart(2, '0')}.md` : null;
    let body = `## Introduction\n\n${para(words, 3)}\n\n`;
    body += `- ${sentence(words)}\n- ${sentence(words)}\n- **${sentence(words)}**\n\n`;
    body += `| Étape | Durée | Objectif |\n|---|---|---|\n| Préparer | 10 min | ${sentence(words)} |\n| Pratiquer | 40 min | ${sentence(words)} |\n\n`;
    body += `## Mise en pratique\n\n${para(words, 3)}\n\n> [!TIP]\n> ${sentence(words)}\n\n`;
    body += `![Schéma du déroulé d’une séance](../images/schema.svg)\n\n`;
    if (prev) body += `Voir aussi [la leçon précédente](${prev}#introduction).\n\n`;
    body += `${para(words, 2)}\n\n`;
    // A quiz every fifth lesson: a 10,000-lesson course keeps its worst-case
    // suspend_data within SCORM 2004's 64,000 characters.
    let quiz = l % 5 ? '' : `<!-- quiz id=q-${md}-${name} -->\n### ${sentence(words)}\n\n- [ ] ${sentence(words)}\n  > ${sentence(words)}\n- [x] ${sentence(words)}\n  > ${sentence(words)}\n- [ ] ${sentence(words)}\n\n> ${sentence(words)}\n`;
    const front = `---\ntitle: Leçon ${m}.${l}\nweight: ${l}\nduration: 15 min\nobjectives:\n  - ${sentence(words)}\n---\n`;
    fs.writeFileSync(path.join(B, md, name + '.md'), front + body + quiz);
    // Hugo: same text; the relative .md link becomes a plain page link.
    const hbody = body.replace(/\]\((l\d\d)\.md#introduction\)/, '](../$1/#introduction)').replace('../images/', '/images/');
    fs.writeFileSync(path.join(H, 'content', md, name + '.md'), front + hbody + quiz);
    fs.writeFileSync(path.join(M, `${md}-${name}.md`), body + quiz);
  }
}

// A minimal Hugo theme that renders navigation (the module's pages,
// previous and next), comparable to binome's table of contents.
const L = path.join(H, 'layouts', '_default');
fs.mkdirSync(L, { recursive: true });
fs.writeFileSync(path.join(H, 'config.toml'), 'baseURL = "/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = false\n');
const nav = '<nav><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>' +
  '<ul>{{ range .CurrentSection.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>' +
  '{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}' +
  '{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>';
const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>${nav}<main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n`;
fs.writeFileSync(path.join(L, 'single.html'), page);
fs.writeFileSync(path.join(L, 'list.html'), page);
fs.writeFileSync(path.join(H, 'layouts', 'index.html'), page);
console.log(`${N} lessons in ${modules} modules`);
