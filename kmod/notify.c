// SPDX-License-Identifier: GPL-2.0
/*
 * KIPC_IOC_NOTIFY: a signal to one process when a message arrives on an
 * empty queue, with mq_notify()'s rules.
 *
 * - Arming needs read permission on the queue (the signal tells of
 *   messages only a reader may take).
 * - The signal carries a real siginfo (SI_MESGQ, the sender's pid and uid
 *   seen from the armer's namespaces) and is sent only if the armer's own
 *   credentials, kept from when it armed, could signal the process now
 *   (as kill_pid_usb_asyncio() checks), never with kernel privilege.
 * - Nothing is delivered into a new program image: an execve() after
 *   arming (self_exec_id changes) leaves the registration dead, and
 *   another process may then take it over.
 * - The registration goes when its process closes any fd of the queue
 *   (flush), even while copies of the file live on elsewhere.
 * - Instead of a signal it may notify nobody (SIGEV_NONE: it only holds
 *   the slot) or add to an eventfd (a thread reading it runs SIGEV_THREAD
 *   callbacks), and with KIPC_NOTIFY_IDLE it stays quiet while a receiver
 *   waits, as mq_notify() does.
 *
 * The registration is read and changed under the queue lock; the signal
 * itself is sent after the lock is dropped, from a copy of it.
 */
#include <linux/cred.h>
#include <linux/eventfd.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/user_namespace.h>
#include "compat.h"
#include "kipc_internal.h"

/**
 * kipc_notify_clear() - release a registration's references
 * @reg:	a registration, or an empty one
 */
void kipc_notify_clear(struct kipc_notify_reg *reg)
{
	put_pid(reg->pid);
	if (reg->cred)
		put_cred(reg->cred);
	if (reg->efd)
		eventfd_ctx_put(reg->efd);
	memset(reg, 0, sizeof(*reg));
}

/* The armer's process, if it still runs the image that armed. */
static struct task_struct *kipc_notify_target(const struct kipc_notify_reg *reg)
{
	struct task_struct *t = pid_task(reg->pid, PIDTYPE_TGID);

	if (t && t->self_exec_id != reg->exec_id)
		return NULL;
	return t;
}

/* kill_as_cred_perm(): may @cred signal @t? Under rcu_read_lock(). */
static bool kipc_notify_may_signal(const struct cred *cred,
				   struct task_struct *t)
{
	const struct cred *pcred = __task_cred(t);

	return uid_eq(cred->euid, pcred->suid) ||
	       uid_eq(cred->euid, pcred->uid) ||
	       uid_eq(cred->uid, pcred->suid) ||
	       uid_eq(cred->uid, pcred->uid);
}

/**
 * kipc_notify_arm() - arm or disarm the arrival signal (KIPC_IOC_NOTIFY)
 * @q:		the queue
 * @file:	the fd it is armed through
 * @n:		request, already checked for reserved fields
 *
 * Return: 0, -EINVAL (bad signal or flags), -EACCES (no read permission),
 * -EBUSY (armed by another live process) or the queue's dead errno.
 */
int kipc_notify_arm(struct kipc_queue *q, struct file *file,
		    const struct kipc_notify *n)
{
	const u32 known = KIPC_NOTIFY_ONESHOT | KIPC_NOTIFY_IDLE |
			  KIPC_NOTIFY_NONE | KIPC_NOTIFY_EVENTFD;
	const u32 silent = KIPC_NOTIFY_NONE | KIPC_NOTIFY_EVENTFD;
	struct kipc_notify_reg reg = { }, old = { };
	struct pid *me = task_tgid(current);
	struct eventfd_ctx *efd = NULL;
	bool arm = n->signo || (n->flags & silent);
	int ret = 0;

	if (n->flags & ~known)
		return -EINVAL;
	/* A signal, or nothing, or an eventfd: one of them. */
	if ((n->flags & silent) == silent || (n->signo && (n->flags & silent)))
		return -EINVAL;
	if (n->signo && !valid_signal(n->signo))
		return -EINVAL;
	if (arm && q->perm_obj) {
		ret = kipc_perm_check(q->perm_obj, MAY_READ);
		if (ret)
			return ret;
	}
	if (n->flags & KIPC_NOTIFY_EVENTFD) {
		efd = eventfd_ctx_fdget(n->efd);
		if (IS_ERR(efd))
			return PTR_ERR(efd);
	}
	if (arm) {
		reg = (struct kipc_notify_reg) {
			.pid = get_pid(me),
			.cred = get_current_cred(),
			.file = file,
			.exec_id = current->self_exec_id,
			.signo = n->signo,
			.value = n->value,
			.efd = efd,
			.oneshot = n->flags & KIPC_NOTIFY_ONESHOT,
			.idle = n->flags & KIPC_NOTIFY_IDLE,
		};
	}

	spin_lock(&q->lock);
	if (q->dead) {
		ret = q->dead;
	} else if (!arm) {
		if (q->notify.pid == me) {
			old = q->notify;
			memset(&q->notify, 0, sizeof(q->notify));
		}
	} else {
		if (q->notify.pid && q->notify.pid != me) {
			rcu_read_lock();
			if (kipc_notify_target(&q->notify))
				ret = -EBUSY;
			rcu_read_unlock();
		}
		if (!ret) {
			old = q->notify;
			q->notify = reg;
			memset(&reg, 0, sizeof(reg));
		}
	}
	spin_unlock(&q->lock);
	kipc_notify_clear(&old);
	kipc_notify_clear(&reg);
	return ret;
}

/**
 * kipc_notify_fire() - a message arrived on the empty queue
 * @q:		the queue, whose lock the caller holds
 * @fired:	output: what to deliver with kipc_notify_deliver() once the
 *		lock is dropped (empty if nothing is armed)
 */
void kipc_notify_fire(struct kipc_queue *q, struct kipc_notify_reg *fired)
{
	struct kipc_notify_reg *reg = &q->notify;
	bool live;

	lockdep_assert_held(&q->lock);
	if (!reg->pid || fired->pid)
		return;
	/* mq_notify(): a waiting receiver takes the message instead. */
	if (reg->idle && q->nr_take_wait)
		return;
	if (reg->efd) {
		/* Safe under a spinlock; nothing to do after it is dropped. */
		rcu_read_lock();
		live = kipc_notify_target(reg);
		rcu_read_unlock();
		if (live)
			kipc_eventfd_signal(reg->efd);
	}
	if (reg->oneshot) {
		*fired = *reg;
		memset(reg, 0, sizeof(*reg));
		return;
	}
	*fired = *reg;
	fired->efd = NULL;
	get_pid(fired->pid);
	get_cred(fired->cred);
}

/**
 * kipc_notify_deliver() - send a fired registration's signal, then release
 *	it
 * @fired:	from kipc_notify_fire(); may be empty
 *
 * Called by the sender, with no lock held: the siginfo names it.
 */
void kipc_notify_deliver(struct kipc_notify_reg *fired)
{
	struct kernel_siginfo info;
	struct task_struct *t;

	/* Nearly every send: nothing was armed, nothing is held. */
	if (!fired->pid)
		return;
	if (!fired->signo) {
		/* KIPC_NOTIFY_NONE, or the eventfd was signalled already. */
		kipc_notify_clear(fired);
		return;
	}
	clear_siginfo(&info);
	info.si_signo = fired->signo;
	info.si_code = SI_MESGQ;
	info.si_ptr = u64_to_user_ptr(fired->value);
	rcu_read_lock();
	t = kipc_notify_target(fired);
	if (t && kipc_notify_may_signal(fired->cred, t)) {
		info.si_pid = task_tgid_nr_ns(current, task_active_pid_ns(t));
		info.si_uid = from_kuid_munged(fired->cred->user_ns,
					       current_uid());
		send_sig_info(fired->signo, &info, t);
	}
	rcu_read_unlock();
	kipc_notify_clear(fired);
}

/**
 * kipc_notify_flush() - an fd of the queue is closed
 * @q:		the queue
 * @file:	the file
 * @release:	the file itself goes (its last reference), not just one fd
 *
 * As mqueue: the registration goes when its process closes any fd of the
 * queue, and in any case with the file it was armed through.
 */
void kipc_notify_flush(struct kipc_queue *q, struct file *file, bool release)
{
	struct kipc_notify_reg old = { };

	spin_lock(&q->lock);
	if (q->notify.pid &&
	    (q->notify.pid == task_tgid(current) ||
	     (release && q->notify.file == file))) {
		old = q->notify;
		memset(&q->notify, 0, sizeof(q->notify));
	}
	spin_unlock(&q->lock);
	kipc_notify_clear(&old);
}
