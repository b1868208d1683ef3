'use strict';
// The static site in a browser: builds tests/course (an English course
// with every feature, a tiny French one) into a temp dir, serves it on
// loopback and checks, in chromium: axe-core (WCAG 2.1 A/AA) on every
// page in light and dark mode, links, images and anchors, no external
// requests, search (accents, both courses, keyboard), prev/next chains,
// aria-current, progress kept across reloads, file://, no horizontal
// scroll at 320 px; saves screenshots into build/test-artifacts.
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { execFileSync } = require('child_process');
const { serve, launch, test, run, assert, axe, eq, ARTIFACTS, BIN, ROOT } = require('./lib.js');

const THEME = process.env.THEME || 'themes/default';

let tmp, site, srv, browser, pages = [];

// Every .html file under dir, as paths relative to it, sorted.
function htmlFiles(dir, rel = '') {
  let out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out = out.concat(htmlFiles(dir, r));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out.sort();
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

// A new page that fails the test on any request leaving loopback or
// file://, and collects console errors and uncaught exceptions.
async function open(ctx) {
  const page = await ctx.newPage();
  page.errors = [];
  page.external = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(srv.url) && !u.startsWith('file:') && !u.startsWith('data:')) page.external.push(u);
  });
  return page;
}


test('build the test course', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'binome-site-'));
  execFileSync(BIN, ['build', '-q', '--theme', THEME, '-o', tmp, 'tests/course'],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  site = path.join(tmp, 'site');
  pages = htmlFiles(site);
  for (const f of ['index.html', 'demo/index.html', 'fr-mini/index.html', 'demo/assets/course.js',
    'demo/assets/search-index.js', 'demo/assets/binome.js', 'demo/assets/search.js', 'demo/assets/binome.css'])
    assert(fs.existsSync(path.join(site, f)), `missing ${f}`);
  assert(!pages.some((p) => /draft/.test(p)), 'the draft lesson was published');
  assert(!fs.readFileSync(path.join(site, 'demo/basics/index.html'), 'utf8').includes('Unfinished draft'),
    'the draft lesson is in the table of contents');
  srv = await serve(site);
  browser = await launch();
});

test('every page: structure, landmarks and html attributes', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  const bad = [];
  for (const p of pages) {
    await page.goto(`${srv.url}/${p}`);
    const r = await page.evaluate(() => {
      const h = document.documentElement, C = window.BINOME_COURSE;
      const out = {
        lang: h.lang, h1: document.querySelectorAll('h1').length,
        main: !!document.querySelector('main#main'),
        skip: !!document.querySelector('a[href="#main"]'),
        csp: !!document.querySelector('meta[http-equiv="Content-Security-Policy"]'),
        inline: document.querySelectorAll('script:not([src]):not([type="application/json"]), [style]').length,
      };
      if (C) {
        const i = Number(h.getAttribute('data-binome-page'));
        const want = new URL(h.getAttribute('data-binome-root') + C.pages[i].href, location.href).href;
        out.index = want === location.href.split('#')[0];
        out.banner = !!document.querySelector('header.site-header a.site-title');
        out.toc = !!document.querySelector('nav.toc[aria-label]');
        out.footer = !!document.querySelector('footer');
      }
      return out;
    });
    const why = [];
    if (!r.lang) why.push('no lang');
    if (r.h1 !== 1) why.push(`${r.h1} h1`);
    if (!r.main || !r.skip) why.push('no main#main or skip link');
    if (!r.csp) why.push('no CSP');
    if (r.inline) why.push(`${r.inline} inline scripts or style attributes`);
    if (r.index === false) why.push('data-binome-page does not match BINOME_COURSE.pages');
    if (p.includes('/') && (!r.banner || !r.toc || !r.footer)) why.push('missing banner, toc or footer');
    if (page.errors.length) why.push(page.errors.join('; '));
    if (why.length) bad.push(`${p}: ${why.join(', ')}`);
    page.errors = [];
  }
  await ctx.close();
  assert(!bad.length, '\n' + bad.join('\n'));
});

test('axe-core: no WCAG 2.1 A/AA violations on any page, light and dark, 1280 and 375 px', async () => {
  const found = [];
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 375]) {
      const ctx = await browser.newContext({ bypassCSP: true, colorScheme: scheme,
        viewport: { width, height: 900 } });
      const page = await open(ctx);
      for (const p of pages) {
        await page.goto(`${srv.url}/${p}`);
        found.push(...await axe(page, `${p} [${scheme} ${width}px]`));
      }
      // The search results open, and the table of contents folded out.
      await page.goto(`${srv.url}/demo/basics/welcome.html`);
      await page.fill('#search-q', 'table');
      await page.waitForSelector('#search-results:not([hidden])');
      found.push(...await axe(page, `search results [${scheme} ${width}px]`));
      await page.goto(`${srv.url}/index.html`);
      await page.fill('#search-q', 'lovelace');
      await page.waitForSelector('#search-results:not([hidden])');
      found.push(...await axe(page, `site search results [${scheme} ${width}px]`));
      await ctx.close();
    }
  }
  assert(!found.length, `${found.length} violations:\n` + found.join('\n'));
});

test('links and images resolve, anchors exist, no external requests', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  const targets = new Map();	// url without hash -> [hashes, from]
  const bad = [];
  for (const p of pages) {
    await page.goto(`${srv.url}/${p}`);
    const refs = await page.evaluate(() => [
      ...[...document.querySelectorAll('a[href]')].map((a) => ({ url: a.href, raw: a.getAttribute('href') })),
      ...[...document.querySelectorAll('img[src], script[src], link[href]')].map((e) =>
        ({ url: e.src || e.href, raw: e.getAttribute('src') || e.getAttribute('href') }))]);
    for (const r of refs) {
      if (!r.url.startsWith(srv.url)) continue;
      if (/\/$/.test(r.raw.split('#')[0]) && r.raw !== '#') bad.push(`${p}: link to a directory '${r.raw}'`);
      const [u, hash] = r.url.split('#');
      if (!targets.has(u)) targets.set(u, []);
      if (hash) targets.get(u).push([decodeURIComponent(hash), `${p} -> ${r.raw}`]);
    }
    if (page.external.length) bad.push(`${p}: external requests ${page.external.join(' ')}`);
  }
  for (const [u, hashes] of targets) {
    const res = await get(u);
    if (res.status !== 200) { bad.push(`${u.slice(srv.url.length)}: HTTP ${res.status}`); continue; }
    const ids = new Set([...res.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    for (const [h, from] of hashes) if (!ids.has(h)) bad.push(`${from}: no id '${h}'`);
  }
  await ctx.close();
  assert(targets.size > 10, `only ${targets.size} internal targets checked`);
  // The test course has these, so the check above really covers them.
  const demo = fs.readFileSync(path.join(site, 'demo/basics/welcome.html'), 'utf8');
  assert(/href="[^"]*tables\.html#wide-tables"/.test(demo), 'no link to another lesson with an anchor');
  assert(/href="#the-five-alerts"/.test(demo), 'no link to an anchor on the same page');
  assert(/<img [^>]*src="[^"]*pipeline\.svg"/.test(fs.readFileSync(path.join(site, 'demo/basics/diagram.html'), 'utf8')),
    'the bundle image is missing');
  assert(/href="[^"]*cheatsheet\.txt"/.test(fs.readFileSync(path.join(site, 'demo/further/wrap-up.html'), 'utf8')),
    'the download link is missing');
  assert(!bad.length, '\n' + bad.join('\n'));
});

test('content features render: alerts, tables, task list, strikethrough, autolinks', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  await page.goto(`${srv.url}/demo/basics/welcome.html`);
  const r = await page.evaluate(() => ({
    alerts: [...document.querySelectorAll('.content aside.alert[role="note"]')].map((a) =>
      [a.className, a.querySelector('.alert-title') && a.querySelector('.alert-title').textContent]),
    tasks: document.querySelectorAll('.content input[type="checkbox"]').length,
    del: document.querySelectorAll('.content del').length,
    auto: document.querySelectorAll('.content a[href^="http"]').length,
    h2: document.querySelectorAll('.content h2[id]').length,
    h3: document.querySelectorAll('.content h3[id]').length,
    objectives: document.querySelectorAll('.objectives li').length,
    duration: (document.querySelector('.page-meta') || {}).textContent || '',
  }));
  eq(r.alerts.map((a) => a[0]), ['alert alert-note', 'alert alert-tip', 'alert alert-important',
    'alert alert-warning', 'alert alert-caution'], 'alerts');
  assert(r.alerts.every((a) => a[1] && a[1].trim()), 'an alert has no title text');
  assert(r.tasks === 4 && r.del >= 1 && r.auto >= 2 && r.h2 >= 2 && r.h3 >= 1, JSON.stringify(r));
  assert(r.objectives === 3 && /8 min/.test(r.duration), 'objectives or duration missing');
  await page.goto(`${srv.url}/demo/further/tables.html`);
  assert(await page.$$eval('.content table', (t) => t.length) === 2, 'tables missing');
  // French interface strings and typography in the French course.
  await page.goto(`${srv.url}/fr-mini/animaux/elephants.html`);
  const fr = await page.evaluate(() => ({
    skip: document.querySelector('.skip-link').textContent,
    toc: document.querySelector('nav.toc').getAttribute('aria-label'),
    alert: document.querySelector('.alert-note .alert-title').textContent,
    meta: document.querySelector('.page-meta dt').textContent,
  }));
  eq(fr, { skip: 'Aller au contenu', toc: 'Sommaire', alert: 'Remarque', meta: 'Durée\u00a0:' }, 'French strings');
  await ctx.close();
});

test('search: accents, keyboard, Escape, both courses from the root', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  // In a course, a query without accents finds a title with accents.
  await page.goto(`${srv.url}/fr-mini/animaux/elephant-asie.html`);
  await page.fill('#search-q', 'elephants vegetaux');
  await page.waitForSelector('#search-results:not([hidden]) li a');
  let r = await page.$$eval('#search-results li a', (l) => l.map((a) => [a.textContent, a.href]));
  assert(r.length >= 1 && r[0][0] === 'Les éléphants : des géants végétariens' &&
    r[0][1] === `${srv.url}/fr-mini/animaux/elephants.html`, JSON.stringify(r));
  const status = await page.textContent('.search-status');
  assert(/^1 résultat|résultats$/.test(status), `status '${status}'`);
  // Title hits come first; excerpts are text with <mark>, no HTML injected.
  await page.fill('#search-q', 'ÉLÉPHANT');
  r = await page.$$eval('#search-results li a', (l) => l.map((a) => a.textContent));
  assert(r.length >= 3 && /éléphant/i.test(r[0]), JSON.stringify(r));
  assert(await page.$$eval('.result-excerpt mark', (m) => m.length) > 0, 'no highlighted excerpt');
  await page.press('#search-q', 'Escape');
  eq(await page.inputValue('#search-q'), '', 'Escape clears the query');
  assert(await page.$eval('#search-results', (e) => e.hidden), 'Escape hides the results');
  await page.fill('#search-q', 'zzzqqq');
  eq(await page.textContent('.search-status'), 'Aucun résultat', 'no results');

  // From the site root: pages of both courses.
  await page.goto(`${srv.url}/index.html`);
  await page.fill('#search-q', 'lovelace');
  await page.waitForSelector('#search-results li a');
  r = await page.$$eval('#search-results li a', (l) => l.map((a) => a.getAttribute('href')));
  assert(r.some((h) => h.startsWith('demo/')) && r.some((h) => h.startsWith('fr-mini/')),
    `root search misses a course: ${r}`);
  for (const h of r) eq((await get(`${srv.url}/${h}`)).status, 200, `result ${h}`);
  // Keyboard: type, Tab to the first result, Enter follows it.
  await page.fill('#search-q', '');
  await page.focus('#search-q');
  await page.keyboard.type('wide tab');
  await page.waitForSelector('#search-results li a');
  const first = await page.$eval('#search-results li a', (a) => a.href);
  await page.keyboard.press('Tab');
  eq(await page.evaluate(() => document.activeElement.href), first, 'Tab reaches the first result');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  eq(page.url(), `${srv.url}/demo/further/tables.html`, 'Enter opens the result');
  // Escape on a result clears the search and goes back to the box.
  await page.fill('#search-q', 'tables');
  await page.waitForSelector('#search-results li a');
  await page.focus('#search-results li a');
  await page.keyboard.press('Escape');
  eq(await page.evaluate(() => [document.activeElement.id, document.querySelector('#search-q').value]),
    ['search-q', ''], 'Escape from a result');
  assert(!page.errors.length, page.errors.join('\n'));
  // The text of two blocks is two words ("About this course" + "This
  // course is..." must not become "coursethis").
  await page.fill('#search-q', 'coursethis');
  eq(await page.textContent('.search-status'), 'No results', 'search-index.js glues the words of two blocks');
  await ctx.close();
});

test('prev/next chains walk every page in order; aria-current in the toc', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  for (const c of ['demo', 'fr-mini']) {
    await page.goto(`${srv.url}/${c}/index.html`);
    const want = await page.evaluate(() => window.BINOME_COURSE.pages.map((p) => p.href));
    const seen = [];
    for (;;) {
      const here = page.url().slice(`${srv.url}/${c}/`.length);
      seen.push(here);
      assert(seen.length <= want.length, `next loops: ${seen}`);
      const cur = await page.evaluate(() => {
        const a = [...document.querySelectorAll('nav.toc a[aria-current="page"]')];
        const d = a[0] && a[0].closest('.toc-module details');
        return { n: a.length, href: a[0] && a[0].href, open: d ? d.open : null,
          crumb: !!document.querySelector('.breadcrumbs [aria-current="page"]') || !document.querySelector('.breadcrumbs') };
      });
      eq(cur.n, 1, `${here}: links with aria-current in the toc`);
      eq(cur.href, page.url(), `${here}: aria-current link`);
      assert(cur.open !== false, `${here}: the module of the current page is closed`);
      assert(cur.crumb, `${here}: no aria-current in the breadcrumbs`);
      const next = await page.$('a[rel="next"]');
      if (!next) break;
      const title = await next.textContent();
      await Promise.all([page.waitForNavigation(), next.click()]);
      const h1 = await page.textContent('h1');
      assert(title.includes(h1), `next link '${title}' does not name '${h1}'`);
    }
    eq(seen, want, `${c}: rel=next order`);
    const back = [];
    for (;;) {
      back.unshift(page.url().slice(`${srv.url}/${c}/`.length));
      const prev = await page.$('a[rel="prev"]');
      if (!prev) break;
      await Promise.all([page.waitForNavigation(), prev.click()]);
    }
    eq(back, want, `${c}: rel=prev order`);
  }
  await ctx.close();
});

test('progress: seen lessons survive a reload; toc marks and module counts', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  await page.goto(`${srv.url}/demo/basics/welcome.html`);
  await page.goto(`${srv.url}/demo/basics/diagram.html`);
  await page.goto(`${srv.url}/demo/further/tables.html`);
  await page.reload();
  const r = await page.evaluate(() => [...document.querySelectorAll('nav.toc .toc-module')].map((m) => ({
    count: m.querySelector('.toc-count').textContent,
    shown: !m.querySelector('.toc-progress').hidden,
    value: m.querySelector('progress').value, max: m.querySelector('progress').max,
    marks: [...m.querySelectorAll('.toc-lessons a')].map((a) => {
      const s = a.querySelector('.seen-mark');
      return s ? (s.hidden ? 0 : 1) : '-';
    }),
  })));
  eq(r, [
    { count: '2 of 2 lessons seen', shown: true, value: 2, max: 2, marks: ['-', 1, 1] },
    { count: '1 of 2 lessons seen', shown: true, value: 1, max: 2, marks: ['-', 1, 0] },
  ], 'module progress');
  const vis = await page.$eval('nav.toc .seen-mark:not([hidden]) .visually-hidden', (e) => e.textContent);
  eq(vis.trim(), '(seen)', 'seen mark text');
  const st = await page.evaluate(() => window.Binome.state);
  eq([st.v, st.loc, st.seen], [1, 5, [2, 3, 5]], 'state in localStorage');
  // Binome.on("state") calls a late handler at once, with the state.
  eq(await page.evaluate(() => new Promise((res) => window.Binome.on('state', (s) => res(s.seen.length)))), 3,
    'late state handler');
  // Storage unavailable: the page still works.
  const ctx2 = await browser.newContext();
  await ctx2.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new Error('denied'); } });
  });
  const p2 = await open(ctx2);
  await p2.goto(`${srv.url}/demo/basics/welcome.html`);
  eq(await p2.evaluate(() => window.Binome.state.seen), [2], 'state without storage');
  assert(!p2.errors.length, p2.errors.join('\n'));
  await ctx2.close();
  await ctx.close();
});

test('works from file:// with the CSP: no console errors, links, search, state', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  const base = `file://${site}`;
  await page.goto(`${base}/demo/index.html`);
  assert(await page.evaluate(() => !!(window.Binome && window.BINOME_COURSE)),
    'scripts did not run from file://');
  // The search index loads when the search box is used, not before.
  assert(await page.evaluate(() => !window.BINOME_SEARCH), 'the search index loaded with the page');
  await page.click('nav.toc .toc-module summary');	// unfold the first module
  const link = await page.$('nav.toc .toc-lessons li:not(.toc-overview) a');
  const want = await link.evaluate((a) => a.href);
  await Promise.all([page.waitForNavigation(), link.click()]);
  eq(page.url(), want, 'toc link');
  eq(await page.textContent('h1'), 'Welcome and text formatting', 'lesson title');
  await Promise.all([page.waitForNavigation(), page.click('a[rel="next"]')]);
  eq(page.url(), `${base}/demo/basics/diagram.html`, 'next link');
  assert(await page.$eval('.content img', (i) => i.complete && i.naturalWidth > 0), 'image did not load');
  await page.fill('#search-q', 'download');
  await page.waitForSelector('#search-results li a');
  assert(await page.evaluate(() => !!window.BINOME_SEARCH), 'the search index did not load from file://');
  await Promise.all([page.waitForNavigation(), page.click('#search-results li a')]);
  eq(page.url(), `${base}/demo/further/wrap-up.html`, 'search result');
  await page.goto(`${base}/index.html`);
  await page.fill('#search-q', 'elephant');
  await page.waitForSelector('#search-results li a');
  assert(await page.$eval('#search-results li a', (a, b) => a.href.startsWith(`${b}/fr-mini/`), base), 'root search');
  assert(!page.errors.length, page.errors.join('\n'));
  assert(!page.external.length, page.external.join('\n'));
  await ctx.close();
});

test('no horizontal scroll at 320 px; screenshots at 375 and 1280 px', async () => {
  const ctx = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await open(ctx);
  const wide = [];
  for (const p of pages) {
    await page.goto(`${srv.url}/${p}`);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 320) wide.push(`${p}: ${w}px`);
  }
  await ctx.close();
  for (const [scheme, width] of [['light', 375], ['light', 1280], ['dark', 375], ['dark', 1280]]) {
    const c = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 } });
    const p = await open(c);
    const sfx = `${width}${scheme === 'dark' ? '-dark' : ''}`;
    await p.goto(`${srv.url}/demo/basics/welcome.html`);
    await p.screenshot({ path: path.join(ARTIFACTS, `site-lesson-${sfx}.png`), fullPage: true });
    await p.goto(`${srv.url}/index.html`);
    await p.screenshot({ path: path.join(ARTIFACTS, `site-home-${sfx}.png`), fullPage: true });
    if (scheme === 'light') {
      await p.goto(`${srv.url}/demo/further/tables.html`);
      await p.fill('#search-q', 'alert');
      await p.waitForSelector('#search-results li a');
      await p.screenshot({ path: path.join(ARTIFACTS, `site-search-${sfx}.png`) });
      await p.emulateMedia({ media: 'print' });
      await p.goto(`${srv.url}/demo/further/wrap-up.html`);
      await p.screenshot({ path: path.join(ARTIFACTS, `site-print-${sfx}.png`), fullPage: true });
    }
    await c.close();
  }
  assert(!wide.length, 'pages wider than 320 px:\n' + wide.join('\n'));
});

test('search in a large course: an index in parts, from a page, the root and file://', async () => {
  // Over 300 pages, search-index.js names one part per 16 modules.
  const big = fs.mkdtempSync(path.join(os.tmpdir(), 'binome-big-'));
  try {
    execFileSync('node', ['tests/bench/gen.js', '400', path.join(big, 'src')], { stdio: 'ignore' });
    execFileSync(BIN, ['build', '-q', '--theme', THEME, '-o', path.join(big, 'out'),
      path.join(big, 'src', 'binome')], { stdio: 'inherit' });
    const dir = path.join(big, 'out', 'site');
    assert(fs.existsSync(path.join(dir, 'bench/assets/search/0002.js')), 'no search part for modules 33 to 40');
    const ctx = await browser.newContext();
    const page = await open(ctx);
    for (const [url, href] of [[`file://${dir}/bench/m0001/l01.html`, '../m0040/l03.html'],
      [`file://${dir}/index.html`, 'bench/m0040/l03.html']]) {
      await page.goto(url);
      await page.fill('#search-q', 'lecon 40.3');
      await page.waitForSelector('#search-results:not([hidden]) li a');
      const r = await page.$$eval('#search-results li a', (l) => l.map((a) => [a.textContent, a.getAttribute('href')]));
      eq(r[0], ['Leçon 40.3', href], `the last module's part is searched from ${url}`);
      // Pages of the first part and of the index itself are found too.
      await page.fill('#search-q', 'lecon 1.1');
      await page.waitForSelector('#search-results li a');
      eq(await page.$eval('#search-results li a', (a) => a.textContent), 'Leçon 1.1', `first part from ${url}`);
    }
    assert(!page.errors.length, page.errors.join('\n'));
    await ctx.close();
  } finally {
    fs.rmSync(big, { recursive: true, force: true });
  }
});

test('clean up', async () => {
  if (browser) await browser.close();
  if (srv) srv.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

run(__filename);
