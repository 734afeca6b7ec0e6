#!/usr/bin/env bash
# The entry point of action.yml: runs `stateguard review` from the npm package on the given paths, writes SARIF for
# code scanning, prints the text review in the log, and records the exit code (0 clean, 1 violations at or above
# --fail-on, 2 errors) as the step output `exit-code`; the action's last step fails the job with it, after the upload.
# Inputs (environment): STATEGUARD_PACKAGE (npm package spec), STATEGUARD_PATHS (space-separated), STATEGUARD_FAIL_ON,
# STATEGUARD_SARIF (output file), GITHUB_OUTPUT (set by the runner).
set -uo pipefail
: "${STATEGUARD_PACKAGE:?the npm package to run}" "${STATEGUARD_SARIF:?the SARIF file to write}" "${GITHUB_OUTPUT:?the step output file}"
read -r -a paths <<< "${STATEGUARD_PATHS:-.}"
if [ "${#paths[@]}" -eq 0 ]; then paths=(.); fi
fail_on="${STATEGUARD_FAIL_ON:-deny}"
stateguard() { npx --yes --package="$STATEGUARD_PACKAGE" -- stateguard "$@"; }

stateguard review --fail-on "$fail_on" -o sarif "${paths[@]}" > "$STATEGUARD_SARIF"
code=$?
# Exit 2 means some input or policy was not evaluated: no SARIF is uploaded as if the review were complete.
if [ "$code" -le 1 ]; then echo "sarif-written=true" >> "$GITHUB_OUTPUT"; else echo "sarif-written=false" >> "$GITHUB_OUTPUT"; fi
echo "sarif-file=$STATEGUARD_SARIF" >> "$GITHUB_OUTPUT"
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
# The readable verdicts in the job log (same inputs, same verdicts).
stateguard review --fail-on "$fail_on" "${paths[@]}"
exit 0
