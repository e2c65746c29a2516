/* SPDX-License-Identifier: MIT */
/*
 * Ring integrity under load: producer threads stream sequence-numbered,
 * checksummed messages through memfd rings of several geometries, one and
 * many producers, single and batched operations; the consumer checks that
 * every message arrives exactly once, intact and, per producer, in order.
 * Small rings make both sides sleep and wake all the time.
 *
 *   ring_stream [MESSAGES]	(default 10^7 per configuration; the
 *				ThreadSanitizer build defaults to 10^6)
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kipc_ring.h"
#include "../../tools/include/seqmsg.h"
#include "helpers.h"

#ifndef RING_STREAM_MESSAGES
#define RING_STREAM_MESSAGES 10000000ULL
#endif

struct config {
	const char *name;
	unsigned int mode, slots, slot_size, producers, batch;
};

struct producer_arg {
	int memfd;
	unsigned int src, batch;
	uint64_t count;
};

static void *producer(void *argp)
{
	struct producer_arg *a = argp;
	struct kipc_ring r;
	uint64_t seq = 0;
	uint32_t pos, max;
	unsigned int n, i;

	CHECK_EQ(0, kipc_ring_memfd_attach(a->memfd, KIPC_RING_PRODUCER, &r));
	CHECK_EQ(0, kipc_ring_set_spin(&r, 2000));
	max = kipc_ring_payload_max(&r) < 200 ? kipc_ring_payload_max(&r) : 200;
	while (seq < a->count) {
		n = a->batch;
		if (n > a->count - seq)
			n = (unsigned int)(a->count - seq);
		n = kipc_ring_reserve_n(&r, n, &pos);
		if (!n) {
			CHECK_EQ(0, kipc_ring_wait_writable(&r, 1, NULL));
			continue;
		}
		for (i = 0; i < n; i++, seq++) {
			uint32_t len = seqmsg_len_for(seq, max);

			seqmsg_fill(kipc_ring_data(&r, pos + i), len, a->src, seq);
			kipc_ring_set_len(&r, pos + i, len);
		}
		kipc_ring_commit_n(&r, pos, n);
	}
	kipc_ring_detach(&r);
	return NULL;
}

static void run(const struct config *c, uint64_t total)
{
	struct producer_arg args[8];
	pthread_t tids[8];
	uint64_t expect[8] = { 0 }, got = 0;
	struct kipc_ring r;
	struct seqmsg m;
	uint32_t pos, len;
	unsigned int i, n;
	int memfd, ret;

	memfd = kipc_ring_memfd_create(c->slots, c->slot_size, c->mode);
	CHECK(memfd >= 0);
	CHECK_EQ(0, kipc_ring_memfd_attach(memfd, KIPC_RING_CONSUMER, &r));
	CHECK_EQ(0, kipc_ring_set_spin(&r, 2000));
	for (i = 0; i < c->producers; i++) {
		args[i] = (struct producer_arg){ memfd, i, c->batch, total / c->producers };
		CHECK_EQ(0, pthread_create(&tids[i], NULL, producer, &args[i]));
	}
	for (;;) {
		n = kipc_ring_peek_n(&r, c->batch, &pos);
		if (!n) {
			ret = kipc_ring_wait_readable(&r, NULL);
			if (ret == -EPIPE)
				break;	/* every producer is done and the ring is empty */
			CHECK_EQ(0, ret);
			continue;
		}
		for (i = 0; i < n; i++) {
			const void *p = kipc_ring_msg(&r, pos + i, &len);

			CHECK_EQ(0, seqmsg_check(p, len, &m));
			CHECK(m.src < c->producers);
			CHECK_EQ(expect[m.src], m.seq);
			expect[m.src]++;
			got++;
		}
		kipc_ring_release_n(&r, pos, n);
	}
	for (i = 0; i < c->producers; i++) {
		pthread_join(tids[i], NULL);
		CHECK_EQ(total / c->producers, expect[i]);
	}
	CHECK_EQ((total / c->producers) * c->producers, got);
	printf("ring_stream: %-28s %llu messages intact, consumer made %llu wait/wake calls\n",
	       c->name, (unsigned long long)got, (unsigned long long)r.syscalls);
	kipc_ring_detach(&r);
	close(memfd);
}

int main(int argc, char **argv)
{
	static const struct config configs[] = {
		{ "spsc 2x64 (always full)", KIPC_RING_SPSC, 2, 64, 1, 1 },
		{ "spsc 1024x64 batch 16", KIPC_RING_SPSC, 1024, 64, 1, 16 },
		{ "spsc 64x256", KIPC_RING_SPSC, 64, 256, 1, 1 },
		{ "mpsc 4 producers 8x64", KIPC_RING_MPSC, 8, 64, 4, 1 },
		{ "mpsc 4 producers 1024x64 b8", KIPC_RING_MPSC, 1024, 64, 4, 8 },
	};
	uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 0) : RING_STREAM_MESSAGES;
	unsigned int i;

	for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		run(&configs[i], total);
	return T_EXIT_PASS;
}
