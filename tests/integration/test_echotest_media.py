"""EchoTest end to end in network namespaces (DESIGN §6): portunusd in the appliance namespace with its DPDK port
on the veth (af_xdp or af_packet) and the exception tap holding the appliance address; portunus-lab in the client
namespace offers audio and video over the Janus API (HTTP long-poll or WebSocket), ICE and DTLS run through the
exception path, and the dataplane echoes the SRTP media on the fast path. Checked: every packet echoed with
verified payloads, the dataplane (not the kernel) carried the media, and no dataplane object is left after the
hangup."""
import json
import subprocess

import pytest

from lib.labrun import LAB, NEEDS_LAB, running_lab, wait_for

pytestmark = NEEDS_LAB


# Each SRTP engine end to end at no extra cost: intel-ipsec-mb on af_xdp, libsrtp2 (+ OpenSSL) on af_packet.
ENGINES = {"ipsec-mb": "ipsec-mb", "libsrtp2": "libsrtp2-openssl"}  # dataplane.srtp_engine -> the engine's name


@pytest.fixture(params=[("af_xdp", "ipsec-mb"), ("af_packet", "libsrtp2")], ids=lambda p: f"{p[0]}-{p[1]}")
def lab(request, tmp_path):
    driver, engine = request.param
    with running_lab(tmp_path, driver=driver, srtp_engine=engine) as lab:
        yield lab


def run_lab(lab, tmp_path, transport, *extra, timeout=40):
    report = tmp_path / f"report-{transport}.json"
    server = f"http://{lab.appliance}:8088/janus" if transport == "http" else f"ws://{lab.appliance}:8188"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "echotest", "--server", server, "--transport", transport,
           "--ice-address", lab.client, "--duration", "3", "--warmup", "0.5", "--json", str(report), *extra]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    print(" ".join(cmd))
    print(result.stdout)
    print(result.stderr[-4000:])
    assert report.exists(), result.stderr[-2000:]
    return result, json.loads(report.read_text())



@pytest.mark.parametrize("transport", ["http", "ws"])
def test_echotest_media_on_the_fast_path(lab, tmp_path, transport):
    info = lab.admin("get_status")
    assert info["status"]["dataplane"]["enabled"] is True
    # The configured engine runs the workers: named in get_status and in the daemon's startup line.
    engine = ENGINES[lab.srtp_engine]
    assert info["status"]["dataplane"]["srtp_engine"] == engine
    assert f"srtp engine {engine}" in lab.log.read_text()
    before = lab.admin("dataplane_stats")["dataplane"]

    result, report = run_lab(lab, tmp_path, transport)
    assert result.returncode == 0, report.get("problems")
    assert report["passed"], report
    assert sorted(s["kind"] for s in report["streams"]) == ["audio", "video"]
    sent = 0
    for s in report["streams"]:
        assert s["sent"] > 0
        assert s["lost"] == 0, s
        assert s["received"] == s["sent"], s
        assert s["bad_payloads"] == 0, s
        assert s["duplicates"] == 0, s
        sent += s["sent"]
    assert report["counters"]["srtp_in_failed"] == 0
    # Janus's event sequence: webrtcup, media per kind, then on our hangup: hangup, EchoTest's "done", detached.
    events = report["events"]
    assert events[:1] == ["webrtcup"], events
    assert {"media audio true", "media video true"} <= set(events), events
    assert "hangup Janus API" in events, events
    done = 'event {"echotest":"event","result":"done"}'
    assert done in events and events.index(done) > events.index("hangup Janus API"), events
    # Portunus answers a=setup:active like Janus: the offering lab peer is the DTLS server.
    assert report["dtls_role"] == "server"

    # After the hangup no transport, stream or route is left, and the workers' counters show the fast path
    # carried the media: at least every echoed packet in and out, far more than the exception path saw.
    stats = wait_for(lambda: (s := lab.admin("dataplane_stats")["dataplane"])["transports_count"] == 0 and s)
    assert stats, lab.admin("dataplane_stats")
    assert stats["streams_count"] == 0
    rx = stats["rx_packets"] - before["rx_packets"]
    tx = stats["tx_packets"] - before["tx_packets"]
    punted = stats["exception_in"] - before["exception_in"]
    assert rx >= sent and tx >= sent, (rx, tx, sent)
    # The DTLS-exported keys went through that engine: every packet decrypted and re-encrypted (the lab verified
    # each echoed payload with its own libsrtp2), no SRTP drop on the way.
    assert stats["srtp_engine"] == engine
    assert not any(r.startswith("srtp") for w in stats["workers"] for r in w["drops"]), stats["workers"]
    assert punted < sent // 4, (punted, sent)  # ICE, DTLS and RTCP only

    metrics = lab.metrics()
    assert "portunus_dataplane_up 1" in metrics
    assert "portunus_dataplane_transports 0" in metrics


def test_handle_info_during_the_call_and_teardown_on_detach(lab, tmp_path):
    """While media flows, handle_info shows ICE/DTLS/SDP state and the dataplane's per-transport counters."""
    report = tmp_path / "report.json"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "echotest", "--server", f"http://{lab.appliance}:8088/janus",
           "--ice-address", lab.client, "--duration", "6", "--warmup", "0.5", "--json", str(report)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def media_info():
            sessions = lab.admin("list_sessions").get("sessions", [])
            for sid in sessions:
                for hid in lab.admin("list_handles", f"/{sid}").get("handles", []):
                    info = lab.admin("handle_info", f"/{sid}/{hid}").get("info", {})
                    counters = info.get("webrtc", {}).get("dataplane", {}).get("counters", {})
                    if counters.get("packets_in", 0) > 50:
                        return info
            return None
        info = wait_for(media_info, timeout=8)
        assert info, "no handle with media counters"
        webrtc = info["webrtc"]
        assert webrtc["ice"]["state"] in ("connected", "ready")
        assert webrtc["dtls"]["state"] == "connected"
        assert webrtc["dtls"]["srtp-profile"].startswith("SRTP_")
        assert webrtc["sdp"]["negotiated"] is True
        streams = webrtc["dataplane"]["streams"]
        assert sorted((s["direction"], s["type"]) for s in streams) == \
            [("in", "audio"), ("in", "video"), ("out", "audio"), ("out", "video")]
        assert webrtc["dataplane"]["routes"] == 2
        assert info["flags"]["ready"] is True
        assert info["plugin_specific"]["audio_active"] is True
    finally:
        out, err = proc.communicate(timeout=40)
        print(out, err[-2000:])
    assert proc.returncode == 0
    assert wait_for(lambda: lab.admin("dataplane_stats")["dataplane"]["transports_count"] == 0)


def test_invalid_sdp_is_refused_and_the_daemon_lives_on(lab):
    sid = lab.janus({"janus": "create"})["data"]["id"]
    hid = lab.janus({"janus": "attach", "plugin": "janus.plugin.echotest"}, f"/{sid}")["data"]["id"]
    bad = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    reply = lab.janus({"janus": "message", "body": {"audio": True}, "jsep": {"type": "offer", "sdp": bad}},
                      f"/{sid}/{hid}")
    assert reply["janus"] == "error", reply
    assert reply["error"]["code"] == 465, reply
    garbage = "v=0\r\no=\x01\x02\r\ns=\r\nm=\r\n" + "a=" * 5000
    reply = lab.janus({"janus": "message", "body": {}, "jsep": {"type": "offer", "sdp": garbage}}, f"/{sid}/{hid}")
    assert reply["janus"] == "error" and reply["error"]["code"] == 465, reply
    assert lab.janus({"janus": "info"})["janus"] == "server_info"
    assert lab.admin("dataplane_stats")["dataplane"]["transports_count"] == 0


def test_ice_failure_hangs_up_and_frees_the_dataplane(lab, tmp_path):
    """The client's link goes down mid-call: consent freshness fails, the handle gets `hangup` "ICE failed" and the
    dataplane transport is removed."""
    if lab.driver != "af_xdp":
        pytest.skip("one driver is enough for the control-plane path")
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "echotest", "--server", f"http://{lab.appliance}:8088/janus",
           "--ice-address", lab.client, "--duration", "40", "--warmup", "0.5"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: lab.admin("dataplane_stats")["dataplane"]["transports_count"] == 1, timeout=10)
        subprocess.run(["ip", "-n", lab.cli, "link", "set", lab.veth_cli, "down"], check=True)
        assert wait_for(lambda: lab.admin("dataplane_stats")["dataplane"]["transports_count"] == 0, timeout=45)
        assert "PeerConnection closed (ICE failed)" in lab.log.read_text()
    finally:
        proc.kill()
        proc.wait()
