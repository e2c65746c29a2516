// SPDX-License-Identifier: GPL-2.0
/*
 * What mq_notify() needs from KIPC_IOC_NOTIFY beyond a signal: the
 * signal's si_value, no notification while a receiver waits
 * (KIPC_NOTIFY_IDLE), a registration that notifies nobody
 * (KIPC_NOTIFY_NONE) and one that adds to an eventfd (KIPC_NOTIFY_EVENTFD,
 * for SIGEV_THREAD).
 *
 * Raw ioctls only: the wrappers below are all the test needs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kipc.h>

#include "../kselftest_harness.h"

static inline int ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static inline int notify(int fd, uint32_t flags, int signo, uint64_t value,
			 int efd)
{
	struct kipc_notify n = {
		.size = sizeof(n), .flags = flags, .signo = signo,
		.value = value, .efd = efd,
	};

	return ioc(fd, KIPC_IOC_NOTIFY, &n);
}

static inline int put(int fd)
{
	struct kipc_send s = {
		.size = sizeof(s), .flags = KIPC_NONBLOCK,
		.buf = (uintptr_t)"x", .len = 1,
	};

	return ioc(fd, KIPC_IOC_SEND, &s);
}

static inline int take(int fd, uint32_t flags, int64_t sec)
{
	char c;
	struct kipc_recv r = {
		.size = sizeof(r), .flags = flags,
		.buf = (uintptr_t)&c, .buf_len = 1,
		.timeout = { .tv_sec = sec },
	};

	return ioc(fd, KIPC_IOC_RECV, &r);
}

static inline int receivers(int fd)
{
	struct kipc_stat st = { .size = sizeof(st) };

	return ioc(fd, KIPC_IOC_STAT, &st) ? -1 : (int)st.info.nr_receivers;
}

/* Wait (bounded) for a signal already due; its siginfo, or si_signo 0. */
static siginfo_t wait_sig(int sig, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	siginfo_t si;
	sigset_t set;

	memset(&si, 0, sizeof(si));
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigtimedwait(&set, &si, &ts) < 0)
		si.si_signo = 0;
	return si;
}

FIXTURE(np) {
	int ep, mfd;
};

FIXTURE_SETUP(np)
{
	struct kipc_mbox_create c = {
		.size = sizeof(c), .flags = KIPC_MBOX_OWNED, /* gone with ep */
		.max_msgs = 8, .mode = 0600,
	};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	self->ep = open("/dev/kipc", O_RDWR | O_CLOEXEC);
	if (self->ep < 0)
		SKIP(return, "/dev/kipc: %s", strerror(errno));
	self->mfd = ioctl(self->ep, KIPC_IOC_MBOX_CREATE, &c);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(np)
{
	close(self->mfd);
	close(self->ep);
}

TEST_F(np, si_value_and_oneshot)
{
	siginfo_t si;

	ASSERT_EQ(0, notify(self->mfd, KIPC_NOTIFY_ONESHOT, SIGUSR1,
			    0x1234abcdULL, 0));
	ASSERT_EQ(0, put(self->mfd));
	si = wait_sig(SIGUSR1, 10000);
	ASSERT_EQ(SIGUSR1, si.si_signo);
	EXPECT_EQ(SI_MESGQ, si.si_code);
	EXPECT_EQ(getpid(), si.si_pid);
	EXPECT_EQ((uintptr_t)0x1234abcdULL, (uintptr_t)si.si_value.sival_ptr);
	/* One shot: emptied and filled again, nothing more. */
	ASSERT_EQ(0, take(self->mfd, KIPC_NONBLOCK, 0));
	ASSERT_EQ(0, put(self->mfd));
	EXPECT_EQ(0, wait_sig(SIGUSR1, 0).si_signo);
}

/* A waiting receiver takes the message: no notification then. */
TEST_F(np, idle_quiet_while_a_receiver_waits)
{
	int status, i;
	pid_t pid;

	ASSERT_EQ(0, notify(self->mfd, KIPC_NOTIFY_ONESHOT | KIPC_NOTIFY_IDLE,
			    SIGUSR1, 0, 0));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(take(self->mfd, KIPC_TIMEOUT, 20) ? 1 : 0);
	for (i = 0; i < 20000 && receivers(self->mfd) < 1; i++)
		usleep(1000);
	ASSERT_EQ(1, receivers(self->mfd));
	ASSERT_EQ(0, put(self->mfd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, wait_sig(SIGUSR1, 0).si_signo);
	/* Still armed: with nobody waiting the next one notifies. */
	ASSERT_EQ(0, put(self->mfd));
	EXPECT_EQ(SIGUSR1, wait_sig(SIGUSR1, 10000).si_signo);
}

/* NONE holds the slot until it fires, and sends nothing. */
TEST_F(np, none_holds_the_slot)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, notify(self->mfd, KIPC_NOTIFY_ONESHOT | KIPC_NOTIFY_NONE,
			    0, 0, 0));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(notify(self->mfd, KIPC_NOTIFY_ONESHOT, SIGUSR1, 0, 0) ==
		      -EBUSY ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, put(self->mfd));
	EXPECT_EQ(0, wait_sig(SIGUSR1, 0).si_signo);
	/* Fired: the slot is free for another process. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(notify(self->mfd, KIPC_NOTIFY_ONESHOT, SIGUSR1, 0, 0) ?
		      1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(np, eventfd)
{
	uint64_t v = 0;
	int efd;

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, notify(self->mfd, KIPC_NOTIFY_ONESHOT | KIPC_NOTIFY_EVENTFD,
			    0, 0, efd));
	/* The registration keeps its own reference to the eventfd. */
	ASSERT_EQ(0, put(self->mfd));
	ASSERT_EQ(sizeof(v), read(efd, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	EXPECT_EQ(0, wait_sig(SIGUSR1, 0).si_signo);
	ASSERT_EQ(0, take(self->mfd, KIPC_NONBLOCK, 0));
	ASSERT_EQ(0, put(self->mfd));
	EXPECT_EQ(-1, read(efd, &v, sizeof(v)));
	EXPECT_EQ(EAGAIN, errno);
	close(efd);
}

TEST_F(np, bad_arguments)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_GE(efd, 0);
	EXPECT_EQ(-EINVAL, notify(self->mfd, KIPC_NOTIFY_NONE, SIGUSR1, 0, 0));
	EXPECT_EQ(-EINVAL, notify(self->mfd, KIPC_NOTIFY_EVENTFD, SIGUSR1, 0,
				  efd));
	EXPECT_EQ(-EINVAL, notify(self->mfd,
				  KIPC_NOTIFY_NONE | KIPC_NOTIFY_EVENTFD, 0, 0,
				  efd));
	EXPECT_EQ(-EBADF, notify(self->mfd, KIPC_NOTIFY_EVENTFD, 0, 0, 999));
	EXPECT_EQ(-EINVAL, notify(self->mfd, KIPC_NOTIFY_EVENTFD, 0, 0,
				  self->ep));
	close(efd);
}

TEST_HARNESS_MAIN
