// The cmi5 rules an AU's statements must follow, checked on what the mini LMS stored.
import assert from "node:assert/strict";

export const CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
export const CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
export const PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress";
export const MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

const DEFINED = new Set(["initialized", "completed", "passed", "failed", "terminated"]);
// §9.5.2, §9.5.3, §9.6.2.2: what decides moveOn carries success or completion, and the category.
const MOVE_ON = new Set(["completed", "passed", "failed"]);
const JUDGED = new Set(["passed", "failed"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DURATION = /^PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S$/;

/** The verb's last path segment: "initialized". */
export const verb = (s) => s.verb.id.replace("http://adlnet.gov/expapi/verbs/", "");

const ids = (list) => [].concat(list || []).map((a) => a.id);

/** The AU's statements of one launch, in the order they arrived. */
export function sessionStatements(lms, entry) {
  return lms.statements
    .filter((s) => s.launch === entry.key)
    .sort((a, b) => a.arrival - b.arrival)
    .map((s) => s.statement);
}

/** "progressed 30" for a progressed statement, the verb otherwise. */
export function label(s) {
  return verb(s) === "progressed" ? `progressed ${s.result.extensions[PROGRESS]}` : verb(s);
}

/**
 * Checks one session (one launch) against cmi5 §7–§10 and returns its statements' labels.
 */
export function checkSession(lms, entry) {
  assert.equal(entry.fetchCalls, 1, `session of ${entry.activityId}: the fetch URL is posted to exactly once (§8.2)`);
  return checkStatements(sessionStatements(lms, entry), entry);
}

/** The rules of one session's statements, in arrival order; the launch `entry` they belong to. */
export function checkStatements(list, entry) {
  const where = `session of ${entry.activityId} (${entry.launchMode})`;
  assert.ok(list.length >= 2, `${where}: ${list.length} statements`);
  assert.equal(verb(list[0]), "initialized", `${where}: initialized first (§7.1.1, §9.3)`);
  assert.equal(verb(list.at(-1)), "terminated", `${where}: terminated last (§7.1.2, §9.3)`);
  const byTime = [...list].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  assert.deepEqual(byTime.map(label), list.map(label), `${where}: timestamps in arrival order (§9.3)`);
  const seen = new Set();
  let lastProgress = 0;
  for (const s of list) {
    const v = verb(s);
    const what = `${where}: ${v} ${s.id}`;
    assert.match(s.id, UUID, `${what}: a UUID (§9.1)`);
    assert.match(s.timestamp, TIMESTAMP, `${what}: UTC ISO 8601 timestamp (§9.7)`);
    assert.deepEqual(s.actor, entry.actor, `${what}: the launch actor (§9.2)`);
    assert.equal(s.verb.display.en, v, `${what}: display.en (Open edX reads it)`);
    assert.equal(s.context.registration, entry.registration, `${what}: registration (§9.6.1)`);
    checkTemplate(s, entry.contextTemplate, what);
    const categories = ids(s.context.contextActivities.category);
    const result = s.result || {};
    if (DEFINED.has(v)) {
      assert.ok(!seen.has(v), `${what}: cmi5 defined verbs are not repeated in a session (§9.3)`);
      seen.add(v);
      assert.equal(s.object.id, entry.activityId, `${what}: the launch activityId is the object (§9.4)`);
      assert.ok(categories.includes(CATEGORY_CMI5), `${what}: cmi5 category (§9.6.2.1)`);
    } else {
      assert.ok(!categories.includes(CATEGORY_CMI5), `${what}: allowed statements carry no cmi5 category (§7.1.3)`);
    }
    assert.equal(categories.includes(CATEGORY_MOVEON), MOVE_ON.has(v), `${what}: moveon category (§9.6.2.2)`);
    assert.equal("completion" in result, v === "completed", `${what}: completion only on completed (§9.5.3)`);
    assert.equal("success" in result, JUDGED.has(v), `${what}: success only on passed/failed (§9.5.2)`);
    if (!JUDGED.has(v)) assert.ok(!("score" in result), `${what}: score only on passed/failed (§9.5.1)`);
    if (v === "completed" || v === "terminated" || JUDGED.has(v)) {
      assert.match(result.duration || "", DURATION, `${what}: ISO 8601 duration (§9.5.4.1)`);
    }
    if (MOVE_ON.has(v)) {
      assert.equal(entry.launchMode, "Normal", `${what}: not in Browse or Review (§10)`);
      assert.ok(!result.extensions || !(PROGRESS in result.extensions), `${what}: no progress (§9.5.5.1)`);
    }
    if (v === "completed") assert.equal(result.completion, true, what);
    if (v === "passed") checkPassed(s, entry, what);
    if (v === "progressed") {
      const value = result.extensions[PROGRESS];
      assert.ok(Number.isInteger(value) && value % 10 === 0 && value > lastProgress && value <= 100,
        `${what}: progress ${value} after ${lastProgress}: rising whole 10 % steps (§9.5.5.1)`);
      assert.equal(s.object.id, entry.activityId, what);
      assert.ok(!seen.has("completed"), `${what}: no progress after completed (§9.5.5.1)`);
      lastProgress = value;
    }
  }
  return list.map(label);
}

/** §9.3.4, §9.5.1, §9.5.2, §9.6.3.2: success, a well-formed score that meets masteryScore. */
function checkPassed(s, entry, what) {
  const { success, score } = s.result;
  assert.equal(success, true, `${what}: success true (§9.5.2)`);
  if (score === undefined) return;
  if ("scaled" in score) {
    assert.ok(typeof score.scaled === "number" && score.scaled >= 0 && score.scaled <= 1, `${what}: scaled 0–1 (§9.5.1)`);
  }
  if ("raw" in score) {
    assert.ok(Number.isInteger(score.raw) && Number.isInteger(score.min) && Number.isInteger(score.max)
      && score.min <= score.raw && score.raw <= score.max, `${what}: raw an integer within min and max (§9.5.1)`);
  }
  const mastery = entry.masteryScore;
  if (mastery !== undefined) {
    assert.ok(score.scaled >= mastery, `${what}: scaled ${score.scaled} below masteryScore ${mastery} (§9.3.4)`);
    assert.equal((s.context.extensions || {})[MASTERY_SCORE], mastery, `${what}: the masteryScore extension (§9.6.3.2)`);
  }
}

/** Every value of the LMS's contextTemplate is in the statement's context, unchanged (§10). */
function checkTemplate(s, template, what) {
  for (const [key, value] of Object.entries(template.extensions || {})) {
    assert.deepEqual(s.context.extensions[key], value, `${what}: context template extension ${key}`);
  }
  for (const [list, activities] of Object.entries(template.contextActivities || {})) {
    const have = ids(s.context.contextActivities[list]);
    for (const id of ids(activities)) {
      assert.ok(have.includes(id), `${what}: context template ${list} activity ${id} (§9.6.2.3)`);
    }
  }
}

/**
 * "completed" and "passed" at most once in a registration, across the sessions of one AU
 * (§9.3.3, §9.3.4). Returns how many of each: {completed, passed}.
 */
export function checkRegistration(lms, entries) {
  const all = entries.flatMap((e) => sessionStatements(lms, e));
  const count = (v) => all.filter((s) => verb(s) === v).length;
  const found = { completed: count("completed"), passed: count("passed") };
  assert.ok(found.completed <= 1, `${found.completed} completed statements in one registration`);
  assert.ok(found.passed <= 1, `${found.passed} passed statements in one registration`);
  return found;
}
