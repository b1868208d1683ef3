'use strict';
// Quizzes in a browser: builds tests/course-quiz (every question type,
// a graded assessment) into a temp dir, serves it on loopback and
// checks in chromium: right and wrong answers (words and icons),
// retry, answers and feedback restored after a reload, the response
// strings of the state (themes/default/README.md) and the interactions
// passed to Binome.record, the graded assessment (fail, attempts left,
// new attempt, pass, answers shown, no attempts left), one question
// and the move buttons by keyboard only, axe-core (WCAG 2.1 A/AA), and
// the assessment through the SCORM 2004 launcher under scorm-again.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { serve, launch, test, run, assert, axe, eq, ARTIFACTS, BIN, ROOT } = require('./lib.js');

const THEME = process.env.THEME || 'themes/default';
const KEY = 'binome:quiz-test';

let tmp, srv, browser, base;

// Binome.record calls land in window.__records (wrapped as binome.js
// defines window.Binome).
function spy() {
  window.__records = [];
  let b;
  Object.defineProperty(window, 'Binome', {
    configurable: true,
    get() { return b; },
    set(v) {
      const rec = v.record;
      v.record = function (i) { window.__records.push(JSON.parse(JSON.stringify(i))); return rec.call(this, i); };
      b = v;
    },
  });
}

async function context(opts = {}) {
  const ctx = await browser.newContext(Object.assign({ bypassCSP: true }, opts));
  await ctx.addInitScript(spy);
  return ctx;
}

async function open(ctx, rel) {
  const page = await ctx.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${base}/${rel}`);
  await page.waitForSelector('form.quiz .quiz-actions button, .quiz-assessment');
  return page;
}

const form = (page, id) => page.locator(`form[data-quiz="${id}"]`);
const feedback = (page, id) => form(page, id).locator('.quiz-feedback').innerText();
const state = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k) || 'null'), KEY);
const records = (page) => page.evaluate(() => window.__records);

async function choose(page, id, label) {
  await form(page, id).locator('label', { hasText: label }).click();
}

async function check(page, id) {
  await form(page, id).locator('button.quiz-check').click();
}

// Put an order quiz in the order of texts, with its move buttons.
async function arrange(page, id, texts) {
  for (let want = 0; want < texts.length; want++) {
    for (;;) {
      const now = await form(page, id).locator('.quiz-order-text').allInnerTexts();
      const at = now.indexOf(texts[want]);
      assert(at !== -1, `no item '${texts[want]}' in ${JSON.stringify(now)}`);
      if (at === want) break;
      await form(page, id).locator('.quiz-order-item').nth(at).locator('button.quiz-up').click();
    }
  }
}


test('build the quiz course', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'binome-quiz-'));
  execFileSync(BIN, ['build', '-q', '--theme', THEME, '-o', tmp, 'tests/course-quiz'],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const site = path.join(tmp, 'site');
  for (const f of ['quiz-test/verifier/questions.html', 'quiz-test/evaluation/evaluation.html',
    'quiz-test/assets/quiz.js', 'quiz-test/assets/quiz.css'])
    assert(fs.existsSync(path.join(site, f)), `missing ${f}`);
  const html = fs.readFileSync(path.join(site, 'quiz-test/verifier/questions.html'), 'utf8');
  assert(!/type="checkbox"[^>]*checked/.test(html), 'a checked box (the answer key) in the HTML');
  assert(!/Oui\s:\sbleu et jaune/.test(html.replace(/<script type="application\/json"[\s\S]*?<\/script>/g, '')),
    'option feedback outside the quiz data');
  srv = await serve(site);
  base = `${srv.url}/quiz-test`;
  browser = await launch();
});

test('right answer: words, icon, option feedback, explanation', async () => {
  const ctx = await context();
  const page = await open(ctx, 'verifier/questions.html');
  const live = await form(page, 'choix-unique').locator('.quiz-feedback').getAttribute('aria-live');
  eq(live, 'polite', 'feedback region');
  await choose(page, 'choix-unique', 'Du vert');
  await check(page, 'choix-unique');
  const fb = await feedback(page, 'choix-unique');
  assert(/✓/.test(fb) && /Bonne réponse/.test(fb), `feedback '${fb}'`);
  assert(/Oui\s:\sbleu et jaune donnent du vert/.test(fb), 'no option feedback');
  assert(/couleurs secondaires/.test(fb), 'no explanation');
  assert(!/Non\s:\sle rouge/.test(fb), 'feedback of an option not chosen');
  assert(await form(page, 'choix-unique').locator('.quiz-option.is-right .quiz-mark').count() === 1,
    'the chosen option is not marked');
  assert(await form(page, 'choix-unique').locator('button.quiz-retry').isHidden(), 'retry after a right answer');
  eq((await state(page)).q['choix-unique'], { r: '1', k: 1, n: 1 }, 'state');
  eq(page.errors, [], 'console errors');
  await ctx.close();
});

test('wrong answer, then try again', async () => {
  const ctx = await context();
  const page = await open(ctx, 'verifier/questions.html');
  await check(page, 'choix-multiple');
  assert(/Répondez d’abord/.test(await feedback(page, 'choix-multiple')), 'no "answer first" message');
  await choose(page, 'choix-multiple', 'La baleine');
  await choose(page, 'choix-multiple', 'Le requin');
  await check(page, 'choix-multiple');
  let fb = await feedback(page, 'choix-multiple');
  assert(/✗/.test(fb) && /Mauvaise réponse/.test(fb), `feedback '${fb}'`);
  assert(/Non\s:\sc’est un poisson/.test(fb) && /Oui\s:\selle allaite/.test(fb), 'option feedback missing');
  assert(!/La chauve-souris/.test(fb), 'the missed right option is revealed');
  assert(/Plusieurs réponses possibles/.test(await form(page, 'choix-multiple').innerText()), 'no multi hint');
  const retry = form(page, 'choix-multiple').locator('button.quiz-retry');
  assert(await retry.isVisible(), 'no retry button');
  await retry.click();
  eq(await form(page, 'choix-multiple').locator('input:checked').count(), 0, 'answers not cleared');
  eq(await feedback(page, 'choix-multiple'), '', 'feedback not cleared');
  eq(await page.evaluate(() => document.activeElement.id), 'quiz-choix-multiple-0', 'focus after retry');
  await choose(page, 'choix-multiple', 'La baleine');
  await choose(page, 'choix-multiple', 'La chauve-souris');
  await check(page, 'choix-multiple');
  fb = await feedback(page, 'choix-multiple');
  assert(/✓/.test(fb) && /Bonne réponse/.test(fb), `second try '${fb}'`);
  eq((await state(page)).q['choix-multiple'], { r: '0,2', k: 1, n: 2 }, 'state after two tries');
  const r = (await records(page)).filter((i) => i.id === 'choix-multiple');
  eq(r.map((i) => [i.type, i.response, i.correct, i.result, i.weighting]),
    [['choice', ['a', 'b'], ['a', 'c'], 'incorrect', 2], ['choice', ['a', 'c'], ['a', 'c'], 'correct', 2]],
    'interactions');
  assert(r.every((i) => typeof i.latency === 'number' && /mammifères/.test(i.description)), 'latency or description');
  await ctx.close();
});

test('every type, then a reload restores answers and feedback', async () => {
  const ctx = await context();
  let page = await open(ctx, 'verifier/questions.html');
  await choose(page, 'choix-unique', 'Du vert');
  await check(page, 'choix-unique');
  await choose(page, 'vrai-faux', 'Vrai');
  await check(page, 'vrai-faux');
  await form(page, 'reponse-courte').locator('input').fill('  rome ');
  await form(page, 'reponse-courte').locator('input').press('Enter');
  assert(/Bonne réponse/.test(await feedback(page, 'reponse-courte')), 'short answer (loose) not accepted');
  const sel = form(page, 'association').locator('select');
  eq(await sel.nth(0).locator('option').first().innerText(), 'Choisir…', 'select placeholder');
  await sel.nth(0).selectOption({ label: 'Paris' });
  await sel.nth(1).selectOption({ label: 'Lisbonne' });
  await sel.nth(2).selectOption({ label: 'Madrid' });
  await check(page, 'association');
  let fb = await feedback(page, 'association');
  assert(/Mauvaise réponse/.test(fb) && /1 association\(s\) juste\(s\) sur 3/.test(fb), `match '${fb}'`);
  await sel.nth(1).selectOption({ label: 'Madrid' });
  await sel.nth(2).selectOption({ label: 'Lisbonne' });
  await check(page, 'association');
  assert(/Bonne réponse/.test(await feedback(page, 'association')), 'match not right');
  const shown = await form(page, 'ordre').locator('.quiz-order-text').allInnerTexts();
  const right = ['Annoncer l’objectif', 'Montrer le geste', 'Laisser pratiquer', 'Faire le point'];
  assert(JSON.stringify(shown) !== JSON.stringify(right), 'order quiz shown in the right order');
  await arrange(page, 'ordre', right);
  await check(page, 'ordre');
  assert(/Bonne réponse/.test(await feedback(page, 'ordre')), 'order not right');
  await form(page, 'reflexion').locator('textarea').fill('Publier un post mardi avec Léa.');
  assert(/31 \/ 200/.test(await form(page, 'reflexion').locator('.quiz-count').innerText()), 'no counter');
  await check(page, 'reflexion');
  fb = await feedback(page, 'reflexion');
  assert(/enregistrée/.test(fb) && /Pistes de réponse/.test(fb) && /un geste, un jour/.test(fb), `reflect '${fb}'`);

  const q = (await state(page)).q;
  eq([q['choix-unique'].r, q['vrai-faux'].r, q['reponse-courte'].r, q.association.r, q.ordre.r, q.reflexion.r],
    ['1', '0', 'rome', '0,1,2', '0,1,2,3', 'Publier un post mardi avec Léa.'], 'response strings');
  eq(q.association.n, 2, 'tries');
  const rec = {};
  for (const i of await records(page)) rec[i.id] = i;
  eq([rec['vrai-faux'].type, rec['vrai-faux'].response, rec['vrai-faux'].correct], ['true-false', ['true'], ['true']], 'tf');
  eq([rec['reponse-courte'].type, rec['reponse-courte'].response, rec['reponse-courte'].correct],
    ['fill-in', ['rome'], ['Rome']], 'fill-in');
  eq([rec.association.type, rec.association.response], ['matching', ['a.a', 'b.b', 'c.c']], 'matching');
  eq([rec.ordre.type, rec.ordre.response, rec.ordre.correct],
    ['sequencing', ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd']], 'sequencing');
  eq([rec.reflexion.type, rec.reflexion.result, rec.reflexion.weighting], ['long-fill-in', 'neutral', 0], 'reflect');

  await page.reload();
  await page.waitForSelector('form.quiz .quiz-actions button');
  page.errors = [];
  assert(await form(page, 'choix-unique').locator('input[value="1"]').isChecked(), 'single not restored');
  assert(/Bonne réponse/.test(await feedback(page, 'choix-unique')), 'single feedback not restored');
  assert(await form(page, 'vrai-faux').locator('input[value="0"]').isChecked(), 'tf not restored');
  eq(await form(page, 'reponse-courte').locator('input').inputValue(), 'rome', 'short not restored');
  eq(await Promise.all([0, 1, 2].map(async (i) => (await sel.nth(i).locator('option:checked').innerText()))),
    ['Paris', 'Madrid', 'Lisbonne'], 'match not restored');
  eq(await form(page, 'ordre').locator('.quiz-order-text').allInnerTexts(), right, 'order not restored');
  eq(await form(page, 'reflexion').locator('textarea').inputValue(), 'Publier un post mardi avec Léa.', 'reflect');
  assert(/Pistes de réponse/.test(await feedback(page, 'reflexion')), 'guidance not restored');
  assert(/Bonne réponse/.test(await feedback(page, 'association')), 'match feedback not restored');
  await page.screenshot({ path: path.join(ARTIFACTS, 'quiz-answered.png'), fullPage: true });
  eq(page.errors, [], 'console errors');
  await ctx.close();
});

test('keyboard only: Tab, arrows, Space and Enter', async () => {
  const ctx = await context();
  const page = await open(ctx, 'verifier/questions.html');
  let id = '';
  for (let i = 0; i < 80 && id !== 'quiz-vrai-faux-0'; i++) {
    await page.keyboard.press('Tab');
    id = await page.evaluate(() => document.activeElement.id);
  }
  eq(id, 'quiz-vrai-faux-0', 'Tab never reached the true/false question');
  await page.keyboard.press('Space');
  assert(await page.locator('#quiz-vrai-faux-0').isChecked(), 'Space did not choose');
  await page.keyboard.press('ArrowDown');
  assert(await page.locator('#quiz-vrai-faux-1').isChecked(), 'arrow did not move the choice');
  await page.keyboard.press('Tab');
  eq(await page.evaluate(() => document.activeElement.className), 'quiz-check', 'Tab to the check button');
  await page.keyboard.press('Enter');
  assert(/Mauvaise réponse/.test(await feedback(page, 'vrai-faux')), 'Enter did not check');
  await page.keyboard.press('Tab');
  eq(await page.evaluate(() => document.activeElement.className), 'quiz-retry', 'Tab to retry');
  await page.keyboard.press('Enter');
  eq(await page.evaluate(() => document.activeElement.id), 'quiz-vrai-faux-0', 'retry focuses the first option');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert(/Bonne réponse/.test(await feedback(page, 'vrai-faux')), 'second try by keyboard');

  // The order quiz: Tab to a move button, Space moves, focus follows.
  const before = await form(page, 'ordre').locator('.quiz-order-text').allInnerTexts();
  for (let i = 0; i < 80 && !(await page.evaluate(() =>
    document.activeElement.matches('form[data-quiz="ordre"] .quiz-order-item:nth-child(2) button.quiz-up'))); i++)
    await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  const after = await form(page, 'ordre').locator('.quiz-order-text').allInnerTexts();
  eq(after, [before[1], before[0]].concat(before.slice(2)), 'Space on "move up"');
  const f = await page.evaluate(() => {
    const a = document.activeElement;
    return [a.className, a.closest('li').querySelector('.quiz-order-text').textContent];
  });
  eq(f, ['quiz-move quiz-down', before[1]], 'focus stays with the moved item');
  const status = await form(page, 'ordre').locator('[aria-live].quiz-sr').innerText();
  assert(status.includes('position 1 sur 4'), `move not announced: '${status}'`);
  await page.keyboard.press('Enter');
  eq(await form(page, 'ordre').locator('.quiz-order-text').allInnerTexts(), before, 'Enter on "move down"');
  await ctx.close();
});

async function answerAssessment(page, right) {
  await form(page, 'eval-couleur').locator('label', { hasText: right ? 'Du vert' : 'Du rouge' }).click();
  await form(page, 'eval-animaux').locator('label', { hasText: 'La baleine' }).click();
  await form(page, 'eval-animaux').locator('label', { hasText: right ? 'La chauve-souris' : 'Le requin' }).click();
  await form(page, 'eval-soleil').locator('label', { hasText: 'Vrai' }).click();
}

test('graded assessment: fail, attempts left, new attempt, pass, reload', async () => {
  const ctx = await context();
  const page = await open(ctx, 'evaluation/evaluation.html');
  const panel = page.locator('.quiz-assessment');
  const info = (await panel.innerText()).replace(/\u00a0/g, ' ');
  assert(/Tentative 1 sur 3/.test(info) && /70 %/.test(info), `attempt info '${info}'`);
  eq(await page.locator('form.quiz button.quiz-check').count(), 0, 'a check button in a graded quiz');
  await panel.locator('button.quiz-submit').click();
  assert(/3 question\(s\) sans réponse/.test(await panel.innerText()), 'unanswered not refused');
  await answerAssessment(page, false);
  await panel.locator('button.quiz-submit').click();
  let text = await panel.locator('.quiz-assess-result').innerText();
  assert(/✗/.test(text) && /Évaluation non réussie/.test(text), `fail '${text}'`);
  assert(/1 sur 4 points \(25 %\)/.test(text.replace(/\u00a0/g, ' ')), `score '${text}'`);
  assert(/Tentatives restantes : 2/.test(text.replace(/\u00a0/g, ' ')), `attempts '${text}'`);
  assert(/Mauvaise réponse/.test(await feedback(page, 'eval-couleur')), 'no per-question verdict');
  assert(/Bonne réponse/.test(await feedback(page, 'eval-soleil')), 'no per-question verdict (right)');
  assert(!/La bonne réponse/.test(await feedback(page, 'eval-couleur')), 'answers shown with attempts left');
  assert(!/Bleu et jaune/.test(await feedback(page, 'eval-couleur')), 'explanation shown with attempts left');
  assert(await form(page, 'eval-couleur').locator('input').first().isDisabled(), 'inputs not locked');
  let s = await state(page);
  eq(s.a['1'], { n: 1, s: 1, m: 4, p: 0 }, 'assessment state');
  eq([s.q['eval-couleur'].r, s.q['eval-couleur'].k, s.q['eval-animaux'].r], ['0', 0, '0,1'], 'graded answers');
  const again = panel.locator('button.quiz-again');
  assert(await again.isVisible(), 'no new attempt button');
  eq(await page.evaluate(() => document.activeElement.className), 'quiz-again', 'focus on new attempt');
  await again.click();
  assert(/Tentative 2 sur 3/.test(await panel.innerText()), 'attempt 2');
  eq(await page.locator('form.quiz input:checked').count(), 0, 'answers not cleared');
  assert(await form(page, 'eval-couleur').locator('input').first().isEnabled(), 'inputs still locked');
  eq(await feedback(page, 'eval-couleur'), '', 'feedback not cleared');
  await answerAssessment(page, true);
  await panel.locator('button.quiz-submit').click();
  text = await panel.locator('.quiz-assess-result').innerText();
  assert(/✓/.test(text) && /Évaluation réussie/.test(text) && /4 sur 4 points \(100 %\)/.test(text.replace(/\u00a0/g, ' ')),
    `pass '${text}'`);
  const fb = await feedback(page, 'eval-animaux');
  assert(/Les bonnes réponses/.test(fb) && /La baleine/.test(fb) && /allaitent/.test(fb), `answers '${fb}'`);
  assert(await again.isHidden(), 'new attempt after a pass');
  s = await state(page);
  eq(s.a['1'], { n: 2, s: 4, m: 4, p: 1 }, 'assessment state after the pass');
  const rec = (await records(page)).filter((i) => i.id === 'eval-animaux');
  eq(rec.map((i) => [i.result, i.weighting]), [['incorrect', 2], ['correct', 2]], 'graded interactions');
  await page.screenshot({ path: path.join(ARTIFACTS, 'quiz-assessment.png'), fullPage: true });

  await page.reload();
  await page.waitForSelector('.quiz-assessment');
  text = await page.locator('.quiz-assess-result').innerText();
  assert(/Évaluation réussie/.test(text), `not restored '${text}'`);
  assert(await form(page, 'eval-couleur').locator('input:checked').count() === 1, 'answers not restored');
  assert(await form(page, 'eval-couleur').locator('input').first().isDisabled(), 'restored attempt not locked');
  eq(page.errors, [], 'console errors');
  await ctx.close();
});

test('graded assessment: no attempts left shows the answers', async () => {
  const ctx = await context();
  const page = await open(ctx, 'evaluation/evaluation.html');
  const panel = page.locator('.quiz-assessment');
  const orders = [];
  for (let n = 1; n <= 3; n++) {
    orders.push((await form(page, 'eval-couleur').locator('label').allInnerTexts()).join('|'));
    await answerAssessment(page, false);
    await panel.locator('button.quiz-submit').click();
    if (n < 3) await panel.locator('button.quiz-again').click();
  }
  assert(new Set(orders).size > 1, `options not shuffled per attempt: ${orders.join(' / ')}`);
  const text = await panel.innerText();
  assert(/Plus aucune tentative/.test(text) && /non réussie/.test(text), `'${text}'`);
  assert(await panel.locator('button.quiz-again').isHidden(), 'new attempt with none left');
  const fb = await feedback(page, 'eval-couleur');
  assert(/La bonne réponse/.test(fb) && /Du vert/.test(fb) && /Bleu et jaune/.test(fb), `answers '${fb}'`);
  await page.reload();
  await page.waitForSelector('.quiz-assessment');
  assert(/Plus aucune tentative/.test(await page.locator('.quiz-assessment').innerText()), 'not restored');
  await ctx.close();
});

test('axe-core: no WCAG 2.1 A/AA violations on quiz pages, light and dark', async () => {
  const bad = [];
  for (const scheme of ['light', 'dark']) {
    const ctx = await context({ colorScheme: scheme });
    let page = await open(ctx, 'verifier/questions.html');
    bad.push(...await axe(page, `questions ${scheme}`));
    await choose(page, 'choix-unique', 'Du rouge');
    await check(page, 'choix-unique');
    await choose(page, 'choix-multiple', 'La baleine');
    await check(page, 'choix-multiple');
    await form(page, 'reflexion').locator('textarea').fill('Une idée.');
    await check(page, 'reflexion');
    bad.push(...await axe(page, `questions answered ${scheme}`));
    await page.close();
    page = await open(ctx, 'evaluation/evaluation.html');
    bad.push(...await axe(page, `assessment ${scheme}`));
    await answerAssessment(page, false);
    await page.locator('.quiz-assessment button.quiz-submit').click();
    bad.push(...await axe(page, `assessment failed ${scheme}`));
    await ctx.close();
  }
  assert(bad.length === 0, '\n' + bad.join('\n'));
});

// The SCORM 2004 package under scorm-again: the assessment reaches the
// LMS (interactions, score, success) and a relaunch restores it.
function lmsPage(init) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="/sa.js"></script><script>
window.calls = [];
var api = new Scorm2004API({ logLevel: 5, autocommit: false });
var init = ${JSON.stringify(init || null)};
if (init) api.loadFromJSON(init);
['Initialize', 'SetValue', 'Commit', 'Terminate'].forEach(function (n) {
  var f = api[n].bind(api);
  api[n] = function () {
    var a = Array.prototype.slice.call(arguments).map(String);
    window.calls.push({ n: n, a: a });
    return f.apply(null, arguments);
  };
});
window.API_1484_11 = api;
</script></head><body><iframe id="sco" title="course" src="/pkg/scorm.html" style="width:100%;height:90vh;border:0"></iframe></body></html>`;
}

async function launchScorm(dir, init) {
  const sa = path.join(ROOT, 'tests/node_modules/scorm-again/dist/scorm2004.js');
  const s = await serve(path.dirname(dir), {
    '/lms.html': ['text/html; charset=utf-8', lmsPage(init)],
    '/sa.js': ['text/javascript', fs.readFileSync(sa)],
  });
  const orig = s.server.listeners('request')[0];
  s.server.removeAllListeners('request');
  s.server.on('request', (req, res) => {
    if (req.url.startsWith('/pkg/')) req.url = '/' + path.basename(dir) + req.url.slice(4);
    orig(req, res);
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(s.url + '/lms.html');
  let sco;
  for (let i = 0; i < 100 && !(sco && sco.childFrames().length); i++) {
    sco = page.frames().find((f) => f.url().endsWith('/pkg/scorm.html'));
    await page.waitForTimeout(50);
  }
  assert(sco && sco.childFrames().length, 'no SCO frame');
  const lesson = () => sco.childFrames()[0];
  await lesson().waitForFunction(() => window.Binome && document.readyState === 'complete');
  await lesson().evaluate(() => {
    const p = window.BINOME_COURSE.pages.find((x) => x.id === 'evaluation/evaluation');
    window.location.href = window.Binome.root + p.href;
  });
  for (let i = 0; i < 100 && !/evaluation\.html$/.test(lesson().url()); i++) await page.waitForTimeout(50);
  await lesson().waitForSelector('.quiz-assessment');
  return { s, ctx, page, lesson };
}

test('SCORM 2004: the assessment reaches the LMS and comes back on relaunch', async () => {
  const zip = path.join(tmp, 'scorm', 'quiz-test-0.1.0-scorm2004.zip');
  assert(fs.existsSync(zip), `no ${zip}`);
  const dir = zip.replace(/\.zip$/, '');
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  let t = await launchScorm(dir);
  const L = t.lesson();
  await answerAssessment(L, true);
  await L.locator('.quiz-assessment button.quiz-submit').click();
  assert(/Évaluation réussie/.test(await L.locator('.quiz-assess-result').innerText()), 'not passed in the LMS');
  await t.page.evaluate(() => document.getElementById('sco').remove());
  await t.page.waitForFunction(() => window.calls.some((c) => c.n === 'Terminate'));
  const calls = await t.page.evaluate(() => window.calls);
  const set = {};
  for (const c of calls) if (c.n === 'SetValue') set[c.a[0]] = c.a[1];
  const ids = Object.keys(set).filter((k) => /^cmi\.interactions\.\d+\.id$/.test(k)).map((k) => set[k]);
  for (const id of ['eval-couleur', 'eval-animaux', 'eval-soleil'])
    assert(ids.includes(id), `no interaction ${id}: ${JSON.stringify(ids)}`);
  const i = Object.keys(set).find((k) => set[k] === 'eval-animaux').split('.')[2];
  eq([set[`cmi.interactions.${i}.type`], set[`cmi.interactions.${i}.result`]], ['choice', 'correct'], 'interaction');
  eq(set['cmi.success_status'], 'passed', 'success_status');
  assert(set['cmi.suspend_data'], 'no suspend_data');
  t.s.close();
  await t.ctx.close();

  t = await launchScorm(dir, { entry: 'resume', location: set['cmi.location'] || '',
    completion_status: set['cmi.completion_status'] || 'incomplete', suspend_data: set['cmi.suspend_data'] });
  const L2 = t.lesson();
  assert(/Évaluation réussie/.test(await L2.locator('.quiz-assess-result').innerText()), 'result not restored from the LMS');
  eq(await L2.locator('form[data-quiz="eval-couleur"] input:checked + label').innerText(), 'Du vert', 'answer not restored');
  eq(t.page.errors, [], 'errors');
  t.s.close();
  await t.ctx.close();
});

test('close', async () => {
  if (browser) await browser.close();
  if (srv) srv.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

run(__filename);
