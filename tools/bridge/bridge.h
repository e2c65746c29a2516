/* SPDX-License-Identifier: MIT */
/*
 * kipc-bridge: carries kipc mailboxes and calls between hosts over NATS.
 * What the source files share. docs/bridge.md has the design.
 */
#ifndef KIPC_BRIDGE_H
#define KIPC_BRIDGE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libkipc.h>

#define KBR_HOST_MAX		64	/* host names, route names */
#define KBR_SUBJECT_MAX		200	/* NATS subjects; ".call" is appended */
#define KBR_SERVERS_MAX		8
#define KBR_ROUTES_MAX		64
#define KBR_PATH_MAX		256
/* Largest reply a remote call may carry back, whatever the caller allows. */
#define KBR_REPLY_MAX		(1U << 20)

enum kbr_dir { KBR_EXPORT, KBR_IMPORT };
enum kbr_mode { KBR_CORE, KBR_JETSTREAM };

/*
 * What `kipc-bridge status` prints per route. Written by the route's own
 * threads, read by the status thread: relaxed atomics are enough, the
 * figures are independent counters.
 */
struct kbr_counters {
	atomic_ullong forwarded;	/* import: published (JetStream: acknowledged) */
	atomic_ullong delivered;	/* export: sent into the local mailbox */
	atomic_ullong retried;		/* attempts repeated after a failure */
	atomic_ullong dropped;		/* core only: lost, and counted */
	atomic_ullong duplicates;	/* JetStream redeliveries skipped */
	atomic_ullong calls;		/* calls answered */
	atomic_ullong call_errors;	/* calls failed (caller saw ECONNRESET) */
};

struct kbr_route {
	/* From the configuration. */
	char name[KBR_HOST_MAX];
	enum kbr_dir dir;
	enum kbr_mode mode;
	char mailbox[KIPC_NAME_MAX];
	char subject[KBR_SUBJECT_MAX];	/* default kipc.<host>.<mailbox> */
	char remote_mailbox[KIPC_NAME_MAX];	/* import: with remote = HOST */
	char stream[KBR_HOST_MAX];	/* JetStream stream (export creates it) */
	unsigned int fetch;		/* JetStream pull batch */
	unsigned int max_ack_pending;
	unsigned int call_workers;	/* concurrent calls */
	unsigned int call_timeout_ms;	/* import: NATS request timeout */
	unsigned int core_wait_ms;	/* core export: wait for room, then drop */
	bool envelope;			/* export: prefix the identity envelope */
	bool calls;			/* export: serve calls */
	bool create;			/* import: create the mailbox if missing */
	unsigned int capacity;		/* import: of a created mailbox */
	unsigned int perm;		/* import: mode of a created mailbox */
	long long stream_max_msgs;	/* export: -1 = unlimited */
	long long stream_max_bytes;
	bool stream_memory;		/* export: memory instead of file storage */
	int line;			/* where it was defined, for messages */

	/* Run time. */
	struct kbr_counters n;
	pthread_mutex_t state_lock;
	char state[160];		/* "ok", "waiting: ...", "error: ..." */
	atomic_int busy_calls;		/* import: calls in flight */
	atomic_int recycle;		/* import: a call failed, see import.c */
	uint64_t mbox_id;		/* import: the local mailbox */
	struct kbr_call_pool *pool;	/* import: call threads (call.c) */
};

struct kbr_config {
	char host[KBR_HOST_MAX];
	char *servers[KBR_SERVERS_MAX];
	int nservers;
	char user[KBR_HOST_MAX];
	char *password;			/* from password or password_file */
	char nkey[128];			/* public nkey for nkey_seed */
	char nkey_seed[KBR_PATH_MAX];	/* seed file */
	char creds[KBR_PATH_MAX];	/* JWT credentials file */
	char tls_ca[KBR_PATH_MAX];
	char tls_cert[KBR_PATH_MAX];
	char tls_key[KBR_PATH_MAX];
	bool tls;
	char status_socket[KBR_PATH_MAX];
	unsigned int connect_timeout_ms;
	struct kbr_route *routes[KBR_ROUTES_MAX];
	int nroutes;
};

/* config.c */
void kbr_config_init(struct kbr_config *cfg);
/* Parse @text (from @file, for messages); 0, or -1 with @err filled. */
int kbr_config_parse(struct kbr_config *cfg, const char *text,
		     const char *file, char *err, size_t errlen);
int kbr_config_load(struct kbr_config *cfg, const char *path,
		    char *err, size_t errlen);
/* Defaults that depend on other keys (subjects, streams); after flags. */
int kbr_config_finish(struct kbr_config *cfg, char *err, size_t errlen);
void kbr_config_print(const struct kbr_config *cfg, FILE *f);
void kbr_config_free(struct kbr_config *cfg);
/* [A-Za-z0-9_-], as NATS tokens and stream names allow: the subject
 * token, stream and consumer names are made from host and route names.
 */
bool kbr_name_ok(const char *s);

/* log.c */
extern int kbr_verbose;
void kbr_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kbr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kbr_set_state(struct kbr_route *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kbr_get_state(struct kbr_route *r, char *buf, size_t len);
/* Stop flag set by SIGINT/SIGTERM; every loop polls it. */
extern atomic_bool kbr_stopping;
/* Sleep @ms, returning early once stopping; false if stopping. */
bool kbr_nap(unsigned int ms);

#endif
