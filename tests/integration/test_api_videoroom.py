"""The VideoRoom plugin's room API and participants without media (janus-protocol.md §4), over REST and WebSocket,
with the exact replies and events Janus 1.1.2 gives: room management, publisher-type participants, their events to
the others, subscriber join validation, string_ids and admin_key rooms, and admin `message_plugin`."""

from __future__ import annotations

import contextlib
import json
import random

import pytest

from conftest import admin_for, running_server
from lib.api import TRANSPORTS

VIDEOROOM = "janus.plugin.videoroom"
# A well-formed one-m-line offer: enough for the core to pass it on to the plugin.
OFFER = {"type": "offer", "sdp": (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
    "\r\na=setup:actpass\r\na=rtpmap:111 opus/48000/2\r\na=ssrc:1 cname:x\r\n")}


def new_room_id() -> int:
    return random.randrange(10**6, 10**9)


class Handle:
    """One VideoRoom handle in its own session (a participant, a moderator or a subscriber)."""

    def __init__(self, api):
        self.api = api
        r = api.call("create")
        assert r["janus"] == "success", r
        self.sid = r["data"]["id"]
        r = api.call("attach", self.sid, plugin=VIDEOROOM)
        assert r["janus"] == "success", r
        self.hid = r["data"]["id"]

    def sync(self, **body) -> dict:
        """A synchronous request: `success` with plugindata; returns the plugin's data."""
        r = self.api.call("message", self.sid, self.hid, body=body)
        assert r["janus"] == "success", r
        assert r["sender"] == self.hid and r["plugindata"]["plugin"] == VIDEOROOM, r
        assert "jsep" not in r
        return r["plugindata"]["data"]

    def request(self, **body) -> dict:
        """An asynchronous request: `ack` without hint, then the event with the same transaction; returns its data."""
        r = self.api.call("message", self.sid, self.hid, body=body)
        assert r["janus"] == "ack" and "hint" not in r, r
        tx = r["transaction"]
        ev = self.api.event(self.sid, lambda m: m.get("janus") == "event" and m.get("transaction") == tx)
        assert ev["sender"] == self.hid and ev["plugindata"]["plugin"] == VIDEOROOM, ev
        return ev["plugindata"]["data"]

    def event(self, predicate=lambda d: True) -> dict:
        """The next plugin event without transaction (a notification) whose data satisfies `predicate`."""
        ev = self.api.event(self.sid, lambda m: m.get("janus") == "event" and "transaction" not in m
                            and m.get("sender") == self.hid and predicate(m["plugindata"]["data"]))
        return ev["plugindata"]["data"]

    def join(self, room, **extra) -> dict:
        data = self.request(request="join", ptype="publisher", room=room, **extra)
        assert data.get("videoroom") == "joined", data
        self.id = data["id"]
        return data

    def detach(self) -> None:
        r = self.api.call("detach", self.sid, self.hid)
        assert r["janus"] == "success", r


def err(code: int, reason: str) -> dict:
    return {"videoroom": "event", "error_code": code, "error": reason}


@pytest.fixture
def handle(api):
    return lambda: Handle(api)


@pytest.fixture
def room(handle):
    """A fresh room (secret `s3cret`), destroyed after the test."""
    mod = handle()
    rid = new_room_id()
    assert mod.sync(request="create", room=rid, secret="s3cret", description="pit room") == {
        "videoroom": "created", "room": rid, "permanent": False}
    yield rid
    mod.sync(request="destroy", room=rid, secret="s3cret")


def test_info_lists_the_plugin(api):
    vr = api.call("info")["plugins"][VIDEOROOM]
    assert set(vr) == {"name", "author", "description", "version_string", "version"}
    assert vr["name"] == "JANUS VideoRoom plugin" and vr["version"] == 9 and vr["version_string"] == "0.0.9"


# ---- synchronous requests: dispatch, validation, errors ----

@pytest.mark.parametrize("body,expected", [
    ({}, err(429, "Missing mandatory element (request)")),
    ({"request": 5}, err(430, "Invalid element type (request should be a string)")),
    ({"request": "nope"}, err(423, "Unknown request 'nope'")),
    ({"request": "exists"}, err(429, "Missing mandatory element (room)")),
    ({"request": "exists", "room": "1"}, err(430, "Invalid element type (room should be a positive integer)")),
    ({"request": "exists", "room": -1}, err(430, "Invalid element type (room should be a positive integer)")),
    ({"request": "create", "publishers": "x"}, err(430, "Invalid element type (publishers should be a positive integer)")),
    ({"request": "create", "is_private": 1}, err(430, "Invalid element type (is_private should be a boolean)")),
    ({"request": "create", "description": 5}, err(430, "Invalid element type (description should be a string)")),
    ({"request": "create", "allowed": "x"}, err(430, "Invalid element type (allowed should be an array)")),
    ({"request": "create", "allowed": [1]}, err(430, "Invalid element in the allowed array (not a string)")),
    ({"request": "create", "room": "x"}, err(430, "Invalid element type (room should be a positive integer)")),
    ({"request": "create", "room": 1234}, err(427, "Room 1234 already exists")),
    ({"request": "create", "audiocodec": "foo"},
     err(430, "Invalid element (audiocodec can only be or contain opus, isac32, isac16, pcmu, pcma or g722)")),
    ({"request": "create", "audiocodec": "pcmu, opus"},
     err(430, "Invalid element (audiocodec can only be or contain opus, isac32, isac16, pcmu, pcma or g722)")),
    ({"request": "create", "audiocodec": "pcmu,,opus"},
     err(430, "Invalid element (audiocodec can only be or contain opus, isac32, isac16, pcmu, pcma or g722)")),
    ({"request": "create", "videocodec": "xx"},
     err(430, "Invalid element (videocodec can only be or contain vp8, vp9, av1, h264 or h265)")),
    ({"request": "destroy", "room": 999999999999}, err(426, "No such room (999999999999)")),
    ({"request": "destroy", "room": 1234}, err(429, "Missing mandatory element (secret)")),
    ({"request": "destroy", "room": 1234, "secret": 1}, err(430, "Invalid element type (secret should be a string)")),
    ({"request": "destroy", "room": 1234, "secret": "no"}, err(433, "Unauthorized (wrong secret)")),
    ({"request": "edit", "room": 1234, "secret": "no"}, err(433, "Unauthorized (wrong secret)")),
    ({"request": "edit", "room": 1234, "new_bitrate": "x"},
     err(430, "Invalid element type (new_bitrate should be a positive integer)")),
    ({"request": "listparticipants"}, err(429, "Missing mandatory element (room)")),
    ({"request": "listparticipants", "room": 999999999999}, err(426, "No such room (999999999999)")),
    ({"request": "allowed", "room": 1234, "secret": "adminpwd"}, err(429, "Missing mandatory element (action)")),
    ({"request": "allowed", "room": 1234, "secret": "adminpwd", "action": "maybe"},
     err(430, "Unsupported action 'maybe' (allowed)")),
    ({"request": "kick", "room": 1234, "secret": "adminpwd"}, err(429, "Missing mandatory element (id)")),
    ({"request": "kick", "room": 1234, "secret": "adminpwd", "id": 42}, err(428, "No such user 42 in room 1234")),
    ({"request": "moderate", "room": 1234, "secret": "adminpwd", "id": 42},
     err(429, "Missing mandatory element (mid)")),
    ({"request": "moderate", "room": 1234, "secret": "adminpwd", "id": 42, "mid": "0"},
     err(429, "Missing mandatory element (mute)")),
    ({"request": "moderate", "room": 1234, "secret": "adminpwd", "id": 42, "mid": "0", "mute": "x"},
     err(430, "Invalid element type (mute should be a boolean)")),
    ({"request": "moderate", "room": 1234, "secret": "adminpwd", "id": 42, "mid": "0", "mute": True},
     err(428, "No such user 42 in room 1234")),
])
def test_sync_request_errors(handle, body, expected):
    assert handle().sync(**body) == expected


def test_async_request_before_join_is_424(handle):
    assert handle().request(request="configure") == err(424, "Invalid request on unconfigured participant")


@pytest.mark.parametrize("body,expected", [
    ({"request": "join"}, err(429, "Missing mandatory element (room)")),
    ({"request": "join", "room": 1234}, err(429, "Missing mandatory element (ptype)")),
    ({"request": "join", "room": 999999999999, "ptype": "publisher"}, err(426, "No such room (999999999999)")),
    ({"request": "join", "room": 1234, "ptype": "watcher"}, err(430, "Invalid element (ptype)")),
    ({"request": "join", "room": 1234, "ptype": "publisher", "display": 5},
     err(430, "Invalid element type (display should be a string)")),
    ({"request": "join", "room": 1234, "ptype": "subscriber"}, err(429, "Missing mandatory element (feed)")),
    ({"request": "join", "room": 1234, "ptype": "subscriber", "feed": 77}, err(428, "No such feed (77)")),
    ({"request": "join", "room": 1234, "ptype": "subscriber", "streams": [{"feed": 77}]},
     err(428, "No such feed (77)")),
    ({"request": "join", "room": 1234, "ptype": "subscriber", "streams": [5]},
     err(429, "Missing mandatory element (feed)")),
    ({"request": "join", "room": 1234, "ptype": "subscriber", "streams": [{"mid": "0"}]},
     err(429, "Missing mandatory element (feed)")),
    ({"request": "join", "room": 1234, "ptype": "subscriber", "feed": 77, "private_id": "x"},
     err(430, "Invalid element type (private_id should be a positive integer)")),
    ({"request": "joinandconfigure", "room": 1234, "ptype": "subscriber", "feed": 1}, err(428, "No such feed (1)")),
])
def test_join_errors(handle, body, expected):
    assert handle().request(**body) == expected


def test_demo_room_from_the_sample_configuration(handle):
    h = handle()
    assert h.sync(request="exists", room=1234) == {"videoroom": "success", "room": 1234, "exists": True}
    demo = [r for r in h.sync(request="list")["list"] if r["room"] == 1234]
    assert len(demo) == 1
    assert demo[0]["description"] == "Demo Room" and demo[0]["max_publishers"] == 6
    assert demo[0]["bitrate"] == 128000 and demo[0]["fir_freq"] == 10


# ---- room management ----

def test_create_defaults_and_list_entry(handle):
    h = handle()
    rid = new_room_id()
    assert h.sync(request="create", room=rid) == {"videoroom": "created", "room": rid, "permanent": False}
    assert h.sync(request="exists", room=rid) == {"videoroom": "success", "room": rid, "exists": True}
    entry = [r for r in h.sync(request="list")["list"] if r["room"] == rid]
    assert entry == [{
        "room": rid, "description": f"Room {rid}", "pin_required": False, "is_private": False,
        "max_publishers": 3, "bitrate": 0, "fir_freq": 0, "require_pvtid": False, "require_e2ee": False,
        "dummy_publisher": False, "notify_joining": False, "audiocodec": "opus", "videocodec": "vp8",
        "opus_fec": True, "record": False, "lock_record": False, "num_participants": 0, "audiolevel_ext": True,
        "audiolevel_event": False, "videoorient_ext": True, "playoutdelay_ext": True, "transport_wide_cc_ext": True}]
    assert h.sync(request="destroy", room=rid) == {"videoroom": "destroyed", "room": rid, "permanent": False}
    assert h.sync(request="exists", room=rid) == {"videoroom": "success", "room": rid, "exists": False}


def test_create_with_options(handle):
    h = handle()
    rid = new_room_id()
    h.sync(request="create", room=rid, description="opts", pin="1234", publishers=1, bitrate=1000,
           fir_freq=5, audiocodec="pcmu,opus", videocodec="h264,vp9", require_pvtid=True, notify_joining=True,
           lock_record=True, opus_fec=False)
    [e] = [r for r in h.sync(request="list")["list"] if r["room"] == rid]
    assert e["description"] == "opts" and e["pin_required"] is True and e["max_publishers"] == 1
    assert e["bitrate"] == 64000  # raised to the 64 kbps floor
    assert e["fir_freq"] == 5 and e["require_pvtid"] is True and e["notify_joining"] is True
    assert e["audiocodec"] == "pcmu,opus" and e["videocodec"] == "h264,vp9"
    assert e["lock_record"] is True and "opus_fec" not in e
    h.sync(request="destroy", room=rid)


def test_codec_lists_as_janus_keeps_them(handle):
    h = handle()
    rid = new_room_id()
    assert h.sync(request="CREATE", room=rid, audiocodec="PCMU,opus", videocodec="vp9,vp8,h264,av1,vp8,vp9")[
        "videoroom"] == "created"  # request names are case-insensitive
    [e] = [r for r in h.sync(request="list")["list"] if r["room"] == rid]
    assert e["audiocodec"] == "pcmu,opus" and e["videocodec"] == "vp9,vp8,h264,av1,vp8"  # five at most
    h.sync(request="destroy", room=rid)


def test_permanent_rooms(handle, backend):
    # Janus saves the room into its jcfg; portunusd never rewrites its YAML and refuses as Janus does without a file.
    h = handle()
    rid = new_room_id()
    r = h.sync(request="create", room=rid, permanent=True)
    if backend == "janus":
        assert r == {"videoroom": "created", "room": rid, "permanent": True}
        assert h.sync(request="destroy", room=rid, permanent=True)["permanent"] is True
    else:
        assert r == err(499, "No configuration file, can't create permanent room")
        assert h.sync(request="exists", room=rid)["exists"] is False
        assert h.sync(request="edit", room=1234, secret="adminpwd", permanent=True) == err(
            499, "No configuration file, can't edit room permanently")


def test_create_picks_a_room_id(handle):
    h = handle()
    r = h.sync(request="create")
    assert r["videoroom"] == "created" and isinstance(r["room"], int) and 0 < r["room"] < 2**53
    h.sync(request="destroy", room=r["room"])


def test_edit(handle, room):
    h = handle()
    assert h.sync(request="edit", room=room, secret="s3cret", new_description="renamed", new_publishers=9,
                  new_bitrate=256000, new_fir_freq=3, new_is_private=True, new_pin="p",
                  new_secret="t0p") == {"videoroom": "edited", "room": room, "permanent": False}
    assert not [r for r in h.sync(request="list")["list"] if r["room"] == room]  # private now
    h.sync(request="edit", room=room, secret="t0p", new_is_private=False, new_secret="s3cret")
    [e] = [r for r in h.sync(request="list")["list"] if r["room"] == room]
    assert e["description"] == "renamed" and e["max_publishers"] == 9 and e["bitrate"] == 256000
    assert e["fir_freq"] == 3 and e["pin_required"] is True


def test_private_room_is_hidden_from_list(handle):
    h = handle()
    rid = new_room_id()
    h.sync(request="create", room=rid, is_private=True)
    assert rid not in [r["room"] for r in h.sync(request="list")["list"]]
    assert h.sync(request="exists", room=rid)["exists"] is True
    h.sync(request="destroy", room=rid)


def test_allowed_acl(handle, room):
    mod, p = handle(), handle()
    assert mod.sync(request="allowed", room=room, secret="s3cret", action="add", allowed=["tok-a", "tok-b"]) == {
        "videoroom": "success", "room": room, "allowed": ["tok-a", "tok-b"]}
    r = mod.sync(request="allowed", room=room, secret="s3cret", action="remove", allowed=["tok-b"])
    assert r["allowed"] == ["tok-a"]
    assert mod.sync(request="allowed", room=room, secret="s3cret", action="enable")["allowed"] == ["tok-a"]
    assert p.request(request="join", ptype="publisher", room=room) == err(433, "Unauthorized (not in the allowed list)")
    assert p.request(request="join", ptype="publisher", room=room, token="tok-b") == err(
        433, "Unauthorized (not in the allowed list)")
    assert p.join(room, token="tok-a")["videoroom"] == "joined"
    assert mod.sync(request="allowed", room=room, secret="s3cret", action="disable") == {
        "videoroom": "success", "room": room}
    assert handle().join(room)["videoroom"] == "joined"


def test_pin(handle):
    h = handle()
    rid = new_room_id()
    h.sync(request="create", room=rid, pin="9999")
    assert h.request(request="join", ptype="publisher", room=rid) == err(429, "Missing mandatory element (pin)")
    assert h.request(request="join", ptype="publisher", room=rid, pin="1") == err(433, "Unauthorized (wrong pin)")
    assert h.join(rid, pin="9999")["room"] == rid
    h.sync(request="destroy", room=rid)


# ---- publisher-type participants ----

def test_join_leave_and_events_to_others(handle, room):
    alice, bob = handle(), handle()
    a = alice.join(room, display="Alice")
    assert set(a) == {"videoroom", "room", "description", "id", "private_id", "publishers"}
    assert a["room"] == room and a["description"] == "pit room" and a["publishers"] == []
    assert isinstance(a["id"], int) and 0 < a["id"] < 2**53 and isinstance(a["private_id"], int)
    b = bob.join(room, id=4242, display="Bob")
    assert b["id"] == 4242 and b["publishers"] == []  # Alice joined but does not publish
    parts = alice.sync(request="listparticipants", room=room)
    assert parts["videoroom"] == "participants" and parts["room"] == room
    assert sorted(parts["participants"], key=lambda p: p["display"]) == [
        {"id": a["id"], "display": "Alice", "publisher": False}, {"id": 4242, "display": "Bob", "publisher": False}]
    # display change via configure without jsep: the others hear it
    assert bob.request(request="configure", display="Bobby") == {"videoroom": "event", "room": room,
                                                                 "configured": "ok"}
    assert alice.event(lambda d: "display" in d) == {"videoroom": "event", "id": 4242, "display": "Bobby"}
    assert bob.request(request="join", ptype="publisher", room=room) == err(
        425, "Already in as a publisher on this handle")
    assert bob.request(request="unpublish") == err(435, "Can't unpublish, not published")
    assert bob.request(request="leave") == {"videoroom": "event", "room": room, "leaving": "ok"}
    assert alice.event(lambda d: "leaving" in d) == {"videoroom": "event", "room": room, "leaving": 4242}
    assert [p["id"] for p in alice.sync(request="listparticipants", room=room)["participants"]] == [a["id"]]


def test_publisher_requests_without_media(handle, room):
    alice = handle()
    j = alice.request(request="joinandconfigure", ptype="publisher", room=room, display="A")
    assert j["videoroom"] == "joined" and j["publishers"] == [] and "configured" not in j
    assert alice.request(request="publish") == {"videoroom": "event", "room": room, "configured": "ok"}
    assert alice.request(request="configure", bitrate=100000) == {"videoroom": "event", "room": room,
                                                                  "configured": "ok"}
    assert alice.request(request="configure", bitrate="x") == err(
        430, "Invalid element type (bitrate should be a positive integer)")
    assert alice.request(request="configure", display=5) == err(430, "Invalid element type (display should be a string)")
    assert alice.request(request="start") == err(423, "Unknown request 'start'")
    assert alice.request(request="leave")["leaving"] == "ok"
    # the handle stays a publisher without a room
    assert alice.request(request="configure") == err(426, "No such room")
    assert alice.request(request="join", ptype="publisher", room=room) == err(
        425, "Not in a room (create a new handle)")


def test_publishers_limit_is_checked_before_the_offer(api, handle):
    mod, alice = handle(), handle()
    rid = new_room_id()
    mod.sync(request="create", room=rid, publishers=0)
    alice.join(rid)
    r = api.call("message", alice.sid, alice.hid, body={"request": "publish"}, jsep=OFFER)
    assert r["janus"] == "ack", r
    ev = api.event(alice.sid, lambda m: m.get("transaction") == r["transaction"] and m.get("janus") == "event")
    assert ev["plugindata"]["data"] == err(432, "Maximum number of publishers (0) already reached")
    assert "jsep" not in ev
    mod.sync(request="destroy", room=rid)


def test_id_exists(handle, room):
    handle().join(room, id=7)
    assert handle().request(request="join", ptype="publisher", room=room, id=7) == err(
        436, "User ID 7 already exists")


def test_detach_is_leave(handle, room):
    alice, bob = handle(), handle()
    alice.join(room)
    bob.join(room, id=99)
    bob.detach()
    assert alice.event(lambda d: "leaving" in d) == {"videoroom": "event", "room": room, "leaving": 99}
    assert [p["id"] for p in alice.sync(request="listparticipants", room=room)["participants"]] == [alice.id]


def test_notify_joining_and_attendees(handle):
    mod = handle()
    rid = new_room_id()
    mod.sync(request="create", room=rid, notify_joining=True)
    alice, bob = handle(), handle()
    a = alice.join(rid, display="Alice")
    assert a["attendees"] == []
    b = bob.join(rid, display="Bob")
    assert b["attendees"] == [{"id": a["id"], "display": "Alice"}] and b["publishers"] == []
    assert alice.event(lambda d: "joining" in d) == {"videoroom": "event", "room": rid,
                                                     "joining": {"id": b["id"], "display": "Bob"}}
    mod.sync(request="destroy", room=rid)


def test_kick(handle, room):
    alice, bob = handle(), handle()
    alice.join(room)
    bob.join(room, id=5150)
    mod = handle()
    assert mod.sync(request="kick", room=room, secret="wrong", id=5150) == err(433, "Unauthorized (wrong secret)")
    assert mod.sync(request="kick", room=room, secret="s3cret", id=5150) == {"videoroom": "success"}
    assert bob.event(lambda d: "leaving" in d) == {"videoroom": "event", "room": room, "leaving": "ok",
                                                   "reason": "kicked"}
    assert alice.event(lambda d: "kicked" in d) == {"videoroom": "event", "room": room, "kicked": 5150}
    assert [p["id"] for p in mod.sync(request="listparticipants", room=room)["participants"]] == [alice.id]
    assert mod.sync(request="kick", room=room, secret="s3cret", id=5150) == err(
        428, f"No such user 5150 in room {room}")
    assert bob.request(request="configure") == err(426, "No such room")
    assert bob.request(request="join", ptype="publisher", room=room) == err(425, "Not in a room (create a new handle)")


def test_kick_and_destroy_check_in_janus_order(handle):
    """kick: secret's type, then id, then the room read as an integer (anything else is room 0, a negative one
    wraps); destroy: room, then permanent, and the secret only once the room is found and only if it has one."""
    mod = handle()
    open_room, locked = new_room_id(), new_room_id()
    mod.sync(request="create", room=open_room)
    mod.sync(request="create", room=locked, secret="s")
    assert mod.sync(request="kick", id=1) == err(426, "No such room (0)")
    assert mod.sync(request="kick", room="x", id=1) == err(426, "No such room (0)")
    assert mod.sync(request="kick", room=-1, id=1) == err(426, "No such room (18446744073709551615)")
    assert mod.sync(request="kick", room="x", id="y") == err(430, "Invalid element type (id should be a positive integer)")
    assert mod.sync(request="kick", room=999, id=1, secret=5) == err(430, "Invalid element type (secret should be a string)")
    assert mod.sync(request="destroy", room="x", permanent=5) == err(
        430, "Invalid element type (room should be a positive integer)")
    assert mod.sync(request="destroy", room=999, secret=5, permanent=5) == err(
        430, "Invalid element type (permanent should be a boolean)")
    assert mod.sync(request="destroy", room=999, secret=None) == err(426, "No such room (999)")
    assert mod.sync(request="destroy", room=locked, secret=5) == err(430, "Invalid element type (secret should be a string)")
    assert mod.sync(request="destroy", room=locked, secret="s")["videoroom"] == "destroyed"
    assert mod.sync(request="destroy", room=open_room, secret=5)["videoroom"] == "destroyed"  # no secret to check


@pytest.mark.parametrize("body, code, reason", [
    ({"descriptions": 5, "audiocodec": 5}, 430, "Invalid element type (descriptions should be an array)"),
    ({"audio": 5, "bitrate": "x"}, 430, "Invalid element type (bitrate should be a positive integer)"),
    ({"secret": 5}, 430, "Invalid element type (secret should be a string)"),
    ({"data": 5, "video": 5, "audio": 5}, 430, "Invalid element type (audio should be a boolean)"),
    ({"restart": 5}, 430, "Invalid element type (restart should be a boolean)"),
    ({"descriptions": [{"mid": "0"}]}, 429, "Missing mandatory element (description)"),
    ({"descriptions": [5]}, 429, "Missing mandatory element (mid)"),
    ({"mid": "0", "send": 5}, 428, "No such mid '0' published"),
    ({"streams": [{"mid": "x"}]}, 428, "No such mid 'x' published"),
    ({"streams": "x"}, None, None),  # not checked as a whole
    ({"metadata": 5}, None, None),
], ids=lambda v: repr(v) if isinstance(v, dict) else None)
def test_publisher_configure_is_checked_in_janus_order(handle, room, body, code, reason):
    pub = handle()
    pub.join(room)
    r = pub.request(request="configure", **body)
    assert r == (err(code, reason) if code else {"videoroom": "event", "room": room, "configured": "ok"})


def test_subscriber_close_pc_and_use_msid_are_not_checked(handle, room):
    assert handle().request(request="join", ptype="subscriber", room=room, feed=99, use_msid="x",
                            close_pc="x") == err(428, "No such feed (99)")


def test_moderate_without_published_streams(handle, room):
    alice = handle()
    alice.join(room, id=31)
    assert handle().sync(request="moderate", room=room, secret="s3cret", id=31, mid="0", mute=True) == err(428, "No such stream 0")


def test_destroy_tells_participants(handle):
    mod, alice = handle(), handle()
    rid = new_room_id()
    mod.sync(request="create", room=rid, secret="x")
    alice.join(rid)
    assert mod.sync(request="destroy", room=rid, secret="x") == {"videoroom": "destroyed", "room": rid,
                                                                 "permanent": False}
    assert alice.event(lambda d: d.get("videoroom") == "destroyed") == {"videoroom": "destroyed", "room": rid}
    assert alice.request(request="leave") == err(426, "No such room")


def test_require_pvtid_subscriber(handle):
    mod = handle()
    rid = new_room_id()
    mod.sync(request="create", room=rid, require_pvtid=True)
    alice = handle()
    alice.join(rid, id=11)
    assert handle().request(request="join", ptype="subscriber", room=rid, feed=11) == err(428, "No such feed (11)")
    mod.sync(request="destroy", room=rid)


def test_handle_info_plugin_specific(server, handle, room):
    admin = admin_for(server)
    alice = handle()
    r = admin.send({"janus": "handle_info", "plugin_only": True}, alice.sid, alice.hid)
    assert r["info"]["plugin_specific"] == {"hangingup": 0, "destroyed": 0}
    a = alice.join(room, display="Alice")
    r = admin.send({"janus": "handle_info", "plugin_only": True}, alice.sid, alice.hid)
    assert r["info"]["plugin_specific"] == {
        "type": "publisher", "room": room, "id": a["id"], "private_id": a["private_id"], "display": "Alice",
        "bitrate": 0, "streams": [], "hangingup": 0, "destroyed": 0}


# ---- admin API ----

def test_message_plugin_room_management(server):
    admin = admin_for(server)
    rid = new_room_id()

    def vr(**body):
        r = admin.send({"janus": "message_plugin", "plugin": VIDEOROOM, "request": body})
        assert r["janus"] == "success", r
        return r["response"]

    assert vr(request="create", room=rid, secret="q") == {"videoroom": "created", "room": rid, "permanent": False}
    assert vr(request="exists", room=rid)["exists"] is True
    assert vr(request="join", room=rid) == err(423, "Unknown request 'join'")
    assert vr(request="listparticipants", room=rid) == {"videoroom": "participants", "room": rid, "participants": []}
    assert vr(request="destroy", room=rid, secret="q")["videoroom"] == "destroyed"


# ---- string_ids and admin_key ----

@pytest.fixture(scope="module")
def keyed_server():
    with running_server(videoroom_admin_key="k3y", videoroom_string_ids=True) as s:
        yield s


@pytest.fixture(params=sorted(TRANSPORTS))
def keyed(request, keyed_server):
    client = TRANSPORTS[request.param](keyed_server)
    yield lambda: Handle(client)
    client.close()


def test_string_ids_and_admin_key(keyed):
    mod, alice, bob = keyed(), keyed(), keyed()
    assert mod.sync(request="create", room="sroom") == err(429, "Missing mandatory element (admin_key)")
    assert mod.sync(request="create", room="sroom", admin_key="no") == err(433, "Unauthorized (wrong admin_key)")
    assert mod.sync(request="create", room=5, admin_key="k3y") == err(430, "Invalid element type (room should be a string)")
    rid = f"room-{new_room_id()}"
    assert mod.sync(request="create", room=rid, admin_key="k3y", is_private=True) == {
        "videoroom": "created", "room": rid, "permanent": False}
    assert rid not in [r["room"] for r in mod.sync(request="list")["list"]]
    assert rid in [r["room"] for r in mod.sync(request="list", admin_key="k3y")["list"]]
    assert mod.sync(request="list", admin_key="bad") == err(433, "Unauthorized (wrong admin_key)")
    a = alice.join(rid, id="alice", display="A")
    assert a["id"] == "alice" and a["room"] == rid
    b = bob.join(rid)
    assert isinstance(b["id"], str) and b["id"]
    assert alice.request(request="configure", display="AA")["room"] == rid
    assert bob.event(lambda d: "display" in d) == {"videoroom": "event", "id": "alice", "display": "AA"}
    assert {p["id"] for p in mod.sync(request="listparticipants", room=rid)["participants"]} == {"alice", b["id"]}
    assert mod.sync(request="kick", room=rid, id="alice") == {"videoroom": "success"}
    assert bob.event(lambda d: "kicked" in d) == {"videoroom": "event", "room": rid, "kicked": "alice"}
    assert mod.sync(request="exists", room="1234") == {"videoroom": "success", "room": "1234", "exists": True}
    assert mod.sync(request="destroy", room=rid) == {"videoroom": "destroyed", "room": rid, "permanent": False}
    assert bob.event(lambda d: d.get("videoroom") == "destroyed") == {"videoroom": "destroyed", "room": rid}


# ---- RTP forwarders, recorder, remote publishers (validated as Janus does, ForwardingRequests.cpp) ----

NO_ROOM = 999999999999
FWD = "127.0.0.1"


@pytest.mark.parametrize("body,expected", [
    ({"request": "rtp_forward"}, err(429, "Missing mandatory element (host)")),
    ({"request": "rtp_forward", "host": 5, "room": "R"}, err(430, "Invalid element type (host should be a string)")),
    ({"request": "rtp_forward", "host": FWD}, err(429, "Missing mandatory element (room)")),
    ({"request": "rtp_forward", "host": FWD, "room": NO_ROOM}, err(429, "Missing mandatory element (publisher_id)")),
    ({"request": "rtp_forward", "host": FWD, "room": "R", "publisher_id": "x"},
     err(430, "Invalid element type (publisher_id should be a positive integer)")),
    ({"request": "rtp_forward", "host": FWD, "room": NO_ROOM, "publisher_id": 5}, err(426, f"No such room ({NO_ROOM})")),
    ({"request": "rtp_forward", "host": FWD, "room": "R", "publisher_id": 5}, err(429, "Missing mandatory element (secret)")),
    ({"request": "rtp_forward", "host": FWD, "room": "R", "publisher_id": 5, "secret": "x"},
     err(433, "Unauthorized (wrong secret)")),
    ({"request": "rtp_forward", "host": FWD, "room": "R", "publisher_id": 5, "secret": "s3cret"},
     err(428, "No such feed (5)")),
    ({"request": "stop_rtp_forward"}, err(429, "Missing mandatory element (room)")),
    ({"request": "stop_rtp_forward", "room": "R"}, err(429, "Missing mandatory element (publisher_id)")),
    ({"request": "stop_rtp_forward", "room": "R", "publisher_id": 77}, err(429, "Missing mandatory element (stream_id)")),
    ({"request": "stop_rtp_forward", "room": "R", "publisher_id": 77, "stream_id": "1"},
     err(430, "Invalid element type (stream_id should be a positive integer)")),
    ({"request": "stop_rtp_forward", "room": NO_ROOM, "publisher_id": 5, "stream_id": 1},
     err(426, f"No such room ({NO_ROOM})")),
    ({"request": "stop_rtp_forward", "room": "R", "publisher_id": 5, "stream_id": 1},
     err(429, "Missing mandatory element (secret)")),
    ({"request": "stop_rtp_forward", "room": "R", "publisher_id": 5, "stream_id": 1, "secret": "x"},
     err(433, "Unauthorized (wrong secret)")),
    ({"request": "stop_rtp_forward", "room": "R", "publisher_id": 5, "stream_id": 1, "secret": "s3cret"},
     err(428, "No such feed (5)")),
    ({"request": "stop_rtp_forward", "room": "R", "publisher_id": 77, "stream_id": 1, "secret": "s3cret"},
     err(428, "No such stream (1)")),
    ({"request": "listforwarders"}, err(429, "Missing mandatory element (room)")),
    ({"request": "listforwarders", "room": NO_ROOM}, err(426, f"No such room ({NO_ROOM})")),
    ({"request": "listforwarders", "room": "R"}, err(429, "Missing mandatory element (secret)")),
    ({"request": "listforwarders", "room": "R", "secret": "x"}, err(433, "Unauthorized (wrong secret)")),
    ({"request": "listforwarders", "room": "R", "secret": "s3cret"},
     {"videoroom": "forwarders", "room": "R", "publishers": []}),
    ({"request": "enable_recording"}, err(429, "Missing mandatory element (record)")),
    ({"request": "enable_recording", "record": "x", "room": "R"},
     err(430, "Invalid element type (record should be a boolean)")),
    ({"request": "enable_recording", "record": True}, err(426, "No such room (0)")),
    ({"request": "enable_recording", "record": True, "room": NO_ROOM}, err(426, f"No such room ({NO_ROOM})")),
    ({"request": "enable_recording", "record": True, "room": "R"}, err(429, "Missing mandatory element (secret)")),
    ({"request": "enable_recording", "record": True, "room": "R", "secret": "x"}, err(433, "Unauthorized (wrong secret)")),
    ({"request": "listremotes"}, err(429, "Missing mandatory element (room)")),
    ({"request": "listremotes", "room": "R"}, err(429, "Missing mandatory element (publisher_id)")),
    ({"request": "listremotes", "room": "R", "publisher_id": 77}, err(429, "Missing mandatory element (secret)")),
    ({"request": "publish_remotely"}, err(429, "Missing mandatory element (remote_id)")),
    ({"request": "unpublish_remotely"}, err(429, "Missing mandatory element (remote_id)")),
    ({"request": "add_remote_publisher"}, err(429, "Missing mandatory element (room)")),
    ({"request": "update_remote_publisher"}, err(429, "Missing mandatory element (room)")),
    ({"request": "remove_remote_publisher"}, err(429, "Missing mandatory element (room)")),
])
def test_forwarding_requests_validated_as_janus(handle, room, body, expected):
    """`room` "R" stands for a room with secret s3cret and one participant, id 77, that has not published."""
    handle().join(room, id=77)
    fill = lambda d: {k: (room if v == "R" else v) for k, v in d.items()}
    assert handle().sync(**fill(body)) == fill(expected)


def test_forwarding_requests_portunus_does_not_implement(handle, room, backend):
    """What Janus would create (a forwarder, a recording) Portunus refuses with 499 once the request is valid."""
    handle().join(room, id=77)
    mod = handle()
    fwd = mod.sync(request="rtp_forward", room=room, publisher_id=77, host=FWD, secret="s3cret",
                   streams=[{"mid": "0", "port": 5000}])
    rec = mod.sync(request="enable_recording", room=room, record=True, secret="s3cret")
    if backend == "janus":
        assert fwd == {"videoroom": "rtp_forward", "room": room, "publisher_id": 77, "forwarders": []}
        assert rec == {"videoroom": "success", "record": True}
    else:
        assert fwd == err(499, "Request 'rtp_forward' is not supported by Portunus")
        assert rec == err(499, "Request 'enable_recording' is not supported by Portunus")
    # `record` on configure is accepted and ignored by both (Portunus records nothing).
    p = handle()
    p.join(room)
    assert p.request(request="configure", record=True) == {"videoroom": "event", "room": room, "configured": "ok"}


# ---- the codes no request reaches: the core refuses first ----

BAD_JSEPS = [
    ({"type": "answer", "sdp": OFFER["sdp"]}, 469, "Unexpected ANSWER (did we offer?)"),
    ({"type": "pranswer", "sdp": OFFER["sdp"]}, 464, "JSEP error: unknown message type 'pranswer'"),
    ({"type": "rollback", "sdp": OFFER["sdp"]}, 464, "JSEP error: unknown message type 'rollback'"),
    ({"type": "offer", "sdp": "garbage"}, 465, "Invalid SDP (doesn't start with v=)"),
    ({"type": "offer"}, 456, "JSEP error: missing mandatory element (sdp)"),
]


@pytest.mark.parametrize("jsep,code,reason", BAD_JSEPS)
def test_sdp_errors_are_the_cores(api, handle, room, jsep, code, reason):
    """431 INVALID_SDP_TYPE and 437 INVALID_SDP are unreachable in Janus 1.1.2's VideoRoom over the API: the plugin
    raises 431 for a JSEP type other than offer/answer and 437 when its SDP parser refuses the SDP, but the core
    (janus.c janus_process_incoming_request) validates the JSEP type, refuses an answer to nothing it offered and
    parses the SDP before the plugin sees the message, with the core errors here. Portunus keeps both plugin checks
    (MediaFlows.cpp) behind the same core checks, so the client sees exactly Janus's replies."""
    p = handle()
    p.join(room)
    r = api.call("message", p.sid, p.hid, body={"request": "publish"}, jsep=jsep)
    assert r["janus"] == "error" and r["error"] == {"code": code, "reason": reason}, r


@pytest.mark.parametrize("fields,code,reason", [
    ({}, 456, "Missing mandatory element (body)"),
    ({"body": [1]}, 467, "Invalid element type (body should be an object)"),
    ({"body": "join"}, 467, "Invalid element type (body should be an object)"),
])
def test_no_message_and_invalid_json_are_the_cores(api, handle, fields, code, reason):
    """421 NO_MESSAGE (janus_videoroom handle_message with a NULL message) and 422 INVALID_JSON (a body that is not a
    JSON object) are unreachable in Janus 1.1.2: the core requires `body` and requires it to be an object before a
    plugin is called. Portunus's plugin keeps its 422 check behind the same core checks."""
    h = handle()
    r = api.call("message", h.sid, h.hid, **fields)
    assert r["janus"] == "error" and r["error"] == {"code": code, "reason": reason}, r


# ---- room tokens ----

def test_allowed_tokens_from_create(handle):
    """A room created with `allowed` checks the `token` of publisher joins (join and joinandconfigure); Janus 1.1.2
    does not check it for subscribers, which can only reach published feeds (428 first)."""
    mod = handle()
    rid = new_room_id()
    mod.sync(request="create", room=rid, secret="s", allowed=["tok"])
    assert handle().request(request="join", ptype="publisher", room=rid) == err(
        433, "Unauthorized (not in the allowed list)")
    assert handle().request(request="joinandconfigure", ptype="publisher", room=rid, token="nope") == err(
        433, "Unauthorized (not in the allowed list)")
    assert handle().request(request="join", ptype="publisher", room=rid, token=5) == err(
        430, "Invalid element type (token should be a string)")
    assert handle().request(request="join", ptype="subscriber", room=rid, feed=1) == err(428, "No such feed (1)")
    assert handle().join(rid, token="tok")["videoroom"] == "joined"
    mod.sync(request="destroy", room=rid, secret="s")


def test_signed_tokens_without_core_secret(handle):
    """`signed_tokens` asks for core tokens signed with `token_auth_secret`. Without that secret (Janus's default,
    and Portunus, which has no signed-token mode: its configuration refuses the key) Janus 1.1.2 admits every join,
    and so does Portunus; the token must still be a string."""
    mod = handle()
    rid = new_room_id()
    mod.sync(request="create", room=rid, signed_tokens=True)
    assert handle().join(rid)["videoroom"] == "joined"
    assert handle().join(rid, token="anything")["videoroom"] == "joined"
    assert handle().request(request="join", ptype="publisher", room=rid, token=5) == err(
        430, "Invalid element type (token should be a string)")
    mod.sync(request="destroy", room=rid)


class OneSocket:
    """VideoRoom handles of one session on one WebSocket, so that the order of their frames can be compared."""

    def __init__(self, ws, handles: int):
        self.ws = ws
        self.sid = ws.create()
        self.handles = [ws.request({"janus": "attach", "session_id": self.sid, "plugin": VIDEOROOM})["data"]["id"]
                        for _ in range(handles)]

    def message(self, handle, body, jsep=None) -> list[dict]:
        """Sends a message and returns every frame that came within a second."""
        request = {"janus": "message", "session_id": self.sid, "handle_id": handle, "body": body}
        if jsep:
            request["jsep"] = jsep
        self.ws.send(request)
        return self.ws.no_frame_within(1.0)

    @staticmethod
    def data(frames, handle) -> list[dict]:
        return [f["plugindata"]["data"] for f in frames if f.get("sender") == handle and "plugindata" in f]


def test_joinandconfigure_and_kick_events_in_janus_order(ws):
    """One socket, two handles: a joinandconfigure announces the newcomer once (no display change on top of its
    `joining`), and a kick's success reaches the moderator before the kicked handle's PeerConnection hangs up (a
    destroy likewise), as in Janus."""
    from test_api_verbs import LOOPBACK_OFFER
    socket = OneSocket(ws, 2)
    mod, guest = socket.handles
    message, data = socket.message, socket.data
    rid = new_room_id()
    message(mod, {"request": "create", "room": rid, "notify_joining": True})
    message(mod, {"request": "join", "room": rid, "ptype": "publisher", "id": 1, "display": "mod"})
    frames = message(guest, {"request": "joinandconfigure", "room": rid, "ptype": "publisher", "id": 2,
                             "display": "guest"}, {"type": "offer", "sdp": LOOPBACK_OFFER})
    assert data(frames, mod) == [{"videoroom": "event", "room": rid, "joining": {"id": 2, "display": "guest"}}]
    frames = message(mod, {"request": "kick", "room": rid, "id": 2})
    kinds = [(f["janus"], f.get("sender")) for f in frames if f["janus"] in ("success", "hangup")]
    assert kinds == [("success", mod), ("hangup", guest)], frames
    frames = message(mod, {"request": "destroy", "room": rid})
    kinds = [(f["janus"], f.get("sender")) for f in frames if f["janus"] in ("success", "hangup")]
    assert kinds == [("success", mod)], frames  # the moderator never had a PeerConnection


def test_new_descriptions_announce_the_publisher_again(ws):
    """As Janus: a configure that gives a description to a published stream announces the publisher to the others
    again (its display included, and no separate display change); one that matches no published stream does not."""
    from test_api_verbs import LOOPBACK_OFFER
    socket = OneSocket(ws, 2)
    watcher, pub = socket.handles
    rid = new_room_id()

    def message(handle, body, jsep=None):
        return socket.data(socket.message(handle, body, jsep), watcher)

    message(watcher, {"request": "create", "room": rid})
    message(watcher, {"request": "join", "room": rid, "ptype": "publisher", "id": 1})
    message(pub, {"request": "join", "room": rid, "ptype": "publisher", "id": 2})
    assert message(pub, {"request": "configure", "descriptions": [{"mid": "0", "description": "mic"}]}) == []
    message(pub, {"request": "configure", "audio": True}, {"type": "offer", "sdp": LOOPBACK_OFFER})
    assert message(pub, {"request": "configure", "descriptions": [{"mid": "5", "description": "x"}]}) == []
    assert message(pub, {"request": "configure", "display": "Pub", "descriptions": [
        {"mid": "0", "description": "mic"}]}) == [{"videoroom": "event", "room": rid, "publishers": [
            {"id": 2, "display": "Pub", "audio_codec": "opus", "streams": [
                {"type": "audio", "mindex": 0, "mid": "0", "description": "mic", "codec": "opus"}]}]}]
    assert message(pub, {"request": "configure", "display": "Pub2"}) == [
        {"videoroom": "event", "id": 2, "display": "Pub2"}]
    message(watcher, {"request": "destroy", "room": rid})


SUBSCRIBER_LISTS = [
    ({"request": "switch", "streams": [{"feed": True, "mid": "0", "sub_mid": "0"}]}, 430,
     "Invalid element type (feed should be a positive integer)"),
    ({"request": "switch", "streams": [{"feed": "FEED", "mid": "0", "sub_mid": "0"}, {"feed": None, "mid": "1",
                                                                                     "sub_mid": "1"}]}, 430,
     "Invalid element type (feed should be a positive integer)"),
    ({"request": "switch", "streams": [{"feed": "FEED", "mid": 0, "sub_mid": "0"}]}, 430,
     "Invalid element type (mid should be a string)"),
    ({"request": "subscribe", "streams": [{"feed": "FEED"}, {"feed": True}]}, 430,
     "Invalid element type (feed should be a positive integer)"),
    ({"request": "subscribe", "streams": [{"feed": "FEED"}, {"feed": 4242}]}, 428, "No such feed (4242)"),
    ({"request": "subscribe", "streams": [{"feed": "FEED", "mid": "9"}]}, 428, "No such mid '9' in feed (FEED)"),
    ({"request": "update", "subscribe": [{"feed": {}}], "unsubscribe": [{"feed": "FEED"}]}, 430,
     "Invalid element type (feed should be a positive integer)"),
    ({"request": "unsubscribe", "streams": [{"feed": "FEED"}, {"feed": [1]}]}, 430,
     "Invalid element type (feed should be a positive integer)"),
    ({"request": "unsubscribe", "streams": [{"sub_mid": 1}]}, 430, "Invalid element type (sub_mid should be a string)"),
]


@contextlib.contextmanager
def live_feed(server, backend):
    """A new room with a portunus-lab publisher in it, on loopback (portunusd only: Janus's ICE does not gather on
    loopback). Yields (ws, sid, hid, room, feed, request) with a VideoRoom handle of its own; `request(body)` sends a
    message and returns its event's plugin data."""
    import subprocess
    import time
    from lib.api import WsApi
    from lib.labrun import LAB
    if backend == "janus" or not LAB.exists():
        pytest.skip("needs portunusd and portunus-lab (Janus's ICE does not gather on loopback)")
    ws = WsApi(server)
    rid = new_room_id()
    sid = ws.call("create")["data"]["id"]
    hid = ws.call("attach", sid, plugin=VIDEOROOM)["data"]["id"]
    assert ws.call("message", sid, hid, body={"request": "create", "room": rid})["janus"] == "success"
    lab = subprocess.Popen([str(LAB), "videoroom", "--server", f"http://127.0.0.1:{server.endpoints.http_port}/janus",
                            "--room", str(rid), "--publishers", "1", "--subscribers", "1", "--duration", "30",
                            "--warmup", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        feed = None
        for _ in range(100):
            listed = ws.call("message", sid, hid, body={"request": "listparticipants", "room": rid})
            live = [p["id"] for p in listed["plugindata"]["data"]["participants"] if p["publisher"]]
            if live:
                feed = live[0]
                break
            time.sleep(0.1)
        assert feed, "the lab publisher did not come up"

        def request(body):
            r = ws.call("message", sid, hid, body=body)
            assert r["janus"] == "ack", r
            tx = r["transaction"]
            return ws.event(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event")["plugindata"]["data"]

        yield ws, sid, hid, rid, feed, request
    finally:
        lab.terminate()
        lab.wait()
        ws.call("message", sid, hid, body={"request": "destroy", "room": rid})


@pytest.mark.parametrize("body, code, reason", SUBSCRIBER_LISTS)
def test_subscriber_lists_are_checked_before_anything_changes(server, backend, body, code, reason):
    """A subscriber's switch/subscribe/unsubscribe/update lists are checked entry by entry before any m-line moves:
    a bad entry (a feed of the wrong type, a feed or mid that is not published) is the request's error and the
    subscription is as it was. (A feed of the wrong type used to throw inside the plugin: `ack`, then no event, and a
    subscribe's earlier entries stayed half applied.)"""
    admin = admin_for(server)
    with live_feed(server, backend) as (ws, sid, hid, rid, feed, request):
        assert request({"request": "join", "room": rid, "ptype": "subscriber", "feed": feed})["videoroom"] == "attached"
        before = admin.send({"janus": "handle_info"}, sid, hid)["info"]["plugin_specific"]["streams"]
        concrete = json.loads(json.dumps(body).replace('"FEED"', str(feed)))
        assert request(concrete) == err(code, reason.replace("FEED", str(feed)))
        assert admin.send({"janus": "handle_info"}, sid, hid)["info"]["plugin_specific"]["streams"] == before


@pytest.mark.parametrize("form", ["legacy", "streams"])
def test_subscriber_attached_event_of_each_join_form(server, backend, form):
    """The legacy join (`feed`, no `streams`) is answered as Janus 1.1.2 answers it: the attached event also names the
    feed (`id`, `display`) and carries `warning: deprecated_api`; the `streams` form carries neither (measured
    against the Debian janus binary with a portunus-lab publisher)."""
    with live_feed(server, backend) as (ws, sid, hid, rid, feed, request):
        join = {"request": "join", "room": rid, "ptype": "subscriber"}
        join.update({"feed": feed} if form == "legacy" else {"streams": [{"feed": feed}]})
        attached = request(join)
        assert attached["videoroom"] == "attached" and attached["room"] == rid, attached
        assert [s["feed_id"] for s in attached["streams"]] == [feed, feed], attached
        extra = {k: attached[k] for k in ("id", "display", "warning") if k in attached}
        if form == "legacy":
            assert extra == {"id": feed, "display": "portunus-lab", "warning": "deprecated_api"}, attached
        else:
            assert extra == {}, attached


# Subscriber requests on a live feed, each answer as the Debian janus binary gave it (a sweep of 51 request sequences
# with a portunus-lab publisher; the subscriber never answers the offer). "FEED" is the live feed's id.
SUBSCRIBER_SEQUENCES = {
    "configure names an unknown mid": [
        ({"request": "configure", "streams": [{"mid": "0", "send": False}, {"mid": "x", "send": False}]},
         err(428, "No such mid 'x' in subscription"))],
    "update with neither list": [
        ({"request": "update"}, err(429, "At least one of either 'subscribe' or 'unsubscribe' must be present"))],
    "switch to an m-line that is not there": [
        ({"request": "switch", "streams": [{"feed": "FEED", "mid": "0", "sub_mid": "7"}]},
         {"videoroom": "event", "switched": "ok", "changes": 0})],
    "switch entry without sub_mid": [
        ({"request": "switch", "streams": [{"feed": "FEED", "mid": "0"}]}, err(429, "Missing mandatory element (sub_mid)"))],
    "switch entry that is no object": [
        ({"request": "switch", "streams": [5]}, err(429, "Missing mandatory element (mid)"))],
    "unsubscribe what is not subscribed": [
        ({"request": "unsubscribe", "streams": [{"feed": 999}]}, {"videoroom": "updated", "streams": None})],
    "after leave": [
        ({"request": "leave"}, {"videoroom": "event", "left": "ok"}),
        ({"request": "leave"}, {"videoroom": "event", "left": "ok"}),
        ({"request": "pause"}, {"videoroom": "event", "paused": "ok"}),
        ({"request": "start"}, {"videoroom": "event", "started": "ok"}),
        ({"request": "configure", "streams": [{"mid": "0", "send": False}]}, err(428, "No such mid '0' in subscription")),
        ({"request": "join", "ptype": "subscriber", "room": "ROOM", "streams": [{"feed": "FEED"}]},
         err(425, "Already in as a subscriber on this handle"))],
}


@pytest.mark.parametrize("name", list(SUBSCRIBER_SEQUENCES))
def test_subscriber_requests_answer_as_janus(server, backend, name):
    """Each step's event: an error exactly, or these fields (None: the field is absent)."""
    with live_feed(server, backend) as (ws, sid, hid, rid, feed, request):
        assert request({"request": "join", "room": rid, "ptype": "subscriber", "streams": [{"feed": feed}]})[
            "videoroom"] == "attached"
        for body, expected in SUBSCRIBER_SEQUENCES[name]:
            concrete = json.loads(json.dumps(body).replace('"FEED"', str(feed)).replace('"ROOM"', str(rid)))
            got = request(concrete)
            if "error_code" in expected:
                assert got == expected, (body, got)
                continue
            assert got.get("room") == rid, got
            for key, value in expected.items():
                assert got.get(key) == value, (body, key, got)


def answer_for(offer_sdp: str) -> str:
    """A recvonly answer to one of our subscriber offers, written from the offer's text (enough for the negotiation;
    no ICE or DTLS follows it here)."""
    lines = []
    for line in offer_sdp.replace("\r\n", "\n").split("\n"):
        if not line or line.startswith(("a=candidate", "a=end-of-candidates", "a=ssrc", "a=msid")):
            continue
        line = {"a=setup:actpass": "a=setup:active", "a=sendonly": "a=recvonly"}.get(line, line)
        if line.startswith("a=ice-ufrag:"):
            line = "a=ice-ufrag:pitA"
        if line.startswith("a=ice-pwd:"):
            line = "a=ice-pwd:pitanswerpasswordpitanswer"
        if line.startswith("o="):
            line = "o=- 4242 2 IN IP4 127.0.0.1"
        lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def test_subscription_changes_wait_for_the_answer_to_our_offer(server, backend):
    """Janus 1.1.2's renegotiation rule for subscribers: while our offer is unanswered, `subscribe` (and the other
    list requests) change the subscription but answer `updating` without an offer; the answer (`start`) brings the
    new offer as an `updated` event. A client never gets a second offer while it is still answering the first."""
    with live_feed(server, backend) as (ws, sid, hid, rid, feed, request):
        def send(body, jsep=None):
            r = ws.call("message", sid, hid, body=body, **({"jsep": jsep} if jsep else {}))
            assert r["janus"] == "ack", r
            return r["transaction"]

        tx = send({"request": "join", "room": rid, "ptype": "subscriber", "streams": [{"feed": feed}]})
        attached = ws.event(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event")
        first_offer = attached["jsep"]["sdp"]
        assert first_offer.count("m=") == 2
        tx = send({"request": "subscribe", "streams": [{"feed": feed, "mid": "1"}]})
        updating = ws.event(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event")
        assert updating["plugindata"]["data"] == {"videoroom": "updating", "room": rid} and "jsep" not in updating
        tx = send({"request": "start"}, {"type": "answer", "sdp": answer_for(first_offer)})
        updated = ws.event(sid, lambda m: m.get("janus") == "event" and
                           m.get("plugindata", {}).get("data", {}).get("videoroom") == "updated")
        assert "transaction" not in updated, updated  # an event of its own, not the answer to `start`
        assert updated["jsep"]["type"] == "offer" and updated["jsep"]["sdp"].count("m=") == 3, updated
        assert [s["feed_mid"] for s in updated["plugindata"]["data"]["streams"]] == ["0", "1", "1"]
        started = ws.event(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event")
        assert started["plugindata"]["data"] == {"videoroom": "event", "room": rid, "started": "ok"}
        # Answered: the next change is offered at once again.
        tx = send({"request": "start"}, {"type": "answer", "sdp": answer_for(updated["jsep"]["sdp"])})
        ws.event(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event")
        tx = send({"request": "unsubscribe", "streams": [{"sub_mid": "2"}]})
        again = ws.event(sid, lambda m: m.get("transaction") == tx and m.get("janus") == "event")
        assert again["plugindata"]["data"]["videoroom"] == "updated" and again["jsep"]["type"] == "offer", again
