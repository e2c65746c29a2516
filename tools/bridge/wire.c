// SPDX-License-Identifier: MIT
/*
 * What travels with a message over NATS: the sender's identity in Kipc-*
 * headers (the remote bridge's claims: kipc-bridge(1), SECURITY), and on
 * delivery, optionally, the same identity as an envelope in the payload.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

void kbr_identity(struct kipc_bridge_identity *id, const struct kipc_msg_hdr *hdr,
		  uint64_t seq)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->host, sizeof(id->host), "%s", kbr.cfg->host);
	id->sender_id = hdr->sender_id;
	id->uid = hdr->sender_uid;
	id->gid = hdr->sender_gid;
	id->pid = hdr->sender_pid;
	id->priority = hdr->priority;
	id->seq = seq;
}

natsStatus kbr_headers_put(natsMsg *m, const struct kipc_bridge_identity *id)
{
	char v[24];
	natsStatus s;

	s = natsMsgHeader_Set(m, KBR_H_HOST, id->host);
#define PUT(key, fmt, val) \
	do { \
		if (s == NATS_OK) { \
			snprintf(v, sizeof(v), fmt, val); \
			s = natsMsgHeader_Set(m, key, v); \
		} \
	} while (0)
	PUT(KBR_H_SENDER_ID, "%" PRIu64, id->sender_id);
	PUT(KBR_H_SENDER_UID, "%" PRIu32, id->uid);
	PUT(KBR_H_SENDER_GID, "%" PRIu32, id->gid);
	PUT(KBR_H_SENDER_PID, "%" PRId32, id->pid);
	PUT(KBR_H_PRIORITY, "%u", id->priority);
	PUT(KBR_H_SEQ, "%" PRIu64, id->seq);
#undef PUT
	return s;
}

unsigned long long kbr_header_ull(natsMsg *m, const char *key,
				  unsigned long long def, unsigned long long max)
{
	unsigned long long v;
	const char *s;
	char *end;

	if (natsMsgHeader_Get(m, key, &s) != NATS_OK || !*s || *s == '-')
		return def;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return def;
	return v > max ? max : v;
}

void kbr_headers_get(natsMsg *m, struct kipc_bridge_identity *id)
{
	const char *s;
	long long pid;

	memset(id, 0, sizeof(*id));
	if (natsMsgHeader_Get(m, KBR_H_HOST, &s) == NATS_OK)
		snprintf(id->host, sizeof(id->host), "%s", s);
	id->sender_id = kbr_header_ull(m, KBR_H_SENDER_ID, 0, UINT64_MAX);
	id->uid = kbr_header_ull(m, KBR_H_SENDER_UID, 0, UINT32_MAX);
	id->gid = kbr_header_ull(m, KBR_H_SENDER_GID, 0, UINT32_MAX);
	/* A priority above the kernel's range is clamped, not refused. */
	id->priority = kbr_header_ull(m, KBR_H_PRIORITY, 0, KIPC_PRIO_MAX);
	id->seq = kbr_header_ull(m, KBR_H_SEQ, 0, UINT64_MAX);
	if (natsMsgHeader_Get(m, KBR_H_SENDER_PID, &s) == NATS_OK) {
		pid = strtoll(s, NULL, 10);
		id->pid = pid > 0 && pid <= INT32_MAX ? (int32_t)pid : 0;
	}
}

int kbr_payload(const struct kbr_route *r, natsMsg *m, const void **buf,
		size_t *len, void **freep)
{
	struct kipc_bridge_identity id;
	size_t n = natsMsg_GetDataLength(m), e;
	unsigned char *p;

	*freep = NULL;
	*buf = natsMsg_GetData(m);
	*len = n;
	if (!r->envelope)
		return 0;
	kbr_headers_get(m, &id);
	e = kipc_bridge_envelope_size(&id);
	p = malloc(e + n);
	if (!p)
		return -ENOMEM;
	kipc_bridge_envelope_put(p, e, &id);
	if (n)
		memcpy(p + e, *buf, n);
	*buf = p;
	*len = e + n;
	*freep = p;
	return 0;
}
