// SPDX-License-Identifier: BSD-2-Clause
/*
 * QEMU "virt" platform: ns16550a UART, SiFive CLINT, SiFive test
 * finisher. Devices are taken from the FDT, with QEMU virt's well-known
 * addresses as fallback.
 */
#include <libfdt.h>
#include <sbi/riscv_encoding.h>
#include <sbi/sbi_config.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_fdt.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_string.h>
#include "clint.h"
#include "test_finisher.h"
#include "uart8250.h"

#define VIRT_UART0_ADDR		0x10000000UL
#define VIRT_UART0_FREQ		3686400
#define VIRT_CLINT_ADDR		0x2000000UL
#define VIRT_TEST_ADDR		0x100000UL

static const char *uart_src = "fallback";
static const char *clint_src = "fallback";
static const char *finisher_src = "fallback";
static unsigned long clint_first_base;
static unsigned int clint_count, clint_harts;
static unsigned long finisher_size = 0x1000;

/*
 * The firmware's own MMIO: every CLINT, the test finisher, and QEMU's
 * fw-cfg, whose DMA interface writes any physical address (PMP does not
 * check devices): S-mode must not reach it.
 */
#define VIRT_MAX_FW_DEVICES	8
static struct sbi_mem_region fw_devs[VIRT_MAX_FW_DEVICES];
static unsigned int fw_dev_count;

static void fw_device_add(unsigned long base, unsigned long size)
{
	if (fw_dev_count < VIRT_MAX_FW_DEVICES)
		fw_devs[fw_dev_count] = (struct sbi_mem_region){ base, size };
	/* Counted even when it does not fit: the caller must fail closed */
	fw_dev_count++;
}

static const char *const uart_compats[] = {
	"ns16550a", "ns16550", "ns8250", NULL,
};
static const char *const clint_compats[] = {
	"riscv,clint0", "sifive,clint0", NULL,
};
static const char *const finisher_compats[] = {
	"sifive,test1", "sifive,test0", NULL,
};
static const char *const fw_cfg_compats[] = {
	"qemu,fw-cfg-mmio", NULL,
};

static u32 fdt_u32_prop(const void *fdt, int node, const char *name, u32 def)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p || len < (int)sizeof(*p))
		return def;
	return fdt32_to_cpu(*p);
}

static bool node_is_compatible(const void *fdt, int node,
			       const char *const *compats)
{
	for (; *compats; compats++) {
		if (!fdt_node_check_compatible(fdt, node, *compats))
			return true;
	}
	return false;
}

static int stdout_node(const void *fdt)
{
	const char *path, *sep;
	int chosen, len;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return chosen;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path || len <= 1)
		return -FDT_ERR_NOTFOUND;
	/* "path:options" */
	sep = strchr(path, ':');
	return fdt_path_offset_namelen(fdt, path,
				       sep ? (int)(sep - path) : len - 1);
}

static void virt_uart_init(const void *fdt)
{
	int node = -FDT_ERR_NOTFOUND;
	u64 base;

	if (fdt) {
		node = stdout_node(fdt);
		if (node >= 0 && !node_is_compatible(fdt, node, uart_compats))
			node = -FDT_ERR_NOTFOUND;
		else if (node >= 0)
			uart_src = "stdout-path";
		if (node < 0) {
			node = sbi_fdt_find_compatible(fdt, -1, uart_compats);
			uart_src = "FDT";
		}
	}

	if (node >= 0 && !sbi_fdt_get_reg(fdt, node, 0, &base, NULL)) {
		uart8250_init((unsigned long)base,
			      fdt_u32_prop(fdt, node, "clock-frequency", 0),
			      fdt_u32_prop(fdt, node, "current-speed", 0),
			      fdt_u32_prop(fdt, node, "reg-shift", 0),
			      fdt_u32_prop(fdt, node, "reg-io-width", 1));
		return;
	}

	uart_src = "fallback";
	uart8250_init(VIRT_UART0_ADDR, VIRT_UART0_FREQ, 0, 0, 1);
}

static void virt_clint_add(const void *fdt, int node, unsigned long base)
{
	const fdt32_t *irqs;
	unsigned int slot = 0;
	unsigned long hartid, h;
	int len, i, index;

	clint_set_mtime(base);
	irqs = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (!irqs || len <= 0) {
		/* No wiring described: the hart with id N has slot N */
		for_each_hart_in_mask(h, sbi_hart_valid_mask) {
			hartid = sbi_hartindex_to_hartid((u32)h);
			if (hartid <= (u32)-1 &&
			    clint_add_hart(base, (u32)hartid, (u32)h))
				clint_harts++;
		}
		return;
	}

	/* (phandle of a cpu's interrupt controller, irq) pairs */
	for (i = 0; i + 1 < len / (int)sizeof(fdt32_t); i += 2) {
		int intc = fdt_node_offset_by_phandle(fdt,
						fdt32_to_cpu(irqs[i]));
		u32 irq = fdt32_to_cpu(irqs[i + 1]);

		if (irq != IRQ_M_SOFT)
			continue;
		if (intc >= 0 && !sbi_fdt_node_to_hartid(fdt, intc, &hartid)) {
			index = sbi_hartid_to_hartindex(hartid);
			if (index >= 0 && clint_add_hart(base, slot, (u32)index))
				clint_harts++;
		}
		slot++;
	}
}

static void virt_clint_init(const void *fdt)
{
	int node;
	u64 base, size;

	if (fdt) {
		for (node = sbi_fdt_find_compatible(fdt, -1, clint_compats);
		     node >= 0;
		     node = sbi_fdt_find_compatible(fdt, node, clint_compats)) {
			if (sbi_fdt_get_reg(fdt, node, 0, &base, &size))
				continue;
			if (!clint_count++)
				clint_first_base = (unsigned long)base;
			virt_clint_add(fdt, node, (unsigned long)base);
			fw_device_add((unsigned long)base,
				      size ? (unsigned long)size : CLINT_SIZE);
		}
	}
	if (clint_count) {
		clint_src = "FDT";
		return;
	}

	clint_first_base = VIRT_CLINT_ADDR;
	virt_clint_add(NULL, -1, VIRT_CLINT_ADDR);
	fw_device_add(VIRT_CLINT_ADDR, CLINT_SIZE);
	clint_count = 1;
}

static void virt_finisher_init(const void *fdt)
{
	int node = -FDT_ERR_NOTFOUND;
	u64 base, size;

	if (fdt)
		node = sbi_fdt_find_compatible(fdt, -1, finisher_compats);
	if (node >= 0 && !sbi_fdt_get_reg(fdt, node, 0, &base, &size)) {
		finisher_src = "FDT";
		if (size)
			finisher_size = (unsigned long)size;
		test_finisher_init((unsigned long)base);
	} else {
		test_finisher_init(VIRT_TEST_ADDR);
	}
	fw_device_add(test_finisher_base(), finisher_size);
}

static void virt_fw_cfg_init(const void *fdt)
{
	int node;
	u64 base, size;

	for (node = fdt ? sbi_fdt_find_compatible(fdt, -1, fw_cfg_compats) : -1;
	     node >= 0; node = sbi_fdt_find_compatible(fdt, node, fw_cfg_compats))
		if (!sbi_fdt_get_reg(fdt, node, 0, &base, &size))
			fw_device_add((unsigned long)base,
				      size ? (unsigned long)size : 0x1000);
}

static unsigned int virt_fw_devices(struct sbi_mem_region *out,
				    unsigned int max)
{
	unsigned int i;

	for (i = 0; i < fw_dev_count && i < max && i < VIRT_MAX_FW_DEVICES; i++)
		out[i] = fw_devs[i];
	return fw_dev_count;
}

static int virt_early_init(void *fdt)
{
	virt_uart_init(fdt);
	virt_clint_init(fdt);
	virt_finisher_init(fdt);
	virt_fw_cfg_init(fdt);
	return 0;
}

static void virt_print_info(void)
{
	sbi_printf("Console        : ns16550a @ 0x%lx (%s)\n",
		   uart8250_base(), uart_src);
	sbi_printf("CLINT          : %u @ 0x%lx, %u harts wired (%s)\n",
		   clint_count, clint_first_base, clint_harts, clint_src);
	sbi_printf("Test finisher  : sifive,test @ 0x%lx (%s)\n",
		   test_finisher_base(), finisher_src);
}

static void virt_system_exit(u32 code)
{
	test_finisher_exit(code);
}

const struct sbi_platform qemu_virt_platform = {
	.name			= "QEMU virt",
	.early_init		= virt_early_init,
	.print_info		= virt_print_info,
	.console_putc		= uart8250_putc,
	.console_getc		= uart8250_getc,
	.ipi_send		= clint_ipi_send,
	.ipi_clear		= clint_ipi_clear,
	.timer_value		= clint_timer_value,
	.timer_event_start	= clint_timer_event_start,
	.timer_event_stop	= clint_timer_event_stop,
	.system_exit		= virt_system_exit,
	.fw_devices		= virt_fw_devices,
};
