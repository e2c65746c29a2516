// SPDX-License-Identifier: GPL-2.0
/*
 * Many processes over one queue: N sender processes each send a fixed
 * number of sequence-numbered, checksummed messages at several priorities
 * to one mailbox (or endpoint), M receiver processes take them. Checked:
 * no message lost, none duplicated, none corrupted, header matches
 * payload, and per sender and priority each receiver sees increasing
 * sequence numbers (the queue is FIFO per sender within a priority, and a
 * receiver sees a subsequence of the queue's order). Bounded in size so it
 * takes seconds under QEMU TCG.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

#define MAX_SENDERS	4
#define MAX_RECEIVERS	3
#define PER_SENDER	300
#define PAYLOAD_MAX	200

static const unsigned int prios[] = { 0, 7, KIPC_PRIO_MAX };
#define NR_PRIOS	KT_ARRAY_SIZE(prios)

struct smsg {
	uint32_t sender;
	uint32_t seq;
	uint32_t prio;
	uint32_t len;		/* bytes of data[] */
	uint32_t sum;		/* FNV-1a of the above and data[] */
	uint8_t data[PAYLOAD_MAX];
};

struct shared {
	pid_t sender_pid[MAX_SENDERS];
	uint32_t seen[MAX_SENDERS][PER_SENDER];	/* times each message was received */
	uint32_t received;			/* total, all receivers */
	uint32_t bad;				/* corrupt or out of order */
	uint32_t senders_done;
};

static uint32_t fnv1a(const void *p, size_t len, uint32_t h)
{
	const uint8_t *b = p;

	while (len--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t msg_sum(const struct smsg *m)
{
	uint32_t h = fnv1a(m, offsetof(struct smsg, sum), 2166136261u);

	return fnv1a(m->data, m->len, h);
}

static size_t msg_size(const struct smsg *m)
{
	return offsetof(struct smsg, data) + m->len;
}

static void make_msg(struct smsg *m, uint32_t sender, uint32_t seq)
{
	uint32_t i, x = sender * 2654435761u ^ seq * 40503u;

	m->sender = sender;
	m->seq = seq;
	m->prio = prios[(seq * 7 + sender) % NR_PRIOS];
	m->len = (x >> 3) % PAYLOAD_MAX;
	for (i = 0; i < m->len; i++) {
		x = x * 1103515245u + 12345u;
		m->data[i] = x >> 16;
	}
	m->sum = msg_sum(m);
}

FIXTURE(stress) {
	int ep;		/* owns the queue */
	uint64_t id;	/* mailbox id, or the receiving endpoint's id */
	struct shared *sh;
};

FIXTURE_VARIANT(stress) {
	bool mailbox;
	unsigned int max_msgs;
	unsigned int senders;
	unsigned int receivers;
};

FIXTURE_VARIANT_ADD(stress, mailbox_3x2) {
	.mailbox = true, .max_msgs = 16, .senders = 3, .receivers = 2,
};

FIXTURE_VARIANT_ADD(stress, mailbox_4x3_small_queue) {
	.mailbox = true, .max_msgs = 2, .senders = 4, .receivers = 3,
};

FIXTURE_VARIANT_ADD(stress, rendezvous_mailbox_2x2) {
	.mailbox = true, .max_msgs = 0, .senders = 2, .receivers = 2,
};

FIXTURE_VARIANT_ADD(stress, endpoint_4x1) {
	.mailbox = false, .max_msgs = 8, .senders = 4, .receivers = 1,
};

FIXTURE_SETUP(stress)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = variant->max_msgs, .mode = 0600,
	};
	int mfd;

	self->sh = kt_shared(sizeof(*self->sh));
	ASSERT_NE(NULL, self->sh);
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	if (variant->mailbox) {
		mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, &self->id);
		ASSERT_GE(mfd, 0);
		close(mfd);	/* the mailbox lives on with self->ep */
	} else {
		ASSERT_EQ(0, sys_kipc_ep_set_limits(self->ep, variant->max_msgs, 0, 0));
		self->id = kt_ep_id(self->ep);
	}
}

FIXTURE_TEARDOWN(stress)
{
	close(self->ep);
}

static void sender(FIXTURE_DATA(stress) *self, const FIXTURE_VARIANT(stress) *variant,
		   uint32_t idx)
{
	struct timespec ts = kt_ms(KT_WAIT_MS);
	struct smsg m;
	uint32_t seq;
	int ep;

	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	for (seq = 0; seq < PER_SENDER; seq++) {
		make_msg(&m, idx, seq);
		KT_CHILD_CHECK(sys_kipc_send(ep, self->id, &m, msg_size(&m), m.prio,
					 variant->mailbox ? KIPC_SEND_MAILBOX : 0, &ts) == 0);
	}
	__atomic_add_fetch(&self->sh->senders_done, 1, __ATOMIC_SEQ_CST);
	_exit(0);
}

static void receiver(FIXTURE_DATA(stress) *self, const FIXTURE_VARIANT(stress) *variant)
{
	uint32_t total = variant->senders * PER_SENDER;
	int64_t last[MAX_SENDERS][NR_PRIOS];
	struct timespec ts = kt_ms(100);
	int64_t end = kt_now_ns() + 100 * 1000000000LL;
	struct kipc_msg_hdr hdr;
	unsigned int p;
	struct smsg m;
	int fd, ret;

	memset(last, 0xff, sizeof(last));	/* -1: nothing yet */
	if (variant->mailbox) {
		int ep = sys_kipc_open(0);

		KT_CHILD_CHECK(ep >= 0);
		fd = sys_kipc_mbox_open_id(ep, self->id);
		KT_CHILD_CHECK(fd >= 0);
	} else {
		fd = self->ep;	/* the inherited endpoint itself */
	}
	for (;;) {
		ret = sys_kipc_recv(fd, &m, sizeof(m), &hdr, 0, &ts);
		if (ret == -ETIMEDOUT) {
			if (__atomic_load_n(&self->sh->received, __ATOMIC_SEQ_CST) >= total)
				_exit(0);
			KT_CHILD_CHECK(kt_now_ns() < end);
			continue;
		}
		KT_CHILD_CHECK(ret >= (int)offsetof(struct smsg, data));
		if ((size_t)ret != msg_size(&m) || m.sender >= variant->senders ||
		    m.seq >= PER_SENDER || msg_sum(&m) != m.sum ||
		    hdr.priority != m.prio || hdr.len != (uint32_t)ret ||
		    hdr.sender_pid != self->sh->sender_pid[m.sender]) {
			fprintf(stderr, "# corrupt message: len %d sender %u seq %u\n",
				ret, m.sender, m.seq);
			__atomic_add_fetch(&self->sh->bad, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		for (p = 0; p < NR_PRIOS && prios[p] != m.prio; p++)
			;
		if (p == NR_PRIOS || (int64_t)m.seq <= last[m.sender][p]) {
			fprintf(stderr, "# out of order: sender %u prio %u seq %u after %lld\n",
				m.sender, m.prio, m.seq,
				p < NR_PRIOS ? (long long)last[m.sender][p] : -1LL);
			__atomic_add_fetch(&self->sh->bad, 1, __ATOMIC_SEQ_CST);
		} else {
			last[m.sender][p] = m.seq;
		}
		__atomic_add_fetch(&self->sh->seen[m.sender][m.seq], 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&self->sh->received, 1, __ATOMIC_SEQ_CST);
	}
}

TEST_F_TIMEOUT(stress, no_loss_no_duplicates_fifo_per_sender_and_priority, 240)
{
	pid_t rx[MAX_RECEIVERS], tx[MAX_SENDERS];
	unsigned int i, s, seq, lost = 0, dup = 0;
	int64_t t0 = kt_now_ns();

	for (i = 0; i < variant->receivers; i++) {
		rx[i] = fork();
		ASSERT_GE(rx[i], 0);
		if (rx[i] == 0)
			receiver(self, variant);
	}
	/* Senders' pids are known to receivers before their first message. */
	for (s = 0; s < variant->senders; s++) {
		int go[2];
		char c;

		ASSERT_EQ(0, pipe(go));
		tx[s] = fork();
		ASSERT_GE(tx[s], 0);
		if (tx[s] == 0) {
			close(go[1]);
			KT_CHILD_CHECK(read(go[0], &c, 1) == 1);
			sender(self, variant, s);
		}
		self->sh->sender_pid[s] = tx[s];
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ASSERT_EQ(1, write(go[1], "g", 1));
		close(go[0]);
		close(go[1]);
	}
	for (s = 0; s < variant->senders; s++)
		EXPECT_EQ(0, kt_wait_exit(tx[s])) TH_LOG("sender %u", s);
	for (i = 0; i < variant->receivers; i++)
		EXPECT_EQ(0, kt_wait_exit(rx[i])) TH_LOG("receiver %u", i);

	for (s = 0; s < variant->senders; s++)
		for (seq = 0; seq < PER_SENDER; seq++) {
			if (self->sh->seen[s][seq] == 0)
				lost++;
			else if (self->sh->seen[s][seq] > 1)
				dup++;
		}
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, dup);
	EXPECT_EQ(0, self->sh->bad);
	EXPECT_EQ(variant->senders * PER_SENDER, self->sh->received);
	EXPECT_EQ(variant->senders, self->sh->senders_done);
	TH_LOG("%u messages, %u senders, %u receivers in %lld ms",
	       self->sh->received, variant->senders, variant->receivers,
	       (long long)((kt_now_ns() - t0) / 1000000));
	/* Nothing is left behind. */
	{
		struct kipc_info info;

		ASSERT_EQ(0, sys_kipc_stat(self->ep, variant->mailbox ? self->id : 0, &info));
		EXPECT_EQ(0, info.depth);
		EXPECT_EQ(0, info.bytes);
	}
}

TEST_HARNESS_MAIN
