// SPDX-License-Identifier: MIT
/* Choosing the next operation: a weighted table, drawn from the seed. */
#include <stdio.h>
#include <time.h>

#include "fuzz.h"

struct fuzz_op {
	void (*fn)(struct fuzz *f);
	unsigned int weight;
	const char *name;
};

#define OP(fn, w)	{ op_##fn, w, #fn }

/*
 * Heavier on the message and ring paths, where the state is; opening
 * /dev/kipc and forking are the dearest operations under the debug
 * kernel (10-20 ms and about half a second in TCG), so they are rare.
 */
static const struct fuzz_op ops[] = {
	OP(version, 2), OP(open, 1), OP(ep_set, 4),
	OP(mbox_create, 6), OP(mbox_open, 5), OP(mbox_delete, 3),
	OP(mbox_set, 3), OP(stat, 4), OP(list, 3),
	OP(send, 20), OP(recv, 16), OP(call, 5), OP(reply, 4),
	OP(sendrecv, 4), OP(reply_recv, 4), OP(read, 8), OP(write, 8),
	OP(notify, 3), OP(ring_create, 4), OP(ring_attach, 5),
	OP(ring_delete, 2), OP(ring_wait, 5), OP(ring_wake, 3),
	OP(mmap, 5), OP(munmap, 2), OP(mremap, 2), OP(scribble, 5),
	OP(close, 4), OP(dup, 2), OP(fcntl, 2), OP(poll, 3),
	OP(raw_ioctl, 3), OP(fork, 1), OP(uring, 8),
	OP(sem_create, 3), OP(sem_open, 2), OP(sem_delete, 2),
	OP(sem_wait, 4), OP(sem_post, 4),
	OP(mutex_create, 3), OP(mutex_open, 2), OP(mutex_delete, 2),
	OP(mutex_lock, 4), OP(mutex_unlock, 3), OP(mutex_consistent, 2),
};

#define NOPS	(sizeof(ops) / sizeof(ops[0]))
_Static_assert(NOPS <= FUZZ_KINDS, "FUZZ_KINDS too small");

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

void fuzz_one(struct fuzz *f)
{
	static unsigned int total;
	unsigned int i, r;
	uint64_t t0;

	if (!total)
		for (i = 0; i < NOPS; i++)
			total += ops[i].weight;
	r = rng_below(f, total);
	/*
	 * Half the operations get only valid arguments: each bad field alone
	 * would make almost every call fail with EINVAL before it reaches
	 * any state worth fuzzing.
	 */
	f->sane = rng_chance(f, 50);
	for (i = 0; r >= ops[i].weight; i++)
		r -= ops[i].weight;
	f->opno++;
	__atomic_fetch_add(&f->sh->ops[f->proc], 1, __ATOMIC_RELAXED);
	note(f, ops[i].name, FUZZ_PENDING);
	if (!f->stats) {
		ops[i].fn(f);
		return;
	}
	t0 = now_ns();
	ops[i].fn(f);
	__atomic_fetch_add(&f->sh->kind_ns[i], now_ns() - t0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&f->sh->kind_ops[i], 1, __ATOMIC_RELAXED);
}

/* Where the time goes, to choose weights that keep the rate up. */
void fuzz_print_stats(const struct fuzz_shared *sh)
{
	unsigned int i;

	for (i = 0; i < NOPS; i++)
		fprintf(stderr, "fuzz: %-16s %9llu ops %9.1f us/op\n", ops[i].name,
			(unsigned long long)sh->kind_ops[i],
			sh->kind_ops[i] ? sh->kind_ns[i] / 1e3 / sh->kind_ops[i] : 0.0);
}

void fuzz_run(struct fuzz *f, uint64_t n)
{
	while (n--)
		fuzz_one(f);
}
