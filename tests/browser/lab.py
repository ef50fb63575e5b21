#!/usr/bin/env python3
"""Runs one command in the client namespace of a Portunus lab (DESIGN §6) and tears the lab down afterwards.

    lab.py --build BUILD --out DIR [--driver af_xdp] [--server portunusd|janus] -- COMMAND ARGS...

The appliance namespace runs portunusd with its DPDK port on one veth end and the exception tap holding the
appliance address; COMMAND runs in the client namespace (the other veth end), so everything it sends to the
appliance crosses the dataplane. COMMAND sees PORTUNUS_APPLIANCE (the appliance address), PORTUNUS_ADMIN (the Admin
API URL, reachable from the client namespace in this lab) and PORTUNUS_DAEMON_LOG. The daemon's log is kept in DIR.
Exit status: COMMAND's, or 1 when the daemon died before the end.

`--server janus` runs Debian's Janus 1.1.2 instead, on a plain kernel veth holding the appliance address (no DPDK),
with its sample room 1234: the reference that proves the browser scenarios themselves (PORTUNUS_BACKEND=janus tells
the runner to skip the Portunus-only checks).
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))

from lib.netns import ApplianceLab, nsexec  # noqa: E402
from lib.servers import JanusServer, ServerConfig  # noqa: E402


class BrowserLab(ApplianceLab):
    """The integration lab with the Admin API listening on every appliance address, so that the browser runner in
    the client namespace can read handle_info and dataplane stats over the exception path."""

    def config_text(self, extra: str = "") -> str:
        return super().config_text(extra).replace("address: 127.0.0.1, port", "address: 0.0.0.0, port")


class JanusLab(BrowserLab):
    """Debian Janus 1.1.2 in the appliance namespace on the kernel's veth end, with the ports portunusd uses."""

    def up(self):
        super().up()
        nsexec(self.app, "ip", "addr", "add", f"{self.appliance}/24", "dev", self.veth_app)

    def start(self, extra: str = "", timeout: float = 25):
        janus = JanusServer(ServerConfig(admin_secret="janusoverlord", admin_ws=False))
        janus.endpoints.http_port, janus.endpoints.ws_port, janus.endpoints.admin_http_port = 8088, 8188, 7088
        janus.write_config()
        for jcfg in janus.conf_dir.glob("janus.transport.*.jcfg"):
            jcfg.write_text(jcfg.read_text().replace('"127.0.0.1"', '"0.0.0.0"'))
        self.workdir = janus.workdir
        self.log = janus.janus_log
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.app, *janus.command()],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if nsexec(self.app, "curl", "-s", "-m", "1", "http://127.0.0.1:8088/janus/info", check=False).stdout:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"janus exited; log: {self.log}")
            time.sleep(0.2)
        raise AssertionError(f"janus did not listen; log: {self.log}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--driver", default="af_xdp", choices=["af_xdp", "af_packet"])
    ap.add_argument("--server", default="portunusd", choices=["portunusd", "janus"])
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command")
    args.out.mkdir(parents=True, exist_ok=True)

    kind = JanusLab if args.server == "janus" else BrowserLab
    lab = kind(args.out, args.build.resolve(), driver=args.driver, prefix="brw", subnet="198.18.66")
    child = None

    def on_signal(signum, _frame):
        if child and child.poll() is None:
            child.send_signal(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        lab.up()
        lab.start()
        env = dict(os.environ, PORTUNUS_APPLIANCE=lab.appliance, PORTUNUS_DAEMON_LOG=str(lab.log),
                   PORTUNUS_BACKEND=args.server,
                   PORTUNUS_ADMIN=f"http://{lab.appliance}:{lab.admin_port}/admin")
        started = time.monotonic()
        child = subprocess.Popen(["ip", "netns", "exec", lab.cli, *command], env=env)
        rc = child.wait()
        print(f"lab.py: command exited {rc} after {time.monotonic() - started:.1f} s; daemon log: {lab.log}")
        alive = lab.proc.poll() is None
        code = lab.stop()
        if not alive:
            print(f"lab.py: portunusd died during the run (exit {code}); log: {lab.log}", file=sys.stderr)
            return rc or 1
        return rc
    except KeyboardInterrupt:
        return 130
    finally:
        if child and child.poll() is None:
            child.kill()
            child.wait()
        lab.down()
        if isinstance(lab, JanusLab) and hasattr(lab, "workdir"):
            if lab.log.exists():
                shutil.copy(lab.log, args.out / "janus.log")
            shutil.rmtree(lab.workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
