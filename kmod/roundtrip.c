// SPDX-License-Identifier: GPL-2.0
/*
 * One-call round trips: SENDRECV (send one message, receive one) and
 * REPLY_RECV (answer a request, receive the next), each with one flat
 * argument read once and written back once.
 *
 * A request/response exchange costs four system calls with SEND and
 * RECV; these make it two, one per side, as L4's call and
 * reply-and-wait, Binder's BC_REPLY + BR_TRANSACTION and QNX's
 * MsgReply() + MsgReceive() loop do. XFER can do the same with vectors,
 * but reads and writes each entry and its counts on top of its struct:
 * more than the call it saves.
 *
 * The rule of XFER holds: the first half happens at most once. Once the
 * message went (or the reply was attempted), an interrupted receive is
 * not restarted, it fails with -EINTR, and the struct says the first
 * half was done.
 */
#include <linux/uaccess.h>
#include "kipc_internal.h"
#include "trace.h"

/* What the receive half accepts besides the blocking flags. */
#define KIPC_RT_RECV_SEL	(KIPC_RECV_FROM | KIPC_RECV_TYPE | \
				 KIPC_RECV_EXCEPT)
#define KIPC_RT_BLOCKING	(KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME | \
				 KIPC_NORESTART)

/*
 * The receive half, the same in both calls: check its selection and
 * prepare @rx to write into the argument struct @out (@hdr, @len and
 * @type, zeroed here), which the receive copies back itself once the
 * payload is out.
 */
static int kipc_rt_rx_init(struct kipc_ctx *ctx, struct kipc_rx *rx,
			   void *out, u64 buf, u32 buf_len, u32 flags, u64 from,
			   s64 type_sel, struct kipc_msg_hdr *hdr, u32 *len,
			   s64 *type)
{
	if (!!(flags & KIPC_RECV_FROM) != !!from)
		return -EINVAL;
	*rx = (struct kipc_rx) {
		.buf = buf,
		.buf_len = buf_len,
		.hdr = hdr,
		.len = len,
		.out = out,
		.uout = ctx->uarg,
		.out_size = ctx->usize,
		.type = type,
		.from = from,
		.ep = ctx->ep,
	};
	*len = 0;
	*type = 0;
	memset(hdr, 0, sizeof(*hdr));
	return kipc_recv_sel(flags, type_sel, &rx->sel, &rx->type_sel);
}

/**
 * kipc_ioc_sendrecv() - KIPC_IOC_SENDRECV
 * @ctx:	endpoint or mailbox fd (not an io_uring command)
 * @arg:	struct kipc_sendrecv
 *
 * Return: 0 or a negative errno as documented in the uapi header; @sent
 * is written back unless the argument was rejected.
 */
int kipc_ioc_sendrecv(struct kipc_ctx *ctx, void *arg)
{
	const u32 known = KIPC_RT_BLOCKING | KIPC_SEND_MAILBOX;
	struct kipc_sendrecv *k = arg;
	struct kipc_deadline dl;
	struct kipc_dest d;
	struct kipc_msg *msg;
	struct kipc_rx rx;
	int ret;

	if ((k->flags & ~known) || (k->recv_flags & ~KIPC_RT_RECV_SEL) ||
	    k->priority > KIPC_PRIO_MAX)
		return -EINVAL;
	ret = kipc_ctx_deadline(ctx, &dl, k->flags, &k->timeout);
	if (ret)
		return ret;
	ret = kipc_rt_rx_init(ctx, &rx, k, k->recv_buf, k->recv_buf_len,
			      k->recv_flags, k->from, k->type_sel, &k->hdr,
			      &k->recv_len, &k->recv_type);
	if (ret)
		return ret;
	k->sent = 0;

	ret = kipc_dest_get(ctx, k->flags, k->dest, true, &d);
	if (ret)
		goto out;
	msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(k->buf), k->len,
			   k->priority);
	if (IS_ERR(msg)) {
		kipc_dest_put(&d);
		ret = PTR_ERR(msg);
		goto out;
	}
	msg->type = k->type;
	ret = kipc_queue_send(d.q, msg, false, &dl);
	kipc_dest_put(&d);
	if (ret)
		goto out;

	k->sent = 1;
	kipc_let_woken_run();
	ret = kipc_queue_recv(kipc_ctx_queue(ctx), &rx, &dl);
	/* The receive wrote the struct back (also on -EMSGSIZE). */
	if (!ret || ret == -EMSGSIZE)
		return ret;
	/* Restarting now would send the message a second time. */
	if (ret == -ERESTARTSYS)
		ret = -EINTR;
out:
	/* @sent matters more than a late fault once the message went. */
	if (kipc_copy_out(ctx, k) && !k->sent)
		return -EFAULT;
	return kipc_interrupted(ctx, ret, &dl,
				offsetof(struct kipc_sendrecv, timeout));
}

/**
 * kipc_ioc_reply_recv() - KIPC_IOC_REPLY_RECV
 * @ctx:	the server's endpoint fd or a mailbox fd opened through it
 *		(not an io_uring command)
 * @arg:	struct kipc_reply_recv
 *
 * A failed reply does not stop the receive: it is reported in
 * @reply_ret, so a caller that gave up never stalls its server.
 *
 * Return: the receive's result, or a negative errno for a rejected
 * argument, as documented in the uapi header.
 */
int kipc_ioc_reply_recv(struct kipc_ctx *ctx, void *arg)
{
	const u32 known = KIPC_RT_BLOCKING | KIPC_RT_RECV_SEL;
	struct kipc_reply_recv *k = arg;
	struct kipc_deadline dl;
	struct kipc_msg *msg;
	struct kipc_rx rx;
	int ret;

	if (k->flags & ~known)
		return -EINVAL;
	ret = kipc_ctx_deadline(ctx, &dl, k->flags, &k->timeout);
	if (ret)
		return ret;
	ret = kipc_rt_rx_init(ctx, &rx, k, k->recv_buf, k->recv_buf_len,
			      k->flags, k->from, k->type_sel, &k->hdr,
			      &k->recv_len, &k->recv_type);
	if (ret)
		return ret;
	k->reply_ret = 0;

	if (k->token) {
		msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(k->buf), k->len, 0);
		if (IS_ERR(msg)) {
			k->reply_ret = PTR_ERR(msg);
		} else {
			k->reply_ret = kipc_txn_reply(ctx->ep, k->token, msg);
			if (k->reply_ret)
				kipc_msg_free(msg);
		}
		trace_kipc_reply(ctx->ep->obj.id, k->token, k->len,
				 k->reply_ret);
		kipc_let_woken_run();
	}

	ret = kipc_queue_recv(kipc_ctx_queue(ctx), &rx, &dl);
	if (!ret || ret == -EMSGSIZE)
		return ret;
	/* The token is spent: a restart could not answer it again. */
	if (ret == -ERESTARTSYS && k->token)
		ret = -EINTR;
	if (kipc_copy_out(ctx, k) && !k->token)
		return -EFAULT;
	return kipc_interrupted(ctx, ret, &dl,
				offsetof(struct kipc_reply_recv, timeout));
}
