#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a QEMU virt device tree whose cpus are sparse or out of order.

A firmware that gives harts its own indexes (the boot hart first, then the
FDT's usable cpus in order, up to a maximum) then runs a set of harts
whose ids are not 0..n-1 and not in index order.  QEMU itself cannot make
sparse hart ids; this is how the tests get them:

  --reverse     the cpu nodes in reverse order: on -smp 20 with 16 harts
                supported, the boot hart and ids 19, 18, ... 5 or so run,
                the lowest ids are left out
  --disable L   the cpus of the comma-separated ids L get status
                "disabled": a hart the FDT does not describe may still win
                the boot lottery

    sparse-harts-dtb.py --smp 20 --reverse -o build/sparse.dtb
    qemu-system-riscv64 -M virt -smp 20 -m 1G -dtb build/sparse.dtb ...

Needs qemu-system-riscv64 and dtc (Debian's device-tree-compiler).
Exit status: 0 written, 1 failure, 2 usage error.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

QEMU_TIMEOUT_S = 60


def dump_qemu_dtb(qemu, smp, mem, path):
    subprocess.run([qemu, "-M", "virt,dumpdtb=%s" % path, "-cpu", "rv64",
                    "-smp", str(smp), "-m", mem, "-nographic",
                    "-monitor", "none", "-serial", "null"],
                   check=True, timeout=QEMU_TIMEOUT_S,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL)


def block_end(text, open_brace):
    """Index just past the '};' closing the block opened at open_brace."""
    depth = 0
    for i in range(open_brace, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                end = text.index(";", i) + 1
                return end + 1 if text[end:end + 1] == "\n" else end
    raise ValueError("unbalanced braces in the device tree source")


CPU_NODE = re.compile(r"^\t\tcpu@[0-9a-f]+ \{\n", re.M)
# The hart id is the node's reg: QEMU writes the unit address in decimal,
# which a device tree reads as hex (cpu@10 is hart 10, reg 0x0a).
CPU_REG = re.compile(r"^\t\t\treg = <(0x[0-9a-f]+)>;\n", re.M)


def cpu_nodes(dts):
    """(start, end, hart id) of each direct cpu@N child of /cpus, in order."""
    m = re.search(r"^\tcpus \{\n", dts, re.M)
    if not m:
        raise ValueError("no /cpus node")
    cpus_end = block_end(dts, m.end() - 2)
    nodes = []
    pos = m.end()
    while True:
        c = CPU_NODE.search(dts, pos, cpus_end)
        if not c:
            break
        end = block_end(dts, c.end() - 2)
        reg = CPU_REG.search(dts, c.end(), end)
        if not reg:
            raise ValueError("cpu node without a one-cell reg in /cpus")
        nodes.append((c.start(), end, int(reg.group(1), 16)))
        pos = end
    if not nodes:
        raise ValueError("no cpu node in /cpus")
    if any(dts[a[1]:b[0]].strip() for a, b in zip(nodes, nodes[1:])):
        raise ValueError("cpu nodes are not next to each other in /cpus")
    return nodes


def disable_cpu(node, hartid):
    """A cpu node's text with status "disabled" (QEMU writes "okay")."""
    if 'status = "okay";' not in node:
        raise ValueError("cpu of hart %d has no status \"okay\"" % hartid)
    return node.replace('status = "okay";', 'status = "disabled";', 1)


def rewrite_cpus(dts, reverse, disable):
    """The same source with the cpu nodes reversed and/or some disabled."""
    nodes = cpu_nodes(dts)
    missing = set(disable) - {h for _, _, h in nodes}
    if missing:
        raise ValueError("no cpu with hart id %s" % ", ".join(map(str, sorted(missing))))
    texts = [disable_cpu(dts[a:b], h) if h in disable else dts[a:b]
             for a, b, h in nodes]
    if reverse:
        texts.reverse()
    return dts[:nodes[0][0]] + "\n".join(texts) + dts[nodes[-1][1]:]


def id_list(text):
    try:
        return {int(x) for x in text.split(",") if x.strip()}
    except ValueError:
        raise argparse.ArgumentTypeError("not a list of hart ids: %r" % text)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--smp", type=int, default=20, help="harts (default: 20)")
    p.add_argument("--reverse", action="store_true", help="cpu nodes in reverse order")
    p.add_argument("--disable", type=id_list, default=set(), metavar="L",
                   help="comma-separated hart ids whose cpu node is disabled")
    p.add_argument("--mem", default="1G", help="guest memory (default: 1G)")
    p.add_argument("--qemu", default="qemu-system-riscv64")
    p.add_argument("--dtc", default="dtc")
    p.add_argument("-o", "--output", required=True, help="DTB to write")
    args = p.parse_args(argv)
    if not args.reverse and not args.disable:
        p.error("nothing to do: give --reverse and/or --disable")

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "virt.dtb"
        try:
            dump_qemu_dtb(args.qemu, args.smp, args.mem, raw)
            dts = subprocess.run([args.dtc, "-q", "-I", "dtb", "-O", "dts", str(raw)],
                                 check=True, capture_output=True, text=True).stdout
            dts = rewrite_cpus(dts, args.reverse, args.disable)
            subprocess.run([args.dtc, "-q", "-I", "dts", "-O", "dtb",
                            "-o", args.output], input=dts, check=True, text=True)
        except (OSError, subprocess.SubprocessError, ValueError) as e:
            print("sparse-harts-dtb: %s" % e, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
