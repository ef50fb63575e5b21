#!/bin/bash
# make bench: Portunus and Janus 1.1.2 under the same portunus-lab scenarios (bench/bench.py), then the dataplane
# ceiling vs the crypto floor (bench/dataplane.sh). Needs root. Usage: bench/run.sh [BUILD_DIR] [bench.py options]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BUILD="${1:-$HERE/../build}"
shift || true

bash "$HERE/../scripts/install-janus.sh" || true  # without it bench.py stops, saying Janus is missing

ninja -C "$BUILD" -j2 lab/portunus-lab controlplane/portunusd bench/portunus-bench-dataplane bench/cryptodev-floor
start=$(date +%s)
/usr/bin/python3 "$HERE/bench.py" "$BUILD" "$@"
bash "$HERE/dataplane.sh" "$BUILD"
echo "bench: total $(( $(date +%s) - start )) s"
