#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge and compare boots that ran the agent's mmselftests group.

Each boot is one `qemu-boot.py --run mmselftests --json-out FILE` run of
Linux's mm selftests (agent/test-mmselftests.c) in one mode (native, PV
unbatched, PV batched).  A selftest case that fails in every mode is the
platform's, not pvmmu's; a case whose result differs between modes is what
this script is for.

  mm-selftests.py boot FILE
      The boot ran the group to the end: a done line, no timeout, no kernel
      error qemu-boot.py did not allow, at least one mmselftests result.
      Failed selftest cases alone do not fail it (the agent then reboots,
      which pvmmu's firmware turns into QEMU exit 3: pass --expect-exit
      0,3 to qemu-boot.py).  Prints the counts.  Exit 0 or 1.

  mm-selftests.py compare [--ignore REGEX]... FILE FILE...
      Per-mode counts, then every case whose result is not the same in
      all modes (missing counts as a result).  Cases are matched by
      "mmselftests.<case>.<TAP number>" (the description after it may
      differ between a pass and a fail) and programs by
      "mmselftests.<case>".  Exit 1 on any difference, or when a mode has
      no mmselftests results; --ignore drops matching keys first.

The mode's name is the boot's name (qemu-boot.py --name) unless given as
NAME=FILE.
"""

import argparse
import json
import re
import sys

PREFIX = "mmselftests."
CASE_RE = re.compile(r"^(mmselftests\.[^.]+\.\d{3,})(?:-.*)?$")
PROGRAM_RE = re.compile(r"^mmselftests\.[^.]+$")
# qemu-boot.py verdict reasons that only say that some test failed
TEST_FAILURE_RE = re.compile(r"^(agent: \d+ failed|failed: )")


class Mode:
    def __init__(self, spec):
        name, sep, path = spec.partition("=")
        if not sep:
            name, path = None, spec
        self.path = path
        try:
            with open(path) as f:
                self.run = json.load(f)
        except (OSError, ValueError) as e:
            self.run = None
            self.error = "cannot read %s: %s" % (path, e)
        else:
            self.error = None
        self.name = name or (self.run or {}).get("name") or path
        self.cases = {}      # key -> result dict
        self.programs = {}
        self.order = []      # keys as the results came
        for res in (self.run or {}).get("results", []):
            test = res.get("test", "")
            if not test.startswith(PREFIX):
                continue
            m = CASE_RE.match(test)
            if m:
                self.cases[m.group(1)] = res
                self.order.append(m.group(1))
            elif PROGRAM_RE.match(test):
                self.programs[test] = res
                self.order.append(test)

    def complete(self):
        """The agent got to its done line (every case had its chance)."""
        run = self.run or {}
        return run.get("done") is not None and not run.get("timed_out")

    def result(self, key):
        return self.cases.get(key) or self.programs.get(key)

    def counts(self, table):
        c = {"pass": 0, "fail": 0, "skip": 0}
        for res in table.values():
            r = res.get("result")
            c[r if r in c else "fail"] += 1
        return c

    def problems(self):
        """Why this boot did not run the group to the end."""
        if self.error:
            return [self.error]
        run = self.run
        out = []
        # qemu-boot.py's reasons: timeout, no done line, kernel errors, ...
        for reason in run.get("reasons", []):
            if not TEST_FAILURE_RE.match(reason):
                out.append(reason)
        if not self.programs and not self.cases:
            out.append("no mmselftests results")
        return out

    def summary(self):
        c, p = self.counts(self.cases), self.counts(self.programs)
        wall = (self.run or {}).get("elapsed_s")
        return ("%s: cases %d passed, %d failed, %d skipped; programs %d "
                "passed, %d failed, %d skipped; %s s"
                % (self.name, c["pass"], c["fail"], c["skip"], p["pass"],
                   p["fail"], p["skip"], "?" if wall is None else "%.0f" % wall))


def cmd_boot(args):
    mode = Mode(args.file)
    print(mode.summary())
    failed = sorted(k for k, r in mode.programs.items() if r.get("result") == "fail")
    for key in failed:
        print("  program failed: %s: %s" % (key, mode.programs[key].get("detail", "")))
    problems = mode.problems()
    for p in problems:
        print("  problem: %s" % p)
    return 1 if problems else 0


def short(res):
    if res is None:
        return "absent"
    return res.get("result", "?")


def cmd_compare(args):
    modes = [Mode(spec) for spec in args.files]
    ignore = [re.compile(rx) for rx in args.ignore]
    status = 0

    for mode in modes:
        print(mode.summary())
        for p in mode.problems():
            print("  problem: %s" % p)
            if p in ("no mmselftests results",) or mode.error:
                status = 1

    # every key once, in the order the results came (first mode first)
    keys = []
    seen = set()
    for mode in modes:
        for key in mode.order:
            if key not in seen and not any(rx.search(key) for rx in ignore):
                seen.add(key)
                keys.append(key)

    differ = []
    cut_short = {mode.name: [] for mode in modes}
    for key in keys:
        results = [mode.result(key) for mode in modes]
        if len({short(r) for r in results}) == 1:
            continue
        present = {short(r) for r in results if r is not None}
        # only missing from boots that ended early: counted, not listed
        if len(present) == 1 and all(r is not None or not m.complete()
                                     for m, r in zip(modes, results)):
            for m, r in zip(modes, results):
                if r is None:
                    cut_short[m.name].append(key)
            continue
        differ.append((key, results))

    for name, missing in cut_short.items():
        if missing:
            status = 1
            print("%s: %d results missing, the boot ended before them "
                  "(first: %s)" % (name, len(missing), missing[0]))
    if differ:
        status = 1
        print("%d results differ between modes:" % len(differ))
        for key, results in differ:
            print("  %s: %s" % (key, ", ".join(
                "%s %s" % (m.name, short(r)) for m, r in zip(modes, results))))
            for mode, res in zip(modes, results):
                if res is None:
                    continue
                print("    %-14s %s" % (mode.name, res.get("test")))
                print("    %-14s   %s" % ("", res.get("detail", "")))
    elif status == 0:
        print("all %d modes agree on every mmselftests result" % len(modes))
    return status


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("boot", help="judge one boot's JSON")
    b.add_argument("file")
    c = sub.add_parser("compare", help="compare boots' JSON")
    c.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                   help="leave out result keys matching REGEX (repeatable)")
    c.add_argument("files", nargs="+", metavar="[NAME=]FILE")
    args = p.parse_args(argv)
    if args.cmd == "boot":
        return cmd_boot(args)
    if len(args.files) < 2:
        p.error("compare needs at least two boots")
    return cmd_compare(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
