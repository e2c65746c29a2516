// SPDX-License-Identifier: GPL-2.0
/*
 * Mailboxes: create/open by name and id, attributes, sending through a
 * mailbox fd or an endpoint fd, many receivers, deletion.
 */
#include <fcntl.h>
#include <sys/resource.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

FIXTURE(mbox) {
	int ep, ep2;
	uint64_t ep_id, ep2_id;
	char name[KIPC_NAME_MAX];
};

FIXTURE_SETUP(mbox)
{
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->ep2 = sys_kipc_open(0);
	ASSERT_GE(self->ep2, 0);
	self->ep_id = kt_ep_id(self->ep);
	self->ep2_id = kt_ep_id(self->ep2);
	kt_name(self->name, sizeof(self->name), "mbox");
}

FIXTURE_TEARDOWN(mbox)
{
	/* Leave no named mailbox behind, whatever the test did. */
	sys_kipc_mbox_delete_name(self->ep, self->name);
	close(self->ep);
	close(self->ep2);
}

TEST_F(mbox, create_and_open_by_name)
{
	uint64_t id = 0, id2 = 0;
	struct kipc_version v;
	int mfd, mfd2;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	EXPECT_NE(0, id);
	EXPECT_TRUE(fcntl(mfd, F_GETFD) & FD_CLOEXEC);

	mfd2 = sys_kipc_mbox_open(self->ep2, self->name, &id2);
	ASSERT_GE(mfd2, 0);
	EXPECT_EQ(id, id2);
	EXPECT_TRUE(fcntl(mfd2, F_GETFD) & FD_CLOEXEC);
	/* A mailbox fd remembers the endpoint it was opened through. */
	ASSERT_EQ(0, sys_kipc_version(mfd2, &v));
	EXPECT_EQ(self->ep2_id, v.endpoint_id);
	ASSERT_EQ(0, sys_kipc_version(mfd, &v));
	EXPECT_EQ(self->ep_id, v.endpoint_id);
	close(mfd2);
	close(mfd);
}

TEST_F(mbox, anonymous_is_opened_by_id)
{
	struct kipc_info info;
	uint64_t id = 0;
	int mfd, mfd2;

	mfd = sys_kipc_mbox_create(self->ep, "", NULL, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_NE(0, id);
	mfd2 = sys_kipc_mbox_open_id(self->ep2, id);
	ASSERT_GE(mfd2, 0);
	ASSERT_EQ(0, sys_kipc_stat(mfd2, 0, &info));
	EXPECT_EQ(id, info.id);
	EXPECT_STREQ("", info.name);
	ASSERT_EQ(0, sys_kipc_send(mfd2, 0, "a", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(1, sys_kipc_recv(mfd, (char[4]){ 0 }, 4, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	close(mfd2);
	close(mfd);
}

TEST_F(mbox, duplicate_name_is_eexist)
{
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, NULL);
	ASSERT_GE(mfd, 0);
	EXPECT_EQ(-EEXIST, sys_kipc_mbox_create(self->ep2, self->name, NULL, NULL));
	close(mfd);
}

TEST_F(mbox, mailbox_and_endpoint_names_are_separate)
{
	uint64_t found;
	int mfd;

	ASSERT_EQ(0, sys_kipc_ep_set_name(self->ep, self->name));
	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, NULL);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_ep_lookup(self->ep2, self->name, &found));
	EXPECT_EQ(self->ep_id, found);
	close(mfd);
}

TEST_F(mbox, open_unknown_is_enoent)
{
	uint64_t id;
	int mfd;

	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open(self->ep, self->name, &id));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open_id(self->ep, UINT64_MAX));
	/* An endpoint id is not a mailbox id. */
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open_id(self->ep, self->ep2_id));

	/* Neither id nor name. */
	mfd = sys_kipc_mbox_open(self->ep, "", &id);
	EXPECT_EQ(-EINVAL, mfd);
}

TEST_F(mbox, default_attributes)
{
	unsigned long qmax;
	struct kipc_info info;
	uint64_t id;
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_stat(self->ep2, id, &info));
	EXPECT_EQ(id, info.id);
	EXPECT_EQ(KIPC_TYPE_MAILBOX, info.type);
	EXPECT_EQ(0, info.flags);
	EXPECT_EQ(self->ep_id, info.creator_ep);
	EXPECT_STREQ(self->name, info.name);
	EXPECT_EQ(geteuid(), info.uid);
	EXPECT_EQ(getegid(), info.gid);
	EXPECT_EQ(0600, info.mode);
	EXPECT_EQ(0, info.pid);
	EXPECT_EQ(KT_MBOX_DEFAULT_MSGS, info.max_msgs);
	EXPECT_EQ(KIPC_MSG_SIZE_DEFAULT, info.msg_max);
	if (kt_param_get("queue_bytes_max", &qmax) == 0) {
		unsigned long want = (unsigned long)KT_MBOX_DEFAULT_MSGS * KIPC_MSG_SIZE_DEFAULT;

		EXPECT_EQ(want < qmax ? want : qmax, info.max_bytes);
	}
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.bytes);
	close(mfd);
}

TEST_F(mbox, explicit_attributes)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 3, .max_bytes = 100,
		.msg_max = 50, .mode = 0640,
	};
	struct kipc_info info;
	char buf[64] = { 0 };
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, &attr, NULL);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(KIPC_INFO_OWNED, info.flags);
	EXPECT_EQ(3, info.max_msgs);
	EXPECT_EQ(100, info.max_bytes);
	EXPECT_EQ(50, info.msg_max);
	EXPECT_EQ(0640, info.mode);

	EXPECT_EQ(-EMSGSIZE, sys_kipc_send(mfd, 0, buf, 51, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, buf, 50, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, buf, 50, 0, KIPC_NONBLOCK, NULL));
	/* 100 bytes queued: the byte limit is reached before the count. */
	EXPECT_EQ(-EAGAIN, sys_kipc_send(mfd, 0, buf, 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(50, sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, buf, 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, buf, 1, 0, KIPC_NONBLOCK, NULL));
	/* Now three messages: the count limit. */
	EXPECT_EQ(-EAGAIN, sys_kipc_send(mfd, 0, buf, 1, 0, KIPC_NONBLOCK, NULL));
	close(mfd);
}

TEST_F(mbox, bad_attributes)
{
	struct kt_mbox_attr attr = { .max_msgs = 4, .mode = 01000 };
	char name[KIPC_NAME_MAX + 1];

	EXPECT_EQ(-EINVAL, sys_kipc_mbox_create(self->ep, self->name, &attr, NULL));
	attr.mode = 0600;
	attr.max_msgs = KIPC_QUEUE_MSGS_MAX + 1;
	EXPECT_EQ(-EINVAL, sys_kipc_mbox_create(self->ep, self->name, &attr, NULL));
	attr.max_msgs = 4;
	attr.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, sys_kipc_mbox_create(self->ep, self->name, &attr, NULL));
	attr.flags = 0;
	memset(name, 'm', KIPC_NAME_MAX);
	name[KIPC_NAME_MAX] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, sys_kipc_mbox_create(self->ep, name, &attr, NULL));
	/* None of the failures left a mailbox behind. */
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open(self->ep, self->name, NULL));
}

TEST_F(mbox, send_through_endpoint_fd)
{
	struct kipc_msg_hdr hdr;
	uint64_t id;
	char buf[8];
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_send(self->ep2, id, "via", 3, 4, KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));
	ASSERT_EQ(3, sys_kipc_recv(mfd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "via", 3));
	EXPECT_EQ(self->ep2_id, hdr.sender_id);
	EXPECT_EQ(id, hdr.mailbox_id);
	EXPECT_EQ(4, hdr.priority);
	EXPECT_EQ(getpid(), hdr.sender_pid);
	/* The mailbox message did not go to an inbox. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->ep, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_send(self->ep2, UINT64_MAX, "x", 1, 0,
				     KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));
	/* An endpoint id is not a mailbox. */
	EXPECT_EQ(-ENOENT, sys_kipc_send(self->ep2, self->ep_id, "x", 1, 0,
				     KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));
	close(mfd);
}

TEST_F(mbox, sender_is_the_endpoint_the_fd_was_opened_through)
{
	struct kipc_msg_hdr hdr;
	uint64_t id;
	char buf[8];
	int mfd, mfd2;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	mfd2 = sys_kipc_mbox_open(self->ep2, self->name, NULL);
	ASSERT_GE(mfd2, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd2, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(1, sys_kipc_recv(mfd, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(self->ep2_id, hdr.sender_id);
	EXPECT_EQ(id, hdr.mailbox_id);
	close(mfd2);
	close(mfd);
}

TEST_F(mbox, mailbox_fd_send_arguments)
{
	uint64_t id;
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	EXPECT_EQ(-EINVAL, sys_kipc_send(mfd, id, "x", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EINVAL, sys_kipc_send(mfd, self->ep2_id, "x", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EINVAL, sys_kipc_send(mfd, 0, "x", 1, 0, KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EINVAL, sys_kipc_send(mfd, 0, "x", 1, KIPC_PRIO_MAX + 1, KIPC_NONBLOCK, NULL));
	close(mfd);
}

TEST_F(mbox, each_message_goes_to_one_receiver)
{
	int mfd, r1, r2, i, n1 = 0, n2 = 0;
	uint32_t seq, last = 0;
	bool first = true;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, NULL);
	ASSERT_GE(mfd, 0);
	r1 = sys_kipc_mbox_open(self->ep2, self->name, NULL);
	ASSERT_GE(r1, 0);
	r2 = sys_kipc_mbox_open(self->ep2, self->name, NULL);
	ASSERT_GE(r2, 0);
	for (seq = 0; seq < 20; seq++)
		ASSERT_EQ(0, sys_kipc_send(mfd, 0, &seq, sizeof(seq), 0, KIPC_NONBLOCK, NULL));
	for (i = 0; i < 40; i++) {
		int fd = (i & 1) ? r2 : r1;
		int ret = sys_kipc_recv(fd, &seq, sizeof(seq), NULL, KIPC_NONBLOCK, NULL);

		if (ret == -EAGAIN)
			break;
		ASSERT_EQ(sizeof(seq), ret);
		if (!first)
			EXPECT_EQ(last + 1, seq);
		first = false;
		last = seq;
		if (fd == r1)
			n1++;
		else
			n2++;
	}
	EXPECT_EQ(20, n1 + n2);
	EXPECT_EQ(10, n1);
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(mfd, &seq, sizeof(seq), NULL, KIPC_NONBLOCK, NULL));
	close(r1);
	close(r2);
	close(mfd);
}

TEST_F(mbox, delete_through_its_fd)
{
	uint64_t id, id2;
	char buf[8];
	int mfd, mfd2, again;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	mfd2 = sys_kipc_mbox_open(self->ep2, self->name, NULL);
	ASSERT_GE(mfd2, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "lost", 4, 0, KIPC_NONBLOCK, NULL));

	ASSERT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	EXPECT_EQ(-EIDRM, sys_kipc_recv(mfd2, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EIDRM, sys_kipc_send(mfd2, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EIDRM, sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EIDRM, sys_kipc_mbox_delete(mfd, 0));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open(self->ep2, self->name, NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open_id(self->ep2, id));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_delete(self->ep2, id));
	EXPECT_EQ(-ENOENT, sys_kipc_send(self->ep2, id, "x", 1, 0, KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));

	/* The name is free again; the id is never reused. */
	again = sys_kipc_mbox_create(self->ep, self->name, NULL, &id2);
	ASSERT_GE(again, 0);
	EXPECT_GT(id2, id);
	/* The new mailbox is empty: the old message went with the old one. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(again, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	close(again);
	close(mfd2);
	close(mfd);
}

TEST_F(mbox, delete_by_name_and_by_id)
{
	uint64_t id;
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_mbox_delete_name(self->ep, self->name));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_delete_name(self->ep, self->name));
	EXPECT_EQ(-EIDRM, sys_kipc_send(mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	close(mfd);

	mfd = sys_kipc_mbox_create(self->ep, NULL, NULL, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_mbox_delete(self->ep, id));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_delete(self->ep, id));
	EXPECT_EQ(-EIDRM, sys_kipc_send(mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	close(mfd);
}

TEST_F(mbox, delete_wakes_blocked_receiver)
{
	uint64_t id;
	pid_t pid;
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8];

		kt_child_exit(sys_kipc_recv(mfd, buf, sizeof(buf), NULL, 0, NULL));
	}
	ASSERT_EQ(0, kt_wait_blocked(mfd, 0, 0, 1));
	ASSERT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	EXPECT_EQ(EIDRM, kt_wait_exit(pid));
	close(mfd);
}

TEST_F(mbox, delete_wakes_blocked_sender)
{
	struct kt_mbox_attr attr = { .max_msgs = 1, .mode = 0600 };
	uint64_t id;
	pid_t pid;
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, &attr, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "full", 4, 0, KIPC_NONBLOCK, NULL));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(sys_kipc_send(mfd, 0, "wait", 4, 0, 0, NULL));
	ASSERT_EQ(0, kt_wait_blocked(mfd, 0, 1, 0));
	ASSERT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	EXPECT_EQ(EIDRM, kt_wait_exit(pid));
	close(mfd);
}

TEST_F(mbox, set_mode)
{
	struct kipc_info info;
	uint64_t id;
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(mfd, 0, 0666));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(0666, info.mode);
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->ep, id, 0640));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(0640, info.mode);
	EXPECT_EQ(-EINVAL, sys_kipc_mbox_set_mode(mfd, 0, 01777));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_set_mode(self->ep, UINT64_MAX, 0600));
	ASSERT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	EXPECT_EQ(-EIDRM, sys_kipc_mbox_set_mode(mfd, 0, 0600));
	close(mfd);
}

TEST_F(mbox, mailbox_fd_cannot_create_or_open)
{
	int mfd;

	mfd = sys_kipc_mbox_create(self->ep, self->name, NULL, NULL);
	ASSERT_GE(mfd, 0);
	EXPECT_EQ(-ENOTTY, sys_kipc_mbox_create(mfd, NULL, NULL, NULL));
	EXPECT_EQ(-ENOTTY, sys_kipc_mbox_open(mfd, self->name, NULL));
	close(mfd);
}

/*
 * No fd left for the new mailbox: create fails with EMFILE and leaves no
 * mailbox behind (the name is free, nothing is listed).
 */
TEST_F(mbox, create_without_a_free_fd_leaves_nothing)
{
	struct rlimit old, low;
	struct kipc_info info;
	int fd;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	low = old;
	low.rlim_cur = 0;
	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			low.rlim_cur = fd + 1;	/* highest open fd + 1 */
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	fd = kt_mbox(self->ep, "no-fd-left", 4, 0600, NULL);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(-EMFILE, fd);
	EXPECT_EQ(-ENOENT, sys_kipc_stat_name(self->ep, KIPC_TYPE_MAILBOX,
					  "no-fd-left", &info));
	fd = kt_mbox(self->ep, "no-fd-left", 4, 0600, NULL);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, sys_kipc_mbox_delete(fd, 0));
	close(fd);
}

TEST_HARNESS_MAIN
