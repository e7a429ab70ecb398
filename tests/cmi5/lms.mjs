// A mini cmi5 LMS and LRS on 127.0.0.1 for the browser tests, with the package's files under
// /pkg/. It reads the AUs (id, moveOn, masteryScore) from the package's cmi5.xml, does what an
// LMS does before and during a launch, and records every request so the tests can check what
// the AU did. Two profiles:
//
// "spec" (cmi5 Quartz as written):
//   - launch(): writes LMS.LaunchData (§10) and a "launched" statement (§9.3.1), and returns
//     the launch URL with endpoint, fetch, actor, registration, activityId (§8.1);
//   - POST /fetch/<key>: the auth token once; every later call gets error-code 1 (§8.2.3);
//   - /xapi/statements (PUT ?statementId=, POST), /xapi/activities/state, /xapi/agents/profile:
//     each request needs "Authorization: Basic <token>" of a launch and
//     "X-Experience-API-Version: 1.0.3"; anything else is refused and noted in `problems`;
//     a statement after its session's "terminated" is refused (§9.3.8);
//   - grade(entry): the AU's moveOn satisfied, and the scaled score of its "passed".
//
// "openedx" (openedx-cmi5-xblock 0.1.3's `lrs_auth_endpoint` and `lrs_endpoint`, one block
// holding the package, read from its Python):
//   - every AU is launched with activityId = the course id and registration = the learner's
//     enrolment; the launch URL is the same for every AU but the page's path; LMS.LaunchData is
//     the block's (`get_launch_state_data`: Normal, the course as parent, no moveOn, no
//     returnURL, no session id) and there is no "launched" statement;
//   - the fetch URL answers every POST with the same token (a hash of user and session);
//   - the handler dispatches on the query alone: a statement is recorded only when PUT with
//     ?statementId=; ?stateId=LMS.LaunchData answers the launch data whatever the method;
//     ?stateId=suspendData GET/PUT read and replace ONE document per learner and block,
//     whatever the activityId or registration; anything else answers 200 {"success": true}
//     and is dropped (noted in `problems` when it was a write: the page lost data);
//   - `cutNextRead = true`: the next suspendData GET answers 200 with half a body;
//   - grading as `lrs_endpoint`/`get_grade` do: verb.display.en "passed"/"failed" set the
//     status and publish weight × (result.score.scaled, else the weight; 0 when failed), a
//     "passed" without result fails the handler (500), "failed" after passed/completed is
//     ignored; "completed" with the cmi5 category marks the block complete (1.0, never undone).
//     Scored by default with weight 1: grade(entry) is {value, max} or null before any grade.
//
// CORS for /fetch/ and /xapi/ (a launch may name the LRS on another origin, `lrsHost`).
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

export const SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
const CMI5 = "https://w3id.org/xapi/cmi5/context/";
const CATEGORY_CMI5 = `${CMI5}categories/cmi5`;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".webm": "video/webm",
  ".xml": "application/xml",
};

/** The course and its AUs as an LMS imports them from the package's cmi5.xml. */
export function readCourse(root) {
  const xml = fs.readFileSync(path.join(root, "cmi5.xml"), "utf8");
  const attr = (tag, name) => (new RegExp(`\\s${name}="([^"]*)"`).exec(tag) || [])[1];
  const text = (part, name) => (new RegExp(`<${name}>\\s*(?:<langstring[^>]*>)?([^<]*)<`).exec(part) || [])[1];
  const course = /<course\b[^>]*>[^]*?<\/course>/.exec(xml)[0];
  const aus = [...xml.matchAll(/<au\b[^>]*>[^]*?<\/au>/g)].map(([au]) => {
    const tag = /<au\b[^>]*>/.exec(au)[0];
    const mastery = attr(tag, "masteryScore");
    return {
      id: attr(tag, "id"),
      moveOn: attr(tag, "moveOn") || "NotApplicable",
      masteryScore: mastery === undefined ? undefined : Number(mastery),
      url: text(au, "url").trim(),
      title: text(au, "title"),
    };
  });
  return { id: attr(/<course\b[^>]*>/.exec(course)[0], "id"), title: text(course, "title"),
    description: text(course, "description"), aus };
}

/** Starts the server; `root` is the unpacked package, `profile` "spec" or "openedx". */
export async function startLms(root, { profile = "spec" } = {}) {
  const lms = {
    profile,
    course: readCourse(root),
    statements: [], // {launch (key, or null for the LMS's own; then session: the key), statement, arrival}
    problems: [],
    launches: new Map(), // fetch key -> launch
    state: new Map(), // JSON key -> document
    profiles: new Map(),
    blocks: new Map(), // openedx: learner -> {status, score, grade, completion}
    arrivals: 0,
    preflights: 0,
  };
  const server = http.createServer((req, res) => {
    handle(lms, root, req, res).catch((error) => {
      lms.problems.push(`${req.method} ${req.url}: ${error.stack}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  lms.port = server.address().port;
  lms.origin = `http://127.0.0.1:${lms.port}`;
  lms.launch = (options) => (profile === "openedx" ? launchOpenEdx(lms, options) : launch(lms, options));
  const keyOf = (entry, stateId) => stateKey(lms, {
    stateId, activityId: entry.activityId, agent: JSON.stringify(entry.actor), registration: entry.registration,
  });
  lms.stateDocument = (entry, stateId) => lms.state.get(keyOf(entry, stateId));
  // What an earlier version of the page (or another lesson) left there.
  lms.setStateDocument = (entry, stateId, doc) => lms.state.set(keyOf(entry, stateId), doc);
  lms.grade = (entry) => (profile === "openedx" ? openEdxGrade(lms, entry) : specGrade(lms, entry));
  lms.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  });
  return lms;
}

const agentKey = (agent) => JSON.stringify(agent.account || agent.mbox || agent);

function stateKey(lms, params) {
  const agent = agentKey(JSON.parse(params.agent));
  // Open edX keeps the block's document on the learner (Scope.user_state), nothing else.
  if (lms.profile === "openedx") return JSON.stringify(["block", agent, params.stateId]);
  return JSON.stringify([params.activityId, agent, params.registration || "", params.stateId]);
}

/** The AU `publisherId` names in cmi5.xml (its moveOn and masteryScore), or defaults. */
function courseAu(lms, publisherId) {
  return lms.course.aus.find((a) => a.id === publisherId) || { moveOn: "Completed" };
}

/**
 * Prepares a launch as a cmi5 LMS does (§10, §9.3.1). Options: page, actor, registration,
 * activityId, publisherId, launchMode, contextTemplate (replaces the standard one), returnURL,
 * moveOn and masteryScore (default: cmi5.xml's), preferences (the cmi5LearnerPreferences agent
 * profile), lrsHost (another host name for the endpoint and fetch URLs, e.g. "localhost":
 * another origin than the page's).
 */
function launch(lms, options) {
  const key = crypto.randomUUID();
  const sessionId = crypto.randomUUID();
  const au = courseAu(lms, options.publisherId);
  const moveOn = options.moveOn || au.moveOn;
  const masteryScore = "masteryScore" in options ? options.masteryScore : au.masteryScore;
  const contextTemplate = options.contextTemplate || {
    contextActivities: { grouping: [{ objectType: "Activity", id: options.publisherId }] },
    extensions: { [SESSION_ID]: sessionId },
  };
  const entry = {
    key,
    token: Buffer.from(`lms:${key}`).toString("base64"),
    fetchCalls: 0,
    actor: options.actor,
    registration: options.registration,
    activityId: options.activityId,
    publisherId: options.publisherId,
    launchMode: options.launchMode || "Normal",
    moveOn,
    masteryScore,
    contextTemplate,
  };
  lms.launches.set(key, entry);
  const launchData = { contextTemplate, launchMode: entry.launchMode, moveOn, launchMethod: "AnyWindow" };
  if (masteryScore !== undefined) launchData.masteryScore = masteryScore;
  if (options.returnURL) launchData.returnURL = options.returnURL;
  const params = {
    stateId: "LMS.LaunchData",
    activityId: options.activityId,
    agent: JSON.stringify(options.actor),
    registration: options.registration,
  };
  lms.state.set(stateKey(lms, params), launchData);
  if (options.preferences) lms.profiles.set(agentKey(options.actor), options.preferences);
  const launched = {
    id: crypto.randomUUID(),
    timestamp: new Date().toISOString(),
    actor: options.actor,
    verb: { id: "http://adlnet.gov/expapi/verbs/launched", display: { en: "launched" } },
    object: { objectType: "Activity", id: options.activityId },
    context: {
      ...structuredClone(contextTemplate),
      registration: options.registration,
    },
  };
  launched.context.contextActivities = {
    ...launched.context.contextActivities,
    category: [{ objectType: "Activity", id: CATEGORY_CMI5 }],
  };
  launched.context.extensions = {
    ...launched.context.extensions,
    [`${CMI5}extensions/launchmode`]: entry.launchMode,
    [`${CMI5}extensions/launchurl`]: `${lms.origin}/pkg/${options.page}`,
    [`${CMI5}extensions/moveon`]: moveOn,
  };
  if (masteryScore !== undefined) launched.context.extensions[`${CMI5}extensions/masteryscore`] = masteryScore;
  entry.launched = launched;
  lms.statements.push({ launch: null, session: key, statement: launched, arrival: lms.arrivals++ });
  const lrs = options.lrsHost ? `http://${options.lrsHost}:${lms.port}` : lms.origin;
  const query = new URLSearchParams({
    endpoint: `${lrs}/xapi/`,
    fetch: `${lrs}/fetch/${key}`,
    actor: JSON.stringify(options.actor),
    registration: options.registration,
    activityId: options.activityId,
  });
  entry.url = `${lms.origin}/pkg/${options.page}?${query}`;
  return entry;
}

/**
 * A launch as Open edX's cmi5 block makes it (`get_launch_url_params`,
 * `get_launch_state_data`): options page, actor, registration (the enrolment: the same for
 * every AU), publisherId (only for the tests' bookkeeping: the block does not pass it).
 */
function launchOpenEdx(lms, options) {
  const learner = agentKey(options.actor);
  const entry = {
    key: crypto.randomUUID(),
    // sha256("user-id:…_session-id:…"): the same for every launch of the learner.
    token: crypto.createHash("sha256").update(`openedx:${learner}`).digest("hex"),
    fetchCalls: 0,
    actor: options.actor,
    registration: options.registration,
    activityId: lms.course.id,
    publisherId: options.publisherId,
    launchMode: "Normal",
    openedx: true,
  };
  entry.contextTemplate = openEdxLaunchData(lms, entry).contextTemplate;
  lms.launches.set(entry.key, entry);
  // The handler knows the learner by the session cookie; here the fetch URL names them.
  const user = crypto.createHash("sha256").update(learner).digest("hex").slice(0, 16);
  const query = new URLSearchParams({
    fetch: `${lms.origin}/handler/lrs_auth_endpoint?user=${user}`,
    endpoint: `${lms.origin}/handler/lrs_endpoint/`,
    actor: JSON.stringify(options.actor),
    activityId: lms.course.id,
    registration: options.registration,
  });
  entry.url = `${lms.origin}/pkg/${options.page}?${query}`;
  return entry;
}

/** `get_launch_state_data`: what the block answers for LMS.LaunchData. */
function openEdxLaunchData(lms, entry) {
  return {
    contextTemplate: {
      registration: entry.registration,
      contextActivities: {
        parent: [{
          id: lms.course.id,
          definition: { name: { "en-US": lms.course.title }, description: { "en-US": lms.course.description } },
        }],
      },
    },
    launchMode: "Normal",
    launchParameters: "",
  };
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res, status, value) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(value === undefined ? "" : JSON.stringify(value));
}

async function handle(lms, root, req, res) {
  const url = new URL(req.url, lms.origin);
  if (url.pathname.startsWith("/pkg/")) return serveFile(root, url.pathname.slice(5), req, res);
  res.setHeader("Access-Control-Allow-Origin", "*");
  if (req.method === "OPTIONS") {
    lms.preflights += 1;
    res.writeHead(204, {
      "Access-Control-Allow-Methods": "GET, PUT, POST",
      "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Experience-API-Version",
    });
    return res.end();
  }
  if (lms.profile === "openedx") return handleOpenEdx(lms, req, url, res);
  if (url.pathname.startsWith("/fetch/")) {
    const entry = lms.launches.get(url.pathname.slice(7));
    if (req.method !== "POST" || !entry) {
      lms.problems.push(`fetch URL called with ${req.method} ${url.pathname}`);
      return json(res, req.method === "POST" ? 200 : 405, { "error-code": "2", "error-text": "Bad request" });
    }
    entry.fetchCalls += 1;
    if (entry.fetchCalls > 1) {
      return json(res, 200, { "error-code": "1", "error-text": "The authorization token has already been returned." });
    }
    return json(res, 200, { "auth-token": entry.token });
  }
  if (!url.pathname.startsWith("/xapi/")) return json(res, 404, {});
  const resource = url.pathname.slice(6);
  const what = `${req.method} /xapi/${resource}`;
  const entry = [...lms.launches.values()].find((l) => req.headers.authorization === `Basic ${l.token}`);
  if (!entry) {
    lms.problems.push(`${what}: Authorization ${JSON.stringify(req.headers.authorization)} is no launch's token`);
    return json(res, 401, {});
  }
  if (req.headers["x-experience-api-version"] !== "1.0.3") {
    lms.problems.push(`${what}: X-Experience-API-Version ${JSON.stringify(req.headers["x-experience-api-version"])}`);
    return json(res, 400, {});
  }
  const params = Object.fromEntries(url.searchParams);
  const text = req.method === "GET" ? "" : await body(req);
  if (resource === "statements") return statements(lms, entry, req.method, params, text, res);
  if (resource === "activities/state") return stateResource(lms, entry, req.method, params, text, res);
  if (resource === "agents/profile" && req.method === "GET" && params.profileId === "cmi5LearnerPreferences") {
    const profile = lms.profiles.get(agentKey(JSON.parse(params.agent)));
    return profile ? json(res, 200, profile) : json(res, 404, {});
  }
  lms.problems.push(`${what}: not a resource this LRS offers`);
  return json(res, 404, {});
}

function statements(lms, entry, method, params, text, res) {
  let list;
  if (method === "PUT") {
    const statement = JSON.parse(text);
    if (statement.id !== params.statementId) {
      lms.problems.push(`PUT statement ${statement.id} with statementId=${params.statementId}`);
      return json(res, 400, {});
    }
    list = [statement];
  } else if (method === "POST") {
    list = [].concat(JSON.parse(text));
  } else {
    lms.problems.push(`${method} /xapi/statements: not used by AUs`);
    return json(res, 405, {});
  }
  for (const statement of list) {
    if (lms.statements.some((s) => s.statement.id === statement.id)) {
      lms.problems.push(`statement ${statement.id} sent twice`);
      return json(res, 409, {});
    }
    // §9.3.8: after "terminated" the LMS rejects the session's statements.
    if (lms.statements.some((s) => s.launch === entry.key && verbName(s.statement) === "terminated")) {
      lms.problems.push(`statement ${verbName(statement)} ${statement.id} after terminated`);
      return json(res, 403, {});
    }
    lms.statements.push({ launch: entry.key, statement, arrival: lms.arrivals++ });
  }
  return method === "PUT" ? json(res, 204) : json(res, 200, list.map((s) => s.id));
}

function stateResource(lms, entry, method, params, text, res) {
  for (const name of ["stateId", "activityId", "agent", "registration"]) {
    if (!params[name]) lms.problems.push(`${method} state without ${name}`);
  }
  if (params.activityId !== entry.activityId || params.registration !== entry.registration) {
    lms.problems.push(`${method} state ${params.stateId} for another activity or registration`);
  }
  const key = stateKey(lms, params);
  if (method === "GET") {
    return lms.state.has(key) ? json(res, 200, lms.state.get(key)) : json(res, 404, {});
  }
  if (params.stateId === "LMS.LaunchData") {
    lms.problems.push(`${method} LMS.LaunchData: the AU MUST NOT modify it (§10)`);
    return json(res, 403, {});
  }
  if (method === "PUT") lms.state.set(key, JSON.parse(text));
  else if (method === "POST") lms.state.set(key, { ...(lms.state.get(key) || {}), ...JSON.parse(text) });
  else lms.problems.push(`${method} state: not used by the AU`);
  return json(res, 204);
}

const verbName = (s) => String((s.verb || {}).id || "").replace(/^.*\//, "");

/** The spec LMS's view of an AU in a registration: moveOn satisfied, and its passed score. */
function specGrade(lms, entry) {
  const mine = lms.statements
    .filter((s) => s.launch && lms.launches.get(s.launch))
    .filter((s) => {
      const l = lms.launches.get(s.launch);
      return l.registration === entry.registration && l.activityId === entry.activityId;
    })
    .map((s) => s.statement);
  const completed = mine.some((s) => verbName(s) === "completed");
  const passed = mine.find((s) => verbName(s) === "passed");
  const moveOn = entry.moveOn;
  const satisfied = moveOn === "NotApplicable" || (moveOn === "Completed" && completed)
    || (moveOn === "Passed" && !!passed) || (moveOn === "CompletedOrPassed" && (completed || !!passed))
    || (moveOn === "CompletedAndPassed" && completed && !!passed);
  return { moveOn, completed, passed: !!passed, satisfied, scaled: passed ? passed.result.score.scaled : null };
}

/* ---------- Open edX's block ---------- */

const WEIGHT = 1; // the block's default weight; has_score defaults to true

function block(lms, actor) {
  const learner = agentKey(actor);
  if (!lms.blocks.has(learner)) {
    lms.blocks.set(learner, { status: "unknown", score: 0, grade: null, completion: 0, grades: [], completions: [] });
  }
  return lms.blocks.get(learner);
}

/** The block's grade and completion for the learner of `entry`. */
function openEdxGrade(lms, entry) {
  const b = block(lms, entry.actor);
  return { status: b.status, grade: b.grade, completion: b.completion, grades: [...b.grades], completions: [...b.completions] };
}

async function handleOpenEdx(lms, req, url, res) {
  // Requests name no launch: they belong to the learner's latest one.
  const latest = (match) => [...lms.launches.values()].filter(match).at(-1);
  if (url.pathname === "/handler/lrs_auth_endpoint") {
    // Any method, any number of times: the same token (the page should POST once, §8.2).
    const user = url.searchParams.get("user");
    const entry = latest((l) => new URL(l.url).searchParams.get("fetch").endsWith(`?user=${user}`));
    if (req.method !== "POST") lms.problems.push(`fetch URL called with ${req.method}`);
    if (!entry) {
      lms.problems.push(`fetch URL of no learner: ${url.search}`);
      return json(res, 200, { "auth-token": "none" });
    }
    entry.fetchCalls += 1;
    return json(res, 200, { "auth-token": entry.token });
  }
  if (!url.pathname.startsWith("/handler/lrs_endpoint/")) return json(res, 404, {});
  const what = `${req.method} ${url.pathname.slice("/handler/lrs_endpoint/".length)}`;
  const entry = latest((l) => req.headers.authorization === `Basic ${l.token}`);
  if (!entry) {
    lms.problems.push(`${what}: Authorization ${JSON.stringify(req.headers.authorization)} is no learner's token`);
    return json(res, 401, {});
  }
  const params = Object.fromEntries(url.searchParams);
  const text = req.method === "GET" ? "" : await body(req);
  if (params.statementId && req.method === "PUT") return openEdxStatement(lms, entry, text, res);
  if (params.stateId) {
    if (params.stateId === "LMS.LaunchData") {
      if (req.method !== "GET") lms.problems.push(`${what} LMS.LaunchData: the AU MUST NOT modify it (§10)`);
      return json(res, 200, openEdxLaunchData(lms, entry));
    }
    const key = stateKey(lms, params);
    if (params.stateId === "suspendData" && req.method === "GET" && lms.cutNextRead) {
      // A read cut off (the connection dropped, the page went away): 200 and half a body.
      lms.cutNextRead = false;
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify(lms.state.get(key) || {}).slice(0, 20));
    }
    if (params.stateId === "suspendData" && req.method === "GET") return json(res, 200, lms.state.get(key) || {});
    if (params.stateId === "suspendData" && req.method === "PUT") {
      lms.state.set(key, JSON.parse(text));
      return json(res, 204);
    }
  }
  // Everything else: {"success": true}, nothing kept.
  if (req.method !== "GET") lms.problems.push(`${what} ${url.search}: answered 200 and dropped by Open edX`);
  return json(res, 200, { success: true });
}

/** `lrs_endpoint` for PUT ?statementId=: the status, grade and completion of the block. */
function openEdxStatement(lms, entry, text, res) {
  const statement = JSON.parse(text);
  const b = block(lms, entry.actor);
  const display = ((statement.verb || {}).display || {}).en;
  if (display === undefined) {
    lms.problems.push(`statement ${statement.id} without verb.display.en: Open edX's handler fails`);
    return json(res, 500, {});
  }
  const categories = (((statement.context || {}).contextActivities || {}).category || []).map((a) => a.id);
  if (display === "failed" && ["passed", "completed"].includes(b.status)) {
    // Ignored: the grade stands.
  } else if (display === "passed" || display === "failed") {
    if (!statement.result) {
      lms.problems.push(`${display} ${statement.id} without result: Open edX's handler fails`);
      return json(res, 500, {});
    }
    b.status = display;
    const scaled = statement.result.score ? statement.result.score.scaled : undefined;
    b.score = scaled === undefined ? WEIGHT : scaled;
    b.grade = { value: (display === "failed" ? 0 : b.score) * WEIGHT, max: WEIGHT };
    b.grades.push(b.grade);
  } else if (display === "completed" && categories.includes(CATEGORY_CMI5)) {
    b.status = "completed";
    b.completion = 1;
    b.completions.push(1);
  }
  lms.statements.push({ launch: entry.key, statement, arrival: lms.arrivals++ });
  return json(res, 204);
}

/** The package's files, with byte ranges for the video. */
function serveFile(root, rel, req, res) {
  const file = path.resolve(root, decodeURIComponent(rel));
  if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return json(res, 404, {});
  }
  const size = fs.statSync(file).size;
  const type = TYPES[path.extname(file)] || "application/octet-stream";
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || "");
  if (range && (range[1] || range[2])) {
    const start = range[1] ? Number(range[1]) : size - Number(range[2]);
    const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    res.writeHead(206, {
      "Content-Type": type,
      "Content-Length": end - start + 1,
      "Content-Range": `bytes ${start}-${end}/${size}`,
      "Accept-Ranges": "bytes",
    });
    fs.createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { "Content-Type": type, "Content-Length": size, "Accept-Ranges": "bytes" });
  fs.createReadStream(file).pipe(res);
}
