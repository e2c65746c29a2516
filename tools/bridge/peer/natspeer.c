// SPDX-License-Identifier: MIT
/*
 * Plain NATS clients doing what the kipc peers do, on the same server with
 * the same messages: the baseline the bridge is measured against
 * (tools/bridge/test/bench.sh).
 *
 *   nats-echo SUBJ [--count N]	answer requests with "echo:" + request
 *   nats-call SUBJ --count N	sequential requests; prints rtt_us
 *   nats-pub SUBJ --count N [--size B]	sequence-numbered messages
 *   nats-sub SUBJ --count N [--idle MS]	receive, check; prints rate
 *
 * and the meeting points of tests whose halves run on two machines
 * (tools/bridge/test/two-vms):
 *
 *   nats-mark NAME [--text T]	record that NAME happened (with T)
 *   nats-await NAME [--timeout MS]	wait until NAME happened; print its T
 *
 * Marks are kept in a JetStream stream, so a mark made before anyone
 * waits for it is not missed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nats/nats.h>

#include "../../include/seqmsg.h"
#include "peer.h"

static natsConnection *connect_env(void)
{
	const char *url = getenv("NATS_URL"), *user = getenv("NATS_USER");
	natsConnection *nc = NULL;
	natsOptions *o = NULL;
	natsStatus s;

	s = natsOptions_Create(&o);
	if (s == NATS_OK)
		s = natsOptions_SetURL(o, url ? url : "nats://127.0.0.1:4222");
	if (s == NATS_OK && user)
		s = natsOptions_SetUserInfo(o, user, getenv("NATS_PASSWORD"));
	if (s == NATS_OK)
		s = natsConnection_Connect(&nc, o);
	natsOptions_Destroy(o);
	if (s != NATS_OK) {
		fprintf(stderr, "kipc-bridge-peer: nats: %s\n", natsStatus_GetText(s));
		return NULL;
	}
	return nc;
}

static int echo(natsConnection *nc, const struct opts *o)
{
	natsSubscription *sub = NULL;
	unsigned long long served = 0;
	char *rep = malloc((1 << 20) + 8);
	natsMsg *m;
	int n;

	if (!rep || natsConnection_SubscribeSync(&sub, nc, o->mbox) != NATS_OK)
		return 1;
	/* Subscribed before anyone asks: the caller waits for this line. */
	natsConnection_Flush(nc);
	printf("ready\n");
	fflush(stdout);
	while (!o->count || served < o->count) {
		if (natsSubscription_NextMsg(&m, sub, 60000) != NATS_OK)
			break;
		n = natsMsg_GetDataLength(m);
		memcpy(rep, "echo:", 5);
		memcpy(rep + 5, natsMsg_GetData(m), n);
		natsConnection_Publish(nc, natsMsg_GetReply(m), rep, n + 5);
		natsMsg_Destroy(m);
		served++;
	}
	natsSubscription_Destroy(sub);
	free(rep);
	printf("served %llu\n", served);
	return 0;
}

static int call(natsConnection *nc, const struct opts *o)
{
	char req[64], want[80];
	unsigned long long i;
	natsMsg *reply;
	uint64_t t0 = now_ns();
	int n;

	for (i = 0; i < o->count; i++) {
		n = snprintf(req, sizeof(req), "call %llu from %d", i, getpid());
		if (natsConnection_Request(&reply, nc, o->mbox, req, n,
					   o->timeout_ms) != NATS_OK) {
			fprintf(stderr, "kipc-bridge-peer: nats-call %llu failed\n", i);
			return 1;
		}
		snprintf(want, sizeof(want), "echo:%s", req);
		if (natsMsg_GetDataLength(reply) != (int)strlen(want) ||
		    memcmp(natsMsg_GetData(reply), want, strlen(want))) {
			fprintf(stderr, "kipc-bridge-peer: nats-call %llu: wrong reply\n", i);
			return 1;
		}
		natsMsg_Destroy(reply);
	}
	printf("calls ok=%llu rtt_us=%.1f\n", o->count,
	       (now_ns() - t0) / 1e3 / (o->count ? o->count : 1));
	return 0;
}

static int pub(natsConnection *nc, const struct opts *o)
{
	char *buf = malloc(o->size);
	unsigned long long seq;
	uint32_t len;

	if (!buf)
		return 1;
	for (seq = o->first; seq < o->count; seq++) {
		len = seqmsg_len_for(seq, o->size);
		seqmsg_fill(buf, len, o->src, seq);
		if (natsConnection_Publish(nc, o->mbox, buf, len) != NATS_OK)
			return 1;
	}
	natsConnection_FlushTimeout(nc, 10000);
	free(buf);
	printf("produced %llu\n", o->count - o->first);
	return 0;
}

static int sub(natsConnection *nc, const struct opts *o)
{
	unsigned long long got = 0, bad = 0;
	natsSubscription *s = NULL;
	uint64_t t_first = 0, t_last = 0;
	struct seqmsg m;
	natsMsg *msg;

	if (natsConnection_SubscribeSync(&s, nc, o->mbox) != NATS_OK)
		return 1;
	natsSubscription_SetPendingLimits(s, 1 << 20, 1 << 30);
	natsConnection_Flush(nc);
	printf("ready\n");
	fflush(stdout);
	while (got < o->count &&
	       natsSubscription_NextMsg(&msg, s, o->idle_ms) == NATS_OK) {
		if (seqmsg_check(natsMsg_GetData(msg), natsMsg_GetDataLength(msg), &m))
			bad++;
		got++;
		t_last = now_ns();
		if (got == 1)
			t_first = t_last;
		natsMsg_Destroy(msg);
	}
	printf("consumed received=%llu corrupt=%llu missing=%llu", got, bad,
	       o->count - got);
	if (got > 1 && t_last > t_first)
		printf(" rate=%.0f", (got - 1) * 1e9 / (double)(t_last - t_first));
	printf("\n");
	natsSubscription_Destroy(s);
	return got == o->count && !bad ? 0 : 1;
}

#define MARKS "KIPC_TEST_MARKS"

static int mark(natsConnection *nc, const struct opts *o)
{
	char subj[256];
	jsStreamConfig sc;
	jsErrCode jerr = 0;
	jsCtx *js = NULL;
	natsStatus s;

	snprintf(subj, sizeof(subj), "kipc-test.mark.%s", o->mbox);
	s = natsConnection_JetStream(&js, nc, NULL);
	if (s == NATS_OK) {
		const char *subjects[] = { "kipc-test.mark.>" };

		/* Both halves may be first: an identical stream is no error. */
		jsStreamConfig_Init(&sc);
		sc.Name = MARKS;
		sc.Subjects = subjects;
		sc.SubjectsLen = 1;
		sc.Storage = js_MemoryStorage;
		s = js_AddStream(NULL, js, &sc, NULL, &jerr);
		if (s != NATS_OK && jerr == JSStreamNameExistErr)
			s = NATS_OK;
	}
	if (s == NATS_OK)
		s = js_Publish(NULL, js, subj, o->text ? o->text : "",
			       o->text ? strlen(o->text) : 0, NULL, &jerr);
	jsCtx_Destroy(js);
	if (s != NATS_OK) {
		fprintf(stderr, "kipc-bridge-peer: nats-mark %s: %s (%d)\n", o->mbox,
			natsStatus_GetText(s), jerr);
		return 1;
	}
	return 0;
}

static int await_mark(natsConnection *nc, const struct opts *o)
{
	uint64_t end = now_ns() + o->timeout_ms * 1000000ULL;
	char subj[256];
	jsCtx *js = NULL;
	natsMsg *m = NULL;
	natsStatus s;

	snprintf(subj, sizeof(subj), "kipc-test.mark.%s", o->mbox);
	if (natsConnection_JetStream(&js, nc, NULL) != NATS_OK)
		return 1;
	/* Bounded: a poll every 100 ms until the timeout. */
	for (;;) {
		s = js_GetLastMsg(&m, js, MARKS, subj, NULL, NULL);
		if (s == NATS_OK || now_ns() >= end)
			break;
		usleep(100000);
	}
	jsCtx_Destroy(js);
	if (s != NATS_OK) {
		fprintf(stderr, "kipc-bridge-peer: nats-await %s: not marked within %u ms\n",
			o->mbox, o->timeout_ms);
		return 1;
	}
	printf("%.*s\n", natsMsg_GetDataLength(m), natsMsg_GetData(m));
	natsMsg_Destroy(m);
	return 0;
}

int nats_peer(const char *cmd, const struct opts *o)
{
	natsConnection *nc = connect_env();
	int ret = 2;

	if (!nc)
		return 1;
	if (!strcmp(cmd, "nats-echo"))
		ret = echo(nc, o);
	else if (!strcmp(cmd, "nats-call"))
		ret = call(nc, o);
	else if (!strcmp(cmd, "nats-pub"))
		ret = pub(nc, o);
	else if (!strcmp(cmd, "nats-sub"))
		ret = sub(nc, o);
	else if (!strcmp(cmd, "nats-mark"))
		ret = mark(nc, o);
	else if (!strcmp(cmd, "nats-await"))
		ret = await_mark(nc, o);
	else
		fprintf(stderr, "kipc-bridge-peer: unknown command '%s'\n", cmd);
	natsConnection_Destroy(nc);
	return ret;
}
