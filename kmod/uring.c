// SPDX-License-Identifier: GPL-2.0
/*
 * kipc io_uring commands: IORING_OP_URING_CMD on endpoint and mailbox fds.
 *
 * cmd_op is the ioctl number and the SQE's command area holds a struct
 * kipc_uring_cmd pointing at the ioctl's argument struct, so a command runs
 * the very ioctl handler (same flags, errors and stamped headers).
 *
 * Blocking: a command never waits in the submitting task. io_uring first
 * issues it inline with IO_URING_F_NONBLOCK; kipc then makes SEND and RECV
 * non-blocking attempts (ctx->nowait) and answers every CALL with -EAGAIN
 * before doing anything, since a CALL always waits for its reply. On
 * -EAGAIN io_uring retries the command from one of its io-wq workers
 * without IO_URING_F_NONBLOCK, and there it blocks in the ordinary sleeping
 * code of queue.c and call.c until it completes. Nothing has happened when
 * the inline attempt returns -EAGAIN (no message sent, dequeued or
 * requested), so the retry is the whole operation. A relative timeout
 * counts from the retry.
 *
 * This keeps kipc free of asynchronous completion state: no command is ever
 * parked in kipc, so there is nothing to cancel or leak. Cancelling a
 * command that io-wq is running (IORING_OP_ASYNC_CANCEL, ring close,
 * process exit) interrupts the worker's sleep as a signal would; the
 * command then ends with -ECANCELED and, like an interrupted ioctl, has not
 * sent or dequeued anything. Deleting a mailbox or closing an endpoint
 * wakes the worker with the ioctl's error (-EIDRM, -ECONNRESET, ...). The
 * cost is one io-wq worker per blocked command; io_uring bounds these
 * (IORING_REGISTER_IOWQ_MAX_WORKERS) and queues further commands until a
 * worker is free. It works unchanged on 6.1 and 6.12, whose asynchronous
 * completion and cancellation interfaces differ (see compat.h).
 */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include "compat.h"
#include "kipc.h"

/**
 * kipc_uring_cmd() - IORING_OP_URING_CMD on an endpoint or mailbox fd
 * @ctx:	the fd, as for an ioctl
 * @ioucmd:	the command: cmd_op is the ioctl number, the command area a
 *		struct kipc_uring_cmd
 * @issue_flags: IO_URING_F_*; with IO_URING_F_NONBLOCK the command must not
 *		sleep
 *
 * Context: process context (the submitting task, the SQPOLL thread or an
 * io-wq worker), no locks held.
 *
 * Return: the ioctl's result; -EAGAIN (with IO_URING_F_NONBLOCK only) to
 * have io_uring retry from io-wq; -ECANCELED when the command was
 * cancelled while waiting; -ENOTTY for a cmd_op other than SEND, RECV,
 * CALL and REPLY; -EINVAL for a non-zero reserved field.
 */
int kipc_uring_cmd(struct kipc_ctx *ctx, struct io_uring_cmd *ioucmd,
		   unsigned int issue_flags)
{
	const struct kipc_uring_cmd *area = kipc_uring_cmd_area(ioucmd);
	void __user *uarg = u64_to_user_ptr(READ_ONCE(area->arg));
	u32 op = READ_ONCE(ioucmd->cmd_op);
	int ret;

	if (READ_ONCE(area->reserved))
		return -EINVAL;
	ctx->nowait = issue_flags & IO_URING_F_NONBLOCK;

	switch (KIPC_CMD(op)) {
	case KIPC_CMD(KIPC_IOC_SEND):
		ret = kipc_ioc_send(ctx, uarg);
		break;
	case KIPC_CMD(KIPC_IOC_RECV):
		ret = kipc_ioc_recv(ctx, uarg);
		break;
	case KIPC_CMD(KIPC_IOC_CALL):
		if (ctx->nowait)
			return -EAGAIN;
		ret = kipc_ioc_call(ctx, uarg);
		break;
	case KIPC_CMD(KIPC_IOC_REPLY):
		ret = kipc_ioc_reply(ctx, uarg);
		break;
	default:
		return -ENOTTY;
	}
	/*
	 * Only a cancellation interrupts an io-wq worker: io_uring never
	 * delivers the process's signals to it, and the inline attempt does
	 * not sleep.
	 */
	if (ret == -ERESTARTSYS || ret == -EINTR)
		ret = -ECANCELED;
	return ret;
}
