#!/usr/bin/env bash
# Time from nothing to the first finished scan, per install channel, with the packages built
# locally from this checkout (no registry: pip --no-index, npm --offline), as a user without a
# Rust toolchain would get them from a release:
#   - pip:  an empty venv -> pip install the wheel -> keyhound scan
#   - npm:  a scratch npm project -> npm install the tarballs -> npx keyhound scan
# Usage: bench/install.sh [RUNS]   (default 3; prints medians)
# Needs python3, node/npm, and maturin (taken from target/venvs/maturin, which the packaging
# tests create, or PATH). Builds the release binary and wheel first (minutes, once).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

MATURIN=$TARGET/venvs/maturin/bin/maturin
[ -x "$MATURIN" ] || MATURIN=$(command -v maturin) || {
  echo "install.sh: maturin not found (run the packaging tests once, or pip install maturin)" >&2
  exit 2
}

echo "building the release binary and wheel..." >&2
cargo build --release --locked -q
"$MATURIN" build --release --locked --auditwheel skip --strip --out "$WORK/wheels" >/dev/null
WHEEL=$(ls "$WORK"/wheels/*.whl)
BIN=$TARGET/release/keyhound
PLATFORM=$(node -p "process.platform + '-' + process.arch")
node packaging/npm/pack.js --out "$WORK/npm" --binary "$PLATFORM=$BIN" >"$WORK/tarballs"

# Something to scan: one file with a variable name but no key.
mkdir -p "$WORK/project"
printf 'OPENAI_API_KEY=\n' >"$WORK/project/settings.txt"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$WORK/venv" ; : >"$WORK/pip" ; : >"$WORK/npm-install" ; : >"$WORK/npx"
for i in $(seq "$RUNS"); do
  d=$WORK/run$i
  mkdir -p "$d"
  t0=$(now)
  python3 -m venv "$d/venv"
  t1=$(now)
  "$d/venv/bin/pip" install -q --no-index --disable-pip-version-check "$WHEEL"
  "$d/venv/bin/keyhound" scan "$WORK/project" >/dev/null
  t2=$(now)
  echo "$t1 - $t0" | bc >>"$WORK/venv"
  echo "$t2 - $t1" | bc >>"$WORK/pip"

  mkdir -p "$d/app"
  echo '{"name":"scratch","version":"1.0.0","private":true}' >"$d/app/package.json"
  export npm_config_cache=$d/npm-cache npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false
  t0=$(now)
  (cd "$d/app" && npm install -q --offline --save-dev $(cat "$WORK/tarballs") >/dev/null)
  t1=$(now)
  (cd "$d/app" && npx --offline keyhound scan "$WORK/project" >/dev/null)
  t2=$(now)
  echo "$t1 - $t0" | bc >>"$WORK/npm-install"
  echo "$t2 - $t1" | bc >>"$WORK/npx"
done

printf 'binary %s MB, wheel %s MB; median of %s runs; load average %s\n' \
  "$(du -m "$BIN" | cut -f1)" "$(du -m "$WHEEL" | cut -f1)" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| route | median (s) |\n|---|---|\n'
printf '| `python3 -m venv` (Python itself, not keyhound) | %.2f |\n' "$(median <"$WORK/venv")"
printf '| empty venv → `pip install` the wheel → first scan | %.2f |\n' "$(median <"$WORK/pip")"
printf '| scratch npm project → `npm install` the tarballs | %.2f |\n' "$(median <"$WORK/npm-install")"
printf '| → `npx keyhound scan` | %.2f |\n' "$(median <"$WORK/npx")"
