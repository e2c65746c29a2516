// SPDX-License-Identifier: MIT
/*
 * Rings: create, attach, delete, wait, wake; mmap, munmap and mremap of
 * ring fds at any offset and length; garbage written over a mapped header.
 */
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "fuzz.h"

/* Geometry: mostly small rings (cheap under KASAN), sometimes the edges. */
static uint32_t pick_pow2(struct fuzz *f, uint32_t lo_log, uint32_t hi_log,
			  uint32_t edge_max)
{
	uint32_t kind = rng_below(f, 100), lg = lo_log + rng_below(f, hi_log - lo_log + 1);
	uint32_t r = (uint32_t)rng64(f);

	if (kind < 85)
		return 1U << lg;
	switch (kind % 6) {
	case 0: return 0;
	case 1: return 1;
	case 2: return (1U << lg) + 1;	/* not a power of two */
	case 3: return edge_max;
	case 4: return edge_max * 2;
	default: return r;
	}
}

void op_ring_create(struct fuzz *f)
{
	struct kipc_ring_create c = { 0 };
	struct fuzz_arg a;
	uint32_t keep = rng_below(f, FUZZ_RINGS);
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	c.size = pick_size(f, KIPC_RING_CREATE_SIZE_VER0, sizeof(c));
	c.flags = pick_flags(f, 0);
	c.id = rng_chance(f, 5) ? rng64(f) : 0;
	c.slots = pick_pow2(f, 1, 6, 1U << 20);
	c.slot_size = pick_pow2(f, 6, 9, 1U << 20);
	c.mode = rng_chance(f, 90) ? rng_below(f, 2) : (uint32_t)rng64(f);
	c.perm = rng_chance(f, 85) ? 0666 : (uint32_t)rng64(f) % 01001;
	pick_name(f, c.name);
	ret = fuzz_ioctl(fd, KIPC_IOC_RING_CREATE, arg_place(f, &c, sizeof(c), arg_pick(f), &a));
	note(f, "RING_CREATE", ret);
	if (ret > 0)
		impossible(f, "RING_CREATE returned %ld", ret);
	if (ret == 0 && !a.bad) {
		memcpy(&c, a.p, sizeof(c));
		if (!c.id)
			impossible(f, "RING_CREATE gave id 0");
		publish_id(f, c.id);
		f->ring_ids[keep] = c.id;
	}
}

void op_ring_attach(struct fuzz *f)
{
	struct kipc_ring_attach r = { 0 };
	struct fuzz_arg a;
	uint32_t pick = rng_below(f, FUZZ_RINGS), byname = rng_below(f, 100);
	int fd = pick_fd_for(f, FD_EP);
	struct fuzz_fd *s;
	long ret;

	r.size = pick_size(f, KIPC_RING_ATTACH_SIZE_VER0, sizeof(r));
	r.role = rng_chance(f, 90) ? 1 + rng_below(f, 2) : (uint32_t)rng64(f);
	r.id = pick_id(f);
	pick_name(f, r.name);
	if (byname < 30)
		r.id = 0;
	else if (byname < 95)
		r.name[0] = 0;
	/* Outputs, which the kernel wants zero on the way in. */
	r.producer = rng_chance(f, 10) && !f->sane ? (uint32_t)rng64(f) : 0;
	ret = fuzz_ioctl(fd, KIPC_IOC_RING_ATTACH, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, "RING_ATTACH", ret);
	if (ret == 0)
		impossible(f, "RING_ATTACH returned 0, not an fd");
	if (ret < 0)
		return;
	s = slot_free(f->ring, FUZZ_RINGS, pick);
	if (!s) {
		close((int)ret);
		return;
	}
	memset(s, 0, sizeof(*s));
	s->fd = (int)ret;
	s->role = r.role;
	if (a.bad || r.size < sizeof(r))
		return;
	memcpy(&r, a.p, sizeof(r));
	if (!r.slots || (r.slots & (r.slots - 1)) ||
	    r.slot_size < KIPC_RING_SLOT_SIZE_MIN || (r.slot_size & (r.slot_size - 1)))
		impossible(f, "RING_ATTACH geometry %u x %u", r.slots, r.slot_size);
	/* The header page, then the slots, in whole pages. */
	if (r.map_size != ((KIPC_RING_HDR_SIZE + (uint64_t)r.slots * r.slot_size +
			    (uint64_t)sysconf(_SC_PAGESIZE) - 1) &
			   ~((uint64_t)sysconf(_SC_PAGESIZE) - 1)))
		impossible(f, "RING_ATTACH map_size %llu for %u x %u",
			   (unsigned long long)r.map_size, r.slots, r.slot_size);
	if (r.mode == KIPC_RING_MPSC && r.role == KIPC_RING_ROLE_PRODUCER &&
	    r.producer >= KIPC_RING_PRODUCERS_MAX)
		impossible(f, "RING_ATTACH producer %u", r.producer);
	s->id = r.id;
	s->map_size = r.map_size;
}

void op_ring_delete(struct fuzz *f)
{
	struct kipc_mbox_ref r = { 0 };
	struct fuzz_arg a;
	uint32_t byname = rng_below(f, 100);
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	r.size = pick_size(f, KIPC_MBOX_REF_SIZE_VER0, sizeof(r));
	r.flags = pick_flags(f, 0);
	r.id = pick_id(f);
	pick_name(f, r.name);
	if (byname < 30)
		r.id = 0;
	else
		r.name[0] = 0;
	ret = fuzz_ioctl(fd, KIPC_IOC_RING_DELETE, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, "RING_DELETE", ret);
	if (ret > 0)
		impossible(f, "RING_DELETE returned %ld", ret);
}

void op_ring_wait(struct fuzz *f)
{
	struct kipc_ring_wait w = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_RING);
	long ret;

	w.size = pick_size(f, KIPC_RING_WAIT_SIZE_VER0, sizeof(w));
	w.flags = pick_flags(f, KIPC_RING_WAIT_READABLE | KIPC_RING_WAIT_WRITABLE |
			     KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME);
	pick_timeout(f, &w.flags, &w.timeout);
	w.n = rng_chance(f, 80) ? rng_below(f, 8) : (uint32_t)rng64(f);
	w.reserved = rng_chance(f, 5) && !f->sane;
	note_wait(f, fd, w.flags, &w.timeout);
	ret = fuzz_ioctl(fd, KIPC_IOC_RING_WAIT, arg_place(f, &w, sizeof(w), arg_pick(f), &a));
	note(f, "RING_WAIT", ret);
	if (ret > 0)
		impossible(f, "RING_WAIT returned %ld", ret);
}

void op_ring_wake(struct fuzz *f)
{
	int fd = pick_fd_for(f, FD_RING);
	long ret = fuzz_ioctl(fd, KIPC_IOC_RING_WAKE, NULL);

	note(f, "RING_WAKE", ret);
	if (ret > 0)
		impossible(f, "RING_WAKE returned %ld", ret);
}

/* mmap of a ring fd (or any fd) at random offsets, lengths and flags. */
void op_mmap(struct fuzz *f)
{
	uint32_t ri = rng_below(f, FUZZ_RINGS), mi = rng_below(f, FUZZ_MAPS);
	uint32_t kind = rng_below(f, 100), pages = rng_below(f, 64);
	uint32_t prot = rng_below(f, 4), shared = rng_below(f, 100);
	int any = pick_fd(f), k = first_used(f->ring, FUZZ_RINGS, ri);
	long pg = sysconf(_SC_PAGESIZE);
	size_t len;
	int fd;
	off_t off = 0;
	int p = prot == 0 ? PROT_READ : PROT_READ | PROT_WRITE;
	void *m;

	if (k >= 0)
		ri = (uint32_t)k;
	fd = kind < 90 ? f->ring[ri].fd : any;
	len = f->ring[ri].map_size;

	if (kind >= 60 && kind < 70)
		len = (size_t)pages * pg;
	else if (kind >= 70 && kind < 80)
		off = (off_t)(pages + 1) * pg;
	else if (kind >= 80 && kind < 85)
		len += pg;
	else if (kind >= 85 && kind < 90)
		len = len ? len - 1 : 0;
	if (len == 0)
		len = pg;
	m = mmap(NULL, len, p, shared < 90 ? MAP_SHARED : MAP_PRIVATE, fd, off);
	note(f, "mmap", m == MAP_FAILED ? -1 : 0);
	if (m == MAP_FAILED)
		return;
	/* The kernel maps a ring whole, from offset 0, shared, or not at all. */
	if (kind < 90 && f->ring[ri].map_size &&
	    (off || shared >= 90 || (len + pg - 1) / pg * pg != f->ring[ri].map_size))
		impossible(f, "mmap of a ring of %llu bytes accepted %zu bytes at %lld%s",
			   (unsigned long long)f->ring[ri].map_size, len,
			   (long long)off, shared >= 90 ? " private" : "");
	if (f->map[mi].addr)
		munmap(f->map[mi].addr, f->map[mi].len);
	f->map[mi].addr = m;
	f->map[mi].len = (len + pg - 1) / pg * pg;
	f->map[mi].writable = !!(p & PROT_WRITE);
}

/* Unmap all of a mapping, or its tail (splitting the vma). */
void op_munmap(struct fuzz *f)
{
	uint32_t mi = rng_below(f, FUZZ_MAPS), keep = rng_below(f, 8);
	struct fuzz_map *m = &f->map[mi];
	long pg = sysconf(_SC_PAGESIZE);
	size_t k;

	if (!m->addr)
		return;
	k = (size_t)keep * pg;
	if (k == 0 || k >= m->len) {
		note(f, "munmap", munmap(m->addr, m->len));
		memset(m, 0, sizeof(*m));
		return;
	}
	note(f, "munmap tail", munmap(m->addr + k, m->len - k));
	m->len = k;
}

/* Grow (must fail: VM_DONTEXPAND), shrink, or move a mapping. */
void op_mremap(struct fuzz *f)
{
	uint32_t mi = rng_below(f, FUZZ_MAPS), kind = rng_below(f, 4), pages = rng_below(f, 8);
	struct fuzz_map *m = &f->map[mi];
	long pg = sysconf(_SC_PAGESIZE);
	size_t nlen;
	void *n;

	if (!m->addr)
		return;
	nlen = kind == 0 ? m->len + (size_t)(pages + 1) * pg :
		kind == 1 ? (size_t)(pages + 1) * pg : m->len;
	if (kind == 1 && nlen > m->len)
		nlen = m->len;
	n = mremap(m->addr, m->len, nlen, kind >= 2 ? MREMAP_MAYMOVE : 0);
	note(f, "mremap", n == MAP_FAILED ? -1 : 0);
	if (n == MAP_FAILED)
		return;
	if (kind == 0)
		impossible(f, "mremap grew a ring mapping from %zu to %zu", m->len, nlen);
	m->addr = n;
	m->len = nlen;
}

/* Garbage over a writable mapping: header indices, flags, slot lengths. */
void op_scribble(struct fuzz *f)
{
	uint32_t mi = rng_below(f, FUZZ_MAPS), n = 1 + rng_below(f, 8), i;
	struct fuzz_map *m = &f->map[mi];
	uint32_t off[8];
	uint32_t val[8];

	for (i = 0; i < 8; i++) {
		/* Mostly the header words the kernel reads (tail, head, ...). */
		off[i] = rng_chance(f, 70) ? rng_below(f, 0x240) & ~3U : rng_below(f, 1U << 20) & ~3U;
		val[i] = rng_chance(f, 50) ? rng_below(f, 256) : (uint32_t)rng64(f);
	}
	if (!m->addr || !m->writable)
		return;
	for (i = 0; i < n; i++)
		if (off[i] + 4 <= m->len)
			__atomic_store_n((uint32_t *)(m->addr + off[i]), val[i], __ATOMIC_RELAXED);
	note(f, "scribble", n);
}
