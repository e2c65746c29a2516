/* SPDX-License-Identifier: MIT */
/*
 * kipc over io_uring: inline helpers that fill liburing SQEs for kipc's
 * IORING_OP_URING_CMD commands and read their results.
 *
 * Header-only, so that libkipc does not depend on liburing: include it
 * after <liburing.h> and link with -luring.
 *
 * Each command points at an argument struct (struct kipc_send, kipc_recv,
 * kipc_call, kipc_reply of <linux/kipc.h>) that the kernel reads when it
 * runs the command and writes the results to (hdr, len, reply_hdr,
 * reply_len): it must stay valid and untouched until the command's CQE.
 * The kipc_uring_*_args() helpers fill one the way libkipc's blocking
 * functions do; the kipc_uring_*_result() helpers turn a CQE into
 * libkipc's return convention (length or -errno) and copy the
 * kernel-stamped header out.
 */
#ifndef LIBKIPC_URING_H
#define LIBKIPC_URING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <liburing.h>
#include <linux/kipc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fill @sqe with kipc command @op (KIPC_IOC_SEND, ...) on @fd for @arg. */
static inline void kipc_uring__prep(struct io_uring_sqe *sqe, int fd,
				    unsigned int op, void *arg)
{
	struct kipc_uring_cmd *cmd;

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	cmd = (struct kipc_uring_cmd *)sqe->cmd;
	cmd->arg = (uint64_t)(uintptr_t)arg;
	cmd->reserved = 0;
}

/* Convert the library's flags and timeout to a struct's; -EINVAL if bad. */
static inline int kipc_uring__flags(unsigned int *out_flags,
				    struct kipc_timespec *out,
				    unsigned int flags,
				    const struct timespec *timeout)
{
	if (flags & KIPC_TIMEOUT)
		return -EINVAL;
	if (timeout) {
		flags |= KIPC_TIMEOUT;
		out->tv_sec = timeout->tv_sec;
		out->tv_nsec = timeout->tv_nsec;
	}
	*out_flags = flags;
	return 0;
}

/*
 * Fill a struct kipc_send as kipc_send() does. @flags: KIPC_NONBLOCK,
 * KIPC_ABSTIME, KIPC_SEND_SYNC, KIPC_SEND_MAILBOX; @timeout NULL = none.
 * Returns 0 or -EINVAL.
 */
static inline int kipc_uring_send_args(struct kipc_send *a, uint64_t dest,
				       const void *buf, size_t len,
				       unsigned int prio, unsigned int flags,
				       const struct timespec *timeout)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->dest = dest;
	a->buf = (uint64_t)(uintptr_t)buf;
	if (len > UINT32_MAX)
		return -EMSGSIZE;
	a->len = (uint32_t)len;
	a->priority = prio;
	return kipc_uring__flags(&a->flags, &a->timeout, flags, timeout);
}

/*
 * Fill a struct kipc_recv as kipc_recv() / kipc_recv_from() do (@from 0 =
 * any sender). @flags: KIPC_NONBLOCK, KIPC_ABSTIME, KIPC_RECV_PEEK.
 */
static inline int kipc_uring_recv_args(struct kipc_recv *a, uint64_t from,
				       void *buf, size_t len,
				       unsigned int flags,
				       const struct timespec *timeout)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	if (flags & KIPC_RECV_FROM)
		return -EINVAL;
	if (from) {
		a->from = from;
		flags |= KIPC_RECV_FROM;
	}
	a->buf = (uint64_t)(uintptr_t)buf;
	a->buf_len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	return kipc_uring__flags(&a->flags, &a->timeout, flags, timeout);
}

/*
 * Fill a struct kipc_call as kipc_call() does. @flags: KIPC_ABSTIME,
 * KIPC_SEND_MAILBOX.
 */
static inline int kipc_uring_call_args(struct kipc_call *a, uint64_t dest,
				       const void *req, size_t req_len,
				       unsigned int prio, void *reply,
				       size_t reply_len, unsigned int flags,
				       const struct timespec *timeout)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->dest = dest;
	a->buf = (uint64_t)(uintptr_t)req;
	if (req_len > UINT32_MAX)
		return -EMSGSIZE;
	a->len = (uint32_t)req_len;
	a->priority = prio;
	a->reply_buf = (uint64_t)(uintptr_t)reply;
	a->reply_buf_len = reply_len > UINT32_MAX ? UINT32_MAX :
			   (uint32_t)reply_len;
	return kipc_uring__flags(&a->flags, &a->timeout, flags, timeout);
}

/* Fill a struct kipc_reply as kipc_reply() does. */
static inline int kipc_uring_reply_args(struct kipc_reply *a, uint64_t token,
					const void *buf, size_t len)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->token = token;
	a->buf = (uint64_t)(uintptr_t)buf;
	if (len > UINT32_MAX)
		return -EMSGSIZE;
	a->len = (uint32_t)len;
	return 0;
}

/* KIPC_IOC_SEND of @arg on @fd (endpoint or mailbox fd). */
static inline void kipc_uring_prep_send(struct io_uring_sqe *sqe, int fd,
					struct kipc_send *arg)
{
	kipc_uring__prep(sqe, fd, KIPC_IOC_SEND, arg);
}

/* KIPC_IOC_RECV into @arg on @fd; the header lands in arg->hdr. */
static inline void kipc_uring_prep_recv(struct io_uring_sqe *sqe, int fd,
					struct kipc_recv *arg)
{
	kipc_uring__prep(sqe, fd, KIPC_IOC_RECV, arg);
}

/* KIPC_IOC_CALL of @arg on @fd; the reply header lands in arg->reply_hdr. */
static inline void kipc_uring_prep_call(struct io_uring_sqe *sqe, int fd,
					struct kipc_call *arg)
{
	kipc_uring__prep(sqe, fd, KIPC_IOC_CALL, arg);
}

/* KIPC_IOC_REPLY of @arg on @fd; never waits. */
static inline void kipc_uring_prep_reply(struct io_uring_sqe *sqe, int fd,
					 struct kipc_reply *arg)
{
	kipc_uring__prep(sqe, fd, KIPC_IOC_REPLY, arg);
}

/*
 * Fill a struct kipc_xfer for a batch as kipc_send_batch() (@send true:
 * @msgs[0 .. count) to @dest) or kipc_recv_batch() (@dest ignored) would
 * pass it. @flags: KIPC_NONBLOCK, KIPC_ABSTIME, KIPC_SEND_MAILBOX; @timeout
 * NULL = none. Returns 0 or -EINVAL (count 0 or above KIPC_XFER_MAX).
 */
static inline int kipc_uring_batch_args(struct kipc_xfer *x, bool send,
					uint64_t dest, struct kipc_mmsg *msgs,
					unsigned int count, unsigned int flags,
					const struct timespec *timeout)
{
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	x->entry_size = sizeof(struct kipc_mmsg);
	if (!count || count > KIPC_XFER_MAX)
		return -EINVAL;
	if (send) {
		x->dest = dest;
		x->send_msgs = (uint64_t)(uintptr_t)msgs;
		x->send_count = count;
	} else {
		x->recv_msgs = (uint64_t)(uintptr_t)msgs;
		x->recv_count = count;
	}
	return kipc_uring__flags(&x->flags, &x->timeout, flags, timeout);
}

/*
 * KIPC_IOC_XFER of @arg on @fd: a batch of sends, then of receives, in one
 * SQE. Zero size and entry_size are filled in, as kipc_xfer() does.
 */
static inline void kipc_uring_prep_xfer(struct io_uring_sqe *sqe, int fd,
					struct kipc_xfer *arg)
{
	if (!arg->size)
		arg->size = sizeof(*arg);
	if (!arg->entry_size)
		arg->entry_size = sizeof(struct kipc_mmsg);
	arg->sent = 0;
	arg->received = 0;
	kipc_uring__prep(sqe, fd, KIPC_IOC_XFER, arg);
}

/*
 * Result of a completed XFER: -errno; otherwise, as kipc_recv_batch() and
 * kipc_send_batch() return it, the messages received (if it asked for
 * receives) or sent. arg->sent and arg->received say each.
 */
static inline int kipc_uring_xfer_result(const struct io_uring_cqe *cqe,
					 const struct kipc_xfer *arg)
{
	if (cqe->res < 0)
		return cqe->res;
	return (int)(arg->recv_count ? arg->received : arg->sent);
}

/*
 * Result of a completed receive, as kipc_recv() returns it: the payload
 * length, or -errno. Copies the kernel-stamped header to @hdr unless NULL
 * (also on -EMSGSIZE, where hdr->len is the size needed).
 */
static inline int kipc_uring_recv_result(const struct io_uring_cqe *cqe,
					 const struct kipc_recv *arg,
					 struct kipc_msg_hdr *hdr)
{
	if (hdr && (cqe->res == 0 || cqe->res == -EMSGSIZE))
		*hdr = arg->hdr;
	return cqe->res < 0 ? cqe->res : (int)arg->len;
}

/*
 * Result of a completed call, as kipc_call() returns it: the reply length,
 * or -errno. Copies the reply's header to @hdr unless NULL.
 */
static inline int kipc_uring_call_result(const struct io_uring_cqe *cqe,
					 const struct kipc_call *arg,
					 struct kipc_msg_hdr *hdr)
{
	if (cqe->res < 0)
		return cqe->res;
	if (hdr)
		*hdr = arg->reply_hdr;
	return (int)arg->reply_len;
}

#ifdef __cplusplus
}
#endif

#endif /* LIBKIPC_URING_H */
