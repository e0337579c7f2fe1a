#!/usr/bin/env bash
# Precision on real code: finding counts of keyhound, gitleaks and kingfisher on the working
# trees of public repositories, and every keyhound finding with its line, to judge by reading.
#
#   bench/precision.sh CORPUS_DIR [KEYHOUND_BINARY]
#
# CORPUS_DIR holds one checked-out working tree per repository (no .git needed), e.g.
#   git --git-dir=/path/to/owner+name.git --work-tree=CORPUS_DIR/name checkout -f HEAD -- .
# Peers come from PEERS (default /work/peers/bin, else .peers/bin from ../shared/peers/install.sh).
# REPOS="a b c" limits the run to those subdirectories (default: every one). Reports go to OUT
# (default CORPUS_DIR/.precision/; set it when CORPUS_DIR is read-only), outside this repository. Prints a markdown table of
# counts (keyhound's generic-rule share in brackets) and then each keyhound finding as
# `repo path:line rule | the line, shortened` for the README's judgement column.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:?usage: bench/precision.sh CORPUS_DIR [KEYHOUND_BINARY]}"
kh="${2:-}"
if [ -z "$kh" ]; then
  cargo build --release -q
  kh=target/release/keyhound
fi
peers="${PEERS:-/work/peers/bin}"
[ -x "$peers/gitleaks" ] || peers=.peers/bin
out="${OUT:-$corpus/.precision}"
mkdir -p "$out"

repos=()
if [ -n "${REPOS:-}" ]; then
  read -r -a repos <<<"$REPOS"
else
  for d in "$corpus"/*/; do
    repos+=("$(basename "$d")")
  done
fi

for r in "${repos[@]}"; do
  "$kh" scan "$corpus/$r" --no-history --format json --output "$out/$r.keyhound.json" --quiet || true
  "$peers/gitleaks" dir "$corpus/$r" --no-banner --log-level error --exit-code 0 \
    --report-format json --report-path "$out/$r.gitleaks.json"
  "$peers/kingfisher" scan "$corpus/$r" --git-history none --no-validate --format json \
    --output "$out/$r.kingfisher.json" --no-update-check >/dev/null 2>"$out/$r.kingfisher.err" || true
done

python3 - "$corpus" "$out" "${repos[@]}" <<'PY'
import json, os, sys
corpus, out, repos = sys.argv[1], sys.argv[2], sys.argv[3:]
def load(r, tool):
    with open(os.path.join(out, f"{r}.{tool}.json"), errors="replace") as f:
        d = json.load(f)
    if tool == "keyhound":
        return d["findings"]
    if tool == "kingfisher":
        return d.get("findings", []) if isinstance(d, dict) else d
    return d
print("| repository | keyhound (generic) | gitleaks | kingfisher |")
print("|---|---|---|---|")
tot = {"keyhound": 0, "generic": 0, "gitleaks": 0, "kingfisher": 0}
rows = []
for r in repos:
    kh = load(r, "keyhound")
    gen = sum(1 for f in kh if f.get("rule_id") == "generic-secret")
    gl, kf = len(load(r, "gitleaks")), len(load(r, "kingfisher"))
    tot["keyhound"] += len(kh); tot["generic"] += gen; tot["gitleaks"] += gl; tot["kingfisher"] += kf
    print(f"| {r} | {len(kh)} ({gen}) | {gl} | {kf} |")
    for f in kh:
        path, line = f.get("path", ""), f.get("line", 0)
        try:
            with open(os.path.join(corpus, r, path), errors="replace") as fh:
                text = fh.read().split("\n")[line - 1].strip()
        except (OSError, IndexError):
            text = "?"
        rows.append(f"{r} {path}:{line} {f.get('rule_id')} | {text[:160]}")
print(f"| **total** | **{tot['keyhound']} ({tot['generic']})** | **{tot['gitleaks']}** | **{tot['kingfisher']}** |")
print()
for row in rows:
    print(row)
PY
