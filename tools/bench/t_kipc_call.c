/* SPDX-License-Identifier: MIT */
/*
 * kipc request/reply: kipc_call() sends and sleeps for the answer in one
 * system call; the server answers the previous request and receives the
 * next in one kipc_reply_recv(), as Binder and QNX servers loop. Round
 * trip only: one system call per side.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <libkipc.h>

#include "bench.h"
#include "kipc_common.h"

/*
 * The server's request still to answer: its reply is the first half of the
 * next kipc_reply_recv(), or of the kipc_reply() at close.
 */
struct call_chan {
	int client, server;
	uint64_t server_id;
	uint64_t token;
	const void *reply;
	size_t reply_len;
};

static int call_setup(void **chan, size_t size, const char **why)
{
	struct call_chan *c = calloc(1, sizeof(*c));
	int ret;

	(void)why;
	if (!c)
		return -ENOMEM;
	c->client = kipc_open(0);
	c->server = kipc_open(0);
	ret = c->client < 0 ? c->client : c->server < 0 ? c->server : 0;
	if (!ret)
		ret = kipc_ep_id(c->server, &c->server_id);
	/* Both inboxes: requests land in the server's, replies in the client's. */
	if (!ret)
		ret = kipc_ep_set_limits(c->server, KQ_MSGS, kq_bytes(size),
					 kq_msg_max(size));
	if (!ret)
		ret = kipc_ep_set_limits(c->client, KQ_MSGS, kq_bytes(size),
					 kq_msg_max(size));
	if (ret < 0) {
		if (c->client >= 0)
			close(c->client);
		if (c->server >= 0)
			close(c->server);
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int call_open(struct side *s)
{
	(void)s;
	return 0;
}

static int call_call(struct side *s, uint64_t seq, const void *buf, void *rbuf,
		     size_t len)
{
	struct call_chan *c = s->chan;
	int n;

	s->calls++;
	n = kipc_call(c->client, c->server_id, buf, len, 0, rbuf, len, NULL, 0,
		      NULL);
	if (n < 0)
		return n;
	return msg_check(rbuf, (size_t)n, seq, len);
}

static int call_serve(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct call_chan *c = s->chan;
	struct kipc_msg_hdr hdr;
	int n, ret, replied;

	/* Answer the last request (its bytes are still in @buf), take one. */
	s->calls++;
	n = kipc_reply_recv(c->server, c->token, buf, c->reply_len, buf, len,
			    &hdr, 0, NULL, &replied);
	c->token = 0;
	if (n < 0)
		return n;
	if (replied < 0)
		return replied;
	ret = msg_check(buf, (size_t)n, seq, len);
	if (ret)
		return ret;
	if (!(hdr.flags & KIPC_MSG_REQUEST))
		return -EPROTO;
	c->token = hdr.token;
	c->reply = buf;
	c->reply_len = len;
	return 0;
}

static void call_close(struct side *s)
{
	struct call_chan *c = s->chan;

	/* The server's last answer. */
	if (s->role == ROLE_RECEIVER && c->token) {
		s->calls++;
		if (kipc_reply(c->server, c->token, c->reply, c->reply_len) < 0)
			bench_warn("kipc-call: the last reply failed");
		c->token = 0;
	}
}

static void call_teardown(void *chan)
{
	struct call_chan *c = chan;

	close(c->client);
	close(c->server);
	free(c);
}

const struct transport transport_kipc_call = {
	.name = "kipc-call",
	.flags = T_KIPC | T_RTT_ONLY,
	.setup = call_setup,
	.open = call_open,
	.call = call_call,
	.serve = call_serve,
	.close = call_close,
	.teardown = call_teardown,
};
