// SPDX-License-Identifier: GPL-2.0
/*
 * Rendezvous hand-off (max_msgs == 0): a receiver whose buffer faults
 * takes nothing, whether it found the sender's message parked or was
 * already waiting when the sender came. The message stays parked as it
 * was (depth 1, its sender blocked and counted), stays a synchronous
 * message, and the next good receiver takes it, which is when the sender
 * returns. And a mailbox's EPOLLOUT counts only receivers that can take a
 * message, not KIPC_RECV_PEEK waiters.
 */
#include <poll.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

/* A blocking call that must end in a passing test bounds itself anyway. */
static const struct timespec kt_bound = { .tv_sec = KT_WAIT_MS / 1000 };

FIXTURE(rdv) {
	struct kt_qpair q;
	void *bad;		/* a page no receive can write */
	pid_t sender, receiver;
};

FIXTURE_VARIANT(rdv) {
	bool mailbox;
};

FIXTURE_VARIANT_ADD(rdv, direct) {
	.mailbox = false,
};

FIXTURE_VARIANT_ADD(rdv, mailbox) {
	.mailbox = true,
};

FIXTURE_SETUP(rdv)
{
	self->sender = self->receiver = -1;
	self->bad = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bad);
	ASSERT_EQ(0, kt_qpair_open(&self->q, variant->mailbox, 0, 0600));
}

FIXTURE_TEARDOWN(rdv)
{
	if (self->sender > 0) {
		kill(self->sender, SIGKILL);
		kt_wait_exit(self->sender);
	}
	if (self->receiver > 0) {
		kill(self->receiver, SIGKILL);
		kt_wait_exit(self->receiver);
	}
	kt_qpair_close(&self->q);
	munmap(self->bad, sysconf(_SC_PAGESIZE));
}

static pid_t start_sender(FIXTURE_DATA(rdv) *self)
{
	pid_t pid = fork();

	if (pid == 0)
		kt_child_exit(sys_kipc_send(self->q.tx, self->q.dest, "meet", 4, 0, 0, &kt_bound));
	return pid;
}

/*
 * The parked message is intact: depth 1, its sender blocked and counted
 * (still running); then a good receiver takes it as a synchronous
 * message and the sender returns 0.
 */
static void check_parked_then_taken(struct __test_metadata *_metadata,
				    FIXTURE_DATA(rdv) *self)
{
	struct kipc_msg_hdr hdr;
	struct kipc_info info;
	char buf[8];
	int status;

	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(1, info.nr_senders)
		TH_LOG("the sender is no longer waiting for its rendezvous message");
	status = kt_wait_exit_ms(self->sender, 0);
	EXPECT_EQ(-ETIMEDOUT, status)
		TH_LOG("the sender returned (%d) though nobody has its message", status);
	if (status != -ETIMEDOUT)
		self->sender = -1;

	ASSERT_EQ(4, sys_kipc_recv(self->q.rx, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "meet", 4));
	EXPECT_TRUE(hdr.flags & KIPC_MSG_SYNC)
		TH_LOG("the rendezvous message came back as a buffered one");
	if (self->sender > 0) {
		EXPECT_EQ(0, kt_wait_exit_ms(self->sender, KT_WAIT_MS));
		self->sender = -1;
	}
	ASSERT_EQ(0, sys_kipc_stat(self->q.rx, 0, &info));
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.nr_senders);
}

/* The sender waits first; a receive into a bad buffer finds its message. */
TEST_F(rdv, faulting_receive_of_a_parked_message_takes_nothing)
{
	char *bad = self->bad;

	self->sender = start_sender(self);
	ASSERT_GE(self->sender, 0);
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 1, 0));
	EXPECT_EQ(-EFAULT, sys_kipc_recv(self->q.rx, bad, 8, NULL, KIPC_NONBLOCK, NULL));
	check_parked_then_taken(_metadata, self);
}

/*
 * The receiver waits first, with a bad buffer; the sender comes. The
 * hand-off must not complete the send before the copy succeeded: the
 * receiver fails with -EFAULT and the message is parked as if it had
 * never been handed.
 */
TEST_F(rdv, faulting_waiting_receiver_leaves_the_message_parked)
{
	int status;

	self->receiver = fork();
	ASSERT_GE(self->receiver, 0);
	if (self->receiver == 0)
		kt_child_exit(sys_kipc_recv(self->q.rx, self->bad, 8, NULL, 0, &kt_bound));
	ASSERT_EQ(0, kt_wait_blocked(self->q.rx, 0, 0, 1));
	self->sender = start_sender(self);
	ASSERT_GE(self->sender, 0);
	status = kt_wait_exit_ms(self->receiver, KT_WAIT_MS);
	self->receiver = -1;
	ASSERT_EQ(EFAULT, status);
	check_parked_then_taken(_metadata, self);
}

/*
 * EPOLLOUT on a rendezvous mailbox says a send would be taken at once. A
 * receiver blocked with KIPC_RECV_PEEK would take nothing: no EPOLLOUT
 * for it (and a KIPC_NONBLOCK send still fails), one for a real receiver.
 */
TEST(rendezvous_epollout_does_not_count_peek_waiters)
{
	struct pollfd pfd;
	pid_t peeker, receiver;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, NULL, 0, 0600, NULL);
	ASSERT_GE(mfd, 0);
	pfd.fd = mfd;
	pfd.events = POLLOUT;
	ASSERT_EQ(0, poll(&pfd, 1, 0));

	peeker = fork();
	ASSERT_GE(peeker, 0);
	if (peeker == 0) {
		char buf[8];

		kt_child_exit(sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_RECV_PEEK, &kt_bound));
	}
	ASSERT_EQ(0, kt_wait_sleeping(peeker));
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 0))
		TH_LOG("EPOLLOUT with only a KIPC_RECV_PEEK waiter (revents %#x)", pfd.revents);
	EXPECT_EQ(-EAGAIN, sys_kipc_send(mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));

	receiver = fork();
	ASSERT_GE(receiver, 0);
	if (receiver == 0) {
		char buf[8];
		int n = sys_kipc_recv(mfd, buf, sizeof(buf), NULL, 0, &kt_bound);

		kt_child_exit(n == 1 && buf[0] == 'y' ? 0 : n < 0 ? n : 100);
	}
	ASSERT_EQ(0, kt_wait_sleeping(receiver));
	pfd.revents = 0;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLOUT);
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, "y", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, kt_wait_exit_ms(receiver, KT_WAIT_MS));
	kill(peeker, SIGKILL);
	kt_wait_exit(peeker);
	close(mfd);
	close(ep);
}

TEST_HARNESS_MAIN
