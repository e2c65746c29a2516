/* SPDX-License-Identifier: MIT */
/* The bridge's host tests: a failed expectation is reported and counted. */
#ifndef KIPC_BRIDGE_TEST_CHECK_H
#define KIPC_BRIDGE_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define EXPECT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
		failures++; \
	} \
} while (0)

#endif
