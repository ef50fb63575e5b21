#!/usr/bin/python3
"""Manual smoke test of session lifecycles over real sockets: reclaim + claim, session timeout, and the SIGTERM
shutdown (timeout + detached to every session's transport, exit 0). Starts portunusd itself on 127.0.0.1.

usage: lifecycle_smoke.py PATH_TO_PORTUNUSD [BASE_PORT]
"""
import json, os, signal, subprocess, sys, threading, time, urllib.request, websocket

binary = sys.argv[1]
base = int(sys.argv[2]) if len(sys.argv) > 2 else 29000
HP, WP, AP = base + 88, base + 188, base + 77
B = "http://127.0.0.1:%d" % HP
fails = 0


def check(name, cond, detail=""):
    global fails
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else "  -> " + str(detail)[:300]))
    fails += 0 if cond else 1


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    return json.loads(urllib.request.urlopen(req, timeout=10).read())


def start(*extra):
    args = [binary, "--set", "transports.http.address=127.0.0.1", "--set", "transports.http.port=%d" % HP,
            "--set", "transports.ws.address=127.0.0.1", "--set", "transports.ws.port=%d" % WP,
            "--set", "transports.admin_http.port=%d" % AP, *extra]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = [p.stdout.readline() for _ in range(3)]
    check("started: " + " | ".join(l.strip() for l in lines), all("listening" in l for l in lines), lines)
    return p


def ws_connect():
    return websocket.create_connection("ws://127.0.0.1:%d" % WP, subprotocols=["janus-protocol"])


def wsx(ws, m):
    ws.send(json.dumps(m))
    return json.loads(ws.recv())


p = start("--set", "general.session_timeout=4", "--set", "general.reclaim_session_timeout=6")
ws = ws_connect()
s = wsx(ws, {"janus": "create", "transaction": "c"})["data"]["id"]
h = wsx(ws, {"janus": "attach", "transaction": "a", "session_id": s, "plugin": "janus.plugin.echotest"})["data"]["id"]
ws.close()
time.sleep(0.3)
ws2 = ws_connect()
r = wsx(ws2, {"janus": "claim", "transaction": "cl", "session_id": s})
check("claim after the socket closed (reclaim window)", r == {"janus": "success", "session_id": s, "transaction": "cl"}, r)
ws2.send(json.dumps({"janus": "message", "transaction": "m", "session_id": s, "handle_id": h, "body": {"audio": True}}))
a, e = json.loads(ws2.recv()), json.loads(ws2.recv())
check("events follow the claim", a["janus"] == "ack" and e["janus"] == "event" and e["transaction"] == "m", (a, e))
check("claim from REST", post(B + "/janus/%d" % s, {"janus": "claim", "transaction": "c2"})["janus"] == "success")
ws2.close()
ws3 = ws_connect()
s3 = wsx(ws3, {"janus": "create", "transaction": "c"})["data"]["id"]
h3 = wsx(ws3, {"janus": "attach", "transaction": "a", "session_id": s3, "plugin": "janus.plugin.echotest"})["data"]["id"]
t0 = time.time()
ws3.settimeout(15)
m1, m2 = json.loads(ws3.recv()), json.loads(ws3.recv())
dt = time.time() - t0
check("idle session: timeout then detached after %.1fs (timeout 4 s, watchdog 2 s)" % dt,
      m1 == {"janus": "timeout", "session_id": s3} and m2 == {"janus": "detached", "session_id": s3, "sender": h3}
      and 3.5 < dt < 7.5, (m1, m2, dt))
p.send_signal(signal.SIGINT)
check("SIGINT exit code 0", p.wait(10) == 0)

p = start()
ws = ws_connect()
s = wsx(ws, {"janus": "create", "transaction": "c"})["data"]["id"]
h = wsx(ws, {"janus": "attach", "transaction": "a", "session_id": s, "plugin": "janus.plugin.echotest"})["data"]["id"]
rs = post(B + "/janus", {"janus": "create", "transaction": "c"})["data"]["id"]
rh = post(B + "/janus/%d" % rs, {"janus": "attach", "transaction": "a", "plugin": "janus.plugin.echotest"})["data"]["id"]
polled = {}


def poll():
    polled["r"] = json.loads(urllib.request.urlopen(B + "/janus/%d?maxev=5" % rs, timeout=20).read())


t = threading.Thread(target=poll)
t.start()
time.sleep(0.5)
p.send_signal(signal.SIGTERM)
got = []
ws.settimeout(5)
try:
    while True:
        m = ws.recv()
        if not m:
            got.append("socket closed")
            break
        got.append(json.loads(m))
except Exception as ex:
    got.append("socket closed: " + type(ex).__name__)
t.join()
check("SIGTERM: WebSocket session gets timeout, detached, then the socket closes",
      got[:2] == [{"janus": "timeout", "session_id": s}, {"janus": "detached", "session_id": s, "sender": h}]
      and isinstance(got[2], str), got)
check("SIGTERM: REST long poll gets [timeout, detached]",
      polled.get("r") == [{"janus": "timeout", "session_id": rs}, {"janus": "detached", "session_id": rs, "sender": rh}],
      polled)
check("SIGTERM exit code 0", p.wait(10) == 0)
print("LIFECYCLE %d failed" % fails)
