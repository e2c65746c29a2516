/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal user side of the kipc ring protocol, written from the rules
 * in include/uapi/linux/kipc_ring.h, for the ring selftests: attach and
 * map a kernel-owned ring, reserve / commit slots as a producer (SPSC:
 * tail, and per-slot seq in a version 2 ring; MPSC: claim record,
 * compare-and-swap on tail, per-slot seq), peek
 * / release them as the consumer, and sleep in KIPC_IOC_RING_WAIT after
 * announcing it in the *_sleeping words.
 *
 * A struct kt_ring is one attachment in one role, used by one thread.
 */
#ifndef KIPC_SELFTEST_RING_PROTO_H
#define KIPC_SELFTEST_RING_PROTO_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kipc.h>
#include <linux/kipc_ring.h>

#include "kipc_ioctl.h"

/* Polls of the other side before sleeping in the kernel. */
#define KT_RING_SPIN_DEFAULT	128

struct kt_ring {
	struct kipc_ring_hdr *hdr;
	unsigned char *slots;
	uint32_t count;		/* slot_count */
	uint32_t mask;
	uint32_t slot_shift;
	uint32_t payload_max;
	uint32_t mode;		/* KIPC_RING_SPSC / KIPC_RING_MPSC */
	uint32_t role;		/* KIPC_RING_ROLE_* */
	uint32_t producer;	/* MPSC: our claim record */
	uint32_t next;		/* producer (SPSC): next to reserve; consumer: next to read */
	uint32_t cache;		/* SPSC: last head (producer) or tail (consumer) seen */
	uint32_t spin;
	bool slot_seq;		/* published by each slot's seq: MPSC, or
				 * SPSC in a KIPC_RING_VERSION_2 ring */
	int fd;			/* the ring fd, -1 when detached */
	size_t map_size;
	uint64_t syscalls;	/* RING_WAIT and RING_WAKE calls made */
};

/*
 * The full barrier the protocol asks for between a store and a load. On
 * x86 a locked add to the stack, as the kernel's smp_mb(): cheaper than
 * mfence, which matters to the streaming tests under emulation.
 */
#if defined(__x86_64__)
#define kt_smp_mb()	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#else
#define kt_smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
/*
 * In a spin: a pause lets the other hyperthread (or, under emulation, the
 * other vCPU) run, so a spinning side does not starve the one it waits for.
 */
#if defined(__x86_64__) || defined(__i386__)
#define kt_cpu_relax()	__builtin_ia32_pause()
#else
#define kt_cpu_relax()	do { } while (0)
#endif

#define kt_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define kt_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

/* RING_ATTACH and mmap; @role is KIPC_RING_ROLE_*. 0 or -errno. */
static inline int kt_ring_attach(int ep, const char *name, uint64_t id,
				 unsigned int role, struct kt_ring *r)
{
	struct kipc_ring_attach a;
	void *base;
	int fd, ret;

	fd = sys_kipc_ring_attach(ep, name, id, role, &a);
	if (fd < 0)
		return fd;
	base = mmap(NULL, a.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		ret = -errno;
		close(fd);
		return ret;
	}
	memset(r, 0, sizeof(*r));
	r->hdr = base;
	r->slots = (unsigned char *)base + KIPC_RING_HDR_SIZE;
	r->count = a.slots;
	r->mask = a.slots - 1;
	r->slot_shift = (uint32_t)__builtin_ctz(a.slot_size);
	r->payload_max = a.slot_size - sizeof(struct kipc_ring_slot);
	r->mode = a.mode;
	r->role = role;
	r->producer = a.producer;
	r->spin = KT_RING_SPIN_DEFAULT;
	r->fd = fd;
	r->map_size = a.map_size;
	r->slot_seq = a.mode == KIPC_RING_MPSC || a.version >= KIPC_RING_VERSION_2;
	if (role == KIPC_RING_ROLE_CONSUMER)
		r->next = r->cache = kt_load_acquire(&r->hdr->head);
	else {
		r->next = kt_load_acquire(&r->hdr->tail);
		r->cache = kt_load_acquire(&r->hdr->head);
	}
	return 0;
}

static inline void kt_ring_detach(struct kt_ring *r)
{
	if (r->hdr)
		munmap(r->hdr, r->map_size);
	if (r->fd >= 0)
		close(r->fd);
	r->hdr = NULL;
	r->fd = -1;
}

static inline int kt_ring_fd(const struct kt_ring *r)
{
	return r->fd;
}

static inline uint32_t kt_ring_payload_max(const struct kt_ring *r)
{
	return r->payload_max;
}

static inline int kt_ring_set_spin(struct kt_ring *r, unsigned int spins)
{
	r->spin = spins;
	return 0;
}

static inline struct kipc_ring_slot *kt_ring_slot(const struct kt_ring *r,
						  uint32_t pos)
{
	return (struct kipc_ring_slot *)(r->slots +
		((size_t)(pos & r->mask) << r->slot_shift));
}

static inline void *kt_ring_data(const struct kt_ring *r, uint32_t pos)
{
	return kt_ring_slot(r, pos) + 1;
}

/* MPSC: nothing claimed and unpublished is left: withdraw the record. */
static inline void kt_ring_clear_claim(struct kt_ring *r)
{
	kt_store_release(&r->hdr->resv[r->producer].pos, KIPC_RING_RESV_NONE);
	kt_store_release(&r->hdr->resv[r->producer].n, 0);
}

/* Claim up to @n free slots from *@pos; 0 when the ring is full. */
static inline unsigned int kt_ring_reserve_n(struct kt_ring *r, unsigned int n,
					     uint32_t *pos)
{
	struct kipc_ring_hdr *h = r->hdr;
	uint32_t p, used;

	if (r->mode == KIPC_RING_SPSC) {
		used = r->next - r->cache;
		if (used + n > r->count) {
			r->cache = kt_load_acquire(&h->head);
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
	p = __atomic_load_n(&h->tail, __ATOMIC_RELAXED);
	for (;;) {
		used = p - kt_load_acquire(&h->head);
		if (used >= r->count) {
			kt_ring_clear_claim(r);
			return 0;
		}
		if (used + n > r->count)
			n = r->count - used;
		/* The record comes first, so a claim of ours that dies is found. */
		kt_store_release(&h->resv[r->producer].n, n);
		__atomic_store_n(&h->resv[r->producer].pos, p, __ATOMIC_SEQ_CST);
		if (__atomic_compare_exchange_n(&h->tail, &p, p + n, false,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
	}
	*pos = p;
	return n;
}

static inline void *kt_ring_reserve(struct kt_ring *r, uint32_t *pos)
{
	return kt_ring_reserve_n(r, 1, pos) ? kt_ring_data(r, *pos) : NULL;
}

static inline void kt_ring_set_len(struct kt_ring *r, uint32_t pos, uint32_t len)
{
	kt_ring_slot(r, pos)->len = len;
}

/* Publish @n reserved slots from @pos, waking the consumer if it sleeps. */
static inline void kt_ring_commit_n(struct kt_ring *r, uint32_t pos,
				    unsigned int n)
{
	unsigned int i;

	if (r->mode == KIPC_RING_SPSC) {
		if (r->slot_seq)
			for (i = 0; i < n; i++)
				kt_store_release(&kt_ring_slot(r, pos + i)->seq,
						 pos + i + 1);
		kt_store_release(&r->hdr->tail, pos + n);
	} else {
		for (i = 0; i < n; i++)
			kt_store_release(&kt_ring_slot(r, pos + i)->seq, pos + i + 1);
		kt_ring_clear_claim(r);
	}
	kt_smp_mb();
	if (__atomic_load_n(&r->hdr->cons_sleeping, __ATOMIC_RELAXED)) {
		__atomic_store_n(&r->hdr->cons_sleeping, 0, __ATOMIC_RELAXED);
		r->syscalls++;
		sys_kipc_ring_wake(r->fd);
	}
}

static inline void kt_ring_commit(struct kt_ring *r, uint32_t pos, uint32_t len)
{
	kt_ring_set_len(r, pos, len);
	kt_ring_commit_n(r, pos, 1);
}

/* Is the message at @pos published? */
static inline bool kt_ring_ready(struct kt_ring *r, uint32_t pos)
{
	if (!r->slot_seq) {
		if (pos != r->cache)
			return true;
		r->cache = kt_load_acquire(&r->hdr->tail);
		return pos != r->cache;
	}
	return kt_load_acquire(&kt_ring_slot(r, pos)->seq) == pos + 1;
}

/* Consumer: free every slot before @end, waking producers that sleep. */
static inline void kt_ring_free(struct kt_ring *r, uint32_t end)
{
	struct kipc_ring_hdr *h = r->hdr;
	uint32_t p;

	if (r->mode == KIPC_RING_MPSC)
		for (p = __atomic_load_n(&h->head, __ATOMIC_RELAXED); p != end; p++)
			kt_store_release(&kt_ring_slot(r, p)->seq, p + r->count);
	kt_store_release(&h->head, end);
	kt_smp_mb();
	if (__atomic_load_n(&h->prod_sleeping, __ATOMIC_RELAXED)) {
		/* The kernel counts sleeping producers; waking clears it. */
		__atomic_store_n(&h->prod_sleeping, 0, __ATOMIC_RELAXED);
		r->syscalls++;
		sys_kipc_ring_wake(r->fd);
	}
}

/* Up to @n consecutive published messages from *@pos; skips dead claims. */
static inline unsigned int kt_ring_peek_n(struct kt_ring *r, unsigned int n,
					  uint32_t *pos)
{
	unsigned int got = 0;

	while (got < n && kt_ring_ready(r, r->next + got)) {
		if (kt_ring_slot(r, r->next + got)->len == KIPC_RING_LEN_SKIP) {
			if (got)
				break;
			r->next++;
			kt_ring_free(r, r->next);
			continue;
		}
		got++;
	}
	*pos = r->next;
	return got;
}

/* The payload at @pos; the length is clamped to the slot. */
static inline const void *kt_ring_msg(const struct kt_ring *r, uint32_t pos,
				      uint32_t *len)
{
	uint32_t l = kt_ring_slot(r, pos)->len;

	*len = l > r->payload_max ? r->payload_max : l;
	return kt_ring_data(r, pos);
}

static inline const void *kt_ring_peek(struct kt_ring *r, uint32_t *pos,
				       uint32_t *len)
{
	if (!kt_ring_peek_n(r, 1, pos))
		return NULL;
	return kt_ring_msg(r, *pos, len);
}

static inline void kt_ring_release_n(struct kt_ring *r, uint32_t pos,
				     unsigned int n)
{
	r->next = pos + n;
	kt_ring_free(r, r->next);
}

static inline void kt_ring_release(struct kt_ring *r, uint32_t pos)
{
	kt_ring_release_n(r, pos, 1);
}

static inline bool kt_ring_writable(struct kt_ring *r, unsigned int n)
{
	uint32_t tail = r->mode == KIPC_RING_SPSC ? r->next :
			__atomic_load_n(&r->hdr->tail, __ATOMIC_RELAXED);

	return tail - kt_load_acquire(&r->hdr->head) + n <= r->count;
}

/* Consumer: wait until a message is ready. 0 or RING_WAIT's -errno. */
static inline int kt_ring_wait_readable(struct kt_ring *r,
					const struct timespec *timeout)
{
	unsigned int i;
	int ret;

	for (i = 0; i < r->spin; i++) {
		if (kt_ring_ready(r, r->next))
			return 0;
		kt_cpu_relax();
	}
	if (kt_ring_ready(r, r->next))
		return 0;
	r->syscalls++;
	ret = sys_kipc_ring_wait(r->fd, KIPC_RING_WAIT_READABLE, 0, timeout);
	return ret < 0 ? ret : 0;
}

/* Producer: wait until @n slots are free. 0 or RING_WAIT's -errno. */
static inline int kt_ring_wait_writable(struct kt_ring *r, unsigned int n,
					const struct timespec *timeout)
{
	unsigned int i;
	int ret;

	for (i = 0; i < r->spin; i++) {
		if (kt_ring_writable(r, n))
			return 0;
		kt_cpu_relax();
	}
	if (kt_ring_writable(r, n))
		return 0;
	/* SPSC: the kernel counts from the published tail, we from ours. */
	if (r->mode == KIPC_RING_SPSC)
		n += r->next - __atomic_load_n(&r->hdr->tail, __ATOMIC_RELAXED);
	r->syscalls++;
	ret = sys_kipc_ring_wait(r->fd, KIPC_RING_WAIT_WRITABLE, n, timeout);
	return ret < 0 ? ret : 0;
}

/* Copy one message in, waiting for room. 0 or -errno. */
static inline int kt_ring_send(struct kt_ring *r, const void *buf, size_t len,
			       const struct timespec *timeout)
{
	uint32_t pos;
	void *p;
	int ret;

	if (len > r->payload_max)
		return -EMSGSIZE;
	while (!(p = kt_ring_reserve(r, &pos))) {
		ret = kt_ring_wait_writable(r, 1, timeout);
		if (ret)
			return ret;
	}
	memcpy(p, buf, len);
	kt_ring_commit(r, pos, (uint32_t)len);
	return 0;
}

/*
 * Copy one message out, waiting for one: its length, or -EMSGSIZE with
 * the message left in place when @len is too small.
 */
static inline int kt_ring_recv(struct kt_ring *r, void *buf, size_t len,
			       const struct timespec *timeout)
{
	const void *p;
	uint32_t pos, mlen;
	int ret;

	while (!(p = kt_ring_peek(r, &pos, &mlen))) {
		ret = kt_ring_wait_readable(r, timeout);
		if (ret)
			return ret;
	}
	if (mlen > len)
		return -EMSGSIZE;
	memcpy(buf, p, mlen);
	kt_ring_release(r, pos);
	return (int)mlen;
}

#endif /* KIPC_SELFTEST_RING_PROTO_H */
