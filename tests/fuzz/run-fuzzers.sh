#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build dir and runs each briefly on its seed corpus
# (tests/fuzz/corpus/<target>/), writing one JUnit testcase per target into RESULTS_DIR/fuzz.xml.
# Usage: tests/fuzz/run-fuzzers.sh [--long] [RESULTS_DIR]     (--long: 10 minutes per target instead of 20 s)
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
for dir in "$here"/corpus/*/; do targets+=("$(basename "$dir")"); done

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
  if ! CXX=clang++ CC=clang meson setup "$build" -Dfuzz=true >"$results/fuzz-setup.log" 2>&1; then
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
  "$build/tests/fuzz/fuzz_$t" "$work" "$here/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -artifact_prefix="$results/fuzz-$t-" -print_final_stats=1 >"$results/fuzz-$t.log" 2>&1
  status=$?
  names+=("$t")
  times+=("$(($(date +%s) - start))")
  statuses+=("$status")
  if ((status == 0)); then
    messages+=("")
    echo "fuzz $t: ok ($(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$results/fuzz-$t.log" | awk '{print $2}') runs in ${seconds}s)"
  else
    messages+=("crash or leak, see fuzz-$t.log and the fuzz-$t-* artifact")
    echo "fuzz $t: FAILED (see $results/fuzz-$t.log)"
    rc=1
  fi
  rm -rf "$work"
done
write_xml
exit $rc
