// A tiny static server for the browser tests: loopback only, no dependencies.
//
// It lays out the same relative tree a rendered lesson uses
// (pages/<module>/<lesson>.html → ../../assets, ../../media, ../../captions)
// and lets a test vary the lesson page through query parameters:
//   cfg=<JSON>        deep-merged into the #lp-config JSON
//   media=<file>      replaces the video file name (a missing one gives a 404)
//   player=youtube|vimeo&origin=<url>  swaps the <video> for an iframe player
//                     served by the mock at <origin>/mock/<player>.html
//   noscorm=1         drops the scorm.js script tag (a plain web page)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "..", "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".webm": "video/webm",
  ".json": "application/json",
};

function mergeDeep(base, patch) {
  for (const [key, value] of Object.entries(patch)) {
    if (value && typeof value === "object" && !Array.isArray(value) && base[key] && typeof base[key] === "object") {
      mergeDeep(base[key], value);
    } else {
      base[key] = value;
    }
  }
  return base;
}

// Resolve "/prefix/rest" under a folder, refusing any path that escapes it.
function under(root, rest) {
  const path = normalize(join(root, decodeURIComponent(rest)));
  return path.startsWith(root + sep) || path === root ? path : null;
}

async function lessonPage(url) {
  let html = await readFile(join(here, "harness", "lesson.html"), "utf8");
  const q = url.searchParams;
  if (q.get("cfg")) {
    html = html.replace(/(<script type="application\/json" id="lp-config">)([\s\S]*?)(<\/script>)/, (m, open, json, close) =>
      open + JSON.stringify(mergeDeep(JSON.parse(json), JSON.parse(q.get("cfg")))) + close);
  }
  if (q.get("media")) html = html.replace("../../media/lesson.webm", "../../media/" + q.get("media"));
  if (q.get("player")) {
    const player = q.get("player");
    const src = `${q.get("origin")}/mock/${player}.html?${q.get("mock") || ""}`;
    html = html.replace(/<video id="lp-media"[\s\S]*?<\/video>/,
      `<iframe id="lp-media" src="${src}" title="Video player" allow="autoplay; fullscreen"></iframe>`);
  }
  if (q.get("noscorm")) html = html.replace(/<script src="..\/..\/assets\/scorm.js"><\/script>\n/, "");
  return html;
}

async function sendFile(req, res, path) {
  let info;
  try {
    info = await stat(path);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const type = TYPES[extname(path)] || "application/octet-stream";
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

export async function startServer({ host = "127.0.0.1", mediaDir }) {
  const routes = [
    ["/assets/", join(repo, "src", "render", "assets")],
    ["/media/", mediaDir],
    ["/captions/", join(here, "harness", "captions")],
    ["/mock/", join(here, "harness", "mock")],
    ["/vendor/scorm-again/", join(here, "node_modules", "scorm-again", "dist")],
    ["/vendor/axe-core/", join(here, "node_modules", "axe-core")],
  ];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, `http://${req.headers.host}`);
      if (url.pathname === "/favicon.ico") return res.writeHead(204).end();
      if (url.pathname === "/host.html") return sendFile(req, res, join(here, "harness", "host.html"));
      if (/^\/pages\/[\w-]+\/[\w-]+\.html$/.test(url.pathname)) {
        const html = await lessonPage(url);
        return res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" }).end(html);
      }
      for (const [prefix, root] of routes) {
        if (url.pathname.startsWith(prefix)) {
          const path = under(root, url.pathname.slice(prefix.length));
          if (path) return sendFile(req, res, path);
        }
      }
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
    }
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  return { origin: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
