// SPDX-License-Identifier: MIT
/*
 * The semaphore and mutex operations swept: create, open and delete of
 * each, a semaphore wait and post with KIPC_SEM_UNDO (which allocates the
 * process's undo record), a mutex lock and unlock. As in ops.c, run() is
 * one system call with valid arguments and check() says whether it did
 * what it should.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"

#define FAIL(...) (snprintf(why, len, __VA_ARGS__), -1)

/* STAT of the object behind @fd into fx->info[0]. */
static long stat_fd(struct fixture *fx, int fd)
{
	struct kipc_stat st = { .size = sizeof(st) };
	long ret = sys_ioctl(fd, KIPC_IOC_STAT, &st);

	fx->info[0] = st.info;
	return ret;
}

/* The object behind @fd is @type @id holding @depth (value or count). */
static int check_obj(struct fixture *fx, int fd, uint32_t type, uint64_t id,
		     uint32_t depth, char *why, size_t len)
{
	long ret = stat_fd(fx, fd);

	if (ret < 0)
		return FAIL("STAT of fd %d: %s", fd, strerror((int)-ret));
	if (fx->info[0].type != type || (id && fx->info[0].id != id))
		return FAIL("fd %d is type %u id %llu, expected %u %llu", fd,
			    fx->info[0].type, (unsigned long long)fx->info[0].id,
			    type, (unsigned long long)id);
	if (fx->info[0].depth != depth)
		return FAIL("%s %llu at %u, expected %u",
			    type == KIPC_TYPE_SEM ? "semaphore" : "mutex",
			    (unsigned long long)fx->info[0].id, fx->info[0].depth,
			    depth);
	return 0;
}

static int prepare_sem(struct fixture *fx)
{
	return fixture_sem(fx, 1);
}

static int prepare_mutex(struct fixture *fx)
{
	return fixture_mutex(fx, 0);
}

static int prepare_mutex_locked(struct fixture *fx)
{
	return fixture_mutex(fx, 1);
}

/* Semaphores */
static long run_sem_create(struct fixture *fx)
{
	struct kipc_sem_create c = {
		.size = sizeof(c),
		.value = 1,
		.max = 4,
		.mode = 0600,
		.name = "fs-newsem",
	};
	long ret = sys_ioctl(fx->ep, KIPC_IOC_SEM_CREATE, &c);

	if (ret >= 0) {
		fx->out_fd = (int)ret;
		fx->sync_id = c.id;
	}
	return ret;
}

static int check_sem_create(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (check_obj(fx, fx->out_fd, KIPC_TYPE_SEM, fx->sync_id, 1, why, len))
		return -1;
	if (strcmp(fx->info[0].name, "fs-newsem") || fx->info[0].max_msgs != 4)
		return FAIL("new semaphore is '%s', max %u", fx->info[0].name,
			    fx->info[0].max_msgs);
	return 0;
}

static long sync_open(struct fixture *fx, unsigned long cmd, const char *name)
{
	struct kipc_mbox_ref r = { .size = sizeof(r) };
	long ret;

	snprintf(r.name, sizeof(r.name), "%s", name);
	ret = sys_ioctl(fx->ep, cmd, &r);
	if (ret >= 0)
		fx->out_fd = (int)ret;
	return ret;
}

static long run_sem_open(struct fixture *fx)
{
	return sync_open(fx, KIPC_IOC_SEM_OPEN, "fs-sem");
}

static int check_sem_open(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	return check_obj(fx, fx->out_fd, KIPC_TYPE_SEM, fx->sync_id, 1, why, len);
}

static long sync_delete(struct fixture *fx, unsigned long cmd)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .id = fx->sync_id };

	return sys_ioctl(fx->ep, cmd, &r);
}

static long run_sem_delete(struct fixture *fx)
{
	return sync_delete(fx, KIPC_IOC_SEM_DELETE);
}

static long sem_op(struct fixture *fx, unsigned long cmd, uint32_t flags)
{
	struct kipc_sem_op o = { .size = sizeof(o), .flags = flags, .n = 1 };

	return sys_ioctl(fx->sync_fd, cmd, &o);
}

static int check_sem_delete(struct fixture *fx, long ret, char *why, size_t len)
{
	ret = sem_op(fx, KIPC_IOC_SEM_WAIT, KIPC_NONBLOCK);
	if (ret != -EIDRM)
		return FAIL("wait on the deleted semaphore gives %s, not EIDRM",
			    strerror((int)-ret));
	return 0;
}

static long run_sem_wait(struct fixture *fx)
{
	return sem_op(fx, KIPC_IOC_SEM_WAIT, KIPC_NONBLOCK | KIPC_SEM_UNDO);
}

static int check_sem_wait(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	return check_obj(fx, fx->sync_fd, KIPC_TYPE_SEM, fx->sync_id, 0, why, len);
}

static long run_sem_post(struct fixture *fx)
{
	return sem_op(fx, KIPC_IOC_SEM_POST, KIPC_SEM_UNDO);
}

static int check_sem_post(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	return check_obj(fx, fx->sync_fd, KIPC_TYPE_SEM, fx->sync_id, 2, why, len);
}

/* Mutexes */
static long run_mutex_create(struct fixture *fx)
{
	struct kipc_mutex_create c = {
		.size = sizeof(c),
		.flags = KIPC_MUTEX_RECURSIVE,
		.mode = 0600,
		.name = "fs-newmutex",
	};
	long ret = sys_ioctl(fx->ep, KIPC_IOC_MUTEX_CREATE, &c);

	if (ret >= 0) {
		fx->out_fd = (int)ret;
		fx->sync_id = c.id;
	}
	return ret;
}

static int check_mutex_create(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (check_obj(fx, fx->out_fd, KIPC_TYPE_MUTEX, fx->sync_id, 0, why, len))
		return -1;
	if (strcmp(fx->info[0].name, "fs-newmutex") ||
	    !(fx->info[0].flags & KIPC_INFO_RECURSIVE))
		return FAIL("new mutex is '%s', flags %#x", fx->info[0].name,
			    fx->info[0].flags);
	return 0;
}

static long run_mutex_open(struct fixture *fx)
{
	return sync_open(fx, KIPC_IOC_MUTEX_OPEN, "fs-mutex");
}

static int check_mutex_open(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	return check_obj(fx, fx->out_fd, KIPC_TYPE_MUTEX, fx->sync_id, 0, why, len);
}

static long run_mutex_delete(struct fixture *fx)
{
	return sync_delete(fx, KIPC_IOC_MUTEX_DELETE);
}

static long mutex_trylock(struct fixture *fx)
{
	struct kipc_mutex_lock l = { .size = sizeof(l), .flags = KIPC_NONBLOCK };

	return sys_ioctl(fx->sync_fd, KIPC_IOC_MUTEX_LOCK, &l);
}

static int check_mutex_delete(struct fixture *fx, long ret, char *why, size_t len)
{
	ret = mutex_trylock(fx);
	if (ret != -EIDRM)
		return FAIL("lock of the deleted mutex gives %s, not EIDRM",
			    strerror((int)-ret));
	return 0;
}

static long run_mutex_lock(struct fixture *fx)
{
	return mutex_trylock(fx);
}

static int check_mutex_lock(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (check_obj(fx, fx->sync_fd, KIPC_TYPE_MUTEX, fx->sync_id, 1, why, len))
		return -1;
	if (fx->info[0].pid != getpid())
		return FAIL("mutex owned by %d, not %d", fx->info[0].pid, getpid());
	return 0;
}

static long run_mutex_unlock(struct fixture *fx)
{
	return sys_ioctl(fx->sync_fd, KIPC_IOC_MUTEX_UNLOCK, NULL);
}

static int check_mutex_unlock(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	return check_obj(fx, fx->sync_fd, KIPC_TYPE_MUTEX, fx->sync_id, 0, why, len);
}

const struct sweep_op sweep_sync_ops[] = {
	{ .name = "sem_create", .needs = NEEDS_NOTHING,
	  .run = run_sem_create, .check = check_sem_create },
	{ .name = "sem_open", .needs = NEEDS_NOTHING, .prepare = prepare_sem,
	  .run = run_sem_open, .check = check_sem_open },
	{ .name = "sem_delete", .needs = NEEDS_NOTHING, .prepare = prepare_sem,
	  .run = run_sem_delete, .check = check_sem_delete },
	{ .name = "sem_wait_undo", .needs = NEEDS_NOTHING, .prepare = prepare_sem,
	  .run = run_sem_wait, .check = check_sem_wait, .effect_on_efault = 1 },
	{ .name = "sem_post_undo", .needs = NEEDS_NOTHING, .prepare = prepare_sem,
	  .run = run_sem_post, .check = check_sem_post, .effect_on_efault = 1 },
	{ .name = "mutex_create", .needs = NEEDS_NOTHING,
	  .run = run_mutex_create, .check = check_mutex_create },
	{ .name = "mutex_open", .needs = NEEDS_NOTHING, .prepare = prepare_mutex,
	  .run = run_mutex_open, .check = check_mutex_open },
	{ .name = "mutex_delete", .needs = NEEDS_NOTHING, .prepare = prepare_mutex,
	  .run = run_mutex_delete, .check = check_mutex_delete },
	{ .name = "mutex_lock", .needs = NEEDS_NOTHING, .prepare = prepare_mutex,
	  .run = run_mutex_lock, .check = check_mutex_lock, .effect_on_efault = 1 },
	{ .name = "mutex_unlock", .needs = NEEDS_NOTHING,
	  .prepare = prepare_mutex_locked,
	  .run = run_mutex_unlock, .check = check_mutex_unlock },
};
const unsigned int sweep_nr_sync_ops = sizeof(sweep_sync_ops) / sizeof(sweep_sync_ops[0]);
