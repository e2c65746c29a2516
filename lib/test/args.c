/* SPDX-License-Identifier: MIT */
/*
 * Argument checks that libkipc makes before (or instead of) asking the
 * kernel, and the -errno convention: no function returns -1 with errno.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kipc.h"
#include "helpers.h"

int main(void)
{
	struct kipc_version v;
	int fd;

	CHECK_EQ(-EINVAL, kipc_open(~0u));
	CHECK_EQ(-EINVAL, kipc_open(KIPC_OPEN_NONBLOCK << 1));
	CHECK_EQ(-EINVAL, kipc_version(0, NULL));

	CHECK_EQ(-EBADF, kipc_version(-1, &v));

	/* Not a kipc fd: the kernel rejects the ioctl, we pass that on. */
	fd = dup(1);
	CHECK(fd >= 0);
	CHECK(kipc_version(fd, &v) < 0);
	CHECK(kipc_version(fd, &v) != -1);
	close(fd);

	/* On a host without the module the open fails with -ENOENT. */
	fd = kipc_open(0);
	if (fd >= 0)
		close(fd);
	else
		CHECK_EQ(-ENOENT, fd);
	return T_EXIT_PASS;
}
