/* SPDX-License-Identifier: MIT */
/* kipc-bridge: the running daemon's parts, which use NATS and kipc. */
#ifndef KIPC_BRIDGE_RUN_H
#define KIPC_BRIDGE_RUN_H

#include <nats/nats.h>

#include "bridge.h"
#include "kipc_bridge_envelope.h"

/* How long a blocking kipc or NATS wait lasts before the stop flag is checked. */
#define KBR_POLL_MS		250

struct kbr_ctx {
	struct kbr_config *cfg;
	natsConnection *nc;	/* buffered: core messages, subscriptions */
	natsConnection *rc;	/* SendAsap: requests, replies, JetStream */
	jsCtx *js;		/* on nc: streams, consumers, fetches, acks */
	jsCtx *jsp;		/* on rc: publishes (import routes) */
};
extern struct kbr_ctx kbr;

/* conn.c: connect with the configured servers, credentials and TLS. */
int kbr_connect(struct kbr_config *cfg, char *err, size_t errlen);
/* "connected nats://...", "reconnecting", ... for status. */
void kbr_conn_state(char *buf, size_t len);
/* A relative timespec of @ms milliseconds. */
struct timespec kbr_ms(unsigned int ms);

/*
 * wire.c: the Kipc-* headers (kipc-bridge(1), HEADERS). The identity is
 * one header, "Kipc-Id: PRIORITY SEQ HOST SENDER-ID UID GID PID": the NATS
 * client keeps headers as allocated strings in a hash and parses them all
 * on the first lookup, so each header costs on every message.
 */
#define KBR_H_ID		"Kipc-Id"
#define KBR_H_TIMEOUT		"Kipc-Timeout-Ms"
#define KBR_H_REPLY_MAX		"Kipc-Reply-Max"
#define KBR_H_STATUS		"Kipc-Status"
/* The identity of the local sender of @hdr, as this host claims it. */
void kbr_identity(struct kipc_bridge_identity *id, const struct kipc_msg_hdr *hdr,
		  uint64_t seq);
natsStatus kbr_headers_put(natsMsg *m, const struct kipc_bridge_identity *id);
/* A missing or malformed identity reads as 0 ("" for the host). */
void kbr_headers_get(natsMsg *m, struct kipc_bridge_identity *id);
/* The priority of Kipc-Id alone, clamped to the kernel's range. */
unsigned int kbr_header_priority(natsMsg *m);
unsigned long long kbr_header_ull(natsMsg *m, const char *key,
				  unsigned long long def, unsigned long long max);
/*
 * The payload to deliver for @m: its data, with the identity envelope in
 * front when the route asks for it. *@freep is what to free() afterwards.
 */
int kbr_payload(const struct kbr_route *r, natsMsg *m, const void **buf,
		size_t *len, void **freep);

/* ledger.c: the route's record mailbox, see there. */
struct kbr_ledger {
	int fd;
	uint64_t id;
	uint64_t epoch;		/* import: names this ledger's message ids */
	uint64_t seq;		/* export: last stream sequence delivered */
	unsigned int depth;	/* records queued */
	uint64_t intent;	/* export: the seq of the queued intent, 0 none */
};
struct kbr_record {
	uint64_t epoch;
	uint64_t seq;
};
int kbr_ledger_open(int ep, const struct kbr_route *r, struct kbr_ledger *l,
		    bool *fresh);
/* Export: a fresh ledger starts at @seq delivered. */
int kbr_ledger_export_init(struct kbr_ledger *l, uint64_t seq);
int kbr_ledger_export_reset(struct kbr_ledger *l, uint64_t seq);
/* Export: deliver stream message @seq into mailbox @dest, waiting up to @ms. */
int kbr_ledger_export_deliver(struct kbr_ledger *l, uint64_t dest,
			      const void *buf, size_t len, unsigned int prio,
			      uint64_t seq, unsigned int ms);
/* Export: record @seq as done without delivering it (it never can be). */
int kbr_ledger_export_skip(struct kbr_ledger *l, uint64_t seq);
void kbr_ledger_close(struct kbr_ledger *l);

/* pull.c: an export route's pull consumer, see there. */
struct kbr_pull {
	natsSubscription *sub;		/* on the inbox the answers come to */
	natsInbox *inbox;
	char next[2 * KBR_HOST_MAX + 64];	/* the consumer's next-message subject */
	unsigned int batch;		/* messages asked for per request */
	unsigned int open;		/* of the open request, still to come */
	int64_t end;			/* nats_Now() when it is given up */
};
int kbr_pull_open(struct kbr_pull *p, const char *stream, const char *durable,
		  unsigned int batch);
void kbr_pull_close(struct kbr_pull *p);
/*
 * The next stream message, asking for more when needed: NATS_OK with *@m;
 * NATS_TIMEOUT when none came in KBR_POLL_MS; another status with @why.
 */
natsStatus kbr_pull_next(struct kbr_pull *p, natsMsg **m, char *why,
			 size_t whylen);
/* Acknowledge a stream message received through kbr_pull_next(). */
void kbr_pull_ack(natsMsg *m);

/* export.c, import.c: one thread per route. */
void *kbr_export_run(void *route);
void *kbr_import_run(void *route);
/* call.c */
void *kbr_call_server(void *route);	/* export side: serve remote calls */
/* Import side: the route's call threads. */
int kbr_call_pool_start(struct kbr_route *r);
void kbr_call_pool_stop(struct kbr_route *r);
/*
 * Import side: forward the request just received on @fd (a mailbox fd,
 * whose endpoint the request is bound to) through a call thread, which
 * then owns @fd and @buf. 0, or -errno with nothing taken over.
 */
int kbr_call_forward(struct kbr_route *r, int fd, const struct kipc_msg_hdr *hdr,
		     void *buf, size_t len);

/* status.c */
int kbr_status_start(struct kbr_config *cfg, char *err, size_t errlen);
void kbr_status_stop(struct kbr_config *cfg);
int kbr_status_query(const char *path);

#endif
