/* SPDX-License-Identifier: MIT */
/*
 * Batches (KIPC_IOC_XFER) and one-call round trips (KIPC_IOC_SENDRECV,
 * KIPC_IOC_REPLY_RECV).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "libkipc.h"
#include "lib.h"
#include "syscall.h"

int kipc_xfer(int fd, struct kipc_xfer *x)
{
	if (!x)
		return -EFAULT;
	if (!x->size)
		x->size = sizeof(*x);
	if (!x->entry_size)
		x->entry_size = sizeof(struct kipc_mmsg);
	x->sent = 0;
	x->received = 0;
	return __kipc_ioctl(fd, KIPC_IOC_XFER, x);
}

/* Common checks of the batch helpers; fills size, flags and timeout. */
static int batch_init(struct kipc_xfer *x, unsigned int count,
		      unsigned int flags, unsigned int derived,
		      const struct timespec *timeout)
{
	int ret;

	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	x->entry_size = sizeof(struct kipc_mmsg);
	if (!count || count > KIPC_XFER_MAX)
		return -EINVAL;
	ret = __kipc_timeout(&flags, derived, &x->timeout, timeout);
	if (ret < 0)
		return ret;
	x->flags = flags;
	return 0;
}

int kipc_send_batch(int fd, uint64_t dest, const struct kipc_mmsg *msgs,
		    unsigned int count, unsigned int flags,
		    const struct timespec *timeout)
{
	struct kipc_xfer x;
	int ret;

	ret = batch_init(&x, count, flags, __KIPC_SEND_DERIVED, timeout);
	if (ret < 0)
		return ret;
	if (!msgs)
		return -EFAULT;
	x.dest = dest;
	x.send_msgs = __kipc_ptr(msgs);
	x.send_count = count;
	ret = __kipc_ioctl(fd, KIPC_IOC_XFER, &x);
	return ret < 0 ? ret : (int)x.sent;
}

int kipc_recv_batch(int fd, struct kipc_mmsg *msgs, unsigned int count,
		    unsigned int flags, const struct timespec *timeout)
{
	struct kipc_xfer x;
	int ret;

	ret = batch_init(&x, count, flags, __KIPC_RECV_DERIVED, timeout);
	if (ret < 0)
		return ret;
	if (!msgs)
		return -EFAULT;
	x.recv_msgs = __kipc_ptr(msgs);
	x.recv_count = count;
	ret = __kipc_ioctl(fd, KIPC_IOC_XFER, &x);
	return ret < 0 ? ret : (int)x.received;
}

/* kipc_sendrecv() through XFER, for modules older than SENDRECV. */
static int sendrecv_xfer(int fd, const struct kipc_sendrecv *k,
			 struct kipc_msg_hdr *hdr, unsigned int *sent)
{
	struct kipc_mmsg out, in;
	struct kipc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.size = sizeof(x);
	x.entry_size = sizeof(struct kipc_mmsg);
	x.flags = k->flags;
	x.timeout = k->timeout;
	memset(&out, 0, sizeof(out));
	out.buf = k->buf;
	out.len = k->len;
	out.priority = k->priority;
	memset(&in, 0, sizeof(in));
	in.buf = k->recv_buf;
	in.buf_len = k->recv_buf_len;
	x.dest = k->dest;
	x.send_msgs = __kipc_ptr(&out);
	x.send_count = 1;
	x.recv_msgs = __kipc_ptr(&in);
	x.recv_count = 1;
	ret = __kipc_ioctl(fd, KIPC_IOC_XFER, &x);
	if (sent)
		*sent = x.sent;
	if ((ret == 0 && x.received) || (ret == -EMSGSIZE && x.sent)) {
		if (hdr) {
			*hdr = in.hdr;
			hdr->len = in.len;
		}
		if (ret == 0)
			ret = in.len;
	}
	return ret;
}

int kipc_sendrecv(int fd, uint64_t dest, const void *buf, size_t len,
		  unsigned int prio, void *rbuf, size_t rlen,
		  struct kipc_msg_hdr *hdr, unsigned int flags,
		  const struct timespec *timeout, unsigned int *sent)
{
	struct kipc_sendrecv k;
	int ret;

	if (sent)
		*sent = 0;
	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	ret = __kipc_timeout(&flags, __KIPC_SEND_DERIVED, &k.timeout, timeout);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(buf, len);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(rbuf, rlen);
	if (ret < 0)
		return ret;
	if (prio > KIPC_PRIO_MAX)
		return -EINVAL;
	k.flags = flags;
	k.dest = dest;
	k.buf = __kipc_ptr(buf);
	k.len = len;
	k.priority = prio;
	k.recv_buf = __kipc_ptr(rbuf);
	/* The length is returned as an int: never accept more than fits. */
	k.recv_buf_len = rlen > INT_MAX ? INT_MAX : rlen;
	ret = __kipc_ioctl(fd, KIPC_IOC_SENDRECV, &k);
	if (ret == -ENOTTY)
		return sendrecv_xfer(fd, &k, hdr, sent);
	if (sent)
		*sent = k.sent;
	if (ret == 0 || (ret == -EMSGSIZE && k.sent)) {
		if (hdr) {
			*hdr = k.hdr;
			hdr->len = k.recv_len;
		}
		if (ret == 0)
			ret = k.recv_len;
	}
	return ret;
}

int kipc_reply_recv(int fd, uint64_t token, const void *buf, size_t len,
		    void *rbuf, size_t rlen, struct kipc_msg_hdr *hdr,
		    unsigned int flags, const struct timespec *timeout,
		    int *reply_ret)
{
	struct kipc_reply_recv k;
	int ret;

	if (reply_ret)
		*reply_ret = 0;
	memset(&k, 0, sizeof(k));
	k.size = sizeof(k);
	ret = __kipc_timeout(&flags, __KIPC_RECV_DERIVED, &k.timeout,
			     timeout);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(buf, len);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(rbuf, rlen);
	if (ret < 0)
		return ret;
	k.flags = flags;
	k.token = token;
	k.buf = __kipc_ptr(buf);
	k.len = len;
	k.recv_buf = __kipc_ptr(rbuf);
	k.recv_buf_len = rlen > INT_MAX ? INT_MAX : rlen;
	ret = __kipc_ioctl(fd, KIPC_IOC_REPLY_RECV, &k);
	if (reply_ret)
		*reply_ret = k.reply_ret;
	if (ret == 0 || ret == -EMSGSIZE) {
		if (hdr) {
			*hdr = k.hdr;
			hdr->len = k.recv_len;
		}
		if (ret == 0)
			ret = k.recv_len;
	}
	return ret;
}
