"""Starts the server under test on 127.0.0.1: either `portunusd` (our daemon) or the Debian Janus 1.1.2 binary.

Both are driven from one backend-neutral `ServerConfig`; each backend renders it into its own configuration format
(a YAML file for portunusd, a folder of .jcfg files for Janus) in a private temp dir, picks free ports, starts the
process with its output captured in a log file, waits until every endpoint accepts connections and is killed by PID.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BACKENDS = ("portunusd", "janus")
JANUS_BIN = "/usr/bin/janus"
JANUS_CONF_DIR = Path("/etc/janus")
JANUS_LIB_DIR = Path("/usr/lib/x86_64-linux-gnu/janus")
LOOPBACK = "127.0.0.1"
START_TIMEOUT = 20.0


class ServerUnavailable(Exception):
    """The selected backend cannot run here (binary missing); the tests needing it are skipped."""


@dataclasses.dataclass
class ServerConfig:
    """What a test needs from the server; both backends map these onto their own configuration."""

    session_timeout: int = 60
    reclaim_session_timeout: int = 0
    candidates_timeout: int = 45
    api_secret: str = ""
    token_auth: bool = False
    admin_secret: str = "pit-admin-secret"
    server_name: str = "pit-under-test"
    log_level: str = "info"
    admin_ws: bool = True
    # VideoRoom plugin settings (None: the backend's sample configuration, with demo room 1234).
    videoroom_admin_key: str | None = None
    videoroom_string_ids: bool = False

    def videoroom_customised(self) -> bool:
        return self.videoroom_admin_key is not None or self.videoroom_string_ids
    # portunusd only: the `limits:` section (Janus has none). The per-address request rate is off unless a test
    # sets it, because every test talks to the server from 127.0.0.1.
    limits: dict = dataclasses.field(default_factory=dict)
    max_body_bytes: int = 0  # portunusd only: transports.max_body_bytes (0: the default)
    # HTTPS/WSS (API and admin) with this certificate and key (PEM paths); both backends.
    tls_cert: str = ""
    tls_key: str = ""


@dataclasses.dataclass
class Endpoints:
    http_port: int
    ws_port: int
    admin_http_port: int
    admin_ws_port: int
    http_path: str = "/janus"
    admin_path: str = "/admin"
    https_port: int = 0
    wss_port: int = 0
    admin_https_port: int = 0
    admin_wss_port: int = 0


def free_ports(count: int) -> list[int]:
    """Distinct ports that were free a moment ago (all sockets held open together so none repeats)."""
    held = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((LOOPBACK, 0))
            held.append(s)
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


class Server:
    """A running server process; `backend` names which one."""

    backend = ""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.workdir = Path(tempfile.mkdtemp(prefix=f"pit-{self.backend}-"))
        tls = bool(config.tls_cert)
        ports = free_ports(8 if tls else 4)
        self.endpoints = Endpoints(*ports[:4])
        if tls:
            (self.endpoints.https_port, self.endpoints.wss_port, self.endpoints.admin_https_port,
             self.endpoints.admin_wss_port) = ports[4:]
        self.log_path = self.workdir / "server.log"
        self.proc: subprocess.Popen | None = None

    # -- to be provided by each backend
    def command(self) -> list[str]:
        raise NotImplementedError

    def write_config(self) -> None:
        raise NotImplementedError

    def extra_logs(self) -> list[Path]:
        return []

    # -- lifecycle
    def start(self) -> "Server":
        self.write_config()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.workdir, start_new_session=True)
        wanted = [self.endpoints.http_port, self.endpoints.ws_port, self.endpoints.admin_http_port]
        if self.config.admin_ws:
            wanted.append(self.endpoints.admin_ws_port)
        if self.config.tls_cert:
            wanted += [self.endpoints.https_port, self.endpoints.wss_port, self.endpoints.admin_https_port,
                       self.endpoints.admin_wss_port]
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.backend} exited with {self.proc.returncode} during start:\n{self.log_tail()}")
            if all(port_open(p) for p in wanted):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.backend} did not open ports {wanted} within {START_TIMEOUT}s:\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, max_bytes: int = 8000) -> str:
        parts = []
        for path in [self.log_path, *self.extra_logs()]:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            parts.append(f"--- {path.name} (last {max_bytes} bytes) ---\n"
                         + data[-max_bytes:].decode("utf-8", "replace"))
        return "\n".join(parts)

    # -- addresses
    @property
    def host(self) -> str:
        return LOOPBACK

    def ws_url(self) -> str:
        return f"ws://{LOOPBACK}:{self.endpoints.ws_port}/"

    def admin_ws_url(self) -> str:
        return f"ws://{LOOPBACK}:{self.endpoints.admin_ws_port}/"


class JanusServer(Server):
    """The Debian Janus 1.1.2 binary with a generated configs folder (`janus -F <folder> -L <log>`)."""

    backend = "janus"
    # Plugins the tests talk to; every other plugin, transport, event handler and logger is disabled.
    KEEP_PLUGINS = ("libjanus_echotest.so", "libjanus_videoroom.so")
    KEEP_TRANSPORTS = ("libjanus_http.so", "libjanus_websockets.so")

    def __init__(self, config: ServerConfig):
        if not os.access(JANUS_BIN, os.X_OK):
            raise ServerUnavailable(f"{JANUS_BIN} is not installed (Debian package 'janus')")
        super().__init__(config)
        self.conf_dir = self.workdir / "conf"
        self.janus_log = self.workdir / "janus.log"

    @staticmethod
    def _modules(kind: str, keep: tuple[str, ...]) -> str:
        names = sorted(p.name for p in (JANUS_LIB_DIR / kind).glob("*.so"))
        return ",".join(n for n in names if n not in keep)

    def write_config(self) -> None:
        c, e = self.config, self.endpoints
        self.conf_dir.mkdir()
        for src in JANUS_CONF_DIR.glob("janus.plugin.*.jcfg"):
            shutil.copy(src, self.conf_dir / src.name)

        def q(s: str) -> str:
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

        general = [
            f"configs_folder = {q(str(self.conf_dir))}",
            f"plugins_folder = {q(str(JANUS_LIB_DIR / 'plugins'))}",
            f"transports_folder = {q(str(JANUS_LIB_DIR / 'transports'))}",
            f"events_folder = {q(str(JANUS_LIB_DIR / 'events'))}",
            f"loggers_folder = {q(str(JANUS_LIB_DIR / 'loggers'))}",
            f"debug_level = {5 if c.log_level in ('debug', 'trace') else 4}",
            f"admin_secret = {q(c.admin_secret)}",
            f"session_timeout = {c.session_timeout}",
            f"reclaim_session_timeout = {c.reclaim_session_timeout}",
            f"candidates_timeout = {c.candidates_timeout}",
            f"server_name = {q(c.server_name)}",
        ]
        if c.api_secret:
            general.append(f"api_secret = {q(c.api_secret)}")
        if c.token_auth:
            general.append("token_auth = true")
        main = "general: {\n\t" + "\n\t".join(general) + "\n}\n" + (
            "certificates: {\n}\nmedia: {\n}\n"
            'nat: {\n\tnice_debug = false\n\tice_ignore_list = "vmnet"\n}\n'
            f"plugins: {{\n\tdisable = {q(self._modules('plugins', self.KEEP_PLUGINS))}\n}}\n"
            f"transports: {{\n\tdisable = {q(self._modules('transports', self.KEEP_TRANSPORTS))}\n}}\n"
            f"loggers: {{\n\tdisable = {q(self._modules('loggers', ()))}\n}}\n"
            f"events: {{\n\tbroadcast = false\n\tdisable = {q(self._modules('events', ()))}\n}}\n")
        (self.conf_dir / "janus.jcfg").write_text(main)
        if c.videoroom_customised():
            # Janus's sample demo room, with the general settings the test asked for.
            general = [f"string_ids = {'true' if c.videoroom_string_ids else 'false'}"]
            if c.videoroom_admin_key is not None:
                general.append(f"admin_key = {q(c.videoroom_admin_key)}")
            (self.conf_dir / "janus.plugin.videoroom.jcfg").write_text(
                "general: {\n\t" + "\n\t".join(general) + "\n}\n"
                'room-1234: {\n\tdescription = "Demo Room"\n\tsecret = "adminpwd"\n\tpublishers = 6\n'
                "\tbitrate = 128000\n\tfir_freq = 10\n\trecord = false\n}\n")
        if c.tls_cert:
            https = f"\thttps = true\n\tsecure_port = {e.https_port}\n\tsecure_ip = {q(LOOPBACK)}\n"
            admin_https = (f"\tadmin_https = true\n\tadmin_secure_port = {e.admin_https_port}\n"
                           f"\tadmin_secure_ip = {q(LOOPBACK)}\n")
            wss = f"\twss = true\n\twss_port = {e.wss_port}\n\twss_ip = {q(LOOPBACK)}\n"
            admin_wss = f"\tadmin_wss = true\n\tadmin_wss_port = {e.admin_wss_port}\n\tadmin_wss_ip = {q(LOOPBACK)}\n"
            certificates = f"certificates: {{\n\tcert_pem = {q(c.tls_cert)}\n\tcert_key = {q(c.tls_key)}\n}}\n"
        else:
            https, admin_https = "\thttps = false\n", "\tadmin_https = false\n"
            wss, admin_wss = "\twss = false\n", "\tadmin_wss = false\n"
            certificates = ""
        (self.conf_dir / "janus.transport.http.jcfg").write_text(
            "general: {\n"
            f'\tjson = "indented"\n\tbase_path = {q(e.http_path)}\n\tthreads = "unlimited"\n'
            f"\thttp = true\n\tport = {e.http_port}\n\tip = {q(LOOPBACK)}\n{https}}}\n"
            "admin: {\n"
            f'\tadmin_base_path = {q(e.admin_path)}\n\tadmin_threads = "unlimited"\n'
            f"\tadmin_http = true\n\tadmin_port = {e.admin_http_port}\n\tadmin_ip = {q(LOOPBACK)}\n"
            f"{admin_https}}}\n"
            f"cors: {{\n}}\n{certificates}")
        (self.conf_dir / "janus.transport.websockets.jcfg").write_text(
            "general: {\n"
            f'\tjson = "indented"\n\tws = true\n\tws_port = {e.ws_port}\n\tws_ip = {q(LOOPBACK)}\n{wss}}}\n'
            "admin: {\n"
            f"\tadmin_ws = {'true' if c.admin_ws else 'false'}\n\tadmin_ws_port = {e.admin_ws_port}\n"
            f"\tadmin_ws_ip = {q(LOOPBACK)}\n{admin_wss}}}\n{certificates}")

    def command(self) -> list[str]:
        return [JANUS_BIN, "-F", str(self.conf_dir), "-L", str(self.janus_log), "--disable-colors"]


class PortunusServer(Server):
    """Our daemon: `$PORTUNUS_BUILD/controlplane/portunusd -c <generated yaml>`."""

    backend = "portunusd"

    def __init__(self, config: ServerConfig):
        build = os.environ.get("PORTUNUS_BUILD", "build")
        self.binary = Path(build).resolve() / "controlplane" / "portunusd"
        if not os.access(self.binary, os.X_OK):
            raise ServerUnavailable(f"portunusd not built: {self.binary} does not exist "
                                    "(set PORTUNUS_BUILD to the meson build dir, or PORTUNUS_TEST_SERVER=janus)")
        super().__init__(config)
        self.yaml_path = self.workdir / "portunus.yaml"

    def write_config(self) -> None:
        c, e = self.config, self.endpoints

        def s(v: str) -> str:
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

        self.yaml_path.write_text(
            "general:\n"
            f"  session_timeout: {c.session_timeout}\n"
            f"  reclaim_session_timeout: {c.reclaim_session_timeout}\n"
            f"  candidates_timeout: {c.candidates_timeout}\n"
            f"  api_secret: {s(c.api_secret)}\n"
            f"  token_auth: {'true' if c.token_auth else 'false'}\n"
            f"  admin_secret: {s(c.admin_secret)}\n"
            f"  server_name: {s(c.server_name)}\n"
            f"  log_level: {c.log_level}\n"
            "transports:\n"
            f"  http: {{enabled: true, address: {LOOPBACK}, port: {e.http_port}, path: {e.http_path}}}\n"
            f"  ws: {{enabled: true, address: {LOOPBACK}, port: {e.ws_port}}}\n"
            f"  admin_http: {{enabled: true, address: {LOOPBACK}, port: {e.admin_http_port}, path: {e.admin_path}}}\n"
            f"  admin_ws: {{enabled: {'true' if c.admin_ws else 'false'}, address: {LOOPBACK}, "
            f"port: {e.admin_ws_port}}}\n"
            + (f"  max_body_bytes: {c.max_body_bytes}\n" if c.max_body_bytes else "")
            + (f"  https: {{enabled: true, address: {LOOPBACK}, port: {e.https_port}, path: {e.http_path}}}\n"
               f"  wss: {{enabled: true, address: {LOOPBACK}, port: {e.wss_port}}}\n"
               f"  admin_https: {{enabled: true, address: {LOOPBACK}, port: {e.admin_https_port}, "
               f"path: {e.admin_path}}}\n"
               f"  admin_wss: {{enabled: true, address: {LOOPBACK}, port: {e.admin_wss_port}}}\n"
               f"  certificates: {{cert_pem: {s(c.tls_cert)}, cert_key: {s(c.tls_key)}}}\n" if c.tls_cert else "")
            + "limits:\n" + "".join(f"  {k}: {v}\n" for k, v in {"request_rate": 0, **c.limits}.items())
            + self._videoroom_yaml())

    def _videoroom_yaml(self) -> str:
        c = self.config
        if not c.videoroom_customised():
            return ""
        out = f"plugins:\n  videoroom:\n    string_ids: {'true' if c.videoroom_string_ids else 'false'}\n"
        if c.videoroom_admin_key is not None:
            out += f'    admin_key: "{c.videoroom_admin_key}"\n'
        return out

    def command(self) -> list[str]:
        return [str(self.binary), "-c", str(self.yaml_path)]


def backend_name() -> str:
    name = os.environ.get("PORTUNUS_TEST_SERVER", "portunusd")
    if name not in BACKENDS:
        raise ValueError(f"PORTUNUS_TEST_SERVER={name!r}: expected one of {BACKENDS}")
    return name


def start_server(config: ServerConfig | None = None) -> Server:
    cls = JanusServer if backend_name() == "janus" else PortunusServer
    return cls(config or ServerConfig()).start()
