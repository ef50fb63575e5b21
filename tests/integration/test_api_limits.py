"""Limits (issue #8): each limit is hit over REST and WebSocket, answered with its documented error (docs/api.md),
and the daemon keeps serving everyone else.

Janus 1.1.2 has none of these limits, so these tests run against portunusd only.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from lib.api import TRANSPORTS, expect_error
from lib.rest import JanusRest
from lib.ws import JanusWs, WsClosed

ECHOTEST = "janus.plugin.echotest"
# An offer the media layer accepts on loopback (host candidates only, no media flows in these tests).
OFFER = ("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
         "a=msid-semantic: WMS\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
         "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n"
         "a=fingerprint:sha-256 " + ":".join(["AB"] * 32) + "\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\n"
         "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=ssrc:1111 cname:pit\r\n")


@pytest.fixture(autouse=True)
def _portunusd_only(backend):
    if backend != "portunusd":
        pytest.skip("Janus 1.1.2 has no such limits")


@pytest.fixture(params=sorted(TRANSPORTS))
def transport(request):
    return TRANSPORTS[request.param]


def still_serving(server):
    rest = JanusRest(server.host, server.endpoints.http_port)
    assert rest.send({"janus": "ping"})["janus"] == "pong"
    with JanusWs(server.ws_url()) as w:
        assert w.request({"janus": "ping"})["janus"] == "pong"


def test_max_sessions_472(make_server, transport):
    server = make_server(limits={"max_sessions": 3})
    api = transport(server)
    try:
        sids = [api.call("create")["data"]["id"] for _ in range(3)]
        r = api.call("create")
        expect_error(r, 472, "Currently not accepting new sessions (limit of 3 sessions reached)")
        assert "transaction" in r
        assert api.call("destroy", sids[0])["janus"] == "success"
        assert api.call("create")["janus"] == "success"
        still_serving(server)
    finally:
        api.close()


def test_max_handles_per_session_461(make_server, transport):
    server = make_server(limits={"max_handles_per_session": 2})
    api = transport(server)
    try:
        sid = api.call("create")["data"]["id"]
        hids = [api.call("attach", sid, plugin=ECHOTEST)["data"]["id"] for _ in range(2)]
        r = api.call("attach", sid, plugin=ECHOTEST)
        expect_error(r, 461, "Couldn't attach to plugin: limit of 2 handles in this session reached")
        assert r["session_id"] == sid
        other = api.call("create")["data"]["id"]
        assert api.call("attach", other, plugin=ECHOTEST)["janus"] == "success"
        assert api.call("detach", sid, hids[0])["janus"] == "success"
        assert api.call("attach", sid, plugin=ECHOTEST)["janus"] == "success"
    finally:
        api.close()


def test_max_pending_trickles_490(make_server, transport):
    server = make_server(limits={"max_pending_trickles": 3})
    api = transport(server)
    cand = {"sdpMid": "0", "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 9 typ host"}
    try:
        sid = api.call("create")["data"]["id"]
        hid = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
        for _ in range(3):
            assert api.call("trickle", sid, hid, candidate=cand)["janus"] == "ack"
        expect_error(api.call("trickle", sid, hid, candidate=cand), 490,
                     "Too many pending trickle candidates (limit of 3 per handle before its PeerConnection exists)")
        # Another handle has its own queue.
        hid2 = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
        assert api.call("trickle", sid, hid2, candidate=cand)["janus"] == "ack"
        still_serving(server)
    finally:
        api.close()


def test_max_peerconnections_490(make_server, transport):
    server = make_server(limits={"max_peerconnections": 1})
    api = transport(server)
    try:
        sid = api.call("create")["data"]["id"]
        first = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
        second = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
        body = {"audio": True}
        assert api.call("message", sid, first, body=body, jsep={"type": "offer", "sdp": OFFER})["janus"] == "ack"
        answer = api.event(sid, lambda m: m.get("janus") == "event" and m.get("sender") == first)
        assert answer["jsep"]["type"] == "answer"
        r = api.call("message", sid, second, body=body, jsep={"type": "offer", "sdp": OFFER})
        expect_error(r, 490, "Error setting ICE locally (limit of 1 PeerConnections reached)")
        # The first PeerConnection goes: the second handle may now negotiate.
        assert api.call("hangup", sid, first)["janus"] == "success"
        assert api.call("message", sid, second, body=body, jsep={"type": "offer", "sdp": OFFER})["janus"] == "ack"
        answer = api.event(sid, lambda m: m.get("janus") == "event" and m.get("sender") == second and "jsep" in m)
        assert answer["jsep"]["type"] == "answer"
    finally:
        api.close()


def test_request_rate_rest_429(make_server):
    server = make_server(limits={"request_rate": 5, "request_burst": 10})
    rest = JanusRest(server.host, server.endpoints.http_port)
    replies = [rest.post({"janus": "ping", "transaction": f"t{i}"}) for i in range(14)]
    statuses = [r.status for r in replies]
    assert statuses.count(200) >= 10 and statuses.count(429) >= 3, statuses
    refused = next(r for r in replies if r.status == 429)
    assert int(refused.header("Retry-After")) >= 1
    assert refused.json() == {"janus": "error", "error": {
        "code": 450, "reason": "Too many requests from this address (limit 5 per second, burst 10)"}}
    # The admin API is not limited, and tokens come back at the rate.
    time.sleep(1.2)
    assert rest.send({"janus": "ping"})["janus"] == "pong"


def test_request_rate_ws_450_keeps_the_socket(make_server):
    server = make_server(limits={"request_rate": 5, "request_burst": 10})
    with JanusWs(server.ws_url()) as w:
        replies = [w.request({"janus": "ping"}) for _ in range(14)]
        kinds = [r["janus"] for r in replies]
        assert kinds.count("pong") >= 10 and kinds.count("error") >= 3, kinds
        refused = next(r for r in replies if r["janus"] == "error")
        assert refused["error"] == {"code": 450,
                                    "reason": "Too many requests from this address (limit 5 per second, burst 10)"}
        assert refused["transaction"].startswith("pit-")  # echoed, so the client's callback fires
        time.sleep(1.2)
        assert w.request({"janus": "ping"})["janus"] == "pong"  # same socket, still open


def test_concurrent_long_polls_429(make_server):
    server = make_server(limits={"max_long_polls_per_session": 2})
    rest = JanusRest(server.host, server.endpoints.http_port)
    sid = rest.create()
    hid = rest.attach(sid)
    answers = []

    def poll():
        answers.append(rest.poll(sid, timeout=40))

    parked = [threading.Thread(target=poll) for _ in range(2)]
    for t in parked:
        t.start()
    time.sleep(0.5)  # both are parked on the server
    r = rest.poll(sid, timeout=5)
    assert r.status == 429, (r.status, r.body)
    assert r.json() == {"janus": "error", "session_id": sid, "error": {
        "code": 450, "reason": "Too many concurrent long polls for this session (limit 2)"}}
    # Two EchoTest events answer the two parked polls; then polling works again.
    for _ in range(2):
        assert rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["janus"] == "ack"
    for t in parked:
        t.join(timeout=10)
    assert [a.status for a in answers] == [200, 200]
    assert rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["janus"] == "ack"
    assert rest.poll(sid, timeout=10).status == 200



def test_abandoned_long_polls_do_not_count(make_server):
    """A client that closes its connection while its poll is parked frees its slot at once (the server notices when
    the limit is reached), instead of holding it until the 30 s keepalive."""
    server = make_server(limits={"max_long_polls_per_session": 2})
    rest = JanusRest(server.host, server.endpoints.http_port)
    sid = rest.create()
    hid = rest.attach(sid)
    for _ in range(3):  # more abandoned polls than the limit
        with socket.create_connection((server.host, server.endpoints.http_port), timeout=5) as s:
            s.sendall(f"GET /janus/{sid} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(0.3)  # parked on the server
    result = []
    t = threading.Thread(target=lambda: result.append(rest.poll(sid, timeout=20)))
    t.start()
    time.sleep(0.5)
    assert rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["janus"] == "ack"
    t.join(timeout=15)
    assert result and result[0].status == 200, result and (result[0].status, result[0].body)
    assert result[0].json()["janus"] == "event"


def test_body_and_message_size(make_server):
    server = make_server(max_body_bytes=4096)
    rest = JanusRest(server.host, server.endpoints.http_port)
    big = {"janus": "ping", "transaction": "t", "pad": "x" * 8000}
    r = rest.post(big)
    assert r.status == 413
    assert r.json()["error"] == {"code": 450, "reason": "Request body too large (limit 4096 bytes)"}
    with JanusWs(server.ws_url()) as w:
        w.send_json(big)
        with pytest.raises(WsClosed):  # close 1009 (or a reset if the client was still writing)
            w.recv(timeout=5)
    assert rest.send({"janus": "ping", "pad": "x" * 3000})["janus"] == "pong"  # under the limit
    still_serving(server)
