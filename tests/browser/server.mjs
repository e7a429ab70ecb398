// A tiny static server for the browser tests: loopback only, no dependencies.
//
//   /host.html                  the test LMS (harness/host.html)
//   /pkg/<name>/<path>          a built package, served from its extracted root as an LMS
//                               serves an imported package (same origin as the LMS page)
//   /pkg/<name>~nomedia/<path>  the same package with its media/ folder missing (404)
//   /mock/<player>.html         stand-ins for the YouTube and Vimeo players
//   /vendor/…                   scorm-again from node_modules
//   /preview/lms.js             the preview's LMS profiles (src/preview/assets/lms.js)
//
// The packages' YouTube / Vimeo iframes point at youtube-nocookie.com and player.vimeo.com;
// with `mockOrigin` set, a served page has that src rewritten to <mockOrigin>/mock/<player>.html
// (a second loopback origin, so the page talks to it cross-origin as to the real players);
// the page's own query parameter `mock` is handed on to the mock (`?mock=rate%3D8`).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { here } from "./packages.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".xml": "application/xml",
  ".xsd": "application/xml",
  ".webm": "video/webm",
  ".mp4": "video/mp4",
  ".json": "application/json",
};

const PLAYERS = [
  ["youtube", /https:\/\/www\.youtube-nocookie\.com\/embed\/[^"]*/g],
  ["vimeo", /https:\/\/player\.vimeo\.com\/video\/[^"]*/g],
];

// Resolve "rest" under a folder, refusing any path that escapes it.
function under(root, rest) {
  const path = normalize(join(root, decodeURIComponent(rest)));
  return path.startsWith(root + sep) ? path : null;
}

function notFound(res) {
  res.writeHead(404, { "content-type": "text/plain" }).end("not found");
}

async function sendFile(req, res, path, url, mockOrigin) {
  let info;
  try {
    info = await stat(path);
  } catch {
    return notFound(res);
  }
  if (!info.isFile()) return notFound(res);
  const type = TYPES[extname(path)] || "application/octet-stream";
  if (extname(path) === ".html" && mockOrigin) {
    let html = await readFile(path, "utf8");
    const query = url.searchParams.get("mock") || "";
    for (const [player, re] of PLAYERS) html = html.replace(re, `${mockOrigin}/mock/${player}.html?${query}`);
    return res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(html);
  }
  // Media needs byte ranges, or Chromium treats the video as unseekable.
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || "");
  if (range) {
    const start = range[1] ? Number(range[1]) : Math.max(0, info.size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
    if (start >= info.size) {
      res.writeHead(416, { "content-range": `bytes */${info.size}` }).end();
      return;
    }
    res.writeHead(206, {
      "content-type": type, "accept-ranges": "bytes", "content-length": end - start + 1,
      "content-range": `bytes ${start}-${end}/${info.size}`, "cache-control": "no-store",
    });
    createReadStream(path, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { "content-type": type, "accept-ranges": "bytes", "content-length": info.size, "cache-control": "no-store" });
  createReadStream(path).pipe(res);
}

// packages: { name: extracted package root }.
export async function startServer({ host = "127.0.0.1", packages = {}, mockOrigin = null } = {}) {
  const routes = [
    ["/mock/", join(here, "harness", "mock")],
    ["/vendor/scorm-again/", join(here, "node_modules", "scorm-again", "dist")],
    // The preview's LMS profiles (src/preview/assets/lms.js): the tests run the same file.
    ["/preview/", join(here, "..", "..", "src", "preview", "assets")],
  ];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, `http://${req.headers.host}`);
      if (url.pathname === "/favicon.ico") return res.writeHead(204).end();
      if (url.pathname === "/host.html") return sendFile(req, res, join(here, "harness", "host.html"), url, null);
      const pkg = /^\/pkg\/([\w-]+?)(~nomedia)?\/(.+)$/.exec(url.pathname);
      if (pkg) {
        const root = packages[pkg[1]];
        const path = root && under(root, pkg[3]);
        if (!path || (pkg[2] && pkg[3].startsWith("media/"))) return notFound(res);
        return sendFile(req, res, path, url, mockOrigin);
      }
      for (const [prefix, root] of routes) {
        if (url.pathname.startsWith(prefix)) {
          const path = under(root, url.pathname.slice(prefix.length));
          if (path) return sendFile(req, res, path, url, null);
        }
      }
      notFound(res);
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
    }
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  return { origin: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
