// SPDX-License-Identifier: GPL-2.0
/*
 * read(2) and write(2) on mailbox and endpoint fds: one write() is one
 * message of priority 0, one read() takes the next message whole, and
 * every rule of KIPC_IOC_SEND and KIPC_IOC_RECV holds (blocking and
 * O_NONBLOCK, sizes, permissions checked at each call, a faulting buffer
 * loses nothing, a deleted mailbox fails).
 */
#include <poll.h>
#include <sys/epoll.h>

#include "kipc_util.h"
#include "../kselftest_harness.h"

FIXTURE(rw) {
	int ep, mfd;
	uint64_t id;
	char name[KIPC_NAME_MAX];
};

FIXTURE_SETUP(rw)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 4, .msg_max = 64,
		.mode = 0600,
	};

	self->ep = sys_kipc_open(0);
	if (self->ep < 0)
		SKIP(return, "/dev/kipc: %s", strerror(-self->ep));
	kt_name(self->name, sizeof(self->name), "rw");
	self->mfd = sys_kipc_mbox_create(self->ep, self->name, &attr,
					 &self->id);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(rw)
{
	close(self->mfd);
	close(self->ep);
}

/* write(2) past the compiler's view of the buffer (bad pointers, sizes). */
static ssize_t raw_write(int fd, const void *buf, size_t len)
{
	return syscall(SYS_write, fd, buf, len);
}

static ssize_t raw_read(int fd, void *buf, size_t len)
{
	return syscall(SYS_read, fd, buf, len);
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

TEST_F(rw, each_write_is_one_message)
{
	char buf[64];

	ASSERT_EQ(3, write(self->mfd, "abc", 3));
	ASSERT_EQ(5, write(self->mfd, "defgh", 5));
	ASSERT_EQ(2, kt_depth(self->mfd));
	/* Never merged, even into a buffer with room for both. */
	ASSERT_EQ(3, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	ASSERT_EQ(5, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "defgh", 5));
	EXPECT_EQ(0, kt_depth(self->mfd));
}

TEST_F(rw, empty_message_reads_as_zero)
{
	char buf[8];

	/* An empty message, not end of file: a mailbox has none. */
	ASSERT_EQ(0, write(self->mfd, buf, 0));
	ASSERT_EQ(1, kt_depth(self->mfd));
	EXPECT_EQ(0, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(0, kt_depth(self->mfd));
}

TEST_F(rw, short_buffer_leaves_the_message)
{
	char buf[8];

	ASSERT_EQ(8, write(self->mfd, "12345678", 8));
	EXPECT_EQ(-1, read(self->mfd, buf, 7));
	EXPECT_EQ(EMSGSIZE, errno);
	ASSERT_EQ(1, kt_depth(self->mfd));
	ASSERT_EQ(8, read(self->mfd, buf, 8));
	EXPECT_EQ(0, memcmp(buf, "12345678", 8));
}

TEST_F(rw, write_larger_than_msg_max_fails)
{
	static char big[65];

	EXPECT_EQ(-1, write(self->mfd, big, sizeof(big)));
	EXPECT_EQ(EMSGSIZE, errno);
	/* A size past what the kernel's length field holds. */
	EXPECT_EQ(-1, raw_write(self->mfd, big, (size_t)UINT32_MAX + 2));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(0, kt_depth(self->mfd));
}

TEST_F(rw, write_is_priority_zero_from_this_endpoint)
{
	struct kipc_msg_hdr hdr;
	char buf[8];

	ASSERT_EQ(1, write(self->mfd, "w", 1));
	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "p", 1, 3, 0, NULL));
	/* The priority 3 message overtakes the written one. */
	ASSERT_EQ(1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ('p', buf[0]);
	ASSERT_EQ(1, sys_kipc_recv(self->mfd, buf, sizeof(buf), &hdr, 0, NULL));
	EXPECT_EQ('w', buf[0]);
	EXPECT_EQ(0, hdr.priority);
	EXPECT_EQ(kt_ep_id(self->ep), hdr.sender_id);
	EXPECT_EQ(getpid(), hdr.sender_pid);
}

TEST_F(rw, nonblocking_fd_fails_with_eagain)
{
	char buf[8];
	int i;

	nonblock(self->mfd);
	EXPECT_EQ(-1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, write(self->mfd, "x", 1));
	EXPECT_EQ(-1, write(self->mfd, "y", 1));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(4, kt_depth(self->mfd));
}

TEST_F(rw, blocked_read_takes_a_later_write)
{
	char buf[16];
	pid_t pid;

	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		ssize_t n = read(self->mfd, buf, sizeof(buf));

		KT_CHILD_CHECK(n == 5 && !memcmp(buf, "later", 5));
		_exit(0);
	}
	ASSERT_EQ(0, kt_wait_blocked(self->mfd, 0, 0, 1));
	ASSERT_EQ(5, write(self->mfd, "later", 5));
	EXPECT_EQ(0, kt_wait_exit(pid));
	EXPECT_EQ(0, kt_depth(self->mfd));
}

TEST_F(rw, blocked_write_goes_once_there_is_room)
{
	char buf[8];
	pid_t pid;
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, write(self->mfd, "a", 1));
	pid = kt_fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		kt_child_exit(write(self->mfd, "b", 1) == 1 ? 0 : errno);
	ASSERT_EQ(0, kt_wait_blocked(self->mfd, 0, 1, 0));
	ASSERT_EQ(1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(0, kt_wait_exit(pid));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, read(self->mfd, buf, sizeof(buf)));
		EXPECT_EQ('a', buf[0]);
	}
	ASSERT_EQ(1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ('b', buf[0]);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(rw, signal_interrupts_a_blocked_read)
{
	char buf[8];

	/* No SA_RESTART: the read fails with EINTR, nothing is taken. */
	ASSERT_EQ(0, kt_sigaction(SIGALRM, on_alarm, false));
	alarm(1);
	EXPECT_EQ(-1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(EINTR, errno);
	alarm(0);
	ASSERT_EQ(1, write(self->mfd, "z", 1));
	EXPECT_EQ(1, read(self->mfd, buf, sizeof(buf)));
}

TEST_F(rw, faulting_buffers_lose_nothing)
{
	char buf[8];
	void *hole;

	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	EXPECT_EQ(-1, raw_write(self->mfd, hole, 4));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, kt_depth(self->mfd));
	ASSERT_EQ(4, write(self->mfd, "keep", 4));
	EXPECT_EQ(-1, raw_read(self->mfd, hole, sizeof(buf)));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(1, kt_depth(self->mfd));
	ASSERT_EQ(4, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "keep", 4));
	munmap(hole, 4096);
}

TEST_F(rw, no_position)
{
	char buf[8];

	ASSERT_EQ(1, write(self->mfd, "s", 1));
	EXPECT_EQ(-1, pread(self->mfd, buf, sizeof(buf), 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pwrite(self->mfd, "t", 1, 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, lseek(self->mfd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pread(self->ep, buf, sizeof(buf), 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(1, kt_depth(self->mfd));
}

TEST_F(rw, epoll_then_read)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[8];
	int epfd;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(epfd, 0);
	ASSERT_EQ(0, epoll_ctl(epfd, EPOLL_CTL_ADD, self->mfd, &ev));
	EXPECT_EQ(0, epoll_wait(epfd, &ev, 1, 0));
	ASSERT_EQ(2, write(self->mfd, "ev", 2));
	ASSERT_EQ(1, epoll_wait(epfd, &ev, 1, KT_WAIT_MS));
	EXPECT_TRUE(ev.events & EPOLLIN);
	nonblock(self->mfd);
	EXPECT_EQ(2, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(-1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	close(epfd);
}

TEST_F(rw, deleted_mailbox_fails)
{
	char buf[8];

	ASSERT_EQ(1, write(self->mfd, "d", 1));
	ASSERT_EQ(0, sys_kipc_mbox_delete(self->ep, self->id));
	EXPECT_EQ(-1, write(self->mfd, "e", 1));
	EXPECT_EQ(EIDRM, errno);
	EXPECT_EQ(-1, read(self->mfd, buf, sizeof(buf)));
	EXPECT_EQ(EIDRM, errno);
}

TEST_F(rw, endpoint_reads_its_inbox)
{
	uint64_t me = kt_ep_id(self->ep);
	char buf[8];

	ASSERT_EQ(0, sys_kipc_send(self->ep, me, "in", 2, 0, 0, NULL));
	ASSERT_EQ(2, read(self->ep, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "in", 2));
	/* A send to an endpoint names it: a write has no destination. */
	EXPECT_EQ(-1, write(self->ep, "x", 1));
	EXPECT_EQ(EINVAL, errno);
	nonblock(self->ep);
	EXPECT_EQ(-1, read(self->ep, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

/*
 * Permission is checked at every call, not when the fd was opened: a
 * user whose access is taken away cannot go on through an open fd.
 */
TEST_F(rw, permission_at_each_call)
{
	int sync[2], status;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0602));
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8];
		int ep, mfd;

		close(sync[1]);
		close(self->mfd);
		kt_child_become_nobody();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		mfd = sys_kipc_mbox_open(ep, self->name, NULL);
		KT_CHILD_CHECK(mfd >= 0);
		nonblock(mfd);
		/* Others may write, not read. */
		KT_CHILD_CHECK(write(mfd, "n", 1) == 1);
		KT_CHILD_CHECK(read(mfd, buf, sizeof(buf)) == -1 &&
			       errno == EACCES);
		/* The owner shuts others out; this fd stays open. */
		KT_CHILD_CHECK(read(sync[0], &c, 1) == 1);
		KT_CHILD_CHECK(write(mfd, "m", 1) == -1 && errno == EACCES);
		_exit(0);
	}
	close(sync[0]);
	ASSERT_EQ(0, kt_wait_depth(self->mfd, 0, 1));
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0600));
	ASSERT_EQ(1, write(sync[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(1, kt_depth(self->mfd));
	close(sync[1]);
}

TEST_HARNESS_MAIN
