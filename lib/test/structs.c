/* SPDX-License-Identifier: MIT */
/*
 * What libkipc hands the kernel: this test defines its own ioctl(), which
 * the library's calls bind to instead of libc's, records the request and
 * a copy of its argument, and answers as a kernel would. Checks that each
 * struct carries size = sizeof(struct), zeroed reserved fields and the
 * derived flags, and that results are copied back as documented.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "libkipc.h"
#include "helpers.h"

static unsigned long last_req;
static union {
	struct kipc_ep_set ep_set;
	struct kipc_send send;
	struct kipc_recv recv;
	struct kipc_call call;
	struct kipc_reply reply;
	struct kipc_notify notify;
	struct kipc_mbox_create create;
	struct kipc_mbox_ref ref;
	struct kipc_mbox_set set;
	struct kipc_stat stat;
	struct kipc_list list;
	struct kipc_version version;
} last;
static int calls;
/* What the fake kernel does: return this, after answer() if set. */
static int fake_ret;
static void (*answer)(void *arg);

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	calls++;
	last_req = req;
	memcpy(&last, arg, _IOC_SIZE(req));
	if (answer)
		answer(arg);
	if (fake_ret < 0) {
		errno = -fake_ret;
		return -1;
	}
	return fake_ret;
}

static void reset(int ret, void (*fn)(void *))
{
	memset(&last, 0xa5, sizeof(last));
	last_req = 0;
	fake_ret = ret;
	answer = fn;
}

static void answer_version(void *arg)
{
	struct kipc_version *v = arg;

	v->abi = KIPC_ABI_VERSION;
	v->endpoint_id = 77;
}

static void answer_create(void *arg)
{
	((struct kipc_mbox_create *)arg)->id = 1234;
}

static void answer_open(void *arg)
{
	((struct kipc_mbox_ref *)arg)->id = 4321;
}

static void answer_recv(void *arg)
{
	struct kipc_recv *r = arg;

	memcpy((void *)(uintptr_t)r->buf, "hello", 5);
	r->len = 5;
	r->hdr.sender_id = 9;
	r->hdr.len = 5;
	r->hdr.priority = 3;
	r->seq = 77;
}

static void answer_recv_too_big(void *arg)
{
	struct kipc_recv *r = arg;

	r->len = 100;
	r->hdr.len = 100;
	r->hdr.sender_id = 9;
}

static void answer_call(void *arg)
{
	struct kipc_call *c = arg;

	memcpy((void *)(uintptr_t)c->reply_buf, "ok", 2);
	c->reply_len = 2;
	c->reply_hdr.sender_id = 5;
	c->reply_hdr.token = 99;
}

static void answer_stat(void *arg)
{
	struct kipc_stat *st = arg;

	st->info.id = 55;
	st->info.type = KIPC_TYPE_ENDPOINT;
	strcpy(st->info.name, "srv");
}

static void answer_list(void *arg)
{
	struct kipc_list *l = arg;
	struct kipc_info *e = (void *)(uintptr_t)l->entries;

	e[0].id = l->cursor + 10;
	e[1].id = l->cursor + 20;
	l->cursor += 20;
	l->count = 2;
}

static void answer_list_end(void *arg)
{
	struct kipc_list *l = arg;

	l->cursor = 0xdead;	/* must be ignored when nothing was written */
	l->count = 0;
}

int main(void)
{
	static const struct timespec ts = { .tv_sec = 2, .tv_nsec = 5 };
	struct kipc_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 8, .max_bytes = 4096,
		.msg_max = 512, .mode = 0640,
	};
	struct kipc_msg_hdr hdr;
	uint64_t seq;
	struct kipc_info info, entries[4];
	uint64_t id, cursor;
	char buf[16];

	/* version, ep_id */
	reset(0, answer_version);
	CHECK_EQ(0, kipc_ep_id(3, &id));
	CHECK_EQ(KIPC_IOC_VERSION, last_req);
	CHECK_EQ(77, id);

	/* ep_set_name, ep_set_limits */
	reset(0, NULL);
	CHECK_EQ(0, kipc_ep_set_name(3, "server"));
	CHECK_EQ(KIPC_IOC_EP_SET, last_req);
	CHECK_EQ(sizeof(struct kipc_ep_set), last.ep_set.size);
	CHECK_EQ(KIPC_EP_SET_NAME, last.ep_set.flags);
	CHECK_EQ(0, last.ep_set.reserved);
	CHECK_EQ(0, last.ep_set.max_msgs);
	CHECK(!strcmp(last.ep_set.name, "server"));
	CHECK_EQ(0, last.ep_set.name[KIPC_NAME_MAX - 1]);
	reset(0, NULL);
	CHECK_EQ(0, kipc_ep_set_limits(3, 0, 100, 10));
	CHECK_EQ(KIPC_EP_SET_LIMITS, last.ep_set.flags);
	CHECK_EQ(0, last.ep_set.max_msgs);
	CHECK_EQ(100, last.ep_set.max_bytes);
	CHECK_EQ(10, last.ep_set.msg_max);
	CHECK_EQ(0, last.ep_set.name[0]);

	/* mbox_create: explicit attr, default attr, anonymous */
	reset(7, answer_create);
	CHECK_EQ(7, kipc_mbox_create(3, "jobs", &attr, &id));
	CHECK_EQ(KIPC_IOC_MBOX_CREATE, last_req);
	CHECK_EQ(sizeof(struct kipc_mbox_create), last.create.size);
	CHECK_EQ(KIPC_MBOX_OWNED, last.create.flags);
	CHECK_EQ(8, last.create.max_msgs);
	CHECK_EQ(4096, last.create.max_bytes);
	CHECK_EQ(512, last.create.msg_max);
	CHECK_EQ(0640, last.create.mode);
	CHECK_EQ(0, last.create.id);
	CHECK(!strcmp(last.create.name, "jobs"));
	CHECK_EQ(1234, id);
	reset(7, answer_create);
	CHECK_EQ(7, kipc_mbox_create(3, NULL, NULL, NULL));
	CHECK_EQ(0, last.create.flags);
	CHECK_EQ(KIPC_MBOX_DEFAULT_MSGS, last.create.max_msgs);
	CHECK_EQ(0, last.create.max_bytes);
	CHECK_EQ(0, last.create.msg_max);
	CHECK_EQ(0600, last.create.mode);
	CHECK_EQ(0, last.create.name[0]);
	/* A failed create leaves *id alone. */
	id = 1;
	reset(-EEXIST, answer_create);
	CHECK_EQ(-EEXIST, kipc_mbox_create(3, "jobs", NULL, &id));
	CHECK_EQ(1, id);

	/* mbox_open by name and by id */
	reset(8, answer_open);
	CHECK_EQ(8, kipc_mbox_open(3, "jobs", &id));
	CHECK_EQ(KIPC_IOC_MBOX_OPEN, last_req);
	CHECK_EQ(sizeof(struct kipc_mbox_ref), last.ref.size);
	CHECK_EQ(0, last.ref.flags);
	CHECK_EQ(0, last.ref.id);
	CHECK(!strcmp(last.ref.name, "jobs"));
	CHECK_EQ(4321, id);
	reset(8, NULL);
	CHECK_EQ(8, kipc_mbox_open_id(3, 4321));
	CHECK_EQ(4321, last.ref.id);
	CHECK_EQ(0, last.ref.name[0]);

	/* mbox_delete, delete_name */
	reset(0, NULL);
	CHECK_EQ(0, kipc_mbox_delete(3, 0));
	CHECK_EQ(KIPC_IOC_MBOX_DELETE, last_req);
	CHECK_EQ(sizeof(struct kipc_mbox_ref), last.ref.size);
	CHECK_EQ(0, last.ref.id);
	CHECK_EQ(0, last.ref.name[0]);
	reset(0, NULL);
	CHECK_EQ(0, kipc_mbox_delete_name(3, "jobs"));
	CHECK_EQ(0, last.ref.id);
	CHECK(!strcmp(last.ref.name, "jobs"));

	/* mbox_set_mode, set_owner (-1 leaves a field alone) */
	reset(0, NULL);
	CHECK_EQ(0, kipc_mbox_set_mode(3, 12, 0604));
	CHECK_EQ(KIPC_IOC_MBOX_SET, last_req);
	CHECK_EQ(sizeof(struct kipc_mbox_set), last.set.size);
	CHECK_EQ(KIPC_MBOX_SET_MODE, last.set.flags);
	CHECK_EQ(12, last.set.id);
	CHECK_EQ(0604, last.set.mode);
	CHECK_EQ(0, last.set.reserved);
	reset(0, NULL);
	CHECK_EQ(0, kipc_mbox_set_owner(3, 0, 1000, (gid_t)-1));
	CHECK_EQ(KIPC_MBOX_SET_UID, last.set.flags);
	CHECK_EQ(1000, last.set.uid);
	CHECK_EQ(0, last.set.gid);
	reset(0, NULL);
	CHECK_EQ(0, kipc_mbox_set_owner(3, 0, 1000, 100));
	CHECK_EQ(KIPC_MBOX_SET_UID | KIPC_MBOX_SET_GID, last.set.flags);

	/* send: timeout derived from the pointer, flags passed through */
	reset(0, NULL);
	CHECK_EQ(0, kipc_send(3, 5, "hi", 2, 7, KIPC_SEND_SYNC, &ts));
	CHECK_EQ(KIPC_IOC_SEND, last_req);
	CHECK_EQ(sizeof(struct kipc_send), last.send.size);
	CHECK_EQ(KIPC_SEND_SYNC | KIPC_TIMEOUT, last.send.flags);
	CHECK_EQ(5, last.send.dest);
	CHECK_EQ(2, last.send.len);
	CHECK_EQ(7, last.send.priority);
	CHECK_EQ(2, last.send.timeout.tv_sec);
	CHECK_EQ(5, last.send.timeout.tv_nsec);
	reset(0, NULL);
	CHECK_EQ(0, kipc_send(3, 0, NULL, 0, 0, KIPC_NONBLOCK, NULL));
	CHECK_EQ(KIPC_NONBLOCK, last.send.flags);
	CHECK_EQ(0, last.send.buf);
	CHECK_EQ(0, last.send.timeout.tv_sec);
	CHECK_EQ(0, last.send.timeout.tv_nsec);
	reset(0, NULL);
	CHECK_EQ(0, kipc_send(3, 9, "x", 1, 0, KIPC_SEND_MAILBOX | KIPC_ABSTIME,
			      &ts));
	CHECK_EQ(KIPC_SEND_MAILBOX | KIPC_ABSTIME | KIPC_TIMEOUT,
		 last.send.flags);

	/* recv: returns the length, fills hdr */
	reset(0, answer_recv);
	memset(&hdr, 0, sizeof(hdr));
	CHECK_EQ(5, kipc_recv(3, buf, sizeof(buf), &hdr, KIPC_RECV_PEEK, NULL));
	CHECK_EQ(KIPC_IOC_RECV, last_req);
	CHECK_EQ(sizeof(struct kipc_recv), last.recv.size);
	CHECK_EQ(KIPC_RECV_PEEK, last.recv.flags);
	CHECK_EQ(0, last.recv.from);
	CHECK_EQ(sizeof(buf), last.recv.buf_len);
	CHECK_EQ(0, last.recv.len);
	CHECK_EQ(0, last.recv.hdr.sender_id);
	CHECK_EQ(0, memcmp(buf, "hello", 5));
	CHECK_EQ(9, hdr.sender_id);
	CHECK_EQ(3, hdr.priority);
	CHECK_EQ(5, hdr.len);
	reset(0, answer_recv);
	CHECK_EQ(5, kipc_recv(3, buf, sizeof(buf), NULL, 0, &ts));
	CHECK_EQ(KIPC_TIMEOUT, last.recv.flags);
	/* -EMSGSIZE: hdr->len is the size needed. */
	reset(-EMSGSIZE, answer_recv_too_big);
	memset(&hdr, 0, sizeof(hdr));
	CHECK_EQ(-EMSGSIZE, kipc_recv(3, buf, sizeof(buf), &hdr, 0, NULL));
	CHECK_EQ(100, hdr.len);
	CHECK_EQ(9, hdr.sender_id);
	/* Other errors leave hdr alone. */
	reset(-EAGAIN, answer_recv);
	memset(&hdr, 0, sizeof(hdr));
	CHECK_EQ(-EAGAIN, kipc_recv(3, buf, sizeof(buf), &hdr, KIPC_NONBLOCK, NULL));
	CHECK_EQ(0, hdr.sender_id);

	/* recv_from: KIPC_RECV_FROM derived from @from */
	reset(0, answer_recv);
	CHECK_EQ(5, kipc_recv_from(3, 9, buf, sizeof(buf), NULL, 0, NULL));
	CHECK_EQ(KIPC_RECV_FROM, last.recv.flags);
	CHECK_EQ(9, last.recv.from);

	/* recv_seq: the number out, and in with KIPC_RECV_SEQ */
	reset(0, answer_recv);
	seq = 0;
	CHECK_EQ(5, kipc_recv_seq(3, &seq, buf, sizeof(buf), NULL,
				  KIPC_RECV_PEEK, NULL));
	CHECK_EQ(KIPC_RECV_PEEK, last.recv.flags);
	CHECK_EQ(0, last.recv.seq);
	CHECK_EQ(77, seq);
	reset(0, answer_recv);
	seq = 12;
	CHECK_EQ(5, kipc_recv_seq(3, &seq, buf, sizeof(buf), NULL,
				  KIPC_RECV_SEQ, NULL));
	CHECK_EQ(KIPC_RECV_SEQ, last.recv.flags);
	CHECK_EQ(12, last.recv.seq);
	CHECK_EQ(77, seq);

	/* call */
	reset(0, answer_call);
	memset(&hdr, 0, sizeof(hdr));
	CHECK_EQ(2, kipc_call(3, 5, "q", 1, 4, buf, sizeof(buf), &hdr,
			      KIPC_SEND_MAILBOX, &ts));
	CHECK_EQ(KIPC_IOC_CALL, last_req);
	CHECK_EQ(sizeof(struct kipc_call), last.call.size);
	CHECK_EQ(KIPC_SEND_MAILBOX | KIPC_TIMEOUT, last.call.flags);
	CHECK_EQ(5, last.call.dest);
	CHECK_EQ(1, last.call.len);
	CHECK_EQ(4, last.call.priority);
	CHECK_EQ(sizeof(buf), last.call.reply_buf_len);
	CHECK_EQ(0, last.call.reply_len);
	CHECK_EQ(0, memcmp(buf, "ok", 2));
	CHECK_EQ(5, hdr.sender_id);
	CHECK_EQ(99, hdr.token);

	/* reply */
	reset(0, NULL);
	CHECK_EQ(0, kipc_reply(3, 99, "ok", 2));
	CHECK_EQ(KIPC_IOC_REPLY, last_req);
	CHECK_EQ(sizeof(struct kipc_reply), last.reply.size);
	CHECK_EQ(0, last.reply.flags);
	CHECK_EQ(99, last.reply.token);
	CHECK_EQ(2, last.reply.len);
	CHECK_EQ(0, last.reply.reserved);

	/* notify */
	reset(0, NULL);
	CHECK_EQ(0, kipc_notify(3, 10, KIPC_NOTIFY_ONESHOT));
	CHECK_EQ(KIPC_IOC_NOTIFY, last_req);
	CHECK_EQ(sizeof(struct kipc_notify), last.notify.size);
	CHECK_EQ(KIPC_NOTIFY_ONESHOT, last.notify.flags);
	CHECK_EQ(10, last.notify.signo);
	CHECK_EQ(0, last.notify.reserved);

	/* stat, stat_name, ep_lookup */
	reset(0, answer_stat);
	CHECK_EQ(0, kipc_stat(3, 55, &info));
	CHECK_EQ(KIPC_IOC_STAT, last_req);
	CHECK_EQ(sizeof(struct kipc_stat), last.stat.size);
	CHECK_EQ(0, last.stat.type);
	CHECK_EQ(55, last.stat.id);
	CHECK_EQ(0, last.stat.name[0]);
	CHECK_EQ(0, last.stat.info.id);
	CHECK_EQ(55, info.id);
	reset(0, answer_stat);
	CHECK_EQ(0, kipc_stat_name(3, KIPC_TYPE_ENDPOINT, "srv", &info));
	CHECK_EQ(KIPC_TYPE_ENDPOINT, last.stat.type);
	CHECK_EQ(0, last.stat.id);
	CHECK(!strcmp(last.stat.name, "srv"));
	CHECK(!strcmp(info.name, "srv"));
	reset(0, answer_stat);
	CHECK_EQ(0, kipc_ep_lookup(3, "srv", &id));
	CHECK_EQ(55, id);
	/* The kernel's answer for a missing endpoint is passed through. */
	reset(-ESRCH, NULL);
	CHECK_EQ(-ESRCH, kipc_ep_lookup(3, "nobody", &id));
	reset(-ENOENT, NULL);
	CHECK_EQ(-ENOENT, kipc_stat_name(3, KIPC_TYPE_MAILBOX, "nobody", &info));

	/* list: count clamped, cursor advanced only when something came */
	cursor = 100;
	reset(0, answer_list);
	CHECK_EQ(2, kipc_list(3, KIPC_LIST_MAILBOXES, &cursor, entries, 4));
	CHECK_EQ(KIPC_IOC_LIST, last_req);
	CHECK_EQ(sizeof(struct kipc_list), last.list.size);
	CHECK_EQ(KIPC_LIST_MAILBOXES, last.list.flags);
	CHECK_EQ(100, last.list.cursor);
	CHECK_EQ(4, last.list.count);
	CHECK_EQ(sizeof(struct kipc_info), last.list.entry_size);
	CHECK_EQ(110, entries[0].id);
	CHECK_EQ(120, entries[1].id);
	CHECK_EQ(120, cursor);
	reset(0, answer_list_end);
	CHECK_EQ(0, kipc_list(3, KIPC_LIST_ENDPOINTS, &cursor, entries, 4));
	CHECK_EQ(120, cursor);
	reset(0, answer_list_end);
	CHECK_EQ(0, kipc_list(3, KIPC_LIST_ENDPOINTS, &cursor, entries, ~0u));
	CHECK_EQ(KIPC_LIST_MAX, last.list.count);

	/* Arguments rejected by the library never reach the kernel. */
	calls = 0;
	CHECK_EQ(-EINVAL, kipc_send(3, 1, "x", 1, 0, KIPC_TIMEOUT, NULL));
	CHECK_EQ(-EINVAL, kipc_recv(3, buf, 1, NULL, KIPC_RECV_FROM, NULL));
	CHECK_EQ(-EINVAL, kipc_mbox_open(3, "", NULL));
	CHECK_EQ(0, calls);
	return T_EXIT_PASS;
}
