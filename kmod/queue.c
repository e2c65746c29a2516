// SPDX-License-Identifier: GPL-2.0
/*
 * kipc message queues: priority levels, bounded and rendezvous buffering,
 * blocking send and receive with deadlines, poll and arrival signals. Used
 * for endpoint inboxes and mailboxes alike.
 *
 * The queue lock is a spinlock, held only for list and counter updates:
 * no user memory is touched and nothing sleeps under it, so no task can
 * stall another's send, receive, delete or close by faulting on its own
 * buffer. A receiver claims the message it will take (KIPC_MSGS_DELIVERING:
 * other receivers skip it, it stays at its place), drops the lock, copies
 * it out, and retakes the lock to remove it, or on a failed copy to leave
 * it where it was.
 *
 * A sender that must wait for its message to be taken (rendezvous queue or
 * KIPC_SEND_SYNC) "parks" it: the message is queued with @sync pointing at
 * the sender's on-stack struct kipc_sync and does not count against the
 * capacity. Whoever takes or discards it writes the outcome there, under
 * the queue lock; a sender that gives up while its message is being copied
 * marks it withdrawn and leaves it to the receiver, who then discards it
 * and looks for another. A non-blocking rendezvous send succeeds only when
 * a receiver is waiting that no other parked message is promised to; its
 * message is parked without a sender.
 *
 * An io_uring receive that finds nothing parks too, as a record on
 * q->uparked (see uring_park.c), with no task behind it. Whatever makes a
 * message available (a send, or a claim given up after a failed copy or a
 * peek) is offered first to the parked records in the order they parked:
 * the first whose selection it satisfies gets it claimed, exactly as a
 * receiver woken here would, and its completion is scheduled once the
 * lock is dropped, in the submitter's task, where the copy-out and the
 * take happen as in kipc_queue_recv(). A sender waiting for its message
 * to be taken is released at the hand-off (see kipc_upark_claim()).
 *
 * Wake-ups wake only who can proceed, after the lock is dropped where the
 * waker does not sleep next. A receiver that takes any message (no sender
 * or type filter, not peeking) waits as a "taker": the sender that brings
 * a message claims it for the first taker under the lock, as it would be
 * claimed by a receiver that found it, and wakes that one task alone
 * (POSIX mq's pipelined_send). Since the message is claimed and the taker
 * no longer counted as waiting when its sender drops the lock, no other
 * receiver can take it and no wake-up can be lost: a woken taker always
 * finds its message, whether or not a signal or its deadline came too. A
 * taker being killed gives it back, to the next taker or to the queue at
 * its place. Filtered and peeking receivers and pollers wait as before on
 * @recv_wq, woken when a message arrives that no taker got. Senders
 * waiting for room wait exclusively: each message taken wakes one, and
 * one that leaves (sent, timed out, interrupted) passes the wake-up on
 * while room is left.
 */
#include <linux/fcntl.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "kipc_internal.h"
#include "trace.h"

/**
 * struct kipc_sync - a sender waiting for its parked message to be taken
 * @done:	0 while queued, 1 once taken, or a negative errno if the
 *		message was discarded; under the queue lock
 */
struct kipc_sync {
	int done;
};

/* Takers handed a message under one lock hold: up to a send chunk. */
#define KIPC_WAKES_MAX	16

/**
 * struct kipc_wakes - wake-ups owed once the queue lock is dropped
 * @tasks:	takers handed a message (a task reference held on each)
 * @n:		how many
 * @handed:	parked io_uring receives handed a message (or completed
 *		by a dying queue), whose completion is to be scheduled
 * @recv:	wake @recv_wq (a message arrived that no taker got)
 * @send:	wake @send_wq (room, a take, a parked message taken)
 */
struct kipc_wakes {
	struct task_struct *tasks[KIPC_WAKES_MAX];
	unsigned int n;
	struct list_head handed;
	bool recv;
	bool send;
};

#define KIPC_WAKES_INIT(name) { .handed = LIST_HEAD_INIT((name).handed) }

/**
 * struct kipc_recv_op - one receive in progress
 * @q:		source
 * @rx:		what the receiver asked for
 * @msg:	the message claimed for it, by itself or by a sender that
 *		handed it over
 * @node:	in @q->takers while it waits as a taker
 * @task:	the receiving task, for a sender to wake
 * @counted:	counted in @q->nr_recv_wait (and nr_take_wait)
 * @taker:	takes any message: waits on @q->take_wq, in @q->takers
 * @handed:	@msg is a plain message a sender took off the queue for us
 *		(kipc_dispatch()): ours once copied, with nothing to settle
 *		under the lock; put back in its place if the copy fails
 */
struct kipc_recv_op {
	struct kipc_queue *q;
	struct kipc_rx *rx;
	struct kipc_msg *msg;
	struct list_head node;
	struct task_struct *task;
	bool counted;
	bool taker;
	bool handed;
};

/**
 * kipc_queue_init() - initialise an empty queue
 * @q:		the queue
 * @lim:	capacity, already checked
 * @owner:	the endpoint or mailbox the queue belongs to
 * @mbox:	@owner is a mailbox: its permissions apply and its id is
 *		stamped into messages
 */
void kipc_queue_init(struct kipc_queue *q, const struct kipc_limits *lim,
		     struct kipc_obj *owner, bool mbox)
{
	int i;

	memset(q, 0, sizeof(*q));
	spin_lock_init(&q->lock);
	for (i = 0; i < KIPC_QUEUE_LEVELS; i++)
		INIT_LIST_HEAD(&q->levels[i]);
	q->high = RB_ROOT_CACHED;
	q->lim = *lim;
	q->perm_obj = mbox ? owner : NULL;
	q->mbox_id = mbox ? owner->id : 0;
	q->id = owner->id;
	INIT_LIST_HEAD(&q->uparked);
	INIT_LIST_HEAD(&q->takers);
	init_waitqueue_head(&q->take_wq);
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
	WARN_ON(!list_empty(&q->uparked));
	kipc_notify_clear(&q->notify);
}

static int kipc_queue_perm(struct kipc_queue *q, int want)
{
	return q->perm_obj ? kipc_perm_check(q->perm_obj, want) : 0;
}

static bool kipc_match(const struct kipc_msg *msg, const struct kipc_rx *rx)
{
	if ((msg->state & KIPC_MSGS_DELIVERING) ||
	    (rx->from && msg->sender_id != rx->from))
		return false;
	switch (rx->sel) {
	case KIPC_SEL_EQUAL:
		return msg->type == rx->type_sel;
	case KIPC_SEL_NOTEQUAL:
		return msg->type != rx->type_sel;
	case KIPC_SEL_LESSEQUAL:
		return msg->type <= rx->type_sel;
	default:
		return true;
	}
}

/*
 * Look at @msg, the next in receive order: true when the search is over
 * (*@best is the message to take). Only KIPC_SEL_LESSEQUAL looks further
 * than the first match, for a lower type: the first of the lowest wins;
 * KIPC_SEL_INDEX passes over the first type_sel matches (*@seen counts).
 */
static bool kipc_consider(struct kipc_msg *msg, const struct kipc_rx *rx,
			  struct kipc_msg **best, s64 *seen)
{
	if (!kipc_match(msg, rx))
		return false;
	if (rx->sel == KIPC_SEL_INDEX && (*seen)++ < rx->type_sel)
		return false;
	if (rx->sel != KIPC_SEL_LESSEQUAL) {
		*best = msg;
		return true;
	}
	if (!*best || msg->type < (*best)->type)
		*best = msg;
	return false;
}

static bool kipc_is_high(const struct kipc_msg *msg)
{
	return msg->prio >= KIPC_QUEUE_LEVELS;
}

static struct kipc_msg *kipc_find(struct kipc_queue *q,
				  const struct kipc_rx *rx)
{
	unsigned long levels = q->nonempty;
	struct kipc_msg *msg, *best = NULL;
	struct rb_node *rb;
	unsigned int lvl;
	s64 seen = 0;

	/* Highest priority first; claimed messages are skipped. */
	for (rb = rb_first_cached(&q->high); rb; rb = rb_next(rb))
		if (kipc_consider(rb_entry(rb, struct kipc_msg, rb), rx, &best,
				  &seen))
			return best;
	while (levels) {
		lvl = __fls(levels);
		list_for_each_entry(msg, &q->levels[lvl], node)
			if (kipc_consider(msg, rx, &best, &seen))
				return best;
		__clear_bit(lvl, &levels);
	}
	return best;
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

/* Wake every waiter of @wq, exclusive or not: the queue died or grew. */
static void kipc_wake_all(wait_queue_head_t *wq, __poll_t mask)
{
	__wake_up(wq, TASK_INTERRUPTIBLE, 0, poll_to_key(mask));
}

/* Owe a wake-up to @task; at most KIPC_WAKES_MAX, beyond that wake now. */
static void kipc_wakes_add(struct kipc_wakes *wk, struct task_struct *task)
{
	if (!wk || wk->n == KIPC_WAKES_MAX) {
		wake_up_process(task);
		return;
	}
	get_task_struct(task);
	wk->tasks[wk->n++] = task;
}

/*
 * Pay the wake-ups owed; normally once q->lock is dropped, so that the
 * woken do not spin on it, but also under it before the waker sleeps.
 */
static void kipc_wakes_flush(struct kipc_queue *q, struct kipc_wakes *wk)
{
	unsigned int i;

	for (i = 0; i < wk->n; i++) {
		wake_up_process(wk->tasks[i]);
		put_task_struct(wk->tasks[i]);
	}
	wk->n = 0;
	if (!list_empty(&wk->handed))
		kipc_upark_schedule(&wk->handed);
	if (wk->recv)
		kipc_wake(&q->recv_wq, EPOLLIN | EPOLLRDNORM);
	if (wk->send)
		kipc_wake(&q->send_wq, EPOLLOUT | EPOLLWRNORM);
	wk->recv = false;
	wk->send = false;
}

/* Count a waiting receiver (blocked or parked); q->lock held. */
static void kipc_recv_count(struct kipc_queue *q, bool peek)
{
	q->nr_recv_wait++;
	if (!peek) {
		q->nr_take_wait++;
		/* A rendezvous sender can meet us now. */
		if (!q->lim.max_msgs)
			kipc_wake(&q->send_wq, EPOLLOUT | EPOLLWRNORM);
	}
}

static void kipc_recv_uncount_q(struct kipc_queue *q, bool peek)
{
	q->nr_recv_wait--;
	if (!peek)
		q->nr_take_wait--;
}

/* A receiver that waited leaves the waiters (or a sender took it out). */
static void kipc_recv_uncount(struct kipc_recv_op *op)
{
	if (!op->counted)
		return;
	op->counted = false;
	kipc_recv_uncount_q(op->q, op->rx->peek);
	if (op->taker)
		list_del_init(&op->node);
}

static void kipc_claim(struct kipc_queue *q, struct kipc_msg *msg);
static void kipc_unlink(struct kipc_queue *q, struct kipc_msg *msg);
static void kipc_taken_by(struct kipc_queue *q, struct task_struct *task);
static bool kipc_msg_plain(const struct kipc_msg *msg);

/* Take @rec off q->uparked if it is on it; q->lock held. */
static void kipc_upark_unlink(struct kipc_queue *q, struct kipc_upark *rec)
{
	lockdep_assert_held(&q->lock);
	if (list_empty(&rec->node))
		return;
	list_del_init(&rec->node);
	kipc_recv_uncount_q(q, rec->rx.peek);
}

/*
 * Claim @msg for the parked receive @rec. A sender waiting for it to be
 * taken (KIPC_SEND_SYNC, rendezvous) is released now: the receive is
 * committed, and its completion may need the very task that waits (a
 * task that parked a receive, then sends to it synchronously). Should
 * the copy-out fail or the receive be cancelled, the message stays
 * queued as one whose sender is gone, like a non-blocking rendezvous
 * send's.
 */
static void kipc_upark_claim(struct kipc_queue *q, struct kipc_upark *rec,
			     struct kipc_msg *msg)
{
	kipc_claim(q, msg);
	rec->msg = msg;
	if (msg->sync) {
		msg->sync->done = 1;
		msg->sync = NULL;
		kipc_wake(&q->send_wq, EPOLLOUT | EPOLLWRNORM);
	}
}

/*
 * @msg just became available: hand it to the first parked receive that
 * would pick it. For all selections but KIPC_SEL_INDEX that is @msg
 * itself (a parked receive had no other match, or it would not be
 * parked); a peek at a position may now find another message. A record
 * whose timer or cancellation won the race keeps its place until its
 * completion unlinks it.
 */
static void kipc_offer(struct kipc_queue *q, struct kipc_msg *msg,
		       struct list_head *handed)
{
	struct kipc_upark *rec, *next;
	struct kipc_msg *got;

	lockdep_assert_held(&q->lock);
	list_for_each_entry_safe(rec, next, &q->uparked, node) {
		if (msg->state & KIPC_MSGS_DELIVERING)
			return;
		if (!kipc_match(msg, &rec->rx))
			continue;
		got = kipc_find(q, &rec->rx);
		if (!got || !kipc_upark_take(rec, KIPC_UPARK_HANDOFF))
			continue;
		kipc_upark_claim(q, rec, got);
		kipc_upark_unlink(q, rec);
		list_add_tail(&rec->node, handed);
	}
}

/*
 * @msg was queued or released and no receiver holds it: offer it to the
 * parked io_uring receives, then hand it to the first taker waiting, or
 * wake the other receivers and pollers. Without @wk (a receiver giving a
 * message back as it dies) the wake-ups are not deferred.
 */
static void kipc_dispatch(struct kipc_queue *q, struct kipc_msg *msg,
			  struct kipc_wakes *wk)
{
	struct kipc_recv_op *op;

	lockdep_assert_held(&q->lock);
	if (!list_empty(&q->uparked)) {
		LIST_HEAD(now);

		kipc_offer(q, msg, wk ? &wk->handed : &now);
		/* Scheduling a completion is safe under the lock. */
		kipc_upark_schedule(&now);
		if (msg->state & KIPC_MSGS_DELIVERING)
			return;
	}
	op = list_first_entry_or_null(&q->takers, struct kipc_recv_op, node);
	if (!op) {
		if (wk)
			wk->recv = true;
		else
			kipc_wake(&q->recv_wq, EPOLLIN | EPOLLRDNORM);
		return;
	}
	kipc_recv_uncount(op);
	if (wk && kipc_msg_plain(msg)) {
		/*
		 * As mq's pipelined_send(): the message leaves the queue
		 * now, so the woken taker copies it out and is done, without
		 * taking the lock again. Nobody waits on a plain message's
		 * fate; a sender waiting for room may now find it.
		 */
		kipc_unlink(q, msg);
		kipc_taken_by(q, op->task);
		op->handed = true;
		wk->send = true;
	} else {
		kipc_claim(q, msg);
	}
	op->msg = msg;
	kipc_wakes_add(wk, op->task);
}

/*
 * In priority order, and by number within a priority: FIFO, since a new
 * message has the highest number, and a message put back returns to its
 * place.
 */
static void kipc_high_insert(struct kipc_queue *q, struct kipc_msg *msg)
{
	struct rb_node **link = &q->high.rb_root.rb_node, *parent = NULL;
	const struct kipc_msg *at;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		at = rb_entry(parent, struct kipc_msg, rb);
		if (msg->prio > at->prio ||
		    (msg->prio == at->prio && msg->seq < at->seq)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&msg->rb, parent, link);
	rb_insert_color_cached(&msg->rb, &q->high, leftmost);
}

/*
 * Put numbered @msg in its place, the inverse of kipc_unlink(): by
 * priority, and by number within a priority (kipc_find_seq() relies on
 * that order). A new message has the highest number and goes last at
 * once; one given back after leaving the queue returns to where it was.
 */
static void kipc_link(struct kipc_queue *q, struct kipc_msg *msg)
{
	struct kipc_msg *at;

	lockdep_assert_held(&q->lock);
	if (kipc_is_high(msg)) {
		kipc_high_insert(q, msg);
	} else {
		list_for_each_entry_reverse(at, &q->levels[msg->prio], node)
			if (at->seq < msg->seq)
				break;
		list_add(&msg->node, &at->node);
		__set_bit(msg->prio, &q->nonempty);
	}
	q->depth++;
	q->bytes += msg->len;
	if (msg->state & KIPC_MSGS_PARKED) {
		q->parked++;
	} else {
		q->used_msgs++;
		q->used_bytes += msg->len;
	}
}

/*
 * Queue @msg and hand it to a taker or wake receivers (through @wk); a
 * first message arms the signals.
 */
static void kipc_enqueue(struct kipc_queue *q, struct kipc_msg *msg,
			 struct kipc_notify_reg *fired, struct kipc_wakes *wk)
{
	bool was_empty = !q->depth;

	lockdep_assert_held(&q->lock);
	msg->seq = ++q->seq;
	kipc_link(q, msg);
	/* What msgctl(IPC_STAT) reports: two stores under the lock held. */
	WRITE_ONCE(q->send_pid, pid_nr(msg->pid));
	WRITE_ONCE(q->send_time, ktime_get_real_seconds());
	trace_kipc_enqueue(q->id, msg->sender_id, msg->len, msg->prio, q->depth,
			   msg->state & KIPC_MSGS_PARKED);
	if (q->nr_recv_wait)
		trace_kipc_wake(q->id, true, q->nr_recv_wait);
	/* Before a taker is handed it: mq_notify() stays quiet for one. */
	if (was_empty) {
		kill_fasync(&q->fasync, SIGIO, POLL_IN);
		kipc_notify_fire(q, fired);
	}
	kipc_dispatch(q, msg, wk);
}

static void kipc_unlink(struct kipc_queue *q, struct kipc_msg *msg)
{
	lockdep_assert_held(&q->lock);
	if (kipc_is_high(msg)) {
		rb_erase_cached(&msg->rb, &q->high);
		/* Whoever dequeued it may put it on a list of its own. */
		INIT_LIST_HEAD(&msg->node);
	} else {
		list_del_init(&msg->node);
		if (list_empty(&q->levels[msg->prio]))
			__clear_bit(msg->prio, &q->nonempty);
	}
	q->depth--;
	q->bytes -= msg->len;
	if (msg->state & KIPC_MSGS_DELIVERING)
		q->delivering--;
	else if (msg->state & KIPC_MSGS_PARKED)
		q->parked--;
	if (!(msg->state & KIPC_MSGS_PARKED)) {
		q->used_msgs--;
		q->used_bytes -= msg->len;
	}
	msg->state &= ~KIPC_MSGS_DELIVERING;
}

/* What msgctl(IPC_STAT) reports of the last receive. */
static void kipc_taken_by(struct kipc_queue *q, struct task_struct *task)
{
	WRITE_ONCE(q->recv_pid, task_tgid_nr(task));
	WRITE_ONCE(q->recv_time, ktime_get_real_seconds());
}

/*
 * A message whose taking concerns nobody but its receiver: no sender
 * waits for it (KIPC_SEND_SYNC, rendezvous) and it is no request.
 */
static bool kipc_msg_plain(const struct kipc_msg *msg)
{
	/* A synchronous sender's message is a parked one. */
	return !(msg->state & KIPC_MSGS_PARKED) && !msg->txn;
}

/* A receiver claims @msg: others skip it until it is taken or released. */
static void kipc_claim(struct kipc_queue *q, struct kipc_msg *msg)
{
	msg->state |= KIPC_MSGS_DELIVERING;
	q->delivering++;
	if (msg->state & KIPC_MSGS_PARKED)
		q->parked--;
}

static void kipc_unclaim(struct kipc_queue *q, struct kipc_msg *msg)
{
	msg->state &= ~KIPC_MSGS_DELIVERING;
	q->delivering--;
	if (msg->state & KIPC_MSGS_PARKED)
		q->parked++;
}

static bool kipc_has_room(const struct kipc_queue *q, u32 len)
{
	if (q->used_msgs >= q->lim.max_msgs)
		return false;
	/* An empty queue takes one message even if it exceeds max_bytes. */
	return !q->used_msgs || (u64)q->used_bytes + len <= q->lim.max_bytes;
}

/* Room for some message, as EPOLLOUT says (a rendezvous queue has none). */
static bool kipc_room_left(const struct kipc_queue *q)
{
	return q->used_msgs < q->lim.max_msgs &&
	       q->used_bytes < q->lim.max_bytes;
}

/**
 * struct kipc_send_op - one send in progress
 * @q:		destination
 * @msg:	the message; NULL once the queue owns it
 * @sync:	wait until taken
 * @dl:		blocking mode
 * @s:		outcome of a parked message
 * @parked:	@msg is parked and @s will say what became of it
 * @counted:	counted in @q->nr_send_wait
 * @exclusive:	waits for room, exclusively (not parked)
 * @fired:	arrival signal to deliver once the lock is dropped
 * @wk:		wake-ups owed once the lock is dropped
 */
struct kipc_send_op {
	struct kipc_queue *q;
	struct kipc_msg *msg;
	bool sync;
	const struct kipc_deadline *dl;
	struct kipc_sync s;
	bool parked;
	bool counted;
	bool exclusive;
	struct kipc_notify_reg fired;
	struct kipc_wakes *wk;
};

/* kipc_wait() condition of a sender; q->lock held. */
static int kipc_send_ready(void *arg)
{
	struct kipc_send_op *op = arg;
	struct kipc_queue *q = op->q;
	struct kipc_msg *msg = op->msg;

	if (op->parked)
		return op->s.done ? 1 : 0;
	if (q->dead)
		return q->dead;
	if (msg->len > q->lim.msg_max)
		return -EMSGSIZE;
	msg->mbox_id = q->mbox_id;
	if (op->sync || !q->lim.max_msgs) {
		if (op->dl->nonblock) {
			/* Meet a waiting receiver no parked message is
			 * promised to, or fail.
			 */
			if (q->nr_take_wait <= q->parked)
				return -EAGAIN;
			msg->state |= KIPC_MSGS_PARKED;
			kipc_enqueue(q, msg, &op->fired, op->wk);
			op->msg = NULL;
			return 1;
		}
		msg->state |= KIPC_MSGS_PARKED;
		msg->flags |= KIPC_MSG_SYNC;
		msg->sync = &op->s;
		kipc_enqueue(q, msg, &op->fired, op->wk);
		op->parked = true;
		/* We sleep next: the taker must be woken before. */
		kipc_wakes_flush(q, op->wk);
	} else if (kipc_has_room(q, msg->len)) {
		kipc_enqueue(q, msg, &op->fired, op->wk);
		op->msg = NULL;
		return 1;
	}
	op->exclusive = !op->parked;
	if (!op->counted) {
		op->counted = true;
		q->nr_send_wait++;
	}
	return 0;
}

/*
 * Send as @op says; returns with q->lock held. On error nothing was sent
 * and op->msg is still the caller's.
 */
static int kipc_send_locked(struct kipc_send_op *op)
	__acquires(&op->q->lock)
{
	struct kipc_queue *q = op->q;
	struct kipc_msg *msg;
	int ret;

	for (;;) {
		ret = kipc_queue_perm(q, MAY_WRITE);
		spin_lock(&q->lock);
		if (!ret)
			ret = kipc_wait_locked_excl(&q->send_wq, &q->lock, op->dl,
						    kipc_send_ready, op,
						    &op->exclusive);
		if (ret)
			break;
		spin_unlock(&q->lock);
	}
	if (op->counted) {
		q->nr_send_wait--;
		op->counted = false;
		/* We may have used another's wake-up: pass it on. */
		if (op->exclusive && q->nr_send_wait && kipc_room_left(q))
			op->wk->send = true;
	}
	if (!op->parked)
		return ret > 0 ? 0 : ret;

	msg = op->msg;
	op->parked = false;
	if (op->s.done) {
		/* Taken (1) or discarded by the queue (< 0): not ours. */
		op->msg = NULL;
		return op->s.done > 0 ? 0 : op->s.done;
	}
	/* Timed out, interrupted or refused: withdraw it. */
	msg->sync = NULL;
	if (msg->state & KIPC_MSGS_DELIVERING) {
		/* Being copied: the receiver discards it and looks again. */
		msg->state |= KIPC_MSGS_WITHDRAWN;
		op->msg = NULL;
		return ret;
	}
	kipc_unlink(q, msg);
	msg->state &= ~KIPC_MSGS_PARKED;
	msg->flags &= ~KIPC_MSG_SYNC;
	return ret;
}

/**
 * kipc_queue_send() - queue a message, waiting as the deadline allows
 * @q:		destination
 * @msg:	the message; always consumed (queued or freed)
 * @sync:	complete only once a receiver took it (KIPC_SEND_SYNC); implied
 *		by a rendezvous queue
 * @dl:		blocking mode
 *
 * Return: 0 once queued (or taken when synchronous), -EACCES, -EMSGSIZE,
 * @q->dead, -EAGAIN, -ETIMEDOUT or -ERESTARTSYS. On error nothing was sent.
 */
int kipc_queue_send(struct kipc_queue *q, struct kipc_msg *msg, bool sync,
		    const struct kipc_deadline *dl)
{
	struct kipc_wakes wk = KIPC_WAKES_INIT(wk);
	struct kipc_send_op op = {
		.q = q,
		.msg = msg,
		.sync = sync,
		.dl = dl,
		.wk = &wk,
	};
	/* The message may be gone once sent: what the trace event says. */
	u64 sender = msg->sender_id;
	u32 len = msg->len, prio = msg->prio, flags = msg->flags;
	int ret;

	ret = kipc_send_locked(&op);
	spin_unlock(&q->lock);
	kipc_wakes_flush(q, &wk);
	trace_kipc_send(sender, q->id, len, prio, flags, ret);
	kipc_notify_deliver(&op.fired);
	kipc_msg_free(op.msg);
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
	struct kipc_wakes wk = KIPC_WAKES_INIT(wk);
	struct kipc_send_op op = { .q = q, .msg = msgs[0], .dl = dl, .wk = &wk };
	u64 sender = msgs[0]->sender_id;
	struct kipc_notify_reg fired;
	u32 i = 0, len, prio;
	int ret;

	len = msgs[0]->len;
	prio = msgs[0]->prio;
	ret = kipc_send_locked(&op);
	msgs[0] = op.msg;
	fired = op.fired;
	trace_kipc_send(sender, q->id, len, prio, 0, ret);
	/* The others go only while they fit, under this lock hold. */
	for (i = ret ? 0 : 1; !ret && i < n; i++) {
		struct kipc_send_op more = {
			.q = q, .msg = msgs[i], .dl = &nb, .wk = &wk,
		};

		len = msgs[i]->len;
		prio = msgs[i]->prio;
		/* Permission was checked for the first. */
		ret = kipc_wait_locked(&q->send_wq, &q->lock, &nb,
				       kipc_send_ready, &more);
		ret = ret > 0 ? 0 : ret;
		if (more.counted)
			q->nr_send_wait--;
		msgs[i] = more.msg;
		if (more.fired.pid)
			fired = more.fired;
		trace_kipc_send(sender, q->id, len, prio, 0, ret);
		if (ret)
			break;
	}
	spin_unlock(&q->lock);
	kipc_wakes_flush(q, &wk);
	kipc_notify_deliver(&fired);
	*sent = i;
	for (i = 0; i < n; i++)
		kipc_msg_free(msgs[i]);
	return ret;
}

/**
 * kipc_deliver() - copy a message out to its receiver
 * @rx:		the receive: header and length go into rx->out, the payload
 *		to the user buffer, then rx->out back to user space (a plain
 *		read() wants neither header nor struct: no rx->hdr, rx->uout)
 * @msg:	the message, claimed or taken by the caller
 *
 * No lock is held: the copies may fault.
 *
 * Return: 0, -EMSGSIZE (the header and struct are still written) or
 * -EFAULT.
 */
int kipc_deliver(struct kipc_rx *rx, const struct kipc_msg *msg)
{
	if (rx->hdr)
		kipc_fill_hdr(rx->hdr, msg);
	*rx->len = msg->len;
	if (rx->type)
		*rx->type = msg->type;
	if (rx->seq_out)
		*rx->seq_out = msg->seq;
	if (msg->len > rx->buf_len) {
		if (rx->uout && copy_to_user(rx->uout, rx->out, rx->out_size))
			return -EFAULT;
		return -EMSGSIZE;
	}
	if (rx->iter && msg->len) {
		/* A retry (the message was withdrawn) starts again. */
		iov_iter_revert(rx->iter, rx->iter_done);
		rx->iter_done = copy_to_iter(msg->data, msg->len, rx->iter);
		if (rx->iter_done != msg->len)
			return -EFAULT;
	} else if (msg->len &&
		   copy_to_user(u64_to_user_ptr(rx->buf), msg->data, msg->len)) {
		return -EFAULT;
	}
	if (rx->uout && copy_to_user(rx->uout, rx->out, rx->out_size))
		return -EFAULT;
	return 0;
}

/*
 * A receiver gives back the message claimed for it without taking it: to
 * the next taker, or to the queue at its place.
 */
static void kipc_recv_give_back(struct kipc_recv_op *op,
				struct kipc_wakes *wk)
{
	struct kipc_msg *msg = op->msg;

	op->msg = NULL;
	if (op->handed) {
		op->handed = false;
		kipc_link(op->q, msg);
	} else {
		kipc_unclaim(op->q, msg);
	}
	kipc_dispatch(op->q, msg, wk);
}

/*
 * The message numbered @seq, claimed or not, or NULL. kipc_enqueue() is
 * the only way into a queue and numbers in order, so numbers grow along
 * each level's list: a level's search ends at the first higher number.
 */
static struct kipc_msg *kipc_find_seq(struct kipc_queue *q, u64 seq)
{
	unsigned long levels = q->nonempty;
	struct kipc_msg *msg;
	struct rb_node *rb;
	unsigned int lvl;

	for (rb = rb_first_cached(&q->high); rb; rb = rb_next(rb)) {
		msg = rb_entry(rb, struct kipc_msg, rb);
		if (msg->seq == seq)
			return msg;
	}
	while (levels) {
		lvl = __fls(levels);
		list_for_each_entry(msg, &q->levels[lvl], node) {
			if (msg->seq == seq)
				return msg;
			if (msg->seq > seq)
				break;
		}
		__clear_bit(lvl, &levels);
	}
	return NULL;
}

/*
 * KIPC_RECV_SEQ: claim that message, or fail at once. A message another
 * receiver is copying may stay (a peek, a failed copy): -EAGAIN, not
 * -ENOMSG.
 */
static int kipc_claim_seq(struct kipc_recv_op *op)
{
	struct kipc_msg *msg = kipc_find_seq(op->q, op->rx->seq);

	if (!msg)
		return -ENOMSG;
	if (msg->state & KIPC_MSGS_DELIVERING)
		return -EAGAIN;
	kipc_claim(op->q, msg);
	op->msg = msg;
	return 1;
}

/* kipc_wait() condition of a receiver; q->lock held. */
static int kipc_recv_ready(void *arg)
{
	struct kipc_recv_op *op = arg;
	struct kipc_queue *q = op->q;
	struct kipc_msg *msg;

	if (op->msg) {
		/*
		 * Handed to us while we waited: ours even if a signal or the
		 * deadline came too, unless we are dying and would take it
		 * with us.
		 */
		if (fatal_signal_pending(current)) {
			kipc_recv_give_back(op, NULL);
			return -EINTR;
		}
		return 1;
	}
	if (q->dead)
		return q->dead;
	if (op->rx->by_seq)
		return kipc_claim_seq(op);
	msg = kipc_find(q, op->rx);
	if (msg) {
		kipc_claim(q, msg);
		op->msg = msg;
		return 1;
	}
	if (!op->counted) {
		op->counted = true;
		kipc_recv_count(q, op->rx->peek);
		if (op->taker)
			list_add_tail(&op->node, &q->takers);
	}
	return 0;
}

/*
 * After copying the claimed op->msg out (@copied: 0 or its error), take
 * it, or leave it where it was, offered again to parked receives and
 * takers (wake-ups and completions owed go to @wk). Returns the message
 * to free once the lock is dropped; sets *@retry if the sender withdrew
 * it meanwhile.
 */
static struct kipc_msg *kipc_recv_settle(struct kipc_recv_op *op, int copied,
					 bool *retry, struct kipc_wakes *wk)
{
	struct kipc_queue *q = op->q;
	struct kipc_msg *msg = op->msg;

	lockdep_assert_held(&q->lock);
	*retry = false;
	if (op->handed) {
		/* Not copied: back to its place, unless the queue died. */
		if (!q->dead) {
			kipc_recv_give_back(op, wk);
			return NULL;
		}
		op->msg = NULL;
		op->handed = false;
		trace_kipc_drop(q->id, msg->sender_id, msg->len, q->dead);
		return msg;
	}
	op->msg = NULL;
	if (msg->state & KIPC_MSGS_WITHDRAWN) {
		trace_kipc_drop(q->id, msg->sender_id, msg->len, -ECANCELED);
		kipc_unlink(q, msg);
		wk->send = true;
		*retry = true;
		return msg;
	}
	if (!copied && !op->rx->peek) {
		kipc_unlink(q, msg);
		kipc_taken_by(q, current);
		if (msg->sync) {
			msg->sync->done = 1;
			msg->sync = NULL;
		}
		if (msg->txn)
			kipc_txn_received(msg->txn, op->rx->ep);
		if (q->nr_send_wait)
			trace_kipc_wake(q->id, false, q->nr_send_wait);
		wk->send = true;
		return msg;
	}
	if (q->dead) {
		/* Deleted meanwhile: what was left behind goes with it. */
		trace_kipc_drop(q->id, msg->sender_id, msg->len, q->dead);
		kipc_unlink(q, msg);
		if (msg->txn)
			kipc_txn_fail(msg->txn, q->dead_txn);
		if (msg->sync) {
			msg->sync->done = msg->txn ? q->dead_txn : q->dead;
			msg->sync = NULL;
			wake_up_interruptible_poll(&q->send_wq, EPOLLHUP);
		}
		return msg;
	}
	/* Peeked, or the copy failed: it stays at its place. */
	kipc_unclaim(q, msg);
	kipc_dispatch(q, msg, wk);
	return NULL;
}

/**
 * kipc_queue_recv() - receive or peek at the best matching message
 * @q:		source
 * @rx:		receiver's arguments; rx->hdr and rx->len are filled
 * @dl:		blocking mode
 *
 * The payload and the argument struct are copied out before the message is
 * dequeued, so on -EMSGSIZE or -EFAULT it stays queued, at its place.
 *
 * Return: 0, -EACCES, -EMSGSIZE, -EFAULT, @q->dead, -EAGAIN, -ETIMEDOUT,
 * -ERESTARTSYS, or -EINTR for a task being killed (nothing dequeued).
 */
int kipc_queue_recv(struct kipc_queue *q, struct kipc_rx *rx,
		    const struct kipc_deadline *dl)
{
	struct kipc_recv_op op = {
		.q = q,
		.rx = rx,
		.node = LIST_HEAD_INIT(op.node),
		.task = current,
		.taker = !rx->from && rx->sel == KIPC_SEL_ANY && !rx->peek &&
			 !rx->by_seq,
	};
	struct kipc_wakes wk = KIPC_WAKES_INIT(wk);
	struct kipc_msg *done;
	bool retry;
	int ret;

	for (;;) {
		/* Checked again after every sleep: a chmod stops us. */
		ret = kipc_queue_perm(q, MAY_READ);
		spin_lock(&q->lock);
		if (!ret)
			ret = kipc_wait_locked(op.taker ? &q->take_wq :
					       &q->recv_wq, &q->lock, dl,
					       kipc_recv_ready, &op);
		if (!ret) {
			spin_unlock(&q->lock);
			continue;
		}
		kipc_recv_uncount(&op);
		/* Refused after a sender handed us a message: give it back. */
		if (ret < 0 && op.msg)
			kipc_recv_give_back(&op, &wk);
		spin_unlock(&q->lock);
		kipc_wakes_flush(q, &wk);
		if (ret < 0) {
			trace_kipc_recv(rx->ep->obj.id, q->id, 0, 0, 0,
					rx->peek, ret);
			return ret;
		}

		/*
		 * A task being killed or exiting (an io-wq worker of such a
		 * process, too) would never see the message: leave it
		 * queued.
		 */
		if (kipc_current_dying())
			ret = -EINTR;
		else
			ret = kipc_deliver(rx, op.msg);
		trace_kipc_recv(rx->ep->obj.id, q->id, op.msg->sender_id,
				op.msg->len, op.msg->prio, rx->peek, ret);
		if (op.handed && !ret) {
			kipc_msg_free(op.msg);
			return 0;
		}

		spin_lock(&q->lock);
		done = kipc_recv_settle(&op, ret, &retry, &wk);
		spin_unlock(&q->lock);
		kipc_wakes_flush(q, &wk);
		kipc_msg_free(done);
		if (!retry || ret == -EINTR)
			return ret;
	}
}

/**
 * kipc_queue_take_many() - dequeue the next queued messages in one go
 * @q:		source
 * @rx:		the selection they must match (sender; any type)
 * @room:	the buffer size of each receive, in order: a message that does
 *		not fit stops the take, for its receive to report
 * @n:		at most this many
 * @msgs:	out: the messages, in receive order
 *
 * The batched path of a receive vector: one permission check and one
 * lock hold for a run of messages, instead of a claim and a settling
 * pass each. Only plain messages are taken (kipc_msg_plain(): nobody
 * waits on their fate), and only those already queued; the run stops at
 * the first other one, which the one-at-a-time path then receives. They
 * leave the queue now and are the caller's, who copies them out with
 * kipc_deliver() and frees them, or returns those it could not deliver
 * with kipc_queue_put_back().
 *
 * Return: how many were taken, 0 also when the receiver may not read or
 * is dying.
 */
u32 kipc_queue_take_many(struct kipc_queue *q, const struct kipc_rx *rx,
			 const u32 *room, u32 n, struct kipc_msg **msgs)
{
	struct kipc_wakes wk = KIPC_WAKES_INIT(wk);
	struct kipc_msg *msg;
	u32 k;

	if (kipc_queue_perm(q, MAY_READ) || kipc_current_dying())
		return 0;
	spin_lock(&q->lock);
	for (k = 0; k < n && !q->dead; k++) {
		msg = kipc_find(q, rx);
		if (!msg || !kipc_msg_plain(msg) || msg->len > room[k])
			break;
		kipc_unlink(q, msg);
		msgs[k] = msg;
	}
	if (k) {
		kipc_taken_by(q, current);
		if (q->nr_send_wait)
			trace_kipc_wake(q->id, false, q->nr_send_wait);
		wk.send = true;
	}
	spin_unlock(&q->lock);
	kipc_wakes_flush(q, &wk);
	return k;
}

/**
 * kipc_queue_put_back() - return messages taken but not delivered
 * @q:		their queue
 * @msgs:	@n messages from kipc_queue_take_many(), not delivered
 * @n:		how many
 *
 * Each goes back to its place (its number keeps it there) and is offered
 * to the receivers waiting; into a queue that died meanwhile they are
 * dropped with it.
 */
void kipc_queue_put_back(struct kipc_queue *q, struct kipc_msg **msgs, u32 n)
{
	struct kipc_wakes wk = KIPC_WAKES_INIT(wk);
	bool dead;
	u32 k;

	spin_lock(&q->lock);
	dead = q->dead;
	for (k = 0; k < n && !dead; k++) {
		kipc_link(q, msgs[k]);
		kipc_dispatch(q, msgs[k], &wk);
	}
	spin_unlock(&q->lock);
	kipc_wakes_flush(q, &wk);
	for (k = 0; k < n && dead; k++) {
		trace_kipc_drop(q->id, msgs[k]->sender_id, msgs[k]->len, dead);
		kipc_msg_free(msgs[k]);
	}
}

/*
 * Where a receive that is to park stands, q->lock held: the queue's
 * error, 1 with a message claimed for @rec, -ETIMEDOUT, or 0 once @rec is
 * parked (at the head of the line if @first, else at its end) and its
 * timer runs; from then on @rec belongs to whoever takes it.
 */
static int kipc_upark_look(struct kipc_queue *q, struct kipc_upark *rec,
			   bool first)
{
	struct kipc_msg *msg;

	lockdep_assert_held(&q->lock);
	if (q->dead)
		return q->dead;
	msg = kipc_find(q, &rec->rx);
	if (msg) {
		kipc_upark_claim(q, rec, msg);
		return 1;
	}
	if (rec->timed && ktime_compare(ktime_get(), rec->expires) >= 0)
		return -ETIMEDOUT;
	if (first)
		list_add(&rec->node, &q->uparked);
	else
		list_add_tail(&rec->node, &q->uparked);
	kipc_recv_count(q, rec->rx.peek);
	kipc_upark_set(rec, KIPC_UPARK_PARKED);
	if (rec->timed)
		hrtimer_start(&rec->timer, rec->expires, HRTIMER_MODE_ABS);
	return 0;
}

/**
 * kipc_queue_park() - park an io_uring receive that found nothing
 * @q:		the queue
 * @rec:	the record, state NEW, not on any list; the command is
 *		already marked cancelable
 * @handed:	out: @rec, if it is to be completed at once
 *
 * Looks once more under the lock, so no message sent since the receive's
 * non-blocking attempt is missed: a match is claimed for @rec (HANDOFF);
 * a dead queue or a passed deadline complete it with that error (DEAD);
 * both go to @handed. Otherwise @rec joins the parked receives and its
 * timer starts. Permission was checked by that attempt.
 */
void kipc_queue_park(struct kipc_queue *q, struct kipc_upark *rec,
		     struct list_head *handed)
{
	int ret;

	spin_lock(&q->lock);
	ret = kipc_upark_look(q, rec, false);
	if (ret) {
		rec->err = ret;
		kipc_upark_set(rec, ret > 0 ? KIPC_UPARK_HANDOFF :
					      KIPC_UPARK_DEAD);
		list_add_tail(&rec->node, handed);
	}
	spin_unlock(&q->lock);
}

/**
 * kipc_queue_unpark() - take a parked receive off its queue
 * @rec:	the record, owned by the caller (timed out or cancelled)
 */
void kipc_queue_unpark(struct kipc_upark *rec)
{
	struct kipc_queue *q = rec->q;

	spin_lock(&q->lock);
	kipc_upark_unlink(q, rec);
	spin_unlock(&q->lock);
}

/**
 * kipc_queue_upark_finish() - complete the receive of a handed-off record
 * @rec:	the record, state HANDOFF, its message claimed
 * @task_dead:	the submitter is exiting or the ring is going away: user
 *		memory is not to be touched, the message goes back
 * @handed:	out: records the message is offered to once it goes back
 *
 * Copies out and settles as kipc_queue_recv() does: taken on success; on
 * -EMSGSIZE or -EFAULT (or @task_dead) the message stays at its place. If
 * its sender withdrew it meanwhile, the receive looks again and may park
 * again (state PARKED, its timer restarted).
 *
 * Return: the receive's result (0, -EMSGSIZE, -EFAULT, -ECANCELED, the
 * queue's death, -ETIMEDOUT), or -EIOCBQUEUED if it parked again.
 */
int kipc_queue_upark_finish(struct kipc_upark *rec, bool task_dead,
			    struct list_head *handed)
{
	struct kipc_queue *q = rec->q;
	struct kipc_recv_op op = {
		.q = q,
		.rx = &rec->rx,
		.node = LIST_HEAD_INIT(op.node),
	};
	struct kipc_wakes wk = KIPC_WAKES_INIT(wk);
	struct kipc_msg *done;
	bool retry, again;
	int ret;

	for (;;) {
		op.msg = rec->msg;
		rec->msg = NULL;
		/*
		 * As a blocked receiver after each sleep: the submitter may
		 * have lost read permission (a chmod, a change of its
		 * credentials) while it waited; the message then stays.
		 */
		if (task_dead)
			ret = -ECANCELED;
		else
			ret = kipc_queue_perm(q, MAY_READ) ?:
			      kipc_deliver(&rec->rx, op.msg);
		trace_kipc_recv(rec->rx.ep->obj.id, q->id, op.msg->sender_id,
				op.msg->len, op.msg->prio, rec->rx.peek, ret);
		spin_lock(&q->lock);
		done = kipc_recv_settle(&op, ret, &retry, &wk);
		if (!retry || task_dead) {
			spin_unlock(&q->lock);
			break;
		}
		/* Withdrawn while we copied: look again, first in line. */
		ret = kipc_upark_look(q, rec, true);
		again = ret > 0;
		if (!ret)
			ret = -EIOCBQUEUED;	/* @rec is not ours now */
		spin_unlock(&q->lock);
		list_splice_tail_init(&wk.handed, handed);
		kipc_wakes_flush(q, &wk);
		kipc_msg_free(done);
		if (!again)
			return ret;
	}
	list_splice_tail_init(&wk.handed, handed);
	kipc_wakes_flush(q, &wk);
	kipc_msg_free(done);
	return ret;
}

/* Move @msg from a dying queue to @dropped. */
static void kipc_drop(struct kipc_queue *q, struct kipc_msg *msg,
		      struct list_head *dropped)
{
	trace_kipc_drop(q->id, msg->sender_id, msg->len, q->dead);
	kipc_unlink(q, msg);
	list_add_tail(&msg->node, dropped);
}

/**
 * kipc_queue_kill() - make a queue dead and discard its messages
 * @q:		the queue
 * @dead_err:	what later and blocked senders and receivers get
 * @txn_err:	what callers whose request is discarded get
 *
 * Wakes everyone; pollers see EPOLLHUP | EPOLLERR; parked io_uring
 * receives complete with @dead_err. A message being copied out stays with
 * its receiver, which takes it or discards it.
 */
void kipc_queue_kill(struct kipc_queue *q, int dead_err, int txn_err)
{
	struct rb_node *rb, *nrb;
	struct kipc_notify_reg reg;
	struct kipc_upark *rec, *nrec;
	struct kipc_msg *msg, *next;
	LIST_HEAD(dropped);
	LIST_HEAD(handed);
	int lvl;

	spin_lock(&q->lock);
	q->dead = dead_err;
	q->dead_txn = txn_err;
	for (rb = rb_first_cached(&q->high); rb; rb = nrb) {
		nrb = rb_next(rb);
		msg = rb_entry(rb, struct kipc_msg, rb);
		if (!(msg->state & KIPC_MSGS_DELIVERING))
			kipc_drop(q, msg, &dropped);
	}
	for (lvl = 0; lvl < KIPC_QUEUE_LEVELS; lvl++) {
		list_for_each_entry_safe(msg, next, &q->levels[lvl], node)
			if (!(msg->state & KIPC_MSGS_DELIVERING))
				kipc_drop(q, msg, &dropped);
	}
	list_for_each_entry_safe(rec, nrec, &q->uparked, node) {
		if (!kipc_upark_take(rec, KIPC_UPARK_DEAD))
			continue;	/* its timer or cancellation unlinks it */
		rec->err = dead_err;
		kipc_upark_unlink(q, rec);
		list_add_tail(&rec->node, &handed);
	}
	list_for_each_entry(msg, &dropped, node) {
		if (msg->txn)
			kipc_txn_fail(msg->txn, txn_err);
		if (msg->sync) {
			/* The blocked sender frees nothing; we do. */
			msg->sync->done = msg->txn ? txn_err : dead_err;
			msg->sync = NULL;
		}
	}
	reg = q->notify;
	memset(&q->notify, 0, sizeof(q->notify));
	kipc_wake_all(&q->take_wq, EPOLLHUP | EPOLLERR | EPOLLIN);
	kipc_wake_all(&q->recv_wq, EPOLLHUP | EPOLLERR | EPOLLIN);
	kipc_wake_all(&q->send_wq, EPOLLHUP | EPOLLERR | EPOLLOUT);
	spin_unlock(&q->lock);

	kipc_upark_schedule(&handed);
	kipc_notify_clear(&reg);
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
	spin_lock(&q->lock);
	q->lim = *l;
	kipc_wake_all(&q->send_wq, EPOLLOUT | EPOLLWRNORM);
	spin_unlock(&q->lock);
}

/*
 * A pid number of the initial namespace as the caller's pid namespace sees
 * it. A caller of the initial namespace gets it as it is, also once that
 * process is gone (as SysV's msg_lspid); elsewhere 0 if it is gone or not
 * visible. The number may have been reused since it was stored, as any
 * stored pid number can be.
 */
static pid_t kipc_pid_vnr(pid_t nr)
{
	struct pid *pid;
	pid_t vnr;

	if (!nr || task_active_pid_ns(current) == &init_pid_ns)
		return nr;
	rcu_read_lock();
	pid = find_pid_ns(nr, &init_pid_ns);
	vnr = pid ? pid_vnr(pid) : 0;
	rcu_read_unlock();
	return vnr;
}

/**
 * kipc_queue_info() - fill the queue part of a struct kipc_info
 * @q:		the queue
 * @info:	output (depth .. nr_receivers, send_pid .. recv_time)
 *
 * A lockless snapshot: each field is current, together they may be from
 * moments apart.
 */
void kipc_queue_info(struct kipc_queue *q, struct kipc_info *info)
{
	info->depth = READ_ONCE(q->depth);
	info->bytes = READ_ONCE(q->bytes);
	info->max_msgs = READ_ONCE(q->lim.max_msgs);
	info->max_bytes = READ_ONCE(q->lim.max_bytes);
	info->msg_max = READ_ONCE(q->lim.msg_max);
	info->nr_senders = READ_ONCE(q->nr_send_wait);
	info->nr_receivers = READ_ONCE(q->nr_recv_wait);
	info->send_pid = kipc_pid_vnr(READ_ONCE(q->send_pid));
	info->recv_pid = kipc_pid_vnr(READ_ONCE(q->recv_pid));
	info->send_time = READ_ONCE(q->send_time);
	info->recv_time = READ_ONCE(q->recv_time);
}

/**
 * kipc_queue_poll() - poll state of a queue
 * @q:		the queue
 * @file:	the polled file
 * @pt:		poll table
 * @is_mbox:	mailbox semantics for EPOLLOUT (else always writable)
 *
 * Return: EPOLLIN when a message is queued that no receiver is copying;
 * EPOLLOUT as documented in the uapi header; EPOLLHUP | EPOLLERR once the
 * queue is dead.
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
	if (READ_ONCE(q->depth) > READ_ONCE(q->delivering))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!is_mbox) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (READ_ONCE(q->lim.max_msgs)) {
		if (READ_ONCE(q->used_msgs) < READ_ONCE(q->lim.max_msgs) &&
		    READ_ONCE(q->used_bytes) < READ_ONCE(q->lim.max_bytes))
			mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (READ_ONCE(q->nr_take_wait) > READ_ONCE(q->parked)) {
		/* Only a receiver that takes messages can meet a sender. */
		mask |= EPOLLOUT | EPOLLWRNORM;
	}
	return mask;
}
