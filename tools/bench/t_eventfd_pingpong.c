/* SPDX-License-Identifier: MIT */
/*
 * eventfd + shared memory, the leanest round trip: one slot and one
 * counting eventfd per direction. A send copies into the slot and writes
 * the eventfd; a receive reads it (sleeping until the write) and copies
 * out: one system call per side per message. The slot is free again
 * when the reply arrives, so this carries ping-pong only, not a stream
 * (eventfd-shm, with a pair of semaphores, is the streaming version).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "bench.h"

struct efp_chan {
	int efd;
	size_t size;
	char *slot;
};

static int efp_setup(void **chan, size_t size, const char **why)
{
	struct efp_chan *c = calloc(1, sizeof(*c));
	int ret;

	(void)why;
	if (!c)
		return -ENOMEM;
	c->size = size;
	c->slot = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->slot == MAP_FAILED) {
		ret = -errno;
		free(c);
		return ret;
	}
	c->efd = eventfd(0, EFD_CLOEXEC);
	if (c->efd < 0) {
		ret = -errno;
		munmap(c->slot, size);
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int efp_open(struct side *s)
{
	(void)s;
	return 0;
}

static int efp_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct efp_chan *c = s->chan;
	uint64_t v = 1;
	ssize_t n;

	(void)seq;
	memcpy(c->slot, buf, len);
	do {
		s->calls++;
		n = write(c->efd, &v, sizeof(v));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(v) ? 0 : n < 0 ? -errno : -EIO;
}

static int efp_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct efp_chan *c = s->chan;
	uint64_t v;
	ssize_t n;

	do {
		s->calls++;
		n = read(c->efd, &v, sizeof(v));
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(v))
		return n < 0 ? -errno : -EIO;
	/* One message in flight: a count of more is a lost round trip. */
	if (v != 1)
		return -EPROTO;
	memcpy(buf, c->slot, len);
	return msg_check(buf, len, seq, len);
}

static void efp_close(struct side *s)
{
	(void)s;
}

static void efp_teardown(void *chan)
{
	struct efp_chan *c = chan;

	close(c->efd);
	munmap(c->slot, c->size);
	free(c);
}

const struct transport transport_eventfd_pingpong = {
	.name = "eventfd-pingpong",
	.flags = T_RTT_ONLY,
	.setup = efp_setup,
	.open = efp_open,
	.send = efp_send,
	.recv = efp_recv,
	.close = efp_close,
	.teardown = efp_teardown,
};
