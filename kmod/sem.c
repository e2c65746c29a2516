// SPDX-License-Identifier: GPL-2.0
/*
 * kipc semaphores: a count that any process with write permission posts
 * and any with read permission waits on, served in arrival order.
 *
 * Fairness: waiters form one FIFO. A wait is granted at once only if the
 * queue is empty and the value covers it; a post grants from the head of
 * the queue while the head's request fits and stops at the first that
 * does not. A large request at the head thus holds back the small ones
 * behind it until enough units have been posted, and is never starved by
 * them. Each waiter sleeps on a wait queue of its own, so a post wakes
 * exactly the waiters it served.
 *
 * Undo: a process that waits or posts with KIPC_SEM_UNDO gets one record
 * per semaphore, holding what it owes; a watch (watch.c) on the process
 * gives that back when it exits.
 */
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "kipc_internal.h"

/**
 * struct kipc_sem - a semaphore
 * @obj:	object header (type KIPC_TYPE_SEM)
 * @lock:	protects every field below except @poll_wq; never held
 *		across a user copy or a sleep
 * @value:	0 .. @max
 * @max:	immutable
 * @dead:	0, or -EIDRM once deleted
 * @waiters:	struct kipc_sem_waiter, in arrival order
 * @nr_waiters:	length of @waiters
 * @undos:	struct kipc_sem_undo of the processes that owe units
 * @poll_wq:	pollers: woken when a wait or a post may succeed now, and at
 *		deletion
 */
struct kipc_sem {
	struct kipc_obj obj;
	spinlock_t lock;	/* see @lock above */
	u32 value;
	u32 max;
	int dead;
	struct list_head waiters;
	u32 nr_waiters;
	struct list_head undos;
	wait_queue_head_t poll_wq;
};

/**
 * struct kipc_sem_waiter - a task blocked in SEM_WAIT; on its stack
 * @node:	in kipc_sem.waiters while queued
 * @n:		units wanted
 * @wq:		the task sleeps here
 * @result:	0 while queued; 1 once granted (dequeued), or -EIDRM
 */
struct kipc_sem_waiter {
	struct list_head node;
	u32 n;
	wait_queue_head_t wq;
	int result;
};

/**
 * struct kipc_sem_undo - what one process owes a semaphore
 * @node:	in kipc_sem.undos, under its lock
 * @watch:	on the process
 * @adj:	units to give back at exit (negative: to take), under the lock
 */
struct kipc_sem_undo {
	struct list_head node;
	struct kipc_watch watch;
	s64 adj;
};

/* kipc_obj_put() frees the object through its header. */
static_assert(offsetof(struct kipc_sem, obj) == 0);

static struct kipc_sem *kipc_obj_sem(struct kipc_obj *obj)
{
	return container_of(obj, struct kipc_sem, obj);
}

/* Grant from the head of the queue while the head fits. */
static void kipc_sem_grant(struct kipc_sem *s)
{
	struct kipc_sem_waiter *w, *tmp;

	lockdep_assert_held(&s->lock);
	list_for_each_entry_safe(w, tmp, &s->waiters, node) {
		if (w->n > s->value)
			break;
		s->value -= w->n;
		list_del(&w->node);
		s->nr_waiters--;
		w->result = 1;
		wake_up(&w->wq);
	}
	if ((s->value && list_empty(&s->waiters)) || s->value < s->max)
		wake_up_interruptible_all(&s->poll_wq);
}

/* The owing process exited: settle its debt. */
static void kipc_sem_undo_exit(struct kipc_watch *watch)
{
	struct kipc_sem_undo *u = container_of(watch, struct kipc_sem_undo,
					       watch);
	struct kipc_sem *s = kipc_obj_sem(watch->obj);
	s64 v;

	spin_lock(&s->lock);
	if (!u->watch.pid || !kipc_pid_exited(u->watch.pid)) {
		spin_unlock(&s->lock);
		return;
	}
	v = clamp_t(s64, (s64)s->value + u->adj, 0, s->max);
	s->value = v;
	list_del(&u->node);
	/* @u is freed below: no work item of its may stay queued. */
	kipc_watch_disarm_self(&u->watch);
	if (!s->dead)
		kipc_sem_grant(s);
	spin_unlock(&s->lock);
	kfree(u);
}

/* The current process's record, or @fresh made it; under the lock. */
static struct kipc_sem_undo *kipc_sem_undo_find(struct kipc_sem *s,
						struct kipc_sem_undo **fresh)
{
	struct pid *me = task_tgid(current);
	struct kipc_sem_undo *u;

	lockdep_assert_held(&s->lock);
	list_for_each_entry(u, &s->undos, node)
		if (u->watch.pid == me)
			return u;
	u = *fresh;
	*fresh = NULL;
	list_add(&u->node, &s->undos);
	kipc_watch_arm(&u->watch, me);
	return u;
}

static struct kipc_sem_undo *kipc_sem_undo_alloc(struct kipc_sem *s, u32 flags)
{
	struct kipc_sem_undo *u;

	if (!(flags & KIPC_SEM_UNDO))
		return NULL;
	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (u)
		kipc_watch_init(&u->watch, &s->obj, kipc_sem_undo_exit);
	return u;
}

static void kipc_sem_kill(struct kipc_obj *obj)
{
	struct kipc_sem *s = kipc_obj_sem(obj);
	struct kipc_sem_waiter *w, *tmp;

	spin_lock(&s->lock);
	s->dead = -EIDRM;
	list_for_each_entry_safe(w, tmp, &s->waiters, node) {
		list_del(&w->node);
		w->result = -EIDRM;
		wake_up(&w->wq);
	}
	s->nr_waiters = 0;
	spin_unlock(&s->lock);
	wake_up_interruptible_all(&s->poll_wq);
}

static void kipc_sem_free(struct kipc_obj *obj)
{
	struct kipc_sem *s = kipc_obj_sem(obj);
	struct kipc_sem_undo *u, *tmp;

	/* Nothing reaches the semaphore now: no lock needed. */
	list_for_each_entry_safe(u, tmp, &s->undos, node) {
		kipc_watch_disarm(&u->watch);
		kfree(u);
	}
}

static void kipc_sem_info(struct kipc_obj *obj, struct kipc_info *info)
{
	struct kipc_sem *s = kipc_obj_sem(obj);

	spin_lock(&s->lock);
	info->depth = s->value;
	info->max_msgs = s->max;
	info->nr_receivers = s->nr_waiters;
	spin_unlock(&s->lock);
}

static __poll_t kipc_sem_poll(struct kipc_obj *obj, struct file *file,
			      struct poll_table_struct *pt)
{
	struct kipc_sem *s = kipc_obj_sem(obj);
	__poll_t mask = 0;

	poll_wait(file, &s->poll_wq, pt);
	spin_lock(&s->lock);
	if (s->dead) {
		mask = EPOLLHUP | EPOLLERR;
	} else {
		if (s->value && list_empty(&s->waiters))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (s->value < s->max)
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	spin_unlock(&s->lock);
	return mask;
}

static const struct kipc_obj_ops kipc_sem_ops = {
	.type = KIPC_TYPE_SEM,
	.fd_name = "[kipc-sem]",
	.kill = kipc_sem_kill,
	.free = kipc_sem_free,
	.info = kipc_sem_info,
	.poll = kipc_sem_poll,
};

/**
 * kipc_ioc_sem_create() - KIPC_IOC_SEM_CREATE
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_sem_create
 *
 * Return: the new semaphore fd or a negative errno as documented in the
 * uapi header.
 */
int kipc_ioc_sem_create(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_sem_create *karg = arg;
	u32 max = karg->max ? karg->max : KIPC_SEM_VALUE_MAX;
	struct kipc_sem *s;
	int ret;

	if (karg->flags || karg->reserved || (karg->mode & ~0777))
		return -EINVAL;
	if (max > KIPC_SEM_VALUE_MAX || karg->value > max)
		return -EINVAL;

	s = kzalloc(sizeof(*s), KIPC_GFP_HELD);
	if (!s)
		return -ENOMEM;
	ret = kipc_obj_init(&s->obj, &kipc_sem_ops, kipc_ctx_ns(ctx),
			    karg->name, karg->mode, ctx->ep->obj.id);
	if (ret) {
		kfree(s);
		return ret;
	}
	spin_lock_init(&s->lock);
	s->value = karg->value;
	s->max = max;
	INIT_LIST_HEAD(&s->waiters);
	INIT_LIST_HEAD(&s->undos);
	init_waitqueue_head(&s->poll_wq);
	ret = kipc_obj_charge(&s->obj, KIPC_CHARGE_SYNC,
			      kmalloc_size_roundup(sizeof(*s)));
	if (!ret)
		ret = kipc_obj_register(&s->obj);
	if (ret) {
		kipc_obj_put(&s->obj);
		return ret;
	}
	karg->id = s->obj.id;
	/* One reference for the fd, and ours: it may be deleted any time. */
	kipc_obj_get(&s->obj);
	ret = kipc_objfd_install(ctx, &s->obj, karg);
	if (ret < 0)
		kipc_obj_delete(&s->obj, false);
	kipc_obj_put(&s->obj);
	return ret;
}

/**
 * kipc_ioc_sem_open() - KIPC_IOC_SEM_OPEN
 * @ctx:	an endpoint fd
 * @arg:	struct kipc_mbox_ref
 *
 * Return: the new semaphore fd or a negative errno.
 */
int kipc_ioc_sem_open(struct kipc_ctx *ctx, void *arg)
{
	return kipc_objfd_open(ctx, KIPC_TYPE_SEM, arg);
}

/**
 * kipc_ioc_sem_delete() - KIPC_IOC_SEM_DELETE
 * @ctx:	an endpoint or semaphore fd
 * @arg:	struct kipc_mbox_ref
 *
 * Return: 0 or a negative errno.
 */
int kipc_ioc_sem_delete(struct kipc_ctx *ctx, void *arg)
{
	return kipc_objfd_delete(ctx, KIPC_TYPE_SEM, arg);
}

static int kipc_sem_waiter_ready(void *arg)
{
	return ((struct kipc_sem_waiter *)arg)->result;
}

/**
 * kipc_ioc_sem_wait() - KIPC_IOC_SEM_WAIT
 * @ctx:	a semaphore fd
 * @arg:	struct kipc_sem_op
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_sem_wait(struct kipc_ctx *ctx, void *arg)
{
	const u32 known = KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME |
			  KIPC_SEM_UNDO;
	struct kipc_sem *s = kipc_obj_sem(ctx->obj);
	struct kipc_sem_op *karg = arg;
	struct kipc_sem_waiter w = { .n = karg->n };
	struct kipc_sem_undo *fresh;
	struct kipc_deadline dl;
	int ret;

	if ((karg->flags & ~known) || !karg->n || karg->n > s->max)
		return -EINVAL;
	ret = kipc_ctx_deadline(ctx, &dl, karg->flags, &karg->timeout);
	if (ret)
		return ret;
	ret = kipc_perm_check(&s->obj, MAY_READ);
	if (ret)
		return ret;
	fresh = kipc_sem_undo_alloc(s, karg->flags);
	if ((karg->flags & KIPC_SEM_UNDO) && !fresh)
		return -ENOMEM;
	init_waitqueue_head(&w.wq);

	spin_lock(&s->lock);
	if (s->dead) {
		ret = s->dead;
	} else if (list_empty(&s->waiters) && s->value >= w.n) {
		s->value -= w.n;
		ret = 1;
	} else {
		list_add_tail(&w.node, &s->waiters);
		s->nr_waiters++;
		do {
			ret = kipc_wait_locked(&w.wq, &s->lock, &dl,
					       kipc_sem_waiter_ready, &w);
		} while (!ret);
		if (!w.result) {
			/* Gave up: the ones behind us may fit now. */
			list_del(&w.node);
			s->nr_waiters--;
			kipc_sem_grant(s);
		}
	}
	if (ret > 0) {
		if (karg->flags & KIPC_SEM_UNDO)
			kipc_sem_undo_find(s, &fresh)->adj += w.n;
		karg->value = s->value;
	}
	spin_unlock(&s->lock);
	kfree(fresh);

	if (ret > 0)
		return kipc_copy_out(ctx, karg);
	return kipc_interrupted(ctx, ret, &dl,
				offsetof(struct kipc_sem_op, timeout));
}

/**
 * kipc_ioc_sem_post() - KIPC_IOC_SEM_POST
 * @ctx:	a semaphore fd
 * @arg:	struct kipc_sem_op
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int kipc_ioc_sem_post(struct kipc_ctx *ctx, void *arg)
{
	struct kipc_sem *s = kipc_obj_sem(ctx->obj);
	struct kipc_sem_op *karg = arg;
	struct kipc_sem_undo *fresh;
	int ret;

	if ((karg->flags & ~KIPC_SEM_UNDO) || !karg->n || karg->n > s->max)
		return -EINVAL;
	ret = kipc_perm_check(&s->obj, MAY_WRITE);
	if (ret)
		return ret;
	fresh = kipc_sem_undo_alloc(s, karg->flags);
	if ((karg->flags & KIPC_SEM_UNDO) && !fresh)
		return -ENOMEM;

	spin_lock(&s->lock);
	if (s->dead) {
		ret = s->dead;
	} else if (karg->n > s->max - s->value) {
		ret = -EOVERFLOW;
	} else {
		s->value += karg->n;
		if (karg->flags & KIPC_SEM_UNDO)
			kipc_sem_undo_find(s, &fresh)->adj -= karg->n;
		kipc_sem_grant(s);
		karg->value = s->value;
	}
	spin_unlock(&s->lock);
	kfree(fresh);
	return ret ? ret : kipc_copy_out(ctx, karg);
}
