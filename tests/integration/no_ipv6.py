# Runs a command on which the kernel seems to have no IPv6 at all (as one booted with
# ipv6.disable=1): a seccomp filter makes socket(AF_INET6, ...) fail with EAFNOSUPPORT.
# A network namespace cannot show that: with net.ipv6.conf.all.disable_ipv6=1 the socket
# and a bind of :: still succeed.
"""python3 no_ipv6.py COMMAND [ARG]...: exec COMMAND under the filter (x86_64, aarch64)."""

import ctypes
import errno
import os
import platform
import socket
import struct
import sys

# linux/audit.h AUDIT_ARCH_* and each architecture's socket(2) number
ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}

# linux/filter.h and linux/seccomp.h
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
# struct seccomp_data: nr, arch, instruction_pointer, args[0] (its low half, little endian)
OFF_NR, OFF_ARCH, OFF_ARG0 = 0, 4, 16


def supported():
    return platform.machine() in ARCHES and sys.byteorder == "little"


def program():
    arch, nr = ARCHES[platform.machine()]
    ins = [
        (BPF_LD_W_ABS, 0, 0, OFF_ARCH),
        (BPF_JEQ_K, 0, 5, arch),                # another ABI: allowed
        (BPF_LD_W_ABS, 0, 0, OFF_NR),
        (BPF_JEQ_K, 0, 3, nr),
        (BPF_LD_W_ABS, 0, 0, OFF_ARG0),
        (BPF_JEQ_K, 0, 1, socket.AF_INET6),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EAFNOSUPPORT),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return b"".join(struct.pack("=HBBI", *i) for i in ins), len(ins)


def install():
    code, count = program()
    buf = ctypes.create_string_buffer(code, len(code))

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Fprog(count, ctypes.addressof(buf))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl: cannot install the seccomp filter")


if __name__ == "__main__":
    if len(sys.argv) < 2 or not supported():
        sys.exit(f"usage: {sys.argv[0]} COMMAND [ARG]... (on x86_64 or aarch64)")
    install()
    os.execvp(sys.argv[1], sys.argv[1:])
