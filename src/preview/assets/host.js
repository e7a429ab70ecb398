/*
 * lessonpack preview — the host page: launches the SCO in the frame as an LMS does (from the
 * package's imsmanifest.xml; for cmi5 the server reads cmi5.xml and makes the launch URL),
 * keeps the side panel (call log, CMI data; for cmi5 every statement and LRS request, checked
 * against the cmi5 rules, and the state documents) and reloads the lesson on every rebuild
 * (Server-Sent Events from /events; "lrs" events announce new LRS records).
 *
 * The panel's log and each lesson's stored CMI data live in sessionStorage, so neither a
 * relaunch nor a reload of this page loses them; "Reset attempt" forgets a lesson's data.
 * Tests read window.preview (the log, the state, the current CMI data).
 */
(function () {
  "use strict";

  var LMS = window.PreviewLMS;
  var LRS = window.PreviewLRS;
  var KEY = "lessonpack-preview:";
  var MAX_LOG = 2000;
  var ADLCP = ["http://www.adlnet.org/xsd/adlcp_rootv1p2", "http://www.adlnet.org/xsd/adlcp_v1p3"];

  function $(id) { return document.getElementById(id); }
  var frame = $("sco");
  // A page going away is when an LMS that sends late stops receiving (Open edX). The
  // lesson's own pagehide handlers were added before "load", so they run first.
  frame.addEventListener("load", function () {
    try {
      frame.contentWindow.addEventListener("pagehide", function () { if (session) session.pageGone(); });
    } catch (e) { /* a page of another origin: nothing to watch */ }
  });
  var state = null;    // the server's /api/state
  var lessons = [];    // what can be launched: { key, title, href, threshold, launchData, masteryScore }
  var session = null;  // the LMS session of the launched lesson (none on the web target)
  var cmi5 = null;     // the cmi5 launch (POST /api/cmi5/launch's answer), when cmi5 runs
  var lrsPanel = null; // the LRS's registration, session and state documents (cmi5)
  var checker = new LRS.Checker();
  var pulling = null;
  var pullAgain = false;
  var log = load("log") || [];
  var seq = log.length ? log[log.length - 1].n : 0;
  var saveTimer = null;
  var cmiTimer = null;
  var busy = Promise.resolve();

  function load(key) {
    try { return JSON.parse(sessionStorage.getItem(KEY + key)); } catch (e) { return null; }
  }
  function save(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(KEY + key);
      else sessionStorage.setItem(KEY + key, JSON.stringify(value));
    } catch (e) { /* storage full: the log is capped, the CMI data is small */ }
  }

  /* ---------- the call log ---------- */

  function push(entry) {
    seq += 1;
    entry.n = seq;
    log.push(entry);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);
    render(entry);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () { save("log", log); }, 200);
  }

  function note(text) { push({ note: text }); }

  function render(e) {
    var li = document.createElement("li");
    li.dataset.n = e.n;
    if (e.xapi) {
      renderRecord(li, e);
    } else if (e.note) {
      li.className = "note";
      li.textContent = e.note;
    } else {
      var failed = !e.query && e.error !== "0";
      li.className = (e.query ? "query" : "call") + (failed ? " failed" : "");
      li.dataset.fn = e.fn;
      li.dataset.result = e.result;
      li.dataset.error = e.error;
      var when = document.createElement("span");
      when.className = "when";
      when.textContent = "+" + (e.t / 1000).toFixed(2) + " s";
      li.appendChild(when);
      var text = e.fn + "(" + e.args.map(quote).join(", ") + ") \u2192 " + quote(e.result);
      if (!e.query) text += " \u00b7 error " + e.error + (e.errorText ? " " + e.errorText : "");
      if (e.quirk) text += " [" + e.quirk + "]";
      li.appendChild(document.createTextNode(text));
      if (e.lms) {
        var lms = document.createElement("span");
        lms.className = "lms";
        lms.textContent = " (scorm-again: " + quote(e.lms.result) + ", error " + e.lms.error +
          (e.lms.errorText ? " " + e.lms.errorText : "") + ")";
        li.appendChild(lms);
      }
    }
    var list = $("log");
    list.appendChild(li);
    while (list.children.length > MAX_LOG) list.removeChild(list.firstChild);
  }

  // A cmi5 LRS record: the statement (verb, result) or request, and the rules it breaks.
  function renderRecord(li, e) {
    var shown = LRS.describe(e.xapi);
    li.className = shown.className + (e.marks && e.marks.length ? " broken" : "");
    if (e.xapi.statement) li.dataset.verb = LRS.verb(e.xapi.statement);
    if (e.xapi.session !== null && e.xapi.session !== undefined) li.dataset.session = e.xapi.session;
    var when = document.createElement("span");
    when.className = "when";
    when.textContent = String(e.xapi.at || "").slice(11, 19);
    li.appendChild(when);
    shown.parts.forEach(function (part) {
      var span = document.createElement("span");
      if (part[0]) span.className = part[0];
      span.textContent = part[1];
      li.appendChild(span);
    });
    (e.marks || []).forEach(function (mark) {
      var span = document.createElement("span");
      span.className = "rule";
      span.textContent = " \u26a0 " + mark;
      li.appendChild(span);
    });
  }

  /* ---------- cmi5: the LRS's records ---------- */

  // Fetches the records after the last one shown, checks and logs them; one at a time.
  function pull() {
    if (pulling) { pullAgain = true; return pulling; }
    var last = load("lrs-last") || 0;
    pulling = fetch("/api/cmi5/records?after=" + last).then(function (r) { return r.json(); }).then(function (panel) {
      if (panel.last < last) {
        // A new preview process: its records start again from 1.
        save("lrs-last", 0);
        pullAgain = true;
        return;
      }
      lrsPanel = panel;
      panel.records.forEach(function (record) {
        push({ xapi: record, marks: checker.check(record) });
      });
      save("lrs-last", panel.last);
      scheduleCmi();
    }).catch(function (err) { note("Error reading the LRS: " + err.message); }).then(function () {
      pulling = null;
      if (pullAgain) { pullAgain = false; return pull(); }
    });
    return pulling;
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // After the frame is unloaded: waits a moment for the session's last statements (sent with
  // keepalive on pagehide) and says so when terminated never came.
  function endCmi5() {
    var ended = cmi5;
    cmi5 = null;
    if (!ended) return Promise.resolve();
    var tries = 0;
    function wait() {
      return pull().then(function () {
        if (checker.terminated(ended.session) || tries >= 15) return;
        tries += 1;
        return sleep(100).then(wait);
      });
    }
    return wait().then(function () {
      if (checker.started(ended.session) && !checker.terminated(ended.session)) {
        note("Session " + ended.session + " ended without terminated: an LMS would record it abandoned (cmi5 \u00a79.3.9).");
      }
    });
  }

  function launchCmi5(lesson, what, reset) {
    var step = reset ? post("/api/cmi5/reset", null) : Promise.resolve();
    return step.then(function () {
      return post("/api/cmi5/launch", { au: lesson.key, profile: $("profile").value });
    }).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(t.trim()); });
      return r.json();
    }).then(function (info) {
      cmi5 = info;
      note(what + ", session " + info.session + ", registration " + info.registration +
        ", launchMode " + info.launchMode + ", moveOn " + info.moveOn +
        (info.profile === "openedx" ? ", as Open edX's cmi5 block" : "") + ")");
      frame.src = info.url;
      return pull();
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === null ? "" : JSON.stringify(body)
    });
  }

  function quote(s) {
    var text = String(s);
    return JSON.stringify(text.length > 300 ? text.slice(0, 300) + "\u2026 (" + text.length + " characters)" : text);
  }

  /* ---------- the CMI data ---------- */

  function list(items, pick) {
    return Object.keys(items || {}).map(function (k) { return k + ": " + pick(items[k]); }).join("\n");
  }

  function showCmi() {
    var dl = $("cmi");
    dl.textContent = "";
    var rows;
    if (state && state.runtime === "cmi5") {
      rows = LRS.rows(lrsPanel);
    } else if (!session) {
      rows = [["runtime", "none: the web target has no LMS API; the page keeps progress in the browser"]];
    } else if (session.runtime === "scorm12") {
      var c = session.cmi();
      rows = [["LMS gradebook", LMS.verdict(session.runtime, session.profile, session.record()).text],
        ["cmi.core.lesson_status", c.core.lesson_status], ["cmi.core.entry", c.core.entry],
        ["cmi.core.exit", c.core.exit], ["cmi.core.lesson_location", c.core.lesson_location],
        ["cmi.core.score.raw", c.core.score.raw], ["cmi.core.session_time", c.core.session_time],
        ["cmi.suspend_data", c.suspend_data], ["cmi.comments", c.comments],
        ["cmi.interactions", list(c.interactions, function (i) {
          return [i.id, i.type, quote(i.student_response), i.result].join(" ");
        })]];
    } else {
      var d = session.cmi();
      rows = [["LMS gradebook", LMS.verdict(session.runtime, session.profile, session.record()).text],
        ["cmi.completion_status", d.completion_status], ["cmi.success_status", d.success_status],
        ["cmi.progress_measure", d.progress_measure], ["cmi.completion_threshold", d.completion_threshold],
        ["cmi.entry", d.entry], ["cmi.exit", d.exit], ["cmi.location", d.location],
        ["cmi.score.scaled", d.score && d.score.scaled], ["cmi.session_time", d.session_time],
        ["cmi.suspend_data", d.suspend_data],
        ["cmi.comments_from_learner", list(d.comments_from_learner, function (x) { return quote(x.comment); })],
        ["cmi.interactions", list(d.interactions, function (i) {
          return [i.id, i.type, quote(i.learner_response), i.result].join(" ");
        })]];
    }
    rows.forEach(function (row) {
      var dt = document.createElement("dt");
      dt.textContent = row[0];
      var dd = document.createElement("dd");
      dd.dataset.el = row[0];
      var value = row[1] === undefined || row[1] === null ? "" : String(row[1]);
      dd.textContent = (row[0] === "cmi.suspend_data" || row[0] === "state suspendData") && value ?
        "(" + value.length + " characters) " + value : value;
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
  }

  function scheduleCmi() {
    if (!cmiTimer) cmiTimer = setTimeout(function () { cmiTimer = null; showCmi(); }, 100);
  }

  /* ---------- what to launch ---------- */

  function children(el, name) {
    return Array.prototype.filter.call(el.children, function (c) { return c.localName === name; });
  }
  function adlcp(el, name) {
    for (var i = 0; i < ADLCP.length; i += 1) {
      var value = el.getAttributeNS(ADLCP[i], name);
      if (value) return value;
    }
    return "";
  }
  function childText(el, name) {
    var found = children(el, name)[0];
    return found ? found.textContent.trim() : "";
  }

  // The SCOs of the default organization, read from imsmanifest.xml as an LMS reads them.
  function readManifest() {
    return fetch("/package/imsmanifest.xml").then(function (response) {
      if (!response.ok) throw new Error("the package has no imsmanifest.xml (" + response.status + ")");
      return response.text();
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "application/xml");
      if (doc.getElementsByTagName("parsererror").length) throw new Error("imsmanifest.xml is not well-formed");
      var all = function (name) { return Array.prototype.slice.call(doc.getElementsByTagNameNS("*", name)); };
      var resources = {};
      all("resource").forEach(function (r) { resources[r.getAttribute("identifier")] = r; });
      var orgs = all("organizations")[0];
      var wanted = orgs ? orgs.getAttribute("default") : null;
      var org = all("organization").filter(function (o) { return o.getAttribute("identifier") === wanted; })[0] ||
        all("organization")[0];
      var items = org ? Array.prototype.slice.call(org.getElementsByTagNameNS("*", "item")) : [];
      return items.map(function (item) {
        var res = resources[item.getAttribute("identifierref")];
        if (!res || !res.getAttribute("href")) return null;
        var type = adlcp(res, "scormtype") || adlcp(res, "scormType");
        if (type !== "sco") return null;
        var threshold = children(item, "completionThreshold")[0];
        return {
          key: item.getAttribute("identifier"),
          title: childText(item, "title"),
          href: res.getAttribute("href") + (item.getAttribute("parameters") || ""),
          threshold: threshold ? threshold.getAttribute("minProgressMeasure") || threshold.textContent.trim() : "",
          launchData: childText(item, "datafromlms") || childText(item, "dataFromLMS"),
          masteryScore: childText(item, "masteryscore")
        };
      }).filter(Boolean);
    });
  }

  function refresh() {
    return fetch("/api/state").then(function (r) { return r.json(); }).then(function (s) {
      state = s;
      var status = $("build");
      status.textContent = "build " + s.build + ": " + s.summary;
      status.className = s.ok ? "" : "failed";
      $("errors").hidden = !s.findings || s.ok;
      $("findings").textContent = s.findings;
      $("module-title").textContent = s.module ? s.module.title : "lessonpack preview";
      fill($("target"), s.targets.map(function (t) { return [t, t]; }), s.target);
      showRuntime();
      if (s.runtime === "cmi5") {
        if (!Array.isArray(s.aus)) throw new Error((s.aus && s.aus.error) || "no cmi5.xml in the build");
        return s.aus.map(function (a) { return { key: a.id, title: a.title, href: a.url }; });
      }
      if (s.runtime === "none") {
        return s.lessons.map(function (l) { return { key: l.id, title: l.title, href: l.href }; });
      }
      return readManifest();
    }).then(function (found) {
      lessons = found;
      var chosen = load("lesson");
      fill($("lesson"), lessons.map(function (l) { return [l.key, l.title]; }),
        lessons.some(function (l) { return l.key === chosen; }) ? chosen : lessons.length ? lessons[0].key : "");
    });
  }

  function fill(select, options, value) {
    select.textContent = "";
    options.forEach(function (o) {
      var option = document.createElement("option");
      option.value = o[0];
      option.textContent = o[1];
      select.appendChild(option);
    });
    select.value = value;
  }

  /* ---------- launching ---------- */

  // Each LMS profile keeps its own record of the attempt, in its own shape.
  function cmiKey(lesson) {
    return "cmi:" + (state.module ? state.module.id : "") + ":" + state.runtime + ":" + lesson.key +
      ":" + $("profile").value;
  }

  // Unloads the lesson page: its pagehide handler commits and finishes, as in an LMS.
  function unload() {
    return new Promise(function (resolve) {
      var src = frame.getAttribute("src");
      if (!src || src === "about:blank") return resolve();
      var done = false;
      var finish = function () { if (!done) { done = true; resolve(); } };
      frame.addEventListener("load", finish, { once: true });
      setTimeout(finish, 3000);
      frame.src = "about:blank";
    });
  }

  // Runs the steps of launches, switches and rebuilds one after the other.
  function queue(step) {
    busy = busy.then(step).catch(function (err) { note("Error: " + err.message); });
    return busy;
  }

  function launch(reason, reset) {
    return queue(function () { return relaunch(reason, reset); });
  }

  function relaunch(reason, reset) {
    return unload().then(endCmi5).then(function () {
      if (session && !session.end()) {
        note("The lesson did not call " + session.m.finish + " before it was unloaded: what it set " +
          "after its last " + session.m.commit + " is lost, as it would be in an LMS.");
      }
      session = null;
      delete window.API;
      delete window.API_1484_11;
      var lesson = lessons.filter(function (l) { return l.key === $("lesson").value; })[0] || lessons[0];
      if (!lesson) return note(reason + ": nothing to launch");
      var what = reason + ": \u201c" + lesson.title + "\u201d (" + state.target;
      if (state.runtime === "cmi5") return launchCmi5(lesson, what, reset);
      if (reset) {
        save(cmiKey(lesson), null);
        note("Attempt reset: the stored data of \u201c" + lesson.title + "\u201d is forgotten.");
      }
      if (state.runtime === "none") {
        note(what + ", no LMS API)");
      } else {
        var profile = $("profile").value;
        var record = load(cmiKey(lesson));
        var start = LMS.launchData(state.runtime, record, lesson, profile);
        session = new LMS.Session({
          runtime: state.runtime,
          profile: profile,
          record: record,
          data: start.data,
          answers: start.answers,
          onCall: function (entry) { push(entry); scheduleCmi(); },
          onStore: function (stored) { save(cmiKey(lesson), stored); scheduleCmi(); }
        });
        window[session.m.global] = session.facade;
        var entry = !start.data ? "as the LMS stored it" : state.runtime === "scorm12" ?
          start.data.core.entry : start.data.entry;
        note(what + ", " + LMS.PROFILES[profile].label + ", entry \"" + entry + "\")" +
          (start.note ? "; " + start.note : ""));
      }
      showCmi();
      frame.src = "/package/" + lesson.href;
    });
  }

  /* ---------- controls and live reload ---------- */

  // cmi5 has two LMSs here: the spec's, and Open edX's cmi5 block (Moodle has no cmi5 of its own).
  var CMI5_NOTES = {
    spec: "cmi5: this preview is the LMS and the LRS. Each launch is a session of one registration " +
      "(launchMode Normal, moveOn from cmi5.xml) with a fetch URL that hands out its token once; " +
      "the log checks each statement against the cmi5 rules. Reset attempt starts a new registration.",
    openedx: "cmi5 as Open edX's cmi5 block does it: every lesson gets the course id as activityId and " +
      "so one state document for all lessons; no launched statement; the same token on every fetch; " +
      "only PUT statements and the suspendData document are kept, any other write is answered 200 and " +
      "dropped; the gradebook counts only passed and failed (a lesson that sends only completed shows 0/1)."
  };

  function showProfile() {
    var profile = $("profile").value;
    $("profile-note").textContent = state && state.runtime === "cmi5" ?
      CMI5_NOTES[profile === "openedx" ? "openedx" : "spec"] +
        (/^moodle/.test(profile) ? " Moodle has no cmi5 of its own: the spec's LMS plays it." : "") :
      LMS.PROFILES[profile].note;
  }

  // Headings and controls that differ between SCORM and cmi5.
  function showRuntime() {
    var xapi = state.runtime === "cmi5";
    $("data-title").textContent = xapi ? "xAPI data" : "CMI data";
    $("log-title").textContent = xapi ? "Statements and LRS requests" : "API calls";
    $("queries-label").textContent = xapi ? "show reads (GET)" : "show error queries";
    $("profile").disabled = state.runtime === "none";
    showProfile();
  }

  $("target").addEventListener("change", function () {
    var target = $("target").value;
    $("build").textContent = "building " + target + "\u2026";
    queue(function () {
      return fetch("/api/target", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ target: target })
      }).then(refresh);
    });
    launch("switched to " + target);
  });
  $("lesson").addEventListener("change", function () {
    save("lesson", $("lesson").value);
    launch("lesson chosen");
  });
  $("profile").addEventListener("change", function () {
    save("profile", $("profile").value);
    showProfile();
    launch("LMS profile changed");
  });
  $("relaunch").addEventListener("click", function () { launch("relaunch"); });
  $("reset").addEventListener("click", function () { launch("new attempt", true); });
  $("show-queries").addEventListener("change", function () {
    $("log").classList.toggle("queries", $("show-queries").checked);
  });
  $("clear-log").addEventListener("click", function () {
    log = [];
    save("log", log);
    $("log").textContent = "";
  });

  fill($("profile"), Object.keys(LMS.PROFILES).map(function (k) { return [k, LMS.PROFILES[k].label]; }),
    LMS.PROFILES[load("profile")] ? load("profile") : "scorm-again");
  showProfile();
  log.forEach(function (e) {
    if (e.xapi) checker.check(e.xapi);
    render(e);
  });
  window.addEventListener("pagehide", function () { save("log", log); });

  var events = new EventSource("/events");
  events.addEventListener("lrs", function () {
    if (state && state.runtime === "cmi5") pull();
  });
  events.addEventListener("build", function (event) {
    var info = JSON.parse(event.data);
    queue(refresh);
    if (info.ok) {
      note("Rebuilt (build " + info.build + "): " + info.summary + "; reloading the lesson.");
      launch("live reload");
    } else {
      note("Build " + info.build + " failed: the lesson stays as it was; see the errors above.");
    }
  });

  window.preview = {
    log: function () { return log.slice(); },
    state: function () { return state; },
    runtime: function () { return session ? session.runtime : cmi5 ? "cmi5" : "none"; },
    cmi5: function () { return cmi5; },
    lrs: function () { return lrsPanel; },
    statements: function () {
      return log.filter(function (e) { return e.xapi && e.xapi.statement; }).map(function (e) {
        return { verb: LRS.verb(e.xapi.statement), session: e.xapi.session, lms: !!e.xapi.lms,
          marks: e.marks || [], statement: e.xapi.statement };
      });
    },
    cmi: function () { return session ? session.cmi() : null; },
    ready: queue(refresh).then(function () { return launch("first launch"); })
  };
})();
