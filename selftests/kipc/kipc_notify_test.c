// SPDX-License-Identifier: GPL-2.0
/*
 * Signals on message arrival: O_ASYNC / F_SETOWN (SIGIO, or the F_SETSIG
 * signal with POLL_IN) and KIPC_IOC_NOTIFY (persistent or one-shot, one
 * registration per queue). Signals are blocked and collected with
 * sigtimedwait(), so no handler races; the absence of a signal is checked
 * with sigpending() right after the send that would have raised it (the
 * signal is generated synchronously by the send).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

static bool pending(int sig)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, sig);
}

/* Wait (bounded) for @sig; returns the siginfo's si_code or -1. */
static int take(int sig, siginfo_t *si)
{
	struct timespec ts = kt_ms(KT_WAIT_MS);
	siginfo_t dummy;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigtimedwait(&set, si ? si : &dummy, &ts) != sig)
		return -1;
	return 0;
}

FIXTURE(notify) {
	struct kt_qpair q;
};

FIXTURE_VARIANT(notify) {
	bool mailbox;
};

FIXTURE_VARIANT_ADD(notify, direct) {
	.mailbox = false,
};

FIXTURE_VARIANT_ADD(notify, mailbox) {
	.mailbox = true,
};

FIXTURE_SETUP(notify)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));

	/* The inbox keeps its default capacity. */
	ASSERT_EQ(0, kt_qpair_open(&self->q, variant->mailbox,
				   variant->mailbox ? 8 : -1, 0666));
}

FIXTURE_TEARDOWN(notify)
{
	kt_qpair_close(&self->q);
}

static int send1(FIXTURE_DATA(notify) *self)
{
	return sys_kipc_send(self->q.tx, self->q.dest, "n", 1, 0, KIPC_NONBLOCK, NULL);
}

static int recv1(FIXTURE_DATA(notify) *self)
{
	char buf[8];

	return sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL);
}

TEST_F(notify, sigio_with_o_async)
{
	ASSERT_EQ(0, fcntl(self->q.rx, F_SETOWN, getpid()));
	ASSERT_EQ(0, fcntl(self->q.rx, F_SETFL, fcntl(self->q.rx, F_GETFL) | O_ASYNC));
	EXPECT_FALSE(pending(SIGIO));
	ASSERT_EQ(0, send1(self));
	EXPECT_EQ(0, take(SIGIO, NULL));
	/* Only on arrival on an empty queue. */
	ASSERT_EQ(0, send1(self));
	EXPECT_FALSE(pending(SIGIO));
	ASSERT_EQ(1, recv1(self));
	ASSERT_EQ(1, recv1(self));
	ASSERT_EQ(0, send1(self));
	EXPECT_EQ(0, take(SIGIO, NULL));
	/* Without O_ASYNC, nothing. */
	ASSERT_EQ(1, recv1(self));
	ASSERT_EQ(0, fcntl(self->q.rx, F_SETFL, fcntl(self->q.rx, F_GETFL) & ~O_ASYNC));
	ASSERT_EQ(0, send1(self));
	EXPECT_FALSE(pending(SIGIO));
}

TEST_F(notify, f_setsig_reports_poll_in_and_the_fd)
{
	siginfo_t si;

	ASSERT_EQ(0, fcntl(self->q.rx, F_SETOWN, getpid()));
	ASSERT_EQ(0, fcntl(self->q.rx, F_SETSIG, SIGRTMIN));
	ASSERT_EQ(0, fcntl(self->q.rx, F_SETFL, fcntl(self->q.rx, F_GETFL) | O_ASYNC));
	ASSERT_EQ(0, send1(self));
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, take(SIGRTMIN, &si));
	EXPECT_EQ(SIGRTMIN, si.si_signo);
	EXPECT_EQ(POLL_IN, si.si_code);
	EXPECT_EQ(self->q.rx, si.si_fd);
	EXPECT_TRUE(si.si_band & POLLIN);
}

TEST_F(notify, ioctl_notify_is_persistent)
{
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, SIGUSR1, 0));
	ASSERT_EQ(0, send1(self));
	EXPECT_EQ(0, take(SIGUSR1, NULL));
	ASSERT_EQ(0, send1(self));
	EXPECT_FALSE(pending(SIGUSR1));
	ASSERT_EQ(1, recv1(self));
	ASSERT_EQ(1, recv1(self));
	ASSERT_EQ(0, send1(self));
	EXPECT_EQ(0, take(SIGUSR1, NULL));
}

TEST_F(notify, ioctl_notify_oneshot)
{
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, SIGUSR1, KIPC_NOTIFY_ONESHOT));
	ASSERT_EQ(0, send1(self));
	EXPECT_EQ(0, take(SIGUSR1, NULL));
	ASSERT_EQ(1, recv1(self));
	ASSERT_EQ(0, send1(self));
	EXPECT_FALSE(pending(SIGUSR1));
	/* Disarmed: anyone may arm it again. */
	ASSERT_EQ(1, recv1(self));
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, SIGUSR1, KIPC_NOTIFY_ONESHOT));
	ASSERT_EQ(0, send1(self));
	EXPECT_EQ(0, take(SIGUSR1, NULL));
}

TEST_F(notify, signo_zero_disarms)
{
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, SIGUSR1, 0));
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, 0, 0));
	ASSERT_EQ(0, send1(self));
	EXPECT_FALSE(pending(SIGUSR1));
}

TEST_F(notify, bad_signal_number)
{
	EXPECT_EQ(-EINVAL, sys_kipc_notify(self->q.rx, _NSIG + 1, 0));
	EXPECT_EQ(-EINVAL, sys_kipc_notify(self->q.rx, -1, 0));
	EXPECT_EQ(-EINVAL, sys_kipc_notify(self->q.rx, SIGUSR1, 1U << 31));
}

TEST_F(notify, signal_goes_to_the_registering_process)
{
	int sync[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Signals stay blocked in the child (inherited mask). */
		KT_CHILD_CHECK(sys_kipc_notify(self->q.rx, SIGUSR1, 0) == 0);
		KT_CHILD_CHECK(write(sync[1], "a", 1) == 1);
		KT_CHILD_CHECK(take(SIGUSR1, NULL) == 0);
		_exit(0);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_EQ(0, send1(self));
	EXPECT_EQ(0, kt_wait_exit(pid));
	EXPECT_FALSE(pending(SIGUSR1));
	close(sync[0]);
	close(sync[1]);
}

/* In a new process with its own endpoint and mailbox fd: arm, exit. */
static int arm_elsewhere(uint64_t mb)
{
	pid_t pid = fork();

	if (pid == 0) {
		int ep = sys_kipc_open(0), mfd;

		KT_CHILD_CHECK(ep >= 0);
		mfd = sys_kipc_mbox_open_id(ep, mb);
		KT_CHILD_CHECK(mfd >= 0);
		kt_child_exit(sys_kipc_notify(mfd, SIGUSR1, 0));
	}
	return pid < 0 ? -1 : kt_wait_exit(pid);
}

TEST_F(notify, one_registration_per_queue)
{
	if (!variant->mailbox)
		SKIP(return, "a second process needs its own fd for the queue: mailbox only");
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, SIGUSR1, 0));
	EXPECT_EQ(EBUSY, arm_elsewhere(self->q.mb));
	/* Re-arming by the holder is fine. */
	EXPECT_EQ(0, sys_kipc_notify(self->q.rx, SIGUSR2, 0));
	/* Disarmed: free. The other process's registration ends with its fd. */
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, 0, 0));
	EXPECT_EQ(0, arm_elsewhere(self->q.mb));
	/* Armed again, then the fd is closed: free again. */
	ASSERT_EQ(0, sys_kipc_notify(self->q.rx, SIGUSR1, 0));
	close(self->q.rx);
	self->q.rx = sys_kipc_mbox_open_id(self->q.rx_ep, self->q.mb);
	ASSERT_GE(self->q.rx, 0);
	EXPECT_EQ(0, arm_elsewhere(self->q.mb));
}

static void on_notify(int sig)
{
	(void)sig;
}

/*
 * A synchronous send to our own endpoint, whose arrival signal is ours
 * and restarts calls (SA_RESTART), with an absolute deadline: each restart
 * queues the message again and raises the signal again, yet the call must
 * end at its deadline rather than restart for ever.
 */
TEST(own_arrival_signal_does_not_restart_past_the_deadline)
{
	struct sigaction sa = { .sa_handler = on_notify, .sa_flags = SA_RESTART };
	struct timespec dl;
	uint64_t self_id;
	int ep;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	self_id = kt_ep_id(ep);
	ASSERT_EQ(0, sigaction(SIGUSR2, &sa, NULL));
	ASSERT_EQ(0, sys_kipc_notify(ep, SIGUSR2, 0));
	alarm(20);	/* a livelock fails the test instead of hanging it */
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 50 * 1000 * 1000;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_send(ep, self_id, "me", 2, 0,
					KIPC_SEND_SYNC | KIPC_ABSTIME, &dl));
	alarm(0);
	signal(SIGUSR2, SIG_DFL);
	close(ep);
}

TEST_HARNESS_MAIN
