// SPDX-License-Identifier: GPL-2.0
/*
 * kipc message queues: priority levels, bounded and rendezvous buffering,
 * blocking send and receive with deadlines, direct hand-off to a waiting
 * receiver, poll and arrival signals. Used for endpoint inboxes and
 * mailboxes alike.
 *
 * A sender that must wait for its message to be taken (rendezvous queue or
 * KIPC_SEND_SYNC) "parks" it: the message is queued with @sync pointing at
 * the sender's on-stack struct kipc_sync, and does not count against the
 * capacity. Whoever takes or discards it writes the outcome there, under
 * the queue lock.
 *
 * A receiver that finds nothing registers a struct kipc_waiter on
 * @recv_waiters. A sender that finds a matching waiter hands the message
 * over without queueing it. Every enqueue empties @recv_waiters (the woken
 * receivers rescan), so a waiter on the list has seen every queued message
 * and a hand-off never overtakes a queued message it could have received.
 */
#include <linux/fcntl.h>
#include <linux/hrtimer.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/uaccess.h>
#include "kipc.h"

/**
 * struct kipc_sync - a sender waiting for its parked message to be taken
 * @done:	0 while queued, 1 once taken, or a negative errno if the
 *		message was discarded; under the queue lock
 */
struct kipc_sync {
	int done;
};

/**
 * struct kipc_waiter - a blocked receiver that accepts a direct hand-off
 * @node:	in kipc_queue.recv_waiters, under the queue lock
 * @task:	the receiver
 * @from:	sender filter, 0 = any
 * @buf_len:	its buffer size
 * @msg:	message handed over, under the queue lock
 */
struct kipc_waiter {
	struct list_head node;
	struct task_struct *task;
	u64 from;
	u32 buf_len;
	struct kipc_msg *msg;
};

/**
 * kipc_queue_init() - initialise an empty queue
 * @q:		the queue
 * @lim:	capacity, already checked
 * @mbox_id:	mailbox id stamped into messages, 0 for an endpoint inbox
 */
void kipc_queue_init(struct kipc_queue *q, const struct kipc_limits *lim,
		     u64 mbox_id)
{
	int i;

	memset(q, 0, sizeof(*q));
	mutex_init(&q->lock);
	for (i = 0; i <= KIPC_PRIO_MAX; i++)
		INIT_LIST_HEAD(&q->levels[i]);
	q->lim = *lim;
	q->mbox_id = mbox_id;
	INIT_LIST_HEAD(&q->recv_waiters);
	init_waitqueue_head(&q->recv_wq);
	init_waitqueue_head(&q->send_wq);
}

/**
 * kipc_queue_destroy() - release what a killed queue still holds
 * @q:		the queue, already killed by kipc_queue_kill()
 */
void kipc_queue_destroy(struct kipc_queue *q)
{
	WARN_ON(q->depth);
	put_pid(q->notify_pid);
	q->notify_pid = NULL;
	mutex_destroy(&q->lock);
}

static bool kipc_match(const struct kipc_msg *msg, u64 from)
{
	return !from || msg->sender_id == from;
}

static struct kipc_msg *kipc_find(struct kipc_queue *q, u64 from)
{
	unsigned long levels = q->nonempty;
	struct kipc_msg *msg;
	unsigned int lvl;

	/* Highest non-empty level first; only filters look further. */
	while (levels) {
		lvl = __fls(levels);
		list_for_each_entry(msg, &q->levels[lvl], node)
			if (kipc_match(msg, from))
				return msg;
		__clear_bit(lvl, &levels);
	}
	return NULL;
}

/*
 * Wake @wq only if someone sleeps on it. Blocked senders and receivers
 * queue themselves under q->lock, which the waker holds; pollers queue
 * themselves without it and pair with the barrier in kipc_queue_poll().
 */
static void kipc_wake(wait_queue_head_t *wq, __poll_t mask)
{
	if (wq_has_sleeper(wq))
		wake_up_interruptible_poll(wq, mask);
}

/*
 * A queue with a mailbox id is the queue of a mailbox: check the caller's
 * permission under q->lock, which also protects the mailbox's mode and
 * owner. Endpoint inboxes need none.
 */
static int kipc_queue_perm(struct kipc_queue *q, int want)
{
	if (!q->mbox_id)
		return 0;
	return kipc_mbox_perm_locked(container_of(q, struct kipc_mbox, q),
				     want);
}

static void kipc_signal_arrival(struct kipc_queue *q)
{
	kill_fasync(&q->fasync, SIGIO, POLL_IN);
	if (q->notify_pid) {
		kill_pid(q->notify_pid, q->notify_sig, 1);
		if (q->notify_oneshot) {
			put_pid(q->notify_pid);
			q->notify_pid = NULL;
			q->notify_file = NULL;
		}
	}
}

/* Queue @msg (at the head of its level when giving it back) and wake. */
static void kipc_enqueue(struct kipc_queue *q, struct kipc_msg *msg,
			 bool head)
{
	struct kipc_waiter *w, *tmp;
	bool was_empty = !q->depth;

	if (head)
		list_add(&msg->node, &q->levels[msg->prio]);
	else
		list_add_tail(&msg->node, &q->levels[msg->prio]);
	__set_bit(msg->prio, &q->nonempty);
	q->depth++;
	q->bytes += msg->len;
	if (!(msg->flags & KIPC_MSG_SYNC)) {
		q->used_msgs++;
		q->used_bytes += msg->len;
	}
	/* Every waiter must rescan before it may be handed anything. */
	list_for_each_entry_safe(w, tmp, &q->recv_waiters, node)
		list_del_init(&w->node);
	kipc_wake(&q->recv_wq, EPOLLIN | EPOLLRDNORM);
	if (was_empty)
		kipc_signal_arrival(q);
}

static void kipc_unlink(struct kipc_queue *q, struct kipc_msg *msg)
{
	list_del_init(&msg->node);
	if (list_empty(&q->levels[msg->prio]))
		__clear_bit(msg->prio, &q->nonempty);
	q->depth--;
	q->bytes -= msg->len;
	if (!(msg->flags & KIPC_MSG_SYNC)) {
		q->used_msgs--;
		q->used_bytes -= msg->len;
	}
}

static bool kipc_has_room(const struct kipc_queue *q, u32 len)
{
	if (q->used_msgs >= q->lim.max_msgs)
		return false;
	/* An empty queue takes one message even if it exceeds max_bytes. */
	return !q->used_msgs || (u64)q->used_bytes + len <= q->lim.max_bytes;
}

static bool kipc_handoff(struct kipc_queue *q, struct kipc_msg *msg)
{
	struct kipc_waiter *w;

	list_for_each_entry(w, &q->recv_waiters, node) {
		if (w->buf_len < msg->len || !kipc_match(msg, w->from))
			continue;
		list_del_init(&w->node);
		w->msg = msg;
		wake_up_process(w->task);
		return true;
	}
	return false;
}

/*
 * Sleep on @wq until woken, the deadline passes or a signal arrives. Called
 * and returns with q->lock held; the caller rechecks its condition.
 */
static int kipc_sleep(struct kipc_queue *q, wait_queue_head_t *wq,
		      const struct kipc_deadline *dl)
{
	DEFINE_WAIT(wait);
	ktime_t expires = dl->expires;

	prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
	mutex_unlock(&q->lock);
	if (dl->timed)
		schedule_hrtimeout_range(&expires, current->timer_slack_ns,
					 HRTIMER_MODE_ABS);
	else if (!signal_pending(current))
		schedule();
	finish_wait(wq, &wait);
	mutex_lock(&q->lock);

	/*
	 * A passed deadline wins over a pending signal: a restarted call
	 * keeps its absolute deadline, and a signal its own send raises
	 * (its arrival notification) must not restart it for ever.
	 */
	if (dl->timed && ktime_compare(ktime_get(), dl->expires) >= 0)
		return -ETIMEDOUT;
	/*
	 * Task work alone (io_uring queues it on its users) also makes a
	 * signal pending: a restartable call restarts quietly after it, as
	 * after a signal with SA_RESTART.
	 */
	if (signal_pending(current))
		return dl->restart ? -ERESTARTSYS : -EINTR;
	return 0;
}

/*
 * Send *@msgp with q->lock held (kipc_sleep() drops it while waiting).
 * Clears *@msgp once the message is queued, handed over or taken.
 */
static int kipc_send_locked(struct kipc_queue *q, struct kipc_msg **msgp,
			    bool sync, const struct kipc_deadline *dl)
{
	struct kipc_msg *msg = *msgp;
	struct kipc_sync s = { .done = 0 };
	int ret;

	msg->mbox_id = q->mbox_id;
	for (;;) {
		if (q->dead)
			return q->dead;
		if (msg->len > q->lim.msg_max)
			return -EMSGSIZE;
		if (kipc_handoff(q, msg)) {
			*msgp = NULL;
			return 0;
		}
		if (sync || !q->lim.max_msgs) {
			if (dl->nonblock)
				return -EAGAIN;
			msg->flags |= KIPC_MSG_SYNC;
			msg->sync = &s;
			kipc_enqueue(q, msg, false);
			q->nr_send_wait++;
			ret = 0;
			while (!s.done && !ret)
				ret = kipc_sleep(q, &q->send_wq, dl);
			q->nr_send_wait--;
			if (s.done) {
				/* Taken (1) or discarded by the queue (< 0). */
				*msgp = NULL;
				return s.done > 0 ? 0 : s.done;
			}
			/* Timed out or interrupted: withdraw it. */
			kipc_unlink(q, msg);
			msg->sync = NULL;
			msg->flags &= ~KIPC_MSG_SYNC;
			return ret;
		}
		if (kipc_has_room(q, msg->len)) {
			kipc_enqueue(q, msg, false);
			*msgp = NULL;
			return 0;
		}
		if (dl->nonblock)
			return -EAGAIN;
		q->nr_send_wait++;
		ret = kipc_sleep(q, &q->send_wq, dl);
		q->nr_send_wait--;
		if (ret)
			return ret;
	}
}

/**
 * kipc_queue_send() - queue a message, waiting as the deadline allows
 * @q:		destination
 * @msg:	the message; always consumed (queued, handed over or freed)
 * @sync:	complete only once a receiver took it (KIPC_SEND_SYNC); implied
 *		by a rendezvous queue
 * @dl:		blocking mode
 *
 * Return: 0 once queued (or taken when synchronous), -EACCES, -EMSGSIZE,
 * @q->dead, -EAGAIN, -ETIMEDOUT, -EINTR or -ERESTARTSYS. On error nothing
 * was sent.
 */
int kipc_queue_send(struct kipc_queue *q, struct kipc_msg *msg, bool sync,
		    const struct kipc_deadline *dl)
{
	int ret;

	mutex_lock(&q->lock);
	ret = kipc_queue_perm(q, MAY_WRITE);
	if (!ret)
		ret = kipc_send_locked(q, &msg, sync, dl);
	mutex_unlock(&q->lock);
	kipc_msg_free(msg);
	return ret;
}

/**
 * kipc_queue_send_many() - queue messages in order under one lock hold
 * @q:		destination
 * @msgs:	@n messages; all consumed (those not sent are freed)
 * @n:		how many, >= 1
 * @dl:		blocking mode of the first; the others never wait
 * @sent:	out: messages sent, a prefix of @msgs
 *
 * A receiver woken by the first message finds the others queued when it
 * runs, instead of being woken once per message.
 *
 * Return: 0, or the error that stopped the sends (as kipc_queue_send()).
 */
int kipc_queue_send_many(struct kipc_queue *q, struct kipc_msg **msgs, u32 n,
			 const struct kipc_deadline *dl, u32 *sent)
{
	const struct kipc_deadline nb = { .nonblock = true };
	u32 i = 0;
	int ret;

	mutex_lock(&q->lock);
	ret = kipc_queue_perm(q, MAY_WRITE);
	for (; !ret && i < n; i++) {
		ret = kipc_send_locked(q, &msgs[i], false, i ? &nb : dl);
		if (ret)
			break;
	}
	mutex_unlock(&q->lock);
	*sent = i;
	for (; i < n; i++)
		kipc_msg_free(msgs[i]);
	return ret;
}

/*
 * Copy @msg to the receiver: header and length into rx->out, payload to
 * the user buffer, then rx->out back to user space. Nothing is dequeued
 * here, so a failure leaves the message where it was.
 */
static int kipc_deliver(struct kipc_rx *rx, const struct kipc_msg *msg)
{
	kipc_fill_hdr(rx->hdr, msg);
	*rx->len = msg->len;
	if (msg->len > rx->buf_len)
		return copy_to_user(rx->uout, rx->out, rx->out_size) ?
			-EFAULT : -EMSGSIZE;
	if (msg->len &&
	    copy_to_user(u64_to_user_ptr(rx->buf), msg->data, msg->len))
		return -EFAULT;
	if (copy_to_user(rx->uout, rx->out, rx->out_size))
		return -EFAULT;
	return 0;
}

/* @msg, no longer queued, now belongs to the receiver: settle its sender. */
static void kipc_taken(struct kipc_queue *q, struct kipc_msg *msg,
		       struct kipc_endpoint *ep)
{
	if (msg->sync) {
		msg->sync->done = 1;
		msg->sync = NULL;
	}
	if (msg->txn)
		kipc_txn_received(msg->txn, ep);
	kipc_wake(&q->send_wq, EPOLLOUT | EPOLLWRNORM);
}

/*
 * Receive for @rx with q->lock held (kipc_sleep() drops it while waiting).
 * A message taken off the queue is returned in *@done for the caller to
 * free once the lock is dropped.
 */
static int kipc_recv_locked(struct kipc_queue *q, struct kipc_rx *rx,
			    const struct kipc_deadline *dl,
			    struct kipc_msg **done)
{
	struct kipc_waiter w = {
		.task = current,
		.from = rx->from,
		.buf_len = rx->buf_len,
	};
	struct kipc_msg *msg;
	int ret;

	INIT_LIST_HEAD(&w.node);
	for (;;) {
		if (q->dead)
			return q->dead;
		msg = kipc_find(q, rx->from);
		if (msg) {
			ret = kipc_deliver(rx, msg);
			if (!ret && !rx->peek) {
				kipc_unlink(q, msg);
				kipc_taken(q, msg, rx->ep);
				*done = msg;
			}
			return ret;
		}
		if (dl->nonblock)
			return -EAGAIN;
		/* A peeker waits like a receiver but takes no hand-off. */
		if (!rx->peek)
			list_add_tail(&w.node, &q->recv_waiters);
		q->nr_recv_wait++;
		if (!q->lim.max_msgs)
			kipc_wake(&q->send_wq, EPOLLOUT | EPOLLWRNORM);
		ret = kipc_sleep(q, &q->recv_wq, dl);
		q->nr_recv_wait--;
		list_del_init(&w.node);
		if (w.msg) {
			msg = w.msg;
			w.msg = NULL;
			ret = kipc_deliver(rx, msg);
			if (ret) {
				/* Give it back as if never taken. */
				if (q->dead) {
					if (msg->txn)
						kipc_txn_fail(msg->txn, -EIDRM);
					*done = msg;
				} else {
					kipc_enqueue(q, msg, true);
				}
			} else {
				kipc_taken(q, msg, rx->ep);
				*done = msg;
			}
			return ret;
		}
		if (ret)
			return ret;
	}
}

/**
 * kipc_queue_recv() - receive or peek at the best matching message
 * @q:		source
 * @rx:		receiver's arguments; rx->hdr and rx->len are filled
 * @dl:		blocking mode
 *
 * The payload and the argument struct are copied out before the message is
 * dequeued, so on -EMSGSIZE or -EFAULT it stays queued.
 *
 * Return: 0, -EACCES, -EMSGSIZE, -EFAULT, @q->dead, -EAGAIN, -ETIMEDOUT,
 * -EINTR or -ERESTARTSYS.
 */
int kipc_queue_recv(struct kipc_queue *q, struct kipc_rx *rx,
		    const struct kipc_deadline *dl)
{
	struct kipc_msg *done = NULL;
	int ret;

	mutex_lock(&q->lock);
	ret = kipc_queue_perm(q, MAY_READ);
	if (!ret)
		ret = kipc_recv_locked(q, rx, dl, &done);
	mutex_unlock(&q->lock);
	kipc_msg_free(done);
	return ret;
}

/**
 * kipc_queue_recv_many() - receive messages under one lock hold
 * @q:		source
 * @next:	fills the struct kipc_rx of receive @i (reading the caller's
 *		i-th entry); returns 0 or -errno, which stops the receives
 * @arg:	passed to @next
 * @n:		receives wanted, >= 1
 * @dl:		blocking mode of the first; the others never wait
 * @got:	out: messages received
 *
 * Return: 0, or the error that stopped the receives (as kipc_queue_recv()).
 */
int kipc_queue_recv_many(struct kipc_queue *q,
			 int (*next)(void *arg, u32 i, struct kipc_rx *rx),
			 void *arg, u32 n, const struct kipc_deadline *dl,
			 u32 *got)
{
	const struct kipc_deadline nb = { .nonblock = true };
	struct kipc_msg *msg, *tmp, *done;
	LIST_HEAD(taken);
	struct kipc_rx rx;
	u32 i = 0;
	int ret;

	mutex_lock(&q->lock);
	ret = kipc_queue_perm(q, MAY_READ);
	for (; !ret && i < n; i++) {
		ret = next(arg, i, &rx);
		if (ret)
			break;
		done = NULL;
		ret = kipc_recv_locked(q, &rx, i ? &nb : dl, &done);
		if (done)
			list_add_tail(&done->node, &taken);
		if (ret)
			break;
	}
	mutex_unlock(&q->lock);
	*got = i;
	list_for_each_entry_safe(msg, tmp, &taken, node) {
		list_del(&msg->node);
		kipc_msg_free(msg);
	}
	return ret;
}

/**
 * kipc_queue_kill() - make a queue dead and discard its messages
 * @q:		the queue
 * @dead_err:	what later and blocked senders and receivers get
 * @txn_err:	what callers whose request is discarded get
 *
 * Wakes everyone; pollers see EPOLLHUP | EPOLLERR.
 */
void kipc_queue_kill(struct kipc_queue *q, int dead_err, int txn_err)
{
	struct kipc_waiter *w, *tmp;
	struct kipc_msg *msg, *next;
	LIST_HEAD(dropped);
	int lvl;

	mutex_lock(&q->lock);
	q->dead = dead_err;
	for (lvl = 0; lvl <= KIPC_PRIO_MAX; lvl++)
		list_splice_init(&q->levels[lvl], &dropped);
	q->nonempty = 0;
	q->depth = 0;
	q->bytes = 0;
	q->used_msgs = 0;
	q->used_bytes = 0;
	list_for_each_entry_safe(msg, next, &dropped, node) {
		if (msg->txn)
			kipc_txn_fail(msg->txn, txn_err);
		if (msg->sync) {
			/* The blocked sender frees nothing; we do. */
			msg->sync->done = msg->txn ? txn_err : dead_err;
			msg->sync = NULL;
		}
	}
	list_for_each_entry_safe(w, tmp, &q->recv_waiters, node)
		list_del_init(&w->node);
	put_pid(q->notify_pid);
	q->notify_pid = NULL;
	q->notify_file = NULL;
	wake_up_interruptible_poll(&q->recv_wq, EPOLLHUP | EPOLLERR | EPOLLIN);
	wake_up_interruptible_poll(&q->send_wq, EPOLLHUP | EPOLLERR | EPOLLOUT);
	mutex_unlock(&q->lock);

	list_for_each_entry_safe(msg, next, &dropped, node) {
		list_del(&msg->node);
		kipc_msg_free(msg);
	}
}

/**
 * kipc_queue_set_limits() - change the capacity of a live queue
 * @q:		the queue
 * @l:		new limits, already checked
 *
 * Queued messages stay even if they no longer fit.
 */
void kipc_queue_set_limits(struct kipc_queue *q, const struct kipc_limits *l)
{
	mutex_lock(&q->lock);
	q->lim = *l;
	wake_up_interruptible_poll(&q->send_wq, EPOLLOUT | EPOLLWRNORM);
	mutex_unlock(&q->lock);
}

/**
 * kipc_queue_info() - fill the queue part of a struct kipc_info
 * @q:		the queue
 * @info:	output (depth .. nr_receivers)
 */
void kipc_queue_info(struct kipc_queue *q, struct kipc_info *info)
{
	mutex_lock(&q->lock);
	info->depth = q->depth;
	info->bytes = q->bytes;
	info->max_msgs = q->lim.max_msgs;
	info->max_bytes = q->lim.max_bytes;
	info->msg_max = q->lim.msg_max;
	info->nr_senders = q->nr_send_wait;
	info->nr_receivers = q->nr_recv_wait;
	mutex_unlock(&q->lock);
}

/**
 * kipc_queue_poll() - poll state of a queue
 * @q:		the queue
 * @file:	the polled file
 * @pt:		poll table
 * @is_mbox:	mailbox semantics for EPOLLOUT (else always writable)
 *
 * Return: EPOLLIN when a message is queued; EPOLLOUT as documented in the
 * uapi header; EPOLLHUP | EPOLLERR once the queue is dead.
 */
__poll_t kipc_queue_poll(struct kipc_queue *q, struct file *file,
			 struct poll_table_struct *pt, bool is_mbox)
{
	__poll_t mask = 0;

	poll_wait(file, &q->recv_wq, pt);
	poll_wait(file, &q->send_wq, pt);
	/* Pairs with wq_has_sleeper() in kipc_wake(): see our entry or we
	 * see the new state.
	 */
	smp_mb();

	if (READ_ONCE(q->dead))
		return EPOLLHUP | EPOLLERR;
	if (READ_ONCE(q->depth))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!is_mbox) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (READ_ONCE(q->lim.max_msgs)) {
		if (READ_ONCE(q->used_msgs) < READ_ONCE(q->lim.max_msgs) &&
		    READ_ONCE(q->used_bytes) < READ_ONCE(q->lim.max_bytes))
			mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (READ_ONCE(q->nr_recv_wait)) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	}
	return mask;
}

/**
 * kipc_queue_notify() - arm or disarm the arrival signal (KIPC_IOC_NOTIFY)
 * @q:		the queue
 * @file:	the fd it is armed through
 * @n:		request, already checked for reserved fields
 *
 * Return: 0, -EINVAL (bad signal or flags), -EBUSY (armed by another
 * process) or the queue's dead errno.
 */
int kipc_queue_notify(struct kipc_queue *q, struct file *file,
		      const struct kipc_notify *n)
{
	struct pid *me = task_tgid(current);
	int ret = 0;

	if (n->flags & ~KIPC_NOTIFY_ONESHOT)
		return -EINVAL;
	if (n->signo && !valid_signal(n->signo))
		return -EINVAL;

	mutex_lock(&q->lock);
	if (q->dead) {
		ret = q->dead;
	} else if (!n->signo) {
		if (q->notify_pid == me) {
			put_pid(q->notify_pid);
			q->notify_pid = NULL;
			q->notify_file = NULL;
		}
	} else if (q->notify_pid && q->notify_pid != me) {
		ret = -EBUSY;
	} else {
		put_pid(q->notify_pid);
		q->notify_pid = get_pid(me);
		q->notify_file = file;
		q->notify_sig = n->signo;
		q->notify_oneshot = n->flags & KIPC_NOTIFY_ONESHOT;
	}
	mutex_unlock(&q->lock);
	return ret;
}

/**
 * kipc_queue_release_file() - forget a closing file's registrations
 * @q:		the queue
 * @file:	the file being released
 */
void kipc_queue_release_file(struct kipc_queue *q, struct file *file)
{
	fasync_helper(-1, file, 0, &q->fasync);
	mutex_lock(&q->lock);
	if (q->notify_file == file) {
		put_pid(q->notify_pid);
		q->notify_pid = NULL;
		q->notify_file = NULL;
	}
	mutex_unlock(&q->lock);
}
