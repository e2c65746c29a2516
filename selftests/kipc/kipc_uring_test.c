// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring: SEND, RECV, CALL and REPLY as IORING_OP_URING_CMD on endpoint
 * and mailbox fds (the errors of the ioctls, an XFER that sends once, waiting without blocking the
 * submitter, many receives outstanding, cancellation on ring close, fd
 * close, IORING_OP_ASYNC_CANCEL and process death, mailbox deletion), and
 * IORING_OP_POLL_ADD, single and multishot, on both kinds of fd.
 */
#include "kipc_uring_util.h"

#include <poll.h>

#include "../kselftest_harness.h"

/*
 * A completed RECV as sys_kipc_recv() returns it: the length or -errno;
 * the header to @hdr unless NULL (also on -EMSGSIZE).
 */
static int kt_uring_recv_result(const struct io_uring_cqe *cqe,
				const struct kipc_recv *arg,
				struct kipc_msg_hdr *hdr)
{
	if (hdr && (cqe->res == 0 || cqe->res == -EMSGSIZE))
		*hdr = arg->hdr;
	return cqe->res < 0 ? cqe->res : (int)arg->len;
}

/* A completed CALL as sys_kipc_call() returns it. */
static int kt_uring_call_result(const struct io_uring_cqe *cqe,
				const struct kipc_call *arg,
				struct kipc_msg_hdr *hdr)
{
	if (cqe->res < 0)
		return cqe->res;
	if (hdr)
		*hdr = arg->reply_hdr;
	return (int)arg->reply_len;
}

#define NOBODY		65534
#define RING_ENTRIES	64

/* Submit what is queued and wait for one CQE; returns its res. */
static int ring_wait(struct kt_uring *ring, uint64_t *data)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = kt_uring_submit_and_wait(ring, 1);
	if (ret < 0)
		return ret;
	ret = kt_uring_wait_cqe(ring, &cqe);
	if (ret < 0)
		return ret;
	if (data)
		*data = kt_uring_cqe_get_data64(cqe);
	ret = cqe->res;
	kt_uring_cqe_seen(ring, cqe);
	return ret;
}

static int u_send(struct kt_uring *ring, int fd, uint64_t dest,
		  const void *buf, size_t len, unsigned int prio,
		  unsigned int flags, const struct timespec *timeout)
{
	struct kipc_send a;
	int ret = kt_send_args(&a, dest, buf, len, prio, flags,
				       timeout);

	if (ret)
		return ret;
	kt_uring_queue_cmd(ring, fd, KIPC_IOC_SEND, &a, 1);
	return ring_wait(ring, NULL);
}

static int u_recv(struct kt_uring *ring, int fd, void *buf, size_t len,
		  struct kipc_msg_hdr *hdr, unsigned int flags,
		  const struct timespec *timeout)
{
	struct io_uring_cqe cqe = { 0 };
	struct kipc_recv a;
	int ret = kt_recv_args(&a, 0, buf, len, flags, timeout);

	if (ret)
		return ret;
	kt_uring_queue_cmd(ring, fd, KIPC_IOC_RECV, &a, 2);
	cqe.res = ring_wait(ring, NULL);
	return kt_uring_recv_result(&cqe, &a, hdr);
}

static int u_call(struct kt_uring *ring, int fd, uint64_t dest,
		  unsigned int flags, const struct timespec *timeout)
{
	struct kipc_call a;
	char reply[16];
	int ret = kt_call_args(&a, dest, "req", 3, 0, reply,
				       sizeof(reply), flags, timeout);

	if (ret)
		return ret;
	kt_uring_queue_cmd(ring, fd, KIPC_IOC_CALL, &a, 3);
	return ring_wait(ring, NULL);
}

/* Wait until the queue @id of @fd has exactly @n blocked receivers. */
static int wait_receivers(int fd, uint64_t id, unsigned int n)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;
	struct kipc_info info;
	int ret;

	for (;;) {
		ret = sys_kipc_stat(fd, id, &info);
		if (ret < 0)
			return ret;
		if (info.nr_receivers == n)
			return 0;
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

/* Wait until object @id is gone (sys_kipc_stat() says -ENOENT). */
static int wait_gone(int fd, uint64_t id)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;
	struct kipc_info info;
	int ret;

	for (;;) {
		ret = sys_kipc_stat(fd, id, &info);
		if (ret == -ENOENT)
			return 0;
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

FIXTURE(uring) {
	struct kt_uring ring;
	int a, b;		/* two endpoints */
	uint64_t a_id, b_id;
	int mb;			/* a mailbox created by a, mode 0666, 64 msgs */
	uint64_t mb_id;
};

FIXTURE_SETUP(uring)
{
	char name[64];

	self->a = self->b = self->mb = -1;
	KT_URING_INIT(&self->ring, RING_ENTRIES);
	self->a = sys_kipc_open(0);
	ASSERT_GE(self->a, 0);
	self->b = sys_kipc_open(0);
	ASSERT_GE(self->b, 0);
	self->a_id = kt_ep_id(self->a);
	self->b_id = kt_ep_id(self->b);
	kt_name(name, sizeof(name), "uring");
	self->mb = kt_mbox(self->a, name, 64, 0666, &self->mb_id);
	ASSERT_GE(self->mb, 0);
}

FIXTURE_TEARDOWN(uring)
{
	if (self->mb >= 0) {
		kt_uring_exit(&self->ring);
		close(self->mb);
	}
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

TEST_F(uring, send_recv_direct)
{
	struct kipc_msg_hdr hdr;
	char buf[64];

	ASSERT_EQ(0, u_send(&self->ring, self->a, self->b_id, "hello", 5, 7,
			    0, NULL));
	memset(&hdr, KT_POISON, sizeof(hdr));
	ASSERT_EQ(5, u_recv(&self->ring, self->b, buf, sizeof(buf), &hdr, 0,
			    NULL));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(self->a_id, hdr.sender_id);
	EXPECT_EQ(0, hdr.mailbox_id);
	EXPECT_EQ(0, hdr.token);
	EXPECT_EQ(getpid(), hdr.sender_pid);
	EXPECT_EQ(geteuid(), hdr.sender_uid);
	EXPECT_EQ(getegid(), hdr.sender_gid);
	EXPECT_EQ(7, hdr.priority);
	EXPECT_EQ(5, hdr.len);
	EXPECT_EQ(0, hdr.flags);
	EXPECT_EQ(0, hdr.timeout_ms);
}

TEST_F(uring, send_recv_mailbox)
{
	struct kipc_msg_hdr hdr;
	char buf[64];
	int rx;

	/* Through the mailbox fd, and by id from another endpoint. */
	ASSERT_EQ(0, u_send(&self->ring, self->mb, 0, "one", 3, 1, 0, NULL));
	ASSERT_EQ(0, u_send(&self->ring, self->b, self->mb_id, "two", 3, 2,
			    KIPC_SEND_MAILBOX, NULL));
	rx = sys_kipc_mbox_open_id(self->b, self->mb_id);
	ASSERT_GE(rx, 0);
	ASSERT_EQ(3, u_recv(&self->ring, rx, buf, sizeof(buf), &hdr, 0, NULL));
	EXPECT_EQ(0, memcmp(buf, "two", 3));
	EXPECT_EQ(self->b_id, hdr.sender_id);
	EXPECT_EQ(self->mb_id, hdr.mailbox_id);
	ASSERT_EQ(3, u_recv(&self->ring, rx, buf, sizeof(buf), &hdr, 0, NULL));
	EXPECT_EQ(0, memcmp(buf, "one", 3));
	EXPECT_EQ(self->a_id, hdr.sender_id);
	EXPECT_EQ(1, hdr.priority);
	close(rx);
}

TEST_F(uring, peek_and_from)
{
	struct kipc_msg_hdr hdr;
	struct io_uring_cqe cqe = { 0 };
	struct kipc_recv r;
	char buf[16];

	ASSERT_EQ(0, sys_kipc_send(self->a, self->b_id, "x", 1, 0, 0, NULL));
	ASSERT_EQ(0, sys_kipc_send(self->mb, 0, "y", 1, 0, 0, NULL));
	ASSERT_EQ(1, u_recv(&self->ring, self->b, buf, sizeof(buf), &hdr,
			    KIPC_RECV_PEEK, NULL));
	ASSERT_EQ(1, u_recv(&self->ring, self->b, buf, sizeof(buf), &hdr, 0,
			    NULL));
	/* From a sender that sent nothing: would block. */
	ASSERT_EQ(0, kt_recv_args(&r, self->b_id, buf, sizeof(buf),
					  KIPC_NONBLOCK, NULL));
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r, 0);
	cqe.res = ring_wait(&self->ring, NULL);
	EXPECT_EQ(-EAGAIN, kt_uring_recv_result(&cqe, &r, NULL));
	ASSERT_EQ(0, kt_recv_args(&r, self->a_id, buf, sizeof(buf),
					  0, NULL));
	kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r, 0);
	cqe.res = ring_wait(&self->ring, NULL);
	EXPECT_EQ(1, kt_uring_recv_result(&cqe, &r, NULL));
}

TEST_F(uring, bad_arguments)
{
	char big[KIPC_MSG_SIZE_DEFAULT + 1] = { 0 };
	struct kipc_msg_hdr hdr;
	struct kipc_send s;
	struct kipc_recv r;
	struct kipc_stat st;
	struct io_uring_sqe *sqe;
	char buf[4];

	/* Bad ids. */
	EXPECT_EQ(-ESRCH, u_send(&self->ring, self->a, 999999999, "x", 1, 0,
				 0, NULL));
	EXPECT_EQ(-ENOENT, u_send(&self->ring, self->a, 999999999, "x", 1, 0,
				  KIPC_SEND_MAILBOX, NULL));
	EXPECT_EQ(-ESRCH, u_call(&self->ring, self->a, 999999999, 0, NULL));
	EXPECT_EQ(-EINVAL, u_send(&self->ring, self->a, 0, "x", 1, 0, 0,
				  NULL));
	EXPECT_EQ(-EINVAL, u_send(&self->ring, self->mb, self->b_id, "x", 1,
				  0, 0, NULL));
	EXPECT_EQ(-EINVAL, u_send(&self->ring, self->a, self->b_id, "x", 1,
				  KIPC_PRIO_MAX + 1, 0, NULL));
	/* Oversize. */
	EXPECT_EQ(-EMSGSIZE, u_send(&self->ring, self->a, self->b_id, big,
				    sizeof(big), 0, 0, NULL));
	EXPECT_EQ(-EMSGSIZE, u_send(&self->ring, self->mb, 0, big,
				    sizeof(big), 0, 0, NULL));
	/* A receive buffer too small: the message stays, hdr says why. */
	ASSERT_EQ(0, sys_kipc_send(self->a, self->b_id, "hello", 5, 0, 0, NULL));
	memset(&hdr, 0, sizeof(hdr));
	EXPECT_EQ(-EMSGSIZE, u_recv(&self->ring, self->b, buf, sizeof(buf),
				    &hdr, 0, NULL));
	EXPECT_EQ(5, hdr.len);
	EXPECT_EQ(self->a_id, hdr.sender_id);
	EXPECT_EQ(5, sys_kipc_recv(self->b, big, sizeof(big), NULL, KIPC_NONBLOCK,
			       NULL));
	/* Unknown flag, size below VER0, bad pointers. */
	kt_send_args(&s, self->b_id, "x", 1, 0, 0, NULL);
	s.flags = 1U << 20;
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_SEND, &s, 0);
	EXPECT_EQ(-EINVAL, ring_wait(&self->ring, NULL));
	kt_recv_args(&r, 0, buf, sizeof(buf), KIPC_NONBLOCK, NULL);
	r.size = KIPC_RECV_SIZE_VER0 - 8;
	kt_uring_queue_cmd(&self->ring, self->b, KIPC_IOC_RECV, &r, 0);
	EXPECT_EQ(-EINVAL, ring_wait(&self->ring, NULL));
	kt_uring_queue_cmd(&self->ring, self->b, KIPC_IOC_RECV, (void *)8, 0);
	EXPECT_EQ(-EFAULT, ring_wait(&self->ring, NULL));
	kt_send_args(&s, self->b_id, (void *)8, 1, 0, 0, NULL);
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_SEND, &s, 0);
	EXPECT_EQ(-EFAULT, ring_wait(&self->ring, NULL));
	/* Reserved word of the command area, and commands kipc lacks. */
	kt_send_args(&s, self->b_id, "x", 1, 0, 0, NULL);
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_cmd(sqe, self->a, KIPC_IOC_SEND, &s);
	((struct kipc_uring_cmd *)sqe->cmd)->reserved = 1;
	EXPECT_EQ(-EINVAL, ring_wait(&self->ring, NULL));
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_STAT, &st, 0);
	EXPECT_EQ(-ENOTTY, ring_wait(&self->ring, NULL));
	/* CALL: KIPC_NONBLOCK and KIPC_SEND_SYNC are invalid. */
	EXPECT_EQ(-EINVAL, u_call(&self->ring, self->a, self->b_id,
				  KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EINVAL, u_call(&self->ring, self->a, self->b_id,
				  KIPC_SEND_SYNC, NULL));
	/* Nothing was queued by any of it. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->b, buf, sizeof(buf), NULL,
				     KIPC_NONBLOCK, NULL));
}

/*
 * A receive, send or batch that was told not to wait answers -EAGAIN
 * from the submitting task: no io-wq worker is started to say it again.
 */
TEST_F(uring, eagain_needs_no_worker)
{
	char buf[8] = "", out[] = "x";
	struct kipc_mmsg rm = { .buf = (uintptr_t)buf, .buf_len = sizeof(buf) };
	struct kipc_mmsg sm = { .buf = (uintptr_t)out, .len = sizeof(out) };
	struct kipc_xfer x;
	int threads = kt_count_threads();

	if (!kt_uring_has_cmd_cancel())
		SKIP(return, "io_uring without the uring_cmd cancel hook "
			     "(Linux < 6.7) answers from an io-wq worker");
	ASSERT_GT(threads, 0);
	EXPECT_EQ(-EAGAIN, u_recv(&self->ring, self->mb, buf, sizeof(buf),
				  NULL, KIPC_NONBLOCK, NULL));
	memset(&x, 0, sizeof(x));
	x.size = sizeof(x);
	x.entry_size = sizeof(struct kipc_mmsg);
	x.flags = KIPC_NONBLOCK;
	x.dest = self->b_id;
	x.send_msgs = (uintptr_t)&sm;
	x.send_count = 1;
	x.recv_msgs = (uintptr_t)&rm;
	x.recv_count = 1;
	kt_uring_prep_cmd(kt_uring_get_sqe(&self->ring), self->a,
			  KIPC_IOC_XFER, &x);
	EXPECT_EQ(-EAGAIN, ring_wait(&self->ring, NULL));
	EXPECT_EQ(1, x.sent);
	EXPECT_EQ(threads, kt_count_threads());
}

TEST_F(uring, eagain)
{
	struct kt_mbox_attr attr = { .flags = KIPC_MBOX_OWNED,
				       .max_msgs = 1, .mode = 0600 };
	char buf[8];
	int full, nb;

	EXPECT_EQ(-EAGAIN, u_recv(&self->ring, self->b, buf, sizeof(buf),
				  NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, u_recv(&self->ring, self->mb, buf, sizeof(buf),
				  NULL, KIPC_NONBLOCK, NULL));
	/* O_NONBLOCK on the fd does the same. */
	nb = sys_kipc_open(O_NONBLOCK);
	ASSERT_GE(nb, 0);
	EXPECT_EQ(-EAGAIN, u_recv(&self->ring, nb, buf, sizeof(buf), NULL, 0,
				  NULL));
	close(nb);
	/* A full mailbox, and a rendezvous inbox with no receiver. */
	full = sys_kipc_mbox_create(self->a, NULL, &attr, NULL);
	ASSERT_GE(full, 0);
	EXPECT_EQ(0, u_send(&self->ring, full, 0, "1", 1, 0, KIPC_NONBLOCK,
			    NULL));
	EXPECT_EQ(-EAGAIN, u_send(&self->ring, full, 0, "2", 1, 0,
				  KIPC_NONBLOCK, NULL));
	close(full);
	ASSERT_EQ(0, sys_kipc_ep_set_limits(self->b, 0, 0, 0));
	EXPECT_EQ(-EAGAIN, u_send(&self->ring, self->a, self->b_id, "x", 1,
				  0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, u_send(&self->ring, self->a, self->b_id, "x", 1,
				  0, KIPC_NONBLOCK | KIPC_SEND_SYNC, NULL));
}

/*
 * io_uring retries a command from the start when its first attempt says
 * -EAGAIN: an XFER that sent and then could not receive without waiting
 * must not be retried, or its messages would go twice.
 */
TEST_F(uring, xfer_sends_once_when_its_receive_cannot_wait)
{
	char out[] = "once", in[16];
	struct kipc_mmsg sm = { .buf = (uintptr_t)out, .len = sizeof(out) };
	struct kipc_mmsg rm = { .buf = (uintptr_t)in, .buf_len = sizeof(in) };
	struct kipc_info info;
	struct kipc_xfer x;
	int i, nb;

	nb = sys_kipc_open(O_NONBLOCK);
	ASSERT_GE(nb, 0);
	for (i = 0; i < 2; i++) {
		/* KIPC_NONBLOCK, then an O_NONBLOCK endpoint fd. */
		memset(&x, 0, sizeof(x));
		x.size = sizeof(x);
		x.entry_size = sizeof(struct kipc_mmsg);
		x.flags = i ? 0 : KIPC_NONBLOCK;
		x.dest = self->b_id;
		x.send_msgs = (uintptr_t)&sm;
		x.send_count = 1;
		x.recv_msgs = (uintptr_t)&rm;
		x.recv_count = 1;
		kt_uring_prep_cmd(kt_uring_get_sqe(&self->ring), i ? nb : self->a,
				  KIPC_IOC_XFER, &x);
		EXPECT_EQ(-EAGAIN, ring_wait(&self->ring, NULL));
		EXPECT_EQ(1, x.sent);
		EXPECT_EQ(0, x.received);
		ASSERT_EQ(0, sys_kipc_stat(self->b, 0, &info));
		EXPECT_EQ(1, info.depth);
		ASSERT_EQ(sizeof(out), sys_kipc_recv(self->b, in, sizeof(in),
						     NULL, KIPC_NONBLOCK, NULL));
		EXPECT_STREQ("once", in);
	}
	close(nb);
}

/*
 * An XFER whose send must wait goes to io-wq with nothing done; once it
 * has sent, its receive waits (parked where the kernel can, else in the
 * worker) and completes with the message that comes.
 */
TEST_F(uring, xfer_send_waits_then_receives)
{
	char out[] = "request", filler[] = "filler", in[16];
	struct kipc_mmsg sm = { .buf = (uintptr_t)out, .len = sizeof(out) };
	struct kipc_mmsg rm = { .buf = (uintptr_t)in, .buf_len = sizeof(in) };
	struct kipc_info info;
	struct kipc_xfer x;
	uint64_t full_id;
	int full;

	full = kt_mbox(self->a, NULL, 1, 0600, &full_id);
	ASSERT_GE(full, 0);
	ASSERT_EQ(0, sys_kipc_send(full, 0, filler, sizeof(filler), 0,
				   KIPC_NONBLOCK, NULL));
	memset(&x, 0, sizeof(x));
	x.size = sizeof(x);
	x.entry_size = sizeof(struct kipc_mmsg);
	x.flags = KIPC_SEND_MAILBOX;
	x.dest = full_id;
	x.send_msgs = (uintptr_t)&sm;
	x.send_count = 1;
	x.recv_msgs = (uintptr_t)&rm;
	x.recv_count = 1;
	kt_uring_prep_cmd(kt_uring_get_sqe(&self->ring), self->mb,
			  KIPC_IOC_XFER, &x);
	EXPECT_EQ(-ETIMEDOUT, kt_uring_reap_ms(&self->ring, 100, NULL, NULL));
	/* Room: the send goes, then the receive waits. */
	ASSERT_EQ(sizeof(filler), sys_kipc_recv(full, in, sizeof(in), NULL,
						KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, kt_wait_depth(full, 0, 1));
	EXPECT_EQ(-ETIMEDOUT, kt_uring_reap_ms(&self->ring, 100, NULL, NULL));
	ASSERT_EQ(0, sys_kipc_stat(full, 0, &info));
	EXPECT_EQ(1, info.depth);
	ASSERT_EQ(0, sys_kipc_send(self->mb, 0, "answer", 7, 0, 0, NULL));
	ASSERT_EQ(0, kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL, NULL));
	EXPECT_EQ(1, x.sent);
	EXPECT_EQ(1, x.received);
	EXPECT_EQ(7, rm.len);
	EXPECT_STREQ("answer", in);
	ASSERT_EQ(sizeof(out), sys_kipc_recv(full, in, sizeof(in), NULL,
					     KIPC_NONBLOCK, NULL));
	EXPECT_STREQ("request", in);
	close(full);
}

TEST_F(uring, timeouts)
{
	struct kt_mbox_attr attr = { .flags = KIPC_MBOX_OWNED,
				       .max_msgs = 1, .mode = 0600 };
	struct timespec t = kt_ms(100), past = kt_abs_ms(-10), abs;
	struct timespec bad = { .tv_sec = 0, .tv_nsec = 1000000000L };
	struct kipc_msg_hdr hdr;
	char buf[8];
	int64_t t0;
	int full;

	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, u_recv(&self->ring, self->b, buf, sizeof(buf),
				     NULL, 0, &t));
	EXPECT_GE(kt_now_ns() - t0, 100000000LL);
	EXPECT_EQ(-ETIMEDOUT, u_recv(&self->ring, self->mb, buf, sizeof(buf),
				     NULL, KIPC_ABSTIME, &past));
	abs = kt_abs_ms(100);
	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, u_recv(&self->ring, self->mb, buf, sizeof(buf),
				     NULL, KIPC_ABSTIME, &abs));
	EXPECT_GE(kt_now_ns() - t0, 90000000LL);
	EXPECT_EQ(-EINVAL, u_recv(&self->ring, self->b, buf, sizeof(buf),
				  NULL, 0, &bad));
	EXPECT_EQ(-EINVAL, u_recv(&self->ring, self->b, buf, sizeof(buf),
				  NULL, KIPC_NONBLOCK, &t));
	/* Send to a full mailbox; a call nobody answers. */
	full = sys_kipc_mbox_create(self->a, NULL, &attr, NULL);
	ASSERT_GE(full, 0);
	EXPECT_EQ(0, u_send(&self->ring, full, 0, "1", 1, 0, 0, &t));
	EXPECT_EQ(-ETIMEDOUT, u_send(&self->ring, full, 0, "2", 1, 0, 0, &t));
	close(full);
	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, u_call(&self->ring, self->a, self->b_id, 0, &t));
	EXPECT_GE(kt_now_ns() - t0, 100000000LL);
	/* The abandoned request is still there; its REPLY finds nothing. */
	ASSERT_EQ(3, sys_kipc_recv(self->b, buf, sizeof(buf), &hdr, KIPC_NONBLOCK,
			       NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->b, hdr.token, "r", 1));
}

/* A waiting receive completes later and never blocks the submitter. */
TEST_F(uring, recv_waits_without_blocking)
{
	struct kipc_msg_hdr hdr;
	struct kipc_recv r;
	struct io_uring_cqe cqe = { 0 };
	char buf[16];
	int64_t t0;

	ASSERT_EQ(0, kt_recv_args(&r, 0, buf, sizeof(buf), 0, NULL));
	kt_uring_queue_cmd(&self->ring, self->b, KIPC_IOC_RECV, &r, 42);
	t0 = kt_now_ns();
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	EXPECT_LT(kt_now_ns() - t0, 1000000000LL);
	ASSERT_EQ(0, kt_wait_blocked(self->b, 0, 0, 1));
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	/* A synchronous send is handed straight to the waiting receive. */
	ASSERT_EQ(0, sys_kipc_send(self->a, self->b_id, "late", 4, 3,
			       KIPC_SEND_SYNC, NULL));
	cqe.res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL, NULL);
	ASSERT_EQ(4, kt_uring_recv_result(&cqe, &r, &hdr));
	EXPECT_EQ(0, memcmp(buf, "late", 4));
	EXPECT_EQ(self->a_id, hdr.sender_id);
	EXPECT_EQ(3, hdr.priority);
}

/* A rendezvous send through io_uring completes when a receiver takes it. */
TEST_F(uring, rendezvous_send)
{
	struct kipc_send s;
	char buf[8];

	ASSERT_EQ(0, sys_kipc_ep_set_limits(self->b, 0, 0, 0));
	ASSERT_EQ(0, kt_send_args(&s, self->b_id, "rv", 2, 0, 0,
					  NULL));
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_SEND, &s, 7);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(self->b, 0, 1, 0));
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	ASSERT_EQ(2, sys_kipc_recv(self->b, buf, sizeof(buf), NULL, 0, NULL));
	EXPECT_EQ(0, kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL, NULL));
}

#define NRECV	32

/* Many receives outstanding at once, completed in the order sent. */
TEST_F(uring, many_receives_in_order)
{
	static struct kipc_recv r[NRECV];
	static char bufs[NRECV][16];
	struct io_uring_cqe cqe = { 0 };
	bool seen[NRECV] = { false };
	struct kipc_msg_hdr hdr;
	uint64_t data;
	char msg[16];
	int i, n;

	/* One at a time: each message completes the next receive. */
	for (i = 0; i < NRECV; i++) {
		ASSERT_EQ(0, kt_recv_args(&r[i], 0, bufs[i], 16, 0,
						  NULL));
		kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[i], i);
	}
	ASSERT_EQ(NRECV, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(self->mb, 0, 0, 1));
	for (i = 0; i < NRECV; i++) {
		n = snprintf(msg, sizeof(msg), "m%d", i);
		ASSERT_EQ(0, sys_kipc_send(self->b, self->mb_id, msg, n, 0,
				       KIPC_SEND_MAILBOX, NULL));
		cqe.res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data, NULL);
		ASSERT_LT(data, NRECV);
		ASSERT_FALSE(seen[data]);
		seen[data] = true;
		ASSERT_EQ(n, kt_uring_recv_result(&cqe, &r[data], &hdr));
		EXPECT_EQ(0, memcmp(bufs[data], msg, n));
		EXPECT_EQ(self->mb_id, hdr.mailbox_id);
	}
	/* All at once: each message is received exactly once. */
	memset(seen, 0, sizeof(seen));
	memset(bufs, 0, sizeof(bufs));	/* payloads are not NUL-terminated */
	for (i = 0; i < NRECV; i++) {
		ASSERT_EQ(0, kt_recv_args(&r[i], 0, bufs[i], 16, 0,
						  NULL));
		kt_uring_queue_cmd(&self->ring, self->mb, KIPC_IOC_RECV, &r[i], i);
	}
	ASSERT_EQ(NRECV, kt_uring_submit(&self->ring));
	for (i = 0; i < NRECV; i++) {
		n = snprintf(msg, sizeof(msg), "m%d", i);
		ASSERT_EQ(0, sys_kipc_send(self->mb, 0, msg, n, 0, 0, NULL));
	}
	for (i = 0; i < NRECV; i++) {
		cqe.res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data, NULL);
		ASSERT_LT(data, NRECV);
		n = kt_uring_recv_result(&cqe, &r[data], &hdr);
		ASSERT_GT(n, 1);
		ASSERT_LT(n, 16);
		bufs[data][n] = '\0';
		n = atoi(bufs[data] + 1);
		ASSERT_LT(n, NRECV);
		ASSERT_FALSE(seen[n]);
		seen[n] = true;
	}
	EXPECT_TRUE(kt_uring_idle(&self->ring));
}

/* CALL and REPLY through io_uring, to an endpoint and through a mailbox. */
TEST_F(uring, call_and_reply)
{
	struct kipc_msg_hdr hdr, rhdr;
	struct io_uring_cqe cqe = { 0 };
	struct kipc_reply rep;
	struct kipc_call c;
	char buf[32], reply[32];
	int srv, pass;

	for (pass = 0; pass < 2; pass++) {
		uint64_t dest = pass ? self->mb_id : self->b_id;

		srv = pass ? self->mb : self->b;
		ASSERT_EQ(0, kt_call_args(&c, dest, "ping", 4, 5,
						  reply, sizeof(reply),
						  pass ? KIPC_SEND_MAILBOX : 0,
						  NULL));
		kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_CALL, &c, 100);
		ASSERT_EQ(1, kt_uring_submit(&self->ring));
		/* The server receives the request through io_uring too. */
		ASSERT_EQ(4, u_recv(&self->ring, srv, buf, sizeof(buf), &hdr, 0,
				    NULL));
		EXPECT_EQ(KIPC_MSG_REQUEST, hdr.flags);
		EXPECT_EQ(sizeof(reply), hdr.reply_max);
		EXPECT_NE(0, hdr.token);
		EXPECT_EQ(self->a_id, hdr.sender_id);
		/* Too long a reply, then a good one, then a second one. */
		kt_reply_args(&rep, hdr.token, buf, sizeof(reply) + 1);
		kt_uring_queue_cmd(&self->ring, srv, KIPC_IOC_REPLY, &rep, 200);
		EXPECT_EQ(-EMSGSIZE, ring_wait(&self->ring, NULL));
		kt_reply_args(&rep, hdr.token, "pong!", 5);
		kt_uring_queue_cmd(&self->ring, srv, KIPC_IOC_REPLY, &rep, 200);
		/* The REPLY's and the CALL's completions, in either order. */
		kt_uring_submit(&self->ring);
		for (int i = 0; i < 2; i++) {
			uint64_t data;
			int res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data,
					       NULL);

			if (data == 200) {
				EXPECT_EQ(0, res);
				continue;
			}
			ASSERT_EQ(100, data);
			cqe.res = res;
			ASSERT_EQ(5, kt_uring_call_result(&cqe, &c, &rhdr));
			EXPECT_EQ(0, memcmp(reply, "pong!", 5));
			/* The mailbox fd answers for a, its endpoint. */
			EXPECT_EQ(pass ? self->a_id : self->b_id,
				  rhdr.sender_id);
			EXPECT_EQ(hdr.token, rhdr.token);
			EXPECT_EQ(0, rhdr.mailbox_id);
		}
		EXPECT_EQ(-ENOENT, sys_kipc_reply(srv, hdr.token, "x", 1));
	}
}

/* A server endpoint that closes with a request queued: -ECONNRESET. */
TEST_F(uring, call_server_closes)
{
	struct kipc_call c;
	char reply[8];

	ASSERT_EQ(0, kt_call_args(&c, self->b_id, "q", 1, 0, reply,
					  sizeof(reply), 0, NULL));
	kt_uring_queue_cmd(&self->ring, self->a, KIPC_IOC_CALL, &c, 1);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_depth(self->b, 0, 1));
	close(self->b);
	self->b = -1;
	EXPECT_EQ(-ECONNRESET, kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL,
					    NULL));
}

/* Deleting a mailbox completes what waits on it with -EIDRM. */
TEST_F(uring, mailbox_delete_eidrm)
{
	struct kipc_recv r[3];
	struct kipc_call c;
	char bufs[3][8], reply[8];
	int i, rx;

	rx = sys_kipc_mbox_open_id(self->b, self->mb_id);
	ASSERT_GE(rx, 0);
	for (i = 0; i < 3; i++) {
		kt_recv_args(&r[i], 0, bufs[i], 8, 0, NULL);
		kt_uring_queue_cmd(&self->ring, i ? rx : self->mb, KIPC_IOC_RECV, &r[i],
			 i);
	}
	ASSERT_EQ(3, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(self->mb, 0, 0, 3));
	ASSERT_EQ(0, sys_kipc_mbox_delete(self->a, self->mb_id));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(-EIDRM, kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL,
					       NULL));
	/* Later commands on its fds, and a call queued in a deleted one. */
	EXPECT_EQ(-EIDRM, u_send(&self->ring, rx, 0, "x", 1, 0, 0, NULL));
	EXPECT_EQ(-EIDRM, u_recv(&self->ring, rx, bufs[0], 8, NULL, 0, NULL));
	close(rx);

	{
		char name[64];
		uint64_t id;
		int mb2;

		kt_name(name, sizeof(name), "uring-call");
		mb2 = kt_mbox(self->a, name, 8, 0666, &id);
		ASSERT_GE(mb2, 0);
		kt_call_args(&c, id, "q", 1, 0, reply, sizeof(reply),
				     KIPC_SEND_MAILBOX, NULL);
		kt_uring_queue_cmd(&self->ring, self->b, KIPC_IOC_CALL, &c, 9);
		ASSERT_EQ(1, kt_uring_submit(&self->ring));
		ASSERT_EQ(0, kt_wait_depth(mb2, 0, 1));
		ASSERT_EQ(0, sys_kipc_mbox_delete(mb2, 0));
		EXPECT_EQ(-EIDRM, kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL,
					       NULL));
		close(mb2);
	}
}

/* Mode bits apply to io_uring commands as to the ioctls. */
TEST_F(uring, eacces)
{
	struct kt_mbox_attr attr = { .flags = KIPC_MBOX_OWNED,
				       .max_msgs = 8 };
	uint64_t ro, wo;
	int fd, fd2;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to nobody");
	attr.mode = 0604;	/* others may receive, not send */
	fd = sys_kipc_mbox_create(self->a, NULL, &attr, &ro);
	ASSERT_GE(fd, 0);
	attr.mode = 0602;	/* others may send, not receive */
	fd2 = sys_kipc_mbox_create(self->a, NULL, &attr, &wo);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, sys_kipc_send(self->a, ro, "r", 1, 0, KIPC_SEND_MAILBOX,
			       NULL));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kt_uring ring;
		char buf[8];
		int ep, rfd, wfd;

		KT_CHILD_CHECK(setgid(NOBODY) == 0);
		KT_CHILD_CHECK(setuid(NOBODY) == 0);
		KT_CHILD_CHECK(kt_uring_init_workers(RING_ENTRIES, &ring) == 0);
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		rfd = sys_kipc_mbox_open_id(ep, ro);
		wfd = sys_kipc_mbox_open_id(ep, wo);
		KT_CHILD_CHECK(rfd >= 0 && wfd >= 0);
		KT_CHILD_CHECK(u_send(&ring, rfd, 0, "x", 1, 0, 0, NULL) ==
			       -EACCES);
		KT_CHILD_CHECK(u_send(&ring, ep, ro, "x", 1, 0,
				      KIPC_SEND_MAILBOX, NULL) == -EACCES);
		KT_CHILD_CHECK(u_recv(&ring, wfd, buf, sizeof(buf), NULL,
				      KIPC_NONBLOCK, NULL) == -EACCES);
		KT_CHILD_CHECK(u_recv(&ring, wfd, buf, sizeof(buf), NULL, 0,
				      NULL) == -EACCES);
		KT_CHILD_CHECK(u_send(&ring, wfd, 0, "w", 1, 0, 0, NULL) == 0);
		KT_CHILD_CHECK(u_recv(&ring, rfd, buf, sizeof(buf), NULL, 0,
				      NULL) == 1);
		kt_uring_exit(&ring);
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_exit(pid));
	close(fd);
	close(fd2);
}

/* Closing the ring cancels waiting commands; nothing was dequeued. */
TEST_F(uring, cancel_on_ring_close)
{
	struct kipc_recv r[4];
	struct kipc_call c;
	struct kipc_msg_hdr hdr;
	char bufs[4][8], reply[8], buf[8];
	int64_t t0;
	int i, ret;

	for (i = 0; i < 4; i++) {
		kt_recv_args(&r[i], 0, bufs[i], 8, 0, NULL);
		kt_uring_queue_cmd(&self->ring, i & 1 ? self->b : self->mb, KIPC_IOC_RECV,
			 &r[i], i);
	}
	kt_call_args(&c, self->a_id, "q", 1, 0, reply, sizeof(reply),
			     0, NULL);
	kt_uring_queue_cmd(&self->ring, self->b, KIPC_IOC_CALL, &c, 9);
	ASSERT_EQ(5, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(self->mb, 0, 0, 2));
	ASSERT_EQ(0, kt_wait_blocked(self->b, 0, 0, 2));
	ASSERT_EQ(0, kt_wait_depth(self->a, 0, 1));
	kt_uring_exit(&self->ring);
	ASSERT_EQ(0, wait_receivers(self->mb, 0, 0));
	ASSERT_EQ(0, wait_receivers(self->b, 0, 0));
	/*
	 * The request is still there. The ring's teardown is asynchronous:
	 * until it reaches the call, a reply longer than reply_max fails with
	 * -EMSGSIZE and leaves the request outstanding; once the call is
	 * abandoned, replies find nothing.
	 */
	ASSERT_EQ(1, sys_kipc_recv(self->a, buf, sizeof(buf), &hdr, KIPC_NONBLOCK,
			       NULL));
	ASSERT_EQ(sizeof(reply), hdr.reply_max);
	t0 = kt_now_ns();
	while ((ret = sys_kipc_reply(self->a, hdr.token, "123456789",
				 sizeof(reply) + 1)) == -EMSGSIZE &&
	       kt_now_ns() - t0 < KT_WAIT_MS * 1000000LL)
		usleep(1000);
	EXPECT_EQ(-ENOENT, ret);
	ASSERT_EQ(0, sys_kipc_send(self->mb, 0, "kept", 4, 0, 0, NULL));
	EXPECT_EQ(4, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL, KIPC_NONBLOCK,
			       NULL));
	KT_URING_INIT(&self->ring, RING_ENTRIES);
}

/*
 * IORING_OP_ASYNC_CANCEL, by user_data, then closing the fd. Where RECVs
 * park (kernels with the uring_cmd cancel hook) the cancel finds nothing.
 */
TEST_F(uring, async_cancel_and_fd_close)
{
	struct io_uring_sqe *sqe;
	struct kipc_recv r[3];
	char bufs[3][8];
	int ep, res, i, canceled = 0;
	uint64_t id, data;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	id = kt_ep_id(ep);
	for (i = 0; i < 3; i++) {
		kt_recv_args(&r[i], 0, bufs[i], 8, 0, NULL);
		kt_uring_queue_cmd(&self->ring, ep, KIPC_IOC_RECV, &r[i], i);
	}
	ASSERT_EQ(3, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, kt_wait_blocked(ep, 0, 0, 3));

	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_cancel64(sqe, 0, 0);
	kt_uring_sqe_set_data64(sqe, 100);
	if (kt_uring_has_cmd_cancel()) {
		/*
		 * The RECVs are parked, not running in io-wq: ASYNC_CANCEL
		 * does not reach them (only ring and task exit do).
		 */
		EXPECT_EQ(-ENOENT, kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data,
						NULL));
		EXPECT_EQ(100, data);
		ASSERT_EQ(0, wait_receivers(ep, 0, 3));
	} else {
		for (i = 0; i < 2; i++) {
			res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data,
					   NULL);
			if (data == 100) {
				EXPECT_TRUE(res == 0 || res == -EALREADY);
			} else {
				EXPECT_EQ(0, data);
				EXPECT_EQ(-ECANCELED, res);
				canceled++;
			}
		}
		EXPECT_EQ(1, canceled);
		ASSERT_EQ(0, wait_receivers(ep, 0, 2));
	}

	/* A pending command keeps the fd's endpoint until cancelled. */
	close(ep);
	EXPECT_EQ(0, sys_kipc_stat(self->a, id, &(struct kipc_info){ 0 }));
	EXPECT_TRUE(kt_uring_idle(&self->ring));
	kt_uring_exit(&self->ring);
	EXPECT_EQ(0, wait_gone(self->a, id));
	KT_URING_INIT(&self->ring, RING_ENTRIES);
}

/* A process killed with commands waiting leaves nothing behind. */
TEST_F(uring, cancel_on_process_kill)
{
	volatile uint64_t *shared = kt_shared(4096);
	char buf[8];
	struct kipc_msg_hdr hdr;
	bool ready;
	pid_t pid;
	int i;

	ASSERT_NE(NULL, shared);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		static struct kipc_recv r[4];
		static struct kipc_send s;
		static struct kipc_call c;
		static char bufs[4][8], reply[8];
		struct kt_uring ring;
		int ep;

		KT_CHILD_CHECK(kt_uring_init_workers(RING_ENTRIES, &ring) == 0);
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		for (i = 0; i < 4; i++) {
			kt_recv_args(&r[i], 0, bufs[i], 8, 0, NULL);
			kt_uring_queue_cmd(&ring, i & 1 ? ep : self->mb, KIPC_IOC_RECV,
				 &r[i], i);
		}
		kt_call_args(&c, self->b_id, "q", 1, 0, reply,
				     sizeof(reply), 0, NULL);
		kt_uring_queue_cmd(&ring, ep, KIPC_IOC_CALL, &c, 8);
		/* A SYNC send nobody takes. */
		kt_send_args(&s, self->a_id, "s", 1, 0,
				     KIPC_SEND_SYNC, NULL);
		kt_uring_queue_cmd(&ring, ep, KIPC_IOC_SEND, &s, 9);
		KT_CHILD_CHECK(kt_uring_submit(&ring) == 6);
		shared[0] = kt_ep_id(ep);
		for (;;)
			pause();
	}
	while (!shared[0])
		usleep(1000);
	/* Kill the child whatever happens, then check. */
	ready = !kt_wait_blocked(self->mb, 0, 0, 2) &&
		!kt_wait_blocked(self->a, 0, 1, 0) &&
		!kt_wait_depth(self->b, 0, 1);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, kt_wait_exit(pid));
	ASSERT_TRUE(ready);
	EXPECT_EQ(0, wait_gone(self->a, shared[0]));
	EXPECT_EQ(0, wait_receivers(self->mb, 0, 0));
	/* The withdrawn SYNC message is gone, the call's request stays. */
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(self->a, buf, sizeof(buf), NULL,
				     KIPC_NONBLOCK, NULL));
	ASSERT_EQ(1, sys_kipc_recv(self->b, buf, sizeof(buf), &hdr, KIPC_NONBLOCK,
			       NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_reply(self->b, hdr.token, "r", 1));
	munmap((void *)shared, 4096);
}

/* IORING_OP_POLL_ADD, single-shot and multishot, on both kinds of fd. */
TEST_F(uring, poll_add)
{
	struct io_uring_sqe *sqe;
	unsigned int cflags;
	char buf[8];
	uint64_t data;
	int res, i;

	/* Single-shot: EPOLLOUT at once on an endpoint, EPOLLIN later. */
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_poll_add(sqe, self->b, POLLOUT);
	EXPECT_TRUE(kt_uring_reap_ms(&self->ring, KT_WAIT_MS, NULL, NULL) &
		    POLLOUT);
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_poll_add(sqe, self->mb, POLLIN);
	kt_uring_sqe_set_data64(sqe, 1);
	EXPECT_EQ(-ETIMEDOUT, kt_uring_reap_ms(&self->ring, 50, NULL, NULL));
	ASSERT_EQ(0, sys_kipc_send(self->b, self->mb_id, "p", 1, 0,
			       KIPC_SEND_MAILBOX, NULL));
	res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data, NULL);
	EXPECT_EQ(1, data);
	EXPECT_TRUE(res & POLLIN);
	ASSERT_EQ(1, sys_kipc_recv(self->mb, buf, sizeof(buf), NULL, 0, NULL));

	/* Multishot on the endpoint: one CQE per arrival on empty, MORE set. */
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_poll_multishot(sqe, self->b, POLLIN);
	kt_uring_sqe_set_data64(sqe, 2);
	EXPECT_EQ(-ETIMEDOUT, kt_uring_reap_ms(&self->ring, 50, NULL, NULL));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, sys_kipc_send(self->a, self->b_id, "m", 1, 0, 0,
				       NULL));
		res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data, &cflags);
		EXPECT_EQ(2, data);
		EXPECT_TRUE(res & POLLIN);
		EXPECT_TRUE(cflags & IORING_CQE_F_MORE);
		ASSERT_EQ(1, sys_kipc_recv(self->b, buf, sizeof(buf), NULL, 0,
				       NULL));
	}
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_poll_remove(sqe, 2);
	kt_uring_sqe_set_data64(sqe, 3);
	for (i = 0; i < 2; i++) {
		res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data, &cflags);
		if (data == 3) {
			EXPECT_EQ(0, res);
		} else {
			EXPECT_EQ(-ECANCELED, res);
		}
	}

	/* Multishot on a mailbox: arrivals, then deletion ends it. */
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_poll_multishot(sqe, self->mb, POLLIN);
	kt_uring_sqe_set_data64(sqe, 4);
	ASSERT_EQ(0, sys_kipc_send(self->mb, 0, "m", 1, 0, 0, NULL));
	res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data, &cflags);
	EXPECT_EQ(4, data);
	EXPECT_TRUE(res & POLLIN);
	EXPECT_TRUE(cflags & IORING_CQE_F_MORE);
	ASSERT_EQ(0, sys_kipc_mbox_delete(self->mb, 0));
	for (;;) {
		res = kt_uring_reap_ms(&self->ring, KT_WAIT_MS, &data, &cflags);
		ASSERT_EQ(4, data);
		if (res & (POLLHUP | POLLERR)) {
			EXPECT_TRUE(res & POLLHUP);
			break;
		}
		ASSERT_TRUE(cflags & IORING_CQE_F_MORE);
	}
	/* Still armed: cancel it so the ring closes clean. */
	if (cflags & IORING_CQE_F_MORE) {
		sqe = kt_uring_get_sqe(&self->ring);
		kt_uring_prep_poll_remove(sqe, 4);
		kt_uring_sqe_set_data64(sqe, 5);
		kt_uring_submit(&self->ring);
	}
}

TEST_HARNESS_MAIN
