#!/usr/bin/env python3
"""Writes the STUN seeds of tests/fuzz/corpus/stun/: ICE binding requests and responses as browsers and libnice
send them (RFC 5389 header, USERNAME, PRIORITY, ICE-CONTROLLING/-CONTROLLED, USE-CANDIDATE, XOR-MAPPED-ADDRESS,
MESSAGE-INTEGRITY with the fuzzer's short-term password, FINGERPRINT), some with a wrong integrity or fingerprint,
and candidate lines. Usage: make_stun_seeds.py OUT_DIR"""
import hashlib
import hmac
import os
import struct
import sys
import zlib

COOKIE = 0x2112A442
USERNAME = b"ufragL:ufragR"  # the fuzzer's validater knows this one
PASSWORD = b"fuzzpassword0123456789ab"


def attr(kind, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * pad


def message(kind, tid, attrs, integrity=True, fingerprint=True, bad_key=False):
    body = b"".join(attrs)
    if integrity:
        header = struct.pack("!HHI", kind, len(body) + 24, COOKIE) + tid
        key = b"wrong-password" if bad_key else PASSWORD
        body += attr(0x0008, hmac.new(key, header + body, hashlib.sha1).digest())
    if fingerprint:
        header = struct.pack("!HHI", kind, len(body) + 8, COOKIE) + tid
        crc = (zlib.crc32(header + body) ^ 0x5354554E) & 0xFFFFFFFF
        body += attr(0x8028, struct.pack("!I", crc))
    return struct.pack("!HHI", kind, len(body), COOKIE) + tid + body


def xor_address(ip, port):
    a = bytes(int(x) for x in ip.split("."))
    xport = port ^ (COOKIE >> 16)
    xaddr = bytes(b ^ c for b, c in zip(a, struct.pack("!I", COOKIE)))
    return struct.pack("!BBH", 0, 1, xport) + xaddr


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    tid = bytes(range(1, 13))
    request = [attr(0x0006, USERNAME), attr(0x0024, struct.pack("!I", 1853824767)),
               attr(0x802A, struct.pack("!Q", 0x1122334455667788))]
    seeds = {
        "binding-request-controlling": message(0x0001, tid, request),
        "binding-request-use-candidate": message(0x0001, tid, request + [attr(0x0025, b"")]),
        "binding-request-controlled": message(0x0001, tid, [attr(0x0006, USERNAME), attr(0x0024, struct.pack(
            "!I", 2122260223)), attr(0x8029, struct.pack("!Q", 42)), attr(0xC057, struct.pack("!I", 0x00010032))]),
        "binding-request-bad-integrity": message(0x0001, tid, request, bad_key=True),
        "binding-request-no-fingerprint": message(0x0001, tid, request, fingerprint=False),
        "binding-request-unknown-user": message(0x0001, tid, [attr(0x0006, b"someone:else")] + request[1:]),
        "binding-success-response": message(0x0101, tid, [attr(0x0020, xor_address("198.18.0.2", 40000))]),
        "binding-error-response": message(0x0111, tid, [attr(0x0009, struct.pack("!HBB", 0, 4, 87) + b"Role Conflict")]),
        "binding-indication": message(0x0011, tid, [], integrity=False),
        "candidate-host": b"candidate:1 1 udp 2122260223 198.18.0.2 40000 typ host generation 0 ufrag ab12",
        "candidate-srflx": b"a=candidate:2 1 UDP 1686052607 198.51.100.7 50000 typ srflx raddr 198.18.0.2 rport 40000\r\n",
        "candidate-ipv6-tcp": b"candidate:3 1 tcp 1518280447 2001:db8::1 9 typ host tcptype active",
        "candidate-mdns": b"candidate:4 1 udp 2113937151 0c5a51f9-2f6e-4e3b-9d73-8a1b6c2d3e4f.local 54321 typ host",
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
