"""WebSocket client for the Janus API (`janus-protocol`) and the Admin API (`janus-admin-protocol`).

One reader, no threads: every frame read while waiting for a given reply that is not that reply is kept in
`pending`, so asynchronous events are never lost and can be awaited later (in any order).
"""

from __future__ import annotations

import json
import time

import websocket

from .rest import new_transaction

DEFAULT_TIMEOUT = 10.0
# Replies that close a request (anything else carrying the same transaction is an asynchronous event).
REPLY_KINDS = ("success", "error", "ack", "server_info", "pong")


class WsClosed(Exception):
    pass


class JanusWs:
    def __init__(self, url: str, subprotocol: str | None = "janus-protocol", timeout: float = DEFAULT_TIMEOUT,
                 auth: dict | None = None, admin_secret: str | None = None):
        kw = {"subprotocols": [subprotocol]} if subprotocol else {}
        self.sock = websocket.create_connection(url, timeout=timeout, **kw)
        self.timeout = timeout
        self.auth = dict(auth or {})
        self.admin_secret = admin_secret
        self.pending: list[dict] = []

    @property
    def subprotocol(self) -> str | None:
        return self.sock.getsubprotocol()

    def close(self) -> None:
        try:
            self.sock.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- raw frames
    def send_text(self, text: str) -> None:
        self.sock.send(text)

    def send_binary(self, data: bytes) -> None:
        self.sock.send_binary(data)

    def send_json(self, obj) -> None:
        self.sock.send(json.dumps(obj))

    def recv(self, timeout: float | None = None) -> dict:
        """Next frame from the wire, decoded. Raises TimeoutError or WsClosed."""
        self.sock.settimeout(timeout if timeout is not None else self.timeout)
        try:
            opcode, data = self.sock.recv_data()
        except websocket.WebSocketTimeoutException as e:
            raise TimeoutError("no WebSocket frame in time") from None
        except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError) as e:
            raise WsClosed(str(e)) from None
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            raise WsClosed(f"close frame {data[:2]!r}")
        return json.loads(data)

    def is_closed_by_peer(self, timeout: float = 5.0) -> bool:
        """True when the server closes the socket (close frame or EOF) within `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.pending.append(self.recv(deadline - time.monotonic()))
            except WsClosed:
                return True
            except TimeoutError:
                return False
        return False

    # -- request / reply
    def send(self, body: dict, add_transaction: bool = True) -> str | None:
        msg = dict(self.auth)
        if self.admin_secret is not None:
            msg["admin_secret"] = self.admin_secret
        msg.update(body)
        if add_transaction:
            msg.setdefault("transaction", new_transaction())
        self.send_json(msg)
        return msg.get("transaction")

    def request(self, body: dict, timeout: float | None = None) -> dict:
        """Sends `body` and returns its reply (success/error/ack/...), keeping other frames in `pending`."""
        tx = self.send(body)
        # Some errors (456 without transaction, 467 on `create`'s id, ...) come back without the transaction: with
        # one request in flight, such an error is its reply.
        return self.wait(lambda m: (m.get("transaction") == tx and m.get("janus") in REPLY_KINDS)
                         or (m.get("janus") == "error" and "transaction" not in m), timeout)

    def wait(self, predicate, timeout: float | None = None) -> dict:
        """First frame (already pending or newly received) that satisfies `predicate`; it is removed from pending."""
        for i, m in enumerate(self.pending):
            if predicate(m):
                return self.pending.pop(i)
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no matching frame in time; pending: {self.pending[-10:]}")
            m = self.recv(left)
            if predicate(m):
                return m
            self.pending.append(m)

    def wait_event(self, kind: str, timeout: float | None = None, **fields) -> dict:
        """First frame with janus == kind and the given top-level field values."""
        return self.wait(lambda m: m.get("janus") == kind and all(m.get(k) == v for k, v in fields.items()),
                         timeout)

    def no_frame_within(self, seconds: float) -> list[dict]:
        """Frames received in the next `seconds` (kept pending too); tests use it to assert silence."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                m = self.recv(left)
            except TimeoutError:
                break
            got.append(m)
            self.pending.append(m)
        return got

    # -- convenience
    def create(self, **extra) -> int:
        r = self.request({"janus": "create", **extra})
        assert r["janus"] == "success", r
        return r["data"]["id"]

    def attach(self, session_id: int, plugin: str = "janus.plugin.echotest", **extra) -> int:
        r = self.request({"janus": "attach", "session_id": session_id, "plugin": plugin, **extra})
        assert r["janus"] == "success", r
        return r["data"]["id"]


class AdminWs:
    """The Admin API over WebSocket (`janus-admin-protocol`), with AdminRest's `send` interface."""

    def __init__(self, url: str, admin_secret: str | None, timeout: float = DEFAULT_TIMEOUT):
        self.ws = JanusWs(url, subprotocol="janus-admin-protocol", timeout=timeout)
        self.admin_secret = admin_secret

    def send(self, body: dict, session_id=None, handle_id=None, secret: bool = True) -> dict:
        msg = {}
        if secret and self.admin_secret is not None:
            msg["admin_secret"] = self.admin_secret
        msg.update(body)
        if session_id is not None:
            msg["session_id"] = session_id
        if handle_id is not None:
            msg["handle_id"] = handle_id
        return self.ws.request(msg)

    def close(self) -> None:
        self.ws.close()
