// SPDX-License-Identifier: GPL-2.0
/*
 * A receiver stuck in a page fault must not stall anyone else.
 *
 * The receiver's memory is a userfaultfd page that nobody serves until
 * the test says so: it stands in for a FUSE-backed or otherwise slow
 * mapping. Either its payload buffer is there (RECV), or the entry array
 * of its receive vector (XFER). While it is stuck, other processes send
 * with KIPC_NONBLOCK to the same mailbox, STAT it, LIST, receive another
 * message, delete the mailbox, close their own fd for it, or are killed
 * while blocked on it: each must return (or die) promptly. Then the fault
 * is served and the stuck receiver must complete, with its message
 * delivered exactly once.
 *
 * "Promptly" is a liveness watchdog of PROMPT_MS, a thousand times what
 * any of these takes: the failure it catches is a task stuck until the
 * fault is served, which here is never.
 */
#include <poll.h>
#include <pthread.h>
#include <linux/userfaultfd.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

#define PROMPT_MS	10000

/* Queued before the stuck receiver starts: it takes M1 (higher priority). */
#define M1		"fault"
#define M1_PRIO		5
#define M2		"other"
#define M2_PRIO		1
#define MSG_LEN		5

FIXTURE(stuck) {
	int ep, mfd;
	uint64_t mb;
	int uffd;
	char *page;		/* the userfaultfd page, served once */
	size_t psize;
	bool served;
	pthread_t thread;
	bool started, joined;
	int ret;		/* the stuck call's result */
	struct kipc_recv rx;
	struct kipc_xfer x;
	char xbuf[64];		/* XFER's payload buffer (normal memory) */
	pid_t killee;		/* blocked in RECV on the mailbox */
	pid_t holder;		/* holds its own fd for the mailbox */
	int holder_go;		/* write end: tells the holder to close */
};

FIXTURE_VARIANT(stuck) {
	bool xfer;	/* stuck reading XFER entries, else writing RECV's payload */
};

FIXTURE_VARIANT_ADD(stuck, recv_payload) {
	.xfer = false,
};

FIXTURE_VARIANT_ADD(stuck, xfer_entries) {
	.xfer = true,
};

static void *stuck_call(void *arg)
{
	FIXTURE_DATA(stuck) *self = arg;

	if (self->x.size)
		self->ret = kt_ioctl(self->mfd, KIPC_IOC_XFER, &self->x);
	else
		self->ret = kt_ioctl(self->mfd, KIPC_IOC_RECV, &self->rx);
	return NULL;
}

/* Blocked in RECV for messages of a sender that never sends, until killed. */
static pid_t start_killee(int mfd)
{
	pid_t pid = kt_fork();

	if (pid == 0) {
		char buf[16];

		kt_child_exit(sys_kipc_recv_from(mfd, UINT64_MAX - 1, buf, sizeof(buf),
					     NULL, 0, NULL));
	}
	return pid;
}

/*
 * Opens its own endpoint and mailbox fd and arms NOTIFY on it (so that
 * closing it has something to undo), says so on @ready, closes both fds
 * when told on @go, then exits 0.
 */
static pid_t start_holder(uint64_t mb, const int ready[2], const int go[2])
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t set;
		int ep, fd;
		char c;

		close(ready[0]);
		close(go[1]);

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		KT_CHILD_CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		fd = sys_kipc_mbox_open_id(ep, mb);
		KT_CHILD_CHECK(fd >= 0);
		KT_CHILD_CHECK(sys_kipc_notify(fd, SIGUSR2, 0) == 0);
		KT_CHILD_CHECK(write(ready[1], "r", 1) == 1);
		KT_CHILD_CHECK(read(go[0], &c, 1) == 1);
		close(fd);
		close(ep);
		_exit(0);
	}
	return pid;
}

static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Fill the page (through userfaultfd), which wakes the stuck receiver. */
static int serve(FIXTURE_DATA(stuck) *self)
{
	struct uffdio_copy copy = { 0 };
	char *src;
	int ret = 0;

	if (self->served)
		return 0;
	src = mmap(NULL, self->psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED)
		return -errno;
	if (self->x.size) {
		/* The entry XFER is reading: one receive into xbuf. */
		struct kipc_mmsg e = {
			.buf = (uintptr_t)self->xbuf,
			.buf_len = sizeof(self->xbuf),
		};

		memcpy(src, &e, sizeof(e));
	}
	copy.dst = (uintptr_t)self->page;
	copy.src = (uintptr_t)src;
	copy.len = self->psize;
	if (ioctl(self->uffd, UFFDIO_COPY, &copy))
		ret = -errno;
	munmap(src, self->psize);
	if (!ret)
		self->served = true;
	return ret;
}

/* Join the stuck thread, bounded: false if it is still stuck. */
static bool join_stuck(FIXTURE_DATA(stuck) *self)
{
	struct timespec ts;

	if (!self->started || self->joined)
		return true;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += KT_WAIT_MS / 1000;
	self->joined = !pthread_timedjoin_np(self->thread, NULL, &ts);
	return self->joined;
}

FIXTURE_SETUP(stuck)
{
	struct uffdio_register reg = { 0 };
	struct uffd_msg msg;
	struct pollfd pfd;
	int ready[2], go[2], ret;
	char c;

	self->uffd = -1;
	self->page = MAP_FAILED;
	self->killee = self->holder = -1;
	self->holder_go = -1;
	self->psize = sysconf(_SC_PAGESIZE);

	ret = uffd_open();
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "userfaultfd unavailable: %s", strerror(-ret));
	ASSERT_GE(ret, 0) TH_LOG("userfaultfd: %s", strerror(-ret));
	close(ret);

	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->mfd = kt_mbox(self->ep, NULL, 8, 0666, &self->mb);
	ASSERT_GE(self->mfd, 0);

	/* The other processes exist before the userfaultfd does. */
	self->killee = start_killee(self->mfd);
	ASSERT_GE(self->killee, 0);
	ASSERT_EQ(0, kt_wait_blocked(self->mfd, 0, 0, 1));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	self->holder = start_holder(self->mb, ready, go);
	ASSERT_GE(self->holder, 0);
	close(ready[1]);
	close(go[0]);
	self->holder_go = go[1];
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);

	ret = uffd_open();
	ASSERT_GE(ret, 0) TH_LOG("userfaultfd: %s", strerror(-ret));
	self->uffd = ret;
	self->page = mmap(NULL, self->psize, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->page);
	reg.range.start = (uintptr_t)self->page;
	reg.range.len = self->psize;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(self->uffd, UFFDIO_REGISTER, &reg));

	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, M1, MSG_LEN, M1_PRIO, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, M2, MSG_LEN, M2_PRIO, KIPC_NONBLOCK, NULL));

	if (variant->xfer) {
		self->x.size = sizeof(self->x);
		self->x.recv_msgs = (uintptr_t)self->page;
		self->x.recv_count = 1;
		self->x.entry_size = sizeof(struct kipc_mmsg);
	} else {
		self->rx.size = sizeof(self->rx);
		self->rx.buf = (uintptr_t)self->page;
		self->rx.buf_len = 64;
	}
	ASSERT_EQ(0, pthread_create(&self->thread, NULL, stuck_call, self));
	self->started = true;

	pfd.fd = self->uffd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, KT_WAIT_MS))
		TH_LOG("the receiver never faulted on its userfaultfd page");
	ASSERT_EQ(sizeof(msg), read(self->uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	ASSERT_EQ((uintptr_t)self->page, msg.arg.pagefault.address & ~(self->psize - 1));
}

FIXTURE_TEARDOWN(stuck)
{
	if (self->uffd >= 0) {
		bool joined;

		EXPECT_EQ(0, serve(self));
		joined = join_stuck(self);
		if (!joined)
			TH_LOG("the receiver is still stuck after its fault was served");
		EXPECT_TRUE(joined);
	}
	if (self->killee > 0) {
		kill(self->killee, SIGKILL);
		kt_wait_exit_ms(self->killee, KT_WAIT_MS);
	}
	if (self->holder > 0) {
		kill(self->holder, SIGKILL);
		kt_wait_exit_ms(self->holder, KT_WAIT_MS);
	}
	if (self->holder_go >= 0)
		close(self->holder_go);
	if (self->page != MAP_FAILED)
		munmap(self->page, self->psize);
	if (self->uffd >= 0)
		close(self->uffd);
	close(self->mfd);
	close(self->ep);
}

/*
 * Serve the fault and wait for the stuck call to complete. Returns which
 * message it received: 1 (M1), 2 (M2), or 0 if it ended without one,
 * which only a deletion (@deleted) excuses.
 */
static int finish(struct __test_metadata *_metadata,
		  FIXTURE_DATA(stuck) *self, bool deleted)
{
	bool joined, discarded;
	const char *got;
	int len = 0;

	EXPECT_EQ(0, serve(self));
	joined = join_stuck(self);
	EXPECT_TRUE(joined)
		TH_LOG("the receiver is still stuck after its fault was served");
	if (!joined)
		return 0;
	if (self->x.size) {
		got = self->xbuf;
		if (!self->ret && self->x.received == 1)
			len = ((struct kipc_mmsg *)self->page)->len;
		else if (!self->ret)
			self->ret = -ENOMSG;
	} else {
		got = self->page;
		len = self->rx.len;
	}
	/* Deleted meanwhile: discarded with the mailbox, not delivered. */
	discarded = deleted && (self->ret == -EIDRM || self->ret == -EFAULT);
	EXPECT_TRUE(self->ret >= 0 || discarded)
		TH_LOG("the stuck receiver ended with %d (%s)", self->ret,
		       strerror(-self->ret));
	if (self->ret < 0)
		return 0;
	if (len == MSG_LEN && !memcmp(got, M1, MSG_LEN))
		return 1;
	if (len == MSG_LEN && !memcmp(got, M2, MSG_LEN))
		return 2;
	EXPECT_TRUE(false)
		TH_LOG("the stuck receiver got %d bytes that are neither M1 nor M2", len);
	return 0;
}

/*
 * Receive what is left, without waiting. Returns the messages received;
 * says which of M1, M2 and "nb" were among them.
 */
static int drain(struct __test_metadata *_metadata, int fd, bool *m1,
		 bool *m2, bool *nb)
{
	char buf[64];
	int n, count = 0;

	*m1 = *m2 = *nb = false;
	while ((n = sys_kipc_recv(fd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL)) >= 0) {
		count++;
		if (n == MSG_LEN && !memcmp(buf, M1, MSG_LEN))
			*m1 = true;
		if (n == MSG_LEN && !memcmp(buf, M2, MSG_LEN))
			*m2 = true;
		if (n == 2 && !memcmp(buf, "nb", 2))
			*nb = true;
	}
	EXPECT_EQ(-EAGAIN, n);
	return count;
}

/*
 * After an operation that took no message: the stuck receiver got M1
 * (@got 1, the highest priority), which is no longer queued; M2 still is,
 * and "nb" if @nb_sent.
 */
static void check_once(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stuck) *self, int got, bool nb_sent)
{
	bool m1, m2, nb;
	int left = drain(_metadata, self->mfd, &m1, &m2, &nb);

	EXPECT_EQ(1, got) TH_LOG("the stuck receiver did not get M1");
	EXPECT_FALSE(m1) TH_LOG("M1 is still queued after it was delivered");
	EXPECT_TRUE(m2) TH_LOG("M2 is lost");
	EXPECT_EQ(nb_sent, nb);
	EXPECT_EQ(1 + nb_sent, left);
}

/* Run @fn in a child; its exit status, or -ETIMEDOUT if it did not end. */
static int in_child_bounded(int (*fn)(FIXTURE_DATA(stuck) *),
			    FIXTURE_DATA(stuck) *self, pid_t *pidp)
{
	pid_t pid = kt_fork();

	if (pid == 0)
		kt_child_exit(fn(self));
	*pidp = pid;
	return pid < 0 ? -1 : kt_wait_exit_ms(pid, PROMPT_MS);
}

/*
 * Once the fault is served a late child ends too: reap it. Returns its
 * final exit status.
 */
static int reap(pid_t pid, int status)
{
	if (status != -ETIMEDOUT)
		return status;
	status = kt_wait_exit_ms(pid, KT_WAIT_MS);
	if (status == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		kt_wait_exit(pid);
	}
	return status;
}

static const char *status_str(int status)
{
	if (status == -ETIMEDOUT)
		return "still blocked 10 s later, behind the faulting receiver";
	if (status >= 128)
		return "killed";
	return strerror(status);
}

/*
 * Exit status 100: sent. Says how long the call took, for the record (not
 * a pass/fail criterion).
 */
static int op_send_nonblock(FIXTURE_DATA(stuck) *self)
{
	int64_t t0 = kt_now_ns();
	int ret = sys_kipc_send(self->mfd, 0, "nb", 2, 0, KIPC_NONBLOCK, NULL);

	fprintf(stderr, "# KIPC_NONBLOCK send beside the stuck receiver: %d after %lld us\n",
		ret, (long long)(kt_now_ns() - t0) / 1000);
	return ret ? ret : 100;
}

TEST_F_TIMEOUT(stuck, nonblock_send_returns, 60)
{
	int got;
	int status;
	pid_t pid;

	status = in_child_bounded(op_send_nonblock, self, &pid);
	EXPECT_TRUE(status == 100 || status == EAGAIN)
		TH_LOG("KIPC_NONBLOCK send: %s", status_str(status));
	got = finish(_metadata, self, false);
	status = reap(pid, status);
	check_once(_metadata, self, got, status == 100);
}

static int op_stat(FIXTURE_DATA(stuck) *self)
{
	struct kipc_info info;

	return sys_kipc_stat(self->ep, self->mb, &info);
}

TEST_F_TIMEOUT(stuck, stat_returns, 60)
{
	int got;
	int status;
	pid_t pid;

	status = in_child_bounded(op_stat, self, &pid);
	EXPECT_EQ(0, status) TH_LOG("STAT: %s", status_str(status));
	got = finish(_metadata, self, false);
	reap(pid, status);
	check_once(_metadata, self, got, false);
}

/* Exit status 100: the mailbox is not listed. */
static int op_list(FIXTURE_DATA(stuck) *self)
{
	struct kipc_info info[16];
	uint64_t cursor = 0;
	bool found = false;
	int n, i;

	while ((n = sys_kipc_list(self->ep, KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES,
			      &cursor, info, 16)) > 0)
		for (i = 0; i < n; i++)
			found |= info[i].id == self->mb;
	return n < 0 ? n : found ? 0 : 100;
}

TEST_F_TIMEOUT(stuck, list_returns, 60)
{
	int got;
	int status;
	pid_t pid;

	status = in_child_bounded(op_list, self, &pid);
	EXPECT_EQ(0, status)
		TH_LOG("LIST: %s", status == 100 ? "the mailbox is not listed" :
		       status_str(status));
	got = finish(_metadata, self, false);
	reap(pid, status);
	check_once(_metadata, self, got, false);
}

/* Exit status 101: received M1, 102: M2, 103: something else. */
static int op_recv(FIXTURE_DATA(stuck) *self)
{
	char buf[64];
	int n = sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL);

	if (n < 0)
		return n;
	if (n == MSG_LEN && !memcmp(buf, M1, MSG_LEN))
		return 101;
	return n == MSG_LEN && !memcmp(buf, M2, MSG_LEN) ? 102 : 103;
}

/*
 * Another receiver gets the message the stuck one is not taking: M2 when
 * the stuck RECV is copying M1 out, M1 when the stuck XFER has not picked
 * one yet (it then gets M2). Each message is received once.
 */
TEST_F_TIMEOUT(stuck, second_receiver_gets_the_other_message, 60)
{
	bool m1, m2, nb;
	int status, got, want;
	pid_t pid;

	want = variant->xfer ? 101 : 102;
	status = in_child_bounded(op_recv, self, &pid);
	EXPECT_EQ(want, status)
		TH_LOG("second RECV: %s", status == 101 ? "got M1" :
		       status == 102 ? "got M2" : status == 103 ?
		       "got neither M1 nor M2" : status_str(status));
	got = finish(_metadata, self, false);
	status = reap(pid, status);
	EXPECT_EQ(variant->xfer ? 2 : 1, got);
	EXPECT_FALSE(status == 101 && got == 1) TH_LOG("M1 was received twice");
	EXPECT_FALSE(status == 102 && got == 2) TH_LOG("M2 was received twice");
	/* One each: nothing left. */
	EXPECT_EQ(0, drain(_metadata, self->mfd, &m1, &m2, &nb));
}

static int op_delete(FIXTURE_DATA(stuck) *self)
{
	return sys_kipc_mbox_delete(self->ep, self->mb);
}

/*
 * The stuck receiver then either got its message (delivered once) or
 * -EIDRM / -EFAULT (discarded with the mailbox).
 */
TEST_F_TIMEOUT(stuck, delete_returns, 60)
{
	int status;
	pid_t pid;

	status = in_child_bounded(op_delete, self, &pid);
	EXPECT_EQ(0, status) TH_LOG("MBOX_DELETE: %s", status_str(status));
	finish(_metadata, self, true);
	reap(pid, status);
	EXPECT_EQ(-EIDRM, sys_kipc_send(self->mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	/* The blocked receiver saw the deletion. */
	EXPECT_EQ(EIDRM, kt_wait_exit_ms(self->killee, KT_WAIT_MS));
	self->killee = -1;
}

TEST_F_TIMEOUT(stuck, close_by_another_holder_returns, 60)
{
	int got;
	int status;

	ASSERT_EQ(1, write(self->holder_go, "g", 1));
	status = kt_wait_exit_ms(self->holder, PROMPT_MS);
	EXPECT_EQ(0, status)
		TH_LOG("the other holder's close(): %s", status_str(status));
	got = finish(_metadata, self, false);
	reap(self->holder, status);
	check_once(_metadata, self, got, false);
	self->holder = -1;
}

TEST_F_TIMEOUT(stuck, sigkill_of_a_blocked_receiver_completes, 60)
{
	int got;
	int status;

	ASSERT_EQ(0, kill(self->killee, SIGKILL));
	status = kt_wait_exit_ms(self->killee, PROMPT_MS);
	EXPECT_EQ(128 + SIGKILL, status)
		TH_LOG("the receiver killed while blocked on the mailbox: %s",
		       status_str(status));
	got = finish(_metadata, self, false);
	reap(self->killee, status);
	check_once(_metadata, self, got, false);
	self->killee = -1;
}

TEST_HARNESS_MAIN
