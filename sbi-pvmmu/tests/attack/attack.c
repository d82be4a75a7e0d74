// SPDX-License-Identifier: BSD-2-Clause
/*
 * Adversarial S-mode payload for sbi-pvmmu (not part of the firmware).
 *
 * Plays a malicious kernel on -smp 3: the boot hart attacks, the two
 * other harts ("helpers") run commands it posts (load a satp, try a
 * refused one, stop). Every attack is a named check that the firmware
 * refuses it and that its state did not change:
 *
 *   [0]  GET_INFO: ABI 2.2, FEATURES has SATP_LOCKED and KERNEL_TABLES;
 *        STATS has the satp/SFENCE/trap counters
 *   [1]  PT_REGISTER before SET_KERNEL_ROOT
 *   [2]  SET_KERNEL_ROOT with another hart started, or a satp that does
 *        not hold that root with its MODE; then the real one
 *   [3]  satp writes of roots the firmware does not know
 *   [4]  satp writes of the kernel root with another MODE, or Bare
 *   [5]  PT_RELEASE of a root loaded on another hart, before and after
 *        that hart switched away or stopped
 *   [6]  roots and non-roots at the wrong level
 *   [7]  loads and stores to the CLINT, the test finisher and fw-cfg
 *   [8]  leaves mapping firmware-owned memory and devices
 *   [9]  SFENCE.VMA and satp reads under TVM
 *   [10] a DBCN write longer than one call may move; a remote fence of the
 *        last page (a page loop that wraps)
 *   [11] a kernel root built in the pool (PT_KERNEL) and adopted
 *        (KERNEL_ADOPT): with a helper started, then for real; then the
 *        old root in satp, roots that link its kernel half, stores,
 *        UPDATEs and PT_RELEASE of the frozen root, W+X kernel leaves,
 *        writable or user leaves over the pool, KERNEL_LOCK (writable
 *        leaves, buffers, and a hart started in Bare mode afterwards)
 *
 * They run in the order 0-4, 6-10, 5, then the helper part of 3, then
 * 11: an attack a firmware lets through can kill the hart it runs on (a
 * satp of garbage, a root scrubbed under a running hart), so those that
 * risk a helper come last, and every wait for a helper has a deadline.
 * [11] needs every root of the others released, and moves the boot hart
 * for good to the kernel-half alias of this payload (PV_KOFF + pa): the
 * adopted root maps nothing in its user half. An
 * access to a device that a firmware might let through is harmless to
 * the machine (the finisher store writes a value the device ignores),
 * so that the run goes on and reports.
 *
 * Ends with SRST shutdown: QEMU exits 0 iff every check passed (on
 * pvmmu's firmware; OpenSBI powers off either way, and the last line,
 * "sbi-attack: N checks, M failures", says it). It also runs on OpenSBI
 * with the PVMMU series, where the checks of two rules of pvmmu's own
 * firmware are skipped (see on_opensbi).
 */
#include <libfdt.h>
#include "../common/payload.h"

#define NO_HART		(-1UL)
/*
 * Time CSR ticks (QEMU virt: 10 MHz). A helper's command, start or stop
 * must complete within HELPER_TICKS (20 s: it only fails to when an
 * attack got through and killed it, or under extreme host load); an
 * attack is given SETTLE_TICKS to show an effect on another hart.
 */
/* SBI 3.0 PMU and DBTR (not in pvmmu's firmware, which refuses them) */
#define SBI_EXT_DBTR		0x44425452
#define SBI_DBTR_NUM_TRIGGERS	0
#define SBI_DBTR_SETUP_SHMEM	1
#define SBI_DBTR_TRIGGER_READ	2
#define SBI_PMU_EVENT_GET_INFO	8
#define HELPER_TICKS	200000000UL
#define SETTLE_TICKS	200000UL
#define SECOND_TICKS	10000000UL
/* What a faulting load must leave in its destination register */
#define SENTINEL	0x5a5a5a5a5a5a5a5aUL

/* QEMU virt CLINT layout (per hart: msip, mtimecmp; one mtime) */
#define CLINT_MSIP(h)		(clint_base + 4 * (h))
#define CLINT_MTIMECMP(h)	(clint_base + 0x4000 + 8 * (h))
#define CLINT_MTIME		(clint_base + 0xbff8)

static const void *fdt;

/*
 * OpenSBI with the PVMMU series (SBI implementation ID 1) shares the test
 * finisher with S-mode, for syscon reboot and power-off, and lets one
 * DBCN call write any length. Both are rules of pvmmu's own firmware that
 * no PVMMU promise rests on: on OpenSBI those checks are skipped, by name.
 */
#define SBI_IMPL_ID_OPENSBI	1
static bool on_opensbi;

#define FINISHER_SHARED	"OpenSBI shares the finisher with S-mode"

static bool skip_on_opensbi(const char *what, const char *why)
{
	if (on_opensbi)
		say("SKIP %s: %s\n", what, why);
	return on_opensbi;
}
static ulong ram_end;
static ulong clint_base = 0x2000000, finisher_base = 0x100000;
/* QEMU's fw-cfg: its DMA interface writes any physical address */
static ulong fw_cfg_base = 0x10100000;
static ulong pool_base, pool_size, pool_used;
static ulong h1 = NO_HART, h2 = NO_HART;

static struct sbi_pvmmu_entry pv_buf[PV_MAX_BATCH]
	__attribute__((aligned(64)));
/* The kernel root and a forged twin (same identity map, not the root) */
static ulong kroot[512] __attribute__((aligned(4096)));
static ulong forged[512] __attribute__((aligned(4096)));
static ulong ksatp;
/* Ordinary S-mode RAM that leaves may map */
static char ram_page[4096] __attribute__((aligned(4096)));

/* ---- check names: "<prefix>: <what>", one buffer per hart */

static char names[MAX_HARTS][128];

static const char *nm(const char *prefix, const char *what)
{
	char *p = names[hartid()], *end = p + sizeof(names[0]) - 1;

	while (*prefix && p < end)
		*p++ = *prefix++;
	if (p < end)
		*p++ = ':';
	if (p < end)
		*p++ = ' ';
	while (*what && p < end)
		*p++ = *what++;
	*p = 0;
	return names[hartid()];
}

/* ---- small helpers */

/* A fresh pool page (never handed out twice, whatever a firmware did) */
static ulong pool_page(void)
{
	return pool_base + 4096 * pool_used++;
}

static volatile ulong *pte_of(ulong table, ulong index)
{
	return (volatile ulong *)(table + 8 * index);
}

/*
 * STATS of one hart, 0 if the counter does not exist ([0] checks that
 * they do, so that a delta of "0 - 0" cannot hide a missing one)
 */
static ulong hart_stat(ulong counter, ulong hart)
{
	struct sbiret r = pv_stats(counter, hart);

	return r.error ? 0 : r.value;
}

static ulong my_stat(ulong counter)
{
	return hart_stat(counter, hartid());
}

static struct sbiret set_kernel_root(ulong pa, ulong levels)
{
	return SBI2(SBI_EXT_PVMMU, SBI_PVMMU_SET_KERNEL_ROOT, pa, levels);
}

/* One UPDATE entry at buffer index 0 */
static struct sbiret update1(ulong pte, ulong op, ulong value)
{
	pv_buf[0].target = pte | op;
	pv_buf[0].value = value;
	pv_buf[0].old = 0x77;
	return pv_update(1, 0);
}

/* The 32 instruction bits at @pc (2-byte aligned at least) */
static ulong insn_at(ulong pc)
{
	const volatile u16 *p = (const volatile u16 *)pc;

	return p[0] | ((ulong)p[1] << 16);
}

/* ---- satp instructions with their exception recorded */

enum satp_op { SATP_CSRW, SATP_CSRS, SATP_CSRC, SATP_CSRWI_0 };

/*
 * One satp instruction (CSR instructions have no compressed form), the
 * address of the instruction in @at
 */
#define SATP_INSN(at, insn, ...)					\
	do {								\
		__asm__ __volatile__(".option push\n\t"		\
				     ".option norvc\n\t"		\
				     "lla %0, 1f\n"			\
				     "1:\t" insn "\n\t"			\
				     ".option pop"			\
				     : "=&r"(at) : __VA_ARGS__ : "memory"); \
	} while (0)

/*
 * Run one satp instruction: the fault record (cause NO_FAULT if none)
 * and, in *pc, the address of the instruction.
 */
static struct fault satp_try(enum satp_op op, ulong val, ulong *pc)
{
	ulong at;

	fault_expect();
	switch (op) {
	case SATP_CSRW:
		SATP_INSN(at, "csrw satp, %1", "r"(val));
		break;
	case SATP_CSRS:
		SATP_INSN(at, "csrs satp, %1", "r"(val));
		break;
	case SATP_CSRC:
		SATP_INSN(at, "csrc satp, %1", "r"(val));
		break;
	default:
		SATP_INSN(at, "csrwi satp, 0");
		break;
	}
	*pc = at;
	return fault_end();
}

/* Back to @want if a firmware let an attack change satp */
static void satp_restore(ulong want)
{
	if (csr_read(satp) != want) {
		csr_write(satp, want);
		sfence_vma_all();
	}
}

/*
 * A satp write from the boot hart that the firmware must refuse: an
 * illegal-instruction exception at the instruction, with its bits in
 * stval, satp unchanged and the refusal counted. Only values under
 * which this payload still runs (identity maps, Bare) are tried here.
 */
static void satp_refused(const char *what, enum satp_op op, ulong val)
{
	ulong before = csr_read(satp), refused, accepted, pc, after;
	struct fault f;

	refused = my_stat(SBI_PVMMU_STAT_SATP_REFUSED);
	accepted = my_stat(SBI_PVMMU_STAT_SATP);
	f = satp_try(op, val, &pc);
	after = csr_read(satp);
	satp_restore(before);

	checkx(nm(what, "illegal instruction"), f.cause,
	       CAUSE_ILLEGAL_INSTRUCTION);
	checkx(nm(what, "sepc = the csr instruction"), f.epc, pc);
	checkx(nm(what, "stval = its bits"), f.tval, insn_at(pc));
	checkx(nm(what, "satp unchanged"), after, before);
	check(nm(what, "counted as refused"),
	      my_stat(SBI_PVMMU_STAT_SATP_REFUSED) - refused, 1);
	check(nm(what, "not counted as accepted"),
	      my_stat(SBI_PVMMU_STAT_SATP) - accepted, 0);
}

/* ---- helper harts */

enum { CMD_LOAD = 1, CMD_SATP, CMD_STOP, CMD_STORE };

static struct fault try_store(ulong addr, ulong size, ulong val);

static volatile struct helper {
	ulong online;		/* set by the helper when it starts */
	ulong seq;		/* commands posted by the boot hart */
	ulong done;		/* commands completed */
	ulong cmd;
	ulong arg;
	/* result of CMD_LOAD / CMD_SATP / CMD_STORE */
	ulong cause, tval, epc, pc;
	ulong satp_before, satp_after;
} helpers[MAX_HARTS];

/*
 * A helper: no SBI call and no interrupt while it waits, so that the
 * firmware is entered on it only for what the boot hart asks.
 */
void secondary_main(ulong id, ulong opaque)
{
	volatile struct helper *me = &helpers[id];
	struct fault f;
	ulong pc;

	(void)opaque;
	trap_setup();
	/* online: what this hart did before is visible */
	smp_mb();
	me->online = 1;
	for (;;) {
		while (me->done == me->seq)
			cpu_relax();
		/* cmd and arg were written before seq */
		smp_mb();
		switch (me->cmd) {
		case CMD_LOAD:
		case CMD_SATP:
			me->satp_before = csr_read(satp);
			f = satp_try(SATP_CSRW, me->arg, &pc);
			/* the spec wants a fence before relying on it */
			if (me->cmd == CMD_LOAD)
				sfence_vma_all();
			me->satp_after = csr_read(satp);
			me->cause = f.cause;
			me->tval = f.tval;
			me->epc = f.epc;
			me->pc = pc;
			if (me->cmd == CMD_SATP)
				satp_restore(me->satp_before);
			break;
		case CMD_STORE:
			/* the word it holds: harmless should it get through */
			f = try_store(me->arg, 8,
				      *(volatile ulong *)me->arg);
			me->cause = f.cause;
			me->tval = f.tval;
			break;
		case CMD_STOP:
			me->online = 0;
			/* done last: online is 0 when the boot hart sees it */
			smp_mb();
			me->done = me->seq;
			SBI0(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP);
			break;
		}
		/* the results, then done */
		smp_mb();
		me->done = me->seq;
	}
}

static ulong hsm_status(ulong h)
{
	return SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, h).value;
}

/* Post @cmd to helper @h and wait for it, at most HELPER_TICKS */
static int helper_run(ulong h, ulong cmd, ulong arg, const char *what)
{
	volatile struct helper *hp;
	ulong seq, t0 = csr_read(time);

	if (h == NO_HART) {
		check_true(nm(what, "a helper hart exists"), false, nharts);
		return -1;
	}
	hp = &helpers[h];
	seq = hp->seq + 1;
	hp->cmd = cmd;
	hp->arg = arg;
	/* cmd and arg before seq: the helper reads them after it */
	smp_mb();
	hp->seq = seq;
	while (hp->done != seq) {
		if (hart_parked[h] || csr_read(time) - t0 > HELPER_TICKS) {
			check_true(nm(what, "helper answered in time"), false,
				   h);
			return -1;
		}
		cpu_relax();
	}
	/* done before the results */
	smp_mb();
	return 0;
}

/* HSM-start helper @h (it starts in Bare mode) and wait until it runs */
static int helper_start(ulong h, const char *what)
{
	struct sbiret r;
	ulong t0 = csr_read(time);

	if (h == NO_HART) {
		check_true(nm(what, "a helper hart exists"), false, nharts);
		return -1;
	}
	if (helpers[h].online && hsm_status(h) == SBI_HSM_STATE_STARTED)
		return 0;
	helpers[h].online = 0;
	/* cleared before the hart can start and set it */
	smp_mb();
	/* physical, also when this runs at the kernel-half alias ([11]) */
	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, h,
		 pv_pa((ulong)secondary_entry), 0);
	if (r.error) {
		check(nm(what, "helper started"), r.error, 0);
		return -1;
	}
	while (!helpers[h].online) {
		if (csr_read(time) - t0 > HELPER_TICKS) {
			check_true(nm(what, "helper online in time"), false, h);
			return -1;
		}
		cpu_relax();
	}
	return 0;
}

/* Have helper @h stop itself through HSM; wait until HSM says STOPPED */
static int helper_stop(ulong h, const char *what)
{
	ulong t0 = csr_read(time);

	if (helper_run(h, CMD_STOP, 0, what))
		return -1;
	while (hsm_status(h) != SBI_HSM_STATE_STOPPED) {
		if (csr_read(time) - t0 > HELPER_TICKS) {
			check(nm(what, "helper stopped in time"),
			      (long)hsm_status(h), SBI_HSM_STATE_STOPPED);
			return -1;
		}
		cpu_relax();
	}
	return 0;
}

/* ---- [0] GET_INFO */

static void attack_info(void)
{
	struct sbiret r;

	r = pv_info(SBI_PVMMU_INFO_VERSION);
	checkx("[0] GET_INFO VERSION is 2.2", r.value, 0x20002);
	r = pv_info(SBI_PVMMU_INFO_FEATURES);
	check_true("[0] GET_INFO FEATURES has SATP_LOCKED",
		   !r.error && (r.value & SBI_PVMMU_FEAT_SATP_LOCKED), r.value);
	check_true("[0] GET_INFO FEATURES has KERNEL_TABLES",
		   !r.error && (r.value & SBI_PVMMU_FEAT_KERNEL_TABLES),
		   r.value);
	r = pv_info(SBI_PVMMU_INFO_KERNEL_ROOT);
	checkx("[0] GET_INFO KERNEL_ROOT: none adopted", r.error | r.value, 0);
	r = pv_info(SBI_PVMMU_INFO_MAX_BATCH);
	check("[0] GET_INFO MAX_BATCH", r.value, PV_MAX_BATCH);
	r = pv_stats(SBI_PVMMU_STAT_SATP, -1UL);
	check("[0] STATS SATP exists", r.error, 0);
	r = pv_stats(SBI_PVMMU_STAT_SATP_REFUSED, -1UL);
	check("[0] STATS SATP_REFUSED exists", r.error, 0);
	r = pv_stats(SBI_PVMMU_STAT_SFENCE, -1UL);
	check("[0] STATS SFENCE exists", r.error, 0);
	r = pv_stats(SBI_PVMMU_STAT_TRAPS, -1UL);
	check("[0] STATS TRAPS exists", r.error, 0);
	r = pv_stats(SBI_PVMMU_STAT_COUNT, -1UL);
	check("[0] STATS has 12 counters", r.error, SBI_ERR_INVALID_PARAM);
	/* A hart is named by its id; the firmware may index it otherwise */
	r = pv_stats(SBI_PVMMU_STAT_TRAPS, hartid());
	check("[0] STATS of this hart by id", r.error, 0);
	r = pv_stats(SBI_PVMMU_STAT_TRAPS, 1000);
	check("[0] STATS of hart id 1000 (none)", r.error,
	      SBI_ERR_INVALID_PARAM);
	r = pv_stats(SBI_PVMMU_STAT_TRAPS, (1UL << 32) + hartid());
	check("[0] STATS of a hart id beyond 32 bits", r.error,
	      SBI_ERR_INVALID_PARAM);
}

/* ---- [1] PT_REGISTER before SET_KERNEL_ROOT */

static void attack_register_early(void)
{
	static const struct {
		ulong level, flags;
		const char *what;
	} tries[] = {
		{ 0, 0, "[1] PTE table before SET_KERNEL_ROOT" },
		{ 1, 0, "[1] PMD before SET_KERNEL_ROOT" },
		{ 2, 0, "[1] level-2 table before SET_KERNEL_ROOT" },
		{ 2, SBI_PVMMU_PT_ROOT,
		  "[1] Sv39 root before SET_KERNEL_ROOT" },
		{ 4, SBI_PVMMU_PT_ROOT,
		  "[1] Sv57 root before SET_KERNEL_ROOT" },
	};
	ulong page = pool_page(), typed, registered, i;
	struct sbiret r;

	say("-- [1] registering tables before the kernel root\n");
	typed = pv_stat(SBI_PVMMU_STAT_PAGES_TYPED);
	registered = pv_stat(SBI_PVMMU_STAT_REGISTERED);
	for (i = 0; i < array_size(tries); i++) {
		r = pv_register(page, tries[i].level, tries[i].flags);
		check(nm(tries[i].what, "DENIED"), r.error, SBI_ERR_DENIED);
		check(nm(tries[i].what, "STATS pages typed unchanged"),
		      pv_stat(SBI_PVMMU_STAT_PAGES_TYPED), typed);
		if (!r.error)	/* let the next try start from a free page */
			pv_release(page);
	}
	check("[1] STATS registrations unchanged",
	      pv_stat(SBI_PVMMU_STAT_REGISTERED) - registered, 0);
	check("[1] the page is still zero", *pte_of(page, 0) |
	      *pte_of(page, 511), 0);
}

/* ---- [2] SET_KERNEL_ROOT preconditions */

static void attack_kernel_root(void)
{
	struct sbiret r;

	say("-- [2] SET_KERNEL_ROOT\n");
	/* the kernel is on its root (TVM is off still: a plain write) */
	csr_write(satp, ksatp);
	sfence_vma_all();

	if (!helper_start(h1, "[2] SET_KERNEL_ROOT, another hart started")) {
		r = set_kernel_root((ulong)kroot, 3);
		check("[2] SET_KERNEL_ROOT with another hart started: DENIED",
		      r.error, SBI_ERR_DENIED);
		r = pv_register(pool_page(), 0, 0);
		check("[2] ... then still no kernel root (PT_REGISTER DENIED)",
		      r.error, SBI_ERR_DENIED);
		helper_stop(h1, "[2] stopping the helper");
	}

	csr_write(satp, 0);
	sfence_vma_all();
	r = set_kernel_root((ulong)kroot, 3);
	check("[2] SET_KERNEL_ROOT with satp Bare: DENIED", r.error,
	      SBI_ERR_DENIED);
	csr_write(satp, pv_satp(PV_SATP_SV39, (ulong)forged));
	sfence_vma_all();
	r = set_kernel_root((ulong)kroot, 3);
	check("[2] SET_KERNEL_ROOT with satp on another root: DENIED",
	      r.error, SBI_ERR_DENIED);
	csr_write(satp, ksatp);
	sfence_vma_all();
	r = set_kernel_root((ulong)kroot, 4);
	check("[2] SET_KERNEL_ROOT(Sv48) with satp in Sv39: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = set_kernel_root((ulong)forged, 3);
	check("[2] SET_KERNEL_ROOT of a root not in satp: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = pv_register(pool_page(), 0, 0);
	check("[2] ... after the refusals still no kernel root", r.error,
	      SBI_ERR_DENIED);

	r = set_kernel_root((ulong)kroot, 3);
	check("[2] SET_KERNEL_ROOT, only hart, root in satp: accepted",
	      r.error, 0);
	r = set_kernel_root((ulong)kroot, 3);
	check("[2] SET_KERNEL_ROOT again: ALREADY_AVAILABLE", r.error,
	      SBI_ERR_ALREADY_AVAILABLE);
}

/* ---- [3] and [4] satp writes from the boot hart */

static void attack_satp_boot_hart(void)
{
	ulong kppn = ksatp & ~(0xfUL << 60);

	say("-- [3] satp with a root the firmware does not know\n");
	satp_refused("[3] satp = forged root in RAM", SATP_CSRW,
		     pv_satp(PV_SATP_SV39, (ulong)forged));
	checkx("[3] the forged root was not touched", forged[2], kroot[2]);

	say("-- [4] satp with the kernel root and another MODE\n");
	satp_refused("[4] satp = kernel root as Sv48", SATP_CSRW,
		     PV_SATP_SV48 | kppn);
	satp_refused("[4] satp = kernel root as Sv57", SATP_CSRW,
		     PV_SATP_SV57 | kppn);
	satp_refused("[4] satp = 0 (Bare)", SATP_CSRW, 0);
	satp_refused("[4] csrwi satp, 0 (Bare)", SATP_CSRWI_0, 0);
	satp_refused("[4] csrs satp, MODE bit (Sv39 -> Sv48)", SATP_CSRS,
		     1UL << 60);
	satp_refused("[4] csrc satp, MODE bit (Sv39 -> Bare)", SATP_CSRC,
		     8UL << 60);
}

/* ---- [6] levels of roots and tables */

static void attack_levels(void)
{
	static const struct {
		ulong level, flags;
		const char *what;
	} tries[] = {
		{ 2, 0, "[6] non-root table at the root level" },
		{ 1, SBI_PVMMU_PT_ROOT, "[6] root at level 1" },
		{ 0, SBI_PVMMU_PT_ROOT, "[6] root at level 0" },
		{ 3, SBI_PVMMU_PT_ROOT, "[6] root above the root level" },
		{ 3, 0, "[6] table above the root level" },
	};
	ulong page = pool_page(), typed, i;
	struct sbiret r;

	say("-- [6] roots and tables at the wrong level\n");
	typed = pv_stat(SBI_PVMMU_STAT_PAGES_TYPED);
	for (i = 0; i < array_size(tries); i++) {
		r = pv_register(page, tries[i].level, tries[i].flags);
		check(nm(tries[i].what, "INVALID_PARAM"), r.error,
		      SBI_ERR_INVALID_PARAM);
		check(nm(tries[i].what, "STATS pages typed unchanged"),
		      pv_stat(SBI_PVMMU_STAT_PAGES_TYPED), typed);
		if (!r.error)
			pv_release(page);
	}
	r = pv_register(page, 2, SBI_PVMMU_PT_ROOT);
	check("[6] the page is still free: a root there is accepted", r.error,
	      0);
	r = pv_release(page);
	check("[6] ... and released", r.error, 0);
}

/* ---- [7] the firmware's devices from S-mode */

static struct fault try_load(ulong addr, ulong size, ulong *v)
{
	ulong x = *v;

	fault_expect();
	if (size == 4)
		__asm__ __volatile__("lw %0, 0(%1)"
				     : "+r"(x) : "r"(addr) : "memory");
	else
		__asm__ __volatile__("ld %0, 0(%1)"
				     : "+r"(x) : "r"(addr) : "memory");
	*v = x;
	return fault_end();
}

static struct fault try_store(ulong addr, ulong size, ulong val)
{
	fault_expect();
	if (size == 4)
		__asm__ __volatile__("sw %0, 0(%1)"
				     : : "r"(val), "r"(addr) : "memory");
	else
		__asm__ __volatile__("sd %0, 0(%1)"
				     : : "r"(val), "r"(addr) : "memory");
	return fault_end();
}

static void device_load(const char *what, ulong addr, ulong size)
{
	ulong v = SENTINEL;
	struct fault f = try_load(addr, size, &v);

	checkx(nm(what, "load access fault"), f.cause, CAUSE_LOAD_ACCESS);
	checkx(nm(what, "stval = the address"), f.tval, addr);
	checkx(nm(what, "nothing loaded"), v, SENTINEL);
}

static void device_store(const char *what, ulong addr, ulong size, ulong val)
{
	struct fault f = try_store(addr, size, val);

	checkx(nm(what, "store access fault"), f.cause, CAUSE_STORE_ACCESS);
	checkx(nm(what, "stval = the address"), f.tval, addr);
}

static void check_disabled(const char *what, const char *compatible)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compatible);
	const char *status;

	check_true(nm(what, "node present"), node >= 0, (ulong)(long)node);
	if (node < 0)
		return;
	status = fdt_getprop(fdt, node, "status", NULL);
	check_true(nm(what, "status = \"disabled\""),
		   status && !strcmp(status, "disabled"), 0);
}

/* The S timer fires once when armed, not before its time */
static void timer_fires(const char *what, ulong delta)
{
	ulong h = hartid(), before = timer_count[h], t0 = csr_read(time);

	SBI1(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, t0 + delta);
	csr_set(sie, MIP_STIP);
	while (timer_count[h] == before &&
	       csr_read(time) - t0 < HELPER_TICKS)
		cpu_relax();
	check(nm(what, "timer interrupt"), (long)(timer_count[h] - before), 1);
	check_true(nm(what, "not early"), csr_read(time) - t0 >= delta,
		   csr_read(time) - t0);
}

static void attack_devices(void)
{
	ulong self = hartid(), traps, ipis, t0, t1, before;

	say("-- [7] CLINT and test finisher from S-mode\n");
	check_disabled("[7] FDT CLINT", "riscv,clint0");
	if (!skip_on_opensbi("[7] FDT test finisher and syscon nodes",
			     FINISHER_SHARED)) {
		check_disabled("[7] FDT test finisher", "sifive,test0");
		check_disabled("[7] FDT syscon poweroff", "syscon-poweroff");
		check_disabled("[7] FDT syscon reboot", "syscon-reboot");
	}
	check_disabled("[7] FDT fw-cfg (DMA)", "qemu,fw-cfg-mmio");

	/* another hart's msip: the helper spins without entering M-mode */
	if (!helper_start(h1, "[7] msip of another hart")) {
		delay_ticks(SETTLE_TICKS);
		traps = hart_stat(SBI_PVMMU_STAT_TRAPS, h1);
		ipis = ipi_count[h1];
		device_load("[7] load msip of another hart", CLINT_MSIP(h1),
			    4);
		device_store("[7] store 1 to msip of another hart",
			     CLINT_MSIP(h1), 4, 1);
		device_store("[7] store 0 to mtimecmp of another hart",
			     CLINT_MTIMECMP(h1), 8, 0);
		delay_ticks(SETTLE_TICKS);
		check("[7] the other hart was not interrupted (STATS TRAPS)",
		      hart_stat(SBI_PVMMU_STAT_TRAPS, h1) - traps, 0);
		check("[7] the other hart got no IPI", ipi_count[h1] - ipis, 0);
		/* control: a real IPI shows on both */
		t0 = csr_read(time);
		SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, h1);
		while (ipi_count[h1] == ipis &&
		       csr_read(time) - t0 < HELPER_TICKS)
			cpu_relax();
		check("[7] control: an SBI IPI reaches the other hart",
		      ipi_count[h1] - ipis, 1);
		check_true("[7] control: ... and shows in its STATS TRAPS",
			   hart_stat(SBI_PVMMU_STAT_TRAPS, h1) > traps,
			   hart_stat(SBI_PVMMU_STAT_TRAPS, h1) - traps);
	}

	/* own mtimecmp: an armed S timer must not fire early */
	device_load("[7] load own mtimecmp", CLINT_MTIMECMP(self), 8);
	before = timer_count[self];
	SBI1(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER,
	     csr_read(time) + 10 * SECOND_TICKS);
	csr_set(sie, MIP_STIP);
	device_store("[7] store 0 to own mtimecmp", CLINT_MTIMECMP(self), 8,
		     0);
	delay_ticks(SETTLE_TICKS);
	check("[7] a timer armed for later did not fire",
	      timer_count[self] - before, 0);
	csr_clear(sie, MIP_STIP);
	SBI1(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL);

	/* mtime: 100 s ahead if the store went through (10 s of slack) */
	device_load("[7] load mtime", CLINT_MTIME, 8);
	t0 = csr_read(time);
	device_store("[7] store to mtime", CLINT_MTIME, 8,
		     t0 + 100 * SECOND_TICKS);
	t1 = csr_read(time);
	check_true("[7] time keeps counting normally (not 100 s ahead)",
		   t1 >= t0 && t1 - t0 < 10 * SECOND_TICKS, t1 - t0);
	timer_fires("[7] S timer after the attacks", 20000);

	/* the finisher: a value it ignores (0), should it get through */
	if (!skip_on_opensbi("[7] loads and stores to the test finisher",
			     FINISHER_SHARED)) {
		device_load("[7] load test finisher", finisher_base, 4);
		device_store("[7] store to test finisher", finisher_base, 4,
			     0);
	}
	/* fw-cfg's DMA address register: a store would start a transfer */
	device_load("[7] load fw-cfg", fw_cfg_base, 4);
	device_store("[7] store to fw-cfg DMA address (high word)",
		     fw_cfg_base + 0x10, 4, 0);
}

/* ---- [8] leaf targets */

struct leaf_try {
	const char *what;
	ulong pa;
};

static void attack_leaves(void)
{
	const ulong flags = PV_PTE_R | PV_PTE_W | PV_PTE_A | PV_PTE_D;
	const ulong good = pv_leaf((ulong)ram_page, flags);
	const struct leaf_try bad[] = {
		{ "[8] leaf on the CLINT (msip)", clint_base },
		{ "[8] leaf on the CLINT (mtime)", CLINT_MTIME & ~0xfffUL },
		{ "[8] leaf on the test finisher", finisher_base },
		{ "[8] leaf on fw-cfg (DMA)", fw_cfg_base },
		{ "[8] leaf on the firmware (start)", 0x80000000UL },
		{ "[8] leaf on the firmware (last page)", 0x8007f000UL },
		{ "[8] leaf on the pool (first page)", pool_base },
		{ "[8] leaf on the pool (last page)",
		  pool_base + pool_size - 4096 },
		{ "[8] leaf beyond RAM, not MMIO", ram_end },
		{ "[8] leaf on the boot ROM (not in the FDT)", 0x1000 },
	};
	const struct leaf_try ok[] = {
		{ "[8] leaf on the UART (S-mode MMIO)", 0x10000000UL },
		{ "[8] leaf on virtio-mmio (S-mode MMIO)", 0x10001000UL },
		{ "[8] leaf on ordinary RAM", (ulong)ram_page },
	};
	ulong pt = pool_page(), pmd = pool_page(), i, k = 0, v;
	struct sbiret r;

	say("-- [8] leaves on what S-mode must not map\n");
	r = pv_register(pt, 0, 0);
	check("[8] PTE table registered", r.error, 0);
	r = pv_register(pmd, 1, 0);
	check("[8] PMD registered", r.error, 0);

	for (i = 0; i < array_size(bad); i++, k++) {
		if (bad[i].pa == finisher_base &&
		    skip_on_opensbi(bad[i].what, FINISHER_SHARED))
			continue;
		/* a good leaf first: the refused store must leave it */
		r = update1((ulong)pte_of(pt, k), SBI_PVMMU_OP_STORE, good);
		check(nm(bad[i].what, "entry holds a RAM leaf"), r.error, 0);
		v = pv_leaf(bad[i].pa, flags);
		r = update1((ulong)pte_of(pt, k), SBI_PVMMU_OP_STORE, v);
		check(nm(bad[i].what, "DENIED"), r.error, SBI_ERR_DENIED);
		check(nm(bad[i].what, "none applied"), r.value, 0);
		checkx(nm(bad[i].what, "entry unchanged"), *pte_of(pt, k),
		       good);
		checkx(nm(bad[i].what, "old not written"), pv_buf[0].old,
		       0x77);
		if (!r.error)
			update1((ulong)pte_of(pt, k), SBI_PVMMU_OP_STORE, 0);
	}
	/* a 2 MiB leaf is checked as a whole: one over the CLINT */
	v = pv_leaf(clint_base & ~(PV_MIB2 - 1), flags);
	r = update1((ulong)pte_of(pmd, 0), SBI_PVMMU_OP_STORE, v);
	check("[8] 2 MiB leaf over the CLINT: DENIED", r.error,
	      SBI_ERR_DENIED);
	checkx("[8] 2 MiB leaf over the CLINT: entry unchanged",
	       *pte_of(pmd, 0), 0);
	if (!r.error)
		update1((ulong)pte_of(pmd, 0), SBI_PVMMU_OP_STORE, 0);

	for (i = 0; i < array_size(ok); i++, k++) {
		v = pv_leaf(ok[i].pa, flags);
		r = update1((ulong)pte_of(pt, k), SBI_PVMMU_OP_STORE, v);
		check(nm(ok[i].what, "accepted"), r.error, 0);
		check(nm(ok[i].what, "one applied"), r.value, 1);
		checkx(nm(ok[i].what, "entry written"), *pte_of(pt, k), v);
		checkx(nm(ok[i].what, "old returned"), pv_buf[0].old, 0);
	}

	/* clean up: empty tables release */
	for (i = 0; i < k; i++)
		if (*pte_of(pt, i))
			update1((ulong)pte_of(pt, i), SBI_PVMMU_OP_STORE, 0);
	check("[8] PTE table released", pv_release(pt).error, 0);
	check("[8] PMD released", pv_release(pmd).error, 0);
}

/* ---- [9] SFENCE.VMA and satp reads under TVM */

static void attack_sfence(void)
{
	ulong fences, traps, accepted, asid_satp, pc, va = (ulong)ram_page;
	struct fault f;

	say("-- [9] SFENCE.VMA and satp under TVM\n");
	fences = my_stat(SBI_PVMMU_STAT_SFENCE);
	traps = my_stat(SBI_PVMMU_STAT_TRAPS);
	fault_expect();
	sfence_vma_all();
	sfence_vma_addr(va);
	sfence_vma_asid(0);
	sfence_vma_addr_asid(va, 0);
	f = fault_end();
	checkx("[9] four sfence.vma forms run (no exception to S-mode)",
	       f.cause, NO_FAULT);
	check("[9] ... each emulated (STATS SFENCE)",
	      my_stat(SBI_PVMMU_STAT_SFENCE) - fences, 4);
	check_true("[9] ... each a trap from S-mode (STATS TRAPS)",
		   my_stat(SBI_PVMMU_STAT_TRAPS) - traps >= 4,
		   my_stat(SBI_PVMMU_STAT_TRAPS) - traps);

	accepted = my_stat(SBI_PVMMU_STAT_SATP);
	checkx("[9] csrr satp returns the kernel root", csr_read(satp), ksatp);
	check("[9] satp reads are not counted as writes",
	      my_stat(SBI_PVMMU_STAT_SATP) - accepted, 0);

	asid_satp = ksatp | (5UL << PV_SATP_ASID_SHIFT);
	f = satp_try(SATP_CSRW, asid_satp, &pc);
	checkx("[9] satp = kernel root with ASID 5: accepted", f.cause,
	       NO_FAULT);
	checkx("[9] ... ASID passes through", csr_read(satp), asid_satp);
	check("[9] ... counted (STATS SATP)",
	      my_stat(SBI_PVMMU_STAT_SATP) - accepted, 1);
	f = satp_try(SATP_CSRW, ksatp, &pc);
	checkx("[9] satp back to ASID 0: accepted", f.cause, NO_FAULT);
	sfence_vma_all();
	checkx("[9] ... read back", csr_read(satp), ksatp);
}

/* ---- [10] DBCN per-call limit */

static char dbcn_long[1000];
static struct { ulong w[2]; } __attribute__((aligned(16))) pmu_info;

/*
 * Buffers the firmware writes that run into the pool: a range that wraps
 * around the address space (DBCN), a size that wraps (PMU EVENT_GET_INFO
 * of 2^60 + 1 events on one 16-byte entry: the firmware would write
 * through all memory) and a buffer checked at its first byte only (DBTR,
 * one entry per trigger: QEMU 7.2 shows DBTR no trigger, so there it can
 * write nothing). Each must be refused or harmless, whichever of these
 * extensions the firmware has (pvmmu's has neither PMU nor DBTR).
 */
static void attack_shared_memory(void)
{
	ulong before[8], triggers, i, changed = 0;
	struct sbiret r;

	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, -pool_base + 16,
		 pool_base, 0);
	check_true("[10] DBCN read of a range wrapping into the pool: refused",
		   r.error != 0, r.value);
	r = sbi_call(SBI_EXT_PMU, SBI_PMU_EVENT_GET_INFO, (ulong)&pmu_info, 0,
		     (1UL << 60) + 1, 0, 0);
	check_true("[10] PMU event info of 2^60 + 1 events: refused",
		   r.error != 0, r.value);

	/* DBTR: refused, or nothing written into the pool by its reads */
	for (i = 0; i < array_size(before); i++)
		before[i] = ((volatile ulong *)pool_base)[i];
	r = SBI1(SBI_EXT_DBTR, SBI_DBTR_NUM_TRIGGERS, 0);
	triggers = r.error ? 0 : r.value;
	r = SBI2(SBI_EXT_DBTR, SBI_DBTR_SETUP_SHMEM, pool_base - 16, 0);
	if (!r.error) {
		/* one entry fewer than there are triggers: DBTR's bound */
		if (triggers > 1)
			SBI2(SBI_EXT_DBTR, SBI_DBTR_TRIGGER_READ, 0,
			     triggers - 1);
		SBI2(SBI_EXT_DBTR, SBI_DBTR_SETUP_SHMEM, -1UL, -1UL);
	}
	for (i = 0; i < array_size(before); i++)
		changed |= before[i] != ((volatile ulong *)pool_base)[i];
	check("[10] DBTR shared memory running into the pool: pool unchanged",
	      changed, 0);
}

static void attack_dbcn(void)
{
	struct sbiret r;
	ulong i;

	say("-- [10] DBCN write of 1000 bytes\n");
	for (i = 0; i < sizeof(dbcn_long); i++)
		dbcn_long[i] = i % 64 == 63 ? '\n' : '.';
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, sizeof(dbcn_long),
		 (ulong)dbcn_long, 0);
	if (r.error || r.value % 64)
		say("\n");
	check("[10] DBCN write of 1000 bytes: no error", r.error, 0);
	if (!skip_on_opensbi("[10] DBCN write of 1000 bytes: at most 256 "
			     "written", "OpenSBI writes any length at once"))
		check_true("[10] DBCN write of 1000 bytes: at most 256 written",
			   r.value > 0 && r.value <= 256, r.value);
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, sizeof(dbcn_long),
		 (ulong)dbcn_long, 0);
	check("[10] DBCN read of 1000 bytes: no error", r.error, 0);
	check_true("[10] DBCN read of 1000 bytes: at most 256 read",
		   r.value >= 0 && r.value <= 256, r.value);

	/*
	 * A remote fence of the last page of the address space: a page loop
	 * that wraps would run 2^52 times in M-mode (the payload would hang
	 * here, and QEMU's timeout end it).
	 */
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
		     1UL << hartid(), 0, -4096UL, 4095, 0);
	check("[10] remote fence of the last page returns", r.error, 0);
	attack_shared_memory();
}

/* ---- [5] loaded roots */

/*
 * A registered Sv39 root that maps this payload: entry 2 (1 GiB at
 * 0x80000000) -> a PMD whose 2 MiB leaf identity-maps the payload's
 * 2 MiB. Returns the root; *pmd the PMD.
 */
static ulong payload_root(const char *what, ulong *pmd)
{
	ulong root = pool_page(), base = (ulong)_start & ~(PV_MIB2 - 1);
	struct sbiret r;

	*pmd = pool_page();
	r = pv_register(root, 2, SBI_PVMMU_PT_ROOT);
	check(nm(what, "root registered"), r.error, 0);
	r = pv_register(*pmd, 1, 0);
	check(nm(what, "PMD registered"), r.error, 0);
	pv_buf[0].target = (ulong)pte_of(root, base / PV_GIB) |
			   SBI_PVMMU_OP_STORE;
	pv_buf[0].value = pv_table(*pmd);
	pv_buf[1].target = (ulong)pte_of(*pmd, (base / PV_MIB2) % 512) |
			   SBI_PVMMU_OP_STORE;
	pv_buf[1].value = pv_leaf(base, PV_PTE_RWX | PV_PTE_A | PV_PTE_D);
	r = pv_update(2, 0);
	check(nm(what, "user 2 MiB leaf mapped"), r.error, 0);
	return root;
}

static void helper_loaded(const char *what, ulong h, ulong satp)
{
	ulong loads = hart_stat(SBI_PVMMU_STAT_SATP, h);

	if (helper_run(h, CMD_LOAD, satp, what))
		return;
	checkx(nm(what, "accepted (no exception)"), helpers[h].cause,
	       NO_FAULT);
	checkx(nm(what, "satp read back"), helpers[h].satp_after, satp);
	check(nm(what, "counted (STATS SATP)"),
	      hart_stat(SBI_PVMMU_STAT_SATP, h) - loads, 1);
}

static void attack_loaded_roots(void)
{
	ulong r1, p1, r2, p2, typed, link;
	struct sbiret r;

	say("-- [5] releasing roots other harts have loaded\n");
	check_true("[5] the payload fits in one 2 MiB leaf",
		   !((ulong)_start & (PV_MIB2 - 1)) &&
		   (ulong)__bss_end - (ulong)_start <= PV_MIB2,
		   (ulong)__bss_end);

	/* helper 1 switches to a registered root and back */
	r1 = payload_root("[5] root A", &p1);
	link = *pte_of(r1, (ulong)_start / PV_GIB);
	if (!helper_start(h1, "[5] root A on another hart")) {
		helper_loaded("[5] root A loaded by another hart", h1,
			      pv_satp(PV_SATP_SV39, r1));
		typed = pv_stat(SBI_PVMMU_STAT_PAGES_TYPED);
		r = pv_release(r1);
		check("[5] PT_RELEASE of root A while loaded: DENIED", r.error,
		      SBI_ERR_DENIED);
		check("[5] ... pages typed unchanged",
		      pv_stat(SBI_PVMMU_STAT_PAGES_TYPED), typed);
		checkx("[5] ... root A intact",
		       *pte_of(r1, (ulong)_start / PV_GIB), link);
		r = pv_release(p1);
		check("[5] ... its PMD still linked: DENIED", r.error,
		      SBI_ERR_DENIED);
		helper_loaded("[5] the other hart back on the kernel root",
			      h1, ksatp);
	}
	r = pv_release(r1);
	check("[5] PT_RELEASE of root A once unloaded: OK", r.error, 0);
	r = pv_release(p1);
	check("[5] ... and of its PMD", r.error, 0);

	/* helper 2 stops (HSM) while it holds a root */
	r2 = payload_root("[5] root B", &p2);
	if (!helper_start(h2, "[5] root B on a hart that stops")) {
		helper_loaded("[5] root B loaded by a hart that will stop",
			      h2, pv_satp(PV_SATP_SV39, r2));
		r = pv_release(r2);
		check("[5] PT_RELEASE of root B while loaded: DENIED", r.error,
		      SBI_ERR_DENIED);
		helper_stop(h2, "[5] the hart holding root B stops");
	}
	r = pv_release(r2);
	check("[5] PT_RELEASE of root B after its hart stopped: OK", r.error,
	      0);
	r = pv_release(p2);
	check("[5] ... and of its PMD", r.error, 0);
}

/* ---- [3] on a helper: pool pages that are not roots */

static void helper_refused(const char *what, ulong h, ulong satp)
{
	ulong refused = hart_stat(SBI_PVMMU_STAT_SATP_REFUSED, h);
	volatile struct helper *hp = &helpers[h];

	if (helper_run(h, CMD_SATP, satp, what))
		return;
	checkx(nm(what, "illegal instruction"), hp->cause,
	       CAUSE_ILLEGAL_INSTRUCTION);
	checkx(nm(what, "sepc = the csr instruction"), hp->epc, hp->pc);
	checkx(nm(what, "stval = its bits"), hp->tval, insn_at(hp->pc));
	checkx(nm(what, "satp unchanged"), hp->satp_after, hp->satp_before);
	check(nm(what, "counted as refused"),
	      hart_stat(SBI_PVMMU_STAT_SATP_REFUSED, h) - refused, 1);
}

static void attack_satp_pool_pages(void)
{
	ulong pmd = pool_page(), free_page = pool_page();
	struct sbiret r;

	say("-- [3] satp with pool pages that are not roots (helper)\n");
	r = pv_register(pmd, 1, 0);
	check("[3] a PMD registered", r.error, 0);
	if (!helper_start(h1, "[3] pool pages in satp")) {
		helper_refused("[3] satp = a registered PMD", h1,
			       pv_satp(PV_SATP_SV39, pmd));
		helper_refused("[3] satp = a free pool page", h1,
			       pv_satp(PV_SATP_SV39, free_page));
	}
	r = pv_release(pmd);
	check("[3] the PMD released (no load was counted)", r.error, 0);
}

/*
 * A jump-label site in this payload's text, as Linux compiles one: a
 * 4-byte "nop" that TEXT_POKE may turn into "jal x0, poke_target".
 * poke_site_fn() returns 1 while the site holds the nop, 2 once it jumps.
 */
long poke_site_fn(void);
extern char poke_site[], poke_site_next[], poke_target[];
__asm__(".pushsection .text\n"
	".balign 4\n"
	".option push\n"
	".option norvc\n"
	".globl poke_site_fn\n"
	"poke_site_fn:\n"
	"poke_site: nop\n"
	"poke_site_next: li a0, 1\n"
	"ret\n"
	"poke_target: li a0, 2\n"
	"ret\n"
	".option pop\n"
	".popsection");

static struct sbiret text_poke(ulong pa, ulong insn)
{
	return SBI2(SBI_EXT_PVMMU, SBI_PVMMU_TEXT_POKE, pa, insn);
}

static struct sbi_pvmmu_text_site text_sites_given[1];

static struct sbiret text_sites(ulong text, ulong site, ulong target)
{
	text_sites_given[0].site = site - text;
	text_sites_given[0].target = target - text;
	return SBI2(SBI_EXT_PVMMU, SBI_PVMMU_TEXT_SITES,
		    pv_pa((ulong)text_sites_given), 1);
}

/* ---- [11] a kernel root in the pool: KERNEL_ADOPT and KERNEL_LOCK */

/*
 * The kernel root [11] builds in the pool: k_root (PT_KERNEL), one PMD
 * per GiB its kernel half maps (k_pmds, linked from entry 256 + GiB), the
 * payload's PTE table k_pte (text R+X, the rest of its 2 MiB R+W) and
 * 2 MiB read-only leaves over the pool. Everything at PV_KOFF + pa: the
 * user half stays empty, as KERNEL_ADOPT wants.
 */
static ulong k_root, k_pte, k_pmds[4], k_gibs[4], k_npmds;
/* The boot hart's stack from [11] on, at its alias */
static ulong adopt_stack[2048] __attribute__((aligned(16)));

/* A word of a pool page, read through the kernel root's view of the pool */
static ulong kread(ulong table, ulong index)
{
	return *(volatile ulong *)(PV_KOFF + table + 8 * index);
}

static struct sbiret kernel_adopt(ulong pa)
{
	return SBI1(SBI_EXT_PVMMU, SBI_PVMMU_KERNEL_ADOPT, pa);
}

static struct sbiret kernel_lock(ulong kind, ulong pa, ulong size)
{
	return SBI3(SBI_EXT_PVMMU, SBI_PVMMU_KERNEL_LOCK, kind, pa, size);
}

/* The PMD of kernel-half entry 256 + @gib, registered and linked once */
static ulong k_pmd(ulong gib)
{
	ulong i, pmd;
	struct sbiret r;

	for (i = 0; i < k_npmds; i++)
		if (k_gibs[i] == gib)
			return k_pmds[i];
	if (k_npmds == array_size(k_pmds))
		return 0;
	pmd = pool_page();
	r = pv_register(pmd, 1, 0);
	check("[11] a kernel PMD registered", r.error, 0);
	r = update1((ulong)pte_of(k_root, 256 + gib), SBI_PVMMU_OP_STORE,
		    pv_table(pmd));
	check("[11] ... linked from the kernel half", r.error, 0);
	k_gibs[k_npmds] = gib;
	k_pmds[k_npmds++] = pmd;
	return pmd;
}

/* Build the kernel root (physical = virtual still); 0 if it is complete */
static int build_kernel_root(void)
{
	const ulong a = PV_PTE_A | PV_PTE_G;
	ulong base = (ulong)_start, text_end = (ulong)__text_end, pa, i, n;
	ulong pmd, pool_pmd;
	struct sbiret r;

	k_root = pool_page();
	r = pv_register(k_root, 2, SBI_PVMMU_PT_ROOT | SBI_PVMMU_PT_KERNEL);
	check("[11] PT_REGISTER(ROOT | KERNEL)", r.error, 0);
	checkx("[11] ... the S-mode kernel root's half not copied",
	       *pte_of(k_root, 256) | *pte_of(k_root, 256 + base / PV_GIB), 0);
	k_pte = pool_page();
	r = pv_register(k_pte, 0, 0);
	check("[11] the payload's PTE table registered", r.error, 0);
	pmd = k_pmd(base / PV_GIB);
	pool_pmd = k_pmd(pool_base / PV_GIB);
	if (!pmd || !pool_pmd || r.error)
		return -1;
	/* W^X: text R+X, rodata, data and bss R+W */
	for (i = 0; i < 512; i++) {
		pa = base + i * 4096;
		pv_buf[i].target = (ulong)pte_of(k_pte, i) | SBI_PVMMU_OP_STORE;
		pv_buf[i].value = pv_leaf(pa, a | (pa < text_end ?
			PV_PTE_R | PV_PTE_X : PV_PTE_R | PV_PTE_W | PV_PTE_D));
	}
	r = pv_update(512, 0);
	check("[11] the payload mapped, text R+X, the rest R+W", r.value, 512);
	r = update1((ulong)pte_of(pmd, (base / PV_MIB2) % 512),
		    SBI_PVMMU_OP_STORE, pv_table(k_pte));
	check("[11] ... its PTE table linked", r.error, 0);
	/* the kernel's read-only view of its page tables */
	for (pa = pool_base, n = 0; pa < pool_base + pool_size;
	     pa += PV_MIB2, n++) {
		pv_buf[n].target = (ulong)pte_of(pool_pmd, (pa / PV_MIB2) %
						 512) | SBI_PVMMU_OP_STORE;
		pv_buf[n].value = pv_leaf(pa, a | PV_PTE_R);
	}
	r = pv_update(n, 0);
	check("[11] a read-only view of the pool (kernel rules)", r.error, 0);
	return r.error || k_npmds > 2 ? -1 : 0;
}

static void __attribute__((noreturn)) attack_adopt_high(void);

/* Helper @h (in Bare mode) rewrites the word at @pa with its own value */
static void helper_store(const char *what, ulong h, ulong pa, ulong cause)
{
	if (helper_run(h, CMD_STORE, pa, what))
		return;
	checkx(nm(what, cause == NO_FAULT ? "no fault" :
			"store access fault"), helpers[h].cause, cause);
	if (cause != NO_FAULT)
		checkx(nm(what, "stval = the address"), helpers[h].tval, pa);
}

/* Go on at @fn's alias, on @stack's: nothing returns to the low addresses */
static void __attribute__((noreturn)) run_high(void (*fn)(void), ulong stack)
{
	__asm__ __volatile__("mv sp, %0\n\t"
			     "li s0, 0\n\t"
			     "jr %1"
			     : : "r"(PV_KOFF + stack), "r"(PV_KOFF + (ulong)fn)
			     : "memory");
	__builtin_unreachable();
}

static void __attribute__((noreturn)) attack_adopt(void)
{
	ulong i, kidx = 256 + (ulong)_start / PV_GIB;
	struct fault f;

	say("-- [11] a kernel root in the pool: PT_KERNEL, KERNEL_ADOPT, "
	    "KERNEL_LOCK\n");
	check("[11] GET_INFO FEATURES has KERNEL_TABLES",
	      pv_info(SBI_PVMMU_INFO_FEATURES).value &
	      SBI_PVMMU_FEAT_KERNEL_TABLES, SBI_PVMMU_FEAT_KERNEL_TABLES);
	/* adoption wants no other root: the earlier attacks released theirs */
	check("[11] no table typed before", pv_stat(SBI_PVMMU_STAT_PAGES_TYPED),
	      0);
	/* the S-mode kernel root maps the alias too, with 1 GiB leaves */
	for (i = 0; i < 256; i++)
		if (kroot[i])
			kroot[256 + i] = kroot[i];
	sfence_vma_all();
	if (build_kernel_root())
		payload_finish("sbi-attack");

	/* the pool is PMP-protected: an identity store to the kernel root */
	f = try_store((ulong)pte_of(k_root, kidx), 8, 0);
	checkx("[11] store to the kernel root (identity map): access fault",
	       f.cause, CAUSE_STORE_ACCESS);
	checkx("[11] ... entry unchanged", *pte_of(k_root, kidx),
	       pv_table(k_pmds[0]));

	run_high(attack_adopt_high,
		 (ulong)adopt_stack + sizeof(adopt_stack));
}

/* [11] at the alias: adoption, the frozen root, roots linked, locks */
static void __attribute__((noreturn)) attack_adopt_high(void)
{
	ulong ks = pv_satp(PV_SATP_SV39, k_root), ram = pv_pa((ulong)ram_page);
	ulong text = pv_pa((ulong)_start), spare = text + PV_MIB2, links, pc;
	ulong uroot, t, i, same, site, jump, kidx = 256 + text / PV_GIB;
	struct sbiret r;
	struct fault f;

	trap_setup();	/* stvec at the alias */
	check_true("[11] running at the kernel-half alias",
		   (ulong)attack_adopt_high >= PV_KOFF,
		   (ulong)attack_adopt_high);

	/* the glue wants every other hart stopped: one runs */
	if (h1 != NO_HART && helpers[h1].online &&
	    hsm_status(h1) == SBI_HSM_STATE_STARTED) {
		r = kernel_adopt(k_root);
		check("[11] KERNEL_ADOPT with another hart started: DENIED",
		      r.error, SBI_ERR_DENIED);
		checkx("[11] ... satp still the S-mode kernel root",
		       csr_read(satp), ksatp);
		check("[11] ... GET_INFO(KERNEL_ROOT) still 0",
		      pv_info(SBI_PVMMU_INFO_KERNEL_ROOT).value, 0);
		helper_stop(h1, "[11] stopping the helper");
	} else {
		check_true("[11] a helper is running for the DENIED case",
			   false, h1);
	}
	r = kernel_adopt(k_pte);
	check("[11] KERNEL_ADOPT of a PTE table: INVALID_PARAM", r.error,
	      SBI_ERR_INVALID_PARAM);
	r = kernel_adopt(k_root + 8);
	check("[11] KERNEL_ADOPT unaligned: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);

	r = kernel_adopt(k_root);
	check("[11] KERNEL_ADOPT, the only hart: accepted", r.error, 0);
	checkx("[11] ... the caller runs on it (satp)", csr_read(satp), ks);
	checkx("[11] ... GET_INFO(KERNEL_ROOT)",
	       pv_info(SBI_PVMMU_INFO_KERNEL_ROOT).value, k_root);
	r = kernel_adopt(k_root);
	check("[11] KERNEL_ADOPT again: ALREADY_AVAILABLE", r.error,
	      SBI_ERR_ALREADY_AVAILABLE);
	r = pv_register(pool_page(), 2,
			SBI_PVMMU_PT_ROOT | SBI_PVMMU_PT_KERNEL);
	check("[11] another PT_KERNEL root: DENIED", r.error, SBI_ERR_DENIED);

	/* satp: the old kernel root is gone, the adopted one loads */
	satp_refused("[11] satp = the old S-mode kernel root", SATP_CSRW,
		     ksatp);
	f = satp_try(SATP_CSRW, ks | (3UL << PV_SATP_ASID_SHIFT), &pc);
	checkx("[11] satp = the adopted root, ASID 3: accepted", f.cause,
	       NO_FAULT);
	f = satp_try(SATP_CSRW, ks, &pc);
	checkx("[11] ... and ASID 0", f.cause, NO_FAULT);

	/* a root registered now: the kernel half as links */
	links = pv_stat(SBI_PVMMU_STAT_LINKS);
	uroot = pool_page();
	r = pv_register(uroot, 2, SBI_PVMMU_PT_ROOT);
	check("[11] a user root registered after adoption", r.error, 0);
	check("[11] ... STATS LINKS grew by the kernel tables",
	      pv_stat(SBI_PVMMU_STAT_LINKS) - links, k_npmds);
	for (i = 256, same = 1; i < 512; i++)
		same &= kread(uroot, i) == kread(k_root, i);
	check_true("[11] ... its kernel half is the kernel root's", same, 0);
	checkx("[11] ... its user half empty", kread(uroot, 2), 0);
	r = update1((ulong)pte_of(uroot, 256), SBI_PVMMU_OP_STORE, 0);
	check("[11] ... its kernel half: UPDATE DENIED", r.error,
	      SBI_ERR_DENIED);
	r = pv_release(k_pmds[0]);
	check("[11] ... a kernel PMD it links: PT_RELEASE DENIED", r.error,
	      SBI_ERR_DENIED);
	f = satp_try(SATP_CSRW, pv_satp(PV_SATP_SV39, uroot), &pc);
	checkx("[11] ... satp = it: accepted, this hart runs on", f.cause,
	       NO_FAULT);
	/*
	 * From there (its kernel half holds the kernel tables, not the root),
	 * so that a firmware that lets these through does not pull the page
	 * table from under this hart
	 */
	r = pv_release(k_root);
	check("[11] PT_RELEASE of the kernel root: DENIED", r.error,
	      SBI_ERR_DENIED);
	if (!r.error)
		payload_finish("sbi-attack");
	r = pv_release(k_pte);
	check("[11] PT_RELEASE of a kernel table: DENIED", r.error,
	      SBI_ERR_DENIED);
	if (!r.error)
		payload_finish("sbi-attack");
	f = satp_try(SATP_CSRW, ks, &pc);
	checkx("[11] ... back on the kernel root", f.cause, NO_FAULT);
	r = pv_release(uroot);
	check("[11] ... released", r.error, 0);
	check("[11] ... STATS LINKS back", pv_stat(SBI_PVMMU_STAT_LINKS),
	      links);

	/* the kernel root is frozen and out of S-mode's reach */
	f = try_store(PV_KOFF + k_root + kidx * 8, 8, 0);
	checkx("[11] store to the adopted kernel root: page fault (its view "
	       "is read-only)", f.cause, CAUSE_STORE_PAGE_FAULT);
	r = update1((ulong)pte_of(k_root, kidx), SBI_PVMMU_OP_STORE, 0);
	check("[11] UPDATE of the kernel root's kernel half: DENIED", r.error,
	      SBI_ERR_DENIED);
	/* a link into its user half would be a fine value anywhere else */
	t = pool_page();
	r = pv_register(t, 1, 0);
	check("[11] a PMD registered", r.error, 0);
	r = update1((ulong)pte_of(k_root, 2), SBI_PVMMU_OP_STORE,
		    pv_table(t));
	check("[11] UPDATE of the kernel root's user half: DENIED", r.error,
	      SBI_ERR_DENIED);
	checkx("[11] ... its PMD still linked", kread(k_root, kidx),
	       pv_table(k_pmds[0]));
	checkx("[11] ... its user half still empty", kread(k_root, 2), 0);
	r = pv_release(t);
	check("[11] ... the PMD released (never linked)", r.error, 0);

	/* the kernel rules */
	t = pool_page();
	r = pv_register(t, 0, 0);
	check("[11] a PTE table registered", r.error, 0);
	r = update1((ulong)pte_of(t, 0), SBI_PVMMU_OP_STORE,
		    pv_leaf(ram, PV_PTE_RWX | PV_PTE_A | PV_PTE_D));
	check("[11] a kernel leaf W+X: DENIED", r.error, SBI_ERR_DENIED);
	r = update1((ulong)pte_of(t, 0), SBI_PVMMU_OP_STORE,
		    pv_leaf(ram, PV_PTE_RWX | PV_PTE_U | PV_PTE_A | PV_PTE_D));
	check("[11] a user leaf W+X: accepted", r.error, 0);
	r = update1((ulong)pte_of(t, 1), SBI_PVMMU_OP_STORE,
		    pv_leaf(pool_base, PV_PTE_R | PV_PTE_W | PV_PTE_U));
	check("[11] a writable user leaf over the pool: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = update1((ulong)pte_of(t, 1), SBI_PVMMU_OP_STORE,
		    pv_leaf(k_root, PV_PTE_R | PV_PTE_W));
	check("[11] a writable kernel leaf over the kernel root: DENIED",
	      r.error, SBI_ERR_DENIED);
	r = update1((ulong)pte_of(t, 1), SBI_PVMMU_OP_STORE,
		    pv_leaf(k_root, PV_PTE_R | PV_PTE_U));
	check("[11] a read-only user leaf over the kernel root: DENIED",
	      r.error, SBI_ERR_DENIED);
	r = update1((ulong)pte_of(t, 1), SBI_PVMMU_OP_STORE,
		    pv_leaf(k_root, PV_PTE_R | PV_PTE_X));
	check("[11] an executable leaf over the kernel root: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = update1((ulong)pte_of(t, 1), SBI_PVMMU_OP_STORE,
		    pv_leaf(k_root, PV_PTE_R));
	check("[11] a read-only kernel leaf over the kernel root: accepted",
	      r.error, 0);
	r = update1((ulong)pte_of(t, 2), SBI_PVMMU_OP_STORE,
		    pv_leaf(0x80000000UL, PV_PTE_R));
	check("[11] a read-only leaf over the firmware: DENIED", r.error,
	      SBI_ERR_DENIED);
	update1((ulong)pte_of(t, 0), SBI_PVMMU_OP_STORE, 0);

	/* KERNEL_LOCK: the kernel tree maps the data R+W, the text R+X */
	r = kernel_lock(SBI_PVMMU_LOCK_RODATA, ram, 4096);
	check("[11] KERNEL_LOCK over a writable leaf: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = kernel_lock(SBI_PVMMU_LOCK_TEXT, text, 4096 + 8);
	check("[11] KERNEL_LOCK of a partial page: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);
	r = kernel_lock(SBI_PVMMU_LOCK_TEXT, pool_base, 4096);
	check("[11] KERNEL_LOCK of the pool: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);
	r = kernel_lock(SBI_PVMMU_LOCK_KINDS, text, 4096);
	check("[11] KERNEL_LOCK of an unknown kind: INVALID_PARAM", r.error,
	      SBI_ERR_INVALID_PARAM);
	/* the jump-label sites, given before the lock, checked by it */
	site = pv_pa((ulong)poke_site);
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_TEXT_SITES, 0x80000000UL, 1);
	check("[11] TEXT_SITES from the firmware: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);
	r = text_sites(text, pv_pa((ulong)poke_site_next),
		       pv_pa((ulong)poke_target));
	check("[11] TEXT_SITES of a word that is no site: accepted", r.error, 0);
	r = kernel_lock(SBI_PVMMU_LOCK_TEXT, text,
			pv_pa((ulong)__text_end) - text);
	check("[11] ... KERNEL_LOCK of the text over it: INVALID_PARAM",
	      r.error, SBI_ERR_INVALID_PARAM);
	r = text_sites(text, site, pv_pa((ulong)poke_target));
	check("[11] TEXT_SITES of the site: accepted", r.error, 0);
	r = text_sites(text, site, pv_pa((ulong)poke_target));
	check("[11] TEXT_SITES again: ALREADY_AVAILABLE", r.error,
	      SBI_ERR_ALREADY_AVAILABLE);
	r = kernel_lock(SBI_PVMMU_LOCK_TEXT, text,
			pv_pa((ulong)__text_end) - text);
	check("[11] KERNEL_LOCK of the text: accepted", r.error, 0);
	r = text_sites(text, pv_pa((ulong)poke_site_next),
		       pv_pa((ulong)poke_target));
	check("[11] TEXT_SITES after the lock: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = kernel_lock(SBI_PVMMU_LOCK_TEXT, spare, 4096);
	check("[11] KERNEL_LOCK of the text again: ALREADY_AVAILABLE",
	      r.error, SBI_ERR_ALREADY_AVAILABLE);
	r = kernel_lock(SBI_PVMMU_LOCK_RODATA, spare, 4096);
	check("[11] ... the refused lock locked nothing: another accepted",
	      r.error, 0);
	r = update1((ulong)pte_of(t, 0), SBI_PVMMU_OP_STORE,
		    pv_leaf(text, PV_PTE_R | PV_PTE_W | PV_PTE_A | PV_PTE_D));
	check("[11] a writable leaf over the locked text: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = update1((ulong)pte_of(t, 0), SBI_PVMMU_OP_STORE,
		    pv_leaf(text, PV_PTE_R | PV_PTE_W | PV_PTE_U));
	check("[11] ... a user one: DENIED", r.error, SBI_ERR_DENIED);
	r = update1((ulong)pte_of(t, 2), SBI_PVMMU_OP_STORE,
		    pv_leaf(spare, PV_PTE_R | PV_PTE_W));
	check("[11] a writable leaf over the other locked range: DENIED",
	      r.error, SBI_ERR_DENIED);
	/* the firmware writes "old" values into a buffer: none there */
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0);
	check("[11] SET_SHMEM off", r.error, 0);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, spare - 0x1000, 0, 0);
	check("[11] SET_SHMEM over a locked range: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);
	SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, pv_pa((ulong)pv_buf), 0,
		 0);
	check("[11] ... the payload's buffer again", r.error, 0);
	r = update1((ulong)pte_of(t, 0), SBI_PVMMU_OP_STORE,
		    pv_leaf(text, PV_PTE_R | PV_PTE_X | PV_PTE_A));
	check("[11] a read-only executable leaf over it: accepted", r.error, 0);
	checkx("[11] ... entry written", kread(t, 0),
	       pv_leaf(text, PV_PTE_R | PV_PTE_X | PV_PTE_A));
	update1((ulong)pte_of(t, 0), SBI_PVMMU_OP_STORE, 0);
	update1((ulong)pte_of(t, 1), SBI_PVMMU_OP_STORE, 0);
	r = pv_release(t);
	check("[11] the PTE table released", r.error, 0);

	/* TEXT_POKE: the site of the locked text, switched and run */
	jump = sbi_pvmmu_insn_jal_x0(poke_target - poke_site);
	check("[11] the jump-label site runs its nop", poke_site_fn(), 1);
	r = text_poke(site, jump);
	check("[11] TEXT_POKE of a jump into the text: accepted", r.error, 0);
	check("[11] ... the site jumps", poke_site_fn(), 2);
	r = text_poke(site, SBI_PVMMU_INSN_NOP);
	check("[11] TEXT_POKE of the nop back: accepted", r.error, 0);
	check("[11] ... the site falls through", poke_site_fn(), 1);
	r = text_poke(pv_pa((ulong)poke_site_next), SBI_PVMMU_INSN_NOP);
	check("[11] TEXT_POKE of a word that is no site: DENIED", r.error,
	      SBI_ERR_DENIED);
	r = text_poke(site, sbi_pvmmu_insn_jal_x0(text - 4 - site));
	check("[11] TEXT_POKE of a jump out of the text: INVALID_PARAM",
	      r.error, SBI_ERR_INVALID_PARAM);
	r = text_poke(site, sbi_pvmmu_insn_jal_x0(poke_site_next - poke_site));
	check("[11] TEXT_POKE of a jump elsewhere in the text: INVALID_PARAM",
	      r.error, SBI_ERR_INVALID_PARAM);
	r = text_poke(site, jump | 1 << 7);
	check("[11] TEXT_POKE of a call (jal ra): INVALID_PARAM", r.error,
	      SBI_ERR_INVALID_PARAM);
	r = text_poke(site, 0x00000073);
	check("[11] TEXT_POKE of an ecall: INVALID_PARAM", r.error,
	      SBI_ERR_INVALID_PARAM);
	r = text_poke(0x80000000UL + 0x100, SBI_PVMMU_INSN_NOP);
	check("[11] TEXT_POKE of the firmware: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);
	r = text_poke(pool_base, SBI_PVMMU_INSN_NOP);
	check("[11] TEXT_POKE of the pool: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);
	r = text_poke(spare, SBI_PVMMU_INSN_NOP);
	check("[11] TEXT_POKE of the other locked range: INVALID_ADDRESS",
	      r.error, SBI_ERR_INVALID_ADDRESS);
	r = text_poke(site + 2, SBI_PVMMU_INSN_NOP);
	check("[11] TEXT_POKE of a misaligned word: INVALID_ADDRESS", r.error,
	      SBI_ERR_INVALID_ADDRESS);
	check("[11] ... the site still falls through", poke_site_fn(), 1);
	check("[11] STATS TEXT_POKES counted the two",
	      pv_stat(SBI_PVMMU_STAT_TEXT_POKES), 2);

	/* a hart that starts now runs in Bare mode: PMP holds the locks */
	if (!helper_start(h1, "[11] a hart started after KERNEL_LOCK")) {
		helper_store("[11] Bare-mode store to the locked text", h1,
			     text + 0x1000, CAUSE_STORE_ACCESS);
		helper_store("[11] Bare-mode store to the other locked range",
			     h1, spare + 0xff8, CAUSE_STORE_ACCESS);
		helper_store("[11] control: Bare-mode store next to it", h1,
			     spare + 0x1000, NO_FAULT);
	}

	payload_finish("sbi-attack");
}

/* ---- boot */

static void find_fdt_devices(void)
{
	ulong base, size;
	int node, i;

	node = fdt_node_offset_by_compatible(fdt, -1, "riscv,clint0");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "sifive,clint0");
	if (node >= 0 && !fdt_reg(fdt, node, 0, &base, &size))
		clint_base = base;
	node = fdt_node_offset_by_compatible(fdt, -1, "sifive,test0");
	if (node >= 0 && !fdt_reg(fdt, node, 0, &base, &size))
		finisher_base = base;
	node = fdt_node_offset_by_compatible(fdt, -1, "qemu,fw-cfg-mmio");
	if (node >= 0 && !fdt_reg(fdt, node, 0, &base, &size))
		fw_cfg_base = base;

	node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
					     sizeof("memory"));
	for (; node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  "memory", sizeof("memory")))
		for (i = 0; !fdt_reg(fdt, node, i, &base, &size); i++)
			if (base + size > ram_end)
				ram_end = base + size;
}

void boot_main(ulong id, ulong fdt_pa)
{
	struct sbiret r;
	ulong i;

	boot_hart = id;
	fdt = (const void *)fdt_pa;
	check_verbose = true;
	park_on_unexpected_trap = true;
	trap_setup();
	say("\nsbi-attack: boot hart %d\n", (long)id);
	find_harts();
	for (i = 0; i < nharts; i++) {
		if (hart_ids[i] == id)
			continue;
		if (h1 == NO_HART)
			h1 = hart_ids[i];
		else if (h2 == NO_HART)
			h2 = hart_ids[i];
	}
	find_fdt_devices();
	on_opensbi = SBI0(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID).value ==
		     SBI_IMPL_ID_OPENSBI;
	say("sbi-attack: %d harts (helpers %d, %d), CLINT %x, finisher %x, "
	    "RAM end %x\n", (long)nharts, (long)h1, (long)h2, clint_base,
	    finisher_base, ram_end);
	say("-- [0] harts, extension, ABI version and features\n");
	check_true("[0] three harts or more", nharts >= 3, nharts);

	r = SBI1(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, SBI_EXT_PVMMU);
	check("[0] PVMMU extension present", r.value, 1);
	if (r.value != 1)
		payload_finish("sbi-attack");
	pool_base = pv_info(SBI_PVMMU_INFO_POOL_BASE).value;
	pool_size = pv_info(SBI_PVMMU_INFO_POOL_SIZE).value;
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf, 0, 0);
	check("[0] SET_SHMEM", r.error, 0);

	pv_identity_root(kroot, fdt);
	pv_identity_root(forged, fdt);
	ksatp = pv_satp(PV_SATP_SV39, (ulong)kroot);

	attack_info();
	attack_register_early();
	attack_kernel_root();
	attack_satp_boot_hart();
	attack_levels();
	attack_devices();
	attack_leaves();
	attack_sfence();
	attack_dbcn();
	attack_loaded_roots();
	attack_satp_pool_pages();
	/* last: from here on the boot hart runs at its kernel-half alias */
	attack_adopt();
}
