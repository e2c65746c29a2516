// SPDX-License-Identifier: GPL-2.0
/*
 * kipc: message passing and shared-memory rings behind /dev/kipc.
 *
 * Opening /dev/kipc creates an endpoint; the fd is the endpoint and
 * closing it destroys it. This file holds the misc device, the module
 * parameters and the ioctl dispatcher shared by endpoint and mailbox fds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>
#include "kipc.h"

unsigned int kipc_max_mailboxes = 1024;
module_param_named(max_mailboxes, kipc_max_mailboxes, uint, 0644);
MODULE_PARM_DESC(max_mailboxes,
		 "Mailboxes per IPC namespace; creating one more fails with ENOSPC (default 1024)");

unsigned int kipc_msg_size_max = 1U << 20;
module_param_named(msg_size_max, kipc_msg_size_max, uint, 0644);
MODULE_PARM_DESC(msg_size_max,
		 "Largest msg_max a queue may have, in bytes; larger messages or msg_max fail with EMSGSIZE (default 1 MiB, hard limit 64 MiB)");

unsigned int kipc_queue_bytes_max = 16U << 20;
module_param_named(queue_bytes_max, kipc_queue_bytes_max, uint, 0644);
MODULE_PARM_DESC(queue_bytes_max,
		 "Largest max_bytes (queued payload bytes) of one mailbox or inbox; asking for more fails with ENOBUFS (default 16 MiB)");

unsigned long kipc_user_bytes_max = 64UL << 20;
module_param_named(user_bytes_max, kipc_user_bytes_max, ulong, 0644);
MODULE_PARM_DESC(user_bytes_max,
		 "Queued payload bytes per sending user across all queues, plus the memory of the rings the user created; a send or ring creation beyond it fails with EDQUOT; 0 = unlimited (default 64 MiB)");

unsigned int kipc_ep_max_msgs = 64;
module_param_named(ep_max_msgs, kipc_ep_max_msgs, uint, 0644);
MODULE_PARM_DESC(ep_max_msgs,
		 "Default inbox capacity of a new endpoint, in messages; 0 = rendezvous (default 64)");

unsigned int kipc_ep_max_bytes = 256U << 10;
module_param_named(ep_max_bytes, kipc_ep_max_bytes, uint, 0644);
MODULE_PARM_DESC(ep_max_bytes,
		 "Default inbox capacity of a new endpoint, in payload bytes (default 256 KiB)");

/**
 * kipc_copy_arg() - read an extensible ioctl argument
 * @karg:	kernel struct, fully written (zero-extended)
 * @ksize:	sizeof(*karg)
 * @ver0:	smallest size user space may pass
 * @uarg:	user struct, starting with its __u32 size
 * @usize:	out: bytes to copy back, min(user size, @ksize)
 *
 * Return: 0, -EFAULT, -EINVAL (size below @ver0) or -E2BIG (larger than
 * known with non-zero tail, or larger than KIPC_USIZE_MAX).
 */
int kipc_copy_arg(void *karg, size_t ksize, size_t ver0,
		  const void __user *uarg, size_t *usize)
{
	u32 size;
	int ret;

	if (get_user(size, (const u32 __user *)uarg))
		return -EFAULT;
	if (size < ver0)
		return -EINVAL;
	if (size > KIPC_USIZE_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, size);
	if (ret)
		return ret;
	*usize = min_t(size_t, size, ksize);
	return 0;
}

/**
 * kipc_ioctl_common() - ioctl entry for endpoint and mailbox fds
 * @ctx:	the fd
 * @cmd:	ioctl number
 * @arg:	user pointer to the argument
 *
 * Return: >= 0 on success, a negative errno as documented in the uapi
 * header otherwise.
 */
long kipc_ioctl_common(struct kipc_ctx *ctx, unsigned int cmd,
		       unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (cmd == KIPC_IOC_VERSION) {
		struct kipc_version v = {
			.abi = KIPC_ABI_VERSION,
			.endpoint_id = ctx->ep->obj.id,
		};

		return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
	}

	switch (KIPC_CMD(cmd)) {
	case KIPC_CMD(KIPC_IOC_EP_SET):
		return kipc_ioc_ep_set(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_SEND):
		return kipc_ioc_send(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_RECV):
		return kipc_ioc_recv(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_CALL):
		return kipc_ioc_call(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_REPLY):
		return kipc_ioc_reply(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_XFER):
		return kipc_ioc_xfer(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_NOTIFY):
		return kipc_ioc_notify(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_MBOX_CREATE):
		return kipc_ioc_mbox_create(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_MBOX_OPEN):
		return kipc_ioc_mbox_open(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_MBOX_DELETE):
		return kipc_ioc_mbox_delete(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_MBOX_SET):
		return kipc_ioc_mbox_set(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_STAT):
		return kipc_ioc_stat(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_LIST):
		return kipc_ioc_list(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_RING_CREATE):
		return kipc_ioc_ring_create(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_RING_ATTACH):
		return kipc_ioc_ring_attach(ctx, uarg);
	case KIPC_CMD(KIPC_IOC_RING_DELETE):
		return kipc_ioc_ring_delete(ctx, uarg);
	default:
		return -ENOTTY;
	}
}

static struct miscdevice kipc_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "kipc",
	.fops	= &kipc_ep_fops,
	.mode	= 0666,
};

static void __init kipc_check_abi(void)
{
	BUILD_BUG_ON(sizeof(struct kipc_timespec) != 16);
	BUILD_BUG_ON(sizeof(struct kipc_version) != 16);
	BUILD_BUG_ON(sizeof(struct kipc_msg_hdr) != 56);
	BUILD_BUG_ON(sizeof(struct kipc_send) != KIPC_SEND_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_recv) != KIPC_RECV_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_call) != KIPC_CALL_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_reply) != KIPC_REPLY_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_ep_set) != KIPC_EP_SET_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_mbox_create) !=
		     KIPC_MBOX_CREATE_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_mbox_ref) != KIPC_MBOX_REF_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_mbox_set) != KIPC_MBOX_SET_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_notify) != KIPC_NOTIFY_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_info) != KIPC_INFO_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_stat) != KIPC_STAT_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_list) != KIPC_LIST_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_mmsg) != KIPC_MMSG_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kipc_xfer) != KIPC_XFER_SIZE_VER0);
	/* The size field is what kipc_copy_arg() reads first. */
	BUILD_BUG_ON(offsetof(struct kipc_send, size) != 0);
	BUILD_BUG_ON(offsetof(struct kipc_stat, size) != 0);
	/* Priority levels fit the non-empty bitmap. */
	BUILD_BUG_ON(KIPC_PRIO_MAX >= BITS_PER_LONG);
}

static int __init kipc_init(void)
{
	kipc_check_abi();
	return misc_register(&kipc_misc);
}

static void __exit kipc_exit(void)
{
	misc_deregister(&kipc_misc);
	kipc_registry_exit();
	kipc_users_exit();
}

module_init(kipc_init);
module_exit(kipc_exit);

MODULE_DESCRIPTION("kipc: message passing and shared-memory rings");
MODULE_LICENSE("GPL");
