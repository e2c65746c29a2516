// SPDX-License-Identifier: MIT
/*
 * kipc-soak [--procs N] [--mailboxes N] [--rings N] [--seconds S] [--verbose]
 *
 * Sets up the queues, forks the workers (worker.c), waits, and accounts:
 * per (sender, queue) pair, lost = sent - received once. The last line is
 * "soak: procs=N msgs=N lost=N dup=N"; the exit status is non-zero when
 * anything was lost, duplicated, corrupted, misrouted or reordered, or a
 * kipc call failed unexpectedly.
 */
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "soak.h"

static void usage(void)
{
	fprintf(stderr, "usage: kipc-soak [--procs N>=2] [--mailboxes N] "
		"[--rings N] [--seconds S] [--verbose]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct soak_cfg *c)
{
	static const struct option lopts[] = {
		{ "procs", required_argument, NULL, 'p' },
		{ "mailboxes", required_argument, NULL, 'm' },
		{ "rings", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	*c = (struct soak_cfg){ .procs = 32, .mboxes = 16, .rings = 8, .seconds = 30 };
	while ((o = getopt_long(argc, argv, "p:m:r:s:v", lopts, NULL)) != -1) {
		switch (o) {
		case 'p': c->procs = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'm': c->mboxes = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'r': c->rings = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 's': c->seconds = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'v': c->verbose = 1; break;
		default: usage();
		}
	}
	/* Every mailbox and ring needs a receiver: at most one per worker. */
	if (optind != argc || c->procs < 2 || c->procs > SOAK_PROCS_MAX ||
	    !c->mboxes || c->mboxes > c->procs || !c->rings || c->rings > c->procs)
		usage();
}

static int create_queues(struct soak_shared *sh, int ep)
{
	struct kipc_mbox_attr attr = { .max_msgs = SOAK_MBOX_MSGS, .mode = 0600 };
	unsigned int i;
	int fd, ret;

	for (i = 0; i < sh->cfg.mboxes; i++) {
		fd = kipc_mbox_create(ep, NULL, &attr, &sh->mbox_id[i]);
		if (fd < 0)
			return fd;
		close(fd);	/* anonymous and not owned: it lives until deleted */
	}
	for (i = 0; i < sh->cfg.rings; i++) {
		ret = kipc_ring_create(ep, NULL, SOAK_RING_SLOTS, SOAK_RING_SLOT,
				       KIPC_RING_MPSC, 0600, &sh->ring_id[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static pid_t start_workers(struct soak_shared *sh, pid_t *pids)
{
	int eps[SOAK_PROCS_MAX];
	unsigned int i, j;
	int ret;

	/* Every endpoint exists, with its id known, before anyone sends. */
	for (i = 0; i < sh->cfg.procs; i++) {
		eps[i] = kipc_open(0);
		if (eps[i] < 0 || (ret = kipc_ep_id(eps[i], &sh->ep_id[i])) < 0) {
			fprintf(stderr, "kipc-soak: endpoint: %s\n",
				kipc_strerror(eps[i] < 0 ? eps[i] : ret));
			return -1;
		}
	}
	for (i = 0; i < sh->cfg.procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (pids[i] == 0) {
			for (j = 0; j < sh->cfg.procs; j++)
				if (j != i && eps[j] >= 0)
					close(eps[j]);
			soak_worker(sh, i, eps[i]);
		}
		close(eps[i]);	/* the endpoint is the worker's alone now */
		eps[i] = -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t lost = 0, extra = 0, sent = 0;
	pid_t pids[SOAK_PROCS_MAX];
	struct soak_shared *sh;
	unsigned int i, crashed = 0;
	int ep, ret, st;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("kipc-soak: mmap");
		return 2;
	}
	parse(argc, argv, &sh->cfg);
	/* Alone in an IPC namespace when allowed: no name or limit clashes. */
	(void)unshare(CLONE_NEWIPC);
	ep = kipc_open(0);
	ret = ep < 0 ? ep : create_queues(sh, ep);
	if (ret < 0) {
		fprintf(stderr, "kipc-soak: setup: %s\n", kipc_strerror(ret));
		return 2;
	}
	if (start_workers(sh, pids))
		return 2;
	for (i = 0; i < sh->cfg.procs; i++) {
		if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "kipc-soak: worker %u ended with status %#x\n", i, st);
			crashed++;
		}
	}
	for (i = 0; i < sh->cfg.procs * SOAK_TARGETS; i++) {
		sent += sh->sent[i];
		if (sh->recvd[i] <= sh->sent[i])
			lost += sh->sent[i] - sh->recvd[i];
		else
			extra += sh->recvd[i] - sh->sent[i];	/* never sent */
	}
	for (i = 0; i < sh->cfg.mboxes; i++)
		kipc_mbox_delete(ep, sh->mbox_id[i]);
	for (i = 0; i < sh->cfg.rings; i++)
		kipc_ring_delete(ep, NULL, sh->ring_id[i]);
	close(ep);
	printf("soak: mailboxes=%u rings=%u seconds=%u corrupt=%llu misrouted=%llu "
	       "reordered=%llu errors=%llu\n", sh->cfg.mboxes, sh->cfg.rings,
	       sh->cfg.seconds, (unsigned long long)sh->corrupt,
	       (unsigned long long)sh->misrouted, (unsigned long long)sh->reordered,
	       (unsigned long long)sh->errors);
	printf("soak: procs=%u msgs=%llu lost=%llu dup=%llu\n", sh->cfg.procs,
	       (unsigned long long)sent, (unsigned long long)lost,
	       (unsigned long long)(sh->dup + extra));
	return lost || extra || sh->dup || sh->corrupt || sh->misrouted ||
		sh->reordered || sh->errors || crashed ? 1 : 0;
}
