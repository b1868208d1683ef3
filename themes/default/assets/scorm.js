/*
 * scorm.js: the run-time of scorm.html, a package's launch page.  One
 * LMS session per launch: find the API, Initialize once, restore the
 * state from suspend_data, show the pages in an iframe, report progress,
 * score, status and interactions, Terminate once on pagehide or Exit.
 * Contract and rules: themes/default/README.md, "The SCORM launcher".
 */
(function () {
	'use strict';

	var doc = document.documentElement;
	var course = window.BINOME_COURSE || { id: '', pages: [], modules: [] };
	var v2004 = attr('scorm') === '2004';
	var LIMIT = num(attr('limit'), v2004 ? 64000 : 4096);
	var scope = attr('pages') ? attr('pages').split(',').map(Number) : null;
	var modscope = num(attr('module'), -1);
	var pass = num(attr('pass'), -1);	/* -1: ungraded */
	var key = 'binome:' + course.id;
	var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	var MAXN = 999;		/* as scorm.c's budget counts */
	var P = v2004 ? '' : 'LMS', C = v2004 ? 'cmi.' : 'cmi.core.';
	var E = {
		init: P + 'Initialize', get: P + 'GetValue', set: P + 'SetValue',
		commit: P + 'Commit', fin: v2004 ? 'Terminate' : 'LMSFinish',
		err: P + 'GetLastError', str: P + 'GetErrorString',
		entry: C + 'entry', credit: C + 'credit', exit: C + 'exit',
		status: v2004 ? 'cmi.completion_status' : C + 'lesson_status',
		loc: v2004 ? 'cmi.location' : C + 'lesson_location',
		mode: v2004 ? 'cmi.mode' : C + 'lesson_mode',
		score: C + 'score.', time: C + 'session_time',
		loclen: v2004 ? 1000 : 255
	};
	var api = null;		/* the LMS API, or null */
	var live = false;	/* between Initialize and Terminate */
	var readonly = false;	/* review mode: report nothing */
	var began = Date.now();
	var written = {};	/* element -> last value the LMS accepted */
	var dirty = false;	/* something to Commit */
	var timer = null, failures = 0, ninter = 0, announced = false;
	var firststatus = '';	/* the LMS's status at launch */
	var frame, bar, L;

	function attr(n) {
		return doc.getAttribute('data-' + n) || '';
	}

	function num(s, d) {
		var n = parseInt(s, 10);

		return isNaN(n) ? d : n;
	}

	function log(what) {
		if (window.console)
			console.warn('binome scorm: ' + what);
	}

	function say(which) {
		var t = which ? bar.getAttribute('data-' + which) : '';

		if (bar.textContent !== t)
			bar.textContent = t;
	}

	/* The API: parents (500 hops), then the opener's (research 3.1). */
	function prop(win, name) {
		try {	/* a cross-origin window throws */
			return win && win[name] || null;
		} catch (e) {
			return null;
		}
	}

	function scan(win, name) {
		var i, a;

		for (i = 0; win && i <= 500; i++) {
			if ((a = prop(win, name)) && typeof a[E.init] === 'function')
				return a;
			a = prop(win, 'parent');
			win = a !== win ? a : null;
		}
		return null;
	}

	function findapi() {
		var n = v2004 ? 'API_1484_11' : 'API';

		return scan(window, n) || scan(prop(window, 'opener'), n) ||
		    scan(prop(prop(window, 'top'), 'opener'), n);
	}

	function call(fn) {
		try {
			return String(api[E[fn]].apply(api,
			    [].slice.call(arguments, 1)));
		} catch (e) {
			log(E[fn] + ' threw ' + e);
			return 'false';
		}
	}

	function lasterr() {
		return num(call('err'), 0);
	}

	function problem(what) {
		var n = lasterr();

		log(what + ': error ' + n + ' ' + call('str', String(n)));
	}

	/* GetValue; "" on any error (a first launch may answer 403). */
	function get(el) {
		var v = call('get', el);

		return lasterr() === 0 ? v : '';
	}

	function set(el, v) {
		v = String(v);
		if (!live || written[el] === v)
			return true;
		if (call('set', el, v) !== 'true') {
			problem('SetValue ' + el);
			return false;
		}
		written[el] = v;
		dirty = true;
		return true;
	}

	function pad(n) {
		return n < 10 ? '0' + n : String(n);
	}

	/* CMITimespan HHHH:MM:SS.SS (1.2) or ISO 8601 PT#H#M#S (2004). */
	function span(ms) {
		var cs = Math.max(0, Math.round(ms / 10));
		var h = Math.min(Math.floor(cs / 360000), 9999);
		var m = Math.floor(cs / 6000) % 60, s = cs % 6000 / 100;

		if (!v2004)
			return pad(h) + ':' + pad(m) + ':' + (s < 10 ? '0' : '') +
			    s.toFixed(2);
		return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') +
		    (s || !(h || m) ? Number(s.toFixed(2)) + 'S' : '');
	}

	/* Time of day (1.2 CMITime) or a 2004 timestamp, local time. */
	function stamp(d) {
		var t = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' +
		    pad(d.getSeconds());

		return v2004 ? d.getFullYear() + '-' + pad(d.getMonth() + 1) +
		    '-' + pad(d.getDate()) + 'T' + t : t;
	}

	function dec(x) {
		return String(Math.round(Number(x) * 100) / 100 || 0);
	}

	/* suspend_data (README: "suspend_data") */
	function encode(st, responses) {
		var bits = [], seen = '', q = [], a = [], i, p;

		for (i = 0; i < st.seen.length; i++) {
			p = st.seen[i];
			if (p >= 0 && p < course.pages.length)
				bits[p / 6 | 0] = (bits[p / 6 | 0] | 0) | 1 << p % 6;
		}
		for (i = 0; i < bits.length; i++)
			seen += B64.charAt(bits[i] | 0);
		Object.keys(st.q).sort().forEach(function (id) {
			var e = st.q[id] || {};
			var r = responses && e.r != null ? String(e.r) : '';

			q.push(id.replace(/[\\|:;]/g, '\\$&') + ':' + (e.k ? 1 : 0) +
			    ':' + Math.min(e.n | 0, MAXN) + ':' + r.length + ':' + r);
		});
		Object.keys(st.a).sort(function (x, y) {
			return x - y;
		}).forEach(function (m) {
			var e = st.a[m] || {};

			a.push((m | 0) + ':' + Math.min(e.n | 0, MAXN) + ':' +
			    dec(e.s) + ':' + dec(e.m) + ':' + (e.p ? 1 : 0));
		});
		return '1|' + seen.replace(/A+$/, '') + '|' + (st.loc | 0) + '|' +
		    q.join(';') + '|' + a.join(';');
	}

	/* The state in s, or null when s is empty or not ours. */
	function decode(s) {
		var pos = 2, st = { v: 1, loc: 0, seen: [], q: {}, a: {} };
		var seen, i, j, c, id, k, n, len;

		function until(stop) {
			var out = '';

			while (pos < s.length && stop.indexOf(s.charAt(pos)) < 0) {
				if (s.charAt(pos) === '\\')
					pos++;
				out += s.charAt(pos++);
			}
			return out;
		}
		function want(ch) {
			if (s.charAt(pos++) !== ch)
				throw new Error('expected ' + ch + ' at ' + pos);
		}
		if (s.slice(0, 2) !== '1|')
			return null;
		try {
			seen = until('|');
			want('|');
			for (i = 0; i < seen.length; i++)
				for (c = B64.indexOf(seen.charAt(i)), j = 0; j < 6; j++)
					if (c > 0 && c & 1 << j &&
					    i * 6 + j < course.pages.length)
						st.seen.push(i * 6 + j);
			st.loc = num(until('|'), 0);
			want('|');
			while (pos < s.length && s.charAt(pos) !== '|') {
				id = until(':');
				want(':');
				k = num(until(':'), 0);
				want(':');
				n = num(until(':'), 0);
				want(':');
				len = num(until(':'), 0);
				want(':');
				st.q[id] = { r: s.substr(pos, len), k: k, n: n };
				pos += len;
				if (s.charAt(pos) === ';')
					pos++;
			}
			want('|');
			s.slice(pos).split(';').forEach(function (e) {
				var f = e.split(':');

				if (f.length === 5)
					st.a[f[0]] = { n: num(f[1], 0), s: Number(f[2]) || 0,
					    m: Number(f[3]) || 0, p: num(f[4], 0) };
			});
		} catch (e) {
			log('ignoring unreadable suspend_data: ' + e.message);
			return null;
		}
		return st;
	}

	function local() {
		try {
			return JSON.parse(localStorage.getItem(key) || 'null');
		} catch (e) {
			return null;
		}
	}

	function keep() {
		try {
			localStorage.setItem(key, JSON.stringify(L.state));
		} catch (e) {
			/* storage off or full: the LMS is all we have */
		}
	}

	function fresh(s) {
		s = s && typeof s === 'object' ? s : {};
		s.v = 1;
		s.loc = typeof s.loc === 'number' ? s.loc : 0;
		s.seen = Array.isArray(s.seen) ? s.seen : [];
		s.q = s.q && typeof s.q === 'object' ? s.q : {};
		s.a = s.a && typeof s.a === 'object' ? s.a : {};
		return s;
	}

	function inscope(p) {
		return !scope || scope.indexOf(p) >= 0;
	}

	/* What the state means: progress, score, pass or fail. */
	function summary() {
		var st = L.state, lessons = 0, seen = 0, S = 0, M = 0;
		var tried = true, left = false, graded = false, i, m, a, raw;

		for (i = 0; i < course.pages.length; i++)
			if (course.pages[i].kind === 'lesson' && inscope(i)) {
				lessons++;
				if (st.seen.indexOf(i) >= 0)
					seen++;
			}
		for (i = 0; i < course.modules.length; i++) {
			m = course.modules[i].assessment;
			if (!m || (modscope >= 0 && modscope !== i))
				continue;
			graded = pass >= 0;
			a = st.a[i];
			if (!a || !(a.n > 0)) {
				tried = false;
				continue;
			}
			S += Number(a.s) || 0;
			M += Number(a.m) || Number(m.max) || 0;
			if (!a.p && (!m.attempts || a.n < m.attempts))
				left = true;
		}
		tried = graded && tried;
		raw = M > 0 ? Math.round(10000 * S / M) / 100 : 0;
		return { progress: lessons ? seen / lessons : 1,
		    complete: seen >= lessons, graded: graded, tried: tried,
		    raw: raw, passed: tried && raw >= pass,
		    final: tried && raw < pass && !left };
	}

	/* Never step back from what the LMS recorded before this launch. */
	function settled(s) {
		return /^(completed|passed|failed)$/.test(s);
	}

	function report() {
		var r = summary(), pg = course.pages[L.state.loc], data, st, done;

		data = encode(L.state, true);
		if (data.length > LIMIT) {
			log('suspend_data over ' + LIMIT + ': answers dropped');
			data = encode(L.state, false);
		}
		if (data.length <= LIMIT)
			set('cmi.suspend_data', data);
		set(E.loc, pg && pg.id && pg.id.length <= E.loclen ? pg.id :
		    String(L.state.loc | 0));
		if (r.tried) {
			set(E.score + 'min', '0');
			set(E.score + 'max', '100');
			set(E.score + 'raw', dec(r.raw));
			if (v2004)
				set(E.score + 'scaled', String(r.raw / 100));
		}
		if (v2004) {
			set('cmi.progress_measure',
			    String(Math.round(r.progress * 10000) / 10000));
			st = r.complete ? 'completed' : 'incomplete';
			if (r.tried)
				set('cmi.success_status', r.passed ? 'passed' : 'failed');
			done = r.complete;
		} else {
			/* 1.2: one field; failed only with no attempt left. */
			st = r.passed ? 'passed' : r.final ? 'failed' :
			    !r.graded && r.complete ? 'completed' : 'incomplete';
			done = st === 'passed' || st === 'completed';
		}
		if (st !== 'incomplete' || !settled(firststatus))
			set(E.status, st);
		if (done && !announced) {
			announced = true;
			say('completed');
		}
	}

	function flush() {
		clearTimeout(timer);
		timer = null;
		if (!api)
			return keep();
		if (!live || readonly)
			return;
		report();
		if (!dirty)
			return;
		if (call('commit', '') === 'true') {
			dirty = false;
			failures = 0;
			if (bar.textContent === bar.getAttribute('data-error'))
				say('');
			return;
		}
		problem('Commit');
		keep();		/* the learner's work survives in this browser */
		say('error');
		schedule(++failures < 5 ? 2000 : 30000);
	}

	/* Commit once things settle, not on every change. */
	function schedule(ms) {
		if (timer !== null && ms > 0)
			return;
		clearTimeout(timer);
		timer = setTimeout(flush, ms);
	}

	/* End the session: once, Terminate last. */
	function finish(nav) {
		if (!live)
			return api ? undefined : keep();
		if (!readonly)
			report();
		set(E.exit, 'suspend');	/* also once complete: README */
		set(E.time, span(Date.now() - began));
		if (v2004 && nav)
			set('adl.nav.request', nav);
		if (call('commit', '') !== 'true') {
			problem('Commit');
			keep();
		}
		live = false;
		clearTimeout(timer);
		if (call('fin', '') !== 'true')
			problem(E.fin);
	}

	/* Interactions (README: "What is reported") */
	function text(s, max) {
		s = String(s == null ? '' : s).slice(0, max);
		/* a 2004 characterstring must not start with '{' */
		return v2004 && s.charAt(0) === '{' ? ' ' + s.slice(0, max - 1) : s;
	}

	function pattern(type, t) {
		t = (t || []).map(String);
		if (type === 'true-false') {
			t = /^(t|true|1)$/i.test(t[0]);
			return v2004 ? String(t) : t ? 't' : 'f';
		}
		if (type === 'fill-in' || type === 'long-fill-in')
			return text(t[0], !v2004 ? 255 : type === 'fill-in' ? 250 : 4000);
		if (v2004 && type === 'matching')
			t = t.map(function (x) {
				return x.replace('.', '[.]');
			});
		return t.join(v2004 ? '[,]' : ',');
	}

	function record(it) {
		var p = 'cmi.interactions.' + ninter + '.';
		var type = String(it.type || 'other'), res = it.result;

		if (!live || readonly)
			return;
		if (!v2004 && !/^(choice|true-false|fill-in|matching|sequencing)$/.
		    test(type))
			type = type === 'long-fill-in' ? 'fill-in' : 'performance';
		if (res === (v2004 ? 'wrong' : 'incorrect'))
			res = v2004 ? 'incorrect' : 'wrong';
		ninter++;
		if (!set(p + 'id', String(it.id || 'q' + ninter).
		    replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 255)) ||
		    !set(p + 'type', type))
			return;
		set(p + (v2004 ? 'timestamp' : 'time'), stamp(new Date()));
		if (it.weighting != null)
			set(p + 'weighting', String(Number(it.weighting) || 0));
		set(p + (v2004 ? 'learner_response' : 'student_response'),
		    pattern(it.type, it.response));
		if (it.correct && it.correct.length)
			set(p + 'correct_responses.0.pattern',
			    pattern(it.type, it.correct));
		if (/^(correct|wrong|incorrect|neutral)$/.test(res))
			set(p + 'result', res);
		if (it.latency != null)
			set(p + 'latency', span(Number(it.latency) || 0));
		if (v2004 && it.description)
			set(p + 'description', text(it.description, 250));
		schedule(1000);
	}

	/* Pages */
	function href(p) {
		return new URL(course.pages[p] ? course.pages[p].href :
		    attr('start'), location.href).href;
	}

	/* The page a cmi location names: its id, or its index. */
	function bypage(loc) {
		var i;

		for (i = 0; i < course.pages.length; i++)
			if (course.pages[i].id === loc)
				return i;
		return num(loc, 0);
	}

	function first() {
		return scope ? scope[0] : 0;
	}

	function visit(p) {
		var st = L.state;

		p = Number(p);
		if (!inscope(p) || !course.pages[p])
			return;
		if (st.seen.indexOf(p) < 0)
			st.seen.push(p);
		st.loc = p;
		schedule(1000);
	}

	/* A module package: links out of the module become plain text. */
	function prune(d) {
		var l = d.querySelectorAll('a[href]'), map = {}, i, p;

		for (i = 0; i < course.pages.length; i++)
			map[href(i)] = i;
		for (i = 0; i < l.length; i++) {
			p = map[l[i].href.split('#')[0]];
			if (p !== undefined && !inscope(p)) {
				l[i].removeAttribute('href');
				l[i].classList.add('lms-out');
			}
		}
	}

	function loaded() {
		var d, p;

		try {	/* from file:// the frame is another origin */
			d = frame.contentDocument;
			p = num(d.documentElement.getAttribute('data-binome-page'), -1);
		} catch (e) {
			return;
		}
		if (p < 0)
			return;
		if (!inscope(p))
			return frame.contentWindow.location.replace(href(first()));
		if (d.title)
			frame.title = d.title;
		visit(p);
		if (scope)
			prune(d);
	}

	function exit() {
		var done = document.createElement('p');

		finish('suspendAll');
		done.className = 'lms-done';
		done.tabIndex = -1;
		done.textContent = bar.getAttribute('data-saved');
		frame.parentNode.replaceChild(done, frame);
		document.getElementById('lms-exit').disabled = true;
		say('');
		done.focus();
	}

	function start() {
		var st = null, entry, bookmark;

		frame = document.getElementById('lms-frame');
		bar = document.getElementById('lms-status');
		api = findapi();
		if (api && call('init', '') !== 'true') {
			problem(E.init);
			api = null;
		}
		L = window.BinomeLMS = {
			state: null,
			credit: true,
			save: function () {
				schedule(api ? 1000 : 0);
			},
			record: record,
			assess: function (m, r) {
				if (!L.state.a[m] && r)
					L.state.a[m] = { n: 1, s: r.score, m: r.max,
					    p: r.passed ? 1 : 0 };
				schedule(200);	/* a status change: soon */
			},
			visit: visit
		};
		if (api) {
			live = true;
			entry = get(E.entry);
			/* mode "" (LearnWorlds) is normal */
			readonly = /^(review|browse)$/.test(get(E.mode));
			L.credit = get(E.credit) !== 'no-credit';
			firststatus = get(E.status);
			bookmark = get(E.loc);
			st = decode(get('cmi.suspend_data'));
			if (!st && entry === 'resume')
				st = local();	/* the last Commit had failed */
			if (!st && bookmark)
				st = { loc: bypage(bookmark) };
			ninter = num(get('cmi.interactions._count'), 0);
			if (!readonly && !settled(firststatus) &&
			    firststatus !== 'incomplete')
				set(E.status, 'incomplete');
			if (!readonly)
				set(E.exit, 'suspend');	/* early: spoor #320 */
			say('');
		} else {
			st = local();
			say('nolms');
		}
		L.state = fresh(st);
		if (st === null || !inscope(L.state.loc))
			L.state.loc = first();
		if (api)
			flush();
		frame.addEventListener('load', loaded);
		frame.src = href(L.state.loc);
		document.getElementById('lms-exit').addEventListener('click', exit);
		document.addEventListener('visibilitychange', function () {
			if (document.visibilityState === 'hidden')
				flush();
		});
		window.addEventListener('pagehide', function () {
			finish('');
		});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
