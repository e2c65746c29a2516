// SPDX-License-Identifier: MIT
/*
 * Export routes: messages published on the route's subject by remote
 * bridges are delivered into a local mailbox, with their priority.
 *
 * Core: a plain subscription. A message that finds the mailbox full waits
 * core_wait milliseconds for room and is then dropped, and counted; so
 * are the messages the NATS client itself drops for a slow consumer.
 *
 * JetStream: the route's stream holds the messages; a pull consumer
 * (pull.c) hands them over, at most `fetch` per request, with at most
 * max_ack_pending unacknowledged. Delivery waits for room in the mailbox
 * as long as it takes (back-pressure: the stream grows instead), and each
 * message is acknowledged only once it is in the mailbox. What was
 * delivered is kept in the ledger (ledger.c), updated in the same system
 * call as the delivery, so a restarted bridge knows the last message it
 * delivered and skips (and acknowledges) what the stream hands it again
 * up to there.
 * The stream is a work queue: acknowledged messages leave it, so its
 * limits (stream_max_msgs) bound what waits, and a full stream refuses
 * the importing bridge, whose mailbox then fills: back-pressure end to end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

struct local {
	int ep;
	int fd;
	uint64_t id;
};

static void local_close(struct local *lc)
{
	if (lc->fd >= 0)
		close(lc->fd);
	if (lc->ep >= 0)
		close(lc->ep);
	lc->fd = lc->ep = -1;
}

/*
 * Open the exported mailbox, waiting for it to exist: the bridge never
 * creates it (its owner does, with the mode that says who may send).
 * false when stopping.
 */
static bool local_open(struct kbr_route *r, struct local *lc)
{
	int ret;

	local_close(lc);
	for (;;) {
		ret = lc->ep >= 0 ? 0 : kipc_open(0);
		if (ret >= 0 && lc->ep < 0)
			lc->ep = ret;
		if (ret >= 0)
			ret = kipc_mbox_open(lc->ep, r->mailbox, &lc->id);
		if (ret >= 0) {
			lc->fd = ret;
			return true;
		}
		kbr_set_state(r, "waiting: mailbox %s: %s", r->mailbox,
			      kipc_strerror(ret));
		if (!kbr_nap(1000))
			return false;
	}
}

#define CORE_BATCH	32

/*
 * Deliver @n messages with one system call where they fit: only the first
 * of a batch may wait (core_wait), the rest go while there is room. What
 * finds no room in time is dropped and counted, one message at a time.
 * false when the mailbox is gone and stopping.
 */
static bool deliver_core(struct kbr_route *r, struct local *lc,
			 struct kipc_mmsg *mm, unsigned int n)
{
	struct timespec wait = kbr_ms(r->core_wait_ms);
	unsigned int done = 0;
	int ret;

	while (done < n) {
		ret = kipc_send_batch(lc->fd, 0, mm + done, n - done,
				      r->core_wait_ms ? 0 : KIPC_NONBLOCK,
				      r->core_wait_ms ? &wait : NULL);
		if (ret > 0) {
			done += ret;
			r->n.delivered += ret;
			kbr_set_state(r, "ok");
			continue;
		}
		done++;
		r->n.dropped++;
		if (ret == -EAGAIN || ret == -ETIMEDOUT)
			continue;	/* full: core mode drops */
		kbr_set_state(r, "dropping: mailbox %s: %s", r->mailbox,
			      kipc_strerror(ret));
		if ((ret == -EIDRM || ret == -ENOENT) && !local_open(r, lc))
			return false;
	}
	return true;
}

static void export_core(struct kbr_route *r, struct local *lc)
{
	natsSubscription *sub = NULL;
	int64_t lib_dropped, seen = 0;
	struct kipc_mmsg mm[CORE_BATCH];
	void *tofree[CORE_BATCH];
	natsMsg *ms[CORE_BATCH];
	unsigned int n, i, k;
	const void *buf;
	int pending = 0;
	bool alive = true;
	size_t len;
	natsStatus s;

	s = natsConnection_SubscribeSync(&sub, kbr.nc, r->subject);
	if (s != NATS_OK) {
		kbr_set_state(r, "error: subscribe %s: %s", r->subject,
			      natsStatus_GetText(s));
		return;
	}
	kbr_set_state(r, "ok");
	while (alive && !kbr_stopping) {
		s = natsSubscription_NextMsg(&ms[0], sub, KBR_POLL_MS);
		/* The client drops for a slow consumer on its own: count them. */
		if (natsSubscription_GetDropped(sub, &lib_dropped) == NATS_OK &&
		    lib_dropped > seen) {
			r->n.dropped += lib_dropped - seen;
			seen = lib_dropped;
		}
		if (s != NATS_OK)
			continue;
		/* What is already queued goes in the same system call. */
		n = 1;
		if (natsSubscription_GetPending(sub, &pending, NULL) != NATS_OK)
			pending = 0;
		while (n < CORE_BATCH && pending-- > 0 &&
		       natsSubscription_NextMsg(&ms[n], sub, 1) == NATS_OK)
			n++;
		memset(mm, 0, sizeof(mm));
		for (i = k = 0; i < n; i++) {
			tofree[i] = NULL;
			if (kbr_payload(r, ms[i], &buf, &len, &tofree[i]) < 0) {
				r->n.dropped++;	/* out of memory */
				continue;
			}
			mm[k].buf = (uintptr_t)buf;
			mm[k].len = len;
			mm[k].priority = kbr_header_priority(ms[i]);
			k++;
		}
		if (k)
			alive = deliver_core(r, lc, mm, k);
		for (i = 0; i < n; i++) {
			free(tofree[i]);
			natsMsg_Destroy(ms[i]);
		}
	}
	natsSubscription_Destroy(sub);
}

/* The stream exists (created here with the route's limits if not). */
static bool ensure_stream(struct kbr_route *r, jsStreamInfo **si)
{
	const char *subjects[1] = { r->subject };
	jsStreamConfig sc;
	jsErrCode jerr = 0;
	natsStatus s;

	for (;;) {
		s = js_GetStreamInfo(si, kbr.js, r->stream, NULL, &jerr);
		if (s == NATS_OK)
			return true;
		if (s == NATS_NOT_FOUND) {
			jsStreamConfig_Init(&sc);
			sc.Name = r->stream;
			sc.Subjects = subjects;
			sc.SubjectsLen = 1;
			sc.Storage = r->stream_memory ? js_MemoryStorage :
							js_FileStorage;
			/* Acknowledged messages leave it: its limits bound
			 * what waits for this host, not what went through.
			 */
			sc.Retention = js_WorkQueuePolicy;
			sc.MaxMsgs = r->stream_max_msgs;
			sc.MaxBytes = r->stream_max_bytes;
			/* Refuse new messages when full: the importing bridge
			 * retries, its mailbox fills, its senders wait.
			 */
			sc.Discard = js_DiscardNew;
			s = js_AddStream(si, kbr.js, &sc, NULL, &jerr);
			if (s == NATS_OK) {
				kbr_log("%s: created stream %s for %s", r->name,
					r->stream, r->subject);
				return true;
			}
		}
		kbr_set_state(r, "waiting: stream %s: %s (%d)", r->stream,
			      natsStatus_GetText(s), (int)jerr);
		r->n.retried++;
		if (!kbr_nap(1000))
			return false;
	}
}

/*
 * What was delivered: the ledger's record, or nothing for a new ledger
 * (the machine restarted, and what was delivered before died with it).
 */
static int resume_point(struct kbr_route *r, struct kbr_ledger *l, bool fresh,
			const jsStreamInfo *si, uint64_t *d)
{
	uint64_t last = si->State.LastSeq;

	if (fresh) {
		*d = 0;
		return kbr_ledger_export_init(l, 0);
	}
	*d = l->seq;
	if (*d > last) {
		/* The stream was re-created: its sequence started again. */
		kbr_log("%s: ledger at %" PRIu64 " is past stream %s's last %" PRIu64
			"; starting from its first message", r->name, *d,
			r->stream, last);
		*d = 0;
		return kbr_ledger_export_reset(l, 0);
	}
	return 0;
}

/* A new durable pull consumer, and the route's end of it (pull.c). */
static bool pull_subscribe(struct kbr_route *r, const char *durable,
			   struct kbr_pull *p)
{
	jsConsumerInfo *ci = NULL;
	jsConsumerConfig cc;
	jsErrCode jerr = 0;
	natsStatus s;

	/*
	 * A new consumer starts at the stream's first message, in order;
	 * an old one would hand out what it had given the previous run only
	 * after its ack wait, behind newer messages. Those already
	 * delivered (by the ledger) are skipped.
	 */
	s = js_DeleteConsumer(kbr.js, r->stream, durable, NULL, &jerr);
	if (s != NATS_OK && s != NATS_NOT_FOUND)
		kbr_debug("%s: delete consumer %s: %s", r->name, durable,
			  natsStatus_GetText(s));
	jsConsumerConfig_Init(&cc);
	cc.Durable = durable;
	cc.AckPolicy = js_AckExplicit;
	cc.MaxAckPending = r->max_ack_pending;
	cc.FilterSubject = r->subject;
	cc.DeliverPolicy = js_DeliverAll;
	s = js_AddConsumer(&ci, kbr.js, r->stream, &cc, NULL, &jerr);
	jsConsumerInfo_Destroy(ci);
	if (s != NATS_OK) {
		kbr_set_state(r, "waiting: consumer %s: %s (%d)", durable,
			      natsStatus_GetText(s), (int)jerr);
		return false;
	}
	if (kbr_pull_open(p, r->stream, durable, r->fetch) < 0) {
		kbr_set_state(r, "waiting: consumer %s: no subscription", durable);
		return false;
	}
	return true;
}

/* Deliver one stream message; false only when stopping before it went. */
static bool deliver_js(struct kbr_route *r, struct local *lc,
		       struct kbr_ledger *l, natsMsg *m, uint64_t seq)
{
	unsigned int prio = kbr_header_priority(m);
	const void *buf;
	void *tofree;
	size_t len;
	int ret;

	/*
	 * Only stopping may leave this message behind: moving on to the next
	 * would record a later sequence, and this one would then be skipped.
	 */
	while (kbr_payload(r, m, &buf, &len, &tofree) < 0)
		if (!kbr_nap(100))
			return false;
	for (;;) {
		ret = kbr_ledger_export_deliver(l, lc->id, buf, len, prio, seq,
						KBR_POLL_MS);
		if (ret == 0)
			break;
		if (ret == -ETIMEDOUT || ret == -EAGAIN || ret == -EINTR) {
			/* Full: wait (the stream holds the rest). */
			if (kbr_stopping)
				break;
			continue;
		}
		if (ret == -EMSGSIZE) {
			/* Larger than the mailbox's msg_max: it would block
			 * the route for ever. The one loss JetStream mode
			 * allows, counted and logged.
			 */
			kbr_log("%s: stream message %" PRIu64 " (%zu bytes) exceeds mailbox %s's message size: dropped",
				r->name, seq, len, r->mailbox);
			ret = kbr_ledger_export_skip(l, seq);
			if (ret == 0) {
				r->n.dropped++;
				free(tofree);
				return true;
			}
		}
		r->n.retried++;
		kbr_set_state(r, "waiting: mailbox %s: %s", r->mailbox,
			      kipc_strerror(ret));
		if (ret == -EIDRM || ret == -ENOENT) {
			if (!local_open(r, lc))
				break;
		} else if (!kbr_nap(1000)) {
			break;
		}
	}
	free(tofree);
	if (ret)
		return false;
	r->n.delivered++;
	kbr_set_state(r, "ok");
	return true;
}

static void export_js(struct kbr_route *r, struct local *lc)
{
	char durable[2 * KBR_HOST_MAX + 16], why[160];
	jsStreamInfo *si = NULL;
	jsMsgMetaData *meta;
	struct kbr_ledger l;
	struct kbr_pull p;
	bool fresh, pulling = false;
	uint64_t d, seq;
	natsStatus s;
	natsMsg *m;
	int ret;

	snprintf(durable, sizeof(durable), "kipc-bridge_%s_%s", kbr.cfg->host,
		 r->name);
	ret = kbr_ledger_open(lc->ep, r, &l, &fresh);
	if (ret < 0) {
		kbr_set_state(r, "error: ledger: %s", kipc_strerror(ret));
		return;
	}
	while (!pulling && !kbr_stopping) {
		if (!ensure_stream(r, &si))
			break;
		ret = resume_point(r, &l, fresh, si, &d);
		jsStreamInfo_Destroy(si);
		if (ret < 0) {
			kbr_set_state(r, "error: ledger: %s", kipc_strerror(ret));
			break;
		}
		fresh = false;
		pulling = pull_subscribe(r, durable, &p);
		if (!pulling && !kbr_nap(1000))
			break;
	}
	if (pulling) {
		kbr_set_state(r, "ok");
		kbr_log("%s: delivering stream %s after sequence %" PRIu64,
			r->name, r->stream, d);
	}
	while (pulling && !kbr_stopping) {
		s = kbr_pull_next(&p, &m, why, sizeof(why));
		if (s == NATS_TIMEOUT)
			continue;
		if (s != NATS_OK) {
			kbr_set_state(r, "waiting: %s", why);
			r->n.retried++;
			kbr_nap(500);
			continue;
		}
		if (natsMsg_GetMetaData(&meta, m) != NATS_OK) {
			natsMsg_Destroy(m);
			continue;
		}
		seq = meta->Sequence.Stream;
		jsMsgMetaData_Destroy(meta);
		if (seq <= l.seq) {
			r->n.duplicates++;
			kbr_pull_ack(m);
		} else if (deliver_js(r, lc, &l, m, seq)) {
			/* Only for the stream's retention: the ledger is the truth. */
			kbr_pull_ack(m);
		}
		natsMsg_Destroy(m);
	}
	if (pulling)
		kbr_pull_close(&p);
	kbr_ledger_close(&l);
}

void *kbr_export_run(void *arg)
{
	struct kbr_route *r = arg;
	struct local lc = { -1, -1, 0 };
	pthread_t callers[256];
	unsigned int i, n = 0;

	if (!local_open(r, &lc))
		return NULL;
	for (i = 0; r->calls && i < r->call_workers; i++)
		if (pthread_create(&callers[n], NULL, kbr_call_server, r) == 0)
			n++;
	if (r->mode == KBR_CORE)
		export_core(r, &lc);
	else
		export_js(r, &lc);
	for (i = 0; i < n; i++)
		pthread_join(callers[i], NULL);
	local_close(&lc);
	return NULL;
}
