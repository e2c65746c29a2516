// SPDX-License-Identifier: GPL-2.0
/*
 * The fd of an object that is nothing but a kernel object: a semaphore
 * or a mutex. The fd holds a reference on the object and nothing else;
 * what it does is the type's ioctls (the table in ioctl.c routes them by
 * the object's type) and its ops->poll. Ownership, where a type has it,
 * belongs to processes, not fds (see mutex.c), so release does nothing
 * but drop the reference.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include "compat.h"
#include "kipc_internal.h"

static long kipc_objfd_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct kipc_ctx ctx = {
		.file = file,
		.obj = file->private_data,
	};

	return kipc_ioctl(&ctx, cmd, arg);
}

static int kipc_objfd_uring_cmd(struct io_uring_cmd *ioucmd,
				unsigned int issue_flags)
{
	struct kipc_ctx ctx = {
		.file = ioucmd->file,
		.obj = ioucmd->file->private_data,
	};

	return kipc_uring_cmd(&ctx, ioucmd, issue_flags);
}

static __poll_t kipc_objfd_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kipc_obj *obj = file->private_data;

	return obj->ops->poll(obj, file, pt);
}

static int kipc_objfd_release(struct inode *inode, struct file *file)
{
	struct kipc_obj *obj = file->private_data;

	kipc_ns_file_close(obj->ns);
	kipc_obj_put(obj);
	return 0;
}

static const struct file_operations kipc_objfd_fops = {
	.owner		= THIS_MODULE,
	.release	= kipc_objfd_release,
	.poll		= kipc_objfd_poll,
	.unlocked_ioctl	= kipc_objfd_ioctl,
	.uring_cmd	= kipc_objfd_uring_cmd,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * kipc_objfd_install() - give user space a new fd for @obj
 * @ctx:	the command creating or opening it
 * @obj:	an object whose type has ops->fd_name; the caller's reference
 *		is consumed
 * @karg:	the command's argument, copied back before the fd is
 *		installed (nothing can fail after that)
 *
 * Return: the fd, or -EMFILE, -ENOMEM, -EFAULT.
 */
int kipc_objfd_install(struct kipc_ctx *ctx, struct kipc_obj *obj,
		       const void *karg)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kipc_obj_put(obj);
		return fd;
	}
	kipc_ns_file_open(obj->ns);
	file = anon_inode_getfile(obj->ops->fd_name, &kipc_objfd_fops, obj,
				  O_RDWR);
	if (IS_ERR(file)) {
		kipc_ns_file_close(obj->ns);
		put_unused_fd(fd);
		kipc_obj_put(obj);
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
 * kipc_objfd_open() - the OPEN command of a type with fds of its own
 * @ctx:	an endpoint fd
 * @type:	KIPC_TYPE_*
 * @ref:	id or name; the id is written back
 *
 * Needs read or write permission.
 *
 * Return: the new fd or a negative errno as documented in the uapi header.
 */
int kipc_objfd_open(struct kipc_ctx *ctx, u32 type, struct kipc_mbox_ref *ref)
{
	struct kipc_obj *obj;

	obj = kipc_obj_lookup_ref(kipc_ctx_ns(ctx), type, ref, NULL);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	if (kipc_perm_check(obj, MAY_READ) && kipc_perm_check(obj, MAY_WRITE)) {
		kipc_obj_put(obj);
		return -EACCES;
	}
	ref->id = obj->id;
	return kipc_objfd_install(ctx, obj, ref);
}

/**
 * kipc_objfd_delete() - the DELETE command of a type with fds of its own
 * @ctx:	an endpoint fd, or an fd of the object (id 0, name "" = it)
 * @type:	KIPC_TYPE_*
 * @ref:	id or name
 *
 * Owner, creator or CAP_SYS_ADMIN only.
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_objfd_delete(struct kipc_ctx *ctx, u32 type,
		      const struct kipc_mbox_ref *ref)
{
	struct kipc_obj *self = ctx->obj;
	struct kipc_obj *obj;
	int ret;

	obj = kipc_obj_lookup_ref(kipc_ctx_ns(ctx), type, ref, self);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ret = kipc_owner_check(obj);
	if (!ret)
		ret = kipc_obj_delete(obj, true);
	if (!ret)
		ret = obj == self ? -EIDRM : -ENOENT;
	else if (ret > 0)
		ret = 0;
	kipc_obj_put(obj);
	return ret;
}
