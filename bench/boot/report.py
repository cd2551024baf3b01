#!/usr/bin/env python3
# The boot benchmark's report, from raw.tsv (bench/boot/run.sh): per firmware, each phase's
# median time since power on for each stack with its spread [min-max], the median time each
# phase took (from the phase before), pxesuite's ratio to the classic trio, and the target:
# pxesuite's boot to ks.cfg read <= 0.85x the classic trio's, medians against medians.
"""usage: report.py RAW_TSV [VERSIONS_TXT]    (cpu.tsv is read from RAW_TSV's folder)"""

import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from phases import PHASES  # noqa: E402

TARGET = 0.85
TOTAL = "ks.cfg read"
STACKS = ("pxesuite", "classic")
NAMES = {"pxesuite": "pxesuite", "classic": "dnsmasq + ganesha"}


def load(path):
    """{(firmware, nic): {stack: {boot: {phase: seconds or None}}}}"""
    runs = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            boots = runs.setdefault((row["firmware"], row["nic"]), {}).setdefault(
                row["stack"], {})
            t = None if row["seconds"] == "-" else float(row["seconds"])
            boots.setdefault(int(row["boot"]), {})[row["phase"]] = t
    return runs


def load_cpu(path):
    """{(firmware, nic, stack): [(servers' CPU seconds, busy CPUs)]} from cpu.tsv, if there."""
    out = {}
    try:
        with open(path, newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                out.setdefault((row["firmware"], row["nic"], row["stack"]), []).append(
                    (float(row["servers_cpu_s"]), float(row["machine_busy_cpus"])))
    except FileNotFoundError:
        pass
    return out


def cpu_lines(key, have, cpu):
    if not any(key + (s,) in cpu for s in have):
        return []
    lines = ["| while the VM ran | " + " | ".join(NAMES[s] for s in have) + " |",
             "|---" * (1 + len(have)) + "|"]
    for i, what in enumerate(("servers' CPU, s", "machine busy, CPUs of 2")):
        lines.append(f"| {what} | " + " | ".join(
            spread([c[i] for c in cpu.get(key + (s,), [])]) for s in have) + " |")
    return lines + [""]


def steps(boot):
    """{phase: seconds since the phase before it that this boot reached}"""
    out, prev = {}, 0.0
    for phase in PHASES:
        t = boot.get(phase)
        if t is not None:
            out[phase] = t - prev
            prev = t
    return out


def spread(values):
    if not values:
        return "-"
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def ratio(a, b):
    return f"{statistics.median(a) / statistics.median(b):.2f}x" if a and b else "-"


def firmware_report(key, stacks, cpu):
    firmware, nic = key
    have = [s for s in STACKS if s in stacks]
    at = {s: {p: [b[p] for b in stacks[s].values() if b.get(p) is not None] for p in PHASES}
          for s in have}
    took = {s: {p: [st[p] for st in map(steps, stacks[s].values()) if p in st] for p in PHASES}
            for s in have}
    n = {s: len(stacks[s]) for s in have}
    lines = [f"### {firmware.upper()}, {nic}: " +
             ", ".join(f"{NAMES[s]} {n[s]} boots" for s in have), ""]
    head = " | ".join(f"{NAMES[s]} at" for s in have)
    steps_head = " | ".join(f"{NAMES[s]} took" for s in have)
    lines.append(f"| phase | {head} | ratio | {steps_head} |")
    lines.append("|---" * (2 + 2 * len(have)) + "|")
    for p in PHASES:
        cells = [spread(at[s][p]) for s in have]
        r = ratio(at["pxesuite"][p], at["classic"][p]) if len(have) == 2 else "-"
        cells2 = [spread(took[s][p]) for s in have]
        name = f"**{p}**" if p == TOTAL else p
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {r} | " + " | ".join(cells2)
                     + " |")
    failed = {s: n[s] - len(at[s][TOTAL]) for s in have}
    lines.append("")
    lines += cpu_lines(key, have, cpu)
    if any(failed.values()):
        lines.append("Boots that never read ks.cfg: " +
                     ", ".join(f"{NAMES[s]} {failed[s]}" for s in have) + ".")
    if len(have) == 2 and at["pxesuite"][TOTAL] and at["classic"][TOTAL]:
        r = statistics.median(at["pxesuite"][TOTAL]) / statistics.median(at["classic"][TOTAL])
        verdict = "PASS" if r <= TARGET else "FAIL"
        lines.append(f"Power on to ks.cfg read: pxesuite {statistics.median(at['pxesuite'][TOTAL]):.2f} s, "
                     f"classic {statistics.median(at['classic'][TOTAL]):.2f} s (medians): "
                     f"**{r:.2f}x, {verdict}** against the target <= {TARGET}x.")
    return lines


def main(argv):
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 64
    runs = load(argv[0])
    cpu = load_cpu(os.path.join(os.path.dirname(os.path.abspath(argv[0])), "cpu.tsv"))
    out = ["## Boot benchmark: seconds since power on", "",
           "Each cell: the median over the boots, [min-max]. \"at\": since power on; "
           "\"took\": since the phase before it. Ratio: pxesuite's median over the classic "
           "trio's.", ""]
    for key in sorted(runs):
        out += firmware_report(key, runs[key], cpu) + [""]
    if len(argv) == 2:
        with open(argv[1]) as f:
            out += ["```", f.read().rstrip("\n"), "```"]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
