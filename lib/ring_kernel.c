/* SPDX-License-Identifier: MIT */
/*
 * Kernel-owned rings: create, attach (map), delete. The kernel allocates
 * the memory, accounts it to the creator, checks permissions, and notices
 * when a peer dies.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "libkipc.h"
#include "lib.h"
#include "kipc_ring.h"
#include "syscall.h"

static int copy_name(char *dst, const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len >= KIPC_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, name ? name : "", len + 1);
	return 0;
}

static int ring_create(int ep, const char *name, unsigned int slots,
		       unsigned int slot_size, unsigned int mode,
		       unsigned int perm, uint64_t *id, uint32_t flags)
{
	struct kipc_ring_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = flags;
	c.slots = slots;
	c.slot_size = slot_size;
	c.mode = mode;
	c.perm = perm;
	ret = copy_name(c.name, name);
	if (ret)
		return ret;
	ret = __kipc_ioctl(ep, KIPC_IOC_RING_CREATE, &c);
	/* A module older than version 2 rings refuses the flag. */
	if (ret == -EINVAL && flags) {
		c.flags = 0;
		ret = __kipc_ioctl(ep, KIPC_IOC_RING_CREATE, &c);
	}
	if (ret < 0)
		return ret;
	if (id)
		*id = c.id;
	return 0;
}

static int ring_ref(struct kipc_mbox_ref *ref, const char *name, uint64_t id)
{
	memset(ref, 0, sizeof(*ref));
	ref->size = sizeof(*ref);
	ref->id = id;
	return copy_name(ref->name, id ? NULL : name);
}

int kipc_ring_delete(int ep, const char *name, uint64_t id)
{
	struct kipc_mbox_ref ref;
	int ret;

	if (!id == !(name && name[0]))
		return -EINVAL;
	ret = ring_ref(&ref, name, id);
	if (ret)
		return ret;
	return __kipc_ioctl(ep, KIPC_IOC_RING_DELETE, &ref);
}

/* Attach for code that follows ring layouts up to @speaks. */
static int ring_attach(int ep, const char *name, uint64_t id,
		       unsigned int role, struct kipc_ring *r, uint32_t speaks)
{
	struct kipc_ring_attach a;
	uint32_t version;
	void *base;
	int fd, ret;

	if (!r || (role != KIPC_RING_PRODUCER && role != KIPC_RING_CONSUMER))
		return -EINVAL;
	if (!id == !(name && name[0]))
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.role = role == KIPC_RING_PRODUCER ? KIPC_RING_ROLE_PRODUCER :
					      KIPC_RING_ROLE_CONSUMER;
	a.id = id;
	ret = copy_name(a.name, id ? NULL : name);
	if (ret)
		return ret;
	if (speaks > KIPC_RING_VERSION_1)
		a.version = speaks;
	else
		a.size = KIPC_RING_ATTACH_SIZE_VER0;
	fd = __kipc_ioctl(ep, KIPC_IOC_RING_ATTACH, &a);
	/* A module older than version 2 rings refuses the longer struct. */
	if (fd == -E2BIG && a.size > KIPC_RING_ATTACH_SIZE_VER0) {
		a.size = KIPC_RING_ATTACH_SIZE_VER0;
		a.version = 0;
		fd = __kipc_ioctl(ep, KIPC_IOC_RING_ATTACH, &a);
	}
	if (fd < 0)
		return fd;
	/* Written back only by a module that knows version 2 rings. */
	version = a.size > KIPC_RING_ATTACH_SIZE_VER0 ? a.version :
						       KIPC_RING_VERSION_1;
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
	r->spin = KIPC_RING_SPIN_DEFAULT;
	r->fd = fd;
	r->memfd = -1;
	r->map_size = a.map_size;
	r->slot_seq = __kipc_ring_slot_seq(r->mode, version, speaks);
	if (role == KIPC_RING_CONSUMER) {
		r->next = kipc_load_acquire(&r->hdr->head);
		r->cache = r->next;
	} else {
		__kipc_ring_producer_start(r);
	}
	return 0;
}

/*
 * KIPC_RING_VERSION_2 came in KIPC_0.7; see lib/ring_memfd.c for what the
 * KIPC_0.1 versions keep for the programs linked against them.
 */
#ifdef __PIC__
__attribute__((symver("kipc_ring_create@KIPC_0.1")))
int kipc_ring_create_v1(int ep, const char *name, unsigned int slots,
			unsigned int slot_size, unsigned int mode,
			unsigned int perm, uint64_t *id);
int kipc_ring_create_v1(int ep, const char *name, unsigned int slots,
			unsigned int slot_size, unsigned int mode,
			unsigned int perm, uint64_t *id)
{
	return ring_create(ep, name, slots, slot_size, mode, perm, id, 0);
}

__attribute__((symver("kipc_ring_attach@KIPC_0.1")))
int kipc_ring_attach_v1(int ep, const char *name, uint64_t id,
			unsigned int role, struct kipc_ring *r);
int kipc_ring_attach_v1(int ep, const char *name, uint64_t id,
			unsigned int role, struct kipc_ring *r)
{
	return ring_attach(ep, name, id, role, r, KIPC_RING_VERSION_1);
}

__attribute__((symver("kipc_ring_create@@KIPC_0.7")))
int kipc_ring_create_v2(int ep, const char *name, unsigned int slots,
			unsigned int slot_size, unsigned int mode,
			unsigned int perm, uint64_t *id);
int kipc_ring_create_v2(int ep, const char *name, unsigned int slots,
			unsigned int slot_size, unsigned int mode,
			unsigned int perm, uint64_t *id)
{
	return ring_create(ep, name, slots, slot_size, mode, perm, id,
			   KIPC_RING_CREATE_V2);
}

__attribute__((symver("kipc_ring_attach@@KIPC_0.7")))
int kipc_ring_attach_v2(int ep, const char *name, uint64_t id,
			unsigned int role, struct kipc_ring *r);
int kipc_ring_attach_v2(int ep, const char *name, uint64_t id,
			unsigned int role, struct kipc_ring *r)
{
	return ring_attach(ep, name, id, role, r, KIPC_RING_VERSION_2);
}
#else
int kipc_ring_create(int ep, const char *name, unsigned int slots,
		     unsigned int slot_size, unsigned int mode,
		     unsigned int perm, uint64_t *id)
{
	return ring_create(ep, name, slots, slot_size, mode, perm, id,
			   KIPC_RING_CREATE_V2);
}

int kipc_ring_attach(int ep, const char *name, uint64_t id, unsigned int role,
		     struct kipc_ring *r)
{
	return ring_attach(ep, name, id, role, r, KIPC_RING_VERSION_2);
}
#endif

int kipc_ring_fd(const struct kipc_ring *r)
{
	return r && r->hdr && r->fd >= 0 ? r->fd : -EINVAL;
}
