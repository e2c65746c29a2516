// SPDX-License-Identifier: GPL-2.0
/*
 * Message sequence numbers (struct kipc_recv.seq, struct kipc_mmsg_seq)
 * and the receive of exactly one numbered message (KIPC_RECV_SEQ), which
 * a forwarder uses to take the very message it looked at and passed on,
 * whatever arrived in front of it meanwhile.
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

/* Send @tag (the payload) with @prio. */
static inline int send_tag(int fd, uint32_t tag, uint32_t prio)
{
	struct kipc_send s = {
		.size = sizeof(s), .flags = KIPC_NONBLOCK,
		.buf = (uintptr_t)&tag, .len = sizeof(tag), .priority = prio,
	};

	return ioc(fd, KIPC_IOC_SEND, &s);
}

/*
 * Receive with @flags; with KIPC_RECV_SEQ, message *@seq. Returns the tag,
 * or -errno; *@seq is the message's number.
 */
static inline int recv_tag(int fd, uint32_t flags, uint64_t *seq)
{
	uint32_t tag = 0;
	struct kipc_recv r = {
		.size = sizeof(r), .flags = flags | KIPC_NONBLOCK,
		.buf = (uintptr_t)&tag, .buf_len = sizeof(tag),
		.seq = (flags & KIPC_RECV_SEQ) ? *seq : 0,
	};
	int ret = ioc(fd, KIPC_IOC_RECV, &r);

	if (ret)
		return ret;
	*seq = r.seq;
	return (int)tag;
}

static int depth(int fd)
{
	struct kipc_stat st = { .size = sizeof(st) };
	int ret = ioc(fd, KIPC_IOC_STAT, &st);

	return ret ? ret : (int)st.info.depth;
}

FIXTURE(seq) {
	int ep, mfd;
};

FIXTURE_SETUP(seq)
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

FIXTURE_TEARDOWN(seq)
{
	close(self->mfd);
	close(self->ep);
}

TEST_F(seq, numbers_follow_sending_order_across_priorities)
{
	uint64_t s = 0;

	/* Tags 10, 11, 12 are numbers 1, 2, 3; 12 has the higher priority. */
	ASSERT_EQ(0, send_tag(self->mfd, 10, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 11, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 12, 5));
	EXPECT_EQ(12, recv_tag(self->mfd, KIPC_RECV_PEEK, &s));
	EXPECT_EQ(3, s);
	EXPECT_EQ(12, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(3, s);
	EXPECT_EQ(10, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(1, s);
	EXPECT_EQ(11, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(2, s);
	/* Never reused: the next message is 4 in the now empty queue. */
	ASSERT_EQ(0, send_tag(self->mfd, 13, 0));
	EXPECT_EQ(13, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(4, s);
}

TEST_F(seq, index_peek_reports_each_number)
{
	uint32_t tag = 0;
	struct kipc_recv r = {
		.size = sizeof(r),
		.flags = KIPC_NONBLOCK | KIPC_RECV_PEEK | KIPC_RECV_INDEX,
		.buf = (uintptr_t)&tag, .buf_len = sizeof(tag),
		.type_sel = 1,
	};

	ASSERT_EQ(0, send_tag(self->mfd, 20, 1));
	ASSERT_EQ(0, send_tag(self->mfd, 21, 1));
	ASSERT_EQ(0, send_tag(self->mfd, 22, 9));
	/* Receive order: 22 (3), 20 (1), 21 (2); position 1 is 20. */
	ASSERT_EQ(0, ioc(self->mfd, KIPC_IOC_RECV, &r));
	EXPECT_EQ(20, tag);
	EXPECT_EQ(1, r.seq);
	r.type_sel = 2;
	ASSERT_EQ(0, ioc(self->mfd, KIPC_IOC_RECV, &r));
	EXPECT_EQ(21, tag);
	EXPECT_EQ(2, r.seq);
}

TEST_F(seq, takes_exactly_that_message)
{
	uint64_t s;

	/* Low, high (rb-tree priorities too), low: numbers 1 to 5. */
	ASSERT_EQ(0, send_tag(self->mfd, 30, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 31, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 32, 7));
	ASSERT_EQ(0, send_tag(self->mfd, 33, 1000));
	ASSERT_EQ(0, send_tag(self->mfd, 34, 0));
	/* Behind the head of its level and behind higher priorities. */
	s = 2;
	EXPECT_EQ(31, recv_tag(self->mfd, KIPC_RECV_SEQ, &s));
	EXPECT_EQ(2, s);
	s = 4;
	EXPECT_EQ(33, recv_tag(self->mfd, KIPC_RECV_SEQ, &s));
	EXPECT_EQ(4, s);
	EXPECT_EQ(3, depth(self->mfd));
	/* The rest in receive order, untouched. */
	EXPECT_EQ(32, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(30, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(34, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(5, s);
}

TEST_F(seq, peek_by_number_leaves_it)
{
	uint64_t s;

	ASSERT_EQ(0, send_tag(self->mfd, 40, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 41, 3));
	s = 1;
	EXPECT_EQ(40, recv_tag(self->mfd, KIPC_RECV_SEQ | KIPC_RECV_PEEK, &s));
	EXPECT_EQ(2, depth(self->mfd));
	EXPECT_EQ(40, recv_tag(self->mfd, KIPC_RECV_SEQ, &s));
	EXPECT_EQ(1, depth(self->mfd));
}

TEST_F(seq, missing_number_is_enomsg_and_takes_nothing)
{
	uint32_t tag = 0;
	struct kipc_recv r = {
		.size = sizeof(r), .flags = KIPC_RECV_SEQ, /* blocking */
		.buf = (uintptr_t)&tag, .buf_len = sizeof(tag), .seq = 1,
	};
	uint64_t s;

	/* Nothing queued: no wait, even for a blocking receive. */
	EXPECT_EQ(-ENOMSG, ioc(self->mfd, KIPC_IOC_RECV, &r));
	ASSERT_EQ(0, send_tag(self->mfd, 50, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 51, 2));
	s = 0;
	EXPECT_EQ(51, recv_tag(self->mfd, 0, &s));
	/* Taken already, and not sent yet. */
	EXPECT_EQ(-ENOMSG, recv_tag(self->mfd, KIPC_RECV_SEQ, &s));
	s = 3;
	EXPECT_EQ(-ENOMSG, recv_tag(self->mfd, KIPC_RECV_SEQ, &s));
	r.seq = 3;
	EXPECT_EQ(-ENOMSG, ioc(self->mfd, KIPC_IOC_RECV, &r));
	EXPECT_EQ(1, depth(self->mfd));
	EXPECT_EQ(50, recv_tag(self->mfd, 0, &s));
	EXPECT_EQ(1, s);
}

TEST_F(seq, bad_combinations_are_einval)
{
	uint32_t tag = 0;
	struct kipc_recv r = {
		.size = sizeof(r), .flags = KIPC_NONBLOCK | KIPC_RECV_SEQ,
		.buf = (uintptr_t)&tag, .buf_len = sizeof(tag), .seq = 0,
	};

	ASSERT_EQ(0, send_tag(self->mfd, 60, 0));
	EXPECT_EQ(-EINVAL, ioc(self->mfd, KIPC_IOC_RECV, &r));
	r.seq = 1;
	r.flags |= KIPC_RECV_TYPE;
	r.type_sel = 1;
	EXPECT_EQ(-EINVAL, ioc(self->mfd, KIPC_IOC_RECV, &r));
	r.flags = KIPC_NONBLOCK | KIPC_RECV_SEQ | KIPC_RECV_PEEK |
		  KIPC_RECV_INDEX;
	r.type_sel = 0;
	EXPECT_EQ(-EINVAL, ioc(self->mfd, KIPC_IOC_RECV, &r));
	r.flags = KIPC_NONBLOCK | KIPC_RECV_SEQ | KIPC_RECV_FROM;
	r.from = 1;
	EXPECT_EQ(-EINVAL, ioc(self->mfd, KIPC_IOC_RECV, &r));
	/* A struct without the field cannot name a message. */
	r.flags = KIPC_NONBLOCK | KIPC_RECV_SEQ;
	r.from = 0;
	r.seq = 0;
	r.size = KIPC_RECV_SIZE_VER1;
	EXPECT_EQ(-EINVAL, ioc(self->mfd, KIPC_IOC_RECV, &r));
	EXPECT_EQ(1, depth(self->mfd));
}

/* XFER: a receive vector of entries with numbers. */
static int xfer_take(int fd, struct kipc_mmsg_seq *e, uint32_t *tags,
		     unsigned int n, uint32_t flags, uint32_t entry_size,
		     uint32_t *got)
{
	struct kipc_xfer x = {
		.size = sizeof(x), .flags = flags | KIPC_NONBLOCK,
		.recv_msgs = (uintptr_t)e, .recv_count = n,
		.entry_size = entry_size,
	};
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		e[i].m.buf = (uintptr_t)&tags[i];
		e[i].m.buf_len = sizeof(tags[i]);
	}
	ret = ioc(fd, KIPC_IOC_XFER, &x);
	*got = x.received;
	return ret;
}

TEST_F(seq, xfer_reports_and_takes_numbers)
{
	struct kipc_mmsg_seq e[3] = { 0 };
	uint32_t tags[3] = { 0 }, got = 0;

	ASSERT_EQ(0, send_tag(self->mfd, 70, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 71, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 72, 4));
	ASSERT_EQ(0, send_tag(self->mfd, 73, 0));
	/* By number, in the order asked, not in receive order. */
	e[0].seq = 4;
	e[1].seq = 2;
	EXPECT_EQ(0, xfer_take(self->mfd, e, tags, 2, KIPC_RECV_SEQ,
			       sizeof(e[0]), &got));
	EXPECT_EQ(2, got);
	EXPECT_EQ(73, tags[0]);
	EXPECT_EQ(4, e[0].seq);
	EXPECT_EQ(71, tags[1]);
	EXPECT_EQ(2, e[1].seq);
	/* Without the flag, the numbers come out in receive order. */
	memset(e, 0, sizeof(e));
	EXPECT_EQ(0, xfer_take(self->mfd, e, tags, 3, 0, sizeof(e[0]), &got));
	EXPECT_EQ(2, got);
	EXPECT_EQ(72, tags[0]);
	EXPECT_EQ(3, e[0].seq);
	EXPECT_EQ(70, tags[1]);
	EXPECT_EQ(1, e[1].seq);
}

TEST_F(seq, xfer_missing_number_stops_the_receives)
{
	struct kipc_mmsg_seq e[2] = { 0 };
	uint32_t tags[2] = { 0 }, got = 9;

	ASSERT_EQ(0, send_tag(self->mfd, 80, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 81, 0));
	e[0].seq = 7;
	EXPECT_EQ(-ENOMSG, xfer_take(self->mfd, e, tags, 1, KIPC_RECV_SEQ,
				     sizeof(e[0]), &got));
	EXPECT_EQ(0, got);
	/* The first goes, the missing second stops the phase: 0, 1 taken. */
	e[0].seq = 2;
	e[1].seq = 9;
	EXPECT_EQ(0, xfer_take(self->mfd, e, tags, 2, KIPC_RECV_SEQ,
			       sizeof(e[0]), &got));
	EXPECT_EQ(1, got);
	EXPECT_EQ(81, tags[0]);
	EXPECT_EQ(1, depth(self->mfd));
	/* Entries without a number field cannot name a message. */
	e[0].seq = 1;
	EXPECT_EQ(-EINVAL, xfer_take(self->mfd, e, tags, 1, KIPC_RECV_SEQ,
				     KIPC_MMSG_SIZE_VER0, &got));
	EXPECT_EQ(1, depth(self->mfd));
}

/*
 * The forwarder's step: in one call, record (send) to another mailbox and
 * take the message it looked at. When that message is gone, the record
 * went and nothing was taken.
 */
TEST_F(seq, xfer_send_then_take_by_number)
{
	struct kipc_mbox_create c = {
		.size = sizeof(c), .flags = KIPC_MBOX_OWNED,
		.max_msgs = 8, .mode = 0600,
	};
	uint32_t rec = 99, tag = 0;
	struct kipc_mmsg out = {
		.buf = (uintptr_t)&rec, .len = sizeof(rec),
	};
	struct kipc_mmsg_seq in = {
		.m = { .buf = (uintptr_t)&tag, .buf_len = sizeof(tag) },
		.seq = 1,
	};
	struct kipc_xfer x = {
		.size = sizeof(x),
		.flags = KIPC_NONBLOCK | KIPC_SEND_MAILBOX | KIPC_RECV_SEQ,
		.send_msgs = (uintptr_t)&out, .send_count = 1,
		.recv_msgs = (uintptr_t)&in, .recv_count = 1,
		.entry_size = sizeof(in),
	};
	int ledger;

	ledger = ioctl(self->ep, KIPC_IOC_MBOX_CREATE, &c);
	ASSERT_GE(ledger, 0);
	x.dest = c.id;
	ASSERT_EQ(0, send_tag(self->mfd, 90, 0));
	ASSERT_EQ(0, send_tag(self->mfd, 91, 6));
	/* 91 arrived in front of 90; the take is still 90's. */
	ASSERT_EQ(0, ioc(self->mfd, KIPC_IOC_XFER, &x));
	EXPECT_EQ(1, x.sent);
	EXPECT_EQ(1, x.received);
	EXPECT_EQ(90, tag);
	EXPECT_EQ(1, depth(ledger));
	/* Again: the record goes, 90 is gone and 91 stays. */
	EXPECT_EQ(-ENOMSG, ioc(self->mfd, KIPC_IOC_XFER, &x));
	EXPECT_EQ(1, x.sent);
	EXPECT_EQ(0, x.received);
	EXPECT_EQ(2, depth(ledger));
	EXPECT_EQ(1, depth(self->mfd));
	close(ledger);
}

TEST_HARNESS_MAIN
