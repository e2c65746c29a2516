/* SPDX-License-Identifier: MIT */
/*
 * An in-process SPSC queue of plain C11 atomics between two threads: what
 * a ring between processes is competing with. Lamport's queue with cached
 * indices; copies in and out like kipc_ring_send/recv.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "spin.h"

#define Q_BYTES		(8U << 20)

struct spscq {
	alignas(64) atomic_uint_fast64_t head;	/* written by the consumer */
	alignas(64) atomic_uint_fast64_t tail;	/* written by the producer */
	alignas(64) uint64_t slots;
	size_t stride;
	unsigned char *buf;
};

struct spscq_side {
	uint64_t pos, cache;	/* own index, last seen index of the other */
	unsigned int spins;
};

static int q_setup(void **chan, size_t size, const char **why)
{
	struct spscq *q = aligned_alloc(64, sizeof(*q));

	(void)why;
	if (!q)
		return -ENOMEM;
	memset(q, 0, sizeof(*q));
	q->stride = (size + sizeof(uint64_t) + 63) & ~(size_t)63;
	q->slots = Q_BYTES / q->stride;
	if (q->slots > 256)
		q->slots = 256;
	if (q->slots < 4)
		q->slots = 4;
	q->buf = aligned_alloc(64, q->slots * q->stride);
	if (!q->buf) {
		free(q);
		return -ENOMEM;
	}
	memset(q->buf, 0, q->slots * q->stride);
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	*chan = q;
	return 0;
}

static int q_open(struct side *s)
{
	s->priv = calloc(1, sizeof(struct spscq_side));
	return s->priv ? 0 : -ENOMEM;
}

static int q_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct spscq *q = s->chan;
	struct spscq_side *me = s->priv;
	unsigned char *slot;
	uint64_t l = len;

	(void)seq;
	while (me->pos - me->cache >= q->slots) {
		me->cache = atomic_load_explicit(&q->head, memory_order_acquire);
		if (me->pos - me->cache < q->slots)
			break;
		spin_once(&me->spins, &s->calls);
	}
	slot = q->buf + (me->pos % q->slots) * q->stride;
	memcpy(slot, &l, sizeof(l));
	memcpy(slot + sizeof(l), buf, len);
	atomic_store_explicit(&q->tail, ++me->pos, memory_order_release);
	return 0;
}

static int q_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct spscq *q = s->chan;
	struct spscq_side *me = s->priv;
	unsigned char *slot;
	uint64_t l;

	while (me->pos == me->cache) {
		me->cache = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (me->pos != me->cache)
			break;
		spin_once(&me->spins, &s->calls);
	}
	slot = q->buf + (me->pos % q->slots) * q->stride;
	memcpy(&l, slot, sizeof(l));
	if (l > len)
		return -EMSGSIZE;
	memcpy(buf, slot + sizeof(l), l);
	atomic_store_explicit(&q->head, ++me->pos, memory_order_release);
	return msg_check(buf, l, seq, len);
}

static void q_close(struct side *s)
{
	free(s->priv);
}

static void q_teardown(void *chan)
{
	struct spscq *q = chan;

	free(q->buf);
	free(q);
}

const struct transport transport_spscq = {
	.name = "inproc-spsc",
	.flags = T_THREADS | T_NATIVE,
	.setup = q_setup,
	.open = q_open,
	.send = q_send,
	.recv = q_recv,
	.close = q_close,
	.teardown = q_teardown,
};
