// SPDX-License-Identifier: GPL-2.0
/*
 * kipc mutexes: owned, robust, handed over in FIFO order, and refusing
 * waits that would deadlock.
 *
 * The owner is a process (thread group), not a thread: kipc mutexes guard
 * what processes share, any thread of the owner may unlock, and the owner
 * dies when the process does. A watch (watch.c) on the owner hands the
 * mutex to the next waiter with EOWNERDEAD when it exits holding it;
 * a locker that finds the owner gone does the same itself, so the hand-off
 * never waits for the work item.
 *
 * Hand-off: unlock gives the mutex to the first waiter, which wakes as
 * the owner; a new locker never takes it ahead of a waiter (no barging),
 * so each waiter waits for at most the holders queued before it.
 *
 * Deadlock detection walks the wait-for graph: mutex -> owner process ->
 * mutexes that process's threads wait for -> their owners, and so on. If
 * the walk reaches the caller's process, waiting would close a cycle and
 * the lock fails with -EDEADLK. As the rt-mutex chain walk does, it is
 * bounded: after KIPC_MUTEX_CHAIN_MAX owners it gives up and reports
 * -EDEADLK too. The walk reads the owner and waiters of several mutexes
 * at once, so all mutex state is under one lock, kipc_mutex_lock: a lock
 * or unlock holds it for a few list operations, never across a sleep or a
 * user copy. Per-mutex locks would need rt-mutex's hand-over-hand walk
 * with its retries; kipc mutexes are not a hot path that needs that.
 *
 * Priority inheritance is not offered: the owner is a process, whose
 * threads have no single priority to boost.
 */
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "kipc_internal.h"

/* Protects every field of every kipc mutex marked so, and kipc_mutex_blocked. */
static DEFINE_SPINLOCK(kipc_mutex_lock);

/* The waiters of all mutexes, hashed by their process, for the chain walk. */
static DEFINE_HASHTABLE(kipc_mutex_blocked, 6);

/* struct kipc_mutex.state */
enum kipc_mutex_state {
	KIPC_MUTEX_OK,
	KIPC_MUTEX_OWNER_DIED,		/* held with EOWNERDEAD, not consistent */
	KIPC_MUTEX_UNRECOVERABLE,
};

/**
 * struct kipc_mutex - a mutex; the fields below @obj are under
 *	kipc_mutex_lock except @poll_wq
 * @obj:	object header (type KIPC_TYPE_MUTEX)
 * @recursive:	KIPC_MUTEX_RECURSIVE; immutable
 * @owner:	owning thread group (reference held by @watch), or NULL
 * @count:	times @owner holds it
 * @state:	enum kipc_mutex_state
 * @dead:	0, or -EIDRM once deleted
 * @waiters:	struct kipc_mutex_waiter, in arrival order
 * @nr_waiters:	length of @waiters
 * @watch:	on @owner
 * @poll_wq:	pollers: woken when the mutex is free and at deletion
 */
struct kipc_mutex {
	struct kipc_obj obj;
	bool recursive;
	struct pid *owner;
	u32 count;
	enum kipc_mutex_state state;
	int dead;
	struct list_head waiters;
	u32 nr_waiters;
	struct kipc_watch watch;
	wait_queue_head_t poll_wq;
};

/**
 * struct kipc_mutex_waiter - a task blocked in MUTEX_LOCK; on its stack
 * @node:	in kipc_mutex.waiters while queued
 * @blocked:	in kipc_mutex_blocked while queued
 * @m:		the mutex
 * @tgid:	the waiting process
 * @wq:		the task sleeps here
 * @result:	0 while queued; once dequeued 1 (owner), 2 (owner with
 *		EOWNERDEAD) or a negative errno
 */
struct kipc_mutex_waiter {
	struct list_head node;
	struct hlist_node blocked;
	struct kipc_mutex *m;
	struct pid *tgid;
	wait_queue_head_t wq;
	int result;
};

/* kipc_obj_put() frees the object through its header. */
static_assert(offsetof(struct kipc_mutex, obj) == 0);

static struct kipc_mutex *kipc_obj_mutex(struct kipc_obj *obj)
{
	return container_of(obj, struct kipc_mutex, obj);
}

static void kipc_mutex_dequeue(struct kipc_mutex_waiter *w, int result)
{
	list_del(&w->node);
	hash_del(&w->blocked);
	w->m->nr_waiters--;
	w->result = result;
	wake_up(&w->wq);
}

static void kipc_mutex_set_owner(struct kipc_mutex *m, struct pid *owner)
{
	lockdep_assert_held(&kipc_mutex_lock);
	kipc_watch_disarm(&m->watch);
	m->owner = owner;
	m->count = owner ? 1 : 0;
	if (owner)
		kipc_watch_arm(&m->watch, owner);
}

/*
 * The owner let go (unlock or death): give the mutex to the first waiter,
 * or fail them all if it can never be had again.
 */
static void kipc_mutex_handoff(struct kipc_mutex *m)
{
	struct kipc_mutex_waiter *w, *tmp;

	lockdep_assert_held(&kipc_mutex_lock);
	if (m->state == KIPC_MUTEX_UNRECOVERABLE) {
		kipc_mutex_set_owner(m, NULL);
		list_for_each_entry_safe(w, tmp, &m->waiters, node)
			kipc_mutex_dequeue(w, -ENOTRECOVERABLE);
	} else {
		w = list_first_entry_or_null(&m->waiters,
					     struct kipc_mutex_waiter, node);
		kipc_mutex_set_owner(m, w ? w->tgid : NULL);
		if (w)
			kipc_mutex_dequeue(w, m->state == KIPC_MUTEX_OWNER_DIED ?
					   2 : 1);
	}
	if (!m->owner)
		wake_up_interruptible_all(&m->poll_wq);
}

/* If the owner has exited, hand the mutex on as robust mutexes do. */
static void kipc_mutex_reap(struct kipc_mutex *m)
{
	lockdep_assert_held(&kipc_mutex_lock);
	if (!m->owner || m->dead || !kipc_pid_exited(m->owner))
		return;
	if (m->state == KIPC_MUTEX_OK)
		m->state = KIPC_MUTEX_OWNER_DIED;
	kipc_mutex_handoff(m);
}

static void kipc_mutex_owner_exit(struct kipc_watch *watch)
{
	spin_lock(&kipc_mutex_lock);
	kipc_mutex_reap(kipc_obj_mutex(watch->obj));
	spin_unlock(&kipc_mutex_lock);
}

/*
 * Would @me waiting for @m close a cycle? Depth-first over the owners @m
 * leads to; bounded by KIPC_MUTEX_CHAIN_MAX owners visited.
 */
static bool kipc_mutex_would_deadlock(struct kipc_mutex *m, struct pid *me)
{
	struct pid *stack[KIPC_MUTEX_CHAIN_MAX];
	struct kipc_mutex_waiter *w;
	unsigned int top = 0, seen = 0;
	struct pid *p;

	lockdep_assert_held(&kipc_mutex_lock);
	stack[top++] = m->owner;
	while (top) {
		p = stack[--top];
		if (p == me || ++seen > KIPC_MUTEX_CHAIN_MAX)
			return true;
		hash_for_each_possible(kipc_mutex_blocked, w, blocked,
				       (unsigned long)p) {
			if (w->tgid != p || !w->m->owner)
				continue;
			if (top == KIPC_MUTEX_CHAIN_MAX)
				return true;
			stack[top++] = w->m->owner;
		}
	}
	return false;
}

static void kipc_mutex_kill(struct kipc_obj *obj)
{
	struct kipc_mutex *m = kipc_obj_mutex(obj);
	struct kipc_mutex_waiter *w, *tmp;

	spin_lock(&kipc_mutex_lock);
	m->dead = -EIDRM;
	list_for_each_entry_safe(w, tmp, &m->waiters, node)
		kipc_mutex_dequeue(w, -EIDRM);
	kipc_mutex_set_owner(m, NULL);
	spin_unlock(&kipc_mutex_lock);
	wake_up_interruptible_all(&m->poll_wq);
}

static void kipc_mutex_free(struct kipc_obj *obj)
{
	/* Nothing reaches the mutex now; kill() disarmed it already. */
	kipc_watch_disarm(&kipc_obj_mutex(obj)->watch);
}

static void kipc_mutex_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct kipc_mutex *m = kipc_obj_mutex(obj);
	struct pid *owner;

	spin_lock(&kipc_mutex_lock);
	kipc_mutex_reap(m);
	owner = get_pid(m->owner);
	info->depth = m->count;
	info->nr_receivers = m->nr_waiters;
	if (m->recursive)
		info->flags |= KIPC_INFO_RECURSIVE;
	if (m->state == KIPC_MUTEX_OWNER_DIED)
		info->flags |= KIPC_INFO_OWNER_DIED;
	else if (m->state == KIPC_MUTEX_UNRECOVERABLE)
		info->flags |= KIPC_INFO_NOTRECOVERABLE;
	spin_unlock(&kipc_mutex_lock);
	if (owner)
		info->pid = pid_vnr(owner);
	put_pid(owner);
}

static __poll_t kipc_mutex_poll(struct kipc_obj *obj, struct file *file,
				struct poll_table_struct *pt)
{
	struct kipc_mutex *m = kipc_obj_mutex(obj);
	__poll_t mask = 0;

	poll_wait(file, &m->poll_wq, pt);
	spin_lock(&kipc_mutex_lock);
	kipc_mutex_reap(m);
	if (m->dead)
		mask = EPOLLHUP | EPOLLERR;
	else if (!m->owner && m->state != KIPC_MUTEX_UNRECOVERABLE)
		mask = EPOLLIN | EPOLLRDNORM;
	spin_unlock(&kipc_mutex_lock);
	return mask;
}

static const struct kipc_obj_ops kipc_mutex_ops = {
	.type = KIPC_TYPE_MUTEX,
	.fd_name = "[kipc-mutex]",
	.kill = kipc_mutex_kill,
	.free = kipc_mutex_free,
	.info = kipc_mutex_info,
	.poll = kipc_mutex_poll,
};

/**
 * kipc_ioc_mutex_create() - KIPC_IOC_MUTEX_CREATE
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_mutex_create
 *
 * Return: the new mutex fd or a negative errno as documented in the uapi
 * header.
 */
int kipc_ioc_mutex_create(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_mutex_create *karg = arg;
	struct kipc_mutex *m;
	int ret;

	if ((karg->flags & ~KIPC_MUTEX_RECURSIVE) || karg->reserved ||
	    (karg->mode & ~0777))
		return -EINVAL;

	m = kzalloc(sizeof(*m), KIPC_GFP_HELD);
	if (!m)
		return -ENOMEM;
	ret = kipc_obj_init(&m->obj, &kipc_mutex_ops, kipc_ctx_ns(ctx),
			    karg->name, karg->mode, ctx->ep->obj.id);
	if (ret) {
		kfree(m);
		return ret;
	}
	m->recursive = karg->flags & KIPC_MUTEX_RECURSIVE;
	INIT_LIST_HEAD(&m->waiters);
	kipc_watch_init(&m->watch, &m->obj, kipc_mutex_owner_exit);
	init_waitqueue_head(&m->poll_wq);
	ret = kipc_obj_charge(&m->obj, KIPC_CHARGE_SYNC,
			      kmalloc_size_roundup(sizeof(*m)));
	if (!ret)
		ret = kipc_obj_register(&m->obj);
	if (ret) {
		kipc_obj_put(&m->obj);
		return ret;
	}
	karg->id = m->obj.id;
	/* One reference for the fd, and ours: it may be deleted any time. */
	kipc_obj_get(&m->obj);
	ret = kipc_objfd_install(ctx, &m->obj, karg);
	if (ret < 0)
		kipc_obj_delete(&m->obj, false);
	kipc_obj_put(&m->obj);
	return ret;
}

/**
 * kipc_ioc_mutex_open() - KIPC_IOC_MUTEX_OPEN
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_mbox_ref
 *
 * Return: the new mutex fd or a negative errno.
 */
int kipc_ioc_mutex_open(struct kipc_ctx *ctx, void *arg)
{
	return kipc_objfd_open(ctx, KIPC_TYPE_MUTEX, arg);
}

/**
 * kipc_ioc_mutex_delete() - KIPC_IOC_MUTEX_DELETE
 * @ctx:	an endpoint or mutex fd
 * @arg:	struct kipc_mbox_ref
 *
 * Return: 0 or a negative errno.
 */
int kipc_ioc_mutex_delete(struct kipc_ctx *ctx, void *arg)
{
	return kipc_objfd_delete(ctx, KIPC_TYPE_MUTEX, arg);
}

static int kipc_mutex_waiter_ready(void *arg)
{
	return ((struct kipc_mutex_waiter *)arg)->result;
}

/* Lock @m for @me, or say why not; under kipc_mutex_lock. */
static int kipc_mutex_trylock(struct kipc_mutex *m, struct pid *me)
{
	lockdep_assert_held(&kipc_mutex_lock);
	kipc_mutex_reap(m);
	if (m->dead)
		return m->dead;
	if (m->state == KIPC_MUTEX_UNRECOVERABLE)
		return -ENOTRECOVERABLE;
	if (m->owner == me) {
		if (!m->recursive)
			return -EDEADLK;
		if (m->count == U32_MAX)
			return -EOVERFLOW;
		m->count++;
		return 1;
	}
	if (m->owner)
		return 0;
	/* Unowned means no waiters: hand-off leaves none behind. */
	kipc_mutex_set_owner(m, me);
	return m->state == KIPC_MUTEX_OWNER_DIED ? 2 : 1;
}

/**
 * kipc_ioc_mutex_lock() - KIPC_IOC_MUTEX_LOCK
 * @ctx:	a mutex fd
 * @arg:	struct kipc_mutex_lock
 *
 * Return: 0, -EOWNERDEAD (locked) or a negative errno as documented in
 * the uapi header.
 */
int kipc_ioc_mutex_lock(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_mutex *m = kipc_obj_mutex(ctx->obj);
	struct kipc_mutex_lock *karg = arg;
	struct kipc_mutex_waiter w = {
		.m = m,
		.tgid = task_tgid(current),
	};
	struct kipc_deadline dl;
	int ret;

	if ((karg->flags & ~(KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME)) ||
	    karg->reserved)
		return -EINVAL;
	ret = kipc_ctx_deadline(ctx, &dl, karg->flags, &karg->timeout);
	if (ret)
		return ret;
	ret = kipc_perm_check(&m->obj, MAY_WRITE);
	if (ret)
		return ret;
	init_waitqueue_head(&w.wq);

	spin_lock(&kipc_mutex_lock);
	ret = kipc_mutex_trylock(m, w.tgid);
	if (!ret && dl.nonblock) {
		ret = -EAGAIN;
	} else if (!ret && kipc_mutex_would_deadlock(m, w.tgid)) {
		ret = -EDEADLK;
	} else if (!ret) {
		list_add_tail(&w.node, &m->waiters);
		hash_add(kipc_mutex_blocked, &w.blocked,
			 (unsigned long)w.tgid);
		m->nr_waiters++;
		do {
			ret = kipc_wait_locked(&w.wq, &kipc_mutex_lock, &dl,
					       kipc_mutex_waiter_ready, &w);
		} while (!ret);
		if (!w.result) {
			list_del(&w.node);
			hash_del(&w.blocked);
			m->nr_waiters--;
		}
	}
	if (ret > 0)
		karg->count = m->count;
	spin_unlock(&kipc_mutex_lock);

	if (ret > 0) {
		/* Locked either way; the copy cannot undo that. */
		if (kipc_copy_out(ctx, karg))
			return -EFAULT;
		return ret == 2 ? -EOWNERDEAD : 0;
	}
	return kipc_interrupted(ctx, ret, &dl,
				offsetof(struct kipc_mutex_lock, timeout));
}

/**
 * kipc_ioc_mutex_unlock() - KIPC_IOC_MUTEX_UNLOCK
 * @ctx:	a mutex fd
 * @arg:	none
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_mutex_unlock(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_mutex *m = kipc_obj_mutex(ctx->obj);
	int ret = 0;

	spin_lock(&kipc_mutex_lock);
	if (m->dead) {
		ret = m->dead;
	} else if (m->owner != task_tgid(current)) {
		ret = -EPERM;
	} else if (!--m->count) {
		/* Left inconsistent: nobody may trust it again. */
		if (m->state == KIPC_MUTEX_OWNER_DIED)
			m->state = KIPC_MUTEX_UNRECOVERABLE;
		kipc_mutex_handoff(m);
	}
	spin_unlock(&kipc_mutex_lock);
	return ret;
}

/**
 * kipc_ioc_mutex_consistent() - KIPC_IOC_MUTEX_CONSISTENT
 * @ctx:	a mutex fd
 * @arg:	none
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_mutex_consistent(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_mutex *m = kipc_obj_mutex(ctx->obj);
	int ret = 0;

	spin_lock(&kipc_mutex_lock);
	if (m->dead)
		ret = m->dead;
	else if (m->owner != task_tgid(current))
		ret = -EPERM;
	else if (m->state != KIPC_MUTEX_OWNER_DIED)
		ret = -EINVAL;
	else
		m->state = KIPC_MUTEX_OK;
	spin_unlock(&kipc_mutex_lock);
	return ret;
}
