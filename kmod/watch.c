// SPDX-License-Identifier: GPL-2.0
/*
 * Learning that a process has exited, for what a process holds: the
 * owner of a mutex, the undo of a semaphore.
 *
 * A watch is an entry on the wait queue of the process's struct pid that
 * pidfds poll (pid->wait_pidfd): the kernel wakes it when the whole
 * thread group has exited, whatever killed it, before the parent reaps
 * it. The wake-up comes with the exit path's locks held, so it only
 * queues a work item; the work item takes the object's lock and calls the
 * object's callback, which checks kipc_pid_exited() itself (the queue may
 * be woken for other reasons, and the watch may have moved on).
 *
 * A pending work item holds a reference on the object; a watch is
 * disarmed before its object is freed, so no wake-up can find freed
 * memory. A callback that frees its own watch disarms it with
 * kipc_watch_disarm_self(): a wake-up that came after the work item began
 * to run has queued it again.
 */
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/workqueue.h>
#include "kipc_internal.h"

static struct workqueue_struct *kipc_watch_wq;

/**
 * kipc_pid_exited() - has this thread group exited
 * @pid:	a thread-group id (reference held)
 *
 * True once every thread has exited (zombie or reaped), as pidfd poll
 * reports it.
 *
 * Return: true if the process is gone.
 */
bool kipc_pid_exited(struct pid *pid)
{
	struct task_struct *task;
	bool exited;

	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_TGID);
	exited = !task || (READ_ONCE(task->exit_state) &&
			   thread_group_empty(task));
	rcu_read_unlock();
	return exited;
}

static int kipc_watch_wake(wait_queue_entry_t *wqe, unsigned int mode,
			   int sync, void *key)
{
	struct kipc_watch *w = container_of(wqe, struct kipc_watch, wqe);

	/* A zero count: the object is being freed and disarms us. */
	if (!refcount_inc_not_zero(&w->obj->ref))
		return 0;
	/* Already pending: that one holds a reference, drop ours. */
	if (!queue_work(kipc_watch_wq, &w->work))
		refcount_dec(&w->obj->ref);
	return 0;
}

static void kipc_watch_work(struct work_struct *work)
{
	struct kipc_watch *w = container_of(work, struct kipc_watch, work);
	struct kipc_obj *obj = w->obj;

	/* @fn may free the watch. */
	w->fn(w);
	kipc_obj_put(obj);
}

/**
 * kipc_watch_init() - prepare a watch
 * @w:		the watch
 * @obj:	the object it is part of
 * @fn:		what to call after a watched process exited
 */
void kipc_watch_init(struct kipc_watch *w, struct kipc_obj *obj,
		     void (*fn)(struct kipc_watch *w))
{
	init_waitqueue_func_entry(&w->wqe, kipc_watch_wake);
	INIT_WORK(&w->work, kipc_watch_work);
	w->pid = NULL;
	w->obj = obj;
	w->fn = fn;
}

/**
 * kipc_watch_arm() - watch a process
 * @w:		a disarmed watch
 * @pid:	the thread group (a reference is taken)
 *
 * Context: under the lock of @w's object. If the process has exited
 * already, @fn runs soon all the same.
 */
void kipc_watch_arm(struct kipc_watch *w, struct pid *pid)
{
	w->pid = get_pid(pid);
	add_wait_queue(&pid->wait_pidfd, &w->wqe);
	/* It may have exited before we were on the queue. */
	if (kipc_pid_exited(pid))
		kipc_watch_wake(&w->wqe, TASK_NORMAL, 0, NULL);
}

/**
 * kipc_watch_disarm() - stop watching
 * @w:		the watch; disarmed already is fine
 *
 * Context: under the lock of @w's object, or when nothing else can reach
 * the object. A work item already queued still runs @fn.
 */
void kipc_watch_disarm(struct kipc_watch *w)
{
	if (!w->pid)
		return;
	remove_wait_queue(&w->pid->wait_pidfd, &w->wqe);
	put_pid(w->pid);
	w->pid = NULL;
}

/**
 * kipc_watch_disarm_self() - stop watching, from the watch's own callback,
 *	before the callback frees it
 * @w:		the watch
 *
 * Once it is off the wait queue no wake-up can queue the work item; one
 * that came while the callback ran has, and is taken back here with the
 * object reference it held (the running callback holds another).
 *
 * Context: under the lock of @w's object.
 */
void kipc_watch_disarm_self(struct kipc_watch *w)
{
	kipc_watch_disarm(w);
	if (cancel_work(&w->work))
		refcount_dec(&w->obj->ref);
}

/**
 * kipc_watch_wq_init() - create the work queue of the callbacks
 *
 * Return: 0 or -ENOMEM.
 */
int __init kipc_watch_wq_init(void)
{
	kipc_watch_wq = alloc_workqueue("kipc_watch", 0, 0);
	return kipc_watch_wq ? 0 : -ENOMEM;
}

/**
 * kipc_watch_wq_flush() - wait for the callbacks queued so far
 */
void kipc_watch_wq_flush(void)
{
	flush_workqueue(kipc_watch_wq);
}

/**
 * kipc_watch_wq_exit() - destroy the work queue at module exit
 */
void kipc_watch_wq_exit(void)
{
	destroy_workqueue(kipc_watch_wq);
}
