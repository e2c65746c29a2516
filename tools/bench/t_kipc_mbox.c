/* SPDX-License-Identifier: MIT */
/*
 * kipc mailbox, buffered and rendezvous (capacity 0: a send completes
 * only when the receiver takes the message), through kipc_send() and
 * kipc_recv(), and through plain write() and read() on the mailbox fd
 * (kipc-mbox-rw: the same messages without the ioctl). The mailbox is
 * owned by the runner's endpoint, so it goes away with it whatever
 * happens.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <libkipc.h>

#include "bench.h"
#include "kipc_common.h"

struct mbox_chan {
	int ep, mb;
};

static int mbox_make(void **chan, size_t size, unsigned int max_msgs)
{
	struct kipc_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED,
		.max_msgs = max_msgs,
		.max_bytes = kq_bytes(size),
		.msg_max = kq_msg_max(size),
		.mode = 0600,
	};
	struct mbox_chan *c = malloc(sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	c->ep = kipc_open(0);
	if (c->ep < 0) {
		ret = c->ep;
		free(c);
		return ret;
	}
	c->mb = kipc_mbox_create(c->ep, NULL, &attr, NULL);
	if (c->mb < 0) {
		ret = c->mb;
		close(c->ep);
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int mbox_setup(void **chan, size_t size, const char **why)
{
	(void)why;
	return mbox_make(chan, size, KQ_MSGS);
}

static int rdv_setup(void **chan, size_t size, const char **why)
{
	(void)why;
	return mbox_make(chan, size, 0);
}

static int mbox_open(struct side *s)
{
	(void)s;
	return 0;
}

static int mbox_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct mbox_chan *c = s->chan;
	int ret;

	(void)seq;
	s->calls++;
	ret = kipc_send(c->mb, 0, buf, len, 0, 0, NULL);
	return ret < 0 ? ret : 0;
}

static int mbox_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct mbox_chan *c = s->chan;
	int n;

	s->calls++;
	n = kipc_recv(c->mb, buf, len, NULL, 0, NULL);
	if (n < 0)
		return n;
	return msg_check(buf, (size_t)n, seq, len);
}

static int rw_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct mbox_chan *c = s->chan;
	ssize_t n;

	(void)seq;
	s->calls++;
	n = write(c->mb, buf, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int rw_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct mbox_chan *c = s->chan;
	ssize_t n;

	s->calls++;
	n = read(c->mb, buf, len);
	if (n < 0)
		return -errno;
	return msg_check(buf, (size_t)n, seq, len);
}

static void mbox_close(struct side *s)
{
	(void)s;
}

static void mbox_teardown(void *chan)
{
	struct mbox_chan *c = chan;

	close(c->mb);
	close(c->ep);
	free(c);
}

const struct transport transport_kipc_mbox = {
	.name = "kipc-mbox",
	.flags = T_KIPC,
	.setup = mbox_setup,
	.open = mbox_open,
	.send = mbox_send,
	.recv = mbox_recv,
	.close = mbox_close,
	.teardown = mbox_teardown,
};

const struct transport transport_kipc_rendezvous = {
	.name = "kipc-rendezvous",
	.flags = T_KIPC,
	.setup = rdv_setup,
	.open = mbox_open,
	.send = mbox_send,
	.recv = mbox_recv,
	.close = mbox_close,
	.teardown = mbox_teardown,
};

const struct transport transport_kipc_mbox_rw = {
	.name = "kipc-mbox-rw",
	.flags = T_KIPC,
	.setup = mbox_setup,
	.open = mbox_open,
	.send = rw_send,
	.recv = rw_recv,
	.close = mbox_close,
	.teardown = mbox_teardown,
};
