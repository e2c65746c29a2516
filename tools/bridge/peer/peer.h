/* SPDX-License-Identifier: MIT */
/* kipc-bridge-peer: what its two halves share. */
#ifndef KIPC_BRIDGE_PEER_H
#define KIPC_BRIDGE_PEER_H

#include <stdint.h>
#include <time.h>

struct opts {
	const char *mbox;
	unsigned long long count, first;
	unsigned int size, src, prios, idle_ms, delay_us, delay_ms, timeout_ms;
	const char *envelope_host;
	const char *expect_error;
	const char *text;
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Plain NATS peers (natspeer.c), MBOX being the subject; the server and
 * credentials come from NATS_URL, NATS_USER and NATS_PASSWORD.
 */
int nats_peer(const char *cmd, const struct opts *o);

#endif
