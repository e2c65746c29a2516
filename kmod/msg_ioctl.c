// SPDX-License-Identifier: GPL-2.0
/*
 * The message commands: SEND, RECV, CALL, REPLY, XFER and NOTIFY, on
 * endpoint and mailbox fds. Each decodes its argument (already copied in
 * by ioctl.c), resolves its queue and hands over to queue.c and call.c.
 *
 * XFER is a vector of sends to one queue, then a vector of receives from
 * the fd's own queue, in one system call: the batched path (as
 * sendmmsg()/recvmmsg()) and, with one message each way, a round trip in
 * one call per side (as L4's call/reply-and-wait). Each message follows
 * exactly the rules of SEND and RECV; only the first of each phase may
 * wait.
 */
#include <linux/build_bug.h>
#include <linux/fcntl.h>
#include <linux/uaccess.h>
#include "kipc_internal.h"
#include "trace.h"

/**
 * kipc_dest_get() - resolve and pin where a send from @ctx goes
 * @ctx:	the command
 * @flags:	its flags (KIPC_SEND_MAILBOX)
 * @dest:	a mailbox id with KIPC_SEND_MAILBOX, else an endpoint id; 0
 *		for the fd's own mailbox
 * @redirect:	a mailbox fd may name another mailbox (XFER, SENDRECV)
 * @d:		output; release with kipc_dest_put()
 *
 * Return: 0, -EINVAL, -ENOENT or -ESRCH.
 */
int kipc_dest_get(struct kipc_ctx *ctx, u32 flags, u64 dest, bool redirect,
		  struct kipc_dest *d)
{
	bool mailbox = flags & KIPC_SEND_MAILBOX;

	*d = (struct kipc_dest) { };
	if (ctx->mb && !(redirect && dest && mailbox)) {
		if (dest || mailbox)
			return -EINVAL;
		d->q = &ctx->mb->q;
		return 0;
	}
	if (!dest)
		return -EINVAL;
	d->obj = kipc_obj_lookup(kipc_ctx_ns(ctx), mailbox ?
				 KIPC_TYPE_MAILBOX : KIPC_TYPE_ENDPOINT,
				 dest, NULL);
	if (!d->obj)
		return mailbox ? -ENOENT : -ESRCH;
	d->q = mailbox ? &kipc_obj_mbox(d->obj)->q :
			 &kipc_obj_ep(d->obj)->inbox;
	return 0;
}

/**
 * kipc_dest_put() - release what kipc_dest_get() pinned
 * @d:		the destination
 */
void kipc_dest_put(struct kipc_dest *d)
{
	if (d->obj)
		kipc_obj_put(d->obj);
}

/* Send @msg (consumed) to where @ctx, @flags and @dest say. */
static int kipc_send_msg(struct kipc_ctx *ctx, u32 flags, u64 dest,
			 struct kipc_msg *msg, bool sync,
			 const struct kipc_deadline *dl)
{
	struct kipc_dest d;
	int ret;

	ret = kipc_dest_get(ctx, flags, dest, false, &d);
	if (ret) {
		kipc_msg_free(msg);
		return ret;
	}
	ret = kipc_queue_send(d.q, msg, sync, dl);
	kipc_dest_put(&d);
	return ret;
}

/**
 * kipc_ctx_deadline() - decode the blocking flags and timeout of a command
 * @ctx:	the command; an O_NONBLOCK fd or an inline io_uring attempt
 *		never waits
 * @dl:		output
 * @flags:	the command's flags
 * @ts:		its timeout
 *
 * Return: 0 or -EINVAL.
 */
int kipc_ctx_deadline(struct kipc_ctx *ctx, struct kipc_deadline *dl,
		      u32 flags, const struct kipc_timespec *ts)
{
	int ret = kipc_deadline_init(dl, flags, ts);

	if (ctx->file->f_flags & O_NONBLOCK)
		dl->nonblock = true;
	/* The caller's own choice: its -EAGAIN is the answer. */
	ctx->eagain_final = dl->nonblock;
	if (ctx->nowait)
		dl->nonblock = true;
	return ret;
}

/**
 * kipc_interrupted() - prepare the restart of an interrupted command
 * @ctx:	the command
 * @ret:	what its wait returned
 * @dl:		its deadline
 * @ts_offset:	offset of its struct kipc_timespec in the argument
 *
 * An interrupted wait (-ERESTARTSYS) will be restarted with the same
 * argument: leave the time left of a relative timeout in it. If that
 * cannot be written, a restart would start the timeout again: fail with
 * -EINTR instead.
 *
 * Return: @ret, or -EINTR.
 */
int kipc_interrupted(struct kipc_ctx *ctx, int ret,
		     const struct kipc_deadline *dl, size_t ts_offset)
{
	if (ret != -ERESTARTSYS || ctx->uring)
		return ret;
	if (kipc_deadline_save(dl, ctx->uarg + ts_offset))
		return -EINTR;
	/* KIPC_NORESTART: restarted only when no handler ran, as msgrcv(). */
	return dl->norestart ? -ERESTARTNOHAND : ret;
}

/**
 * kipc_ioc_send() - KIPC_IOC_SEND
 * @ctx:	endpoint or mailbox fd
 * @arg:	struct kipc_send
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_send(struct kipc_ctx *ctx, void *arg)
{
	const u32 known = KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			  KIPC_NORESTART | KIPC_SEND_SYNC | KIPC_SEND_MAILBOX;
	struct kipc_send *karg = arg;
	struct kipc_deadline dl;
	struct kipc_msg *msg;
	int ret;

	if ((karg->flags & ~known) || karg->priority > KIPC_PRIO_MAX)
		return -EINVAL;
	ret = kipc_ctx_deadline(ctx, &dl, karg->flags, &karg->timeout);
	if (ret)
		return ret;
	msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(karg->buf), karg->len,
			   karg->priority);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	msg->type = karg->type;
	ret = kipc_send_msg(ctx, karg->flags, karg->dest, msg,
			    karg->flags & KIPC_SEND_SYNC, &dl);
	return kipc_interrupted(ctx, ret, &dl,
				offsetof(struct kipc_send, timeout));
}

/**
 * kipc_recv_sel() - decode a receive's selection as msgrcv() reads msgtyp
 * @flags:	KIPC_RECV_TYPE, KIPC_RECV_EXCEPT, KIPC_RECV_INDEX (with
 *		KIPC_RECV_PEEK); other bits ignored
 * @t:		the type_sel field
 * @sel:	output
 * @type_sel:	output
 *
 * Return: 0 or -EINVAL.
 */
int kipc_recv_sel(u32 flags, s64 t, enum kipc_sel *sel, s64 *type_sel)
{
	bool by_type = flags & KIPC_RECV_TYPE;
	bool except = flags & KIPC_RECV_EXCEPT;

	*sel = KIPC_SEL_ANY;
	*type_sel = 0;
	if (flags & KIPC_RECV_INDEX) {
		/* MSG_COPY: a copy of the message at a position. */
		if (by_type || except || t < 0 ||
		    !(flags & KIPC_RECV_PEEK))
			return -EINVAL;
		*sel = KIPC_SEL_INDEX;
		*type_sel = t;
		return 0;
	}
	if (!by_type)
		return t || except ? -EINVAL : 0;
	if (!t || (t < 0 && except))
		return -EINVAL;
	if (t > 0) {
		*sel = except ? KIPC_SEL_NOTEQUAL : KIPC_SEL_EQUAL;
		*type_sel = t;
	} else {
		*sel = KIPC_SEL_LESSEQUAL;
		*type_sel = t == S64_MIN ? S64_MAX : -t;
	}
	return 0;
}

/**
 * kipc_ioc_recv() - KIPC_IOC_RECV
 * @ctx:	endpoint fd (its inbox) or mailbox fd (the mailbox)
 * @arg:	struct kipc_recv
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_recv(struct kipc_ctx *ctx, void *arg)
{
	const u32 known = KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			  KIPC_NORESTART | KIPC_RECV_PEEK | KIPC_RECV_FROM |
			  KIPC_RECV_TYPE | KIPC_RECV_EXCEPT | KIPC_RECV_INDEX |
			  KIPC_RECV_SEQ;
	const u32 not_with_seq = KIPC_RECV_FROM | KIPC_RECV_TYPE |
				 KIPC_RECV_EXCEPT | KIPC_RECV_INDEX;
	struct kipc_queue *q = kipc_ctx_queue(ctx);
	struct kipc_recv *karg = arg;
	bool by_seq = karg->flags & KIPC_RECV_SEQ;
	struct kipc_deadline dl;
	struct kipc_rx rx;
	enum kipc_sel sel;
	bool may_park;
	s64 type_sel;
	int ret;

	if (karg->flags & ~known)
		return -EINVAL;
	/* The number is input only in a struct that has it. */
	if (by_seq && ((karg->flags & not_with_seq) || !karg->seq ||
		       ctx->usize < KIPC_RECV_SIZE_VER2))
		return -EINVAL;
	if (!!(karg->flags & KIPC_RECV_FROM) != !!karg->from)
		return -EINVAL;
	ret = kipc_recv_sel(karg->flags, karg->type_sel, &sel, &type_sel);
	if (ret)
		return ret;
	ret = kipc_ctx_deadline(ctx, &dl, karg->flags, &karg->timeout);
	if (ret)
		return ret;
	/*
	 * An io_uring RECV that would wait (not KIPC_NONBLOCK, not an
	 * O_NONBLOCK fd) parks instead where the kernel allows it: it tries
	 * once without waiting, wherever it was issued from. A receive by
	 * number never waits.
	 */
	may_park = ctx->park && !by_seq && !(karg->flags & KIPC_NONBLOCK) &&
		   !(ctx->file->f_flags & O_NONBLOCK);
	if (may_park)
		dl.nonblock = true;
	karg->len = 0;
	memset(&karg->hdr, 0, sizeof(karg->hdr));
	rx = (struct kipc_rx) {
		.buf = karg->buf,
		.buf_len = karg->buf_len,
		.hdr = &karg->hdr,
		.len = &karg->len,
		.out = karg,
		.uout = ctx->uarg,
		.out_size = ctx->usize,
		.type = &karg->type,
		.seq_out = &karg->seq,
		.from = karg->from,
		.sel = sel,
		.type_sel = type_sel,
		.seq = karg->seq,
		.by_seq = by_seq,
		.peek = karg->flags & KIPC_RECV_PEEK,
		.ep = ctx->ep,
	};
	ret = kipc_queue_recv(q, &rx, &dl);
	if (ret == -EAGAIN && may_park)
		return kipc_uring_park_recv(ctx, q, karg, &rx, &dl);
	return kipc_interrupted(ctx, ret, &dl,
				offsetof(struct kipc_recv, timeout));
}

/**
 * kipc_call_deliver() - give a caller its reply: header, payload, struct
 * @ctx:	the CALL (its uarg and usize are used)
 * @karg:	its argument; the reply's header and length are filled in
 * @reply:	the reply
 *
 * Return: 0 or -EFAULT.
 */
int kipc_call_deliver(struct kipc_ctx *ctx, struct kipc_call *karg,
		      struct kipc_msg *reply)
{
	kipc_fill_hdr(&karg->reply_hdr, reply);
	karg->reply_len = reply->len;
	karg->flags &= ~KIPC_CALL_RESUME;
	if (reply->len && copy_to_user(u64_to_user_ptr(karg->reply_buf),
				       reply->data, reply->len))
		return -EFAULT;
	return kipc_copy_out(ctx, karg);
}

/*
 * Queue the request of a new call, waiting to send as @send_dl allows
 * (@dl is the call's own deadline). Return: its transaction, or an
 * ERR_PTR; nothing was requested then.
 */
static struct kipc_txn *kipc_call_start(struct kipc_ctx *ctx,
					const struct kipc_call *karg,
					const struct kipc_deadline *dl,
					const struct kipc_deadline *send_dl)
{
	struct kipc_txn *txn;
	struct kipc_msg *msg;
	int ret;

	txn = kipc_txn_new(ctx->ep, karg->reply_buf_len);
	if (IS_ERR(txn))
		return txn;
	msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(karg->buf), karg->len,
			   karg->priority);
	if (IS_ERR(msg)) {
		kipc_txn_put(txn);
		return ERR_CAST(msg);
	}
	msg->txn = kipc_txn_get(txn);
	msg->token = kipc_txn_token(txn);
	msg->flags = KIPC_MSG_REQUEST;
	msg->reply_max = karg->reply_buf_len;
	if (dl->timed)	/* 0 means none: an expired 0 becomes 1 ns */
		msg->deadline = max_t(ktime_t, dl->expires, 1);
	ret = kipc_send_msg(ctx, karg->flags, karg->dest, msg, false, send_dl);
	if (ret) {
		kipc_txn_put(txn);
		return ERR_PTR(ret);
	}
	return txn;
}

/**
 * kipc_ioc_call() - KIPC_IOC_CALL
 * @ctx:	endpoint or mailbox fd
 * @arg:	struct kipc_call
 *
 * Once the request is queued, an interruption parks the call on the
 * endpoint and marks the caller's struct KIPC_CALL_RESUME with the token:
 * the restarted call, or the same struct issued again after -EINTR,
 * waits for that request's reply with the original deadline.
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_call(struct kipc_ctx *ctx, void *arg)
{
	const u32 known = KIPC_TIMEOUT | KIPC_ABSTIME | KIPC_SEND_MAILBOX |
			  KIPC_CALL_RESUME;
	struct kipc_call *karg = arg;
	struct kipc_ucall *uc = NULL;
	struct kipc_msg *reply;
	struct kipc_deadline dl;
	struct kipc_txn *txn;
	int ret;

	if ((karg->flags & ~known) || karg->priority > KIPC_PRIO_MAX)
		return -EINVAL;
	/* Where io_uring can cancel it, the wait for the reply parks. */
	if (ctx->park) {
		uc = kipc_ucall_alloc();
		if (!uc)
			return -ENOMEM;
	}
	if (karg->flags & KIPC_CALL_RESUME) {
		txn = kipc_txn_resume(ctx->ep, karg->reply_hdr.token, &dl);
		if (!txn) {
			kipc_ucall_discard(uc);
			return -ENOENT;
		}
		/* The server may reply as much as the first call accepted. */
		if (karg->reply_buf_len < kipc_txn_reply_max(txn)) {
			kipc_txn_park(txn, ctx->ep, &dl);
			kipc_ucall_discard(uc);
			return -EMSGSIZE;
		}
	} else {
		struct kipc_deadline send_dl;

		ret = kipc_deadline_init(&dl, karg->flags, &karg->timeout);
		if (!ret) {
			/* Inline through io_uring: send without waiting, or
			 * retry the whole call from io-wq (-EAGAIN: nothing
			 * was sent).
			 */
			send_dl = dl;
			send_dl.nonblock = ctx->nowait;
			txn = kipc_call_start(ctx, karg, &dl, &send_dl);
			if (IS_ERR(txn))
				ret = kipc_interrupted(ctx, PTR_ERR(txn), &dl,
						       offsetof(struct kipc_call,
								timeout));
		}
		if (ret) {
			kipc_ucall_discard(uc);
			return ret;
		}
	}
	if (uc)
		return kipc_uring_park_call(ctx, uc, karg, txn, &dl);

	ret = kipc_txn_wait(txn, &dl, &reply);
	if (ret == -ERESTARTSYS && !ctx->uring) {
		karg->flags |= KIPC_CALL_RESUME;
		memset(&karg->reply_hdr, 0, sizeof(karg->reply_hdr));
		karg->reply_hdr.token = kipc_txn_token(txn);
		karg->reply_len = 0;
		if (!kipc_copy_out(ctx, karg)) {
			kipc_txn_park(txn, ctx->ep, &dl);
			return -ERESTARTSYS;
		}
		/* The caller could not find it again: give it up. */
		ret = -EFAULT;
	}
	if (ret == -ERESTARTSYS || ret == -EFAULT)
		ret = kipc_txn_cancel(txn, ret, &reply);
	if (!ret) {
		ret = kipc_call_deliver(ctx, karg, reply);
		kipc_msg_free(reply);
	}
	trace_kipc_call(ctx->ep->obj.id, kipc_txn_token(txn),
			ret ? 0 : karg->reply_len, ret);
	kipc_txn_put(txn);
	return ret == -ERESTARTSYS ? -EINTR : ret;
}

/**
 * kipc_ioc_reply() - KIPC_IOC_REPLY
 * @ctx:	the server's endpoint fd or a mailbox fd opened through it
 * @arg:	struct kipc_reply
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_reply(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_reply *karg = arg;
	struct kipc_msg *msg;
	int ret;

	if (karg->flags || karg->reserved)
		return -EINVAL;
	if (!karg->token)
		return -ENOENT;
	msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(karg->buf), karg->len, 0);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = kipc_txn_reply(ctx->ep, karg->token, msg);
	if (ret)
		kipc_msg_free(msg);
	trace_kipc_reply(ctx->ep->obj.id, karg->token, karg->len, ret);
	return ret;
}

/**
 * kipc_ioc_notify() - KIPC_IOC_NOTIFY
 * @ctx:	endpoint fd (its inbox) or mailbox fd (the mailbox)
 * @arg:	struct kipc_notify
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_notify(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_notify *karg = arg;

	if (karg->reserved || karg->reserved2)
		return -EINVAL;
	return kipc_notify_arm(kipc_ctx_queue(ctx), ctx->file, karg);
}

/* Bounds the stride between XFER entries; an entry is far smaller. */
#define KIPC_MMSG_STRIDE_MAX	4096
/* The part of an entry the kernel reads: everything before the header. */
#define KIPC_MMSG_IN_SIZE	offsetof(struct kipc_mmsg, hdr)
/*
 * Entries are read and messages built (payloads copied in) a chunk at a
 * time before any is queued, so a chunk is queued under one lock hold and
 * no user memory is read under it.
 */
#define KIPC_XFER_CHUNK		16

static void __user *kipc_mmsg_ptr(u64 base, u32 i, u32 stride)
{
	return u64_to_user_ptr(base + (u64)i * stride);
}

/*
 * The part of an entry a receive reads, and writes back as it found it:
 * struct kipc_mmsg up to its header. A chunk of these is on the stack,
 * not of whole entries.
 */
struct kipc_mmsg_in {
	u64 buf;
	u32 len;
	u32 buf_len;
	u32 priority;
	u32 reserved;
};

static_assert(sizeof(struct kipc_mmsg_in) == KIPC_MMSG_IN_SIZE);
static_assert(offsetof(struct kipc_mmsg_in, buf_len) ==
	      offsetof(struct kipc_mmsg, buf_len));

/* What a send entry asks for, read before anything is built. */
struct kipc_xfer_ent {
	u64 buf;
	u32 len;
	u32 prio;
};

/*
 * Read up to @n send entries from @i on; returns how many are good, with
 * *@err the reason the next one is not. @bytes is what they take.
 */
static u32 kipc_xfer_read(const struct kipc_xfer *x, u32 i, u32 n,
			  struct kipc_xfer_ent *ents, size_t *bytes, int *err)
{
	struct kipc_mmsg e;
	u32 k;

	*bytes = 0;
	for (k = 0; k < n; k++) {
		if (copy_from_user(&e, kipc_mmsg_ptr(x->send_msgs, i + k,
						     x->entry_size),
				   KIPC_MMSG_IN_SIZE)) {
			*err = -EFAULT;
			break;
		}
		if (e.priority > KIPC_PRIO_MAX) {
			*err = -EINVAL;
			break;
		}
		if (e.len > kipc_msg_size_cap()) {
			*err = -EMSGSIZE;
			break;
		}
		ents[k] = (struct kipc_xfer_ent) {
			.buf = e.buf, .len = e.len, .prio = e.priority,
		};
		*bytes += kipc_msg_footprint(e.len);
	}
	return k;
}

/*
 * Build up to KIPC_XFER_CHUNK messages from entries @i...; see *@err.
 * The chunk is charged at once; if it does not fit the quota, one message
 * at a time, so that those that fit still go.
 */
static u32 kipc_xfer_build(struct kipc_ctx *ctx, const struct kipc_xfer *x,
			   u32 i, struct kipc_msg **msgs, int *err)
{
	struct kipc_xfer_ent ents[KIPC_XFER_CHUNK];
	u32 n = min_t(u32, x->send_count - i, KIPC_XFER_CHUNK), built;
	const struct kipc_xfer_ent *e;
	struct kipc_charge charge;
	bool charged;
	size_t bytes;

	*err = 0;
	n = kipc_xfer_read(x, i, n, ents, &bytes, err);
	charged = n && !kipc_ep_charge_msg(ctx->ep, &charge, bytes);
	for (built = 0; built < n; built++) {
		e = &ents[built];
		msgs[built] = charged ?
			kipc_msg_build(ctx->ep, &charge, u64_to_user_ptr(e->buf),
				       e->len, e->prio) :
			kipc_msg_new(ctx->ep, u64_to_user_ptr(e->buf), e->len,
				     e->prio);
		if (IS_ERR(msgs[built])) {
			*err = PTR_ERR(msgs[built]);
			break;
		}
		if (charged)
			bytes -= kipc_msg_footprint(e->len);
	}
	/* What was charged for entries not built goes back. */
	if (charged && bytes)
		kipc_msg_uncharge(&charge, bytes);
	return built;
}

static int kipc_xfer_send(struct kipc_ctx *ctx, const struct kipc_xfer *x,
			  const struct kipc_deadline *dl, u32 *sent)
{
	const struct kipc_deadline nb = { .nonblock = true };
	struct kipc_msg *msgs[KIPC_XFER_CHUNK];
	u32 i = 0, built, done;
	struct kipc_dest d;
	int ret, err;

	*sent = 0;
	ret = kipc_dest_get(ctx, x->flags, x->dest, true, &d);
	if (ret)
		return ret;
	while (!ret && i < x->send_count) {
		built = kipc_xfer_build(ctx, x, i, msgs, &err);
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

/**
 * kipc_xfer_rx() - read a receive entry of an XFER and describe it
 * @x:		the XFER, checked
 * @i:		the entry, below @x->recv_count
 * @ep:		the receiving endpoint
 * @e:		out: the entry's kernel copy, where the receive's outputs land
 * @rx:		out: the receive, pointing into @e; its delivery writes @e
 *		back to the entry
 *
 * Return: 0 or -EFAULT.
 */
int kipc_xfer_rx(const struct kipc_xfer *x, u32 i, struct kipc_endpoint *ep,
		 struct kipc_mmsg_seq *e, struct kipc_rx *rx)
{
	void __user *ue = kipc_mmsg_ptr(x->recv_msgs, i, x->entry_size);
	bool by_seq = x->flags & KIPC_RECV_SEQ;

	memset(e, 0, sizeof(*e));
	if (copy_from_user(&e->m, ue, KIPC_MMSG_IN_SIZE) ||
	    (by_seq && get_user(e->seq, (u64 __user *)(ue +
				offsetof(struct kipc_mmsg_seq, seq)))))
		return -EFAULT;
	e->m.len = 0;
	*rx = (struct kipc_rx) {
		.buf = e->m.buf,
		.buf_len = e->m.buf_len,
		.hdr = &e->m.hdr,
		.len = &e->m.len,
		.out = e,
		.uout = ue,
		/* Entries of the caller's size, up to what the kernel knows. */
		.out_size = min_t(size_t, x->entry_size, sizeof(*e)),
		.seq_out = &e->seq,
		.from = x->from,
		.seq = e->seq,
		.by_seq = by_seq,
		.ep = ep,
	};
	return 0;
}

/*
 * Fill entries @i... of @x with a run of queued messages taken at once
 * (kipc_queue_take_many()); *@took says how many were delivered. A
 * message that cannot be copied out goes back with those after it, and
 * its error is returned, as its one-at-a-time receive would return it.
 */
static int kipc_xfer_take(struct kipc_queue *q, struct kipc_endpoint *ep,
			  const struct kipc_xfer *x, u32 i, u32 *took)
{
	const size_t esize = min_t(size_t, x->entry_size,
				   sizeof(struct kipc_mmsg_seq));
	u32 n = min_t(u32, x->recv_count - i, KIPC_XFER_CHUNK), got, k;
	struct kipc_msg *msgs[KIPC_XFER_CHUNK];
	struct kipc_mmsg_in in[KIPC_XFER_CHUNK];
	const struct kipc_rx sel = { .from = x->from };
	u32 room[KIPC_XFER_CHUNK];
	struct kipc_mmsg_seq e;
	struct kipc_rx rx;
	int ret = 0;

	*took = 0;
	/* A hint: a receive that will wait reads no entries in vain. */
	if (!READ_ONCE(q->depth))
		return 0;
	/* An entry that cannot be read ends the run: its receive says so. */
	for (k = 0; k < n; k++) {
		if (copy_from_user(&in[k], kipc_mmsg_ptr(x->recv_msgs, i + k,
							 x->entry_size),
				   KIPC_MMSG_IN_SIZE))
			break;
		room[k] = in[k].buf_len;
	}
	got = k ? kipc_queue_take_many(q, &sel, room, k, msgs) : 0;
	for (k = 0; k < got; k++) {
		memset(&e, 0, sizeof(e));
		memcpy(&e.m, &in[k], KIPC_MMSG_IN_SIZE);
		e.m.len = 0;
		rx = (struct kipc_rx) {
			.buf = e.m.buf,
			.buf_len = e.m.buf_len,
			.hdr = &e.m.hdr,
			.len = &e.m.len,
			.out = &e,
			.uout = kipc_mmsg_ptr(x->recv_msgs, i + k,
					      x->entry_size),
			.out_size = esize,
			.seq_out = &e.seq,
			.ep = ep,
		};
		ret = kipc_deliver(&rx, msgs[k]);
		trace_kipc_recv(ep->obj.id, q->id, msgs[k]->sender_id,
				msgs[k]->len, msgs[k]->prio, false, ret);
		if (ret)
			break;
	}
	if (k < got)
		kipc_queue_put_back(q, msgs + k, got - k);
	*took = k;
	while (k)
		kipc_msg_free(msgs[--k]);
	return ret;
}

/*
 * Receive into entries @i... of @x from @q: the first as @dl allows, the
 * others only while messages are queued. *@got: the entry after the last
 * one filled. Runs of queued messages are taken at once; the one-at-a-
 * time receive takes the rest (a wait, a message someone waits on, one
 * too large for its buffer, a receive by number).
 */
static int kipc_xfer_recv(struct kipc_queue *q, struct kipc_endpoint *ep,
			  const struct kipc_xfer *x, u32 i,
			  const struct kipc_deadline *dl, u32 *got)
{
	const struct kipc_deadline nb = { .nonblock = true };
	const bool runs = !(x->flags & KIPC_RECV_SEQ);
	const u32 first = i;
	struct kipc_mmsg_seq e;
	struct kipc_rx rx;
	u32 took;
	int ret = 0;

	while (i < x->recv_count) {
		if (runs) {
			ret = kipc_xfer_take(q, ep, x, i, &took);
			i += took;
			if (ret || i == x->recv_count)
				break;
		}
		ret = kipc_xfer_rx(x, i, ep, &e, &rx) ?:
		      kipc_queue_recv(q, &rx, i == first ? dl : &nb);
		if (ret)
			break;
		i++;
	}
	*got = i;
	return ret;
}

/**
 * kipc_xfer_parked_done() - finish an io_uring XFER whose receive parked
 * @rec:	its record; @ret is the outcome of its first receive
 * @ret:	0 (entry 0 filled), or the error that ended the wait
 * @dead:	the submitter is exiting or the ring is going away: user
 *		memory is not to be touched
 *
 * Runs in the submitter's task, as the rest of the call would have: takes
 * what else is queued into the following entries without waiting, and
 * writes the counts back.
 *
 * Return: the XFER's result.
 */
int kipc_xfer_parked_done(struct kipc_upark *rec, int ret, bool dead)
{
	const struct kipc_deadline nb = { .nonblock = true };
	const struct kipc_xfer *x = &rec->xfer.x;
	struct kipc_xfer __user *ux = rec->xfer.ux;
	u32 got = 0;

	if (dead)
		return ret;
	/* Entry 0 is filled: the rest only while messages are queued. */
	if (!ret)
		kipc_xfer_recv(rec->q, rec->rx.ep, x, 1, &nb, &got);
	if ((put_user(rec->xfer.sent, &ux->sent) ||
	     put_user(got, &ux->received)) && !rec->xfer.sent && !got)
		return -EFAULT;
	return ret;
}

static int kipc_xfer_check(const struct kipc_xfer *x)
{
	/* KIPC_RECV_FROM shares KIPC_SEND_MAILBOX's bit: @from alone says. */
	const u32 known = KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			  KIPC_SEND_MAILBOX | KIPC_RECV_SEQ;

	if ((x->flags & ~known) || x->reserved)
		return -EINVAL;
	/* KIPC_RECV_SEQ reads each entry's number; it names the sender too. */
	if ((x->flags & KIPC_RECV_SEQ) &&
	    (x->entry_size < KIPC_MMSG_SIZE_VER1 || x->from))
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
 * @ctx:	endpoint or mailbox fd, or an io_uring command on one
 * @arg:	struct kipc_xfer
 *
 * Return: 0 or a negative errno as documented in the uapi header; @sent
 * and @received are written back unless the argument was rejected;
 * -EIOCBQUEUED for an io_uring XFER whose receive parked.
 */
int kipc_ioc_xfer(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_xfer __user *ux = ctx->uarg;
	struct kipc_xfer *x = arg;
	struct kipc_deadline dl;
	u32 sent = 0, got = 0;
	bool may_park;
	int ret;

	ret = kipc_xfer_check(x);
	if (ret)
		return ret;
	/* As a RECV: an io_uring receive that would wait parks. */
	may_park = ctx->park && !(x->flags & (KIPC_NONBLOCK | KIPC_RECV_SEQ)) &&
		   !(ctx->file->f_flags & O_NONBLOCK);
	/*
	 * io_uring retries a command whose inline attempt answers -EAGAIN
	 * from io-wq, from the start: after a send that must not happen.
	 * Where the receive can neither park nor answer -EAGAIN without
	 * that retry (no cancel hook: kipc_uring_cmd()), sends and receives
	 * together go there before doing anything.
	 */
	if (ctx->nowait && !ctx->park && x->send_count && x->recv_count)
		return -EAGAIN;
	ret = kipc_ctx_deadline(ctx, &dl, x->flags, &x->timeout);
	if (ret)
		return ret;
	/* The counts must be writable before anything moves. */
	if (put_user(0, &ux->sent) || put_user(0, &ux->received))
		return -EFAULT;

	if (x->send_count) {
		ret = kipc_xfer_send(ctx, x, &dl, &sent);
		if (ret && !sent)
			goto out;
		if (sent < x->send_count) {
			/* Partial, like write(): the rest can be retried. */
			ret = 0;
			goto out;
		}
	}
	if (x->recv_count) {
		if (sent && !ctx->uring)
			kipc_let_woken_run();
		if (may_park)
			dl.nonblock = true;
		ret = kipc_xfer_recv(kipc_ctx_queue(ctx), ctx->ep, x, 0, &dl,
				     &got);
		if (ret == -EAGAIN && !got && may_park)
			return kipc_uring_park_xfer(ctx, x, sent, &dl);
		if (got)
			ret = 0;
		/* Restarting now would send the messages a second time. */
		else if (ret == -ERESTARTSYS && sent)
			ret = -EINTR;
		/* Nor may io_uring retry it from io-wq. */
		if (ret == -EAGAIN && sent)
			ctx->eagain_final = true;
	}
out:
	x->sent = sent;
	x->received = got;
	/* Messages moved: their count matters more than this late fault. */
	if (kipc_copy_out(ctx, x) && !sent && !got)
		return -EFAULT;
	return kipc_interrupted(ctx, ret, &dl,
				offsetof(struct kipc_xfer, timeout));
}
