#!/usr/bin/env bash
# make bench-dataplane: encrypted-egress packets/s per worker for 1 -> N fan-out at 200 B and 1200 B, GCM and
# CM-SHA1, with each SRTP engine (intel-ipsec-mb where built and supported, libsrtp2 + OpenSSL), fed through
# net_memif by a generator process, against the same engine's crypto floor measured in the same run, and the ratio.
# Then the raw crypto floor of intel-ipsec-mb's direct job API against DPDK's crypto_aesni_mb cryptodev.
# A benchmark, not a test: numbers on a shared 2-core VM are noisy. Ends with one line per case (~3 min).
# Usage: bench/dataplane.sh BUILD [SECONDS]
set -euo pipefail
build=${1:?usage: bench/dataplane.sh BUILD [SECONDS]}
seconds=${2:-2}
bin=$build/bench/portunus-bench-dataplane
cryptodev=$build/bench/cryptodev-floor
[[ $(id -u) -eq 0 ]] || { echo "bench-dataplane needs root (DPDK)" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "$bin missing: make build" >&2; exit 1; }
engines=(libsrtp2)
"$bin" --engine ipsec-mb --check 1 2>/dev/null && engines=(ipsec-mb libsrtp2)
lines=()
for engine in "${engines[@]}"; do
  for profile in SRTP_AEAD_AES_128_GCM SRTP_AES128_CM_SHA1_80; do
    for size in 200 1200; do
      for fanout in 1 8 20; do
        line=$("$bin" --engine "$engine" --profile "$profile" --size "$size" --fanout "$fanout" \
          --seconds "$seconds" 2>/dev/null | grep '^bench-dataplane ' ||
          echo "bench-dataplane $engine/$profile ${size}B fanout=$fanout: failed")
        echo "$line"
        lines+=("$line")
      done
    done
  done
done
if [[ -x "$cryptodev" ]]; then
  while IFS= read -r line; do
    echo "$line"
    lines+=("$line")
  done < <("$cryptodev" 2>/dev/null | grep '^crypto-floor ' || echo "crypto-floor: failed")
fi
echo
printf '%s\n' "${lines[@]}"
