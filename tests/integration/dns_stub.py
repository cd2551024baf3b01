# A DNS server for tests (RFC 1035 over UDP): answers A, AAAA and PTR from tables the test
# writes, NXDOMAIN for other names, and never answers the names it is told to ignore, so a
# resolver pointed at it can be made to wait out its timeout.
"""DnsStub: one UDP socket in a namespace, served by a thread until close()."""

import ipaddress
import socket
import struct
import threading

TYPE_A, TYPE_PTR, TYPE_AAAA = 1, 12, 28
RCODE_NXDOMAIN = 3


def reverse_name(addr):
    """The PTR owner name of an address: 2.1.77.10.in-addr.arpa or the ip6.arpa nibbles."""
    return ipaddress.ip_address(addr).reverse_pointer


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def decode_question(msg):
    """(qname lower case, qtype, offset after the question) of a query."""
    pos, labels = 12, []
    while msg[pos]:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    qtype = struct.unpack(">H", msg[pos + 1:pos + 3])[0]
    return ".".join(labels).lower(), qtype, pos + 5


class DnsStub:
    """Serves on sock (a bound UDP socket). hosts maps a name to its addresses (forward),
    ptr maps an address to a name (reverse: free to disagree with hosts, as a forged PTR
    does); queries for a name in ignore get no answer."""

    def __init__(self, sock, hosts=None, ptr=None, ignore=()):
        self.sock = sock
        self.hosts = {k.lower(): list(v) for k, v in (hosts or {}).items()}
        self.ptr = {reverse_name(a): n for a, n in (ptr or {}).items()}
        self.ignore = {reverse_name(a) if _is_addr(a) else a.lower() for a in ignore}
        self.queries = []
        self._stop = threading.Event()
        self.sock.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, name="dns-stub", daemon=True)
        self._thread.start()

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                msg, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                reply = self.answer(msg)
            except (IndexError, struct.error, UnicodeError):
                continue
            if reply is not None:
                self.sock.sendto(reply, peer)

    def answer(self, msg):
        qname, qtype, end = decode_question(msg)
        self.queries.append((qname, qtype))
        if qname in self.ignore:
            return None
        records = []
        if qtype == TYPE_PTR and qname in self.ptr:
            records.append((TYPE_PTR, encode_name(self.ptr[qname])))
        for addr in self.hosts.get(qname, ()):
            ip = ipaddress.ip_address(addr)
            if (qtype, ip.version) in ((TYPE_A, 4), (TYPE_AAAA, 6)):
                records.append((qtype, ip.packed))
        known = qname in self.ptr or qname in self.hosts
        flags = 0x8180 | (0 if known else RCODE_NXDOMAIN)   # response, RD, RA
        out = msg[:2] + struct.pack(">HHHHH", flags, 1, len(records), 0, 0) + msg[12:end]
        for rtype, rdata in records:
            # the owner is the question's name (a pointer to offset 12), class IN, TTL 60
            out += struct.pack(">HHHIH", 0xC00C, rtype, 1, 60, len(rdata)) + rdata
        return out


def _is_addr(s):
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False
