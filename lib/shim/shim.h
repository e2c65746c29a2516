/* SPDX-License-Identifier: MIT */
/*
 * What libkipc-mq, libkipc-msg and libkipc-preload share: the endpoint
 * every queue is opened through, the decision to use kipc or the
 * system's own calls (made once per process), the table of this
 * process's queue descriptors and raw ioctls. Internal: nothing here is
 * exported.
 */
#ifndef KIPC_SHIM_H
#define KIPC_SHIM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <linux/kipc.h>

#define SHIM_HIDDEN __attribute__((visibility("hidden")))

/* Prefix of the kipc mailbox names of SysV queues with a key. */
#define SHIM_SYSV_PREFIX	"sysv.0x"
/* IPC_PRIVATE queues: SHIM_SYSV_PRIVATE "<pid>.<n>", unique in a namespace. */
#define SHIM_SYSV_PRIVATE	"sysv.private."

/*
 * True when the calls go to kipc, false when they go to the system's own
 * (only when /dev/kipc cannot be opened at the first call; said once on
 * stderr when KIPC_SHIM_VERBOSE is set). Never changes afterwards.
 */
SHIM_HIDDEN bool shim_kipc(void);
/* The system's own function @name (the next definition after ours). */
SHIM_HIDDEN void *shim_next(const char *name);

/* This process's endpoint fd (opened on first use), or -errno. */
SHIM_HIDDEN int shim_ep(void);

/* ioctl() returning 0 or -errno. */
SHIM_HIDDEN int shim_ioctl(int fd, unsigned long req, void *arg);
/* Describe the fd's own mailbox; 0 or -errno. */
SHIM_HIDDEN int shim_stat(int fd, struct kipc_info *info);
/* May the caller use an object of @info this way (ipcperms)? 0 / -EACCES */
SHIM_HIDDEN int shim_perm(const struct kipc_info *info, int want);
/* Read one number from a /proc file, or return @dflt. */
SHIM_HIDDEN long shim_proc_long(const char *path, long dflt);

/*
 * Turn a CLOCK_REALTIME deadline into a relative kipc timeout. Returns 0,
 * -EINVAL (bad tv_nsec or tv_sec < 0) or -ETIMEDOUT (already past).
 */
SHIM_HIDDEN int shim_rel_timeout(const struct timespec *abs,
				 struct kipc_timespec *rel);

#endif /* KIPC_SHIM_H */
