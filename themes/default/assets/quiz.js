/*
 * quiz.js: brings to life the quiz forms that binome writes (src/quiz.c)
 * and follows the run-time contract of themes/default/README.md.
 *
 * Each <form class="quiz" data-quiz="id"> holds the question, its inputs,
 * an empty .quiz-actions, an aria-live .quiz-feedback and the answer key
 * as <script type="application/json" class="quiz-data">:
 *
 *   { id, type, points, graded, prompt,
 *     correct: [source indices]            single, multi, tf
 *     feedback: [HTML | null]              single, multi, tf (per option)
 *     answers: [text], loose               short
 *     maxlength                            short, reflect
 *     pairs: [right index per left item]   match (right sides counted once)
 *     shown: [right index per select value | source index per item shown]
 *                                          match | order
 *     explain: HTML }                      explanation, or reflect guidance
 *
 * Knowledge checks are checked one by one, as often as the learner
 * likes.  On a graded assessment page (data-graded), one button scores
 * every question against the module's settings in
 * BINOME_COURSE.modules[m].assessment.  Answers are kept in
 * Binome.state.q[id] = { r, k, n } and restored on load.  The interface
 * strings are below, by the page's language; window.BINOME_I18N (keys
 * as in i18n/<lang>.yml) overrides them when a theme sets it.
 */
(function () {
	'use strict';

	var STRINGS = {
		fr: {
			quiz_check: 'Valider',
			quiz_save: 'Enregistrer',
			quiz_retry: 'Réessayer',
			quiz_correct: 'Bonne réponse',
			quiz_incorrect: 'Mauvaise réponse',
			quiz_answer_first: 'Répondez d’abord à la question',
			quiz_saved: 'Votre réponse est enregistrée',
			quiz_explanation: 'Explication',
			quiz_guidance: 'Pistes de réponse',
			quiz_your_answer: 'Votre réponse',
			quiz_correct_answer: 'La bonne réponse',
			quiz_correct_answers: 'Les bonnes réponses',
			quiz_correct_order: 'Le bon ordre',
			quiz_multi_hint: 'Plusieurs réponses possibles.',
			quiz_choose: 'Choisir…',
			quiz_move_up: 'Monter',
			quiz_move_down: 'Descendre',
			quiz_moved: '«\u00a0{t}\u00a0»\u00a0: position {p} sur {n}',
			quiz_chars: '{n} / {max} caractères',
			quiz_pairs_right: '{n} association(s) juste(s) sur {max}',
			quiz_places_right: '{n} élément(s) bien placé(s) sur {max}',
			quiz_assessment: 'Évaluation',
			quiz_submit: 'Envoyer l’évaluation',
			quiz_unanswered: 'Il reste {n} question(s) sans réponse\u00a0: ' +
			    'répondez à toutes les questions avant d’envoyer.',
			quiz_score_text: 'Score\u00a0: {score} sur {max} points ' +
			    '({pct}\u00a0%)',
			quiz_pass_mark: 'Seuil de réussite\u00a0: {pass}\u00a0%',
			quiz_passed: 'Évaluation réussie',
			quiz_failed: 'Évaluation non réussie',
			quiz_attempt: 'Tentative {n} sur {max}',
			quiz_attempt_free: 'Tentative {n}',
			quiz_attempts_left: 'Tentatives restantes\u00a0: {n}',
			quiz_no_attempts: 'Plus aucune tentative',
			quiz_best: 'Meilleur score\u00a0: {score} sur {max} points',
			quiz_new_attempt: 'Nouvelle tentative'
		},
		en: {
			quiz_check: 'Check',
			quiz_save: 'Save',
			quiz_retry: 'Try again',
			quiz_correct: 'Correct',
			quiz_incorrect: 'Incorrect',
			quiz_answer_first: 'Answer the question first',
			quiz_saved: 'Your answer is saved',
			quiz_explanation: 'Explanation',
			quiz_guidance: 'Guidance',
			quiz_your_answer: 'Your answer',
			quiz_correct_answer: 'The correct answer',
			quiz_correct_answers: 'The correct answers',
			quiz_correct_order: 'The correct order',
			quiz_multi_hint: 'Select all that apply.',
			quiz_choose: 'Choose…',
			quiz_move_up: 'Move up',
			quiz_move_down: 'Move down',
			quiz_moved: '“{t}”: position {p} of {n}',
			quiz_chars: '{n} / {max} characters',
			quiz_pairs_right: '{n} of {max} pairs right',
			quiz_places_right: '{n} of {max} items in the right place',
			quiz_assessment: 'Assessment',
			quiz_submit: 'Submit the assessment',
			quiz_unanswered: '{n} question(s) still unanswered: ' +
			    'answer every question before you submit.',
			quiz_score_text: 'Score: {score} of {max} points ({pct}%)',
			quiz_pass_mark: 'Pass mark: {pass}%',
			quiz_passed: 'Assessment passed',
			quiz_failed: 'Assessment not passed',
			quiz_attempt: 'Attempt {n} of {max}',
			quiz_attempt_free: 'Attempt {n}',
			quiz_attempts_left: 'Attempts left: {n}',
			quiz_no_attempts: 'No attempts left',
			quiz_best: 'Best score: {score} of {max} points',
			quiz_new_attempt: 'New attempt'
		}
	};
	var lang = (document.documentElement.lang || 'en').toLowerCase().
	    split('-')[0];
	var S = STRINGS[lang] || STRINGS.en;
	var LETTERS = 'abcdefghijklmnopqrstuvwxyz';
	var RECORD_TYPES = { single: 'choice', multi: 'choice',
	    tf: 'true-false', 'short': 'fill-in', reflect: 'long-fill-in',
	    match: 'matching', order: 'sequencing' };
	var B, course;

	(function () {
		var o = window.BINOME_I18N, k;

		if (o && typeof o === 'object') {
			for (k in o)
				if (Object.prototype.hasOwnProperty.call(o, k) &&
				    k.indexOf('quiz_') === 0 &&
				    typeof o[k] === 'string')
					S[k] = o[k];
		}
	})();

	/* A string of the interface, with {name} replaced from vars. */
	function str(key, vars) {
		var s = S[key] || STRINGS.en[key] || key;

		return s.replace(/\{(\w+)\}/g, function (m, k) {
			return vars && vars[k] !== undefined ? String(vars[k]) : m;
		});
	}

	/* Without binome.js (a theme that drops it): state in memory. */
	function stub() {
		var st = { v: 1, loc: 0, seen: [], q: {}, a: {} };

		return {
			course: window.BINOME_COURSE || {},
			page: parseInt(document.documentElement.
			    getAttribute('data-binome-page'), 10) || 0,
			state: st,
			save: function () {},
			record: function () {},
			assess: function (m, r) {
				var a = st.a[m] || { n: 0, s: 0, m: 0, p: 0 };

				a.n++;
				a.s = Math.max(a.s, r.score);
				a.m = r.max;
				a.p = a.p || r.passed ? 1 : 0;
				st.a[m] = a;
			},
			on: function (name, fn) {
				if (name === 'state')
					fn(st);
			}
		};
	}

	/* ---- small helpers ------------------------------------------- */

	function el(tag, cls, text) {
		var e = document.createElement(tag);

		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function letter(i) {
		return i < LETTERS.length ? LETTERS.charAt(i) : 'n' + i;
	}

	function pct(n) {
		return Math.round(n * 10) / 10;
	}

	/* FNV-1a and xorshift32, as shuffle() in src/quiz.c. */
	function seedof(s) {
		var h = 2166136261, i;

		for (i = 0; i < s.length; i++)
			h = Math.imul(h ^ (s.charCodeAt(i) & 0xff), 16777619) >>> 0;
		return h || 1;
	}

	/* A permutation of 0..n-1 from seed, never the identity if n >= 2. */
	function shuffle(n, seed) {
		var x = seedof(seed), p = [], i, j, t, same = true;

		for (i = 0; i < n; i++)
			p.push(i);
		for (i = n; i > 1; i--) {
			x ^= x << 13;
			x >>>= 0;
			x ^= x >>> 17;
			x ^= x << 5;
			x >>>= 0;
			j = x % i;
			t = p[i - 1];
			p[i - 1] = p[j];
			p[j] = t;
		}
		for (i = 0; i < n; i++)
			if (p[i] !== i)
				same = false;
		if (n >= 2 && same)
			p.push(p.shift());
		return p;
	}

	/* Text as a learner types it: typographic apostrophes, spaces. */
	function tidy(s) {
		return String(s).replace(/[\u2018\u2019\u02bc]/g, '\'').
		    replace(/\s+/g, ' ').trim();
	}

	/* The loose form: also without case and accents. */
	function fold(s) {
		s = tidy(s).toLowerCase().replace(/\u0153/g, 'oe').
		    replace(/\u00e6/g, 'ae').replace(/\u00df/g, 'ss');
		if (s.normalize)
			s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
		return s;
	}

	function icon(ok) {
		var s = el('span', 'quiz-icon', ok ? '\u2713' : '\u2717');

		s.setAttribute('aria-hidden', 'true');
		return s;
	}

	/* A verdict line: icon and words, never colour alone. */
	function verdict(ok, text) {
		var p = el('p', 'quiz-verdict ' + (ok ? 'is-right' : 'is-wrong'));

		p.appendChild(icon(ok));
		p.appendChild(document.createTextNode(' ' + text));
		return p;
	}

	/* Author HTML rendered by binome (escaped at build time). */
	function html(cls, title, body) {
		var d = el('div', cls), t;

		if (title) {
			t = el('p', cls + '-title', title);
			d.appendChild(t);
		}
		d.insertAdjacentHTML('beforeend', body);
		return d;
	}

	function quote(t) {
		return lang === 'fr' ? '\u00ab\u00a0' + t + '\u00a0\u00bb' :
		    '\u201c' + t + '\u201d';
	}

	/* ---- one question -------------------------------------------- */

	function Quiz(form) {
		var data = form.querySelector('script.quiz-data');

		this.form = form;
		this.d = JSON.parse(data.textContent);
		this.id = this.d.id;
		this.type = this.d.type;
		this.graded = form.hasAttribute('data-graded');
		this.actions = form.querySelector('.quiz-actions');
		this.fb = form.querySelector('.quiz-feedback');
		this.start = Date.now();
		this.setup();
	}

	Quiz.prototype.inputs = function () {
		return this.form.querySelectorAll('input, select, textarea');
	};

	Quiz.prototype.options = function () {
		return this.form.querySelectorAll('.quiz-option');
	};

	Quiz.prototype.items = function () {
		return this.form.querySelectorAll('.quiz-order-item');
	};

	/* Interface pieces only JS can label in the page's language. */
	Quiz.prototype.setup = function () {
		var self = this, f = this.form, fs, hint, i, l, box;

		if (this.type === 'multi') {
			fs = f.querySelector('fieldset');
			hint = el('p', 'quiz-hint', str('quiz_multi_hint'));
			hint.id = f.id + '-hint';
			fs.insertBefore(hint, fs.querySelector('.quiz-options'));
			fs.setAttribute('aria-describedby', hint.id);
		}
		l = f.querySelectorAll('select option[value=""]');
		for (i = 0; i < l.length; i++)
			l[i].textContent = str('quiz_choose');
		if (this.type === 'order')
			this.setupOrder();
		if (this.type === 'reflect') {
			box = f.querySelector('textarea');
			this.count = el('p', 'quiz-count');
			this.count.id = f.id + '-count';
			box.parentNode.parentNode.insertBefore(this.count,
			    box.parentNode.nextSibling);
			box.setAttribute('aria-describedby', this.count.id);
			box.addEventListener('input', function () {
				self.counter();
			});
			this.counter();
		}
		if (!this.graded) {
			this.check = el('button', 'quiz-check', str(
			    this.type === 'reflect' ? 'quiz_save' : 'quiz_check'));
			this.check.type = 'submit';
			this.retry = el('button', 'quiz-retry', str('quiz_retry'));
			this.retry.type = 'button';
			this.retry.hidden = true;
			this.actions.appendChild(this.check);
			this.actions.appendChild(this.retry);
			this.retry.addEventListener('click', function () {
				self.reset(true);
			});
			f.addEventListener('change', function () {
				self.stale();
			});
			f.addEventListener('input', function () {
				self.stale();
			});
		}
		f.addEventListener('submit', function (e) {
			e.preventDefault();
			if (!self.graded && !self.locked)
				self.submit();
		});
	};

	Quiz.prototype.counter = function () {
		var box = this.form.querySelector('textarea');

		this.count.textContent = str('quiz_chars', { n: box.value.length,
		    max: this.d.maxlength });
	};

	/* Move buttons on each item, and a status line for the moves. */
	Quiz.prototype.setupOrder = function () {
		var self = this, items = this.items(), i, li, box, up, down;

		this.status = el('p', 'quiz-sr');
		this.status.setAttribute('aria-live', 'polite');
		this.form.querySelector('.quiz-sequence').parentNode.
		    appendChild(this.status);
		for (i = 0; i < items.length; i++) {
			li = items[i];
			li.setAttribute('data-src', this.d.shown[i]);
			box = el('span', 'quiz-order-moves');
			up = this.moveButton(li, -1);
			down = this.moveButton(li, 1);
			box.appendChild(up);
			box.appendChild(down);
			li.appendChild(box);
		}
		this.form.querySelector('.quiz-sequence').addEventListener('click',
		    function (e) {
			var b = e.target.closest('button.quiz-move');

			if (b && !self.locked &&
			    b.getAttribute('aria-disabled') !== 'true')
				self.move(b.closest('li'), +b.getAttribute(
				    'data-dir'), b);
		});
		this.edges();
	};

	/* An arrow for the eyes, "Move up “item”" for screen readers. */
	Quiz.prototype.moveButton = function (li, dir) {
		var text = li.querySelector('.quiz-order-text').textContent;
		var b = el('button', 'quiz-move ' +
		    (dir < 0 ? 'quiz-up' : 'quiz-down'));
		var arrow = el('span', 'quiz-arrow', dir < 0 ? '\u2191' :
		    '\u2193');

		arrow.setAttribute('aria-hidden', 'true');
		b.type = 'button';
		b.setAttribute('data-dir', dir);
		b.appendChild(arrow);
		b.appendChild(el('span', 'quiz-sr', str(dir < 0 ?
		    'quiz_move_up' : 'quiz_move_down') + ' ' + quote(text)));
		return b;
	};

	/* The first item cannot go up, the last cannot go down. */
	Quiz.prototype.edges = function () {
		var items = this.items(), i, up, down;

		for (i = 0; i < items.length; i++) {
			up = items[i].querySelector('.quiz-up');
			down = items[i].querySelector('.quiz-down');
			up.setAttribute('aria-disabled', i === 0 || this.locked ?
			    'true' : 'false');
			down.setAttribute('aria-disabled', i === items.length -
			    1 || this.locked ? 'true' : 'false');
		}
	};

	Quiz.prototype.move = function (li, dir, button) {
		var list = li.parentNode, items = this.items(), i, pos;

		if (dir < 0 && li.previousElementSibling)
			list.insertBefore(li, li.previousElementSibling);
		else if (dir > 0 && li.nextElementSibling)
			list.insertBefore(li.nextElementSibling, li);
		this.edges();
		items = this.items();
		for (i = 0; i < items.length; i++)
			if (items[i] === li)
				pos = i + 1;
		/* Keep the focus on the button that moved, or its twin. */
		if (button.getAttribute('aria-disabled') === 'true')
			button = li.querySelector(dir < 0 ? '.quiz-down' :
			    '.quiz-up');
		button.focus();
		this.status.textContent = str('quiz_moved', {
		    t: li.querySelector('.quiz-order-text').textContent,
		    p: pos, n: items.length });
		this.stale();
	};

	/* Put the items (li elements) in the order of source indices. */
	Quiz.prototype.arrange = function (order) {
		var list = this.form.querySelector('.quiz-sequence'), map = {};
		var items = this.items(), i;

		for (i = 0; i < items.length; i++)
			map[items[i].getAttribute('data-src')] = items[i];
		for (i = 0; i < order.length; i++)
			if (map[order[i]])
				list.appendChild(map[order[i]]);
		this.edges();
	};

	/* Options in the order of an attempt (assessments with shuffle). */
	Quiz.prototype.shuffle = function (seed) {
		var p, i, list, opts, sel, l;

		if (this.type === 'single' || this.type === 'multi') {
			opts = this.options();
			list = opts[0].parentNode;
			p = shuffle(opts.length, seed);
			for (i = 0; i < p.length; i++)
				list.appendChild(opts[p[i]]);
		} else if (this.type === 'match') {
			sel = this.form.querySelectorAll('select');
			p = shuffle(this.d.shown.length, seed);
			for (l = 0; l < sel.length; l++)
				for (i = 0; i < p.length; i++)
					sel[l].appendChild(sel[l].querySelector(
					    'option[value="' + p[i] + '"]'));
		} else if (this.type === 'order') {
			this.arrange(shuffle(this.d.shown.length, seed));
		}
	};

	/*
	 * The response string of the README ("2", "0,2", "2,0,1", text),
	 * or null when the question is not answered.
	 */
	Quiz.prototype.response = function () {
		var f = this.form, l, r = [], i, v;

		switch (this.type) {
		case 'single':
		case 'tf':
			v = f.querySelector('input:checked');
			return v ? v.value : null;
		case 'multi':
			l = f.querySelectorAll('input:checked');
			for (i = 0; i < l.length; i++)
				r.push(+l[i].value);
			r.sort(function (a, b) { return a - b; });
			return r.length ? r.join(',') : null;
		case 'short':
		case 'reflect':
			v = f.querySelector('.quiz-input').value;
			v = v.slice(0, this.d.maxlength);
			if (this.type === 'short')
				v = v.trim();
			return v.trim() === '' ? null : v;
		case 'match':
			l = f.querySelectorAll('select');
			for (i = 0; i < l.length; i++) {
				if (l[i].value === '')
					return null;
				r.push(this.d.shown[+l[i].value]);
			}
			return r.join(',');
		case 'order':
			l = this.items();
			for (i = 0; i < l.length; i++)
				r.push(l[i].getAttribute('data-src'));
			return r.join(',');
		}
		return null;
	};

	/* Show a saved response string in the form. */
	Quiz.prototype.restore = function (r) {
		var f = this.form, l, i, v, k;

		if (r === null || r === undefined)
			return;
		r = String(r);
		switch (this.type) {
		case 'single':
		case 'tf':
		case 'multi':
			v = r.split(',');
			l = f.querySelectorAll('input');
			for (i = 0; i < l.length; i++)
				l[i].checked = v.indexOf(l[i].value) !== -1;
			break;
		case 'short':
		case 'reflect':
			f.querySelector('.quiz-input').value = r;
			if (this.count)
				this.counter();
			break;
		case 'match':
			v = r.split(',');
			l = f.querySelectorAll('select');
			for (i = 0; i < l.length && i < v.length; i++) {
				k = this.d.shown.indexOf(+v[i]);
				l[i].value = k === -1 ? '' : String(k);
			}
			break;
		case 'order':
			this.arrange(r.split(','));
			break;
		}
	};

	/* Is the response right?  null for reflect (not scored). */
	Quiz.prototype.right = function (r) {
		var d = this.d, v, i, a;

		switch (this.type) {
		case 'single':
		case 'tf':
		case 'multi':
			return r === d.correct.slice().sort(function (x, y) {
				return x - y;
			}).join(',');
		case 'short':
			a = d.loose ? fold(r) : tidy(r);
			for (i = 0; i < d.answers.length; i++)
				if (a === (d.loose ? fold(d.answers[i]) :
				    tidy(d.answers[i])))
					return true;
			return false;
		case 'match':
			return r === d.pairs.join(',');
		case 'order':
			v = r.split(',');
			for (i = 0; i < v.length; i++)
				if (+v[i] !== i)
					return false;
			return true;
		}
		return null;
	};

	/* Tokens for Binome.record (README "Interaction"). */
	Quiz.prototype.tokens = function (r, key) {
		var d = this.d, out = [], v, i;

		switch (this.type) {
		case 'single':
		case 'multi':
			v = key ? d.correct : r.split(',');
			for (i = 0; i < v.length; i++)
				out.push(letter(+v[i]));
			return out;
		case 'tf':
			v = key ? d.correct[0] : +r;
			return [v === 0 ? 'true' : 'false'];
		case 'short':
			return [key ? d.answers[0] : r];
		case 'reflect':
			return key ? [] : [r];
		case 'match':
			v = key ? d.pairs : r.split(',');
			for (i = 0; i < v.length; i++)
				out.push(letter(i) + '.' + letter(+v[i]));
			return out;
		case 'order':
			if (key) {
				for (i = 0; i < d.shown.length; i++)
					out.push(letter(i));
				return out;
			}
			v = r.split(',');
			for (i = 0; i < v.length; i++)
				out.push(letter(+v[i]));
			return out;
		}
		return out;
	};

	/* Report the answer to the LMS and keep it in the state. */
	Quiz.prototype.keep = function (r, ok, tries) {
		var prev = B.state.q[this.id];

		B.record({
			id: this.id,
			type: RECORD_TYPES[this.type],
			response: this.tokens(r, false),
			correct: this.tokens(r, true),
			result: ok === null ? 'neutral' :
			    ok ? 'correct' : 'incorrect',
			weighting: this.d.points,
			latency: Date.now() - this.start,
			description: this.d.prompt
		});
		B.state.q[this.id] = {
			r: r,
			k: ok === false ? 0 : 1,
			n: Math.min(999, tries !== undefined ? tries :
			    (prev && prev.n || 0) + 1)
		};
	};

	/* Knowledge check: the learner asked to check the answer. */
	Quiz.prototype.submit = function () {
		var r = this.response(), ok;

		if (r === null) {
			this.fb.textContent = '';
			this.fb.appendChild(el('p', 'quiz-verdict',
			    str('quiz_answer_first')));
			return;
		}
		ok = this.right(r);
		this.keep(r, ok);
		B.save();
		this.show(r, ok, true, false);
		this.retry.hidden = ok !== false;
	};

	/* Does the state say the learner answered this one? */
	Quiz.prototype.saved = function () {
		var s = B.state && B.state.q && B.state.q[this.id];

		return s && s.r !== undefined && s.r !== null ? s : null;
	};

	/*
	 * Fill the feedback region: verdict (icon and words), feedback of
	 * the chosen options, explanation when detail, the right answers
	 * when reveal.
	 */
	Quiz.prototype.show = function (r, ok, detail, reveal) {
		var d = this.d, fb = this.fb, chosen, i, l, li, opts, n, v;

		this.clearMarks();
		fb.textContent = '';
		if (ok === null)
			fb.appendChild(verdict(true, str('quiz_saved')));
		else
			fb.appendChild(verdict(ok, str(ok ? 'quiz_correct' :
			    'quiz_incorrect')));
		if (this.type === 'match' || this.type === 'order') {
			v = r.split(',');
			for (n = 0, i = 0; i < v.length; i++)
				if (this.type === 'match' ? +v[i] === d.pairs[i] :
				    +v[i] === i)
					n++;
			if (!ok)
				fb.appendChild(el('p', 'quiz-count-right',
				    str(this.type === 'match' ?
				    'quiz_pairs_right' : 'quiz_places_right',
				    { n: n, max: v.length })));
		}
		opts = this.options();
		if (d.feedback && detail) {
			chosen = r.split(',');
			l = el('ul', 'quiz-optfb');
			for (i = 0; i < opts.length; i++) {
				n = +opts[i].querySelector('input').value;
				if (chosen.indexOf(String(n)) === -1)
					continue;
				this.mark(opts[i], d.correct.indexOf(n) !== -1);
				if (!d.feedback[n])
					continue;
				li = el('li');
				li.appendChild(el('p', 'quiz-optfb-title',
				    str('quiz_your_answer') +
				    (lang === 'fr' ? '\u00a0: ' : ': ') +
				    quote(opts[i].querySelector('label').
				    textContent)));
				li.insertAdjacentHTML('beforeend', d.feedback[n]);
				l.appendChild(li);
			}
			if (l.firstChild)
				fb.appendChild(l);
		}
		if (reveal)
			this.reveal();
		if (detail && d.explain)
			fb.appendChild(html('quiz-explain', str(this.type ===
			    'reflect' ? 'quiz_guidance' : 'quiz_explanation'),
			    d.explain));
	};

	/* A chosen option marked right or wrong, by icon and class. */
	Quiz.prototype.mark = function (opt, ok) {
		var m = icon(ok);

		m.className = 'quiz-mark';
		opt.classList.add(ok ? 'is-right' : 'is-wrong');
		opt.appendChild(m);
	};

	Quiz.prototype.clearMarks = function () {
		var l = this.form.querySelectorAll('.quiz-mark'), i;

		for (i = 0; i < l.length; i++)
			l[i].parentNode.removeChild(l[i]);
		l = this.form.querySelectorAll('.is-right, .is-wrong');
		for (i = 0; i < l.length; i++)
			l[i].classList.remove('is-right', 'is-wrong');
	};

	/* The right answers, in words, at the end of the feedback. */
	Quiz.prototype.reveal = function () {
		var d = this.d, box = el('div', 'quiz-key'), l, i, k, opts;
		var title, left, right, sel;

		switch (this.type) {
		case 'single':
		case 'tf':
		case 'multi':
			l = el('ul');
			for (i = 0; i < d.correct.length; i++) {
				k = this.form.querySelector('input[value="' +
				    d.correct[i] + '"]');
				l.appendChild(el('li', null, k.parentNode.
				    querySelector('label').textContent));
			}
			title = d.correct.length > 1 ? 'quiz_correct_answers' :
			    'quiz_correct_answer';
			break;
		case 'short':
			l = el('ul');
			l.appendChild(el('li', null, d.answers[0]));
			title = 'quiz_correct_answer';
			break;
		case 'match':
			l = el('ul');
			left = this.form.querySelectorAll('.quiz-match-left');
			sel = this.form.querySelector('select');
			for (i = 0; i < left.length; i++) {
				k = d.shown.indexOf(d.pairs[i]);
				right = sel.querySelector('option[value="' + k +
				    '"]');
				l.appendChild(el('li', null, left[i].textContent +
				    ' \u2192 ' + (right ? right.textContent : '')));
			}
			title = 'quiz_correct_answers';
			break;
		case 'order':
			l = el('ol');
			opts = {};
			sel = this.items();
			for (i = 0; i < sel.length; i++)
				opts[sel[i].getAttribute('data-src')] = sel[i].
				    querySelector('.quiz-order-text').textContent;
			for (i = 0; i < sel.length; i++)
				l.appendChild(el('li', null, opts[i]));
			title = 'quiz_correct_order';
			break;
		default:
			return;
		}
		box.appendChild(el('p', 'quiz-key-title', str(title)));
		box.appendChild(l);
		this.fb.appendChild(box);
	};

	/* The learner changed the answer: the old verdict no longer holds. */
	Quiz.prototype.stale = function () {
		if (this.graded || this.locked || this.type === 'reflect')
			return;
		if (this.fb.firstChild) {
			this.fb.textContent = '';
			this.clearMarks();
		}
	};

	/* Clear the answer (a retry, a new attempt). */
	Quiz.prototype.reset = function (focus) {
		var l = this.inputs(), i, first;

		for (i = 0; i < l.length; i++) {
			if (l[i].type === 'radio' || l[i].type === 'checkbox')
				l[i].checked = false;
			else
				l[i].value = '';
		}
		if (this.count)
			this.counter();
		if (this.type === 'order')
			this.arrange(this.d.shown);
		this.fb.textContent = '';
		this.clearMarks();
		if (this.retry)
			this.retry.hidden = true;
		this.start = Date.now();
		first = this.form.querySelector('input, select, textarea, ' +
		    'button.quiz-move');
		if (focus && first)
			first.focus();
	};

	Quiz.prototype.lock = function (on) {
		var l = this.inputs(), i;

		this.locked = on;
		for (i = 0; i < l.length; i++)
			l[i].disabled = on;
		if (this.type === 'order')
			this.edges();
	};

	/* ---- graded assessment --------------------------------------- */

	function Assessment(quizzes) {
		var q = course.quizzes && course.quizzes[quizzes[0].id];
		var pg = course.pages && course.pages[B.page], info, i;

		this.quizzes = quizzes;
		this.scored = quizzes.filter(function (x) {
			return x.type !== 'reflect';
		});
		this.module = q ? q.module : pg ? pg.module : -1;
		info = course.modules && course.modules[this.module] &&
		    course.modules[this.module].assessment;
		this.cfg = info || { pass: course.pass || 80, attempts: 0,
		    shuffle: false, show_answers: true };
		this.max = 0;
		for (i = 0; i < this.scored.length; i++)
			this.max += this.scored[i].d.points;
		this.build(quizzes[quizzes.length - 1].form);
	}

	Assessment.prototype.build = function (after) {
		var self = this, box = el('div', 'quiz-assessment');

		box.setAttribute('role', 'group');
		box.setAttribute('aria-label', str('quiz_assessment'));
		this.info = el('p', 'quiz-assess-info');
		this.submitBtn = el('button', 'quiz-submit', str('quiz_submit'));
		this.submitBtn.type = 'button';
		this.againBtn = el('button', 'quiz-again',
		    str('quiz_new_attempt'));
		this.againBtn.type = 'button';
		this.againBtn.hidden = true;
		this.result = el('div', 'quiz-assess-result');
		this.result.setAttribute('aria-live', 'polite');
		box.appendChild(this.info);
		box.appendChild(this.submitBtn);
		box.appendChild(this.againBtn);
		box.appendChild(this.result);
		after.parentNode.insertBefore(box, after.nextSibling);
		this.box = box;
		this.submitBtn.addEventListener('click', function () {
			self.submit();
		});
		this.againBtn.addEventListener('click', function () {
			self.again();
		});
	};

	Assessment.prototype.used = function () {
		var a = B.state.a[this.module];

		return a && a.n ? a.n : 0;
	};

	Assessment.prototype.left = function () {
		return this.cfg.attempts ? this.cfg.attempts - this.used() :
		    Infinity;
	};

	Assessment.prototype.attemptText = function (n) {
		return this.cfg.attempts ? str('quiz_attempt', { n: n,
		    max: this.cfg.attempts }) : str('quiz_attempt_free', { n: n });
	};

	/* Start attempt n: clean forms, options in that attempt's order. */
	Assessment.prototype.begin = function (n) {
		var i, q;

		for (i = 0; i < this.quizzes.length; i++) {
			q = this.quizzes[i];
			q.lock(false);
			q.reset(false);
			if (this.cfg.shuffle)
				q.shuffle(q.id + '#' + n);
		}
		this.attempt = n;
		this.info.textContent = this.attemptText(n) + '. ' +
		    str('quiz_pass_mark', { pass: this.cfg.pass }) + '.';
		this.submitBtn.removeAttribute('aria-disabled');
		this.submitBtn.hidden = false;
		this.againBtn.hidden = true;
	};

	Assessment.prototype.submit = function () {
		var i, q, r, missing = [], score = 0, ok, passed, n;

		if (this.submitBtn.getAttribute('aria-disabled') === 'true')
			return;
		for (i = 0; i < this.scored.length; i++)
			if (this.scored[i].response() === null)
				missing.push(this.scored[i]);
		if (missing.length) {
			this.result.textContent = '';
			this.result.appendChild(el('p', 'quiz-verdict',
			    str('quiz_unanswered', { n: missing.length })));
			return;
		}
		n = this.used() + 1;
		for (i = 0; i < this.quizzes.length; i++) {
			q = this.quizzes[i];
			r = q.response();
			if (r === null)
				continue;	/* an unanswered reflection */
			ok = q.right(r);
			if (ok)
				score += q.d.points;
			q.keep(r, ok, n);
		}
		passed = score * 100 >= this.cfg.pass * this.max;
		/* binome.js counts the attempt, keeps the best and saves. */
		B.assess(this.module, { score: score, max: this.max,
		    passed: passed });
		this.finish(score, passed);
	};

	/* Show an attempt's outcome: per question, then the score. */
	Assessment.prototype.finish = function (score, passed) {
		var left = this.left(), detail = passed || left <= 0;
		var reveal = detail && this.cfg.show_answers, i, q, s, a, focus;

		for (i = 0; i < this.quizzes.length; i++) {
			q = this.quizzes[i];
			s = q.saved();
			q.lock(true);
			if (s)
				q.show(String(s.r), q.right(String(s.r)), detail,
				    reveal);
		}
		this.result.textContent = '';
		this.result.appendChild(verdict(passed, str(passed ?
		    'quiz_passed' : 'quiz_failed')));
		this.result.appendChild(el('p', 'quiz-score',
		    str('quiz_score_text', { score: score, max: this.max,
		    pct: this.max ? pct(score * 100 / this.max) : 0 }) + '. ' +
		    str('quiz_pass_mark', { pass: this.cfg.pass }) + '.'));
		a = B.state.a[this.module];
		if (a && a.n > 1 && a.s !== score)
			this.result.appendChild(el('p', 'quiz-best',
			    str('quiz_best', { score: a.s, max: a.m }) + '.'));
		if (!passed)
			this.result.appendChild(el('p', 'quiz-left',
			    left === Infinity ? '' : left > 0 ?
			    str('quiz_attempts_left', { n: left }) + '.' :
			    str('quiz_no_attempts') + '.'));
		focus = document.activeElement === this.submitBtn;
		this.submitBtn.setAttribute('aria-disabled', 'true');
		this.againBtn.hidden = passed || left <= 0;
		if (!this.againBtn.hidden && focus)
			this.againBtn.focus();
		this.submitBtn.hidden = !this.againBtn.hidden;
	};

	/* A new attempt: forget this attempt's answers, start over. */
	Assessment.prototype.again = function () {
		var i, first;

		if (this.left() <= 0)
			return;
		for (i = 0; i < this.quizzes.length; i++)
			delete B.state.q[this.quizzes[i].id];
		B.save();
		this.begin(this.used() + 1);
		this.result.textContent = '';
		this.result.appendChild(el('p', null, this.attemptText(
		    this.attempt) + '.'));
		first = this.quizzes[0].form.querySelector('input, select, ' +
		    'textarea, button.quiz-move');
		if (first)
			first.focus();
	};

	/* On load: the last attempt's outcome, or a fresh attempt. */
	Assessment.prototype.load = function () {
		var n = this.used(), all = this.scored.length > 0, i, q, s;
		var score = 0;

		for (i = 0; i < this.scored.length; i++)
			if (!this.scored[i].saved())
				all = false;
		if (n > 0 && all) {
			this.begin(n);
			for (i = 0; i < this.quizzes.length; i++) {
				q = this.quizzes[i];
				s = q.saved();
				if (!s)
					continue;
				q.restore(s.r);
				if (q.type !== 'reflect' && q.right(String(s.r)))
					score += q.d.points;
			}
			this.finish(score, score * 100 >= this.cfg.pass *
			    this.max);
			return;
		}
		this.begin(n + 1);
		if (this.left() <= 0) {
			for (i = 0; i < this.quizzes.length; i++)
				this.quizzes[i].lock(true);
			this.submitBtn.hidden = true;
			this.result.appendChild(el('p', null,
			    str('quiz_no_attempts') + '.'));
		}
	};

	/* ---- the page ------------------------------------------------ */

	/* Restoring on load is no news: keep the live regions quiet. */
	function quietly(regions, fn) {
		var i;

		for (i = 0; i < regions.length; i++)
			regions[i].setAttribute('aria-live', 'off');
		fn();
		window.setTimeout(function () {
			for (i = 0; i < regions.length; i++)
				regions[i].setAttribute('aria-live', 'polite');
		}, 0);
	}

	function init() {
		var forms = document.querySelectorAll('form.quiz[data-quiz]');
		var graded = [], i, q, s, a;

		if (!forms.length)
			return;
		B = window.Binome || stub();
		course = B.course || window.BINOME_COURSE || {};
		/* binome.js loads the state at once; wait if it ever does not. */
		if (!B.state && !init.waiting) {
			init.waiting = true;
			B.on('state', init);
			return;
		}
		if (init.done || !B.state)
			return;
		init.done = true;
		B.state.q = B.state.q || {};
		B.state.a = B.state.a || {};
		for (i = 0; i < forms.length; i++) {
			try {
				q = new Quiz(forms[i]);
			} catch (e) {
				if (window.console)
					console.error('quiz', forms[i].id, e);
				continue;
			}
			if (q.graded) {
				graded.push(q);
				continue;
			}
			if ((s = q.saved()) !== null)
				quietly([q.fb], restore.bind(null, q, s));
		}
		if (graded.length) {
			a = new Assessment(graded);
			quietly(graded.map(function (x) { return x.fb; }).
			    concat([a.result]), a.load.bind(a));
		}
	}

	function restore(q, s) {
		q.restore(s.r);
		q.show(String(s.r), q.right(String(s.r)), true, false);
		q.retry.hidden = s.k !== 0;
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
