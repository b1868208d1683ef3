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
const { serve, launch, test, run, assert, eq, ARTIFACTS, BIN, ROOT } = require('./lib.js');

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
