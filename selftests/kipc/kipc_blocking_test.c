// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking behaviour of SEND and RECV, on an endpoint inbox and on a
 * mailbox: KIPC_NONBLOCK and O_NONBLOCK, relative and absolute timeouts,
 * deadlines already past, malformed timeouts, wake-ups, and signals
 * (-EINTR, SA_RESTART, nothing sent or dequeued by an interrupted call).
 *
 * Timing is only ever asserted as a lower bound proving a call blocked.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

#define CAPACITY	2

FIXTURE(q) {
	struct kt_qpair q;
};

FIXTURE_VARIANT(q) {
	bool mailbox;
};

FIXTURE_VARIANT_ADD(q, direct) {
	.mailbox = false,
};

FIXTURE_VARIANT_ADD(q, mailbox) {
	.mailbox = true,
};

FIXTURE_SETUP(q)
{
	ASSERT_EQ(0, kt_qpair_open(&self->q, variant->mailbox, CAPACITY, 0600));
}

FIXTURE_TEARDOWN(q)
{
	kt_qpair_close(&self->q);
}

static int q_send(FIXTURE_DATA(q) *self, const char *msg, unsigned int flags,
		  const struct timespec *ts)
{
	return sys_kipc_send(self->q.tx, self->q.dest, msg, strlen(msg), 0, flags, ts);
}

static int q_fill(FIXTURE_DATA(q) *self)
{
	int i, ret;

	for (i = 0; i < CAPACITY; i++) {
		ret = q_send(self, "fill", KIPC_NONBLOCK, NULL);
		if (ret)
			return ret;
	}
	return q_send(self, "over", KIPC_NONBLOCK, NULL) == -EAGAIN ? 0 : -EPROTO;
}

static volatile sig_atomic_t got_signal;
static int *handled;	/* shared with the parent: the handler has run */

static void on_signal(int sig)
{
	got_signal++;
	if (handled)
		__atomic_add_fetch(handled, 1, __ATOMIC_SEQ_CST);
}

/* Wait until the child's handler ran, then until it is blocked again. */
static int wait_handled_and_reblocked(int fd)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;

	while (!__atomic_load_n(handled, __ATOMIC_SEQ_CST)) {
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return kt_wait_blocked(fd, 0, 0, 1);
}

TEST_F(q, recv_nonblock_flag_on_empty)
{
	char buf[8];

	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(q, recv_o_nonblock_on_empty)
{
	char buf[8];

	ASSERT_EQ(0, fcntl(self->q.rx, F_SETFL, fcntl(self->q.rx, F_GETFL) | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, NULL));
}

TEST_F(q, send_nonblock_when_full)
{
	ASSERT_EQ(0, q_fill(self));
	EXPECT_EQ(-EAGAIN, q_send(self, "x", KIPC_NONBLOCK, NULL));
}

TEST_F(q, send_o_nonblock_when_full)
{
	ASSERT_EQ(0, q_fill(self));
	ASSERT_EQ(0, fcntl(self->q.tx, F_SETFL, fcntl(self->q.tx, F_GETFL) | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, q_send(self, "x", 0, NULL));
}

TEST_F(q, recv_relative_timeout)
{
	struct timespec ts = kt_ms(200);
	char buf[8];
	int64_t t0;

	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, &ts));
	EXPECT_GE(kt_now_ns() - t0, 190 * 1000000LL);
}

TEST_F(q, recv_absolute_timeout)
{
	struct timespec ts = kt_abs_ms(200);
	char buf[8];
	int64_t t0;

	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_ABSTIME, &ts));
	EXPECT_GE(kt_now_ns() - t0, 190 * 1000000LL);
}

TEST_F(q, send_relative_timeout_when_full)
{
	struct timespec ts = kt_ms(200);
	int64_t t0;

	ASSERT_EQ(0, q_fill(self));
	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, q_send(self, "late", 0, &ts));
	EXPECT_GE(kt_now_ns() - t0, 190 * 1000000LL);
}

TEST_F(q, send_absolute_timeout_when_full)
{
	struct timespec ts = kt_abs_ms(200);
	int64_t t0;

	ASSERT_EQ(0, q_fill(self));
	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, q_send(self, "late", KIPC_ABSTIME, &ts));
	EXPECT_GE(kt_now_ns() - t0, 190 * 1000000LL);
}

TEST_F(q, past_deadline_still_tries_once)
{
	struct timespec zero = { 0, 0 }, past = kt_abs_ms(-1000);
	char buf[8];

	/* With room / a message, a past deadline still succeeds. */
	EXPECT_EQ(0, q_send(self, "a", KIPC_ABSTIME, &past));
	EXPECT_EQ(0, q_send(self, "b", 0, &zero));
	EXPECT_EQ(1, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_ABSTIME, &past));
	EXPECT_EQ('a', buf[0]);
	EXPECT_EQ(1, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, &zero));
	EXPECT_EQ('b', buf[0]);
	/* Without, it expires at once: -ETIMEDOUT, not -EAGAIN. */
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_ABSTIME, &past));
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, &zero));
	ASSERT_EQ(0, q_fill(self));
	EXPECT_EQ(-ETIMEDOUT, q_send(self, "c", KIPC_ABSTIME, &past));
	EXPECT_EQ(-ETIMEDOUT, q_send(self, "c", 0, &zero));
}

TEST_F(q, malformed_timeouts)
{
	struct timespec ts;
	char buf[8];

	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	EXPECT_EQ(-EINVAL, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, &ts));
	EXPECT_EQ(-EINVAL, q_send(self, "x", 0, &ts));
	ts.tv_nsec = -1;
	EXPECT_EQ(-EINVAL, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, &ts));
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	EXPECT_EQ(-EINVAL, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, &ts));
	EXPECT_EQ(-EINVAL, q_send(self, "x", KIPC_ABSTIME, &ts));
	/* Nothing was sent by the refused calls. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(q, conflicting_blocking_flags)
{
	struct timespec ts = kt_ms(100);
	char buf[8];

	EXPECT_EQ(-EINVAL, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, &ts));
	EXPECT_EQ(-EINVAL, q_send(self, "x", KIPC_NONBLOCK, &ts));
	EXPECT_EQ(-EINVAL, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_ABSTIME, NULL));
	EXPECT_EQ(-EINVAL, q_send(self, "x", KIPC_ABSTIME, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(q, recv_blocks_until_a_message_arrives)
{
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8] = { 0 };

		KT_CHILD_CHECK(sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, NULL) == 4);
		KT_CHILD_CHECK(memcmp(buf, "wake", 4) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	ASSERT_EQ(0, q_send(self, "wake", 0, NULL));
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(q, send_blocks_until_there_is_room)
{
	char buf[8];
	pid_t pid;
	int i;

	ASSERT_EQ(0, q_fill(self));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(q_send(self, "last", 0, NULL));
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 1, 0));
	ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, kt_wait_exit(pid));
	for (i = 1; i < CAPACITY; i++)
		ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "last", 4));
}

TEST_F(q, recv_interrupted_without_sa_restart)
{
	char buf[8];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		KT_CHILD_CHECK(sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, NULL) == -EINTR);
		KT_CHILD_CHECK(got_signal == 1);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(q, recv_restarted_with_sa_restart)
{
	pid_t pid;

	handled = kt_shared(sizeof(*handled));
	ASSERT_NE(NULL, handled);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8];

		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, true) == 0);
		KT_CHILD_CHECK(sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, NULL) == 5);
		KT_CHILD_CHECK(memcmp(buf, "after", 5) == 0);
		KT_CHILD_CHECK(got_signal == 1);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	/* The restarted call blocks again; then the message completes it. */
	ASSERT_EQ(0, wait_handled_and_reblocked(self->q.rx));
	ASSERT_EQ(0, q_send(self, "after", 0, NULL));
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(q, recv_absolute_timeout_restarted_with_sa_restart)
{
	pid_t pid;

	handled = kt_shared(sizeof(*handled));
	ASSERT_NE(NULL, handled);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct timespec ts = kt_abs_ms(60000);
		char buf[8];

		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, true) == 0);
		KT_CHILD_CHECK(sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_ABSTIME, &ts) == 5);
		KT_CHILD_CHECK(got_signal == 1);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, wait_handled_and_reblocked(self->q.rx));
	ASSERT_EQ(0, q_send(self, "after", 0, NULL));
	EXPECT_EQ(0, kt_wait_exit(pid));
}

/*
 * A relative timeout is a deadline: restarts after SA_RESTART handlers do
 * not start it again, so a stream of signals cannot keep the call waiting
 * for ever.
 */
TEST_F(q, recv_relative_timeout_survives_restarts)
{
	int status, i;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct timespec ts = kt_ms(1000);
		char buf[8];

		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, true) == 0);
		KT_CHILD_CHECK(sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, &ts) == -ETIMEDOUT);
		KT_CHILD_CHECK(got_signal >= 1);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	/* Signals every 50 ms until the child is done (or 30 s pass). */
	for (i = 0; i < 600; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		kill(pid, SIGUSR1);
		kt_sleep_ms(50);
	}
	if (i == 600) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ASSERT_TRUE(!"the timeout started again after every restart");
	}
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(q, interrupted_send_sends_nothing)
{
	char buf[8];
	pid_t pid;
	int i;

	ASSERT_EQ(0, q_fill(self));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		KT_CHILD_CHECK(q_send(self, "intr", 0, NULL) == -EINTR);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 1, 0));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(0, kt_wait_exit(pid));
	for (i = 0; i < CAPACITY; i++) {
		ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
		EXPECT_EQ(0, memcmp(buf, "fill", 4));
	}
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(q, interrupted_recv_dequeues_nothing)
{
	char buf[8];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		KT_CHILD_CHECK(sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, 0, NULL) == -EINTR);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(0, kt_wait_exit(pid));
	/* A message sent afterwards is still there for us. */
	ASSERT_EQ(0, q_send(self, "mine", 0, NULL));
	EXPECT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_F(q, fatal_signal_while_blocked)
{
	struct kipc_info info;
	char buf[8];
	pid_t pid;

	ASSERT_EQ(0, q_fill(self));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		q_send(self, "dead", 0, NULL);
		_exit(1);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 1, 0));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, kt_wait_exit(pid));
	/* The dead sender is gone from the queue, its message never queued. */
	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(0, info.nr_senders);
	EXPECT_EQ(CAPACITY, info.depth);
	ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

TEST_HARNESS_MAIN
