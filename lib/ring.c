/* SPDX-License-Identifier: MIT */
/*
 * Ring slow paths: sleeping when there is nothing to do, waking the other
 * side when it sleeps, and the copying send/receive helpers. The fast
 * paths are inline in kipc_ring.h.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "libkipc.h"
#include "lib.h"
#include "kipc_ring.h"
#include "syscall.h"

/*
 * Applications allocate struct kipc_ring: its size is ABI. A new field
 * takes its place from reserved[].
 */
#if defined(__LP64__)
_Static_assert(sizeof(struct kipc_ring) == 128,
	       "struct kipc_ring: take new fields from reserved[]");
#endif

/*
 * Where an SPSC producer that attaches carries on: after what the last
 * one published. In a version 2 ring that may be past tail, if it died
 * between a slot's seq and tail, and the consumer may have taken those
 * messages already: start after them and publish tail up to there, so
 * that tail is never behind head. Bounded by the ring's size whatever the
 * slots say.
 */
void __kipc_ring_producer_start(struct kipc_ring *r)
{
	struct kipc_ring_hdr *h = r->hdr;
	uint32_t tail = kipc_load_acquire(&h->tail);

	r->next = tail;
	r->cache = kipc_load_acquire(&h->head);
	if (r->mode != KIPC_RING_SPSC || !r->slot_seq)
		return;
	while (r->next - tail < r->count &&
	       kipc_load_acquire(&kipc_ring__slot(r, r->next)->seq) == r->next + 1)
		r->next++;
	if (r->next != tail)
		kipc_store_release(&h->tail, r->next);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Absolute CLOCK_MONOTONIC deadline from a relative timeout. */
static int deadline_of(const struct timespec *timeout, struct timespec *dl)
{
	if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 ||
	    timeout->tv_nsec >= 1000000000L)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, dl);
	dl->tv_sec += timeout->tv_sec;
	dl->tv_nsec += timeout->tv_nsec;
	if (dl->tv_nsec >= 1000000000L) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000L;
	}
	return 0;
}

/* Wait while *word == val; shared (not private): peers are other processes. */
static int futex_wait_until(uint32_t *word, uint32_t val,
			    const struct timespec *deadline)
{
	long ret = syscall(SYS_futex, word, FUTEX_WAIT_BITSET, val, deadline,
			   NULL, FUTEX_BITSET_MATCH_ANY);

	if (ret == 0 || errno == EAGAIN)
		return 0;
	return -errno;
}

static void futex_wake_all(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static bool readable(struct kipc_ring *r)
{
	return kipc_ring__ready(r, r->next);
}

static bool writable(struct kipc_ring *r, unsigned int n)
{
	struct kipc_ring_hdr *h = r->hdr;
	uint32_t tail = r->mode == KIPC_RING_SPSC ? r->next :
			kipc_load_relaxed(&h->tail);

	return tail - kipc_load_acquire(&h->head) + n <= r->count;
}

static int sleep_on(struct kipc_ring *r, uint32_t *word, uint32_t seen,
		    const struct timespec *deadline)
{
	r->syscalls++;
	return futex_wait_until(word, seen, deadline);
}

/*
 * A kernel-owned ring sleeps in the kernel, which keeps the sleeping words
 * itself and computes readiness from the shared indices. An SPSC producer
 * asks for room for its unpublished reservations too, as the kernel sees
 * only the published tail.
 */
static int kernel_wait(struct kipc_ring *r, uint32_t flags, unsigned int n,
		       const struct timespec *timeout)
{
	struct kipc_ring_wait w;
	int ret;

	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.flags = flags;
	if (flags & KIPC_RING_WAIT_WRITABLE) {
		if (r->mode == KIPC_RING_SPSC)
			n += r->next - kipc_load_relaxed(&r->hdr->tail);
		if (n > r->count)
			return -EINVAL;
		w.n = n;
	}
	if (timeout) {
		w.flags |= KIPC_TIMEOUT;
		w.timeout.tv_sec = timeout->tv_sec;
		w.timeout.tv_nsec = timeout->tv_nsec;
	}
	r->syscalls++;
	ret = __kipc_ioctl(r->fd, KIPC_IOC_RING_WAIT, &w);
	return ret < 0 ? ret : 0;
}

int kipc_ring_wait_readable(struct kipc_ring *r, const struct timespec *timeout)
{
	struct kipc_ring_hdr *h = r->hdr;
	struct timespec dl, *deadline = NULL;
	unsigned int i;
	uint32_t seen;
	int ret;

	if (!(r->role & KIPC_RING_CONSUMER))
		return -EINVAL;
	for (i = 0; i < r->spin; i++) {
		if (readable(r))
			return 0;
		cpu_relax();
	}
	if (r->fd >= 0)
		return readable(r) ? 0 :
		       kernel_wait(r, KIPC_RING_WAIT_READABLE, 0, timeout);
	if (timeout) {
		ret = deadline_of(timeout, &dl);
		if (ret)
			return ret;
		deadline = &dl;
	}
	for (;;) {
		seen = kipc_load_acquire(&h->cons_wake);
		kipc_store_relaxed(&h->cons_sleeping, 1);
		/* Pairs with the barrier in kipc_ring__notify_consumer(). */
		kipc_smp_mb();
		if (readable(r)) {
			ret = 0;
			break;
		}
		if (kipc_load_acquire(&h->state) &
		    (KIPC_RING_PRODUCER_GONE | KIPC_RING_DELETED)) {
			ret = -EPIPE;
			break;
		}
		ret = sleep_on(r, &h->cons_wake, seen, deadline);
		if (ret)
			break;
	}
	kipc_store_relaxed(&h->cons_sleeping, 0);
	return ret;
}

int kipc_ring_wait_writable(struct kipc_ring *r, unsigned int n,
			    const struct timespec *timeout)
{
	struct kipc_ring_hdr *h = r->hdr;
	struct timespec dl, *deadline = NULL;
	unsigned int i;
	uint32_t seen;
	int ret;

	if (!(r->role & KIPC_RING_PRODUCER) || n == 0 || n > r->count)
		return -EINVAL;
	for (i = 0; i < r->spin; i++) {
		if (writable(r, n))
			return 0;
		cpu_relax();
	}
	if (r->fd >= 0)
		return writable(r, n) ? 0 :
		       kernel_wait(r, KIPC_RING_WAIT_WRITABLE, n, timeout);
	if (timeout) {
		ret = deadline_of(timeout, &dl);
		if (ret)
			return ret;
		deadline = &dl;
	}
	__atomic_fetch_add(&h->prod_sleeping, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		seen = kipc_load_acquire(&h->prod_wake);
		/* Pairs with the barrier in kipc_ring__free(). */
		kipc_smp_mb();
		if (writable(r, n)) {
			ret = 0;
			break;
		}
		if (kipc_load_acquire(&h->state) &
		    (KIPC_RING_CONSUMER_GONE | KIPC_RING_DELETED)) {
			ret = -EPIPE;
			break;
		}
		ret = sleep_on(r, &h->prod_wake, seen, deadline);
		if (ret)
			break;
	}
	__atomic_fetch_sub(&h->prod_sleeping, 1, __ATOMIC_SEQ_CST);
	return ret;
}

void kipc_ring__wake_consumer(struct kipc_ring *r)
{
	struct kipc_ring_hdr *h = r->hdr;

	/* One wake-up per sleep: the consumer sets the flag again. */
	kipc_store_relaxed(&h->cons_sleeping, 0);
	r->syscalls++;
	if (r->fd >= 0) {
		ioctl(r->fd, KIPC_IOC_RING_WAKE);
		return;
	}
	__atomic_fetch_add(&h->cons_wake, 1, __ATOMIC_SEQ_CST);
	futex_wake_all(&h->cons_wake);
}

void kipc_ring__wake_producers(struct kipc_ring *r)
{
	struct kipc_ring_hdr *h = r->hdr;

	r->syscalls++;
	if (r->fd >= 0) {
		/* The kernel keeps prod_sleeping; waking clears it. */
		kipc_store_relaxed(&h->prod_sleeping, 0);
		ioctl(r->fd, KIPC_IOC_RING_WAKE);
		return;
	}
	__atomic_fetch_add(&h->prod_wake, 1, __ATOMIC_SEQ_CST);
	futex_wake_all(&h->prod_wake);
}

int kipc_ring_set_spin(struct kipc_ring *r, unsigned int spins)
{
	if (!r || spins > (1U << 20))
		return -EINVAL;
	r->spin = spins;
	return 0;
}

int kipc_ring_send(struct kipc_ring *r, const void *buf, size_t len,
		   const struct timespec *timeout)
{
	uint32_t pos;
	void *p;
	int ret;

	if (!r || !(r->role & KIPC_RING_PRODUCER) || (len && !buf))
		return -EINVAL;
	if (len > r->payload_max)
		return -EMSGSIZE;
	while (!(p = kipc_ring_reserve(r, &pos))) {
		ret = kipc_ring_wait_writable(r, 1, timeout);
		if (ret)
			return ret;
	}
	memcpy(p, buf, len);
	kipc_ring_commit(r, pos, (uint32_t)len);
	return 0;
}

int kipc_ring_recv(struct kipc_ring *r, void *buf, size_t len,
		   const struct timespec *timeout)
{
	const void *p;
	uint32_t pos, mlen;
	int ret;

	if (!r || !(r->role & KIPC_RING_CONSUMER) || (len && !buf))
		return -EINVAL;
	while (!(p = kipc_ring_peek(r, &pos, &mlen))) {
		ret = kipc_ring_wait_readable(r, timeout);
		if (ret)
			return ret;
	}
	/* Too small a buffer leaves the message where it is. */
	if (mlen > len)
		return -EMSGSIZE;
	memcpy(buf, p, mlen);
	kipc_ring_release(r, pos);
	return (int)mlen;
}
