// SPDX-License-Identifier: GPL-2.0
/*
 * Priorities 0 .. KIPC_PRIO_MAX (32767): highest first, first in first
 * out within a priority, across the cheap low levels (0 .. 31) and the
 * tree that holds the others; deletion frees both; filters and peeks see
 * the same order.
 *
 * Raw ioctls only: the wrappers below are all the test needs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kipc.h>

#include "../kselftest_harness.h"

static inline int ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static inline int mbox_anon(int ep, unsigned int max_msgs)
{
	struct kipc_mbox_create c = {
		.size = sizeof(c), .flags = KIPC_MBOX_OWNED, /* gone with ep */
		.max_msgs = max_msgs, .mode = 0600,
	};
	int fd = ioctl(ep, KIPC_IOC_MBOX_CREATE, &c);

	return fd < 0 ? -errno : fd;
}

static inline int send_prio(int fd, uint32_t prio, uint32_t seq)
{
	struct kipc_send s = {
		.size = sizeof(s), .flags = KIPC_NONBLOCK,
		.buf = (uintptr_t)&seq, .len = sizeof(seq), .priority = prio,
	};

	return ioc(fd, KIPC_IOC_SEND, &s);
}

/* Receive one message: its sequence number and priority, or -errno. */
static inline int recv_prio(int fd, uint32_t flags, uint64_t from,
			    uint32_t *seq, uint32_t *prio)
{
	struct kipc_recv r = {
		.size = sizeof(r), .flags = flags | KIPC_NONBLOCK,
		.from = from, .buf = (uintptr_t)seq, .buf_len = sizeof(*seq),
	};
	int ret = ioc(fd, KIPC_IOC_RECV, &r);

	if (!ret)
		*prio = r.hdr.priority;
	return ret;
}

static inline int usage_bytes(int fd, uint64_t *bytes)
{
	struct kipc_usage u = { .size = sizeof(u) };
	int ret = ioc(fd, KIPC_IOC_USAGE, &u);

	*bytes = u.bytes;
	return ret;
}

static inline uint64_t ep_id(int fd)
{
	struct kipc_version v = { 0 };

	return ioctl(fd, KIPC_IOC_VERSION, &v) ? 0 : v.endpoint_id;
}

FIXTURE(prio) {
	int ep, mfd;
};

FIXTURE_SETUP(prio)
{
	self->ep = open("/dev/kipc", O_RDWR | O_CLOEXEC);
	if (self->ep < 0)
		SKIP(return, "/dev/kipc: %s", strerror(errno));
	self->mfd = mbox_anon(self->ep, 1024);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(prio)
{
	close(self->mfd);
	close(self->ep);
}

TEST_F(prio, range)
{
	EXPECT_EQ(32767, KIPC_PRIO_MAX);
	EXPECT_EQ(0, send_prio(self->mfd, KIPC_PRIO_MAX, 1));
	EXPECT_EQ(-EINVAL, send_prio(self->mfd, KIPC_PRIO_MAX + 1, 2));
	EXPECT_EQ(-EINVAL, send_prio(self->mfd, UINT32_MAX, 3));
}

/* Highest first across low and high priorities, FIFO within each. */
TEST_F(prio, order)
{
	static const uint32_t prios[] = {
		0, 31, 32, 5, 32767, 1000, 32, 31, 0, 1000, 33, 32767, 100, 5,
	};
	const unsigned int n = sizeof(prios) / sizeof(prios[0]);
	uint32_t seq, prio, last_prio = UINT32_MAX, last_seq = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		ASSERT_EQ(0, send_prio(self->mfd, prios[i], i));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, recv_prio(self->mfd, 0, 0, &seq, &prio));
		ASSERT_LT(seq, n);
		EXPECT_EQ(prios[seq], prio);
		EXPECT_LE(prio, last_prio);
		if (prio == last_prio)
			EXPECT_GT(seq, last_seq);
		last_prio = prio;
		last_seq = seq;
	}
	EXPECT_EQ(-EAGAIN, recv_prio(self->mfd, 0, 0, &seq, &prio));
}

/* Many messages at one high priority come out in the order sent. */
TEST_F(prio, fifo_within_high)
{
	uint32_t seq, prio, i;

	for (i = 0; i < 500; i++)
		ASSERT_EQ(0, send_prio(self->mfd, i % 2 ? 20000 : 40, i));
	for (i = 1; i < 500; i += 2) {
		ASSERT_EQ(0, recv_prio(self->mfd, 0, 0, &seq, &prio));
		EXPECT_EQ(i, seq);
		EXPECT_EQ(20000, prio);
	}
	for (i = 0; i < 500; i += 2) {
		ASSERT_EQ(0, recv_prio(self->mfd, 0, 0, &seq, &prio));
		EXPECT_EQ(i, seq);
		EXPECT_EQ(40, prio);
	}
}

/* A peek and a filtered receive see the same order. */
TEST_F(prio, peek_and_from)
{
	uint64_t me = ep_id(self->ep);
	uint32_t seq, prio;

	ASSERT_NE(0, me);
	ASSERT_EQ(0, send_prio(self->mfd, 7, 1));
	ASSERT_EQ(0, send_prio(self->mfd, 9000, 2));
	ASSERT_EQ(0, recv_prio(self->mfd, KIPC_RECV_PEEK, 0, &seq, &prio));
	EXPECT_EQ(2, seq);
	EXPECT_EQ(9000, prio);
	EXPECT_EQ(-EAGAIN, recv_prio(self->mfd, KIPC_RECV_FROM, me + 1000000,
				     &seq, &prio));
	ASSERT_EQ(0, recv_prio(self->mfd, KIPC_RECV_FROM, me, &seq, &prio));
	EXPECT_EQ(2, seq);
	ASSERT_EQ(0, recv_prio(self->mfd, 0, 0, &seq, &prio));
	EXPECT_EQ(1, seq);
}

/* Deleting a mailbox frees its messages at every priority. */
TEST_F(prio, delete_frees_all)
{
	struct kipc_mbox_ref ref = { .size = sizeof(ref) };
	uint64_t before, held, after;
	int fd, i;

	ASSERT_EQ(0, usage_bytes(self->ep, &before));
	fd = mbox_anon(self->ep, 64);
	ASSERT_GE(fd, 0);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(0, send_prio(fd, i * 800, i));
	ASSERT_EQ(0, usage_bytes(self->ep, &held));
	EXPECT_GT(held, before);
	ASSERT_EQ(0, ioc(fd, KIPC_IOC_MBOX_DELETE, &ref));
	close(fd);
	ASSERT_EQ(0, usage_bytes(self->ep, &after));
	EXPECT_EQ(before, after);
}

TEST_HARNESS_MAIN
