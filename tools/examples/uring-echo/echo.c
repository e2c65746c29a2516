// SPDX-License-Identifier: MIT
/*
 * kipc-uring-echo: an echo server for many clients in one io_uring loop,
 * and a client that drives it with many concurrent calls.
 *
 *   kipc-uring-echo serve NAME [--slots N] [--count N]
 *	Create mailbox NAME and answer every request with its own payload
 *	(kipc_call() gets back what it sent); a plain message is sent back
 *	to its sender's endpoint. N receives are kept queued in the kernel at
 *	once. Stops once it has answered --count messages, or when the
 *	mailbox is deleted.
 *   kipc-uring-echo client NAME [--clients C] [--count N] [--tag T] [--show]
 *	C endpoints each make N calls to mailbox NAME, all in flight in one
 *	ring, and check every reply. Requests read "T-i call n" (T defaults
 *	to "client"); --show prints each reply. Prints "calls=... errors=...",
 *	after "T: " when --tag is given.
 *
 * Exit status: 0 on success, 1 on an error, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkipc.h>
#include <kipc_uring.h>

#define MSG_MAX		1024

enum { OP_RECV, OP_REPLY, OP_SEND };

/* One queued receive and what answers it; user_data = index << 2 | op. */
struct slot {
	struct kipc_recv recv;
	union {
		struct kipc_reply reply;
		struct kipc_send send;
	};
	char buf[MSG_MAX];
};

static int die(const char *what, int err)
{
	fprintf(stderr, "kipc-uring-echo: %s: %s\n", what, kipc_strerror(err));
	return 1;
}

static void post_recv(struct io_uring *ring, int mb, struct slot *s,
		      unsigned int i)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	kipc_uring_recv_args(&s->recv, 0, s->buf, sizeof(s->buf), 0, NULL);
	kipc_uring_prep_recv(sqe, mb, &s->recv);
	io_uring_sqe_set_data64(sqe, (uint64_t)i << 2 | OP_RECV);
}

static int serve(const char *name, unsigned int nslots, long count)
{
	struct kipc_mbox_attr attr = { .max_msgs = 256, .mode = 0666 };
	struct kipc_msg_hdr hdr = { 0 };
	struct io_uring ring;
	struct slot *slots;
	long served = 0, answered = 0;
	int ep, mb, ret;
	unsigned int i;

	ep = kipc_open(0);
	if (ep < 0)
		return die("open", ep);
	mb = kipc_mbox_create(ep, name, &attr, NULL);
	if (mb < 0)
		return die(name, mb);
	slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return die("calloc", -ENOMEM);
	ret = io_uring_queue_init(2 * nslots, &ring, 0);
	if (ret < 0)
		return die("io_uring_queue_init", ret);

	/* A waiting receive occupies an io-wq worker: allow one per slot. */
	{
		unsigned int max[2] = { nslots, nslots };

		io_uring_register_iowq_max_workers(&ring, max);
	}
	for (i = 0; i < nslots; i++)
		post_recv(&ring, mb, &slots[i], i);
	printf("serving %s\n", name);
	fflush(stdout);

	/* Until the last answer is out, so its caller gets it. */
	while (count < 0 || answered < count) {
		struct io_uring_cqe *cqe;
		struct io_uring_sqe *sqe;
		struct slot *s;
		uint64_t data;
		int op, n;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR)
			return die("io_uring_submit_and_wait", ret);
		ret = io_uring_peek_cqe(&ring, &cqe);
		if (ret == -EAGAIN)
			continue;
		data = io_uring_cqe_get_data64(cqe);
		i = data >> 2;
		op = data & 3;
		s = &slots[i];
		if (op != OP_RECV) {
			/* The answer went out (or failed): receive again. */
			if (cqe->res < 0)
				fprintf(stderr, "kipc-uring-echo: answer: %s\n",
					kipc_strerror(cqe->res));
			io_uring_cqe_seen(&ring, cqe);
			if (count >= 0 && ++answered >= count)
				break;
			post_recv(&ring, mb, s, i);
			continue;
		}
		n = kipc_uring_recv_result(cqe, &s->recv, &hdr);
		io_uring_cqe_seen(&ring, cqe);
		if (n == -EIDRM)
			break;
		if (n < 0) {
			fprintf(stderr, "kipc-uring-echo: recv: %s\n",
				kipc_strerror(n));
			post_recv(&ring, mb, s, i);
			continue;
		}
		served++;
		sqe = io_uring_get_sqe(&ring);
		if (hdr.flags & KIPC_MSG_REQUEST) {
			kipc_uring_reply_args(&s->reply, hdr.token, s->buf, n);
			kipc_uring_prep_reply(sqe, mb, &s->reply);
			io_uring_sqe_set_data64(sqe, (uint64_t)i << 2 | OP_REPLY);
		} else {
			kipc_uring_send_args(&s->send, hdr.sender_id, s->buf,
					     n, hdr.priority, KIPC_NONBLOCK,
					     NULL);
			kipc_uring_prep_send(sqe, ep, &s->send);
			io_uring_sqe_set_data64(sqe, (uint64_t)i << 2 | OP_SEND);
		}
	}
	io_uring_queue_exit(&ring);
	printf("served=%ld\n", served);
	kipc_mbox_delete(mb, 0);
	close(mb);
	close(ep);
	free(slots);
	return 0;
}

struct client {
	int ep;
	long sent;
	struct kipc_call call;
	char req[64];
	char reply[64];
};

static void post_call(struct io_uring *ring, struct client *c,
		      unsigned int i, uint64_t mbox, const char *tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	int len;

	len = snprintf(c->req, sizeof(c->req), "%s-%u call %ld", tag, i,
		       c->sent);
	if (len >= (int)sizeof(c->req))
		len = sizeof(c->req) - 1;
	memset(c->reply, 0, sizeof(c->reply));
	kipc_uring_call_args(&c->call, mbox, c->req, len, 0, c->reply,
			     sizeof(c->reply), KIPC_SEND_MAILBOX, NULL);
	kipc_uring_prep_call(sqe, c->ep, &c->call);
	io_uring_sqe_set_data64(sqe, i);
}

static int client(const char *name, unsigned int nclients, long count,
		  const char *tag, int show)
{
	long calls = 0, errors = 0, left;
	struct kipc_msg_hdr hdr;
	struct client *cl;
	struct io_uring ring;
	uint64_t mbox = 0;
	unsigned int i;
	int ep, mb, ret;

	ep = kipc_open(0);
	if (ep < 0)
		return die("open", ep);
	mb = kipc_mbox_open(ep, name, &mbox);
	if (mb < 0)
		return die(name, mb);
	close(mb);
	cl = calloc(nclients, sizeof(*cl));
	if (!cl)
		return die("calloc", -ENOMEM);
	ret = io_uring_queue_init(nclients, &ring, 0);
	if (ret < 0)
		return die("io_uring_queue_init", ret);
	/* A call occupies an io-wq worker while it waits: allow one each. */
	{
		unsigned int max[2] = { nclients, nclients };

		io_uring_register_iowq_max_workers(&ring, max);
	}
	for (i = 0; i < nclients; i++) {
		cl[i].ep = kipc_open(0);
		if (cl[i].ep < 0)
			return die("open", cl[i].ep);
		post_call(&ring, &cl[i], i, mbox, tag ? tag : "client");
	}
	left = (long)nclients * count;
	while (left > 0) {
		struct io_uring_cqe *cqe;
		struct client *c;
		int n;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR)
			return die("io_uring_submit_and_wait", ret);
		if (io_uring_peek_cqe(&ring, &cqe))
			continue;
		i = (unsigned int)io_uring_cqe_get_data64(cqe);
		c = &cl[i];
		n = kipc_uring_call_result(cqe, &c->call, &hdr);
		io_uring_cqe_seen(&ring, cqe);
		calls++;
		left--;
		if (n != (int)c->call.len || memcmp(c->req, c->reply, n)) {
			errors++;
			if (n < 0)
				fprintf(stderr, "kipc-uring-echo: call: %s\n",
					kipc_strerror(n));
		} else if (show) {
			printf("%s-%u: got \"%.*s\" back\n", tag ? tag : "client",
			       i, n, c->reply);
		}
		if (++c->sent < count)
			post_call(&ring, c, i, mbox, tag ? tag : "client");
	}
	io_uring_queue_exit(&ring);
	printf("%s%scalls=%ld errors=%ld\n", tag ? tag : "", tag ? ": " : "",
	       calls, errors);
	for (i = 0; i < nclients; i++)
		close(cl[i].ep);
	free(cl);
	close(ep);
	return errors ? 1 : 0;
}

static const char usage_text[] =
"usage: kipc-uring-echo serve NAME [--slots N] [--count N]\n"
"       kipc-uring-echo client NAME [--clients C] [--count N] [--tag T] [--show]\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slots", required_argument, NULL, 's' },
		{ "clients", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "tag", required_argument, NULL, 't' },
		{ "show", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long count = -1, n = 16;
	const char *cmd, *tag = NULL;
	int opt, show = 0;

	while ((opt = getopt_long(argc, argv, "s:c:n:t:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
		case 'c':
			n = strtol(optarg, NULL, 0);
			break;
		case 'n':
			count = strtol(optarg, NULL, 0);
			break;
		case 't':
			/* Leaves room in a 64-byte request for "-i call n". */
			if (strlen(optarg) > 32) {
				fputs(usage_text, stderr);
				return 2;
			}
			tag = optarg;
			break;
		case 'v':
			show = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (argc - optind != 2 || n < 1 || n > 1024) {
		fputs(usage_text, stderr);
		return 2;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "serve"))
		return serve(argv[optind + 1], (unsigned int)n, count);
	if (!strcmp(cmd, "client"))
		return client(argv[optind + 1], (unsigned int)n,
			      count < 0 ? 100 : count, tag, show);
	fputs(usage_text, stderr);
	return 2;
}
