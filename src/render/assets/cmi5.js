/*
 * lessonpack — cmi5 runtime for the lesson page (cmi5 Quartz, "cmi5 Specification Profile for
 * xAPI"; xAPI 1.0.3). Loaded only inside cmi5 packages, before lessonpack.js. It exposes
 *   window.LessonpackLMS = { connect(config) }
 * where connect() returns null without the five launch parameters (§8.1; the page then keeps
 * progress locally), else an adapter:
 *   start()          -> a Promise of {position, watched, response, responseSaved, completed};
 *                       it never rejects: without a reachable LMS it resolves with empty state
 *                       and later calls do nothing (saveResponse answers "local")
 *   progress(ratio, watched, position), complete(), saveResponse(text) -> "lms" | "local",
 *   commit(), finish() (terminates once; on pagehide), responseLimit (Infinity)
 *
 * The session: POST the fetch URL once per launch (§8.2; the token is kept in sessionStorage, so
 * a reload does not fetch again), GET LMS.LaunchData (§10) and cmi5LearnerPreferences (§11),
 * then "initialized" first and "terminated" last (§7.1), "completed" once per registration and
 * only in Normal mode (§9.3.3, §10), "progressed" in 10 % steps until completed (§9.5.5.1), the
 * discussion response as a "cmi5 allowed" statement (§7.1.3). Position, watched seconds,
 * response and completion live in one State API document, so a relaunch resumes.
 *
 * Statements go out one at a time with PUT ?statementId= (Open edX's cmi5 block,
 * openedx-cmi5-xblock `lrs_endpoint`, records only PUT statements, and reads verb.display.en);
 * on finish() whatever is still queued goes out at once with
 * fetch(..., {keepalive: true}), which outlives the page (synchronous XHR is refused on pagehide).
 */
(function () {
  "use strict";

  var XAPI_VERSION = "1.0.3";
  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"; // §9.6.2.1
  var CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"; // §9.6.2.2
  var PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"; // §9.5.5.1
  var INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction";
  // The AU's own State document. A State document is keyed by activity, agent and registration
  // as well, so the name needs no namespace; "suspendData" is the one stateId Open edX's cmi5
  // block keeps (openedx-cmi5-xblock `lrs_endpoint`), so resuming works there too.
  var STATE_ID = "suspendData";
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

  function createAdapter(config, launch) {
    var ids = isObject(config.cmi5) ? config.cmi5 : {};
    // Keyed by registration and fetch URL: each launch has its own single-use fetch URL.
    var key = STORAGE_PREFIX + launch.registration + " " + launch.fetch;
    var session = loadSession(key); // {token, initialized (ms), terminated}
    var agent = JSON.stringify(launch.actor);
    var launchData = {};
    var mode = "Normal";
    var state = {};
    var status = "connecting"; // connecting | active | ended | offline
    var started = null;
    var unloading = false;
    var queue = [];
    var busy = false;
    var early = {}; // calls made before start() settled, replayed once the session is up

    window.addEventListener("pagehide", function () {
      unloading = true;
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

    /** GET a JSON document; null when there is none (404) or it is not a JSON object. */
    function getJson(path, params) {
      return fetch(url(path, params), { headers: headers(false), cache: "no-store" }).then(function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error("GET " + path + ": HTTP " + r.status);
        return r.json().then(function (value) { return isObject(value) ? value : null; }, function () { return null; });
      });
    }

    function send(request) {
      request.sent = true;
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
      if (request.path === "activities/state") {
        // A newer copy of the state document replaces one that has not gone out yet.
        queue = queue.filter(function (r) { return r.sent || r.path !== request.path; });
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
      if (busy || !queue.length) return;
      busy = true;
      var request = queue[0];
      send(request).then(request.resolve, request.reject).then(function () {
        if (queue[0] === request) queue.shift();
        busy = false;
        pump();
      });
    }

    function statementRequest(statement) {
      return { path: "statements", params: { statementId: statement.id }, body: statement };
    }

    function stateRequest() {
      state.au = ids.au; // whose document this is (see begin)
      return { path: "activities/state", params: stateParams(STATE_ID), body: state };
    }

    function saveState() {
      enqueue(stateRequest());
    }

    /**
     * A statement about the launched AU: the launch actor (§9.2), the launch activityId as the
     * object (§9.4; Open edX passes the course id, lms-import.md §A 20), the LMS's
     * contextTemplate with nothing overwritten (§10) plus the registration (§9.6.1), UTC
     * timestamp (§9.7). `extra`: result, categories, object, parent.
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

    function snapshot() {
      return {
        position: typeof state.position === "number" ? state.position : null,
        watched: typeof state.watched === "string" ? state.watched : null,
        response: typeof state.response === "string" ? state.response : null,
        responseSaved: typeof state.response === "string" && state.response !== "",
        completed: state.completed === true,
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
          var saved = getJson("activities/state", stateParams(STATE_ID));
          return Promise.all([preferences.catch(function () { return null; }), saved.catch(function () { return null; })]);
        })
        .then(function (found) {
          applyPreferences(found[0]);
          var saved = found[1];
          // A document another lesson wrote (an LMS passing one activityId to every AU) is not ours.
          if (saved && (saved.au === undefined || saved.au === ids.au)) state = saved;
          if (session.terminated) {
            // Reloaded after this session's "terminated" (§9.3.8: nothing may follow it): resume
            // the page, record nothing; a new launch from the LMS starts a new session.
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

    var adapter = {
      responseLimit: Infinity,

      start: function () {
        if (!started) started = begin();
        return started;
      },

      progress: function (ratio, watched, position) {
        if (early) early.progress = [ratio, watched, position];
        if (status !== "active") return;
        state.position = position;
        // The watched record only grows: a page that reports less did not get the saved state.
        if (!(ratio < state.ratio)) {
          state.watched = watched;
          state.ratio = ratio;
        }
        // Progress is completion data: none in Browse/Review (§10), none after Completed (§9.5.5.1).
        if (mode !== "Normal" || state.completed) return;
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
        // Once per registration (§9.3.3), never in Browse/Review (§10 launchMode).
        if (status !== "active" || mode !== "Normal" || state.completed) return;
        state.completed = true;
        var result = { completion: true, duration: duration(elapsed()) }; // §9.5.3, §9.5.4.1
        enqueue(statementRequest(statement("completed", { result: result, category: [CATEGORY_CMI5, CATEGORY_MOVEON] })));
        saveState();
      },

      saveResponse: function (text) {
        if (early) early.response = text;
        if (status === "connecting") return "lms"; // sent once the session is up
        if (status !== "active") return "local";
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
        if (status === "active") saveState();
      },

      finish: function () {
        if (early) early.finish = true;
        if (status !== "active") return;
        status = "ended";
        session.terminated = true;
        saveSession(key, session);
        var sessionMs = Date.now() - session.initialized;
        state.time = (state.time || 0) + sessionMs;
        var terminated = statement("terminated", {
          result: { duration: duration(sessionMs) }, // §9.5.4.1: the session's length
          category: [CATEGORY_CMI5],
        });
        // The page may be gone before a queued write would start: send what is left now.
        var pending = queue.filter(function (r) { return !r.sent && r.path !== "activities/state"; });
        queue = queue.filter(function (r) { return r.sent; });
        pending.push(stateRequest());
        pending.push(statementRequest(terminated));
        var last = null;
        pending.forEach(function (request) {
          last = send(request);
          last.catch(function (error) { warn(error.message); });
        });
        // §10 returnURL: redirect once terminated, unless the page is already going away.
        if (launchData.returnURL && !unloading) {
          var leave = function () { window.location.assign(launchData.returnURL); };
          last.then(leave, leave);
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
