/* SPDX-License-Identifier: MIT */
/*
 * Independent pairs: @pairs producer/consumer process pairs, each pair
 * with its own channel of one transport, all streaming at once. On a
 * machine with a CPU per process the aggregate rate of P pairs over one
 * pair shows how much the pairs share inside the kernel (a global lock,
 * a shared counter's cache line) rather than CPU time. Every consumer
 * checks each message's sequence number and integrity (msg_check()) and
 * reports how many it took; the runner checks every pair moved all of
 * its messages. The time runs from the start signal to the last report.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "bench.h"

#define PAIRS_MAX	8

struct pairs_report {
	int32_t err;
	uint32_t pad;
	uint64_t done;
};

static int pair_side(const struct transport *t, void *chan, enum role role,
		     size_t size, uint64_t count, int go, int up)
{
	struct side s = { .chan = chan, .role = role, .size = size,
			  .count = count };
	struct pairs_report rep = { 0 };
	void *buf = msg_alloc(size);
	uint64_t i = 0;
	char c;

	rep.err = buf ? t->open(&s) : -ENOMEM;
	if (!rep.err) {
		rep.err = read_full(go, &c, 1);
		for (i = 0; i < count && !rep.err; i++) {
			if (role == ROLE_SENDER) {
				msg_stamp(buf, i, size);
				rep.err = t->send(&s, i, buf, size);
			} else {
				rep.err = t->recv(&s, i, buf, size);
			}
		}
		if (!rep.err && role == ROLE_SENDER && t->flush)
			rep.err = t->flush(&s);
		t->close(&s);
	}
	rep.done = rep.err ? i - 1 : i;
	if (buf)
		msg_free(buf, size);
	if (role == ROLE_RECEIVER)
		return write_full(up, &rep, sizeof(rep)) ?: rep.err;
	return rep.err;
}

int run_pairs(const struct transport *t, unsigned int pairs, size_t size,
	      uint64_t count, double *msgs_per_s, const char **why)
{
	void *chans[PAIRS_MAX] = { NULL };
	pid_t pids[2 * PAIRS_MAX];
	struct pairs_report rep;
	int go[2] = { -1, -1 }, up[2] = { -1, -1 }, status, ret = 0;
	char gobuf[2 * PAIRS_MAX];
	unsigned int i, np = 0;
	uint64_t t0, t1;

	if (!pairs || pairs > PAIRS_MAX || (t->flags & (T_THREADS | T_RTT_ONLY |
							 T_SOLO)))
		return -EINVAL;
	for (i = 0; i < pairs && !ret; i++)
		ret = t->setup(&chans[i], size, why);
	if (ret)
		goto out;
	if (pipe(go) < 0 || pipe(up) < 0) {
		ret = -errno;
		goto out;
	}
	for (i = 0; i < 2 * pairs; i++) {
		pids[np] = fork();
		if (pids[np] < 0) {
			ret = -errno;
			goto reap;
		}
		if (pids[np] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(pair_side(t, chans[i / 2], i % 2 ? ROLE_RECEIVER :
					ROLE_SENDER, size, count, go[0], up[1]) ?
			      1 : 0);
		}
		np++;
	}
	memset(gobuf, 'g', sizeof(gobuf));
	t0 = now_ns();
	ret = write_full(go[1], gobuf, np);
	for (i = 0; i < pairs && !ret; i++) {
		ret = read_full(up[0], &rep, sizeof(rep)) ?: rep.err;
		if (!ret && rep.done != count)
			ret = -EPROTO;
	}
	t1 = now_ns();
	if (!ret)
		*msgs_per_s = (double)(count * pairs) * 1e9 / (double)(t1 - t0);
reap:
	for (i = 0; i < np; i++) {
		if (ret)
			kill(pids[i], SIGKILL);
		status = 0;
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (!ret && (!WIFEXITED(status) || WEXITSTATUS(status)))
			ret = -EIO;
	}
out:
	for (i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (up[i] >= 0)
			close(up[i]);
	}
	for (i = 0; i < pairs; i++)
		if (chans[i])
			t->teardown(chans[i]);
	return ret;
}
