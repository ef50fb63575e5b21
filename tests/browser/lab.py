#!/usr/bin/env python3
"""Runs one command in the client namespace of a Portunus lab (DESIGN §6) and tears the lab down afterwards.

    lab.py --build BUILD --out DIR [--driver af_xdp] -- COMMAND ARGS...

The appliance namespace runs portunusd with its DPDK port on one veth end and the exception tap holding the
appliance address; COMMAND runs in the client namespace (the other veth end), so everything it sends to the
appliance crosses the dataplane. COMMAND sees PORTUNUS_APPLIANCE (the appliance address), PORTUNUS_ADMIN (the Admin
API URL, reachable from the client namespace in this lab) and PORTUNUS_DAEMON_LOG. The daemon's log is kept in DIR.
Exit status: COMMAND's, or 1 when the daemon died before the end.
"""
import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))

from lib.netns import ApplianceLab  # noqa: E402


class BrowserLab(ApplianceLab):
    """The integration lab with the Admin API listening on every appliance address, so that the browser runner in
    the client namespace can read handle_info and dataplane stats over the exception path."""

    def config_text(self, extra: str = "") -> str:
        return super().config_text(extra).replace("address: 127.0.0.1, port", "address: 0.0.0.0, port")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--driver", default="af_xdp", choices=["af_xdp", "af_packet"])
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command")
    args.out.mkdir(parents=True, exist_ok=True)

    lab = BrowserLab(args.out, args.build.resolve(), driver=args.driver, prefix="brw", subnet="198.18.66")
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


if __name__ == "__main__":
    sys.exit(main())
