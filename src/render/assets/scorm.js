/*
 * lessonpack — SCORM runtime for the lesson page (SCORM 1.2 and SCORM 2004).
 *
 * Loaded only inside SCORM packages, before lessonpack.js. It exposes
 *   window.LessonpackLMS = { connect(config) }
 * where connect() finds the LMS's API object, initialises the session and
 * returns an adapter with the interface lessonpack.js expects:
 *   start()                          -> {position, watched, response, responseSaved, completed,
 *                                        review}
 *   progress(ratio, watched, position)
 *   complete()
 *   saveResponse(text)               -> "lms" | "local" | "none" (review: nothing is recorded)
 *   commit()
 *   finish()                         (terminates exactly once)
 *   responseLimit                    (characters the LMS keeps of a response)
 * or null when no LMS API can be found (the page then keeps progress locally).
 *
 * Data model elements written (Open edX scans packages for these words):
 *   1.2:  cmi.core.lesson_status, cmi.core.score.raw/min/max, cmi.core.lesson_location,
 *         cmi.core.exit, cmi.core.session_time, cmi.suspend_data, cmi.comments,
 *         cmi.interactions.n.*
 *   2004: cmi.completion_status, cmi.success_status, cmi.score.*, cmi.progress_measure,
 *         cmi.location, cmi.exit, cmi.session_time, cmi.suspend_data,
 *         cmi.comments_from_learner.n.*, cmi.interactions.n.*
 *
 * What the LMSs' own runtimes do decides how (facts in the README, "Tracking in each LMS"):
 *   - A review or browse launch (cmi.mode, cmi.core.lesson_mode) writes nothing: Moodle
 *     reopens a completed 2004 attempt in review mode with a blank data model but still
 *     stores what the SCO writes into it, so an "incomplete" there undoes the completion.
 *   - A status is never lowered: only "not attempted" / "unknown" become "incomplete"
 *     (Open edX answers "" to every status read). Completion, position and the response flag
 *     also live in suspend_data, which every runtime hands back.
 *   - Values fit the strictest runtime: 2004 timestamps with at most two fractional digits,
 *     localized strings on one line (Moodle's CMILangString4000 refuses line breaks; the
 *     learner's line breaks are kept as " ¶ " marks and restored on resume).
 *   - State is written as it changes, and a closing page writes only what changed, most
 *     important first: Open edX carries only the first write made during pagehide.
 *   - On completion a full score is reported (unless the lesson opts out), before the
 *     status, so an LMS grading from the score never shows a completed lesson as 0.
 *
 * Every call is defensive: an LMS that rejects a value (or does not implement
 * an optional element) must never stop the lesson, so errors are read with
 * GetLastError and the adapter carries on.
 */
(function () {
  "use strict";

  /* ---------- API discovery (SCORM 1.2 RTE §3.3.6.1; SCORM 2004 RTE §3.1.2.1) ---------- */

  var MAX_HOPS = 10;

  // Reading a property of a cross-origin window throws a SecurityError: such a
  // window cannot host our API anyway, so treat it as "not here" and walk on.
  function apiIn(win, name) {
    try {
      var api = win[name];
      return api && (typeof api === "object" || typeof api === "function") ? api : null;
    } catch (e) {
      return null;
    }
  }

  function parentOf(win) {
    try {
      return win.parent && win.parent !== win ? win.parent : null;
    } catch (e) {
      return null;
    }
  }

  // The SCO's own window, then up to MAX_HOPS parents, stopping at the top.
  function searchChain(start, name) {
    var win = start;
    for (var hops = 0; win && hops <= MAX_HOPS; hops += 1) {
      var api = apiIn(win, name);
      if (api) return api;
      win = parentOf(win);
    }
    return null;
  }

  // LMSs launch SCOs either in a frame (API in a parent) or in a pop-up
  // window (API in the opener or one of the opener's parents).
  function findApi(name) {
    var api = searchChain(window, name);
    if (api) return api;
    var opener = null;
    try {
      opener = window.opener || null;
    } catch (e) {
      opener = null;
    }
    return opener ? searchChain(opener, name) : null;
  }

  /* ---------- Time formats ---------- */

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = "0" + s;
    return s;
  }

  // SCORM 1.2 CMITimespan "HHHH:MM:SS.SS" (RTE §3.4.2.1.7 cmi.core.session_time).
  function cmiTimespan(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000);
    var m = Math.floor(cs / 6000) % 60;
    var s = Math.floor(cs / 100) % 60;
    return pad(Math.min(h, 9999), 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(cs % 100, 2);
  }

  // SCORM 2004 timeinterval (ISO 8601 duration, RTE §4.1.3 / C.1.5), e.g. "PT1M5.25S".
  function isoDuration(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000);
    var m = Math.floor(cs / 6000) % 60;
    var s = (cs % 6000) / 100;
    var out = "PT";
    if (h) out += h + "H";
    if (m) out += m + "M";
    if (s || out === "PT") out += String(Number(s.toFixed(2))) + "S";
    return out;
  }

  // SCORM 1.2 CMITime "HH:MM:SS" (time of day, cmi.interactions.n.time).
  function timeOfDay(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  // SCORM 2004 time(second,10,0): the spec only allows a zone designator after
  // fractional seconds, and Moodle's CMITime takes one or two fraction digits:
  // "…T10:20:30.12Z" (toISOString() gives three).
  function timestamp(date) {
    return date.toISOString().replace(/(\.\d\d)\d*Z$/, "$1Z");
  }

  /* ---------- Text limits ---------- */

  // Cut text to at most max UTF-16 units (what LMS length checks count),
  // never splitting a surrogate pair, and mark the cut with "…".
  function clip(text, max) {
    if (text.length <= max) return text;
    var cut = text.slice(0, max - 1);
    if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
    return cut + "\u2026";
  }

  // Some value checks (e.g. CMIFeedback "^.*$", Moodle's CMILangString4000) reject
  // line breaks. The one-line form marks each break with a pilcrow, so a reader of the
  // LMS's report still sees the paragraphs and a resumed page restores them:
  // "One.\n\nTwo." <-> "One. ¶¶ Two.".
  var BREAKS = /[ \t]*((?:\r\n|[\n\r\u2028\u2029])+)[ \t]*/g;
  function oneLine(text) {
    return text.replace(BREAKS, function (all, breaks, at) {
      var marks = new Array(breaks.replace(/\r\n/g, "\n").length + 1).join("\u00b6");
      return (at > 0 ? " " : "") + marks + (at + all.length < text.length ? " " : "");
    });
  }

  function fromOneLine(text) {
    return text.replace(/ ?(\u00b6+) ?/g, function (all, marks) {
      return new Array(marks.length + 1).join("\n");
    });
  }

  // A SCORM 2004 localized string that starts with "{" would be read as a
  // "{lang=…}" delimiter (RTE §4.1.1.8); prefix an explicit language then.
  function langSafe(text, lang) {
    return text.charAt(0) === "{" ? "{lang=" + lang + "}" + text : text;
  }

  function stripLang(text) {
    return text.replace(/^\{lang=[^}]*\}/, "");
  }

  /* ---------- suspend_data: "lp1;r=<0|1>;n=<length>;c=<0|1>;p=<seconds>;w=<intervals>" ---------- */

  // r: a response was saved, n characters long; c: the lesson was completed; p: the
  // position in the video, in seconds.
  // Every runtime hands suspend_data back on the next launch (Open edX answers "" for
  // statuses, never for it), and one write carries all of it.

  // <intervals> is lessonpack.js's encoding of watched time: comma-separated
  // "start-end" pairs in base-36 deciseconds. It can grow with every jump in
  // the video, so it is trimmed to fit the element: the shortest intervals are
  // dropped first, which can only under-count watched time, never over-count.
  function fitIntervals(encoded, maxChars) {
    if (encoded.length <= maxChars) return encoded;
    var items = encoded.split(",").map(function (text) {
      var parts = text.split("-");
      return { text: text, len: parseInt(parts[1], 36) - parseInt(parts[0], 36), drop: false };
    });
    var total = encoded.length;
    items.slice().sort(function (a, b) { return a.len - b.len; }).forEach(function (item) {
      if (total <= maxChars) return;
      item.drop = true;
      total -= item.text.length + 1;
    });
    return items.filter(function (i) { return !i.drop; }).map(function (i) { return i.text; }).join(",");
  }

  function buildSuspend(state, maxChars) {
    var head = "lp1;r=" + (state.responseSaved ? 1 : 0) +
      (state.responseLength ? ";n=" + state.responseLength : "") + ";c=" + (state.completed ? 1 : 0) +
      ";p=" + Math.max(0, Math.floor(state.position || 0)) + ";w=";
    return head + fitIntervals(state.watched || "", maxChars - head.length);
  }

  function parseSuspend(text) {
    var out = { watched: "", responseSaved: false, responseLength: 0, completed: false, position: 0 };
    if (!/^lp1;/.test(text || "")) return out;
    text.split(";").forEach(function (field) {
      if (field.indexOf("w=") === 0) out.watched = field.slice(2);
      if (field.indexOf("p=") === 0) out.position = parseInt(field.slice(2), 10) || 0;
      if (field.indexOf("n=") === 0) out.responseLength = parseInt(field.slice(2), 10) || 0;
      if (field === "r=1") out.responseSaved = true;
      if (field === "c=1") out.completed = true;
    });
    return out;
  }

  /* ---------- The two data models ---------- */

  // Everything that differs between the versions lives in these two tables;
  // the session logic below is shared.
  var MODELS = {
    scorm12: {
      apiName: "API",
      fn: { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
        finish: "LMSFinish", error: "LMSGetLastError" },
      mode: "cmi.core.lesson_mode",
      status: "cmi.core.lesson_status",
      location: "cmi.core.lesson_location",
      exit: "cmi.core.exit",
      exitDone: "",
      sessionTime: "cmi.core.session_time",
      formatTime: cmiTimespan,
      suspendMax: 4096,           // CMIString4096 (RTE §3.4.2.2)
      responseLimit: 4096,        // cmi.comments is CMIString4096
      isDone: function (s) { return s === "completed" || s === "passed"; },
      // RTE §3.4.2.1.3: the SCO moves "not attempted" on to "incomplete". Anything else,
      // "" included (Open edX answers "" to every status read), is left as it is.
      isNew: function (s) { return s === "not attempted"; },
      markStarted: function (rt) { rt.set("cmi.core.lesson_status", "incomplete"); },
      // A full score: Moodle grades 1.2 from score.raw, Open edX from raw / 100.
      markScore: function (rt) {
        rt.set("cmi.core.score.min", "0");
        rt.set("cmi.core.score.max", "100");
        rt.set("cmi.core.score.raw", "100");
      },
      markDone: function (rt) { rt.set("cmi.core.lesson_status", "completed"); },
      // Moodle adds each write of cmi.comments to what it holds: the last `length`
      // characters are the latest response.
      readResponse: function (rt, saved) {
        var text = rt.get("cmi.comments");
        return saved.responseLength > 0 && text.length > saved.responseLength
          ? text.slice(-saved.responseLength) : text;
      },
      writeResponse: function (rt, text, slots, config) {
        var kept = clip(text, 4096);
        rt.set("cmi.comments", kept);
        var n = slots.interaction;
        if (n === null) n = slots.interaction = toCount(rt.get("cmi.interactions._count"));
        var base = "cmi.interactions." + n + ".";
        rt.set(base + "id", config.interaction);
        rt.set(base + "type", "fill-in");
        // fill-in responses are CMIFeedback, at most 255 characters on one line (RTE §3.4.2.7.5).
        rt.set(base + "student_response", clip(oneLine(text), 255));
        rt.set(base + "result", "neutral");
        rt.set(base + "time", timeOfDay(new Date()));
        return kept.length;
      }
    },
    scorm2004: {
      apiName: "API_1484_11",
      fn: { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit",
        finish: "Terminate", error: "GetLastError" },
      mode: "cmi.mode",
      status: "cmi.completion_status",
      location: "cmi.location",
      exit: "cmi.exit",
      exitDone: "normal",
      sessionTime: "cmi.session_time",
      formatTime: isoDuration,
      suspendMax: 64000,          // characterstring SPM 64000 (RTE §4.2.23)
      responseLimit: 4000,        // localized_string_type SPM 4000
      isDone: function (s) { return s === "completed"; },
      isNew: function (s) { return s === "unknown" || s === "not attempted"; },
      markStarted: function (rt) { rt.set("cmi.completion_status", "incomplete"); },
      // objectiveSetByContent="true" in our manifests: the SCO says passed.
      markScore: function (rt) {
        rt.set("cmi.score.min", "0");
        rt.set("cmi.score.max", "100");
        rt.set("cmi.score.raw", "100");
        rt.set("cmi.score.scaled", "1");
        rt.set("cmi.success_status", "passed");
      },
      markDone: function (rt) {
        rt.set("cmi.progress_measure", "1");
        rt.set("cmi.completion_status", "completed");
      },
      // The newest comment. Open edX answers "" for _count but hands back the comment it
      // stored, which this page always writes at index 0 there.
      readResponse: function (rt, saved) {
        var count = toCount(rt.get("cmi.comments_from_learner._count"));
        if (!count && !saved.responseSaved) return "";
        return fromOneLine(stripLang(rt.get("cmi.comments_from_learner." + Math.max(0, count - 1) + ".comment")));
      },
      writeResponse: function (rt, text, slots, config) {
        var lang = document.documentElement.lang || "en";
        var line = langSafe(clip(oneLine(text), 4000), lang);
        var c = slots.comment;
        if (c === null) c = slots.comment = toCount(rt.get("cmi.comments_from_learner._count"));
        var cbase = "cmi.comments_from_learner." + c + ".";
        rt.set(cbase + "comment", line);
        rt.set(cbase + "timestamp", timestamp(new Date()));
        var n = slots.interaction;
        if (n === null) n = slots.interaction = toCount(rt.get("cmi.interactions._count"));
        var base = "cmi.interactions." + n + ".";
        // RTE §4.2.9: id first, then type, before the response that the type governs.
        rt.set(base + "id", config.interaction);
        rt.set(base + "type", "long-fill-in");
        rt.set(base + "timestamp", timestamp(new Date()));
        rt.set(base + "learner_response", line);
        rt.set(base + "result", "neutral");
        return Math.min(text.length, 4000);
      }
    }
  };

  function toCount(value) {
    var n = parseInt(value, 10);
    return isFinite(n) && n > 0 ? n : 0;
  }

  /* ---------- Runtime calls ---------- */

  // Thin wrapper over the API object: string arguments as the RTE requires,
  // exceptions from a broken LMS swallowed, errors reported per call.
  function runtime(api, fn) {
    function call(name, args) {
      try {
        return String(api[name].apply(api, args));
      } catch (e) {
        return "false";
      }
    }
    function lastError() {
      return parseInt(call(fn.error, []), 10) || 0;
    }
    return {
      init: function () { return call(fn.init, [""]) === "true"; },
      // An element the LMS does not hold yet (error 403 in 2004, 201/401 in
      // 1.2) reads as "" here: callers only ever want a value or nothing.
      get: function (el) {
        var v = call(fn.get, [el]);
        return lastError() === 0 && v !== "undefined" && v !== "null" ? v : "";
      },
      set: function (el, value) {
        return call(fn.set, [el, String(value)]) === "true" && lastError() === 0;
      },
      commit: function () { return call(fn.commit, [""]) === "true"; },
      finish: function () { return call(fn.finish, [""]) === "true"; },
      lastError: lastError
    };
  }

  /* ---------- The session ---------- */

  function connect(config) {
    var primary = config.standard === "scorm2004" ? "scorm2004" : "scorm12";
    var other = primary === "scorm12" ? "scorm2004" : "scorm12";
    // The package's declared version decides which API the LMS exposes; if an
    // LMS misdetected it (lms-import.md rule 7), talking to the API that is
    // there beats tracking nothing.
    var kind = findApi(MODELS[primary].apiName) ? primary : findApi(MODELS[other].apiName) ? other : null;
    if (!kind) return null;
    var model = MODELS[kind];
    var rt = runtime(findApi(model.apiName), model.fn);
    // 101 (1.2) / 103 (2004): already initialised by an earlier script: usable.
    if (!rt.init() && [101, 103].indexOf(rt.lastError()) < 0) return null;
    return session(config, model, rt, kind);
  }

  function session(config, model, rt, kind) {
    var startedAt = Date.now();
    var scoring = !(config.completion && config.completion.score === false);
    var finished = false;
    var review = false;          // a review or browse launch: nothing is written
    var state = { watched: "", responseSaved: false, responseLength: 0, completed: false, position: 0 };
    var progressMeasure = 0;   // 2004 only: highest value reported, never lowered
    var progressCap = 0.9999;  // below completion until we say "completed"
    var slots = { interaction: null, comment: null };
    var written = {};          // element -> the value the LMS holds, as far as we know

    // Writes a value unless the LMS already holds it: a closing page has little time
    // (Open edX carries only the first write made during pagehide).
    function write(el, value) {
      value = String(value);
      if (written[el] === value) return true;
      var ok = rt.set(el, value);
      if (ok) written[el] = value;
      return ok;
    }

    function writeSuspend() {
      write("cmi.suspend_data", buildSuspend(state, model.suspendMax));
    }

    // Exit "suspend" keeps location and suspend_data for the next launch
    // (1.2 RTE §3.4.2.1.5, 2004 RTE §4.2.8); once completed the attempt ends.
    function writeExit() {
      write(model.exit, state.completed ? model.exitDone : "suspend");
    }

    function writeTime() {
      rt.set(model.sessionTime, model.formatTime(Date.now() - startedAt));
    }

    function reportMeasure(ratio) {
      if (kind !== "scorm2004") return;
      var value = Math.floor(Math.min(ratio, progressCap) * 10000) / 10000;
      if (value > progressMeasure) {
        progressMeasure = value;
        rt.set("cmi.progress_measure", value.toFixed(4));
      }
    }

    return {
      responseLimit: model.responseLimit,

      start: function () {
        var mode = rt.get(model.mode);
        review = mode === "review" || mode === "browse";
        var status = rt.get(model.status);
        var suspend = rt.get("cmi.suspend_data");
        var saved = parseSuspend(suspend);
        if (suspend) written["cmi.suspend_data"] = suspend;
        state.completed = model.isDone(status) || saved.completed;
        state.watched = saved.watched;
        state.responseSaved = saved.responseSaved;
        state.responseLength = saved.responseLength;
        var location = rt.get(model.location);
        if (location) written[model.location] = location;
        state.position = parseFloat(location) || saved.position || 0;
        if (kind === "scorm2004") {
          progressMeasure = parseFloat(rt.get("cmi.progress_measure")) || 0;
          // With a completion threshold the LMS may complete on the measure
          // alone (RTE §4.2.4.1); stay below it until our own rule says done.
          var threshold = parseFloat(rt.get("cmi.completion_threshold"));
          if (threshold > 0 && threshold <= 1) progressCap = threshold - 0.0001;
        }
        var response = model.readResponse(rt, saved);
        if (!review) {
          if (!state.completed && model.isNew(status)) model.markStarted(rt);
          if (!state.completed) writeExit();
        }
        return { position: state.position, watched: state.watched, response: response,
          responseSaved: state.responseSaved || response !== "", completed: state.completed, review: review };
      },

      progress: function (ratio, watchedEncoded, pos) {
        if (finished || review) return;
        state.watched = watchedEncoded || "";
        if (isFinite(pos)) state.position = pos;
        writeSuspend();
        if (isFinite(pos)) write(model.location, String(Math.floor(pos)));
        if (!state.completed) reportMeasure(ratio);
      },

      complete: function () {
        if (finished || review || state.completed) return;
        state.completed = true;
        progressMeasure = 1;
        // The score before the status: Open edX publishes the grade when the status
        // arrives, with the score it holds then.
        if (scoring) model.markScore(rt);
        model.markDone(rt);
        writeSuspend();
        writeExit();
        rt.commit();
      },

      saveResponse: function (text) {
        if (review) return "none";
        if (finished) return "local";
        state.responseSaved = true;
        state.responseLength = model.writeResponse(rt, text, slots, config);
        writeSuspend();
        rt.commit();
        return "lms";
      },

      commit: function () {
        if (finished || review) return;
        writeExit();
        writeTime();
        rt.commit();
      },

      // LMSFinish / Terminate exactly once (1.2 RTE §3.3.2.2, 2004 RTE §3.1.3.2);
      // any later call would be error 301/112/113 at best. lessonpack.js has just
      // pushed the progress (suspend_data first), so only what changed follows.
      finish: function () {
        if (finished) return;
        if (!review) {
          writeExit();
          writeTime();
          rt.commit();
        }
        finished = true;
        rt.finish();
      }
    };
  }

  window.LessonpackLMS = {
    connect: connect,
    // Exposed for tests of the formats only; not part of the page contract.
    _formats: { cmiTimespan: cmiTimespan, isoDuration: isoDuration, fitIntervals: fitIntervals,
      buildSuspend: buildSuspend, parseSuspend: parseSuspend, clip: clip, oneLine: oneLine,
      fromOneLine: fromOneLine, timestamp: timestamp }
  };
})();
