// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupted waits: what a signal, a stop and io_uring task work do to a
 * call that is blocked.
 *
 * CALL: once its request is queued, an interruption does not abandon it.
 * The kernel marks the caller's struct with KIPC_CALL_RESUME and the
 * request's token, so the restarted call (SA_RESTART, SIGSTOP/SIGCONT,
 * task work) sends nothing and collects the reply; after -EINTR the caller
 * issues the same struct again to collect it. An endpoint keeps at most
 * KIPC_CALL_PARKED_MAX interrupted calls.
 *
 * SEND, RECV, XFER and RING_WAIT with a relative timeout: an interrupted
 * wait writes the time left back into @timeout, so a restart keeps the
 * original deadline (a stream of SA_RESTART signals cannot make it wait
 * for ever) and a caller that sees -EINTR knows how much is left. Task
 * work alone never makes any of them fail with -EINTR.
 *
 * Signals are sent only once the target sleeps in the ioctl
 * (kt_wait_sleeping()), so each one interrupts a real wait.
 */
#include <poll.h>
#include <pthread.h>
#include "io_uring_raw.h"

#include "kipc_util.h"

#include "kipc_ring_proto.h"

#include "../kselftest_harness.h"

#ifndef KIPC_CALL_RESUME
#define KIPC_CALL_RESUME	(1U << 10)
#endif

/* Interrupted calls an endpoint keeps for resumption. */
#define KIPC_CALL_PARKED_MAX	16

/* The relative timeout of the signal-stream tests, and their watchdog. */
#define STREAM_TIMEOUT_MS	500
#define STREAM_WATCHDOG_MS	20000

/* What a forked caller did, in memory shared with the test. */
struct outcome {
	int handled;		/* signals its handler ran for */
	int done;		/* its call returned */
	int ret, ret2;		/* first call, resumed call */
	uint32_t flags;		/* the struct's flags after the first call */
	uint64_t token;		/* its reply_hdr.token after the first call */
	uint32_t reply_len;
	char reply[32];
	struct kipc_timespec left;	/* @timeout after the call */
	int64_t elapsed_ns;	/* the call's duration, as the caller saw it */
	/* The parked-calls test: one of each per call. */
	int rets[KIPC_CALL_PARKED_MAX + 1];
	uint32_t flagss[KIPC_CALL_PARKED_MAX + 1];
	int resumed[KIPC_CALL_PARKED_MAX + 1];
	char replies[KIPC_CALL_PARKED_MAX + 1][8];
};

static struct outcome *out;

static void on_signal(int sig)
{
	__atomic_add_fetch(&out->handled, 1, __ATOMIC_SEQ_CST);
}

static int handled(void)
{
	return __atomic_load_n(&out->handled, __ATOMIC_SEQ_CST);
}

static void set_done(void)
{
	__atomic_store_n(&out->done, 1, __ATOMIC_SEQ_CST);
}

static bool is_done(void)
{
	return __atomic_load_n(&out->done, __ATOMIC_SEQ_CST);
}

static int64_t ts_ns(const struct kipc_timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void call_init(struct kipc_call *c, uint64_t dest, const char *req,
		      char *reply, size_t reply_len)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->dest = dest;
	c->buf = (uintptr_t)req;
	c->len = strlen(req);
	c->reply_buf = (uintptr_t)reply;
	c->reply_buf_len = reply_len;
}

/* Wait (bounded) until the caller's handler ran @n times or its call returned. */
static int wait_handled(int n)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;

	while (handled() < n && !is_done()) {
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return handled() >= n ? 0 : -ECHILD;
}

/* Wait (bounded) until the caller's first call has returned. */
static int wait_done(void)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;

	while (!is_done()) {
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return 0;
}

/* A one-byte pipe read pending in @ring: its completion is task work. */
static int arm_task_work(struct kt_uring *ring, int rfd, char *buf)
{
	struct io_uring_sqe *sqe = kt_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	kt_uring_prep_read(sqe, rfd, buf, 1, 0);
	return kt_uring_submit(ring) == 1 ? 0 : -EIO;
}

/* Wait (bounded) until @ring has a CQE: the task work has run. */
static bool wait_cqe_posted(struct kt_uring *ring)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;

	while (!kt_uring_cq_ready(ring)) {
		if (kt_now_ns() > end)
			return false;
		usleep(1000);
	}
	return true;
}

/*
 * CALL. The test process serves; the caller is a forked child, or the
 * test process itself for task work (which goes to the task that
 * submitted the io_uring request).
 */
FIXTURE(call) {
	int srv;
	uint64_t srv_id;
};

FIXTURE_SETUP(call)
{
	out = kt_shared(sizeof(*out));
	ASSERT_NE(NULL, out);
	self->srv = sys_kipc_open(0);
	ASSERT_GE(self->srv, 0);
	self->srv_id = kt_ep_id(self->srv);
}

FIXTURE_TEARDOWN(call)
{
	close(self->srv);
	munmap(out, sizeof(*out));
}

static int srv_recv(int srv, struct kipc_msg_hdr *hdr)
{
	struct timespec ts = kt_ms(KT_WAIT_MS);
	char buf[32];

	return sys_kipc_recv(srv, buf, sizeof(buf), hdr, 0, &ts);
}

/*
 * Fork a caller that calls the server once, blocking, with a SIGUSR1
 * handler with or without SA_RESTART (or none), and records the outcome;
 * with @resume it issues the struct again if it came back marked
 * KIPC_CALL_RESUME, once told to on @go.
 */
static pid_t start_caller(uint64_t dest, int handler, bool resume, int go)
{
	pid_t pid = kt_fork();

	if (pid == 0) {
		struct kipc_call c;
		char reply[32] = { 0 };
		int fd;
		char ch;

		if (handler >= 0)
			KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, handler) == 0);
		fd = sys_kipc_open(0);
		KT_CHILD_CHECK(fd >= 0);
		call_init(&c, dest, "ping", reply, sizeof(reply));
		out->ret = kt_ioctl(fd, KIPC_IOC_CALL, &c);
		out->flags = c.flags;
		out->token = c.reply_hdr.token;
		out->reply_len = c.reply_len;
		memcpy(out->reply, reply, sizeof(reply));
		set_done();
		if (resume && (c.flags & KIPC_CALL_RESUME)) {
			KT_CHILD_CHECK(read(go, &ch, 1) == 1);
			memset(reply, 0, sizeof(reply));
			out->ret2 = kt_ioctl(fd, KIPC_IOC_CALL, &c);
			out->reply_len = c.reply_len;
			memcpy(out->reply, reply, sizeof(reply));
		}
		_exit(0);
	}
	return pid;
}

/*
 * Ten SA_RESTART signals while the caller waits for its reply: each
 * restarts the call, which keeps waiting for the same request. The reply
 * then reaches it, and the server's REPLY succeeds.
 */
TEST_F(call, sa_restart_signals_do_not_lose_the_reply)
{
	struct kipc_msg_hdr hdr;
	char buf[8];
	pid_t pid;
	int i, ret;

	pid = start_caller(self->srv_id, true, false, -1);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self->srv, &hdr));
	for (i = 1; i <= 10; i++) {
		ret = kt_wait_sleeping(pid);
		if (is_done())
			break;
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, kill(pid, SIGUSR1));
		ASSERT_NE(-ETIMEDOUT, wait_handled(i));
	}
	EXPECT_FALSE(is_done())
		TH_LOG("the CALL returned %d (%s) after signal %d, with SA_RESTART",
		       out->ret, strerror(-out->ret), i - 1);
	EXPECT_EQ(0, sys_kipc_reply(self->srv, hdr.token, "pong", 4))
		TH_LOG("REPLY: the interrupted caller's request is gone");
	ASSERT_EQ(0, kt_wait_exit_ms(pid, KT_WAIT_MS));
	EXPECT_EQ(0, out->ret) TH_LOG("CALL: %s", strerror(-out->ret));
	EXPECT_EQ(4, out->reply_len);
	EXPECT_EQ(0, memcmp(out->reply, "pong", 4));
	EXPECT_EQ(hdr.token, out->token);
	/* The restarts sent nothing. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->srv, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

/*
 * SIGSTOP, then the reply while the caller is stopped, then SIGCONT: the
 * reply is kept for the caller, which collects it when it runs again.
 */
TEST_F(call, sigstop_and_sigcont_do_not_lose_the_reply)
{
	struct kipc_msg_hdr hdr;
	int status;
	char buf[8];
	pid_t pid;

	pid = start_caller(self->srv_id, -1, false, -1);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self->srv, &hdr));
	ASSERT_EQ(0, kt_wait_sleeping(pid));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	EXPECT_EQ(0, sys_kipc_reply(self->srv, hdr.token, "pong", 4))
		TH_LOG("REPLY: the stopped caller's request is gone");
	ASSERT_EQ(0, kill(pid, SIGCONT));
	ASSERT_EQ(0, kt_wait_exit_ms(pid, KT_WAIT_MS));
	EXPECT_EQ(0, out->ret) TH_LOG("CALL after SIGSTOP/SIGCONT: %s", strerror(-out->ret));
	EXPECT_EQ(4, out->reply_len);
	EXPECT_EQ(0, memcmp(out->reply, "pong", 4));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->srv, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
}

struct tw_server {
	int srv;
	int wfd;		/* the pipe io_uring reads */
	pid_t caller;		/* the caller's thread id */
	struct kt_uring *ring;	/* the caller's ring, to see its CQE */
	bool posted;		/* the task work ran before the reply */
	int reply_ret;
	uint64_t token;
};

static void *tw_serve(void *arg)
{
	struct tw_server *s = arg;
	struct kipc_msg_hdr hdr;

	if (srv_recv(s->srv, &hdr) != 4)
		return NULL;
	s->token = hdr.token;
	if (!kt_wait_sleeping(s->caller) && write(s->wfd, "t", 1) == 1)
		s->posted = wait_cqe_posted(s->ring);
	s->reply_ret = sys_kipc_reply(s->srv, hdr.token, "pong", 4);
	return NULL;
}

/*
 * The caller has an io_uring read pending on a pipe. Once its request is
 * received, the pipe is written: the completion is queued as task work
 * on the caller, which interrupts its wait. The server replies only once
 * the CQE is posted (the task work has run); the caller gets the reply.
 */
TEST_F(call, io_uring_task_work_does_not_lose_the_reply)
{
	struct tw_server s = { .srv = self->srv, .reply_ret = 1 };
	struct kt_uring ring;
	struct kipc_call c;
	char reply[32] = { 0 }, rbuf[1];
	pthread_t thread;
	int p[2], cli, ret;

	KT_URING_INIT(&ring, 4);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, arm_task_work(&ring, p[0], rbuf));
	ASSERT_EQ(0, kt_uring_cq_ready(&ring));
	cli = sys_kipc_open(0);
	ASSERT_GE(cli, 0);
	s.wfd = p[1];
	s.caller = gettid();
	s.ring = &ring;
	ASSERT_EQ(0, pthread_create(&thread, NULL, tw_serve, &s));
	call_init(&c, self->srv_id, "ping", reply, sizeof(reply));
	ret = kt_ioctl(cli, KIPC_IOC_CALL, &c);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_TRUE(s.posted) TH_LOG("the io_uring completion was not posted");
	EXPECT_EQ(0, ret) TH_LOG("CALL interrupted by task work: %s", strerror(-ret));
	EXPECT_EQ(0, s.reply_ret) TH_LOG("REPLY: %s", strerror(-s.reply_ret));
	EXPECT_EQ(4, c.reply_len);
	EXPECT_EQ(0, memcmp(reply, "pong", 4));
	EXPECT_EQ(s.token, c.reply_hdr.token);
	close(cli);
	close(p[0]);
	close(p[1]);
	kt_uring_exit(&ring);
}

/*
 * A handler without SA_RESTART: -EINTR, and the struct says how to
 * resume (KIPC_CALL_RESUME, the request's token). The server's REPLY
 * still finds the request; issuing the struct again collects the reply.
 */
TEST_F(call, eintr_then_resume_collects_the_reply)
{
	struct kipc_msg_hdr hdr;
	int go[2];
	char buf[8];
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	pid = start_caller(self->srv_id, false, true, go[0]);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self->srv, &hdr));
	ASSERT_EQ(0, kt_wait_sleeping(pid));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, wait_handled(1));
	ASSERT_EQ(0, wait_done());
	EXPECT_EQ(-EINTR, out->ret);
	EXPECT_TRUE(out->flags & KIPC_CALL_RESUME)
		TH_LOG("after -EINTR the struct's flags are %#x: no KIPC_CALL_RESUME",
		       out->flags);
	EXPECT_EQ(hdr.token, out->token)
		TH_LOG("after -EINTR reply_hdr.token is not the request's token");
	EXPECT_EQ(0, sys_kipc_reply(self->srv, hdr.token, "late", 4))
		TH_LOG("REPLY: the interrupted caller's request is gone");
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, kt_wait_exit_ms(pid, KT_WAIT_MS));
	if (out->flags & KIPC_CALL_RESUME) {
		EXPECT_EQ(0, out->ret2) TH_LOG("resumed CALL: %s", strerror(-out->ret2));
		EXPECT_EQ(4, out->reply_len);
		EXPECT_EQ(0, memcmp(out->reply, "late", 4));
	}
	/* Resuming sent nothing. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->srv, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	close(go[0]);
	close(go[1]);
}

/* KIPC_CALL_RESUME with a token this endpoint has nothing parked for. */
TEST_F(call, resume_of_an_unknown_token_is_enoent)
{
	static const uint64_t tokens[] = { 0, 1, UINT64_MAX };
	struct kipc_call c;
	char reply[8], buf[8];
	unsigned int i;
	int cli;

	cli = sys_kipc_open(0);
	ASSERT_GE(cli, 0);
	for (i = 0; i < KT_ARRAY_SIZE(tokens); i++) {
		call_init(&c, self->srv_id, "ping", reply, sizeof(reply));
		/* Were a request sent, nobody would answer it: bound the wait. */
		c.flags = KIPC_CALL_RESUME | KIPC_TIMEOUT;
		c.timeout.tv_sec = 1;
		c.reply_hdr.token = tokens[i];
		EXPECT_EQ(-ENOENT, kt_ioctl(cli, KIPC_IOC_CALL, &c))
			TH_LOG("token %#llx", (unsigned long long)tokens[i]);
	}
	/* None of them sent a request. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->srv, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	close(cli);
}

/*
 * One endpoint, KIPC_CALL_PARKED_MAX + 1 calls each interrupted (no
 * SA_RESTART): the oldest is abandoned (its REPLY: -ENOENT, its resume:
 * -ENOENT), the others are kept and each resume gets its own reply.
 */
TEST_F(call, an_endpoint_keeps_sixteen_interrupted_calls)
{
	const int n = KIPC_CALL_PARKED_MAX + 1;
	struct kipc_msg_hdr hdr;
	uint64_t tokens[KIPC_CALL_PARKED_MAX + 1];
	int go[2], i, ret, marked, replied;
	char rep[8];
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kipc_call c[KIPC_CALL_PARKED_MAX + 1];
		char reply[KIPC_CALL_PARKED_MAX + 1][8];
		int fd, j;
		char ch;

		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		fd = sys_kipc_open(0);
		KT_CHILD_CHECK(fd >= 0);
		for (j = 0; j < n; j++) {
			call_init(&c[j], self->srv_id, "req", reply[j], sizeof(reply[j]));
			out->rets[j] = kt_ioctl(fd, KIPC_IOC_CALL, &c[j]);
			out->flagss[j] = c[j].flags;
		}
		set_done();
		KT_CHILD_CHECK(read(go[0], &ch, 1) == 1);
		for (j = 0; j < n; j++) {
			/* Only a marked struct may be issued again: else it is a new call. */
			if (!(c[j].flags & KIPC_CALL_RESUME))
				continue;
			memset(reply[j], 0, sizeof(reply[j]));
			out->resumed[j] = kt_ioctl(fd, KIPC_IOC_CALL, &c[j]);
			memcpy(out->replies[j], reply[j], sizeof(reply[j]));
		}
		_exit(0);
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(3, srv_recv(self->srv, &hdr)) TH_LOG("request %d", i);
		tokens[i] = hdr.token;
		ASSERT_EQ(0, kt_wait_sleeping(pid));
		ASSERT_EQ(0, kill(pid, SIGUSR1));
		ASSERT_EQ(0, wait_handled(i + 1));
	}
	ASSERT_EQ(0, wait_done());
	for (i = 0, marked = 0; i < n; i++) {
		EXPECT_EQ(-EINTR, out->rets[i]) TH_LOG("call %d", i);
		marked += !!(out->flagss[i] & KIPC_CALL_RESUME);
	}
	EXPECT_EQ(n, marked) TH_LOG("%d of %d interrupted calls marked KIPC_CALL_RESUME",
				    marked, n);
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->srv, tokens[0], "r0", 2))
		TH_LOG("the oldest of %d interrupted calls was kept", n);
	for (i = 1, replied = 0; i < n; i++) {
		snprintf(rep, sizeof(rep), "r%d", i);
		ret = sys_kipc_reply(self->srv, tokens[i], rep, strlen(rep));
		replied += !ret;
		if (ret && replied == i - 1)
			TH_LOG("REPLY to interrupted call %d: %s", i, strerror(-ret));
	}
	EXPECT_EQ(n - 1, replied) TH_LOG("%d of the %d newest interrupted calls kept",
					 replied, n - 1);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, kt_wait_exit_ms(pid, KT_WAIT_MS));
	if (out->flagss[0] & KIPC_CALL_RESUME) {
		EXPECT_EQ(-ENOENT, out->resumed[0]);
	}
	for (i = 1; i < n; i++) {
		if (!(out->flagss[i] & KIPC_CALL_RESUME))
			continue;
		snprintf(rep, sizeof(rep), "r%d", i);
		EXPECT_EQ(0, out->resumed[i]) TH_LOG("resume of call %d: %s", i,
						     strerror(-out->resumed[i]));
		EXPECT_STREQ(rep, out->replies[i]);
	}
	close(go[0]);
	close(go[1]);
}

/*
 * A relative timeout under a stream of SA_RESTART signals: the call must
 * still end with -ETIMEDOUT. A kernel that restarts the timeout afresh
 * each time never ends it; one that refuses to restart gives -EINTR.
 */
static void signal_stream(struct __test_metadata *_metadata, pid_t pid)
{
	int64_t end = kt_now_ns() + STREAM_WATCHDOG_MS * 1000000LL;
	int status = -ETIMEDOUT;
	int sent = 0;

	ASSERT_EQ(0, kt_wait_sleeping(pid));
	while (kt_now_ns() < end) {
		kill(pid, SIGUSR1);
		sent++;
		status = kt_wait_exit_ms(pid, 2);
		if (status != -ETIMEDOUT)
			break;
	}
	if (status == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		kt_wait_exit(pid);
	}
	EXPECT_NE(-ETIMEDOUT, status)
		TH_LOG("a %d ms relative timeout still waits after %d s of %d SA_RESTART signals",
		       STREAM_TIMEOUT_MS, STREAM_WATCHDOG_MS / 1000, sent);
	EXPECT_EQ(0, status);
	EXPECT_GE(handled(), 1);
}

TEST_F_TIMEOUT(call, relative_timeout_ends_under_sa_restart_signals, 60)
{
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kipc_call c;
		char reply[8];
		int fd;

		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, true) == 0);
		fd = sys_kipc_open(0);
		KT_CHILD_CHECK(fd >= 0);
		call_init(&c, self->srv_id, "ping", reply, sizeof(reply));
		c.flags = KIPC_TIMEOUT;
		c.timeout.tv_nsec = STREAM_TIMEOUT_MS * 1000000L;
		out->ret = kt_ioctl(fd, KIPC_IOC_CALL, &c);
		_exit(0);
	}
	signal_stream(_metadata, pid);
	EXPECT_EQ(-ETIMEDOUT, out->ret)
		TH_LOG("CALL with a relative timeout under SA_RESTART signals: %s",
		       strerror(-out->ret));
}

/* SEND, RECV, XFER and RING_WAIT with a relative timeout. */
enum op { OP_SEND, OP_RECV, OP_XFER, OP_RING_WAIT };

FIXTURE(timed) {
	int ep, mfd, ring;
	uint64_t mb, ring_id;
};

FIXTURE_VARIANT(timed) {
	enum op op;
	const char *name;
};

FIXTURE_VARIANT_ADD(timed, send) {
	.op = OP_SEND, .name = "SEND",
};

FIXTURE_VARIANT_ADD(timed, recv) {
	.op = OP_RECV, .name = "RECV",
};

FIXTURE_VARIANT_ADD(timed, xfer) {
	.op = OP_XFER, .name = "XFER",
};

FIXTURE_VARIANT_ADD(timed, ring_wait) {
	.op = OP_RING_WAIT, .name = "RING_WAIT",
};

FIXTURE_SETUP(timed)
{
	struct kipc_ring_attach at = {
		.size = sizeof(at), .role = KIPC_RING_ROLE_CONSUMER,
	};

	self->ring = -1;
	self->ring_id = 0;
	out = kt_shared(sizeof(*out));
	ASSERT_NE(NULL, out);
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	/* One slot, taken: a send waits for room, a receive for a message. */
	self->mfd = kt_mbox(self->ep, NULL, 1, 0600, &self->mb);
	ASSERT_GE(self->mfd, 0);
	if (variant->op == OP_SEND) {
		ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "full", 4, 0, KIPC_NONBLOCK, NULL));
	}
	if (variant->op == OP_RING_WAIT) {
		/* A consumer of a ring nothing is ever produced into. */
		ASSERT_EQ(0, sys_kipc_ring_create(self->ep, NULL, 4, 64, KIPC_RING_SPSC,
					      0600, &self->ring_id));
		at.id = self->ring_id;
		self->ring = kt_ioctl(self->ep, KIPC_IOC_RING_ATTACH, &at);
		ASSERT_GE(self->ring, 0);
	}
}

FIXTURE_TEARDOWN(timed)
{
	if (self->ring >= 0)
		close(self->ring);
	if (self->ring_id)
		sys_kipc_ring_delete(self->ep, NULL, self->ring_id);
	close(self->mfd);
	close(self->ep);
	munmap(out, sizeof(*out));
}

/* The variant's call, waiting at most @ms; *@left is its timeout after. */
static int timed_op(FIXTURE_DATA(timed) *self, enum op op, long ms,
		    struct kipc_timespec *left)
{
	struct kipc_timespec ts = { .tv_sec = ms / 1000,
				    .tv_nsec = (ms % 1000) * 1000000L };
	struct kipc_mmsg e = { 0 };
	char buf[16];
	int ret;

	e.buf = (uintptr_t)buf;
	e.buf_len = sizeof(buf);
	switch (op) {
	case OP_SEND: {
		struct kipc_send s = {
			.size = sizeof(s), .flags = KIPC_TIMEOUT,
			.buf = (uintptr_t)"new", .len = 3, .timeout = ts,
		};

		ret = kt_ioctl(self->mfd, KIPC_IOC_SEND, &s);
		*left = s.timeout;
		return ret;
	}
	case OP_RECV: {
		struct kipc_recv r = {
			.size = sizeof(r), .flags = KIPC_TIMEOUT,
			.buf = (uintptr_t)buf, .buf_len = sizeof(buf), .timeout = ts,
		};

		ret = kt_ioctl(self->mfd, KIPC_IOC_RECV, &r);
		*left = r.timeout;
		return ret ? ret : (int)r.len;
	}
	case OP_XFER: {
		struct kipc_xfer x = {
			.size = sizeof(x), .flags = KIPC_TIMEOUT,
			.recv_msgs = (uintptr_t)&e, .recv_count = 1,
			.entry_size = sizeof(e), .timeout = ts,
		};

		ret = kt_ioctl(self->mfd, KIPC_IOC_XFER, &x);
		*left = x.timeout;
		return ret ? ret : (int)x.received;
	}
	case OP_RING_WAIT: {
		struct kipc_ring_wait w = {
			.size = sizeof(w),
			.flags = KIPC_RING_WAIT_READABLE | KIPC_TIMEOUT,
			.timeout = ts,
		};

		ret = kt_ioctl(self->ring, KIPC_IOC_RING_WAIT, &w);
		*left = w.timeout;
		return ret;
	}
	}
	return -EINVAL;
}

TEST_F_TIMEOUT(timed, relative_timeout_ends_under_sa_restart_signals, 60)
{
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kipc_timespec left;

		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, true) == 0);
		out->ret = timed_op(self, variant->op, STREAM_TIMEOUT_MS, &left);
		_exit(0);
	}
	signal_stream(_metadata, pid);
	EXPECT_EQ(-ETIMEDOUT, out->ret)
		TH_LOG("%s with a relative timeout under SA_RESTART signals: %s",
		       variant->name, strerror(-out->ret));
}

/*
 * A handler without SA_RESTART: -EINTR, and @timeout now holds the time
 * left, which is less than the original and no less than the original
 * minus the time the call took.
 */
TEST_F(timed, eintr_writes_back_the_time_left)
{
	const long ms = 60000;
	int64_t left;
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int64_t t0;

		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		t0 = kt_now_ns();
		out->ret = timed_op(self, variant->op, ms, &out->left);
		out->elapsed_ns = kt_now_ns() - t0;
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_sleeping(pid));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, kt_wait_exit_ms(pid, KT_WAIT_MS));
	ASSERT_EQ(-EINTR, out->ret) TH_LOG("%s: %s", variant->name, strerror(-out->ret));
	left = ts_ns(&out->left);
	EXPECT_TRUE(out->left.tv_nsec >= 0 && out->left.tv_nsec < 1000000000L);
	EXPECT_LT(left, ms * 1000000LL)
		TH_LOG("%s: @timeout not written back after -EINTR (still %lld.%09lld s)",
		       variant->name, (long long)out->left.tv_sec,
		       (long long)out->left.tv_nsec);
	EXPECT_GE(left, ms * 1000000LL - out->elapsed_ns)
		TH_LOG("%s: %lld ns left, but the call took only %lld ns of %ld ms",
		       variant->name, (long long)left, (long long)out->elapsed_ns, ms);
}

struct tw_helper {
	FIXTURE_DATA(timed) *self;
	enum op op;
	int wfd;
	pid_t caller;
	struct kt_uring *ring;
	bool posted;
	int ret;		/* what the helper's own step returned */
};

/*
 * Once the caller sleeps: queue task work on it, wait until it has run,
 * then let the call complete (a message to receive, room to send, the
 * ring deleted).
 */
static void *tw_help(void *arg)
{
	struct tw_helper *h = arg;
	FIXTURE_DATA(timed) *self = h->self;
	char buf[16];

	h->ret = kt_wait_sleeping(h->caller);
	if (h->ret)
		return NULL;
	if (write(h->wfd, "t", 1) == 1)
		h->posted = wait_cqe_posted(h->ring);
	switch (h->op) {
	case OP_SEND:
		h->ret = sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL);
		break;
	case OP_RECV:
	case OP_XFER:
		h->ret = sys_kipc_send(self->mfd, 0, "msg", 3, 0, KIPC_NONBLOCK, NULL);
		break;
	case OP_RING_WAIT:
		h->ret = sys_kipc_ring_delete(self->ep, NULL, self->ring_id);
		if (!h->ret)
			self->ring_id = 0;
		break;
	}
	return NULL;
}

/*
 * io_uring task work lands on the task while it waits with a relative
 * timeout: the wait goes on (with the time left) and completes, never
 * -EINTR.
 */
TEST_F(timed, io_uring_task_work_gives_no_eintr)
{
	struct tw_helper h = { .self = self, .op = variant->op };
	struct kipc_timespec left;
	struct kt_uring ring;
	pthread_t thread;
	char rbuf[1];
	int p[2], ret, want;

	KT_URING_INIT(&ring, 4);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, arm_task_work(&ring, p[0], rbuf));
	ASSERT_EQ(0, kt_uring_cq_ready(&ring));
	h.wfd = p[1];
	h.caller = gettid();
	h.ring = &ring;
	ASSERT_EQ(0, pthread_create(&thread, NULL, tw_help, &h));
	ret = timed_op(self, variant->op, KT_WAIT_MS, &left);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(0, h.ret < 0 ? h.ret : 0) TH_LOG("helper: %s", strerror(-h.ret));
	EXPECT_TRUE(h.posted) TH_LOG("the io_uring completion was not posted");
	/* SEND: sent; RECV: 3 bytes; XFER: 1 message; RING_WAIT: deleted. */
	want = variant->op == OP_SEND ? 0 : variant->op == OP_RECV ? 3 :
	       variant->op == OP_XFER ? 1 : -EIDRM;
	EXPECT_EQ(want, ret) TH_LOG("%s interrupted by task work: %s", variant->name,
				    ret < 0 ? strerror(-ret) : "a result");
	close(p[0]);
	close(p[1]);
	kt_uring_exit(&ring);
}

TEST_HARNESS_MAIN
