// SPDX-License-Identifier: MIT
/*
 * kipcctl: inspect and drive kipc from the shell (the ipcs/ipcrm of kipc).
 *
 * Exit status: 0 on success, 1 on an error (a one-line message names it),
 * 2 on a usage error, 3 when a send or receive timed out, found the queue
 * empty (or full) with --nonblock.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kipcctl.h"

static const char usage_text[] =
"usage: kipcctl COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  ls [--json]               list mailboxes, endpoints, rings, semaphores\n"
"                            and mutexes\n"
"  stat [--json] NAME|ID|ep:NAME|ep:ID\n"
"                            describe a mailbox (or an endpoint)\n"
"  create NAME [--capacity N] [--max-bytes B] [--msgsize B] [--mode 0660]\n"
"         [--rendezvous] [--hold [--owned]]\n"
"                            create a mailbox, print its id\n"
"  rm NAME|ID                delete a mailbox\n"
"  send NAME|ID|ep:NAME|ep:ID [--prio P] [--nonblock | --timeout MS] [--sync]\n"
"       [--count N [--batch K]] [MESSAGE]\n"
"                            send MESSAGE, or all of stdin, as one message\n"
"                            (N times, K per system call)\n"
"  recv NAME|ID [--nonblock | --timeout MS] [--count N] [--batch K] [-v]\n"
"                            receive N (default 1) messages, up to K per\n"
"                            system call, payloads to stdout; -v prints a\n"
"                            header line before each\n"
"  watch NAME|ID             print a line each time a mailbox's depth or\n"
"                            blocked counts change, until it is deleted\n"
"  ring COMMAND              shared-memory rings: create, ls, stat, rm,\n"
"                            produce, consume (kipcctl ring --help)\n"
"  sem COMMAND               semaphores: create, post, wait, stat, rm\n"
"                            (kipcctl sem --help)\n"
"  mutex COMMAND             mutexes: create, lock, unlock, stat, rm\n"
"                            (kipcctl mutex --help)\n"
"  usage                     what your user holds in kipc, against its\n"
"                            limits (bytes, mailboxes, rings)\n"
"  version                   print the loaded module's ABI version\n"
"\n"
"An all-digits argument is an id, anything else a name; ep: addresses an\n"
"endpoint instead of a mailbox. --json prints one JSON object per line,\n"
"with the field names of struct kipc_info.\n"
"\n"
"Exit status: 0 success, 1 error, 2 usage error, 3 timed out, empty or\n"
"would block (--nonblock, --timeout).\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

int fail(const char *cmd, const char *obj, int err)
{
	if (obj)
		fprintf(stderr, "kipcctl: %s: %s: %s\n", cmd, obj,
			kipc_strerror(err));
	else
		fprintf(stderr, "kipcctl: %s: %s\n", cmd, kipc_strerror(err));
	return (err == -EAGAIN || err == -ETIMEDOUT) ? EXIT_EMPTY : EXIT_ERROR;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kipcctl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int bad_option(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value",
				   argv[optind - 1]);
	return usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int open_endpoint(const char *cmd)
{
	int ep = kipc_open(0);

	if (ep == -ENOENT)
		fprintf(stderr, "kipcctl: %s: " KIPC_DEVICE
			": no such device (is kipc.ko loaded?)\n", cmd);
	else if (ep < 0)
		fprintf(stderr, "kipcctl: %s: " KIPC_DEVICE ": %s\n", cmd,
			strerror(-ep));
	return ep < 0 ? -1 : ep;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int parse_target(const char *cmd, const char *arg, bool allow_ep,
		 struct target *t)
{
	const char *s = arg;

	memset(t, 0, sizeof(*t));
	t->arg = arg;
	if (!strncmp(s, "ep:", 3)) {
		if (!allow_ep)
			return usage_error(cmd, "'%s': only send and stat take an endpoint",
					   arg);
		t->endpoint = true;
		s += 3;
	}
	if (!*s)
		return usage_error(cmd, "empty name");
	if (!all_digits(s)) {
		if (strlen(s) >= KIPC_NAME_MAX)
			return usage_error(cmd, "'%s': names are at most %d bytes",
					   s, KIPC_NAME_MAX - 1);
		t->name = s;
		return 0;
	}
	errno = 0;
	t->id = strtoull(s, NULL, 10);
	if (errno || !t->id)
		return usage_error(cmd, "'%s': not a valid id", arg);
	return 0;
}

int open_mailbox(int ep, const struct target *t)
{
	if (t->name)
		return kipc_mbox_open(ep, t->name, NULL);
	return kipc_mbox_open_id(ep, t->id);
}

int stat_target(int ep, const struct target *t, struct kipc_info *info)
{
	unsigned int type = t->endpoint ? KIPC_TYPE_ENDPOINT : KIPC_TYPE_MAILBOX;
	int ret;

	if (t->name)
		ret = kipc_stat_name(ep, type, t->name, info);
	else
		ret = kipc_stat(ep, t->id, info);
	/* An id names at most one object, of either kind: say which is missing. */
	if (ret == 0 && info->type != type)
		ret = -ENOENT;
	if (ret == -ENOENT && t->endpoint)
		ret = -ESRCH;
	return ret;
}

int parse_uint(const char *cmd, const char *opt, const char *s,
	       unsigned long long min, unsigned long long max,
	       unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (!all_digits(s) || errno || *end || *out < min || *out > max)
		return usage_error(cmd, "%s: '%s' is not a number in %llu..%llu",
				   opt, s, min, max);
	return 0;
}

int parse_timeout(const char *cmd, const char *s, struct timespec *ts)
{
	unsigned long long ms;
	int ret;

	ret = parse_uint(cmd, "--timeout", s, 0, 1000ULL * 86400 * 365, &ms);
	if (ret)
		return ret;
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (ms % 1000) * 1000000;
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	struct kipc_version v;
	int fd, ret;

	(void)argv;
	if (argc > 1)
		return usage_error("version", "no arguments expected");
	fd = open_endpoint("version");
	if (fd < 0)
		return EXIT_ERROR;
	ret = kipc_version(fd, &v);
	close(fd);
	if (ret < 0)
		return fail("version", NULL, ret);
	printf("kipc %u.%u.%u abi %u\n", v.version >> 16, (v.version >> 8) & 0xff,
	       v.version & 0xff, v.abi);
	return EXIT_OK;
}

/* A limit of 0 is no limit. */
static void print_limit(const char *what, unsigned long long used,
			unsigned long long max)
{
	if (max)
		printf("%-10s %llu of %llu\n", what, used, max);
	else
		printf("%-10s %llu (no limit)\n", what, used);
}

static int cmd_usage(int argc, char **argv)
{
	struct kipc_usage u;
	int fd, ret;

	(void)argv;
	if (argc > 1)
		return usage_error("usage", "no arguments expected");
	fd = open_endpoint("usage");
	if (fd < 0)
		return EXIT_ERROR;
	ret = kipc_usage(fd, &u);
	close(fd);
	if (ret < 0)
		return fail("usage", NULL, ret);
	printf("uid        %u\n", u.uid);
	print_limit("bytes", u.bytes, u.bytes_max);
	print_limit("mailboxes", u.mailboxes, u.mailboxes_max);
	print_limit("rings", u.rings, u.rings_max);
	print_limit("syncs", u.syncs, u.syncs_max);
	return EXIT_OK;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "ls",		cmd_ls },
	{ "stat",	cmd_stat },
	{ "create",	cmd_create },
	{ "rm",		cmd_rm },
	{ "send",	cmd_send },
	{ "recv",	cmd_recv },
	{ "watch",	cmd_watch },
	{ "ring",	cmd_ring },
	{ "sem",	cmd_sem },
	{ "mutex",	cmd_mutex },
	{ "usage",	cmd_usage },
	{ "version",	cmd_version },
};

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kipcctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
