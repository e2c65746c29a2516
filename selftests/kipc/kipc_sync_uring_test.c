// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphore waits and mutex locks as io_uring commands: a command that
 * has to wait completes when the semaphore is posted or the mutex handed
 * over, never blocking the submitter; a lock taken through io_uring
 * belongs to the submitting process, which unlocks it with the ioctl; a
 * cancelled wait ends with ECANCELED and leaves the queue; commands that
 * never wait are not accepted.
 */
#define _GNU_SOURCE
#include "io_uring_raw.h"

#include "kipc_sync.h"

#include "../kselftest_harness.h"

static void prep_cmd(struct io_uring_sqe *sqe, int fd, unsigned int op,
		     void *arg, uint64_t data)
{
	struct kipc_uring_cmd *cmd;

	kt_uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	cmd = (struct kipc_uring_cmd *)sqe->cmd;
	cmd->arg = (uint64_t)(uintptr_t)arg;
	cmd->reserved = 0;
	sqe->user_data = data;
}

/* The completion of @data, waiting at most KT_WAIT_MS: its res. */
static int reap(struct kt_uring *ring, uint64_t data, int *res)
{
	struct __kernel_timespec ts = { .tv_sec = KT_WAIT_MS / 1000 };
	struct io_uring_cqe *cqe;
	int ret;

	for (;;) {
		ret = kt_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (ret)
			return ret;
		if (cqe->user_data == data) {
			*res = cqe->res;
			kt_uring_cqe_seen(ring, cqe);
			return 0;
		}
		kt_uring_cqe_seen(ring, cqe);
	}
}

static bool nothing_completed(struct kt_uring *ring)
{
	struct io_uring_cqe *cqe;

	return kt_uring_peek_cqe(ring, &cqe) == -EAGAIN;
}

FIXTURE(uring) {
	struct kt_uring ring;
	int ep;
};

FIXTURE_SETUP(uring)
{
	int ret = kt_uring_init(8, &self->ring, 0);

	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring not available (%d)", ret);
	ASSERT_EQ(0, ret);
	self->ep = ks_ep_open();
	ASSERT_GE(self->ep, 0);
}

FIXTURE_TEARDOWN(uring)
{
	kt_uring_exit(&self->ring);
	close(self->ep);
}

TEST_F(uring, sem_wait_completes_when_posted)
{
	struct kipc_sem_op op = { .size = sizeof(op), .n = 2 };
	uint64_t id;
	int sem, res;

	sem = ks_sem_create(self->ep, NULL, 1, 0, 0600, &id);
	ASSERT_GE(sem, 0);
	prep_cmd(kt_uring_get_sqe(&self->ring), sem, KIPC_IOC_SEM_WAIT, &op, 1);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, ks_wait_waiters(sem, 1));
	EXPECT_TRUE(nothing_completed(&self->ring));
	ASSERT_EQ(0, ks_sem_post(sem, 2, 0));
	ASSERT_EQ(0, reap(&self->ring, 1, &res));
	EXPECT_EQ(0, res);
	EXPECT_EQ(1, op.value);
	EXPECT_EQ(0, ks_sem_delete(sem, 0));
	close(sem);
}

TEST_F(uring, cancelled_sem_wait_leaves_the_queue)
{
	struct kipc_sem_op op = { .size = sizeof(op), .n = 1 };
	struct io_uring_sqe *sqe;
	int sem, res;

	sem = ks_sem_create(self->ep, NULL, 0, 0, 0600, NULL);
	ASSERT_GE(sem, 0);
	prep_cmd(kt_uring_get_sqe(&self->ring), sem, KIPC_IOC_SEM_WAIT, &op, 1);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, ks_wait_waiters(sem, 1));
	sqe = kt_uring_get_sqe(&self->ring);
	kt_uring_prep_cancel64(sqe, 1, 0);
	sqe->user_data = 2;
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, reap(&self->ring, 1, &res));
	EXPECT_EQ(-ECANCELED, res);
	EXPECT_EQ(0, ks_wait_waiters(sem, 0));
	/* Nothing was taken: a post now stays. */
	ASSERT_EQ(0, ks_sem_post(sem, 1, 0));
	EXPECT_EQ(0, ks_sem_wait(sem, 1, KIPC_NONBLOCK));
	EXPECT_EQ(0, ks_sem_delete(sem, 0));
	close(sem);
}

/* The submitting process owns a mutex locked through io_uring. */
TEST_F(uring, mutex_lock_completes_at_hand_off)
{
	struct kipc_mutex_lock l = { .size = sizeof(l) };
	int m, res, locked[2], release[2];
	struct kipc_info info;
	pid_t owner;
	char c = 1;

	m = ks_mutex_create(self->ep, NULL, 0, 0600, NULL);
	ASSERT_GE(m, 0);
	ASSERT_EQ(0, pipe(locked));
	ASSERT_EQ(0, pipe(release));
	owner = kt_fork();
	ASSERT_GE(owner, 0);
	if (owner == 0) {
		KT_CHILD_CHECK(ks_mutex_lock(m) == 0);
		KT_CHILD_CHECK(write(locked[1], &c, 1) == 1);
		KT_CHILD_CHECK(read(release[0], &c, 1) == 1);
		KT_CHILD_CHECK(ks_mutex_unlock(m) == 0);
		_exit(0);
	}
	ASSERT_EQ(1, read(locked[0], &c, 1));
	prep_cmd(kt_uring_get_sqe(&self->ring), m, KIPC_IOC_MUTEX_LOCK, &l, 1);
	ASSERT_EQ(1, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, ks_wait_waiters(m, 1));
	EXPECT_TRUE(nothing_completed(&self->ring));
	ASSERT_EQ(1, write(release[1], &c, 1));
	ASSERT_EQ(0, reap(&self->ring, 1, &res));
	EXPECT_EQ(0, res);
	EXPECT_EQ(1, l.count);
	EXPECT_EQ(0, ks_wait_exit(owner));
	ASSERT_EQ(0, ks_stat(m, 0, &info));
	EXPECT_EQ(getpid(), info.pid);
	EXPECT_EQ(0, ks_mutex_unlock(m));
	EXPECT_EQ(0, ks_mutex_delete(m, 0));
	close(m);
	close(locked[0]);
	close(locked[1]);
	close(release[0]);
	close(release[1]);
}

TEST_F(uring, commands_that_never_wait_are_not_accepted)
{
	struct kipc_sem_op op = { .size = sizeof(op), .n = 1 };
	int sem, m, res;

	sem = ks_sem_create(self->ep, NULL, 0, 0, 0600, NULL);
	ASSERT_GE(sem, 0);
	m = ks_mutex_create(self->ep, NULL, 0, 0600, NULL);
	ASSERT_GE(m, 0);
	prep_cmd(kt_uring_get_sqe(&self->ring), sem, KIPC_IOC_SEM_POST, &op, 1);
	prep_cmd(kt_uring_get_sqe(&self->ring), m, KIPC_IOC_MUTEX_UNLOCK, NULL, 2);
	ASSERT_EQ(2, kt_uring_submit(&self->ring));
	ASSERT_EQ(0, reap(&self->ring, 1, &res));
	EXPECT_EQ(-ENOTTY, res);
	ASSERT_EQ(0, reap(&self->ring, 2, &res));
	EXPECT_EQ(-ENOTTY, res);
	EXPECT_EQ(0, ks_sem_delete(sem, 0));
	EXPECT_EQ(0, ks_mutex_delete(m, 0));
	close(sem);
	close(m);
}

TEST_HARNESS_MAIN
