#!/usr/bin/python3
"""Manual smoke test of a running portunusd over real sockets (REST, WebSocket, Admin API).

usage: api_smoke.py HTTP_PORT WS_PORT ADMIN_HTTP_PORT [ADMIN_WS_PORT]
Start portunusd with --longpoll-keepalive-ms 2000 so the keepalive check is quick. Prints PASS/FAIL lines and
"SMOKE N failed". Not part of `make test` (the integration suite covers the API black-box).
"""
import json, urllib.request, websocket, time, sys, socket, http.client

H = "127.0.0.1"
HP, WP, AP = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
B, A = "http://%s:%d" % (H, HP), "http://%s:%d" % (H, AP)
fails = 0


def check(name, cond, detail=""):
    global fails
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else "  -> " + str(detail)[:400]))
    fails += 0 if cond else 1


def post(url, body=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": ctype})
    try:
        r = urllib.request.urlopen(req, timeout=15)
        return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get(url, timeout=40):
    try:
        r = opener.open(url, timeout=timeout)
        return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers


def J(r):
    return json.loads(r[1])


# --- REST
r = post(B + "/janus", {"janus": "ping", "transaction": "p"})
check("rest ping", J(r) == {"janus": "pong", "transaction": "p"}, r)
r = post(B + "/janus", raw=b"{bad")
check("rest 454 in HTTP 200", J(r)["error"]["code"] == 454 and r[0] == 200, r)
r = post(B + "/janus", {"janus": "create"})
check("rest 456 without transaction echo", J(r)["error"]["code"] == 456 and "transaction" not in J(r), r)
r = post(B + "/janus", {"janus": "ping", "transaction": "p"}, ctype="text/plain")
check("text/plain accepted", J(r)["janus"] == "pong", r)
r = get(B + "/janus/info")
check("GET /janus/info", J(r)["janus"] == "server_info" and "janus.plugin.echotest" in J(r)["plugins"], r)
sid = J(post(B + "/janus", {"janus": "create", "transaction": "c"}))["data"]["id"]
check("session id < 2^53", 0 < sid < 2**53, sid)
hid = J(post(B + "/janus/%d" % sid, {"janus": "attach", "transaction": "a", "plugin": "janus.plugin.echotest"}))["data"]["id"]
r = post(B + "/janus/%d" % sid, {"janus": "keepalive", "transaction": "k", "session_id": 5})
check("457 path/body conflict", J(r)["error"]["code"] == 457 and "Conflicting" in J(r)["error"]["reason"], r)
r = post(B + "/janus/%d/%d" % (sid, hid), {"janus": "message", "transaction": "m1", "body": {"audio": True}})
check("message ack+hint", J(r) == {"janus": "ack", "session_id": sid, "transaction": "m1", "hint": "I'm taking my time!"}, r)
post(B + "/janus/%d/%d" % (sid, hid), {"janus": "message", "transaction": "m2", "body": {"audio": "yes"}})
r = post(B + "/janus/%d/%d" % (sid, hid), {"janus": "trickle", "transaction": "t", "candidate": {
    "candidate": "candidate:1 1 udp 1 198.18.0.2 5 typ host", "sdpMid": "0", "sdpMLineIndex": 0}})
check("trickle ack", J(r)["janus"] == "ack", r)
ev = J(get(B + "/janus/%d?maxev=10" % sid))
check("long poll array (ok + 413 events)", isinstance(ev, list) and len(ev) == 2
      and ev[0]["plugindata"]["data"] == {"echotest": "event", "result": "ok"}
      and ev[1]["plugindata"]["data"]["error_code"] == 413, ev)
r = get(B + "/janus/%d/%d" % (sid, hid))
check("GET handle -> 302", r[0] == 302 and r[2]["Location"] == "/janus/%d" % sid, (r[0], r[2]))
r = get(B + "/janus/424242")
check("GET unknown session -> 404 empty", r[0] == 404 and r[1] == "", r[:2])
t0 = time.time()
r = get(B + "/janus/%d" % sid)
check("keepalive after the poll timeout (%.1fs)" % (time.time() - t0), J(r) == {"janus": "keepalive"}, r[:2])
r = get(B + "/janus/%d?maxev=10" % sid)
check("keepalive in an array when maxev > 1", J(r) == [{"janus": "keepalive"}], r[:2])
r = post(B + "/janus/%d/%d" % (sid, hid), {"janus": "hangup", "transaction": "h"})
check("hangup success", J(r)["janus"] == "success", r)
r = get(B + "/janus/%d" % sid)
check("done event (single object)", J(r)["plugindata"]["data"]["result"] == "done", r)
post(B + "/janus/%d/%d" % (sid, hid), {"janus": "detach", "transaction": "d"})
r = get(B + "/janus/%d?maxev=5" % sid)
check("detached", J(r) == [{"janus": "detached", "session_id": sid, "sender": hid}], r)
c = http.client.HTTPConnection(H, HP)
c.request("OPTIONS", "/janus", headers={"Origin": "http://x", "Access-Control-Request-Method": "POST",
                                        "Access-Control-Request-Headers": "content-type"})
resp = c.getresponse()
resp.read()
check("OPTIONS preflight", resp.status == 200 and resp.getheader("Access-Control-Allow-Origin") == "*"
      and "POST" in resp.getheader("Access-Control-Allow-Methods")
      and resp.getheader("Access-Control-Allow-Headers") == "content-type", resp.getheaders())
big = b'{"janus":"ping","transaction":"' + b"x" * (10 * 1024 * 1024) + b'"}'
try:
    c = http.client.HTTPConnection(H, HP, timeout=20)
    c.request("POST", "/janus", body=big, headers={"Content-Type": "application/json"})
    resp = c.getresponse()
    body = resp.read().decode()
    check("10 MiB body -> 413 + JSON error 450", resp.status == 413 and json.loads(body)["error"]["code"] == 450,
          (resp.status, body[:200]))
except Exception as e:
    check("10 MiB body -> 413 + JSON error 450", False, repr(e))
check("alive after 10 MiB", J(post(B + "/janus", {"janus": "ping", "transaction": "p"}))["janus"] == "pong")
s = socket.create_connection((H, HP))
s.settimeout(10)
s.sendall(b"POST /janus HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
got = b""
try:
    for i in range(160):
        s.sendall(b"%x\r\n" % 65536 + b"x" * 65536 + b"\r\n")
except Exception:
    pass
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
except Exception:
    pass
check("chunked 10 MiB -> 413", got.startswith(b"HTTP/1.1 413"), got[:100])
check("alive after chunked", J(post(B + "/janus", {"janus": "ping", "transaction": "p"}))["janus"] == "pong")

# --- WebSocket
try:
    websocket.create_connection("ws://%s:%d" % (H, WP))
    check("ws without subprotocol refused", False)
except Exception:
    check("ws without subprotocol refused", True)
ws = websocket.create_connection("ws://%s:%d" % (H, WP), subprotocols=["janus-protocol"])
check("ws subprotocol echoed", ws.getsubprotocol() == "janus-protocol", ws.getsubprotocol())


def wsx(m, n=1):
    ws.send(json.dumps(m))
    return [json.loads(ws.recv()) for _ in range(n)]


t0 = time.time()
sessions = [wsx({"janus": "create", "transaction": "c%d" % i})[0]["data"]["id"] for i in range(200)]
handles = {s: wsx({"janus": "attach", "transaction": "a", "session_id": s, "plugin": "janus.plugin.echotest"})[0]["data"]["id"]
           for s in sessions}
ok = True
for s in sessions:
    out = wsx({"janus": "message", "transaction": "m%d" % s, "session_id": s, "handle_id": handles[s], "body": {"video": True}}, 2)
    ok = ok and out[0]["janus"] == "ack" and out[1]["janus"] == "event" and out[1]["transaction"] == "m%d" % s \
        and out[1]["session_id"] == s and out[1]["sender"] == handles[s]
check("200 sessions on one ws: create, attach, ack then event each (%.2fs)" % (time.time() - t0),
      ok and len(set(sessions)) == 200)
r = J(post(A + "/admin", {"janus": "list_sessions", "transaction": "l", "admin_secret": "janusoverlord"}))
check("admin lists the 200 sessions", set(sessions) <= set(r["sessions"]), len(r.get("sessions", [])))
out = wsx({"janus": "keepalive", "transaction": "k"})
check("ws 457 without session_id", out[0]["error"]["code"] == 457, out)
ws.send("not json")
out = json.loads(ws.recv())
check("ws 454 wording", out["error"]["code"] == 454 and out["error"]["reason"].startswith("Invalid Janus API request"), out)
ws.send(b"\x01\x02binary", opcode=websocket.ABNF.OPCODE_BINARY)
out = json.loads(ws.recv())
check("ws binary garbage -> 454", out["error"]["code"] == 454, out)
ws.close()
time.sleep(0.5)
r = J(post(A + "/admin", {"janus": "list_sessions", "transaction": "l", "admin_secret": "janusoverlord"}))
check("ws close destroyed its 200 sessions", not (set(sessions) & set(r["sessions"])), len(r["sessions"]))
ws = websocket.create_connection("ws://%s:%d" % (H, WP), subprotocols=["janus-protocol"])
try:
    ws.send(json.dumps({"janus": "ping", "transaction": "x" * (2 * 1024 * 1024)}))
    ws.settimeout(5)
    op, data = ws.recv_data(control_frame=True)
    code = int.from_bytes(data[:2], "big") if op == websocket.ABNF.OPCODE_CLOSE else None
    check("ws 2 MiB message -> close 1009", code == 1009, (op, data[:20]))
except (BrokenPipeError, ConnectionResetError, websocket.WebSocketConnectionClosedException) as e:
    print("     (server closed the socket while the client was still sending: %s)" % type(e).__name__)
    check("ws 2 MiB message -> socket closed by the server", True)
check("alive after the oversized ws message", J(post(B + "/janus", {"janus": "ping", "transaction": "p"}))["janus"] == "pong")
if len(sys.argv) > 4:
    aw = websocket.create_connection("ws://%s:%s" % (H, sys.argv[4]), subprotocols=["janus-admin-protocol"])
    aw.send(json.dumps({"janus": "get_status", "transaction": "g", "admin_secret": "janusoverlord"}))
    out = json.loads(aw.recv())
    check("admin ws get_status", out["janus"] == "success" and "dataplane" in out["status"], out)
    aw.close()
sid2 = J(post(B + "/janus", {"janus": "create", "transaction": "c"}))["data"]["id"]
hid2 = J(post(B + "/janus/%d" % sid2, {"janus": "attach", "transaction": "a", "plugin": "janus.plugin.echotest",
                                        "opaque_id": "op"}))["data"]["id"]
r = J(post(A + "/admin/%d/%d" % (sid2, hid2), {"janus": "handle_info", "transaction": "h", "admin_secret": "janusoverlord"}))
check("admin handle_info", r["info"]["opaque_id"] == "op" and r["info"]["session_transport"] == "janus.transport.http", r)
print("SMOKE %d failed" % fails)
