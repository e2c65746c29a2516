// SPDX-License-Identifier: MIT
/*
 * The smallest kipc program: a mailbox, one message in, the same message
 * out. The packaging test builds it against the installed libkipc-dev
 * with nothing but pkg-config:
 *
 *	cc -o example example.c $(pkg-config --cflags --libs libkipc)
 *
 * Exit status: 0 when the message came back intact, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libkipc.h>

int main(void)
{
	static const char msg[] = "hello through kipc";
	struct kipc_msg_hdr hdr;
	struct kipc_version ver;
	char buf[64];
	uint64_t id;
	int ep, mb, n;

	ep = kipc_open(0);
	if (ep < 0) {
		fprintf(stderr, "example: kipc_open: %s\n", kipc_strerror(ep));
		return 1;
	}
	n = kipc_version(ep, &ver);
	if (n < 0) {
		fprintf(stderr, "example: kipc_version: %s\n", kipc_strerror(n));
		return 1;
	}
	/* Anonymous, and gone when this endpoint closes. */
	mb = kipc_mbox_create(ep, NULL, &(struct kipc_mbox_attr){
		.flags = KIPC_MBOX_OWNED, .max_msgs = 4, .mode = 0600 }, &id);
	if (mb < 0) {
		fprintf(stderr, "example: kipc_mbox_create: %s\n", kipc_strerror(mb));
		return 1;
	}
	n = kipc_send(mb, 0, msg, sizeof(msg), 0, 0, NULL);
	if (n == 0)
		n = kipc_recv(mb, buf, sizeof(buf), &hdr, 0, NULL);
	if (n < 0) {
		fprintf(stderr, "example: %s\n", kipc_strerror(n));
		return 1;
	}
	if (n != (int)sizeof(msg) || memcmp(buf, msg, sizeof(msg))) {
		fprintf(stderr, "example: got back %d bytes, not what was sent\n", n);
		return 1;
	}
	printf("example: abi %u, mailbox %llu: sent and received \"%s\"\n",
	       ver.abi, (unsigned long long)id, buf);
	close(mb);
	close(ep);
	return 0;
}
