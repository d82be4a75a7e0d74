/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device tree helpers (parsing and fixups), built on libfdt.
 */
#ifndef __SBI_FDT_H__
#define __SBI_FDT_H__

#include <sbi/sbi_hart.h>
#include <sbi/sbi_types.h>

/* reg entry @index of @node, decoded with the parent's cell sizes */
int sbi_fdt_get_reg(const void *fdt, int node, int index,
		    u64 *addr, u64 *size);
/* True if the node has no "status" or status is "okay"/"ok" */
bool sbi_fdt_node_is_enabled(const void *fdt, int node);
/* First enabled node compatible with one of @compats (NULL-terminated) */
int sbi_fdt_find_compatible(const void *fdt, int start,
			    const char *const *compats);
/* Hart id of the cpu node that contains @node (e.g. its interrupt controller) */
int sbi_fdt_node_to_hartid(const void *fdt, int node, unsigned long *hartid);

/* Cold boot: fill RAM regions from /memory nodes */
int sbi_fdt_parse_memory(const void *fdt);
/*
 * Cold boot: give the usable cpus of /cpus hart indexes (sbi_hart_add())
 * and their features; @described gets the indexes that have a cpu node.
 * Returns how many usable cpus got no index (all taken), or an FDT error.
 */
int sbi_fdt_parse_cpus(const void *fdt, sbi_hartmask_t *described);

/* Cold boot: apply all firmware fixups to the FDT passed to the OS */
int sbi_fdt_fixup(void *fdt);

/*
 * Add /reserved-memory/<name>@<base> (creating /reserved-memory if
 * needed) with reg = <base size> and, if @no_map, the no-map property.
 * The FDT must have enough free space (see sbi_fdt_fixup()).
 */
int sbi_fdt_reserve_region(void *fdt, const char *name, u64 base, u64 size,
			   bool no_map);

#endif
