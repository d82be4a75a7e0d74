#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions by function, from QEMU's translation-block trace.

Capture (one boot, a window of a workload that loops):

    scripts/tb-profile.py capture --out build/prof/pv.log \\
        --run bench.munmap_16m --append agent.bench_scale=20

boots through scripts/qemu-boot.py with a monitor socket, waits until the
agent has started the tests plus --after seconds, turns on
"log exec,nochain" for --window seconds and stops the guest.  Any
qemu-boot.py option after "--" is passed on (--smp, --cpu, --append ...).

Report:

    scripts/tb-profile.py report build/prof/pv.log [--vs build/prof/native.log]
        [--per SYMBOL] [--top N]

weights every traced block by its instruction count (its start address
walked in the objdump of the kernel and the firmware to the first
control transfer or CSR access, where QEMU ends a block) and sums them
by function.  --per divides by the number of blocks that start at
SYMBOL (say __riscv_sys_munmap: per round of a workload), counting only
whole rounds, and --vs prints a second trace beside the first with the
difference, largest first.  Under -icount the counts are exact but for
blocks QEMU ends early (an interrupt, a page boundary); wall time plays
no part.  Report against the builds that made the trace.
"""

import argparse
import bisect
import collections
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KERNEL_ELF = REPO / "build/kernel/vmlinux"
FIRMWARE_ELF = REPO / "build/sbi-pvmmu/sbi-pvmmu.elf"
OBJDUMP = "riscv64-linux-gnu-objdump"
AGENT_START = "PVMMU-AGENT: {\"event\":\"start\""

TRACE_RE = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
INSN_RE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)")
SYM_RE = re.compile(r"^([0-9a-f]+) <(.+)>:$")
# Where QEMU's riscv translator ends a block: jumps, branches, traps,
# fences that flush, and CSR accesses (instret and friends under -icount)
BLOCK_END_RE = re.compile(r"^(j|jr|jal|jalr|ret|tail|call|b\w*|c\.j\w*|c\.b\w*|"
                          r"ecall|ebreak|mret|sret|wfi|fence\.i|sfence\.vma|"
                          r"csr\w*|rd(instret|cycle|time))$")
MAX_BLOCK = 512


class Code:
    """Instructions and symbols of the ELF files, by address."""

    def __init__(self, elfs):
        insns, syms = [], []
        for k, elf in enumerate(elfs):
            # the kernel and the firmware share names (pvmmu_update): all
            # but the first file's symbols carry the file's name
            prefix = "" if not k else Path(elf).stem + ":"
            out = subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn", str(elf)],
                                 capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                m = SYM_RE.match(line)
                if m:
                    syms.append((int(m.group(1), 16), prefix + m.group(2)))
                    continue
                m = INSN_RE.match(line)
                if m:
                    insns.append((int(m.group(1), 16), m.group(2)))
        insns.sort()
        syms.sort()
        self.addrs = [a for a, _ in insns]
        self.ends = [bool(BLOCK_END_RE.match(op)) for _, op in insns]
        self.index = {a: i for i, a in enumerate(self.addrs)}
        self.sym_addrs = [a for a, _ in syms]
        self.sym_names = [n for _, n in syms]
        self.sizes = {}

    def block_size(self, pc):
        size = self.sizes.get(pc)
        if size is None:
            size, i = 1, self.index.get(pc)
            while i is not None and i < len(self.ends) and not self.ends[i] \
                    and size < MAX_BLOCK:
                i += 1
                size += 1
            self.sizes[pc] = size
        return size

    def function(self, pc):
        i = bisect.bisect_right(self.sym_addrs, pc) - 1
        return self.sym_names[i] if i >= 0 else "?"

    def address_of(self, name):
        for a, n in zip(self.sym_addrs, self.sym_names):
            if n == name:
                return a
        sys.exit("tb-profile: no symbol %s" % name)


def profile(path, code, per):
    """Instructions by function; per round of @per when given."""
    counts = collections.Counter()
    marks = []
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc == per:
                marks.append(counts.copy())
            counts[code.function(pc)] += code.block_size(pc)
    if per is None:
        return counts, 1
    if len(marks) < 2:
        sys.exit("tb-profile: %s: fewer than two rounds in the trace" % path)
    first, last = marks[0], marks[-1]
    rounds = len(marks) - 1
    return {k: (last[k] - first.get(k, 0)) / rounds for k in last}, rounds


def report(args):
    code = Code(args.elf or [KERNEL_ELF, FIRMWARE_ELF])
    per = code.address_of(args.per) if args.per else None
    a, ra = profile(args.log, code, per)
    unit = "per round of %s" % args.per if per else "in the window"
    if not args.vs:
        total = sum(a.values())
        print("%.0f instructions %s%s" % (total, unit,
                                          " (%d rounds)" % ra if per else ""))
        for name, n in sorted(a.items(), key=lambda kv: -kv[1])[:args.top]:
            print("%10.0f %5.1f%%  %s" % (n, 100.0 * n / total, name))
        return 0
    b, rb = profile(args.vs, code, per)
    print("%.0f against %.0f instructions %s" % (sum(a.values()), sum(b.values()), unit))
    names = sorted(set(a) | set(b), key=lambda k: -abs(a.get(k, 0) - b.get(k, 0)))
    print("%10s %10s %10s  function" % ("first", "--vs", "difference"))
    for name in names[:args.top]:
        print("%10.0f %10.0f %+10.0f  %s" % (a.get(name, 0), b.get(name, 0),
                                            a.get(name, 0) - b.get(name, 0), name))
    return 0


def monitor(path, *commands):
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(path)
    sock.settimeout(2)
    for cmd in commands:
        sock.sendall((cmd + "\n").encode())
        time.sleep(0.2)
    sock.close()


def capture(args):
    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    mon = out.with_suffix(".mon")
    console = out.with_suffix(".console")
    for p in (out, mon, console):
        if p.exists():
            p.unlink()
    cmd = [sys.executable, str(REPO / "scripts/qemu-boot.py"), "--name", out.stem,
           "--icount", "0", "--run", args.run, "--log", str(console),
           "--timeout", str(args.timeout),
           "--qemu-arg=-monitor", "--qemu-arg=unix:%s,server=on,wait=off" % mon,
           "--qemu-arg=-D", "--qemu-arg=%s" % out]
    for a in args.append:
        cmd += ["--append", a]
    boot = subprocess.Popen(cmd + args.qemu_boot, stdout=subprocess.DEVNULL)
    deadline = time.time() + args.timeout
    def started():
        return console.exists() and AGENT_START in console.read_text(errors="replace")

    try:
        while time.time() < deadline and boot.poll() is None and not started():
            time.sleep(0.5)
        if not started():
            sys.exit("tb-profile: the agent never started (see %s)" % console)
        time.sleep(args.after)
        if boot.poll() is not None:
            sys.exit("tb-profile: the boot ended before the window: lower --after "
                     "or raise agent.bench_scale (see %s)" % console)
        monitor(str(mon), "log exec,nochain")
        time.sleep(args.window)
        monitor(str(mon), "log none", "quit")
        boot.wait(timeout=60)
    finally:
        if boot.poll() is None:
            boot.kill()
    print("tb-profile: %s (%d MB)" % (out, out.stat().st_size >> 20))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture", help="boot and trace a window of a workload")
    c.add_argument("--out", required=True, help="the trace (QEMU's -D log)")
    c.add_argument("--run", required=True, help="agent.run, e.g. bench.munmap_16m")
    c.add_argument("--append", action="append", default=[],
                   help="kernel argument (repeatable)")
    c.add_argument("--after", type=float, default=20,
                   help="seconds after the agent started (default: 20)")
    c.add_argument("--window", type=float, default=10,
                   help="seconds traced (default: 10; about 60 MB a second)")
    c.add_argument("--timeout", type=float, default=600)
    c.add_argument("qemu_boot", nargs=argparse.REMAINDER,
                   help="-- then qemu-boot.py options")
    r = sub.add_parser("report", help="instructions by function")
    r.add_argument("log")
    r.add_argument("--vs", help="a second trace to compare with")
    r.add_argument("--per", metavar="SYMBOL",
                   help="per round: divide by the blocks starting at SYMBOL")
    r.add_argument("--elf", action="append", type=Path,
                   help="code to attribute to (default: the kernel and firmware)")
    r.add_argument("--top", type=int, default=40)
    args = p.parse_args()
    if args.cmd == "capture":
        args.qemu_boot = [a for a in args.qemu_boot if a != "--"]
        return capture(args)
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
