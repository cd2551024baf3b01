#!/usr/bin/env python3
# Answers IPv6 router solicitations on the lab's bridge with a router advertisement that
# announces no router (lifetime 0) and no prefix (RFC 4861 §6.2.6), so PXE firmware that
# waits for an IPv6 router (iPXE: ~13 s) learns at once that there is none.
# usage: ra.py IFACE SECONDS    (answers at most 1000 solicitations, exits after SECONDS)
import select
import socket
import struct
import sys
import time

ND_ROUTER_SOLICIT, ND_ROUTER_ADVERT = 133, 134
ALL_NODES, ALL_ROUTERS = "ff02::1", "ff02::2"
MAX_ANSWERS = 1000


def advert():
    # type, code, checksum (the kernel fills it in), cur hop limit, flags, router lifetime 0,
    # reachable time, retrans timer: and no options.
    return struct.pack("!BBHBBHII", ND_ROUTER_ADVERT, 0, 0, 0, 0, 0, 0, 0)


def main(iface, seconds):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    index = socket.if_nametoindex(iface)
    mreq = socket.inet_pton(socket.AF_INET6, ALL_ROUTERS) + struct.pack("@I", index)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    # RFC 4861 §6.1.2: a router advertisement is sent and accepted with hop limit 255 only.
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
    deadline = time.monotonic() + seconds
    answers = 0
    while answers < MAX_ANSWERS:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if not select.select([s], [], [], left)[0]:
            continue
        data, src = s.recvfrom(1500)
        if not data or data[0] != ND_ROUTER_SOLICIT:
            continue
        try:
            s.sendto(advert(), (ALL_NODES, 0, 0, index))
        except OSError as e:
            print(f"ra.py: router advertisement not sent: {e}", file=sys.stderr)
            continue
        answers += 1
        print(f"ra.py: solicitation from {src[0]}: advertised no router", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: ra.py IFACE SECONDS", file=sys.stderr)
        sys.exit(64)
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
