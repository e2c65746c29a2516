// SPDX-License-Identifier: GPL-2.0
/*
 * Typed messages and receive by type (KIPC_RECV_TYPE, KIPC_RECV_EXCEPT),
 * with msgrcv()'s msgtyp rules: 0 any, > 0 that type (or any other),
 * < 0 the lowest type up to |msgtyp|, first in receive order among equals;
 * and MSG_COPY's peek at a position (KIPC_RECV_INDEX).
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
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kipc.h>

#include "../kselftest_harness.h"

static inline int ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static inline int send_typed(int fd, int64_t type, uint32_t prio,
			     uint32_t seq)
{
	struct kipc_send s = {
		.size = sizeof(s), .flags = KIPC_NONBLOCK,
		.buf = (uintptr_t)&seq, .len = sizeof(seq), .priority = prio,
		.type = type,
	};

	return ioc(fd, KIPC_IOC_SEND, &s);
}

/* Receive by @flags / @sel: the message's sequence number, or -errno. */
static inline int recv_typed(int fd, uint32_t flags, int64_t sel,
			     int64_t *type)
{
	uint32_t seq = 0;
	struct kipc_recv r = {
		.size = sizeof(r), .flags = flags | KIPC_NONBLOCK,
		.buf = (uintptr_t)&seq, .buf_len = sizeof(seq),
		.type_sel = sel,
	};
	int ret = ioc(fd, KIPC_IOC_RECV, &r);

	if (ret)
		return ret;
	if (type)
		*type = r.type;
	return (int)seq;
}

FIXTURE(type) {
	int ep, mfd;
};

FIXTURE_SETUP(type)
{
	struct kipc_mbox_create c = {
		.size = sizeof(c), .flags = KIPC_MBOX_OWNED, /* gone with ep */
		.max_msgs = 64, .mode = 0600,
	};

	self->ep = open("/dev/kipc", O_RDWR | O_CLOEXEC);
	if (self->ep < 0)
		SKIP(return, "/dev/kipc: %s", strerror(errno));
	self->mfd = ioctl(self->ep, KIPC_IOC_MBOX_CREATE, &c);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(type)
{
	close(self->mfd);
	close(self->ep);
}

/* The types of the queue set up by fill(), in sending order. */
static const int64_t types[] = { 5, 2, 7, 2, 3, 5, 1 };

static void fill(struct __test_metadata *_metadata, int fd)
{
	unsigned int i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		ASSERT_EQ(0, send_typed(fd, types[i], 0, i));
}

TEST_F(type, any_reports_the_type)
{
	int64_t t = 0;

	fill(_metadata, self->mfd);
	EXPECT_EQ(0, recv_typed(self->mfd, 0, 0, &t));
	EXPECT_EQ(5, t);
	EXPECT_EQ(1, recv_typed(self->mfd, 0, 0, &t));
	EXPECT_EQ(2, t);
}

TEST_F(type, equal)
{
	int64_t t = 0;

	fill(_metadata, self->mfd);
	EXPECT_EQ(1, recv_typed(self->mfd, KIPC_RECV_TYPE, 2, &t));
	EXPECT_EQ(2, t);
	EXPECT_EQ(3, recv_typed(self->mfd, KIPC_RECV_TYPE, 2, NULL));
	EXPECT_EQ(-EAGAIN, recv_typed(self->mfd, KIPC_RECV_TYPE, 2, NULL));
	EXPECT_EQ(-EAGAIN, recv_typed(self->mfd, KIPC_RECV_TYPE, 4, NULL));
	/* The others are untouched, in order. */
	EXPECT_EQ(0, recv_typed(self->mfd, 0, 0, NULL));
	EXPECT_EQ(2, recv_typed(self->mfd, 0, 0, NULL));
}

TEST_F(type, except)
{
	fill(_metadata, self->mfd);
	/* Types 5, 2, 7, 2, 3, 5, 1 were sent. */
	EXPECT_EQ(1, recv_typed(self->mfd, KIPC_RECV_TYPE | KIPC_RECV_EXCEPT,
				5, NULL));
	EXPECT_EQ(0, recv_typed(self->mfd, KIPC_RECV_TYPE | KIPC_RECV_EXCEPT,
				2, NULL));
	EXPECT_EQ(2, recv_typed(self->mfd, KIPC_RECV_TYPE | KIPC_RECV_EXCEPT,
				2, NULL));
	EXPECT_EQ(4, recv_typed(self->mfd, KIPC_RECV_TYPE | KIPC_RECV_EXCEPT,
				2, NULL));
}

TEST_F(type, lessequal_takes_the_lowest)
{
	int64_t t = 0;

	fill(_metadata, self->mfd);
	/* Lowest type <= 4 is 1 (the last sent). */
	EXPECT_EQ(6, recv_typed(self->mfd, KIPC_RECV_TYPE, -4, &t));
	EXPECT_EQ(1, t);
	/* Then 2: the first of the two. */
	EXPECT_EQ(1, recv_typed(self->mfd, KIPC_RECV_TYPE, -4, &t));
	EXPECT_EQ(2, t);
	EXPECT_EQ(3, recv_typed(self->mfd, KIPC_RECV_TYPE, -2, NULL));
	EXPECT_EQ(-EAGAIN, recv_typed(self->mfd, KIPC_RECV_TYPE, -2, NULL));
	/* INT64_MIN selects as -INT64_MAX: the lowest of all. */
	EXPECT_EQ(4, recv_typed(self->mfd, KIPC_RECV_TYPE, INT64_MIN, &t));
	EXPECT_EQ(3, t);
}

/* Types may be anything, negative ones too. */
TEST_F(type, any_value)
{
	int64_t t = 0;

	ASSERT_EQ(0, send_typed(self->mfd, -9, 0, 10));
	ASSERT_EQ(0, send_typed(self->mfd, INT64_MAX, 0, 11));
	EXPECT_EQ(11, recv_typed(self->mfd, KIPC_RECV_TYPE, INT64_MAX, &t));
	EXPECT_EQ(INT64_MAX, t);
	EXPECT_EQ(10, recv_typed(self->mfd, KIPC_RECV_TYPE, -1, &t));
	EXPECT_EQ(-9, t);
}

/* Priority order first, then the type selects. */
TEST_F(type, priority_first)
{
	ASSERT_EQ(0, send_typed(self->mfd, 7, 0, 1));
	ASSERT_EQ(0, send_typed(self->mfd, 7, 3000, 2));
	ASSERT_EQ(0, send_typed(self->mfd, 7, 10, 3));
	EXPECT_EQ(2, recv_typed(self->mfd, KIPC_RECV_TYPE, 7, NULL));
	EXPECT_EQ(3, recv_typed(self->mfd, KIPC_RECV_TYPE, -7, NULL));
	EXPECT_EQ(1, recv_typed(self->mfd, KIPC_RECV_TYPE, 7, NULL));
}

TEST_F(type, bad_selections)
{
	ASSERT_EQ(0, send_typed(self->mfd, 1, 0, 1));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd, KIPC_RECV_TYPE, 0, NULL));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd, KIPC_RECV_EXCEPT, 0, NULL));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd, KIPC_RECV_EXCEPT, 1, NULL));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd, 0, 1, NULL));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd,
				      KIPC_RECV_TYPE | KIPC_RECV_EXCEPT, -1,
				      NULL));
	/* Nothing was taken. */
	EXPECT_EQ(1, recv_typed(self->mfd, 0, 0, NULL));
}

/* A peek by type copies the selected message and leaves it. */
TEST_F(type, peek)
{
	fill(_metadata, self->mfd);
	EXPECT_EQ(2, recv_typed(self->mfd, KIPC_RECV_TYPE | KIPC_RECV_PEEK,
				7, NULL));
	EXPECT_EQ(2, recv_typed(self->mfd, KIPC_RECV_TYPE, 7, NULL));
}

/* KIPC_RECV_INDEX: a copy of the message at a position (MSG_COPY). */
TEST_F(type, peek_by_index)
{
	const uint32_t flags = KIPC_RECV_INDEX | KIPC_RECV_PEEK;
	unsigned int i;
	int64_t t = 0;

	fill(_metadata, self->mfd);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		EXPECT_EQ((int)i, recv_typed(self->mfd, flags, i, &t));
		EXPECT_EQ(types[i], t);
	}
	EXPECT_EQ(-EAGAIN, recv_typed(self->mfd, flags, i, NULL));
	/* In receive order: a higher priority comes first. */
	ASSERT_EQ(0, send_typed(self->mfd, 9, 100, 50));
	EXPECT_EQ(50, recv_typed(self->mfd, flags, 0, NULL));
	EXPECT_EQ(0, recv_typed(self->mfd, flags, 1, NULL));
	/* Nothing was taken. */
	EXPECT_EQ(50, recv_typed(self->mfd, 0, 0, NULL));
	EXPECT_EQ(0, recv_typed(self->mfd, 0, 0, NULL));
	EXPECT_EQ(2, recv_typed(self->mfd, flags, 1, NULL));
}

TEST_F(type, peek_by_index_bad_selections)
{
	ASSERT_EQ(0, send_typed(self->mfd, 1, 0, 1));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd, KIPC_RECV_INDEX, 0, NULL));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd,
				      KIPC_RECV_INDEX | KIPC_RECV_PEEK, -1,
				      NULL));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd, KIPC_RECV_INDEX |
				      KIPC_RECV_PEEK | KIPC_RECV_TYPE, 1,
				      NULL));
	EXPECT_EQ(-EINVAL, recv_typed(self->mfd, KIPC_RECV_INDEX |
				      KIPC_RECV_PEEK | KIPC_RECV_EXCEPT, 1,
				      NULL));
	EXPECT_EQ(1, recv_typed(self->mfd, 0, 0, NULL));
}

/* A sender with the old struct sends type 0; an old receiver works. */
TEST_F(type, old_struct_sizes)
{
	uint32_t seq = 42;
	struct kipc_send s = {
		.size = KIPC_SEND_SIZE_VER0, .buf = (uintptr_t)&seq,
		.len = sizeof(seq),
	};
	struct kipc_recv r = {
		.size = KIPC_RECV_SIZE_VER0, .flags = KIPC_NONBLOCK,
		.buf = (uintptr_t)&seq, .buf_len = sizeof(seq),
		.type = 99,
	};
	int64_t t = 1;

	ASSERT_EQ(0, ioc(self->mfd, KIPC_IOC_SEND, &s));
	ASSERT_EQ(0, send_typed(self->mfd, 8, 0, 43));
	EXPECT_EQ(42, recv_typed(self->mfd, KIPC_RECV_PEEK, 0, &t));
	EXPECT_EQ(0, t);
	ASSERT_EQ(0, ioc(self->mfd, KIPC_IOC_RECV, &r));
	EXPECT_EQ(42, seq);
	/* Beyond the old size nothing was written back. */
	EXPECT_EQ(99, r.type);
	EXPECT_EQ(43, recv_typed(self->mfd, 0, 0, &t));
	EXPECT_EQ(8, t);
}

/* A receiver waiting for one type sleeps through others. */
TEST_F(type, waits_for_its_type)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint32_t seq = 0;
		struct kipc_recv r = {
			.size = sizeof(r), .flags = KIPC_TIMEOUT | KIPC_RECV_TYPE,
			.buf = (uintptr_t)&seq, .buf_len = sizeof(seq),
			.timeout = { .tv_sec = 20 }, .type_sel = 9,
		};

		_exit(!ioctl(self->mfd, KIPC_IOC_RECV, &r) && seq == 2 &&
		      r.type == 9 ? 0 : 1);
	}
	ASSERT_EQ(0, send_typed(self->mfd, 8, 0, 1));
	ASSERT_EQ(0, send_typed(self->mfd, 9, 0, 2));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(1, recv_typed(self->mfd, 0, 0, NULL));
}

TEST_HARNESS_MAIN
