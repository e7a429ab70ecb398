// Shared set-up of the browser tests: real packages (packages.mjs), two loopback servers
// (127.0.0.1: LMS host and packages; 127.0.0.2: the mock iframe players), one headless
// Debian Chromium, and helpers that act as the LMS and read back scorm-again's CMI.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { buildPackages, launchInfo, repo } from "./packages.mjs";
import { startServer } from "./server.mjs";

export const CHROMIUM = process.env.LESSONPACK_CHROMIUM || "/usr/bin/chromium";
export const ARTIFACTS = join(repo, "target", "browser-artifacts");

// Filled in by the before() hook of useBrowser().
export const env = { browser: null, server: null, foreign: null, packages: null };

export function useBrowser() {
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run tests/browser/setup.sh (apt-get install chromium)`);
    env.packages = buildPackages();
    env.foreign = await startServer({ host: "127.0.0.2" });
    env.server = await startServer({ host: "127.0.0.1", packages: env.packages.dirs, mockOrigin: env.foreign.origin });
    env.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
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

export const mediaTime = (frame) => frame.evaluate(() => document.getElementById("lp-media").currentTime);
