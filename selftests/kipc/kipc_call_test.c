// SPDX-License-Identifier: GPL-2.0
/*
 * Request/reply: KIPC_IOC_CALL and KIPC_IOC_REPLY, to an endpoint and
 * through a mailbox. The test process is the server; clients are forked
 * children that report what their call returned through shared memory.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

struct call_res {
	int ret;
	uint64_t client_id;
	struct kipc_msg_hdr hdr;
	char reply[64];
};

FIXTURE(call) {
	int srv_ep;		/* the server endpoint */
	int srv_rx;		/* where it receives requests: srv_ep or a mailbox fd */
	int creator;		/* mailbox variant: the endpoint that created the mailbox */
	uint64_t srv_id, dest;
	unsigned int send_flags;
	struct call_res *res;	/* shared with the clients, 4 slots */
};

FIXTURE_VARIANT(call) {
	bool mailbox;
};

FIXTURE_VARIANT_ADD(call, direct) {
	.mailbox = false,
};

FIXTURE_VARIANT_ADD(call, mailbox) {
	.mailbox = true,
};

FIXTURE_SETUP(call)
{
	struct kt_mbox_attr attr = { .max_msgs = 8, .mode = 0666 };
	uint64_t mb;
	int mfd;

	self->res = kt_shared(4 * sizeof(*self->res));
	ASSERT_NE(NULL, self->res);
	self->srv_ep = sys_kipc_open(0);
	ASSERT_GE(self->srv_ep, 0);
	self->srv_id = kt_ep_id(self->srv_ep);
	self->creator = -1;
	if (variant->mailbox) {
		/*
		 * Created by another endpoint and not owned, so the server
		 * endpoint can die without taking the mailbox with it.
		 */
		self->creator = sys_kipc_open(0);
		ASSERT_GE(self->creator, 0);
		mfd = sys_kipc_mbox_create(self->creator, NULL, &attr, &mb);
		ASSERT_GE(mfd, 0);
		close(mfd);
		self->srv_rx = sys_kipc_mbox_open_id(self->srv_ep, mb);
		ASSERT_GE(self->srv_rx, 0);
		self->dest = mb;
		self->send_flags = KIPC_SEND_MAILBOX;
	} else {
		self->srv_rx = self->srv_ep;
		self->dest = self->srv_id;
		self->send_flags = 0;
	}
}

FIXTURE_TEARDOWN(call)
{
	if (self->creator >= 0) {
		sys_kipc_mbox_delete(self->creator, self->dest);
		close(self->creator);
	}
	if (self->srv_rx >= 0 && self->srv_rx != self->srv_ep)
		close(self->srv_rx);
	if (self->srv_ep >= 0)
		close(self->srv_ep);
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal++;
}

/*
 * Fork a client that calls the server with @req and a reply buffer of
 * @reply_len bytes, and stores the outcome in @res.
 */
static pid_t start_client(FIXTURE_DATA(call) *self, struct call_res *res,
			  const char *req, size_t reply_len, unsigned int flags,
			  long timeout_ms, bool handler)
{
	pid_t pid = fork();
	struct timespec ts;
	int fd;

	if (pid)
		return pid;
	/* The client must not keep the server's endpoint alive. */
	if (self->srv_rx >= 0 && self->srv_rx != self->srv_ep)
		close(self->srv_rx);
	if (self->srv_ep >= 0)
		close(self->srv_ep);
	fd = sys_kipc_open(0);
	KT_CHILD_CHECK(fd >= 0);
	res->client_id = kt_ep_id(fd);
	if (handler)
		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, true) == 0);
	if (flags & O_NONBLOCK) {
		KT_CHILD_CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
		flags &= ~O_NONBLOCK;
	}
	ts = kt_ms(timeout_ms);
	res->ret = sys_kipc_call(fd, self->dest, req, strlen(req), 5, res->reply,
			     reply_len, &res->hdr, flags | self->send_flags,
			     timeout_ms ? &ts : NULL);
	_exit(0);
}

/* Receive one request on the server, waiting a bounded time. */
static int srv_recv(FIXTURE_DATA(call) *self, char *buf, size_t len,
		    struct kipc_msg_hdr *hdr, unsigned int flags)
{
	struct timespec ts = kt_ms(KT_WAIT_MS);

	return sys_kipc_recv(self->srv_rx, buf, len, hdr, flags, &ts);
}

TEST_F(call, request_and_reply)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "ping", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	EXPECT_TRUE(hdr.flags & KIPC_MSG_REQUEST);
	EXPECT_NE(0, hdr.token);
	EXPECT_EQ(sizeof(res->reply), hdr.reply_max);
	EXPECT_EQ(0, hdr.timeout_ms);	/* the client waits without a limit */
	EXPECT_EQ(5, hdr.priority);
	EXPECT_EQ(pid, hdr.sender_pid);
	EXPECT_EQ(variant->mailbox ? self->dest : 0, hdr.mailbox_id);
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "pong!", 5));
	ASSERT_EQ(0, kt_wait_exit(pid));

	EXPECT_EQ(5, res->ret);
	EXPECT_EQ(0, memcmp(res->reply, "pong!", 5));
	EXPECT_EQ(res->client_id, hdr.sender_id);
	EXPECT_EQ(self->srv_id, res->hdr.sender_id);
	EXPECT_EQ(hdr.token, res->hdr.token);
	EXPECT_EQ(0, res->hdr.mailbox_id);
	EXPECT_EQ(5, res->hdr.len);
	EXPECT_EQ(getpid(), res->hdr.sender_pid);
	EXPECT_EQ(0, res->hdr.timeout_ms);
}

/*
 * A request carries what is left of its caller's timeout, so a server
 * that forwards it can pass the deadline on; it only ever shrinks.
 */
TEST_F(call, caller_deadline_in_header)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr peek, hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "ping", sizeof(res->reply), 0, 60000, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &peek, KIPC_RECV_PEEK));
	EXPECT_GT(peek.timeout_ms, 0);
	EXPECT_LE(peek.timeout_ms, 60000);
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	EXPECT_EQ(peek.token, hdr.token);
	EXPECT_GT(hdr.timeout_ms, 0);
	EXPECT_LE(hdr.timeout_ms, peek.timeout_ms);
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "pong", 4));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(4, res->ret);
	/* The reply is no request: no deadline. */
	EXPECT_EQ(0, res->hdr.timeout_ms);
}

TEST_F(call, empty_reply)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "q", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(1, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, NULL, 0));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(0, res->ret);
	EXPECT_EQ(0, res->hdr.len);
}

TEST_F(call, reply_on_the_other_fd_of_the_server)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	int other;
	pid_t pid;

	/* Direct: a mailbox fd opened through the server; mailbox: the endpoint. */
	if (variant->mailbox) {
		other = self->srv_ep;
	} else {
		other = kt_mbox(self->srv_ep, NULL, 1, 0600, NULL);
		ASSERT_GE(other, 0);
	}
	pid = start_client(self, res, "ask", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(3, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	ASSERT_EQ(0, sys_kipc_reply(other, hdr.token, "ok", 2));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(2, res->ret);
	EXPECT_EQ(self->srv_id, res->hdr.sender_id);
	if (!variant->mailbox)
		close(other);
}

TEST_F(call, reply_larger_than_reply_max)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "small", 4, 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(5, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	EXPECT_EQ(4, hdr.reply_max);
	EXPECT_EQ(-EMSGSIZE, sys_kipc_reply(self->srv_rx, hdr.token, "12345", 5));
	/* The request is still outstanding: a fitting reply goes through. */
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "1234", 4));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(4, res->ret);
	EXPECT_EQ(0, memcmp(res->reply, "1234", 4));
}

TEST_F(call, reply_only_once)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "once", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "a", 1));
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->srv_rx, hdr.token, "b", 1));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(1, res->ret);
	EXPECT_EQ('a', res->reply[0]);
}

TEST_F(call, unknown_token)
{
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->srv_rx, 0, "x", 1));
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->srv_rx, UINT64_MAX, "x", 1));
}

TEST_F(call, only_the_receiving_endpoint_may_reply)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	int other;
	pid_t pid;

	other = sys_kipc_open(0);
	ASSERT_GE(other, 0);
	pid = start_client(self, res, "who", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(3, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	EXPECT_EQ(-ENOENT, sys_kipc_reply(other, hdr.token, "imposter", 8));
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "me", 2));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(2, res->ret);
	EXPECT_EQ(0, memcmp(res->reply, "me", 2));
	close(other);
}

TEST_F(call, peeked_request_is_not_yet_received)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr peek, hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "peek", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &peek, KIPC_RECV_PEEK));
	EXPECT_NE(0, peek.token);
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->srv_rx, peek.token, "early", 5));
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	EXPECT_EQ(peek.token, hdr.token);
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "late", 4));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(4, res->ret);
}

TEST_F(call, concurrent_callers_get_their_own_replies)
{
	struct kipc_msg_hdr hdr[3];
	char buf[3][64];
	uint64_t tokens[3];
	pid_t pid[3];
	int i, j;

	for (i = 0; i < 3; i++) {
		char req[8];

		snprintf(req, sizeof(req), "req%d", i);
		pid[i] = start_client(self, &self->res[i], req, 64, 0, 0, false);
		ASSERT_GE(pid[i], 0);
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(4, srv_recv(self, buf[i], sizeof(buf[i]), &hdr[i], 0));
		tokens[i] = hdr[i].token;
		for (j = 0; j < i; j++)
			EXPECT_NE(tokens[j], tokens[i]);
	}
	/* Answer in reverse order, echoing each request. */
	for (i = 2; i >= 0; i--)
		ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr[i].token, buf[i], 4));
	for (i = 0; i < 3; i++) {
		char want[8];

		ASSERT_EQ(0, kt_wait_exit(pid[i]));
		snprintf(want, sizeof(want), "req%d", i);
		EXPECT_EQ(4, self->res[i].ret);
		EXPECT_EQ(0, memcmp(self->res[i].reply, want, 4));
	}
}

TEST_F(call, server_closes_after_receiving)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "die", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(3, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	/* Destroy the server endpoint: every fd of it. */
	if (self->srv_rx != self->srv_ep)
		close(self->srv_rx);
	close(self->srv_ep);
	self->srv_rx = self->srv_ep = -1;
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-ECONNRESET, res->ret);
}

TEST_F(call, server_dies_after_receiving)
{
	struct call_res *res = &self->res[0];
	pid_t srv, pid;

	/* The server is a process of its own that exits mid-request. */
	srv = fork();
	ASSERT_GE(srv, 0);
	if (srv == 0) {
		struct kipc_msg_hdr hdr;
		char buf[64];

		KT_CHILD_CHECK(srv_recv(self, buf, sizeof(buf), &hdr, 0) == 3);
		_exit(0);
	}
	if (self->srv_rx != self->srv_ep)
		close(self->srv_rx);
	close(self->srv_ep);
	self->srv_rx = self->srv_ep = -1;

	pid = start_client(self, res, "die", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	EXPECT_EQ(0, kt_wait_exit(srv));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-ECONNRESET, res->ret);
}

TEST_F(call, server_closes_with_request_queued)
{
	struct call_res *res = &self->res[0];
	pid_t pid;

	if (variant->mailbox)
		SKIP(return, "a request queued in a mailbox does not depend on the server");
	pid = start_client(self, res, "queued", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, kt_wait_depth(self->srv_ep, 0, 1));
	close(self->srv_ep);
	self->srv_rx = self->srv_ep = -1;
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-ECONNRESET, res->ret);
}

TEST_F(call, mailbox_deleted_with_request_queued)
{
	struct call_res *res = &self->res[0];
	pid_t pid;

	if (!variant->mailbox)
		SKIP(return, "mailbox only");
	pid = start_client(self, res, "queued", sizeof(res->reply), 0, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, kt_wait_depth(self->srv_rx, 0, 1));
	ASSERT_EQ(0, sys_kipc_mbox_delete(self->srv_rx, 0));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-EIDRM, res->ret);
}

TEST_F(call, timeout_then_late_reply_is_enoent)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	int64_t t0, t1;
	char buf[64];
	pid_t pid;

	t0 = kt_now_ns();
	pid = start_client(self, res, "slow", sizeof(res->reply), 0, 200, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, kt_wait_exit(pid));
	t1 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, res->ret);
	EXPECT_GE(t1 - t0, 190 * 1000000LL);
	/* The request may still be received; its reply has nobody to go to. */
	if (srv_recv(self, buf, sizeof(buf), &hdr, KIPC_NONBLOCK) == 4)
		EXPECT_EQ(-ENOENT, sys_kipc_reply(self->srv_rx, hdr.token, "late", 4));
}

/*
 * Callers that give up while the server answers: deadlines from 1 us to
 * 65 ms race each REPLY. Whatever the interleaving, a REPLY that succeeded
 * reached its caller and one that found nothing (-ENOENT) went to a caller
 * that timed out, never both or neither. Two callers at once, so that on
 * two CPUs the server's lock and the callers' meet.
 */
#define RACE_CALLERS	2
#define RACE_CALLS	1500

struct race_rec {
	int call_ret;		/* the caller's outcome */
	int reply_ret;		/* what the server's REPLY returned */
	bool received;
};

static void race_caller(FIXTURE_DATA(call) *self, struct race_rec *rec,
			int *finished, uint32_t c)
{
	uint32_t i;
	int fd;

	if (self->srv_rx != self->srv_ep)
		close(self->srv_rx);
	close(self->srv_ep);
	fd = sys_kipc_open(0);
	KT_CHILD_CHECK(fd >= 0);
	for (i = 0; i < RACE_CALLS; i++) {
		struct timespec ts = { .tv_nsec = 1000L << ((i * 7 + c) % 17) };
		uint32_t req[2] = { c, i }, ans[2] = { 0, 0 };
		int ret;

		ret = sys_kipc_call(fd, self->dest, req, sizeof(req), 0, ans,
				    sizeof(ans), NULL, self->send_flags, &ts);
		KT_CHILD_CHECK(ret == sizeof(ans) || ret == -ETIMEDOUT);
		if (ret > 0)
			KT_CHILD_CHECK(ans[0] == c && ans[1] == i);
		rec[c * RACE_CALLS + i].call_ret = ret;
	}
	__atomic_add_fetch(finished, 1, __ATOMIC_SEQ_CST);
	_exit(0);
}

TEST_F(call, timeouts_racing_replies_agree)
{
	int64_t end = kt_now_ns() + 60 * 1000000000LL;
	int i, answered = 0, abandoned = 0, unseen = 0;
	pid_t pid[RACE_CALLERS];
	struct race_rec *rec;
	int *finished;

	rec = kt_shared(RACE_CALLERS * RACE_CALLS * sizeof(*rec) + sizeof(int));
	ASSERT_NE(NULL, rec);
	finished = (int *)&rec[RACE_CALLERS * RACE_CALLS];
	for (i = 0; i < RACE_CALLERS; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (pid[i] == 0)
			race_caller(self, rec, finished, i);
	}
	/*
	 * Serve until the callers are done and their queue is empty: a
	 * request whose caller gave up stays queued, one whose send timed
	 * out never was.
	 */
	for (;;) {
		bool done = __atomic_load_n(finished, __ATOMIC_SEQ_CST) ==
			    RACE_CALLERS;
		struct timespec ts = kt_ms(20);
		struct kipc_msg_hdr hdr;
		uint32_t req[2];
		struct race_rec *r;
		int ret;

		ret = sys_kipc_recv(self->srv_rx, req, sizeof(req), &hdr,
				    done ? KIPC_NONBLOCK : 0, done ? NULL : &ts);
		if (ret == -EAGAIN && done)
			break;
		if (ret == -ETIMEDOUT) {
			ASSERT_LT(kt_now_ns(), end);
			continue;
		}
		ASSERT_EQ(sizeof(req), ret);
		ASSERT_LT(req[0], RACE_CALLERS);
		ASSERT_LT(req[1], RACE_CALLS);
		r = &rec[req[0] * RACE_CALLS + req[1]];
		ASSERT_FALSE(r->received);
		r->received = true;
		r->reply_ret = sys_kipc_reply(self->srv_rx, hdr.token, req,
					      sizeof(req));
		ASSERT_TRUE(r->reply_ret == 0 || r->reply_ret == -ENOENT);
	}
	for (i = 0; i < RACE_CALLERS; i++)
		ASSERT_EQ(0, kt_wait_exit(pid[i]));
	for (i = 0; i < RACE_CALLERS * RACE_CALLS; i++) {
		if (rec[i].received && rec[i].reply_ret == 0) {
			EXPECT_EQ(8, rec[i].call_ret);
			answered++;
		} else {
			EXPECT_EQ(-ETIMEDOUT, rec[i].call_ret);
			abandoned++;
			unseen += !rec[i].received;
		}
	}
	TH_LOG("%d answered, %d given up (%d never received)", answered,
	       abandoned, unseen);
	/* 1 us is too short for any reply, 65 ms long enough for most. */
	EXPECT_GT(answered, 0);
	EXPECT_GT(abandoned, 0);
}

/* A signal after the request went out does not lose the reply. */
TEST_F(call, interrupted_call_keeps_its_reply)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "intr", sizeof(res->reply), 0, 0, true);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	kt_sleep_ms(100);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	kt_sleep_ms(100);
	EXPECT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "pong!", 5));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(5, res->ret);
	EXPECT_EQ(0, memcmp(res->reply, "pong!", 5));
	EXPECT_EQ(hdr.token, res->hdr.token);
}

/* Without SA_RESTART: -EINTR, and sys_kipc_call_resume() collects the reply. */
TEST_F(call, eintr_then_resume)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kipc_msg_hdr rh;
		int fd;

		if (self->srv_rx >= 0 && self->srv_rx != self->srv_ep)
			close(self->srv_rx);
		close(self->srv_ep);
		fd = sys_kipc_open(0);
		KT_CHILD_CHECK(fd >= 0);
		KT_CHILD_CHECK(kt_sigaction(SIGUSR1, on_signal, false) == 0);
		KT_CHILD_CHECK(sys_kipc_call(fd, self->dest, "intr", 4, 0, res->reply,
					 sizeof(res->reply), &rh, self->send_flags,
					 NULL) == -EINTR);
		KT_CHILD_CHECK(rh.token != 0);
		KT_CHILD_CHECK(sys_kipc_call_resume(fd, rh.token + 1, res->reply,
						sizeof(res->reply), NULL) == -ENOENT);
		KT_CHILD_CHECK(sys_kipc_call_resume(fd, rh.token, res->reply, 1,
						NULL) == -EMSGSIZE);
		res->ret = sys_kipc_call_resume(fd, rh.token, res->reply,
					    sizeof(res->reply), &res->hdr);
		KT_CHILD_CHECK(sys_kipc_call_resume(fd, rh.token, res->reply,
						sizeof(res->reply), NULL) == -ENOENT);
		_exit(0);
	}
	ASSERT_EQ(4, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	kt_sleep_ms(200);
	EXPECT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "late!", 5));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(5, res->ret);
	EXPECT_EQ(0, memcmp(res->reply, "late!", 5));
	EXPECT_EQ(hdr.token, res->hdr.token);
}

TEST_F(call, o_nonblock_is_ignored)
{
	struct call_res *res = &self->res[0];
	struct kipc_msg_hdr hdr;
	char buf[64];
	pid_t pid;

	pid = start_client(self, res, "nb", sizeof(res->reply), O_NONBLOCK, 0, false);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(2, srv_recv(self, buf, sizeof(buf), &hdr, 0));
	ASSERT_EQ(0, sys_kipc_reply(self->srv_rx, hdr.token, "waited", 6));
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(6, res->ret);
}

TEST_F(call, invalid_flags)
{
	char reply[8];
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, sys_kipc_call(fd, self->dest, "x", 1, 0, reply, sizeof(reply), NULL,
				     self->send_flags | KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EINVAL, sys_kipc_call(fd, self->dest, "x", 1, 0, reply, sizeof(reply), NULL,
				     self->send_flags | KIPC_SEND_SYNC, NULL));
	EXPECT_EQ(-EINVAL, sys_kipc_call(fd, self->dest, "x", 1, KIPC_PRIO_MAX + 1, reply,
				     sizeof(reply), NULL, self->send_flags, NULL));
	/* None of them queued a request. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->srv_rx, reply, sizeof(reply), NULL, KIPC_NONBLOCK, NULL));
	close(fd);
}

TEST_F(call, unknown_destination)
{
	char reply[8];
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(variant->mailbox ? -ENOENT : -ESRCH,
		  sys_kipc_call(fd, UINT64_MAX, "x", 1, 0, reply, sizeof(reply), NULL,
			    self->send_flags, NULL));
	close(fd);
}

TEST_F(call, plain_message_has_no_token)
{
	struct kipc_msg_hdr hdr;
	char buf[8];
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, sys_kipc_send(fd, self->dest, "p", 1, 0, self->send_flags | KIPC_NONBLOCK, NULL));
	ASSERT_EQ(1, sys_kipc_recv(self->srv_rx, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, hdr.token);
	EXPECT_FALSE(hdr.flags & KIPC_MSG_REQUEST);
	EXPECT_EQ(0, hdr.reply_max);
	close(fd);
}

TEST_HARNESS_MAIN
