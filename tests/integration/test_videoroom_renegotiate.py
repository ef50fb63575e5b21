"""VideoRoom subscriber renegotiation end to end in network namespaces: one subscriber PeerConnection of a
portunus-lab peer starts on feeds A and B, `unsubscribe`s A, `subscribe`s C and `update`s (subscribe A, unsubscribe C)
in one request. Each change comes back as `updated` with a new offer on the same PeerConnection (the lab peer refuses
an ICE restart, a new DTLS fingerprint or a moved mid), answered with `start`; a media round after each change proves
with verified payloads that the subscriber gets exactly the feeds it holds. Between the changes (`--hold`) the test
reads the dataplane: one stream per subscribed m-line, none left for a dropped one."""
import json
import re
import subprocess

import pytest

from lib.labrun import LAB, NEEDS_LAB, running_lab, wait_for

pytestmark = NEEDS_LAB


@pytest.fixture
def lab(tmp_path):
    with running_lab(tmp_path, driver="af_xdp", prefix="vra", subnet="198.18.53") as lab:
        yield lab


def streams_count(lab) -> int:
    return lab.admin("dataplane_stats")["dataplane"]["streams_count"]


def test_subscriber_unsubscribe_subscribe_update(lab, tmp_path):
    report_path = tmp_path / "renegotiate.json"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "videoroom", "--renegotiate", "--hold", "--server",
           f"http://{lab.appliance}:8088/janus", "--room", "1234", "--ice-address", lab.client, "--duration", "1",
           "--warmup", "0", "--json", str(report_path)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    counts = {}
    try:
        for line in proc.stdout:
            if line.startswith("hold "):
                counts[line.split()[1]] = streams_count(lab)
                proc.stdin.write("\n")
                proc.stdin.flush()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read()
    assert report_path.exists(), stderr[-3000:]
    report = json.loads(report_path.read_text())
    print(report["events"], report["problems"], counts)
    assert proc.returncode == 0, (report.get("problems"), stderr[-3000:])
    assert report["passed"], report["problems"]

    # Three publishers with audio and video: 6 streams of theirs in the dataplane, plus the subscriber's.
    assert counts == {"joined": 6 + 4, "unsubscribed": 6 + 2, "subscribed": 6 + 4, "updated": 6 + 4}, counts

    # Every phase's subscribed feeds: all packets of the round, verified; the dropped ones: none (else not passed).
    phases = {}
    for s in report["streams"]:
        phase, feed, _ = s["mid"].split("/", 2)
        phases.setdefault(phase, set()).add(feed)
        assert s["sent"] > 0 and s["received"] == s["sent"], s
        assert s["bad_payloads"] == 0 and s["duplicates"] == 0, s
    assert phases == {"joined": {"A", "B"}, "unsubscribed": {"B"}, "subscribed": {"B", "C"}, "updated": {"A", "B"}}
    # Each offer's m-lines as "mid#ssrc" (":inactive" when removed). Unsubscribing A (the first two m-lines) keeps
    # them as inactive m-lines of the bundle, as Janus does; C then takes those m-lines over (Janus reuses an inactive m-line of the same kind), so
    # the offer never grows; the update hands them from C to A keeping their SSRCs (the route moves, the
    # subscriber's stream goes on), and B's m-lines keep theirs throughout.
    offers = {}
    for e in report["events"]:
        m = re.fullmatch(r"(\w+): updated, m-lines (.*) \(were 4\)", e)
        if m:
            offers[m.group(1)] = m.group(2).split()
    assert [o.split("#")[0] for o in offers["unsubscribe"]] == ["0:inactive", "1:inactive", "2", "3"], offers
    assert [o.split("#")[0] for o in offers["subscribe"]] == ["0", "1", "2", "3"], offers
    assert offers["update"] == offers["subscribe"], offers
    assert offers["unsubscribe"][2:] == offers["subscribe"][2:], offers

    # The publishers were up before the subscriber came: `publish` again is 434.
    assert "publish again: 434 Can't publish, already published" in report["events"], report["events"]

    stats = wait_for(lambda: (lambda d: d if d["transports_count"] == 0 and d["streams_count"] == 0 else None)(
        lab.admin("dataplane_stats")["dataplane"]))
    assert stats, lab.admin("dataplane_stats")["dataplane"]
    assert lab.proc.poll() is None
