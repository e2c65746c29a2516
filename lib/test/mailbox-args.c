/* SPDX-License-Identifier: MIT */
/* Mailbox calls: what libkipc rejects before asking the kernel. */
#include <errno.h>
#include <string.h>

#include "libkipc.h"
#include "helpers.h"

int main(void)
{
	struct kipc_mbox_attr attr = { .max_msgs = 4, .mode = 0600 };
	char name[KIPC_NAME_MAX + 1];
	uint64_t id = 42;

	memset(name, 'm', sizeof(name));
	name[KIPC_NAME_MAX] = '\0';

	/* create: NULL and "" are anonymous, so they reach the kernel. */
	CHECK_EQ(-EBADF, kipc_mbox_create(-1, NULL, NULL, NULL));
	CHECK_EQ(-EBADF, kipc_mbox_create(-1, "", &attr, &id));
	CHECK_EQ(-ENAMETOOLONG, kipc_mbox_create(-1, name, &attr, &id));
	attr.mode = 01000;
	CHECK_EQ(-EINVAL, kipc_mbox_create(-1, "box", &attr, &id));
	attr.mode = 0777;
	attr.max_msgs = KIPC_QUEUE_MSGS_MAX + 1;
	CHECK_EQ(-EINVAL, kipc_mbox_create(-1, "box", &attr, &id));
	attr.max_msgs = 0;	/* rendezvous */
	CHECK_EQ(-EBADF, kipc_mbox_create(-1, "box", &attr, &id));
	CHECK_EQ(42, id);

	/* open: a name is required; id 0 names nothing. */
	CHECK_EQ(-EINVAL, kipc_mbox_open(-1, NULL, &id));
	CHECK_EQ(-EINVAL, kipc_mbox_open(-1, "", &id));
	CHECK_EQ(-ENAMETOOLONG, kipc_mbox_open(-1, name, &id));
	CHECK_EQ(-EBADF, kipc_mbox_open(-1, "box", NULL));
	CHECK_EQ(-EINVAL, kipc_mbox_open_id(-1, 0));
	CHECK_EQ(-EBADF, kipc_mbox_open_id(-1, 7));

	/* delete: id 0 means "this mailbox" on a mailbox fd: the kernel decides. */
	CHECK_EQ(-EBADF, kipc_mbox_delete(-1, 0));
	CHECK_EQ(-EINVAL, kipc_mbox_delete_name(-1, NULL));
	CHECK_EQ(-EINVAL, kipc_mbox_delete_name(-1, ""));
	CHECK_EQ(-ENAMETOOLONG, kipc_mbox_delete_name(-1, name));
	CHECK_EQ(-EBADF, kipc_mbox_delete_name(-1, "box"));

	/* set mode / owner */
	CHECK_EQ(-EINVAL, kipc_mbox_set_mode(-1, 0, 01000));
	CHECK_EQ(-EBADF, kipc_mbox_set_mode(-1, 0, 0777));
	CHECK_EQ(-EBADF, kipc_mbox_set_owner(-1, 0, 0, 0));
	CHECK_EQ(-EBADF, kipc_mbox_set_owner(-1, 0, (uid_t)-1, (gid_t)-1));

	/* set limits: a capacity of nothing is refused before the kernel */
	CHECK_EQ(-EINVAL, kipc_mbox_set_limits(-1, 0, 0, 100));
	CHECK_EQ(-EINVAL, kipc_mbox_set_limits(-1, 0, 1, 0));
	CHECK_EQ(-EINVAL, kipc_mbox_set_limits(-1, 0, KIPC_QUEUE_MSGS_MAX + 1, 100));
	CHECK_EQ(-EBADF, kipc_mbox_set_limits(-1, 0, 1, 100));
	return T_EXIT_PASS;
}
