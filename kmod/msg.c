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
 * @refs:	one per message charged and one per endpoint caching this
 *		account (kipc_endpoint.user); freed when it drops to zero
 * @bytes:	payload bytes charged
 *
 * All fields are protected by kipc_users_lock. An endpoint keeps the
 * account of its last sender's euid, so a steady stream of sends finds it
 * without a hash lookup or an allocation, even when every message is
 * received (and uncharged) before the next is sent.
 */
struct kipc_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned long refs;
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

/* Drop a reference; returns the account if it must be freed. */
static struct kipc_user *kipc_user_unref(struct kipc_user *u)
{
	lockdep_assert_held(&kipc_users_lock);
	if (--u->refs)
		return NULL;
	hash_del(&u->node);
	return u;
}

/*
 * Make @ep->user the account of @uid, creating it from @fresh if needed.
 * Returns an account that lost its last reference (to be freed), or NULL.
 */
static struct kipc_user *kipc_user_cache(struct kipc_endpoint *ep,
					 kuid_t uid,
					 struct kipc_user **fresh)
{
	struct kipc_user *old = ep->user, *u;

	lockdep_assert_held(&kipc_users_lock);
	u = kipc_user_find(uid);
	if (!u) {
		u = *fresh;
		*fresh = NULL;
		u->uid = uid;
		hash_add(kipc_users, &u->node, __kuid_val(uid));
	}
	u->refs++;
	ep->user = u;
	return old ? kipc_user_unref(old) : NULL;
}

/*
 * Charge @len bytes of a message sent through @ep to the current euid.
 * Allocates only the first time a euid sends through an endpoint.
 */
static struct kipc_user *kipc_user_charge(struct kipc_endpoint *ep, u32 len)
{
	unsigned long limit = READ_ONCE(kipc_user_bytes_max);
	struct kipc_user *u, *fresh = NULL, *dead = NULL;
	kuid_t uid = current_euid();

	spin_lock(&kipc_users_lock);
	u = ep->user;
	if (!u || !uid_eq(u->uid, uid)) {
		if (!kipc_user_find(uid)) {
			spin_unlock(&kipc_users_lock);
			fresh = kzalloc(sizeof(*fresh), KIPC_GFP_HELD);
			if (!fresh)
				return ERR_PTR(-ENOMEM);
			spin_lock(&kipc_users_lock);
		}
		/* Another sender may have cached or created it meanwhile. */
		u = ep->user;
		if (!u || !uid_eq(u->uid, uid)) {
			dead = kipc_user_cache(ep, uid, &fresh);
			u = ep->user;
		}
	}
	if (limit && u->bytes + len > limit) {
		u = ERR_PTR(-EDQUOT);
	} else {
		u->refs++;
		u->bytes += len;
	}
	spin_unlock(&kipc_users_lock);
	kfree(fresh);
	kfree(dead);
	return u;
}

static void kipc_user_uncharge(struct kipc_user *u, u32 len)
{
	struct kipc_user *dead;

	spin_lock(&kipc_users_lock);
	u->bytes -= len;
	dead = kipc_user_unref(u);
	spin_unlock(&kipc_users_lock);
	kfree(dead);
}

/**
 * kipc_ep_user_release() - drop the quota account an endpoint caches
 * @ep:		the endpoint, being freed
 */
void kipc_ep_user_release(struct kipc_endpoint *ep)
{
	struct kipc_user *dead = NULL;

	spin_lock(&kipc_users_lock);
	if (ep->user)
		dead = kipc_user_unref(ep->user);
	ep->user = NULL;
	spin_unlock(&kipc_users_lock);
	kfree(dead);
}

/**
 * kipc_user_charge_bytes() - charge memory that is not a message to a user
 * @uid:	the user to charge
 * @bytes:	how much (a ring's pages)
 *
 * The charge shares user_bytes_max with the user's queued messages and
 * holds a reference on the account until kipc_user_uncharge_bytes().
 *
 * Return: the account to release later, or ERR_PTR(-EDQUOT, -ENOMEM).
 */
struct kipc_user *kipc_user_charge_bytes(kuid_t uid, size_t bytes)
{
	unsigned long limit = READ_ONCE(kipc_user_bytes_max);
	struct kipc_user *u, *fresh, *dead = NULL;

	if (bytes > U32_MAX)
		return ERR_PTR(-EDQUOT);
	fresh = kzalloc(sizeof(*fresh), KIPC_GFP_HELD);
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
	if (limit && u->bytes + bytes > limit) {
		if (!u->refs) {
			hash_del(&u->node);
			dead = u;
		}
		u = ERR_PTR(-EDQUOT);
	} else {
		u->refs++;
		u->bytes += bytes;
	}
	spin_unlock(&kipc_users_lock);
	kfree(fresh);
	kfree(dead);
	return u;
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
 * @ep:		sending endpoint: the message is stamped with its id
 * @buf:	user payload
 * @len:	payload length
 * @prio:	priority, already checked to be <= KIPC_PRIO_MAX
 *
 * Stamps the current task's credentials and charges @len to its euid.
 *
 * Return: the message, or ERR_PTR(-EMSGSIZE, -EDQUOT, -ENOMEM, -EFAULT).
 */
struct kipc_msg *kipc_msg_new(struct kipc_endpoint *ep, const void __user *buf,
			      u32 len, u32 prio)
{
	struct kipc_user *u;
	struct kipc_msg *msg;

	if (len > kipc_msg_size_cap())
		return ERR_PTR(-EMSGSIZE);
	u = kipc_user_charge(ep, len);
	if (IS_ERR(u))
		return ERR_CAST(u);
	/* kvmalloc() costs more even when it ends in kmalloc(). */
	if (struct_size(msg, data, len) <= KMALLOC_MAX_CACHE_SIZE)
		msg = kmalloc(struct_size(msg, data, len), KIPC_GFP_HELD);
	else
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
	msg->sender_id = ep->obj.id;
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
