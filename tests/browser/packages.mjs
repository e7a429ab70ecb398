// Real packages for the browser tests: the lessonpack binary builds the repository's sample
// (module/) and the video fixture (tests/fixtures/video/, with a WebM made by ffmpeg) into a
// temporary folder; the zips are extracted there, as an LMS does on import.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync,
  writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

export const here = fileURLToPath(new URL(".", import.meta.url));
export const repo = join(here, "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR ? join(repo, process.env.CARGO_TARGET_DIR) : join(repo, "target");

// The binary under test: LESSONPACK_BIN if set (already built), else the debug build,
// brought up to date by `cargo build` (a no-op when nothing changed, so edits to the
// templates or scripts are always what the tests see).
export function lessonpackBinary() {
  if (process.env.LESSONPACK_BIN) return process.env.LESSONPACK_BIN;
  execFileSync("cargo", ["build", "--quiet", "--bin", "lessonpack"], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
  return join(targetDir, "debug", "lessonpack");
}

// A 30 s VP8 WebM (test pattern, no audio). Made by ffmpeg once and kept under target/,
// keyed by the command, so later runs skip the encoding.
const FFMPEG_ARGS = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
  "-i", "testsrc2=duration=30:size=320x180:rate=15", "-c:v", "libvpx", "-deadline", "realtime",
  "-cpu-used", "8", "-b:v", "200k", "-g", "15", "-threads", "2"];
export function testVideo() {
  const key = Buffer.from(FFMPEG_ARGS.join(" ")).toString("base64url").slice(-24);
  const file = join(targetDir, "browser-tests", `lecture-${key}.webm`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.webm`;
    execFileSync("ffmpeg", [...FFMPEG_ARGS, partial]);
    renameSync(partial, file);
  }
  return file;
}

/* ---------- zip reading (stored and deflated entries: all lessonpack writes) ---------- */

export function unzip(zipFile, into) {
  const buf = readFileSync(zipFile);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i -= 1) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${zipFile}: no end of central directory`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n += 1) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipFile}: bad central directory entry`);
    const method = buf.readUInt16LE(p + 10);
    const packed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + skip;
    const path = normalize(join(into, name));
    if (!path.startsWith(into + sep) || name.endsWith("/")) throw new Error(`${zipFile}: unsafe entry ${name}`);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`${zipFile}: bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + packed);
    const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : null;
    if (!data || data.length !== size) throw new Error(`${zipFile}: cannot read ${name} (method ${method})`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    names.push(name);
  }
  return names;
}

/* ---------- manifests ---------- */

// Attributes of every <tag …> in an XML text (enough for the manifests lessonpack writes).
function tags(xml, tag) {
  const out = [];
  for (const m of xml.matchAll(new RegExp(`<${tag}\\s([^>]*?)/?>`, "g"))) {
    const attrs = {};
    for (const a of m[1].matchAll(/([\w:]+)="([^"]*)"/g)) attrs[a[1]] = a[2];
    out.push({ attrs, at: m.index });
  }
  return out;
}

// What an LMS reads from imsmanifest.xml to launch a lesson: the resource href of the item
// for that lesson, and (SCORM 2004 4th edition) the completion threshold it must put in
// cmi.completion_threshold before the SCO starts.
export function launchInfo(root, lessonId) {
  const xml = readFileSync(join(root, "imsmanifest.xml"), "utf8");
  const items = tags(xml, "item");
  const index = items.findIndex((i) => i.attrs.identifier === `ITEM-${lessonId}`);
  if (index < 0) throw new Error(`no item for lesson ${lessonId} in ${root}`);
  const item = items[index];
  const resource = tags(xml, "resource").find((r) => r.attrs.identifier === item.attrs.identifierref);
  const end = index + 1 < items.length ? items[index + 1].at : xml.length;
  const threshold = tags(xml.slice(item.at, end), "adlcp:completionThreshold")[0];
  return {
    href: resource.attrs.href,
    completionThreshold: threshold && threshold.attrs.completedByMeasure === "true"
      ? threshold.attrs.minProgressMeasure : null,
  };
}

/* ---------- building ---------- */

// Builds both lesson sources with the real binary and lays the packages out as
//   <root>/<source>-<target>/…  (zips extracted; the web target copied as written)
// Returns { root, dirs: { "sample-scorm12": path, … }, video: path of the WebM }.
export function buildPackages() {
  const bin = lessonpackBinary();
  const root = mkdtempSync(join(tmpdir(), "lessonpack-browser-"));
  const video = testVideo();
  const fixture = join(root, "src", "video");
  cpSync(join(repo, "tests", "fixtures", "video"), fixture, { recursive: true });
  mkdirSync(join(fixture, "media"), { recursive: true });
  copyFileSync(video, join(fixture, "media", "lecture.webm"));
  const sources = [
    ["sample", join(repo, "module"), "scorm12,scorm2004,cc,web", "digital-leadership-china"],
    ["video", fixture, "scorm12,scorm2004,web", "browser-lessons"],
  ];
  const dirs = {};
  for (const [name, src, targets, id] of sources) {
    const out = join(root, "out", name);
    execFileSync(bin, ["build", src, "-o", out, "--target", targets], { stdio: ["ignore", "ignore", "pipe"] });
    for (const target of targets.split(",")) {
      const dest = join(root, `${name}-${target}`);
      if (target === "web") {
        cpSync(join(out, `${id}-web`), dest, { recursive: true });
      } else {
        unzip(join(out, `${id}-${target}.${target === "cc" ? "imscc" : "zip"}`), dest);
      }
      dirs[`${name}-${target}`] = dest;
    }
  }
  return { root, dirs, video, remove: () => rmSync(root, { recursive: true, force: true }) };
}
