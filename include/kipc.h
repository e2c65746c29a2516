/* SPDX-License-Identifier: MIT */
/*
 * libkipc: a thin C API over the /dev/kipc ioctls.
 *
 * Every function returns a non-negative value on success and -errno on
 * failure (errno is not the way errors are reported).
 */
#ifndef LIBKIPC_H
#define LIBKIPC_H

#include <linux/kipc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Path of the kipc character device. */
#define KIPC_DEVICE		"/dev/kipc"

/* kipc_open() flags. */
#define KIPC_OPEN_NONBLOCK	(1U << 0)	/* O_NONBLOCK on the endpoint fd */

int kipc_open(unsigned int flags);
int kipc_version(int fd, struct kipc_version *ver);

#ifdef __cplusplus
}
#endif

#endif /* LIBKIPC_H */
