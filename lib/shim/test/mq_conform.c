// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX message queue conformance, function by function, from the POSIX
 * and Linux manual pages. Built without any kipc header: run against the
 * system's own queues (-lrt) it tests the spec, linked with libkipc-mq or
 * under LD_PRELOAD=libkipc-preload.so it tests the shim.
 *
 * Needs root for the tests that act as uid 65534 (they skip otherwise).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../selftests/kselftest_harness.h"

#define NOBODY	65534
#define POST_EXEC "--mq-post-exec"

static void qname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/conf-%s-%d", tag, getpid());
}

static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Run @fn as uid/gid 65534 in a child; its exit status (0 = passed). */
static int as_nobody(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(pmq) {
	char name[64];
	mqd_t q;
	struct mq_attr attr;
};

FIXTURE_SETUP(pmq)
{
	qname(self->name, sizeof(self->name), _metadata->name);
	self->attr = (struct mq_attr){ .mq_maxmsg = 4, .mq_msgsize = 64 };
	mq_unlink(self->name);
	self->q = mq_open(self->name, O_CREAT | O_EXCL | O_RDWR, 0600,
			  &self->attr);
	ASSERT_NE((mqd_t)-1, self->q) TH_LOG("mq_open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(pmq)
{
	mq_close(self->q);
	mq_unlink(self->name);
}

/* ---- mq_open ---- */

TEST_F(pmq, open_errors)
{
	struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 64 };
	char longname[300], other[64];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	qname(other, sizeof(other), "other");
	mq_unlink(other);

	errno = 0;
	EXPECT_EQ((mqd_t)-1, mq_open("noslash", O_RDWR | O_CREAT, 0600, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((mqd_t)-1, mq_open(longname, O_RDWR | O_CREAT, 0600, NULL));
	EXPECT_EQ(ENAMETOOLONG, errno);
	EXPECT_EQ((mqd_t)-1, mq_open(other, O_RDWR));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ((mqd_t)-1, mq_open(self->name, O_RDWR | O_CREAT | O_EXCL,
				     0600, NULL));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ((mqd_t)-1, mq_open(other, O_RDWR | O_CREAT, 0600, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad = (struct mq_attr){ .mq_maxmsg = 4, .mq_msgsize = 0 };
	EXPECT_EQ((mqd_t)-1, mq_open(other, O_RDWR | O_CREAT, 0600, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad = (struct mq_attr){ .mq_maxmsg = 1 << 30, .mq_msgsize = 64 };
	EXPECT_EQ((mqd_t)-1, mq_open(other, O_RDWR | O_CREAT, 0600, &bad));
	EXPECT_EQ(EINVAL, errno);
	/* No access mode 3 for an existing queue. */
	EXPECT_EQ((mqd_t)-1, mq_open(self->name, O_RDWR | O_WRONLY));
	EXPECT_EQ(EINVAL, errno);
	/* O_CREAT of an existing queue opens it; attr is ignored. */
	mqd_t again = mq_open(self->name, O_RDWR | O_CREAT, 0600, &bad);

	ASSERT_NE((mqd_t)-1, again);
	mq_close(again);
}

static long proc_long(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v = dflt;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

TEST_F(pmq, open_defaults_and_attr)
{
	struct mq_attr a;
	char other[64];
	mqd_t q;

	ASSERT_EQ(0, mq_getattr(self->q, &a));
	EXPECT_EQ(4, a.mq_maxmsg);
	EXPECT_EQ(64, a.mq_msgsize);
	EXPECT_EQ(0, a.mq_curmsgs);
	EXPECT_EQ(0, a.mq_flags);

	qname(other, sizeof(other), "dflt");
	mq_unlink(other);
	q = mq_open(other, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, NULL);
	ASSERT_NE((mqd_t)-1, q);
	ASSERT_EQ(0, mq_getattr(q, &a));
	EXPECT_EQ(proc_long("/proc/sys/fs/mqueue/msg_default", 10), a.mq_maxmsg);
	EXPECT_EQ(proc_long("/proc/sys/fs/mqueue/msgsize_default", 8192),
		  a.mq_msgsize);
	EXPECT_EQ(O_NONBLOCK, a.mq_flags);
	mq_close(q);
	EXPECT_EQ(0, mq_unlink(other));
}

static int open_rd(void *name)
{
	mqd_t q = mq_open(name, O_RDONLY);

	if (q == (mqd_t)-1)
		return errno == EACCES ? 2 : 1;
	mq_close(q);
	return 0;
}

static int open_wr(void *name)
{
	mqd_t q = mq_open(name, O_WRONLY);

	if (q == (mqd_t)-1)
		return errno == EACCES ? 2 : 1;
	mq_close(q);
	return 0;
}

static int unlink_it(void *name)
{
	return mq_unlink(name) ? (errno == EACCES ? 2 : 1) : 0;
}

/* The mode is masked by the umask; others are checked against it. */
TEST_F(pmq, open_mode_umask_and_permissions)
{
	char other[64];
	mode_t old;
	mqd_t q;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as uid 65534");
	qname(other, sizeof(other), "perm");
	mq_unlink(other);
	old = umask(022);
	q = mq_open(other, O_RDWR | O_CREAT | O_EXCL, 0666, &self->attr);
	umask(old);
	ASSERT_NE((mqd_t)-1, q);
	EXPECT_EQ(0, as_nobody(open_rd, other));
	EXPECT_EQ(2, as_nobody(open_wr, other));
	EXPECT_EQ(2, as_nobody(unlink_it, other));
	/* Our own 0600 queue: nothing for others. */
	EXPECT_EQ(2, as_nobody(open_rd, self->name));
	mq_close(q);
	EXPECT_EQ(0, mq_unlink(other));
}

/* ---- mq_close ---- */

TEST_F(pmq, close)
{
	mqd_t q = mq_open(self->name, O_RDWR);

	ASSERT_NE((mqd_t)-1, q);
	EXPECT_EQ(0, mq_close(q));
	EXPECT_EQ(-1, mq_close(q));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, mq_send(q, "x", 1, 0));
	EXPECT_EQ(EBADF, errno);
}

/* ---- mq_send, mq_receive ---- */

TEST_F(pmq, priorities_and_fifo)
{
	static const unsigned int prios[] = { 0, 32767, 5, 5, 100, 0 };
	unsigned int i, prio, last = MQ_PRIO_MAX;
	char buf[64];
	int seen[6] = { 0 };
	mqd_t q;

	q = mq_open(self->name, O_RDWR);
	ASSERT_NE((mqd_t)-1, q);
	/* 4 fit; the queue of this test is bigger. */
	EXPECT_EQ(32768, MQ_PRIO_MAX);
	EXPECT_EQ(-1, mq_send(self->q, "x", 1, MQ_PRIO_MAX));
	EXPECT_EQ(EINVAL, errno);
	for (i = 0; i < 4; i++) {
		buf[0] = i;
		ASSERT_EQ(0, mq_send(self->q, buf, 1, prios[i]));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(1, mq_receive(q, buf, sizeof(buf), &prio));
		EXPECT_EQ(prios[(int)buf[0]], prio);
		EXPECT_LE(prio, last);
		seen[(int)buf[0]] = i + 1;
		last = prio;
	}
	/* FIFO within priority 5: message 2 before message 3. */
	EXPECT_LT(seen[2], seen[3]);
	mq_close(q);
}

TEST_F(pmq, sizes_and_directions)
{
	char big[65] = { 0 }, buf[64];
	mqd_t rd, wr;

	EXPECT_EQ(-1, mq_send(self->q, big, sizeof(big), 0));
	EXPECT_EQ(EMSGSIZE, errno);
	ASSERT_EQ(0, mq_send(self->q, big, 64, 0));
	EXPECT_EQ(-1, mq_receive(self->q, buf, 63, NULL));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(64, mq_receive(self->q, buf, 64, NULL));
	/* A zero-length message is a message. */
	ASSERT_EQ(0, mq_send(self->q, buf, 0, 0));
	EXPECT_EQ(0, mq_receive(self->q, buf, 64, NULL));

	rd = mq_open(self->name, O_RDONLY);
	wr = mq_open(self->name, O_WRONLY);
	ASSERT_NE((mqd_t)-1, rd);
	ASSERT_NE((mqd_t)-1, wr);
	EXPECT_EQ(-1, mq_send(rd, "x", 1, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, mq_receive(wr, buf, 64, NULL));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(0, mq_send(wr, "x", 1, 0));
	EXPECT_EQ(1, mq_receive(rd, buf, 64, NULL));
	EXPECT_EQ(-1, mq_send((mqd_t)-1, "x", 1, 0));
	EXPECT_EQ(EBADF, errno);
	mq_close(rd);
	mq_close(wr);
}

/* ---- mq_getattr, mq_setattr ---- */

TEST_F(pmq, nonblock_and_attrs)
{
	struct mq_attr a = { .mq_flags = O_NONBLOCK }, old;
	char buf[64];
	int i;

	ASSERT_EQ(0, mq_setattr(self->q, &a, &old));
	EXPECT_EQ(0, old.mq_flags);
	EXPECT_EQ(4, old.mq_maxmsg);
	EXPECT_EQ(-1, mq_receive(self->q, buf, 64, NULL));
	EXPECT_EQ(EAGAIN, errno);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	EXPECT_EQ(-1, mq_send(self->q, "x", 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, mq_getattr(self->q, &a));
	EXPECT_EQ(4, a.mq_curmsgs);
	EXPECT_EQ(O_NONBLOCK, a.mq_flags);
	/* Only O_NONBLOCK changes; maxmsg in the new attr is ignored. */
	a = (struct mq_attr){ .mq_flags = 0, .mq_maxmsg = 99 };
	ASSERT_EQ(0, mq_setattr(self->q, &a, NULL));
	ASSERT_EQ(0, mq_getattr(self->q, &a));
	EXPECT_EQ(0, a.mq_flags);
	EXPECT_EQ(4, a.mq_maxmsg);
	EXPECT_EQ(-1, mq_getattr((mqd_t)-1, &a));
	EXPECT_EQ(EBADF, errno);
}

/* ---- mq_timedsend, mq_timedreceive ---- */

TEST_F(pmq, timeouts)
{
	struct timespec ts, bad = { .tv_sec = 0, .tv_nsec = 1000000000L };
	char buf[64];
	int i;

	ts = in_ms(50);
	EXPECT_EQ(-1, mq_timedreceive(self->q, buf, 64, NULL, &ts));
	EXPECT_EQ(ETIMEDOUT, errno);
	ts = (struct timespec){ .tv_sec = 1 };
	EXPECT_EQ(-1, mq_timedreceive(self->q, buf, 64, NULL, &ts));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(-1, mq_timedreceive(self->q, buf, 64, NULL, &bad));
	EXPECT_EQ(EINVAL, errno);
	for (i = 0; i < 4; i++) {
		ts = in_ms(1000);
		ASSERT_EQ(0, mq_timedsend(self->q, "x", 1, 0, &ts));
	}
	ts = in_ms(50);
	EXPECT_EQ(-1, mq_timedsend(self->q, "x", 1, 0, &ts));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(-1, mq_timedsend(self->q, "x", 1, 0, &bad));
	EXPECT_EQ(EINVAL, errno);
	ts = in_ms(1000);
	EXPECT_EQ(1, mq_timedreceive(self->q, buf, 64, NULL, &ts));
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(pmq, blocking_and_eintr)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int status;
	char buf[64];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		unsigned int prio;

		_exit(mq_receive(self->q, buf, 64, &prio) == 3 && prio == 7 &&
		      !memcmp(buf, "abc", 3) ? 0 : 1);
	}
	usleep(100000);
	ASSERT_EQ(0, mq_send(self->q, "abc", 3, 7));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* A handler without SA_RESTART interrupts a blocked receive. */
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	EXPECT_EQ(-1, mq_receive(self->q, buf, 64, NULL));
	EXPECT_EQ(EINTR, errno);
	signal(SIGALRM, SIG_DFL);
}

TEST_F(pmq, poll)
{
	struct pollfd p = { .fd = self->q, .events = POLLIN };

	EXPECT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLIN);
}

/* ---- mq_notify ---- */

static siginfo_t wait_sig(int sig, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	sigset_t set;
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigtimedwait(&set, &si, &ts) < 0)
		si.si_signo = 0;
	return si;
}

static void block_usr1(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

TEST_F(pmq, notify_signal)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1,
		.sigev_value.sival_int = 4242,
	};
	siginfo_t si;
	char buf[64];
	int status;
	pid_t pid;

	block_usr1();
	ASSERT_EQ(0, mq_notify(self->q, &sev));
	/* One registration per queue. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(mq_notify(self->q, &sev) == -1 && errno == EBUSY ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	si = wait_sig(SIGUSR1, 5000);
	ASSERT_EQ(SIGUSR1, si.si_signo);
	EXPECT_EQ(SI_MESGQ, si.si_code);
	EXPECT_EQ(4242, si.si_value.sival_int);
	EXPECT_EQ(getpid(), si.si_pid);
	EXPECT_EQ(getuid(), si.si_uid);
	/* Removed after it fired. */
	ASSERT_EQ(1, mq_receive(self->q, buf, 64, NULL));
	ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	EXPECT_EQ(0, wait_sig(SIGUSR1, 100).si_signo);
	ASSERT_EQ(1, mq_receive(self->q, buf, 64, NULL));

	/* Only on empty -> non-empty. */
	ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	ASSERT_EQ(0, mq_notify(self->q, &sev));
	ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	EXPECT_EQ(0, wait_sig(SIGUSR1, 100).si_signo);
	/* Unregister; then another process may register. */
	EXPECT_EQ(0, mq_notify(self->q, NULL));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(mq_notify(self->q, &sev) == 0 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	sev.sigev_signo = 0x7fff;
	EXPECT_EQ(-1, mq_notify(self->q, &sev));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mq_notify((mqd_t)-1, NULL));
	EXPECT_EQ(EBADF, errno);
}

/* No notification when a receiver is waiting: it takes the message. */
TEST_F(pmq, notify_not_while_receiver_waits)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1,
	};
	int status;
	pid_t pid;

	block_usr1();
	ASSERT_EQ(0, mq_notify(self->q, &sev));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[64];
		struct timespec ts = in_ms(20000);

		_exit(mq_timedreceive(self->q, buf, 64, NULL, &ts) == 1 ? 0 : 1);
	}
	/* Let the child block (a liveness wait, not a pass condition). */
	usleep(300000);
	ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, wait_sig(SIGUSR1, 100).si_signo);
}

static pthread_mutex_t thr_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t thr_cond = PTHREAD_COND_INITIALIZER;
static int thr_value;

static void thr_fn(union sigval v)
{
	pthread_mutex_lock(&thr_lock);
	thr_value = v.sival_int;
	pthread_cond_signal(&thr_cond);
	pthread_mutex_unlock(&thr_lock);
}

TEST_F(pmq, notify_thread_and_none)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD, .sigev_notify_function = thr_fn,
		.sigev_value.sival_int = 77,
	};
	struct timespec ts = in_ms(10000);
	char buf[64];
	int status;
	pid_t pid;

	ASSERT_EQ(0, mq_notify(self->q, &sev));
	ASSERT_EQ(0, mq_send(self->q, "x", 1, 0));
	pthread_mutex_lock(&thr_lock);
	while (thr_value != 77)
		if (pthread_cond_timedwait(&thr_cond, &thr_lock, &ts))
			break;
	pthread_mutex_unlock(&thr_lock);
	EXPECT_EQ(77, thr_value);
	ASSERT_EQ(1, mq_receive(self->q, buf, 64, NULL));

	sev = (struct sigevent){ .sigev_notify = SIGEV_NONE };
	ASSERT_EQ(0, mq_notify(self->q, &sev));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(mq_notify(self->q, &sev) == -1 && errno == EBUSY ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- mq_unlink ---- */

TEST_F(pmq, unlink_while_open)
{
	struct mq_attr a;
	char buf[64];
	mqd_t again;

	ASSERT_EQ(0, mq_send(self->q, "kept", 4, 0));
	ASSERT_EQ(0, mq_unlink(self->name));
	EXPECT_EQ(-1, mq_unlink(self->name));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ((mqd_t)-1, mq_open(self->name, O_RDWR));
	EXPECT_EQ(ENOENT, errno);
	again = mq_open(self->name, O_RDWR | O_CREAT | O_EXCL, 0600,
			&self->attr);
	ASSERT_NE((mqd_t)-1, again);
	ASSERT_EQ(0, mq_getattr(again, &a));
	EXPECT_EQ(0, a.mq_curmsgs);
	EXPECT_EQ(4, mq_receive(self->q, buf, 64, NULL));
	EXPECT_EQ(0, mq_send(self->q, "x", 1, 0));
	mq_close(again);
	EXPECT_EQ(-1, mq_unlink("noslash"));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- descriptors across fork and exec ---- */

TEST_F(pmq, fork_and_exec)
{
	char fdstr[16], buf[64];
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(mq_send(self->q, "child", 5, 1) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(5, mq_receive(self->q, buf, 64, NULL));

	snprintf(fdstr, sizeof(fdstr), "%d", (int)self->q);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		execl("/proc/self/exe", "mq_conform", POST_EXEC, fdstr,
		      (char *)NULL);
		_exit(3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* After execve() the descriptor must be closed. */
static int post_exec(const char *fdstr)
{
	return fcntl(atoi(fdstr), F_GETFD) == -1 && errno == EBADF ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], POST_EXEC))
		return post_exec(argv[2]);
	return test_harness_run(argc, argv);
}
