// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring CALLs that wait for their reply as requests, not threads.
 *
 * Where io_uring has the uring_cmd cancel hook (see compat.h), a CALL
 * sends its request at once (inline, without waiting: if the destination
 * is full, nothing has happened and io_uring retries the whole CALL from
 * io-wq, which may wait to send and then parks the same way), then parks
 * its wait for the outcome: a record (struct kipc_ucall) holding the
 * transaction and a kernel copy of the argument is hung on the
 * transaction (kipc_txn.uwait), the command is marked cancelable and
 * ->uring_cmd returns -EIOCBQUEUED.
 *
 * Its state lives in the command's pdu, as a parked RECV's does
 * (uring_park.c), and leaves PARKED once, by cmpxchg: DONE when the
 * transaction finishes (the REPLY, the server endpoint closing, the
 * request discarded with its queue: call.c, under the transaction's lock),
 * TIMEDOUT when its hrtimer fires, CANCELLED by io_uring's cancel hook.
 * The first two complete the command in the submitter's task, which
 * copies the reply out as the ioctl does; a cancelled or timed-out call
 * is abandoned (a later REPLY finds nothing, its request may still be
 * received), as an io-wq CALL interrupted by a cancellation is.
 */
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "compat.h"
#include "kipc_internal.h"
#include "trace.h"

/**
 * struct kipc_ucall - an io_uring CALL waiting for its outcome
 * @ioucmd:	the command; its pdu holds the state
 * @txn:	the transaction (the caller's reference)
 * @karg:	kernel copy of the argument; the outputs are filled in and
 *		copied back at completion
 * @uarg:	the argument in user space
 * @usize:	bytes of it to copy back
 * @ep_id:	the calling endpoint, for the trace event
 * @timed:	@timer runs until @expires (CLOCK_MONOTONIC)
 * @expires:	the call's deadline
 * @timer:	moves PARKED to TIMEDOUT (hard irq: nothing else)
 */
struct kipc_ucall {
	struct io_uring_cmd *ioucmd;
	struct kipc_txn *txn;
	struct kipc_call karg;
	void __user *uarg;
	size_t usize;
	u64 ep_id;
	bool timed;
	ktime_t expires;
	struct hrtimer timer;
};

static void kipc_ucall_free(struct kipc_ucall *uc)
{
	kipc_txn_put(uc->txn);
	kfree(uc);
}

/* Task work: the submitter completes its call, DONE or TIMEDOUT. */
static void kipc_ucall_complete(struct io_uring_cmd *ioucmd,
				unsigned int issue_flags)
{
	struct kipc_ucall *uc = kipc_upark_pdu(ioucmd)->rec;
	struct kipc_ctx ctx = { .uarg = uc->uarg, .usize = uc->usize };
	struct kipc_msg *reply;
	int ret;

	if (uc->timed)
		hrtimer_cancel(&uc->timer);
	/* The outcome, even if the timer fired as it came. */
	ret = kipc_txn_unpark_uring(uc->txn, &reply);
	if (!ret && (kipc_uring_task_dead(issue_flags) ||
		     kipc_current_dying()))
		ret = -ECANCELED;	/* nobody is left to see the reply */
	else if (!ret)
		ret = kipc_call_deliver(&ctx, &uc->karg, reply);
	kipc_msg_free(reply);
	trace_kipc_call(uc->ep_id, kipc_txn_token(uc->txn),
			ret ? 0 : uc->karg.reply_len, ret);
	kipc_ucall_free(uc);
	kipc_uring_done(ioucmd, ret, issue_flags);
}

static enum hrtimer_restart kipc_ucall_timeout(struct hrtimer *timer)
{
	struct kipc_ucall *uc = container_of(timer, struct kipc_ucall, timer);

	if (kipc_uwait_take(uc->ioucmd, KIPC_UPARK_TIMEDOUT))
		kipc_uring_in_task(uc->ioucmd, kipc_ucall_complete);
	return HRTIMER_NORESTART;
}

/**
 * kipc_ucall_parked() - the call now waits; under the transaction's lock
 * @uc:		the record, hung on its transaction
 */
void kipc_ucall_parked(struct kipc_ucall *uc)
{
	atomic_set(&kipc_upark_pdu(uc->ioucmd)->state, KIPC_UPARK_PARKED);
	if (uc->timed)
		hrtimer_start(&uc->timer, uc->expires, HRTIMER_MODE_ABS);
}

/**
 * kipc_ucall_finish() - the call's transaction is done
 * @uc:		the record; called under the transaction's lock
 *
 * Schedules the completion unless the timer or a cancellation was first
 * (safe under the lock: io_uring allows it from hard irq context).
 */
void kipc_ucall_finish(struct kipc_ucall *uc)
{
	if (kipc_uwait_take(uc->ioucmd, KIPC_UPARK_HANDOFF))
		kipc_uring_in_task(uc->ioucmd, kipc_ucall_complete);
}

/**
 * kipc_ucall_cancelled() - io_uring cancelled a waiting call
 * @ioucmd:	the command, whose state the caller moved to CANCELLED
 * @issue_flags: what io_uring_cmd_done() needs
 *
 * The call is abandoned, as when the io-wq worker of a waiting CALL is
 * cancelled; a reply that came meanwhile is dropped.
 */
void kipc_ucall_cancelled(struct io_uring_cmd *ioucmd,
			  unsigned int issue_flags)
{
	struct kipc_ucall *uc = kipc_upark_pdu(ioucmd)->rec;
	struct kipc_msg *reply;

	if (uc->timed)
		hrtimer_cancel(&uc->timer);
	kipc_txn_unpark_uring(uc->txn, &reply);
	kipc_msg_free(reply);
	trace_kipc_call(uc->ep_id, kipc_txn_token(uc->txn), 0, -ECANCELED);
	kipc_ucall_free(uc);
	kipc_uring_done(ioucmd, -ECANCELED, issue_flags);
}

/**
 * kipc_ucall_alloc() - the record of a CALL that will park, allocated
 *	before its request is sent, so that a failure sends nothing
 *
 * Return: the record, or NULL (-ENOMEM).
 */
struct kipc_ucall *kipc_ucall_alloc(void)
{
	return kzalloc(sizeof(struct kipc_ucall), GFP_KERNEL_ACCOUNT);
}

/**
 * kipc_ucall_discard() - free a record that was not used
 * @uc:		from kipc_ucall_alloc(), or NULL
 */
void kipc_ucall_discard(struct kipc_ucall *uc)
{
	kfree(uc);
}

/**
 * kipc_uring_park_call() - park an io_uring CALL's wait for its reply
 * @ctx:	the command (@ctx->park set)
 * @uc:		its record, from kipc_ucall_alloc(); taken over
 * @karg:	its argument, copied in
 * @txn:	its transaction, the request sent; the reference is taken over
 * @dl:		the call's deadline
 *
 * Return: -EIOCBQUEUED: the command completes later.
 */
int kipc_uring_park_call(struct kipc_ctx *ctx, struct kipc_ucall *uc,
			 const struct kipc_call *karg, struct kipc_txn *txn,
			 const struct kipc_deadline *dl)
{
	struct kipc_upark_pdu *pdu = kipc_upark_pdu(ctx->ioucmd);

	uc->ioucmd = ctx->ioucmd;
	uc->txn = txn;
	uc->karg = *karg;
	uc->uarg = ctx->uarg;
	uc->usize = ctx->usize;
	uc->ep_id = ctx->ep->obj.id;
	uc->timed = dl->timed;
	uc->expires = dl->expires;
	hrtimer_init(&uc->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	uc->timer.function = kipc_ucall_timeout;

	pdu->rec = uc;
	pdu->call = true;
	atomic_set(&pdu->state, KIPC_UPARK_NEW);
	kipc_uring_mark_cancelable(ctx->ioucmd, ctx->issue_flags);
	if (kipc_txn_park_uring(txn, uc)) {
		/* Answered already: ours to complete. */
		atomic_set(&pdu->state, KIPC_UPARK_HANDOFF);
		kipc_uring_in_task(ctx->ioucmd, kipc_ucall_complete);
	}
	return -EIOCBQUEUED;
}
