/*
 * lms-api.js: the SCORM run-time API of binome serve's LMS simulator,
 * our own, for SCORM 1.2 (window.API) and 2004 4th Ed. (window.API_1484_11).
 * It keeps the session rules (one Initialize, nothing after Terminate),
 * the data model's access rules (read-only, write-only), value formats
 * (CMITimespan, ISO 8601 durations and timestamps, decimals and their
 * ranges, vocabularies, lengths) and the standard error codes, and it
 * can be told to fail (fault injection).  No DOM here: lms.js shows it.
 *
 *   var lms = BinomeLMSAPI.create({ version: "1.2" | "2004",
 *       cmi: {element: value} (the stored data), entry: "ab-initio" | "resume" | "",
 *       mastery: "80" | "", onCall: fn(rec), onCommit: fn(cmi), fault: fn(method) });
 *   lms.api        the object to put on window
 *   lms.cmi        element -> value, what the LMS holds now
 *   lms.state      "new" | "running" | "terminated"
 */
(function (root) {
	'use strict';

	var RE = {
		span12: /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/,
		time12: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/,
		dur: /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/,
		stamp: /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3])(:[0-5]\d(:[0-5]\d(\.\d{1,2})?)?)?)?)?)?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?$/,
		dec: /^-?\d+(\.\d+)?$/,
		id12: /^[^\s]{1,255}$/,
		uri: /^[^\s]{1,4000}$/,
		nav: /^(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_|\{target=[^\s}]+\}(choice|jump))$/
	};

	var ERR12 = {
		0: 'No error', 101: 'General exception', 201: 'Invalid argument error',
		202: 'Element cannot have children', 203: 'Element not an array - cannot have count',
		301: 'Not initialized', 401: 'Not implemented error',
		402: 'Invalid set value, element is a keyword', 403: 'Element is read only',
		404: 'Element is write only', 405: 'Incorrect data type'
	};
	var ERR04 = {
		0: 'No Error', 101: 'General Exception', 102: 'General Initialization Failure',
		103: 'Already Initialized', 104: 'Content Instance Terminated',
		111: 'General Termination Failure', 112: 'Termination Before Initialization',
		113: 'Termination After Termination', 122: 'Retrieve Data Before Initialization',
		123: 'Retrieve Data After Termination', 132: 'Store Data Before Initialization',
		133: 'Store Data After Termination', 142: 'Commit Before Initialization',
		143: 'Commit After Termination', 201: 'General Argument Error',
		301: 'General Get Failure', 351: 'General Set Failure', 391: 'General Commit Failure',
		401: 'Undefined Data Model Element', 402: 'Unimplemented Data Model Element',
		403: 'Data Model Element Value Not Initialized', 404: 'Data Model Element Is Read Only',
		405: 'Data Model Element Is Write Only', 406: 'Data Model Element Type Mismatch',
		407: 'Data Model Element Value Out Of Range', 408: 'Data Model Dependency Not Established'
	};

	/* Value checks: 0 when v is fine, else 'type' or 'range'. */
	function str(max) {
		return function (v) {
			return v.length <= max ? 0 : 'range';
		};
	}
	function re(r) {
		return function (v) {
			return r.test(v) ? 0 : 'type';
		};
	}
	function vocab(list) {
		return function (v) {
			return list.indexOf(v) >= 0 ? 0 : 'type';
		};
	}
	function real(lo, hi) {
		return function (v) {
			if (!RE.dec.test(v))
				return 'type';
			v = Number(v);
			return (lo != null && v < lo) || (hi != null && v > hi) ?
			    'range' : 0;
		};
	}
	function score12(v) {
		/* CMIDecimal 0-100, or "" (1.2 allows blank) */
		return v === '' ? 0 : real(0, 100)(v);
	}
	function result(words) {
		return function (v) {
			return words.indexOf(v) >= 0 || RE.dec.test(v) ? 0 : 'type';
		};
	}

	/* Data models: element (indices as n) -> [access, check]. */
	var M12 = {
		'cmi.core._children': ['ro'], 'cmi.core.student_id': ['ro'],
		'cmi.core.student_name': ['ro'], 'cmi.core.lesson_location': ['rw', str(255)],
		'cmi.core.credit': ['ro'],
		'cmi.core.lesson_status': ['rw', vocab(['passed', 'completed', 'failed',
		    'incomplete', 'browsed'])],
		'cmi.core.entry': ['ro'], 'cmi.core.score._children': ['ro'],
		'cmi.core.score.raw': ['rw', score12], 'cmi.core.score.min': ['rw', score12],
		'cmi.core.score.max': ['rw', score12], 'cmi.core.total_time': ['ro'],
		'cmi.core.lesson_mode': ['ro'],
		'cmi.core.exit': ['wo', vocab(['time-out', 'suspend', 'logout', ''])],
		'cmi.core.session_time': ['wo', re(RE.span12)],
		'cmi.suspend_data': ['rw', str(4096)], 'cmi.launch_data': ['ro'],
		'cmi.comments': ['rw', str(4096)], 'cmi.comments_from_lms': ['ro'],
		'cmi.objectives._children': ['ro'], 'cmi.objectives._count': ['ro'],
		'cmi.objectives.n.id': ['rw', re(RE.id12)],
		'cmi.objectives.n.score._children': ['ro'],
		'cmi.objectives.n.score.raw': ['rw', score12],
		'cmi.objectives.n.score.min': ['rw', score12],
		'cmi.objectives.n.score.max': ['rw', score12],
		'cmi.objectives.n.status': ['rw', vocab(['passed', 'completed', 'failed',
		    'incomplete', 'browsed', 'not attempted'])],
		'cmi.student_data._children': ['ro'], 'cmi.student_data.mastery_score': ['ro'],
		'cmi.student_data.max_time_allowed': ['ro'],
		'cmi.student_data.time_limit_action': ['ro'],
		'cmi.student_preference._children': ['ro'],
		'cmi.student_preference.audio': ['rw', real(-1, 100)],
		'cmi.student_preference.language': ['rw', str(255)],
		'cmi.student_preference.speed': ['rw', real(-100, 100)],
		'cmi.student_preference.text': ['rw', real(-1, 1)],
		'cmi.interactions._children': ['ro'], 'cmi.interactions._count': ['ro'],
		'cmi.interactions.n.id': ['wo', re(RE.id12)],
		'cmi.interactions.n.objectives._count': ['ro'],
		'cmi.interactions.n.objectives.n.id': ['wo', re(RE.id12)],
		'cmi.interactions.n.time': ['wo', re(RE.time12)],
		'cmi.interactions.n.type': ['wo', vocab(['true-false', 'choice', 'fill-in',
		    'matching', 'performance', 'sequencing', 'likert', 'numeric'])],
		'cmi.interactions.n.correct_responses._count': ['ro'],
		'cmi.interactions.n.correct_responses.n.pattern': ['wo', str(255)],
		'cmi.interactions.n.weighting': ['wo', real()],
		'cmi.interactions.n.student_response': ['wo', str(255)],
		'cmi.interactions.n.result': ['wo', result(['correct', 'wrong',
		    'unanticipated', 'neutral'])],
		'cmi.interactions.n.latency': ['wo', re(RE.span12)]
	};
	var M04 = {
		'cmi._version': ['ro'], 'cmi.comments_from_learner._children': ['ro'],
		'cmi.comments_from_learner._count': ['ro'],
		'cmi.comments_from_learner.n.comment': ['rw', str(4000)],
		'cmi.comments_from_learner.n.location': ['rw', str(250)],
		'cmi.comments_from_learner.n.timestamp': ['rw', re(RE.stamp)],
		'cmi.comments_from_lms._children': ['ro'], 'cmi.comments_from_lms._count': ['ro'],
		'cmi.completion_status': ['rw', vocab(['completed', 'incomplete',
		    'not attempted', 'unknown'])],
		'cmi.completion_threshold': ['ro'], 'cmi.credit': ['ro'], 'cmi.entry': ['ro'],
		'cmi.exit': ['wo', vocab(['time-out', 'suspend', 'logout', 'normal', ''])],
		'cmi.interactions._children': ['ro'], 'cmi.interactions._count': ['ro'],
		'cmi.interactions.n.id': ['rw', re(RE.uri)],
		'cmi.interactions.n.type': ['rw', vocab(['true-false', 'choice', 'fill-in',
		    'long-fill-in', 'likert', 'matching', 'performance', 'sequencing',
		    'numeric', 'other'])],
		'cmi.interactions.n.objectives._count': ['ro'],
		'cmi.interactions.n.objectives.n.id': ['rw', re(RE.uri)],
		'cmi.interactions.n.timestamp': ['rw', re(RE.stamp)],
		'cmi.interactions.n.correct_responses._count': ['ro'],
		'cmi.interactions.n.correct_responses.n.pattern': ['rw', str(7800)],
		'cmi.interactions.n.weighting': ['rw', real()],
		'cmi.interactions.n.learner_response': ['rw', str(7800)],
		'cmi.interactions.n.result': ['rw', result(['correct', 'incorrect',
		    'unanticipated', 'neutral'])],
		'cmi.interactions.n.latency': ['rw', re(RE.dur)],
		'cmi.interactions.n.description': ['rw', str(250)],
		'cmi.launch_data': ['ro'], 'cmi.learner_id': ['ro'], 'cmi.learner_name': ['ro'],
		'cmi.learner_preference._children': ['ro'],
		'cmi.learner_preference.audio_level': ['rw', real(0)],
		'cmi.learner_preference.language': ['rw', str(250)],
		'cmi.learner_preference.delivery_speed': ['rw', real(0)],
		'cmi.learner_preference.audio_captioning': ['rw', vocab(['-1', '0', '1'])],
		'cmi.location': ['rw', str(1000)], 'cmi.max_time_allowed': ['ro'],
		'cmi.mode': ['ro'],
		'cmi.objectives._children': ['ro'], 'cmi.objectives._count': ['ro'],
		'cmi.objectives.n.id': ['rw', re(RE.uri)],
		'cmi.objectives.n.score._children': ['ro'],
		'cmi.objectives.n.score.scaled': ['rw', real(-1, 1)],
		'cmi.objectives.n.score.raw': ['rw', real()],
		'cmi.objectives.n.score.min': ['rw', real()],
		'cmi.objectives.n.score.max': ['rw', real()],
		'cmi.objectives.n.success_status': ['rw', vocab(['passed', 'failed', 'unknown'])],
		'cmi.objectives.n.completion_status': ['rw', vocab(['completed', 'incomplete',
		    'not attempted', 'unknown'])],
		'cmi.objectives.n.progress_measure': ['rw', real(0, 1)],
		'cmi.objectives.n.description': ['rw', str(250)],
		'cmi.progress_measure': ['rw', real(0, 1)],
		'cmi.scaled_passing_score': ['ro'], 'cmi.score._children': ['ro'],
		'cmi.score.scaled': ['rw', real(-1, 1)], 'cmi.score.raw': ['rw', real()],
		'cmi.score.min': ['rw', real()], 'cmi.score.max': ['rw', real()],
		'cmi.session_time': ['wo', re(RE.dur)],
		'cmi.success_status': ['rw', vocab(['passed', 'failed', 'unknown'])],
		'cmi.suspend_data': ['rw', str(64000)], 'cmi.time_limit_action': ['ro'],
		'cmi.total_time': ['ro'],
		'adl.nav.request': ['rw', re(RE.nav)],
		'adl.nav.request_valid.continue': ['ro'], 'adl.nav.request_valid.previous': ['ro']
	};
	var CHILDREN = {
		'cmi.core': 'student_id,student_name,lesson_location,credit,lesson_status,' +
		    'entry,score,total_time,lesson_mode,exit,session_time',
		'cmi.core.score': 'raw,min,max',
		'cmi.score': 'scaled,raw,min,max',
		'cmi.objectives': 'id,score,status',
		'cmi.student_data': 'mastery_score,max_time_allowed,time_limit_action',
		'cmi.student_preference': 'audio,language,speed,text',
		'cmi.learner_preference': 'audio_level,language,delivery_speed,audio_captioning',
		'cmi.comments_from_learner': 'comment,location,timestamp',
		'cmi.comments_from_lms': 'comment,location,timestamp'
	};
	var INTER12 = 'id,objectives,time,type,correct_responses,weighting,' +
	    'student_response,result,latency';
	var INTER04 = 'id,type,objectives,timestamp,correct_responses,weighting,' +
	    'learner_response,result,latency,description';
	var OBJ04 = 'id,score,success_status,completion_status,progress_measure,description';

	/* Durations, to add a session to the total time. */
	function secs(v, v2004) {
		var m;

		if (!v2004) {
			m = /^(\d+):(\d+):(\d+(\.\d+)?)$/.exec(v || '');
			return m ? m[1] * 3600 + m[2] * 60 + Number(m[3]) : 0;
		}
		m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.
		    exec(v || '');
		if (!m)
			return 0;
		return (m[1] | 0) * 31536000 + (m[2] | 0) * 2592000 + (m[3] | 0) * 86400 +
		    (m[4] | 0) * 3600 + (m[5] | 0) * 60 + (Number(m[6]) || 0);
	}
	function fmt(s, v2004) {
		var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
		var x = Math.round((s % 60) * 100) / 100;

		function p(n) {
			return n < 10 ? '0' + n : String(n);
		}
		if (v2004)
			return 'PT' + h + 'H' + m + 'M' + x + 'S';
		return (h < 10 ? '000' : h < 100 ? '00' : h < 1000 ? '0' : '') + h + ':' +
		    p(m) + ':' + (x < 10 ? '0' : '') + x.toFixed(2);
	}

	function create(opt) {
		var v2004 = opt.version === '2004';
		var M = v2004 ? M04 : M12, ERR = v2004 ? ERR04 : ERR12;
		var cmi = {}, k, self, last = 0, diag = '';
		var SESSION = v2004 ? ['cmi.exit', 'cmi.session_time', 'adl.nav.request'] :
		    ['cmi.core.exit', 'cmi.core.session_time'];

		for (k in opt.cmi || {})
			if (SESSION.indexOf(k) < 0)
				cmi[k] = opt.cmi[k];
		/* What the LMS sets at launch. */
		if (v2004) {
			cmi['cmi._version'] = '1.0';
			cmi['cmi.entry'] = opt.entry || '';
			cmi['cmi.mode'] = 'normal';
			cmi['cmi.credit'] = 'credit';
			cmi['cmi.learner_id'] = 'sim-learner';
			cmi['cmi.learner_name'] = 'Learner, Simulated';
			if (!cmi['cmi.completion_status'])
				cmi['cmi.completion_status'] = 'unknown';
			if (!cmi['cmi.success_status'])
				cmi['cmi.success_status'] = 'unknown';
			if (opt.mastery !== '' && opt.mastery != null)
				cmi['cmi.scaled_passing_score'] = String(opt.mastery);
			cmi['cmi.total_time'] = cmi['cmi.total_time'] || 'PT0H0M0S';
			cmi['adl.nav.request_valid.continue'] = 'unknown';
			cmi['adl.nav.request_valid.previous'] = 'unknown';
		} else {
			cmi['cmi.core.entry'] = opt.entry || '';
			cmi['cmi.core.lesson_mode'] = 'normal';
			cmi['cmi.core.credit'] = 'credit';
			cmi['cmi.core.student_id'] = 'sim-learner';
			cmi['cmi.core.student_name'] = 'Learner, Simulated';
			if (!cmi['cmi.core.lesson_status'])
				cmi['cmi.core.lesson_status'] = 'not attempted';
			cmi['cmi.core.total_time'] = cmi['cmi.core.total_time'] || '0000:00:00.00';
			cmi['cmi.student_data.mastery_score'] = opt.mastery || '';
			if (!('cmi.suspend_data' in cmi))
				cmi['cmi.suspend_data'] = '';
			if (!('cmi.core.lesson_location' in cmi))
				cmi['cmi.core.lesson_location'] = '';
			if (!('cmi.launch_data' in cmi))
				cmi['cmi.launch_data'] = '';
		}

		self = { state: 'new', cmi: cmi, version: opt.version, errors: ERR };

		/* cmi.interactions.3.correct_responses.0.pattern -> ...n...n... */
		function generic(el) {
			return el.replace(/\.\d+(?=\.|$)/g, '.n');
		}
		function count(prefix) {
			var n = 0, i, m, esc = prefix.replace(/\./g, '\\.');
			var r = new RegExp('^' + esc + '\\.(\\d+)\\.');

			for (i in cmi)
				if ((m = r.exec(i)) && Number(m[1]) + 1 > n)
					n = Number(m[1]) + 1;
			return n;
		}
		function fail(code, why) {
			last = code;
			diag = why || ERR[code] || '';
			return code;
		}
		function log(name, args, r) {
			if (opt.onCall)
				opt.onCall({ n: name, a: args, r: String(r), e: String(last),
				    d: diag, t: Date.now() });
		}
		function faulty(method) {
			var f = opt.fault ? opt.fault(method) : 0;

			if (!f)
				return false;
			fail(v2004 ? f : 101, 'fault injected by the simulator');
			return true;
		}

		function get(el) {
			var g = generic(el), spec = M[g], m, parent;

			if (el === '')
				return fail(v2004 ? 301 : 201, 'no element named');
			if ((m = /^(.*)\._children$/.exec(el))) {
				parent = generic(m[1]);
				if (!spec)
					return M[parent] ? fail(v2004 ? 301 : 202,
					    el + ': no children') :
					    fail(401, el + ' is not in the data model');
				if (parent === 'cmi.interactions')
					return v2004 ? INTER04 : INTER12;
				if (parent === 'cmi.objectives' && v2004)
					return OBJ04;
				return CHILDREN[parent] || '';
			}
			if ((m = /^(.*)\._count$/.exec(el))) {
				if (M[generic(m[1]) + '.n.id'] ||
				    M[generic(m[1]) + '.n.pattern'] ||
				    M[generic(m[1]) + '.n.comment'])
					return String(count(m[1]));
				return M[generic(m[1])] ? fail(v2004 ? 301 : 203,
				    el + ': not an array') :
				    fail(401, el + ' is not in the data model');
			}
			if (!spec)
				return fail(401, el + ' is not in the data model');
			if (spec[0] === 'wo')
				return fail(v2004 ? 405 : 404, el + ' is write-only');
			if (!(el in cmi)) {
				if (/\.\d+\./.test(el) && !(el.replace(/\.[^.]+$/, '.id') in cmi) &&
				    v2004)
					return fail(301, el + ': no such index');
				return v2004 ? fail(403, el + ' has no value yet') : '';
			}
			return cmi[el];
		}

		function set(el, v) {
			var g = generic(el), spec = M[g], m, n, base, bad;

			if (el === '')
				return fail(v2004 ? 351 : 201, 'no element named');
			if (/\._(children|count|version)$/.test(el) || el === 'cmi._version')
				return fail(v2004 ? 404 : 402, el + ' is a keyword');
			if (!spec)
				return fail(401, el + ' is not in the data model');
			if (spec[0] === 'ro')
				return fail(v2004 ? 404 : 403, el + ' is read-only');
			/* arrays: the next index or an existing one */
			m = /^(cmi\.(?:interactions|objectives|comments_from_learner))\.(\d+)\.(.*)$/.exec(el);
			if (m) {
				n = Number(m[2]);
				if (n > count(m[1]))
					return fail(v2004 ? 351 : 201, el + ': index ' + n +
					    ' skips ' + count(m[1]));
				base = m[1] + '.' + n + '.';
				if (v2004 && m[1] !== 'cmi.comments_from_learner' &&
				    m[3] !== 'id' && !((base + 'id') in cmi))
					return fail(408, el + ' before ' + base + 'id');
				if (v2004 && m[1] === 'cmi.interactions' &&
				    /^(correct_responses|learner_response)/.test(m[3]) &&
				    !((base + 'type') in cmi))
					return fail(408, el + ' before ' + base + 'type');
				if ((m = /^(.*\.correct_responses)\.(\d+)\.pattern$/.exec(el)) &&
				    Number(m[2]) > count(m[1]))
					return fail(v2004 ? 351 : 201, el + ': index skips');
			}
			bad = spec[1] ? spec[1](v) : 0;
			if (bad === 'type')
				return fail(v2004 ? 406 : 405, el + ': "' + v.slice(0, 60) +
				    '" is not a valid value');
			if (bad === 'range')
				return fail(v2004 ? 407 : 405, el + ': value out of range (' +
				    v.length + ' characters)');
			cmi[el] = v;
			return 'true';
		}

		function call(name, args, body) {
			var r;

			last = 0;
			diag = '';
			r = body();
			log(name, args, r);
			return r;
		}

		function init(name) {
			return function (arg) {
				return call(name, [String(arg)], function () {
					if (arg !== '' && arg != null)
						return fail(201, 'the argument must be ""'), 'false';
					if (self.state === 'running')
						return fail(v2004 ? 103 : 101, 'already initialized'), 'false';
					if (self.state === 'terminated')
						return fail(v2004 ? 104 : 101, 'already terminated'), 'false';
					if (faulty('init'))
						return 'false';
					self.state = 'running';
					return 'true';
				});
			};
		}
		function getValue(name) {
			return function (el) {
				el = String(el);
				return call(name, [el], function () {
					var r;

					if (self.state !== 'running')
						return fail(v2004 ? (self.state === 'new' ? 122 : 123) : 301,
						    'not running'), '';
					if (faulty('get'))
						return '';
					r = get(el);
					return typeof r === 'number' ? '' : r;
				});
			};
		}
		function setValue(name) {
			return function (el, v) {
				el = String(el);
				v = String(v);
				return call(name, [el, v], function () {
					if (self.state !== 'running')
						return fail(v2004 ? (self.state === 'new' ? 132 : 133) : 301,
						    'not running'), 'false';
					if (faulty('set'))
						return 'false';
					return set(el, v) === 'true' ? 'true' : 'false';
				});
			};
		}
		function commit(name) {
			return function (arg) {
				return call(name, [String(arg)], function () {
					if (arg !== '' && arg != null)
						return fail(201, 'the argument must be ""'), 'false';
					if (self.state !== 'running')
						return fail(v2004 ? (self.state === 'new' ? 142 : 143) : 301,
						    'not running'), 'false';
					if (faulty('commit'))
						return 'false';
					if (opt.onCommit)
						opt.onCommit(stored());
					return 'true';
				});
			};
		}
		function finish(name) {
			return function (arg) {
				return call(name, [String(arg)], function () {
					if (arg !== '' && arg != null)
						return fail(201, 'the argument must be ""'), 'false';
					if (self.state !== 'running')
						return fail(v2004 ? (self.state === 'new' ? 112 : 113) : 301,
						    'not running'), 'false';
					if (faulty('finish'))
						return 'false';
					self.state = 'terminated';
					if (opt.onCommit)
						opt.onCommit(stored(true));
					return 'true';
				});
			};
		}
		function errfn(name, which) {
			return function (arg) {
				var r;

				if (which === 'last')
					r = String(last);
				else if (which === 'str')
					r = ERR[arg === '' || arg == null ? last : Number(arg)] || '';
				else
					r = arg === '' || arg == null || Number(arg) === last ?
					    diag : ERR[Number(arg)] || '';
				if (opt.onCall)
					opt.onCall({ n: name, a: [String(arg == null ? '' : arg)],
					    r: r, e: String(last), d: '', t: Date.now() });
				return r;
			};
		}

		/* What the LMS keeps: on Terminate the session time goes into the total. */
		function stored(end) {
			var out = {}, i, t = v2004 ? 'cmi.session_time' : 'cmi.core.session_time';
			var tot = v2004 ? 'cmi.total_time' : 'cmi.core.total_time';

			for (i in cmi)
				out[i] = cmi[i];
			if (end && cmi[t])
				out[tot] = fmt(secs(cmi[tot], v2004) + secs(cmi[t], v2004), v2004);
			return out;
		}

		if (v2004)
			self.api = {
				Initialize: init('Initialize'), Terminate: finish('Terminate'),
				GetValue: getValue('GetValue'), SetValue: setValue('SetValue'),
				Commit: commit('Commit'), GetLastError: errfn('GetLastError', 'last'),
				GetErrorString: errfn('GetErrorString', 'str'),
				GetDiagnostic: errfn('GetDiagnostic', 'diag')
			};
		else
			self.api = {
				LMSInitialize: init('LMSInitialize'), LMSFinish: finish('LMSFinish'),
				LMSGetValue: getValue('LMSGetValue'), LMSSetValue: setValue('LMSSetValue'),
				LMSCommit: commit('LMSCommit'), LMSGetLastError: errfn('LMSGetLastError', 'last'),
				LMSGetErrorString: errfn('LMSGetErrorString', 'str'),
				LMSGetDiagnostic: errfn('LMSGetDiagnostic', 'diag')
			};
		self.stored = stored;
		return self;
	}

	root.BinomeLMSAPI = { create: create, RE: RE };
})(window);
