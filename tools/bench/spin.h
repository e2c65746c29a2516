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
 * One poll of a busy-wait. After as many polls as a busy-polling ring
 * makes (2^20) it yields, counted as a system call: with fewer free cores
 * than spinning threads the peer may not be running at all. Yielding
 * sooner would make the baseline pay for the scheduler on every wait.
 */
static inline void spin_once(unsigned int *n, uint64_t *calls)
{
	if (++*n % (1U << 20) == 0) {
		(*calls)++;
		sched_yield();
	} else {
		cpu_relax();
	}
}

#endif
