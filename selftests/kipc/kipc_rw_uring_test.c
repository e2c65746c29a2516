// SPDX-License-Identifier: GPL-2.0
/*
 * The iov_iter entry points of mailbox and endpoint fds: readv(2) and
 * writev(2) move one message over several vectors; RWF_NOWAIT never
 * waits; io_uring's READ and WRITE wait without a thread (io_uring polls
 * the fd rather than handing the request to an io-wq worker); and
 * READ_MULTISHOT with provided buffers completes once per message, in
 * order, each message in a buffer of its own.
 */
#include <sys/uio.h>

#include "kipc_uring_util.h"

#include "../kselftest_harness.h"

#ifndef IORING_OP_READ_MULTISHOT
#define IORING_OP_READ_MULTISHOT	49	/* Linux 6.7 */
#endif
#ifndef RWF_NOWAIT
#define RWF_NOWAIT			0x00000008
#endif

#define CAP	4	/* the mailbox's capacity in messages */
#define BUFSZ	64
#define NBUF	8
#define BGID	7
#define MSHOT	1000	/* user_data of the multishot read */

FIXTURE(rwu) {
	struct kt_uring ring;
	int ep, mfd;
	uint64_t ep_id;
	char bufs[NBUF][BUFSZ];
};

FIXTURE_SETUP(rwu)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = CAP, .msg_max = BUFSZ,
		.mode = 0600,
	};

	self->mfd = -1;
	self->ep = sys_kipc_open(0);
	if (self->ep < 0)
		SKIP(return, "/dev/kipc: %s", strerror(-self->ep));
	self->ep_id = kt_ep_id(self->ep);
	self->mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, NULL);
	ASSERT_GE(self->mfd, 0);
	KT_URING_INIT(&self->ring, 16);
}

FIXTURE_TEARDOWN(rwu)
{
	if (self->mfd >= 0) {
		kt_uring_exit(&self->ring);
		close(self->mfd);
	}
	close(self->ep);
}

TEST_F(rwu, writev_gathers_readv_scatters)
{
	char a[] = "ab", b[] = "cd", c[] = "ef", x[4] = "", y[4] = "";
	struct iovec out[3] = {
		{ a, 2 }, { b, 2 }, { c, 2 },
	};
	struct iovec in[2] = { { x, 3 }, { y, 3 } };

	ASSERT_EQ(6, writev(self->mfd, out, 3));
	EXPECT_EQ(1, kt_depth(self->mfd));
	ASSERT_EQ(6, readv(self->mfd, in, 2));
	EXPECT_STREQ("abc", x);
	EXPECT_STREQ("def", y);
	EXPECT_EQ(0, kt_depth(self->mfd));
}

TEST_F(rwu, readv_too_small_leaves_the_message)
{
	char x[2], y[2], buf[8];
	struct iovec in[2] = { { x, 2 }, { y, 2 } };

	ASSERT_EQ(6, write(self->mfd, "hello", 6));
	EXPECT_EQ(-1, readv(self->mfd, in, 2));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(1, kt_depth(self->mfd));
	ASSERT_EQ(6, read(self->mfd, buf, sizeof(buf)));
	EXPECT_STREQ("hello", buf);
}

/* RWF_NOWAIT on a blocking fd: -EAGAIN rather than a wait. */
TEST_F(rwu, rwf_nowait_never_waits)
{
	char buf[8] = "x";
	struct iovec v = { buf, sizeof(buf) };
	int i;

	EXPECT_EQ(-1, preadv2(self->mfd, &v, 1, -1, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	for (i = 0; i < CAP; i++)
		ASSERT_EQ(1, write(self->mfd, buf, 1));
	v.iov_len = 1;
	EXPECT_EQ(-1, pwritev2(self->mfd, &v, 1, -1, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(CAP, kt_depth(self->mfd));
}

/*
 * A READ on an empty mailbox is pending with no io-wq worker behind it,
 * and completes with the message written next.
 */
TEST_F(rwu, uring_read_waits_without_a_thread)
{
	char buf[BUFSZ] = "";
	int threads = kt_count_threads();

	ASSERT_GT(threads, 0);
	kt_uring_prep_read(kt_uring_get_sqe(&self->ring), self->mfd, buf,
			   sizeof(buf), (uint64_t)-1);
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	usleep(50000);
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	EXPECT_EQ(threads, kt_count_threads());
	ASSERT_EQ(6, write(self->mfd, "hello", 6));
	EXPECT_EQ(6, kt_uring_reap(&self->ring, NULL));
	EXPECT_STREQ("hello", buf);
	EXPECT_EQ(0, kt_depth(self->mfd));
}

/* A READ whose buffer is too small fails and leaves the message. */
TEST_F(rwu, uring_read_too_small)
{
	char buf[2];

	ASSERT_EQ(6, write(self->mfd, "hello", 6));
	kt_uring_prep_read(kt_uring_get_sqe(&self->ring), self->mfd, buf,
			   sizeof(buf), (uint64_t)-1);
	EXPECT_EQ(-EMSGSIZE, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(1, kt_depth(self->mfd));
}

/* A WRITE to a full mailbox waits without a thread for room. */
TEST_F(rwu, uring_write_waits_for_room)
{
	char buf[BUFSZ];
	int threads = kt_count_threads(), i;

	for (i = 0; i < CAP; i++) {
		buf[0] = '0' + i;
		ASSERT_EQ(1, write(self->mfd, buf, 1));
	}
	kt_uring_prep_rw(kt_uring_get_sqe(&self->ring), IORING_OP_WRITE,
			 self->mfd, "w", 1, (uint64_t)-1);
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	usleep(50000);
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	EXPECT_EQ(threads, kt_count_threads());
	ASSERT_EQ(1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ('0', buf[0]);
	EXPECT_EQ(1, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(CAP, kt_depth(self->mfd));
	for (i = 1; i <= CAP; i++) {
		ASSERT_EQ(1, read(self->mfd, buf, sizeof(buf)));
		EXPECT_EQ(i < CAP ? '0' + i : 'w', buf[0]);
	}
}

/* The endpoint's inbox reads through io_uring too. */
TEST_F(rwu, uring_read_of_an_inbox)
{
	char buf[BUFSZ] = "";

	kt_uring_prep_read(kt_uring_get_sqe(&self->ring), self->ep, buf,
			   sizeof(buf), (uint64_t)-1);
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	ASSERT_EQ(0, sys_kipc_send(self->ep, self->ep_id, "inbox", 6, 0, 0,
				   NULL));
	EXPECT_EQ(6, kt_uring_reap(&self->ring, NULL));
	EXPECT_STREQ("inbox", buf);
}

/*
 * One READ_MULTISHOT with provided buffers: a completion per message, in
 * order, each in its own buffer, the request still armed after each.
 */
TEST_F(rwu, multishot_read_one_completion_per_message)
{
	struct io_uring_sqe *sqe;
	unsigned int flags, bid;
	char msg[16];
	int i, ret;

	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_rw(sqe, IORING_OP_PROVIDE_BUFFERS, NBUF, self->bufs,
			 BUFSZ, 0);
	sqe->buf_group = BGID;
	ASSERT_LE(0, kt_uring_reap(&self->ring, NULL));

	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_rw(sqe, IORING_OP_READ_MULTISHOT, self->mfd, NULL, 0,
			 (uint64_t)-1);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	kt_uring_sqe_set_data64(sqe, MSHOT);
	kt_uring_submit(&self->ring);
	if (!kt_uring_idle(&self->ring)) {
		ret = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL, &flags);
		if (ret == -EINVAL)
			SKIP(return, "no IORING_OP_READ_MULTISHOT (Linux 6.7+)");
		ASSERT_EQ(0, ret) TH_LOG("the multishot read ended at once");
	}
	for (i = 0; i < CAP; i++) {
		snprintf(msg, sizeof(msg), "message %d", i);
		ASSERT_EQ(strlen(msg) + 1, write(self->mfd, msg, strlen(msg) + 1));
	}
	for (i = 0; i < CAP; i++) {
		snprintf(msg, sizeof(msg), "message %d", i);
		ret = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL, &flags);
		ASSERT_EQ(strlen(msg) + 1, ret);
		EXPECT_TRUE(flags & IORING_CQE_F_MORE);
		ASSERT_TRUE(flags & IORING_CQE_F_BUFFER);
		bid = flags >> IORING_CQE_BUFFER_SHIFT;
		ASSERT_LT(bid, NBUF);
		EXPECT_STREQ(msg, self->bufs[bid]);
	}
	EXPECT_EQ(0, kt_depth(self->mfd));
	EXPECT_TRUE(kt_uring_idle(&self->ring));
}

TEST_HARNESS_MAIN
