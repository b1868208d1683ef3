/*
 * binome.js: the learner's state on every course page (the contract is
 * themes/default/README.md, "Browser run-time contract").  Loads the
 * state from the SCORM launcher (parent.BinomeLMS) or localStorage,
 * marks this page seen, fills the table of contents (seen marks,
 * progress per module) and defines window.Binome for quiz.js.
 */
(function () {
	'use strict';

	var doc = document.documentElement;
	var course = window.BINOME_COURSE || { id: '', pages: [], modules: [] };
	var key = 'binome:' + course.id;
	var handlers = {};
	var loaded = false;
	var lms = null;
	var B;

	try {	/* a cross-origin parent throws */
		if (window.parent !== window && window.parent.BinomeLMS)
			lms = window.parent.BinomeLMS;
	} catch (e) {
		lms = null;
	}

	/* Fill in what a state object lacks, in place (the LMS owns it). */
	function normal(s) {
		if (!s || typeof s !== 'object')
			s = {};
		s.v = 1;
		if (typeof s.loc !== 'number')
			s.loc = 0;
		if (!Array.isArray(s.seen))
			s.seen = [];
		if (!s.q || typeof s.q !== 'object')
			s.q = {};
		if (!s.a || typeof s.a !== 'object')
			s.a = {};
		return s;
	}

	function load() {
		var s = null;

		if (lms) {
			lms.state = normal(lms.state);
			return lms.state;
		}
		try {	/* storage may be disabled, full or absent */
			s = JSON.parse(window.localStorage.getItem(key) || 'null');
		} catch (e) {
			s = null;
		}
		return normal(s);
	}

	function store() {
		try {
			window.localStorage.setItem(key, JSON.stringify(B.state));
		} catch (e) {
			/* nothing to do: the state lives on for this page */
		}
	}

	function emit(name) {
		var l = handlers[name] || [], i;

		for (i = 0; i < l.length; i++) {
			try {
				l[i](B.state);
			} catch (e) {
				if (window.console)
					console.error(e);
			}
		}
	}

	/* Absolute URL of a page of BINOME_COURSE, to match toc links. */
	function pageurl(i) {
		var p = course.pages[i];

		return p ? new URL(B.root + p.href, window.location.href).href : '';
	}

	function isseen(i) {
		return B.state.seen.indexOf(i) !== -1;
	}

	/* Seen marks and module progress in the table of contents. */
	function fill() {
		var nav = document.querySelector('nav.toc');
		var text, links, byurl = {}, mods, i, j, m, n, el, a;

		if (!nav)
			return;
		text = nav.getAttribute('data-progress-text') ||
		    '{seen} / {total}';
		links = nav.querySelectorAll('a[href]');
		for (i = 0; i < links.length; i++)
			byurl[links[i].href.split('#')[0]] = links[i];
		for (i = 0; i < course.pages.length; i++) {
			a = byurl[pageurl(i)];
			el = a && a.querySelector('.seen-mark');
			if (el)
				el.hidden = !isseen(i);
		}
		/* A large course lists only some modules: go by their index. */
		mods = nav.querySelectorAll('.toc-module');
		for (i = 0; i < mods.length; i++) {
			a = mods[i].getAttribute('data-binome-module');
			m = course.modules[a === null ? i : Number(a)];
			if (!m)
				continue;
			n = 0;
			for (j = 0; j < m.lessons.length; j++)
				if (isseen(m.lessons[j]))
					n++;
			el = mods[i].querySelector('.toc-progress');
			if (!el || !m.lessons.length)
				continue;
			el.querySelector('.toc-count').textContent = text.
			    replace('{seen}', n).replace('{total}', m.lessons.length);
			a = el.querySelector('progress');
			a.max = m.lessons.length;
			a.value = n;
			el.hidden = false;
		}
	}

	/* A scrolling table or code block must take the keyboard focus. */
	function scrollers() {
		var l = document.querySelectorAll('.content table, .content pre');
		var i;

		for (i = 0; i < l.length; i++) {
			if (l[i].scrollWidth > l[i].clientWidth + 1)
				l[i].setAttribute('tabindex', '0');
			else if (l[i].getAttribute('tabindex') === '0')
				l[i].removeAttribute('tabindex');
		}
	}

	B = window.Binome = {
		course: course,
		page: parseInt(doc.getAttribute('data-binome-page'), 10) || 0,
		root: doc.getAttribute('data-binome-root') || '',
		state: null,
		save: function () {
			store();
			if (lms && lms.save)
				lms.save();
		},
		record: function (interaction) {
			if (lms && lms.record)
				lms.record(interaction);
		},
		/* Keeps the best score; passed once stays passed. */
		assess: function (module, r) {
			var a = B.state.a[module] || { n: 0, s: 0, m: 0, p: 0 };

			a.n++;
			if (r.score >= a.s || a.m !== r.max) {
				a.s = r.score;
				a.m = r.max;
			}
			a.p = (a.p || r.passed) ? 1 : 0;
			B.state.a[module] = a;
			if (lms && lms.assess)
				lms.assess(module, r);
			B.save();
		},
		on: function (name, fn) {
			(handlers[name] = handlers[name] || []).push(fn);
			if (name === 'state' && loaded)
				fn(B.state);
		}
	};

	B.state = load();
	if (!isseen(B.page))
		B.state.seen.push(B.page);
	B.state.loc = B.page;
	store();
	if (lms && lms.visit)
		lms.visit(B.page);
	else if (lms && lms.save)
		lms.save();

	function ready() {
		var toc = document.querySelector('.toc-panel');

		/* A small screen starts with the table of contents folded. */
		if (toc && window.matchMedia &&
		    window.matchMedia('(max-width: 59.99em)').matches)
			toc.open = false;
		fill();
		scrollers();
		window.addEventListener('resize', scrollers);
		loaded = true;	/* later handlers are called at once */
		emit('state');
	}
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', ready);
	else
		ready();
})();
