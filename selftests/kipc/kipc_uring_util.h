/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kipc commands on the raw io_uring of io_uring_raw.h, shared by the
 * io_uring selftests: an IORING_OP_URING_CMD SQE for a kipc ioctl, its
 * completion reaped within a liveness bound, and the thread count that
 * tells a command parked without a thread from one waiting in io-wq.
 */
#ifndef KIPC_SELFTEST_URING_UTIL_H
#define KIPC_SELFTEST_URING_UTIL_H

#include "kipc_util.h"

#include <dirent.h>
#include "io_uring_raw.h"

/* kipc command @op (KIPC_IOC_SEND, ...) on @fd for the argument struct @arg. */
static inline void kt_uring_prep_cmd(struct io_uring_sqe *sqe, int fd,
				     unsigned int op, void *arg)
{
	struct kipc_uring_cmd *cmd = (struct kipc_uring_cmd *)sqe->cmd;

	kt_uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	cmd->arg = (uint64_t)(uintptr_t)arg;
	cmd->reserved = 0;
}

/* Queue kipc command @op on @fd with user_data @data (not submitted yet). */
static inline void kt_uring_queue_cmd(struct kt_uring *ring, int fd,
				      unsigned int op, void *arg,
				      uint64_t data)
{
	struct io_uring_sqe *sqe = kt_uring_get_sqe(ring);

	kt_uring_prep_cmd(sqe, fd, op, arg);
	kt_uring_sqe_set_data64(sqe, data);
}

/*
 * Submit what is queued, then one CQE within @ms: its res, its user_data
 * to @data and its flags to @flags unless NULL; -ETIMEDOUT when none came.
 */
static inline int kt_uring_reap_ms(struct kt_uring *ring, long ms,
				   uint64_t *data, unsigned int *flags)
{
	struct __kernel_timespec ts = { .tv_sec = ms / 1000,
					.tv_nsec = (ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe;
	int ret;

	kt_uring_submit(ring);
	ret = kt_uring_wait_cqe_timeout(ring, &cqe, &ts);
	if (ret == -ETIME)
		return -ETIMEDOUT;
	if (ret < 0)
		return ret;
	if (data)
		*data = kt_uring_cqe_get_data64(cqe);
	if (flags)
		*flags = cqe->flags;
	ret = cqe->res;
	kt_uring_cqe_seen(ring, cqe);
	return ret;
}

/* kt_uring_reap_ms() within KT_WAIT_MS, without the flags. */
static inline int kt_uring_reap(struct kt_uring *ring, uint64_t *data)
{
	return kt_uring_reap_ms(ring, KT_WAIT_MS, data, NULL);
}

/* Submit what is queued: true if no CQE is waiting. */
static inline bool kt_uring_idle(struct kt_uring *ring)
{
	struct io_uring_cqe *cqe;

	kt_uring_submit(ring);
	return kt_uring_peek_cqe(ring, &cqe) == -EAGAIN;
}

/* Threads of this process: entries of /proc/self/task, or -errno. */
static inline int kt_count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

#endif /* KIPC_SELFTEST_URING_UTIL_H */
