/* SPDX-License-Identifier: MIT */
/*
 * POSIX message queue. The queue is unlinked as soon as it exists: both
 * parties use the descriptor inherited across fork. A size above
 * fs.mqueue.msgsize_max (8192 by default) needs CAP_SYS_RESOURCE and a
 * large enough RLIMIT_MSGQUEUE; without them it is "n/a".
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

#define MQ_DEPTH	8

struct mq_chan {
	mqd_t q;
};

static int mq_setup(void **chan, size_t size, const char **why)
{
	static unsigned int serial;
	struct mq_attr attr = { .mq_maxmsg = MQ_DEPTH, .mq_msgsize = (long)size };
	struct mq_chan *c = malloc(sizeof(*c));
	char name[64];
	int ret;

	if (!c)
		return -ENOMEM;
	snprintf(name, sizeof(name), "/kipc-bench-%d-%u", (int)getpid(), serial++);
	c->q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
	if (c->q == (mqd_t)-1) {
		ret = -errno;
		free(c);
		if (ret == -EINVAL || ret == -EMFILE || ret == -ENOMEM) {
			*why = "message above fs.mqueue.msgsize_max or RLIMIT_MSGQUEUE";
			return BENCH_SKIP;
		}
		return ret;
	}
	mq_unlink(name);
	*chan = c;
	return 0;
}

static int mq_open_side(struct side *s)
{
	(void)s;
	return 0;
}

static int mq_send_msg(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct mq_chan *c = s->chan;
	int ret;

	(void)seq;
	do {
		s->calls++;
		ret = mq_send(c->q, buf, len, 0);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

static int mq_recv_msg(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct mq_chan *c = s->chan;
	ssize_t n;

	do {
		s->calls++;
		n = mq_receive(c->q, buf, len, NULL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return msg_check(buf, (size_t)n, seq, len);
}

static void mq_close_side(struct side *s)
{
	(void)s;
}

static void mq_teardown(void *chan)
{
	struct mq_chan *c = chan;

	mq_close(c->q);
	free(c);
}

const struct transport transport_posix_mq = {
	.name = "posix-mq",
	.setup = mq_setup,
	.open = mq_open_side,
	.send = mq_send_msg,
	.recv = mq_recv_msg,
	.close = mq_close_side,
	.teardown = mq_teardown,
};
