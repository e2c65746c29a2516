/* SPDX-License-Identifier: MIT */
/*
 * The identity envelope of kipc-bridge (kipc-bridge.conf(5), "envelope").
 *
 * A mailbox that receives from the bridge sees the bridge as the sender:
 * the kernel stamps the bridge's endpoint, uid and pid. With "envelope =
 * yes" on an export route the bridge puts this envelope in front of each
 * payload it delivers (messages and call requests), so the receiver can
 * learn who sent it on the remote host. The fields are the remote bridge's
 * claims, trusted exactly as far as the NATS account it authenticated
 * with is trusted; they are not checked by any kernel.
 *
 * Layout, all integers little-endian:
 *	0	"KBE1"
 *	4	u16 size	envelope bytes; the payload starts here
 *	6	u8  priority	as sent on the remote host
 *	7	u8  host_len
 *	8	u64 sender_id	remote endpoint id
 *	16	u64 seq		route sequence (JetStream: the message id's)
 *	24	u32 uid		remote sender's euid
 *	28	u32 gid		remote sender's egid
 *	32	s32 pid		remote sender's pid (0: not visible)
 *	36	u32 reserved	0
 *	40	host		host_len bytes, not NUL-terminated
 *
 * Header-only so that a receiving program needs nothing but this file.
 */
#ifndef KIPC_BRIDGE_ENVELOPE_H
#define KIPC_BRIDGE_ENVELOPE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define KIPC_BRIDGE_ENVELOPE_MAGIC	"KBE1"
#define KIPC_BRIDGE_ENVELOPE_FIXED	40
#define KIPC_BRIDGE_HOST_MAX		64	/* host[] incl. its NUL */

struct kipc_bridge_identity {
	char host[KIPC_BRIDGE_HOST_MAX];	/* NUL-terminated */
	uint64_t sender_id;
	uint64_t seq;
	uint32_t uid;
	uint32_t gid;
	int32_t pid;
	unsigned int priority;
};

static inline void kbe_put(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t kbe_get(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Bytes the envelope of @id takes. */
static inline size_t kipc_bridge_envelope_size(const struct kipc_bridge_identity *id)
{
	return KIPC_BRIDGE_ENVELOPE_FIXED + strnlen(id->host, KIPC_BRIDGE_HOST_MAX - 1);
}

/* Write the envelope of @id at @buf: its size, or 0 if @len is too small. */
static inline size_t kipc_bridge_envelope_put(void *buf, size_t len,
					      const struct kipc_bridge_identity *id)
{
	size_t hl = strnlen(id->host, KIPC_BRIDGE_HOST_MAX - 1);
	size_t size = KIPC_BRIDGE_ENVELOPE_FIXED + hl;
	unsigned char *p = buf;

	if (len < size)
		return 0;
	memcpy(p, KIPC_BRIDGE_ENVELOPE_MAGIC, 4);
	kbe_put(p + 4, size, 2);
	p[6] = (unsigned char)id->priority;
	p[7] = (unsigned char)hl;
	kbe_put(p + 8, id->sender_id, 8);
	kbe_put(p + 16, id->seq, 8);
	kbe_put(p + 24, id->uid, 4);
	kbe_put(p + 28, id->gid, 4);
	kbe_put(p + 32, (uint32_t)id->pid, 4);
	kbe_put(p + 36, 0, 4);
	memcpy(p + KIPC_BRIDGE_ENVELOPE_FIXED, id->host, hl);
	return size;
}

/*
 * Read the envelope at the start of a received payload into @id. Returns
 * the envelope's size (the payload follows it), or -EBADMSG when @buf does
 * not start with a well-formed envelope.
 */
static inline int kipc_bridge_envelope_parse(const void *buf, size_t len,
					     struct kipc_bridge_identity *id)
{
	const unsigned char *p = buf;
	size_t size, hl;

	if (len < KIPC_BRIDGE_ENVELOPE_FIXED ||
	    memcmp(p, KIPC_BRIDGE_ENVELOPE_MAGIC, 4))
		return -EBADMSG;
	size = (size_t)kbe_get(p + 4, 2);
	hl = p[7];
	if (hl >= KIPC_BRIDGE_HOST_MAX || size != KIPC_BRIDGE_ENVELOPE_FIXED + hl ||
	    size > len || kbe_get(p + 36, 4) != 0)
		return -EBADMSG;
	id->priority = p[6];
	id->sender_id = kbe_get(p + 8, 8);
	id->seq = kbe_get(p + 16, 8);
	id->uid = (uint32_t)kbe_get(p + 24, 4);
	id->gid = (uint32_t)kbe_get(p + 28, 4);
	id->pid = (int32_t)(uint32_t)kbe_get(p + 32, 4);
	memcpy(id->host, p + KIPC_BRIDGE_ENVELOPE_FIXED, hl);
	id->host[hl] = '\0';
	return (int)size;
}

#endif
