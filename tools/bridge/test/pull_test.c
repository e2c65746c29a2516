// SPDX-License-Identifier: MIT
/*
 * Host test of the export side's pull consumer (../pull.c) against a
 * nats-server of its own on 127.0.0.1: answers of pull requests the
 * consumer never sent, queued before it starts and arriving while its
 * own request is open, as a request given up on the client's deadline
 * leaves them. Every stream message must be handed over once, in order,
 * and be acknowledged.
 *
 * That is the situation in which natsSubscription_FetchRequest() of
 * libnats 3.4.1 writes past its array (more than half a batch queued,
 * more arriving): the reason pull.c exists. Built with the sanitizers;
 * skipped when nats-server is not installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../run.h"
#include "check.h"

#define MSGS		40
#define BATCH		16
#define QUEUED		10	/* more than half a batch, fewer than one */
#define LATE		4

struct kbr_ctx kbr;
static pid_t server = -1;
static char dir[] = "/tmp/kipc-bridge-pull.XXXXXX";

static const char *server_path(void)
{
	static const char *const paths[] = {
		"/usr/sbin/nats-server", "/usr/bin/nats-server",
		"/usr/local/bin/nats-server",
	};
	unsigned int i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* A port nobody listens on just now. */
static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd, port = -1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void stop_server(void)
{
	char cmd[sizeof(dir) + 16];

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
		server = -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "pull_test: could not remove %s\n", dir);
}

/* Start nats-server with JetStream and connect kbr.nc and kbr.js to it. */
static int start(const char *path)
{
	char port[16], url[64];
	natsStatus s = NATS_ERR;
	int i, fd;

	if (!mkdtemp(dir))
		return -1;
	snprintf(port, sizeof(port), "%d", free_port());
	server = fork();
	if (server < 0)
		return -1;
	if (server == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(path, path, "-a", "127.0.0.1", "-p", port, "-js", "-sd", dir,
		      (char *)NULL);
		_exit(127);
	}
	snprintf(url, sizeof(url), "nats://127.0.0.1:%s", port);
	for (i = 0; i < 100 && s != NATS_OK; i++) {
		s = natsConnection_ConnectTo(&kbr.nc, url);
		if (s != NATS_OK)
			usleep(100 * 1000);
	}
	if (s == NATS_OK)
		s = natsConnection_JetStream(&kbr.js, kbr.nc, NULL);
	return s == NATS_OK ? 0 : -1;
}

static int setup_stream(void)
{
	const char *subjects[1] = { "kipc.t.jobs" };
	jsConsumerInfo *ci = NULL;
	jsStreamInfo *si = NULL;
	jsConsumerConfig cc;
	jsErrCode jerr = 0;
	jsStreamConfig sc;
	char data[16];
	natsStatus s;
	int i;

	jsStreamConfig_Init(&sc);
	sc.Name = "T";
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_MemoryStorage;
	sc.Retention = js_WorkQueuePolicy;
	s = js_AddStream(&si, kbr.js, &sc, NULL, &jerr);
	jsStreamInfo_Destroy(si);
	for (i = 1; s == NATS_OK && i <= MSGS; i++) {
		snprintf(data, sizeof(data), "m%d", i);
		s = js_Publish(NULL, kbr.js, subjects[0], data, (int)strlen(data),
			       NULL, &jerr);
	}
	if (s != NATS_OK)
		return -1;
	/* As export.c makes it. */
	jsConsumerConfig_Init(&cc);
	cc.Durable = "d";
	cc.AckPolicy = js_AckExplicit;
	cc.MaxAckPending = 64;
	cc.FilterSubject = subjects[0];
	cc.DeliverPolicy = js_DeliverAll;
	s = js_AddConsumer(&ci, kbr.js, "T", &cc, NULL, &jerr);
	jsConsumerInfo_Destroy(ci);
	return s == NATS_OK ? 0 : -1;
}

/* A pull request the consumer under test knows nothing of. */
static void foreign_request(struct kbr_pull *p, int n)
{
	char body[32];

	snprintf(body, sizeof(body), "{\"batch\":%d}", n);
	natsConnection_PublishRequest(kbr.nc, p->next, p->inbox, body,
				      (int)strlen(body));
	natsConnection_Flush(kbr.nc);
}

static void *late(void *arg)
{
	usleep(50 * 1000);
	foreign_request(arg, LATE);
	return NULL;
}

static void test_late_answers(void)
{
	jsConsumerInfo *ci = NULL;
	jsMsgMetaData *meta;
	struct kbr_pull p;
	uint64_t last = 0;
	int got = 0, queued = 0, idle = 0, i;
	char why[160] = "";
	bool started = false;
	pthread_t t;
	jsErrCode jerr;
	natsStatus s;
	natsMsg *m;

	if (kbr_pull_open(&p, "T", "d", BATCH) < 0) {
		EXPECT(!"pull consumer opened");
		return;
	}
	foreign_request(&p, QUEUED);
	for (i = 0; i < 100 && queued < QUEUED; i++) {
		usleep(20 * 1000);
		natsSubscription_GetPending(p.sub, &queued, NULL);
	}
	EXPECT(queued == QUEUED);
	while (got < MSGS && idle < 20) {
		s = kbr_pull_next(&p, &m, why, sizeof(why));
		if (!started) {
			/* Its first request is open: more arrive meanwhile. */
			started = pthread_create(&t, NULL, late, &p) == 0;
			EXPECT(started);
		}
		if (s == NATS_TIMEOUT) {
			idle++;
			continue;
		}
		EXPECT(s == NATS_OK);
		if (s != NATS_OK) {
			fprintf(stderr, "pull_test: %s\n", why);
			break;
		}
		idle = 0;
		EXPECT(natsMsg_GetMetaData(&meta, m) == NATS_OK);
		if (meta) {
			/* Each once, in the stream's order. */
			EXPECT(meta->Sequence.Stream == last + 1);
			last = meta->Sequence.Stream;
			jsMsgMetaData_Destroy(meta);
			meta = NULL;
		}
		kbr_pull_ack(m);
		natsMsg_Destroy(m);
		got++;
	}
	if (started)
		pthread_join(t, NULL);
	EXPECT(got == MSGS);
	EXPECT(last == MSGS);
	/* Nothing more comes, and nothing is left unacknowledged. */
	s = kbr_pull_next(&p, &m, why, sizeof(why));
	EXPECT(s == NATS_TIMEOUT);
	if (s == NATS_OK)
		natsMsg_Destroy(m);
	natsConnection_Flush(kbr.nc);
	for (i = 0; i < 50; i++) {
		EXPECT(js_GetConsumerInfo(&ci, kbr.js, "T", "d", NULL, &jerr) ==
		       NATS_OK);
		if (!ci || ci->NumAckPending == 0)
			break;
		jsConsumerInfo_Destroy(ci);
		ci = NULL;
		usleep(20 * 1000);
	}
	EXPECT(ci && ci->NumAckPending == 0 && ci->Delivered.Stream == MSGS);
	jsConsumerInfo_Destroy(ci);
	kbr_pull_close(&p);
}

int main(void)
{
	const char *path = server_path();

	if (!path) {
		printf("SKIP pull_test: nats-server is not installed\n");
		return 77;
	}
	if (nats_Open(-1) != NATS_OK || start(path) < 0 || setup_stream() < 0) {
		fprintf(stderr, "pull_test: cannot start nats-server with a stream\n");
		stop_server();
		return 1;
	}
	test_late_answers();
	jsCtx_Destroy(kbr.js);
	natsConnection_Destroy(kbr.nc);
	nats_Close();
	stop_server();
	if (failures)
		fprintf(stderr, "pull_test: %d failures\n", failures);
	return failures ? 1 : 0;
}
