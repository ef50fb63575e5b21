#!/usr/bin/env bash
# make bench-dataplane: encrypted-egress packets/s per worker for 1 -> N fan-out at 200 B and 1200 B, GCM and
# CM-SHA1, fed through net_memif by a generator process, with the same run's crypto floor and the ratio.
# A benchmark, not a test: numbers on a shared 2-core VM are noisy. Ends with one line per case.
# Usage: bench/dataplane.sh BUILD [SECONDS]
set -euo pipefail
build=${1:?usage: bench/dataplane.sh BUILD [SECONDS]}
seconds=${2:-3}
bin=$build/bench/portunus-bench-dataplane
[[ $(id -u) -eq 0 ]] || { echo "bench-dataplane needs root (DPDK)" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "$bin missing: make build" >&2; exit 1; }
lines=()
for profile in SRTP_AEAD_AES_128_GCM SRTP_AES128_CM_SHA1_80; do
  for size in 200 1200; do
    for fanout in 1 8; do
      line=$("$bin" --profile "$profile" --size "$size" --fanout "$fanout" --seconds "$seconds" 2>/dev/null |
        grep '^bench-dataplane ' || echo "bench-dataplane $profile ${size}B fanout=$fanout: failed")
      echo "$line"
      lines+=("$line")
    done
  done
done
echo
printf '%s\n' "${lines[@]}"
