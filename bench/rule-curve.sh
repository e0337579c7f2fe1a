#!/usr/bin/env bash
# Per-rule cost curve: directory-scan throughput (MB/s) with the built-in rule set cut to its first
# N rules, for several N, on one corpus of real third-party source; plus, when OLD is given, a
# paired A/B comparison (the two binaries interleaved, medians, their ratio and finding counts).
#
#   bench/rule-curve.sh [CORPUS] [RUNS]          (defaults: ~/.cargo/registry/src, 5)
#   OLD=/path/to/old/keyhound bench/rule-curve.sh
#   OLD=target/release/keyhound OLD_CONFIG=off.toml POINTS=none bench/rule-curve.sh DIR 7
#       (A/B only: one binary with and without some rules, `disabled_rules` in off.toml)
#
# NEW (default target/release/keyhound) is the binary measured; NEW_CONFIG / OLD_CONFIG are
# --config files for the two sides of the A/B run; POINTS="30 90 ..." sets the curve's rule
# counts ("none" skips the curve; the full rule count is always added).
#
# The rule set is cut with a generated config (`disabled_rules` = every rule after the first N),
# passed with --config. With OLD, OLD's rules come first, then the rest in built-in order, so
# the points read "the old rule set plus N - old new rules"; without it, the built-in order. One thread (-j 1) so that the
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

# Rule order for the cut: with OLD, the rules OLD has come first (so each point adds new rules
# to the old set, whatever file they are in); otherwise the built-in order (by provider file).
: >"$work/old-ids.txt"
[ -n "${OLD:-}" ] && "$OLD" rules --format json | python3 -c '
import json, sys
print("\n".join(r["id"] for r in json.load(sys.stdin) if r.get("kind") != "check"))' >"$work/old-ids.txt"
"$kh" rules --format json | python3 -c '
import json, sys
ids = [r["id"] for r in json.load(sys.stdin) if r.get("kind") != "check"]
old = [i for i in open(sys.argv[2]).read().split() if i in ids]
ids = old + [i for i in ids if i not in old]
open(sys.argv[1], "w").write("\n".join(ids) + "\n")' "$work/ids.txt" "$work/old-ids.txt"
total=$(wc -l <"$work/ids.txt")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
timeit() { # binary config -> "wall user" seconds
  /usr/bin/time -f "%e %U" -o "$work/time.tmp" \
    "$1" scan "$corpus" --no-history -j 1 --quiet --format json --output "$work/out.json" ${2:+--config "$2"} >/dev/null 2>&1 || true
  grep -v '^Command' "$work/time.tmp"
}
med() { awk -v c="$1" '{print $c}' | median; }

points="${POINTS:-30 61 90 120 150 180}"
if [ "$points" != none ]; then
echo
echo "| rules | median wall (s) | median user CPU (s) | min user CPU (s) | MB/s of CPU (median) |"
echo "|---|---|---|---|---|"
for n in $points $total; do
  [ "$n" -le "$total" ] || continue
  cfg="$work/first-$n.toml"
  python3 - "$work/ids.txt" "$n" >"$cfg" <<'PY'
import sys
ids = open(sys.argv[1]).read().split()
n = int(sys.argv[2])
print("disabled_rules = [" + ", ".join('"%s"' % i for i in ids[n:]) + "]")
PY
  for i in $(seq 1 "$runs"); do timeit "$kh" "$cfg"; done >"$work/t.$n"
  w=$(med 1 <"$work/t.$n"); u=$(med 2 <"$work/t.$n"); m=$(awk '{print $2}' "$work/t.$n" | sort -n | head -1)
  printf "| %d | %.3f | %.3f | %.3f | %.0f |\n" "$n" "$w" "$u" "$m" "$(echo "$mb / $u" | bc -l)"
done
fi

if [ -n "${OLD:-}" ]; then
  echo
  : >"$work/old.t"; : >"$work/new.t"
  for i in $(seq 1 "$runs"); do
    timeit "$OLD" "${OLD_CONFIG:-}" >>"$work/old.t"
    cp "$work/out.json" "$work/old.json"
    timeit "$kh" "${NEW_CONFIG:-}" >>"$work/new.t"
    cp "$work/out.json" "$work/new.json"
  done
  count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$1"; }
  ow=$(med 1 <"$work/old.t"); ou=$(med 2 <"$work/old.t")
  nw=$(med 1 <"$work/new.t"); nu=$(med 2 <"$work/new.t")
  oldn=$("$OLD" rules --format json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r.get("kind") != "check"))')
  echo "| binary | rules | median wall (s) | median user CPU (s) | findings |"
  echo "|---|---|---|---|---|"
  printf "| old%s | %d | %.3f | %.3f | %s |\n" "${OLD_CONFIG:+ + $OLD_CONFIG}" "$oldn" "$ow" "$ou" "$(count "$work/old.json")"
  printf "| new%s | %d | %.3f | %.3f | %s |\n" "${NEW_CONFIG:+ + $NEW_CONFIG}" "$total" "$nw" "$nu" "$(count "$work/new.json")"
  printf "new/old: wall %.3f, user CPU %.3f\n" "$(echo "$nw / $ow" | bc -l)" "$(echo "$nu / $ou" | bc -l)"
fi
