#!/usr/bin/env bash
# Cost that a hostile file controls (issue 16): generates the inputs of the issue's cost table
# and runs keyhound, gitleaks and kingfisher on each, reporting wall time and peak RSS.
#
#   1. `api_key=<40 alnum>` repeated on one line of 1, 2, 4, 8 and 24 MiB (scaling: linear?)
#   2. GitHub tokens (valid CRC32) on one 8 MiB line
#   3. a 1.18 MB `.ipynb` nested 1,000 levels, with keys inside
#   4. a 1.2 MB notebook nested 200,000 levels
#   5. 1,000 commits of a 92 KB file holding 2,000 keys (history scan)
#   6. `hf_` repeated over 24 MiB (no finding at all)
#   7. `api_key=<40 x>` (rejected: no entropy) on one line of 1, 2, 4 and 8 MiB: every keyword
#      hit runs the generic regex and no finding cap ends the scan early, so this is the
#      scaling check (1. stops at the per-file cap of 1,000 findings)
#
# Keys are generated at run time (random, format-valid, never real); nothing is committed.
# Usage: bench/hostile.sh [KEYHOUND_BINARY]   (default target/release/keyhound, built if missing)
# Env: PEERS (default /work/peers/bin), TIMEOUT per run in seconds (default 600),
#      ONLY=<input name> to run one input, SKIP_PEERS=1 to run keyhound alone,
#      WORK (scratch dir, default a temp dir, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/keyhound}
[ -x "$BIN" ] || cargo build --release --quiet
BIN=$(realpath "$BIN")
PEERS=${PEERS:-/work/peers/bin}
TIMEOUT=${TIMEOUT:-600}
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)"; exit 2; }

gen() { # $1 = kind, $2 = output path, $3 = size in bytes (or count)
PYTHONPATH=bench python3 - "$@" <<'PY'
import json, os, random, sys
import fakekeys
kind, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(16)
def body(k): return fakekeys.body(rnd, k)
def github(): return fakekeys.github(rnd)
def openai(): return fakekeys.openai(rnd)
with open(out, "w") as f:
    if kind == "apikey-line":
        units = []
        size = 0
        while size < n:
            u = "api_key=%s " % body(40)
            units.append(u); size += len(u)
            if len(units) >= 4096:
                f.write("".join(units)); units = []
        f.write("".join(units) + "\n")
    elif kind == "apikey-rejected":
        unit = "api_key=" + "x" * 40 + " "
        f.write(unit * (n // len(unit)) + "\n")
    elif kind == "github-line":
        size = 0
        while size < n:
            chunk = " ".join(github() for _ in range(2048)) + " "
            f.write(chunk); size += len(chunk)
        f.write("\n")
    elif kind == "hf-repeat":
        f.write("hf_" * (n // 3) + "\n")
    elif kind == "notebook-deep":
        depth = n
        key_cell = {"cell_type": "code", "source": ["k = '%s'\n" % openai() for _ in range(20)], "outputs": []}
        inner = json.dumps(key_cell)
        # Pad so the file is ~1.2 MB whatever the depth.
        pad = max(0, 1_200_000 - depth * 12 - len(inner))
        doc = '{"cells": [' + inner + '], "metadata": ' + '{"a": ' * depth + '"' + "x" * pad + '"' + "}" * depth + ', "nbformat": 4}'
        f.write(doc)
    elif kind == "keys-file":
        # n keys, one per line, ~46 bytes a line: a 92 KB file for n = 2,000.
        for i in range(n):
            f.write("token_%d = %s\n" % (i, github()))
PY
}

make_history() { # $1 = repo dir: 1,000 commits of a 92 KB file holding 2,000 keys
  git init -q -b main "$1"
  PYTHONPATH=bench python3 - <<'PY' | git -C "$1" fast-import --quiet
import random, sys
import fakekeys
rnd = random.Random(7)
keys = [fakekeys.github(rnd) for _ in range(2000)]
out = sys.stdout.buffer
for c in range(1, 1001):
    lines = ["token_%d = %s\n" % (i, k) for i, k in enumerate(keys)]
    lines[c % 2000] = "# changed in commit %d\n" % c
    data = "".join(lines).encode()
    out.write(b"commit refs/heads/main\nmark :%d\n" % c)
    out.write(b"committer B <b@example.com> %d +0000\n" % (1600000000 + c))
    msg = b"commit %d" % c
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if c > 1:
        out.write(b"from :%d\n" % (c - 1))
    out.write(b"M 100644 inline keys.txt\ndata %d\n" % len(data))
    out.write(data + b"\n\n")
PY
  git -C "$1" checkout -q main
}

# measure TOOL LABEL INPUT_DIR MODE -> prints "wall_s rss_mib" (or "timeout")
measure() {
  local tool=$1 dir=$2 mode=$3 out="$WORK/out.$RANDOM.json" cmd
  case "$tool:$mode" in
    keyhound:dir) cmd=("$BIN" scan "$dir" --no-history -f json -o "$out") ;;
    keyhound:git) cmd=("$BIN" scan "$dir" --history-only -f json -o "$out") ;;
    gitleaks:dir) cmd=("$PEERS/gitleaks" dir "$dir" --no-banner --report-format json --report-path "$out") ;;
    gitleaks:git) cmd=("$PEERS/gitleaks" git "$dir" --no-banner --report-format json --report-path "$out") ;;
    kingfisher:dir) cmd=("$PEERS/kingfisher" scan "$dir" --git-history none --no-validate --format json --output "$out") ;;
    kingfisher:git) cmd=("$PEERS/kingfisher" scan "$dir" --no-validate --format json --output "$out") ;;
  esac
  local t0 t1 rc
  t0=$(date +%s.%N)
  set +e
  /usr/bin/time -f "%M" -o "$WORK/rss" timeout "$TIMEOUT" "${cmd[@]}" >/dev/null 2>"$WORK/err"
  rc=$?
  set -e
  t1=$(date +%s.%N)
  rm -f "$out"
  if [ "$rc" = 124 ]; then echo "timeout(${TIMEOUT}s)"; return; fi
  local rss; rss=$(tail -1 "$WORK/rss" 2>/dev/null || echo 0)
  awk -v a="$t0" -v b="$t1" -v r="$rss" 'BEGIN { printf "%.2f s, %.0f MiB\n", b - a, r / 1024 }'
}

row() { # $1 = label, $2 = dir, $3 = mode
  local line="| $1 | $(measure keyhound "$2" "$3")"
  if [ -z "${SKIP_PEERS:-}" ]; then
    line="$line | $(measure gitleaks "$2" "$3") | $(measure kingfisher "$2" "$3")"
  fi
  echo "$line |"
}

want() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

echo "| input | keyhound | gitleaks | kingfisher |"
echo "|---|---|---|---|"
for mb in 1 2 4 8 24; do
  if want "apikey-$mb"; then
    d="$WORK/apikey-$mb"; mkdir -p "$d"; gen apikey-line "$d/line.txt" $((mb << 20))
    row "\`api_key=<40 alnum>\` on one $mb MiB line" "$d" dir
    rm -rf "$d"
  fi
done
if want github-8; then
  d="$WORK/github-8"; mkdir -p "$d"; gen github-line "$d/tokens.txt" $((8 << 20))
  row "GitHub tokens on one 8 MiB line" "$d" dir
  rm -rf "$d"
fi
if want notebook-1000; then
  d="$WORK/nb1000"; mkdir -p "$d"; gen notebook-deep "$d/deep.ipynb" 1000
  row "1.2 MB .ipynb nested 1,000 levels" "$d" dir
  rm -rf "$d"
fi
if want notebook-200000; then
  d="$WORK/nb200k"; mkdir -p "$d"; gen notebook-deep "$d/deep.ipynb" 200000
  row "notebook nested 200,000 levels" "$d" dir
  rm -rf "$d"
fi
if want history; then
  d="$WORK/history"; make_history "$d"
  row "1,000 commits of a 92 KB file holding 2,000 keys" "$d" git
  rm -rf "$d"
fi
for mb in 1 2 4 8; do
  if want "rejected-$mb"; then
    d="$WORK/rejected-$mb"; mkdir -p "$d"; gen apikey-rejected "$d/line.txt" $((mb << 20))
    row "\`api_key=<40 x>\` (rejected, no finding) on one $mb MiB line" "$d" dir
    rm -rf "$d"
  fi
done
if want hf; then
  d="$WORK/hf"; mkdir -p "$d"; gen hf-repeat "$d/hf.txt" $((24 << 20))
  row "\`hf_\` repeated over 24 MiB (no finding)" "$d" dir
  rm -rf "$d"
fi
