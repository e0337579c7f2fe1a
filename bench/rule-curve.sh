#!/usr/bin/env bash
# Per-rule cost curve: directory-scan throughput (MB/s) with the built-in rule set cut to its first
# N rules, for several N, on one corpus of real third-party source; plus, when OLD is given, a
# paired old-vs-new comparison (the two binaries interleaved, medians and their ratio).
#
#   bench/rule-curve.sh [CORPUS] [RUNS]          (defaults: ~/.cargo/registry/src, 5)
#   OLD=/path/to/old/keyhound bench/rule-curve.sh
#
# The rule set is cut with a generated config (`disabled_rules` = every rule after the first N,
# in `keyhound rules --format json` order), passed with --config. One thread (-j 1) so that the
# numbers are per-core and the machine's other load matters less.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-${CARGO_HOME:-$HOME/.cargo}/registry/src}"
runs="${2:-5}"
work=bench/work/curve
mkdir -p "$work"
kh="${NEW:-target/release/keyhound}"
[ -x "$kh" ] || cargo build --release -q
mb=$(du -sm "$corpus" | cut -f1)
files=$(find "$corpus" -type f | wc -l)
echo "corpus: $corpus, $mb MB, $files files; $runs runs per point, 1 thread"

"$kh" rules --format json | python3 -c '
import json, sys
ids = [r["id"] for r in json.load(sys.stdin) if r.get("kind") != "check"]
open(sys.argv[1], "w").write("\n".join(ids) + "\n")' "$work/ids.txt"
total=$(wc -l <"$work/ids.txt")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
timeit() { # binary config -> seconds
  local s e
  s=$(date +%s.%N)
  "$1" scan "$corpus" --no-history -j 1 --quiet --format json --output "$work/out.json" ${2:+--config "$2"} >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}

echo
echo "| rules | median wall (s) | MB/s |"
echo "|---|---|---|"
for n in 30 61 90 120 150 $total; do
  [ "$n" -le "$total" ] || continue
  cfg="$work/first-$n.toml"
  python3 - "$work/ids.txt" "$n" >"$cfg" <<'PY'
import sys
ids = open(sys.argv[1]).read().split()
n = int(sys.argv[2])
print("disabled_rules = [" + ", ".join('"%s"' % i for i in ids[n:]) + "]")
PY
  for i in $(seq 1 "$runs"); do timeit "$kh" "$cfg"; done | median >"$work/t.$n"
  t=$(cat "$work/t.$n")
  printf "| %d | %.3f | %.0f |\n" "$n" "$t" "$(echo "$mb / $t" | bc -l)"
done

if [ -n "${OLD:-}" ]; then
  echo
  : >"$work/old.t"; : >"$work/new.t"
  for i in $(seq 1 "$runs"); do
    timeit "$OLD" "" >>"$work/old.t"
    timeit "$kh" "" >>"$work/new.t"
  done
  o=$(median <"$work/old.t"); n=$(median <"$work/new.t")
  echo "| binary | rules | median wall (s) | MB/s |"
  echo "|---|---|---|---|"
  printf "| old (%s) | %d | %.3f | %.0f |\n" "$OLD" "$("$OLD" rules --format json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r.get("kind") != "check"))')" "$o" "$(echo "$mb / $o" | bc -l)"
  printf "| new | %d | %.3f | %.0f |\n" "$total" "$n" "$(echo "$mb / $n" | bc -l)"
  printf "new/old wall ratio: %.3f\n" "$(echo "$n / $o" | bc -l)"
fi
