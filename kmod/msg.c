// SPDX-License-Identifier: GPL-2.0
/*
 * kipc messages: allocation (charged to the sender's accounts at their real
 * size), header stamping, and queue limits.
 *
 * A message is one allocation, header and payload together. Small ones
 * (up to KIPC_MSG_SMALL payload bytes, the common case) come from a cache
 * of their own, memcg-accounted like the kmalloc caches and with the
 * payload as its only user-copy region: no size-class lookup on the way in
 * and out, a footprint known without asking the allocator, and a hardened
 * user copy that can only reach the payload. Larger ones are kmalloc()ed,
 * and kvmalloc()ed past the largest kmalloc size.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include "kipc_internal.h"

/*
 * Payload bytes a message from kipc_msg_cache holds. With the header that
 * is a 240-byte object on x86-64: a little over the kmalloc-192 a 64-byte
 * message took, less than the kmalloc-256 a 128-byte one took.
 */
#define KIPC_MSG_SMALL	128

static struct kmem_cache *kipc_msg_cache __ro_after_init;
/* What a small message costs: the cache's object size, charged per message. */
static size_t kipc_msg_small_size __ro_after_init;

/**
 * kipc_msg_cache_init() - create the small-message cache
 *
 * Return: 0 or -ENOMEM.
 */
int __init kipc_msg_cache_init(void)
{
	size_t size = struct_size((struct kipc_msg *)NULL, data,
				  KIPC_MSG_SMALL);

	kipc_msg_cache = kmem_cache_create_usercopy("kipc_msg", size, 0,
						    SLAB_ACCOUNT,
						    offsetof(struct kipc_msg, data),
						    KIPC_MSG_SMALL, NULL);
	if (!kipc_msg_cache)
		return -ENOMEM;
	kipc_msg_small_size = kmem_cache_size(kipc_msg_cache);
	return 0;
}

/**
 * kipc_msg_cache_exit() - destroy the small-message cache
 *
 * Every message is freed by then: none outlives its queue, and every
 * queue goes with the module's last file.
 */
void kipc_msg_cache_exit(void)
{
	kmem_cache_destroy(kipc_msg_cache);
}

/**
 * kipc_msg_size_cap() - current largest message any queue may accept
 *
 * Return: the msg_size_max module parameter, bounded by
 * KIPC_MSG_SIZE_HARD_MAX.
 */
u32 kipc_msg_size_cap(void)
{
	return min(READ_ONCE(kipc_msg_size_max), KIPC_MSG_SIZE_HARD_MAX);
}

/**
 * kipc_msg_footprint() - what a message of @len payload bytes really holds
 * @len:	payload length
 *
 * The header and the slab rounding count, so an empty message is not
 * free: this is what the sender's accounts are charged.
 *
 * Return: bytes.
 */
size_t kipc_msg_footprint(u32 len)
{
	size_t size = struct_size((struct kipc_msg *)NULL, data, len);

	if (len <= KIPC_MSG_SMALL)
		return kipc_msg_small_size;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_size_roundup(size);
	/* kvmalloc() tries whole pages in a power-of-two block first. */
	return PAGE_SIZE << get_order(size);
}

/* Give back the memory of a message of @len payload bytes. */
static void kipc_msg_release(struct kipc_msg *msg, u32 len)
{
	if (len <= KIPC_MSG_SMALL)
		kmem_cache_free(kipc_msg_cache, msg);
	else
		kvfree(msg);
}

/* A message of @len payload bytes, its header zeroed; NULL: -ENOMEM. */
static struct kipc_msg *kipc_msg_alloc(u32 len)
{
	size_t size = struct_size((struct kipc_msg *)NULL, data, len);
	struct kipc_msg *msg;

	/* kvmalloc() costs more even when it ends in kmalloc(). */
	if (len <= KIPC_MSG_SMALL)
		msg = kmem_cache_alloc(kipc_msg_cache, KIPC_GFP_HELD);
	else if (size <= KMALLOC_MAX_CACHE_SIZE)
		msg = kmalloc(size, KIPC_GFP_HELD);
	else
		msg = kvmalloc(size, KIPC_GFP_HELD);
	if (msg)
		memset(msg, 0, sizeof(*msg));
	return msg;
}

/* Stamp a message whose payload is in: sender, credentials, its charge. */
static struct kipc_msg *kipc_msg_stamp(struct kipc_msg *msg,
				       struct kipc_endpoint *ep,
				       const struct kipc_charge *charge,
				       u32 len, u32 prio)
{
	INIT_LIST_HEAD(&msg->node);
	msg->charge = *charge;
	msg->sender_id = ep->obj.id;
	msg->pid = get_pid(task_tgid(current));
	msg->uid = current_euid();
	msg->gid = current_egid();
	msg->prio = prio;
	msg->len = len;
	return msg;
}

/* kipc_msg_build() with the payload in @buf, or all of @from if not NULL. */
static struct kipc_msg *kipc_msg_fill(struct kipc_endpoint *ep,
				      const struct kipc_charge *charge,
				      const void __user *buf,
				      struct iov_iter *from, u32 len, u32 prio)
{
	struct kipc_msg *msg = kipc_msg_alloc(len);
	bool copied;

	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (!len)
		copied = true;
	else if (from)
		copied = copy_from_iter_full(msg->data, len, from);
	else
		copied = !copy_from_user(msg->data, buf, len);
	if (!copied) {
		kipc_msg_release(msg, len);
		return ERR_PTR(-EFAULT);
	}
	return kipc_msg_stamp(msg, ep, charge, len, prio);
}

/* Charge the footprint, then kipc_msg_fill(); undo the charge on error. */
static struct kipc_msg *kipc_msg_charged(struct kipc_endpoint *ep,
					 const void __user *buf,
					 struct iov_iter *from, size_t len,
					 u32 prio)
{
	struct kipc_charge charge;
	struct kipc_msg *msg;
	int ret;

	/* Also keeps @len within a u32. */
	if (len > kipc_msg_size_cap())
		return ERR_PTR(-EMSGSIZE);
	ret = kipc_ep_charge_msg(ep, &charge, kipc_msg_footprint(len));
	if (ret)
		return ERR_PTR(ret);
	msg = kipc_msg_fill(ep, &charge, buf, from, len, prio);
	if (IS_ERR(msg))
		kipc_msg_uncharge(&charge, kipc_msg_footprint(len));
	return msg;
}

/**
 * kipc_msg_build() - allocate a message whose footprint is charged already
 * @ep:		sending endpoint: the message is stamped with its id
 * @charge:	the accounts kipc_msg_footprint(@len) was charged to
 *		(kipc_ep_charge_msg()); the message takes it over on success
 * @buf:	user payload
 * @len:	payload length, at most kipc_msg_size_cap()
 * @prio:	priority, already checked to be <= KIPC_PRIO_MAX
 *
 * Stamps the current task's credentials. On failure the charge is still
 * the caller's to undo.
 *
 * Return: the message, or ERR_PTR(-ENOMEM, -EFAULT).
 */
struct kipc_msg *kipc_msg_build(struct kipc_endpoint *ep,
				const struct kipc_charge *charge,
				const void __user *buf, u32 len, u32 prio)
{
	return kipc_msg_fill(ep, charge, buf, NULL, len, prio);
}

/**
 * kipc_msg_new() - allocate a message and copy its payload from user space
 * @ep:		sending endpoint: the message is stamped with its id
 * @buf:	user payload
 * @len:	payload length
 * @prio:	priority, already checked to be <= KIPC_PRIO_MAX
 *
 * Stamps the current task's credentials and charges the message's
 * footprint to its accounts.
 *
 * Return: the message, or ERR_PTR(-EMSGSIZE, -EDQUOT, -ENOMEM, -EFAULT).
 */
struct kipc_msg *kipc_msg_new(struct kipc_endpoint *ep, const void __user *buf,
			      u32 len, u32 prio)
{
	return kipc_msg_charged(ep, buf, NULL, len, prio);
}

/**
 * kipc_msg_new_iter() - kipc_msg_new() with the payload in an iov_iter
 * @ep:		sending endpoint
 * @from:	the payload: all of what is left in it
 * @prio:	priority, already checked to be <= KIPC_PRIO_MAX
 *
 * Return: the message, or ERR_PTR(-EMSGSIZE, -EDQUOT, -ENOMEM, -EFAULT).
 */
struct kipc_msg *kipc_msg_new_iter(struct kipc_endpoint *ep,
				   struct iov_iter *from, u32 prio)
{
	return kipc_msg_charged(ep, NULL, from, iov_iter_count(from), prio);
}

/**
 * kipc_msg_free() - free a message that is on no queue
 * @msg:	the message, or NULL
 *
 * Drops the charge, the sender pid and the transaction reference. Must
 * not be called under a spinlock (kvfree may sleep).
 */
void kipc_msg_free(struct kipc_msg *msg)
{
	if (!msg)
		return;
	/* msg->len never changes: the footprint is the one charged. */
	kipc_msg_uncharge(&msg->charge, kipc_msg_footprint(msg->len));
	put_pid(msg->pid);
	if (msg->txn)
		kipc_txn_put(msg->txn);
	kipc_msg_release(msg, msg->len);
}

/*
 * What is left of a request's deadline, in whole milliseconds rounded up:
 * at least 1 while there is a deadline (0 means none), even one that
 * has passed, and at most U32_MAX.
 */
static u32 kipc_msg_timeout_ms(const struct kipc_msg *msg)
{
	s64 left;

	if (!msg->deadline)
		return 0;
	left = ktime_to_ns(ktime_sub(msg->deadline, ktime_get()));
	if (left <= 0)
		return 1;
	left = DIV_ROUND_UP_ULL(left, NSEC_PER_MSEC);
	return left > U32_MAX ? U32_MAX : (u32)left;
}

/**
 * kipc_fill_hdr() - build the header a receiver sees
 * @hdr:	output, fully overwritten
 * @msg:	the message
 *
 * The sender's pid and ids are translated into the current (receiving)
 * task's pid and user namespaces.
 */
void kipc_fill_hdr(struct kipc_msg_hdr *hdr, const struct kipc_msg *msg)
{
	struct user_namespace *ns = current_user_ns();
	u32 uid, gid;

	/* The initial namespace maps every id to itself. */
	if (ns == &init_user_ns) {
		uid = __kuid_val(msg->uid);
		gid = __kgid_val(msg->gid);
	} else {
		uid = from_kuid_munged(ns, msg->uid);
		gid = from_kgid_munged(ns, msg->gid);
	}
	*hdr = (struct kipc_msg_hdr) {
		.sender_id = msg->sender_id,
		.mailbox_id = msg->mbox_id,
		.token = msg->token,
		.sender_pid = pid_vnr(msg->pid),
		.sender_uid = uid,
		.sender_gid = gid,
		.priority = msg->prio,
		.len = msg->len,
		.flags = msg->flags,
		.reply_max = msg->reply_max,
		.timeout_ms = kipc_msg_timeout_ms(msg),
	};
}

/**
 * kipc_limits_check() - validate and complete requested queue limits
 * @l:		max_msgs / max_bytes / msg_max as asked for; zeros are
 *		replaced by the documented defaults
 *
 * Return: 0, -EINVAL (max_msgs too large), -EMSGSIZE (msg_max above the
 * msg_size_max parameter) or -ENOBUFS (max_bytes above queue_bytes_max).
 */
int kipc_limits_check(struct kipc_limits *l)
{
	u32 bytes_cap = READ_ONCE(kipc_queue_bytes_max);

	if (l->max_msgs > KIPC_QUEUE_MSGS_MAX)
		return -EINVAL;
	if (!l->msg_max)
		l->msg_max = KIPC_MSG_SIZE_DEFAULT;
	if (l->msg_max > kipc_msg_size_cap())
		return -EMSGSIZE;
	if (l->max_bytes > bytes_cap)
		return -ENOBUFS;
	if (!l->max_bytes)
		l->max_bytes = min_t(u64, (u64)l->max_msgs * l->msg_max,
				     bytes_cap);
	return 0;
}
