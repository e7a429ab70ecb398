// `lessonpack preview` in headless Chromium: the real binary serves a copy of module/, the
// host page runs the lesson against scorm-again, and the panel logs the calls. Editing the
// copy's module.toml rebuilds and reloads the lesson while the panel keeps its log.
//
// Run: LESSONPACK_BIN=target/debug/lessonpack node --test tests/browser/preview.test.mjs
// (the Rust test `preview::browser` does this after building the binary).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const CHROMIUM = process.env.LESSONPACK_CHROMIUM || "/usr/bin/chromium";
const BIN = process.env.LESSONPACK_BIN || join(repo, "target", "debug", "lessonpack");
const TITLE = "An international perspective";

let work;      // temporary folder: the module copy and the preview's TMPDIR
let child;     // the preview process
let origin;    // http://127.0.0.1:PORT
let output = "";
let browser;

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} missing: cargo build first, or set LESSONPACK_BIN`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium (see setup.sh)`);
  work = mkdtempSync(join(tmpdir(), "lessonpack-preview-test-"));
  cpSync(join(repo, "module"), join(work, "module"), { recursive: true });
  child = spawn(BIN, ["preview", join(work, "module"), "--target", "scorm12", "--port", "0"], {
    env: { ...process.env, TMPDIR: work },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address after 30 s:\n${output}`)), 30000);
    const look = () => {
      const found = /preview: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (found) { clearTimeout(timer); resolve(found[1]); } else setTimeout(look, 50);
    };
    child.on("exit", (code) => reject(new Error(`preview exited (${code}):\n${output}`)));
    look();
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
      "--disable-background-networking", "--disable-component-update"],
  });
});

after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const calls = (page, fn) => page.evaluate((name) => window.preview.log().filter((e) => e.fn === name), fn);
const waitCall = (page, fn, count = 1, timeout = 20000) => page.waitForFunction(
  ([name, n]) => window.preview.log().filter((e) => e.fn === name).length >= n, [fn, count], { timeout });
const lessonFrame = (page) => page.frame({ name: "sco" });
// The panel shows the CMI data a moment after each call.
const waitShown = (page, element, value) => page.waitForFunction(([el, v]) => {
  const dd = document.querySelector(`#cmi dd[data-el="${el}"]`);
  return dd && (typeof v === "string" ? dd.textContent === v : new RegExp(v.source).test(dd.textContent));
}, [element, value instanceof RegExp ? { source: value.source } : value], { timeout: 10000 });

// The preview in a new page, ready; `problems` collects the page's uncaught errors.
const openPreview = async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  await page.goto(`${origin}/`);
  await page.evaluate(() => window.preview.ready);
  return { context, page, problems };
};

test("the preview logs the SCO's calls, reloads on an edit and switches versions", async () => {
  const { context, page, problems } = await openPreview();

  // SCORM 1.2: the lesson initialises, reads and writes; every call is in the panel.
  await waitCall(page, "LMSInitialize");
  await waitCall(page, "LMSSetValue", 3);
  const [init] = await calls(page, "LMSInitialize");
  assert.deepEqual([init.args, init.result, init.error], [[""], "true", "0"]);
  const shown = await page.textContent('#log li[data-fn="LMSInitialize"]');
  assert.match(shown, /LMSInitialize\(""\) → "true" · error 0/);
  const sets = await calls(page, "LMSSetValue");
  const status = sets.find((c) => c.args[0] === "cmi.core.lesson_status");
  assert.deepEqual([status.args[1], status.result, status.error], ["incomplete", "true", "0"]);
  await waitShown(page, "cmi.core.lesson_status", "incomplete");

  // Saving a discussion response: comments, an interaction and a commit, all succeeding.
  const frame = lessonFrame(page);
  await frame.fill("#lp-response", "Shenzhen shows what Internet Plus means for manufacturing.");
  await frame.click("#lp-response-form button[type=submit]");
  await waitCall(page, "LMSCommit");
  const comments = (await calls(page, "LMSSetValue")).find((c) => c.args[0] === "cmi.comments");
  assert.deepEqual([comments.result, comments.error], ["true", "0"]);
  await waitShown(page, "cmi.comments", "Shenzhen shows what Internet Plus means for manufacturing.");
  await waitShown(page, "cmi.interactions", /response-international-perspective fill-in/);

  // A refused value shows its error code and the runtime's error text.
  await frame.evaluate(() => window.parent.API.LMSSetValue("cmi.core.lesson_status", "finished"));
  const refused = (await calls(page, "LMSSetValue")).at(-1);
  assert.deepEqual([refused.result, refused.error], ["false", "405"]);
  assert.match(await page.textContent(`#log li[data-n="${refused.n}"]`), /error 405 \S/);
  const before = (await page.evaluate(() => window.preview.log())).length;

  // Editing the source rebuilds and reloads the lesson; the log is kept.
  const toml = join(work, "module", "module.toml");
  const text = readFileSync(toml, "utf8");
  const lessonTitle = `\ntitle = "${TITLE}"\nsummary`;
  assert.ok(text.includes(lessonTitle), "the sample's lesson title line");
  writeFileSync(toml, text.replace(lessonTitle, `\ntitle = "${TITLE}, edited"\nsummary`));
  await page.waitForFunction((t) => {
    const f = document.getElementById("sco").contentDocument;
    const h1 = f && f.querySelector("h1");
    return h1 && h1.textContent === t;
  }, `${TITLE}, edited`, { timeout: 30000 });
  const log = await page.evaluate(() => window.preview.log());
  assert.ok(log.length > before, "the log goes on");
  assert.equal(log[0].n, 1, "the log is kept from the first call");
  assert.ok(log.some((e) => e.note && /^Rebuilt \(build 2\): rebuilt scorm12/.test(e.note)), "a rebuilt note");
  const finish = log.filter((e) => e.fn === "LMSFinish");
  assert.equal(finish.length, 1, "the unloaded lesson finished once");
  assert.deepEqual([finish[0].result, finish[0].error], ["true", "0"]);
  await waitCall(page, "LMSInitialize", 2);
  // The relaunch resumes the stored attempt (the lesson suspended it on unload).
  await waitShown(page, "cmi.core.entry", "resume");
  await waitShown(page, "cmi.comments", "Shenzhen shows what Internet Plus means for manufacturing.");
  assert.match(await page.textContent("#lesson"), /edited/);

  // Switching to SCORM 2004 rebuilds and swaps the API.
  await page.selectOption("#target", "scorm2004");
  await waitCall(page, "Initialize");
  const [init2004] = await calls(page, "Initialize");
  assert.deepEqual([init2004.result, init2004.error], ["true", "0"]);
  assert.deepEqual(await page.evaluate(() => [typeof window.API, typeof window.API_1484_11]), ["undefined", "object"]);
  await waitShown(page, "cmi.completion_status", "incomplete");
  await waitShown(page, "cmi.entry", "ab-initio");

  // Relaunch resumes the suspended attempt; Reset starts a new one.
  await page.click("#relaunch");
  await waitCall(page, "Initialize", 2);
  await waitShown(page, "cmi.entry", "resume");
  await page.click("#reset");
  await waitCall(page, "Initialize", 3);
  await waitShown(page, "cmi.entry", "ab-initio");

  // A reload of the host page keeps the panel's log.
  const kept = (await page.evaluate(() => window.preview.log())).length;
  await page.reload();
  await page.evaluate(() => window.preview.ready);
  assert.ok((await page.evaluate(() => window.preview.log())).length >= kept);
  assert.ok(await page.$(`#log li[data-n="1"]`), "the first entry is shown again");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the Moodle Standards mode profile refuses 1.2 suspend_data over 4,096 characters", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.evaluate(() => window.preview.ready);
  await page.selectOption("#target", "scorm12");
  await page.selectOption("#profile", "moodle-standards");
  // The launch under the new profile initialises (the launches before it may not have).
  await page.waitForFunction(() => {
    const log = window.preview.log();
    const launched = log.find((e) => e.note && /^LMS profile changed.*Standards mode/.test(e.note));
    return launched && log.some((e) => e.n > launched.n && e.fn === "LMSInitialize" && e.result === "true");
  }, null, { timeout: 20000 });
  const result = await lessonFrame(page).evaluate(() => {
    const api = window.parent.API;
    return [api.LMSSetValue("cmi.suspend_data", "x".repeat(4097)), api.LMSGetLastError(),
      api.LMSSetValue("cmi.suspend_data", "x".repeat(4096)), api.LMSGetLastError()];
  });
  assert.deepEqual(result, ["false", "405", "true", "0"]);
  await context.close();
});

// cmi5: the preview is the LMS and LRS. Each statement the lesson sends shows in the panel,
// checked against the cmi5 rules; a relaunch ends the session (terminated) and starts a new
// one of the same registration that resumes from the State API.
const statements = (page) => page.evaluate(() => window.preview.statements());
const waitStatement = (page, verb, session) => page.waitForFunction(([v, s]) =>
  window.preview.statements().some((e) => e.verb === v && e.session === s), [verb, session], { timeout: 20000 });

test("cmi5: the panel shows the statements of each session and the state documents", async () => {
  const { context, page, problems } = await openPreview();
  await page.selectOption("#target", "cmi5");
  await page.waitForFunction(() => window.preview.cmi5() !== null, null, { timeout: 30000 });
  const first = await page.evaluate(() => window.preview.cmi5());
  assert.match(first.url, /^\/package\/lessons\/international-perspective\/index\.html\?endpoint=/);
  assert.equal(first.launchMode, "Normal");
  assert.equal(first.moveOn, "CompletedAndPassed");
  const s1 = first.session;

  // The LMS's launched, then the lesson's initialized, shown in the log and breaking no rule.
  await waitStatement(page, "initialized", s1);
  const mine = (await statements(page)).filter((e) => e.session === s1);
  assert.deepEqual(mine.slice(0, 2).map((e) => [e.verb, e.lms]), [["launched", true], ["initialized", false]]);
  assert.equal(mine[1].statement.context.registration, first.registration);
  assert.ok(await page.$(`#log li[data-verb="initialized"][data-session="${s1}"]`), "initialized in the panel");
  assert.equal(await page.textContent("#data-title"), "xAPI data");
  await page.waitForFunction(() => /"launchMode":"Normal"/.test(
    document.querySelector('#cmi dd[data-el="state LMS.LaunchData"]')?.textContent || ""), null, { timeout: 10000 });

  // The discussion response: an "answered" statement and the AU's state document.
  const frame = lessonFrame(page);
  await frame.fill("#lp-response", "Internet Plus, seen from Shenzhen.");
  await frame.click("#lp-response-form button[type=submit]");
  await waitStatement(page, "answered", s1);
  await page.waitForFunction(() => /Internet Plus, seen from Shenzhen/.test(
    document.querySelector('#cmi dd[data-el="state suspendData"]')?.textContent || ""), null, { timeout: 10000 });

  // Relaunch: the session ends with terminated; a new session of the same registration
  // starts with initialized and reads the saved state back.
  await page.click("#relaunch");
  await waitStatement(page, "terminated", s1);
  await page.waitForFunction((s) => (window.preview.cmi5() || {}).session > s, s1, { timeout: 20000 });
  const second = await page.evaluate(() => window.preview.cmi5());
  assert.equal(second.registration, first.registration);
  await waitStatement(page, "initialized", second.session);
  assert.ok(await page.$(`#log li[data-verb="terminated"][data-session="${s1}"]`), "terminated in the panel");
  const response = await lessonFrame(page).inputValue("#lp-response");
  assert.equal(response, "Internet Plus, seen from Shenzhen.", "resumed from the State API");

  // Reset attempt: a new registration, a new session starting with initialized.
  await page.click("#reset");
  await page.waitForFunction((r) => { const c = window.preview.cmi5(); return c && c.registration !== r; },
    first.registration, { timeout: 20000 });
  const third = await page.evaluate(() => window.preview.cmi5());
  await waitStatement(page, "initialized", third.session);
  await waitStatement(page, "terminated", second.session);

  const all = await statements(page);
  assert.deepEqual(all.filter((e) => e.marks.length), [], "no cmi5 rule broken");
  const log = await page.evaluate(() => window.preview.log());
  assert.ok(!log.some((e) => e.note && /without terminated/.test(e.note)), "every session terminated");
  assert.ok(!log.some((e) => e.xapi && e.xapi.status === 401), "every LRS request had the token");
  assert.deepEqual(problems, []);
  await context.close();
});

// The Open edX profile for cmi5: the course id as every lesson's activityId (one state
// document for all lessons), the lesson's state under its own key in it, and the block's
// gradebook, which counts only passed/failed.
test("cmi5 with the Open edX profile: the course id as activityId, one state document, its gradebook", async () => {
  const { context, page, problems } = await openPreview();
  await page.selectOption("#target", "cmi5");
  await page.waitForFunction(() => window.preview.cmi5() !== null, null, { timeout: 30000 });
  await page.selectOption("#profile", "openedx");
  // The launch under the Open edX profile whose page has started (the target switch's rebuild
  // may relaunch once more in between).
  const launch = await (await page.waitForFunction(() => {
    const c = window.preview.cmi5();
    const started = c && window.preview.statements().some((e) => e.verb === "initialized" && e.session === c.session);
    return c && c.profile === "openedx" && started ? c : null;
  }, null, { timeout: 30000 })).jsonValue();
  assert.equal(launch.activityId, "urn:lessonpack:digital-leadership-china");
  assert.match(await page.textContent("#profile-note"), /Open edX's cmi5 block/);
  await waitShown(page, "Open edX gradebook", /^unknown: 0\/1 points/);
  const frame = lessonFrame(page);
  await frame.fill("#lp-response", "Seen from Hangzhou.");
  await frame.click("#lp-response-form button[type=submit]");
  await waitStatement(page, "answered", launch.session);
  await waitShown(page, "state suspendData", /"lessons":\{"urn:lessonpack:digital-leadership-china:international-perspective":\{.*Seen from Hangzhou/);
  const mine = (await statements(page)).filter((e) => e.session === launch.session);
  assert.ok(!mine.some((e) => e.verb === "launched"), "Open edX records no launched statement");
  assert.deepEqual(problems, []);
  await context.close();
});

test("stopping the preview removes its build folder", async () => {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 10000))]);
  assert.equal(code, 0, output);
  assert.deepEqual(readdirSync(work).filter((n) => n.startsWith("lessonpack-preview-")), []);
});
