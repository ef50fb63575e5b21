"""The lab layout of DESIGN §6 for integration tests: an appliance namespace where portunusd runs with its DPDK port
on one end of a veth and the exception tap holding the appliance address, and a client namespace holding the other
end with a kernel address. Names carry a prefix and the pid so parallel runs never collide; `down()` removes
everything (namespaces take their links along) and kills only the processes it started."""
import json
import os
import signal
import subprocess
import textwrap
import time
import urllib.request
from pathlib import Path


def sh(*args, check=True, **kw):
    return subprocess.run([str(a) for a in args], check=check, capture_output=True, text=True, **kw)


def nsexec(ns, *args, **kw):
    return sh("ip", "netns", "exec", ns, *args, **kw)


class ApplianceLab:
    """`prefix` names namespaces and links (default "ppc", or $PORTUNUS_NETNS_PREFIX), `subnet` is a /24 of
    198.18.0.0/15 ("198.18.40"), `srtp_engine` the dataplane.srtp_engine to run."""

    def __init__(self, tmp: Path, build: Path, driver: str = "af_xdp", prefix: str | None = None,
                 subnet: str = "198.18.40", tag: str | None = None, srtp_engine: str = "auto"):
        tag = tag or f"{os.getpid() % 100000}"
        prefix = prefix or os.environ.get("PORTUNUS_NETNS_PREFIX", "ppc")
        self.tmp, self.build, self.driver = Path(tmp), Path(build), driver
        self.app, self.cli = f"{prefix}-app-{tag}", f"{prefix}-cli-{tag}"
        self.veth_app, self.veth_cli, self.tap = f"{prefix}v{tag}a", f"{prefix}v{tag}b", f"{prefix}t{tag}"
        self.appliance, self.client = f"{subnet}.1", f"{subnet}.2"
        self.srtp_engine = srtp_engine  # dataplane.srtp_engine: auto | ipsec-mb | libsrtp2
        self.proc = None
        self.log = self.tmp / "portunusd.log"
        self.admin_port = 7088
        self.log_level = "info"

    def up(self):
        for ns in (self.app, self.cli):
            sh("ip", "netns", "add", ns)
            nsexec(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
            nsexec(ns, "ip", "link", "set", "lo", "up")
        sh("ip", "link", "add", self.veth_app, "type", "veth", "peer", "name", self.veth_cli)
        sh("ip", "link", "set", self.veth_app, "netns", self.app)
        sh("ip", "link", "set", self.veth_cli, "netns", self.cli)
        nsexec(self.cli, "ip", "addr", "add", f"{self.client}/24", "dev", self.veth_cli)
        nsexec(self.cli, "ip", "link", "set", self.veth_cli, "up")
        # The kernel behind the tap checks UDP checksums: frames must leave the client finished.
        nsexec(self.cli, "ethtool", "-K", self.veth_cli, "tx", "off")
        nsexec(self.app, "ip", "link", "set", self.veth_app, "up")
        if self.driver == "af_packet":  # AF_PACKET taps see frames before this hook; the kernel must not answer them
            nsexec(self.app, "nft", "-f", "-", input=textwrap.dedent(f"""
                table netdev ppc {{
                  chain ingress {{ type filter hook ingress device {self.veth_app} priority 0; policy drop; }}
                }}"""))
        for _ in range(50):
            if "state UP" in nsexec(self.cli, "ip", "link", "show", self.veth_cli).stdout:
                break
            time.sleep(0.1)

    def config_text(self, extra: str = "") -> str:
        return textwrap.dedent(f"""\
            general: {{session_timeout: 60, admin_secret: janusoverlord, log_level: {self.log_level}}}
            transports:
              http: {{enabled: true, address: 0.0.0.0, port: 8088, path: /janus}}
              ws: {{enabled: true, address: 0.0.0.0, port: 8188}}
              admin_http: {{enabled: true, address: 127.0.0.1, port: {self.admin_port}, path: /admin}}
            dataplane:
              enabled: true
              eal_args: [--no-pci, --no-huge, -m, "512", --no-shconf, "--lcores=0@0,1@1", "--log-level=*:notice"]
              port: {{driver: {self.driver}, device: {self.veth_app}}}
              exception: {{driver: tap, name: {self.tap}, address: {self.appliance}, prefix: 24}}
              workers: [1]
              srtp_engine: {self.srtp_engine}
              poll: idle_backoff
              mbufs: 8191
            """) + extra

    def start(self, extra: str = "", timeout: float = 25, sets: tuple[str, ...] = ()):
        """`sets`: portunusd `--set key.path=value` overrides (e.g. "dataplane.max_routes=1")."""
        cfg = self.tmp / "portunus.yaml"
        cfg.write_text(self.config_text(extra))
        daemon = self.build / "controlplane" / "portunusd"
        overrides = [a for s in sets for a in ("--set", s)]
        # `ip netns exec` execs the daemon in place: proc.pid is portunusd's own pid.
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.app, str(daemon), "-c", str(cfg), *overrides],
                                     stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = self.log.read_text()
            if "admin http listening" in text or text.count("listening") >= 3:
                return
            if self.proc.poll() is not None:
                raise AssertionError("portunusd exited:\n" + text[-4000:])
            time.sleep(0.1)
        raise AssertionError("portunusd did not listen:\n" + self.log.read_text()[-4000:])

    def admin(self, verb: str, path: str = "", **fields) -> dict:
        """An Admin API request (inside the appliance namespace); `path` is "/<session>[/<handle>]"."""
        body = json.dumps({"janus": verb, "transaction": "t", "admin_secret": "janusoverlord", **fields})
        out = nsexec(self.app, "curl", "-s", "-m", "5", "-d", body,
                     f"http://127.0.0.1:{self.admin_port}/admin{path}")
        return json.loads(out.stdout)

    def janus(self, body: dict, path: str = "") -> dict:
        """A Janus API request over REST from the client namespace (through the exception path)."""
        body = {"transaction": "t", **body}
        out = nsexec(self.cli, "curl", "-s", "-m", "10", "-d", json.dumps(body),
                     f"http://{self.appliance}:8088/janus{path}")
        return json.loads(out.stdout)

    def metrics(self) -> str:
        return nsexec(self.app, "curl", "-s", "-m", "5", f"http://127.0.0.1:{self.admin_port}/metrics").stdout

    def stop(self) -> int | None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def down(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for ns in (self.app, self.cli):
            sh("ip", "netns", "del", ns, check=False)
