"""VideoRoom media end to end in network namespaces: portunusd with its dataplane in the appliance namespace,
portunus-lab peers in the client namespace. One room run covers: 3 publishers and 6 subscribers each subscribed to
every feed (payloads verified per publisher stream), a subscriber switching feed without renegotiation, the last
publisher leaving while subscribed (every subscriber gets `updated`), 20 subscribers joining and leaving one after
the other, Portunus as DTLS server toward subscribers with GCM negotiated; and afterwards no dataplane object left.
And the meetings form: two rooms of 2 x 2 created for the run."""
import pytest

from lib.labrun import LAB, NEEDS_LAB, dataplane_empty, run_lab_report, running_lab, wait_for

pytestmark = NEEDS_LAB


@pytest.fixture
def lab(tmp_path):
    with running_lab(tmp_path, driver="af_xdp", prefix="pvr", subnet="198.18.41") as lab:
        yield lab



def test_room_three_publishers_six_subscribers(lab, tmp_path):
    report_path = tmp_path / "room.json"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "videoroom", "--server", f"http://{lab.appliance}:8088/janus",
           "--room", "1234", "--ice-address", lab.client, "--duration", "2", "--warmup", "0.5",
           "--publishers", "3", "--subscribers", "6", "--switch", "--publisher-leaves", "--churn", "20",
           "--json", str(report_path)]
    result, report = run_lab_report(cmd, report_path, timeout=150)
    assert result.returncode == 0, report.get("problems")
    assert report["passed"], report["problems"]

    streams = report["streams"]
    # Subscriber 0 started on feed 0 only (then switched); subscribers 1..5 receive all 3 feeds' audio and video.
    regular = [s for s in streams if not s["mid"].startswith("s0<-")]
    assert len(regular) == 5 * 3 * 2
    for s in streams:
        assert s["sent"] > 0, s
        assert s["received"] == s["sent"], s
        assert s["lost"] == 0 and s["bad_payloads"] == 0 and s["duplicates"] == 0, s
    switched = [s for s in streams if "switched" in s["mid"]]
    assert sorted(s["kind"] for s in switched) == ["audio", "video"]
    assert any("switched\":\"ok" in e for e in report["events"])
    assert "publisher left: every subscriber updated" in report["events"]

    # Portunus offered to the subscribers, the lab answered active: Portunus is the DTLS server and picked GCM.
    assert report["dtls_role"] == "client"
    assert report["srtp_profile"] == "SRTP_AEAD_AES_128_GCM"

    # Everyone detached (29 PeerConnections in all): no transport, stream or route left in the dataplane.
    stats = wait_for(lambda: (lambda d: d if d["transports_count"] == 0 and d["streams_count"] == 0 else None)(
        lab.admin("dataplane_stats")["dataplane"]))
    assert stats, lab.admin("dataplane_stats")["dataplane"]
    assert lab.proc.poll() is None


def test_meetings_two_rooms(lab, tmp_path):
    """portunus-lab's meetings form (`--rooms`): two rooms created for the run, 2 publishers x 2 subscribers in each;
    every subscriber gets exactly its own room's feeds, verified; the rooms are destroyed at the end."""
    report_path = tmp_path / "meetings.json"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "videoroom", "--server", f"http://{lab.appliance}:8088/janus",
           "--ice-address", lab.client, "--duration", "2", "--warmup", "0.5", "--rooms", "2",
           "--publishers", "2", "--subscribers", "2", "--json", str(report_path)]
    result, report = run_lab_report(cmd, report_path, timeout=120)
    assert result.returncode == 0 and report["passed"], report.get("problems")
    streams = report["streams"]
    assert len(streams) == 2 * 2 * 2 * 2  # rooms x subscribers x publishers x (audio, video)
    assert sorted({s["mid"].split("/")[0] for s in streams}) == [
        f"r{r}s{i}<-p{j}" for r in range(2) for i in range(2) for j in range(2)]
    for s in streams:
        assert s["sent"] > 0 and s["received"] == s["sent"], s
        assert s["lost"] == 0 and s["bad_payloads"] == 0 and s["duplicates"] == 0, s

    # The two rooms are gone again: `list` shows the configured ones only.
    sid = lab.janus({"janus": "create"})["data"]["id"]
    hid = lab.janus({"janus": "attach", "plugin": "janus.plugin.videoroom"}, f"/{sid}")["data"]["id"]
    listed = lab.janus({"janus": "message", "body": {"request": "list"}}, f"/{sid}/{hid}")
    rooms = [r["room"] for r in listed["plugindata"]["data"]["list"]]
    assert rooms == [1234], rooms
    lab.janus({"janus": "destroy"}, f"/{sid}")
    assert dataplane_empty(lab), lab.admin("dataplane_stats")["dataplane"]


def test_load_scenario_files_webinar_and_meetings(lab, tmp_path):
    """The load generator's room scenarios from YAML files (`portunus-lab load --scenario`): meetings (two rooms
    created for the run, 2 publishers x 2 subscribers in each) then a webinar (one publisher -> 5 subscribers in
    room 1234), each with its live progress line on stderr and every stream verified; nothing left afterwards."""
    meetings = tmp_path / "meetings.yaml"
    meetings.write_text("scenario: meetings\nrooms: 2\npublishers: 2\nsubscribers: 2\nwarmup_s: 0.5\n"
                        "duration_s: 2.5\nthreads: 1\nloops: 2\n")
    webinar = tmp_path / "webinar.yaml"
    webinar.write_text("scenario: webinar\nsubscribers: 5\nroom: 1234\nwarmup_s: 0.5\nduration_s: 2.5\n")
    for scenario, pairs in ((meetings, 2 * 2 * 2), (webinar, 5)):
        report_path = tmp_path / f"{scenario.stem}.json"
        cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "load", "--scenario", str(scenario), "--server",
               f"ws://{lab.appliance}:8188", "--ice-address", lab.client, "--json", str(report_path)]
        result, report = run_lab_report(cmd, report_path, timeout=120)
        assert result.returncode == 0 and report["passed"], report.get("problems")
        assert report["command"] == f"load {scenario.stem}"
        assert "publishers sending" in result.stderr and "pps out" in result.stderr, result.stderr[-2000:]
        streams = report["streams"]
        assert len(streams) == pairs * 2, [s["mid"] for s in streams]  # audio and video of each pair
        for s in streams:
            assert s["sent"] > 0 and s["received"] == s["sent"], s
            assert s["lost"] == 0 and s["bad_payloads"] == 0, s
    assert dataplane_empty(lab), lab.admin("dataplane_stats")["dataplane"]


def test_load_meetings_with_simulcast(lab, tmp_path):
    """The simulcast media profile of the load generator: each publisher's video is VP8 simulcast (rids h, m, l),
    every subscriber asks for substream 1 before the media starts, and receives exactly that layer of every
    publisher of its room, every packet of it after the warm-up, beside the audio."""
    scenario = tmp_path / "meetings-simulcast.yaml"
    scenario.write_text("scenario: meetings\nrooms: 1\npublishers: 2\nsubscribers: 2\nwarmup_s: 1\n"
                        "duration_s: 3\nmedia: {simulcast: true, substream: 1}\n")
    report_path = tmp_path / "meetings-simulcast.json"
    cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "load", "--scenario", str(scenario), "--server",
           f"ws://{lab.appliance}:8188", "--ice-address", lab.client, "--json", str(report_path)]
    result, report = run_lab_report(cmd, report_path, timeout=120)
    assert result.returncode == 0 and report["passed"], report.get("problems")
    assert "simulcast (substream 1)" in report["role"]
    streams = report["streams"]
    video = [s for s in streams if s["kind"] == "video"]
    assert sorted(s["mid"] for s in video) == [f"r0s{i}<-p{j}/1/m" for i in range(2) for j in range(2)], streams
    assert len(streams) == 2 * 2 * 2
    for s in streams:
        assert s["sent"] > 0 and s["received"] == s["sent"], s
        assert s["lost"] == 0 and s["bad_payloads"] == 0, s
    assert dataplane_empty(lab), lab.admin("dataplane_stats")["dataplane"]
