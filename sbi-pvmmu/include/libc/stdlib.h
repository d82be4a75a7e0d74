/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __LIBC_STDLIB_H__
#define __LIBC_STDLIB_H__

/* Nothing from <stdlib.h> is needed by the libfdt objects we build. */
#include <stddef.h>

#endif
