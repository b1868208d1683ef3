/*
 * frame.js: one more frame between the simulator and the course, as
 * some LMSs nest it (frame.html?src=URL: an iframe showing URL).
 */
(function () {
	'use strict';

	var src = new URLSearchParams(location.search).get('src') || '';
	var f = document.createElement('iframe');

	/* same origin only */
	if (new URL(src, location.href).origin !== location.origin)
		return;
	f.title = 'Course';
	f.src = src;
	document.body.appendChild(f);
})();
