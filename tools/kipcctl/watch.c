// SPDX-License-Identifier: MIT
/*
 * kipcctl watch: a line for each change of a mailbox's depth, bytes and
 * blocked counts.
 *
 * poll() on a mailbox fd is level-triggered (EPOLLIN while non-empty,
 * EPOLLOUT while there is room), so we wait only for the levels that are
 * currently false, to be woken by an arrival on an empty mailbox or by room
 * appearing in a full one. Everything else (a receive that leaves messages
 * behind, tasks blocking and unblocking) has no poll event: a short poll
 * timeout catches those. EPOLLHUP | EPOLLERR ends the watch once the
 * mailbox is deleted.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "kipcctl.h"

#define WATCH_INTERVAL_MS	100

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_line(const struct kipc_info *info)
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	printf("%02d:%02d:%02d.%03ld depth=%u bytes=%u senders=%u receivers=%u\n",
	       tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec / 1000,
	       info->depth, info->bytes, info->nr_senders, info->nr_receivers);
	fflush(stdout);
}

static bool changed(const struct kipc_info *a, const struct kipc_info *b)
{
	return a->depth != b->depth || a->bytes != b->bytes ||
	       a->nr_senders != b->nr_senders ||
	       a->nr_receivers != b->nr_receivers;
}

int cmd_watch(int argc, char **argv)
{
	struct sigaction sa;
	struct kipc_info info, last;
	struct pollfd pfd;
	struct target t;
	int ep, fd, ret;
	short ready;

	if (argc != 2)
		return usage_error("watch", "expected NAME|ID");
	ret = parse_target("watch", argv[1], false, &t);
	if (ret)
		return ret;
	ep = open_endpoint("watch");
	if (ep < 0)
		return EXIT_ERROR;
	fd = open_mailbox(ep, &t);
	if (fd < 0) {
		close(ep);
		return fail("watch", t.arg, fd);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&last, 0xff, sizeof(last));	/* the first stat prints */
	pfd.fd = fd;
	for (;;) {
		/* Which levels are true now, and did the mailbox go away? */
		pfd.events = POLLIN | POLLOUT;
		if (poll(&pfd, 1, 0) < 0) {
			ret = -errno;
			break;
		}
		if (pfd.revents & (POLLHUP | POLLERR)) {
			ret = -EIDRM;
			break;
		}
		ready = pfd.revents & (POLLIN | POLLOUT);
		ret = kipc_stat(fd, 0, &info);
		if (ret < 0)
			break;
		if (changed(&info, &last)) {
			print_line(&info);
			last = info;
		}
		/* A level true now would wake us at once: wait for the others. */
		pfd.events = (POLLIN | POLLOUT) & ~ready;
		if (poll(&pfd, 1, WATCH_INTERVAL_MS) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (stop)
			break;
	}
	close(fd);
	close(ep);
	if (ret == -EIDRM) {
		printf("deleted\n");
		return EXIT_OK;
	}
	if (ret < 0)
		return fail("watch", t.arg, ret);
	return EXIT_OK;
}
