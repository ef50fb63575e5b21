#!/usr/bin/env bash
# The browser tier (issue #6): Debian's unmodified Janus demos in headless Chromium against portunusd, the browser in
# a client network namespace and the daemon in an appliance namespace, so media crosses the DPDK dataplane.
# Usage: tests/browser/run.sh BUILD [RESULTS_DIR]    (RESULTS_DIR defaults to BUILD/test-results)
#   Installs what is missing (Debian: chromium janus-demos libjs-janus-gateway nodejs; npm: the pinned
#   playwright-core via `npm ci`), then runs tests/browser/runner.mjs through tests/browser/lab.py.
#   Writes RESULTS_DIR/browser.xml (JUnit); evidence of failures and the daemon log go to RESULTS_DIR/browser/.
#   BROWSER_ONLY=REGEX runs only the scenarios whose name matches (e.g. 'echotest').
#   BROWSER_SERVER=janus runs the scenarios against Debian's Janus 1.1.2 instead (the reference for the tests).
#   BROWSER_VERBOSE=1 prints each scenario's steps with their times (always saved with a failure's evidence).
#   BROWSER_EVIDENCE=always keeps console logs, getStats() and screenshots of passing scenarios too.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD [RESULTS_DIR]}" && pwd)
results=${2:-$build/test-results}
mkdir -p "$results"
results=$(cd "$results" && pwd)
junit="$results/browser.xml"
out="$results/browser"
rm -rf "$out" "$junit"

fail_xml() {  # one failing case when the tier cannot even start, so the summary counts it
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="browser" tests="1" failures="1">\n<testcase classname="browser" name="setup"><failure message="%s"/></testcase>\n</testsuite>\n' \
    "$1" >"$junit"
  echo "browser: FAILED setup: $1" >&2
  exit 1
}

if [[ $(id -u) -ne 0 ]]; then
  echo "(browser tier needs root for network namespaces: skipped)"
  exit 0
fi
[[ -x "$build/controlplane/portunusd" ]] || fail_xml "$build/controlplane/portunusd is not built"

t0=$(date +%s)
if [[ ! -x /usr/bin/chromium || ! -f /usr/share/janus/demos/echotest.html ||
      ! -f /usr/share/javascript/janus-gateway/janus.min.js ]] || ! command -v node >/dev/null ||
   ! command -v npm >/dev/null; then
  PORTUNUS_BROWSER_DEPS=1 bash "$repo/scripts/install-deps.sh" || fail_xml "installing the browser packages failed"
fi
# node_modules matches the committed lockfile, or `npm ci` rebuilds it from the lockfile alone.
stamp="$here/node_modules/.portunus-lock.sha256"
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [[ ! -f "$stamp" || $(cat "$stamp") != "$want" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || fail_xml "npm ci failed"
  echo "$want" >"$stamp"
fi
t1=$(date +%s)
((t1 - t0 > 1)) && echo "browser: dependencies installed in $((t1 - t0)) s"

only=()
[[ -n "${BROWSER_ONLY:-}" ]] && only=(--only "$BROWSER_ONLY")
timeout --kill-after=20 900 /usr/bin/python3 "$here/lab.py" --build "$build" --out "$out" \
  --server "${BROWSER_SERVER:-portunusd}" -- \
  node "$here/runner.mjs" --out "$out" --junit "$junit" "${only[@]}"
rc=$?
echo "browser: tier finished in $(($(date +%s) - t1)) s (exit $rc); output: $out"
[[ -f "$junit" ]] || fail_xml "the runner wrote no JUnit XML (exit $rc); see $out"
exit "$rc"
