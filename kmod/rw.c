// SPDX-License-Identifier: GPL-2.0
/*
 * read(2) and write(2) on mailbox and endpoint fds: the plain path.
 *
 * A write() is a send of one message of priority 0 and type 0 to the
 * mailbox; a read() receives the next message, as KIPC_IOC_SEND and
 * KIPC_IOC_RECV with no flags would, waiting unless the fd is O_NONBLOCK.
 * They exist because an ioctl costs more than a plain system call (the
 * ioctl dispatch, the LSM's ioctl hooks, the argument struct's copies in
 * and out): for a 64 byte message that is a sixth of a round trip. They
 * also let programs that only know files (shells, languages without
 * ioctl bindings, epoll loops) use a mailbox.
 *
 * Messages keep their boundaries (as POSIX mq and SOCK_SEQPACKET): one
 * write() is one message, never split or merged, and a read() whose
 * buffer is too small fails with -EMSGSIZE and leaves the message queued.
 *
 * read_iter and write_iter do the same for readv(2), writev(2) (one
 * message gathered from or scattered over the vectors) and io_uring's
 * READ, WRITE and READ_MULTISHOT. They honour IOCB_NOWAIT (RWF_NOWAIT,
 * io_uring's inline attempt), and the fds are FMODE_NOWAIT: io_uring
 * tries a read or write without waiting and otherwise arms a poll for
 * EPOLLIN or EPOLLOUT, so a pending one holds no thread, and a
 * READ_MULTISHOT with provided buffers completes once per message. read()
 * and write() keep their own entry points: a plain user buffer is the
 * cheaper path.
 */
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include "kipc_internal.h"

/* No flags, no timeout: only the fd's O_NONBLOCK says whether to wait. */
static void kipc_rw_deadline(struct file *file, struct kipc_deadline *dl)
{
	kipc_deadline_init(dl, file->f_flags & O_NONBLOCK ? KIPC_NONBLOCK : 0,
			   NULL);
}

/* The same, for a kiocb: IOCB_NOWAIT does not wait either. */
static void kipc_iocb_deadline(struct kiocb *iocb, struct kipc_deadline *dl)
{
	kipc_rw_deadline(iocb->ki_filp, dl);
	if (iocb->ki_flags & IOCB_NOWAIT)
		dl->nonblock = true;
}

/**
 * kipc_file_write() - send @count bytes from @buf as one message to @q
 * @file:	the fd written to (its O_NONBLOCK)
 * @ep:		the endpoint the message comes from
 * @q:		the destination
 * @buf:	user buffer
 * @count:	its length, at most the queue's message size
 *
 * Return: @count once queued, or a negative errno as KIPC_IOC_SEND.
 */
ssize_t kipc_file_write(struct file *file, struct kipc_endpoint *ep,
			struct kipc_queue *q, const char __user *buf,
			size_t count)
{
	struct kipc_deadline dl;
	struct kipc_msg *msg;
	int ret;

	/* kipc_msg_new() takes a u32: refuse before it could truncate. */
	if (count > kipc_msg_size_cap())
		return -EMSGSIZE;
	kipc_rw_deadline(file, &dl);
	msg = kipc_msg_new(ep, buf, count, 0);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = kipc_queue_send(q, msg, false, &dl);
	if (ret)
		return ret;
	return count;
}

/**
 * kipc_file_read() - receive the next message of @q into @buf
 * @file:	the fd read from (its O_NONBLOCK)
 * @ep:		the receiving endpoint
 * @q:		the source
 * @buf:	user buffer
 * @count:	its length
 *
 * Return: the message's length, or a negative errno as KIPC_IOC_RECV
 * (-EMSGSIZE: @count is too small, the message stays queued).
 */
ssize_t kipc_file_read(struct file *file, struct kipc_endpoint *ep,
		       struct kipc_queue *q, char __user *buf, size_t count)
{
	struct kipc_deadline dl;
	u32 len = 0;
	struct kipc_rx rx = {
		.buf = (u64)(uintptr_t)buf,
		/* Messages are at most 2 GiB; read() returns the length. */
		.buf_len = min_t(size_t, count, INT_MAX),
		.len = &len,
		.sel = KIPC_SEL_ANY,
		.ep = ep,
	};
	int ret;

	kipc_rw_deadline(file, &dl);
	ret = kipc_queue_recv(q, &rx, &dl);
	if (ret)
		return ret;
	return len;
}

/**
 * kipc_file_write_iter() - send what is left in @from as one message to @q
 * @iocb:	the write (its file's O_NONBLOCK, IOCB_NOWAIT)
 * @ep:		the endpoint the message comes from
 * @q:		the destination
 * @from:	the payload, gathered from all its segments
 *
 * Return: the message's length once queued, or a negative errno as
 * KIPC_IOC_SEND.
 */
ssize_t kipc_file_write_iter(struct kiocb *iocb, struct kipc_endpoint *ep,
			     struct kipc_queue *q, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);
	struct kipc_deadline dl;
	struct kipc_msg *msg;
	int ret;

	kipc_iocb_deadline(iocb, &dl);
	msg = kipc_msg_new_iter(ep, from, 0);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = kipc_queue_send(q, msg, false, &dl);
	if (ret)
		return ret;
	return count;
}

/**
 * kipc_file_read_iter() - receive the next message of @q into @to
 * @iocb:	the read (its file's O_NONBLOCK, IOCB_NOWAIT)
 * @ep:		the receiving endpoint
 * @q:		the source
 * @to:		where the payload goes, scattered over its segments
 *
 * Return: the message's length, or a negative errno as KIPC_IOC_RECV
 * (-EMSGSIZE: @to is too small, the message stays queued).
 */
ssize_t kipc_file_read_iter(struct kiocb *iocb, struct kipc_endpoint *ep,
			    struct kipc_queue *q, struct iov_iter *to)
{
	struct kipc_deadline dl;
	u32 len = 0;
	struct kipc_rx rx = {
		.iter = to,
		.buf_len = min_t(size_t, iov_iter_count(to), INT_MAX),
		.len = &len,
		.sel = KIPC_SEL_ANY,
		.ep = ep,
	};
	int ret;

	kipc_iocb_deadline(iocb, &dl);
	ret = kipc_queue_recv(q, &rx, &dl);
	if (ret)
		return ret;
	return len;
}
