// SPDX-License-Identifier: MIT
/* kipcctl send, kipcctl recv: one message from the shell, or N of them. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kipcctl.h"

/* Largest message read from stdin; the queue's msg_max is usually far less. */
#define STDIN_MAX	(64U << 20)

/* All of stdin into a malloc()ed buffer: 0, -EMSGSIZE or -errno. */
static int read_stdin(char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nbuf;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			if (cap >= STDIN_MAX) {
				free(buf);
				return -EMSGSIZE;
			}
			cap = cap ? cap * 2 : 4096;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
		}
		n = read(STDIN_FILENO, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			free(buf);
			return n;
		}
		len += n;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* The endpoint id @t names (by id, or looked up by name): 0 or -errno. */
static int endpoint_id(int ep, const struct target *t, uint64_t *id)
{
	struct kipc_info info;
	int ret;

	if (t->name)
		return kipc_ep_lookup(ep, t->name, id);
	ret = stat_target(ep, t, &info);
	if (ret == 0)
		*id = t->id;
	return ret;
}

int cmd_send(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prio",	required_argument, NULL, 'p' },
		{ "nonblock",	no_argument,	   NULL, 'n' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "sync",	no_argument,	   NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct timespec ts, *timeout = NULL;
	unsigned int flags = 0;
	unsigned long long prio = 0;
	char *stdin_buf = NULL;
	const char *buf;
	struct target t;
	uint64_t dest = 0;
	int c, ep, fd, ret;
	size_t len = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			ret = parse_uint("send", "--prio", optarg, 0,
					 KIPC_PRIO_MAX, &prio);
			if (ret)
				return ret;
			break;
		case 'n':
			flags |= KIPC_NONBLOCK;
			break;
		case 't':
			ret = parse_timeout("send", optarg, &ts);
			if (ret)
				return ret;
			timeout = &ts;
			break;
		case 's':
			flags |= KIPC_SEND_SYNC;
			break;
		default:
			return bad_option("send", c, argv);
		}
	}
	if ((flags & KIPC_NONBLOCK) && timeout)
		return usage_error("send",
				   "--nonblock and --timeout exclude each other");
	if (optind == argc || argc - optind > 2)
		return usage_error("send", "expected NAME|ID [MESSAGE]");
	ret = parse_target("send", argv[optind], true, &t);
	if (ret)
		return ret;

	if (argc - optind == 2) {
		buf = argv[optind + 1];
		len = strlen(buf);
	} else {
		ret = read_stdin(&stdin_buf, &len);
		if (ret < 0)
			return fail("send", "stdin", ret);
		buf = stdin_buf;
	}

	ep = open_endpoint("send");
	if (ep < 0) {
		free(stdin_buf);
		return EXIT_ERROR;
	}
	if (t.endpoint) {
		/* Direct: to the endpoint's inbox, from our own endpoint. */
		fd = ep;
		ret = endpoint_id(ep, &t, &dest);
	} else {
		fd = ret = open_mailbox(ep, &t);
	}
	if (ret >= 0)
		ret = kipc_send(fd, dest, buf, len, prio, flags, timeout);
	if (fd != ep && fd >= 0)
		close(fd);
	close(ep);
	free(stdin_buf);
	if (ret < 0)
		return fail("send", t.arg, ret);
	return EXIT_OK;
}

static void print_header(const struct kipc_msg_hdr *h)
{
	printf("from=%llu pid=%d uid=%u prio=%u len=%u mailbox=%llu",
	       (unsigned long long)h->sender_id, h->sender_pid, h->sender_uid,
	       h->priority, h->len, (unsigned long long)h->mailbox_id);
	if (h->flags & KIPC_MSG_REQUEST)
		printf(" token=%llu reply_max=%u",
		       (unsigned long long)h->token, h->reply_max);
	if (h->flags & KIPC_MSG_SYNC)
		printf(" sync");
	putchar('\n');
}

/* Add @rel to the current CLOCK_MONOTONIC time. */
static void deadline(struct timespec *ts, const struct timespec *rel)
{
	struct timespec r = *rel;	/* @rel may be @ts */

	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += r.tv_sec;
	ts->tv_nsec += r.tv_nsec;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int cmd_recv(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonblock",	no_argument,	   NULL, 'n' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "count",	required_argument, NULL, 'c' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct timespec ts, *timeout = NULL;
	unsigned long long count = 1, i;
	unsigned int flags = 0;
	struct kipc_msg_hdr hdr;
	struct kipc_info info;
	bool verbose = false;
	size_t size = 0;
	char *buf = NULL, *nbuf;
	struct target t;
	int c, ep, fd, ret;

	while ((c = getopt_long(argc, argv, ":v", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			flags |= KIPC_NONBLOCK;
			break;
		case 't':
			ret = parse_timeout("recv", optarg, &ts);
			if (ret)
				return ret;
			timeout = &ts;
			break;
		case 'c':
			ret = parse_uint("recv", "--count", optarg, 1,
					 UINT32_MAX, &count);
			if (ret)
				return ret;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			return bad_option("recv", c, argv);
		}
	}
	if ((flags & KIPC_NONBLOCK) && timeout)
		return usage_error("recv",
				   "--nonblock and --timeout exclude each other");
	if (optind != argc - 1)
		return usage_error("recv", "expected NAME|ID");
	ret = parse_target("recv", argv[optind], false, &t);
	if (ret)
		return ret;

	ep = open_endpoint("recv");
	if (ep < 0)
		return EXIT_ERROR;
	fd = ret = open_mailbox(ep, &t);
	if (ret >= 0)
		ret = kipc_stat(fd, 0, &info);
	if (ret >= 0) {
		size = info.msg_max ? info.msg_max : 1;
		buf = malloc(size);
		if (!buf)
			ret = -ENOMEM;
	}
	/* --timeout bounds the whole command, however many messages. */
	if (timeout) {
		deadline(&ts, timeout);
		flags |= KIPC_ABSTIME;
	}
	for (i = 0; ret >= 0 && i < count;) {
		ret = kipc_recv(fd, buf, size, &hdr, flags, timeout);
		if (ret == -EMSGSIZE && hdr.len > size) {
			/* A message queued before msg_max was lowered. */
			nbuf = realloc(buf, hdr.len);
			if (!nbuf) {
				ret = -ENOMEM;
				break;
			}
			buf = nbuf;
			size = hdr.len;
			ret = 0;
			continue;
		}
		if (ret < 0)
			break;
		if (verbose)
			print_header(&hdr);
		fwrite(buf, 1, ret, stdout);
		if (fflush(stdout)) {
			ret = -errno;
			break;
		}
		i++;
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	close(ep);
	if (ret < 0)
		return fail("recv", t.arg, ret);
	return EXIT_OK;
}
