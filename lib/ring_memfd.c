/* SPDX-License-Identifier: MIT */
/*
 * memfd rings: the ring protocol without the kernel module, in a memfd
 * that processes share (by inheritance or SCM_RIGHTS), waiting on futexes.
 * Used where /dev/kipc is not available and to test and measure the
 * protocol natively. Unlike a kernel-owned ring, nobody notices a peer
 * that dies without detaching.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "kipc_ring.h"
#include "lib.h"

#define RING_SLOTS_MAX		(1U << 30)
#define RING_SLOT_SIZE_MAX	(1U << 26)

static bool is_pow2(unsigned int x)
{
	return x && !(x & (x - 1));
}

static int ring_geometry_ok(unsigned int slots, unsigned int slot_size,
			    unsigned int mode, size_t *size)
{
	if (!is_pow2(slots) || slots < 2 || slots > RING_SLOTS_MAX)
		return -EINVAL;
	if (!is_pow2(slot_size) || slot_size < KIPC_RING_SLOT_SIZE_MIN ||
	    slot_size > RING_SLOT_SIZE_MAX)
		return -EINVAL;
	if (mode != KIPC_RING_SPSC && mode != KIPC_RING_MPSC)
		return -EINVAL;
	if ((size_t)slots > (SIZE_MAX - KIPC_RING_HDR_SIZE) / slot_size)
		return -ENOMEM;
	*size = KIPC_RING_HDR_SIZE + (size_t)slots * slot_size;
	return 0;
}

static int memfd_create_version(unsigned int slots, unsigned int slot_size,
				unsigned int mode, uint32_t version)
{
	struct kipc_ring_hdr *h;
	unsigned char *base;
	size_t size;
	unsigned int i;
	int fd, ret;

	ret = ring_geometry_ok(slots, slot_size, mode, &size);
	if (ret)
		return ret;
	fd = memfd_create("kipc-ring", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		goto fail;
	/*
	 * All of the ring's memory now, as a kernel-owned ring has it: not
	 * a page fault per 4 KiB in the producer's first lap. A kernel
	 * without shmem (memfd on ramfs) cannot; its pages come by faults.
	 */
	if (fallocate(fd, 0, 0, (off_t)size) < 0 && errno != EOPNOTSUPP) {
		/* shmem says ENOSPC when memory runs out. */
		if (errno == ENOSPC)
			errno = ENOMEM;
		goto fail;
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		goto fail;
	h = (struct kipc_ring_hdr *)base;
	h->magic = KIPC_RING_MAGIC;
	h->version = version;
	h->mode = mode;
	h->slot_count = slots;
	h->slot_size = slot_size;
	for (i = 0; i < KIPC_RING_PRODUCERS_MAX; i++)
		h->resv[i].pos = KIPC_RING_RESV_NONE;
	if (mode == KIPC_RING_MPSC)
		for (i = 0; i < slots; i++)
			((struct kipc_ring_slot *)(base + KIPC_RING_HDR_SIZE +
				(size_t)i * slot_size))->seq = i;
	munmap(base, size);
	return fd;
fail:
	ret = -errno;
	close(fd);
	return ret;
}

/* Claim a producer number (bit) or the consumer role in the header. */
static int claim_role(struct kipc_ring *r)
{
	struct kipc_ring_hdr *h = r->hdr;
	uint64_t map, bit;
	uint32_t zero = 0;
	unsigned int p, nr = r->mode == KIPC_RING_SPSC ? 1 : KIPC_RING_PRODUCERS_MAX;

	if (r->role == KIPC_RING_CONSUMER) {
		if (!__atomic_compare_exchange_n(&h->consumers, &zero, 1, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return -EBUSY;
		__atomic_fetch_and(&h->state, ~KIPC_RING_CONSUMER_GONE, __ATOMIC_SEQ_CST);
		r->next = kipc_load_acquire(&h->head);
		r->cache = r->next;
		return 0;
	}
	map = kipc_load_acquire(&h->producer_map);
	for (;;) {
		for (p = 0; p < nr && (map & (1ULL << p)); p++)
			;
		if (p == nr)
			return -EBUSY;
		bit = 1ULL << p;
		if (__atomic_compare_exchange_n(&h->producer_map, &map, map | bit,
						false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
	}
	r->producer = p;
	__atomic_fetch_and(&h->state, ~KIPC_RING_PRODUCER_GONE, __ATOMIC_SEQ_CST);
	/* SPSC: carry on from where the last producer stopped. */
	__kipc_ring_producer_start(r);
	return 0;
}

/*
 * Attach for code that follows ring layouts up to @speaks: an SPSC
 * producer that does not mark each slot cannot feed a version 2 consumer.
 */
static int memfd_attach(int memfd, unsigned int role, struct kipc_ring *r,
			uint32_t speaks)
{
	struct kipc_ring_hdr *h;
	struct stat st;
	uint32_t version;
	size_t size;
	void *base;
	int ret;

	if (!r || (role != KIPC_RING_PRODUCER && role != KIPC_RING_CONSUMER))
		return -EINVAL;
	if (fstat(memfd, &st) < 0)
		return -errno;
	if ((size_t)st.st_size < KIPC_RING_HDR_SIZE)
		return -EINVAL;
	/* Every page mapped now, as a kernel-owned ring's mmap() does. */
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, memfd, 0);
	if (base == MAP_FAILED)
		return -errno;
	h = base;
	ret = -EINVAL;
	if (h->magic != KIPC_RING_MAGIC)
		goto fail;
	if (ring_geometry_ok(h->slot_count, h->slot_size, h->mode, &size) ||
	    size != (size_t)st.st_size)
		goto fail;
	/* Read once: every peer can write the header. */
	version = kipc_load_relaxed(&h->version);
	ret = -EPROTONOSUPPORT;
	if (version < KIPC_RING_VERSION_1 || version > KIPC_RING_VERSION ||
	    (role == KIPC_RING_PRODUCER && h->mode == KIPC_RING_SPSC &&
	     version > speaks))
		goto fail;

	memset(r, 0, sizeof(*r));
	r->hdr = h;
	r->slots = (unsigned char *)base + KIPC_RING_HDR_SIZE;
	r->count = h->slot_count;
	r->mask = h->slot_count - 1;
	r->slot_shift = (uint32_t)__builtin_ctz(h->slot_size);
	r->payload_max = h->slot_size - sizeof(struct kipc_ring_slot);
	r->mode = h->mode;
	r->role = role;
	r->fd = -1;
	r->memfd = memfd;
	r->spin = KIPC_RING_SPIN_DEFAULT;
	r->map_size = size;
	r->slot_seq = __kipc_ring_slot_seq(r->mode, version, speaks);
	ret = claim_role(r);
	if (ret)
		goto fail;
	return 0;
fail:
	munmap(base, (size_t)st.st_size);
	return ret;
}

void kipc_ring_detach(struct kipc_ring *r)
{
	struct kipc_ring_hdr *h;
	uint64_t left;

	if (!r || !r->hdr)
		return;
	h = r->hdr;
	if (r->fd < 0) {
		/* memfd ring: tell the other side, which may be asleep. */
		if (r->role == KIPC_RING_CONSUMER) {
			__atomic_fetch_or(&h->state, KIPC_RING_CONSUMER_GONE, __ATOMIC_SEQ_CST);
			__atomic_store_n(&h->consumers, 0, __ATOMIC_SEQ_CST);
			kipc_ring__wake_producers(r);
		} else {
			left = __atomic_and_fetch(&h->producer_map,
						  ~(1ULL << r->producer), __ATOMIC_SEQ_CST);
			if (!left)
				__atomic_fetch_or(&h->state, KIPC_RING_PRODUCER_GONE,
						  __ATOMIC_SEQ_CST);
			kipc_ring__wake_consumer(r);
		}
	} else {
		close(r->fd);
	}
	munmap(h, r->map_size);
	r->hdr = NULL;
}

/*
 * KIPC_RING_VERSION_2 came in KIPC_0.7. Programs linked against KIPC_0.1
 * carry the version 1 fast path inline: they create version 1 rings, and
 * attach to version 2 SPSC rings only as consumers (which read tail, as
 * version 2 producers still publish it). The static library has only the
 * new ones.
 */
#ifdef __PIC__
__attribute__((symver("kipc_ring_memfd_create@KIPC_0.1")))
int kipc_ring_memfd_create_v1(unsigned int slots, unsigned int slot_size,
			      unsigned int mode);
int kipc_ring_memfd_create_v1(unsigned int slots, unsigned int slot_size,
			      unsigned int mode)
{
	return memfd_create_version(slots, slot_size, mode, KIPC_RING_VERSION_1);
}

__attribute__((symver("kipc_ring_memfd_attach@KIPC_0.1")))
int kipc_ring_memfd_attach_v1(int memfd, unsigned int role, struct kipc_ring *r);
int kipc_ring_memfd_attach_v1(int memfd, unsigned int role, struct kipc_ring *r)
{
	return memfd_attach(memfd, role, r, KIPC_RING_VERSION_1);
}

__attribute__((symver("kipc_ring_memfd_create@@KIPC_0.7")))
int kipc_ring_memfd_create_v2(unsigned int slots, unsigned int slot_size,
			      unsigned int mode);
int kipc_ring_memfd_create_v2(unsigned int slots, unsigned int slot_size,
			      unsigned int mode)
{
	return memfd_create_version(slots, slot_size, mode, KIPC_RING_VERSION_2);
}

__attribute__((symver("kipc_ring_memfd_attach@@KIPC_0.7")))
int kipc_ring_memfd_attach_v2(int memfd, unsigned int role, struct kipc_ring *r);
int kipc_ring_memfd_attach_v2(int memfd, unsigned int role, struct kipc_ring *r)
{
	return memfd_attach(memfd, role, r, KIPC_RING_VERSION_2);
}
#else
int kipc_ring_memfd_create(unsigned int slots, unsigned int slot_size,
			   unsigned int mode)
{
	return memfd_create_version(slots, slot_size, mode, KIPC_RING_VERSION_2);
}

int kipc_ring_memfd_attach(int memfd, unsigned int role, struct kipc_ring *r)
{
	return memfd_attach(memfd, role, r, KIPC_RING_VERSION_2);
}
#endif
