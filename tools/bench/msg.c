/* SPDX-License-Identifier: MIT */
/*
 * Message integrity: the sequence number at the start of every message and
 * its complement at the end, so a lost, duplicated, reordered or truncated
 * message is caught without the check costing as much as the copy being
 * measured.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

void msg_stamp(void *buf, uint64_t seq, size_t len)
{
	uint64_t tail = ~seq;

	memcpy(buf, &seq, sizeof(seq));
	if (len >= 2 * sizeof(seq))
		memcpy((char *)buf + len - sizeof(tail), &tail, sizeof(tail));
}

int msg_check(const void *buf, size_t got, uint64_t seq, size_t len)
{
	uint64_t head, tail;

	if (got != len)
		return -EMSGSIZE;
	memcpy(&head, buf, sizeof(head));
	if (head != seq)
		return -EBADMSG;
	if (len >= 2 * sizeof(seq)) {
		memcpy(&tail, (const char *)buf + len - sizeof(tail), sizeof(tail));
		if (tail != ~seq)
			return -EBADMSG;
	}
	return 0;
}

/*
 * A message buffer with BENCH_HEADROOM writable bytes in front, touched
 * once so page faults stay out of the measurement.
 */
void *msg_alloc(size_t size)
{
	size_t total = size + BENCH_HEADROOM;
	char *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0xa5, total);
	return p + BENCH_HEADROOM;
}

void msg_free(void *buf, size_t size)
{
	if (buf)
		munmap((char *)buf - BENCH_HEADROOM, size + BENCH_HEADROOM);
}
