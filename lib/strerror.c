/* SPDX-License-Identifier: MIT */
/*
 * kipc_strerror(): what a -errno from libkipc means for kipc, in words a
 * tool can print after "command: object: ". Errors without a kipc-specific
 * meaning fall back to strerror().
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "libkipc.h"

/* The ENAMETOOLONG text below spells out KIPC_NAME_MAX - 1. */
_Static_assert(KIPC_NAME_MAX == 64, "update the ENAMETOOLONG message");

static const struct {
	int err;
	const char *msg;
} kipc_errors[] = {
	{ EAGAIN,	"would block (queue full or empty, semaphore or mutex taken)" },
	{ ETIMEDOUT,	"timed out" },
	{ EINTR,	"interrupted by a signal" },
	{ ESRCH,	"no such endpoint (closed or never existed)" },
	{ ENOENT,	"no such mailbox, ring, semaphore or mutex" },
	{ EIDRM,	"mailbox, ring, semaphore or mutex was deleted" },
	{ EACCES,	"permission denied by the object's mode, or not its owner" },
	{ EEXIST,	"name already in use" },
	{ EBUSY,	"already taken (endpoint name, notification, or ring role)" },
	{ EMSGSIZE,	"message too large for the queue or the buffer" },
	{ ENOSPC,	"too many mailboxes or rings in this IPC namespace" },
	{ ENOBUFS,	"byte capacity above the queue_bytes_max limit" },
	{ EDQUOT,	"this user's kipc quota is used up (see kipcctl usage)" },
	{ ECONNRESET,	"server endpoint closed before replying" },
	{ ENAMETOOLONG,	"name too long (at most 63 bytes)" },
	{ ENOTTY,	"not a kipc file descriptor, or not valid on this kind" },
	{ E2BIG,	"argument structure too large for this kernel" },
	{ EPIPE,	"the other side of the ring is gone" },
	{ EUCLEAN,	"ring header corrupted by an attached process" },
	{ EPROTONOSUPPORT, "ring layout newer than this program's libkipc" },
	{ EOVERFLOW,	"semaphore would pass its maximum (or mutex count full)" },
	{ EDEADLK,	"deadlock: relock, or waiting would close a cycle of mutexes" },
	{ EOWNERDEAD,	"mutex owner died holding it; make it consistent" },
	{ ENOTRECOVERABLE, "mutex left inconsistent by a dead owner: unusable" },
	{ EPERM,	"this process does not hold the mutex" },
	{ ENOMSG,	"no such message queued (KIPC_RECV_SEQ)" },
};

const char *kipc_strerror(int err)
{
	unsigned int i;

	if (err < 0 && err != INT_MIN)
		err = -err;
	if (err == 0)
		return "success";
	for (i = 0; i < sizeof(kipc_errors) / sizeof(kipc_errors[0]); i++)
		if (kipc_errors[i].err == err)
			return kipc_errors[i].msg;
	return strerror(err);
}
