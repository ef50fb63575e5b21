"""HTTP client for the Janus REST transport and the Admin API over HTTP (stdlib `http.client` only).

Bodies are sent raw (bytes or str are sent as they are, anything else is JSON-encoded) so tests can send malformed
JSON, any Content-Type, or nothing at all. Each request uses its own connection, as browsers' long-polls do.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import urllib.parse
import uuid

DEFAULT_TIMEOUT = 10.0


def new_transaction() -> str:
    return "pit-" + uuid.uuid4().hex[:12]


@dataclasses.dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class HttpClient:
    def __init__(self, host: str, port: int, timeout: float = DEFAULT_TIMEOUT):
        self.host, self.port, self.timeout = host, port, timeout

    def request(self, method: str, path: str, body=None, headers: dict | None = None,
                timeout: float | None = None, content_type: str | None = "application/json") -> Response:
        if body is None:
            data = None
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
        hdrs = dict(headers or {})
        if data is not None and content_type is not None:
            hdrs.setdefault("Content-Type", content_type)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()


class JanusRest(HttpClient):
    """The Janus API over HTTP: POST /janus[/<session>[/<handle>]] and the long-poll GET."""

    def __init__(self, host: str, port: int, path: str = "/janus", timeout: float = DEFAULT_TIMEOUT,
                 auth: dict | None = None):
        super().__init__(host, port, timeout)
        self.base = path.rstrip("/")
        self.auth = dict(auth or {})  # e.g. {"apisecret": ...} or {"token": ...}, added to every request

    def url(self, session_id=None, handle_id=None) -> str:
        parts = [self.base] + [str(x) for x in (session_id, handle_id) if x is not None]
        return "/".join(parts)

    def post(self, body, session_id=None, handle_id=None, **kw) -> Response:
        return self.request("POST", self.url(session_id, handle_id), body, **kw)

    def send(self, body: dict, session_id=None, handle_id=None, add_transaction: bool = True, **kw) -> dict:
        """POSTs a JSON request (transaction and auth added unless present) and returns the decoded reply."""
        msg = dict(self.auth)
        msg.update(body)
        if add_transaction:
            msg.setdefault("transaction", new_transaction())
        r = self.post(msg, session_id, handle_id, **kw)
        assert r.status == 200, f"HTTP {r.status} for {msg}: {r.body[:500]!r}"
        return r.json()

    def poll(self, session_id, maxev: int | None = None, timeout: float = 40.0, extra: dict | None = None) -> Response:
        query = dict(self.auth)
        if maxev is not None:
            query["maxev"] = maxev
        query.update(extra or {})
        path = self.url(session_id) + ("?" + urllib.parse.urlencode(query) if query else "")
        return self.request("GET", path, timeout=timeout)

    # -- convenience for the common steps; each asserts success so tests read as the scenario they test
    def create(self, **extra) -> int:
        r = self.send({"janus": "create", **extra})
        assert r["janus"] == "success", r
        return r["data"]["id"]

    def attach(self, session_id: int, plugin: str = "janus.plugin.echotest", **extra) -> int:
        r = self.send({"janus": "attach", "plugin": plugin, **extra}, session_id)
        assert r["janus"] == "success", r
        return r["data"]["id"]

    def destroy(self, session_id: int) -> dict:
        return self.send({"janus": "destroy"}, session_id)

    def poll_until(self, session_id, predicate, timeout: float = 10.0) -> dict:
        """Long-polls (maxev=10) until an event satisfies `predicate`; returns it."""
        import time

        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            r = self.poll(session_id, maxev=10, timeout=max(1.0, deadline - time.monotonic()) + 35)
            assert r.status == 200, f"long-poll HTTP {r.status}: {r.body[:300]!r}"
            for ev in r.json():
                if predicate(ev):
                    return ev
                seen.append(ev)
        raise AssertionError(f"no matching event within {timeout}s; saw {seen}")


class AdminRest(HttpClient):
    """The Admin API over HTTP: POST /admin[/<session>[/<handle>]] with admin_secret added."""

    def __init__(self, host: str, port: int, path: str, admin_secret: str | None, timeout: float = DEFAULT_TIMEOUT):
        super().__init__(host, port, timeout)
        self.base = path.rstrip("/")
        self.admin_secret = admin_secret

    def send(self, body: dict, session_id=None, handle_id=None, secret: bool = True) -> dict:
        msg = {"transaction": new_transaction()}
        if secret and self.admin_secret is not None:
            msg["admin_secret"] = self.admin_secret
        msg.update(body)
        path = "/".join([self.base] + [str(x) for x in (session_id, handle_id) if x is not None])
        r = self.request("POST", path, msg)
        assert r.status == 200, f"HTTP {r.status} for {msg}: {r.body[:500]!r}"
        return r.json()
