// A learner in headless Chromium on a lesson page that `lessonpack serve` opened after an
// LTI launch (the URL carries `#lti-session=…`): reads the transcript to its end, which
// completes the lesson, and waits for the page's LTI runtime (lti.js) to report it.
// Prints one JSON line: {grade, detail, status, hash, errors}. Used by the LTI end-to-end
// test (tests/lti/platform.py, scenario `completed_in_a_browser_and_graded`).
//
// Run: node tests/browser/lti-page.mjs 'http://127.0.0.1:PORT/lessons/…#lti-session=…'
import { chromium } from "playwright-core";

const CHROMIUM = process.env.LESSONPACK_CHROMIUM || "/usr/bin/chromium";
const url = process.argv[2];
if (!url) {
  console.error("usage: node lti-page.mjs URL");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update"],
});
try {
  // Tall enough that the whole transcript is on screen once scrolled to its end.
  const page = await browser.newPage({ viewport: { width: 1000, height: 4000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  // Before any page script runs: remember every grade event.
  await page.addInitScript(() => {
    window.lpGrades = [];
    document.addEventListener("lessonpack:grade", (e) => window.lpGrades.push(e.detail));
  });
  await page.goto(url);
  await page.waitForSelector("#lp-status");
  await page.evaluate(() => {
    const list = document.getElementById("lp-cues");
    if (list) list.scrollTop = list.scrollHeight;
    document.getElementById("lp-transcript-end").scrollIntoView({ block: "end" });
  });
  const outcome = await page
    .waitForFunction(() => window.lpGrades.find((g) => g.status !== "sending"), null, { timeout: 30000 })
    .then((found) => found.jsonValue())
    .catch(() => ({ status: "timeout", detail: "no grade event in 30 s" }));
  const result = {
    grade: outcome.status,
    detail: outcome.detail,
    status: (await page.textContent("#lp-status")).replace(/[\u2068\u2069]/g, ""),
    hash: await page.evaluate(() => location.hash),
    errors,
  };
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
