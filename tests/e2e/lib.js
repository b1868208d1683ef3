'use strict';
// Shared by the browser tests: a static server on loopback, Debian's
// chromium through playwright-core, and a runner that prints one
// "ok"/"not ok" line per test for tests/run.sh to count.
const http = require('http');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.json': 'application/json', '.pdf': 'application/pdf',
  '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
};

// Serve dir on 127.0.0.1 with an ephemeral port; extra maps a URL path
// to [type, body] for pages the test makes up (an LMS frame, say).
function serve(dir, extra = {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (extra[url]) {
      res.writeHead(200, { 'content-type': extra[url][0] });
      return res.end(extra[url][1]);
    }
    let file = path.join(root, url);
    if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end('not found'); }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
  }));
}

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

function assert(cond, msg) { if (!cond) throw new Error(msg || 'assertion failed'); }
function eq(got, want, msg) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) throw new Error(`${msg || 'not equal'}: got ${g}, want ${w}`);
}

// Run every registered test in order; each prints one line.
async function run(file) {
  let failed = 0;
  const label = path.basename(file || process.argv[1], '.js');
  for (const t of tests) {
    try {
      await t.fn();
      console.log(`ok - ${label}: ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${label}: ${t.name}`);
      console.log(String(e && e.stack || e).split('\n').slice(0, 6).map((l) => '#   ' + l).join('\n'));
    }
  }
  process.exitCode = failed ? 1 : 0;
}

// axe-core on a page (the context needs bypassCSP: true to inject it):
// one line per WCAG 2.1 A/AA violation, empty when there is none.
const AXE = path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
async function axe(page, label, { iframes = true } = {}) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(([tags, fr]) => window.axe.run(document,
    { iframes: fr, runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), [AXE_TAGS, iframes]);
  return r.violations.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help}\n` +
    v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`).join('\n'));
}

const ARTIFACTS = path.resolve(__dirname, '../../build/test-artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

module.exports = { serve, launch, test, run, assert, eq, axe, ARTIFACTS,
  BIN: path.resolve(__dirname, '../..', process.env.BIN || 'build/binome'),
  ROOT: path.resolve(__dirname, '../..') };
