/* SPDX-License-Identifier: MIT */
/*
 * Message calls: derived flags, timeouts, buffers and sizes are checked
 * before the ioctl. A check the library does not make shows up as -EBADF
 * from the kernel, since every call here uses fd -1.
 */
#include <errno.h>
#include <stdint.h>

#include "libkipc.h"
#include "helpers.h"

static const struct timespec ts_ok = { .tv_sec = 1 };
static const struct timespec ts_bad[] = {
	{ .tv_sec = -1 },
	{ .tv_nsec = -1 },
	{ .tv_nsec = 1000000000L },
};

int main(void)
{
	struct kipc_msg_hdr hdr = { .len = 42 };
	uint64_t seq = 7;
	char buf[16] = "";
	unsigned int i;

	/* send */
	CHECK_EQ(-EBADF, kipc_send(-1, 1, buf, sizeof(buf), 0, 0, NULL));
	CHECK_EQ(-EBADF, kipc_send(-1, 1, NULL, 0, KIPC_PRIO_MAX, 0, &ts_ok));
	CHECK_EQ(-EBADF, kipc_send(-1, 1, buf, 1, 0, KIPC_ABSTIME, &ts_ok));
	CHECK_EQ(-EBADF, kipc_send(-1, 1, buf, 1, 0, KIPC_NONBLOCK, NULL));
	CHECK_EQ(-EINVAL, kipc_send(-1, 1, buf, 1, 0, KIPC_TIMEOUT, NULL));
	CHECK_EQ(-EINVAL, kipc_send(-1, 1, buf, 1, 0, KIPC_TIMEOUT, &ts_ok));
	/* Bit 9 is KIPC_RECV_FROM for RECV but KIPC_SEND_MAILBOX for SEND. */
	CHECK_EQ(-EBADF, kipc_send(-1, 1, buf, 1, 0, KIPC_SEND_MAILBOX, NULL));
	CHECK_EQ(-EINVAL, kipc_send(-1, 1, buf, 1, 0, KIPC_ABSTIME, NULL));
	CHECK_EQ(-EINVAL, kipc_send(-1, 1, buf, 1, 0, KIPC_NONBLOCK, &ts_ok));
	for (i = 0; i < sizeof(ts_bad) / sizeof(ts_bad[0]); i++)
		CHECK_EQ(-EINVAL, kipc_send(-1, 1, buf, 1, 0, 0, &ts_bad[i]));
	CHECK_EQ(-EINVAL, kipc_send(-1, 1, buf, 1, KIPC_PRIO_MAX + 1, 0, NULL));
	CHECK_EQ(-EFAULT, kipc_send(-1, 1, NULL, 1, 0, 0, NULL));
	if (SIZE_MAX > UINT32_MAX)
		CHECK_EQ(-EMSGSIZE, kipc_send(-1, 1, buf,
					      (size_t)UINT32_MAX + 1, 0, 0, NULL));

	/* recv */
	CHECK_EQ(-EBADF, kipc_recv(-1, buf, sizeof(buf), &hdr, 0, NULL));
	CHECK_EQ(-EBADF, kipc_recv(-1, NULL, 0, NULL, KIPC_RECV_PEEK, &ts_ok));
	CHECK_EQ(-EINVAL, kipc_recv(-1, buf, 1, &hdr, KIPC_TIMEOUT, NULL));
	CHECK_EQ(-EINVAL, kipc_recv(-1, buf, 1, &hdr, KIPC_RECV_FROM, NULL));
	CHECK_EQ(-EINVAL, kipc_recv(-1, buf, 1, &hdr, KIPC_ABSTIME, NULL));
	CHECK_EQ(-EINVAL, kipc_recv(-1, buf, 1, &hdr, KIPC_NONBLOCK, &ts_ok));
	for (i = 0; i < sizeof(ts_bad) / sizeof(ts_bad[0]); i++)
		CHECK_EQ(-EINVAL, kipc_recv(-1, buf, 1, NULL, 0, &ts_bad[i]));
	CHECK_EQ(-EFAULT, kipc_recv(-1, NULL, 1, &hdr, 0, NULL));
	if (SIZE_MAX > UINT32_MAX)
		CHECK_EQ(-EMSGSIZE, kipc_recv(-1, buf, (size_t)UINT32_MAX + 1,
					      NULL, 0, NULL));
	/* A failed receive leaves the header alone. */
	CHECK_EQ(42, hdr.len);

	/* recv_from: no endpoint has id 0. */
	CHECK_EQ(-EINVAL, kipc_recv_from(-1, 0, buf, 1, &hdr, 0, NULL));
	CHECK_EQ(-EBADF, kipc_recv_from(-1, 5, buf, 1, &hdr, 0, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_from(-1, 5, buf, 1, &hdr, KIPC_RECV_FROM, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_from(-1, 5, buf, 1, &hdr, KIPC_TIMEOUT, &ts_ok));

	/* recv_seq: only it names a message by its number. */
	CHECK_EQ(-EINVAL, kipc_recv_seq(-1, NULL, buf, 1, &hdr, 0, NULL));
	CHECK_EQ(-EBADF, kipc_recv_seq(-1, &seq, buf, 1, &hdr, 0, NULL));
	CHECK_EQ(-EBADF, kipc_recv_seq(-1, &seq, buf, 1, &hdr,
				       KIPC_RECV_SEQ | KIPC_RECV_PEEK, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_seq(-1, &seq, buf, 1, &hdr,
					KIPC_TIMEOUT, NULL));
	CHECK_EQ(-EINVAL, kipc_recv(-1, buf, 1, &hdr, KIPC_RECV_SEQ, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_from(-1, 5, buf, 1, &hdr, KIPC_RECV_SEQ,
					 NULL));
	CHECK_EQ(-EINVAL, kipc_recv_type(-1, 1, buf, 1, &hdr, NULL,
					 KIPC_RECV_SEQ, NULL));
	/* A failed receive leaves the number alone. */
	CHECK_EQ(7, seq);

	/* call */
	CHECK_EQ(-EINVAL, kipc_call_resume(-1, 0, buf, sizeof(buf), &hdr));
	CHECK_EQ(-EFAULT, kipc_call_resume(-1, 1, NULL, 1, &hdr));
	CHECK_EQ(-EBADF, kipc_call_resume(-1, 1, buf, sizeof(buf), &hdr));
	CHECK_EQ(-EBADF, kipc_call_resume(-1, 1, NULL, 0, NULL));
	CHECK_EQ(-EBADF, kipc_call(-1, 1, "q", 1, 0, buf, sizeof(buf), &hdr,
				   0, NULL));
	CHECK_EQ(-EBADF, kipc_call(-1, 1, NULL, 0, 0, NULL, 0, NULL,
				   KIPC_SEND_MAILBOX, &ts_ok));
	CHECK_EQ(-EINVAL, kipc_call(-1, 1, "q", 1, 0, buf, 1, NULL,
				    KIPC_NONBLOCK, NULL));
	CHECK_EQ(-EINVAL, kipc_call(-1, 1, "q", 1, 0, buf, 1, NULL,
				    KIPC_SEND_SYNC, NULL));
	CHECK_EQ(-EINVAL, kipc_call(-1, 1, "q", 1, 0, buf, 1, NULL,
				    KIPC_TIMEOUT, &ts_ok));
	CHECK_EQ(-EINVAL, kipc_call(-1, 1, "q", 1, 0, buf, 1, NULL,
				    KIPC_ABSTIME, NULL));
	CHECK_EQ(-EINVAL, kipc_call(-1, 1, "q", 1, KIPC_PRIO_MAX + 1, buf, 1,
				    NULL, 0, NULL));
	CHECK_EQ(-EINVAL, kipc_call(-1, 1, "q", 1, 0, buf, 1, NULL, 0,
				    &ts_bad[2]));
	CHECK_EQ(-EFAULT, kipc_call(-1, 1, NULL, 1, 0, buf, 1, NULL, 0, NULL));
	CHECK_EQ(-EFAULT, kipc_call(-1, 1, "q", 1, 0, NULL, 1, NULL, 0, NULL));
	if (SIZE_MAX > UINT32_MAX) {
		CHECK_EQ(-EMSGSIZE, kipc_call(-1, 1, "q", (size_t)UINT32_MAX + 1,
					      0, buf, 1, NULL, 0, NULL));
		CHECK_EQ(-EMSGSIZE, kipc_call(-1, 1, "q", 1, 0, buf,
					      (size_t)UINT32_MAX + 1, NULL, 0,
					      NULL));
	}

	/* reply */
	CHECK_EQ(-EBADF, kipc_reply(-1, 1, "r", 1));
	CHECK_EQ(-EBADF, kipc_reply(-1, 1, NULL, 0));
	CHECK_EQ(-EFAULT, kipc_reply(-1, 1, NULL, 1));
	if (SIZE_MAX > UINT32_MAX)
		CHECK_EQ(-EMSGSIZE, kipc_reply(-1, 1, "r",
					       (size_t)UINT32_MAX + 1));
	return T_EXIT_PASS;
}
