// SPDX-License-Identifier: BSD-2-Clause
/*
 * S-mode self-test payload for sbi-pvmmu (not part of the firmware).
 *
 * Exercises the SBI interface from S-mode on all harts: BASE probing,
 * error codes, DBCN, legacy calls, HSM start/stop/status/suspend, IPIs,
 * concurrent remote fences, timer (Sstc or not), PMP protection of the
 * firmware, and the PVMMU extension (GET_INFO against the FDT, the
 * read-only pool, SET_SHMEM, a small UPDATE round trip). Ends with SRST
 * shutdown: reason "none" (QEMU exit 0) if all
 * checks passed, reason "system failure" (exit 1) otherwise.
 */
#include <libfdt.h>
#include <sbi/riscv_asm.h>
#include <sbi/riscv_encoding.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_pvmmu_abi.h>

#define MAX_HARTS	16
#define NO_HART		(-1UL)

struct sbiret {
	long error;
	long value;
};

static struct sbiret sbi_call(ulong eid, ulong fid, ulong a0, ulong a1,
			      ulong a2, ulong a3, ulong a4)
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

/* ---- output through DBCN (the buffer is in RAM, physical = virtual) */

static char outbuf[MAX_HARTS][160];

static void dbcn_write(const char *s, ulong n)
{
	while (n) {
		struct sbiret r = SBI3(SBI_EXT_DBCN,
				       SBI_EXT_DBCN_CONSOLE_WRITE, n,
				       (ulong)s, 0);
		if (r.error || r.value <= 0)
			return;
		s += r.value;
		n -= r.value;
	}
}

static ulong fmt_hex(char *p, ulong v)
{
	char tmp[16];
	ulong n = 0, i = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	p[i++] = '0';
	p[i++] = 'x';
	while (n)
		p[i++] = tmp[--n];
	return i;
}

static ulong fmt_dec(char *p, long v)
{
	char tmp[24];
	ulong n = 0, i = 0, u = v < 0 ? -(ulong)v : (ulong)v;

	do {
		tmp[n++] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		p[i++] = '-';
	while (n)
		p[i++] = tmp[--n];
	return i;
}

/* Minimal printf: %s %d (long) %x (ulong) */
static void say(const char *fmt, ...)
{
	char *buf = outbuf[hartid()];
	__builtin_va_list ap;
	ulong n = 0;

	__builtin_va_start(ap, fmt);
	for (; *fmt && n < 120; fmt++) {
		if (*fmt != '%') {
			buf[n++] = *fmt;
			continue;
		}
		fmt++;
		if (*fmt == 's') {
			const char *s = __builtin_va_arg(ap, const char *);

			while (*s && n < 150)
				buf[n++] = *s++;
		} else if (*fmt == 'd') {
			n += fmt_dec(buf + n, __builtin_va_arg(ap, long));
		} else if (*fmt == 'x') {
			n += fmt_hex(buf + n, __builtin_va_arg(ap, ulong));
		}
	}
	__builtin_va_end(ap);
	dbcn_write(buf, n);
}

static volatile ulong failures, checks;

static void check(const char *what, long got, long want)
{
	atomic_add(&checks, 1);
	if (got == want)
		return;
	atomic_add(&failures, 1);
	say("FAIL [hart %d] %s: got %d, want %d\n", (long)hartid(), what,
	    got, want);
}

/* ---- S-mode traps */

static volatile ulong ipi_count[MAX_HARTS];
static volatile ulong timer_count[MAX_HARTS];
static volatile ulong expect_fault[MAX_HARTS];
static volatile ulong fault_cause[MAX_HARTS];

__attribute__((interrupt("supervisor"), aligned(4)))
static void strap(void)
{
	ulong cause = csr_read(scause), h = hartid();

	if (cause & (1UL << 63)) {
		switch (cause & 0xff) {
		case IRQ_S_SOFT:
			csr_clear(sip, MIP_SSIP);
			ipi_count[h]++;
			return;
		case IRQ_S_TIMER:
			timer_count[h]++;
			csr_clear(sie, MIP_STIP);
			SBI1(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL);
			return;
		}
	} else if (expect_fault[h]) {
		ulong epc = csr_read(sepc);
		unsigned short insn = *(volatile unsigned short *)epc;

		fault_cause[h] = cause;
		expect_fault[h] = 0;
		csr_write(sepc, epc + ((insn & 3) == 3 ? 4 : 2));
		return;
	}
	say("FAIL [hart %d] unexpected S trap scause=%x sepc=%x stval=%x\n",
	    (long)h, cause, csr_read(sepc), csr_read(stval));
	SBI2(SBI_EXT_SRST, SBI_EXT_SRST_RESET, SBI_SRST_RESET_TYPE_SHUTDOWN,
	     SBI_SRST_RESET_REASON_SYSFAIL);
}

static void trap_setup(void)
{
	csr_write(stvec, (ulong)strap);
	csr_set(sie, MIP_SSIP);
	csr_set(sstatus, MSTATUS_SIE);
}

/* ---- multi-hart phases */

static ulong nharts, boot_hart, hart_ids[MAX_HARTS];
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

extern char secondary_entry[];

/*
 * Wait for other harts, at most WAIT_TICKS of the time CSR (QEMU virt: 10
 * MHz, 60 s). A deadline in time rather than in spins: under TCG the harts
 * that are waited for may get little host CPU while this one spins.
 */
#define WAIT_TICKS	600000000UL

static void wait_for(volatile ulong *v, ulong want, const char *what)
{
	ulong t0 = csr_read(time);

	while (*v < want) {
		cpu_relax();
		if (csr_read(time) - t0 > WAIT_TICKS) {
			check(what, (long)*v, (long)want);
			return;
		}
	}
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
	static char inbuf[8];
	struct sbiret r;

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
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, -1UL, (ulong)msg, 0);
	check("dbcn write huge", r.error, SBI_ERR_INVALID_PARAM);
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
	ulong h = hartid();
	volatile ulong v;

	expect_fault[h] = 1;
	v = *(volatile ulong *)0x80000000UL;
	(void)v;
	check("firmware load faults", (long)fault_cause[h],
	      CAUSE_LOAD_ACCESS);
	expect_fault[h] = 1;
	fault_cause[h] = 0;
	*(volatile ulong *)0x8007fff8UL = 0;
	check("firmware store faults", (long)fault_cause[h],
	      CAUSE_STORE_ACCESS);
	expect_fault[h] = 0;
	v = *(volatile ulong *)0x80080000UL;	/* RAM right after it */
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

/* GET_INFO(MAX_BATCH); SET_SHMEM wants room for that many entries */
#define PV_MAX_BATCH	512
static struct sbi_pvmmu_entry pv_buf[PV_MAX_BATCH]
	__attribute__((aligned(64)));
static ulong pv_kroot[512] __attribute__((aligned(4096)));
static char pv_data[4096] __attribute__((aligned(4096)));

#define PV_PTE_V	1UL
#define PV_PTE_R	2UL
#define PV_PTE_W	4UL
#define PV_PTE_A	0x40UL
#define PV_PTE_D	0x80UL

static ulong pv_table(ulong pa)
{
	return ((pa >> 12) << 10) | PV_PTE_V;
}

static ulong pv_leaf(ulong pa, ulong flags)
{
	return ((pa >> 12) << 10) | flags | PV_PTE_V;
}

static struct sbiret pv_update(ulong n)
{
	return SBI1(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, n);
}

static ulong pv_stat(ulong counter)
{
	return SBI2(SBI_EXT_PVMMU, SBI_PVMMU_STATS, counter, -1UL).value;
}

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

static void test_pvmmu(const void *fdt)
{
	volatile ulong *pool;
	ulong h = hartid(), base, size, l1, l0, i;
	struct sbiret r;

	r = SBI1(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, SBI_EXT_PVMMU);
	if (r.value != 1) {
		say("sbi-selftest: PVMMU not available, its checks skipped\n");
		return;
	}
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_VERSION);
	check("pvmmu version", r.value, SBI_PVMMU_VERSION);
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_MAX_BATCH);
	check("pvmmu max batch", r.value, PV_MAX_BATCH);
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES);
	check("pvmmu features match the ISA strings", r.value,
	      pv_fdt_features(fdt));
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO, 77);
	check("pvmmu bad selector", r.error, SBI_ERR_INVALID_PARAM);
	base = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO,
		    SBI_PVMMU_INFO_POOL_BASE).value;
	size = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO,
		    SBI_PVMMU_INFO_POOL_SIZE).value;
	check("pool naturally aligned", base & (size - 1), 0);
	pv_check_fdt(fdt, base, size);
	r = SBI0(SBI_EXT_PVMMU, 7);
	check("pvmmu unknown fid", r.error, SBI_ERR_NOT_SUPPORTED);

	/* S-mode reads the (zeroed) pool but cannot write it */
	pool = (volatile ulong *)base;
	check("pool readable and zero", pool[0] | pool[size / 8 - 1], 0);
	expect_fault[h] = 1;
	fault_cause[h] = 0;
	pool[1] = 0x1234;
	check("store into the pool faults", (long)fault_cause[h],
	      CAUSE_STORE_ACCESS);
	check("pool unchanged", pool[1], 0);
	expect_fault[h] = 0;
	/* the firmware does not write the pool for S-mode either */
	r = SBI3(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 8, base, 0);
	check("dbcn read into the pool", r.error, SBI_ERR_INVALID_PARAM);

	/* SET_SHMEM */
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf, 0, 1);
	check("shmem flags", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf + 8, 0, 0);
	check("shmem misaligned", r.error, SBI_ERR_INVALID_PARAM);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, base, 0, 0);
	check("shmem in the pool", r.error, SBI_ERR_INVALID_ADDRESS);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, 0x80000000UL, 0, 0);
	check("shmem in the firmware", r.error, SBI_ERR_INVALID_ADDRESS);
	r = pv_update(1);
	check("update without shmem", r.error, SBI_ERR_NO_SHMEM);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf, 0, 0);
	check("shmem set", r.error, 0);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, (ulong)pv_buf, 0, 0);
	check("shmem set twice", r.error, SBI_ERR_ALREADY_AVAILABLE);

	/* a PMD page with one PTE table holding one leaf */
	l1 = base;
	l0 = base + 4096;
	pv_buf[0].target = l1 | SBI_PVMMU_OP_STORE;
	pv_buf[0].value = 0;
	r = pv_update(1);
	check("update untyped page", r.error, SBI_ERR_INVALID_ADDRESS);
	check("update untyped page index", r.value, 0);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER, l1, 1, 0);
	check("register PMD", r.error, 0);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER, l0, 0, 0);
	check("register PTE table", r.error, 0);
	pv_buf[0].target = l1 | SBI_PVMMU_OP_STORE;
	pv_buf[0].value = pv_table(l0);
	pv_buf[1].target = (l0 + 5 * 8) | SBI_PVMMU_OP_STORE;
	pv_buf[1].value = pv_leaf((ulong)pv_data, PV_PTE_R | PV_PTE_W);
	pv_buf[2].target = (l0 + 6 * 8) | SBI_PVMMU_OP_STORE;
	pv_buf[2].value = pv_leaf(base, PV_PTE_R);	/* maps the pool */
	pv_buf[2].old = 0x77;
	r = pv_update(3);
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
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_PT_RELEASE, l0);
	check("release linked page", r.error, SBI_ERR_DENIED);

	/* KEEP_AD keeps A/D, unlink, release */
	pv_buf[0].target = (l0 + 5 * 8) | SBI_PVMMU_OP_OR;
	pv_buf[0].value = PV_PTE_A | PV_PTE_D;
	pv_buf[1].target = (l0 + 5 * 8) | SBI_PVMMU_OP_STORE_KEEP_AD;
	pv_buf[1].value = pv_leaf((ulong)pv_data, PV_PTE_R);
	pv_buf[2].target = l1 | SBI_PVMMU_OP_XCHG;
	pv_buf[2].value = 0;
	r = pv_update(3);
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
	r = pv_update(PV_MAX_BATCH + 1);
	check("update over max batch", r.error, SBI_ERR_INVALID_PARAM);
	r = pv_update(PV_MAX_BATCH);
	check("update full batch", r.error, 0);
	check("update full batch count", r.value, PV_MAX_BATCH);
	check("full batch old", pv_buf[5].old,
	      pv_leaf((ulong)pv_data, PV_PTE_R | PV_PTE_A | PV_PTE_D));
	check("full batch last entry", pool[512 + PV_MAX_BATCH - 1],
	      pv_leaf((ulong)pv_data, PV_PTE_R));
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_PT_RELEASE, l0);
	check("release PTE table", r.error, 0);
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_PT_RELEASE, l1);
	check("release PMD", r.error, 0);
	check("released page scrubbed", pool[512 + 5], 0);
	check("stats links after", pv_stat(SBI_PVMMU_STAT_LINKS), 0);
	check("stats pages typed after",
	      pv_stat(SBI_PVMMU_STAT_PAGES_TYPED), 0);

	/* a root gets the kernel half of the kernel root, once set */
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER, l1, 2,
		 SBI_PVMMU_PT_ROOT);
	check("root before kernel root", r.error, SBI_ERR_DENIED);
	for (i = 0; i < 512; i++)
		pv_kroot[i] = pv_leaf(0x40000000UL, PV_PTE_R) + (i << 32);
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_SET_KERNEL_ROOT, (ulong)pv_kroot, 3);
	check("set kernel root", r.error, 0);
	r = SBI2(SBI_EXT_PVMMU, SBI_PVMMU_SET_KERNEL_ROOT, (ulong)pv_kroot, 3);
	check("set kernel root twice", r.error, SBI_ERR_ALREADY_AVAILABLE);
	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER, l1, 2,
		 SBI_PVMMU_PT_ROOT);
	check("register root", r.error, 0);
	check("root user half empty", pool[255], 0);
	check("root kernel half copied", pool[256], pv_kroot[256]);
	check("root kernel half copied (end)", pool[511], pv_kroot[511]);
	pv_buf[0].target = (l1 + 300 * 8) | SBI_PVMMU_OP_STORE;
	pv_buf[0].value = 0;
	r = pv_update(1);
	check("kernel half protected", r.error, SBI_ERR_DENIED);
	r = SBI1(SBI_EXT_PVMMU, SBI_PVMMU_PT_RELEASE, l1);
	check("release root", r.error, 0);

	r = SBI3(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0);
	check("shmem unregister", r.error, 0);
	check("pvmmu rejected calls counted",
	      pv_stat(SBI_PVMMU_STAT_REJECTED) > 0, 1);
	say("sbi-selftest: PVMMU pool %x + %x, features %x checked\n", base,
	    size, pv_fdt_features(fdt));
}

void boot_main(ulong id, ulong fdt)
{
	struct sbiret r;
	ulong h;

	boot_hart = id;
	trap_setup();
	say("\nsbi-selftest: boot hart %d\n", (long)id);

	for (h = 0; h < MAX_HARTS; h++) {
		r = SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, h);
		if (!r.error)
			hart_ids[nharts++] = h;
	}
	say("sbi-selftest: %d harts\n", (long)nharts);

	test_base();
	test_legacy_and_dbcn();
	test_pmp();
	test_pvmmu((const void *)fdt);
	test_timer();
	test_srst_errors();
	test_hsm_and_smp();

	say("sbi-selftest: %d checks, %d failures\n", (long)checks,
	    (long)failures);
	r = SBI2(SBI_EXT_SRST, SBI_EXT_SRST_RESET, SBI_SRST_RESET_TYPE_SHUTDOWN,
		 failures ? SBI_SRST_RESET_REASON_SYSFAIL :
			    SBI_SRST_RESET_REASON_NONE);
	say("FAIL: system_reset returned %d\n", r.error);
}
