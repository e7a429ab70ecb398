// A mini cmi5 LMS and LRS on 127.0.0.1 for the browser tests, with the package's files under
// /pkg/. It does what cmi5 asks of an LMS before and during a launch, and records every request
// so the tests can check what the AU did:
//   - launch(): writes LMS.LaunchData (§10) and a "launched" statement (§9.3.1), and returns
//     the launch URL with endpoint, fetch, actor, registration, activityId (§8.1);
//   - POST /fetch/<key>: the auth token once; every later call gets error-code 1 (§8.2.3);
//   - /xapi/statements (PUT ?statementId=, POST), /xapi/activities/state, /xapi/agents/profile:
//     each request needs "Authorization: Basic <token>" of a launch and
//     "X-Experience-API-Version: 1.0.3"; anything else is refused and noted in `problems`;
//   - CORS for /fetch/ and /xapi/ (a launch may name the LRS on another origin, `lrsHost`).
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

export const SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".webm": "video/webm",
  ".xml": "application/xml",
};

/** Starts the server; `root` is the unpacked package. */
export async function startLms(root) {
  const lms = {
    statements: [], // {launch (key or null for the LMS), statement, arrival}
    problems: [],
    launches: new Map(), // fetch key -> launch
    state: new Map(), // JSON key -> document
    profiles: new Map(),
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
  lms.launch = (options) => launch(lms, options);
  lms.stateDocument = (entry, stateId) => lms.state.get(stateKey({
    stateId, activityId: entry.activityId, agent: JSON.stringify(entry.actor), registration: entry.registration,
  }));
  lms.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  });
  return lms;
}

const agentKey = (agent) => JSON.stringify(agent.account || agent.mbox || agent);

function stateKey(params) {
  const agent = JSON.parse(params.agent);
  return JSON.stringify([params.activityId, agentKey(agent), params.registration || "", params.stateId]);
}

/**
 * Prepares a launch as an LMS does (§10, §9.3.1). Options: page, actor, registration,
 * activityId, publisherId, launchMode, contextTemplate (replaces the standard one), returnURL,
 * preferences (the cmi5LearnerPreferences agent profile), lrsHost (another host name for the
 * endpoint and fetch URLs, e.g. "localhost": another origin than the page's).
 */
function launch(lms, options) {
  const key = crypto.randomUUID();
  const sessionId = crypto.randomUUID();
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
    launchMode: options.launchMode || "Normal",
    contextTemplate,
  };
  lms.launches.set(key, entry);
  const launchData = { contextTemplate, launchMode: entry.launchMode, moveOn: "Completed", launchMethod: "AnyWindow" };
  if (options.returnURL) launchData.returnURL = options.returnURL;
  const params = {
    stateId: "LMS.LaunchData",
    activityId: options.activityId,
    agent: JSON.stringify(options.actor),
    registration: options.registration,
  };
  lms.state.set(stateKey(params), launchData);
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
  const cmi5 = "https://w3id.org/xapi/cmi5/context/";
  launched.context.contextActivities = {
    ...launched.context.contextActivities,
    category: [{ objectType: "Activity", id: `${cmi5}categories/cmi5` }],
  };
  launched.context.extensions = {
    ...launched.context.extensions,
    [`${cmi5}extensions/launchmode`]: entry.launchMode,
    [`${cmi5}extensions/launchurl`]: `${lms.origin}/pkg/${options.page}`,
    [`${cmi5}extensions/moveon`]: "Completed",
  };
  lms.statements.push({ launch: null, statement: launched, arrival: lms.arrivals++ });
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
  const key = stateKey(params);
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
