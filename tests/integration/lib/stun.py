"""A STUN server for the Admin API's test_stun: RFC 5389 Binding requests on a loopback UDP port, each answered with
the XOR-MAPPED-ADDRESS of its source (what any public STUN server answers). `mode` makes it misbehave instead:
"garbage" answers bytes that are no STUN, "other" answers a Binding success for another transaction id, "error"
answers a 400 error response, "silent" answers nothing."""
import os
import socket
import struct
import threading

MAGIC = 0x2112A442


class StunServer:
    def __init__(self, mode: str = "answer"):
        self.mode = mode
        self.requests = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop = True
        self._thread.join()
        self.sock.close()

    def _serve(self):
        while not self._stop:
            try:
                data, (ip, port) = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            if len(data) < 20:
                continue
            kind, _length, cookie = struct.unpack("!HHI", data[:8])
            txid = data[8:20]
            if kind != 0x0001 or cookie != MAGIC:
                continue
            self.requests += 1
            reply = self._reply(txid, ip, port)
            if reply:
                self.sock.sendto(reply, (ip, port))

    def _reply(self, txid: bytes, ip: str, port: int) -> bytes | None:
        if self.mode == "silent":
            return None
        if self.mode == "garbage":
            return os.urandom(64)
        if self.mode == "error":  # ERROR-CODE 400 Bad Request
            reason = b"Bad Request"
            value = struct.pack("!HBB", 0, 4, 0) + reason + b"\0" * (-len(reason) % 4)
            attr = struct.pack("!HH", 0x0009, 4 + len(reason)) + value
            return struct.pack("!HHI", 0x0111, len(attr), MAGIC) + txid + attr
        if self.mode == "other":
            txid = bytes(b ^ 0xFF for b in txid)
        xport = port ^ (MAGIC >> 16)
        xaddr = struct.unpack("!I", socket.inet_aton(ip))[0] ^ MAGIC
        attr = struct.pack("!HHBBHI", 0x0020, 8, 0, 0x01, xport, xaddr)
        return struct.pack("!HHI", 0x0101, len(attr), MAGIC) + txid + attr


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
