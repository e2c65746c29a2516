// SPDX-License-Identifier: GPL-2.0
/*
 * KIPC_MBOX_DELETE_UNLINK: the name goes at once, the mailbox stays for
 * whoever has it open (messages, blocked waiters and all) and is freed,
 * with its quota charge, when the last fd is closed.
 *
 * Raw ioctls only: the wrappers below are all the test needs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

static inline int ep_open(void)
{
	return open("/dev/kipc", O_RDWR | O_CLOEXEC);
}

/* A unique name per test process: tests may run concurrently. */
static inline void mk_name(char *buf, const char *tag)
{
	snprintf(buf, KIPC_NAME_MAX, "unlink-%s-%d", tag, getpid());
}

static inline int mbox_create(int ep, const char *name, uint64_t *id)
{
	struct kipc_mbox_create c = {
		.size = sizeof(c), .max_msgs = 8, .mode = 0600,
	};
	int fd;

	strncpy(c.name, name, sizeof(c.name) - 1);
	fd = ioctl(ep, KIPC_IOC_MBOX_CREATE, &c);
	if (fd < 0)
		return -errno;
	if (id)
		*id = c.id;
	return fd;
}

static inline int mbox_open(int ep, const char *name, uint64_t id)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .id = id };
	int fd;

	if (name)
		strncpy(r.name, name, sizeof(r.name) - 1);
	fd = ioctl(ep, KIPC_IOC_MBOX_OPEN, &r);
	return fd < 0 ? -errno : fd;
}

static inline int mbox_delete(int fd, const char *name, uint32_t flags)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .flags = flags };

	if (name)
		strncpy(r.name, name, sizeof(r.name) - 1);
	return ioc(fd, KIPC_IOC_MBOX_DELETE, &r);
}

static inline int msg_send(int fd, const void *buf, uint32_t len,
			   uint32_t flags)
{
	struct kipc_send s = {
		.size = sizeof(s), .flags = flags,
		.buf = (uintptr_t)buf, .len = len,
	};

	return ioc(fd, KIPC_IOC_SEND, &s);
}

static inline int msg_recv(int fd, void *buf, uint32_t len, uint32_t flags)
{
	struct kipc_recv r = {
		.size = sizeof(r), .flags = flags,
		.buf = (uintptr_t)buf, .buf_len = len,
	};
	int ret = ioc(fd, KIPC_IOC_RECV, &r);

	return ret ? ret : (int)r.len;
}

static inline int self_stat(int fd, struct kipc_info *info)
{
	struct kipc_stat st = { .size = sizeof(st) };
	int ret = ioc(fd, KIPC_IOC_STAT, &st);

	*info = st.info;
	return ret;
}

static inline int usage(int fd, struct kipc_usage *u)
{
	memset(u, 0, sizeof(*u));
	u->size = sizeof(*u);
	return ioc(fd, KIPC_IOC_USAGE, u);
}

FIXTURE(unlink) {
	int ep;
	char name[KIPC_NAME_MAX];
};

FIXTURE_SETUP(unlink)
{
	self->ep = ep_open();
	if (self->ep < 0)
		SKIP(return, "/dev/kipc: %s", strerror(errno));
	mk_name(self->name, _metadata->name);
}

FIXTURE_TEARDOWN(unlink)
{
	close(self->ep);
}

/* The name is free at once; the old fd still carries its messages. */
TEST_F(unlink, name_goes_queue_stays)
{
	char buf[16];
	uint64_t old_id, new_id;
	struct kipc_info info;
	int old, neu, again;
	struct pollfd p = { .events = POLLIN | POLLOUT };

	old = mbox_create(self->ep, self->name, &old_id);
	ASSERT_GE(old, 0);
	p.fd = old;
	ASSERT_EQ(0, msg_send(old, "before", 6, 0));

	ASSERT_EQ(0, mbox_delete(self->ep, self->name, KIPC_MBOX_DELETE_UNLINK));
	EXPECT_EQ(-ENOENT, mbox_open(self->ep, self->name, 0));
	EXPECT_EQ(-ENOENT, mbox_open(self->ep, NULL, old_id));
	EXPECT_EQ(-ENOENT, mbox_delete(self->ep, self->name,
				       KIPC_MBOX_DELETE_UNLINK));

	neu = mbox_create(self->ep, self->name, &new_id);
	ASSERT_GE(neu, 0);
	EXPECT_NE(old_id, new_id);
	again = mbox_open(self->ep, self->name, 0);
	ASSERT_GE(again, 0);

	/* The old queue works as before, and is not the new one. */
	ASSERT_EQ(0, msg_send(old, "after", 5, 0));
	ASSERT_EQ(6, msg_recv(old, buf, sizeof(buf), KIPC_NONBLOCK));
	EXPECT_EQ(0, memcmp(buf, "before", 6));
	ASSERT_EQ(5, msg_recv(old, buf, sizeof(buf), KIPC_NONBLOCK));
	EXPECT_EQ(-EAGAIN, msg_recv(again, buf, sizeof(buf), KIPC_NONBLOCK));

	ASSERT_EQ(0, self_stat(old, &info));
	EXPECT_EQ(old_id, info.id);
	EXPECT_TRUE(info.flags & KIPC_INFO_UNLINKED);
	ASSERT_EQ(0, self_stat(neu, &info));
	EXPECT_FALSE(info.flags & KIPC_INFO_UNLINKED);

	/* Once unlinked it cannot be killed, and its poll is not HUP. */
	EXPECT_EQ(-EIDRM, mbox_delete(old, NULL, 0));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);

	close(old);
	close(again);
	EXPECT_EQ(0, mbox_delete(self->ep, self->name, 0));
	close(neu);
}

/* A receiver blocked in the unlinked mailbox still gets its message. */
TEST_F(unlink, blocked_receiver_keeps_waiting)
{
	char buf[8];
	int fd, status;
	pid_t pid;

	fd = mbox_create(self->ep, self->name, NULL);
	ASSERT_GE(fd, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kipc_recv r = {
			.size = sizeof(r), .flags = KIPC_TIMEOUT,
			.buf = (uintptr_t)buf, .buf_len = sizeof(buf),
			.timeout = { .tv_sec = 20 },
		};

		_exit(ioctl(fd, KIPC_IOC_RECV, &r) == 0 && r.len == 3 ? 0 : 1);
	}
	/* Whether or not the child is asleep yet, it must get the message. */
	ASSERT_EQ(0, mbox_delete(self->ep, self->name, KIPC_MBOX_DELETE_UNLINK));
	ASSERT_EQ(0, msg_send(fd, "abc", 3, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
}

/*
 * The quota charge stays until the last fd goes, then all of it goes:
 * the mailbox and the messages left in it.
 */
TEST_F(unlink, charge_until_last_close)
{
	struct kipc_usage before, held, after;
	int fd, dup_fd;

	ASSERT_EQ(0, usage(self->ep, &before));
	fd = mbox_create(self->ep, self->name, NULL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, msg_send(fd, "payload", 7, 0));
	ASSERT_EQ(0, msg_send(fd, "payload", 7, 0));
	ASSERT_EQ(0, usage(self->ep, &held));
	EXPECT_EQ(before.mailboxes + 1, held.mailboxes);
	EXPECT_GT(held.bytes, before.bytes);

	dup_fd = dup(fd);
	ASSERT_GE(dup_fd, 0);
	ASSERT_EQ(0, mbox_delete(self->ep, self->name, KIPC_MBOX_DELETE_UNLINK));
	close(fd);
	ASSERT_EQ(0, usage(self->ep, &after));
	EXPECT_EQ(held.mailboxes, after.mailboxes);
	EXPECT_EQ(held.bytes, after.bytes);

	close(dup_fd);
	ASSERT_EQ(0, usage(self->ep, &after));
	EXPECT_EQ(before.mailboxes, after.mailboxes);
	EXPECT_EQ(before.bytes, after.bytes);
}

/* Only the owner, creator or CAP_SYS_ADMIN may unlink; bad flags fail. */
TEST_F(unlink, permission_and_flags)
{
	int fd, status;
	pid_t pid;

	fd = mbox_create(self->ep, self->name, NULL);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, mbox_delete(self->ep, self->name, 1U << 7));
	if (geteuid() == 0) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			int ep;

			if (setresgid(65534, 65534, 65534) ||
			    setresuid(65534, 65534, 65534))
				_exit(2);
			ep = ep_open();
			if (ep < 0)
				_exit(3);
			_exit(mbox_delete(ep, self->name,
					  KIPC_MBOX_DELETE_UNLINK) == -EACCES ?
			      0 : 1);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	EXPECT_EQ(0, mbox_delete(self->ep, self->name, KIPC_MBOX_DELETE_UNLINK));
	close(fd);
}

TEST_HARNESS_MAIN
