/*
 * lessonpack preview — the panel's side of a cmi5 launch. The preview's server is the LMS and
 * the LRS (src/preview/cmi5/); every request it answers is a record (GET /api/cmi5/records).
 *
 * window.PreviewLRS = { Checker, describe, rows, verb }:
 *   new Checker().check(record) -> the cmi5 rules the record's statement breaks (texts):
 *                  initialized first in a session, nothing after terminated, cmi5 defined
 *                  verbs once per session, completed at most once per registration
 *                  (the checks of tests/cmi5/checks.mjs, as each statement arrives)
 *   describe(record) -> { className, parts: [[className, text], …] } for the log
 *   rows(panel)      -> [[name, value], …] for the data view: registration, session, the
 *                       state documents
 */
(function () {
  "use strict";

  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress";
  var DEFINED = ["initialized", "completed", "passed", "failed", "terminated"];

  /** The verb's short name: its display, else the IRI's last segment. */
  function verb(statement) {
    var v = statement.verb || {};
    var display = v.display && (v.display.en || v.display["en-US"] || v.display[Object.keys(v.display)[0]]);
    return display || String(v.id || "").replace(VERBS, "").replace(/^.*[/#]/, "");
  }

  function Checker() {
    this.sessions = {};      // session number -> { statements, terminated, defined: {verb: true} }
    this.completed = {};     // registration + activity -> count
  }

  Checker.prototype.check = function (record) {
    var s = record.statement;
    if (!s || record.lms || record.failed || record.session === null || record.session === undefined) return [];
    var marks = [];
    var key = String(record.session);
    var session = this.sessions[key] || (this.sessions[key] = { statements: 0, terminated: false, defined: {} });
    var v = verb(s);
    if (session.terminated) {
      marks.push("after terminated: nothing may follow it in a session (cmi5 §9.3.8)");
    }
    if (session.statements === 0 && v !== "initialized") {
      marks.push("before initialized: the first statement of a session must be initialized (§9.3.2)");
    }
    if (DEFINED.indexOf(v) >= 0) {
      if (session.defined[v]) marks.push(v + " again: cmi5 defined verbs once per session (§9.3)");
      session.defined[v] = true;
    }
    if (v === "completed") {
      var reg = ((s.context || {}).registration || "") + " " + ((s.object || {}).id || "");
      this.completed[reg] = (this.completed[reg] || 0) + 1;
      if (this.completed[reg] > 1) marks.push("completed again: at most once per registration (§9.3.3)");
    }
    if (v === "terminated") session.terminated = true;
    session.statements += 1;
    return marks;
  };

  /** Whether `session` (a number) has sent terminated. */
  Checker.prototype.terminated = function (session) {
    var s = this.sessions[String(session)];
    return !!(s && s.terminated);
  };

  /** Whether `session` has sent anything. */
  Checker.prototype.started = function (session) {
    var s = this.sessions[String(session)];
    return !!(s && s.statements);
  };

  function short(value, max) {
    var text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > max ? text.slice(0, max) + "\u2026 (" + text.length + " characters)" : text;
  }

  /** What a statement says, beyond its verb: result, object when not the launch's. */
  function details(s) {
    var out = [];
    var r = s.result || {};
    if ("completion" in r) out.push("completion " + r.completion);
    if ("success" in r) out.push("success " + r.success);
    if (r.score && "scaled" in r.score) out.push("score " + r.score.scaled);
    if (r.duration) out.push("duration " + r.duration);
    if (r.extensions && PROGRESS in r.extensions) out.push("progress " + r.extensions[PROGRESS] + " %");
    if ("response" in r) out.push("response " + JSON.stringify(short(String(r.response), 200)));
    var ext = (s.context || {}).extensions || {};
    Object.keys(ext).forEach(function (k) {
      var name = k.replace(/^.*\//, "");
      if (name === "launchmode" || name === "moveon") out.push(name + " " + ext[k]);
    });
    return out.join(", ");
  }

  function describe(record) {
    var parts = [];
    var who = record.session === null || record.session === undefined ? "LMS" : "session " + record.session;
    var className = record.note ? "note" : record.query ? "query" : "call";
    if (record.failed) className += " failed";
    if (record.note) return { className: className, parts: [["", record.note]] };
    parts.push(["session", who + " \u00b7 "]);
    if (record.statement) {
      className += " statement";
      var s = record.statement;
      parts.push(["verb", verb(s)]);
      var d = details(s);
      if (d) parts.push(["", " \u00b7 " + d]);
      if (!record.lms) parts.push(["http", " \u00b7 " + record.method + " " + record.resource + " \u2192 " + record.status]);
      if (record.text && record.text !== "stored") parts.push(["", " \u00b7 " + record.text]);
    } else {
      parts.push(["http", record.method + " " + record.resource + " \u2192 " + record.status]);
      if (record.text) parts.push(["", " \u00b7 " + record.text]);
    }
    return { className: className, parts: parts };
  }

  function rows(panel) {
    if (!panel) return [["LRS", "no records yet"]];
    var s = panel.session;
    var out = [["registration", panel.registration]];
    if (s) {
      out.push(["session", s.number + " (sessionid " + s.sessionId + ")" +
        (s.registration !== panel.registration ? ", of the registration before the reset" : "")]);
      out.push(["activityId", s.activityId]);
      out.push(["publisher id", s.publisherId]);
      out.push(["actor", JSON.stringify(s.actor)]);
    }
    out.push(["statements stored", String(panel.statements)]);
    (panel.state || []).forEach(function (doc) {
      var name = "state " + doc.stateId + (s && doc.activityId !== s.activityId ? " (" + doc.activityId + ")" : "");
      out.push([name, short(doc.document, 2000)]);
    });
    return out;
  }

  window.PreviewLRS = { Checker: Checker, describe: describe, rows: rows, verb: verb };
})();
