"""Integration: the DPDK dataplane on a veth in network namespaces (DESIGN §6).

The appliance side runs `portunus-dp-harness` (dp::Dataplane from YAML plus pre-keyed flows; it stands in for
portunusd until the daemon wires the dataplane in) with its media port on one veth end through net_af_xdp and the
exception tap holding the appliance address. The client namespace holds the other end with a kernel address.
"""
import os
import pathlib
import re
import signal
import subprocess
import textwrap
import time

import pytest

BUILD = pathlib.Path(os.environ.get("PORTUNUS_BUILD", "build")).resolve()
HARNESS = BUILD / "tests/dataplane/portunus-dp-harness"
PEER = BUILD / "tests/dataplane/portunus-dp-srtp-peer"
APPLIANCE = "198.18.10.1"
CLIENT = "198.18.10.2"
RX_KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b"
TX_KEY = "101112131415161718191a1b1c1d1e1f202122232425262728292a2b"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not HARNESS.exists(), reason="needs root and the harness")


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kw)


def nsexec(ns, *args, **kw):
    return sh("ip", "netns", "exec", ns, *args, **kw)


class Lab:
    """Two namespaces and a veth; names carry the pid so parallel runs never collide."""

    def __init__(self, tmp, driver):
        tag = f"{os.getpid() % 100000}"
        self.app, self.cli = f"pdp-app-{tag}", f"pdp-cli-{tag}"
        self.veth_app, self.veth_cli, self.tap = f"pdpv{tag}a", f"pdpv{tag}b", f"pdpt{tag}"
        self.driver, self.tmp, self.proc = driver, tmp, None
        self.out = tmp / "harness.out"

    def up(self):
        for ns in (self.app, self.cli):
            sh("ip", "netns", "add", ns)
            nsexec(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
            nsexec(ns, "ip", "link", "set", "lo", "up")
        sh("ip", "link", "add", self.veth_app, "type", "veth", "peer", "name", self.veth_cli)
        sh("ip", "link", "set", self.veth_app, "netns", self.app)
        sh("ip", "link", "set", self.veth_cli, "netns", self.cli)
        nsexec(self.cli, "ip", "addr", "add", f"{CLIENT}/24", "dev", self.veth_cli)
        nsexec(self.cli, "ip", "link", "set", self.veth_cli, "up")
        nsexec(self.cli, "ethtool", "-K", self.veth_cli, "tx", "off")
        nsexec(self.app, "ip", "link", "set", self.veth_app, "up")
        if self.driver == "af_packet":  # AF_PACKET taps run before this hook: the kernel stops seeing the frames
            nsexec(self.app, "nft", "-f", "-", input=textwrap.dedent(f"""
                table netdev pdp {{
                  chain ingress {{ type filter hook ingress device {self.veth_app} priority 0; policy drop; }}
                }}"""))
        for _ in range(50):
            if "state UP" in nsexec(self.cli, "ip", "link", "show", self.veth_cli).stdout:
                break
            time.sleep(0.1)

    def start(self, flows):
        cfg = self.tmp / "dataplane.yaml"
        cfg.write_text(textwrap.dedent(f"""\
            dataplane:
              enabled: true
              eal_args: [--no-pci, --no-huge, -m, "512", --no-shconf, "--lcores=0@0,1@1,2@0", "--log-level=*:notice"]
              port: {{driver: {self.driver}, device: {self.veth_app}}}
              exception: {{driver: tap, name: {self.tap}, address: {APPLIANCE}, prefix: 24}}
              workers: [1, 2]
              mbufs: 8191
            """))
        flows_file = self.tmp / "flows.yaml"
        flows_file.write_text(flows)
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.app, str(HARNESS), str(cfg), str(flows_file)],
                                     stdout=open(self.out, "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if "ready" in self.out.read_text():
                return
            assert self.proc.poll() is None, self.out.read_text()
            time.sleep(0.1)
        raise AssertionError("harness not ready:\n" + self.out.read_text())

    def stop(self):
        """SIGTERM, then the counters the harness prints: {name: value} summed over workers."""
        counters = {}
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)
        for line in self.out.read_text().splitlines():
            m = re.fullmatch(r"([a-z_]+) (\d+)", line)
            if m:
                counters[m[1]] = counters.get(m[1], 0) + int(m[2])
            m = re.fullmatch(r"stream_(\d+) in (\d+) out (\d+)", line)
            if m:
                counters[f"stream_{m[1]}_in"], counters[f"stream_{m[1]}_out"] = int(m[2]), int(m[3])
        return counters

    def down(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for ns in (self.app, self.cli):
            sh("ip", "netns", "del", ns, check=False)


@pytest.fixture(params=["af_xdp", "af_packet"])
def lab(request, tmp_path):
    lab = Lab(tmp_path, request.param)
    try:
        lab.up()
        yield lab
    finally:
        lab.down()


UDP_SERVER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("{addr}", {port})); s.settimeout({timeout})
print("bound", flush=True)
got = 0
try:
    while True:
        d, a = s.recvfrom(2000); got += 1
        if {echo}: s.sendto(b"pong:" + d, a)
except socket.timeout:
    pass
print("got", got, flush=True)
"""


def test_kernel_udp_through_the_exception_path(lab):
    lab.start("transports: []\n")
    server = subprocess.Popen(["ip", "netns", "exec", lab.app, "python3", "-c",
                               UDP_SERVER.format(addr=APPLIANCE, port=7000, timeout=3, echo=True)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "bound"
    client = nsexec(lab.cli, "python3", "-c", textwrap.dedent(f"""
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("{CLIENT}", 6000)); s.settimeout(2)
        replies = []
        for i in range(5):
            s.sendto(b"ping%d" % i, ("{APPLIANCE}", 7000))
            replies.append(s.recvfrom(100)[0])
        s.settimeout(0.5)
        try:
            while True:
                replies.append(s.recvfrom(100)[0])
        except socket.timeout:
            pass
        print(len(replies), sorted(set(replies)) == sorted(replies))
        """))
    assert client.stdout.split() == ["5", "True"], client.stdout + client.stderr  # all answered, no duplicates
    server.wait(timeout=10)
    neigh = nsexec(lab.cli, "ip", "neigh", "show", APPLIANCE).stdout
    mac = nsexec(lab.app, "cat", f"/sys/class/net/{lab.veth_app}/address").stdout.strip()
    assert mac in neigh, f"ARP for {APPLIANCE} did not resolve to the media port's MAC {mac}: {neigh}"
    c = lab.stop()
    assert c.get("punt_arp", 0) >= 1
    assert c.get("exception_in", 0) >= 6  # ARP reply + 5 UDP replies from the kernel
    assert c.get("punt_unknown_udp", 0) == 5


def test_pre_keyed_flow_stays_on_the_fast_path(lab):
    lab.start(textwrap.dedent(f"""\
        transports:
          - local: {APPLIANCE}:40000
            remote: {CLIENT}:5000
            worker: 1
            profile: SRTP_AEAD_AES_128_GCM
            rx_key: {RX_KEY}
            tx_key: {TX_KEY}
            inbound: [1111]
            outbound: [2222]
            echo: [[1111, 2222]]
        """))
    # A kernel socket on the flow's own address: the fast path must never hand it a packet.
    server = subprocess.Popen(["ip", "netns", "exec", lab.app, "python3", "-c",
                               UDP_SERVER.format(addr=APPLIANCE, port=40000, timeout=4, echo=False)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "bound"
    peer = nsexec(lab.cli, str(PEER), "--local", f"{CLIENT}:5000", "--remote", f"{APPLIANCE}:40000",
                  "--profile", "SRTP_AEAD_AES_128_GCM", "--tx-key", RX_KEY, "--rx-key", TX_KEY,
                  "--send-ssrc", "1111", "--recv-ssrc", "2222", "--count", "200")
    assert peer.stdout.split()[:8] == ["sent", "200", "received", "200", "decrypted", "200", "ssrc_ok", "200"], \
        peer.stdout + peer.stderr
    out, _ = server.communicate(timeout=15)
    assert "got 0" in out
    c = lab.stop()
    assert c.get("punt_unknown_flow", 0) == 0
    assert c.get("drop_srtp_auth", 0) == 0
    assert any(k.endswith("_in") and v == 200 for k, v in c.items()), c
