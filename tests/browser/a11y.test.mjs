// Accessibility and layout of real packages: axe-core (WCAG 2.0/2.1 A and AA rules) on every
// page the repository's sample (module/) builds to — SCORM 1.2 and 2004 pages in the LMS frame,
// the Common Cartridge page, the web lesson page and the web index — and on the video fixture's
// pages with a player; screenshots at desktop and phone widths, and no sideways scrolling on a
// phone. Artifacts go to target/browser-artifacts/ (screenshots, axe-summary.json).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, axe, axeSummary, launch, openPage, pkgUrl, record, useBrowser } from "./support.mjs";

useBrowser();

const SAMPLE_LESSON = "lessons/international-perspective/index.html";
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const summary = axeSummary("axe-summary.json");

// Opens a page of a package: SCORM pages in the LMS frame, the others on their own.
async function open(pkg, path, options = {}, lesson = null) {
  const opened = await openPage([/Failed to load resource.*404/], options);
  if (lesson) {
    opened.frame = await launch(opened.page, pkg, { lesson });
  } else {
    await opened.page.goto(pkgUrl(pkg, path));
    opened.frame = opened.page.mainFrame();
  }
  await opened.frame.waitForLoadState("load");
  await opened.page.waitForTimeout(300);   // the page script's first status updates
  return opened;
}

describe("axe-core: WCAG 2.0 / 2.1 A and AA", () => {
  const pages = [
    ["sample SCORM 1.2 lesson (in the LMS frame)", "sample-scorm12", null, "international-perspective"],
    ["sample SCORM 2004 lesson (in the LMS frame)", "sample-scorm2004", null, "international-perspective"],
    ["sample Common Cartridge lesson", "sample-cc", SAMPLE_LESSON, null],
    ["sample web lesson", "sample-web", SAMPLE_LESSON, null],
    ["sample web index", "sample-web", "index.html", null],
    ["video fixture SCORM 2004 lesson with <video> (in the LMS frame)", "video-scorm2004", null, "lecture"],
    ["video fixture web lesson with a YouTube iframe", "video-web", "lessons/on-youtube/index.html", null],
  ];
  for (const [name, pkg, path, lesson] of pages) {
    test(name, async (t) => {
      const { page, context, problems, frame } = await open(pkg, path, DESKTOP, lesson);
      record(t, summary, name, await axe(frame));
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test("video fixture web lesson in use: search marks, current cue, saved response", async (t) => {
    const { page, context, problems, frame } = await open("video-web", "lessons/lecture/index.html", DESKTOP);
    await page.fill("#lp-search", "digital");
    await page.waitForFunction(() => document.querySelectorAll("mark").length === 3);
    await page.evaluate(() => { document.getElementById("lp-media").muted = true; });
    await page.click('.lp-cue[data-start="25"]');
    await page.waitForFunction(() => document.querySelector(".lp-cue.lp-current")?.dataset.start === "25");
    await page.evaluate(() => document.getElementById("lp-media").pause());
    await page.fill("#lp-response", "Singapore's Smart Nation.");
    await page.click("#lp-response-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("lp-response-status").textContent !== "");
    const name = "video fixture web lesson in use";
    record(t, summary, name, await axe(frame));
    assert.deepEqual(problems, []);
    await context.close();
  });
});

/* ---------- screenshots and the phone layout ---------- */

// Nothing may stick out sideways: the document no wider than the viewport, and no element
// whose box reaches past either edge.
function overflow(frame) {
  return frame.evaluate(() => {
    const width = window.innerWidth;
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > width + 0.5 || r.left < -0.5) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).split(" ")[0]}` : ""} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
      }
    }
    return { width, scrollWidth: document.documentElement.scrollWidth, out };
  });
}

describe("screenshots and phone layout", () => {
  const shots = [
    ["sample-web-lesson", "sample-web", SAMPLE_LESSON, null],
    ["sample-web-index", "sample-web", "index.html", null],
    ["sample-scorm12-in-lms", "sample-scorm12", null, "international-perspective"],
    ["video-web-lesson", "video-web", "lessons/lecture/index.html", null],
  ];
  for (const [name, pkg, path, lesson] of shots) {
    for (const [size, options] of [["desktop", DESKTOP], ["phone", PHONE]]) {
      test(`${name} at ${size} width`, async () => {
        const { page, context, problems, frame } = await open(pkg, path, options, lesson);
        if (pkg.startsWith("video")) {
          await frame.waitForFunction(() => document.getElementById("lp-media").readyState >= 2);
        }
        // In the LMS frame the lesson scrolls inside the iframe: the viewport is the picture.
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`), fullPage: !lesson });
        if (size === "phone") {
          const o = await overflow(frame);
          assert.ok(o.scrollWidth <= o.width, `document ${o.scrollWidth} px wide in a ${o.width} px viewport`);
          assert.deepEqual(o.out, [], "elements reaching past the viewport's edges");
        }
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }
});
