// SPDX-License-Identifier: GPL-2.0
/*
 * KIPC_IOC_XFER: a vector of sends to one queue, then a vector of receives
 * from the fd's own queue, in one system call.
 *
 * It is the batched path of the message queues (many messages per system
 * call, like sendmmsg()/recvmmsg()) and, with one message each way, a
 * round trip in one call per side, as L4's call/reply-and-wait or
 * binder's write-read. Each message goes through kipc_queue_send() or
 * kipc_queue_recv() exactly as with SEND and RECV, so every rule of the
 * queues (priorities, capacity, permissions, hand-off to a blocked
 * receiver, requests) holds unchanged; only the first message of each
 * phase may wait.
 */
#include <linux/fcntl.h>
#include <linux/uaccess.h>
#include "kipc.h"

/* Bounds the stride between entries; an entry is far smaller. */
#define KIPC_MMSG_STRIDE_MAX	4096

static void __user *kipc_mmsg_ptr(u64 base, u32 i, u32 stride)
{
	return u64_to_user_ptr(base + (u64)i * stride);
}

/* The part of an entry the kernel reads: everything before the header. */
#define KIPC_MMSG_IN_SIZE	offsetof(struct kipc_mmsg, hdr)

/*
 * Messages are built (payload copied in) a chunk at a time before any is
 * queued, so that a chunk is queued under one lock hold.
 */
#define KIPC_XFER_CHUNK		16

static int kipc_xfer_send(struct kipc_ctx *ctx, const struct kipc_xfer *x,
			  const struct kipc_deadline *dl, u32 *sent)
{
	const struct kipc_deadline nb = { .nonblock = true };
	struct kipc_msg *msgs[KIPC_XFER_CHUNK];
	u32 i = 0, n, built, done;
	struct kipc_dest d;
	struct kipc_mmsg e;
	int ret, err;

	*sent = 0;
	ret = kipc_dest_get(ctx, x->flags, x->dest, true, &d);
	if (ret)
		return ret;
	while (!ret && i < x->send_count) {
		n = min_t(u32, x->send_count - i, KIPC_XFER_CHUNK);
		err = 0;
		for (built = 0; built < n; built++) {
			if (copy_from_user(&e, kipc_mmsg_ptr(x->send_msgs,
							     i + built,
							     x->entry_size),
					   KIPC_MMSG_IN_SIZE)) {
				err = -EFAULT;
				break;
			}
			if (e.priority > KIPC_PRIO_MAX) {
				err = -EINVAL;
				break;
			}
			msgs[built] = kipc_msg_new(ctx->ep,
						   u64_to_user_ptr(e.buf),
						   e.len, e.priority);
			if (IS_ERR(msgs[built])) {
				err = PTR_ERR(msgs[built]);
				break;
			}
		}
		done = 0;
		ret = built ? kipc_queue_send_many(d.q, msgs, built,
						   i ? &nb : dl, &done) : 0;
		i += done;
		/* An entry that could not be built stops the phase after
		 * those before it went.
		 */
		if (!ret && err)
			ret = err;
	}
	kipc_dest_put(&d);
	*sent = i;
	return ret;
}

struct kipc_xfer_rx {
	const struct kipc_xfer *x;
	struct kipc_endpoint *ep;
	struct kipc_mmsg e;
};

/* kipc_queue_recv_many() callback: set up receive @i from entry @i. */
static int kipc_xfer_next(void *arg, u32 i, struct kipc_rx *rx)
{
	struct kipc_xfer_rx *xr = arg;
	const struct kipc_xfer *x = xr->x;
	void __user *ue = kipc_mmsg_ptr(x->recv_msgs, i, x->entry_size);

	memset(&xr->e, 0, sizeof(xr->e));
	if (copy_from_user(&xr->e, ue, KIPC_MMSG_IN_SIZE))
		return -EFAULT;
	xr->e.len = 0;
	*rx = (struct kipc_rx) {
		.buf = xr->e.buf,
		.buf_len = xr->e.buf_len,
		.hdr = &xr->e.hdr,
		.len = &xr->e.len,
		.out = &xr->e,
		.uout = ue,
		.out_size = sizeof(xr->e),
		.from = x->from,
		.ep = xr->ep,
	};
	return 0;
}

static int kipc_xfer_recv(struct kipc_ctx *ctx, const struct kipc_xfer *x,
			  const struct kipc_deadline *dl, u32 *got)
{
	struct kipc_queue *q = ctx->mb ? &ctx->mb->q : &ctx->ep->inbox;
	struct kipc_xfer_rx xr = { .x = x, .ep = ctx->ep };

	return kipc_queue_recv_many(q, kipc_xfer_next, &xr, x->recv_count,
				    dl, got);
}

static int kipc_xfer_check(const struct kipc_xfer *x)
{
	/* KIPC_RECV_FROM shares KIPC_SEND_MAILBOX's bit: @from alone says. */
	const u32 known = KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			  KIPC_SEND_MAILBOX;

	if ((x->flags & ~known) || x->reserved)
		return -EINVAL;
	if (x->send_count > KIPC_XFER_MAX || x->recv_count > KIPC_XFER_MAX ||
	    (!x->send_count && !x->recv_count))
		return -EINVAL;
	if (x->entry_size < KIPC_MMSG_SIZE_VER0 ||
	    x->entry_size > KIPC_MMSG_STRIDE_MAX)
		return -EINVAL;
	/* Bounded above, so the products cannot overflow. */
	if (!access_ok(u64_to_user_ptr(x->send_msgs),
		       (u64)x->send_count * x->entry_size) ||
	    !access_ok(u64_to_user_ptr(x->recv_msgs),
		       (u64)x->recv_count * x->entry_size))
		return -EFAULT;
	return 0;
}

/**
 * kipc_ioc_xfer() - KIPC_IOC_XFER
 * @ctx:	endpoint or mailbox fd (not an io_uring command)
 * @uarg:	struct kipc_xfer
 *
 * Return: 0 or a negative errno as documented in the uapi header; @sent
 * and @received are written back unless the argument was rejected.
 */
int kipc_ioc_xfer(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_deadline dl;
	struct kipc_xfer x;
	u32 sent = 0, got = 0;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&x, sizeof(x), KIPC_XFER_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	ret = kipc_xfer_check(&x);
	if (ret)
		return ret;
	ret = kipc_deadline_init(&dl, x.flags, &x.timeout, true);
	if (ret)
		return ret;
	if (ctx->file->f_flags & O_NONBLOCK)
		dl.nonblock = true;
	/* The counts must be writable before anything moves. */
	if (put_user(0, &((struct kipc_xfer __user *)uarg)->sent) ||
	    put_user(0, &((struct kipc_xfer __user *)uarg)->received))
		return -EFAULT;

	if (x.send_count) {
		ret = kipc_xfer_send(ctx, &x, &dl, &sent);
		if (ret && !sent)
			goto out;
		if (sent < x.send_count) {
			/* Partial, like write(): the rest can be retried. */
			ret = 0;
			goto out;
		}
	}
	if (x.recv_count) {
		/* Restarting now would send the messages a second time. */
		if (sent)
			dl.restart = false;
		ret = kipc_xfer_recv(ctx, &x, &dl, &got);
		if (got)
			ret = 0;
	}
out:
	x.sent = sent;
	x.received = got;
	/* Messages moved: their count matters more than this late fault. */
	if (copy_to_user(uarg, &x, usize) && !sent && !got)
		return -EFAULT;
	return ret;
}
