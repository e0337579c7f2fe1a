#!/usr/bin/env bash
# Side-by-side directory scan: keyhound vs gitleaks (`dir`) vs kingfisher (no history, no
# validation), on a few hundred MB of real third-party source with freshly generated keys planted.
#
#   bench/dir-scan.sh [RUNS]        (default 5 runs per tool, interleaved)
#
# Needs: gitleaks and kingfisher (PEERS=dir, /work/peers/bin, or ../shared/peers/install.sh .peers),
# python3, /usr/bin/time.
# Prints a markdown table of median wall time, peak RSS and ratios; see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
work=bench/work
corpus="$work/corpus"
# Peers: PEERS if set, else /work/peers/bin when present, else .peers/bin (installed on demand).
peers="${PEERS:-/work/peers/bin}"
[ -x "$peers/gitleaks" ] || peers=.peers/bin
[ -x "$peers/gitleaks" ] && [ -x "$peers/kingfisher" ] || bash ../shared/peers/install.sh .peers >/dev/null

# Built as the release binaries are (zlib-ng) when cmake is there to build it.
features=()
command -v cmake >/dev/null && features=(--features zlib-ng)
cargo build --release -q "${features[@]}"
kh=target/release/keyhound

if [ ! -d "$corpus" ]; then
  mkdir -p "$corpus"
  # Real code nobody here wrote: crate sources from the cargo registry and CPython's stdlib.
  cp -r "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/. "$corpus/crates/"
  py=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
  rsync -a --exclude site-packages --exclude __pycache__ "$py/" "$corpus/python-stdlib/" 2>/dev/null \
    || cp -r "$py" "$corpus/python-stdlib"
  rm -rf "$corpus/python-stdlib/site-packages"
  python3 bench/plant.py "$corpus"
fi
size=$(du -sm "$corpus" | cut -f1)
files=$(find "$corpus" -type f | wc -l)
echo "corpus: $size MB, $files files, $(python3 -c "import json;print(len(json.load(open('$work/planted.json'))))") planted keys"

# name -> command (report to $work/out.<name>.json)
declare -A cmd=(
  [keyhound]="$kh scan $corpus --format json --output $work/out.keyhound.json --quiet"
  [gitleaks]="$peers/gitleaks dir $corpus --no-banner --log-level error --exit-code 0 --report-format json --report-path $work/out.gitleaks.json"
  [kingfisher]="$peers/kingfisher scan $corpus --git-history none --no-validate --format json --output $work/out.kingfisher.json --no-update-check"
)
tools=(keyhound gitleaks kingfisher)

for t in "${tools[@]}"; do : >"$work/times.$t"; done
for i in $(seq 1 "$runs"); do
  for t in "${tools[@]}"; do
    /usr/bin/time -f "%e %M %U %S" -o "$work/time.tmp" ${cmd[$t]} >/dev/null 2>"$work/stderr.$t" || true
    cat "$work/time.tmp" >>"$work/times.$t"
  done
done

python3 - "$work" "${tools[@]}" <<'PY'
import json, statistics, sys, os
work, tools = sys.argv[1], sys.argv[2:]
planted = json.load(open(os.path.join(work, "planted.json")))
med = {}
for t in tools:
    # /usr/bin/time adds "Command exited with non-zero status 1" lines: keep "<wall> <rss> <user> <sys>" rows.
    rows = [l.split() for l in open(os.path.join(work, "times." + t))]
    rows = [r for r in rows if len(r) == 4 and r[0].replace(".", "", 1).isdigit()]
    med[t] = (statistics.median(float(r[0]) for r in rows), statistics.median(int(r[1]) for r in rows) / 1024,
              statistics.median(float(r[2]) + float(r[3]) for r in rows))
def found(t):
    text = open(os.path.join(work, "out.%s.json" % t), errors="replace").read()
    return sum(1 for p in planted if p["path"].split("/")[0] + "/" in text)
# CPU (user + sys) beside wall time: on a shared machine a run's wall time also counts the time
# it waited for a core, CPU time does not.
print("| tool | median wall (s) | median CPU (s) | peak RSS (MiB) | wall vs gitleaks | wall vs kingfisher | CPU vs gitleaks | CPU vs kingfisher | RSS vs gitleaks | RSS vs kingfisher | planted keys found |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
g, k = med["gitleaks"], med["kingfisher"]
for t in tools:
    w, m, c = med[t]
    print("| %s | %.2f | %.2f | %.0f | %.3f× | %.2f× | %.3f× | %.2f× | %.2f× | %.2f× | %d/%d |" % (
        t, w, c, m, w / g[0], w / k[0], c / g[2], c / k[2], m / g[1], m / k[1], found(t), len(planted)))
for t in tools:
    print("%s runs (wall s): %s" % (t, " ".join("%.2f" % float(r[0]) for r in
        (l.split() for l in open(os.path.join(work, "times." + t))) if len(r) == 4)))
PY
