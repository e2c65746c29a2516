// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints: ids, names, inbox limits and lifetime (an endpoint lives
 * while its /dev/kipc fd or a mailbox fd opened through it is open).
 */
#include "kipc_util.h"

#include <sched.h>

#include "../kselftest_harness.h"

TEST(id_matches_version)
{
	struct kipc_version v;
	uint64_t id = 0;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, sys_kipc_ep_id(fd, &id));
	ASSERT_EQ(0, sys_kipc_version(fd, &v));
	EXPECT_NE(0, id);
	EXPECT_EQ(v.endpoint_id, id);
	close(fd);
}

TEST(ids_are_distinct_and_increasing)
{
	uint64_t ids[16];
	int fds[16];
	int i;

	for (i = 0; i < 16; i++) {
		fds[i] = sys_kipc_open(0);
		ASSERT_GE(fds[i], 0);
		ids[i] = kt_ep_id(fds[i]);
		ASSERT_NE(0, ids[i]);
		if (i)
			EXPECT_GT(ids[i], ids[i - 1]);
	}
	for (i = 0; i < 16; i++)
		close(fds[i]);
}

TEST(mailbox_and_endpoint_ids_share_one_counter)
{
	uint64_t ep1, ep2, mb;
	int fd1, fd2, mfd;

	fd1 = sys_kipc_open(0);
	ASSERT_GE(fd1, 0);
	ep1 = kt_ep_id(fd1);
	mfd = kt_mbox(fd1, NULL, 4, 0600, &mb);
	ASSERT_GE(mfd, 0);
	fd2 = sys_kipc_open(0);
	ASSERT_GE(fd2, 0);
	ep2 = kt_ep_id(fd2);

	EXPECT_GT(mb, ep1);
	EXPECT_GT(ep2, mb);
	close(mfd);
	close(fd2);
	close(fd1);
}

TEST(forked_child_shares_the_endpoint)
{
	uint64_t id = 0;
	pid_t pid;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	id = kt_ep_id(fd);
	ASSERT_NE(0, id);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(kt_ep_id(fd) == id);
		KT_CHILD_CHECK(sys_kipc_send(fd, id, "x", 1, 0, 0, NULL) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_exit(pid));
	/* The child's message landed in the shared inbox. */
	EXPECT_EQ(1, sys_kipc_recv(fd, (char[8]){ 0 }, 8, NULL, KIPC_NONBLOCK, NULL));
	close(fd);
}

TEST(set_name_and_lookup)
{
	char name[KIPC_NAME_MAX];
	uint64_t found = 0;
	int a, b;

	kt_name(name, sizeof(name), "ep");
	a = sys_kipc_open(0);
	b = sys_kipc_open(0);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(0, sys_kipc_ep_set_name(a, name));
	ASSERT_EQ(0, sys_kipc_ep_lookup(b, name, &found));
	EXPECT_EQ(kt_ep_id(a), found);
	close(a);
	close(b);
}

TEST(name_can_be_set_once)
{
	char name[KIPC_NAME_MAX], other[KIPC_NAME_MAX];
	int fd;

	kt_name(name, sizeof(name), "once");
	kt_name(other, sizeof(other), "twice");
	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, sys_kipc_ep_set_name(fd, name));
	EXPECT_EQ(-EBUSY, sys_kipc_ep_set_name(fd, other));
	EXPECT_EQ(-EBUSY, sys_kipc_ep_set_name(fd, name));
	close(fd);
}

TEST(name_in_use_is_eexist)
{
	char name[KIPC_NAME_MAX];
	int a, b;

	kt_name(name, sizeof(name), "dup");
	a = sys_kipc_open(0);
	b = sys_kipc_open(0);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(0, sys_kipc_ep_set_name(a, name));
	EXPECT_EQ(-EEXIST, sys_kipc_ep_set_name(b, name));
	/* b is still unnamed: it can take another name. */
	kt_name(name, sizeof(name), "dup2");
	EXPECT_EQ(0, sys_kipc_ep_set_name(b, name));
	close(a);
	close(b);
}

TEST(empty_name_is_einval)
{
	int fd = sys_kipc_open(0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, sys_kipc_ep_set_name(fd, ""));
	close(fd);
}

TEST(name_length_limit)
{
	char name[KIPC_NAME_MAX + 1];
	int fd = sys_kipc_open(0);

	ASSERT_GE(fd, 0);
	/* KIPC_NAME_MAX bytes with no NUL among them: too long. */
	memset(name, 'n', KIPC_NAME_MAX);
	name[KIPC_NAME_MAX] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, sys_kipc_ep_set_name(fd, name));
	/* KIPC_NAME_MAX - 1 characters plus the NUL fit exactly. */
	snprintf(name, sizeof(name), "%d-", getpid());
	memset(name + strlen(name), 'n', KIPC_NAME_MAX - 1 - strlen(name));
	name[KIPC_NAME_MAX - 1] = '\0';
	EXPECT_EQ(0, sys_kipc_ep_set_name(fd, name));
	close(fd);
}

TEST(name_is_released_on_close)
{
	char name[KIPC_NAME_MAX];
	uint64_t found = 0;
	int a, b;

	kt_name(name, sizeof(name), "gone");
	a = sys_kipc_open(0);
	b = sys_kipc_open(0);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(0, sys_kipc_ep_set_name(a, name));
	close(a);
	EXPECT_EQ(-ESRCH, sys_kipc_ep_lookup(b, name, &found));
	EXPECT_EQ(0, sys_kipc_ep_set_name(b, name));
	ASSERT_EQ(0, sys_kipc_ep_lookup(b, name, &found));
	EXPECT_EQ(kt_ep_id(b), found);
	close(b);
}

TEST(lookup_unknown_name_is_esrch)
{
	char name[KIPC_NAME_MAX];
	uint64_t found = 0;
	int fd = sys_kipc_open(0);

	ASSERT_GE(fd, 0);
	kt_name(name, sizeof(name), "nobody");
	EXPECT_EQ(-ESRCH, sys_kipc_ep_lookup(fd, name, &found));
	close(fd);
}

TEST(send_to_closed_endpoint_is_esrch)
{
	uint64_t gone;
	int a, b;

	a = sys_kipc_open(0);
	b = sys_kipc_open(0);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	gone = kt_ep_id(a);
	ASSERT_EQ(0, sys_kipc_send(b, gone, "hi", 2, 0, KIPC_NONBLOCK, NULL));
	close(a);
	EXPECT_EQ(-ESRCH, sys_kipc_send(b, gone, "hi", 2, 0, KIPC_NONBLOCK, NULL));
	close(b);
}

TEST(mailbox_fd_keeps_endpoint_alive)
{
	struct kipc_msg_hdr hdr;
	struct kipc_info info;
	struct kipc_version v;
	uint64_t ep_id, mb;
	char buf[8];
	int ep, mfd, other, ret;

	ep = sys_kipc_open(0);
	other = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ASSERT_GE(other, 0);
	ep_id = kt_ep_id(ep);
	mfd = sys_kipc_mbox_create(ep, NULL, NULL, &mb);
	ASSERT_GE(mfd, 0);
	close(ep);

	/* The endpoint still exists and the mailbox fd still speaks for it. */
	ASSERT_EQ(0, sys_kipc_stat(other, ep_id, &info));
	EXPECT_EQ(KIPC_TYPE_ENDPOINT, info.type);
	ASSERT_EQ(0, sys_kipc_version(mfd, &v));
	EXPECT_EQ(ep_id, v.endpoint_id);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "m", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(1, sys_kipc_recv(mfd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(ep_id, hdr.sender_id);
	/* Its inbox still takes direct messages. */
	EXPECT_EQ(0, sys_kipc_send(other, ep_id, "d", 1, 0, KIPC_NONBLOCK, NULL));

	ASSERT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	close(mfd);
	/*
	 * By id, a destroyed object has no kind left to tell: the header
	 * allows ESRCH (endpoint) and ENOENT (mailbox) here.
	 */
	ret = sys_kipc_stat(other, ep_id, &info);
	EXPECT_TRUE(ret == -ESRCH || ret == -ENOENT) TH_LOG("stat: %d", ret);
	EXPECT_EQ(-ESRCH, sys_kipc_send(other, ep_id, "d", 1, 0, KIPC_NONBLOCK, NULL));
	close(other);
}

TEST(owned_mailbox_dies_with_its_endpoint)
{
	char name[KIPC_NAME_MAX], buf[8];
	struct kipc_info info;
	int ep, mfd, other, mfd2;
	uint64_t mb;

	kt_name(name, sizeof(name), "owned");
	ep = sys_kipc_open(0);
	other = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ASSERT_GE(other, 0);
	mfd = kt_mbox(ep, name, 4, 0600, &mb);
	ASSERT_GE(mfd, 0);
	mfd2 = sys_kipc_mbox_open(other, name, NULL);
	ASSERT_GE(mfd2, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd2, 0, "q", 1, 0, KIPC_NONBLOCK, NULL));

	ASSERT_EQ(0, sys_kipc_stat(other, mb, &info));
	EXPECT_TRUE(info.flags & KIPC_INFO_OWNED);
	EXPECT_EQ(kt_ep_id(ep), info.creator_ep);

	/* Closing the /dev/kipc fd alone is not enough: mfd holds the endpoint. */
	close(ep);
	EXPECT_EQ(0, sys_kipc_stat(other, mb, &info));
	close(mfd);

	EXPECT_EQ(-ENOENT, sys_kipc_stat(other, mb, &info));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open(other, name, NULL));
	EXPECT_EQ(-EIDRM, sys_kipc_recv(mfd2, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	close(mfd2);
	close(other);
}

TEST(unowned_mailbox_outlives_its_creator)
{
	char name[KIPC_NAME_MAX], buf[8];
	int ep, mfd, other;
	uint64_t mb, id = 0;

	kt_name(name, sizeof(name), "keep");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = sys_kipc_mbox_create(ep, name, NULL, &mb);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "kept", 4, 0, KIPC_NONBLOCK, NULL));
	close(mfd);
	close(ep);

	other = sys_kipc_open(0);
	ASSERT_GE(other, 0);
	mfd = sys_kipc_mbox_open(other, name, &id);
	ASSERT_GE(mfd, 0);
	EXPECT_EQ(mb, id);
	EXPECT_EQ(4, sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "kept", 4));
	EXPECT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	close(mfd);
	close(other);
}

TEST(set_limits_applies_to_inbox)
{
	struct kipc_info info;
	char big[17] = { 0 };
	uint64_t id;
	int rx, tx;

	rx = sys_kipc_open(0);
	tx = sys_kipc_open(0);
	ASSERT_GE(rx, 0);
	ASSERT_GE(tx, 0);
	id = kt_ep_id(rx);
	ASSERT_EQ(0, sys_kipc_ep_set_limits(rx, 2, 0, 16));
	ASSERT_EQ(0, sys_kipc_stat(rx, 0, &info));
	EXPECT_EQ(2, info.max_msgs);
	EXPECT_EQ(16, info.msg_max);

	EXPECT_EQ(-EMSGSIZE, sys_kipc_send(tx, id, big, 17, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(tx, id, big, 16, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(tx, id, big, 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(tx, id, big, 1, 0, KIPC_NONBLOCK, NULL));
	close(rx);
	close(tx);
}

TEST(set_limits_keeps_queued_messages)
{
	char buf[64];
	uint64_t id;
	int rx, tx, i;

	rx = sys_kipc_open(0);
	tx = sys_kipc_open(0);
	ASSERT_GE(rx, 0);
	ASSERT_GE(tx, 0);
	id = kt_ep_id(rx);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, sys_kipc_send(tx, id, buf, 32, 0, KIPC_NONBLOCK, NULL));
	/* Shrink below what is queued: queued messages stay, new ones wait. */
	ASSERT_EQ(0, sys_kipc_ep_set_limits(rx, 1, 0, 8));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(tx, id, buf, 8, 0, KIPC_NONBLOCK, NULL));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(32, sys_kipc_recv(rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(tx, id, buf, 8, 0, KIPC_NONBLOCK, NULL));
	close(rx);
	close(tx);
}

TEST(set_limits_bad_values)
{
	int fd = sys_kipc_open(0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, sys_kipc_ep_set_limits(fd, KIPC_QUEUE_MSGS_MAX + 1, 0, 0));
	EXPECT_EQ(0, sys_kipc_ep_set_limits(fd, KIPC_QUEUE_MSGS_MAX, 0, 0));
	close(fd);
}

TEST(endpoint_ioctls_on_mailbox_fd_are_enotty)
{
	char name[KIPC_NAME_MAX];
	uint64_t id = 0;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, NULL, 4, 0600, NULL);
	ASSERT_GE(mfd, 0);
	kt_name(name, sizeof(name), "notty");
	EXPECT_EQ(-ENOTTY, sys_kipc_ep_set_name(mfd, name));
	EXPECT_EQ(-ENOTTY, sys_kipc_ep_set_limits(mfd, 1, 0, 0));
	EXPECT_EQ(-ENOTTY, sys_kipc_mbox_create(mfd, NULL, NULL, &id));
	EXPECT_EQ(-ENOTTY, sys_kipc_mbox_open_id(mfd, 1));
	close(mfd);
	close(ep);
}

TEST(ipc_namespace_hides_names_and_ids)
{
	char name[KIPC_NAME_MAX], mbname[KIPC_NAME_MAX];
	uint64_t ep_id, mb;
	int ep, mfd, status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "unshare(CLONE_NEWIPC) needs CAP_SYS_ADMIN");
	kt_name(name, sizeof(name), "ns-ep");
	kt_name(mbname, sizeof(mbname), "ns-mb");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ep_id = kt_ep_id(ep);
	ASSERT_EQ(0, sys_kipc_ep_set_name(ep, name));
	mfd = kt_mbox(ep, mbname, 4, 0666, &mb);
	ASSERT_GE(mfd, 0);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kipc_info info[64];
		uint64_t found = 0, cursor = 0;
		int fd, n, i;

		if (unshare(CLONE_NEWIPC))
			_exit(99);
		fd = sys_kipc_open(0);
		KT_CHILD_CHECK(fd >= 0);
		KT_CHILD_CHECK(sys_kipc_ep_lookup(fd, name, &found) < 0);
		KT_CHILD_CHECK(found == 0);
		KT_CHILD_CHECK(sys_kipc_mbox_open(fd, mbname, NULL) == -ENOENT);
		KT_CHILD_CHECK(sys_kipc_mbox_open_id(fd, mb) == -ENOENT);
		KT_CHILD_CHECK(sys_kipc_send(fd, ep_id, "x", 1, 0, KIPC_NONBLOCK, NULL) == -ESRCH);
		KT_CHILD_CHECK(sys_kipc_send(fd, mb, "x", 1, 0,
					 KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL) == -ENOENT);
		while ((n = sys_kipc_list(fd, KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES,
				      &cursor, info, 64)) > 0)
			for (i = 0; i < n; i++)
				KT_CHILD_CHECK(info[i].id != ep_id && info[i].id != mb);
		KT_CHILD_CHECK(n == 0);
		/* The names are free in the new namespace. */
		KT_CHILD_CHECK(sys_kipc_ep_set_name(fd, name) == 0);
		mfd = kt_mbox(fd, mbname, 4, 0600, NULL);
		KT_CHILD_CHECK(mfd >= 0);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 99)
		SKIP(return, "unshare(CLONE_NEWIPC) failed: no IPC namespaces?");
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Ours are untouched. */
	EXPECT_EQ(0, sys_kipc_send(ep, ep_id, "y", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, "y", 1, 0, KIPC_NONBLOCK, NULL));
	close(mfd);
	close(ep);
}

TEST_HARNESS_MAIN
