"""HTTPS and WSS for the Janus API and the Admin API (issue #8), with a throwaway certificate made by `openssl` at
test time and Python's ssl module as the client. Runs against portunusd and against Janus 1.1.2 alike.
"""

from __future__ import annotations

import http.client
import json
import shutil
import ssl
import subprocess

import pytest
import websocket

from lib.rest import new_transaction


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def tls_server(make_server, certificate):
    cert, key = certificate
    return make_server(tls_cert=str(cert), tls_key=str(key))


def client_context(cert) -> ssl.SSLContext:
    """Verifies the server against the throwaway certificate (hostname 127.0.0.1 via its subjectAltName)."""
    ctx = ssl.create_default_context(cafile=str(cert))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def https_post(server, cert, port: int, path: str, body: dict) -> tuple[int, dict]:
    conn = http.client.HTTPSConnection(server.host, port, timeout=10, context=client_context(cert))
    try:
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def wss_connect(server, cert, port: int, protocol: str) -> websocket.WebSocket:
    return websocket.create_connection(f"wss://{server.host}:{port}/", timeout=10, subprotocols=[protocol],
                                       sslopt={"context": client_context(cert)})


def wss_request(ws: websocket.WebSocket, body: dict) -> dict:
    body = {"transaction": new_transaction(), **body}
    ws.send(json.dumps(body))
    while True:
        m = json.loads(ws.recv())
        if m.get("transaction") == body["transaction"]:
            return m


def test_https_janus_api(tls_server, certificate):
    cert, _ = certificate
    e = tls_server.endpoints
    status, r = https_post(tls_server, cert, e.https_port, e.http_path, {"janus": "create", "transaction": "t1"})
    assert status == 200 and r["janus"] == "success", r
    sid = r["data"]["id"]
    status, r = https_post(tls_server, cert, e.https_port, f"{e.http_path}/{sid}",
                           {"janus": "attach", "plugin": "janus.plugin.echotest", "transaction": "t2"})
    assert status == 200 and r["janus"] == "success", r
    # Long poll over HTTPS: the session's events are there.
    hid = r["data"]["id"]
    status, r = https_post(tls_server, cert, e.https_port, f"{e.http_path}/{sid}/{hid}",
                           {"janus": "message", "body": {"audio": True}, "transaction": "t3"})
    assert r["janus"] == "ack", r
    conn = http.client.HTTPSConnection(tls_server.host, e.https_port, timeout=10, context=client_context(cert))
    conn.request("GET", f"{e.http_path}/{sid}?maxev=1")
    event = json.loads(conn.getresponse().read())
    conn.close()
    assert event["janus"] == "event" and event["transaction"] == "t3", event
    # The plain endpoint still serves the same sessions.
    plain = http.client.HTTPConnection(tls_server.host, e.http_port, timeout=10)
    plain.request("POST", f"{e.http_path}/{sid}", body=json.dumps({"janus": "keepalive", "transaction": "t4"}))
    assert json.loads(plain.getresponse().read())["janus"] == "ack"
    plain.close()


def test_wss_janus_api(tls_server, certificate):
    cert, _ = certificate
    ws = wss_connect(tls_server, cert, tls_server.endpoints.wss_port, "janus-protocol")
    try:
        assert ws.getsubprotocol() == "janus-protocol"
        r = wss_request(ws, {"janus": "create"})
        assert r["janus"] == "success", r
        sid = r["data"]["id"]
        r = wss_request(ws, {"janus": "attach", "session_id": sid, "plugin": "janus.plugin.echotest"})
        assert r["janus"] == "success", r
        hid = r["data"]["id"]
        tx = new_transaction()
        ws.send(json.dumps({"janus": "message", "session_id": sid, "handle_id": hid, "transaction": tx,
                            "body": {"audio": True}}))
        seen = [json.loads(ws.recv()) for _ in range(2)]  # the ack and the plugin's event, in either order
        assert sorted(m["janus"] for m in seen) == ["ack", "event"], seen
    finally:
        ws.close()


def test_admin_over_https_and_wss(tls_server, certificate):
    cert, _ = certificate
    e = tls_server.endpoints
    secret = tls_server.config.admin_secret
    status, r = https_post(tls_server, cert, e.admin_https_port, e.admin_path,
                           {"janus": "list_sessions", "transaction": "a1", "admin_secret": secret})
    assert status == 200 and r["janus"] == "success" and "sessions" in r, r
    ws = wss_connect(tls_server, cert, e.admin_wss_port, "janus-admin-protocol")
    try:
        r = wss_request(ws, {"janus": "get_status", "admin_secret": secret})
        assert r["janus"] == "success" and "status" in r, r
    finally:
        ws.close()


def test_plain_text_on_a_tls_port_is_refused_and_tls_keeps_serving(tls_server, certificate):
    cert, _ = certificate
    e = tls_server.endpoints
    plain = http.client.HTTPConnection(tls_server.host, e.https_port, timeout=5)
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        plain.request("POST", e.http_path, body=json.dumps({"janus": "ping", "transaction": "p"}))
        plain.getresponse().read()
    plain.close()
    # An untrusted client (no CA) fails its handshake; the server is unharmed.
    with pytest.raises(ssl.SSLError):
        http.client.HTTPSConnection(tls_server.host, e.https_port, timeout=5,
                                    context=ssl.create_default_context()).request("GET", "/janus/info")
    status, r = https_post(tls_server, cert, e.https_port, e.http_path, {"janus": "ping", "transaction": "p2"})
    assert status == 200 and r["janus"] == "pong"
