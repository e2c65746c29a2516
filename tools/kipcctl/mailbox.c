// SPDX-License-Identifier: MIT
/* kipcctl create, kipcctl rm: mailboxes. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kipcctl.h"

/* Sit until SIGINT or SIGTERM; the caller then closes its fds. */
static void hold(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
}

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capacity",	required_argument, NULL, 'c' },
		{ "max-bytes",	required_argument, NULL, 'b' },
		{ "msgsize",	required_argument, NULL, 's' },
		{ "mode",	required_argument, NULL, 'm' },
		{ "rendezvous",	no_argument,	   NULL, 'r' },
		{ "owned",	no_argument,	   NULL, 'o' },
		{ "hold",	no_argument,	   NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	struct kipc_mbox_attr attr = {
		.max_msgs = KIPC_MBOX_DEFAULT_MSGS,
		.mode = 0600,
	};
	bool capacity = false, rendezvous = false, do_hold = false;
	unsigned long long v;
	const char *name;
	uint64_t id;
	char *end;
	int c, ep, fd, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ret = parse_uint("create", "--capacity", optarg, 0,
					 KIPC_QUEUE_MSGS_MAX, &v);
			if (ret)
				return ret;
			attr.max_msgs = v;	/* 0: rendezvous */
			capacity = true;
			break;
		case 'b':
			ret = parse_uint("create", "--max-bytes", optarg, 0,
					 UINT32_MAX, &v);
			if (ret)
				return ret;
			attr.max_bytes = v;
			break;
		case 's':
			ret = parse_uint("create", "--msgsize", optarg, 0,
					 UINT32_MAX, &v);
			if (ret)
				return ret;
			attr.msg_max = v;
			break;
		case 'm':
			v = strtoul(optarg, &end, 8);
			if (!*optarg || *end || v > 0777)
				return usage_error("create",
						   "--mode: '%s' is not an octal mode in 0..0777",
						   optarg);
			attr.mode = v;
			break;
		case 'r':
			rendezvous = true;
			break;
		case 'o':
			attr.flags |= KIPC_MBOX_OWNED;
			break;
		case 'H':
			do_hold = true;
			break;
		default:
			return bad_option("create", c, argv);
		}
	}
	if (rendezvous) {
		if (capacity && attr.max_msgs)
			return usage_error("create",
					   "--capacity and --rendezvous exclude each other");
		attr.max_msgs = 0;
	}
	if ((attr.flags & KIPC_MBOX_OWNED) && !do_hold)
		return usage_error("create",
				   "--owned needs --hold: an owned mailbox dies with kipcctl's endpoint");
	if (optind != argc - 1)
		return usage_error("create", "expected one NAME");
	name = argv[optind];
	if (!*name || strlen(name) >= KIPC_NAME_MAX)
		return usage_error("create", "names are 1..%d bytes",
				   KIPC_NAME_MAX - 1);
	if (strspn(name, "0123456789") == strlen(name))
		return usage_error("create",
				   "'%s': an all-digits name could not be told from an id",
				   name);

	ep = open_endpoint("create");
	if (ep < 0)
		return EXIT_ERROR;
	fd = kipc_mbox_create(ep, name, &attr, &id);
	if (fd < 0) {
		close(ep);
		return fail("create", name, fd);
	}
	printf("%llu\n", (unsigned long long)id);
	fflush(stdout);
	if (do_hold)
		hold();
	close(fd);
	close(ep);
	return EXIT_OK;
}

int cmd_rm(int argc, char **argv)
{
	struct target t;
	int ep, ret;

	if (argc != 2)
		return usage_error("rm", "expected NAME|ID");
	ret = parse_target("rm", argv[1], false, &t);
	if (ret)
		return ret;
	ep = open_endpoint("rm");
	if (ep < 0)
		return EXIT_ERROR;
	if (t.name)
		ret = kipc_mbox_delete_name(ep, t.name);
	else
		ret = kipc_mbox_delete(ep, t.id);
	close(ep);
	if (ret < 0)
		return fail("rm", t.arg, ret);
	return EXIT_OK;
}
