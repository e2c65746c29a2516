// SPDX-License-Identifier: MIT
/*
 * What travels with a message over NATS: the sender's identity in Kipc-*
 * headers (the remote bridge's claims: kipc-bridge(1), SECURITY), and on
 * delivery, optionally, the same identity as an envelope in the payload.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
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
	char v[KIPC_BRIDGE_HOST_MAX + 96];

	/* The host is a subject token: no spaces (config.c). */
	snprintf(v, sizeof(v), "%u %" PRIu64 " %s %" PRIu64 " %" PRIu32 " %" PRIu32
		 " %" PRId32, id->priority, id->seq, id->host[0] ? id->host : "-",
		 id->sender_id, id->uid, id->gid, id->pid);
	return natsMsgHeader_Set(m, KBR_H_ID, v);
}

/* The next space-separated unsigned number of *s, or false. */
static bool next_ull(const char **s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (**s < '0' || **s > '9')
		return false;
	errno = 0;
	*v = strtoull(*s, &end, 10);
	if (errno || *v > max || (*end && *end != ' '))
		return false;
	*s = *end ? end + 1 : end;
	return true;
}

unsigned int kbr_header_priority(natsMsg *m)
{
	unsigned long long v;
	const char *s;

	if (natsMsgHeader_Get(m, KBR_H_ID, &s) != NATS_OK ||
	    !next_ull(&s, ULLONG_MAX, &v))
		return 0;
	/* A priority above the kernel's range is clamped, not refused. */
	return v > KIPC_PRIO_MAX ? KIPC_PRIO_MAX : (unsigned int)v;
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
	unsigned long long prio, seq, sid, uid, gid, pid;
	const char *s, *host;
	size_t n;

	memset(id, 0, sizeof(*id));
	if (natsMsgHeader_Get(m, KBR_H_ID, &s) != NATS_OK ||
	    !next_ull(&s, ULLONG_MAX, &prio) || !next_ull(&s, UINT64_MAX, &seq))
		return;
	host = s;
	s = strchr(s, ' ');
	if (!s)
		return;
	n = s++ - host;
	if (!next_ull(&s, UINT64_MAX, &sid) || !next_ull(&s, UINT32_MAX, &uid) ||
	    !next_ull(&s, UINT32_MAX, &gid) || !next_ull(&s, INT32_MAX, &pid) || *s)
		return;
	if (n < sizeof(id->host) && !(n == 1 && *host == '-')) {
		memcpy(id->host, host, n);
		id->host[n] = '\0';
	}
	id->priority = prio > KIPC_PRIO_MAX ? KIPC_PRIO_MAX : (unsigned int)prio;
	id->seq = seq;
	id->sender_id = sid;
	id->uid = uid;
	id->gid = gid;
	id->pid = (int32_t)pid;
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
