// Browser tests of the learner-facing JavaScript (src/render/assets/*.js):
// a hand-made lesson page in headless Chromium, inside an LMS frame that runs
// scorm-again's real SCORM 1.2 / 2004 runtime.
//
// Needs Debian's chromium and ffmpeg (see setup.sh). Run: npm test
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const CHROMIUM = process.env.LESSONPACK_CHROMIUM || "/usr/bin/chromium";
const LESSON = "/pages/digital-leadership-china/international-perspective.html";
const STORAGE_KEY = "lessonpack:digital-leadership-china:international-perspective";

let browser;
let server;   // 127.0.0.1: LMS host and lesson
let foreign;  // 127.0.0.2: a different origin, for the mock iframe players
let mediaDir;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium (see setup.sh)`);
  mediaDir = mkdtempSync(join(tmpdir(), "lessonpack-browser-"));
  // A real 30 s WebM (VP8 test pattern, no audio), made fresh for each run.
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
    "-i", "testsrc2=duration=30:size=320x180:rate=15", "-c:v", "libvpx", "-deadline", "realtime",
    "-cpu-used", "8", "-b:v", "200k", "-g", "15", join(mediaDir, "lesson.webm")]);
  server = await startServer({ host: "127.0.0.1", mediaDir });
  foreign = await startServer({ host: "127.0.0.2", mediaDir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required"],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await foreign?.close();
  if (mediaDir) rmSync(mediaDir, { recursive: true, force: true });
});

/* ---------- helpers ---------- */

// A fresh browser context per test, collecting console errors and warnings
// from every frame (the lesson runs in an iframe).
async function openPage(allow = []) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error" && msg.type() !== "warning") return;
    const text = `${msg.type()}: ${msg.text()} (${msg.location().url})`;
    if (!allow.some((re) => re.test(text))) problems.push(text);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  return { page, context, problems };
}

function lessonUrl(query = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) q.set(k, typeof v === "string" ? v : JSON.stringify(v));
  return `${LESSON}?${q}`;
}

// Open the LMS host, create the API, load the lesson in its iframe.
async function launch(page, version, { data = null, query = {} } = {}) {
  const standard = version === "12" ? "scorm12" : "scorm2004";
  const cfg = Object.assign({ standard }, query.cfg || {});
  await page.goto(`${server.origin}/host.html`);
  await page.evaluate((o) => window.startLesson(o), { version, data, lessonUrl: lessonUrl({ ...query, cfg }) });
  await page.waitForFunction(() => {
    const f = document.querySelector("iframe");
    return f && f.contentDocument && f.contentDocument.readyState === "complete" &&
      f.contentDocument.getElementById("lp-progress");
  });
  return page.frame({ name: "lesson" });
}

const text = (s) => (s || "").replace(/[\u2068\u2069]/g, "");
const statusOf = async (frame) => text(await frame.textContent("#lp-status"));
const cmi = (page) => page.evaluate(() => window.cmiSnapshot());
const calls = (page, ...fns) => page.evaluate((names) => window.lms.calls.filter((c) => names.includes(c.fn)), fns);
const failedSets = async (page) =>
  (await calls(page, "LMSSetValue", "SetValue")).filter((c) => c.result !== "true" || c.error !== "0");
const statusField = (version, c) => (version === "12" ? c.core.lesson_status : c.completion_status);

function waitStatus(page, version, wanted, timeout = 30000) {
  return page.waitForFunction(([v, w]) => {
    const c = window.cmiSnapshot();
    return (v === "12" ? c.core.lesson_status : c.completion_status) === w;
  }, [version, wanted], { timeout });
}

async function play(frame, rate) {
  await frame.evaluate(async (r) => {
    const v = document.getElementById("lp-media");
    if (v.readyState < 1) await new Promise((ok) => v.addEventListener("loadedmetadata", ok, { once: true }));
    v.muted = true;
    v.playbackRate = r;
    await v.play();
  }, rate);
}

const mediaTime = (frame) => frame.evaluate(() => document.getElementById("lp-media").currentTime);

/* ---------- SCORM 1.2 and 2004 against scorm-again ---------- */

for (const version of ["12", "2004"]) {
  describe(`SCORM ${version === "12" ? "1.2" : "2004"} with scorm-again`, () => {
    let suspended = null; // CMI left by the pagehide test, relaunched by the resume test

    test("initialize marks the attempt incomplete", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, version);
      await page.waitForFunction(() => window.lms.calls.some((c) => /Commit|SetValue/.test(c.fn)) ||
        window.lms.calls.length > 3);
      await frame.waitForFunction(() => document.getElementById("lp-status").textContent !== "");
      const init = await calls(page, version === "12" ? "LMSInitialize" : "Initialize");
      assert.equal(init.length, 1);
      assert.equal(init[0].result, "true");
      const c = await cmi(page);
      assert.equal(statusField(version, c), "incomplete");
      assert.equal(version === "12" ? c.core.exit : c.exit, "suspend");
      assert.equal(text(await frame.textContent("#lp-status")), "Watched: 0 %");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("playing 90 % completes, with progress rising", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, version);
      await play(frame, 8);
      await waitStatus(page, version, "completed");
      assert.equal(await statusOf(frame), "Lesson completed");
      assert.equal(await frame.evaluate(() => document.getElementById("lp-progress").value), 100);
      const c = await cmi(page);
      if (version === "12") {
        assert.equal(c.core.exit, "");
      } else {
        assert.equal(c.progress_measure, "1");
        assert.equal(c.exit, "normal");
        const measures = (await calls(page, "SetValue"))
          .filter((x) => x.args[0] === "cmi.progress_measure").map((x) => Number(x.args[1]));
        assert.ok(measures.length >= 5, `progress_measure set ${measures.length} times`);
        for (let i = 1; i < measures.length; i += 1) assert.ok(measures[i] > measures[i - 1], `rising: ${measures}`);
        assert.ok(measures.at(-2) >= 0.9 && measures.at(-2) < 1, `last measure before completion: ${measures.at(-2)}`);
        assert.equal(measures.at(-1), 1);
      }
      const commits = await calls(page, version === "12" ? "LMSCommit" : "Commit");
      assert.ok(commits.length >= 1, "completion is committed at once");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("seeking to the end does not count as watching", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, version);
      await frame.evaluate(async () => {
        const v = document.getElementById("lp-media");
        if (v.readyState < 1) await new Promise((ok) => v.addEventListener("loadedmetadata", ok, { once: true }));
        v.currentTime = 26;
      });
      await play(frame, 2);
      await frame.waitForFunction(() => document.getElementById("lp-media").ended, null, { timeout: 15000 });
      await page.waitForTimeout(700);
      const c = await cmi(page);
      assert.equal(statusField(version, c), "incomplete");
      const progress = await frame.evaluate(() => document.getElementById("lp-progress").value);
      assert.ok(progress <= 14, `progress after watching 26-30 s: ${progress}`);
      // The stored intervals start no earlier than the seek target (base 36 deciseconds).
      const watched = c.suspend_data.split("w=")[1];
      const first = parseInt(watched.split("-")[0], 36) / 10;
      assert.ok(first >= 26, `first watched second ${first}`);
      if (version === "2004") assert.ok(Number(c.progress_measure) <= 0.14, c.progress_measure);
      assert.notEqual(await statusOf(frame), "Lesson completed");
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("a broken video switches to the transcript path, completed by scrolling to its end", async () => {
      const { page, context, problems } = await openPage([/Failed to load resource.*404/]);
      const frame = await launch(page, version, { query: { media: "missing.webm" } });
      await frame.waitForSelector("#lp-video-error:not([hidden])", { timeout: 10000 });
      assert.equal(await statusOf(frame), "Read the transcript to the end to complete the lesson");
      // Not on load: the end of the transcript is below the fold and nobody scrolled.
      await page.waitForTimeout(1500);
      assert.equal(statusField(version, await cmi(page)), "incomplete");
      // Scrolling the page until the end marker shows is not enough while the
      // cue list (its own scroll box) still hides its last cue...
      await frame.evaluate(() => document.getElementById("lp-transcript-end").scrollIntoView({ block: "end" }));
      await page.waitForTimeout(800);
      assert.equal(statusField(version, await cmi(page)), "incomplete");
      // ...reading the list down to its last cue is.
      const box = await frame.evaluate(() => {
        const r = document.getElementById("lp-cues").getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      });
      await page.mouse.move(box.x, box.y);
      for (let i = 0; i < 8; i += 1) {
        await page.mouse.wheel(0, 200);
        await page.waitForTimeout(100);
      }
      await waitStatus(page, version, "completed", 5000);
      assert.equal(await statusOf(frame), "Lesson completed");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("a saved response goes to comments and an interaction", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, version);
      await frame.click("#lp-response-form button[type=submit]");
      await frame.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Write a response first");
      const answer = ("In Estonia, the e-Residency programme lets anyone start a company online. " +
        "Singapore's Smart Nation plan links sensors, data and services across the city. ").repeat(3).slice(0, 400);
      assert.equal(answer.length, 400);
      await frame.fill("#lp-response", answer);
      await frame.click("#lp-response-form button[type=submit]");
      await frame.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Response saved");
      let c = await cmi(page);
      if (version === "12") {
        assert.equal(c.comments, answer);
        const i = c.interactions["0"];
        assert.equal(i.id, "response-international-perspective");
        assert.equal(i.type, "fill-in");
        assert.equal(i.result, "neutral");
        assert.match(i.time, /^\d\d:\d\d:\d\d$/);
        assert.ok(i.student_response.length <= 255, `student_response ${i.student_response.length} chars`);
        assert.equal(i.student_response, answer.slice(0, 254) + "\u2026");
        assert.match(c.suspend_data, /^lp1;r=1;/);
        assert.deepEqual(await failedSets(page), []);
        // Beyond CMIString4096 the comment is cut, and the learner is told.
        await frame.fill("#lp-response", "x".repeat(5000));
        await frame.click("#lp-response-form button[type=submit]");
        await frame.waitForFunction(() => /first/.test(document.getElementById("lp-response-status").textContent));
        c = await cmi(page);
        assert.equal(c.comments.length, 4096);
        assert.ok(c.comments.endsWith("\u2026"));
        assert.equal(Object.keys(c.interactions).length, 1, "one interaction slot per session");
      } else {
        assert.equal(c.comments_from_learner["0"].comment, answer);
        assert.match(c.comments_from_learner["0"].timestamp, /^\d{4}-\d\d-\d\dT/);
        const i = c.interactions["0"];
        assert.equal(i.id, "response-international-perspective");
        assert.equal(i.type, "long-fill-in");
        assert.equal(i.learner_response, answer);
        assert.equal(i.result, "neutral");
        assert.deepEqual(await failedSets(page), []);
        // scorm-again (like Moodle) refuses line breaks in a localized string:
        // the one-line form is stored instead of nothing.
        await frame.fill("#lp-response", "First paragraph.\n\nSecond paragraph.");
        await frame.click("#lp-response-form button[type=submit]");
        await page.waitForFunction(() => window.cmiSnapshot().interactions["0"].learner_response === "First paragraph. Second paragraph.");
        c = await cmi(page);
        assert.equal(c.comments_from_learner["0"].comment, "First paragraph. Second paragraph.");
        assert.equal(Object.keys(c.comments_from_learner).length, 1, "one comment slot per session");
      }
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("pagehide mid-video commits and terminates exactly once", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, version);
      await play(frame, 4);
      await frame.waitForFunction(() => document.getElementById("lp-media").currentTime >= 9, null, { timeout: 15000 });
      const at = await mediaTime(frame);
      // Leaving the page as an LMS does: the lesson frame navigates away.
      await page.evaluate(() => { document.querySelector("iframe").src = "about:blank"; });
      const finishName = version === "12" ? "LMSFinish" : "Terminate";
      await page.waitForFunction((n) => window.lms.calls.some((c) => c.fn === n), finishName);
      await page.waitForTimeout(500);
      const finishes = await calls(page, finishName);
      assert.equal(finishes.length, 1);
      assert.equal(finishes[0].result, "true");
      const all = await page.evaluate(() => window.lms.calls.map((x) => x.fn));
      const lastCommit = all.lastIndexOf(version === "12" ? "LMSCommit" : "Commit");
      assert.ok(lastCommit >= 0 && lastCommit < all.lastIndexOf(finishName), "committed before finishing");
      const c = await cmi(page);
      const location = Number(version === "12" ? c.core.lesson_location : c.location);
      assert.ok(location >= 8 && location <= at + 2, `location ${location}, media at ${at}`);
      assert.equal(version === "12" ? c.core.exit : c.exit, "suspend");
      // Watched from (about) the start: base-36 deciseconds, starts rounded up.
      const m = /^lp1;r=0;w=([0-9a-z]+)-([0-9a-z]+)$/.exec(c.suspend_data);
      assert.ok(m && parseInt(m[1], 36) <= 5 && parseInt(m[2], 36) >= 80, c.suspend_data);
      // session_time: every value written was accepted, in the version's format.
      const times = (await calls(page, "LMSSetValue", "SetValue")).filter((x) => /session_time$/.test(x.args[0]));
      assert.ok(times.length >= 2);
      for (const x of times) assert.deepEqual([x.result, x.error], ["true", "0"], `session_time ${x.args[1]}`);
      const last = times.at(-1).args[1];
      if (version === "12") assert.match(last, /^\d{4}:\d\d:\d\d\.\d\d$/);
      else assert.match(last, /^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)$/);
      assert.notEqual(last, version === "12" ? "0000:00:00.00" : "PT0S");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(await page.evaluate(() => window.lms.logs), []);
      assert.deepEqual(problems, []);
      suspended = { c, location };
      await context.close();
    });

    test("a relaunch with the stored location and suspend_data resumes", async () => {
      assert.ok(suspended, "needs the pagehide test's data");
      const { c, location } = suspended;
      const data = version === "12"
        ? { core: { lesson_location: c.core.lesson_location, lesson_status: c.core.lesson_status, entry: "resume" },
          suspend_data: c.suspend_data }
        : { location: c.location, completion_status: c.completion_status, progress_measure: c.progress_measure,
          suspend_data: c.suspend_data, entry: "resume" };
      const { page, context, problems } = await openPage();
      const frame = await launch(page, version, { data });
      await frame.waitForFunction(() => /^Resumed at/.test(document.getElementById("lp-status").textContent.replace(/[\u2068\u2069]/g, "")));
      assert.equal(await statusOf(frame), `Resumed at 0:${String(location).padStart(2, "0")}`);
      const t = await mediaTime(frame);
      assert.ok(Math.abs(t - location) < 0.5, `media at ${t}, stored ${location}`);
      const restored = await frame.evaluate(() => document.getElementById("lp-progress").value);
      assert.ok(restored >= Math.floor((location - 1) / 30 * 100) - 4, `progress restored to ${restored}`);
      // Watching on from there completes the lesson; 2004's measure never went down.
      await play(frame, 8);
      await waitStatus(page, version, "completed");
      if (version === "2004") {
        const measures = (await calls(page, "SetValue")).filter((x) => x.args[0] === "cmi.progress_measure")
          .map((x) => Number(x.args[1]));
        assert.ok(measures.every((m) => m > Number(c.progress_measure)), `${measures} vs ${c.progress_measure}`);
      }
      // pagehide can come more than once (bfcache, a frame torn down twice):
      // still one finish, and a completed attempt exits "" (1.2) / "normal" (2004).
      await frame.evaluate(() => {
        window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: true }));
        window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
      });
      await page.evaluate(() => { document.querySelector("iframe").src = "about:blank"; });
      await page.waitForTimeout(500);
      assert.equal((await calls(page, version === "12" ? "LMSFinish" : "Terminate")).length, 1);
      const end = await cmi(page);
      assert.equal(version === "12" ? end.core.exit : end.exit, version === "12" ? "" : "normal");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}

/* ---------- Without an LMS ---------- */

describe("without an LMS", () => {
  for (const [name, query] of [
    ["plain web page (standard none, no scorm.js)", { noscorm: "1", cfg: { standard: "none" } }],
    ["SCORM package opened outside an LMS", { cfg: { standard: "scorm12" } }],
  ]) {
    test(`${name}: works fully from this browser, no console errors`, async () => {
      const { page, context, problems } = await openPage();
      await page.goto(server.origin + lessonUrl(query));
      await play(page.mainFrame(), 8);
      await page.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed", null, { timeout: 30000 });
      await page.fill("#lp-response", "Kenya's M-Pesa.");
      await page.click("#lp-response-form button[type=submit]");
      await page.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Response saved in this browser");
      const stored = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY));
      assert.equal(stored.completed, true);
      assert.equal(stored.response, "Kenya's M-Pesa.");
      await page.reload();
      assert.equal(await page.inputValue("#lp-response"), "Kenya's M-Pesa.");
      assert.equal(text(await page.textContent("#lp-status")), "Lesson completed");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test("a sandboxed frame: storage throws, state stays in memory; caption line replaces the blocked track", async () => {
    // Chromium's own message about the refused <track>; nothing our script can prevent.
    const { page, context, problems } = await openPage([/Unsafe attempt to load URL .*\/captions\//]);
    await page.goto(`${server.origin}/host.html`);
    await page.evaluate((url) => {
      const f = document.createElement("iframe");
      f.name = "lesson";
      f.setAttribute("sandbox", "allow-scripts"); // opaque origin: localStorage throws
      f.src = url;
      document.body.appendChild(f);
    }, lessonUrl({ cfg: { standard: "scorm12" } }));
    await page.waitForTimeout(500);
    const frame = page.frame({ name: "lesson" });
    await frame.waitForSelector("#lp-status:not(:empty)");
    await frame.fill("#lp-response", "Rwanda's Irembo portal.");
    await frame.click("#lp-response-form button[type=submit]");
    await frame.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Response saved in this browser");
    await frame.waitForFunction(() => !document.getElementById("lp-caption").hidden);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("from file:// (a downloaded package): plays, completes, keeps progress locally", async () => {
    const root = mkdtempSync(join(tmpdir(), "lessonpack-file-"));
    try {
      const put = (rel, data) => { mkdirSync(dirname(join(root, rel)), { recursive: true }); writeFileSync(join(root, rel), data); };
      const assets = new URL("../../src/render/assets/", import.meta.url);
      put("pages/m/lesson.html", readFileSync(new URL("harness/lesson.html", import.meta.url)));
      put("assets/scorm.js", readFileSync(new URL("scorm.js", assets)));
      put("assets/lessonpack.js", readFileSync(new URL("lessonpack.js", assets)));
      put("media/lesson.webm", readFileSync(join(mediaDir, "lesson.webm")));
      put("captions/international-perspective.vtt", readFileSync(new URL("harness/captions/international-perspective.vtt", import.meta.url)));
      const { page, context, problems } = await openPage([/Unsafe attempt to load URL file:.*\/captions\//]);
      await page.goto(pathToFileURL(join(root, "pages/m/lesson.html")).href);
      await play(page.mainFrame(), 8);
      await page.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed", null, { timeout: 30000 });
      // Chromium will not load <track> files from file://: the caption line shows the cue instead.
      assert.match(await page.textContent("#lp-caption"), /going digital/);
      await page.fill("#lp-response", "Chile's digital agenda.");
      await page.click("#lp-response-form button[type=submit]");
      await page.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Response saved in this browser");
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/* ---------- The page itself ---------- */

describe("transcript, search and accessibility", () => {
  test("clicking a cue seeks and plays; the current cue follows the video", async () => {
    const { page, context, problems } = await openPage();
    await page.goto(server.origin + lessonUrl({ noscorm: "1", cfg: { standard: "none" } }));
    await page.evaluate(() => { document.getElementById("lp-media").muted = true; });
    await page.click('.lp-cue[data-start="15"]');
    await page.waitForFunction(() => !document.getElementById("lp-media").paused);
    const t = await page.evaluate(() => document.getElementById("lp-media").currentTime);
    assert.ok(t >= 15 && t < 17, `seeked to ${t}`);
    await page.waitForFunction(() => document.querySelector(".lp-cue.lp-current")?.dataset.start === "15");
    assert.equal(await page.getAttribute('.lp-cue[data-start="15"]', "aria-current"), "true");
    assert.equal(await page.locator("[aria-current]").count(), 1);
    // Keyboard: Enter on a focused cue does the same.
    await page.focus('.lp-cue[data-start="25"]');
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector(".lp-cue.lp-current")?.dataset.start === "25");
    // The native track shows captions here: the iframe caption line stays hidden.
    assert.equal(await page.evaluate(() => document.getElementById("lp-caption").hidden), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("search marks matches accent- and case-insensitively and restores the text exactly", async () => {
    const { page, context, problems } = await openPage();
    await page.goto(server.origin + lessonUrl({ noscorm: "1", cfg: { standard: "none" } }));
    const before = await page.innerHTML("#lp-cues");
    await page.fill("#lp-search", "CAFE");
    await page.waitForFunction(() => document.getElementById("lp-search-status").textContent !== "");
    assert.equal(text(await page.textContent("#lp-search-status")), "1 match");
    assert.equal(await page.textContent("mark"), "café");
    await page.fill("#lp-search", "r&d");
    await page.waitForFunction(() => document.getElementById("lp-search-status").textContent.includes("3"));
    assert.equal(text(await page.textContent("#lp-search-status")), "3 matches");
    await page.press("#lp-search", "Enter");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.start), "15");
    await page.fill("#lp-search", "digital");
    await page.waitForFunction(() => document.querySelectorAll("mark").length === 3);
    await page.press("#lp-search", "Enter");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.start), "0");
    await page.focus("#lp-search");
    await page.press("#lp-search", "Enter");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.start), "25");
    await page.fill("#lp-search", "zebra");
    await page.waitForFunction(() => document.getElementById("lp-search-status").textContent === "No matches");
    await page.fill("#lp-search", "");
    await page.waitForFunction(() => document.getElementById("lp-search-status").textContent === "");
    assert.equal(await page.innerHTML("#lp-cues"), before);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("axe-core finds no violations on the lesson page", async () => {
    const { page, context, problems } = await openPage();
    await page.goto(server.origin + lessonUrl({ noscorm: "1", cfg: { standard: "none" } }));
    await page.addScriptTag({ url: "/vendor/axe-core/axe.min.js" });
    const result = await page.evaluate(() => window.axe.run(document));
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("transcript path on a screen tall enough for all of it: completes only after 10 s in view", async () => {
    const { page, context, problems } = await openPage([/Failed to load resource.*404/]);
    await page.setViewportSize({ width: 1000, height: 3000 });
    await page.goto(server.origin + lessonUrl({ noscorm: "1", media: "missing.webm", cfg: { standard: "none" } }));
    await page.addStyleTag({ content: ".lp-cues { max-height: none; }" });
    await page.waitForSelector("#lp-video-error:not([hidden])");
    const shownAt = Date.now();
    await page.waitForTimeout(6000);
    assert.equal(text(await page.textContent("#lp-status")), "Read the transcript to the end to complete the lesson");
    await page.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed", null, { timeout: 10000 });
    assert.ok(Date.now() - shownAt >= 9000, `completed after ${Date.now() - shownAt} ms`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("requireResponse: watching alone does not complete", async () => {
    const { page, context, problems } = await openPage();
    const frame = await launch(page, "12", { query: { cfg: { completion: { watchedPercent: 50, requireResponse: true } } } });
    await play(frame, 8);
    await frame.waitForFunction(() => document.getElementById("lp-status").textContent === "Save a response to complete the lesson",
      null, { timeout: 20000 });
    assert.equal((await cmi(page)).core.lesson_status, "incomplete");
    await frame.fill("#lp-response", "Brazil's digital government strategy.");
    await frame.click("#lp-response-form button[type=submit]");
    await waitStatus(page, "12", "completed", 5000);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

/* ---------- iframe players (mocks of the YouTube and Vimeo protocols) ---------- */

describe("iframe players", () => {
  for (const player of ["youtube", "vimeo"]) {
    test(`${player}: ready, tracking, caption line, cue seek, foreign messages ignored`, async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, "2004", {
        query: { player, origin: foreign.origin, mock: "rate=8", cfg: { video: { kind: player, duration: null } } },
      });
      const mock = () => page.frames().find((f) => f.url().startsWith(foreign.origin));
      await page.waitForFunction(() => window.lms.calls.length > 0);
      await frame.waitForFunction(() => !document.getElementById("lp-caption").hidden);
      // A message from any other window/origin must not move the lesson on.
      await frame.evaluate(() => {
        window.postMessage(JSON.stringify({ event: "infoDelivery", info: { currentTime: 29, duration: 30 } }), "*");
        window.postMessage({ event: "timeupdate", data: { seconds: 29, duration: 30 } }, "*");
      });
      await page.waitForTimeout(300);
      assert.doesNotMatch(await frame.textContent("#lp-caption"), /going digital/);
      assert.equal(await frame.getAttribute('.lp-cue[data-start="25"]', "aria-current"), null);
      // Clicking a cue seeks the player there and plays.
      await frame.click('.lp-cue[data-start="5"]');
      await frame.waitForFunction(() => /Internet Plus/.test(document.getElementById("lp-caption").textContent));
      const log = await mock().evaluate(() => window.mockLog);
      const seek = log.find((m) => m.func === "seekTo" || m.method === "setCurrentTime");
      assert.ok(seek, "seek command sent");
      assert.equal(player === "youtube" ? seek.args[0] : seek.value, 5);
      assert.ok(log.some((m) => m.func === "playVideo" || m.method === "play"), "play command sent");
      // Watching from 5 s to the end covers at most 25 of 30 s.
      await page.waitForFunction(() => window.cmiSnapshot().progress_measure >= 0.5, null, { timeout: 20000 });
      const c = await cmi(page);
      assert.ok(Number(c.progress_measure) < 0.9, "seeking to 5 s skipped the first 5 s");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test("an iframe player that never answers fails after 15 s: transcript path", async () => {
    const { page, context, problems } = await openPage();
    const frame = await launch(page, "12", {
      query: { player: "youtube", origin: foreign.origin, mock: "silent=1", cfg: { video: { kind: "youtube" } } },
    });
    await frame.waitForSelector("#lp-video-error:not([hidden])", { timeout: 20000 });
    assert.equal(await statusOf(frame), "Read the transcript to the end to complete the lesson");
    assert.deepEqual(problems, []);
    await context.close();
  });
});

/* ---------- suspend_data stays within the element's size ---------- */

test("suspend_data never exceeds 4096 characters (SCORM 1.2)", () => {
  const sandbox = { window: {}, document: {} };
  vm.runInNewContext(readFileSync(new URL("../../src/render/assets/scorm.js", import.meta.url), "utf8"), sandbox);
  const f = sandbox.window.LessonpackLMS._formats;
  // 2,000 separate 1 s intervals, one every 3 s: far more than fits.
  const pairs = [];
  for (let i = 0; i < 2000; i += 1) pairs.push(`${(i * 30).toString(36)}-${(i * 30 + 10 + (i % 7)).toString(36)}`);
  const data = f.buildSuspend(pairs.join(","), true, 4096);
  assert.ok(data.length <= 4096, `${data.length}`);
  assert.match(data, /^lp1;r=1;w=/);
  const kept = f.parseSuspend(data).watched.split(",");
  assert.ok(kept.length > 300, `${kept.length} intervals kept`);
  // The longest intervals are the ones kept.
  assert.ok(kept.every((p) => { const [s, e] = p.split("-").map((x) => parseInt(x, 36)); return e - s >= 12; }));
  assert.equal(f.cmiTimespan(65250), "0000:01:05.25");
  assert.equal(f.isoDuration(65250), "PT1M5.25S");
  assert.equal(f.isoDuration(0), "PT0S");
  assert.equal(f.isoDuration(3600000), "PT1H");
});
