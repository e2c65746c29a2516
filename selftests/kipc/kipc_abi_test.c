// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI at its edges, with raw ioctl() where libkipc cannot
 * express the case: bad ids, bad pointers (EFAULT, never an oops),
 * unknown flags and non-zero reserved fields (EINVAL), the size field of
 * extensible structs (EINVAL below VER0, E2BIG for non-zero extra bytes),
 * oversized messages and short receive buffers (EMSGSIZE, message kept),
 * overlong names, and ioctls on the wrong kind of fd.
 */
#include "kipc_util.h"

#include "../kselftest_harness.h"

FIXTURE(abi) {
	int ep, mfd;
	uint64_t ep_id, mb;
	void *bad;		/* an address with nothing mapped */
	char *edge;		/* last 16 bytes of a page followed by a hole */
};

FIXTURE_SETUP(abi)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p;

	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
	self->ep_id = kt_ep_id(self->ep);
	self->mfd = kt_mbox(self->ep, NULL, 8, 0600, &self->mb);
	ASSERT_GE(self->mfd, 0);

	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + pg, pg));
	self->bad = p + pg;
	self->edge = p + pg - 16;
	memset(self->edge, 'e', 16);
}

FIXTURE_TEARDOWN(abi)
{
	close(self->mfd);
	close(self->ep);
}

static struct kipc_send mk_send(uint64_t dest, const void *buf, unsigned int len)
{
	struct kipc_send s;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.flags = KIPC_NONBLOCK;
	s.dest = dest;
	s.buf = (uintptr_t)buf;
	s.len = len;
	return s;
}

static struct kipc_recv mk_recv(void *buf, unsigned int len)
{
	struct kipc_recv r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = KIPC_NONBLOCK;
	r.buf = (uintptr_t)buf;
	r.buf_len = len;
	return r;
}

/* Depth of the fd's own queue. */
TEST_F(abi, sizes_match_the_header)
{
	EXPECT_EQ(KIPC_SEND_SIZE_VER1, sizeof(struct kipc_send));
	EXPECT_EQ(KIPC_RECV_SIZE_VER2, sizeof(struct kipc_recv));
	EXPECT_EQ(KIPC_CALL_SIZE_VER0, sizeof(struct kipc_call));
	EXPECT_EQ(KIPC_REPLY_SIZE_VER0, sizeof(struct kipc_reply));
	EXPECT_EQ(KIPC_EP_SET_SIZE_VER0, sizeof(struct kipc_ep_set));
	EXPECT_EQ(KIPC_MBOX_CREATE_SIZE_VER0, sizeof(struct kipc_mbox_create));
	EXPECT_EQ(KIPC_MBOX_REF_SIZE_VER0, sizeof(struct kipc_mbox_ref));
	EXPECT_EQ(KIPC_MBOX_SET_SIZE_VER1, sizeof(struct kipc_mbox_set));
	EXPECT_EQ(KIPC_NOTIFY_SIZE_VER1, sizeof(struct kipc_notify));
	EXPECT_EQ(KIPC_INFO_SIZE_VER1, sizeof(struct kipc_info));
	EXPECT_EQ(KIPC_STAT_SIZE_VER1, sizeof(struct kipc_stat));
	EXPECT_EQ(KIPC_LIST_SIZE_VER0, sizeof(struct kipc_list));
	EXPECT_EQ(KIPC_USAGE_SIZE_VER1, sizeof(struct kipc_usage));
}

TEST_F(abi, bad_argument_pointer_is_efault)
{
	static const unsigned long cmds[] = {
		KIPC_IOC_VERSION, KIPC_IOC_EP_SET, KIPC_IOC_SEND, KIPC_IOC_RECV,
		KIPC_IOC_CALL, KIPC_IOC_REPLY, KIPC_IOC_NOTIFY, KIPC_IOC_MBOX_CREATE,
		KIPC_IOC_MBOX_OPEN, KIPC_IOC_MBOX_DELETE, KIPC_IOC_MBOX_SET,
		KIPC_IOC_STAT, KIPC_IOC_LIST,
	};
	unsigned int i;

	for (i = 0; i < KT_ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, cmds[i], NULL)) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, cmds[i], self->bad)) TH_LOG("cmd %#lx", cmds[i]);
		/* The size field readable, the rest of the struct not. */
		*(uint32_t *)(self->edge + 12) = 256;
		if (cmds[i] != KIPC_IOC_VERSION)
			EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, cmds[i], self->edge + 12))
				TH_LOG("cmd %#lx", cmds[i]);
	}
}

TEST_F(abi, bad_payload_pointers_are_efault)
{
	struct kipc_send s;
	struct kipc_recv r;
	char buf[32];

	s = mk_send(self->ep_id, self->bad, 4);
	EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, KIPC_IOC_SEND, &s));
	/* Partly mapped: the first 16 bytes are fine, the rest is a hole. */
	s = mk_send(self->ep_id, self->edge, 32);
	EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, KIPC_IOC_SEND, &s));
	EXPECT_EQ(0, kt_depth(self->ep));

	/* A receive into a bad buffer leaves the message queued. */
	ASSERT_EQ(0, sys_kipc_send(self->ep, self->ep_id, "keep me here, please", 20, 0,
			       KIPC_NONBLOCK, NULL));
	r = mk_recv(self->bad, sizeof(buf));
	EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, KIPC_IOC_RECV, &r));
	r = mk_recv(self->edge, 32);
	EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, KIPC_IOC_RECV, &r));
	EXPECT_EQ(1, kt_depth(self->ep));
	ASSERT_EQ(20, sys_kipc_recv(self->ep, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "keep me here, please", 20));
}

TEST_F(abi, call_with_bad_pointers)
{
	struct kipc_call c;
	char reply[8];

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.dest = self->ep_id;
	c.buf = (uintptr_t)self->bad;
	c.len = 4;
	c.reply_buf = (uintptr_t)reply;
	c.reply_buf_len = sizeof(reply);
	EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, KIPC_IOC_CALL, &c));
	EXPECT_EQ(0, kt_depth(self->ep));
}

TEST_F(abi, list_and_recv_into_read_only_memory)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct kipc_recv r;
	struct kipc_list l;
	void *ro;

	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.flags = KIPC_LIST_ENDPOINTS;
	l.entries = (uintptr_t)ro;
	l.count = 1;
	l.entry_size = sizeof(struct kipc_info);
	EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, KIPC_IOC_LIST, &l));

	ASSERT_EQ(0, sys_kipc_send(self->ep, self->ep_id, "ro", 2, 0, KIPC_NONBLOCK, NULL));
	r = mk_recv(ro, 16);
	EXPECT_EQ(-EFAULT, kt_ioctl(self->ep, KIPC_IOC_RECV, &r));
	EXPECT_EQ(1, kt_depth(self->ep));
	munmap(ro, pg);
}

TEST_F(abi, bad_ids)
{
	struct kipc_info info;
	int ret;

	EXPECT_EQ(-ESRCH, sys_kipc_send(self->ep, UINT64_MAX, "x", 1, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_send(self->ep, UINT64_MAX, "x", 1, 0,
				     KIPC_SEND_MAILBOX | KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open_id(self->ep, UINT64_MAX));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_delete(self->ep, UINT64_MAX));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_set_mode(self->ep, UINT64_MAX, 0600));
	/* An id that never existed: either "no endpoint" or "no mailbox". */
	ret = sys_kipc_stat(self->ep, UINT64_MAX, &info);
	EXPECT_TRUE(ret == -ESRCH || ret == -ENOENT) TH_LOG("stat: %d", ret);
	/* Mailbox operations on an endpoint id. */
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_open_id(self->ep, self->ep_id));
	EXPECT_EQ(-ENOENT, sys_kipc_mbox_delete(self->ep, self->ep_id));
}

TEST_F(abi, unknown_flags_are_einval)
{
	struct kipc_send s = mk_send(self->ep_id, "x", 1);
	struct kipc_recv r = mk_recv(NULL, 0);
	struct kipc_mbox_create mc;
	struct kipc_mbox_ref ref;
	struct kipc_ep_set es;
	struct kipc_reply rp;
	struct kipc_notify n;
	struct kipc_mbox_set ms;
	struct kipc_stat st;
	unsigned int bit;

	/*
	 * Reserved common bits 4..7 (3 is KIPC_NORESTART), bit 10 (batch;
	 * on RECV KIPC_RECV_TYPE, invalid without type_sel), and the top bit.
	 */
	for (bit = 4; bit < 32; bit++) {
		if (bit == 8 || bit == 9)
			continue;
		s.flags = KIPC_NONBLOCK | (1U << bit);
		EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_SEND, &s)) TH_LOG("send bit %u", bit);
		r.flags = KIPC_NONBLOCK | (1U << bit);
		EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_RECV, &r)) TH_LOG("recv bit %u", bit);
	}
	EXPECT_EQ(0, kt_depth(self->ep));

	memset(&rp, 0, sizeof(rp));
	rp.size = sizeof(rp);
	rp.token = 1;
	rp.flags = 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_REPLY, &rp));

	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	n.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_NOTIFY, &n));

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.id = self->mb;
	ref.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_OPEN, &ref));
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_DELETE, &ref));

	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	mc.max_msgs = 1;
	mc.mode = 0600;
	mc.flags = 1U << 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_CREATE, &mc));

	memset(&es, 0, sizeof(es));
	es.size = sizeof(es);
	es.flags = 1U << 2;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_EP_SET, &es));

	memset(&ms, 0, sizeof(ms));
	ms.size = sizeof(ms);
	ms.id = self->mb;
	ms.mode = 0600;
	ms.flags = KIPC_MBOX_SET_MODE | 1U << 3;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_SET, &ms));

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.type = KIPC_TYPE_MUTEX + 1;
	strcpy(st.name, "x");
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_STAT, &st));
}

TEST_F(abi, nonzero_reserved_fields_are_einval)
{
	struct kipc_ep_set es;
	struct kipc_reply rp;
	struct kipc_notify n;
	struct kipc_mbox_set ms;
	struct kipc_info info;

	memset(&es, 0, sizeof(es));
	es.size = sizeof(es);
	es.flags = KIPC_EP_SET_LIMITS;
	es.max_msgs = 4;
	es.reserved = 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_EP_SET, &es));

	memset(&rp, 0, sizeof(rp));
	rp.size = sizeof(rp);
	rp.token = 1;
	rp.reserved = 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_REPLY, &rp));

	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	n.signo = SIGUSR1;
	n.reserved = 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_NOTIFY, &n));

	memset(&ms, 0, sizeof(ms));
	ms.size = sizeof(ms);
	ms.flags = KIPC_MBOX_SET_MODE;
	ms.id = self->mb;
	ms.mode = 0666;
	ms.reserved = 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_SET, &ms));
	ASSERT_EQ(0, sys_kipc_stat(self->mfd, 0, &info));
	EXPECT_EQ(0600, info.mode);
}

TEST_F(abi, fields_that_must_be_zero)
{
	struct kipc_recv r = mk_recv(NULL, 0);
	struct kipc_mbox_ref ref;

	/* from without KIPC_RECV_FROM */
	r.from = self->ep_id;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_RECV, &r));

	/* Both an id and a name. */
	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.id = self->mb;
	strcpy(ref.name, "both");
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_OPEN, &ref));
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_DELETE, &ref));
	/* Neither, on an endpoint fd. */
	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_OPEN, &ref));
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_MBOX_DELETE, &ref));
}

TEST_F(abi, timeout_is_ignored_without_kipc_timeout)
{
	struct kipc_send s = mk_send(self->ep_id, "t", 1);
	struct kipc_recv r;
	char buf[4];

	s.timeout.tv_sec = -5;
	s.timeout.tv_nsec = -5;
	EXPECT_EQ(0, kt_ioctl(self->ep, KIPC_IOC_SEND, &s));
	r = mk_recv(buf, sizeof(buf));
	r.timeout.tv_nsec = 2000000000;
	EXPECT_EQ(0, kt_ioctl(self->ep, KIPC_IOC_RECV, &r));
	EXPECT_EQ(1, r.len);
}

TEST_F(abi, size_below_ver0_is_einval)
{
	struct kipc_send s = mk_send(self->ep_id, "x", 1);
	struct kipc_stat st;

	s.size = 0;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_SEND, &s));
	s.size = KIPC_SEND_SIZE_VER0 - 1;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_SEND, &s));
	s.size = 4;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_SEND, &s));
	EXPECT_EQ(0, kt_depth(self->ep));

	memset(&st, 0, sizeof(st));
	st.size = KIPC_STAT_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, kt_ioctl(self->ep, KIPC_IOC_STAT, &st));
}

TEST_F(abi, larger_size_with_zero_tail_is_accepted)
{
	struct {
		struct kipc_send s;
		uint8_t tail[64];
	} big;
	struct {
		struct kipc_stat st;
		uint8_t tail[64];
	} bst;

	memset(&big, 0, sizeof(big));
	big.s = mk_send(self->ep_id, "big", 3);
	big.s.size = sizeof(big);
	EXPECT_EQ(0, kt_ioctl(self->ep, KIPC_IOC_SEND, &big));
	EXPECT_EQ(1, kt_depth(self->ep));

	/* Output is copied up to the kernel's size: the tail stays as it was. */
	memset(&bst, 0, sizeof(bst));
	bst.st.size = sizeof(bst);
	ASSERT_EQ(0, kt_ioctl(self->ep, KIPC_IOC_STAT, &bst));
	EXPECT_EQ(self->ep_id, bst.st.info.id);
	EXPECT_TRUE(kt_all_bytes(bst.tail, sizeof(bst.tail), 0));
}

TEST_F(abi, larger_size_with_nonzero_tail_is_e2big)
{
	struct {
		struct kipc_send s;
		uint8_t tail[64];
	} big;

	memset(&big, 0, sizeof(big));
	big.s = mk_send(self->ep_id, "big", 3);
	big.s.size = sizeof(big);
	big.tail[63] = 1;
	EXPECT_EQ(-E2BIG, kt_ioctl(self->ep, KIPC_IOC_SEND, &big));
	EXPECT_EQ(0, kt_depth(self->ep));
}

TEST_F(abi, ioctl_size_bits_are_ignored)
{
	struct {
		struct kipc_send s;
		uint8_t tail[16];
	} big;
	unsigned long cmd = _IOC(_IOC_WRITE, KIPC_IOC_MAGIC, 0x02, sizeof(big));

	memset(&big, 0, sizeof(big));
	big.s = mk_send(self->ep_id, "sz", 2);
	big.s.size = sizeof(big);
	EXPECT_EQ(0, kt_ioctl(self->ep, cmd, &big));
	EXPECT_EQ(1, kt_depth(self->ep));
}

TEST_F(abi, oversized_send_is_emsgsize_and_queues_nothing)
{
	static char big[KIPC_MSG_SIZE_DEFAULT + 1];
	char buf[8];

	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "first", 5, 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(-EMSGSIZE, sys_kipc_send(self->mfd, 0, big, sizeof(big), 0, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(1, kt_depth(self->mfd));
	ASSERT_EQ(5, sys_kipc_recv(self->mfd, buf, sizeof(buf), NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "first", 5));
}

TEST_F(abi, short_receive_buffer_is_emsgsize_and_keeps_the_message)
{
	struct kipc_msg_hdr hdr;
	struct kipc_recv r;
	char buf[64];

	ASSERT_EQ(0, sys_kipc_send(self->mfd, 0, "0123456789abcdef", 16, 6, KIPC_NONBLOCK, NULL));
	memset(&hdr, 0, sizeof(hdr));
	EXPECT_EQ(-EMSGSIZE, sys_kipc_recv(self->mfd, buf, 15, &hdr, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(16, hdr.len);
	EXPECT_EQ(6, hdr.priority);
	EXPECT_EQ(self->ep_id, hdr.sender_id);

	/* Raw: len holds the needed size, the header is filled. */
	r = mk_recv(buf, 0);
	EXPECT_EQ(-EMSGSIZE, kt_ioctl(self->mfd, KIPC_IOC_RECV, &r));
	EXPECT_EQ(16, r.len);
	EXPECT_EQ(16, r.hdr.len);
	EXPECT_EQ(self->mb, r.hdr.mailbox_id);
	EXPECT_EQ(1, kt_depth(self->mfd));

	ASSERT_EQ(16, sys_kipc_recv(self->mfd, buf, 16, NULL, KIPC_NONBLOCK, NULL));
	EXPECT_EQ(0, memcmp(buf, "0123456789abcdef", 16));
}

TEST_F(abi, overlong_names_are_enametoolong)
{
	struct kipc_mbox_create mc;
	struct kipc_mbox_ref ref;
	struct kipc_ep_set es;
	struct kipc_stat st;

	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	mc.max_msgs = 1;
	mc.mode = 0600;
	memset(mc.name, 'a', sizeof(mc.name));
	EXPECT_EQ(-ENAMETOOLONG, kt_ioctl(self->ep, KIPC_IOC_MBOX_CREATE, &mc));

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	memset(ref.name, 'a', sizeof(ref.name));
	EXPECT_EQ(-ENAMETOOLONG, kt_ioctl(self->ep, KIPC_IOC_MBOX_OPEN, &ref));
	EXPECT_EQ(-ENAMETOOLONG, kt_ioctl(self->ep, KIPC_IOC_MBOX_DELETE, &ref));

	memset(&es, 0, sizeof(es));
	es.size = sizeof(es);
	es.flags = KIPC_EP_SET_NAME;
	memset(es.name, 'a', sizeof(es.name));
	EXPECT_EQ(-ENAMETOOLONG, kt_ioctl(self->ep, KIPC_IOC_EP_SET, &es));

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.type = KIPC_TYPE_MAILBOX;
	memset(st.name, 'a', sizeof(st.name));
	EXPECT_EQ(-ENAMETOOLONG, kt_ioctl(self->ep, KIPC_IOC_STAT, &st));
}

TEST_F(abi, endpoint_only_ioctls_on_a_mailbox_fd_are_enotty)
{
	struct kipc_mbox_create mc;
	struct kipc_mbox_ref ref;
	struct kipc_ep_set es;

	memset(&es, 0, sizeof(es));
	es.size = sizeof(es);
	es.flags = KIPC_EP_SET_LIMITS;
	es.max_msgs = 1;
	EXPECT_EQ(-ENOTTY, kt_ioctl(self->mfd, KIPC_IOC_EP_SET, &es));
	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	mc.max_msgs = 1;
	mc.mode = 0600;
	EXPECT_EQ(-ENOTTY, kt_ioctl(self->mfd, KIPC_IOC_MBOX_CREATE, &mc));
	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.id = self->mb;
	EXPECT_EQ(-ENOTTY, kt_ioctl(self->mfd, KIPC_IOC_MBOX_OPEN, &ref));
	EXPECT_EQ(-ENOTTY, kt_ioctl(self->mfd, _IO(KIPC_IOC_MAGIC, 0x2f), NULL));
	EXPECT_EQ(-ENOTTY, kt_ioctl(self->ep, _IOW(KIPC_IOC_MAGIC, 0x30, struct kipc_send), NULL));
}

TEST_HARNESS_MAIN
