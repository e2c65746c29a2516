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

/*
 * Send @len bytes @count times, @batch per system call (kipc_send_batch()
 * when @batch > 1). Returns 0 or the first failure's -errno.
 */
static int send_n(int fd, uint64_t dest, const char *buf, size_t len,
		  unsigned int prio, unsigned int flags,
		  const struct timespec *timeout, unsigned long long count,
		  unsigned long long batch, unsigned long long *calls,
		  unsigned long long *sent)
{
	unsigned long long done = 0;
	struct kipc_mmsg *m;
	unsigned int i, n;
	int ret = 0;

	if (batch == 1) {
		for (; done < count; done++, (*calls)++) {
			ret = kipc_send(fd, dest, buf, len, prio, flags,
					timeout);
			if (ret < 0)
				break;
		}
		*sent = done;
		return ret < 0 ? ret : 0;
	}
	if (len > UINT32_MAX)
		return -EMSGSIZE;
	m = calloc(batch, sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (i = 0; i < batch; i++) {
		m[i].buf = (uintptr_t)buf;
		m[i].len = len;
		m[i].priority = prio;
	}
	while (done < count) {
		n = count - done < batch ? count - done : batch;
		(*calls)++;
		ret = kipc_send_batch(fd, dest, m, n, flags, timeout);
		if (ret < 0)
			break;
		done += ret;
		ret = 0;
	}
	free(m);
	*sent = done;
	return ret;
}

int cmd_send(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prio",	required_argument, NULL, 'p' },
		{ "nonblock",	no_argument,	   NULL, 'n' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "sync",	no_argument,	   NULL, 's' },
		{ "count",	required_argument, NULL, 'c' },
		{ "batch",	required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct timespec ts, *timeout = NULL;
	unsigned int flags = 0;
	unsigned long long prio = 0, count = 1, batch = 1, calls = 0, sent = 0;
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
		case 'c':
			ret = parse_uint("send", "--count", optarg, 1,
					 UINT32_MAX, &count);
			if (ret)
				return ret;
			break;
		case 'b':
			ret = parse_uint("send", "--batch", optarg, 1,
					 KIPC_XFER_MAX, &batch);
			if (ret)
				return ret;
			break;
		default:
			return bad_option("send", c, argv);
		}
	}
	if ((flags & KIPC_NONBLOCK) && timeout)
		return usage_error("send",
				   "--nonblock and --timeout exclude each other");
	if ((flags & KIPC_SEND_SYNC) && batch > 1)
		return usage_error("send", "--sync and --batch exclude each other");
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
	/* --timeout bounds the whole command, however many messages. */
	if (timeout) {
		deadline(&ts, timeout);
		flags |= KIPC_ABSTIME;
	}
	if (ret >= 0)
		ret = send_n(fd, dest, buf, len, prio, flags, timeout, count,
			     batch, &calls, &sent);
	if (fd != ep && fd >= 0)
		close(fd);
	close(ep);
	free(stdin_buf);
	/* How many went, also when some did not: the rest can be resent. */
	if (count > 1)
		printf("messages=%llu syscalls_per_msg=%.4f\n", sent,
		       sent ? (double)calls / (double)sent : 0.0);
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

/* Write one received message to stdout: 0 or -errno. */
static int emit(const void *buf, size_t len, const struct kipc_msg_hdr *hdr,
		bool verbose)
{
	if (verbose)
		print_header(hdr);
	fwrite(buf, 1, len, stdout);
	return fflush(stdout) ? -errno : 0;
}

/*
 * Receive @count messages, up to @batch per system call, into buffers of
 * @size bytes each. A message larger than that (queued before msg_max was
 * lowered) fails with -EMSGSIZE and stays queued.
 */
static int recv_batches(int fd, size_t size, unsigned long long count,
			unsigned long long batch, unsigned int flags,
			const struct timespec *timeout, bool verbose)
{
	unsigned long long done = 0;
	struct kipc_mmsg *m;
	char *bufs;
	unsigned int i, n;
	int ret = 0;

	if (batch > count)
		batch = count;
	if (size > (64U << 20) / batch)
		return -ENOMEM;
	m = calloc(batch, sizeof(*m));
	bufs = malloc(batch * size);
	if (!m || !bufs) {
		free(m);
		free(bufs);
		return -ENOMEM;
	}
	for (i = 0; i < batch; i++) {
		m[i].buf = (uintptr_t)(bufs + i * size);
		m[i].buf_len = size;
	}
	while (ret >= 0 && done < count) {
		n = count - done < batch ? count - done : batch;
		ret = kipc_recv_batch(fd, m, n, flags, timeout);
		for (i = 0; ret > 0 && i < (unsigned int)ret; i++) {
			int err = emit(bufs + i * size, m[i].len, &m[i].hdr,
				       verbose);

			if (err)
				ret = err;
		}
		if (ret > 0)
			done += ret;
	}
	free(m);
	free(bufs);
	return ret < 0 ? ret : 0;
}

int cmd_recv(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonblock",	no_argument,	   NULL, 'n' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "count",	required_argument, NULL, 'c' },
		{ "batch",	required_argument, NULL, 'b' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct timespec ts, *timeout = NULL;
	unsigned long long count = 1, batch = 1, i;
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
		case 'b':
			ret = parse_uint("recv", "--batch", optarg, 1,
					 KIPC_XFER_MAX, &batch);
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
	if (ret >= 0 && batch > 1) {
		ret = recv_batches(fd, size, count, batch, flags, timeout,
				   verbose);
		count = 0;	/* done; a message too big is left queued */
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
