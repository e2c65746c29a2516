// SPDX-License-Identifier: MIT
/*
 * The operations swept: every ioctl that allocates or copies, the mmap of
 * a ring and the open of /dev/kipc. run() is one system call with fully
 * valid arguments; prepare() builds what it needs beyond the fixture;
 * check() says whether a successful run() did what it should.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "sweep.h"

#define FAIL(...) (snprintf(why, len, __VA_ARGS__), -1)

/* STAT of one object by id into fx->info[0]. */
static long stat_id(struct fixture *fx, uint64_t id)
{
	struct kipc_stat st = { .size = sizeof(st), .id = id };
	long ret = sys_ioctl(fx->peer, KIPC_IOC_STAT, &st);

	fx->info[0] = st.info;
	return ret;
}

static int check_depth(struct fixture *fx, uint64_t id, uint32_t depth,
		       char *why, size_t len)
{
	long ret = stat_id(fx, id);

	if (ret < 0)
		return FAIL("STAT %llu: %s", (unsigned long long)id, strerror((int)-ret));
	if (fx->info[0].depth != depth)
		return FAIL("queue %llu holds %u messages, expected %u",
			    (unsigned long long)id, fx->info[0].depth, depth);
	return 0;
}

static int check_payload(const char *buf, uint32_t got, unsigned int tag,
			 char *why, size_t len)
{
	char want[SWEEP_PAYLOAD];

	fill_payload(want, tag);
	if (got != SWEEP_PAYLOAD || memcmp(buf, want, SWEEP_PAYLOAD))
		return FAIL("payload of %u bytes is not message %u", got, tag);
	return 0;
}

static int check_nothing(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)fx; (void)ret; (void)why; (void)len;
	return 0;
}

/* open("/dev/kipc") */
static long run_open(struct fixture *fx)
{
	int fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	fx->out_fd = fd;
	return fd;
}

/* EP_SET */
static long ep_set(struct fixture *fx, uint32_t flags)
{
	struct kipc_ep_set a = {
		.size = sizeof(a),
		.flags = flags,
		.max_msgs = 8,
		.max_bytes = 4096,
		.msg_max = 1024,
		.name = "fs-ep",
	};

	return sys_ioctl(fx->ep, KIPC_IOC_EP_SET, &a);
}

static long run_ep_set_name(struct fixture *fx)
{
	return ep_set(fx, KIPC_EP_SET_NAME);
}

static int check_ep_set_name(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (stat_id(fx, fx->ep_id) < 0 || strcmp(fx->info[0].name, "fs-ep"))
		return FAIL("endpoint not named 'fs-ep'");
	return 0;
}

static long run_ep_set_limits(struct fixture *fx)
{
	return ep_set(fx, KIPC_EP_SET_LIMITS);
}

static int check_ep_set_limits(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (stat_id(fx, fx->ep_id) < 0 || fx->info[0].max_msgs != 8 ||
	    fx->info[0].msg_max != 1024)
		return FAIL("endpoint limits not applied");
	return 0;
}

/* SEND */
static long send_one(int fd, uint64_t dest, uint32_t flags, unsigned int tag)
{
	char buf[SWEEP_PAYLOAD];
	struct kipc_send s = {
		.size = sizeof(s),
		.flags = flags,
		.dest = dest,
		.buf = (uintptr_t)buf,
		.len = sizeof(buf),
		.priority = 3,
	};

	fill_payload(buf, tag);
	return sys_ioctl(fd, KIPC_IOC_SEND, &s);
}

static long run_send_direct(struct fixture *fx)
{
	return send_one(fx->ep, fx->peer_id, KIPC_NONBLOCK, 10);
}

static int check_send_direct(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	return check_depth(fx, fx->peer_id, 1, why, len);
}

static long run_send_mailbox(struct fixture *fx)
{
	return send_one(fx->ep, fx->mb_id, KIPC_NONBLOCK | KIPC_SEND_MAILBOX, 11);
}

static long run_send_mbox_fd(struct fixture *fx)
{
	return send_one(fx->mb, 0, KIPC_NONBLOCK, 12);
}

static int check_send_mailbox(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	return check_depth(fx, fx->mb_id, 1, why, len);
}

/* SYNC: returns once the server thread on fx->peer has taken it. */
static long run_send_sync(struct fixture *fx)
{
	return send_one(fx->ep, fx->peer_id, KIPC_SEND_SYNC, 13);
}

static int check_send_sync(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (fx->pt.messages != 1 || fx->pt.ret)
		return FAIL("server took %d messages (error %d), expected 1",
			    fx->pt.messages, fx->pt.ret);
	return check_depth(fx, fx->peer_id, 0, why, len);
}

/* CALL to the server thread on fx->peer, which echoes the request. */
static long run_call(struct fixture *fx)
{
	char req[SWEEP_PAYLOAD];
	struct kipc_call c = {
		.size = sizeof(c),
		.dest = fx->peer_id,
		.buf = (uintptr_t)req,
		.len = sizeof(req),
		.reply_buf = (uintptr_t)fx->buf,
		.reply_buf_len = sizeof(fx->buf),
	};
	long ret;

	fill_payload(req, 14);
	ret = sys_ioctl(fx->ep, KIPC_IOC_CALL, &c);
	fx->len = c.reply_len;
	return ret;
}

static int check_call(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (fx->pt.requests != 1 || fx->pt.ret)
		return FAIL("server answered %d requests (error %d), expected 1",
			    fx->pt.requests, fx->pt.ret);
	return check_payload(fx->buf, fx->len, 14, why, len);
}

/* REPLY to a CALL from a thread on fx->peer, received by fx->ep. */
static int prepare_reply(struct fixture *fx)
{
	struct kipc_recv rv = {
		.size = sizeof(rv),
		.buf = (uintptr_t)fx->buf,
		.buf_len = sizeof(fx->buf),
	};
	long ret = peer_start(fx, fx->peer, fx->ep_id);

	if (ret < 0)
		return (int)ret;
	do
		ret = sys_ioctl(fx->ep, KIPC_IOC_RECV, &rv);
	while (ret == -EINTR);
	if (ret < 0)
		return (int)ret;
	if (!(rv.hdr.flags & KIPC_MSG_REQUEST))
		return -EPROTO;
	fx->token = rv.hdr.token;
	return 0;
}

static long run_reply(struct fixture *fx)
{
	char buf[SWEEP_PAYLOAD];
	struct kipc_reply r = {
		.size = sizeof(r),
		.token = fx->token,
		.buf = (uintptr_t)buf,
		.len = sizeof(buf),
	};

	fill_payload(buf, 15);
	return sys_ioctl(fx->ep, KIPC_IOC_REPLY, &r);
}

static int check_reply(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	peer_stop(fx);
	if (fx->pt.ret)
		return FAIL("the caller's CALL failed: %s", strerror(-fx->pt.ret));
	return check_payload(fx->pt.reply, fx->pt.reply_len, 15, why, len);
}

/* NOTIFY: a signal whose default action is to ignore it. */
static long run_notify(struct fixture *fx)
{
	struct kipc_notify n = { .size = sizeof(n), .signo = SIGWINCH };

	return sys_ioctl(fx->ep, KIPC_IOC_NOTIFY, &n);
}

/* RECV of a queued message, from the inbox or a mailbox. */
static long recv_one(struct fixture *fx, int fd)
{
	struct kipc_recv rv = {
		.size = sizeof(rv),
		.flags = KIPC_NONBLOCK,
		.buf = (uintptr_t)fx->buf,
		.buf_len = sizeof(fx->buf),
	};
	long ret = sys_ioctl(fd, KIPC_IOC_RECV, &rv);

	fx->len = rv.len;
	return ret;
}

static int prepare_recv_ep(struct fixture *fx)
{
	return (int)send_one(fx->peer, fx->ep_id, 0, 16);
}

static long run_recv_ep(struct fixture *fx)
{
	return recv_one(fx, fx->ep);
}

static int check_recv_ep(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (check_payload(fx->buf, fx->len, 16, why, len))
		return -1;
	return check_depth(fx, fx->ep_id, 0, why, len);
}

static int prepare_recv_mbox(struct fixture *fx)
{
	return (int)send_one(fx->peer, fx->mb_id, KIPC_SEND_MAILBOX, 17);
}

static long run_recv_mbox(struct fixture *fx)
{
	return recv_one(fx, fx->mb);
}

static int check_recv_mbox(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (check_payload(fx->buf, fx->len, 17, why, len))
		return -1;
	return check_depth(fx, fx->mb_id, 0, why, len);
}

/* Mailboxes */
static long run_mbox_create(struct fixture *fx)
{
	struct kipc_mbox_create mc = {
		.size = sizeof(mc),
		.max_msgs = 4,
		.mode = 0660,
		.name = "fs-new",
	};
	long ret = sys_ioctl(fx->ep, KIPC_IOC_MBOX_CREATE, &mc);

	if (ret >= 0)
		fx->out_fd = (int)ret;
	return ret;
}

static int check_mbox_create(struct fixture *fx, long ret, char *why, size_t len)
{
	struct kipc_stat st = {
		.size = sizeof(st),
		.type = KIPC_TYPE_MAILBOX,
		.name = "fs-new",
	};

	(void)ret;
	if (sys_ioctl(fx->peer, KIPC_IOC_STAT, &st) < 0 || st.info.mode != 0660)
		return FAIL("mailbox 'fs-new' not there as created");
	return 0;
}

static long run_mbox_open(struct fixture *fx)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .name = "fs-mb" };
	long ret = sys_ioctl(fx->ep, KIPC_IOC_MBOX_OPEN, &r);

	if (ret >= 0)
		fx->out_fd = (int)ret;
	return ret;
}

static int check_mbox_open(struct fixture *fx, long ret, char *why, size_t len)
{
	struct kipc_stat st = { .size = sizeof(st) };

	(void)ret;
	if (sys_ioctl(fx->out_fd, KIPC_IOC_STAT, &st) < 0 || st.info.id != fx->mb_id)
		return FAIL("the fd opened is not mailbox %llu",
			    (unsigned long long)fx->mb_id);
	return 0;
}

static int prepare_mbox_delete(struct fixture *fx)
{
	return (int)send_one(fx->ep, fx->mb_id, KIPC_SEND_MAILBOX, 18);
}

static long run_mbox_delete(struct fixture *fx)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .id = fx->mb_id };

	return sys_ioctl(fx->ep, KIPC_IOC_MBOX_DELETE, &r);
}

static int check_mbox_delete(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (stat_id(fx, fx->mb_id) != -ENOENT)
		return FAIL("mailbox %llu still there", (unsigned long long)fx->mb_id);
	return 0;
}

static long run_mbox_set(struct fixture *fx)
{
	struct kipc_mbox_set s = {
		.size = sizeof(s),
		.flags = KIPC_MBOX_SET_MODE,
		.id = fx->mb_id,
		.mode = 0640,
	};

	return sys_ioctl(fx->ep, KIPC_IOC_MBOX_SET, &s);
}

static int check_mbox_set(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (stat_id(fx, fx->mb_id) < 0 || fx->info[0].mode != 0640)
		return FAIL("mailbox mode not 0640");
	return 0;
}

/* Introspection */
static long run_stat(struct fixture *fx)
{
	struct kipc_stat st = { .size = sizeof(st), .id = fx->mb_id };
	long ret = sys_ioctl(fx->ep, KIPC_IOC_STAT, &st);

	fx->info[0] = st.info;
	return ret;
}

static int check_stat(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (fx->info[0].id != fx->mb_id || strcmp(fx->info[0].name, "fs-mb"))
		return FAIL("STAT described %llu '%s'",
			    (unsigned long long)fx->info[0].id, fx->info[0].name);
	return 0;
}

static long run_list(struct fixture *fx)
{
	struct kipc_list l = {
		.size = sizeof(l),
		.flags = KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES | KIPC_LIST_RINGS,
		.entries = (uintptr_t)fx->info,
		.count = 4,
		.entry_size = sizeof(fx->info[0]),
	};
	long ret = sys_ioctl(fx->ep, KIPC_IOC_LIST, &l);

	fx->len = l.count;
	return ret;
}

static int check_list(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	/* The two endpoints and the mailbox, in id order. */
	if (fx->len != 3 || fx->info[0].id != fx->ep_id ||
	    fx->info[1].id != fx->peer_id || fx->info[2].id != fx->mb_id)
		return FAIL("LIST gave %u objects, expected ep, peer, mailbox", fx->len);
	return 0;
}

/* Rings */
static long run_ring_create(struct fixture *fx)
{
	struct kipc_ring_create rc = {
		.size = sizeof(rc),
		.slots = 16,
		.slot_size = 512,
		.mode = KIPC_RING_MPSC,
		.perm = 0600,
		.name = "fs-newring",
	};
	long ret = sys_ioctl(fx->ep, KIPC_IOC_RING_CREATE, &rc);

	fx->ring_id = rc.id;
	return ret;
}

static int check_ring_create(struct fixture *fx, long ret, char *why, size_t len)
{
	struct kipc_ring_attach ra = {
		.size = sizeof(ra),
		.role = KIPC_RING_ROLE_CONSUMER,
		.id = fx->ring_id,
	};

	(void)ret;
	ret = sys_ioctl(fx->ep, KIPC_IOC_RING_ATTACH, &ra);
	if (ret < 0)
		return FAIL("new ring %llu cannot be attached: %s",
			    (unsigned long long)fx->ring_id, strerror((int)-ret));
	fx->out_fd = (int)ret;
	if (ra.slots != 16 || ra.slot_size != 512)
		return FAIL("new ring is %ux%u", ra.slots, ra.slot_size);
	return 0;
}

static int prepare_ring(struct fixture *fx)
{
	return fixture_ring(fx, 0, 0);
}

static long ring_attach(struct fixture *fx, uint32_t role)
{
	struct kipc_ring_attach ra = {
		.size = sizeof(ra),
		.role = role,
		.id = fx->ring_id,
	};
	long ret = sys_ioctl(fx->ep, KIPC_IOC_RING_ATTACH, &ra);

	if (ret >= 0) {
		fx->out_fd = (int)ret;
		fx->map_size = ra.map_size;
	}
	return ret;
}

static long run_ring_attach_consumer(struct fixture *fx)
{
	return ring_attach(fx, KIPC_RING_ROLE_CONSUMER);
}

static long run_ring_attach_producer(struct fixture *fx)
{
	return ring_attach(fx, KIPC_RING_ROLE_PRODUCER);
}

static int check_ring_attach(struct fixture *fx, long ret, char *why, size_t len)
{
	(void)ret;
	if (!fx->map_size)
		return FAIL("RING_ATTACH gave no map_size");
	return 0;
}

static int prepare_ring_mapped(struct fixture *fx)
{
	return fixture_ring(fx, KIPC_RING_ROLE_CONSUMER, 1);
}

static long run_ring_delete(struct fixture *fx)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .id = fx->ring_id };

	return sys_ioctl(fx->ep, KIPC_IOC_RING_DELETE, &r);
}

static int check_ring_delete(struct fixture *fx, long ret, char *why, size_t len)
{
	struct kipc_ring_wait w = {
		.size = sizeof(w),
		.flags = KIPC_RING_WAIT_READABLE | KIPC_NONBLOCK,
	};

	(void)ret;
	ret = sys_ioctl(fx->ring_fd, KIPC_IOC_RING_WAIT, &w);
	if (ret != -EIDRM)
		return FAIL("consumer of the deleted ring waits with %s, not EIDRM",
			    strerror((int)-ret));
	return 0;
}

static int prepare_ring_producer(struct fixture *fx)
{
	return fixture_ring(fx, KIPC_RING_ROLE_PRODUCER, 1);
}

static long run_ring_wait(struct fixture *fx)
{
	struct kipc_ring_wait w = {
		.size = sizeof(w),
		.flags = KIPC_RING_WAIT_WRITABLE | KIPC_NONBLOCK,
		.n = 1,
	};

	return sys_ioctl(fx->ring_fd, KIPC_IOC_RING_WAIT, &w);
}

static long run_ring_wake(struct fixture *fx)
{
	return sys_ioctl(fx->ring_fd, KIPC_IOC_RING_WAKE, NULL);
}

static int prepare_ring_attached(struct fixture *fx)
{
	return fixture_ring(fx, KIPC_RING_ROLE_CONSUMER, 0);
}

/*
 * Each mapping at a fresh address, 1 GiB from the last: the page tables
 * under it do not exist yet, so vm_map_pages() must allocate them (where
 * the kernel would pick, they are usually there). Those allocations count
 * only when kring_mmap() is on the stack: compiled as a tail call to
 * vm_map_pages(), as gcc does today, it is not, and this operation shows
 * no site.
 */
static long run_ring_mmap(struct fixture *fx)
{
	static uintptr_t next = 0x200000000000UL;
	void *p;

	next += 1UL << 30;
	p = mmap((void *)next, fx->map_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, fx->ring_fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	fx->out_map = p;
	return 0;
}

static int check_ring_mmap(struct fixture *fx, long ret, char *why, size_t len)
{
	const volatile unsigned char *p = fx->out_map;
	unsigned char first, last;

	(void)ret; (void)why; (void)len;
	/* Touch the first and the last byte: a hole would be SIGBUS. */
	first = p[0];
	last = p[fx->map_size - 1];
	(void)first; (void)last;
	return 0;
}

const struct sweep_op sweep_ops[] = {
	{ .name = "open", .needs = NEEDS_NOTHING,
	  .run = run_open, .check = check_nothing },
	{ .name = "ep_set_name", .needs = NEEDS_NOTHING,
	  .run = run_ep_set_name, .check = check_ep_set_name },
	{ .name = "ep_set_limits", .needs = NEEDS_NOTHING,
	  .run = run_ep_set_limits, .check = check_ep_set_limits },
	{ .name = "send_direct", .needs = NEEDS_NOTHING,
	  .run = run_send_direct, .check = check_send_direct },
	{ .name = "send_mailbox", .needs = NEEDS_NOTHING,
	  .run = run_send_mailbox, .check = check_send_mailbox },
	{ .name = "send_mbox_fd", .needs = NEEDS_NOTHING,
	  .run = run_send_mbox_fd, .check = check_send_mailbox },
	{ .name = "send_sync", .needs = NEEDS_SERVER,
	  .run = run_send_sync, .check = check_send_sync },
	{ .name = "call", .needs = NEEDS_SERVER,
	  .run = run_call, .check = check_call,
	  .served_on_efault = 1 },
	{ .name = "reply", .needs = NEEDS_CALLER, .prepare = prepare_reply,
	  .run = run_reply, .check = check_reply },
	{ .name = "notify", .needs = NEEDS_NOTHING,
	  .run = run_notify, .check = check_nothing },
	{ .name = "recv_ep", .needs = NEEDS_NOTHING, .prepare = prepare_recv_ep,
	  .run = run_recv_ep, .check = check_recv_ep },
	{ .name = "recv_mbox", .needs = NEEDS_NOTHING, .prepare = prepare_recv_mbox,
	  .run = run_recv_mbox, .check = check_recv_mbox },
	{ .name = "mbox_create", .needs = NEEDS_NOTHING,
	  .run = run_mbox_create, .check = check_mbox_create },
	{ .name = "mbox_open", .needs = NEEDS_NOTHING,
	  .run = run_mbox_open, .check = check_mbox_open },
	{ .name = "mbox_delete", .needs = NEEDS_NOTHING, .prepare = prepare_mbox_delete,
	  .run = run_mbox_delete, .check = check_mbox_delete },
	{ .name = "mbox_set", .needs = NEEDS_NOTHING,
	  .run = run_mbox_set, .check = check_mbox_set },
	{ .name = "stat", .needs = NEEDS_NOTHING,
	  .run = run_stat, .check = check_stat },
	{ .name = "list", .needs = NEEDS_NOTHING,
	  .run = run_list, .check = check_list },
	{ .name = "ring_create", .needs = NEEDS_NOTHING,
	  .run = run_ring_create, .check = check_ring_create },
	{ .name = "ring_attach_consumer", .needs = NEEDS_NOTHING, .prepare = prepare_ring,
	  .run = run_ring_attach_consumer, .check = check_ring_attach },
	{ .name = "ring_attach_producer", .needs = NEEDS_NOTHING, .prepare = prepare_ring,
	  .run = run_ring_attach_producer, .check = check_ring_attach },
	{ .name = "ring_delete", .needs = NEEDS_NOTHING, .prepare = prepare_ring_mapped,
	  .run = run_ring_delete, .check = check_ring_delete },
	{ .name = "ring_wait", .needs = NEEDS_NOTHING, .prepare = prepare_ring_producer,
	  .run = run_ring_wait, .check = check_nothing },
	{ .name = "ring_wake", .needs = NEEDS_NOTHING, .prepare = prepare_ring_producer,
	  .run = run_ring_wake, .check = check_nothing },
	{ .name = "ring_mmap", .needs = NEEDS_NOTHING, .prepare = prepare_ring_attached,
	  .run = run_ring_mmap, .check = check_ring_mmap },
};
const unsigned int sweep_nr_ops = sizeof(sweep_ops) / sizeof(sweep_ops[0]);
