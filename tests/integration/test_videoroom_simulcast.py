"""VideoRoom simulcast end to end in network namespaces: a portunus-lab publisher offers VP8 simulcast by rid
(`a=simulcast:send h;m;l`, SSRCs learned from the rid extension) or by `a=ssrc-group:SIM`, and sends three layers with three temporal layers
each; a subscriber walks through `configure` substream 2 -> 0 -> 1 and temporal 2 -> 0 -> 1, then back to the high
layer, which the publisher stops (fallback). After each request the subscriber must receive only the chosen layer
and temporal layers (payload-verified: every packet names the layer and temporal id it was sent on), starting on a
keyframe, with one SSRC and continuous sequence numbers, timestamps and VP8 PictureIDs throughout, and get Janus's
`substream` / `temporal` events."""
import json
import subprocess

import pytest

from lib.labrun import LAB, NEEDS_LAB, dataplane_empty, running_lab

pytestmark = NEEDS_LAB


@pytest.fixture
def lab(tmp_path):
    with running_lab(tmp_path, driver="af_xdp", prefix="vrs", subnet="198.18.52") as lab:
        yield lab


@pytest.mark.parametrize("form", ["rid", "ssrc-group"])
def test_simulcast_layer_switching(lab, tmp_path, form):
    report_path = tmp_path / "simulcast.json"
    flag = "--simulcast" if form == "rid" else "--simulcast-ssrc-group"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "videoroom", flag, "--server",
           f"http://{lab.appliance}:8088/janus", "--room", "1234", "--ice-address", lab.client, "--duration", "1.5",
           "--warmup", "0.2", "--json", str(report_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    print(result.stdout)
    print(result.stderr[-4000:])
    assert report_path.exists(), result.stderr[-2000:]
    report = json.loads(report_path.read_text())
    assert report["failure"] == "", report["failure"]
    assert report["form"] == ("rid" if form == "rid" else "ssrc-group:SIM")

    want = [("configure substream 2 temporal 2", 2, 2), ("configure substream 0", 0, 2),
            ("configure substream 1", 1, 2), ("configure temporal 0", 1, 0), ("configure temporal 1", 1, 1),
            ("configure substream 2 temporal 2", 2, 2), ("the publisher stops layer h (fallback)", 1, 2)]
    assert [(p["action"].replace(" fallback 500 ms", ""), p["substream"], p["temporal"]) for p in report["phases"]] \
        == want
    for p in report["phases"]:
        # Only the chosen layer (and temporal layers up to the target) once the switch happened, for most of the
        # phase; a layer switch starts on that layer's keyframe.
        assert p["settle_ms"] >= 0, p
        assert p["settled_s"] >= 0.5, p
        if p["action"].startswith(("configure substream", "the publisher stops")):
            assert p["keyframe_first"], p
    # Temporal 0 on layer 1: TID 1 and 2 frames are filtered (the sender's pattern is 0,2,1,2).
    t0 = report["phases"][3]
    assert t0["tids"].get("0", 0) > 0 and t0["tids"].get("1", 0) < t0["tids"]["0"], t0

    # Janus's layer events, in the order the switches happened (an event may reach the client in the next phase).
    events = [e for p in report["phases"] for e in p["events"]]
    for e in events:
        assert e["videoroom"] == "event" and e["room"] == 1234 and e["mid"] == "0", e
    expected = [("substream", 0), ("substream", 1), ("temporal", 0), ("temporal", 1), ("substream", 2),
                ("substream", 1)]
    seen = iter([(k, e[k]) for e in events for k in ("substream", "temporal") if k in e])
    assert all(x in seen for x in expected), events

    # What the SFU made of the three layers is one continuous stream.
    c = report["continuity"]
    assert c["ssrcs"] == 1 and c["unverified"] == 0, c
    assert c["seq_gaps"] == 0 and c["ts_backwards"] == 0, c
    assert c["picture_id_jumps"] == 0 and c["switch_without_keyframe"] == 0, c
    assert c["layer_switches"] >= 4, c  # 2->0, 0->1, 1->2, 2->1 (fallback)
    assert report["sent"]["packets"]["h"] > report["sent"]["packets"]["m"] > report["sent"]["packets"]["l"] > 0
    assert result.returncode == 0, report["problems"]

    assert dataplane_empty(lab), lab.admin("dataplane_stats")["dataplane"]
    assert lab.proc.poll() is None
