#!/usr/bin/env python3
"""Hostile traffic at an appliance, run inside the client namespace next to a live PeerConnection (DESIGN §6 lab).

Phases, interleaved for --duration seconds at about --rate packets/s in total:
  random   random-length random-content UDP from random source ports to random ports of the media port range
  forged   the live flow's SRTP/SRTCP (captured from the peer) with payload or auth tag bytes flipped and an unseen
           RTP sequence number, sent with the peer's own 5-tuple through a raw IP_HDRINCL socket
  trunc    live packets with an unseen sequence number cut short (in the RTP header, the payload, the auth tag)
  replay   live packets resent verbatim
  ssrc     live packets with their SSRC changed (no inbound stream owns it)
  stun     STUN binding requests with a wrong USERNAME and a bad MESSAGE-INTEGRITY, from the peer's 5-tuple and from
           random ports
The live packets come from an AF_PACKET capture on the client's link during the first --capture seconds.
Prints one JSON object: packets thrown per kind and packets captured.

Usage: storm.py --dev IF --src IP --dst IP --sport P --dport P --range MIN-MAX [--duration S] [--rate PPS]
"""
import argparse
import json
import os
import random
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003  # outgoing frames reach only ETH_P_ALL packet sockets


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_datagram(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    """IPv4 + UDP with a correct UDP checksum (the kernel behind the exception tap verifies it)."""
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    csum = checksum(pseudo + struct.pack("!HHHH", sport, dport, length, 0) + payload) or 0xFFFF
    udp = struct.pack("!HHHH", sport, dport, length, csum) + payload
    # IP_HDRINCL: the kernel fills the IP checksum and id when they are zero.
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0x4000, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + udp


def capture(dev: str, src: str, dst: str, sport: int, dport: int, seconds: float) -> list[bytes]:
    """UDP payloads the peer sends on the live 5-tuple (its SRTP and SRTCP), seen on the client's link."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((dev, 0))
    s.settimeout(0.2)
    want = (socket.inet_aton(src), socket.inet_aton(dst), sport, dport)
    out = []
    deadline = time.time() + seconds
    while time.time() < deadline and len(out) < 2000:
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] != socket.PACKET_OUTGOING:
            continue
        ip = frame[14:]
        if frame[12:14] != b"\x08\x00" or len(ip) < 28 or ip[9] != socket.IPPROTO_UDP:
            continue
        ihl = (ip[0] & 0x0F) * 4
        sp, dp = struct.unpack("!HH", ip[ihl:ihl + 4])
        if (ip[12:16], ip[16:20], sp, dp) != want:
            continue
        payload = ip[ihl + 8:]
        if payload and 128 <= payload[0] <= 191:  # RTP/RTCP (RFC 7983), not STUN/DTLS
            out.append(bytes(payload))
    s.close()
    return out


def stun_bad_integrity(rng: random.Random) -> bytes:
    username = b"nobody:" + bytes(rng.choice(b"abcdefghijklmnop") for _ in range(8))
    attrs = struct.pack("!HH", 0x0006, len(username)) + username + b"\0" * ((4 - len(username) % 4) % 4)
    attrs += struct.pack("!HHI", 0x0024, 4, 1853824767)
    attrs += struct.pack("!HH", 0x0008, 20) + rng.randbytes(20)  # MESSAGE-INTEGRITY that cannot verify
    return struct.pack("!HHI", 0x0001, len(attrs), 0x2112A442) + rng.randbytes(12) + attrs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--sport", type=int, required=True)
    ap.add_argument("--dport", type=int, required=True)
    ap.add_argument("--range", required=True)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=2000.0)
    ap.add_argument("--capture", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=8)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    lo, hi = (int(x) for x in a.range.split("-"))

    live = capture(a.dev, a.src, a.dst, a.sport, a.dport, a.capture)
    if not live:
        print(json.dumps({"error": "captured no live packet"}))
        return 1
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def live_send(payload: bytes):
        raw.sendto(udp_datagram(a.src, a.dst, a.sport, a.dport, payload), (a.dst, 0))

    def is_rtcp(p) -> bool:
        return 64 <= p[1] & 0x7F <= 95  # RFC 5761: RTCP packet types 192..223

    def ahead(p: bytearray) -> bytearray:
        """An RTP sequence number the receiver has not seen yet, so the packet passes the replay check and meets
        the authentication check (RFC 3711 checks replay first)."""
        if len(p) >= 12 and not is_rtcp(p):
            seq = (struct.unpack("!H", p[2:4])[0] + rng.randint(500, 2000)) & 0xFFFF
            p[2:4] = struct.pack("!H", seq)
        return p

    def forged():
        p = ahead(bytearray(rng.choice(live)))
        start = 8 if is_rtcp(p) else 12
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(min(start, len(p) - 1), len(p))
            p[i] ^= 1 << rng.randrange(8)
        live_send(bytes(p))

    def trunc():
        p = ahead(bytearray(rng.choice(live)))
        live_send(bytes(p[:rng.randrange(0, len(p))]))

    def replay():
        live_send(rng.choice(live))

    def ssrc():
        p = bytearray(rng.choice(live))
        if len(p) >= 12 and not 64 <= p[1] & 0x7F <= 95:
            p[8:12] = rng.randbytes(4)
        live_send(bytes(p))

    def rand():
        port = rng.randint(lo, hi)
        payload = rng.randbytes(rng.randint(0, 1200))
        if rng.random() < 0.5 and payload:  # half of it looks like RTP/RTCP at first glance
            payload = bytes([0x80 | (payload[0] & 0x3F)]) + payload[1:]
        sport = rng.randint(1024, 65535)
        raw.sendto(udp_datagram(a.src, a.dst, sport, port, payload), (a.dst, 0))

    def stun():
        if rng.random() < 0.5:
            live_send(stun_bad_integrity(rng))
        else:
            udp.sendto(stun_bad_integrity(rng), (a.dst, rng.randint(lo, hi)))

    kinds = {"random": rand, "forged": forged, "trunc": trunc, "replay": replay, "ssrc": ssrc, "stun": stun}
    thrown = {k: 0 for k in kinds}
    names = list(kinds)
    interval = 1.0 / a.rate
    start = time.time()
    n = 0
    while time.time() - start < a.duration:
        k = names[n % len(names)]
        try:
            kinds[k]()
            thrown[k] += 1
        except OSError:
            pass  # e.g. ENOBUFS under the flood: not thrown, not counted
        n += 1
        # Paced: the flood is sustained for the whole duration, not one burst.
        behind = start + n * interval - time.time()
        if behind > 0:
            time.sleep(behind)
    print(json.dumps({"captured": len(live), "thrown": thrown, "total": sum(thrown.values()),
                      "seconds": round(time.time() - start, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
