/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kipc shared-memory ring: the memory layout shared by every process that
 * maps a ring, and by the kernel when it owns the ring.
 *
 * A ring is one mapping: a header page (struct kipc_ring_hdr) followed by
 * slot_count slots of slot_size bytes, both powers of two. Each slot starts
 * with a struct kipc_ring_slot; the payload follows it in place.
 *
 * Positions are free-running __u32 counters; a position's slot is
 * (pos & (slot_count - 1)). Differences are taken modulo 2^32, so
 * slot_count is at most 2^30.
 *
 * Single producer (KIPC_RING_SPSC): the producer fills slots from @tail and
 * publishes them by a release store of @tail; the consumer reads them from
 * @head and frees them by a release store of @head. The ring is empty when
 * head == tail and full when tail - head == slot_count. In a ring of
 * KIPC_RING_VERSION_2 the producer also publishes each slot on its own,
 * by a release store of seq = pos + 1 before the store of @tail, and the
 * consumer may test the slot it is about to read (seq == pos + 1) instead
 * of @tail: a consumer that has caught up then waits on the message's own
 * cache line, and @tail stays in the producer's cache. The consumer never
 * writes a slot. A consumer that reads @tail works on either version; an
 * SPSC producer that does not store seq may only attach to a version 1
 * ring. A producer that takes a version 2 ring over starts after the last
 * slot whose seq says it is published (its predecessor may have died
 * between the two stores) and publishes @tail up to there. MPSC rings
 * work the same way in both versions.
 *
 * Many producers (KIPC_RING_MPSC): producers claim positions by
 * compare-and-swap on @tail and publish each slot on its own by a release
 * store of its @seq (the bounded queue of D. Vyukov): a slot at position
 * pos is free for a producer when seq == pos, holds a message when
 * seq == pos + 1, and the consumer frees it by storing
 * seq = pos + slot_count. Before its compare-and-swap, producer number p
 * records the positions it is about to claim in @resv[p] (n, then pos),
 * and clears the record (pos = KIPC_RING_RESV_NONE, then n = 0) after
 * publishing them, or when it finds the ring full instead; every store to
 * a record is a release. That is how a claim left behind by a producer that
 * died is found and skipped (its slot is published with len
 * KIPC_RING_LEN_SKIP).
 *
 * Sleeping: a side that finds nothing to do sets its @*_sleeping word,
 * issues a full barrier and looks again before it sleeps; the other side,
 * after publishing, issues a full barrier and makes a wake-up call only if
 * the word is set. Either the sleeper sees the new state or the publisher
 * sees the sleeper, so no wake-up is lost and no call is made while both
 * sides are busy. The *_wake words count wake-ups; a futex-based home
 * waits on them.
 *
 * Nothing here is trusted by the kernel: it reads each index once, bounds
 * it by the geometry it keeps privately, and never dereferences a value
 * taken from this memory except as an index masked into the ring.
 */
#ifndef _UAPI_LINUX_KIPC_RING_H
#define _UAPI_LINUX_KIPC_RING_H

#include <linux/types.h>

#define KIPC_RING_MAGIC		0x6b697072	/* "kipr" */
#define KIPC_RING_VERSION_1	1	/* SPSC: published by @tail only */
#define KIPC_RING_VERSION_2	2	/* SPSC: by each slot's @seq too */
#define KIPC_RING_VERSION	KIPC_RING_VERSION_2	/* the newest */

/* struct kipc_ring_hdr.mode */
#define KIPC_RING_SPSC		0	/* one producer, one consumer */
#define KIPC_RING_MPSC		1	/* many producers, one consumer */

/* struct kipc_ring_hdr.state: set by the kernel (or the memfd owner) */
#define KIPC_RING_PRODUCER_GONE	(1U << 0)	/* the last producer detached */
#define KIPC_RING_CONSUMER_GONE	(1U << 1)	/* the consumer detached */
#define KIPC_RING_DELETED	(1U << 2)	/* the ring was removed */

#define KIPC_RING_CACHELINE	64
#define KIPC_RING_HDR_SIZE	4096		/* slots start here */
#define KIPC_RING_PRODUCERS_MAX	64		/* MPSC producers attached at once */
#define KIPC_RING_SLOT_SIZE_MIN	64
#define KIPC_RING_RESV_NONE	0xffffffffU	/* @resv[p].pos: no claim pending */
#define KIPC_RING_LEN_SKIP	0xffffffffU	/* slot holds no message: skip it */

/**
 * struct kipc_ring_slot - the start of every slot
 * @seq:	MPSC: the slot's sequence (see above); SPSC: pos + 1 once the
 *		slot at pos is published (version 2), unused (version 1)
 * @len:	payload bytes, at most slot_size - sizeof(struct kipc_ring_slot),
 *		or KIPC_RING_LEN_SKIP
 */
struct kipc_ring_slot {
	__u32 seq;
	__u32 len;
};

/**
 * struct kipc_ring_resv - a claim a producer is making (MPSC)
 * @pos:	first position claimed, or KIPC_RING_RESV_NONE
 * @n:		number of positions claimed, 0 when there is no claim. The
 *		kernel goes by @n: KIPC_RING_RESV_NONE is a position too
 */
struct kipc_ring_resv {
	__u32 pos;
	__u32 n;
};

/**
 * struct kipc_ring_hdr - the first page of a ring mapping
 * @magic:	KIPC_RING_MAGIC
 * @version:	KIPC_RING_VERSION_1 or KIPC_RING_VERSION_2, fixed at creation
 * @mode:	KIPC_RING_SPSC or KIPC_RING_MPSC
 * @slot_count:	number of slots, a power of two
 * @slot_size:	bytes per slot including its struct kipc_ring_slot, a power
 *		of two >= KIPC_RING_SLOT_SIZE_MIN
 * @state:	KIPC_RING_*_GONE / KIPC_RING_DELETED
 * @producer_map: a memfd ring's producers claim their number here (bit p);
 *		unused by kernel-owned rings, whose kernel assigns the numbers
 * @consumers:	a memfd ring's consumer claims it (0 or 1); unused by
 *		kernel-owned rings
 * @reserved0:	zero
 * @tail:	producers' position: next position to claim
 * @head:	consumer's position: next position to read
 * @cons_sleeping: non-zero while the consumer is, or is about to be, asleep
 * @cons_wake:	incremented by a producer each time it wakes the consumer
 * @prod_sleeping: number of producers asleep or about to sleep for room
 * @prod_wake:	incremented by the consumer each time it wakes producers
 * @resv:	MPSC: positions producer p is claiming: @resv[p].pos, or
 *		KIPC_RING_RESV_NONE, and the count @resv[p].n
 *
 * Each group of fields written by one side sits on its own 64-byte cache
 * line; the padding between them is zero.
 */
struct kipc_ring_hdr {
	__u32 magic;
	__u32 version;
	__u32 mode;
	__u32 slot_count;
	__u32 slot_size;
	__u32 state;
	__u64 producer_map;
	__u32 consumers;
	__u32 reserved0[7];

	__u32 tail;
	__u32 pad1[15];
	__u32 head;
	__u32 pad2[15];
	__u32 cons_sleeping;
	__u32 cons_wake;
	__u32 pad3[14];
	__u32 prod_sleeping;
	__u32 prod_wake;
	__u32 pad4[14];
	struct kipc_ring_resv resv[KIPC_RING_PRODUCERS_MAX];
};

#endif /* _UAPI_LINUX_KIPC_RING_H */
