/* SPDX-License-Identifier: MIT */
/*
 * Ring layout versions across the library's ABI, against the shared
 * library: rings made and attached through the KIPC_0.1 symbols (what
 * programs built before KIPC_RING_VERSION_2 call, with the version 1 fast
 * path inlined) and through the default ones, mixed on one memfd ring.
 */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kipc_ring.h"
#include "../helpers.h"

typedef int (*create_fn)(unsigned int, unsigned int, unsigned int);
typedef int (*attach_fn)(int, unsigned int, struct kipc_ring *);

static create_fn create_v1;
static attach_fn attach_v1;

static uint32_t header_version(int fd)
{
	struct kipc_ring_hdr *h = mmap(NULL, KIPC_RING_HDR_SIZE,
				       PROT_READ, MAP_SHARED, fd, 0);
	uint32_t v;

	CHECK(h != MAP_FAILED);
	v = h->version;
	munmap(h, KIPC_RING_HDR_SIZE);
	return v;
}

static void set_header_version(int fd, uint32_t v)
{
	struct kipc_ring_hdr *h = mmap(NULL, KIPC_RING_HDR_SIZE,
				       PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(h != MAP_FAILED);
	h->version = v;
	munmap(h, KIPC_RING_HDR_SIZE);
}

/* Stream @n messages through a 4-slot ring, in lockstep, and check each. */
static void stream(struct kipc_ring *p, struct kipc_ring *c, uint32_t n)
{
	uint32_t i, got;

	for (i = 0; i < n; i++) {
		CHECK_EQ(0, kipc_ring_send(p, &i, sizeof(i), NULL));
		if (i < 2)
			continue;
		CHECK_EQ(sizeof(got), kipc_ring_recv(c, &got, sizeof(got), NULL));
		CHECK_EQ(i - 2, got);
	}
	for (i = n - 2; i < n; i++) {
		CHECK_EQ(sizeof(got), kipc_ring_recv(c, &got, sizeof(got), NULL));
		CHECK_EQ(i, got);
	}
}

static void created_versions(void)
{
	int fd;

	fd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);
	CHECK(fd >= 0);
	CHECK_EQ(KIPC_RING_VERSION_2, header_version(fd));
	close(fd);
	fd = create_v1(4, 64, KIPC_RING_SPSC);
	CHECK(fd >= 0);
	CHECK_EQ(KIPC_RING_VERSION_1, header_version(fd));
	close(fd);
}

/* A version 2 SPSC ring: old consumers fit, old producers are turned away. */
static void v2_ring_and_old_code(void)
{
	struct kipc_ring p, c;
	int fd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);

	CHECK(fd >= 0);
	CHECK_EQ(-EPROTONOSUPPORT, attach_v1(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(0, attach_v1(fd, KIPC_RING_CONSUMER, &c));
	CHECK_EQ(0, c.slot_seq);		/* it reads tail */
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(1, p.slot_seq);
	stream(&p, &c, 1000);
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);

	/* MPSC producers mark their slots in every version. */
	fd = kipc_ring_memfd_create(4, 64, KIPC_RING_MPSC);
	CHECK(fd >= 0);
	CHECK_EQ(0, attach_v1(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	stream(&p, &c, 1000);
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);
}

/* A version 1 ring made by old code: new code on it publishes by tail. */
static void v1_ring_and_new_code(void)
{
	struct kipc_ring p, c;
	int fd = create_v1(4, 64, KIPC_RING_SPSC);

	CHECK(fd >= 0);
	CHECK_EQ(0, attach_v1(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	CHECK_EQ(0, c.slot_seq);
	stream(&p, &c, 1000);
	kipc_ring_detach(&p);
	/* And the new producer that takes over. */
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(0, p.slot_seq);
	stream(&p, &c, 1000);
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);
}

/* Version 2 between new code: the consumer goes by the slot, not tail. */
static void v2_consumer_reads_the_slot(void)
{
	struct kipc_ring p, c;
	uint32_t pos, len;
	int fd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);

	CHECK(fd >= 0);
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	CHECK(kipc_ring_reserve(&p, &pos));
	kipc_ring_commit(&p, pos, 8);
	CHECK_EQ(pos + 1, ((struct kipc_ring_slot *)kipc_ring_data(&p, pos) - 1)->seq);
	CHECK_EQ(pos + 1, p.hdr->tail);
	CHECK(kipc_ring_peek(&c, &pos, &len));
	CHECK_EQ(8, len);
	kipc_ring_release(&c, pos);
	/* What a producer that does not mark slots would publish. */
	__atomic_store_n(&p.hdr->tail, p.hdr->tail + 1, __ATOMIC_RELEASE);
	CHECK(!kipc_ring_peek(&c, &pos, &len));
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);
}

static void unknown_versions(void)
{
	static const uint32_t bad[] = { 0, KIPC_RING_VERSION + 1, 0xffffffffU };
	struct kipc_ring r;
	unsigned int i;
	int fd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);

	CHECK(fd >= 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_header_version(fd, bad[i]);
		CHECK_EQ(-EPROTONOSUPPORT,
			 kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &r));
		CHECK_EQ(-EPROTONOSUPPORT,
			 kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &r));
		CHECK_EQ(-EPROTONOSUPPORT, attach_v1(fd, KIPC_RING_CONSUMER, &r));
	}
	close(fd);
}

int main(void)
{
	create_v1 = (create_fn)dlvsym(RTLD_DEFAULT, "kipc_ring_memfd_create",
				      "KIPC_0.1");
	attach_v1 = (attach_fn)dlvsym(RTLD_DEFAULT, "kipc_ring_memfd_attach",
				      "KIPC_0.1");
	CHECK(create_v1 && attach_v1);
	CHECK((void *)create_v1 != (void *)kipc_ring_memfd_create);
	created_versions();
	v2_ring_and_old_code();
	v1_ring_and_new_code();
	v2_consumer_reads_the_slot();
	unknown_versions();
	return T_EXIT_PASS;
}
