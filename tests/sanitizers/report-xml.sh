#!/usr/bin/env bash
# JUnit XML for the asan tier's own verdicts, counted by tests/summarize.py like any other tier.
#   report-xml.sh reports DIR    one failing test case per sanitizer report file in DIR, or one passing case
#   report-xml.sh build MESSAGE  one failing case "asan build"
#   report-xml.sh skipped MESSAGE one skipped case "asan tier" (the CI time budget had no room left for it)
set -uo pipefail
esc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }
echo '<?xml version="1.0" encoding="UTF-8"?>'
case "$1" in
  build)
    echo '<testsuite name="asan" tests="1" failures="1">'
    echo "  <testcase classname=\"asan\" name=\"build\"><failure message=\"$(printf %s "$2" | esc)\"/></testcase>"
    ;;
  skipped)
    echo '<testsuite name="asan" tests="1" failures="0" skipped="1">'
    echo "  <testcase classname=\"asan\" name=\"tier\"><skipped message=\"$(printf %s "$2" | esc)\"/></testcase>"
    ;;
  reports)
    mapfile -t files < <(find "$2" -type f 2>/dev/null | sort)
    if ((${#files[@]} == 0)); then
      echo '<testsuite name="asan" tests="1" failures="0">'
      echo '  <testcase classname="asan" name="no sanitizer reports"/>'
    else
      echo "<testsuite name=\"asan\" tests=\"${#files[@]}\" failures=\"${#files[@]}\">"
      for f in "${files[@]}"; do
        echo "sanitizer report $f:" >&2
        head -n 40 "$f" >&2
        first=$(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$f" | esc)
        echo "  <testcase classname=\"asan\" name=\"$(basename "$f")\"><failure message=\"$first\"/></testcase>"
      done
    fi
    ;;
esac
echo '</testsuite>'
