// SPDX-License-Identifier: GPL-2.0
/*
 * Security: what an unprivileged user (uid 65534) can consume, tried for
 * real: per-user byte quota on messages and on ring memory, the mailbox
 * limit; that a fresh user + IPC namespace gives no fresh quota; that
 * IPC namespaces hide mailboxes, endpoints and rings both ways; that a
 * memory cgroup limit ends in an error for the sender, not an OOM kill;
 * and that structs and ring memory copied to user space carry no stale
 * kernel bytes (the test VM boots with init_on_alloc=0, so they would).
 *
 * Mailbox permissions for a second user are in kipc_perm_test.c, ring
 * permissions in kipc_ring_test.c.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kipc_util.h"

#include "kipc_ring_proto.h"

#include "../kselftest_harness.h"

/* Exit status of a child that could not set up what the test needs. */
#define KT_CHILD_SKIP	99

static const char *const params[] = {
	"user_bytes_max", "max_mailboxes", "ring_max", "queue_bytes_max",
};

/* Every test runs as root, with the parameters it changes restored after. */
FIXTURE(sec) {
	unsigned long saved[KT_ARRAY_SIZE(params)];
	bool have_saved;
	int ep;
};

FIXTURE_SETUP(sec)
{
	unsigned int i;

	self->have_saved = false;
	self->ep = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root to set module parameters and change uid");
	for (i = 0; i < KT_ARRAY_SIZE(params); i++)
		if (kt_param_get(params[i], &self->saved[i]))
			SKIP(return, "no parameter %s/%s", KT_PARAM_DIR, params[i]);
	self->have_saved = true;
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
}

FIXTURE_TEARDOWN(sec)
{
	unsigned int i;

	if (self->ep >= 0)
		close(self->ep);
	if (!self->have_saved)
		return;
	for (i = 0; i < KT_ARRAY_SIZE(params); i++)
		EXPECT_EQ(0, kt_param_set(params[i], self->saved[i]))
			TH_LOG("could not restore %s", params[i]);
}

/* Run @fn in a child; its exit status, 128 + signal, or -1. */
static int in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return kt_wait_exit(pid);
}

#define MSG_LEN		100
#define QUOTA		16384

/* Bytes the caller's user holds now (KIPC_IOC_USAGE). */
static long long held(int fd)
{
	struct kipc_usage u;

	return sys_kipc_usage(fd, &u) ? -1 : (long long)u.bytes;
}

/*
 * As nobody: fill a big mailbox with 100-byte messages until EDQUOT.
 * Exactly as many got queued as the quota holds, counting each message at
 * its real size and the mailbox itself; the direct inbox is under the
 * same quota; receiving one gives its bytes back.
 */
static void nobody_fills_a_mailbox(void *arg)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 1000,
		.max_bytes = 1000 * MSG_LEN, .mode = 0600,
	};
	char buf[MSG_LEN] = { 0 };
	long long base, fp;
	struct kipc_info info;
	int ep, mfd, n = 1, ret;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	KT_CHILD_CHECK(held(ep) == 0);
	mfd = sys_kipc_mbox_create(ep, NULL, &attr, NULL);
	KT_CHILD_CHECK(mfd >= 0);
	base = held(ep);
	KT_CHILD_CHECK(base > 0);
	KT_CHILD_CHECK(sys_kipc_send(mfd, 0, buf, MSG_LEN, 0, KIPC_NONBLOCK, NULL) == 0);
	fp = held(ep) - base;
	KT_CHILD_CHECK(fp > MSG_LEN);
	while ((ret = sys_kipc_send(mfd, 0, buf, MSG_LEN, 0, KIPC_NONBLOCK, NULL)) == 0)
		KT_CHILD_CHECK(++n <= 1000);
	KT_CHILD_CHECK(ret == -EDQUOT);
	KT_CHILD_CHECK(n == (QUOTA - base) / fp);
	KT_CHILD_CHECK(held(ep) == base + n * fp);
	KT_CHILD_CHECK(sys_kipc_stat(mfd, 0, &info) == 0);
	KT_CHILD_CHECK(info.depth == (unsigned int)n);
	KT_CHILD_CHECK(info.bytes == (unsigned int)n * MSG_LEN);
	KT_CHILD_CHECK(sys_kipc_send(ep, kt_ep_id(ep), buf, MSG_LEN, 0,
				 KIPC_NONBLOCK, NULL) == -EDQUOT);
	KT_CHILD_CHECK(sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL) == MSG_LEN);
	KT_CHILD_CHECK(sys_kipc_send(ep, kt_ep_id(ep), buf, MSG_LEN, 0,
				 KIPC_NONBLOCK, NULL) == 0);
}

TEST_F(sec, nobody_cannot_queue_beyond_user_bytes_max)
{
	ASSERT_EQ(0, kt_param_set("user_bytes_max", QUOTA));
	EXPECT_EQ(0, in_child(nobody_fills_a_mailbox, NULL));
	/* Another user's quota is its own: root still sends. */
	EXPECT_EQ(0, sys_kipc_send(self->ep, kt_ep_id(self->ep), "r", 1, 0,
			       KIPC_NONBLOCK, NULL));
}

/* Mailboxes existing in this IPC namespace now. */
static int count_mailboxes(int fd)
{
	struct kipc_info info[64];
	uint64_t cursor = 0;
	int n, total = 0;

	while ((n = sys_kipc_list(fd, KIPC_LIST_MAILBOXES, &cursor, info, 64)) > 0)
		total += n;
	return n < 0 ? n : total;
}

static void nobody_creates_mailboxes(void *arg)
{
	int ep, i, ret;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	for (i = 0; i < 3; i++)
		KT_CHILD_CHECK(kt_mbox(ep, NULL, 1, 0600, NULL) >= 0);
	ret = kt_mbox(ep, NULL, 1, 0600, NULL);
	KT_CHILD_CHECK(ret == -ENOSPC);
}

TEST_F(sec, nobody_cannot_create_mailboxes_beyond_max_mailboxes)
{
	int n = count_mailboxes(self->ep);

	ASSERT_GE(n, 0);
	ASSERT_EQ(0, kt_param_set("max_mailboxes", n + 3));
	EXPECT_EQ(0, in_child(nobody_creates_mailboxes, NULL));
	/* The child's owned mailboxes died with it. */
	EXPECT_EQ(n, count_mailboxes(self->ep));
}

/* 16 slots of 256 bytes and the header page: two pages. */
#define RING_SLOTS	16
#define RING_SLOT	256

/*
 * What the objects of the ring tests hold, measured as root before the
 * child runs (fork copies it): a small ring, a 4-message mailbox, and
 * messages of 3000 and 4000 bytes (different allocation sizes).
 */
static struct {
	long long ring, mbox, msg3000, msg4000;
} fp;

static int small_ring(int ep, uint64_t *id)
{
	return sys_kipc_ring_create(ep, NULL, RING_SLOTS, RING_SLOT, KIPC_RING_SPSC,
				0600, id);
}

/* Measure fp as root; 0 or -1. */
static int measure_footprints(int ep)
{
	char buf[4000] = { 0 };
	long long h0, h1;
	uint64_t id, mid;
	int mfd;

	h0 = held(ep);
	if (h0 < 0 || small_ring(ep, &id))
		return -1;
	fp.ring = held(ep) - h0;
	if (sys_kipc_ring_delete(ep, NULL, id))
		return -1;
	mfd = kt_mbox(ep, NULL, 4, 0600, &mid);
	if (mfd < 0)
		return -1;
	h1 = held(ep);
	fp.mbox = h1 - h0;
	if (sys_kipc_send(mfd, 0, buf, 3000, 0, KIPC_NONBLOCK, NULL))
		return -1;
	fp.msg3000 = held(ep) - h1;
	if (sys_kipc_send(mfd, 0, buf, 4000, 0, KIPC_NONBLOCK, NULL))
		return -1;
	fp.msg4000 = held(ep) - h1 - fp.msg3000;
	if (sys_kipc_mbox_delete(ep, mid))
		return -1;
	close(mfd);
	return held(ep) == h0 ? 0 : -1;
}

/*
 * Two rings and a mailbox holding one 3000-byte message fit; a third ring
 * or a 4000-byte message do not.
 */
static long long ring_quota(void)
{
	return 2 * fp.ring + fp.mbox + fp.msg3000;
}

/*
 * As nobody: ring memory counts against user_bytes_max together with
 * queued messages, and is given back when the ring is freed (deleted and
 * no longer mapped), not before.
 */
static void nobody_creates_rings(void *arg)
{
	char buf[4000] = { 0 };
	struct kt_ring c;
	uint64_t a, b, x;
	int ep, mfd;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	KT_CHILD_CHECK(small_ring(ep, &a) == 0);
	KT_CHILD_CHECK(small_ring(ep, &b) == 0);
	KT_CHILD_CHECK(held(ep) == 2 * fp.ring);

	/* Rings and messages share the quota. */
	mfd = kt_mbox(ep, NULL, 4, 0600, NULL);
	KT_CHILD_CHECK(mfd >= 0);
	KT_CHILD_CHECK(small_ring(ep, &x) == -EDQUOT);
	KT_CHILD_CHECK(sys_kipc_send(mfd, 0, buf, 4000, 0, KIPC_NONBLOCK, NULL) == -EDQUOT);
	KT_CHILD_CHECK(sys_kipc_send(mfd, 0, buf, 3000, 0, KIPC_NONBLOCK, NULL) == 0);
	KT_CHILD_CHECK(sys_kipc_recv(mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL) == 3000);

	/* Deleting a ring gives its bytes back. */
	KT_CHILD_CHECK(sys_kipc_ring_delete(ep, NULL, a) == 0);
	KT_CHILD_CHECK(small_ring(ep, &a) == 0);
	KT_CHILD_CHECK(small_ring(ep, &x) == -EDQUOT);

	/* ... but only once its memory is freed: a mapping keeps it. */
	KT_CHILD_CHECK(kt_ring_attach(ep, NULL, b, KIPC_RING_ROLE_CONSUMER, &c) == 0);
	KT_CHILD_CHECK(sys_kipc_ring_delete(ep, NULL, b) == 0);
	KT_CHILD_CHECK(small_ring(ep, &x) == -EDQUOT);
	kt_ring_detach(&c);
	KT_CHILD_CHECK(small_ring(ep, &b) == 0);

	KT_CHILD_CHECK(sys_kipc_ring_delete(ep, NULL, a) == 0);
	KT_CHILD_CHECK(sys_kipc_ring_delete(ep, NULL, b) == 0);
}

TEST_F(sec, nobody_ring_memory_is_charged_to_user_bytes_max)
{
	ASSERT_EQ(0, kt_param_set("ring_max", 64));
	ASSERT_EQ(0, measure_footprints(self->ep));
	ASSERT_LT(fp.msg3000, fp.msg4000);
	ASSERT_EQ(0, kt_param_set("user_bytes_max", ring_quota()));
	EXPECT_EQ(0, in_child(nobody_creates_rings, NULL));
}

/*
 * As nobody, with two rings in the initial namespace: a new user + IPC
 * namespace gives a fresh ring_max and fresh names, but the quota is the
 * user's, wherever it creates: no third ring, no extra messages.
 */
static void nobody_unshares_for_more_rings(void *arg)
{
	char buf[4000] = { 0 };
	uint64_t a, b, x;
	int ep, ep2, mfd;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	KT_CHILD_CHECK(small_ring(ep, &a) == 0);
	KT_CHILD_CHECK(small_ring(ep, &b) == 0);
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC))
		_exit(KT_CHILD_SKIP);
	ep2 = sys_kipc_open(0);
	KT_CHILD_CHECK(ep2 >= 0);
	mfd = kt_mbox(ep2, NULL, 4, 0600, NULL);
	KT_CHILD_CHECK(mfd >= 0);
	KT_CHILD_CHECK(small_ring(ep2, &x) == -EDQUOT);
	KT_CHILD_CHECK(sys_kipc_send(mfd, 0, buf, 4000, 0, KIPC_NONBLOCK, NULL) == -EDQUOT);
	/* Freeing one in the old namespace makes room in the new one. */
	KT_CHILD_CHECK(sys_kipc_ring_delete(ep, NULL, a) == 0);
	KT_CHILD_CHECK(small_ring(ep2, &x) == 0);
	KT_CHILD_CHECK(sys_kipc_ring_delete(ep2, NULL, x) == 0);
	KT_CHILD_CHECK(sys_kipc_ring_delete(ep, NULL, b) == 0);
}

TEST_F(sec, new_user_and_ipc_namespace_gives_no_fresh_quota)
{
	int ret;

	ASSERT_EQ(0, measure_footprints(self->ep));
	ASSERT_EQ(0, kt_param_set("user_bytes_max", ring_quota()));
	ret = in_child(nobody_unshares_for_more_rings, NULL);
	if (ret == KT_CHILD_SKIP)
		SKIP(return, "unprivileged unshare(CLONE_NEWUSER | CLONE_NEWIPC) refused by this kernel");
	EXPECT_EQ(0, ret);
}

/* What one side of a namespace boundary has, for the other to look for. */
struct ns_objs {
	uint64_t ep, mbox, ring;
	char ep_name[KIPC_NAME_MAX];
	char mbox_name[KIPC_NAME_MAX];
	char ring_name[KIPC_NAME_MAX];
};

/*
 * 0 if none of @o is visible through @fd, else the line of the leak. @own
 * (or NULL) are the objects of @fd's side, which have the same names.
 */
static int ns_hidden(int fd, const struct ns_objs *o, const struct ns_objs *own)
{
	struct kipc_info info[64];
	struct kt_ring r;
	uint64_t cursor = 0, id = 0;
	int n, i;

	if (sys_kipc_send(fd, o->ep, "x", 1, 0, KIPC_NONBLOCK, NULL) != -ESRCH)
		return __LINE__;
	if (sys_kipc_stat(fd, o->ep, info) != -ENOENT)
		return __LINE__;
	if (sys_kipc_mbox_open_id(fd, o->mbox) != -ENOENT)
		return __LINE__;
	if (sys_kipc_mbox_delete(fd, o->mbox) != -ENOENT)
		return __LINE__;
	if (sys_kipc_stat(fd, o->mbox, info) != -ENOENT)
		return __LINE__;
	if (kt_ring_attach(fd, NULL, o->ring, KIPC_RING_ROLE_CONSUMER, &r) != -ENOENT)
		return __LINE__;
	if (sys_kipc_ring_delete(fd, NULL, o->ring) != -ENOENT)
		return __LINE__;
	if (sys_kipc_stat(fd, o->ring, info) != -ENOENT)
		return __LINE__;

	/* By name: nothing, or this side's own object of that name. */
	n = sys_kipc_ep_lookup(fd, o->ep_name, &id);
	if (own ? n || id != own->ep : n != -ESRCH)
		return __LINE__;
	id = 0;
	n = sys_kipc_mbox_open(fd, o->mbox_name, &id);
	if (own ? n < 0 || id != own->mbox : n != -ENOENT)
		return __LINE__;
	if (n >= 0)
		close(n);
	n = sys_kipc_stat_name(fd, KIPC_TYPE_RING, o->ring_name, info);
	if (own ? n || info[0].id != own->ring : n != -ENOENT)
		return __LINE__;

	while ((n = sys_kipc_list(fd, KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES |
			      KIPC_LIST_RINGS, &cursor, info, 64)) > 0)
		for (i = 0; i < n; i++)
			if (info[i].id == o->ep || info[i].id == o->mbox ||
			    info[i].id == o->ring)
				return __LINE__;
	return n ? __LINE__ : 0;
}

/* Create @o's named endpoint, mailbox and ring through a new endpoint. */
static int ns_create(struct ns_objs *o, int *ep)
{
	int mfd;

	*ep = sys_kipc_open(0);
	if (*ep < 0)
		return *ep;
	o->ep = kt_ep_id(*ep);
	if (sys_kipc_ep_set_name(*ep, o->ep_name))
		return -1;
	mfd = kt_mbox(*ep, o->mbox_name, 4, 0666, &o->mbox);
	if (mfd < 0)
		return mfd;
	return sys_kipc_ring_create(*ep, o->ring_name, 4, 64, KIPC_RING_SPSC, 0666, &o->ring);
}

/*
 * A child in a new IPC namespace (as root, and as nobody in a new user
 * namespace) sees none of its parent's endpoints, mailboxes and rings,
 * by name, by id or in LIST, and may reuse their names; and the parent
 * sees none of the child's.
 */
static void ns_both_ways(struct __test_metadata *_metadata, int flags, bool nobody)
{
	struct ns_objs *shared, parent = { 0 };
	int ep, go[2], done[2], status;
	pid_t pid;
	char c;

	shared = kt_shared(sizeof(*shared));
	ASSERT_NE(NULL, shared);
	kt_name(parent.ep_name, sizeof(parent.ep_name), "ns-ep");
	kt_name(parent.mbox_name, sizeof(parent.mbox_name), "ns-mb");
	kt_name(parent.ring_name, sizeof(parent.ring_name), "ns-ring");
	ASSERT_EQ(0, ns_create(&parent, &ep));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int cep, line;

		close(go[0]);
		close(done[1]);
		close(ep);
		if (nobody)
			kt_child_become_nobody();
		if (unshare(flags))
			_exit(KT_CHILD_SKIP);
		cep = sys_kipc_open(0);
		KT_CHILD_CHECK(cep >= 0);
		line = ns_hidden(cep, &parent, NULL);
		if (line) {
			fprintf(stderr, "# child sees the parent's objects (line %d)\n", line);
			_exit(1);
		}
		close(cep);
		/* The parent's names are free here. */
		memcpy(shared, &parent, sizeof(*shared));
		KT_CHILD_CHECK(ns_create(shared, &cep) == 0);
		KT_CHILD_CHECK(write(go[1], "c", 1) == 1);
		KT_CHILD_CHECK(read(done[0], &c, 1) == 0);
		/*
		 * Nothing deletes a ring of a namespace nobody is left in:
		 * it would stay, charged to this user, until kipc is unloaded.
		 */
		KT_CHILD_CHECK(sys_kipc_ring_delete(cep, NULL, shared->ring) == 0);
		_exit(0);
	}
	close(go[1]);
	close(done[0]);
	if (read(go[0], &c, 1) == 1) {
		/* The child's objects are as invisible from here. */
		EXPECT_EQ(0, ns_hidden(ep, shared, &parent));
	}
	close(done[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	close(go[0]);
	sys_kipc_ring_delete(ep, NULL, parent.ring);
	sys_kipc_mbox_delete(ep, parent.mbox);
	close(ep);
	munmap(shared, sizeof(*shared));
	if (WEXITSTATUS(status) == KT_CHILD_SKIP)
		SKIP(return, "unshare(%s) refused by this kernel",
		     nobody ? "CLONE_NEWUSER | CLONE_NEWIPC as nobody" : "CLONE_NEWIPC");
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(sec, ipc_namespace_hides_everything_both_ways)
{
	ns_both_ways(_metadata, CLONE_NEWIPC, false);
}

TEST_F(sec, unprivileged_user_and_ipc_namespace_hides_everything_both_ways)
{
	ns_both_ways(_metadata, CLONE_NEWUSER | CLONE_NEWIPC, true);
}

#define CGROOT		"/sys/fs/cgroup"
#define MEMCG_MAX	(8UL << 20)

static int write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : n < 0 ? -errno : -EIO;
}

/* The value of "@key N" in a flat-keyed file, -1 if absent. */
static long read_key(const char *path, const char *key)
{
	char line[256];
	long val = -1;
	size_t klen = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			val = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return val;
}

/* What the child in the small memory cgroup did. */
struct memcg_result {
	int sent;	/* 1 MiB messages queued before the failure */
	int send_err;
	int ring_err;
};

/*
 * A sender in a memory cgroup with memory.max = 8 MiB: large messages to
 * a mailbox with room for 64 MiB fail with ENOMEM once the cgroup is
 * full, as does creating a 32 MiB ring; nobody is OOM-killed, inside the
 * cgroup or out of it.
 */
TEST_F(sec, memory_cgroup_limit_gives_enomem_not_oom)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 64, .max_bytes = 64U << 20,
		.msg_max = 1U << 20, .mode = 0600,
	};
	struct memcg_result *res;
	struct kipc_info info;
	char cg[128], path[256], pidbuf[32], ch;
	long oom_before, oom_after;
	int mfd, go[2], status;
	pid_t pid;

	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
		SKIP(return, "no cgroup2 at " CGROOT " and cannot mount it: %s", strerror(errno));
	if (access(CGROOT "/cgroup.subtree_control", W_OK))
		SKIP(return, "cgroup2 at " CGROOT " is not writable");
	if (write_file(CGROOT "/cgroup.subtree_control", "+memory"))
		SKIP(return, "the memory controller is not available (CONFIG_MEMCG?)");
	snprintf(cg, sizeof(cg), CGROOT "/kipc-sec-%d", getpid());
	ASSERT_EQ(0, mkdir(cg, 0755));
	snprintf(path, sizeof(path), "%s/memory.max", cg);
	snprintf(pidbuf, sizeof(pidbuf), "%lu", MEMCG_MAX);
	ASSERT_EQ(0, write_file(path, pidbuf));
	snprintf(path, sizeof(path), "%s/memory.swap.max", cg);
	write_file(path, "0");	/* absent without swap support: fine */

	ASSERT_EQ(0, kt_param_set("queue_bytes_max", 64UL << 20));
	ASSERT_EQ(0, kt_param_set("user_bytes_max", 0));
	mfd = sys_kipc_mbox_create(self->ep, NULL, &attr, NULL);
	ASSERT_GE(mfd, 0);
	res = kt_shared(sizeof(*res));
	ASSERT_NE(NULL, res);
	oom_before = read_key("/proc/vmstat", "oom_kill");
	ASSERT_EQ(0, pipe(go));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		static char big[1U << 20];
		int ret;

		close(go[1]);
		memset(big, 'm', sizeof(big));	/* fault it in before the limit */
		KT_CHILD_CHECK(read(go[0], &ch, 1) == 1);
		while ((ret = sys_kipc_send(mfd, 0, big, sizeof(big), 0,
					KIPC_NONBLOCK, NULL)) == 0)
			res->sent++;
		res->send_err = ret;
		res->ring_err = sys_kipc_ring_create(self->ep, NULL, 1U << 15, 1024,
						 KIPC_RING_SPSC, 0600, NULL);
		_exit(0);
	}
	close(go[0]);
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	EXPECT_EQ(0, write_file(path, pidbuf));
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("child status %#x: killed by the OOM killer?", status);
	TH_LOG("%d MiB queued from the %lu MiB cgroup before the send failed",
	       res->sent, MEMCG_MAX >> 20);
	EXPECT_EQ(-ENOMEM, res->send_err);
	EXPECT_LT(res->sent, (int)(MEMCG_MAX >> 20));
	EXPECT_EQ(-ENOMEM, res->ring_err);
	snprintf(path, sizeof(path), "%s/memory.events", cg);
	EXPECT_EQ(0, read_key(path, "oom_kill"));
	oom_after = read_key("/proc/vmstat", "oom_kill");
	EXPECT_EQ(oom_before, oom_after);

	/* What was queued before the failure is all there. */
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(res->sent, info.depth);
	EXPECT_EQ((uint64_t)res->sent << 20, info.bytes);
	close(mfd);
	EXPECT_EQ(0, rmdir(cg));
	munmap(res, sizeof(*res));
}

/*
 * CALL: reply_hdr and reply_len are written in full, over a struct
 * prefilled with KT_POISON.
 */
static void *reply_once(void *arg)
{
	int srv = *(int *)arg;
	struct kipc_msg_hdr hdr;
	char buf[16];

	if (sys_kipc_recv(srv, buf, sizeof(buf), &hdr, 0,
		      &(struct timespec){ .tv_sec = KT_WAIT_MS / 1000 }) < 0)
		return NULL;
	sys_kipc_reply(srv, hdr.token, "answer", 6);
	return NULL;
}

TEST(call_reply_header_has_no_stale_bytes)
{
	struct kipc_call call;
	char reply[16];
	pthread_t thread;
	int srv, cli;

	srv = sys_kipc_open(0);
	cli = sys_kipc_open(0);
	ASSERT_GE(srv, 0);
	ASSERT_GE(cli, 0);
	ASSERT_EQ(0, pthread_create(&thread, NULL, reply_once, &srv));
	memset(&call, KT_POISON, sizeof(call));
	memset(reply, KT_POISON, sizeof(reply));
	call.size = sizeof(call);
	call.flags = KIPC_TIMEOUT;
	call.timeout.tv_sec = KT_WAIT_MS / 1000;
	call.timeout.tv_nsec = 0;
	call.dest = kt_ep_id(srv);
	call.buf = (uintptr_t)"q";
	call.len = 1;
	call.priority = 3;
	call.reply_buf = (uintptr_t)reply;
	call.reply_buf_len = sizeof(reply);
	ASSERT_EQ(0, kt_ioctl(cli, KIPC_IOC_CALL, &call));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(6, call.reply_len);
	EXPECT_EQ(0, memcmp(reply, "answer", 6));
	EXPECT_TRUE(kt_all_bytes(reply + 6, sizeof(reply) - 6, KT_POISON));
	EXPECT_EQ(kt_ep_id(srv), call.reply_hdr.sender_id);
	EXPECT_EQ(0, call.reply_hdr.mailbox_id);
	EXPECT_NE(0, call.reply_hdr.token);
	EXPECT_EQ(getpid(), call.reply_hdr.sender_pid);
	EXPECT_EQ(geteuid(), call.reply_hdr.sender_uid);
	EXPECT_EQ(getegid(), call.reply_hdr.sender_gid);
	EXPECT_EQ(6, call.reply_hdr.len);
	EXPECT_EQ(0, call.reply_hdr.flags);
	EXPECT_EQ(0, call.reply_hdr.reply_max);
	EXPECT_EQ(0, call.reply_hdr.timeout_ms);
	close(cli);
	close(srv);
}

/*
 * RING_CREATE writes back only the id, RING_ATTACH only its outputs; both
 * over poison where the ABI allows it (names after their NUL).
 */
TEST(ring_create_and_attach_outputs_have_no_stale_bytes)
{
	struct kipc_ring_create cr, want_cr;
	struct kipc_ring_attach at, want_at;
	int ep, fd;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	memset(&cr, KT_POISON, sizeof(cr));
	cr.size = sizeof(cr);
	cr.flags = 0;
	cr.slots = 8;
	cr.slot_size = 128;
	cr.mode = KIPC_RING_MPSC;
	cr.perm = 0600;
	cr.name[0] = '\0';
	want_cr = cr;
	ASSERT_EQ(0, kt_ioctl(ep, KIPC_IOC_RING_CREATE, &cr));
	EXPECT_NE(0, cr.id);
	want_cr.id = cr.id;
	EXPECT_EQ(0, memcmp(&want_cr, &cr, sizeof(cr)));

	memset(&at, KT_POISON, sizeof(at));
	at.size = sizeof(at);
	at.role = KIPC_RING_ROLE_PRODUCER;
	at.id = cr.id;
	at.name[0] = '\0';
	at.producer = at.slots = at.slot_size = at.mode = 0;
	at.map_size = 0;
	at.version = KIPC_RING_VERSION;
	at.reserved = 0;
	want_at = at;
	fd = kt_ioctl(ep, KIPC_IOC_RING_ATTACH, &at);
	ASSERT_GE(fd, 0);
	want_at.producer = 0;
	want_at.slots = 8;
	want_at.slot_size = 128;
	want_at.mode = KIPC_RING_MPSC;
	want_at.version = KIPC_RING_VERSION_1;
	/* The header page, and the slots rounded up to a page. */
	want_at.map_size = 2 * sysconf(_SC_PAGESIZE);
	EXPECT_EQ(0, memcmp(&want_at, &at, sizeof(at)));
	close(fd);
	EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, cr.id));
	close(ep);
}

/*
 * A new ring's memory, as mapped: the header is what the ABI says and
 * zero elsewhere, every slot is zero (MPSC: but its sequence number).
 * Without zeroing, init_on_alloc=0 would show old page contents here.
 */
TEST(new_ring_memory_is_zeroed)
{
	const unsigned int slots = 64, slot_size = 1024;
	struct kipc_ring_hdr hdr0;
	struct kt_ring r;
	unsigned char *p;
	unsigned int mode, i;
	uint64_t id;
	int ep;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	for (mode = KIPC_RING_SPSC; mode <= KIPC_RING_MPSC; mode++) {
		ASSERT_EQ(0, sys_kipc_ring_create(ep, NULL, slots, slot_size, mode, 0600, &id));
		ASSERT_EQ(0, kt_ring_attach(ep, NULL, id, KIPC_RING_ROLE_CONSUMER, &r));
		p = (unsigned char *)r.hdr;
		memcpy(&hdr0, p, sizeof(hdr0));
		EXPECT_EQ(KIPC_RING_MAGIC, hdr0.magic);
		EXPECT_EQ(slots, hdr0.slot_count);
		EXPECT_TRUE(kt_all_bytes(p + sizeof(hdr0), KIPC_RING_HDR_SIZE - sizeof(hdr0), 0));
		for (i = 0; i < slots; i++) {
			struct kipc_ring_slot *s = (void *)(p + KIPC_RING_HDR_SIZE +
							    (size_t)i * slot_size);

			EXPECT_EQ(mode == KIPC_RING_MPSC ? i : 0, s->seq);
			EXPECT_EQ(0, s->len);
			EXPECT_TRUE(kt_all_bytes(s + 1, slot_size - sizeof(*s), 0))
				TH_LOG("slot %u of a new %s ring is not zero", i,
				       mode == KIPC_RING_MPSC ? "MPSC" : "SPSC");
		}
		kt_ring_detach(&r);
		EXPECT_EQ(0, sys_kipc_ring_delete(ep, NULL, id));
	}
	close(ep);
}

TEST_HARNESS_MAIN
