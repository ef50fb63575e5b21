#!/usr/bin/env bash
# Runs every test tier that can run on this machine and ends with one line: `N passed, N failed[, N skipped]`.
# Usage: tests/run-tests.sh BUILD_DIR [tier ...]
#   tiers: unit dataplane integration fuzz browser asan; default: all but asan, plus asan when PORTUNUS_ASAN=1.
#   asan: configures BUILD_DIR-asan with ASan+UBSan (docs/hardening.md), builds it and runs the unit, dataplane and
#   integration tiers there (PORTUNUS_ASAN_INTEGRATION="test_x.py ..." selects the integration tests; default: all
#   but the `slow` ones and test_lab_janus.py); any sanitizer report (tests/sanitizers/) fails the tier. Its results
#   are counted in the same final line.
set -uo pipefail
build=${1:?build dir}
shift
tiers=("$@")
if ((${#tiers[@]} == 0)); then
  tiers=(unit dataplane integration fuzz browser)
  [[ "${PORTUNUS_ASAN:-0}" == 1 ]] && tiers+=(asan)
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build" && build=$(cd "$build" && pwd)  # absolute: the integration tier runs from its own directory
results="$build/test-results"
rm -rf "$results" && mkdir -p "$results"
groups=("$results")  # summarize.py arguments: RESULTS_DIR [testlog ...] [-- RESULTS_DIR [testlog ...]]
have_root() { [[ $(id -u) -eq 0 ]]; }

# run_tier TIER BUILD RESULTS: one tier on one build dir; appends meson testlogs to `groups`.
run_tier() {
  local tier=$1 tbuild=$2 tresults=$3
  echo "=== tier: $tier${4:+ ($4)}"
  case "$tier" in
    unit|dataplane)
      if [[ "$tier" == dataplane ]] && ! have_root; then echo "(dataplane tier needs root: skipped)"; return; fi
      local listed exclude=()
      [[ "${4:-}" == asan ]] && exclude=(--no-suite lab)  # the lab is not in the ASan tree (build-asan.sh)
      listed=$(meson test -C "$tbuild" --list --no-rebuild --suite "$tier" "${exclude[@]}" 2>/dev/null |
        grep -v "^ninja" || true)
      if [[ -n "$listed" ]]; then
        meson test -C "$tbuild" --no-rebuild --suite "$tier" "${exclude[@]}" --print-errorlogs \
          --logbase "testlog-$tier" --num-processes 2 ${MESON_TEST_ARGS:-}
        groups+=("$tbuild/meson-logs/testlog-$tier.json")
      fi
      ;;
    integration)
      if ! have_root; then echo "(integration tier needs root for network namespaces: skipped)"; return; fi
      local selected=("$here/integration")
      # The tests against Janus itself need Debian's janus (test_lab_janus.py skips without it).
      if [[ "${4:-}" != asan ]]; then
        bash "$here/../scripts/install-janus.sh" || echo "(Debian's janus could not be installed: test_lab_janus.py skips)"
      fi
      if [[ -n "${INTEGRATION_TESTS:-}" ]]; then
        read -ra selected <<<"$INTEGRATION_TESTS"
      elif [[ "${4:-}" == asan ]]; then
        # Under ASan: every test of our daemon but those waiting out server timers of tens of seconds (`slow`)
        # and the ones that prove the tests against Janus itself.
        selected+=(-m "not slow" --ignore="$here/integration/test_lab_janus.py")
      fi
      if compgen -G "$here/integration/test_*.py" >/dev/null; then
        (cd "$here/integration" && PORTUNUS_BUILD="$tbuild" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
          "${selected[@]}" --junitxml="$tresults/integration.xml" -o junit_family=xunit2)
      fi
      ;;
    fuzz)
      if [[ -x "$here/fuzz/run-fuzzers.sh" ]]; then "$here/fuzz/run-fuzzers.sh" "$tresults"; fi
      ;;
    browser)
      if [[ -x "$here/browser/run.sh" ]]; then "$here/browser/run.sh" "$tbuild" "$tresults"; fi
      ;;
    *) echo "unknown tier $tier" >&2; exit 2 ;;
  esac
}

# With other tiers before it, the asan tier's build starts now, in the background at the lowest priority and in a
# process group of its own: it takes the CPU the other tiers leave (the integration tier mostly waits on the network
# and on timers).
asan_build_pid=""
asan_build_log="$build-asan.build.log"
if [[ " ${tiers[*]} " == *" asan "* && "${tiers[0]}" != asan ]]; then
  echo "(asan: building $build-asan in the background; log: $asan_build_log)"
  setsid nice -n 19 bash "$here/sanitizers/build-asan.sh" "$build-asan" >"$asan_build_log" 2>&1 &
  asan_build_pid=$!
  # Interrupted before the asan tier reaps it (Ctrl-C, a timeout): the build does not outlive the run.
  trap 'kill -- -"$asan_build_pid" 2>/dev/null' EXIT
fi

# asan_skip REASON: the asan tier as one skipped case saying why.
asan_skip() {
  echo "(asan tier skipped: $1)"
  mkdir -p "$abuild/test-results" && rm -f "$abuild/test-results/"*.xml
  bash "$here/sanitizers/report-xml.sh" skipped "$1" >"$abuild/test-results/asan-skipped.xml"
  groups+=(-- "$abuild/test-results")
}

for tier in "${tiers[@]}"; do
  if [[ "$tier" != asan ]]; then
    run_tier "$tier" "$build" "$results"
    continue
  fi
  echo "=== tier: asan"
  abuild="$build-asan"
  # A time budget (CI): PORTUNUS_RUN_START (epoch s) + PORTUNUS_TIME_BUDGET (s) is the deadline. The tier's tests
  # need PORTUNUS_ASAN_TEST_COST s (default 600) and, when the build did not run in the background, the build
  # PORTUNUS_ASAN_COST - that (default 1500 in all). What does not fit is one skipped case saying so; a background
  # build still running when only the tests' time is left is stopped.
  deadline=""
  test_cost=${PORTUNUS_ASAN_TEST_COST:-600}
  [[ -n "${PORTUNUS_TIME_BUDGET:-}" ]] && deadline=$((${PORTUNUS_RUN_START:-$(date +%s)} + PORTUNUS_TIME_BUDGET))
  if [[ -n "$deadline" && -z "$asan_build_pid" ]] && (($(date +%s) + ${PORTUNUS_ASAN_COST:-1500} > deadline)); then
    asan_skip "$((deadline - $(date +%s))) s left of the time budget, the tier needs ~${PORTUNUS_ASAN_COST:-1500} s"
    continue
  fi
  # shellcheck source=tests/sanitizers/env.sh
  source "$here/sanitizers/env.sh" "$abuild/test-results/sanitizer-reports"
  asan_built=0
  if [[ -n "$asan_build_pid" ]]; then
    while [[ -n "$deadline" ]] && kill -0 "$asan_build_pid" 2>/dev/null && (($(date +%s) + test_cost < deadline)); do
      sleep 5
    done
    if kill -0 "$asan_build_pid" 2>/dev/null && [[ -n "$deadline" ]]; then
      kill -- -"$asan_build_pid" 2>/dev/null
      wait "$asan_build_pid" 2>/dev/null
      tail -n 3 "$asan_build_log"
      asan_skip "the ASan build was not done with ${test_cost} s of the time budget left for its tests"
      continue
    fi
    wait "$asan_build_pid" || asan_built=$?
    tail -n 3 "$asan_build_log"
  else
    bash "$here/sanitizers/build-asan.sh" "$abuild" || asan_built=$?
  fi
  if ((asan_built != 0)); then
    [[ -n "$asan_build_pid" ]] && tail -n 40 "$asan_build_log"
    mkdir -p "$abuild/test-results" && bash "$here/sanitizers/report-xml.sh" "build" "ASan build failed" \
      >"$abuild/test-results/asan-build.xml"
    groups+=(-- "$abuild/test-results")
    continue
  fi
  if [[ -n "$deadline" ]] && (($(date +%s) + test_cost > deadline)); then
    asan_skip "$((deadline - $(date +%s))) s left of the time budget after the ASan build, its tests need ~${test_cost} s"
    continue
  fi
  rm -rf "$abuild/test-results" && mkdir -p "$SANITIZER_REPORTS"
  groups+=(-- "$abuild/test-results")
  run_tier unit "$abuild" "$abuild/test-results" asan
  run_tier dataplane "$abuild" "$abuild/test-results" asan
  INTEGRATION_TESTS=${PORTUNUS_ASAN_INTEGRATION:-} PORTUNUS_LAB_BUILD="$build" \
    run_tier integration "$abuild" "$abuild/test-results" asan
  bash "$here/sanitizers/report-xml.sh" reports "$SANITIZER_REPORTS" >"$abuild/test-results/asan-reports.xml"
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS SANITIZER_REPORTS PORTUNUS_SANITIZED
done
echo
exec /usr/bin/python3 "$here/summarize.py" "${groups[@]}"
