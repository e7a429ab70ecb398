/*
 * lessonpack — SCORM runtime for the lesson page (SCORM 1.2 and SCORM 2004).
 *
 * Loaded only inside SCORM packages, before lessonpack.js. It exposes
 *   window.LessonpackLMS = { connect(config) }
 * where connect() finds the LMS's API object, initialises the session and
 * returns an adapter with the interface lessonpack.js expects:
 *   start()                          -> {position, watched, response, responseSaved, completed}
 *   progress(ratio, watched, position)
 *   complete()
 *   saveResponse(text)               -> "lms" | "local"
 *   commit()
 *   finish()                         (terminates exactly once)
 *   responseLimit                    (characters the LMS keeps of a response)
 * or null when no LMS API can be found (the page then keeps progress locally).
 *
 * Data model elements written (Open edX scans packages for these words):
 *   1.2:  cmi.core.lesson_status, cmi.core.lesson_location, cmi.core.exit,
 *         cmi.core.session_time, cmi.suspend_data, cmi.comments, cmi.interactions.n.*
 *   2004: cmi.completion_status, cmi.progress_measure, cmi.location, cmi.exit,
 *         cmi.session_time, cmi.suspend_data, cmi.comments_from_learner.n.*,
 *         cmi.interactions.n.*
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
  // fractional seconds, which toISOString() always has ("…T10:20:30.123Z").
  function timestamp(date) {
    return date.toISOString();
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

  // Some value checks (e.g. CMIFeedback "^.*$", CMILangString4000) reject line
  // breaks; a one-line form keeps the words when the full form is refused.
  function oneLine(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  // A SCORM 2004 localized string that starts with "{" would be read as a
  // "{lang=…}" delimiter (RTE §4.1.1.8); prefix an explicit language then.
  function langSafe(text, lang) {
    return text.charAt(0) === "{" ? "{lang=" + lang + "}" + text : text;
  }

  function stripLang(text) {
    return text.replace(/^\{lang=[^}]*\}/, "");
  }

  /* ---------- suspend_data: "lp1;r=<0|1>;w=<intervals>" ---------- */

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

  function buildSuspend(watched, responseSaved, maxChars) {
    var head = "lp1;r=" + (responseSaved ? 1 : 0) + ";w=";
    return head + fitIntervals(watched || "", maxChars - head.length);
  }

  function parseSuspend(text) {
    var out = { watched: "", responseSaved: false };
    if (!/^lp1;/.test(text || "")) return out;
    text.split(";").forEach(function (field) {
      if (field.indexOf("w=") === 0) out.watched = field.slice(2);
      if (field === "r=1") out.responseSaved = true;
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
      location: "cmi.core.lesson_location",
      exit: "cmi.core.exit",
      exitDone: "",
      sessionTime: "cmi.core.session_time",
      formatTime: cmiTimespan,
      suspendMax: 4096,           // CMIString4096 (RTE §3.4.2.2)
      responseLimit: 4096,        // cmi.comments is CMIString4096
      readStatus: function (rt) { return rt.get("cmi.core.lesson_status"); },
      isDone: function (s) { return s === "completed" || s === "passed"; },
      markStarted: function (rt, s) {
        // RTE §3.4.2.1.3: the SCO moves "not attempted" on to "incomplete".
        if (s === "" || s === "not attempted") rt.set("cmi.core.lesson_status", "incomplete");
      },
      markDone: function (rt) { rt.set("cmi.core.lesson_status", "completed"); },
      readResponse: function (rt) { return rt.get("cmi.comments"); },
      writeResponse: function (rt, text, slots, config) {
        rt.set("cmi.comments", clip(text, 4096));
        var n = slots.interaction;
        if (n === null) n = slots.interaction = toCount(rt.get("cmi.interactions._count"));
        var base = "cmi.interactions." + n + ".";
        rt.set(base + "id", config.interaction);
        rt.set(base + "type", "fill-in");
        // fill-in responses are CMIFeedback, at most 255 characters (RTE §3.4.2.7.5).
        rt.set(base + "student_response", clip(oneLine(text), 255));
        rt.set(base + "result", "neutral");
        rt.set(base + "time", timeOfDay(new Date()));
      }
    },
    scorm2004: {
      apiName: "API_1484_11",
      fn: { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit",
        finish: "Terminate", error: "GetLastError" },
      location: "cmi.location",
      exit: "cmi.exit",
      exitDone: "normal",
      sessionTime: "cmi.session_time",
      formatTime: isoDuration,
      suspendMax: 64000,          // characterstring SPM 64000 (RTE §4.2.23)
      responseLimit: 4000,        // localized_string_type SPM 4000
      readStatus: function (rt) { return rt.get("cmi.completion_status"); },
      isDone: function (s) { return s === "completed"; },
      markStarted: function (rt, s) {
        if (s !== "completed" && s !== "incomplete") rt.set("cmi.completion_status", "incomplete");
      },
      markDone: function (rt) {
        rt.set("cmi.progress_measure", "1");
        rt.set("cmi.completion_status", "completed");
      },
      readResponse: function (rt) {
        var count = toCount(rt.get("cmi.comments_from_learner._count"));
        return count ? stripLang(rt.get("cmi.comments_from_learner." + (count - 1) + ".comment")) : "";
      },
      writeResponse: function (rt, text, slots, config) {
        var lang = document.documentElement.lang || "en";
        var c = slots.comment;
        if (c === null) c = slots.comment = toCount(rt.get("cmi.comments_from_learner._count"));
        var cbase = "cmi.comments_from_learner." + c + ".";
        rt.setText(cbase + "comment", langSafe(clip(text, 4000), lang), langSafe(clip(oneLine(text), 4000), lang));
        rt.set(cbase + "timestamp", timestamp(new Date()));
        var n = slots.interaction;
        if (n === null) n = slots.interaction = toCount(rt.get("cmi.interactions._count"));
        var base = "cmi.interactions." + n + ".";
        // RTE §4.2.9: id first, then type, before the response that the type governs.
        rt.set(base + "id", config.interaction);
        rt.set(base + "type", "long-fill-in");
        rt.set(base + "timestamp", timestamp(new Date()));
        rt.setText(base + "learner_response", langSafe(clip(text, 4000), lang), langSafe(clip(oneLine(text), 4000), lang));
        rt.set(base + "result", "neutral");
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
    var rt = {
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
      // Free text: try it as typed; if the LMS refuses the form (type
      // mismatch on line breaks, for instance) store the one-line form.
      setText: function (el, full, fallback) {
        return rt.set(el, full) || (fallback !== full && rt.set(el, fallback));
      },
      commit: function () { return call(fn.commit, [""]) === "true"; },
      finish: function () { return call(fn.finish, [""]) === "true"; },
      lastError: lastError
    };
    return rt;
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
    var finished = false;
    var completed = false;
    var responseSaved = false;
    var watched = "";
    var position = 0;
    var progressMeasure = 0;   // 2004 only: highest value reported, never lowered
    var progressCap = 0.9999;  // below completion until we say "completed"
    var slots = { interaction: null, comment: null };

    function writeSuspend() {
      rt.set("cmi.suspend_data", buildSuspend(watched, responseSaved, model.suspendMax));
    }

    // Exit "suspend" keeps location and suspend_data for the next launch
    // (1.2 RTE §3.4.2.1.5, 2004 RTE §4.2.8); once completed the attempt ends.
    function writeExitAndTime() {
      rt.set(model.exit, completed ? model.exitDone : "suspend");
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
        var status = model.readStatus(rt);
        completed = model.isDone(status);
        if (!completed) model.markStarted(rt, status);
        var saved = parseSuspend(rt.get("cmi.suspend_data"));
        watched = saved.watched;
        responseSaved = saved.responseSaved;
        position = parseFloat(rt.get(model.location)) || 0;
        if (kind === "scorm2004") {
          progressMeasure = parseFloat(rt.get("cmi.progress_measure")) || 0;
          // With a completion threshold the LMS may complete on the measure
          // alone (RTE §4.2.4.1); stay below it until our own rule says done.
          var threshold = parseFloat(rt.get("cmi.completion_threshold"));
          if (threshold > 0 && threshold <= 1) progressCap = threshold - 0.0001;
        }
        var response = model.readResponse(rt);
        if (!completed) writeExitAndTime();
        return { position: position, watched: watched, response: response,
          responseSaved: responseSaved || response !== "", completed: completed };
      },

      progress: function (ratio, watchedEncoded, pos) {
        if (finished) return;
        watched = watchedEncoded || "";
        writeSuspend();
        if (isFinite(pos)) {
          position = pos;
          rt.set(model.location, String(Math.floor(pos)));
        }
        if (!completed) reportMeasure(ratio);
      },

      complete: function () {
        if (finished || completed) return;
        completed = true;
        progressMeasure = 1;
        model.markDone(rt);
        writeExitAndTime();
        rt.commit();
      },

      saveResponse: function (text) {
        if (finished) return "local";
        responseSaved = true;
        model.writeResponse(rt, text, slots, config);
        writeSuspend();
        rt.commit();
        return "lms";
      },

      commit: function () {
        if (finished) return;
        writeExitAndTime();
        rt.commit();
      },

      // LMSFinish / Terminate exactly once (1.2 RTE §3.3.2.2, 2004 RTE §3.1.3.2);
      // any later call would be error 301/112/113 at best.
      finish: function () {
        if (finished) return;
        writeExitAndTime();
        rt.commit();
        finished = true;
        rt.finish();
      }
    };
  }

  window.LessonpackLMS = {
    connect: connect,
    // Exposed for tests of the formats only; not part of the page contract.
    _formats: { cmiTimespan: cmiTimespan, isoDuration: isoDuration, fitIntervals: fitIntervals,
      buildSuspend: buildSuspend, parseSuspend: parseSuspend, clip: clip }
  };
})();
