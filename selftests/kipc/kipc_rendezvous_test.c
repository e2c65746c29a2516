// SPDX-License-Identifier: GPL-2.0
/*
 * Rendezvous queues (max_msgs == 0) and KIPC_SEND_SYNC: a send completes
 * only once a receiver has taken the message; the message is visible
 * while its sender waits but uses no capacity; a send that gives up
 * (timeout, signal) withdraws its message.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

FIXTURE(rdv) {
	struct kt_qpair q;
};

FIXTURE_VARIANT(rdv) {
	bool mailbox;
};

FIXTURE_VARIANT_ADD(rdv, direct) {
	.mailbox = false,
};

FIXTURE_VARIANT_ADD(rdv, mailbox) {
	.mailbox = true,
};

FIXTURE_SETUP(rdv)
{
	ASSERT_EQ(0, kt_qpair_open(&self->q, variant->mailbox, 0, 0600));
}

FIXTURE_TEARDOWN(rdv)
{
	kt_qpair_close(&self->q);
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal++;
}

TEST_F(rdv, reports_zero_capacity)
{
	struct kipc_info info;

	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(0, info.max_msgs);
}

TEST_F(rdv, nonblocking_send_without_receiver)
{
	char buf[8];

	EXPECT_EQ(-EAGAIN, sys_kipc_send(self->q.tx, self->q.dest, "x", 1, 0, KIPC_NONBLOCK, NULL));
	/* Nothing was left behind. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(rdv, send_completes_when_taken)
{
	struct kipc_msg_hdr hdr;
	struct kipc_info info;
	char buf[8];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(sys_kipc_send(self->q.tx, self->q.dest, "meet", 4, 3, 0, NULL));

	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 1, 0));
	/* While its sender waits, the message is queued and visible. */
	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(4, info.bytes);
	EXPECT_EQ(1, info.nr_senders);
	ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), &hdr, KIPC_RECV_PEEK | KIPC_NONBLOCK, NULL));
	/* Peeking is not taking: the sender still waits. */
	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(1, info.nr_senders);

	ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "meet", 4));
	EXPECT_TRUE(hdr.flags & KIPC_MSG_SYNC);
	EXPECT_EQ(3, hdr.priority);
	EXPECT_EQ(pid, hdr.sender_pid);
	EXPECT_EQ(0, kt_wait_exit(pid));
	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.nr_senders);
}

TEST_F(rdv, nonblocking_send_to_a_waiting_receiver)
{
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8];

		KT_CHILD_CHECK(sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, NULL) == 2);
		KT_CHILD_CHECK(memcmp(buf, "hi", 2) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	EXPECT_EQ(0, sys_kipc_send(self->q.tx, self->q.dest, "hi", 2, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(rdv, timed_out_send_is_withdrawn)
{
	struct timespec ts = kt_ms(200);
	struct kipc_info info;
	char buf[8];
	int64_t t0;

	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_send(self->q.tx, self->q.dest, "gone", 4, 0, 0, &ts));
	EXPECT_GE(kt_now_ns() - t0, 190 * 1000000LL);
	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.nr_senders);
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(rdv, interrupted_send_is_withdrawn)
{
	char buf[8];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		KT_CHILD_CHECK(sys_kipc_send(self->q.tx, self->q.dest, "intr", 4, 0, 0, NULL) == -EINTR);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 1, 0));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(rdv, priority_order_among_waiting_senders)
{
	pid_t low, high;
	char c;

	low = fork();
	ASSERT_GE(low, 0);
	if (low == 0)
		kt_child_exit(sys_kipc_send(self->q.tx, self->q.dest, "l", 1, 1, 0, NULL));
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 1, 0));
	high = fork();
	ASSERT_GE(high, 0);
	if (high == 0)
		kt_child_exit(sys_kipc_send(self->q.tx, self->q.dest, "h", 1, 20, 0, NULL));
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 2, 0));

	ASSERT_EQ(1, sys_kipc_recv(self->q.rx, &c, 1, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ('h', c);
	EXPECT_EQ(0, kt_wait_exit(high));
	ASSERT_EQ(1, sys_kipc_recv(self->q.rx, &c, 1, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ('l', c);
	EXPECT_EQ(0, kt_wait_exit(low));
}

/* KIPC_SEND_SYNC on a buffered queue. */
FIXTURE(sync) {
	int ep, mfd;
};

FIXTURE_SETUP(sync)
{
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->mfd = kt_mbox(self->ep, NULL, 2, 0600, NULL);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(sync)
{
	close(self->mfd);
	close(self->ep);
}

TEST_F(sync, waits_until_taken_and_uses_no_capacity)
{
	struct kipc_msg_hdr hdr;
	struct kipc_info info;
	char buf[8];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(sys_kipc_send(self->mfd, 0, "sync", 4, 9, KIPC_SEND_SYNC, NULL));
	ASSERT_EQ(0, kt_wait_blocked(self->mfd, 0, 1, 0));
	ASSERT_EQ(0, kt_wait_depth(self->mfd, 0, 1));

	/* The full capacity of 2 is still available to buffered sends. */
	EXPECT_EQ(0, sys_kipc_send(self->mfd, 0, "b1", 2, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(self->mfd, 0, "b2", 2, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(self->mfd, 0, "b3", 2, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_stat(self->mfd, 0, &info));
	EXPECT_EQ(3, info.depth);

	ASSERT_EQ(4, sys_kipc_recv(self->mfd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "sync", 4));
	EXPECT_TRUE(hdr.flags & KIPC_MSG_SYNC);
	EXPECT_EQ(0, kt_wait_exit(pid));
	ASSERT_EQ(2, sys_kipc_recv(self->mfd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_FALSE(hdr.flags & KIPC_MSG_SYNC);
}

TEST_F(sync, nonblocking_sync_send_without_receiver)
{
	char buf[8];

	EXPECT_EQ(-EAGAIN, sys_kipc_send(self->mfd, 0, "x", 1, 0, KIPC_SEND_SYNC | KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(sync, timed_out_sync_send_is_withdrawn)
{
	struct timespec ts = kt_ms(200);
	char buf[8];
	int64_t t0;

	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_send(self->mfd, 0, "gone", 4, 0, KIPC_SEND_SYNC, &ts));
	EXPECT_GE(kt_now_ns() - t0, 190 * 1000000LL);
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(sync, interrupted_sync_send_is_withdrawn)
{
	char buf[8];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		KT_CHILD_CHECK(sys_kipc_send(self->mfd, 0, "intr", 4, 0, KIPC_SEND_SYNC, NULL) == -EINTR);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->mfd, 0, 1, 0));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(sync, sync_sender_sees_receiver_close)
{
	uint64_t dest;
	pid_t pid;
	int rx;

	rx = sys_kipc_open(0);
	ASSERT_GE(rx, 0);
	dest = kt_ep_id(rx);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(rx);
		kt_child_exit(sys_kipc_send(self->ep, dest, "x", 1, 0, KIPC_SEND_SYNC, NULL));
	}
	ASSERT_EQ(0, kt_wait_blocked(rx, 0, 1, 0));
	close(rx);
	/* "it closed while the sender was blocked on it" */
	EXPECT_EQ(ESRCH, kt_wait_exit(pid));
}

TEST_HARNESS_MAIN
