// SPDX-License-Identifier: GPL-2.0
/*
 * What msgctl(IPC_STAT) and msgctl(IPC_SET) need from a mailbox: the
 * creator's ids beside the owner's, the last sender and receiver and
 * when they came, the change time (struct kipc_info), and a capacity
 * that KIPC_IOC_MBOX_SET can change, with IPC_SET's permission rules.
 */
#include <linux/capability.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

/*
 * The seconds the kernel stamps (ktime_get_real_seconds()) are the last
 * tick's: CLOCK_REALTIME_COARSE's. CLOCK_REALTIME may already be in the
 * next second.
 */
static int64_t real_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return ts.tv_sec;
}

static int mbox_set_limits(int fd, uint64_t id, uint32_t max_msgs,
			   uint32_t max_bytes)
{
	struct kipc_mbox_set set = {
		.size = sizeof(set),
		.flags = KIPC_MBOX_SET_LIMITS,
		.id = id,
		.max_bytes = max_bytes,
		.max_msgs = max_msgs,
	};

	return sys_kipc_ioctl(fd, KIPC_IOC_MBOX_SET, &set);
}

/* Drop one capability from the effective set of the calling thread. */
static int drop_effective_cap(int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

TEST(new_mailbox_has_no_sender_and_its_creation_time)
{
	struct kipc_info info;
	int64_t before, after;
	uint64_t id;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	before = real_seconds();
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	after = real_seconds();
	ASSERT_GE(mfd, 0);
	memset(&info, KT_POISON, sizeof(info));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(geteuid(), info.cuid);
	EXPECT_EQ(getegid(), info.cgid);
	EXPECT_EQ(0, info.send_pid);
	EXPECT_EQ(0, info.recv_pid);
	EXPECT_EQ(0, info.send_time);
	EXPECT_EQ(0, info.recv_time);
	EXPECT_GE(info.change_time, before);
	EXPECT_LE(info.change_time, after);
	close(mfd);
	close(ep);
}

TEST(last_sender_and_receiver_are_recorded)
{
	struct kipc_info info;
	int64_t before, after;
	char buf[16];
	pid_t child;
	uint64_t id;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	ASSERT_GE(mfd, 0);

	before = real_seconds();
	child = kt_fork();
	ASSERT_GE(child, 0);
	if (child == 0)
		kt_child_exit(sys_kipc_send(mfd, 0, "hello", 5, 0,
					    KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, kt_wait_exit(child));
	after = real_seconds();
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(child, info.send_pid);
	EXPECT_GE(info.send_time, before);
	EXPECT_LE(info.send_time, after);
	EXPECT_EQ(0, info.recv_pid);
	EXPECT_EQ(0, info.recv_time);

	/* A peek and a receive that fails take nothing: nothing recorded. */
	ASSERT_EQ(5, sys_kipc_recv(mfd, buf, sizeof(buf), NULL,
				   KIPC_NONBLOCK | KIPC_RECV_PEEK, NULL));
	ASSERT_EQ(-EMSGSIZE, sys_kipc_recv(mfd, buf, 2, NULL, KIPC_NONBLOCK,
					   NULL));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(0, info.recv_pid);
	EXPECT_EQ(0, info.recv_time);

	before = real_seconds();
	ASSERT_EQ(5, sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK,
				   NULL));
	after = real_seconds();
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(getpid(), info.recv_pid);
	EXPECT_GE(info.recv_time, before);
	EXPECT_LE(info.recv_time, after);
	EXPECT_EQ(child, info.send_pid);
	close(mfd);
	close(ep);
}

TEST(creator_stays_when_the_owner_changes)
{
	struct kipc_info info;
	uint64_t id;
	int ep, mfd;

	if (geteuid() != 0)
		SKIP(return, "giving a mailbox away needs root");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_mbox_set_owner(mfd, 0, KT_NOBODY, KT_NOBODY));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(KT_NOBODY, info.uid);
	EXPECT_EQ(KT_NOBODY, info.gid);
	EXPECT_EQ(0, info.cuid);
	EXPECT_EQ(0, info.cgid);
	close(mfd);
	close(ep);
}

TEST(mbox_set_moves_the_change_time)
{
	struct kipc_info info;
	int64_t before;
	uint64_t id;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 4, 0600, &id);
	ASSERT_GE(mfd, 0);
	/* Wait for the next second, so that an unchanged time shows. */
	before = real_seconds();
	while (real_seconds() == before)
		kt_sleep_ms(50);
	before = real_seconds();
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(mfd, 0, 0640));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_GE(info.change_time, before);
	close(mfd);
	close(ep);
}

TEST(mbox_set_changes_the_capacity)
{
	struct kipc_info info;
	uint64_t id;
	int ep, mfd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 8, 0600, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, mbox_set_limits(mfd, 0, 2, 100));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(2, info.max_msgs);
	EXPECT_EQ(100, info.max_bytes);
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, "a", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, sys_kipc_send(mfd, 0, "b", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, sys_kipc_send(mfd, 0, "c", 1, 0, KIPC_NONBLOCK,
					 NULL));
	/* Lowered below what is queued: what is there stays. */
	ASSERT_EQ(0, mbox_set_limits(ep, id, 1, 1));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(2, info.depth);
	EXPECT_EQ(1, info.max_msgs);
	EXPECT_EQ(1, info.max_bytes);
	close(mfd);
	close(ep);
}

TEST(mbox_set_limits_bad_values)
{
	struct kipc_mbox_set set;
	uint64_t id;
	int ep, mfd, rv;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 8, 0600, &id);
	ASSERT_GE(mfd, 0);
	EXPECT_EQ(-EINVAL, mbox_set_limits(mfd, 0, 0, 100));
	EXPECT_EQ(-EINVAL, mbox_set_limits(mfd, 0, 2, 0));
	EXPECT_EQ(-EINVAL, mbox_set_limits(mfd, 0, KIPC_QUEUE_MSGS_MAX + 1,
					   100));
	/* A struct without max_msgs cannot ask for new limits. */
	memset(&set, 0, sizeof(set));
	set.size = KIPC_MBOX_SET_SIZE_VER0;
	set.flags = KIPC_MBOX_SET_LIMITS;
	set.max_bytes = 100;
	EXPECT_EQ(-EINVAL, sys_kipc_ioctl(mfd, KIPC_IOC_MBOX_SET, &set));
	/* A rendezvous mailbox stays one. */
	rv = kt_mbox(ep, "", 0, 0600, NULL);
	ASSERT_GE(rv, 0);
	EXPECT_EQ(-EINVAL, mbox_set_limits(rv, 0, 4, 100));
	close(rv);
	close(mfd);
	close(ep);
}

TEST(mbox_set_limits_permissions)
{
	unsigned long bytes_max;
	pid_t child;
	uint64_t id;
	int ep, mfd;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop a capability and switch users");
	if (kt_param_get("queue_bytes_max", &bytes_max))
		SKIP(return, "no queue_bytes_max parameter");
	if (bytes_max >= UINT32_MAX)
		SKIP(return, "queue_bytes_max leaves no room above it");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, "", 8, 0666, &id);
	ASSERT_GE(mfd, 0);

	/* Above the system's bound: CAP_SYS_RESOURCE, as IPC_SET. */
	child = kt_fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		KT_CHILD_CHECK(drop_effective_cap(CAP_SYS_RESOURCE) == 0);
		KT_CHILD_CHECK(mbox_set_limits(mfd, 0, 8, bytes_max + 1) ==
			       -EPERM);
		/* Lowering and raising up to the bound are the owner's. */
		KT_CHILD_CHECK(mbox_set_limits(mfd, 0, 8, 10) == 0);
		kt_child_exit(mbox_set_limits(mfd, 0, 8, bytes_max));
	}
	ASSERT_EQ(0, kt_wait_exit(child));
	EXPECT_EQ(0, mbox_set_limits(mfd, 0, 8, bytes_max + 1));

	/* Not the owner: refused whatever the mode lets it do. */
	child = kt_fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		kt_child_become_nobody();
		kt_child_exit(mbox_set_limits(mfd, 0, 8, 10) == -EACCES ?
			      0 : 1);
	}
	ASSERT_EQ(0, kt_wait_exit(child));
	close(mfd);
	close(ep);
}

TEST_HARNESS_MAIN
