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
 * (its deadline passed) marks it ABANDONED; a later REPLY then finds
 * nothing (-ENOENT).
 *
 * A caller interrupted by a signal or task work does not give up: its
 * request may already be running on the server. The transaction is parked
 * on the caller's endpoint (@calls) with its deadline, and the caller's
 * struct is marked KIPC_CALL_RESUME with the token; the restarted (or
 * re-issued) CALL finds it there and waits again, so no reply is lost to
 * a signal. An endpoint keeps at most KIPC_CALLS_PARKED_MAX of them; a
 * further one abandons the oldest.
 *
 * No lock is shared between unrelated calls: a transaction has its own
 * lock for its outcome, and each endpoint one for its lists (the requests
 * it owes, the calls it parked), so pairs of callers and servers on
 * different CPUs share no lock. Lock order: kipc_queue.lock ->
 * kipc_endpoint.txn_lock -> kipc_txn.lock; two endpoints' locks are never
 * held together. A caller giving up on a received request finds the
 * server's lock through the transaction under RCU (endpoints are freed
 * after a grace period, and a server empties its list when it closes).
 */
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "kipc_internal.h"

enum kipc_txn_state {
	KIPC_TXN_QUEUED,	/* request not taken yet */
	KIPC_TXN_RECEIVED,	/* on server->txns, awaiting REPLY */
	KIPC_TXN_DONE,		/* @reply or @err is the outcome */
	KIPC_TXN_ABANDONED,	/* caller gave up */
};

/* Interrupted calls one endpoint keeps for a restart. */
#define KIPC_CALLS_PARKED_MAX	16

/*
 * Tokens are handed out per CPU from blocks of KIPC_TOKEN_BATCH taken from
 * one counter, as get_next_ino() does, so calls on different CPUs do not
 * share a cache line for them. 2^64 tokens do not run out.
 */
#define KIPC_TOKEN_BATCH	1024
static atomic64_t kipc_token_blocks = ATOMIC64_INIT(0);
static DEFINE_PER_CPU(u64, kipc_token_last);

/**
 * struct kipc_txn - one CALL in flight
 * @refs:	the caller, the request message and a parked call hold one
 *		each
 * @token:	unique for the life of the system; immutable
 * @reply_max:	caller's reply buffer size; immutable
 * @lock:	protects @state, @err, @reply, @server and @uwait
 * @state:	enum kipc_txn_state, under @lock
 * @err:	outcome when DONE without a reply, under @lock
 * @reply:	the reply when DONE with 0, under @lock
 * @server:	the endpoint whose @txns holds @node while RECEIVED, else
 *		NULL (no reference: the server empties its list when it
 *		closes); written under @lock and the server's txn_lock
 * @node:	in @server's txns while RECEIVED, under its txn_lock
 * @call_node:	in the caller's calls while parked, under its txn_lock
 * @caller:	the calling endpoint while parked (no reference: it drops
 *		its parked calls when it closes), under its txn_lock
 * @dl:		the deadline, kept while parked
 * @uwait:	an io_uring CALL waiting for the outcome without a thread
 *		(uring_call.c), or NULL; under @lock
 * @charge:	the caller's accounts, charged for this struct (no
 *		references: its bytes keep them, as a message's do)
 * @wq:		the caller waits here
 */
struct kipc_txn {
	refcount_t refs;
	u64 token;
	u32 reply_max;
	spinlock_t lock;	/* see @lock above */
	int state;
	int err;
	struct kipc_msg *reply;
	struct kipc_endpoint *server;
	struct list_head node;
	struct list_head call_node;
	struct kipc_endpoint *caller;
	struct kipc_deadline dl;
	struct kipc_ucall *uwait;
	struct kipc_charge charge;
	wait_queue_head_t wq;
};

/* A token no other transaction had; never 0. */
static u64 kipc_token_next(void)
{
	u64 *last = get_cpu_ptr(&kipc_token_last);
	u64 token = *last + 1;

	if (unlikely(!(*last % KIPC_TOKEN_BATCH)))
		token = (atomic64_inc_return(&kipc_token_blocks) - 1) *
			KIPC_TOKEN_BATCH + 1;
	*last = token;
	put_cpu_ptr(&kipc_token_last);
	return token;
}

/**
 * kipc_txn_new() - start a transaction
 * @caller:	the calling endpoint; its sender's accounts are charged
 * @reply_max:	caller's reply buffer size
 *
 * Return: the transaction with one reference, or ERR_PTR(-ENOMEM,
 * -EDQUOT).
 */
struct kipc_txn *kipc_txn_new(struct kipc_endpoint *caller, u32 reply_max)
{
	struct kipc_txn *txn;
	int ret;

	txn = kzalloc(sizeof(*txn), KIPC_GFP_HELD);
	if (!txn)
		return ERR_PTR(-ENOMEM);
	ret = kipc_ep_charge_msg(caller, &txn->charge,
				 kmalloc_size_roundup(sizeof(*txn)));
	if (ret) {
		kfree(txn);
		return ERR_PTR(ret);
	}
	refcount_set(&txn->refs, 1);
	txn->token = kipc_token_next();
	txn->reply_max = reply_max;
	spin_lock_init(&txn->lock);
	txn->state = KIPC_TXN_QUEUED;
	INIT_LIST_HEAD(&txn->node);
	INIT_LIST_HEAD(&txn->call_node);
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
	kipc_msg_uncharge(&txn->charge, kmalloc_size_roundup(sizeof(*txn)));
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
 * kipc_txn_reply_max() - the largest reply the caller accepts
 * @txn:	the transaction
 *
 * Return: the caller's reply buffer size.
 */
u32 kipc_txn_reply_max(const struct kipc_txn *txn)
{
	return txn->reply_max;
}

static void __kipc_txn_finish(struct kipc_txn *txn, int err,
			      struct kipc_msg *reply)
{
	lockdep_assert_held(&txn->lock);
	/* kipc_txn_done() reads it without the lock. */
	WRITE_ONCE(txn->state, KIPC_TXN_DONE);
	txn->err = err;
	txn->reply = reply;
	wake_up(&txn->wq);
	if (txn->uwait)
		kipc_ucall_finish(txn->uwait);
}

/* Take @txn off its server's list; both locks held. */
static void kipc_txn_unlink(struct kipc_txn *txn)
{
	lockdep_assert_held(&txn->server->txn_lock);
	lockdep_assert_held(&txn->lock);
	list_del_init(&txn->node);
	txn->server = NULL;
}

/**
 * kipc_txn_received() - the request was taken by an endpoint
 * @txn:	the transaction
 * @ep:		the receiving endpoint
 *
 * An endpoint that has closed owes nothing: its caller gets -ECONNRESET,
 * as if it had closed after taking the request.
 */
void kipc_txn_received(struct kipc_txn *txn, struct kipc_endpoint *ep)
{
	spin_lock(&ep->txn_lock);
	spin_lock(&txn->lock);
	if (txn->state == KIPC_TXN_QUEUED) {
		if (ep->txns_closed) {
			__kipc_txn_finish(txn, -ECONNRESET, NULL);
		} else {
			WRITE_ONCE(txn->state, KIPC_TXN_RECEIVED);
			txn->server = ep;
			list_add_tail(&txn->node, &ep->txns);
		}
	}
	spin_unlock(&txn->lock);
	spin_unlock(&ep->txn_lock);
}

/**
 * kipc_txn_fail() - the request was discarded before being received
 * @txn:	the transaction
 * @err:	what the caller gets
 */
void kipc_txn_fail(struct kipc_txn *txn, int err)
{
	spin_lock(&txn->lock);
	if (txn->state == KIPC_TXN_QUEUED)
		__kipc_txn_finish(txn, err, NULL);
	spin_unlock(&txn->lock);
}

/**
 * kipc_ep_fail_txns() - a server endpoint closes: fail what it owes
 * @ep:		the closing endpoint; it takes no request after this
 */
void kipc_ep_fail_txns(struct kipc_endpoint *ep)
{
	struct kipc_txn *txn, *tmp;

	spin_lock(&ep->txn_lock);
	ep->txns_closed = true;
	list_for_each_entry_safe(txn, tmp, &ep->txns, node) {
		spin_lock(&txn->lock);
		kipc_txn_unlink(txn);
		__kipc_txn_finish(txn, -ECONNRESET, NULL);
		spin_unlock(&txn->lock);
	}
	spin_unlock(&ep->txn_lock);
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

	spin_lock(&ep->txn_lock);
	list_for_each_entry(txn, &ep->txns, node) {
		if (txn->token != token)
			continue;
		/* Immutable: no need for its lock to refuse. */
		if (msg->len > txn->reply_max) {
			ret = -EMSGSIZE;
			break;
		}
		msg->token = token;
		spin_lock(&txn->lock);
		kipc_txn_unlink(txn);
		__kipc_txn_finish(txn, 0, msg);
		spin_unlock(&txn->lock);
		ret = 0;
		break;
	}
	spin_unlock(&ep->txn_lock);
	return ret;
}

static int kipc_txn_done(void *arg)
{
	struct kipc_txn *txn = arg;

	return READ_ONCE(txn->state) == KIPC_TXN_DONE;
}

/*
 * The caller gives up, unless the transaction is done: a request not
 * taken yet is simply marked, one received is also taken off its
 * server's list (whose lock comes before the transaction's).
 */
static void kipc_txn_abandon(struct kipc_txn *txn)
{
	struct kipc_endpoint *server;

	rcu_read_lock();
	spin_lock(&txn->lock);
	server = txn->server;
	if (txn->state == KIPC_TXN_QUEUED)
		WRITE_ONCE(txn->state, KIPC_TXN_ABANDONED);
	spin_unlock(&txn->lock);
	if (!server)
		goto out;
	/*
	 * The server may be closing, but its memory lasts the RCU read
	 * section; if it emptied its list meanwhile, @server is NULL now.
	 */
	spin_lock(&server->txn_lock);
	spin_lock(&txn->lock);
	if (txn->server == server) {
		kipc_txn_unlink(txn);
		WRITE_ONCE(txn->state, KIPC_TXN_ABANDONED);
	}
	spin_unlock(&txn->lock);
	spin_unlock(&server->txn_lock);
out:
	rcu_read_unlock();
}

/* The outcome of a finished transaction, now the caller's; else @ret. */
static int kipc_txn_outcome(struct kipc_txn *txn, int ret,
			    struct kipc_msg **reply)
{
	*reply = NULL;
	spin_lock(&txn->lock);
	if (txn->state == KIPC_TXN_DONE) {
		ret = txn->err;
		*reply = txn->reply;
		txn->reply = NULL;
	}
	spin_unlock(&txn->lock);
	return ret;
}

/**
 * kipc_txn_cancel() - the caller gives up, unless the outcome is there
 * @txn:	the transaction; a later REPLY to it finds nothing
 * @ret:	what the caller returns if it gives up
 * @reply:	out: the reply, if the transaction finished meanwhile (now
 *		the caller's), or NULL
 *
 * A REPLY that succeeded just before is not lost: its outcome is
 * returned instead of @ret.
 *
 * Return: the outcome if the transaction is done, else @ret.
 */
int kipc_txn_cancel(struct kipc_txn *txn, int ret, struct kipc_msg **reply)
{
	kipc_txn_abandon(txn);
	return kipc_txn_outcome(txn, ret, reply);
}

/**
 * kipc_txn_wait() - caller side: wait for the outcome
 * @txn:	the transaction, whose request has been sent
 * @dl:		deadline
 * @reply:	on 0, the reply message, now owned by the caller
 *
 * Return: 0, the failure errno, -ETIMEDOUT (the transaction is then
 * abandoned) or -ERESTARTSYS (interrupted: it is not abandoned, park it
 * with kipc_txn_park() or drop it).
 */
int kipc_txn_wait(struct kipc_txn *txn, const struct kipc_deadline *dl,
		  struct kipc_msg **reply)
{
	int ret;

	do {
		ret = kipc_wait(&txn->wq, dl, kipc_txn_done, txn);
	} while (!ret);

	/* An outcome that came as the wait ended still counts. */
	if (ret < 0 && ret != -ERESTARTSYS)
		kipc_txn_abandon(txn);
	return kipc_txn_outcome(txn, ret, reply);
}

/**
 * kipc_txn_park() - keep an interrupted call for its restart
 * @txn:	the transaction; the caller's reference moves to the parking
 * @caller:	the calling endpoint
 * @dl:		the call's deadline, kept for the restart
 */
void kipc_txn_park(struct kipc_txn *txn, struct kipc_endpoint *caller,
		   const struct kipc_deadline *dl)
{
	struct kipc_txn *old = NULL;

	spin_lock(&caller->txn_lock);
	txn->dl = *dl;
	txn->caller = caller;
	list_add_tail(&txn->call_node, &caller->calls);
	if (++caller->nr_calls > KIPC_CALLS_PARKED_MAX) {
		old = list_first_entry(&caller->calls, struct kipc_txn,
				       call_node);
		list_del_init(&old->call_node);
		old->caller = NULL;
		caller->nr_calls--;
	}
	spin_unlock(&caller->txn_lock);
	if (old) {
		kipc_txn_abandon(old);
		kipc_txn_put(old);
	}
}

/**
 * kipc_txn_resume() - take back a parked call
 * @caller:	the endpoint the call was made through
 * @token:	its token
 * @dl:		output: its deadline
 *
 * Return: the transaction with the parking's reference, or NULL.
 */
struct kipc_txn *kipc_txn_resume(struct kipc_endpoint *caller, u64 token,
				 struct kipc_deadline *dl)
{
	struct kipc_txn *txn;

	spin_lock(&caller->txn_lock);
	list_for_each_entry(txn, &caller->calls, call_node) {
		if (txn->token != token)
			continue;
		list_del_init(&txn->call_node);
		txn->caller = NULL;
		caller->nr_calls--;
		*dl = txn->dl;
		spin_unlock(&caller->txn_lock);
		return txn;
	}
	spin_unlock(&caller->txn_lock);
	return NULL;
}

/**
 * kipc_txn_park_uring() - an io_uring CALL waits for the outcome
 * @txn:	the transaction, whose request has been sent
 * @uc:		the waiting command's record
 *
 * Return: true if the outcome is already there (the caller completes the
 * command now); else @uc is parked (kipc_ucall_parked()) and completed
 * by kipc_ucall_finish() when the transaction is done.
 */
bool kipc_txn_park_uring(struct kipc_txn *txn, struct kipc_ucall *uc)
{
	bool done;

	spin_lock(&txn->lock);
	done = txn->state == KIPC_TXN_DONE;
	if (!done) {
		txn->uwait = uc;
		kipc_ucall_parked(uc);
	}
	spin_unlock(&txn->lock);
	return done;
}

/**
 * kipc_txn_unpark_uring() - an io_uring CALL takes its outcome, or gives up
 * @txn:	the transaction
 * @reply:	out: the reply, if there is one (now the caller's), or NULL
 *
 * Return: the outcome if the transaction is done; else it is abandoned
 * (a later REPLY finds nothing) and -ETIMEDOUT.
 */
int kipc_txn_unpark_uring(struct kipc_txn *txn, struct kipc_msg **reply)
{
	spin_lock(&txn->lock);
	txn->uwait = NULL;
	spin_unlock(&txn->lock);
	kipc_txn_abandon(txn);
	return kipc_txn_outcome(txn, -ETIMEDOUT, reply);
}

/**
 * kipc_ep_drop_calls() - a caller endpoint closes: abandon its parked calls
 * @ep:		the closing endpoint
 */
void kipc_ep_drop_calls(struct kipc_endpoint *ep)
{
	struct kipc_txn *txn, *tmp;
	LIST_HEAD(dropped);

	spin_lock(&ep->txn_lock);
	list_for_each_entry(txn, &ep->calls, call_node)
		txn->caller = NULL;
	list_splice_init(&ep->calls, &dropped);
	ep->nr_calls = 0;
	spin_unlock(&ep->txn_lock);
	list_for_each_entry_safe(txn, tmp, &dropped, call_node) {
		list_del_init(&txn->call_node);
		kipc_txn_abandon(txn);
		kipc_txn_put(txn);
	}
}
