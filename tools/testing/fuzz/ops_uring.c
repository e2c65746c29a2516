// SPDX-License-Identifier: MIT
/*
 * kipc commands through io_uring (IORING_OP_URING_CMD): each process has
 * a ring it submits random commands to (SEND, RECV, CALL, REPLY, XFER,
 * the ring and sync waits, or any command number) on random fds, some
 * forced to io-wq, some linked; and it reaps, waits for, cancels, or
 * tears the ring down while commands are parked in kipc. Process exit
 * (the forked children, the end of the run) cancels what is left.
 *
 * A command's argument must stay put until its completion: the kernel
 * reads it when the command runs (perhaps later, in io-wq) and writes
 * results into it. Each in-flight command owns a slot of a dedicated
 * area, apart from the areas the synchronous operations check their
 * results in. Payload buffers come from the shared data area, whose
 * contents nobody checks.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

#include <liburing.h>
#include <kipc_uring.h>

#include "fuzz.h"

#define URING_ENTRIES	32
#define SLOT_BYTES	512	/* an argument struct, or an XFER and its entries */
#define XFER_ENTRIES	((SLOT_BYTES - sizeof(struct kipc_xfer)) / \
			 sizeof(struct kipc_mmsg))
#define BLOCK_FLAGS	(KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME)

struct fuzz_uring {
	struct io_uring ring;
	unsigned char *slots;	/* FUZZ_URING_SLOTS x SLOT_BYTES */
	uint32_t busy;		/* slots whose command has not completed */
	bool up;
};

static struct fuzz_uring fu;

static bool uring_start(void)
{
	if (fu.up)
		return true;
	if (!fu.slots) {
		fu.slots = mmap(NULL, FUZZ_URING_SLOTS * SLOT_BYTES,
				PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fu.slots == MAP_FAILED) {
			fu.slots = NULL;
			return false;
		}
	}
	if (io_uring_queue_init(URING_ENTRIES, &fu.ring, 0) < 0)
		return false;
	fu.up = true;
	fu.busy = 0;
	return true;
}

/* A forked child does not use its parent's ring (io_uring is per task). */
void fuzz_uring_forget(void)
{
	fu.up = false;
	fu.busy = 0;
}

/* What a completion may carry: 0, a count, or -errno. */
static void check_cqe(struct fuzz *f, const struct io_uring_cqe *cqe)
{
	uint64_t slot = cqe->user_data;

	if (slot == FUZZ_URING_SLOTS)	/* a cancel request's own */
		return;
	if (slot > FUZZ_URING_SLOTS)
		impossible(f, "uring: user_data %llu", (unsigned long long)slot);
	if (cqe->res < -4095)
		impossible(f, "uring: res %d", cqe->res);
	note(f, "URING_CQE", cqe->res);
	fu.busy &= ~(1U << slot);
}

static void reap(struct fuzz *f)
{
	struct io_uring_cqe *cqe;

	while (!io_uring_peek_cqe(&fu.ring, &cqe)) {
		check_cqe(f, cqe);
		io_uring_cqe_seen(&fu.ring, cqe);
	}
}

/*
 * One command's argument, all drawn before anything is looked at, into
 * @arg (SLOT_BYTES). Returns the command number.
 */
static unsigned int draw_cmd(struct fuzz *f, unsigned char *arg)
{
	uint32_t kind = rng_below(f, 100), len = pick_len(f);
	uint64_t id = pick_id(f), buf = pick_buf(f, len);
	uint32_t flags = pick_flags(f, BLOCK_FLAGS | KIPC_SEND_MAILBOX |
				       KIPC_RECV_PEEK);
	uint32_t n = 1 + rng_below(f, XFER_ENTRIES), tk = rng_below(f, FUZZ_TOKENS);
	uint32_t raw = (uint32_t)rng64(f);
	struct kipc_timespec ts;
	unsigned int i;

	pick_timeout(f, &flags, &ts);
	memset(arg, 0, SLOT_BYTES);
	if (kind < 25) {
		struct kipc_send *s = (void *)arg;

		s->size = sizeof(*s);
		s->flags = flags & (BLOCK_FLAGS | KIPC_SEND_MAILBOX);
		s->timeout = ts;
		s->dest = id;
		s->len = len;
		s->buf = buf;
		return KIPC_IOC_SEND;
	}
	if (kind < 55) {
		struct kipc_recv *r = (void *)arg;

		r->size = sizeof(*r);
		r->flags = flags & (BLOCK_FLAGS | KIPC_RECV_PEEK);
		r->timeout = ts;
		r->buf_len = len;
		r->buf = buf;
		return KIPC_IOC_RECV;
	}
	if (kind < 65) {
		struct kipc_call *c = (void *)arg;

		c->size = sizeof(*c);
		c->flags = flags & BLOCK_FLAGS;
		c->timeout = ts;
		c->dest = id;
		c->len = len / 2;
		c->buf = buf;
		c->reply_buf_len = len - len / 2;
		c->reply_buf = buf + len / 2;
		return KIPC_IOC_CALL;
	}
	if (kind < 70) {
		struct kipc_reply *r = (void *)arg;

		r->size = sizeof(*r);
		r->token = f->tokens[tk];
		r->len = len;
		r->buf = buf;
		return KIPC_IOC_REPLY;
	}
	if (kind < 85) {
		struct kipc_xfer *x = (void *)arg;
		struct kipc_mmsg *m = (void *)(x + 1);
		bool send = kind < 78;

		x->size = sizeof(*x);
		x->entry_size = sizeof(*m);
		x->flags = flags & (BLOCK_FLAGS | KIPC_SEND_MAILBOX);
		x->timeout = ts;
		x->dest = id;
		for (i = 0; i < n; i++) {
			m[i].len = len / n;
			m[i].buf_len = len / n;
			m[i].buf = buf + (uint64_t)i * (len / n);
		}
		/* 1: the entries that follow; set when the slot is known. */
		if (send || kind == 84) {
			x->send_msgs = 1;
			x->send_count = n;
		}
		if (!send) {
			x->recv_msgs = 1;
			x->recv_count = n;
		}
		return KIPC_IOC_XFER;
	}
	if (kind < 95) {
		struct kipc_ring_wait *w = (void *)arg;

		w->size = sizeof(*w);
		w->flags = (flags & BLOCK_FLAGS) | (kind & 1 ?
			KIPC_RING_WAIT_READABLE : KIPC_RING_WAIT_WRITABLE);
		w->n = kind & 1 ? 0 : 1;
		w->timeout = ts;
		return KIPC_IOC_RING_WAIT;
	}
	/* Any command, with whatever bytes the slot holds. */
	for (i = 0; i < 4; i++)
		memcpy(arg + i * 8, &raw, sizeof(raw));
	return _IOWR(KIPC_IOC_MAGIC, raw & 0x7f, struct kipc_send);
}

static void submit(struct fuzz *f, unsigned int count)
{
	unsigned char arg[SLOT_BYTES];
	unsigned int i, cmd, slot, n = 0;
	struct io_uring_sqe *sqe;

	for (i = 0; i < count; i++) {
		int fd = pick_fd_for(f, FD_MSG);
		uint32_t how = rng_below(f, 100), where = rng_below(f, 100);
		void *p;

		cmd = draw_cmd(f, arg);
		if (!fu.up || fu.busy == (1U << FUZZ_URING_SLOTS) - 1)
			continue;
		slot = (unsigned int)__builtin_ctz(~fu.busy);
		p = fu.slots + (size_t)slot * SLOT_BYTES;
		memcpy(p, arg, SLOT_BYTES);
		if (cmd == KIPC_IOC_XFER) {
			/* The kernel writes the entries back: into the slot. */
			struct kipc_xfer *x = p;
			uint64_t m = (uint64_t)(uintptr_t)(x + 1);

			x->send_msgs = x->send_msgs ? m : 0;
			x->recv_msgs = x->recv_msgs ? m : 0;
		}
		/* Now and then an argument the kernel cannot read. */
		if (!f->sane && where < 4)
			p = where < 2 ? (void *)f->unmapped : NULL;
		sqe = io_uring_get_sqe(&fu.ring);
		if (!sqe)
			continue;
		kipc_uring__prep(sqe, fd, cmd, p);
		io_uring_sqe_set_data64(sqe, slot);
		if (how < 10)
			sqe->flags |= IOSQE_ASYNC;
		else if (how < 20 && i + 1 < count)
			sqe->flags |= IOSQE_IO_LINK;
		fu.busy |= 1U << slot;
		n++;
	}
	if (n) {
		int ret = io_uring_submit(&fu.ring);

		note(f, "URING_SUBMIT", ret);
		if (ret > (int)n)
			impossible(f, "io_uring_submit: %d of %u", ret, n);
	}
}

void op_uring(struct fuzz *f)
{
	uint32_t what = rng_below(f, 100), count = 1 + rng_below(f, 4);
	struct __kernel_timespec ts = { 0, (long long)rng_below(f, 3) * 1000000 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int ret;

	if (!uring_start())
		note(f, "URING_SETUP", -ENOMEM);
	if (what < 55) {
		/* It draws its arguments whether or not there is a ring. */
		submit(f, count);
		if (fu.up)
			reap(f);
	} else if (!fu.up) {
		return;
	} else if (what < 80) {
		reap(f);
	} else if (what < 90) {
		/* Waits at most 2 ms: parked commands complete in the meantime. */
		ret = io_uring_wait_cqe_timeout(&fu.ring, &cqe, &ts);
		note(f, "URING_WAIT", ret);
		reap(f);
	} else if (what < 96) {
		sqe = io_uring_get_sqe(&fu.ring);
		if (sqe) {
			io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY |
						       IORING_ASYNC_CANCEL_ALL);
			io_uring_sqe_set_data64(sqe, FUZZ_URING_SLOTS);
			note(f, "URING_CANCEL", io_uring_submit(&fu.ring));
		}
		reap(f);
	} else {
		/*
		 * Teardown cancels every command still parked in kipc, and
		 * their results go to arguments that are no longer mapped.
		 */
		io_uring_queue_exit(&fu.ring);
		munmap(fu.slots, FUZZ_URING_SLOTS * SLOT_BYTES);
		fu.slots = NULL;
		fu.up = false;
		fu.busy = 0;
		note(f, "URING_EXIT", 0);
	}
}
