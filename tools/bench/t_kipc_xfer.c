/* SPDX-License-Identifier: MIT */
/*
 * kipc batches and one-call round trips (KIPC_IOC_XFER):
 *  - kipc-mbox-batch: a one-way stream through a mailbox, BATCH messages
 *    per system call on each side (kipc_send_batch, kipc_recv_batch);
 *  - kipc-mbox-sendrecv: a round trip over two mailboxes where the client
 *    sends its request and waits for the answer in one call, and the
 *    server answers and waits for the next request in one call
 *    (kipc_sendrecv), as L4's call and reply-and-wait.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkipc.h>

#include "bench.h"
#include "kipc_common.h"

#define BATCH	16

struct xfer_chan {
	int ep, req, rep;	/* request and reply mailboxes */
	uint64_t req_id, rep_id;
};

/* Per side: the messages of one batch. */
struct xfer_side {
	struct kipc_mmsg mm[BATCH];
	char *bufs[BATCH];
	unsigned int n, next;	/* held; next to hand out (receiver) */
	int pending;		/* server: a reply to send */
};

static int make_mbox(struct xfer_chan *c, size_t size, uint64_t *id)
{
	struct kipc_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED,
		.max_msgs = KQ_MSGS,
		.max_bytes = kq_bytes(size),
		.msg_max = kq_msg_max(size),
		.mode = 0600,
	};

	return kipc_mbox_create(c->ep, NULL, &attr, id);
}

static void xfer_teardown(void *chan)
{
	struct xfer_chan *c = chan;

	if (c->req >= 0)
		close(c->req);
	if (c->rep >= 0)
		close(c->rep);
	close(c->ep);
	free(c);
}

static int xfer_setup(void **chan, size_t size, const char **why)
{
	struct xfer_chan *c = malloc(sizeof(*c));

	(void)why;
	if (!c)
		return -ENOMEM;
	c->req = c->rep = -1;
	c->ep = kipc_open(0);
	if (c->ep < 0) {
		free(c);
		return -errno;
	}
	c->req = make_mbox(c, size, &c->req_id);
	c->rep = c->req < 0 ? c->req : make_mbox(c, size, &c->rep_id);
	if (c->rep < 0) {
		int ret = c->rep;

		xfer_teardown(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int xfer_open(struct side *s)
{
	struct xfer_side *x = calloc(1, sizeof(*x));
	unsigned int i;

	if (!x)
		return -ENOMEM;
	for (i = 0; i < BATCH; i++) {
		x->bufs[i] = msg_alloc(s->size);
		if (!x->bufs[i])
			return -ENOMEM;
		x->mm[i].buf = (uintptr_t)x->bufs[i];
		x->mm[i].buf_len = s->size;
	}
	s->priv = x;
	return 0;
}

static int flush_batch(struct side *s)
{
	struct xfer_chan *c = s->chan;
	struct xfer_side *x = s->priv;
	unsigned int done = 0;
	int n;

	while (done < x->n) {
		s->calls++;
		n = kipc_send_batch(c->req, 0, x->mm + done, x->n - done, 0,
				    NULL);
		if (n < 0)
			return n;
		done += n;
	}
	x->n = 0;
	return 0;
}

static int batch_send(struct side *s, uint64_t seq, const void *buf,
		      size_t len)
{
	struct xfer_side *x = s->priv;

	(void)seq;
	memcpy(x->bufs[x->n], buf, len);
	x->mm[x->n].len = len;
	return ++x->n == BATCH ? flush_batch(s) : 0;
}

static int batch_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct xfer_chan *c = s->chan;
	struct xfer_side *x = s->priv;
	struct kipc_mmsg *m;
	int n;

	(void)buf;
	if (x->next == x->n) {
		s->calls++;
		n = kipc_recv_batch(c->req, x->mm, BATCH, 0, NULL);
		if (n < 0)
			return n;
		x->n = n;
		x->next = 0;
	}
	m = &x->mm[x->next++];
	return msg_check(x->bufs[m - x->mm], m->len, seq, len);
}

static void xfer_close(struct side *s)
{
	struct xfer_side *x = s->priv;
	unsigned int i;

	if (!x)
		return;
	for (i = 0; i < BATCH; i++)
		msg_free(x->bufs[i], s->size);
	free(x);
	s->priv = NULL;
}

static int sr_call(struct side *s, uint64_t seq, const void *buf, void *rbuf,
		   size_t len)
{
	struct xfer_chan *c = s->chan;
	int n;

	s->calls++;
	n = kipc_sendrecv(c->rep, c->req_id, buf, len, 0, rbuf, len, NULL,
			  KIPC_SEND_MAILBOX, NULL, NULL);
	if (n < 0)
		return n;
	return msg_check(rbuf, (size_t)n, seq, len);
}

/* Answer the request held in @buf (if any) and wait for request @seq. */
static int sr_serve(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct xfer_chan *c = s->chan;
	struct xfer_side *x = s->priv;
	int n;

	s->calls++;
	if (x->pending)
		n = kipc_sendrecv(c->req, c->rep_id, x->bufs[0], len, 0, buf,
				  len, NULL, KIPC_SEND_MAILBOX, NULL, NULL);
	else
		n = kipc_recv(c->req, buf, len, NULL, 0, NULL);
	if (n < 0)
		return n;
	x->pending = 1;
	/* The answer goes out with the next call, or at close. */
	memcpy(x->bufs[0], buf, len);
	return msg_check(buf, (size_t)n, seq, len);
}

static void sr_close(struct side *s)
{
	struct xfer_chan *c = s->chan;
	struct xfer_side *x = s->priv;

	if (x && x->pending) {
		s->calls++;
		kipc_send(c->rep, 0, x->bufs[0], s->size, 0, 0, NULL);
		x->pending = 0;
	}
	xfer_close(s);
}

const struct transport transport_kipc_mbox_batch = {
	.name = "kipc-mbox-batch",
	.flags = T_KIPC | T_STREAM_ONLY,
	.setup = xfer_setup,
	.open = xfer_open,
	.send = batch_send,
	.recv = batch_recv,
	.flush = flush_batch,
	.close = xfer_close,
	.teardown = xfer_teardown,
};

const struct transport transport_kipc_mbox_sendrecv = {
	.name = "kipc-mbox-sendrecv",
	.flags = T_KIPC | T_RTT_ONLY,
	.setup = xfer_setup,
	.open = xfer_open,
	.call = sr_call,
	.serve = sr_serve,
	.close = sr_close,
	.teardown = xfer_teardown,
};
