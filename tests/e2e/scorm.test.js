'use strict';
// SCORM packages in a browser, under scorm-again as the LMS.  Builds
// tests/course/demo (ungraded) and tests/scorm-course/graded, unzips
// the packages, serves each on loopback with made-up LMS pages that
// hold scorm-again's Scorm12API / Scorm2004API, and launches the SCO
// 1 and 3 frames deep and in a popup window.  Every API call is logged
// (with the error code after it) to check the session: Initialize
// first and once, Terminate last and once, no error, well-formed
// session_time, suspend_data within its limit, completion; then a
// relaunch with the stored data must land on the last page.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { serve, launch, test, run, assert, eq, axe, ARTIFACTS, BIN, ROOT } = require('./lib.js');

const SA = path.join(ROOT, 'tests/node_modules/scorm-again/dist');
const V = {
  '12': {
    lib: 'scorm12.js', cls: 'Scorm12API', global: 'API', limit: 4096,
    m: { init: 'LMSInitialize', get: 'LMSGetValue', set: 'LMSSetValue', commit: 'LMSCommit',
      fin: 'LMSFinish', err: 'LMSGetLastError', str: 'LMSGetErrorString', diag: 'LMSGetDiagnostic' },
    status: 'cmi.core.lesson_status', loc: 'cmi.core.lesson_location', time: 'cmi.core.session_time',
    exit: 'cmi.core.exit', raw: 'cmi.core.score.raw', resp: 'student_response', wrong: 'wrong',
    timeRe: /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/,
    resume: (c) => ({ core: { entry: 'resume', lesson_location: c['cmi.core.lesson_location'] || '',
      lesson_status: c['cmi.core.lesson_status'] || 'incomplete' }, suspend_data: c['cmi.suspend_data'] || '' }),
  },
  '2004': {
    lib: 'scorm2004.js', cls: 'Scorm2004API', global: 'API_1484_11', limit: 64000,
    m: { init: 'Initialize', get: 'GetValue', set: 'SetValue', commit: 'Commit',
      fin: 'Terminate', err: 'GetLastError', str: 'GetErrorString', diag: 'GetDiagnostic' },
    status: 'cmi.completion_status', loc: 'cmi.location', time: 'cmi.session_time',
    exit: 'cmi.exit', raw: 'cmi.score.raw', resp: 'learner_response', wrong: 'incorrect',
    timeRe: /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/,
    resume: (c) => ({ entry: 'resume', location: c['cmi.location'] || '',
      completion_status: c['cmi.completion_status'] || 'incomplete', suspend_data: c['cmi.suspend_data'] || '' }),
  },
};

let tmp, browser, DEMO, GRADED, QUIZ, CONTENT;

function build(course) {
  const out = path.join(tmp, path.basename(course));
  execFileSync(BIN, ['build', '-q', '--theme', path.join(ROOT, 'themes/default'), '-o', out,
    path.join(ROOT, course)], { stdio: 'inherit' });
  return path.join(out, 'scorm');
}

function unzip(zip) {
  const dir = zip.replace(/\.zip$/, '');
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return dir;
}

// The LMS page: scorm-again's API with every method wrapped to log
// { n: method, a: args, r: result, e: error code after the call }.
function lmsPage(v, how, init) {
  const s = V[v];
  const wrap = Object.values(s.m).map((n) => JSON.stringify(n)).join(',');
  const sco = '/pkg/scorm.html';
  const body = how === 'popup'
    ? `<button id="open" type="button">Open the course</button>`
    : `<iframe id="sco" title="course" src="${how === 'frame3' ? '/f1.html' : sco}"></iframe>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<style>iframe{width:100%;height:90vh;border:0}</style>
<script src="/sa.js"></script>
<script>
window.calls = [];
var api = new ${s.cls}({ logLevel: 5, autocommit: false });
var init = ${JSON.stringify(init || null)};
if (init) api.loadFromJSON(init);
var err = api.${s.m.err}.bind(api);
[${wrap}].forEach(function (n) {
  var f = api[n].bind(api);
  api[n] = function () {
    var a = Array.prototype.slice.call(arguments).map(String);
    var r = f.apply(null, arguments);
    window.calls.push({ n: n, a: a, r: String(r), e: String(err()) });
    return r;
  };
});
window.${s.global} = api;
</script></head><body>${body}
<script>
var b = document.getElementById('open');
if (b) b.onclick = function () { window.sco = window.open('${sco}', 'sco'); };
</script></body></html>`;
}

async function start(dir, v, how, init) {
  const frame = (src) => ['text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><title>frame</title></head><body><iframe title="f" src="${src}" style="width:100%;height:90vh"></iframe></body></html>`];
  const srv = await serve(path.dirname(dir), {
    '/lms.html': ['text/html; charset=utf-8', lmsPage(v, how, init)],
    '/sa.js': ['text/javascript', fs.readFileSync(path.join(SA, V[v].lib))],
    '/f1.html': frame('/f2.html'),
    '/f2.html': frame('/pkg/scorm.html'),
  });
  // Serve the package under /pkg/ whatever its folder is called.
  const orig = srv.server.listeners('request')[0];
  srv.server.removeAllListeners('request');
  srv.server.on('request', (req, res) => {
    if (req.url.startsWith('/pkg/')) req.url = '/' + path.basename(dir) + req.url.slice(4);
    orig(req, res);
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(srv.url + '/lms.html');
  let win = page;
  if (how === 'popup') {
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#open')]);
    popup.on('pageerror', (e) => page.errors.push(String(e)));
    win = popup;
  }
  const scoFrame = async () => {
    for (let i = 0; i < 100; i++) {
      const f = win.frames().find((x) => x.url().endsWith('/pkg/scorm.html'));
      if (f && f.childFrames().length) return f;
      await page.waitForTimeout(50);
    }
    throw new Error('no SCO frame');
  };
  const sco = await scoFrame();
  const lesson = sco.childFrames()[0];
  await lesson.waitForFunction(() => window.Binome && document.readyState === 'complete');
  return { srv, ctx, page, win, sco, lesson };
}

async function pageIndex(lesson) {
  return lesson.evaluate(() => Number(document.documentElement.getAttribute('data-binome-page')));
}

// Follow a[rel=next] in the lesson frame until there is none.
async function walk(lesson) {
  const seen = [await pageIndex(lesson)];
  for (let i = 0; i < 100; i++) {
    const next = await lesson.$('a[rel=next]');
    if (!next) break;
    await Promise.all([lesson.waitForNavigation(), next.click()]);
    await lesson.waitForFunction(() => window.Binome && document.readyState === 'complete');
    seen.push(await pageIndex(lesson));
  }
  return seen;
}

// The values the LMS accepted, last one wins.
function stored(calls, v) {
  const c = {};
  for (const x of calls) if (x.n === V[v].m.set && x.r === 'true') c[x.a[0]] = x.a[1];
  return c;
}

// The session rules every launch must keep.
function checkSession(calls, v) {
  const m = V[v].m;
  const names = calls.map((c) => c.n);
  assert(names.length > 0, 'no API call');
  eq(names[0], m.init, 'first call');
  eq(names.filter((n) => n === m.init).length, 1, 'Initialize count');
  eq(names.filter((n) => n === m.fin).length, 1, 'Terminate count');
  eq(names[names.length - 1], m.fin, 'last call');
  for (const c of calls) {
    if (c.n === m.err || c.n === m.str || c.n === m.diag) continue;
    // A first launch may read elements the LMS has not set (403).
    const ok = c.e === '0' || (c.n === m.get && c.e === '403');
    assert(ok, `${c.n}(${c.a.join(', ')}) -> ${c.r}, error ${c.e}`);
    if (c.n !== m.get) eq(c.r, 'true', `${c.n}(${c.a.join(', ')}) result`);
  }
  const c = stored(calls, v);
  assert(V[v].timeRe.test(c[V[v].time] || ''), `session_time '${c[V[v].time]}'`);
  const sd = c['cmi.suspend_data'] || '';
  assert(sd.startsWith('1|') && sd.length <= V[v].limit, `suspend_data '${sd.slice(0, 80)}' (${sd.length})`);
  eq(c[V[v].exit], 'suspend', 'exit');
  return c;
}

// The API calls of a launch, also kept in build/test-artifacts.
let ncalls = 0;
async function calls(t) {
  const l = await t.page.evaluate(() => window.calls);
  fs.writeFileSync(path.join(ARTIFACTS, `scorm-calls-${++ncalls}.json`),
    l.map((c) => JSON.stringify(c)).join('\n') + '\n');
  return l;
}

async function exitButton(t) {
  await t.sco.click('#lms-exit');
  await t.sco.waitForSelector('.lms-done');
}

async function stop(t) {
  await t.ctx.close();
  t.srv.close();
}

// Walk the course, quit, relaunch with the stored data, check resume.
async function scenario(zip, v, how, quit) {
  const dir = unzip(zip);
  let t = await start(dir, v, how);
  const seen = await walk(t.lesson);
  assert(seen.length > 2, `walked ${seen.length} pages`);
  const last = seen[seen.length - 1];
  await quit(t);
  const c = checkSession(await calls(t), v);
  eq(c[V[v].status], 'completed', 'final status');
  if (v === '2004') eq(c['cmi.progress_measure'], '1', 'progress_measure');
  assert(t.page.errors.length === 0, 'page errors: ' + t.page.errors.join('; '));
  await stop(t);

  t = await start(dir, v, how, V[v].resume(c));
  eq(await pageIndex(t.lesson), last, 'relaunch lands on the last page');
  const st = await t.sco.evaluate(() => window.BinomeLMS.state);
  eq(st.seen.slice().sort((a, b) => a - b), seen.slice().sort((a, b) => a - b), 'seen pages restored');
  await exitButton(t);
  const c2 = checkSession(await calls(t), v);
  eq(c2[V[v].status] || c[V[v].status], 'completed', 'status after relaunch');
  await stop(t);
  return { seen, c };
}

test('setup: build the packages and start chromium', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'binome-scorm-'));
  DEMO = build('tests/course/demo');
  GRADED = build('tests/scorm-course/graded');
  QUIZ = build('tests/course-quiz');
  CONTENT = build('content/mentorat-inverse');
  browser = await launch();
});

for (const v of ['12', '2004']) {
  const demo = () => path.join(DEMO, `demo-1.0.0-scorm${v}.zip`);

  test(`SCORM ${v}: one frame deep, Exit button`, async () => {
    const { c } = await scenario(demo(), v, 'frame1', exitButton);
    if (v === '2004') eq(c['adl.nav.request'], 'suspendAll', 'adl.nav.request');
  });

  test(`SCORM ${v}: three frames deep, the LMS removes the frame (pagehide)`, async () => {
    await scenario(demo(), v, 'frame3', async (t) => {
      await t.page.evaluate(() => document.getElementById('sco').remove());
      await t.page.waitForFunction((fin) => window.calls.some((c) => c.n === fin), V[v].m.fin);
    });
  });

  test(`SCORM ${v}: popup window, closed by the learner`, async () => {
    await scenario(demo(), v, 'popup', async (t) => {
      await t.win.close({ runBeforeUnload: true });
      await t.page.waitForFunction((fin) => window.calls.some((c) => c.n === fin), V[v].m.fin);
    });
  });

  test(`SCORM ${v}: a module package stays in its module`, async () => {
    const zip = path.join(GRADED, `scorm-graded-2.1.0-more-scorm${v}.zip`);
    const t = await start(unzip(zip), v, 'frame1');
    const course = await t.sco.evaluate(() => window.BINOME_COURSE);
    const seen = await walk(t.lesson);
    const mod = course.modules.findIndex((m) => m.href.startsWith('more/'));
    const allowed = [course.modules[mod].page].concat(course.modules[mod].lessons);
    eq(seen, allowed, 'pages walked');
    const out = await t.lesson.$$eval('a.lms-out', (l) => l.length);
    assert(out > 0, 'links out of the module are disabled');
    await exitButton(t);
    const c = checkSession(await calls(t), v);
    eq(c[V[v].status], 'completed', 'module status');
    await stop(t);
  });

  test(`SCORM ${v}: graded course: score, success and interactions`, async () => {
    const zip = path.join(GRADED, `scorm-graded-2.1.0-scorm${v}.zip`);
    const t = await start(unzip(zip), v, 'frame1');
    await walk(t.lesson);
    // What quiz.js does after a graded answer and a submitted assessment.
    await t.lesson.evaluate(() => {
      const B = window.Binome;
      B.record({ id: 'check-root', type: 'choice', response: ['a'], correct: ['a'],
        result: 'correct', weighting: 1, latency: 4200, description: 'Where is the manifest?' });
      B.record({ id: 'check-files', type: 'choice', response: ['a', 'c'], correct: ['a', 'b'],
        result: 'incorrect', weighting: 2, latency: 61000, description: 'What does the package hold?' });
      B.record({ id: 'check-word', type: 'fill-in', response: ['{imsmanifest}'], correct: ['imsmanifest.xml'],
        result: 'incorrect', weighting: 1, latency: 3000, description: 'Name the file' });
      B.record({ id: 'warmup', type: 'true-false', response: ['true'], correct: ['true'],
        result: 'correct', weighting: 1, latency: 900, description: 'Root' });
      B.record({ id: 'wrap-note', type: 'long-fill-in', response: ['x'.repeat(300)], correct: [],
        result: 'neutral', weighting: 0, latency: 1000, description: 'Note' });
      B.state.q['wrap-note'] = { r: 'a|b;c:d\\e', k: 0, n: 1 };
      B.assess(0, { score: 3, max: 4, passed: true });
    });
    await exitButton(t);
    const all = await calls(t);
    const c = checkSession(all, v);
    eq(c[V[v].raw], '75', 'score.raw');
    if (v === '2004') {
      eq(c['cmi.score.scaled'], '0.75', 'score.scaled');
      eq(c['cmi.success_status'], 'passed', 'success_status');
      eq(c['cmi.completion_status'], 'completed', 'completion_status');
    } else {
      eq(c['cmi.core.lesson_status'], 'passed', 'lesson_status');
    }
    const n = (i, f) => c[`cmi.interactions.${i}.${f}`];
    eq(n(0, 'id'), 'check-root', 'interaction id');
    eq(n(0, 'result'), 'correct', 'interaction result');
    eq(n(1, 'result'), V[v].wrong, 'interaction wrong result');
    eq(n(1, V[v].resp), v === '2004' ? 'a[,]c' : 'a,c', 'choice response');
    eq(n(3, V[v].resp), v === '2004' ? 'true' : 't', 'true-false response');
    assert(n(4, V[v].resp).length <= (v === '2004' ? 4000 : 255), 'long answer capped');
    const lat = n(1, 'latency');
    assert(v === '2004' ? lat === 'PT1M1S' : lat === '00:01:01.00', `latency ${lat}`);
    // The relaunch decodes the escaped response.
    await stop(t);
    const t2 = await start(path.join(GRADED, `scorm-graded-2.1.0-scorm${v}`), v, 'frame1', V[v].resume(c));
    const st = await t2.sco.evaluate(() => window.BinomeLMS.state);
    eq(st.q['wrap-note'].r, 'a|b;c:d\\e', 'response restored');
    eq(st.a[0], { n: 1, s: 3, m: 4, p: 1 }, 'assessment restored');
    await exitButton(t2);
    checkSession(await calls(t2), v);
    await stop(t2);
  });
}

for (const v of ['12', '2004']) {
  test(`SCORM ${v}: quiz.js answers reach the LMS (tests/course-quiz)`, async () => {
    const t = await start(unzip(path.join(QUIZ, `quiz-test-0.1.0-scorm${v}.zip`)), v, 'frame1');
    const { lesson } = t;
    let submitted = false;
    for (let i = 0; i < 100; i++) {
      if (await lesson.$('.quiz-submit')) {
        // Two right answers, one wrong: 3 points of 4, over the 70 % mark.
        for (const id of ['quiz-eval-couleur-1', 'quiz-eval-animaux-0', 'quiz-eval-animaux-2', 'quiz-eval-soleil-1'])
          await lesson.check('#' + id);
        await lesson.click('.quiz-submit');
        await lesson.waitForSelector('.quiz-assess-result:not(:empty)');
        submitted = true;
      }
      const next = await lesson.$('a[rel=next]');
      if (!next) break;
      await Promise.all([lesson.waitForNavigation(), next.click()]);
      await lesson.waitForFunction(() => window.Binome && document.readyState === 'complete');
    }
    assert(submitted, 'found the assessment');
    await exitButton(t);
    const c = checkSession(await calls(t), v);
    eq(c[V[v].raw], '75', 'score.raw');
    if (v === '2004') eq([c['cmi.success_status'], c['cmi.completion_status']], ['passed', 'completed'], 'statuses');
    else eq(c['cmi.core.lesson_status'], 'passed', 'lesson_status');
    const ids = Object.keys(c).filter((k) => /^cmi\.interactions\.\d+\.id$/.test(k)).map((k) => c[k]).sort();
    eq(ids, ['eval-animaux', 'eval-couleur', 'eval-soleil'], 'interaction ids');
    const sd = c['cmi.suspend_data'];
    assert(/eval-soleil:0:1:1:1/.test(sd), `the wrong answer is in suspend_data: ${sd}`);
    await stop(t);
  });
}

// Go to the assessment page of tests/course-quiz and submit answers.
async function toAssessment(lesson) {
  for (let i = 0; i < 100 && !(await lesson.$('.quiz-submit')); i++) {
    const next = await lesson.$('a[rel=next]');
    assert(next, 'no assessment page');
    await Promise.all([lesson.waitForNavigation(), next.click()]);
    await lesson.waitForFunction(() => window.Binome && document.readyState === 'complete');
  }
}

async function submit(lesson, ids) {
  for (const id of ids) await lesson.check('#' + id);
  await lesson.click('.quiz-submit');
  await lesson.waitForSelector('.quiz-assess-result:not(:empty)');
}

const WRONG = ['quiz-eval-couleur-0', 'quiz-eval-animaux-1', 'quiz-eval-soleil-1'];
const RIGHT = ['quiz-eval-couleur-1', 'quiz-eval-animaux-0', 'quiz-eval-animaux-2', 'quiz-eval-soleil-0'];

for (const v of ['12', '2004']) {
  test(`SCORM ${v}: a failed assessment is reported, and a retry passes it`, async () => {
    const dir = unzip(path.join(QUIZ, `quiz-test-0.1.0-scorm${v}.zip`));
    const t = await start(dir, v, 'frame1');
    await toAssessment(t.lesson);
    await submit(t.lesson, WRONG);
    assert(await t.lesson.isVisible('.quiz-again'), 'a new attempt is offered (2 of 3 left)');
    await exitButton(t);
    const c = checkSession(await calls(t), v);
    eq(c[V[v].raw], '0', 'score.raw after the failed attempt');
    if (v === '2004') {
      eq(c['cmi.success_status'], 'failed', 'success_status');
    } else {
      // Attempts remain: 1.2 keeps "incomplete" rather than "failed",
      // which some LMSs take as final (scorm.md, "Use failed with care").
      eq(c['cmi.core.lesson_status'], 'incomplete', 'lesson_status while attempts remain');
    }
    await stop(t);

    // Relaunch: the learner lands on the assessment and tries again.
    const t2 = await start(dir, v, 'frame1', V[v].resume(c));
    await t2.lesson.waitForSelector('.quiz-again');
    await t2.lesson.click('.quiz-again');
    await submit(t2.lesson, RIGHT);
    await exitButton(t2);
    const c2 = checkSession(await calls(t2), v);
    eq(c2[V[v].raw], '100', 'score.raw after the retry');
    if (v === '2004') eq(c2['cmi.success_status'], 'passed', 'success_status after the retry');
    else eq(c2['cmi.core.lesson_status'], 'passed', 'lesson_status after the retry');
    await stop(t2);
  });
}

test('SCORM 12: failed once no attempt is left', async () => {
  const dir = unzip(path.join(QUIZ, 'quiz-test-0.1.0-scorm12.zip'));
  const t = await start(dir, '12', 'frame1');
  await toAssessment(t.lesson);
  for (let i = 0; i < 3; i++) {
    if (i) await t.lesson.click('.quiz-again');
    await submit(t.lesson, WRONG);
  }
  assert(!(await t.lesson.isVisible('.quiz-again')), 'no attempt left');
  await exitButton(t);
  const c = checkSession(await calls(t), '12');
  eq(c['cmi.core.lesson_status'], 'failed', 'lesson_status');
  await stop(t);
});

// The shipped course: every page walked in the LMS, a clean session,
// resume on the last page.  Its assessments are not taken here, so 1.2
// stays incomplete (graded) while 2004 records completion.
for (const v of ['12', '2004']) {
  test(`SCORM ${v}: content/ walks every page, tracks and resumes`, async () => {
    const dir = unzip(path.join(CONTENT, `mentorat-inverse-1.0.0-scorm${v}.zip`));
    let t = await start(dir, v, 'frame1');
    const seen = await walk(t.lesson);
    const n = await t.sco.evaluate(() => window.BINOME_COURSE.pages.length);
    eq(seen.length, n, 'every page walked');
    await exitButton(t);
    const c = checkSession(await calls(t), v);
    if (v === '2004') {
      eq(c['cmi.completion_status'], 'completed', 'completion_status');
      eq(c['cmi.progress_measure'], '1', 'progress_measure');
    } else {
      eq(c['cmi.core.lesson_status'], 'incomplete', 'lesson_status before the assessments');
    }
    assert(t.page.errors.length === 0, 'page errors: ' + t.page.errors.join('; '));
    await stop(t);
    t = await start(dir, v, 'frame1', V[v].resume(c));
    eq(await pageIndex(t.lesson), seen[seen.length - 1], 'relaunch lands on the last page');
    await exitButton(t);
    checkSession(await calls(t), v);
    await stop(t);
  });
}

test('without an LMS: progress kept in localStorage', async () => {
  const dir = unzip(path.join(DEMO, 'demo-1.0.0-scorm12.zip'));
  const srv = await serve(dir);
  const ctx = await browser.newContext({ bypassCSP: true });	// to inject axe
  const page = await ctx.newPage();
  await page.goto(srv.url + '/scorm.html');
  const status = await page.textContent('#lms-status');
  assert(status.length > 0, 'says that no LMS was found');
  // The launcher itself meets WCAG 2.1 AA (the pages are site.test.js's).
  eq(await axe(page, 'scorm.html', { iframes: false }), [], 'axe violations');
  const lesson = page.frames()[1];
  await lesson.waitForFunction(() => window.Binome && document.readyState === 'complete');
  const seen = await walk(lesson);
  const st = await page.evaluate(() => JSON.parse(localStorage.getItem('binome:demo')));
  eq(st.seen.slice().sort((a, b) => a - b), seen.slice().sort((a, b) => a - b), 'localStorage state');
  await page.reload();
  await page.frames()[1].waitForFunction(() => window.Binome && document.readyState === 'complete');
  eq(await pageIndex(page.frames()[1]), seen[seen.length - 1], 'reload resumes');
  await ctx.close();
  srv.close();
});

test('teardown', async () => {
  if (browser) await browser.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

run(__filename);
