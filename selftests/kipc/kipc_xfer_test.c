// SPDX-License-Identifier: GPL-2.0
/*
 * KIPC_IOC_XFER: batched sends and receives, and a send followed by a
 * receive in one call. Order, partial batches, exactly-once delivery when
 * an entry fails, what is written back, and the round trip between two
 * processes.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

#define NMSG	8

FIXTURE(xfer) {
	int ep, mb;
	uint64_t mb_id;
	struct kipc_mmsg out[NMSG], in[NMSG];
	char sbuf[NMSG][32], rbuf[NMSG][32];
};

FIXTURE_SETUP(xfer)
{
	int i;

	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->mb = kt_mbox(self->ep, NULL, 4, 0600, &self->mb_id);
	ASSERT_GE(self->mb, 0);
	memset(self->out, 0, sizeof(self->out));
	memset(self->in, 0, sizeof(self->in));
	for (i = 0; i < NMSG; i++) {
		snprintf(self->sbuf[i], sizeof(self->sbuf[i]), "message %d", i);
		self->out[i].buf = (uintptr_t)self->sbuf[i];
		self->out[i].len = strlen(self->sbuf[i]) + 1;
		self->in[i].buf = (uintptr_t)self->rbuf[i];
		self->in[i].buf_len = sizeof(self->rbuf[i]);
	}
}

FIXTURE_TEARDOWN(xfer)
{
	close(self->mb);
	close(self->ep);
}

static unsigned int depth(int fd)
{
	struct kipc_info info;

	if (sys_kipc_stat(fd, 0, &info) < 0)
		return ~0U;
	return info.depth;
}

TEST_F(xfer, batch_goes_in_order_and_comes_back_whole)
{
	uint64_t me = kt_ep_id(self->ep);
	int i;

	ASSERT_EQ(4, sys_kipc_send_batch(self->mb, 0, self->out, 4, 0, NULL));
	ASSERT_EQ(4, depth(self->mb));
	ASSERT_EQ(4, sys_kipc_recv_batch(self->mb, self->in, NMSG, KIPC_NONBLOCK,
				     NULL));
	for (i = 0; i < 4; i++) {
		EXPECT_STREQ(self->sbuf[i], self->rbuf[i]);
		EXPECT_EQ(self->out[i].len, self->in[i].len);
		EXPECT_EQ(self->out[i].len, self->in[i].hdr.len);
		EXPECT_EQ(me, self->in[i].hdr.sender_id);
		EXPECT_EQ(self->mb_id, self->in[i].hdr.mailbox_id);
		EXPECT_EQ(getpid(), self->in[i].hdr.sender_pid);
		/* The caller's fields are written back unchanged. */
		EXPECT_EQ((uintptr_t)self->rbuf[i], self->in[i].buf);
		EXPECT_EQ(sizeof(self->rbuf[i]), self->in[i].buf_len);
	}
	EXPECT_EQ(0, depth(self->mb));
}

TEST_F(xfer, priorities_apply_per_message)
{
	int i;

	for (i = 0; i < 4; i++)
		self->out[i].priority = i % 2 ? 7 : 0;
	ASSERT_EQ(4, sys_kipc_send_batch(self->mb, 0, self->out, 4, 0, NULL));
	ASSERT_EQ(4, sys_kipc_recv_batch(self->mb, self->in, 4, 0, NULL));
	EXPECT_STREQ("message 1", self->rbuf[0]);
	EXPECT_STREQ("message 3", self->rbuf[1]);
	EXPECT_STREQ("message 0", self->rbuf[2]);
	EXPECT_STREQ("message 2", self->rbuf[3]);
	EXPECT_EQ(7, self->in[0].hdr.priority);
}

TEST_F(xfer, full_queue_takes_a_prefix)
{
	/* Capacity 4: the first four go, the rest are not sent at all. */
	ASSERT_EQ(4, sys_kipc_send_batch(self->mb, 0, self->out, NMSG, 0, NULL));
	EXPECT_EQ(4, depth(self->mb));
	EXPECT_EQ(-EAGAIN, sys_kipc_send_batch(self->mb, 0, self->out + 4, 4,
					   KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-ETIMEDOUT, ({ struct timespec t = kt_ms(20);
		sys_kipc_send_batch(self->mb, 0, self->out + 4, 4, 0, &t); }));
	ASSERT_EQ(4, sys_kipc_recv_batch(self->mb, self->in, NMSG, 0, NULL));
	EXPECT_STREQ("message 3", self->rbuf[3]);
}

TEST_F(xfer, receive_takes_what_is_there)
{
	ASSERT_EQ(3, sys_kipc_send_batch(self->mb, 0, self->out, 3, 0, NULL));
	EXPECT_EQ(3, sys_kipc_recv_batch(self->mb, self->in, NMSG, 0, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv_batch(self->mb, self->in, NMSG,
					   KIPC_NONBLOCK, NULL));
}

TEST_F(xfer, first_receive_waits_for_a_sender)
{
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(kt_wait_blocked(self->mb, 0, 0, 1) == 0);
		KT_CHILD_CHECK(sys_kipc_send_batch(self->mb, 0, self->out, 2, 0,
					       NULL) == 2);
		_exit(0);
	}
	/* One wake-up, both messages: the batch is queued in one go. */
	EXPECT_EQ(2, sys_kipc_recv_batch(self->mb, self->in, NMSG, 0, NULL));
	EXPECT_STREQ("message 1", self->rbuf[1]);
	EXPECT_EQ(0, kt_wait_exit(pid));
}

TEST_F(xfer, oversize_entry_stops_the_batch_and_stays_queued)
{
	char big[100];

	memset(big, 'x', sizeof(big));
	self->out[1].buf = (uintptr_t)big;
	self->out[1].len = sizeof(big);
	ASSERT_EQ(3, sys_kipc_send_batch(self->mb, 0, self->out, 3, 0, NULL));
	/* The second does not fit its 32-byte buffer: one received. */
	ASSERT_EQ(1, sys_kipc_recv_batch(self->mb, self->in, 3, 0, NULL));
	EXPECT_EQ(2, depth(self->mb));
	/* Now it is first: its error, with the size it needs. */
	EXPECT_EQ(-EMSGSIZE, sys_kipc_recv_batch(self->mb, self->in, 3, 0, NULL));
	EXPECT_EQ(sizeof(big), self->in[0].len);
	EXPECT_EQ(sizeof(big), self->in[0].hdr.len);
	EXPECT_EQ(2, depth(self->mb));
}

TEST_F(xfer, bad_entry_stops_the_send_after_the_good_ones)
{
	self->out[2].priority = KIPC_PRIO_MAX + 1;
	EXPECT_EQ(2, sys_kipc_send_batch(self->mb, 0, self->out, 4, 0, NULL));
	EXPECT_EQ(2, depth(self->mb));
	EXPECT_EQ(-EINVAL, sys_kipc_send_batch(self->mb, 0, self->out + 2, 2, 0,
					   NULL));
	EXPECT_EQ(2, depth(self->mb));

	self->out[2].priority = 0;
	self->out[2].buf = 8;	/* unmapped */
	EXPECT_EQ(2, sys_kipc_send_batch(self->mb, 0, self->out, 2, 0, NULL));
	EXPECT_EQ(4, depth(self->mb));
	ASSERT_EQ(4, sys_kipc_recv_batch(self->mb, self->in, 4, 0, NULL));
	EXPECT_EQ(-EFAULT, sys_kipc_send_batch(self->mb, 0, self->out + 2, 1, 0,
					   NULL));
	EXPECT_EQ(0, depth(self->mb));
}

TEST_F(xfer, bad_receive_buffer_leaves_the_message)
{
	ASSERT_EQ(2, sys_kipc_send_batch(self->mb, 0, self->out, 2, 0, NULL));
	self->in[1].buf = 8;
	EXPECT_EQ(1, sys_kipc_recv_batch(self->mb, self->in, 2, 0, NULL));
	EXPECT_EQ(1, depth(self->mb));
	EXPECT_EQ(-EFAULT, sys_kipc_recv_batch(self->mb, self->in + 1, 1, 0, NULL));
	EXPECT_EQ(1, depth(self->mb));
	self->in[1].buf = (uintptr_t)self->rbuf[1];
	EXPECT_EQ(1, sys_kipc_recv_batch(self->mb, self->in + 1, 1, 0, NULL));
	EXPECT_STREQ("message 1", self->rbuf[1]);
}

TEST_F(xfer, fault_mid_batch_puts_the_rest_back_in_order)
{
	int i;

	/* Two priorities, so the put-back must find each one's place. */
	self->out[0].priority = 1;
	self->out[3].priority = 1;
	ASSERT_EQ(4, sys_kipc_send_batch(self->mb, 0, self->out, 4, 0, NULL));
	/* Receive order: message 0, 3 (priority 1), then 1, 2. */
	self->in[1].buf = 8;
	EXPECT_EQ(1, sys_kipc_recv_batch(self->mb, self->in, 4, 0, NULL));
	EXPECT_STREQ("message 0", self->rbuf[0]);
	EXPECT_EQ(3, depth(self->mb));
	self->in[1].buf = (uintptr_t)self->rbuf[1];
	memset(self->rbuf, 0, sizeof(self->rbuf));
	ASSERT_EQ(3, sys_kipc_recv_batch(self->mb, self->in, 4, KIPC_NONBLOCK,
					 NULL));
	EXPECT_STREQ("message 3", self->rbuf[0]);
	EXPECT_STREQ("message 1", self->rbuf[1]);
	EXPECT_STREQ("message 2", self->rbuf[2]);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(strlen(self->rbuf[i]) + 1, self->in[i].len);
	EXPECT_EQ(0, depth(self->mb));
}

TEST_F(xfer, invalid_arguments)
{
	struct kipc_xfer x;

	memset(&x, 0, sizeof(x));
	x.size = sizeof(x);
	x.entry_size = sizeof(struct kipc_mmsg);
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));		/* nothing asked */

	x.send_msgs = (uintptr_t)self->out;
	x.send_count = KIPC_XFER_MAX + 1;
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.send_count = 1;
	x.entry_size = KIPC_MMSG_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.entry_size = 8192;
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.entry_size = sizeof(struct kipc_mmsg);
	x.flags = KIPC_SEND_SYNC;
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.flags = KIPC_RECV_PEEK;
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.flags = KIPC_NONBLOCK | KIPC_TIMEOUT;
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.flags = 0;
	x.reserved = 1;
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.reserved = 0;
	x.dest = 1;	/* a mailbox fd sends to itself unless redirected */
	EXPECT_EQ(-EINVAL, sys_kipc_xfer(self->mb, &x));
	x.dest = 0;
	x.size = KIPC_XFER_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->mb, KIPC_IOC_XFER, &x));
	x.size = sizeof(x);
	x.send_msgs = 8;	/* unmapped entry array */
	EXPECT_EQ(-EFAULT, sys_kipc_xfer(self->mb, &x));
	EXPECT_EQ(0, x.sent);
	EXPECT_EQ(0, depth(self->mb));

}

/* A larger struct from newer user space: a zero tail is fine, else E2BIG. */
TEST_F(xfer, larger_struct_from_newer_user_space)
{
	struct { struct kipc_xfer x; uint64_t tail; } big;

	memset(&big, 0, sizeof(big));
	big.x.size = sizeof(big);
	big.x.entry_size = sizeof(struct kipc_mmsg);
	big.x.send_msgs = (uintptr_t)self->out;
	big.x.send_count = 1;
	EXPECT_EQ(0, kt_ioctl(self->mb, KIPC_IOC_XFER, &big));
	EXPECT_EQ(1, big.x.sent);
	big.tail = 1;
	EXPECT_EQ(-E2BIG, kt_ioctl(self->mb, KIPC_IOC_XFER, &big));
	EXPECT_EQ(1, depth(self->mb));
}

TEST_F(xfer, direct_batches_between_endpoints)
{
	int ep2 = sys_kipc_open(0);
	uint64_t id2 = kt_ep_id(ep2);

	ASSERT_GE(ep2, 0);
	EXPECT_EQ(3, sys_kipc_send_batch(self->ep, id2, self->out, 3, 0, NULL));
	EXPECT_EQ(3, sys_kipc_recv_batch(ep2, self->in, NMSG, 0, NULL));
	EXPECT_EQ(kt_ep_id(self->ep), self->in[2].hdr.sender_id);
	EXPECT_EQ(0, self->in[2].hdr.mailbox_id);
	EXPECT_EQ(-ESRCH, sys_kipc_send_batch(self->ep, id2 + 1000000, self->out,
					  1, 0, NULL));
	/* A mailbox by id from an endpoint fd. */
	EXPECT_EQ(2, sys_kipc_send_batch(self->ep, self->mb_id, self->out, 2,
				     KIPC_SEND_MAILBOX, NULL));
	EXPECT_EQ(2, depth(self->mb));
	close(ep2);
}

TEST_F(xfer, receive_filter_by_sender)
{
	int ep2 = sys_kipc_open(0);
	struct kipc_xfer x;

	ASSERT_GE(ep2, 0);
	ASSERT_EQ(1, sys_kipc_send_batch(self->mb, 0, self->out, 1, 0, NULL));
	ASSERT_EQ(0, sys_kipc_send(ep2, self->mb_id, "other", 6, 0,
			       KIPC_SEND_MAILBOX, NULL));
	memset(&x, 0, sizeof(x));
	x.from = kt_ep_id(ep2);
	x.recv_msgs = (uintptr_t)self->in;
	x.recv_count = NMSG;
	x.flags = KIPC_NONBLOCK;
	ASSERT_EQ(0, sys_kipc_xfer(self->mb, &x));
	EXPECT_EQ(1, x.received);
	EXPECT_STREQ("other", self->rbuf[0]);
	EXPECT_EQ(1, depth(self->mb));
	close(ep2);
}

TEST_F(xfer, nothing_leaks_into_the_entry)
{
	struct kipc_mmsg e;
	char buf[32];

	memset(&e, KT_POISON, sizeof(e));
	e.buf = (uintptr_t)buf;
	e.buf_len = sizeof(buf);
	ASSERT_EQ(0, sys_kipc_send(self->mb, 0, "hi", 3, 0, 0, NULL));
	ASSERT_EQ(1, sys_kipc_recv_batch(self->mb, &e, 1, 0, NULL));
	EXPECT_EQ(3, e.len);
	EXPECT_EQ(0, e.hdr.timeout_ms);
	EXPECT_EQ(0, e.hdr.token);
	EXPECT_EQ(0, e.hdr.flags);
	EXPECT_EQ(0, e.hdr.reply_max);
	EXPECT_EQ(0, e.hdr.priority);
}

/* A server answering each request and waiting for the next in one call. */
static int serve(int req, uint64_t rep_id, int rounds)
{
	char buf[64];
	int n, i;

	n = sys_kipc_recv(req, buf, sizeof(buf), NULL, 0, NULL);
	for (i = 0; n >= 0 && i < rounds; i++) {
		buf[0] ^= 0x20;		/* the answer: case flipped */
		if (i == rounds - 1) {
			/* SEND on a mailbox fd only sends to that mailbox. */
			struct kipc_mmsg m = { .buf = (uintptr_t)buf, .len = n };

			n = sys_kipc_send_batch(req, rep_id, &m, 1,
					    KIPC_SEND_MAILBOX, NULL);
			return n == 1 ? 0 : n;
		}
		n = sys_kipc_sendrecv(req, rep_id, buf, n, 0, buf, sizeof(buf),
				  NULL, KIPC_SEND_MAILBOX, NULL, NULL);
	}
	return n < 0 ? n : 0;
}

TEST_F(xfer, sendrecv_round_trips)
{
	uint64_t rep_id;
	int rep, i, n;
	unsigned int sent;
	char req[16], ans[16];
	struct kipc_msg_hdr hdr;
	pid_t pid;

	rep = kt_mbox(self->ep, NULL, 4, 0600, &rep_id);
	ASSERT_GE(rep, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(serve(self->mb, rep_id, 100));
	for (i = 0; i < 100; i++) {
		snprintf(req, sizeof(req), "q%03d", i);
		n = sys_kipc_sendrecv(rep, self->mb_id, req, 5, 0, ans, sizeof(ans),
				  &hdr, KIPC_SEND_MAILBOX, NULL, &sent);
		ASSERT_EQ(5, n);
		ASSERT_EQ(1, sent);
		ASSERT_EQ('Q', ans[0]);
		ASSERT_EQ(0, strcmp(req + 1, ans + 1));
		ASSERT_EQ(rep_id, hdr.mailbox_id);
	}
	EXPECT_EQ(0, kt_wait_exit(pid));
	close(rep);
}

TEST_F(xfer, sendrecv_says_whether_it_sent)
{
	struct timespec t = kt_ms(20);
	unsigned int sent = 7;
	uint64_t rep_id;
	char ans[16];
	int rep;

	rep = kt_mbox(self->ep, NULL, 4, 0600, &rep_id);
	ASSERT_GE(rep, 0);
	/* Sent, but no answer: the request stays queued, sent says so. */
	EXPECT_EQ(-ETIMEDOUT, sys_kipc_sendrecv(rep, self->mb_id, "a", 2, 0, ans,
					    sizeof(ans), NULL,
					    KIPC_SEND_MAILBOX, &t, &sent));
	EXPECT_EQ(1, sent);
	EXPECT_EQ(1, depth(self->mb));
	/* Not sent (no such mailbox): nothing received either. */
	ASSERT_EQ(0, sys_kipc_send(rep, 0, "mine", 5, 0, 0, NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_sendrecv(rep, self->mb_id + 1000000, "b", 2, 0,
					 ans, sizeof(ans), NULL,
					 KIPC_SEND_MAILBOX, NULL, &sent));
	EXPECT_EQ(0, sent);
	EXPECT_EQ(1, depth(rep));
	close(rep);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(xfer, signal_after_the_send_is_eintr_not_a_restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	unsigned int sent = 0;
	uint64_t rep_id;
	char ans[16];
	int rep;

	rep = kt_mbox(self->ep, NULL, 4, 0600, &rep_id);
	ASSERT_GE(rep, 0);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	/* SA_RESTART, yet -EINTR: a restart would send the request again. */
	EXPECT_EQ(-EINTR, sys_kipc_sendrecv(rep, self->mb_id, "a", 2, 0, ans,
					sizeof(ans), NULL, KIPC_SEND_MAILBOX,
					NULL, &sent));
	EXPECT_EQ(1, sent);
	EXPECT_EQ(1, depth(self->mb));
	signal(SIGALRM, SIG_DFL);
	close(rep);
}

TEST_F(xfer, permission_is_checked_per_mailbox)
{
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to own a mailbox another uid cannot use");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ep;

		KT_CHILD_CHECK(setgid(65534) == 0 && setuid(65534) == 0);
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		KT_CHILD_CHECK(sys_kipc_send_batch(ep, self->mb_id, self->out, 2,
					       KIPC_SEND_MAILBOX, NULL) ==
			       -EACCES);
		_exit(0);
	}
	EXPECT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(0, depth(self->mb));
}

TEST_HARNESS_MAIN
