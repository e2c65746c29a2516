/* SPDX-License-Identifier: MIT */
/* Queue limits shared by the kipc message transports. */
#ifndef KIPC_BENCH_KIPC_COMMON_H
#define KIPC_BENCH_KIPC_COMMON_H

#include <stddef.h>

#define KQ_MSGS		64

/*
 * Room for a burst of messages of @size bytes, within the module's
 * default queue_bytes_max (16 MiB), so a stream runs without tuning.
 */
static inline unsigned int kq_bytes(size_t size)
{
	size_t b = size * 16;

	if (b < (256U << 10))
		b = 256U << 10;
	if (b > (16U << 20))
		b = 16U << 20;
	return (unsigned int)b;
}

static inline unsigned int kq_msg_max(size_t size)
{
	return size < 8192 ? 8192 : (unsigned int)size;
}

#endif
