// SPDX-License-Identifier: GPL-2.0
/*
 * Direct messages, endpoint to endpoint: the kernel-stamped header,
 * priority order, FIFO within a priority, peek, receive-from, inbox
 * capacity, and messages between processes.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

FIXTURE(direct) {
	int rx, tx;
	uint64_t rx_id, tx_id;
};

FIXTURE_SETUP(direct)
{
	self->rx = sys_kipc_open(0);
	ASSERT_GE(self->rx, 0);
	self->tx = sys_kipc_open(0);
	ASSERT_GE(self->tx, 0);
	self->rx_id = kt_ep_id(self->rx);
	self->tx_id = kt_ep_id(self->tx);
	ASSERT_NE(0, self->rx_id);
	ASSERT_NE(0, self->tx_id);
}

FIXTURE_TEARDOWN(direct)
{
	close(self->rx);
	close(self->tx);
}

TEST_F(direct, header_is_stamped_by_the_kernel)
{
	struct kipc_msg_hdr hdr;
	char buf[32];

	memset(&hdr, KT_POISON, sizeof(hdr));
	ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, "hello", 5, 7, 0, NULL));
	ASSERT_EQ(5, sys_kipc_recv(self->rx, buf, sizeof(buf), &hdr, 0, NULL));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(self->tx_id, hdr.sender_id);
	EXPECT_EQ(0, hdr.mailbox_id);
	EXPECT_EQ(0, hdr.token);
	EXPECT_EQ(getpid(), hdr.sender_pid);
	EXPECT_EQ(geteuid(), hdr.sender_uid);
	EXPECT_EQ(getegid(), hdr.sender_gid);
	EXPECT_EQ(7, hdr.priority);
	EXPECT_EQ(5, hdr.len);
	EXPECT_EQ(0, hdr.flags);
	EXPECT_EQ(0, hdr.reply_max);
	EXPECT_EQ(0, hdr.timeout_ms);
}

TEST_F(direct, zero_length_message)
{
	struct kipc_msg_hdr hdr;
	char buf[4];

	ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, NULL, 0, 0, 0, NULL));
	ASSERT_EQ(0, sys_kipc_recv(self->rx, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, hdr.len);
	EXPECT_EQ(self->tx_id, hdr.sender_id);
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(direct, highest_priority_first_fifo_within)
{
	static const struct { unsigned int prio; char tag; } sent[] = {
		{ 0, 'a' }, { 5, 'b' }, { KIPC_PRIO_MAX, 'c' }, { 5, 'd' },
		{ 0, 'e' }, { KIPC_PRIO_MAX, 'f' }, { 1, 'g' },
	};
	static const char order[] = "cfbdgae";
	struct kipc_msg_hdr hdr;
	unsigned int i;
	char c;

	for (i = 0; i < KT_ARRAY_SIZE(sent); i++)
		ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, &sent[i].tag, 1,
				       sent[i].prio, KIPC_NONBLOCK, NULL));
	for (i = 0; i < strlen(order); i++) {
		ASSERT_EQ(1, sys_kipc_recv(self->rx, &c, 1, &hdr, KIPC_NONBLOCK, NULL));
		EXPECT_EQ(order[i], c);
	}
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->rx, &c, 1, NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(direct, fifo_for_many_messages)
{
	uint32_t seq, got;
	int i;

	ASSERT_EQ(0, sys_kipc_ep_set_limits(self->rx, 256, 0, 0));
	for (seq = 0; seq < 200; seq++)
		ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, &seq, sizeof(seq), 3,
				       KIPC_NONBLOCK, NULL));
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(sizeof(got), sys_kipc_recv(self->rx, &got, sizeof(got), NULL,
						 KIPC_NONBLOCK, NULL));
		ASSERT_EQ(i, got);
	}
}

TEST_F(direct, priority_above_max_is_einval)
{
	char c;

	EXPECT_EQ(-EINVAL, sys_kipc_send(self->tx, self->rx_id, "x", 1, KIPC_PRIO_MAX + 1,
				     KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->rx, &c, 1, NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(direct, dest_zero_is_einval)
{
	EXPECT_EQ(-EINVAL, sys_kipc_send(self->tx, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
}

TEST_F(direct, unknown_dest_is_esrch)
{
	EXPECT_EQ(-ESRCH, sys_kipc_send(self->tx, UINT64_MAX, "x", 1, 0, KIPC_NONBLOCK, NULL));
	/* An id from the future names nothing yet. */
	EXPECT_EQ(-ESRCH, sys_kipc_send(self->tx, self->tx_id + 1000000, "x", 1, 0,
				    KIPC_NONBLOCK, NULL));
}

TEST_F(direct, mailbox_id_is_not_an_endpoint)
{
	uint64_t mb;
	int mfd;

	mfd = kt_mbox(self->rx, NULL, 4, 0600, &mb);
	ASSERT_GE(mfd, 0);
	EXPECT_EQ(-ESRCH, sys_kipc_send(self->tx, mb, "x", 1, 0, KIPC_NONBLOCK, NULL));
	close(mfd);
}

TEST_F(direct, send_to_self)
{
	struct kipc_msg_hdr hdr;
	char buf[8];

	ASSERT_EQ(0, sys_kipc_send(self->rx, self->rx_id, "me", 2, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(2, sys_kipc_recv(self->rx, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(self->rx_id, hdr.sender_id);
}

TEST_F(direct, peek_does_not_dequeue)
{
	struct kipc_msg_hdr hdr1, hdr2;
	char buf[8];

	ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, "one", 3, 1, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, "two", 3, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(3, sys_kipc_recv(self->rx, buf, sizeof(buf), &hdr1, KIPC_RECV_PEEK | KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "one", 3));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(3, sys_kipc_recv(self->rx, buf, sizeof(buf), &hdr2, KIPC_RECV_PEEK | KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "one", 3));
	EXPECT_EQ(0, memcmp(&hdr1, &hdr2, sizeof(hdr1)));
	ASSERT_EQ(3, sys_kipc_recv(self->rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "one", 3));
	ASSERT_EQ(3, sys_kipc_recv(self->rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "two", 3));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->rx, buf, sizeof(buf), NULL, KIPC_RECV_PEEK | KIPC_NONBLOCK, NULL));
}

TEST_F(direct, recv_from_filters_by_sender)
{
	struct kipc_msg_hdr hdr;
	char c;
	int third;

	third = sys_kipc_open(0);
	ASSERT_GE(third, 0);
	/* The third endpoint's message has the higher priority. */
	ASSERT_EQ(0, sys_kipc_send(third, self->rx_id, "T", 1, 9, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, "a", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, "b", 1, 2, KIPC_NONBLOCK, NULL));

	/* Among tx's messages, the highest priority first. */
	ASSERT_EQ(1, sys_kipc_recv_from(self->rx, self->tx_id, &c, 1, &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ('b', c);
	EXPECT_EQ(self->tx_id, hdr.sender_id);
	ASSERT_EQ(1, sys_kipc_recv_from(self->rx, self->tx_id, &c, 1, &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ('a', c);
	EXPECT_EQ(-EAGAIN, sys_kipc_recv_from(self->rx, self->tx_id, &c, 1, NULL, KIPC_NONBLOCK, NULL));
	/* The other sender's message is still there. */
	ASSERT_EQ(1, sys_kipc_recv(self->rx, &c, 1, &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ('T', c);
	close(third);
}

TEST_F(direct, inbox_capacity_in_messages)
{
	char c = 'x';

	ASSERT_EQ(0, sys_kipc_ep_set_limits(self->rx, 2, 0, 0));
	EXPECT_EQ(0, sys_kipc_send(self->tx, self->rx_id, &c, 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(self->tx, self->rx_id, &c, 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(self->tx, self->rx_id, &c, 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(1, sys_kipc_recv(self->rx, &c, 1, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(self->tx, self->rx_id, &c, 1, 0, KIPC_NONBLOCK, NULL));
}

TEST_F(direct, inbox_capacity_in_bytes)
{
	char buf[64] = { 0 };

	ASSERT_EQ(0, sys_kipc_ep_set_limits(self->rx, 100, 64, 64));
	EXPECT_EQ(0, sys_kipc_send(self->tx, self->rx_id, buf, 40, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(self->tx, self->rx_id, buf, 40, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(self->tx, self->rx_id, buf, 24, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(40, sys_kipc_recv(self->rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(self->tx, self->rx_id, buf, 40, 0, KIPC_NONBLOCK, NULL));
}

TEST_F(direct, oversized_message_is_emsgsize)
{
	static char big[KIPC_MSG_SIZE_DEFAULT + 1];
	char c;

	/* A fresh endpoint accepts KIPC_MSG_SIZE_DEFAULT bytes. */
	EXPECT_EQ(-EMSGSIZE, sys_kipc_send(self->tx, self->rx_id, big, sizeof(big), 0,
				       KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->rx, &c, 1, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(self->tx, self->rx_id, big, sizeof(big) - 1, 0,
			       KIPC_NONBLOCK, NULL));
}

TEST_F(direct, o_nonblock_on_the_fd)
{
	char c;
	int fd;

	fd = sys_kipc_open(O_NONBLOCK);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(fd, &c, 1, NULL, 0, NULL));
	close(fd);

	ASSERT_EQ(0, fcntl(self->rx, F_SETFL, fcntl(self->rx, F_GETFL) | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->rx, &c, 1, NULL, 0, NULL));
}

TEST_F(direct, message_outlives_its_sender)
{
	struct kipc_msg_hdr hdr;
	char buf[8];
	uint64_t gone;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	gone = kt_ep_id(fd);
	ASSERT_EQ(0, sys_kipc_send(fd, self->rx_id, "bye", 3, 0, KIPC_NONBLOCK, NULL));
	close(fd);
	ASSERT_EQ(3, sys_kipc_recv(self->rx, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(gone, hdr.sender_id);
}

TEST_F(direct, between_processes)
{
	struct kipc_msg_hdr hdr;
	uint64_t *child_id;
	char buf[16];
	pid_t pid;

	child_id = kt_shared(sizeof(*child_id));
	ASSERT_NE(NULL, child_id);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd = sys_kipc_open(0);

		KT_CHILD_CHECK(fd >= 0);
		*child_id = kt_ep_id(fd);
		KT_CHILD_CHECK(sys_kipc_send(fd, self->rx_id, "ping", 4, 0, 0, NULL) == 0);
		/* Wait for the answer on the child's own endpoint. */
		KT_CHILD_CHECK(sys_kipc_recv(fd, buf, sizeof(buf), &hdr, 0, NULL) == 4);
		KT_CHILD_CHECK(memcmp(buf, "pong", 4) == 0);
		KT_CHILD_CHECK(hdr.sender_id == self->rx_id);
		KT_CHILD_CHECK(hdr.sender_pid == getppid());
		_exit(0);
	}
	ASSERT_EQ(4, sys_kipc_recv(self->rx, buf, sizeof(buf), &hdr, 0, NULL));
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	EXPECT_EQ(pid, hdr.sender_pid);
	EXPECT_EQ(*child_id, hdr.sender_id);
	ASSERT_EQ(0, sys_kipc_send(self->rx, hdr.sender_id, "pong", 4, 0, 0, NULL));
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(direct, queued_messages_freed_with_receiver)
{
	char buf[256] = { 0 };
	int i;

	for (i = 0; i < 32; i++)
		ASSERT_EQ(0, sys_kipc_send(self->tx, self->rx_id, buf, sizeof(buf), i % 4,
				       KIPC_NONBLOCK, NULL));
	close(self->rx);
	EXPECT_EQ(-ESRCH, sys_kipc_send(self->tx, self->rx_id, buf, 1, 0, KIPC_NONBLOCK, NULL));
	/* kmemleak, on the debug kernel, checks the 32 messages were freed. */
	self->rx = sys_kipc_open(0);
	ASSERT_GE(self->rx, 0);
}

TEST_HARNESS_MAIN
