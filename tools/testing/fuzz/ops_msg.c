// SPDX-License-Identifier: MIT
/*
 * Message ioctls: SEND, RECV, CALL, REPLY, SENDRECV, REPLY_RECV, NOTIFY,
 * and read(2)/write(2) on the same fds. Every ioctl that can block is
 * given KIPC_NONBLOCK or a timeout of at most 2 ms (pick_timeout); a read
 * or write, which has neither, is cut short by a 2 ms timer's SIGUSR1
 * (never restarted, main.c) when its fd is not O_NONBLOCK.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>

#include "fuzz.h"

#define BLOCK_FLAGS	(KIPC_NONBLOCK | KIPC_TIMEOUT | KIPC_ABSTIME)
#define MSG_FLAGS	(KIPC_MSG_REQUEST | KIPC_MSG_SYNC)

/* What a header the kernel stamped may hold, whoever sent the message. */
static void check_hdr(struct fuzz *f, const char *what,
		      const struct kipc_msg_hdr *h, uint32_t len)
{
	if (h->len != len)
		impossible(f, "%s: hdr.len %u, len %u", what, h->len, len);
	if (h->priority > KIPC_PRIO_MAX)
		impossible(f, "%s: priority %u", what, h->priority);
	if (h->flags & ~MSG_FLAGS)
		impossible(f, "%s: unknown header flags %#x", what, h->flags);
	if (h->timeout_ms && !(h->flags & KIPC_MSG_REQUEST))
		impossible(f, "%s: timeout_ms %u on a message that is no request",
			   what, h->timeout_ms);
	if (!h->sender_id)
		impossible(f, "%s: sender 0", what);
	if ((h->flags & KIPC_MSG_REQUEST) && !h->token)
		impossible(f, "%s: request without a token", what);
}

void op_send(struct fuzz *f)
{
	struct kipc_send s = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	s.size = pick_size(f, KIPC_SEND_SIZE_VER0, sizeof(s));
	s.flags = pick_flags(f, BLOCK_FLAGS | KIPC_SEND_SYNC | KIPC_SEND_MAILBOX);
	pick_timeout(f, &s.flags, &s.timeout);
	s.dest = rng_chance(f, 35) ? 0 : pick_id(f);
	s.len = pick_len(f);
	s.buf = pick_buf(f, s.len);
	s.priority = pick_prio(f);
	note_wait(f, fd, s.flags, &s.timeout);
	ret = fuzz_ioctl(fd, KIPC_IOC_SEND, arg_place(f, &s, sizeof(s), arg_pick(f), &a));
	note(f, "SEND", ret);
	if (ret > 0)
		impossible(f, "SEND returned %ld", ret);
}

void op_recv(struct fuzz *f)
{
	struct kipc_recv r = { 0 };
	struct fuzz_arg a;
	uint32_t tk = rng_below(f, FUZZ_TOKENS);
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	r.size = pick_size(f, KIPC_RECV_SIZE_VER0, sizeof(r));
	r.flags = pick_flags(f, BLOCK_FLAGS | KIPC_RECV_PEEK | KIPC_RECV_FROM);
	pick_timeout(f, &r.flags, &r.timeout);
	r.from = (r.flags & KIPC_RECV_FROM) || rng_chance(f, 3) ? pick_id(f) : 0;
	r.buf_len = rng_chance(f, 60) ? 8192 : pick_len(f);
	r.buf = pick_buf(f, r.buf_len);
	r.len = (uint32_t)rng64(f);	/* output only: garbage must not matter */
	note_wait(f, fd, r.flags, &r.timeout);
	ret = fuzz_ioctl(fd, KIPC_IOC_RECV, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, "RECV", ret);
	if (ret > 0)
		impossible(f, "RECV returned %ld", ret);
	if (ret || a.bad || r.size < sizeof(r))
		return;
	{
		struct kipc_recv out;

		memcpy(&out, a.p, sizeof(out));
		if (out.len > r.buf_len)
			impossible(f, "RECV len %u > buf_len %u", out.len, r.buf_len);
		check_hdr(f, "RECV", &out.hdr, out.len);
		if ((r.flags & KIPC_RECV_FROM) && out.hdr.sender_id != r.from)
			impossible(f, "RECV_FROM %llu got sender %llu",
				   (unsigned long long)r.from,
				   (unsigned long long)out.hdr.sender_id);
		publish_id(f, out.hdr.sender_id);
		if (out.hdr.flags & KIPC_MSG_REQUEST)
			f->tokens[tk] = out.hdr.token;
	}
}

void op_call(struct fuzz *f)
{
	struct kipc_call c = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	c.size = pick_size(f, KIPC_CALL_SIZE_VER0, sizeof(c));
	c.flags = pick_flags(f, KIPC_TIMEOUT | KIPC_ABSTIME | KIPC_SEND_MAILBOX);
	pick_timeout(f, &c.flags, &c.timeout);
	/* CALL refuses KIPC_NONBLOCK: for a valid call, a timeout instead. */
	if (rng_chance(f, 80) && (c.flags & KIPC_NONBLOCK) && !(c.flags & KIPC_ABSTIME))
		c.flags = (c.flags & ~KIPC_NONBLOCK) | KIPC_TIMEOUT;
	c.dest = rng_chance(f, 30) ? 0 : pick_id(f);
	c.len = pick_len(f);
	c.buf = pick_buf(f, c.len);
	c.priority = pick_prio(f);
	c.reply_buf_len = rng_chance(f, 60) ? 4096 : pick_len(f);
	c.reply_buf = pick_buf(f, c.reply_buf_len);
	note_wait(f, fd, c.flags, &c.timeout);
	ret = fuzz_ioctl(fd, KIPC_IOC_CALL, arg_place(f, &c, sizeof(c), arg_pick(f), &a));
	note(f, "CALL", ret);
	if (ret > 0)
		impossible(f, "CALL returned %ld", ret);
	if (ret || a.bad || c.size < sizeof(c))
		return;
	{
		struct kipc_call out;

		memcpy(&out, a.p, sizeof(out));
		if (out.reply_len > c.reply_buf_len)
			impossible(f, "CALL reply_len %u > reply_buf_len %u",
				   out.reply_len, c.reply_buf_len);
		if (out.reply_hdr.mailbox_id)
			impossible(f, "CALL reply from mailbox %llu",
				   (unsigned long long)out.reply_hdr.mailbox_id);
	}
}

void op_reply(struct fuzz *f)
{
	struct kipc_reply r = { 0 };
	struct fuzz_arg a;
	uint32_t tk = rng_below(f, FUZZ_TOKENS), kind = rng_below(f, 100);
	uint64_t junk = rng64(f);
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	r.size = pick_size(f, KIPC_REPLY_SIZE_VER0, sizeof(r));
	r.flags = pick_flags(f, 0);
	r.token = kind < 70 ? f->tokens[tk] : kind < 80 ? f->tokens[tk] + 1 :
		kind < 90 ? 0 : junk;
	r.len = pick_len(f);
	r.buf = pick_buf(f, r.len);
	r.reserved = rng_chance(f, 5) && !f->sane;
	ret = fuzz_ioctl(fd, KIPC_IOC_REPLY, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, "REPLY", ret);
	if (ret > 0)
		impossible(f, "REPLY returned %ld", ret);
}

void op_sendrecv(struct fuzz *f)
{
	struct kipc_sendrecv k = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	k.size = pick_size(f, KIPC_SENDRECV_SIZE_VER0, sizeof(k));
	k.flags = pick_flags(f, BLOCK_FLAGS | KIPC_NORESTART |
			     KIPC_SEND_MAILBOX);
	pick_timeout(f, &k.flags, &k.timeout);
	k.dest = rng_chance(f, 35) ? 0 : pick_id(f);
	k.len = pick_len(f);
	k.buf = pick_buf(f, k.len);
	k.priority = pick_prio(f);
	k.type = (int64_t)rng_below(f, 5) - 2;
	k.recv_flags = pick_flags(f, KIPC_RECV_FROM | KIPC_RECV_TYPE);
	k.from = (k.recv_flags & KIPC_RECV_FROM) || rng_chance(f, 3) ?
		 pick_id(f) : 0;
	k.type_sel = (k.recv_flags & KIPC_RECV_TYPE) ?
		     (int64_t)rng_below(f, 5) - 2 : 0;
	k.recv_buf_len = rng_chance(f, 60) ? 8192 : pick_len(f);
	k.recv_buf = pick_buf(f, k.recv_buf_len);
	k.sent = (uint32_t)rng64(f);	/* outputs: garbage must not matter */
	k.recv_len = (uint32_t)rng64(f);
	note_wait(f, fd, k.flags, &k.timeout);
	ret = fuzz_ioctl(fd, KIPC_IOC_SENDRECV,
			 arg_place(f, &k, sizeof(k), arg_pick(f), &a));
	note(f, "SENDRECV", ret);
	if (ret > 0)
		impossible(f, "SENDRECV returned %ld", ret);
	if (ret || a.bad || k.size < sizeof(k))
		return;
	{
		struct kipc_sendrecv out;

		memcpy(&out, a.p, sizeof(out));
		if (out.sent != 1)
			impossible(f, "SENDRECV succeeded with sent %u", out.sent);
		if (out.recv_len > k.recv_buf_len)
			impossible(f, "SENDRECV recv_len %u > recv_buf_len %u",
				   out.recv_len, k.recv_buf_len);
		check_hdr(f, "SENDRECV", &out.hdr, out.recv_len);
		publish_id(f, out.hdr.sender_id);
	}
}

void op_reply_recv(struct fuzz *f)
{
	struct kipc_reply_recv k = { 0 };
	struct fuzz_arg a;
	uint32_t tk = rng_below(f, FUZZ_TOKENS), kind = rng_below(f, 100);
	uint64_t junk = rng64(f);
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	k.size = pick_size(f, KIPC_REPLY_RECV_SIZE_VER0, sizeof(k));
	k.flags = pick_flags(f, BLOCK_FLAGS | KIPC_NORESTART | KIPC_RECV_FROM |
			     KIPC_RECV_TYPE);
	pick_timeout(f, &k.flags, &k.timeout);
	k.token = kind < 60 ? f->tokens[tk] : kind < 70 ? f->tokens[tk] + 1 :
		  kind < 90 ? 0 : junk;
	k.len = pick_len(f);
	k.buf = pick_buf(f, k.len);
	k.from = (k.flags & KIPC_RECV_FROM) || rng_chance(f, 3) ? pick_id(f) : 0;
	k.type_sel = (k.flags & KIPC_RECV_TYPE) ?
		     (int64_t)rng_below(f, 5) - 2 : 0;
	k.recv_buf_len = rng_chance(f, 60) ? 8192 : pick_len(f);
	k.recv_buf = pick_buf(f, k.recv_buf_len);
	k.reply_ret = (int32_t)rng64(f);	/* outputs */
	k.recv_len = (uint32_t)rng64(f);
	note_wait(f, fd, k.flags, &k.timeout);
	ret = fuzz_ioctl(fd, KIPC_IOC_REPLY_RECV,
			 arg_place(f, &k, sizeof(k), arg_pick(f), &a));
	note(f, "REPLY_RECV", ret);
	if (ret > 0)
		impossible(f, "REPLY_RECV returned %ld", ret);
	if (ret || a.bad || k.size < sizeof(k))
		return;
	{
		struct kipc_reply_recv out;

		memcpy(&out, a.p, sizeof(out));
		if (out.reply_ret > 0 || (!k.token && out.reply_ret))
			impossible(f, "REPLY_RECV reply_ret %d for token %llu",
				   out.reply_ret, (unsigned long long)k.token);
		if (out.recv_len > k.recv_buf_len)
			impossible(f, "REPLY_RECV recv_len %u > recv_buf_len %u",
				   out.recv_len, k.recv_buf_len);
		check_hdr(f, "REPLY_RECV", &out.hdr, out.recv_len);
		publish_id(f, out.hdr.sender_id);
		if (out.hdr.flags & KIPC_MSG_REQUEST)
			f->tokens[tk] = out.hdr.token;
	}
}

/* Only signals the fuzzer handles (main.c), or invalid numbers. */
void op_notify(struct fuzz *f)
{
	static const uint32_t signos[] = { 0, SIGUSR1, SIGUSR2, 34, 40, 0, 65, 1000, 0xffffffffU };
	struct kipc_notify n = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	n.size = pick_size(f, KIPC_NOTIFY_SIZE_VER0, sizeof(n));
	n.flags = pick_flags(f, KIPC_NOTIFY_ONESHOT);
	n.signo = signos[rng_below(f, sizeof(signos) / sizeof(signos[0]))];
	n.reserved = rng_chance(f, 5) && !f->sane;
	ret = fuzz_ioctl(fd, KIPC_IOC_NOTIFY, arg_place(f, &n, sizeof(n), arg_pick(f), &a));
	note(f, "NOTIFY", ret);
	if (ret > 0)
		impossible(f, "NOTIFY returned %ld", ret);
}

/*
 * SIGUSR1 to this process every 2 ms, or never (@arm false). Periodic, so
 * that a signal that came before the call began does not leave it blocked.
 */
static void read_write_timer(bool arm)
{
	static timer_t timer;
	static pid_t owner;
	struct sigevent ev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = SIGUSR1,
	};
	struct itimerspec its = {
		.it_value.tv_nsec = arm ? 2000000 : 0,
		.it_interval.tv_nsec = arm ? 2000000 : 0,
	};

	/* Timers are not inherited: each forked fuzzer makes its own. */
	if (owner != getpid()) {
		if (timer_create(CLOCK_MONOTONIC, &ev, &timer))
			return;
		owner = getpid();
	}
	timer_settime(timer, 0, &its, NULL);
}

#ifndef RWF_NOWAIT
#define RWF_NOWAIT	0x00000008
#endif

/*
 * One to three vectors over @len bytes, each placed as pick_buf() places
 * a buffer (so some of them fault); their total is @len.
 */
static int pick_iov(struct fuzz *f, struct iovec *iov, uint32_t len)
{
	int n = 1 + (int)rng_below(f, 3), i;
	uint32_t left = len, part;

	for (i = 0; i < n; i++) {
		part = i + 1 < n ? rng_below(f, left / 2 + 1) : left;
		iov[i].iov_base = (void *)(uintptr_t)pick_buf(f, part);
		iov[i].iov_len = part;
		left -= part;
	}
	return n;
}

/*
 * @len bytes at a fuzzed place, as one buffer (read, write) or one to
 * three vectors (readv, writev), sometimes with RWF_NOWAIT: the plain
 * and the iov_iter entry points of the same fd.
 */
static ssize_t rw_call(struct fuzz *f, int fd, uint32_t len, bool out,
		       const char **name)
{
	int flags = rng_chance(f, 30) ? RWF_NOWAIT : 0;
	struct iovec iov[3];
	ssize_t ret;
	int n;

	read_write_timer(true);
	if (rng_chance(f, 60)) {
		*name = out ? "write" : "read";
		iov[0].iov_base = (void *)(uintptr_t)pick_buf(f, len);
		ret = out ? write(fd, iov[0].iov_base, len) :
			    read(fd, iov[0].iov_base, len);
	} else {
		*name = out ? "writev" : "readv";
		n = pick_iov(f, iov, len);
		ret = out ? pwritev2(fd, iov, n, -1, flags) :
			    preadv2(fd, iov, n, -1, flags);
	}
	read_write_timer(false);
	return ret < 0 ? -errno : ret;
}

void op_read(struct fuzz *f)
{
	int fd = pick_fd_for(f, rng_chance(f, 80) ? FD_MSG : FD_EP);
	uint32_t len = rng_chance(f, 60) ? 8192 : pick_len(f);
	const char *name;
	ssize_t ret = rw_call(f, fd, len, false, &name);

	note(f, name, ret);
	if (ret > (ssize_t)len)
		impossible(f, "%s %zd into %u bytes", name, ret, len);
}

void op_write(struct fuzz *f)
{
	int fd = pick_fd_for(f, rng_chance(f, 90) ? FD_MSG : FD_EP);
	uint32_t len = pick_len(f);
	const char *name;
	ssize_t ret = rw_call(f, fd, len, true, &name);

	note(f, name, ret);
	/* A message is whole or not sent: never a short write. */
	if (ret >= 0 && ret != (ssize_t)len)
		impossible(f, "%s of %u bytes returned %zd", name, len, ret);
}
