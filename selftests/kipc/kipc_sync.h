/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw-ioctl wrappers for the semaphore and mutex selftests: each returns
 * what the ioctl returned, or -errno, and needs nothing but the uapi
 * header. Also the few process helpers those tests share: children that
 * die with the test, and waiting on observable kernel state (STAT's
 * waiter counts and owner) instead of sleeping.
 */
#ifndef KIPC_SYNC_H
#define KIPC_SYNC_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kipc.h>

/* Bounds a failure only: a passing test never waits this long. */
#define KS_WAIT_MS	20000

#define KS_NOBODY	65534

#define KS_PARAM_DIR	"/sys/module/kipc/parameters"

/* For forked children: report the failed check and exit 1. */
#define KS_CHILD_CHECK(cond) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "# child %d: %s:%d: check failed: %s\n",	\
			getpid(), __FILE__, __LINE__, #cond);			\
		_exit(1);							\
	}									\
} while (0)

static inline int ks_ioctl(int fd, unsigned long req, void *arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

static inline int ks_ep_open(void)
{
	int fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline int64_t ks_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
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
	int64_t ns = ks_now_ns() + (int64_t)ms * 1000000LL;

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
	ret = ks_ioctl(ep, KIPC_IOC_SEM_CREATE, &c);
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
	return ks_ioctl(fd, req, &r);
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

	return ks_ioctl(sem, KIPC_IOC_SEM_WAIT, &op);
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

	return ks_ioctl(sem, KIPC_IOC_SEM_POST, &op);
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
	ret = ks_ioctl(ep, KIPC_IOC_MUTEX_CREATE, &c);
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
	int ret = ks_ioctl(m, KIPC_IOC_MUTEX_LOCK, &l);

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
	return ks_ioctl(m, KIPC_IOC_MUTEX_UNLOCK, NULL);
}

static inline int ks_mutex_consistent(int m)
{
	return ks_ioctl(m, KIPC_IOC_MUTEX_CONSISTENT, NULL);
}

/* ---- introspection ---- */

/* USAGE of the caller's user, through endpoint @ep. */
static inline int ks_usage(int ep, struct kipc_usage *u)
{
	memset(u, 0, sizeof(*u));
	u->size = sizeof(*u);
	return ks_ioctl(ep, KIPC_IOC_USAGE, u);
}

/* STAT of @id, or of the fd's own object when @id is 0. */
static inline int ks_stat(int fd, uint64_t id, struct kipc_info *info)
{
	struct kipc_stat st = { .size = sizeof(st), .id = id };
	int ret = ks_ioctl(fd, KIPC_IOC_STAT, &st);

	if (!ret)
		*info = st.info;
	return ret;
}

/*
 * Poll STAT of the fd's own object until nr_receivers (the blocked
 * waiters) is @waiters: how a test knows a child is really blocked.
 * 0 or -ETIMEDOUT after KS_WAIT_MS.
 */
static inline int ks_wait_waiters(int fd, unsigned int waiters)
{
	int64_t end = ks_now_ns() + KS_WAIT_MS * 1000000LL;
	struct kipc_info info;
	int ret;

	for (;;) {
		ret = ks_stat(fd, 0, &info);
		if (ret)
			return ret;
		if (info.nr_receivers == waiters)
			return 0;
		if (ks_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

/* As ks_wait_waiters(), until a semaphore's value is @value. */
static inline int ks_wait_value(int fd, unsigned int value)
{
	int64_t end = ks_now_ns() + KS_WAIT_MS * 1000000LL;
	struct kipc_info info;
	int ret;

	for (;;) {
		ret = ks_stat(fd, 0, &info);
		if (ret)
			return ret;
		if (info.depth == value)
			return 0;
		if (ks_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

/* ---- processes ---- */

/* fork() for a child that may block for good: it dies with the test. */
static inline pid_t ks_fork(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		_exit(1);
	return pid;
}

/* Exit status of @pid, 128 + signal if killed, -ETIMEDOUT after @ms. */
static inline int ks_wait_exit_ms(pid_t pid, long ms)
{
	int64_t end = ks_now_ns() + (int64_t)ms * 1000000LL;
	int status;
	pid_t ret;

	for (;;) {
		ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid)
			break;
		if (ret < 0)
			return -1;
		if (ks_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

static inline int ks_wait_exit(pid_t pid)
{
	return ks_wait_exit_ms(pid, KS_WAIT_MS);
}

/* A child reports a -errno result through its exit status. */
static inline void __attribute__((noreturn)) ks_child_exit(int err)
{
	_exit(err < 0 ? -err : err);
}

/* In a forked child: become uid/gid KS_NOBODY with no extra groups. */
static inline void ks_child_become_nobody(void)
{
	KS_CHILD_CHECK(setgroups(0, NULL) == 0);
	KS_CHILD_CHECK(setgid(KS_NOBODY) == 0);
	KS_CHILD_CHECK(setuid(KS_NOBODY) == 0);
}

/* Shared anonymous memory, visible to forked children. */
static inline void *ks_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Module parameters: -errno if missing or not accessible. */
static inline int ks_param_get(const char *name, unsigned long *val)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), KS_PARAM_DIR "/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	*val = strtoul(buf, NULL, 0);
	return 0;
}

static inline int ks_param_set(const char *name, unsigned long val)
{
	char path[256], buf[64];
	int fd, len;
	ssize_t n;

	snprintf(path, sizeof(path), KS_PARAM_DIR "/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%lu\n", val);
	n = write(fd, buf, len);
	close(fd);
	return n == len ? 0 : (n < 0 ? -errno : -EIO);
}

#endif /* KIPC_SYNC_H */
