'use strict';
// binome serve: the live preview and the LMS simulator.  Starts
// `binome serve` on a free port over a copy of a course, edits the
// Markdown and checks that the open page reloads by itself, that a
// broken front matter shows the error overlay and that fixing it
// reloads a clean page; that paths out of the output are refused and
// that only loopback is listened on; then runs the same SCORM scenario
// in the simulator (/lms/) and under scorm-again and compares the data
// each LMS ends with.
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { serve, launch, test, run, assert, eq, axe, ARTIFACTS, BIN, ROOT } = require('./lib.js');

let tmp, browser, srv;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Start `binome serve`; resolves once it prints its URL.
async function startServer(args) {
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--port', String(port), '--theme',
    path.join(ROOT, 'themes/default')].concat(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const logf = path.join(ARTIFACTS, 'serve.log');
  fs.writeFileSync(logf, '');
  const onData = (d) => { out += d; fs.appendFileSync(logf, d); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no URL line in 20 s: ' + out)), 20000);
    const check = () => {
      const m = /binome: serving (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)/.exec(out);
      if (m) { clearTimeout(t); resolve(m[1]); }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    exited.then((x) => { clearTimeout(t); reject(new Error(`exited ${JSON.stringify(x)}: ${out}`)); });
  });
  return { child, port, url: url.replace(/\/$/, ''), exited, log: () => out };
}

// A raw request, so that no client normalises the path.
function raw(port, host, reqPath) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, host, () => {
      sock.write(`GET ${reqPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
    sock.setTimeout(5000, () => { sock.destroy(); reject(new Error('timeout')); });
  });
}

async function waitLive(page) {
  await page.waitForFunction(() => window.binomeLive === true, null, { timeout: 10000 });
}

test('setup: copy the course, start binome serve and chromium', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'binome-serve-'));
  fs.cpSync(path.join(ROOT, 'tests/course'), path.join(tmp, 'course'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'tests/course-quiz'), path.join(tmp, 'course-quiz'), { recursive: true });
  srv = await startServer(['-q', '-o', path.join(tmp, 'out'), path.join(tmp, 'course'),
    path.join(tmp, 'course-quiz')]);
  browser = await launch();
});

test('live reload: an edit shows, a broken front matter shows the overlay, the fix reloads', async () => {
  const md = path.join(tmp, 'course/demo/01-basics/01-welcome.md');
  const orig = fs.readFileSync(md, 'utf8');
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.url + '/demo/basics/welcome.html');
  await waitLive(page);
  assert(!(await page.content()).includes('zorbulation'), 'the word is not there yet');

  // An edit: the page reloads by itself with the new word.
  const t0 = Date.now();
  fs.appendFileSync(md, '\nA new paragraph about zorbulation.\n');
  await page.waitForFunction(() => document.body.textContent.includes('zorbulation'), null,
    { timeout: 5000 });
  assert(Date.now() - t0 < 5000, 'reloaded within 5 s');
  await waitLive(page);

  // A broken front matter: the overlay, with file:line:col.
  fs.writeFileSync(md, orig.replace(/^---\n/, '---\ntitle: [broken\n'));
  const alert = await page.waitForSelector('[role=alert].binome-live-error', { timeout: 5000 });
  const text = await alert.textContent();
  assert(/01-welcome\.md:\d+:\d+: error: front matter/.test(text), 'diagnostic in the overlay: ' + text);
  // Keyboard: the close button has the focus, Enter closes, and the
  // focus goes back.
  eq(await page.evaluate(() => document.activeElement.className), 'binome-live-close', 'focus on close');
  await page.keyboard.press('Enter');
  eq(await page.$$eval('[role=alert].binome-live-error', (l) => l.length), 0, 'overlay closed');

  // A page opened while the build is broken shows the overlay too.
  const p2 = await ctx.newPage();
  await p2.goto(srv.url + '/demo/index.html');
  await p2.waitForSelector('[role=alert].binome-live-error', { timeout: 5000 });
  await p2.close();

  // The fix: a clean page again.
  fs.writeFileSync(md, orig + '\nFixed again: quillwort.\n');
  await page.waitForFunction(() => document.body.textContent.includes('quillwort'), null,
    { timeout: 5000 });
  eq(await page.$$eval('[role=alert].binome-live-error', (l) => l.length), 0, 'no overlay after the fix');
  eq(errors, [], 'page errors');
  await ctx.close();
});

test('paths out of the output are refused; only 127.0.0.1 listens', async () => {
  for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/demo/../../../etc/passwd',
    '/..%2f..%2f..%2fetc/passwd', '/lms/pkg/..%2f..%2fsite/index.html', '/scorm/../../etc/passwd',
    '/%2E%2E/%2E%2E/etc/passwd']) {
    const r = await raw(srv.port, '127.0.0.1', p);
    const status = Number((/^HTTP\/1\.[01] (\d{3})/.exec(r) || [])[1]);
    assert(status === 403 || status === 404, `${p}: status ${status}`);
    assert(!/root:.*:0:0:/.test(r), `${p}: file contents leaked`);
  }
  // A symbolic link out of the output.
  fs.symlinkSync('/etc', path.join(tmp, 'out/site/etc-link'));
  const r = await raw(srv.port, '127.0.0.1', '/etc-link/passwd');
  assert(/^HTTP\/1\.[01] 404/.test(r) && !/root:/.test(r), 'symlink out: ' + r.slice(0, 40));
  fs.unlinkSync(path.join(tmp, 'out/site/etc-link'));
  // Directories: their index.html, never a listing; content types.
  const idx = await raw(srv.port, '127.0.0.1', '/demo/');
  assert(/^HTTP\/1\.1 200/.test(idx) && /content-type: text\/html/i.test(idx), 'directory index');
  assert(idx.includes('<script src="/_binome/reload.js"'), 'reload script injected');
  const css = await raw(srv.port, '127.0.0.1', '/demo/assets/binome.css');
  assert(/content-type: text\/css/i.test(css), 'css type');
  const svg = await raw(srv.port, '127.0.0.1', '/demo/media/01-basics/02-diagram/pipeline.svg');
  assert(/content-type: image\/svg\+xml/i.test(svg), 'svg type: ' + svg.slice(0, 200));
  const noidx = await raw(srv.port, '127.0.0.1', '/demo/assets/');
  assert(/^HTTP\/1\.1 404/.test(noidx), 'no listing');
  // On disk the pages have no reload script.
  const disk = fs.readFileSync(path.join(tmp, 'out/site/demo/index.html'), 'utf8');
  assert(!disk.includes('/_binome/'), 'the files on disk are untouched');

  // Loopback only.
  const addrs = Object.values(os.networkInterfaces()).flat()
    .filter((a) => !a.internal && a.family === 'IPv4').map((a) => a.address);
  if (addrs.length) {
    for (const a of addrs) {
      const ok = await new Promise((resolve) => {
        const s = net.connect(srv.port, a, () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
        s.setTimeout(3000, () => { s.destroy(); resolve(false); });
      });
      assert(!ok, `reachable on ${a}`);
    }
  } else {
    const ss = execFileSync('ss', ['-ltnH', `sport = :${srv.port}`], { encoding: 'utf8' });
    assert(/127\.0\.0\.1:\d+/.test(ss) && !/0\.0\.0\.0|\*:/.test(ss), 'listens on: ' + ss);
  }
  // The port in use: a clear error, exit 1.
  const busy = spawn(BIN, ['serve', '--port', String(srv.port), '-o', path.join(tmp, 'out2'),
    path.join(tmp, 'course')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  busy.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((resolve) => busy.on('exit', resolve));
  eq(code, 1, 'exit status with the port in use');
  assert(/port \d+ is already in use/.test(err), 'message: ' + err);
});

// The simulator against scorm-again -----------------------------------

const SA = path.join(ROOT, 'tests/node_modules/scorm-again/dist');
const V = {
  '12': { lib: 'scorm12.js', cls: 'Scorm12API', global: 'API', set: 'LMSSetValue', err: 'LMSGetLastError',
    fin: 'LMSFinish', m: ['LMSInitialize', 'LMSGetValue', 'LMSSetValue', 'LMSCommit', 'LMSFinish',
      'LMSGetLastError', 'LMSGetErrorString', 'LMSGetDiagnostic'],
    keys: ['cmi.core.lesson_status', 'cmi.core.score.raw', 'cmi.core.lesson_location', 'cmi.suspend_data'] },
  '2004': { lib: 'scorm2004.js', cls: 'Scorm2004API', global: 'API_1484_11', set: 'SetValue', err: 'GetLastError',
    fin: 'Terminate', m: ['Initialize', 'GetValue', 'SetValue', 'Commit', 'Terminate', 'GetLastError',
      'GetErrorString', 'GetDiagnostic'],
    keys: ['cmi.completion_status', 'cmi.success_status', 'cmi.score.raw', 'cmi.score.scaled', 'cmi.location',
      'cmi.suspend_data'] },
};

function saPage(v) {
  const s = V[v];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="/sa.js"></script>
<script>
window.calls = [];
var api = new ${s.cls}({ logLevel: 5, autocommit: false });
var err = api.${s.err}.bind(api);
${JSON.stringify(s.m)}.forEach(function (n) {
  var f = api[n].bind(api);
  api[n] = function () {
    var a = Array.prototype.slice.call(arguments).map(String);
    var r = f.apply(null, arguments);
    window.calls.push({ n: n, a: a, r: String(r), e: String(err()) });
    return r;
  };
});
window.${s.global} = api;
</script></head><body><iframe id="sco" title="course" src="/pkg/scorm.html" style="width:100%;height:90vh"></iframe></body></html>`;
}

async function ready(frame) {
  await frame.waitForFunction(() => window.Binome && document.readyState === 'complete');
}

async function scoFrame(page, re) {
  for (let i = 0; i < 200; i++) {
    const f = page.frames().find((x) => re.test(x.url()));
    if (f && f.childFrames().length) return f;
    await page.waitForTimeout(50);
  }
  throw new Error('no SCO frame');
}

// The scenario: walk every page by a[rel=next], answer the graded
// assessment (3 points of 4), then quit with the launcher's Exit button.
async function scenario(sco) {
  const lesson = sco.childFrames()[0];
  await ready(lesson);
  let submitted = false;
  for (let i = 0; i < 100; i++) {
    if (await lesson.$('.quiz-submit')) {
      for (const id of ['quiz-eval-couleur-1', 'quiz-eval-animaux-0', 'quiz-eval-animaux-2', 'quiz-eval-soleil-1'])
        await lesson.check('#' + id);
      await lesson.click('.quiz-submit');
      await lesson.waitForSelector('.quiz-assess-result:not(:empty)');
      submitted = true;
    }
    const next = await lesson.$('a[rel=next]');
    if (!next) break;
    await Promise.all([lesson.waitForNavigation(), next.click()]);
    await ready(lesson);
  }
  assert(submitted, 'found the assessment');
  await sco.click('#lms-exit');
  await sco.waitForSelector('.lms-done');
}

// What matters of the final data, from a map element -> value.
function summary(c, v) {
  const out = {};
  for (const k of V[v].keys) out[k] = c[k];
  const ids = [], results = [];
  for (let i = 0; `cmi.interactions.${i}.id` in c; i++) {
    ids.push(c[`cmi.interactions.${i}.id`]);
    results.push(c[`cmi.interactions.${i}.result`]);
  }
  out.interactions = { count: ids.length, ids, results };
  return out;
}

function unzip(zip) {
  const dir = path.join(tmp, 'unz-' + path.basename(zip, '.zip'));
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return dir;
}

async function underScormAgain(zip, v) {
  const dir = unzip(zip);
  const web = await serve(path.dirname(dir), {
    '/lms.html': ['text/html; charset=utf-8', saPage(v)],
    '/sa.js': ['text/javascript', fs.readFileSync(path.join(SA, V[v].lib))],
  });
  const orig = web.server.listeners('request')[0];
  web.server.removeAllListeners('request');
  web.server.on('request', (req, res) => {
    if (req.url.startsWith('/pkg/')) req.url = '/' + path.basename(dir) + req.url.slice(4);
    orig(req, res);
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(web.url + '/lms.html');
  await scenario(await scoFrame(page, /\/pkg\/scorm\.html$/));
  const calls = await page.evaluate(() => window.calls);
  await ctx.close();
  web.close();
  const c = {};
  for (const x of calls) if (x.n === V[v].set && x.r === 'true') c[x.a[0]] = x.a[1];
  return c;
}

async function inSimulator(zip, v, depth) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${srv.url}/lms/player.html?pkg=${encodeURIComponent(zip)}`);
  await page.waitForFunction(() => window.BinomeSim && window.BinomeSim.lms);
  if (depth) {
    await page.selectOption('#sim-depth', String(depth));
    await page.click('#sim-relaunch');
    await page.waitForFunction((d) => document.querySelectorAll('iframe').length >= 1 &&
      document.getElementById('sim-frame').src.includes(d > 1 ? 'frame.html' : '/lms/pkg/'), depth);
  }
  const sco = await scoFrame(page, /\/lms\/pkg\/[^/]+\/scorm\.html$/);
  await scenario(sco);
  await page.waitForFunction(() => window.BinomeSim.lms.state === 'terminated');
  const sim = await page.evaluate(() => ({ stored: JSON.parse(localStorage.getItem(window.BinomeSim.key)),
    warnings: window.BinomeSim.warnings, calls: window.BinomeSim.calls }));
  fs.writeFileSync(path.join(ARTIFACTS, `lms-calls-${v}.json`),
    sim.calls.map((c) => JSON.stringify(c)).join('\n') + '\n');
  eq(errors, [], 'page errors');
  return { ctx, page, sim };
}

test('LMS simulator: /lms/ lists each course and target', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(srv.url + '/lms/');
  await page.waitForSelector('#pkgs:not([hidden]) tbody tr');
  const rows = await page.$$eval('#pkgs tbody tr', (l) => l.map((r) => r.textContent));
  assert(rows.some((r) => /SCORM 1\.2/.test(r) && /quiz-test-0\.1\.0-scorm12\.zip/.test(r)), 'quiz 1.2: ' + rows);
  assert(rows.some((r) => /SCORM 2004 4th Edition/.test(r) && /quiz-test-0\.1\.0-scorm2004\.zip/.test(r)), 'quiz 2004');
  await ctx.close();
  // The list and the player meet WCAG 2.1 AA (the course is site.test.js's).
  const actx = await browser.newContext({ bypassCSP: true });
  const p = await actx.newPage();
  for (const u of ['/lms/', '/lms/player.html?pkg=quiz-test-0.1.0-scorm12.zip']) {
    await p.goto(srv.url + u);
    await p.waitForFunction(() => document.querySelector('#pkgs:not([hidden]) tbody tr') ||
      (window.BinomeSim && window.BinomeSim.lms && document.querySelector('#sim-log li')));
    eq(await axe(p, u, { iframes: false }), [], `axe ${u}`);
  }
  await actx.close();
});

for (const v of ['12', '2004']) {
  test(`LMS simulator and scorm-again end with the same data (SCORM ${v})`, async () => {
    const zipname = `quiz-test-0.1.0-scorm${v}.zip`;
    const want = summary(await underScormAgain(path.join(tmp, 'out/scorm', zipname), v), v);
    const { ctx, page, sim } = await inSimulator(zipname, v, v === '2004' ? 3 : 0);
    eq(Object.keys(sim.warnings), [], 'simulator warnings');
    const got = summary(sim.stored.cmi, v);
    eq(got, want, 'final data, simulator vs scorm-again');
    eq(got.interactions.count, 3, 'interactions');
    assert(sim.stored.suspended, 'exit = suspend');

    // Relaunch: resume with the stored data, on the last page.
    await page.evaluate(() => { window.oldLMS = window.BinomeSim.lms; });
    await page.click('#sim-relaunch');
    await page.waitForFunction(() => window.BinomeSim.lms !== window.oldLMS &&
      window.BinomeSim.lms.state === 'running');
    const entry = await page.evaluate((k) => window.BinomeSim.lms.cmi[k], v === '2004' ? 'cmi.entry' : 'cmi.core.entry');
    eq(entry, 'resume', 'entry on relaunch');
    const sco = await scoFrame(page, /\/lms\/pkg\/[^/]+\/scorm\.html$/);
    const st = await sco.evaluate(() => window.BinomeLMS.state);
    assert(st.a[1] || st.a[0], 'assessment restored: ' + JSON.stringify(st.a));

    // Fault injection: a failing Commit is reported, and so is a call
    // after Terminate.
    await page.selectOption('#sim-fault', 'commit:391');
    await sco.click('#lms-exit');
    await page.waitForFunction(() => window.BinomeSim.lms.state === 'terminated');
    await page.evaluate((g) => window[g][g === 'API' ? 'LMSGetValue' : 'GetValue']('cmi.suspend_data'), V[v].global);
    await page.waitForFunction(() => document.getElementById('sim-warnings').textContent.includes('after'));
    const w = await page.$$eval('#sim-warnings li', (l) => l.map((x) => x.textContent));
    assert(w.some((x) => new RegExp(`Commit.*error ${v === '2004' ? 391 : 101}`).test(x)), 'commit fault: ' + w);
    assert(w.some((x) => /called after/.test(x)), 'call after Terminate: ' + w);

    // A new attempt starts from nothing.
    await page.selectOption('#sim-fault', '');
    await page.click('#sim-new');
    await page.waitForFunction((k) => window.BinomeSim.lms.cmi[k] === 'ab-initio',
      v === '2004' ? 'cmi.entry' : 'cmi.core.entry');
    await ctx.close();
  });
}

test('teardown: SIGINT stops the server with status 0', async () => {
  if (browser) await browser.close();
  if (srv) {
    const t0 = Date.now();
    srv.child.kill('SIGINT');
    const x = await Promise.race([srv.exited,
      new Promise((resolve) => setTimeout(() => resolve({ code: 'timeout' }), 5000))]);
    eq(x, { code: 0, sig: null }, 'exit');
    assert(Date.now() - t0 < 3000, 'stopped promptly');
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

run(__filename);
