// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shared code of the bare S-mode test payloads (see payload.h).
 */
#include <libfdt.h>
#include "payload.h"

/*
 * ---- output through DBCN (the buffer is in RAM, physical = virtual, or
 * at its kernel-half alias: the firmware gets the physical address)
 */

static char outbuf[MAX_HARTS][160];

void dbcn_write(const char *s, ulong n)
{
	while (n) {
		struct sbiret r = SBI3(SBI_EXT_DBCN,
				       SBI_EXT_DBCN_CONSOLE_WRITE, n,
				       pv_pa((ulong)s), 0);
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

void say(const char *fmt, ...)
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

volatile ulong failures, checks;
bool check_verbose;

static bool check_done(const char *what, bool ok)
{
	atomic_add(&checks, 1);
	if (ok) {
		if (check_verbose)
			say("PASS [hart %d] %s\n", (long)hartid(), what);
		return true;
	}
	atomic_add(&failures, 1);
	return false;
}

void check(const char *what, long got, long want)
{
	if (!check_done(what, got == want))
		say("FAIL [hart %d] %s: got %d, want %d\n", (long)hartid(),
		    what, got, want);
}

void checkx(const char *what, ulong got, ulong want)
{
	if (!check_done(what, got == want))
		say("FAIL [hart %d] %s: got %x, want %x\n", (long)hartid(),
		    what, got, want);
}

void check_true(const char *what, bool ok, ulong value)
{
	if (!check_done(what, ok))
		say("FAIL [hart %d] %s: value %x\n", (long)hartid(), what,
		    value);
}

static void srst_shutdown(bool failed)
{
	SBI2(SBI_EXT_SRST, SBI_EXT_SRST_RESET, SBI_SRST_RESET_TYPE_SHUTDOWN,
	     failed ? SBI_SRST_RESET_REASON_SYSFAIL :
		      SBI_SRST_RESET_REASON_NONE);
}

void payload_finish(const char *name)
{
	say("%s: %d checks, %d failures\n", name, (long)checks,
	    (long)failures);
	srst_shutdown(failures != 0);
	say("FAIL: system_reset returned\n");
	for (;;)
		wfi();
}

/* ---- S-mode traps */

volatile ulong ipi_count[MAX_HARTS];
volatile ulong timer_count[MAX_HARTS];
bool park_on_unexpected_trap;
volatile ulong hart_parked[MAX_HARTS];

static volatile struct {
	ulong armed;
	ulong cause;
	ulong tval;
	ulong epc;
} faults[MAX_HARTS];

void fault_expect(void)
{
	ulong h = hartid();

	faults[h].cause = NO_FAULT;
	faults[h].tval = 0;
	faults[h].epc = 0;
	faults[h].armed = 1;
}

struct fault fault_end(void)
{
	ulong h = hartid();
	struct fault f;

	faults[h].armed = 0;
	f.cause = faults[h].cause;
	f.tval = faults[h].tval;
	f.epc = faults[h].epc;
	return f;
}

static void __attribute__((noreturn)) unexpected_trap(ulong h, ulong cause)
{
	say("FAIL [hart %d] unexpected S trap scause=%x sepc=%x stval=%x\n",
	    (long)h, cause, csr_read(sepc), csr_read(stval));
	if (park_on_unexpected_trap && h != boot_hart) {
		atomic_add(&failures, 1);
		hart_parked[h] = 1;
		csr_clear(sie, -1UL);
		for (;;)
			wfi();
	}
	srst_shutdown(true);
	for (;;)
		wfi();
}

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
	} else if (faults[h].armed) {
		ulong epc = csr_read(sepc);
		unsigned short insn = *(volatile unsigned short *)epc;

		faults[h].cause = cause;
		faults[h].tval = csr_read(stval);
		faults[h].epc = epc;
		faults[h].armed = 0;
		csr_write(sepc, epc + ((insn & 3) == 3 ? 4 : 2));
		return;
	}
	unexpected_trap(h, cause);
}

void trap_setup(void)
{
	csr_write(stvec, (ulong)strap);
	csr_set(sie, MIP_SSIP);
	csr_set(sstatus, MSTATUS_SIE);
}

/* ---- harts */

ulong nharts, boot_hart, hart_ids[MAX_HARTS];

void find_harts(void)
{
	struct sbiret r;
	ulong h;

	nharts = 0;
	for (h = 0; h < MAX_HARTS; h++) {
		r = SBI1(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, h);
		if (!r.error)
			hart_ids[nharts++] = h;
	}
}

int wait_for(volatile ulong *v, ulong want, const char *what)
{
	ulong t0 = csr_read(time);

	while (*v < want) {
		cpu_relax();
		if (csr_read(time) - t0 > WAIT_TICKS) {
			check(what, (long)*v, (long)want);
			return -1;
		}
	}
	return 0;
}

void delay_ticks(ulong ticks)
{
	ulong t0 = csr_read(time);

	while (csr_read(time) - t0 < ticks)
		cpu_relax();
}

/* ---- FDT */

static int fdt_cells(const void *fdt, int node, const char *name, int def)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	return p && len == sizeof(*p) ? (int)fdt32_to_cpu(*p) : def;
}

static ulong read_cells(const fdt32_t *p, int n)
{
	ulong v = 0;

	while (n--)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

int fdt_reg(const void *fdt, int node, int index, ulong *base, ulong *size)
{
	int parent = fdt_parent_offset(fdt, node), ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0)
		return -1;
	ac = fdt_cells(fdt, parent, "#address-cells", 2);
	sc = fdt_cells(fdt, parent, "#size-cells", 1);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 ||
	    len < (index + 1) * (ac + sc) * (int)sizeof(*reg))
		return -1;
	reg += index * (ac + sc);
	*base = read_cells(reg, ac);
	*size = sc ? read_cells(reg + ac, sc) : 0;
	return 0;
}

/* ---- PVMMU */

ulong pv_identity_root(ulong *root, const void *fdt)
{
	const ulong leaf = PV_PTE_RWX | PV_PTE_G | PV_PTE_A | PV_PTE_D;
	ulong base, size, gib, n = 0;
	int node, i;

	for (i = 0; i < 512; i++)
		root[i] = 0;
	root[0] = pv_leaf(0, leaf);
	node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
					     sizeof("memory"));
	for (; node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  "memory", sizeof("memory"))) {
		for (i = 0; !fdt_reg(fdt, node, i, &base, &size); i++) {
			if (!size)
				continue;
			/* the user half: Sv39 identity up to 256 GiB */
			for (gib = base / PV_GIB;
			     gib <= (base + size - 1) / PV_GIB && gib < 256;
			     gib++)
				root[gib] = pv_leaf(gib * PV_GIB, leaf);
		}
	}
	for (i = 0; i < 512; i++)
		n += root[i] != 0;
	return n;
}
