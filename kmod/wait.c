// SPDX-License-Identifier: GPL-2.0
/*
 * Deadlines and the one wait helper every blocking kipc call uses (queue
 * send and receive, CALL waiting for its reply, ring waits).
 *
 * The restart rule is the same for all of them. A deadline is absolute
 * once decoded. A wait interrupted by a signal or by task work returns
 * -ERESTARTSYS: the signal code restarts the call when no handler ran
 * (SIGSTOP/SIGCONT, the freezer, io_uring task work) or the handler has
 * SA_RESTART, and turns it into -EINTR otherwise. Before returning, a
 * call whose timeout was relative writes the time left back into the
 * caller's struct (kipc_deadline_save(), as select(2) updates its
 * timeout), so a restarted call keeps its deadline instead of starting
 * the timeout again. CALL keeps more: see call.c.
 */
#include <linux/hrtimer.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include "kipc_internal.h"

/**
 * kipc_deadline_init() - decode the blocking flags and timeout of a call
 * @dl:		output
 * @flags:	KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_NORESTART
 *		(others ignored here)
 * @ts:		the timeout, read only with KIPC_TIMEOUT
 *
 * Return: 0 or -EINVAL for a bad combination or malformed timeout.
 */
int kipc_deadline_init(struct kipc_deadline *dl, u32 flags,
		       const struct kipc_timespec *ts)
{
	ktime_t t;

	*dl = (struct kipc_deadline) {
		.nonblock = flags & KIPC_NONBLOCK,
		.timed = flags & KIPC_TIMEOUT,
		.norestart = flags & KIPC_NORESTART,
	};
	if ((flags & KIPC_NONBLOCK) && (flags & KIPC_TIMEOUT))
		return -EINVAL;
	if ((flags & KIPC_ABSTIME) && !(flags & KIPC_TIMEOUT))
		return -EINVAL;
	if (!dl->timed)
		return 0;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	t = ktime_set(ts->tv_sec, ts->tv_nsec);
	if (flags & KIPC_ABSTIME) {
		dl->expires = t;
	} else {
		dl->expires = ktime_add_safe(ktime_get(), t);
		dl->relative = true;
	}
	return 0;
}

/**
 * kipc_deadline_save() - write the time left of a relative timeout back
 * @dl:		the deadline of an interrupted call
 * @uts:	the caller's timeout field
 *
 * Does nothing for an absolute deadline or none.
 *
 * Return: 0 or -EFAULT.
 */
int kipc_deadline_save(const struct kipc_deadline *dl,
		       struct kipc_timespec __user *uts)
{
	struct kipc_timespec left;
	struct timespec64 ts;
	ktime_t rem;

	if (!dl->timed || !dl->relative)
		return 0;
	rem = ktime_sub(dl->expires, ktime_get());
	if (ktime_to_ns(rem) < 0)
		rem = 0;
	ts = ktime_to_timespec64(rem);
	left = (struct kipc_timespec) {
		.tv_sec = ts.tv_sec,
		.tv_nsec = ts.tv_nsec,
	};
	return copy_to_user(uts, &left, sizeof(left)) ? -EFAULT : 0;
}

/*
 * The checks of a wait, in order: @ready, non-blocking, the deadline (so a
 * passed deadline wins over a pending signal), signals and task work.
 * Returns 0 and when to wake up if the caller should sleep.
 */
static int kipc_wait_check(const struct kipc_deadline *dl,
			   int (*ready)(void *arg), void *arg, ktime_t *until)
{
	int ret = ready(arg);

	if (ret)
		return ret;
	if (dl->nonblock)
		return -EAGAIN;
	if (dl->timed && ktime_compare(ktime_get(), dl->expires) >= 0)
		return -ETIMEDOUT;
	if (signal_pending(current))
		return -ERESTARTSYS;
	*until = dl->timed ? dl->expires : KTIME_MAX;
	if (dl->recheck)
		*until = min_t(ktime_t, *until,
			       ktime_add_ns(ktime_get(), dl->recheck));
	return 0;
}

static void kipc_sleep_until(ktime_t until)
{
	if (until == KTIME_MAX)
		schedule();
	else
		schedule_hrtimeout_range(&until, current->timer_slack_ns,
					 HRTIMER_MODE_ABS);
}

/**
 * kipc_wait() - check a condition, and if it does not hold, sleep once
 * @wq:		where wakers wake us
 * @dl:		deadline and blocking mode
 * @ready:	the condition, read locklessly after we are on @wq, so a
 *		wake-up between the check and the sleep is not lost: > 0
 *		done, < 0 an error to return, 0 not yet
 * @arg:	passed to @ready
 *
 * The caller loops while this returns 0; a wake-up may be spurious.
 *
 * Return: what @ready returned if non-zero, -EAGAIN, -ETIMEDOUT,
 * -ERESTARTSYS, or 0 after a sleep.
 */
int kipc_wait(wait_queue_head_t *wq, const struct kipc_deadline *dl,
	      int (*ready)(void *arg), void *arg)
{
	DEFINE_WAIT(wait);
	ktime_t until;
	int ret;

	prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
	ret = kipc_wait_check(dl, ready, arg, &until);
	if (!ret)
		kipc_sleep_until(until);
	finish_wait(wq, &wait);
	return ret;
}

/**
 * kipc_wait_locked_excl() - kipc_wait_locked(), as an exclusive waiter
 * @wq:		where wakers wake us
 * @lock:	held by the caller, and by wakers when they change the
 *		condition; dropped while asleep
 * @dl:		deadline and blocking mode
 * @ready:	the condition, as for kipc_wait_locked()
 * @arg:	passed to @ready
 * @exclusive:	read after @ready's first look, before we sleep: if true,
 *		wait exclusively (a wake-up of @wq wakes all non-exclusive
 *		waiters and one exclusive one). An exclusive waiter that was
 *		woken and then leaves without using what it was woken for
 *		must pass the wake-up on; its caller knows what that means.
 *		NULL: never exclusive.
 *
 * Return: as kipc_wait(); @lock is held again on return.
 */
int kipc_wait_locked_excl(wait_queue_head_t *wq, spinlock_t *lock,
			  const struct kipc_deadline *dl,
			  int (*ready)(void *arg), void *arg,
			  const bool *exclusive)
{
	DEFINE_WAIT(wait);
	ktime_t until;
	int ret;

	lockdep_assert_held(lock);
	ret = ready(arg);
	if (ret)
		return ret;
	if (exclusive && *exclusive)
		prepare_to_wait_exclusive(wq, &wait, TASK_INTERRUPTIBLE);
	else
		prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
	ret = kipc_wait_check(dl, ready, arg, &until);
	if (!ret) {
		spin_unlock(lock);
		kipc_sleep_until(until);
		spin_lock(lock);
	}
	finish_wait(wq, &wait);
	return ret;
}

/**
 * kipc_wait_locked() - kipc_wait() for a condition under a spinlock
 * @wq:		where wakers wake us
 * @lock:	held by the caller, and by wakers when they change the
 *		condition; dropped while asleep
 * @dl:		deadline and blocking mode
 * @ready:	the condition, evaluated with @lock held; it may be
 *		evaluated twice in a row, so what it records must be
 *		recorded once (as a count of waiters taken only once)
 * @arg:	passed to @ready
 *
 * Most calls find their condition met (a send to a queue with room, a
 * receive from a queue with a message): they return without touching
 * @wq, whose lock and list would cost more than the check. Since wakers
 * change the condition only under @lock, which is held from that first
 * check until we are on @wq, no wake-up can be lost in between.
 *
 * Return: as kipc_wait(); @lock is held again on return.
 */
int kipc_wait_locked(wait_queue_head_t *wq, spinlock_t *lock,
		     const struct kipc_deadline *dl,
		     int (*ready)(void *arg), void *arg)
{
	return kipc_wait_locked_excl(wq, lock, dl, ready, arg, NULL);
}
