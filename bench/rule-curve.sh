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
# numbers are per-core; user CPU time is reported beside wall time because on a shared machine the
# wall time of a 1-thread scan is mostly waiting (I/O, other processes).
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
timeit() { # binary config -> "wall user" seconds
  /usr/bin/time -f "%e %U" -o "$work/time.tmp" \
    "$1" scan "$corpus" --no-history -j 1 --quiet --format json --output "$work/out.json" ${2:+--config "$2"} >/dev/null 2>&1 || true
  grep -v '^Command' "$work/time.tmp"
}
med() { awk -v c="$1" '{print $c}' | median; }

echo
echo "| rules | median wall (s) | median user CPU (s) | MB/s of CPU |"
echo "|---|---|---|---|"
for n in 30 61 90 120 150 $total; do
  [ "$n" -le "$total" ] || continue
  cfg="$work/first-$n.toml"
  python3 - "$work/ids.txt" "$n" >"$cfg" <<'PY'
import sys
ids = open(sys.argv[1]).read().split()
n = int(sys.argv[2])
print("disabled_rules = [" + ", ".join('"%s"' % i for i in ids[n:]) + "]")
PY
  for i in $(seq 1 "$runs"); do timeit "$kh" "$cfg"; done >"$work/t.$n"
  w=$(med 1 <"$work/t.$n"); u=$(med 2 <"$work/t.$n")
  printf "| %d | %.3f | %.3f | %.0f |\n" "$n" "$w" "$u" "$(echo "$mb / $u" | bc -l)"
done

if [ -n "${OLD:-}" ]; then
  echo
  : >"$work/old.t"; : >"$work/new.t"
  for i in $(seq 1 "$runs"); do
    timeit "$OLD" "" >>"$work/old.t"
    timeit "$kh" "" >>"$work/new.t"
  done
  ow=$(med 1 <"$work/old.t"); ou=$(med 2 <"$work/old.t")
  nw=$(med 1 <"$work/new.t"); nu=$(med 2 <"$work/new.t")
  oldn=$("$OLD" rules --format json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r.get("kind") != "check"))')
  echo "| binary | rules | median wall (s) | median user CPU (s) |"
  echo "|---|---|---|---|"
  printf "| old | %d | %.3f | %.3f |\n" "$oldn" "$ow" "$ou"
  printf "| new | %d | %.3f | %.3f |\n" "$total" "$nw" "$nu"
  printf "new/old: wall %.3f, user CPU %.3f\n" "$(echo "$nw / $ow" | bc -l)" "$(echo "$nu / $ou" | bc -l)"
fi
