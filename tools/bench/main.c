/* SPDX-License-Identifier: MIT */
/*
 * kipc-bench: measure kipc against the classic IPC mechanisms.
 *
 * stdout carries only JSON lines, one figure each:
 *   {"env":"native","rep":1,"transport":"pipe","size":64,
 *    "metric":"rtt_p50_ns","value":4321}
 * so it can be captured from the test VM's console; progress, "n/a" notes
 * and errors go to stderr. Repetitions are the outer loop, so every
 * transport is measured once before any is measured again. The exit
 * status is 1 if any transport failed or lost a message; timings never
 * decide it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkipc.h>

#include "bench.h"

struct opts {
	const char *env;
	unsigned int reps;
	uint64_t count;		/* messages per run, small sizes */
	uint64_t stream_count;	/* the same for streams; 0: count */
	uint64_t count_min;	/* messages per run, at least */
	uint64_t bytes;		/* payload bytes per run, at most */
	size_t sizes[16];
	unsigned int nsizes;
	const char *only;	/* comma-separated transports, NULL = all */
	int scale, raise_limits, verbose;
	int sync;		/* also semaphores and mutexes (sync.c) */
	int pairs;		/* only the independent-pairs runs */
	unsigned int timeout;
};

static const char *current = "";
static size_t current_size;

static void on_alarm(int sig)
{
	char msg[160];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "kipc-bench: %s %zu: timed out\n",
		     current, current_size);
	if (n > 0)
		(void)!write(2, msg, (size_t)n);
	_exit(2);
}

static void emit(const struct opts *o, unsigned int rep, const char *transport,
		 size_t size, const char *metric, double value)
{
	printf("{\"env\":\"%s\",\"rep\":%u,\"transport\":\"%s\",\"size\":%zu,"
	       "\"metric\":\"%s\",\"value\":%.6g}\n",
	       o->env, rep, transport, size, metric, value);
	fflush(stdout);
}

static uint64_t count_for(const struct opts *o, size_t size)
{
	uint64_t n = o->bytes / size;

	if (n > o->count)
		n = o->count;
	return n < o->count_min ? o->count_min : n;
}

/*
 * A stream needs enough messages that its start and end (a wake-up over a
 * pipe each) are small beside it: 3000 messages of a fast ring last 0.3 ms.
 */
static uint64_t stream_count_for(const struct opts *o, size_t size)
{
	struct opts so = *o;

	if (o->stream_count)
		so.count = o->stream_count;
	return count_for(&so, size);
}

static int selected(const struct opts *o, const char *name)
{
	size_t len = strlen(name);
	const char *p = o->only;

	if (!p)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == o->only || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return 1;
		p += len;
	}
	return 0;
}

/* One transport at one size: 0, or 1 for a failure (already reported). */
static int measure(const struct opts *o, unsigned int rep,
		   const struct transport *t, size_t size)
{
	struct run_result r = { 0 };
	struct solo_result sr = { 0 };
	const char *why = "cannot carry this size";
	uint64_t n = count_for(o, size), t0 = now_ns();
	int ret = 0;

	current = t->name;
	current_size = size;
	alarm(o->timeout);
	if (t->flags & T_SOLO) {
		ret = t->solo(size, n * 16, &sr);
		if (!ret)
			emit(o, rep, t->name, size, "gbytes_per_s", sr.gbytes_per_s);
		goto done;
	}
	if (!(t->flags & T_STREAM_ONLY))
		ret = run_rtt(t, size, n, &r, &why);
	if (!ret && !(t->flags & T_RTT_ONLY))
		ret = run_stream(t, size, stream_count_for(o, size), &r, &why);
	if (r.have_rtt) {
		emit(o, rep, t->name, size, "rtt_p50_ns", r.rtt_p50_ns);
		emit(o, rep, t->name, size, "rtt_p99_ns", r.rtt_p99_ns);
	}
	if (r.have_stream) {
		emit(o, rep, t->name, size, "msgs_per_s", r.msgs_per_s);
		emit(o, rep, t->name, size, "gbytes_per_s", r.gbytes_per_s);
		emit(o, rep, t->name, size, "syscalls_per_msg", r.syscalls_per_msg);
		emit(o, rep, t->name, size, "cpu_ns_per_msg", r.cpu_ns_per_msg);
	}
done:
	alarm(0);
	if (o->verbose)
		bench_warn("%s %zu: %" PRIu64 " messages, %.1f ms", t->name, size, n,
			   (double)(now_ns() - t0) / 1e6);
	if (ret == BENCH_SKIP) {
		if (rep == 1)
			bench_warn("%s %zu: n/a: %s", t->name, size, why);
		return 0;
	}
	if (ret) {
		bench_warn("%s %zu: FAILED: %s", t->name, size, kipc_strerror(ret));
		return 1;
	}
	return 0;
}

static int scale_all(const struct opts *o, unsigned int rep)
{
	static const unsigned int shapes[][2] = { { 1, 1 }, { 2, 2 }, { 4, 1 }, { 1, 4 } };
	char name[32];
	unsigned int i;
	double v = 0;
	int ret, failed = 0;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		snprintf(name, sizeof(name), "kipc-mbox-%ux%u", shapes[i][0],
			 shapes[i][1]);
		current = name;
		current_size = 64;
		alarm(o->timeout);
		ret = run_scale(shapes[i][0], shapes[i][1], 64, count_for(o, 64), &v);
		alarm(0);
		if (ret) {
			bench_warn("%s: FAILED: %s", name, kipc_strerror(ret));
			failed = 1;
			continue;
		}
		emit(o, rep, name, 64, "msgs_per_s", v);
	}
	return failed;
}

struct sync_ctx {
	const struct opts *o;
	unsigned int rep;
};

/* Figures that are not about a message size carry size 0. */
static void sync_emit(void *ctx, const char *transport, const char *metric,
		      double value)
{
	const struct sync_ctx *c = ctx;

	emit(c->o, c->rep, transport, 0, metric, value);
}

static int sync_all(const struct opts *o, unsigned int rep, int have_kipc)
{
	struct sync_ctx c = { o, rep };
	int ret;

	current = "sync";
	current_size = 0;
	alarm(o->timeout);
	ret = run_sync(count_for(o, 64), have_kipc, sync_emit, &c);
	alarm(0);
	return ret;
}

/*
 * Independent pairs (pairs.c), 1 and 2 of them, of each selected transport
 * (by default kipc-mbox and posix-mq), reported as TRANSPORT-pairsP.
 */
static int pairs_all(const struct opts *o, unsigned int rep, int have_kipc)
{
	struct opts po = *o;
	const char *why = "";
	unsigned int i, k, p;
	char name[64];
	double v = 0;
	int ret, failed = 0;

	if (!po.only)
		po.only = have_kipc ? "posix-mq,kipc-mbox" : "posix-mq";
	for (i = 0; bench_transports[i]; i++) {
		const struct transport *t = bench_transports[i];

		if (!selected(&po, t->name) || ((t->flags & T_KIPC) && !have_kipc) ||
		    (t->flags & (T_THREADS | T_RTT_ONLY | T_SOLO)))
			continue;
		for (k = 0; k < o->nsizes; k++) {
			for (p = 1; p <= 2; p++) {
				snprintf(name, sizeof(name), "%s-pairs%u", t->name, p);
				current = name;
				current_size = o->sizes[k];
				alarm(o->timeout);
				ret = run_pairs(t, p, o->sizes[k],
						stream_count_for(o, o->sizes[k]), &v, &why);
				alarm(0);
				if (ret == BENCH_SKIP) {
					if (rep == 1)
						bench_warn("%s %zu: n/a: %s", name, o->sizes[k], why);
					continue;
				}
				if (ret) {
					bench_warn("%s %zu: FAILED: %s", name, o->sizes[k],
						   kipc_strerror(ret));
					failed = 1;
					continue;
				}
				emit(o, rep, name, o->sizes[k], "msgs_per_s", v);
			}
		}
	}
	return failed;
}

/* A number with an optional k or m (binary) suffix; 0 if malformed. */
static uint64_t parse_num(const char *arg)
{
	char *end;
	uint64_t v = strtoull(arg, &end, 0);

	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	return *end ? 0 : v;
}

static int parse_sizes(struct opts *o, char *arg)
{
	char *tok;

	o->nsizes = 0;
	for (tok = strtok(arg, ","); tok; tok = strtok(NULL, ",")) {
		uint64_t v = parse_num(tok);

		if (v < 8 || v > (64U << 20) || o->nsizes == 16)
			return -1;
		o->sizes[o->nsizes++] = v;
	}
	return o->nsizes ? 0 : -1;
}

static void usage(FILE *f)
{
	fputs("usage: kipc-bench [--env NAME] [--reps N] [--count N] [--stream-count N]\n"
	      "                  [--count-min N] [--bytes B] [--sizes 8,64,4k,64k,1m]\n"
	      "                  [--transports a,b]\n"
	      "                  [--scale] [--sync] [--pairs] [--raise-limits] [--timeout S]\n"
	      "                  [--smoke] [--list] [-v]\n"
	      "JSON lines on stdout; see docs/benchmarks.md.\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "reps", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "count-min", required_argument, NULL, 'm' },
		{ "stream-count", required_argument, NULL, 'C' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "sizes", required_argument, NULL, 's' },
		{ "transports", required_argument, NULL, 't' },
		{ "scale", no_argument, NULL, 'S' },
		{ "sync", no_argument, NULL, 'y' },
		{ "pairs", no_argument, NULL, 'P' },
		{ "raise-limits", no_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "smoke", no_argument, NULL, 'k' },
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = {
		.reps = 5, .count = 20000, .count_min = 50, .bytes = 256U << 20,
		.sizes = { 8, 64, 4096, 65536, 1U << 20 }, .nsizes = 5,
		.timeout = 120,
	};
	int have_kipc = access(KIPC_DEVICE, R_OK | W_OK) == 0;
	unsigned int rep, i, k;
	int c, failed = 0, any;

	o.env = have_kipc ? "vm-icount" : "native";
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'e': o.env = optarg; break;
		case 'r': o.reps = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'c': o.count = parse_num(optarg); break;
		case 'm': o.count_min = parse_num(optarg); break;
		case 'C': o.stream_count = parse_num(optarg); break;
		case 'b': o.bytes = parse_num(optarg); break;
		case 's':
			if (parse_sizes(&o, optarg)) {
				usage(stderr);
				return 2;
			}
			break;
		case 't': o.only = optarg; break;
		case 'S': o.scale = 1; break;
		case 'y': o.sync = 1; break;
		case 'P': o.pairs = 1; break;
		case 'R': o.raise_limits = 1; break;
		case 'v': o.verbose = 1; break;
		case 'T': o.timeout = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'k':
			o.reps = 1;
			o.count = 200;
			o.count_min = 20;
			o.bytes = 2U << 20;
			break;
		case 'l':
			for (i = 0; bench_transports[i]; i++)
				printf("%s\n", bench_transports[i]->name);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !o.reps || !o.count || !o.count_min || !o.bytes) {
		usage(stderr);
		return 2;
	}
	signal(SIGALRM, on_alarm);
	/* A peer that dies must not kill the runner through a write. */
	signal(SIGPIPE, SIG_IGN);
	limits_process();
	if (o.raise_limits)
		limits_raise_system();

	for (rep = 1; rep <= o.reps && o.pairs; rep++) {
		failed |= pairs_all(&o, rep, have_kipc);
		bench_warn("repetition %u of %u done", rep, o.reps);
	}
	for (rep = 1; rep <= o.reps && !o.pairs; rep++) {
		any = 0;
		for (i = 0; bench_transports[i]; i++) {
			const struct transport *t = bench_transports[i];

			if (!selected(&o, t->name) || ((t->flags & T_KIPC) && !have_kipc))
				continue;
			/* Not even by name: on one vCPU a poll waits out a time slice. */
			if ((t->flags & T_NATIVE) && have_kipc)
				continue;
			any = 1;
			for (k = 0; k < o.nsizes; k++) {
				if (t->size_max && o.sizes[k] > t->size_max)
					continue;
				failed |= measure(&o, rep, t, o.sizes[k]);
			}
		}
		if (o.scale && have_kipc) {
			failed |= scale_all(&o, rep);
			any = 1;
		}
		if (o.sync) {
			failed |= sync_all(&o, rep, have_kipc);
			any = 1;
		}
		if (!any) {
			bench_warn("no transport selected");
			return 2;
		}
		bench_warn("repetition %u of %u done", rep, o.reps);
	}
	return failed;
}
