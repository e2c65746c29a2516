/* SPDX-License-Identifier: MIT */
/*
 * libkipc ring fast path: reserve, commit, peek and release in place, with
 * no system call while both sides are busy.
 *
 * The same code drives a kernel-owned ring (/dev/kipc, woken by ioctl) and
 * a memfd ring (woken by futex); only kipc_ring_wait_*() and the wake-up
 * calls differ, and those are made only when the other side sleeps.
 *
 * A struct kipc_ring is one process's (or thread's) view of a ring in one
 * role. It is not shared between threads: each producer thread of an MPSC
 * ring attaches its own.
 *
 * Producer:
 *	void *p = kipc_ring_reserve(r, &pos);	// NULL: full
 *	memcpy(p, msg, len);
 *	kipc_ring_commit(r, pos, len);
 * Consumer:
 *	const void *p = kipc_ring_peek(r, &pos, &len);	// NULL: empty
 *	use(p, len);
 *	kipc_ring_release(r, pos);
 * The _n variants reserve, commit, peek and release a batch at once.
 * kipc_ring_wait_readable() / kipc_ring_wait_writable() sleep (after a
 * bounded spin) until the call would succeed.
 */
#ifndef LIBKIPC_RING_H
#define LIBKIPC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <linux/kipc_ring.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Explicit orderings on the shared words (liburing style). */
#define kipc_load_acquire(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define kipc_load_relaxed(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define kipc_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define kipc_store_relaxed(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
/*
 * Full barrier. On x86 a locked add to the stack, as the kernel's smp_mb():
 * cheaper than mfence, and as a plain instruction it is also usable under
 * ThreadSanitizer, which rejects standalone fences.
 */
#if defined(__x86_64__)
#define kipc_smp_mb()	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#else
#define kipc_smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/* Polls of the other side before sleeping, unless kipc_ring_set_spin(). */
#define KIPC_RING_SPIN_DEFAULT	128

/* kipc_ring roles */
#define KIPC_RING_PRODUCER	1
#define KIPC_RING_CONSUMER	2

/**
 * struct kipc_ring - one attachment to a ring, in one role
 *
 * Fields are private to libkipc's inline functions; read them through the
 * accessors below. Applications allocate this struct, so its size is part
 * of the ABI: 128 bytes on 64-bit targets, the fields the inline fast
 * path uses first, then the rest, then @reserved.
 */
struct kipc_ring {
	struct kipc_ring_hdr *hdr;
	unsigned char *slots;
	uint32_t count;		/* slot_count */
	uint32_t mask;		/* slot_count - 1 */
	uint32_t slot_shift;	/* log2(slot_size) */
	uint32_t payload_max;	/* slot_size - sizeof(struct kipc_ring_slot) */
	uint32_t mode;		/* KIPC_RING_SPSC / KIPC_RING_MPSC */
	uint32_t role;		/* KIPC_RING_PRODUCER / KIPC_RING_CONSUMER */
	uint32_t producer;	/* MPSC: this producer's number */
	uint32_t next;		/* SPSC producer: next position to reserve;
				 * consumer: next position to read */
	uint32_t cache;		/* SPSC producer: last head seen;
				 * SPSC consumer: last tail seen */
	uint32_t spin;		/* polls before sleeping */
	int fd;			/* kernel ring fd, or -1 */
	int memfd;		/* memfd ring: its fd, or -1 */
	size_t map_size;
	uint64_t syscalls;	/* wait and wake-up calls made */
	uint32_t slot_seq;	/* slots are published by their seq: MPSC,
				 * and SPSC in a KIPC_RING_VERSION_2 ring */
	uint32_t reserved32;
	/*
	 * Reserved for future use by libkipc: new fields come out of here,
	 * so that the size stays. Zeroed by attach; applications must not
	 * read or write it.
	 */
	uint64_t reserved[5];
};

/* Out of line: sleeping and waking (lib/ring.c). */
int kipc_ring_wait_readable(struct kipc_ring *r, const struct timespec *timeout);
int kipc_ring_wait_writable(struct kipc_ring *r, unsigned int n,
			    const struct timespec *timeout);
void kipc_ring__wake_consumer(struct kipc_ring *r);
void kipc_ring__wake_producers(struct kipc_ring *r);

static inline struct kipc_ring_slot *kipc_ring__slot(const struct kipc_ring *r,
						     uint32_t pos)
{
	return (struct kipc_ring_slot *)(r->slots +
		((size_t)(pos & r->mask) << r->slot_shift));
}

/**
 * kipc_ring_data() - the payload area of the slot at @pos
 */
static inline void *kipc_ring_data(const struct kipc_ring *r, uint32_t pos)
{
	return kipc_ring__slot(r, pos) + 1;
}

/** kipc_ring_payload_max() - the largest message one slot holds */
static inline uint32_t kipc_ring_payload_max(const struct kipc_ring *r)
{
	return r->payload_max;
}

/*
 * MPSC: withdraw this producer's claim record, once nothing it claimed is
 * left unpublished. Releases: see include/uapi/linux/kipc_ring.h.
 */
static inline void kipc_ring__clear_claim(struct kipc_ring *r)
{
	struct kipc_ring_resv *resv = &r->hdr->resv[r->producer];

	kipc_store_release(&resv->pos, KIPC_RING_RESV_NONE);
	kipc_store_release(&resv->n, 0);
}

/**
 * kipc_ring_reserve_n() - claim up to @n free slots for writing
 * @pos: set to the first claimed position; the batch is pos .. pos + ret - 1
 *
 * Returns the number of slots claimed, 0 when the ring is full.
 */
static inline unsigned int kipc_ring_reserve_n(struct kipc_ring *r,
					       unsigned int n, uint32_t *pos)
{
	struct kipc_ring_hdr *h = r->hdr;
	uint32_t p, used;

	if (r->mode == KIPC_RING_SPSC) {
		used = r->next - r->cache;
		if (used + n > r->count) {
			r->cache = kipc_load_acquire(&h->head);
			used = r->next - r->cache;
			if (used >= r->count)
				return 0;
			if (used + n > r->count)
				n = r->count - used;
		}
		*pos = r->next;
		r->next += n;
		return n;
	}

	p = kipc_load_relaxed(&h->tail);
	for (;;) {
		/*
		 * The consumer frees slots in position order and publishes
		 * head after their seq, so head bounds the free slots.
		 */
		used = p - kipc_load_acquire(&h->head);
		if (used >= r->count) {
			/*
			 * A failed compare-and-swap left a record of positions
			 * another producer won: withdrawn, it cannot keep them
			 * waiting if that producer dies while this one sleeps.
			 */
			kipc_ring__clear_claim(r);
			return 0;
		}
		if (used + n > r->count)
			n = r->count - used;
		/* Record the claim before making it, for dead-producer recovery. */
		kipc_store_release(&h->resv[r->producer].n, n);
		__atomic_store_n(&h->resv[r->producer].pos, p, __ATOMIC_SEQ_CST);
		if (__atomic_compare_exchange_n(&h->tail, &p, p + n, false,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
	}
	*pos = p;
	return n;
}

/**
 * kipc_ring_reserve() - claim one free slot; returns its payload area or NULL
 */
static inline void *kipc_ring_reserve(struct kipc_ring *r, uint32_t *pos)
{
	return kipc_ring_reserve_n(r, 1, pos) ? kipc_ring_data(r, *pos) : NULL;
}

/**
 * kipc_ring_set_len() - record the payload length of a reserved slot
 *
 * For a batch: set each slot's length, then kipc_ring_commit_n().
 */
static inline void kipc_ring_set_len(struct kipc_ring *r, uint32_t pos,
				     uint32_t len)
{
	kipc_ring__slot(r, pos)->len = len;
}

static inline void kipc_ring__notify_consumer(struct kipc_ring *r)
{
	/* Pairs with the barrier in kipc_ring_wait_readable(). */
	kipc_smp_mb();
	if (kipc_load_relaxed(&r->hdr->cons_sleeping))
		kipc_ring__wake_consumer(r);
}

/**
 * kipc_ring_commit_n() - publish @n reserved slots from @pos
 *
 * Lengths must have been set with kipc_ring_set_len(). Slots are
 * published in the order reserved.
 */
static inline void kipc_ring_commit_n(struct kipc_ring *r, uint32_t pos,
				      unsigned int n)
{
	struct kipc_ring_hdr *h = r->hdr;
	unsigned int i;

	if (r->mode == KIPC_RING_SPSC) {
		if (r->slot_seq)
			for (i = 0; i < n; i++)
				kipc_store_release(&kipc_ring__slot(r, pos + i)->seq,
						   pos + i + 1);
		/* Room checks (the kernel's too) and version 1 consumers. */
		kipc_store_release(&h->tail, pos + n);
	} else {
		for (i = 0; i < n; i++)
			kipc_store_release(&kipc_ring__slot(r, pos + i)->seq,
					   pos + i + 1);
		kipc_ring__clear_claim(r);
	}
	kipc_ring__notify_consumer(r);
}

/**
 * kipc_ring_commit() - set the length of the slot at @pos and publish it
 */
static inline void kipc_ring_commit(struct kipc_ring *r, uint32_t pos,
				    uint32_t len)
{
	kipc_ring_set_len(r, pos, len);
	kipc_ring_commit_n(r, pos, 1);
}

/*
 * Is the slot at the consumer's position published? A version 1 SPSC ring
 * compares with tail; the others read the slot's own sequence, on the
 * cache line the message is read from anyway.
 */
static inline bool kipc_ring__ready(struct kipc_ring *r, uint32_t pos)
{
	if (!r->slot_seq) {
		if (pos != r->cache)
			return true;
		r->cache = kipc_load_acquire(&r->hdr->tail);
		return pos != r->cache;
	}
	return kipc_load_acquire(&kipc_ring__slot(r, pos)->seq) == pos + 1;
}

static inline void kipc_ring__free(struct kipc_ring *r, uint32_t end)
{
	struct kipc_ring_hdr *h = r->hdr;
	uint32_t p;

	if (r->mode == KIPC_RING_MPSC)
		for (p = kipc_load_relaxed(&h->head); p != end; p++)
			kipc_store_release(&kipc_ring__slot(r, p)->seq,
					   p + r->count);
	kipc_store_release(&h->head, end);
	/* Pairs with the barrier in kipc_ring_wait_writable(). */
	kipc_smp_mb();
	if (kipc_load_relaxed(&h->prod_sleeping))
		kipc_ring__wake_producers(r);
}

/**
 * kipc_ring_peek_n() - up to @n published messages, in place
 * @pos: set to the first message's position
 *
 * Returns how many consecutive messages from *@pos are ready to read, 0
 * when the ring is empty. Read each with kipc_ring_msg(); free them with
 * kipc_ring_release_n(). Slots left by a producer that died are skipped.
 */
static inline unsigned int kipc_ring_peek_n(struct kipc_ring *r,
					    unsigned int n, uint32_t *pos)
{
	unsigned int got = 0;

	while (got < n && kipc_ring__ready(r, r->next + got)) {
		if (kipc_ring__slot(r, r->next + got)->len == KIPC_RING_LEN_SKIP) {
			if (got)
				break;
			/* Nothing to read here: free it and move on. */
			r->next++;
			kipc_ring__free(r, r->next);
			continue;
		}
		got++;
	}
	*pos = r->next;
	return got;
}

/**
 * kipc_ring_msg() - the payload and length of a peeked message
 *
 * The length is clamped to the slot, whatever a producer wrote.
 */
static inline const void *kipc_ring_msg(const struct kipc_ring *r,
					uint32_t pos, uint32_t *len)
{
	uint32_t l = kipc_ring__slot(r, pos)->len;

	*len = l > r->payload_max ? r->payload_max : l;
	return kipc_ring_data(r, pos);
}

/**
 * kipc_ring_peek() - the next message in place, or NULL when empty
 */
static inline const void *kipc_ring_peek(struct kipc_ring *r, uint32_t *pos,
					 uint32_t *len)
{
	if (!kipc_ring_peek_n(r, 1, pos))
		return NULL;
	return kipc_ring_msg(r, *pos, len);
}

/**
 * kipc_ring_release_n() - free @n peeked messages from @pos
 */
static inline void kipc_ring_release_n(struct kipc_ring *r, uint32_t pos,
				       unsigned int n)
{
	r->next = pos + n;
	kipc_ring__free(r, r->next);
}

/** kipc_ring_release() - free one peeked message */
static inline void kipc_ring_release(struct kipc_ring *r, uint32_t pos)
{
	kipc_ring_release_n(r, pos, 1);
}

/* Kernel-owned rings (lib/ring_kernel.c); @ep is an endpoint fd. */
int kipc_ring_create(int ep, const char *name, unsigned int slots,
		     unsigned int slot_size, unsigned int mode,
		     unsigned int perm, uint64_t *id);
int kipc_ring_attach(int ep, const char *name, uint64_t id, unsigned int role,
		     struct kipc_ring *r);
int kipc_ring_delete(int ep, const char *name, uint64_t id);
int kipc_ring_fd(const struct kipc_ring *r);

/* Attaching, detaching and copying (lib/ring.c, lib/ring_memfd.c). */
int kipc_ring_memfd_create(unsigned int slots, unsigned int slot_size,
			   unsigned int mode);
int kipc_ring_memfd_attach(int memfd, unsigned int role, struct kipc_ring *r);
void kipc_ring_detach(struct kipc_ring *r);
int kipc_ring_set_spin(struct kipc_ring *r, unsigned int spins);
int kipc_ring_send(struct kipc_ring *r, const void *buf, size_t len,
		   const struct timespec *timeout);
int kipc_ring_recv(struct kipc_ring *r, void *buf, size_t len,
		   const struct timespec *timeout);

#ifdef __cplusplus
}
#endif

#endif /* LIBKIPC_RING_H */
