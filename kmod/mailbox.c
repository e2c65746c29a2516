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
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include "compat.h"
#include "kipc.h"

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

static void kipc_mbox_free(struct kref *ref)
{
	struct kipc_mbox *mb = container_of(ref, struct kipc_mbox, ref);

	kipc_queue_destroy(&mb->q);
	kipc_ns_put(mb->obj.ns);
	kfree(mb);
}

/**
 * kipc_mbox_put() - drop a reference to a mailbox
 * @mb:		the mailbox
 */
void kipc_mbox_put(struct kipc_mbox *mb)
{
	kref_put(&mb->ref, kipc_mbox_free);
}

/* Remove @mb from its namespace; caller holds the namespace lock. */
static void kipc_mbox_unregister(struct kipc_mbox *mb)
{
	lockdep_assert_held(&mb->obj.ns->lock);
	kipc_obj_unhash(&mb->obj);
	mb->registered = false;
	mb->obj.ns->nr_mboxes--;
	if (mb->owner) {
		list_del_init(&mb->owner_node);
		mb->owner = NULL;
	}
}

/**
 * kipc_mbox_kill() - delete a mailbox unless already deleted
 * @mb:		the mailbox; the caller holds a reference
 *
 * Return: true if this call deleted it.
 */
bool kipc_mbox_kill(struct kipc_mbox *mb)
{
	struct kipc_ns *ns = mb->obj.ns;
	bool was;

	mutex_lock(&ns->lock);
	was = mb->registered;
	if (was)
		kipc_mbox_unregister(mb);
	mutex_unlock(&ns->lock);
	if (!was)
		return false;
	kipc_queue_kill(&mb->q, -EIDRM, -EIDRM);
	kipc_mbox_put(mb);	/* the registry's reference */
	return true;
}

/**
 * kipc_ep_kill_owned() - delete the KIPC_MBOX_OWNED mailboxes of an
 *	endpoint that is being destroyed
 * @ep:		the endpoint
 */
void kipc_ep_kill_owned(struct kipc_endpoint *ep)
{
	struct kipc_ns *ns = ep->obj.ns;
	struct kipc_mbox *mb, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&ns->lock);
	list_for_each_entry_safe(mb, tmp, &ep->owned, owner_node) {
		kipc_mbox_unregister(mb);
		/* Unregistered: nobody else uses owner_node any more. */
		list_add_tail(&mb->owner_node, &dead);
	}
	mutex_unlock(&ns->lock);

	list_for_each_entry_safe(mb, tmp, &dead, owner_node) {
		list_del_init(&mb->owner_node);
		kipc_queue_kill(&mb->q, -EIDRM, -EIDRM);
		kipc_mbox_put(mb);	/* the registry's reference */
	}
}

/**
 * kipc_mbox_perm() - may the current task use @mb this way (ipcperms())
 * @mb:		the mailbox
 * @want:	MAY_READ (receive) and/or MAY_WRITE (send)
 *
 * Return: 0 or -EACCES.
 */
int kipc_mbox_perm(struct kipc_mbox *mb, int want)
{
	int ret;

	mutex_lock(&mb->q.lock);
	ret = kipc_mbox_perm_locked(mb, want);
	mutex_unlock(&mb->q.lock);
	return ret;
}

/**
 * kipc_mbox_perm_locked() - kipc_mbox_perm() with @mb->q.lock held
 * @mb:		the mailbox
 * @want:	MAY_READ and/or MAY_WRITE
 *
 * Return: 0 or -EACCES.
 */
int kipc_mbox_perm_locked(struct kipc_mbox *mb, int want)
{
	kuid_t euid = current_euid();
	int granted;

	lockdep_assert_held(&mb->q.lock);
	granted = mb->mode;
	if (uid_eq(euid, mb->uid) || uid_eq(euid, mb->cuid))
		granted >>= 6;
	else if (in_group_p(mb->gid) || in_group_p(mb->cgid))
		granted >>= 3;

	if ((granted & want & 7) == want)
		return 0;
	if (ns_capable(mb->obj.ns->ipc_ns->user_ns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
}

/* Owner, creator or CAP_IPC_OWNER: may delete and change @mb. */
static int kipc_mbox_owner_check(struct kipc_mbox *mb)
{
	kuid_t euid = current_euid();
	bool owner;

	mutex_lock(&mb->q.lock);
	owner = uid_eq(euid, mb->uid) || uid_eq(euid, mb->cuid);
	mutex_unlock(&mb->q.lock);
	if (owner || ns_capable(mb->obj.ns->ipc_ns->user_ns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
}

static int kipc_mbox_release(struct inode *inode, struct file *file)
{
	struct kipc_mbox_file *mf = file->private_data;

	kipc_queue_release_file(&mf->mb->q, file);
	kipc_mbox_put(mf->mb);
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

	return kipc_ioctl_common(&ctx, cmd, arg);
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
	.release	= kipc_mbox_release,
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
	}
	return file;
}

/*
 * Give user space a new fd for @mb after copying @karg back: the fd is
 * installed only when nothing can fail any more. Consumes the caller's
 * reference on @mb.
 */
static int kipc_mbox_install(struct kipc_ctx *ctx, struct kipc_mbox *mb,
			     void __user *uarg, const void *karg, size_t usize)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kipc_mbox_put(mb);
		return fd;
	}
	file = kipc_mbox_getfile(ctx, mb);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kipc_mbox_put(mb);
		return PTR_ERR(file);
	}
	if (copy_to_user(uarg, karg, usize)) {
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
 * @uarg:	struct kipc_mbox_create
 *
 * Return: the new mailbox fd or a negative errno as documented in the
 * uapi header.
 */
int kipc_ioc_mbox_create(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_ns *ns = ctx->ep->obj.ns;
	struct kipc_mbox_create karg;
	struct kipc_limits lim;
	struct kipc_mbox *mb;
	size_t usize;
	int ret;

	if (ctx->mb)
		return -ENOTTY;
	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_MBOX_CREATE_SIZE_VER0,
			    uarg, &usize);
	if (ret)
		return ret;
	if ((karg.flags & ~KIPC_MBOX_OWNED) || (karg.mode & ~0777))
		return -EINVAL;
	lim = (struct kipc_limits) {
		.max_msgs = karg.max_msgs,
		.max_bytes = karg.max_bytes,
		.msg_max = karg.msg_max,
	};
	ret = kipc_limits_check(&lim);
	if (ret)
		return ret;

	mb = kzalloc(sizeof(*mb), GFP_KERNEL_ACCOUNT);
	if (!mb)
		return -ENOMEM;
	ret = kipc_name_copy(mb->obj.name, karg.name);
	if (ret) {
		kfree(mb);
		return ret;
	}
	mb->obj.id = kipc_next_id();
	mb->obj.type = KIPC_TYPE_MAILBOX;
	mb->obj.ns = ns;
	refcount_inc(&ns->refs);
	kref_init(&mb->ref);		/* the registry's reference */
	kipc_queue_init(&mb->q, &lim, mb->obj.id);
	mb->uid = current_euid();
	mb->cuid = mb->uid;
	mb->gid = current_egid();
	mb->cgid = mb->gid;
	mb->mode = karg.mode;
	mb->creator_ep = ctx->ep->obj.id;
	mb->owned = karg.flags & KIPC_MBOX_OWNED;
	INIT_LIST_HEAD(&mb->owner_node);

	mutex_lock(&ns->lock);
	if (ns->nr_mboxes >= READ_ONCE(kipc_max_mailboxes))
		ret = -ENOSPC;
	else if (mb->obj.name[0] &&
		 kipc_name_find(ns, KIPC_TYPE_MAILBOX, mb->obj.name))
		ret = -EEXIST;
	else
		ret = xa_insert(&ns->objs, mb->obj.id, &mb->obj,
				GFP_KERNEL_ACCOUNT);
	if (!ret) {
		if (mb->obj.name[0])
			kipc_obj_hash(&mb->obj);
		ns->nr_mboxes++;
		mb->registered = true;
		if (mb->owned) {
			mb->owner = ctx->ep;
			list_add_tail(&mb->owner_node, &ctx->ep->owned);
		}
	}
	mutex_unlock(&ns->lock);
	if (ret) {
		kipc_mbox_put(mb);
		return ret;
	}

	karg.id = mb->obj.id;
	/*
	 * One reference for the fd (install consumes it) and one of our own:
	 * once registered, another task may delete the mailbox at any time.
	 */
	kref_get(&mb->ref);
	kref_get(&mb->ref);
	ret = kipc_mbox_install(ctx, mb, uarg, &karg, usize);
	if (ret < 0)
		kipc_mbox_kill(mb);	/* drops the registry's reference */
	kipc_mbox_put(mb);
	return ret;
}

/* Decode a struct kipc_mbox_ref into a referenced mailbox. */
static struct kipc_mbox *kipc_mbox_ref_get(struct kipc_ctx *ctx,
					   const struct kipc_mbox_ref *ref)
{
	char name[KIPC_NAME_MAX];
	struct kipc_mbox *mb;
	int ret;

	if (ref->flags)
		return ERR_PTR(-EINVAL);
	ret = kipc_name_copy(name, ref->name);
	if (ret)
		return ERR_PTR(ret);
	if (!ref->id && !name[0]) {
		if (!ctx->mb)
			return ERR_PTR(-EINVAL);
		kref_get(&ctx->mb->ref);
		return ctx->mb;
	}
	if (ref->id && name[0])
		return ERR_PTR(-EINVAL);
	mb = kipc_mbox_lookup(ctx->ep->obj.ns, ref->id, name);
	return mb ? mb : ERR_PTR(-ENOENT);
}

/**
 * kipc_ioc_mbox_open() - KIPC_IOC_MBOX_OPEN
 * @ctx:	an endpoint fd
 * @uarg:	struct kipc_mbox_ref
 *
 * Return: the new mailbox fd or a negative errno as documented in the
 * uapi header.
 */
int kipc_ioc_mbox_open(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_mbox_ref karg;
	struct kipc_mbox *mb;
	size_t usize;
	int ret;

	if (ctx->mb)
		return -ENOTTY;
	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_MBOX_REF_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	mb = kipc_mbox_ref_get(ctx, &karg);
	if (IS_ERR(mb))
		return PTR_ERR(mb);
	if (kipc_mbox_perm(mb, MAY_READ) && kipc_mbox_perm(mb, MAY_WRITE)) {
		kipc_mbox_put(mb);
		return -EACCES;
	}
	karg.id = mb->obj.id;
	return kipc_mbox_install(ctx, mb, uarg, &karg, usize);
}

/**
 * kipc_ioc_mbox_delete() - KIPC_IOC_MBOX_DELETE
 * @ctx:	endpoint fd, or mailbox fd (id 0 and name "" = that mailbox)
 * @uarg:	struct kipc_mbox_ref
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_mbox_delete(struct kipc_ctx *ctx, void __user *uarg)
{
	struct kipc_mbox_ref karg;
	struct kipc_mbox *mb;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_MBOX_REF_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	mb = kipc_mbox_ref_get(ctx, &karg);
	if (IS_ERR(mb))
		return PTR_ERR(mb);
	ret = kipc_mbox_owner_check(mb);
	if (!ret && !kipc_mbox_kill(mb))
		ret = mb == ctx->mb ? -EIDRM : -ENOENT;
	kipc_mbox_put(mb);
	return ret;
}

/**
 * kipc_ioc_mbox_set() - KIPC_IOC_MBOX_SET
 * @ctx:	endpoint fd, or mailbox fd (id 0 = that mailbox)
 * @uarg:	struct kipc_mbox_set
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_mbox_set(struct kipc_ctx *ctx, void __user *uarg)
{
	const u32 known = KIPC_MBOX_SET_MODE | KIPC_MBOX_SET_UID |
			  KIPC_MBOX_SET_GID;
	struct user_namespace *uns = current_user_ns();
	struct kipc_mbox_set karg;
	struct kipc_mbox *mb;
	kuid_t uid;
	kgid_t gid;
	size_t usize;
	int ret;

	ret = kipc_copy_arg(&karg, sizeof(karg), KIPC_MBOX_SET_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (!karg.flags || (karg.flags & ~known) || karg.reserved)
		return -EINVAL;
	if ((karg.flags & KIPC_MBOX_SET_MODE) && (karg.mode & ~0777))
		return -EINVAL;
	uid = make_kuid(uns, karg.uid);
	gid = make_kgid(uns, karg.gid);
	if ((karg.flags & KIPC_MBOX_SET_UID) && !uid_valid(uid))
		return -EINVAL;
	if ((karg.flags & KIPC_MBOX_SET_GID) && !gid_valid(gid))
		return -EINVAL;

	if (!karg.id) {
		if (!ctx->mb)
			return -EINVAL;
		mb = ctx->mb;
		kref_get(&mb->ref);
	} else {
		mb = kipc_mbox_lookup(ctx->ep->obj.ns, karg.id, NULL);
		if (!mb)
			return -ENOENT;
	}
	ret = kipc_mbox_owner_check(mb);
	if (!ret) {
		mutex_lock(&mb->q.lock);
		if (mb->q.dead) {
			ret = -EIDRM;
		} else {
			if (karg.flags & KIPC_MBOX_SET_MODE)
				mb->mode = karg.mode;
			if (karg.flags & KIPC_MBOX_SET_UID)
				mb->uid = uid;
			if (karg.flags & KIPC_MBOX_SET_GID)
				mb->gid = gid;
		}
		mutex_unlock(&mb->q.lock);
	}
	kipc_mbox_put(mb);
	return ret;
}
