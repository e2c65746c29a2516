// SPDX-License-Identifier: GPL-2.0
/*
 * kipc mailboxes: creation, lookup, permissions, deletion and the anon-inode
 * mailbox fd.
 *
 * A mailbox fd holds a reference on the mailbox and on the endpoint file it
 * was opened through, so that endpoint outlives every mailbox fd opened
 * through it.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include "compat.h"
#include "kipc_internal.h"

/**
 * struct kipc_mbox_file - private data of a mailbox fd; immutable
 * @mb:		the mailbox (reference held)
 * @ep:		endpoint it was opened through, kept alive by @ep_file
 * @ep_file:	that endpoint's file (reference held)
 */
struct kipc_mbox_file {
	struct kipc_mbox *mb;
	struct kipc_endpoint *ep;
	struct file *ep_file;
};

static struct kipc_mbox *kipc_file_mbox(struct file *file)
{
	return ((struct kipc_mbox_file *)file->private_data)->mb;
}

/* An owned mailbox joins its endpoint's list; under the namespace's lock. */
static void kipc_mbox_registered(struct kipc_obj *obj)
{
	struct kipc_mbox *mb = kipc_obj_mbox(obj);

	if (mb->owner)
		list_add_tail(&mb->owner_node, &mb->owner->owned);
}

/* Leaves the registry: no longer owned; under the namespace's lock. */
static void kipc_mbox_unregister(struct kipc_obj *obj)
{
	struct kipc_mbox *mb = kipc_obj_mbox(obj);

	if (mb->owner) {
		list_del_init(&mb->owner_node);
		mb->owner = NULL;
	}
}

static void kipc_mbox_kill(struct kipc_obj *obj)
{
	kipc_queue_kill(&kipc_obj_mbox(obj)->q, -EIDRM, -EIDRM);
}

static void kipc_mbox_free(struct kipc_obj *obj)
{
	struct kipc_queue *q = &kipc_obj_mbox(obj)->q;

	/* An unlinked mailbox was never killed: its messages go now. */
	if (!q->dead)
		kipc_queue_kill(q, -EIDRM, -EIDRM);
	kipc_queue_destroy(q);
}

static void kipc_mbox_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct kipc_mbox *mb = kipc_obj_mbox(obj);

	if (mb->owned)
		info->flags |= KIPC_INFO_OWNED;
	/* Racy by nature: a snapshot, as every other field. */
	if (!READ_ONCE(obj->registered) && !READ_ONCE(mb->q.dead))
		info->flags |= KIPC_INFO_UNLINKED;
	info->change_time = READ_ONCE(mb->ctime);
	kipc_queue_info(&mb->q, info);
}

static const struct kipc_obj_ops kipc_mbox_ops = {
	.type = KIPC_TYPE_MAILBOX,
	.registered = kipc_mbox_registered,
	.unregister = kipc_mbox_unregister,
	.kill = kipc_mbox_kill,
	.free = kipc_mbox_free,
	.info = kipc_mbox_info,
};

/**
 * kipc_ep_kill_owned() - delete the KIPC_MBOX_OWNED mailboxes of an
 *	endpoint that is being destroyed
 * @ep:		the endpoint
 */
void kipc_ep_kill_owned(struct kipc_endpoint *ep)
{
	struct kipc_ns *ns = ep->obj.ns;
	struct kipc_mbox *mb;

	for (;;) {
		mutex_lock(&ns->lock);
		mb = list_first_entry_or_null(&ep->owned, struct kipc_mbox,
					      owner_node);
		if (mb)
			kipc_obj_get(&mb->obj);
		mutex_unlock(&ns->lock);
		if (!mb)
			return;
		kipc_obj_delete(&mb->obj, false);
		kipc_obj_put(&mb->obj);
	}
}

static int kipc_mbox_flush(struct file *file, fl_owner_t id)
{
	kipc_notify_flush(&kipc_file_mbox(file)->q, file, false);
	return 0;
}

static int kipc_mbox_release(struct inode *inode, struct file *file)
{
	struct kipc_mbox_file *mf = file->private_data;

	fasync_helper(-1, file, 0, &mf->mb->q.fasync);
	kipc_notify_flush(&mf->mb->q, file, true);
	kipc_obj_put(&mf->mb->obj);
	fput(mf->ep_file);
	kfree(mf);
	return 0;
}

static __poll_t kipc_mbox_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kipc_mbox_file *mf = file->private_data;

	return kipc_queue_poll(&mf->mb->q, file, pt, true);
}

static int kipc_mbox_fasync(int fd, struct file *file, int on)
{
	struct kipc_mbox_file *mf = file->private_data;

	return fasync_helper(fd, file, on, &mf->mb->q.fasync);
}

static long kipc_mbox_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct kipc_mbox_file *mf = file->private_data;
	struct kipc_ctx ctx = {
		.file = file,
		.ep = mf->ep,
		.mb = mf->mb,
	};

	return kipc_ioctl(&ctx, cmd, arg);
}

static ssize_t kipc_mbox_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct kipc_mbox_file *mf = file->private_data;

	return kipc_file_read(file, mf->ep, &mf->mb->q, buf, count);
}

static ssize_t kipc_mbox_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct kipc_mbox_file *mf = file->private_data;

	return kipc_file_write(file, mf->ep, &mf->mb->q, buf, count);
}

static ssize_t kipc_mbox_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct kipc_mbox_file *mf = iocb->ki_filp->private_data;

	return kipc_file_read_iter(iocb, mf->ep, &mf->mb->q, to);
}

static ssize_t kipc_mbox_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct kipc_mbox_file *mf = iocb->ki_filp->private_data;

	return kipc_file_write_iter(iocb, mf->ep, &mf->mb->q, from);
}

static int kipc_mbox_uring_cmd(struct io_uring_cmd *ioucmd,
			       unsigned int issue_flags)
{
	struct kipc_mbox_file *mf = ioucmd->file->private_data;
	struct kipc_ctx ctx = {
		.file = ioucmd->file,
		.ep = mf->ep,
		.mb = mf->mb,
	};

	return kipc_uring_cmd(&ctx, ioucmd, issue_flags);
}

static const struct file_operations kipc_mbox_fops = {
	.owner		= THIS_MODULE,
	.flush		= kipc_mbox_flush,
	.release	= kipc_mbox_release,
	.read		= kipc_mbox_read,
	.write		= kipc_mbox_write,
	.read_iter	= kipc_mbox_read_iter,
	.write_iter	= kipc_mbox_write_iter,
	.poll		= kipc_mbox_poll,
	.fasync		= kipc_mbox_fasync,
	.unlocked_ioctl	= kipc_mbox_ioctl,
	.uring_cmd	= kipc_mbox_uring_cmd,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * Make a mailbox file for @mb, opened through the endpoint of @ctx. Takes
 * over the caller's reference on @mb on success only.
 */
static struct file *kipc_mbox_getfile(struct kipc_ctx *ctx,
				      struct kipc_mbox *mb)
{
	struct kipc_mbox_file *mf;
	struct file *file;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return ERR_PTR(-ENOMEM);
	mf->mb = mb;
	mf->ep = ctx->ep;
	mf->ep_file = get_file(ctx->file);
	file = anon_inode_getfile("[kipc_mbox]", &kipc_mbox_fops, mf, O_RDWR);
	if (IS_ERR(file)) {
		fput(mf->ep_file);
		kfree(mf);
		return file;
	}
	/*
	 * A stream of messages: read() has no position, pread() -ESPIPE.
	 * Reads and writes honour IOCB_NOWAIT (io_uring tries without
	 * waiting).
	 */
	stream_open(file_inode(file), file);
	file->f_mode |= FMODE_NOWAIT;
	return file;
}

/*
 * Give user space a new fd for @mb after copying @karg back: the fd is
 * installed only when nothing can fail any more. Consumes the caller's
 * reference on @mb.
 */
static int kipc_mbox_install(struct kipc_ctx *ctx, struct kipc_mbox *mb,
			     const void *karg)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kipc_obj_put(&mb->obj);
		return fd;
	}
	file = kipc_mbox_getfile(ctx, mb);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kipc_obj_put(&mb->obj);
		return PTR_ERR(file);
	}
	if (kipc_copy_out(ctx, karg)) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;
}

/**
 * kipc_ioc_mbox_create() - KIPC_IOC_MBOX_CREATE
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_mbox_create
 *
 * Return: the new mailbox fd or a negative errno as documented in the
 * uapi header.
 */
int kipc_ioc_mbox_create(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_mbox_create *karg = arg;
	struct kipc_limits lim;
	struct kipc_mbox *mb;
	int ret;

	if ((karg->flags & ~KIPC_MBOX_OWNED) || (karg->mode & ~0777))
		return -EINVAL;
	lim = (struct kipc_limits) {
		.max_msgs = karg->max_msgs,
		.max_bytes = karg->max_bytes,
		.msg_max = karg->msg_max,
	};
	ret = kipc_limits_check(&lim);
	if (ret)
		return ret;

	mb = kzalloc(sizeof(*mb), KIPC_GFP_HELD);
	if (!mb)
		return -ENOMEM;
	ret = kipc_obj_init(&mb->obj, &kipc_mbox_ops, kipc_ctx_ns(ctx),
			    karg->name, karg->mode, ctx->ep->obj.id);
	if (ret) {
		kfree(mb);
		return ret;
	}
	kipc_queue_init(&mb->q, &lim, &mb->obj, true);
	mb->ctime = ktime_get_real_seconds();
	mb->owned = karg->flags & KIPC_MBOX_OWNED;
	/* Set before registering: kipc_mbox_registered() links it. */
	if (mb->owned)
		mb->owner = ctx->ep;
	INIT_LIST_HEAD(&mb->owner_node);
	ret = kipc_obj_charge(&mb->obj, KIPC_CHARGE_MBOX,
			      kmalloc_size_roundup(sizeof(*mb)));
	if (!ret)
		ret = kipc_obj_register(&mb->obj);
	if (ret) {
		kipc_obj_put(&mb->obj);
		return ret;
	}
	karg->id = mb->obj.id;
	/*
	 * One reference for the fd (install consumes it) and ours: once
	 * registered, another task may delete the mailbox at any time.
	 */
	kipc_obj_get(&mb->obj);
	ret = kipc_mbox_install(ctx, mb, karg);
	if (ret < 0)
		kipc_obj_delete(&mb->obj, false);
	kipc_obj_put(&mb->obj);
	return ret;
}

/**
 * kipc_ioc_mbox_open() - KIPC_IOC_MBOX_OPEN
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_mbox_ref
 *
 * Return: the new mailbox fd or a negative errno as documented in the
 * uapi header.
 */
int kipc_ioc_mbox_open(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_mbox_ref *karg = arg;
	struct kipc_obj *obj;

	obj = kipc_obj_lookup_ref(kipc_ctx_ns(ctx), KIPC_TYPE_MAILBOX, karg,
				  NULL);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	if (kipc_perm_check(obj, MAY_READ) && kipc_perm_check(obj, MAY_WRITE)) {
		kipc_obj_put(obj);
		return -EACCES;
	}
	karg->id = obj->id;
	return kipc_mbox_install(ctx, kipc_obj_mbox(obj), karg);
}

/**
 * kipc_ioc_mbox_delete() - KIPC_IOC_MBOX_DELETE
 * @ctx:	endpoint fd, or mailbox fd (id 0 and name "" = that mailbox)
 * @arg:	struct kipc_mbox_ref
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_mbox_delete(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_obj *self = ctx->mb ? &ctx->mb->obj : NULL;
	struct kipc_mbox_ref ref = *(struct kipc_mbox_ref *)arg;
	bool unlink = ref.flags & KIPC_MBOX_DELETE_UNLINK;
	struct kipc_obj *obj;
	int ret;

	ref.flags &= ~KIPC_MBOX_DELETE_UNLINK;
	obj = kipc_obj_lookup_ref(kipc_ctx_ns(ctx), KIPC_TYPE_MAILBOX, &ref,
				  self);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ret = kipc_owner_check(obj);
	if (!ret && unlink)
		ret = kipc_obj_unlink(obj, true);
	else if (!ret)
		ret = kipc_obj_delete(obj, true);
	if (!ret)
		ret = obj == self ? -EIDRM : -ENOENT;
	else if (ret > 0)
		ret = 0;
	kipc_obj_put(obj);
	return ret;
}

/*
 * The new limits of KIPC_MBOX_SET_LIMITS, checked against @q's: a buffered
 * mailbox stays buffered, and more bytes than the system's bound take
 * CAP_SYS_RESOURCE (as msgctl(IPC_SET) above msgmnb).
 */
static int kipc_mbox_new_limits(const struct kipc_mbox_set *karg,
				struct kipc_queue *q, struct kipc_limits *lim)
{
	if (!karg->max_bytes || !karg->max_msgs ||
	    karg->max_msgs > KIPC_QUEUE_MSGS_MAX || !READ_ONCE(q->lim.max_msgs))
		return -EINVAL;
	if (karg->max_bytes > READ_ONCE(kipc_queue_bytes_max) &&
	    !capable(CAP_SYS_RESOURCE))
		return -EPERM;
	lim->max_msgs = karg->max_msgs;
	lim->max_bytes = karg->max_bytes;
	lim->msg_max = READ_ONCE(q->lim.msg_max);
	return 0;
}

/**
 * kipc_ioc_mbox_set() - KIPC_IOC_MBOX_SET
 * @ctx:	endpoint fd, or mailbox fd (id 0 = that mailbox)
 * @arg:	struct kipc_mbox_set
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_mbox_set(struct kipc_ctx *ctx, void *arg)
{
	const u32 known = KIPC_MBOX_SET_MODE | KIPC_MBOX_SET_UID |
			  KIPC_MBOX_SET_GID | KIPC_MBOX_SET_LIMITS;
	struct user_namespace *uns = current_user_ns();
	struct kipc_mbox_set *karg = arg;
	struct kipc_limits lim;
	struct kipc_obj *obj;
	struct kipc_mbox *mb;
	kuid_t uid;
	kgid_t gid;
	int ret;

	if (!karg->flags || (karg->flags & ~known) || karg->reserved)
		return -EINVAL;
	if ((karg->flags & KIPC_MBOX_SET_MODE) && (karg->mode & ~0777))
		return -EINVAL;
	uid = make_kuid(uns, karg->uid);
	gid = make_kgid(uns, karg->gid);
	if ((karg->flags & KIPC_MBOX_SET_UID) && !uid_valid(uid))
		return -EINVAL;
	if ((karg->flags & KIPC_MBOX_SET_GID) && !gid_valid(gid))
		return -EINVAL;

	if (!karg->id) {
		if (!ctx->mb)
			return -EINVAL;
		obj = &ctx->mb->obj;
		kipc_obj_get(obj);
	} else {
		obj = kipc_obj_lookup(kipc_ctx_ns(ctx), KIPC_TYPE_MAILBOX,
				      karg->id, NULL);
		if (!obj)
			return -ENOENT;
	}
	mb = kipc_obj_mbox(obj);
	/* As msgctl(IPC_SET): the owner first, then the capacity. */
	ret = kipc_owner_check(obj);
	if (!ret && (karg->flags & KIPC_MBOX_SET_LIMITS))
		ret = kipc_mbox_new_limits(karg, &mb->q, &lim);
	if (!ret && mutex_lock_killable(&obj->ns->lock))
		ret = -EINTR;
	if (!ret) {
		if (!obj->registered) {
			ret = -EIDRM;
		} else {
			if (karg->flags & KIPC_MBOX_SET_MODE)
				WRITE_ONCE(obj->perm.mode, karg->mode);
			if (karg->flags & KIPC_MBOX_SET_UID)
				WRITE_ONCE(obj->perm.uid, uid);
			if (karg->flags & KIPC_MBOX_SET_GID)
				WRITE_ONCE(obj->perm.gid, gid);
			if (karg->flags & KIPC_MBOX_SET_LIMITS)
				kipc_queue_set_limits(&mb->q, &lim);
			WRITE_ONCE(mb->ctime, ktime_get_real_seconds());
		}
		mutex_unlock(&obj->ns->lock);
	}
	kipc_obj_put(obj);
	return ret;
}
