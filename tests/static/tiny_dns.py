#!/usr/bin/env python3
"""A one-name DNS server over UDP, for the static-binary tests.

Usage: tiny_dns.py LISTEN_IP NAME ADDRESS_V4
Answers A queries for NAME with ADDRESS_V4, other types of NAME with no
records, and anything else with NXDOMAIN; prints "ready" once bound, then
"query <name>" for each question, and serves until killed. Shows that the static binary asks the nameserver of
/etc/resolv.conf itself (no glibc NSS).
"""
import socket
import struct
import sys


def question_of(packet):
    labels, offset = [], 12
    while packet[offset]:
        length = packet[offset]
        labels.append(packet[offset + 1:offset + 1 + length].decode().lower())
        offset += 1 + length
    qtype = struct.unpack("!H", packet[offset + 1:offset + 3])[0]
    return ".".join(labels), qtype, offset + 5


def answer(packet, name, address):
    asked, qtype, end = question_of(packet)
    ident = packet[:2]
    known = asked == name.lower()
    flags = 0x8180 if known else 0x8183  # response, recursion available; NXDOMAIN when unknown
    records = known and qtype == 1
    header = ident + struct.pack("!HHHHH", flags, 1, 1 if records else 0, 0, 0)
    reply = header + packet[12:end]
    if records:
        reply += struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(address)
    return reply


def main():
    listen, name, address = sys.argv[1:4]
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((listen, 53))
    print("ready", flush=True)
    while True:
        packet, peer = server.recvfrom(512)
        print("query", question_of(packet)[0], flush=True)
        server.sendto(answer(packet, name, address), peer)


main()
