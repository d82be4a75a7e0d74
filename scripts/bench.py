#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pvmmu benchmark: native vs PV unbatched vs PV batched.

Boots the same kernel Image once per mode, each under
"-icount shift=N,sleep=off" (guest time = instructions x 2^N ns, the same
on every run), runs the agent's "bench" group and prints, per workload,
guest time per operation, its ratio to native on pvmmu's firmware, the
page-table SBI calls, entries per call, faults, the firmware's own trap
count when the kernel prints it, and a modelled hardware cost:

    modelled cycles/op = guest instructions/op + traps/op x --trap-cycles

Outputs, in --out (default build/bench): results.json (every figure of
every boot), results.md (the tables printed at the end) and bench.svg
(time/op relative to native).  See docs/BENCHMARK.md.

Only the Python standard library is used; boots go through
scripts/qemu-boot.py.
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from agent_output import agent_line

REPO = Path(__file__).resolve().parent.parent
QEMU_BOOT = REPO / "scripts/qemu-boot.py"
PVMMU_FIRMWARE = REPO / "build/sbi-pvmmu/sbi-pvmmu.bin"
# Upstream OpenSBI 1.8.1 with the PVMMU series (make opensbi)
OPENSBI_PVMMU_FIRMWARE = REPO / "build/opensbi/fw_dynamic.bin"

# One instruction per 2^SHIFT ns of guest time: 0 is a 1 GIPS machine,
# the closest to the cores the published trap costs were measured on.
DEFAULT_SHIFT = 0
# Published null SBI round trips on real RISC-V cores: about 220-610
# cycles (see docs/BENCHMARK.md); 300 is the model's default.
DEFAULT_TRAP_CYCLES = 300
REFERENCE = "native"


class Mode:
    def __init__(self, name, label, firmware, append, icount, pv, kernel="pvmmu"):
        self.name = name
        self.label = label
        self.firmware = firmware
        self.append = append
        self.icount = icount
        self.pv = pv
        # "pvmmu": the kernel built with CONFIG_RISCV_PVMMU=y; "nopv": without
        self.kernel = kernel


MODES = [
    Mode("native-nopv", "native, kernel without pvmmu", "pvmmu", [], True, False,
         kernel="nopv"),
    Mode("native-opensbi", "native, Debian OpenSBI", "opensbi", [], True, False),
    Mode("native", "native, pvmmu firmware", "pvmmu", ["pvmmu=off"], True, False),
    Mode("pv-unbatched", "PV unbatched", "pvmmu", ["pvmmu.batch=1"], True, True),
    Mode("pv-batched", "PV batched", "pvmmu", [], True, True),
    Mode("pv-batched-wall", "PV batched, wall clock", "pvmmu", [], False, True),
    Mode("native-opensbi-pvmmu", "native, OpenSBI + PVMMU", "opensbi-pvmmu",
         ["pvmmu=off"], True, False),
    Mode("pv-batched-opensbi", "PV batched, OpenSBI + PVMMU", "opensbi-pvmmu", [],
         True, True),
]
# The firmware file of each kind of mode: an argument of this script
FIRMWARE_ARGS = {"pvmmu": "firmware", "opensbi-pvmmu": "opensbi_firmware"}
MODE_BY_NAME = {m.name: m for m in MODES}
DEFAULT_CPU = "rv64"
PLOT_MODES = ["native-opensbi", "pv-unbatched", "pv-batched"]

# What one operation of each workload is. The workloads themselves, and their
# order, are the agent's (BENCH_WORKLOADS in agent/test-bench.c).
WHAT = dict([
    ("map_1", "mmap + touch + munmap, 1 page"),
    ("map_16", "mmap + touch + munmap, 16 pages"),
    ("map_256", "mmap + touch + munmap, 256 pages"),
    ("map_4096", "mmap + touch + munmap, 4096 pages (16 MiB)"),
    ("fork_1m", "fork + exit, 1 MiB populated parent"),
    ("fork_16m", "fork + exit, 16 MiB populated parent"),
    ("fork_exec", "fork + exec + exit of a static binary"),
    ("fork_sh", "fork + exec of a binary that fork + execs another and waits (a shell running a command)"),
    ("mprotect_1m", "mprotect of 1 MiB populated (RO or RW)"),
    ("mprotect_64m", "mprotect of 64 MiB populated (RO or RW)"),
    ("prot_fault", "one protection fault: write to a read-only page, SIGSEGV, mprotect RW in the handler, mprotect RO"),
    ("mremap_16m", "mremap move of 16 MiB populated, PTE by PTE"),
    ("mremap_aligned_16m", "mremap move of 16 MiB populated, 2 MiB aligned"),
    ("dontneed_16m", "madvise(MADV_DONTNEED) of 16 MiB populated"),
    ("munmap_16m", "munmap of 16 MiB populated (mapping and touching untimed)"),
    ("fault_storm_64m", "one first-touch page fault (64 MiB storm)"),
    ("ctxsw_proc", "one context switch between two processes (pipe ping-pong)"),
    ("ctxsw_thread", "one context switch between two threads of a process (pipe ping-pong)"),
    ("sbi_null", "one null SBI round trip (firmware microbenchmark)"),
    ("sbi_update1", "one single-entry UPDATE call (firmware microbenchmark)"),
    ("sbi_update_batch", "one full-batch UPDATE call (firmware microbenchmark)"),
    ("kernel_vmalloc", "vmalloc of 64 KiB + a store per page + vfree (kernel tables)"),
    ("kernel_queue", "set_pte() of a full batch in a lazy section, then its flush (kernel microbenchmark)"),
    ("parallel_1", "1 hart: mmap 16 MiB + touch + munmap, fork every 4 rounds; one round"),
    ("parallel_4", "4 harts at once, each as parallel_1; one round of one hart"),
    ("parallel_8", "8 harts at once, each as parallel_1; one round of one hart "
                   "(not in the default set: -smp 8 boot)"),
])


def agent_workloads():
    """The agent's bench workloads, in order, each with its WHAT."""
    src = REPO / "agent/test-bench.c"
    names = re.findall(r"^\s*X\((\w+),", src.read_text(), re.M)
    missing = [w for w in names if w not in WHAT]
    unknown = [w for w in WHAT if w not in names]
    if not names or missing or unknown:
        sys.exit("bench.py: %s and WHAT disagree (no description: %s; not a "
                 "workload: %s)" % (src, missing or "-", unknown or "-"))
    return names


WORKLOAD_NAMES = agent_workloads()
QUICK_WORKLOADS = ["map_16", "map_4096", "fork_1m", "fork_exec", "mprotect_1m",
                   "mremap_16m", "dontneed_16m", "munmap_16m",
                   "fault_storm_64m", "ctxsw_proc", "ctxsw_thread",
                   "sbi_null", "sbi_update1", "sbi_update_batch",
                   "kernel_vmalloc", "kernel_queue", "parallel_1", "parallel_4"]
QUICK_SCALE = 0.1
# The parallel workloads. parallel_1 and parallel_4 run in the main boot
# (-smp 4); OWN_BOOT ones in a boot of their own with PARALLEL_SMP harts, in
# PARALLEL_MODES only. parallel_8 is not in the default set: under -icount
# with 8 harts busy at once QEMU's round-robin starves the guest's timers
# (an RCU stall, natively too).
PARALLEL = ["parallel_1", "parallel_4", "parallel_8"]
OWN_BOOT = ["parallel_8"]
PARALLEL_SMP = 8
PARALLEL_MODES = ["native", "pv-batched"]
OPTIONAL_WORKLOADS = ["parallel_8"]
# Rows of the lmbench-style table: (what lmbench calls it, workload)
LMBENCH_ROWS = [
    ("fork+exit (1 MiB parent)", "fork_1m"),
    ("fork+exec", "fork_exec"),
    ("sh: fork+exec+wait chain", "fork_sh"),
    ("mmap latency (1 MiB, touched)", "map_256"),
    ("protection fault", "prot_fault"),
    ("page fault", "fault_storm_64m"),
    ("context switch, 2 processes", "ctxsw_proc"),
    ("context switch, 2 threads", "ctxsw_thread"),
]

# firmware counters of /proc/pvmmu (absent on older kernels): every trap
# from S/U-mode on any hart, satp writes accepted, sfence.vma emulated
FW_KEYS = ["fw_traps", "fw_satp", "fw_sfence"]
# instructions of the UPDATE round trips (kernel side), and the firmware's
# share of them by phase (minstret)
INSN_KEYS = ["update_insn", "fw_insn_entry", "fw_insn_checks",
             "fw_insn_validate", "fw_insn_apply", "fw_insn_exit"]

HEARTBEAT_S = 30


def log(msg):
    print("[bench] %s" % msg, flush=True)


def name_list(text, known, what):
    names = [x for x in re.split(r"[,\s]+", text) if x]
    unknown = [x for x in names if x not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            "unknown %s: %s (known: %s)" % (what, ", ".join(unknown), ", ".join(known)))
    return names


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="pvmmu benchmark: native vs PV unbatched vs PV batched, "
                    "one boot per mode under -icount.",
        epilog="modes: " + ", ".join("%s (%s)" % (m.name, m.label) for m in MODES))
    p.add_argument("--modes", type=lambda s: name_list(s, list(MODE_BY_NAME), "mode"),
                   default=[m.name for m in MODES],
                   help="comma-separated modes to boot (default: all)")
    p.add_argument("--workloads", type=lambda s: name_list(s, WORKLOAD_NAMES, "workload"),
                   help="comma-separated workloads (default: all, or the quick set)")
    p.add_argument("--quick", action="store_true",
                   help="fewer workloads (%d) and iterations (scale %g) for development"
                        % (len(QUICK_WORKLOADS), QUICK_SCALE))
    p.add_argument("--scale", type=float,
                   help="multiply the agent's iteration counts (agent.bench_scale)")
    p.add_argument("--shift", type=int, default=DEFAULT_SHIFT,
                   help="-icount shift: 2^N ns of guest time per instruction "
                        "(default: %(default)s)")
    p.add_argument("--trap-cycles", type=float, default=DEFAULT_TRAP_CYCLES,
                   help="modelled cost of one SBI trap in cycles (default: %(default)s)")
    p.add_argument("--repeat", type=int, default=1,
                   help="boot every mode N times and report how far guest ns/op "
                        "moved between identical boots (default: 1)")
    p.add_argument("--seed", type=int, default=1,
                   help="QEMU -seed for the guest's random numbers; -1: host "
                        "randomness (default: %(default)s)")
    p.add_argument("--smp", type=int, default=4, help="harts (default: 4)")
    p.add_argument("--out", default=str(REPO / "build/bench"),
                   help="output directory (default: %(default)s)")
    p.add_argument("--kernel", default=str(REPO / "build/kernel/arch/riscv/boot/Image"))
    p.add_argument("--kernel-nopv", default=str(REPO / "build/kernel-nopv/arch/riscv/boot/Image"),
                   help="the same kernel configuration without CONFIG_RISCV_PVMMU, for "
                        "mode native-nopv (default: %(default)s)")
    p.add_argument("--parallel-smp", type=int, default=PARALLEL_SMP,
                   help="harts of the extra boot that runs parallel_8 "
                        "(default: %(default)s)")
    p.add_argument("--initrd", default=str(REPO / "build/agent/initramfs.cpio"))
    p.add_argument("--firmware", default=str(PVMMU_FIRMWARE),
                   help="pvmmu's firmware (default: %(default)s)")
    p.add_argument("--opensbi-firmware", default=str(OPENSBI_PVMMU_FIRMWARE),
                   help="OpenSBI with the PVMMU series, for the modes "
                        "native-opensbi-pvmmu and pv-batched-opensbi "
                        "(default: %(default)s)")
    p.add_argument("--timeout", type=float, default=900,
                   help="hard limit per boot, seconds (default: %(default)s)")
    p.add_argument("--cpu", default=DEFAULT_CPU,
                   help="-cpu model of every boot (default: %(default)s; "
                        "rv64,sstc=false takes the timer through the SBI, for the "
                        "Sstc hang in docs/BENCHMARK.md)")
    p.add_argument("--append", action="append", default=[],
                   help="extra kernel argument for every boot (repeatable)")
    p.add_argument("--compare", metavar="JSON",
                   help="also compare guest ns/op with another run's results.json")
    p.add_argument("--report-only", action="store_true",
                   help="do not boot: redo tables and plot from OUT/results.json "
                        "(with the --trap-cycles given now)")
    args = p.parse_args(argv)
    modes_given = "--modes" in " ".join(argv or [])

    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.shift < 0 or args.shift > 10:
        p.error("--shift must be 0..10")
    if args.scale is not None and args.scale <= 0:
        p.error("--scale must be positive")
    if args.seed < 0:
        args.seed = None
    if args.workloads is None:
        args.workloads = QUICK_WORKLOADS if args.quick else [
            w for w in WORKLOAD_NAMES if w not in OPTIONAL_WORKLOADS]
    if args.scale is None:
        args.scale = QUICK_SCALE if args.quick else 1.0
    args.modes = [m.name for m in MODES if m.name in args.modes]
    args.modes_given = modes_given
    return args


# ---- running the boots ----

def boot_command(args, mode, name, out, workloads, smp):
    cmd = [sys.executable, str(QEMU_BOOT), "--name", name,
           "--firmware", (getattr(args, FIRMWARE_ARGS[mode.firmware])
                          if mode.firmware in FIRMWARE_ARGS else mode.firmware),
           "--smp", str(smp), "--cpu", args.cpu,
           "--kernel", args.kernel_nopv if mode.kernel == "nopv" else args.kernel,
           "--initrd", args.initrd,
           "--run", ",".join("bench." + w for w in workloads),
           "--timeout", str(args.timeout),
           "--log", str(out / "logs" / (name + ".log")),
           "--json-out", str(out / "boots" / (name + ".json"))]
    if mode.icount:
        cmd += ["--icount", str(args.shift)]
    if args.seed is not None:
        # the FDT's rng-seed (and with it the kernel's randomness) repeats
        cmd += ["--qemu-arg=-seed", "--qemu-arg=%d" % args.seed]
    extra = list(mode.append) + list(args.append)
    if args.scale != 1.0:
        extra.append("agent.bench_scale=%g" % args.scale)
    for a in extra:
        cmd += ["--append", a]
    return cmd


def summary_of(res):
    if res.get("result") != "pass":
        detail = res.get("detail", "")
        if len(detail) > 60:
            detail = detail[:57] + "..."
        return "%s: %s" % (res.get("result", "?").upper(), detail)
    text = "%s/op" % fmt_ns(res.get("ns_per_op"))
    if res.get("sbi_calls_per_op"):
        text += ", %.1f calls/op" % res["sbi_calls_per_op"]
    return text


class Progress:
    """Follow one boot's console (as echoed by qemu-boot.py) and report."""

    def __init__(self, tag, workloads):
        self.tag = tag
        self.workloads = workloads
        self.done = 0
        self.start = time.monotonic()
        self.last_event = self.start
        self.agent_started = False
        self.verdict = None

    def elapsed(self):
        return time.monotonic() - self.start

    def running(self):
        if not self.agent_started:
            return "booting"
        if self.done < len(self.workloads):
            return self.workloads[self.done]
        return "powering off"

    def line(self, text):
        if text.startswith("qemu-boot:") and ("PASS (" in text or "FAIL (" in text):
            self.verdict = text.split(": ", 2)[-1]
            return
        agent = agent_line(text)
        if not agent or agent[1] is None:
            return
        obj = agent[1]
        self.last_event = time.monotonic()
        if obj.get("event") == "start":
            self.agent_started = True
            log("%s: agent started (%.0f s), running %s"
                % (self.tag, self.elapsed(), self.running()))
        elif "test" in obj:
            name = obj["test"].split(".", 1)[-1]
            self.done += 1
            log("%s: %-18s %-44s [%d/%d, %.0f s]"
                % (self.tag, name, summary_of(obj), self.done,
                   len(self.workloads), self.elapsed()))

    def heartbeat(self):
        if time.monotonic() - self.last_event >= HEARTBEAT_S:
            self.last_event = time.monotonic()
            log("%s: still %s (%.0f s)" % (self.tag, self.running(), self.elapsed()))


class Terminated(Exception):
    pass


def on_signal(signum, frame):
    raise Terminated(signal.Signals(signum).name)


def run_boot(cmd, progress):
    """Run qemu-boot.py, following its echoed console.  Returns its status."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    partial = b""
    try:
        while True:
            if not sel.select(timeout=1.0):
                progress.heartbeat()
                continue
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            lines = (partial + data).split(b"\n")
            partial = lines.pop()
            for raw in lines:
                progress.line(raw.decode("utf-8", errors="replace").rstrip("\r"))
        if partial:
            progress.line(partial.decode("utf-8", errors="replace"))
        return proc.wait()
    finally:
        sel.close()
        if proc.poll() is None:
            # qemu-boot.py stops QEMU on SIGTERM
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()


def load_boot(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def check_mode(mode, results):
    """Problems with a boot's results that its pass/fail does not show."""
    problems = []
    for name, res in results.items():
        if res.get("result") != "pass":
            continue
        active = res.get("pvmmu_active")
        if active is not None and bool(active) != mode.pv:
            problems.append("%s: pvmmu_active=%s in mode %s" % (name, active, mode.name))
        batch = res.get("batch")
        if batch is not None and mode.name == "pv-unbatched" and batch != 1:
            problems.append("%s: batch=%s, expected 1" % (name, batch))
        if batch is not None and mode.name.startswith("pv-batched") and batch < 2:
            problems.append("%s: batch=%s in a batched mode" % (name, batch))
    return problems[:3]


def boot_plan(args):
    """(mode, repetition, part, workloads, harts) of every boot, in order.

    The OWN_BOOT workloads go to a boot of their own with more harts
    (part "parallel"), in PARALLEL_MODES only; the rest run in one boot
    per mode (part "main")."""
    main = [w for w in args.workloads if w not in OWN_BOOT]
    par = [w for w in args.workloads if w in OWN_BOOT]
    plan = []
    for r in range(args.repeat):
        for m in args.modes:
            if main:
                plan.append((MODE_BY_NAME[m], r, "main", main, args.smp))
            if par and m in PARALLEL_MODES:
                plan.append((MODE_BY_NAME[m], r, "parallel", par,
                             max(args.smp, args.parallel_smp)))
    return plan


def run_all(args, out):
    boots = boot_plan(args)
    data = {m: {"boots": []} for m in args.modes}
    failed = False

    for i, (mode, rep, part, workloads, smp) in enumerate(boots, 1):
        name = "bench-%s" % mode.name + ("-%d" % (rep + 1) if args.repeat > 1 else "")
        if part != "main":
            name += "-" + part
        tag = "%d/%d %s%s" % (i, len(boots), mode.name,
                              "" if part == "main" else " (%s, -smp %d)" % (part, smp))
        cmd = boot_command(args, mode, name, out, workloads, smp)
        log("%s: booting (%s%s)" % (tag, mode.label,
                                    ", -icount shift=%d" % args.shift if mode.icount
                                    else ", no -icount"))
        boot_json = out / "boots" / (name + ".json")
        boot_json.unlink(missing_ok=True)       # never read an older run's
        progress = Progress(tag, workloads)
        status = run_boot(cmd, progress)
        boot = load_boot(boot_json) or {}
        results = {r["test"].split(".", 1)[-1]: r for r in boot.get("results", [])
                   if r.get("test", "").startswith("bench.")}
        problems = check_mode(mode, results)
        record = {
            "name": name,
            "status": boot.get("status", "FAIL"),
            "qemu_boot_exit": status,
            "reasons": boot.get("reasons", ["no JSON from qemu-boot.py"]) + problems,
            "elapsed_s": round(progress.elapsed(), 1),
            "log": boot.get("log"),
            "command": boot.get("command"),
            "results": results,
        }
        boots_of_mode = data[mode.name]["boots"]
        if part == "main" or len(boots_of_mode) <= rep:
            boots_of_mode.append(record)
        else:
            # one record per repetition: the parallel boot adds its results
            main_record = boots_of_mode[rep]
            main_record["results"].update(results)
            main_record.setdefault("parts", []).append(record)
            if record["status"] != "PASS":
                main_record["status"] = record["status"]
                main_record["reasons"] += record["reasons"]
        ok = status == 0 and not problems
        failed |= not ok
        log("%s: %s in %.0f s%s" % (tag, "done" if ok else "FAILED",
                                    progress.elapsed(),
                                    "" if ok else ": " + "; ".join(
                                        record["reasons"] or [progress.verdict or "?"])))
    return data, failed


# ---- figures ----

def fmt_ns(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f us" % (ns / 1e3)
    return "%.0f ns" % ns


def fmt_num(v, digits=2):
    if v is None:
        return "-"
    if v >= 1e5:
        return "%.0f" % v
    return "%.*f" % (digits, v)


def fmt_cycles(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    if v >= 1e3:
        return "%.1f k" % (v / 1e3)
    return "%.0f" % v


def fmt_ratio(v):
    return "-" if v is None else "%.2fx" % v


def fw_modes(modes):
    """The modes whose firmware counts its own traps: pvmmu's, or OpenSBI
    with the PVMMU series (once it has a pool)."""
    return [m for m in modes if MODE_BY_NAME[m].firmware in FIRMWARE_ARGS]


def uses_opensbi_pvmmu(modes):
    return any(MODE_BY_NAME[m].firmware == "opensbi-pvmmu" for m in modes)


def passed(data, mode, workload, rep=0):
    boots = data.get(mode, {}).get("boots", [])
    if rep >= len(boots):
        return None
    res = boots[rep]["results"].get(workload)
    return res if res and res.get("result") == "pass" else None


def modelled(res, shift, trap_cycles):
    """Instructions per op (under icount) plus traps x trap cost."""
    ns = res.get("ns_per_op")
    if ns is None:
        return None
    return ns / (1 << shift) + (res.get("traps_per_op") or 0.0) * trap_cycles


def summarize(data, meta, trap_cycles):
    """Per workload and mode: the first boot's figures and ratios."""
    shift = meta["shift"]
    summary = {}
    for w in meta["workloads"]:
        ref = passed(data, REFERENCE, w)
        row = {}
        for mode in meta["modes"]:
            res = passed(data, mode, w)
            boots = data.get(mode, {}).get("boots", [])
            if not res:
                first = boots[0]["results"].get(w) if boots else None
                row[mode] = {"result": first.get("result") if first else "missing",
                             "detail": first.get("detail") if first else None}
                continue
            icount = MODE_BY_NAME[mode].icount
            fig = {
                "result": "pass",
                "ops": res.get("ops"),
                "ns_per_op": res.get("ns_per_op"),
                "sbi_calls_per_op": res.get("sbi_calls_per_op"),
                "entries_per_call": res.get("entries_per_call"),
                "traps_per_op": res.get("traps_per_op"),
                "faults_per_op": res.get("faults_per_op"),
                "batch": res.get("batch"),
            }
            # the firmware's counters, None when the kernel does not give them
            for key in FW_KEYS + INSN_KEYS:
                fig[key + "_per_op"] = res.get(key + "_per_op")
            if res.get("line"):
                fig["line"] = res["line"]
            # raw counters behind call_breakdown()
            for key, value in res.items():
                if key.startswith(("flush_", "direct.")) or key == "table_calls":
                    fig[key] = value
            if icount:
                fig["modelled_cycles_per_op"] = modelled(res, shift, trap_cycles)
            if icount and ref:
                fig["rel_native"] = res["ns_per_op"] / ref["ns_per_op"]
                fig["rel_native_modelled"] = (fig["modelled_cycles_per_op"]
                                              / modelled(ref, shift, trap_cycles))
            row[mode] = fig
        summary[w] = row
    return summary


def determinism(data, meta):
    """Largest relative spread of guest ns/op between repeated boots."""
    spread = {}
    for mode in meta["modes"]:
        boots = data.get(mode, {}).get("boots", [])
        if len(boots) < 2:
            continue
        per = {}
        for w in meta["workloads"]:
            vals = [b["results"][w]["ns_per_op"] for b in boots
                    if b["results"].get(w, {}).get("result") == "pass"]
            if len(vals) == len(boots) and min(vals) > 0:
                per[w] = (max(vals) - min(vals)) / min(vals)
        if per:
            worst = max(per, key=per.get)
            spread[mode] = {"max_rel_diff": per[worst], "worst": worst,
                            "per_workload": per}
    return spread


def compare(doc, other):
    """Guest ns/op of this run against another results.json, per mode."""
    lines = ["### Compared with %s" % other["meta"].get("date", "another run"), "",
             "| mode | max relative difference of guest ns/op | workload | workloads |",
             "|---|---|---|---|"]
    for mode in doc["meta"]["modes"]:
        if mode not in other.get("modes", {}):
            continue
        per = {}
        for w in doc["meta"]["workloads"]:
            a, b = passed(doc["modes"], mode, w), passed(other["modes"], mode, w)
            if a and b and b["ns_per_op"] > 0:
                per[w] = (a["ns_per_op"] - b["ns_per_op"]) / b["ns_per_op"]
        if not per:
            continue
        worst = max(per, key=lambda w: abs(per[w]))
        lines.append("| %s | %+.3g%% | %s | %d |" % (
            MODE_BY_NAME[mode].label, 100 * per[worst],
            worst if per[worst] else "all identical", len(per)))
    return "\n".join(lines)


# ---- the report ----

def markdown(summary, spread, meta):
    modes = meta["modes"]
    shift = meta["shift"]
    lines = []
    lines.append("Guest time under `-icount shift=%d,sleep=off` (1 instruction = %d ns), "
                 "%d harts, scale %g; modelled cycles = instructions + traps x %g."
                 % (shift, 1 << shift, meta["smp"], meta["scale"], meta["trap_cycles"]))
    lines.append("")

    # overview: ratio to native for each mode
    icount_modes = [m for m in modes if MODE_BY_NAME[m].icount]
    if REFERENCE in modes and len(icount_modes) > 1:
        head = ["workload", "native time/op"]
        for m in icount_modes:
            if m != REFERENCE:
                head.append(MODE_BY_NAME[m].label)
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for w, row in summary.items():
            ref = row.get(REFERENCE, {})
            if ref.get("result") != "pass":
                continue
            cells = [w, fmt_ns(ref["ns_per_op"])]
            for m in icount_modes:
                if m == REFERENCE:
                    continue
                fig = row.get(m, {})
                if fig.get("rel_native") is None:
                    cells.append("-")
                else:
                    cells.append("%s (model %s)" % (fmt_ratio(fig["rel_native"]),
                                                    fmt_ratio(fig["rel_native_modelled"])))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        lines.append("Ratios are time per operation relative to native on pvmmu's "
                     "firmware; \"model\" is the same for modelled cycles.")
        lines.append("")

    # "fw traps/op" only when a mode boots a firmware that counts its traps
    # (pvmmu's, OpenSBI with the series), and filled only for those modes
    with_fw = fw_modes(modes)
    for w, row in summary.items():
        lines.append("### %s: %s" % (w, WHAT.get(w, w)))
        lines.append("")
        head = ["mode", "time/op", "vs native", "SBI calls/op", "entries/call",
                "traps/op"] + (["fw traps/op"] if with_fw else []) + [
                "faults/op", "modelled cycles/op", "vs native"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for m in modes:
            fig = row.get(m, {})
            label = MODE_BY_NAME[m].label
            if fig.get("result") != "pass":
                detail = fig.get("detail") or ""
                lines.append("| %s | %s%s |%s" % (
                    label, fig.get("result", "missing"),
                    (": " + detail[:60]) if detail else "", " |" * (len(head) - 2)))
                continue
            if fig.get("batch") is not None and MODE_BY_NAME[m].pv:
                label += " (batch %d)" % fig["batch"]
            time_op = fmt_ns(fig["ns_per_op"])
            if not MODE_BY_NAME[m].icount:
                time_op += " (wall)"
            cells = [label, time_op, fmt_ratio(fig.get("rel_native")),
                     fmt_num(fig["sbi_calls_per_op"]),
                     fmt_num(fig["entries_per_call"]) if fig["sbi_calls_per_op"] else "-",
                     fmt_num(fig["traps_per_op"])]
            if with_fw:
                cells.append(fmt_num(fig.get("fw_traps_per_op")) if m in with_fw else "-")
            cells += [fmt_num(fig["faults_per_op"]),
                      fmt_cycles(fig.get("modelled_cycles_per_op")),
                      fmt_ratio(fig.get("rel_native_modelled"))]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        breakdown = call_breakdown(row.get("pv-batched", {}))
        if breakdown:
            lines.append("PV batched, per operation: " + breakdown + ".")
            lines.append("")

    for section in (targets_table, off_cost_table, breakdown_table, queue_figures,
                    lmbench_table, parallel_table, firmware_table):
        text = section(summary, meta)
        if text:
            lines.append(text)
            lines.append("")

    if spread:
        lines.append("### Determinism (%d boots per mode)" % meta["repeat"])
        lines.append("")
        lines.append("| mode | max relative difference of guest ns/op | workload |")
        lines.append("|---|---|---|")
        for m, s in spread.items():
            worst = s["worst"] if s["max_rel_diff"] else "all identical"
            lines.append("| %s | %.3g%% | %s |" % (MODE_BY_NAME[m].label,
                                                   100 * s["max_rel_diff"], worst))
        lines.append("")
    return "\n".join(lines)


def fig_of(summary, workload, mode):
    fig = summary.get(workload, {}).get(mode, {})
    return fig if fig.get("result") == "pass" else None


def insn(fig, meta):
    """Guest instructions per operation (time is instructions x 2^shift)."""
    return fig["ns_per_op"] / (1 << meta["shift"])


def line_value(fig, key):
    """A number of the kernel microbenchmark's result line, or None."""
    m = re.search(r"(?:^| )%s=(\d+)" % re.escape(key), (fig or {}).get("line", ""))
    return int(m.group(1)) if m else None


def queue_costs(summary):
    """(kernel instructions per queued entry, per flush, firmware per entry)."""
    fig = fig_of(summary, "kernel_queue", "pv-batched")
    per_entry = per_flush = None
    if fig:
        n = line_value(fig, "iterations")
        entries = line_value(fig, "entries")
        q, f, c = (line_value(fig, k) for k in ("queue_insn", "flush_insn", "call_insn"))
        if n and entries and None not in (q, f, c):
            per_entry = q / entries
            per_flush = (f - c) / n
    fw = fw_per_entry(fig_of(summary, "sbi_update_batch", "pv-batched"))
    return per_entry, per_flush, fw


def fw_per_entry(fig):
    if not fig or not fig.get("entries_per_call") or fig.get("fw_insn_validate_per_op") is None:
        return None
    entries = fig["entries_per_call"] * fig["sbi_calls_per_op"]
    return (fig["fw_insn_validate_per_op"] + fig["fw_insn_apply_per_op"]) / entries


# (figure, workloads, target): PV batched over native, at most target
RATIO_TARGETS = [
    ("first-touch fault", ["fault_storm_64m"], 1.10),
    ("map_4096", ["map_4096"], 1.15),
    ("munmap / MADV_DONTNEED 16 MiB", ["munmap_16m", "dontneed_16m"], 1.10),
    ("fork_16m, fork_1m", ["fork_16m", "fork_1m"], 1.30),
    ("fork_exec", ["fork_exec"], 1.25),
    ("mprotect_64m", ["mprotect_64m"], 1.50),
    ("mremap_16m", ["mremap_16m"], 2.0),
    ("mremap_aligned_16m", ["mremap_aligned_16m"], 1.10),
]


# (what, pvmmu firmware's native and PV modes, OpenSBI's)
FIRMWARE_PAIRS = [("pvmmu's firmware", "native", "pv-batched"),
                  ("OpenSBI + PVMMU", "native-opensbi-pvmmu", "pv-batched-opensbi")]
# Workloads whose PV / native ratio the firmware comparison shows
FIRMWARE_WORKLOADS = ["fault_storm_64m", "map_4096", "munmap_16m", "fork_16m",
                      "fork_exec", "mprotect_64m"]


def firmware_table(summary, meta):
    """The extension inside OpenSBI beside pvmmu's own firmware: the calls'
    cost, and PV batched against native on the same firmware."""
    pairs = [p for p in FIRMWARE_PAIRS if p[1] in meta["modes"] and p[2] in meta["modes"]]
    if len(pairs) < 2:
        return ""
    lines = ["### The extension in OpenSBI 1.8.1 and in pvmmu's firmware", "",
             "| figure | " + " | ".join(p[0] for p in pairs) + " |",
             "|---|" + "---|" * len(pairs)]

    def ns_row(label, workload, per_entry=False):
        cells = []
        for _, _, pv in pairs:
            fig = fig_of(summary, workload, pv)
            ns = fig["ns_per_op"] if fig else None
            if ns is not None and per_entry:
                ns = ns / fig["entries_per_call"] if fig.get("entries_per_call") else None
            cells.append(fmt_ns(ns))
        lines.append("| %s | %s |" % (label, " | ".join(cells)))

    ns_row("null SBI call (PV batched boot)", "sbi_null")
    ns_row("single-entry UPDATE call", "sbi_update1")
    ns_row("full-batch UPDATE, per entry", "sbi_update_batch", per_entry=True)
    for w in FIRMWARE_WORKLOADS:
        cells = []
        for _, native, pv in pairs:
            n, v = fig_of(summary, w, native), fig_of(summary, w, pv)
            cells.append(fmt_ratio(v["ns_per_op"] / n["ns_per_op"]) if n and v else "-")
        lines.append("| %s, PV batched / native on the same firmware | %s |"
                     % (w, " | ".join(cells)))
    cells = []
    for _, native, _ in pairs:
        n, ref = fig_of(summary, "fault_storm_64m", native), \
            fig_of(summary, "fault_storm_64m", REFERENCE)
        cells.append(fmt_ratio(n["ns_per_op"] / ref["ns_per_op"]) if n and ref else "-")
    lines.append("| fault_storm_64m native, against native on pvmmu's firmware | %s |"
                 % " | ".join(cells))
    lines.append("")
    lines.append("Guest time under -icount: the calls' figures are instructions, "
                 "trap entry and exit included.")
    return "\n".join(lines)


def targets_table(summary, meta):
    """The performance targets (docs/BENCHMARK.md), measured in this run."""
    rows = []

    def row(what, target, value, fmt):
        if value is None:
            return
        rows.append("| %s | %s | %s | %s |" % (
            what, target, fmt % value, "yes" if value <= float(
                target.split()[-1].rstrip("x%")) else "no"))

    for what, workloads, target in RATIO_TARGETS:
        vals = [f["rel_native"] for f in (fig_of(summary, w, "pv-batched") for w in workloads)
                if f and f.get("rel_native")]
        if vals:
            row(what, "<= %.2fx" % target, max(vals), "%.2fx")
    null = fig_of(summary, "sbi_null", "pv-batched")
    one = fig_of(summary, "sbi_update1", "pv-batched")
    if null and one:
        row("single-entry UPDATE round trip / null call", "<= 1.60x",
            one["ns_per_op"] / null["ns_per_op"], "%.2fx")
    per_entry, _, fw = queue_costs(summary)
    row("firmware instructions per entry, full batch", "<= 40", fw, "%.0f")
    row("kernel instructions per queued entry", "<= 20", per_entry, "%.0f")
    off = off_costs(summary)
    if off:
        worst = max(off, key=lambda w: off[w])
        row("pvmmu built in and off vs without (worst: %s)" % worst, "<= 1.01x",
            off[worst], "%.3fx")
    par = parallel_ratios(summary)
    if 1 in par:
        for n in sorted(par):
            if n != 1:
                row("parallel PV/native, %d harts vs 1 hart" % n, "<= 5%",
                    100 * abs(par[n] / par[1] - 1), "%.1f%%")
    if not rows:
        return ""
    return "\n".join(["### Targets", "",
                      "PV batched against native on pvmmu's firmware in this run "
                      "(see docs/BENCHMARK.md).", "",
                      "| figure | target | measured | met |", "|---|---|---|---|"] + rows)


def off_costs(summary):
    """Per workload: native with pvmmu built in and off / kernel without it."""
    out = {}
    for w in summary:
        on = fig_of(summary, w, "native")
        without = fig_of(summary, w, "native-nopv")
        if on and without and without["ns_per_op"] and not w.startswith(("sbi_", "kernel_queue")):
            out[w] = on["ns_per_op"] / without["ns_per_op"]
    return out


def off_cost_table(summary, meta):
    off = off_costs(summary)
    if not off:
        return ""
    lines = ["### pvmmu built in, but off", "",
             "Native time per operation: the kernel built with CONFIG_RISCV_PVMMU=y "
             "booted with pvmmu=off, against the same configuration without the "
             "option (both on pvmmu's firmware).", "",
             "| workload | without pvmmu | built in, off | ratio |", "|---|---|---|---|"]
    for w, ratio in off.items():
        lines.append("| %s | %s | %s | %.3fx |" % (
            w, fmt_ns(fig_of(summary, w, "native-nopv")["ns_per_op"]),
            fmt_ns(fig_of(summary, w, "native")["ns_per_op"]), ratio))
    return "\n".join(lines)


def breakdown_table(summary, meta):
    """Where PV batched spends its extra instructions, per operation."""
    lines = []
    for w in summary:
        pv = fig_of(summary, w, "pv-batched")
        nat = fig_of(summary, w, "native")
        if not pv or pv.get("update_insn_per_op") is None or w.startswith("sbi_null"):
            continue
        if not pv["update_insn_per_op"] and not pv.get("sbi_calls_per_op"):
            continue
        trip = pv["update_insn_per_op"]
        fw = [pv.get(k + "_per_op") or 0.0 for k in INSN_KEYS[1:]]
        extra = insn(pv, meta) - insn(nat, meta) if nat else None
        entries = (pv.get("entries_per_call") or 0) * (pv.get("sbi_calls_per_op") or 0)
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            w, fmt_cycles(extra), fmt_cycles(trip),
            *(fmt_cycles(v) for v in fw), fmt_cycles(trip - sum(fw)),
            fmt_cycles(extra - trip) if extra is not None else "-",
            "%.0f" % ((fw[2] + fw[3]) / entries) if entries else "-"))
    if not lines:
        return ""
    return "\n".join([
        "### Cost breakdown, PV batched (guest instructions per operation)", "",
        "*extra*: PV batched minus native. *UPDATE*: the instructions of the "
        "UPDATE round trips (the kernel reads instret around each ecall), of "
        "which the firmware counts (minstret) *entry* (trap entry and "
        "dispatch), *checks* (per call), *validate* and *apply* (per entry) "
        "and *exit* (back to the trap return); *trap* is the rest of the round "
        "trip (the ecall, the trap frame's save and restore). *kernel & rest*: "
        "everything else PV adds (hooks, queue, pool, table calls, emulated "
        "sfence.vma). *fw/entry*: validate + apply per entry.", "",
        "| workload | extra | UPDATE | entry | checks | validate | apply | exit "
        "| trap | kernel & rest | fw/entry |",
        "|---|---|---|---|---|---|---|---|---|---|---|"] + lines)


def queue_figures(summary, meta):
    per_entry, per_flush, fw = queue_costs(summary)
    if per_entry is None:
        return ""
    text = ("Kernel queue (kernel_queue): %.0f instructions per set_pte() queued in "
            "a lazy section, %.0f per flush besides the UPDATE round trip"
            % (per_entry, per_flush))
    if fw is not None:
        text += "; firmware: %.0f instructions per entry of a full batch" % fw
    return text + "."


def lmbench_table(summary, meta):
    modes = [m for m in ("native", "pv-unbatched", "pv-batched") if m in meta["modes"]]
    rows = []
    for what, w in LMBENCH_ROWS:
        figs = [fig_of(summary, w, m) for m in modes]
        if not figs[0]:
            continue
        cells = [what, w]
        for m, f in zip(modes, figs):
            if not f:
                cells.append("-")
            elif m == "native":
                cells.append(fmt_ns(f["ns_per_op"]))
            else:
                cells.append("%s (%.2fx)" % (fmt_ns(f["ns_per_op"]),
                                             f["ns_per_op"] / figs[0]["ns_per_op"]))
        rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return ""
    head = ["lmbench-style", "workload"] + [MODE_BY_NAME[m].label for m in modes]
    return "\n".join(["### lmbench-style table", "",
                      "Guest time per operation; for Xen's PV figures see docs/BENCHMARK.md.",
                      "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + rows)


def parallel_ratios(summary):
    out = {}
    for w in PARALLEL:
        pv = fig_of(summary, w, "pv-batched")
        nat = fig_of(summary, w, "native")
        if pv and nat:
            out[int(w.split("_")[1])] = pv["ns_per_op"] / nat["ns_per_op"]
    return out


def parallel_table(summary, meta):
    par = parallel_ratios(summary)
    if not par:
        return ""
    lines = ["### Parallel scaling", "",
             "Every hart loops mmap 16 MiB + touch + munmap with a fork every 4 "
             "rounds; time per round of one hart (under -icount the harts share "
             "one instruction clock, so read the ratio).", "",
             "| harts | native | PV batched | PV/native | vs 1 hart |", "|---|---|---|---|---|"]
    for n in sorted(par):
        w = "parallel_%d" % n
        lines.append("| %d | %s | %s | %.2fx | %s |" % (
            n, fmt_ns(fig_of(summary, w, "native")["ns_per_op"]),
            fmt_ns(fig_of(summary, w, "pv-batched")["ns_per_op"]), par[n],
            "%+.1f%%" % (100 * (par[n] / par[1] - 1)) if 1 in par else "-"))
    return "\n".join(lines)


def call_breakdown(fig):
    """Where a PV mode's UPDATE calls come from, per operation."""
    ops = fig.get("ops")
    if fig.get("result") != "pass" or not ops or "flush_leave" not in fig:
        return ""
    reasons = ["%s %s" % (key[len("flush_"):], fmt_num(fig[key] / ops))
               for key in sorted(k for k in fig if k.startswith("flush_"))
               if fig[key]]
    direct = ["%s %s" % (key[len("direct."):], fmt_num(fig[key] / ops))
              for key in sorted(k for k in fig if k.startswith("direct."))
              if fig[key]]
    text = "UPDATE calls by flush reason: " + (", ".join(reasons) or "none")
    if direct:
        text += "; hook calls submitted at once: " + ", ".join(direct)
    if "table_calls" in fig:
        text += "; PT_REGISTER + PT_RELEASE calls %s" % fmt_num(
            fig["table_calls"] / ops)
    if fig.get("fw_satp_per_op") is not None or fig.get("fw_sfence_per_op") is not None:
        text += "; firmware: satp writes %s, sfence.vma emulated %s" % (
            fmt_num(fig.get("fw_satp_per_op")), fmt_num(fig.get("fw_sfence_per_op")))
    return text


# ---- the plot (SVG, standard library only) ----

SVG_COLORS = {"native-opensbi": "#9e9e9e", "pv-unbatched": "#e6711c",
              "pv-batched": "#2f6db5"}


def svg_escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def plot_svg(summary, meta, path):
    """Horizontal bars, log scale: guest time/op relative to native.

    The firmware microbenchmarks are left out: they are not workloads.
    """
    modes = [m for m in PLOT_MODES if m in meta["modes"]]
    rows = [(w, row) for w, row in summary.items()
            if not w.startswith("sbi_")
            and row.get(REFERENCE, {}).get("result") == "pass"
            and any(row.get(m, {}).get("rel_native") for m in modes)]
    if not rows or not modes:
        return False

    values = [row[m][k] for _, row in rows for m in modes
              for k in ("rel_native", "rel_native_modelled")
              if row.get(m, {}).get(k)]
    ladder = [2, 5, 10, 20, 50, 100, 200, 500, 1000]
    top = next((t for t in ladder if t >= max(values) * 1.15), ladder[-1])
    lo = min(0.8, min(values) * 0.9)

    left, right, top_pad, bar, gap = 190, 80, 56, 9, 10
    width = 900
    plot_w = width - left - right
    group_h = bar * len(modes) + gap
    height = top_pad + group_h * len(rows) + 46

    def x(v):
        return left + plot_w * (math.log(v) - math.log(lo)) / (math.log(top) - math.log(lo))

    out = []
    out.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
               'viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">'
               % (width, height, width, height))
    out.append('<rect width="100%" height="100%" fill="white"/>')
    out.append('<text x="%d" y="18" font-size="13" font-weight="bold">%s</text>'
               % (left, svg_escape("pvmmu: guest time per operation relative to native "
                                   "(pvmmu firmware, pvmmu=off)")))
    out.append('<text x="%d" y="34" fill="#444">%s</text>'
               % (left, svg_escape("QEMU 7.2 TCG, -icount shift=%d, %d harts; bar: guest "
                                   "time, tick: modelled cycles (%g cycles/trap); log scale"
                                   % (meta["shift"], meta["smp"], meta["trap_cycles"]))))
    # legend
    lx = left
    for m in modes:
        out.append('<rect x="%d" y="41" width="10" height="10" fill="%s"/>'
                   % (lx, SVG_COLORS[m]))
        out.append('<text x="%d" y="50">%s</text>' % (lx + 14, svg_escape(MODE_BY_NAME[m].label)))
        lx += 24 + 7 * len(MODE_BY_NAME[m].label)
    out.append('<line x1="%d" y1="40" x2="%d" y2="52" stroke="black" stroke-width="2"/>'
               % (lx + 4, lx + 4))
    out.append('<text x="%d" y="50">modelled cycles</text>' % (lx + 12))

    # grid
    ticks = [t for t in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if lo <= t <= top]
    y_end = top_pad + group_h * len(rows)
    for t in ticks:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>'
                   % (x(t), top_pad - 4, x(t), y_end, "#333" if t == 1 else "#ddd"))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%gx</text>'
                   % (x(t), y_end + 14, t))

    for i, (w, row) in enumerate(rows):
        y0 = top_pad + i * group_h
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                   % (left - 8, y0 + group_h / 2, svg_escape(w)))
        for j, m in enumerate(modes):
            fig = row.get(m, {})
            rel = fig.get("rel_native")
            if not rel:
                continue
            y = y0 + j * bar
            x0, x1 = x(1.0), x(rel)
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s">'
                       '<title>%s %s: %.2fx</title></rect>'
                       % (min(x0, x1), y, abs(x1 - x0), bar - 1, SVG_COLORS[m],
                          svg_escape(w), svg_escape(m), rel))
            mod = fig.get("rel_native_modelled")
            if mod and MODE_BY_NAME[m].pv:
                out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" '
                           'stroke-width="2"/>' % (x(mod), y - 1, x(mod), y + bar))
            out.append('<text x="%.1f" y="%d" font-size="9" fill="#333">%.2fx</text>'
                       % (max(x0, x1, x(mod) if mod else 0) + 4, y + bar - 1, rel))
    out.append('<text x="%d" y="%d" fill="#444">time per operation / native</text>'
               % (left + plot_w / 2 - 70, y_end + 32))
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")
    return True


# ---- metadata ----

def file_id(path):
    try:
        st = os.stat(path)
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return {"path": str(path), "bytes": st.st_size, "sha256": h.hexdigest()[:16],
                "mtime": datetime.datetime.fromtimestamp(st.st_mtime).isoformat(timespec="seconds")}
    except OSError:
        return {"path": str(path), "missing": True}


def command_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                              cwd=REPO).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def snapshot_inputs(args, out):
    """Boot copies, so a rebuild during the run cannot mix two kernels."""
    inputs = out / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    for attr in ("kernel", "kernel_nopv", "initrd", "firmware", "opensbi_firmware"):
        if attr == "kernel_nopv" and "native-nopv" not in args.modes:
            continue
        if attr == "opensbi_firmware" and not uses_opensbi_pvmmu(args.modes):
            continue
        src = Path(getattr(args, attr))
        dst = inputs / (src.name + ("-nopv" if attr == "kernel_nopv" else ""))
        shutil.copy2(src, dst)
        setattr(args, attr, str(dst))


def metadata(args):
    qemu = command_output(["qemu-system-riscv64", "--version"]) or ""
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "git": command_output(["git", "describe", "--always", "--dirty"]),
        "qemu": qemu.splitlines()[0] if qemu else None,
        "host": "%s, %d CPUs, load %s" % (platform.node(), os.cpu_count() or 0,
                                          " ".join("%.2f" % x for x in os.getloadavg())),
        "kernel": file_id(args.kernel),
        "kernel_nopv": (file_id(args.kernel_nopv)
                        if "native-nopv" in args.modes else None),
        "parallel_smp": max(args.smp, args.parallel_smp),
        "initrd": file_id(args.initrd),
        "firmware": file_id(args.firmware),
        "opensbi_firmware": (file_id(args.opensbi_firmware)
                             if uses_opensbi_pvmmu(args.modes) else None),
        "shift": args.shift,
        "seed": args.seed,
        "smp": args.smp,
        "scale": args.scale,
        "quick": args.quick,
        "repeat": args.repeat,
        "trap_cycles": args.trap_cycles,
        "append": args.append,
        "modes": args.modes,
        "workloads": args.workloads,
        "mode_labels": {m: MODE_BY_NAME[m].label for m in args.modes},
    }


def write_outputs(out, data, meta, trap_cycles, other=None):
    meta["trap_cycles"] = trap_cycles
    summary = summarize(data, meta, trap_cycles)
    spread = determinism(data, meta)
    doc = {"meta": meta, "summary": summary, "determinism": spread, "modes": data}
    tmp = out / "results.json.tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, out / "results.json")

    text = markdown(summary, spread, meta)
    if other:
        text += "\n" + compare(doc, other) + "\n"
    (out / "results.md").write_text(text + "\n")
    print()
    print(text)
    if plot_svg(summary, meta, out / "bench.svg"):
        log("plot: %s" % (out / "bench.svg"))
    log("tables: %s, raw figures: %s" % (out / "results.md", out / "results.json"))


def main(argv):
    args = parse_args(argv)
    out = Path(args.out)
    other = None
    if args.compare:
        try:
            with open(args.compare) as f:
                other = json.load(f)
        except (OSError, ValueError) as e:
            print("bench: cannot read %s: %s" % (args.compare, e), file=sys.stderr)
            return 2

    if args.report_only:
        try:
            with open(out / "results.json") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("bench: cannot read %s: %s" % (out / "results.json", e), file=sys.stderr)
            return 2
        write_outputs(out, doc["modes"], doc["meta"], args.trap_cycles, other)
        return 0

    if "native-nopv" in args.modes and not Path(args.kernel_nopv).is_file():
        if args.modes_given:
            print("bench: kernel without pvmmu not found: %s (make kernel-nopv)"
                  % args.kernel_nopv, file=sys.stderr)
            return 2
        log("no kernel without pvmmu (%s): mode native-nopv left out; "
            "make kernel-nopv builds it" % args.kernel_nopv)
        args.modes.remove("native-nopv")
    for what, path in (("kernel", args.kernel), ("initrd", args.initrd),
                       ("firmware", args.firmware)):
        if not Path(path).is_file():
            print("bench: %s not found: %s (run make first)" % (what, path), file=sys.stderr)
            return 2
    (out / "logs").mkdir(parents=True, exist_ok=True)
    (out / "boots").mkdir(parents=True, exist_ok=True)
    snapshot_inputs(args, out)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    meta = metadata(args)
    log("%d mode(s) x %d boot(s), %d workload(s), scale %g, -icount shift=%d, -smp %d"
        % (len(args.modes), args.repeat, len(args.workloads), args.scale, args.shift,
           args.smp))
    start = time.monotonic()
    try:
        data, failed = run_all(args, out)
    except (KeyboardInterrupt, Terminated) as e:
        log("interrupted (%s)" % (e or "SIGINT"))
        return 1
    meta["elapsed_s"] = round(time.monotonic() - start, 1)
    write_outputs(out, data, meta, args.trap_cycles, other)
    log("%s in %.0f s" % ("FAILED" if failed else "done", meta["elapsed_s"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
