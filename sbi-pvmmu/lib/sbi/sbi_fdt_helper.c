// SPDX-License-Identifier: BSD-2-Clause
/*
 * Device tree helpers used at cold boot: parsing (generic helpers, RAM
 * regions in /memory, harts in /cpus) and adding /reserved-memory nodes.
 */
#include <libfdt.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_fdt.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_string.h>

static u64 read_cells(const fdt32_t *cells, int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 32) | fdt32_to_cpu(*cells++);
	return v;
}

int sbi_fdt_get_reg(const void *fdt, int node, int index,
		    u64 *addr, u64 *size)
{
	int parent, ac, sc, len;
	const fdt32_t *reg;

	parent = fdt_parent_offset(fdt, node);
	if (parent < 0)
		return parent;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -FDT_ERR_BADNCELLS;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len;
	if (len < (int)((index + 1) * (ac + sc) * sizeof(fdt32_t)))
		return -FDT_ERR_NOTFOUND;

	reg += index * (ac + sc);
	if (addr)
		*addr = read_cells(reg, ac);
	if (size)
		*size = read_cells(reg + ac, sc);
	return 0;
}

bool sbi_fdt_node_is_enabled(const void *fdt, int node)
{
	const char *status;
	int len;

	status = fdt_getprop(fdt, node, "status", &len);
	if (!status)
		return true;
	return !strncmp(status, "okay", len) || !strncmp(status, "ok", len);
}

int sbi_fdt_find_compatible(const void *fdt, int start,
			    const char *const *compats)
{
	int node;

	for (node = fdt_next_node(fdt, start, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const char *const *c;

		for (c = compats; *c; c++) {
			if (!fdt_node_check_compatible(fdt, node, *c) &&
			    sbi_fdt_node_is_enabled(fdt, node))
				return node;
		}
	}
	return -FDT_ERR_NOTFOUND;
}

static bool node_is_cpu(const void *fdt, int node)
{
	const char *type;
	int len;

	type = fdt_getprop(fdt, node, "device_type", &len);
	return type && len >= 4 && !strncmp(type, "cpu", len);
}

int sbi_fdt_node_to_hartid(const void *fdt, int node, unsigned long *hartid)
{
	u64 id;
	int rc;

	/* Walk up to the enclosing cpu node */
	while (node >= 0 && !node_is_cpu(fdt, node))
		node = fdt_parent_offset(fdt, node);
	if (node < 0)
		return node;

	rc = sbi_fdt_get_reg(fdt, node, 0, &id, NULL);
	if (rc)
		return rc;
	*hartid = (unsigned long)id;
	return 0;
}

int sbi_fdt_parse_memory(const void *fdt)
{
	int node, i, rc, found = 0;
	u64 base, size;

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						  "memory", 7);
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  "memory", 7)) {
		if (!sbi_fdt_node_is_enabled(fdt, node))
			continue;
		for (i = 0; !sbi_fdt_get_reg(fdt, node, i, &base, &size);
		     i++) {
			if (!size)
				continue;
			rc = sbi_mem_add_ram(base, size);
			if (rc) {
				sbi_printf("sbi-pvmmu: ignoring RAM region "
					   "0x%llx+0x%llx (%d)\n",
					   (unsigned long long)base,
					   (unsigned long long)size, rc);
				continue;
			}
			found++;
		}
	}
	return found ? 0 : SBI_ERR_FAILED;
}

static unsigned long cpu_node_features(const void *fdt, int cpu)
{
	unsigned long features = 0;
	const char *prop;
	int len, pos;

	prop = fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len);
	if (prop && len > 0) {
		for (pos = 0; pos < len; pos += strlen(prop + pos) + 1)
			features |= sbi_hart_ext_from_name(prop + pos,
						strnlen(prop + pos, len - pos));
		return features;
	}

	prop = fdt_getprop(fdt, cpu, "riscv,isa", &len);
	if (prop && len > 0 && !prop[len - 1])
		features = sbi_hart_parse_isa_string(prop);
	return features;
}

int sbi_fdt_parse_cpus(const void *fdt, sbi_hartmask_t *described)
{
	int cpus, cpu, rc, index, left_out = 0;
	u64 hartid;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return cpus;

	fdt_for_each_subnode(cpu, fdt, cpus) {
		if (!node_is_cpu(fdt, cpu))
			continue;
		rc = sbi_fdt_get_reg(fdt, cpu, 0, &hartid, NULL);
		if (rc)
			continue;
		if (!sbi_fdt_node_is_enabled(fdt, cpu))
			continue;
		index = sbi_hart_add((unsigned long)hartid);
		if (index < 0) {
			left_out++;
			continue;
		}
		*described |= BIT(index);
		sbi_hartindex_to_scratch((u32)index)->features =
					cpu_node_features(fdt, cpu);
	}
	return left_out;
}

static int put_cells(fdt32_t *cells, int n, u64 val)
{
	if (n == 1 && (val >> 32))
		return -FDT_ERR_BADVALUE;
	if (n == 2)
		*cells++ = cpu_to_fdt32((u32)(val >> 32));
	*cells = cpu_to_fdt32((u32)val);
	return n;
}

static int reserved_memory_node(void *fdt)
{
	int node, rc;

	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0)
		return node;

	node = fdt_add_subnode(fdt, 0, "reserved-memory");
	if (node < 0)
		return node;
	rc = fdt_setprop_u32(fdt, node, "#address-cells", 2);
	if (!rc)
		rc = fdt_setprop_u32(fdt, node, "#size-cells", 2);
	if (!rc)
		rc = fdt_setprop_empty(fdt, node, "ranges");
	return rc ? rc : node;
}

int sbi_fdt_reserve_region(void *fdt, const char *name, u64 base, u64 size,
			   bool no_map)
{
	char node_name[64];
	fdt32_t reg[4];
	int parent, node, ac, sc, n, rc;

	parent = reserved_memory_node(fdt);
	if (parent < 0)
		return parent;

	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -FDT_ERR_BADNCELLS;

	n = put_cells(reg, ac, base);
	if (n < 0)
		return n;
	rc = put_cells(reg + ac, sc, size);
	if (rc < 0)
		return rc;

	sbi_snprintf(node_name, sizeof(node_name), "%s@%llx", name,
		     (unsigned long long)base);
	node = fdt_add_subnode(fdt, parent, node_name);
	if (node < 0)
		return node;

	rc = fdt_setprop(fdt, node, "reg", reg, (ac + sc) * sizeof(fdt32_t));
	if (!rc && no_map)
		rc = fdt_setprop_empty(fdt, node, "no-map");
	return rc;
}
