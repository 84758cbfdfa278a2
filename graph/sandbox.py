"""Limits a query process puts on itself before it runs strangers' SPARQL.

Why here and not (only) in ``graph.guard``: pyoxigraph performs ``SERVICE`` calls over HTTP
by itself, and the guard is a tokenizer that can only be as right as its reading of the
engine's grammar. A process that cannot open a network socket cannot be talked into calling
one, whatever the guard missed. Likewise the engine can be made to allocate without bound
(``ORDER BY`` over a cartesian product, strings doubled by ``CONCAT``), and the time limit alone
lets it take gigabytes first; an address-space limit stops it at a known size, and only this
disposable process dies.

Linux only (seccomp, /proc); elsewhere each function reports that it did nothing and the
guard and the time limit remain.
"""

from __future__ import annotations

import ctypes
import platform
import re
import resource
import sys
from pathlib import Path

# seccomp / BPF constants (linux/seccomp.h, linux/filter.h, linux/audit.h)
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_EACCES = 13
_LD_W_ABS = 0x20   # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15      # BPF_JMP | BPF_JEQ | BPF_K
_RET_K = 0x06      # BPF_RET | BPF_K
_AF_UNIX = 1
# machine → (AUDIT_ARCH_*, number of the socket() system call)
_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def deny_network() -> bool:
    """Make every later ``socket()`` call of this process fail unless it is AF_UNIX.

    Sockets already open (the pipe to the parent) keep working; the filter is inherited by
    threads started afterwards and cannot be removed. True when the filter is in place.
    """
    arch = _ARCHES.get(platform.machine())
    if not sys.platform.startswith("linux") or arch is None:
        return False
    audit_arch, socket_nr = arch
    program = [
        (_LD_W_ABS, 0, 0, 4),              # A = seccomp_data.arch
        (_JEQ_K, 0, 5, audit_arch),        # another ABI: allow (not ours to judge)
        (_LD_W_ABS, 0, 0, 0),              # A = seccomp_data.nr
        (_JEQ_K, 0, 3, socket_nr),         # not socket(): allow
        (_LD_W_ABS, 0, 0, 16),             # A = args[0] (the address family)
        (_JEQ_K, 1, 0, _AF_UNIX),          # AF_UNIX: allow
        (_RET_K, 0, 0, _RET_ERRNO | _EACCES),
        (_RET_K, 0, 0, _RET_ALLOW),
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*op) for op in program))
    fprog = _SockFprog(len(program), filters)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
    except (OSError, AttributeError):
        return False


def limit_memory(extra_mb: int) -> bool:
    """Cap this process's address space at what it maps now plus ``extra_mb`` megabytes.

    Called once the store is open and the query thread (with its large stack) exists, so the
    allowance is what one query may add. Past it an allocation fails: Python raises
    MemoryError, the engine aborts the process. True when the limit is set.
    """
    if extra_mb <= 0:
        return False
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return False
    match = re.search(r"^VmSize:\s+(\d+) kB", status, re.MULTILINE)
    if match is None:
        return False
    limit = int(match.group(1)) * 1024 + extra_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return False
    return True
