/* SPDX-License-Identifier: MIT */
/*
 * UNIX SOCK_SEQPACKET socketpair: message boundaries like kipc, one call
 * per message. A message must fit the send buffer, which an unprivileged
 * process can raise only to net.core.wmem_max.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

#include "bench.h"

struct sp_chan {
	int fd[2];	/* fd[0] sends, fd[1] receives */
};

static void set_buf(int fd, int opt_force, int opt, int bytes)
{
	/* FORCE ignores wmem_max/rmem_max and needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &bytes, sizeof(bytes)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof(bytes));
}

static int sp_setup(void **chan, size_t size, const char **why)
{
	struct sp_chan *c = malloc(sizeof(*c));
	int want = size > (4U << 20) ? (int)size * 2 : (int)size * 4 + 65536;
	int got = 0, ret;
	socklen_t len = sizeof(got);

	if (!c)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->fd) < 0) {
		ret = -errno;
		free(c);
		return ret;
	}
	set_buf(c->fd[0], SO_SNDBUFFORCE, SO_SNDBUF, want);
	set_buf(c->fd[1], SO_RCVBUFFORCE, SO_RCVBUF, want);
	/* The kernel reports twice what it grants and needs room for overhead. */
	if (getsockopt(c->fd[0], SOL_SOCKET, SO_SNDBUF, &got, &len) < 0 ||
	    (size_t)got < size + 4096) {
		close(c->fd[0]);
		close(c->fd[1]);
		free(c);
		*why = "message above the socket send buffer (net.core.wmem_max)";
		return BENCH_SKIP;
	}
	*chan = c;
	return 0;
}

static int sp_open(struct side *s)
{
	(void)s;
	return 0;
}

static int sp_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct sp_chan *c = s->chan;
	ssize_t n;

	(void)seq;
	do {
		s->calls++;
		n = send(c->fd[0], buf, len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

static int sp_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct sp_chan *c = s->chan;
	ssize_t n;

	do {
		s->calls++;
		/* MSG_TRUNC: the real length, so truncation is caught. */
		n = recv(c->fd[1], buf, len, MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return msg_check(buf, (size_t)n, seq, len);
}

static void sp_close(struct side *s)
{
	(void)s;
}

static void sp_teardown(void *chan)
{
	struct sp_chan *c = chan;

	close(c->fd[0]);
	close(c->fd[1]);
	free(c);
}

const struct transport transport_seqpacket = {
	.name = "seqpacket",
	.setup = sp_setup,
	.open = sp_open,
	.send = sp_send,
	.recv = sp_recv,
	.close = sp_close,
	.teardown = sp_teardown,
};
