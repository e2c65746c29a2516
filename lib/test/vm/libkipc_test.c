// SPDX-License-Identifier: MIT
/*
 * libkipc against the real module, in the test VM: every public call once
 * on its success path and on an error the kernel reports, so that what the
 * library hands the kernel and what it makes of the answer are checked end
 * to end (the host tests check the same with a stand-in ioctl()). Built
 * twice, against libkipc.so and statically against libkipc.a. The
 * kernel's own behaviour is tested by selftests/kipc, without libkipc.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <liburing.h>
#include <libkipc.h>
#include <kipc_ring.h>
#include <kipc_uring.h>

#include "kselftest_harness.h"

static void name_of(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "lt-%d-%s", getpid(), tag);
}

FIXTURE(lib) {
	int a, b;
	uint64_t a_id, b_id;
};

FIXTURE_SETUP(lib)
{
	self->a = kipc_open(0);
	if (self->a == -ENOENT)
		SKIP(return, "/dev/kipc missing: kipc.ko not loaded");
	ASSERT_LE(0, self->a);
	self->b = kipc_open(KIPC_OPEN_NONBLOCK);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, kipc_ep_id(self->a, &self->a_id));
	ASSERT_EQ(0, kipc_ep_id(self->b, &self->b_id));
}

FIXTURE_TEARDOWN(lib)
{
	close(self->a);
	close(self->b);
}

TEST(open_flags)
{
	int fd = kipc_open(KIPC_OPEN_NONBLOCK);

	if (fd == -ENOENT)
		SKIP(return, "/dev/kipc missing: kipc.ko not loaded");
	ASSERT_GE(fd, 0);
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	EXPECT_EQ(-EINVAL, kipc_open(~0u));
}

TEST_F(lib, endpoint_calls)
{
	struct kipc_version ver;
	char name[KIPC_NAME_MAX];
	uint64_t id = 0;

	ASSERT_EQ(0, kipc_version(self->a, &ver));
	EXPECT_EQ(KIPC_ABI_VERSION, ver.abi);
	EXPECT_EQ(self->a_id, ver.endpoint_id);
	EXPECT_NE(self->a_id, self->b_id);
	name_of(name, sizeof(name), "ep");
	ASSERT_EQ(0, kipc_ep_set_name(self->a, name));
	EXPECT_EQ(-EBUSY, kipc_ep_set_name(self->a, name));
	ASSERT_EQ(0, kipc_ep_lookup(self->b, name, &id));
	EXPECT_EQ(self->a_id, id);
	EXPECT_EQ(-ESRCH, kipc_ep_lookup(self->b, "lt-no-such-endpoint", &id));
	ASSERT_EQ(0, kipc_ep_set_limits(self->b, 1, 0, 0));
	ASSERT_EQ(0, kipc_send(self->a, self->b_id, "x", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, kipc_send(self->a, self->b_id, "y", 1, 0, KIPC_NONBLOCK, NULL));
}

TEST_F(lib, messages)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	struct kipc_msg_hdr hdr;
	char buf[16];

	ASSERT_EQ(0, kipc_send(self->a, self->b_id, "lo", 2, 1, 0, NULL));
	ASSERT_EQ(0, kipc_send(self->a, self->b_id, "high", 4, 9, 0, &ts));
	ASSERT_EQ(4, kipc_recv(self->b, buf, sizeof(buf), &hdr, KIPC_RECV_PEEK, NULL));
	EXPECT_EQ(-EMSGSIZE, kipc_recv(self->b, buf, 3, &hdr, 0, NULL));
	EXPECT_EQ(4, hdr.len);
	ASSERT_EQ(4, kipc_recv(self->b, buf, sizeof(buf), &hdr, 0, NULL));
	EXPECT_EQ(0, memcmp(buf, "high", 4));
	EXPECT_EQ(9, hdr.priority);
	EXPECT_EQ(self->a_id, hdr.sender_id);
	EXPECT_EQ(getpid(), hdr.sender_pid);
	ASSERT_EQ(2, kipc_recv_from(self->b, self->a_id, buf, sizeof(buf), NULL, 0, NULL));
	EXPECT_EQ(-EAGAIN, kipc_recv(self->b, buf, sizeof(buf), NULL, 0, NULL));
	EXPECT_EQ(-ETIMEDOUT, kipc_recv(self->a, buf, sizeof(buf), NULL, 0, &ts));
	/* Refused by the library before the kernel sees it. */
	EXPECT_EQ(-EINVAL, kipc_send(self->a, self->b_id, "x", 1, 0, KIPC_TIMEOUT, NULL));
	EXPECT_EQ(-EINVAL, kipc_recv_from(self->b, 0, buf, sizeof(buf), NULL, 0, NULL));
}

static int depth(int fd)
{
	struct kipc_info info;
	int ret = kipc_stat(fd, 0, &info);

	return ret < 0 ? ret : (int)info.depth;
}

/*
 * What the library refuses before the kernel sees it: flags it derives
 * from its arguments, and lengths above the ABI's __u32 (which the uapi
 * struct would truncate). Nothing is queued.
 */
TEST_F(lib, library_refuses_derived_flags_and_huge_lengths)
{
	struct kipc_mbox_attr attr = { .flags = KIPC_MBOX_OWNED, .max_msgs = 8, .mode = 0600 };
	static char big[64];
	char buf[4];
	int mfd;

	mfd = kipc_mbox_create(self->a, NULL, &attr, NULL);
	ASSERT_LE(0, mfd);
	EXPECT_EQ(-EINVAL, kipc_send(mfd, 0, "x", 1, 0, KIPC_TIMEOUT, NULL));
	EXPECT_EQ(-EINVAL, kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_TIMEOUT, NULL));
	EXPECT_EQ(-EINVAL, kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_RECV_FROM, NULL));
	EXPECT_EQ(-EMSGSIZE, kipc_send(mfd, 0, big, (size_t)UINT32_MAX + 1, 0,
				       KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, depth(mfd));
	close(mfd);
}

TEST_F(lib, call_and_reply)
{
	struct kipc_msg_hdr hdr;
	char buf[16];
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int n = kipc_recv(self->a, buf, sizeof(buf), &hdr, 0, NULL);

		if (n != 4 || !(hdr.flags & KIPC_MSG_REQUEST))
			_exit(1);
		_exit(kipc_reply(self->a, hdr.token, "pong", 4) ? 2 : 0);
	}
	ASSERT_EQ(4, kipc_call(self->b, self->a_id, "ping", 4, 0, buf, sizeof(buf),
			       &hdr, 0, NULL));
	EXPECT_EQ(0, memcmp(buf, "pong", 4));
	EXPECT_EQ(self->a_id, hdr.sender_id);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0) == pid ? pid : -1);
	EXPECT_EQ(-ENOENT, kipc_reply(self->a, 12345, "x", 1));
	EXPECT_EQ(-EINVAL, kipc_call_resume(self->a, 0, buf, sizeof(buf), NULL));
}

TEST_F(lib, reply_recv_serves_a_loop)
{
	struct timespec t = { .tv_sec = 20 };
	struct kipc_msg_hdr hdr;
	char buf[16];
	int i, status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t token = 0;
		int n = 0, replied;

		/* Three turns: receive, answer+receive, answer+receive. */
		for (i = 0; i < 3; i++) {
			n = kipc_reply_recv(self->a, token, buf, n, buf,
					    sizeof(buf), &hdr, 0, &t, &replied);
			if (n != 4 || replied || !(hdr.flags & KIPC_MSG_REQUEST))
				_exit(10 + i);
			buf[0] = 'P';
			token = hdr.token;
		}
		_exit(kipc_reply(self->a, token, buf, n) ? 2 : 0);
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(4, kipc_call(self->b, self->a_id, "ping", 4, 0, buf,
				       sizeof(buf), &hdr, 0, &t));
		EXPECT_EQ(0, memcmp(buf, "Ping", 4));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	/* An unknown token: the receive still happens, the reply fails. */
	ASSERT_EQ(0, kipc_send(self->b, self->a_id, "next", 4, 0, 0, NULL));
	status = 0;
	EXPECT_EQ(4, kipc_reply_recv(self->a, 12345, "x", 1, buf, sizeof(buf),
				     &hdr, KIPC_NONBLOCK, NULL, &status));
	EXPECT_EQ(-ENOENT, status);
	EXPECT_EQ(4, hdr.len);
	EXPECT_EQ(0, memcmp(buf, "next", 4));
	EXPECT_EQ(-EAGAIN, kipc_reply_recv(self->a, 0, NULL, 0, buf, sizeof(buf),
					   NULL, KIPC_NONBLOCK, NULL, NULL));
}

TEST_F(lib, batches)
{
	struct kipc_mmsg out[3], in[4];
	char bufs[4][8], rbuf[8];
	unsigned int sent = 0;
	int i;

	memset(out, 0, sizeof(out));
	memset(in, 0, sizeof(in));
	for (i = 0; i < 3; i++) {
		out[i].buf = (uintptr_t)"abc";
		out[i].len = i + 1;
	}
	for (i = 0; i < 4; i++) {
		in[i].buf = (uintptr_t)bufs[i];
		in[i].buf_len = sizeof(bufs[i]);
	}
	ASSERT_EQ(3, kipc_send_batch(self->a, self->b_id, out, 3, 0, NULL));
	ASSERT_EQ(3, kipc_recv_batch(self->b, in, 4, 0, NULL));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(i + 1, in[i].len);
	/* A round trip to ourselves: the send lands in our own inbox. */
	ASSERT_EQ(2, kipc_sendrecv(self->a, self->a_id, "rt", 2, 0, rbuf,
				   sizeof(rbuf), NULL, 0, NULL, &sent));
	EXPECT_EQ(1, sent);
	EXPECT_EQ(-EINVAL, kipc_send_batch(self->a, self->b_id, out, 0, 0, NULL));
}

TEST_F(lib, xfer_fills_sizes)
{
	struct kipc_mmsg m = { .buf = (uintptr_t)"z", .len = 1 };
	struct kipc_xfer x = {
		.dest = self->b_id,
		.send_msgs = (uintptr_t)&m,
		.send_count = 1,
	};

	ASSERT_EQ(0, kipc_xfer(self->a, &x));
	EXPECT_EQ(sizeof(x), x.size);
	EXPECT_EQ(sizeof(m), x.entry_size);
	EXPECT_EQ(1, x.sent);
}

TEST_F(lib, mailboxes)
{
	struct kipc_mbox_attr attr = { .flags = KIPC_MBOX_OWNED, .max_msgs = 2, .mode = 0640 };
	char name[KIPC_NAME_MAX], buf[8];
	struct kipc_info info;
	uint64_t id, id2 = 0;
	int mb, mb2, mb3;

	name_of(name, sizeof(name), "mb");
	mb = kipc_mbox_create(self->a, name, &attr, &id);
	ASSERT_LE(0, mb);
	EXPECT_EQ(-EEXIST, kipc_mbox_create(self->a, name, NULL, NULL));
	mb2 = kipc_mbox_open(self->b, name, &id2);
	ASSERT_LE(0, mb2);
	EXPECT_EQ(id, id2);
	mb3 = kipc_mbox_open_id(self->b, id);
	ASSERT_LE(0, mb3);
	ASSERT_EQ(0, kipc_send(self->a, id, "m", 1, 0, KIPC_SEND_MAILBOX, NULL));
	ASSERT_EQ(1, kipc_recv(mb3, buf, sizeof(buf), NULL, 0, NULL));
	ASSERT_EQ(0, kipc_mbox_set_mode(mb, 0, 0600));
	ASSERT_EQ(0, kipc_mbox_set_owner(mb, 0, (uid_t)-1, getgid()));
	ASSERT_EQ(0, kipc_stat(self->a, id, &info));
	EXPECT_EQ(KIPC_TYPE_MAILBOX, info.type);
	EXPECT_EQ(0600, info.mode);
	EXPECT_EQ(2, info.max_msgs);
	ASSERT_EQ(0, kipc_stat_name(self->a, KIPC_TYPE_MAILBOX, name, &info));
	EXPECT_EQ(id, info.id);
	ASSERT_EQ(0, kipc_mbox_delete_name(self->a, name));
	EXPECT_EQ(-ENOENT, kipc_mbox_delete(self->a, id));
	EXPECT_EQ(-ENOENT, kipc_mbox_open(self->b, name, NULL));
	close(mb3);
	close(mb2);
	close(mb);
}

TEST_F(lib, list_usage_notify_strerror)
{
	struct kipc_info entries[4];
	struct kipc_usage usage;
	uint64_t cursor = 0;
	int n, total = 0;
	bool seen = false;

	while ((n = kipc_list(self->a, KIPC_LIST_ENDPOINTS, &cursor, entries, 4)) > 0) {
		for (int i = 0; i < n; i++)
			seen |= entries[i].id == self->b_id;
		total += n;
	}
	ASSERT_EQ(0, n);
	EXPECT_LE(2, total);
	EXPECT_TRUE(seen);
	ASSERT_EQ(0, kipc_usage(self->a, &usage));
	EXPECT_EQ(getuid(), usage.uid);
	ASSERT_EQ(0, kipc_notify(self->b, SIGUSR1, KIPC_NOTIFY_ONESHOT));
	ASSERT_EQ(0, kipc_notify(self->b, 0, 0));
	EXPECT_EQ(-EINVAL, kipc_notify(self->b, -1, 0));
	EXPECT_NE(NULL, kipc_strerror(-ENOENT));
}

TEST_F(lib, kernel_ring)
{
	struct timespec ts = { .tv_nsec = 10000000 };
	struct kipc_ring p, c;
	char name[KIPC_NAME_MAX], buf[64];
	uint64_t id;
	uint32_t pos, len;
	const void *m;
	void *w;

	name_of(name, sizeof(name), "ring");
	ASSERT_EQ(0, kipc_ring_create(self->a, name, 8, 64, KIPC_RING_MPSC, 0600, &id));
	ASSERT_EQ(0, kipc_ring_attach(self->a, name, 0, KIPC_RING_CONSUMER, &c));
	ASSERT_EQ(0, kipc_ring_attach(self->b, NULL, id, KIPC_RING_PRODUCER, &p));
	EXPECT_LE(0, kipc_ring_fd(&c));
	EXPECT_EQ(64 - sizeof(struct kipc_ring_slot), kipc_ring_payload_max(&p));
	EXPECT_EQ(-ETIMEDOUT, kipc_ring_wait_readable(&c, &ts));
	ASSERT_EQ(0, kipc_ring_send(&p, "one", 3, NULL));
	w = kipc_ring_reserve(&p, &pos);
	ASSERT_NE(NULL, w);
	memcpy(w, "two!", 4);
	kipc_ring_commit(&p, pos, 4);
	ASSERT_EQ(0, kipc_ring_wait_readable(&c, NULL));
	ASSERT_EQ(3, kipc_ring_recv(&c, buf, sizeof(buf), NULL));
	m = kipc_ring_peek(&c, &pos, &len);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(4, len);
	EXPECT_EQ(0, memcmp(m, "two!", 4));
	kipc_ring_release(&c, pos);
	EXPECT_EQ(0, kipc_ring_wait_writable(&p, 8, NULL));
	EXPECT_EQ(-EMSGSIZE, kipc_ring_send(&p, buf, sizeof(buf), NULL));
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	EXPECT_EQ(0, kipc_ring_delete(self->a, NULL, id));
	EXPECT_EQ(-ENOENT, kipc_ring_delete(self->a, name, 0));
}

TEST_F(lib, memfd_ring)
{
	struct kipc_ring p, c;
	char buf[32];
	int fd;

	fd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_PRODUCER, &p));
	ASSERT_EQ(0, kipc_ring_memfd_attach(fd, KIPC_RING_CONSUMER, &c));
	ASSERT_EQ(0, kipc_ring_send(&p, "memfd", 5, NULL));
	ASSERT_EQ(5, kipc_ring_recv(&c, buf, sizeof(buf), NULL));
	kipc_ring_detach(&p);
	kipc_ring_detach(&c);
	close(fd);
}

/* The io_uring helpers of kipc_uring.h: one SEND, one RECV. */
TEST_F(lib, uring_helpers)
{
	struct io_uring_cqe *cqe;
	struct kipc_msg_hdr hdr = { 0 };
	struct io_uring ring;
	struct kipc_send s;
	struct kipc_recv r;
	char buf[16];
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, kipc_uring_send_args(&s, self->b_id, "ur", 2, 3, 0, NULL));
	kipc_uring_prep_send(io_uring_get_sqe(&ring), self->a, &s);
	ASSERT_EQ(1, io_uring_submit_and_wait(&ring, 1));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(0, cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(0, kipc_uring_recv_args(&r, 0, buf, sizeof(buf), 0, NULL));
	kipc_uring_prep_recv(io_uring_get_sqe(&ring), self->b, &r);
	ASSERT_EQ(1, io_uring_submit_and_wait(&ring, 1));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(2, kipc_uring_recv_result(cqe, &r, &hdr));
	EXPECT_EQ(3, hdr.priority);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(-EINVAL, kipc_uring_send_args(&s, self->b_id, "x", 1, 0, KIPC_TIMEOUT, NULL));
	io_uring_queue_exit(&ring);
}

/* The batch helpers: three messages out in one SQE, back in one SQE. */
TEST_F(lib, uring_batch_helpers)
{
	char out[3][4] = { "b0", "b1", "b2" }, in[3][8];
	struct kipc_mmsg om[3], im[3];
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct kipc_xfer x;
	int i, ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	memset(om, 0, sizeof(om));
	memset(im, 0, sizeof(im));
	for (i = 0; i < 3; i++) {
		om[i].buf = (uintptr_t)out[i];
		om[i].len = 3;
		im[i].buf = (uintptr_t)in[i];
		im[i].buf_len = sizeof(in[i]);
	}
	ASSERT_EQ(0, kipc_uring_batch_args(&x, true, self->b_id, om, 3, 0, NULL));
	kipc_uring_prep_xfer(io_uring_get_sqe(&ring), self->a, &x);
	ASSERT_EQ(1, io_uring_submit_and_wait(&ring, 1));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(3, kipc_uring_xfer_result(cqe, &x));
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(0, kipc_uring_batch_args(&x, false, 0, im, 3, 0, NULL));
	kipc_uring_prep_xfer(io_uring_get_sqe(&ring), self->b, &x);
	ASSERT_EQ(1, io_uring_submit_and_wait(&ring, 1));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(3, kipc_uring_xfer_result(cqe, &x));
	io_uring_cqe_seen(&ring, cqe);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(3, im[i].len);
		EXPECT_STREQ(out[i], in[i]);
	}
	EXPECT_EQ(-EINVAL, kipc_uring_batch_args(&x, true, self->b_id, om, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kipc_uring_batch_args(&x, false, 0, im,
						 KIPC_XFER_MAX + 1, 0, NULL));
	EXPECT_EQ(-EINVAL, kipc_uring_batch_args(&x, false, 0, im, 3,
						 KIPC_TIMEOUT, NULL));
	io_uring_queue_exit(&ring);
}

TEST_HARNESS_MAIN
