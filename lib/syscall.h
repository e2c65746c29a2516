/* SPDX-License-Identifier: MIT */
/*
 * Internal: the one place libkipc turns the kernel's -1/errno convention
 * into the -errno values every public function returns.
 */
#ifndef KIPC_LIB_SYSCALL_H
#define KIPC_LIB_SYSCALL_H

#include <errno.h>
#include <sys/ioctl.h>

static inline int __kipc_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

#endif
