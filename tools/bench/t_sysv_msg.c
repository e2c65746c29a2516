/* SPDX-License-Identifier: MIT */
/*
 * SysV message queue. A message is limited by kernel.msgmax (8192 by
 * default, no privilege exceeds it); the queue's byte limit is raised to
 * hold several messages when the caller may (CAP_SYS_RESOURCE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "bench.h"

struct sysv_chan {
	int id;
};

static long msgmax(void)
{
	FILE *f = fopen("/proc/sys/kernel/msgmax", "r");
	long v = 8192;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 8192;
		fclose(f);
	}
	return v;
}

static int sysv_setup(void **chan, size_t size, const char **why)
{
	struct sysv_chan *c;
	struct msqid_ds ds;
	int ret;

	if ((long)size > msgmax()) {
		*why = "message above kernel.msgmax";
		return BENCH_SKIP;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (c->id < 0) {
		ret = -errno;
		free(c);
		return ret;
	}
	if (msgctl(c->id, IPC_STAT, &ds) == 0 && ds.msg_qbytes < 8 * size) {
		ds.msg_qbytes = 8 * size;
		msgctl(c->id, IPC_SET, &ds);	/* best effort: needs privilege */
	}
	*chan = c;
	return 0;
}

static int sysv_open(struct side *s)
{
	(void)s;
	return 0;
}

/* The mtype goes in the headroom in front of the payload: no extra copy. */
static int sysv_send(struct side *s, uint64_t seq, const void *buf, size_t len)
{
	struct sysv_chan *c = s->chan;
	long *mtype = (long *)((char *)buf - sizeof(long));
	int ret;

	(void)seq;
	*mtype = 1;
	do {
		s->calls++;
		ret = msgsnd(c->id, mtype, len, 0);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

static int sysv_recv(struct side *s, uint64_t seq, void *buf, size_t len)
{
	struct sysv_chan *c = s->chan;
	long *mtype = (long *)((char *)buf - sizeof(long));
	ssize_t n;

	do {
		s->calls++;
		n = msgrcv(c->id, mtype, len, 0, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return msg_check(buf, (size_t)n, seq, len);
}

static void sysv_close(struct side *s)
{
	(void)s;
}

static void sysv_teardown(void *chan)
{
	struct sysv_chan *c = chan;

	msgctl(c->id, IPC_RMID, NULL);
	free(c);
}

const struct transport transport_sysv_msg = {
	.name = "sysv-msg",
	.setup = sysv_setup,
	.open = sysv_open,
	.send = sysv_send,
	.recv = sysv_recv,
	.close = sysv_close,
	.teardown = sysv_teardown,
};
