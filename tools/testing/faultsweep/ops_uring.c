// SPDX-License-Identifier: MIT
/*
 * io_uring: a RECV and a receiving XFER submitted on an empty queue, a
 * CALL nobody has answered yet. Where the kernel parks them (the uring_cmd cancel hook,
 * 6.7+), the submitting io_uring_enter() copies the argument in and
 * allocates the park record (and a CALL its transaction and request):
 * those are their sites; a failure completes the command at once with the
 * error, having parked and sent nothing. On other kernels they wait in
 * io-wq, where fail-nth does not reach, and only what the inline attempt
 * does is swept.
 *
 * A raw ring of a few entries on the system calls (no liburing), made by
 * prepare() and closed by fixture_down(), one at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/io_uring.h>

#include "sweep.h"

#define FAIL(...) (snprintf(why, len, __VA_ARGS__), -1)

#define URING_ENTRIES	4
#define URING_TAG	23
#define URING_WAIT_MS	10000
#define URING_XFER	4	/* receives of the XFER */

static struct {
	int fd;
	void *rings, *sqes;
	size_t rings_len, sqes_len;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
	struct kipc_recv arg;
	struct kipc_call call;
	char req[SWEEP_PAYLOAD];
	struct kipc_xfer x;
	struct kipc_mmsg mm[URING_XFER];
	char rbuf[URING_XFER][SWEEP_PAYLOAD];
} ur = { .fd = -1 };

/* Close the ring, if there is one; any command still pending is cancelled. */
void sweep_uring_down(void)
{
	if (ur.fd < 0)
		return;
	munmap(ur.sqes, ur.sqes_len);
	munmap(ur.rings, ur.rings_len);
	close(ur.fd);
	ur.fd = -1;
}

static int prepare_uring(struct fixture *fx)
{
	struct io_uring_params p = { 0 };
	size_t sq_len, cq_len;
	char *r;
	long fd;

	(void)fx;
	fd = syscall(__NR_io_uring_setup, URING_ENTRIES, &p);
	if (fd < 0)
		return -errno;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		close((int)fd);
		return -EOPNOTSUPP;
	}
	ur.fd = (int)fd;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	ur.rings_len = sq_len > cq_len ? sq_len : cq_len;
	ur.rings = mmap(NULL, ur.rings_len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_POPULATE, ur.fd, IORING_OFF_SQ_RING);
	ur.sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	ur.sqes = mmap(NULL, ur.sqes_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, ur.fd, IORING_OFF_SQES);
	if (ur.rings == MAP_FAILED || ur.sqes == MAP_FAILED) {
		if (ur.rings != MAP_FAILED)
			munmap(ur.rings, ur.rings_len);
		if (ur.sqes != MAP_FAILED)
			munmap(ur.sqes, ur.sqes_len);
		close(ur.fd);
		ur.fd = -1;
		return -ENOMEM;
	}
	r = ur.rings;
	ur.sq_tail = (unsigned int *)(r + p.sq_off.tail);
	ur.sq_mask = (unsigned int *)(r + p.sq_off.ring_mask);
	ur.sq_array = (unsigned int *)(r + p.sq_off.array);
	ur.cq_head = (unsigned int *)(r + p.cq_off.head);
	ur.cq_tail = (unsigned int *)(r + p.cq_off.tail);
	ur.cq_mask = (unsigned int *)(r + p.cq_off.ring_mask);
	ur.cqes = (struct io_uring_cqe *)(r + p.cq_off.cqes);
	return 0;
}

/* The next CQE's res into *@res: 1, or 0 when there is none. */
static int uring_reap(int *res)
{
	unsigned int head = *ur.cq_head;

	if (head == __atomic_load_n(ur.cq_tail, __ATOMIC_ACQUIRE))
		return 0;
	*res = ur.cqes[head & *ur.cq_mask].res;
	__atomic_store_n(ur.cq_head, head + 1, __ATOMIC_RELEASE);
	return 1;
}

/*
 * io_uring_enter() submitting one kipc command @op on @fd for @arg: its
 * result if it completed at once (the injected fault), 0 if pending.
 */
static long uring_submit(int fd, unsigned int op, void *arg)
{
	unsigned int tail = *ur.sq_tail, idx = tail & *ur.sq_mask;
	struct io_uring_sqe *sqe = (struct io_uring_sqe *)ur.sqes + idx;
	struct kipc_uring_cmd *cmd = (struct kipc_uring_cmd *)sqe->cmd;
	long ret;
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = op;
	sqe->user_data = 1;
	cmd->arg = (uintptr_t)arg;
	ur.sq_array[idx] = idx;
	__atomic_store_n(ur.sq_tail, tail + 1, __ATOMIC_RELEASE);
	ret = syscall(__NR_io_uring_enter, ur.fd, 1, 0, 0, NULL, 0);
	if (ret < 0)
		return -errno;
	if (ret != 1)
		return -EPROTO;
	/* Failed at once (the injected fault), or pending: 0. */
	if (uring_reap(&res))
		return res < 0 ? res : -EPROTO;
	return 0;
}

/* Wait for the pending command's completion: its res, or -ETIMEDOUT. */
static int uring_wait(void)
{
	int res, ms;

	for (ms = 0; !uring_reap(&res); ms++) {
		if (ms >= URING_WAIT_MS)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return res;
}

/* A RECV on fx->ep's empty inbox. */
static long run_uring_recv(struct fixture *fx)
{
	memset(&ur.arg, 0, sizeof(ur.arg));
	ur.arg.size = sizeof(ur.arg);
	ur.arg.buf = (uintptr_t)fx->buf;
	ur.arg.buf_len = SWEEP_PAYLOAD;
	return uring_submit(fx->ep, KIPC_IOC_RECV, &ur.arg);
}

/* The pending RECV takes a message sent now, and nothing else is left. */
static int check_uring_recv(struct fixture *fx, long ret, char *why, size_t len)
{
	char buf[SWEEP_PAYLOAD];
	struct kipc_send s = {
		.size = sizeof(s),
		.dest = fx->ep_id,
		.buf = (uintptr_t)buf,
		.len = sizeof(buf),
	};
	int res;

	(void)ret;
	fill_payload(buf, URING_TAG);
	ret = sys_ioctl(fx->peer, KIPC_IOC_SEND, &s);
	if (ret < 0)
		return FAIL("SEND to the waiting RECV: %s", strerror((int)-ret));
	res = uring_wait();
	if (res)
		return FAIL("the pending RECV completed with %s", strerror(-res));
	fx->len = ur.arg.len;
	if (fx->len != SWEEP_PAYLOAD || memcmp(fx->buf, buf, SWEEP_PAYLOAD))
		return FAIL("the pending RECV got %u bytes, not the message",
			    fx->len);
	return 0;
}

/* A CALL from fx->ep to fx->peer, which has not received it yet. */
static long run_uring_call(struct fixture *fx)
{
	fill_payload(ur.req, URING_TAG + 1);
	memset(&ur.call, 0, sizeof(ur.call));
	ur.call.size = sizeof(ur.call);
	ur.call.dest = fx->peer_id;
	ur.call.buf = (uintptr_t)ur.req;
	ur.call.len = SWEEP_PAYLOAD;
	ur.call.reply_buf = (uintptr_t)fx->buf;
	ur.call.reply_buf_len = SWEEP_PAYLOAD;
	return uring_submit(fx->ep, KIPC_IOC_CALL, &ur.call);
}

/* The server gets the one request; its reply completes the CALL. */
static int check_uring_call(struct fixture *fx, long ret, char *why, size_t len)
{
	char buf[SWEEP_PAYLOAD], rep[SWEEP_PAYLOAD];
	struct kipc_recv r = {
		.size = sizeof(r),
		.flags = KIPC_NONBLOCK,
		.buf = (uintptr_t)buf,
		.buf_len = sizeof(buf),
	};
	struct kipc_reply a = {
		.size = sizeof(a),
		.buf = (uintptr_t)rep,
		.len = sizeof(rep),
	};
	int res;

	(void)ret;
	ret = sys_ioctl(fx->peer, KIPC_IOC_RECV, &r);
	if (ret < 0)
		return FAIL("the server has no request: %s", strerror((int)-ret));
	if (r.len != SWEEP_PAYLOAD || memcmp(buf, ur.req, SWEEP_PAYLOAD))
		return FAIL("the request is not the one sent");
	a.token = r.hdr.token;
	r.len = 0;
	if (sys_ioctl(fx->peer, KIPC_IOC_RECV, &r) != -EAGAIN)
		return FAIL("the server got a second request");
	fill_payload(rep, URING_TAG + 2);
	ret = sys_ioctl(fx->peer, KIPC_IOC_REPLY, &a);
	if (ret < 0)
		return FAIL("REPLY: %s", strerror((int)-ret));
	res = uring_wait();
	if (res)
		return FAIL("the pending CALL completed with %s", strerror(-res));
	if (ur.call.reply_len != SWEEP_PAYLOAD ||
	    memcmp(fx->buf, rep, SWEEP_PAYLOAD))
		return FAIL("the CALL got %u bytes, not the reply",
			    ur.call.reply_len);
	return 0;
}

/* An XFER of URING_XFER receives on fx->ep's empty inbox. */
static long run_uring_xfer(struct fixture *fx)
{
	unsigned int i;

	memset(&ur.x, 0, sizeof(ur.x));
	memset(ur.mm, 0, sizeof(ur.mm));
	for (i = 0; i < URING_XFER; i++) {
		ur.mm[i].buf = (uintptr_t)ur.rbuf[i];
		ur.mm[i].buf_len = SWEEP_PAYLOAD;
	}
	ur.x.size = sizeof(ur.x);
	ur.x.entry_size = sizeof(struct kipc_mmsg);
	ur.x.recv_msgs = (uintptr_t)ur.mm;
	ur.x.recv_count = URING_XFER;
	return uring_submit(fx->ep, KIPC_IOC_XFER, &ur.x);
}

/*
 * Three messages sent in one batch complete the pending XFER: the first
 * handed to it, the others taken as its completion finds them queued.
 */
static int check_uring_xfer(struct fixture *fx, long ret, char *why, size_t len)
{
	char out[URING_XFER - 1][SWEEP_PAYLOAD];
	struct kipc_mmsg sm[URING_XFER - 1];
	struct kipc_xfer x = {
		.size = sizeof(x),
		.dest = fx->ep_id,
		.send_msgs = (uintptr_t)sm,
		.send_count = URING_XFER - 1,
		.entry_size = sizeof(struct kipc_mmsg),
	};
	unsigned int i;
	int res;

	(void)ret;
	memset(sm, 0, sizeof(sm));
	for (i = 0; i < URING_XFER - 1; i++) {
		fill_payload(out[i], URING_TAG + 3 + i);
		sm[i].buf = (uintptr_t)out[i];
		sm[i].len = SWEEP_PAYLOAD;
	}
	ret = sys_ioctl(fx->peer, KIPC_IOC_XFER, &x);
	if (ret < 0 || x.sent != URING_XFER - 1)
		return FAIL("XFER to the waiting XFER: %s, %u sent",
			    strerror((int)-ret), x.sent);
	res = uring_wait();
	if (res)
		return FAIL("the pending XFER completed with %s", strerror(-res));
	if (ur.x.received != URING_XFER - 1)
		return FAIL("the pending XFER received %u of %u", ur.x.received,
			    URING_XFER - 1);
	for (i = 0; i < URING_XFER - 1; i++)
		if (ur.mm[i].len != SWEEP_PAYLOAD ||
		    memcmp(ur.rbuf[i], out[i], SWEEP_PAYLOAD))
			return FAIL("entry %u holds %u bytes, not message %u",
				    i, ur.mm[i].len, i);
	return 0;
}

const struct sweep_op sweep_uring_ops[] = {
	{ .name = "uring_recv_park", .needs = NEEDS_NOTHING,
	  .prepare = prepare_uring, .run = run_uring_recv,
	  .check = check_uring_recv },
	{ .name = "uring_call_park", .needs = NEEDS_NOTHING,
	  .prepare = prepare_uring, .run = run_uring_call,
	  .check = check_uring_call },
	{ .name = "uring_xfer_park", .needs = NEEDS_NOTHING,
	  .prepare = prepare_uring, .run = run_uring_xfer,
	  .check = check_uring_xfer },
};
const unsigned int sweep_nr_uring_ops = sizeof(sweep_uring_ops) /
					sizeof(sweep_uring_ops[0]);
