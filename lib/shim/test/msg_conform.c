// SPDX-License-Identifier: GPL-2.0
/*
 * SysV message queue conformance, function by function, from the POSIX
 * and Linux manual pages. Built without any kipc header: run against the
 * system's own queues it tests the spec, linked with libkipc-msg or under
 * LD_PRELOAD=libkipc-preload.so it tests the shim.
 *
 * Needs root for the tests that act as uid 65534 (they skip otherwise).
 */
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../selftests/kselftest_harness.h"

#define NOBODY	65534

struct m {
	long mtype;
	char mtext[64];
};

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

static int put(int id, long type, const char *text, int flags)
{
	struct m m = { .mtype = type };

	strncpy(m.mtext, text, sizeof(m.mtext) - 1);
	return msgsnd(id, &m, strlen(text), flags);
}

/* Run @fn as uid/gid 65534 in a child; its exit status (0 = passed). */
static int as_nobody(int (*fn)(int), int arg)
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

/*
 * CAP_SYS_RESOURCE in the effective set of the calling process: is it
 * there (@drop false: 1 or 0), or drop it (@drop true: 0); -1 on error.
 */
static int cap_sys_resource(bool drop)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	unsigned int bit = 1U << (CAP_SYS_RESOURCE % 32);

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (!drop)
		return !!(d[CAP_SYS_RESOURCE / 32].effective & bit);
	d[CAP_SYS_RESOURCE / 32].effective &= ~bit;
	return syscall(SYS_capset, &h, d);
}

FIXTURE(sysv) {
	key_t key;
	int id;
	time_t born;
};

FIXTURE_SETUP(sysv)
{
	self->born = time(NULL);
	self->key = 0x4b000000 | (getpid() & 0xffff) << 4;
	self->id = msgget(self->key, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_GE(self->id, 0) TH_LOG("msgget: %s", strerror(errno));
}

FIXTURE_TEARDOWN(sysv)
{
	msgctl(self->id, IPC_RMID, NULL);
}

/* ---- msgget ---- */

TEST_F(sysv, get)
{
	int a, b;

	EXPECT_EQ(self->id, msgget(self->key, 0));
	EXPECT_EQ(self->id, msgget(self->key, IPC_CREAT | 0600));
	EXPECT_EQ(-1, msgget(self->key, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, msgget(self->key + 1, 0600));
	EXPECT_EQ(ENOENT, errno);
	a = msgget(IPC_PRIVATE, 0600);
	b = msgget(IPC_PRIVATE, 0600);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_NE(a, b);
	EXPECT_EQ(0, msgctl(a, IPC_RMID, NULL));
	EXPECT_EQ(0, msgctl(b, IPC_RMID, NULL));
}

/* ---- msgsnd, msgrcv ---- */

TEST_F(sysv, send_errors)
{
	struct m m = { .mtype = 0 };
	long max = proc_long("/proc/sys/kernel/msgmax", 8192);
	char *big;

	EXPECT_EQ(-1, msgsnd(self->id, &m, 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	m.mtype = -1;
	EXPECT_EQ(-1, msgsnd(self->id, &m, 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	big = calloc(1, sizeof(long) + max + 1);
	ASSERT_NE(NULL, big);
	*(long *)big = 1;
	EXPECT_EQ(-1, msgsnd(self->id, big, max + 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	free(big);
	m.mtype = 1;
	EXPECT_EQ(-1, msgsnd(-1, &m, 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(sysv, full_queue_nowait)
{
	long mnb = proc_long("/proc/sys/kernel/msgmnb", 16384);
	long max = proc_long("/proc/sys/kernel/msgmax", 8192);
	char *buf = calloc(1, sizeof(long) + max);
	long sent = 0;
	int ret;

	ASSERT_NE(NULL, buf);
	*(long *)buf = 1;
	while ((ret = msgsnd(self->id, buf, max, IPC_NOWAIT)) == 0)
		sent += max;
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_GE(mnb, sent);
	EXPECT_LT(mnb - sent, max);
	free(buf);
}

TEST_F(sysv, receive_by_type)
{
	struct m m;

	ASSERT_EQ(0, put(self->id, 5, "a", 0));
	ASSERT_EQ(0, put(self->id, 2, "b", 0));
	ASSERT_EQ(0, put(self->id, 7, "c", 0));
	ASSERT_EQ(0, put(self->id, 2, "d", 0));
	ASSERT_EQ(0, put(self->id, 1, "e", 0));

	EXPECT_EQ(1, msgrcv(self->id, &m, 64, 2, IPC_NOWAIT));
	EXPECT_EQ('b', m.mtext[0]);
	EXPECT_EQ(2, m.mtype);
	EXPECT_EQ(1, msgrcv(self->id, &m, 64, 2, IPC_NOWAIT | MSG_EXCEPT));
	EXPECT_EQ('a', m.mtext[0]);
	EXPECT_EQ(1, msgrcv(self->id, &m, 64, -6, IPC_NOWAIT));
	EXPECT_EQ('e', m.mtext[0]);
	EXPECT_EQ(1, m.mtype);
	EXPECT_EQ(1, msgrcv(self->id, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ('c', m.mtext[0]);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 64, 9, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(1, msgrcv(self->id, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ('d', m.mtext[0]);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
}

TEST_F(sysv, too_big_and_noerror)
{
	struct m m;

	ASSERT_EQ(0, put(self->id, 3, "hello", 0));
	EXPECT_EQ(-1, msgrcv(self->id, &m, 2, 0, IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);
	/* Still queued; MSG_NOERROR truncates and takes it. */
	memset(m.mtext, 0, sizeof(m.mtext));
	EXPECT_EQ(2, msgrcv(self->id, &m, 2, 0, IPC_NOWAIT | MSG_NOERROR));
	EXPECT_EQ(0, memcmp(m.mtext, "he\0", 3));
	EXPECT_EQ(3, m.mtype);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(sysv, blocking_eintr_and_rmid)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct m m;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(msgrcv(self->id, &m, 64, 4, 0) == 2 && m.mtype == 4 ?
		      0 : 1);
	usleep(100000);
	ASSERT_EQ(0, put(self->id, 3, "no", 0));
	ASSERT_EQ(0, put(self->id, 4, "ok", 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Never restarted, even with SA_RESTART. */
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 64, 9, 0));
	EXPECT_EQ(EINTR, errno);
	signal(SIGALRM, SIG_DFL);

	/* A blocked receiver gets EIDRM when the queue goes. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(msgrcv(self->id, &m, 64, 9, 0) == -1 && errno == EIDRM ?
		      0 : 1);
	usleep(300000);
	ASSERT_EQ(0, msgctl(self->id, IPC_RMID, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(-1, put(self->id, 1, "x", IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- msgctl ---- */

TEST_F(sysv, stat_and_set)
{
	struct msqid_ds ds;

	ASSERT_EQ(0, put(self->id, 1, "abc", 0));
	ASSERT_EQ(0, put(self->id, 1, "de", 0));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(2, ds.msg_qnum);
	EXPECT_EQ(5, ds.__msg_cbytes);
	EXPECT_EQ(proc_long("/proc/sys/kernel/msgmnb", 16384), ds.msg_qbytes);
	EXPECT_EQ(0600, ds.msg_perm.mode & 0777);
	EXPECT_EQ(geteuid(), ds.msg_perm.uid);
	EXPECT_EQ(self->key, ds.msg_perm.__key);

	ds.msg_perm.mode = 0640;
	ASSERT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(0640, ds.msg_perm.mode & 0777);
	EXPECT_EQ(-1, msgctl(self->id, 12345, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgctl(-1, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(sysv, stat_senders_receivers_and_times)
{
	struct msqid_ds ds;
	time_t before, after;
	struct m m;
	int status;
	pid_t pid;

	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.msg_stime);
	EXPECT_EQ(0, ds.msg_rtime);
	EXPECT_EQ(0, ds.msg_lspid);
	EXPECT_EQ(0, ds.msg_lrpid);
	EXPECT_GE(ds.msg_ctime, self->born);
	EXPECT_LE(ds.msg_ctime, time(NULL));
	EXPECT_EQ(geteuid(), ds.msg_perm.cuid);
	EXPECT_EQ(getegid(), ds.msg_perm.cgid);

	before = time(NULL);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(put(self->id, 3, "hello", 0) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	after = time(NULL);
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(pid, ds.msg_lspid);
	EXPECT_GE(ds.msg_stime, before);
	EXPECT_LE(ds.msg_stime, after);
	EXPECT_EQ(0, ds.msg_lrpid);
	EXPECT_EQ(0, ds.msg_rtime);

	/* A receive that fails (E2BIG) receives nothing. */
	EXPECT_EQ(-1, msgrcv(self->id, &m, 2, 0, IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.msg_lrpid);

	before = time(NULL);
	EXPECT_EQ(5, msgrcv(self->id, &m, 64, 0, IPC_NOWAIT));
	after = time(NULL);
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(getpid(), ds.msg_lrpid);
	EXPECT_GE(ds.msg_rtime, before);
	EXPECT_LE(ds.msg_rtime, after);
	EXPECT_EQ(pid, ds.msg_lspid);
}

TEST_F(sysv, set_moves_ctime_and_keeps_the_creator)
{
	struct msqid_ds ds;
	time_t before;

	/* The next second, so that an unchanged ctime shows. */
	before = time(NULL);
	while (time(NULL) == before)
		usleep(50000);
	before = time(NULL);
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	ds.msg_perm.mode = 0640;
	ASSERT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_GE(ds.msg_ctime, before);
	if (geteuid() != 0)
		SKIP(return, "needs root to give the queue away");
	ds.msg_perm.uid = NOBODY;
	ds.msg_perm.gid = NOBODY;
	ASSERT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(NOBODY, ds.msg_perm.uid);
	EXPECT_EQ(NOBODY, ds.msg_perm.gid);
	EXPECT_EQ(0, ds.msg_perm.cuid);
	EXPECT_EQ(0, ds.msg_perm.cgid);
}

TEST_F(sysv, set_qbytes)
{
	long mnb = proc_long("/proc/sys/kernel/msgmnb", 16384);
	struct msqid_ds ds;

	/* Lowering is the owner's right; the queue then holds less. */
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	ds.msg_qbytes = 10;
	ASSERT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(10, ds.msg_qbytes);
	EXPECT_EQ(0, put(self->id, 1, "abcdef", IPC_NOWAIT));
	EXPECT_EQ(-1, put(self->id, 1, "ghijk", IPC_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, put(self->id, 1, "ghij", IPC_NOWAIT));

	/* Raising up to msgmnb too. */
	ds.msg_qbytes = mnb;
	ASSERT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(mnb, ds.msg_qbytes);
	EXPECT_EQ(0, put(self->id, 1, "klmno", IPC_NOWAIT));
}

static int set_qbytes_above_mnb(int id)
{
	long mnb = proc_long("/proc/sys/kernel/msgmnb", 16384);
	struct msqid_ds ds;

	if (cap_sys_resource(true))
		return 10;
	if (msgctl(id, IPC_STAT, &ds))
		return 11;
	ds.msg_qbytes = mnb + 1;
	if (msgctl(id, IPC_SET, &ds) != -1 || errno != EPERM)
		return 12;
	ds.msg_qbytes = mnb - 1;
	return msgctl(id, IPC_SET, &ds) ? 13 : 0;
}

static int nobody_set(int id)
{
	struct msqid_ds ds;

	if (msgctl(id, IPC_STAT, &ds))
		return 10;
	ds.msg_qbytes = 100;
	return msgctl(id, IPC_SET, &ds) == -1 && errno == EPERM ? 0 : 1;
}

TEST_F(sysv, set_qbytes_permissions)
{
	long mnb = proc_long("/proc/sys/kernel/msgmnb", 16384);
	struct msqid_ds ds;
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop a capability and act as 65534");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(set_qbytes_above_mnb(self->id));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Not the owner: even a readable and writable queue. */
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	ds.msg_perm.mode = 0666;
	ASSERT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(0, as_nobody(nobody_set, self->id));
	/* With CAP_SYS_RESOURCE, above msgmnb. */
	if (cap_sys_resource(false) != 1)
		SKIP(return, "no CAP_SYS_RESOURCE to raise msg_qbytes above msgmnb");
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	ds.msg_qbytes = mnb + 1;
	EXPECT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(mnb + 1, ds.msg_qbytes);
}

TEST_F(sysv, info)
{
	struct msginfo mi;
	int max;

	ASSERT_EQ(0, put(self->id, 1, "abc", 0));
	max = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
	ASSERT_GE(max, 0) TH_LOG("IPC_INFO: %s", strerror(errno));
	EXPECT_EQ(proc_long("/proc/sys/kernel/msgmax", 8192), mi.msgmax);
	EXPECT_EQ(proc_long("/proc/sys/kernel/msgmnb", 16384), mi.msgmnb);
	EXPECT_EQ(proc_long("/proc/sys/kernel/msgmni", 32000), mi.msgmni);
	EXPECT_EQ(16, mi.msgssz);
	EXPECT_EQ(0xffff, mi.msgseg);
	/* IPC_INFO: MSGPOOL, MSGMAP, MSGTQL of <linux/msg.h>, fixed. */
	EXPECT_EQ(32000 * 16384 / 1024, mi.msgpool);
	EXPECT_EQ(16384, mi.msgmap);
	EXPECT_EQ(16384, mi.msgtql);

	/* MSG_INFO: queues, messages and bytes in use (ours among them). */
	EXPECT_EQ(max, msgctl(0, MSG_INFO, (struct msqid_ds *)&mi));
	EXPECT_GE(mi.msgpool, 1);
	EXPECT_GE(mi.msgmap, 1);
	EXPECT_GE(mi.msgtql, 3);
	EXPECT_GE(max, mi.msgpool - 1);
}

/* The index MSG_STAT_ANY finds @id at, or -1. */
static int index_of(int id, int max)
{
	struct msqid_ds ds;
	int i;

	for (i = 0; i <= max; i++)
		if (msgctl(i, MSG_STAT_ANY, &ds) == id)
			return i;
	return -1;
}

TEST_F(sysv, msg_stat_by_index)
{
	struct msginfo mi;
	struct msqid_ds ds;
	int max, idx;

	ASSERT_EQ(0, put(self->id, 1, "abc", 0));
	max = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
	ASSERT_GE(max, 0);
	idx = index_of(self->id, max);
	ASSERT_GE(idx, 0) TH_LOG("msqid %d not found at indexes 0..%d",
				 self->id, max);
	memset(&ds, 0, sizeof(ds));
	EXPECT_EQ(self->id, msgctl(idx, MSG_STAT, &ds));
	EXPECT_EQ(self->key, ds.msg_perm.__key);
	EXPECT_EQ(1, ds.msg_qnum);
	EXPECT_EQ(3, ds.__msg_cbytes);
	EXPECT_EQ(0600, ds.msg_perm.mode & 0777);
	/* Past the highest index in use. */
	EXPECT_EQ(-1, msgctl(max + 1, MSG_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgctl(max + 1, MSG_STAT_ANY, &ds));
	EXPECT_EQ(EINVAL, errno);
}

static int nobody_msg_stat(int idx)
{
	struct msqid_ds ds;

	if (msgctl(idx, MSG_STAT, &ds) != -1 || errno != EACCES)
		return 1;
	return msgctl(idx, MSG_STAT_ANY, &ds) >= 0 ? 0 : 2;
}

TEST_F(sysv, msg_stat_needs_read_permission)
{
	struct msginfo mi;
	int max, idx;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as uid 65534");
	max = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
	ASSERT_GE(max, 0);
	idx = index_of(self->id, max);
	ASSERT_GE(idx, 0);
	EXPECT_EQ(0, as_nobody(nobody_msg_stat, idx));
}

TEST_F(sysv, msg_copy)
{
	struct msqid_ds ds;
	struct m m;

	ASSERT_EQ(0, put(self->id, 1, "a", 0));
	ASSERT_EQ(0, put(self->id, 2, "bb", 0));
	ASSERT_EQ(0, put(self->id, 3, "ccc", 0));
	memset(&m, 0, sizeof(m));
	if (msgrcv(self->id, &m, 64, 1, IPC_NOWAIT | MSG_COPY) == -1 &&
	    errno == ENOSYS)
		SKIP(return, "kernel without MSG_COPY (CONFIG_CHECKPOINT_RESTORE)");
	EXPECT_EQ(2, m.mtype);
	EXPECT_EQ(0, memcmp(m.mtext, "bb", 2));
	EXPECT_EQ(1, msgrcv(self->id, &m, 64, 0, IPC_NOWAIT | MSG_COPY));
	EXPECT_EQ(1, m.mtype);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 64, 3, IPC_NOWAIT | MSG_COPY));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 64, 1, MSG_COPY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 64, 1,
			     IPC_NOWAIT | MSG_COPY | MSG_EXCEPT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgrcv(self->id, &m, 1, 2, IPC_NOWAIT | MSG_COPY));
	EXPECT_EQ(E2BIG, errno);
	/* Linux copies whole messages only: MSG_NOERROR cannot cut one. */
	EXPECT_EQ(-1, msgrcv(self->id, &m, 1, 2,
			     IPC_NOWAIT | MSG_COPY | MSG_NOERROR));
	EXPECT_EQ(EINVAL, errno);
	/* Copies: every message is still there, in order. */
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	EXPECT_EQ(3, ds.msg_qnum);
	EXPECT_EQ(1, msgrcv(self->id, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(1, m.mtype);
}

static int nobody_send(int id)
{
	return put(id, 1, "x", IPC_NOWAIT) == -1 && errno == EACCES ? 0 : 1;
}

static int nobody_rmid(int id)
{
	return msgctl(id, IPC_RMID, NULL) == -1 && errno == EPERM ? 0 : 1;
}

static int nobody_get(int key)
{
	if (msgget(key, 0) < 0)
		return 1;
	return msgget(key, 0600) == -1 && errno == EACCES ? 0 : 2;
}

TEST_F(sysv, permissions)
{
	struct msqid_ds ds;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as uid 65534");
	EXPECT_EQ(0, as_nobody(nobody_send, self->id));
	EXPECT_EQ(0, as_nobody(nobody_rmid, self->id));
	EXPECT_EQ(0, as_nobody(nobody_get, self->key));
	ASSERT_EQ(0, msgctl(self->id, IPC_STAT, &ds));
	ds.msg_perm.mode = 0622;
	ASSERT_EQ(0, msgctl(self->id, IPC_SET, &ds));
	EXPECT_EQ(1, as_nobody(nobody_send, self->id));
}

TEST_F(sysv, fork)
{
	struct m m;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(put(self->id, 8, "kid", 0) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(3, msgrcv(self->id, &m, 64, 8, IPC_NOWAIT));
}

TEST_HARNESS_MAIN
