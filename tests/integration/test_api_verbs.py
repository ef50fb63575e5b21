"""Every Janus API verb, over REST and over WebSocket, with the reply shapes Janus 1.1.2 gives."""

import random

import pytest

from lib.api import expect_error

ECHOTEST = "janus.plugin.echotest"
INFO_KEYS = {
    "janus", "transaction", "name", "version", "version_string", "author", "commit-hash", "compile-time",
    "data_channels", "accepting-new-sessions", "session-timeout", "reclaim-session-timeout", "candidates-timeout",
    "server-name", "local-ip", "ipv6", "ice-lite", "ice-tcp", "full-trickle", "mdns-enabled", "min-nack-queue",
    "twcc-period", "dtls-mtu", "static-event-loops", "api_secret", "auth_token", "event_handlers", "opaqueid_in_api",
    "transports", "events", "loggers", "plugins",
}


def session_and_handle(api, **attach_fields):
    sid = api.call("create")["data"]["id"]
    r = api.call("attach", sid, plugin=ECHOTEST, **attach_fields)
    assert r["janus"] == "success", r
    return sid, r["data"]["id"]


def test_info(api, server):
    r = api.call("info")
    assert r["janus"] == "server_info"
    missing = INFO_KEYS - set(r)
    assert not missing, f"server_info lacks {missing}"
    assert "session_id" not in r
    assert r["server-name"] == server.config.server_name
    assert r["session-timeout"] == server.config.session_timeout
    assert r["reclaim-session-timeout"] == server.config.reclaim_session_timeout
    assert r["candidates-timeout"] == server.config.candidates_timeout
    assert r["accepting-new-sessions"] is True
    assert r["api_secret"] is False and r["auth_token"] is False
    assert isinstance(r["version"], int) and isinstance(r["version_string"], str)
    echotest = r["plugins"][ECHOTEST]
    assert set(echotest) == {"name", "author", "description", "version_string", "version"}
    assert echotest["name"] == "JANUS EchoTest plugin"
    assert echotest["version"] == 7 and echotest["version_string"] == "0.0.7"


def test_ping(api):
    r = api.call("ping")
    assert set(r) == {"janus", "transaction"} and r["janus"] == "pong"


def test_create_gives_a_fresh_id_below_2_pow_53(api):
    ids = set()
    for _ in range(5):
        r = api.call("create")
        assert set(r) == {"janus", "transaction", "data"}, r
        assert r["janus"] == "success" and set(r["data"]) == {"id"}
        sid = r["data"]["id"]
        assert isinstance(sid, int) and 0 < sid < 2**53
        ids.add(sid)
    assert len(ids) == 5


def test_create_with_requested_id_then_conflict_468(api):
    wanted = random.randrange(10**9, 2**52)
    r = api.call("create", id=wanted)
    assert r["janus"] == "success" and r["data"] == {"id": wanted}
    # The session answers on its id.
    assert api.call("keepalive", wanted)["janus"] == "ack"
    again = api.call("create", id=wanted)
    expect_error(again, 468, "Session ID already in use")
    assert again["session_id"] == wanted and again["transaction"]


def test_create_with_id_zero_picks_a_random_id(api):
    r = api.call("create", id=0)
    assert r["janus"] == "success" and r["data"]["id"] > 0


@pytest.mark.parametrize("bad_id", ["12", -5, 1.5, True])
def test_create_with_invalid_id_467(api, bad_id):
    r = api.call("create", id=bad_id)
    expect_error(r, 467, "Invalid element type (id should be a positive integer)")
    assert "transaction" not in r  # Janus answers this one without echoing the transaction


def test_attach_success_shape(api):
    sid = api.call("create")["data"]["id"]
    r = api.call("attach", sid, plugin=ECHOTEST)
    assert set(r) == {"janus", "session_id", "transaction", "data"}, r
    assert r["janus"] == "success" and r["session_id"] == sid
    assert 0 < r["data"]["id"] < 2**53


def test_attach_opaque_id_is_kept(api, admin):
    sid = api.call("create")["data"]["id"]
    r = api.call("attach", sid, plugin=ECHOTEST, opaque_id="pit-opaque-1")
    assert "opaque_id" not in r  # echoed only with opaqueid_in_api=true
    hid = r["data"]["id"]
    info = admin.send({"janus": "handle_info"}, sid, hid)
    assert info["janus"] == "success", info
    assert info["info"]["opaque_id"] == "pit-opaque-1"


@pytest.mark.parametrize("fields, code, reason", [
    ({"plugin": "janus.plugin.nope"}, 460, "No such plugin 'janus.plugin.nope'"),
    ({}, 456, "Missing mandatory element (plugin)"),
    ({"plugin": 5}, 467, "Invalid element type (plugin should be a string)"),
    ({"plugin": ECHOTEST, "opaque_id": 5}, 467, "Invalid element type (opaque_id should be a string)"),
])
def test_attach_errors(api, fields, code, reason):
    sid = api.call("create")["data"]["id"]
    r = api.call("attach", sid, **fields)
    expect_error(r, code, reason)
    assert r["session_id"] == sid


def test_keepalive_ack(api):
    sid = api.call("create")["data"]["id"]
    r = api.call("keepalive", sid)
    assert set(r) == {"janus", "session_id", "transaction"} and r["janus"] == "ack" and r["session_id"] == sid


def test_message_without_body_456(api):
    sid, hid = session_and_handle(api)
    expect_error(api.call("message", sid, hid), 456, "Missing mandatory element (body)")


@pytest.mark.parametrize("body", [5, "x", [1], True])
def test_message_body_not_object_467(api, body):
    sid, hid = session_and_handle(api)
    expect_error(api.call("message", sid, hid, body=body), 467, "Invalid element type (body should be an object)")


def test_echotest_message_ack_then_event_same_transaction(api):
    sid, hid = session_and_handle(api)
    r = api.call("message", sid, hid, body={"audio": True, "video": True})
    assert r == {"janus": "ack", "session_id": sid, "transaction": r["transaction"], "hint": "I'm taking my time!"}
    ev = api.event(sid, lambda m: m.get("janus") == "event" and m.get("transaction") == r["transaction"])
    assert ev == {
        "janus": "event", "session_id": sid, "transaction": r["transaction"], "sender": hid,
        "plugindata": {"plugin": ECHOTEST, "data": {"echotest": "event", "result": "ok"}},
    }


# EchoTest's own validation (plugin errors travel inside a normal `event`). 411 (no message) and 412 (not an
# object) cannot be reached through the core, which answers 456/467 first (tested above); 414 needs an SDP that the
# core accepts but the plugin rejects, which needs a real ICE/DTLS offer (WebRTC tier).
@pytest.mark.parametrize("body, error", [
    ({}, "Message error: no supported attributes found"),
    ({"foo": 1}, "Message error: no supported attributes found"),
    ({"audiocodec": "opus"}, "Message error: no supported attributes found"),
    ({"audio": "yes"}, "Invalid element type (audio should be a boolean)"),
    ({"video": 1}, "Invalid element type (video should be a boolean)"),
    ({"bitrate": "x"}, "Invalid element type (bitrate should be a positive integer)"),
    ({"bitrate": -5}, "Invalid element type (bitrate should be a positive integer)"),
    ({"substream": 5}, "Invalid value (substream should be 0, 1 or 2)"),
    ({"substream": "x"}, "Invalid element type (substream should be a positive integer)"),
    ({"fallback": "a"}, "Invalid element type (fallback should be a positive integer)"),
    ({"filename": 5}, "Invalid element type (filename should be a string)"),
    ({"min_delay": "a"}, "Invalid element type (min_delay should be an integer)"),
    ({"opusred": 1}, "Invalid element type (opusred should be a boolean)"),
])
def test_echotest_validation_413(api, body, error):
    sid, hid = session_and_handle(api)
    r = api.call("message", sid, hid, body=body)
    assert r["janus"] == "ack", r
    ev = api.event(sid, lambda m: m.get("transaction") == r["transaction"] and m.get("janus") == "event")
    assert ev["sender"] == hid
    assert ev["plugindata"] == {"plugin": ECHOTEST,
                                "data": {"echotest": "event", "error_code": 413, "error": error}}


@pytest.mark.parametrize("body", [
    {"audio": False}, {"video": True, "bitrate": 256000}, {"record": False}, {"substream": 2}, {"temporal": 1},
])
def test_echotest_valid_settings_ok(api, body):
    sid, hid = session_and_handle(api)
    r = api.call("message", sid, hid, body=body)
    ev = api.event(sid, lambda m: m.get("transaction") == r["transaction"] and m.get("janus") == "event")
    assert ev["plugindata"]["data"] == {"echotest": "event", "result": "ok"}


@pytest.mark.parametrize("jsep, code, reason", [
    (5, 455, "Invalid jsep object"),
    ({"type": "foo", "sdp": "v=0"}, 464, "JSEP error: unknown message type 'foo'"),
    ({"type": "offer"}, 456, "JSEP error: missing mandatory element (sdp)"),
    ({"type": "offer", "sdp": "garbage"}, 465, "Invalid SDP (doesn't start with v=)"),
    ({"type": "answer", "sdp": "v=0"}, 465, "Missing mandatory lines (o=, s= or m=)"),
])
def test_message_jsep_errors(api, jsep, code, reason):
    sid, hid = session_and_handle(api)
    r = api.call("message", sid, hid, body={"audio": True}, jsep=jsep)
    expect_error(r, code, reason)
    assert r["session_id"] == sid and r["transaction"]


CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 198.18.0.1 5000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}


@pytest.mark.parametrize("fields", [
    {"candidate": CANDIDATE},
    {"candidates": [CANDIDATE, dict(CANDIDATE, candidate=CANDIDATE["candidate"].replace("5000", "5002"))]},
    {"candidate": {"completed": True}},
    {"candidate": None},
], ids=["candidate", "candidates", "completed", "null"])
def test_trickle_before_any_offer_is_queued_and_acked(api, fields):
    sid, hid = session_and_handle(api)
    r = api.call("trickle", sid, hid, **fields)
    assert set(r) == {"janus", "session_id", "transaction"} and r["janus"] == "ack", r


def test_trickles_are_queued_until_a_peerconnection(api, admin):
    sid, hid = session_and_handle(api)
    for fields in [{"candidate": CANDIDATE}, {"candidates": [CANDIDATE, CANDIDATE]}, {"candidate": {"completed": True}},
                   {"candidate": None}]:
        assert api.call("trickle", sid, hid, **fields)["janus"] == "ack"
    info = admin.send({"janus": "handle_info"}, sid, hid)["info"]
    assert info["pending-trickles"] == 4  # one queued entry per trickle request
    assert info["flags"]["trickle"] is True  # a trickle on a handle switches trickling on
    assert info["flags"]["all-trickles"] is False  # nothing is applied before there is a PeerConnection


def test_ws_ack_and_event_of_one_message(ws, backend):
    sid = ws.create()
    hid = ws.attach(sid)
    for _ in range(10):
        tx = ws.send({"janus": "message", "session_id": sid, "handle_id": hid, "body": {"audio": True}})
        first, second = ws.recv(), ws.recv()
        assert {first["janus"], second["janus"]} == {"ack", "event"}
        assert first["transaction"] == second["transaction"] == tx
        if backend != "janus":
            # Janus 1.1.2 often pushes the plugin's event before the ack of the same request (janus.js copes);
            # Portunus sends the ack first.
            assert first["janus"] == "ack"


@pytest.mark.parametrize("fields, code, reason", [
    ({"candidate": CANDIDATE, "candidates": [CANDIDATE]}, 454, "Can't have both candidate and candidates"),
    ({}, 456, "Missing mandatory element (candidate|candidates)"),
], ids=["both", "neither"])
def test_trickle_errors(api, fields, code, reason):
    sid, hid = session_and_handle(api)
    expect_error(api.call("trickle", sid, hid, **fields), code, reason)


# An offer the media layer of either server answers on loopback (host candidates only; no media flows here).
LOOPBACK_OFFER = (
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
    "a=msid-semantic: WMS\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 " + ":".join(["AB"] * 32) + "\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\n"
    "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=ssrc:1111 cname:pit\r\n")


@pytest.fixture
def negotiated(api):
    """A handle whose offer the EchoTest answered: trickles now go straight to its PeerConnection."""
    sid, hid = session_and_handle(api)
    r = api.call("message", sid, hid, body={"audio": True}, jsep={"type": "offer", "sdp": LOOPBACK_OFFER})
    assert r["janus"] == "ack", r
    ev = api.event(sid, lambda m: m.get("janus") == "event" and "jsep" in m)
    assert ev["jsep"]["type"] == "answer"
    return sid, hid


@pytest.mark.parametrize("fields, code, reason", [
    ({"candidate": {"sdpMid": 5, "candidate": "x"}}, 467,
     "Trickle error: invalid element type (sdpMid should be a string)"),
    ({"candidate": {"sdpMLineIndex": -1, "candidate": "x"}}, 467,
     "Trickle error: invalid element type (sdpMLineIndex should be a positive integer)"),
    ({"candidate": {"candidate": CANDIDATE["candidate"]}}, 456,
     "Trickle error: missing mandatory element (sdpMid or sdpMLineIndex)"),
    ({"candidate": {"sdpMid": "0"}}, 456, "Trickle error: missing mandatory element (candidate)"),
    ({"candidate": {"sdpMid": "0", "candidate": 5}}, 467,
     "Trickle error: invalid element type (candidate should be a string)"),
    ({"candidates": {"sdpMid": "0"}}, 467, "candidates is not an array"),
    ({"candidate": CANDIDATE}, 0, ""),
    ({"candidate": {"completed": True}}, 0, ""),
    ({"candidate": "not an object"}, 0, ""),  # ends the candidates, as `completed` does
    ({"candidates": [{"sdpMid": 5}]}, 0, ""),  # entries of an array are not checked one by one
], ids=["mid-type", "mline-negative", "no-mid-mline", "no-candidate", "candidate-type", "candidates-object", "good",
        "completed", "scalar", "array-bad-entry"])
def test_trickle_after_negotiation_is_checked(api, negotiated, fields, code, reason):
    """Once the offer/answer round is complete a trickle is parsed at once (before, it is queued and acked)."""
    sid, hid = negotiated
    r = api.call("trickle", sid, hid, **fields)
    if code:
        err = expect_error(r, code, reason)
        assert r["session_id"] == sid and "transaction" in r, err
    else:
        assert r["janus"] == "ack", r


def remote_candidates(info):
    """How many trickled or SDP candidates the handle's ICE agent holds (Janus lists them)."""
    held = info["webrtc"]["ice"].get("remote-candidates")
    return len(held or []) if not isinstance(held, int) else held


def offer_and_wait(api, sid, hid):
    r = api.call("message", sid, hid, body={"audio": True}, jsep={"type": "offer", "sdp": LOOPBACK_OFFER})
    assert r["janus"] == "ack", r  # a queued trickle of any shape never breaks the offer
    assert api.event(sid, lambda m: m.get("janus") == "event" and "jsep" in m)["jsep"]["type"] == "answer"


OTHER_MID = dict(CANDIDATE, sdpMid="1")
OTHER_MLINE = {"candidate": CANDIDATE["candidate"], "sdpMLineIndex": 1}
NO_MID = {"candidate": CANDIDATE["candidate"]}


@pytest.mark.parametrize("queued, fields, ends, held", [
    # Parsed at once: anything but an object, or `completed` of any value, ends the candidates.
    (False, {"candidate": {"completed": None}}, True, 0),
    (False, {"candidate": {"completed": False}}, True, 0),
    (False, {"candidate": 5}, True, 0),
    (False, {"candidate": [CANDIDATE]}, True, 0),
    (False, {"candidates": [CANDIDATE, 5]}, True, 1),
    (False, {"candidates": [NO_MID, {"sdpMid": 0}]}, False, 0),  # refused entries of a list are dropped
    (False, {"candidate": OTHER_MID}, False, 0),  # everything is bundled on the first m-line
    (False, {"candidate": OTHER_MLINE}, False, 0),
    # Queued before the offer, applied with it: an object or a list's values count, anything else is nothing.
    (True, {"candidate": {"completed": "yes"}}, True, 0),
    (True, {"candidate": {"completed": None}}, True, 0),
    (True, {"candidate": 5}, False, 0),
    (True, {"candidate": None}, False, 0),
    (True, {"candidate": [CANDIDATE]}, False, 1),
    (True, {"candidate": NO_MID}, False, 0),
    (True, {"candidates": [CANDIDATE, "x"]}, True, 1),
], ids=["completed-null", "completed-false", "scalar", "array-as-candidate", "list-scalar-entry", "list-refused",
        "other-mid", "other-mline", "queued-completed-string", "queued-completed-null", "queued-scalar", "queued-null",
        "queued-array-as-candidate", "queued-refused", "queued-list-string-entry"])
def test_trickle_contents_as_janus_takes_them(api, admin, queued, fields, ends, held):
    """What a trickle gives the ICE agent, seen through the Admin API: the end of candidates (`all-trickles`) and the
    remote candidates it holds. A queued `{"completed": "yes"}` used to make the later offer fail with HTTP 500."""
    sid, hid = session_and_handle(api)
    if not queued:
        offer_and_wait(api, sid, hid)
    assert api.call("trickle", sid, hid, **fields)["janus"] == "ack"
    if queued:
        offer_and_wait(api, sid, hid)
    info = admin.send({"janus": "handle_info"}, sid, hid)["info"]
    assert info["flags"]["all-trickles"] is ends
    assert remote_candidates(info) == held
    assert "pending-trickles" not in info  # the queue went to the PeerConnection (and the key only shows a queue)


def test_a_refused_trickle_still_switches_trickle_on(api, admin):
    sid, hid = session_and_handle(api)
    r = api.call("message", sid, hid, body={"audio": True},
                 jsep={"type": "offer", "sdp": LOOPBACK_OFFER, "trickle": False})
    assert r["janus"] == "ack", r
    api.event(sid, lambda m: m.get("janus") == "event" and "jsep" in m)
    expect_error(api.call("trickle", sid, hid, candidate={"sdpMid": None}), 467,
                 "Trickle error: invalid element type (sdpMid should be a string)")
    assert admin.send({"janus": "handle_info"}, sid, hid)["info"]["flags"]["trickle"] is True


@pytest.mark.parametrize("trickled, jsep_trickle, flags", [
    (False, None, {"trickle": True, "all-trickles": False, "starting": True}),
    (False, True, {"trickle": True, "all-trickles": False, "starting": True}),
    (False, False, {"trickle": False, "all-trickles": False, "starting": False}),
    (True, False, {"trickle": False, "all-trickles": True, "starting": False}),
], ids=["no-trickle-field", "trickle-true", "trickle-false", "ended-then-trickle-false"])
def test_handle_flags_after_an_answered_offer(api, admin, trickled, jsep_trickle, flags):
    """handle_info `flags` as Janus 1.1.2 sets them once the EchoTest answered: the round is negotiated, the jsep's
    `trickle` (absent: true) is the trickle flag, ICE is `starting` while candidates are still to come, and has-audio/
    has-video are never set."""
    sid, hid = session_and_handle(api)
    if trickled:
        assert api.call("trickle", sid, hid, candidate={"completed": True})["janus"] == "ack"
    jsep = {"type": "offer", "sdp": LOOPBACK_OFFER}
    if jsep_trickle is not None:
        jsep["trickle"] = jsep_trickle
    assert api.call("message", sid, hid, body={"audio": True}, jsep=jsep)["janus"] == "ack"
    api.event(sid, lambda m: m.get("janus") == "event" and "jsep" in m)
    info = admin.send({"janus": "handle_info"}, sid, hid)["info"]
    expected = dict(flags, **{"got-offer": True, "got-answer": True, "negotiated": True, "has-audio": False,
                              "has-video": False})
    assert {k: info["flags"][k] for k in expected} == expected
    assert isinstance(info["agent-created"], int) and info["created"] <= info["agent-created"] <= info["current_time"]
    assert info["ice-role"] == "controlled"  # the answerer
    ice, dtls = info["webrtc"]["ice"], info["webrtc"]["dtls"]
    assert ice["local-candidates"] and all(" typ " in c and not c.startswith("candidate:") for c in ice["local-candidates"])
    assert (dtls["dtls-state"], dtls["srtp-profile"]) == ("created", "none")  # no DTLS yet
    api.call("hangup", sid, hid)
    api.event(sid, lambda m: m.get("janus") == "hangup")
    after = admin.send({"janus": "handle_info"}, sid, hid)["info"]["flags"]
    assert (after["got-offer"], after["got-answer"], after["negotiated"]) == (False, False, False)
    assert after["starting"] is flags["starting"]  # a hangup does not clear it


def test_detach_success_then_detached_event(api):
    sid, hid = session_and_handle(api)
    r = api.call("detach", sid, hid)
    assert set(r) == {"janus", "session_id", "transaction"} and r["janus"] == "success"
    ev = api.event(sid, lambda m: m.get("janus") == "detached")
    assert ev == {"janus": "detached", "session_id": sid, "sender": hid}
    expect_error(api.call("detach", sid, hid), 459, f"No such handle {hid} in session {sid}")


def test_hangup_without_peerconnection(api):
    sid, hid = session_and_handle(api)
    r = api.call("hangup", sid, hid)
    assert set(r) == {"janus", "session_id", "transaction"} and r["janus"] == "success"
    # No PeerConnection existed, so no `hangup` event; the EchoTest still reports that it is done.
    ev = api.event(sid, lambda m: m.get("janus") == "event")
    assert ev == {"janus": "event", "session_id": sid, "sender": hid,
                  "plugindata": {"plugin": ECHOTEST, "data": {"echotest": "event", "result": "done"}}}
    assert api.call("keepalive", sid)["janus"] == "ack"  # the handle and session are still there
    assert api.call("message", sid, hid, body={"audio": True})["janus"] == "ack"


def test_destroy(api):
    sid, hid = session_and_handle(api)
    r = api.call("destroy", sid)
    assert set(r) == {"janus", "session_id", "transaction"} and r["janus"] == "success" and r["session_id"] == sid
    expect_error(api.call("keepalive", sid), 458, f"No such session {sid}")
    expect_error(api.call("destroy", sid), 458, f"No such session {sid}")


def test_claim_own_session(api):
    sid = api.call("create")["data"]["id"]
    r = api.call("claim", sid)
    assert r == {"janus": "success", "session_id": sid, "transaction": r["transaction"]}


def test_claim_unknown_session_458(api):
    expect_error(api.call("claim", 4242), 458, "No such session 4242")
