/*
 * reload.js: binome serve's live reload.  `binome serve` adds it to
 * every page it serves (never to the files on disk).  It listens to
 * /_binome/events: "reload" after a good rebuild reloads the page;
 * "error" after a failed one shows the build's diagnostics in an
 * accessible overlay (role=alert, text only, a close button, Escape)
 * instead of leaving a stale page unexplained.
 */
(function () {
	'use strict';

	var me = document.currentScript;
	var gen = me && me.getAttribute('data-binome-gen') || '';
	var box = null, opener = null, es;
	/* The page's language: French or English. */
	var fr = /^fr\b/i.test(document.documentElement.lang || '');
	var S = fr ? {
		title: 'La construction a échoué\u00a0; cette page n\u2019est plus à jour',
		close: 'Fermer'
	} : {
		title: 'The build failed; this page is out of date',
		close: 'Close'
	};

	function css() {
		var l;

		if (document.getElementById('binome-live-css'))
			return;
		l = document.createElement('link');
		l.id = 'binome-live-css';
		l.rel = 'stylesheet';
		l.href = '/_binome/reload.css';
		document.head.appendChild(l);
	}

	function close() {
		if (!box)
			return;
		box.parentNode.removeChild(box);
		box = null;
		if (opener && opener.focus)
			opener.focus();
	}

	function show(text) {
		var h, pre, btn;

		css();
		close();
		opener = document.activeElement;
		box = document.createElement('div');
		box.className = 'binome-live-error';
		box.setAttribute('role', 'alert');
		box.setAttribute('aria-labelledby', 'binome-live-title');
		h = document.createElement('h2');
		h.id = 'binome-live-title';
		h.textContent = S.title;
		pre = document.createElement('pre');
		pre.className = 'binome-live-diag';
		pre.tabIndex = 0;
		pre.textContent = text;
		btn = document.createElement('button');
		btn.type = 'button';
		btn.className = 'binome-live-close';
		btn.textContent = S.close;
		btn.addEventListener('click', close);
		box.addEventListener('keydown', function (e) {
			if (e.key === 'Escape')
				close();
		});
		box.appendChild(h);
		box.appendChild(pre);
		box.appendChild(btn);
		document.body.appendChild(box);
		btn.focus();
	}

	function listen() {
		es = new EventSource('/_binome/events' +
		    (gen ? '?gen=' + encodeURIComponent(gen) : ''));
		es.addEventListener('open', function () {
			window.binomeLive = true;
		});
		es.addEventListener('reload', function () {
			es.close();
			location.reload();
		});
		es.addEventListener('error', function (e) {
			if (typeof e.data === 'string') {
				if (window.console)
					console.error('binome: ' + e.data);
				show(e.data);
			}
		});
	}

	if (typeof EventSource !== 'function')
		return;
	if (document.body)
		listen();
	else
		document.addEventListener('DOMContentLoaded', listen);
	window.addEventListener('pagehide', function () {
		if (es)
			es.close();
	});
})();
