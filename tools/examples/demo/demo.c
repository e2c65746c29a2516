// SPDX-License-Identifier: MIT
/*
 * demo: the parts of the kipc demo that kipcctl cannot do from the shell,
 * because they need an endpoint that stays open: receiving direct
 * messages, and serving or making request/reply calls.
 *
 *   demo listen NAME N       name this endpoint NAME, print N direct messages
 *   demo serve NAME N        name this endpoint NAME, answer N requests with
 *                            the request in upper case
 *   demo call NAME MESSAGE   send MESSAGE as a request to endpoint NAME and
 *                            print the reply
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkipc.h>

static int die(const char *what, int err)
{
	fprintf(stderr, "demo: %s: %s\n", what, kipc_strerror(err));
	return 1;
}

/* Open an endpoint and give it @name, so others can find it. */
static int named_endpoint(const char *name)
{
	int fd = kipc_open(0), ret;

	if (fd < 0)
		return fd;
	ret = kipc_ep_set_name(fd, name);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

static int listen_cmd(const char *name, int n)
{
	struct kipc_msg_hdr hdr;
	char buf[1024];
	int fd, len;

	fd = named_endpoint(name);
	if (fd < 0)
		return die("listen", fd);
	while (n-- > 0) {
		len = kipc_recv(fd, buf, sizeof(buf) - 1, &hdr, 0, NULL);
		if (len < 0)
			return die("recv", len);
		buf[len] = '\0';
		printf("%s got \"%s\" from endpoint %llu (pid %d, priority %u)\n",
		       name, buf, (unsigned long long)hdr.sender_id,
		       hdr.sender_pid, hdr.priority);
		fflush(stdout);
	}
	close(fd);
	return 0;
}

/* The line a served request leaves once its answer went. */
static void answered(const char *name, uint64_t token, pid_t pid)
{
	printf("%s answered request %llu from pid %d\n", name,
	       (unsigned long long)token, pid);
	fflush(stdout);
}

/*
 * A server's loop: each kipc_reply_recv() answers the previous request
 * and waits for the next one, one system call per request.
 */
static int serve_cmd(const char *name, int n)
{
	struct kipc_msg_hdr hdr;
	uint64_t token = 0;
	char buf[1024];
	int fd, len, i, ret, rlen = 0, replied;
	pid_t caller = 0;

	fd = named_endpoint(name);
	if (fd < 0)
		return die("serve", fd);
	while (n-- > 0) {
		len = kipc_reply_recv(fd, token, buf, rlen, buf, sizeof(buf),
				      &hdr, 0, NULL, &replied);
		if (token) {
			if (replied < 0)
				return die("reply", replied);
			answered(name, token, caller);
			token = 0;
		}
		if (len < 0)
			return die("recv", len);
		if (!(hdr.flags & KIPC_MSG_REQUEST))
			continue;	/* a plain message: nobody waits for an answer */
		for (i = 0; i < len; i++)
			buf[i] = toupper((unsigned char)buf[i]);
		token = hdr.token;
		caller = hdr.sender_pid;
		rlen = len;
	}
	if (token) {
		ret = kipc_reply(fd, token, buf, rlen);
		if (ret < 0)
			return die("reply", ret);
		answered(name, token, caller);
	}
	close(fd);
	return 0;
}

static int call_cmd(const char *name, const char *msg)
{
	struct timespec ts = { .tv_sec = 10 };
	char reply[1024];
	uint64_t id;
	int fd, len;

	fd = kipc_open(0);
	if (fd < 0)
		return die("call", fd);
	len = kipc_ep_lookup(fd, name, &id);
	if (len < 0)
		return die(name, len);
	len = kipc_call(fd, id, msg, strlen(msg), 0, reply, sizeof(reply) - 1,
			NULL, 0, &ts);
	if (len < 0)
		return die("call", len);
	reply[len] = '\0';
	printf("%s\n", reply);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "listen"))
		return listen_cmd(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve_cmd(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "call"))
		return call_cmd(argv[2], argv[3]);
	fprintf(stderr, "usage: demo listen NAME N | demo serve NAME N | demo call NAME MESSAGE\n");
	return 2;
}
