/*
 * lms.js: binome serve's LMS simulator (/lms/).  On index.html it lists
 * the packages of OUT/scorm (/lms/packages.json) with their manifest's
 * title and SCORM version; on player.html?pkg=<zip> it launches one the
 * way an LMS does: the API of lms-api.js on this window, the package's
 * launch page 1 to 3 frames deep or in a popup, the CMI data kept in
 * localStorage ("binome-lms:<zip>"), and a panel with the API calls,
 * the data, the interactions and warnings about anything the SCORM
 * end-to-end test counts as a failure.  Every value is shown through
 * textContent.
 */
(function () {
	'use strict';

	var PREFIX = 'binome-lms:';

	function $(id) {
		return document.getElementById(id);
	}

	function el(tag, text, cls) {
		var e = document.createElement(tag);

		if (text != null)
			e.textContent = String(text);
		if (cls)
			e.className = cls;
		return e;
	}

	function pkgurl(zip, path) {
		return '/lms/pkg/' + encodeURIComponent(zip) + '/' + path;
	}

	function load(zip) {
		try {
			return JSON.parse(localStorage.getItem(PREFIX + zip) || 'null');
		} catch (e) {
			return null;
		}
	}

	function store(zip, v) {
		try {
			if (v === null)
				localStorage.removeItem(PREFIX + zip);
			else
				localStorage.setItem(PREFIX + zip, JSON.stringify(v));
		} catch (e) {
			/* storage off or full: the session still runs */
		}
	}

	/* What the manifest says: title, version, launch page, pass mark. */
	function manifest(zip) {
		return fetch(pkgurl(zip, 'imsmanifest.xml')).then(function (r) {
			if (!r.ok)
				throw new Error('no imsmanifest.xml in ' + zip);
			return r.text();
		}).then(function (text) {
			var x = new DOMParser().parseFromString(text, 'application/xml');
			var ver = x.getElementsByTagNameNS('*', 'schemaversion')[0];
			var org = x.getElementsByTagNameNS('*', 'organization')[0];
			var title = org && org.getElementsByTagNameNS('*', 'title')[0];
			var res = x.getElementsByTagNameNS('*', 'resource'), href = '', i;
			var ms = x.getElementsByTagNameNS('*', 'masteryscore')[0];
			var mn = x.getElementsByTagNameNS('*', 'minNormalizedMeasure')[0];

			for (i = 0; i < res.length && !href; i++)
				href = res[i].getAttribute('href') || '';
			ver = ver ? ver.textContent.trim() : '';
			return {
				zip: zip,
				v2004: ver !== '1.2',
				version: ver === '1.2' ? '1.2' : '2004',
				label: ver === '1.2' ? 'SCORM 1.2' : 'SCORM ' + (ver || '2004'),
				title: title ? title.textContent.trim() : zip,
				href: href || 'index.html',
				mastery: ms ? ms.textContent.trim() : mn ? mn.textContent.trim() : ''
			};
		});
	}

	/* index.html ------------------------------------------------------- */

	function list() {
		var status = $('pkgs-status'), table = $('pkgs');

		fetch('/lms/packages.json').then(function (r) {
			return r.json();
		}).then(function (j) {
			return Promise.all(j.packages.map(function (z) {
				return manifest(z).catch(function (e) {
					return { zip: z, error: String(e.message || e) };
				});
			}));
		}).then(function (all) {
			var body = table.tBodies[0];

			all.forEach(function (m) {
				var tr = el('tr'), td, a, b;

				tr.appendChild(el('td', m.title || m.zip));
				tr.appendChild(el('td', m.error ? m.error : m.label));
				tr.appendChild(el('td', m.zip));
				tr.appendChild(el('td', load(m.zip) ? 'yes' : 'none'));
				td = el('td');
				if (!m.error) {
					a = el('a', 'Launch');
					a.href = 'player.html?pkg=' + encodeURIComponent(m.zip);
					a.setAttribute('aria-label', 'Launch ' + m.title + ', ' + m.label);
					td.appendChild(a);
					td.appendChild(document.createTextNode(' · '));
				}
				b = el('a', 'Download');
				b.href = '/scorm/' + encodeURIComponent(m.zip);
				b.setAttribute('aria-label', 'Download ' + m.zip);
				td.appendChild(b);
				tr.appendChild(td);
				body.appendChild(tr);
			});
			table.hidden = all.length === 0;
			status.textContent = all.length ? all.length + ' package' +
			    (all.length === 1 ? '' : 's') + '.' :
			    'No package: the build wrote nothing to the scorm folder.';
		}).catch(function (e) {
			status.textContent = 'Cannot list the packages: ' + (e.message || e);
		});
	}

	/* player.html ------------------------------------------------------ */

	function player() {
		var zip = new URLSearchParams(location.search).get('pkg') || '';
		var meta, lms = null, calls = [], warnings = {}, nwarn = 0;
		var inits = 0, ended = false, popup = null, frame = null;
		var timer = null, shown = 0, lastSummary = 0, watch = null;
		var sim = window.BinomeSim = { calls: calls, warnings: warnings };
		var ERRFN = /GetLastError|GetErrorString|GetDiagnostic/;

		function K(v12, v04) {
			return meta.v2004 ? v04 : v12;
		}

		function warn(msg) {
			if (!warnings[msg]) {
				warnings[msg] = 0;
				nwarn++;
			}
			warnings[msg]++;
			later();
		}

		/* The rules of tests/e2e/scorm.test.js's checkSession. */
		function check(c) {
			var fin = K('LMSFinish', 'Terminate'), init = K('LMSInitialize', 'Initialize');
			var limit = K(4096, 64000), sd;

			if (ERRFN.test(c.n))
				return;
			if (ended)
				warn(c.n + ' called after ' + fin);
			if (c.n === init && ++inits > 1)
				warn(init + ' called a second time');
			if (calls.length === 1 && c.n !== init)
				warn('the first call is ' + c.n + ', not ' + init);
			if (c.e !== '0' && !(/GetValue$/.test(c.n) && c.e === '403'))
				warn(c.n + '(' + c.a.join(', ').slice(0, 80) + ') failed: error ' +
				    c.e + (c.d ? ' (' + c.d + ')' : ''));
			if (/SetValue$/.test(c.n)) {
				if (c.a[0] === K('cmi.core.session_time', 'cmi.session_time') &&
				    !(meta.v2004 ? BinomeLMSAPI.RE.dur : BinomeLMSAPI.RE.span12).
				    test(c.a[1]))
					warn('malformed session time "' + c.a[1] + '"');
				if (c.a[0] === 'cmi.suspend_data' && c.a[1].length > limit)
					warn('suspend_data of ' + c.a[1].length +
					    ' characters, over its budget of ' + limit);
			}
			if (c.n === fin && c.r === 'true')
				ended = true;
		}

		function fault(method) {
			var f = $('sim-fault').value.split(':');

			if (!f[0] || f[0] !== method)
				return 0;
			if ($('sim-once').checked)
				$('sim-fault').value = '';
			return Number(f[1]);
		}

		function commit(cmi) {
			var exit = cmi[K('cmi.core.exit', 'cmi.exit')] || '';

			store(zip, { cmi: cmi, suspended: exit === 'suspend',
			    version: meta.version });
			later();
		}

		function later() {
			if (timer === null)
				timer = setTimeout(render, 100);
		}

		function dd(dl, name, value) {
			dl.appendChild(el('dt', name));
			dl.appendChild(el('dd', value === undefined ? '—' : value === '' ? '""' : value));
		}

		function render() {
			var c = lms ? lms.cmi : {}, dl = $('sim-data'), ul = $('sim-warnings');
			var log = $('sim-log'), tb = $('sim-inter').tBodies[0];
			var sd = c['cmi.suspend_data'] || '', limit = K(4096, 64000);
			var n = 0, i, tr, p, x, nerr = 0, now = Date.now(), s;

			timer = null;
			dl.textContent = '';
			dd(dl, 'Session', lms ? lms.state : 'closed');
			dd(dl, 'entry', c[K('cmi.core.entry', 'cmi.entry')]);
			if (meta.v2004) {
				dd(dl, 'completion_status', c['cmi.completion_status']);
				dd(dl, 'success_status', c['cmi.success_status']);
				dd(dl, 'progress_measure', c['cmi.progress_measure']);
				dd(dl, 'score.raw', c['cmi.score.raw']);
				dd(dl, 'score.scaled', c['cmi.score.scaled']);
				dd(dl, 'location', c['cmi.location']);
			} else {
				dd(dl, 'lesson_status', c['cmi.core.lesson_status']);
				dd(dl, 'score.raw', c['cmi.core.score.raw']);
				dd(dl, 'lesson_location', c['cmi.core.lesson_location']);
			}
			dd(dl, 'exit', c[K('cmi.core.exit', 'cmi.exit')]);
			dd(dl, 'session_time', c[K('cmi.core.session_time', 'cmi.session_time')]);
			dd(dl, 'total_time', c[K('cmi.core.total_time', 'cmi.total_time')]);
			$('sim-budget').max = limit;
			$('sim-budget').value = Math.min(sd.length, limit);
			$('sim-budget-text').textContent = sd.length + ' of ' + limit +
			    ' characters' + (sd.length > limit ? ': over budget' : '');

			tb.textContent = '';
			while (('cmi.interactions.' + n + '.id') in c)
				n++;
			for (i = 0; i < n; i++) {
				p = 'cmi.interactions.' + i + '.';
				tr = el('tr');
				tr.appendChild(el('td', i));
				tr.appendChild(el('td', c[p + 'id']));
				tr.appendChild(el('td', c[p + 'type'] || ''));
				tr.appendChild(el('td', (c[p + K('student_response',
				    'learner_response')] || '').slice(0, 120)));
				tr.appendChild(el('td', c[p + 'result'] || ''));
				tb.appendChild(tr);
			}

			ul.textContent = '';
			Object.keys(warnings).forEach(function (w) {
				ul.appendChild(el('li', w + (warnings[w] > 1 ? ' (×' +
				    warnings[w] + ')' : '')));
			});
			if (!nwarn)
				ul.appendChild(el('li', 'None so far.', 'sim-none'));

			for (; shown < calls.length; shown++) {
				x = calls[shown];
				log.appendChild(el('li', x.n + '(' + x.a.map(function (a) {
					return JSON.stringify(a.length > 200 ? a.slice(0, 200) + '…' : a);
				}).join(', ') + ') → ' + JSON.stringify(x.r.length > 200 ?
				    x.r.slice(0, 200) + '…' : x.r) + (x.e !== '0' &&
				    !ERRFN.test(x.n) ? '  [error ' + x.e + ']' : ''),
				    x.e !== '0' && !ERRFN.test(x.n) ? 'sim-err' : ''));
			}
			while (log.children.length > 500)
				log.removeChild(log.firstChild);
			calls.forEach(function (y) {
				if (y.e !== '0' && !ERRFN.test(y.n))
					nerr++;
			});
			/* the live region: a short line, at most once a second */
			s = (lms ? lms.state : 'closed') + ': ' + calls.length + ' calls, ' +
			    nerr + ' errors, ' + nwarn + ' warnings';
			if (now - lastSummary >= 1000) {
				lastSummary = now;
				if ($('sim-summary').textContent !== s)
					$('sim-summary').textContent = s;
			} else
				later();
		}

		/* The course has gone: it must have called Terminate. */
		function gone(ms) {
			var l = lms;

			setTimeout(function () {
				if (l && l === lms && l.state === 'running')
					warn(K('LMSFinish', 'Terminate') +
					    ' never called when the course page unloaded');
				later();
			}, ms);
		}

		/* Returns how long the course may take to go (a popup: 1 s). */
		function close() {
			var wait = 0;

			clearInterval(watch);
			watch = null;
			if (popup && !popup.closed) {
				popup.close();
				wait = 1000;
			}
			popup = null;
			if (frame && frame.parentNode)
				frame.parentNode.removeChild(frame);
			frame = null;
			$('stage').textContent = '';
			$('stage').appendChild(el('p', 'The course is closed. Relaunch it ' +
			    'or start a new attempt.', 'sim-note'));
			gone(wait);
			return wait;
		}

		function mount() {
			var depth = $('sim-depth').value, src = pkgurl(zip, meta.href), i, b;

			$('stage').textContent = '';
			if (depth === 'popup') {
				b = el('button', 'Open the course window');
				b.type = 'button';
				b.id = 'sim-open';
				b.addEventListener('click', function () {
					popup = window.open(src, 'binome-sco');
					watch = setInterval(function () {
						if (popup && popup.closed) {
							clearInterval(watch);
							watch = null;
							popup = null;
							gone(1000);
						}
					}, 300);
				});
				$('stage').appendChild(b);
				return;
			}
			for (i = Number(depth) || 1; i > 1; i--)
				src = 'frame.html?src=' + encodeURIComponent(src);
			frame = el('iframe');
			frame.id = 'sim-frame';
			frame.title = meta.title;
			frame.src = src;
			$('stage').appendChild(frame);
		}

		function launch(fresh) {
			var saved = fresh ? null : load(zip), entry;

			if (saved && saved.version !== meta.version)
				saved = null;
			/* 2004: an exit other than suspend ends the attempt */
			if (saved && meta.v2004 && !saved.suspended)
				saved = null;
			entry = !saved ? 'ab-initio' : saved.suspended ? 'resume' : '';
			if (!saved)
				store(zip, null);
			calls.length = 0;
			shown = 0;
			inits = 0;
			ended = false;
			nwarn = 0;
			Object.keys(warnings).forEach(function (k) {
				delete warnings[k];
			});
			$('sim-log').textContent = '';
			lms = sim.lms = BinomeLMSAPI.create({
				version: meta.version, cmi: saved ? saved.cmi : {},
				entry: entry, mastery: meta.mastery, fault: fault,
				onCommit: commit,
				onCall: function (c) {
					calls.push(c);
					check(c);
					later();
				}
			});
			delete window.API;
			delete window.API_1484_11;
			window[meta.v2004 ? 'API_1484_11' : 'API'] = lms.api;
			mount();
			later();
		}

		/* Close, let the check of Terminate run, then launch again. */
		function relaunch(fresh) {
			var wait = frame || popup ? close() : 0;

			setTimeout(function () {
				if (fresh)
					store(zip, null);
				launch(fresh);
			}, wait + 50);
		}

		if (!zip || /[\/\\]/.test(zip)) {
			$('stage').appendChild(el('p', 'No package given: pick one from the list.'));
			return;
		}
		manifest(zip).then(function (m) {
			meta = sim.meta = m;
			document.title = m.title + ' (' + m.label + ') – LMS simulator';
			$('sim-title').textContent = m.title;
			$('sim-target').textContent = m.label + ' · ' + m.zip;
			$('sim-relaunch').addEventListener('click', function () {
				relaunch(false);
			});
			$('sim-new').addEventListener('click', function () {
				relaunch(true);
			});
			$('sim-close').addEventListener('click', close);
			sim.relaunch = relaunch;
			sim.close = close;
			sim.key = PREFIX + zip;
			launch(false);
		}).catch(function (e) {
			$('stage').appendChild(el('p', 'Cannot launch ' + zip + ': ' +
			    (e.message || e)));
		});
	}

	function start() {
		if (document.body.classList.contains('lms-player'))
			player();
		else if (document.body.classList.contains('lms-list'))
			list();
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
