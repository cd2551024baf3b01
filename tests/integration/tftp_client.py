# A raw TFTP client for the integration tests: builds and parses packets (RFC 1350, 2347,
# 2348, 2349, 7440) and runs bounded transfers over a socket the caller made (in a test
# namespace), so tests can count packets, time answers and misbehave on purpose.
"""Raw TFTP packets and a bounded reference client.

Packets:  rrq(), wrq(), ack(), data(), error() build bytes; parse() turns bytes into a Packet.
Client:   TftpClient(sock, server) sends requests and runs get()/put() transfers whose every
          loop is bounded in packets and time; results keep the packets seen so tests can
          assert on them.
"""

import select
import struct
import time
from dataclasses import dataclass, field

RRQ, WRQ, DATA, ACK, ERROR, OACK = 1, 2, 3, 4, 5, 6
OPNAMES = {RRQ: "RRQ", WRQ: "WRQ", DATA: "DATA", ACK: "ACK", ERROR: "ERROR", OACK: "OACK"}

ENOTFOUND, EACCESS, ENOSPACE, EBADOP, EBADID, EEXISTS, ENOUSER, EOPTNEG = range(1, 9)


class TftpError(Exception):
    """The peer answered with an ERROR packet (code, message), or the transfer failed."""

    def __init__(self, message, code=None, packets=None):
        super().__init__(message)
        self.code = code
        self.packets = packets or []


# ------------------------------------------------------------------ packets

def _options(options):
    """options: dict or list of (name, value) pairs; values are sent as str()."""
    if options is None:
        return b""
    items = options.items() if isinstance(options, dict) else options
    out = b""
    for name, value in items:
        name = name if isinstance(name, bytes) else str(name).encode()
        value = value if isinstance(value, bytes) else str(value).encode()
        out += name + b"\0" + value + b"\0"
    return out


def _name(s):
    return s if isinstance(s, bytes) else s.encode()


def rrq(filename, mode="octet", options=None):
    return struct.pack("!H", RRQ) + _name(filename) + b"\0" + _name(mode) + b"\0" \
        + _options(options)


def wrq(filename, mode="octet", options=None):
    return struct.pack("!H", WRQ) + _name(filename) + b"\0" + _name(mode) + b"\0" \
        + _options(options)


def ack(block):
    return struct.pack("!HH", ACK, block & 0xFFFF)


def data(block, payload):
    return struct.pack("!HH", DATA, block & 0xFFFF) + payload


def error(code, message="test"):
    return struct.pack("!HH", ERROR, code) + _name(message) + b"\0"


@dataclass
class Packet:
    op: int                       # opcode, or -1 when the packet is shorter than one
    raw: bytes
    block: int = None             # DATA, ACK
    payload: bytes = b""          # DATA
    code: int = None              # ERROR
    message: str = None           # ERROR
    options: dict = None          # OACK: lower-case name -> value (str)

    def __repr__(self):
        name = OPNAMES.get(self.op, f"op{self.op}")
        if self.op == DATA:
            return f"<DATA {self.block} len={len(self.payload)}>"
        if self.op == ACK:
            return f"<ACK {self.block}>"
        if self.op == ERROR:
            return f"<ERROR {self.code} {self.message!r}>"
        if self.op == OACK:
            return f"<OACK {self.options}>"
        return f"<{name} {self.raw[:40]!r}>"


def parse(raw):
    if len(raw) < 2:
        return Packet(-1, raw)
    (op,) = struct.unpack("!H", raw[:2])
    p = Packet(op, raw)
    if op in (DATA, ACK) and len(raw) >= 4:
        p.block = struct.unpack("!H", raw[2:4])[0]
        p.payload = raw[4:]
    elif op == ERROR and len(raw) >= 4:
        p.code = struct.unpack("!H", raw[2:4])[0]
        p.message = raw[4:].split(b"\0", 1)[0].decode("latin-1")
    elif op == OACK:
        fields = raw[2:].split(b"\0")
        if fields and fields[-1] == b"":
            fields.pop()
        p.options = {}
        for i in range(0, len(fields) - 1, 2):
            p.options[fields[i].decode("latin-1").lower()] = fields[i + 1].decode("latin-1")
    return p


# ------------------------------------------------------------------ client

@dataclass
class Result:
    """What a get() or put() saw."""
    content: bytes = b""
    oack: dict = None             # options of the OACK, or None when none came
    peer: tuple = None            # the server's transfer address (its TID)
    packets: list = field(default_factory=list)   # every Packet received, in order
    data_blocks: list = field(default_factory=list)  # wire block numbers of DATA received
    seconds: float = 0.0

    def data_count(self):
        return len(self.data_blocks)


class TftpClient:
    """Raw client on a UDP socket the caller owns (made inside a test namespace).

    server: (host, port) of the server's request port. Every wait is bounded by timeout
    (seconds per packet) and every transfer by deadline (seconds) and max_packets."""

    def __init__(self, sock, server, timeout=2.0):
        self.sock = sock
        self.server = server
        self.timeout = timeout

    # -- raw I/O
    def send(self, raw, to=None):
        self.sock.sendto(raw, to or self.server)

    def recv(self, timeout=None):
        """(Packet, address) or (None, None) when nothing arrives in time."""
        timeout = self.timeout if timeout is None else timeout
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not r:
            return None, None
        raw, addr = self.sock.recvfrom(65536)
        return parse(raw), addr

    def recv_from(self, host_ok, timeout=None):
        """Like recv() but skips datagrams from other hosts (not the server's address)."""
        end = time.monotonic() + (self.timeout if timeout is None else timeout)
        for _ in range(10000):
            p, addr = self.recv(end - time.monotonic())
            if p is None or addr[0] == host_ok:
                return p, addr
        return None, None

    def request(self, raw, timeout=None):
        """Send one request; return the first answer (Packet, address) or (None, None)."""
        self.send(raw)
        return self.recv_from(self.server[0], timeout)

    def drain(self, seconds):
        """Every packet that arrives within seconds: [(Packet, address)]."""
        got = []
        end = time.monotonic() + seconds
        for _ in range(100000):
            left = end - time.monotonic()
            if left <= 0:
                break
            p, addr = self.recv(left)
            if p is None:
                break
            got.append((p, addr))
        return got

    # -- transfers
    def get(self, filename, mode="octet", options=None, dup_acks=1, deadline=60.0,
            max_packets=2_000_000, stop_after=None, window=None):
        """Read filename. dup_acks sends every ACK that many times (a duplicate-ACK storm);
        stop_after=N returns after N DATA blocks without acking the Nth (the transfer is
        left to the server's timeouts). window: the blocks per ACK when the OACK grants
        windowsize (default: what it grants). Raises TftpError on an ERROR answer."""
        res = Result()
        start = time.monotonic()
        end = start + deadline
        req = rrq(filename, mode, options)
        self.send(req)
        blksize = 512
        expect = 1              # next block count (64-bit), wire value = expect & 0xFFFF
        acked = 0               # last block count acked
        win = 1
        chunks = []
        retries = 0
        gap_acked = None

        def send_ack(n):
            for _ in range(dup_acks):
                self.send(ack(n), res.peer)

        for _ in range(max_packets):
            now = time.monotonic()
            if now >= end:
                raise TftpError(f"get {filename!r}: no end within {deadline:g}s "
                                f"({expect - 1} blocks)", packets=res.packets)
            p, addr = self.recv(min(self.timeout, end - now))
            if p is None:
                retries += 1
                if retries > 5:
                    raise TftpError(f"get {filename!r}: server silent after block "
                                    f"{expect - 1}", packets=res.packets)
                if res.peer is None:
                    self.send(req)
                else:
                    send_ack(acked if acked == expect - 1 else expect - 1)
                continue
            if addr[0] != self.server[0]:
                continue
            if res.peer is not None and addr != res.peer:
                self.send(error(EBADID, "unknown transfer id"), addr)
                continue
            res.packets.append(p)
            if p.op == ERROR:
                raise TftpError(f"get {filename!r}: ERROR {p.code} {p.message!r}",
                                code=p.code, packets=res.packets)
            if p.op == OACK and res.peer is None:
                res.peer = addr
                res.oack = p.options
                blksize = int(p.options.get("blksize", 512))
                win = window or int(p.options.get("windowsize", 1))
                retries = 0
                send_ack(0)
                continue
            if p.op != DATA:
                continue
            if res.peer is None:
                res.peer = addr
            res.data_blocks.append(p.block)
            retries = 0
            if p.block != expect & 0xFFFF:
                # A repeat of the last block acked (our ACK was lost): ack it again.
                # Out of order (a lost block): ack the last in-order one, once per gap.
                if (expect - 1) & 0xFFFF == p.block:
                    if acked == expect - 1:
                        send_ack(acked)
                elif gap_acked != expect - 1:
                    send_ack(expect - 1)
                    gap_acked = expect - 1
                continue
            gap_acked = None
            chunks.append(p.payload)
            last = len(p.payload) < blksize
            count = expect
            expect += 1
            if stop_after is not None and count >= stop_after:
                res.content = b"".join(chunks)
                res.seconds = time.monotonic() - start
                return res
            if last or count % win == 0:
                send_ack(count)
                acked = count
            if last:
                res.content = b"".join(chunks)
                res.seconds = time.monotonic() - start
                return res
        raise TftpError(f"get {filename!r}: more than {max_packets} packets")

    def finish_lockstep(self, peer, first, blksize=512, max_blocks=10000):
        """Completes a lock-step read the caller started by hand: first is the DATA 1 it
        received from peer. Returns the content; raises TftpError if anything but DATA
        comes (or nothing)."""
        got, block = [first.payload], first.block
        if len(first.payload) < blksize:
            self.send(ack(block), peer)
            return b"".join(got)
        for _ in range(max_blocks):
            self.send(ack(block), peer)
            for _ in range(100):            # skip retransmissions crossing our ACK
                p, _ = self.recv_from(peer[0])
                if p is None or p.op != DATA or p.block != block:
                    break
            if p is None or p.op != DATA or p.block != (block + 1) & 0xFFFF:
                raise TftpError(f"after block {block}: {p!r}", code=getattr(p, "code", None))
            got.append(p.payload)
            block = p.block
            if len(p.payload) < blksize:
                self.send(ack(block), peer)
                return b"".join(got)
        raise TftpError(f"more than {max_blocks} blocks")

    def put(self, filename, content, mode="octet", options=None, blksize=512,
            stop_after=None, deadline=60.0):
        """Write content as filename. stop_after=N sends N DATA blocks and returns without
        finishing (the caller then checks what is visible). Raises TftpError on ERROR."""
        res = Result()
        start = time.monotonic()
        end = start + deadline
        req = wrq(filename, mode, options)
        self.send(req)
        p, addr = self.recv_from(self.server[0])
        if p is None:
            raise TftpError(f"put {filename!r}: no answer to WRQ")
        res.packets.append(p)
        if p.op == ERROR:
            raise TftpError(f"put {filename!r}: ERROR {p.code} {p.message!r}",
                            code=p.code, packets=res.packets)
        if p.op == OACK:
            res.oack = p.options
            blksize = int(p.options.get("blksize", 512))
        elif not (p.op == ACK and p.block == 0):
            raise TftpError(f"put {filename!r}: answer {p!r}", packets=res.packets)
        res.peer = addr
        blocks = [content[i:i + blksize] for i in range(0, len(content), blksize)]
        if len(content) % blksize == 0:
            blocks.append(b"")
        for n, chunk in enumerate(blocks, 1):
            if stop_after is not None and n > stop_after:
                res.seconds = time.monotonic() - start
                return res
            for attempt in range(6):
                if time.monotonic() >= end:
                    raise TftpError(f"put {filename!r}: no end within {deadline:g}s")
                self.send(data(n, chunk), res.peer)
                for _ in range(100):    # skip stale ACKs, boundedly
                    p, addr = self.recv_from(self.server[0])
                    if p is None or p.op == ERROR or (p.op == ACK and p.block == n & 0xFFFF):
                        break
                else:
                    p = None
                if p is None:
                    continue
                res.packets.append(p)
                if p.op == ERROR:
                    raise TftpError(f"put {filename!r}: ERROR {p.code} {p.message!r}",
                                    code=p.code, packets=res.packets)
                break
            else:
                raise TftpError(f"put {filename!r}: block {n} never acked")
        res.seconds = time.monotonic() - start
        return res
