/*
 * lessonpack preview — the LMS side of one SCO launch.
 *
 * window.PreviewLMS = { PROFILES, Session, launchData }:
 *   new Session({ runtime, profile, data, onCall, onStore })
 *     .facade       the object to expose as window.API (1.2) / window.API_1484_11 (2004);
 *                   every call goes to scorm-again's real runtime, is logged through
 *                   onCall(entry) with its arguments, return value and error code, and the
 *                   CMI data is handed to onStore(cmi) whenever the LMS would store it
 *     .end()        ends the session as the LMS does when the SCO's window goes away
 *   launchData(runtime, stored, item) -> { data, note }: the CMI a launch starts from.
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

  // LMS quirk profiles: only behaviour read in the LMS's own runtime code, and cheap to copy.
  var PROFILES = {
    "scorm-again": {
      label: "Spec runtime (scorm-again)",
      note: "scorm-again as it is. It accepts up to 64,000 characters in SCORM 1.2 cmi.suspend_data " +
        "(the 1.2 spec says 4,096), as Moodle does unless its Standards mode is on."
    },
    moodle: {
      label: "Moodle",
      note: "Moodle's SCORM 1.2 runtime adds every LMSSetValue of cmi.comments to the comments " +
        "already stored instead of replacing them. Its string limits are 64,000 characters by default."
    },
    "moodle-standards": {
      label: "Moodle, Standards mode",
      note: "Moodle with the site setting scormstandard on: SCORM 1.2 cmi.suspend_data and " +
        "cmi.comments take at most 4,096 characters, cmi.core.lesson_location and " +
        "interaction responses 255; longer values fail with error 405. cmi.comments is added to, " +
        "as in every Moodle."
    },
    openedx: {
      label: "Open edX (SCORM XBlock)",
      note: "Open edX's SCORM XBlock exposes only the API of the version it read in the manifest, " +
        "stores every SetValue at once, and answers every call \"true\" with GetLastError \"0\", " +
        "even for a value it cannot store: a lesson never sees an error there. The log shows " +
        "scorm-again's real verdict beside it."
    }
  };

  function clone(value) {
    return value ? JSON.parse(JSON.stringify(value)) : null;
  }

  // The CMI a launch starts from: a suspended attempt's stored data ("resume"), or a new
  // attempt ("ab-initio"), plus what an LMS sets from the manifest and the learner record.
  function launchData(runtime, stored, item) {
    var note = "";
    var data;
    if (runtime === "scorm12") {
      data = clone(stored) || { core: {} };
      data.core = data.core || {};
      // 1.2 RTE 3.4.2.1.5: the data stays with the learner; entry says how the last session ended.
      data.core.entry = !stored ? "ab-initio" : data.core.exit === "suspend" ? "resume" : "";
      delete data.core.exit;
      delete data.core.session_time;
      data.core.student_id = "preview";
      data.core.student_name = "Preview, Learner";
      if (item.launchData) data.launch_data = item.launchData;
      if (item.masteryScore) data.student_data = { mastery_score: item.masteryScore };
    } else {
      // 2004 RTE 4.2.8 / 4.2.11: only a suspended attempt resumes; any other exit ends the
      // attempt, and the next launch is a new one.
      var resume = stored && stored.exit === "suspend";
      if (stored && !resume) {
        note = "the last session ended the attempt (cmi.exit \"" + stored.exit + "\"): a new attempt starts";
      }
      data = resume ? clone(stored) : {};
      data.entry = resume ? "resume" : "ab-initio";
      delete data.exit;
      delete data.session_time;
      data.learner_id = "preview";
      data.learner_name = "Preview, Learner";
      if (item.threshold) data.completion_threshold = item.threshold;
      if (item.launchData) data.launch_data = item.launchData;
    }
    return { data: data, note: note };
  }

  function Session(options) {
    var self = this;
    var m = METHODS[options.runtime];
    this.m = m;
    this.runtime = options.runtime;
    this.profile = PROFILES[options.profile] ? options.profile : "scorm-again";
    this.onCall = options.onCall;
    this.onStore = options.onStore;
    this.started = Date.now();
    this.state = "new";     // "running" after a successful initialise, "ended" after finish
    this.override = null;   // error code a quirk reported, until the next call
    this.api = new window[m.ctor]({ autocommit: false, logLevel: 5, onLogMessage: function () {} });
    if (options.data) this.api.loadFromJSON(options.data);
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

  // A quirk that refuses a SetValue (its error code), or changes its value; null otherwise.
  Session.prototype.quirk = function (role, args) {
    if (this.runtime !== "scorm12" || role !== "set") return null;
    var p = this.profile;
    var el = String(args[0]);
    var value = String(args[1]);
    if (p === "moodle-standards") {
      if (MOODLE_4096.test(el) && value.length > 4096) return "405";
      if (MOODLE_256.test(el) && value.length > 255) return "405";
    }
    if ((p === "moodle" || p === "moodle-standards") && el === "cmi.comments") {
      args[1] = (this.api.cmi.comments || "") + value;
    }
    return null;
  };

  Session.prototype.call = function (role, args) {
    var m = this.m;
    var api = this.api;
    var edx = this.profile === "openedx";
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
        entry.quirk = PROFILES[this.profile].label;
      } else {
        entry.result = String(api[m[role]].apply(api, args));
        entry.error = String(api[m.error]());
      }
      if (entry.error !== "0") entry.errorText = String(api[m.string](entry.error));
      var ok = entry.error === "0";
      if (edx && (!ok || (role !== "get" && entry.result !== "true"))) {
        entry.lms = { result: entry.result, error: entry.error, errorText: entry.errorText };
        if (role !== "get") entry.result = "true";
        entry.error = "0";
        delete entry.errorText;
      }
      if (role === "init" && ok) this.state = "running";
      if (role === "finish" && ok) this.state = "ended";
      // Moodle and the spec store on commit and finish; Open edX stores every SetValue.
      var stores = role === "commit" || role === "finish" || (edx && role === "set");
      if (stores && ok) this.onStore(this.cmi());
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

  window.PreviewLMS = { METHODS: METHODS, PROFILES: PROFILES, Session: Session, launchData: launchData };
})();
