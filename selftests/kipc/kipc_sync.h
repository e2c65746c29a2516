/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw-ioctl wrappers for the semaphore and mutex selftests: each returns
 * what the ioctl returned, or -errno, and needs nothing but the uapi
 * header, and waiting on observable kernel state (STAT's waiter counts
 * and owner) instead of sleeping. The process helpers (children that die
 * with the test, module parameters) are kipc_util.h's.
 */
#ifndef KIPC_SYNC_H
#define KIPC_SYNC_H

#include "kipc_util.h"

static inline int ks_ep_open(void)
{
	int fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline struct kipc_timespec ks_rel_ms(long ms)
{
	return (struct kipc_timespec) {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000L,
	};
}

static inline struct kipc_timespec ks_abs_ms(long ms)
{
	int64_t ns = kt_now_ns() + (int64_t)ms * 1000000LL;

	if (ns < 0)
		ns = 0;
	return (struct kipc_timespec) {
		.tv_sec = ns / 1000000000LL,
		.tv_nsec = ns % 1000000000LL,
	};
}

static inline void ks_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "ks-%d-%s", getpid(), tag);
}

/* ---- semaphores ---- */

static inline int ks_sem_create(int ep, const char *name, uint32_t value,
				uint32_t max, uint32_t mode, uint64_t *id)
{
	struct kipc_sem_create c = {
		.size = sizeof(c),
		.value = value,
		.max = max,
		.mode = mode,
	};
	int ret;

	if (name)
		snprintf(c.name, sizeof(c.name), "%s", name);
	ret = kt_ioctl(ep, KIPC_IOC_SEM_CREATE, &c);
	if (ret >= 0 && id)
		*id = c.id;
	return ret;
}

static inline int ks_ref(int fd, unsigned long req, uint64_t id,
			 const char *name)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .id = id };

	if (name)
		snprintf(r.name, sizeof(r.name), "%s", name);
	return kt_ioctl(fd, req, &r);
}

static inline int ks_sem_open(int ep, uint64_t id, const char *name)
{
	return ks_ref(ep, KIPC_IOC_SEM_OPEN, id, name);
}

static inline int ks_sem_delete(int fd, uint64_t id)
{
	return ks_ref(fd, KIPC_IOC_SEM_DELETE, id, NULL);
}

/* Wait for @n units; @flags as struct kipc_sem_op, @ts read with KIPC_TIMEOUT. */
static inline int ks_sem_wait_ts(int sem, uint32_t n, uint32_t flags,
				 struct kipc_timespec ts)
{
	struct kipc_sem_op op = {
		.size = sizeof(op),
		.flags = flags,
		.n = n,
		.timeout = ts,
	};

	return kt_ioctl(sem, KIPC_IOC_SEM_WAIT, &op);
}

static inline int ks_sem_wait(int sem, uint32_t n, uint32_t flags)
{
	return ks_sem_wait_ts(sem, n, flags, ks_rel_ms(0));
}

static inline int ks_sem_post(int sem, uint32_t n, uint32_t flags)
{
	struct kipc_sem_op op = {
		.size = sizeof(op),
		.flags = flags,
		.n = n,
	};

	return kt_ioctl(sem, KIPC_IOC_SEM_POST, &op);
}

/* ---- mutexes ---- */

static inline int ks_mutex_create(int ep, const char *name, uint32_t flags,
				  uint32_t mode, uint64_t *id)
{
	struct kipc_mutex_create c = {
		.size = sizeof(c),
		.flags = flags,
		.mode = mode,
	};
	int ret;

	if (name)
		snprintf(c.name, sizeof(c.name), "%s", name);
	ret = kt_ioctl(ep, KIPC_IOC_MUTEX_CREATE, &c);
	if (ret >= 0 && id)
		*id = c.id;
	return ret;
}

static inline int ks_mutex_open(int ep, uint64_t id)
{
	return ks_ref(ep, KIPC_IOC_MUTEX_OPEN, id, NULL);
}

static inline int ks_mutex_delete(int fd, uint64_t id)
{
	return ks_ref(fd, KIPC_IOC_MUTEX_DELETE, id, NULL);
}

static inline int ks_mutex_lock_ts(int m, uint32_t flags,
				   struct kipc_timespec ts, uint32_t *count)
{
	struct kipc_mutex_lock l = {
		.size = sizeof(l),
		.flags = flags,
		.timeout = ts,
	};
	int ret = kt_ioctl(m, KIPC_IOC_MUTEX_LOCK, &l);

	if (count)
		*count = l.count;
	return ret;
}

static inline int ks_mutex_lock(int m)
{
	return ks_mutex_lock_ts(m, 0, ks_rel_ms(0), NULL);
}

static inline int ks_mutex_trylock(int m)
{
	return ks_mutex_lock_ts(m, KIPC_NONBLOCK, ks_rel_ms(0), NULL);
}

static inline int ks_mutex_unlock(int m)
{
	return kt_ioctl(m, KIPC_IOC_MUTEX_UNLOCK, NULL);
}

static inline int ks_mutex_consistent(int m)
{
	return kt_ioctl(m, KIPC_IOC_MUTEX_CONSISTENT, NULL);
}

/* ---- introspection ---- */

/* USAGE of the caller's user, through endpoint @ep. */
static inline int ks_usage(int ep, struct kipc_usage *u)
{
	memset(u, 0, sizeof(*u));
	u->size = sizeof(*u);
	return kt_ioctl(ep, KIPC_IOC_USAGE, u);
}

/* STAT of @id, or of the fd's own object when @id is 0. */
static inline int ks_stat(int fd, uint64_t id, struct kipc_info *info)
{
	struct kipc_stat st = { .size = sizeof(st), .id = id };
	int ret = kt_ioctl(fd, KIPC_IOC_STAT, &st);

	if (!ret)
		*info = st.info;
	return ret;
}

/*
 * Poll STAT of the fd's own object until nr_receivers (the blocked
 * waiters) is @waiters: how a test knows a child is really blocked.
 * 0 or -ETIMEDOUT after KT_WAIT_MS.
 */
static inline int ks_wait_waiters(int fd, unsigned int waiters)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;
	struct kipc_info info;
	int ret;

	for (;;) {
		ret = ks_stat(fd, 0, &info);
		if (ret)
			return ret;
		if (info.nr_receivers == waiters)
			return 0;
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

/* As ks_wait_waiters(), until a semaphore's value is @value. */
static inline int ks_wait_value(int fd, unsigned int value)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;
	struct kipc_info info;
	int ret;

	for (;;) {
		ret = ks_stat(fd, 0, &info);
		if (ret)
			return ret;
		if (info.depth == value)
			return 0;
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

/* ---- processes ---- */

/* With the watchdog: a child that hangs fails the test, not the run. */
static inline int ks_wait_exit(pid_t pid)
{
	return kt_wait_exit_ms(pid, KT_WAIT_MS);
}

#endif /* KIPC_SYNC_H */
