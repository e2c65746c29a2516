/* SPDX-License-Identifier: MIT */
/*
 * The two measurements every transport gets:
 *  - round trip: the runner sends, the peer echoes, the runner times each
 *    exchange (after a warm-up) and keeps p50 and p99;
 *  - one-way stream: the runner sends @count messages as fast as the
 *    transport takes them, the peer receives and checks them; the time is
 *    from the start signal to the peer's report that it has them all.
 * System calls and CPU time are summed over both parties of the stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "peer.h"

struct job {
	const struct transport *t;
	void *ab, *ba;		/* runner -> peer, peer -> runner */
	size_t size;
	uint64_t count;		/* including warm-up */
	struct peer *peer;
};

static int send_report(struct peer *p, int err, uint64_t done, uint64_t calls,
		       uint64_t cpu)
{
	struct peer_report r = { .err = err, .done = done, .calls = calls,
				 .cpu_ns = cpu };

	return write_full(p->up_w, &r, sizeof(r));
}

/* Tell the runner the peer is ready (or why not) and wait for "go". */
static int peer_ready(struct peer *p, int err)
{
	char c;
	int ret = write_full(p->up_w, &err, sizeof(err));

	if (ret || err)
		return ret ? ret : err;
	return read_full(p->down_r, &c, 1);
}

static int runner_wait_ready(struct peer *p)
{
	int err, ret = read_full(p->up_r, &err, sizeof(err));

	return ret ? ret : err;
}

static int stream_peer(void *arg)
{
	struct job *j = arg;
	struct side s = { .chan = j->ab, .role = ROLE_RECEIVER, .size = j->size,
			  .count = j->count };
	uint64_t i = 0, c0;
	void *buf = msg_alloc(j->size);
	int ret = buf ? j->t->open(&s) : -ENOMEM;

	ret = peer_ready(j->peer, ret);
	if (ret)
		goto out;
	c0 = cpu_ns();
	for (i = 0; i < j->count && !ret; i++)
		ret = j->t->recv(&s, i, buf, j->size);
	ret = send_report(j->peer, ret, i, s.calls,
			  cpu_ns() - c0 + s.helper_cpu_ns) ?: ret;
	j->t->close(&s);
out:
	msg_free(buf, j->size);
	return ret;
}

int run_stream(const struct transport *t, size_t size, uint64_t count,
	       struct run_result *res, const char **why)
{
	struct job j = { .t = t, .size = size, .count = count };
	struct side s = { .role = ROLE_SENDER, .size = size, .count = count };
	struct peer_report rep = { 0 };
	struct peer peer;
	uint64_t i, t0, t1, c0, c1;
	void *buf;
	int ret, pret;

	ret = t->setup(&j.ab, size, why);
	if (ret)
		return ret;
	s.chan = j.ab;
	j.peer = &peer;
	buf = msg_alloc(size);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	ret = peer_start(&peer, t->flags & T_THREADS, stream_peer, &j);
	if (ret)
		goto out;
	ret = t->open(&s);
	pret = runner_wait_ready(&peer);
	if (ret || pret) {
		if (!ret)
			t->close(&s);
		ret = ret ?: pret;
		peer_wait(&peer, 1);
		goto out;
	}
	c0 = cpu_ns();
	t0 = now_ns();
	ret = write_full(peer.down_w, "g", 1);
	for (i = 0; i < count && !ret; i++) {
		msg_stamp(buf, i, size);
		ret = t->send(&s, i, buf, size);
	}
	if (!ret && t->flush)
		ret = t->flush(&s);
	if (!ret)
		ret = read_full(peer.up_r, &rep, sizeof(rep));
	t1 = now_ns();
	c1 = cpu_ns();
	t->close(&s);
	pret = peer_wait(&peer, ret != 0);
	if (!ret)
		ret = rep.err;
	if (!ret && rep.done != count)
		ret = -EPROTO;
	if (!ret)
		ret = pret;
	if (ret)
		goto out;
	res->have_stream = 1;
	res->msgs_per_s = (double)count * 1e9 / (double)(t1 - t0);
	res->gbytes_per_s = res->msgs_per_s * (double)size / 1e9;
	res->syscalls_per_msg = (double)(s.calls + rep.calls) / (double)count;
	res->cpu_ns_per_msg = (double)(c1 - c0 + s.helper_cpu_ns + rep.cpu_ns) /
			      (double)count;
out:
	msg_free(buf, size);
	t->teardown(j.ab);
	return ret;
}

static int rtt_peer(void *arg)
{
	struct job *j = arg;
	struct side in = { .chan = j->ab, .role = ROLE_RECEIVER, .size = j->size };
	struct side out = { .chan = j->ba, .role = ROLE_SENDER, .size = j->size };
	void *buf = msg_alloc(j->size);
	int two = !j->t->serve, ret;
	uint64_t i = 0;

	ret = buf ? j->t->open(&in) : -ENOMEM;
	if (!ret && two) {
		ret = j->t->open(&out);
		if (ret)
			j->t->close(&in);
	}
	ret = peer_ready(j->peer, ret);
	if (ret)
		goto out;
	for (i = 0; i < j->count && !ret; i++) {
		if (!two) {
			ret = j->t->serve(&in, i, buf, j->size);
			continue;
		}
		ret = j->t->recv(&in, i, buf, j->size);
		if (ret)
			break;
		msg_stamp(buf, i, j->size);
		ret = j->t->send(&out, i, buf, j->size);
	}
	ret = send_report(j->peer, ret, i, in.calls + out.calls, 0) ?: ret;
	j->t->close(&in);
	if (two)
		j->t->close(&out);
out:
	msg_free(buf, j->size);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank of the sorted samples. */
static double percentile(const uint64_t *v, uint64_t n, double q)
{
	return (double)v[(uint64_t)(q * (double)(n - 1) + 0.5)];
}

int run_rtt(const struct transport *t, size_t size, uint64_t count,
	    struct run_result *res, const char **why)
{
	uint64_t warm = count / 10 + 1;
	struct job j = { .t = t, .size = size, .count = count + warm };
	struct side out = { .role = ROLE_SENDER, .size = size };
	struct side in = { .role = ROLE_RECEIVER, .size = size };
	struct peer_report rep = { 0 };
	int two = !t->call, opened = 0, ret, pret;
	uint64_t *lat = calloc(count, sizeof(*lat));
	void *sbuf = msg_alloc(size), *rbuf = msg_alloc(size);
	struct peer peer;
	uint64_t i, t0;

	if (!lat || !sbuf || !rbuf) {
		ret = -ENOMEM;
		goto out;
	}
	ret = t->setup(&j.ab, size, why);
	if (ret)
		goto out;
	if (two) {
		ret = t->setup(&j.ba, size, why);
		if (ret) {
			t->teardown(j.ab);
			j.ab = NULL;
			goto out;
		}
	}
	out.chan = j.ab;
	in.chan = j.ba;
	j.peer = &peer;
	ret = peer_start(&peer, t->flags & T_THREADS, rtt_peer, &j);
	if (ret)
		goto out;
	ret = t->open(&out);
	if (!ret && two) {
		ret = t->open(&in);
		if (ret)
			t->close(&out);
	}
	opened = !ret;
	pret = runner_wait_ready(&peer);
	if (ret || pret) {
		ret = ret ?: pret;
		goto stop;
	}
	ret = write_full(peer.down_w, "g", 1);
	for (i = 0; i < j.count && !ret; i++) {
		msg_stamp(sbuf, i, size);
		t0 = now_ns();
		if (two) {
			ret = t->send(&out, i, sbuf, size);
			if (!ret)
				ret = t->recv(&in, i, rbuf, size);
		} else {
			ret = t->call(&out, i, sbuf, rbuf, size);
		}
		if (i >= warm)
			lat[i - warm] = now_ns() - t0;
	}
	if (!ret)
		ret = read_full(peer.up_r, &rep, sizeof(rep));
	if (!ret)
		ret = rep.err;
	if (!ret && rep.done != j.count)
		ret = -EPROTO;
stop:
	if (opened) {
		t->close(&out);
		if (two)
			t->close(&in);
	}
	pret = peer_wait(&peer, ret != 0);
	ret = ret ?: pret;
	if (!ret) {
		qsort(lat, count, sizeof(*lat), cmp_u64);
		res->have_rtt = 1;
		res->rtt_p50_ns = percentile(lat, count, 0.50);
		res->rtt_p99_ns = percentile(lat, count, 0.99);
	}
out:
	if (j.ab)
		t->teardown(j.ab);
	if (j.ba)
		t->teardown(j.ba);
	msg_free(sbuf, size);
	msg_free(rbuf, size);
	free(lat);
	return ret;
}
