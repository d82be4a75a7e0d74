/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared code of the bare S-mode test payloads (tests/selftest,
 * tests/attack): SBI calls, DBCN output, checks, the S-mode trap
 * handler with expected-exception records, hart discovery and waits,
 * FDT helpers and PVMMU helpers (page-table entries, the identity
 * kernel root). Physical = virtual for everything here; the payloads
 * are not part of the firmware.
 *
 * Each payload provides boot_main(hartid, fdt) and
 * secondary_main(hartid, opaque), called from entry.S.
 */
#ifndef __TESTS_PAYLOAD_H__
#define __TESTS_PAYLOAD_H__

#include <sbi/riscv_asm.h>
#include <sbi/riscv_encoding.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_pvmmu_abi.h>
#include <sbi/sbi_types.h>

#define MAX_HARTS	64	/* hart ids below this; sparse ones included */

/* entry.S */
extern char _start[], secondary_entry[];
/* payload.ld: the end of the text (page aligned), of everything */
extern char __text_end[], __bss_end[];

void boot_main(ulong id, ulong fdt);
void secondary_main(ulong id, ulong opaque);

/* ---- SBI calls */

struct sbiret {
	long error;
	long value;
};

static inline struct sbiret sbi_call(ulong eid, ulong fid, ulong a0,
				     ulong a1, ulong a2, ulong a3, ulong a4)
{
	register ulong r0 __asm__("a0") = a0;
	register ulong r1 __asm__("a1") = a1;
	register ulong r2 __asm__("a2") = a2;
	register ulong r3 __asm__("a3") = a3;
	register ulong r4 __asm__("a4") = a4;
	register ulong r6 __asm__("a6") = fid;
	register ulong r7 __asm__("a7") = eid;
	struct sbiret ret;

	__asm__ __volatile__("ecall"
			     : "+r"(r0), "+r"(r1)
			     : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7)
			     : "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

#define SBI0(e, f)			sbi_call(e, f, 0, 0, 0, 0, 0)
#define SBI1(e, f, a)			sbi_call(e, f, a, 0, 0, 0, 0)
#define SBI2(e, f, a, b)		sbi_call(e, f, a, b, 0, 0, 0)
#define SBI3(e, f, a, b, c)		sbi_call(e, f, a, b, c, 0, 0)

static inline ulong hartid(void)
{
	ulong tp;

	__asm__ __volatile__("mv %0, tp" : "=r"(tp));
	return tp;
}

static inline ulong atomic_add(volatile ulong *p, ulong v)
{
	ulong old;

	__asm__ __volatile__("amoadd.d.aqrl %0, %2, %1"
			     : "=r"(old), "+A"(*p) : "r"(v) : "memory");
	return old;
}

/* ---- output and checks */

/* Write all of @s through DBCN (several calls if the firmware splits it) */
void dbcn_write(const char *s, ulong n);
/* Minimal printf: %s, %d (long), %x (ulong) */
void say(const char *fmt, ...);

extern volatile ulong failures, checks;
/* Print "PASS ..." lines too (the selftest prints only failures) */
extern bool check_verbose;

/* One check: got == want, values printed in decimal / hex */
void check(const char *what, long got, long want);
void checkx(const char *what, ulong got, ulong want);
/* One check of a condition, with the value that was looked at */
void check_true(const char *what, bool ok, ulong value);

/* SRST shutdown: QEMU exits 0 if no check failed, 1 otherwise */
void __attribute__((noreturn)) payload_finish(const char *name);

/* ---- S-mode traps */

extern volatile ulong ipi_count[MAX_HARTS];
extern volatile ulong timer_count[MAX_HARTS];

/* stvec and SSIP on, interrupts enabled */
void trap_setup(void);

/*
 * An exception provoked on purpose: fault_expect() arms the calling
 * hart, the trap handler records the first exception and resumes after
 * the faulting instruction, fault_end() disarms and returns the record
 * (cause NO_FAULT if nothing was taken).
 */
#define NO_FAULT	(-1UL)

struct fault {
	ulong cause;	/* scause */
	ulong tval;	/* stval */
	ulong epc;	/* sepc: the faulting instruction */
};

void fault_expect(void);
struct fault fault_end(void);

/*
 * An exception nobody expected. On the boot hart, or with
 * park_on_unexpected_trap clear: report and shut down (failure). With it
 * set, another hart reports, counts a failure, is marked in hart_parked
 * and parks, so that the boot hart can go on and time out waiting for it.
 */
extern bool park_on_unexpected_trap;
extern volatile ulong hart_parked[MAX_HARTS];

/* ---- harts */

extern ulong nharts, boot_hart, hart_ids[MAX_HARTS];

/* Fill hart_ids/nharts with the harts HSM knows */
void find_harts(void);

/*
 * Deadline of every wait for other harts, in ticks of the time CSR (QEMU
 * virt: 10 MHz, 60 s). A deadline in time rather than in spins: under
 * TCG the harts that are waited for may get little host CPU while the
 * waiting one spins.
 */
#define WAIT_TICKS	600000000UL

/* Wait until *v >= want; a failed check @what at the deadline. 0 if met. */
int wait_for(volatile ulong *v, ulong want, const char *what);
/* Busy-wait @ticks of the time CSR */
void delay_ticks(ulong ticks);

/* ---- FDT */

/* Entry @index of @node's "reg" (the parent's cell counts). 0 if found. */
int fdt_reg(const void *fdt, int node, int index, ulong *base, ulong *size);

/* ---- PVMMU */

/* GET_INFO(MAX_BATCH); SET_SHMEM wants room for that many entries */
#define PV_MAX_BATCH	512

#define PV_PTE_V	0x1UL
#define PV_PTE_R	0x2UL
#define PV_PTE_W	0x4UL
#define PV_PTE_X	0x8UL
#define PV_PTE_U	0x10UL
#define PV_PTE_G	0x20UL
#define PV_PTE_A	0x40UL
#define PV_PTE_D	0x80UL
#define PV_PTE_RWX	(PV_PTE_R | PV_PTE_W | PV_PTE_X)

#define PV_SATP_SV39	(8UL << 60)
#define PV_SATP_SV48	(9UL << 60)
#define PV_SATP_SV57	(10UL << 60)
#define PV_SATP_ASID_SHIFT	44
#define PV_GIB		(1UL << 30)
#define PV_MIB2		(1UL << 21)

/*
 * The Sv39 kernel half starts at this address (root entry 256). A payload
 * that must run on a root without user mappings (tests/attack, [11])
 * runs from the alias PV_KOFF + pa of its physical address; what it hands
 * to the firmware must then be physical again (pv_pa()).
 */
#define PV_KOFF		0xffffffc000000000UL

static inline ulong pv_pa(ulong va)
{
	return va >= PV_KOFF ? va - PV_KOFF : va;
}

static inline ulong pv_table(ulong pa)
{
	return ((pa >> 12) << 10) | PV_PTE_V;
}

static inline ulong pv_leaf(ulong pa, ulong flags)
{
	return ((pa >> 12) << 10) | flags | PV_PTE_V;
}

static inline ulong pv_satp(ulong mode, ulong root)
{
	return mode | (root >> 12);
}

/* UPDATE(count, first) over the calling hart's shmem buffer */
static inline struct sbiret pv_update(ulong count, ulong first)
{
	return SBI2(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, count, first);
}

static inline struct sbiret pv_register(ulong pa, ulong level, ulong flags)
{
	return SBI3(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER, pa, level, flags);
}

static inline struct sbiret pv_release(ulong pa)
{
	return SBI1(SBI_EXT_PVMMU, SBI_PVMMU_PT_RELEASE, pa);
}

static inline struct sbiret pv_info(ulong selector)
{
	return SBI1(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO, selector);
}

/* STATS(counter, hart); hart -1 sums the harts */
static inline struct sbiret pv_stats(ulong counter, ulong hart)
{
	return SBI2(SBI_EXT_PVMMU, SBI_PVMMU_STATS, counter, hart);
}

/* STATS(counter, -1).value */
static inline ulong pv_stat(ulong counter)
{
	return pv_stats(counter, -1UL).value;
}

/*
 * An Sv39 root in ordinary RAM that identity-maps, with 1 GiB leaves
 * (RWX, global, A/D set), the first GiB (low MMIO: CLINT, test
 * finisher, UART, virtio, PLIC) and every GiB that holds RAM of the
 * FDT's /memory nodes. Everything else is zeroed. Returns the number of
 * leaves.
 */
ulong pv_identity_root(ulong *root, const void *fdt);

#endif
