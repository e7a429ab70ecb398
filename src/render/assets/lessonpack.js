/*
 * lessonpack — the learner-facing lesson page.
 *
 * Works from file://, on any web server and inside LMS iframes: a plain
 * script, no modules, no network use beyond the video itself. Reads its
 * settings from the JSON in #lp-config and wires up
 *   - a video adapter (html5/hls <video>, YouTube and Vimeo by postMessage),
 *   - watched-seconds tracking (only continuous playback counts),
 *   - completion: the watched share, or reading the transcript to its end
 *     when there is no working video; optionally a saved response,
 *   - the interactive transcript, its search and the caption line,
 *   - the discussion response,
 *   - progress storage: the LMS (scorm.js's LessonpackLMS) or this browser.
 */
(function () {
  "use strict";

  const MAX_STEP = 2;            // s of media time between samples that still counts as playing
  const READY_TIMEOUT = 15000;   // ms an iframe player gets to say it is ready
  const DWELL_MS = 10000;        // ms the transcript end must be on screen without scrolling
  const IDLE_MS = 4000;          // ms after the learner last touched the cue list

  const $ = (id) => document.getElementById(id);
  let config = null;
  try {
    config = JSON.parse($("lp-config").textContent);
  } catch (e) {
    return;   // no configuration: leave the page as rendered
  }
  const strings = config.strings || {};
  const video = config.video || { kind: "none" };
  const completion = config.completion || {};
  const target = (completion.watchedPercent || 90) / 100;
  const iframeKind = video.kind === "youtube" || video.kind === "vimeo";

  /* ---------- Text ---------- */

  function num(n) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
    } catch (e) {
      return String(n);
    }
  }

  // Fill "{name}" placeholders. Values are wrapped in U+2068…U+2069 (first
  // strong isolate) so numbers and times keep their order in RTL sentences.
  const t = (key, vars) => (strings[key] || "").replace(/\{(\w+)\}/g, (m, name) =>
    vars && name in vars ? "\u2068" + vars[name] + "\u2069" : m);

  function clock(seconds) {
    const s = Math.floor(seconds);
    const mm = String(Math.floor(s / 60) % 60);
    const ss = String(s % 60).padStart(2, "0");
    return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
  }

  // Set a live region's text; clearing it first makes screen readers
  // announce a message even when it is the same as last time.
  function announce(el, text) {
    if (!el) return;
    el.textContent = "";
    setTimeout(() => { el.textContent = text; }, 50);
  }

  // A review launch or an ended session records nothing: its notice stays the status.
  let notice = "";
  const setStatus = (text) => {
    const shown = notice || text;
    if (statusEl && statusEl.textContent !== shown) statusEl.textContent = shown;
  };

  /* ---------- Watched intervals ---------- */

  // Sorted, non-overlapping [start, end] pairs of media seconds.
  let watched = [];

  function addInterval(s, e) {
    const out = [];
    let placed = false;
    for (const iv of watched) {
      if (iv[1] < s) out.push(iv);
      else if (iv[0] > e) {
        if (!placed) out.push([s, e]);
        placed = true;
        out.push(iv);
      } else {
        s = Math.min(s, iv[0]);
        e = Math.max(e, iv[1]);
      }
    }
    if (!placed) out.push([s, e]);
    watched = out;
  }

  const covered = (lo, hi) =>
    watched.reduce((sum, iv) => sum + Math.max(0, Math.min(hi, iv[1]) - Math.max(lo, iv[0])), 0);

  // Storage form, shared with scorm.js: "start-end,…" in base-36 deciseconds.
  // Starts round up and ends round down: a round trip never adds time.
  const encodeWatched = () => watched
    .map((iv) => [Math.ceil(iv[0] * 10), Math.floor(iv[1] * 10)])
    .filter((p) => p[1] > p[0])
    .map((p) => p[0].toString(36) + "-" + p[1].toString(36))
    .join(",");

  function decodeWatched(text) {
    for (const pair of String(text || "").split(",")) {
      const p = pair.split("-").map((x) => parseInt(x, 36) / 10);
      if (p.length === 2 && p[1] > p[0]) addInterval(p[0], p[1]);
    }
  }

  /* ---------- Progress storage ---------- */

  // Without an LMS, state lives in localStorage under one key per lesson, or
  // only in memory where storage throws (sandboxed iframes, privacy modes). An LMS
  // runtime that keeps progress in the browser too (lti.js) gets this adapter under its
  // own key; remember() keeps its extra fields in the same record.
  function localAdapter(key = `lessonpack:${config.module}:${config.lesson}`) {
    const data = { position: 0, watched: "", response: "", completed: false };
    let storage = null;
    try {
      storage = window.localStorage;
      Object.assign(data, JSON.parse(storage.getItem(key) || "{}"));
    } catch (e) {
      storage = null;
    }
    function write() {
      try {
        if (storage) storage.setItem(key, JSON.stringify(data));
      } catch (e) {
        storage = null;
      }
    }
    return {
      responseLimit: Infinity,
      start: () => Object.assign({}, data, { responseSaved: !!data.response }),
      progress(ratio, w, position) { Object.assign(data, { watched: w, position }); write(); },
      complete() { data.completed = true; write(); },
      saveResponse(text) { data.response = text; write(); return "local"; },
      remember(fields) { Object.assign(data, fields); write(); },
      commit: write,
      finish: write
    };
  }

  function connectStorage() {
    let lms = null;
    if (window.LessonpackLMS && config.standard && config.standard !== "none") {
      try {
        lms = window.LessonpackLMS.connect(config, localAdapter);
      } catch (e) {
        lms = null;   // a broken LMS must not break the lesson
      }
    }
    return lms || localAdapter();
  }

  /* ---------- Video adapters ---------- */
  // Each returns {currentTime(), duration(), seek(t), play(), rate(), deferResume}
  // and reports through h.time(t), h.seeking(), h.ended(t), h.error(),
  // h.ready(), h.playing(bool), h.captionsFailed().

  function html5Player(el, h) {
    let failed = false;
    const fail = () => { if (!failed) { failed = true; h.error(); } };
    el.addEventListener("timeupdate", () => h.time(el.currentTime));
    el.addEventListener("seeking", h.seeking);
    el.addEventListener("ended", () => h.ended(el.duration));
    // Sample where playback starts, or the stretch up to the first
    // timeupdate (~250 ms later; seconds at high rates) would be lost.
    el.addEventListener("play", () => { h.time(el.currentTime); h.playing(true); });
    el.addEventListener("pause", () => h.playing(false));
    // <source> errors do not bubble: catch them on the way down. Only the
    // last source failing leaves the browser nothing to try.
    el.addEventListener("error", (e) => {
      const sources = el.querySelectorAll("source");
      if (e.target === el || e.target === sources[sources.length - 1]) fail();
    }, true);
    if (el.error) fail();
    // Chromium refuses <track> files on file:// pages and in sandboxed
    // (opaque-origin) frames; the caption line then stands in for them.
    const track = el.querySelector("track");
    if (track) {
      track.addEventListener("error", h.captionsFailed);
      setTimeout(() => { if (track.readyState === 3) h.captionsFailed(); }, 0);
    }
    if (el.readyState >= 1) setTimeout(h.ready, 0);
    else el.addEventListener("loadedmetadata", h.ready, { once: true });
    // A source that failed before this script ran left no event to catch.
    setTimeout(() => { if (el.readyState === 0 && el.networkState === el.NETWORK_NO_SOURCE) fail(); }, 3000);
    return {
      currentTime: () => el.currentTime,
      duration: () => el.duration,
      seek(s) { el.currentTime = s; },
      play() {
        const p = el.play();
        if (p) p.catch(() => { /* autoplay refused: the learner presses play */ });
      },
      rate: () => el.playbackRate || 1
    };
  }

  // Shared plumbing for players in cross-origin iframes: messages are only
  // accepted from the player's own origin and window, and only sent there.
  function iframePlayer(el, h, onMessage, greet) {
    const origin = new URL(el.src, location.href).origin;
    const p = { time: 0, duration: NaN, ready: false, failed: false };
    p.send = (msg) => {
      try {
        el.contentWindow.postMessage(JSON.stringify(msg), origin);
      } catch (e) { /* frame gone */ }
    };
    p.markReady = () => { if (!p.ready && !p.failed) { p.ready = true; h.ready(); } };
    p.fail = () => { if (!p.failed) { p.failed = true; h.error(); } };
    window.addEventListener("message", (e) => {
      if (e.origin !== origin || e.source !== el.contentWindow) return;
      let data = e.data;
      if (typeof data === "string") {
        try { data = JSON.parse(data); } catch (err) { return; }
      }
      if (data && typeof data === "object") onMessage(data, p);
    });
    // Until the player's document loads, the frame holds a same-origin
    // about:blank (contentDocument readable); posting to it would be dropped
    // with a console error, so greet on "load" (and twice more if unanswered).
    let loaded = false;
    let blank = false;
    try { blank = !!el.contentDocument; } catch (e) { blank = false; }
    const hello = () => { loaded = true; greet(p); };
    el.addEventListener("load", hello);
    if (!blank) hello();
    for (const ms of [1000, 3000]) setTimeout(() => { if (loaded && !p.ready) greet(p); }, ms);
    setTimeout(() => { if (!p.ready) p.fail(); }, READY_TIMEOUT);
    return p;
  }

  // YouTube's iframe postMessage protocol, without loading iframe_api.
  function youtubePlayer(el, h) {
    const id = "lp-youtube";
    const state = (code) => {
      if (code === 0) h.ended(p.duration);
      if (code === 1) h.playing(true);
      if (code === 2) h.playing(false);
    };
    const p = iframePlayer(el, h, (data) => {
      const info = data.info;
      if (data.event === "onReady" || data.event === "initialDelivery") p.markReady();
      if (data.event === "onError") p.fail();
      if (data.event === "onStateChange") state(info);
      if (data.event === "infoDelivery" && info && typeof info === "object") {
        p.markReady();
        if (info.duration > 0) p.duration = info.duration;
        if (isFinite(info.currentTime)) h.time(p.time = info.currentTime);
        if ("playerState" in info) state(info.playerState);
      }
    }, (q) => q.send({ event: "listening", id, channel: "widget" }));
    const command = (func, args) => p.send({ event: "command", func, args: args || [], id, channel: "widget" });
    return {
      currentTime: () => p.time,
      duration: () => p.duration,
      seek(sec) { h.seeking(); command("seekTo", [sec, true]); },
      play() { command("playVideo"); },
      rate: () => 1,
      // seekTo on an unstarted YouTube video starts playback: resume on first play.
      deferResume: true
    };
  }

  // Vimeo's player postMessage API.
  function vimeoPlayer(el, h) {
    const events = ["timeupdate", "ended", "seeking", "seeked", "play", "pause", "error"];
    const p = iframePlayer(el, h, (data) => {
      const d = data.data || {};
      if (data.event === "ready" || data.method === "getDuration") {
        if (data.value > 0) p.duration = data.value;
        if (!p.ready) events.forEach((value) => p.send({ method: "addEventListener", value }));
        p.markReady();
      }
      if (data.event === "timeupdate" && isFinite(d.seconds)) {
        if (d.duration > 0) p.duration = d.duration;
        h.time(p.time = d.seconds);
      }
      if (data.event === "seeking" || data.event === "seeked") h.seeking();
      if (data.event === "ended") h.ended(p.duration);
      if (data.event === "play") h.playing(true);
      if (data.event === "pause") h.playing(false);
      // A refused autoplay is reported as an error too; the video is fine.
      if (data.event === "error" && d.name !== "NotAllowedError") p.fail();
    }, (q) => q.send({ method: "getDuration" }));
    return {
      currentTime: () => p.time,
      duration: () => p.duration,
      seek(sec) { h.seeking(); p.send({ method: "setCurrentTime", value: sec }); },
      play() { p.send({ method: "play" }); },
      rate: () => 1
    };
  }

  function createPlayer(h) {
    const el = $("lp-media");
    if (!el || video.kind === "none") return null;
    if (video.kind === "youtube") return youtubePlayer(el, h);
    if (video.kind === "vimeo") return vimeoPlayer(el, h);
    // No hls.js: HLS plays only where the browser plays it natively.
    if (video.kind === "hls" && !el.canPlayType("application/vnd.apple.mpegurl")) return null;
    return html5Player(el, h);
  }

  /* ---------- Lesson state and completion ---------- */

  const progressEl = $("lp-progress");
  const statusEl = $("lp-status");
  const store = connectStorage();
  // The LMS's saved state: SCORM and local storage answer at once, cmi5 (which must ask the
  // LRS) with a Promise. Everything that depends on it starts once it is known.
  const started = store.start();
  if (started && typeof started.then === "function") started.then(begin);
  else begin(started);

  function begin(state) {
    const saved = state || {};
    decodeWatched(saved.watched);
    // The LMS records nothing in a review (or browse) launch, nor after the session ended
    // (a cmi5 page reloaded after "terminated"): say so, and claim no progress.
    notice = saved.ended ? t("sessionEnded") : saved.review ? t("review") : "";
    const recording = !notice;
    let completed = !!saved.completed;
    let responseSaved = !!saved.responseSaved;
    let transcriptRead = false;
    let videoFailed = false;
    let playing = false;
    let finished = false;
    // Where the learner is: the stored position until the player moves, so a closing page
    // never writes 0 over it (a completed lesson starts from the beginning, unresumed).
    let position = Number(saved.position) > 0 ? Number(saved.position) : 0;
    let moved = false;
    let lastSample = null;   // media time of the previous sample; null after a seek
    let resumeAt = null;
    let player = null;
    const ui = { bucket: -1, percent: -1, lastDraw: 0, lastPush: 0, pushedAt: -1 };

    // The part of the media that counts: [start, start + duration]; without a
    // configured duration, the media's own.
    function span() {
      const lo = Number(video.start) || 0;
      const len = Number(video.duration) > 0 ? Number(video.duration)
        : player && player.duration() > 0 ? player.duration() - lo : NaN;
      return [lo, lo + len];
    }

    function watchedRatio() {
      const [lo, hi] = span();
      return hi > lo ? Math.min(1, covered(lo, hi) / (hi - lo)) : 0;
    }

    function pushProgress() {
      store.progress(watchedRatio(), encodeWatched(), position);
      ui.lastPush = Date.now();
      ui.pushedAt = position;
    }

    function checkCompletion() {
      if (!recording || completed || !(watchedRatio() >= target || transcriptRead)) return;
      if (completion.requireResponse && !responseSaved) {
        if (strings.responseNeeded) setStatus(t("responseNeeded"));
        return;
      }
      completed = true;
      pushProgress();
      store.complete();
      if (progressEl) progressEl.value = 100;
      setStatus(t("completed"));
    }

    // The bar at most twice a second; the status text only in 5 % steps so
    // screen readers are not flooded; the store on each new whole percent, or
    // every 5 s while the position moves.
    function refresh(force) {
      const now = Date.now();
      if (!force && now - ui.lastDraw < 500) return;
      ui.lastDraw = now;
      const percent = Math.floor(watchedRatio() * 100);
      if (progressEl) progressEl.value = completed ? 100 : percent;
      const bucket = Math.floor(percent / 5);
      if (!completed && !videoFailed && bucket !== ui.bucket) {
        ui.bucket = bucket;
        setStatus(t("watched", { percent: num(bucket * 5) }));
      }
      if (percent !== ui.percent || (position !== ui.pushedAt && now - ui.lastPush > 5000)) {
        ui.percent = percent;
        pushProgress();
      }
      checkCompletion();
    }

    /* ---------- Playback ---------- */

    // Only continuous playback counts: a sample a small forward step after the
    // previous one, with no seek in between, adds that stretch; a jump adds nothing.
    function onTime(time) {
      if (!isFinite(time)) return;
      const step = lastSample === null ? 0 : time - lastSample;
      if (step > 0 && step <= MAX_STEP * Math.max(1, player.rate())) addInterval(lastSample, time);
      lastSample = time;
      position = time;
      moved = true;
      highlightCue(time);
      refresh(false);
    }

    function resume() {
      const at = resumeAt;
      resumeAt = null;
      if (!(at < span()[1] - 5)) return;   // the media's length is known only now
      lastSample = null;
      player.seek(at);
      position = at;
      // Without a configured duration the restored share only counts from now on: mark its
      // 5 % step as announced, or the refresh that follows would replace this message at once.
      ui.bucket = Math.floor(Math.floor(watchedRatio() * 100) / 5);
      setStatus(t("resumed", { time: clock(at) }));
    }

    player = createPlayer({
      time: onTime,
      seeking: () => { lastSample = null; },
      // State goes to the LMS as it changes (a pause, the end), not only when the page
      // closes: a closing page has little time, and some LMSs carry little of it.
      ended(end) {
        if (isFinite(end)) onTime(end);
        playing = false;
        refresh(true);
        pushProgress();
        store.commit();
      },
      playing(on) {
        playing = on;
        if (on && resumeAt !== null && player.deferResume) resume();
        if (!on) { refresh(true); pushProgress(); store.commit(); }
      },
      ready() {
        if (resumeAt !== null && !player.deferResume) resume();
        else if (resumeAt === null && !iframeKind && video.start > 0 && player.currentTime() < video.start) {
          player.seek(video.start);
        }
        refresh(true);
      },
      error: () => failVideo(),
      captionsFailed: () => enableCaptionLine()
    });

    // Resume from a meaningful point only: not the first or last 5 seconds
    // (the end is checked in resume(), once the media knows its length).
    if (player && !completed && Number(saved.position) > span()[0] + 5) resumeAt = Number(saved.position);

    /* ---------- No working video: the transcript path ---------- */

    function failVideo() {
      if (videoFailed) return;
      videoFailed = true;
      resumeAt = null;
      const notice = $("lp-video-error");
      if (notice) notice.hidden = false;
      if (!completed) setStatus(t("transcriptPath"));
      watchTranscriptEnd();
    }

    // Reaching #lp-transcript-end counts as reading the transcript when the
    // learner got there by scrolling or by moving focus into the transcript,
    // and the transcript's last cue or paragraph has been on screen too (the
    // cue list may scroll on its own, leaving the end marker below it in view
    // while the list is still at its top). If all that is on screen without
    // scrolling or focus (short transcript, tall screen), it must stay there
    // for DWELL_MS of visible page time. That shows presence, not reading (no
    // page can prove reading), but it never fires on page load alone.
    function watchTranscriptEnd() {
      const end = $("lp-transcript-end");
      if (!end || !("IntersectionObserver" in window)) {
        transcriptRead = true;   // nothing to observe: do not lock the learner out
        checkCompletion();
        return;
      }
      const items = document.querySelectorAll("#lp-cues > li, #lp-paragraphs > p");
      const last = items[items.length - 1];
      let lastSeen = !last;
      let engaged = false;
      let visible = false;
      let dwell = 0;
      const check = () => {
        if (!transcriptRead && visible && lastSeen && (engaged || dwell >= DWELL_MS)) {
          transcriptRead = true;
          checkCompletion();
        }
      };
      const engage = () => { engaged = true; check(); };
      // Capturing on window also sees scrolls of inner boxes (the cue list).
      window.addEventListener("scroll", engage, { capture: true, passive: true });
      const section = end.closest("section");
      if (section) section.addEventListener("focusin", engage);
      const observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (entry.target === end) visible = entry.isIntersecting;
          else if (entry.isIntersecting) lastSeen = true;
        }
        check();
      });
      observer.observe(end);
      if (last) observer.observe(last);
      const timer = setInterval(() => {
        if (transcriptRead) return clearInterval(timer);
        if (visible && lastSeen && document.visibilityState === "visible") dwell += 1000;
        check();
      }, 1000);
    }

    /* ---------- Interactive transcript and caption line ---------- */

    const cueList = $("lp-cues");
    const cues = cueList && config.timed !== false
      ? Array.from(cueList.querySelectorAll(".lp-cue"), (el) =>
        ({ el, start: parseFloat(el.dataset.start), end: parseFloat(el.dataset.end) }))
      : [];
    const captionEl = $("lp-caption");
    const cueText = (cue) => (cue ? cue.el.querySelector(".lp-text").textContent : "");
    let showCaption = false;
    let currentCue = null;
    let touchedAt = -Infinity;

    // The caption line under the player: for iframe players, which have no
    // <track>, and for a <video> whose track could not be loaded.
    function enableCaptionLine() {
      if (!captionEl || !cues.length || showCaption) return;
      showCaption = true;
      captionEl.hidden = false;
      currentCaption = null;
      updateCaptionLine(currentCue ? currentCue.start : 0);
    }

    // Reading-sized captions (the same cuts as the .vtt file) when the page has them;
    // otherwise the whole transcript cue.
    const captions = Array.isArray(config.captions) ? config.captions : [];
    let currentCaption = null;
    function updateCaptionLine(time) {
      if (!showCaption) return;
      if (!captions.length) {
        captionEl.textContent = cueText(cueAt(time));
        return;
      }
      const found = captions.find(([start, end]) => time >= start && time < end) || null;
      if (found === currentCaption) return;
      currentCaption = found;
      captionEl.textContent = found ? found[2] : "";
    }

    // start <= time < end; the last cue also on the final frame (time === end).
    const cueAt = (time) => cues.find((c, i) =>
      time >= c.start && (time < c.end || (i === cues.length - 1 && time === c.end))) || null;

    function highlightCue(time) {
      updateCaptionLine(time);
      const cue = cueAt(time);
      if (cue === currentCue) return;
      if (currentCue) {
        currentCue.el.classList.remove("lp-current");
        currentCue.el.removeAttribute("aria-current");
      }
      currentCue = cue;
      if (!cue) return;
      cue.el.classList.add("lp-current");
      cue.el.setAttribute("aria-current", "true");
      if (!learnerInTranscript()) keepInView(cue.el);
    }

    // Do not scroll the list under a learner who is reading or using it.
    const learnerInTranscript = () => Date.now() - touchedAt < IDLE_MS ||
      cueList.contains(document.activeElement) || cueList.matches(":hover");

    // The nearest scrolling box from the cue list up to the transcript section.
    function scrollBox() {
      for (let box = cueList; box && box !== document.body; box = box.parentElement) {
        const oy = getComputedStyle(box).overflowY;
        if ((oy === "auto" || oy === "scroll") && box.scrollHeight > box.clientHeight) return box;
        if (box.classList.contains("lp-transcript")) return null;
      }
      return null;
    }

    // Scroll that box only, never the page: the learner is watching the video.
    function keepInView(el) {
      const box = scrollBox();
      if (!box) return;
      const outer = box.getBoundingClientRect();
      const inner = el.getBoundingClientRect();
      if (inner.top < outer.top) box.scrollTop += inner.top - outer.top - 8;
      else if (inner.bottom > outer.bottom) box.scrollTop += inner.bottom - outer.bottom + 8;
    }

    if (iframeKind) enableCaptionLine();
    if (cueList) {
      for (const type of ["wheel", "touchstart", "pointerdown", "keydown"]) {
        cueList.addEventListener(type, () => { touchedAt = Date.now(); }, { passive: true });
      }
      // Buttons turn Enter and Space into clicks: one listener serves all three.
      cueList.addEventListener("click", (e) => {
        const button = e.target.closest(".lp-cue");
        const start = button ? parseFloat(button.dataset.start) : NaN;
        if (!cues.length || !player || videoFailed || !isFinite(start)) return;
        resumeAt = null;
        lastSample = null;
        player.seek(start);
        player.play();
        position = start;
        highlightCue(start);
      });
    }

    /* ---------- Transcript search ---------- */

    // Case- and accent-insensitive folding that remembers where each folded
    // character came from, so matches map back onto the original text.
    function fold(text) {
      let out = "";
      const from = [];
      const to = [];
      for (let i = 0; i < text.length;) {
        const ch = String.fromCodePoint(text.codePointAt(i));
        const f = ch.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
        for (let k = 0; k < f.length; k += 1) { from.push(i); to.push(i + ch.length); }
        out += f;
        i += ch.length;
      }
      return { text: out, from, to };
    }

    // Wrap each match inside one text node in <mark class="lp-match">.
    function markText(node, query) {
      const text = node.nodeValue;
      const f = fold(text);
      const frag = document.createDocumentFragment();
      let pos = 0;
      let count = 0;
      for (let i = f.text.indexOf(query); i >= 0; i = f.text.indexOf(query, i + query.length)) {
        const a = f.from[i];
        const b = f.to[i + query.length - 1];
        if (a < pos) continue;
        if (a > pos) frag.appendChild(document.createTextNode(text.slice(pos, a)));
        const mark = frag.appendChild(document.createElement("mark"));
        mark.className = "lp-match";
        mark.textContent = text.slice(a, b);
        pos = b;
        count += 1;
      }
      if (!count) return 0;
      if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
      node.parentNode.replaceChild(frag, node);
      return count;
    }

    function setupSearch() {
      const input = $("lp-search");
      const status = $("lp-search-status");
      const areas = (cues.length ? cues.map((c) => c.el.querySelector(".lp-text"))
        : Array.from(document.querySelectorAll("#lp-paragraphs p"))).filter(Boolean);
      if (!input || !areas.length) return;
      let hits = [];
      let timer = null;
      let lastJump = -1;

      // Put the text back exactly: marks become text nodes, then merge.
      function clear() {
        for (const area of areas) {
          const marks = area.querySelectorAll("mark.lp-match");
          if (!marks.length) continue;
          marks.forEach((m) => m.parentNode.replaceChild(document.createTextNode(m.textContent), m));
          area.normalize();
        }
      }

      function run() {
        timer = null;
        clear();
        hits = [];
        lastJump = -1;
        const query = fold(input.value.trim()).text;
        if (!query) {
          if (status) status.textContent = "";
          return;
        }
        let count = 0;
        for (const area of areas) {
          const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
          const nodes = [];
          while (walker.nextNode()) nodes.push(walker.currentNode);
          const n = nodes.reduce((sum, node) => sum + markText(node, query), 0);
          if (n) hits.push(area.closest(".lp-cue") || area);
          count += n;
        }
        if (status) {
          status.textContent = count === 0 ? t("noMatches") : count === 1 ? t("oneMatch")
            : t("matches", { count: num(count) });
        }
      }

      // Enter: focus the next cue (or paragraph) with a match, round and round.
      function jumpNext() {
        if (timer !== null) { clearTimeout(timer); run(); }
        if (!hits.length) return;
        lastJump = (lastJump + 1) % hits.length;
        const el = hits[lastJump];
        if (!el.matches("button, [tabindex]")) el.setAttribute("tabindex", "-1");
        el.focus();
      }

      input.addEventListener("input", () => {
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(run, 150);
      });
      input.addEventListener("keydown", (e) => {
        if (e.key !== "Enter") return;
        e.preventDefault();
        jumpNext();
      });
    }

    /* ---------- Discussion response ---------- */

    function setupResponse() {
      const form = $("lp-response-form");
      const box = $("lp-response");
      const status = $("lp-response-status");
      if (!form || !box) return;
      if (saved.response && !box.value) box.value = saved.response;

      function save(e) {
        e.preventDefault();
        const text = box.value;
        if (!text.trim()) {
          announce(status, t("empty"));
          box.focus();
          return;
        }
        const where = recording ? store.saveResponse(text) : "none";
        if (where === "none") {
          announce(status, t("notRecorded"));
          return;
        }
        responseSaved = true;
        const cut = where === "lms" && text.length > store.responseLimit && strings.truncated;
        announce(status, cut ? t("truncated", { max: num(store.responseLimit) })
          : t(where === "lms" ? "saved" : "savedLocal"));
        checkCompletion();
      }
      // Sandboxed LMS frames without "allow-forms" never fire "submit", so the
      // button's click is handled too (cancelling the submission it would start).
      form.addEventListener("submit", save);
      form.addEventListener("click", (e) => {
        if (e.target.closest("button[type=submit], input[type=submit]")) save(e);
      });
    }

    /* ---------- Lifecycle ---------- */

    function flush() {
      if (moved && player && !videoFailed && isFinite(player.currentTime())) position = player.currentTime();
      pushProgress();
    }

    // Commit when the page is hidden (tab switch, LMS closing the frame) and
    // finish on pagehide, the last event a page reliably gets: beforeunload
    // and unload are blocked in many LMS iframes.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "hidden" || finished) return;
      flush();
      store.commit();
    });

    window.addEventListener("pagehide", () => {
      if (finished) return;
      finished = true;
      flush();
      store.finish();
    });

    // While the video plays, commit every 30 s so a crash loses little.
    setInterval(() => {
      if (!playing || finished) return;
      flush();
      store.commit();
    }, 30000);

    /* ---------- Start ---------- */

    setupSearch();
    setupResponse();
    if (completed) {
      if (progressEl) progressEl.value = 100;
      setStatus(t("completed"));
    } else {
      refresh(true);
    }
    if (!player) failVideo();
  }
})();
