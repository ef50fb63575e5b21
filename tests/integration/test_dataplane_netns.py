"""Integration: the DPDK dataplane on a veth in network namespaces (DESIGN §6), the lab layout of lib/netns.py.

The exception path runs with the real `portunusd` (its HTTP API and a kernel UDP socket on the appliance address
reach the client namespace through the exception tap). The pre-keyed fast-path flow runs with
`portunus-dp-harness` (dp::Dataplane from YAML plus pre-keyed flows) on the same layout.
"""
import os
import pathlib
import re
import signal
import subprocess
import textwrap
import time

import pytest

from lib.labrun import running_lab
from lib.netns import ApplianceLab, nsexec

BUILD = pathlib.Path(os.environ.get("PORTUNUS_BUILD", "build")).resolve()
DAEMON = BUILD / "controlplane" / "portunusd"
HARNESS = BUILD / "tests/dataplane/portunus-dp-harness"
PEER = BUILD / "tests/dataplane/portunus-dp-srtp-peer"
APPLIANCE = "198.18.10.1"
CLIENT = "198.18.10.2"
RX_KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b"
TX_KEY = "101112131415161718191a1b1c1d1e1f202122232425262728292a2b"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not HARNESS.exists() or not DAEMON.exists(),
                                reason="needs root, portunusd and the harness")


class HarnessLab(ApplianceLab):
    """The lab layout with `portunus-dp-harness` instead of portunusd: two workers and pre-keyed flows."""

    def __init__(self, tmp, driver):
        super().__init__(tmp, BUILD, driver=driver, prefix="dpf", subnet="198.18.10")
        self.out = self.tmp / "harness.out"

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


@pytest.fixture(params=["af_xdp", "af_packet"])
def lab(request, tmp_path):
    lab = HarnessLab(tmp_path, request.param)
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


def punts(lab):
    """The admin API's per-reason punt counters, summed over the workers, and the exception path's totals."""
    stats = lab.admin("dataplane_stats")["dataplane"]
    total = {}
    for w in stats["workers"]:
        for reason, n in w["punts"].items():
            total[reason] = total.get(reason, 0) + n
    total["exception_in"], total["exception_out"] = stats["exception_in"], stats["exception_out"]
    return total


@pytest.fixture(params=["af_xdp", "af_packet"])
def daemon_lab(request, tmp_path):
    with running_lab(tmp_path, driver=request.param, prefix="dpf", subnet="198.18.11") as lab:
        yield lab


def test_kernel_sockets_of_portunusd_work_through_the_exception_path(daemon_lab):
    """portunusd's DPDK port owns the veth: a kernel UDP socket on the appliance address answers the client once per
    datagram (ARP resolved to the media port's MAC, no duplicate delivery), the HTTP API answers over TCP, and the
    admin API's punt counters move by the right reasons."""
    lab = daemon_lab
    before = punts(lab)
    server = subprocess.Popen(["ip", "netns", "exec", lab.app, "python3", "-c",
                               UDP_SERVER.format(addr=lab.appliance, port=7000, timeout=3, echo=True)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "bound"
        client = nsexec(lab.cli, "python3", "-c", textwrap.dedent(f"""
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("{lab.client}", 6000)); s.settimeout(2)
            replies = []
            for i in range(5):
                s.sendto(b"ping%d" % i, ("{lab.appliance}", 7000))
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
        out, _ = server.communicate(timeout=10)
        assert "got 5" in out, out  # the kernel socket saw each datagram once
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    neigh = nsexec(lab.cli, "ip", "neigh", "show", lab.appliance).stdout
    mac = nsexec(lab.app, "cat", f"/sys/class/net/{lab.veth_app}/address").stdout.strip()
    assert mac in neigh, f"ARP for {lab.appliance} did not resolve to the media port's MAC {mac}: {neigh}"
    # TCP: the Janus API itself, from the client namespace through the tap.
    assert lab.janus({"janus": "info"})["janus"] == "server_info"
    after = punts(lab)
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
    assert delta.get("unknown_udp", 0) == 5, delta  # "ping" is no RTP/RTCP/STUN/DTLS (RFC 7983)
    assert delta.get("arp", 0) >= 1, delta
    assert delta.get("tcp", 0) >= 3, delta  # handshake, request, ACKs of the reply
    assert delta.get("unknown_flow", 0) == 0 and delta.get("stun", 0) == 0, delta
    assert delta["exception_out"] == sum(v for k, v in delta.items() if not k.startswith("exception_")), delta
    assert delta["exception_in"] >= 5 + 1 + 2, delta  # 5 UDP replies, the ARP reply, the HTTP answer


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
