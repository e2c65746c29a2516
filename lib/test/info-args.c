/* SPDX-License-Identifier: MIT */
/* notify, stat, stat_name, list: what libkipc rejects before the kernel. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "libkipc.h"
#include "helpers.h"

int main(void)
{
	struct kipc_info info[2];
	struct kipc_usage usage;
	char name[KIPC_NAME_MAX + 1];
	uint64_t cursor = 0;

	memset(name, 's', sizeof(name));
	name[KIPC_NAME_MAX] = '\0';

	/* notify */
	CHECK_EQ(-EINVAL, kipc_notify(-1, -1, 0));
	CHECK_EQ(-EINVAL, kipc_notify(-1, SIGRTMAX + 1, 0));
	CHECK_EQ(-EBADF, kipc_notify(-1, 0, 0));
	CHECK_EQ(-EBADF, kipc_notify(-1, SIGUSR1, KIPC_NOTIFY_ONESHOT));
	CHECK_EQ(-EBADF, kipc_notify(-1, SIGRTMAX, 0));

	/* stat */
	CHECK_EQ(-EINVAL, kipc_stat(-1, 0, NULL));
	CHECK_EQ(-EBADF, kipc_stat(-1, 0, info));
	CHECK_EQ(-EINVAL, kipc_stat_name(-1, KIPC_TYPE_MAILBOX, "x", NULL));
	CHECK_EQ(-EINVAL, kipc_stat_name(-1, 0, "x", info));
	CHECK_EQ(-EINVAL, kipc_stat_name(-1, KIPC_TYPE_MUTEX + 1, "x", info));
	CHECK_EQ(-EBADF, kipc_stat_name(-1, KIPC_TYPE_RING, "x", info));
	CHECK_EQ(-EBADF, kipc_stat_name(-1, KIPC_TYPE_SEM, "x", info));
	CHECK_EQ(-EBADF, kipc_stat_name(-1, KIPC_TYPE_MUTEX, "x", info));
	CHECK_EQ(-EINVAL, kipc_stat_name(-1, KIPC_TYPE_MAILBOX, NULL, info));
	CHECK_EQ(-EINVAL, kipc_stat_name(-1, KIPC_TYPE_ENDPOINT, "", info));
	CHECK_EQ(-ENAMETOOLONG, kipc_stat_name(-1, KIPC_TYPE_MAILBOX, name, info));
	name[KIPC_NAME_MAX - 1] = '\0';
	CHECK_EQ(-EBADF, kipc_stat_name(-1, KIPC_TYPE_MAILBOX, name, info));
	CHECK_EQ(-EBADF, kipc_stat_name(-1, KIPC_TYPE_ENDPOINT, name, info));

	/* list */
	CHECK_EQ(-EINVAL, kipc_list(-1, KIPC_LIST_MAILBOXES, NULL, info, 2));
	CHECK_EQ(-EINVAL, kipc_list(-1, KIPC_LIST_MAILBOXES, &cursor, NULL, 2));
	CHECK_EQ(-EINVAL, kipc_list(-1, KIPC_LIST_MAILBOXES, &cursor, info, 0));
	CHECK_EQ(-EINVAL, kipc_list(-1, 0, &cursor, info, 2));
	CHECK_EQ(-EBADF, kipc_list(-1, KIPC_LIST_ENDPOINTS, &cursor, info, 2));
	CHECK_EQ(-EBADF, kipc_list(-1, KIPC_LIST_RINGS, &cursor, info, 2));
	/* A large array is fine: the library asks for KIPC_LIST_MAX at most. */
	CHECK_EQ(-EBADF, kipc_list(-1, KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES,
				   &cursor, info, ~0u));
	CHECK_EQ(0, cursor);

	/* usage */
	CHECK_EQ(-EINVAL, kipc_usage(-1, NULL));
	CHECK_EQ(-EBADF, kipc_usage(-1, &usage));
	return T_EXIT_PASS;
}
