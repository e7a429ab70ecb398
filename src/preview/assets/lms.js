/*
 * lessonpack preview — the LMS side of one SCO launch, with the behaviour of real LMSs'
 * own SCORM runtimes. The browser tests (tests/browser/harness) run the lesson pages against
 * this same file, so what the preview shows an author is what the tests prove.
 *
 * window.PreviewLMS = { PROFILES, Session, launchData, verdict }:
 *   launchData(runtime, record, item, profile) -> { data, note, answers }: the CMI a launch
 *                 starts from, given the LMS's record of the learner's attempt (null: none)
 *   new Session({ runtime, profile, record, data, answers, onCall, onStore })
 *     .facade     the object to expose as window.API (1.2) / window.API_1484_11 (2004);
 *                 every call goes to scorm-again's real runtime, is logged through
 *                 onCall(entry) with its arguments, return value and error code, and the
 *                 LMS's record is handed to onStore(record) whenever the LMS would store it
 *     .pageGone() the page holding the lesson is going away (its pagehide): what the LMS
 *                 has not sent by now never arrives
 *     .end()      ends the session as the LMS does when the SCO's window goes away
 *   verdict(runtime, profile, record) -> { status, grade, max, text }: what the LMS's
 *                 gradebook shows for that record.
 *
 * The record is what the LMS keeps: scorm-again's CMI object for the spec runtime; the
 * element → value tracks for Moodle (its scorm_scoes_track rows); the block's scorm_data
 * with lesson_status, success_status and lesson_score for Open edX.
 */
(function () {
  "use strict";

  var METHODS = {
    scorm12: { global: "API", ctor: "Scorm12API", init: "LMSInitialize", finish: "LMSFinish",
      get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", error: "LMSGetLastError",
      string: "LMSGetErrorString", diagnostic: "LMSGetDiagnostic" },
    scorm2004: { global: "API_1484_11", ctor: "Scorm2004API", init: "Initialize", finish: "Terminate",
      get: "GetValue", set: "SetValue", commit: "Commit", error: "GetLastError",
      string: "GetErrorString", diagnostic: "GetDiagnostic" }
  };
  var ROLES = ["init", "finish", "get", "set", "commit", "error", "string", "diagnostic"];

  // SCORM 1.2 elements Moodle types CMIString4096 and CMIString256
  // (mod/scorm/datamodels/scorm_12.js), limits it enforces only in Standards mode.
  var MOODLE_4096 = /^cmi\.(suspend_data|comments)$/;
  var MOODLE_256 = /^cmi\.(core\.lesson_location|student_preference\.language|interactions\.\d+\.(student_response|correct_responses\.\d+\.pattern))$/;
  // SCORM 2004 elements Moodle types CMITime and CMILangString4000 (scorm_13.js): a time
  // takes one or two fraction digits and a zone only after them; "." in its string
  // patterns does not match a line break.
  var MOODLE_TIME = /^cmi\.(comments_from_learner\.\d+\.timestamp|interactions\.\d+\.timestamp)$/;
  var MOODLE_LANG4000 = /^cmi\.(comments_from_learner\.\d+\.comment|interactions\.\d+\.learner_response)$/;
  var CMI_TIME = new RegExp("^(19[7-9][0-9]|20[0-2][0-9]|203[0-8])((-(0[1-9]|1[0-2]))((-(0[1-9]|[1-2][0-9]|3[0-1]))" +
    "(T([0-1][0-9]|2[0-3])((:[0-5][0-9])((:[0-5][0-9])((\\.[0-9]{1,2})((Z|([+|-]([0-1][0-9]|2[0-3])))" +
    "(:[0-5][0-9])?)?)?)?)?)?)?)?$");
  // Open edX's scormxblock.js asks its server only for these, and returns before the answer
  // comes: the SCO reads "" for each. Everything else it answers from its copy of scorm_data.
  var EDX_UNCACHED = ["cmi.core.lesson_status", "cmi.completion_status", "cmi.success_status",
    "cmi.core.score.raw", "cmi.score.raw", "cmi.score.scaled", "cmi.mode"];
  // How long one batch of Open edX SetValues takes to reach its server, in ms.
  var EDX_LATENCY = 30;

  // LMS profiles: only behaviour read or observed in the LMS's own runtime code.
  var PROFILES = {
    "scorm-again": {
      label: "Spec runtime (scorm-again)",
      note: "scorm-again as it is. It accepts up to 64,000 characters in SCORM 1.2 cmi.suspend_data " +
        "(the 1.2 spec says 4,096), as Moodle does unless its Standards mode is on."
    },
    moodle: {
      label: "Moodle",
      moodle: true,
      note: "Moodle's own runtime: SCORM 1.2 adds every LMSSetValue of cmi.comments to the comments " +
        "already stored; SCORM 2004 refuses (406) timestamps with more than two fraction digits and " +
        "comments or responses with line breaks. A completed attempt reopens in review mode (2004: " +
        "with a blank data model) and still stores what the lesson writes. The grade is score.raw " +
        "of 100, 0 without a score."
    },
    "moodle-standards": {
      label: "Moodle, Standards mode",
      moodle: true,
      standards: true,
      note: "Moodle with the site setting scormstandard on: SCORM 1.2 cmi.suspend_data and " +
        "cmi.comments take at most 4,096 characters, cmi.core.lesson_location and " +
        "interaction responses 255; longer values fail with error 405. Otherwise as Moodle."
    },
    openedx: {
      label: "Open edX (SCORM XBlock)",
      openedx: true,
      note: "Open edX's SCORM XBlock answers every call \"true\" with GetLastError \"0\", reads \"\" " +
        "for statuses, scores and the mode (other elements come from what it stored), sends " +
        "SetValues in batches one at a time, of which only the first gets out while the page " +
        "closes, and grades score.scaled (or raw / 100) out of 1, 0 without a score. The log shows " +
        "scorm-again's real verdict beside each call."
    }
  };

  function clone(value) {
    return value ? JSON.parse(JSON.stringify(value)) : null;
  }

  /* ---------- records: element → value tracks ---------- */

  // "cmi.core.lesson_status" → record.core.lesson_status (scorm-again's JSON shape).
  function nest(tracks) {
    var out = {};
    Object.keys(tracks).forEach(function (element) {
      var path = element.split(".").slice(1);
      var at = out;
      path.slice(0, -1).forEach(function (part) {
        at = at[part] = at[part] && typeof at[part] === "object" ? at[part] : {};
      });
      at[path[path.length - 1]] = tracks[element];
    });
    return out;
  }

  function status12(value) {
    return value === "completed" || value === "passed";
  }

  /* ---------- launch data ---------- */

  // The CMI a launch starts from, and the values the LMS answers itself (`answers`:
  // element → value, overriding scorm-again's reading).
  function launchData(runtime, record, item, profile) {
    var p = PROFILES[profile] || PROFILES["scorm-again"];
    if (p.openedx) return { data: null, note: "", answers: null };
    if (p.moodle) return moodleLaunch(runtime, record, item);
    var note = "";
    var data;
    if (runtime === "scorm12") {
      data = clone(record) || { core: {} };
      data.core = data.core || {};
      // 1.2 RTE 3.4.2.1.5: the data stays with the learner; entry says how the last session ended.
      data.core.entry = !record ? "ab-initio" : data.core.exit === "suspend" ? "resume" : "";
      delete data.core.exit;
      delete data.core.session_time;
      data.core.student_id = "preview";
      data.core.student_name = "Preview, Learner";
      if (item.launchData) data.launch_data = item.launchData;
      if (item.masteryScore) data.student_data = { mastery_score: item.masteryScore };
    } else {
      // 2004 RTE 4.2.8 / 4.2.11: only a suspended attempt resumes; any other exit ends the
      // attempt, and the next launch is a new one.
      var resume = record && record.exit === "suspend";
      if (record && !resume) {
        note = "the last session ended the attempt (cmi.exit \"" + record.exit + "\"): a new attempt starts";
      }
      data = resume ? clone(record) : {};
      data.entry = resume ? "resume" : "ab-initio";
      delete data.exit;
      delete data.session_time;
      data.learner_id = "preview";
      data.learner_name = "Preview, Learner";
      if (item.threshold) data.completion_threshold = item.threshold;
      if (item.launchData) data.launch_data = item.launchData;
    }
    return { data: data, note: note, answers: null };
  }

  // Moodle (scorm_check_mode, get_scorm_default): a completed attempt opens in review mode;
  // in 2004 with a blank data model, in 1.2 with its data.
  function moodleLaunch(runtime, record, item) {
    var tracks = record && record.tracks ? record.tracks : {};
    var known = Object.keys(tracks).length > 0;
    var data = {};
    var answers = {};
    var note = "";
    if (runtime === "scorm12") {
      var done = status12(tracks["cmi.core.lesson_status"]);
      var kept = {};
      Object.keys(tracks).forEach(function (el) {
        if (!/^cmi\.core\.(exit|session_time)$/.test(el)) kept[el] = tracks[el];
      });
      data = nest(kept);
      data.core = data.core || {};
      data.core.entry = !known ? "ab-initio" : tracks["cmi.core.exit"] === "suspend" ? "resume" : "";
      data.core.student_id = "preview";
      data.core.student_name = "Preview, Learner";
      if (done) {
        answers["cmi.core.lesson_mode"] = "review";
        note = "the attempt is completed: Moodle opens it in review mode";
      }
    } else {
      var completed = tracks["cmi.completion_status"] === "completed" && tracks["cmi.exit"] === "normal";
      if (completed) {
        answers["cmi.mode"] = "review";
        note = "the attempt is completed and ended normally: Moodle opens it in review mode with a " +
          "blank data model, and still stores what the lesson writes";
      } else if (known && tracks["cmi.exit"] === "suspend") {
        var resumed = {};
        Object.keys(tracks).forEach(function (el) {
          if (!/^cmi\.(exit|session_time)$/.test(el)) resumed[el] = tracks[el];
        });
        data = nest(resumed);
        data.entry = "resume";
      }
      data.entry = data.entry || "ab-initio";
      data.learner_id = "preview";
      data.learner_name = "Preview, Learner";
      if (item.threshold) data.completion_threshold = item.threshold;
    }
    if (item.launchData) data.launch_data = item.launchData;
    return { data: data, note: note, answers: answers };
  }

  /* ---------- grades ---------- */

  function verdict(runtime, profile, record) {
    var p = PROFILES[profile] || PROFILES["scorm-again"];
    var r = record || {};
    var status;
    var grade = null;
    var max = 100;
    if (p.openedx) {
      status = r.lesson_status || "not attempted";
      max = 1;
      grade = r.success_status === "failed" ? 0 : Number(r.lesson_score) || 0;
    } else if (p.moodle) {
      var t = r.tracks || {};
      status = runtime === "scorm12" ? t["cmi.core.lesson_status"] : t["cmi.completion_status"];
      var raw = runtime === "scorm12" ? t["cmi.core.score.raw"] : t["cmi.score.raw"];
      grade = Number(raw) || 0;
    } else {
      status = runtime === "scorm12" ? r.core && r.core.lesson_status : r.completion_status;
      var score = runtime === "scorm12" ? r.core && r.core.score : r.score;
      grade = score && score.raw !== "" && score.raw !== undefined ? Number(score.raw) : null;
    }
    status = status || "not attempted";
    return { status: status, grade: grade, max: max,
      text: status + (grade === null ? ", no score" : ", grade " + grade + " / " + max) };
  }

  /* ---------- Open edX: scormxblock.js and its handlers ---------- */

  // The block's state and its JavaScript's SetValue queue (openedx-scorm-xblock 19.0.5:
  // SetValue queues; a batch of everything queued goes out when none is on its way).
  function OpenEdx(record, store) {
    this.record = clone(record) || { scorm_data: {}, lesson_status: "not attempted",
      success_status: "unknown", lesson_score: 0 };
    this.cache = clone(this.record.scorm_data);
    this.cache["cmi.core.student_id"] = this.cache["cmi.learner_id"] = "preview";
    this.queue = [];
    this.sending = false;
    this.gone = false;
    this.store = store;
  }

  OpenEdx.prototype.get = function (element) {
    if (EDX_UNCACHED.indexOf(element) >= 0) return "";
    return element in this.cache ? String(this.cache[element]) : "";
  };

  OpenEdx.prototype.set = function (element, value) {
    this.queue.push([element, value]);
    if (!this.sending) this.send();
  };

  OpenEdx.prototype.send = function () {
    var self = this;
    if (!this.queue.length || this.gone) {
      this.sending = false;
      return;
    }
    this.sending = true;
    var batch = this.queue.splice(0, this.queue.length);
    batch.forEach(function (pair) {
      if (EDX_UNCACHED.indexOf(pair[0]) < 0) self.cache[pair[0]] = pair[1];
    });
    // Once sent, the batch reaches the server even if the page goes; later ones do not.
    batch.forEach(function (pair) { self.handle(pair[0], String(pair[1])); });
    this.store(clone(this.record));
    setTimeout(function () { self.send(); }, EDX_LATENCY);
  };

  // scormxblock.py set_value: statuses denormalised, the score from raw / 100 or scaled.
  OpenEdx.prototype.handle = function (name, value) {
    var r = this.record;
    r.scorm_data[name] = value;
    var completion = null;
    if (name === "cmi.core.lesson_status") {
      if (value === "passed" || value === "failed") r.success_status = value;
      if (value === "passed") completion = "completed";
      else if (value === "completed" || value === "incomplete") completion = value;
    } else if (name === "cmi.success_status") {
      r.success_status = value;
    } else if (name === "cmi.completion_status") {
      completion = value;
    } else if (name === "cmi.core.score.raw" || name === "cmi.score.raw") {
      r.lesson_score = (parseFloat(value) || 0) / 100;
    } else if (name === "cmi.score.scaled") {
      r.lesson_score = parseFloat(value) || 0;
    }
    if (completion) r.lesson_status = completion;
  };

  /* ---------- the session ---------- */

  function Session(options) {
    var self = this;
    var m = METHODS[options.runtime];
    this.m = m;
    this.runtime = options.runtime;
    this.profile = PROFILES[options.profile] ? options.profile : "scorm-again";
    this.p = PROFILES[this.profile];
    this.onCall = options.onCall;
    this.onStore = options.onStore;
    this.answers = options.answers || {};
    this.started = Date.now();
    this.state = "new";     // "running" after a successful initialise, "ended" after finish
    this.override = null;   // error code a quirk reported, until the next call
    this.api = new window[m.ctor]({ autocommit: false, logLevel: 5, onLogMessage: function () {} });
    if (options.data) this.api.loadFromJSON(options.data);
    // Moodle keeps the tracks of an attempt and adds to them what the lesson sets.
    this.tracks = this.p.moodle ? clone((options.record || {}).tracks) || {} : null;
    this.edx = this.p.openedx ? new OpenEdx(options.record, function (record) { self.onStore(record); }) : null;
    this.facade = {};
    ROLES.forEach(function (role) {
      self.facade[m[role]] = function () {
        return self.call(role, Array.prototype.slice.call(arguments));
      };
    });
  }

  Session.prototype.cmi = function () {
    return this.api.renderCMIToJSONObject().cmi;
  };

  // The LMS's record as it would store it now.
  Session.prototype.record = function () {
    if (this.edx) return clone(this.edx.record);
    if (this.tracks) return { tracks: clone(this.tracks) };
    return this.cmi();
  };

  Session.prototype.pageGone = function () {
    if (this.edx) this.edx.gone = true;
  };

  // A quirk that refuses a SetValue (its error code), or changes its value; null otherwise.
  Session.prototype.quirk = function (role, args) {
    if (role !== "set" || !this.p.moodle) return null;
    var el = String(args[0]);
    var value = String(args[1]);
    if (this.runtime === "scorm2004") {
      if (MOODLE_TIME.test(el) && !CMI_TIME.test(value)) return "406";
      if (MOODLE_LANG4000.test(el) && /[\n\r\u2028\u2029]/.test(value)) return "406";
      return null;
    }
    if (this.p.standards) {
      if (MOODLE_4096.test(el) && value.length > 4096) return "405";
      if (MOODLE_256.test(el) && value.length > 255) return "405";
    }
    if (el === "cmi.comments") args[1] = (this.api.cmi.comments || "") + value;
    return null;
  };

  Session.prototype.call = function (role, args) {
    var m = this.m;
    var api = this.api;
    var edx = this.edx;
    var query = role === "error" || role === "string" || role === "diagnostic";
    var entry = { fn: m[role], args: args.map(String), t: Date.now() - this.started, query: query,
      result: "", error: "" };
    if (query) {
      if (edx) entry.result = role === "error" ? "0" : role === "string" ? "Some Error" : "Some Diagnostic";
      else if (role === "error" && this.override) entry.result = this.override;
      else entry.result = String(api[m[role]].apply(api, args));
    } else {
      this.override = null;
      var refused = this.quirk(role, args);
      if (refused) {
        entry.result = "false";
        entry.error = this.override = refused;
        entry.quirk = this.p.label;
      } else if (role === "get" && !edx && String(args[0]) in this.answers) {
        entry.result = this.answers[String(args[0])];
        entry.error = "0";
        entry.quirk = this.p.label;
      } else {
        entry.result = String(api[m[role]].apply(api, args));
        entry.error = String(api[m.error]());
      }
      if (entry.error !== "0") entry.errorText = String(api[m.string](entry.error));
      var ok = entry.error === "0";
      if (edx) {
        if (!ok || (role !== "get" && entry.result !== "true") || role === "get") {
          entry.lms = { result: entry.result, error: entry.error, errorText: entry.errorText };
        }
        entry.result = role === "get" ? edx.get(String(args[0])) : "true";
        entry.error = "0";
        delete entry.errorText;
        if (role === "set") edx.set(String(args[0]), String(args[1]));
        ok = true;
      } else if (role === "set" && ok && this.tracks) {
        this.tracks[String(args[0])] = String(args[1]);
      }
      if (role === "init" && ok) this.state = "running";
      if (role === "finish" && ok) this.state = "ended";
      // Moodle and the spec store on commit and finish; Open edX stores each batch it sends.
      if (!edx && (role === "commit" || role === "finish") && ok) this.onStore(this.record());
    }
    this.onCall(entry);
    return entry.result;
  };

  // Ends the session as an LMS does when the SCO's window goes away (finishing the runtime
  // itself if the SCO did not, without storing anything more): whether the SCO had finished,
  // and so whether everything it set was stored.
  Session.prototype.end = function () {
    var clean = this.state !== "running";
    if (!clean) {
      try { this.api[this.m.finish](""); } catch (e) { /* the runtime is discarded anyway */ }
    }
    this.state = "ended";
    return clean;
  };

  window.PreviewLMS = { METHODS: METHODS, PROFILES: PROFILES, Session: Session, launchData: launchData,
    verdict: verdict };
})();
