/* SPDX-License-Identifier: MIT */
/* kipc_strerror: kipc wording for kipc errors, strerror() for the rest. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "libkipc.h"
#include "helpers.h"

static const int kipc_errs[] = {
	EAGAIN, ETIMEDOUT, EINTR, ESRCH, ENOENT, EIDRM, EACCES, EEXIST, EBUSY,
	EMSGSIZE, ENOSPC, ENOBUFS, EDQUOT, ECONNRESET, ENAMETOOLONG, ENOTTY,
	E2BIG, EPIPE, EUCLEAN, EPROTONOSUPPORT, EOVERFLOW, EDEADLK, EOWNERDEAD,
	ENOTRECOVERABLE, EPERM, ENOMSG, EINVAL, EFAULT, ENOMEM,
};

int main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(kipc_errs) / sizeof(kipc_errs[0]); i++) {
		const char *s = kipc_strerror(-kipc_errs[i]);

		CHECK(s && s[0]);
		/* Positive values are accepted too, with the same text. */
		CHECK(!strcmp(s, kipc_strerror(kipc_errs[i])));
	}
	CHECK(!strcmp(kipc_strerror(-ESRCH),
		      "no such endpoint (closed or never existed)"));
	CHECK(!strcmp(kipc_strerror(-ENOENT),
		      "no such mailbox, ring, semaphore or mutex"));
	CHECK(!strcmp(kipc_strerror(-EOWNERDEAD),
		      "mutex owner died holding it; make it consistent"));
	CHECK(!strcmp(kipc_strerror(-EPIPE), "the other side of the ring is gone"));
	CHECK(!strcmp(kipc_strerror(-EPROTONOSUPPORT),
		      "ring layout newer than this program's libkipc"));
	CHECK(!strcmp(kipc_strerror(-ETIMEDOUT), "timed out"));
	/* Errors without a kipc meaning read as strerror() says. */
	CHECK(!strcmp(kipc_strerror(-ENOMEM), strerror(ENOMEM)));
	CHECK(!strcmp(kipc_strerror(-EINVAL), strerror(EINVAL)));
	CHECK(kipc_strerror(0) != NULL);
	CHECK(kipc_strerror(INT_MIN) != NULL);
	CHECK(kipc_strerror(-100000) != NULL);
	return T_EXIT_PASS;
}
