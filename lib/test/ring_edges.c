/* SPDX-License-Identifier: MIT */
/*
 * Ring edge cases on a memfd ring: bad geometry and roles, wraparound of
 * the 32-bit positions, full and empty with timeouts, oversize messages
 * (refused, nothing lost), a peer leaving and a new producer taking over.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kipc_ring.h"
#include "helpers.h"

static const struct timespec ms10 = { 0, 10 * 1000 * 1000 };

static void geometry(void)
{
	struct kipc_ring r;
	int fd;

	CHECK_EQ(-EINVAL, kipc_ring_memfd_create(3, 64, KIPC_RING_SPSC));
	CHECK_EQ(-EINVAL, kipc_ring_memfd_create(1, 64, KIPC_RING_SPSC));
	CHECK_EQ(-EINVAL, kipc_ring_memfd_create(4, 32, KIPC_RING_SPSC));
	CHECK_EQ(-EINVAL, kipc_ring_memfd_create(4, 96, KIPC_RING_SPSC));
	CHECK_EQ(-EINVAL, kipc_ring_memfd_create(4, 64, 7));

	/* Not a ring. */
	fd = memfd_create("not-a-ring", MFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(0, ftruncate(fd, 8192));
	CHECK_EQ(-EINVAL, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &r));
	close(fd);

	fd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);
	CHECK(fd >= 0);
	CHECK_EQ(-EINVAL, kipc_ring_memfd_attach(fd, 3, &r));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &r));
	{
		struct kipc_ring r2, p1, p2;

		CHECK_EQ(-EBUSY, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &r2));
		CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p1));
		CHECK_EQ(-EBUSY, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p2));
		CHECK_EQ(-EINVAL, kipc_ring_wait_readable(&p1, NULL));
		CHECK_EQ(-EINVAL, kipc_ring_wait_writable(&r, 1, NULL));
		CHECK_EQ(-EINVAL, kipc_ring_wait_writable(&p1, 5, NULL));
		kipc_ring_detach(&p1);
	}
	kipc_ring_detach(&r);
	close(fd);
}

static void mpsc_producer_limit(void)
{
	static struct kipc_ring p[KIPC_RING_PRODUCERS_MAX + 1];
	unsigned int i;
	int fd = kipc_ring_memfd_create(4, 64, KIPC_RING_MPSC);

	CHECK(fd >= 0);
	for (i = 0; i < KIPC_RING_PRODUCERS_MAX; i++)
		CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p[i]));
	CHECK_EQ(-EBUSY, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p[i]));
	for (i = 0; i < KIPC_RING_PRODUCERS_MAX; i++)
		kipc_ring_detach(&p[i]);
	close(fd);
}

/*
 * A memfd ring's memory is allocated when it is created, as a kernel-owned
 * ring's is: every page is resident before anything is written to it.
 */
static void memory_allocated_at_create(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char vec[128];	/* this ring is 65 pages of 4 KiB */
	struct kipc_ring r;
	size_t i, pages;
	int fd;

	fd = kipc_ring_memfd_create(64, 4096, KIPC_RING_SPSC);
	CHECK(fd >= 0);
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &r));
	pages = r.map_size / (size_t)page;
	CHECK(pages <= sizeof(vec));
	CHECK_EQ(0, mincore(r.hdr, r.map_size, vec));
	for (i = 0; i < pages; i++)
		CHECK_EQ(1, vec[i] & 1);
	kipc_ring_detach(&r);
	close(fd);
}

static void full_empty_sizes(unsigned int mode)
{
	struct kipc_ring c, p;
	char buf[64], big[128];
	struct timespec bad = { 0, 1000000000L };
	uint32_t pos, len;
	int fd, i;

	fd = kipc_ring_memfd_create(4, 64, mode);
	CHECK(fd >= 0);
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));

	CHECK_EQ(-ETIMEDOUT, kipc_ring_recv(&c, buf, sizeof(buf), &ms10));
	CHECK_EQ(-EINVAL, kipc_ring_wait_readable(&c, &bad));
	CHECK(kipc_ring_peek(&c, &pos, &len) == NULL);

	memset(big, 'x', sizeof(big));
	CHECK_EQ(-EMSGSIZE, kipc_ring_send(&p, big, 57, NULL));
	CHECK_EQ(0, kipc_ring_send(&p, big, 56, NULL));
	for (i = 1; i < 4; i++)
		CHECK_EQ(0, kipc_ring_send(&p, "m", 1, NULL));
	CHECK_EQ(-ETIMEDOUT, kipc_ring_send(&p, "x", 1, &ms10));
	CHECK_EQ(0, kipc_ring_reserve_n(&p, 1, &pos));

	/* Too small a buffer: refused, the message stays first in line. */
	CHECK_EQ(-EMSGSIZE, kipc_ring_recv(&c, buf, 10, NULL));
	CHECK_EQ(56, kipc_ring_recv(&c, buf, sizeof(buf), NULL));
	CHECK_EQ(0, memcmp(buf, big, 56));
	for (i = 1; i < 4; i++)
		CHECK_EQ(1, kipc_ring_recv(&c, buf, sizeof(buf), NULL));

	/* Producer leaves: the consumer is told once the ring is empty. */
	CHECK_EQ(0, kipc_ring_send(&p, "last", 4, NULL));
	kipc_ring_detach(&p);
	CHECK_EQ(4, kipc_ring_recv(&c, buf, sizeof(buf), NULL));
	CHECK_EQ(-EPIPE, kipc_ring_recv(&c, buf, sizeof(buf), NULL));

	/* A new producer takes over where the last one stopped. */
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(0, kipc_ring_send(&p, "again", 5, NULL));
	CHECK_EQ(5, kipc_ring_recv(&c, buf, sizeof(buf), NULL));
	CHECK_EQ(0, memcmp(buf, "again", 5));

	/* Consumer leaves: a producer waiting for room is told. */
	for (i = 0; i < 4; i++)
		CHECK_EQ(0, kipc_ring_send(&p, "f", 1, NULL));
	kipc_ring_detach(&c);
	CHECK_EQ(-EPIPE, kipc_ring_send(&p, "f", 1, NULL));
	kipc_ring_detach(&p);
	close(fd);
}

/*
 * MPSC claim records: a producer shows its claim from reserve to commit,
 * and none after; nor when it finds the ring full, whatever a compare-
 * and-swap lost to another producer left there (written by hand here):
 * such a record would keep that producer's claim from being skipped if
 * it died, while this one sleeps until the consumer gets past it.
 */
static void claim_records(void)
{
	struct kipc_ring c, p;
	struct kipc_ring_resv *resv;
	uint32_t pos;
	int fd, i;

	fd = kipc_ring_memfd_create(4, 64, KIPC_RING_MPSC);
	CHECK(fd >= 0);
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	resv = &p.hdr->resv[p.producer];
	CHECK_EQ(KIPC_RING_RESV_NONE, resv->pos);
	CHECK_EQ(0, resv->n);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(1, kipc_ring_reserve_n(&p, 1, &pos));
		CHECK_EQ(pos, resv->pos);
		CHECK_EQ(1, resv->n);
		kipc_ring_commit(&p, pos, 0);
		CHECK_EQ(KIPC_RING_RESV_NONE, resv->pos);
		CHECK_EQ(0, resv->n);
	}
	resv->n = 2;
	resv->pos = 2;
	CHECK_EQ(0, kipc_ring_reserve_n(&p, 1, &pos));
	CHECK_EQ(KIPC_RING_RESV_NONE, resv->pos);
	CHECK_EQ(0, resv->n);
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);
}

/* Positions are 32-bit and wrap: start both sides just below 2^32. */
static void wraparound(unsigned int mode)
{
	struct kipc_ring c, p;
	unsigned char *base;
	struct kipc_ring_hdr *h;
	uint32_t start = 0xfffffff0U, i;
	char buf[64];
	int fd;

	fd = kipc_ring_memfd_create(8, 64, mode);
	CHECK(fd >= 0);
	base = mmap(NULL, KIPC_RING_HDR_SIZE + 8 * 64, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	CHECK(base != MAP_FAILED);
	h = (struct kipc_ring_hdr *)base;
	h->head = h->tail = start;
	if (mode == KIPC_RING_MPSC)
		for (i = 0; i < 8; i++) {
			uint32_t p = start + i;
			struct kipc_ring_slot *s = (void *)(base + KIPC_RING_HDR_SIZE +
							    (p & 7) * 64);
			s->seq = p;
		}
	munmap(base, KIPC_RING_HDR_SIZE + 8 * 64);

	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	/* Keep the ring between half and completely full across the wrap. */
	for (i = 0; i < 4; i++)
		CHECK_EQ(0, kipc_ring_send(&p, &i, sizeof(i), NULL));
	for (i = 4; i < 100; i++) {
		uint32_t want = i - 4;

		CHECK_EQ(0, kipc_ring_send(&p, &i, sizeof(i), NULL));
		CHECK_EQ(4, kipc_ring_recv(&c, buf, sizeof(buf), NULL));
		CHECK_EQ(0, memcmp(buf, &want, 4));
	}
	CHECK(p.hdr->tail < start);	/* it did wrap */
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);
}

/*
 * A version 2 SPSC producer that died between a slot's seq and tail: the
 * consumer takes the message, and the next producer starts after it and
 * brings tail up, so tail is not left behind head.
 */
static void takeover_after_seq_without_tail(void)
{
	struct kipc_ring p, c;
	uint32_t pos, v = 7, got;
	int fd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);

	CHECK(fd >= 0);
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	CHECK(kipc_ring_reserve(&p, &pos));
	memcpy(kipc_ring_data(&p, pos), &v, sizeof(v));
	kipc_ring_set_len(&p, pos, sizeof(v));
	kipc_store_release(&((struct kipc_ring_slot *)kipc_ring_data(&p, pos) - 1)->seq,
			   pos + 1);
	kipc_ring_detach(&p);
	CHECK_EQ(sizeof(got), kipc_ring_recv(&c, &got, sizeof(got), &ms10));
	CHECK_EQ(v, got);
	CHECK_EQ(1, c.hdr->head);
	CHECK_EQ(0, c.hdr->tail);

	CHECK_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	CHECK_EQ(1, c.hdr->tail);
	v = 8;
	CHECK_EQ(0, kipc_ring_send(&p, &v, sizeof(v), NULL));
	CHECK_EQ(sizeof(got), kipc_ring_recv(&c, &got, sizeof(got), &ms10));
	CHECK_EQ(v, got);
	CHECK_EQ(2, c.hdr->tail);
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);
}

int main(void)
{
	geometry();
	mpsc_producer_limit();
	memory_allocated_at_create();
	full_empty_sizes(KIPC_RING_SPSC);
	full_empty_sizes(KIPC_RING_MPSC);
	claim_records();
	wraparound(KIPC_RING_SPSC);
	wraparound(KIPC_RING_MPSC);
	takeover_after_seq_without_tail();
	return T_EXIT_PASS;
}
