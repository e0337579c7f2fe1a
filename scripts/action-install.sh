#!/usr/bin/env bash
# The GitHub Action's install steps (see action.yml).
#   action-install.sh key      writes `key=` (a hash of keyhound's sources) to GITHUB_OUTPUT
#   action-install.sh install  builds keyhound from the action's own sources into
#                              KEYHOUND_ROOT (default ~/.keyhound) unless the cached binary was
#                              built from the same sources, and puts it on GITHUB_PATH
set -euo pipefail

src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
root=${KEYHOUND_ROOT:-$HOME/.keyhound}

source_hash() {
  (cd "$src" && find Cargo.toml Cargo.lock build.rs src rules -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-20)
}

case "${1:-install}" in
  key)
    echo "key=keyhound-${RUNNER_OS:-$(uname -s)}-$(source_hash)" >>"${GITHUB_OUTPUT:-/dev/stdout}"
    ;;
  install)
    hash=$(source_hash)
    if [ -x "$root/bin/keyhound" ] && [ "$(cat "$root/.source-hash" 2>/dev/null)" = "$hash" ]; then
      echo "keyhound: using the cached build ($("$root/bin/keyhound" --version))" >&2
    else
      echo "keyhound: building from $src" >&2
      CARGO_TARGET_DIR="$src/target" cargo install --locked --quiet --path "$src" --root "$root" --force
      echo "$hash" >"$root/.source-hash"
    fi
    echo "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
    ;;
  *)
    echo "usage: $0 key|install" >&2
    exit 2
    ;;
esac
