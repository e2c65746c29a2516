// SPDX-License-Identifier: GPL-2.0
/*
 * What one unprivileged user can make the kernel hold, measured.
 *
 * user_bytes_max bounds everything a user's requests pin: queued messages
 * at their real footprint (an empty message is not free), mailboxes,
 * rings. The tests fill a user's quota with empty messages and compare
 * the growth of unreclaimable slab (/proc/meminfo SUnreclaim) with the
 * quota, in the initial namespaces and again from a new user + IPC
 * namespace with several mapped uids (no fresh quota: it is charged to
 * the namespace's owner as well). user_mailboxes_max and user_rings_max
 * bound one user's objects without closing the namespace to others. And
 * the objects of an IPC namespace nobody is left in are swept, giving
 * their user's quota back.
 *
 * Slab growth is noisy (other allocations, partly used slabs), so the
 * bound allows the quota plus a quarter plus SLAB_SLACK_KIB. On a kernel
 * with KASAN or kmemleak a small object costs several times its size in
 * slab (redzones, metadata, kmemleak's own object per allocation), which
 * the quota rightly does not count: there the bound is DEBUG_FACTOR times
 * larger. Without the quota the growth has no bound at all; the fill
 * stops as soon as it passes the bound, so a failing kernel is not run
 * out of memory.
 */
#include <sched.h>

#include "kipc_util.h"

#include "kipc_ring_proto.h"

#include "../kselftest_harness.h"

/* Unprivileged users besides KT_NOBODY, each used by one test only. */
#define KT_OTHER		65533	/* objects limits: the second user */
#define KT_SWEEP_UID		65532	/* the dead namespace's user */

/* A user namespace owned by nobody maps its uids 0.. to these. */
#define NS_UID_BASE		200000
#define NS_UIDS			16

#define SLAB_SLACK_KIB		1024
#define DEBUG_FACTOR		8

/* Exit status of a child that could not set up what the test needs. */
#define KT_CHILD_SKIP		99

enum {
	P_USER_BYTES_MAX, P_MAX_MAILBOXES, P_RING_MAX, P_USER_MAILBOXES_MAX,
	P_USER_RINGS_MAX, P_COUNT,
};

static const char *const params[P_COUNT] = {
	"user_bytes_max", "max_mailboxes", "ring_max", "user_mailboxes_max",
	"user_rings_max",
};

/* What a filling child did, in memory shared with the test. */
struct fill {
	long base_kib;		/* SUnreclaim before, set by the test */
	long bound_kib;		/* growth allowed, set by the test */
	long growth_kib;	/* growth when the fill ended */
	int msgs;		/* messages queued */
	int mboxes;		/* mailboxes created */
	int err;		/* what ended it; 0: the growth passed the bound */
	int done;
};

struct shared {
	struct fill init_ns, ns_uid0, ns_uid1;
	int ret[4];
	uint64_t rings[8];
	int nr_rings;
};

FIXTURE(quota) {
	unsigned long saved[P_COUNT];
	bool have[P_COUNT];
	bool restore;
	int ep;
	struct shared *sh;
};

FIXTURE_SETUP(quota)
{
	unsigned int i;

	self->restore = false;
	self->ep = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root to set module parameters and change uid");
	for (i = 0; i < P_COUNT; i++)
		self->have[i] = !kt_param_get(params[i], &self->saved[i]);
	for (i = 0; i < P_USER_MAILBOXES_MAX; i++)
		if (!self->have[i])
			SKIP(return, "no parameter %s/%s", KT_PARAM_DIR, params[i]);
	self->restore = true;
	self->sh = kt_shared(sizeof(*self->sh));
	ASSERT_NE(NULL, self->sh);
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
}

FIXTURE_TEARDOWN(quota)
{
	unsigned int i;

	if (self->ep >= 0) {
		for (i = 0; i < (unsigned int)self->sh->nr_rings; i++)
			sys_kipc_ring_delete(self->ep, NULL, self->sh->rings[i]);
		close(self->ep);
	}
	if (!self->restore)
		return;
	for (i = 0; i < P_COUNT; i++) {
		int ret = self->have[i] ? kt_param_set(params[i], self->saved[i]) : 0;

		if (ret)
			TH_LOG("could not restore %s: %s", params[i], strerror(-ret));
		EXPECT_EQ(0, ret);
	}
}

/* A parameter of the new core: its absence fails the test, with its name. */
#define NEED_PARAM(p) do {							\
	ASSERT_TRUE(self->have[p])						\
		TH_LOG("no module parameter %s/%s", KT_PARAM_DIR, params[p]);	\
} while (0)

/* The value of @key in /proc/meminfo, in KiB; -1 if absent. */
static long meminfo_kib(const char *key)
{
	size_t klen = strlen(key);
	char line[128];
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			val = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return val;
}

static long slab_kib(void)
{
	return meminfo_kib("SUnreclaim");
}

static bool kallsyms_has(const char *sym)
{
	char line[256], name[200];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %199s", name) == 1 && !strcmp(name, sym);
	fclose(f);
	return found;
}

/* How many times its size a small object costs in slab on this kernel, at most. */
static int slab_factor(void)
{
	if (!access("/sys/kernel/debug/kmemleak", F_OK) || kallsyms_has("kasan_report"))
		return DEBUG_FACTOR;
	return 1;
}

/* Set the fill's baseline and the growth a quota of @quota bytes allows. */
static void fill_bound(struct fill *f, unsigned long quota)
{
	f->bound_kib = slab_factor() * (long)(quota + quota / 4) / 1024 + SLAB_SLACK_KIB;
	f->base_kib = slab_kib();
}

/*
 * Through @ep: create mailboxes of KIPC_QUEUE_MSGS_MAX messages (owned by
 * @ep) and fill them with messages of @len bytes until something fails
 * with another error than -EAGAIN (a full mailbox: the next one), or the
 * slab has grown beyond the bound.
 */
static void fill_quota(int ep, struct fill *f, unsigned int len)
{
	static const char payload[1024];
	int mfd, ret;

	for (;;) {
		mfd = kt_mbox(ep, NULL, KIPC_QUEUE_MSGS_MAX, 0600, NULL);
		if (mfd < 0) {
			ret = mfd;
			break;
		}
		f->mboxes++;
		while (!(ret = sys_kipc_send(mfd, 0, payload, len, 0, KIPC_NONBLOCK, NULL))) {
			if (++f->msgs % 512)
				continue;
			if (slab_kib() - f->base_kib > f->bound_kib) {
				close(mfd);
				f->err = 0;
				goto out;
			}
		}
		close(mfd);
		if (ret != -EAGAIN)
			break;
	}
	f->err = ret;
out:
	f->growth_kib = slab_kib() - f->base_kib;
	__atomic_store_n(&f->done, 1, __ATOMIC_SEQ_CST);
}

/* Run @fn(@arg) in a child; its exit status, 128 + signal, or -1. */
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

static int write_file(const char *path, const char *val)
{
	ssize_t n, len = strlen(val);
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	close(fd);
	return n == len ? 0 : n < 0 ? -errno : -EIO;
}

/*
 * Map uids and gids 0 .. NS_UIDS - 1 of @pid's user namespace to
 * NS_UID_BASE ..: only a privileged parent can give a namespace more than
 * its owner's one uid (newuidmap does it from /etc/subuid).
 */
static int map_userns(pid_t pid)
{
	char path[64], map[64];
	int ret;

	snprintf(map, sizeof(map), "0 %d %d\n", NS_UID_BASE, NS_UIDS);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	ret = write_file(path, map);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return write_file(path, map);
}

/*
 * Run @fn(@arg) in a child that becomes nobody, unshares a user and an IPC
 * namespace, has NS_UIDS uids mapped in it by the test (root) and becomes
 * uid 0 there. @fn runs with everything of the caller still alive. Its
 * exit status, KT_CHILD_SKIP if the unshare was refused.
 */
static int in_userns(void (*fn)(void *), void *arg)
{
	int up[2], down[2], status;
	pid_t pid;
	char c;

	if (pipe(up) || pipe(down))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		kt_child_become_nobody();
		if (unshare(CLONE_NEWUSER | CLONE_NEWIPC))
			_exit(KT_CHILD_SKIP);
		KT_CHILD_CHECK(write(up[1], "u", 1) == 1);
		KT_CHILD_CHECK(read(down[0], &c, 1) == 1 && c == 'm');
		KT_CHILD_CHECK(setresgid(0, 0, 0) == 0);
		KT_CHILD_CHECK(setresuid(0, 0, 0) == 0);
		fn(arg);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &c, 1) == 1) {
		int ret = map_userns(pid);

		if (ret)
			fprintf(stderr, "# mapping uids of %d: %s\n", pid, strerror(-ret));
		else if (write(down[1], "m", 1) != 1)
			fprintf(stderr, "# cannot tell %d its uids are mapped\n", pid);
	}
	close(up[0]);
	close(down[1]);
	status = kt_wait_exit(pid);
	return status;
}

static void log_fill(struct __test_metadata *_metadata, const char *who,
		     const struct fill *f)
{
	TH_LOG("%s: %d messages in %d mailboxes, slab +%ld KiB (bound %ld KiB), then %s",
	       who, f->msgs, f->mboxes, f->growth_kib, f->bound_kib,
	       f->err ? strerror(-f->err) : "the bound was passed");
}

#define QUOTA		(4UL << 20)

static void nobody_fills(void *arg)
{
	struct fill *f = arg;
	int ep;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	fill_quota(ep, f, 0);
}

/*
 * Empty messages, as many as fit in mailboxes of 65536: the first the
 * quota refuses is -EDQUOT, and the slab has grown by the quota, not by
 * what 65536 messages per mailbox take.
 */
TEST_F_TIMEOUT(quota, empty_messages_pin_no_more_than_user_bytes_max, 120)
{
	struct fill *f = &self->sh->init_ns;

	ASSERT_EQ(0, kt_param_set("user_bytes_max", QUOTA));
	fill_bound(f, QUOTA);
	ASSERT_GT(f->base_kib, 0) TH_LOG("no SUnreclaim in /proc/meminfo");
	EXPECT_EQ(0, in_child(nobody_fills, f));
	log_fill(_metadata, "nobody", f);
	EXPECT_EQ(-EDQUOT, f->err)
		TH_LOG("no EDQUOT: user_bytes_max does not count what messages really hold");
	EXPECT_LE(f->growth_kib, f->bound_kib);
}

/* In the user namespace, as its uid 0, then as its uid 1. */
static void ns_uid1_fills(void *arg)
{
	struct shared *sh = arg;
	int ep;

	KT_CHILD_CHECK(setresuid(1, 1, 1) == 0);
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	fill_quota(ep, &sh->ns_uid1, 0);
}

static void ns_users_fill(void *arg)
{
	struct shared *sh = arg;
	int ep;

	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	fill_quota(ep, &sh->ns_uid0, 0);
	KT_CHILD_CHECK(in_child(ns_uid1_fills, sh) == 0);
}

/*
 * nobody fills its quota, then (all of it still held) a user + IPC
 * namespace of its own with NS_UIDS uids mapped: its uid 0 and uid 1 get
 * no fresh quota. The slab growth of all three together stays within one
 * quota.
 */
TEST_F_TIMEOUT(quota, new_user_namespace_gives_no_fresh_quota, 120)
{
	struct shared *sh = self->sh;
	int go[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, kt_param_set("user_bytes_max", QUOTA));
	fill_bound(&sh->init_ns, QUOTA);
	ASSERT_GT(sh->init_ns.base_kib, 0) TH_LOG("no SUnreclaim in /proc/meminfo");
	sh->ns_uid0 = sh->ns_uid1 = sh->init_ns;
	ASSERT_EQ(0, pipe(go));

	/* nobody fills its quota in the initial namespaces and holds it. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		nobody_fills(&sh->init_ns);
		KT_CHILD_CHECK(read(go[0], &c, 1) == 0);
		_exit(0);
	}
	close(go[0]);
	while (!__atomic_load_n(&sh->init_ns.done, __ATOMIC_SEQ_CST) &&
	       kt_wait_exit_ms(pid, 10) == -ETIMEDOUT)
		;
	log_fill(_metadata, "nobody", &sh->init_ns);
	if (sh->init_ns.err != -EDQUOT) {
		close(go[1]);
		kt_wait_exit(pid);
		ASSERT_EQ(-EDQUOT, sh->init_ns.err)
			TH_LOG("no EDQUOT in the initial namespaces already");
	}

	status = in_userns(ns_users_fill, sh);
	close(go[1]);
	EXPECT_EQ(0, kt_wait_exit(pid));
	if (status == KT_CHILD_SKIP)
		SKIP(return, "unprivileged unshare(CLONE_NEWUSER | CLONE_NEWIPC) refused");
	EXPECT_EQ(0, status);
	log_fill(_metadata, "its namespace's uid 0", &sh->ns_uid0);
	log_fill(_metadata, "its namespace's uid 1", &sh->ns_uid1);
	/* Growth is measured from one baseline: the last fill saw all three. */
	EXPECT_LE(sh->ns_uid1.growth_kib, sh->ns_uid1.bound_kib)
		TH_LOG("nobody and two uids of its namespace pinned %ld KiB of slab",
		       sh->ns_uid1.growth_kib);
	EXPECT_NE(0, sh->ns_uid0.err);
	EXPECT_NE(0, sh->ns_uid1.err);
	/* Already full: at most crumbs each (the quota is in bytes, not messages). */
	EXPECT_LE(sh->ns_uid0.msgs, sh->init_ns.msgs / 16)
		TH_LOG("uid 0 of nobody's namespace got a quota of its own");
	EXPECT_LE(sh->ns_uid1.msgs, sh->init_ns.msgs / 16)
		TH_LOG("uid 1 of nobody's namespace got a quota of its own");
}

#define TINY_QUOTA	(64UL << 10)

static void nobody_sends_empty(void *arg)
{
	struct shared *sh = arg;
	int ep, mfd, ret;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	mfd = kt_mbox(ep, NULL, KIPC_QUEUE_MSGS_MAX, 0600, NULL);
	KT_CHILD_CHECK(mfd >= 0);
	while (!(ret = sys_kipc_send(mfd, 0, NULL, 0, 0, KIPC_NONBLOCK, NULL)))
		sh->ret[1]++;
	sh->ret[0] = ret;
}

/*
 * With a 64 KiB quota, empty messages hit -EDQUOT after a bounded count:
 * each costs its header (at least 32 bytes, whatever the allocator).
 */
TEST_F(quota, empty_messages_are_charged)
{
	int *err = &self->sh->ret[0], *n = &self->sh->ret[1];

	ASSERT_EQ(0, kt_param_set("user_bytes_max", TINY_QUOTA));
	ASSERT_EQ(0, in_child(nobody_sends_empty, self->sh));
	EXPECT_EQ(-EDQUOT, *err)
		TH_LOG("%d empty messages queued under a %lu KiB quota, then %s",
		       *n, TINY_QUOTA >> 10, strerror(-*err));
	EXPECT_LE(*n, (int)(TINY_QUOTA / 32));
}

/*
 * Fill the quota with one-byte messages, take five back, then send a
 * batch of 16: the five that fit go (a partial batch, as a short write),
 * and sending the rest fails with -EDQUOT. A batch is charged as a whole
 * when it fits, one message at a time when it does not.
 */
static void nobody_batches_at_the_quota(void *arg)
{
	struct kipc_mmsg m[16] = { 0 };
	struct shared *sh = arg;
	struct kipc_xfer x = {
		.size = sizeof(x), .flags = KIPC_NONBLOCK, .send_msgs = kt_ptr(m),
		.send_count = 16, .entry_size = sizeof(m[0]),
	};
	char c = 'a', buf[4];
	int ep, mfd, ret, i;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	mfd = kt_mbox(ep, NULL, KIPC_QUEUE_MSGS_MAX, 0600, NULL);
	KT_CHILD_CHECK(mfd >= 0);
	while (!(ret = sys_kipc_send(mfd, 0, &c, 1, 0, KIPC_NONBLOCK, NULL)))
		sh->ret[1]++;
	KT_CHILD_CHECK(ret == -EDQUOT);
	for (i = 0; i < 5; i++)
		KT_CHILD_CHECK(sys_kipc_recv(mfd, buf, sizeof(buf), NULL,
					     KIPC_NONBLOCK, NULL) == 1);
	for (i = 0; i < 16; i++) {
		m[i].buf = kt_ptr(&c);
		m[i].len = 1;
	}
	sh->ret[0] = sys_kipc_ioctl(mfd, KIPC_IOC_XFER, &x);
	sh->ret[2] = x.sent;
	x.send_count = 16 - x.sent;
	sh->ret[3] = sys_kipc_ioctl(mfd, KIPC_IOC_XFER, &x);
}

TEST_F(quota, batch_at_the_quota_sends_what_fits)
{
	ASSERT_EQ(0, kt_param_set("user_bytes_max", TINY_QUOTA));
	ASSERT_EQ(0, in_child(nobody_batches_at_the_quota, self->sh));
	EXPECT_EQ(0, self->sh->ret[0]);
	EXPECT_EQ(5, self->sh->ret[2])
		TH_LOG("%d messages filled the quota", self->sh->ret[1]);
	EXPECT_EQ(-EDQUOT, self->sh->ret[3]);
}

static void nobody_creates_mailboxes(void *arg)
{
	struct shared *sh = arg;
	int ep, ret;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	/* Owned by @ep, they outlive their fds. */
	while ((ret = kt_mbox(ep, NULL, 1, 0600, NULL)) >= 0 && sh->ret[1] < 4096) {
		close(ret);
		sh->ret[1]++;
	}
	sh->ret[0] = ret;
}

/* Mailboxes in this IPC namespace now. */
static int count_mailboxes(int fd)
{
	struct kipc_info info[64];
	uint64_t cursor = 0;
	int n, total = 0;

	while ((n = sys_kipc_list(fd, KIPC_LIST_MAILBOXES, &cursor, info, 64)) > 0)
		total += n;
	return n < 0 ? n : total;
}

/*
 * A mailbox is charged too: with a 64 KiB quota (and no count limit in
 * the way) a user gets -EDQUOT after a bounded number of empty mailboxes,
 * each costing at least 512 bytes.
 */
TEST_F(quota, mailboxes_are_charged)
{
	int *err = &self->sh->ret[0], *n = &self->sh->ret[1];
	int existing = count_mailboxes(self->ep);

	ASSERT_GE(existing, 0);
	ASSERT_EQ(0, kt_param_set("user_bytes_max", TINY_QUOTA));
	ASSERT_EQ(0, kt_param_set("max_mailboxes", existing + 1024));
	if (self->have[P_USER_MAILBOXES_MAX]) {
		ASSERT_EQ(0, kt_param_set("user_mailboxes_max", 4096));
	}
	ASSERT_EQ(0, in_child(nobody_creates_mailboxes, self->sh));
	EXPECT_EQ(-EDQUOT, *err)
		TH_LOG("%d empty mailboxes created under a %lu KiB quota, then %s",
		       *n, TINY_QUOTA >> 10, strerror(-*err));
	EXPECT_LE(*n, (int)(TINY_QUOTA / 512));
}

#define USER_MBOXES	4

/* nobody: USER_MBOXES mailboxes, then -EDQUOT; holds them until told. */
static void nobody_mailboxes_held(struct shared *sh, int go)
{
	int ep, i;
	char c;

	kt_child_become_nobody();
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	for (i = 0; i < USER_MBOXES; i++)
		KT_CHILD_CHECK(kt_mbox(ep, NULL, 1, 0600, NULL) >= 0);
	sh->ret[0] = kt_mbox(ep, NULL, 1, 0600, NULL);
	sh->ret[3] = 1;
	KT_CHILD_CHECK(read(go, &c, 1) == 0);
	_exit(0);
}

static void other_creates_mailbox(void *arg)
{
	struct shared *sh = arg;
	int ep;

	kt_child_become(KT_OTHER);
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	sh->ret[1] = kt_mbox(ep, NULL, 1, 0600, NULL);
}

static void ns_creates_mailbox(void *arg)
{
	struct shared *sh = arg;
	int ep;

	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	sh->ret[2] = kt_mbox(ep, NULL, 1, 0600, NULL);
}

/*
 * user_mailboxes_max = 4: nobody's fifth mailbox is -EDQUOT, also from a
 * user namespace of its own (as uid 0 there), while another user and root
 * still create theirs: the namespace is not full (no -ENOSPC for others).
 */
TEST_F(quota, user_mailboxes_max_is_per_user)
{
	struct shared *sh = self->sh;
	int existing, go[2], status, mfd;
	pid_t pid;

	NEED_PARAM(P_USER_MAILBOXES_MAX);
	existing = count_mailboxes(self->ep);
	ASSERT_GE(existing, 0);
	ASSERT_EQ(0, kt_param_set("user_mailboxes_max", USER_MBOXES));
	ASSERT_EQ(0, kt_param_set("max_mailboxes", existing + 64));
	ASSERT_EQ(0, kt_param_set("user_bytes_max", 64UL << 20));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		nobody_mailboxes_held(sh, go[0]);
	}
	close(go[0]);
	while (!sh->ret[3] && kt_wait_exit_ms(pid, 10) == -ETIMEDOUT)
		;
	ASSERT_EQ(1, sh->ret[3]);
	EXPECT_EQ(-EDQUOT, sh->ret[0])
		TH_LOG("nobody's mailbox %d of %d: %s", USER_MBOXES + 1, USER_MBOXES,
		       sh->ret[0] >= 0 ? "created" : strerror(-sh->ret[0]));
	EXPECT_EQ(0, in_child(other_creates_mailbox, sh));
	EXPECT_GE(sh->ret[1], 0) TH_LOG("another user: %s", strerror(-sh->ret[1]));
	mfd = kt_mbox(self->ep, NULL, 1, 0600, NULL);
	EXPECT_GE(mfd, 0) TH_LOG("root: %s", strerror(-mfd));
	if (mfd >= 0)
		close(mfd);
	status = in_userns(ns_creates_mailbox, sh);
	if (status != KT_CHILD_SKIP) {
		EXPECT_EQ(0, status);
		EXPECT_EQ(-EDQUOT, sh->ret[2])
			TH_LOG("uid 0 of nobody's user namespace: %s",
			       sh->ret[2] >= 0 ? "created one more" : strerror(-sh->ret[2]));
	}
	close(go[1]);
	EXPECT_EQ(0, kt_wait_exit(pid));
	/* Its mailboxes died with its endpoint: it may create them again. */
	sh->ret[3] = 0;
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		nobody_mailboxes_held(sh, go[0]);
	}
	close(go[0]);
	close(go[1]);
	EXPECT_EQ(0, kt_wait_exit(pid)) TH_LOG("nobody's mailboxes were not given back");
}

#define USER_RINGS	2

static int small_ring(int ep, uint64_t *id)
{
	return sys_kipc_ring_create(ep, NULL, 4, KIPC_RING_SLOT_SIZE_MIN, KIPC_RING_SPSC,
				0600, id);
}

/*
 * Create a ring as @uid; record its id for the teardown to delete. The
 * child reports through shared memory (sh->ret[0]), not through @ret.
 */
static void ring_as(struct shared *sh, uid_t uid, int *ret)
{
	pid_t pid;

	sh->ret[0] = -ECHILD;
	pid = fork();
	if (pid == 0) {
		uint64_t id;
		int ep;

		kt_child_become(uid);
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		sh->ret[0] = small_ring(ep, &id);
		if (!sh->ret[0])
			sh->rings[__atomic_fetch_add(&sh->nr_rings, 1, __ATOMIC_SEQ_CST)] = id;
		_exit(0);
	}
	if (pid < 0 || kt_wait_exit(pid))
		*ret = -ECHILD;
	else
		*ret = sh->ret[0];
}

/*
 * user_rings_max = 2: nobody's third ring is -EDQUOT while another user
 * still creates one; deleting one of nobody's gives the slot back.
 */
TEST_F(quota, user_rings_max_is_per_user)
{
	struct shared *sh = self->sh;
	int ret, i;

	NEED_PARAM(P_USER_RINGS_MAX);
	ASSERT_EQ(0, kt_param_set("user_rings_max", USER_RINGS));
	ASSERT_EQ(0, kt_param_set("ring_max", 64));
	ASSERT_EQ(0, kt_param_set("user_bytes_max", 64UL << 20));
	for (i = 0; i < USER_RINGS; i++) {
		ring_as(sh, KT_NOBODY, &ret);
		ASSERT_EQ(0, ret) TH_LOG("nobody's ring %d: %s", i + 1, strerror(-ret));
	}
	ring_as(sh, KT_NOBODY, &ret);
	EXPECT_EQ(-EDQUOT, ret)
		TH_LOG("nobody's ring %d of %d: %s", USER_RINGS + 1, USER_RINGS,
		       ret ? strerror(-ret) : "created");
	ring_as(sh, KT_OTHER, &ret);
	EXPECT_EQ(0, ret) TH_LOG("another user's ring: %s", strerror(-ret));
	/* root deletes one of nobody's (the first): nobody may create again. */
	ASSERT_EQ(0, sys_kipc_ring_delete(self->ep, NULL, sh->rings[0]));
	ring_as(sh, KT_NOBODY, &ret);
	EXPECT_EQ(0, ret) TH_LOG("nobody after one of its rings was deleted: %s",
				 strerror(-ret));
}

#define SWEEP_QUOTA	(512UL << 10)
#define SWEEP_MSG	1000
#define SWEEP_SLOTS	16
#define SWEEP_SLOT	4096
#define SWEEP_WAIT_MS	30000

static int sweep_ring(int ep, uint64_t *id)
{
	return sys_kipc_ring_create(ep, NULL, SWEEP_SLOTS, SWEEP_SLOT, KIPC_RING_SPSC,
				0600, id);
}

/*
 * In a new IPC namespace, as KT_SWEEP_UID: a ring and a persistent
 * mailbox full of SWEEP_MSG-byte messages, up to -EDQUOT. Then every
 * process and fd of the namespace is gone.
 */
static void fill_and_leave(void *arg)
{
	struct shared *sh = arg;
	struct kt_mbox_attr attr = {
		.max_msgs = 1024, .msg_max = SWEEP_MSG, .mode = 0600,
	};
	char msg[SWEEP_MSG] = { 0 };
	int ep, mfd, ret;

	if (unshare(CLONE_NEWIPC))
		_exit(KT_CHILD_SKIP);
	kt_child_become(KT_SWEEP_UID);
	ep = sys_kipc_open(0);
	KT_CHILD_CHECK(ep >= 0);
	sh->ret[0] = sweep_ring(ep, NULL);
	mfd = sys_kipc_mbox_create(ep, NULL, &attr, NULL);
	KT_CHILD_CHECK(mfd >= 0);
	while (!(ret = sys_kipc_send(mfd, 0, msg, SWEEP_MSG, 0, KIPC_NONBLOCK, NULL)))
		sh->ret[1]++;
	sh->ret[2] = ret;
}

/*
 * As KT_SWEEP_UID in the initial namespace, until SWEEP_WAIT_MS have
 * passed: create the same ring and fill an owned mailbox the same way; done
 * when the ring is created and the messages reach the count of the dead
 * namespace (less a few, for what the mailbox itself is charged). Between
 * tries, everything is released.
 */
static void refill_until_swept(void *arg)
{
	struct shared *sh = arg;
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 1024, .msg_max = SWEEP_MSG,
		.mode = 0600,
	};
	int64_t end = kt_now_ns() + SWEEP_WAIT_MS * 1000000LL;
	char msg[SWEEP_MSG] = { 0 };
	uint64_t id;
	int ep, mfd, n;

	kt_child_become(KT_SWEEP_UID);
	for (;;) {
		ep = sys_kipc_open(0);
		KT_CHILD_CHECK(ep >= 0);
		n = 0;
		sh->ret[3] = sweep_ring(ep, &id);
		mfd = sys_kipc_mbox_create(ep, NULL, &attr, NULL);
		while (mfd >= 0 && !sys_kipc_send(mfd, 0, msg, SWEEP_MSG, 0, KIPC_NONBLOCK, NULL))
			n++;
		if (!sh->ret[3])
			KT_CHILD_CHECK(sys_kipc_ring_delete(ep, NULL, id) == 0);
		close(ep);
		if (mfd >= 0)
			close(mfd);
		sh->ret[0] = n;
		if (!sh->ret[3] && n >= sh->ret[1] - 4)
			_exit(0);
		if (kt_now_ns() > end)
			_exit(100);
		kt_sleep_ms(250);
	}
}

/*
 * A user fills its quota in an IPC namespace with persistent objects (a
 * ring, a mailbox full of messages) and every process of the namespace
 * exits. Nothing can reach those objects any more: they are swept and
 * the quota is the user's again, within SWEEP_WAIT_MS.
 */
TEST_F_TIMEOUT(quota, dead_ipc_namespace_is_swept, 90)
{
	struct shared *sh = self->sh;
	int status;

	ASSERT_EQ(0, kt_param_set("user_bytes_max", SWEEP_QUOTA));
	status = in_child(fill_and_leave, sh);
	if (status == KT_CHILD_SKIP)
		SKIP(return, "unshare(CLONE_NEWIPC) refused");
	ASSERT_EQ(0, status);
	ASSERT_EQ(0, sh->ret[0]) TH_LOG("ring in the namespace: %s", strerror(-sh->ret[0]));
	ASSERT_EQ(-EDQUOT, sh->ret[2]) TH_LOG("%d messages, then %s", sh->ret[1],
					      strerror(-sh->ret[2]));
	ASSERT_GT(sh->ret[1], 0);
	status = in_child(refill_until_swept, sh);
	EXPECT_EQ(0, status)
		TH_LOG("%d s after its namespace died, its user could %s the ring and queue %d of %d messages",
		       SWEEP_WAIT_MS / 1000, sh->ret[3] ? "not create" : "create",
		       sh->ret[0], sh->ret[1]);
}

TEST_HARNESS_MAIN
