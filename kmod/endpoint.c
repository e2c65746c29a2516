// SPDX-License-Identifier: GPL-2.0
/*
 * kipc endpoints: the /dev/kipc file, its inbox, and the message ioctls
 * (SEND, RECV, CALL, REPLY, NOTIFY) shared by endpoint and mailbox fds.
 */
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "kipc.h"

static void kipc_ep_free(struct kref *ref)
{
	struct kipc_endpoint *ep = container_of(ref, struct kipc_endpoint, ref);

	kipc_queue_destroy(&ep->inbox);
	kipc_ep_user_release(ep);
	put_pid(ep->pid);
	kipc_ns_put(ep->obj.ns);
	kfree(ep);
}

/**
 * kipc_ep_put() - drop a reference to an endpoint
 * @ep:		the endpoint
 */
void kipc_ep_put(struct kipc_endpoint *ep)
{
	kref_put(&ep->ref, kipc_ep_free);
}

/**
 * kipc_ep_open() - open of /dev/kipc: create an endpoint
 * @inode:	device inode
 * @file:	the new file, which becomes the endpoint
 *
 * Return: 0, -ENOMEM.
 */
int kipc_ep_open(struct inode *inode, struct file *file)
{
	struct kipc_limits lim = {
		.max_msgs = READ_ONCE(kipc_ep_max_msgs),
		.max_bytes = READ_ONCE(kipc_ep_max_bytes),
	};
	struct kipc_endpoint *ep;
	struct kipc_ns *ns;
	int ret;

	/* Parameters out of range fall back to a small buffered inbox. */
	if (kipc_limits_check(&lim)) {
		lim.max_msgs = 64;
		lim.msg_max = min(KIPC_MSG_SIZE_DEFAULT, kipc_msg_size_cap());
		lim.max_bytes = 64 * lim.msg_max;
	}

	ep = kzalloc(sizeof(*ep), GFP_KERNEL_ACCOUNT);
	if (!ep)
		return -ENOMEM;
	ns = kipc_ns_get_current();
	if (!ns) {
		kfree(ep);
		return -ENOMEM;
	}
	ep->obj.id = kipc_next_id();
	ep->obj.type = KIPC_TYPE_ENDPOINT;
	ep->obj.ns = ns;
	kref_init(&ep->ref);
	kipc_queue_init(&ep->inbox, &lim, 0);
	ep->pid = get_pid(task_tgid(current));
	ep->uid = current_euid();
	ep->gid = current_egid();
	INIT_LIST_HEAD(&ep->owned);
	INIT_LIST_HEAD(&ep->txns);

	mutex_lock(&ns->lock);
	ret = xa_insert(&ns->objs, ep->obj.id, &ep->obj, GFP_KERNEL_ACCOUNT);
	mutex_unlock(&ns->lock);
	if (ret) {
		kipc_ep_put(ep);
		return ret;
	}
	file->private_data = ep;
	return 0;
}

static int kipc_ep_release(struct inode *inode, struct file *file)
{
	struct kipc_endpoint *ep = file->private_data;
	struct kipc_ns *ns = ep->obj.ns;

	mutex_lock(&ns->lock);
	kipc_obj_unhash(&ep->obj);
	mutex_unlock(&ns->lock);

	kipc_ep_kill_owned(ep);
	kipc_queue_release_file(&ep->inbox, file);
	kipc_queue_kill(&ep->inbox, -ESRCH, -ECONNRESET);
	kipc_ep_fail_txns(ep);
	kipc_ep_put(ep);
	return 0;
}

static __poll_t kipc_ep_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kipc_endpoint *ep = file->private_data;

	return kipc_queue_poll(&ep->inbox, file, pt, false);
}

static int kipc_ep_fasync(int fd, struct file *file, int on)
{
	struct kipc_endpoint *ep = file->private_data;

	return fasync_helper(fd, file, on, &ep->inbox.fasync);
}

static long kipc_ep_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct kipc_ctx ctx = {
		.file = file,
		.ep = file->private_data,
	};

	return kipc_ioctl_common(&ctx, cmd, arg);
}

static int kipc_ep_uring_cmd(struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags)
{
	struct kipc_ctx ctx = {
		.file = ioucmd->file,
		.ep = ioucmd->file->private_data,
	};

	return kipc_uring_cmd(&ctx, ioucmd, issue_flags);
}

const struct file_operations kipc_ep_fops = {
	.owner		= THIS_MODULE,
	.open		= kipc_ep_open,
	.release	= kipc_ep_release,
	.poll		= kipc_ep_poll,
	.fasync		= kipc_ep_fasync,
	.unlocked_ioctl	= kipc_ep_ioctl,
	.uring_cmd	= kipc_ep_uring_cmd,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * kipc_ioc_ep_set() - KIPC_IOC_EP_SET
 * @ctx:	an endpoint fd
 * @uarg:	struct kipc_ep_set
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_ep_set(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_endpoint *ep = ctx->ep;
	struct kipc_ns *ns = ep->obj.ns;
	struct kipc_limits lim;
	struct kipc_ep_set karg;
	char name[KIPC_NAME_MAX];
	size_t usize;
	int ret;

	if (ctx->mb)
		return -ENOTTY;
	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_EP_SET_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (!karg.flags ||
	    (karg.flags & ~(KIPC_EP_SET_NAME | KIPC_EP_SET_LIMITS)) ||
	    karg.reserved)
		return -EINVAL;

	if (karg.flags & KIPC_EP_SET_LIMITS) {
		lim = (struct kipc_limits) {
			.max_msgs = karg.max_msgs,
			.max_bytes = karg.max_bytes,
			.msg_max = karg.msg_max,
		};
		ret = kipc_limits_check(&lim);
		if (ret)
			return ret;
	}
	if (karg.flags & KIPC_EP_SET_NAME) {
		ret = kipc_name_copy(name, karg.name);
		if (ret)
			return ret;
		if (!name[0])
			return -EINVAL;
		mutex_lock(&ns->lock);
		if (ep->obj.name[0])
			ret = -EBUSY;
		else if (kipc_name_find(ns, KIPC_TYPE_ENDPOINT, name))
			ret = -EEXIST;
		if (!ret) {
			memcpy(ep->obj.name, name, KIPC_NAME_MAX);
			kipc_obj_hash(&ep->obj);
		}
		mutex_unlock(&ns->lock);
		if (ret)
			return ret;
	}
	if (karg.flags & KIPC_EP_SET_LIMITS)
		kipc_queue_set_limits(&ep->inbox, &lim);
	return 0;
}

/**
 * kipc_dest_get() - resolve the queue a send from @ctx goes to
 * @ctx:	the sending fd
 * @flags:	the send's flags (KIPC_SEND_MAILBOX)
 * @dest:	the send's destination id
 * @redirect:	a mailbox fd may name another mailbox (KIPC_IOC_XFER)
 * @d:		output; release with kipc_dest_put()
 *
 * Return: 0, -EINVAL (a destination where none is allowed, or none where
 * one is needed), -ENOENT (no such mailbox) or -ESRCH (no such endpoint).
 */
int kipc_dest_get(struct kipc_ctx *ctx, u32 flags, u64 dest, bool redirect,
		  struct kipc_dest *d)
{
	struct kipc_ns *ns = ctx->ep->obj.ns;

	*d = (struct kipc_dest) { };
	if (ctx->mb && !(redirect && dest && (flags & KIPC_SEND_MAILBOX))) {
		if (dest || (flags & KIPC_SEND_MAILBOX))
			return -EINVAL;
		d->q = &ctx->mb->q;
		return 0;
	}
	if (!dest)
		return -EINVAL;
	if (flags & KIPC_SEND_MAILBOX) {
		d->mb = kipc_mbox_lookup(ns, dest, NULL);
		if (!d->mb)
			return -ENOENT;
		d->q = &d->mb->q;
		return 0;
	}
	d->ep = kipc_ep_lookup(ns, dest);
	if (!d->ep)
		return -ESRCH;
	d->q = &d->ep->inbox;
	return 0;
}

/**
 * kipc_dest_put() - drop what kipc_dest_get() took
 * @d:		a destination filled by a successful kipc_dest_get()
 */
void kipc_dest_put(struct kipc_dest *d)
{
	if (d->mb)
		kipc_mbox_put(d->mb);
	if (d->ep)
		kipc_ep_put(d->ep);
}

/* Send @msg (consumed) to where @ctx, @flags and @dest say. */
static int kipc_send_msg(struct kipc_ctx *ctx, u32 flags, u64 dest,
			 struct kipc_msg *msg, bool sync,
			 const struct kipc_deadline *dl)
{
	struct kipc_dest d;
	int ret;

	/* kipc_queue_send() checks a mailbox's permission. */
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
 * kipc_ioc_send() - KIPC_IOC_SEND
 * @ctx:	endpoint or mailbox fd
 * @uarg:	struct kipc_send
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_send(struct kipc_ctx *ctx, void __user *uarg)
{
	const u32 known = KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			  KIPC_SEND_SYNC | KIPC_SEND_MAILBOX;
	struct kipc_deadline dl;
	struct kipc_send karg;
	struct kipc_msg *msg;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_SEND_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if ((karg.flags & ~known) || karg.priority > KIPC_PRIO_MAX)
		return -EINVAL;
	ret = kipc_deadline_init(&dl, karg.flags, &karg.timeout, true);
	if (ret)
		return ret;
	if ((ctx->file->f_flags & O_NONBLOCK) || ctx->nowait)
		dl.nonblock = true;

	msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(karg.buf),
			   karg.len, karg.priority);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return kipc_send_msg(ctx, karg.flags, karg.dest, msg,
			     karg.flags & KIPC_SEND_SYNC, &dl);
}

/**
 * kipc_ioc_recv() - KIPC_IOC_RECV
 * @ctx:	endpoint fd (its inbox) or mailbox fd (the mailbox)
 * @uarg:	struct kipc_recv
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_recv(struct kipc_ctx *ctx, void __user *uarg)
{
	const u32 known = KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			  KIPC_RECV_PEEK | KIPC_RECV_FROM;
	struct kipc_deadline dl;
	struct kipc_recv karg;
	struct kipc_rx rx;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_RECV_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (karg.flags & ~known)
		return -EINVAL;
	if (!!(karg.flags & KIPC_RECV_FROM) != !!karg.from)
		return -EINVAL;
	ret = kipc_deadline_init(&dl, karg.flags, &karg.timeout, true);
	if (ret)
		return ret;
	if ((ctx->file->f_flags & O_NONBLOCK) || ctx->nowait)
		dl.nonblock = true;
	karg.len = 0;
	memset(&karg.hdr, 0, sizeof(karg.hdr));
	rx = (struct kipc_rx) {
		.buf = karg.buf,
		.buf_len = karg.buf_len,
		.hdr = &karg.hdr,
		.len = &karg.len,
		.out = &karg,
		.uout = uarg,
		.out_size = usize,
		.from = karg.from,
		.peek = karg.flags & KIPC_RECV_PEEK,
		.ep = ctx->ep,
	};
	return kipc_queue_recv(ctx->mb ? &ctx->mb->q : &ctx->ep->inbox, &rx,
			       &dl);
}

/**
 * kipc_ioc_call() - KIPC_IOC_CALL
 * @ctx:	endpoint or mailbox fd
 * @uarg:	struct kipc_call
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_call(struct kipc_ctx *ctx, void __user *uarg)
{
	const u32 known = KIPC_TIMEOUT | KIPC_ABSTIME | KIPC_SEND_MAILBOX;
	struct kipc_msg *msg, *reply;
	struct kipc_deadline dl;
	struct kipc_call karg;
	struct kipc_txn *txn;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_CALL_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if ((karg.flags & ~known) || karg.priority > KIPC_PRIO_MAX)
		return -EINVAL;
	ret = kipc_deadline_init(&dl, karg.flags, &karg.timeout, false);
	if (ret)
		return ret;

	txn = kipc_txn_new(karg.reply_buf_len);
	if (!txn)
		return -ENOMEM;
	msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(karg.buf),
			   karg.len, karg.priority);
	if (IS_ERR(msg)) {
		ret = PTR_ERR(msg);
		goto out;
	}
	msg->txn = kipc_txn_get(txn);
	msg->token = kipc_txn_token(txn);
	msg->flags = KIPC_MSG_REQUEST;
	msg->reply_max = karg.reply_buf_len;

	ret = kipc_send_msg(ctx, karg.flags, karg.dest, msg, false, &dl);
	if (ret)
		goto out;
	ret = kipc_txn_wait(txn, &dl, &reply);
	if (ret)
		goto out;

	kipc_fill_hdr(&karg.reply_hdr, reply);
	karg.reply_len = reply->len;
	if (reply->len && copy_to_user(u64_to_user_ptr(karg.reply_buf),
				       reply->data, reply->len))
		ret = -EFAULT;
	else if (copy_to_user(uarg, &karg, usize))
		ret = -EFAULT;
	kipc_msg_free(reply);
out:
	kipc_txn_put(txn);
	return ret == -ERESTARTSYS ? -EINTR : ret;
}

/**
 * kipc_ioc_reply() - KIPC_IOC_REPLY
 * @ctx:	the server's endpoint fd or a mailbox fd opened through it
 * @uarg:	struct kipc_reply
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_reply(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_reply karg;
	struct kipc_msg *msg;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_REPLY_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (karg.flags || karg.reserved)
		return -EINVAL;
	if (!karg.token)
		return -ENOENT;
	msg = kipc_msg_new(ctx->ep, u64_to_user_ptr(karg.buf),
			   karg.len, 0);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = kipc_txn_reply(ctx->ep, karg.token, msg);
	if (ret)
		kipc_msg_free(msg);
	return ret;
}

/**
 * kipc_ioc_notify() - KIPC_IOC_NOTIFY
 * @ctx:	endpoint fd (its inbox) or mailbox fd (the mailbox)
 * @uarg:	struct kipc_notify
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_notify(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_notify karg;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_NOTIFY_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (karg.reserved)
		return -EINVAL;
	return kipc_queue_notify(ctx->mb ? &ctx->mb->q : &ctx->ep->inbox,
				 ctx->file, &karg);
}
