#!/usr/bin/env bash
# Installs, from Debian's apt only, every package the build and the test tiers need. Idempotent: installs only
# what is missing, so `make` can call it every time.
set -euo pipefail

packages=(
  build-essential g++ meson ninja-build pkg-config clang libclang-rt-14-dev clang-format clang-tidy
  libdpdk-dev dpdk libnice-dev libglib2.0-dev libssl-dev libsrtp2-dev libyaml-cpp-dev nlohmann-json3-dev
  libboost-dev libboost-test-dev libboost-program-options-dev libipsec-mb-dev libpcap-dev libbpf-dev libxdp-dev
  iproute2 ethtool nftables procps psmisc
  python3 python3-pytest python3-websocket gnuplot-nox
)
if [[ "${PORTUNUS_BROWSER_DEPS:-0}" == 1 ]]; then
  packages+=(chromium janus-demos libjs-janus-gateway nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  # A nodejs that bundles npm (NodeSource's, in this machine image) conflicts with Debian's npm package.
  [[ "$p" == npm ]] && command -v npm >/dev/null && continue
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
