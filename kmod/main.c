// SPDX-License-Identifier: GPL-2.0
/*
 * kipc: message passing and shared-memory rings behind /dev/kipc.
 *
 * This file holds the misc device and the module parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/stringify.h>
#include <linux/moduleparam.h>
#include "kipc_internal.h"
#define CREATE_TRACE_POINTS
#include "trace.h"

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
		 "Kernel memory one user may hold: its queued messages and pending calls at their real size, its mailboxes and rings; a send, call or creation beyond it fails with EDQUOT; 0 = unlimited (default 64 MiB)");

unsigned int kipc_user_mailboxes_max = 256;
module_param_named(user_mailboxes_max, kipc_user_mailboxes_max, uint, 0644);
MODULE_PARM_DESC(user_mailboxes_max,
		 "Mailboxes one user may have; creating one more fails with EDQUOT; 0 = unlimited (default 256)");

unsigned int kipc_user_rings_max = 16;
module_param_named(user_rings_max, kipc_user_rings_max, uint, 0644);
MODULE_PARM_DESC(user_rings_max,
		 "Rings one user may have; creating one more fails with EDQUOT; 0 = unlimited (default 16)");

unsigned int kipc_ring_max = 64;
module_param_named(ring_max, kipc_ring_max, uint, 0644);
MODULE_PARM_DESC(ring_max,
		 "Rings per IPC namespace; creating one more fails with ENOSPC (default 64)");

unsigned int kipc_ep_max_msgs = 64;
module_param_named(ep_max_msgs, kipc_ep_max_msgs, uint, 0644);
MODULE_PARM_DESC(ep_max_msgs,
		 "Default inbox capacity of a new endpoint, in messages; 0 = rendezvous (default 64)");

unsigned int kipc_ep_max_bytes = 256U << 10;
module_param_named(ep_max_bytes, kipc_ep_max_bytes, uint, 0644);
MODULE_PARM_DESC(ep_max_bytes,
		 "Default inbox capacity of a new endpoint, in payload bytes (default 256 KiB)");

/*
 * A fixed minor from the range Documentation/admin-guide/devices.txt
 * reserves for local use (10:243-254), so that the node can exist before
 * the module is loaded (depmod's modules.devname, from the devname alias,
 * tells systemd-tmpfiles to create it) and the first open() loads the
 * module through the char-major alias, as with /dev/fuse.
 */
#define KIPC_MINOR	248

static struct miscdevice kipc_misc = {
	.minor	= KIPC_MINOR,
	.name	= "kipc",
	.fops	= &kipc_ep_fops,
	.mode	= 0666,
};

static int __init kipc_init(void)
{
	int ret;

	kipc_ioctl_init();
	ret = misc_register(&kipc_misc);
	if (ret != -EBUSY)
		return ret;
	/* Something else took the minor on this machine: udev still works. */
	pr_warn("minor %d is taken; using a dynamic one (no loading on open)\n",
		KIPC_MINOR);
	kipc_misc.minor = MISC_DYNAMIC_MINOR;
	return misc_register(&kipc_misc);
}

static void __exit kipc_exit(void)
{
	misc_deregister(&kipc_misc);
	kipc_ns_exit();
	kipc_users_exit();
}

module_init(kipc_init);
module_exit(kipc_exit);

MODULE_DESCRIPTION("kipc: message passing and shared-memory rings");
MODULE_ALIAS_MISCDEV(KIPC_MINOR);
MODULE_ALIAS("devname:kipc");
MODULE_LICENSE("GPL");
MODULE_VERSION(__stringify(KIPC_VERSION_MAJOR) "." __stringify(KIPC_VERSION_MINOR)
	       "." __stringify(KIPC_VERSION_PATCH));
