// Tracking that each LMS's own runtime keeps: the SCORM 1.2 and 2004 lesson pages of real
// packages against the LMS profiles of `lessonpack preview` (src/preview/assets/lms.js, the
// behaviour of Moodle's and Open edX's own runtimes over scorm-again's spec runtime), launch
// after launch from the record each LMS keeps. Whatever the LMS: no call is refused, the
// response is not lost, completion is never undone and a completed lesson is not graded 0.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchInfo } from "./packages.mjs";
import { env, openPage, pkgUrl, play, scrollCueList, statusOf, text, useBrowser } from "./support.mjs";

useBrowser();

const RESPONSE = "Shenzhen's platforms & <apps> \"scale\".\n\nSecond paragraph: it's 'fast'.";
const ALLOW_404 = [/Failed to load resource.*404/];

// Opens the test LMS with `profile` and launches the lesson `lecture` of `pkg` in it.
async function start(page, pkg, profile, { nomedia = false } = {}) {
  const version = pkg.endsWith("scorm12") ? "12" : "2004";
  const info = launchInfo(env.packages.dirs[pkg], "lecture");
  await page.goto(`${env.server.origin}/host.html`);
  await page.evaluate((o) => window.startProfile(o), {
    version, profile, threshold: info.completionThreshold || "", lessonUrl: pkgUrl(pkg, info.href, { nomedia }),
  });
  return lessonFrame(page);
}

async function lessonFrame(page) {
  await page.waitForFunction(() => {
    const f = document.querySelector("iframe");
    return f && f.contentDocument && f.contentDocument.readyState === "complete" &&
      f.contentDocument.getElementById("lp-status") && f.contentDocument.getElementById("lp-status").textContent !== "";
  }, null, { timeout: 15000 });
  return page.frame({ name: "lesson" });
}

async function relaunch(page) {
  await page.evaluate(() => window.relaunch());
  return lessonFrame(page);
}

const close = (page) => page.evaluate(() => window.closeLesson());
const verdict = (page) => page.evaluate(() => window.lmsVerdict());
const record = (page) => page.evaluate(() => window.lms.record);
const launchNote = (page) => page.evaluate(() => window.lms.launches.at(-1).note);

// Every SetValue, Commit, Initialize and Terminate the LMS refused (Open edX refuses nothing
// itself: there scorm-again's verdict beside each call counts).
async function refused(page) {
  const all = await page.evaluate(() => window.lms.allCalls);
  return all.filter((c) => !c.query && !/GetValue$/.test(c.fn))
    .map((c) => (c.lms ? { ...c, result: c.lms.result, error: c.lms.error } : c))
    .filter((c) => c.result !== "true" || c.error !== "0")
    .map((c) => `${c.fn}(${c.args.join(", ")}) → ${c.result}, error ${c.error}${c.quirk ? ` (${c.quirk})` : ""}`);
}

// The response as the LMS stored it, in whichever record shape it keeps.
function storedResponse(version, profile, r) {
  if (!r) return "";
  if (profile === "openedx") {
    return r.scorm_data[version === "12" ? "cmi.comments" : "cmi.comments_from_learner.0.comment"] || "";
  }
  if (profile.startsWith("moodle")) {
    const t = r.tracks;
    if (version === "12") return t["cmi.comments"] || "";
    const comments = Object.keys(t).filter((k) => /^cmi\.comments_from_learner\.\d+\.comment$/.test(k)).sort();
    return comments.length ? t[comments.at(-1)] : "";
  }
  if (version === "12") return r.comments || "";
  const list = Object.values(r.comments_from_learner || {});
  return list.length ? list.at(-1).comment : "";
}

// The response reached the LMS whole: as typed (1.2 comments keep line breaks), or on one
// line with the breaks marked "¶" (2004 localized strings refuse line breaks).
function assertResponseKept(version, profile, r) {
  const stored = storedResponse(version, profile, r).replace(/^\{lang=[^}]*\}/, "");
  const expected = version === "12" ? RESPONSE : RESPONSE.replace(/\n\n/, " \u00b6\u00b6 ");
  assert.ok(stored.endsWith(expected), `${profile}: stored response ${JSON.stringify(stored)}`);
}

function assertCompletedAndGraded(v, what) {
  assert.ok(["completed", "passed"].includes(v.status), `${what}: status ${v.text}`);
  assert.equal(v.grade, v.max, `${what}: the LMS's grade (${v.text})`);
}

// Plays at 8× until the page says completed, then gives the LMS the moment a person would
// take before closing (Open edX sends one batch of writes at a time).
async function playToEnd(frame, { linger = 500 } = {}) {
  await play(frame, 8);
  await frame.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed",
    null, { timeout: 30000 });
  await frame.waitForTimeout(linger);
}

for (const version of ["12", "2004"]) {
  const pkg = version === "12" ? "video-scorm12" : "video-scorm2004";
  for (const profile of ["scorm-again", "moodle", "moodle-standards", "openedx"]) {
    // The spec's 2004 runtime starts a new attempt after exit "normal"; Moodle reviews it;
    // 1.2 keeps the attempt.
    const newAttempt = profile === "scorm-again" && version === "2004";
    const reviewed = profile.startsWith("moodle");

    // A relaunch of a completed lesson: the page says so (Moodle: review mode), writes
    // nothing that undoes it, and the LMS still shows it completed with a full grade.
    async function relaunchKeepsCompletion(page) {
      const frame = await relaunch(page);
      await page.waitForTimeout(1000);
      if (!newAttempt) {
        assert.equal(text(await statusOf(frame)), reviewed
          ? "You are reviewing this lesson: nothing you do here is recorded" : "Lesson completed");
      }
      await close(page);
      if (!newAttempt) assertCompletedAndGraded(await verdict(page), "after the relaunch");
      assert.deepEqual(await refused(page), []);
    }

    describe(`SCORM ${version === "12" ? "1.2" : "2004"}, ${profile}`, () => {
      test("watch to the end, respond, close; a relaunch keeps completion, grade and response", async () => {
        const { page, context, problems } = await openPage();
        let frame = await start(page, pkg, profile);
        await playToEnd(frame);
        await frame.fill("#lp-response", RESPONSE);
        await frame.click("#lp-response-form button[type=submit]");
        await frame.waitForFunction(() => document.getElementById("lp-response-status").textContent === "Response saved");
        await close(page);
        assertCompletedAndGraded(await verdict(page), "after the first session");
        assertResponseKept(version, profile, await record(page));

        frame = await relaunch(page);
        await page.waitForTimeout(1500);
        if (reviewed) {
          assert.match(await launchNote(page), /review mode/);
          assert.equal(await statusOf(frame), "You are reviewing this lesson: nothing you do here is recorded");
          // A response in review is not sent anywhere, and the page says so.
          await frame.fill("#lp-response", "Changed my mind.");
          await frame.click("#lp-response-form button[type=submit]");
          await frame.waitForFunction(() => /^Not saved/.test(document.getElementById("lp-response-status").textContent));
        } else if (!newAttempt) {
          assert.equal(await statusOf(frame), "Lesson completed");
          // The stored response is back in the box, line breaks and all.
          assert.equal(await frame.inputValue("#lp-response"), RESPONSE);
        }
        await close(page);
        if (!newAttempt) {
          assertCompletedAndGraded(await verdict(page), "after the relaunch");
          assertResponseKept(version, profile, await record(page));
        }
        assert.deepEqual(await refused(page), []);
        assert.deepEqual(problems, []);
        await context.close();
      });

      test("30 % then the page closes mid-play; the relaunch resumes there and completes", async () => {
        const { page, context, problems } = await openPage();
        let frame = await start(page, pkg, profile);
        await play(frame, 2);
        await frame.waitForFunction(() => document.getElementById("lp-media").currentTime >= 9.5, null, { timeout: 15000 });
        await close(page); // mid-play: only what the pagehide writes (and what went before) remains
        const mid = await verdict(page);
        assert.ok(!["completed", "passed"].includes(mid.status), mid.text);

        frame = await relaunch(page);
        await frame.waitForFunction(() => /^Resumed at/.test(document.getElementById("lp-status").textContent.replace(/[\u2068\u2069]/g, "")));
        const at = await frame.evaluate(() => document.getElementById("lp-media").currentTime);
        assert.ok(at >= 8 && at <= 11, `resumed at ${at} s`);
        const restored = await frame.evaluate(() => document.getElementById("lp-progress").value);
        assert.ok(restored >= 25, `progress restored to ${restored} %`);
        await playToEnd(frame);
        await close(page);
        assertCompletedAndGraded(await verdict(page), "after resuming");
        assert.deepEqual(await refused(page), []);
        assert.deepEqual(problems, []);
        await context.close();
      });

      test("closed the instant it completes: the relaunch completes at once from the watched seconds", async () => {
        const { page, context, problems } = await openPage();
        const frame = await start(page, pkg, profile);
        await playToEnd(frame, { linger: 0 });
        await close(page); // Open edX may not have sent the completion yet: it is then lost
        await relaunchKeepsCompletion(page);
        assert.deepEqual(problems, []);
        await context.close();
      });

      test("no video: reading the transcript completes; a relaunch keeps it completed", async () => {
        const { page, context, problems } = await openPage(ALLOW_404, { viewport: { width: 800, height: 700 } });
        const frame = await start(page, pkg, profile, { nomedia: true });
        await frame.waitForSelector("#lp-video-error:not([hidden])", { timeout: 10000 });
        await frame.evaluate(() => document.getElementById("lp-transcript-end").scrollIntoView({ block: "end" }));
        await scrollCueList(page, frame);
        await frame.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed",
          null, { timeout: 10000 });
        await close(page);
        assertCompletedAndGraded(await verdict(page), "after reading");

        await relaunchKeepsCompletion(page);
        assert.deepEqual(problems, []);
        await context.close();
      });
    });
  }
}

// `score = false` (the fixture's respond-first lesson): completion alone, no score element
// written, so the LMS's own grading rule applies; the default lesson writes a full score.
for (const version of ["12", "2004"]) {
  test(`SCORM ${version === "12" ? "1.2" : "2004"}: a lesson with score = false reports completion alone`, async () => {
    const pkg = version === "12" ? "video-scorm12" : "video-scorm2004";
    const { page, context, problems } = await openPage();
    const info = launchInfo(env.packages.dirs[pkg], "respond-first");
    await page.goto(`${env.server.origin}/host.html`);
    await page.evaluate((o) => window.startProfile(o), {
      version, profile: "scorm-again", threshold: info.completionThreshold || "", lessonUrl: pkgUrl(pkg, info.href),
    });
    const frame = await lessonFrame(page);
    await frame.fill("#lp-response", "Kenya's M-Pesa.");
    await frame.click("#lp-response-form button[type=submit]");
    await play(frame, 8);
    await frame.waitForFunction(() => document.getElementById("lp-status").textContent === "Lesson completed",
      null, { timeout: 30000 });
    await close(page);
    const v = await verdict(page);
    assert.equal(v.status, "completed");
    assert.equal(v.grade, null, v.text);
    const sets = (await page.evaluate(() => window.lms.allCalls)).filter((c) => /SetValue$/.test(c.fn)).map((c) => c.args[0]);
    assert.deepEqual(sets.filter((el) => /score|success_status/.test(el)), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
