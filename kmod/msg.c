// SPDX-License-Identifier: GPL-2.0
/*
 * kipc messages: allocation, per-user byte quota, header stamping, and the
 * small helpers every message ioctl needs (timeouts, queue limits).
 */
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include "kipc.h"

/**
 * struct kipc_user - queued-bytes account of one user
 * @node:	in kipc_users, under kipc_users_lock
 * @uid:	the user; immutable
 * @nr_msgs:	messages charged (the entry is freed when it drops to zero)
 * @bytes:	payload bytes charged
 *
 * All fields are protected by kipc_users_lock.
 */
struct kipc_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned long nr_msgs;
	unsigned long bytes;
};

static DEFINE_SPINLOCK(kipc_users_lock);
static DEFINE_HASHTABLE(kipc_users, 6);

static struct kipc_user *kipc_user_find(kuid_t uid)
{
	struct kipc_user *u;

	hash_for_each_possible(kipc_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

static struct kipc_user *kipc_user_charge(kuid_t uid, u32 len)
{
	unsigned long limit = READ_ONCE(kipc_user_bytes_max);
	struct kipc_user *u, *fresh;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return ERR_PTR(-ENOMEM);

	spin_lock(&kipc_users_lock);
	u = kipc_user_find(uid);
	if (!u) {
		u = fresh;
		fresh = NULL;
		u->uid = uid;
		hash_add(kipc_users, &u->node, __kuid_val(uid));
	}
	if (limit && u->bytes + len > limit) {
		if (!u->nr_msgs) {
			hash_del(&u->node);
			kfree(u);
		}
		u = ERR_PTR(-EDQUOT);
	} else {
		u->nr_msgs++;
		u->bytes += len;
	}
	spin_unlock(&kipc_users_lock);
	kfree(fresh);
	return u;
}

static void kipc_user_uncharge(struct kipc_user *u, u32 len)
{
	bool last;

	spin_lock(&kipc_users_lock);
	u->bytes -= len;
	last = !--u->nr_msgs;
	if (last)
		hash_del(&u->node);
	spin_unlock(&kipc_users_lock);
	if (last)
		kfree(u);
}

/**
 * kipc_user_charge_bytes() - charge memory that is not a message to a user
 * @uid:	the user to charge
 * @bytes:	how much (a ring's pages)
 *
 * The charge shares user_bytes_max with the user's queued messages and
 * counts as one entry of the account, so the account lives until it is
 * released with kipc_user_uncharge_bytes().
 *
 * Return: the account to release later, or ERR_PTR(-EDQUOT, -ENOMEM).
 */
struct kipc_user *kipc_user_charge_bytes(kuid_t uid, size_t bytes)
{
	if (bytes > U32_MAX)
		return ERR_PTR(-EDQUOT);
	return kipc_user_charge(uid, bytes);
}

/**
 * kipc_user_uncharge_bytes() - release a kipc_user_charge_bytes() charge
 * @u:		the account it returned
 * @bytes:	the same @bytes
 */
void kipc_user_uncharge_bytes(struct kipc_user *u, size_t bytes)
{
	kipc_user_uncharge(u, bytes);
}

/**
 * kipc_users_exit() - check that every quota account was released
 *
 * Called at module exit, when no message can exist any more.
 */
void kipc_users_exit(void)
{
	WARN_ON(!hash_empty(kipc_users));
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
 * kipc_msg_new() - allocate a message and copy its payload from user space
 * @sender_id:	endpoint the message is stamped with
 * @buf:	user payload
 * @len:	payload length
 * @prio:	priority, already checked to be <= KIPC_PRIO_MAX
 *
 * Stamps the current task's credentials and charges @len to its euid.
 *
 * Return: the message, or ERR_PTR(-EMSGSIZE, -EDQUOT, -ENOMEM, -EFAULT).
 */
struct kipc_msg *kipc_msg_new(u64 sender_id, const void __user *buf, u32 len,
			      u32 prio)
{
	struct kipc_user *u;
	struct kipc_msg *msg;

	if (len > kipc_msg_size_cap())
		return ERR_PTR(-EMSGSIZE);
	u = kipc_user_charge(current_euid(), len);
	if (IS_ERR(u))
		return ERR_CAST(u);
	msg = kvmalloc(struct_size(msg, data, len), KIPC_GFP_HELD);
	if (!msg) {
		kipc_user_uncharge(u, len);
		return ERR_PTR(-ENOMEM);
	}
	memset(msg, 0, sizeof(*msg));
	INIT_LIST_HEAD(&msg->node);
	if (len && copy_from_user(msg->data, buf, len)) {
		kvfree(msg);
		kipc_user_uncharge(u, len);
		return ERR_PTR(-EFAULT);
	}
	msg->user = u;
	msg->sender_id = sender_id;
	msg->pid = get_pid(task_tgid(current));
	msg->uid = current_euid();
	msg->gid = current_egid();
	msg->prio = prio;
	msg->len = len;
	return msg;
}

/**
 * kipc_msg_free() - free a message that is on no queue
 * @msg:	the message, or NULL
 *
 * Drops the quota charge, the sender pid and the transaction reference.
 * Must not be called under a spinlock (kvfree may sleep).
 */
void kipc_msg_free(struct kipc_msg *msg)
{
	if (!msg)
		return;
	kipc_user_uncharge(msg->user, msg->len);
	put_pid(msg->pid);
	if (msg->txn)
		kipc_txn_put(msg->txn);
	kvfree(msg);
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

	*hdr = (struct kipc_msg_hdr) {
		.sender_id = msg->sender_id,
		.mailbox_id = msg->mbox_id,
		.token = msg->token,
		.sender_pid = pid_vnr(msg->pid),
		.sender_uid = from_kuid_munged(ns, msg->uid),
		.sender_gid = from_kgid_munged(ns, msg->gid),
		.priority = msg->prio,
		.len = msg->len,
		.flags = msg->flags,
		.reply_max = msg->reply_max,
	};
}

/**
 * kipc_deadline_init() - decode the blocking flags and timeout of a call
 * @dl:		output
 * @flags:	KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME (others ignored here)
 * @ts:		the timeout, read only with KIPC_TIMEOUT
 * @restartable: the call may be restarted after a signal when it has no
 *		relative timeout
 *
 * Return: 0 or -EINVAL for a bad combination or malformed timeout.
 */
int kipc_deadline_init(struct kipc_deadline *dl, u32 flags,
		       const struct kipc_timespec *ts, bool restartable)
{
	ktime_t t;

	*dl = (struct kipc_deadline) {
		.nonblock = flags & KIPC_NONBLOCK,
		.timed = flags & KIPC_TIMEOUT,
	};
	if ((flags & KIPC_NONBLOCK) && (flags & KIPC_TIMEOUT))
		return -EINVAL;
	if ((flags & KIPC_ABSTIME) && !(flags & KIPC_TIMEOUT))
		return -EINVAL;
	dl->restart = restartable && (!dl->timed || (flags & KIPC_ABSTIME));
	if (!dl->timed)
		return 0;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	t = ktime_set(ts->tv_sec, ts->tv_nsec);
	dl->expires = (flags & KIPC_ABSTIME) ? t : ktime_add_safe(ktime_get(), t);
	return 0;
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
