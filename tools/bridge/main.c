// SPDX-License-Identifier: MIT
/*
 * kipc-bridge: carry kipc mailboxes and calls between hosts over NATS.
 *
 *   kipc-bridge [run] [OPTIONS]     the daemon, in the foreground
 *   kipc-bridge status [OPTIONS]    ask the running daemon for its counters
 *   kipc-bridge check [OPTIONS]     print the configuration as understood
 *
 * See kipc-bridge(1) and kipc-bridge.conf(5).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define DEFAULT_CONFIG	"/etc/kipc-bridge.conf"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kipc-bridge [run|status|check] [--config FILE] [--host NAME]\n"
		"                   [--nats URL] [--status-socket PATH] [-v]\n"
		"  run     carry the configured routes (the default; foreground)\n"
		"  status  print the running bridge's connection and route counters\n"
		"  check   print the configuration as the bridge reads it\n");
}

struct flags {
	const char *config;
	const char *host;
	const char *nats;
	const char *socket;
};

/* The configuration from the file (if any) and the flags: 0 or exit status. */
static int configure(struct kbr_config *cfg, const struct flags *fl)
{
	const char *path = fl->config;
	char err[512], line[256];

	kbr_config_init(cfg);
	if (!path && access(DEFAULT_CONFIG, F_OK) == 0)
		path = DEFAULT_CONFIG;
	if (path && kbr_config_load(cfg, path, err, sizeof(err))) {
		fprintf(stderr, "kipc-bridge: %s\n", err);
		return 1;
	}
	/* Flags win over the file: the same keys, parsed the same way. */
	if (fl->host) {
		snprintf(line, sizeof(line), "host = %s", fl->host);
		if (kbr_config_parse(cfg, line, "--host", err, sizeof(err)))
			goto bad;
	}
	if (fl->nats) {
		while (cfg->nservers)
			free(cfg->servers[--cfg->nservers]);
		snprintf(line, sizeof(line), "nats = %s", fl->nats);
		if (kbr_config_parse(cfg, line, "--nats", err, sizeof(err)))
			goto bad;
	}
	if (fl->socket)
		snprintf(cfg->status_socket, sizeof(cfg->status_socket), "%s",
			 fl->socket);
	if (kbr_config_finish(cfg, err, sizeof(err)))
		goto bad;
	return 0;
bad:
	fprintf(stderr, "kipc-bridge: %s\n", err);
	return 1;
}

static int run(struct kbr_config *cfg)
{
	pthread_t threads[KBR_ROUTES_MAX];
	struct kbr_route *r;
	char err[512];
	sigset_t set;
	int i, sig, started = 0;

	/* Signals are taken by sigwait() here, never by the workers. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	kbr.cfg = cfg;
	if (nats_Open(-1) != NATS_OK) {
		fprintf(stderr, "kipc-bridge: cannot initialise the NATS library\n");
		return 1;
	}
	if (kbr_connect(cfg, err, sizeof(err)) ||
	    kbr_status_start(cfg, err, sizeof(err))) {
		fprintf(stderr, "kipc-bridge: %s\n", err);
		atomic_store(&kbr_stopping, true);	/* no "reconnecting" */
		natsConnection_Destroy(kbr.rc);
		natsConnection_Destroy(kbr.nc);
		nats_Close();
		return 1;
	}
	for (i = 0; i < cfg->nroutes; i++) {
		r = cfg->routes[i];
		if (pthread_create(&threads[started], NULL,
				   r->dir == KBR_EXPORT ? kbr_export_run :
							  kbr_import_run, r)) {
			kbr_log("%s: cannot start its thread", r->name);
			continue;
		}
		started++;
	}
	kbr_log("host %s: %d routes, status on %s", cfg->host, started,
		cfg->status_socket);

	sigwait(&set, &sig);
	kbr_log("%s: stopping", strsignal(sig));
	atomic_store(&kbr_stopping, true);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	kbr_status_stop(cfg);
	/* Acknowledgements and publishes still buffered go out first. */
	natsConnection_FlushTimeout(kbr.nc, 2000);
	natsConnection_FlushTimeout(kbr.rc, 2000);
	jsCtx_Destroy(kbr.jsp);
	jsCtx_Destroy(kbr.js);
	natsConnection_Destroy(kbr.rc);
	natsConnection_Destroy(kbr.nc);
	/*
	 * The library's own threads (dispatchers, reconnect, callbacks)
	 * outlive the destroys: wait for them, so that none runs while the
	 * process exits under it.
	 */
	nats_CloseAndWait(5000);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "host", required_argument, NULL, 'H' },
		{ "nats", required_argument, NULL, 'n' },
		{ "status-socket", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "run";
	struct kbr_config cfg;
	struct flags fl = { 0 };
	int c, ret;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "c:H:n:s:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': fl.config = optarg; break;
		case 'H': fl.host = optarg; break;
		case 'n': fl.nats = optarg; break;
		case 's': fl.socket = optarg; break;
		case 'v': kbr_verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || (strcmp(cmd, "run") && strcmp(cmd, "status") &&
			      strcmp(cmd, "check"))) {
		usage(stderr);
		return 2;
	}
	/* status --socket PATH needs no configuration at all. */
	if (!strcmp(cmd, "status") && fl.socket && !fl.config)
		return kbr_status_query(fl.socket);
	ret = configure(&cfg, &fl);
	if (ret)
		return ret;
	if (!strcmp(cmd, "check"))
		kbr_config_print(&cfg, stdout);
	else if (!strcmp(cmd, "status"))
		ret = kbr_status_query(cfg.status_socket);
	else
		ret = run(&cfg);
	kbr_config_free(&cfg);
	return ret;
}
