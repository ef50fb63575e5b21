#!/usr/bin/env bash
# Runs every test tier that can run on this machine and ends with one line: `N passed, N failed[, N skipped]`.
# Usage: tests/run-tests.sh BUILD_DIR [tier ...]   (tiers: unit dataplane integration fuzz browser; default: all)
set -uo pipefail
build=${1:?build dir}
shift
tiers=("$@")
((${#tiers[@]})) || tiers=(unit dataplane integration fuzz browser)
here=$(cd "$(dirname "$0")" && pwd)
results="$build/test-results"
rm -rf "$results" && mkdir -p "$results"
logs=()
have_root() { [[ $(id -u) -eq 0 ]]; }

for tier in "${tiers[@]}"; do
  echo "=== tier: $tier"
  case "$tier" in
    unit|dataplane)
      if [[ "$tier" == dataplane ]] && ! have_root; then echo "(dataplane tier needs root: skipped)"; continue; fi
      listed=$(meson test -C "$build" --list --no-rebuild --suite "$tier" 2>/dev/null | grep -v "^ninja" || true)
      if [[ -n "$listed" ]]; then
        meson test -C "$build" --suite "$tier" --print-errorlogs --logbase "testlog-$tier" --num-processes 2
        logs+=("$build/meson-logs/testlog-$tier.json")
      fi
      ;;
    integration)
      if ! have_root; then echo "(integration tier needs root for network namespaces: skipped)"; continue; fi
      if compgen -G "$here/integration/test_*.py" >/dev/null; then
        PORTUNUS_BUILD="$build" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$here/integration" \
          --junitxml="$results/integration.xml" -o junit_family=xunit2
      fi
      ;;
    fuzz)
      if [[ -x "$here/fuzz/run-fuzzers.sh" ]]; then "$here/fuzz/run-fuzzers.sh" "$results"; fi
      ;;
    browser)
      if [[ -x "$here/browser/run.sh" ]]; then "$here/browser/run.sh" "$build" "$results"; fi
      ;;
    *) echo "unknown tier $tier" >&2; exit 2 ;;
  esac
done
echo
exec /usr/bin/python3 "$here/summarize.py" "$results" "${logs[@]}"
