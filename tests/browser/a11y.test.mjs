// Accessibility and layout of real packages: axe-core (WCAG 2.0/2.1 A and AA rules) on every
// page the repository's sample (module/) builds to — SCORM 1.2 and 2004 pages in the LMS frame,
// the Common Cartridge page, the web lesson page and the web index — and on the video fixture's
// pages with a player; screenshots at desktop and phone widths, and no sideways scrolling on a
// phone. Artifacts go to target/browser-artifacts/ (screenshots, axe-summary.json).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, env, launch, openPage, pkgUrl, useBrowser } from "./support.mjs";

useBrowser();

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SAMPLE_LESSON = "lessons/international-perspective/index.html";
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const summary = {};
after(() => writeFileSync(join(ARTIFACTS, "axe-summary.json"), `${JSON.stringify(summary, null, 2)}\n`));

// Runs axe-core in `frame` (a page's main frame or the lesson frame inside the LMS page) with
// the WCAG 2.0 / 2.1 A and AA rules; returns the violations and how many rules were checked.
async function axe(frame) {
  await frame.addScriptTag({ url: `${env.server.origin}/vendor/axe-core/axe.min.js` });
  const r = await frame.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    iframes: false,   // the only iframes are the third-party video players
  }), TAGS);
  const ids = (list) => list.map((x) => x.id).sort();
  // axe cannot judge the contrast of text clipped by a scroll box (the cue list's last cue
  // is partly hidden): scroll each such element into view and check it again.
  const recheck = [];
  let rechecked = 0;
  for (const rule of r.incomplete.filter((x) => x.id === "color-contrast")) {
    for (const node of rule.nodes) {
      const again = await frame.evaluate(async (selector) => {
        const el = document.querySelector(selector);
        el.scrollIntoView({ block: "center" });
        return window.axe.run(el, { runOnly: ["color-contrast"] });
      }, node.target[0]);
      const passed = again.passes.some((x) => x.id === "color-contrast" && x.nodes.length > 0);
      if (again.violations.length || again.incomplete.length || !passed) {
        recheck.push(`${node.target[0]}: ${again.violations.length ? "violation" : "still undetermined"}`);
      } else {
        rechecked += 1;
      }
    }
  }
  return {
    recheck,
    rechecked,
    violations: r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    // A rule can pass on some elements and need review on others: count each rule once.
    rules: new Set([...r.passes, ...r.incomplete, ...r.inapplicable, ...r.violations].map((x) => x.id)).size,
    passes: r.passes.length,
    incomplete: ids(r.incomplete),
    inapplicable: r.inapplicable.length,
    version: r.testEngine.version,
  };
}

function record(t, name, result) {
  summary[name] = result;
  t.diagnostic(`${name}: ${result.rules} axe ${result.version} rules checked (${result.passes} passed, ` +
    `${result.incomplete.length} need review${result.incomplete.length ? `: ${result.incomplete.join(", ")}` : ""}` +
    `${result.rechecked ? ` — ${result.rechecked} clipped elements re-checked in view: pass` : ""}, ` +
    `${result.inapplicable} not applicable), ${result.violations.length} violations`);
  assert.deepEqual(result.violations, [], `${name}: axe violations`);
  assert.deepEqual(result.recheck, [], `${name}: colour contrast of elements axe could not judge in place`);
}

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
      record(t, name, await axe(frame));
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
    record(t, name, await axe(frame));
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
