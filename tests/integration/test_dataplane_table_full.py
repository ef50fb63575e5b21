"""A full dataplane table is a clear API error, never a silent drop (issue 8, docs/api.md "Limits"): with a small
configured table, the PeerConnection that does not fit is hung up with `{"janus":"hangup","reason":"Dataplane table
full"}` (and the plugin's hangup_media) instead of coming up without media; what fits still flows, nothing is left
in the dataplane afterwards and portunusd keeps serving. Covered: the stream table (`dataplane.max_streams`, refused
when the PeerConnection comes up), the route table (`dataplane.max_routes`) for the EchoTest loopback routes and for
a VideoRoom subscriber's routes."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from lib import labrun
from lib.labrun import dataplane_empty, run_lab
from lib.netns import ApplianceLab

BUILD = Path(os.environ.get("PORTUNUS_BUILD", Path(__file__).resolve().parents[2] / "build")).resolve()
DAEMON = BUILD / "controlplane" / "portunusd"
LAB = labrun.LAB
REASON = "Dataplane table full"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces and DPDK"),
    pytest.mark.skipif(not DAEMON.exists() or not LAB.exists(), reason="portunusd or portunus-lab not built"),
]


def start_lab(tmp_path, sets):
    lab = ApplianceLab(tmp_path, BUILD, driver="af_packet", subnet="198.18.42", srtp_engine="libsrtp2")
    lab.up()
    try:
        lab.start(sets=sets)
    except Exception:
        lab.down()
        raise
    return lab


def stop_lab(lab, tmp_path):
    lab.stop()
    lab.down()
    log = tmp_path / "portunusd.log"
    print(log.read_text()[-3000:] if log.exists() else "")


def refused_with_reason(code, report):
    """portunus-lab failed because the server hung its handle up with the table-full reason."""
    return code != 0 and not report["passed"] and report["failure"] == f"server hung up: {REASON}" and \
        any(e == f"hangup {REASON}" for e in report["events"])


# An audio-only EchoTest needs 2 streams (in, out) and 1 loopback route; audio + video needs 4 and 2.
@pytest.mark.parametrize("limit", ["dataplane.max_streams=3", "dataplane.max_routes=1"])
def test_echotest_that_does_not_fit_is_hung_up_with_the_reason(tmp_path, limit):
    lab = start_lab(tmp_path, (limit,))
    try:
        code, fits = run_lab(lab, LAB, tmp_path, "audio-only", extra=("--no-video",))
        assert code == 0 and fits["passed"], fits.get("problems")
        assert dataplane_empty(lab)

        code, full = run_lab(lab, LAB, tmp_path, "audio-video")
        assert refused_with_reason(code, full), json.dumps(full)[:2000]
        assert "webrtcup" not in " ".join(full["events"])  # the handle never reported media up
        assert dataplane_empty(lab), lab.admin("dataplane_stats")["dataplane"]
        assert "dataplane table full" in lab.log.read_text().lower() or REASON in lab.log.read_text()

        # The refusal left nothing behind: a call that fits runs again, clean.
        code, again = run_lab(lab, LAB, tmp_path, "audio-only-again", extra=("--no-video",))
        assert code == 0 and again["passed"], again.get("problems")
        assert lab.proc.poll() is None
    finally:
        stop_lab(lab, tmp_path)


def test_videoroom_subscriber_whose_routes_do_not_fit_is_hung_up(tmp_path):
    # One publisher with audio + video, one subscriber: its two routes (audio, video) meet a table of one.
    lab = start_lab(tmp_path, ("dataplane.max_routes=1",))
    try:
        report_path = tmp_path / "room.json"
        cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "videoroom", "--server",
               f"http://{lab.appliance}:8088/janus", "--room", "1234", "--ice-address", lab.client,
               "--duration", "2", "--warmup", "0.5", "--publishers", "1", "--subscribers", "1",
               "--json", str(report_path)]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
        print(result.stdout)
        print(result.stderr[-3000:])
        assert report_path.exists(), result.stderr[-2000:]
        report = json.loads(report_path.read_text())
        assert result.returncode != 0 and not report["passed"], report
        assert REASON in json.dumps(report), json.dumps(report)[:2000]
        assert "route table full" in lab.log.read_text() or "table_full" in lab.log.read_text()
        assert dataplane_empty(lab, timeout=10), lab.admin("dataplane_stats")["dataplane"]
        assert lab.proc.poll() is None
    finally:
        stop_lab(lab, tmp_path)
