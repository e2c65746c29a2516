// SPDX-License-Identifier: GPL-2.0
/*
 * Introspection: KIPC_IOC_STAT and KIPC_IOC_LIST, including the counts of
 * blocked senders and receivers, and info leaks: output structs are
 * prefilled with a pattern, and reserved, unused name bytes and anything
 * past what the kernel writes must come back zero (or untouched).
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

/* The bytes of @name after its NUL are all zero. */
static bool name_tail_is_zero(const char *name)
{
	size_t len = strnlen(name, KIPC_NAME_MAX);

	return len < KIPC_NAME_MAX && kt_all_bytes(name + len, KIPC_NAME_MAX - len, 0);
}

TEST(stat_own_endpoint)
{
	unsigned long def_msgs;
	struct kipc_info info;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	memset(&info, KT_POISON, sizeof(info));
	ASSERT_EQ(0, sys_kipc_stat(fd, 0, &info));
	EXPECT_EQ(kt_ep_id(fd), info.id);
	EXPECT_EQ(KIPC_TYPE_ENDPOINT, info.type);
	EXPECT_EQ(0, info.flags);
	EXPECT_EQ(0, info.creator_ep);
	EXPECT_STREQ("", info.name);
	EXPECT_TRUE(name_tail_is_zero(info.name));
	EXPECT_EQ(geteuid(), info.uid);
	EXPECT_EQ(getegid(), info.gid);
	EXPECT_EQ(0, info.mode);
	EXPECT_EQ(getpid(), info.pid);
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.bytes);
	EXPECT_EQ(KIPC_MSG_SIZE_DEFAULT, info.msg_max);
	if (kt_param_get("ep_max_msgs", &def_msgs) == 0)
		EXPECT_EQ(def_msgs, info.max_msgs);
	EXPECT_EQ(0, info.nr_senders);
	EXPECT_EQ(0, info.nr_receivers);
	EXPECT_EQ(0, info.reserved);
	close(fd);
}

TEST(stat_named_endpoint_by_name_and_id)
{
	char name[KIPC_NAME_MAX];
	struct kipc_info a, b;
	int fd, other;

	kt_name(name, sizeof(name), "info");
	fd = sys_kipc_open(0);
	other = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	ASSERT_GE(other, 0);
	ASSERT_EQ(0, sys_kipc_ep_set_name(fd, name));
	memset(&a, KT_POISON, sizeof(a));
	memset(&b, KT_POISON, sizeof(b));
	ASSERT_EQ(0, sys_kipc_stat_name(other, KIPC_TYPE_ENDPOINT, name, &a));
	ASSERT_EQ(0, sys_kipc_stat(other, kt_ep_id(fd), &b));
	EXPECT_EQ(kt_ep_id(fd), a.id);
	EXPECT_STREQ(name, a.name);
	EXPECT_TRUE(name_tail_is_zero(a.name));
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	/* The name space says which kind: no mailbox has this name. */
	EXPECT_EQ(-ENOENT, sys_kipc_stat_name(other, KIPC_TYPE_MAILBOX, name, &a));
	close(fd);
	close(other);
}

TEST(stat_mailbox)
{
	struct kt_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 5, .max_bytes = 1000,
		.msg_max = 300, .mode = 0640,
	};
	char name[KIPC_NAME_MAX];
	struct kipc_info info, byname, own;
	uint64_t id;
	int ep, mfd;

	kt_name(name, sizeof(name), "mb");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = sys_kipc_mbox_create(ep, name, &attr, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "0123456789", 10, 0, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "01234", 5, 3, KIPC_NONBLOCK, NULL));

	memset(&info, KT_POISON, sizeof(info));
	memset(&byname, KT_POISON, sizeof(byname));
	memset(&own, KT_POISON, sizeof(own));
	ASSERT_EQ(0, sys_kipc_stat(ep, id, &info));
	ASSERT_EQ(0, sys_kipc_stat_name(ep, KIPC_TYPE_MAILBOX, name, &byname));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &own));
	EXPECT_EQ(0, memcmp(&info, &byname, sizeof(info)));
	EXPECT_EQ(0, memcmp(&info, &own, sizeof(info)));

	EXPECT_EQ(id, info.id);
	EXPECT_EQ(KIPC_TYPE_MAILBOX, info.type);
	EXPECT_EQ(KIPC_INFO_OWNED, info.flags);
	EXPECT_EQ(kt_ep_id(ep), info.creator_ep);
	EXPECT_STREQ(name, info.name);
	EXPECT_TRUE(name_tail_is_zero(info.name));
	EXPECT_EQ(geteuid(), info.uid);
	EXPECT_EQ(getegid(), info.gid);
	EXPECT_EQ(0640, info.mode);
	EXPECT_EQ(0, info.pid);
	EXPECT_EQ(2, info.depth);
	EXPECT_EQ(15, info.bytes);
	EXPECT_EQ(5, info.max_msgs);
	EXPECT_EQ(1000, info.max_bytes);
	EXPECT_EQ(300, info.msg_max);
	EXPECT_EQ(0, info.nr_senders);
	EXPECT_EQ(0, info.nr_receivers);
	EXPECT_EQ(0, info.reserved);
	close(mfd);
	close(ep);
}

TEST(stat_missing_objects)
{
	char name[KIPC_NAME_MAX];
	struct kipc_info info;
	uint64_t id;
	int ep, mfd;

	kt_name(name, sizeof(name), "missing");
	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	EXPECT_EQ(-ENOENT, sys_kipc_stat_name(ep, KIPC_TYPE_MAILBOX, name, &info));
	EXPECT_EQ(-ESRCH, sys_kipc_stat_name(ep, KIPC_TYPE_ENDPOINT, name, &info));
	mfd = kt_mbox(ep, NULL, 1, 0600, &id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_mbox_delete(mfd, 0));
	EXPECT_EQ(-EIDRM, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(-ENOENT, sys_kipc_stat(ep, id, &info));
	close(mfd);
	close(ep);
}

TEST(blocked_receivers_and_senders_are_counted)
{
	struct kipc_info info;
	pid_t rpid[2], spid;
	int ep, mfd, i;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	mfd = kt_mbox(ep, NULL, 1, 0600, NULL);
	ASSERT_GE(mfd, 0);

	for (i = 0; i < 2; i++) {
		rpid[i] = fork();
		ASSERT_GE(rpid[i], 0);
		if (rpid[i] == 0) {
			char buf[8];

			kt_child_exit(sys_kipc_recv(mfd, buf, sizeof(buf), NULL, 0, NULL));
		}
	}
	ASSERT_EQ(0, kt_wait_blocked(mfd, 0, 0, 2));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(2, info.nr_receivers);
	EXPECT_EQ(0, info.nr_senders);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "a", 1, 0, 0, NULL));
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "b", 1, 0, 0, NULL));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(1, kt_wait_exit(rpid[i]));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(0, info.nr_receivers);

	/* Full (capacity 1): a sender blocks. */
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "c", 1, 0, KIPC_NONBLOCK, NULL));
	spid = fork();
	ASSERT_GE(spid, 0);
	if (spid == 0)
		kt_child_exit(sys_kipc_send(mfd, 0, "d", 1, 0, 0, NULL));
	ASSERT_EQ(0, kt_wait_blocked(mfd, 0, 1, 0));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(1, info.nr_senders);
	EXPECT_EQ(0, info.nr_receivers);
	EXPECT_EQ(1, info.depth);
	ASSERT_EQ(1, sys_kipc_recv(mfd, (char[4]){ 0 }, 4, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, kt_wait_exit(spid));
	ASSERT_EQ(0, sys_kipc_stat(mfd, 0, &info));
	EXPECT_EQ(0, info.nr_senders);
	EXPECT_EQ(1, info.depth);
	close(mfd);
	close(ep);
}

TEST(blocked_receiver_on_an_endpoint_is_counted)
{
	struct kipc_info info;
	pid_t pid;
	int ep;

	ep = sys_kipc_open(0);
	ASSERT_GE(ep, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[8];

		kt_child_exit(sys_kipc_recv(ep, buf, sizeof(buf), NULL, 0, NULL));
	}
	ASSERT_EQ(0, kt_wait_blocked(ep, 0, 0, 1));
	ASSERT_EQ(0, sys_kipc_stat(ep, 0, &info));
	EXPECT_EQ(1, info.nr_receivers);
	ASSERT_EQ(0, sys_kipc_send(ep, kt_ep_id(ep), "xy", 2, 0, 0, NULL));
	EXPECT_EQ(2, kt_wait_exit(pid));
	close(ep);
}

/* All of @fd's objects of @flags kinds, in list order, into @out. */
static int list_all(int fd, unsigned int flags, unsigned int chunk,
		    struct kipc_info *out, int max)
{
	uint64_t cursor = 0;
	int n, total = 0;

	while (total < max) {
		n = sys_kipc_list(fd, flags, &cursor, out + total,
			      chunk < (unsigned int)(max - total) ? chunk : max - total);
		if (n <= 0)
			return n < 0 ? n : total;
		total += n;
	}
	return total;
}

static int find_id(const struct kipc_info *v, int n, uint64_t id)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].id == id)
			return i;
	return -1;
}

TEST(list_endpoints_and_mailboxes)
{
	static struct kipc_info all[2048];
	uint64_t mb[3], ep_id[2];
	int ep[2], mfd[3], i, n, pos;

	for (i = 0; i < 2; i++) {
		ep[i] = sys_kipc_open(0);
		ASSERT_GE(ep[i], 0);
		ep_id[i] = kt_ep_id(ep[i]);
	}
	for (i = 0; i < 3; i++) {
		mfd[i] = kt_mbox(ep[0], NULL, 1, 0600, &mb[i]);
		ASSERT_GE(mfd[i], 0);
	}

	n = list_all(ep[0], KIPC_LIST_MAILBOXES, 1, all, 2048);
	ASSERT_GE(n, 3);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(KIPC_TYPE_MAILBOX, all[i].type);
		if (i)
			EXPECT_GT(all[i].id, all[i - 1].id);
	}
	for (i = 0; i < 3; i++) {
		pos = find_id(all, n, mb[i]);
		ASSERT_GE(pos, 0);
		EXPECT_EQ(kt_ep_id(ep[0]), all[pos].creator_ep);
	}
	EXPECT_EQ(-1, find_id(all, n, ep_id[0]));

	n = list_all(ep[0], KIPC_LIST_ENDPOINTS, 7, all, 2048);
	ASSERT_GE(n, 2);
	for (i = 0; i < n; i++)
		EXPECT_EQ(KIPC_TYPE_ENDPOINT, all[i].type);
	EXPECT_GE(find_id(all, n, ep_id[0]), 0);
	EXPECT_GE(find_id(all, n, ep_id[1]), 0);
	EXPECT_EQ(-1, find_id(all, n, mb[0]));

	n = list_all(ep[0], KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES, 64, all, 2048);
	ASSERT_GE(n, 5);
	for (i = 1; i < n; i++)
		EXPECT_GT(all[i].id, all[i - 1].id);
	EXPECT_GE(find_id(all, n, ep_id[1]), 0);
	EXPECT_GE(find_id(all, n, mb[2]), 0);

	/* A closed endpoint is no longer listed. */
	close(ep[1]);
	n = list_all(ep[0], KIPC_LIST_ENDPOINTS, 64, all, 2048);
	EXPECT_EQ(-1, find_id(all, n, ep_id[1]));

	for (i = 0; i < 3; i++)
		close(mfd[i]);
	close(ep[0]);
}

TEST(list_cursor_at_the_end)
{
	struct kipc_info info[4];
	uint64_t cursor = UINT64_MAX - 1;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, sys_kipc_list(fd, KIPC_LIST_ENDPOINTS, &cursor, info, 4));
	EXPECT_EQ(UINT64_MAX - 1, cursor);
	/* Starting just below our own id: we come first. */
	cursor = kt_ep_id(fd) - 1;
	ASSERT_GE(sys_kipc_list(fd, KIPC_LIST_ENDPOINTS, &cursor, info, 1), 1);
	EXPECT_EQ(kt_ep_id(fd), info[0].id);
	EXPECT_EQ(kt_ep_id(fd), cursor);
	close(fd);
}

TEST(list_bad_arguments)
{
	struct kipc_info info[2];
	struct kipc_list l;
	uint64_t cursor = 0;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, sys_kipc_list(fd, 0, &cursor, info, 2));
	EXPECT_EQ(-EINVAL, sys_kipc_list(fd, KIPC_LIST_MUTEXES << 1 | KIPC_LIST_ENDPOINTS, &cursor, info, 2));
	EXPECT_EQ(-EINVAL, sys_kipc_list(fd, KIPC_LIST_ENDPOINTS, &cursor, info, 0));

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.flags = KIPC_LIST_ENDPOINTS;
	l.entries = (uintptr_t)info;
	l.entry_size = sizeof(info[0]);
	l.count = KIPC_LIST_MAX + 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(fd, KIPC_IOC_LIST, &l));
	l.count = 2;
	l.entry_size = KIPC_INFO_SIZE_VER0 - 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(fd, KIPC_IOC_LIST, &l));
	l.entry_size = sizeof(info[0]);
	l.entries = 8;
	EXPECT_EQ(-EFAULT, kt_ioctl(fd, KIPC_IOC_LIST, &l));
	close(fd);
}

/* Info leaks through every output struct. */

TEST(stat_raw_output_has_no_stale_bytes)
{
	struct kipc_stat st;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	memset(&st.info, KT_POISON, sizeof(st.info));
	ASSERT_EQ(0, kt_ioctl(fd, KIPC_IOC_STAT, &st));
	EXPECT_EQ(kt_ep_id(fd), st.info.id);
	EXPECT_TRUE(name_tail_is_zero(st.info.name));
	EXPECT_EQ(0, st.info.reserved);
	EXPECT_EQ(0, st.info.creator_ep);
	EXPECT_EQ(0, st.info.flags);
	EXPECT_EQ(0, st.info.mode);
	close(fd);
}

TEST(list_entries_are_zero_filled_to_entry_size)
{
	const size_t esize = sizeof(struct kipc_info) + 24;
	uint8_t buf[4 * (sizeof(struct kipc_info) + 24)];
	struct kipc_info *info;
	struct kipc_list l;
	uint64_t id;
	int fd, i;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	id = kt_ep_id(fd);
	memset(buf, KT_POISON, sizeof(buf));
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.flags = KIPC_LIST_ENDPOINTS;
	l.cursor = id - 1;
	l.entries = (uintptr_t)buf;
	l.count = 4;
	l.entry_size = esize;
	ASSERT_EQ(0, kt_ioctl(fd, KIPC_IOC_LIST, &l));
	ASSERT_GE(l.count, 1);
	ASSERT_LE(l.count, 4);
	info = (struct kipc_info *)buf;
	EXPECT_EQ(id, info->id);
	for (i = 0; i < (int)l.count; i++) {
		info = (struct kipc_info *)(buf + i * esize);
		EXPECT_TRUE(name_tail_is_zero(info->name));
		EXPECT_EQ(0, info->reserved);
		EXPECT_TRUE(kt_all_bytes(buf + i * esize + sizeof(*info), 24, 0))
			TH_LOG("entry %d: bytes past struct kipc_info not zeroed", i);
	}
	/* Entries not written are untouched. */
	for (; i < 4; i++)
		EXPECT_TRUE(kt_all_bytes(buf + i * esize, esize, KT_POISON));
	close(fd);
}

TEST(recv_header_has_no_stale_bytes)
{
	struct kipc_recv r;
	char buf[8];
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, sys_kipc_send(fd, kt_ep_id(fd), "ab", 2, 0, KIPC_NONBLOCK, NULL));
	memset(&r, 0, sizeof(r));
	memset(&r.hdr, KT_POISON, sizeof(r.hdr));
	memset(&r.len, KT_POISON, sizeof(r.len));
	r.size = sizeof(r);
	r.flags = KIPC_NONBLOCK;
	r.buf = (uintptr_t)buf;
	r.buf_len = sizeof(buf);
	ASSERT_EQ(0, kt_ioctl(fd, KIPC_IOC_RECV, &r));
	EXPECT_EQ(2, r.len);
	EXPECT_EQ(0, r.hdr.token);
	EXPECT_EQ(0, r.hdr.mailbox_id);
	EXPECT_EQ(0, r.hdr.flags);
	EXPECT_EQ(0, r.hdr.reply_max);
	EXPECT_EQ(0, r.hdr.timeout_ms);
	close(fd);
}

TEST(version_has_no_stale_bytes)
{
	struct kipc_version v;
	int fd;

	fd = sys_kipc_open(0);
	ASSERT_GE(fd, 0);
	memset(&v, KT_POISON, sizeof(v));
	ASSERT_EQ(0, kt_ioctl(fd, KIPC_IOC_VERSION, &v));
	EXPECT_EQ(KIPC_ABI_VERSION, v.abi);
	EXPECT_EQ(KIPC_VERSION_CODE(KIPC_VERSION_MAJOR, KIPC_VERSION_MINOR,
				    KIPC_VERSION_PATCH), v.version);
	EXPECT_NE(0, v.endpoint_id);
	close(fd);
}

TEST_HARNESS_MAIN
