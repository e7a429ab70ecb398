// Validates a WebVTT file with the W3C validator's parser (npm `webvtt-parser`).
//
// Usage: node validate-vtt.mjs FILE
// Prints one JSON object on stdout: {"errors": [...], "cueCount": N, "cues": [{id, start, end,
// voice, text}]}, where `text` is the cue text as the parser decoded it (tags dropped, entities
// decoded, lines joined with "\n") and `voice` the first <v> annotation as written (the parser
// does not decode it). Exits 1 when the parser reported any error (also printed to stderr),
// 2 on bad usage.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { WebVTTParser } = require("webvtt-parser");
// The parser's built-in entity table lacks the `;` forms ("&amp;" decodes as "&;"), so pass the
// full HTML table it ships, as its README recommends for spec-compliant decoding.
const entities = require("webvtt-parser/html-entities.json");

if (process.argv.length !== 3) {
  console.error("usage: node validate-vtt.mjs FILE");
  process.exit(2);
}
const input = readFileSync(process.argv[2], "utf8");
const tree = new WebVTTParser(entities).parse(input, "subtitles");

function flatten(node, out) {
  for (const child of node.children ?? []) {
    if (child.type === "text") out.text += child.value;
    else if (child.type === "object") {
      if (child.name === "v" && out.voice === null) out.voice = child.value;
      flatten(child, out);
    }
  }
  return out;
}

const cues = tree.cues.map((cue) => ({
  id: cue.id,
  start: cue.startTime,
  end: cue.endTime,
  ...flatten(cue.tree, { voice: null, text: "" }),
}));
const summary = { errors: tree.errors, cueCount: cues.length, cues };
console.log(JSON.stringify(summary, null, 2));
if (tree.errors.length > 0) {
  console.error(JSON.stringify(tree.errors, null, 2));
  process.exit(1);
}
