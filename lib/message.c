/* SPDX-License-Identifier: MIT */
/* Messages: send, receive, request/reply. */
#include <limits.h>
#include <string.h>

#include "libkipc.h"
#include "lib.h"
#include "syscall.h"

static int send_common(int fd, uint64_t dest, int64_t type, const void *buf,
		       size_t len, unsigned int prio, unsigned int flags,
		       const struct timespec *timeout)
{
	struct kipc_send s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	ret = __kipc_timeout(&flags, __KIPC_SEND_DERIVED, &s.timeout, timeout);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(buf, len);
	if (ret < 0)
		return ret;
	if (prio > KIPC_PRIO_MAX)
		return -EINVAL;
	s.flags = flags;
	s.dest = dest;
	s.buf = __kipc_ptr(buf);
	s.len = len;
	s.priority = prio;
	s.type = type;
	return __kipc_ioctl(fd, KIPC_IOC_SEND, &s);
}

int kipc_send(int fd, uint64_t dest, const void *buf, size_t len,
	      unsigned int prio, unsigned int flags,
	      const struct timespec *timeout)
{
	return send_common(fd, dest, 0, buf, len, prio, flags, timeout);
}

int kipc_send_type(int fd, uint64_t dest, int64_t type, const void *buf,
		   size_t len, unsigned int prio, unsigned int flags,
		   const struct timespec *timeout)
{
	return send_common(fd, dest, type, buf, len, prio, flags, timeout);
}

static int recv_common(int fd, uint64_t from, int64_t type_sel, int64_t *type,
		       uint64_t *seq, void *buf, size_t len,
		       struct kipc_msg_hdr *hdr, unsigned int flags,
		       const struct timespec *timeout)
{
	struct kipc_recv r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	ret = __kipc_timeout(&flags, __KIPC_RECV_DERIVED, &r.timeout, timeout);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(buf, len);
	if (ret < 0)
		return ret;
	if (from) {
		flags |= KIPC_RECV_FROM;
		r.from = from;
	}
	/* With KIPC_RECV_INDEX, type_sel is a position, 0 included. */
	if (type_sel || (flags & KIPC_RECV_INDEX)) {
		if (!(flags & KIPC_RECV_INDEX))
			flags |= KIPC_RECV_TYPE;
		r.type_sel = type_sel;
	}
	/* Only kipc_recv_seq() names a message; the kernel checks the rest. */
	if (flags & KIPC_RECV_SEQ) {
		if (!seq)
			return -EINVAL;
		r.seq = *seq;
	}
	r.flags = flags;
	r.buf = __kipc_ptr(buf);
	/* The length is returned as an int: never accept more than fits. */
	r.buf_len = len > INT_MAX ? INT_MAX : len;
	ret = __kipc_ioctl(fd, KIPC_IOC_RECV, &r);
	if (ret == 0 || ret == -EMSGSIZE) {
		if (hdr) {
			*hdr = r.hdr;
			hdr->len = r.len;
		}
		if (type)
			*type = r.type;
		if (seq)
			*seq = r.seq;
		if (ret == 0)
			ret = r.len;
	}
	return ret;
}

int kipc_recv(int fd, void *buf, size_t len, struct kipc_msg_hdr *hdr,
	      unsigned int flags, const struct timespec *timeout)
{
	if (flags & KIPC_RECV_SEQ)
		return -EINVAL;
	return recv_common(fd, 0, 0, NULL, NULL, buf, len, hdr, flags, timeout);
}

int kipc_recv_seq(int fd, uint64_t *seq, void *buf, size_t len,
		  struct kipc_msg_hdr *hdr, unsigned int flags,
		  const struct timespec *timeout)
{
	if (!seq)
		return -EINVAL;
	return recv_common(fd, 0, 0, NULL, seq, buf, len, hdr, flags, timeout);
}

int kipc_recv_from(int fd, uint64_t from, void *buf, size_t len,
		   struct kipc_msg_hdr *hdr, unsigned int flags,
		   const struct timespec *timeout)
{
	/* No endpoint has id 0; it would silently mean "anyone" below. */
	if (!from)
		return -EINVAL;
	if (flags & KIPC_RECV_SEQ)
		return -EINVAL;
	return recv_common(fd, from, 0, NULL, NULL, buf, len, hdr, flags,
			   timeout);
}

int kipc_recv_type(int fd, int64_t type_sel, void *buf, size_t len,
		   struct kipc_msg_hdr *hdr, int64_t *type, unsigned int flags,
		   const struct timespec *timeout)
{
	/* type_sel 0 is "any type": KIPC_RECV_EXCEPT has nothing to except. */
	if (!type_sel && (flags & KIPC_RECV_EXCEPT))
		return -EINVAL;
	if (flags & KIPC_RECV_SEQ)
		return -EINVAL;
	return recv_common(fd, 0, type_sel, type, NULL, buf, len, hdr, flags,
			   timeout);
}

int kipc_call(int fd, uint64_t dest, const void *req, size_t req_len,
	      unsigned int prio, void *reply, size_t reply_len,
	      struct kipc_msg_hdr *reply_hdr, unsigned int flags,
	      const struct timespec *timeout)
{
	struct kipc_call c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	ret = __kipc_timeout(&flags, __KIPC_SEND_DERIVED, &c.timeout, timeout);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(req, req_len);
	if (ret < 0)
		return ret;
	ret = __kipc_check_buf(reply, reply_len);
	if (ret < 0)
		return ret;
	if (prio > KIPC_PRIO_MAX ||
	    (flags & (KIPC_NONBLOCK | KIPC_SEND_SYNC | KIPC_CALL_RESUME)))
		return -EINVAL;
	c.flags = flags;
	c.dest = dest;
	c.buf = __kipc_ptr(req);
	c.len = req_len;
	c.priority = prio;
	c.reply_buf = __kipc_ptr(reply);
	c.reply_buf_len = reply_len > INT_MAX ? INT_MAX : reply_len;
	ret = __kipc_ioctl(fd, KIPC_IOC_CALL, &c);
	/* Interrupted with the request queued: tell the caller its token. */
	if (ret == -EINTR && (c.flags & KIPC_CALL_RESUME) && reply_hdr) {
		memset(reply_hdr, 0, sizeof(*reply_hdr));
		reply_hdr->token = c.reply_hdr.token;
	}
	if (ret < 0)
		return ret;
	if (reply_hdr)
		*reply_hdr = c.reply_hdr;
	return c.reply_len;
}

int kipc_call_resume(int fd, uint64_t token, void *reply, size_t reply_len,
		     struct kipc_msg_hdr *reply_hdr)
{
	struct kipc_call c;
	int ret;

	if (!token)
		return -EINVAL;
	ret = __kipc_check_buf(reply, reply_len);
	if (ret < 0)
		return ret;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = KIPC_CALL_RESUME;
	c.reply_buf = __kipc_ptr(reply);
	c.reply_buf_len = reply_len > INT_MAX ? INT_MAX : reply_len;
	c.reply_hdr.token = token;
	ret = __kipc_ioctl(fd, KIPC_IOC_CALL, &c);
	if (ret < 0)
		return ret;
	if (reply_hdr)
		*reply_hdr = c.reply_hdr;
	return c.reply_len;
}

int kipc_reply(int fd, uint64_t token, const void *buf, size_t len)
{
	struct kipc_reply r;
	int ret;

	ret = __kipc_check_buf(buf, len);
	if (ret < 0)
		return ret;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.token = token;
	r.buf = __kipc_ptr(buf);
	r.len = len;
	return __kipc_ioctl(fd, KIPC_IOC_REPLY, &r);
}
