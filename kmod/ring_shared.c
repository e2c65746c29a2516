// SPDX-License-Identifier: GPL-2.0
/*
 * kipc rings: the code that reads and writes the ring's shared memory.
 *
 * The mapping is writable by every attached process, so nothing in it is
 * trusted: the geometry used here is the kernel's own copy, every index
 * read from the mapping is read once and masked into the ring, and a
 * header that makes no sense is reported (-EUCLEAN), never acted on.
 *
 * The kernel reads the indices to tell a waiter whether it can go on,
 * raises the sleeping words, mirrors the ring's state into the header, and
 * publishes empty the slots a dead MPSC producer claimed. The protocol is
 * in include/uapi/linux/kipc_ring.h.
 */
#include <linux/bitops.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include "ring.h"

static struct kipc_ring_hdr *kring_hdr(struct kipc_kring *r)
{
	return r->vaddr;
}

/* The slot of @pos: any u32 masks into the ring, so any value is safe. */
static struct kipc_ring_slot *kring_slot(struct kipc_kring *r, u32 pos)
{
	return r->vaddr + KIPC_RING_HDR_SIZE +
	       ((size_t)(pos & r->mask) << r->slot_shift);
}

/**
 * kring_shared_init() - lay out a new ring's memory
 * @r:	the ring, its pages mapped at @r->vaddr, zeroed, not yet mapped by
 *	anyone else
 */
void kring_shared_init(struct kipc_kring *r)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	unsigned int i;

	h->magic = KIPC_RING_MAGIC;
	h->version = r->version;
	h->mode = r->mode;
	h->slot_count = r->count;
	h->slot_size = r->slot_size;
	for (i = 0; i < KIPC_RING_PRODUCERS_MAX; i++)
		h->resv[i].pos = KIPC_RING_RESV_NONE;
	if (r->mode == KIPC_RING_MPSC)
		for (i = 0; i < r->count; i++)
			kring_slot(r, i)->seq = i;
}

/**
 * kring_set_state() - change the ring's state and publish it in the header
 * @r:		the ring; the caller holds @r->lock
 * @set:	KIPC_RING_* bits to set
 * @clear:	KIPC_RING_* bits to clear
 */
void kring_set_state(struct kipc_kring *r, u32 set, u32 clear)
{
	lockdep_assert_held(&r->lock);
	/* Release: what was done before is seen by whoever sees the state. */
	smp_store_release(&r->state, (r->state & ~clear) | set);
	WRITE_ONCE(kring_hdr(r)->state, r->state);
}

/*
 * 1 if the consumer has a message to read, 0 if not, -EUCLEAN if the
 * indices cannot be right.
 */
static int kring_readable(struct kipc_kring *r)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	u32 head = READ_ONCE(h->head);

	/*
	 * A version 2 ring is read the way its consumer reads it, by the
	 * slot's seq: a producer that died between its seq and tail stores
	 * leaves a message the consumer may already have taken.
	 */
	if (r->mode == KIPC_RING_SPSC && r->version < KIPC_RING_VERSION_2) {
		/* Pairs with the producer's release of tail after the slots. */
		u32 used = smp_load_acquire(&h->tail) - head;

		if (used > r->count)
			return -EUCLEAN;
		return used != 0;
	}
	/* Pairs with the producer's release of the slot's seq. */
	return smp_load_acquire(&kring_slot(r, head)->seq) == head + 1;
}

/* 1 if @n slots are free for producers, 0 if not, -EUCLEAN. */
static int kring_writable(struct kipc_kring *r, u32 n)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	/* Pairs with the consumer's release of head after freeing slots. */
	u32 used = READ_ONCE(h->tail) - smp_load_acquire(&h->head);

	if (used > r->count)
		return -EUCLEAN;
	return used + n <= r->count;
}

/*
 * Making a dead producer's claim empty.
 *
 * A position x is left for good, and the kernel publishes it empty (len
 * KIPC_RING_LEN_SKIP) for the consumer to skip, when
 *  (1) x is below tail, within one lap: some producer won it with its
 *      compare-and-swap on tail;
 *  (2) no attached producer's record in resv covers x;
 *  (3) x's seq still says unpublished (seq == x);
 * read in this order, each with acquire. Only positions in [head, tail)
 * are looked at, with tail - head <= slot count, so (1) holds for each.
 *
 * Why that means its winner is gone: a producer stores its record before
 * the compare-and-swap that wins x, and changes the record again only
 * after it published x (it clears it, or records its next claim). Every
 * store to a record is a release. The acquire of tail in (1) reads the
 * winner's compare-and-swap or a later one in its release sequence, so the
 * winner's record of x, or a later value of it, is visible in (2). If the
 * winner is attached, (2) therefore reads either the record of x, which
 * covers x, or a value stored after x was published, whose acquire makes
 * the publication visible to (3). So when (2) and (3) both hold, x's
 * winner has detached, and a detached producer has no fd and no mapping
 * left to publish with: nobody will ever publish x.
 *
 * Nothing else is trusted. A record that makes no sense covers whatever
 * it says, which can only keep a dead position waiting; a nonsense seq
 * stops the walk.
 *
 * The cost is bounded per hold of the ring's lock: one pass over the
 * attached producers' records, then at most KRING_REAP_BATCH positions,
 * each O(1). A consumer's wait or poll makes one such pass; a producer's
 * detach makes one per KRING_REAP_BATCH positions of its own claim.
 */
#define KRING_REAP_BATCH	64

/*
 * The part of the ring the consumer has yet to read: [*head, *tail).
 * tail is read with acquire, for (1) above. False if the indices make no
 * sense, and then nothing is made empty.
 */
static bool kring_window(struct kipc_kring *r, u32 *head, u32 *tail)
{
	struct kipc_ring_hdr *h = kring_hdr(r);

	*head = READ_ONCE(h->head);
	/* Pairs with the producers' compare-and-swap on tail. */
	*tail = smp_load_acquire(&h->tail);
	return *tail - *head <= r->count;
}

/*
 * How many positions from @pos, at most @n, no attached producer's record
 * covers: (2) above. A record covers n positions from pos, whatever pos
 * is: KIPC_RING_RESV_NONE is a position too, and a cleared record has
 * n = 0. Caller holds r->lock, which keeps r->producers.
 */
static u32 kring_unclaimed(struct kipc_kring *r, u32 pos, u32 n)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	u64 map = r->producers;

	while (map && n) {
		unsigned int p = __ffs64(map);
		u32 rpos, rn;

		map &= map - 1;
		/* Pairs with the producer's releases of its record... */
		rpos = smp_load_acquire(&h->resv[p].pos);
		/* ...as does this: the next claim's n follows publication. */
		rn = smp_load_acquire(&h->resv[p].n);
		if (!rn)
			continue;
		if (pos - rpos < rn)
			return 0;		/* covers @pos itself */
		if (rpos - pos < n)
			n = rpos - pos;		/* covers a later one */
	}
	return n;
}

/*
 * Make empty the positions of [@pos, @pos + @n) that (1)-(3) say are left
 * for good; @pos .. @pos + @n - 1 lie in the window kring_window() just
 * read. Looks at KRING_REAP_BATCH of them at most; passes published ones.
 * Caller holds r->lock: a second reaper must not write a slot the consumer
 * may have freed in between.
 *
 * Return: how many positions it went past; fewer than min(@n,
 * KRING_REAP_BATCH) when a live claim or a nonsense seq stopped it.
 */
static u32 kring_reap_run(struct kipc_kring *r, u32 pos, u32 n)
{
	u32 i;

	lockdep_assert_held(&r->lock);
	n = kring_unclaimed(r, pos, min_t(u32, n, KRING_REAP_BATCH));
	for (i = 0; i < n; i++) {
		struct kipc_ring_slot *s = kring_slot(r, pos + i);
		/* (3); pairs with the producer's release of seq. */
		u32 seq = smp_load_acquire(&s->seq);

		if (seq == pos + i + 1)
			continue;		/* published */
		if (seq != pos + i)
			break;			/* nonsense */
		WRITE_ONCE(s->len, KIPC_RING_LEN_SKIP);
		/* Publish len before seq, as a producer would. */
		smp_store_release(&s->seq, pos + i + 1);
	}
	return i;
}

/**
 * kring_reap_head() - make empty what dead producers left where the
 * consumer reads next
 * @r:	an MPSC ring
 *
 * Looks at most at KRING_REAP_BATCH positions from head on, so that a
 * consumer waiting for a position a dead producer claimed can go on. A
 * later call goes on from the new head.
 */
void kring_reap_head(struct kipc_kring *r)
{
	u32 head, tail;

	/* Best effort: a task being killed leaves it to the next call. */
	if (mutex_lock_killable(&r->lock))
		return;
	if (kring_window(r, &head, &tail))
		kring_reap_run(r, head, tail - head);
	mutex_unlock(&r->lock);
}

/**
 * kring_producer_attached() - producer number @p starts with no claim
 * @r:	the ring; the caller holds @r->lock
 * @p:	the producer number just taken
 */
void kring_producer_attached(struct kipc_kring *r, unsigned int p)
{
	struct kipc_ring_hdr *h = kring_hdr(r);

	lockdep_assert_held(&r->lock);
	WRITE_ONCE(h->resv[p].pos, KIPC_RING_RESV_NONE);
	WRITE_ONCE(h->resv[p].n, 0);
}

/**
 * kring_producer_detached() - producer number @p is gone: make empty what
 * it claimed and did not publish
 * @r:	an MPSC ring; the caller holds @r->lock and has already taken @p out
 *	of @r->producers
 * @p:	the producer number given up
 *
 * Its whole claim, now rather than when the consumer gets there: a poller
 * learns of the claim's end from nothing else. At most KRING_REAP_BATCH
 * positions per hold of @r->lock, which it drops between batches. What a
 * live claim keeps waiting now, kring_reap_head() makes empty later.
 */
void kring_producer_detached(struct kipc_kring *r, unsigned int p)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	u32 pos = READ_ONCE(h->resv[p].pos);
	/* No claim is longer than the ring: that bounds the batches. */
	u32 n = min(READ_ONCE(h->resv[p].n), r->count);
	u32 head, tail, from, len, done;

	lockdep_assert_held(&r->lock);
	WRITE_ONCE(h->resv[p].pos, KIPC_RING_RESV_NONE);
	WRITE_ONCE(h->resv[p].n, 0);
	while (n && kring_window(r, &head, &tail)) {
		/* Clip [pos, pos + n) to [head, tail). */
		if (pos - head < tail - head)
			from = pos;
		else if (head - pos < n)
			from = head;	/* the consumer read part of it */
		else
			break;		/* not claimed, or read already */
		len = min(n - (from - pos), tail - from);
		done = kring_reap_run(r, from, len);
		/* All of it, or a live claim or nonsense stopped it. */
		if (done == len || done < KRING_REAP_BATCH)
			break;
		n -= from - pos + done;
		pos = from + done;
		mutex_unlock(&r->lock);
		cond_resched();
		mutex_lock(&r->lock);
	}
}

/**
 * kring_sleepers() - count this side's sleepers and tell the other side
 * @r:		the ring
 * @consumer:	the consumer's side, or the producers'
 * @delta:	+1 a waiter goes to sleep, -1 it leaves, 0 it sleeps again
 *
 * The kernel only ever raises the word: the waker lowers it, and a poller,
 * which the kernel does not count, must not lose it to a waiter leaving.
 */
void kring_sleepers(struct kipc_kring *r, bool consumer, int delta)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	unsigned int *nr = consumer ? &r->nr_cons_wait : &r->nr_prod_wait;

	spin_lock(&r->wait_lock);
	*nr += delta;
	if (*nr && consumer)
		WRITE_ONCE(h->cons_sleeping, 1);
	else if (*nr)
		WRITE_ONCE(h->prod_sleeping, 1);
	spin_unlock(&r->wait_lock);
}

/**
 * kring_check() - can a waiter go on?
 * @rf:	the waiter's ring fd
 * @n:	a producer: the free slots it waits for
 *
 * Lockless: it runs with the task already queued to sleep.
 *
 * Return: 1 yes, 0 no, or the error to return.
 */
int kring_check(struct kipc_kring_file *rf, u32 n)
{
	struct kipc_kring *r = rf->ring;
	bool consumer = rf->role == KIPC_RING_ROLE_CONSUMER;
	/*
	 * The state before the indices: what the other side published
	 * before it left is then seen below, so a side that left is
	 * reported only once all it published has been read.
	 */
	u32 state = smp_load_acquire(&r->state);
	int ret;

	ret = consumer ? kring_readable(r) : kring_writable(r, n);
	if (ret)
		return ret;
	if (READ_ONCE(r->deleted))
		return -EIDRM;
	if (state & (consumer ? KIPC_RING_PRODUCER_GONE : KIPC_RING_CONSUMER_GONE))
		return -EPIPE;
	return 0;
}

/**
 * kring_poll_mask() - the events a poller of @rf sees now
 * @rf:	the ring fd, already on its side's wait queue
 *
 * Return: the EPOLL* mask.
 */
__poll_t kring_poll_mask(struct kipc_kring_file *rf)
{
	struct kipc_kring *r = rf->ring;
	struct kipc_ring_hdr *h = kring_hdr(r);
	bool consumer = rf->role == KIPC_RING_ROLE_CONSUMER;
	/* Before the reap and the indices: see kring_check(). */
	u32 state = smp_load_acquire(&r->state);
	__poll_t mask = 0;
	int ready;

	/*
	 * A poller may wait for nothing but a dead producer's claim. Once the
	 * last producer has left (@state), none is live and the reap reaches
	 * whatever stands before what the others published.
	 */
	if (consumer && r->mode == KIPC_RING_MPSC)
		kring_reap_head(r);
	/* A poller sleeps too: ask the other side for a wake-up call. */
	if (consumer)
		WRITE_ONCE(h->cons_sleeping, 1);
	else
		WRITE_ONCE(h->prod_sleeping, 1);
	/* Pairs with the publisher's barrier before it reads that word. */
	smp_mb();
	ready = consumer ? kring_readable(r) : kring_writable(r, 1);
	if (ready < 0)
		mask |= EPOLLERR;
	else if (ready)
		mask |= consumer ? EPOLLIN | EPOLLRDNORM : EPOLLOUT | EPOLLWRNORM;
	if (state & (consumer ? KIPC_RING_PRODUCER_GONE : KIPC_RING_CONSUMER_GONE))
		mask |= EPOLLHUP;
	if (READ_ONCE(r->deleted))
		mask |= EPOLLERR | EPOLLHUP;
	return mask;
}

/**
 * kring_depth() - slots in use, as the header says, for KIPC_IOC_STAT
 * @r:	the ring
 *
 * Return: tail - head, bounded by the slot count.
 */
u32 kring_depth(struct kipc_kring *r)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	u32 used = READ_ONCE(h->tail) - READ_ONCE(h->head);

	return min(used, r->count);
}
