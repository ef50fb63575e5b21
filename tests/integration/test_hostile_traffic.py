"""Hostile traffic at a live appliance (issue 8): an EchoTest PeerConnection runs for ~20 s (portunus-lab in the
client namespace sending audio and video through the dataplane) while lib/storm.py, in the same namespace, throws
random UDP at the media port range, forged, truncated and SSRC-swapped SRTP/SRTCP and replays on the live flow's
5-tuple (raw IP_HDRINCL socket with the peer's source port), and STUN binding requests with bad integrity.

Checked: the live call keeps its media (the appliance lost at most 0.5 % of what the streams sent after the
warm-up, no payload mismatch, no duplicate — a replay that got through would show as one — and no SRTP failure at
the peer), portunusd stays up and serving (API and Admin API answer during and after the storm), and the dataplane
counted the storm by reason: SRTP authentication and replay drops, unknown-SSRC drops, STUN and unknown-flow
punts. The figures are printed (run with -s to see them)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib import labrun
from lib.netns import ApplianceLab
from lib.labrun import wait_for

BUILD = Path(os.environ.get("PORTUNUS_BUILD", Path(__file__).resolve().parents[2] / "build")).resolve()
DAEMON = BUILD / "controlplane" / "portunusd"
LAB = labrun.LAB
STORM = Path(__file__).resolve().parent / "lib" / "storm.py"
PORT_RANGE = "40000-40099"
MIN_RATIO = 0.995  # the live streams' delivered ratio during the storm, the client's own socket drops aside
# What the echo lost is the appliance's loss only when the client's kernel did not drop it: with the 2 cores shared,
# the storm (and other work on the machine) can starve portunus-lab, whose socket buffer then overflows
# (RcvbufErrors in the client namespace; a run where the peer lost 160 packets counted exactly 160 there, with no
# capacity drop — no_mbuf, handoff_full, tx_full — in the dataplane). The peer itself only checks a sanity floor.
PEER_MIN_RATIO = 0.5

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces and DPDK"),
    pytest.mark.skipif(not DAEMON.exists() or not LAB.exists(), reason="portunusd or portunus-lab not built"),
]



def selected_pair(lab):
    """(appliance port, peer port) of the live PeerConnection, from handle_info."""
    for sid in lab.admin("list_sessions").get("sessions", []):
        for hid in lab.admin("list_handles", f"/{sid}").get("handles", []):
            info = lab.admin("handle_info", f"/{sid}/{hid}").get("info", {})
            webrtc = info.get("webrtc", {})
            pair = webrtc.get("ice", {}).get("selected-pair")
            counters = webrtc.get("dataplane", {}).get("counters", {})
            if pair and counters.get("packets_in", 0) > 20:
                local, remote = (side.strip() for side in pair.split("<->"))
                return int(local.rsplit(":", 1)[1]), int(remote.rsplit(":", 1)[1])
    return None


def udp_errors(ns):
    """The client kernel's UDP receive errors (a full socket buffer at the peer is not the appliance's loss)."""
    lines = [line.split() for line in subprocess.run(["ip", "netns", "exec", ns, "cat", "/proc/net/snmp"],
                                                      capture_output=True, text=True).stdout.splitlines()
             if line.startswith("Udp:")]
    fields = dict(zip(lines[0][1:], (int(v) for v in lines[1][1:])))
    return {"rcvbuf_errors": fields["RcvbufErrors"], "in_errors": fields["InErrors"]}


def drops_and_punts(stats):
    drops, punts = {}, {}
    for w in stats["workers"]:
        for k, v in w["drops"].items():
            drops[k] = drops.get(k, 0) + v
        for k, v in w["punts"].items():
            punts[k] = punts.get(k, 0) + v
    return drops, punts


def delta(after, before):
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


@pytest.fixture
def lab(tmp_path):
    lab = ApplianceLab(tmp_path, BUILD, driver="af_xdp", prefix="hrd", subnet="198.18.62")
    try:
        lab.up()
        lab.start(extra=f"nat: {{rtp_port_range: \"{PORT_RANGE}\"}}\n")
        yield lab
    finally:
        lab.stop()
        lab.down()


def test_live_call_survives_a_storm(lab, tmp_path):
    report_path = tmp_path / "report.json"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "echotest", "--server", f"http://{lab.appliance}:8088/janus",
           "--ice-address", lab.client, "--duration", "20", "--warmup", "1", "--min-ratio", str(PEER_MIN_RATIO),
           "--json", str(report_path)]
    peer = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    storm_out = None
    try:
        pair = wait_for(lambda: selected_pair(lab), timeout=15)
        assert pair, "the EchoTest PeerConnection did not come up"
        app_port, peer_port = pair
        before = lab.admin("dataplane_stats")["dataplane"]
        client_before = udp_errors(lab.cli)
        storm = subprocess.run(
            ["ip", "netns", "exec", lab.cli, sys.executable, str(STORM), "--dev", lab.veth_cli, "--src", lab.client,
             "--dst", lab.appliance, "--sport", str(peer_port), "--dport", str(app_port), "--range", PORT_RANGE,
             "--duration", "12", "--rate", os.environ.get("STORM_RATE", "2000")],
            capture_output=True, text=True, timeout=60)
        print(storm.stderr[-2000:])
        assert storm.returncode == 0, storm.stdout + storm.stderr
        storm_out = json.loads(storm.stdout.strip().splitlines()[-1])
        # Still serving right after the storm, with the call up.
        assert lab.janus({"janus": "info"})["janus"] == "server_info"
        assert lab.admin("dataplane_stats")["dataplane"]["transports_count"] == 1
        after = lab.admin("dataplane_stats")["dataplane"]
        client_errors = delta(udp_errors(lab.cli), client_before)
    finally:
        out, err = peer.communicate(timeout=60)
        print(out)
        print(err[-3000:])
    assert lab.proc.poll() is None, "portunusd died:\n" + lab.log.read_text()[-4000:]
    report = json.loads(report_path.read_text())

    drops, punts = (delta(a, b) for a, b in zip(drops_and_punts(after), drops_and_punts(before)))
    figures = {"storm": storm_out, "drops": drops, "punts": punts, "client_udp_errors": client_errors,
               "live": [{k: s[k] for k in ("kind", "sent", "received", "lost", "duplicates", "bad_payloads")}
                        for s in report["streams"]]}
    print("hostile traffic figures:", json.dumps(figures, indent=1))
    (tmp_path / "figures.json").write_text(json.dumps(figures))

    # The live call kept its media.
    assert peer.returncode == 0, report.get("problems")
    assert sorted(s["kind"] for s in report["streams"]) == ["audio", "video"]
    for s in report["streams"]:
        assert s["sent"] > 0
        assert s["bad_payloads"] == 0, s
        assert s["duplicates"] == 0, s  # no replay reached the peer
    # Counted, not timed: the packets the echo lost minus those the client's kernel dropped at the peer's full socket
    # (every UDP receive-buffer drop in the client namespace during the storm counts as one of them) is the
    # appliance's loss, at most 0.5 % of what was sent.
    sent = sum(s["sent"] for s in report["streams"])
    lost = sum(s["sent"] - s["received"] for s in report["streams"])
    appliance_lost = max(0, lost - client_errors.get("rcvbuf_errors", 0))
    assert appliance_lost <= (1 - MIN_RATIO) * sent, figures  # figures: the capacity drops by reason, if any
    assert report["counters"]["srtp_in_failed"] == 0

    # The storm was thrown and counted by reason.
    assert storm_out["total"] >= 10000, storm_out
    assert drops.get("srtp_auth", 0) > 0, drops       # forged and truncated SRTP/SRTCP
    assert drops.get("srtp_replay", 0) > 0, drops     # replays
    assert drops.get("unknown_ssrc", 0) > 0, drops    # SSRC swapped
    assert punts.get("stun", 0) > 0, punts            # bad-integrity binding requests go to ICE, which refuses them
    assert punts.get("unknown_flow", 0) + punts.get("unknown_udp", 0) > 0, punts  # random UDP

    # Still serving, and the call's resources are gone after its hangup.
    assert lab.janus({"janus": "info"})["janus"] == "server_info"
    assert wait_for(lambda: lab.admin("dataplane_stats")["dataplane"]["transports_count"] == 0, timeout=10)
