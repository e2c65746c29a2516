// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring RECVs that wait as requests, not threads. Where the kernel has
 * io_uring's cancel hook for uring_cmd, a RECV that finds no message
 * parks in its queue with no thread behind it: hundreds of them leave the
 * process's thread count alone, and are served in the order they parked.
 * Everywhere: every message is received exactly once; a too-small buffer
 * leaves the message queued; a timed receive times out without losing
 * later messages; a receive cancelled by closing the ring or by the
 * submitter's death eats no message; deleting a mailbox completes its
 * receives with its error; closing the kipc fd does not. A CALL waits
 * for its reply without a thread as well.
 */
#include "kipc_uring_util.h"

#include "../kselftest_harness.h"

#define RING_ENTRIES	1024
#define NPARK		512

/* Send the sequence number @seq (as the payload) to mailbox fd @mb. */
static int send_seq(int mb, uint32_t seq)
{
	return sys_kipc_send(mb, 0, &seq, sizeof(seq), 0, 0, NULL);
}

/* Send @seq to the endpoint @dest from endpoint fd @ep. */
static int send_seq_ep(int ep, uint64_t dest, uint32_t seq)
{
	return sys_kipc_send(ep, dest, &seq, sizeof(seq), 0, 0, NULL);
}

FIXTURE(park) {
	struct kt_uring ring;
	bool ring_up;
	int a, b;		/* two endpoints */
	uint64_t a_id, b_id;
	int mb;			/* a mailbox of a's, mode 0666, 64 messages */
	uint64_t mb_id;
};

FIXTURE_SETUP(park)
{
	char name[64];

	self->a = self->b = self->mb = -1;
	KT_URING_INIT(&self->ring, RING_ENTRIES);
	self->ring_up = true;
	self->a = sys_kipc_open(0);
	ASSERT_GE(self->a, 0);
	self->b = sys_kipc_open(0);
	ASSERT_GE(self->b, 0);
	self->a_id = kt_ep_id(self->a);
	self->b_id = kt_ep_id(self->b);
	kt_name(name, sizeof(name), "park");
	self->mb = kt_mbox(self->a, name, 64, 0666, &self->mb_id);
	ASSERT_GE(self->mb, 0);
}

FIXTURE_TEARDOWN(park)
{
	if (self->ring_up)
		kt_uring_exit(&self->ring);
	if (self->mb >= 0)
		close(self->mb);
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

static struct kipc_recv r[NPARK];
static uint32_t bufs[NPARK][4];

/*
 * Reap @n RECV completions with user_data 0 .. @n - 1: each must have
 * received one sequence number, each number 0 .. @n - 1 once; with
 * @in_order, RECV i must have received number i.
 */
static int reap_seqs(struct kt_uring *ring, int n, bool in_order)
{
	static bool seen[NPARK];
	uint64_t data;
	uint32_t seq;
	int i, res;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		res = kt_uring_reap(ring, &data);
		if (res)
			return res < 0 ? res : -EPROTO;
		if (data >= (uint64_t)n || r[data].len != sizeof(seq))
			return -EPROTO;
		seq = bufs[data][0];
		if (seq >= (uint32_t)n || seen[seq])
			return -EPROTO;
		if (in_order && seq != data)
			return -EPROTO;
		seen[seq] = true;
	}
	return 0;
}

/* Park @n RECVs on @fd, user_data 0 .. @n - 1. */
static void park_recvs(struct kt_uring *ring, int fd, int n)
{
	int i;

	memset(bufs, 0, sizeof(bufs));
	for (i = 0; i < n; i++) {
		kt_recv_args(&r[i], 0, bufs[i], sizeof(bufs[i]), 0, NULL);
		kt_uring_queue_cmd(ring, fd, KIPC_IOC_RECV, &r[i], i);
	}
}

/*
 * Hundreds of waiting RECVs cost no thread, and complete in the order
 * they parked, each with its own message.
 */
TEST_F(park, hundreds_without_threads)
{
	int threads, i;

	if (!kt_uring_has_cmd_cancel())
		SKIP(return, "no uring_cmd cancel hook: waiting RECVs run in io-wq threads here");
	threads = kt_count_threads();
	ASSERT_GT(threads, 0);
	park_recvs(&self->ring, self->mb, NPARK);
	ASSERT_EQ(NPARK, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, NPARK));
	EXPECT_EQ(threads, kt_count_threads());
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	for (i = 0; i < NPARK; i++)
		ASSERT_EQ(0, send_seq(self->mb, i));
	EXPECT_EQ(0, reap_seqs(&self->ring, NPARK, true));
	EXPECT_EQ(threads, kt_count_threads());
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mb, bufs[0], 16, NULL,
					 KIPC_NONBLOCK, NULL));
	EXPECT_TRUE(kt_uring_idle(&self->ring));
}

/*
 * The same on an endpoint inbox, on every kernel: each message exactly
 * once. Parked receives are served in the order they parked; io-wq
 * workers waiting in the ordinary wait code race for each message.
 */
TEST_F(park, hundreds_exactly_once)
{
	bool parks = kt_uring_has_cmd_cancel();
	int i;

	park_recvs(&self->ring, self->b, NPARK);
	ASSERT_EQ(NPARK, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(self->b, 0, 0, parks ? NPARK : 1));
	for (i = 0; i < NPARK; i++)
		ASSERT_EQ(0, send_seq_ep(self->a, self->b_id, i));
	EXPECT_EQ(0, reap_seqs(&self->ring, NPARK, parks));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->b, bufs[0], 16, NULL,
					 KIPC_NONBLOCK, NULL));
}

/* Selection by type and sender holds for waiting receives. */
TEST_F(park, selection)
{
	struct kipc_send s;
	uint64_t data;
	int ret;

	memset(bufs, 0, sizeof(bufs));
	kt_recv_args(&r[0], 0, bufs[0], 16, KIPC_RECV_TYPE, NULL);
	r[0].type_sel = 5;
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[0], 0);
	kt_recv_args(&r[1], self->b_id, bufs[1], 16, 0, NULL);
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[1], 1);
	ASSERT_EQ(2, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 2));
	/* From a, type 7: neither wants it. */
	kt_send_args(&s, 0, "a7", 2, 0, 0, NULL);
	s.type = 7;
	ASSERT_EQ(0, sys_kipc_ioctl(self->mb, KIPC_IOC_SEND, &s));
	/* From b, type 7: only RECV 1. */
	kt_send_args(&s, self->mb_id, "b7", 2, 0, KIPC_SEND_MAILBOX, NULL);
	s.type = 7;
	ASSERT_EQ(0, sys_kipc_ioctl(self->b, KIPC_IOC_SEND, &s));
	ASSERT_EQ(0, kt_uring_reap(&self->ring, &data));
	ASSERT_EQ(1, data);
	EXPECT_EQ(0, memcmp(bufs[1], "b7", 2));
	EXPECT_EQ(self->b_id, r[1].hdr.sender_id);
	/* From a, type 5: RECV 0. */
	kt_send_args(&s, 0, "a5", 2, 0, 0, NULL);
	s.type = 5;
	ASSERT_EQ(0, sys_kipc_ioctl(self->mb, KIPC_IOC_SEND, &s));
	ret = kt_uring_reap(&self->ring, &data);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, data);
	EXPECT_EQ(0, memcmp(bufs[0], "a5", 2));
	EXPECT_EQ(5, r[0].type);
	/* The first message is still there. */
	EXPECT_EQ(2, sys_kipc_recv(self->mb, bufs[2], 16, NULL, KIPC_NONBLOCK,
				   NULL));
	EXPECT_EQ(0, memcmp(bufs[2], "a7", 2));
}

/* A too-small buffer: -EMSGSIZE, the length, and the message stays. */
TEST_F(park, emsgsize_keeps_message)
{
	char small[2], buf[16];

	kt_recv_args(&r[0], 0, small, sizeof(small), 0, NULL);
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[0], 0);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 1));
	ASSERT_EQ(0, sys_kipc_send(self->mb, 0, "too long", 8, 0, 0, NULL));
	EXPECT_EQ(-EMSGSIZE, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(8, r[0].len);
	EXPECT_EQ(8, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL,
				   KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "too long", 8));
}

/*
 * A message a parked receive could not take goes to the next one; a
 * parked peek gets a copy and leaves it to the receive parked after it.
 */
TEST_F(park, passed_on_in_order)
{
	char small[2];
	uint64_t data;

	if (!kt_uring_has_cmd_cancel())
		SKIP(return, "no uring_cmd cancel hook: waiting io-wq workers race for each message");
	memset(bufs, 0, sizeof(bufs));
	kt_recv_args(&r[0], 0, small, sizeof(small), 0, NULL);
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[0], 0);
	kt_recv_args(&r[1], 0, bufs[1], 16, KIPC_RECV_PEEK, NULL);
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[1], 1);
	kt_recv_args(&r[2], 0, bufs[2], 16, 0, NULL);
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[2], 2);
	ASSERT_EQ(3, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 3));
	ASSERT_EQ(0, sys_kipc_send(self->mb, 0, "message", 7, 0, 0, NULL));
	ASSERT_EQ(-EMSGSIZE, kt_uring_reap(&self->ring, &data));
	EXPECT_EQ(0, data);
	ASSERT_EQ(0, kt_uring_reap(&self->ring, &data));
	EXPECT_EQ(1, data);
	ASSERT_EQ(0, kt_uring_reap(&self->ring, &data));
	EXPECT_EQ(2, data);
	EXPECT_EQ(0, memcmp(bufs[1], "message", 7));
	EXPECT_EQ(0, memcmp(bufs[2], "message", 7));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mb, bufs[3], 16, NULL,
					 KIPC_NONBLOCK, NULL));
}

/* A parked timed receive times out; later messages are not lost. */
TEST_F(park, timeout)
{
	struct timespec rel = kt_ms(200), abs = kt_abs_ms(200);
	char buf[16];
	int i;

	memset(bufs, 0, sizeof(bufs));
	kt_recv_args(&r[0], 0, bufs[0], 16, 0, &rel);
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[0], 0);
	kt_recv_args(&r[1], 0, bufs[1], 16, KIPC_ABSTIME, &abs);
	kt_uring_queue_cmd(&self->ring, self->b, KIPC_IOC_RECV, &r[1], 1);
	ASSERT_EQ(2, kt_uring_submit(&self->ring));
	EXPECT_EQ(-ETIMEDOUT, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(-ETIMEDOUT, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 0));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, send_seq(self->mb, i));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(4, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL,
					   KIPC_NONBLOCK, NULL));
		EXPECT_EQ(i, *(uint32_t *)buf);
	}
	/* A timed receive that a message reaches first. */
	rel = kt_ms(KT_WAIT_MS);
	kt_recv_args(&r[2], 0, bufs[2], 16, 0, &rel);
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[2], 2);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 1));
	ASSERT_EQ(0, send_seq(self->mb, 7));
	EXPECT_EQ(0, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(7, bufs[2][0]);
}

/*
 * Closing the ring cancels parked receives; messages sent as it goes
 * away are all still there for a plain receive, in order.
 */
TEST_F(park, ring_close_eats_nothing)
{
	char buf[16];
	int i;

	park_recvs(&self->ring, self->mb, 16);
	ASSERT_EQ(16, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(self->mb, 0, 0,
				     kt_uring_has_cmd_cancel() ? 16 : 1));
	kt_uring_exit(&self->ring);
	self->ring_up = false;
	/*
	 * Without the cancel hook the RECVs wait in io-wq workers, which
	 * the ring's asynchronous teardown reaches only some time after
	 * close(): a message sent before may be copied out by a worker
	 * whose completion is then discarded. There, send once they left.
	 */
	if (!kt_uring_has_cmd_cancel())
		ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 0));
	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, send_seq(self->mb, i));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 0));
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(4, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL,
					   KIPC_NONBLOCK, NULL));
		EXPECT_EQ(i, *(uint32_t *)buf);
	}
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL,
					 KIPC_NONBLOCK, NULL));
}

/*
 * The same when the submitter is killed with its receives parked, the
 * messages sent while it dies. A few rounds: the race has several ends.
 */
TEST_F(park, process_kill_eats_nothing)
{
	volatile uint64_t *shared = kt_shared(4096);
	char buf[16];
	int i, round;
	pid_t pid;

	ASSERT_NE(NULL, shared);
	for (round = 0; round < 4; round++) {
		shared[0] = 0;
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			struct kt_uring ring;

			KT_CHILD_CHECK(kt_uring_init_workers(RING_ENTRIES, &ring) == 0);
			park_recvs(&ring, self->mb, 16);
			KT_CHILD_CHECK(kt_uring_submit(&ring) == 16);
			shared[0] = 1;
			for (;;)
				pause();
		}
		while (!shared[0])
			usleep(1000);
		ASSERT_EQ(0, kt_wait_blocked(self->mb, 0, 0,
					     kt_uring_has_cmd_cancel() ? 16 : 1));
		ASSERT_EQ(0, kill(pid, SIGKILL));
		for (i = 0; i < 16; i++)
			ASSERT_EQ(0, send_seq(self->mb, i));
		ASSERT_EQ(128 + SIGKILL, kt_wait_exit(pid));
		ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 0));
		for (i = 0; i < 16; i++) {
			ASSERT_EQ(4, sys_kipc_recv(self->mb, buf, sizeof(buf),
						   NULL, KIPC_NONBLOCK, NULL))
				TH_LOG("round %d, message %d", round, i);
			EXPECT_EQ(i, *(uint32_t *)buf);
		}
		EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->mb, buf, sizeof(buf),
						 NULL, KIPC_NONBLOCK, NULL));
	}
	munmap((void *)shared, 4096);
}

/*
 * Read permission is checked when a message reaches a waiting receive,
 * as after every sleep of a blocking one: a receive parked by a user who
 * has lost access since completes with -EACCES and takes nothing.
 */
TEST_F(park, revoked_permission_takes_nothing)
{
	volatile uint64_t *shared = kt_shared(4096);
	char buf[16];
	pid_t pid;

	ASSERT_NE(NULL, shared);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kt_uring ring;
		uint32_t got[4];
		int ep, mb;

		kt_child_become_nobody();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		mb = sys_kipc_mbox_open_id(ep, self->mb_id);
		KT_CHILD_CHECK(mb >= 0);
		KT_CHILD_CHECK(kt_uring_init_workers(RING_ENTRIES, &ring) == 0);
		kt_recv_args(&r[0], 0, got, sizeof(got), 0, NULL);
		kt_uring_queue_cmd(&ring, mb, KIPC_IOC_RECV, &r[0], 0);
		KT_CHILD_CHECK(kt_uring_submit(&ring) == 1);
		shared[0] = 1;
		KT_CHILD_CHECK(kt_uring_reap(&ring, NULL) == -EACCES);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 1));
	while (!shared[0])
		usleep(1000);
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mb, 0, 0600));
	ASSERT_EQ(0, send_seq(self->mb, 7));
	EXPECT_EQ(0, kt_wait_exit(pid));
	ASSERT_EQ(4, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL,
				   KIPC_NONBLOCK, NULL));
	EXPECT_EQ(7, *(uint32_t *)buf);
	munmap((void *)shared, 4096);
}

/* A parked receive reports its message's number, as a plain one does. */
TEST_F(park, reports_the_number)
{
	struct kipc_recv plain;
	uint32_t got[4];

	ASSERT_EQ(0, send_seq(self->mb, 1));
	kt_recv_args(&plain, 0, got, sizeof(got), KIPC_NONBLOCK, NULL);
	ASSERT_EQ(0, sys_kipc_ioctl(self->mb, KIPC_IOC_RECV, &plain));
	ASSERT_NE(0, plain.seq);
	park_recvs(&self->ring, self->mb, 1);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 1));
	ASSERT_EQ(0, send_seq(self->mb, 2));
	ASSERT_EQ(0, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(2, bufs[0][0]);
	EXPECT_EQ(plain.seq + 1, r[0].seq);
}

/*
 * A receive by number never waits, not as an io_uring command either: a
 * number not queued completes with -ENOMSG at once, and a message sent
 * later goes to a plain receive, not to it.
 */
TEST_F(park, by_number_never_parks)
{
	char buf[16];

	kt_recv_args(&r[0], 0, buf, sizeof(buf), KIPC_RECV_SEQ, NULL);
	r[0].seq = 1000000;
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[0], 0);
	EXPECT_EQ(-ENOMSG, kt_uring_reap(&self->ring, NULL));
	ASSERT_EQ(0, send_seq(self->mb, 5));
	EXPECT_EQ(4, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL,
				   KIPC_NONBLOCK, NULL));
	EXPECT_EQ(5, *(uint32_t *)buf);
}

/* Deleting a mailbox completes its parked receives with -EIDRM. */
TEST_F(park, mailbox_delete)
{
	char name[64];
	uint64_t id;
	int mb2, i;

	kt_name(name, sizeof(name), "park-del");
	mb2 = kt_mbox(self->a, name, 8, 0600, &id);
	ASSERT_GE(mb2, 0);
	park_recvs(&self->ring, mb2, 8);
	ASSERT_EQ(8, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(mb2, 0, 0,
				     kt_uring_has_cmd_cancel() ? 8 : 1));
	ASSERT_EQ(0, sys_kipc_mbox_delete(mb2, 0));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(-EIDRM, kt_uring_reap(&self->ring, NULL));
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	close(mb2);
}

/*
 * A pending command holds its file: closing the kipc fd leaves the
 * receives waiting, and they still complete.
 */
TEST_F(park, fd_close_keeps_them)
{
	uint64_t id, data;
	bool got[2] = { false, false };
	int ep, i;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	id = kt_ep_id(ep);
	park_recvs(&self->ring, ep, 2);
	ASSERT_EQ(2, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(ep, 0, 0,
				     kt_uring_has_cmd_cancel() ? 2 : 1));
	close(ep);
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, send_seq_ep(self->a, id, i));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, kt_uring_reap(&self->ring, &data));
		ASSERT_LT(data, 2);
		ASSERT_LT(bufs[data][0], 2);
		got[bufs[data][0]] = true;
	}
	EXPECT_TRUE(got[0] && got[1]);
}

/*
 * IORING_OP_ASYNC_CANCEL: io_uring cancels only what it runs or polls
 * itself. A parked command is neither: the cancel finds nothing and the
 * receive stays; one waiting in io-wq is cancelled.
 */
TEST_F(park, async_cancel)
{
	struct io_uring_sqe *sqe;
	uint64_t data;
	int res, i;

	park_recvs(&self->ring, self->mb, 1);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked_exact(self->mb, 0, 0, 1));
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_cancel64(sqe, 0, 0);
	kt_uring_sqe_set_data64(sqe, 100);
	if (kt_uring_has_cmd_cancel()) {
		ASSERT_EQ(-ENOENT, kt_uring_reap(&self->ring, &data));
		EXPECT_EQ(100, data);
		EXPECT_TRUE(kt_uring_idle(&self->ring));
		ASSERT_EQ(0, send_seq(self->mb, 3));
		ASSERT_EQ(0, kt_uring_reap(&self->ring, &data));
		EXPECT_EQ(0, data);
		EXPECT_EQ(3, bufs[0][0]);
		return;
	}
	for (i = 0; i < 2; i++) {
		res = kt_uring_reap(&self->ring, &data);
		if (data == 100) {
			EXPECT_TRUE(res == 0 || res == -EALREADY);
		} else {
			EXPECT_EQ(0, data);
			EXPECT_EQ(-ECANCELED, res);
		}
	}
}

#define NCALL	16

/*
 * CALLs wait for their replies without a thread too: the request goes
 * out at submission, each reply completes its own CALL; a timed CALL
 * times out and is abandoned.
 */
TEST_F(park, calls_without_threads)
{
	static struct kipc_call c[NCALL];
	static char replies[NCALL][16];
	static uint32_t reqs[NCALL];
	struct timespec t = kt_ms(200);
	struct kipc_msg_hdr hdr;
	uint32_t req;
	uint64_t data, tokens[NCALL];
	bool seen[NCALL] = { false };
	int threads, i, n;

	if (!kt_uring_has_cmd_cancel())
		SKIP(return, "no uring_cmd cancel hook: waiting CALLs run in io-wq threads here");
	threads = kt_count_threads();
	ASSERT_GT(threads, 0);
	for (i = 0; i < NCALL; i++) {
		reqs[i] = i;
		kt_call_args(&c[i], self->b_id, &reqs[i], sizeof(reqs[i]), 0,
			     replies[i], sizeof(replies[i]), 0, NULL);
		kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_CALL, &c[i], i);
	}
	ASSERT_EQ(NCALL, kt_uring_submit(&self->ring));
	/* Every request is queued already, and no thread waits for a reply. */
	ASSERT_EQ(0, kt_wait_depth(self->b, 0, NCALL));
	EXPECT_EQ(threads, kt_count_threads());
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	/* Answer them in reverse order, each with its request's number. */
	for (i = 0; i < NCALL; i++) {
		ASSERT_EQ(4, sys_kipc_recv(self->b, &req, sizeof(req), &hdr,
					   KIPC_NONBLOCK, NULL));
		ASSERT_LT(req, NCALL);
		tokens[req] = hdr.token;
	}
	for (i = NCALL - 1; i >= 0; i--) {
		req = i;
		ASSERT_EQ(0, sys_kipc_reply(self->b, tokens[i], &req,
					    sizeof(req)))
			TH_LOG("reply %d, token %llu", i,
			       (unsigned long long)tokens[i]);
	}
	for (i = 0; i < NCALL; i++) {
		ASSERT_EQ(0, kt_uring_reap(&self->ring, &data));
		ASSERT_LT(data, NCALL);
		ASSERT_FALSE(seen[data]);
		seen[data] = true;
		EXPECT_EQ(sizeof(req), c[data].reply_len);
		memcpy(&n, replies[data], sizeof(n));
		EXPECT_EQ((int)data, n);
		EXPECT_EQ(tokens[data], c[data].reply_hdr.token);
		EXPECT_EQ(self->b_id, c[data].reply_hdr.sender_id);
	}
	EXPECT_EQ(threads, kt_count_threads());
	/* A timed CALL nobody answers: -ETIMEDOUT, then its REPLY fails. */
	kt_call_args(&c[0], self->b_id, "t", 1, 0, replies[0], 16, 0, &t);
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_CALL, &c[0], 0);
	EXPECT_EQ(-ETIMEDOUT, kt_uring_reap(&self->ring, NULL));
	ASSERT_EQ(1, sys_kipc_recv(self->b, replies[1], 16, &hdr,
				   KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->b, hdr.token, "r", 1));
	/* The server closes with a CALL waiting: -ECONNRESET. */
	kt_call_args(&c[0], self->b_id, "c", 1, 0, replies[0], 16, 0, NULL);
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_CALL, &c[0], 0);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_depth(self->b, 0, 1));
	close(self->b);
	self->b = -1;
	EXPECT_EQ(-ECONNRESET, kt_uring_reap(&self->ring, NULL));
}

/*
 * A CALL whose request cannot be queued at once (the server's inbox is
 * full) waits in io-wq to send it, then for the reply as any CALL does.
 */
TEST_F(park, call_sent_from_io_wq)
{
	static struct kipc_call c;
	static char reply[16];
	struct kipc_msg_hdr hdr;
	char buf[16];

	ASSERT_EQ(0, sys_kipc_ep_set_limits(self->b, 1, 1024, 1024));
	ASSERT_EQ(0, sys_kipc_send(self->a, self->b_id, "full", 4, 0, 0,
				   NULL));
	kt_call_args(&c, self->b_id, "req", 3, 0, reply, sizeof(reply), 0,
		     NULL);
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_CALL, &c, 5);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(self->b, 0, 1, 0));
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	ASSERT_EQ(4, sys_kipc_recv(self->b, buf, sizeof(buf), NULL, 0, NULL));
	ASSERT_EQ(3, sys_kipc_recv(self->b, buf, sizeof(buf), &hdr, 0, NULL));
	EXPECT_EQ(KIPC_MSG_REQUEST, hdr.flags);
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	ASSERT_EQ(0, sys_kipc_reply(self->b, hdr.token, "answer", 6));
	EXPECT_EQ(0, kt_uring_reap(&self->ring, NULL));
	EXPECT_EQ(6, c.reply_len);
	EXPECT_EQ(0, memcmp(reply, "answer", 6));
}

TEST_HARNESS_MAIN
