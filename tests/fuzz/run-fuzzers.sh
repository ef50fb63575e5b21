#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build dir and runs each briefly on its seed corpus
# (tests/fuzz/corpus/<target>/: every directory there is a target `fuzz_<target>`), writing one JUnit testcase per
# target into RESULTS_DIR/fuzz.xml. A crash, a leak (LeakSanitizer), an input slower than FUZZ_TIMEOUT seconds or
# running out of memory fails the target; the log and the offending input stay in RESULTS_DIR.
# Usage: tests/fuzz/run-fuzzers.sh [--long] [RESULTS_DIR]     (--long: 10 minutes per target instead of 20 s)
# FUZZ_SECONDS overrides the time per target, FUZZ_TARGETS="a b" runs only those.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-20}
results=""
for arg in "$@"; do
  case "$arg" in
    --long) seconds=600 ;;
    *) results=$arg ;;
  esac
done
results=${results:-$root/build-fuzz/fuzz-results}
mkdir -p "$results"
results=$(cd "$results" && pwd)
build="$root/build-fuzz"
targets=()
if [[ -n "${FUZZ_TARGETS:-}" ]]; then
  read -ra targets <<<"$FUZZ_TARGETS"
else
  for dir in "$here"/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
timeout_s=${FUZZ_TIMEOUT:-10}

xml="$results/fuzz.xml"
write_xml() {  # name seconds status(0=pass) message
  local failures=0
  for s in "${statuses[@]}"; do ((s != 0)) && failures=$((failures + 1)); done
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuite name=\"fuzz\" tests=\"${#names[@]}\" failures=\"$failures\" errors=\"0\" skipped=\"0\">"
    for i in "${!names[@]}"; do
      echo "  <testcase classname=\"fuzz\" name=\"${names[$i]}\" time=\"${times[$i]}\">"
      if ((statuses[i] != 0)); then
        echo "    <failure message=\"${messages[$i]}\"/>"
      fi
      echo "  </testcase>"
    done
    echo "</testsuite>"
  } >"$xml"
}
names=() times=() statuses=() messages=()

if [[ ! -f "$build/build.ninja" ]]; then
  # Every library is instrumented for coverage and checked by ASan+UBSan, not only the fuzzer's own file.
  if ! CXX=clang++ CC=clang meson setup "$build" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" \
    -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" >"$results/fuzz-setup.log" 2>&1; then
    echo "fuzz: meson setup failed (see $results/fuzz-setup.log)"
    names=(build) times=(0) statuses=(1) messages=("meson setup with clang failed")
    write_xml
    exit 1
  fi
fi
ninja_targets=()
for t in "${targets[@]}"; do ninja_targets+=("tests/fuzz/fuzz_$t"); done
if ! ninja -C "$build" -j2 "${ninja_targets[@]}" >"$results/fuzz-build.log" 2>&1; then
  echo "fuzz: build failed (see $results/fuzz-build.log)"
  names=(build) times=(0) statuses=(1) messages=("fuzz target build failed")
  write_xml
  exit 1
fi

rc=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  start=$(date +%s)
  seeds=$(find "$here/corpus/$t" -type f | wc -l)
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    "$build/tests/fuzz/fuzz_$t" "$work" "$here/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout="$timeout_s" -max_len=16384 -detect_leaks=1 \
    -artifact_prefix="$results/fuzz-$t-" -print_final_stats=1 >"$results/fuzz-$t.log" 2>&1
  status=$?
  names+=("$t")
  times+=("$(($(date +%s) - start))")
  statuses+=("$status")
  if ((status == 0)); then
    messages+=("")
    runs=$(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$results/fuzz-$t.log" | awk '{print $2}')
    echo "fuzz $t: ok ($runs runs in ${seconds}s, corpus $seeds seeds -> $((seeds + $(find "$work" -type f | wc -l))) inputs)"
  else
    messages+=("crash, leak or timeout, see fuzz-$t.log and the fuzz-$t-* artifact")
    echo "fuzz $t: FAILED (see $results/fuzz-$t.log)"
    rc=1
  fi
  rm -rf "$work"
done
write_xml
exit $rc
