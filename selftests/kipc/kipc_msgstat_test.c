// SPDX-License-Identifier: GPL-2.0
/*
 * What msgctl(IPC_STAT) needs from a mailbox: the creator's ids beside
 * the owner's, the last sender and receiver and when they came, and the
 * change time (struct kipc_info).
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

static int64_t real_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

TEST(new_mailbox_has_no_sender_and_its_creation_time)
{
	struct kipc_info info;
	int64_t before, after;
	uint64_t id;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	before = real_seconds();
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	after = real_seconds();
	ASSERT_GE(mfd, 0);
	memset(&info, KT_POISON, sizeof(info));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(geteuid(), info.cuid);
	EXPECT_EQ(getegid(), info.cgid);
	EXPECT_EQ(0, info.send_pid);
	EXPECT_EQ(0, info.recv_pid);
	EXPECT_EQ(0, info.send_time);
	EXPECT_EQ(0, info.recv_time);
	EXPECT_GE(info.change_time, before);
	EXPECT_LE(info.change_time, after);
	close(mfd);
	close(ep);
}

TEST(last_sender_and_receiver_are_recorded)
{
	struct kipc_info info;
	int64_t before, after;
	char buf[16];
	pid_t child;
	uint64_t id;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	ASSERT_GE(mfd, 0);

	before = real_seconds();
	child = kt_fork();
	ASSERT_GE(child, 0);
	if (child == 0)
		kt_child_exit(sys_kipc_send(mfd, 0, "hello", 5, 0,
					    KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, kt_wait_exit(child));
	after = real_seconds();
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(child, info.send_pid);
	EXPECT_GE(info.send_time, before);
	EXPECT_LE(info.send_time, after);
	EXPECT_EQ(0, info.recv_pid);
	EXPECT_EQ(0, info.recv_time);

	/* A peek and a receive that fails take nothing: nothing recorded. */
	ASSERT_EQ(5, sys_kipc_recv(mfd, buf, sizeof(buf), NULL,
				   KIPC_NONBLOCK | KIPC_RECV_PEEK, NULL));
	ASSERT_EQ(-EMSGSIZE, sys_kipc_recv(mfd, buf, 2, NULL, KIPC_NONBLOCK,
					   NULL));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(0, info.recv_pid);
	EXPECT_EQ(0, info.recv_time);

	before = real_seconds();
	ASSERT_EQ(5, sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK,
				   NULL));
	after = real_seconds();
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(getpid(), info.recv_pid);
	EXPECT_GE(info.recv_time, before);
	EXPECT_LE(info.recv_time, after);
	EXPECT_EQ(child, info.send_pid);
	close(mfd);
	close(ep);
}

TEST(creator_stays_when_the_owner_changes)
{
	struct kipc_info info;
	uint64_t id;
	int ep, mfd;

	if (geteuid() != 0)
		SKIP(return, "giving a mailbox away needs root");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_mbox_set_owner(mfd, 0, KT_NOBODY, KT_NOBODY));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(KT_NOBODY, info.uid);
	EXPECT_EQ(KT_NOBODY, info.gid);
	EXPECT_EQ(0, info.cuid);
	EXPECT_EQ(0, info.cgid);
	close(mfd);
	close(ep);
}

TEST(mbox_set_moves_the_change_time)
{
	struct kipc_info info;
	int64_t before;
	uint64_t id;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	ASSERT_GE(mfd, 0);
	/* Wait for the next second, so that an unchanged time shows. */
	before = real_seconds();
	while (real_seconds() == before)
		kt_sleep_ms(50);
	before = real_seconds();
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(mfd, 0, 0640));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_GE(info.change_time, before);
	close(mfd);
	close(ep);
}

TEST_HARNESS_MAIN
