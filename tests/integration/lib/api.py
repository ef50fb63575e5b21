"""One interface over both Janus API transports, so a scenario can be run over REST and over WebSocket alike.

`call(verb, session, handle, **fields)` sends one request the way a janus.js client does on that transport (REST:
ids in the URL path; WS: ids in the body) and returns the synchronous reply; `event(predicate)` returns the next
asynchronous message of `session` that satisfies `predicate` (REST: long-poll; WS: frames pushed on the socket).
"""

from __future__ import annotations

import time

from .rest import JanusRest
from .ws import JanusWs


class RestApi:
    transport = "rest"

    def __init__(self, server, auth: dict | None = None):
        self.http = JanusRest(server.host, server.endpoints.http_port, server.endpoints.http_path, auth=auth)
        self._buffered: dict[int, list[dict]] = {}

    def call(self, verb: str, session=None, handle=None, **fields) -> dict:
        return self.http.send({"janus": verb, **fields}, session, handle)

    def event(self, session, predicate, timeout: float = 10.0) -> dict:
        buf = self._buffered.setdefault(session, [])
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(buf):
                if predicate(m):
                    return buf.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no matching event for session {session}; buffered: {buf[-10:]}")
            r = self.http.poll(session, maxev=10, timeout=left + 35)
            assert r.status == 200, f"long-poll HTTP {r.status}: {r.body[:300]!r}"
            buf.extend(m for m in r.json() if m.get("janus") != "keepalive")

    def close(self) -> None:
        pass


class WsApi:
    transport = "ws"

    def __init__(self, server, auth: dict | None = None):
        self.ws = JanusWs(server.ws_url(), auth=auth)

    def call(self, verb: str, session=None, handle=None, **fields) -> dict:
        body = {"janus": verb, **fields}
        if session is not None:
            body["session_id"] = session
        if handle is not None:
            body["handle_id"] = handle
        return self.ws.request(body)

    def event(self, session, predicate, timeout: float = 10.0) -> dict:
        return self.ws.wait(lambda m: m.get("session_id") == session and predicate(m), timeout)

    def close(self) -> None:
        self.ws.close()


TRANSPORTS = {"rest": RestApi, "ws": WsApi}


def expect_error(reply: dict, code: int, reason: str | None = None) -> dict:
    """Asserts `reply` is a Janus error with this code (and exact reason when given); returns the error object."""
    assert reply.get("janus") == "error", reply
    err = reply["error"]
    assert err["code"] == code, reply
    if reason is not None:
        assert err["reason"] == reason, reply
    return err
