"""Envelope errors: what the core answers before any verb runs, and where each verb may be sent (Janus 1.1.2)."""

import json

import pytest

from lib.api import expect_error
from lib.rest import JanusRest

ECHOTEST = "janus.plugin.echotest"


@pytest.fixture
def sh(rest):
    """A session with an EchoTest handle."""
    sid = rest.create()
    return sid, rest.attach(sid)


def rest_raw(rest: JanusRest, body, *ids) -> dict:
    r = rest.post(body, *ids)
    assert r.status == 200, r
    return r.json()


def ws_raw(ws, text: str) -> dict:
    ws.send_text(text)
    return ws.recv()


# -- transaction / janus fields -------------------------------------------------------------------------------------
MISSING_TX = [
    ({"janus": "ping"}, 456, "Missing mandatory element (transaction)"),
    ({"janus": "create"}, 456, "Missing mandatory element (transaction)"),
    ({}, 456, "Missing mandatory element (transaction)"),
    ({"transaction": "t"}, 456, "Missing mandatory element (janus)"),
    ({"janus": 5, "transaction": "t"}, 467, "Invalid element type (janus should be a string)"),
    ({"janus": None, "transaction": "t"}, 467, "Invalid element type (janus should be a string)"),
    ({"janus": "ping", "transaction": 5}, 467, "Invalid element type (transaction should be a string)"),
    ({"janus": "ping", "transaction": None}, 467, "Invalid element type (transaction should be a string)"),
]


@pytest.mark.parametrize("body, code, reason", MISSING_TX)
def test_envelope_field_errors_rest(rest, body, code, reason):
    r = rest_raw(rest, json.dumps(body))
    assert r == {"janus": "error", "error": {"code": code, "reason": reason}}  # no transaction echoed


@pytest.mark.parametrize("body, code, reason", MISSING_TX)
def test_envelope_field_errors_ws(ws, body, code, reason):
    assert ws_raw(ws, json.dumps(body)) == {"janus": "error", "error": {"code": code, "reason": reason}}


def test_missing_transaction_at_session_level_is_not_echoed(rest, sh):
    sid, _ = sh
    r = rest_raw(rest, json.dumps({"janus": "keepalive"}), sid)
    assert r == {"janus": "error", "session_id": sid,
                 "error": {"code": 456, "reason": "Missing mandatory element (transaction)"}}


def test_empty_transaction_is_accepted(rest):
    assert rest_raw(rest, '{"janus":"ping","transaction":""}') == {"janus": "pong", "transaction": ""}


# -- JSON syntax ------------------------------------------------------------------------------------------------------
# The reason's tail is the JSON parser's own message (Janus: jansson's); the prefix is fixed per transport.
MALFORMED = ['{"janus":"ping","transaction":"t"', '{"janus":', '{janus:"ping"}', '"x"', "5", "null", "",
             '{"janus":"ping","transaction":"t"} trailing']


@pytest.mark.parametrize("text", [t for t in MALFORMED if t])  # empty POST body: see test_api_badinput.py
def test_malformed_json_454_rest(rest, text):
    r = rest_raw(rest, text)
    assert set(r) == {"janus", "error"} and r["error"]["code"] == 454, r
    assert r["error"]["reason"].startswith("JSON error: "), r


@pytest.mark.parametrize("text", MALFORMED[:-1])
def test_malformed_json_454_ws(ws, text):
    r = ws_raw(ws, text)
    assert set(r) == {"janus", "error"} and r["error"]["code"] == 454, r
    assert r["error"]["reason"].startswith("Invalid Janus API request - "), r


# Tokens the parser refuses: integers outside int64, reals that overflow a double, strings with a \u0000 escape, a
# leading byte order mark. The reason names the line (WS: line and column of the token's last character) and quotes
# the token when it is at most 20 characters long.
REFUSED_TOKENS = [
    ('{"janus":"ping","transaction":"t","n":1e999}', "1", "1,43", "real number overflow near '1e999'"),
    ('{"janus":"ping",\n"transaction":"t","n":99999999999999999999999}', "2", "2,45", "too big integer"),
    ('{"janus":"ping","transaction":"t","n":-9223372036854775809}', "1", "1,58",
     "too big negative integer near '-9223372036854775809'"),
    ('{"janus":"ping","transaction":"a\\u0000b"}', "1", "1,40",
     "\\u0000 is not allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"'"),
    ('{"janus":"ping","transaction":"t","\\u0000":1}', "1", "1,42",
     "NUL byte in object key not supported near '\"\\u0000\"'"),
    ('\ufeff{"janus":"ping","transaction":"t"}', "1", "1,1", "'[' or '{' expected near '\ufeff'"),
    # A document that starts with no '[' or '{', and more than white space after a complete one.
    ("5", "1", "1,1", "'[' or '{' expected near '5'"),
    ('"x"', "1", "1,3", "'[' or '{' expected near '\"x\"'"),
    ("  null", "1", "1,6", "'[' or '{' expected near 'null'"),
    (" \n ", "2", "2,1", "'[' or '{' expected near end of file"),
]


@pytest.mark.parametrize("text, line, explanation", [
    ('{"janus":"ping","transaction":"t"} x', "1", "end of file expected near 'x'"),
    ('[1]\n {"a":1}', "2", "end of file expected near '{'"),
])
def test_rest_text_after_the_document_454(rest, text, line, explanation):
    """REST takes one JSON text: more than white space after it is refused (WebSocket reads a sequence, below)."""
    assert rest_raw(rest, text) == {"janus": "error", "error": {
        "code": 454, "reason": f"JSON error: on line {line}: {explanation}"}}


@pytest.mark.parametrize("text, line, position, explanation", REFUSED_TOKENS)
def test_refused_tokens_454(rest, ws, text, line, position, explanation):
    assert rest_raw(rest, text) == {"janus": "error", "error": {
        "code": 454, "reason": f"JSON error: on line {line}: {explanation}"}}
    assert ws_raw(ws, text) == {"janus": "error", "error": {
        "code": 454, "reason": f"Invalid Janus API request - <string>({position}): {explanation}"}}


def test_ws_message_of_several_json_texts(ws):
    """Like Janus, a WebSocket message may carry several JSON texts one after the other: each is a request, in order."""
    ws.send_text('{"janus":"ping","transaction":"a"} {"janus":"ping","transaction":"b"}\n{"janus":"info","transaction":"c"}')
    replies = [ws.recv(), ws.recv(), ws.recv()]
    assert [(r["janus"], r["transaction"]) for r in replies] == [("pong", "a"), ("pong", "b"), ("server_info", "c")]


@pytest.mark.parametrize("text, position, explanation", [
    ('{"janus":"ping","transaction":"a"}{"janus" "ping"}', None, None),
    ('{"janus":"ping","transaction":"a"}\n', "2,0", "'[' or '{' expected near end of file"),
    ('{"janus":"ping","transaction":"a"} x', "1,2", "'[' or '{' expected near 'x'"),
])
def test_ws_message_with_a_bad_json_text_runs_none(ws, text, position, explanation):
    """When one of the texts does not parse, the error is that text's (its position counted from where it starts)
    and none of the message is processed."""
    r = ws_raw(ws, text)
    assert r["janus"] == "error" and r["error"]["code"] == 454 and "transaction" not in r, r
    if position:
        assert r["error"]["reason"] == f"Invalid Janus API request - <string>({position}): {explanation}"
    assert ws_raw(ws, '{"janus":"ping","transaction":"after"}') == {"janus": "pong", "transaction": "after"}


def test_numbers_in_range_are_accepted(rest):
    text = '{"janus":"ping","transaction":"t","n":9223372036854775807,"m":-9223372036854775808,"r":1.5e308,"u":2e-400}'
    assert rest_raw(rest, text) == {"janus": "pong", "transaction": "t"}


@pytest.mark.parametrize("text", ["[1]", "[]", '[{"janus":"ping","transaction":"t"}]'])
def test_non_object_json_rest_455(rest, text):
    assert rest_raw(rest, text) == {"janus": "error", "error": {"code": 455, "reason": "JSON error: not an object"}}


@pytest.mark.parametrize("text", ["[1]", '[{"janus":"ping","transaction":"t"}]'])
def test_non_object_json_ws_456(ws, text):
    # Janus's WS transport hands arrays to the core, which finds no transaction in them (REST says 455 instead).
    assert ws_raw(ws, text) == {"janus": "error",
                                "error": {"code": 456, "reason": "Missing mandatory element (transaction)"}}


# -- verbs at the wrong level -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("verb", ["attach", "keepalive", "destroy", "claim", "message", "trickle", "detach", "hangup",
                                  "foo"])
def test_root_only_accepts_info_ping_create_457(api, verb):
    r = api.call(verb)
    assert r == {"janus": "error", "transaction": r["transaction"],
                 "error": {"code": 457, "reason": f"Unhandled request '{verb}' at this path"}}


@pytest.mark.parametrize("verb", ["message", "trickle", "detach", "hangup"])
def test_handle_verbs_need_a_handle_457(api, verb):
    sid = api.call("create")["data"]["id"]
    r = api.call(verb, sid)
    assert r == {"janus": "error", "session_id": sid, "transaction": r["transaction"],
                 "error": {"code": 457, "reason": f"Unhandled request '{verb}' at this path"}}


@pytest.mark.parametrize("verb", ["attach", "destroy"])
def test_session_verbs_refused_on_a_handle_457(api, verb):
    sid = api.call("create")["data"]["id"]
    hid = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
    r = api.call(verb, sid, hid, plugin=ECHOTEST)
    expect_error(r, 457, f"Unhandled request '{verb}' at this path")
    assert r["session_id"] == sid


@pytest.mark.parametrize("verb, reply", [("keepalive", "ack"), ("claim", "success")])
def test_keepalive_and_claim_also_work_on_a_handle(api, verb, reply):
    sid = api.call("create")["data"]["id"]
    hid = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
    r = api.call(verb, sid, hid)
    assert r == {"janus": reply, "session_id": sid, "transaction": r["transaction"]}


@pytest.mark.parametrize("verb", ["foo", "ping", "info", "create", "attached"])
@pytest.mark.parametrize("level", ["session", "handle"])
def test_unknown_verb_below_root_453(api, verb, level):
    sid = api.call("create")["data"]["id"]
    hid = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"] if level == "handle" else None
    r = api.call(verb, sid, hid)
    assert r == {"janus": "error", "session_id": sid, "transaction": r["transaction"],
                 "error": {"code": 453, "reason": f"Unknown request '{verb}'"}}


@pytest.mark.parametrize("verb, level, reply", [("PING", "root", "pong"), ("Create", "root", "success"),
                                                ("KeepAlive", "session", "ack"), ("DESTROY", "session", "success")])
def test_verbs_are_case_insensitive(api, verb, level, reply):
    sid = api.call("create")["data"]["id"] if level == "session" else None
    assert api.call(verb, sid)["janus"] == reply


# -- unknown ids ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("verb", ["keepalive", "attach", "destroy", "claim"])
def test_unknown_session_458(api, verb):
    r = api.call(verb, 1234567, plugin=ECHOTEST)
    assert r == {"janus": "error", "session_id": 1234567, "transaction": r["transaction"],
                 "error": {"code": 458, "reason": "No such session 1234567"}}


@pytest.mark.parametrize("verb", ["message", "trickle", "detach", "hangup"])
def test_unknown_session_with_handle_458(api, verb):
    r = api.call(verb, 1234567, 89, body={}, candidate={"completed": True})
    expect_error(r, 458, "No such session 1234567")
    assert r["session_id"] == 1234567


@pytest.mark.parametrize("verb", ["message", "trickle", "detach", "hangup", "keepalive"])
def test_unknown_handle_459(api, verb):
    sid = api.call("create")["data"]["id"]
    r = api.call(verb, sid, 89, body={}, candidate={"completed": True})
    assert r == {"janus": "error", "session_id": sid, "transaction": r["transaction"],
                 "error": {"code": 459, "reason": f"No such handle 89 in session {sid}"}}


def test_handle_of_another_session_is_unknown_459(api):
    sid1 = api.call("create")["data"]["id"]
    hid1 = api.call("attach", sid1, plugin=ECHOTEST)["data"]["id"]
    sid2 = api.call("create")["data"]["id"]
    expect_error(api.call("message", sid2, hid1, body={}), 459, f"No such handle {hid1} in session {sid2}")


# -- REST path vs body ------------------------------------------------------------------------------------------------
def test_rest_session_conflict_path_vs_body_457(rest, sh):
    sid, _ = sh
    r = rest_raw(rest, {"janus": "keepalive", "transaction": "t", "session_id": sid + 1}, sid)
    assert r == {"janus": "error", "error": {"code": 457, "reason": "Conflicting session ID (payload and path)"}}


def test_rest_handle_conflict_path_vs_body_457(rest, sh):
    sid, hid = sh
    r = rest_raw(rest, {"janus": "message", "transaction": "t", "body": {}, "handle_id": hid + 1}, sid, hid)
    assert r == {"janus": "error", "error": {"code": 457, "reason": "Conflicting handle ID (payload and path)"}}


def test_rest_matching_ids_in_path_and_body_are_fine(rest, sh):
    sid, hid = sh
    r = rest_raw(rest, {"janus": "message", "transaction": "t", "body": {"audio": True}, "session_id": sid,
                        "handle_id": hid}, sid, hid)
    assert r["janus"] == "ack", r


def test_ws_requires_ids_in_body(ws):
    sid = ws.create()
    r = ws.request({"janus": "attach", "plugin": ECHOTEST})
    assert r == {"janus": "error", "transaction": r["transaction"],
                 "error": {"code": 457, "reason": "Unhandled request 'attach' at this path"}}
    hid = ws.attach(sid)
    r = ws.request({"janus": "message", "session_id": sid, "body": {}})
    expect_error(r, 457, "Unhandled request 'message' at this path")
    assert ws.request({"janus": "message", "session_id": sid, "handle_id": hid, "body": {"audio": True}})["janus"] \
        == "ack"


# -- element types ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fields, code, reason", [
    ({"jsep": {"type": 5, "sdp": "v=0"}}, 467, "JSEP error: invalid element type (type should be a string)"),
    ({"jsep": {"type": "offer", "sdp": 5}}, 467, "JSEP error: invalid element type (sdp should be a string)"),
    ({"jsep": {"sdp": "v=0"}}, 456, "JSEP error: missing mandatory element (type)"),
    ({"jsep": {"type": "offer", "sdp": "v=0", "trickle": "x"}}, 467,
     "JSEP error: invalid element type (trickle should be a boolean)"),
])
def test_jsep_element_types(api, fields, code, reason):
    sid = api.call("create")["data"]["id"]
    hid = api.call("attach", sid, plugin=ECHOTEST)["data"]["id"]
    expect_error(api.call("message", sid, hid, body={"audio": True}, **fields), code, reason)


def test_attach_loop_index_type_467(api):
    sid = api.call("create")["data"]["id"]
    r = api.call("attach", sid, plugin=ECHOTEST, loop_index="x")
    expect_error(r, 467, "Invalid element type (loop_index should be a positive integer)")
