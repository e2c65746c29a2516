/* SPDX-License-Identifier: MIT */
/* Endpoint calls: what libkipc rejects before asking the kernel. */
#include <errno.h>
#include <string.h>

#include "libkipc.h"
#include "helpers.h"

int main(void)
{
	char name[KIPC_NAME_MAX + 8];
	uint64_t id = 42;

	/* Missing output pointers. */
	CHECK_EQ(-EINVAL, kipc_ep_id(-1, NULL));
	CHECK_EQ(-EINVAL, kipc_ep_lookup(-1, "x", NULL));

	/* Names: required, non-empty, at most KIPC_NAME_MAX - 1 bytes. */
	CHECK_EQ(-EINVAL, kipc_ep_set_name(-1, NULL));
	CHECK_EQ(-EINVAL, kipc_ep_set_name(-1, ""));
	CHECK_EQ(-EINVAL, kipc_ep_lookup(-1, NULL, &id));
	CHECK_EQ(-EINVAL, kipc_ep_lookup(-1, "", &id));
	memset(name, 'n', sizeof(name));
	name[KIPC_NAME_MAX] = '\0';
	CHECK_EQ(-ENAMETOOLONG, kipc_ep_set_name(-1, name));
	CHECK_EQ(-ENAMETOOLONG, kipc_ep_lookup(-1, name, &id));
	/* Not NUL-terminated within any sane length: still only 64 bytes read. */
	name[sizeof(name) - 1] = '\0';
	CHECK_EQ(-ENAMETOOLONG, kipc_ep_set_name(-1, name));
	/* The longest valid name reaches the kernel (here: a bad fd). */
	name[KIPC_NAME_MAX - 1] = '\0';
	CHECK_EQ(-EBADF, kipc_ep_set_name(-1, name));
	CHECK_EQ(-EBADF, kipc_ep_lookup(-1, name, &id));
	CHECK_EQ(42, id);

	/* Limits. */
	CHECK_EQ(-EINVAL, kipc_ep_set_limits(-1, KIPC_QUEUE_MSGS_MAX + 1, 0, 0));
	CHECK_EQ(-EBADF, kipc_ep_set_limits(-1, KIPC_QUEUE_MSGS_MAX, 0, 0));
	CHECK_EQ(-EBADF, kipc_ep_set_limits(-1, 0, 0, 0));

	/* Errors from the kernel come back as -errno, *id untouched. */
	CHECK_EQ(-EBADF, kipc_ep_id(-1, &id));
	CHECK_EQ(42, id);
	return T_EXIT_PASS;
}
