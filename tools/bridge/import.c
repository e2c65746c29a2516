// SPDX-License-Identifier: MIT
/*
 * Import routes: the bridge is the receiver of a local mailbox and
 * forwards what local programs send to it to the route's subject; calls
 * become NATS requests (call.c).
 *
 * Core: messages are taken in batches and published; a message taken and
 * not yet published is lost if the bridge dies (at most once).
 *
 * JetStream: a message is looked at (KIPC_RECV_PEEK), published and
 * acknowledged by the stream, and only then taken out of the mailbox, by
 * its sequence number in the mailbox (KIPC_RECV_SEQ), which also names it
 * on the wire: Nats-Msg-Id <host>.<ledger epoch>.<mailbox id>.<number>. A
 * bridge killed after the publish and before the take publishes it again
 * after its restart under the same id, and the stream's de-duplication
 * drops the copy, whatever else arrived in the mailbox meanwhile. Nothing
 * is lost, nothing is doubled, and the order of the mailbox is kept. This
 * needs the bridge to be the mailbox's only receiver.
 *
 * Calls: a request is bound to the endpoint that received it. The route
 * receives through an endpoint of its own (a "generation"); a failed call
 * retires it (recycle), so that once every other call it still carries
 * has been answered it is closed, and the failed caller's kipc_call()
 * returns ECONNRESET, as when a local server dies.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define BATCH	32

struct gen {
	int ep;
	int fd;
	unsigned int msg_max;
};

static void gen_close(struct gen *g)
{
	if (g->fd >= 0)
		close(g->fd);
	if (g->ep >= 0)
		close(g->ep);
	g->fd = g->ep = -1;
}

/* A new receiving endpoint on the mailbox (created if the route says so). */
static bool gen_open(struct kbr_route *r, struct gen *g)
{
	struct kipc_mbox_attr attr = {
		.max_msgs = r->capacity,
		.mode = r->perm,
	};
	struct kipc_info info;
	int ret;

	gen_close(g);
	for (;;) {
		ret = kipc_open(0);
		if (ret >= 0) {
			g->ep = ret;
			ret = kipc_mbox_open(g->ep, r->mailbox, &r->mbox_id);
			if (ret == -ENOENT && r->create) {
				/* Not OWNED: it must outlive each generation. */
				ret = kipc_mbox_create(g->ep, r->mailbox, &attr,
						       &r->mbox_id);
				if (ret >= 0)
					kbr_log("%s: created mailbox %s (capacity %u, mode %03o)",
						r->name, r->mailbox, r->capacity,
						r->perm);
			}
		}
		if (ret >= 0) {
			g->fd = ret;
			ret = kipc_stat(g->fd, 0, &info);
			if (ret == 0) {
				g->msg_max = info.msg_max;
				return true;
			}
		}
		kbr_set_state(r, "waiting: mailbox %s: %s", r->mailbox,
			      kipc_strerror(ret));
		gen_close(g);
		if (!kbr_nap(1000))
			return false;
	}
}

/* Hand a request over to a call thread; false if it could not start. */
static void forward_call(struct kbr_route *r, struct gen *g,
			 const struct kipc_msg_hdr *h, const void *buf, size_t len)
{
	void *copy = malloc(len ? len : 1);
	int fd = dup(g->fd);

	/* Back-pressure: at most call_workers calls in flight. */
	while (atomic_load(&r->busy_calls) >= (int)r->call_workers &&
	       kbr_nap(1))
		;
	if (copy && fd >= 0) {
		memcpy(copy, buf, len);
		if (kbr_call_forward(r, fd, h, copy, len) == 0)
			return;
	}
	/* The request stays unanswered on this generation: retire it. */
	free(copy);
	if (fd >= 0)
		close(fd);
	r->n.call_errors++;
	atomic_store(&r->recycle, 1);
}

static natsMsg *new_msg(struct kbr_route *r, const void *buf, size_t len,
			const struct kipc_msg_hdr *h, uint64_t seq)
{
	struct kipc_bridge_identity id;
	natsMsg *m = NULL;

	if (natsMsg_Create(&m, r->subject, NULL, buf, (int)len) != NATS_OK)
		return NULL;
	kbr_identity(&id, h, seq);
	if (kbr_headers_put(m, &id) != NATS_OK) {
		natsMsg_Destroy(m);
		return NULL;
	}
	return m;
}

static void import_core(struct kbr_route *r, struct gen *g)
{
	struct timespec poll = kbr_ms(KBR_POLL_MS);
	struct kipc_mmsg m[BATCH];
	uint64_t seq = 0;
	natsMsg *nm;
	char *bufs;
	int n, i;

	bufs = malloc((size_t)BATCH * g->msg_max);
	if (!bufs) {
		kbr_set_state(r, "error: out of memory");
		return;
	}
	kbr_set_state(r, "ok");
	while (!kbr_stopping) {
		if (atomic_exchange(&r->recycle, 0) && !gen_open(r, g))
			break;
		memset(m, 0, sizeof(m));
		for (i = 0; i < BATCH; i++) {
			m[i].buf = (uintptr_t)(bufs + (size_t)i * g->msg_max);
			m[i].buf_len = g->msg_max;
		}
		n = kipc_recv_batch(g->fd, m, BATCH, 0, &poll);
		if (n == -ETIMEDOUT || n == -EINTR)
			continue;
		if (n < 0) {
			kbr_set_state(r, "waiting: mailbox %s: %s", r->mailbox,
				      kipc_strerror(n));
			if (!kbr_nap(1000) || !gen_open(r, g))
				break;
			continue;
		}
		for (i = 0; i < n; i++) {
			const void *p = (const void *)(uintptr_t)m[i].buf;

			if (m[i].hdr.flags & KIPC_MSG_REQUEST) {
				forward_call(r, g, &m[i].hdr, p, m[i].len);
				continue;
			}
			nm = new_msg(r, p, m[i].len, &m[i].hdr, ++seq);
			if (nm && natsConnection_PublishMsg(kbr.nc, nm) == NATS_OK)
				r->n.forwarded++;
			else
				r->n.dropped++;
			natsMsg_Destroy(nm);
		}
	}
	free(bufs);
}

/* Publish until the stream acknowledges it; false when stopping. */
static bool publish_js(struct kbr_route *r, const char *msgid, const void *buf,
		       size_t len, const struct kipc_msg_hdr *h, uint64_t seq)
{
	unsigned int backoff = 50;
	jsPubAck *pa = NULL;
	jsErrCode jerr;
	jsPubOptions po;
	natsStatus s;
	natsMsg *nm;

	jsPubOptions_Init(&po);
	po.MsgId = msgid;
	po.MaxWait = 5000;
	for (;;) {
		nm = new_msg(r, buf, len, h, seq);
		jerr = 0;
		s = nm ? js_PublishMsg(&pa, kbr.jsp, nm, &po, &jerr) : NATS_NO_MEMORY;
		natsMsg_Destroy(nm);
		if (s == NATS_OK) {
			if (pa->Duplicate)
				kbr_debug("%s: %s was already in the stream",
					  r->name, msgid);
			jsPubAck_Destroy(pa);
			pa = NULL;
			return true;
		}
		/* No stream yet, stream full, server away: keep the message
		 * in the mailbox and try again; the mailbox fills meanwhile.
		 */
		r->n.retried++;
		kbr_set_state(r, "waiting: publish %s: %s", r->subject,
			      jerr ? nats_GetLastError(NULL) : natsStatus_GetText(s));
		if (!kbr_nap(backoff))
			return false;
		if (backoff < 2000)
			backoff *= 2;
	}
}

/*
 * JetStream: look at the head of the mailbox, publish it under an id made
 * of the message's own sequence number in the mailbox (the kernel's, never
 * reused while the mailbox lives), then take exactly that message
 * (KIPC_RECV_SEQ). Whatever arrived in front of it meanwhile stays for the
 * next turn. Killed at any point, the restarted bridge finds each message
 * it had not taken still queued, with the same number: published again
 * under the same id, the stream drops the copy.
 */
static void import_js(struct kbr_route *r, struct gen *g, int lep)
{
	struct timespec poll = kbr_ms(KBR_POLL_MS);
	char msgid[KBR_HOST_MAX + 80];
	struct kipc_msg_hdr h;
	struct kbr_ledger l;
	uint64_t kseq;
	bool fresh;
	char *buf;
	int ret, n;

	ret = kbr_ledger_open(lep, r, &l, &fresh);
	if (ret < 0) {
		kbr_set_state(r, "error: ledger: %s", kipc_strerror(ret));
		return;
	}
	buf = malloc(g->msg_max);
	if (!buf) {
		kbr_set_state(r, "error: out of memory");
		goto out;
	}
	kbr_set_state(r, "ok");
	while (!kbr_stopping) {
		if (atomic_exchange(&r->recycle, 0) && !gen_open(r, g))
			break;
		n = kipc_recv_seq(g->fd, &kseq, buf, g->msg_max, &h,
				  KIPC_RECV_PEEK, &poll);
		if (n == -ETIMEDOUT || n == -EINTR)
			continue;
		if (n < 0) {
			kbr_set_state(r, "waiting: mailbox %s: %s", r->mailbox,
				      kipc_strerror(n));
			if (!kbr_nap(1000) || !gen_open(r, g))
				break;
			continue;
		}
		if (!kseq) {
			/* A module without numbers: every id would be the
			 * same, and the stream would drop all but the first.
			 */
			kbr_set_state(r, "error: the kipc module does not number messages (KIPC_RECV_SEQ): JetStream import needs it");
			break;
		}
		if (!(h.flags & KIPC_MSG_REQUEST)) {
			/* The epoch tells this boot's ids from an earlier
			 * one's, the mailbox id this mailbox from one of the
			 * same name before it.
			 */
			snprintf(msgid, sizeof(msgid), "%s.%016" PRIx64 ".%" PRIu64
				 ".%" PRIu64, kbr.cfg->host, l.epoch, r->mbox_id,
				 kseq);
			if (!publish_js(r, msgid, buf, n, &h, kseq))
				break;
		}
		n = kipc_recv_seq(g->fd, &kseq, buf, g->msg_max, &h,
				  KIPC_RECV_SEQ, NULL);
		if (n < 0) {
			/* Only this bridge takes from the mailbox: gone means
			 * deleted; being copied means a peek by someone else.
			 */
			if (n != -EAGAIN)
				kbr_set_state(r, "waiting: take from %s: %s",
					      r->mailbox, kipc_strerror(n));
			if (n != -EAGAIN && !kbr_nap(1000))
				break;
			continue;
		}
		if (h.flags & KIPC_MSG_REQUEST) {
			forward_call(r, g, &h, buf, n);
			continue;
		}
		r->n.forwarded++;
		kbr_set_state(r, "ok");
	}
out:
	free(buf);
	kbr_ledger_close(&l);
}

void *kbr_import_run(void *arg)
{
	struct kbr_route *r = arg;
	struct gen g = { -1, -1, 0 };
	int lep = -1;

	if (!gen_open(r, &g))
		return NULL;
	if (kbr_call_pool_start(r) < 0)
		kbr_log("%s: no call threads: calls will fail", r->name);
	if (r->mode == KBR_CORE) {
		import_core(r, &g);
	} else {
		/* The ledger's endpoint must not be a generation's: it would
		 * keep a retired generation alive.
		 */
		lep = kipc_open(0);
		if (lep < 0)
			kbr_set_state(r, "error: %s", kipc_strerror(lep));
		else
			import_js(r, &g, lep);
	}
	/* Wait for calls in flight to finish with their generation's fds. */
	while (atomic_load(&r->busy_calls) > 0) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	kbr_call_pool_stop(r);
	if (lep >= 0)
		close(lep);
	gen_close(&g);
	return NULL;
}
