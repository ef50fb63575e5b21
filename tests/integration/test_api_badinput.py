"""Hostile and broken input: each is answered with the right code (or a clean refusal) and the server keeps serving.

Every test ends by checking that the server still answers `ping` and `create` on fresh connections (the autouse
fixture in conftest.py also fails the test if the process died).
"""

import http.client
import json
import socket

import pytest
import websocket

from lib.rest import JanusRest
from lib.ws import JanusWs, WsClosed

MIB = 1024 * 1024
MESSAGE = {"janus": "message", "transaction": "t", "body": {"audio": True, "video": True, "bitrate": 128000},
           "jsep": {"type": "offer", "sdp": "v=0\r\n"}}


def still_serving(server):
    rest = JanusRest(server.host, server.endpoints.http_port)
    assert rest.send({"janus": "ping"})["janus"] == "pong"
    assert rest.create() > 0
    with JanusWs(server.ws_url()) as w:
        assert w.request({"janus": "ping"})["janus"] == "pong"
        assert w.create() > 0


def raw_http(server, data: bytes, timeout: float = 1.5) -> bytes:
    """Sends raw bytes on a fresh connection; returns whatever comes back before close or timeout."""
    with socket.create_connection((server.host, server.endpoints.http_port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def truncations():
    text = json.dumps(MESSAGE)
    return [text[:n] for n in (1, 2, 10, len(text) // 2, len(text) - 1)]


@pytest.mark.parametrize("text", truncations())
def test_truncated_json_rest_454(server, rest, text):
    r = rest.post(text)
    assert r.status == 200
    body = r.json()
    assert body["janus"] == "error" and body["error"]["code"] == 454 and "transaction" not in body
    still_serving(server)


@pytest.mark.parametrize("text", truncations())
def test_truncated_json_ws_454(server, ws, text):
    ws.send_text(text)
    r = ws.recv()
    assert r["janus"] == "error" and r["error"]["code"] == 454
    assert ws.request({"janus": "ping"})["janus"] == "pong"  # the same socket keeps working
    still_serving(server)


@pytest.mark.parametrize("depth, code", [(100, None), (100000, 454)])
def test_deeply_nested_json(server, rest, ws, depth, code):
    text = '{"janus":"ping","transaction":"t","x":' + "[" * depth + "]" * depth + "}"
    r = rest.post(text).json()
    ws.send_text(text)
    w = ws.recv()
    for reply in (r, w):
        if code is None:
            assert reply == {"janus": "pong", "transaction": "t"}
        else:
            assert reply["janus"] == "error" and reply["error"]["code"] == code, reply
    still_serving(server)


def test_ten_mib_body_rest(server, rest, backend):
    text = '{"janus":"ping","transaction":"big","pad":"' + "a" * (10 * MIB) + '"}'
    try:
        r = rest.post(text, timeout=30)
    except (ConnectionError, http.client.HTTPException) as e:
        r = e
    if backend == "janus":
        # Janus has no body limit: it parses the 10 MiB and answers.
        assert not isinstance(r, Exception), r
        assert r.status == 200 and r.json() == {"janus": "pong", "transaction": "big"}
    else:
        # Portunus refuses bodies above transports.max_body_bytes (1 MiB by default): HTTP 413, or a Janus error
        # reply, or the connection closed before the body was read. Never a normal answer.
        if not isinstance(r, Exception):
            assert r.status == 413 or (r.status == 200 and r.json()["janus"] == "error"), (r.status, r.body[:200])
    still_serving(server)


def test_ten_mib_message_ws(server, backend):
    text = '{"janus":"ping","transaction":"big","pad":"' + "a" * (10 * MIB) + '"}'
    with JanusWs(server.ws_url(), timeout=30) as w:
        if backend == "janus":
            w.send_text(text)
            assert w.recv() == {"janus": "pong", "transaction": "big"}  # no limit in Janus
        else:
            # Portunus: a message above the limit ends with a clean close of that socket (e.g. 1009), or an error.
            try:
                w.send_text(text)
                reply = w.recv()
                assert reply["janus"] == "error", reply
            except (WsClosed, websocket.WebSocketException, ConnectionError):
                pass
    still_serving(server)


@pytest.mark.parametrize("frame", [b"\x00\x01\x02garbage", b'{"janus":"ping","transaction":"\xff\xfe"}',
                                   b"\xff" * 64, b""])
def test_binary_garbage_frames_ws_454(server, ws, frame):
    ws.send_binary(frame)
    r = ws.recv()
    assert r["janus"] == "error" and r["error"]["code"] == 454, r
    assert ws.request({"janus": "ping"})["janus"] == "pong"
    still_serving(server)


def test_invalid_utf8_rest_454(server, rest):
    r = rest.post(b'{"janus":"ping","transaction":"\xff\xfe"}')
    assert r.status == 200 and r.json()["error"]["code"] == 454
    still_serving(server)


def unhandled(verb):
    return {"janus": "error", "transaction": "t",
            "error": {"code": 457, "reason": f"Unhandled request '{verb}' at this path"}}


def invalid(what):
    return {"janus": "error", "error": {"code": 467, "reason": f"Invalid element type ({what})"}}


# Ids of the wrong type do not name a session or handle: the request is taken as a root request (457).
@pytest.mark.parametrize("body, reply", [
    ({"janus": "keepalive", "transaction": "t", "session_id": "not-a-number"}, unhandled("keepalive")),
    ({"janus": "attach", "transaction": "t", "session_id": 1.5, "plugin": ["x"]}, unhandled("attach")),
    ({"janus": "message", "transaction": "t", "session_id": None, "handle_id": None, "body": None},
     unhandled("message")),
    ({"janus": "trickle", "transaction": "t", "candidates": "x" * 1000}, unhandled("trickle")),
    ({"janus": ["create"], "transaction": "t"}, invalid("janus should be a string")),
    ({"janus": {"a": 1}, "transaction": {"b": 2}}, invalid("transaction should be a string")),
    ({"janus": "create", "transaction": "t", "id": {"x": 1}}, invalid("id should be a positive integer")),
])
def test_wrong_types(server, rest, ws, body, reply):
    assert rest.post(body).json() == reply
    assert ws_send_one(ws, body) == reply
    still_serving(server)


def ws_send_one(ws, body):
    ws.send_json(body)
    return ws.recv()


@pytest.mark.parametrize("data", [b"GARBAGE\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
                                  b"POST /janus HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}"],
                         ids=["request-line", "tls-hello", "bad-content-length"])
def test_garbage_http_is_not_answered_with_success(server, data):
    reply = raw_http(server, data)
    if reply:
        status = int(reply.split(b" ", 2)[1])
        assert 400 <= status < 500, reply[:200]
    still_serving(server)


def test_client_disconnects_mid_body(server):
    with socket.create_connection((server.host, server.endpoints.http_port), timeout=3) as s:
        s.sendall(b"POST /janus HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"janus\":")
    still_serving(server)


def test_ws_garbage_handshake(server):
    with socket.create_connection((server.host, server.endpoints.ws_port), timeout=3) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        try:
            reply = s.recv(300)
        except (TimeoutError, ConnectionResetError):
            reply = b""
    assert b"101" not in reply.split(b"\r\n", 1)[0]
    still_serving(server)


@pytest.mark.parametrize("path", ["/janus/1/2/3", "/janus/1/2/3/4/5"])
def test_too_deep_paths_are_not_served(server, rest, path):
    try:
        r = rest.request("POST", path, '{"janus":"ping","transaction":"t"}')
    except (ConnectionError, http.client.HTTPException):
        r = None  # Janus drops the connection without an answer
    if r is not None:
        assert r.status >= 400 or r.json()["janus"] == "error", (r.status, r.body[:200])
    still_serving(server)


def test_empty_post_body(server, rest, backend):
    try:
        r = rest.request("POST", "/janus", b"")
    except (ConnectionError, http.client.HTTPException):
        r = None
    if backend == "janus":
        assert r is None  # Janus closes the connection without an answer
    elif r is not None:
        assert r.status >= 400 or r.json()["error"]["code"] == 454, (r.status, r.body[:200])
    still_serving(server)


def test_many_bad_requests_on_one_socket(server, ws):
    for i in range(300):
        ws.send_text(["{", "[1]", "null", '{"janus":5}', "\x00"][i % 5])
    errors = [ws.recv() for _ in range(300)]
    assert all(e["janus"] == "error" for e in errors)
    assert ws.request({"janus": "ping"})["janus"] == "pong"
    still_serving(server)
