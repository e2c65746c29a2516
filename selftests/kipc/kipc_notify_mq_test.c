// SPDX-License-Identifier: GPL-2.0
/*
 * KIPC_IOC_NOTIFY as mq_notify(3) does it: arming needs read permission;
 * the signal carries a real siginfo (SI_MESGQ, the sender's pid and uid);
 * a process that execve()s gets nothing more and its registration no
 * longer blocks anyone; closing the fd in the arming process drops the
 * registration, even while another process holds a copy of the file.
 *
 * Signals are blocked and looked for with sigtimedwait() or sigpending()
 * right after the send that would raise them (the send raises them).
 *
 * The test binary re-executes itself with POST_EXEC as argv[1] to play
 * the process after execve().
 */
#include <sys/socket.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

#define POST_EXEC	"--kipc-post-exec"

static void block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static bool pending(int sig)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, sig);
}

/* A byte over a pipe, bounded: the byte, or -1. */
static int get_byte(int fd)
{
	struct timespec ts = kt_ms(KT_WAIT_MS);
	fd_set set;
	char c;

	FD_ZERO(&set);
	FD_SET(fd, &set);
	if (pselect(fd + 1, &set, NULL, NULL, &ts, NULL) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return (unsigned char)c;
}

static int put_byte(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? 0 : -1;
}

FIXTURE(mq) {
	int ep, mfd;
	uint64_t mb;
};

FIXTURE_SETUP(mq)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to act as a second user");
	block(SIGUSR1);
	block(SIGUSR2);
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->mfd = kt_mbox(self->ep, NULL, 8, 0666, &self->mb);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(mq)
{
	close(self->mfd);
	close(self->ep);
}

/* As nobody: open the mailbox (any permission will do) and arm it. */
static int nobody_arms(uint64_t mb)
{
	pid_t pid = fork();

	if (pid == 0) {
		int ep, fd;

		kt_child_become_nobody();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		fd = sys_kipc_mbox_open_id(ep, mb);
		KT_CHILD_CHECK(fd >= 0);
		kt_child_exit(sys_kipc_notify(fd, SIGUSR1, 0));
	}
	return pid < 0 ? -1 : kt_wait_exit(pid);
}

/*
 * Mode 0622: others may open the mailbox and send to it, not receive.
 * Such an opener may not arm the arrival signal either: it would learn
 * of messages it cannot read. Mode 0644: it may.
 */
TEST_F(mq, arming_needs_read_permission)
{
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0622));
	EXPECT_EQ(EACCES, nobody_arms(self->mb))
		TH_LOG("a user without read permission armed NOTIFY");
	ASSERT_EQ(0, sys_kipc_mbox_set_mode(self->mfd, 0, 0644));
	EXPECT_EQ(0, nobody_arms(self->mb));
}

/* Fork a sender that becomes nobody and sends one byte to @dest. */
static pid_t nobody_sends(uint64_t dest, bool mailbox)
{
	pid_t pid = fork();

	if (pid == 0) {
		int ep;

		kt_child_become_nobody();
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		kt_child_exit(sys_kipc_send(ep, dest, "n", 1, 0,
					(mailbox ? KIPC_SEND_MAILBOX : 0) | KIPC_NONBLOCK,
					NULL));
	}
	return pid;
}

/*
 * The signal says who sent the message, as mq_notify(3) does: si_code
 * SI_MESGQ, si_pid and si_uid of the sender, si_value 0. On the
 * endpoint's inbox and on a mailbox.
 */
TEST_F(mq, siginfo_names_the_sender)
{
	struct timespec ts = kt_ms(KT_WAIT_MS);
	int i, fds[2] = { self->ep, self->mfd };
	uint64_t dests[2] = { kt_ep_id(self->ep), self->mb };
	const char *what[2] = { "endpoint inbox", "mailbox" };
	char buf[8];
	siginfo_t si;
	sigset_t set;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, sys_kipc_notify(fds[i], SIGUSR1, 0));
		pid = nobody_sends(dests[i], i == 1);
		ASSERT_GE(pid, 0);
		ASSERT_EQ(0, kt_wait_exit(pid));
		memset(&si, 0, sizeof(si));
		ASSERT_EQ(SIGUSR1, sigtimedwait(&set, &si, &ts)) TH_LOG("%s", what[i]);
		EXPECT_EQ(SIGUSR1, si.si_signo);
		EXPECT_EQ(SI_MESGQ, si.si_code)
			TH_LOG("%s: si_code %d, not SI_MESGQ", what[i], si.si_code);
		EXPECT_EQ(pid, si.si_pid) TH_LOG("%s: si_pid", what[i]);
		EXPECT_EQ(KT_NOBODY, si.si_uid) TH_LOG("%s: si_uid", what[i]);
		EXPECT_EQ(0, si.si_value.sival_int);
		ASSERT_EQ(0, sys_kipc_notify(fds[i], 0, 0));
		ASSERT_EQ(1, sys_kipc_recv(fds[i], buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	}
}

/*
 * The process after execve(): it still holds the mailbox fd the process
 * before armed (FD_CLOEXEC cleared) and SIGUSR1 is still blocked (the
 * mask survives execve). It says it runs, waits to be told the message
 * was sent, and exits 0 if no SIGUSR1 is pending, 1 if one is.
 */
static int post_exec(char **argv)
{
	int ready = atoi(argv[3]), go = atoi(argv[4]);

	if (put_byte(ready, 'r') || get_byte(go) != 'g')
		return 2;
	return pending(SIGUSR1) ? 1 : 0;
}

/*
 * A process arms NOTIFY and execve()s, keeping the fd: the new image gets
 * no signal, and the stale registration does not keep another process
 * from arming.
 */
TEST_F(mq, no_signal_after_execve)
{
	int ready[2], go[2], status, ret;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char fdarg[16], readyarg[16], goarg[16];
		char *args[] = { "kipc_notify_mq_test", POST_EXEC, fdarg,
				 readyarg, goarg, NULL };
		int ep, fd;

		close(ready[0]);
		close(go[1]);
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		fd = sys_kipc_mbox_open_id(ep, self->mb);
		KT_CHILD_CHECK(fd >= 0);
		KT_CHILD_CHECK(sys_kipc_notify(fd, SIGUSR1, 0) == 0);
		KT_CHILD_CHECK(fcntl(fd, F_SETFD, 0) == 0);
		snprintf(fdarg, sizeof(fdarg), "%d", fd);
		snprintf(readyarg, sizeof(readyarg), "%d", ready[1]);
		snprintf(goarg, sizeof(goarg), "%d", go[0]);
		execv("/proc/self/exe", args);
		_exit(3);
	}
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ('r', get_byte(ready[0])) TH_LOG("the re-executed test did not start");
	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	/* The exec'd process still holds its fd: its registration is dead. */
	ret = sys_kipc_notify(self->mfd, SIGUSR2, 0);
	EXPECT_EQ(0, ret) TH_LOG("arming after the armer's execve(): %s", strerror(-ret));
	sys_kipc_notify(self->mfd, 0, 0);
	ASSERT_EQ(0, put_byte(go[1], 'g'));
	status = kt_wait_exit_ms(pid, KT_WAIT_MS);
	EXPECT_EQ(0, status)
		TH_LOG("%s", status == 1 ? "the process got the signal its former image armed" :
		       "the re-executed test failed");
	close(ready[0]);
	close(go[1]);
}

/* The same, for the test that takes a copy of the armer's file two ways. */
FIXTURE(copy) {
	int ep, mfd;
	uint64_t mb;
};

FIXTURE_VARIANT(copy) {
	bool scm_rights;	/* the copy is passed over a socket, else inherited */
};

FIXTURE_VARIANT_ADD(copy, fork) {
	.scm_rights = false,
};

FIXTURE_VARIANT_ADD(copy, scm_rights) {
	.scm_rights = true,
};

FIXTURE_SETUP(copy)
{
	block(SIGUSR1);
	block(SIGUSR2);
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->mfd = kt_mbox(self->ep, NULL, 8, 0666, &self->mb);
	ASSERT_GE(self->mfd, 0);
}

FIXTURE_TEARDOWN(copy)
{
	close(self->mfd);
	close(self->ep);
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * The copy holder: gets the armer's file (inherited, or over @sock), then
 * obeys commands on @cmd: 'd' closes a dup of it (a close by a process
 * that did not arm), 'q' exits. Acknowledges each on @ack.
 */
static void copy_holder(int fd, int sock, int cmd, int ack)
{
	int c, dup_fd;

	if (sock >= 0)
		fd = recv_fd(sock);
	KT_CHILD_CHECK(fd >= 0);
	KT_CHILD_CHECK(put_byte(ack, 'h') == 0);
	while ((c = get_byte(cmd)) >= 0) {
		if (c == 'd') {
			dup_fd = dup(fd);
			KT_CHILD_CHECK(dup_fd >= 0);
			close(dup_fd);
		}
		KT_CHILD_CHECK(put_byte(ack, c) == 0);
		if (c == 'q')
			break;
	}
	_exit(0);
}

/*
 * A process arms NOTIFY on its own fd, another process gets a copy of
 * that file (fork, or SCM_RIGHTS). A close by the copy holder leaves the
 * registration; a close by the armer drops it, though the file lives on:
 * another process may then arm, and the armer gets no signal.
 */
TEST_F(copy, close_by_the_armer_drops_the_registration)
{
	int a_cmd[2], a_ack[2], h_cmd[2], h_ack[2], sock[2];
	pid_t armer;
	int ret;

	ASSERT_EQ(0, pipe(a_cmd));
	ASSERT_EQ(0, pipe(a_ack));
	ASSERT_EQ(0, pipe(h_cmd));
	ASSERT_EQ(0, pipe(h_ack));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sock));
	armer = fork();
	ASSERT_GE(armer, 0);
	if (armer == 0) {
		pid_t holder = -1;
		int ep, fd, c;

		/* Over a socket the holder is a process that never had the fd. */
		if (variant->scm_rights) {
			holder = fork();
			KT_CHILD_CHECK(holder >= 0);
			if (holder == 0)
				copy_holder(-1, sock[1], h_cmd[0], h_ack[1]);
		}
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		fd = sys_kipc_mbox_open_id(ep, self->mb);
		KT_CHILD_CHECK(fd >= 0);
		KT_CHILD_CHECK(sys_kipc_notify(fd, SIGUSR1, 0) == 0);
		if (variant->scm_rights) {
			KT_CHILD_CHECK(send_fd(sock[0], fd) == 0);
		} else {
			holder = fork();
			KT_CHILD_CHECK(holder >= 0);
			if (holder == 0)
				copy_holder(fd, -1, h_cmd[0], h_ack[1]);
		}
		KT_CHILD_CHECK(put_byte(a_ack[1], 'a') == 0);
		while ((c = get_byte(a_cmd[0])) >= 0) {
			if (c == 'c')
				close(fd);
			if (c == 'p')
				c = pending(SIGUSR1) ? '1' : '0';
			KT_CHILD_CHECK(put_byte(a_ack[1], c) == 0);
			if (c == 'q')
				break;
		}
		kt_wait_exit(holder);
		_exit(0);
	}
	ASSERT_EQ('a', get_byte(a_ack[0]));
	ASSERT_EQ('h', get_byte(h_ack[0]));

	/* Armed by another process: busy. A close by the holder changes nothing. */
	EXPECT_EQ(-EBUSY, sys_kipc_notify(self->mfd, SIGUSR2, 0));
	ASSERT_EQ(0, put_byte(h_cmd[1], 'd'));
	ASSERT_EQ('d', get_byte(h_ack[0]));
	EXPECT_EQ(-EBUSY, sys_kipc_notify(self->mfd, SIGUSR2, 0))
		TH_LOG("a close by a process that did not arm dropped the registration");

	/* The armer closes its fd; the holder's copy keeps the file open. */
	ASSERT_EQ(0, put_byte(a_cmd[1], 'c'));
	ASSERT_EQ('c', get_byte(a_ack[0]));
	ret = sys_kipc_notify(self->mfd, SIGUSR2, 0);
	EXPECT_EQ(0, ret) TH_LOG("arming after the armer closed its fd: %s", strerror(-ret));
	sys_kipc_notify(self->mfd, 0, 0);
	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "x", 1, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, put_byte(a_cmd[1], 'p'));
	EXPECT_EQ('0', get_byte(a_ack[0]))
		TH_LOG("the armer got a signal after closing its fd");

	ASSERT_EQ(0, put_byte(h_cmd[1], 'q'));
	ASSERT_EQ('q', get_byte(h_ack[0]));
	ASSERT_EQ(0, put_byte(a_cmd[1], 'q'));
	ASSERT_EQ('q', get_byte(a_ack[0]));
	EXPECT_EQ(0, kt_wait_exit_ms(armer, KT_WAIT_MS));
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], POST_EXEC))
		return post_exec(argv);
	return test_harness_run(argc, argv);
}
