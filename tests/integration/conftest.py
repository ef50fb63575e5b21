"""Fixtures for the Janus API integration tests.

The server under test is chosen by PORTUNUS_TEST_SERVER: `portunusd` (default; `$PORTUNUS_BUILD/controlplane/
portunusd`) or `janus` (the Debian Janus 1.1.2, used to prove the tests themselves). See README.md.
"""

from __future__ import annotations

import contextlib
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from lib.api import TRANSPORTS  # noqa: E402
from lib.rest import AdminRest, JanusRest  # noqa: E402
from lib.servers import Server, ServerConfig, ServerUnavailable, backend_name, start_server  # noqa: E402
from lib.ws import JanusWs  # noqa: E402

# Servers currently running; their logs are attached to any failing test's report.
_running: list[Server] = []


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: waits for a server-side timer of tens of seconds (long-poll keepalive)")


@contextlib.contextmanager
def running_server(**config):
    """Starts a server with this configuration for the duration of the block (skips if the backend is missing)."""
    try:
        s = start_server(ServerConfig(**config))
    except ServerUnavailable as e:
        pytest.skip(str(e))
    _running.append(s)
    try:
        yield s
    finally:
        _running.remove(s)
        s.cleanup()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for s in _running:
            report.sections.append((f"{s.backend} log ({s.workdir})", s.log_tail()))


@pytest.fixture(autouse=True)
def _servers_survive():
    """Every test must leave every server it used running: a crash is a failure of that test."""
    yield
    dead = [s for s in _running if not s.alive()]
    assert not dead, f"{[s.backend for s in dead]} died during the test:\n" + "\n".join(s.log_tail() for s in dead)


@pytest.fixture(scope="session")
def backend() -> str:
    return backend_name()


@pytest.fixture(scope="session")
def server():
    """The shared server with the default configuration (tests must leave its global settings as they found them)."""
    with running_server() as s:
        yield s


@pytest.fixture
def make_server():
    """Factory for a server with its own configuration (e.g. a short session_timeout), stopped after the test."""
    with contextlib.ExitStack() as stack:
        yield lambda **config: stack.enter_context(running_server(**config))


@pytest.fixture
def rest(server) -> JanusRest:
    return JanusRest(server.host, server.endpoints.http_port, server.endpoints.http_path)


@pytest.fixture
def admin(server) -> AdminRest:
    return admin_for(server)


def admin_for(server: Server) -> AdminRest:
    return AdminRest(server.host, server.endpoints.admin_http_port, server.endpoints.admin_path,
                     server.config.admin_secret)


@pytest.fixture
def ws_factory(server):
    """Opens Janus API WebSockets to the shared server; all are closed after the test."""
    opened = []

    def open_ws(**kw) -> JanusWs:
        w = JanusWs(server.ws_url(), **kw)
        opened.append(w)
        return w

    yield open_ws
    for w in opened:
        w.close()


@pytest.fixture
def ws(ws_factory) -> JanusWs:
    return ws_factory()


@pytest.fixture(params=sorted(TRANSPORTS))
def api(request, server):
    """The same scenario over REST (ids in the path, events by long-poll) and over WebSocket."""
    client = TRANSPORTS[request.param](server)
    yield client
    client.close()
