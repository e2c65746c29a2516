/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kipc selftests: clocks and timeouts, waiting for
 * another process to block on a queue, module parameters, raw ioctls and
 * checks usable in forked children (which report through their exit
 * status rather than through the harness).
 */
#ifndef KIPC_UTIL_H
#define KIPC_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kipc_ioctl.h"

/*
 * How long to wait for another process to reach a blocking call. Generous:
 * it only bounds a failure, a passing test never waits this long.
 */
#define KT_WAIT_MS		20000

/* Filler for info-leak checks: whatever the kernel does not write stays. */
#define KT_POISON		0xa5

#define KT_PARAM_DIR		"/sys/module/kipc/parameters"

/* The unprivileged second user of the permission and quota tests. */
#define KT_NOBODY		65534

#define KT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * For forked children: report the failed check on stderr and exit 1. The
 * parent asserts on the exit status.
 */
#define KT_CHILD_CHECK(cond) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "# child %d: %s:%d: check failed: %s\n",	\
			getpid(), __FILE__, __LINE__, #cond);			\
		_exit(1);							\
	}									\
} while (0)

/* A child that must report a result value (e.g. a -errno) exits with it. */
static inline void __attribute__((noreturn)) kt_child_exit(int err)
{
	_exit(err < 0 ? -err : err);
}

static inline int64_t kt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline struct timespec kt_ms(long ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000L,
	};

	return ts;
}

/* An absolute CLOCK_MONOTONIC deadline @ms from now (negative: past). */
static inline struct timespec kt_abs_ms(long ms)
{
	int64_t ns = kt_now_ns() + (int64_t)ms * 1000000LL;
	struct timespec ts;

	if (ns < 0)
		ns = 0;
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	return ts;
}

static inline void kt_sleep_ms(long ms)
{
	struct timespec ts = kt_ms(ms);

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ioctl() returning -errno, as the sys_kipc_*() wrappers do. */
static inline int kt_ioctl(int fd, unsigned long req, void *arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

static inline uint64_t kt_ep_id(int fd)
{
	uint64_t id = 0;

	if (sys_kipc_ep_id(fd, &id) < 0)
		return 0;
	return id;
}

/* A name unique to this process, so tests never collide on names. */
static inline void kt_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "kt-%d-%s", getpid(), tag);
}

/*
 * A mailbox that dies with its creating endpoint, so a failed test leaves
 * nothing behind. Returns the mailbox fd or -errno.
 */
static inline int kt_mbox(int ep, const char *name, unsigned int max_msgs,
			  unsigned int mode, uint64_t *id)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED,
		.max_msgs = max_msgs,
		.mode = mode,
	};

	return sys_kipc_mbox_create(ep, name, &attr, id);
}

/*
 * Two endpoints and the queue a test sends through between them: the
 * receiving endpoint's inbox (direct), or a mailbox the receiving endpoint
 * owns and the sending one opened.
 */
struct kt_qpair {
	int rx_ep, tx_ep;	/* receiving and sending endpoints */
	int rx, tx;		/* the fds to receive from and send on */
	uint64_t dest;		/* destination for sys_kipc_send() on tx */
	uint64_t mb;		/* the mailbox's id; 0 when direct */
};

static inline void kt_qpair_close(struct kt_qpair *p)
{
	if (p->rx >= 0 && p->rx != p->rx_ep)
		close(p->rx);
	if (p->tx >= 0 && p->tx != p->tx_ep)
		close(p->tx);
	if (p->rx_ep >= 0)
		close(p->rx_ep);
	if (p->tx_ep >= 0)
		close(p->tx_ep);
	p->rx = p->tx = p->rx_ep = p->tx_ep = -1;
}

/*
 * Open @p: a mailbox of capacity @cap and mode @mode (@mailbox), or the
 * inbox, of capacity @cap unless @cap is negative (the default). 0, or
 * -errno with nothing left open.
 */
static inline int kt_qpair_open(struct kt_qpair *p, bool mailbox, int cap,
				unsigned int mode)
{
	int ret;

	*p = (struct kt_qpair) { .rx = -1, .tx = -1, .tx_ep = -1 };
	ret = p->rx_ep = sys_kipc_open(0);
	if (ret >= 0)
		ret = p->tx_ep = sys_kipc_open(0);
	if (ret >= 0 && mailbox) {
		ret = p->rx = kt_mbox(p->rx_ep, NULL, cap < 0 ? 0 : cap, mode,
				      &p->mb);
		if (ret >= 0)
			ret = p->tx = sys_kipc_mbox_open_id(p->tx_ep, p->mb);
	} else if (ret >= 0) {
		if (cap >= 0)
			ret = sys_kipc_ep_set_limits(p->rx_ep, cap, 0, 0);
		p->rx = p->rx_ep;
		p->tx = p->tx_ep;
		p->dest = kt_ep_id(p->rx_ep);
	}
	if (ret < 0) {
		kt_qpair_close(p);
		return ret;
	}
	return 0;
}

/*
 * Poll the queue or ring @id (0: the fd's own) with sys_kipc_stat() until
 * @done says so, or fail with -ETIMEDOUT after KT_WAIT_MS. This is how a
 * test knows another process is really blocked before it acts, without
 * sleeping and hoping.
 */
static inline int kt_wait_info(int fd, uint64_t id,
			       bool (*done)(const struct kipc_info *info,
					    unsigned int a, unsigned int b),
			       unsigned int a, unsigned int b)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;
	struct kipc_info info;
	int ret;

	for (;;) {
		ret = sys_kipc_stat(fd, id, &info);
		if (ret < 0)
			return ret;
		if (done(&info, a, b))
			return 0;
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

static inline bool kt_at_least_blocked(const struct kipc_info *info,
				       unsigned int senders,
				       unsigned int receivers)
{
	return info->nr_senders >= senders && info->nr_receivers >= receivers;
}

static inline bool kt_exactly_blocked(const struct kipc_info *info,
				      unsigned int senders,
				      unsigned int receivers)
{
	return info->nr_senders == senders && info->nr_receivers == receivers;
}

static inline bool kt_at_least_deep(const struct kipc_info *info,
				    unsigned int depth, unsigned int unused)
{
	(void)unused;
	return info->depth >= depth;
}

/*
 * Wait until at least @senders tasks are blocked sending to, and at least
 * @receivers tasks are blocked receiving from, the queue @id.
 */
static inline int kt_wait_blocked(int fd, uint64_t id, unsigned int senders,
				  unsigned int receivers)
{
	return kt_wait_info(fd, id, kt_at_least_blocked, senders, receivers);
}

/* Messages in the fd's own queue now, or -errno. */
static inline int kt_depth(int fd)
{
	struct kipc_info info;
	int ret = sys_kipc_stat(fd, 0, &info);

	return ret < 0 ? ret : (int)info.depth;
}

/* Wait until the queue @id (0: the fd's own) holds at least @depth messages. */
static inline int kt_wait_depth(int fd, uint64_t id, unsigned int depth)
{
	return kt_wait_info(fd, id, kt_at_least_deep, depth, 0);
}

/* As kt_wait_blocked(), for exactly @senders and @receivers. */
static inline int kt_wait_blocked_exact(int fd, uint64_t id,
					unsigned int senders,
					unsigned int receivers)
{
	return kt_wait_info(fd, id, kt_exactly_blocked, senders, receivers);
}

/* In a forked child: become uid/gid KT_NOBODY with no supplementary groups. */
static inline void kt_child_become_nobody(void)
{
	KT_CHILD_CHECK(setgroups(0, NULL) == 0);
	KT_CHILD_CHECK(setgid(KT_NOBODY) == 0);
	KT_CHILD_CHECK(setuid(KT_NOBODY) == 0);
	KT_CHILD_CHECK(geteuid() == KT_NOBODY);
}

/* As kt_child_become_nobody(), for another unprivileged @uid (gid = uid). */
static inline void kt_child_become(uid_t uid)
{
	KT_CHILD_CHECK(setgroups(0, NULL) == 0);
	KT_CHILD_CHECK(setgid(uid) == 0);
	KT_CHILD_CHECK(setuid(uid) == 0);
	KT_CHILD_CHECK(geteuid() == uid);
}


/*
 * fork() for a child that may block without limit (a CALL nobody answers,
 * a RECV nobody sends to): it is killed when the forking thread ends,
 * also when a failed ASSERT or a SKIP in a fixture's setup ends the test
 * early, so it cannot keep a kipc fd, and the module, busy after the test.
 * A child that changes its credentials loses this (prctl(2)).
 */
static inline pid_t kt_fork(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		_exit(1);
	return pid;
}

/* Exit status of @pid, 128 + signal if it was killed, -1 on error. */
static inline int kt_wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/*
 * As kt_wait_exit(), but give up after @ms: -ETIMEDOUT if @pid is still
 * running (it is left alone, not reaped). This is the liveness watchdog
 * of a test whose failure mode is a hang.
 */
static inline int kt_wait_exit_ms(pid_t pid, long ms)
{
	int64_t end = kt_now_ns() + (int64_t)ms * 1000000LL;
	int status;
	pid_t ret;

	for (;;) {
		ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid)
			break;
		if (ret < 0)
			return -1;
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/*
 * Wait until task @tid (a process or a thread id) sleeps interruptibly
 * inside ioctl(): the way to know it is blocked in a kipc call when no
 * queue counter says so (CALL waiting for its reply, RING_WAIT). 0,
 * -ESRCH once it has exited, or -ETIMEDOUT after KT_WAIT_MS.
 */
static inline int kt_wait_sleeping(pid_t tid)
{
	int64_t end = kt_now_ns() + KT_WAIT_MS * 1000000LL;
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	for (;;) {
		bool asleep = false, in_ioctl = false;

		snprintf(path, sizeof(path), "/proc/%d/stat", tid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return -ESRCH;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		/* "pid (comm) S ...": comm may hold spaces and ')'. */
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
			return -ESRCH;
		asleep = p && p[1] == ' ' && p[2] == 'S';
		snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			in_ioctl = strtol(buf, NULL, 10) == SYS_ioctl &&
				   buf[0] != '-' && isdigit((unsigned char)buf[0]);
		}
		if (asleep && in_ioctl)
			return 0;
		if (kt_now_ns() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}

/* Shared anonymous memory, visible to forked children. */
static inline void *kt_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static inline bool kt_all_bytes(const void *p, size_t len, uint8_t val)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != val)
			return false;
	return true;
}

/* Install @fn for @sig with or without SA_RESTART. */
static inline int kt_sigaction(int sig, void (*fn)(int), bool restart)
{
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	return sigaction(sig, &sa, NULL);
}

/* Module parameters: -errno if missing or not accessible. */
static inline int kt_param_get(const char *name, unsigned long *val)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), KT_PARAM_DIR "/%s", name);
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

static inline int kt_param_set(const char *name, unsigned long val)
{
	char path[256], buf[64];
	ssize_t n;
	int fd, len;

	snprintf(path, sizeof(path), KT_PARAM_DIR "/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%lu\n", val);
	n = write(fd, buf, len);
	close(fd);
	if (n != len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

#endif /* KIPC_UTIL_H */
