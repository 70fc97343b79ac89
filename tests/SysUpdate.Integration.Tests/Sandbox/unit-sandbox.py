#!/usr/bin/python3
"""Apply the sandboxing a systemd unit asks for that needs no PID 1, then exec a program.

Each option mirrors one unit setting and is applied the way systemd 262 applies it: the
prctl(PR_SET_MDWE) flag for MemoryDenyWriteExecute=, and one seccomp filter each (through
libseccomp, as systemd does) for SystemCallFilter=/SystemCallErrorNumber=/SystemCallArchitectures=,
LockPersonality=, RestrictRealtime=, RestrictNamespaces= and RestrictAddressFamilies=.
NoNewPrivileges= and CapabilityBoundingSet= are setpriv's job (run this under setpriv).

Exit 125 with one line on stderr when the kernel or libseccomp cannot apply a setting, so that
the caller can tell "cannot sandbox here" from the program's own failure.

usage: unit-sandbox.py [--memory-deny-write-execute] [--system-call-filter FILE]
                       [--system-call-error-number ERRNO] [--lock-personality] [--restrict-realtime]
                       [--restrict-namespaces net,mnt] [--restrict-address-families AF_UNIX,...]
                       -- PROGRAM ARGS...
"""
import argparse
import ctypes
import ctypes.util
import errno
import os
import socket
import sys

PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 66, 1

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_NE, SCMP_CMP_GT, SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ = 1, 5, 4, 7

NAMESPACE_FLAGS = {
    "cgroup": 0x02000000, "ipc": 0x08000000, "net": 0x40000000, "mnt": 0x00020000,
    "pid": 0x20000000, "user": 0x10000000, "uts": 0x04000000, "time": 0x00000080,
}
SCHED_FIFO, SCHED_RR, SCHED_DEADLINE = 1, 2, 6
AF_MAX = 46


class ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


def fail(message):
    print(f"unit-sandbox: {message}", file=sys.stderr)
    sys.exit(125)


def scmp_act_errno(number):
    return 0x00050000 | (number & 0xFFFF)


class Filter:
    """One seccomp filter; the kernel runs every loaded filter and the strictest answer wins."""

    lib = None

    def __init__(self, default_action):
        if Filter.lib is None:
            name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
            try:
                Filter.lib = ctypes.CDLL(name, use_errno=True)
            except OSError:
                fail("libseccomp is not installed; cannot apply seccomp-based settings")
            Filter.lib.seccomp_init.restype = ctypes.c_void_p
            Filter.lib.seccomp_init.argtypes = [ctypes.c_uint32]
            Filter.lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
            Filter.lib.seccomp_load.argtypes = [ctypes.c_void_p]
            Filter.lib.seccomp_release.argtypes = [ctypes.c_void_p]
        self.ctx = Filter.lib.seccomp_init(default_action)
        if not self.ctx:
            fail("seccomp_init failed")

    def rule(self, action, name, *comparisons):
        number = Filter.lib.seccomp_syscall_resolve_name(name.encode())
        if number == -1:  # __NR_SCMP_ERROR: unknown to libseccomp here
            return False
        args = (ArgCmp * len(comparisons))(*[ArgCmp(*c) for c in comparisons])
        Filter.lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p]
        # Negative results are system calls that do not exist on this architecture; systemd skips them too.
        return Filter.lib.seccomp_rule_add_array(self.ctx, action, number, len(comparisons), args) == 0

    def load(self):
        rc = Filter.lib.seccomp_load(self.ctx)
        Filter.lib.seccomp_release(self.ctx)
        if rc != 0:
            fail(f"seccomp_load failed: {os.strerror(-rc)}")


def system_call_filter(path, error_name):
    error = getattr(errno, error_name, None)
    if error is None:
        fail(f"unknown errno name {error_name}")
    seccomp = Filter(scmp_act_errno(error))
    with open(path, encoding="utf-8") as names:
        for line in names:
            line = line.strip()
            if line and not line.startswith("#"):
                seccomp.rule(SCMP_ACT_ALLOW, line)
    seccomp.load()


def lock_personality():
    libc = ctypes.CDLL(None, use_errno=True)
    current = libc.personality(0xFFFFFFFF)
    seccomp = Filter(SCMP_ACT_ALLOW)
    seccomp.rule(scmp_act_errno(errno.EPERM), "personality", (0, SCMP_CMP_NE, current, 0))
    seccomp.load()


def restrict_realtime():
    seccomp = Filter(SCMP_ACT_ALLOW)
    for policy in (SCHED_FIFO, SCHED_RR, SCHED_DEADLINE):
        seccomp.rule(scmp_act_errno(errno.EPERM), "sched_setscheduler", (1, SCMP_CMP_EQ, policy, 0))
    seccomp.load()


def restrict_namespaces(allowed):
    seccomp = Filter(SCMP_ACT_ALLOW)
    # As systemd: clone3's flags live in memory a filter cannot read, so it gets ENOSYS and libc
    # falls back to clone().
    seccomp.rule(scmp_act_errno(errno.ENOSYS), "clone3")
    for name, flag in NAMESPACE_FLAGS.items():
        if name in allowed:
            continue
        seccomp.rule(scmp_act_errno(errno.EPERM), "unshare", (0, SCMP_CMP_MASKED_EQ, flag, flag))
        seccomp.rule(scmp_act_errno(errno.EPERM), "clone", (0, SCMP_CMP_MASKED_EQ, flag, flag))
        seccomp.rule(scmp_act_errno(errno.EPERM), "setns", (1, SCMP_CMP_EQ, flag, 0))
    seccomp.load()


def restrict_address_families(names):
    allowed = {getattr(socket, n) for n in names}
    seccomp = Filter(SCMP_ACT_ALLOW)
    for family in range(AF_MAX):
        if family not in allowed:
            seccomp.rule(scmp_act_errno(errno.EAFNOSUPPORT), "socket", (0, SCMP_CMP_EQ, family, 0))
    seccomp.rule(scmp_act_errno(errno.EAFNOSUPPORT), "socket", (0, SCMP_CMP_GT, AF_MAX - 1, 0))
    seccomp.load()


def memory_deny_write_execute():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        fail(f"prctl(PR_SET_MDWE) failed: {os.strerror(ctypes.get_errno())} (the kernel needs 6.3 or later)")
    if libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) & PR_MDWE_REFUSE_EXEC_GAIN == 0:
        fail("PR_SET_MDWE did not stick")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-deny-write-execute", action="store_true")
    parser.add_argument("--system-call-filter")
    parser.add_argument("--system-call-error-number", default="EPERM")
    parser.add_argument("--lock-personality", action="store_true")
    parser.add_argument("--restrict-realtime", action="store_true")
    parser.add_argument("--restrict-namespaces")
    parser.add_argument("--restrict-address-families")
    parser.add_argument("program", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    program = options.program[1:] if options.program[:1] == ["--"] else options.program
    if not program:
        parser.error("no program given")

    if options.lock_personality:
        lock_personality()
    if options.restrict_realtime:
        restrict_realtime()
    if options.restrict_namespaces is not None:
        restrict_namespaces(set(filter(None, options.restrict_namespaces.split(","))))
    if options.restrict_address_families is not None:
        restrict_address_families([n for n in options.restrict_address_families.split(",") if n])
    if options.memory_deny_write_execute:
        memory_deny_write_execute()
    # Last, as systemd loads it last: the allow-list also has to admit what the steps above call.
    if options.system_call_filter:
        system_call_filter(options.system_call_filter, options.system_call_error_number)
    os.execv(program[0], program)


main()
