/* SPDX-License-Identifier: MIT */
/* Polling helpers for the in-process baselines. */
#ifndef KIPC_BENCH_SPIN_H
#define KIPC_BENCH_SPIN_H

#include <sched.h>
#include <stdint.h>

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/*
 * One poll of a busy-wait. Every 4096 polls it yields, counted as a system
 * call: on a machine with fewer free cores than spinning threads the peer
 * would otherwise wait for a whole time slice.
 */
static inline void spin_once(unsigned int *n, uint64_t *calls)
{
	if (++*n % 4096 == 0) {
		(*calls)++;
		sched_yield();
	} else {
		cpu_relax();
	}
}

#endif
