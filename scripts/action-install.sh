#!/usr/bin/env bash
# The GitHub Action's install steps (see action.yml and docs/action.md).
#
#   action-install.sh download  downloads the release binary for the action's own ref
#                               (KEYHOUND_ACTION_REF, e.g. v0.2.0, or v0 for the newest 0.x) and
#                               this runner's OS and arch, checks it against the release's
#                               sha256sums.txt, installs it into KEYHOUND_ROOT/bin and puts that on
#                               GITHUB_PATH. Writes `found=true` to GITHUB_OUTPUT, or `found=false`
#                               when the ref has no release asset (a branch or commit ref).
#                               A wrong checksum, or a download that fails other than with 404, is
#                               an error: nothing is installed.
#   action-install.sh key       writes `key=` (a hash of keyhound's sources) to GITHUB_OUTPUT, the
#                               cache key of a source build
#   action-install.sh build     when there is no release asset: uses KEYHOUND_FALLBACK_BINARY (the
#                               action's `fallback-binary` input) if set, else builds keyhound from
#                               the action's own sources (cargo) unless the cached build was made
#                               from the same sources; installs into KEYHOUND_ROOT/bin
#
# Environment: KEYHOUND_ACTION_REF and KEYHOUND_ACTION_REPOSITORY (github.action_ref and
# github.action_repository), KEYHOUND_RELEASE_URL (the base the assets are under, default
# $GITHUB_SERVER_URL/<action repository>/releases/download; an asset's URL is
# $KEYHOUND_RELEASE_URL/<tag>/keyhound-<target>.tar.gz), KEYHOUND_ROOT (default ~/.keyhound),
# KEYHOUND_FALLBACK_BINARY, RUNNER_OS and RUNNER_ARCH (else uname).
set -euo pipefail

src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
root=${KEYHOUND_ROOT:-$HOME/.keyhound}
out=${GITHUB_OUTPUT:-/dev/null}

log() { echo "keyhound: $*" >&2; }

source_hash() {
  (cd "$src" && find Cargo.toml Cargo.lock build.rs src rules -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-20)
}

# The Rust target of the release binary for this runner.
target() {
  local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
  case "$arch" in
    X64 | x86_64 | amd64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) return 1 ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    macOS | Darwin) echo "$arch-apple-darwin" ;;
    Windows | MINGW* | MSYS* | CYGWIN*) [ "$arch" = x86_64 ] && echo "x86_64-pc-windows-msvc" ;;
    *) return 1 ;;
  esac
}

# The release tag for the action's ref: the ref itself (v0.2.0), or for a moving major/minor tag
# (v0, v0.2) the version in the action's Cargo.toml when it belongs to that series.
release_tag() {
  local ref=$1 version
  version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$src/Cargo.toml" | head -n1)
  if [[ "$ref" =~ ^v[0-9]+(\.[0-9]+)?$ ]] && [[ "v$version" == "$ref".* ]]; then
    echo "v$version"
  else
    echo "$ref"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# GET $1 into $2; prints the HTTP status (000 when there was no answer).
get() {
  curl -sSL --retry 3 --retry-connrefused --connect-timeout 20 -o "$2" -w '%{http_code}' "$1" 2>/dev/null || true
}

not_found() {
  log "$1"
  echo "found=false" >>"$out"
  exit 0
}

download() {
  local ref=${KEYHOUND_ACTION_REF:-} repo=${KEYHOUND_ACTION_REPOSITORY:-keyhound/keyhound}
  local base=${KEYHOUND_RELEASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}
  local tgt tag asset ext tmp code want got
  [ -n "$ref" ] || not_found "the action's ref is unknown; no release binary to download"
  tgt=$(target) || not_found "no release binary for ${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}"
  tag=$(release_tag "$ref")
  ext=tar.gz
  [[ "$tgt" == *windows* ]] && ext=zip
  asset="keyhound-$tgt.$ext"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  code=$(get "$base/$tag/$asset" "$tmp/$asset")
  case "$code" in
    200) ;;
    404) not_found "no release asset $asset for ref $ref ($base/$tag/$asset: 404, as for a branch or commit ref)" ;;
    *)
      echo "::error title=keyhound::downloading $base/$tag/$asset failed (HTTP $code)"
      exit 1
      ;;
  esac
  code=$(get "$base/$tag/sha256sums.txt" "$tmp/sha256sums.txt")
  if [ "$code" != 200 ]; then
    echo "::error title=keyhound::the release $tag has $asset but no sha256sums.txt (HTTP $code); refusing to run an unverified binary"
    exit 1
  fi
  want=$(awk -v a="$asset" '{ f = $2; sub(/^\*/, "", f) } f == a { print $1 }' "$tmp/sha256sums.txt")
  got=$(sha256 "$tmp/$asset")
  if [ -z "$want" ]; then
    echo "::error title=keyhound::sha256sums.txt of release $tag does not list $asset; refusing to run an unverified binary"
    exit 1
  fi
  if [ "$want" != "$got" ]; then
    echo "::error title=keyhound::checksum mismatch for $asset of release $tag: sha256sums.txt says $want, the download is $got; refusing to run it"
    exit 1
  fi
  mkdir -p "$tmp/x" "$root/bin"
  tar -xf "$tmp/$asset" -C "$tmp/x"
  local exe=keyhound
  [[ "$tgt" == *windows* ]] && exe=keyhound.exe
  cp "$tmp/x/keyhound-$tgt/$exe" "$root/bin/$exe"
  chmod +x "$root/bin/$exe"
  rm -f "$root/.source-hash"
  log "installed release $tag ($asset, sha256 $got verified): $("$root/bin/$exe" --version)"
  echo "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
  echo "found=true" >>"$out"
}

build() {
  mkdir -p "$root/bin"
  if [ -n "${KEYHOUND_FALLBACK_BINARY:-}" ]; then
    local bin=$KEYHOUND_FALLBACK_BINARY
    [ -x "$bin" ] || bin=$(command -v "$bin" 2>/dev/null) || {
      echo "::error title=keyhound::fallback-binary ${KEYHOUND_FALLBACK_BINARY} is not an executable file or a command on PATH"
      exit 1
    }
    ln -sf "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$root/bin/keyhound"
    rm -f "$root/.source-hash"
    log "no release binary for this ref: using fallback-binary $bin instead of a source build ($("$root/bin/keyhound" --version))"
  else
    local hash
    hash=$(source_hash)
    if [ -x "$root/bin/keyhound" ] && [ "$(cat "$root/.source-hash" 2>/dev/null)" = "$hash" ]; then
      log "no release binary for this ref: using the cached build from source ($("$root/bin/keyhound" --version))"
    else
      log "no release binary for this ref: building from source ($src) with cargo; this takes a few minutes (pin the action to a release tag to download a binary instead)"
      CARGO_TARGET_DIR="$src/target" cargo install --locked --quiet --path "$src" --root "$root" --force
      echo "$hash" >"$root/.source-hash"
    fi
  fi
  echo "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
}

case "${1:-}" in
  download) download ;;
  key) echo "key=keyhound-${RUNNER_OS:-$(uname -s)}-$(source_hash)" >>"$out" ;;
  build | install) build ;;
  *)
    echo "usage: $0 download|key|build" >&2
    exit 2
    ;;
esac
