"""Authentication: `api_secret` (403) and stored tokens managed through the Admin API (403/405/470)."""

import pytest

from conftest import admin_for, running_server
from lib.api import TRANSPORTS, expect_error
from lib.rest import JanusRest
from lib.ws import JanusWs

SECRET = "pit-api-secret"
ECHOTEST = "janus.plugin.echotest"
UNAUTHORIZED = "Unauthorized request (wrong or missing secret/token)"


@pytest.fixture(scope="module")
def secret_server():
    with running_server(api_secret=SECRET) as s:
        yield s


@pytest.fixture(scope="module")
def token_server():
    with running_server(token_auth=True) as s:
        yield s


@pytest.fixture(params=sorted(TRANSPORTS))
def transport(request):
    return request.param


# -- api_secret -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("auth", [{}, {"apisecret": "wrong"}, {"token": SECRET}])
def test_api_secret_required_for_create(secret_server, transport, auth):
    api = TRANSPORTS[transport](secret_server, auth=auth)
    try:
        r = api.call("create")
        assert r == {"janus": "error", "transaction": r["transaction"], "error": {"code": 403, "reason": UNAUTHORIZED}}
    finally:
        api.close()


def test_api_secret_needed_by_every_session_and_handle_request(secret_server, transport):
    good = TRANSPORTS[transport](secret_server, auth={"apisecret": SECRET})
    bad = TRANSPORTS[transport](secret_server)
    try:
        sid = good.call("create")["data"]["id"]
        hid = good.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
        for verb, h, fields in [("keepalive", None, {}), ("attach", None, {"plugin": ECHOTEST}), ("claim", None, {}),
                                ("message", hid, {"body": {"audio": True}}), ("trickle", hid, {"candidate": None}),
                                ("hangup", hid, {}), ("detach", hid, {}), ("destroy", None, {})]:
            r = bad.call(verb, sid, h, **fields)
            assert r == {"janus": "error", "session_id": sid, "transaction": r["transaction"],
                         "error": {"code": 403, "reason": UNAUTHORIZED}}, verb
        r = good.call("message", sid, hid, body={"audio": True})
        assert r["janus"] == "ack"
        ev = good.event(sid, lambda m: m.get("transaction") == r["transaction"] and m.get("janus") == "event")
        assert ev["plugindata"]["data"]["result"] == "ok"
        assert good.call("destroy", sid)["janus"] == "success"
    finally:
        good.close()
        bad.close()


@pytest.mark.parametrize("verb, reply", [("ping", "pong"), ("info", "server_info")])
def test_ping_and_info_need_no_secret(secret_server, transport, verb, reply):
    api = TRANSPORTS[transport](secret_server)
    try:
        r = api.call(verb)
        assert r["janus"] == reply
        if verb == "info":
            assert r["api_secret"] is True and r["auth_token"] is False
    finally:
        api.close()


def test_api_secret_on_longpoll_query_string(secret_server):
    rest = JanusRest(secret_server.host, secret_server.endpoints.http_port, auth={"apisecret": SECRET})
    sid = rest.create()
    hid = rest.attach(sid)
    tx = rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["transaction"]
    r = rest.poll(sid, maxev=1, timeout=5)  # ?apisecret=... added from auth
    assert r.status == 200 and r.json()["transaction"] == tx
    bare = JanusRest(secret_server.host, secret_server.endpoints.http_port)
    for query in [{}, {"apisecret": "wrong"}]:
        r = bare.poll(sid, maxev=1, timeout=5, extra=query)
        assert r.status == 403 and r.body == b""


def test_get_info_needs_no_secret(secret_server):
    r = JanusRest(secret_server.host, secret_server.endpoints.http_port).request("GET", "/janus/info")
    assert r.status == 200 and r.json()["janus"] == "server_info"


def test_admin_api_ignores_api_secret(secret_server):
    r = admin_for(secret_server).send({"janus": "list_sessions"})
    assert r["janus"] == "success"


# -- stored tokens --------------------------------------------------------------------------------------------------
def token_rest(server, token=None):
    return JanusRest(server.host, server.endpoints.http_port, auth={"token": token} if token else None)


def test_token_management_lifecycle(token_server):
    admin = admin_for(token_server)
    r = admin.send({"janus": "add_token", "token": "pit-t1", "plugins": [ECHOTEST]})
    assert r == {"janus": "success", "transaction": r["transaction"], "data": {"plugins": [ECHOTEST]}}
    listed = admin.send({"janus": "list_tokens"})
    assert listed["janus"] == "success"
    mine = [t for t in listed["data"]["tokens"] if t["token"] == "pit-t1"]
    assert mine == [{"token": "pit-t1", "allowed_plugins": [ECHOTEST]}]

    rest = token_rest(token_server, "pit-t1")
    sid = rest.create()
    assert rest.attach(sid, ECHOTEST) > 0

    r = admin.send({"janus": "disallow_token", "token": "pit-t1", "plugins": [ECHOTEST]})
    assert r == {"janus": "success", "transaction": r["transaction"], "data": {"plugins": []}}
    r = rest.send({"janus": "attach", "plugin": ECHOTEST}, sid)
    assert r == {"janus": "error", "session_id": sid, "transaction": r["transaction"],
                 "error": {"code": 405, "reason": f"Provided token can't access plugin '{ECHOTEST}'"}}
    assert rest.send({"janus": "keepalive"}, sid)["janus"] == "ack"  # the token itself is still valid

    r = admin.send({"janus": "allow_token", "token": "pit-t1", "plugins": [ECHOTEST]})
    assert r == {"janus": "success", "transaction": r["transaction"], "data": {"plugins": [ECHOTEST]}}
    assert rest.attach(sid, ECHOTEST) > 0

    r = admin.send({"janus": "remove_token", "token": "pit-t1"})
    assert r == {"janus": "success", "transaction": r["transaction"]}
    expect_error(rest.send({"janus": "keepalive"}, sid), 403, UNAUTHORIZED)
    assert all(t["token"] != "pit-t1" for t in admin.send({"janus": "list_tokens"})["data"]["tokens"])
    expect_error(admin.send({"janus": "remove_token", "token": "pit-t1"}), 490, "Error removing token")


def test_token_without_plugins_allows_every_plugin(token_server):
    admin = admin_for(token_server)
    r = admin.send({"janus": "add_token", "token": "pit-all"})
    every = set(token_rest(token_server).send({"janus": "info"})["plugins"])
    assert r["janus"] == "success" and set(r["data"]["plugins"]) == every and ECHOTEST in every
    rest = token_rest(token_server, "pit-all")
    sid = rest.create()
    assert all(rest.attach(sid, plugin) > 0 for plugin in every)


@pytest.mark.parametrize("token", [None, "pit-unknown"])
def test_requests_without_a_valid_token_403(token_server, transport, token):
    api = TRANSPORTS[transport](token_server, auth={"token": token} if token else None)
    try:
        r = api.call("create")
        assert r == {"janus": "error", "transaction": r["transaction"], "error": {"code": 403, "reason": UNAUTHORIZED}}
        assert api.call("ping")["janus"] == "pong"
        info = api.call("info")
        assert info["janus"] == "server_info" and info["auth_token"] is True and info["api_secret"] is False
    finally:
        api.close()


def test_token_over_websocket(token_server):
    admin = admin_for(token_server)
    admin.send({"janus": "add_token", "token": "pit-ws", "plugins": [ECHOTEST]})
    with JanusWs(token_server.ws_url(), auth={"token": "pit-ws"}) as w:
        sid = w.create()
        assert w.attach(sid) > 0
        admin.send({"janus": "disallow_token", "token": "pit-ws", "plugins": [ECHOTEST]})
        expect_error(w.request({"janus": "attach", "session_id": sid, "plugin": ECHOTEST}), 405)


def test_token_on_longpoll_query_string(token_server):
    admin_for(token_server).send({"janus": "add_token", "token": "pit-lp", "plugins": [ECHOTEST]})
    rest = token_rest(token_server, "pit-lp")
    sid = rest.create()
    hid = rest.attach(sid)
    tx = rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)["transaction"]
    r = rest.poll(sid, maxev=1, timeout=5)
    assert r.status == 200 and r.json()["transaction"] == tx
    assert token_rest(token_server).poll(sid, maxev=1, timeout=5).status == 403


@pytest.mark.parametrize("request_body, code, reason", [
    ({"janus": "add_token"}, 456, "Missing mandatory element (token)"),
    ({"janus": "add_token", "token": "pit-x", "plugins": "x"}, 467, "Invalid element type (plugins should be an array)"),
    ({"janus": "allow_token", "token": "pit-nope", "plugins": [ECHOTEST]}, 470, "Token pit-nope not found"),
    ({"janus": "allow_token", "token": "pit-nope"}, 467,
     "Invalid element type (plugins should be a non-empty array)"),
])
def test_token_request_errors(token_server, request_body, code, reason):
    expect_error(admin_for(token_server).send(request_body), code, reason)


def test_token_requests_refused_when_token_auth_off(server):
    admin = admin_for(server)
    for verb in ["list_tokens", "add_token"]:
        expect_error(admin.send({"janus": verb, "token": "pit-x"}), 490, "Stored-Token based authentication disabled")


def test_either_secret_or_token_passes_when_both_are_on():
    with running_server(api_secret=SECRET, token_auth=True) as s:
        admin_for(s).send({"janus": "add_token", "token": "pit-both"})
        for auth in [{"apisecret": SECRET}, {"token": "pit-both"}]:
            assert token_rest(s).send({"janus": "create", **auth})["janus"] == "success"
        for auth in [{}, {"apisecret": "no", "token": "no"}]:
            expect_error(token_rest(s).send({"janus": "create", **auth}), 403, UNAUTHORIZED)
