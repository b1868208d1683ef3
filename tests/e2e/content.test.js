'use strict';
// The shipped course (content/) in chromium: axe-core finds no WCAG 2.1
// A/AA violation on any page, in light and dark, with every quiz
// answered and checked; every internal link, image and download
// resolves; no request leaves loopback.  A 375 px screenshot of a
// lesson is kept as an artefact.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { serve, launch, test, run, assert, axe, ARTIFACTS, BIN, ROOT } = require('./lib.js');

let tmp, srv, browser, pages, answered = 0;

function htmlFiles(dir, base = '') {
  return fs.readdirSync(path.join(dir, base), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(base, e.name);
    if (e.isDirectory()) return htmlFiles(dir, rel);
    return e.name.endsWith('.html') ? [rel] : [];
  }).sort();
}


test('build content/ and serve it', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'binome-content-'));
  execFileSync(BIN, ['build', '-q', '--werror', '--theme', 'themes/default', '-o', tmp, 'content'],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  pages = htmlFiles(path.join(tmp, 'site'));
  assert(pages.length > 30, `${pages.length} pages`);
  srv = await serve(path.join(tmp, 'site'));
  browser = await launch();
});

test('axe-core: no WCAG 2.1 A/AA violation on any page, light and dark, quizzes answered', async () => {
  const found = [];
  for (const scheme of ['light', 'dark']) {
    const ctx = await browser.newContext({ bypassCSP: true, colorScheme: scheme,
      viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    for (const p of pages) {
      await page.goto(`${srv.url}/${p}`);
      found.push(...await axe(page, `${p} [${scheme}]`));
      // Answer the knowledge checks (first option), so that feedback
      // states are checked too.
      const forms = await page.$$('form.quiz:not([data-graded])');
      if (!forms.length) continue;
      for (const f of forms) {
        const input = await f.$('input[type=radio], input[type=checkbox]');
        const submit = await f.$('button[type=submit]');
        if (input && submit && await submit.isVisible()) {
          await input.check();
          await submit.click();
          await f.waitForSelector('.quiz-feedback:not(:empty)');
          answered++;
        }
      }
      found.push(...await axe(page, `${p} answered [${scheme}]`));
    }
    await ctx.close();
  }
  assert(answered > 50, `answered ${answered} knowledge checks`);
  assert(!found.length, `${found.length} violations:\n` + found.join('\n'));
});

test('every internal link, image and download resolves; nothing leaves loopback', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(srv.url)) outside.push(r.url()); });
  const bad = [];
  const checked = new Set();
  for (const p of pages) {
    await page.goto(`${srv.url}/${p}`);
    const urls = await page.evaluate(() => [...document.querySelectorAll('a[href], img[src]')]
      .map((e) => e.href || e.src).filter((u) => u.startsWith(location.origin)));
    for (const u of urls) {
      const file = u.split('#')[0];
      if (checked.has(file)) continue;
      checked.add(file);
      const r = await page.request.get(file);
      if (r.status() !== 200) bad.push(`${p}: ${u} -> ${r.status()}`);
    }
  }
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${srv.url}/mentorat-inverse/devenir-mentor/expliquer-sans-jargon.html`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'content-lesson-375.png'), fullPage: false });
  await ctx.close();
  assert(!bad.length, bad.join('\n'));
  assert(!outside.length, 'requests outside loopback: ' + outside.join(', '));
});

test('clean up', async () => {
  if (browser) await browser.close();
  if (srv) srv.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

run(__filename);
