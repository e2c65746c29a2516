// SPDX-License-Identifier: GPL-2.0
/*
 * Chaos: processes killed in every wait state, fds closed under a blocked
 * thread, epoll registrations outliving their fds and objects, module
 * unload with fds open, fork with open endpoints and rings.
 *
 * Each SIGKILL test blocks a victim and a survivor in the same wait, kills
 * the victim, then checks the queue through KIPC_IOC_STAT (blocked counts,
 * depth) and that the survivor completes with the right message: the dead
 * task must leave nothing behind and take nothing with it.
 */
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

#include "kipc_util.h"

#include "kipc_ring_proto.h"

#include "../kselftest_harness.h"

#define MSG_MAX		64

/* A blocking call that must end in a passing test bounds itself anyway. */
static const struct timespec kt_bound = { .tv_sec = KT_WAIT_MS / 1000 };

/*
 * Fork a child that sends @msg through @fd to @dest (0 for a mailbox fd)
 * with @flags, blocking, and exits 0 if the send succeeded, else with its
 * errno.
 */
static pid_t spawn_sender(int fd, uint64_t dest, const char *msg,
			  unsigned int flags)
{
	pid_t pid = fork();

	if (pid == 0)
		kt_child_exit(sys_kipc_send(fd, dest, msg, strlen(msg), 0, flags, NULL));
	return pid;
}

/*
 * Fork a child that receives one message from @fd, blocking, and exits 0
 * if it is @expect, 1 if not, or with the receive's errno.
 */
static pid_t spawn_receiver(int fd, const char *expect)
{
	pid_t pid = fork();

	if (pid == 0) {
		char buf[MSG_MAX] = { 0 };
		int n = sys_kipc_recv(fd, buf, sizeof(buf) - 1, NULL, 0, NULL);

		if (n < 0)
			kt_child_exit(n);
		KT_CHILD_CHECK(n == (int)strlen(expect) && !memcmp(buf, expect, n));
		_exit(0);
	}
	return pid;
}

static int kill_and_reap(pid_t pid)
{
	if (kill(pid, SIGKILL))
		return -1;
	return kt_wait_exit(pid);
}

/* Receive one message with a bound, as a NUL-terminated string. */
static int recv_str(int fd, char *buf, size_t len)
{
	int n = sys_kipc_recv(fd, buf, len - 1, NULL, 0, &kt_bound);

	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

/*
 * One queue under test: receivers take from @rx, senders send through @tx
 * to @dest; @id names the queue for STAT through @rx.
 */
FIXTURE(q) {
	int rx, tx, mfd;
	uint64_t dest, id;
};

FIXTURE_VARIANT(q) {
	bool inbox;		/* an endpoint inbox, else a mailbox */
	unsigned int capacity;	/* 0 = rendezvous */
	unsigned int prefill;	/* messages queued before the senders */
	unsigned int send_flags;
	unsigned int parked;	/* a blocked sender's message is queued */
};

FIXTURE_VARIANT_ADD(q, full_mailbox) {
	.capacity = 2, .prefill = 2,
};

FIXTURE_VARIANT_ADD(q, full_inbox) {
	.inbox = true, .capacity = 2, .prefill = 2,
};

FIXTURE_VARIANT_ADD(q, rendezvous_mailbox) {
	.capacity = 0, .parked = 1,
};

FIXTURE_VARIANT_ADD(q, rendezvous_inbox) {
	.inbox = true, .capacity = 0, .parked = 1,
};

FIXTURE_VARIANT_ADD(q, sync_send_mailbox) {
	.capacity = 4, .send_flags = KIPC_SEND_SYNC, .parked = 1,
};

FIXTURE_SETUP(q)
{
	unsigned int i;

	self->mfd = -1;
	self->rx = sys_kipc_open(0);
	ASSERT_GE(self->rx, 0);
	if (variant->inbox) {
		ASSERT_EQ(0, sys_kipc_ep_set_limits(self->rx, variant->capacity, 0, 0));
		self->tx = sys_kipc_open(0);
		ASSERT_GE(self->tx, 0);
		self->dest = kt_ep_id(self->rx);
		self->id = 0;
	} else {
		self->mfd = kt_mbox(self->rx, NULL, variant->capacity, 0600, &self->id);
		ASSERT_GE(self->mfd, 0);
		self->tx = self->mfd;
		self->dest = 0;
	}
	for (i = 0; i < variant->prefill; i++)
		ASSERT_EQ(0, sys_kipc_send(self->tx, self->dest, "old", 3, 0,
				       KIPC_NONBLOCK, NULL));
}

FIXTURE_TEARDOWN(q)
{
	if (self->mfd >= 0)
		close(self->mfd);
	else
		close(self->tx);
	close(self->rx);
}

static int q_fd(FIXTURE_DATA(q) *self)
{
	return self->mfd >= 0 ? self->mfd : self->rx;
}

/*
 * A sender blocked waiting for room, or parked waiting for its rendezvous
 * or KIPC_SEND_SYNC message to be taken, is killed: its message is never
 * delivered (a parked one is withdrawn), the count of blocked senders
 * drops, and the survivor blocked behind it still gets through.
 */
TEST_F(q, sigkill_blocked_sender)
{
	unsigned int queued = variant->prefill + variant->parked, i;
	struct kipc_info info;
	pid_t victim, survivor;
	char buf[MSG_MAX];

	victim = spawn_sender(self->tx, self->dest, "dead", variant->send_flags);
	ASSERT_GE(victim, 0);
	ASSERT_EQ(0, kt_wait_blocked_exact(self->rx, self->id, 1, 0));
	survivor = spawn_sender(self->tx, self->dest, "live", variant->send_flags);
	ASSERT_GE(survivor, 0);
	ASSERT_EQ(0, kt_wait_blocked_exact(self->rx, self->id, 2, 0));
	ASSERT_EQ(0, sys_kipc_stat(self->rx, self->id, &info));
	EXPECT_EQ(variant->prefill + 2 * variant->parked, info.depth);

	ASSERT_EQ(128 + SIGKILL, kill_and_reap(victim));
	ASSERT_EQ(0, sys_kipc_stat(self->rx, self->id, &info));
	EXPECT_EQ(1, info.nr_senders);
	EXPECT_EQ(queued, info.depth);

	for (i = 0; i < variant->prefill; i++) {
		ASSERT_EQ(3, recv_str(q_fd(self), buf, sizeof(buf)));
		EXPECT_STREQ("old", buf);
	}
	ASSERT_EQ(4, recv_str(q_fd(self), buf, sizeof(buf)));
	EXPECT_STREQ("live", buf);
	EXPECT_EQ(0, kt_wait_exit(survivor));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(q_fd(self), buf, sizeof(buf), NULL,
				     KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_stat(self->rx, self->id, &info));
	EXPECT_EQ(0, info.nr_senders);
	EXPECT_EQ(0, info.nr_receivers);
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.bytes);
}

/*
 * A receiver blocked on the queue is killed: the next message goes to the
 * surviving receiver, not to the dead one's abandoned wait.
 */
TEST_F(q, sigkill_blocked_receiver)
{
	struct kipc_info info;
	pid_t victim, survivor;
	char buf[MSG_MAX];

	/* Receivers need an empty queue. */
	while (sys_kipc_recv(q_fd(self), buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL) >= 0)
		;
	victim = spawn_receiver(q_fd(self), "never");
	ASSERT_GE(victim, 0);
	ASSERT_EQ(0, kt_wait_blocked_exact(self->rx, self->id, 0, 1));
	survivor = spawn_receiver(q_fd(self), "live");
	ASSERT_GE(survivor, 0);
	ASSERT_EQ(0, kt_wait_blocked_exact(self->rx, self->id, 0, 2));

	ASSERT_EQ(128 + SIGKILL, kill_and_reap(victim));
	ASSERT_EQ(0, sys_kipc_stat(self->rx, self->id, &info));
	EXPECT_EQ(1, info.nr_receivers);

	/* A rendezvous send completes because the survivor takes it. */
	ASSERT_EQ(0, sys_kipc_send(self->tx, self->dest, "live", 4, 0,
			       0, &kt_bound));
	EXPECT_EQ(0, kt_wait_exit(survivor));
	ASSERT_EQ(0, sys_kipc_stat(self->rx, self->id, &info));
	EXPECT_EQ(0, info.nr_receivers);
	EXPECT_EQ(0, info.depth);
}

/* A server endpoint; callers are children with endpoints of their own. */
FIXTURE(call) {
	int srv;
	uint64_t srv_id;
};

FIXTURE_SETUP(call)
{
	self->srv = sys_kipc_open(0);
	ASSERT_GE(self->srv, 0);
	self->srv_id = kt_ep_id(self->srv);
}

FIXTURE_TEARDOWN(call)
{
	close(self->srv);
}

/* A child that calls @dest with @req and exits 0 if the reply is "re:" @req. */
static pid_t spawn_caller(uint64_t dest, const char *req)
{
	pid_t pid = fork();

	if (pid == 0) {
		char reply[MSG_MAX] = { 0 }, want[MSG_MAX];
		int ep = sys_kipc_open(0), n;

		KT_CHILD_CHECK(ep >= 0);
		n = sys_kipc_call(ep, dest, req, strlen(req), 0, reply,
			      sizeof(reply) - 1, NULL, 0, NULL);
		if (n < 0)
			kt_child_exit(n);
		snprintf(want, sizeof(want), "re:%s", req);
		KT_CHILD_CHECK(!strcmp(reply, want));
		_exit(0);
	}
	return pid;
}

static int answer(int srv, uint64_t token, const char *req)
{
	char reply[MSG_MAX];

	snprintf(reply, sizeof(reply), "re:%s", req);
	return sys_kipc_reply(srv, token, reply, strlen(reply));
}

/* Receive the request @req and return its token, 0 if it is not @req. */
static uint64_t recv_request(int srv, const char *req)
{
	struct kipc_msg_hdr hdr;
	char buf[MSG_MAX] = { 0 };
	int n;

	n = sys_kipc_recv(srv, buf, sizeof(buf) - 1, &hdr, 0, &kt_bound);
	if (n != (int)strlen(req) || strcmp(buf, req) ||
	    !(hdr.flags & KIPC_MSG_REQUEST))
		return 0;
	return hdr.token;
}

/*
 * A caller killed while its request is still queued: the request stays
 * queued (the server cannot know), and answering it fails with ENOENT;
 * the caller queued behind it is answered normally.
 */
TEST_F(call, sigkill_caller_with_request_queued)
{
	pid_t victim, survivor;
	struct kipc_info info;
	uint64_t token;

	victim = spawn_caller(self->srv_id, "dead");
	ASSERT_GE(victim, 0);
	ASSERT_EQ(0, kt_wait_depth(self->srv, 0, 1));
	survivor = spawn_caller(self->srv_id, "live");
	ASSERT_GE(survivor, 0);
	ASSERT_EQ(0, kt_wait_depth(self->srv, 0, 2));

	ASSERT_EQ(128 + SIGKILL, kill_and_reap(victim));
	ASSERT_EQ(0, sys_kipc_stat(self->srv, 0, &info));
	EXPECT_EQ(2, info.depth);

	token = recv_request(self->srv, "dead");
	ASSERT_NE(0, token);
	EXPECT_EQ(-ENOENT, answer(self->srv, token, "dead"));
	token = recv_request(self->srv, "live");
	ASSERT_NE(0, token);
	EXPECT_EQ(0, answer(self->srv, token, "live"));
	EXPECT_EQ(0, kt_wait_exit(survivor));
	ASSERT_EQ(0, sys_kipc_stat(self->srv, 0, &info));
	EXPECT_EQ(0, info.depth);
}

/*
 * A caller killed after the server took its request, while it waits for
 * the reply: the reply fails with ENOENT and nothing is left behind; the
 * other caller's transaction is untouched.
 */
TEST_F(call, sigkill_caller_waiting_for_the_reply)
{
	uint64_t dead_token, live_token;
	pid_t victim, survivor;

	victim = spawn_caller(self->srv_id, "dead");
	ASSERT_GE(victim, 0);
	dead_token = recv_request(self->srv, "dead");
	ASSERT_NE(0, dead_token);
	survivor = spawn_caller(self->srv_id, "live");
	ASSERT_GE(survivor, 0);
	live_token = recv_request(self->srv, "live");
	ASSERT_NE(0, live_token);

	ASSERT_EQ(128 + SIGKILL, kill_and_reap(victim));
	EXPECT_EQ(-ENOENT, answer(self->srv, dead_token, "dead"));
	EXPECT_EQ(0, answer(self->srv, live_token, "live"));
	EXPECT_EQ(0, kt_wait_exit(survivor));
	EXPECT_EQ(-ENOENT, answer(self->srv, live_token, "live"));
}

/* A ring, and a process of each role to kill while it waits in RING_WAIT. */
FIXTURE(ringw) {
	int ep;
	uint64_t id;
};

FIXTURE_VARIANT(ringw) {
	unsigned int mode;
};

FIXTURE_VARIANT_ADD(ringw, spsc) {
	.mode = KIPC_RING_SPSC,
};

FIXTURE_VARIANT_ADD(ringw, mpsc) {
	.mode = KIPC_RING_MPSC,
};

#define RING_SLOTS	4

FIXTURE_SETUP(ringw)
{
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	ASSERT_EQ(0, sys_kipc_ring_create(self->ep, NULL, RING_SLOTS, 64,
				      variant->mode, 0600, &self->id));
}

FIXTURE_TEARDOWN(ringw)
{
	sys_kipc_ring_delete(self->ep, NULL, self->id);
	close(self->ep);
}

/*
 * The consumer dies asleep in RING_WAIT: the count of sleeping consumers
 * drops, the role is free again, and what the producer sends meanwhile
 * reaches the next consumer.
 */
TEST_F(ringw, sigkill_waiting_consumer)
{
	struct kt_ring p, c;
	struct kipc_info info;
	char buf[64] = { 0 };
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kt_ring r;
		int ep = sys_kipc_open(0);

		KT_CHILD_CHECK(kt_ring_attach(ep, NULL, self->id,
						KIPC_RING_ROLE_CONSUMER, &r) == 0);
		kt_ring_wait_readable(&r, NULL);
		_exit(2);
	}
	ASSERT_EQ(0, kt_wait_blocked_exact(self->ep, self->id, 0, 1));
	ASSERT_EQ(128 + SIGKILL, kill_and_reap(pid));
	ASSERT_EQ(0, sys_kipc_stat(self->ep, self->id, &info));
	EXPECT_EQ(0, info.nr_receivers);
	EXPECT_EQ(0, info.nr_senders);

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	ASSERT_EQ(0, kt_ring_send(&p, "kept", 4, NULL));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(4, kt_ring_recv(&c, buf, sizeof(buf), NULL));
	EXPECT_EQ(0, memcmp(buf, "kept", 4));
	kt_ring_detach(&c);
	kt_ring_detach(&p);
}

/*
 * A producer dies asleep in RING_WAIT on a full ring: the sleeping count
 * drops, the consumer still reads every message it committed, then sees
 * EPIPE, and a new producer can attach and be read.
 */
TEST_F(ringw, sigkill_waiting_producer)
{
	struct kt_ring p, c;
	struct kipc_info info;
	char buf[64];
	unsigned int i;
	pid_t pid;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kt_ring r;
		int ep = sys_kipc_open(0);

		KT_CHILD_CHECK(kt_ring_attach(ep, NULL, self->id,
						KIPC_RING_ROLE_PRODUCER, &r) == 0);
		for (i = 0; i < RING_SLOTS; i++) {
			snprintf(buf, sizeof(buf), "m%u", i);
			KT_CHILD_CHECK(kt_ring_send(&r, buf, 2, NULL) == 0);
		}
		kt_ring_send(&r, "xx", 2, NULL);	/* full: sleeps */
		_exit(2);
	}
	ASSERT_EQ(0, kt_wait_blocked_exact(self->ep, self->id, 1, 0));
	ASSERT_EQ(128 + SIGKILL, kill_and_reap(pid));
	ASSERT_EQ(0, sys_kipc_stat(self->ep, self->id, &info));
	EXPECT_EQ(0, info.nr_senders);
	EXPECT_EQ(RING_SLOTS, info.depth);

	for (i = 0; i < RING_SLOTS; i++) {
		char want[8];

		snprintf(want, sizeof(want), "m%u", i);
		ASSERT_EQ(2, kt_ring_recv(&c, buf, sizeof(buf), NULL));
		EXPECT_EQ(0, memcmp(buf, want, 2));
	}
	EXPECT_EQ(-EPIPE, kt_ring_recv(&c, buf, sizeof(buf), NULL));

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	ASSERT_EQ(0, kt_ring_send(&p, "again", 5, NULL));
	ASSERT_EQ(5, kt_ring_recv(&c, buf, sizeof(buf), NULL));
	kt_ring_detach(&p);
	kt_ring_detach(&c);
}

/* A thread asleep in RING_WAIT, and what it returned. */
struct ring_waiter {
	pthread_t thread;
	struct kt_ring *r;
	int ret;
};

static void *ring_wait(void *arg)
{
	struct ring_waiter *w = arg;

	if (w->r->role == KIPC_RING_ROLE_CONSUMER)
		w->ret = kt_ring_wait_readable(w->r, &kt_bound);
	else
		w->ret = kt_ring_wait_writable(w->r, 1, &kt_bound);
	return NULL;
}

/* Deleting the ring wakes both sides asleep in RING_WAIT with EIDRM. */
TEST_F(ringw, delete_wakes_sleeping_consumer_and_producer)
{
	struct ring_waiter wc = { 0 }, wp = { 0 };
	struct kt_ring p, c;
	struct kipc_info info;
	unsigned int i;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	wc.r = &c;
	ASSERT_EQ(0, pthread_create(&wc.thread, NULL, ring_wait, &wc));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->ep, self->id, 0, 1));
	/* Wake it once with a message, then sleep it again. */
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	ASSERT_EQ(0, kt_ring_send(&p, "x", 1, NULL));
	ASSERT_EQ(0, pthread_join(wc.thread, NULL));
	ASSERT_EQ(0, wc.ret);
	for (i = 1; i < RING_SLOTS; i++)
		ASSERT_EQ(0, kt_ring_send(&p, "x", 1, NULL));
	wp.r = &p;
	ASSERT_EQ(0, pthread_create(&wp.thread, NULL, ring_wait, &wp));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->ep, self->id, 1, 0));

	ASSERT_EQ(0, sys_kipc_ring_delete(self->ep, NULL, self->id));
	ASSERT_EQ(0, pthread_join(wp.thread, NULL));
	EXPECT_EQ(-EIDRM, wp.ret);
	/* The consumer still reads what was committed, then sees EIDRM. */
	for (i = 0; i < RING_SLOTS; i++)
		ASSERT_EQ(1, kt_ring_recv(&c, (char[8]){ 0 }, 8, NULL));
	wc.ret = 1;
	ASSERT_EQ(0, pthread_create(&wc.thread, NULL, ring_wait, &wc));
	ASSERT_EQ(0, pthread_join(wc.thread, NULL));
	EXPECT_EQ(-EIDRM, wc.ret);
	EXPECT_EQ(-ENOENT, sys_kipc_stat(self->ep, self->id, &info));
	kt_ring_detach(&p);
	kt_ring_detach(&c);
}

/*
 * Another thread closes the ring fd a consumer thread sleeps on, keeping
 * the mapping: the wait goes on and is woken by the next message; the
 * role is given up only once the mapping is gone too.
 */
TEST_F(ringw, close_ring_fd_under_a_sleeping_consumer)
{
	struct ring_waiter wc = { 0 };
	struct kt_ring p, c, c2;

	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_PRODUCER, &p));
	wc.r = &c;
	ASSERT_EQ(0, pthread_create(&wc.thread, NULL, ring_wait, &wc));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->ep, self->id, 0, 1));
	ASSERT_EQ(0, close(kt_ring_fd(&c)));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->ep, self->id, 0, 1));
	ASSERT_EQ(0, kt_ring_send(&p, "wake", 4, NULL));
	ASSERT_EQ(0, pthread_join(wc.thread, NULL));
	EXPECT_EQ(0, wc.ret);
	EXPECT_EQ(-EBUSY, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c2));
	ASSERT_EQ(0, munmap(c.hdr, c.map_size));
	ASSERT_EQ(0, kt_ring_attach(self->ep, NULL, self->id, KIPC_RING_ROLE_CONSUMER, &c2));
	ASSERT_EQ(4, kt_ring_recv(&c2, (char[8]){ 0 }, 8, NULL));
	kt_ring_detach(&c2);
	kt_ring_detach(&p);
}

/* A thread blocked in one call, and what it returned. */
struct blocked {
	pthread_t thread;
	int fd;
	uint64_t dest;
	bool send;
	int ret;
	char buf[MSG_MAX];
};

static void *blocked_call(void *arg)
{
	struct blocked *b = arg;

	if (b->send)
		b->ret = sys_kipc_send(b->fd, b->dest, "late", 4, 0, 0, &kt_bound);
	else
		b->ret = sys_kipc_recv(b->fd, b->buf, sizeof(b->buf) - 1, NULL,
				   0, &kt_bound);
	return NULL;
}

/*
 * Another thread closes the mailbox fd a thread is blocked receiving on.
 * The ioctl holds its own reference to the file, so the receive goes on
 * waiting on the mailbox and completes normally with the next message.
 */
TEST(close_mailbox_fd_under_a_blocked_receiver)
{
	struct blocked b = { 0 };
	uint64_t id;
	int ep;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	b.fd = kt_mbox(ep, NULL, 4, 0600, &id);
	ASSERT_GE(b.fd, 0);
	ASSERT_EQ(0, pthread_create(&b.thread, NULL, blocked_call, &b));
	ASSERT_EQ(0, kt_wait_blocked_exact(ep, id, 0, 1));
	ASSERT_EQ(0, close(b.fd));
	/* Still blocked, on the same mailbox. */
	ASSERT_EQ(0, kt_wait_blocked_exact(ep, id, 0, 1));
	ASSERT_EQ(0, sys_kipc_send(ep, id, "wake", 4, 0, KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, pthread_join(b.thread, NULL));
	EXPECT_EQ(4, b.ret);
	EXPECT_STREQ("wake", b.buf);
	EXPECT_EQ(0, kt_wait_blocked_exact(ep, id, 0, 0));
	close(ep);
}

/*
 * Another thread closes the last fd of the endpoint a thread is blocked
 * receiving on: the endpoint lives (and can be sent to) until that
 * receive returns, and is gone as soon as it has.
 */
TEST(close_endpoint_fd_under_a_blocked_receiver)
{
	struct blocked b = { 0 };
	struct kipc_info info;
	uint64_t id;
	int ep;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	b.fd = sys_kipc_open(0);
	ASSERT_GE(b.fd, 0);
	id = kt_ep_id(b.fd);
	ASSERT_EQ(0, pthread_create(&b.thread, NULL, blocked_call, &b));
	ASSERT_EQ(0, kt_wait_blocked_exact(ep, id, 0, 1));
	ASSERT_EQ(0, close(b.fd));
	ASSERT_EQ(0, kt_wait_blocked_exact(ep, id, 0, 1));
	ASSERT_EQ(0, sys_kipc_send(ep, id, "wake", 4, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, pthread_join(b.thread, NULL));
	EXPECT_EQ(4, b.ret);
	EXPECT_STREQ("wake", b.buf);
	/* The receive dropped the last reference to the file. */
	EXPECT_EQ(-ENOENT, sys_kipc_stat(ep, id, &info));
	EXPECT_EQ(-ESRCH, sys_kipc_send(ep, id, "gone", 4, 0, KIPC_NONBLOCK, NULL));
	close(ep);
}

/*
 * A thread blocked sending to a full mailbox whose fd another thread
 * closed is woken by deleting the mailbox: EIDRM, nothing sent.
 */
TEST(delete_under_a_blocked_sender_whose_fd_was_closed)
{
	struct blocked b = { .send = true };
	uint64_t id;
	int ep;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	b.fd = kt_mbox(ep, NULL, 1, 0600, &id);
	ASSERT_GE(b.fd, 0);
	ASSERT_EQ(0, sys_kipc_send(b.fd, 0, "full", 4, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, pthread_create(&b.thread, NULL, blocked_call, &b));
	ASSERT_EQ(0, kt_wait_blocked_exact(ep, id, 1, 0));
	ASSERT_EQ(0, close(b.fd));
	ASSERT_EQ(0, kt_wait_blocked_exact(ep, id, 1, 0));
	ASSERT_EQ(0, sys_kipc_mbox_delete(ep, id));
	ASSERT_EQ(0, pthread_join(b.thread, NULL));
	EXPECT_EQ(-EIDRM, b.ret);
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open_id(ep, id));
	close(ep);
}

/* Ready events of @epfd right now: their count, and the union of their bits. */
static int epoll_now(int epfd, uint32_t *events, uint64_t *data)
{
	struct epoll_event ev[8];
	int n, i;

	n = epoll_wait(epfd, ev, 8, 0);
	*events = 0;
	for (i = 0; i < n; i++) {
		*events |= ev[i].events;
		if (data)
			*data = ev[i].data.u64;
	}
	return n;
}

static int epoll_add(int epfd, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/*
 * Endpoint and mailbox fds closed while registered with epoll: the
 * registration goes with the file, epoll_wait stays sane, and deleting
 * the mailbox afterwards reports nothing to anyone.
 */
TEST(epoll_then_close_endpoint_and_mailbox)
{
	uint32_t events;
	uint64_t id;
	int epfd, ep, ep2, mfd;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(epfd, 0);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ep2 = sys_kipc_open(0);
	ASSERT_GE(ep2, 0);
	mfd = sys_kipc_mbox_create(ep, NULL, &(struct kt_mbox_attr){
		.max_msgs = 4, .mode = 0600 }, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, epoll_add(epfd, mfd, EPOLLIN, 1));
	ASSERT_EQ(0, epoll_add(epfd, ep2, EPOLLIN, 2));

	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "m", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_send(ep, kt_ep_id(ep2), "e", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(2, epoll_now(epfd, &events, NULL));
	EXPECT_EQ(EPOLLIN, events);

	/* Closing the fds removes them from the epoll set. */
	ASSERT_EQ(0, close(mfd));
	ASSERT_EQ(0, close(ep2));
	EXPECT_EQ(0, epoll_now(epfd, &events, NULL));
	/* The mailbox outlived its fd; deleting it now wakes nobody. */
	ASSERT_EQ(0, sys_kipc_mbox_delete(ep, id));
	EXPECT_EQ(0, epoll_now(epfd, &events, NULL));
	close(epfd);
	close(ep);
}

/*
 * A mailbox deleted under epoll reports EPOLLHUP | EPOLLERR; closing the
 * fd then clears it; and the epoll fd may also go first.
 */
TEST(epoll_then_delete_then_close)
{
	uint32_t events;
	uint64_t id;
	int epfd, epfd2, ep, mfd;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	epfd2 = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(epfd, 0);
	ASSERT_GE(epfd2, 0);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, NULL, 4, 0600, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, epoll_add(epfd, mfd, EPOLLIN, 1));
	ASSERT_EQ(0, epoll_add(epfd2, mfd, EPOLLIN | EPOLLET, 2));

	ASSERT_EQ(0, sys_kipc_mbox_delete(ep, id));
	EXPECT_EQ(1, epoll_now(epfd, &events, NULL));
	EXPECT_EQ(EPOLLHUP | EPOLLERR, events & (EPOLLHUP | EPOLLERR));
	ASSERT_EQ(0, close(epfd2));	/* the epoll fd before the object */
	ASSERT_EQ(0, close(mfd));
	EXPECT_EQ(0, epoll_now(epfd, &events, NULL));
	close(epfd);
	close(ep);
}

/*
 * A ring fd under epoll: closing the fd while the ring stays mapped does
 * not end the registration (the mapping keeps the file), so deleting the
 * ring still reports EPOLLERR | EPOLLHUP; once unmapped, nothing is left.
 */
TEST(epoll_ring_fd_closed_while_mapped)
{
	struct kt_ring c;
	uint32_t events;
	uint64_t id, data = 0;
	int epfd, ep;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(epfd, 0);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, sys_kipc_ring_create(ep, NULL, 4, 64, KIPC_RING_SPSC, 0600, &id));
	ASSERT_EQ(0, kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, epoll_add(epfd, kt_ring_fd(&c), EPOLLIN, 7));
	EXPECT_EQ(0, epoll_now(epfd, &events, NULL));

	ASSERT_EQ(0, close(kt_ring_fd(&c)));
	ASSERT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	EXPECT_EQ(1, epoll_now(epfd, &events, &data));
	EXPECT_EQ(EPOLLERR | EPOLLHUP, events & (EPOLLERR | EPOLLHUP));
	EXPECT_EQ(7, data);

	ASSERT_EQ(0, munmap(c.hdr, c.map_size));
	EXPECT_EQ(0, epoll_now(epfd, &events, NULL));
	close(epfd);
	close(ep);
}

/* A thread in epoll_wait on a ring consumer is woken by the ring's deletion. */
static void *epoll_waiter(void *arg)
{
	struct epoll_event ev;
	int *epfd = arg;

	if (epoll_wait(*epfd, &ev, 1, KT_WAIT_MS) != 1)
		return (void *)(uintptr_t)0;
	return (void *)(uintptr_t)ev.events;
}

TEST(epoll_wait_woken_by_ring_delete)
{
	struct kt_ring c;
	pthread_t thread;
	void *res;
	uint64_t id;
	int epfd, ep;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(epfd, 0);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, sys_kipc_ring_create(ep, NULL, 4, 64, KIPC_RING_SPSC, 0600, &id));
	ASSERT_EQ(0, kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, epoll_add(epfd, kt_ring_fd(&c), EPOLLIN, 1));
	ASSERT_EQ(0, pthread_create(&thread, NULL, epoll_waiter, &epfd));
	ASSERT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	ASSERT_EQ(0, pthread_join(thread, &res));
	EXPECT_EQ(EPOLLERR | EPOLLHUP, (uint32_t)(uintptr_t)res & (EPOLLERR | EPOLLHUP));
	kt_ring_detach(&c);
	close(epfd);
	close(ep);
}

/* delete_module(2) as rmmod --nowait does it: -errno. */
static int try_unload(void)
{
	return syscall(SYS_delete_module, "kipc", O_NONBLOCK) ? -errno : 0;
}

/*
 * The module cannot be unloaded while any kipc fd is open: an endpoint
 * fd, a mailbox fd whose endpoint fd is closed, or a ring fd whose
 * endpoint fd is closed. (Unloading after everything is closed is checked
 * by the test VM after every run.)
 */
TEST(module_unload_refused_while_fds_are_open)
{
	uint64_t id;
	int ep, mfd, rfd;
	struct kt_ring c;

	if (geteuid() != 0)
		SKIP(return, "delete_module needs CAP_SYS_MODULE");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	EXPECT_EQ(-EWOULDBLOCK, try_unload());

	mfd = kt_mbox(ep, NULL, 4, 0600, NULL);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, close(ep));
	EXPECT_EQ(-EWOULDBLOCK, try_unload());

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, close(mfd));
	ASSERT_EQ(0, sys_kipc_ring_create(ep, NULL, 4, 64, KIPC_RING_SPSC, 0600, &id));
	ASSERT_EQ(0, kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, munmap(c.hdr, c.map_size));
	rfd = kt_ring_fd(&c);
	ASSERT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	ASSERT_EQ(0, close(ep));
	EXPECT_EQ(-EWOULDBLOCK, try_unload());
	close(rfd);
}

/*
 * fork() with an endpoint and a mailbox open: the child's fds are the same
 * endpoint and mailbox. Its messages carry the shared endpoint's id and
 * its own pid, it receives from the shared inbox, and the endpoint lives
 * on in the child after the parent closed its copies; it goes when the
 * child exits.
 */
TEST(fork_shares_endpoint_and_mailbox)
{
	struct kipc_msg_hdr hdr;
	uint64_t ep_id, mb_id;
	char buf[MSG_MAX] = { 0 };
	int ep, mfd, other, go[2];
	struct kipc_info info;
	pid_t pid;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ep_id = kt_ep_id(ep);
	other = sys_kipc_open(0);
	ASSERT_GE(other, 0);
	mfd = sys_kipc_mbox_create(ep, NULL, &(struct kt_mbox_attr){
		.max_msgs = 4, .mode = 0600 }, &mb_id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, sys_kipc_send(other, ep_id, "before", 6, 0, KIPC_NONBLOCK, NULL));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char c;

		close(go[1]);
		KT_CHILD_CHECK(kt_ep_id(ep) == ep_id);
		KT_CHILD_CHECK(sys_kipc_send(mfd, 0, "child", 5, 0, KIPC_NONBLOCK, NULL) == 0);
		KT_CHILD_CHECK(recv_str(ep, buf, sizeof(buf)) == 6);
		KT_CHILD_CHECK(!strcmp(buf, "before"));
		/* The parent has closed its copies by now. */
		KT_CHILD_CHECK(read(go[0], &c, 1) == 1);
		KT_CHILD_CHECK(recv_str(ep, buf, sizeof(buf)) == 5);
		KT_CHILD_CHECK(!strcmp(buf, "after"));
		_exit(0);
	}
	close(go[0]);
	ASSERT_EQ(5, sys_kipc_recv(mfd, buf, sizeof(buf), &hdr, 0, &kt_bound));
	EXPECT_EQ(ep_id, hdr.sender_id);
	EXPECT_EQ(pid, hdr.sender_pid);
	EXPECT_EQ(mb_id, hdr.mailbox_id);

	ASSERT_EQ(0, close(mfd));
	ASSERT_EQ(0, close(ep));
	ASSERT_EQ(0, sys_kipc_stat(other, ep_id, &info));
	ASSERT_EQ(0, sys_kipc_send(other, ep_id, "after", 5, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-ESRCH, sys_kipc_send(other, ep_id, "gone", 4, 0, KIPC_NONBLOCK, NULL));
	/* The mailbox was not owned: it outlives both. */
	EXPECT_EQ(0, sys_kipc_mbox_delete(other, mb_id));
	close(go[1]);
	close(other);
}

/*
 * fork() with a mapped ring: the child gets the ring fd but not the
 * mapping, and the fd keeps the role. The parent detaching does not free
 * the consumer role while the child lives; the child's exit does.
 */
TEST(fork_with_a_mapped_ring_keeps_the_role_in_the_child)
{
	struct kt_ring c, c2;
	uint64_t id;
	int ep, go[2];
	pid_t pid;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, sys_kipc_ring_create(ep, NULL, 4, 64, KIPC_RING_SPSC, 0600, &id));
	ASSERT_EQ(0, kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_CONSUMER, &c));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char ch;

		close(go[1]);
		KT_CHILD_CHECK(fcntl(kt_ring_fd(&c), F_GETFD) >= 0);
		KT_CHILD_CHECK(read(go[0], &ch, 1) == 0);
		_exit(0);
	}
	close(go[0]);
	kt_ring_detach(&c);
	EXPECT_EQ(-EBUSY, kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_CONSUMER, &c2));
	close(go[1]);
	EXPECT_EQ(0, kt_wait_exit(pid));
	ASSERT_EQ(0, kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_CONSUMER, &c2));
	kt_ring_detach(&c2);
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	close(ep);
}

TEST_HARNESS_MAIN
