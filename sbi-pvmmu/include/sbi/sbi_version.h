/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __SBI_VERSION_H__
#define __SBI_VERSION_H__

#define SBI_PVMMU_VERSION_MAJOR		0
#define SBI_PVMMU_VERSION_MINOR		1
#define SBI_PVMMU_VERSION_PATCH		0
#define SBI_PVMMU_VERSION_STRING	"0.1.0"

/* Returned by sbi_get_impl_version(): (major << 16) | minor. */
#define SBI_PVMMU_VERSION \
	((SBI_PVMMU_VERSION_MAJOR << 16) | SBI_PVMMU_VERSION_MINOR)

#endif
