"""REST transport specifics: long-poll shapes and keepalive, HTTP statuses, redirects, CORS, content types."""

import concurrent.futures
import os
import socket
import time

import pytest

ECHOTEST = "janus.plugin.echotest"
# Janus holds an idle long-poll for about 30 s before answering with a keepalive.
LONGPOLL_HOLD = float(os.environ.get("PORTUNUS_LONGPOLL_SECONDS", "30"))


def queue_events(rest, sid, hid, n, settle=0.2):
    """Sends n EchoTest messages and gives the plugin time to queue their n events for the session."""
    txs = [rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["transaction"] for _ in range(n)]
    time.sleep(settle)  # the plugin answers asynchronously (in a few ms when the machine is idle)
    return txs


@pytest.fixture
def sh(rest):
    sid = rest.create()
    return sid, rest.attach(sid)


@pytest.mark.parametrize("maxev", [None, 1])
def test_longpoll_single_object_when_maxev_absent_or_1(rest, sh, maxev):
    sid, hid = sh
    txs = queue_events(rest, sid, hid, 2)
    got = []
    for _ in range(2):
        r = rest.poll(sid, maxev=maxev, timeout=5)
        assert r.status == 200
        ev = r.json()
        assert isinstance(ev, dict), ev
        got.append(ev["transaction"])
    assert got == txs


@pytest.mark.parametrize("maxev, queued, sizes", [(2, 1, [1]), (2, 3, [2, 1]), (10, 3, [3])])
def test_longpoll_array_when_maxev_above_1(rest, sh, maxev, queued, sizes):
    sid, hid = sh
    txs = queue_events(rest, sid, hid, queued, settle=1.0)  # the batch sizes depend on all events being queued
    got = []
    for size in sizes:
        r = rest.poll(sid, maxev=maxev, timeout=5)
        assert r.status == 200
        evs = r.json()
        assert isinstance(evs, list) and len(evs) == size, evs
        got += [e["transaction"] for e in evs]
    assert got == txs


def test_longpoll_waits_for_the_next_event(rest, sh):
    sid, hid = sh
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        poll = pool.submit(rest.poll, sid, 5, 10)
        time.sleep(0.5)
        assert not poll.done(), "the long-poll must be held while there is nothing to send"
        tx = rest.send({"janus": "message", "body": {"video": True}}, sid, hid)["transaction"]
        r = poll.result(timeout=5)
    assert r.status == 200
    evs = r.json()
    assert [e["transaction"] for e in evs] == [tx]
    assert evs[0]["plugindata"]["data"] == {"echotest": "event", "result": "ok"}


def test_abandoned_longpoll_leaves_its_events_to_the_next_poll(rest, sh, backend, server):
    """A client that closes its connection while its poll is parked (a page reload, a client-side timeout) does not
    lose the events that come next: the server looks at a parked poll's socket before handing it events, and keeps
    them queued for the next poll. (Janus 1.1.2 writes them to the closed connection.)"""
    if backend == "janus":
        pytest.skip("Janus 1.1.2 hands the events to the abandoned poll")
    sid, hid = sh
    for _ in range(2):  # two polls given up, one after the other
        with socket.create_connection((server.host, server.endpoints.http_port), timeout=5) as s:
            s.sendall(f"GET /janus/{sid}?maxev=5 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(0.3)  # parked on the server
    time.sleep(0.2)
    txs = queue_events(rest, sid, hid, 2)
    got = []
    while len(got) < 2:
        r = rest.poll(sid, maxev=5, timeout=5)
        assert r.status == 200
        evs = r.json()
        assert evs != [{"janus": "keepalive"}], f"events lost, got only {got}"
        got += [e["transaction"] for e in evs]
    assert got == txs


@pytest.mark.slow
def test_longpoll_keepalive_after_hold_time(rest):
    """An idle long-poll is answered with a keepalive after ~30 s (single object, and in an array for maxev > 1)."""
    sid = rest.create()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        start = time.monotonic()
        single = pool.submit(rest.poll, sid, None, LONGPOLL_HOLD + 15)
        multi = pool.submit(rest.poll, sid, 5, LONGPOLL_HOLD + 15)
        r1, r2 = single.result(), multi.result()
        elapsed = time.monotonic() - start
    assert LONGPOLL_HOLD - 5 <= elapsed <= LONGPOLL_HOLD + 10, elapsed
    assert r1.status == 200 and r1.json() == {"janus": "keepalive"}
    assert r2.status == 200 and r2.json() == [{"janus": "keepalive"}]


def test_longpoll_unknown_session_404_empty(rest):
    r = rest.poll(987654321, maxev=1, timeout=5)
    assert r.status == 404 and r.body == b""


def test_longpoll_after_destroy_404(rest, sh):
    sid, _ = sh
    assert rest.destroy(sid)["janus"] == "success"
    assert rest.poll(sid, timeout=5).status == 404


def test_longpoll_ignores_rid(rest, sh):
    sid, hid = sh
    [tx] = queue_events(rest, sid, hid, 1)
    r = rest.poll(sid, maxev=10, timeout=5, extra={"rid": int(time.time() * 1000)})
    assert r.status == 200 and [e["transaction"] for e in r.json()] == [tx]


def test_get_on_handle_path_redirects_to_session(rest, sh):
    sid, hid = sh
    r = rest.request("GET", rest.url(sid, hid))
    assert r.status == 302
    assert r.header("Location") == f"/janus/{sid}"


def test_get_info(rest, server):
    r = rest.request("GET", "/janus/info")
    assert r.status == 200
    info = r.json()
    assert info["janus"] == "server_info" and info["server-name"] == server.config.server_name
    assert ECHOTEST in info["plugins"]


@pytest.mark.parametrize("path", ["/janus", "/janus/123/456"])
def test_options_preflight_cors(rest, path):
    r = rest.request("OPTIONS", path, headers={"Origin": "http://pit.example", "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "x-pit, content-type"})
    assert r.status == 200 and r.body == b""
    assert r.header("Access-Control-Allow-Origin") == "*"
    assert r.header("Access-Control-Allow-Methods") == "POST"
    assert r.header("Access-Control-Allow-Headers") == "x-pit, content-type"  # the requested headers, echoed
    assert r.header("Access-Control-Max-Age") == "86400"


def test_options_without_preflight_headers(rest):
    r = rest.request("OPTIONS", "/janus")
    assert r.status == 200 and r.body == b""
    assert r.header("Access-Control-Allow-Origin") == "*"
    assert r.header("Access-Control-Allow-Headers") is None


@pytest.mark.parametrize("session", [False, True])
def test_unsupported_method_450(rest, session):
    path = rest.url(rest.create()) if session else rest.url()
    r = rest.request("DELETE", path)
    assert r.status == 200
    assert r.json() == {"janus": "error", "error": {"code": 450, "reason": "Unsupported method DELETE"}}


@pytest.mark.parametrize("method, path", [("POST", "/janus"), ("GET", "/janus/info"), ("GET", "/other"),
                                          ("DELETE", "/janus")])
def test_every_reply_answers_the_cors_questions(rest, method, path):
    """Janus answers a preflight's questions (Max-Age, the asked method and headers) on every reply, not only on
    OPTIONS: a browser that sends them on the real request gets the same headers back."""
    r = rest.request(method, path, body='{"janus":"ping","transaction":"t"}' if method == "POST" else None,
                     headers={"Origin": "http://pit.example", "Access-Control-Request-Method": "POST",
                              "Access-Control-Request-Headers": "x-pit"})
    assert r.header("Access-Control-Max-Age") == "86400"
    assert r.header("Access-Control-Allow-Methods") == "POST"
    assert r.header("Access-Control-Allow-Headers") == "x-pit"
    plain = rest.request(method, path, body='{"janus":"ping","transaction":"t"}' if method == "POST" else None)
    assert plain.header("Access-Control-Max-Age") == "86400"
    assert plain.header("Access-Control-Allow-Methods") is None and plain.header("Access-Control-Allow-Headers") is None


@pytest.mark.parametrize("path", ["/janus", "/janus/123", "/janus/info", "/other"])
def test_head_is_an_empty_json_200(rest, path):
    r = rest.request("HEAD", path)
    assert r.status == 200 and r.body == b""
    assert r.header("Content-Type") == "application/json"


def test_delete_anywhere_is_450(rest):
    r = rest.request("DELETE", "/other")
    assert r.status == 200
    assert r.json() == {"janus": "error", "error": {"code": 450, "reason": "Unsupported method DELETE"}}


def test_post_on_info_is_400(rest):
    r = rest.request("POST", "/janus/info", body='{"janus":"ping","transaction":"t"}')
    assert r.status == 400 and r.body == b""


def test_cors_header_on_replies(rest):
    r = rest.post({"janus": "ping", "transaction": "t"})
    assert r.header("Access-Control-Allow-Origin") == "*"
    assert r.header("Content-Type") == "application/json"


@pytest.mark.parametrize("content_type", ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", None])
def test_body_accepted_whatever_the_content_type(rest, content_type):
    r = rest.post('{"janus":"create","transaction":"beacon"}', content_type=content_type)
    assert r.status == 200
    body = r.json()
    assert body["janus"] == "success" and body["transaction"] == "beacon"
    # janus.js's unload beacon: destroy as text/plain
    r = rest.post('{"janus":"destroy","transaction":"b2"}', body["data"]["id"], content_type=content_type)
    assert r.json() == {"janus": "success", "session_id": body["data"]["id"], "transaction": "b2"}


def test_errors_travel_with_http_200(rest):
    r = rest.post({"janus": "keepalive", "transaction": "t"}, 5555)
    assert r.status == 200 and r.json()["error"]["code"] == 458


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/other"), ("POST", "/other"), ("GET", "/janus"),
                                          ("GET", "/janusx")])
def test_unknown_paths_404(rest, method, path):
    r = rest.request(method, path, body='{"janus":"ping","transaction":"t"}' if method == "POST" else None)
    assert r.status == 404
    assert rest.post({"janus": "ping", "transaction": "t"}).json()["janus"] == "pong"


def test_numeric_path_ids_only(rest):
    # A non-numeric segment after the base path is not a session: Janus treats the request as a root request.
    r = rest.post({"janus": "ping", "transaction": "t"}, "abc")
    assert r.status == 200 and r.json() == {"janus": "pong", "transaction": "t"}
