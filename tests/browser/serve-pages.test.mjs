// Accessibility of `lessonpack serve`'s own pages: axe-core (the WCAG 2.0/2.1 A and AA rules
// of a11y.test.mjs, and axe's best practices: one `<main>`, all content in landmarks, an
// `<h1>`) on each `*.html` page in the folder LESSONPACK_SERVE_PAGES: the Rust
// test `serve_pages::accessible_in_chromium` saves them there (an error page and the Dynamic
// Registration result page as the running binary served them, the Deep Linking lesson
// picker as the library renders it). The pages stand alone: opened from file://, they may
// load nothing else. Screenshots at 1000×700 in target/browser-artifacts/serve-*.png, axe
// results in serve-axe-summary.json.
//
// Run: LESSONPACK_SERVE_PAGES=DIR node --test serve-pages.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ARTIFACTS, AXE_TAGS, axe, axeSummary, launchBrowser, record } from "./support.mjs";

const DIR = process.env.LESSONPACK_SERVE_PAGES;
assert.ok(DIR, "LESSONPACK_SERVE_PAGES names the folder of pages to check");
const pages = readdirSync(DIR).filter((f) => f.endsWith(".html")).sort();
assert.ok(pages.length > 0, `no pages in ${DIR}`);

const summary = axeSummary("serve-axe-summary.json");
let browser;
before(async () => { browser = await launchBrowser(); });
after(() => browser?.close());

for (const file of pages) {
  test(file, async (t) => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const problems = [];
    page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => { if (msg.type() === "error") problems.push(msg.text()); });
    page.on("request", (req) => { if (!req.url().startsWith("file:")) problems.push(`request: ${req.url()}`); });
    await page.goto(pathToFileURL(join(DIR, file)).href);
    record(t, summary, `serve: ${file}`, await axe(page.mainFrame(), [...AXE_TAGS, "best-practice"]));
    await page.screenshot({ path: join(ARTIFACTS, `serve-${file.replace(/\.html$/, "")}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });
}
