#!/bin/bash
# make bench: Portunus and Janus 1.1.2 under the same portunus-lab scenarios (bench/bench.py), then the dataplane
# ceiling vs the crypto floor (bench/dataplane.sh). Needs root. Usage: bench/run.sh [BUILD_DIR] [bench.py options]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BUILD="${1:-$HERE/../build}"
shift || true

if [ ! -x /usr/bin/janus ]; then
  # Janus is the reference, not a dependency: install it without letting its postinst start a service
  # (policy-rc.d refuses every start while the package goes in), and never leave one running.
  echo "bench: installing Debian's janus (service start suppressed)"
  guard=/usr/sbin/policy-rc.d
  had_guard=0
  [ -e "$guard" ] && had_guard=1
  [ "$had_guard" = 1 ] || printf '#!/bin/sh\nexit 101\n' >"$guard"
  chmod +x "$guard"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends janus || true
  [ "$had_guard" = 1 ] || rm -f "$guard"
  if command -v systemctl >/dev/null && systemctl is-active --quiet janus 2>/dev/null; then
    systemctl stop janus
  fi
fi

ninja -C "$BUILD" -j2 lab/portunus-lab controlplane/portunusd bench/portunus-bench-dataplane bench/cryptodev-floor
start=$(date +%s)
/usr/bin/python3 "$HERE/bench.py" "$BUILD" "$@"
bash "$HERE/dataplane.sh" "$BUILD"
echo "bench: total $(( $(date +%s) - start )) s"
