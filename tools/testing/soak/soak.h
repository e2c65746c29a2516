/* SPDX-License-Identifier: MIT */
/*
 * kipc-soak: many processes exchanging sequence-numbered, checksummed
 * messages over direct links, mailboxes and rings for a bounded time, then
 * proving that every message sent was received exactly once, intact, in
 * order per (sender, queue), from the queue it was sent to.
 *
 * Each sender has SOAK_TARGETS queues it sends to; a (sender, target)
 * pair is the unit of accounting, and its number is the seqmsg "src".
 */
#ifndef KIPC_SOAK_H
#define KIPC_SOAK_H

#include <stdint.h>
#include <libkipc.h>
#include <kipc_ring.h>

#define SOAK_TARGETS	4	/* direct, two mailboxes, one ring */
#define SOAK_PROCS_MAX	128
#define SOAK_SEQ_MAX	(1U << 17)	/* per pair; a pair stops sending there */
#define SOAK_MSG_MAX	512		/* payload bytes, header included */
#define SOAK_RING_SLOTS	64
#define SOAK_RING_SLOT	256
#define SOAK_MBOX_MSGS	8

/* Queue kinds; a queue is (kind, index). */
enum { Q_DIRECT, Q_MBOX, Q_RING };

struct soak_cfg {
	unsigned int procs, mboxes, rings, seconds;
	int verbose;
};

/* In MAP_SHARED memory: the parent and every worker see it. */
struct soak_shared {
	struct soak_cfg cfg;
	uint64_t ep_id[SOAK_PROCS_MAX];		/* worker i's endpoint */
	uint64_t mbox_id[SOAK_PROCS_MAX];
	uint64_t ring_id[SOAK_PROCS_MAX];
	uint64_t sent[SOAK_PROCS_MAX * SOAK_TARGETS];
	uint64_t recvd[SOAK_PROCS_MAX * SOAK_TARGETS];	/* first receptions */
	uint64_t dup, corrupt, reordered, misrouted, errors;
	uint64_t total_sent, total_recvd;
	uint32_t senders_done;
	uint8_t seen[SOAK_PROCS_MAX * SOAK_TARGETS][SOAK_SEQ_MAX / 8];
};

/* pairs.c: who sends where */
void pair_target(const struct soak_cfg *c, unsigned int pair,
		 unsigned int *kind, unsigned int *index);

/* check.c: a message arrived on queue (kind, index) */
void soak_deliver(struct soak_shared *sh, uint64_t *last, unsigned int kind,
		  unsigned int index, uint64_t sender_id, const void *buf,
		  uint32_t len);

/* worker.c */
void soak_worker(struct soak_shared *sh, unsigned int me, int ep);

#endif
