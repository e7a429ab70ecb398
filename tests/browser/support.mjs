// Shared set-up of the browser tests: real packages (packages.mjs), two loopback servers
// (127.0.0.1: LMS host and packages; 127.0.0.2: the mock iframe players), one headless
// Debian Chromium, and helpers that act as the LMS and read back scorm-again's CMI.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { buildPackages, launchInfo, repo } from "./packages.mjs";
import { startServer } from "./server.mjs";

export const CHROMIUM = process.env.LESSONPACK_CHROMIUM || "/usr/bin/chromium";
export const ARTIFACTS = join(repo, "target", "browser-artifacts");

// Filled in by the before() hook of useBrowser().
export const env = { browser: null, server: null, foreign: null, packages: null };

// Debian's Chromium, headless, quiet (no updates, sync or background requests); the
// artifacts folder made.
export async function launchBrowser() {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run tests/browser/setup.sh (apt-get install chromium)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required"],
  });
}

export function useBrowser() {
  before(async () => {
    env.packages = buildPackages();
    env.foreign = await startServer({ host: "127.0.0.2" });
    env.server = await startServer({ host: "127.0.0.1", packages: env.packages.dirs, mockOrigin: env.foreign.origin });
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    await env.foreign?.close();
    env.packages?.remove();
  });
}

/* ---------- pages ---------- */

// A fresh browser context per test, collecting console errors and warnings from every
// frame (the lesson runs in an iframe) and uncaught exceptions.
export async function openPage(allow = [], contextOptions = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 700 }, ...contextOptions });
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

// The URL of a package file: pkg is "<source>-<target>" ("video-scorm12", "sample-web", …).
export function pkgUrl(pkg, path, { nomedia = false, mock = null } = {}) {
  const query = mock ? `?mock=${encodeURIComponent(mock)}` : "";
  return `${env.server.origin}/pkg/${pkg}${nomedia ? "~nomedia" : ""}/${path}${query}`;
}

export const versionOf = (pkg) => (pkg.endsWith("scorm12") ? "12" : "2004");

// Launch a lesson as an LMS does: read its launch href (and, for 2004, the completion
// threshold) from the package's imsmanifest.xml, create the API with scorm-again, seed the
// CMI, and open the SCO in an iframe on the host page. Returns the lesson's frame.
export async function launch(page, pkg, { lesson = "lecture", data = null, nomedia = false, mock = null } = {}) {
  const version = versionOf(pkg);
  const info = launchInfo(env.packages.dirs[pkg], lesson);
  const seed = { ...(data || {}) };
  if (version === "2004" && info.completionThreshold) seed.completion_threshold = info.completionThreshold;
  await page.goto(`${env.server.origin}/host.html`);
  await page.evaluate((o) => window.startLesson(o), {
    version, data: Object.keys(seed).length ? seed : null, lessonUrl: pkgUrl(pkg, info.href, { nomedia, mock }),
  });
  await page.waitForFunction(() => {
    const f = document.querySelector("iframe");
    return f && f.contentDocument && f.contentDocument.readyState === "complete" &&
      f.contentDocument.getElementById("lp-progress");
  });
  return page.frame({ name: "lesson" });
}

/* ---------- reading the LMS side ---------- */

export const text = (s) => (s || "").replace(/[\u2068\u2069]/g, "");
export const statusOf = async (frame) => text(await frame.textContent("#lp-status"));
export const cmi = (page) => page.evaluate(() => window.cmiSnapshot());
export const calls = (page, ...fns) =>
  page.evaluate((names) => window.lms.calls.filter((c) => names.includes(c.fn)), fns);
export const failedSets = async (page) =>
  (await calls(page, "LMSSetValue", "SetValue")).filter((c) => c.result !== "true" || c.error !== "0");
export const statusField = (version, c) => (version === "12" ? c.core.lesson_status : c.completion_status);

export function waitStatus(page, version, wanted, timeout = 30000) {
  return page.waitForFunction(([v, w]) => {
    const c = window.cmiSnapshot();
    return (v === "12" ? c.core.lesson_status : c.completion_status) === w;
  }, [version, wanted], { timeout });
}

/* ---------- the video ---------- */

export async function play(frame, rate) {
  await frame.evaluate(async (r) => {
    const v = document.getElementById("lp-media");
    if (v.readyState < 1) await new Promise((ok) => v.addEventListener("loadedmetadata", ok, { once: true }));
    v.muted = true;
    v.playbackRate = r;
    await v.play();
  }, rate);
}

// Reads the transcript's cue list down to its last cue as a learner does: the mouse over
// the list, eight turns of the wheel (the list scrolls inside the page).
export async function scrollCueList(page, frame) {
  const box = await frame.evaluate(() => {
    const r = document.getElementById("lp-cues").getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.mouse.move(box.x, box.y);
  for (let i = 0; i < 8; i += 1) {
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(100);
  }
}

export const mediaTime = (frame) => frame.evaluate(() => document.getElementById("lp-media").currentTime);

/* ---------- accessibility (axe-core) ---------- */

export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// Runs axe-core in `frame` (a page's main frame or the lesson frame inside the LMS page) with
// the rules of `tags` (default: WCAG 2.0 / 2.1 A and AA); returns the violations and how
// many rules were checked.
export async function axe(frame, tags = AXE_TAGS) {
  await frame.addScriptTag({ path: AXE_SCRIPT });
  const r = await frame.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    iframes: false,   // the only iframes are the third-party video players
  }), tags);
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

// Per-page axe results, written to ARTIFACTS/`file` after the tests.
export function axeSummary(file) {
  const summary = {};
  after(() => writeFileSync(join(ARTIFACTS, file), `${JSON.stringify(summary, null, 2)}\n`));
  return summary;
}

// Records `result` in `summary`, prints the counts and fails on any violation.
export function record(t, summary, name, result) {
  summary[name] = result;
  t.diagnostic(`${name}: ${result.rules} axe ${result.version} rules checked (${result.passes} passed, ` +
    `${result.incomplete.length} need review${result.incomplete.length ? `: ${result.incomplete.join(", ")}` : ""}` +
    `${result.rechecked ? ` — ${result.rechecked} clipped elements re-checked in view: pass` : ""}, ` +
    `${result.inapplicable} not applicable), ${result.violations.length} violations`);
  assert.deepEqual(result.violations, [], `${name}: axe violations`);
  assert.deepEqual(result.recheck, [], `${name}: colour contrast of elements axe could not judge in place`);
}
