/* SPDX-License-Identifier: MIT */
/* Tiny test helpers: a failed CHECK names the file, line and expression. */
#ifndef KIPC_TEST_HELPERS_H
#define KIPC_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>

#define T_EXIT_PASS	0
#define T_EXIT_FAIL	1
#define T_EXIT_SKIP	77

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		exit(T_EXIT_FAIL);					\
	}								\
} while (0)

#define CHECK_EQ(want, got) do {					\
	long long __w = (want), __g = (got);				\
	if (__w != __g) {						\
		fprintf(stderr, "%s:%d: %s: want %lld, got %lld\n",	\
			__FILE__, __LINE__, #got, __w, __g);		\
		exit(T_EXIT_FAIL);					\
	}								\
} while (0)

#endif
