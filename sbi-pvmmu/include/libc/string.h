/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __LIBC_STRING_H__
#define __LIBC_STRING_H__

#include <sbi/sbi_string.h>

#endif
