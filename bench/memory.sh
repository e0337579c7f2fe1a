#!/usr/bin/env bash
# Peak memory (max RSS) of keyhound on large inputs, to check that it stays bounded:
#   1. a git history of COMMITS commits (default 20,000), generated with `git fast-import`:
#      every commit changes a few files, some add larger blobs, a few hold a fake key;
#   2. a directory of FILES files (default 50,000);
#   3. the same history with ten times fewer commits, to show memory does not grow with it;
#   4. 20 files of 1,000 fake GitHub classic tokens each (20,000 findings), reported as JSON and
#      as SARIF: what findings and the reports cost.
# Usage: bench/memory.sh [KEYHOUND_BINARY]   (default: target/release/keyhound, built if missing)
# Env: COMMITS, FILES, WORK (scratch dir, default a temp dir, removed at the end),
#      ONLY=dir, ONLY=history or ONLY=findings to run one part.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/keyhound}
[ -x "$BIN" ] || cargo build --release --quiet
BIN=$(realpath "$BIN")
COMMITS=${COMMITS:-20000}
FILES=${FILES:-50000}
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)"; exit 2; }

# A fast-import stream: COMMITS commits over 500 paths. Every 100th commit adds a 2 MiB
# generated blob; every 1000th holds a fake (format-valid, random, never real) key.
gen_history() { # $1 = commits
python3 - "$1" <<'PY'
import random, sys
n = int(sys.argv[1])
rnd = random.Random(42)
alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
def fake_key():
    # Assembled at run time so this script never holds a key-shaped string.
    body = lambda k: "".join(rnd.choice(alpha) for _ in range(k))
    return "sk-" + "proj-" + body(74) + "T3Blbk" + "FJ" + body(74)
out = sys.stdout.buffer
def data(b):
    out.write(b"data %d\n" % len(b)); out.write(b); out.write(b"\n")
for i in range(1, n + 1):
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(b"author Bench <bench@example.com> %d +0000\n" % (1600000000 + i))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1600000000 + i))
    data(b"commit %d" % i)
    if i > 1:
        out.write(b"from :%d\n" % (i - 1))
    for j in range(3):
        path = "src/mod%03d/file%d.py" % (rnd.randrange(100), rnd.randrange(5))
        lines = ["def f_%d_%d_%d(x):\n    return x * %d\n" % (i, j, k, rnd.randrange(10**6)) for k in range(20)]
        if i % 1000 == 0 and j == 0:
            lines.append('OPENAI_API_KEY = "%s"\n' % fake_key())
        body = "".join(lines).encode()
        out.write(b"M 100644 inline %s\n" % path.encode()); data(body)
    if i % 100 == 0:
        big = ("".join(rnd.choice(alpha) for _ in range(100)) + "\n").encode() * ((2 << 20) // 101 + 1)
        out.write(b"M 100644 inline assets/blob%d.txt\n" % (i % 200)); data(big[: 2 << 20])
    out.write(b"\n")
PY
}

make_repo() { # $1 = dir, $2 = commits
  git init -q -b main "$1"
  gen_history "$2" | git -C "$1" fast-import --quiet
  git -C "$1" checkout -q main
}

measure() { # label, dir, args...   (FORMAT=sarif for a SARIF report, default json)
  local label=$1 dir=$2; shift 2
  local log="$WORK/time.log" out="$WORK/out.${FORMAT:-json}"
  local t0=$(date +%s.%N)
  ( cd "$dir" && /usr/bin/time -v "$BIN" scan . --format "${FORMAT:-json}" --output "$out" "$@" ) 2>"$log" >/dev/null || true
  local t1=$(date +%s.%N)
  local rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  local findings=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['findings'] if 'findings' in d else d['runs'][0]['results']))" "$out" 2>/dev/null || echo '?')
  printf '%-44s %8.1f MiB  %6.1f s  %s findings\n' "$label" "$(echo "$rss / 1024" | bc -l)" "$(echo "$t1 - $t0" | bc -l)" "$findings"
}

echo "keyhound: $BIN ($("$BIN" --version))"
ONLY=${ONLY:-}
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
if want history; then
echo "generating a history of $COMMITS commits ..."
make_repo "$WORK/big" "$COMMITS"
echo "  $(git -C "$WORK/big" rev-list --count HEAD) commits, $(git -C "$WORK/big" count-objects -vH | awk -F': ' '/size-pack/ {print $2}') packed"
make_repo "$WORK/small" $((COMMITS / 10))
fi
if want dir; then
echo "generating a directory of $FILES files ..."
mkdir -p "$WORK/tree"
python3 - "$WORK/tree" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%03d" % (i % 500))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%d.js" % i), "w") as f:
        f.write(("export const v%d = %d;\n" % (i, i * 7919)) * 30)
PY
mkdir -p "$WORK/bigfiles"
for i in 1 2 3 4 5 6 7 8; do
  python3 -c "import sys; sys.stdout.write(('var x$i=' + 'abcdefghij' * 9 + ';\\n') * (20 * 1024 * 1024 // 100))" > "$WORK/bigfiles/big$i.js"
done
fi
if want findings; then
echo "generating 20 files of 1,000 fake GitHub tokens ..."
mkdir -p "$WORK/tokens"
PYTHONPATH=bench python3 - "$WORK/tokens" <<'PY'
import os, random, sys
import fakekeys
root = sys.argv[1]
rnd = random.Random(7)
def placeholder(t):
    # What keyhound's placeholder filter drops (detect::filters::is_placeholder), so every
    # token is a finding: template words, runs of one character, sequences.
    t = t.lower()
    return any(w in t for w in ("xxxx", "_abc", "abc123", "123abc", "abcxyz", "xyz123")) or any(
        len(set(t[i:i + 6])) == 1 or all(ord(t[i + k + 1]) == ord(t[i + k]) + 1 for k in range(5))
        for i in range(len(t) - 5))
def token():
    while True:
        t = fakekeys.github(rnd)
        if not placeholder(t):
            return t
for i in range(20):
    with open(os.path.join(root, "tokens%02d.txt" % i), "w") as f:
        f.writelines("GITHUB_TOKEN_%d=%s\n" % (j, token()) for j in range(1000))
PY
fi

echo
printf '%-44s %12s  %8s\n' "scan" "peak RSS" "time"
if want history; then
measure "history, $((COMMITS / 10)) commits"            "$WORK/small" --history-only
measure "history, $COMMITS commits"                     "$WORK/big" --history-only
measure "history, $COMMITS commits, -j 1"               "$WORK/big" --history-only -j 1
measure "working tree + history, $COMMITS commits"      "$WORK/big"
fi
if want dir; then
measure "directory, $FILES files"                       "$WORK/tree" --no-history
measure "directory, $FILES files, -j 1"                 "$WORK/tree" --no-history -j 1
measure "directory, 8 files of 20 MiB"                  "$WORK/bigfiles" --no-history
measure "directory, 8 files of 20 MiB, -j 1"            "$WORK/bigfiles" --no-history -j 1
fi
if want findings; then
measure "20,000 findings, JSON report"                  "$WORK/tokens" --no-history
FORMAT=sarif measure "20,000 findings, SARIF report"    "$WORK/tokens" --no-history
fi
