// The cmi5 runtime in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against the mini LMS/LRS in lms.mjs, on 127.0.0.1 only.
//
//   node run.mjs <unpacked cmi5 package of two lessons> <report.json>
//
// "adapter" scenarios load the lesson page without lessonpack.js and call the adapter as
// lessonpack.js does (start, progress, complete, saveResponse, commit, finish on pagehide), so
// every value is known; "page" scenarios use the real page with lessonpack.js and a playing
// video. "spec:" and "openedx:" scenarios take one learner through both lessons, once against
// the LMS as cmi5 describes it and once against the Open edX profile (one state document for
// every lesson, grades from "passed" only). Every session is checked against cmi5's rules
// (checks.mjs) and the preview's panel checker (src/preview/assets/lrs.js); every checker has a
// negative control, a case it must flag. The report holds every stored statement for the xAPI
// validator (validate.py). Exits non-zero on the first failure.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { chromium } from "playwright-core";
import {
  CATEGORY_MOVEON, checkRegistration, checkSession, checkStatements, MASTERY_SCORE, PROGRESS,
  sessionStatements, verb,
} from "./checks.mjs";
import { readCourse, startLms } from "./lms.mjs";

const [root, reportPath] = process.argv.slice(2);
const course = readCourse(root);
const courseId = course.id;
assert.equal(course.aus.length, 3, "the package has three lessons");
const [lesson1, lesson2, lesson3] = course.aus; // lesson 3 has no video
const auId = lesson1.id;
const auUrl = lesson1.url;
const responseId = `${auId}:response`;
const FULL_SCORE = { scaled: 1, raw: 100, min: 0, max: 100 };

// The adapter harness of each lesson: its page as built, less lessonpack.js.
const harnesses = new Map(course.aus.map((au) => {
  const page = fs.readFileSync(path.join(root, au.url), "utf8");
  const html = page.replace(/<script src="[^"]*assets\/lessonpack\.js"><\/script>/, "");
  assert.notEqual(html, page, "the page loads lessonpack.js");
  assert.ok(page.indexOf("assets/cmi5.js") < page.indexOf("assets/lessonpack.js"));
  const harness = au.url.replace(/[^/]+$/, "adapter.html");
  fs.writeFileSync(path.join(root, harness), html);
  return [au.id, harness];
}));
const harness = harnesses.get(auId);

/** The page's #lp-config. */
function pageConfig(au) {
  const page = fs.readFileSync(path.join(root, au.url), "utf8");
  return JSON.parse(/<script type="application\/json" id="lp-config">([^]*?)<\/script>/.exec(page)[1]);
}
const strings = pageConfig(lesson1).strings || {};
for (const name of ["completed", "review", "sessionEnded"]) assert.ok(strings[name], `the page has the ${name} text`);

const lms = await startLms(root);
const edx = await startLms(root, { profile: "openedx" });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required"],
});
const context = await browser.newContext();
const report = { course: courseId, au: auId, scenarios: [] };
const pageErrors = [];

const actor = (n) => ({ objectType: "Agent", account: { homePage: "https://lms.example.org", name: `learner-${n}` } });
const lmsActivity = () => `https://lms.example.org/activities/${crypto.randomUUID()}`;
// The launch data Open edX's cmi5 block writes: registration and the course as parent only.
const openEdxTemplate = (registration) => ({
  registration,
  contextActivities: { parent: [{ id: courseId, definition: { name: { "en-US": "Course" } } }] },
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, predicate, ms = 30000) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (predicate()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const stored = (entry, v, L = lms) => () => sessionStatements(L, entry).some((s) => verb(s) === v);

async function newPage() {
  const tab = await context.newPage();
  tab.on("pageerror", (error) => pageErrors.push(error.message));
  return tab;
}

/** Opens the harness for `entry`, connects and starts as lessonpack.js does. */
async function openAdapter(tab, entry, completion = {}) {
  await tab.goto(entry.url);
  return tab.evaluate((extra) => {
    const config = JSON.parse(document.getElementById("lp-config").textContent);
    config.completion = Object.assign({}, config.completion, extra);
    const adapter = window.LessonpackLMS.connect(config);
    window.lp = adapter;
    addEventListener("pagehide", () => adapter.finish());
    return adapter.start();
  }, completion);
}

async function scenario(name, run, L = lms) {
  const sessions = await run();
  checkNoProblems(L.problems, `${name}: the ${L.profile} LMS refused or dropped requests`);
  const result = { name, sessions: sessions.map((entry) => checkSession(L, entry)) };
  report.scenarios.push(result);
  console.log(`${name}:\n${result.sessions.map((s) => `  ${s.join(", ")}`).join("\n")}`);
}

/* ---------- Checks of what an LMS keeps, each with its negative control below ---------- */

/** This lesson's entry in the state document the LMS keeps for `entry`'s launch. */
function lessonEntry(L, entry, au) {
  const doc = L.stateDocument(entry, "suspendData");
  assert.ok(doc === undefined || doc.lessonpack === 2, `a version 2 state document: ${JSON.stringify(doc)}`);
  return doc && doc.lessons ? doc.lessons[au.id] : undefined;
}

/** The lesson's position, response and completion are what they were. */
function checkKept(entry, was, what) {
  assert.ok(entry, `${what}: the lesson's state is gone`);
  for (const k of ["position", "response", "completed", "passed"]) {
    assert.deepEqual(entry[k], was[k], `${what}: ${k} changed`);
  }
}

/** The grade the LMS computes for the lesson of `entry` is not zero. */
function checkGraded(L, entry) {
  const g = L.grade(entry);
  if (L.profile === "openedx") {
    assert.deepEqual(g.grade, { value: 1, max: 1 }, `Open edX's grade: ${JSON.stringify(g)}`);
    assert.equal(g.completion, 1, "Open edX marks the block complete");
  } else {
    assert.ok(g.satisfied && g.scaled === 1, `the LMS's grade: ${JSON.stringify(g)}`);
  }
}

/** Throws when requests were refused or dropped: `found` lists them. */
function checkNoProblems(found, who) {
  if (found.length) throw new Error(`${who}:\n${found.join("\n")}`);
}

/** Throws when a completion became undone: `before` and `after` map names to booleans. */
function checkNotUndone(before, after) {
  for (const [k, done] of Object.entries(before)) assert.ok(!done || after[k], `${k}: completion undone`);
}

/** What counts as completed for one learner in `L`: each lesson's state, the LMS's records. */
function completionFacts(L, enrolled) {
  const facts = {};
  for (const au of course.aus) {
    const last = enrolled.sessions.get(au.id).at(-1);
    if (!last) continue;
    facts[`state of ${au.id}`] = !!(lessonEntry(L, last, au) || {}).completed;
    const g = L.grade(last);
    if (L.profile === "openedx") {
      facts["Open edX block"] = g.completion === 1;
      facts["Open edX grade"] = !!g.grade && g.grade.value > 0;
    } else {
      facts[`moveOn of ${au.id}`] = g.satisfied;
    }
  }
  return facts;
}

/** A learner enrolled in the course in `L`: one registration, one activity id per lesson. */
function enrol(L, n) {
  const learner = actor(n);
  const registration = crypto.randomUUID();
  const activity = new Map(course.aus.map((au) => [au.id, lmsActivity()]));
  const sessions = new Map(course.aus.map((au) => [au.id, []]));
  let facts = {};
  return {
    learner, registration, sessions,
    launch(au, options = {}) {
      const entry = L.launch({ page: au.url, actor: learner, registration, activityId: activity.get(au.id),
        publisherId: au.id, ...options });
      sessions.get(au.id).push(entry);
      return entry;
    },
    /** Lesson `au`'s entry in the state document its last launch reads. */
    stateOf(au) {
      const last = sessions.get(au.id).at(-1);
      const entry = last && lessonEntry(L, last, au);
      if (!entry) console.log(`${au.id} has no entry in ${JSON.stringify(last && L.stateDocument(last, "suspendData"))}`);
      return entry;
    },
    /** Completion is never undone: checked after every scenario. */
    checkCompletion() {
      const now = completionFacts(L, this);
      checkNotUndone(facts, now);
      facts = now;
    },
  };
}

/* ---------- The preview's panel checker (src/preview/assets/lrs.js) ---------- */

const lrsSource = fs.readFileSync(new URL("../../src/preview/assets/lrs.js", import.meta.url), "utf8");

function previewChecker() {
  const sandbox = { window: {} };
  vm.runInNewContext(lrsSource, sandbox);
  return new sandbox.window.PreviewLRS.Checker();
}

/** The marks the preview's panel would show for everything `L` stored, as records. */
function previewMarks(L) {
  const checker = previewChecker();
  return [...L.statements].sort((a, b) => a.arrival - b.arrival).flatMap((s) => {
    const record = { session: s.launch || s.session, lms: s.launch === null, statement: s.statement };
    return checker.check(record).map((m) => `${verb(s.statement)}: ${m}`);
  });
}

try {
  const text = "Digital platforms & <growth> — 数字经济";
  const r1 = crypto.randomUUID();
  const a1 = lmsActivity();
  const first = lms.launch({ page: harness, actor: actor(1), registration: r1, activityId: a1,
    publisherId: auId, preferences: { languagePreference: "en-GB", audioPreference: "off" } });
  const empty = { position: null, watched: null, response: null, responseSaved: false, completed: false,
    ended: false, review: false };

  await scenario("adapter: normal launch", async () => {
    const tab = await newPage();
    const saved = await openAdapter(tab, first);
    assert.deepEqual(saved, empty);
    assert.equal(await tab.evaluate(() => document.getElementById("lp-media").muted), true, "audioPreference off (§11.2)");
    const where = await tab.evaluate((t) => {
      [[0.05, 1], [0.15, 3], [0.27, 5.4], [0.5, 10], [0.95, 19]].forEach(([r, p]) => lp.progress(r, `w${r}`, p));
      lp.complete();
      lp.complete();
      lp.progress(1, "w1", 20);
      return lp.saveResponse(t);
    }, text);
    assert.equal(where, "lms");
    await until("answered", stored(first, "answered"));
    await tab.evaluate(() => { lp.commit(); lp.finish(); lp.finish(); });
    await until("terminated", stored(first, "terminated"));
    await tab.close();
    const list = sessionStatements(lms, first);
    const answered = list.find((s) => verb(s) === "answered");
    assert.equal(answered.object.id, responseId);
    assert.equal(answered.object.definition.interactionType, "long-fill-in");
    assert.equal(answered.result.response, text);
    assert.ok(answered.context.contextActivities.parent.some((a) => a.id === a1), "the AU is the parent");
    assert.deepEqual(list.map((s) => verb(s)),
      ["initialized", "progressed", "progressed", "progressed", "progressed", "completed", "passed", "answered", "terminated"]);
    const passed = list.find((s) => verb(s) === "passed");
    assert.deepEqual(passed.result.score, FULL_SCORE);
    assert.equal(passed.result.success, true);
    assert.equal(lesson1.moveOn, "CompletedAndPassed", "cmi5.xml asks for passed too");
    checkGraded(lms, first);
    return [first];
  });

  await scenario("adapter: relaunch resumes, completed and passed stay once", async () => {
    const again = lms.launch({ page: harness, actor: actor(1), registration: r1, activityId: a1, publisherId: auId });
    const tab = await newPage();
    const saved = await openAdapter(tab, again);
    assert.deepEqual(saved, { ...empty, position: 20, watched: "w1", response: text, responseSaved: true, completed: true });
    await tab.evaluate(() => { lp.progress(1, "w1", 20); lp.complete(); });
    await tab.goto("about:blank");
    await until("terminated", stored(again, "terminated"));
    await tab.close();
    assert.deepEqual(checkRegistration(lms, [first, again]), { completed: 1, passed: 1 });
    return [again];
  });

  await scenario("adapter: a reload keeps the token and ends the session", async () => {
    const entry = lms.launch({ page: harness, actor: actor(2), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId });
    const tab = await newPage();
    await openAdapter(tab, entry);
    await tab.evaluate(() => lp.progress(0.35, "w", 7));
    await until("progressed", stored(entry, "progressed"));
    await tab.reload(); // pagehide: finish()
    await until("terminated", stored(entry, "terminated"));
    const before = JSON.stringify(lms.stateDocument(entry, "suspendData"));
    const saved = await tab.evaluate(() => {
      const adapter = window.LessonpackLMS.connect(JSON.parse(document.getElementById("lp-config").textContent));
      return adapter.start().then((s) => {
        adapter.progress(0.8, "w", 16);
        adapter.complete();
        adapter.commit();
        return { saved: s, where: adapter.saveResponse("after the end") };
      });
    });
    assert.equal(saved.saved.ended, true, "the reloaded page learns that its session ended");
    assert.equal(saved.saved.completed, false);
    assert.equal(saved.where, "local", "nothing is recorded after terminated (§9.3.8)");
    await tab.goto("about:blank");
    await sleep(300);
    await tab.close();
    assert.equal(JSON.stringify(lms.stateDocument(entry, "suspendData")), before, "the state document is left alone");
    return [entry];
  });

  await scenario("adapter: Browse mode records nothing", async () => {
    const entry = lms.launch({ page: harness, actor: actor(3), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId, launchMode: "Browse" });
    const tab = await newPage();
    const saved = await openAdapter(tab, entry);
    assert.equal(saved.review, true);
    const where = await tab.evaluate(() => {
      lp.progress(0.5, "w", 10);
      lp.complete();
      lp.commit();
      return lp.saveResponse("a note");
    });
    assert.equal(where, "local");
    await tab.goto("about:blank");
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    assert.equal(lms.stateDocument(entry, "suspendData"), undefined, "no state written");
    return [entry];
  });

  await scenario("adapter: activityId is the course IRI (Open edX)", async () => {
    const registration = crypto.randomUUID();
    const entry = lms.launch({ page: harness, actor: actor(4), registration, activityId: courseId,
      publisherId: auId, contextTemplate: openEdxTemplate(registration) });
    const tab = await newPage();
    await openAdapter(tab, entry);
    await tab.evaluate(() => { lp.progress(1, "w", 20); lp.complete(); });
    await until("passed", stored(entry, "passed"));
    await tab.goto("about:blank");
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    for (const s of sessionStatements(lms, entry)) {
      assert.equal(s.object.id, courseId);
      assert.ok(s.context.contextActivities.grouping.some((a) => a.id === auId), "the AU's IRI in grouping");
    }
    return [entry];
  });

  await scenario("adapter: passed carries the masteryScore of LMS.LaunchData", async () => {
    const entry = lms.launch({ page: harness, actor: actor(9), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId, masteryScore: 0.8 });
    const tab = await newPage();
    await openAdapter(tab, entry);
    await tab.evaluate(() => { lp.progress(1, "w", 20); lp.complete(); lp.finish(); });
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    const passed = sessionStatements(lms, entry).find((s) => verb(s) === "passed");
    assert.equal(passed.context.extensions[MASTERY_SCORE], 0.8, "§9.6.3.2");
    assert.ok(passed.result.score.scaled >= 0.8, "§9.3.4");
    return [entry];
  });

  let unscoredSpec = null;
  await scenario("adapter: a lesson without a score completes without passed", async () => {
    const entry = unscoredSpec = lms.launch({ page: harness, actor: actor(11), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId, moveOn: "Completed" });
    const tab = await newPage();
    await openAdapter(tab, entry, { score: false });
    await tab.evaluate(() => { lp.progress(1, "w", 20); lp.complete(); lp.finish(); });
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    assert.deepEqual(sessionStatements(lms, entry).map((s) => verb(s)).filter((v) => v !== "progressed"),
      ["initialized", "completed", "terminated"]);
    return [entry];
  });

  await scenario("adapter: a version 1 state document is read and carried over", async () => {
    const entry = lms.launch({ page: harness, actor: actor(12), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId });
    const v1 = { au: auId, position: 12, watched: "w-old", ratio: 0.6, response: "from before", progress: 60, time: 5000 };
    lms.setStateDocument(entry, "suspendData", v1);
    const tab = await newPage();
    const saved = await openAdapter(tab, entry);
    assert.deepEqual(saved, { ...empty, position: 12, watched: "w-old", response: "from before", responseSaved: true });
    await tab.evaluate(() => lp.progress(0.75, "w-new", 15));
    await until("progressed 70", stored(entry, "progressed"));
    await tab.goto("about:blank");
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    const doc = lms.stateDocument(entry, "suspendData");
    assert.deepEqual(Object.keys(doc.lessons), [auId], "written in the version 2 shape");
    const mine = doc.lessons[auId];
    assert.equal(mine.response, "from before");
    assert.equal(mine.position, 15);
    assert.ok(mine.time > 5000, "earlier time kept and added to");
    assert.equal(sessionStatements(lms, entry).find((s) => verb(s) === "progressed").result.extensions[PROGRESS], 70);
    return [entry];
  });

  await scenario("adapter: calls made before start() settles are kept", async () => {
    const entry = lms.launch({ page: harness, actor: actor(7), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId });
    const tab = await newPage();
    await tab.goto(entry.url);
    const where = await tab.evaluate(() => {
      const adapter = window.LessonpackLMS.connect(JSON.parse(document.getElementById("lp-config").textContent));
      window.lp = adapter;
      adapter.start();
      adapter.progress(0.42, "w", 8);
      adapter.complete();
      return adapter.saveResponse("early");
    });
    assert.equal(where, "lms");
    await until("answered", stored(entry, "answered"));
    await tab.evaluate(() => lp.finish());
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    return [entry];
  });

  await scenario("adapter: no launch parameters, no LMS", async () => {
    const tab = await newPage();
    await tab.goto(`${lms.origin}/pkg/${harness}`);
    const found = await tab.evaluate(() => {
      const config = JSON.parse(document.getElementById("lp-config").textContent);
      const none = window.LessonpackLMS.connect(config);
      history.replaceState(null, "", "?endpoint=x&actor=%7B%7D&registration=r&activityId=a");
      return [none, window.LessonpackLMS.connect(config), window.LessonpackLMS.connect({ standard: "none" })];
    });
    assert.deepEqual(found, [null, null, null]);
    await tab.close();
    return [];
  });

  /* ---------- The real page ---------- */

  /** Opens the real page of `entry` and waits for its session to start. */
  async function openPage(L, entry) {
    const tab = await newPage();
    await tab.goto(entry.url);
    await until("initialized", stored(entry, "initialized", L));
    return tab;
  }

  async function play(tab) {
    await tab.evaluate(() => {
      const video = document.getElementById("lp-media");
      video.muted = true;
      video.playbackRate = 4;
      return video.play();
    });
  }

  /** Leaves the page (pagehide: terminated) and closes the tab. */
  async function leave(L, tab, entry) {
    await tab.goto("about:blank");
    await until("terminated", stored(entry, "terminated", L));
    await tab.close();
  }

  const statusText = (tab) => tab.textContent("#lp-status");
  const waitStatus = (tab, text) => tab.waitForFunction((t) => document.getElementById("lp-status").textContent === t,
    text, { timeout: 10000 });

  /** The real page: play the video until completed and passed, answer, leave. */
  async function watchAndAnswer(entry, answer, L = lms) {
    const tab = await openPage(L, entry);
    await play(tab);
    await until("passed", stored(entry, "passed", L), 60000);
    await tab.fill("#lp-response", answer);
    await tab.click("#lp-response-form button[type=submit]");
    await until("answered", stored(entry, "answered", L));
    await leave(L, tab, entry);
    const verbs = sessionStatements(L, entry).map((s) => verb(s)).filter((v) => v !== "progressed");
    assert.deepEqual(verbs, ["initialized", "completed", "passed", "answered", "terminated"]);
    assert.ok(sessionStatements(L, entry).some((s) => verb(s) === "progressed"), "progress was reported");
  }

  const r5 = crypto.randomUUID();
  const a5 = lmsActivity();
  const watched = lms.launch({ page: auUrl, actor: actor(5), registration: r5, activityId: a5, publisherId: auId });
  await scenario("page: watch the video, answer, leave", async () => {
    await watchAndAnswer(watched, "Watched it all.");
    return [watched];
  });

  await scenario("page: relaunch sends no second completed", async () => {
    const again = lms.launch({ page: auUrl, actor: actor(5), registration: r5, activityId: a5, publisherId: auId });
    const tab = await openPage(lms, again);
    await sleep(500);
    await leave(lms, tab, again);
    assert.deepEqual(checkRegistration(lms, [watched, again]), { completed: 1, passed: 1 });
    const state = lessonEntry(lms, again, lesson1);
    assert.equal(state.completed, true, "the saved state keeps the completion");
    assert.equal(state.passed, true, "and the passed");
    assert.ok(state.ratio >= 0.9 && state.watched, "and the watched record of the first session");
    assert.equal(state.response, "Watched it all.");
    return [again];
  });

  await scenario("page: activityId is the course IRI (Open edX)", async () => {
    const registration = crypto.randomUUID();
    const entry = lms.launch({ page: auUrl, actor: actor(6), registration, activityId: courseId,
      publisherId: auId, contextTemplate: openEdxTemplate(registration) });
    await watchAndAnswer(entry, "Course-level launch.");
    return [entry];
  });

  await scenario("page: the LRS on another origin (CORS, keepalive on pagehide)", async () => {
    const entry = lms.launch({ page: auUrl, actor: actor(8), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId, lrsHost: "localhost" });
    const before = lms.preflights;
    await watchAndAnswer(entry, "Across origins.");
    assert.ok(lms.preflights > before, "the browser sent CORS preflights");
    return [entry];
  });

  /* ---------- Two lessons, one learner: the LMS as cmi5 describes it, and Open edX ---------- */

  for (const [name, L, n] of [["spec", lms, 20], ["openedx", edx, 30]]) {
    const learner = enrol(L, n);
    const answer1 = `Lesson one, in ${name}.`;
    let kept1 = null; // lesson 1's entry once its sessions are over

    await scenario(`${name}: lesson 1 watched to the end, answered, closed`, async () => {
      const entry = learner.launch(lesson1);
      await watchAndAnswer(entry, answer1, L);
      checkGraded(L, entry);
      kept1 = lessonEntry(L, entry, lesson1);
      assert.ok(kept1.completed && kept1.passed && kept1.response === answer1, JSON.stringify(kept1));
      learner.checkCompletion();
      return [entry];
    }, L);

    await scenario(`${name}: lesson 1 relaunched resumes and records no second completion`, async () => {
      const entry = learner.launch(lesson1);
      const tab = await openPage(L, entry);
      assert.equal(await tab.inputValue("#lp-response"), answer1, "the response is back");
      await waitStatus(tab, strings.completed);
      assert.equal(await tab.evaluate(() => document.getElementById("lp-progress").value), 100);
      await leave(L, tab, entry);
      assert.deepEqual(checkRegistration(L, learner.sessions.get(lesson1.id)), { completed: 1, passed: 1 });
      kept1 = lessonEntry(L, entry, lesson1);
      assert.equal(kept1.response, answer1);
      learner.checkCompletion();
      return [entry];
    }, L);

    if (L.profile === "spec") {
      // Open edX's block launches in Normal mode only (`get_launch_state_data`).
      await scenario(`${name}: lesson 1 in Review mode records nothing`, async () => {
        const entry = learner.launch(lesson1, { launchMode: "Review" });
        const before = JSON.stringify(L.stateDocument(entry, "suspendData"));
        const tab = await openPage(L, entry);
        await waitStatus(tab, strings.review);
        await tab.fill("#lp-response", "Rewritten in review.");
        await tab.click("#lp-response-form button[type=submit]");
        await play(tab);
        await sleep(1500);
        await leave(L, tab, entry);
        assert.equal(JSON.stringify(L.stateDocument(entry, "suspendData")), before, "the state document is unchanged");
        learner.checkCompletion();
        return [entry];
      }, L);
    }

    let progress30 = 0;
    await scenario(`${name}: lesson 2 to 30 %, closed`, async () => {
      const entry = learner.launch(lesson2);
      const tab = await openPage(L, entry);
      await play(tab);
      await until("progressed 30", () => sessionStatements(L, entry)
        .some((s) => verb(s) === "progressed" && s.result.extensions[PROGRESS] >= 30), 30000);
      await tab.evaluate(() => document.getElementById("lp-media").pause());
      await leave(L, tab, entry);
      const mine = lessonEntry(L, entry, lesson2);
      assert.ok(mine.position > 5 && mine.ratio >= 0.3 && !mine.completed, JSON.stringify(mine));
      progress30 = mine.progress;
      checkKept(learner.stateOf(lesson1), kept1, "lesson 1 after lesson 2's first session");
      learner.checkCompletion();
      return [entry];
    }, L);

    await scenario(`${name}: lesson 2 resumed and watched to the end`, async () => {
      const entry = learner.launch(lesson2);
      const was = lessonEntry(L, entry, lesson2);
      const tab = await openPage(L, entry);
      await tab.waitForFunction((p) => document.getElementById("lp-media").currentTime >= p - 1, was.position,
        { timeout: 10000 });
      await play(tab);
      await until("passed", stored(entry, "passed", L), 60000);
      await leave(L, tab, entry);
      const list = sessionStatements(L, entry);
      const firstProgress = list.find((s) => verb(s) === "progressed");
      assert.ok(!firstProgress || firstProgress.result.extensions[PROGRESS] > progress30, "progress goes on rising");
      assert.deepEqual(list.map((s) => verb(s)).filter((v) => v !== "progressed"),
        ["initialized", "completed", "passed", "terminated"]);
      checkGraded(L, entry);
      assert.equal(lessonEntry(L, entry, lesson2).completed, true);
      checkKept(learner.stateOf(lesson1), kept1, "lesson 1 after lesson 2");
      learner.checkCompletion();
      return [entry];
    }, L);

    await scenario(`${name}: a reload after terminated says the session ended and records nothing`, async () => {
      const entry = learner.launch(lesson2);
      const tab = await openPage(L, entry);
      await tab.reload(); // pagehide: terminated
      await until("terminated", stored(entry, "terminated", L));
      await waitStatus(tab, strings.sessionEnded);
      const count = L.statements.length;
      const before = JSON.stringify(L.stateDocument(entry, "suspendData"));
      await tab.fill("#lp-response", "After the end.");
      await tab.click("#lp-response-form button[type=submit]");
      await play(tab);
      await sleep(1500);
      assert.equal(await statusText(tab), strings.sessionEnded, "the notice stays");
      await tab.goto("about:blank");
      await sleep(500);
      await tab.close();
      assert.equal(L.statements.length, count, "no statement after terminated");
      assert.equal(JSON.stringify(L.stateDocument(entry, "suspendData")), before, "the state document is unchanged");
      learner.checkCompletion();
      return [entry];
    }, L);

    await scenario(`${name}: lesson 3 without a video: reading the transcript completes, a relaunch keeps it`, async () => {
      const entry = learner.launch(lesson3);
      const tab = await openPage(L, entry);
      await tab.setViewportSize({ width: 800, height: 400 });
      await waitStatus(tab, strings.transcriptPath);
      // Not on load: the learner reads down to the transcript's end.
      await sleep(1000);
      assert.ok(!sessionStatements(L, entry).some((s) => verb(s) === "completed"), "not completed on load");
      await tab.mouse.move(400, 200);
      for (let i = 0; i < 12; i += 1) {
        await tab.mouse.wheel(0, 300);
        await sleep(100);
      }
      await waitStatus(tab, strings.completed);
      await until("passed", stored(entry, "passed", L), 20000);
      await leave(L, tab, entry);
      checkGraded(L, entry);
      assert.equal(lessonEntry(L, entry, lesson3).completed, true);

      const again = learner.launch(lesson3);
      const relaunched = await openPage(L, again);
      await waitStatus(relaunched, strings.completed);
      await leave(L, relaunched, again);
      assert.deepEqual(checkRegistration(L, learner.sessions.get(lesson3.id)), { completed: 1, passed: 1 });
      assert.equal(lessonEntry(L, again, lesson3).completed, true, "still completed after the relaunch");
      checkKept(learner.stateOf(lesson1), kept1, "lesson 1 after lesson 3");
      checkGraded(L, again);
      learner.checkCompletion();
      return [entry, again];
    }, L);

    await scenario(`${name}: lesson 1 after lesson 2 keeps its position, response and completion`, async () => {
      const entry = learner.launch(lesson1);
      checkKept(lessonEntry(L, entry, lesson1), kept1, "lesson 1 before its relaunch");
      const tab = await openPage(L, entry);
      assert.equal(await tab.inputValue("#lp-response"), answer1, "the response is back");
      await waitStatus(tab, strings.completed);
      await leave(L, tab, entry);
      checkKept(lessonEntry(L, entry, lesson1), kept1, "lesson 1 after its relaunch");
      assert.deepEqual(checkRegistration(L, learner.sessions.get(lesson1.id)), { completed: 1, passed: 1 });
      assert.deepEqual(checkRegistration(L, learner.sessions.get(lesson2.id)), { completed: 1, passed: 1 });
      checkGraded(L, entry);
      learner.checkCompletion();
      return [entry];
    }, L);
  }

  /* ---------- Negative controls: each checker above flags what it exists for ---------- */

  const controls = [];
  const control = (what, run, pattern) => {
    assert.throws(run, pattern, `negative control "${what}" was not flagged`);
    controls.push(what);
  };

  // checks.mjs on a real session with passed, broken one way at a time.
  const withPassed = sessionStatements(lms, first);
  const broken = (edit) => withPassed.map((s) => {
    const copy = structuredClone(s);
    if (verb(copy) === "passed") edit(copy);
    return copy;
  });
  control("passed without success", () => checkStatements(broken((s) => { s.result.success = false; }), first),
    /success/);
  control("passed without the moveon category", () => checkStatements(broken((s) => {
    s.context.contextActivities.category = s.context.contextActivities.category.filter((a) => a.id !== CATEGORY_MOVEON);
  }), first), /moveon/);
  control("passed below the masteryScore", () => checkStatements(withPassed, { ...first, masteryScore: 1.01 }),
    /masteryScore/);
  control("passed without the masteryScore extension", () => checkStatements(withPassed, { ...first, masteryScore: 0.5 }),
    /masteryScore extension/);
  control("passed in Browse mode", () => checkStatements(withPassed, { ...first, launchMode: "Browse" }), /Browse or Review/);
  control("a raw score above max", () => checkStatements(broken((s) => { s.result.score.raw = 150; }), first), /raw/);
  control("a score on completed", () => checkStatements(withPassed.map((s) => {
    const copy = structuredClone(s);
    if (verb(copy) === "completed") copy.result.score = { scaled: 1 };
    return copy;
  }), first), /score only/);
  control("passed twice in a registration", () => checkRegistration({ statements: [
    ...lms.statements, ...lms.statements.filter((s) => s.launch === first.key && verb(s.statement) === "passed")
      .map((s) => ({ ...s, statement: { ...s.statement, id: crypto.randomUUID() } })),
  ] }, [first]), /2 passed/);

  // The preview's panel checker, on crafted records.
  const passedOf = (entry) => structuredClone(sessionStatements(lms, entry).find((s) => verb(s) === "passed"));
  const marksFor = (records) => {
    const checker = previewChecker();
    return records.flatMap((r) => checker.check(r));
  };
  const sessionRecords = (entry, edit) => [
    { session: 1, lms: true, statement: structuredClone(entry.launched) },
    ...sessionStatements(lms, entry).map((s) => {
      const copy = structuredClone(s);
      if (verb(copy) === "passed" && edit) edit(copy);
      return { session: 1, statement: copy };
    }),
  ];
  assert.deepEqual(marksFor(sessionRecords(first)), [], "the panel accepts a good session");
  const flagged = (what, records, pattern) => control(what, () => {
    const marks = marksFor(records);
    if (marks.some((m) => pattern.test(m))) throw new Error(marks.join("; "));
  }, pattern);
  flagged("panel: passed without success", sessionRecords(first, (s) => { s.result.success = false; }), /success/);
  flagged("panel: passed without moveon", sessionRecords(first, (s) => {
    s.context.contextActivities.category = s.context.contextActivities.category.filter((a) => a.id !== CATEGORY_MOVEON);
  }), /moveon/);
  flagged("panel: passed below the masteryScore", sessionRecords(first, (s) => { s.result.score.scaled = 0.5; })
    .map((r) => (r.lms ? { ...r, statement: { ...r.statement, context: { ...r.statement.context,
      extensions: { ...r.statement.context.extensions, [MASTERY_SCORE]: 0.8 } } } } : r)), /masteryScore/);
  flagged("panel: passed in Review mode", sessionRecords(first).map((r) => (r.lms ? { ...r, statement: {
    ...r.statement, context: { ...r.statement.context, extensions: { ...r.statement.context.extensions,
      "https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Review" } } } } : r)), /Review mode/);
  flagged("panel: passed again in the registration", [...sessionRecords(first), { session: 2, statement:
    { ...passedOf(first), id: crypto.randomUUID() } }], /passed again/);

  // Open edX: a lesson that sends only completed is graded 0 (the block's score is 0/1).
  const unscored = enrol(edx, 40);
  const completedOnly = unscored.launch(lesson1, { page: harnesses.get(lesson1.id) });
  {
    const tab = await newPage();
    await openAdapter(tab, completedOnly, { score: false });
    await tab.evaluate(() => { lp.progress(1, "w", 20); lp.complete(); lp.finish(); });
    await until("terminated", stored(completedOnly, "terminated", edx));
    await tab.close();
    checkSession(edx, completedOnly);
  }
  control("Open edX: completed without passed grades 0", () => checkGraded(edx, completedOnly), /grade/);
  control("spec: completed without passed has no score", () => checkGraded(lms, unscoredSpec), /grade/);
  control("a completion undone", () => checkNotUndone({ lesson: true }, { lesson: false }), /undone/);

  // Open edX: the handler fails on a passed without result, and drops a POST to the state.
  const problems = edx.problems.length;
  const endpoint = new URL(completedOnly.url).searchParams.get("endpoint");
  const headers = { Authorization: `Basic ${completedOnly.token}`, "Content-Type": "application/json" };
  const statementId = crypto.randomUUID();
  const bare = { id: statementId, actor: completedOnly.actor, verb: { id: "http://adlnet.gov/expapi/verbs/passed",
    display: { en: "passed" } }, object: { id: courseId } };
  const put = await fetch(`${endpoint}statements?statementId=${statementId}`, { method: "PUT", headers, body: JSON.stringify(bare) });
  assert.equal(put.status, 500, "a passed without result makes Open edX's handler fail");
  const stateUrl = `${endpoint}activities/state?${new URLSearchParams({ stateId: "suspendData",
    activityId: courseId, agent: JSON.stringify(completedOnly.actor), registration: completedOnly.registration })}`;
  const post = await fetch(stateUrl, { method: "POST", headers, body: JSON.stringify({ merged: true }) });
  assert.equal(post.status, 200, "Open edX answers a POST to the state with 200");
  assert.equal(edx.stateDocument(completedOnly, "suspendData").merged, undefined, "and drops it");
  control("Open edX: refused or dropped requests are noted",
    () => checkNoProblems(edx.problems.slice(problems), "Open edX"), /without result[^]*dropped/);
  edx.problems.splice(problems);

  // Open edX: a lesson that replaces the one document (what version 1 did) loses lesson 1.
  const kept = unscored.launch(lesson1, { page: harnesses.get(lesson1.id) });
  const doc = edx.stateDocument(kept, "suspendData");
  const entry1 = doc.lessons[lesson1.id];
  edx.setStateDocument(kept, "suspendData", { lessonpack: 2, lessons: { [lesson2.id]: { position: 3 } } });
  control("Open edX: lesson 2 replacing the document", () => checkKept(lessonEntry(edx, kept, lesson1), entry1,
    "lesson 1"), /gone/);
  edx.setStateDocument(kept, "suspendData", doc);
  edx.launches.delete(kept.key);

  // The Open edX profile's one document: a version 1 document of lesson 2 survives lesson 1.
  await scenario("openedx: lesson 1 keeps lesson 2's version 1 state", async () => {
    const other = enrol(edx, 41);
    const entry = other.launch(lesson1, { page: harnesses.get(lesson1.id) });
    edx.setStateDocument(entry, "suspendData", { au: lesson2.id, position: 9, response: "lesson two, v1" });
    const tab = await newPage();
    const saved = await openAdapter(tab, entry);
    assert.deepEqual(saved, empty, "another lesson's document is not this lesson's");
    await tab.evaluate(() => { lp.progress(0.5, "w", 10); lp.saveResponse("lesson one"); lp.finish(); });
    await until("terminated", stored(entry, "terminated", edx));
    await tab.close();
    const after = edx.stateDocument(entry, "suspendData");
    assert.deepEqual(after.lessons[lesson2.id], { position: 9, response: "lesson two, v1" });
    assert.equal(after.lessons[lesson1.id].response, "lesson one");
    return [entry];
  }, edx);

  // A state read cut short mid-session: the page keeps the document it read last rather than
  // merging into nothing, so lesson 1's entry survives lesson 2's write.
  await scenario("openedx: a state read cut short loses no other lesson", async () => {
    const other = enrol(edx, 42);
    const entry = other.launch(lesson2, { page: harnesses.get(lesson2.id) });
    const first = { position: 12, response: "lesson one", completed: true, passed: true };
    edx.setStateDocument(entry, "suspendData", { lessonpack: 2, lessons: { [lesson1.id]: first } });
    const tab = await newPage();
    await openAdapter(tab, entry);
    edx.cutNextRead = true;
    await tab.evaluate(() => lp.progress(0.25, "w", 5));
    await until("progressed 20", stored(entry, "progressed", edx));
    await tab.evaluate(() => lp.commit());
    await tab.evaluate(() => lp.finish());
    await until("terminated", stored(entry, "terminated", edx));
    await tab.close();
    assert.equal(edx.cutNextRead, false, "a read was cut short");
    const after = edx.stateDocument(entry, "suspendData");
    checkKept(after.lessons[lesson1.id], first, "lesson 1 after a cut read");
    assert.equal(after.lessons[lesson2.id].position, 5);
    return [entry];
  }, edx);

  report.controls = controls;
  console.log(`negative controls flagged: ${controls.length}`);

  checkNoProblems(lms.problems, "the LMS refused requests");
  checkNoProblems(edx.problems, "the Open edX profile refused or dropped requests");
  assert.deepEqual(previewMarks(lms), [], "the preview's panel marks nothing (spec)");
  assert.deepEqual(previewMarks(edx), [], "the preview's panel marks nothing (Open edX)");
  assert.deepEqual(pageErrors, [], "no script errors on the pages");
  report.statements = [...lms.statements, ...edx.statements].map((s) => s.statement);
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await lms.close();
  await edx.close();
}
