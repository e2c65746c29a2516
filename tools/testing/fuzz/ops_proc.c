// SPDX-License-Identifier: MIT
/* Process-level operations: close, dup, fcntl, poll, and forks that exit. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "fuzz.h"

#define ANY_SLOTS	(FUZZ_EPS + FUZZ_MBOXES + FUZZ_SYNCS + FUZZ_RINGS)

/* The slot an index in [0, ANY_SLOTS) names, with its table and size. */
static struct fuzz_fd *any_slot(struct fuzz *f, uint32_t i,
				struct fuzz_fd **table, unsigned int *n)
{
	static const unsigned int sizes[] = {
		FUZZ_EPS, FUZZ_MBOXES, FUZZ_SYNCS, FUZZ_RINGS,
	};
	struct fuzz_fd *tables[] = { f->ep, f->mb, f->sync, f->ring };
	unsigned int t;

	for (t = 0; t < 3 && i >= sizes[t]; t++)
		i -= sizes[t];
	*table = tables[t];
	*n = sizes[t];
	return &tables[t][i % sizes[t]];
}

void op_close(struct fuzz *f)
{
	struct fuzz_fd *table, *s;
	unsigned int n;

	s = any_slot(f, rng_below(f, ANY_SLOTS), &table, &n);
	if (s->fd < 0)
		return;
	note(f, "close", close(s->fd));
	s->fd = -1;
}

/* A dup lands in a free slot of the same table: same object, one more fd. */
void op_dup(struct fuzz *f)
{
	uint32_t from = rng_below(f, ANY_SLOTS), to = rng_below(f, 16);
	struct fuzz_fd *table, *d;
	unsigned int n;
	struct fuzz_fd *s = any_slot(f, from, &table, &n);
	int fd;

	if (s->fd < 0)
		return;
	d = slot_free(table, n, to);
	if (!d)
		return;
	fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 0);
	note(f, "dup", fd);
	if (fd < 0)
		return;
	*d = *s;
	d->fd = fd;
}

/* O_NONBLOCK and O_ASYNC (SIGIO, handled in main.c) on and off. */
void op_fcntl(struct fuzz *f)
{
	uint32_t bits = rng_below(f, 4), own = rng_below(f, 2);
	int fd = pick_fd(f);
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return;
	fl &= ~(O_NONBLOCK | O_ASYNC);
	fl |= (bits & 1 ? O_NONBLOCK : 0) | (bits & 2 ? O_ASYNC : 0);
	if (own)
		fcntl(fd, F_SETOWN, getpid());
	note(f, "fcntl", fcntl(fd, F_SETFL, fl));
}

void op_poll(struct fuzz *f)
{
	struct pollfd p[4];
	uint32_t tmo = rng_below(f, 3), i;
	int ret;

	for (i = 0; i < 4; i++) {
		p[i].fd = pick_fd(f);
		p[i].events = (short)(rng_below(f, 8) ? POLLIN | POLLOUT : rng64(f));
		p[i].revents = 0;
	}
	ret = poll(p, 4, (int)tmo);
	note(f, "poll", ret);
	if (ret > 4)
		impossible(f, "poll returned %d for 4 fds", ret);
}

/*
 * A child that inherits every fd (but none of the ring mappings:
 * VM_DONTCOPY), runs a few operations of its own and exits, dropping its
 * references from a process that is not the one that took them.
 */
void op_fork(struct fuzz *f)
{
	uint64_t seed = rng64(f);
	uint32_t n = 1 + rng_below(f, 16), i, go = rng_chance(f, 5);
	pid_t pid;
	int st;

	/* A fork costs hundreds of operations under KASAN: keep them rare. */
	if (f->forked || !go)
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		f->forked = 1;
		rng_seed(f, seed);
		/* The mappings are not inherited: forget them without munmap. */
		memset(f->map, 0, sizeof(f->map));
		fuzz_uring_forget();
		alarm(60);
		for (i = 0; i < n; i++)
			fuzz_one(f);
		_exit(0);
	}
	note(f, "fork", pid);
	/* SIGUSR1 has no SA_RESTART (main.c): a NOTIFY may interrupt this. */
	while (waitpid(pid, &st, 0) != pid)
		if (errno != EINTR)
			impossible(f, "waitpid of forked child: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		impossible(f, "forked child ended with status %#x", st);
}
