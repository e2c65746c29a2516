// SPDX-License-Identifier: GPL-2.0
/*
 * Access checks that must hold at every step, not just at the first:
 *
 * - Permission is checked again after every sleep: a receiver that
 *   blocked on a 0666 mailbox gets -EACCES for a message that arrives
 *   once the owner has made it 0600, and the message stays queued.
 * - As SysV IPC: CAP_IPC_OWNER lets a user past the mode bits (send,
 *   receive) but not delete or change someone else's mailbox or ring;
 *   that takes CAP_SYS_ADMIN (IPC_RMID / IPC_SET).
 */
#include <sys/prctl.h>
#include <linux/capability.h>

#include "kipc_util.h"

#include "kipc_ring_proto.h"

#include "../kselftest_harness.h"

/* What the unprivileged child did, in memory shared with the test. */
struct result {
	int ret[8];
	uint32_t received;
};

FIXTURE(access) {
	int ep, mfd;
	uint64_t mb;
	struct result *res;
};

FIXTURE_SETUP(access)
{
	struct kt_mbox_attr attr = { .flags = KIPC_MBOX_OWNED, .max_msgs = 8,
				       .mode = 0666 };

	self->ep = self->mfd = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root to act as a second user");
	self->res = kt_shared(sizeof(*self->res));
	ASSERT_NE(NULL, self->res);
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, &self->mb);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(access)
{
	if (self->mfd >= 0)
		close(self->mfd);
	if (self->ep >= 0)
		close(self->ep);
}

/* As nobody: open the mailbox; RECV one message, or XFER up to four. */
static pid_t nobody_waits(FIXTURE_DATA(access) *self, bool xfer)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec bound = { .tv_sec = KT_WAIT_MS / 1000 };
		struct kipc_mmsg e[4];
		char buf[4][16];
		int ep, fd, i;

		kt_child_become_nobody();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		fd = sys_kipc_mbox_open_id(ep, self->mb);
		KT_CHILD_CHECK(fd >= 0);
		if (!xfer) {
			self->res->ret[0] = sys_kipc_recv(fd, buf[0], sizeof(buf[0]), NULL, 0,
						      &bound);
			_exit(0);
		}
		memset(e, 0, sizeof(e));
		for (i = 0; i < 4; i++) {
			e[i].buf = (uintptr_t)buf[i];
			e[i].buf_len = sizeof(buf[i]);
		}
		self->res->ret[0] = sys_kipc_recv_batch(fd, e, 4, 0, &bound);
		_exit(0);
	}
	return pid;
}

static void recheck(struct __test_metadata *_metadata,
		    FIXTURE_DATA(access) *self, bool xfer)
{
	int sent = xfer ? 2 : 1, i, n;
	struct kipc_info info;
	char buf[16];
	pid_t pid;

	pid = nobody_waits(self, xfer);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, kt_wait_blocked(self->mfd, 0, 0, 1));
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0600));
	for (i = 0; i < sent; i++) {
		ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "secret", 6, 0, KIPC_NONBLOCK, NULL));
	}
	ASSERT_EQ(0, kt_wait_exit_ms(pid, KT_WAIT_MS));
	n = self->res->ret[0];
	EXPECT_EQ(-EACCES, n)
		TH_LOG("%s by nobody after the mailbox became 0600: %s",
		       xfer ? "XFER" : "RECV",
		       n >= 0 ? (xfer ? "received messages" : "received the message") :
		       strerror(-n));
	/* Everything sent is still there, for the owner. */
	ASSERT_EQ(0, sys_kipc_stat(self->mfd, 0, &info));
	EXPECT_EQ(sent, info.depth);
	for (i = 0; i < sent; i++) {
		EXPECT_EQ(6, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	}
}

TEST_F(access, recv_rechecks_permission_after_sleeping)
{
	recheck(_metadata, self, false);
}

TEST_F(access, xfer_rechecks_permission_after_sleeping)
{
	recheck(_metadata, self, true);
}

/*
 * In a forked child: become nobody keeping only capability @cap (in the
 * effective and permitted sets).
 */
static void become_nobody_with(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	KT_CHILD_CHECK(prctl(PR_SET_KEEPCAPS, 1) == 0);
	KT_CHILD_CHECK(setgroups(0, NULL) == 0);
	KT_CHILD_CHECK(setresgid(KT_NOBODY, KT_NOBODY, KT_NOBODY) == 0);
	KT_CHILD_CHECK(setresuid(KT_NOBODY, KT_NOBODY, KT_NOBODY) == 0);
	data[cap / 32].effective = data[cap / 32].permitted = 1U << (cap % 32);
	KT_CHILD_CHECK(syscall(SYS_capset, &hdr, data) == 0);
}

enum { R_OPEN, R_SEND, R_RECV, R_SET, R_DELETE, R_RING_DELETE };

/*
 * As nobody with only @cap: open root's 0600 mailbox, send, receive,
 * change its mode, delete it, delete root's 0600 ring. Each result in
 * res->ret[R_*].
 */
static pid_t nobody_with_cap(FIXTURE_DATA(access) *self, int cap, uint64_t ring)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct result *r = self->res;
		char buf[16];
		int ep, fd;

		become_nobody_with(cap);
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		fd = sys_kipc_mbox_open_id(ep, self->mb);
		r->ret[R_OPEN] = fd < 0 ? fd : 0;
		if (fd >= 0) {
			r->ret[R_SEND] = sys_kipc_send(fd, 0, "cap", 3, 0, KIPC_NONBLOCK, NULL);
			r->ret[R_RECV] = sys_kipc_recv(fd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL);
		}
		r->ret[R_SET] = sys_kipc_mbox_set_mode(ep, self->mb, 0666);
		r->ret[R_DELETE] = sys_kipc_mbox_delete(ep, self->mb);
		r->ret[R_RING_DELETE] = sys_kipc_ring_delete(ep, NULL, ring);
		_exit(0);
	}
	return pid;
}

/*
 * CAP_IPC_OWNER alone: past the mode bits of root's 0600 mailbox (open,
 * send, receive), but no chmod and no delete of it, nor of root's ring.
 */
TEST_F(access, cap_ipc_owner_reads_and_writes_but_does_not_delete_or_set)
{
	struct result *r = self->res;
	struct kipc_info info;
	uint64_t ring;
	char buf[16];
	pid_t pid;

	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0600));
	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "root", 4, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_ring_create(self->ep, NULL, 4, KIPC_RING_SLOT_SIZE_MIN,
				      KIPC_RING_SPSC, 0600, &ring));
	pid = nobody_with_cap(self, CAP_IPC_OWNER, ring);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(0, r->ret[R_OPEN]);
	EXPECT_EQ(0, r->ret[R_SEND]);
	EXPECT_EQ(4, r->ret[R_RECV]);
	EXPECT_EQ(-EACCES, r->ret[R_SET])
		TH_LOG("CAP_IPC_OWNER alone changed the mode of root's mailbox");
	EXPECT_EQ(-EACCES, r->ret[R_DELETE])
		TH_LOG("CAP_IPC_OWNER alone deleted root's mailbox");
	EXPECT_EQ(-EACCES, r->ret[R_RING_DELETE])
		TH_LOG("CAP_IPC_OWNER alone deleted root's ring");

	/* The mailbox is as it was, but for the message exchanged. */
	if (r->ret[R_DELETE]) {
		ASSERT_EQ(0, sys_kipc_stat(self->mfd, 0, &info));
		EXPECT_EQ(r->ret[R_SET] ? 0600 : 0666, info.mode);
		EXPECT_EQ(3, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	}
	if (r->ret[R_RING_DELETE]) {
		EXPECT_EQ(0, sys_kipc_ring_delete(self->ep, NULL, ring));
	}
}

/*
 * CAP_SYS_ADMIN alone: not past the mode bits (no open of a 0600
 * mailbox), but it may change and delete someone else's mailbox and ring.
 */
TEST_F(access, cap_sys_admin_deletes_and_sets)
{
	struct result *r = self->res;
	uint64_t ring;
	pid_t pid;

	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0600));
	ASSERT_EQ(0, sys_kipc_ring_create(self->ep, NULL, 4, KIPC_RING_SLOT_SIZE_MIN,
				      KIPC_RING_SPSC, 0600, &ring));
	pid = nobody_with_cap(self, CAP_SYS_ADMIN, ring);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(-EACCES, r->ret[R_OPEN]);
	EXPECT_EQ(0, r->ret[R_SET]) TH_LOG("CAP_SYS_ADMIN: MBOX_SET %s", strerror(-r->ret[R_SET]));
	EXPECT_EQ(0, r->ret[R_DELETE])
		TH_LOG("CAP_SYS_ADMIN: MBOX_DELETE %s", strerror(-r->ret[R_DELETE]));
	EXPECT_EQ(0, r->ret[R_RING_DELETE])
		TH_LOG("CAP_SYS_ADMIN: RING_DELETE %s", strerror(-r->ret[R_RING_DELETE]));
	if (r->ret[R_RING_DELETE]) {
		EXPECT_EQ(0, sys_kipc_ring_delete(self->ep, NULL, ring));
	}
}

TEST_HARNESS_MAIN
