/* SPDX-License-Identifier: MIT */
/*
 * Batch and send-receive calls: counts, flags, timeouts and buffers are
 * checked before the ioctl. A check the library does not make shows up as
 * -EBADF from the kernel, since every call here uses fd -1.
 */
#include <errno.h>
#include <stdint.h>

#include "libkipc.h"
#include "helpers.h"

static const struct timespec ts_ok = { .tv_sec = 1 };
static const struct timespec ts_bad = { .tv_nsec = 1000000000L };

int main(void)
{
	struct kipc_msg_hdr hdr = { .len = 42 };
	struct kipc_mmsg m[2] = { { 0 } };
	struct kipc_xfer x = { 0 };
	unsigned int sent = 7;
	char buf[16] = "";

	/* send_batch */
	CHECK_EQ(-EBADF, kipc_send_batch(-1, 1, m, 2, 0, NULL));
	CHECK_EQ(-EBADF, kipc_send_batch(-1, 1, m, KIPC_XFER_MAX, 0, &ts_ok));
	CHECK_EQ(-EBADF, kipc_send_batch(-1, 1, m, 1, KIPC_SEND_MAILBOX, NULL));
	CHECK_EQ(-EINVAL, kipc_send_batch(-1, 1, m, 0, 0, NULL));
	CHECK_EQ(-EINVAL, kipc_send_batch(-1, 1, m, KIPC_XFER_MAX + 1, 0, NULL));
	CHECK_EQ(-EINVAL, kipc_send_batch(-1, 1, m, 1, KIPC_TIMEOUT, NULL));
	CHECK_EQ(-EINVAL, kipc_send_batch(-1, 1, m, 1, KIPC_NONBLOCK, &ts_ok));
	CHECK_EQ(-EINVAL, kipc_send_batch(-1, 1, m, 1, KIPC_ABSTIME, NULL));
	CHECK_EQ(-EINVAL, kipc_send_batch(-1, 1, m, 1, 0, &ts_bad));
	CHECK_EQ(-EFAULT, kipc_send_batch(-1, 1, NULL, 1, 0, NULL));

	/* recv_batch */
	CHECK_EQ(-EBADF, kipc_recv_batch(-1, m, 2, 0, NULL));
	CHECK_EQ(-EBADF, kipc_recv_batch(-1, m, 2, KIPC_NONBLOCK, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_batch(-1, m, 0, 0, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_batch(-1, m, KIPC_XFER_MAX + 1, 0, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_batch(-1, m, 1, KIPC_RECV_FROM, NULL));
	CHECK_EQ(-EINVAL, kipc_recv_batch(-1, m, 1, 0, &ts_bad));
	CHECK_EQ(-EFAULT, kipc_recv_batch(-1, NULL, 1, 0, NULL));

	/* sendrecv */
	CHECK_EQ(-EBADF, kipc_sendrecv(-1, 1, buf, 1, 0, buf, sizeof(buf), &hdr,
				       KIPC_SEND_MAILBOX, &ts_ok, &sent));
	CHECK_EQ(0, sent);
	CHECK_EQ(42, hdr.len);	/* untouched by a failed call */
	CHECK_EQ(-EINVAL, kipc_sendrecv(-1, 1, buf, 1, KIPC_PRIO_MAX + 1, buf,
					sizeof(buf), NULL, 0, NULL, NULL));
	CHECK_EQ(-EINVAL, kipc_sendrecv(-1, 1, buf, 1, 0, buf, sizeof(buf),
					NULL, KIPC_TIMEOUT, NULL, NULL));
	CHECK_EQ(-EFAULT, kipc_sendrecv(-1, 1, NULL, 1, 0, buf, sizeof(buf),
					NULL, 0, NULL, NULL));
	CHECK_EQ(-EFAULT, kipc_sendrecv(-1, 1, buf, 1, 0, NULL, 1, NULL, 0,
					NULL, NULL));
	if (SIZE_MAX > UINT32_MAX)
		CHECK_EQ(-EMSGSIZE, kipc_sendrecv(-1, 1, buf,
						  (size_t)UINT32_MAX + 1, 0,
						  buf, 1, NULL, 0, NULL,
						  NULL));

	/* reply_recv */
	{
		int rr = 7;

		hdr.len = 42;
		CHECK_EQ(-EBADF, kipc_reply_recv(-1, 1, buf, 1, buf,
						 sizeof(buf), &hdr, 0, &ts_ok,
						 &rr));
		CHECK_EQ(0, rr);
		CHECK_EQ(42, hdr.len);	/* untouched by a failed call */
		CHECK_EQ(-EBADF, kipc_reply_recv(-1, 0, NULL, 0, buf,
						 sizeof(buf), NULL,
						 KIPC_NONBLOCK, NULL, NULL));
		CHECK_EQ(-EINVAL, kipc_reply_recv(-1, 1, buf, 1, buf,
						  sizeof(buf), NULL,
						  KIPC_TIMEOUT, NULL, NULL));
		CHECK_EQ(-EINVAL, kipc_reply_recv(-1, 1, buf, 1, buf,
						  sizeof(buf), NULL, 0,
						  &ts_bad, NULL));
		CHECK_EQ(-EINVAL, kipc_reply_recv(-1, 1, buf, 1, buf,
						  sizeof(buf), NULL,
						  KIPC_NONBLOCK, &ts_ok, NULL));
		CHECK_EQ(-EFAULT, kipc_reply_recv(-1, 1, NULL, 1, buf,
						  sizeof(buf), NULL, 0, NULL,
						  NULL));
		CHECK_EQ(-EFAULT, kipc_reply_recv(-1, 1, buf, 1, NULL, 1,
						  NULL, 0, NULL, NULL));
	}

	/* xfer: fills size and entry_size, clears the outputs */
	x.sent = 5;
	x.received = 5;
	CHECK_EQ(-EBADF, kipc_xfer(-1, &x));
	CHECK_EQ(sizeof(x), x.size);
	CHECK_EQ(sizeof(struct kipc_mmsg), x.entry_size);
	CHECK_EQ(0, x.sent);
	CHECK_EQ(0, x.received);
	CHECK_EQ(-EFAULT, kipc_xfer(-1, NULL));
	return 0;
}
