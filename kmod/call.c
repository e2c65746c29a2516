// SPDX-License-Identifier: GPL-2.0
/*
 * kipc request/reply transactions (KIPC_IOC_CALL / KIPC_IOC_REPLY).
 *
 * A transaction is created by the caller and referenced by its request
 * message. When a receiver takes the request, the transaction moves to the
 * receiving endpoint's @txns list; REPLY finds it there by token. The
 * caller sleeps on the transaction until it is DONE: answered, or failed
 * because the server endpoint closed (-ECONNRESET) or the request was
 * discarded from its queue (-ECONNRESET, -EIDRM). A caller that gives up
 * marks it ABANDONED; a later REPLY then finds nothing (-ENOENT).
 */
#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "kipc.h"

enum kipc_txn_state {
	KIPC_TXN_QUEUED,	/* request not taken yet */
	KIPC_TXN_RECEIVED,	/* on server->txns, awaiting REPLY */
	KIPC_TXN_DONE,		/* @reply or @err is the outcome */
	KIPC_TXN_ABANDONED,	/* caller gave up */
};

/* Protects state, err, reply, server and node of every transaction and
 * the kipc_endpoint.txns lists.
 */
static DEFINE_SPINLOCK(kipc_txn_lock);
static atomic64_t kipc_next_token = ATOMIC64_INIT(0);

/**
 * struct kipc_txn - one CALL in flight
 * @refs:	the caller and the request message hold one each
 * @token:	unique for the life of the system; immutable
 * @reply_max:	caller's reply buffer size; immutable
 * @state:	enum kipc_txn_state, under kipc_txn_lock
 * @err:	outcome when DONE without a reply, under kipc_txn_lock
 * @reply:	the reply when DONE with 0, under kipc_txn_lock
 * @node:	in the server's txns while RECEIVED, under kipc_txn_lock
 * @wq:		the caller waits here
 */
struct kipc_txn {
	refcount_t refs;
	u64 token;
	u32 reply_max;
	int state;
	int err;
	struct kipc_msg *reply;
	struct list_head node;
	wait_queue_head_t wq;
};

/**
 * kipc_txn_new() - start a transaction
 * @reply_max:	caller's reply buffer size
 *
 * Return: the transaction with one reference, or NULL.
 */
struct kipc_txn *kipc_txn_new(u32 reply_max)
{
	struct kipc_txn *txn = kzalloc(sizeof(*txn), GFP_KERNEL_ACCOUNT);

	if (!txn)
		return NULL;
	refcount_set(&txn->refs, 1);
	txn->token = atomic64_inc_return(&kipc_next_token);
	txn->reply_max = reply_max;
	txn->state = KIPC_TXN_QUEUED;
	INIT_LIST_HEAD(&txn->node);
	init_waitqueue_head(&txn->wq);
	return txn;
}

/**
 * kipc_txn_get() - take a reference
 * @txn:	the transaction
 *
 * Return: @txn.
 */
struct kipc_txn *kipc_txn_get(struct kipc_txn *txn)
{
	refcount_inc(&txn->refs);
	return txn;
}

/**
 * kipc_txn_put() - drop a reference; frees an unclaimed reply too
 * @txn:	the transaction
 *
 * Must not be called under a spinlock.
 */
void kipc_txn_put(struct kipc_txn *txn)
{
	if (!refcount_dec_and_test(&txn->refs))
		return;
	kipc_msg_free(txn->reply);
	kfree(txn);
}

/**
 * kipc_txn_token() - the token stamped into the request
 * @txn:	the transaction
 *
 * Return: the token.
 */
u64 kipc_txn_token(const struct kipc_txn *txn)
{
	return txn->token;
}

/**
 * kipc_txn_received() - the request was taken by an endpoint
 * @txn:	the transaction
 * @ep:		the receiving endpoint, which must stay open during the call
 *		(the receiver holds its file)
 */
void kipc_txn_received(struct kipc_txn *txn, struct kipc_endpoint *ep)
{
	spin_lock(&kipc_txn_lock);
	if (txn->state == KIPC_TXN_QUEUED) {
		txn->state = KIPC_TXN_RECEIVED;
		list_add_tail(&txn->node, &ep->txns);
	}
	spin_unlock(&kipc_txn_lock);
}

static void __kipc_txn_finish(struct kipc_txn *txn, int err,
			      struct kipc_msg *reply)
{
	list_del_init(&txn->node);
	txn->state = KIPC_TXN_DONE;
	txn->err = err;
	txn->reply = reply;
	wake_up(&txn->wq);
}

/**
 * kipc_txn_fail() - the request was discarded before being received
 * @txn:	the transaction
 * @err:	what the caller gets
 */
void kipc_txn_fail(struct kipc_txn *txn, int err)
{
	spin_lock(&kipc_txn_lock);
	if (txn->state == KIPC_TXN_QUEUED)
		__kipc_txn_finish(txn, err, NULL);
	spin_unlock(&kipc_txn_lock);
}

/**
 * kipc_ep_fail_txns() - a server endpoint closes: fail what it owes
 * @ep:		the closing endpoint
 */
void kipc_ep_fail_txns(struct kipc_endpoint *ep)
{
	struct kipc_txn *txn, *tmp;

	spin_lock(&kipc_txn_lock);
	list_for_each_entry_safe(txn, tmp, &ep->txns, node)
		__kipc_txn_finish(txn, -ECONNRESET, NULL);
	spin_unlock(&kipc_txn_lock);
}

/**
 * kipc_txn_reply() - answer a request received by @ep
 * @ep:		the replying endpoint
 * @token:	the request's token
 * @msg:	the reply; consumed on success
 *
 * Return: 0, -ENOENT (no such outstanding request on @ep) or -EMSGSIZE
 * (longer than the caller accepts; the request stays outstanding).
 */
int kipc_txn_reply(struct kipc_endpoint *ep, u64 token, struct kipc_msg *msg)
{
	struct kipc_txn *txn;
	int ret = -ENOENT;

	spin_lock(&kipc_txn_lock);
	list_for_each_entry(txn, &ep->txns, node) {
		if (txn->token != token)
			continue;
		if (msg->len > txn->reply_max) {
			ret = -EMSGSIZE;
		} else {
			msg->token = token;
			__kipc_txn_finish(txn, 0, msg);
			ret = 0;
		}
		break;
	}
	spin_unlock(&kipc_txn_lock);
	return ret;
}

/**
 * kipc_txn_wait() - caller side: wait for the outcome
 * @txn:	the transaction, whose request has been sent
 * @dl:		deadline (never restartable)
 * @reply:	on 0, the reply message, now owned by the caller
 *
 * Return: 0, the failure errno, -ETIMEDOUT or -EINTR. On -ETIMEDOUT and
 * -EINTR the transaction is abandoned.
 */
int kipc_txn_wait(struct kipc_txn *txn, const struct kipc_deadline *dl,
		  struct kipc_msg **reply)
{
	ktime_t expires = dl->expires;
	DEFINE_WAIT(wait);
	int ret = 0;

	for (;;) {
		prepare_to_wait(&txn->wq, &wait, TASK_INTERRUPTIBLE);
		if (READ_ONCE(txn->state) == KIPC_TXN_DONE)
			break;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (dl->timed) {
			if (!schedule_hrtimeout_range(&expires,
						      current->timer_slack_ns,
						      HRTIMER_MODE_ABS)) {
				ret = -ETIMEDOUT;
				break;
			}
		} else {
			schedule();
		}
	}
	finish_wait(&txn->wq, &wait);

	*reply = NULL;
	spin_lock(&kipc_txn_lock);
	if (txn->state == KIPC_TXN_DONE) {
		ret = txn->err;
		*reply = txn->reply;
		txn->reply = NULL;
	} else {
		list_del_init(&txn->node);
		txn->state = KIPC_TXN_ABANDONED;
	}
	spin_unlock(&kipc_txn_lock);
	return ret;
}
