#!/usr/bin/env bash
# Paired A/B timing of two keyhound binaries on the same directory (e.g. before and after a rule
# change), interleaved so that machine noise hits both alike.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY DIR [RUNS]     (default 7 runs each)
#
# Prints the median wall time of each, the new/old ratio, and both finding counts.
set -euo pipefail
old=$1 new=$2 dir=$3 runs=${4:-7}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
scan() { "$1" scan "$dir" --no-history --format json --output "$2" --quiet >/dev/null 2>&1 || true; }
# Warm the page cache once.
scan "$old" "$out/warm.json"
for i in $(seq "$runs"); do
  for which in old new; do
    bin=$old; [ "$which" = new ] && bin=$new
    s=$(date +%s.%N)
    scan "$bin" "$out/$which.json"
    e=$(date +%s.%N)
    echo "$which $(echo "$e - $s" | bc)" >>"$out/times"
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
d = sys.argv[1]
t = {"old": [], "new": []}
for line in open(f"{d}/times"):
    k, v = line.split()
    t[k].append(float(v))
m = {k: statistics.median(v) for k, v in t.items()}
n = {k: len(json.load(open(f"{d}/{k}.json"))["findings"]) for k in t}
print(f"old: median {m['old']:.3f} s  ({n['old']} findings)  runs {sorted(round(x,3) for x in t['old'])}")
print(f"new: median {m['new']:.3f} s  ({n['new']} findings)  runs {sorted(round(x,3) for x in t['new'])}")
print(f"ratio new/old: {m['new']/m['old']:.3f}")
PY
