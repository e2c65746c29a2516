/* SPDX-License-Identifier: MIT */
/*
 * A futex over shared memory, the hand-made round trip without any file:
 * per direction one slot, a count of messages published and a flag the
 * receiver raises before it sleeps. A send copies into the slot, bumps
 * the count and makes FUTEX_WAKE only if the flag was up; a receive
 * returns at once if the count moved and otherwise sleeps in FUTEX_WAIT
 * on it. Ping-pong only, like eventfd-pingpong.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "bench.h"

struct ftx_shared {
	_Atomic uint32_t seq;		/* messages published */
	_Atomic uint32_t waiting;	/* the receiver is (about to be) asleep */
	char slot[] __attribute__((aligned(64)));
};

struct ftx_chan {
	struct ftx_shared *sh;
	size_t map_size;
};

struct ftx_side {
	uint32_t seen;		/* the receiver's count of messages taken */
};

static int ftx_setup(void **chan, size_t size, const char **why)
{
	struct ftx_chan *c = calloc(1, sizeof(*c));
	int ret;

	(void)why;
	if (!c)
		return -ENOMEM;
	c->map_size = sizeof(struct ftx_shared) + size;
	c->sh = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->sh == MAP_FAILED) {
		ret = -errno;
		free(c);
		return ret;
	}
	*chan = c;
	return 0;
}

static int ftx_open(struct side *s)
{
	s->priv = calloc(1, sizeof(struct ftx_side));
	return s->priv ? 0 : -ENOMEM;
}

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val)
{
	/* MAP_SHARED between processes: no FUTEX_PRIVATE_FLAG. */
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static int ftx_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct ftx_chan *c = s->chan;
	struct ftx_shared *sh = c->sh;

	(void)seq;
	memcpy(sh->slot, buf, len);
	atomic_fetch_add(&sh->seq, 1);
	/* seq_cst on both sides: we see the flag or it sees the count. */
	if (atomic_exchange(&sh->waiting, 0)) {
		s->calls++;
		if (futex(&sh->seq, FUTEX_WAKE, INT_MAX) < 0)
			return -errno;
	}
	return 0;
}

static int ftx_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct ftx_chan *c = s->chan;
	struct ftx_shared *sh = c->sh;
	struct ftx_side *me = s->priv;

	while (atomic_load(&sh->seq) == me->seen) {
		atomic_store(&sh->waiting, 1);
		if (atomic_load(&sh->seq) != me->seen) {
			/* Not asleep after all: spare the sender a wake. */
			atomic_store(&sh->waiting, 0);
			break;
		}
		s->calls++;
		if (futex(&sh->seq, FUTEX_WAIT, me->seen) < 0 &&
		    errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	if (atomic_load(&sh->seq) != me->seen + 1)
		return -EPROTO;
	me->seen++;
	memcpy(buf, sh->slot, len);
	return msg_check(buf, len, seq, len);
}

static void ftx_close(struct side *s)
{
	free(s->priv);
}

static void ftx_teardown(void *chan)
{
	struct ftx_chan *c = chan;

	munmap(c->sh, c->map_size);
	free(c);
}

const struct transport transport_futex_shm = {
	.name = "futex-shm",
	.flags = T_RTT_ONLY,
	.setup = ftx_setup,
	.open = ftx_open,
	.send = ftx_send,
	.recv = ftx_recv,
	.close = ftx_close,
	.teardown = ftx_teardown,
};
