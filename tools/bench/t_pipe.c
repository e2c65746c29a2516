/* SPDX-License-Identifier: MIT */
/* pipe(2): the baseline every other transport is compared with. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

struct pipe_chan {
	int fd[2];
};

static int pipe_setup(void **chan, size_t size, const char **why)
{
	struct pipe_chan *c = malloc(sizeof(*c));
	int ret;

	(void)size;
	(void)why;
	if (!c)
		return -ENOMEM;
	/* Default pipe size: the pipe as programs get it. */
	if (pipe2(c->fd, O_CLOEXEC) < 0) {
		ret = -errno;
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int pipe_open(struct side *s)
{
	(void)s;
	return 0;
}

/* A message larger than the pipe takes several calls: each one counts. */
static int pipe_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct pipe_chan *c = s->chan;
	size_t done = 0;
	ssize_t n;

	(void)seq;
	while (done < len) {
		s->calls++;
		n = write(c->fd[1], (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

static int pipe_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct pipe_chan *c = s->chan;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		s->calls++;
		n = read(c->fd[0], (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		done += (size_t)n;
	}
	return msg_check(buf, done, seq, len);
}

static void pipe_close(struct side *s)
{
	(void)s;
}

static void pipe_teardown(void *chan)
{
	struct pipe_chan *c = chan;

	close(c->fd[0]);
	close(c->fd[1]);
	free(c);
}

const struct transport transport_pipe = {
	.name = "pipe",
	.setup = pipe_setup,
	.open = pipe_open,
	.send = pipe_send,
	.recv = pipe_recv,
	.close = pipe_close,
	.teardown = pipe_teardown,
};
