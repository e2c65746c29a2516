// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring receives that wait as requests, not threads.
 *
 * A RECV issued as IORING_OP_URING_CMD that finds no message parks (and
 * so does an XFER's first receive, whose completion then takes what
 * else is queued into its next entries without waiting): a
 * small record (struct kipc_upark: a kernel copy of what the receiver
 * asked for, and its deadline) joins its queue's list of parked receives,
 * the command is marked cancelable and ->uring_cmd returns -EIOCBQUEUED.
 * No task sleeps for it. Memory is charged to the submitter's cgroup and
 * bounded by io_uring's own limit on requests in flight.
 *
 * The record's state, in the command's pdu (which lives as long as the
 * request), says who completes it. It leaves PARKED once, by cmpxchg:
 *   HANDOFF   a sender claimed a message for it (queue.c, under q->lock)
 *   DEAD      its queue died (kipc_queue_kill(), under q->lock)
 *   TIMEDOUT  its hrtimer fired (hard irq: no q->lock, just the cmpxchg)
 *   CANCELLED io_uring's cancel hook (ring exit, task exit)
 * The first three schedule kipc_upark_complete() in the submitting task,
 * where user memory is the receiver's: it copies the message out and
 * settles exactly as a blocking receive does, or completes with the
 * timeout or the queue's error. The cancel hook completes at once. The
 * winner owns the record: it unlinks it if needed, stops its timer and
 * frees it before io_uring_cmd_done(). Everyone else only tries the
 * cmpxchg, on a record they found on the queue's list under q->lock.
 *
 * A completion that runs while the task exits or the ring goes away
 * (IO_URING_F_TASK_DEAD) must not touch user memory; neither does one run
 * by a task that is being killed (its task work runs before it begins to
 * exit). The message claimed for it goes back to its place and the
 * command ends with -ECANCELED: a cancelled receive eats no message.
 *
 * Only kernels with the uring_cmd cancel hook park (see compat.h): on the
 * others a parked command would make ring exit wait forever, so a RECV
 * that must wait is retried from io-wq as before (ioctl.c).
 */
#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "compat.h"
#include "kipc_internal.h"

/**
 * kipc_upark_pdu() - what a parked command keeps in its pdu
 * @ioucmd:	the command
 *
 * Return: its struct kipc_upark_pdu.
 */
struct kipc_upark_pdu *kipc_upark_pdu(struct io_uring_cmd *ioucmd)
{
	BUILD_BUG_ON(sizeof(struct kipc_upark_pdu) > KIPC_URING_PDU_SIZE);
	return kipc_uring_cmd_pdu(ioucmd);
}

/**
 * kipc_uwait_take() - become the one who completes a parked command
 * @ioucmd:	the command, not completed yet
 * @to:		the new state
 *
 * Return: true if it was PARKED and is now the caller's.
 */
bool kipc_uwait_take(struct io_uring_cmd *ioucmd, enum kipc_upark_state to)
{
	return atomic_cmpxchg(&kipc_upark_pdu(ioucmd)->state,
			      KIPC_UPARK_PARKED, to) == KIPC_UPARK_PARKED;
}

/**
 * kipc_upark_take() - become the one who completes a parked receive
 * @rec:	the record; the caller found it on its queue's list under
 *		the queue's lock, or is its timer
 * @to:		what completes it (HANDOFF, DEAD, TIMEDOUT)
 *
 * Return: true if @rec was PARKED and is now the caller's.
 */
bool kipc_upark_take(struct kipc_upark *rec, enum kipc_upark_state to)
{
	return kipc_uwait_take(rec->ioucmd, to);
}

/**
 * kipc_upark_set() - set the state of a record the caller owns
 * @rec:	the record, not PARKED (new, or handed off to the caller)
 * @state:	its new state
 */
void kipc_upark_set(struct kipc_upark *rec, enum kipc_upark_state state)
{
	atomic_set(&kipc_upark_pdu(rec->ioucmd)->state, state);
}

/* Task work: the submitter completes what was decided for its record. */
static void kipc_upark_complete(struct io_uring_cmd *ioucmd,
				unsigned int issue_flags)
{
	struct kipc_upark_pdu *pdu = kipc_upark_pdu(ioucmd);
	struct kipc_upark *rec = pdu->rec;
	/*
	 * A task being killed or exiting runs its task work before it is
	 * marked exiting (io_uring's cancellation runs first in do_exit()):
	 * it will never see a message, so it does not take one.
	 */
	bool dead = kipc_uring_task_dead(issue_flags) || kipc_current_dying();
	LIST_HEAD(handed);
	int ret;

	/* A fired timer may still be running its callback. */
	if (rec->timed)
		hrtimer_cancel(&rec->timer);
	switch (atomic_read(&pdu->state)) {
	case KIPC_UPARK_HANDOFF:
		ret = kipc_queue_upark_finish(rec, dead, &handed);
		kipc_upark_schedule(&handed);
		if (ret == -EIOCBQUEUED)
			return;		/* parked again: no longer ours */
		break;
	case KIPC_UPARK_TIMEDOUT:
		kipc_queue_unpark(rec);
		ret = -ETIMEDOUT;
		break;
	default:			/* KIPC_UPARK_DEAD */
		ret = rec->err;
		break;
	}
	if (rec->is_xfer)
		ret = kipc_xfer_parked_done(rec, ret, dead);
	kfree(rec);
	kipc_uring_done(ioucmd, ret, issue_flags);
}

static enum hrtimer_restart kipc_upark_timeout(struct hrtimer *timer)
{
	struct kipc_upark *rec = container_of(timer, struct kipc_upark, timer);

	if (kipc_upark_take(rec, KIPC_UPARK_TIMEDOUT))
		kipc_uring_in_task(rec->ioucmd, kipc_upark_complete);
	return HRTIMER_NORESTART;
}

/**
 * kipc_upark_schedule() - have the submitters complete handed-off records
 * @handed:	records whose state the caller moved from PARKED, linked by
 *		their node; emptied
 *
 * Call after dropping the queue lock (safe under it too: io_uring allows
 * it from hard irq context). A record is not touched once scheduled.
 */
void kipc_upark_schedule(struct list_head *handed)
{
	struct kipc_upark *rec, *next;

	list_for_each_entry_safe(rec, next, handed, node) {
		list_del_init(&rec->node);
		kipc_uring_in_task(rec->ioucmd, kipc_upark_complete);
	}
}

/* A new record for @ctx's command on @q, until @dl; NULL: -ENOMEM. */
static struct kipc_upark *kipc_upark_alloc(struct kipc_ctx *ctx,
					   struct kipc_queue *q,
					   const struct kipc_deadline *dl)
{
	struct kipc_upark *rec = kzalloc(sizeof(*rec), GFP_KERNEL_ACCOUNT);

	if (!rec)
		return NULL;
	INIT_LIST_HEAD(&rec->node);
	rec->q = q;
	rec->ioucmd = ctx->ioucmd;
	rec->timed = dl->timed;
	rec->expires = dl->expires;
	hrtimer_init(&rec->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	rec->timer.function = kipc_upark_timeout;
	return rec;
}

/* Park @rec, filled in: from here on others may complete it. */
static int kipc_upark_start(struct kipc_ctx *ctx, struct kipc_upark *rec)
{
	struct kipc_upark_pdu *pdu = kipc_upark_pdu(ctx->ioucmd);
	LIST_HEAD(handed);

	pdu->rec = rec;
	pdu->call = false;
	atomic_set(&pdu->state, KIPC_UPARK_NEW);
	/* Before anyone can complete it: io_uring_cmd_done() unmarks it. */
	kipc_uring_mark_cancelable(ctx->ioucmd, ctx->issue_flags);
	kipc_queue_park(rec->q, rec, &handed);
	kipc_upark_schedule(&handed);
	return -EIOCBQUEUED;
}

/**
 * kipc_uring_park_recv() - park an io_uring RECV that found no message
 * @ctx:	the command (@ctx->park set)
 * @q:		the queue it receives from
 * @karg:	its argument, copied in
 * @rx:		what it asked for (pointing into @karg)
 * @dl:		its deadline; not non-blocking by the caller's choice
 *
 * Return: -EIOCBQUEUED once parked (the command completes later, with
 * io_uring_cmd_done()); -ETIMEDOUT if the deadline has passed, -ENOMEM:
 * nothing parked then.
 */
int kipc_uring_park_recv(struct kipc_ctx *ctx, struct kipc_queue *q,
			 const struct kipc_recv *karg,
			 const struct kipc_rx *rx,
			 const struct kipc_deadline *dl)
{
	struct kipc_upark *rec;

	if (dl->timed && ktime_compare(ktime_get(), dl->expires) >= 0)
		return -ETIMEDOUT;
	rec = kipc_upark_alloc(ctx, q, dl);
	if (!rec)
		return -ENOMEM;
	rec->karg = *karg;
	/* Every pointer of @rx into the argument moves to our copy. */
	rec->rx = *rx;
	rec->rx.hdr = &rec->karg.hdr;
	rec->rx.len = &rec->karg.len;
	rec->rx.type = rx->type ? &rec->karg.type : NULL;
	rec->rx.seq_out = rx->seq_out ? &rec->karg.seq : NULL;
	rec->rx.out = &rec->karg;
	return kipc_upark_start(ctx, rec);
}

/**
 * kipc_uring_park_xfer() - park an io_uring XFER whose first receive
 *	found no message
 * @ctx:	the command (@ctx->park set)
 * @x:		its argument, checked
 * @sent:	what its send phase sent (all it asked for)
 * @dl:		its deadline; not non-blocking by the caller's choice
 *
 * The first receive entry parks as a RECV would; its completion takes
 * what else is queued into the next entries (kipc_xfer_parked_done()).
 *
 * Return: -EIOCBQUEUED once parked; otherwise, with nothing parked, the
 * XFER's error (-ETIMEDOUT, -ENOMEM, -EFAULT), its counts written back.
 */
int kipc_uring_park_xfer(struct kipc_ctx *ctx, const struct kipc_xfer *x,
			 u32 sent, const struct kipc_deadline *dl)
{
	struct kipc_xfer __user *ux = ctx->uarg;
	struct kipc_upark *rec;
	int ret = -ETIMEDOUT;

	if (dl->timed && ktime_compare(ktime_get(), dl->expires) >= 0)
		goto fail;
	ret = -ENOMEM;
	rec = kipc_upark_alloc(ctx, kipc_ctx_queue(ctx), dl);
	if (!rec)
		goto fail;
	rec->is_xfer = true;
	rec->xfer.x = *x;
	rec->xfer.ux = ux;
	rec->xfer.sent = sent;
	ret = kipc_xfer_rx(&rec->xfer.x, 0, ctx->ep, &rec->xfer.ent, &rec->rx);
	if (!ret)
		return kipc_upark_start(ctx, rec);
	kfree(rec);
fail:
	/* As the ioctl: the counts say what moved. */
	if (put_user(sent, &ux->sent) && !sent)
		ret = -EFAULT;
	return ret;
}

/**
 * kipc_uring_cancel() - io_uring's cancel hook for a parked command
 * @ioucmd:	a command kipc marked cancelable, not yet completed
 * @issue_flags: IO_URING_F_CANCEL and what io_uring_cmd_done() needs
 *
 * Completes the command (a RECV, or a CALL waiting for its reply, see
 * uring_call.c) with -ECANCELED if it is still parked. If a message was
 * handed to it, or it timed out or its queue died, its completion is
 * already scheduled and finishes it (a handed-off message goes back to
 * its place if the task is exiting); io_uring calls this again until the
 * command is gone.
 */
void kipc_uring_cancel(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct kipc_upark_pdu *pdu = kipc_upark_pdu(ioucmd);
	struct kipc_upark *rec;

	if (!kipc_uwait_take(ioucmd, KIPC_UPARK_CANCELLED))
		return;
	if (pdu->call) {
		kipc_ucall_cancelled(ioucmd, issue_flags);
		return;
	}
	rec = pdu->rec;
	if (rec->timed)
		hrtimer_cancel(&rec->timer);
	kipc_queue_unpark(rec);
	kfree(rec);
	kipc_uring_done(ioucmd, -ECANCELED, issue_flags);
}
