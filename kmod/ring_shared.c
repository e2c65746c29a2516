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
	h->version = KIPC_RING_VERSION;
	h->mode = r->mode;
	h->slot_count = r->count;
	h->slot_size = r->slot_size;
	for (i = 0; i < KIPC_RING_PRODUCERS_MAX; i++)
		h->resv[i].pos = KIPC_RING_RESV_NONE;
	if (r->mode == KIPC_RING_MPSC)
		for (i = 0; i < r->count; i++)
			kring_slot(r, i)->seq = i;
	for (i = 0; i < ARRAY_SIZE(r->orphans); i++)
		r->orphans[i].pos = KIPC_RING_RESV_NONE;
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

	if (r->mode == KIPC_RING_SPSC) {
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

/* Does a live producer claim @pos? Caller holds r->lock. */
static bool kring_claimed_by_live(struct kipc_kring *r, u32 pos)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	unsigned long map = r->producers;
	unsigned int p;

	for_each_set_bit(p, &map, KIPC_RING_PRODUCERS_MAX) {
		/* Pairs with the producer's release when it clears its claim. */
		u32 rpos = smp_load_acquire(&h->resv[p].pos);
		u32 rn = READ_ONCE(h->resv[p].n);

		if (rpos != KIPC_RING_RESV_NONE && pos - rpos < rn)
			return true;
	}
	return false;
}

/**
 * kring_reap_orphans() - publish empty what dead producers left unpublished
 * @r:	the ring; the caller holds @r->lock
 *
 * Publish empty (len KIPC_RING_LEN_SKIP) the positions that dead producers
 * claimed and never published. A position is the dead producer's only if
 * it was claimed (it is below tail, within one lap), is still unpublished
 * and no live producer claims it: a producer records its claim in resv
 * before its compare-and-swap and clears it after publishing, so the
 * winner of a position always shows it there until it is published.
 *
 * Return: true if anything was published.
 */
bool kring_reap_orphans(struct kipc_kring *r)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	bool published = false;
	unsigned int i;
	u32 k;

	lockdep_assert_held(&r->lock);
	for (i = 0; i < ARRAY_SIZE(r->orphans); i++) {
		struct kipc_ring_resv *o = &r->orphans[i];
		bool pending = false;

		if (o->pos == KIPC_RING_RESV_NONE)
			continue;
		for (k = 0; k < o->n; k++) {
			u32 pos = o->pos + k;
			struct kipc_ring_slot *s = kring_slot(r, pos);

			/*
			 * Order matters. tail (acquire) shows pos was claimed
			 * and makes the winner's earlier claim record visible;
			 * then the live claims; then seq (acquire): a live
			 * producer clears its claim only after publishing, so
			 * no claim plus an unpublished seq means no live owner.
			 */
			if (smp_load_acquire(&h->tail) - pos - 1 >= r->count)
				continue;	/* not claimed in this lap */
			if (kring_claimed_by_live(r, pos)) {
				pending = true;
				continue;
			}
			/* Pairs with the producer's release of seq. */
			if (smp_load_acquire(&s->seq) != pos)
				continue;	/* published, or long consumed */
			WRITE_ONCE(s->len, KIPC_RING_LEN_SKIP);
			/* Publish len before seq, as a producer would. */
			smp_store_release(&s->seq, pos + 1);
			published = true;
		}
		cond_resched();
		if (!pending)
			o->pos = KIPC_RING_RESV_NONE;
	}
	return published;
}

/* Remember a dead producer's claim; caller holds r->lock. */
static void kring_add_orphan(struct kipc_kring *r, u32 pos, u32 n)
{
	unsigned int i;

	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ARRAY_SIZE(r->orphans); i++) {
			if (r->orphans[i].pos == KIPC_RING_RESV_NONE) {
				r->orphans[i].pos = pos;
				r->orphans[i].n = n;
				return;
			}
		}
		kring_reap_orphans(r);
	}
	/*
	 * Each pending entry overlaps a live producer's claim, and there are
	 * at most KIPC_RING_PRODUCERS_MAX of those: a full table means the
	 * claims are stale garbage from a hostile producer. Forget one.
	 */
	r->orphans[0].pos = pos;
	r->orphans[0].n = n;
}

/**
 * kring_producer_attached() - producer number @p starts with no claim
 * @r:	the ring; the caller holds @r->lock
 * @p:	the producer number just taken
 */
void kring_producer_attached(struct kipc_kring *r, unsigned int p)
{
	lockdep_assert_held(&r->lock);
	WRITE_ONCE(kring_hdr(r)->resv[p].pos, KIPC_RING_RESV_NONE);
}

/**
 * kring_producer_detached() - producer number @p is gone: take over what
 * it claimed and did not publish
 * @r:	an MPSC ring; the caller holds @r->lock and has already taken @p out
 *	of @r->producers
 * @p:	the producer number given up
 */
void kring_producer_detached(struct kipc_kring *r, unsigned int p)
{
	struct kipc_ring_hdr *h = kring_hdr(r);
	u32 pos = READ_ONCE(h->resv[p].pos);
	u32 n = READ_ONCE(h->resv[p].n);

	lockdep_assert_held(&r->lock);
	if (pos != KIPC_RING_RESV_NONE && n && n <= r->count)
		kring_add_orphan(r, pos, n);
	WRITE_ONCE(h->resv[p].pos, KIPC_RING_RESV_NONE);
	kring_reap_orphans(r);
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
	/* Before the indices: see kring_check(). */
	u32 state = smp_load_acquire(&r->state);
	__poll_t mask = 0;
	int ready;

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
