/* SPDX-License-Identifier: MIT */
/* kipc direct: endpoint to endpoint, by the receiver's id. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <libkipc.h>

#include "bench.h"
#include "kipc_common.h"

struct direct_chan {
	int ep_send, ep_recv;
	uint64_t dest;
};

static int direct_setup(void **chan, size_t size, const char **why)
{
	struct direct_chan *c = malloc(sizeof(*c));
	int ret;

	(void)why;
	if (!c)
		return -ENOMEM;
	c->ep_send = kipc_open(0);
	c->ep_recv = kipc_open(0);
	ret = c->ep_send < 0 ? c->ep_send : c->ep_recv < 0 ? c->ep_recv : 0;
	if (!ret)
		ret = kipc_ep_id(c->ep_recv, &c->dest);
	if (!ret)
		ret = kipc_ep_set_limits(c->ep_recv, KQ_MSGS, kq_bytes(size),
					 kq_msg_max(size));
	if (ret < 0) {
		if (c->ep_send >= 0)
			close(c->ep_send);
		if (c->ep_recv >= 0)
			close(c->ep_recv);
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int direct_open(struct side *s)
{
	(void)s;
	return 0;
}

static int direct_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct direct_chan *c = s->chan;
	int ret;

	(void)seq;
	s->calls++;
	ret = kipc_send(c->ep_send, c->dest, buf, len, 0, 0, NULL);
	return ret < 0 ? ret : 0;
}

static int direct_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct direct_chan *c = s->chan;
	int n;

	s->calls++;
	n = kipc_recv(c->ep_recv, buf, len, NULL, 0, NULL);
	if (n < 0)
		return n;
	return msg_check(buf, (size_t)n, seq, len);
}

static void direct_close(struct side *s)
{
	(void)s;
}

static void direct_teardown(void *chan)
{
	struct direct_chan *c = chan;

	close(c->ep_send);
	close(c->ep_recv);
	free(c);
}

const struct transport transport_kipc_direct = {
	.name = "kipc-direct",
	.flags = T_KIPC,
	.setup = direct_setup,
	.open = direct_open,
	.send = direct_send,
	.recv = direct_recv,
	.close = direct_close,
	.teardown = direct_teardown,
};
