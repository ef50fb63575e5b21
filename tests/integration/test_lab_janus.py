"""portunus-lab against Debian's Janus 1.1.2 (the reference server): EchoTest over WebSocket and over HTTP
long-poll, media echoed and verified with zero loss. This proves the lab peer is an honest Janus API client and
WebRTC peer before it is pointed at portunusd.

Janus runs from a private copy of its config (only the EchoTest plugin and the HTTP/WS transports) inside a
network namespace of this test, its API on that namespace's 127.0.0.1. Janus (through libnice) never gathers on a
loopback interface, so the namespace gets a veth pair whose end `plb-janus` carries 198.18.30.1: Janus gathers
there and so does the lab peer (two different local addresses of one namespace did not pass ICE checks here, for
Janus's libnice as for ours; see docs/lab.md). Janus is stopped by PID and the namespace deleted at the end."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from lib import labrun

JANUS = "/usr/bin/janus"
JANUS_LIB = Path("/usr/lib/x86_64-linux-gnu/janus")
BUILD = Path(os.environ.get("PORTUNUS_BUILD", Path(__file__).resolve().parents[2] / "build"))
LAB = labrun.LAB

JANUS_ADDRESS = "198.18.30.1"
LAB_ADDRESS = JANUS_ADDRESS

pytestmark = [
    pytest.mark.skipif(not os.path.exists(JANUS), reason="Debian janus is not installed"),
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a network namespace"),
    pytest.mark.skipif(not LAB.exists(), reason="portunus-lab is not built"),
]


def set_option(text, key, value):
    """Sets `key = value` in a jcfg text: replaces the first (possibly commented) assignment of that key."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip().lstrip("#").strip()
        if stripped.startswith(key + " ") or stripped.startswith(key + "="):
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = f"{indent}{key} = {value}"
            return "\n".join(lines) + "\n"
    raise AssertionError(f"{key} not found")


def sh(*args):
    subprocess.run(args, check=True)


def create_netns(name):
    """A namespace with lo up and a veth pair; the end `plb-janus` carries the address ICE gathers on."""
    sh("ip", "netns", "add", name)
    sh("ip", "-n", name, "link", "set", "lo", "up")
    sh("ip", "-n", name, "link", "add", "plb-janus", "type", "veth", "peer", "name", "plb-lab")
    sh("ip", "-n", name, "addr", "add", f"{JANUS_ADDRESS}/24", "dev", "plb-janus")
    sh("ip", "-n", name, "link", "set", "plb-janus", "up")
    sh("ip", "-n", name, "link", "set", "plb-lab", "up")


def delete_netns(name):
    subprocess.run(["ip", "netns", "del", name], check=False)


def start_janus(root, netns, http_port=18088, ws_port=18188, extra_args=()):
    """Starts Janus in `netns` from a private config under `root`, its API on 127.0.0.1; returns (process, urls)."""
    root = Path(root)
    for folder in ("plugins", "transports", "events", "loggers"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for plugin in ("echotest", "videoroom"):
        name = f"libjanus_{plugin}.so"
        os.symlink(JANUS_LIB / "plugins" / name, root / "plugins" / name)
    for transport in ("http", "websockets"):
        name = f"libjanus_{transport}.so"
        os.symlink(JANUS_LIB / "transports" / name, root / "transports" / name)
    for name in ("janus.jcfg", "janus.plugin.echotest.jcfg", "janus.plugin.videoroom.jcfg", "janus.transport.http.jcfg",
                 "janus.transport.websockets.jcfg"):
        shutil.copy(Path("/etc/janus") / name, root / name)
    cfg = (root / "janus.jcfg").read_text()
    cfg = set_option(cfg, "configs_folder", f'"{root}"')
    for folder in ("plugins", "transports", "events", "loggers"):
        cfg = set_option(cfg, f"{folder}_folder", f'"{root / folder}"')
    (root / "janus.jcfg").write_text(cfg)
    http = (root / "janus.transport.http.jcfg").read_text()
    http = set_option(set_option(http, "port", str(http_port)), "ip", '"127.0.0.1"')
    (root / "janus.transport.http.jcfg").write_text(http)
    ws = (root / "janus.transport.websockets.jcfg").read_text()
    ws = set_option(set_option(ws, "ws_port", str(ws_port)), "ws_ip", '"127.0.0.1"')
    (root / "janus.transport.websockets.jcfg").write_text(ws)

    log = open(root / "janus.log", "w")
    # `ip netns exec` execs Janus in place, so proc.pid is Janus's own PID.
    proc = subprocess.Popen(["ip", "netns", "exec", netns, JANUS, "-C", str(root / "janus.jcfg"), "-F", str(root),
                             "--ice-enforce-list=plb-janus",
                             "--disable-colors", "--debug-level=4", *extra_args],
                            stdout=log, stderr=subprocess.STDOUT, cwd=root)
    log.close()
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Janus exited:\n" + (root / "janus.log").read_text()[-3000:])
        if "Websockets server started" in (root / "janus.log").read_text() and \
                "HTTP webserver started" in (root / "janus.log").read_text():
            break
        time.sleep(0.1)
    else:
        stop_janus(proc)
        raise RuntimeError("Janus did not open its ports:\n" + (root / "janus.log").read_text()[-3000:])
    return proc, {"ws": f"ws://127.0.0.1:{ws_port}", "http": f"http://127.0.0.1:{http_port}/janus",
                  "log": root / "janus.log"}


def stop_janus(proc):
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def janus(tmp_path_factory):
    netns = f"plb-janus-{os.getpid()}"
    create_netns(netns)
    try:
        proc, urls = start_janus(tmp_path_factory.mktemp("janus"), netns)
        # A second Janus in full-trickle mode: its candidates arrive as `trickle` events, not in the answer.
        full_proc, full_urls = start_janus(tmp_path_factory.mktemp("janus-full-trickle"), netns, 18089, 18189,
                                           ["--full-trickle"])
        urls["netns"] = netns
        urls["full-trickle"] = full_urls
        try:
            yield urls
        finally:
            stop_janus(full_proc)
            stop_janus(proc)
    finally:
        delete_netns(netns)


def run_lab(janus, tmp_path, transport, *extra, server=None):
    report = tmp_path / f"report-{transport}.json"
    cmd = ["ip", "netns", "exec", janus["netns"], str(LAB), "echotest", "--server", server or janus[transport],
           "--transport", transport, "--ice-address", LAB_ADDRESS, "--duration", "3", "--warmup", "0.5",
           "--json", str(report), *extra]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=40)
    print(" ".join(cmd))
    print(result.stdout)
    print(result.stderr[-4000:])
    assert report.exists(), result.stderr[-2000:]
    return result, json.loads(report.read_text())


def assert_clean_echo(result, report):
    assert result.returncode == 0, report["problems"]
    assert report["passed"]
    assert report["failure"] == ""
    kinds = sorted(s["kind"] for s in report["streams"])
    assert kinds == ["audio", "video"]
    for s in report["streams"]:
        assert s["sent"] > 0
        assert s["lost"] == 0, s
        assert s["received"] == s["sent"], s
        assert s["bad_payloads"] == 0
        assert s["duplicates"] == 0
        assert s["latency_ms"]["max"] < 1000
    assert report["counters"]["srtp_in_failed"] == 0
    assert "webrtcup" in report["events"]


@pytest.mark.parametrize("transport", ["ws", "http"])
def test_echotest_zero_loss(janus, tmp_path, transport):
    result, report = run_lab(janus, tmp_path, transport)
    assert_clean_echo(result, report)
    # Janus answers a:setup:active (it is the DTLS client), so the offering lab peer is the DTLS server.
    assert report["dtls_role"] == "server"


@pytest.mark.parametrize("transport,trickle,profile", [
    ("ws", "early", "SRTP_AES128_CM_SHA1_80"),
    ("http", "none", "SRTP_AEAD_AES_128_GCM"),
])
def test_echotest_trickle_modes_and_profiles(janus, tmp_path, transport, trickle, profile):
    result, report = run_lab(janus, tmp_path, transport, "--trickle", trickle, "--srtp-profile", profile,
                             "--bitrate", "300000")
    assert_clean_echo(result, report)
    assert report["srtp_profile"] == profile
    assert report["trickle"] == trickle


def test_answer_role_reports_that_echotest_never_offers(janus, tmp_path):
    result, report = run_lab(janus, tmp_path, "ws", "--role", "answer")
    assert result.returncode == 1
    assert "did not offer" in report["failure"]


@pytest.mark.parametrize("transport", ["ws", "http"])
def test_echotest_full_trickle_server(janus, tmp_path, transport):
    result, report = run_lab(janus, tmp_path, transport, "--trickle", "early",
                             server=janus["full-trickle"][transport])
    assert_clean_echo(result, report)
    assert "trickle candidate" in report["events"]
    assert "trickle completed" in report["events"]


@pytest.mark.parametrize("transport,profile", [("ws", None), ("http", "SRTP_AES128_CM_SHA1_32")])
def test_videoroom_subscriber_answers_as_dtls_client(janus, tmp_path, transport, profile):
    """A publisher handle offers into room 1234 of the stock VideoRoom config; a subscriber handle answers Janus's
    offer (the lab peer as DTLS client) and verifies every payload the publisher sent."""
    report_path = tmp_path / f"videoroom-{transport}.json"
    cmd = ["ip", "netns", "exec", janus["netns"], str(LAB), "videoroom", "--server", janus[transport],
           "--transport", transport, "--ice-address", LAB_ADDRESS, "--duration", "3", "--warmup", "1",
           "--bitrate", "100000", "--json", str(report_path)]
    if profile:
        cmd += ["--srtp-profile", profile]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=40)
    print(" ".join(cmd))
    print(result.stdout)
    report = json.loads(report_path.read_text())
    assert result.returncode == 0, report["problems"]
    assert report["command"] == "videoroom"
    assert report["dtls_role"] == "client"
    if profile:
        assert report["srtp_profile"] == profile
    for s in report["streams"]:
        assert s["sent"] > 0
        assert s["bad_payloads"] == 0
        assert s["measured_received"] == s["measured_sent"], s
    assert "webrtcup" in report["events"]


@pytest.mark.parametrize("media", ["", "media: {simulcast: true, substream: 0}\n"])
def test_load_meetings_scenario_against_janus(janus, tmp_path, media):
    """The load generator's meetings scenario drives Janus as it drives Portunus: a room created for the run
    (`create`), 2 publishers and 2 subscribers of both, every stream verified, the room destroyed; with the
    simulcast profile each subscriber receives the lowest layer it asked for."""
    scenario = tmp_path / "meetings.yaml"
    scenario.write_text("scenario: meetings\nrooms: 1\npublishers: 2\nsubscribers: 2\nwarmup_s: 1\nduration_s: 3\n"
                        + media)
    report_path = tmp_path / "meetings.json"
    cmd = ["ip", "netns", "exec", janus["netns"], str(LAB), "load", "--scenario", str(scenario), "--server",
           janus["ws"], "--ice-address", LAB_ADDRESS, "--json", str(report_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    print(" ".join(cmd))
    print(result.stdout)
    print(result.stderr[-3000:])
    report = json.loads(report_path.read_text())
    assert result.returncode == 0 and report["passed"], report["problems"]
    video = sorted(s["mid"] for s in report["streams"] if s["kind"] == "video")
    assert video == [f"r0s{i}<-p{j}/1" + ("/l" if media else "") for i in range(2) for j in range(2)], video
    for s in report["streams"]:
        assert s["sent"] > 0 and s["bad_payloads"] == 0
        assert s["measured_received"] == s["measured_sent"], s
