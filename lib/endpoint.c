/* SPDX-License-Identifier: MIT */
/* Endpoints: opening /dev/kipc and asking who we are. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kipc.h"
#include "syscall.h"

int kipc_open(unsigned int flags)
{
	int fd;

	if (flags & ~KIPC_OPEN_NONBLOCK)
		return -EINVAL;
	fd = open(KIPC_DEVICE, O_RDWR | O_CLOEXEC |
		  ((flags & KIPC_OPEN_NONBLOCK) ? O_NONBLOCK : 0));
	return fd < 0 ? -errno : fd;
}

int kipc_version(int fd, struct kipc_version *ver)
{
	if (!ver)
		return -EINVAL;
	memset(ver, 0, sizeof(*ver));
	return __kipc_ioctl(fd, KIPC_IOC_VERSION, ver);
}
