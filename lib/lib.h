/* SPDX-License-Identifier: MIT */
/*
 * Internal helpers shared by the libkipc sources: argument checks the
 * library makes before asking the kernel. All static inline, so nothing
 * here is exported from libkipc.a either.
 */
#ifndef KIPC_LIB_LIB_H
#define KIPC_LIB_LIB_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <linux/kipc_ring.h>

#include "libkipc.h"

/*
 * Flags the library derives from its arguments; never valid from callers.
 * Per ioctl, since the bits above 7 are per ioctl: KIPC_RECV_FROM is the
 * same bit as KIPC_SEND_MAILBOX.
 */
#define __KIPC_SEND_DERIVED	KIPC_TIMEOUT
#define __KIPC_RECV_DERIVED	(KIPC_TIMEOUT | KIPC_RECV_FROM | KIPC_RECV_TYPE)

/*
 * Copy a caller's name into a fixed KIPC_NAME_MAX buffer (already zeroed).
 * A NULL name is copied as "". Returns 0 or -ENAMETOOLONG.
 */
static inline int __kipc_copy_name(char dst[KIPC_NAME_MAX], const char *name)
{
	size_t len;

	if (!name)
		return 0;
	len = strnlen(name, KIPC_NAME_MAX);
	if (len >= KIPC_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, name, len);
	return 0;
}

/* A name that must be given and non-empty. */
static inline int __kipc_copy_required_name(char dst[KIPC_NAME_MAX],
					    const char *name)
{
	if (!name || !name[0])
		return -EINVAL;
	return __kipc_copy_name(dst, name);
}

/*
 * Turn (flags, timeout) into the kernel's blocking flags and timespec.
 * Rejects what the kernel would reject, so the caller learns it without a
 * round trip: @derived flags, KIPC_ABSTIME without a timeout, KIPC_NONBLOCK
 * with one, and a malformed timespec.
 */
static inline int __kipc_timeout(unsigned int *flags, unsigned int derived,
				 struct kipc_timespec *kts,
				 const struct timespec *timeout)
{
	if (*flags & derived)
		return -EINVAL;
	if (!timeout)
		return (*flags & KIPC_ABSTIME) ? -EINVAL : 0;
	if (*flags & KIPC_NONBLOCK)
		return -EINVAL;
	if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 ||
	    timeout->tv_nsec > 999999999L)
		return -EINVAL;
	kts->tv_sec = timeout->tv_sec;
	kts->tv_nsec = timeout->tv_nsec;
	*flags |= KIPC_TIMEOUT;
	return 0;
}

/*
 * A user buffer: its length must fit the ABI's __u32, and NULL is only
 * allowed for an empty one (the kernel would say -EFAULT too).
 */
static inline int __kipc_check_buf(const void *buf, size_t len)
{
	if (len > UINT32_MAX)
		return -EMSGSIZE;
	if (!buf && len)
		return -EFAULT;
	return 0;
}

static inline uint64_t __kipc_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

struct kipc_ring;
void __kipc_ring_producer_start(struct kipc_ring *r);

/*
 * Whether an attachment goes by each slot's seq: MPSC always; SPSC when
 * both the ring and the caller's inlined code are version 2.
 */
static inline uint32_t __kipc_ring_slot_seq(uint32_t mode, uint32_t version,
					    uint32_t speaks)
{
	return mode == KIPC_RING_MPSC ||
	       (version >= KIPC_RING_VERSION_2 && speaks >= KIPC_RING_VERSION_2);
}

#endif
