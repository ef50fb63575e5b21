"""How ids and optional fields of the wrong type are answered (Janus 1.1.2), over REST and WebSocket.

The core reads `session_id`/`handle_id` as integers only: null is absent, a negative integer wraps to its unsigned
64-bit value, any other value is there but no id. REST takes the ids from the path and refuses only a different
non-zero integer in the body. Every other optional field is validated: a null is a value of the wrong type.
"""

import pytest

from lib.api import expect_error
from lib.rest import JanusRest

ECHOTEST = "janus.plugin.echotest"
WRONG = ["x", 0, 1.5, True, [1], {"a": 1}, ""]  # present, but not an id


@pytest.fixture
def sh(api):
    sid = api.call("create")["data"]["id"]
    return sid, api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]


@pytest.mark.parametrize("value", WRONG, ids=repr)
def test_a_handle_id_that_is_no_id_at_session_level_459(api, sh, value):
    sid, _ = sh
    r = api.call("keepalive", sid, handle_id=value)
    expect_error(r, 459, "Handle not found")
    assert r["session_id"] == sid


def test_a_null_handle_id_is_absent(api, sh):
    sid, _ = sh
    assert api.call("keepalive", sid, handle_id=None)["janus"] == "ack"


@pytest.mark.parametrize("verb", ["keepalive", "attach", "destroy"])
def test_a_negative_handle_id_wraps_459(api, sh, verb):
    sid, _ = sh
    r = api.call(verb, sid, handle_id=-1, plugin=ECHOTEST)
    expect_error(r, 459, f"No such handle 18446744073709551615 in session {sid}")


def test_a_negative_session_id_wraps_458(api):
    r = api.call("create", session_id=-1)
    expect_error(r, 458, "No such session 18446744073709551615")
    assert r["session_id"] == -1


@pytest.mark.parametrize("verb", ["create", "message", "keepalive"])
def test_a_handle_without_a_session_458(api, verb):
    r = api.call(verb, handle_id=5)
    assert r == {"janus": "error", "transaction": r["transaction"],
                 "error": {"code": 458, "reason": "Session not found"}}


@pytest.mark.parametrize("value", WRONG + [None], ids=repr)
def test_rest_body_ids_that_are_no_ids_give_way_to_the_path(rest: JanusRest, value):
    sid = rest.create()
    hid = rest.attach(sid)
    assert rest.send({"janus": "keepalive", "session_id": value}, sid)["janus"] == "ack"
    r = rest.send({"janus": "message", "body": {"audio": True}, "session_id": value, "handle_id": value}, sid, hid)
    assert r["janus"] == "ack", r


@pytest.mark.parametrize("value", ["x", -1, None, 1.5], ids=repr)
def test_id_is_checked_on_every_request_467(api, sh, value):
    sid, _ = sh
    r = api.call("keepalive", sid, id=value)
    assert r == {"janus": "error", "session_id": sid,
                 "error": {"code": 467, "reason": "Invalid element type (id should be a positive integer)"}}


@pytest.mark.parametrize("verb, fields, code, reason", [
    ("create", {"id": None}, 467, "Invalid element type (id should be a positive integer)"),
    ("attach", {"plugin": None}, 467, "Invalid element type (plugin should be a string)"),
    ("attach", {"plugin": ECHOTEST, "opaque_id": None}, 467, "Invalid element type (opaque_id should be a string)"),
    ("attach", {"plugin": ECHOTEST, "loop_index": None}, 467,
     "Invalid element type (loop_index should be a positive integer)"),
    ("message", {"body": None}, 467, "Invalid element type (body should be an object)"),
    ("message", {"body": {}, "jsep": None}, 455, "Invalid jsep object"),
])
def test_a_null_optional_field_is_of_the_wrong_type(api, sh, verb, fields, code, reason):
    sid, hid = sh
    session = None if verb == "create" else sid
    handle = hid if verb == "message" else None
    expect_error(api.call(verb, session, handle, **fields), code, reason)


# The jsep's fields in Janus's order (type, sdp, trickle, rid_order, force_relay, e2ee), then the type's value.
JSEP = [
    ({"type": None, "sdp": "v=0"}, 467, "JSEP error: invalid element type (type should be a string)"),
    ({"type": "offer", "sdp": None}, 467, "JSEP error: invalid element type (sdp should be a string)"),
    ({"type": "foo"}, 456, "JSEP error: missing mandatory element (sdp)"),
    ({"type": "offer", "trickle": 5}, 456, "JSEP error: missing mandatory element (sdp)"),
    ({"type": "offer", "sdp": "v=0", "trickle": None}, 467,
     "JSEP error: invalid element type (trickle should be a boolean)"),
    ({"type": "offer", "sdp": "v=0", "rid_order": 5, "trickle": 5}, 467,
     "JSEP error: invalid element type (trickle should be a boolean)"),
    ({"type": "offer", "sdp": "v=0", "e2ee": 5, "rid_order": 5}, 467,
     "JSEP error: invalid element type (rid_order should be a string)"),
    ({"type": "offer", "sdp": "v=0", "force_relay": 5}, 467,
     "JSEP error: invalid element type (force_relay should be a boolean)"),
    ({"type": "foo", "sdp": "v=0", "e2ee": 5}, 467, "JSEP error: invalid element type (e2ee should be a boolean)"),
    ({"type": "foo", "sdp": "v=0"}, 464, "JSEP error: unknown message type 'foo'"),
]


@pytest.mark.parametrize("jsep, code, reason", JSEP, ids=lambda v: repr(v) if isinstance(v, dict) else None)
def test_jsep_fields_are_checked_in_order(api, sh, jsep, code, reason):
    sid, hid = sh
    expect_error(api.call("message", sid, hid, body={}, jsep=jsep), code, reason)


# REST path segments are read as Janus reads them (g_ascii_strtoull): a leading number with an optional sign.
@pytest.mark.parametrize("segment", ["-1", "18446744073709551616"])
def test_rest_session_path_wraps_and_saturates(rest: JanusRest, segment):
    r = rest.send({"janus": "keepalive"}, segment)
    assert r["error"] == {"code": 458, "reason": "No such session 18446744073709551615"} and r["session_id"] == -1, r


@pytest.mark.parametrize("segment", ["abc", "0"])
def test_rest_handle_path_that_reads_as_zero_names_the_session(rest: JanusRest, segment):
    sid = rest.create()
    r = rest.send({"janus": "keepalive", "transaction": "k"}, sid, segment)
    assert r == {"janus": "ack", "session_id": sid, "transaction": "k"}
