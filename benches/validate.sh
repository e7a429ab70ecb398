#!/usr/bin/env bash
# Validation benchmark: `lessonpack validate` on a generated SCORM 2004 4th Edition package of
# 10,000 files (100 SCOs × 100 files, every file listed) against `xmllint --schema` checking the
# same package's manifest alone, in the same run.
#
#   benches/validate.sh             # best of 3 (REPEAT=5 for more)
#   LESSONPACK_BIN=path benches/validate.sh
#
# lessonpack does more than xmllint here: it opens the zip, checks every entry name, parses the
# manifest with positions, validates it against the official XSDs, resolves every reference and
# checks that each of the 10,000 listed files exists with the exact case, then runs the LMS rules
# (including the Open edX completion scan of the package's scripts). xmllint validates the
# manifest text against the same XSDs (offline, through tests/fixtures/schemas-catalog.xml).
# Times are wall-clock seconds; peak RSS is GNU time's %M. Temporary files are deleted at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEAT=${REPEAT:-3}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v zip >/dev/null 2>&1 || missing+=(zip)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -n "${LESSONPACK_BIN:-}" ]; then BIN=$LESSONPACK_BIN; else
  cargo build --release --quiet
  BIN=$PWD/target/release/lessonpack
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lessonpack-validate-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PKG=$WORK/pkg
mkdir -p "$PKG"
cp -r schemas/scorm2004-4th/. "$PKG/"

# The package: 100 SCOs, each a launch page and 99 more files; a script that reports
# completion (Open edX's scan looks for it).
python3 - "$PKG" <<'PY'
import os, sys
root = sys.argv[1]
os.makedirs(os.path.join(root, "assets"), exist_ok=True)
with open(os.path.join(root, "assets", "runtime.js"), "w") as f:
    f.write("// sets cmi.completion_status and cmi.progress_measure\n")
items, resources = [], []
for s in range(100):
    d = f"sco{s:03d}"
    os.makedirs(os.path.join(root, d), exist_ok=True)
    files = [f"{d}/index.html"] + [f"{d}/part{n:03d}.html" for n in range(1, 100)]
    for path in files:
        with open(os.path.join(root, path), "w") as f:
            f.write(f"<!DOCTYPE html><title>{path}</title><script src=\"../assets/runtime.js\"></script>\n")
    items.append(f'      <item identifier="ITEM-{d}" identifierref="RES-{d}"><title>Lesson {s}</title></item>')
    listed = "\n".join(f'      <file href="{p}"/>' for p in files)
    resources.append(
        f'    <resource identifier="RES-{d}" type="webcontent" adlcp:scormType="sco" href="{d}/index.html">\n'
        f'{listed}\n      <dependency identifierref="RES-shared"/>\n    </resource>')
schema_files = sorted(
    os.path.relpath(os.path.join(dp, fn), root).replace(os.sep, "/")
    for dp, _, fns in os.walk(root) for fn in fns if fn.endswith((".xsd", ".dtd")))
shared = "\n".join(f'      <file href="{p}"/>' for p in ["assets/runtime.js"] + schema_files)
manifest = f'''<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MANIFEST-bench" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="ORG-bench">
    <organization identifier="ORG-bench">
      <title>Validation benchmark</title>
{chr(10).join(items)}
    </organization>
  </organizations>
  <resources>
{chr(10).join(resources)}
    <resource identifier="RES-shared" type="webcontent" adlcp:scormType="asset">
{shared}
    </resource>
  </resources>
</manifest>
'''
with open(os.path.join(root, "imsmanifest.xml"), "w") as f:
    f.write(manifest)
PY
(cd "$PKG" && zip -q -r -X -0 "$WORK/package.zip" .)
FILES=$(find "$PKG" -type f | wc -l)
MANIFEST_KIB=$(( $(stat -c %s "$PKG/imsmanifest.xml") / 1024 ))

cat > "$WORK/driver.xsd" <<XSD
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x-bench-driver">
  <xs:import namespace="http://www.imsglobal.org/xsd/imscp_v1p1" schemaLocation="$PWD/schemas/scorm2004-4th/imscp_v1p1.xsd"/>
  <xs:import namespace="http://www.adlnet.org/xsd/adlcp_v1p3" schemaLocation="$PWD/schemas/scorm2004-4th/adlcp_v1p3.xsd"/>
</xs:schema>
XSD

# best CMD...: the best wall time and the peak RSS (KiB) of REPEAT runs; the command must succeed.
best() {
  local best_s="" rss="" out
  for _ in $(seq "$REPEAT"); do
    out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null 2>"$WORK/err"; } 2>&1 ) || { cat "$WORK/err" >&2; exit 1; }
    out=$(tail -n 1 "$WORK/err")
    read -r s k <<<"$out"
    if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; rss=$k; fi
  done
  echo "$best_s $rss"
}

read -r lp_s lp_k < <(best "$BIN" validate "$WORK/package.zip")
read -r xl_s xl_k < <(best env XML_CATALOG_FILES="$PWD/tests/fixtures/schemas-catalog.xml" xmllint --nonet --noout --schema "$WORK/driver.xsd" "$PKG/imsmanifest.xml")
ratio=$(awk "BEGIN{printf \"%.2f\", $xl_s / $lp_s}")

echo
echo "$("$BIN" --version); $(xmllint --version 2>&1 | head -n 1); $(nproc) cores"
echo
echo "| package | files | manifest KiB | lessonpack validate s | xmllint --schema s (manifest only) | xmllint / lessonpack | lessonpack RSS MiB | xmllint RSS MiB |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
printf '| SCORM 2004 4th, 100 SCOs | %s | %s | %s | %s | %s | %.1f | %.1f |\n' \
  "$FILES" "$MANIFEST_KIB" "$lp_s" "$xl_s" "$ratio" "$(awk "BEGIN{print $lp_k/1024}")" "$(awk "BEGIN{print $xl_k/1024}")"
