// SPDX-License-Identifier: GPL-2.0
/*
 * kipc semaphores: create/open/delete, WAIT and POST by n with every
 * blocking mode, EOVERFLOW above the maximum, strict FIFO service (a
 * large waiter is not overtaken by small ones behind it), EIDRM for
 * waiters of a deleted semaphore, undo at process exit (also SIGKILL),
 * poll and epoll readiness, permissions for an unprivileged user, the
 * per-user quota, STAT and LIST.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/epoll.h>

#include "kipc_sync.h"

#include "../kselftest_harness.h"

static short poll_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

static uint32_t sem_value(int fd)
{
	struct kipc_info info;

	if (ks_stat(fd, 0, &info))
		return UINT32_MAX;
	return info.depth;
}

FIXTURE(sem) {
	int ep;
	int sem;
	uint64_t id;
};

FIXTURE_SETUP(sem)
{
	self->ep = ks_ep_open();
	ASSERT_GE(self->ep, 0);
	self->sem = ks_sem_create(self->ep, NULL, 0, 10, 0600, &self->id);
	ASSERT_GE(self->sem, 0);
}

FIXTURE_TEARDOWN(sem)
{
	ks_sem_delete(self->ep, self->id);
	close(self->sem);
	close(self->ep);
}

TEST_F(sem, wait_and_post_move_the_value_by_n)
{
	struct kipc_sem_op op = { .size = sizeof(op), .n = 3 };
	struct kipc_info info;

	ASSERT_EQ(0, kt_ioctl(self->sem, KIPC_IOC_SEM_POST, &op));
	EXPECT_EQ(3, op.value);
	op.n = 2;
	op.flags = KIPC_NONBLOCK;
	ASSERT_EQ(0, kt_ioctl(self->sem, KIPC_IOC_SEM_WAIT, &op));
	EXPECT_EQ(1, op.value);
	EXPECT_EQ(-EAGAIN, ks_sem_wait(self->sem, 2, KIPC_NONBLOCK));
	EXPECT_EQ(0, ks_sem_wait(self->sem, 1, KIPC_NONBLOCK));
	ASSERT_EQ(0, ks_stat(self->ep, self->id, &info));
	EXPECT_EQ(KIPC_TYPE_SEM, info.type);
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(10, info.max_msgs);
	EXPECT_EQ(0, info.nr_receivers);
}

TEST_F(sem, post_above_max_is_eoverflow_and_posts_nothing)
{
	ASSERT_EQ(0, ks_sem_post(self->sem, 9, 0));
	EXPECT_EQ(-EOVERFLOW, ks_sem_post(self->sem, 2, 0));
	EXPECT_EQ(9, sem_value(self->sem));
	EXPECT_EQ(0, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(-EOVERFLOW, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(10, sem_value(self->sem));
}

TEST_F(sem, bad_arguments_are_einval)
{
	uint64_t id;

	EXPECT_EQ(-EINVAL, ks_sem_wait(self->sem, 0, KIPC_NONBLOCK));
	EXPECT_EQ(-EINVAL, ks_sem_wait(self->sem, 11, KIPC_NONBLOCK));
	EXPECT_EQ(-EINVAL, ks_sem_post(self->sem, 0, 0));
	EXPECT_EQ(-EINVAL, ks_sem_post(self->sem, 1, KIPC_NONBLOCK));
	EXPECT_EQ(-EINVAL, ks_sem_wait(self->sem, 1, 1U << 20));
	EXPECT_EQ(-EINVAL, ks_sem_wait_ts(self->sem, 1,
					  KIPC_NONBLOCK | KIPC_TIMEOUT,
					  ks_rel_ms(1)));
	EXPECT_EQ(-EINVAL, ks_sem_create(self->ep, NULL, 5, 4, 0600, &id));
	EXPECT_EQ(-EINVAL, ks_sem_create(self->ep, NULL, 0,
					 KIPC_SEM_VALUE_MAX + 1U, 0600, &id));
	EXPECT_EQ(-EINVAL, ks_sem_create(self->ep, NULL, 0, 0, 01000, &id));
	/* Semaphore commands on the wrong kind of fd. */
	EXPECT_EQ(-ENOTTY, ks_sem_post(self->ep, 1, 0));
	EXPECT_EQ(-ENOTTY, ks_sem_create(self->sem, NULL, 0, 0, 0600, &id));
}

TEST_F(sem, timeouts_expire_with_etimedout)
{
	int64_t t0 = kt_now_ns();

	EXPECT_EQ(-ETIMEDOUT, ks_sem_wait_ts(self->sem, 1, KIPC_TIMEOUT,
					     ks_rel_ms(20)));
	EXPECT_GE(kt_now_ns() - t0, 20 * 1000000LL);
	EXPECT_EQ(-ETIMEDOUT, ks_sem_wait_ts(self->sem, 1,
					     KIPC_TIMEOUT | KIPC_ABSTIME,
					     ks_abs_ms(20)));
	/* A past deadline still tries once. */
	ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(0, ks_sem_wait_ts(self->sem, 1, KIPC_TIMEOUT | KIPC_ABSTIME,
				    ks_abs_ms(-1000)));
	EXPECT_EQ(0, ks_wait_waiters(self->sem, 0));
}

TEST_F(sem, named_semaphore_opens_by_name_and_id)
{
	char name[KIPC_NAME_MAX];
	struct kipc_info info;
	uint64_t id;
	int a, b;

	ks_name(name, sizeof(name), "named");
	a = ks_sem_create(self->ep, name, 1, 0, 0600, &id);
	ASSERT_GE(a, 0);
	EXPECT_EQ(-EEXIST, ks_sem_create(self->ep, name, 1, 0, 0600, NULL));
	b = ks_sem_open(self->ep, 0, name);
	ASSERT_GE(b, 0);
	EXPECT_EQ(0, ks_sem_wait(b, 1, KIPC_NONBLOCK));
	EXPECT_EQ(-EAGAIN, ks_sem_wait(a, 1, KIPC_NONBLOCK));
	close(b);
	b = ks_sem_open(self->ep, id, NULL);
	ASSERT_GE(b, 0);
	ASSERT_EQ(0, ks_stat(b, 0, &info));
	EXPECT_EQ(KIPC_SEM_VALUE_MAX, info.max_msgs);
	EXPECT_EQ(id, info.id);
	EXPECT_EQ(0, ks_sem_delete(b, 0));
	EXPECT_EQ(-EIDRM, ks_sem_post(a, 1, 0));
	EXPECT_EQ(-EIDRM, ks_sem_delete(b, 0));
	EXPECT_EQ(-ENOENT, ks_sem_open(self->ep, 0, name));
	close(a);
	close(b);
}

/*
 * FIFO: a waiter for 5 queued first is served before a waiter for 1
 * queued behind it, however many single units are posted meanwhile.
 */
TEST_F(sem, large_waiter_is_not_overtaken_by_small_ones)
{
	pid_t big, small;

	big = kt_fork();
	ASSERT_GE(big, 0);
	if (big == 0)
		kt_child_exit(ks_sem_wait(self->sem, 5, 0));
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 1));
	small = kt_fork();
	ASSERT_GE(small, 0);
	if (small == 0)
		kt_child_exit(ks_sem_wait(self->sem, 1, 0));
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 2));

	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	/* Four units would serve the small waiter: it must still wait. */
	EXPECT_EQ(4, sem_value(self->sem));
	EXPECT_EQ(0, ks_wait_waiters(self->sem, 2));
	EXPECT_EQ(-EAGAIN, ks_sem_wait(self->sem, 1, KIPC_NONBLOCK));
	EXPECT_EQ(0, poll_now(self->sem) & POLLIN);

	ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(0, ks_wait_exit(big));
	EXPECT_EQ(0, ks_wait_waiters(self->sem, 1));
	EXPECT_EQ(0, sem_value(self->sem));

	ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(0, ks_wait_exit(small));
	EXPECT_EQ(0, sem_value(self->sem));
}

/* A waiter that gives up (here: killed) lets the ones behind it be served. */
TEST_F(sem, abandoned_head_unblocks_the_queue_behind_it)
{
	pid_t big, small;

	ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	big = kt_fork();
	ASSERT_GE(big, 0);
	if (big == 0)
		kt_child_exit(ks_sem_wait(self->sem, 5, 0));
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 1));
	small = kt_fork();
	ASSERT_GE(small, 0);
	if (small == 0)
		kt_child_exit(ks_sem_wait(self->sem, 1, 0));
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 2));
	EXPECT_EQ(1, sem_value(self->sem));

	kill(big, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, ks_wait_exit(big));
	EXPECT_EQ(0, ks_wait_exit(small));
	EXPECT_EQ(0, sem_value(self->sem));
}

TEST_F(sem, delete_fails_waiters_with_eidrm)
{
	pid_t pids[3];
	int i;

	for (i = 0; i < 3; i++) {
		pids[i] = kt_fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			kt_child_exit(ks_sem_wait(self->sem, 1, 0));
	}
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 3));
	ASSERT_EQ(0, ks_sem_delete(self->ep, self->id));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(EIDRM, ks_wait_exit(pids[i]));
	EXPECT_EQ(-EIDRM, ks_sem_wait(self->sem, 1, KIPC_NONBLOCK));
	EXPECT_EQ(-EIDRM, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(POLLHUP | POLLERR, poll_now(self->sem));
}

static void undo_child(int sem, int fd, uint32_t flags)
{
	char c = 1;

	KT_CHILD_CHECK(ks_sem_wait(sem, 4, KIPC_NONBLOCK | flags) == 0);
	KT_CHILD_CHECK(ks_sem_post(sem, 1, flags) == 0);
	KT_CHILD_CHECK(write(fd, &c, 1) == 1);
	pause();
	_exit(0);
}

/* The process owes 4 - 1 = 3 units; SIGKILL gives them back. */
TEST_F(sem, undo_gives_back_what_a_killed_process_owed)
{
	int p[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, ks_sem_post(self->sem, 6, 0));
	ASSERT_EQ(0, pipe(p));
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		undo_child(self->sem, p[1], KIPC_SEM_UNDO);
	ASSERT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ(3, sem_value(self->sem));
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, ks_wait_exit(pid));
	/* The undo runs when the exit is noticed: wait for a change. */
	EXPECT_EQ(0, ks_wait_value(self->sem, 6));
	close(p[0]);
	close(p[1]);
}

TEST_F(sem, without_undo_an_exit_keeps_the_units_taken)
{
	pid_t pid;
	int p[2];
	char c;

	ASSERT_EQ(0, ks_sem_post(self->sem, 6, 0));
	ASSERT_EQ(0, pipe(p));
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		undo_child(self->sem, p[1], 0);
	ASSERT_EQ(1, read(p[0], &c, 1));
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, ks_wait_exit(pid));
	/* A process with undo after it: its undo is seen, not ours. */
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KT_CHILD_CHECK(ks_sem_wait(self->sem, 1, KIPC_SEM_UNDO) == 0);
		_exit(0);
	}
	EXPECT_EQ(0, ks_wait_exit(pid));
	EXPECT_EQ(0, ks_wait_value(self->sem, 3));
	close(p[0]);
	close(p[1]);
}

TEST_F(sem, poll_reports_when_a_wait_or_post_would_succeed)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int efd;
	pid_t pid;

	EXPECT_EQ(POLLOUT, poll_now(self->sem));
	efd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, epoll_ctl(efd, EPOLL_CTL_ADD, self->sem, &ev));
	EXPECT_EQ(0, epoll_wait(efd, &out, 1, 0));

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int sem = ks_sem_open(ks_ep_open(), self->id, NULL);

		KT_CHILD_CHECK(sem >= 0);
		KT_CHILD_CHECK(ks_sem_post(sem, 1, 0) == 0);
		_exit(0);
	}
	EXPECT_EQ(1, epoll_wait(efd, &out, 1, KT_WAIT_MS));
	EXPECT_TRUE(out.events & EPOLLIN);
	EXPECT_EQ(0, ks_wait_exit(pid));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(self->sem));

	ASSERT_EQ(0, ks_sem_post(self->sem, 9, 0));
	EXPECT_EQ(POLLIN, poll_now(self->sem));

	/* Units are there, but a queued waiter comes first. */
	ASSERT_EQ(0, ks_sem_wait(self->sem, 10, 0));
	ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(ks_sem_wait(self->sem, 2, 0));
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 1));
	EXPECT_EQ(POLLOUT, poll_now(self->sem));
	ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(0, ks_wait_exit(pid));
	close(efd);
}

TEST_F(sem, nobody_needs_read_to_wait_and_write_to_post)
{
	char name[KIPC_NAME_MAX];
	uint64_t id;
	pid_t pid;
	int sem;

	ks_name(name, sizeof(name), "perm");
	sem = ks_sem_create(self->ep, name, 2, 0, 0644, &id);
	ASSERT_GE(sem, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ep, s;

		kt_child_become_nobody();
		ep = ks_ep_open();
		KT_CHILD_CHECK(ep >= 0);
		s = ks_sem_open(ep, 0, name);
		KT_CHILD_CHECK(s >= 0);
		KT_CHILD_CHECK(ks_sem_wait(s, 1, KIPC_NONBLOCK) == 0);
		KT_CHILD_CHECK(ks_sem_post(s, 1, 0) == -EACCES);
		KT_CHILD_CHECK(ks_sem_delete(s, 0) == -EACCES);
		_exit(0);
	}
	EXPECT_EQ(0, ks_wait_exit(pid));
	EXPECT_EQ(1, sem_value(sem));

	/* Mode 0600: nobody may not even open it. */
	ASSERT_EQ(0, ks_sem_delete(sem, 0));
	close(sem);
	sem = ks_sem_create(self->ep, name, 2, 0, 0600, &id);
	ASSERT_GE(sem, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ep;

		kt_child_become_nobody();
		ep = ks_ep_open();
		KT_CHILD_CHECK(ep >= 0);
		KT_CHILD_CHECK(ks_sem_open(ep, 0, name) == -EACCES);
		KT_CHILD_CHECK(ks_sem_open(ep, id, NULL) == -EACCES);
		_exit(0);
	}
	EXPECT_EQ(0, ks_wait_exit(pid));
	EXPECT_EQ(0, ks_sem_delete(sem, 0));
	close(sem);
}

TEST_F(sem, user_syncs_max_bounds_what_a_user_creates)
{
	unsigned long old;
	int fds[2], i;
	pid_t pid;

	if (kt_param_get("user_syncs_max", &old))
		SKIP(return, "no user_syncs_max parameter");
	ASSERT_EQ(0, kt_param_set("user_syncs_max", 3));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kipc_usage u;
		int ep, m;

		/* A user of its own, so the fixture's semaphore is not counted. */
		kt_child_become_nobody();
		ep = ks_ep_open();
		KT_CHILD_CHECK(ep >= 0);
		KT_CHILD_CHECK(ks_usage(ep, &u) == 0);
		KT_CHILD_CHECK(u.syncs == 0 && u.syncs_max == 3);
		for (i = 0; i < 2; i++) {
			fds[i] = ks_sem_create(ep, NULL, 0, 0, 0600, NULL);
			KT_CHILD_CHECK(fds[i] >= 0);
		}
		m = ks_mutex_create(ep, NULL, 0, 0600, NULL);
		KT_CHILD_CHECK(m >= 0);
		KT_CHILD_CHECK(ks_sem_create(ep, NULL, 0, 0, 0600, NULL) ==
			       -EDQUOT);
		KT_CHILD_CHECK(ks_mutex_create(ep, NULL, 0, 0600, NULL) ==
			       -EDQUOT);
		/* USAGE counts both kinds together, refusals not at all. */
		KT_CHILD_CHECK(ks_usage(ep, &u) == 0);
		KT_CHILD_CHECK(u.syncs == 3 && u.syncs_max == 3);
		/* A caller that predates the counts gets none written. */
		memset(&u, 0xa5, sizeof(u));
		u.size = KIPC_USAGE_SIZE_VER0;
		u.flags = 0;
		u.reserved = 0;
		KT_CHILD_CHECK(kt_ioctl(ep, KIPC_IOC_USAGE, &u) == 0);
		KT_CHILD_CHECK(u.rings_max != 0xa5a5a5a5 &&
			       u.syncs == 0xa5a5a5a5 &&
			       u.syncs_max == 0xa5a5a5a5);
		/* Deleting one and closing its fd gives its place back. */
		KT_CHILD_CHECK(ks_sem_delete(fds[0], 0) == 0);
		close(fds[0]);
		fds[0] = ks_sem_create(ep, NULL, 0, 0, 0600, NULL);
		KT_CHILD_CHECK(fds[0] >= 0);
		/* They outlive their fds: leave nothing behind. */
		KT_CHILD_CHECK(ks_sem_delete(fds[0], 0) == 0);
		KT_CHILD_CHECK(ks_sem_delete(fds[1], 0) == 0);
		KT_CHILD_CHECK(ks_mutex_delete(m, 0) == 0);
		_exit(0);
	}
	EXPECT_EQ(0, ks_wait_exit(pid));
	ASSERT_EQ(0, kt_param_set("user_syncs_max", old));
}

TEST_F(sem, list_shows_semaphores_only_when_asked)
{
	struct kipc_info infos[64];
	struct kipc_list l = {
		.size = sizeof(l),
		.flags = KIPC_LIST_SEMS,
		.entries = (uintptr_t)infos,
		.count = 64,
		.entry_size = sizeof(infos[0]),
	};
	bool found = false;
	uint32_t i;

	ASSERT_EQ(0, kt_ioctl(self->ep, KIPC_IOC_LIST, &l));
	for (i = 0; i < l.count; i++) {
		EXPECT_EQ(KIPC_TYPE_SEM, infos[i].type);
		found |= infos[i].id == self->id;
	}
	EXPECT_TRUE(found);
	l.flags = KIPC_LIST_MAILBOXES;
	l.count = 64;
	l.cursor = 0;
	ASSERT_EQ(0, kt_ioctl(self->ep, KIPC_IOC_LIST, &l));
	for (i = 0; i < l.count; i++)
		EXPECT_NE(self->id, infos[i].id);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A signal with SA_RESTART restarts the wait; the relative deadline holds. */
TEST_F(sem, interrupted_wait_restarts_and_keeps_its_deadline)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		sigemptyset(&sa.sa_mask);
		KT_CHILD_CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
		kt_child_exit(ks_sem_wait_ts(self->sem, 1, KIPC_TIMEOUT,
					     ks_rel_ms(KT_WAIT_MS)));
	}
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 1));
	kill(pid, SIGUSR1);
	/* Restarted: blocked again, not failed with EINTR. */
	ASSERT_EQ(0, ks_wait_waiters(self->sem, 1));
	ASSERT_EQ(0, ks_sem_post(self->sem, 1, 0));
	EXPECT_EQ(0, ks_wait_exit(pid));
}

TEST_HARNESS_MAIN
