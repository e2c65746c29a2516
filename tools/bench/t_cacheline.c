/* SPDX-License-Identifier: MIT */
/*
 * Cache-line ping-pong between two threads: the floor under any
 * shared-memory round trip. Each direction is one word on its own cache
 * line; sending stores the sequence number, receiving polls for it. Only
 * 8-byte round trips: nothing is queued, so there is no stream.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "spin.h"

struct line {
	alignas(64) atomic_uint_fast64_t word;
	char pad[64 - sizeof(atomic_uint_fast64_t)];
};

static int line_setup(void **chan, size_t size, const char **why)
{
	struct line *l;

	(void)size;
	(void)why;
	l = aligned_alloc(64, sizeof(*l));
	if (!l)
		return -ENOMEM;
	memset(l, 0, sizeof(*l));
	atomic_init(&l->word, 0);
	*chan = l;
	return 0;
}

static int line_open(struct side *s)
{
	(void)s;
	return 0;
}

/* seq + 1: the line starts at 0, which must not look like message 0. */
static int line_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct line *l = s->chan;

	(void)buf;
	(void)len;
	atomic_store_explicit(&l->word, seq + 1, memory_order_release);
	return 0;
}

static int line_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct line *l = s->chan;
	unsigned int spins = 0;
	uint64_t v;

	(void)buf;
	(void)len;
	while ((v = atomic_load_explicit(&l->word, memory_order_acquire)) == seq)
		spin_once(&spins, &s->calls);
	return v == seq + 1 ? 0 : -EBADMSG;
}

static void line_close(struct side *s)
{
	(void)s;
}

static void line_teardown(void *chan)
{
	free(chan);
}

const struct transport transport_cacheline = {
	.name = "cacheline",
	.flags = T_THREADS | T_RTT_ONLY | T_NATIVE,
	.size_max = 8,
	.setup = line_setup,
	.open = line_open,
	.send = line_send,
	.recv = line_recv,
	.close = line_close,
	.teardown = line_teardown,
};
