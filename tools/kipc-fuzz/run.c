// SPDX-License-Identifier: MIT
/* Choosing the next operation: a weighted table, drawn from the seed. */
#include "fuzz.h"

struct fuzz_op {
	void (*fn)(struct fuzz *f);
	unsigned int weight;
};

/* Heavier on the message and ring paths, where the state is. */
static const struct fuzz_op ops[] = {
	{ op_version, 2 }, { op_open, 3 }, { op_ep_set, 4 },
	{ op_mbox_create, 6 }, { op_mbox_open, 5 }, { op_mbox_delete, 3 },
	{ op_mbox_set, 3 }, { op_stat, 4 }, { op_list, 3 },
	{ op_send, 20 }, { op_recv, 16 }, { op_call, 5 }, { op_reply, 4 },
	{ op_notify, 3 }, { op_ring_create, 4 }, { op_ring_attach, 5 },
	{ op_ring_delete, 2 }, { op_ring_wait, 5 }, { op_ring_wake, 3 },
	{ op_mmap, 5 }, { op_munmap, 2 }, { op_mremap, 2 }, { op_scribble, 5 },
	{ op_close, 4 }, { op_dup, 2 }, { op_fcntl, 2 }, { op_poll, 3 },
	{ op_raw_ioctl, 3 }, { op_fork, 1 },
};

#define NOPS	(sizeof(ops) / sizeof(ops[0]))

void fuzz_one(struct fuzz *f)
{
	static unsigned int total;
	unsigned int i, r;

	if (!total)
		for (i = 0; i < NOPS; i++)
			total += ops[i].weight;
	r = rng_below(f, total);
	for (i = 0; r >= ops[i].weight; i++)
		r -= ops[i].weight;
	f->opno++;
	__atomic_fetch_add(&f->sh->ops[f->proc], 1, __ATOMIC_RELAXED);
	ops[i].fn(f);
}

void fuzz_run(struct fuzz *f, uint64_t n)
{
	while (n--)
		fuzz_one(f);
}
