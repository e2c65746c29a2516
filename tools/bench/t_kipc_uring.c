/* SPDX-License-Identifier: MIT */
/*
 * kipc mailbox through io_uring (IORING_OP_URING_CMD, <kipc_uring.h>): the
 * producer submits sends and the consumer submits receives in batches of
 * 16 or 64 commands per io_uring_enter, with and without SQPOLL; or one
 * command per batch of 64 (XFER, kipc-uring-x64, at the end).
 *
 * Order: io_uring does not keep independent requests in order once one
 * of them has to wait (a send to a full mailbox, a receive from an empty
 * one goes to an io-wq worker while later ones run inline). A batch is
 * therefore one IOSQE_IO_LINK chain, whose commands run one after the
 * other, and the next batch is submitted once the previous one has
 * completed. The consumer's batch is a chain of receives into as many
 * buffers, so a batch's worth of receives is in the kernel at once; the
 * i-th buffer of a chain holds the i-th message dequeued, and the usual
 * sequence check of every message proves the stream arrived complete and
 * in order.
 *
 * Payloads: a command's buffer must stay untouched until its completion,
 * so each side owns a buffer per command of a batch; the producer stamps
 * the sequence number in place there, as an application composing its
 * messages in those buffers would, rather than copying the runner's.
 *
 * Counting: every io_uring_enter the process makes is a system call. The
 * SQEs are handed to the kernel here (uq_publish) rather than by
 * io_uring_submit(), so each io_uring_enter is made, and counted, here:
 * without SQPOLL one per batch (submit and wait together); with SQPOLL one
 * when the submission thread has gone to sleep and must be woken, or the
 * batch has not completed by the time the process looks (one call does
 * both). The CPU time
 * of the io-wq workers and of the SQPOLL thread (threads of the process)
 * is added to the caller's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include <libkipc.h>
#include <liburing.h>
#include <kipc_uring.h>

#include "bench.h"
#include "kipc_common.h"

/* How long the SQPOLL thread polls an empty queue before it sleeps. */
#define SQPOLL_IDLE_MS	10
/* Commands per batch, at most: the rings' size. */
#define BATCH_MAX	64

struct uring_chan {
	int ep, mb;
	unsigned int batch;
	unsigned int setup_flags;	/* IORING_SETUP_* */
};

struct uring_side {
	struct io_uring *ring;
	unsigned int batch;	/* commands per chain, at most */
	unsigned int chain;	/* commands in the current chain */
	unsigned int n;		/* prepared (producer) or consumed (consumer) */
	char *bufs;		/* a buffer of @size bytes per command */
	size_t bufs_len;
	struct kipc_send *sa;
	struct kipc_recv *ra;
	int *res;		/* the consumer's completions, by position */
	uint64_t helper0;	/* helper_cpu_ns() when the stream started */
	int failed;		/* the ring may hold requests: close it */
};

/* CPU time of the process's threads other than the caller: io-wq, SQPOLL. */
static uint64_t helper_cpu_ns(void)
{
	struct rusage ru;
	uint64_t all;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	all = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
		      1000000000ULL +
	      ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000ULL;
	return all - cpu_ns();
}

static int ring_make(struct io_uring *ring, unsigned int entries,
		     unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	if (flags & IORING_SETUP_SQPOLL)
		p.sq_thread_idle = SQPOLL_IDLE_MS;
	return io_uring_queue_init_params(entries, ring, &p);
}

/*
 * A process's rings, one without and one with SQPOLL, made on first use
 * and kept until the process exits. Closing a ring is not finished when
 * close() returns: the kernel's teardown later interrupts every task that
 * used the ring (task work queued with TWA_SIGNAL), and kipc's waits take
 * that for a signal and return -EINTR, so the next transport measured in
 * the runner would fail at random. A ring is closed only after an error,
 * when requests may still be queued in it.
 */
struct ring_cache {
	struct io_uring ring;
	pid_t pid;		/* 0, or the process that made it */
};

static struct ring_cache rings[2];

/* This process's ring for @flags; a forked peer makes its own. */
static struct io_uring *ring_get(unsigned int flags)
{
	struct ring_cache *rc = &rings[!!(flags & IORING_SETUP_SQPOLL)];

	if (rc->pid != getpid()) {
		if (ring_make(&rc->ring, BATCH_MAX, flags) < 0)
			return NULL;
		rc->pid = getpid();
	}
	return &rc->ring;
}

static void ring_put(struct io_uring *ring, int failed)
{
	unsigned int i;

	if (!failed && !io_uring_cq_ready(ring) && !io_uring_sq_ready(ring))
		return;
	/* Cancels whatever an error left queued. */
	io_uring_queue_exit(ring);
	for (i = 0; i < 2; i++)
		if (&rings[i].ring == ring)
			rings[i].pid = 0;
}

static int uring_make(void **chan, size_t size, const char **why,
		      unsigned int batch, unsigned int setup_flags)
{
	struct kipc_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED,
		.max_msgs = KQ_MSGS,
		.max_bytes = kq_bytes(size),
		.msg_max = kq_msg_max(size),
		.mode = 0600,
	};
	struct uring_chan *c;
	int ret;

	/* io_uring may be compiled out, disabled by sysctl or short of SQPOLL. */
	if (!ring_get(setup_flags)) {
		*why = setup_flags & IORING_SETUP_SQPOLL ?
			       "no io_uring with SQPOLL here" : "no io_uring here";
		return BENCH_SKIP;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->batch = batch;
	c->setup_flags = setup_flags;
	c->ep = kipc_open(0);
	if (c->ep < 0) {
		ret = c->ep;
		free(c);
		return ret;
	}
	c->mb = kipc_mbox_create(c->ep, NULL, &attr, NULL);
	if (c->mb < 0) {
		ret = c->mb;
		close(c->ep);
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int b16_setup(void **chan, size_t size, const char **why)
{
	return uring_make(chan, size, why, 16, 0);
}

static int b64_setup(void **chan, size_t size, const char **why)
{
	return uring_make(chan, size, why, 64, 0);
}

static int sqpoll_setup(void **chan, size_t size, const char **why)
{
	return uring_make(chan, size, why, 16, IORING_SETUP_SQPOLL);
}

static void uring_free(struct uring_side *u)
{
	if (u->bufs)
		msg_free(u->bufs, u->bufs_len);
	free(u->sa);
	free(u->ra);
	free(u->res);
	free(u);
}

/*
 * A side's batch (at most the channel's, at most the stream) and its
 * buffers, one of @size bytes per message of a batch.
 */
static int side_bufs(struct side *s, unsigned int *batch, char **bufs,
		     size_t *bufs_len)
{
	struct uring_chan *c = s->chan;

	/* A batch needs to know where the stream ends: no round trips. */
	if (!s->count)
		return -EINVAL;
	*batch = s->count < c->batch ? (unsigned int)s->count : c->batch;
	*bufs_len = s->size * *batch;
	*bufs = msg_alloc(*bufs_len);
	return *bufs ? 0 : -ENOMEM;
}

static int uring_open(struct side *s)
{
	struct uring_chan *c = s->chan;
	struct uring_side *u;
	int ret;

	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	ret = side_bufs(s, &u->batch, &u->bufs, &u->bufs_len);
	if (ret) {
		free(u);
		return ret;
	}
	if (s->role == ROLE_SENDER)
		u->sa = calloc(u->batch, sizeof(*u->sa));
	else
		u->ra = calloc(u->batch, sizeof(*u->ra));
	u->res = calloc(u->batch, sizeof(*u->res));
	u->ring = ring_get(c->setup_flags);
	if (!(u->sa || u->ra) || !u->res || !u->ring) {
		uring_free(u);
		return -ENOMEM;
	}
	s->priv = u;
	return 0;
}

/*
 * Make the SQEs prepared since the last call visible to the kernel, as
 * io_uring_submit() does before it decides whether to enter: the SQ
 * array maps slot i to SQE i (liburing sets it up so), so moving the
 * tail is all it takes. Returns how many were added.
 */
static unsigned int uq_publish(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned int n = sq->sqe_tail - sq->sqe_head;

	sq->sqe_head = sq->sqe_tail;
	io_uring_smp_store_release(sq->ktail, sq->sqe_tail);
	return n;
}

/* Submit the prepared chain and wait until @wait_nr completions are ready. */
static int uq_submit_wait(struct io_uring *ring, unsigned int wait_nr,
			  uint64_t *calls)
{
	unsigned int to_submit = uq_publish(ring), flags = 0;
	int sqpoll = ring->flags & IORING_SETUP_SQPOLL, ret;

	if (sqpoll) {
		/* The thread's SQ head reads must see the tail first. */
		io_uring_smp_mb();
		if (IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
		to_submit = 0;
	}
	while (to_submit || (flags & IORING_ENTER_SQ_WAKEUP) ||
	       io_uring_cq_ready(ring) < wait_nr) {
		unsigned int ready = io_uring_cq_ready(ring);
		unsigned int want = ready < wait_nr ? wait_nr - ready : 0;

		(*calls)++;
		ret = io_uring_enter(ring->ring_fd, to_submit, want,
				     flags | (want ? IORING_ENTER_GETEVENTS : 0),
				     NULL);
		if (ret < 0 && ret != -EINTR)
			return ret;
		if (ret > 0 && !sqpoll)
			to_submit -= (unsigned int)ret < to_submit ?
					     (unsigned int)ret : to_submit;
		flags = 0;
	}
	return 0;
}

/* Take @n completions of a chain; their results by position in u->res. */
static int uq_reap(struct uring_side *u, unsigned int n)
{
	struct io_uring_cqe *cqe;
	unsigned int i;
	uint64_t pos;

	for (i = 0; i < n; i++) {
		if (io_uring_peek_cqe(u->ring, &cqe))
			return -EPROTO;
		pos = io_uring_cqe_get_data64(cqe);
		if (pos >= n) {
			io_uring_cqe_seen(u->ring, cqe);
			return -EPROTO;
		}
		u->res[pos] = cqe->res;
		io_uring_cqe_seen(u->ring, cqe);
	}
	return 0;
}

static void chain_start(struct uring_side *u, struct side *s, uint64_t seq)
{
	uint64_t left = s->count - seq;

	u->chain = left < u->batch ? (unsigned int)left : u->batch;
	u->n = 0;
	if (!seq)
		u->helper0 = helper_cpu_ns();
}

static void chain_end(struct uring_side *u, struct side *s, uint64_t seq)
{
	if (seq + 1 == s->count)
		s->helper_cpu_ns = helper_cpu_ns() - u->helper0;
}

static int uring_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct uring_chan *c = s->chan;
	struct uring_side *u = s->priv;
	struct io_uring_sqe *sqe;
	unsigned int i;
	char *slot;
	int ret;

	(void)buf;
	if (u->failed)
		return -EPROTO;
	if (!u->n)
		chain_start(u, s, seq);
	i = u->n++;
	slot = u->bufs + (size_t)i * s->size;
	msg_stamp(slot, seq, len);
	kipc_uring_send_args(&u->sa[i], 0, slot, len, 0, 0, NULL);
	sqe = io_uring_get_sqe(u->ring);
	kipc_uring_prep_send(sqe, c->mb, &u->sa[i]);
	io_uring_sqe_set_data64(sqe, i);
	if (u->n < u->chain) {
		sqe->flags |= IOSQE_IO_LINK;
		return 0;
	}
	u->n = 0;
	ret = uq_submit_wait(u->ring, u->chain, &s->calls);
	if (!ret)
		ret = uq_reap(u, u->chain);
	for (i = 0; i < u->chain && !ret; i++)
		if (u->res[i] < 0)
			ret = u->res[i];
	chain_end(u, s, seq);
	u->failed = ret != 0;
	return ret;
}

/* Queue a chain of receives, one per buffer, and wait for all of them. */
static int recv_chain(struct side *s, struct uring_side *u, uint64_t seq)
{
	struct uring_chan *c = s->chan;
	struct io_uring_sqe *sqe;
	unsigned int i;
	int ret;

	chain_start(u, s, seq);
	for (i = 0; i < u->chain; i++) {
		kipc_uring_recv_args(&u->ra[i], 0, u->bufs + (size_t)i * s->size,
				     s->size, 0, NULL);
		sqe = io_uring_get_sqe(u->ring);
		kipc_uring_prep_recv(sqe, c->mb, &u->ra[i]);
		io_uring_sqe_set_data64(sqe, i);
		if (i + 1 < u->chain)
			sqe->flags |= IOSQE_IO_LINK;
	}
	ret = uq_submit_wait(u->ring, u->chain, &s->calls);
	if (!ret)
		ret = uq_reap(u, u->chain);
	chain_end(u, s, seq + u->chain - 1);
	u->failed = ret != 0;
	return ret;
}

static int uring_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct uring_side *u = s->priv;
	unsigned int i;
	int ret;

	(void)buf;
	if (u->n == u->chain) {
		ret = recv_chain(s, u, seq);
		if (ret)
			return ret;
	}
	i = u->n++;
	if (u->res[i] < 0)
		return u->res[i];
	return msg_check(u->bufs + (size_t)i * s->size, u->ra[i].len, seq, len);
}

static void uring_close(struct side *s)
{
	struct uring_side *u = s->priv;

	/* Before the buffers go: an error may have left requests queued. */
	ring_put(u->ring, u->failed);
	uring_free(u);
	s->priv = NULL;
}

static void uring_teardown(void *chan)
{
	struct uring_chan *c = chan;

	close(c->mb);
	close(c->ep);
	free(c);
}

/*
 * kipc-uring-x64: the same stream with a batch in one command: the
 * producer's 64 messages are one XFER SQE of 64 sends, the consumer's one
 * XFER SQE of up to 64 receives (kipc_uring_prep_xfer). An XFER keeps its
 * messages in order itself, so no chain; a send batch that went only in
 * part (the mailbox filled) is submitted again from the first message
 * that did not go.
 */
struct uxfer_side {
	struct io_uring *ring;
	struct kipc_mmsg mm[BATCH_MAX];
	struct kipc_xfer x;
	unsigned int batch;	/* messages per command, at most */
	unsigned int n;		/* prepared (producer) or held (consumer) */
	unsigned int next;	/* consumer: next held message to hand out */
	char *bufs;		/* a buffer of @size bytes per message */
	size_t bufs_len;
	uint64_t helper0;
	int failed;
};

static int x64_setup(void **chan, size_t size, const char **why)
{
	return uring_make(chan, size, why, BATCH_MAX, 0);
}

static int uxfer_open(struct side *s)
{
	struct uring_chan *c = s->chan;
	struct uxfer_side *u;
	int ret;

	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	ret = side_bufs(s, &u->batch, &u->bufs, &u->bufs_len);
	if (ret) {
		free(u);
		return ret;
	}
	u->ring = ring_get(c->setup_flags);
	if (!u->ring) {
		msg_free(u->bufs, u->bufs_len);
		free(u);
		return -ENOMEM;
	}
	s->priv = u;
	return 0;
}

/* Submit the prepared XFER and take its completion's result. */
static int uxfer_run(struct uxfer_side *u, struct side *s, int fd)
{
	struct io_uring_cqe *cqe;
	int ret;

	kipc_uring_prep_xfer(io_uring_get_sqe(u->ring), fd, &u->x);
	ret = uq_submit_wait(u->ring, 1, &s->calls);
	if (ret)
		return ret;
	if (io_uring_peek_cqe(u->ring, &cqe))
		return -EPROTO;
	ret = kipc_uring_xfer_result(cqe, &u->x);
	io_uring_cqe_seen(u->ring, cqe);
	return ret;
}

static int uxfer_send(struct side *s, uint64_t seq, const void *buf,
		      size_t len)
{
	struct uring_chan *c = s->chan;
	struct uxfer_side *u = s->priv;
	unsigned int done = 0;
	char *slot;
	int ret = 0;

	(void)buf;
	if (u->failed)
		return -EPROTO;
	if (!seq)
		u->helper0 = helper_cpu_ns();
	slot = u->bufs + (size_t)u->n * s->size;
	msg_stamp(slot, seq, len);
	u->mm[u->n] = (struct kipc_mmsg){ .buf = (uintptr_t)slot,
					  .len = (uint32_t)len };
	if (++u->n < u->batch && seq + 1 < s->count)
		return 0;
	while (done < u->n && ret >= 0) {
		ret = kipc_uring_batch_args(&u->x, true, 0, u->mm + done,
					    u->n - done, 0, NULL);
		if (!ret)
			ret = uxfer_run(u, s, c->mb);
		if (ret > 0)
			done += (unsigned int)ret;
	}
	u->n = 0;
	if (seq + 1 == s->count)
		s->helper_cpu_ns = helper_cpu_ns() - u->helper0;
	u->failed = ret < 0;
	return ret < 0 ? ret : 0;
}

static int uxfer_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct uring_chan *c = s->chan;
	struct uxfer_side *u = s->priv;
	uint64_t left = s->count - seq;
	unsigned int i, want;
	int ret;

	(void)buf;
	if (u->failed)
		return -EPROTO;
	if (u->next == u->n) {
		if (!seq)
			u->helper0 = helper_cpu_ns();
		want = left < u->batch ? (unsigned int)left : u->batch;
		for (i = 0; i < want; i++)
			u->mm[i] = (struct kipc_mmsg){
				.buf = (uintptr_t)(u->bufs + (size_t)i * s->size),
				.buf_len = (uint32_t)s->size,
			};
		ret = kipc_uring_batch_args(&u->x, false, 0, u->mm, want, 0,
					    NULL);
		if (!ret)
			ret = uxfer_run(u, s, c->mb);
		if (ret <= 0) {
			u->failed = 1;
			return ret ? ret : -EPROTO;
		}
		u->n = (unsigned int)ret;
		u->next = 0;
	}
	i = u->next++;
	if (seq + 1 == s->count)
		s->helper_cpu_ns = helper_cpu_ns() - u->helper0;
	return msg_check((const void *)(uintptr_t)u->mm[i].buf, u->mm[i].len,
			 seq, len);
}

static void uxfer_close(struct side *s)
{
	struct uxfer_side *u = s->priv;

	ring_put(u->ring, u->failed);
	msg_free(u->bufs, u->bufs_len);
	free(u);
	s->priv = NULL;
}

const struct transport transport_kipc_uring_x64 = {
	.name = "kipc-uring-x64",
	.flags = T_KIPC | T_STREAM_ONLY,
	.setup = x64_setup,
	.open = uxfer_open,
	.send = uxfer_send,
	.recv = uxfer_recv,
	.close = uxfer_close,
	.teardown = uring_teardown,
};

#define URING_TRANSPORT(var, tname, setup_fn)		\
	const struct transport var = {			\
		.name = tname,				\
		.flags = T_KIPC | T_STREAM_ONLY,	\
		.setup = setup_fn,			\
		.open = uring_open,			\
		.send = uring_send,			\
		.recv = uring_recv,			\
		.close = uring_close,			\
		.teardown = uring_teardown,		\
	}

URING_TRANSPORT(transport_kipc_uring_b16, "kipc-uring-b16", b16_setup);
URING_TRANSPORT(transport_kipc_uring_b64, "kipc-uring-b64", b64_setup);
URING_TRANSPORT(transport_kipc_uring_sqpoll, "kipc-uring-sqpoll", sqpoll_setup);
