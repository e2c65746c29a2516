// SPDX-License-Identifier: GPL-2.0
/*
 * kipc accounting: everything a user makes the kernel hold.
 *
 * Each user (a kuid) has one account counting the bytes of its queued
 * messages, pending requests, mailboxes, rings, semaphores and mutexes,
 * and how many mailboxes, rings and semaphores plus mutexes it has. The
 * limits are the module parameters user_bytes_max, user_mailboxes_max,
 * user_rings_max and user_syncs_max.
 *
 * A charge goes to the euid of the task and also to the owner of the
 * outermost user namespace the task is in (a uid of the initial
 * namespace). Mapping more uids into a user namespace (newuidmap) or
 * nesting namespaces thus gains no quota: everything done beneath one
 * first-level namespace also counts against its creator, as ucounts do
 * for RLIMIT_MSGQUEUE.
 *
 * Counters are atomics: a charge adds first and backs out if a limit is
 * passed, so concurrent charges never exceed a limit together.
 *
 * An account lives while it has references or bytes charged. Objects and
 * endpoints hold references; a message or a transaction holds none: its
 * bytes keep the account alive, and the free that takes the last bytes of
 * an unreferenced account reaps it. That spares every message a reference
 * taken and dropped on a counter that all of a user's senders share.
 */
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
#include "kipc_internal.h"

/**
 * struct kipc_user - the account of one user
 * @node:	in kipc_users, under kipc_users_lock; unhashed once reaped
 * @uid:	the user; immutable
 * @refs:	one per holder (object, endpoint cache); it goes
 *		from 0 to 1 and to 0 only under kipc_users_lock
 * @bytes:	bytes charged; messages' bytes keep the account alive
 * @nr_mboxes:	mailboxes charged
 * @nr_rings:	rings charged
 * @nr_syncs:	semaphores and mutexes charged
 * @rcu:	freed after a grace period: an uncharge may still look at it
 */
struct kipc_user {
	struct hlist_node node;
	kuid_t uid;
	refcount_t refs;
	atomic_long_t bytes;
	atomic_t nr_mboxes;
	atomic_t nr_rings;
	atomic_t nr_syncs;
	struct rcu_head rcu;
};

static DEFINE_SPINLOCK(kipc_users_lock);
static DEFINE_HASHTABLE(kipc_users, 6);

static struct kipc_user *kipc_user_find(kuid_t uid)
{
	struct kipc_user *u;

	lockdep_assert_held(&kipc_users_lock);
	hash_for_each_possible(kipc_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* The account of @uid with a reference, created if needed. */
static struct kipc_user *kipc_user_get(kuid_t uid)
{
	struct kipc_user *u, *fresh = NULL;

	for (;;) {
		spin_lock(&kipc_users_lock);
		u = kipc_user_find(uid);
		if (u) {
			/* Held up only by messages' bytes: referenced again. */
			if (!refcount_inc_not_zero(&u->refs))
				refcount_set(&u->refs, 1);
		} else if (fresh) {
			u = fresh;
			fresh = NULL;
			hash_add(kipc_users, &u->node, __kuid_val(uid));
		}
		spin_unlock(&kipc_users_lock);
		kfree(fresh);
		if (u)
			return u;
		fresh = kzalloc(sizeof(*fresh), KIPC_GFP_HELD);
		if (!fresh)
			return NULL;
		fresh->uid = uid;
		refcount_set(&fresh->refs, 1);
	}
}

/* Free @u, unreferenced and with nothing charged; kipc_users_lock held. */
static void kipc_user_free_locked(struct kipc_user *u)
{
	lockdep_assert_held(&kipc_users_lock);
	hash_del(&u->node);
	/* Objects hold references: without any, none can be charged. */
	WARN_ON(atomic_read(&u->nr_mboxes) || atomic_read(&u->nr_rings) ||
		atomic_read(&u->nr_syncs));
	kfree_rcu(u, rcu);
}

static void kipc_user_put(struct kipc_user *u)
{
	/* The lock only for the last reference, as refcount_dec_and_lock(). */
	if (!u || refcount_dec_not_one(&u->refs))
		return;
	spin_lock(&kipc_users_lock);
	/* Messages' bytes keep it; the last of them reaps it then. */
	if (refcount_dec_and_test(&u->refs)) {
		/*
		 * Against kipc_msg_uncharge(), which subtracts the bytes
		 * (fully ordered) and then reads refs: one of the two sees
		 * the other's write, so the account is not left unreaped.
		 */
		smp_mb();
		if (!atomic_long_read(&u->bytes))
			kipc_user_free_locked(u);
	}
	spin_unlock(&kipc_users_lock);
}

/*
 * The last bytes of @u went with no reference left: free it unless it was
 * referenced or charged again, or reaped by a racing put, meanwhile.
 */
static void kipc_user_reap(struct kipc_user *u)
{
	spin_lock(&kipc_users_lock);
	if (!hlist_unhashed(&u->node) && !refcount_read(&u->refs) &&
	    !atomic_long_read(&u->bytes))
		kipc_user_free_locked(u);
	spin_unlock(&kipc_users_lock);
}

/* The owner of the outermost non-initial user namespace of @ns, if any. */
static bool kipc_outer_owner(struct user_namespace *ns, kuid_t *owner)
{
	if (ns == &init_user_ns)
		return false;
	while (ns->parent != &init_user_ns)
		ns = ns->parent;
	*owner = ns->owner;
	return true;
}

/**
 * kipc_charge_current() - the accounts the current task charges
 * @c:		output, with a reference on each account
 *
 * Return: 0 or -ENOMEM.
 */
int kipc_charge_current(struct kipc_charge *c)
{
	kuid_t euid = current_euid(), owner;

	*c = (struct kipc_charge) { };
	c->acct[0] = kipc_user_get(euid);
	if (!c->acct[0])
		return -ENOMEM;
	if (kipc_outer_owner(current_user_ns(), &owner) &&
	    !uid_eq(owner, euid)) {
		c->acct[1] = kipc_user_get(owner);
		if (!c->acct[1]) {
			kipc_charge_release(c);
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * kipc_charge_matches() - does @c hold the current task's accounts
 * @c:		accounts from kipc_charge_current()
 *
 * Return: true if a charge of the current task would go to @c.
 */
static bool kipc_charge_matches(const struct kipc_charge *c)
{
	kuid_t euid = current_euid(), owner;

	if (!c->acct[0] || !uid_eq(c->acct[0]->uid, euid))
		return false;
	if (!kipc_outer_owner(current_user_ns(), &owner) ||
	    uid_eq(owner, euid))
		return !c->acct[1];
	return c->acct[1] && uid_eq(c->acct[1]->uid, owner);
}

/**
 * kipc_charge_release() - drop the references of @c
 * @c:		accounts from kipc_charge_current()
 */
void kipc_charge_release(struct kipc_charge *c)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(c->acct); i++) {
		kipc_user_put(c->acct[i]);
		c->acct[i] = NULL;
	}
}

static atomic_t *kipc_user_count(struct kipc_user *u,
				 enum kipc_charge_kind kind)
{
	if (kind == KIPC_CHARGE_MBOX)
		return &u->nr_mboxes;
	if (kind == KIPC_CHARGE_RING)
		return &u->nr_rings;
	if (kind == KIPC_CHARGE_SYNC)
		return &u->nr_syncs;
	return NULL;
}

static unsigned int kipc_count_limit(enum kipc_charge_kind kind)
{
	if (kind == KIPC_CHARGE_MBOX)
		return READ_ONCE(kipc_user_mailboxes_max);
	if (kind == KIPC_CHARGE_SYNC)
		return READ_ONCE(kipc_user_syncs_max);
	return READ_ONCE(kipc_user_rings_max);
}

static void kipc_user_sub(struct kipc_user *u, enum kipc_charge_kind kind,
			  size_t bytes)
{
	atomic_t *count = kipc_user_count(u, kind);

	atomic_long_sub(bytes, &u->bytes);
	if (count)
		atomic_dec(count);
}

static int kipc_user_add(struct kipc_user *u, enum kipc_charge_kind kind,
			 size_t bytes)
{
	unsigned long limit = READ_ONCE(kipc_user_bytes_max);
	atomic_t *count = kipc_user_count(u, kind);
	unsigned int climit;

	if (count) {
		climit = kipc_count_limit(kind);
		if (atomic_inc_return(count) > climit && climit) {
			atomic_dec(count);
			return -EDQUOT;
		}
	}
	if (atomic_long_add_return(bytes, &u->bytes) > limit && limit) {
		atomic_long_sub(bytes, &u->bytes);
		if (count)
			atomic_dec(count);
		return -EDQUOT;
	}
	return 0;
}

/**
 * kipc_charge_add() - charge @bytes (and one object of @kind) to @c
 * @c:		the accounts
 * @kind:	what is charged
 * @bytes:	its footprint
 *
 * Return: 0 or -EDQUOT (nothing charged).
 */
int kipc_charge_add(const struct kipc_charge *c, enum kipc_charge_kind kind,
		    size_t bytes)
{
	int ret;

	ret = kipc_user_add(c->acct[0], kind, bytes);
	if (ret || !c->acct[1])
		return ret;
	ret = kipc_user_add(c->acct[1], kind, bytes);
	if (ret)
		kipc_user_sub(c->acct[0], kind, bytes);
	return ret;
}

/**
 * kipc_charge_sub() - undo a kipc_charge_add()
 * @c:		the same accounts
 * @kind:	the same kind
 * @bytes:	the same bytes
 */
void kipc_charge_sub(const struct kipc_charge *c, enum kipc_charge_kind kind,
		     size_t bytes)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(c->acct); i++)
		if (c->acct[i])
			kipc_user_sub(c->acct[i], kind, bytes);
}

/* @ep caches @fresh (taking over its references) in place of the last. */
static void kipc_ep_cache(struct kipc_endpoint *ep,
			  const struct kipc_charge *fresh)
{
	struct kipc_charge old;

	spin_lock(&ep->charge_lock);
	old = ep->charge;
	ep->charge = *fresh;
	spin_unlock(&ep->charge_lock);
	kipc_charge_release(&old);
}

/**
 * kipc_ep_charge_msg() - charge a message's (or a call's) bytes through @ep
 * @ep:		the sending endpoint, which caches the last sender's accounts
 * @c:		output: the accounts charged, without references (the
 *		bytes keep them; release with kipc_msg_uncharge())
 * @bytes:	the footprint of the message or transaction
 *
 * A stream of sends from one task finds the accounts cached, without a
 * lookup or an allocation.
 *
 * The bytes are added while the endpoint's cache holds its references, so
 * the accounts cannot go in between.
 *
 * Return: 0, -ENOMEM or -EDQUOT (nothing charged).
 */
int kipc_ep_charge_msg(struct kipc_endpoint *ep, struct kipc_charge *c,
		       size_t bytes)
{
	struct kipc_charge fresh;
	int ret;

	spin_lock(&ep->charge_lock);
	if (kipc_charge_matches(&ep->charge)) {
		ret = kipc_charge_add(&ep->charge, KIPC_CHARGE_BYTES, bytes);
		if (!ret)
			*c = ep->charge;
		spin_unlock(&ep->charge_lock);
		return ret;
	}
	spin_unlock(&ep->charge_lock);
	ret = kipc_charge_current(&fresh);
	if (ret)
		return ret;
	ret = kipc_charge_add(&fresh, KIPC_CHARGE_BYTES, bytes);
	if (ret) {
		kipc_charge_release(&fresh);
		return ret;
	}
	/* Charged under our references: the bytes hold the accounts now. */
	*c = fresh;
	kipc_ep_cache(ep, &fresh);
	return 0;
}

/**
 * kipc_msg_uncharge() - undo kipc_ep_charge_msg()
 * @c:		the accounts it charged
 * @bytes:	the same bytes
 *
 * An account left with no bytes and no reference is reaped.
 */
void kipc_msg_uncharge(const struct kipc_charge *c, size_t bytes)
{
	struct kipc_user *u;
	int i;

	/* A racing put may free an account once its bytes are gone. */
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(c->acct); i++) {
		u = c->acct[i];
		if (u && !atomic_long_sub_return(bytes, &u->bytes) &&
		    !refcount_read(&u->refs))
			kipc_user_reap(u);
	}
	rcu_read_unlock();
}

/**
 * kipc_users_exit() - check that every account was released
 *
 * Called at module exit, when nothing charged can exist any more.
 */
void kipc_users_exit(void)
{
	WARN_ON(!hash_empty(kipc_users));
}

/**
 * kipc_ioc_usage() - KIPC_IOC_USAGE
 * @ctx:	endpoint or mailbox fd
 * @arg:	struct kipc_usage
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_usage(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_usage *karg = arg;
	kuid_t euid = current_euid();
	struct kipc_user *u;

	if (karg->flags || karg->reserved)
		return -EINVAL;
	u = kipc_user_get(euid);
	if (!u)
		return -ENOMEM;
	*karg = (struct kipc_usage) {
		.size = karg->size,
		.uid = from_kuid_munged(current_user_ns(), euid),
		.bytes = atomic_long_read(&u->bytes),
		.bytes_max = READ_ONCE(kipc_user_bytes_max),
		.mailboxes = atomic_read(&u->nr_mboxes),
		.mailboxes_max = READ_ONCE(kipc_user_mailboxes_max),
		.rings = atomic_read(&u->nr_rings),
		.rings_max = READ_ONCE(kipc_user_rings_max),
		.syncs = atomic_read(&u->nr_syncs),
		.syncs_max = READ_ONCE(kipc_user_syncs_max),
	};
	kipc_user_put(u);
	return kipc_copy_out(ctx, karg);
}
