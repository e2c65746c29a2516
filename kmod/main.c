// SPDX-License-Identifier: GPL-2.0
/*
 * kipc: message passing and shared-memory rings behind /dev/kipc.
 *
 * Opening /dev/kipc creates an endpoint; the fd is the endpoint and
 * closing it destroys it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/kipc.h>

/**
 * struct kipc_endpoint - one open /dev/kipc file
 * @id: unique for the life of the system, never reused; immutable
 */
struct kipc_endpoint {
	u64 id;
};

/* Source of endpoint ids: 64-bit, so it cannot wrap in practice. */
static atomic64_t kipc_next_id = ATOMIC64_INIT(0);

static int kipc_open(struct inode *inode, struct file *file)
{
	struct kipc_endpoint *ep;

	ep = kzalloc(sizeof(*ep), GFP_KERNEL_ACCOUNT);
	if (!ep)
		return -ENOMEM;
	ep->id = atomic64_inc_return(&kipc_next_id);
	file->private_data = ep;
	return 0;
}

static int kipc_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static long kipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kipc_endpoint *ep = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KIPC_IOC_VERSION: {
		struct kipc_version v = {
			.abi = KIPC_ABI_VERSION,
			.endpoint_id = ep->id,
		};

		return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
	}
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kipc_fops = {
	.owner		= THIS_MODULE,
	.open		= kipc_open,
	.release	= kipc_release,
	.unlocked_ioctl	= kipc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kipc_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "kipc",
	.fops	= &kipc_fops,
	.mode	= 0666,
};

static int __init kipc_init(void)
{
	BUILD_BUG_ON(sizeof(struct kipc_version) != 16);
	return misc_register(&kipc_misc);
}

static void __exit kipc_exit(void)
{
	misc_deregister(&kipc_misc);
}

module_init(kipc_init);
module_exit(kipc_exit);

MODULE_DESCRIPTION("kipc: message passing and shared-memory rings");
MODULE_LICENSE("GPL");
