#!/usr/bin/python3
"""`make bench`: Portunus and Janus 1.1.2 side by side under the same portunus-lab load, in one run.

Portunus runs in an appliance network namespace with its DPDK port (af_xdp) on a veth and one worker lcore in
idle-backoff (the worker sleeps when it finds nothing to do, so its CPU is measured, not charged as a full core).
Janus (Debian 1.1.2, echotest + videoroom, HTTP/WS on 127.0.0.1, ICE on the namespace's veth address) runs in a
namespace of its own from a generated config. portunus-lab runs in the client namespace of each server.

Per scenario step and server: server CPU seconds two ways, (a) "process": utime+stime of the whole process from
/proc/<pid>/stat, and (b) "busy": for Portunus the dataplane worker's busy TSC cycles (loop iterations that found
work, admin `dataplane_stats`) plus the CPU of every other thread (/proc/<pid>/task/*/stat), for Janus its process
CPU (it has no polling thread: all its CPU is work); peak RSS growth per PeerConnection, the lab's setup times,
loss, latency (payload send time → arrival) and its CDF, pps. Scenarios: echotest (N PCs, portunus-lab load's
event loops), webinar (1 → N; the steps go up until loss exceeds 0.1 %: the max lossless fan-out), meetings (R rooms
created for the step, P publishers x S subscribers in each, every subscriber on every feed of its room), setup (PCs/s
to webrtcup at an unthrottled ramp). Writes bench/results/<date>-<host>.json, PNG plots (gnuplot) and prints one line
per scenario:
  bench <scenario>: pkts/cpu-s portunus <x> janus <y> ratio <r>; p99 added latency ms portunus <a> janus <b>; ...
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from lib.netns import ApplianceLab  # noqa: E402

JANUS = "/usr/bin/janus"
JANUS_LIB = Path("/usr/lib/x86_64-linux-gnu/janus")
PREFIX = "bch"
JANUS_NS = f"{PREFIX}-janus"
JANUS_IF = f"{PREFIX}-jv0"
JANUS_ADDRESS = "198.18.48.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
LOSSLESS_PERCENT = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def task_cpu_seconds(pid):
    """{thread name: utime + stime} of every thread of the process."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            comm = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[f"{comm}/{task.name}"] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def is_worker_thread(name):
    """DPDK names its worker lcore threads dpdk-worker<N> (lcore-worker-<N> in older releases)."""
    return "worker" in name and ("dpdk" in name or "lcore" in name or "rte" in name)


def busy_snapshot(server):
    """CPU seconds so far: the whole process, the threads other than the dataplane worker, the worker's busy
    cycles (None for Janus) and the worker thread's CPU."""
    pid = server.proc.pid
    process = cpu_seconds(pid)
    worker_busy = server.worker_busy_seconds()
    tasks = task_cpu_seconds(pid)
    worker_cpu = sum(v for k, v in tasks.items() if is_worker_thread(k.split("/")[0]))
    return {"process": process, "other": process - worker_cpu, "worker_busy": worker_busy, "worker_cpu": worker_cpu}


def busy_delta(before, after):
    """Busy CPU seconds between two snapshots: Janus has no polling thread, its process CPU is all work; Portunus:
    the other threads' CPU + the worker's busy cycles, capped by the worker thread's CPU time (the TSC cycles of a
    busy iteration are wall-clock: on an oversubscribed machine they include time the thread was preempted)."""
    if after["worker_busy"] is None:
        return after["process"] - before["process"]
    return (after["other"] - before["other"]) + min(after["worker_busy"] - before["worker_busy"],
                                                    after["worker_cpu"] - before["worker_cpu"])


def rss_bytes(pid):
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


def set_option(text, key, value):
    """`key = value` in a jcfg text: replaces the first (possibly commented) assignment of that key."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip().lstrip("#").strip()
        if stripped.startswith(key + " ") or stripped.startswith(key + "="):
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = f"{indent}{key} = {value}"
            return "\n".join(lines) + "\n"
    raise RuntimeError(f"{key} not found")


class JanusServer:
    """Debian's Janus 1.1.2 from a generated config (echotest + videoroom, HTTP + WS) in namespace JANUS_NS."""

    def __init__(self, root: Path):
        self.root, self.proc = root, None
        self.netns, self.ice_address = JANUS_NS, JANUS_ADDRESS
        self.ws = "ws://127.0.0.1:18188"

    def worker_busy_seconds(self):
        return None  # no polling thread: the process CPU is all work

    def up(self):
        sh("ip", "netns", "add", self.netns)
        sh("ip", "-n", self.netns, "link", "set", "lo", "up")
        sh("ip", "-n", self.netns, "link", "add", JANUS_IF, "type", "veth", "peer", "name", f"{PREFIX}-jv1")
        sh("ip", "-n", self.netns, "addr", "add", f"{JANUS_ADDRESS}/24", "dev", JANUS_IF)
        sh("ip", "-n", self.netns, "link", "set", JANUS_IF, "up")
        sh("ip", "-n", self.netns, "link", "set", f"{PREFIX}-jv1", "up")

    def start(self):
        root = self.root
        for folder in ("plugins", "transports", "events", "loggers"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        for kind, name in (("plugins", "echotest"), ("plugins", "videoroom"), ("transports", "http"),
                           ("transports", "websockets")):
            lib = f"libjanus_{name}.so"
            os.symlink(JANUS_LIB / kind / lib, root / kind / lib)
        for name in ("janus.jcfg", "janus.plugin.echotest.jcfg", "janus.plugin.videoroom.jcfg",
                     "janus.transport.http.jcfg", "janus.transport.websockets.jcfg"):
            shutil.copy(Path("/etc/janus") / name, root / name)
        cfg = set_option((root / "janus.jcfg").read_text(), "configs_folder", f'"{root}"')
        for folder in ("plugins", "transports", "events", "loggers"):
            cfg = set_option(cfg, f"{folder}_folder", f'"{root / folder}"')
        (root / "janus.jcfg").write_text(cfg)
        http = (root / "janus.transport.http.jcfg").read_text()
        (root / "janus.transport.http.jcfg").write_text(set_option(set_option(http, "port", "18088"), "ip",
                                                                    '"127.0.0.1"'))
        ws = (root / "janus.transport.websockets.jcfg").read_text()
        (root / "janus.transport.websockets.jcfg").write_text(set_option(set_option(ws, "ws_port", "18188"),
                                                                          "ws_ip", '"127.0.0.1"'))
        log = root / "janus.log"
        # `ip netns exec` execs Janus in place: proc.pid is Janus's own pid.
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.netns, JANUS, "-C", str(root / "janus.jcfg"),
                                      "-F", str(root), f"--ice-enforce-list={JANUS_IF}", "--disable-colors"],
                                     stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=root)
        deadline = time.time() + 20
        while time.time() < deadline:
            text = log.read_text()
            if self.proc.poll() is not None:
                raise RuntimeError("Janus exited:\n" + text[-3000:])
            if "Websockets server started" in text and "HTTP webserver started" in text:
                return
            time.sleep(0.1)
        raise RuntimeError("Janus did not open its ports:\n" + log.read_text()[-3000:])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def down(self):
        self.stop()
        if Path(f"/run/netns/{self.netns}").exists():
            subprocess.run(["ip", "netns", "del", self.netns], check=False)


class PortunusServer:
    def __init__(self, tmp: Path, build: Path):
        self.lab = ApplianceLab(tmp, build, driver="af_xdp", prefix=PREFIX, subnet="198.18.47", tag="0",
                                srtp_engine="auto")
        self.netns, self.ice_address = self.lab.cli, self.lab.client
        self.ws = f"ws://{self.lab.appliance}:8188"

    @property
    def proc(self):
        return self.lab.proc

    def up(self):
        self.lab.up()

    def start(self):
        # One lab process drives hundreds of handles over one session from one address: no per-client limits.
        self.lab.start(extra="limits: {max_handles_per_session: 0, request_rate: 0, max_peerconnections: 0}\n")

    def worker_busy_seconds(self):
        """The dataplane workers' busy seconds (TSC cycles of loop iterations that found work)."""
        workers = self.lab.admin("dataplane_stats")["dataplane"]["workers"]
        return sum(w["busy_cycles"] / w["tsc_hz"] for w in workers if w.get("tsc_hz"))

    def down(self):
        if self.lab.proc is None and not Path(f"/run/netns/{self.lab.app}").exists():
            return
        self.lab.stop()
        self.lab.down()
        self.lab.proc = None


class Sampler(threading.Thread):
    """Peak RSS of `pid` while a run lasts."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop_flag = pid, rss_bytes(pid), threading.Event()

    def run(self):
        while not self.stop_flag.wait(0.2):
            try:
                self.peak = max(self.peak, rss_bytes(self.pid))
            except OSError:
                return


def run_step(server, lab_bin: Path, out: Path, command: list, peers: int):
    """One lab run against `server`; returns the lab's JSON plus the server's CPU and memory figures."""
    pid = server.proc.pid
    rss0, t0 = rss_bytes(pid), time.time()
    snap0 = busy_snapshot(server)
    sampler = Sampler(pid)
    sampler.start()
    cmd = ["ip", "netns", "exec", server.netns, str(lab_bin), *command, "--server", server.ws, "--transport", "ws",
           "--ice-address", server.ice_address, "--json", str(out), "--log", "warn"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=400)
    sampler.stop_flag.set()
    sampler.join()
    snap1 = busy_snapshot(server)
    cpu, busy, wall = snap1["process"] - snap0["process"], busy_delta(snap0, snap1), time.time() - t0
    sys.stdout.write(result.stdout)
    if not out.exists():
        raise RuntimeError(f"lab wrote no report ({' '.join(cmd)}):\n{result.stderr[-3000:]}")
    report = json.loads(out.read_text())
    report["server_cpu_s"] = cpu
    report["server_busy_s"] = busy
    if snap1["worker_busy"] is not None:
        report["worker_busy_s"] = snap1["worker_busy"] - snap0["worker_busy"]
        report["worker_cpu_s"] = snap1["worker_cpu"] - snap0["worker_cpu"]
    report["server_wall_s"] = wall
    report["server_cpu_percent"] = 100.0 * cpu / wall
    report["server_rss_per_pc_kib"] = max(0, sampler.peak - rss0) / 1024 / max(1, peers)
    report["server_rss_peak_mib"] = sampler.peak / 2**20
    report["lab_exit"] = result.returncode
    return report


def room_summary(report):
    """A videoroom report (webinar, meetings) in the load report's terms: forwarded packets, loss, one-way
    latency."""
    streams = report.get("streams", [])
    sent = sum(s.get("measured_sent", 0) for s in streams)
    received = sum(s.get("measured_received", 0) for s in streams)
    p99 = sorted(s["latency_ms"]["p99"] for s in streams)
    p50 = sorted(s["latency_ms"]["p50"] for s in streams)
    return {"received": sum(s.get("received", 0) for s in streams),
            "loss_percent": 100.0 * (sent - received) / sent if sent else 100.0,
            "rtt_ms": {"p50": p50[len(p50) // 2] if p50 else 0, "p99": p99[len(p99) // 2] if p99 else 0,
                       "max": max((s["latency_ms"]["max"] for s in streams), default=0)},
            "media_s": report.get("duration_s", 0),
            "latency_cdf_ms": pooled_cdf([s.get("latency_cdf_ms", []) for s in streams])}


def pooled_cdf(lists):
    """100 quantiles of the pooled per-stream quantiles (streams of similar packet counts weigh the same)."""
    points = sorted(x for lst in lists for x in lst)
    if not points:
        return []
    return [points[min(len(points) - 1, (k * len(points) + 99) // 100 - 1)] for k in range(1, 101)]


def per_cpu(step, key):
    return step["received"] / step[key] if step[key] > 0 else float("inf")


def largest_common(steps):
    """The largest step both servers ran (the webinar stops a server's steps once it loses packets)."""
    common = sorted({s["n"] for s in steps["portunus"]} & {s["n"] for s in steps["janus"]})
    if not common:
        return steps["portunus"][-1], steps["janus"][-1]
    n = common[-1]
    return (next(s for s in steps["portunus"] if s["n"] == n), next(s for s in steps["janus"] if s["n"] == n))


def final_line(name, steps):
    """The one comparison line of a scenario, from the largest step both ran, with busy accounting (see
    docs/PERFORMANCE.md: the idle-backoff worker's spinning between packets is not packet work)."""
    p, j = largest_common(steps)
    pp, jp = per_cpu(p, "server_busy_s"), per_cpu(j, "server_busy_s")
    ratio = pp / jp if jp > 0 else float("inf")
    return (f"bench {name}: pkts/cpu-s portunus {pp:.0f} janus {jp:.0f} ratio {ratio:.2f}; "
            f"p99 added latency ms portunus {p['rtt_ms']['p99']:.3f} janus {j['rtt_ms']['p99']:.3f}; "
            f"loss % portunus {p['loss_percent']:.3f} janus {j['loss_percent']:.3f}; "
            f"cpu accounting busy (portunus worker busy cycles + other threads, janus process) at n={p['n']}")


def table(name, steps):
    rows = [f"{'scenario':<9} {'server':<9} {'peers':>5} {'up':>4} {'fwd pkts':>9} {'cpu s':>7} {'busy s':>7} "
            f"{'cpu %':>6} {'pkts/cpu-s':>10} {'pkts/busy-s':>11} {'RSS/PC KiB':>10} {'setup p50':>9} {'PCs/s':>6} "
            f"{'p50 ms':>8} {'p99 ms':>8} {'loss %':>7}"]
    for server in ("portunus", "janus"):
        for s in steps[server]:
            setup = s.get("setup_ms", {}).get("p50", float("nan"))
            rows.append(f"{name:<9} {server:<9} {s['n']:>5} {s.get('peers_up', s['n']):>4} {s['received']:>9} "
                        f"{s['server_cpu_s']:>7.2f} {s['server_busy_s']:>7.2f} {s['server_cpu_percent']:>6.1f} "
                        f"{per_cpu(s, 'server_cpu_s'):>10.0f} {per_cpu(s, 'server_busy_s'):>11.0f} "
                        f"{s['server_rss_per_pc_kib']:>10.0f} {setup:>9.1f} {s.get('setup_rate', float('nan')):>6.1f} "
                        f"{s['rtt_ms']['p50']:>8.3f} {s['rtt_ms']['p99']:>8.3f} {s['loss_percent']:>7.3f}")
    return "\n".join(rows)


def gnuplot(png: Path, xlabel: str, ylabel: str, series: list, extra: str = ""):
    script = (f"set terminal png size 900,540\nset output '{png}'\nset xlabel '{xlabel}'\nset ylabel '{ylabel}'\n"
              f"set key left top\nset grid\n{extra}plot {', '.join(series)}\n")
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode == 0 and png.exists():
        return str(png)
    print(f"gnuplot failed for {png.name}: {r.stderr[-500:]}")
    return None


def plots(results, out_dir: Path, stem: str):
    """Latency CDF (both servers, largest common step of each scenario), delivered pps vs peers/subscribers, server
    CPU (process and busy accounting) vs delivered pps, with gnuplot."""
    if not shutil.which("gnuplot"):
        print("gnuplot not installed: no plots (scripts/install-deps.sh installs gnuplot-nox)")
        return []
    made = []
    series = {"cdf": [], "pps": [], "cpu": []}
    for scen, steps in results["scenarios"].items():
        if not (steps["portunus"] and steps["janus"]):
            continue
        largest = dict(zip(("portunus", "janus"), largest_common(steps)))
        for server in ("portunus", "janus"):
            cdf = largest[server].get("latency_cdf_ms") or []
            if cdf:
                f = out_dir / f"{stem}-{scen}-{server}-cdf.dat"
                f.write_text("".join(f"{x:.4f} {(k + 1) / len(cdf):.2f}\n" for k, x in enumerate(cdf)))
                series["cdf"].append(f"'{f}' using 1:2 with lines lw 2 title '{scen} {server} "
                                     f"(n={largest[server]['n']})'")
            f = out_dir / f"{stem}-{scen}-{server}.dat"
            with open(f, "w") as out:
                for s in steps[server]:
                    media = max(s.get("media_s") or s["duration_s"], 0.1)
                    out.write(f"{s['n']} {s['received'] / media:.1f} {100 * s['server_cpu_s'] / s['server_wall_s']:.2f} "
                              f"{100 * s['server_busy_s'] / s['server_wall_s']:.2f}\n")
            if scen == "setup":
                continue
            series["pps"].append(f"'{f}' using 1:2 with linespoints title '{scen} {server}'")
            series["cpu"].append(f"'{f}' using 2:3 with linespoints title '{scen} {server} process'")
            series["cpu"].append(f"'{f}' using 2:4 with linespoints dt 2 title '{scen} {server} busy'")
    if series["cdf"]:
        made.append(gnuplot(out_dir / f"{stem}-latency-cdf.png", "latency ms (echotest: round trip; webinar, "
                            "meetings: publisher to subscriber)", "fraction of packets", series["cdf"],
                            "set logscale x\nset key right bottom\n"))
    if series["pps"]:
        made.append(gnuplot(out_dir / f"{stem}-pps.png", "peers (echotest) / subscribers (webinar) / rooms (meetings)",
                            "delivered packets per second", series["pps"]))
    if series["cpu"]:
        made.append(gnuplot(out_dir / f"{stem}-cpu.png", "delivered packets per second",
                            "server CPU % of one core (process / busy accounting)", series["cpu"]))
    return [m for m in made if m]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=str(ROOT / "build"))
    ap.add_argument("--echotest-peers", default="10,50,150")
    ap.add_argument("--webinar-subscribers", default="10,25,50,75,100,150")
    ap.add_argument("--meetings-rooms", default="1,2,4", help="meetings: room counts, one step each")
    ap.add_argument("--meeting-publishers", type=int, default=3)
    ap.add_argument("--meeting-subscribers", type=int, default=3)
    ap.add_argument("--setup-peers", default="50")
    ap.add_argument("--duration", type=float, default=8)
    ap.add_argument("--ramp", type=float, default=50)
    ap.add_argument("--threads", type=int, default=2, help="lab media threads and IceLoops (one per core)")
    ap.add_argument("--setup-threads", type=int, default=16)
    ap.add_argument("--simulcast-substream", type=int, default=1, choices=(0, 1, 2),
                    help="meetings-simulcast: the layer every subscriber asks for")
    ap.add_argument("--scenarios", default="echotest,setup,webinar,meetings,meetings-simulcast",
                    help="of echotest, setup, webinar, meetings, meetings-simulcast")
    ap.add_argument("--servers", default="portunus,janus", help="which servers to run (the line needs both)")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    lab_bin = build / "lab" / "portunus-lab"
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespaces, DPDK)")
    if not os.path.exists(JANUS):
        sys.exit("bench: Janus is not installed (bench/run.sh installs it: scripts/install-janus.sh)")
    tmp = Path(tempfile.mkdtemp(prefix="portunus-bench-"))
    scenarios = args.scenarios.split(",")
    results = {"date": datetime.datetime.utcnow().isoformat() + "Z", "host": socket.gethostname(),
               "cpus": os.cpu_count(), "cpu_model": next((l.split(":", 1)[1].strip() for l in
                                                         open("/proc/cpuinfo") if l.startswith("model name")), ""),
               "duration_s": args.duration, "scenarios": {s: {"portunus": [], "janus": []} for s in scenarios}}
    servers = {"portunus": PortunusServer(tmp / "portunus", build), "janus": JanusServer(tmp / "janus")}
    servers = {k: v for k, v in servers.items() if k in args.servers.split(",")}
    (tmp / "portunus").mkdir()
    (tmp / "janus").mkdir()
    try:
        for name, server in servers.items():
            server.up()
            server.start()
            print(f"== {name} up (pid {server.proc.pid})", flush=True)
            threads = sorted(k.split("/")[0] for k in task_cpu_seconds(server.proc.pid))
            results.setdefault("threads", {})[name] = threads
            for scen in scenarios:
                sizes = [int(x) for x in {"echotest": args.echotest_peers, "webinar": args.webinar_subscribers,
                                          "meetings": args.meetings_rooms, "meetings-simulcast": args.meetings_rooms,
                                          "setup": args.setup_peers}[scen].split(",")]
                for n in sizes:
                    out = tmp / f"{name}-{scen}-{n}.json"
                    if scen in ("echotest", "setup"):
                        setup = scen == "setup"
                        cmd = ["load", "--peers", str(n), "--ramp", str(1000 if setup else args.ramp),
                               "--duration", str(1 if setup else args.duration), "--warmup", "0.5" if setup else "1",
                               "--threads", str(args.threads), "--setup-threads", str(args.setup_threads),
                               "--loops", str(args.threads), "--no-progress"]
                    else:  # the load generator's room scenarios, from a scenario file like bench/scenarios/
                        room = (f"subscribers: {n}\nroom: 1234\n" if scen == "webinar" else
                                f"rooms: {n}\npublishers: {args.meeting_publishers}\n"
                                f"subscribers: {args.meeting_subscribers}\n")
                        # meetings-simulcast: the meetings with the simulcast media profile (VP8 h/m/l from every
                        # publisher, every subscriber on --simulcast-substream)
                        media = (f"media: {{simulcast: true, substream: {args.simulcast_substream}}}\n"
                                 if scen == "meetings-simulcast" else "")
                        scenario_file = tmp / f"{name}-{scen}-{n}.yaml"
                        scenario_file.write_text(f"scenario: {scen.split('-')[0]}\n{room}warmup_s: 1\n"
                                                 f"duration_s: {args.duration}\nthreads: {args.threads}\n"
                                                 f"loops: {args.threads}\n{media}")
                        cmd = ["load", "--scenario", str(scenario_file), "--no-progress"]
                    pcs = {"webinar": n + 1, "meetings": n * (args.meeting_publishers + args.meeting_subscribers)}
                    pcs["meetings-simulcast"] = pcs["meetings"]
                    try:
                        r = run_step(server, lab_bin, out, cmd, pcs.get(scen, n))
                    except RuntimeError as e:  # e.g. the server still busy closing the last step's PCs
                        print(f"   {name} {scen} {n}: {str(e)[-300:]}; retrying once in 5 s", flush=True)
                        time.sleep(5)
                        r = run_step(server, lab_bin, out, cmd, pcs.get(scen, n))
                    if scen in ("webinar", "meetings", "meetings-simulcast"):
                        r.update(room_summary(r))
                    else:
                        r["setup_rate"] = r.get("setup_rate_per_s", 0)
                    r["n"] = n
                    r.setdefault("duration_s", args.duration)
                    results["scenarios"][scen][name].append(r)
                    print(f"   {name} {scen} {n}: fwd {r['received']} pkts, cpu {r['server_cpu_s']:.2f} s, busy "
                          f"{r['server_busy_s']:.2f} s, p99 {r['rtt_ms']['p99']:.3f} ms, loss "
                          f"{r['loss_percent']:.3f} %", flush=True)
                    time.sleep(2)  # let the server finish closing this step's PeerConnections
                    if scen == "webinar" and r["loss_percent"] > LOSSLESS_PERCENT:
                        break  # the fan-out is no longer lossless: larger steps only lose more
            server.down()
    finally:
        for server in servers.values():
            try:
                server.down()
            except Exception as e:  # noqa: BLE001 - cleanup must go on
                print(f"cleanup: {e}")
    # Max lossless fan-out: the largest webinar step with ≤ 0.1 % loss.
    if "webinar" in results["scenarios"]:
        results["max_lossless_fanout"] = {
            srv: max((s["n"] for s in steps if s["loss_percent"] <= LOSSLESS_PERCENT), default=0)
            for srv, steps in results["scenarios"]["webinar"].items()}
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{datetime.date.today().isoformat()}-{socket.gethostname()}"
    for r in (s for scen in results["scenarios"].values() for srv in scen.values() for s in srv):
        r.pop("per_peer", None)  # keep the results file readable
        for stream in r.get("streams", []):
            stream.pop("latency_cdf_ms", None)
    results["plots"] = plots(results, out_dir, stem)
    lines = []
    for scen, steps in results["scenarios"].items():
        print(table(scen, steps))
        if steps["portunus"] and steps["janus"]:
            lines.append(final_line(scen, steps))
    results["lines"] = lines
    path = out_dir / f"{stem}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"results: {path}")
    if "max_lossless_fanout" in results:
        f = results["max_lossless_fanout"]
        top = max(int(x) for x in args.webinar_subscribers.split(","))
        fmt = {k: (f">={v}" if v == top else str(v)) for k, v in f.items()}
        print(f"bench max lossless fan-out (loss <= {LOSSLESS_PERCENT} %, 1 publisher, audio + 500 kbit/s video): "
              f"portunus {fmt.get('portunus', '?')} janus {fmt.get('janus', '?')} subscribers")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
