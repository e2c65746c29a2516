/* SPDX-License-Identifier: MIT */
/*
 * Limits that stop the classic transports from carrying the larger
 * messages. The process limit is always raised as far as allowed (it
 * touches nothing outside this process); the system-wide ones only with
 * --raise-limits, meant for the throw-away test VM.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "bench.h"

void limits_process(void)
{
	struct rlimit rl;

	/* POSIX mq: 8 queued 1 MiB messages are over the 800 KiB default. */
	if (getrlimit(RLIMIT_MSGQUEUE, &rl) < 0)
		return;
	rl.rlim_cur = RLIM_INFINITY;
	rl.rlim_max = RLIM_INFINITY;
	if (setrlimit(RLIMIT_MSGQUEUE, &rl) < 0) {
		getrlimit(RLIMIT_MSGQUEUE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MSGQUEUE, &rl);
	}
}

static void set_sysctl(const char *path, unsigned long value)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%lu\n", value) < 0)
		bench_warn("cannot raise %s", path);
	if (f)
		fclose(f);
}

void limits_raise_system(void)
{
	/* Room for 8 messages of 1 MiB; 16 MiB is the mqueue hard limit. */
	set_sysctl("/proc/sys/kernel/msgmax", 1UL << 20);
	set_sysctl("/proc/sys/kernel/msgmnb", 8UL << 20);
	set_sysctl("/proc/sys/fs/mqueue/msgsize_max", 1UL << 20);
	set_sysctl("/proc/sys/net/core/wmem_max", 8UL << 20);
	set_sysctl("/proc/sys/net/core/rmem_max", 8UL << 20);
}
