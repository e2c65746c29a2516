/* SPDX-License-Identifier: MIT */
/*
 * Sequence-numbered, checksummed test messages, shared by the tests, the
 * benchmark and kipcctl's ring produce/consume: a receiver can tell a lost,
 * duplicated, reordered or corrupted message from a good one.
 */
#ifndef KIPC_SEQMSG_H
#define KIPC_SEQMSG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/**
 * struct seqmsg - the first bytes of every test message
 * @seq:	per-source sequence number, from 0
 * @src:	which source (producer) sent it
 * @len:	the whole message's length, header included
 * @sum:	FNV-1a of the bytes after this header
 * @magic:	SEQMSG_MAGIC
 */
struct seqmsg {
	uint64_t seq;
	uint32_t src;
	uint32_t len;
	uint32_t sum;
	uint32_t magic;
};

#define SEQMSG_MAGIC	0x5e9e5e9eU
#define SEQMSG_MIN	sizeof(struct seqmsg)

static inline uint32_t seqmsg_fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261U;

	while (n--)
		h = (h ^ *p++) * 16777619U;
	return h;
}

/* A length that varies with the sequence, in [SEQMSG_MIN, max]. */
static inline uint32_t seqmsg_len_for(uint64_t seq, uint32_t max)
{
	uint32_t span = max - (uint32_t)SEQMSG_MIN + 1;

	return (uint32_t)SEQMSG_MIN + (uint32_t)((seq * 2654435761U) % span);
}

/* Fill @buf (@len >= SEQMSG_MIN bytes) as message @seq of source @src. */
static inline void seqmsg_fill(void *buf, uint32_t len, uint32_t src, uint64_t seq)
{
	unsigned char *p = buf;
	struct seqmsg m = { .seq = seq, .src = src, .len = len, .magic = SEQMSG_MAGIC };
	uint32_t i;

	for (i = sizeof(m); i < len; i++)
		p[i] = (unsigned char)(seq * 31 + i * 7 + src);
	m.sum = seqmsg_fnv1a(p + sizeof(m), len - sizeof(m));
	memcpy(p, &m, sizeof(m));
}

/* 0 if @buf is an intact message; fills @m with its header either way. */
static inline int seqmsg_check(const void *buf, uint32_t len, struct seqmsg *m)
{
	const unsigned char *p = buf;

	if (len < SEQMSG_MIN)
		return -1;
	memcpy(m, p, sizeof(*m));
	if (m->magic != SEQMSG_MAGIC || m->len != len)
		return -1;
	return seqmsg_fnv1a(p + sizeof(*m), len - sizeof(*m)) == m->sum ? 0 : -1;
}

#endif
