// SPDX-License-Identifier: MIT
/*
 * `kipc-bridge status`: the running daemon answers on a UNIX socket with
 * its connection state and one line of counters per route; the client
 * prints what it gets. The format (kipc-bridge(1), STATUS) is meant for
 * both eyes and scripts: "key=value" fields, the free-text state last.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "run.h"

static int listen_fd = -1;
static pthread_t status_thread;

static void report(struct kbr_config *cfg, FILE *f)
{
	char conn[300], state[200];
	struct kbr_route *r;
	int i;

	kbr_conn_state(conn, sizeof(conn));
	fprintf(f, "host %s\nnats %s\n", cfg->host, conn);
	for (i = 0; i < cfg->nroutes; i++) {
		r = cfg->routes[i];
		kbr_get_state(r, state, sizeof(state));
		fprintf(f, "route %s %s %s mailbox=%s subject=%s forwarded=%llu "
			"delivered=%llu retried=%llu dropped=%llu duplicates=%llu "
			"calls=%llu call_errors=%llu state=%s\n",
			r->name, r->dir == KBR_EXPORT ? "export" : "import",
			r->mode == KBR_CORE ? "core" : "jetstream", r->mailbox,
			r->subject, atomic_load(&r->n.forwarded),
			atomic_load(&r->n.delivered), atomic_load(&r->n.retried),
			atomic_load(&r->n.dropped), atomic_load(&r->n.duplicates),
			atomic_load(&r->n.calls), atomic_load(&r->n.call_errors),
			state);
	}
}

static void *serve(void *arg)
{
	struct kbr_config *cfg = arg;
	struct pollfd p = { .fd = listen_fd, .events = POLLIN };
	FILE *f;
	int c;

	while (!kbr_stopping) {
		if (poll(&p, 1, KBR_POLL_MS) <= 0)
			continue;
		c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		f = fdopen(c, "w");
		if (!f) {
			close(c);
			continue;
		}
		report(cfg, f);
		fclose(f);
	}
	return NULL;
}

static int sockaddr_for(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int kbr_status_start(struct kbr_config *cfg, char *err, size_t errlen)
{
	const char *path = cfg->status_socket;
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int ret;

	ret = sockaddr_for(path, &sa);
	if (ret) {
		snprintf(err, errlen, "status socket %s: %s", path, strerror(-ret));
		return -1;
	}
	/* A stale socket of an earlier run goes; any other file stays. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		goto fail;
	old = umask(0177);
	ret = bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || listen(listen_fd, 8) < 0)
		goto fail;
	if (pthread_create(&status_thread, NULL, serve, cfg)) {
		errno = EAGAIN;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "status socket %s: %s", path, strerror(errno));
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
	return -1;
}

void kbr_status_stop(struct kbr_config *cfg)
{
	if (listen_fd < 0)
		return;
	pthread_join(status_thread, NULL);
	close(listen_fd);
	unlink(cfg->status_socket);
}

int kbr_status_query(const char *path)
{
	struct sockaddr_un sa;
	char buf[4096];
	ssize_t n;
	int fd;

	if (sockaddr_for(path, &sa)) {
		fprintf(stderr, "kipc-bridge: status: %s: path too long\n", path);
		return 1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "kipc-bridge: status: %s: %s (is the bridge running?)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	return n < 0;
}
