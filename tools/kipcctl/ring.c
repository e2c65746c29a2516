// SPDX-License-Identifier: MIT
/*
 * kipcctl ring: create, list, describe and remove kernel-owned rings, and
 * drive one from the shell with sequence-numbered, checksummed messages.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kipc_ring.h>

#include "kipcctl.h"
#include "../include/seqmsg.h"

static const char ring_usage[] =
"usage: kipcctl ring COMMAND [ARGS]\n"
"\n"
"  create NAME --slots N --slot-size B [--mode 0600|spsc|mpsc] [--mpsc]\n"
"                            create a ring (powers of two), print its id;\n"
"                            --mode takes permission bits or the ring kind\n"
"  ls [--json]               list rings\n"
"  stat [--json] NAME|ID     describe a ring\n"
"  rm NAME|ID                delete a ring\n"
"  produce NAME|ID --count N --size B [--batch K]\n"
"                            stream N sequence-numbered, checksummed\n"
"                            messages of B bytes (B >= 24)\n"
"  consume NAME|ID --count N [--verify] [--batch K] [--timeout MS]\n"
"                            take N messages; --verify checks every one\n"
"\n"
"--json prints one JSON object per ring, one per line (kipcctl(1)).\n"
"produce and consume end with one line:\n"
"  messages=N errors=N syscalls_per_msg=X\n";

/* Attach to the ring @arg names (NAME or ID) in @role. */
static int ring_open(const char *cmd, const char *arg, unsigned int role,
		     int *ep, struct kipc_ring *r)
{
	struct target t;
	int ret;

	ret = parse_target(cmd, arg, false, &t);
	if (ret)
		return ret;
	*ep = open_endpoint(cmd);
	if (*ep < 0)
		return EXIT_ERROR;
	ret = kipc_ring_attach(*ep, t.name, t.id, role, r);
	if (ret < 0) {
		close(*ep);
		return fail(cmd, arg, ret);
	}
	return 0;
}

static int ring_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slots",	required_argument, NULL, 's' },
		{ "slot-size",	required_argument, NULL, 'b' },
		{ "mode",	required_argument, NULL, 'm' },
		{ "mpsc",	no_argument,	   NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long slots = 0, size = 0, v;
	unsigned int kind = KIPC_RING_SPSC, perm = 0600;
	uint64_t id;
	char *end;
	int c, ep, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_uint("ring create", "--slots", optarg, 2, 1U << 30, &slots))
				return EXIT_USAGE;
			break;
		case 'b':
			if (parse_uint("ring create", "--slot-size", optarg, 64, 1U << 26, &size))
				return EXIT_USAGE;
			break;
		case 'm':
			if (!strcmp(optarg, "spsc")) {
				kind = KIPC_RING_SPSC;
			} else if (!strcmp(optarg, "mpsc")) {
				kind = KIPC_RING_MPSC;
			} else {
				v = strtoull(optarg, &end, 8);
				if (*end || !*optarg || v > 0777)
					return usage_error("ring create",
							   "--mode: '%s' is neither octal permission bits nor spsc/mpsc",
							   optarg);
				perm = (unsigned int)v;
			}
			break;
		case 'M':
			kind = KIPC_RING_MPSC;
			break;
		default:
			return bad_option("ring create", c, argv);
		}
	}
	if (optind != argc - 1)
		return usage_error("ring create", "expected one NAME");
	if (!slots || !size)
		return usage_error("ring create", "--slots and --slot-size are required");
	ep = open_endpoint("ring create");
	if (ep < 0)
		return EXIT_ERROR;
	ret = kipc_ring_create(ep, argv[optind], (unsigned int)slots,
			       (unsigned int)size, kind, perm, &id);
	close(ep);
	if (ret < 0)
		return fail("ring create", argv[optind], ret);
	printf("%llu\n", (unsigned long long)id);
	return EXIT_OK;
}

static void ring_row(const struct kipc_info *info)
{
	printf("%8llu %-16s %5u %04o %7u %7u %8u %9u %9u\n",
	       (unsigned long long)info->id, info->name[0] ? info->name : "-",
	       info->uid, info->mode, info->max_msgs,
	       info->msg_max + (unsigned int)sizeof(struct kipc_ring_slot),
	       info->depth, info->nr_senders, info->nr_receivers);
}

static void ring_header(void)
{
	printf("%8s %-16s %5s %4s %7s %7s %8s %9s %9s\n", "ID", "NAME", "UID",
	       "MODE", "SLOTS", "SLOTSZ", "DEPTH", "PRODWAIT", "CONSWAIT");
}

static int ring_ls(int argc, char **argv)
{
	struct kipc_info entries[64];
	uint64_t cursor = 0;
	int ep, n, i, ret;
	bool json;

	ret = parse_json_opt("ring ls", argc, argv, &json);
	if (ret)
		return ret;
	if (optind != argc)
		return usage_error("ring ls", "no arguments expected");
	ep = open_endpoint("ring ls");
	if (ep < 0)
		return EXIT_ERROR;
	if (!json)
		ring_header();
	while ((n = kipc_list(ep, KIPC_LIST_RINGS, &cursor, entries, 64)) > 0)
		for (i = 0; i < n; i++)
			if (json)
				json_info(&entries[i]);
			else
				ring_row(&entries[i]);
	if (n < 0)
		ret = fail("ring ls", NULL, n);
	close(ep);
	return ret;
}

static int ring_stat(int argc, char **argv)
{
	struct kipc_info info;
	struct target t;
	int ep, ret;
	bool json;

	ret = parse_json_opt("ring stat", argc, argv, &json);
	if (ret)
		return ret;
	if (optind != argc - 1)
		return usage_error("ring stat", "expected NAME|ID");
	ret = parse_target("ring stat", argv[optind], false, &t);
	if (ret)
		return ret;
	ep = open_endpoint("ring stat");
	if (ep < 0)
		return EXIT_ERROR;
	ret = t.name ? kipc_stat_name(ep, KIPC_TYPE_RING, t.name, &info) :
		       kipc_stat(ep, t.id, &info);
	close(ep);
	if (!ret && info.type != KIPC_TYPE_RING)
		ret = -ENOENT;
	if (ret < 0)
		return fail("ring stat", t.arg, ret);
	if (json) {
		json_info(&info);
		return EXIT_OK;
	}
	printf("id:          %llu\n", (unsigned long long)info.id);
	printf("name:        %s\n", info.name[0] ? info.name : "-");
	printf("owner:       %u:%u\n", info.uid, info.gid);
	printf("mode:        %04o\n", info.mode);
	printf("slots:       %u\n", info.max_msgs);
	printf("slot size:   %u (payload up to %u)\n",
	       info.msg_max + (unsigned int)sizeof(struct kipc_ring_slot), info.msg_max);
	printf("depth:       %u\n", info.depth);
	printf("creator:     endpoint %llu\n", (unsigned long long)info.creator_ep);
	printf("asleep:      %u producer(s), %u consumer(s)\n", info.nr_senders,
	       info.nr_receivers);
	return EXIT_OK;
}

static int ring_rm(int argc, char **argv)
{
	struct target t;
	int ep, ret;

	if (argc != 2)
		return usage_error("ring rm", "expected NAME|ID");
	ret = parse_target("ring rm", argv[1], false, &t);
	if (ret)
		return ret;
	ep = open_endpoint("ring rm");
	if (ep < 0)
		return EXIT_ERROR;
	ret = kipc_ring_delete(ep, t.name, t.id);
	close(ep);
	return ret < 0 ? fail("ring rm", argv[1], ret) : EXIT_OK;
}

static void report(uint64_t msgs, uint64_t errors, uint64_t syscalls)
{
	printf("messages=%llu errors=%llu syscalls_per_msg=%.6f\n",
	       (unsigned long long)msgs, (unsigned long long)errors,
	       msgs ? (double)syscalls / (double)msgs : 0.0);
}

struct stream_opts {
	unsigned long long count, size, batch, timeout_ms;
	bool verify, have_timeout;
};

static int stream_opts(const char *cmd, int argc, char **argv, bool consume,
		       struct stream_opts *o)
{
	static const struct option opts[] = {
		{ "count",	required_argument, NULL, 'c' },
		{ "size",	required_argument, NULL, 's' },
		{ "batch",	required_argument, NULL, 'b' },
		{ "verify",	no_argument,	   NULL, 'v' },
		{ "timeout",	required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->batch = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_uint(cmd, "--count", optarg, 1, ~0ULL >> 1, &o->count))
				return EXIT_USAGE;
			break;
		case 's':
			if (consume)
				return usage_error(cmd, "--size is for produce");
			if (parse_uint(cmd, "--size", optarg, SEQMSG_MIN, 1U << 26, &o->size))
				return EXIT_USAGE;
			break;
		case 'b':
			if (parse_uint(cmd, "--batch", optarg, 1, 4096, &o->batch))
				return EXIT_USAGE;
			break;
		case 'v':
			if (!consume)
				return usage_error(cmd, "--verify is for consume");
			o->verify = true;
			break;
		case 't':
			if (!consume)
				return usage_error(cmd, "--timeout is for consume");
			if (parse_uint(cmd, "--timeout", optarg, 0, 1ULL << 40, &o->timeout_ms))
				return EXIT_USAGE;
			o->have_timeout = true;
			break;
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (optind != argc - 1)
		return usage_error(cmd, "expected one NAME|ID");
	if (!o->count)
		return usage_error(cmd, "--count is required");
	if (!consume && !o->size)
		return usage_error(cmd, "--size is required");
	return 0;
}

static int ring_produce(int argc, char **argv)
{
	struct stream_opts o;
	struct kipc_ring r;
	uint64_t seq = 0;
	uint32_t pos, src = (uint32_t)getpid();
	unsigned int n, i;
	int ep, ret;

	ret = stream_opts("ring produce", argc, argv, false, &o);
	if (ret)
		return ret;
	ret = ring_open("ring produce", argv[optind], KIPC_RING_PRODUCER, &ep, &r);
	if (ret)
		return ret;
	if (o.size > kipc_ring_payload_max(&r)) {
		fprintf(stderr, "kipcctl: ring produce: --size %llu: slots hold at most %u bytes\n",
			o.size, kipc_ring_payload_max(&r));
		ret = EXIT_USAGE;
		goto out;
	}
	while (seq < o.count) {
		n = (unsigned int)(o.count - seq < o.batch ? o.count - seq : o.batch);
		n = kipc_ring_reserve_n(&r, n, &pos);
		if (!n) {
			ret = kipc_ring_wait_writable(&r, 1, NULL);
			if (ret < 0) {
				report(seq, 0, r.syscalls);
				ret = fail("ring produce", argv[optind], ret);
				goto out;
			}
			continue;
		}
		for (i = 0; i < n; i++, seq++) {
			seqmsg_fill(kipc_ring_data(&r, pos + i), (uint32_t)o.size, src, seq);
			kipc_ring_set_len(&r, pos + i, (uint32_t)o.size);
		}
		kipc_ring_commit_n(&r, pos, n);
	}
	report(seq, 0, r.syscalls);
	ret = EXIT_OK;
out:
	kipc_ring_detach(&r);
	close(ep);
	return ret;
}

/* Next expected sequence number per producer (keyed by source id). */
struct source {
	uint32_t src;
	uint64_t next;
};

static uint64_t check_order(struct source *srcs, unsigned int *nr,
			    const struct seqmsg *m)
{
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (srcs[i].src == m->src)
			break;
	if (i == *nr) {
		if (*nr == KIPC_RING_PRODUCERS_MAX * 4)
			return 1;
		srcs[(*nr)++] = (struct source){ m->src, 0 };
	}
	if (m->seq != srcs[i].next) {
		srcs[i].next = m->seq + 1;
		return 1;	/* lost, duplicated or reordered */
	}
	srcs[i].next++;
	return 0;
}

static int ring_consume(int argc, char **argv)
{
	static struct source srcs[KIPC_RING_PRODUCERS_MAX * 4];
	struct timespec ts, *timeout = NULL;
	unsigned int nr = 0, n, i;
	uint64_t got = 0, errors = 0;
	struct stream_opts o;
	struct kipc_ring r;
	struct seqmsg m;
	uint32_t pos, len;
	int ep, ret;

	ret = stream_opts("ring consume", argc, argv, true, &o);
	if (ret)
		return ret;
	if (o.have_timeout) {
		ts.tv_sec = (time_t)(o.timeout_ms / 1000);
		ts.tv_nsec = (long)(o.timeout_ms % 1000) * 1000000L;
		timeout = &ts;
	}
	ret = ring_open("ring consume", argv[optind], KIPC_RING_CONSUMER, &ep, &r);
	if (ret)
		return ret;
	ret = EXIT_OK;
	while (got < o.count) {
		n = (unsigned int)(o.count - got < o.batch ? o.count - got : o.batch);
		n = kipc_ring_peek_n(&r, n, &pos);
		if (!n) {
			ret = kipc_ring_wait_readable(&r, timeout);
			if (ret < 0)
				break;
			continue;
		}
		for (i = 0; i < n; i++) {
			const void *p = kipc_ring_msg(&r, pos + i, &len);

			if (!o.verify)
				continue;
			if (seqmsg_check(p, len, &m))
				errors++;
			else
				errors += check_order(srcs, &nr, &m);
		}
		kipc_ring_release_n(&r, pos, n);
		got += n;
	}
	report(got, errors, r.syscalls);
	if (ret < 0)
		ret = fail("ring consume", argv[optind], ret);
	else if (errors)
		ret = EXIT_ERROR;
	kipc_ring_detach(&r);
	close(ep);
	return ret;
}

int cmd_ring(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "create", ring_create },
		{ "ls", ring_ls },
		{ "stat", ring_stat },
		{ "rm", ring_rm },
		{ "produce", ring_produce },
		{ "consume", ring_consume },
	};
	unsigned int i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(ring_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return usage_error("ring", "unknown command '%s' (create, ls, stat, rm, produce, consume)",
			   argv[1]);
}
