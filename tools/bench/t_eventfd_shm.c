/* SPDX-License-Identifier: MIT */
/*
 * eventfd + shared memory: the usual hand-made fast path. A few slots in a
 * shared mapping, one semaphore eventfd counting full slots and one
 * counting free ones; each message costs a read and a write of an eventfd
 * on each side, whether or not the other side sleeps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "bench.h"

struct efd_chan {
	int full, empty;	/* eventfds */
	unsigned int slots;
	size_t size, map_size;
	char *map;
};

struct efd_side {
	uint64_t pos;		/* next slot to fill or drain */
};

static int efd_setup(void **chan, size_t size, const char **why)
{
	struct efd_chan *c = calloc(1, sizeof(*c));
	int ret;

	(void)why;
	if (!c)
		return -ENOMEM;
	c->size = size;
	c->slots = size >= (1U << 20) ? 4 : 16;
	c->map_size = c->slots * size;
	c->map = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->map == MAP_FAILED) {
		ret = -errno;
		free(c);
		return ret;
	}
	c->full = eventfd(0, EFD_SEMAPHORE | EFD_CLOEXEC);
	c->empty = eventfd(c->slots, EFD_SEMAPHORE | EFD_CLOEXEC);
	if (c->full < 0 || c->empty < 0) {
		ret = -errno;
		if (c->full >= 0)
			close(c->full);
		if (c->empty >= 0)
			close(c->empty);
		munmap(c->map, c->map_size);
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int efd_open(struct side *s)
{
	s->priv = calloc(1, sizeof(struct efd_side));
	return s->priv ? 0 : -ENOMEM;
}

static int efd_take(struct side *s, int fd)
{
	uint64_t v;
	ssize_t n;

	do {
		s->calls++;
		n = read(fd, &v, sizeof(v));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(v) ? 0 : n < 0 ? -errno : -EIO;
}

static int efd_give(struct side *s, int fd)
{
	uint64_t v = 1;
	ssize_t n;

	do {
		s->calls++;
		n = write(fd, &v, sizeof(v));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(v) ? 0 : n < 0 ? -errno : -EIO;
}

static int efd_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct efd_chan *c = s->chan;
	struct efd_side *me = s->priv;
	int ret;

	(void)seq;
	ret = efd_take(s, c->empty);
	if (ret)
		return ret;
	memcpy(c->map + (me->pos++ % c->slots) * c->size, buf, len);
	return efd_give(s, c->full);
}

static int efd_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct efd_chan *c = s->chan;
	struct efd_side *me = s->priv;
	int ret;

	ret = efd_take(s, c->full);
	if (ret)
		return ret;
	memcpy(buf, c->map + (me->pos++ % c->slots) * c->size, len);
	ret = efd_give(s, c->empty);
	return ret ?: msg_check(buf, len, seq, len);
}

static void efd_close(struct side *s)
{
	free(s->priv);
}

static void efd_teardown(void *chan)
{
	struct efd_chan *c = chan;

	close(c->full);
	close(c->empty);
	munmap(c->map, c->map_size);
	free(c);
}

const struct transport transport_eventfd_shm = {
	.name = "eventfd-shm",
	.setup = efd_setup,
	.open = efd_open,
	.send = efd_send,
	.recv = efd_recv,
	.close = efd_close,
	.teardown = efd_teardown,
};
