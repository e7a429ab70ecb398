/*
 * lessonpack — LTI runtime for lesson pages hosted by `lessonpack serve`. Loaded before
 * lessonpack.js; it exposes
 *   window.LessonpackLMS = { connect(config, localAdapter) }
 * where connect() returns null when the page was not opened by an LTI launch (no session:
 * the page then keeps progress locally, as the plain web build does), else lessonpack.js's
 * own browser-storage adapter (start, progress, complete, saveResponse, commit, finish)
 * under a key of its own, whose complete() also reports to the server.
 *
 * The session is the short-lived token the server put in the URL fragment after a valid
 * launch (`#lti-session=…`): fragments are never sent to a server nor in a Referer, and no
 * third-party cookie is needed inside the LMS frame. It is moved to sessionStorage and
 * taken out of the address bar at once.
 *
 * Progress and the response stay in this browser, one record per learner and link. When
 * the lesson is completed the adapter POSTs /lti/score with the session as bearer token;
 * the server posts the grade to the platform (and keeps retrying if the platform is down).
 * A report that got no answer (network gone, page closed) is sent again on the next visit.
 * The outcome is announced as a `lessonpack:grade` event on document (detail: {status,
 * detail}) and in `data-lp-grade` on the root element.
 */
(function () {
  "use strict";

  var SESSION_KEY = "lessonpack.lti-session " + location.pathname;
  var RETRIES = 4;

  function warn(message) {
    if (window.console) console.warn("lessonpack lti: " + message);
  }

  /** The session token from the fragment (then stored) or from sessionStorage. */
  function sessionToken() {
    var found = /(?:^#|&)lti-session=([^&]+)/.exec(location.hash);
    if (found) {
      try {
        sessionStorage.setItem(SESSION_KEY, found[1]);
      } catch (e) { /* storage refused: the token lives for this page view only */ }
      try {
        history.replaceState(null, "", location.pathname + location.search);
      } catch (e) { /* sandboxed frames may refuse; the token is short-lived anyway */ }
      return found[1];
    }
    try {
      return sessionStorage.getItem(SESSION_KEY);
    } catch (e) {
      return null;
    }
  }

  /** The token's claims, read without verifying (the server verifies). */
  function claimsOf(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      while (part.length % 4) part += "=";
      var bytes = atob(part);
      var text = decodeURIComponent(Array.prototype.map.call(bytes, function (c) {
        return "%" + ("0" + c.charCodeAt(0).toString(16)).slice(-2);
      }).join(""));
      var claims = JSON.parse(text);
      return claims && typeof claims.sub === "string" ? claims : null;
    } catch (e) {
      return null;
    }
  }

  function announce(status, detail) {
    document.documentElement.setAttribute("data-lp-grade", status);
    try {
      document.dispatchEvent(new CustomEvent("lessonpack:grade", {
        detail: { status: status, detail: detail }
      }));
    } catch (e) { /* very old browsers: the attribute is enough */ }
  }

  /**
   * The adapter: lessonpack.js's own browser storage (`local`, made by its `localAdapter`
   * under a key per platform, link, learner and lesson), plus the completion report.
   */
  function connect(config, localAdapter) {
    var token = sessionToken();
    var claims = token && claimsOf(token);
    if (!claims || typeof localAdapter !== "function") return null;
    var local = localAdapter("lessonpack:lti:" + [claims.iss, claims.reg, claims.rl, claims.sub,
      config.module, config.lesson].join(" "));
    var reported = false;
    var sending = false;

    function retry(attempt) {
      if (attempt < RETRIES) setTimeout(function () { report(attempt + 1); }, 2000 * Math.pow(2, attempt));
    }

    function report(attempt) {
      if (sending || reported) return;
      sending = true;
      announce("sending", "");
      fetch(new URL("/lti/score", location.href).href, {
        method: "POST",
        headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
        body: JSON.stringify({ activityProgress: "Completed" }),
        credentials: "omit",
        keepalive: true
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { code: response.status, body: body };
        });
      }).then(function (answer) {
        sending = false;
        var status = answer.body.status || ("http " + answer.code);
        var detail = answer.body.detail || "";
        if (answer.code >= 500 && answer.code !== 502 && attempt < RETRIES) {
          retry(attempt);
          return;
        }
        // Delivered, queued on the server (it retries), not graded, or refused for good:
        // the page has nothing more to do. An expired session (401) is reported again on
        // the next launch, which brings a fresh one.
        if (answer.code !== 401) {
          reported = true;
          local.remember({ reported: true });
        }
        if (answer.code >= 400) warn(status + ": " + detail);
        announce(status, detail);
      }, function (error) {
        sending = false;
        announce("offline", String(error));
        retry(attempt);
      });
    }

    var adapter = {};
    for (var name in local) adapter[name] = local[name];
    adapter.start = function () {
      var state = local.start();
      reported = !!state.reported;
      if (state.completed && !reported) report(0);
      return state;
    };
    adapter.complete = function () {
      local.complete();
      report(0);
    };
    return adapter;
  }

  window.LessonpackLMS = { connect: connect };
})();
