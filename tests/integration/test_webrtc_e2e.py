"""WebRTC end to end (issue 4's proof) in network namespaces: portunusd with its DPDK port on a veth (af_xdp), the
exception tap holding the appliance address, portunus-lab as the browser in the client namespace. One daemon serves
every case that leaves it clean (each case checks that no dataplane transport or stream is left); only full trickle,
a start-time option, gets its own.

Covered: every SRTP profile forced by the lab (the DTLS server) with the profile checked in handle_info; keyframe
request on start and the EchoTest `bitrate` as a REMB cap; `slowlink` from loss the dataplane counts; trickle before
the offer, half trickle, candidates only in the SDP, full trickle; teardown by hangup, detach, destroy, WebSocket
close, session timeout, DTLS failure (wrong fingerprint) and DTLS close_notify; bad offers; hostile packets at a live
PeerConnection's media port."""
import json
import os
import textwrap
import time
from pathlib import Path

import pytest

from lib import labrun
from lib.labrun import LabRun, assert_clean_echo, dataplane_empty, run_lab, wait_for
from lib.netns import ApplianceLab, nsexec

BUILD = Path(os.environ.get("PORTUNUS_BUILD", Path(__file__).resolve().parents[2] / "build")).resolve()
DAEMON = BUILD / "controlplane" / "portunusd"
LAB = labrun.LAB
SLOWLINK_THRESHOLD = 4

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces and DPDK"),
    pytest.mark.skipif(not DAEMON.exists() or not LAB.exists(), reason="portunusd or portunus-lab not built"),
]


def start_lab(tmp: Path, prefix: str, subnet: str, extra: str = "") -> ApplianceLab:
    lab = ApplianceLab(tmp, BUILD, driver="af_xdp", prefix=prefix, subnet=subnet)
    try:
        lab.up()
        lab.start(extra)
    except BaseException:
        lab.stop()
        lab.down()
        raise
    return lab


def stop_lab(lab: ApplianceLab):
    code = lab.stop()
    lab.down()
    text = lab.log.read_text() if lab.log.exists() else ""
    print(text[-3000:])
    assert code == 0, f"portunusd exited with {code}"
    assert "Sanitizer" not in text and "terminate called" not in text


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = start_lab(tmp_path_factory.mktemp("wrf"), "wrf", "198.18.57",
                    f"media: {{slowlink_threshold: {SLOWLINK_THRESHOLD}}}\n")
    yield lab
    stop_lab(lab)


@pytest.fixture(autouse=True)
def daemon_clean_after(request):
    """Every case must leave the shared daemon with no session and no dataplane object."""
    yield
    if "lab" in request.fixturenames:
        lab = request.getfixturevalue("lab")
        assert dataplane_empty(lab, timeout=8), lab.admin("dataplane_stats")["dataplane"]
        assert wait_for(lambda: not lab.admin("list_sessions").get("sessions"), timeout=5)


def pc_closed_count(lab) -> int:
    return lab.log.read_text().count("PeerConnection closed")


# ---- media: SRTP profiles, keyframe, REMB, slowlink ----------------------------------------------------------------

PROFILES = ["SRTP_AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_32", "SRTP_AEAD_AES_128_GCM", "SRTP_AEAD_AES_256_GCM"]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_srtp_profile_echoes_without_loss(lab, tmp_path, profile):
    """The offering lab peer is the DTLS server and offers only `profile`: Portunus (client) takes it and the
    dataplane's SRTP engine protects and unprotects with it; handle_info says so while the call runs."""
    run = LabRun(lab, LAB, tmp_path, profile, duration=2.0, extra=["--srtp-profile", profile])
    hit = run.info()
    code, report = run.finish()
    assert hit, "no handle with media counters during the call"
    webrtc = hit[2]["webrtc"]
    assert webrtc["dtls"]["srtp-profile"] == profile
    assert webrtc["dtls"]["dtls-state"] == "connected" and webrtc["dtls"]["dtls-role"] == "active"
    assert webrtc["dtls"]["remote-fingerprint-hash"] == "sha-256" and webrtc["dtls"]["remote-fingerprint"]
    assert webrtc["ice"]["state"] in ("connected", "ready") and webrtc["ice"]["selected-pair"].startswith(lab.appliance)
    streams = webrtc["dataplane"]["streams"]
    assert all("lost" in s["counters"] and "nacks" in s["counters"] for s in streams), streams
    assert hit[2]["sdps"]["local"].startswith("v=0") and hit[2]["sdps"]["remote"].startswith("v=0")
    assert code == 0, report.get("problems")
    assert_clean_echo(report)
    assert report["srtp_profile"] == profile and report["dtls_role"] == "server"


def test_keyframe_on_start_and_bitrate_as_remb_cap(lab, tmp_path):
    """EchoTest asks the peer for a keyframe when the video route comes up (PLI) and turns `bitrate` into a REMB
    the dataplane sends at once and every second."""
    before = lab.admin("dataplane_stats")["dataplane"]["workers"][0]
    run = LabRun(lab, LAB, tmp_path, "remb", duration=2.5, extra=["--echo-bitrate", "256000"])
    hit = run.info()
    code, report = run.finish()
    assert code == 0, report.get("problems")
    assert_clean_echo(report)
    assert hit
    assert hit[2]["plugin_specific"]["bitrate"] == 256000
    assert hit[2]["webrtc"]["dataplane"]["bitrate-cap"] == 256000
    assert hit[2]["webrtc"]["dataplane"]["keyframe-requests"] == 1  # one video stream
    counters = report["counters"]
    assert counters["pli_in"] >= 1, counters
    assert counters["remb_in"] >= 2 and counters["remb_bps"] == 256000, counters
    after = lab.admin("dataplane_stats")["dataplane"]["workers"][0]
    assert after["keyframe_requests"] > before["keyframe_requests"]
    assert after["remb_out"] - before["remb_out"] == counters["remb_in"]


def test_no_remb_without_bitrate(lab, tmp_path):
    code, report = run_lab(lab, LAB, tmp_path, "noremb", duration=1.5)
    assert code == 0, report.get("problems")
    assert report["counters"]["remb_in"] == 0 and report["counters"]["pli_in"] >= 1


def test_slowlink_from_the_loss_the_dataplane_counts(lab, tmp_path):
    """The lab leaves out every 8th RTP packet: the dataplane's reception stats count the gaps, MediaService's
    once-a-second check applies Janus's rule (slowlink_threshold 4 lost/s) and the handle gets `slowlink` with
    uplink:true (loss on what the peer sends us)."""
    code, report = run_lab(lab, LAB, tmp_path, "slowlink", duration=3.0,
                           extra=["--drop-every", "8", "--min-ratio", "0.5"])
    assert report["counters"]["dropped_on_purpose"] > 0
    slow = [e for e in report["events"] if e.startswith("slowlink")]
    assert any(e.startswith("slowlink video uplink lost ") for e in slow), report["events"]
    for e in slow:
        assert int(e.rsplit(" ", 1)[1]) >= SLOWLINK_THRESHOLD, e
    # The echo keeps the gaps and adds none: what came back missing is exactly what the lab left out.
    assert sum(s["lost"] for s in report["streams"]) == report["counters"]["dropped_on_purpose"], report["streams"]
    for s in report["streams"]:
        assert s["bad_payloads"] == 0, s


def test_slowlink_threshold_set_at_runtime(lab, tmp_path):
    """Admin set_slowlink_threshold 0 switches the check off for the next call: the same loss, no `slowlink`."""
    assert lab.admin("set_slowlink_threshold", slowlink_threshold=0)["slowlink_threshold"] == 0
    try:
        code, report = run_lab(lab, LAB, tmp_path, "noslowlink", duration=3.0,
                               extra=["--drop-every", "8", "--min-ratio", "0.5"])
        assert report["counters"]["dropped_on_purpose"] > 0
        assert not [e for e in report["events"] if e.startswith("slowlink")], report["events"]
    finally:
        lab.admin("set_slowlink_threshold", slowlink_threshold=SLOWLINK_THRESHOLD)


def session_events(lab, sid, want, timeout=15.0):
    """Session `sid`'s events from REST long polls in the client namespace, until `want(events)` or `timeout`. Each
    poll may wait as long as the whole timeout, so that the test does not depend on how the server treats a poll the
    client gave up on (ours keeps its events for the next poll; Janus 1.1.2 loses them)."""
    events = []
    deadline = time.time() + timeout
    while time.time() < deadline and not want(events):
        left = max(1, int(deadline - time.time()))
        out = nsexec(lab.cli, "curl", "-s", "-m", str(left), f"http://{lab.appliance}:8088/janus/{sid}?maxev=10",
                     check=False)
        try:
            r = json.loads(out.stdout)
        except ValueError:
            continue  # the poll ran out with nothing to say
        events += r if isinstance(r, list) else [r]
    return events


def media_stopped(events):
    return [e for e in events if e.get("janus") == "media" and e.get("receiving") is False]


def test_no_media_timer_set_at_runtime(lab, tmp_path):
    """Admin set_no_media_timer reaches the dataplane. The lab sends media, then goes quiet leaving its session
    (--teardown none). With 3 s each m-line gets `media receiving:false` with seconds:3. With 0 none comes: after 4 s
    of silence the timer goes to 2 s and the events come at once, saying the streams have been quiet for 4 s or more
    (had one fired under 0, or under the earlier 3 s, it would have said less and come before)."""
    def stopped_twice(ev):
        return len(media_stopped(ev)) >= 2

    try:
        assert lab.admin("set_no_media_timer", no_media_timer=3)["no_media_timer"] == 3
        code, report = run_lab(lab, LAB, tmp_path, "nomedia3", extra=["--teardown", "none"])
        assert code == 0, report.get("problems")
        [sid] = lab.admin("list_sessions")["sessions"]
        stopped = media_stopped(session_events(lab, sid, stopped_twice))
        assert sorted(e["type"] for e in stopped) == ["audio", "video"], stopped
        assert all(e["seconds"] == 3 and e["session_id"] == sid for e in stopped), stopped
        lab.admin("destroy_session", f"/{sid}")

        assert lab.admin("set_no_media_timer", no_media_timer=0)["no_media_timer"] == 0
        code, report = run_lab(lab, LAB, tmp_path, "nomedia0", extra=["--teardown", "none"])
        assert code == 0, report.get("problems")
        [sid] = lab.admin("list_sessions")["sessions"]
        time.sleep(4)  # nobody polls: whatever the session gets meanwhile stays queued for the poll below
        lab.admin("set_no_media_timer", no_media_timer=2)
        events = session_events(lab, sid, stopped_twice)
        stopped = media_stopped(events)
        assert sorted(e["type"] for e in stopped) == ["audio", "video"], events
        assert all(e["seconds"] >= 4 for e in stopped), stopped
        lab.admin("destroy_session", f"/{sid}")
    finally:
        lab.admin("set_no_media_timer", no_media_timer=1)
        for sid in lab.admin("list_sessions").get("sessions", []):
            lab.admin("destroy_session", f"/{sid}")


def test_libnice_debug_in_the_log(lab, tmp_path):
    """Admin set_libnice_debug: libnice's own messages in the daemon's log while on, none while off."""
    try:
        assert lab.admin("set_libnice_debug", debug=True)["libnice_debug"] is True
        code, report = run_lab(lab, LAB, tmp_path, "nicedebug", duration=1.0)
        assert code == 0, report.get("problems")
        assert "[libnice] libnice" in lab.log.read_text()
    finally:
        lab.admin("set_libnice_debug", debug=False)
    before = lab.log.read_text().count("[libnice]")
    code, report = run_lab(lab, LAB, tmp_path, "nicequiet", duration=1.0)
    assert code == 0, report.get("problems")
    assert lab.log.read_text().count("[libnice]") == before


# ---- trickle --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("trickle", ["early", "normal", "none"])
def test_trickle_variants(lab, tmp_path, trickle):
    """early: candidates (and `completed`) before the offer, queued by the core until the PeerConnection exists;
    normal: half trickle, ours in the answer SDP, the lab's trickled after the offer with `completed`; none: all
    candidates in the SDP (`trickle:false`)."""
    transport = "ws" if trickle == "early" else "http"
    code, report = run_lab(lab, LAB, tmp_path, trickle, transport=transport, extra=["--trickle", trickle])
    assert code == 0, report.get("problems")
    assert_clean_echo(report)
    sent = report["counters"]["trickles_sent"]
    if trickle == "none":
        assert sent == 0
    else:
        assert sent >= 2, report["counters"]  # at least one candidate and {"completed": true}
    # Half trickle: Portunus's candidates come in its answer, not as trickle events.
    assert not any(e.startswith("trickle") for e in report["events"]), report["events"]
    assert report["counters"]["remote_candidates"] >= 1


def test_full_trickle(tmp_path):
    """nat.full_trickle: the answer carries no candidate; each goes out as a `trickle` event, then completed."""
    lab = start_lab(tmp_path, "wrg", "198.18.58", "nat: {full_trickle: true}\n")
    try:
        code, report = run_lab(lab, LAB, tmp_path, "full", transport="ws")
        assert code == 0, report.get("problems")
        assert_clean_echo(report)
        events = report["events"]
        assert "trickle candidate" in events and "trickle completed" in events, events
        assert events.index("trickle completed") > events.index("trickle candidate")
        assert dataplane_empty(lab)
    finally:
        stop_lab(lab)


# ---- teardown paths -------------------------------------------------------------------------------------------------

DONE = 'event {"echotest":"event","result":"done"}'


def test_teardown_by_hangup(lab, tmp_path):
    code, report = run_lab(lab, LAB, tmp_path, "hangup", transport="ws", extra=["--teardown", "hangup"])
    assert code == 0, report.get("problems")
    events = report["events"]
    assert "hangup Janus API" in events and DONE in events, events
    assert events.index(DONE) > events.index("hangup Janus API")
    assert dataplane_empty(lab)


def test_teardown_by_detach(lab, tmp_path):
    code, report = run_lab(lab, LAB, tmp_path, "detach", transport="ws", extra=["--teardown", "detach"])
    assert code == 0, report.get("problems")
    events = report["events"]
    assert "hangup Detaching" in events and DONE in events and "detached" in events, events
    assert events.index("detached") > events.index("hangup Detaching")
    assert dataplane_empty(lab)


def test_teardown_by_session_destroy(lab, tmp_path):
    closed = pc_closed_count(lab)
    code, report = run_lab(lab, LAB, tmp_path, "destroy", extra=["--teardown", "destroy"])
    assert code == 0, report.get("problems")
    assert dataplane_empty(lab)
    assert pc_closed_count(lab) == closed + 1


def test_teardown_by_websocket_close(lab, tmp_path):
    """The WebSocket goes away without a word (reclaim_session_timeout 0): its sessions, handles and
    PeerConnections go with it."""
    closed = pc_closed_count(lab)
    code, report = run_lab(lab, LAB, tmp_path, "wsclose", transport="ws", extra=["--teardown", "close"])
    assert code == 0, report.get("problems")
    assert dataplane_empty(lab)
    assert wait_for(lambda: pc_closed_count(lab) == closed + 1)


def test_teardown_by_session_timeout(lab, tmp_path):
    """The lab stops polling and sends nothing more: the session times out (set_session_timeout 2 s) and takes the
    PeerConnection and its dataplane objects with it."""
    timed_out = lab.log.read_text().count(" timed out")
    code, report = run_lab(lab, LAB, tmp_path, "timeout", extra=["--teardown", "none"])
    assert code == 0, report.get("problems")
    assert lab.admin("dataplane_stats")["dataplane"]["transports_count"] == 1  # still up: nobody said anything
    assert lab.admin("set_session_timeout", timeout=2)["janus"] == "success"
    try:
        assert dataplane_empty(lab, timeout=10)
        assert not lab.admin("list_sessions").get("sessions")
    finally:
        lab.admin("set_session_timeout", timeout=60)
    assert lab.log.read_text().count(" timed out") == timed_out + 1


def test_dtls_failure_wrong_fingerprint(lab, tmp_path):
    """The lab's SDP carries a fingerprint that is not its certificate's: Portunus's DTLS client refuses the
    handshake and the handle gets `hangup` "DTLS alert" (Janus's wording); no dataplane object was made."""
    code, report = run_lab(lab, LAB, tmp_path, "badfp", extra=["--bad-fingerprint"])
    assert code != 0
    assert "hangup DTLS alert" in report["events"], report["events"]
    assert "webrtcup" not in report["events"]
    assert "DTLS fingerprint mismatch" in lab.log.read_text()


def test_dtls_close_notify_from_the_peer(lab, tmp_path):
    """After the media the lab closes DTLS (close_notify): `hangup` "DTLS alert", EchoTest's done."""
    code, report = run_lab(lab, LAB, tmp_path, "close_notify", transport="ws", extra=["--dtls-close"])
    assert code == 0, report.get("problems")
    assert_clean_echo(report)
    events = report["events"]
    assert "hangup DTLS alert" in events and DONE in events, events
    assert dataplane_empty(lab)


# ---- bad input ------------------------------------------------------------------------------------------------------

def offer_sdp(fingerprint=True, ice=True, codec="111 opus/48000/2"):
    pt, rtpmap = codec.split(" ", 1)
    lines = ["v=0", "o=- 1 1 IN IP4 198.18.57.2", "s=-", "t=0 0", "a=group:BUNDLE 0",
             f"m=audio 9 UDP/TLS/RTP/SAVPF {pt}", "c=IN IP4 0.0.0.0", "a=mid:0", "a=sendrecv", "a=rtcp-mux"]
    if ice:
        lines += ["a=ice-ufrag:wrfx", "a=ice-pwd:wrfxwrfxwrfxwrfxwrfxwrfx"]
    if fingerprint:
        lines += ["a=fingerprint:sha-256 " + ":".join(["AB"] * 32)]
    lines += ["a=setup:actpass", f"a=rtpmap:{pt} {rtpmap}", "a=ssrc:1234 cname:wrf"]
    return "\r\n".join(lines) + "\r\n"


def next_event(lab, sid):
    out = nsexec(lab.cli, "curl", "-s", "-m", "10", f"http://{lab.appliance}:8088/janus/{sid}?maxev=1").stdout
    events = json.loads(out)
    return events[0] if isinstance(events, list) else events


def test_bad_offers_get_janus_errors_and_the_session_stays_usable(lab):
    sid = lab.janus({"janus": "create"})["data"]["id"]
    hid = lab.janus({"janus": "attach", "plugin": "janus.plugin.echotest"}, f"/{sid}")["data"]["id"]
    cases = {
        "garbage": "v=0\r\no=\x01\x02\r\ns=\r\nm=\r\n" + "a=" * 3000,
        "no fingerprint": offer_sdp(fingerprint=False),
        "no ICE credentials": offer_sdp(ice=False),
    }
    for name, sdp in cases.items():
        reply = lab.janus({"janus": "message", "body": {"audio": True}, "jsep": {"type": "offer", "sdp": sdp}},
                          f"/{sid}/{hid}")
        assert reply["janus"] == "error" and reply["error"]["code"] == 465, (name, reply)
    # A well-formed offer with only codecs we do not support: the core takes it, the plugin cannot answer it and
    # says so in its event (EchoTest's 414), like Janus's plugins do.
    reply = lab.janus({"janus": "message", "body": {"audio": True},
                       "jsep": {"type": "offer", "sdp": offer_sdp(codec="96 FOO/8000")}}, f"/{sid}/{hid}")
    assert reply["janus"] == "ack", reply
    event = next_event(lab, sid)
    data = event["plugindata"]["data"]
    assert data["error_code"] == 414 and "codec" in data["error"].lower(), event
    assert "jsep" not in event
    # The session and handle still work.
    assert lab.janus({"janus": "message", "body": {"audio": False}}, f"/{sid}/{hid}")["janus"] == "ack"
    assert next_event(lab, sid)["plugindata"]["data"]["result"] == "ok"
    assert lab.janus({"janus": "keepalive"}, f"/{sid}")["janus"] == "ack"
    assert lab.janus({"janus": "destroy"}, f"/{sid}")["janus"] == "success"


HOSTILE = textwrap.dedent("""\
    import os, random, socket, struct, sys
    host, port, ufrag = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[4], 0))
    sent = 0
    for i in range(100):
        # STUN Binding request with our USERNAME and a MESSAGE-INTEGRITY that is not HMAC of anything.
        user = ufrag + b":wrfz"
        user_attr = struct.pack("!HH", 0x0006, len(user)) + user + b"\\0" * (-len(user) % 4)
        mi = struct.pack("!HH", 0x0008, 20) + os.urandom(20)
        body = user_attr + mi
        s.sendto(struct.pack("!HHI", 0x0001, len(body), 0x2112A442) + os.urandom(12) + body, (host, port))
        # DTLS-looking garbage (content type 22, then noise) and RTP-looking garbage.
        s.sendto(bytes([22, 0xfe, 0xfd]) + os.urandom(random.randint(10, 300)), (host, port))
        s.sendto(bytes([0x80, 0x60]) + os.urandom(random.randint(10, 1200)), (host, port))
        sent += 3
    print(sent)
    """)


def test_hostile_packets_at_a_live_media_port(lab, tmp_path):
    """A second socket on the client sends STUN with a bad MESSAGE-INTEGRITY, DTLS garbage and RTP garbage at a
    live PeerConnection's media port while it and a second call run: the dataplane punts them (unknown 5-tuple)
    and libnice/OpenSSL drop them; both calls keep every packet."""
    before = lab.admin("dataplane_stats")["dataplane"]["workers"][0]["punts"]
    victim = LabRun(lab, LAB, tmp_path, "victim", duration=4.0)
    hit = victim.info()
    assert hit, "the victim call did not come up"
    bystander = LabRun(lab, LAB, tmp_path, "bystander", transport="ws", duration=3.0)
    local = hit[2]["webrtc"]["ice"]["selected-pair"].split(" <-> ")[0]
    host, port = local.rsplit(":", 1)
    ufrag = next(line.split(":", 1)[1].strip() for line in hit[2]["sdps"]["local"].splitlines()
                 if line.startswith("a=ice-ufrag:"))
    out = nsexec(lab.cli, "python3", "-c", HOSTILE, host, port, ufrag, lab.client).stdout
    sent = int(out.strip())
    code_v, report_v = victim.finish()
    code_b, report_b = bystander.finish()
    assert code_v == 0, report_v.get("problems")
    assert code_b == 0, report_b.get("problems")
    assert_clean_echo(report_v)
    assert_clean_echo(report_b)
    assert not any(e.startswith("hangup") and "Janus API" not in e for e in report_v["events"]), report_v["events"]
    punts = lab.admin("dataplane_stats")["dataplane"]["workers"][0]["punts"]
    grew = sum(punts.get(k, 0) - before.get(k, 0) for k in ("stun", "dtls", "unknown_flow", "unknown_udp"))
    assert grew >= sent, (punts, before, sent)
