// SPDX-License-Identifier: MIT
/* Messages on stderr, each route's state line, and the stop flag. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bridge.h"

int kbr_verbose;
atomic_bool kbr_stopping;

static void vlog(const char *fmt, va_list ap)
{
	char line[512];

	/* One write per line, so threads' lines do not interleave. */
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "kipc-bridge: %s\n", line);
}

void kbr_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void kbr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!kbr_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

/* Logs a change of state once, not on every retry. */
void kbr_set_state(struct kbr_route *r, const char *fmt, ...)
{
	char s[sizeof(r->state)];
	bool changed;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&r->state_lock);
	changed = strcmp(s, r->state) != 0;
	if (changed)
		strcpy(r->state, s);
	pthread_mutex_unlock(&r->state_lock);
	if (changed)
		kbr_log("%s: %s", r->name, s);
}

void kbr_get_state(struct kbr_route *r, char *buf, size_t len)
{
	pthread_mutex_lock(&r->state_lock);
	snprintf(buf, len, "%s", r->state);
	pthread_mutex_unlock(&r->state_lock);
}

bool kbr_nap(unsigned int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	unsigned int slept;

	for (slept = 0; slept < ms && !kbr_stopping; slept += 10)
		nanosleep(&ts, NULL);
	return !kbr_stopping;
}
