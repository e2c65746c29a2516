// SPDX-License-Identifier: GPL-2.0
/*
 * One-call round trips. KIPC_IOC_SENDRECV: one message each way, what is
 * written back, the argument's size versions and checks, faults and
 * EMSGSIZE that lose nothing, and a receive interrupted after the send.
 * KIPC_IOC_REPLY_RECV: a server's reply and next receive in one call,
 * replies to callers that gave up or died, and a server loop under many
 * clients with per-client sequence checks.
 */
#include <signal.h>
#include <sys/mman.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

/* A blocking call that must end in a passing test bounds itself anyway. */
static const struct timespec kt_bound = { .tv_sec = KT_WAIT_MS / 1000 };

FIXTURE(rt) {
	int ep, req, rep;
	uint64_t req_id, rep_id;
	void *bad;		/* a page no copy can read or write */
};

FIXTURE_SETUP(rt)
{
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->req = kt_mbox(self->ep, NULL, 8, 0600, &self->req_id);
	ASSERT_GE(self->req, 0);
	self->rep = kt_mbox(self->ep, NULL, 8, 0600, &self->rep_id);
	ASSERT_GE(self->rep, 0);
	self->bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	ASSERT_NE(MAP_FAILED, self->bad);
}

FIXTURE_TEARDOWN(rt)
{
	munmap(self->bad, 4096);
	close(self->rep);
	close(self->req);
	close(self->ep);
}

static unsigned int depth(int fd)
{
	struct kipc_info info;

	if (sys_kipc_stat(fd, 0, &info) < 0)
		return ~0U;
	return info.depth;
}

/* SEND to the fd's own mailbox with a type. */
static int send_type(int fd, const char *buf, size_t len, int64_t type)
{
	struct kipc_send s;

	kt_send_args(&s, 0, buf, len, 0, 0, NULL);
	s.type = type;
	return sys_kipc_ioctl(fd, KIPC_IOC_SEND, &s);
}

/* Answer @rounds requests on @req to @rep_id, case of byte 0 flipped. */
static int echo_sendrecv(int req, uint64_t rep_id, int rounds)
{
	struct kipc_sendrecv k;
	char buf[64];
	int n, i;

	n = sys_kipc_recv(req, buf, sizeof(buf), NULL, 0, &kt_bound);
	for (i = 0; n >= 0 && i < rounds; i++) {
		buf[0] ^= 0x20;
		/* A mailbox fd may send to another mailbox here. */
		kt_sendrecv_args(&k, rep_id, buf, n, 0, buf, sizeof(buf),
				 KIPC_SEND_MAILBOX, &kt_bound);
		/* The last answer: nothing more comes, the send went anyway. */
		if (i == rounds - 1) {
			k.flags = KIPC_SEND_MAILBOX | KIPC_NONBLOCK;
			n = sys_kipc_sendrecv_args(req, &k);
			return n == -EAGAIN && k.sent == 1 ? 0 : 2;
		}
		n = sys_kipc_sendrecv_args(req, &k);
		if (n >= 0 && k.sent != 1)
			return 3;
	}
	return 4;
}

TEST_F(rt, sendrecv_round_trips)
{
	struct kipc_sendrecv k;
	char q[16], a[16];
	pid_t pid;
	int i, n;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(echo_sendrecv(self->req, self->rep_id, 50));
	for (i = 0; i < 50; i++) {
		snprintf(q, sizeof(q), "q%03d", i);
		memset(a, 0, sizeof(a));
		kt_sendrecv_args(&k, self->req_id, q, 5, 3, a, sizeof(a),
				 KIPC_SEND_MAILBOX, &kt_bound);
		k.type = 7;
		n = sys_kipc_sendrecv_args(self->rep, &k);
		ASSERT_EQ(5, n);
		ASSERT_EQ(1, k.sent);
		ASSERT_EQ('Q', a[0]);
		ASSERT_STREQ(q + 1, a + 1);
		ASSERT_EQ(self->rep_id, k.hdr.mailbox_id);
		ASSERT_EQ(pid, k.hdr.sender_pid);
		ASSERT_EQ(5, k.hdr.len);
		/* The caller's fields are left as they were. */
		ASSERT_EQ(kt_ptr(a), k.recv_buf);
		ASSERT_EQ(sizeof(a), k.recv_buf_len);
		ASSERT_EQ(3, k.priority);
	}
	EXPECT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(0, depth(self->req));
	EXPECT_EQ(0, depth(self->rep));
}

TEST_F(rt, sendrecv_sends_priority_and_type_and_selects)
{
	struct kipc_sendrecv k;
	struct kipc_recv r;
	char a[16];

	/* Two messages wait in our own queue: types 1 and 2. */
	ASSERT_EQ(0, send_type(self->rep, "one", 4, 1));
	ASSERT_EQ(0, send_type(self->rep, "two", 4, 2));
	kt_sendrecv_args(&k, self->req_id, "x", 2, 5, a, sizeof(a),
			 KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL);
	k.type = 42;
	k.recv_flags = KIPC_RECV_TYPE;
	k.type_sel = 2;
	ASSERT_EQ(4, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_STREQ("two", a);
	EXPECT_EQ(2, k.recv_type);
	EXPECT_EQ(1, depth(self->rep));
	/* What was sent carries its priority and type. */
	kt_recv_args(&r, 0, a, sizeof(a), KIPC_NONBLOCK, NULL);
	ASSERT_EQ(0, sys_kipc_ioctl(self->req, KIPC_IOC_RECV, &r));
	EXPECT_EQ(2, r.len);
	EXPECT_EQ(5, r.hdr.priority);
	EXPECT_EQ(42, r.type);
}

TEST_F(rt, sendrecv_size_versions)
{
	struct {
		struct kipc_sendrecv k;
		uint64_t tail;
	} big;
	char a[16];

	/* The first version's size is the whole struct. */
	kt_sendrecv_args(&big.k, self->req_id, "v0", 3, 0, a, sizeof(a),
			 KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL);
	big.k.size = KIPC_SENDRECV_SIZE_VER0;
	ASSERT_EQ(0, sys_kipc_send(self->rep, 0, "r0", 3, 0, 0, NULL));
	EXPECT_EQ(3, sys_kipc_sendrecv_args(self->rep, &big.k));
	/* Smaller than the first version: rejected, nothing sent. */
	big.k.size = KIPC_SENDRECV_SIZE_VER0 - 8;
	big.k.sent = 9;
	EXPECT_EQ(-EINVAL, sys_kipc_sendrecv_args(self->rep, &big.k));
	EXPECT_EQ(9, big.k.sent);
	EXPECT_EQ(1, depth(self->req));
	/* Larger, from newer user space: fine while the tail is zero. */
	ASSERT_EQ(0, sys_kipc_send(self->rep, 0, "r1", 3, 0, 0, NULL));
	big.k.size = sizeof(big);
	big.tail = 0;
	EXPECT_EQ(3, sys_kipc_sendrecv_args(self->rep, &big.k));
	EXPECT_EQ(2, depth(self->req));
	big.tail = 1;
	EXPECT_EQ(-E2BIG, sys_kipc_sendrecv_args(self->rep, &big.k));
	EXPECT_EQ(2, depth(self->req));
}

TEST_F(rt, sendrecv_rejects_bad_arguments_before_sending)
{
	struct kipc_sendrecv k;
	char a[16];
	int i;
	struct {
		uint32_t flags, recv_flags, prio;
		uint64_t from;
	} bad[] = {
		{ KIPC_SEND_SYNC, 0, 0, 0 },		/* not offered */
		{ 1U << 20, 0, 0, 0 },			/* unknown */
		{ KIPC_NONBLOCK | KIPC_TIMEOUT, 0, 0, 0 },
		{ KIPC_ABSTIME, 0, 0, 0 },
		{ 0, KIPC_RECV_PEEK, 0, 0 },
		{ 0, KIPC_RECV_INDEX | KIPC_RECV_PEEK, 0, 0 },
		{ 0, KIPC_RECV_FROM, 0, 0 },		/* from 0 */
		{ 0, 0, 0, 5 },				/* from w/o flag */
		{ 0, KIPC_RECV_TYPE, 0, 0 },		/* type_sel 0 */
		{ 0, 1U << 20, 0, 0 },
		{ 0, 0, KIPC_PRIO_MAX + 1, 0 },
	};

	for (i = 0; i < (int)KT_ARRAY_SIZE(bad); i++) {
		kt_sendrecv_args(&k, self->req_id, "x", 2, bad[i].prio, a,
				 sizeof(a), KIPC_SEND_MAILBOX | bad[i].flags,
				 NULL);
		k.recv_flags = bad[i].recv_flags;
		k.from = bad[i].from;
		k.sent = 9;
		EXPECT_EQ(-EINVAL, sys_kipc_sendrecv_args(self->rep, &k))
			TH_LOG("case %d", i);
		EXPECT_EQ(9, k.sent);
	}
	EXPECT_EQ(0, depth(self->req));
	/* A mailbox fd sends to itself with dest 0, to others by id only. */
	kt_sendrecv_args(&k, self->req_id, "x", 2, 0, a, sizeof(a), 0, NULL);
	EXPECT_EQ(-EINVAL, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_EQ(0, k.sent);
	kt_sendrecv_args(&k, self->req_id + 1000000, "x", 2, 0, a, sizeof(a),
			 KIPC_SEND_MAILBOX, NULL);
	EXPECT_EQ(-ENOENT, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_EQ(0, k.sent);
	EXPECT_EQ(0, depth(self->req));
}

TEST_F(rt, sendrecv_faults_lose_nothing)
{
	struct kipc_sendrecv k;
	char a[16];

	/* The payload cannot be read: nothing sent, nothing received. */
	ASSERT_EQ(0, sys_kipc_send(self->rep, 0, "mine", 5, 0, 0, NULL));
	kt_sendrecv_args(&k, self->req_id, self->bad, 16, 0, a, sizeof(a),
			 KIPC_SEND_MAILBOX, NULL);
	EXPECT_EQ(-EFAULT, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_EQ(0, k.sent);
	EXPECT_EQ(0, depth(self->req));
	EXPECT_EQ(1, depth(self->rep));
	/* The receive buffer faults: sent, and ours stays queued. */
	kt_sendrecv_args(&k, self->req_id, "x", 2, 0, self->bad, 64,
			 KIPC_SEND_MAILBOX, NULL);
	EXPECT_EQ(-EFAULT, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_EQ(1, k.sent);
	EXPECT_EQ(1, depth(self->req));
	EXPECT_EQ(1, depth(self->rep));
	/* And is there, whole, for the next receive. */
	memset(a, 0, sizeof(a));
	EXPECT_EQ(5, sys_kipc_recv(self->rep, a, sizeof(a), NULL, KIPC_NONBLOCK,
				   NULL));
	EXPECT_STREQ("mine", a);
}

TEST_F(rt, sendrecv_emsgsize_keeps_the_message)
{
	struct kipc_sendrecv k;
	char a[16];

	ASSERT_EQ(0, sys_kipc_send(self->rep, 0, "a longer answer", 16, 0, 0,
				   NULL));
	kt_sendrecv_args(&k, self->req_id, "x", 2, 0, a, 4, KIPC_SEND_MAILBOX,
			 NULL);
	EXPECT_EQ(-EMSGSIZE, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_EQ(1, k.sent);
	EXPECT_EQ(16, k.recv_len);
	EXPECT_EQ(16, k.hdr.len);
	EXPECT_EQ(self->rep_id, k.hdr.mailbox_id);
	EXPECT_EQ(1, depth(self->rep));
	EXPECT_EQ(1, depth(self->req));
	EXPECT_EQ(16, sys_kipc_recv(self->rep, a, sizeof(a), NULL,
				    KIPC_NONBLOCK, NULL));
	EXPECT_STREQ("a longer answer", a);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(rt, sendrecv_interrupted_after_the_send_is_eintr)
{
	struct kipc_sendrecv k;
	char a[16];

	ASSERT_EQ(0, kt_sigaction(SIGALRM, on_alarm, true));
	alarm(1);
	/* SA_RESTART, yet -EINTR: a restart would send the request again. */
	kt_sendrecv_args(&k, self->req_id, "x", 2, 0, a, sizeof(a),
			 KIPC_SEND_MAILBOX, &kt_bound);
	EXPECT_EQ(-EINTR, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_EQ(1, k.sent);
	EXPECT_EQ(1, depth(self->req));
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

TEST_F(rt, sendrecv_interrupted_send_restarts)
{
	struct kipc_sendrecv k;
	struct kipc_info info;
	int full;
	uint64_t full_id;
	char a[16];
	pid_t pid;

	full = kt_mbox(self->ep, NULL, 1, 0600, &full_id);
	ASSERT_GE(full, 0);
	ASSERT_EQ(0, sys_kipc_send(full, 0, "f", 2, 0, 0, NULL));
	ASSERT_EQ(0, kt_sigaction(SIGALRM, on_alarm, true));
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Wait for the sender to block, signal it, then make room. */
		KT_CHILD_CHECK(kt_wait_blocked(full, full_id, 1, 0) == 0);
		KT_CHILD_CHECK(kill(getppid(), SIGALRM) == 0);
		kt_sleep_ms(100);
		KT_CHILD_CHECK(sys_kipc_recv(full, a, sizeof(a), NULL, 0,
					     &kt_bound) == 2);
		KT_CHILD_CHECK(sys_kipc_send(self->rep, 0, "ok", 3, 0, 0,
					     NULL) == 0);
		kt_child_exit(0);
	}
	/* The send blocks, is interrupted, restarted: sent once. */
	kt_sendrecv_args(&k, full_id, "s", 2, 0, a, sizeof(a),
			 KIPC_SEND_MAILBOX, &kt_bound);
	EXPECT_EQ(3, sys_kipc_sendrecv_args(self->rep, &k));
	EXPECT_EQ(1, k.sent);
	EXPECT_STREQ("ok", a);
	EXPECT_EQ(0, kt_wait_exit(pid));
	ASSERT_EQ(0, sys_kipc_stat(full, 0, &info));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(2, sys_kipc_recv(full, a, sizeof(a), NULL, KIPC_NONBLOCK,
				   NULL));
	EXPECT_STREQ("s", a);
	signal(SIGALRM, SIG_DFL);
	close(full);
}

/* A caller: CALL @n times to @dest with "<id>:<seq>", check the echo. */
static int caller(uint64_t dest, int id, int n)
{
	char q[32], a[32];
	int ep, i, len;

	ep = sys_kipc_open(0);
	if (ep < 0)
		return 10;
	for (i = 0; i < n; i++) {
		len = snprintf(q, sizeof(q), "%d:%d", id, i) + 1;
		memset(a, 0, sizeof(a));
		if (sys_kipc_call(ep, dest, q, len, 0, a, sizeof(a), NULL,
				  KIPC_SEND_MAILBOX, &kt_bound) != len + 1)
			return 11;
		if (a[0] != 'R' || strcmp(q, a + 1))
			return 12;
	}
	close(ep);
	return 0;
}

TEST_F(rt, reply_recv_answers_then_receives_the_next)
{
	struct kipc_msg_hdr h;
	char buf[32], ans[32];
	int ret, rr = 7;
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(caller(self->req_id, 1, 2));
	/* Token 0: only a receive. */
	ret = sys_kipc_reply_recv(self->req, 0, NULL, 0, buf, sizeof(buf), &h,
				  0, &kt_bound, &rr);
	ASSERT_EQ(4, ret);
	EXPECT_EQ(0, rr);
	ASSERT_TRUE(h.flags & KIPC_MSG_REQUEST);
	ASSERT_NE(0, h.token);
	ans[0] = 'R';
	memcpy(ans + 1, buf, ret);
	/* Reply to the first; receive the second, which the reply let come. */
	ret = sys_kipc_reply_recv(self->req, h.token, ans, ret + 1, buf,
				  sizeof(buf), &h, 0, &kt_bound, &rr);
	ASSERT_EQ(4, ret);
	EXPECT_EQ(0, rr);
	EXPECT_STREQ("1:1", buf);
	ans[0] = 'R';
	memcpy(ans + 1, buf, ret);
	/* The second answered with a non-blocking turn: nothing else came. */
	ret = sys_kipc_reply_recv(self->req, h.token, ans, ret + 1, buf,
				  sizeof(buf), &h, KIPC_NONBLOCK, NULL, &rr);
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(0, rr);
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(rt, reply_recv_to_a_dead_caller_still_receives)
{
	struct kipc_msg_hdr h;
	char buf[32];
	int ret, rr = 0;
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(caller(self->req_id, 1, 1));
	ret = sys_kipc_recv(self->req, buf, sizeof(buf), &h, 0, &kt_bound);
	ASSERT_EQ(4, ret);
	ASSERT_EQ(0, kt_wait_sleeping(pid));
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, kt_wait_exit(pid));
	/* Another message is waiting: the failed reply does not stop it. */
	ASSERT_EQ(0, sys_kipc_send(self->req, 0, "next", 5, 0, 0, NULL));
	ret = sys_kipc_reply_recv(self->req, h.token, "late", 5, buf,
				  sizeof(buf), &h, 0, &kt_bound, &rr);
	EXPECT_EQ(5, ret);
	EXPECT_EQ(-ENOENT, rr);
	EXPECT_STREQ("next", buf);
	/* Nothing waiting: the receive's own error, the reply's in rr. */
	ret = sys_kipc_reply_recv(self->req, 12345, "x", 2, buf, sizeof(buf),
				  &h, KIPC_NONBLOCK, NULL, &rr);
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(-ENOENT, rr);
}

TEST_F(rt, reply_recv_reply_errors_are_reported_not_fatal)
{
	struct kipc_msg_hdr h;
	char buf[32], big[64];
	int ret, rr = 0;
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(caller(self->req_id, 1, 1));
	ret = sys_kipc_recv(self->req, buf, sizeof(buf), &h, 0, &kt_bound);
	ASSERT_EQ(4, ret);
	/* Too long for the caller, or unreadable: the request stays open. */
	memset(big, 'x', sizeof(big));
	ret = sys_kipc_reply_recv(self->req, h.token, big, sizeof(big), buf,
				  sizeof(buf), NULL, KIPC_NONBLOCK, NULL, &rr);
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(-EMSGSIZE, rr);
	ret = sys_kipc_reply_recv(self->req, h.token, self->bad, 8, buf,
				  sizeof(buf), NULL, KIPC_NONBLOCK, NULL, &rr);
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(-EFAULT, rr);
	/* Rejected arguments do nothing at all, the reply included. */
	ret = sys_kipc_reply_recv(self->req, h.token, "R1:0", 5, buf,
				  sizeof(buf), NULL, KIPC_RECV_PEEK, NULL, &rr);
	EXPECT_EQ(-EINVAL, ret);
	ret = sys_kipc_reply_recv(self->req, h.token, "R1:0", 5, buf,
				  sizeof(buf), NULL, KIPC_NONBLOCK, NULL, &rr);
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(0, rr);
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(rt, reply_recv_interrupted_after_the_reply_is_eintr)
{
	struct kipc_reply_recv k;
	char buf[32];

	ASSERT_EQ(0, kt_sigaction(SIGALRM, on_alarm, true));
	/* With a token, even an unknown one, the call is not restarted. */
	alarm(1);
	kt_reply_recv_args(&k, 999, "x", 2, buf, sizeof(buf), 0, &kt_bound);
	EXPECT_EQ(-EINTR, sys_kipc_ioctl(self->req, KIPC_IOC_REPLY_RECV, &k));
	EXPECT_EQ(-ENOENT, k.reply_ret);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

#define CLIENTS	4
#define CALLS	100

TEST_F_TIMEOUT(rt, reply_recv_server_loop_many_clients, 120)
{
	struct kipc_msg_hdr h;
	char buf[32], ans[32];
	pid_t pids[CLIENTS];
	uint64_t token = 0;
	int i, n, ret, rr, served = 0, alen = 0;

	for (i = 0; i < CLIENTS; i++) {
		pids[i] = kt_fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			kt_child_exit(caller(self->req_id, i, CALLS));
	}
	while (served < CLIENTS * CALLS) {
		n = sys_kipc_reply_recv(self->req, token, ans, alen, buf,
					sizeof(buf), &h, 0, &kt_bound, &rr);
		ASSERT_GT(n, 0);
		ASSERT_EQ(0, rr);
		ASSERT_TRUE(h.flags & KIPC_MSG_REQUEST);
		token = h.token;
		ans[0] = 'R';
		memcpy(ans + 1, buf, n);
		alen = n + 1;
		served++;
	}
	/* The last answer, then nothing left. */
	ret = sys_kipc_reply_recv(self->req, token, ans, alen, buf,
				  sizeof(buf), &h, KIPC_NONBLOCK, NULL, &rr);
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(0, rr);
	for (i = 0; i < CLIENTS; i++)
		EXPECT_EQ(0, kt_wait_exit_ms(pids[i], KT_WAIT_MS));
}

TEST_F(rt, reply_recv_size_versions_and_flags)
{
	struct {
		struct kipc_reply_recv k;
		uint64_t tail;
	} big;
	char buf[16];

	kt_reply_recv_args(&big.k, 0, NULL, 0, buf, sizeof(buf), KIPC_NONBLOCK,
			   NULL);
	big.k.size = KIPC_REPLY_RECV_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, sys_kipc_ioctl(self->req, KIPC_IOC_REPLY_RECV,
					  &big.k));
	big.k.size = sizeof(big);
	big.tail = 0;
	EXPECT_EQ(-EAGAIN, sys_kipc_ioctl(self->req, KIPC_IOC_REPLY_RECV,
					  &big.k));
	big.tail = 1;
	EXPECT_EQ(-E2BIG, sys_kipc_ioctl(self->req, KIPC_IOC_REPLY_RECV,
					 &big.k));
	big.tail = 0;
	big.k.flags = KIPC_NONBLOCK | KIPC_SEND_SYNC;
	EXPECT_EQ(-EINVAL, sys_kipc_ioctl(self->req, KIPC_IOC_REPLY_RECV,
					  &big.k));
	big.k.flags = KIPC_NONBLOCK | KIPC_RECV_FROM;
	EXPECT_EQ(-EINVAL, sys_kipc_ioctl(self->req, KIPC_IOC_REPLY_RECV,
					  &big.k));
	/* The selection of RECV applies. */
	ASSERT_EQ(0, send_type(self->req, "t1", 3, 1));
	ASSERT_EQ(0, send_type(self->req, "t2", 3, 2));
	big.k.flags = KIPC_NONBLOCK | KIPC_RECV_TYPE;
	big.k.type_sel = 2;
	EXPECT_EQ(0, sys_kipc_ioctl(self->req, KIPC_IOC_REPLY_RECV, &big.k));
	EXPECT_STREQ("t2", buf);
	EXPECT_EQ(2, big.k.recv_type);
	EXPECT_EQ(1, depth(self->req));
}

TEST_HARNESS_MAIN
