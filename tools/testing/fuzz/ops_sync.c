// SPDX-License-Identifier: MIT
/*
 * Semaphores and mutexes: create, open, delete, wait, post, lock, unlock,
 * consistent. Their fds share one table (the role says which kind); a
 * waiting call is always bounded (pick_timeout()), and mutexes held by a
 * process that exits, forked children included, are left to the next
 * locker as owner-died.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define BLOCK_FLAGS	(KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME)

/* The kernel returned a new semaphore or mutex fd: keep it, or close it. */
static void keep_sync(struct fuzz *f, uint32_t pick, int fd, uint64_t id,
		      uint32_t type)
{
	struct fuzz_fd *s = slot_free(f->sync, FUZZ_SYNCS, pick);

	if (!s) {
		close(fd);
		return;
	}
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->id = id;
	s->role = type;
}

/* Mostly a value within a small max, sometimes an edge. */
static uint32_t pick_units(struct fuzz *f)
{
	static const uint32_t edge[] = {
		0, 1, KIPC_SEM_VALUE_MAX - 1, KIPC_SEM_VALUE_MAX,
		KIPC_SEM_VALUE_MAX + 1U, 0xffffffffU,
	};
	uint32_t kind = rng_below(f, 100), small = rng_below(f, 4);
	uint32_t e = rng_below(f, sizeof(edge) / sizeof(edge[0]));

	if (kind < 85 || f->sane)
		return small;
	return edge[e];
}

static uint32_t pick_mode(struct fuzz *f)
{
	uint32_t kind = rng_below(f, 100), mask = rng_below(f, 8) << 3;
	uint32_t r = (uint32_t)rng64(f);

	return kind < 85 || f->sane ? 0666 & ~mask : r % 01001;
}

/* A fresh object's id: publish it, or report what cannot be. */
static void created(struct fuzz *f, const char *what, long ret,
		    const struct fuzz_arg *a, uint64_t id, uint32_t pick,
		    uint32_t type)
{
	if (ret == 0)
		impossible(f, "%s returned 0, not an fd", what);
	if (ret < 0)
		return;
	if (!a->bad) {
		if (!id)
			impossible(f, "%s gave id 0", what);
		publish_id(f, id);
	}
	keep_sync(f, pick, (int)ret, a->bad ? 0 : id, type);
}

void op_sem_create(struct fuzz *f)
{
	struct kipc_sem_create c = { 0 };
	struct fuzz_arg a;
	uint32_t pick = rng_below(f, FUZZ_SYNCS);
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	c.size = pick_size(f, KIPC_SEM_CREATE_SIZE_VER0, sizeof(c));
	c.flags = pick_flags(f, 0);
	c.id = rng_chance(f, 5) ? rng64(f) : 0;	/* output only */
	c.value = pick_units(f);
	c.max = pick_units(f) + (rng_chance(f, 50) ? 4 : 0);
	c.mode = pick_mode(f);
	c.reserved = rng_chance(f, 5) && !f->sane;
	pick_name(f, c.name);
	ret = fuzz_ioctl(fd, KIPC_IOC_SEM_CREATE, arg_place(f, &c, sizeof(c), arg_pick(f), &a));
	note(f, "SEM_CREATE", ret);
	if (ret > 0 && !a.bad)
		memcpy(&c, a.p, sizeof(c));
	created(f, "SEM_CREATE", ret, &a, c.id, pick, KIPC_TYPE_SEM);
}

void op_mutex_create(struct fuzz *f)
{
	struct kipc_mutex_create c = { 0 };
	struct fuzz_arg a;
	uint32_t pick = rng_below(f, FUZZ_SYNCS);
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	c.size = pick_size(f, KIPC_MUTEX_CREATE_SIZE_VER0, sizeof(c));
	c.flags = pick_flags(f, KIPC_MUTEX_RECURSIVE);
	c.id = rng_chance(f, 5) ? rng64(f) : 0;
	c.mode = pick_mode(f);
	c.reserved = rng_chance(f, 5) && !f->sane;
	pick_name(f, c.name);
	ret = fuzz_ioctl(fd, KIPC_IOC_MUTEX_CREATE, arg_place(f, &c, sizeof(c), arg_pick(f), &a));
	note(f, "MUTEX_CREATE", ret);
	if (ret > 0 && !a.bad)
		memcpy(&c, a.p, sizeof(c));
	created(f, "MUTEX_CREATE", ret, &a, c.id, pick, KIPC_TYPE_MUTEX);
}

static void sync_open(struct fuzz *f, unsigned long cmd, const char *what,
		      uint32_t type)
{
	struct kipc_mbox_ref r;
	struct fuzz_arg a;
	uint32_t pick = rng_below(f, FUZZ_SYNCS);
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	pick_ref(f, &r);
	ret = fuzz_ioctl(fd, cmd, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, what, ret);
	if (ret > 0 && !a.bad)
		memcpy(&r, a.p, sizeof(r));
	created(f, what, ret, &a, r.id, pick, type);
}

void op_sem_open(struct fuzz *f)
{
	sync_open(f, KIPC_IOC_SEM_OPEN, "SEM_OPEN", KIPC_TYPE_SEM);
}

void op_mutex_open(struct fuzz *f)
{
	sync_open(f, KIPC_IOC_MUTEX_OPEN, "MUTEX_OPEN", KIPC_TYPE_MUTEX);
}

/* On an endpoint by id or name, or on the object's own fd (id 0: it). */
static void sync_delete(struct fuzz *f, unsigned long cmd, const char *what,
			int want)
{
	struct kipc_mbox_ref r;
	struct fuzz_arg a;
	int fd = pick_fd_for(f, rng_chance(f, 50) ? want : FD_EP);
	long ret;

	pick_ref(f, &r);
	ret = fuzz_ioctl(fd, cmd, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, what, ret);
	if (ret > 0)
		impossible(f, "%s returned %ld", what, ret);
}

void op_sem_delete(struct fuzz *f)
{
	sync_delete(f, KIPC_IOC_SEM_DELETE, "SEM_DELETE", FD_SEM);
}

void op_mutex_delete(struct fuzz *f)
{
	sync_delete(f, KIPC_IOC_MUTEX_DELETE, "MUTEX_DELETE", FD_MUTEX);
}

static void sem_op(struct fuzz *f, unsigned long cmd, const char *what,
		   uint32_t valid)
{
	struct kipc_sem_op o = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_SEM);
	long ret;

	o.size = pick_size(f, KIPC_SEM_OP_SIZE_VER0, sizeof(o));
	o.flags = pick_flags(f, valid);
	o.n = 1 + pick_units(f);
	o.value = (uint32_t)rng64(f);	/* output only */
	pick_timeout(f, &o.flags, &o.timeout);
	/* POST takes no blocking flags: mostly none, then the kernel's EINVAL. */
	if (cmd == KIPC_IOC_SEM_POST && rng_chance(f, 80))
		o.flags &= ~BLOCK_FLAGS;
	note_wait(f, fd, o.flags, &o.timeout);
	ret = fuzz_ioctl(fd, cmd, arg_place(f, &o, sizeof(o), arg_pick(f), &a));
	note(f, what, ret);
	if (ret > 0)
		impossible(f, "%s returned %ld", what, ret);
	if (ret == 0 && !a.bad && o.size >= sizeof(o)) {
		memcpy(&o, a.p, sizeof(o));
		if (o.value > KIPC_SEM_VALUE_MAX)
			impossible(f, "%s left value %u", what, o.value);
	}
}

void op_sem_wait(struct fuzz *f)
{
	sem_op(f, KIPC_IOC_SEM_WAIT, "SEM_WAIT", BLOCK_FLAGS | KIPC_SEM_UNDO);
}

void op_sem_post(struct fuzz *f)
{
	sem_op(f, KIPC_IOC_SEM_POST, "SEM_POST", KIPC_SEM_UNDO);
}

void op_mutex_lock(struct fuzz *f)
{
	struct kipc_mutex_lock l = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_MUTEX);
	long ret;

	l.size = pick_size(f, KIPC_MUTEX_LOCK_SIZE_VER0, sizeof(l));
	l.flags = pick_flags(f, BLOCK_FLAGS);
	l.count = (uint32_t)rng64(f);	/* output only */
	l.reserved = rng_chance(f, 5) && !f->sane;
	pick_timeout(f, &l.flags, &l.timeout);
	note_wait(f, fd, l.flags, &l.timeout);
	ret = fuzz_ioctl(fd, KIPC_IOC_MUTEX_LOCK, arg_place(f, &l, sizeof(l), arg_pick(f), &a));
	note(f, "MUTEX_LOCK", ret);
	if (ret > 0)
		impossible(f, "MUTEX_LOCK returned %ld", ret);
	/* Held either way: the count says how often. */
	if ((ret == 0 || ret == -EOWNERDEAD) && !a.bad && l.size >= sizeof(l)) {
		memcpy(&l, a.p, sizeof(l));
		if (!l.count)
			impossible(f, "MUTEX_LOCK held with count 0");
	}
}

void op_mutex_unlock(struct fuzz *f)
{
	int fd = pick_fd_for(f, FD_MUTEX);
	long ret = fuzz_ioctl(fd, KIPC_IOC_MUTEX_UNLOCK, NULL);

	note(f, "MUTEX_UNLOCK", ret);
	if (ret > 0)
		impossible(f, "MUTEX_UNLOCK returned %ld", ret);
}

void op_mutex_consistent(struct fuzz *f)
{
	int fd = pick_fd_for(f, FD_MUTEX);
	long ret = fuzz_ioctl(fd, KIPC_IOC_MUTEX_CONSISTENT, NULL);

	note(f, "MUTEX_CONSISTENT", ret);
	if (ret > 0)
		impossible(f, "MUTEX_CONSISTENT returned %ld", ret);
}
