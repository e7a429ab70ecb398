#!/usr/bin/env bash
# Packaging benchmark: times `lessonpack build` (release binary) on three lesson sources and
# compares each with Info-ZIP `zip -r -6` and `zip -r -0` packing the very same files.
#
#   benches/build.sh            # everything (needs ~3.5 GiB free in $TMPDIR, a few minutes)
#   REPEAT=5 benches/build.sh   # best of 5 for the small cases (default 3; the 1 GiB case runs once)
#   SKIP_BIG=1 benches/build.sh # without the 1 GiB case
#
# Cases:
#   sample       the sample lesson in module/
#   200-lessons  a generated module: 200 lessons, each a ~600-word "Skip to" transcript and a prompt
#   1GiB-video   one lesson bundling a local 1 GiB video of random bytes (incompressible, like video)
#
# For each case, every package the build wrote (each *.zip below the output folder, or the output
# itself when it is a file) is unzipped into a folder of its own, and those folders are packed
# again with `zip -q -r -X -6` and with `-0`, so all three write the same files. Times are wall
# clock seconds, best of REPEAT, each run after a `sync`; peak RSS is GNU time's `%M` (the largest
# process); ratios are zip time / lessonpack time (above 1: lessonpack is faster). BUILD_ARGS adds
# arguments to `lessonpack build` (default `--target scorm2004`: one package per case); LESSONPACK_BIN times another binary instead of
# building target/release/lessonpack. Temporary files go to $TMPDIR and are deleted at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEAT=${REPEAT:-3}
BUILD_ARGS=${BUILD_ARGS:---target scorm2004}

die() { echo "benches/build.sh: $*" >&2; exit 2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Tools: Info-ZIP zip and unzip, GNU time (Debian packages zip, unzip, time).
missing=()
command -v zip >/dev/null 2>&1 || missing+=(zip)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "benches/build.sh: installing ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -n "${LESSONPACK_BIN:-}" ]; then
  BIN=$LESSONPACK_BIN
else
  cargo build --release --quiet
  BIN=$PWD/target/release/lessonpack
fi
[ -x "$BIN" ] || die "no binary at $BIN"
if ! "$BIN" build --help >/dev/null 2>&1; then
  die "\`lessonpack build\` does not exist in $BIN yet: this benchmark needs the build command"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lessonpack-bench.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# now_ns: a monotonic-enough wall clock in nanoseconds.
now_ns() { date +%s%N; }

# timed OUT_PREFIX CMD...: runs CMD under GNU time; appends "seconds kib" to OUT_PREFIX.times.
timed() {
  local prefix=$1; shift
  local start end
  sync # do not charge earlier writes (unzipped copies, the generated video) to this command
  start=$(now_ns)
  /usr/bin/time -f '%e %M' -o "$prefix.rss" "$@" >"$prefix.log" 2>&1 || {
    cat "$prefix.log" >&2; die "failed: $*"; }
  end=$(now_ns)
  # GNU time's %e has 10 ms resolution: keep our own clock, and its %M (peak RSS, KiB).
  echo "$(( end - start )) $(tail -n 1 "$prefix.rss" | awk '{ print $2 }')" >>"$prefix.times"
}

# best PREFIX: "seconds kib" of the fastest run (and the largest RSS seen).
best() {
  awk 'NR == 1 || $1 < t { t = $1 } $2 > m { m = $2 } END { printf "%.3f %d\n", t / 1e9, m }' \
    "$1.times"
}

# total_size FILE...: sum of the sizes in bytes.
total_size() { local s=0 f; for f in "$@"; do s=$(( s + $(stat -c %s "$f") )); done; echo "$s"; }

# zip_folders MODE OUT_DIR FOLDER...: packs each folder into OUT_DIR/<n>.zip with `zip -MODE`.
zip_folders() {
  local mode=$1 out=$2; shift 2
  local n=0 folder
  rm -rf "$out"; mkdir -p "$out"
  for folder in "$@"; do
    n=$(( n + 1 ))
    (cd "$folder" && zip -q -r -X "-$mode" "$out/$n.zip" .)
  done
}
export -f zip_folders

ROWS=()

# bench CASE MODULE_DIR RUNS: builds MODULE_DIR, repacks the packages with zip, adds a table row.
bench() {
  local name=$1 module=$2 runs=$3
  local dir=$WORK/$name
  mkdir -p "$dir"
  echo "== $name: lessonpack build ($runs run(s))" >&2
  local i
  for (( i = 0; i < runs; i++ )); do
    rm -rf "$dir/out"
    # shellcheck disable=SC2086 # BUILD_ARGS is split on purpose
    timed "$dir/lp" "$BIN" build "$module" -o "$dir/out" $BUILD_ARGS
  done
  if [ -f "$dir/out" ]; then
    packages=("$dir/out") # `-o` named the package itself
  else
    mapfile -t packages < <(find "$dir/out" -type f -name '*.zip' | sort)
  fi
  [ ${#packages[@]} -gt 0 ] || die "$name: the build wrote no .zip under $dir/out"

  # The same files, unpacked, one folder per package.
  local folders=() n=0 p
  for p in "${packages[@]}"; do
    n=$(( n + 1 ))
    mkdir -p "$dir/files/$n"
    unzip -q "$p" -d "$dir/files/$n"
    folders+=("$dir/files/$n")
  done
  local files content
  files=$(find "$dir/files" -type f | wc -l)
  content=$(find "$dir/files" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')

  local mode
  for mode in 6 0; do
    echo "== $name: zip -r -$mode" >&2
    for (( i = 0; i < runs; i++ )); do
      timed "$dir/zip$mode" bash -c 'zip_folders "$@"' _ "$mode" "$dir/zip$mode" "${folders[@]}"
    done
  done

  local lp z6 z0
  read -r lp_s lp_kib < <(best "$dir/lp")
  read -r z6_s z6_kib < <(best "$dir/zip6")
  read -r z0_s z0_kib < <(best "$dir/zip0")
  lp=$(total_size "${packages[@]}")
  z6=$(total_size "$dir"/zip6/*.zip)
  z0=$(total_size "$dir"/zip0/*.zip)
  ROWS+=("$(awk -v c="$name" -v k="${#packages[@]}" -v f="$files" -v in_b="$content" \
    -v lt="$lp_s" -v t6="$z6_s" -v t0="$z0_s" -v lb="$lp" -v b6="$z6" -v b0="$z0" \
    -v lm="$lp_kib" -v m6="$z6_kib" -v m0="$z0_kib" '
    function ratio(t) { return lt > 0 ? sprintf("%.2f", t / lt) : "n/a" }
    function mib(b) { return sprintf("%.1f", b / 1048576) }
    function kib(b) { return sprintf("%.0f", b / 1024) }
    BEGIN {
      printf "| %s | %d | %d | %s | %.3f | %.3f | %.3f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        c, k, f, kib(in_b), lt, t6, t0, ratio(t6), ratio(t0), kib(lb), kib(b6), kib(b0),
        mib(lm * 1024), mib(m6 * 1024), mib(m0 * 1024),
        (lt > 0 ? sprintf("%.0f", in_b / 1048576 / lt) : "n/a")
    }')")
  # The unpacked copies of the 1 GiB case are large: drop them before the next case.
  rm -rf "$dir/files" "$dir/zip6" "$dir/zip0"
}

# --- (a) the sample -----------------------------------------------------------------------------
bench sample "$PWD/module" "$REPEAT"

# --- (b) 200 lessons --------------------------------------------------------------------------
gen_lessons() {
  local dir=$1 count=$2
  mkdir -p "$dir"
  awk -v dir="$dir" -v count="$count" '
    function word() { return words[int(rand() * nwords) + 1] }
    function when(s,   m, r) {
      m = int(s / 60); r = s % 60
      return m " minute" (m == 1 ? "" : "s") " and " r " second" (r == 1 ? "" : "s")
    }
    BEGIN {
      srand(42)
      nwords = split("digital leadership value technology growth economy the of and to in a " \
        "platform data strategy customers network government industry innovation learning " \
        "companies market we this is that with for new change people model cloud mobile", words, " ")
      toml = dir "/module.toml"
      print "# Generated by benches/build.sh: " count " lessons." > toml
      print "id = \"bench-two-hundred\"" > toml
      print "title = \"Benchmark module\"" > toml
      print "language = \"en-GB\"" > toml
      print "summary = \"A generated module for the packaging benchmark.\"" > toml
      print "presenters = [{ name = \"Ada Lovelace\", role = \"Lecturer\" }]" > toml
      for (l = 1; l <= count; l++) {
        id = sprintf("lesson-%03d", l)
        sub_dir = dir "/" id
        system("mkdir -p \"" sub_dir "\"")
        t = sub_dir "/transcript.txt"; s = 1; n = 0
        while (n < 600) {
          para = "Skip to " when(s)
          for (w = 0; w < 50; w++) { para = para " " word(); n++ }
          print para "." > t; print "" > t
          s += 30
        }
        close(t)
        d = sub_dir "/discussion.md"
        print "Which idea from lesson " l " would you try first, and why? Share your answer below." > d
        close(d)
        print "" > toml
        print "[[lessons]]" > toml
        print "id = \"" id "\"" > toml
        print "title = \"Lesson " l "\"" > toml
        print "transcript = \"" id "/transcript.txt\"" > toml
        print "discussion = \"" id "/discussion.md\"" > toml
        print "" > toml
        print "[lessons.video]" > toml
        print "url = \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"" > toml
        print "duration = \"" int(s / 60) ":" sprintf("%02d", s % 60) "\"" > toml
        print "" > toml
        print "[lessons.completion]" > toml
        print "watched-percent = 90" > toml
      }
      close(toml)
    }'
}
gen_lessons "$WORK/src-200" 200
bench 200-lessons "$WORK/src-200" "$REPEAT"
rm -rf "$WORK/src-200"

# --- (c) a 1 GiB bundled video ---------------------------------------------------------------
if [ -z "${SKIP_BIG:-}" ]; then
  big=$WORK/src-big
  mkdir -p "$big/media"
  cp module/transcript.txt module/discussion.md "$big/"
  echo "== 1GiB-video: writing 1 GiB of random bytes" >&2
  head -c 1G /dev/urandom >"$big/media/big.mp4"
  cat >"$big/module.toml" <<'TOML'
# Generated by benches/build.sh: one lesson bundling a 1 GiB video.
id = "bench-big-video"
title = "Benchmark module with a bundled video"
language = "en-GB"
presenters = [{ name = "Ada Lovelace", role = "Lecturer" }]

[[lessons]]
id = "big-video"
title = "A lesson with a large video"
transcript = "transcript.txt"
discussion = "discussion.md"

[lessons.video]
file = "media/big.mp4"
duration = "60:00"

[lessons.completion]
watched-percent = 90
TOML
  bench 1GiB-video "$big" 1
  rm -rf "$big"
fi

# --- the table ---------------------------------------------------------------------------------
echo
echo "lessonpack: $("$BIN" --version 2>/dev/null || echo "$BIN"); $(zip -v | sed -n 2p | sed 's/^ *//'); $(nproc) cores"
echo
echo "| case | packages | files | content KiB | lessonpack s | zip -6 s | zip -0 s | zip -6 / lessonpack | zip -0 / lessonpack | lessonpack KiB | zip -6 KiB | zip -0 KiB | lessonpack RSS MiB | zip -6 RSS MiB | zip -0 RSS MiB | lessonpack content MiB/s |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
printf '%s\n' "${ROWS[@]}"
