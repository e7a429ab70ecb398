// The lesson page of real packages (tests/fixtures/video built by the lessonpack binary):
// the interactive transcript and its search, keyboard-only use, the completion variants,
// and the YouTube / Vimeo iframe players against local stand-ins of their postMessage
// protocols.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  calls, cmi, failedSets, launch, openPage, pkgUrl, play, statusOf, text, useBrowser, waitStatus,
} from "./support.mjs";

useBrowser();

const WEB_LECTURE = "lessons/lecture/index.html";

describe("transcript and search", () => {
  test("clicking a cue seeks and plays; the current cue follows the video", async () => {
    const { page, context, problems } = await openPage();
    await page.goto(pkgUrl("video-web", WEB_LECTURE));
    await page.evaluate(() => { document.getElementById("lp-media").muted = true; });
    await page.click('.lp-cue[data-start="15"]');
    await page.waitForFunction(() => !document.getElementById("lp-media").paused);
    const t = await page.evaluate(() => document.getElementById("lp-media").currentTime);
    assert.ok(t >= 15 && t < 17, `seeked to ${t}`);
    await page.waitForFunction(() => document.querySelector(".lp-cue.lp-current")?.dataset.start === "15");
    assert.equal(await page.getAttribute('.lp-cue[data-start="15"]', "aria-current"), "true");
    assert.equal(await page.locator("[aria-current]").count(), 1);
    // The <track> made from the transcript is loaded and showing: no caption line needed.
    const track = await page.evaluate(() => {
      const tt = document.getElementById("lp-media").textTracks[0];
      return { mode: tt.mode, cues: tt.cues.length, first: tt.cues[0].text };
    });
    assert.equal(track.mode, "showing");
    assert.ok(track.cues >= 6, `${track.cues} caption cues`);
    assert.match(track.first, /^Hello, everyone/);
    assert.equal(await page.evaluate(() => document.getElementById("lp-caption").hidden), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("search marks matches accent- and case-insensitively and restores the text exactly", async () => {
    const { page, context, problems } = await openPage();
    await page.goto(pkgUrl("video-web", WEB_LECTURE));
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

  test("transcript path on a screen tall enough for all of it: completes only after 10 s in view", async () => {
    const { page, context, problems } = await openPage([/Failed to load resource.*404/], { viewport: { width: 1000, height: 3000 } });
    await page.goto(pkgUrl("video-web", WEB_LECTURE, { nomedia: true }));
    await page.waitForSelector("#lp-video-error:not([hidden])");
    const shownAt = Date.now();
    await page.waitForTimeout(6000);
    assert.equal(text(await page.textContent("#lp-status")), "Read the transcript to the end to complete the lesson");
    await page.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed", null, { timeout: 10000 });
    assert.ok(Date.now() - shownAt >= 9000, `completed after ${Date.now() - shownAt} ms`);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("keyboard only", () => {
  test("Tab reaches the skip link, player, search, cues, prompt and Save; Enter seeks; the response is stored", async () => {
    const { page, context, problems } = await openPage();
    const frame = await launch(page, "video-scorm2004");
    await frame.waitForFunction(() => document.getElementById("lp-media").readyState >= 1);
    // What has focus, described by the page's own ids and classes.
    const focused = () => frame.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return "body";
      if (el.classList.contains("lp-cue")) return `cue ${el.dataset.start}`;
      return el.id || el.className || el.tagName.toLowerCase();
    });
    const order = [];
    // Tab from the top of the LMS page into the lesson frame, and on through the page.
    for (let i = 0; i < 40 && !order.includes("Save"); i += 1) {
      await page.keyboard.press("Tab");
      const now = await focused();
      const label = now === "body" ? null
        : now.startsWith("lp-response-form") || (await frame.evaluate(() => document.activeElement.type === "submit")) ? "Save" : now;
      if (label && order.at(-1) !== label) order.push(label);
    }
    // The native <video> controls are focusable parts of #lp-media (Chromium's shadow DOM).
    assert.deepEqual(order, ["lp-skip", "lp-media", "lp-search", "cue 0", "cue 5", "cue 10", "cue 15", "cue 20",
      "cue 25", "lp-response", "Save"], `focus order: ${order.join(" → ")}`);
    // The skip link works: Enter moves focus to the lesson.
    await frame.focus(".lp-skip");
    await page.keyboard.press("Enter");
    assert.equal(await focused(), "lp-lesson");
    // Back to the cue at 0:15 by keyboard; Enter seeks the video there.
    while ((await focused()) !== "cue 15") await page.keyboard.press("Tab");
    await frame.evaluate(() => { document.getElementById("lp-media").muted = true; });
    assert.ok((await frame.evaluate(() => document.getElementById("lp-media").currentTime)) < 1);
    await page.keyboard.press("Enter");
    await frame.waitForFunction(() => document.getElementById("lp-media").currentTime >= 15);
    const t = await frame.evaluate(() => document.getElementById("lp-media").currentTime);
    assert.ok(t >= 15 && t < 17, `Enter on the 0:15 cue: video at ${t}`);
    assert.equal(await frame.getAttribute('.lp-cue[data-start="15"]', "aria-current"), "true");
    await frame.evaluate(() => document.getElementById("lp-media").pause());
    // On to the response box, type, Tab to Save, Enter.
    while ((await focused()) !== "lp-response") await page.keyboard.press("Tab");
    await page.keyboard.type("Estonia's e-Residency, by keyboard.");
    await page.keyboard.press("Tab");
    assert.equal(await frame.evaluate(() => document.activeElement.type), "submit");
    await page.keyboard.press("Enter");
    await frame.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Response saved");
    const c = await cmi(page);
    assert.equal(c.comments_from_learner["0"].comment, "Estonia's e-Residency, by keyboard.");
    assert.equal(c.interactions["0"].learner_response, "Estonia's e-Residency, by keyboard.");
    assert.deepEqual(await failedSets(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("completion variants", () => {
  test("require-response: watching alone does not complete; the response then does", async () => {
    const { page, context, problems } = await openPage();
    const frame = await launch(page, "video-scorm12", { lesson: "respond-first" });
    await play(frame, 8);
    await frame.waitForFunction(() => document.getElementById("lp-status").textContent === "Save a response to complete the lesson",
      null, { timeout: 20000 });
    assert.equal((await cmi(page)).core.lesson_status, "incomplete");
    await frame.fill("#lp-response", "Brazil's digital government strategy.");
    await frame.click("#lp-response-form button[type=submit]");
    await waitStatus(page, "12", "completed", 5000);
    assert.deepEqual(await failedSets(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

/* ---------- iframe players (local stand-ins for the YouTube and Vimeo protocols) ---------- */

describe("iframe players", () => {
  for (const player of ["youtube", "vimeo"]) {
    test(`${player}: ready, tracking, caption line, cue seek, foreign messages ignored`, async () => {
      const { page, context, problems } = await openPage();
      const frame = await launch(page, "video-scorm2004", { lesson: `on-${player}`, mock: "rate=8" });
      const mock = () => page.frames().find((f) => f.url().includes(`/mock/${player}.html`));
      assert.ok(mock(), "the package's player iframe was pointed at the local stand-in");
      await page.waitForFunction(() => window.lms.calls.length > 0);
      await frame.waitForFunction(() => !document.getElementById("lp-caption").hidden);
      // A message from any other window/origin must not move the lesson on.
      await frame.evaluate(() => {
        window.postMessage(JSON.stringify({ event: "infoDelivery", info: { currentTime: 29, duration: 30 } }), "*");
        window.postMessage({ event: "timeupdate", data: { seconds: 29, duration: 30 } }, "*");
      });
      await page.waitForTimeout(300);
      assert.doesNotMatch(await frame.textContent("#lp-caption"), /going digital|across China/);
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
      await page.waitForFunction(() => window.lms.calls.some((c) => c.fn === "SetValue" && c.args[0] === "cmi.location" && Number(c.args[1]) >= 29), null, { timeout: 20000 });
      const c = await cmi(page);
      assert.ok(Number(c.progress_measure) < 0.9, "seeking to 5 s skipped the first 5 s");
      assert.equal(c.completion_status, "incomplete");
      assert.deepEqual(await failedSets(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test("an iframe player that never answers fails after 15 s: transcript path", async () => {
    const { page, context, problems } = await openPage();
    const frame = await launch(page, "video-scorm12", { lesson: "on-youtube", mock: "silent=1" });
    await frame.waitForSelector("#lp-video-error:not([hidden])", { timeout: 20000 });
    assert.equal(await statusOf(frame), "Read the transcript to the end to complete the lesson");
    assert.equal((await cmi(page)).core.lesson_status, "incomplete");
    assert.ok((await calls(page, "LMSInitialize")).length === 1);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
