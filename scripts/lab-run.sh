#!/usr/bin/env bash
# `make run`: the appliance in the lab layout of DESIGN §6, torn down on Ctrl-C or exit.
#   netns pdp-cli-<pid>: veth end 198.18.0.2/24 (clients run here)
#   netns pdp-app-<pid>: veth end owned by DPDK (af_xdp), exception tap 198.18.0.1/24 created by the dataplane,
#                        the daemon
# Usage: scripts/lab-run.sh BUILD CONFIG
#   PORTUNUS_DAEMON  the daemon binary (default BUILD/controlplane/portunusd; if missing, the dataplane harness
#                    BUILD/tests/dataplane/portunus-dp-harness runs instead, without the Janus API)
set -euo pipefail
build=${1:?usage: lab-run.sh BUILD CONFIG}
config=${2:?usage: lab-run.sh BUILD CONFIG}
[[ $(id -u) -eq 0 ]] || { echo "lab-run.sh: needs root (network namespaces, DPDK)" >&2; exit 1; }
daemon=${PORTUNUS_DAEMON:-$build/controlplane/portunusd}
daemon_args=(-c "$config")
if [[ ! -x "$daemon" ]]; then
  echo "lab-run.sh: $daemon not built; running the dataplane harness (no Janus API) instead" >&2
  daemon=$build/tests/dataplane/portunus-dp-harness
  daemon_args=("$config")
  [[ -x "$daemon" ]] || { echo "lab-run.sh: $daemon missing too: run 'make build' first" >&2; exit 1; }
fi

tag=$$
app=pdp-app-$tag cli=pdp-cli-$tag
veth_app=pdpv${tag}a veth_cli=pdpv${tag}b
appliance=198.18.0.1 client=198.18.0.2
pid=""
demo_pid=""

cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$demo_pid" ]]; then kill -TERM "$demo_pid" 2>/dev/null || true; fi
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  ip netns del "$app" 2>/dev/null || true  # takes the veth pair and the tap with it
  ip netns del "$cli" 2>/dev/null || true
  echo "lab-run.sh: lab torn down"
}
trap cleanup EXIT INT TERM

for ns in "$app" "$cli"; do
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip netns exec "$ns" ip link set lo up
done
ip link add "$veth_app" type veth peer name "$veth_cli"
ip link set "$veth_app" netns "$app"
ip link set "$veth_cli" netns "$cli"
ip netns exec "$cli" ip addr add "$client/24" dev "$veth_cli"
ip netns exec "$cli" ip link set "$veth_cli" up
# Frames must leave the client with finished UDP checksums: the kernel behind the tap checks them.
ip netns exec "$cli" ethtool -K "$veth_cli" tx off >/dev/null
ip netns exec "$app" ip link set "$veth_app" up
for _ in $(seq 50); do
  ip netns exec "$cli" ip link show "$veth_cli" | grep -q "state UP" && break
  sleep 0.1
done
# bpffs stays unmounted (libxdp then loads its program without the dispatcher; mounting it makes it fail).

ip netns exec "$app" "$daemon" "${daemon_args[@]}" --set "dataplane.port.device=$veth_app" &
pid=$!

# The Janus demo pages (Debian janus-demos), served in the client namespace with a settings.js pointing at the
# appliance: port 8000 = REST long-poll, 8001 = WebSocket. Optional: without node or the demos the lab runs as before.
demos_info="  Janus demos:       not served (install them: PORTUNUS_BROWSER_DEPS=1 bash scripts/install-deps.sh)"
repo=$(cd "$(dirname "$0")/.." && pwd)
if [[ -f /usr/share/janus/demos/echotest.html ]] && command -v node >/dev/null; then
  ip netns exec "$cli" node "$repo/tests/browser/demo-server.mjs" --appliance "$appliance" --bind 0.0.0.0 \
    --port 8000 >/dev/null &
  demo_pid=$!
  demos_info="  Janus demos:       http://127.0.0.1:8000/echotest.html (REST)  http://127.0.0.1:8001/echotest.html (WS)
                     (served in the client namespace; open them from there, see README \"Try it in a browser\")"
fi

cat <<INFO

Portunus lab is up (Ctrl-C stops it and removes the namespaces).
  Janus API (HTTP):  http://$appliance:8088/janus
  Janus API (WS):    ws://$appliance:8188
  Admin API:         http://127.0.0.1:7088/admin   (inside the appliance namespace: ip netns exec $app curl ...)
  Client namespace:  ip netns exec $cli <command>
    e.g.             ip netns exec $cli curl -s http://$appliance:8088/janus/info
                     ip netns exec $cli $build/lab/portunus-lab --server http://$appliance:8088/janus
  Appliance netns:   $app (veth $veth_app owned by DPDK, exception tap with $appliance)
$demos_info

INFO
wait "$pid"
