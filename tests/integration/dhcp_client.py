# A raw DHCPv4 client for the integration tests: builds and decodes messages (RFC 2131,
# 2132, 3396, 4578) with struct only, and runs bounded exchanges from inside a test
# namespace, so tests can pick every field, misbehave on purpose and see every reply.
"""Raw DHCPv4 messages and a bounded client for use inside a test namespace.

Messages: Message holds the fixed fields and the options (code -> bytes, in order);
          encode() gives the wire bytes, decode() parses them back, following option
          overload (52) into file and sname and joining split options (RFC 3396).
          discover(), request(), decline(), release(), inform() build client messages.
Client:   DhcpClient(ns, ifname) sends from UDP port 68 (or 67, as a fake relay) on one
          interface of a namespace and hears every IPv4/UDP datagram for its port on that
          link through a packet socket (so unicast replies to a yiaddr or chaddr the
          interface does not own are seen too). Every wait is bounded in time.
Hostile:  send_raw() puts any bytes on port 67; the hostile_*() builders make the classic
          malformed messages.
"""

import ipaddress
import os
import select
import socket
import struct
import time
from dataclasses import dataclass, field

SERVER_PORT, CLIENT_PORT, PXE_PORT = 67, 68, 4011
BOOTREQUEST, BOOTREPLY = 1, 2
MAGIC = b"\x63\x82\x53\x63"
FLAG_BROADCAST = 0x8000

# RFC 2132 §9.6 message types.
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = range(1, 9)
TYPE_NAMES = {DISCOVER: "DISCOVER", OFFER: "OFFER", REQUEST: "REQUEST", DECLINE: "DECLINE",
              ACK: "ACK", NAK: "NAK", RELEASE: "RELEASE", INFORM: "INFORM"}

OPT_PAD, OPT_END = 0, 255
OPT_SUBNET_MASK = 1
OPT_ROUTER = 3
OPT_DNS = 6
OPT_HOSTNAME = 12
OPT_DOMAIN = 15
OPT_MTU = 26
OPT_NTP = 42
OPT_VENDOR = 43
OPT_REQUESTED_IP = 50
OPT_LEASE_TIME = 51
OPT_OVERLOAD = 52
OPT_MSG_TYPE = 53
OPT_SERVER_ID = 54
OPT_PARAM_LIST = 55
OPT_MESSAGE = 56
OPT_MAX_SIZE = 57
OPT_RENEWAL = 58
OPT_REBINDING = 59
OPT_VENDOR_CLASS = 60
OPT_CLIENT_ID = 61
OPT_TFTP_SERVER = 66
OPT_BOOTFILE = 67
OPT_USER_CLASS = 77
OPT_CLIENT_ARCH = 93     # RFC 4578 §2.1
OPT_CLIENT_NDI = 94      # RFC 4578 §2.2
OPT_UUID = 97            # RFC 4578 §2.3
OPT_PXELINUX_CONFIG = 209

# RFC 4578 §2.1 / IANA processor architecture types.
ARCH_BIOS, ARCH_EFI_IA32, ARCH_EFI_BC, ARCH_EFI_X64 = 0, 6, 7, 9
ARCH_EFI_ARM64, ARCH_HTTP_X64, ARCH_HTTP_ARM64 = 11, 16, 19

# What iPXE asks for (lab-notes.md), a realistic PXE parameter request list.
PXE_PARAMS = [1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 128, 129, 130, 131, 132,
              133, 134, 135, 175, 203]
BASIC_PARAMS = [1, 3, 6, 12, 15, 28, 42, 51, 54, 58, 59]

FIXED = struct.Struct("!BBBBIHH4s4s4s4s16s64s128s")   # 236 octets, RFC 2131 §2
assert FIXED.size == 236


class DecodeError(ValueError):
    pass


# ------------------------------------------------------------------ values

def ip_bytes(addr):
    return socket.inet_aton(str(addr)) if addr else b"\0\0\0\0"


def ip_str(b):
    return socket.inet_ntoa(b)


def ips(b):
    """A list of addresses from an option value (4 octets each)."""
    if b is None:
        return []
    return [ip_str(b[i:i + 4]) for i in range(0, len(b) - len(b) % 4, 4)]


def u32(b):
    return struct.unpack("!I", b)[0] if b is not None and len(b) == 4 else None


def mac_bytes(mac):
    """'52:54:00:12:34:56' (or bytes) -> bytes."""
    if isinstance(mac, (bytes, bytearray)):
        return bytes(mac)
    return bytes(int(x, 16) for x in mac.replace("-", ":").split(":"))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def lab_mac(n, prefix=(0x52, 0x54, 0x00)):
    """A locally administered MAC numbered n (n < 2**24): 52:54:00:xx:xx:xx."""
    return bytes(prefix) + n.to_bytes(3, "big")


def client_id_for(mac):
    """Option 61 as most clients send it: hardware type 1 + MAC (RFC 2132 §9.14)."""
    return b"\x01" + mac_bytes(mac)


def arch_opt(arch):
    return struct.pack("!H", arch)


def pxe_vendor_class(arch=ARCH_BIOS, undi="003016"):
    """Option 60 as PXE firmware sends it (PXE 2.1 spec): PXEClient:Arch:xxxxx:UNDI:yyyzzz."""
    return f"PXEClient:Arch:{arch:05d}:UNDI:{undi}".encode()


def _value(v):
    """An option value given as bytes, str, int (one octet) or list of ints (octets)."""
    if v is None:
        return None
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    if isinstance(v, str):
        return v.encode()
    if isinstance(v, int):
        return bytes([v])
    return bytes(v)


# ------------------------------------------------------------------ messages

@dataclass
class Message:
    op: int = BOOTREQUEST
    htype: int = 1
    hlen: int = 6
    hops: int = 0
    xid: int = 0
    secs: int = 0
    flags: int = 0
    ciaddr: str = "0.0.0.0"
    yiaddr: str = "0.0.0.0"
    siaddr: str = "0.0.0.0"
    giaddr: str = "0.0.0.0"
    chaddr: bytes = b""              # hlen octets (16 at most on the wire)
    sname: bytes = b""               # up to the first NUL, unless overloaded
    file: bytes = b""                # up to the first NUL, unless overloaded
    options: dict = field(default_factory=dict)     # code -> bytes, in insertion order
    option_order: list = field(default_factory=list)  # codes as first seen on the wire
    overload: int = 0                # option 52 as decoded (0: none)
    magic_ok: bool = True
    # Filled by the client on receipt:
    src: tuple = None                # (ip, port) it came from
    dst: tuple = None                # (ip, port) it was sent to
    eth_dst: bytes = None            # the frame's destination MAC
    raw: bytes = b""

    # -- options
    def opt(self, code):
        return self.options.get(code)

    def set(self, code, value):
        v = _value(value)
        if v is None:
            self.options.pop(code, None)
        else:
            self.options[code] = v
        return self

    @property
    def type(self):
        v = self.options.get(OPT_MSG_TYPE)
        return v[0] if v else None

    @property
    def type_name(self):
        return TYPE_NAMES.get(self.type, f"type {self.type}")

    @property
    def server_id(self):
        v = self.options.get(OPT_SERVER_ID)
        return ip_str(v) if v and len(v) == 4 else None

    @property
    def lease_time(self):
        return u32(self.options.get(OPT_LEASE_TIME))

    @property
    def routers(self):
        return ips(self.options.get(OPT_ROUTER))

    @property
    def dns(self):
        return ips(self.options.get(OPT_DNS))

    @property
    def subnet_mask(self):
        v = self.options.get(OPT_SUBNET_MASK)
        return ip_str(v) if v and len(v) == 4 else None

    @property
    def vendor_class(self):
        return self.options.get(OPT_VENDOR_CLASS)

    @property
    def boot_file(self):
        """The boot file name: option 67 if present, else the file field."""
        v = self.options.get(OPT_BOOTFILE)
        if v:
            return v.rstrip(b"\0").decode("latin-1")
        return self.file.decode("latin-1") if self.file and not self.overload & 1 else ""

    @property
    def broadcast(self):
        return bool(self.flags & FLAG_BROADCAST)

    def __repr__(self):
        return (f"<DHCP {self.type_name} xid={self.xid:#x} chaddr={mac_str(self.chaddr)} "
                f"ciaddr={self.ciaddr} yiaddr={self.yiaddr} siaddr={self.siaddr} "
                f"giaddr={self.giaddr} flags={self.flags:#x} file={self.file!r} "
                f"sname={self.sname!r} opts={ {k: v for k, v in self.options.items()} } "
                f"src={self.src} dst={self.dst}>")

    # -- wire
    def encode(self, end=True, pad_to=300):
        """The message on the wire: options in insertion order, each longer than 255
        octets split in parts (RFC 3396), END, then padding to pad_to octets (BOOTP's
        300-octet minimum that some relays and servers expect)."""
        head = FIXED.pack(self.op, self.htype, self.hlen, self.hops, self.xid & 0xFFFFFFFF,
                          self.secs, self.flags, ip_bytes(self.ciaddr), ip_bytes(self.yiaddr),
                          ip_bytes(self.siaddr), ip_bytes(self.giaddr),
                          bytes(self.chaddr)[:16], bytes(self.sname)[:64],
                          bytes(self.file)[:128])
        out = head + MAGIC + encode_options(self.options.items())
        if end:
            out += bytes([OPT_END])
        if len(out) < pad_to:
            out += bytes(pad_to - len(out))
        return out


def encode_options(items):
    out = b""
    for code, value in items:
        value = _value(value)
        if code in (OPT_PAD, OPT_END):
            out += bytes([code])
            continue
        if not value:
            out += bytes([code, 0])
            continue
        for i in range(0, len(value), 255):
            part = value[i:i + 255]
            out += bytes([code, len(part)]) + part
    return out


def _parse_options(buf, into, order, where):
    """Options from buf into `into` (joined per RFC 3396); returns the overload value if
    an option 52 was seen here. Padding is skipped; END or the buffer's end stops."""
    i, overload = 0, 0
    while i < len(buf):
        code = buf[i]
        if code == OPT_PAD:
            i += 1
            continue
        if code == OPT_END:
            return overload
        if i + 1 >= len(buf):
            raise DecodeError(f"{where}: option {code} has no length octet")
        n = buf[i + 1]
        if i + 2 + n > len(buf):
            raise DecodeError(f"{where}: option {code} length {n} runs past the end")
        value = buf[i + 2:i + 2 + n]
        if code in into:
            into[code] += value
        else:
            into[code] = value
            order.append(code)
        if code == OPT_OVERLOAD and n == 1:
            overload = value[0]
        i += 2 + n
    return overload


def decode(data):
    """Parse a DHCP message; raises DecodeError on anything malformed."""
    if len(data) < FIXED.size + 4:
        raise DecodeError(f"{len(data)} octets: shorter than a DHCP message")
    (op, htype, hlen, hops, xid, secs, flags, ci, yi, si, gi, chaddr, sname,
     file) = FIXED.unpack_from(data)
    m = Message(op=op, htype=htype, hlen=hlen, hops=hops, xid=xid, secs=secs, flags=flags,
                ciaddr=ip_str(ci), yiaddr=ip_str(yi), siaddr=ip_str(si), giaddr=ip_str(gi),
                chaddr=chaddr[:min(hlen, 16)], raw=bytes(data))
    m.magic_ok = data[FIXED.size:FIXED.size + 4] == MAGIC
    if not m.magic_ok:
        raise DecodeError("no DHCP magic cookie")
    overload = _parse_options(data[FIXED.size + 4:], m.options, m.option_order, "options")
    # RFC 2131 §4.1: the options field first, then file, then sname.
    if overload & 1:
        _parse_options(file, m.options, m.option_order, "file")
    if overload & 2:
        _parse_options(sname, m.options, m.option_order, "sname")
    m.overload = overload
    m.file = b"" if overload & 1 else file.split(b"\0", 1)[0]
    m.sname = b"" if overload & 2 else sname.split(b"\0", 1)[0]
    return m


def new_xid():
    return struct.unpack("!I", os.urandom(4))[0]


def _request_base(msg_type, mac, xid=None, client_id=None, vendor_class=None, arch=None,
                  user_class=None, params=None, max_size=None, broadcast=True, ciaddr=None,
                  giaddr=None, hops=0, hostname=None, secs=0, extra=None, uuid=None):
    """A client message: type first, then the usual options in the order firmware uses.
    client_id=True sends 01+MAC; bytes sends those; None sends none."""
    mac = mac_bytes(mac)
    m = Message(op=BOOTREQUEST, htype=1, hlen=len(mac), hops=hops,
                xid=new_xid() if xid is None else xid, secs=secs,
                flags=FLAG_BROADCAST if broadcast else 0, ciaddr=ciaddr or "0.0.0.0",
                giaddr=giaddr or "0.0.0.0", chaddr=mac)
    m.set(OPT_MSG_TYPE, msg_type)
    if max_size:
        m.set(OPT_MAX_SIZE, struct.pack("!H", max_size))
    if client_id is True:
        m.set(OPT_CLIENT_ID, client_id_for(mac))
    elif client_id:
        m.set(OPT_CLIENT_ID, client_id)
    if hostname:
        m.set(OPT_HOSTNAME, hostname)
    if arch is not None:
        m.set(OPT_CLIENT_ARCH, arch_opt(arch) if isinstance(arch, int) else arch)
        m.set(OPT_CLIENT_NDI, b"\x01\x02\x01")
    if uuid is not None:
        m.set(OPT_UUID, b"\0" + uuid)
    if vendor_class is not None:
        m.set(OPT_VENDOR_CLASS, vendor_class)
    if user_class is not None:
        m.set(OPT_USER_CLASS, user_class)
    if params is not None:
        m.set(OPT_PARAM_LIST, bytes(params))
    for code, value in (extra or {}).items() if isinstance(extra, dict) else (extra or ()):
        m.set(code, value)
    return m


def discover(mac, requested=None, **kw):
    m = _request_base(DISCOVER, mac, **kw)
    if requested:
        m.set(OPT_REQUESTED_IP, ip_bytes(requested))
    return m


def request(mac, requested=None, server_id=None, **kw):
    """SELECTING: requested + server_id; INIT-REBOOT: requested only; RENEWING and
    REBINDING: ciaddr= and neither (RFC 2131 §4.3.2)."""
    m = _request_base(REQUEST, mac, **kw)
    if requested:
        m.set(OPT_REQUESTED_IP, ip_bytes(requested))
    if server_id:
        m.set(OPT_SERVER_ID, ip_bytes(server_id))
    return m


def decline(mac, address, server_id, **kw):
    """RFC 2131 §4.4.3: requested address = the address found in use; ciaddr 0."""
    kw.setdefault("broadcast", False)
    m = _request_base(DECLINE, mac, **kw)
    m.set(OPT_REQUESTED_IP, ip_bytes(address))
    m.set(OPT_SERVER_ID, ip_bytes(server_id))
    return m


def release(mac, address, server_id, **kw):
    """RFC 2131 §4.4.6: ciaddr = the address released; unicast to the server."""
    kw.setdefault("broadcast", False)
    m = _request_base(RELEASE, mac, ciaddr=address, **kw)
    m.set(OPT_SERVER_ID, ip_bytes(server_id))
    return m


def inform(mac, ciaddr, **kw):
    kw.setdefault("broadcast", False)
    return _request_base(INFORM, mac, ciaddr=ciaddr, **kw)


# ------------------------------------------------------------------ hostile messages

def _valid_head(mac=b"\x52\x54\x00\xee\xee\xee", xid=0x1234, hlen=6):
    return FIXED.pack(BOOTREQUEST, 1, hlen, 0, xid, 0, FLAG_BROADCAST, b"\0" * 4, b"\0" * 4,
                      b"\0" * 4, b"\0" * 4, mac + bytes(16 - len(mac)), bytes(64),
                      bytes(128)) + MAGIC


def hostile_messages():
    """name -> bytes: malformed messages a server must drop (or answer sanely) and live."""
    head = _valid_head()
    disc = bytes([OPT_MSG_TYPE, 1, DISCOVER])
    out = {
        "zero-length": b"",
        "one-octet": b"\x01",
        "truncated-fixed-header": head[:100],
        "header-without-magic": head[:236],
        "magic-without-options": head,
        "wrong-magic": head[:236] + b"\x63\x82\x53\x64" + disc + b"\xff",
        "bootreply-op": bytes([BOOTREPLY]) + head[1:] + disc + b"\xff",
        "op-0": b"\0" + head[1:] + disc + b"\xff",
        "hlen-17": _valid_head(hlen=17) + disc + b"\xff",
        "hlen-255": _valid_head(hlen=255) + disc + b"\xff",
        "hlen-0": _valid_head(hlen=0) + disc + b"\xff",
        "option-past-the-end": head + disc + bytes([OPT_VENDOR_CLASS, 200]) + b"PXE",
        "length-octet-missing": head + disc + bytes([OPT_CLIENT_ID]),
        "no-end-option": head + disc,
        "msg-type-empty": head + bytes([OPT_MSG_TYPE, 0, OPT_END]),
        "msg-type-long": head + bytes([OPT_MSG_TYPE, 4, 1, 1, 1, 1, OPT_END]),
        "msg-type-99": head + bytes([OPT_MSG_TYPE, 1, 99, OPT_END]),
        "requested-ip-short": head + disc + bytes([OPT_REQUESTED_IP, 2, 10, 77, OPT_END]),
        "server-id-long": head + bytes([OPT_MSG_TYPE, 1, REQUEST, OPT_SERVER_ID, 9]) +
        bytes(9) + b"\xff",
        "client-id-empty": head + disc + bytes([OPT_CLIENT_ID, 0, OPT_END]),
        "arch-odd-length": head + disc + bytes([OPT_CLIENT_ARCH, 3, 0, 7, 0, OPT_END]),
        "max-size-tiny": head + disc + bytes([OPT_MAX_SIZE, 2, 0, 1, OPT_END]),
        "params-255-codes": head + disc + bytes([OPT_PARAM_LIST, 255]) + bytes(range(255)) +
        b"\xff",
        "params-every-code-split": head + disc + encode_options(
            [(OPT_PARAM_LIST, bytes(range(1, 255)) * 3)]) + b"\xff",
        "overload-3-empty-fields": head + disc + bytes([OPT_OVERLOAD, 1, 3, OPT_END]),
        "overload-bad-value": head + disc + bytes([OPT_OVERLOAD, 1, 77, OPT_END]),
        "overload-long": head + disc + bytes([OPT_OVERLOAD, 4, 3, 3, 3, 3, OPT_END]),
        "vendor-class-all-nul": head + disc + bytes([OPT_VENDOR_CLASS, 9]) + bytes(9) + b"\xff",
        "user-class-ipxe-nul": head + disc + bytes([OPT_USER_CLASS, 5]) + b"iP\0XE\xff",
        "hostname-binary": head + disc + bytes([OPT_HOSTNAME, 8]) + b"\xff\n\0 =\x7f%s\xff",
        "2000-octets-of-pad": head + disc + bytes(2000 - len(head) - 3),
        "2000-octets-of-options": head + disc + b"".join(
            bytes([200 + i % 20, 8]) + b"ABCDEFGH" for i in range(175)) + b"\xff",
        "max-udp-datagram": head + disc + bytes([250, 255]) + b"x" * 255 + bytes(65000),
        "all-ones": b"\xff" * 548,
        "random-576": os.urandom(576),
    }
    # Overload loops: option 52 in the file field pointing at file again, and in sname
    # pointing at both (RFC 2131 forbids 52 inside the overloaded fields).
    f_loop = bytes([OPT_OVERLOAD, 1, 3, OPT_END]).ljust(128, b"\0")
    s_loop = bytes([OPT_OVERLOAD, 1, 3, OPT_END]).ljust(64, b"\0")
    out["overload-loop-file-and-sname"] = (
        head[:44] + s_loop + f_loop + MAGIC + disc + bytes([OPT_OVERLOAD, 1, 3, OPT_END]))
    f_bad = bytes([OPT_VENDOR_CLASS, 250]).ljust(128, b"A")
    out["overload-file-option-past-field"] = (
        head[:44] + bytes(64) + f_bad + MAGIC + disc + bytes([OPT_OVERLOAD, 1, 1, OPT_END]))
    return out


# ------------------------------------------------------------------ the client

BROADCAST_MAC = b"\xff" * 6
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
PACKET_OUTGOING = 4
ETH_P_IP = 0x0800
SO_BINDTODEVICE = 25


class DhcpClient:
    """Sends DHCP from one interface of a namespace and hears every UDP datagram to its
    port on that link (broadcast, unicast to any address or MAC).

    port: the source port (68 for a client; 67 with a bind address = a fake relay).
    bind_addr: the address to send from ('' = the interface's, or 0.0.0.0 without one).
    listen_port: the UDP destination port to collect (default: port).
    """

    def __init__(self, ns, ifname, port=CLIENT_PORT, bind_addr="", listen_port=None,
                 promisc=True):
        self.ns, self.ifname, self.port = ns, ifname, port
        self.listen_port = listen_port or port
        self.seen = []              # every datagram decoded (or not) by recv(), in order
        self.sock, self.pkt = ns.call(self._open, bind_addr, promisc)

    def _open(self, bind_addr, promisc):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        p = None
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, self.ifname.encode() + b"\0")
            s.bind((bind_addr, self.port))
            s.setblocking(False)
            p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
            p.bind((self.ifname, ETH_P_IP))
            if promisc:
                ifindex = socket.if_nametoindex(self.ifname)
                mreq = struct.pack("iHH8s", ifindex, PACKET_MR_PROMISC, 0, b"")
                p.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
            p.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            p.setblocking(False)
            return s, p
        except BaseException:
            s.close()
            if p is not None:
                p.close()
            raise

    def close(self):
        for s in (self.sock, self.pkt):
            if s is not None:
                s.close()
        self.sock = self.pkt = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- sending
    def send(self, msg, dst="255.255.255.255", port=SERVER_PORT):
        """Send a Message (encoded) or raw bytes to dst:port."""
        data = msg.encode() if isinstance(msg, Message) else bytes(msg)
        self.sock.sendto(data, (dst, port))

    def send_raw(self, data, dst="255.255.255.255", port=SERVER_PORT):
        self.sock.sendto(bytes(data), (dst, port))

    # -- receiving
    def drain(self):
        """Forget what arrived so far (both sockets)."""
        for s in (self.sock, self.pkt):
            while True:
                try:
                    s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    break

    def _one(self, timeout):
        """The next BOOTREPLY in an IPv4/UDP datagram to listen_port on the link, decoded,
        or None. Datagrams that do not decode are kept in seen as tuples."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.pkt], [], [], left)
            if not r:
                return None
            try:
                data, addr = self.pkt.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                continue
            if addr[2] == PACKET_OUTGOING:
                continue
            if len(data) < 14:
                continue
            eth_dst = data[0:6]
            got = _udp_from_ip(data[14:])
            if got is None:
                continue
            src, sport, dst, dport, payload = got
            if dport != self.listen_port:
                continue
            try:
                m = decode(payload)
            except DecodeError:
                self.seen.append((src, sport, dst, dport, payload))
                continue
            if m.op != BOOTREPLY:
                continue
            m.src, m.dst, m.eth_dst = (src, sport), (dst, dport), eth_dst
            self.seen.append(m)
            return m

    def recv(self, timeout=2.0, xid=None, types=None, count=1, chaddr=None):
        """Replies matching xid / types / chaddr, until count of them arrived or timeout
        passed (count=None collects for the whole timeout)."""
        out = []
        deadline = time.monotonic() + timeout
        while count is None or len(out) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            m = self._one(left)
            if m is None:
                break
            if xid is not None and m.xid != xid:
                continue
            if types is not None and m.type not in types:
                continue
            if chaddr is not None and m.chaddr != mac_bytes(chaddr):
                continue
            out.append(m)
        return out

    def exchange(self, msg, dst="255.255.255.255", port=SERVER_PORT, types=None,
                 timeout=1.0, tries=3, count=1):
        """Send msg and wait for replies to its xid; resend (same xid, as RFC 2131 §4.1
        clients do) up to tries times. Returns the replies (empty list: silence)."""
        for _ in range(tries):
            self.send(msg, dst, port)
            got = self.recv(timeout, xid=msg.xid, types=types, count=count,
                            chaddr=msg.chaddr)
            if got:
                return got
        return []

    # -- whole conversations
    def dora(self, mac, timeout=1.0, tries=3, server_id=None, **kw):
        """DISCOVER -> OFFER -> REQUEST -> ACK/NAK. kw go to discover() and request()
        (client_id, vendor_class, arch, user_class, params, broadcast, giaddr...).
        server_id: take only offers from that server. Returns a Lease (ack None when
        the server was silent or NAKed; offer None when nothing was offered)."""
        d = discover(mac, **kw)
        offers = self.exchange(d, types=[OFFER], timeout=timeout, tries=tries)
        offers = [o for o in offers if server_id is None or o.server_id == server_id]
        if not offers and server_id is not None:
            offers = [o for o in self.recv(timeout, xid=d.xid, types=[OFFER], count=None)
                      if o.server_id == server_id]
        if not offers:
            return Lease(mac=mac_bytes(mac), discover=d)
        offer = offers[0]
        kw.pop("requested", None)
        r = request(mac, requested=offer.yiaddr, server_id=offer.server_id, xid=d.xid, **kw)
        replies = self.exchange(r, types=[ACK, NAK], timeout=timeout, tries=tries)
        reply = replies[0] if replies else None
        return Lease(mac=mac_bytes(mac), discover=d, offer=offer, request=r,
                     ack=reply if reply is not None and reply.type == ACK else None,
                     nak=reply if reply is not None and reply.type == NAK else None)


@dataclass
class Lease:
    mac: bytes
    discover: Message = None
    offer: Message = None
    request: Message = None
    ack: Message = None
    nak: Message = None

    @property
    def address(self):
        return self.ack.yiaddr if self.ack is not None else None

    @property
    def server_id(self):
        m = self.ack or self.offer
        return m.server_id if m is not None else None


def _udp_from_ip(data):
    """(src, sport, dst, dport, payload) of an unfragmented IPv4/UDP packet, else None."""
    if len(data) < 28 or data[0] >> 4 != 4:
        return None
    ihl = (data[0] & 0x0F) * 4
    total = struct.unpack_from("!H", data, 2)[0]
    frag = struct.unpack_from("!H", data, 6)[0]
    if data[9] != socket.IPPROTO_UDP or frag & 0x3FFF or ihl < 20 or len(data) < ihl + 8:
        return None
    sport, dport, ulen = struct.unpack_from("!HHH", data, ihl)
    end = min(len(data), total, ihl + ulen)
    return (ip_str(data[12:16]), sport, ip_str(data[16:20]), dport, bytes(data[ihl + 8:end]))


def in_range(addr, first, last):
    a = ipaddress.IPv4Address(addr)
    return ipaddress.IPv4Address(first) <= a <= ipaddress.IPv4Address(last)
