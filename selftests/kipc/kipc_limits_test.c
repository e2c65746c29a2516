// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters under /sys/module/kipc/parameters: each test sets
 * one to a small value (as root), checks the error it documents (ENOSPC,
 * EMSGSIZE, ENOBUFS, EDQUOT) or the default it provides, and the fixture
 * restores every parameter afterwards.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

static const char *const params[] = {
	"max_mailboxes", "msg_size_max", "queue_bytes_max", "user_bytes_max",
	"ep_max_msgs", "ep_max_bytes", "user_mailboxes_max", "user_rings_max",
};

FIXTURE(limits) {
	unsigned long saved[KT_ARRAY_SIZE(params)];
	bool have_saved;
	int ep;
};

FIXTURE_SETUP(limits)
{
	unsigned int i;

	self->have_saved = false;
	self->ep = -1;
	if (geteuid() != 0)
		SKIP(return, "module parameters can only be written as root");
	for (i = 0; i < KT_ARRAY_SIZE(params); i++) {
		if (kt_param_get(params[i], &self->saved[i]))
			SKIP(return, "no parameter %s/%s", KT_PARAM_DIR, params[i]);
		if (kt_param_set(params[i], self->saved[i]))
			SKIP(return, "cannot write %s/%s", KT_PARAM_DIR, params[i]);
	}
	self->have_saved = true;
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
}

FIXTURE_TEARDOWN(limits)
{
	unsigned int i;

	if (self->ep >= 0)
		close(self->ep);
	if (!self->have_saved)
		return;
	for (i = 0; i < KT_ARRAY_SIZE(params); i++)
		EXPECT_EQ(0, kt_param_set(params[i], self->saved[i]))
			TH_LOG("could not restore %s", params[i]);
}

/* Mailboxes existing in this IPC namespace now. */
static int count_mailboxes(int fd)
{
	struct kipc_info info[64];
	uint64_t cursor = 0;
	int n, total = 0;

	while ((n = sys_kipc_list(fd, KIPC_LIST_MAILBOXES, &cursor, info, 64)) > 0)
		total += n;
	return n < 0 ? n : total;
}

TEST_F(limits, max_mailboxes_is_enospc)
{
	uint64_t id1;
	int n, a, b, c;

	n = count_mailboxes(self->ep);
	ASSERT_GE(n, 0);
	ASSERT_EQ(0, kt_param_set("max_mailboxes", n + 2));
	a = kt_mbox(self->ep, NULL, 1, 0600, &id1);
	ASSERT_GE(a, 0);
	b = kt_mbox(self->ep, NULL, 1, 0600, NULL);
	ASSERT_GE(b, 0);
	EXPECT_EQ(-ENOSPC, kt_mbox(self->ep, NULL, 1, 0600, NULL));
	/* A deleted mailbox no longer counts. */
	ASSERT_EQ(0, sys_kipc_mbox_delete(a, 0));
	c = kt_mbox(self->ep, NULL, 1, 0600, NULL);
	EXPECT_GE(c, 0);
	close(a);
	close(b);
	if (c >= 0)
		close(c);
}

TEST_F(limits, msg_size_max_is_emsgsize)
{
	struct kt_mbox_attr attr = { .flags = KIPC_MBOX_OWNED, .max_msgs = 4, .mode = 0600 };
	struct kipc_info info;
	int mfd;

	ASSERT_EQ(0, kt_param_set("msg_size_max", 1024));
	attr.msg_max = 1025;
	EXPECT_EQ(-EMSGSIZE, sys_kipc_mbox_create(self->ep, NULL, &attr, NULL));
	EXPECT_EQ(-EMSGSIZE, sys_kipc_ep_set_limits(self->ep, 4, 0, 1025));
	attr.msg_max = 1024;
	mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, NULL);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(1024, info.msg_max);
	EXPECT_EQ(0, sys_kipc_ep_set_limits(self->ep, 4, 0, 1024));
	close(mfd);
}

TEST_F(limits, queue_bytes_max_is_enobufs_and_caps_the_default)
{
	struct kt_mbox_attr attr = { .flags = KIPC_MBOX_OWNED, .max_msgs = 64, .mode = 0600 };
	struct kipc_info info;
	int mfd;

	ASSERT_EQ(0, kt_param_set("queue_bytes_max", 4096));
	attr.max_bytes = 4097;
	EXPECT_EQ(-ENOBUFS, sys_kipc_mbox_create(self->ep, NULL, &attr, NULL));
	EXPECT_EQ(-ENOBUFS, sys_kipc_ep_set_limits(self->ep, 64, 4097, 0));
	/* max_bytes 0: max_msgs * msg_max, capped to queue_bytes_max. */
	attr.max_bytes = 0;
	mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, NULL);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(4096, info.max_bytes);
	close(mfd);
	ASSERT_EQ(0, sys_kipc_ep_set_limits(self->ep, 64, 0, 0));
	ASSERT_EQ(0, sys_kipc_stat(self->ep, 0, &info));
	EXPECT_EQ(4096, info.max_bytes);
}

/* Bytes the caller's user holds now (KIPC_IOC_USAGE). */
static long long held(int fd)
{
	struct kipc_usage u;

	return sys_kipc_usage(fd, &u) ? -1 : (long long)u.bytes;
}

/*
 * A message is charged at its real size: more than its payload (the
 * kernel's header), and exactly what it held is given back when it is
 * received. The quota is set so that exactly three more fit.
 */
TEST_F(limits, user_bytes_max_is_edquot)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 64, .max_bytes = 64 * 100, .mode = 0600,
	};
	char buf[100] = { 0 };
	long long before, fp;
	int mfd, i, ret;

	mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, NULL);
	ASSERT_GE(mfd, 0);
	before = held(self->ep);
	ASSERT_GE(before, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, buf, sizeof(buf), 0, KIPC_NONBLOCK, NULL));
	fp = held(self->ep) - before;
	EXPECT_GT(fp, (long long)sizeof(buf));
	ASSERT_EQ(0, kt_param_set("user_bytes_max", before + 4 * fp + fp / 2));
	for (i = 0; i < 64; i++) {
		ret = sys_kipc_send(mfd, 0, buf, sizeof(buf), 0, KIPC_NONBLOCK, NULL);
		if (ret)
			break;
	}
	EXPECT_EQ(-EDQUOT, ret);
	EXPECT_EQ(3, i);
	EXPECT_EQ(before + 4 * fp, held(self->ep));
	/* Receiving gives the bytes back to the user. */
	ASSERT_EQ(sizeof(buf), sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(before + 3 * fp, held(self->ep));
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, buf, sizeof(buf), 0, KIPC_NONBLOCK, NULL));
	close(mfd);
}

/* Empty messages are not free: they cannot fill a queue past the quota. */
TEST_F(limits, empty_messages_are_charged)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 65536, .mode = 0600,
	};
	long long before;
	int mfd, i, ret;

	mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, NULL);
	ASSERT_GE(mfd, 0);
	before = held(self->ep);
	ASSERT_GE(before, 0);
	ASSERT_EQ(0, kt_param_set("user_bytes_max", before + 64 * 1024));
	for (i = 0; i < 65536; i++) {
		ret = sys_kipc_send(mfd, 0, NULL, 0, 0, KIPC_NONBLOCK, NULL);
		if (ret)
			break;
	}
	EXPECT_EQ(-EDQUOT, ret);
	/* At least the kernel's header each: fewer than 64 KiB / 64. */
	EXPECT_LT(i, 1024);
	EXPECT_GT(i, 0);
	close(mfd);
}

TEST_F(limits, user_bytes_max_applies_to_direct_messages)
{
	char buf[100] = { 0 };
	long long before;
	uint64_t dest;
	int rx, i, ret = 0;

	rx = sys_kipc_open(0);
	ASSERT_GE(rx, 0);
	dest = kt_ep_id(rx);
	ASSERT_EQ(0, sys_kipc_ep_set_limits(rx, 64, 64 * 100, 0));
	before = held(self->ep);
	ASSERT_GE(before, 0);
	ASSERT_EQ(0, kt_param_set("user_bytes_max", before + 1000));
	for (i = 0; i < 64; i++) {
		ret = sys_kipc_send(self->ep, dest, buf, sizeof(buf), 0, KIPC_NONBLOCK, NULL);
		if (ret)
			break;
	}
	EXPECT_EQ(-EDQUOT, ret);
	EXPECT_GE(i, 1);
	EXPECT_LT(i, 10);
	/* Closing the receiver frees the queued bytes, and the quota with them. */
	close(rx);
	EXPECT_EQ(before, held(self->ep));
	rx = sys_kipc_open(0);
	ASSERT_GE(rx, 0);
	EXPECT_EQ(0, sys_kipc_send(self->ep, kt_ep_id(rx), buf, sizeof(buf), 0, KIPC_NONBLOCK, NULL));
	close(rx);
}

/* Mailboxes count against user_mailboxes_max and hold bytes. */
TEST_F(limits, user_mailboxes_max_is_edquot)
{
	struct kipc_usage u0, u1;
	int fds[4], i;

	ASSERT_EQ(0, sys_kipc_usage(self->ep, &u0));
	ASSERT_EQ(0, kt_param_set("user_mailboxes_max", u0.mailboxes + 3));
	for (i = 0; i < 3; i++) {
		fds[i] = kt_mbox(self->ep, NULL, 1, 0600, NULL);
		ASSERT_GE(fds[i], 0);
	}
	EXPECT_EQ(-EDQUOT, kt_mbox(self->ep, NULL, 1, 0600, NULL));
	ASSERT_EQ(0, sys_kipc_usage(self->ep, &u1));
	EXPECT_EQ(u0.mailboxes + 3, u1.mailboxes);
	EXPECT_EQ(u0.mailboxes + 3, u1.mailboxes_max);
	/* A mailbox holds at least its queue's 32 level list heads. */
	EXPECT_GT(u1.bytes, u0.bytes + 3 * 32 * 16);
	for (i = 0; i < 3; i++)
		close(fds[i]);
}

TEST_F(limits, ep_max_msgs_is_the_inbox_default)
{
	struct kipc_info info;
	uint64_t dest;
	int rx, i;

	ASSERT_EQ(0, kt_param_set("ep_max_msgs", 3));
	rx = sys_kipc_open(0);
	ASSERT_GE(rx, 0);
	dest = kt_ep_id(rx);
	ASSERT_EQ(0, sys_kipc_stat(rx, 0, &info));
	EXPECT_EQ(3, info.max_msgs);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, sys_kipc_send(self->ep, dest, "m", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(self->ep, dest, "m", 1, 0, KIPC_NONBLOCK, NULL));
	/* Existing endpoints keep their limits. */
	ASSERT_EQ(0, sys_kipc_stat(self->ep, 0, &info));
	EXPECT_EQ(self->saved[4], info.max_msgs);
	close(rx);
}

TEST_F(limits, ep_max_bytes_is_the_inbox_default)
{
	char buf[64] = { 0 };
	struct kipc_info info;
	uint64_t dest;
	int rx;

	ASSERT_EQ(0, kt_param_set("ep_max_bytes", 100));
	rx = sys_kipc_open(0);
	ASSERT_GE(rx, 0);
	dest = kt_ep_id(rx);
	ASSERT_EQ(0, sys_kipc_stat(rx, 0, &info));
	EXPECT_EQ(100, info.max_bytes);
	ASSERT_EQ(0, sys_kipc_send(self->ep, dest, buf, 60, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(self->ep, dest, buf, 60, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(self->ep, dest, buf, 40, 0, KIPC_NONBLOCK, NULL));
	close(rx);
}

TEST_HARNESS_MAIN
