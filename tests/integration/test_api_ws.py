"""WebSocket transport specifics: subprotocol, many sessions per socket, event routing, close and reclaim."""

import json
import time

import pytest
import websocket

from conftest import admin_for, running_server
from lib.api import expect_error
from lib.rest import JanusRest
from lib.ws import JanusWs

ECHOTEST = "janus.plugin.echotest"


def wait_gone(rest: JanusRest, sid: int, timeout: float = 3.0) -> dict:
    """Polls with keepalives until the session is reported gone (458); returns that error."""
    deadline = time.monotonic() + timeout
    while True:
        r = rest.send({"janus": "keepalive"}, sid)
        if r["janus"] == "error" or time.monotonic() > deadline:
            return r
        time.sleep(0.1)


def echo(ws: JanusWs, sid: int, hid: int) -> str:
    r = ws.request({"janus": "message", "session_id": sid, "handle_id": hid, "body": {"audio": True}})
    assert r["janus"] == "ack", r
    return r["transaction"]


@pytest.mark.parametrize("subprotocol", [None, "foo", "janus-admin-protocol"])
def test_handshake_without_janus_protocol_is_refused(server, subprotocol):
    with pytest.raises(websocket.WebSocketException):
        JanusWs(server.ws_url(), subprotocol=subprotocol, timeout=3).close()
    with JanusWs(server.ws_url()) as w:  # and the server still serves a correct client
        assert w.request({"janus": "ping"})["janus"] == "pong"


def test_handshake_negotiates_janus_protocol(ws):
    assert ws.subprotocol == "janus-protocol"


def test_binary_frames_carry_json_too(ws):
    ws.send_binary(json.dumps({"janus": "ping", "transaction": "bin"}).encode())
    assert ws.recv() == {"janus": "pong", "transaction": "bin"}


def test_many_sessions_on_one_socket_each_gets_its_events(ws):
    pairs = []
    for _ in range(8):
        sid = ws.create()
        pairs.append((sid, ws.attach(sid)))
    txs = {echo(ws, sid, hid): (sid, hid) for sid, hid in pairs}
    for tx, (sid, hid) in txs.items():
        ev = ws.wait(lambda m: m.get("janus") == "event" and m.get("transaction") == tx)
        assert ev["session_id"] == sid and ev["sender"] == hid


def test_events_go_to_the_owning_socket(ws_factory, rest):
    owner, other = ws_factory(), ws_factory()
    sid = owner.create()
    hid = owner.attach(sid)
    # The request comes in on another socket (and over REST); its reply goes there, the event to the owner.
    tx1 = echo(other, sid, hid)
    tx2 = rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["transaction"]
    for tx in (tx1, tx2):
        ev = owner.wait(lambda m: m.get("transaction") == tx and m.get("janus") == "event")
        assert ev["sender"] == hid
    assert other.no_frame_within(0.5) == []


def test_events_of_a_rest_session_stay_on_its_longpoll(ws, rest):
    sid = rest.create()
    hid = rest.attach(sid)
    tx = echo(ws, sid, hid)  # request over WS, but the session belongs to REST
    ev = rest.poll_until(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event", timeout=5)
    assert ev["sender"] == hid
    assert ws.no_frame_within(0.3) == []


def test_longpoll_on_a_websocket_session_404(ws, rest):
    sid = ws.create()
    assert rest.poll(sid, maxev=1, timeout=5).status == 404


def test_socket_close_destroys_its_sessions(ws_factory, rest):
    a, b = ws_factory(), ws_factory()
    mine = [a.create() for _ in range(3)]
    for sid in mine:
        a.attach(sid)
    kept = b.create()
    a.close()
    for sid in mine:
        expect_error(wait_gone(rest, sid), 458, f"No such session {sid}")
    assert b.request({"janus": "keepalive", "session_id": kept})["janus"] == "ack"
    expect_error(b.request({"janus": "claim", "session_id": mine[0]}), 458, f"No such session {mine[0]}")


def test_claim_moves_a_live_session_to_the_claiming_socket(ws_factory, rest):
    first, second = ws_factory(), ws_factory()
    sid = first.create()
    hid = first.attach(sid)
    r = second.request({"janus": "claim", "session_id": sid})
    assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"]}
    tx = echo(first, sid, hid)
    assert second.wait(lambda m: m.get("transaction") == tx and m.get("janus") == "event")["sender"] == hid
    assert first.no_frame_within(0.3) == []
    # The old socket no longer owns it: closing it leaves the session alone; closing the new owner ends it.
    first.close()
    time.sleep(0.3)
    assert rest.send({"janus": "keepalive"}, sid)["janus"] == "ack"
    second.close()
    expect_error(wait_gone(rest, sid), 458)


def test_websocket_claims_a_rest_session(ws, rest):
    sid = rest.create()
    hid = rest.attach(sid)
    assert ws.request({"janus": "claim", "session_id": sid})["janus"] == "success"
    tx = rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["transaction"]
    assert ws.wait(lambda m: m.get("transaction") == tx and m.get("janus") == "event")["sender"] == hid


# -- reclaim_session_timeout > 0 ----------------------------------------------------------------------------------
RECLAIM = 4


@pytest.fixture(scope="module")
def reclaim_server():
    with running_server(reclaim_session_timeout=RECLAIM) as s:
        yield s


def test_reclaim_over_websocket(reclaim_server):
    with JanusWs(reclaim_server.ws_url()) as w1:
        sid = w1.create()
        hid = w1.attach(sid)
    time.sleep(0.3)
    with JanusWs(reclaim_server.ws_url()) as w2:
        r = w2.request({"janus": "claim", "session_id": sid})
        assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"]}
        tx = echo(w2, sid, hid)
        ev = w2.wait(lambda m: m.get("transaction") == tx and m.get("janus") == "event")
        assert ev["session_id"] == sid and ev["sender"] == hid


def test_reclaim_over_rest(reclaim_server):
    rest = JanusRest(reclaim_server.host, reclaim_server.endpoints.http_port)
    with JanusWs(reclaim_server.ws_url()) as w1:
        sid = w1.create()
        hid = w1.attach(sid)
    time.sleep(0.3)
    r = rest.send({"janus": "claim"}, sid)
    assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"]}
    tx = rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["transaction"]
    ev = rest.poll_until(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event", timeout=5)
    assert ev["sender"] == hid


def test_unclaimed_session_expires_after_reclaim_timeout(reclaim_server):
    """Watched through the Admin API, which does not count as session activity (a claim attempt would)."""
    admin = admin_for(reclaim_server)
    with JanusWs(reclaim_server.ws_url()) as w1:
        sid = w1.create()
        w1.attach(sid)
    closed = time.monotonic()
    gone_after = None
    while time.monotonic() - closed < RECLAIM + 8:
        if sid not in admin.send({"janus": "list_sessions"})["sessions"]:
            gone_after = time.monotonic() - closed
            break
        time.sleep(0.25)
    assert gone_after is not None, "the unclaimed session never expired"
    assert RECLAIM - 0.5 <= gone_after, f"expired after {gone_after:.1f}s, before the reclaim window"
    with JanusWs(reclaim_server.ws_url()) as w2:
        expect_error(w2.request({"janus": "claim", "session_id": sid}), 458, f"No such session {sid}")
