/*
 * search.js: full-text search over window.BINOME_SEARCH, filled by each
 * course's assets/search-index.js.  On a course page (form
 * data-binome-search="course") hrefs are relative to the course dir; on
 * the site root ("site") to the course's directory d.  Works offline and
 * from file://: no fetch, only script tags.  The indexes (the form's
 * data-binome-index, space-separated) load when the search box is first
 * used: a large course's index weighs megabytes, not for every page.
 */
(function () {
	'use strict';

	var MAX = 20;	/* results shown */
	var form = document.querySelector('form[data-binome-search]');
	var pages = [];
	var input, status, panel, count, list;
	var loading = null;	/* null: not asked; then a list of callbacks */

	if (!form)
		return;

	/* Lowercase, no accents, words of letters and digits. */
	function fold(s) {
		return String(s).toLowerCase().replace(/œ/g, 'oe').
		    replace(/æ/g, 'ae').replace(/ß/g, 'ss').normalize('NFD').
		    replace(/[\u0300-\u036f]/g, '').
		    replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
	}

	function add(list, site, c) {
		var j, p;

		for (j = 0; j < (list || []).length; j++) {
			p = list[j];
			pages.push({
				title: p.t,
				course: site ? c.c : '',
				href: (site ? c.d + '/' : root()) + p.h,
				t: ' ' + fold(p.t) + ' ',
				x: ' ' + fold(p.x || '') + ' '
			});
		}
	}

	function root() {
		return document.documentElement.
		    getAttribute('data-binome-root') || '';
	}

	/* Every course's pages: its index's, then its parts' in order. */
	function prepare() {
		var all = window.BINOME_SEARCH || [];
		var got = window.BINOME_SEARCH_PARTS || {};
		var site = form.getAttribute('data-binome-search') === 'site';
		var i, j, c;

		for (i = 0; i < all.length; i++) {
			c = all[i];
			add(c.p, site, c);
			for (j = 0; j < (c.parts || []).length; j++)
				add(got[c.d + '/' + c.parts[j]], site, c);
		}
	}

	/* Script tags for urls, then fn once each has loaded or failed. */
	function scripts(urls, fn) {
		var left = urls.length, i, el;

		function one() {
			if (--left === 0)
				fn();
		}
		if (!left)
			return fn();
		for (i = 0; i < urls.length; i++) {
			el = document.createElement('script');
			el.src = urls[i];
			el.onload = el.onerror = one;
			document.head.appendChild(el);
		}
	}

	/*
	 * A large course's index names its parts, one a module, beside it
	 * under assets/search/.
	 */
	function parts(urls) {
		var all = window.BINOME_SEARCH || [];
		var site = form.getAttribute('data-binome-search') === 'site';
		var out = [], i, j, c, base;

		for (i = 0; i < all.length; i++) {
			c = all[i];
			base = site ? c.d + '/assets/' :
			    (urls[0] || '').replace(/[^\/]*$/, '');
			for (j = 0; j < (c.parts || []).length; j++)
				out.push(base + c.parts[j]);
		}
		return out;
	}

	/* Load the indexes once, then call fn (at once if loaded). */
	function load(fn) {
		var urls;

		if (loading === true)
			return fn();
		if (loading) {
			loading.push(fn);
			return;
		}
		loading = [fn];
		urls = (form.getAttribute('data-binome-index') || '').
		    split(' ').filter(Boolean);
		scripts(urls, function () {
			scripts(parts(urls), function () {
				var l = loading, i;

				prepare();
				loading = true;
				for (i = 0; i < l.length; i++)
					l[i]();
			});
		});
	}

	/* A piece of text around the first hit, with the hits marked. */
	function excerpt(x, words) {
		var at = -1, i, k, from, to, parts, li, el;
		var frag = document.createDocumentFragment();

		for (i = 0; i < words.length && at < 0; i++)
			at = x.indexOf(' ' + words[i]);
		if (at < 0)
			at = 0;
		from = Math.max(0, x.lastIndexOf(' ', Math.max(0, at - 60)));
		to = x.indexOf(' ', Math.min(x.length, at + 140));
		if (to < 0)
			to = x.length;
		parts = x.slice(from, to).trim().split(' ');
		if (from > 0)
			frag.appendChild(document.createTextNode('… '));
		for (i = 0; i < parts.length; i++) {
			li = parts[i];
			for (k = 0; k < words.length; k++)
				if (li.indexOf(words[k]) === 0)
					break;
			if (k < words.length) {
				el = document.createElement('mark');
				el.textContent = li;
				frag.appendChild(el);
			} else
				frag.appendChild(document.createTextNode(li));
			if (i + 1 < parts.length)
				frag.appendChild(document.createTextNode(' '));
		}
		if (to < x.length - 1)
			frag.appendChild(document.createTextNode(' …'));
		return frag;
	}

	function find(q) {
		var words = fold(q).split(' ').filter(Boolean);
		var hits = [], i, k, p, t, n;

		if (!words.length)
			return null;
		for (i = 0; i < pages.length; i++) {
			p = pages[i];
			t = 0;
			for (k = 0; k < words.length; k++) {
				n = ' ' + words[k];
				if (p.t.indexOf(n) >= 0)
					t++;
				else if (p.x.indexOf(n) < 0)
					break;
			}
			if (k === words.length)
				hits.push({ p: p, t: t, i: i });
		}
		hits.sort(function (a, b) {
			return b.t - a.t || a.i - b.i;	/* title hits first */
		});
		return { words: words, hits: hits };
	}

	function say(n) {
		var s = n === 0 ? 'data-none' : n === 1 ? 'data-one' :
		    n > MAX ? 'data-many-cap' : 'data-many';

		return (form.getAttribute(s) || String(n)).
		    replace('{n}', n).replace('{max}', MAX);
	}

	function show() {
		if (loading !== true)
			return load(show);
		showall();
	}

	function showall() {
		var r = find(input.value), i, li, a, el, p;

		list.textContent = '';
		if (!r) {
			panel.hidden = true;
			status.textContent = '';
			return;
		}
		for (i = 0; i < r.hits.length && i < MAX; i++) {
			p = r.hits[i].p;
			li = document.createElement('li');
			a = document.createElement('a');
			a.href = p.href;
			a.textContent = p.title;
			li.appendChild(a);
			if (p.course) {
				el = document.createElement('span');
				el.className = 'result-course';
				el.textContent = p.course;
				li.appendChild(document.createTextNode(' '));
				li.appendChild(el);
			}
			el = document.createElement('p');
			el.className = 'result-excerpt';
			el.appendChild(excerpt(p.x, r.words));
			li.appendChild(el);
			list.appendChild(li);
		}
		count.textContent = say(r.hits.length);
		status.textContent = count.textContent;
		panel.hidden = false;
	}

	function clear() {
		input.value = '';
		show();
		input.focus();
	}

	/* A click or the focus elsewhere folds the floating results. */
	function away(e) {
		if (!form.contains(e.target))
			panel.hidden = true;
	}

	function init() {
		input = form.querySelector('input[type="search"]');
		status = form.querySelector('.search-status');
		panel = form.querySelector('.search-results');
		count = panel.querySelector('.search-count');
		list = panel.querySelector('ol');
		form.hidden = false;
		input.addEventListener('input', show);
		/* Start loading as the learner comes to the box. */
		input.addEventListener('focus', function () {
			load(function () {});
		});
		form.addEventListener('submit', function (e) {
			var a = list.querySelector('a');

			e.preventDefault();
			if (a)
				a.focus();
		});
		form.addEventListener('keydown', function (e) {
			if (e.key === 'Escape' || e.key === 'Esc') {
				e.preventDefault();
				clear();
			}
		});
		/* On course pages the results float over the page. */
		if (form.getAttribute('data-binome-search') === 'course') {
			document.addEventListener('click', away);
			document.addEventListener('focusin', away);
			input.addEventListener('focus', function () {
				if (list.firstChild)
					panel.hidden = false;
			});
		}
	}
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
