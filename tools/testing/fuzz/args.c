// SPDX-License-Identifier: MIT
/*
 * Random and boundary arguments. Each picker draws a fixed number of
 * random words whatever it returns (see the rule in fuzz.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

/* Payload and buffer lengths: the edges of every limit kipc has. */
uint32_t pick_len(struct fuzz *f)
{
	static const uint32_t edge[] = {
		0, 1, 7, 8, 24, 63, 64, 65, 4095, 4096,
		KIPC_MSG_SIZE_DEFAULT, KIPC_MSG_SIZE_DEFAULT + 1,
		1U << 20, (1U << 20) + 1, 64U << 20, 0x7fffffffU, 0xffffffffU,
	};
	uint32_t kind = rng_below(f, 100), e = rng_below(f, sizeof(edge) / sizeof(edge[0]));
	uint32_t small = rng_below(f, 512);

	if (kind < 70 || f->sane)
		return small;
	if (kind < 93)
		return edge[e % 11];	/* the cheap edges */
	return edge[e];
}

/* Mostly valid bits, sometimes unknown ones, sometimes garbage. */
uint32_t pick_flags(struct fuzz *f, uint32_t valid)
{
	uint32_t kind = rng_below(f, 100);
	uint32_t r = (uint32_t)rng64(f), bit = 1U << rng_below(f, 32);

	if (kind < 80 || f->sane)
		return r & valid;
	if (kind < 92)
		return (r & valid) | bit;
	return r;
}

/* Ids: 0, ours, another process's, never used, garbage. */
uint64_t pick_id(struct fuzz *f)
{
	uint32_t kind = rng_below(f, 100), i = rng_below(f, FUZZ_IDS);
	uint32_t mb = rng_below(f, FUZZ_MBOXES), rg = rng_below(f, FUZZ_RINGS);
	uint64_t r = rng64(f);

	if (kind < 5)
		return 0;
	if (kind < 25 && f->mb[mb].id)
		return f->mb[mb].id;
	if (kind < 35 && f->ring_ids[rg])
		return f->ring_ids[rg];
	if (kind < 85)
		return __atomic_load_n(&f->sh->ids[i], __ATOMIC_RELAXED);
	if (kind < 92)
		return (1ULL << 62) + (r & 0xffff);	/* never used */
	if (kind < 96)
		return r & 0x3ff;
	return kind < 98 ? ~0ULL : r;
}

uint32_t pick_prio(struct fuzz *f)
{
	uint32_t kind = rng_below(f, 100), p = rng_below(f, KIPC_PRIO_MAX + 1);
	uint32_t r = (uint32_t)rng64(f);

	if (kind < 90 || f->sane)
		return p;
	return kind < 95 ? KIPC_PRIO_MAX + 1 : r;
}

/* The size field of an extensible struct: right, old, short, long, huge. */
uint32_t pick_size(struct fuzz *f, uint32_t ver0, uint32_t full)
{
	uint32_t kind = rng_below(f, 100), r = (uint32_t)rng64(f);

	if (kind < 82 || f->sane)
		return full;
	switch (kind % 9) {
	case 0: return ver0;
	case 1: return ver0 - 1;
	case 2: return 0;
	case 3: return full + 8;	/* tail zero: accepted */
	case 4: return full + 1 + (r & 511);
	case 5: return 4096;
	case 6: return 0xffffffffU;
	case 7: return r & 0xfff;
	default: return 8;
	}
}

/*
 * Blocking is never unbounded: without KIPC_TIMEOUT the call gets
 * KIPC_NONBLOCK; a valid timeout is at most two milliseconds ahead.
 * Malformed timeouts are fine: the kernel rejects them at once.
 */
void pick_timeout(struct fuzz *f, uint32_t *flags, struct kipc_timespec *ts)
{
	uint32_t kind = rng_below(f, 100), ns = rng_below(f, 2000000);
	struct timespec now;

	ts->tv_sec = 0;
	ts->tv_nsec = ns;
	if (kind < 50) {
		*flags = (*flags | KIPC_NONBLOCK) & ~(KIPC_TIMEOUT | KIPC_ABSTIME);
		return;
	}
	*flags = (*flags | KIPC_TIMEOUT) & ~KIPC_NONBLOCK;
	if (kind < 75) {
		*flags &= ~KIPC_ABSTIME;
		return;
	}
	if (kind < 85 || f->sane) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		*flags |= KIPC_ABSTIME;
		ts->tv_sec = now.tv_sec;
		ts->tv_nsec = now.tv_nsec + ns;
		if (ts->tv_nsec > 999999999) {
			ts->tv_sec++;
			ts->tv_nsec -= 1000000000;
		}
		return;
	}
	*flags &= ~KIPC_ABSTIME;
	switch (kind % 5) {
	case 0: ts->tv_sec = -1; break;
	case 1: ts->tv_nsec = 1000000000; break;
	case 2: ts->tv_nsec = -1; break;
	case 3: *flags |= KIPC_NONBLOCK; break;		/* both: EINVAL */
	default: *flags = (*flags & ~KIPC_TIMEOUT) | KIPC_ABSTIME | KIPC_NONBLOCK; break;
	}
}

/* A few shared names so processes collide; sometimes no NUL at all. */
void pick_name(struct fuzz *f, char name[KIPC_NAME_MAX])
{
	uint32_t kind = rng_below(f, 100), n = rng_below(f, 8);

	memset(name, 0, KIPC_NAME_MAX);
	if (kind < 40)
		return;
	if (kind < 95 || f->sane) {
		snprintf(name, KIPC_NAME_MAX, "fz%u", n);
		return;
	}
	memset(name, kind & 1 ? 'x' : 0xff, KIPC_NAME_MAX);	/* unterminated */
}

/*
 * A user pointer for @len bytes: mostly good, else NULL, unmapped,
 * read-only, running into the guard page, kernel or non-canonical.
 */
uint64_t pick_buf(struct fuzz *f, uint32_t len)
{
	uint32_t kind = rng_below(f, 100), off = rng_below(f, 4096);
	uint64_t half = len / 2 + 1;

	if (kind < 88 || f->sane)
		return (uint64_t)(uintptr_t)(len <= f->data_len ?
			f->data_area + f->data_len - len : f->data_area);
	switch (kind % 6) {
	case 0: return 0;
	case 1: return (uint64_t)(uintptr_t)f->unmapped + off;
	case 2: return (uint64_t)(uintptr_t)f->ro_page + (off & 0xff);
	case 3: return half < f->data_len ?
		(uint64_t)(uintptr_t)(f->data_area + f->data_len - half) :
		(uint64_t)(uintptr_t)f->data_area;
	case 4: return 0xffff888000000000ULL + off;
	default: return 0x8000000000000000ULL + off;
	}
}

/* Any fd: one of our kipc fds of any kind, a pipe, or a number. */
int pick_fd(struct fuzz *f)
{
	uint32_t kind = rng_below(f, 100), i = rng_below(f, 64);

	if (kind < 30)
		return f->ep[i % FUZZ_EPS].fd;
	if (kind < 55)
		return f->mb[i % FUZZ_MBOXES].fd;
	if (kind < 80)
		return f->ring[i % FUZZ_RINGS].fd;
	if (kind < 90)
		return f->sync[i % FUZZ_SYNCS].fd;
	if (kind < 95)
		return f->other_fd;
	return kind < 98 ? -1 : (int)i + 3;
}

void publish_id(struct fuzz *f, uint64_t id)
{
	uint32_t i = (uint32_t)(id * 0x9e3779b97f4a7c15ULL >> 56);

	if (id)
		__atomic_store_n(&f->sh->ids[i % FUZZ_IDS], id, __ATOMIC_RELAXED);
}

/* The first slot of @t from @start on that holds an fd, or -1. */
int first_used(const struct fuzz_fd *t, unsigned int n, unsigned int start)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[(start + i) % n].fd >= 0)
			return (int)((start + i) % n);
	return -1;
}

/*
 * Mostly an fd of the kind the operation is for (an empty table would
 * only earn EBADF), else any fd, for the wrong-kind paths.
 */
int pick_fd_for(struct fuzz *f, int want)
{
	uint32_t kind = rng_below(f, 100), i = rng_below(f, 64), mb = rng_below(f, 2);
	int any = pick_fd(f), k;

	if (kind >= 80)
		return any;
	if (want == FD_RING) {
		k = first_used(f->ring, FUZZ_RINGS, i);
		return k < 0 ? any : f->ring[k].fd;
	}
	if (want == FD_SEM || want == FD_MUTEX) {
		uint32_t type = want == FD_SEM ? KIPC_TYPE_SEM : KIPC_TYPE_MUTEX;
		unsigned int j;

		for (j = 0; j < FUZZ_SYNCS; j++) {
			k = (int)((i + j) % FUZZ_SYNCS);
			if (f->sync[k].fd >= 0 && f->sync[k].role == type)
				return f->sync[k].fd;
		}
		return any;
	}
	if (want == FD_MSG && mb) {
		k = first_used(f->mb, FUZZ_MBOXES, i);
		if (k >= 0)
			return f->mb[k].fd;
	}
	k = first_used(f->ep, FUZZ_EPS, i);
	return k < 0 ? any : f->ep[k].fd;
}
