#!/usr/bin/env python3
# One boot's phases, measured the same way whatever the servers: the DHCP and TFTP phases
# from a capture of the lab bridge (dumpcap, pcap format), the guest's from its stamped
# console (demo/timeline.py), all in seconds since power on (the console's first line).
"""usage: phases.py CAPTURE CONSOLE_LOG     prints one "phase<TAB>seconds" line per phase
                                          ("-" when the boot never reached it)"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "demo"))
import timeline  # noqa: E402 - demo/ is only on the path from here on

DHCPDISCOVER, DHCPOFFER, DHCPACK = 1, 2, 5
TFTP_RRQ, TFTP_DATA, TFTP_ERROR = 1, 3, 5
BOOTP_OPTIONS = 240          # after the fixed BOOTP fields and the magic cookie (RFC 2131 §3)

# (phase, what marks it): the wire phases, in boot order.  A TFTP phase is the end of the
# first transfer of that file that delivered data: the client's last ACK.
WIRE_PHASES = (
    ("DHCP discover", ("dhcp", DHCPDISCOVER)),
    ("DHCP offer", ("dhcp", DHCPOFFER)),
    ("DHCP ack", ("dhcp", DHCPACK)),
    ("boot file", ("tftp", ("pxelinux.0", "efi64/syslinux.efi"))),
    ("ldlinux", ("tftp", ("ldlinux.c32", "efi64/ldlinux.e64", "ldlinux.e64"))),
    ("config", ("tftp", ("pxelinux.cfg/default", "efi64/pxelinux.cfg/default"))),
    ("kernel", ("tftp", ("vmlinuz", "efi64/vmlinuz"))),
    ("initrd", ("tftp", ("initrd.img", "efi64/initrd.img"))),
)
CONSOLE_PHASES = (
    ("kernel running", "pxesuite-init: phase=kernel "),
    ("guest DHCP", "pxesuite-init: phase=dhcp "),
    ("NFS mount", "pxesuite-init: phase=nfs-mount "),
    ("ks.cfg read", "pxesuite-init: phase=ks-read "),
    ("power off", "pxesuite-init: phase=poweroff "),
)
PHASES = tuple(name for name, _ in WIRE_PHASES + CONSOLE_PHASES)


def udp_packets(path):
    """(time, src ip, src port, dst ip, dst port, payload) of each IPv4 UDP packet of a pcap
    file of Ethernet frames; payloads may be cut at the capture's snap length."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack_from("<I", data)[0]
    order, scale = {0xA1B2C3D4: ("<", 1e-6), 0xA1B23C4D: ("<", 1e-9),
                    0xD4C3B2A1: (">", 1e-6), 0x4D3CB2A1: (">", 1e-9)}.get(magic, (None, 0))
    if order is None:
        raise ValueError(f"{path}: not a pcap file (dumpcap -P)")
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack_from(order + "IIII", data, pos)
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[0] >> 4 != 4 or ip[9] != 17 or len(ip) < ihl + 8:
            continue
        sport, dport = struct.unpack_from("!HH", ip, ihl)
        yield (sec + frac * scale, ip[12:16], sport, ip[16:20], dport, ip[ihl + 8:])


def dhcp_type(payload):
    """Option 53 of a BOOTP message, or None."""
    i = BOOTP_OPTIONS
    while i < len(payload):
        code = payload[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 2 > len(payload):
            break
        if code == 53 and i + 2 < len(payload):
            return payload[i + 2]
        i += 2 + payload[i + 1]
    return None


def wire_events(path):
    """{("dhcp", type): first time} and {filename: end time of its first good transfer}."""
    dhcp, done = {}, {}
    transfers = {}    # (client ip, client port) -> [filename, last time, data seen, error]
    for t, src, sport, dst, dport, payload in udp_packets(path):
        if {sport, dport} == {67, 68}:
            kind = dhcp_type(payload)
            if kind is not None:
                dhcp.setdefault(("dhcp", kind), t)
            continue
        if len(payload) < 2:
            continue
        opcode = struct.unpack_from("!H", payload)[0]
        if dport == 69 and opcode == TFTP_RRQ:
            name = payload[2:].split(b"\0", 1)[0].decode("ascii", "replace").lstrip("/")
            transfers[(src, sport)] = [name, t, False, False]
            continue
        # The server answers from a port of its own to the client's port, which the client
        # ACKs: the client's address and port name the transfer either way.
        xfer = transfers.get((dst, dport)) or transfers.get((src, sport))
        if xfer is None:
            continue
        xfer[1] = t
        xfer[2] |= opcode == TFTP_DATA
        xfer[3] |= opcode == TFTP_ERROR
    for name, last, data, error in transfers.values():
        if data and not error and name not in done:
            done[name] = last
    return dhcp, done


def console_events(path):
    """(power-on time, [(time, line)]) of a console log stamped by timeline.py."""
    events = [(t, msg) for t, src, msg in timeline.read_events([path]) if src == "console"]
    t0 = next((t for t, msg in events if msg == timeline.POWER_ON), None)
    return t0, events


def measure(capture, console):
    """[(phase, seconds since power on or None)] in PHASES order."""
    t0, lines = console_events(console)
    dhcp, done = wire_events(capture)
    out = []
    for name, (kind, what) in WIRE_PHASES:
        if kind == "dhcp":
            t = dhcp.get(("dhcp", what))
        else:
            t = min((done[f] for f in what if f in done), default=None)
        out.append((name, t))
    for name, mark in CONSOLE_PHASES:
        out.append((name, next((t for t, msg in lines if msg.startswith(mark)), None)))
    return [(name, None if t is None or t0 is None else t - t0) for name, t in out]


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    for name, t in measure(argv[0], argv[1]):
        print(f"{name}\t{'-' if t is None else f'{t:.3f}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
