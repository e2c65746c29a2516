/* SPDX-License-Identifier: MIT */
/*
 * kipc rings, one transport per combination of:
 *  - home: kernel-owned (kipc_ring_create/attach, waits in the kernel) or
 *    a memfd (kipc_ring_memfd_create/attach, waits on futexes): the same
 *    inline fast path, so the memfd ring is how rings are measured natively;
 *  - mode: SPSC or MPSC (here with one producer: the cost of the MPSC
 *    claim and per-slot publication, not contention);
 *  - copy (kipc_ring_send/recv: into the slot, out of it into the
 *    receiver's buffer, what a pipe does), one copy (kipc_ring_send, and
 *    the consumer reads every payload byte in place before releasing it)
 *    or zero-copy: the message is stamped and checked in the slot itself
 *    (reserve/commit, peek/release), so no payload byte is copied at all;
 *  - spin: the library's default polls before sleeping, or busy-polling
 *    (natively only): the latency floor against the cache-line baseline,
 *    and a stream's rate when neither side ever sleeps.
 * System calls are the ring's own count of wait and wake-up calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libkipc.h>
#include <kipc_ring.h>

#include "bench.h"

/* Busy-poll: the most polls kipc_ring_set_spin() accepts. */
#define SPIN_BUSY	(1U << 20)
/* Memory per ring; at least 4 slots for the largest message. */
#define RING_BYTES	(8U << 20)

struct ring_cfg {
	int kernel, mode, zc;
	int inplace;		/* copy in, read in place */
	unsigned int spin;	/* 0: library default */
};

struct ring_chan {
	const struct ring_cfg *cfg;
	int ep, memfd;
	uint64_t id;
};

static unsigned int pow2_at_least(size_t n)
{
	unsigned int p = KIPC_RING_SLOT_SIZE_MIN;

	while (p < n)
		p <<= 1;
	return p;
}

static unsigned long kernel_slot_size_max(void)
{
	FILE *f = fopen("/sys/module/kipc/parameters/ring_slot_size_max", "r");
	unsigned long v = 1UL << 20;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 1UL << 20;
		fclose(f);
	}
	return v;
}

static int ring_setup(const struct ring_cfg *cfg, void **chan, size_t size,
		      const char **why)
{
	unsigned int slot = pow2_at_least(size + sizeof(struct kipc_ring_slot));
	unsigned int slots = RING_BYTES / slot;
	struct ring_chan *c;
	int ret;

	if (slots > 256)
		slots = 256;
	if (slots < 4)
		slots = 4;
	if (cfg->kernel && slot > kernel_slot_size_max()) {
		*why = "slot above the module's ring_slot_size_max";
		return BENCH_SKIP;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cfg = cfg;
	c->ep = c->memfd = -1;
	if (cfg->kernel) {
		c->ep = kipc_open(0);
		ret = c->ep < 0 ? c->ep :
		      kipc_ring_create(c->ep, NULL, slots, slot, cfg->mode, 0600,
				       &c->id);
	} else {
		ret = c->memfd = kipc_ring_memfd_create(slots, slot, cfg->mode);
	}
	if (ret < 0) {
		if (c->ep >= 0)
			close(c->ep);
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int ring_open(struct side *s)
{
	struct ring_chan *c = s->chan;
	struct kipc_ring *r = calloc(1, sizeof(*r));
	unsigned int role = s->role == ROLE_SENDER ? KIPC_RING_PRODUCER :
						     KIPC_RING_CONSUMER;
	int ret;

	if (!r)
		return -ENOMEM;
	/* Attached after fork: a ring mapping is not inherited. */
	ret = c->cfg->kernel ? kipc_ring_attach(c->ep, NULL, c->id, role, r) :
			       kipc_ring_memfd_attach(c->memfd, role, r);
	if (!ret && c->cfg->spin)
		ret = kipc_ring_set_spin(r, c->cfg->spin);
	if (ret) {
		if (r->hdr)
			kipc_ring_detach(r);
		free(r);
		return ret;
	}
	s->priv = r;
	return 0;
}

static int ring_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct ring_chan *c = s->chan;
	struct kipc_ring *r = s->priv;
	uint32_t pos;
	void *p;
	int ret = 0;

	if (!c->cfg->zc) {
		ret = kipc_ring_send(r, buf, len, NULL);
	} else {
		while (!(p = kipc_ring_reserve(r, &pos))) {
			ret = kipc_ring_wait_writable(r, 1, NULL);
			if (ret)
				break;
		}
		if (!ret) {
			msg_stamp(p, seq, len);
			kipc_ring_commit(r, pos, (uint32_t)len);
		}
	}
	s->calls = r->syscalls;
	return ret;
}

/*
 * Read every 8-byte word of the payload, as a consumer that uses the
 * message in place would; the empty asm keeps the sum, hence the reads.
 */
static void read_all(const void *p, size_t len)
{
	const uint64_t *w = p;
	size_t i, n = len / sizeof(*w);
	uint64_t a = 0, b = 0, c = 0, d = 0;

	/* Four sums: two loads a cycle, not one add chain. */
	for (i = 0; i + 4 <= n; i += 4) {
		a += w[i];
		b += w[i + 1];
		c += w[i + 2];
		d += w[i + 3];
	}
	for (; i < n; i++)
		a += w[i];
	__asm__ __volatile__("" : : "r"(a + b + c + d));
}

static int ring_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct ring_chan *c = s->chan;
	struct kipc_ring *r = s->priv;
	const void *p;
	uint32_t pos, mlen;
	int ret = 0;

	if (!c->cfg->zc && !c->cfg->inplace) {
		ret = kipc_ring_recv(r, buf, len, NULL);
		if (ret >= 0)
			ret = msg_check(buf, (size_t)ret, seq, len);
	} else {
		while (!(p = kipc_ring_peek(r, &pos, &mlen))) {
			ret = kipc_ring_wait_readable(r, NULL);
			if (ret)
				break;
		}
		if (!ret) {
			if (c->cfg->inplace)
				read_all(p, mlen);
			ret = msg_check(p, mlen, seq, len);
			kipc_ring_release(r, pos);
		}
	}
	s->calls = r->syscalls;
	return ret;
}

static void ring_close(struct side *s)
{
	kipc_ring_detach(s->priv);
	free(s->priv);
}

static void ring_teardown(void *chan)
{
	struct ring_chan *c = chan;

	if (c->cfg->kernel) {
		kipc_ring_delete(c->ep, NULL, c->id);
		close(c->ep);
	} else {
		close(c->memfd);
	}
	free(c);
}

#define RING_TRANSPORT(var, tname, flg, ...)					\
	static const struct ring_cfg var##_cfg = { __VA_ARGS__ };		\
	static int var##_setup(void **chan, size_t size, const char **why)	\
	{									\
		return ring_setup(&var##_cfg, chan, size, why);			\
	}									\
	const struct transport var = {						\
		.name = tname, .flags = flg, .setup = var##_setup,		\
		.open = ring_open, .send = ring_send, .recv = ring_recv,	\
		.close = ring_close, .teardown = ring_teardown,			\
	}

RING_TRANSPORT(transport_ring_spsc, "ring-spsc", T_KIPC,
	       .kernel = 1, .mode = KIPC_RING_SPSC);
RING_TRANSPORT(transport_ring_spsc_zc, "ring-spsc-zc", T_KIPC,
	       .kernel = 1, .mode = KIPC_RING_SPSC, .zc = 1);
RING_TRANSPORT(transport_ring_mpsc, "ring-mpsc", T_KIPC,
	       .kernel = 1, .mode = KIPC_RING_MPSC);
RING_TRANSPORT(transport_ring_mpsc_zc, "ring-mpsc-zc", T_KIPC,
	       .kernel = 1, .mode = KIPC_RING_MPSC, .zc = 1);
RING_TRANSPORT(transport_memfd_spsc, "memfd-ring-spsc", 0,
	       .mode = KIPC_RING_SPSC);
RING_TRANSPORT(transport_memfd_spsc_zc, "memfd-ring-spsc-zc", 0,
	       .mode = KIPC_RING_SPSC, .zc = 1);
RING_TRANSPORT(transport_memfd_mpsc, "memfd-ring-mpsc", 0,
	       .mode = KIPC_RING_MPSC);
RING_TRANSPORT(transport_memfd_mpsc_zc, "memfd-ring-mpsc-zc", 0,
	       .mode = KIPC_RING_MPSC, .zc = 1);
RING_TRANSPORT(transport_memfd_spsc_1copy, "memfd-ring-spsc-1copy", 0,
	       .mode = KIPC_RING_SPSC, .inplace = 1);
RING_TRANSPORT(transport_memfd_spsc_poll, "memfd-ring-spsc-poll",
	       T_NATIVE,
	       .mode = KIPC_RING_SPSC, .spin = SPIN_BUSY);
RING_TRANSPORT(transport_memfd_spsc_zc_poll, "memfd-ring-spsc-zc-poll",
	       T_NATIVE,
	       .mode = KIPC_RING_SPSC, .zc = 1, .spin = SPIN_BUSY);
