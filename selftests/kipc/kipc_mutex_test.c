// SPDX-License-Identifier: GPL-2.0
/*
 * kipc mutexes: ownership by process (unlock by anyone else is EPERM),
 * error-checking and recursive relock, FIFO hand-off without barging,
 * robustness (the owner's death, also by SIGKILL, gives the next locker
 * EOWNERDEAD; unlocking without MUTEX_CONSISTENT makes the mutex
 * unrecoverable), deadlock detection across 2 and 3 processes, EIDRM for
 * waiters of a deleted mutex, timeouts, poll and epoll, permissions for
 * an unprivileged user, and many processes incrementing a shared counter
 * under the mutex without losing an increment.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sched.h>
#include <sys/epoll.h>

#include "kipc_sync.h"

#include "../kselftest_harness.h"

static short poll_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

static struct kipc_info mutex_info(int fd)
{
	struct kipc_info info = { 0 };

	ks_stat(fd, 0, &info);
	return info;
}

/*
 * A child that locks @m, tells the parent through @fd, then waits for
 * SIGKILL (or, with @unlock, unlocks and exits when the parent writes).
 */
static pid_t holder(int m, int fd)
{
	pid_t pid = kt_fork();
	char c = 1;

	if (pid)
		return pid;
	KT_CHILD_CHECK(ks_mutex_lock(m) == 0);
	KT_CHILD_CHECK(write(fd, &c, 1) == 1);
	for (;;)
		pause();
}

/* Fork a holder of @m and wait until it holds it. */
static pid_t hold(int m)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = holder(m, p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	close(p[1]);
	return pid;
}

static int kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	return ks_wait_exit(pid);
}

FIXTURE(mutex) {
	int ep;
	int m;
	uint64_t id;
};

FIXTURE_VARIANT(mutex) {
	uint32_t flags;
};

FIXTURE_VARIANT_ADD(mutex, errorcheck) {
	.flags = 0,
};

FIXTURE_VARIANT_ADD(mutex, recursive) {
	.flags = KIPC_MUTEX_RECURSIVE,
};

FIXTURE_SETUP(mutex)
{
	self->ep = ks_ep_open();
	ASSERT_GE(self->ep, 0);
	self->m = ks_mutex_create(self->ep, NULL, variant->flags, 0600,
				  &self->id);
	ASSERT_GE(self->m, 0);
}

FIXTURE_TEARDOWN(mutex)
{
	ks_mutex_delete(self->ep, self->id);
	close(self->m);
	close(self->ep);
}

TEST_F(mutex, lock_unlock_and_stat_show_the_owner)
{
	struct kipc_info info;
	uint32_t count = 0;

	ASSERT_EQ(0, ks_mutex_lock_ts(self->m, 0, ks_rel_ms(0), &count));
	EXPECT_EQ(1, count);
	info = mutex_info(self->m);
	EXPECT_EQ(KIPC_TYPE_MUTEX, info.type);
	EXPECT_EQ(getpid(), info.pid);
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(0, info.nr_receivers);
	EXPECT_EQ(!!variant->flags, !!(info.flags & KIPC_INFO_RECURSIVE));
	ASSERT_EQ(0, ks_mutex_unlock(self->m));
	info = mutex_info(self->m);
	EXPECT_EQ(0, info.pid);
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(-EPERM, ks_mutex_unlock(self->m));
	EXPECT_EQ(-EINVAL, ks_mutex_lock_ts(self->m, 1U << 20, ks_rel_ms(0),
					    NULL));
	EXPECT_EQ(-EPERM, ks_mutex_consistent(self->m));
	/* Held, but nobody died holding it: nothing to make consistent. */
	ASSERT_EQ(0, ks_mutex_lock(self->m));
	EXPECT_EQ(-EINVAL, ks_mutex_consistent(self->m));
	EXPECT_EQ(0, ks_mutex_unlock(self->m));
}

TEST_F(mutex, relock_is_edeadlk_or_counts)
{
	uint32_t count = 0;
	pid_t pid;

	ASSERT_EQ(0, ks_mutex_lock(self->m));
	if (!variant->flags) {
		EXPECT_EQ(-EDEADLK, ks_mutex_lock(self->m));
		EXPECT_EQ(-EDEADLK, ks_mutex_trylock(self->m));
		EXPECT_EQ(0, ks_mutex_unlock(self->m));
		EXPECT_EQ(-EPERM, ks_mutex_unlock(self->m));
		return;
	}
	ASSERT_EQ(0, ks_mutex_lock_ts(self->m, 0, ks_rel_ms(0), &count));
	EXPECT_EQ(2, count);
	EXPECT_EQ(0, ks_mutex_unlock(self->m));
	/* Still held once: another process cannot have it. */
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(ks_mutex_trylock(self->m));
	EXPECT_EQ(EAGAIN, ks_wait_exit(pid));
	EXPECT_EQ(0, ks_mutex_unlock(self->m));
	EXPECT_EQ(-EPERM, ks_mutex_unlock(self->m));
}

TEST_F(mutex, only_the_owner_unlocks)
{
	pid_t owner, other;

	owner = hold(self->m);
	ASSERT_GT(owner, 0);
	EXPECT_EQ(-EPERM, ks_mutex_unlock(self->m));
	EXPECT_EQ(-EPERM, ks_mutex_consistent(self->m));
	EXPECT_EQ(-EAGAIN, ks_mutex_trylock(self->m));
	other = kt_fork();
	ASSERT_GE(other, 0);
	if (other == 0)
		kt_child_exit(ks_mutex_unlock(self->m));
	EXPECT_EQ(EPERM, ks_wait_exit(other));
	EXPECT_EQ(owner, mutex_info(self->m).pid);
	EXPECT_EQ(128 + SIGKILL, kill_and_reap(owner));
}

TEST_F(mutex, timed_lock_expires_with_etimedout)
{
	int64_t t0;
	pid_t owner;

	owner = hold(self->m);
	ASSERT_GT(owner, 0);
	t0 = kt_now_ns();
	EXPECT_EQ(-ETIMEDOUT, ks_mutex_lock_ts(self->m, KIPC_TIMEOUT,
					       ks_rel_ms(20), NULL));
	EXPECT_GE(kt_now_ns() - t0, 20 * 1000000LL);
	EXPECT_EQ(-ETIMEDOUT, ks_mutex_lock_ts(self->m,
					       KIPC_TIMEOUT | KIPC_ABSTIME,
					       ks_abs_ms(-5), NULL));
	EXPECT_EQ(0, mutex_info(self->m).nr_receivers);
	EXPECT_EQ(128 + SIGKILL, kill_and_reap(owner));
}

/*
 * Waiters queued in the order 1, 2, 3 get the mutex in that order, and
 * an unlock hands it over at once: the unlocker cannot take it back.
 * Each waiter holds the mutex until the test lets it go, so what the
 * test sees right after its unlock does not depend on scheduling.
 */
TEST_F(mutex, hand_off_is_fifo_without_barging)
{
	uint32_t *order = kt_shared(4096);
	int release[2], i;
	pid_t pids[3];
	char c = 1;

	ASSERT_NE(NULL, order);
	ASSERT_EQ(0, pipe(release));
	ASSERT_EQ(0, ks_mutex_lock(self->m));
	for (i = 0; i < 3; i++) {
		pids[i] = kt_fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			KT_CHILD_CHECK(ks_mutex_lock(self->m) == 0);
			order[++order[0]] = i + 1;
			KT_CHILD_CHECK(read(release[0], &c, 1) == 1);
			KT_CHILD_CHECK(ks_mutex_unlock(self->m) == 0);
			_exit(0);
		}
		ASSERT_EQ(0, ks_wait_waiters(self->m, i + 1));
	}
	ASSERT_EQ(0, ks_mutex_unlock(self->m));
	/* Handed to the first waiter, not left free for a barging locker. */
	EXPECT_EQ(-EAGAIN, ks_mutex_trylock(self->m));
	EXPECT_EQ(pids[0], mutex_info(self->m).pid);
	EXPECT_EQ(2, mutex_info(self->m).nr_receivers);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, write(release[1], &c, 1));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, ks_wait_exit(pids[i]));
	EXPECT_EQ(3, order[0]);
	EXPECT_EQ(1, order[1]);
	EXPECT_EQ(2, order[2]);
	EXPECT_EQ(3, order[3]);
	close(release[0]);
	close(release[1]);
	munmap(order, 4096);
}

TEST_F(mutex, sigkilled_owner_gives_the_next_locker_eownerdead)
{
	struct kipc_info info;
	pid_t owner;

	owner = hold(self->m);
	ASSERT_GT(owner, 0);
	EXPECT_EQ(128 + SIGKILL, kill_and_reap(owner));
	ASSERT_EQ(-EOWNERDEAD, ks_mutex_lock_ts(self->m, KIPC_TIMEOUT,
						ks_rel_ms(KT_WAIT_MS), NULL));
	info = mutex_info(self->m);
	EXPECT_EQ(getpid(), info.pid);
	EXPECT_TRUE(info.flags & KIPC_INFO_OWNER_DIED);
	ASSERT_EQ(0, ks_mutex_consistent(self->m));
	EXPECT_FALSE(mutex_info(self->m).flags & KIPC_INFO_OWNER_DIED);
	ASSERT_EQ(0, ks_mutex_unlock(self->m));
	EXPECT_EQ(0, ks_mutex_trylock(self->m));
	EXPECT_EQ(0, ks_mutex_unlock(self->m));
}

/* A waiter already blocked when the owner dies wakes up as the owner. */
TEST_F(mutex, blocked_waiter_wakes_with_eownerdead)
{
	pid_t owner, waiter;

	owner = hold(self->m);
	ASSERT_GT(owner, 0);
	waiter = kt_fork();
	ASSERT_GE(waiter, 0);
	if (waiter == 0) {
		KT_CHILD_CHECK(ks_mutex_lock(self->m) == -EOWNERDEAD);
		KT_CHILD_CHECK(ks_mutex_consistent(self->m) == 0);
		KT_CHILD_CHECK(ks_mutex_unlock(self->m) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, ks_wait_waiters(self->m, 1));
	EXPECT_EQ(128 + SIGKILL, kill_and_reap(owner));
	EXPECT_EQ(0, ks_wait_exit(waiter));
	EXPECT_EQ(0, ks_mutex_trylock(self->m));
}

TEST_F(mutex, not_made_consistent_becomes_enotrecoverable)
{
	pid_t owner, waiter;

	owner = hold(self->m);
	ASSERT_GT(owner, 0);
	EXPECT_EQ(128 + SIGKILL, kill_and_reap(owner));
	ASSERT_EQ(-EOWNERDEAD, ks_mutex_lock(self->m));
	/* A waiter behind us learns it too. */
	waiter = kt_fork();
	ASSERT_GE(waiter, 0);
	if (waiter == 0)
		kt_child_exit(ks_mutex_lock(self->m));
	ASSERT_EQ(0, ks_wait_waiters(self->m, 1));
	ASSERT_EQ(0, ks_mutex_unlock(self->m));
	EXPECT_EQ(ENOTRECOVERABLE, ks_wait_exit(waiter));
	EXPECT_EQ(-ENOTRECOVERABLE, ks_mutex_lock(self->m));
	EXPECT_EQ(-ENOTRECOVERABLE, ks_mutex_trylock(self->m));
	EXPECT_TRUE(mutex_info(self->m).flags & KIPC_INFO_NOTRECOVERABLE);
	EXPECT_EQ(0, poll_now(self->m));
}

/* The next owner dying before making it consistent passes EOWNERDEAD on. */
TEST_F(mutex, owner_dead_passes_on_until_made_consistent)
{
	pid_t owner;

	owner = hold(self->m);
	ASSERT_GT(owner, 0);
	EXPECT_EQ(128 + SIGKILL, kill_and_reap(owner));
	owner = kt_fork();
	ASSERT_GE(owner, 0);
	if (owner == 0)
		kt_child_exit(ks_mutex_lock(self->m));
	EXPECT_EQ(EOWNERDEAD, ks_wait_exit(owner));
	EXPECT_EQ(-EOWNERDEAD, ks_mutex_lock(self->m));
	EXPECT_EQ(0, ks_mutex_consistent(self->m));
	EXPECT_EQ(0, ks_mutex_unlock(self->m));
}

TEST_F(mutex, delete_fails_waiters_with_eidrm)
{
	pid_t owner, waiter;

	owner = hold(self->m);
	ASSERT_GT(owner, 0);
	waiter = kt_fork();
	ASSERT_GE(waiter, 0);
	if (waiter == 0)
		kt_child_exit(ks_mutex_lock(self->m));
	ASSERT_EQ(0, ks_wait_waiters(self->m, 1));
	ASSERT_EQ(0, ks_mutex_delete(self->m, 0));
	EXPECT_EQ(EIDRM, ks_wait_exit(waiter));
	EXPECT_EQ(-EIDRM, ks_mutex_lock(self->m));
	EXPECT_EQ(-EIDRM, ks_mutex_unlock(self->m));
	EXPECT_EQ(POLLHUP | POLLERR, poll_now(self->m));
	EXPECT_EQ(128 + SIGKILL, kill_and_reap(owner));
}

TEST_F(mutex, poll_reports_a_free_mutex)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int efd, locked[2], release[2];
	pid_t owner;
	char c = 1;

	EXPECT_EQ(POLLIN, poll_now(self->m));
	ASSERT_EQ(0, pipe(locked));
	ASSERT_EQ(0, pipe(release));
	owner = kt_fork();
	ASSERT_GE(owner, 0);
	if (owner == 0) {
		KT_CHILD_CHECK(ks_mutex_lock(self->m) == 0);
		KT_CHILD_CHECK(write(locked[1], &c, 1) == 1);
		KT_CHILD_CHECK(read(release[0], &c, 1) == 1);
		KT_CHILD_CHECK(ks_mutex_unlock(self->m) == 0);
		_exit(0);
	}
	ASSERT_EQ(1, read(locked[0], &c, 1));
	EXPECT_EQ(0, poll_now(self->m));
	efd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, epoll_ctl(efd, EPOLL_CTL_ADD, self->m, &ev));
	EXPECT_EQ(0, epoll_wait(efd, &out, 1, 0));
	ASSERT_EQ(1, write(release[1], &c, 1));
	EXPECT_EQ(1, epoll_wait(efd, &out, 1, KT_WAIT_MS));
	EXPECT_TRUE(out.events & EPOLLIN);
	EXPECT_EQ(0, ks_wait_exit(owner));
	close(efd);
	close(locked[0]);
	close(locked[1]);
	close(release[0]);
	close(release[1]);
}

TEST_F(mutex, nobody_needs_write_permission_to_lock)
{
	uint64_t id;
	pid_t pid;
	int m;

	m = ks_mutex_create(self->ep, NULL, 0, 0644, &id);
	ASSERT_GE(m, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ep, mm;

		kt_child_become_nobody();
		ep = ks_ep_open();
		KT_CHILD_CHECK(ep >= 0);
		mm = ks_mutex_open(ep, id);
		KT_CHILD_CHECK(mm >= 0);
		KT_CHILD_CHECK(ks_mutex_lock(mm) == -EACCES);
		KT_CHILD_CHECK(ks_mutex_delete(mm, 0) == -EACCES);
		_exit(0);
	}
	EXPECT_EQ(0, ks_wait_exit(pid));
	EXPECT_EQ(POLLIN, poll_now(m));
	EXPECT_EQ(0, ks_mutex_delete(m, 0));
	close(m);
}

/* Many processes, a non-atomic read-modify-write under the mutex. */
TEST_F(mutex, no_increment_is_lost_under_contention)
{
	enum { PROCS = 8, ROUNDS = 300 };
	volatile uint64_t *counter = kt_shared(4096);
	pid_t pids[PROCS];
	int i;

	ASSERT_NE(NULL, counter);
	for (i = 0; i < PROCS; i++) {
		pids[i] = kt_fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			for (int r = 0; r < ROUNDS; r++) {
				uint64_t v;

				KT_CHILD_CHECK(ks_mutex_lock(self->m) == 0);
				v = *counter;
				if (r % 7 == 0)
					sched_yield();
				*counter = v + 1;
				KT_CHILD_CHECK(ks_mutex_unlock(self->m) == 0);
			}
			_exit(0);
		}
	}
	for (i = 0; i < PROCS; i++)
		EXPECT_EQ(0, kt_wait_exit_ms(pids[i], 10 * KT_WAIT_MS));
	EXPECT_EQ(PROCS * ROUNDS, *counter);
	munmap((void *)counter, 4096);
}

/*
 * Deadlock detection. Process i holds mutex i and then waits for mutex
 * i + 1; the last lock, which would close the cycle, fails at once.
 */
FIXTURE(cycle) {
	int ep;
	int m[3];
	uint64_t id[3];
	pid_t pids[3];
	int go[3][2];
};

FIXTURE_VARIANT(cycle) {
	int n;
};

FIXTURE_VARIANT_ADD(cycle, two_processes) {
	.n = 2,
};

FIXTURE_VARIANT_ADD(cycle, three_processes) {
	.n = 3,
};

FIXTURE_SETUP(cycle)
{
	int i;

	self->ep = ks_ep_open();
	ASSERT_GE(self->ep, 0);
	for (i = 0; i < variant->n; i++) {
		self->m[i] = ks_mutex_create(self->ep, NULL, 0, 0600,
					     &self->id[i]);
		ASSERT_GE(self->m[i], 0);
		ASSERT_EQ(0, pipe(self->go[i]));
	}
}

FIXTURE_TEARDOWN(cycle)
{
	int i;

	for (i = 0; i < variant->n; i++) {
		ks_mutex_delete(self->ep, self->id[i]);
		close(self->m[i]);
	}
	close(self->ep);
}

/* Lock m[i]; when told, lock m[i + 1] and report the result. */
static void cycle_member(int *m, int n, int i, int go, int ready)
{
	char c = 1;

	KT_CHILD_CHECK(ks_mutex_lock(m[i]) == 0);
	KT_CHILD_CHECK(write(ready, &c, 1) == 1);
	KT_CHILD_CHECK(read(go, &c, 1) == 1);
	kt_child_exit(ks_mutex_lock_ts(m[(i + 1) % n], KIPC_TIMEOUT,
				       ks_rel_ms(KT_WAIT_MS), NULL));
}

TEST_F(cycle, closing_lock_fails_with_edeadlk)
{
	int n = variant->n, last = n - 1, i, ready[2];
	char c = 1;

	ASSERT_EQ(0, pipe(ready));
	for (i = 0; i < n; i++) {
		self->pids[i] = kt_fork();
		ASSERT_GE(self->pids[i], 0);
		if (self->pids[i] == 0)
			cycle_member(self->m, n, i, self->go[i][0], ready[1]);
		ASSERT_EQ(1, read(ready[0], &c, 1));
	}
	/* All but the last start waiting, forming a chain. */
	for (i = 0; i < last; i++) {
		ASSERT_EQ(1, write(self->go[i][1], &c, 1));
		ASSERT_EQ(0, ks_wait_waiters(self->m[i + 1], 1));
	}
	/* The last lock would close the cycle. */
	ASSERT_EQ(1, write(self->go[last][1], &c, 1));
	EXPECT_EQ(EDEADLK, ks_wait_exit(self->pids[last]));
	/* Its death releases m[last] to the one waiting for it. */
	EXPECT_EQ(EOWNERDEAD, ks_wait_exit(self->pids[last - 1]));
	for (i = 0; i < last - 1; i++)
		kill(self->pids[i], SIGKILL);
	for (i = 0; i < last - 1; i++)
		ks_wait_exit(self->pids[i]);
	close(ready[0]);
	close(ready[1]);
}

/* Waiting on a chain that does not lead back to us is no deadlock. */
TEST_F(cycle, chain_without_cycle_waits)
{
	int n = variant->n, i, ready[2];
	pid_t waiter;
	char c = 1;

	ASSERT_EQ(0, pipe(ready));
	for (i = 0; i < n; i++) {
		self->pids[i] = kt_fork();
		ASSERT_GE(self->pids[i], 0);
		if (self->pids[i] == 0)
			cycle_member(self->m, n, i, self->go[i][0], ready[1]);
		ASSERT_EQ(1, read(ready[0], &c, 1));
	}
	for (i = 0; i < n - 1; i++) {
		ASSERT_EQ(1, write(self->go[i][1], &c, 1));
		ASSERT_EQ(0, ks_wait_waiters(self->m[i + 1], 1));
	}
	/* A bystander holding nothing waits for m[0]. */
	waiter = kt_fork();
	ASSERT_GE(waiter, 0);
	if (waiter == 0)
		kt_child_exit(ks_mutex_lock(self->m[0]));
	ASSERT_EQ(0, ks_wait_waiters(self->m[0], 1));
	kill(self->pids[0], SIGKILL);
	EXPECT_EQ(EOWNERDEAD, ks_wait_exit(waiter));
	for (i = 1; i < n; i++)
		kill(self->pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		ks_wait_exit(self->pids[i]);
	close(ready[0]);
	close(ready[1]);
}

TEST_HARNESS_MAIN
