/*
 * lessonpack preview — the panel's side of a cmi5 launch. The preview's server is the LMS and
 * the LRS (src/preview/cmi5/); every request it answers is a record (GET /api/cmi5/records).
 *
 * window.PreviewLRS = { Checker, describe, rows, verb }:
 *   new Checker().check(record) -> the cmi5 rules the record's statement breaks (texts):
 *                  initialized first in a session, nothing after terminated, cmi5 defined
 *                  verbs once per session, completed and passed at most once per
 *                  registration, completed/passed/failed only in Normal mode and with the
 *                  moveon category, passed with success true and a scaled score that meets
 *                  the masteryScore (the checks of tests/cmi5/checks.mjs, as each statement
 *                  arrives; the LMS's own "launched" record tells the session's launch mode
 *                  and masteryScore)
 *   describe(record) -> { className, parts: [[className, text], …] } for the log
 *   rows(panel)      -> [[name, value], …] for the data view (with the Open edX profile, its
 *                       gradebook): registration, session, the
 *                       state documents
 */
(function () {
  "use strict";

  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress";
  var EXTENSIONS = "https://w3id.org/xapi/cmi5/context/extensions/";
  var CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var DEFINED = ["initialized", "completed", "passed", "failed", "terminated"];
  // Statements that decide moveOn: completion data, never in Browse/Review (§10, §9.6.2.2).
  var MOVE_ON = ["completed", "passed", "failed"];
  // At most once per registration for an AU (§9.3.3, §9.3.4).
  var ONCE = ["completed", "passed"];

  /** The verb's short name: its display, else the IRI's last segment. */
  function verb(statement) {
    var v = statement.verb || {};
    var display = v.display && (v.display.en || v.display["en-US"] || v.display[Object.keys(v.display)[0]]);
    return display || String(v.id || "").replace(VERBS, "").replace(/^.*[/#]/, "");
  }

  function Checker() {
    this.sessions = {};      // session number -> { statements, terminated, defined: {verb: true}, mode, mastery }
    this.once = {};          // verb + registration + activity + publisher id -> count
  }

  Checker.prototype.session = function (number) {
    var key = String(number);
    return this.sessions[key] || (this.sessions[key] = { statements: 0, terminated: false, defined: {} });
  };

  /** The ids of a context activities list (one activity or several). */
  function activityIds(context, list) {
    var found = ((context || {}).contextActivities || {})[list];
    return [].concat(found || []).map(function (a) { return (a && a.id) || ""; });
  }

  Checker.prototype.check = function (record) {
    var s = record.statement;
    if (!s || record.failed || record.session === null || record.session === undefined) return [];
    var session = this.session(record.session);
    if (record.lms) {
      // The LMS's "launched" (§9.3.1, §9.6.3): the session's launch mode and masteryScore.
      var ext = (s.context || {}).extensions || {};
      session.mode = ext[EXTENSIONS + "launchmode"];
      session.mastery = typeof ext[EXTENSIONS + "masteryscore"] === "number" ? ext[EXTENSIONS + "masteryscore"] : null;
      return [];
    }
    var marks = [];
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
    if (ONCE.indexOf(v) >= 0) {
      // The AU: its activity id and, where an LMS gives every AU the same one, its publisher id.
      var au = v + " " + ((s.context || {}).registration || "") + " " + ((s.object || {}).id || "") +
        " " + activityIds(s.context, "grouping").join(" ");
      this.once[au] = (this.once[au] || 0) + 1;
      if (this.once[au] > 1) marks.push(v + " again: at most once per registration (§9.3.3, §9.3.4)");
    }
    if (MOVE_ON.indexOf(v) >= 0) {
      if (session.mode && session.mode !== "Normal") {
        marks.push(v + " in " + session.mode + " mode: only Normal launches record completion data (§10)");
      }
      if (activityIds(s.context, "category").indexOf(CATEGORY_MOVEON) < 0) {
        marks.push(v + " without the moveon category (§9.6.2.2)");
      }
    }
    if (v === "passed") marks.push.apply(marks, passedMarks(s, session));
    if (v === "terminated") session.terminated = true;
    session.statements += 1;
    return marks;
  };

  /** What a "passed" breaks: success must be true (§9.5.2), the scaled score meet the mastery score (§9.3.4). */
  function passedMarks(s, session) {
    var marks = [];
    var r = s.result || {};
    if (r.success !== true) marks.push("passed without result.success true (§9.5.2)");
    var scaled = r.score && r.score.scaled;
    if (typeof scaled === "number" && session.mastery !== null && session.mastery !== undefined && scaled < session.mastery) {
      marks.push("passed with score.scaled " + scaled + " below the masteryScore " + session.mastery + " (§9.3.4)");
    }
    return marks;
  }

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
    if (panel.gradebook) out.push(["Open edX gradebook", panel.gradebook.text]);
    (panel.state || []).forEach(function (doc) {
      var name = "state " + doc.stateId + (s && doc.activityId !== s.activityId ? " (" + doc.activityId + ")" : "");
      out.push([name, short(doc.document, 2000)]);
    });
    return out;
  }

  window.PreviewLRS = { Checker: Checker, describe: describe, rows: rows, verb: verb };
})();
