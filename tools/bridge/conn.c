// SPDX-License-Identifier: MIT
/*
 * The NATS connections: servers, credentials and TLS from the
 * configuration, passed to the NATS C client unchanged. The first connect
 * must succeed (a wrong password fails the start, clearly); after that the
 * client reconnects for ever while the routes wait.
 *
 * Two connections with the same options. kbr.nc buffers what is
 * published and leaves the writing to the client's flusher thread, so a
 * burst of core messages goes out in few writes. kbr.rc sends each
 * publish at once from the publishing thread (SendAsap): it carries what
 * waits for an answer (call requests and their replies, JetStream
 * publishes: kbr.jsp), where waking the flusher for every message costs a
 * thread hand-off per round trip. The exporting side's fetches and
 * acknowledgements stay buffered (kbr.js), so that the acknowledgements
 * of a fetched batch go out together.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"

struct kbr_ctx kbr;

struct timespec kbr_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	return ts;
}

static void on_disconnect(natsConnection *nc, void *arg)
{
	(void)nc;
	(void)arg;
	if (!kbr_stopping)
		kbr_log("nats: disconnected; reconnecting");
}

static void on_reconnect(natsConnection *nc, void *arg)
{
	char url[256] = "";

	(void)arg;
	natsConnection_GetConnectedUrl(nc, url, sizeof(url));
	kbr_log("nats: reconnected to %s", url);
}

static void on_error(natsConnection *nc, natsSubscription *sub, natsStatus s,
		     void *arg)
{
	(void)nc;
	(void)sub;
	(void)arg;
	/* Slow-consumer drops are also counted per route (dropped=). */
	kbr_log("nats: %s", natsStatus_GetText(s));
}

/* Why the first connect failed, in words that say what to check. */
static const char *connect_hint(natsStatus s)
{
	switch (s) {
	case NATS_CONNECTION_AUTH_FAILED:
	case NATS_NOT_PERMITTED:
		return " (check user/password, nkey or creds)";
	case NATS_NO_SERVER:
		return " (is nats-server running there?)";
	case NATS_SSL_ERROR:
		return " (check tls_ca, tls_cert, tls_key)";
	default:
		return "";
	}
}

int kbr_connect(struct kbr_config *cfg, char *err, size_t errlen)
{
	natsOptions *o = NULL;
	char name[KBR_HOST_MAX + 32];
	natsStatus s;

	s = natsOptions_Create(&o);
	snprintf(name, sizeof(name), "kipc-bridge %s", cfg->host);
	if (s == NATS_OK)
		s = natsOptions_SetName(o, name);
	if (s == NATS_OK)
		s = natsOptions_SetServers(o, (const char **)cfg->servers,
					   cfg->nservers);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(o, cfg->connect_timeout_ms);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(o, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(o, 500);
	if (s == NATS_OK && (cfg->user[0] || cfg->password))
		s = natsOptions_SetUserInfo(o, cfg->user[0] ? cfg->user : NULL,
					    cfg->password);
	if (s == NATS_OK && cfg->nkey[0])
		s = natsOptions_SetNKeyFromSeed(o, cfg->nkey, cfg->nkey_seed);
	if (s == NATS_OK && cfg->creds[0])
		s = natsOptions_SetUserCredentialsFromFiles(o, cfg->creds, NULL);
	if (s == NATS_OK && (cfg->tls || cfg->tls_ca[0] || cfg->tls_cert[0]))
		s = natsOptions_SetSecure(o, true);
	if (s == NATS_OK && cfg->tls_ca[0])
		s = natsOptions_LoadCATrustedCertificates(o, cfg->tls_ca);
	if (s == NATS_OK && cfg->tls_cert[0])
		s = natsOptions_LoadCertificatesChain(o, cfg->tls_cert,
						      cfg->tls_key);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(o, on_disconnect, NULL);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(o, on_reconnect, NULL);
	if (s == NATS_OK)
		s = natsOptions_SetErrorHandler(o, on_error, NULL);
	if (s != NATS_OK) {
		snprintf(err, errlen, "nats options: %s", nats_GetLastError(NULL));
		natsOptions_Destroy(o);
		return -1;
	}
	s = natsConnection_Connect(&kbr.nc, o);
	if (s == NATS_OK) {
		snprintf(name, sizeof(name), "kipc-bridge %s requests", cfg->host);
		s = natsOptions_SetName(o, name);
		if (s == NATS_OK)
			s = natsOptions_SetSendAsap(o, true);
		if (s == NATS_OK)
			s = natsConnection_Connect(&kbr.rc, o);
	}
	natsOptions_Destroy(o);
	if (s != NATS_OK) {
		snprintf(err, errlen, "cannot connect to %s%s: %s%s",
			 cfg->servers[0], cfg->nservers > 1 ? " (and others)" : "",
			 natsStatus_GetText(s), connect_hint(s));
		return -1;
	}
	s = natsConnection_JetStream(&kbr.js, kbr.nc, NULL);
	if (s == NATS_OK)
		s = natsConnection_JetStream(&kbr.jsp, kbr.rc, NULL);
	if (s != NATS_OK) {
		snprintf(err, errlen, "jetstream context: %s", natsStatus_GetText(s));
		return -1;
	}
	return 0;
}

void kbr_conn_state(char *buf, size_t len)
{
	char url[256] = "";
	const char *st;

	switch (natsConnection_Status(kbr.nc)) {
	case NATS_CONN_STATUS_CONNECTED:
		natsConnection_GetConnectedUrl(kbr.nc, url, sizeof(url));
		snprintf(buf, len, "connected %s", url);
		return;
	case NATS_CONN_STATUS_DISCONNECTED: st = "disconnected"; break;
	case NATS_CONN_STATUS_CONNECTING: st = "connecting"; break;
	case NATS_CONN_STATUS_RECONNECTING: st = "reconnecting"; break;
	case NATS_CONN_STATUS_CLOSED: st = "closed"; break;
	case NATS_CONN_STATUS_DRAINING_SUBS:
	case NATS_CONN_STATUS_DRAINING_PUBS: st = "draining"; break;
	default: st = "unknown"; break;
	}
	snprintf(buf, len, "%s", st);
}
