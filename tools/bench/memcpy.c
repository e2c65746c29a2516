/* SPDX-License-Identifier: MIT */
/*
 * memcpy bandwidth of one thread: the ceiling for any transport that
 * copies a message once. Source and destination are reused, so large
 * sizes measure copies between caches and memory the way a stream does.
 */
#include <errno.h>
#include <string.h>

#include "bench.h"

static int memcpy_solo(size_t size, uint64_t count, struct solo_result *res)
{
	void *src = msg_alloc(size), *dst = msg_alloc(size);
	uint64_t i, t0, t1;
	int ret = 0;

	if (!src || !dst) {
		ret = -ENOMEM;
		goto out;
	}
	t0 = now_ns();
	for (i = 0; i < count && !ret; i++) {
		msg_stamp(src, i, size);
		memcpy(dst, src, size);
		/* Keeps the copy from being optimised away, and checks it. */
		__asm__ __volatile__("" ::: "memory");
		ret = msg_check(dst, size, i, size);
	}
	t1 = now_ns();
	if (!ret)
		res->gbytes_per_s = (double)count * (double)size / (double)(t1 - t0);
out:
	msg_free(src, size);
	msg_free(dst, size);
	return ret;
}

const struct transport transport_memcpy = {
	.name = "memcpy",
	.flags = T_SOLO | T_NATIVE,
	.solo = memcpy_solo,
};
