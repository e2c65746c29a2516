// SPDX-License-Identifier: MIT
/*
 * The JetStream pull consumer of an export route, driven by hand: pull
 * requests published on the consumer's next-message subject, answered
 * on a plain subscription of our own inbox, each message handed over as
 * it arrives.
 *
 * Why not natsSubscription_FetchRequest(): in libnats 3.4.1 (Debian 12)
 * _fetch() collects the messages already queued in the subscription,
 * then asks the server for the rest with req->Batch lowered by that
 * count, and keeps collecting while count != req->Batch, re-reading the
 * lowered value, into an array sized for the original batch. Messages
 * queue in the subscription when a pull request ends on the client's
 * deadline while the server is still sending (a slow machine catching up
 * on a backlog); when more than half a batch was queued, the count passes
 * the lowered batch, never meets it again, and every further message is
 * written past the array's end until the request times out: the heap
 * corruption of the restarted exporting bridge. Later releases keep the
 * original batch for the loop; the Debian package does not.
 *
 * Here nothing is collected into an array: a request asks for up to
 * `batch` messages for at most KBR_POLL_MS, and the next one goes when
 * it has brought them all, when the server ends it (a status: 408 expired,
 * 404, 409), or when it is well past its time. A message that comes late,
 * after its request was given up, is an ordinary delivery like any other:
 * the ledger skips what was already delivered.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"

/* A request is given up this long after it expired at the server. */
#define PULL_GRACE_MS	(2 * KBR_POLL_MS)

int kbr_pull_open(struct kbr_pull *p, const char *stream, const char *durable,
		  unsigned int batch)
{
	natsStatus s;

	memset(p, 0, sizeof(*p));
	p->batch = batch;
	if (snprintf(p->next, sizeof(p->next), "$JS.API.CONSUMER.MSG.NEXT.%s.%s",
		     stream, durable) >= (int)sizeof(p->next))
		return -1;
	s = natsInbox_Create(&p->inbox);
	if (s == NATS_OK)
		s = natsConnection_SubscribeSync(&p->sub, kbr.nc, p->inbox);
	if (s != NATS_OK) {
		kbr_pull_close(p);
		return -1;
	}
	return 0;
}

void kbr_pull_close(struct kbr_pull *p)
{
	natsSubscription_Destroy(p->sub);
	natsInbox_Destroy(p->inbox);
	p->sub = NULL;
	p->inbox = NULL;
}

static natsStatus request(struct kbr_pull *p)
{
	char body[96];
	natsStatus s;

	snprintf(body, sizeof(body), "{\"batch\":%u,\"expires\":%lld}", p->batch,
		 (long long)KBR_POLL_MS * 1000000);
	s = natsConnection_PublishRequest(kbr.nc, p->next, p->inbox, body,
					  (int)strlen(body));
	if (s == NATS_OK) {
		p->open = p->batch;
		p->end = nats_Now() + KBR_POLL_MS + PULL_GRACE_MS;
	}
	return s;
}

natsStatus kbr_pull_next(struct kbr_pull *p, natsMsg **mp, char *why,
			 size_t whylen)
{
	const char *st, *desc;
	natsStatus s;
	natsMsg *m;

	*mp = NULL;
	if (p->open && nats_Now() > p->end)
		p->open = 0;	/* what it still brings is taken as it comes */
	if (!p->open) {
		s = request(p);
		if (s != NATS_OK) {
			snprintf(why, whylen, "pull request: %s",
				 natsStatus_GetText(s));
			return s;
		}
	}
	s = natsSubscription_NextMsg(&m, p->sub, KBR_POLL_MS);
	if (s != NATS_OK)
		return s;
	if (natsMsg_GetDataLength(m) > 0 ||
	    natsMsgHeader_Get(m, "Status", &st) != NATS_OK) {
		if (p->open)
			p->open--;
		*mp = m;
		return NATS_OK;
	}
	/* A status: 100 is a heartbeat (never asked for); the rest end it. */
	s = NATS_TIMEOUT;
	if (strncmp(st, "100", 3)) {
		p->open = 0;
		if (strncmp(st, "404", 3) && strncmp(st, "408", 3)) {
			if (natsMsgHeader_Get(m, "Description", &desc) != NATS_OK)
				desc = "";
			snprintf(why, whylen, "pull: %s %s", st, desc);
			s = NATS_ERR;
		}
	}
	natsMsg_Destroy(m);
	return s;
}

void kbr_pull_ack(natsMsg *m)
{
	const char *to = natsMsg_GetReply(m);

	/* natsMsg_Ack() wants the library's own JetStream subscription. */
	if (to && *to)
		natsConnection_Publish(kbr.nc, to, "+ACK", 4);
}
