#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the fuzzer's seed corpus (tests/fuzz/corpus/).

Each seed is a small program in the input format described at the top of
pvmmu_fuzz.c: two header bytes, then 24-byte records (operations, and
the entries that follow an UPDATE). The seeds walk the
fuzzer into the deep states quickly: buffers on every hart, a kernel root,
trees of every depth, links, leaves of every size (in RAM and in MMIO),
batches and their tails (UPDATE's first), releases, roots loaded into
satp on several harts, the glue's counters and fence flags, a kernel root
built in the pool (PT_KERNEL), adopted (KERNEL_ADOPT), its kernel rules,
roots that link its kernel half, and locked ranges (KERNEL_LOCK).

    python3 tests/fuzz/mkcorpus.py [DIR]     (default: next to this file)
"""
import os
import struct
import sys

# operations (first byte, taken % 15)
INFO, SHMEM, KROOT, REG, REL, UPD, STATS, RAW, KWRITE, WALK, SATP, \
    GLUE, ADOPT, LOCK, POKE = range(15)

# PTE ops
STORE, XCHG, AND, OR, KEEP_AD = range(5)

# dec_map() table indexes
M_DATA, M_RAM0_END, M_KR, M_FW, M_FW_LAST, M_FW_END, M_BELOW_FW = range(7)
M_POOL, M_POOL_LAST, M_POOL_END, M_BELOW_POOL, M_POOL_64K = range(7, 12)
M_2G, M_2G2M, M_3G, M_ZERO = 13, 14, 15, 16
M_RAM1, M_512G, M_256T = 19, 20, 21
M_UART, M_MMIO_C, M_MMIO_D, M_MMIO_E, M_PCIE_END, M_HOLE = range(24, 30)

# the fuzzer's PVMMU_MAX_BATCH and layout 0's pool (RAM1_END - 32 pages)
MAX_BATCH = 512
POOL0 = 0x80070000

# dec_perm() table indexes
P_R, P_RW, P_RX, P_RWX, P_X, P_W = 0, 1, 2, 3, 4, 5
P_RWAD, P_RWU, P_RWD = 7, 9, 14
P_RU, P_RG, P_XU, P_RWXU = 8, 12, 13, 15

# masks[] indexes in dec_value()
K_NOT_V, K_NOT_W, K_NOT_AD, K_V, K_A, K_D, K_AD, K_W, K_G = range(9)


def cfg(features=0, layout=0, harts=0, prologue=0, satp_locked=False):
    return bytes([features | layout << 2 | harts << 4 |
                  (0x80 if satp_locked else 0), prologue])


# prologue byte
PRO_SHMEM, PRO_SV39, PRO_SV48, PRO_SV57, PRO_TREE = 1, 2, 4, 6, 8
PRO_LOAD0, PRO_ROOT8 = 16, 32
PRO_KERNEL, PRO_ADOPT = 64, 128


def hart(h):                    # dec_hart(); 0xf0.. stay odd harts
    if h == 0:
        return b'\0'
    if h < 4:
        return bytes([0x80 | h])
    if h < 16:
        return bytes([0xc0 | h])
    return bytes([h])


def pidx(k, span, below):       # dec_pidx(): pool page index k
    if 0 <= k < 8:
        return k
    return 128 + (k + below - 128) % span


def raw64(v):
    return struct.pack('<Q', v & (2**64 - 1))


def page(k):                    # dec_page(): pool page k (-2..33)
    return bytes([pidx(k, 36, 2)])


def slot(h, high=False):        # dec_addr(): buffer slot of hart h
    return bytes([0x80 | h | (0x10 if high else 0)])


def edge(i):                    # dec_addr(): edges[i]
    return bytes([i])


def pool_addr(k):               # dec_addr(): pool page k
    return bytes([0xc0 | k])


def target(k, idx):             # dec_target(): entry idx of pool page k
    if idx < 8:
        e = bytes([idx])
    elif 248 <= idx < 264:
        e = bytes([0x80 + idx - 248])
    elif idx >= 504:
        e = bytes([0xc0 + idx - 504])
    else:
        e = bytes([0xf0, idx & 0xff, idx >> 8])
    return bytes([pidx(k, 34, 1)]) + e


def op(o):
    return bytes([o])


def v_zero():
    return bytes([0])


# dec_extra() encodings
X_A, X_D, X_U, X_G, X_N = b'\x81', b'\x82', b'\x84', b'\x88', b'\x90'


def x_rsvd(bit):                # one of the reserved bits 54..60
    return bytes([0xa0, bit - 54])


def x_pbmt(v):
    return bytes([0xc0, v])


def v_ptr(k, extra=b''):
    return bytes([1, pidx(k, 36, 2)]) + (extra or b'\0')


def v_leaf(where, perm, extra=b'', plus=0):
    m = bytes([where]) if not plus else bytes([0x80 + where, plus])
    return bytes([2]) + m + bytes([perm]) + (extra or b'\0')


def v_mask(i):
    return bytes([3, i])


def v_raw(v):
    return bytes([4]) + raw64(v)


def v_swap(v):
    return bytes([5]) + raw64(v)


# v_huge(): huge_base[] and huge_off[] indexes in dec_value()
H_2G, H_3G, H_1G, H_4G = range(4)
O_0, O_2M, O_1M, O_256M = 0, 1, 4, 7


def v_huge(base, off, perm, extra=b''):
    return bytes([6, base, off, perm]) + (extra or b'\0')


def v_napot(where, perm, pbmt=False):
    return bytes([7, where, perm, 0 if pbmt else 1])


def count(n):                   # dec_count()
    odd = {0: 0, MAX_BATCH: 1, MAX_BATCH + 1: 2}
    assert 1 <= n <= 8 or n in odd
    if 1 <= n <= 8:
        return bytes([n - 1])
    return bytes([0xf0 + odd[n]])


REC = 24


def pad(b, n):
    assert len(b) <= n, (b, n)
    return b + bytes(n - len(b))


def record(opcode, h, payload=b''):
    return pad(bytes([opcode]) + hart(h) + payload, REC)


def ent_t(t, opbyte, value):
    """An entry record: target area, op byte, value area."""
    return pad(t, 8) + bytes([opbyte]) + pad(value, REC - 9)


def ent(k, idx, o, value):
    return ent_t(target(k, idx), o, value)


# dec_first() encodings: 0, a small value k (0..7), count - 1 - k
# (k 0..3), count + k (k 0..3), and odd[] = ~0, 2^32, 511, 512
def f_small(k):
    return bytes([0x80 + k])


def f_last(k=0):
    return bytes([0xc0 + k])


def f_over(k=0):
    return bytes([0xe0 + k])


def f_odd(i):
    return bytes([0xf0 + i])


def upd(h, *entries, first=b'\0', fence=True):
    """UPDATE of the entries; fence=False: the glue does not take the
    hart's fence flag after it"""
    return record(UPD, h, count(len(entries)) + first +
                  bytes([0 if fence else 0x80])) + b''.join(entries)


def upd_count(h, n, first=b'\0'):
    return record(UPD, h, count(n) + first)


def shmem(h, addr=None):
    return record(SHMEM, h, (addr or slot(h)) + b'\0\0')


def unshmem(h):
    # edges[] index 38 is ~0 - 63: the harness turns it into -1/-1
    return record(SHMEM, h, edge(38) + b'\0\0')


def kroot(h, levels, addr=None):
    return record(KROOT, h, (addr or edge(0)) + bytes([levels]))


def reg(h, k, level, root=False):
    return record(REG, h, page(k) + bytes([level, 1 if root else 0]))


def reg_kernel(h, k, level):   # PT_REGISTER(ROOT | KERNEL)
    return record(REG, h, page(k) + bytes([level, 3]))


def reg_raw(h, pagebyte, level, flags):
    return record(REG, h, bytes([pagebyte, level, flags]))


def rel(h, k):
    return record(REL, h, page(k))


def rel_raw(h, pagebyte):
    return record(REL, h, bytes([pagebyte]))


def info(h, sel):
    return record(INFO, h, bytes([sel]))


def stats(h, counter, who=None):
    if who is None:
        return record(STATS, h, bytes([counter, 1]))
    return record(STATS, h, bytes([counter, 0]) + hart(who))


def kwrite(idx, value):
    return record(KWRITE, 0, bytes([idx & 0xff, idx >> 8]) + value)


def walk(k, idx, dirty=True):
    return record(WALK, 0, pad(target(k, idx), 8) + bytes([int(dirty)]))


def raw(h, fid, a0, a1, a2):
    return record(RAW, h, bytes([fid]) + raw64(a0) + raw64(a1) +
                  raw64(a2)[:5])


# dec_satp(): what, then MODE (None: the kernel root's) and ASID
def satp_page(h, k, mode=None, asid=0):      # pool page k (-2..33)
    return satp_w(h, bytes([pidx(k, 36, 2)]), mode, asid)


def satp_root(h, n=0, mode=None, asid=0):    # the n-th root registered
    return satp_w(h, bytes([0x80 + n]), mode, asid)


def satp_kroot(h, mode=None, asid=0):
    return satp_w(h, bytes([0xc0]), mode, asid)


def satp_addr(h, addr, mode=None, asid=0):   # addr: a dec_addr() code
    return satp_w(h, bytes([0xe0]) + addr, mode, asid)


def satp_raw(h, v):
    return record(SATP, h, bytes([0xf0]) + raw64(v))


def satp_w(h, what, mode, asid):
    m = bytes([0]) if mode is None else bytes([0xf0 | mode])
    return record(SATP, h, what + m + bytes([asid & 0xff, asid >> 8]))


# glue events
def stopped(h):
    return record(GLUE, h, bytes([0]))


def count_ev(h, counter):                    # dec_small(14) code
    return record(GLUE, h, bytes([1, counter]))


def take_fence(h):
    return record(GLUE, h, bytes([2]))


def all_stopped():
    return record(GLUE, 0, bytes([3]))


# KERNEL_ADOPT: dec_adopt() codes, then whether every other hart stops
def a_kernel(n=0):              # the n-th kernel root under construction
    return bytes([n])


def a_page(k):                  # pool page k (-2..33)
    return bytes([0x80 + (k + 2 - 0x80 % 36) % 36])


def a_odd(pagebyte):            # a dec_page() code
    return bytes([0xe0, pagebyte])


def adopt(h, what=None, stop=True):
    return record(ADOPT, h, (what or a_kernel()) + bytes([0 if stop
                                                          else 0x80]))


# KERNEL_LOCK: kind, where (dec_lock_range()), size
def l_wleaf(n=0):               # the page the n-th writable leaf maps
    return bytes([2 * n])


def l_map(where, plus=0):       # a dec_map() address
    return bytes([0x40]) + (bytes([where]) if not plus
                            else bytes([0x80 + where, plus]))


def l_pages(n):                 # 1..16 pages
    return bytes([n - 1])


def l_odd(i):                   # 0, 8, 2 MiB, 64 KiB, ~4095, 4 GiB, 1 MiB,
    return bytes([0xc0 + i])    # 6 KiB


def klock(h, kind, where, size, prime=0xc0):
    """prime (TEXT): 0 the sites given written as nops first, 1 as jals"""
    return record(LOCK, h, bytes([kind]) + where + size + bytes([prime]))


# TEXT_SITES and TEXT_POKE (op 14): text_sites() and text_poke()
def sites(h, steps_deltas, where=None):
    """sites at 4 * step past the last, targets delta bytes from them"""
    body = b''.join(bytes([st, d & 0xff]) for st, d in steps_deltas)
    tail = bytes([0]) + bytes([where]) if where is not None else bytes([0x10])
    return record(POKE, h, bytes([0, len(steps_deltas) - 1]) + body + tail)


def poke(h, idx, what, beside=False, where=None, extra=b''):
    """what: 0 nop, 3 the site's jal, 6 a jal elsewhere, 7 raw bits"""
    w = 0xc0 if where is not None else (1 if beside else 0)
    return record(POKE, h, bytes([0x40, w, what, idx]) +
                  (bytes([where]) if where is not None else b'') + extra)


def tree(levels, h=0):
    """A full walk from a root of the given paging mode down to leaves."""
    top = levels - 1
    out = shmem(h) + kroot(h, levels)
    out += reg(h, 0, top, root=True)
    for lv in range(top - 1, -1, -1):
        out += reg(h, top - lv, lv)
    for lv in range(top, 0, -1):
        out += upd(h, ent(top - lv, 0, STORE, v_ptr(top - lv + 1)))
    leafp = top
    out += upd(h, ent(leafp, 0, STORE, v_leaf(M_DATA, P_RW)),
               ent(leafp, 1, STORE, v_leaf(M_DATA, P_RWX, plus=1)),
               ent(leafp, 2, STORE, v_leaf(M_BELOW_POOL, P_R)),
               ent(leafp, 3, STORE, v_leaf(M_FW_END, P_RWAD)))
    return out


def seeds():
    s = {}
    s['info'] = cfg() + b''.join(info(h, sel) for h in (0, 5, 0xf0, 0xfa)
                                 for sel in range(6)) + info(0, 0xf8)
    s['shmem-edges'] = cfg(harts=0) + b''.join(
        shmem(i % 16, edge(i)) + unshmem(i % 16) for i in range(49))
    s['shmem-harts'] = cfg(harts=3) + b''.join(
        shmem(h) + shmem(h, slot(h, True)) for h in range(16)) + \
        b''.join(unshmem(h) + shmem(h, slot(h, True)) for h in range(16))
    s['kroot'] = cfg() + kroot(0, 2) + kroot(0, 6) + kroot(0, 3, edge(1)) + \
        kroot(0, 3, pool_addr(3)) + kroot(0, 3, edge(21)) + \
        kroot(0, 4, edge(10)) + kroot(1, 5) + kroot(2, 3)
    s['sv39'] = cfg() + tree(3) + rel(0, 1) + rel(0, 2) + \
        upd(0, ent(1, 0, AND, v_mask(K_NOT_V))) + rel(0, 2) + rel(0, 0) + \
        rel(0, 1) + stats(0, 7) + stats(0, 6)
    s['sv48'] = cfg(layout=1) + tree(4) + \
        upd(0, ent(3, 0, OR, v_mask(K_AD)), ent(3, 1, AND, v_mask(K_NOT_W)),
            ent(3, 0, KEEP_AD, v_leaf(M_DATA, P_R))) + \
        walk(3, 2) + upd(0, ent(3, 2, KEEP_AD, v_leaf(M_BELOW_POOL, P_RW)))
    s['sv57'] = cfg(layout=2, harts=2) + tree(5, 1) + rel(1, 4) + \
        upd(1, ent(3, 0, XCHG, v_zero())) + rel(1, 4) + rel(1, 3) + \
        rel(1, 2) + rel(1, 1) + rel(1, 0)
    s['layout3'] = cfg(layout=3) + tree(3) + \
        upd(0, ent(2, 5, STORE, v_leaf(M_FW, P_R)),
            ent(2, 6, STORE, v_leaf(M_POOL_LAST, P_R)),
            ent(2, 7, STORE, v_leaf(M_POOL_END, P_R)))
    s['kernel-half'] = cfg() + shmem(0) + kwrite(300, v_leaf(M_POOL, P_RWX)) + \
        kwrite(301, v_ptr(5)) + kroot(0, 3) + reg(0, 0, 2, True) + \
        reg(0, 5, 1) + kwrite(301, v_ptr(32)) + reg(0, 0, 2, True) + \
        kwrite(301, v_zero()) + reg(0, 1, 2, True) + \
        upd(0, ent(1, 255, STORE, v_ptr(5)), ent(1, 256, STORE, v_zero())) + \
        upd(0, ent(1, 256, AND, v_mask(K_NOT_V))) + rel(0, 5) + rel(0, 1)
    # A full batch: every entry of the prologue's PTE table 7. It is longer
    # than the fuzzer's -max_len; the records libFuzzer cuts off read as
    # zeros (STORE 0 into page 0's first entry), legal here too.
    s['batch-512'] = cfg(prologue=PRO_SHMEM | PRO_TREE) + \
        upd_count(0, MAX_BATCH) + \
        b''.join(ent(7, i, STORE, v_leaf(M_DATA, P_RW, plus=i % 8))
                 for i in range(MAX_BATCH))
    s['batch-stop'] = cfg() + shmem(0) + kroot(0, 3) + reg(0, 0, 1) + \
        reg(0, 1, 0) + \
        upd(0, ent(0, 0, STORE, v_ptr(1)), ent(0, 1, STORE, v_ptr(1)),
            ent(0, 2, STORE, v_ptr(0)), ent(0, 3, STORE, v_ptr(1)))
    s['harts'] = cfg(harts=0) + kroot(0, 4) + b''.join(
        shmem(h) + reg(h, h, h % 3) for h in range(16)) + b''.join(
        upd(h, ent(h, 1, STORE,
                   v_ptr(h - 1) if h % 3 else v_leaf(M_DATA, P_RW)),
            ent(h, 2, STORE, v_leaf(M_DATA, P_RW))) for h in range(16)) + \
        upd(0xf0, ent(0, 0, STORE, v_zero())) + stats(0xf1, 0) + \
        stats(0, 0, 0xf5) + stats(0, 3) + stats(0, 0)
    s['ops'] = cfg(features=3) + shmem(0) + kroot(0, 4) + reg(0, 7, 0) + \
        reg(0, 8, 1) + \
        upd(0, ent(7, 0, STORE, v_leaf(M_DATA, P_RW, X_A)),
            ent(7, 1, STORE, v_napot(M_DATA, P_RW)),
            ent(7, 2, STORE, v_napot(M_BELOW_POOL, P_R, True)),
            ent(7, 3, STORE, v_napot(M_POOL, P_R)),
            ent(7, 4, XCHG, v_swap(0x1234560)),
            ent(7, 4, OR, v_mask(K_V))) + \
        upd(0, ent(8, 0, STORE, v_huge(H_1G, O_2M, P_RW)),
            ent(8, 1, STORE, v_huge(H_1G, O_0, P_RWX)),
            ent(8, 3, STORE, v_ptr(7)),
            ent(8, 3, OR, v_mask(K_G)),
            ent(8, 3, OR, v_mask(K_A))) + \
        upd(0, ent(8, 4, STORE, v_ptr(7, X_A)),
            ent(8, 2, STORE, v_huge(H_1G, O_256M, P_RW)))
    s['walker'] = cfg() + shmem(2) + kroot(2, 3) + reg(2, 9, 0) + \
        upd(2, ent(9, 0, STORE, v_leaf(M_DATA, P_RW)),
            ent(9, 1, STORE, v_leaf(M_DATA, P_R))) + walk(9, 0) + \
        walk(9, 1) + upd(2, ent(9, 0, AND, v_mask(K_NOT_W)),
                         ent(9, 1, KEEP_AD, v_leaf(M_DATA, P_RW))) + \
        walk(9, 1) + upd(2, ent(9, 1, STORE, v_zero()))
    s['raw'] = cfg() + raw(0, 0, 3, 0, 0) + raw(0, 7, 0, 0, 0) + \
        raw(0, 0xf8, 0, 0, 0) + raw(0, 1, 0x80010000, 0, 0) + \
        raw(0, 5, 1, 0, 0) + raw(0, 6, 0, 2**64 - 1, 0) + \
        raw(0, 3, POOL0, 0, 0) + raw(0, 4, POOL0, 0, 0) + \
        raw(0xf0, 0, 0, 0, 0)
    s['prologue-sv39'] = cfg(prologue=PRO_SHMEM | PRO_SV39 | PRO_TREE) + \
        upd(0, ent(2, 1, STORE, v_leaf(M_DATA, P_RW))) + rel(0, 2)
    s['prologue-sv57'] = cfg(harts=2, prologue=PRO_SHMEM | PRO_SV57 |
                             PRO_TREE) + \
        upd(1, ent(4, 1, STORE, v_leaf(M_DATA, P_RW)),
            ent(5, 0, STORE, v_leaf(M_DATA, P_RWX)))
    s['prologue-sv48-roots'] = cfg(harts=2, prologue=PRO_SHMEM | PRO_SV48 |
                                   PRO_TREE | PRO_LOAD0 | PRO_ROOT8) + \
        upd(0, ent(8, 0, STORE, v_ptr(1)), ent(8, 1, STORE, v_ptr(0))) + \
        upd(0, ent(0, 256, STORE, v_zero())) + \
        upd(0, ent(0, 1, STORE, v_leaf(M_512G, P_RW))) + \
        upd(0, ent(2, 1, STORE, v_huge(H_1G, O_1M, P_RW))) + \
        upd(0, ent(2, 2, STORE, v_huge(H_1G, O_2M, P_RW))) + \
        rel(0, 8) + rel(0, 0) + satp_kroot(0) + rel(0, 0) + \
        all_stopped() + rel(0, 8) + rel(0, 1)
    s['prologue-flat'] = cfg(features=3, harts=3,
                             prologue=PRO_SHMEM | PRO_TREE) + \
        upd(0, ent(7, 0, STORE, v_napot(M_DATA, P_RW)))
    s['release-tree'] = cfg() + shmem(0) + kroot(0, 3) + \
        reg(0, 10, 2, True) + reg(0, 11, 1) + reg(0, 12, 0) + \
        reg(0, 13, 0) + \
        upd(0, ent(10, 0, STORE, v_ptr(11)), ent(10, 1, STORE, v_ptr(11)),
            ent(11, 0, STORE, v_ptr(12)), ent(11, 1, STORE, v_ptr(13)),
            ent(11, 2, STORE, v_ptr(12))) + \
        rel(0, 11) + rel(0, 12) + rel(0, 10) + rel(0, 11) + rel(0, 12) + \
        rel(0, 13) + reg(0, 11, 0) + reg(0, 12, 1)
    s['rejects'] = rejects()
    s['rejects-ext'] = cfg(features=3) + shmem(0) + kroot(0, 3) + \
        reg(0, 2, 0) + reg(0, 1, 1) + \
        upd(0, ent(2, 0, STORE, v_raw(leaf(0x40000000, 3, 3 << 61)))) + \
        upd(0, ent(2, 0, STORE, v_raw(leaf(0x40000000, 3, 1 << 63)))) + \
        upd(0, ent(1, 0, STORE, v_raw(leaf(0x40000000, 3, 1 << 63)))) + \
        upd(0, ent(1, 0, STORE, v_raw(leaf(0x40008000, 3, 1 << 63)))) + \
        upd(0, ent(2, 1, STORE, v_raw(leaf(0x40008000, 3, 0xa << 60))),
            ent(2, 2, STORE, v_raw(leaf(0x40008000, 3, 0xc << 60))))
    # NAPOT 64 KiB regions that only their later pages make illegal
    s['napot-edges'] = cfg(features=1, layout=2) + shmem(0) + \
        kroot(0, 3) + reg(0, 0, 0) + \
        upd(0, ent(0, 0, STORE, v_napot(M_2G, P_RW))) + \
        upd(0, ent(0, 1, STORE, v_napot(M_RAM0_END, P_RW)))
    s['napot-edges-3'] = cfg(features=1, layout=3) + shmem(0) + \
        kroot(0, 3) + reg(0, 0, 0) + \
        upd(0, ent(0, 0, STORE, bytes([7, 0x80 + M_RAM1, 16, P_RW, 1]))) + \
        upd(0, ent(0, 1, STORE, v_napot(M_FW_END, P_RW)))
    s['satp'] = satp_seed()
    # harts 1, 3, .. 15: hart 1 has root 0, the others root 8
    s['satp-prologue'] = cfg(harts=4, prologue=PRO_SHMEM | PRO_SV39 |
                             PRO_TREE | PRO_LOAD0 | PRO_ROOT8) + \
        satp_root(1, 1) + satp_root(3, 0, asid=0x1234) + rel(1, 0) + \
        rel(1, 8) + stopped(1) + stopped(3) + rel(1, 0) + rel(1, 8) + \
        satp_page(5, 8) + satp_page(5, 1) + satp_page(5, 0, mode=9) + \
        satp_kroot(5) + satp_kroot(7) + rel(1, 8) + all_stopped() + \
        rel(1, 8) + reg(1, 8, 2, True) + satp_page(7, 8) + stopped(7) + \
        satp_root(9, 1) + satp_page(9, 8) + rel(1, 8) + stopped(9) + \
        rel(1, 8)
    s['update-first'] = update_first_seed()
    s['kernel-adopt'] = kernel_adopt_seed()
    s['kernel-rules'] = kernel_rules_seed()
    s['kernel-lock'] = kernel_lock_seed()
    s['text-poke'] = text_poke_seed()
    s['text-unfit'] = text_unfit_seed()
    s['kernel-edges'] = kernel_edges_seed()
    # the prologue builds the kernel root in the pool and adopts it
    s['prologue-kernel'] = cfg(harts=2, prologue=PRO_SHMEM | PRO_SV48 |
                               PRO_TREE | PRO_LOAD0 | PRO_KERNEL |
                               PRO_ADOPT) + \
        info(0, 5) + reg(0, 9, 3, True) + reg(0, 10, 3, True) + \
        satp_root(1, 1) + satp_kroot(3) + rel(0, 9) + rel(0, 0) + \
        rel(0, 1) + upd(0, ent(0, 256, STORE, v_zero())) + \
        upd(0, ent(3, 1, STORE, v_leaf(M_POOL, P_R))) + \
        stats(0, 7) + stopped(1) + rel(0, 10) + stats(0, 7)
    # ... but page 8 is another root: DENIED; the kernel root is loaded
    s['prologue-kernel-root8'] = cfg(harts=2, prologue=PRO_SHMEM |
                                     PRO_SV39 | PRO_TREE | PRO_LOAD0 |
                                     PRO_ROOT8 | PRO_KERNEL | PRO_ADOPT) + \
        adopt(0) + all_stopped() + adopt(0) + rel(0, 8) + adopt(0) + \
        info(0, 5) + adopt(0) + satp_kroot(1)
    s['mmio'] = mmio_seed()
    s['glue'] = cfg(harts=3, satp_locked=True) + info(0, 1) + \
        b''.join(count_ev(h, c) for h in (0, 5, 15, 0xf0, 0xfa)
                 for c in range(14)) + \
        count_ev(0, 0xf8) + count_ev(0, 0xfa) + count_ev(0, 0xf9) + \
        take_fence(0) + take_fence(3) + take_fence(0xf0) + \
        take_fence(0xfa) + stopped(0) + stopped(0xf0) + all_stopped() + \
        satp_kroot(0) + satp_kroot(0xf0) + satp_raw(0, 0) + \
        b''.join(stats(0, c, h) for c in range(8, 13) for h in (0, 5)) + \
        stats(0, 9) + stats(0, 11)
    return s


def satp_seed():
    """satp writes: every refusal once, loads, moves, and release DENIED
    while a root is loaded"""
    out = cfg(harts=2) + shmem(0) + satp_kroot(0) + satp_page(0, 0)
    out += kroot(0, 4)                          # Sv48: MODE 9
    out += reg(0, 0, 3, True) + reg(0, 1, 2) + reg(0, 2, 3, True) + \
        upd(0, ent(0, 0, STORE, v_ptr(1)))
    out += b''.join(satp_page(0, 0, mode=m) for m in (0, 1, 8, 10, 15))
    out += satp_page(0, 1) + satp_page(0, 5) + satp_page(0, -1) + \
        satp_page(0, 32) + satp_addr(0, edge(4)) + satp_addr(0, edge(21)) + \
        satp_addr(0, edge(41)) + satp_raw(0, 2**64 - 1) + \
        satp_raw(0, 9 << 60 | 0xfffffffffff)
    out += satp_page(0, 0, asid=0xffff) + satp_page(0, 0, asid=1) + \
        satp_page(1, 0) + satp_page(2, 2) + satp_root(3, 1) + \
        satp_root(4, 0) + satp_root(0xf0, 0)
    out += rel(0, 0) + rel(0, 2) + reg(0, 0, 3, True) + reg(0, 0, 2) + \
        satp_page(0, 2) + rel(0, 0) + satp_kroot(1) + rel(0, 0) + \
        rel(0, 1) + satp_page(1, 0) + stopped(2) + stopped(3) + \
        satp_kroot(4) + rel(0, 2) + satp_page(0, 2) + \
        reg(0, 2, 3, True) + satp_page(0, 2) + satp_page(0, 2) + \
        stopped(0) + satp_kroot(0, mode=8) + rel(0, 2) + stats(0, 8) + \
        stats(0, 9)
    return out


def update_first_seed():
    """UPDATE(count, first): tails, rejected entries in the tail, every
    bad first, and the fence flag kept or taken"""
    out = cfg() + shmem(0) + shmem(1) + kroot(0, 3) + reg(0, 0, 0) + \
        reg(0, 1, 1) + reg(0, 2, 2, True)
    es = [ent(0, i, STORE, v_leaf(M_KR, P_RW)) for i in range(6)]
    out += upd(0, *es, first=f_small(4))
    out += upd(0, *es, first=f_last(0), fence=False)
    out += upd(0, *es, first=f_last(3), fence=False)
    out += take_fence(0) + take_fence(0)
    bad = list(es)
    bad[4] = ent(0, 4, STORE, v_leaf(M_FW, P_R))
    out += upd(0, *bad, first=f_small(2))
    out += upd(0, *bad, first=f_small(4))
    out += upd(0, *bad, first=f_small(5))
    out += upd(0, *es, first=f_over(0)) + upd(0, *es, first=f_over(3))
    out += upd(0, *es, first=f_small(6)) + upd(0, *es, first=f_small(7))
    out += upd(0, ent(0, 0, STORE, v_zero()), first=f_last(1))
    out += b''.join(upd(0, *es[:2], first=f_odd(i)) for i in range(4))
    out += upd(0, ent(0, 6, STORE, v_zero()), ent(0, 7, STORE, v_zero()),
               first=f_small(1), fence=False) + take_fence(0)
    out += upd(1, ent(1, 0, STORE, v_ptr(0)), ent(1, 1, AND,
               v_mask(K_NOT_V)), fence=False) + take_fence(0) + \
        take_fence(1)
    # the value stored counts, not the operand: OR of A into a valid
    # leaf needs a fence, AND ~W on a swap entry does not
    out += upd(0, ent(0, 10, STORE, v_leaf(M_KR, P_RW))) + \
        upd(0, ent(0, 10, OR, v_mask(K_A)), fence=False) + take_fence(0) + \
        upd(0, ent(0, 11, STORE, v_swap(0x1234500))) + \
        upd(0, ent(0, 11, AND, v_mask(K_NOT_W)), fence=False) + \
        take_fence(0)
    out += upd(5, ent(0, 0, STORE, v_zero()), first=f_small(1))
    out += upd_count(0, MAX_BATCH, first=f_odd(2))
    return out


def kernel_adopt_seed():
    """A kernel root built in the pool: PT_KERNEL errors, every ADOPT
    error, the adoption, then the frozen root, roots that link its kernel
    half, and satp"""
    out = cfg(harts=2) + shmem(0) + shmem(1) + adopt(0)
    out += kroot(0, 3)                          # Sv39, KR in RAM
    out += adopt(0, a_page(10)) + adopt(0, a_odd(0xe0)) + \
        adopt(0, a_odd(0xe2)) + adopt(0, a_page(-1))
    out += reg_raw(0, pidx(10, 36, 2), 2, 2) + reg_raw(0, pidx(10, 36, 2),
                                                       1, 3)
    out += reg_kernel(0, 10, 2) + reg(0, 11, 1) + reg(0, 12, 0) + \
        reg(0, 13, 1) + reg(0, 9, 2, True)
    out += adopt(0, a_page(9))                  # a plain root
    out += upd(0, ent(10, 256, STORE, v_ptr(11)),
               ent(10, 263, STORE, v_ptr(13)),
               ent(10, 258, STORE, v_huge(H_1G, O_0, P_RW)),
               ent(11, 0, STORE, v_ptr(12)),
               ent(12, 0, STORE, v_leaf(M_RAM1, P_RWAD)),
               ent(12, 1, STORE, v_leaf(M_POOL, P_RG)),
               ent(10, 3, STORE, v_swap(0x1200)))
    out += adopt(0) + rel(0, 9) + adopt(0)      # other root, user half
    out += upd(0, ent(10, 3, STORE, v_zero()))
    out += satp_page(0, 10) + satp_page(1, 10) + info(0, 5)
    out += adopt(0, stop=False)                 # adopted from hart 0
    out += info(0, 5) + adopt(0) + adopt(1, a_page(11)) + \
        reg_kernel(0, 14, 2) + stats(0, 7)
    out += upd(0, ent(10, 256, STORE, v_zero())) + \
        upd(0, ent(10, 0, STORE, v_ptr(11))) + \
        upd(0, ent(10, 258, AND, v_mask(K_NOT_W))) + rel(0, 10) + \
        rel(0, 11) + rel(0, 13)
    out += reg(0, 20, 2, True) + reg(0, 21, 2, True) + stats(0, 7) + \
        upd(0, ent(20, 257, STORE, v_zero())) + \
        upd(0, ent(20, 0, STORE, v_ptr(13)))
    out += satp_addr(0, edge(0)) + satp_kroot(0) + satp_root(1, 1) + \
        satp_page(0, 20) + rel(0, 20) + satp_kroot(0) + rel(0, 20) + \
        stats(0, 7) + stopped(1) + rel(0, 21) + rel(0, 20) + stats(0, 7)
    return out


def kernel_rules_seed():
    """The kernel leaf rules: W^X without U, read-only views of the pool,
    the firmware never"""
    out = cfg(features=3) + shmem(0) + kroot(0, 3) + reg(0, 1, 0) + \
        reg(0, 2, 1)
    # before the rules: an RWX kernel leaf, no view of the pool
    out += upd(0, ent(1, 0, STORE, v_leaf(M_KR, P_RWX))) + \
        upd(0, ent(1, 1, STORE, v_leaf(M_POOL, P_R)))
    out += reg_kernel(0, 3, 2)
    leaves = [v_leaf(M_KR, P_RWX), v_leaf(M_KR, P_RWXU),
              v_leaf(M_UART, P_RWX), v_leaf(M_POOL, P_R),
              v_leaf(M_POOL_LAST, P_RG), v_leaf(M_POOL, P_RW),
              v_leaf(M_POOL, P_RX), v_leaf(M_POOL, P_RU),
              v_leaf(M_FW, P_R), v_leaf(M_FW_LAST, P_R),
              v_napot(M_POOL, P_R), v_leaf(M_HOLE, P_R),
              v_leaf(M_BELOW_POOL, P_RWX, X_U)]
    out += b''.join(upd(0, ent(1, 2 + i, STORE, v))
                    for i, v in enumerate(leaves))
    out += upd(0, ent(1, 0, OR, v_mask(K_A))) + \
        upd(0, ent(1, 0, AND, v_mask(K_NOT_W))) + \
        upd(0, ent(1, 5, OR, v_mask(K_W)))
    out += upd(0, ent(3, 300, STORE, v_huge(H_1G, O_0, P_RWX)),
               ent(3, 301, STORE, v_huge(H_1G, O_0, P_RW)))
    return out


def kernel_lock_seed():
    """KERNEL_LOCK: before adoption, every error, DENIED over a writable
    leaf (nothing locked), then locked: writable leaves refused"""
    out = cfg(harts=1) + shmem(0) + kroot(0, 3) + reg_kernel(0, 10, 2) + \
        reg(0, 11, 1) + reg(0, 12, 0) + \
        upd(0, ent(10, 256, STORE, v_ptr(11)), ent(11, 0, STORE, v_ptr(12)),
            ent(12, 0, STORE, v_leaf(M_RAM1, P_RW, plus=2)))
    out += klock(0, 0, l_map(M_RAM1), l_pages(4))         # not adopted
    out += klock(0, 1, l_map(M_KR), l_pages(1))
    out += adopt(0)
    out += klock(0, 2, l_map(M_RAM1), l_pages(4)) + \
        klock(0, 0, l_map(M_RAM1), l_odd(0)) + \
        klock(0, 0, l_map(M_RAM1), l_odd(1)) + \
        klock(0, 0, l_map(M_POOL), l_pages(1)) + \
        klock(0, 0, l_map(M_FW), l_pages(1)) + \
        klock(0, 0, l_map(M_KR, 0x47), l_pages(2)) + \
        klock(0, 0, l_map(M_HOLE), l_pages(1))
    out += klock(0, 0, l_wleaf(0), l_pages(1))             # DENIED
    out += klock(0, 0, l_map(M_RAM1), l_pages(4))          # DENIED too
    out += upd(0, ent(12, 0, AND, v_mask(K_NOT_W)))
    out += klock(0, 0, l_map(M_RAM1), l_pages(4)) + \
        klock(0, 0, l_map(M_RAM1), l_pages(4)) + \
        klock(0, 1, l_map(M_KR), l_pages(1))
    out += upd(0, ent(12, 0, OR, v_mask(K_W))) + \
        upd(0, ent(12, 1, STORE, v_leaf(M_RAM1, P_RWU, plus=3))) + \
        upd(0, ent(12, 2, STORE, v_leaf(M_RAM1, P_RX, plus=3))) + \
        upd(0, ent(12, 3, STORE, v_leaf(M_RAM1, P_RW, plus=4))) + \
        upd(0, ent(12, 4, STORE, v_leaf(M_KR, P_RWD)))
    # no buffer in a locked range (edges[11] is RAM1)
    out += unshmem(0) + shmem(0, edge(11)) + shmem(0) + \
        upd(0, ent(12, 5, STORE, v_leaf(M_RAM1, P_R)))
    return out


def text_poke_seed():
    """TEXT_SITES and TEXT_POKE: sites refused (an odd target, a repeated
    site, the array in the pool), given, locked with their words: each
    switched both ways, a jump elsewhere, a word beside a site, raw bits,
    the pool; sealed by the lock"""
    out = cfg(harts=1) + shmem(0) + kroot(0, 3) + reg_kernel(0, 10, 2)
    out += sites(0, [(4, 15)]) + sites(0, [(4, 16), (0, 8)]) + \
        sites(0, [(4, 16)], where=M_POOL)
    out += sites(0, [(4, 16), (2, -24)]) + sites(0, [(4, 16)])
    out += adopt(0) + poke(0, 0, 0, where=M_RAM1)            # not locked
    out += klock(0, 0, l_map(M_RAM1), l_pages(4), prime=1)
    out += sites(0, [(4, 16)])                                # sealed
    out += poke(0, 0, 0) + poke(0, 0, 3) + poke(0, 1, 0) + poke(0, 1, 3) + \
        poke(0, 1, 6, extra=bytes([5])) + poke(0, 0, 0, beside=True) + \
        poke(0, 0, 7, extra=struct.pack('<Q', 0x00b50533)) + \
        poke(0, 0, 0, where=M_POOL) + poke(1, 0, 0)
    return out


def text_unfit_seed():
    """Sites that do not fit the text: a target below it (the lock
    refused, the list dropped), then sites whose words the text does not
    hold (refused again), then the same with their nops: locked"""
    out = cfg(harts=1) + shmem(0) + kroot(0, 3) + reg_kernel(0, 10, 2) + \
        adopt(0)
    out += sites(0, [(15, 16), (15, -128)])
    out += klock(0, 0, l_map(M_RAM1, 1), l_pages(1), prime=0)
    out += sites(0, [(15, 16)])
    out += klock(0, 0, l_map(M_RAM1, 2), l_pages(1))
    out += sites(0, [(15, 16)])
    out += klock(0, 0, l_map(M_RAM1, 3), l_pages(1), prime=0)
    out += poke(0, 0, 3) + poke(0, 0, 0)
    return out


def kernel_edges_seed():
    """Edges of the kernel tables: nothing of the S-mode kernel root in a
    PT_KERNEL root, a root at page 0 against ADOPT, a KERNEL root's links
    dropped on release, KERNEL_LOCK before adoption (no writable leaf in
    the way), writable leaves in a table's upper half and NAPOT leaves
    against KERNEL_LOCK, and a lone locked page that a NAPOT leaf starting
    below it covers"""
    out = cfg(features=1) + shmem(0) + kwrite(300, v_leaf(M_UART, P_RW)) + \
        kroot(0, 3) + reg(0, 0, 2, True) + reg_kernel(0, 10, 2) + \
        reg(0, 11, 1) + reg(0, 12, 0) + \
        upd(0, ent(10, 256, STORE, v_ptr(11)), ent(11, 0, STORE, v_ptr(12)))
    out += adopt(0, a_page(10))                 # page 0 is a root
    out += reg_kernel(0, 13, 2) + reg(0, 14, 1) + \
        upd(0, ent(13, 257, STORE, v_ptr(14))) + rel(0, 13) + rel(0, 14)
    out += rel(0, 0) + klock(0, 0, l_map(M_KR), l_pages(1))
    out += adopt(0, a_page(10))
    out += upd(0, ent(12, 300, STORE, v_leaf(M_RAM1, P_RW, plus=5))) + \
        klock(0, 0, l_map(M_RAM1, 5), l_pages(1)) + \
        upd(0, ent(12, 300, STORE, v_zero()))
    out += upd(0, ent(12, 1, STORE, v_napot(M_RAM1, P_RW))) + \
        klock(0, 1, l_map(M_RAM1, 3), l_pages(1)) + \
        upd(0, ent(12, 1, STORE, v_zero())) + \
        klock(0, 1, l_map(M_RAM1, 3), l_pages(1)) + \
        upd(0, ent(12, 1, STORE, v_napot(M_RAM1, P_RW))) + \
        upd(0, ent(12, 2, STORE, v_napot(M_RAM1, P_R)))
    return out


def mmio_seed():
    """Leaves in every MMIO range, across their ends, and next to them"""
    out = cfg(features=3) + shmem(0) + kroot(0, 3) + reg(0, 0, 0) + \
        reg(0, 1, 1) + reg(0, 2, 2, True)
    ok = [v_leaf(M_UART, P_RW), v_leaf(M_MMIO_C, P_RW),
          v_leaf(M_MMIO_D, P_RW, x_pbmt(2)), v_leaf(M_MMIO_E, P_R),
          v_leaf(M_MMIO_E, P_R, plus=11), v_leaf(M_MMIO_C, P_RW, plus=7),
          v_napot(M_DATA, P_RW), v_leaf(M_DATA, P_RW, plus=255)]
    out += b''.join(upd(0, ent(0, i, STORE, v)) for i, v in enumerate(ok))
    bad = [v_leaf(M_UART, P_RW, plus=1), v_leaf(M_MMIO_E, P_R, plus=12),
           v_leaf(M_HOLE, P_RW), v_napot(M_MMIO_C, P_RW),
           v_napot(M_UART, P_RW), v_napot(M_MMIO_E, P_RW),
           v_leaf(M_MMIO_D, P_RW, plus=8)]
    out += b''.join(upd(0, ent(0, 20 + i, STORE, v))
                    for i, v in enumerate(bad))
    # 2 MiB and 1 GiB: in the PCIe window only
    out += upd(0, ent(1, 0, STORE, v_huge(H_1G, O_2M, P_RW)),
               ent(1, 1, STORE, v_leaf(M_PCIE_END, P_RW)),
               ent(1, 2, STORE, v_huge(H_2G, O_0, P_RW)))
    out += upd(0, ent(2, 0, STORE, v_huge(H_1G, O_0, P_RW)),
               ent(2, 1, STORE, v_huge(H_3G, O_0, P_RW)))
    out += upd(0, ent(0, 0, OR, v_raw(1 << 30)))
    return out


def leaf(pa, perm, extra=0):
    return (pa >> 12) << 10 | perm << 1 | 1 | extra


def rejects():
    """Every rejection rule of UPDATE and PT_REGISTER once."""
    out = cfg() + shmem(0)
    out += reg(0, 4, 3)                      # before the kernel root
    out += reg(0, 4, 0) + reg(0, 4, 2, True)
    out += kroot(0, 3)
    out += reg(0, 4, 3) + reg(0, 4, 2) + reg(0, 0, 1, True)
    out += reg(0, 0, 2, True) + reg(0, 1, 1) + reg(0, 2, 0) + \
        reg(0, 3, 1) + reg(0, 6, 2, True)
    out += upd(0, ent(0, 0, STORE, v_ptr(1)), ent(1, 0, STORE, v_ptr(2)))
    bad = [
        ent_t(bytes([0xc0, 0]), STORE, v_zero()),   # kernel root page
        ent_t(bytes([0xc0, 34]), STORE, v_zero()),  # pool end
        ent(10, 0, STORE, v_zero()),                 # untyped
        ent_t(target(2, 0), 0xe1, v_zero()),        # op 5
        ent_t(target(2, 0), 0xe2, v_zero()),        # op 6
        ent_t(target(2, 0), 0xe0, v_zero()),        # op 7
        ent(0, 256, STORE, v_zero()),                # kernel half
        ent(0, 511, AND, v_mask(K_NOT_V)),
        ent(2, 1, STORE, v_ptr(2)),                  # pointer at level 0
        ent(1, 1, STORE, v_ptr(2, X_A)),             # pointer with A
        ent(1, 1, STORE, v_ptr(2, X_D)),             # D
        ent(1, 1, STORE, v_ptr(2, X_U)),             # U
        ent(1, 1, STORE, v_ptr(2, x_rsvd(54))),      # bit 54
        ent(1, 1, STORE, v_ptr(2, X_N)),             # N
        ent(1, 1, STORE, v_ptr(2, x_pbmt(1))),       # PBMT
        ent(1, 1, STORE, v_ptr(3)),                  # level 1 -> 1
        ent(6, 1, STORE, v_ptr(2)),                  # level 2 -> 0
        ent(6, 2, STORE, v_ptr(0)),                  # to a root
        ent(1, 1, STORE, v_ptr(-1)),                 # out of the pool
        ent(1, 1, STORE, v_ptr(20)),                 # to a free page
        ent(2, 1, STORE, v_leaf(M_DATA, P_W)),       # W without R
        ent(2, 1, STORE, v_leaf(M_DATA, 6)),         # W and X
        ent(4, 1, STORE, v_leaf(M_512G, P_RW)),      # untyped page
        ent(1, 1, STORE, v_huge(H_1G, O_1M, P_RW)),  # 2 MiB, misaligned
        ent(6, 1, STORE, v_huge(H_1G, O_256M, P_RW)),
        ent(2, 1, STORE, v_leaf(M_DATA, P_RW, x_rsvd(54))),
        ent(2, 1, STORE, v_leaf(M_DATA, P_RW, x_rsvd(60))),
        ent(2, 1, STORE, v_napot(M_DATA, P_RW)),     # N without Svnapot
        ent(2, 1, STORE, v_raw(leaf(0x40000000, 3, 1 << 61))),  # PBMT
        ent(2, 1, STORE, v_leaf(M_FW, P_R)),         # maps firmware
        ent(2, 1, STORE, v_leaf(M_POOL_LAST, P_R)),  # maps the pool
        ent(2, 1, STORE, v_leaf(M_HOLE, P_R)),       # maps nothing
        ent(1, 1, STORE, v_huge(H_2G, O_0, P_RW)),   # 2 MiB over both
        ent(6, 1, STORE, v_huge(H_2G, O_0, P_RW)),   # 1 GiB over both
    ]
    out += b''.join(upd(0, e) for e in bad)
    out += upd(0, ent(2, 3, STORE, v_leaf(M_DATA, P_RW))) + \
        upd(0, ent(2, 3, AND, v_raw(~2))) + \
        upd(0, ent(2, 3, OR, v_mask(14))) + \
        upd(0, ent(2, 3, KEEP_AD, v_leaf(M_POOL, P_R)))
    out += upd(5, ent(2, 0, STORE, v_zero()))
    out += reg(0, 7, 1, True) + reg(0, 7, 5) + reg_raw(0, 9, 0, 2) + \
        reg_raw(0, 0xe0, 0, 0) + reg(0, 32, 0) + reg(0, -1, 0) + \
        reg(0, 0, 2, True)
    out += rel(0, 10) + rel_raw(0, 0xe0) + rel(0, 32) + rel(0, 1)
    out += stats(0, 12) + stats(0, 0, 0xf0) + info(0, 5) + info(0, 6)
    # bad counts last: the entries of MAX_BATCH + 1 would swallow what
    # follows
    out += upd_count(0, 0) + upd_count(0, MAX_BATCH + 1)
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(out, 'seed-' + name), 'wb') as f:
            f.write(data)
    print('%d seeds in %s' % (len(seeds()), out))


if __name__ == '__main__':
    main()
