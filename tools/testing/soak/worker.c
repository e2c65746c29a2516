// SPDX-License-Identifier: MIT
/*
 * One soak worker: sends to its SOAK_TARGETS queues round-robin while the
 * time lasts, receiving from its own queues all along; then stops sending
 * and keeps receiving until every message any worker sent has arrived, or
 * until nothing has arrived anywhere for STALL_SECONDS (a lost message).
 *
 * Sends are non-blocking or bounded by a timeout, some KIPC_SEND_SYNC: a
 * send that times out must not have sent, so the same sequence number is
 * sent again, and a kernel that got that wrong shows up as a duplicate.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "soak.h"
#include "../../include/seqmsg.h"

#define STALL_SECONDS	20

struct worker {
	struct soak_shared *sh;
	unsigned int me;
	int ep;
	int mb_recv;		/* mailbox me % mboxes, also target 1 */
	int mb_send;		/* target 1's mailbox fd */
	struct kipc_ring prod;	/* target 3 */
	int producing;
	struct kipc_ring cons;	/* ring me, if me < rings */
	int consuming;
	uint64_t next[SOAK_TARGETS];	/* next sequence per target */
	uint64_t last[SOAK_PROCS_MAX * SOAK_TARGETS];
	unsigned char buf[SOAK_MSG_MAX];
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static void error(struct worker *w, const char *what, int err)
{
	if (__atomic_fetch_add(&w->sh->errors, 1, __ATOMIC_RELAXED) < 10)
		fprintf(stderr, "kipc-soak: worker %u: %s: %s\n", w->me, what,
			kipc_strerror(err));
}

/* Try to send the next message of target @k; 1 if it went. */
static int send_one(struct worker *w, unsigned int k, uint64_t iter)
{
	static const struct timespec ms1 = { 0, 1000000 }, ms2 = { 0, 2000000 };
	const struct soak_cfg *c = &w->sh->cfg;
	unsigned int pair = w->me * SOAK_TARGETS + k, kind, index;
	uint64_t seq = w->next[k];
	uint32_t max = SOAK_MSG_MAX, len, pos;
	unsigned int prio = pair % (KIPC_PRIO_MAX + 1), flags = KIPC_NONBLOCK;
	const struct timespec *tmo = NULL;
	void *slot;
	int ret;

	if (seq >= SOAK_SEQ_MAX)
		return 0;
	pair_target(c, pair, &kind, &index);
	if (kind == Q_RING && kipc_ring_payload_max(&w->prod) < max)
		max = kipc_ring_payload_max(&w->prod);
	len = seqmsg_len_for(seq, max);
	seqmsg_fill(w->buf, len, pair, seq);
	/* Mostly non-blocking; 1 in 4 waits 1 ms; 1 in 8 is SYNC for 2 ms. */
	if (iter % 8 == 5) {
		flags = KIPC_SEND_SYNC;
		tmo = &ms2;
	} else if (iter % 4 == 1) {
		flags = 0;
		tmo = &ms1;
	}
	switch (kind) {
	case Q_DIRECT:
		ret = kipc_send(w->ep, w->sh->ep_id[index], w->buf, len, prio, flags, tmo);
		break;
	case Q_MBOX:
		if (k == 1)
			ret = kipc_send(w->mb_send, 0, w->buf, len, prio, flags, tmo);
		else
			ret = kipc_send(w->ep, w->sh->mbox_id[index], w->buf, len, prio,
					flags | KIPC_SEND_MAILBOX, tmo);
		break;
	default:
		if (!w->producing)
			return 0;
		slot = kipc_ring_reserve(&w->prod, &pos);
		if (!slot)
			return 0;
		memcpy(slot, w->buf, len);
		kipc_ring_commit(&w->prod, pos, len);
		ret = 0;
		break;
	}
	if (ret == -EAGAIN || ret == -ETIMEDOUT)
		return 0;
	if (ret < 0) {
		error(w, "send", ret);
		return 0;
	}
	w->next[k] = seq + 1;
	__atomic_store_n(&w->sh->sent[pair], seq + 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&w->sh->total_sent, 1, __ATOMIC_SEQ_CST);
	return 1;
}

/* Receive what is ready on one message fd; the count received. */
static unsigned int recv_fd(struct worker *w, int fd, unsigned int kind,
			    unsigned int index)
{
	unsigned char buf[SOAK_MSG_MAX];
	struct kipc_msg_hdr hdr;
	unsigned int n;
	int ret;

	for (n = 0; n < 16; n++) {
		ret = kipc_recv(fd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			error(w, "recv", ret);
			break;
		}
		soak_deliver(w->sh, w->last, kind, index, hdr.sender_id, buf, (uint32_t)ret);
	}
	return n;
}

static unsigned int recv_ring(struct worker *w)
{
	const void *p;
	uint32_t pos, len;
	unsigned int n;

	if (!w->consuming)
		return 0;
	for (n = 0; n < 16 && (p = kipc_ring_peek(&w->cons, &pos, &len)); n++) {
		soak_deliver(w->sh, w->last, Q_RING, w->me, 0, p, len);
		kipc_ring_release(&w->cons, pos);
	}
	return n;
}

static unsigned int recv_all(struct worker *w)
{
	return recv_fd(w, w->ep, Q_DIRECT, w->me) +
		recv_fd(w, w->mb_recv, Q_MBOX, w->me % w->sh->cfg.mboxes) +
		recv_ring(w);
}

/* Nothing moved: sleep until one of our queues has something, or 1 ms. */
static void idle(struct worker *w)
{
	struct pollfd p[3] = {
		{ .fd = w->ep, .events = POLLIN },
		{ .fd = w->mb_recv, .events = POLLIN },
		{ .fd = w->consuming ? kipc_ring_fd(&w->cons) : -1, .events = POLLIN },
	};

	poll(p, 3, 1);
}

static int attach(struct worker *w)
{
	const struct soak_cfg *c = &w->sh->cfg;
	unsigned int kind, index;
	int ret;

	w->mb_recv = kipc_mbox_open_id(w->ep, w->sh->mbox_id[w->me % c->mboxes]);
	pair_target(c, w->me * SOAK_TARGETS + 1, &kind, &index);
	w->mb_send = kipc_mbox_open_id(w->ep, w->sh->mbox_id[index]);
	if (w->mb_recv < 0 || w->mb_send < 0)
		return w->mb_recv < 0 ? w->mb_recv : w->mb_send;
	if (w->me < c->rings) {
		ret = kipc_ring_attach(w->ep, NULL, w->sh->ring_id[w->me],
				       KIPC_RING_CONSUMER, &w->cons);
		if (ret < 0)
			return ret;
		w->consuming = 1;
	}
	pair_target(c, w->me * SOAK_TARGETS + 3, &kind, &index);
	ret = kipc_ring_attach(w->ep, NULL, w->sh->ring_id[index],
			       KIPC_RING_PRODUCER, &w->prod);
	if (ret < 0)
		return ret;
	w->producing = 1;
	return 0;
}

void soak_worker(struct soak_shared *sh, unsigned int me, int ep)
{
	static struct worker w;
	const struct soak_cfg *c = &sh->cfg;
	uint64_t end, iter = 0, seen, stall_since;
	unsigned int moved, k;
	int ret;

	w.sh = sh;
	w.me = me;
	w.ep = ep;
	ret = attach(&w);
	if (ret < 0) {
		error(&w, "attach", ret);
		_exit(2);
	}
	end = now_ns() + (uint64_t)c->seconds * 1000000000ULL;
	while (now_ns() < end) {
		moved = 0;
		for (k = 0; k < SOAK_TARGETS; k++)
			moved += send_one(&w, k, iter++);
		moved += recv_all(&w);
		if (!moved)
			idle(&w);
	}
	/* Our last ring messages must still reach the consumer after we go. */
	kipc_ring_detach(&w.prod);
	w.producing = 0;
	__atomic_fetch_add(&sh->senders_done, 1, __ATOMIC_SEQ_CST);
	seen = __atomic_load_n(&sh->total_recvd, __ATOMIC_SEQ_CST);
	stall_since = now_ns();
	for (;;) {
		if (!recv_all(&w))
			idle(&w);
		if (__atomic_load_n(&sh->senders_done, __ATOMIC_SEQ_CST) == c->procs &&
		    __atomic_load_n(&sh->total_recvd, __ATOMIC_SEQ_CST) ==
		    __atomic_load_n(&sh->total_sent, __ATOMIC_SEQ_CST))
			break;
		if (__atomic_load_n(&sh->total_recvd, __ATOMIC_SEQ_CST) != seen) {
			seen = __atomic_load_n(&sh->total_recvd, __ATOMIC_SEQ_CST);
			stall_since = now_ns();
		} else if (now_ns() - stall_since > STALL_SECONDS * 1000000000ULL) {
			break;	/* nothing arrives anywhere: the rest is lost */
		}
	}
	if (w.consuming)
		kipc_ring_detach(&w.cons);
	_exit(0);
}
