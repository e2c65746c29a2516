// SPDX-License-Identifier: MIT
/*
 * Calls across hosts.
 *
 * Import side: a kipc_call() on an imported mailbox reaches the bridge as
 * a request (KIPC_MSG_REQUEST, with a token). One of the route's call
 * threads makes a NATS request on "<subject>.call" (outside the route's stream, whose
 * subject is exact) and answers the caller with kipc_reply().
 *
 * Deadlines: the request's header says how long its caller has left
 * (hdr.timeout_ms); the NATS request waits that long, and the remote
 * kipc_call() gets nine tenths of it, so that the remote side's own
 * timeout comes back as an answer in time. A caller without a limit gets
 * the route's call_timeout instead. When the caller's time runs out (the
 * remote answers ETIMEDOUT, or nothing comes), the bridge leaves the
 * request unanswered: the caller's own deadline fails its kipc_call()
 * with ETIMEDOUT, as for a local server that is too slow.
 *
 * When the remote side is gone (no responders, no answer in call_timeout
 * for a caller without a limit, another error from the remote mailbox)
 * there is no reply: the request's endpoint generation is retired
 * (import.c) and the caller's kipc_call() fails at once with ECONNRESET,
 * the error it gets when a local server dies.
 *
 * Export side: call_workers threads, each with its own endpoint and a
 * queue subscription on "<subject>.call", turn each request into a
 * kipc_call() on the exported mailbox, with the caller's priority, reply
 * size and remaining time, and send back the reply with "Kipc-Status: ok",
 * or an empty one with the errno name ("Kipc-Status: ETIMEDOUT").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

/* The exporting side's kipc_call gets this part of the caller's time,
 * so that its own timeout comes back as an answer in time.
 */
#define REMOTE_SHARE(ms)	((ms) - (ms) / 10)

struct call {
	struct call *next;
	struct kbr_route *r;
	int fd;
	struct kipc_msg_hdr hdr;
	void *buf;
	size_t len;
};

/*
 * An import route's call threads: call_workers of them, started with the
 * route, fed through a list (import.c keeps at most call_workers calls in
 * flight), so a call costs no thread creation.
 */
struct kbr_call_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct call *head, **tail;
	bool stop;
	unsigned int n;
	pthread_t threads[];
};

static const char *errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "EIO";
}

static void call_subject(const struct kbr_route *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s.call", r->subject);
}

/*
 * Why the call failed, or NULL when the caller got its reply. *gone says
 * whether the caller must be failed (ECONNRESET) rather than left to its
 * own deadline.
 */
static const char *call_once(struct call *c, char *why, size_t whylen, bool *gone)
{
	unsigned int wait_ms = c->hdr.timeout_ms ? c->hdr.timeout_ms :
			       c->r->call_timeout_ms;
	struct kbr_route *r = c->r;
	struct kipc_bridge_identity id;
	char subj[KBR_SUBJECT_MAX + 8], v[24];
	natsMsg *m = NULL, *reply = NULL;
	const char *st;
	natsStatus s;
	int ret;

	call_subject(r, subj, sizeof(subj));
	s = natsMsg_Create(&m, subj, NULL, c->buf, (int)c->len);
	kbr_identity(&id, &c->hdr, 0);
	if (s == NATS_OK)
		s = kbr_headers_put(m, &id);
	*gone = true;
	snprintf(v, sizeof(v), "%u", REMOTE_SHARE(wait_ms));
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, KBR_H_TIMEOUT, v);
	snprintf(v, sizeof(v), "%u", c->hdr.reply_max);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, KBR_H_REPLY_MAX, v);
	if (s == NATS_OK)
		s = natsConnection_RequestMsg(&reply, kbr.rc, m, wait_ms);
	natsMsg_Destroy(m);
	if (s == NATS_NO_RESPONDERS) {
		snprintf(why, whylen, "no responders on %s (remote bridge gone)", subj);
		return why;
	}
	if (s == NATS_TIMEOUT) {
		snprintf(why, whylen, "no answer on %s within %u ms%s", subj,
			 wait_ms, c->hdr.timeout_ms ? ", the caller's time" : "");
		*gone = !c->hdr.timeout_ms;
		return why;
	}
	if (s != NATS_OK) {
		snprintf(why, whylen, "request on %s: %s", subj, natsStatus_GetText(s));
		return why;
	}
	if (natsMsgHeader_Get(reply, KBR_H_STATUS, &st) != NATS_OK)
		st = "no Kipc-Status";
	if (strcmp(st, "ok")) {
		snprintf(why, whylen, "remote call on %s: %s", subj, st);
		/* The remote kipc_call ran out of the caller's time. */
		*gone = !(c->hdr.timeout_ms && !strcmp(st, "ETIMEDOUT"));
		natsMsg_Destroy(reply);
		return why;
	}
	ret = kipc_reply(c->fd, c->hdr.token, natsMsg_GetData(reply),
			 natsMsg_GetDataLength(reply));
	natsMsg_Destroy(reply);
	if (ret == -ENOENT) {
		/* The caller gave up (its own timeout) before the answer. */
		snprintf(why, whylen, "caller gone before the reply");
		return NULL;
	}
	if (ret < 0) {
		snprintf(why, whylen, "reply: %s", kipc_strerror(ret));
		return why;
	}
	return NULL;
}

static void run_call(struct call *c)
{
	struct kbr_route *r = c->r;
	char why[KBR_SUBJECT_MAX + 64] = "";
	bool gone;

	if (call_once(c, why, sizeof(why), &gone)) {
		r->n.call_errors++;
		if (gone) {
			kbr_log("%s: call failed: %s; the caller gets ECONNRESET",
				r->name, why);
			atomic_store(&r->recycle, 1);
		} else {
			kbr_log("%s: call failed: %s; the caller gets ETIMEDOUT",
				r->name, why);
		}
	} else {
		r->n.calls++;
		if (why[0])
			kbr_debug("%s: %s", r->name, why);
	}
	close(c->fd);
	free(c->buf);
	free(c);
	atomic_fetch_sub(&r->busy_calls, 1);
}

static void *call_worker(void *arg)
{
	struct kbr_call_pool *p = arg;
	struct call *c;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		c = p->head;
		if (c) {
			p->head = c->next;
			if (!p->head)
				p->tail = &p->head;
		}
		pthread_mutex_unlock(&p->lock);
		if (!c)
			return NULL;	/* stopping, and nothing left */
		run_call(c);
	}
}

int kbr_call_pool_start(struct kbr_route *r)
{
	struct kbr_call_pool *p;
	unsigned int i;

	p = calloc(1, sizeof(*p) + r->call_workers * sizeof(pthread_t));
	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->tail = &p->head;
	for (i = 0; i < r->call_workers; i++)
		if (pthread_create(&p->threads[p->n], NULL, call_worker, p) == 0)
			p->n++;
	r->pool = p;
	return p->n ? 0 : -EAGAIN;
}

void kbr_call_pool_stop(struct kbr_route *r)
{
	struct kbr_call_pool *p = r->pool;
	unsigned int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
	r->pool = NULL;
}

int kbr_call_forward(struct kbr_route *r, int fd, const struct kipc_msg_hdr *hdr,
		     void *buf, size_t len)
{
	struct kbr_call_pool *p = r->pool;
	struct call *c;

	if (!p || !p->n)
		return -EAGAIN;
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = (struct call){ .r = r, .fd = fd, .hdr = *hdr, .buf = buf, .len = len };
	atomic_fetch_add(&r->busy_calls, 1);
	pthread_mutex_lock(&p->lock);
	*p->tail = c;
	p->tail = &c->next;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Answer request @m with @len bytes of @buf, or with an error. */
static void respond(natsMsg *m, const void *buf, int len, int err)
{
	const char *to = natsMsg_GetReply(m);
	natsMsg *out = NULL;

	if (!to || !*to)
		return;
	if (natsMsg_Create(&out, to, NULL, err ? NULL : buf, err ? 0 : len) != NATS_OK)
		return;
	if (natsMsgHeader_Set(out, KBR_H_STATUS, err ? errname(err) : "ok") == NATS_OK)
		natsConnection_PublishMsg(kbr.rc, out);
	natsMsg_Destroy(out);
}

void *kbr_call_server(void *arg)
{
	struct kbr_route *r = arg;
	char subj[KBR_SUBJECT_MAX + 8];
	natsSubscription *sub = NULL;
	struct kipc_msg_hdr rh;
	struct timespec ts;
	unsigned int rmax;
	const void *buf;
	int ep, fd = -1, ret;
	void *tofree;
	char *rbuf;
	size_t len;
	natsMsg *m;

	rbuf = malloc(KBR_REPLY_MAX);
	ep = kipc_open(0);
	if (!rbuf || ep < 0) {
		kbr_log("%s: call server: %s", r->name,
			ep < 0 ? kipc_strerror(ep) : "out of memory");
		goto out;
	}
	call_subject(r, subj, sizeof(subj));
	/* A queue group: several bridges may serve one mailbox's calls. */
	if (natsConnection_QueueSubscribeSync(&sub, kbr.nc, subj, "kipc-bridge") !=
	    NATS_OK) {
		kbr_log("%s: cannot subscribe to %s", r->name, subj);
		goto out;
	}
	while (!kbr_stopping) {
		if (natsSubscription_NextMsg(&m, sub, KBR_POLL_MS) != NATS_OK)
			continue;
		if (fd < 0) {
			fd = kipc_mbox_open(ep, r->mailbox, NULL);
			if (fd < 0) {
				respond(m, NULL, 0, -fd);
				r->n.call_errors++;
				natsMsg_Destroy(m);
				fd = -1;
				continue;
			}
		}
		ts = kbr_ms(kbr_header_ull(m, KBR_H_TIMEOUT, 5000, 3600000));
		rmax = kbr_header_ull(m, KBR_H_REPLY_MAX, KBR_REPLY_MAX, KBR_REPLY_MAX);
		if (kbr_payload(r, m, &buf, &len, &tofree) < 0) {
			respond(m, NULL, 0, ENOMEM);
			natsMsg_Destroy(m);
			continue;
		}
		ret = kipc_call(fd, 0, buf, len,
				kbr_header_priority(m),
				rbuf, rmax, &rh, 0, &ts);
		free(tofree);
		respond(m, rbuf, ret, ret < 0 ? -ret : 0);
		natsMsg_Destroy(m);
		if (ret >= 0) {
			r->n.calls++;
			continue;
		}
		r->n.call_errors++;
		if (ret == -EIDRM || ret == -ENOENT) {
			close(fd);	/* deleted: open it again next time */
			fd = -1;
		}
	}
out:
	if (sub)
		natsSubscription_Destroy(sub);
	if (fd >= 0)
		close(fd);
	if (ep >= 0)
		close(ep);
	free(rbuf);
	return NULL;
}
