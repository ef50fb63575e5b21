"""Running portunus-lab against an ApplianceLab (lib/netns.py) and watching the daemon meanwhile: the helpers the
WebRTC end-to-end tests share."""
import contextlib
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from lib.netns import ApplianceLab

BUILD = Path(os.environ.get("PORTUNUS_BUILD", Path(__file__).resolve().parents[3] / "build")).resolve()
DAEMON = BUILD / "controlplane" / "portunusd"
# PORTUNUS_LAB_BUILD: where portunus-lab comes from when it is not the daemon's build (the asan tier sanitizes the
# daemon and drives it with the normal build's lab).
LAB = Path(os.environ.get("PORTUNUS_LAB_BUILD", BUILD)).resolve() / "lab" / "portunus-lab"

# The `pytestmark` of the tests that run portunusd and portunus-lab in network namespaces.
NEEDS_LAB = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces and DPDK"),
    pytest.mark.skipif(not DAEMON.exists() or not LAB.exists(), reason="portunusd or portunus-lab not built"),
]


@contextlib.contextmanager
def running_lab(tmp_path, before_start=None, **options):
    """An ApplianceLab (lib/netns.py, `options` passed on) up with portunusd started; `before_start(lab)` runs once
    the namespaces exist. Afterwards the daemon is stopped, the namespaces removed and its log's tail printed."""
    lab = ApplianceLab(tmp_path, BUILD, **options)
    try:
        lab.up()
        if before_start:
            before_start(lab)
        lab.start()
        yield lab
    finally:
        lab.stop()
        lab.down()
        print(lab.log.read_text()[-3000:] if lab.log.exists() else "")


def wait_for(predicate, timeout=5.0, step=0.1):
    """Polls `predicate` until it returns something truthy (returned) or `timeout` passes (its last value)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def lab_command(lab, lab_bin: Path, report: Path, transport="http", duration=1.5, warmup=0.3, extra=()):
    server = f"http://{lab.appliance}:8088/janus" if transport == "http" else f"ws://{lab.appliance}:8188"
    return ["ip", "netns", "exec", lab.cli, str(lab_bin), "echotest", "--server", server, "--transport", transport,
            "--ice-address", lab.client, "--duration", str(duration), "--warmup", str(warmup),
            "--json", str(report), *[str(e) for e in extra]]


def run_lab_report(cmd: list, report: Path, timeout: float):
    """Runs a portunus-lab command line that writes its JSON report to `report`: (CompletedProcess, report dict).
    Prints the lab's output (pytest shows it on failure) and fails when no report was written."""
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    print(result.stdout)
    print(result.stderr[-4000:])
    assert report.exists(), result.stderr[-2000:]
    return result, json.loads(report.read_text())


def media_handles(lab, min_packets=1):
    """(session, handle, handle_info) of every handle whose PeerConnection has carried `min_packets` on the
    dataplane."""
    found = []
    for sid in lab.admin("list_sessions").get("sessions", []):
        for hid in lab.admin("list_handles", f"/{sid}").get("handles", []):
            info = lab.admin("handle_info", f"/{sid}/{hid}").get("info", {})
            counters = info.get("webrtc", {}).get("dataplane", {}).get("counters", {})
            if counters.get("packets_in", 0) >= min_packets:
                found.append((sid, hid, info))
    return found


class LabRun:
    """One portunus-lab process in the client namespace; `info()` waits for its PeerConnection's handle_info
    while media flows, `finish()` returns (returncode, report dict)."""

    def __init__(self, lab, lab_bin: Path, tmp: Path, name: str, **kw):
        self.report = Path(tmp) / f"report-{name}.json"
        self.cmd = lab_command(lab, lab_bin, self.report, **kw)
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lab = lab

    def info(self, timeout=8.0, exclude=()):
        hit = wait_for(lambda: [h for h in media_handles(self.lab, 20) if h[1] not in exclude], timeout=timeout)
        return hit[0] if hit else None

    def finish(self, timeout=40):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        print(" ".join(self.cmd))
        print(out)
        print(err[-3000:])
        assert self.report.exists(), err[-2000:]
        return self.proc.returncode, json.loads(self.report.read_text())


def run_lab(lab, lab_bin: Path, tmp: Path, name: str, timeout=40, **kw):
    """Runs portunus-lab to the end: (returncode, report dict)."""
    return LabRun(lab, lab_bin, tmp, name, **kw).finish(timeout)


def dataplane_empty(lab, timeout=5.0):
    """True once the dataplane holds no transport and no stream (every object of every PeerConnection gone)."""
    def empty():
        d = lab.admin("dataplane_stats")["dataplane"]
        return d["transports_count"] == 0 and d["streams_count"] == 0
    return wait_for(empty, timeout=timeout)


def assert_clean_echo(report):
    """Every stream sent and every packet echoed back, payloads verified."""
    assert report["passed"], report.get("problems")
    assert sorted(s["kind"] for s in report["streams"]) == ["audio", "video"], report["streams"]
    for s in report["streams"]:
        assert s["sent"] > 0, s
        assert s["lost"] == 0 and s["received"] == s["sent"], s
        assert s["bad_payloads"] == 0 and s["duplicates"] == 0, s
    assert report["counters"]["srtp_in_failed"] == 0, report["counters"]
