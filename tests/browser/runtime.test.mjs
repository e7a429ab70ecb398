// The SCORM runtime of real packages against scorm-again, the LMS-side SCORM 1.2 / 2004
// runtime: packages built by the lessonpack binary from tests/fixtures/video (a bundled WebM
// made by ffmpeg), launched from their imsmanifest.xml in an LMS frame, and the CMI values
// scorm-again ends up holding asserted. Also: the same pages with no LMS at all.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import {
  calls, cmi, env, failedSets, launch, mediaTime, openPage, pkgUrl, play, scrollCueList, statusField, statusOf,
  text, useBrowser, waitStatus,
} from "./support.mjs";

useBrowser();

const STORAGE_KEY = "lessonpack:browser-lessons:lecture";
const STATUS_ALLOW_404 = [/Failed to load resource.*404/];

for (const version of ["12", "2004"]) {
  const pkg = version === "12" ? "video-scorm12" : "video-scorm2004";
  const finishName = version === "12" ? "LMSFinish" : "Terminate";
  const commitName = version === "12" ? "LMSCommit" : "Commit";

  describe(`SCORM ${version === "12" ? "1.2" : "2004"} package with scorm-again`, () => {
    let suspended = null; // CMI left by the pagehide test, relaunched by the resume test

    test("launch initializes once and marks the attempt incomplete", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, pkg);
      await frame.waitForFunction(() => document.getElementById("lp-status").textContent !== "");
      const init = await calls(page, version === "12" ? "LMSInitialize" : "Initialize");
      assert.equal(init.length, 1);
      assert.deepEqual([init[0].result, init[0].error], ["true", "0"]);
      const c = await cmi(page);
      assert.equal(statusField(version, c), "incomplete");
      assert.equal(version === "12" ? c.core.exit : c.exit, "suspend");
      if (version === "2004") assert.equal(c.completion_threshold, "0.9", "threshold from the manifest");
      assert.equal(await statusOf(frame), "Watched: 0 %");
      // The bundled video and its captions track from the package load.
      await frame.waitForFunction(() => {
        const v = document.getElementById("lp-media");
        return v.readyState >= 1 && v.textTracks[0] && v.textTracks[0].cues && v.textTracks[0].cues.length > 0;
      });
      assert.equal(await frame.evaluate(() => document.getElementById("lp-media").duration), 30);
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("watching 90 % completes; incomplete before that; progress rises", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, pkg);
      await play(frame, 8);
      // Past half-way the rule is not met yet: still incomplete in the LMS.
      await frame.waitForFunction(() => document.getElementById("lp-progress").value >= 60);
      assert.equal(statusField(version, await cmi(page)), "incomplete");
      await waitStatus(page, version, "completed");
      assert.equal(await statusOf(frame), "Lesson completed");
      assert.equal(await frame.evaluate(() => document.getElementById("lp-progress").value), 100);
      const watchedAt = await mediaTime(frame);
      assert.ok(watchedAt >= 26.5, `completed at ${watchedAt} s of 30`);
      const c = await cmi(page);
      if (version === "12") {
        assert.equal(c.core.exit, "");
        // Completed (c=1) at the position it completed at (about 27–30 s of 30).
        const m = /^lp1;r=0;c=1;p=(\d+);w=[0-9a-z]+-[0-9a-z]+$/.exec(c.suspend_data);
        assert.ok(m && Number(m[1]) >= 26 && Number(m[1]) <= 30, c.suspend_data);
      } else {
        assert.equal(c.progress_measure, "1");
        assert.equal(c.exit, "normal");
        const measures = (await calls(page, "SetValue"))
          .filter((x) => x.args[0] === "cmi.progress_measure").map((x) => Number(x.args[1]));
        assert.ok(measures.length >= 5, `progress_measure set ${measures.length} times`);
        for (let i = 1; i < measures.length; i += 1) assert.ok(measures[i] > measures[i - 1], `rising: ${measures}`);
        // Below the manifest's threshold (0.9) until the page itself says completed.
        assert.ok(measures.at(-2) >= 0.85 && measures.at(-2) < 0.9, `last measure before completion: ${measures.at(-2)}`);
        assert.equal(measures.at(-1), 1);
      }
      assert.ok((await calls(page, commitName)).length >= 1, "completion is committed at once");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("seeking to the end does not count as watching", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, pkg);
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
      // The stored intervals start no earlier than the seek target (base-36 deciseconds).
      const first = parseInt(c.suspend_data.split("w=")[1].split("-")[0], 36) / 10;
      assert.ok(first >= 26, `first watched second ${first}`);
      if (version === "2004") assert.ok(Number(c.progress_measure) <= 0.14, c.progress_measure);
      assert.notEqual(await statusOf(frame), "Lesson completed");
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("the video fails to load: reading the transcript to its end completes", async () => {
      // 800 px wide: the cue list scrolls, its last cue hidden until the learner scrolls it.
      const { page, context, problems } = await openPage(STATUS_ALLOW_404, { viewport: { width: 800, height: 700 } });
      const frame = await launch(page, pkg, { nomedia: true });
      await frame.waitForSelector("#lp-video-error:not([hidden])", { timeout: 10000 });
      assert.equal(await statusOf(frame), "Read the transcript to the end to complete the lesson");
      // Not on load: the end of the transcript is below the fold and nobody scrolled.
      await page.waitForTimeout(1500);
      assert.equal(statusField(version, await cmi(page)), "incomplete");
      // Scrolling the page to the end marker is not enough while the cue list (its own
      // scroll box) still hides its last cue...
      const lastCueHidden = await frame.evaluate(() => {
        document.getElementById("lp-transcript-end").scrollIntoView({ block: "end" });
        const list = document.getElementById("lp-cues");
        return list.lastElementChild.getBoundingClientRect().top >= list.getBoundingClientRect().bottom;
      });
      assert.ok(lastCueHidden, "precondition: the last cue is below the cue list's visible part");
      await page.waitForTimeout(800);
      assert.equal(statusField(version, await cmi(page)), "incomplete");
      // ...reading the list down to its last cue is.
      await scrollCueList(page, frame);
      await waitStatus(page, version, "completed", 5000);
      assert.equal(await statusOf(frame), "Lesson completed");
      if (version === "2004") assert.equal((await cmi(page)).progress_measure, "1");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("a discussion response is stored as a comment and an interaction", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, pkg);
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
        // The full 400 characters in cmi.comments; the interaction within CMIFeedback's 255.
        assert.equal(c.comments, answer);
        const i = c.interactions["0"];
        assert.equal(i.id, "response-lecture");
        assert.equal(i.type, "fill-in");
        assert.equal(i.result, "neutral");
        assert.match(i.time, /^\d\d:\d\d:\d\d$/);
        assert.ok(i.student_response.length <= 255, `student_response ${i.student_response.length} chars`);
        assert.equal(i.student_response, answer.slice(0, 254) + "\u2026");
        assert.match(c.suspend_data, /^lp1;r=1;n=400;c=0;/);
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
        assert.equal(i.id, "response-lecture");
        assert.equal(i.type, "long-fill-in");
        assert.equal(i.learner_response, answer);
        assert.equal(i.result, "neutral");
        assert.deepEqual(await failedSets(page), []);
        // scorm-again (like Moodle) refuses line breaks in a localized string: the
        // response goes on one line, each break marked "¶", and no call is refused.
        await frame.fill("#lp-response", "First paragraph.\n\nSecond paragraph.");
        await frame.click("#lp-response-form button[type=submit]");
        await page.waitForFunction(() => window.cmiSnapshot().interactions["0"].learner_response === "First paragraph. \u00b6\u00b6 Second paragraph.");
        c = await cmi(page);
        assert.equal(c.comments_from_learner["0"].comment, "First paragraph. \u00b6\u00b6 Second paragraph.");
        assert.match(c.comments_from_learner["0"].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ$/, "two fraction digits, as Moodle takes");
        assert.equal(Object.keys(c.comments_from_learner).length, 1, "one comment slot per session");
        assert.deepEqual(await failedSets(page), []);
      }
      // A response alone does not complete this lesson (its rule is watching).
      assert.equal(statusField(version, c), "incomplete");
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("closing the page mid-video commits and terminates exactly once", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, pkg);
      await play(frame, 4);
      await frame.waitForFunction(() => document.getElementById("lp-media").currentTime >= 9, null, { timeout: 15000 });
      const at = await mediaTime(frame);
      // Leaving the page as an LMS does: the lesson frame navigates away (pagehide).
      await page.evaluate(() => { document.querySelector("iframe").src = "about:blank"; });
      await page.waitForFunction((n) => window.lms.calls.some((c) => c.fn === n), finishName);
      await page.waitForTimeout(500);
      const finishes = await calls(page, finishName);
      assert.equal(finishes.length, 1);
      assert.deepEqual([finishes[0].result, finishes[0].error], ["true", "0"]);
      const all = await page.evaluate(() => window.lms.calls.map((x) => x.fn));
      const lastCommit = all.lastIndexOf(commitName);
      assert.ok(lastCommit >= 0 && lastCommit < all.lastIndexOf(finishName), "committed before finishing");
      const c = await cmi(page);
      const location = Number(version === "12" ? c.core.lesson_location : c.location);
      assert.ok(location >= 8 && location <= at + 2, `location ${location}, media at ${at}`);
      assert.equal(version === "12" ? c.core.exit : c.exit, "suspend");
      assert.equal(statusField(version, c), "incomplete");
      // Watched from (about) the start: base-36 deciseconds, starts rounded up.
      const m = /^lp1;r=0;c=0;p=(\d+);w=([0-9a-z]+)-([0-9a-z]+)$/.exec(c.suspend_data);
      assert.ok(m && parseInt(m[2], 36) <= 5 && parseInt(m[3], 36) >= 80, c.suspend_data);
      assert.equal(Number(m[1]), location, "the position in suspend_data too");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(await page.evaluate(() => window.lms.logs), []);
      assert.deepEqual(problems, []);
      suspended = { c, location };
      await context.close();
    });

    test("a relaunch with the stored location and suspend_data resumes there", async () => {
      assert.ok(suspended, "needs the pagehide test's data");
      const { c, location } = suspended;
      const data = version === "12"
        ? { core: { lesson_location: c.core.lesson_location, lesson_status: c.core.lesson_status, entry: "resume" },
          suspend_data: c.suspend_data }
        : { location: c.location, completion_status: c.completion_status, progress_measure: c.progress_measure,
          suspend_data: c.suspend_data, entry: "resume" };
      const { page, context, problems } = await openPage();
      const frame = await launch(page, pkg, { data });
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
      assert.equal((await calls(page, finishName)).length, 1);
      const end = await cmi(page);
      assert.equal(version === "12" ? end.core.exit : end.exit, version === "12" ? "" : "normal");
      assert.equal(statusField(version, end), "completed");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("session_time is written in the version's format, and scorm-again accepts it", async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, pkg);
      await play(frame, 1);
      await page.waitForTimeout(1300);
      await page.evaluate(() => { document.querySelector("iframe").src = "about:blank"; });
      await page.waitForFunction((n) => window.lms.calls.some((c) => c.fn === n), finishName);
      const times = (await calls(page, "LMSSetValue", "SetValue")).filter((x) => /session_time$/.test(x.args[0]));
      assert.ok(times.length >= 1, `${times.length} session_time writes`);
      for (const x of times) assert.deepEqual([x.result, x.error], ["true", "0"], `session_time ${x.args[1]}`);
      const last = times.at(-1).args[1];
      if (version === "12") assert.match(last, /^\d{4}:\d\d:\d\d\.\d\d$/);
      else assert.match(last, /^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)$/);
      assert.notEqual(last, version === "12" ? "0000:00:00.00" : "PT0S");
      // What scorm-again stored is that value (it normalises 1.2's hours to two digits).
      const c = await cmi(page);
      const seconds = (v) => (version === "12"
        ? v.split(":").reduce((sum, part) => sum * 60 + Number(part), 0)
        : Number(/(\d+(?:\.\d+)?)S$/.exec(v)[1]) + 60 * Number((/(\d+)M/.exec(v) || [0, 0])[1]));
      assert.equal(seconds(version === "12" ? c.core.session_time : c.session_time), seconds(last));
      // The check has teeth: scorm-again refuses the other version's format.
      const refused = await page.evaluate((v) => {
        const Api = v === "12" ? window.Scorm12API : window.Scorm2004API;
        const api = new Api({ logLevel: 5 });
        const [init, set, err, element, wrong] = v === "12"
          ? ["LMSInitialize", "LMSSetValue", "LMSGetLastError", "cmi.core.session_time", "PT1M5.25S"]
          : ["Initialize", "SetValue", "GetLastError", "cmi.session_time", "0000:01:05.25"];
        api[init]("");
        return [String(api[set](element, wrong)), String(api[err]())];
      }, version);
      assert.deepEqual(refused, ["false", version === "12" ? "405" : "406"]);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}

/* ---------- No LMS at all ---------- */

describe("without an LMS", () => {
  for (const [name, pkg] of [
    ["the web build", "video-web"],
    ["a SCORM package opened outside an LMS", "video-scorm12"],
  ]) {
    test(`${name}: plays, completes, keeps the response in this browser, no console errors`, async () => {
      const { page, context, problems } = await openPage();
      await page.goto(pkgUrl(pkg, "lessons/lecture/index.html"));
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

  test("a sandboxed frame: storage throws, state stays in memory; the caption line replaces the blocked track", async () => {
    // Chromium's own message about the refused <track>; nothing our script can prevent.
    const { page, context, problems } = await openPage([/Unsafe attempt to load URL .*\/captions\//]);
    await page.goto(`${env.server.origin}/host.html`);
    await page.evaluate((url) => {
      const f = document.createElement("iframe");
      f.name = "lesson";
      f.setAttribute("sandbox", "allow-scripts"); // opaque origin: localStorage throws
      f.src = url;
      document.body.appendChild(f);
    }, pkgUrl("video-scorm12", "lessons/lecture/index.html"));
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

  test("from file:// (the web folder opened from disk): plays, completes, captions in the caption line", async () => {
    const { page, context, problems } = await openPage([/Unsafe attempt to load URL file:.*\/captions\//]);
    await page.goto(pathToFileURL(join(env.packages.dirs["video-web"], "lessons", "lecture", "index.html")).href);
    // Chromium will not load <track> files from file://: the caption line shows the captions instead.
    await page.waitForFunction(() => !document.getElementById("lp-caption").hidden);
    await page.evaluate(() => {
      window.seenCaptions = [];
      new MutationObserver(() => window.seenCaptions.push(document.getElementById("lp-caption").textContent))
        .observe(document.getElementById("lp-caption"), { childList: true, characterData: true, subtree: true });
    });
    await play(page.mainFrame(), 8);
    await page.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed", null, { timeout: 30000 });
    // At 8× a short caption can pass between two time updates: count what was shown.
    const seen = await page.evaluate(() => window.seenCaptions);
    assert.ok(new Set(seen.filter(Boolean)).size >= 8, `captions shown: ${seen.join(" | ")}`);
    assert.ok(seen.some((s) => /Before I introduce Digital Leadership/.test(s)), `captions shown: ${seen.join(" | ")}`);
    await page.fill("#lp-response", "Chile's digital agenda.");
    await page.click("#lp-response-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Response saved in this browser");
    assert.deepEqual(problems, []);
    await context.close();
  });
});

/* ---------- suspend_data stays within the element's size ---------- */

test("suspend_data never exceeds 4096 characters (SCORM 1.2, the packaged scorm.js)", () => {
  const sandbox = { window: {}, document: {} };
  vm.runInNewContext(readFileSync(join(env.packages.dirs["video-scorm12"], "assets", "scorm.js"), "utf8"), sandbox);
  const f = sandbox.window.LessonpackLMS._formats;
  // 2,000 separate 1 s intervals, one every 3 s: far more than fits.
  const pairs = [];
  for (let i = 0; i < 2000; i += 1) pairs.push(`${(i * 30).toString(36)}-${(i * 30 + 10 + (i % 7)).toString(36)}`);
  const data = f.buildSuspend({ watched: pairs.join(","), responseSaved: true, responseLength: 4096,
    completed: true, position: 35999 }, 4096);
  assert.ok(data.length <= 4096, `${data.length}`);
  assert.match(data, /^lp1;r=1;n=4096;c=1;p=35999;w=/);
  const kept = f.parseSuspend(data).watched.split(",");
  assert.ok(kept.length > 300, `${kept.length} intervals kept`);
  // The longest intervals are the ones kept.
  assert.ok(kept.every((p) => { const [s, e] = p.split("-").map((x) => parseInt(x, 36)); return e - s >= 12; }));
  assert.equal(f.cmiTimespan(65250), "0000:01:05.25");
  assert.equal(f.isoDuration(65250), "PT1M5.25S");
  assert.equal(f.isoDuration(0), "PT0S");
  assert.equal(f.isoDuration(3600000), "PT1H");
  // Line breaks on one line and back; Moodle's CMITime (1–2 fraction digits, then the zone).
  const text = "One.\n\nTwo.\r\nThree.\n";
  assert.equal(f.oneLine(text), "One. \u00b6\u00b6 Two. \u00b6 Three. \u00b6");
  assert.equal(f.fromOneLine(f.oneLine(text)), "One.\n\nTwo.\nThree.\n");
  assert.equal(f.timestamp(new Date(Date.UTC(2026, 11, 5, 1, 41, 16, 504))), "2026-12-05T01:41:16.50Z");
});
