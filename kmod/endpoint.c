// SPDX-License-Identifier: GPL-2.0
/*
 * kipc endpoints: opening /dev/kipc creates one, the fd is the endpoint and
 * closing it destroys it. An endpoint has an inbox for direct messages.
 *
 * Endpoint memory is bounded per process by RLIMIT_NOFILE and charged to
 * the opener's memory cgroup; it is not counted in the kipc quota.
 */
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include "compat.h"
#include "kipc_internal.h"

static void kipc_ep_kill(struct kipc_obj *obj)
{
	struct kipc_endpoint *ep = kipc_obj_ep(obj);

	kipc_ep_kill_owned(ep);
	kipc_queue_kill(&ep->inbox, -ESRCH, -ECONNRESET);
	kipc_ep_fail_txns(ep);
	kipc_ep_drop_calls(ep);
}

static void kipc_ep_free(struct kipc_obj *obj)
{
	struct kipc_endpoint *ep = kipc_obj_ep(obj);

	kipc_queue_destroy(&ep->inbox);
	kipc_charge_release(&ep->charge);
	put_pid(ep->pid);
}

static void kipc_ep_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct kipc_endpoint *ep = kipc_obj_ep(obj);

	info->pid = pid_vnr(ep->pid);
	kipc_queue_info(&ep->inbox, info);
}

static const struct kipc_obj_ops kipc_ep_ops = {
	.type = KIPC_TYPE_ENDPOINT,
	.kill = kipc_ep_kill,
	.free = kipc_ep_free,
	.info = kipc_ep_info,
};

/**
 * kipc_ep_put() - drop a reference to an endpoint
 * @ep:		the endpoint
 */
void kipc_ep_put(struct kipc_endpoint *ep)
{
	kipc_obj_put(&ep->obj);
}

static int kipc_ep_open(struct inode *inode, struct file *file)
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
	if (IS_ERR(ns)) {
		kfree(ep);
		return PTR_ERR(ns);
	}
	kipc_obj_init(&ep->obj, &kipc_ep_ops, ns, NULL, 0, 0);
	kipc_ns_put(ns);	/* the object holds its own */
	kipc_queue_init(&ep->inbox, &lim, &ep->obj, false);
	ep->pid = get_pid(task_tgid(current));
	INIT_LIST_HEAD(&ep->owned);
	spin_lock_init(&ep->txn_lock);
	INIT_LIST_HEAD(&ep->txns);
	INIT_LIST_HEAD(&ep->calls);
	spin_lock_init(&ep->charge_lock);

	ret = kipc_obj_register(&ep->obj);
	if (ret) {
		kipc_ep_put(ep);
		return ret;
	}
	kipc_ns_file_open(ep->obj.ns);
	file->private_data = ep;
	/*
	 * A stream of messages: read() has no position, pread() -ESPIPE.
	 * Reads honour IOCB_NOWAIT (io_uring tries without waiting).
	 */
	file->f_mode |= FMODE_NOWAIT;
	return stream_open(inode, file);
}

static int kipc_ep_flush(struct file *file, fl_owner_t id)
{
	struct kipc_endpoint *ep = file->private_data;

	kipc_notify_flush(&ep->inbox, file, false);
	return 0;
}

static int kipc_ep_release(struct inode *inode, struct file *file)
{
	struct kipc_endpoint *ep = file->private_data;

	fasync_helper(-1, file, 0, &ep->inbox.fasync);
	kipc_notify_flush(&ep->inbox, file, true);
	kipc_obj_delete(&ep->obj, false);
	kipc_ns_file_close(ep->obj.ns);
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

	return kipc_ioctl(&ctx, cmd, arg);
}

/* An endpoint's fd reads its inbox; a send to an endpoint names it. */
static ssize_t kipc_ep_read(struct file *file, char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct kipc_endpoint *ep = file->private_data;

	return kipc_file_read(file, ep, &ep->inbox, buf, count);
}

static ssize_t kipc_ep_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct kipc_endpoint *ep = iocb->ki_filp->private_data;

	return kipc_file_read_iter(iocb, ep, &ep->inbox, to);
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
	.flush		= kipc_ep_flush,
	.release	= kipc_ep_release,
	.read		= kipc_ep_read,
	.read_iter	= kipc_ep_read_iter,
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
 * @arg:	struct kipc_ep_set
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_ep_set(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_endpoint *ep = ctx->ep;
	struct kipc_ep_set *karg = arg;
	struct kipc_limits lim;
	char name[KIPC_NAME_MAX];
	int ret;

	if (!karg->flags ||
	    (karg->flags & ~(KIPC_EP_SET_NAME | KIPC_EP_SET_LIMITS)) ||
	    karg->reserved)
		return -EINVAL;

	if (karg->flags & KIPC_EP_SET_LIMITS) {
		lim = (struct kipc_limits) {
			.max_msgs = karg->max_msgs,
			.max_bytes = karg->max_bytes,
			.msg_max = karg->msg_max,
		};
		ret = kipc_limits_check(&lim);
		if (ret)
			return ret;
	}
	if (karg->flags & KIPC_EP_SET_NAME) {
		ret = kipc_name_copy(name, karg->name);
		if (ret)
			return ret;
		if (!name[0])
			return -EINVAL;
		ret = kipc_obj_set_name(&ep->obj, name);
		if (ret)
			return ret;
	}
	if (karg->flags & KIPC_EP_SET_LIMITS)
		kipc_queue_set_limits(&ep->inbox, &lim);
	return 0;
}
