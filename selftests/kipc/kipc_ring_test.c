// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-owned rings: creation and attach rules, mmap rules, streaming
 * integrity across processes (SPSC and MPSC), blocking and wake-up, peer
 * death on either side, a dead producer's claim, hostile header writes,
 * hostile producers' garbage claims, poll, permissions and fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kipc_ring_proto.h"

#include "../kselftest_harness.h"
#include "seqmsg.h"

#define RING_MESSAGES	1000000ULL

static char *ring_name(char *buf, const char *what)
{
	snprintf(buf, KIPC_NAME_MAX, "ring-%s-%d", what, getpid());
	return buf;
}

FIXTURE(ring) {
	int ep;
	char name[KIPC_NAME_MAX];
	uint64_t id;
};

FIXTURE_VARIANT(ring) {
	unsigned int mode;
	unsigned int flags;		/* KIPC_RING_CREATE_* */
	unsigned int slots;
	unsigned int slot_size;
	unsigned long long messages;	/* streamed by stream_integrity */
};

FIXTURE_VARIANT_ADD(ring, spsc) {
	.mode = KIPC_RING_SPSC, .slots = 256, .slot_size = 128,
	.messages = RING_MESSAGES,
};

FIXTURE_VARIANT_ADD(ring, mpsc) {
	.mode = KIPC_RING_MPSC, .slots = 256, .slot_size = 128,
	.messages = RING_MESSAGES,
};

/* Two slots: nearly every message makes one side sleep; fewer of them. */
FIXTURE_VARIANT_ADD(ring, spsc_tiny) {
	.mode = KIPC_RING_SPSC, .slots = 2, .slot_size = 64,
	.messages = RING_MESSAGES / 10,
};

/* Version 2: the consumer waits on each slot's seq, not on tail. */
FIXTURE_VARIANT_ADD(ring, spsc_v2) {
	.mode = KIPC_RING_SPSC, .flags = KIPC_RING_CREATE_V2, .slots = 256,
	.slot_size = 128, .messages = RING_MESSAGES,
};

FIXTURE_VARIANT_ADD(ring, spsc_tiny_v2) {
	.mode = KIPC_RING_SPSC, .flags = KIPC_RING_CREATE_V2, .slots = 2,
	.slot_size = 64, .messages = RING_MESSAGES / 10,
};

FIXTURE_SETUP(ring)
{
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	ring_name(self->name, "fx");
	ASSERT_EQ(0, sys_kipc_ring_create_flags(self->ep, self->name,
						variant->slots,
						variant->slot_size,
						variant->mode, 0600,
						variant->flags, &self->id));
	ASSERT_NE(0, self->id);
}

FIXTURE_TEARDOWN(ring)
{
	sys_kipc_ring_delete(self->ep, NULL, self->id);
	close(self->ep);
}

/* Producer process: stream @count checksummed messages as source @src. */
static int produce(const char *name, uint32_t src, uint64_t count, int batch)
{
	struct kt_ring r;
	uint64_t seq = 0;
	uint32_t pos, max;
	unsigned int n, i;
	int ep = sys_kipc_open(0);

	if (ep < 0 || kt_ring_attach(ep, name, 0, KIPC_RING_ROLE_PRODUCER, &r))
		return 10;
	max = kt_ring_payload_max(&r) < 100 ? kt_ring_payload_max(&r) : 100;
	while (seq < count) {
		n = batch;
		if (n > count - seq)
			n = count - seq;
		n = kt_ring_reserve_n(&r, n, &pos);
		if (!n) {
			if (kt_ring_wait_writable(&r, 1, NULL))
				return 11;
			continue;
		}
		for (i = 0; i < n; i++, seq++) {
			uint32_t len = seqmsg_len_for(seq, max);

			seqmsg_fill(kt_ring_data(&r, pos + i), len, src, seq);
			kt_ring_set_len(&r, pos + i, len);
		}
		kt_ring_commit_n(&r, pos, n);
	}
	kt_ring_detach(&r);
	close(ep);
	return 0;
}

TEST_F_TIMEOUT(ring, stream_integrity, 600)
{
	unsigned int producers = variant->mode == KIPC_RING_MPSC ? 4 : 1;
	uint64_t per = variant->messages / producers, expect[4] = { 0 }, got = 0;
	struct kt_ring r;
	struct seqmsg m;
	pid_t pids[4];
	uint32_t pos, len;
	unsigned int i, n;
	int ret, status;

	ASSERT_EQ(0, kt_ring_attach(self->ep, self->name, 0,
				      KIPC_RING_ROLE_CONSUMER, &r));
	for (i = 0; i < producers; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (!pids[i])
			_exit(produce(self->name, i, per, 1 + i * 5));
	}
	for (;;) {
		n = kt_ring_peek_n(&r, 32, &pos);
		if (!n) {
			ret = kt_ring_wait_readable(&r, NULL);
			if (ret == -EPIPE)
				break;
			ASSERT_EQ(0, ret);
			continue;
		}
		for (i = 0; i < n; i++) {
			const void *p = kt_ring_msg(&r, pos + i, &len);

			ASSERT_EQ(0, seqmsg_check(p, len, &m));
			ASSERT_LT(m.src, producers);
			ASSERT_EQ(expect[m.src], m.seq);
			expect[m.src]++;
			got++;
		}
		kt_ring_release_n(&r, pos, n);
	}
	for (i = 0; i < producers; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status));
		ASSERT_EQ(per, expect[i]);
	}
	ASSERT_EQ(per * producers, got);
	TH_LOG("%llu messages intact, consumer syscalls/msg %.5f",
	       (unsigned long long)got, (double)r.syscalls / (double)got);
	kt_ring_detach(&r);
}

TEST_F(ring, full_and_empty_time_out)
{
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };
	struct kt_ring c, p;
	char buf[64];
	unsigned int i;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	EXPECT_EQ(-ETIMEDOUT, kt_ring_recv(&c, buf, sizeof(buf), &ms20));
	for (i = 0; i < variant->slots; i++)
		ASSERT_EQ(0, kt_ring_send(&p, "x", 1, NULL));
	EXPECT_EQ(-ETIMEDOUT, kt_ring_send(&p, "y", 1, &ms20));
	EXPECT_EQ(-EMSGSIZE, kt_ring_recv(&c, buf, 0, NULL));
	for (i = 0; i < variant->slots; i++)
		ASSERT_EQ(1, kt_ring_recv(&c, buf, sizeof(buf), NULL));
	EXPECT_EQ(-EMSGSIZE, kt_ring_send(&p, buf, variant->slot_size, NULL));
	kt_ring_detach(&p);
	kt_ring_detach(&c);
}

/* A consumer asleep on an empty ring is woken by one message. */
TEST_F(ring, sleeping_consumer_is_woken)
{
	struct kt_ring c;
	char buf[64];
	pid_t pid;
	int status;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct kt_ring p;
		int ep = sys_kipc_open(0);

		usleep(200 * 1000);	/* let the consumer fall asleep */
		if (kt_ring_attach(ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p))
			_exit(1);
		_exit(kt_ring_send(&p, "wake", 4, NULL) ? 2 : 0);
	}
	ASSERT_EQ(0, kt_ring_set_spin(&c, 0));
	ASSERT_EQ(4, kt_ring_recv(&c, buf, sizeof(buf), NULL));
	EXPECT_EQ(0, memcmp(buf, "wake", 4));
	EXPECT_GE(c.syscalls, 1);	/* it did sleep in the kernel */
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	kt_ring_detach(&c);
}

/* SIGKILL of a producer: the consumer drains, then learns at once. */
TEST_F(ring, producer_death_is_reported)
{
	struct pollfd pfd;
	struct kt_ring c, p2;
	char buf[64];
	pid_t pid;
	int i;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct kt_ring p;
		int ep = sys_kipc_open(0);

		if (kt_ring_attach(ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p))
			_exit(1);
		kt_ring_send(&p, "one", 3, NULL);
		pause();
		_exit(0);
	}
	ASSERT_EQ(3, kt_ring_recv(&c, buf, sizeof(buf), NULL));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(-EPIPE, kt_ring_recv(&c, buf, sizeof(buf), NULL));
	pfd = (struct pollfd){ .fd = kt_ring_fd(&c), .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_TRUE(pfd.revents & POLLHUP);

	/* A new producer can attach and the ring works again. */
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p2));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, kt_ring_send(&p2, "again", 5, NULL));
		ASSERT_EQ(5, kt_ring_recv(&c, buf, sizeof(buf), NULL));
	}
	kt_ring_detach(&p2);
	kt_ring_detach(&c);
}

/* SIGKILL of the consumer: a producer waiting for room learns at once. */
TEST_F(ring, consumer_death_is_reported)
{
	struct kt_ring p;
	unsigned int i;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct kt_ring c;
		int ep = sys_kipc_open(0);

		if (kt_ring_attach(ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c))
			_exit(1);
		pause();
		_exit(0);
	}
	usleep(100 * 1000);
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	for (i = 0; i < variant->slots; i++)
		ASSERT_EQ(0, kt_ring_send(&p, "f", 1, NULL));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(-EPIPE, kt_ring_send(&p, "f", 1, NULL));
	kt_ring_detach(&p);
}

/* A producer that dies holding an unpublished claim does not wedge MPSC. */
TEST_F(ring, dead_producer_claim_is_skipped)
{
	struct kt_ring c, p;
	char buf[64];
	pid_t pid;
	int status;

	if (variant->mode != KIPC_RING_MPSC)
		SKIP(return, "claims are only left behind in MPSC rings");
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct kt_ring d;
		uint32_t pos;
		int ep = sys_kipc_open(0);

		if (kt_ring_attach(ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &d))
			_exit(1);
		if (!kt_ring_reserve(&d, &pos))
			_exit(2);
		_exit(0);	/* dies holding the claim */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	/* Published after the dead claim: must still be received. */
	ASSERT_EQ(0, kt_ring_send(&p, "after", 5, NULL));
	ASSERT_EQ(5, kt_ring_recv(&c, buf, sizeof(buf), &(struct timespec){ 2, 0 }));
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	kt_ring_detach(&p);
	kt_ring_detach(&c);
}

/* Positions a producer that dies claims in the tests below. */
#define DEAD_CLAIM	200

/* Published slots the kernel made empty, from the consumer's position. */
static unsigned int ready_skips(struct kt_ring *c)
{
	uint32_t pos = c->next;

	while (__atomic_load_n(&kt_ring_slot(c, pos)->seq, __ATOMIC_ACQUIRE) == pos + 1 &&
	       kt_ring_slot(c, pos)->len == KIPC_RING_LEN_SKIP)
		pos++;
	return pos - c->next;
}

/*
 * Leave DEAD_CLAIM positions claimed by a producer that died, which the
 * kernel could not make empty when it died: @p's record covered them, as
 * a compare-and-swap @p lost to the dead producer leaves it. Then @p sends
 * "after" behind them, which withdraws its record.
 */
static int leave_dead_claim(uint64_t id, struct kt_ring *c,
			    struct kt_ring *p)
{
	struct kipc_ring_resv *resv = &p->hdr->resv[p->producer];
	uint32_t pos, len;
	pid_t pid;
	int status;

	resv->n = DEAD_CLAIM;
	__atomic_store_n(&resv->pos, p->hdr->tail, __ATOMIC_RELEASE);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct kt_ring d;
		int ep = sys_kipc_open(0);

		if (kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_PRODUCER, &d))
			_exit(1);
		if (kt_ring_reserve_n(&d, DEAD_CLAIM, &pos) != DEAD_CLAIM)
			_exit(2);
		_exit(0);	/* dies holding the claim */
	}
	if (waitpid(pid, &status, 0) != pid || status)
		return -1;
	/* Covered by a live record when it died: nothing made empty yet. */
	if (ready_skips(c) || kt_ring_peek(c, &pos, &len))
		return -1;
	return kt_ring_send(p, "after", 5, NULL);
}

/*
 * A dead producer's claim that a live claim kept waiting is made empty
 * from the consumer's waits once that claim is gone, a bounded part per
 * wait: no RING_WAIT walks the whole claim, however long.
 */
TEST_F(ring, dead_claim_is_skipped_in_steps)
{
	struct kipc_ring_wait w = {
		.size = sizeof(w),
		.flags = KIPC_RING_WAIT_READABLE | KIPC_NONBLOCK,
	};
	struct kt_ring c, p;
	uint32_t start;
	unsigned int first;
	char buf[64];

	if (variant->mode != KIPC_RING_MPSC)
		SKIP(return, "claims are only left behind in MPSC rings");
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	start = c.next;
	ASSERT_EQ(0, leave_dead_claim(self->id, &c, &p));

	ASSERT_EQ(0, ioctl(kt_ring_fd(&c), KIPC_IOC_RING_WAIT, &w));
	first = ready_skips(&c);
	EXPECT_GE(first, 1);
	EXPECT_LT(first, DEAD_CLAIM);

	ASSERT_EQ(5, kt_ring_recv(&c, buf, sizeof(buf), &(struct timespec){ 20, 0 }));
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	EXPECT_EQ(DEAD_CLAIM + 1, c.next - start);
	kt_ring_detach(&p);
	kt_ring_detach(&c);
}

/* The same for a consumer that polls: each poll makes a part empty. */
TEST_F(ring, dead_claim_is_skipped_for_pollers)
{
	struct kt_ring c, p;
	struct pollfd pfd;
	uint32_t start, pos, len;
	const void *m;

	if (variant->mode != KIPC_RING_MPSC)
		SKIP(return, "claims are only left behind in MPSC rings");
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	start = c.next;
	ASSERT_EQ(0, leave_dead_claim(self->id, &c, &p));

	pfd = (struct pollfd){ .fd = kt_ring_fd(&c), .events = POLLIN };
	while (!(m = kt_ring_peek(&c, &pos, &len))) {
		ASSERT_EQ(1, poll(&pfd, 1, 20000));
		ASSERT_EQ(POLLIN, pfd.revents);
	}
	ASSERT_EQ(5, len);
	EXPECT_EQ(0, memcmp(m, "after", 5));
	kt_ring_release(&c, pos);
	EXPECT_EQ(DEAD_CLAIM + 1, c.next - start);
	kt_ring_detach(&p);
	kt_ring_detach(&c);
}

/*
 * Another process writes garbage over the header while the consumer
 * sleeps: the kernel neither crashes nor leaves the consumer asleep for
 * good; its wait ends (in error or not) and the ring can be deleted.
 */
TEST_F(ring, hostile_header_writes)
{
	struct kt_ring c;
	pid_t pid;
	int ret, i;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct kt_ring p;
		uint32_t *w;
		unsigned int k;
		int ep = sys_kipc_open(0);

		if (kt_ring_attach(ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p))
			_exit(1);
		w = (uint32_t *)p.hdr;
		srand(getpid());
		for (k = 0; k < 200000; k++)
			w[16 + rand() % (4096 / 4 - 16)] = (uint32_t)rand();
		/* And the slots' seq and len words. */
		for (k = 0; k < 200000; k++)
			((uint32_t *)p.slots)[rand() % (variant->slots * variant->slot_size / 4)] =
				(uint32_t)rand();
		kt_ring_detach(&p);
		_exit(0);
	}
	for (i = 0; i < 50; i++) {
		ret = kt_ring_wait_readable(&c, &(struct timespec){ 0, 50 * 1000 * 1000 });
		if (ret == -EPIPE)
			break;
		EXPECT_TRUE(ret == 0 || ret == -ETIMEDOUT || ret == -EUCLEAN);
	}
	waitpid(pid, NULL, 0);
	kt_ring_detach(&c);
	EXPECT_EQ(0, sys_kipc_ring_delete(self->ep, NULL, self->id));
}

TEST_F(ring, roles_are_exclusive)
{
	struct kt_ring c, c2, p, p2;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	EXPECT_EQ(-EBUSY, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c2));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	if (variant->mode == KIPC_RING_SPSC) {
		EXPECT_EQ(-EBUSY, kt_ring_attach(self->ep, NULL, self->id,
						   KIPC_RING_ROLE_PRODUCER, &p2));
	} else {
		ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id,
					      KIPC_RING_ROLE_PRODUCER, &p2));
		EXPECT_NE(p.producer, p2.producer);
		kt_ring_detach(&p2);
	}
	kt_ring_detach(&p);
	kt_ring_detach(&c);
	/* Roles come back when their holders leave. */
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	kt_ring_detach(&c);
}

static int raw_attach(int ep, uint64_t id, unsigned int role, struct kipc_ring_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->role = role;
	a->id = id;
	return ioctl(ep, KIPC_IOC_RING_ATTACH, a);
}

TEST_F(ring, mmap_rules)
{
	struct kipc_ring_attach a;
	size_t page = sysconf(_SC_PAGESIZE);
	void *m;
	int fd;

	fd = raw_attach(self->ep, self->id, KIPC_RING_ROLE_CONSUMER, &a);
	ASSERT_GE(fd, 0);
	EXPECT_EQ((page + (size_t)variant->slots * variant->slot_size + page - 1) /
		  page * page, a.map_size);

	EXPECT_EQ(MAP_FAILED, mmap(NULL, a.map_size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, a.map_size + page, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, a.map_size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, fd, 0));

	m = mmap(NULL, a.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(KIPC_RING_MAGIC, ((struct kipc_ring_hdr *)m)->magic);
	/* Cannot grow. */
	EXPECT_EQ(MAP_FAILED, mremap(m, a.map_size, a.map_size + page, 0));
	EXPECT_EQ(MAP_FAILED, mremap(m, a.map_size, a.map_size + page, MREMAP_MAYMOVE));

	/* The mapping outlives the fd, and keeps the ring alive. */
	close(fd);
	EXPECT_EQ(0, sys_kipc_ring_delete(self->ep, NULL, self->id));
	EXPECT_EQ(KIPC_RING_MAGIC, ((struct kipc_ring_hdr *)m)->magic);
	EXPECT_NE(0, system("rmmod kipc 2>/dev/null"));	/* in use by the mapping */
	munmap(m, a.map_size);
}

static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	siglongjmp(segv_jmp, 1);
}

/* A forked child does not inherit the mapping: it must attach itself. */
TEST_F(ring, fork_does_not_inherit_mapping)
{
	struct kt_ring c;
	pid_t pid;
	int status;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		volatile uint32_t magic = 0;

		signal(SIGSEGV, on_segv);
		if (sigsetjmp(segv_jmp, 1))
			_exit(0);	/* not mapped here, as documented */
		magic = c.hdr->magic;
		_exit(magic == KIPC_RING_MAGIC ? 1 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(KIPC_RING_MAGIC, c.hdr->magic);
	kt_ring_detach(&c);
}

TEST_F(ring, poll_reports_readiness)
{
	struct kt_ring c, p;
	struct pollfd pfd[2];
	uint32_t pos, len;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	pfd[0] = (struct pollfd){ .fd = kt_ring_fd(&c), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = kt_ring_fd(&p), .events = POLLOUT };
	ASSERT_EQ(1, poll(pfd, 2, 0));
	EXPECT_EQ(0, pfd[0].revents);
	EXPECT_EQ(POLLOUT, pfd[1].revents);
	ASSERT_EQ(0, kt_ring_send(&p, "p", 1, NULL));
	ASSERT_EQ(2, poll(pfd, 2, 1000));
	EXPECT_EQ(POLLIN, pfd[0].revents);
	ASSERT_NE(NULL, kt_ring_peek(&c, &pos, &len));
	kt_ring_release(&c, pos);
	EXPECT_EQ(0, sys_kipc_ring_delete(self->ep, NULL, self->id));
	ASSERT_EQ(2, poll(pfd, 2, 0));
	EXPECT_TRUE(pfd[0].revents & POLLERR);
	EXPECT_TRUE(pfd[1].revents & POLLHUP);
	EXPECT_EQ(-EIDRM, kt_ring_wait_readable(&c, NULL));
	kt_ring_detach(&p);
	kt_ring_detach(&c);
}

/*
 * A producer polling for room is woken when the consumer frees a slot,
 * even if another producer's wait came and went in between.
 */
TEST_F(ring, poller_survives_another_waiter)
{
	struct timespec zero = { 0, 0 };
	struct kt_ring c, p1, p2;
	struct pollfd pfd;
	uint32_t pos, len;
	unsigned int i;
	pid_t pid;
	int status;

	if (variant->mode != KIPC_RING_MPSC)
		SKIP(return, "needs two producers");
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p1));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p2));
	for (i = 0; i < variant->slots; i++)
		ASSERT_EQ(0, kt_ring_send(&p1, "f", 1, NULL));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		pfd = (struct pollfd){ .fd = kt_ring_fd(&p1), .events = POLLOUT };
		_exit(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLOUT) ? 0 : 1);
	}
	usleep(200 * 1000);	/* the child is asleep in poll */
	ASSERT_EQ(0, kt_ring_set_spin(&p2, 0));
	EXPECT_EQ(-ETIMEDOUT, kt_ring_wait_writable(&p2, 1, &zero));
	ASSERT_NE(NULL, kt_ring_peek(&c, &pos, &len));
	kt_ring_release(&c, pos);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	kt_ring_detach(&p2);
	kt_ring_detach(&p1);
	kt_ring_detach(&c);
}

/*
 * Hostile producers: each attaches, writes garbage claims into the header
 * (records with huge counts, at positions all over, its own and every
 * other producer's but the good one's) and dies, over and over, while a
 * good producer streams and the consumer waits in RING_WAIT before every
 * message. The garbage may only delay what it covers: the stream comes
 * through intact, nothing is made empty, and every wait returns.
 *
 * Sized so that a kernel that, per wait, walks every claimed position of
 * every dead producer's record against every live record needs many
 * minutes even on fast hardware, where a passing run takes seconds: the
 * test's timeout is the watchdog.
 */
#define HOSTILE_SLOTS		(1U << 18)
#define HOSTILE_IDLE		58	/* attached, never producing */
#define HOSTILE_DEATHS		200
#define HOSTILE_MESSAGES	2000

struct hostile_shared {
	uint32_t good;		/* the good producer's number */
	uint32_t cover;		/* the idle producer whose record covers all */
	uint32_t ready;		/* the good producer has attached */
	uint32_t deaths;	/* hostile producers dead so far */
};

FIXTURE(hostile) {
	int ep;
	uint64_t id;
	struct hostile_shared *sh;
};

FIXTURE_SETUP(hostile)
{
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	ASSERT_EQ(0, sys_kipc_ring_create(self->ep, NULL, HOSTILE_SLOTS, 64,
				      KIPC_RING_MPSC, 0600, &self->id));
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
}

FIXTURE_TEARDOWN(hostile)
{
	sys_kipc_ring_delete(self->ep, NULL, self->id);
	munmap(self->sh, sizeof(*self->sh));
	close(self->ep);
}

/*
 * A garbage record for producer @p. One idle producer's covers all but
 * one position (n = 2^32 - 1), so that every dead position waits; the
 * others cover nothing the consumer has yet to read, so that a kernel
 * looking for a live claim producer by producer goes through them all.
 * A hostile producer's own claim spans the ring around head.
 */
static struct kipc_ring_resv garbage(const struct kipc_ring_hdr *h,
				     unsigned int p, unsigned int own,
				     uint32_t cover)
{
	uint32_t head = __atomic_load_n(&h->head, __ATOMIC_RELAXED);
	uint32_t tail = __atomic_load_n(&h->tail, __ATOMIC_RELAXED);
	uint32_t r = (uint32_t)rand();

	if (p == cover)
		return (struct kipc_ring_resv){ r, 0xffffffffU };
	if (p == own)
		return (struct kipc_ring_resv){ head - HOSTILE_SLOTS / 2, HOSTILE_SLOTS };
	switch (r % 3) {
	case 0:		/* ahead of tail */
		return (struct kipc_ring_resv){ tail + r % (1U << 20), HOSTILE_SLOTS };
	case 1:		/* behind, read long ago */
		return (struct kipc_ring_resv){ tail - 3 * HOSTILE_SLOTS - r % (1U << 20),
						HOSTILE_SLOTS };
	default:	/* far ahead, far too many */
		return (struct kipc_ring_resv){ tail + HOSTILE_SLOTS + r % (1U << 30),
						r % (1U << 30) };
	}
}

/* One hostile producer: attach, write garbage claims, die. */
static void hostile_life(uint64_t id, unsigned int death,
			 const struct hostile_shared *sh)
{
	struct kt_ring h;
	unsigned int p;
	int ep = sys_kipc_open(0);

	if (ep < 0 || kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_PRODUCER, &h))
		_exit(1);
	srand(death);
	for (p = 0; p < KIPC_RING_PRODUCERS_MAX; p++) {
		struct kipc_ring_resv g = garbage(h.hdr, p, h.producer, sh->cover);

		if (p == sh->good)
			continue;
		__atomic_store_n(&h.hdr->resv[p].n, g.n, __ATOMIC_RELAXED);
		__atomic_store_n(&h.hdr->resv[p].pos, g.pos, __ATOMIC_RELAXED);
	}
	_exit(0);	/* dies without a word */
}

TEST_F_TIMEOUT(hostile, garbage_claims_delay_nothing, 180)
{
	static struct kt_ring idle[HOSTILE_IDLE];
	struct kipc_ring_wait w = {
		.size = sizeof(w),
		.flags = KIPC_RING_WAIT_READABLE,
	};
	struct hostile_shared *sh = self->sh;
	struct kt_ring c;
	uint64_t got = 0;
	uint32_t start, pos, len;
	unsigned int i, n;
	pid_t good, bad;
	struct seqmsg m;
	int status;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	for (i = 0; i < HOSTILE_IDLE; i++)
		ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id,
					      KIPC_RING_ROLE_PRODUCER, &idle[i]));
	sh->cover = idle[HOSTILE_IDLE - 1].producer;
	start = c.next;

	/* The good producer: HOSTILE_MESSAGES / HOSTILE_DEATHS per death. */
	good = fork();
	ASSERT_GE(good, 0);
	if (!good) {
		struct kt_ring p;
		uint64_t seq;
		int ep;

		/* Not past a test the watchdog ended: the ring must go. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ep = sys_kipc_open(0);
		if (ep < 0 || kt_ring_attach(ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p))
			_exit(1);
		sh->good = p.producer;
		__atomic_store_n(&sh->ready, 1, __ATOMIC_RELEASE);
		for (seq = 0; seq < HOSTILE_MESSAGES; seq++) {
			char buf[64];
			uint32_t l = seqmsg_len_for(seq, kt_ring_payload_max(&p));

			while (__atomic_load_n(&sh->deaths, __ATOMIC_ACQUIRE) <
			       seq * HOSTILE_DEATHS / HOSTILE_MESSAGES)
				usleep(100);
			seqmsg_fill(buf, l, 0, seq);
			if (kt_ring_send(&p, buf, l, NULL))
				_exit(2);
		}
		kt_ring_detach(&p);
		_exit(0);
	}
	while (!__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE))
		usleep(1000);

	/* The hostile producers, one after another. */
	bad = fork();
	ASSERT_GE(bad, 0);
	if (!bad) {
		unsigned int d;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (d = 0; d < HOSTILE_DEATHS; d++) {
			pid_t pid = fork();

			if (pid < 0)
				_exit(1);
			if (!pid)
				hostile_life(self->id, d, sh);
			if (waitpid(pid, &status, 0) != pid || status)
				_exit(2);
			__atomic_store_n(&sh->deaths, d + 1, __ATOMIC_RELEASE);
		}
		_exit(0);
	}

	while (got < HOSTILE_MESSAGES) {
		ASSERT_EQ(0, ioctl(kt_ring_fd(&c), KIPC_IOC_RING_WAIT, &w));
		n = kt_ring_peek_n(&c, 32, &pos);
		for (i = 0; i < n; i++) {
			const void *p = kt_ring_msg(&c, pos + i, &len);

			ASSERT_EQ(0, seqmsg_check(p, len, &m));
			ASSERT_EQ(0, m.src);
			ASSERT_EQ(got, m.seq);
			got++;
		}
		kt_ring_release_n(&c, pos, n);
	}
	ASSERT_EQ(bad, waitpid(bad, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(good, waitpid(good, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(HOSTILE_DEATHS, sh->deaths);
	/* No position was left for good, so none was made empty. */
	EXPECT_EQ(HOSTILE_MESSAGES, c.next - start);
	/* Once the last producer leaves, the consumer hears it. */
	for (i = 0; i < HOSTILE_IDLE; i++)
		kt_ring_detach(&idle[i]);
	EXPECT_EQ(-EPIPE, kt_ring_recv(&c, &m, sizeof(m), NULL));
	kt_ring_detach(&c);
}

TEST(ring_create_rules)
{
	char name[KIPC_NAME_MAX];
	uint64_t id;
	int ep = sys_kipc_open(0);

	ASSERT_GE(ep, 0);
	ring_name(name, "rules");
	EXPECT_EQ(-EINVAL, sys_kipc_ring_create(ep, name, 3, 64, KIPC_RING_SPSC, 0600, &id));
	EXPECT_EQ(-EINVAL, sys_kipc_ring_create(ep, name, 4, 48, KIPC_RING_SPSC, 0600, &id));
	EXPECT_EQ(-EINVAL, sys_kipc_ring_create(ep, name, 4, 32, KIPC_RING_SPSC, 0600, &id));
	EXPECT_EQ(-EINVAL, sys_kipc_ring_create(ep, name, 4, 64, 9, 0600, &id));
	EXPECT_EQ(-EINVAL, sys_kipc_ring_create(ep, name, 4, 64, KIPC_RING_SPSC, 01000, &id));
	EXPECT_EQ(-EINVAL, sys_kipc_ring_create(ep, name, 1U << 30, 1U << 20,
					    KIPC_RING_SPSC, 0600, &id));
	ASSERT_EQ(0, sys_kipc_ring_create(ep, name, 4, 64, KIPC_RING_SPSC, 0600, &id));
	EXPECT_EQ(-EEXIST, sys_kipc_ring_create(ep, name, 4, 64, KIPC_RING_SPSC, 0600, NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_ring_delete(ep, "no-such-ring", 0));
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, name, 0));
	EXPECT_EQ(-ENOENT, sys_kipc_ring_delete(ep, NULL, id));
	close(ep);
}

/* The attach's answer and the header agree on the ring's layout version. */
static unsigned int attached_version(int ep, uint64_t id, unsigned int role,
				     unsigned int speaks, int *err)
{
	struct kipc_ring_attach a;
	struct kipc_ring_hdr *h;
	unsigned int v;
	int fd;

	fd = sys_kipc_ring_attach_version(ep, NULL, id, role, speaks, &a);
	*err = fd < 0 ? fd : 0;
	if (fd < 0)
		return 0;
	h = mmap(NULL, a.map_size, PROT_READ, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		*err = -errno;
		close(fd);
		return 0;
	}
	v = h->version == a.version ? a.version : 1000 + h->version;
	munmap(h, a.map_size);
	close(fd);
	return v;
}

TEST(ring_versions)
{
	struct kipc_ring_attach a;
	uint64_t v1, v2, m2;
	int ep = sys_kipc_open(0), err, fd;

	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, sys_kipc_ring_create_flags(ep, NULL, 4, 64, KIPC_RING_SPSC,
						0600, 0, &v1));
	ASSERT_EQ(0, sys_kipc_ring_create_flags(ep, NULL, 4, 64, KIPC_RING_SPSC,
						0600, KIPC_RING_CREATE_V2, &v2));
	ASSERT_EQ(0, sys_kipc_ring_create_flags(ep, NULL, 4, 64, KIPC_RING_MPSC,
						0600, KIPC_RING_CREATE_V2, &m2));
	EXPECT_EQ(-EINVAL, sys_kipc_ring_create_flags(ep, NULL, 4, 64,
						      KIPC_RING_SPSC, 0600,
						      1U << 1, NULL));

	/* Consumers of any version read tail, which every producer stores. */
	EXPECT_EQ(KIPC_RING_VERSION_1,
		  attached_version(ep, v1, KIPC_RING_ROLE_CONSUMER, 0, &err));
	EXPECT_EQ(0, err);
	EXPECT_EQ(KIPC_RING_VERSION_2,
		  attached_version(ep, v2, KIPC_RING_ROLE_CONSUMER, 0, &err));
	EXPECT_EQ(0, err);

	/* An SPSC producer older than its ring would starve its consumer. */
	EXPECT_EQ(0, attached_version(ep, v2, KIPC_RING_ROLE_PRODUCER,
				      KIPC_RING_VERSION_1, &err));
	EXPECT_EQ(-EPROTONOSUPPORT, err);
	EXPECT_EQ(0, attached_version(ep, v2, KIPC_RING_ROLE_PRODUCER, 0, &err));
	EXPECT_EQ(-EPROTONOSUPPORT, err);
	memset(&a, 0, sizeof(a));
	a.size = KIPC_RING_ATTACH_SIZE_VER0;
	a.role = KIPC_RING_ROLE_PRODUCER;
	a.id = v2;
	EXPECT_EQ(-EPROTONOSUPPORT, sys_kipc_ioctl(ep, KIPC_IOC_RING_ATTACH, &a));
	EXPECT_EQ(KIPC_RING_VERSION_2,
		  attached_version(ep, v2, KIPC_RING_ROLE_PRODUCER,
				   KIPC_RING_VERSION_2, &err));
	EXPECT_EQ(0, err);
	/* A newer producer may feed an older ring. */
	EXPECT_EQ(KIPC_RING_VERSION_1,
		  attached_version(ep, v1, KIPC_RING_ROLE_PRODUCER, 7, &err));
	EXPECT_EQ(0, err);
	/* MPSC producers mark their slots in both versions. */
	a.id = m2;
	fd = sys_kipc_ioctl(ep, KIPC_IOC_RING_ATTACH, &a);
	EXPECT_GE(fd, 0);
	if (fd >= 0)
		close(fd);

	/* The new reserved field must be zero like the old ones. */
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.role = KIPC_RING_ROLE_CONSUMER;
	a.id = v1;
	a.reserved = 1;
	EXPECT_EQ(-EINVAL, sys_kipc_ioctl(ep, KIPC_IOC_RING_ATTACH, &a));
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, v1));
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, v2));
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, m2));
	close(ep);
}

/* A 4-slot version 2 SPSC ring of @ep, with its producer and consumer. */
static int v2_spsc_pair(int ep, uint64_t *id, struct kt_ring *p,
			struct kt_ring *c)
{
	int ret;

	ret = sys_kipc_ring_create_flags(ep, NULL, 4, 64, KIPC_RING_SPSC, 0600,
					 KIPC_RING_CREATE_V2, id);
	if (!ret)
		ret = kt_ring_attach(ep, NULL, *id, KIPC_RING_ROLE_PRODUCER, p);
	if (!ret)
		ret = kt_ring_attach(ep, NULL, *id, KIPC_RING_ROLE_CONSUMER, c);
	return ret;
}

/*
 * A version 2 producer publishes both ways: each slot's seq for version 2
 * consumers, tail for the kernel's readiness (poll) and version 1
 * consumers, and nothing a consumer waits for is left unmarked.
 */
TEST(ring_v2_publishes_seq_and_tail)
{
	struct kt_ring p, c;
	struct pollfd pfd;
	uint32_t pos, len;
	unsigned int i;
	uint64_t id;
	int ep = sys_kipc_open(0);

	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, v2_spsc_pair(ep, &id, &p, &c));
	ASSERT_TRUE(p.slot_seq);
	ASSERT_TRUE(c.slot_seq);

	for (i = 0; i < 10; i++) {
		pfd.fd = c.fd;
		pfd.events = POLLIN;
		EXPECT_EQ(0, poll(&pfd, 1, 0));
		EXPECT_EQ(NULL, kt_ring_peek(&c, &pos, &len));

		ASSERT_NE(NULL, kt_ring_reserve(&p, &pos));
		memcpy(kt_ring_data(&p, pos), &i, sizeof(i));
		kt_ring_commit(&p, pos, sizeof(i));
		EXPECT_EQ(pos + 1, kt_ring_slot(&p, pos)->seq);
		EXPECT_EQ(pos + 1, p.hdr->tail);

		EXPECT_EQ(1, poll(&pfd, 1, 0));
		EXPECT_EQ(POLLIN, pfd.revents);
		ASSERT_NE(NULL, kt_ring_peek(&c, &pos, &len));
		EXPECT_EQ(sizeof(i), len);
		EXPECT_EQ(0, memcmp(kt_ring_data(&c, pos), &i, sizeof(i)));
		kt_ring_release(&c, pos);
	}

	/* Tail alone, as a producer that does not mark slots would publish. */
	__atomic_store_n(&p.hdr->tail, p.hdr->tail + 1, __ATOMIC_RELEASE);
	EXPECT_EQ(NULL, kt_ring_peek(&c, &pos, &len));
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	kt_ring_detach(&p);
	kt_ring_detach(&c);
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	close(ep);
}

/*
 * A version 2 producer that dies between a slot's seq and tail: its
 * consumer takes the message (the kernel reads readiness from the slot as
 * the consumer does), which leaves head past tail. The consumer's wait
 * then reports the producer gone, not a corrupt header.
 */
TEST(ring_v2_producer_dies_between_stores)
{
	struct kt_ring p, c;
	struct pollfd pfd;
	uint32_t pos, len;
	uint64_t id;
	int ep = sys_kipc_open(0);

	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, v2_spsc_pair(ep, &id, &p, &c));
	ASSERT_NE(NULL, kt_ring_reserve(&p, &pos));
	kt_ring_set_len(&p, pos, 8);
	kt_store_release(&kt_ring_slot(&p, pos)->seq, pos + 1);
	kt_ring_detach(&p);

	pfd.fd = c.fd;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLIN);
	ASSERT_NE(NULL, kt_ring_peek(&c, &pos, &len));
	EXPECT_EQ(8, len);
	kt_ring_release(&c, pos);
	EXPECT_EQ(1, c.hdr->head);
	EXPECT_EQ(0, c.hdr->tail);
	EXPECT_EQ(-EPIPE, sys_kipc_ring_wait(c.fd, KIPC_RING_WAIT_READABLE |
					     KIPC_NONBLOCK, 0, NULL));
	kt_ring_detach(&c);
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	close(ep);
}

TEST(ring_permissions)
{
	char name[KIPC_NAME_MAX];
	uint64_t id;
	pid_t pid;
	int status, ep = sys_kipc_open(0);

	if (geteuid())
		SKIP(return, "needs root to act as a second user");
	ASSERT_GE(ep, 0);
	ring_name(name, "perm");
	ASSERT_EQ(0, sys_kipc_ring_create(ep, name, 4, 64, KIPC_RING_SPSC, 0620, &id));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct kt_ring r;
		int e;

		if (setgid(65534) || setuid(65534))
			_exit(1);
		e = sys_kipc_open(0);
		if (kt_ring_attach(e, NULL, id, KIPC_RING_ROLE_CONSUMER, &r) != -EACCES)
			_exit(2);
		if (kt_ring_attach(e, NULL, id, KIPC_RING_ROLE_PRODUCER, &r) != -EACCES)
			_exit(3);
		if (sys_kipc_ring_delete(e, NULL, id) != -EACCES)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	close(ep);
}

TEST(ring_in_stat_and_list)
{
	char name[KIPC_NAME_MAX];
	struct kipc_stat st;
	struct kipc_list l;
	struct kipc_info info[16];
	bool found = false;
	uint64_t id;
	unsigned int i;
	int ep = sys_kipc_open(0);

	ASSERT_GE(ep, 0);
	ring_name(name, "stat");
	ASSERT_EQ(0, sys_kipc_ring_create(ep, name, 16, 256, KIPC_RING_MPSC, 0640, &id));
	memset(&st, 0xa5, sizeof(st));
	st.size = sizeof(st);
	st.type = 0;
	st.id = id;
	memset(st.name, 0, sizeof(st.name));
	ASSERT_EQ(0, ioctl(ep, KIPC_IOC_STAT, &st));
	EXPECT_EQ(KIPC_TYPE_RING, st.info.type);
	EXPECT_EQ(16, st.info.max_msgs);
	EXPECT_EQ(248, st.info.msg_max);
	EXPECT_EQ(0640, st.info.mode);
	EXPECT_EQ(0, st.info.depth);
	EXPECT_EQ(0, st.info.reserved);
	EXPECT_EQ(0, strcmp(st.info.name, name));

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.flags = KIPC_LIST_RINGS;
	l.entries = (uintptr_t)info;
	l.count = 16;
	l.entry_size = sizeof(info[0]);
	ASSERT_EQ(0, ioctl(ep, KIPC_IOC_LIST, &l));
	for (i = 0; i < l.count; i++) {
		EXPECT_EQ(KIPC_TYPE_RING, info[i].type);
		found |= info[i].id == id;
	}
	EXPECT_TRUE(found);
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	close(ep);
}

TEST_HARNESS_MAIN
