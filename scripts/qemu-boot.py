#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot one pvmmu test guest in QEMU and judge the outcome.

The guest runs the pvmmu agent as PID 1.  It prints one line per result,
"PVMMU-AGENT: {json}", and finally a "done" event, then powers off (all
passed) or reboots (something failed).  The run passes when QEMU exits with
an accepted status, the done line reports no failures, every --expect
pattern matched a console line and the kernel logged no panic, WARNING,
BUG or Oops.

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

REPO = Path(__file__).resolve().parent.parent

FIRMWARES = {
    "pvmmu": REPO / "build/sbi-pvmmu/sbi-pvmmu.bin",
    "opensbi": Path("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin"),
}

AGENT_RE = re.compile(r"PVMMU-AGENT: (.*)$")
KERNEL_ERROR_RE = re.compile(r"Kernel panic|\bWARNING:|\bBUG:|\bOops\b")

# Time QEMU gets to exit after the agent's done line.
DONE_GRACE_S = 30
# Time between SIGTERM and SIGKILL when stopping QEMU.
KILL_GRACE_S = 2


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
                   help="'pvmmu' (%s), 'opensbi' (%s) or a path "
                        "(default: %%(default)s)"
                        % (FIRMWARES["pvmmu"], FIRMWARES["opensbi"]))
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
    args.expect_exit = sorted({n for group in args.expect_exit or [[0]] for n in group})
    return args


def firmware_path(spec):
    return Path(FIRMWARES.get(spec, spec))


def default_name(args):
    fw = args.firmware if args.firmware in FIRMWARES else Path(args.firmware).stem
    run = re.sub(r"[^A-Za-z0-9_.+-]", "+", args.run)
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


def qemu_command(args):
    cmd = [args.qemu, "-M", "virt", "-cpu", args.cpu,
           "-smp", str(args.smp), "-m", args.mem,
           "-nographic", "-monitor", "none", "-serial", "stdio",
           "-no-reboot",
           "-bios", str(firmware_path(args.firmware)),
           "-kernel", args.kernel, "-initrd", args.initrd,
           "-append", kernel_cmdline(args)]
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
        self.timed_out = False
        self.stalled_after_done = False
        self.elapsed = 0.0

    def line(self, text):
        for rx, crx in self._compiled:
            if self.expects[rx] is None and crx.search(text):
                self.expects[rx] = text

        m = AGENT_RE.search(text)
        # kernel output may share a line with (come before) an agent line
        if KERNEL_ERROR_RE.search(text[:m.start()] if m else text):
            self.kernel_errors.append(text)
        if not m:
            return
        try:
            obj = json.loads(m.group(1))
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError:
            # most likely a kernel message interleaved with the line
            self.garbled.append(text)
            return
        if "test" in obj:
            self.results.append(obj)
        elif obj.get("event") == "done":
            self.done = obj
        else:
            self.events.append(obj)


class Console:
    """Split the QEMU output into lines, log them, optionally echo them."""

    def __init__(self, log, prefix, echo, run):
        self.log = log
        self.prefix = prefix
        self.echo = echo
        self.run = run
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


def boot(args, cmd, run, log):
    console = Console(log, "[%s] " % args.name, not args.quiet, run)
    start = time.monotonic()
    deadline = None if args.gdb else start + args.timeout

    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    done_at = None
    try:
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                run.timed_out = True
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

        if not run.timed_out and not run.stalled_after_done:
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

    run.elapsed = time.monotonic() - start
    if not run.timed_out and not run.stalled_after_done:
        run.exit_status = proc.returncode
    return run


def verdict(args, run):
    """The list of reasons the run failed; empty means pass."""
    reasons = []

    if run.timed_out:
        reasons.append("timeout after %g s" % args.timeout)
    elif run.stalled_after_done:
        reasons.append("QEMU still running %d s after the done line" % DONE_GRACE_S)
    elif run.exit_status not in args.expect_exit:
        reasons.append("QEMU exit status %s, accepted %s"
                       % (run.exit_status, ",".join(map(str, args.expect_exit))))

    if run.done is None:
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
    status = "timeout" if run.timed_out else "exit %s" % run.exit_status
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

    cmd = qemu_command(args)
    if args.dry_run:
        print(shlex.join(cmd))
        return 0

    for what, path in (("kernel", args.kernel), ("initrd", args.initrd),
                       ("firmware", firmware_path(args.firmware))):
        if not Path(path).is_file():
            return fail_early(args, "%s not found: %s" % (what, path))

    log_path = Path(args.log) if args.log else REPO / "build/logs" / ("%s.log" % args.name)
    log_path.parent.mkdir(parents=True, exist_ok=True)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    run = Run(args.expect)
    if args.gdb:
        print("qemu-boot: %s: halted, attach with: gdb -ex 'target remote :1234'"
              % args.name)
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("# qemu-boot: %s\n" % shlex.join(cmd))
        try:
            boot(args, cmd, run, log)
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
