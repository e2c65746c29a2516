// SPDX-License-Identifier: GPL-2.0
/*
 * KIPC_NORESTART: a blocked SEND or RECV interrupted by a handler fails
 * with EINTR even under SA_RESTART (as SysV msgsnd()/msgrcv()); without
 * it the same call is restarted and completes.
 *
 * Raw ioctls only: the wrappers below are all the test needs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kipc.h>

#include "../kselftest_harness.h"

static void on_usr1(int sig)
{
	(void)sig;
}

static int nr_blocked(int fd, bool senders)
{
	struct kipc_stat st = { .size = sizeof(st) };

	if (ioctl(fd, KIPC_IOC_STAT, &st))
		return -1;
	return senders ? (int)st.info.nr_senders : (int)st.info.nr_receivers;
}

/* Wait (bounded) until someone blocks on @fd. */
static int wait_blocked(int fd, bool senders)
{
	int i;

	for (i = 0; i < 20000; i++) {
		if (nr_blocked(fd, senders) > 0)
			return 0;
		usleep(1000);
	}
	return -1;
}

static int put(int fd, uint32_t flags)
{
	struct kipc_send s = {
		.size = sizeof(s), .flags = flags,
		.buf = (uintptr_t)"x", .len = 1,
	};

	return ioctl(fd, KIPC_IOC_SEND, &s) ? -errno : 0;
}

/* A child blocks in RECV (@send false) or SEND with @flags and exits 0
 * on success, 2 on EINTR, 1 otherwise.
 */
static pid_t blocker(int fd, bool send, uint32_t flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	pid_t pid = fork();
	char c;

	if (pid)
		return pid;
	sigaction(SIGUSR1, &sa, NULL);
	if (send) {
		_exit(put(fd, flags) == 0 ? 0 : errno == EINTR ? 2 : 1);
	} else {
		struct kipc_recv r = {
			.size = sizeof(r), .flags = flags,
			.buf = (uintptr_t)&c, .buf_len = 1,
		};
		int ret = ioctl(fd, KIPC_IOC_RECV, &r) ? -errno : 0;

		_exit(ret == 0 ? 0 : ret == -EINTR ? 2 : 1);
	}
}

FIXTURE(nr) {
	int ep, mfd;
};

FIXTURE_SETUP(nr)
{
	struct kipc_mbox_create c = {
		.size = sizeof(c), .flags = KIPC_MBOX_OWNED, /* gone with ep */
		.max_msgs = 1, .mode = 0600,
	};

	self->ep = open("/dev/kipc", O_RDWR | O_CLOEXEC);
	if (self->ep < 0)
		SKIP(return, "/dev/kipc: %s", strerror(errno));
	self->mfd = ioctl(self->ep, KIPC_IOC_MBOX_CREATE, &c);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(nr)
{
	close(self->mfd);
	close(self->ep);
}

TEST_F(nr, recv_eintr_despite_sa_restart)
{
	int status;
	pid_t pid;

	pid = blocker(self->mfd, false, KIPC_NORESTART);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, wait_blocked(self->mfd, false));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(2, WEXITSTATUS(status));
}

TEST_F(nr, send_eintr_despite_sa_restart)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, put(self->mfd, KIPC_NONBLOCK));
	pid = blocker(self->mfd, true, KIPC_NORESTART);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, wait_blocked(self->mfd, true));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(2, WEXITSTATUS(status));
}

/* Without the flag the receive is restarted and gets the message. */
TEST_F(nr, recv_restarts_without_it)
{
	int status;
	pid_t pid;

	pid = blocker(self->mfd, false, 0);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, wait_blocked(self->mfd, false));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	/* The message goes to the restarted receive, wherever it is. */
	ASSERT_EQ(0, put(self->mfd, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
