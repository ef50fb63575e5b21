"""The Admin API over HTTP (`/admin`) and WebSocket (`janus-admin-protocol`), `admin_secret` enforced."""

import pytest

from conftest import admin_for
from lib.api import expect_error
from lib.stun import StunServer, free_udp_port
from lib.ws import AdminWs

ECHOTEST = "janus.plugin.echotest"
VIDEOROOM = "janus.plugin.videoroom"
UNAUTHORIZED = "Unauthorized request (wrong or missing secret/token)"
STATUS_KEYS = {"token_auth", "session_timeout", "reclaim_session_timeout", "candidates_timeout", "log_level",
               "log_timestamps", "log_colors", "locking_debug", "refcount_debug", "libnice_debug", "min_nack_queue",
               "nack-optimizations", "no_media_timer", "slowlink_threshold"}
# The element ids of Janus 1.1.2's admin.html (janus-demos).
ADMIN_HTML_IDS = {"admintabs", "auth-tokens", "autorefresh", "capture", "capturetext", "handle-info", "handles",
                  "handles-list", "handles-num", "handlesinfo", "home", "info", "options", "plugin-message",
                  "plugin-request", "plugin-response", "plugins", "plugins-list", "prettify", "server-deps",
                  "server-details", "server-handlers", "server-plugins", "server-settings", "server-transports",
                  "serverinfo", "sessions", "sessions-list", "sessions-num", "settings", "tokens", "transport-message",
                  "transport-request", "transport-response", "transports", "transports-list", "update-handle",
                  "update-handles", "update-sessions", "update-settings", "update-tokens"}
HANDLE_INFO_KEYS = {"session_id", "session_last_activity", "session_timeout", "session_transport", "handle_id",
                    "opaque_id", "loop-running", "created", "current_time", "plugin", "plugin_specific"}
HANDLE_FLAGS = {"got-offer", "got-answer", "negotiated", "processing-offer", "starting", "ice-restart", "ready",
                "stopped", "alert", "trickle", "all-trickles", "resend-trickles", "trickle-synced", "data-channels",
                "has-audio", "has-video", "new-datachan-sdp", "rfc4588-rtx", "cleaning", "e2ee"}


@pytest.fixture(params=["http", "ws"])
def adm(request, server):
    if request.param == "http":
        yield admin_for(server)
    else:
        client = AdminWs(server.admin_ws_url(), server.config.admin_secret)
        yield client
        client.close()


@pytest.fixture
def owned(ws):
    """A WebSocket-owned session with two EchoTest handles (the socket sees the events the admin causes)."""
    sid = ws.create()
    return ws, sid, ws.attach(sid, opaque_id="pit-admin-opaque"), ws.attach(sid)


def test_info_without_secret(adm, server):
    r = adm.send({"janus": "info"}, secret=False)
    assert r["janus"] == "server_info" and r["server-name"] == server.config.server_name
    assert ECHOTEST in r["plugins"]


def test_ping_without_secret(adm):
    r = adm.send({"janus": "ping"}, secret=False)
    assert r == {"janus": "pong", "transaction": r["transaction"]}


@pytest.mark.parametrize("verb", ["get_status", "list_sessions", "set_log_level", "accept_new_sessions",
                                  "message_plugin", "set_session_timeout"])
@pytest.mark.parametrize("secret", [None, "wrong", ""])
def test_wrong_or_missing_admin_secret_403(adm, verb, secret):
    body = {"janus": verb} if secret is None else {"janus": verb, "admin_secret": secret}
    r = adm.send(body, secret=False)
    assert r == {"janus": "error", "transaction": r["transaction"], "error": {"code": 403, "reason": UNAUTHORIZED}}


def test_session_level_requests_need_the_secret_too(adm, owned):
    _, sid, hid, _ = owned
    for verb, h in [("list_handles", None), ("handle_info", hid), ("destroy_session", None), ("detach_handle", hid)]:
        r = adm.send({"janus": verb}, sid, h, secret=False)
        expect_error(r, 403, UNAUTHORIZED)


def test_get_status(adm, server):
    r = adm.send({"janus": "get_status"})
    assert set(r) == {"janus", "transaction", "status"} and r["janus"] == "success"
    st = r["status"]
    assert STATUS_KEYS <= set(st), STATUS_KEYS - set(st)  # extra counters are allowed (Portunus adds some)
    # ... but none named like an element of Janus's admin.html, which makes a table cell with each key as its id.
    assert not set(st) & ADMIN_HTML_IDS, set(st) & ADMIN_HTML_IDS
    assert st["token_auth"] is False
    assert st["session_timeout"] == server.config.session_timeout
    assert st["reclaim_session_timeout"] == server.config.reclaim_session_timeout
    assert st["candidates_timeout"] == server.config.candidates_timeout
    assert 0 <= st["log_level"] <= 7


def test_list_sessions_and_handles(adm, owned):
    _, sid, hid, hid2 = owned
    r = adm.send({"janus": "list_sessions"})
    assert set(r) == {"janus", "transaction", "sessions"} and sid in r["sessions"]
    r = adm.send({"janus": "list_handles"}, sid)
    assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"], "handles": r["handles"]}
    assert sorted(r["handles"]) == sorted([hid, hid2])


def test_handle_info(adm, owned):
    _, sid, hid, _ = owned
    r = adm.send({"janus": "handle_info"}, sid, hid)
    assert set(r) == {"janus", "session_id", "transaction", "handle_id", "info"} and r["janus"] == "success"
    assert r["session_id"] == sid and r["handle_id"] == hid
    info = r["info"]
    assert HANDLE_INFO_KEYS | {"flags"} <= set(info), set(info)
    assert info["session_id"] == sid and info["handle_id"] == hid
    assert info["opaque_id"] == "pit-admin-opaque"
    assert info["plugin"] == ECHOTEST and isinstance(info["plugin_specific"], dict)
    assert info["session_transport"] == "janus.transport.websockets"
    assert info["session_timeout"] == 60
    assert HANDLE_FLAGS <= set(info["flags"])
    assert all(v is False for v in info["flags"].values()), info["flags"]  # nothing negotiated yet
    assert info["created"] <= info["current_time"] and info["session_last_activity"] <= info["current_time"]


def test_handle_info_plugin_only(adm, owned):
    _, sid, hid, _ = owned
    info = adm.send({"janus": "handle_info", "plugin_only": True}, sid, hid)["info"]
    assert set(info) == HANDLE_INFO_KEYS


@pytest.mark.parametrize("verb, use_handle", [("list_handles", False), ("destroy_session", False),
                                              ("handle_info", True), ("detach_handle", True), ("hangup_webrtc", True)])
def test_unknown_session_458(adm, verb, use_handle):
    r = adm.send({"janus": verb}, 424242, 7 if use_handle else None)
    assert r == {"janus": "error", "session_id": 424242, "transaction": r["transaction"],
                 "error": {"code": 458, "reason": "No such session 424242"}}


@pytest.mark.parametrize("verb", ["handle_info", "detach_handle", "hangup_webrtc"])
def test_unknown_handle_459(adm, owned, verb):
    _, sid, _, _ = owned
    expect_error(adm.send({"janus": verb}, sid, 7), 459, f"No such handle 7 in session {sid}")


@pytest.mark.parametrize("verb, sid_level, hid_level", [
    ("foo", None, None), ("create", None, None), ("get_status", "s", None), ("list_sessions", "s", None),
    ("handle_info", "s", None), ("list_handles", "s", "h"), ("destroy_session", "s", "h"), ("foo", "s", "h"),
])
def test_admin_request_at_the_wrong_level_457(adm, owned, verb, sid_level, hid_level):
    _, sid, hid, _ = owned
    r = adm.send({"janus": verb}, sid if sid_level else None, hid if hid_level else None)
    expect_error(r, 457, f"Unhandled request '{verb}' at this path")


def test_hangup_webrtc(adm, owned):
    ws, sid, hid, _ = owned
    r = adm.send({"janus": "hangup_webrtc"}, sid, hid)
    assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"]}
    ev = ws.wait_event("event", sender=hid)
    assert ev["plugindata"] == {"plugin": ECHOTEST, "data": {"echotest": "event", "result": "done"}}
    assert ws.request({"janus": "keepalive", "session_id": sid})["janus"] == "ack"


def test_detach_handle(adm, owned):
    ws, sid, hid, hid2 = owned
    r = adm.send({"janus": "detach_handle"}, sid, hid)
    assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"]}
    assert ws.wait_event("detached", sender=hid) == {"janus": "detached", "session_id": sid, "sender": hid}
    assert adm.send({"janus": "list_handles"}, sid)["handles"] == [hid2]
    expect_error(adm.send({"janus": "detach_handle"}, sid, hid), 459)


def test_destroy_session(adm, owned):
    ws, sid, _, _ = owned
    r = adm.send({"janus": "destroy_session"}, sid)
    assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"]}
    expect_error(ws.request({"janus": "keepalive", "session_id": sid}), 458, f"No such session {sid}")
    assert sid not in adm.send({"janus": "list_sessions"})["sessions"]
    expect_error(adm.send({"janus": "destroy_session"}, sid), 458)


def test_accept_new_sessions(adm, rest):
    try:
        r = adm.send({"janus": "accept_new_sessions", "accept": False})
        assert r == {"janus": "success", "transaction": r["transaction"], "accept": False}
        r = rest.send({"janus": "create"})
        assert r == {"janus": "error", "transaction": r["transaction"],
                     "error": {"code": 472, "reason": "Currently not accepting new sessions"}}
        assert rest.send({"janus": "info"})["accepting-new-sessions"] is False
    finally:
        r = adm.send({"janus": "accept_new_sessions", "accept": True})
    assert r == {"janus": "success", "transaction": r["transaction"], "accept": True}
    assert rest.send({"janus": "create"})["janus"] == "success"


def test_existing_sessions_keep_working_while_draining(adm, rest):
    sid = rest.create()
    try:
        adm.send({"janus": "accept_new_sessions", "accept": False})
        assert rest.attach(sid) > 0
    finally:
        adm.send({"janus": "accept_new_sessions", "accept": True})


def test_set_log_level(adm):
    before = adm.send({"janus": "get_status"})["status"]["log_level"]
    new = 5 if before != 5 else 3
    try:
        r = adm.send({"janus": "set_log_level", "level": new})
        assert r == {"janus": "success", "transaction": r["transaction"], "level": new}
        assert adm.send({"janus": "get_status"})["status"]["log_level"] == new
    finally:
        adm.send({"janus": "set_log_level", "level": before})


# Janus's other global setters (admin.html's Settings tab): the reply names the value, get_status shows it from then on.
@pytest.mark.parametrize("verb, field, key, values", [
    ("set_no_media_timer", "no_media_timer", "no_media_timer", [3, 0, 2**31]),
    ("set_slowlink_threshold", "slowlink_threshold", "slowlink_threshold", [7, 0, 2**40 + 5]),
    ("set_libnice_debug", "debug", "libnice_debug", [True, False]),
    ("set_log_timestamps", "timestamps", "log_timestamps", [False, True]),
    ("set_log_colors", "colors", "log_colors", [True, False]),
    ("set_locking_debug", "debug", "locking_debug", [False]),
    ("set_refcount_debug", "debug", "refcount_debug", [False]),
])
def test_runtime_setters(adm, verb, field, key, values):
    before = adm.send({"janus": "get_status"})["status"][key]
    try:
        for value in values:
            r = adm.send({"janus": verb, field: value})
            stored = value % 2**32 if isinstance(value, int) and not isinstance(value, bool) else value
            assert r == {"janus": "success", "transaction": r["transaction"], key: stored}
            assert adm.send({"janus": "get_status"})["status"][key] == stored
    finally:
        adm.send({"janus": verb, field: before})


@pytest.mark.parametrize("verb, field, kind", [
    ("set_no_media_timer", "no_media_timer", "a positive integer"),
    ("set_slowlink_threshold", "slowlink_threshold", "a positive integer"),
    ("set_min_nack_queue", "min_nack_queue", "a positive integer"),
    ("set_libnice_debug", "debug", "a boolean"),
    ("set_locking_debug", "debug", "a boolean"),
    ("set_refcount_debug", "debug", "a boolean"),
    ("set_log_timestamps", "timestamps", "a boolean"),
    ("set_log_colors", "colors", "a boolean"),
])
@pytest.mark.parametrize("value", ["absent", None, -1, 1.5, "1", [], {}], ids=repr)
def test_runtime_setter_validation(adm, verb, field, kind, value):
    body = {"janus": verb} if value == "absent" else {"janus": verb, field: value}
    r = adm.send(body)
    reason = f"Missing mandatory element ({field})" if value == "absent" else f"Invalid element type ({field} should be {kind})"
    code = 456 if value == "absent" else 467
    assert r == {"janus": "error", "transaction": r["transaction"], "error": {"code": code, "reason": reason}}


def test_setters_for_what_portunusd_does_not_have(adm, backend):
    """Janus's traces of its own locks and reference counters, and its RTT-sized NACK queue: switching them on is an
    honest 490 here (Janus 1.1.2 says success); the status still says off / the configured value."""
    status = adm.send({"janus": "get_status"})["status"]
    for body, key in [({"janus": "set_locking_debug", "debug": True}, "locking_debug"),
                      ({"janus": "set_refcount_debug", "debug": True}, "refcount_debug"),
                      ({"janus": "set_min_nack_queue", "min_nack_queue": 300}, "min_nack_queue")]:
        r = adm.send(body)
        if backend == "janus":
            assert r["janus"] == "success", r
            adm.send({**body, body_field(body): status[key]})
            continue
        assert r["janus"] == "error" and r["error"]["code"] == 490, r
        assert "not available in portunusd" in r["error"]["reason"] or "not adjustable" in r["error"]["reason"]
        assert adm.send({"janus": "get_status"})["status"][key] == status[key]


def body_field(body):
    return next(k for k in body if k != "janus")


def test_query_transport(adm, backend):
    r = adm.send({"janus": "query_transport", "transport": "janus.transport.nope", "request": {}})
    assert r["error"] == {"code": 460, "reason": "Invalid transport"}
    r = adm.send({"janus": "query_transport"})
    assert r["error"] == {"code": 456, "reason": "Missing mandatory element (transport)"}
    r = adm.send({"janus": "query_transport", "transport": "janus.transport.http", "request": 5})
    assert r["error"] == {"code": 467, "reason": "Invalid element type (request should be an object)"}
    if backend != "janus":  # Janus's own HTTP transport takes queries; ours answers as a transport without them
        r = adm.send({"janus": "query_transport", "transport": "janus.transport.http", "request": {}})
        assert r["error"] == {"code": 490, "reason": "Transport plugin doesn't support queries"}


@pytest.mark.parametrize("body, code, reason", [
    ({"janus": "set_log_level"}, 456, "Missing mandatory element (level)"),
    ({"janus": "set_log_level", "level": 9}, 467, "Invalid element type (level should be between 0 and 7)"),
    ({"janus": "set_log_level", "level": "x"}, 467, "Invalid element type (level should be a positive integer)"),
    ({"janus": "set_session_timeout", "timeout": -1}, 467,
     "Invalid element type (timeout should be a positive integer)"),
    ({"janus": "set_session_timeout", "timeout": "x"}, 467,
     "Invalid element type (timeout should be a positive integer)"),
    ({"janus": "accept_new_sessions"}, 456, "Missing mandatory element (accept)"),
    ({"janus": "accept_new_sessions", "accept": "x"}, 467, "Invalid element type (accept should be a boolean)"),
    ({"janus": "message_plugin", "request": {}}, 456, "Missing mandatory element (plugin)"),
    ({"janus": "message_plugin", "plugin": 5, "request": {}}, 467, "Invalid element type (plugin should be a string)"),
    ({"janus": "message_plugin", "plugin": "janus.plugin.nope", "request": {}}, 460, "Invalid plugin"),
    ({"janus": "message_plugin", "plugin": ECHOTEST, "request": 5}, 467,
     "Invalid element type (request should be an object)"),
    # A null is a value of the wrong type.
    ({"janus": "set_session_timeout", "timeout": None}, 467,
     "Invalid element type (timeout should be a positive integer)"),
    ({"janus": "accept_new_sessions", "accept": None}, 467, "Invalid element type (accept should be a boolean)"),
    ({"janus": "message_plugin", "plugin": None}, 467, "Invalid element type (plugin should be a string)"),
])
def test_admin_request_validation(adm, body, code, reason):
    r = adm.send(body)
    assert r == {"janus": "error", "transaction": r["transaction"], "error": {"code": code, "reason": reason}}


@pytest.mark.parametrize("value", ["x", 0, 1.5, None, [1]], ids=repr)
def test_admin_ids_that_are_no_ids(adm, rest, value):
    """A handle_id that is there but no id (null too) is 458 "Session not found", as Janus's Admin API answers."""
    sid = rest.create()
    r = adm.send({"janus": "list_handles", "session_id": sid, "handle_id": value})
    assert r["error"] == {"code": 458, "reason": "Session not found"} and r["session_id"] == sid, r


def test_admin_negative_session_id_wraps(adm):
    r = adm.send({"janus": "list_handles", "session_id": -1})
    assert r["error"] == {"code": 458, "reason": "No such session 18446744073709551615"} and r["session_id"] == -1, r
    r = adm.send({"janus": "get_status", "handle_id": 5})
    assert r["error"] == {"code": 458, "reason": "Session not found"} and "session_id" not in r, r


def test_session_timeout_per_session_takes_minus_one_for_the_global(adm, rest):
    sid = rest.create()
    hid = rest.attach(sid)

    def set_timeout(value):
        return adm.send({"janus": "set_session_timeout", "timeout": value}, sid)

    for value, reason in [(1.5, "an integer"), (None, "an integer"), (-5, "a non-negative integer or -1")]:
        r = set_timeout(value)
        assert r["error"] == {"code": 467, "reason": f"Invalid element type (timeout should be {reason})"}, r
    assert set_timeout(7)["timeout"] == 7
    assert adm.send({"janus": "handle_info"}, sid, hid)["info"]["session_timeout"] == 7
    assert set_timeout(-1)["timeout"] == -1
    assert adm.send({"janus": "handle_info"}, sid, hid)["info"]["session_timeout"] == 60


def test_message_plugin_echotest_echoes_the_request(adm):
    req = {"request": "anything", "n": 1}
    r = adm.send({"janus": "message_plugin", "plugin": ECHOTEST, "request": req})
    assert r == {"janus": "success", "transaction": r["transaction"], "response": req}


def test_message_plugin_videoroom_list(adm):
    r = adm.send({"janus": "message_plugin", "plugin": VIDEOROOM, "request": {"request": "list"}})
    assert set(r) == {"janus", "transaction", "response"} and r["janus"] == "success"
    assert r["response"]["videoroom"] == "success" and isinstance(r["response"]["list"], list)


def test_message_plugin_videoroom_error_inside_response(adm):
    r = adm.send({"janus": "message_plugin", "plugin": VIDEOROOM})
    assert r["janus"] == "success"
    assert r["response"] == {"videoroom": "event", "error_code": 429, "error": "Missing mandatory element (request)"}


def test_admin_envelope_errors(server):
    admin = admin_for(server)
    r = admin.request("POST", "/admin", {"janus": "ping"})
    assert r.status == 200 and r.json() == {"janus": "error", "error": {
        "code": 456, "reason": "Missing mandatory element (transaction)"}}
    r = admin.request("POST", "/admin", '{"janus"')
    assert r.status == 200 and r.json()["error"]["code"] == 454


@pytest.mark.parametrize("text", ["[]", "[1]", '[{"janus":"ping","transaction":"t"}]', "5", '"x"', "null", "{bad",
                                  ""])
def test_admin_ws_non_objects_456(server, text):
    """Janus's admin WebSocket answers whatever is not a JSON object (arrays, scalars, even malformed text) with 456,
    where the admin REST endpoint says 454 (syntax) or 455 (not an object)."""
    client = AdminWs(server.admin_ws_url(), server.config.admin_secret)
    try:
        client.ws.send_text(text)
        assert client.ws.recv() == {"janus": "error",
                                    "error": {"code": 456, "reason": "Missing mandatory element (transaction)"}}
        assert client.send({"janus": "ping"})["janus"] == "pong"  # the socket still serves
    finally:
        client.close()
    if not text:
        return  # an empty admin POST: Janus drops the connection ("No payload"), checked in test_api_badinput
    rest = admin_for(server).request("POST", "/admin", text)
    assert rest.status == 200 and rest.json()["error"]["code"] in (454, 455)
    if text.startswith("["):
        assert rest.json()["error"] == {"code": 455, "reason": "JSON error: not an object"}


def test_admin_and_janus_apis_are_separate(server, ws, admin):
    r = ws.request({"janus": "list_sessions", "admin_secret": server.config.admin_secret})
    expect_error(r, 457, "Unhandled request 'list_sessions' at this path")
    expect_error(admin.send({"janus": "create"}), 457, "Unhandled request 'create' at this path")
    assert admin.request("POST", server.endpoints.http_path, {"janus": "ping", "transaction": "t"}).status == 404


def test_admin_get_info(server):
    r = admin_for(server).request("GET", "/admin/info")
    assert r.status == 200 and r.json()["janus"] == "server_info"


@pytest.mark.parametrize("path", ["/admin", "/admin/123", "/admin/123/456"])
def test_admin_get_without_a_request_454(server, path):
    """The Admin API has no long poll: a GET anywhere but /admin/info carries no request."""
    r = admin_for(server).request("GET", path)
    assert r.status == 200
    assert r.json()["error"] == {"code": 454, "reason": "Request payload missing"}


def test_admin_post_on_info_450(server):
    r = admin_for(server).request("POST", "/admin/info", body='{"janus":"ping","transaction":"t"}')
    assert r.status == 200
    assert r.json()["error"] == {"code": 450, "reason": "Use GET for the info endpoint"}


# ---- Janus's network and log tools ---------------------------------------------------------------------------------

def test_loops_info(adm, backend):
    loops = adm.send({"janus": "loops_info"})["loops"]
    assert all(set(l) == {"id", "handles"} and l["handles"] >= 0 for l in loops), loops
    if backend != "janus":  # Janus without static loops lists none; portunusd's ICE loops are always static
        assert [l["id"] for l in loops] == list(range(len(loops))) and loops, loops


@pytest.mark.parametrize("address, ip", [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("localhost", "127.0.0.1")])
def test_resolve_address(adm, address, ip):
    r = adm.send({"janus": "resolve_address", "address": address})
    assert r["janus"] == "success" and r["ip"] == ip and isinstance(r["elapsed"], int), r


@pytest.mark.parametrize("body, code, reason", [
    ({"janus": "resolve_address"}, 456, "Missing mandatory element (address)"),
    ({"janus": "resolve_address", "address": 5}, 467, "Invalid element type (address should be a string)"),
    ({"janus": "resolve_address", "address": ""}, 490, "Could not resolve address"),
    ({"janus": "test_stun", "address": "127.0.0.1"}, 456, "Missing mandatory element (port)"),
    ({"janus": "test_stun", "address": "127.0.0.1", "port": -2}, 467,
     "Invalid element type (port should be a positive integer)"),
    ({"janus": "test_stun", "address": "", "port": 3478}, 490, "Could not resolve address"),
    ({"janus": "custom_logline"}, 456, "Missing mandatory element (line)"),
    ({"janus": "custom_logline", "line": "x", "level": "4"}, 467,
     "Invalid element type (level should be a positive integer)"),
])
def test_tool_request_validation(adm, body, code, reason):
    r = adm.send(body)
    assert r == {"janus": "error", "transaction": r["transaction"], "error": {"code": code, "reason": reason}}


def test_custom_logline(adm, server, backend):
    for level in (4, 9):  # above 7: info, as Janus
        r = adm.send({"janus": "custom_logline", "line": f"pit custom line {level}", "level": level})
        assert r == {"janus": "success", "transaction": r["transaction"]}
    if backend != "janus":
        assert "[admin] pit custom line 4" in server.log_tail() and "[admin] pit custom line 9" in server.log_tail()


def test_stun_against_a_stun_server(adm):
    """test_stun from a given local port: the server saw us at 127.0.0.1 from that port."""
    with StunServer() as stun:
        local = free_udp_port()
        r = adm.send({"janus": "test_stun", "address": "127.0.0.1", "port": stun.port, "localport": local})
        assert r["janus"] == "success", r
        assert (r["public_ip"], r["public_port"]) == ("127.0.0.1", local)
        assert isinstance(r["elapsed"], int) and stun.requests >= 1


@pytest.mark.parametrize("mode", ["error", "refused", "garbage", "other"])
def test_stun_failures(adm, mode):
    """A STUN error response, or nobody at that port (ICMP refusal): 490 at once. Datagrams that are no answer to
    our request (not STUN, another transaction) are not taken for one: 490 when the time is up (portunusd keeps
    waiting for the real answer, 5 s; Janus gives up at the first)."""
    if mode == "refused":
        r = adm.send({"janus": "test_stun", "address": "127.0.0.1", "port": free_udp_port()})
    else:
        with StunServer(mode) as stun:
            r = adm.send({"janus": "test_stun", "address": "127.0.0.1", "port": stun.port})
    assert r["error"] == {"code": 490, "reason": "STUN request failed"}, r
