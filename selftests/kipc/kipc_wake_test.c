// SPDX-License-Identifier: GPL-2.0
/*
 * Who is woken: a sender hands its message to a receiver waiting for any
 * message, and senders waiting for room are woken one per message taken.
 * Many receivers and many senders on one small mailbox, some of them
 * giving up on short timeouts and trying again: every message arrives
 * exactly once, in order per sender for each receiver, and nobody stays
 * stuck (a liveness watchdog, never a timing). A receiver killed just as
 * a message is handed to it loses nothing: the message either reached
 * its buffer or is still queued, never both and never neither.
 */
#include <signal.h>
#include <sched.h>
#include <stdatomic.h>

#include "kipc_util.h"
#include "seqmsg.h"

#include "../kselftest_harness.h"

#define SENDERS		4
#define RECEIVERS	4
#define PER_SENDER	400
#define MSG_LEN		48

/* What the processes share. */
struct board {
	atomic_uint seen[SENDERS][PER_SENDER];
	atomic_uint received;
	atomic_uint bad;
};

FIXTURE(wake) {
};

FIXTURE_SETUP(wake)
{
}

FIXTURE_TEARDOWN(wake)
{
}

static const struct timespec kt_bound = { .tv_sec = KT_WAIT_MS / 1000 };

/* Send PER_SENDER messages; @patient: wait without a limit. */
static int sender(int mb, uint32_t src, bool patient)
{
	struct timespec t = kt_ms(1);
	char buf[MSG_LEN];
	uint64_t seq;
	int ret;

	for (seq = 0; seq < PER_SENDER; seq++) {
		seqmsg_fill(buf, sizeof(buf), src, seq);
		do {
			ret = sys_kipc_send(mb, 0, buf, sizeof(buf), 0, 0,
					    patient ? &kt_bound : &t);
		} while (!patient && ret == -ETIMEDOUT);
		if (ret)
			return 1;
	}
	return 0;
}

/* Receive until a zero-length stop message; check order per sender. */
static int receiver(int mb, struct board *b, bool patient)
{
	struct timespec t = kt_ms(1);
	uint64_t next[SENDERS] = { 0 };
	char buf[MSG_LEN];
	struct seqmsg m;
	int n;

	for (;;) {
		n = sys_kipc_recv(mb, buf, sizeof(buf), NULL, 0,
				  patient ? &kt_bound : &t);
		if (n == -ETIMEDOUT && !patient)
			continue;
		if (n == 0)
			return 0;
		if (n != MSG_LEN)
			return 2;
		memcpy(&m, buf, sizeof(m));
		if (m.magic != SEQMSG_MAGIC || m.src >= SENDERS ||
		    m.seq >= PER_SENDER) {
			atomic_fetch_add(&b->bad, 1);
			return 3;
		}
		/* One queue, FIFO per sender: increasing for each of us. */
		if (m.seq < next[m.src])
			atomic_fetch_add(&b->bad, 1);
		next[m.src] = m.seq + 1;
		atomic_fetch_add(&b->seen[m.src][m.seq], 1);
		atomic_fetch_add(&b->received, 1);
	}
}

static void many_to_many(struct __test_metadata *_metadata,
			 unsigned int max_msgs)
{
	pid_t tx[SENDERS], rx[RECEIVERS];
	struct board *b;
	int ep, mb, i, j;
	uint64_t id;

	b = kt_shared(sizeof(*b));
	ASSERT_NE(NULL, b);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mb = kt_mbox(ep, NULL, max_msgs, 0600, &id);
	ASSERT_GE(mb, 0);
	for (i = 0; i < RECEIVERS; i++) {
		rx[i] = kt_fork();
		ASSERT_GE(rx[i], 0);
		if (rx[i] == 0)
			kt_child_exit(receiver(mb, b, i % 2));
	}
	for (i = 0; i < SENDERS; i++) {
		tx[i] = kt_fork();
		ASSERT_GE(tx[i], 0);
		if (tx[i] == 0)
			kt_child_exit(sender(mb, i, i % 2));
	}
	/* The watchdog: generous, only a hang trips it. */
	for (i = 0; i < SENDERS; i++)
		EXPECT_EQ(0, kt_wait_exit_ms(tx[i], 6 * KT_WAIT_MS))
			TH_LOG("sender %d", i);
	for (i = 0; i < RECEIVERS; i++)
		EXPECT_EQ(0, sys_kipc_send(mb, 0, NULL, 0, 0, 0, &kt_bound));
	for (i = 0; i < RECEIVERS; i++)
		EXPECT_EQ(0, kt_wait_exit_ms(rx[i], 6 * KT_WAIT_MS))
			TH_LOG("receiver %d", i);
	EXPECT_EQ(0, atomic_load(&b->bad));
	EXPECT_EQ(SENDERS * PER_SENDER, atomic_load(&b->received));
	for (i = 0; i < SENDERS; i++)
		for (j = 0; j < PER_SENDER; j++)
			if (atomic_load(&b->seen[i][j]) != 1) {
				EXPECT_EQ(1, atomic_load(&b->seen[i][j]))
					TH_LOG("message %d of sender %d", j, i);
				break;
			}
	close(mb);
	close(ep);
	munmap(b, sizeof(*b));
}

TEST_F_TIMEOUT(wake, many_senders_many_receivers_small_mailbox, 300)
{
	many_to_many(_metadata, 2);
}

TEST_F_TIMEOUT(wake, many_senders_many_receivers_one_slot, 300)
{
	many_to_many(_metadata, 1);
}

TEST_F_TIMEOUT(wake, many_senders_many_receivers_roomy_mailbox, 300)
{
	many_to_many(_metadata, 64);
}

#define KILL_ROUNDS	40

/*
 * A receiver blocks, a message comes and the receiver is killed at once:
 * the message is in the receiver's (shared) buffer or still queued.
 */
TEST_F_TIMEOUT(wake, killed_receiver_loses_nothing, 300)
{
	struct kipc_info info;
	int ep, mb, i, lost = 0, twice = 0, in_buf, queued;
	char *shared, got[MSG_LEN];
	uint64_t id;
	pid_t pid;

	shared = kt_shared(4096);
	ASSERT_NE(NULL, shared);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mb = kt_mbox(ep, NULL, 4, 0600, &id);
	ASSERT_GE(mb, 0);
	for (i = 0; i < KILL_ROUNDS; i++) {
		memset(shared, 0, MSG_LEN);
		pid = kt_fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			/* The payload lands straight in shared memory. */
			sys_kipc_recv(mb, shared, MSG_LEN, NULL, 0, &kt_bound);
			pause();
			kt_child_exit(0);
		}
		ASSERT_EQ(0, kt_wait_blocked(mb, 0, 0, 1));
		ASSERT_EQ(0, kt_wait_sleeping(pid));
		seqmsg_fill(got, sizeof(got), 0, i);
		ASSERT_EQ(0, sys_kipc_send(mb, 0, got, sizeof(got), 0, 0, NULL));
		/* Vary the moment: sometimes before it ran, sometimes after. */
		if (i % 3 == 1)
			sched_yield();
		if (i % 3 == 2)
			kt_sleep_ms(1);
		kill(pid, SIGKILL);
		EXPECT_EQ(128 + SIGKILL, kt_wait_exit(pid));
		in_buf = !memcmp(shared, got, MSG_LEN);
		ASSERT_EQ(0, sys_kipc_stat(mb, 0, &info));
		queued = info.depth;
		if (queued) {
			char back[MSG_LEN];

			ASSERT_EQ(MSG_LEN, sys_kipc_recv(mb, back, sizeof(back),
							 NULL, KIPC_NONBLOCK,
							 NULL));
			EXPECT_EQ(0, memcmp(back, got, MSG_LEN));
		}
		if (!in_buf && !queued)
			lost++;
		if (in_buf && queued)
			twice++;
		EXPECT_EQ(0, info.nr_receivers);
	}
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, twice);
	close(mb);
	close(ep);
	munmap(shared, 4096);
}

/*
 * Receivers with short timeouts come and go while a sender streams: what
 * one gives up on, another gets; all arrive, in order.
 */
TEST_F_TIMEOUT(wake, timing_out_receivers_pass_nothing_by, 300)
{
	struct board *b;
	pid_t tx, rx[3];
	int ep, mb, i, j;
	uint64_t id;

	b = kt_shared(sizeof(*b));
	ASSERT_NE(NULL, b);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mb = kt_mbox(ep, NULL, 1, 0600, &id);
	ASSERT_GE(mb, 0);
	for (i = 0; i < 3; i++) {
		rx[i] = kt_fork();
		ASSERT_GE(rx[i], 0);
		if (rx[i] == 0)
			kt_child_exit(receiver(mb, b, false));
	}
	tx = kt_fork();
	ASSERT_GE(tx, 0);
	if (tx == 0)
		kt_child_exit(sender(mb, 0, true));
	EXPECT_EQ(0, kt_wait_exit_ms(tx, 6 * KT_WAIT_MS));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, sys_kipc_send(mb, 0, NULL, 0, 0, 0, &kt_bound));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, kt_wait_exit_ms(rx[i], 6 * KT_WAIT_MS));
	EXPECT_EQ(0, atomic_load(&b->bad));
	EXPECT_EQ(PER_SENDER, atomic_load(&b->received));
	for (j = 0; j < PER_SENDER; j++)
		if (atomic_load(&b->seen[0][j]) != 1) {
			EXPECT_EQ(1, atomic_load(&b->seen[0][j]))
				TH_LOG("message %d", j);
			break;
		}
	close(mb);
	close(ep);
	munmap(b, sizeof(*b));
}

/*
 * A message handed to a waiting receiver that cannot take it (its buffer
 * is too small, or faults) goes back to its place: still queued, first in
 * line, with its number, found by that number, and taken once.
 */
static void handed_back(struct __test_metadata *_metadata, uint32_t prio,
			bool fault)
{
	char big[8] = "handed", buf[8];
	struct kipc_recv r;
	uint64_t id;
	void *hole;
	int ep, mb, n;
	pid_t pid;

	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mb = kt_mbox(ep, NULL, 8, 0600, &id);
	ASSERT_GE(mb, 0);
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (fault)
			n = sys_kipc_recv(mb, hole, sizeof(buf), NULL, 0, &kt_bound);
		else
			n = sys_kipc_recv(mb, buf, 1, NULL, 0, &kt_bound);
		kt_child_exit(-n);
	}
	ASSERT_EQ(0, kt_wait_blocked(mb, 0, 0, 1));
	ASSERT_EQ(0, sys_kipc_send(mb, 0, big, sizeof(big), prio, 0, NULL));
	EXPECT_EQ(fault ? EFAULT : EMSGSIZE, kt_wait_exit(pid));
	/* Number 1 is still there, then 2 behind it in the same priority. */
	ASSERT_EQ(0, sys_kipc_send(mb, 0, "later", 6, prio, 0, NULL));
	kt_recv_args(&r, 0, buf, sizeof(buf), KIPC_NONBLOCK | KIPC_RECV_PEEK, NULL);
	ASSERT_EQ(8, sys_kipc_recv_args(mb, &r, NULL));
	EXPECT_EQ(1, r.seq);
	EXPECT_EQ(0, memcmp(buf, big, sizeof(big)));
	kt_recv_args(&r, 0, buf, sizeof(buf), KIPC_NONBLOCK | KIPC_RECV_SEQ, NULL);
	r.seq = 2;
	ASSERT_EQ(6, sys_kipc_recv_args(mb, &r, NULL));
	kt_recv_args(&r, 0, buf, sizeof(buf), KIPC_NONBLOCK | KIPC_RECV_SEQ, NULL);
	r.seq = 1;
	ASSERT_EQ(8, sys_kipc_recv_args(mb, &r, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_recv(mb, buf, sizeof(buf), NULL,
					 KIPC_NONBLOCK, NULL));
	close(mb);
	close(ep);
	munmap(hole, 4096);
}

TEST(handed_message_too_large_goes_back)
{
	handed_back(_metadata, 0, false);
}

TEST(handed_message_faulting_goes_back)
{
	handed_back(_metadata, 0, true);
}

TEST(handed_high_priority_message_goes_back)
{
	handed_back(_metadata, KIPC_PRIO_MAX, true);
}

TEST_HARNESS_MAIN
