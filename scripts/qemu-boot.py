#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot one pvmmu test guest in QEMU and judge the outcome.

The guest runs the pvmmu agent as PID 1.  It prints one line per result,
"PVMMU-AGENT: {json}", and finally a "done" event, then powers off (all
passed) or reboots (something failed).  The run passes when QEMU exits with
an accepted status, the done line reports no failures, every --expect
pattern matched a console line and the kernel logged no panic, WARNING,
BUG, Oops or refused SBI remote fence.

--boot uefi boots like most RISC-V boards: the firmware runs Debian's
S-mode U-Boot, which boots the kernel's EFI stub with bootefi.  QEMU loads
the Image and the initramfs into RAM; the script stops U-Boot's autoboot
and types the commands (bootargs, initrd in the FDT's /chosen, bootefi)
into the serial console, each after U-Boot's prompt.

Exit status: 0 pass, 1 fail, 2 usage error.
"""

import argparse
import json
import os
import re
import selectors
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from agent_output import agent_line

REPO = Path(__file__).resolve().parent.parent

FIRMWARES = {
    "pvmmu": REPO / "build/sbi-pvmmu/sbi-pvmmu.bin",
    "opensbi": Path("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin"),
    # Upstream OpenSBI 1.8.1 with the PVMMU series (make opensbi)
    "opensbi-pvmmu": REPO / "build/opensbi/fw_dynamic.bin",
}

UBOOT = Path("/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")

# A remote fence the firmware refused fenced no hart at all, and its
# caller goes on: stale translations follow (the kernel only logs it).
KERNEL_ERROR_RE = re.compile(r"Kernel panic|\bWARNING:|\bBUG:|\bOops\b"
                             r"|\b__sbi_rfence\w*: .* failed \(error")

# Time QEMU gets to exit after the agent's done line.
DONE_GRACE_S = 30
# Time between SIGTERM and SIGKILL when stopping QEMU.
KILL_GRACE_S = 2

# --boot uefi: where QEMU loads the Image, the initramfs and where U-Boot
# copies the FDT.  U-Boot runs at 0x80200000 and relocates itself to the
# top of RAM; EFI allocations (U-Boot's copy of the PE image, the stub's
# relocated kernel, its FDT) are taken top-down, and pvmmu's pool is the
# highest free naturally aligned slot.  The one low allocation is
# bootefi's copy of the FDT, just below RAM + 127 MiB.  So everything goes
# between U-Boot's kernel_addr_r and that, unreserved: EFI turns a
# memreserve into "Reserved" memory that Linux does not map, and a
# /reserved-memory node would stay reserved for good.
UEFI_RAM_BASE = 0x80000000
UEFI_KERNEL_ADDR = 0x84000000
UEFI_LIMIT = UEFI_RAM_BASE + (127 << 20)
UEFI_MIN_MEM = 256 << 20
UEFI_ALIGN = 2 << 20
# Room for the FDT copy the commands edit (QEMU's is a few KiB).
UEFI_FDT_SIZE = 0x10000
# Longest bootargs piece per setenv, well inside U-Boot's 256-byte line.
UBOOT_CHUNK = 150

AUTOBOOT_TEXT = "Hit any key to stop autoboot"
UBOOT_PROMPT = "=> "
# Typed after each command; the echoed input never matches (it starts
# with the prompt and has "$?").
UBOOT_RC_CMD = "echo qemu-boot-rc $?"
UBOOT_RC_RE = re.compile(r"^qemu-boot-rc (\d+)$")
KERNEL_START_RE = re.compile(r"EFI stub: Booting Linux Kernel|Linux version ")
FW_POOL_RE = re.compile(r"^PVMMU pool\s*: 0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)")
CMDLINE_RE = re.compile(r"Kernel command line: (.*)$")


def exit_list(text):
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("not a list of exit statuses: %r" % text)


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Boot one pvmmu QEMU guest, parse the agent's results.")
    p.add_argument("--kernel", default=str(REPO / "build/kernel/arch/riscv/boot/Image"),
                   help="kernel Image (default: %(default)s)")
    p.add_argument("--initrd", default=str(REPO / "build/agent/initramfs.cpio"),
                   help="initramfs (default: %(default)s)")
    p.add_argument("--firmware", default="pvmmu",
                   help="'pvmmu' (%s), 'opensbi' (Debian's, %s), "
                        "'opensbi-pvmmu' (OpenSBI with the PVMMU series, %s) "
                        "or a path (default: %%(default)s)"
                        % (FIRMWARES["pvmmu"], FIRMWARES["opensbi"],
                           FIRMWARES["opensbi-pvmmu"]))
    p.add_argument("--boot", choices=("direct", "uefi"), default="direct",
                   help="'direct': QEMU -kernel; 'uefi': firmware -> U-Boot -> "
                        "bootefi of the kernel's EFI stub (default: %(default)s)")
    p.add_argument("--uboot", default=str(UBOOT),
                   help="--boot uefi: S-mode U-Boot (default: %(default)s)")
    p.add_argument("--uboot-timeout", type=float, default=60, metavar="S",
                   help="--boot uefi: limit for each step: U-Boot's prompt, "
                        "each command, bootefi to the kernel (default: 60)")
    p.add_argument("--smp", type=int, default=4, help="harts (default: 4)")
    p.add_argument("--mem", default="1G", help="guest memory (default: 1G)")
    p.add_argument("--append", action="append", default=[],
                   help="extra kernel arguments (repeatable)")
    p.add_argument("--run", default="boot",
                   help="agent.run: comma-separated tests (default: boot)")
    p.add_argument("--agent-timeout", type=int, metavar="S",
                   help="agent.timeout: per-test watchdog in the guest")
    p.add_argument("--timeout", type=float, default=300,
                   help="hard limit for the whole boot, seconds (default: 300)")
    p.add_argument("--icount", metavar="SHIFT",
                   help="deterministic timing: N gives -icount shift=N,sleep=off; "
                        "'auto' gives shift=auto; anything with '=' is passed as is")
    p.add_argument("--name", help="label for output and the default log name")
    p.add_argument("--log", help="console log (default: build/logs/<name>.log)")
    p.add_argument("--expect", action="append", default=[], metavar="REGEX",
                   help="must match some console line (repeatable)")
    p.add_argument("--expect-exit", action="append", type=exit_list, metavar="N[,N]",
                   help="accepted QEMU exit status(es) (repeatable, default: 0)")
    p.add_argument("--json-out", metavar="FILE",
                   help="write all parsed agent results and the verdict as JSON")
    p.add_argument("--allow-warnings", action="store_true",
                   help="do not fail on kernel panic/WARNING/BUG/Oops lines")
    p.add_argument("--allow-kernel-error", action="append", default=[],
                   metavar="REGEX",
                   help="a kernel panic/WARNING/BUG/Oops line matching REGEX "
                        "does not fail the boot (repeatable)")
    p.add_argument("--gdb", action="store_true",
                   help="add -s -S (gdb on tcp::1234, start halted), no timeout")
    p.add_argument("--quiet", action="store_true",
                   help="do not stream the console, print only the summary")
    p.add_argument("--qemu", default="qemu-system-riscv64",
                   help="QEMU binary (default: %(default)s)")
    p.add_argument("--cpu", default="rv64", help="-cpu model (default: rv64)")
    p.add_argument("--qemu-arg", action="append", default=[], metavar="ARG",
                   help="extra QEMU argument (repeatable; use --qemu-arg=-d)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the QEMU command and exit")
    args = p.parse_args(argv)

    if args.smp < 1:
        p.error("--smp must be at least 1")
    if args.timeout <= 0:
        p.error("--timeout must be positive")
    if args.uboot_timeout <= 0:
        p.error("--uboot-timeout must be positive")
    args.expect_exit = sorted({n for group in args.expect_exit or [[0]] for n in group})
    return args


def firmware_path(spec):
    return Path(FIRMWARES.get(spec, spec))


def default_name(args):
    fw = args.firmware if args.firmware in FIRMWARES else Path(args.firmware).stem
    run = re.sub(r"[^A-Za-z0-9_.+-]", "+", args.run)
    if args.boot == "uefi":
        fw += "-uefi"
    return "%s-smp%d-%s" % (fw, args.smp, run)


def icount_option(spec):
    if spec.isdigit():
        return "shift=%s,sleep=off" % spec
    if spec == "auto":
        return "shift=auto"
    return spec


def kernel_cmdline(args):
    parts = ["console=ttyS0", "earlycon=sbi", "panic=-1",
             "agent.run=%s" % args.run, "agent.cpus=%d" % args.smp]
    if args.agent_timeout:
        parts.append("agent.timeout=%d" % args.agent_timeout)
    if args.append:
        parts.extend(args.append)
    return " ".join(parts)


def align_up(value, align):
    return (value + align - 1) // align * align


def mem_bytes(spec):
    """QEMU's -m size (a number of MiB or with a K/M/G/T suffix), or None."""
    m = re.fullmatch(r"(\d+)([KMGT]?)B?", spec.strip().upper())
    if not m:
        return None
    return int(m.group(1)) << {"K": 10, "": 20, "M": 20, "G": 30, "T": 40}[m.group(2)]


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class UefiLayout:
    """Addresses of what --boot uefi puts in RAM, all below UEFI_LIMIT."""

    def __init__(self, args):
        self.mem = mem_bytes(args.mem)
        self.kernel = UEFI_KERNEL_ADDR
        self.kernel_size = file_size(args.kernel)
        self.initrd = align_up(self.kernel + self.kernel_size, UEFI_ALIGN)
        self.initrd_size = file_size(args.initrd)
        self.fdt = align_up(self.initrd + self.initrd_size, UEFI_ALIGN)
        self.end = self.fdt + UEFI_FDT_SIZE

    def ranges(self):
        return (("kernel", self.kernel, self.kernel_size),
                ("initrd", self.initrd, self.initrd_size),
                ("FDT", self.fdt, UEFI_FDT_SIZE))

    def problem(self):
        # U-Boot's FDT copy at RAM + 127 MiB, U-Boot and the pool above it
        if self.mem is not None and self.mem < UEFI_MIN_MEM:
            return "--boot uefi needs --mem %dM or more" % (UEFI_MIN_MEM >> 20)
        if self.end > UEFI_LIMIT:
            return ("kernel and initramfs too large for --boot uefi: they end "
                    "at 0x%x, U-Boot copies the FDT to 0x%x"
                    % (self.end, UEFI_LIMIT))
        return None

    def describe(self):
        return ", ".join("%s 0x%x+0x%x" % r for r in self.ranges())


def uboot_commands(args, layout):
    """The commands typed at U-Boot's prompt, bootefi last."""
    cmds = []
    line = ""
    # bootargs in pieces: U-Boot's command line is 256 bytes
    for word in kernel_cmdline(args).split():
        if line and len(line) + 1 + len(word) > UBOOT_CHUNK:
            cmds.append(line)
            line = ""
        line = word if not line else line + " " + word
    cmds.append(line)
    # setenv joins its arguments with spaces; "${bootargs}" stays one of
    # them (unquoted, its words could pass U-Boot's 16-argument limit)
    cmds = ["setenv bootargs %s'%s'" % ('"${bootargs}" ' if i else "", piece)
            for i, piece in enumerate(cmds)]
    # A copy with room: the control FDT is followed by U-Boot's global
    # data, "fdt resize" in place overwrites it.
    cmds.append("fdt move ${fdtcontroladdr} 0x%x 0x%x" % (layout.fdt, UEFI_FDT_SIZE))
    # Linux 6.12's stub keeps /chosen's initrd.  Not "fdt chosen": its
    # end is inclusive and its memreserve becomes unmapped EFI memory.
    end = layout.initrd + layout.initrd_size
    for prop, addr in (("start", layout.initrd), ("end", end)):
        cmds.append("fdt set /chosen linux,initrd-%s <0x%x 0x%x>"
                    % (prop, addr >> 32, addr & 0xffffffff))
    cmds.append("bootefi 0x%x:0x%x 0x%x"
                % (layout.kernel, layout.kernel_size, layout.fdt))
    return cmds


def loader_device(path, addr):
    # QEMU option syntax: a comma in a value is doubled
    return "loader,file=%s,addr=0x%x,force-raw=on" % (str(path).replace(",", ",,"), addr)


def qemu_command(args, layout=None):
    cmd = [args.qemu, "-M", "virt", "-cpu", args.cpu,
           "-smp", str(args.smp), "-m", args.mem,
           "-nographic", "-monitor", "none", "-serial", "stdio",
           "-no-reboot",
           "-bios", str(firmware_path(args.firmware))]
    if layout is None:
        cmd += ["-kernel", args.kernel, "-initrd", args.initrd]
    else:
        cmd += ["-kernel", args.uboot,
                "-device", loader_device(args.kernel, layout.kernel),
                "-device", loader_device(args.initrd, layout.initrd)]
    # With U-Boot too: the firmware reads pvmmu.pool_mb from the FDT's
    # bootargs; U-Boot's bootargs (the EFI load options) then replace them.
    cmd += ["-append", kernel_cmdline(args)]
    if args.icount:
        cmd += ["-icount", icount_option(args.icount)]
    if args.gdb:
        cmd += ["-s", "-S"]
    return cmd + args.qemu_arg


class Run:
    """Everything learnt from one boot."""

    def __init__(self, expects):
        self.results = []
        self.events = []
        self.done = None
        self.garbled = []
        self.kernel_errors = []
        self.expects = {rx: None for rx in expects}
        self._compiled = [(rx, re.compile(rx)) for rx in expects]
        self.exit_status = None
        self.boot_error = None
        self.uboot = None
        self.timed_out = False
        self.stalled_after_done = False
        self.elapsed = 0.0

    def line(self, text):
        for rx, crx in self._compiled:
            if self.expects[rx] is None and crx.search(text):
                self.expects[rx] = text

        agent = agent_line(text)
        # kernel output may share a line with (come before) an agent line
        if KERNEL_ERROR_RE.search(text[:agent[0]] if agent else text):
            self.kernel_errors.append(text)
        if not agent:
            return
        obj = agent[1]
        if obj is None:
            self.garbled.append(text)
            return
        if "test" in obj:
            self.results.append(obj)
        elif obj.get("event") == "done":
            self.done = obj
        else:
            self.events.append(obj)


class UBoot:
    """Drive U-Boot's console for --boot uefi.

    Stops autoboot, then types one command per prompt; each but bootefi
    ends with an echo of its status, a failure stops the boot.  Every
    step has its own time limit (none under --gdb).
    """

    def __init__(self, commands, layout, step_s):
        self.commands = list(commands)
        self.layout = layout
        self.step_s = step_s
        self.write = None
        self.t0 = None
        self.state = "autoboot"
        self.deadline = None
        self.current = None
        self.error = None
        self.last = ""
        self.cmdline = None
        self.times = {}
        self.lines_since_send = 0

    def _next(self, state, now):
        self.state = state
        self.deadline = None if self.step_s is None else now + self.step_s

    def start(self, now, write):
        """QEMU started at @now; @write(bytes) types into its console."""
        self.write = write
        self.t0 = now
        self._next("autoboot", now)

    def _send(self, text):
        self.lines_since_send = 0
        try:
            self.write((text + "\n").encode())
        except OSError:
            pass    # QEMU is gone; its output's end stops the boot

    def _type_next(self, now):
        self.current = self.commands.pop(0)
        if self.commands:
            self._send("%s; %s" % (self.current, UBOOT_RC_CMD))
            self._next("command", now)
        else:
            self.times["bootefi_s"] = now - self.t0
            self._send(self.current)
            self._next("bootefi", now)

    def line(self, text, now):
        """A complete console line."""
        m = CMDLINE_RE.search(text)
        if m and self.cmdline is None:
            self.cmdline = m.group(1)
        if self.state == "booted":
            return
        self.lines_since_send += 1
        if text.strip():
            self.last = text.strip()
        m = FW_POOL_RE.search(text)
        if m:
            base, last = int(m.group(1), 16), int(m.group(2), 16)
            for what, addr, size in self.layout.ranges():
                if addr < last + 1 and base < addr + size:
                    self.error = ("firmware pool 0x%x-0x%x overlaps the %s at "
                                  "0x%x+0x%x" % (base, last, what, addr, size))
                    break
        if self.state == "command":
            m = UBOOT_RC_RE.match(text)
            if m and m.group(1) != "0":
                self.error = "U-Boot: '%s' failed (status %s)" % (self.current, m.group(1))
            elif m:
                self._next("prompt", now)
        elif self.state == "bootefi" and KERNEL_START_RE.search(text):
            self.times["kernel_s"] = now - self.t0
            self.state = "booted"
            self.deadline = None

    def poll(self, partial, now):
        """After each read (and each second): the unfinished line, timers."""
        if self.error or self.state == "booted":
            return
        if self.state == "autoboot" and AUTOBOOT_TEXT in partial:
            self._send(" ")
            self._next("prompt", now)
        elif self.state in ("autoboot", "prompt") and partial == UBOOT_PROMPT:
            self.times.setdefault("prompt_s", now - self.t0)
            self._type_next(now)
        elif (self.state == "bootefi" and partial == UBOOT_PROMPT and
              self.lines_since_send):
            self.error = "U-Boot: bootefi returned to the prompt (%s)" % self.last
        elif self.deadline is not None and now >= self.deadline:
            what = {"autoboot": "no U-Boot autoboot prompt",
                    "prompt": "no U-Boot prompt",
                    "command": "U-Boot: '%s' did not finish" % self.current,
                    "bootefi": "no kernel output after bootefi"}[self.state]
            self.error = "%s within %g s (last line: %s)" % (what, self.step_s,
                                                             self.last or "none")


class Console:
    """Split the QEMU output into lines, log them, optionally echo them."""

    def __init__(self, log, prefix, echo, run, uboot=None):
        self.log = log
        self.prefix = prefix
        self.echo = echo
        self.run = run
        self.uboot = uboot
        self.partial = b""

    def feed(self, data):
        data = self.partial + data.replace(b"\r", b"")
        lines = data.split(b"\n")
        self.partial = lines.pop()
        for raw in lines:
            self._line(raw)

    def flush(self):
        if self.partial:
            self._line(self.partial)
            self.partial = b""

    def _line(self, raw):
        text = raw.decode("utf-8", errors="replace")
        self.log.write(text + "\n")
        self.log.flush()
        if self.echo:
            sys.stdout.write(self.prefix + text + "\n")
            sys.stdout.flush()
        self.run.line(text)
        if self.uboot is not None:
            self.uboot.line(text, time.monotonic())

    def partial_text(self):
        return self.partial.decode("utf-8", errors="replace")


def stop(proc):
    """Terminate QEMU and anything it started."""
    for sig, grace in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def boot(args, cmd, run, log, uboot=None):
    console = Console(log, "[%s] " % args.name, not args.quiet, run, uboot)
    start = time.monotonic()
    deadline = None if args.gdb else start + args.timeout

    # U-Boot is typed into through QEMU's stdin; direct boots get none
    proc = subprocess.Popen(cmd,
                            stdin=subprocess.PIPE if uboot is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    if uboot is not None:
        uboot.start(start, lambda data: os.write(proc.stdin.fileno(), data))
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    done_at = None
    try:
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                run.timed_out = True
                break
            if uboot is not None:
                uboot.poll(console.partial_text(), now)
                if uboot.error:
                    run.boot_error = uboot.error
                    break
            if run.done is not None and done_at is None:
                done_at = now
            if done_at is not None and now - done_at > DONE_GRACE_S:
                run.stalled_after_done = True
                break
            wait = 1.0 if deadline is None else min(1.0, deadline - now)
            if not sel.select(timeout=wait):
                continue
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            console.feed(data)

        if not run.timed_out and not run.stalled_after_done and not run.boot_error:
            remaining = None if deadline is None else max(0.1, deadline - time.monotonic())
            try:
                proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                run.timed_out = True
    finally:
        if proc.poll() is None:
            stop(proc)
        console.flush()
        sel.close()
        proc.stdout.close()
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass

    run.elapsed = time.monotonic() - start
    if not run.timed_out and not run.stalled_after_done and not run.boot_error:
        run.exit_status = proc.returncode
    return run


def verdict(args, run):
    """The list of reasons the run failed; empty means pass."""
    reasons = []

    if run.boot_error:
        reasons.append(run.boot_error)
    elif run.timed_out:
        reasons.append("timeout after %g s" % args.timeout)
    elif run.stalled_after_done:
        reasons.append("QEMU still running %d s after the done line" % DONE_GRACE_S)
    elif run.exit_status not in args.expect_exit:
        reasons.append("QEMU exit status %s, accepted %s"
                       % (run.exit_status, ",".join(map(str, args.expect_exit))))

    if run.done is None:
        if not run.boot_error:  # the kernel did not even start
            reasons.append("no done line from the agent")
    elif run.done.get("failed") != 0:
        reasons.append("agent: %s failed" % run.done.get("failed"))

    failed = [r["test"] for r in run.results if r.get("result") == "fail"]
    if failed and (run.done is None or run.done.get("failed") == 0):
        reasons.append("failed: %s" % ", ".join(failed))

    unexpected = [text for text in run.kernel_errors
                  if not any(re.search(rx, text) for rx in args.allow_kernel_error)]
    if unexpected and not args.allow_warnings:
        reasons.append("kernel: %s" % unexpected[0].strip())

    for rx, line in run.expects.items():
        if line is None:
            reasons.append("expected output not seen: %s" % rx)

    # Typed through U-Boot: the kernel must have got every word
    uboot = run.uboot
    if uboot is not None and uboot.cmdline is not None:
        want = kernel_cmdline(args).split()
        if uboot.cmdline.split() != want:
            reasons.append("kernel command line is '%s', expected '%s'"
                           % (uboot.cmdline.strip(), " ".join(want)))
    return reasons


def format_value(v):
    if isinstance(v, str) and re.fullmatch(r"[\w.:+/-]*", v):
        return v
    return json.dumps(v)


def format_fields(res):
    skip = {"test", "result", "detail"}
    return " ".join("%s=%s" % (k, format_value(v))
                    for k, v in res.items() if k not in skip)


def summarize(args, run, reasons, log_path):
    tag = "qemu-boot: %s:" % args.name
    width = max([len(r.get("test", "")) for r in run.results] + [10])

    for res in run.results:
        line = "%s %-*s %-4s %s" % (tag, width, res.get("test"),
                                     str(res.get("result", "?")).upper(),
                                     res.get("detail", ""))
        fields = format_fields(res)
        if fields:
            line += " [%s]" % fields
        print(line)
    for ev in run.events:
        if ev.get("event") != "start":
            print("%s event %s: %s" % (tag, ev.get("event"), ev.get("detail", "")))
    for text in run.kernel_errors[:5]:
        print("%s kernel: %s" % (tag, text.strip()))
    if run.garbled:
        print("%s warning: %d unparsable agent line(s), first: %s"
              % (tag, len(run.garbled), run.garbled[0].strip()))
    if run.done is not None:
        counts = {k: run.done.get(k) for k in ("passed", "failed", "skipped")}
        seen = {k: 0 for k in counts}
        for res in run.results:
            key = {"pass": "passed", "fail": "failed", "skip": "skipped"}.get(res.get("result"))
            if key:
                seen[key] += 1
        if seen != counts:
            print("%s warning: done line says %s but %s result lines were parsed"
                  % (tag, counts, seen))

    if run.done is not None:
        stats = "%s passed, %s failed, %s skipped" % (
            run.done.get("passed"), run.done.get("failed"), run.done.get("skipped"))
    else:
        stats = "%d results, no done line" % len(run.results)
    if run.boot_error:
        status = "stopped"
    else:
        status = "timeout" if run.timed_out else "exit %s" % run.exit_status
    uboot = run.uboot
    if uboot is not None:
        steps = [("U-Boot prompt", "prompt_s"), ("bootefi", "bootefi_s"),
                 ("kernel", "kernel_s")]
        print("%s uefi: %s" % (tag, ", ".join(
            "%s at %.1f s" % (what, uboot.times[key])
            for what, key in steps if key in uboot.times) or "U-Boot not reached"))
    print("%s log %s" % (tag, log_path))
    if reasons:
        print("%s FAIL (%s; %s, %s, %.1f s)" % (tag, "; ".join(reasons), stats,
                                             status, run.elapsed))
    else:
        print("%s PASS (%s, %s, %.1f s)" % (tag, stats, status, run.elapsed))


def write_json(args, cmd, run, reasons, log_path):
    out = {
        "name": args.name,
        "status": "FAIL" if reasons else "PASS",
        "reasons": reasons,
        "qemu_exit": run.exit_status,
        "timed_out": run.timed_out,
        "elapsed_s": round(run.elapsed, 3),
        "done": run.done,
        "results": run.results,
        "events": run.events,
        "kernel_errors": run.kernel_errors,
        "garbled": run.garbled,
        "expect": run.expects,
        "command": cmd,
        "log": str(log_path),
        "boot": args.boot,
    }
    uboot = run.uboot
    if uboot is not None:
        out["uefi"] = {
            "error": uboot.error,
            "layout": {what: [addr, size] for what, addr, size in uboot.layout.ranges()},
            "times_s": {k: round(v, 3) for k, v in uboot.times.items()},
            "kernel_cmdline": uboot.cmdline,
        }
    path = Path(args.json_out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


class Terminated(Exception):
    """SIGTERM or SIGHUP: stop QEMU before exiting."""


def on_signal(signum, frame):
    raise Terminated(signal.Signals(signum).name)


def fail_early(args, reason):
    print("qemu-boot: %s: FAIL (%s)" % (args.name, reason))
    return 1


def main(argv):
    args = parse_args(argv)
    if not args.name:
        args.name = default_name(args)
    for rx in args.expect:
        try:
            re.compile(rx)
        except re.error as e:
            print("qemu-boot: bad --expect %r: %s" % (rx, e), file=sys.stderr)
            return 2

    layout = UefiLayout(args) if args.boot == "uefi" else None
    if layout is not None and "'" in kernel_cmdline(args):
        print("qemu-boot: --boot uefi: a kernel argument with ' cannot be "
              "typed into U-Boot", file=sys.stderr)
        return 2
    cmd = qemu_command(args, layout)
    uboot_cmds = uboot_commands(args, layout) if layout is not None else []
    if args.dry_run:
        print(shlex.join(cmd))
        for text in uboot_cmds:
            print("# U-Boot: %s" % text)
        return 0

    files = [("kernel", args.kernel), ("initrd", args.initrd),
             ("firmware", firmware_path(args.firmware))]
    if layout is not None:
        files.append(("U-Boot", args.uboot))
    for what, path in files:
        if not Path(path).is_file():
            return fail_early(args, "%s not found: %s" % (what, path))
    if layout is not None and layout.problem():
        return fail_early(args, layout.problem())

    log_path = Path(args.log) if args.log else REPO / "build/logs" / ("%s.log" % args.name)
    log_path.parent.mkdir(parents=True, exist_ok=True)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    run = Run(args.expect)
    if layout is not None:
        run.uboot = UBoot(uboot_cmds, layout,
                          None if args.gdb else args.uboot_timeout)
    if args.gdb:
        print("qemu-boot: %s: halted, attach with: gdb -ex 'target remote :1234'"
              % args.name)
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("# qemu-boot: %s\n" % shlex.join(cmd))
        if layout is not None:
            log.write("# qemu-boot: uefi: %s\n" % layout.describe())
        try:
            boot(args, cmd, run, log, run.uboot)
        except FileNotFoundError as e:
            return fail_early(args, "cannot run %s: %s" % (args.qemu, e))
        except KeyboardInterrupt:
            print("qemu-boot: %s: FAIL (interrupted)" % args.name)
            return 1
        except Terminated as e:
            print("qemu-boot: %s: FAIL (%s)" % (args.name, e))
            return 1

    reasons = verdict(args, run)
    summarize(args, run, reasons, log_path)
    if args.json_out:
        write_json(args, cmd, run, reasons, log_path)
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
