#!/usr/bin/env python3
# The PXE boot's timeline: when each phase happened, read from the three daemons' logs and the
# guest's serial console.  Used by make demo (follow, show) and by the VM tests (imported).
"""usage:
  timeline.py follow RAW OUT PID [--echo]   stamp the lines QEMU writes to RAW into OUT until
                                            PID has exited; --echo also prints them
  timeline.py show LOG...                   print the phase table; exit 1 if a phase is missing
"""

import os
import re
import sys
import time
from datetime import datetime, timezone

# (phase, log, pattern): the first line of that log matching the pattern marks the phase.
# "console" is the guest's serial console; the others are the daemons' logs.
PHASES = (
    ("DHCP offer", "pxe-dhcpd", r"\bDHCPOFFER\b"),
    ("DHCP ack", "pxe-dhcpd", r"\bDHCPACK\b"),
    ("boot loader", "pxe-tftpd", r" RRQ \S*(pxelinux\.0|syslinux\.efi) .* ok$"),
    ("ldlinux", "pxe-tftpd", r" RRQ \S*ldlinux\.(c32|e64) .* ok$"),
    ("config", "pxe-tftpd", r" RRQ \S*pxelinux\.cfg/\S+ .* ok$"),
    ("kernel", "pxe-tftpd", r" RRQ \S*vmlinuz .* ok$"),
    ("initrd", "pxe-tftpd", r" RRQ \S*initrd\.img .* ok$"),
    ("kernel running", "console", r"pxesuite-init: phase=kernel\b"),
    ("guest DHCP", "console", r"pxesuite-init: phase=dhcp\b"),
    ("NFS mount", "pxe-nfsd", r"\bMNT \S+ ok$"),
    ("ks.cfg read", "console", r"pxesuite-init: phase=ks-read\b"),
    ("power off", "console", r"pxesuite-init: phase=poweroff\b"),
)

POWER_ON = "power on"
_DAEMON_LINE = re.compile(r"^(\S+Z) (pxe-\w+)\[\d+\]: \w+: (.*)$")
_CONSOLE_LINE = re.compile(r"^(\S+Z) console: (.*)$")
_INIT_MARK = re.compile(r"(?<=.)(pxesuite-init:)")
_ANSI = re.compile(r"\x1b(\[[0-9;?=]*[ -/]*[@-~]|[@-Z\\-_c])")


def stamp(t=None):
    """The daemons' log time format: UTC with milliseconds."""
    t = time.time() if t is None else t
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_stamp(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=timezone.utc).timestamp()


def printable(line):
    """A console line without terminal escapes and control characters."""
    line = _ANSI.sub("", line)
    return "".join(c for c in line if (c.isprintable() and c != "\ufffd") or c == "\t").strip()


class Follower:
    """Copies the lines QEMU appends to a raw console file into a log, each stamped with the
    time it was seen (20 ms resolution), in the daemons' format under the name console."""

    def __init__(self, raw, out, echo=None):
        self.raw, self.out, self.echo = raw, out, echo
        self.pos, self.partial = 0, b""
        self.lines = []
        self.emit(POWER_ON)

    def emit(self, text):
        self.lines.append(text)
        with open(self.out, "a") as f:
            f.write(f"{stamp()} console: {text}\n")
        if self.echo:
            self.echo(text)

    def poll(self):
        """Reads what is new; returns the complete lines it found."""
        try:
            with open(self.raw, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return []
        self.pos += len(data)
        chunks = re.split(rb"\r\n|\n|\r", self.partial + data)
        self.partial = chunks.pop()
        found = []
        for chunk in chunks:
            # A boot menu's last screen ends without a newline: the guest's next line
            # follows it on the same line, and is split off here.
            for text in _INIT_MARK.sub("\n\\1", printable(chunk.decode("utf-8", "replace"))
                                       ).split("\n"):
                text = text.strip()
                if text:
                    self.emit(text)
                    found.append(text)
        return found

    def flush(self):
        if self.partial:
            self.partial += b"\n"
            self.poll()


def read_events(paths):
    """[(time, source, message)] of every stamped line in paths, in time order."""
    events = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    m = _DAEMON_LINE.match(line.rstrip("\n"))
                    if m:
                        events.append((parse_stamp(m[1]), m[2], m[3]))
                        continue
                    m = _CONSOLE_LINE.match(line.rstrip("\n"))
                    if m:
                        events.append((parse_stamp(m[1]), "console", m[2]))
        except FileNotFoundError:
            continue
    events.sort(key=lambda e: e[0])
    return events


def phases(events):
    """(power-on time, [(phase, time or None, source, message)]), in PHASES order."""
    t0 = next((t for t, src, msg in events if src == "console" and msg == POWER_ON), None)
    out = []
    for name, source, pattern in PHASES:
        rx = re.compile(pattern)
        hit = next(((t, msg) for t, src, msg in events
                    if src == source and (t0 is None or t >= t0) and rx.search(msg)), None)
        out.append((name, hit[0] if hit else None, source, hit[1] if hit else ""))
    return t0, out


def table(t0, rows):
    """The timeline as text: seconds since power on, and since the phase before."""
    lines = [f"{'phase':<15} {'at':>7} {'step':>7}  {'seen by':<9} what"]
    prev = t0
    for name, t, source, msg in rows:
        if t is None or t0 is None:
            lines.append(f"{name:<15} {'-':>7} {'-':>7}  {source:<9} MISSING")
            continue
        lines.append(f"{name:<15} {t - t0:6.2f}s {t - prev:6.2f}s  {source:<9} {msg[:90]}")
        prev = t
    return "\n".join(lines)


def follow(raw, out, pid, echo):
    f = Follower(raw, out, echo=(lambda s: print(f"  | {s}", flush=True)) if echo else None)
    while os.path.exists(f"/proc/{pid}"):
        f.poll()
        time.sleep(0.02)
    f.poll()
    f.flush()


def main(argv):
    if len(argv) >= 4 and argv[0] == "follow":
        follow(argv[1], argv[2], int(argv[3]), "--echo" in argv[4:])
        return 0
    if len(argv) >= 2 and argv[0] == "show":
        t0, rows = phases(read_events(argv[1:]))
        print(table(t0, rows))
        return 0 if t0 is not None and all(t is not None for _, t, _, _ in rows) else 1
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
