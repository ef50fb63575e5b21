"""Many concurrent sessions: 200 over one WebSocket and 200 over REST long-poll, each getting exactly its own events."""

import concurrent.futures
import time

from lib.rest import JanusRest, new_transaction

N = 200
ECHOTEST = "janus.plugin.echotest"


def pipelined(ws, bodies, timeout=30.0):
    """Sends every request at once, then collects the reply of each (by transaction); returns them in order."""
    txs = []
    for b in bodies:
        tx = new_transaction()
        ws.send_json({**b, "transaction": tx})
        txs.append(tx)
    wanted = set(txs)
    replies = {}
    deadline = time.monotonic() + timeout
    while wanted:
        m = ws.wait(lambda m: m.get("transaction") in wanted and m.get("janus") in ("success", "error", "ack"),
                    deadline - time.monotonic())
        wanted.discard(m["transaction"])
        replies[m["transaction"]] = m
    return txs, [replies[tx] for tx in txs]


def test_200_sessions_on_one_websocket(ws):
    _, created = pipelined(ws, [{"janus": "create"}] * N)
    assert all(r["janus"] == "success" for r in created), [r for r in created if r["janus"] != "success"][:3]
    sids = [r["data"]["id"] for r in created]
    assert len(set(sids)) == N

    _, attached = pipelined(ws, [{"janus": "attach", "session_id": s, "plugin": ECHOTEST} for s in sids])
    assert all(r["janus"] == "success" for r in attached)
    assert [r["session_id"] for r in attached] == sids
    hids = [r["data"]["id"] for r in attached]

    txs, acks = pipelined(ws, [{"janus": "message", "session_id": s, "handle_id": h, "body": {"audio": True}}
                               for s, h in zip(sids, hids)])
    assert all(a["janus"] == "ack" for a in acks)
    owner = {tx: (s, h) for tx, s, h in zip(txs, sids, hids)}
    seen = set()
    deadline = time.monotonic() + 30
    while len(seen) < N:
        ev = ws.wait(lambda m: m.get("janus") == "event", deadline - time.monotonic())
        tx = ev["transaction"]
        assert tx in owner and tx not in seen, ev
        assert (ev["session_id"], ev["sender"]) == owner[tx], ev
        assert ev["plugindata"]["data"] == {"echotest": "event", "result": "ok"}
        seen.add(tx)
    # All sessions are still there and answer.
    _, keepalives = pipelined(ws, [{"janus": "keepalive", "session_id": s} for s in sids])
    assert all(k["janus"] == "ack" for k in keepalives)


def test_200_sessions_over_rest_longpoll(rest):
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        sids = list(pool.map(lambda _: rest.create(), range(N)))
        hids = list(pool.map(rest.attach, sids))
    assert len(set(sids)) == N

    def poll_own(sid):
        # Each session has its own long-poll connection, parked before its event exists.
        client = JanusRest(rest.host, rest.port)
        r = client.poll(sid, maxev=5, timeout=40)
        assert r.status == 200, r
        return r.json()

    def send(sid_hid):
        sid, hid = sid_hid
        r = rest.send({"janus": "message", "body": {"audio": True}}, sid, hid)
        assert r["janus"] == "ack", r
        return r["transaction"]

    with concurrent.futures.ThreadPoolExecutor(N) as polls, concurrent.futures.ThreadPoolExecutor(20) as senders:
        parked = [polls.submit(poll_own, sid) for sid in sids]
        time.sleep(1.0)
        assert not any(p.done() for p in parked), "long-polls must be held until their session has an event"
        txs = list(senders.map(send, zip(sids, hids)))
        results = [p.result(timeout=40) for p in parked]

    for sid, hid, tx, events in zip(sids, hids, txs, results):
        assert isinstance(events, list) and len(events) == 1, events
        ev = events[0]
        assert ev["janus"] == "event" and ev["transaction"] == tx, ev
        assert ev["session_id"] == sid and ev["sender"] == hid
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        assert all(r["janus"] == "success" for r in pool.map(rest.destroy, sids))
