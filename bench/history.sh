#!/usr/bin/env bash
# Full-history and pre-commit (staged) scans, keyhound vs gitleaks vs kingfisher, side by side.
#
# Usage: bench/history.sh [BARE_REPO]   (default: a bare hugo mirror, /work/.mirror/gohugoio+hugo/repo,
#        fetched with `git clone --mirror https://github.com/gohugoio/hugo` or the agent `fetch` tool)
# Needs: target/release/keyhound built as releases are (cargo build --release --features zlib-ng;
#        the feature needs cmake, e.g. `pip install cmake`) and gitleaks + kingfisher in PEERS,
#        /work/peers/bin or .peers/bin (../shared/peers/install.sh .peers). RUNS=N sets the runs per tool (default 3).
# Runs are interleaved (tool A, B, C, A, B, C, ...) so that load on the machine hits all alike.
# Prints median wall time and peak RSS per tool, and the ratios keyhound / peer.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="${1:-/work/.mirror/gohugoio+hugo/repo}"
runs="${RUNS:-3}"
kh="$PWD/target/release/keyhound"
peers="${PEERS:-/work/peers/bin}"
[ -x "$peers/gitleaks" ] || peers="$PWD/.peers/bin"
gl="$peers/gitleaks"
kf="$peers/kingfisher"
work="$PWD/bench/work"
mkdir -p "$work"
results="$work/history-times.txt"
: >"$results"

# measure NAME CMD...: one run; appends "NAME seconds max_rss_kib user_s sys_s" to $results.
measure() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$@" >/dev/null 2>"$work/$name.stderr" || true
  echo "$name $(cat "$work/time.txt" | tail -1)" | tee -a "$results"
}

echo "== full history of $repo ($(git -C "$repo" rev-list --all | wc -l) commits, $(nproc) cores)"
for i in $(seq "$runs"); do
  measure keyhound-history "$kh" scan "$repo" -q --format json -o "$work/kh.json"
  # `git log -p` (gitleaks) dies on the first missing object; snapshots without blobs >= 4 MiB
  # need these binary paths excluded (keyhound and kingfisher warn and go on).
  measure gitleaks-history "$gl" git "$repo" --no-banner --log-level error -f json -r "$work/gl.json" \
    --log-opts="--all -- . :(exclude)*.wasm :(exclude)*.jpg :(exclude)*.pdf :(exclude)*.gif :(exclude)hugo :(exclude)*.test :(exclude)*.png"
  measure kingfisher-history "$kf" scan "$repo" --git-history full --no-validate --no-update-check -q -f json -o "$work/kf.json"
done

# A working clone sharing the mirror's objects, with a one-file change staged.
clone="$work/hugo-clone"
if [ ! -d "$clone" ]; then
  git clone -q --shared --no-checkout "$repo" "$clone"
  git -C "$clone" read-tree HEAD
fi
git -C "$clone" reset -q
file="$(git -C "$clone" ls-files | grep -E '\.go$' | head -1 || true)"
blob="$( (git -C "$clone" cat-file blob "HEAD:$file"; echo "// a staged change") | git -C "$clone" hash-object -w --stdin)"
git -C "$clone" update-index --cacheinfo "100644,$blob,$file"
echo "== staged: one changed file ($file) in a clone of $repo"
for i in $(seq $((runs * 5))); do
  measure keyhound-staged sh -c "cd '$clone' && '$kh' scan --staged -q"
  measure gitleaks-staged sh -c "cd '$clone' && '$gl' git --pre-commit --staged --no-banner --log-level error ."
done

python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, rss, user, sys_ = line.split()
    rows.setdefault(name, []).append((float(secs), int(rss), float(user) + float(sys_)))
med = {n: (statistics.median(s for s, _, _ in v), max(r for _, r, _ in v) / 1024,
           statistics.median(c for _, _, c in v)) for n, v in rows.items()}
print(f"\n{'tool':<22}{'median s':>10}{'CPU s':>10}{'peak MiB':>10}  runs")
for n, (s, m, c) in med.items():
    print(f"{n:<22}{s:>10.3f}{c:>10.3f}{m:>10.0f}  {len(rows[n])}")
def ratio(a, b):
    if a in med and b in med:
        print(f"{a} / {b}: wall {med[a][0] / med[b][0]:.2f}x, CPU {med[a][2] / med[b][2]:.2f}x, peak RSS {med[a][1] / med[b][1]:.2f}x")
print()
ratio("keyhound-history", "gitleaks-history")
ratio("keyhound-history", "kingfisher-history")
ratio("keyhound-staged", "gitleaks-staged")
PY
