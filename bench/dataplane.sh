#!/usr/bin/env bash
# make bench-dataplane: encrypted-egress packets/s per worker for 1 -> N fan-out at 200 B and 1200 B, GCM and
# CM-SHA1, with each SRTP engine (intel-ipsec-mb where built and supported, libsrtp2 + OpenSSL), against the same
# engine's crypto floor measured in the same run, and the ratio. Then the raw crypto floor of intel-ipsec-mb's direct
# job API against DPDK's crypto_aesni_mb cryptodev.
# Each case runs twice (see bench/DataplaneBench.cpp and docs/PERFORMANCE.md):
#  - the line of record, --feed local: the frames are made inside the worker's rx burst, their making timed and not
#    charged, so that the worker's packets are in its cache as the floor's are; the worker is charged for its busy
#    loop iterations and the floor is the fan-out's crypto-only rate;
#  - below it, --feed ring: the frames made by a thread on the other CPU and handed over by pointer (a NIC's
#    descriptor rings), so that each arrives in another core's cache - what that costs on this VM's two vCPUs.
# Within a case the floor and the worker are measured in turn, five rounds, and the round of the median ratio is the
# line (a shared host's fast and slow phases then fall on both sides of each ratio; the log has every round).
# Under each line of record, the SRTP engine's share of the worker's busy time (its TSC around each batch call) and
# its speed there against the floor: what is left of the busy time is the forwarding around the engine.
# Each case's details (CPU shares, floors, drops) go to $BENCH_LOG (default /tmp/bench-dataplane.log); a case that
# prints no line is shown as failed with its exit status.
# A benchmark, not a test: numbers on a shared 2-core VM are noisy. Ends with one line per case (~5 min).
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
log=${BENCH_LOG:-/tmp/bench-dataplane.log}
: >"$log"
lines=()
for engine in "${engines[@]}"; do
  for profile in SRTP_AEAD_AES_128_GCM SRTP_AES128_CM_SHA1_80; do
    for size in 200 1200; do
      for fanout in 1 8 20; do
        echo "== $engine $profile ${size}B fanout=$fanout" >>"$log"
        status=0
        out=$(timeout 120 "$bin" --feed local --engine "$engine" --profile "$profile" --size "$size" \
          --fanout "$fanout" --seconds "$seconds" 2>>"$log") || status=$?
        echo "$out" >>"$log"
        line=$(grep '^bench-dataplane ' <<<"$out" ||
          echo "bench-dataplane $engine/$profile ${size}B fanout=$fanout: failed (exit $status, see $log)")
        echo "$line"
        lines+=("$line")
        srtp=$(tail -n 20 "$log" | grep -o 'SRTP engine [0-9.]* % of the busy time' | tail -n 1 || true)
        speed=$(tail -n 20 "$log" | grep -o 'at [0-9.]* of its floor speed' | tail -n 1 || true)
        [[ -n $srtp ]] && echo "  ($srtp, the engine $speed)"
        echo "== $engine $profile ${size}B fanout=$fanout, frames from the other core" >>"$log"
        out=$(timeout 120 "$bin" --feed ring --engine "$engine" --profile "$profile" --size "$size" \
          --fanout "$fanout" --seconds "$seconds" 2>>"$log") || true
        echo "$out" >>"$log"
        ratio=$(grep -o 'ratio [0-9.]*$' <<<"$out" || echo "ratio failed")
        tx=$(tail -n 20 "$log" | grep -o 'port tx [0-9.]* %' | tail -n 1 || true)
        echo "  (frames from the other core: $ratio${tx:+; $tx of the busy time})"
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
