// The cmi5 runtime in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against the mini LMS/LRS in lms.mjs, on 127.0.0.1 only.
//
//   node run.mjs <unpacked cmi5 package> <report.json>
//
// "adapter" scenarios load the lesson page without lessonpack.js and call the adapter as
// lessonpack.js does (start, progress, complete, saveResponse, commit, finish on pagehide), so
// every value is known; "page" scenarios use the real page with lessonpack.js and a playing
// video. Every session is checked against cmi5's rules (checks.mjs); the report holds every
// stored statement for the xAPI validator (validate.py). Exits non-zero on the first failure.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { checkRegistration, checkSession, sessionStatements, verb } from "./checks.mjs";
import { startLms } from "./lms.mjs";

const [root, reportPath] = process.argv.slice(2);
const structure = fs.readFileSync(path.join(root, "cmi5.xml"), "utf8");
const courseId = /<course id="([^"]+)"/.exec(structure)[1];
const [, auId, auUrl] = /<au id="([^"]+)"[^]*?<url>([^<]+)<\/url>/.exec(structure);
const responseId = `${auId}:response`;

// The adapter harness: the lesson page as built, less lessonpack.js.
const page = fs.readFileSync(path.join(root, auUrl), "utf8");
const harnessHtml = page.replace(/<script src="[^"]*assets\/lessonpack\.js"><\/script>/, "");
assert.notEqual(harnessHtml, page, "the page loads lessonpack.js");
assert.ok(page.indexOf("assets/cmi5.js") < page.indexOf("assets/lessonpack.js"));
const harness = auUrl.replace(/[^/]+$/, "adapter.html");
fs.writeFileSync(path.join(root, harness), harnessHtml);

const lms = await startLms(root);
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

async function until(what, predicate, ms = 30000) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const stored = (entry, v) => () => sessionStatements(lms, entry).some((s) => verb(s) === v);

async function newPage() {
  const tab = await context.newPage();
  tab.on("pageerror", (error) => pageErrors.push(error.message));
  return tab;
}

/** Opens the harness for `entry`, connects and starts as lessonpack.js does. */
async function openAdapter(tab, entry) {
  await tab.goto(entry.url);
  return tab.evaluate(() => {
    const config = JSON.parse(document.getElementById("lp-config").textContent);
    const adapter = window.LessonpackLMS.connect(config);
    window.lp = adapter;
    addEventListener("pagehide", () => adapter.finish());
    return adapter.start();
  });
}

async function scenario(name, run) {
  const sessions = await run();
  const result = { name, sessions: sessions.map((entry) => checkSession(lms, entry)) };
  report.scenarios.push(result);
  console.log(`${name}:\n${result.sessions.map((s) => `  ${s.join(", ")}`).join("\n")}`);
}

try {
  const text = "Digital platforms & <growth> — 数字经济";
  const r1 = crypto.randomUUID();
  const a1 = lmsActivity();
  const first = lms.launch({ page: harness, actor: actor(1), registration: r1, activityId: a1,
    publisherId: auId, preferences: { languagePreference: "en-GB", audioPreference: "off" } });

  await scenario("adapter: normal launch", async () => {
    const tab = await newPage();
    const saved = await openAdapter(tab, first);
    assert.deepEqual(saved, { position: null, watched: null, response: null, responseSaved: false, completed: false });
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
    const answered = sessionStatements(lms, first).find((s) => verb(s) === "answered");
    assert.equal(answered.object.id, responseId);
    assert.equal(answered.object.definition.interactionType, "long-fill-in");
    assert.equal(answered.result.response, text);
    assert.ok(answered.context.contextActivities.parent.some((a) => a.id === a1), "the AU is the parent");
    assert.deepEqual(sessionStatements(lms, first).map((s) => verb(s)),
      ["initialized", "progressed", "progressed", "progressed", "progressed", "completed", "answered", "terminated"]);
    return [first];
  });

  await scenario("adapter: relaunch resumes, completed stays once", async () => {
    const again = lms.launch({ page: harness, actor: actor(1), registration: r1, activityId: a1, publisherId: auId });
    const tab = await newPage();
    const saved = await openAdapter(tab, again);
    assert.deepEqual(saved, { position: 20, watched: "w1", response: text, responseSaved: true, completed: true });
    await tab.evaluate(() => { lp.progress(1, "w1", 20); lp.complete(); });
    await tab.goto("about:blank");
    await until("terminated", stored(again, "terminated"));
    await tab.close();
    assert.equal(checkRegistration(lms, [first, again]), 1);
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
    const saved = await tab.evaluate(() => {
      const adapter = window.LessonpackLMS.connect(JSON.parse(document.getElementById("lp-config").textContent));
      return adapter.start().then((s) => {
        adapter.progress(0.8, "w", 16);
        adapter.complete();
        return { saved: s, where: adapter.saveResponse("after the end") };
      });
    });
    assert.equal(saved.saved.position, 7, "the reloaded page resumes");
    assert.equal(saved.where, "local", "nothing is recorded after terminated (§9.3.8)");
    await tab.goto("about:blank");
    await new Promise((r) => setTimeout(r, 300));
    await tab.close();
    return [entry];
  });

  await scenario("adapter: Browse mode records no completion", async () => {
    const entry = lms.launch({ page: harness, actor: actor(3), registration: crypto.randomUUID(),
      activityId: lmsActivity(), publisherId: auId, launchMode: "Browse" });
    const tab = await newPage();
    await openAdapter(tab, entry);
    await tab.evaluate(() => { lp.progress(0.5, "w", 10); lp.complete(); lp.saveResponse("a note"); });
    await until("answered", stored(entry, "answered"));
    await tab.goto("about:blank");
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    return [entry];
  });

  await scenario("adapter: activityId is the course IRI (Open edX)", async () => {
    const registration = crypto.randomUUID();
    const entry = lms.launch({ page: harness, actor: actor(4), registration, activityId: courseId,
      publisherId: auId, contextTemplate: openEdxTemplate(registration) });
    const tab = await newPage();
    await openAdapter(tab, entry);
    await tab.evaluate(() => { lp.progress(1, "w", 20); lp.complete(); });
    await until("completed", stored(entry, "completed"));
    await tab.goto("about:blank");
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    for (const s of sessionStatements(lms, entry)) {
      assert.equal(s.object.id, courseId);
      assert.ok(s.context.contextActivities.grouping.some((a) => a.id === auId), "the AU's IRI in grouping");
    }
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

  /** The real page: play the video until completed, answer, leave. */
  async function watchAndAnswer(entry, answer) {
    const tab = await newPage();
    await tab.goto(entry.url);
    await until("initialized", stored(entry, "initialized"));
    await tab.evaluate(() => {
      const video = document.getElementById("lp-media");
      video.muted = true;
      video.playbackRate = 4;
      return video.play();
    });
    await until("completed", stored(entry, "completed"), 60000);
    await tab.fill("#lp-response", answer);
    await tab.click("#lp-response-form button[type=submit]");
    await until("answered", stored(entry, "answered"));
    await tab.goto("about:blank");
    await until("terminated", stored(entry, "terminated"));
    await tab.close();
    const verbs = sessionStatements(lms, entry).map((s) => verb(s)).filter((v) => v !== "progressed");
    assert.deepEqual(verbs, ["initialized", "completed", "answered", "terminated"]);
    assert.ok(sessionStatements(lms, entry).some((s) => verb(s) === "progressed"), "progress was reported");
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
    const tab = await newPage();
    await tab.goto(again.url);
    await until("initialized", stored(again, "initialized"));
    await new Promise((r) => setTimeout(r, 500));
    await tab.goto("about:blank");
    await until("terminated", stored(again, "terminated"));
    await tab.close();
    assert.equal(checkRegistration(lms, [watched, again]), 1);
    const state = lms.stateDocument(again, "suspendData");
    assert.equal(state.au, auId);
    assert.equal(state.completed, true, "the saved state keeps the completion");
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

  assert.deepEqual(lms.problems, [], "the LMS saw no bad request");
  assert.deepEqual(pageErrors, [], "no script errors on the pages");
  report.statements = lms.statements.map((s) => s.statement);
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await lms.close();
}
