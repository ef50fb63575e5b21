"""portunus-lab's load mode against portunusd (the bench's driver, bench/bench.py): 20 EchoTest PeerConnections in
one lab process over one WebSocket session, ramped up at 20/s, paced by 2 media threads (event loops, not a thread
per peer) and negotiated by 4 setup threads, 3 s of audio and video each through the DPDK dataplane of an appliance
namespace, while 2 more peers per second join, send for 1.5 s and leave (churn). Every peer comes up, every stream
is echoed, the report adds up."""
from lib.labrun import LAB, NEEDS_LAB, run_lab_report, running_lab

pytestmark = NEEDS_LAB


def test_load_twenty_peers_in_two_media_threads_all_echoed(tmp_path):
    with running_lab(tmp_path, driver="af_xdp", subnet="198.18.46") as lab:
        report_path = tmp_path / "load.json"
        cmd = ["ip", "netns", "exec", lab.cli, str(LAB), "load", "--server", f"ws://{lab.appliance}:8188",
               "--transport", "ws", "--ice-address", lab.client, "--peers", "20", "--ramp", "20", "--duration", "3",
               "--warmup", "0.5", "--threads", "2", "--setup-threads", "4",
               "--churn-rate", "2", "--churn-lifetime", "1.5", "--json", str(report_path)]
        result, report = run_lab_report(cmd, report_path, timeout=60)
        assert result.returncode == 0, report["problems"]
        # 20 peers for the whole run, and 6 more that joined (2/s over the 3 s), sent 1.5 s and left meanwhile.
        assert report["churn_peers"] == 6
        assert report["peers_up"] == 26
        assert report["threads"] == 2 and report["setup_threads"] == 4
        assert report["loss_percent"] < 1.0
        for peer in report["per_peer"]:
            assert peer["up"] and peer["failure"] == ""
            assert peer["sent"] > 100 and peer["received"] >= 0.99 * peer["sent"], peer
            assert 0 < peer["latency_p50_ms"] <= peer["latency_p99_ms"] <= peer["latency_max_ms"]
        assert report["received"] == sum(p["received"] for p in report["per_peer"])
        assert report["pps_in"] > 0 and report["setup_ms"]["max"] > 0
        # The worker's cycle accounting (per loop iteration): busy within total, and busy at all once packets
        # went through; /metrics exports it in seconds.
        workers = lab.admin("dataplane_stats")["dataplane"]["workers"]
        assert workers and all(w["tsc_hz"] > 0 for w in workers)
        assert all(0 < w["busy_cycles"] <= w["total_cycles"] for w in workers), workers
        assert sum(w["busy_loops"] for w in workers) > 0
        # Of the busy time, the SRTP engine's batches (every echoed packet was unprotected and protected) and the
        # port's tx bursts are parts.
        assert all(w["srtp_cycles"] + w["tx_cycles"] <= w["busy_cycles"] for w in workers), workers
        assert sum(w["srtp_cycles"] for w in workers) > 0
        srtp_seconds = [float(line.split()[-1]) for line in lab.metrics().splitlines()
                        if line.startswith("portunus_dataplane_srtp_seconds_total{")]
        assert len(srtp_seconds) == len(workers) and sum(srtp_seconds) > 0, srtp_seconds
        # The media threads kept their deadlines (mean lateness of a send under 20 ms even on a loaded machine).
        assert 0 <= report["mean_lateness_us"] < 20000
