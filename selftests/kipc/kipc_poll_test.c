// SPDX-License-Identifier: GPL-2.0
/*
 * poll() and epoll on endpoint and mailbox fds: EPOLLIN while a message is
 * queued, EPOLLOUT (always on an endpoint; while there is room on a
 * mailbox; while a receiver waits on a rendezvous mailbox), EPOLLHUP |
 * EPOLLERR once a mailbox is deleted, and wake-ups of blocked pollers.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/epoll.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

/* Events poll() reports right now (timeout 0). */
static short poll_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

FIXTURE(pollq) {
	struct kt_qpair q;
};

FIXTURE_VARIANT(pollq) {
	bool mailbox;
};

FIXTURE_VARIANT_ADD(pollq, direct) {
	.mailbox = false,
};

FIXTURE_VARIANT_ADD(pollq, mailbox) {
	.mailbox = true,
};

FIXTURE_SETUP(pollq)
{
	ASSERT_EQ(0, kt_qpair_open(&self->q, variant->mailbox, 2, 0600));
}

FIXTURE_TEARDOWN(pollq)
{
	kt_qpair_close(&self->q);
}

TEST_F(pollq, pollin_follows_the_queue)
{
	char buf[8];

	EXPECT_FALSE(poll_now(self->q.rx) & POLLIN);
	ASSERT_EQ(0, sys_kipc_send(self->q.tx, self->q.dest, "a", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_TRUE(poll_now(self->q.rx) & POLLIN);
	ASSERT_EQ(0, sys_kipc_send(self->q.tx, self->q.dest, "b", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(1, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_TRUE(poll_now(self->q.rx) & POLLIN);
	ASSERT_EQ(1, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_FALSE(poll_now(self->q.rx) & POLLIN);
	EXPECT_FALSE(poll_now(self->q.rx) & (POLLHUP | POLLERR));
}

TEST_F(pollq, pollout)
{
	/* Fill the receiving queue (capacity 2). */
	ASSERT_EQ(0, sys_kipc_send(self->q.tx, self->q.dest, "a", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_send(self->q.tx, self->q.dest, "b", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(-EAGAIN, sys_kipc_send(self->q.tx, self->q.dest, "c", 1, 0, KIPC_NONBLOCK, NULL));
	if (variant->mailbox) {
		/* A full mailbox has no room: no POLLOUT on any of its fds. */
		EXPECT_FALSE(poll_now(self->q.tx) & POLLOUT);
		EXPECT_FALSE(poll_now(self->q.rx) & POLLOUT);
		ASSERT_EQ(1, sys_kipc_recv(self->q.rx, (char[4]){ 0 }, 4, NULL, KIPC_NONBLOCK, NULL));
		EXPECT_TRUE(poll_now(self->q.tx) & POLLOUT);
	} else {
		/* Endpoint fds always report POLLOUT, even toward a full inbox. */
		EXPECT_TRUE(poll_now(self->q.tx) & POLLOUT);
		EXPECT_TRUE(poll_now(self->q.rx) & POLLOUT);
	}
}

TEST_F(pollq, epoll_wakes_on_arrival)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	pid_t pid;
	int efd;

	efd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, epoll_ctl(efd, EPOLL_CTL_ADD, self->q.rx, &ev));
	EXPECT_EQ(0, epoll_wait(efd, &out, 1, 0));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		kt_sleep_ms(100);
		kt_child_exit(sys_kipc_send(self->q.tx, self->q.dest, "w", 1, 0, 0, NULL));
	}
	ASSERT_EQ(1, epoll_wait(efd, &out, 1, KT_WAIT_MS));
	EXPECT_TRUE(out.events & EPOLLIN);
	EXPECT_EQ(0, kt_wait_exit(pid));
	close(efd);
}

TEST_F(pollq, edge_triggered_epoll)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out;
	char buf[8];
	int efd;

	efd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, epoll_ctl(efd, EPOLL_CTL_ADD, self->q.rx, &ev));
	ASSERT_EQ(0, sys_kipc_send(self->q.tx, self->q.dest, "1", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(1, epoll_wait(efd, &out, 1, KT_WAIT_MS));
	/* Reported once... */
	EXPECT_EQ(0, epoll_wait(efd, &out, 1, 0));
	/* ...and again for the next arrival. */
	ASSERT_EQ(0, sys_kipc_send(self->q.tx, self->q.dest, "2", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(1, epoll_wait(efd, &out, 1, KT_WAIT_MS));
	ASSERT_EQ(1, sys_kipc_recv(self->q.rx, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	close(efd);
}

TEST_F(pollq, blocked_poll_wakes_on_arrival)
{
	struct pollfd pfd = { .events = POLLIN };
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		kt_sleep_ms(100);
		kt_child_exit(sys_kipc_send(self->q.tx, self->q.dest, "p", 1, 0, 0, NULL));
	}
	pfd.fd = self->q.rx;
	ASSERT_EQ(1, poll(&pfd, 1, KT_WAIT_MS));
	EXPECT_TRUE(pfd.revents & POLLIN);
	EXPECT_EQ(0, kt_wait_exit(pid));
}

FIXTURE(mbpoll) {
	int ep, mfd;
	uint64_t id;
};

FIXTURE_SETUP(mbpoll)
{
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->mfd = kt_mbox(self->ep, NULL, 4, 0600, &self->id);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(mbpoll)
{
	close(self->mfd);
	close(self->ep);
}

TEST_F(mbpoll, hup_and_err_after_delete)
{
	int other;
	short ev;

	other = sys_kipc_mbox_open_id(self->ep, self->id);
	ASSERT_GE(other, 0);
	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	ev = poll_now(other);
	EXPECT_FALSE(ev & (POLLHUP | POLLERR));
	ASSERT_EQ(0, sys_kipc_mbox_delete(self->mfd, 0));
	ev = poll_now(other);
	EXPECT_TRUE(ev & POLLHUP);
	EXPECT_TRUE(ev & POLLERR);
	ev = poll_now(self->mfd);
	EXPECT_TRUE(ev & POLLHUP);
	EXPECT_TRUE(ev & POLLERR);
	close(other);
}

TEST_F(mbpoll, epoll_wakes_on_delete)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	pid_t pid;
	int efd;

	efd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, epoll_ctl(efd, EPOLL_CTL_ADD, self->mfd, &ev));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		kt_sleep_ms(100);
		kt_child_exit(sys_kipc_mbox_delete(self->ep, self->id));
	}
	ASSERT_EQ(1, epoll_wait(efd, &out, 1, KT_WAIT_MS));
	/* EPOLLHUP and EPOLLERR are reported even when not asked for. */
	EXPECT_TRUE(out.events & EPOLLHUP);
	EXPECT_TRUE(out.events & EPOLLERR);
	EXPECT_EQ(0, kt_wait_exit(pid));
	close(efd);
}

TEST_F(mbpoll, rendezvous_pollout_while_a_receiver_waits)
{
	pid_t pid;
	int rdv;

	rdv = kt_mbox(self->ep, NULL, 0, 0600, NULL);
	ASSERT_GE(rdv, 0);
	EXPECT_FALSE(poll_now(rdv) & POLLOUT);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8];

		kt_child_exit(sys_kipc_recv(rdv, buf, sizeof(buf), NULL, 0, NULL));
	}
	ASSERT_EQ(0, kt_wait_blocked(rdv, 0, 0, 1));
	EXPECT_TRUE(poll_now(rdv) & POLLOUT);
	ASSERT_EQ(0, sys_kipc_send(rdv, 0, "go", 2, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(2, kt_wait_exit(pid));
	EXPECT_FALSE(poll_now(rdv) & POLLOUT);
	close(rdv);
}

TEST_F(mbpoll, pollout_wakes_when_room_appears)
{
	struct pollfd pfd = { .events = POLLOUT };
	pid_t pid;
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "f", 1, 0, KIPC_NONBLOCK, NULL));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8];

		kt_sleep_ms(100);
		kt_child_exit(sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	}
	pfd.fd = self->mfd;
	ASSERT_EQ(1, poll(&pfd, 1, KT_WAIT_MS));
	EXPECT_TRUE(pfd.revents & POLLOUT);
	EXPECT_EQ(1, kt_wait_exit(pid));
}

TEST_HARNESS_MAIN
