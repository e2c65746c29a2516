/* SPDX-License-Identifier: MIT */
#ifndef KIPC_BENCH_PEER_H
#define KIPC_BENCH_PEER_H

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

struct peer {
	int threads;
	pid_t pid;
	pthread_t thread;
	int (*fn)(void *);
	void *arg;
	int rc;
	int up_r, up_w;		/* peer -> runner */
	int down_r, down_w;	/* runner -> peer */
};

/* What a peer sends back after its part of a run. */
struct peer_report {
	int32_t err;		/* 0 or -errno */
	uint32_t pad;
	uint64_t done;		/* messages handled */
	uint64_t calls;		/* system calls made for them */
	uint64_t cpu_ns;	/* its CPU time over them */
};

int peer_start(struct peer *p, int threads, int (*fn)(void *), void *arg);
int peer_wait(struct peer *p, int kill_it);

#endif
