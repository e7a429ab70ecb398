/*
 * lessonpack — cmi5 runtime for the lesson page (cmi5 Quartz, "cmi5 Specification Profile for
 * xAPI"; xAPI 1.0.3). Loaded only inside cmi5 packages, before lessonpack.js. It exposes
 *   window.LessonpackLMS = { connect(config) }
 * where connect() returns null without the five launch parameters (§8.1; the page then keeps
 * progress locally), else an adapter:
 *   start()          -> a Promise of {position, watched, response, responseSaved, completed,
 *                       ended, review}; it never rejects: without a reachable LMS it resolves
 *                       with empty state and later calls do nothing (saveResponse answers
 *                       "local"). `ended`: the page was reloaded after this launch's
 *                       "terminated", so nothing more can be recorded (relaunch from the LMS);
 *                       `review`: launchMode Browse or Review, nothing is recorded but
 *                       "initialized" and "terminated" (§10)
 *   progress(ratio, watched, position), complete(), saveResponse(text) -> "lms" | "local",
 *   commit(), finish() (terminates once; on pagehide), responseLimit (Infinity)
 *
 * The session: POST the fetch URL once per launch (§8.2; the token is kept in sessionStorage, so
 * a reload does not fetch again), GET LMS.LaunchData (§10) and cmi5LearnerPreferences (§11),
 * then "initialized" first and "terminated" last (§7.1), "completed" once per registration and
 * only in Normal mode (§9.3.3, §10), then "passed" with a full score when the lesson reports
 * one (config.completion.score, true unless false; §9.3.4, §9.5.1), "progressed" in 10 % steps
 * until completed (§9.5.5.1), the discussion response as a "cmi5 allowed" statement (§7.1.3).
 *
 * Position, watched seconds, response and completion live in one State API document, under
 * this lesson's own key: {"lessonpack": 2, "lessons": {"<au id>": {…}}}. Open edX's cmi5 block
 * hands every lesson of a package the same activityId (the course id) and keeps one
 * "suspendData" document per block, so each lesson merges its entry into the latest document
 * it has read (it reads the document again before each queued write) instead of replacing it.
 * The xAPI State API's POST merge would do that in one request, but Open edX's handler answers
 * a POST to the state resource with 200 and drops it (openedx-cmi5-xblock 0.1.3
 * `lrs_endpoint`), so writes are GET, merge, PUT. A document of the first shape (version 1:
 * the lesson's fields at the top, with "au") is read when its "au" is this lesson's.
 *
 * Statements go out one at a time with PUT ?statementId= (Open edX's cmi5 block records only
 * PUT statements, reads verb.display.en, and grades only "passed"/"failed" from
 * result.score.scaled); on finish() whatever is still queued goes out at once with
 * fetch(..., {keepalive: true}), which outlives the page (synchronous XHR is refused on pagehide).
 */
(function () {
  "use strict";

  var XAPI_VERSION = "1.0.3";
  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"; // §9.6.2.1
  var CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"; // §9.6.2.2
  var MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"; // §9.6.3.2
  var PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"; // §9.5.5.1
  var INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction";
  // The AU's State document. A State document is keyed by activity, agent and registration
  // as well, so the name needs no namespace; "suspendData" is the one stateId Open edX's cmi5
  // block keeps (openedx-cmi5-xblock `lrs_endpoint`), so resuming works there too.
  var STATE_ID = "suspendData";
  var STATE_VERSION = 2;
  // A lesson that reached its completion rule has full marks. §9.5.1: scaled 0–1; raw an
  // integer between min and max, which must then be given too. Open edX grades `scaled`.
  var FULL_SCORE = { scaled: 1, raw: 100, min: 0, max: 100 };
  var STORAGE_PREFIX = "lessonpack.cmi5 ";
  // Chromium allows 64 KiB of keepalive request bodies in flight.
  var KEEPALIVE_LIMIT = 60000;

  function warn(message) {
    if (window.console) console.warn("lessonpack cmi5: " + message);
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  /** The five launch parameters (§8.1), or null when one is missing or malformed. */
  function launchParameters(search) {
    var query = new URLSearchParams(search);
    var launch = {};
    var names = ["endpoint", "fetch", "actor", "registration", "activityId"];
    for (var i = 0; i < names.length; i++) {
      var value = query.get(names[i]);
      if (!value) return null;
      launch[names[i]] = value;
    }
    try {
      launch.actor = JSON.parse(launch.actor);
    } catch (e) {
      return null;
    }
    if (!isObject(launch.actor)) return null;
    if (launch.endpoint.slice(-1) !== "/") launch.endpoint += "/";
    return launch;
  }

  /** A random (version 4) UUID for a statement id (§9.1); works outside secure contexts too. */
  function uuid() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  /** Milliseconds as an ISO 8601 duration, to the hundredth of a second (§9.5.4): PT1H2M3.5S. */
  function duration(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000);
    var m = Math.floor((cs % 360000) / 6000);
    var s = ((cs % 6000) / 100).toFixed(2).replace(/\.?0+$/, "");
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s + "S";
  }

  // This launch's token and session marks in the tab (sandboxed frames may refuse storage).
  function loadSession(key) {
    try {
      var value = JSON.parse(window.sessionStorage.getItem(key));
      return isObject(value) ? value : {};
    } catch (e) {
      return {};
    }
  }

  function saveSession(key, value) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* refused or full: a reload fetches again, is refused, and keeps progress locally */
    }
  }

  /** Appends activity `id` to the context activities list `name` unless it is there already. */
  function addActivity(activities, name, id) {
    var list = activities[name];
    list = Array.isArray(list) ? list : isObject(list) ? [list] : [];
    if (!list.some(function (a) { return isObject(a) && a.id === id; })) {
      list.push({ objectType: "Activity", id: id });
    }
    activities[name] = list;
  }

  /* ---------- The state document: one entry per lesson ---------- */

  /** A version 1 document's lesson fields (everything but "au"). */
  function firstShape(doc) {
    var entry = {};
    Object.keys(doc).forEach(function (k) {
      if (k !== "au") entry[k] = doc[k];
    });
    return entry;
  }

  /** Lesson `au`'s entry in a stored document, or null when the document holds none. */
  function readEntry(doc, au) {
    if (!isObject(doc)) return null;
    if (isObject(doc.lessons)) return isObject(doc.lessons[au]) ? doc.lessons[au] : null;
    // Version 1 kept one lesson's fields at the top; another lesson's are not ours.
    return doc.au === au ? firstShape(doc) : null;
  }

  /**
   * `doc` with `entry` as lesson `au`'s, every other lesson's entry kept (a version 1 document
   * of another lesson becomes that lesson's entry, so its learners keep their place).
   */
  function withEntry(doc, au, entry) {
    var out = { lessonpack: STATE_VERSION, lessons: {} };
    if (isObject(doc) && isObject(doc.lessons)) {
      Object.keys(doc.lessons).forEach(function (k) { out.lessons[k] = doc.lessons[k]; });
    } else if (isObject(doc) && typeof doc.au === "string") {
      out.lessons[doc.au] = firstShape(doc);
    }
    out.lessons[au] = entry;
    return out;
  }

  /**
   * This page's entry after another copy of it was stored (this lesson in another tab): the
   * page's values win, but what only grows keeps its largest value, so a page that did not
   * see a completion never undoes it.
   */
  function mergeEntry(mine, stored) {
    if (!isObject(stored)) return mine;
    var out = Object.assign({}, stored, mine);
    if (stored.completed === true) out.completed = true;
    if (stored.passed === true) out.passed = true;
    if (stored.progress > (mine.progress || 0)) out.progress = stored.progress;
    if (stored.time > (mine.time || 0)) out.time = stored.time;
    if (typeof stored.ratio === "number" && !(stored.ratio <= mine.ratio)) {
      out.ratio = stored.ratio;
      out.watched = stored.watched;
    }
    return out;
  }

  function createAdapter(config, launch) {
    var ids = isObject(config.cmi5) ? config.cmi5 : {};
    var au = ids.au || launch.activityId; // this lesson's key in the state document
    // Whether completion also reports a full score ("passed"); only an explicit false says no.
    var scored = !(isObject(config.completion) && config.completion.score === false);
    // Keyed by registration and fetch URL: each launch has its own single-use fetch URL; and
    // by lesson, for an LMS that gives every lesson the same fetch URL (Open edX).
    var key = STORAGE_PREFIX + launch.registration + " " + launch.fetch + " " + au;
    var session = loadSession(key); // {token, initialized (ms), terminated}
    var agent = JSON.stringify(launch.actor);
    var launchData = {};
    var mode = "Normal";
    var state = {}; // this lesson's entry
    var known = null; // the state document as last read or written
    var knownRead = false; // whether `known` came from the LRS (null: there is none)
    var status = "connecting"; // connecting | active | ended | offline
    var started = null;
    var unloading = false;
    var queue = [];
    var busy = false;
    var early = {}; // calls made before start() settled, replayed once the session is up

    window.addEventListener("pagehide", function () {
      unloading = true;
      // Leaving while an earlier finish() still drains the queue: the rest goes now.
      if (status === "ended") sendRemaining();
    });

    function url(path, params) {
      return launch.endpoint + path + "?" + new URLSearchParams(params).toString();
    }

    function headers(json) {
      var h = { Authorization: "Basic " + session.token, "X-Experience-API-Version": XAPI_VERSION };
      if (json) h["Content-Type"] = "application/json";
      return h;
    }

    function stateParams(stateId) {
      return { stateId: stateId, activityId: launch.activityId, agent: agent, registration: launch.registration };
    }

    /**
     * GET a JSON document; null when there is none (404, or an empty 204) or it is not a JSON
     * object. A body that cannot be read (cut off while the page goes away, not JSON) is an
     * error, not "none": a state document merged into nothing would drop the other lessons'
     * entries.
     */
    function getJson(path, params) {
      return fetch(url(path, params), { headers: headers(false), cache: "no-store" }).then(function (r) {
        if (r.status === 404 || r.status === 204) return null;
        if (!r.ok) throw new Error("GET " + path + ": HTTP " + r.status);
        return r.json().then(function (value) { return isObject(value) ? value : null; });
      });
    }

    function send(request) {
      var body = JSON.stringify(request.body);
      var size = new TextEncoder().encode(body).length;
      return fetch(url(request.path, request.params), {
        method: "PUT",
        headers: headers(true),
        body: body,
        keepalive: size < KEEPALIVE_LIMIT,
      }).then(function (r) {
        if (!r.ok) throw new Error("PUT " + request.path + ": HTTP " + r.status);
      });
    }

    /** Queues a write; writes go out one at a time, in order. Resolves when it was stored. */
    function enqueue(request) {
      if (request.merge) {
        // One state write waiting is enough: it takes this lesson's entry as it is then.
        queue = queue.filter(function (r) { return r.sent || !r.merge; });
      }
      request.done = new Promise(function (resolve, reject) {
        request.resolve = resolve;
        request.reject = reject;
      });
      request.done.catch(function (error) { warn(error.message); });
      queue.push(request);
      pump();
      return request.done;
    }

    function pump() {
      // Once the page goes, sendRemaining() sends the queue: nothing may start reading first.
      if (busy || !queue.length || unloading) return;
      busy = true;
      var request = queue[0];
      request.sent = true;
      var ready = request.merge ? prepareState(request) : Promise.resolve(true);
      ready
        .then(function (go) { return go ? send(request) : undefined; })
        .then(request.resolve, request.reject)
        .then(function () {
          if (queue[0] === request) queue.shift();
          busy = false;
          pump();
        });
    }

    /**
     * The page is going away: a queued write might never start, so what is left goes out now,
     * at once (keepalive; the order is then the network's). No time to read the state document
     * again: this lesson's entry goes into the last one read, once.
     */
    function sendRemaining() {
      var pending = queue.filter(function (r) { return !r.sent; });
      queue = queue.filter(function (r) { return r.sent; });
      // Never read: writing this lesson alone could erase the others' entries.
      var lastState = knownRead ? pending.filter(function (r) { return r.merge; }).pop() : null;
      pending.forEach(function (request) {
        if (request.merge && request !== lastState) return;
        if (request.merge) request.body = stateDocument(known);
        request.sent = true;
        send(request).catch(function (error) { warn(error.message); });
      });
    }

    /**
     * Reads the stored document again and merges this lesson's entry into it, so another
     * lesson's writes since (one document for all lessons, Open edX) are kept. False when the
     * session ended meanwhile (finish() wrote the document), unless this is finish()'s write.
     */
    function prepareState(request) {
      var latest = getJson("activities/state", stateParams(STATE_ID)).then(
        function (doc) { knownRead = true; return doc; },
        function (error) {
          // Not readable now: the last document read will do. None read yet: a later write
          // tries again rather than write this lesson's entry alone.
          if (!knownRead) throw error;
          return known;
        });
      return latest.then(function (doc) {
        if (status !== "active" && !request.last) return false;
        request.body = stateDocument(doc);
        return true;
      });
    }

    /** The document to write: `latest` with this lesson's entry merged in; remembered. */
    function stateDocument(latest) {
      state = mergeEntry(state, readEntry(latest, au));
      known = withEntry(latest, au, state);
      return known;
    }

    function statementRequest(statement) {
      return { path: "statements", params: { statementId: statement.id }, body: statement };
    }

    function saveState() {
      enqueue({ path: "activities/state", params: stateParams(STATE_ID), merge: true });
    }

    /**
     * A statement about the launched AU: the launch actor (§9.2), the launch activityId as the
     * object (§9.4; Open edX passes the course id, lms-import.md §A 20), the LMS's
     * contextTemplate with nothing overwritten (§10) plus the registration (§9.6.1), UTC
     * timestamp (§9.7). `extra`: result, categories, object, parent, context extensions.
     */
    function statement(verb, extra) {
      var context = JSON.parse(JSON.stringify(isObject(launchData.contextTemplate) ? launchData.contextTemplate : {}));
      if (!context.registration) context.registration = launch.registration;
      var activities = isObject(context.contextActivities) ? context.contextActivities : {};
      // The publisher id grouping activity (§9.6.2.3), when the LMS's template has none.
      if (ids.au && !activities.grouping) addActivity(activities, "grouping", ids.au);
      (extra.category || []).forEach(function (id) { addActivity(activities, "category", id); });
      if (extra.parent) addActivity(activities, "parent", extra.parent);
      context.contextActivities = activities;
      if (extra.extensions) {
        var extensions = isObject(context.extensions) ? context.extensions : {};
        Object.keys(extra.extensions).forEach(function (k) {
          if (!(k in extensions)) extensions[k] = extra.extensions[k];
        });
        context.extensions = extensions;
      }
      var s = {
        id: uuid(),
        timestamp: new Date().toISOString(),
        actor: launch.actor,
        verb: { id: VERBS + verb, display: { en: verb } },
        object: extra.object || { objectType: "Activity", id: launch.activityId },
        context: context,
      };
      if (extra.result) s.result = extra.result;
      return s;
    }

    function fetchToken() {
      // §8.2: POST (never GET), once; errors come back as 200 with "error-code" (§8.2.3).
      return fetch(launch.fetch, { method: "POST", cache: "no-store" }).then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok || !isObject(body) || typeof body["auth-token"] !== "string") {
            throw new Error("fetch URL refused a token: " + ((body && body["error-text"]) || r.status));
          }
          return body["auth-token"];
        });
      });
    }

    function applyPreferences(preferences) {
      // §11.2: the AU MUST turn the audio on or off at startup per audioPreference.
      var audio = preferences && preferences.audioPreference;
      var media = document.getElementById("lp-media");
      if ((audio === "on" || audio === "off") && media && media.tagName === "VIDEO") {
        media.muted = audio === "off";
      }
    }

    /** §10 launchMode: only Normal records completion data (Browse and Review look around). */
    function normal() {
      return mode === "Normal";
    }

    function snapshot() {
      return {
        position: typeof state.position === "number" ? state.position : null,
        watched: typeof state.watched === "string" ? state.watched : null,
        response: typeof state.response === "string" ? state.response : null,
        responseSaved: typeof state.response === "string" && state.response !== "",
        completed: state.completed === true,
        ended: status === "ended",
        review: !normal(),
      };
    }

    function begin() {
      var token = session.token ? Promise.resolve(session.token) : fetchToken();
      return token
        .then(function (value) {
          session.token = value;
          saveSession(key, session);
          return getJson("activities/state", stateParams("LMS.LaunchData"));
        })
        .then(function (data) {
          if (!data) throw new Error("the LMS wrote no LMS.LaunchData state document");
          launchData = data; // §10: the AU never modifies it
          mode = data.launchMode || "Normal";
          var preferences = getJson("agents/profile", { agent: agent, profileId: "cmi5LearnerPreferences" });
          var saved = getJson("activities/state", stateParams(STATE_ID)).then(function (doc) {
            knownRead = true;
            return doc;
          });
          return Promise.all([preferences.catch(function () { return null; }), saved.catch(function () { return null; })]);
        })
        .then(function (found) {
          applyPreferences(found[0]);
          known = found[1];
          state = readEntry(known, au) || {};
          if (session.terminated) {
            // Reloaded after this session's "terminated" (§9.3.8: nothing may follow it): the
            // page says so and records nothing; a new launch from the LMS starts a new session.
            status = "ended";
            return snapshot();
          }
          status = "active";
          var initialized = Promise.resolve(); // a reload before pagehide: the same session
          if (!session.initialized) {
            session.initialized = Date.now();
            saveSession(key, session);
            initialized = enqueue(statementRequest(statement("initialized", { category: [CATEGORY_CMI5] })));
          }
          // Completed before the lesson reported a score: its "passed" is still owed.
          if (state.completed && pass()) saveState();
          replayEarlyCalls();
          return initialized.then(snapshot);
        })
        .catch(function (error) {
          if (!session.terminated) delete session.initialized;
          saveSession(key, session);
          status = "offline";
          warn(error.message + "; progress is kept in this browser");
          return snapshot();
        });
    }

    function replayEarlyCalls() {
      var calls = early;
      early = null;
      if (calls.progress) adapter.progress.apply(null, calls.progress);
      if (calls.complete) adapter.complete();
      if (calls.response !== undefined) adapter.saveResponse(calls.response);
      if (calls.finish) adapter.finish();
    }

    /** Milliseconds spent in this lesson: earlier sessions plus this one. */
    function elapsed() {
      return (state.time || 0) + (Date.now() - session.initialized);
    }

    /** The mastery score LMS.LaunchData gives (§10), or null. */
    function masteryScore() {
      var value = launchData.masteryScore;
      if (typeof value === "string" && value.trim() !== "") value = Number(value);
      return typeof value === "number" && isFinite(value) ? value : null;
    }

    /**
     * "passed" with a full score, once per registration, in Normal mode, for a lesson that
     * reports a score (§9.3.4, §9.5.1, §9.5.2; moveOn category §9.6.2.2, duration §9.5.4.1).
     * The scaled score 1 meets any mastery score (0–1), which the statement then carries
     * (§9.6.3.2). Whether it was queued.
     */
    function pass() {
      if (!scored || status !== "active" || !normal() || state.passed) return false;
      var mastery = masteryScore();
      if (mastery !== null && mastery > FULL_SCORE.scaled) {
        warn("masteryScore " + mastery + " is above 1: no score can pass it");
        return false;
      }
      var extra = {
        result: { success: true, score: Object.assign({}, FULL_SCORE), duration: duration(elapsed()) },
        category: [CATEGORY_CMI5, CATEGORY_MOVEON],
      };
      if (mastery !== null) {
        extra.extensions = {};
        extra.extensions[MASTERY_SCORE] = mastery;
      }
      state.passed = true;
      enqueue(statementRequest(statement("passed", extra)));
      return true;
    }

    var adapter = {
      responseLimit: Infinity,

      start: function () {
        if (!started) started = begin();
        return started;
      },

      progress: function (ratio, watched, position) {
        if (early) early.progress = [ratio, watched, position];
        // Browse/Review record nothing, not even the position: the learner is looking back.
        if (status !== "active" || !normal()) return;
        state.position = position;
        // The watched record only grows: a page that reports less did not get the saved state.
        if (!(ratio < state.ratio)) {
          state.watched = watched;
          state.ratio = ratio;
        }
        // Progress is completion data: none after Completed (§9.5.5.1).
        if (state.completed) return;
        var percent = Math.min(100, Math.floor(ratio * 10 + 1e-9) * 10);
        if (percent > (state.progress || 0)) {
          state.progress = percent;
          var result = { extensions: {} };
          result.extensions[PROGRESS] = percent;
          enqueue(statementRequest(statement("progressed", { result: result })));
          saveState();
        }
      },

      complete: function () {
        if (early) early.complete = true;
        if (status !== "active" || !normal()) return; // never in Browse/Review (§10 launchMode)
        var changed = false;
        if (!state.completed) {
          // Once per registration (§9.3.3).
          state.completed = true;
          var result = { completion: true, duration: duration(elapsed()) }; // §9.5.3, §9.5.4.1
          enqueue(statementRequest(statement("completed", { result: result, category: [CATEGORY_CMI5, CATEGORY_MOVEON] })));
          changed = true;
        }
        if (pass()) changed = true;
        if (changed) saveState();
      },

      saveResponse: function (text) {
        if (early) early.response = text;
        if (status === "connecting") return "lms"; // sent once the session is up
        if (status !== "active" || !normal()) return "local";
        state.response = text;
        if (text && ids.response) {
          // "cmi5 allowed" (§7.1.3): the context template without the cmi5 category; the
          // object is the prompt as a long-fill-in interaction of the launched AU.
          var object = {
            objectType: "Activity",
            id: ids.response,
            definition: { type: INTERACTION, interactionType: "long-fill-in" },
          };
          var answered = statement("answered", { object: object, parent: launch.activityId, result: { response: text } });
          enqueue(statementRequest(answered));
        }
        saveState();
        return "lms";
      },

      commit: function () {
        if (status === "active" && normal()) saveState();
      },

      finish: function () {
        if (early) early.finish = true;
        if (status !== "active") return;
        status = "ended";
        session.terminated = true;
        saveSession(key, session);
        var sessionMs = Date.now() - session.initialized;
        var terminated = statementRequest(statement("terminated", {
          result: { duration: duration(sessionMs) }, // §9.5.4.1: the session's length
          category: [CATEGORY_CMI5],
        }));
        if (normal()) {
          state.time = (state.time || 0) + sessionMs;
          enqueue({ path: "activities/state", params: stateParams(STATE_ID), merge: true, last: true });
        }
        var done = enqueue(terminated);
        if (unloading) {
          sendRemaining();
        } else if (launchData.returnURL) {
          // §10 returnURL: redirect once terminated (the queue goes out in order, it last).
          var leave = function () { window.location.assign(launchData.returnURL); };
          done.then(leave, leave);
        }
      },
    };
    return adapter;
  }

  window.LessonpackLMS = {
    /** The cmi5 adapter for this launch, or null when the page was not launched by an LMS. */
    connect: function (config) {
      if (!config || config.standard !== "cmi5") return null;
      var launch = launchParameters(window.location.search);
      return launch ? createAdapter(config, launch) : null;
    },
  };
})();
