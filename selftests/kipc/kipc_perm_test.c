// SPDX-License-Identifier: GPL-2.0
/*
 * Mailbox permissions, SysV style (w = may send, r = may receive): root
 * creates a mailbox, a child drops to uid/gid 65534 and tries to open,
 * send, receive, delete and change it. Owner changes, and what the
 * unprivileged sender's messages carry.
 */
#include <grp.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

#define NOBODY	65534

FIXTURE(perm) {
	int ep, mfd;
	uint64_t id;
	char name[KIPC_NAME_MAX];
};

FIXTURE_SETUP(perm)
{
	struct kt_mbox_attr attr = { .max_msgs = 8, .mode = 0600 };

	self->ep = self->mfd = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root to create a mailbox another uid cannot use");
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	kt_name(self->name, sizeof(self->name), "perm");
	self->mfd = sys_kipc_mbox_create(self->ep, self->name, &attr, &self->id);
	ASSERT_GE(self->mfd, 0);
	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "root", 4, 0, KIPC_NONBLOCK, NULL));
}

FIXTURE_TEARDOWN(perm)
{
	if (self->mfd >= 0) {
		sys_kipc_mbox_delete(self->ep, self->id);
		close(self->mfd);
	}
	if (self->ep >= 0)
		close(self->ep);
}

/* In a child: become nobody. */
static void drop_privileges(void)
{
	KT_CHILD_CHECK(setgroups(0, NULL) == 0);
	KT_CHILD_CHECK(setgid(NOBODY) == 0);
	KT_CHILD_CHECK(setuid(NOBODY) == 0);
	KT_CHILD_CHECK(geteuid() == NOBODY);
}

enum op { OP_OPEN, OP_SEND_BY_ID, OP_SEND_FD, OP_RECV, OP_DELETE, OP_SET_MODE, OP_SET_OWNER, OP_STAT };

/*
 * Fork a child that drops to nobody, opens its own endpoint and does @op
 * on the mailbox. Returns the operation's -errno (0 on success) as seen by
 * the parent, or -1000 - exit status if the child itself failed.
 */
static int as_nobody(FIXTURE_DATA(perm) *self, enum op op)
{
	int status, ret = 0;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1000;
	if (pid == 0) {
		struct kipc_info info;
		char buf[16];
		int ep, mfd;

		close(self->mfd);
		close(self->ep);
		drop_privileges();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		switch (op) {
		case OP_OPEN:
			ret = sys_kipc_mbox_open(ep, self->name, NULL);
			break;
		case OP_SEND_BY_ID:
			ret = sys_kipc_send(ep, self->id, "x", 1, 0,
					KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL);
			break;
		case OP_STAT:
			ret = sys_kipc_stat(ep, self->id, &info);
			break;
		case OP_DELETE:
			ret = sys_kipc_mbox_delete(ep, self->id);
			break;
		case OP_SET_MODE:
			ret = sys_kipc_mbox_set_mode(ep, self->id, 0666);
			break;
		case OP_SET_OWNER:
			ret = sys_kipc_mbox_set_owner(ep, self->id, NOBODY, NOBODY);
			break;
		case OP_SEND_FD:
		case OP_RECV:
			mfd = sys_kipc_mbox_open(ep, self->name, NULL);
			KT_CHILD_CHECK(mfd >= 0);
			if (op == OP_SEND_FD)
				ret = sys_kipc_send(mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL);
			else
				ret = sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL);
			break;
		}
		/* 0 = success (fds and lengths count as success), else errno. */
		kt_child_exit(ret > 0 ? 0 : ret);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1000;
	if (WEXITSTATUS(status) == 1)	/* KT_CHILD_CHECK failed */
		return -1001;
	return -WEXITSTATUS(status);
}

TEST_F(perm, mode_0600_shuts_others_out)
{
	EXPECT_EQ(-EACCES, as_nobody(self, OP_OPEN));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_SEND_BY_ID));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_DELETE));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_SET_MODE));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_SET_OWNER));
	/* Nothing the child tried changed the mailbox. */
	EXPECT_EQ(4, sys_kipc_recv(self->mfd, (char[8]){ 0 }, 8, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mfd, (char[8]){ 0 }, 8, NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(perm, write_only_for_others)
{
	char buf[8];

	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0602));
	EXPECT_EQ(0, as_nobody(self, OP_OPEN));
	EXPECT_EQ(0, as_nobody(self, OP_SEND_FD));
	EXPECT_EQ(0, as_nobody(self, OP_SEND_BY_ID));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_RECV));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_DELETE));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_SET_MODE));
	/* root's message and the two from nobody. */
	EXPECT_EQ(4, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(1, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(1, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(perm, read_only_for_others)
{
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0604));
	EXPECT_EQ(0, as_nobody(self, OP_OPEN));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_SEND_FD));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_SEND_BY_ID));
	EXPECT_EQ(0, as_nobody(self, OP_RECV));
	/* nobody took root's message. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mfd, (char[8]){ 0 }, 8, NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(perm, group_bits)
{
	ASSERT_EQ(0, sys_kipc_mbox_set_owner(self->mfd, 0, 0, NOBODY));
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0620));
	EXPECT_EQ(0, as_nobody(self, OP_SEND_BY_ID));
	EXPECT_EQ(-EACCES, as_nobody(self, OP_RECV));
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0602));
	/* Group bits apply to the group; the "other" bits do not. */
	EXPECT_EQ(-EACCES, as_nobody(self, OP_SEND_BY_ID));
}

TEST_F(perm, new_owner_may_delete_and_set)
{
	struct kipc_info info;

	ASSERT_EQ(0, sys_kipc_mbox_set_owner(self->mfd, 0, NOBODY, NOBODY));
	ASSERT_EQ(0, sys_kipc_stat(self->mfd, 0, &info));
	EXPECT_EQ(NOBODY, info.uid);
	EXPECT_EQ(NOBODY, info.gid);
	EXPECT_EQ(0, as_nobody(self, OP_SET_MODE));
	ASSERT_EQ(0, sys_kipc_stat(self->mfd, 0, &info));
	EXPECT_EQ(0666, info.mode);
	EXPECT_EQ(0, as_nobody(self, OP_DELETE));
	EXPECT_EQ(-EIDRM, sys_kipc_send(self->mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
}

TEST_F(perm, stat_needs_no_permission)
{
	/* Introspection is like ipcs: it shows the mailbox, not its messages. */
	EXPECT_EQ(0, as_nobody(self, OP_STAT));
}

TEST_F(perm, root_overrides_a_users_mailbox)
{
	struct kipc_info info;
	uint64_t *id;
	pid_t pid;

	id = kt_shared(sizeof(*id));
	ASSERT_NE(NULL, id);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kt_mbox_attr attr = { .max_msgs = 4, .mode = 0600 };
		int ep, mfd;

		drop_privileges();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		mfd = sys_kipc_mbox_create(ep, NULL, &attr, id);
		KT_CHILD_CHECK(mfd >= 0);
		KT_CHILD_CHECK(sys_kipc_send(mfd, 0, "mine", 4, 0, KIPC_NONBLOCK, NULL) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_exit(pid));
	ASSERT_EQ(0, sys_kipc_stat(self->ep, *id, &info));
	EXPECT_EQ(NOBODY, info.uid);
	EXPECT_EQ(NOBODY, info.gid);
	EXPECT_EQ(0600, info.mode);
	/* CAP_IPC_OWNER: root may change and delete it. */
	EXPECT_EQ(0, sys_kipc_mbox_set_mode(self->ep, *id, 0640));
	EXPECT_EQ(0, sys_kipc_mbox_delete(self->ep, *id));
}

TEST_F(perm, messages_carry_the_senders_credentials)
{
	struct kipc_msg_hdr hdr;
	char buf[8];
	pid_t pid;

	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0622));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ep;

		drop_privileges();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		kt_child_exit(sys_kipc_send(ep, self->id, "nb", 2, 0,
					KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));
	}
	ASSERT_EQ(0, kt_wait_exit(pid));
	ASSERT_EQ(4, sys_kipc_recv(self->mfd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, hdr.sender_uid);
	ASSERT_EQ(2, sys_kipc_recv(self->mfd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(NOBODY, hdr.sender_uid);
	EXPECT_EQ(NOBODY, hdr.sender_gid);
	EXPECT_EQ(pid, hdr.sender_pid);
}

TEST_F(perm, direct_messages_need_no_permission)
{
	uint64_t dest = kt_ep_id(self->ep);
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ep;

		drop_privileges();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		kt_child_exit(sys_kipc_send(ep, dest, "hi", 2, 0, KIPC_NONBLOCK, NULL));
	}
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(2, sys_kipc_recv(self->ep, (char[8]){ 0 }, 8, NULL, KIPC_NONBLOCK, NULL));
}

TEST_HARNESS_MAIN
