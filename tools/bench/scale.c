/* SPDX-License-Identifier: MIT */
/*
 * One mailbox shared by @producers sending and @consumers receiving
 * processes: how throughput behaves as parties are added. Data goes at
 * priority 1; once every producer is done the runner queues one stop
 * message per consumer at priority 0, which no consumer can take before
 * the data. Each message carries its producer and sequence number; every
 * consumer checks each producer's numbers only increase, and the runner
 * checks the count and the sum of all of them (nothing lost or doubled).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>

#include <libkipc.h>

#include "bench.h"

#define SCALE_MAX	8
#define STOP		UINT64_MAX

struct scale_report {
	int32_t err;
	uint32_t pad;
	uint64_t n, sum;
};

static int producer(int mb, unsigned int id, uint64_t n, size_t size, int go)
{
	void *buf = msg_alloc(size);
	uint64_t i, tag;
	char c;
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = read_full(go, &c, 1);
	for (i = 0; i < n && !ret; i++) {
		tag = (uint64_t)id << 48 | i;
		msg_stamp(buf, tag, size);
		ret = kipc_send(mb, 0, buf, size, 1, 0, NULL);
	}
	msg_free(buf, size);
	return ret;
}

static int consumer(int mb, size_t size, int go, int up)
{
	struct scale_report rep = { 0 };
	uint64_t next[SCALE_MAX] = { 0 }, tag, seq;
	void *buf = msg_alloc(size);
	unsigned int id;
	char c;
	int n;

	if (!buf)
		return -ENOMEM;
	rep.err = read_full(go, &c, 1);
	while (!rep.err) {
		n = kipc_recv(mb, buf, size, NULL, 0, NULL);
		if (n < 0) {
			rep.err = n;
			break;
		}
		memcpy(&tag, buf, sizeof(tag));
		if (tag == STOP)
			break;
		id = (unsigned int)(tag >> 48);
		seq = tag & ((1ULL << 48) - 1);
		if (id >= SCALE_MAX || seq < next[id] ||
		    msg_check(buf, (size_t)n, tag, size)) {
			rep.err = -EBADMSG;
			break;
		}
		next[id] = seq + 1;
		rep.n++;
		rep.sum += seq;
	}
	msg_free(buf, size);
	return write_full(up, &rep, sizeof(rep)) ?: rep.err;
}

static pid_t spawn(int mb, int is_producer, unsigned int id, uint64_t n,
		   size_t size, int go, int up)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit((is_producer ? producer(mb, id, n, size, go) :
				     consumer(mb, size, go, up)) ? 1 : 0);
	}
	return pid;
}

int run_scale(unsigned int producers, unsigned int consumers, size_t size,
	      uint64_t count, double *msgs_per_s)
{
	struct kipc_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED, .max_msgs = 64, .mode = 0600,
	};
	pid_t pids[2 * SCALE_MAX];
	uint64_t per = count / producers, total = per * producers, expect_sum;
	uint64_t got = 0, sum = 0, t0, t1, stop = STOP;
	struct scale_report rep;
	unsigned int i, np = 0;
	int ep, mb, go[2] = { -1, -1 }, up[2] = { -1, -1 }, status, ret = 0;
	char gobuf[2 * SCALE_MAX];

	if (!producers || !consumers || producers > SCALE_MAX ||
	    consumers > SCALE_MAX || size < sizeof(uint64_t) || !per)
		return -EINVAL;
	expect_sum = producers * (per * (per - 1) / 2);
	ep = kipc_open(0);
	if (ep < 0)
		return ep;
	mb = kipc_mbox_create(ep, NULL, &attr, NULL);
	if (mb < 0) {
		close(ep);
		return mb;
	}
	if (pipe(go) < 0 || pipe(up) < 0) {
		ret = -errno;
		goto reap;
	}
	for (i = 0; i < producers + consumers; i++) {
		pids[np] = spawn(mb, i < producers, i, per, size, go[0], up[1]);
		if (pids[np] < 0) {
			ret = -errno;
			goto reap;
		}
		np++;
	}
	memset(gobuf, 'g', sizeof(gobuf));
	t0 = now_ns();
	ret = write_full(go[1], gobuf, np);
	/* Producers first: the stop messages must come after all the data. */
	for (i = 0; i < producers && !ret; i++) {
		if (waitpid(pids[i], &status, 0) < 0)
			ret = -errno;
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			ret = -EIO;
		pids[i] = 0;
	}
	for (i = 0; i < consumers && !ret; i++)
		ret = kipc_send(mb, 0, &stop, sizeof(stop), 0, 0, NULL);
	for (i = 0; i < consumers && !ret; i++) {
		ret = read_full(up[0], &rep, sizeof(rep)) ?: rep.err;
		got += rep.n;
		sum += rep.sum;
	}
	t1 = now_ns();
	if (!ret && (got != total || sum != expect_sum))
		ret = -EPROTO;
	if (!ret)
		*msgs_per_s = (double)total * 1e9 / (double)(t1 - t0);
reap:
	for (i = 0; i < np; i++) {
		if (!pids[i])
			continue;
		if (ret)
			kill(pids[i], SIGKILL);
		if (waitpid(pids[i], &status, 0) == pids[i] && !ret &&
		    (!WIFEXITED(status) || WEXITSTATUS(status)))
			ret = -EIO;
	}
	for (i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (up[i] >= 0)
			close(up[i]);
	}
	close(mb);
	close(ep);
	return ret;
}
