// SPDX-License-Identifier: MIT
/*
 * The ledger: a small private mailbox per JetStream route,
 * "kipc-bridge.<host>.<route>", in which the bridge keeps the record of
 * what it has moved across the machine's edge. It is a kipc mailbox, not a
 * file, for two reasons:
 *
 *  - KIPC_IOC_XFER sends then receives in one system call, and once the
 *    send went, a receive that finds a message cannot be interrupted (not
 *    even by SIGKILL). So the export side puts a message into the local
 *    mailbox and consumes the previous record in one XFER: a bridge killed
 *    at any instant leaves a record that says exactly what was delivered.
 *  - It lives exactly as long as the messages it describes: both are
 *    kernel memory, gone together when the machine stops; and it outlives
 *    the bridge process (it is not KIPC_MBOX_OWNED).
 *
 * Records are struct kbr_record. Export: the first record is the truth; a
 * second one is an intent, "about to deliver seq", which the delivering
 * XFER turns into the truth by consuming the first. Import: one record,
 * whose epoch names this boot's message ids (import.c takes each message
 * by its own number in the mailbox, which needs no record per message;
 * older bridges left one per message, and opening trims them).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "run.h"

#define LEDGER_MSGS	64

/* Receive @n records (in one call, so a kill leaves all or none taken). */
static int take(int fd, unsigned int n)
{
	struct kbr_record r[LEDGER_MSGS];
	struct kipc_mmsg m[LEDGER_MSGS];
	unsigned int i;
	int ret;

	if (n == 0)
		return 0;
	memset(m, 0, sizeof(m));
	for (i = 0; i < n; i++) {
		m[i].buf = (uintptr_t)&r[i];
		m[i].buf_len = sizeof(r[i]);
	}
	ret = kipc_recv_batch(fd, m, n, KIPC_NONBLOCK, NULL);
	if (ret < 0)
		return ret;
	return (unsigned int)ret == n ? 0 : -EAGAIN;
}

static int peek(int fd, struct kbr_record *rec)
{
	struct kipc_msg_hdr h;
	int ret;

	ret = kipc_recv(fd, rec, sizeof(*rec), &h, KIPC_RECV_PEEK | KIPC_NONBLOCK,
			NULL);
	if (ret < 0)
		return ret;
	return ret == sizeof(*rec) ? 0 : -EBADMSG;
}

static int put(int fd, const struct kbr_record *rec)
{
	return kipc_send(fd, 0, rec, sizeof(*rec), 0, KIPC_NONBLOCK, NULL);
}

int kbr_ledger_open(int ep, const struct kbr_route *r, struct kbr_ledger *l,
		    bool *fresh)
{
	struct kipc_mbox_attr attr = {
		.max_msgs = LEDGER_MSGS,
		.msg_max = sizeof(struct kbr_record),
		.mode = 0600,
	};
	struct kbr_record rec = { 0, 0 };
	struct kipc_info info;
	char name[KIPC_NAME_MAX + 1];
	int ret;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (snprintf(name, sizeof(name), "kipc-bridge.%s.%s", kbr.cfg->host,
		     r->name) >= KIPC_NAME_MAX)
		return -ENAMETOOLONG;
	ret = kipc_mbox_create(ep, name, &attr, &l->id);
	if (ret == -EEXIST)
		ret = kipc_mbox_open(ep, name, &l->id);
	if (ret < 0)
		return ret;
	l->fd = ret;
	ret = kipc_stat(l->fd, 0, &info);
	if (ret < 0)
		goto fail;
	*fresh = info.depth == 0;
	if (r->dir == KBR_IMPORT) {
		if (info.depth == 0) {
			/* A new epoch names the message ids of a new ledger, so
			 * they cannot collide with those of one that was lost.
			 */
			if (getrandom(&rec.epoch, sizeof(rec.epoch), 0) !=
			    sizeof(rec.epoch)) {
				ret = -errno;
				goto fail;
			}
			ret = put(l->fd, &rec);
		} else {
			ret = take(l->fd, info.depth - 1);
		}
		if (ret == 0)
			ret = peek(l->fd, &rec);
	} else if (info.depth > 0) {
		/* Keep the first record, drop the intents after it. */
		ret = peek(l->fd, &rec);
		if (ret == 0 && info.depth > 1) {
			ret = put(l->fd, &rec);
			if (ret == 0)
				ret = take(l->fd, info.depth);
		}
	}
	if (ret < 0)
		goto fail;
	l->epoch = rec.epoch;
	l->seq = rec.seq;
	l->depth = info.depth ? 1 : r->dir == KBR_IMPORT;
	kbr_debug("%s: ledger %s: epoch %016llx seq %llu%s", r->name, name,
		  (unsigned long long)l->epoch, (unsigned long long)l->seq,
		  *fresh ? " (new)" : "");
	return 0;
fail:
	close(l->fd);
	l->fd = -1;
	return ret;
}

/* Export, on a fresh ledger: record where delivery resumes. */
int kbr_ledger_export_init(struct kbr_ledger *l, uint64_t seq)
{
	struct kbr_record rec = { 0, seq };
	int ret;

	ret = put(l->fd, &rec);
	if (ret == 0) {
		l->seq = seq;
		l->depth = 1;
	}
	return ret;
}

/* Export: start again at @seq (the old record goes after the new is in). */
int kbr_ledger_export_reset(struct kbr_ledger *l, uint64_t seq)
{
	struct kbr_record rec = { 0, seq };
	int ret;

	ret = put(l->fd, &rec);
	if (ret == 0)
		ret = take(l->fd, 1);
	if (ret == 0)
		l->seq = seq;
	return ret;
}

int kbr_ledger_export_deliver(struct kbr_ledger *l, uint64_t dest, const void *buf, size_t len,
			      unsigned int prio, uint64_t seq, unsigned int ms)
{
	struct kbr_record rec = { 0, seq }, old;
	struct kipc_mmsg out = {
		.buf = (uintptr_t)buf,
		.len = len,
		.priority = prio,
	};
	struct kipc_mmsg in = {
		.buf = (uintptr_t)&old,
		.buf_len = sizeof(old),
	};
	struct kipc_xfer x = {
		.flags = KIPC_SEND_MAILBOX | KIPC_TIMEOUT,
		.dest = dest,
		.send_msgs = (uintptr_t)&out,
		.recv_msgs = (uintptr_t)&in,
		.send_count = 1,
		.recv_count = 1,
		.timeout = { ms / 1000, (long long)(ms % 1000) * 1000000 },
	};
	int ret;

	/* Retries of one message reuse its intent; it never moves on. */
	if (l->intent && l->intent != seq)
		return -EPROTO;
	if (!l->intent) {
		ret = put(l->fd, &rec);
		if (ret < 0)
			return ret;
		l->intent = seq;
	}
	ret = kipc_xfer(l->fd, &x);
	if (x.sent && x.received) {
		l->intent = 0;
		l->seq = seq;
		return 0;
	}
	if (x.sent)	/* cannot happen: the first record is always there */
		return -EPROTO;
	return ret < 0 ? ret : -EAGAIN;
}

int kbr_ledger_export_skip(struct kbr_ledger *l, uint64_t seq)
{
	struct kbr_record rec = { 0, seq };
	int ret = 0;

	if (l->intent && l->intent != seq)
		return -EPROTO;
	if (!l->intent)
		ret = put(l->fd, &rec);
	/* The intent becomes the record, as a delivery would make it. */
	if (ret == 0)
		ret = take(l->fd, 1);
	if (ret == 0) {
		l->intent = 0;
		l->seq = seq;
	}
	return ret;
}

void kbr_ledger_close(struct kbr_ledger *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
