// SPDX-License-Identifier: MIT
/*
 * kipc-bridge-peer: the local programs of the bridge tests, plain libkipc
 * users that know nothing of NATS.
 *
 *   produce MBOX --count N [--size B] [--src S] [--prios P] [--first K]
 *		  [--delay-us U]
 *	send sequence-numbered, checksummed messages K .. N-1 (priority seq % P),
 *	pausing U microseconds after each
 *   consume MBOX --count N [--prios P] [--idle MS] [--delay-us U]
 *		  [--envelope HOST]
 *	receive until all N arrived or nothing came for MS; check each and
 *	report received, unique, duplicates, missing, corrupt, reordered
 *   serve MBOX [--count N] [--delay-ms D]
 *	answer calls on MBOX with "echo:" + the request, N times or for ever
 *   call MBOX [--count N] [--timeout MS] [--expect-error ENAME] [--text T]
 *	call MBOX N times and check each echo; or expect one call to fail
 *	with the errno named ENAME (e.g. ECONNRESET); or call once with the
 *	request T and print the reply
 *   nats-echo SUBJ | nats-call SUBJ | nats-pub SUBJ | nats-sub SUBJ
 *	the same over plain NATS, for the benchmark (natspeer.c)
 *   nats-mark NAME [--text T] | nats-await NAME [--timeout MS]
 *	meeting points of a test's halves on two machines (natspeer.c)
 *
 * consume and call also report their rate and round trip (bench.sh).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libkipc.h>

#include "../../include/seqmsg.h"
#include "../kipc_bridge_envelope.h"
#include "peer.h"

/* Priorities the sequence checks track: 0 .. PEER_PRIOS - 1. */
#define PEER_PRIOS	32

static int die(const char *what, int err)
{
	fprintf(stderr, "kipc-bridge-peer: %s: %s\n", what, kipc_strerror(err));
	return 1;
}

static int open_mbox(const struct opts *o, int *ep)
{
	int fd;

	*ep = kipc_open(0);
	if (*ep < 0)
		return *ep;
	fd = kipc_mbox_open(*ep, o->mbox, NULL);
	if (fd < 0)
		close(*ep);
	return fd;
}

static int produce(const struct opts *o)
{
	char *buf = malloc(o->size);
	unsigned long long seq;
	uint32_t len;
	int ep, fd, ret;

	fd = open_mbox(o, &ep);
	if (fd < 0 || !buf)
		return die(o->mbox, fd < 0 ? fd : -ENOMEM);
	for (seq = o->first; seq < o->count; seq++) {
		len = seqmsg_len_for(seq, o->size);
		seqmsg_fill(buf, len, o->src, seq);
		ret = kipc_send(fd, 0, buf, len, seq % o->prios, 0, NULL);
		if (ret < 0)
			return die("send", ret);
		if (o->delay_us)
			usleep(o->delay_us);
	}
	printf("produced %llu\n", o->count - o->first);
	return 0;
}

static int consume(const struct opts *o)
{
	unsigned long long received = 0, unique = 0, dups = 0, corrupt = 0;
	unsigned long long reordered = 0, badprio = 0, badenv = 0;
	uint64_t t_first = 0, t_last = 0;
	long long last[PEER_PRIOS];
	struct timespec idle = { o->idle_ms / 1000, (o->idle_ms % 1000) * 1000000L };
	struct kipc_bridge_identity id;
	struct kipc_msg_hdr h;
	unsigned char *seen;
	struct seqmsg m;
	char *buf, *p;
	int ep, fd, n, off;
	unsigned int i;

	fd = open_mbox(o, &ep);
	seen = calloc(o->count, 1);
	buf = malloc(1 << 20);
	if (fd < 0 || !seen || !buf)
		return die(o->mbox, fd < 0 ? fd : -ENOMEM);
	for (i = 0; i < PEER_PRIOS; i++)
		last[i] = -1;
	id.host[0] = '\0';
	while (unique < o->count) {
		n = kipc_recv(fd, buf, 1 << 20, &h, 0, &idle);
		if (n == -ETIMEDOUT)
			break;
		if (n < 0)
			return die("recv", n);
		received++;
		p = buf;
		if (o->envelope_host) {
			off = kipc_bridge_envelope_parse(buf, n, &id);
			if (off < 0 || strcmp(id.host, o->envelope_host) ||
			    id.priority != h.priority) {
				badenv++;
				continue;
			}
			p += off;
			n -= off;
		}
		if (seqmsg_check(p, n, &m) || m.seq >= o->count) {
			corrupt++;
			continue;
		}
		if (h.priority != m.seq % o->prios)
			badprio++;
		if (seen[m.seq]) {
			dups++;
			continue;
		}
		seen[m.seq] = 1;
		unique++;
		t_last = now_ns();
		if (unique == 1)
			t_first = t_last;
		/* One sender, so order holds within each priority. */
		if ((long long)m.seq < last[h.priority % (PEER_PRIOS)])
			reordered++;
		last[h.priority % (PEER_PRIOS)] = m.seq;
		if (o->delay_us)
			usleep(o->delay_us);
	}
	printf("consumed received=%llu unique=%llu duplicates=%llu missing=%llu "
	       "corrupt=%llu reordered=%llu badprio=%llu badenvelope=%llu",
	       received, unique, dups, o->count - unique, corrupt, reordered,
	       badprio, badenv);
	if (o->envelope_host && id.host[0])
		printf(" from=%s:%llu:uid%u", id.host,
		       (unsigned long long)id.sender_id, id.uid);
	/* From the first message to the last: the rate of the path, not
	 * of the wait for the producer to start.
	 */
	if (unique > 1 && t_last > t_first)
		printf(" rate=%.0f", (unique - 1) * 1e9 / (double)(t_last - t_first));
	printf("\n");
	return unique == o->count && !dups && !corrupt && !reordered &&
	       !badprio && !badenv ? 0 : 1;
}

static int serve(const struct opts *o)
{
	char *req = malloc(1 << 20), *rep = malloc((1 << 20) + 8);
	unsigned long long served = 0;
	struct kipc_msg_hdr h;
	int ep, fd, n, ret;

	fd = open_mbox(o, &ep);
	if (fd < 0 || !req || !rep)
		return die(o->mbox, fd < 0 ? fd : -ENOMEM);
	while (!o->count || served < o->count) {
		n = kipc_recv(fd, req, 1 << 20, &h, 0, NULL);
		if (n < 0)
			return die("recv", n);
		if (!(h.flags & KIPC_MSG_REQUEST))
			continue;
		if (o->delay_ms)
			usleep(o->delay_ms * 1000U);
		memcpy(rep, "echo:", 5);
		memcpy(rep + 5, req, n);
		ret = kipc_reply(fd, h.token, rep, (size_t)n + 5 <= h.reply_max ?
				 (size_t)n + 5 : h.reply_max);
		if (ret < 0 && ret != -ENOENT)
			return die("reply", ret);
		served++;
	}
	printf("served %llu\n", served);
	return 0;
}

static int call(const struct opts *o)
{
	struct timespec to = { o->timeout_ms / 1000, (o->timeout_ms % 1000) * 1000000L };
	char req[64], rep[128], want[80];
	unsigned long long i;
	struct kipc_msg_hdr h;
	int ep, fd, n;

	uint64_t t0;

	fd = open_mbox(o, &ep);
	if (fd < 0)
		return die(o->mbox, fd);
	if (o->text) {
		/* One call with the given request; show the reply. */
		n = kipc_call(fd, 0, o->text, strlen(o->text), 0, rep, sizeof(rep),
			      &h, 0, &to);
		if (n < 0)
			return die("call", n);
		printf("reply: %.*s\n", n, rep);
		return 0;
	}
	t0 = now_ns();
	for (i = 0; i < o->count; i++) {
		n = snprintf(req, sizeof(req), "call %llu from %d", i, getpid());
		n = kipc_call(fd, 0, req, n, i % o->prios, rep, sizeof(rep), &h, 0, &to);
		if (o->expect_error) {
			const char *got = n < 0 ? strerrorname_np(-n) : "success";

			printf("call: %s\n", got ? got : "?");
			return got && !strcmp(got, o->expect_error) ? 0 : 1;
		}
		if (n < 0)
			return die("call", n);
		snprintf(want, sizeof(want), "echo:%s", req);
		if ((size_t)n != strlen(want) || memcmp(rep, want, n)) {
			fprintf(stderr, "kipc-bridge-peer: call %llu: wrong reply '%.*s'\n",
				i, n, rep);
			return 1;
		}
	}
	printf("calls ok=%llu rtt_us=%.1f\n", o->count,
	       (now_ns() - t0) / 1e3 / (o->count ? o->count : 1));
	return 0;
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*s == '-' || *end) {
		fprintf(stderr, "kipc-bridge-peer: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count", 1, NULL, 'n' }, { "size", 1, NULL, 's' },
		{ "src", 1, NULL, 'S' }, { "prios", 1, NULL, 'p' },
		{ "first", 1, NULL, 'f' }, { "idle", 1, NULL, 'i' },
		{ "delay-us", 1, NULL, 'u' }, { "delay-ms", 1, NULL, 'd' },
		{ "timeout", 1, NULL, 't' }, { "envelope", 1, NULL, 'e' },
		{ "expect-error", 1, NULL, 'x' }, { "text", 1, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.count = 1, .size = 64, .prios = 1, .idle_ms = 10000,
		.timeout_ms = 10000,
	};
	const char *cmd;
	int c;

	if (argc < 3) {
		fprintf(stderr, "usage: kipc-bridge-peer produce|consume|serve|call|nats-* MBOX|SUBJECT [options]\n");
		return 2;
	}
	cmd = argv[1];
	o.mbox = argv[2];
	optind = 3;
	if (!strcmp(cmd, "serve"))
		o.count = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o.count = num(optarg); break;
		case 's': o.size = num(optarg); break;
		case 'S': o.src = num(optarg); break;
		case 'p': o.prios = num(optarg); break;
		case 'f': o.first = num(optarg); break;
		case 'i': o.idle_ms = num(optarg); break;
		case 'u': o.delay_us = num(optarg); break;
		case 'd': o.delay_ms = num(optarg); break;
		case 't': o.timeout_ms = num(optarg); break;
		case 'e': o.envelope_host = optarg; break;
		case 'x': o.expect_error = optarg; break;
		case 'T': o.text = optarg; break;
		default: return 2;
		}
	}
	if (o.prios < 1 || o.prios > PEER_PRIOS || o.size < SEQMSG_MIN ||
	    o.size > (1 << 20)) {
		fprintf(stderr, "kipc-bridge-peer: --prios 1..32, --size %zu..1M\n",
			SEQMSG_MIN);
		return 2;
	}
	if (!strncmp(cmd, "nats-", 5))
		return nats_peer(cmd, &o);
	if (!strcmp(cmd, "produce"))
		return produce(&o);
	if (!strcmp(cmd, "consume"))
		return consume(&o);
	if (!strcmp(cmd, "serve"))
		return serve(&o);
	if (!strcmp(cmd, "call"))
		return call(&o);
	fprintf(stderr, "kipc-bridge-peer: unknown command '%s'\n", cmd);
	return 2;
}
