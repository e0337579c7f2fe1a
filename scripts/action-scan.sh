#!/usr/bin/env bash
# The GitHub Action's scan step (see action.yml). Runs locally too, given the variables GitHub
# sets: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
#
# Inputs (environment): INPUT_PATH (default .), INPUT_ARGS (extra `keyhound scan` arguments),
# INPUT_SARIF_FILE (default keyhound.sarif), INPUT_FAIL_ON_FINDINGS (true|false),
# INPUT_VERIFY (true|false), INPUT_RANGE_CONFIG (base|head, default base: when the range changes
# .keyhound.toml, the config at the range's base is used, so a pull request cannot configure its
# own scan); KEYHOUND_BIN (default: keyhound on PATH).
#
# What it scans: a pull request's base..head, a push's before..after (for a new branch, from the
# parent of its first pushed commit), a merge queue's base..head; everything (working tree and
# history) on schedule, workflow_dispatch and other events, or when the range's commits are not
# in the clone (check out with fetch-depth: 0).
#
# Outputs: findings, exit-code, range, sarif-file. Exit: 0, 1 (findings and fail-on-findings),
# 2 (keyhound failed).
set -uo pipefail

bin=${KEYHOUND_BIN:-keyhound}
path=${INPUT_PATH:-.}
sarif=${INPUT_SARIF_FILE:-keyhound.sarif}
fail=${INPUT_FAIL_ON_FINDINGS:-true}
verify=${INPUT_VERIFY:-false}
event=${GITHUB_EVENT_NAME:-workflow_dispatch}
event_file=${GITHUB_EVENT_PATH:-/dev/null}
out=${GITHUB_OUTPUT:-/dev/null}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
zero=0000000000000000000000000000000000000000

field() { jq -r "$1 // empty" "$event_file" 2>/dev/null; }
have() { [ -n "$1" ] && git -C "$path" rev-parse -q --verify "$1^{commit}" >/dev/null 2>&1; }
fetch() { have "$1" || git -C "$path" fetch -q --no-tags origin "$1" >/dev/null 2>&1 || true; }

base="" head=""
case "$event" in
  pull_request | pull_request_target)
    base=$(field .pull_request.base.sha)
    head=$(field .pull_request.head.sha)
    ;;
  push)
    base=$(field .before)
    head=$(field .after)
    if [ "$base" = "$zero" ] || [ -z "$base" ]; then
      # A new branch: from the parent of the first commit pushed.
      first=$(field '.commits[0].id')
      base=""
      [ -n "$first" ] && fetch "$first" && have "$first^" && base="$first^"
    fi
    [ "$head" = "$zero" ] && head="" # a deleted branch: nothing to scan
    ;;
  merge_group)
    base=$(field .merge_group.base_sha)
    head=$(field .merge_group.head_sha)
    ;;
esac

range=""
if [ "$event" = push ] && [ -z "$head" ] && [ "$(field .deleted)" = true ]; then
  echo "keyhound: branch deleted; nothing to scan" >&2
  {
    echo "findings=0"
    echo "exit-code=0"
    echo "range="
    echo "sarif-file="
  } >>"$out"
  exit 0
elif [ -n "$base" ] && [ -n "$head" ]; then
  fetch "$base"
  fetch "$head"
  if have "$base" && have "$head"; then
    range="$base..$head"
  else
    echo "::warning title=keyhound::commits $base..$head are not in the clone (use actions/checkout with fetch-depth: 0); scanning the whole repository instead"
  fi
fi

set -- scan "$path" --format sarif --output "$sarif"
[ -n "$range" ] && set -- "$@" --range "$range" --range-config "${INPUT_RANGE_CONFIG:-base}"
[ "$verify" = true ] && set -- "$@" --verify
# INPUT_ARGS is split on whitespace, like a command line without quotes.
read -r -a extra <<<"${INPUT_ARGS:-}"
echo "keyhound: $bin $* ${extra[*]}" >&2
"$bin" "$@" "${extra[@]}"
code=$?

if [ "$code" -ge 2 ] || [ ! -s "$sarif" ]; then
  echo "::error title=keyhound::the scan failed (exit code $code); see the log above"
  echo "exit-code=$code" >>"$out"
  exit 2
fi

results=$(jq '.runs[0].results | length' "$sarif")
total=$(jq '.runs[0].properties.keyhound.findings // (.runs[0].results | length)' "$sarif")
{
  echo "findings=$total"
  echo "exit-code=$code"
  echo "range=$range"
  echo "sarif-file=$sarif"
} >>"$out"

# The job summary: a table of findings, redacted (the SARIF results carry the JSON report's
# finding objects as properties).
max_rows=200
{
  echo "## keyhound secret scan"
  echo
  if [ -n "$range" ]; then echo "Scanned commits \`$range\`."; else echo "Scanned the whole repository."; fi
  echo
  if [ "$total" -eq 0 ]; then
    echo "No secrets found."
  else
    echo "**$total finding(s).**"
    [ "$results" -lt "$total" ] && echo "The SARIF file holds the $results most severe (GitHub code scanning limits); the log has all of them."
    echo
    echo "| Severity | Finding | Location | Secret (redacted) | Commit | Verified |"
    echo "|---|---|---|---|---|---|"
    jq -r --argjson n "$max_rows" '
      def cell: tostring | gsub("\\|"; "\\|") | gsub("[\r\n]"; " ");
      .runs[0].results[:$n][] | .properties |
      "| \(.severity | cell) | \(.rule_name | cell) (`\(.rule_id)`) | `\(.repo_path // .path | cell):\(.line)` | `\(.secret_redacted // "" | cell)` | \((.commit // "")[0:10]) | \(.verification.status // "" | cell) |"
    ' "$sarif"
    [ "$results" -gt "$max_rows" ] && echo && echo "… and $((results - max_rows)) more (see the SARIF file)."
    echo
    echo "Fix: remove the key, rotate it at its provider, and load it from a secret store. Not a secret? Add a \`keyhound:allow\` comment on its line or list it in \`.keyhound.toml\`."
  fi
} >>"$summary"

if [ "$code" -eq 1 ] && [ "$fail" = true ]; then
  echo "::error title=keyhound::$total secret(s) found; see the job summary or the code scanning alerts"
  exit 1
fi
exit 0
