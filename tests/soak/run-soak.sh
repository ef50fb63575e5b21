#!/usr/bin/env bash
# The churn soak (tests/integration/test_churn_soak.py) for as long as asked, e.g. a day before a release:
#   tests/soak/run-soak.sh [--hours H | --minutes M] [--peers N] [BUILD_DIR]     (as root; default 10 minutes)
# `make test` runs the same test for PORTUNUS_SOAK_MINUTES (CI default in tests/run-tests.sh). Prints the figures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minutes=10 peers=3 build=build
while (($#)); do
  case "$1" in
    --hours) minutes=$(python3 -c "print(float('$2') * 60)"); shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    -h|--help) sed -n 2,4p "$0"; exit 0 ;;
    *) build=$1; shift ;;
  esac
done
build=$(cd "$build" && pwd)
cd "$here/../integration"
PORTUNUS_BUILD="$build" PORTUNUS_SOAK_MINUTES="$minutes" PORTUNUS_SOAK_PEERS="$peers" \
  /usr/bin/python3 -m pytest -q -s -p no:cacheprovider test_churn_soak.py
