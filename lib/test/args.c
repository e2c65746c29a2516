/* SPDX-License-Identifier: MIT */
/*
 * Argument checks that libkipc makes before (or instead of) asking the
 * kernel, and the -errno convention: no function returns -1 with errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "libkipc.h"
#include "helpers.h"

/* /dev/null fails every ioctl with ENOTTY: it must come back as -ENOTTY. */
#define CHECK_ENOTTY(expr) do {						\
	int __r = (expr);						\
	CHECK_EQ(-ENOTTY, __r);						\
} while (0)

int main(void)
{
	struct kipc_msg_hdr hdr;
	struct kipc_version v;
	struct kipc_usage usage;
	struct kipc_info info;
	char buf[8] = "";
	uint64_t id = 0;
	int fd;

	CHECK_EQ(-EINVAL, kipc_open(~0u));
	CHECK_EQ(-EINVAL, kipc_open(KIPC_OPEN_NONBLOCK << 1));
	CHECK_EQ(-EINVAL, kipc_version(0, NULL));

	CHECK_EQ(-EBADF, kipc_version(-1, &v));

	/*
	 * Not a kipc fd: the kernel rejects each ioctl and we pass that on as
	 * -errno (-ENOTTY here), never as -1 with errno.
	 */
	fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	CHECK_ENOTTY(kipc_version(fd, &v));
	CHECK_ENOTTY(kipc_ep_id(fd, &id));
	CHECK_ENOTTY(kipc_ep_set_name(fd, "n"));
	CHECK_ENOTTY(kipc_ep_set_limits(fd, 1, 0, 0));
	CHECK_ENOTTY(kipc_ep_lookup(fd, "n", &id));
	CHECK_ENOTTY(kipc_mbox_create(fd, "m", NULL, &id));
	CHECK_ENOTTY(kipc_mbox_open(fd, "m", &id));
	CHECK_ENOTTY(kipc_mbox_open_id(fd, 1));
	CHECK_ENOTTY(kipc_mbox_delete(fd, 1));
	CHECK_ENOTTY(kipc_mbox_delete_name(fd, "m"));
	CHECK_ENOTTY(kipc_mbox_set_mode(fd, 1, 0600));
	CHECK_ENOTTY(kipc_mbox_set_owner(fd, 1, 0, 0));
	CHECK_ENOTTY(kipc_send(fd, 1, buf, sizeof(buf), 0, 0, NULL));
	CHECK_ENOTTY(kipc_recv(fd, buf, sizeof(buf), &hdr, 0, NULL));
	CHECK_ENOTTY(kipc_recv_from(fd, 1, buf, sizeof(buf), &hdr, 0, NULL));
	CHECK_ENOTTY(kipc_call(fd, 1, buf, 1, 0, buf, sizeof(buf), &hdr, 0, NULL));
	CHECK_ENOTTY(kipc_reply(fd, 1, buf, 1));
	CHECK_ENOTTY(kipc_notify(fd, 0, 0));
	CHECK_ENOTTY(kipc_stat(fd, 0, &info));
	CHECK_ENOTTY(kipc_stat_name(fd, KIPC_TYPE_MAILBOX, "m", &info));
	CHECK_ENOTTY(kipc_list(fd, KIPC_LIST_MAILBOXES, &id, &info, 1));
	CHECK_ENOTTY(kipc_call_resume(fd, 1, buf, sizeof(buf), &hdr));
	CHECK_ENOTTY(kipc_usage(fd, &usage));
	close(fd);

	/* On a host without the module the open fails with -ENOENT. */
	fd = kipc_open(0);
	if (fd >= 0)
		close(fd);
	else
		CHECK_EQ(-ENOENT, fd);
	return T_EXIT_PASS;
}
