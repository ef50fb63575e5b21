#!/usr/bin/env bash
# Installs Debian's janus (1.1.2), the reference the tests against Janus (tests/integration/test_lab_janus.py) and
# `make bench` compare with. Janus is the reference, not a dependency: it goes in without its postinst starting a
# service (policy-rc.d refuses every start meanwhile), and none is left running. Needs root; idempotent.
set -euo pipefail
[[ -x /usr/bin/janus ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "install-janus: Debian's janus is missing; run as root to install it" >&2
  exit 1
fi
echo "install-janus: installing Debian's janus (service start suppressed)"
guard=/usr/sbin/policy-rc.d
had_guard=0
[[ -e "$guard" ]] && had_guard=1
[[ "$had_guard" == 1 ]] || printf '#!/bin/sh\nexit 101\n' >"$guard"
chmod +x "$guard"
status=0
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends janus >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends janus >/dev/null || status=$?
fi
[[ "$had_guard" == 1 ]] || rm -f "$guard"
if command -v systemctl >/dev/null && systemctl is-active --quiet janus 2>/dev/null; then
  systemctl stop janus
fi
exit "$status"
