/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __SBI_TIMER_H__
#define __SBI_TIMER_H__

#include <sbi/sbi_scratch.h>

void sbi_timer_init_hart(struct sbi_scratch *scratch);
/* Program the S-mode timer of the calling hart */
void sbi_timer_event_start(u64 next_event);
/* Stop the S-mode timer of the calling hart (used when it stops) */
void sbi_timer_event_stop(void);
/* M-mode timer interrupt (non-Sstc path) */
void sbi_timer_process(void);
u64 sbi_timer_value(void);

#endif
