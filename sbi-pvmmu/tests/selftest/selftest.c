// SPDX-License-Identifier: BSD-2-Clause
/*
 * S-mode self-test payload for sbi-pvmmu (not part of the firmware).
 *
 * Exercises the SBI interface from S-mode on all harts: BASE probing,
 * error codes, DBCN, legacy calls, HSM start/stop/status/suspend, IPIs,
 * concurrent remote fences, timer (Sstc or not), PMP protection of the
 * firmware, and the PVMMU extension (GET_INFO against the FDT, the
 * read-only pool, SET_SHMEM, the kernel root and satp under firmware
 * control, a small UPDATE round trip). Ends with SRST shutdown: reason
 * "none" (QEMU exit 0) if all checks passed, reason "system failure"
 * (exit 1) otherwise. The helpers it shares with tests/attack are in
 * tests/common.
 */
#include <libfdt.h>
#include <sbi/sbi_config.h>
#include "../common/payload.h"

/* ---- multi-hart phases */

static volatile ulong phase, online, ipi_ok, stress_done, restarted;

#define STRESS_LOOPS	300

static void rfence_stress(void)
{
	struct sbiret r;
	int i;

	for (i = 0; i < STRESS_LOOPS; i++) {
		r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
			     0, -1UL, 0, -1UL, 0);
		if (r.error)
			check("stress sfence_vma all", r.error, 0);
		r = sbi_call(SBI_EXT_RFENCE,
			     SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID,
			     0, -1UL, 0x80200000UL, 3 * 4096, 7);
		if (r.error)
			check("stress sfence_vma_asid range", r.error, 0);
		r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I,
			     0, -1UL, 0, 0, 0);
		if (r.error)
			check("stress fence_i", r.error, 0);
		r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0, -1UL);
		if (r.error)
			check("stress send_ipi all", r.error, 0);
	}
}

void secondary_main(ulong id, ulong opaque)
{
	struct sbiret r;

	trap_setup();
	check("secondary opaque", (long)opaque, (long)(0x1000 + id));
	r = SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, id);
	check("own status STARTED", r.value, SBI_HSM_STATE_STARTED);

	if (opaque == 0x1000 + id && restarted) {
		/* Second life: just report and stop again */
		atomic_add(&online, 1);
		SBI0(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP);
		check("hart_stop returned", 1, 0);
		for (;;)
			;
	}

	atomic_add(&online, 1);

	while (phase < 1)
		cpu_relax();
	while (!ipi_count[id])
		cpu_relax();
	atomic_add(&ipi_ok, 1);

	while (phase < 2)
		cpu_relax();
	rfence_stress();
	atomic_add(&stress_done, 1);

	while (phase < 3)
		cpu_relax();
	csr_clear(sstatus, MSTATUS_SIE);
	SBI0(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP);
	check("hart_stop returned", 1, 0);
	for (;;)
		;
}

static void test_base(void)
{
	static const ulong present[] = {
		SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE,
		SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN, 0x0, 0x1, 0x2, 0x8,
	};
	static const ulong absent[] = {
		SBI_EXT_PMU, SBI_EXT_SUSP, SBI_EXT_CPPC, SBI_EXT_NACL,
		SBI_EXT_STA, 0x3, 0x4, 0x5, 0x6, 0x7, 0x9, 0xf, 0x11,
		0x08000000, 0x09000000, 0x0A000000, 0x12345678,
	};
	struct sbiret r;
	unsigned int i;

	r = SBI0(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION);
	check("spec version error", r.error, 0);
	check("spec version", r.value, 2L << 24);
	r = SBI0(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID);
	check("impl id", r.value, 0x50564D);
	r = SBI0(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_VERSION);
	check("impl version", r.value, 1);
	r = SBI0(SBI_EXT_BASE, SBI_EXT_BASE_GET_MVENDORID);
	check("mvendorid error", r.error, 0);
	r = SBI0(SBI_EXT_BASE, 7);
	check("base unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);

	for (i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		r = SBI1(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, present[i]);
		check("probe present ext", r.value, 1);
	}
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		r = SBI1(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, absent[i]);
		check("probe absent ext", r.value, 0);
	}

	r = SBI0(0x12345678, 0);
	check("unknown eid", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI0(0x08000123, 0);
	check("experimental eid", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI0(SBI_EXT_PMU, 0);
	check("pmu eid", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI0(SBI_EXT_TIME, 1);
	check("time unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI0(SBI_EXT_DBCN, 3);
	check("dbcn unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI0(SBI_EXT_HSM, 4);
	check("hsm unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI0(SBI_EXT_SRST, 1);
	check("srst unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI0(SBI_EXT_IPI, 1);
	check("ipi unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);
}

static void test_legacy_and_dbcn(void)
{
	static char msg[] = "dbcn write ok\n";
	static char inbuf[8], line[300];
	struct sbiret r;
	ulong i;

	/* Legacy calls: value in a0, a1 preserved */
	r = sbi_call(SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, 'L', 0x5a5a, 0, 0, 0);
	check("legacy putchar", r.error, 0);
	check("legacy putchar a1 preserved", r.value, 0x5a5a);
	sbi_call(SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, '\n', 0, 0, 0, 0);
	r = sbi_call(SBI_EXT_0_1_CONSOLE_GETCHAR, 0, 0, 0, 0, 0, 0);
	check("legacy getchar (no input)", r.error, -1);
	r = sbi_call(SBI_EXT_0_1_SEND_IPI, 0, 0, 0x77, 0, 0, 0);
	check("legacy send_ipi unsupported", r.error, SBI_ERR_NOT_SUPPORTED);
	check("legacy a1 preserved", r.value, 0x77);
	r = sbi_call(0x9, 0, 0, 0, 0, 0, 0);
	check("legacy 0x9 unsupported", r.error, SBI_ERR_NOT_SUPPORTED);

	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, sizeof(msg) - 1,
		 (ulong)msg, 0);
	check("dbcn write", r.error, 0);
	check("dbcn write count", r.value, sizeof(msg) - 1);
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 4, (ulong)msg, 1);
	check("dbcn write base_hi", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 4, 0x80000000UL, 0);
	check("dbcn write firmware", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 0x20, 0x8007fff0UL,
		 0);
	check("dbcn write across fw end", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 16, 0x10000000UL, 0);
	check("dbcn write mmio", r.error, SBI_ERR_INVALID_PARAM);
	/* A long buffer is cut to what one call moves (256 bytes)... */
	for (i = 0; i < sizeof(line); i++)
		line[i] = i < 255 ? '.' : i == 255 ? '\n' : 'X';
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, sizeof(line),
		 (ulong)line, 0);
	check("dbcn write long", r.error, 0);
	check("dbcn write long cut to 256", r.value, 256);
	/* ...but all of it must be valid: a wrapping length is refused */
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, -1UL, (ulong)line,
		 0);
	check("dbcn write wrapping length", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, sizeof(inbuf),
		 (ulong)inbuf, 0);
	check("dbcn read", r.error, 0);
	check("dbcn read count (no input)", r.value, 0);
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 8, 0x80001000UL, 0);
	check("dbcn read into firmware", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI1(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE_BYTE, '\n');
	check("dbcn write_byte", r.error, 0);
}

static void test_pmp(void)
{
	volatile ulong v;

	fault_expect();
	v = *(volatile ulong *)SBI_FW_BASE;
	(void)v;
	check("firmware load faults", (long)fault_end().cause,
	      CAUSE_LOAD_ACCESS);
	fault_expect();
	*(volatile ulong *)(SBI_FW_BASE + SBI_FW_REGION_SIZE - 8) = 0;
	check("firmware store faults", (long)fault_end().cause,
	      CAUSE_STORE_ACCESS);
	/* RAM right after it */
	v = *(volatile ulong *)(SBI_FW_BASE + SBI_FW_REGION_SIZE);
}

static void test_timer(void)
{
	ulong h = hartid(), t0, before;
	struct sbiret r;

	/* Timer interrupt through SBI set_timer */
	before = timer_count[h];
	t0 = csr_read(time);
	r = SBI1(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, t0 + 20000);
	check("set_timer", r.error, 0);
	csr_set(sie, MIP_STIP);
	while (timer_count[h] == before &&
	       csr_read(time) < t0 + 100000000UL)
		wfi();
	check("timer interrupt", (long)(timer_count[h] - before), 1);
	check("timer not early", csr_read(time) >= t0 + 20000, 1);

	/* Legacy set_timer */
	before = timer_count[h];
	t0 = csr_read(time);
	r = sbi_call(SBI_EXT_0_1_SET_TIMER, 0, t0 + 10000, 0, 0, 0, 0);
	check("legacy set_timer", r.error, 0);
	csr_set(sie, MIP_STIP);
	while (timer_count[h] == before &&
	       csr_read(time) < t0 + 100000000UL)
		wfi();
	check("legacy timer interrupt", (long)(timer_count[h] - before), 1);

	/* Retentive suspend: wakes up on the (masked) timer interrupt */
	before = timer_count[h];
	csr_clear(sstatus, MSTATUS_SIE);
	t0 = csr_read(time);
	SBI1(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, t0 + 20000);
	csr_set(sie, MIP_STIP);
	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, 0, 0, 0);
	check("suspend retentive", r.error, 0);
	check("suspend woke up after timer", csr_read(time) >= t0 + 20000, 1);
	csr_set(sstatus, MSTATUS_SIE);
	check("timer after suspend", (long)(timer_count[h] - before), 1);

	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, 1, 0, 0);
	check("suspend reserved type", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, 0x10000000, 0, 0);
	check("suspend platform type", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, 0x80000000, 0x80200000,
		 0);
	check("suspend non-retentive", r.error, SBI_ERR_NOT_SUPPORTED);
}

static void test_srst_errors(void)
{
	struct sbiret r;

	r = SBI2(SBI_EXT_SRST, SBI_EXT_SRST_RESET, 3, 0);
	check("srst reserved type", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI2(SBI_EXT_SRST, SBI_EXT_SRST_RESET, 0xF0000000, 0);
	check("srst vendor type", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI2(SBI_EXT_SRST, SBI_EXT_SRST_RESET, 0, 2);
	check("srst reserved reason", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI2(SBI_EXT_SRST, SBI_EXT_SRST_RESET, 1, 0xF0000000);
	check("srst vendor reason", r.error, SBI_ERR_INVALID_PARAM);
}

static void test_hsm_and_smp(void)
{
	ulong self = hartid(), i, h, others = 0, mask = 0;
	struct sbiret r;

	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 99, 0x80200000, 0);
	check("start invalid hart", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, nharts > 1 ?
		 hart_ids[nharts - 1 == self ? 0 : nharts - 1] : self,
		 0x80000100, 0);
	check("start in firmware", r.error, SBI_ERR_INVALID_ADDRESS);
	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, self, 0x1000, 0);
	check("start outside RAM", r.error, SBI_ERR_INVALID_ADDRESS);
	r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, self,
		 (ulong)secondary_entry, 0);
	check("start self", r.error, SBI_ERR_ALREADY_AVAILABLE);
	r = SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 99);
	check("status invalid hart", r.error, SBI_ERR_INVALID_PARAM);

	for (i = 0; i < nharts; i++) {
		h = hart_ids[i];
		if (h == self)
			continue;
		others++;
		mask |= 1UL << h;
		r = SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, h);
		check("other hart STOPPED", r.value, SBI_HSM_STATE_STOPPED);
		r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, h,
			 (ulong)secondary_entry, 0x1000 + h);
		check("start other hart", r.error, 0);
		r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, h,
			 (ulong)secondary_entry, 0x1000 + h);
		if (r.error != SBI_ERR_ALREADY_STARTED)
			check("start twice", r.error,
			      SBI_ERR_ALREADY_AVAILABLE);
	}
	wait_for(&online, others, "secondaries online");
	for (i = 0; i < nharts; i++) {
		h = hart_ids[i];
		r = SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, h);
		check("all harts STARTED", r.value, SBI_HSM_STATE_STARTED);
	}

	/* IPIs: invalid masks first (nothing must be sent) */
	r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1UL << 40, 0);
	check("ipi invalid hart", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, mask | (1UL << nharts), 0);
	if (hart_ids[nharts - 1] == nharts - 1)
		check("ipi partly invalid", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, 100);
	check("ipi invalid base", r.error, SBI_ERR_INVALID_PARAM);
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
		     1UL << 40, 0, 0, 0, 0);
	check("rfence invalid hart", r.error, SBI_ERR_INVALID_PARAM);
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA,
		     0, -1UL, 0, 0, 0);
	check("hfence unsupported", r.error, SBI_ERR_NOT_SUPPORTED);
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA_ASID,
		     0, -1UL, 0, 0, 0);
	check("hfence vvma unsupported", r.error, SBI_ERR_NOT_SUPPORTED);
	r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0, 0);
	check("ipi empty mask", r.error, 0);

	phase = 1;
	r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, mask >> 1, 1);
	check("ipi to others (base 1)", r.error, 0);
	if (!(mask & 1)) {
		/* boot hart 0 is self: the mask above covered everyone */
	} else {
		r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, 0);
		check("ipi to hart 0", r.error, 0);
	}
	wait_for(&ipi_ok, others, "secondaries got IPI");

	/* Self IPI */
	i = ipi_count[self];
	r = SBI2(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, self);
	check("self ipi", r.error, 0);
	wait_for(&ipi_count[self], i + 1, "self ipi delivered");

	/* Everybody fences everybody at the same time */
	phase = 2;
	rfence_stress();
	wait_for(&stress_done, others, "rfence stress done");
	say("rfence stress: %d harts x %d rounds done\n", (long)nharts,
	    (long)STRESS_LOOPS);

	/* Stop the others, then start them once more and stop again */
	phase = 3;
	for (i = 0; i < nharts; i++) {
		ulong t0 = csr_read(time);

		h = hart_ids[i];
		if (h == self)
			continue;
		do {
			r = SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, h);
		} while (r.value != SBI_HSM_STATE_STOPPED &&
			 csr_read(time) - t0 < WAIT_TICKS);
		check("hart stopped", r.value, SBI_HSM_STATE_STOPPED);
	}
	/* Fences with every other hart stopped must not wait for them */
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
		     0, -1UL, 0, 0, 0);
	check("rfence with stopped harts", r.error, 0);

	restarted = 1;
	online = 0;
	for (i = 0; i < nharts; i++) {
		h = hart_ids[i];
		if (h == self)
			continue;
		r = SBI3(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, h,
			 (ulong)secondary_entry, 0x1000 + h);
		check("restart stopped hart", r.error, 0);
	}
	wait_for(&online, others, "secondaries online again");
}

/* ---- PVMMU */

static struct sbi_pvmmu_entry pv_buf[PV_MAX_BATCH]
	__attribute__((aligned(64)));
static ulong pv_kroot[512] __attribute__((aligned(4096)));
static char pv_data[4096] __attribute__((aligned(4096)));

/* /reserved-memory/pvmmu-pool@...: reg, compatible, and no no-map */
static void pv_check_fdt(const void *fdt, ulong base, ulong size)
{
	const fdt32_t *reg;
	int parent, node, len, found = 0;

	parent = fdt_path_offset(fdt, "/reserved-memory");
	check("fdt /reserved-memory", parent >= 0, 1);
	if (parent < 0)
		return;
	fdt_for_each_subnode(node, fdt, parent) {
		const char *name = fdt_get_name(fdt, node, NULL);

		if (!name || strncmp(name, "pvmmu-pool@", 11))
			continue;
		found++;
		check("pool compatible",
		      fdt_node_check_compatible(fdt, node, "pvmmu,pt-pool"), 0);
		check("pool not no-map",
		      fdt_getprop(fdt, node, "no-map", NULL) != NULL, 0);
		reg = fdt_getprop(fdt, node, "reg", &len);
		check("pool reg length", len, 16);
		if (reg && len == 16) {
			check("fdt pool base == POOL_BASE",
			      ((ulong)fdt32_to_cpu(reg[0]) << 32) |
			      fdt32_to_cpu(reg[1]), base);
			check("fdt pool size == POOL_SIZE",
			      ((ulong)fdt32_to_cpu(reg[2]) << 32) |
			      fdt32_to_cpu(reg[3]), size);
		}
	}
	check("one pvmmu-pool node", found, 1);
}

/* "_name" as a whole multi-letter extension of an ISA string */
static int isa_has(const char *isa, const char *name)
{
	ulong n = strlen(name);

	for (; *isa; isa++) {
		if (*isa == '_' && !strncmp(isa + 1, name, n) &&
		    (isa[n + 1] == '_' || !isa[n + 1]))
			return 1;
	}
	return 0;
}

/* FEATURES bits expected from the cpu nodes: set only if every hart has it */
static ulong pv_fdt_features(const void *fdt)
{
	ulong napot = 1, pbmt = 1;
	const char *isa;
	int cpus, cpu;

	cpus = fdt_path_offset(fdt, "/cpus");
	fdt_for_each_subnode(cpu, fdt, cpus) {
		isa = fdt_getprop(fdt, cpu, "riscv,isa", NULL);
		if (!isa)
			continue;
		napot &= isa_has(isa, "svnapot");
		pbmt &= isa_has(isa, "svpbmt");
	}
	return (napot ? SBI_PVMMU_FEAT_SVNAPOT : 0) |
	       (pbmt ? SBI_PVMMU_FEAT_SVPBMT : 0);
}

/*
 * The kernel root, as a kernel would set it: an Sv39 root in ordinary RAM
 * whose user half identity-maps RAM and low MMIO with 1 GiB leaves (the
 * payload runs on it from here on) and whose kernel half is a linear map
 * of 1 GiB leaves (what PT_REGISTER(ROOT) copies). SET_KERNEL_ROOT wants
 * it in satp, with every other hart stopped: they are, this runs before
 * test_hsm_and_smp(). From then on satp and SFENCE.VMA trap to the
 * firmware (TVM) for good.
 */
static void pv_set_kernel_root(const void *fdt)
{
	ulong ksatp = pv_satp(PV_SATP_SV39, (ulong)pv_kroot), h = hartid();
	ulong i, fences;
	struct sbiret r;

	pv_identity_root(pv_kroot, fdt);
	for (i = 256; i < 512; i++)
		pv_kroot[i] = pv_leaf((i - 256) * PV_GIB, PV_PTE_R | PV_PTE_W |
				      PV_PTE_G | PV_PTE_A | PV_PTE_D);

	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_SET_KERNEL_ROOT, (ulong)pv_kroot, 3);
	check("set kernel root not in satp", r.error, SBI_ERR_DENIED);
	/* TVM is still off: a plain satp write */
	csr_write(satp, ksatp);
	sfence_vma_all();
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_SET_KERNEL_ROOT, (ulong)pv_kroot, 4);
	check("set kernel root, satp mode differs", r.error, SBI_ERR_DENIED);
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_SET_KERNEL_ROOT, (ulong)pv_kroot, 3);
	check("set kernel root", r.error, 0);
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_SET_KERNEL_ROOT, (ulong)pv_kroot, 3);
	check("set kernel root twice", r.error, SBI_ERR_ALREADY_AVAILABLE);

	/* satp and SFENCE.VMA are emulated now */
	checkx("satp read back (emulated)", csr_read(satp), ksatp);
	fences = pv_stats(SBI_PVMMU_STAT_SFENCE, h).value;
	sfence_vma_all();
	check("sfence.vma emulated",
	      pv_stats(SBI_PVMMU_STAT_SFENCE, h).value - fences, 1);
}

/*
 * An UPDATE ecall (count 0, refused) with a pattern in every register but
 * sp, a0 and a1, which the call returns in. The firmware takes UPDATE on a
 * short path that saves only what its C code may clobber; the SBI calling
 * convention wants every other register kept. Returns the OR of the bits
 * that changed: 0 if all were kept.
 */
#define PV_XSTR(x)	#x
#define PV_STR(x)	PV_XSTR(x)
ulong pv_update_keeps_registers(void);
__asm__(".text\n"
	".globl pv_update_keeps_registers\n"
"pv_update_keeps_registers:\n"
	"	addi	sp, sp, -128\n"
	"	sd	ra, 0(sp)\n"
	"	sd	gp, 8(sp)\n"
	"	sd	tp, 16(sp)\n"
	"	sd	s0, 24(sp)\n"
	"	sd	s1, 32(sp)\n"
	"	sd	s2, 40(sp)\n"
	"	sd	s3, 48(sp)\n"
	"	sd	s4, 56(sp)\n"
	"	sd	s5, 64(sp)\n"
	"	sd	s6, 72(sp)\n"
	"	sd	s7, 80(sp)\n"
	"	sd	s8, 88(sp)\n"
	"	sd	s9, 96(sp)\n"
	"	sd	s10, 104(sp)\n"
	"	sd	s11, 112(sp)\n"
	"	li	ra, 0x5a01\n"
	"	li	gp, 0x5a03\n"
	"	li	tp, 0x5a04\n"
	"	li	t0, 0x5a05\n"
	"	li	t1, 0x5a06\n"
	"	li	t2, 0x5a07\n"
	"	li	s0, 0x5a08\n"
	"	li	s1, 0x5a09\n"
	"	li	a2, 0x5a0c\n"
	"	li	a3, 0x5a0d\n"
	"	li	a4, 0x5a0e\n"
	"	li	a5, 0x5a0f\n"
	"	li	s2, 0x5a12\n"
	"	li	s3, 0x5a13\n"
	"	li	s4, 0x5a14\n"
	"	li	s5, 0x5a15\n"
	"	li	s6, 0x5a16\n"
	"	li	s7, 0x5a17\n"
	"	li	s8, 0x5a18\n"
	"	li	s9, 0x5a19\n"
	"	li	s10, 0x5a1a\n"
	"	li	s11, 0x5a1b\n"
	"	li	t3, 0x5a1c\n"
	"	li	t4, 0x5a1d\n"
	"	li	t5, 0x5a1e\n"
	"	li	t6, 0x5a1f\n"
	"	li	a0, 0\n"
	"	li	a1, 0\n"
	"	li	a6, " PV_STR(SBI_PVMMU_UPDATE) "\n"
	"	li	a7, " PV_STR(SBI_EXT_PVMMU) "\n"
	"	ecall\n"
	"	li	a0, 0\n"
	"	li	a1, 0x5a01\n\txor\ta1, a1, ra\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a03\n\txor\ta1, a1, gp\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a04\n\txor\ta1, a1, tp\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a05\n\txor\ta1, a1, t0\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a06\n\txor\ta1, a1, t1\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a07\n\txor\ta1, a1, t2\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a08\n\txor\ta1, a1, s0\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a09\n\txor\ta1, a1, s1\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a0c\n\txor\ta1, a1, a2\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a0d\n\txor\ta1, a1, a3\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a0e\n\txor\ta1, a1, a4\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a0f\n\txor\ta1, a1, a5\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a12\n\txor\ta1, a1, s2\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a13\n\txor\ta1, a1, s3\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a14\n\txor\ta1, a1, s4\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a15\n\txor\ta1, a1, s5\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a16\n\txor\ta1, a1, s6\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a17\n\txor\ta1, a1, s7\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a18\n\txor\ta1, a1, s8\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a19\n\txor\ta1, a1, s9\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a1a\n\txor\ta1, a1, s10\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a1b\n\txor\ta1, a1, s11\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a1c\n\txor\ta1, a1, t3\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a1d\n\txor\ta1, a1, t4\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a1e\n\txor\ta1, a1, t5\n\tor\ta0, a0, a1\n"
	"	li	a1, 0x5a1f\n\txor\ta1, a1, t6\n\tor\ta0, a0, a1\n"
	"	li	a1, " PV_STR(SBI_PVMMU_UPDATE) "\n\txor\ta1, a1, a6\n\tor\ta0, a0, a1\n"
	"	li	a1, " PV_STR(SBI_EXT_PVMMU) "\n\txor\ta1, a1, a7\n\tor\ta0, a0, a1\n"
	"	ld	ra, 0(sp)\n"
	"	ld	gp, 8(sp)\n"
	"	ld	tp, 16(sp)\n"
	"	ld	s0, 24(sp)\n"
	"	ld	s1, 32(sp)\n"
	"	ld	s2, 40(sp)\n"
	"	ld	s3, 48(sp)\n"
	"	ld	s4, 56(sp)\n"
	"	ld	s5, 64(sp)\n"
	"	ld	s6, 72(sp)\n"
	"	ld	s7, 80(sp)\n"
	"	ld	s8, 88(sp)\n"
	"	ld	s9, 96(sp)\n"
	"	ld	s10, 104(sp)\n"
	"	ld	s11, 112(sp)\n"
	"	addi	sp, sp, 128\n"
	"	ret\n");

static void test_pvmmu(const void *fdt)
{
	volatile ulong *pool;
	ulong base, size, l1, l0, i;
	struct sbiret r;

	r = SBI1(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, SBI_EXT_PVMMU);
	if (r.value != 1) {
		say("sbi-selftest: PVMMU not available, its checks skipped\n");
		return;
	}
	r = pv_info(SBI_PVMMU_INFO_VERSION);
	check("pvmmu version", r.value, SBI_PVMMU_VERSION);
	check("pvmmu version 2.2", r.value, 0x20002);
	r = pv_info(SBI_PVMMU_INFO_MAX_BATCH);
	check("pvmmu max batch", r.value, PV_MAX_BATCH);
	r = pv_info(SBI_PVMMU_INFO_FEATURES);
	check("pvmmu features match the ISA strings, satp locked, kernel "
	      "tables, text poke", r.value, pv_fdt_features(fdt) |
	      SBI_PVMMU_FEAT_SATP_LOCKED | SBI_PVMMU_FEAT_KERNEL_TABLES |
	      SBI_PVMMU_FEAT_TEXT_POKE);
	r = pv_info(SBI_PVMMU_INFO_KERNEL_ROOT);
	check("pvmmu no kernel root adopted", r.error | r.value, 0);
	r = pv_info(77);
	check("pvmmu bad selector", r.error, SBI_ERR_INVALID_PARAM);
	base = pv_info(SBI_PVMMU_INFO_POOL_BASE).value;
	size = pv_info(SBI_PVMMU_INFO_POOL_SIZE).value;
	check("pool naturally aligned", base & (size - 1), 0);
	pv_check_fdt(fdt, base, size);
	r = SBI0(SBI_EXT_PVMMU, 11);
	check("pvmmu unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);
	check("UPDATE keeps every register but a0 and a1",
	      (long)pv_update_keeps_registers(), 0);
	/* KERNEL_ADOPT and KERNEL_LOCK before SET_KERNEL_ROOT: DENIED */
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_KERNEL_ADOPT, base);
	check("kernel adopt before the kernel root", r.error, SBI_ERR_DENIED);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_KERNEL_LOCK, SBI_PVMMU_LOCK_TEXT,
		 (ulong)pv_data, 4096);
	check("kernel lock before adoption", r.error, SBI_ERR_DENIED);
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_TEXT_POKE, (ulong)pv_data,
		 SBI_PVMMU_INSN_NOP);
	check("text poke before the text lock", r.error, SBI_ERR_DENIED);
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_TEXT_SITES, (ulong)pv_data, 0);
	check("text sites: none", r.error, SBI_ERR_INVALID_PARAM);
	r = pv_stats(SBI_PVMMU_STAT_COUNT, -1UL);
	check("pvmmu stats bad counter", r.error, SBI_ERR_INVALID_PARAM);
	/*
	 * STATS names a hart by id: this hart's count holds the calls above
	 * (the others have made none yet), an id no hart has is refused
	 */
	r = pv_stats(SBI_PVMMU_STAT_CALLS, hartid());
	check("pvmmu stats of this hart's id", r.error == 0 && r.value > 0, 1);
	r = pv_stats(SBI_PVMMU_STAT_CALLS, 99);
	check("pvmmu stats of no hart", r.error, SBI_ERR_INVALID_PARAM);

	/* S-mode reads the (zeroed) pool but cannot write it */
	pool = (volatile ulong *)base;
	check("pool readable and zero", pool[0] | pool[size / 8 - 1], 0);
	fault_expect();
	pool[1] = 0x1234;
	check("store into the pool faults", (long)fault_end().cause,
	      CAUSE_STORE_ACCESS);
	check("pool unchanged", pool[1], 0);
	/* the firmware does not write the pool for S-mode either */
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 8, base, 0);
	check("dbcn read into the pool", r.error, SBI_ERR_INVALID_PARAM);
	/* nor read it: the first 256 bytes of this write reach it */
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 4096, base - 128, 0);
	check("dbcn write into the pool", r.error, SBI_ERR_INVALID_PARAM);

	/* SET_SHMEM */
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf, 0, 1);
	check("shmem flags", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf + 8, 0, 0);
	check("shmem misaligned", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, base, 0, 0);
	check("shmem in the pool", r.error, SBI_ERR_INVALID_ADDRESS);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, 0x80000000UL, 0, 0);
	check("shmem in the firmware", r.error, SBI_ERR_INVALID_ADDRESS);
	r = pv_update(1, 0);
	check("update without shmem", r.error, SBI_ERR_NO_SHMEM);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf, 0, 0);
	check("shmem set", r.error, 0);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf, 0, 0);
	check("shmem set twice", r.error, SBI_ERR_ALREADY_AVAILABLE);

	/* nothing is typed before the kernel root fixes the root level */
	l1 = base;
	l0 = base + 4096;
	pv_buf[0].target = l1 | SBI_PVMMU_OP_STORE;
	pv_buf[0].value = 0;
	r = pv_update(1, 0);
	check("update untyped page", r.error, SBI_ERR_INVALID_ADDRESS);
	check("update untyped page index", r.value, 0);
	r = pv_register(l1, 2, SBI_PVMMU_PT_ROOT);
	check("root before kernel root", r.error, SBI_ERR_DENIED);
	r = pv_register(l1, 1, 0);
	check("register before kernel root", r.error, SBI_ERR_DENIED);
	check("nothing typed before kernel root",
	      pv_stat(SBI_PVMMU_STAT_PAGES_TYPED), 0);
	pv_set_kernel_root(fdt);

	/* a PMD page with one PTE table holding one leaf */
	r = pv_register(l1, 1, 0);
	check("register PMD", r.error, 0);
	r = pv_register(l0, 0, 0);
	check("register PTE table", r.error, 0);
	pv_buf[0].target = l1 | SBI_PVMMU_OP_STORE;
	pv_buf[0].value = pv_table(l0);
	pv_buf[1].target = (l0 + 5 * 8) | SBI_PVMMU_OP_STORE;
	pv_buf[1].value = pv_leaf((ulong)pv_data, PV_PTE_R | PV_PTE_W);
	pv_buf[2].target = (l0 + 6 * 8) | SBI_PVMMU_OP_STORE;
	pv_buf[2].value = pv_leaf(base, PV_PTE_R);	/* maps the pool */
	pv_buf[2].old = 0x77;
	r = pv_update(3, 0);
	check("update stops at the bad entry", r.error, SBI_ERR_DENIED);
	check("update applied two", r.value, 2);
	check("old of entry 0", pv_buf[0].old, 0);
	check("old of entry 1", pv_buf[1].old, 0);
	check("rejected entry old untouched", pv_buf[2].old, 0x77);
	check("link visible to S-mode", pool[0], pv_table(l0));
	check("leaf visible to S-mode", pool[512 + 5],
	      pv_leaf((ulong)pv_data, PV_PTE_R | PV_PTE_W));
	check("rejected entry not written", pool[512 + 6], 0);
	check("stats links", pv_stat(SBI_PVMMU_STAT_LINKS), 1);
	check("stats pages typed", pv_stat(SBI_PVMMU_STAT_PAGES_TYPED), 2);
	r = pv_release(l0);
	check("release linked page", r.error, SBI_ERR_DENIED);

	/* go on from the rejected entry, the buffer left as it is */
	r = pv_update(3, 3);
	check("update first == count", r.error, SBI_ERR_INVALID_PARAM);
	pv_buf[0].old = 0x55;
	pv_buf[2].value = pv_leaf((ulong)pv_data, PV_PTE_R);
	r = pv_update(3, 2);
	check("update resumed at entry 2", r.error, 0);
	check("update resumed applied one", r.value, 1);
	check("resumed entry old", pv_buf[2].old, 0);
	check("entries before first untouched", pv_buf[0].old, 0x55);
	check("resumed entry visible", pool[512 + 6],
	      pv_leaf((ulong)pv_data, PV_PTE_R));

	/* KEEP_AD keeps A/D, unlink, release */
	pv_buf[0].target = (l0 + 5 * 8) | SBI_PVMMU_OP_OR;
	pv_buf[0].value = PV_PTE_A | PV_PTE_D;
	pv_buf[1].target = (l0 + 5 * 8) | SBI_PVMMU_OP_STORE_KEEP_AD;
	pv_buf[1].value = pv_leaf((ulong)pv_data, PV_PTE_R);
	pv_buf[2].target = l1 | SBI_PVMMU_OP_XCHG;
	pv_buf[2].value = 0;
	r = pv_update(3, 0);
	check("update batch", r.error, 0);
	check("update batch count", r.value, 3);
	check("keep A/D", pool[512 + 5],
	      pv_leaf((ulong)pv_data, PV_PTE_R | PV_PTE_A | PV_PTE_D));
	check("xchg old", pv_buf[2].old, pv_table(l0));

	/* a full batch fills the unlinked PTE table; one more is refused */
	for (i = 0; i < PV_MAX_BATCH; i++) {
		pv_buf[i].target = (l0 + i * 8) | SBI_PVMMU_OP_STORE;
		pv_buf[i].value = pv_leaf((ulong)pv_data, PV_PTE_R);
	}
	r = pv_update(PV_MAX_BATCH + 1, 0);
	check("update over max batch", r.error, SBI_ERR_INVALID_PARAM);
	r = pv_update(PV_MAX_BATCH, 0);
	check("update full batch", r.error, 0);
	check("update full batch count", r.value, PV_MAX_BATCH);
	check("full batch old", pv_buf[5].old,
	      pv_leaf((ulong)pv_data, PV_PTE_R | PV_PTE_A | PV_PTE_D));
	check("full batch last entry", pool[512 + PV_MAX_BATCH - 1],
	      pv_leaf((ulong)pv_data, PV_PTE_R));
	r = pv_release(l0);
	check("release PTE table", r.error, 0);
	r = pv_release(l1);
	check("release PMD", r.error, 0);
	check("released page scrubbed", pool[512 + 5], 0);
	check("stats links after", pv_stat(SBI_PVMMU_STAT_LINKS), 0);
	check("stats pages typed after",
	      pv_stat(SBI_PVMMU_STAT_PAGES_TYPED), 0);

	/* a root gets the kernel half of the kernel root */
	r = pv_register(l1, 2, SBI_PVMMU_PT_ROOT);
	check("register root", r.error, 0);
	check("root user half empty", pool[255], 0);
	check("root kernel half copied", pool[256], pv_kroot[256]);
	check("root kernel half copied (end)", pool[511], pv_kroot[511]);
	pv_buf[0].target = (l1 + 300 * 8) | SBI_PVMMU_OP_STORE;
	pv_buf[0].value = 0;
	r = pv_update(1, 0);
	check("kernel half protected", r.error, SBI_ERR_DENIED);
	r = pv_release(l1);
	check("release root", r.error, 0);

	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0);
	check("shmem unregister", r.error, 0);
	check("pvmmu rejected calls counted",
	      pv_stat(SBI_PVMMU_STAT_REJECTED) > 0, 1);
	say("sbi-selftest: PVMMU pool %x + %x, features %x checked\n", base,
	    size, pv_fdt_features(fdt) | SBI_PVMMU_FEAT_SATP_LOCKED |
	    SBI_PVMMU_FEAT_KERNEL_TABLES);
}

void boot_main(ulong id, ulong fdt)
{
	ulong i;

	boot_hart = id;
	trap_setup();
	say("\nsbi-selftest: boot hart %d\n", (long)id);
	find_harts();
	say("sbi-selftest: %d harts:", (long)nharts);
	for (i = 0; i < nharts; i++)
		say(" %d", (long)hart_ids[i]);
	say("\n");

	test_base();
	test_legacy_and_dbcn();
	test_pmp();
	/*
	 * Before any other hart runs (SET_KERNEL_ROOT needs them stopped);
	 * satp and SFENCE.VMA trap to the firmware afterwards, which the
	 * tests below never use.
	 */
	test_pvmmu((const void *)fdt);
	test_timer();
	test_srst_errors();
	test_hsm_and_smp();

	payload_finish("sbi-selftest");
}
