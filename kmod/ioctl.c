// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl front end: one table says, for every command, its handler,
 * its argument struct's size (and smallest accepted size), which kinds of
 * fd accept it and whether io_uring may issue it. The table drives the
 * argument copy, the fd-kind check and the ABI size assertions, so a
 * handler starts with its argument in kernel memory, zero-extended, and
 * knows it runs on a fd it serves.
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "kipc_internal.h"

/* Room for the largest argument struct. */
#define KIPC_ARG_MAX	256

/**
 * struct kipc_ioc - one command
 * @cmd:	the ioctl number (its size bits are not compared: structs grow)
 * @fn:		handler
 * @ksize:	sizeof its argument struct, 0 if it has none to copy in
 * @ver0:	smallest size user space may pass
 * @fds:	KIPC_FD_* that accept it
 * @uring:	may be issued as an io_uring command
 */
struct kipc_ioc {
	unsigned int cmd;
	int (*fn)(struct kipc_ctx *ctx, void *karg);
	u16 ksize;
	u16 ver0;
	u8 fds;
	bool uring;
};

#define KIPC_EP_OR_MBOX	(KIPC_FD_EP | KIPC_FD_MBOX)

#define IOC(_cmd, _fn, _type, _ver0, _fds, _uring)			\
	{ .cmd = _cmd, .fn = _fn, .ksize = sizeof(_type),		\
	  .ver0 = _ver0, .fds = _fds, .uring = _uring }
#define IOC_NOARG(_cmd, _fn, _fds)					\
	{ .cmd = _cmd, .fn = _fn, .fds = _fds }
#define KIPC_EP_OR_SEM	(KIPC_FD_EP | KIPC_FD_SEM)
#define KIPC_EP_OR_MUTEX (KIPC_FD_EP | KIPC_FD_MUTEX)
#define KIPC_FD_STAT	(KIPC_EP_OR_MBOX | KIPC_FD_SEM | KIPC_FD_MUTEX)

static int kipc_ioc_version(struct kipc_ctx *ctx, void *karg);

static const struct kipc_ioc kipc_iocs[] = {
	IOC_NOARG(KIPC_IOC_VERSION, kipc_ioc_version, KIPC_EP_OR_MBOX),
	IOC(KIPC_IOC_EP_SET, kipc_ioc_ep_set, struct kipc_ep_set,
	    KIPC_EP_SET_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_SEND, kipc_ioc_send, struct kipc_send,
	    KIPC_SEND_SIZE_VER0, KIPC_EP_OR_MBOX, true),
	IOC(KIPC_IOC_RECV, kipc_ioc_recv, struct kipc_recv,
	    KIPC_RECV_SIZE_VER0, KIPC_EP_OR_MBOX, true),
	IOC(KIPC_IOC_CALL, kipc_ioc_call, struct kipc_call,
	    KIPC_CALL_SIZE_VER0, KIPC_EP_OR_MBOX, true),
	IOC(KIPC_IOC_REPLY, kipc_ioc_reply, struct kipc_reply,
	    KIPC_REPLY_SIZE_VER0, KIPC_EP_OR_MBOX, true),
	IOC(KIPC_IOC_NOTIFY, kipc_ioc_notify, struct kipc_notify,
	    KIPC_NOTIFY_SIZE_VER0, KIPC_EP_OR_MBOX, false),
	IOC(KIPC_IOC_MBOX_CREATE, kipc_ioc_mbox_create, struct kipc_mbox_create,
	    KIPC_MBOX_CREATE_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_MBOX_OPEN, kipc_ioc_mbox_open, struct kipc_mbox_ref,
	    KIPC_MBOX_REF_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_MBOX_DELETE, kipc_ioc_mbox_delete, struct kipc_mbox_ref,
	    KIPC_MBOX_REF_SIZE_VER0, KIPC_EP_OR_MBOX, false),
	IOC(KIPC_IOC_MBOX_SET, kipc_ioc_mbox_set, struct kipc_mbox_set,
	    KIPC_MBOX_SET_SIZE_VER0, KIPC_EP_OR_MBOX, false),
	IOC(KIPC_IOC_STAT, kipc_ioc_stat, struct kipc_stat,
	    KIPC_STAT_SIZE_VER0, KIPC_FD_STAT, false),
	IOC(KIPC_IOC_LIST, kipc_ioc_list, struct kipc_list,
	    KIPC_LIST_SIZE_VER0, KIPC_EP_OR_MBOX, false),
	IOC(KIPC_IOC_USAGE, kipc_ioc_usage, struct kipc_usage,
	    KIPC_USAGE_SIZE_VER0, KIPC_EP_OR_MBOX, false),
	IOC(KIPC_IOC_XFER, kipc_ioc_xfer, struct kipc_xfer,
	    KIPC_XFER_SIZE_VER0, KIPC_EP_OR_MBOX, true),
	IOC(KIPC_IOC_SENDRECV, kipc_ioc_sendrecv, struct kipc_sendrecv,
	    KIPC_SENDRECV_SIZE_VER0, KIPC_EP_OR_MBOX, false),
	IOC(KIPC_IOC_REPLY_RECV, kipc_ioc_reply_recv, struct kipc_reply_recv,
	    KIPC_REPLY_RECV_SIZE_VER0, KIPC_EP_OR_MBOX, false),
	IOC(KIPC_IOC_RING_CREATE, kipc_ioc_ring_create, struct kipc_ring_create,
	    KIPC_RING_CREATE_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_RING_ATTACH, kipc_ioc_ring_attach, struct kipc_ring_attach,
	    KIPC_RING_ATTACH_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_RING_DELETE, kipc_ioc_ring_delete, struct kipc_mbox_ref,
	    KIPC_MBOX_REF_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_RING_WAIT, kipc_ioc_ring_wait, struct kipc_ring_wait,
	    KIPC_RING_WAIT_SIZE_VER0, KIPC_FD_RING, false),
	IOC_NOARG(KIPC_IOC_RING_WAKE, kipc_ioc_ring_wake, KIPC_FD_RING),
	IOC(KIPC_IOC_SEM_CREATE, kipc_ioc_sem_create, struct kipc_sem_create,
	    KIPC_SEM_CREATE_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_SEM_OPEN, kipc_ioc_sem_open, struct kipc_mbox_ref,
	    KIPC_MBOX_REF_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_SEM_DELETE, kipc_ioc_sem_delete, struct kipc_mbox_ref,
	    KIPC_MBOX_REF_SIZE_VER0, KIPC_EP_OR_SEM, false),
	IOC(KIPC_IOC_SEM_WAIT, kipc_ioc_sem_wait, struct kipc_sem_op,
	    KIPC_SEM_OP_SIZE_VER0, KIPC_FD_SEM, true),
	IOC(KIPC_IOC_SEM_POST, kipc_ioc_sem_post, struct kipc_sem_op,
	    KIPC_SEM_OP_SIZE_VER0, KIPC_FD_SEM, false),
	IOC(KIPC_IOC_MUTEX_CREATE, kipc_ioc_mutex_create,
	    struct kipc_mutex_create, KIPC_MUTEX_CREATE_SIZE_VER0, KIPC_FD_EP,
	    false),
	IOC(KIPC_IOC_MUTEX_OPEN, kipc_ioc_mutex_open, struct kipc_mbox_ref,
	    KIPC_MBOX_REF_SIZE_VER0, KIPC_FD_EP, false),
	IOC(KIPC_IOC_MUTEX_DELETE, kipc_ioc_mutex_delete, struct kipc_mbox_ref,
	    KIPC_MBOX_REF_SIZE_VER0, KIPC_EP_OR_MUTEX, false),
	IOC(KIPC_IOC_MUTEX_LOCK, kipc_ioc_mutex_lock, struct kipc_mutex_lock,
	    KIPC_MUTEX_LOCK_SIZE_VER0, KIPC_FD_MUTEX, true),
	IOC_NOARG(KIPC_IOC_MUTEX_UNLOCK, kipc_ioc_mutex_unlock, KIPC_FD_MUTEX),
	IOC_NOARG(KIPC_IOC_MUTEX_CONSISTENT, kipc_ioc_mutex_consistent,
		  KIPC_FD_MUTEX),
};

/* Compare ioctl numbers without their size bits (structs may grow). */
#define KIPC_CMD(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

/* The ABI the table relies on. */
static_assert(sizeof(struct kipc_timespec) == 16);
static_assert(sizeof(struct kipc_version) == 16);
static_assert(sizeof(struct kipc_msg_hdr) == 56);
static_assert(sizeof(struct kipc_send) == KIPC_SEND_SIZE_VER1);
static_assert(sizeof(struct kipc_recv) == KIPC_RECV_SIZE_VER2);
static_assert(sizeof(struct kipc_call) == KIPC_CALL_SIZE_VER0);
static_assert(sizeof(struct kipc_reply) == KIPC_REPLY_SIZE_VER0);
static_assert(sizeof(struct kipc_ep_set) == KIPC_EP_SET_SIZE_VER0);
static_assert(sizeof(struct kipc_mbox_create) == KIPC_MBOX_CREATE_SIZE_VER0);
static_assert(sizeof(struct kipc_mbox_ref) == KIPC_MBOX_REF_SIZE_VER0);
static_assert(sizeof(struct kipc_mbox_set) == KIPC_MBOX_SET_SIZE_VER1);
static_assert(sizeof(struct kipc_notify) == KIPC_NOTIFY_SIZE_VER1);
static_assert(sizeof(struct kipc_info) == KIPC_INFO_SIZE_VER1);
static_assert(sizeof(struct kipc_stat) == KIPC_STAT_SIZE_VER1);
static_assert(offsetof(struct kipc_stat, info) + KIPC_INFO_SIZE_VER1 ==
	      KIPC_STAT_SIZE_VER1);
static_assert(offsetof(struct kipc_info, cuid) == KIPC_INFO_SIZE_VER0);
static_assert(offsetof(struct kipc_mbox_set, max_msgs) ==
	      KIPC_MBOX_SET_SIZE_VER0);
static_assert(sizeof(struct kipc_list) == KIPC_LIST_SIZE_VER0);
static_assert(sizeof(struct kipc_mmsg) == KIPC_MMSG_SIZE_VER0);
static_assert(sizeof(struct kipc_mmsg_seq) == KIPC_MMSG_SIZE_VER1);
static_assert(sizeof(struct kipc_xfer) == KIPC_XFER_SIZE_VER0);
static_assert(sizeof(struct kipc_sendrecv) == KIPC_SENDRECV_SIZE_VER0);
static_assert(sizeof(struct kipc_reply_recv) == KIPC_REPLY_RECV_SIZE_VER0);
static_assert(offsetof(struct kipc_sendrecv, size) == 0);
static_assert(offsetof(struct kipc_reply_recv, size) == 0);
static_assert(sizeof(struct kipc_usage) == KIPC_USAGE_SIZE_VER1);
static_assert(sizeof(struct kipc_ring_create) == KIPC_RING_CREATE_SIZE_VER0);
static_assert(sizeof(struct kipc_ring_attach) == KIPC_RING_ATTACH_SIZE_VER1);
static_assert(sizeof(struct kipc_ring_wait) == KIPC_RING_WAIT_SIZE_VER0);
static_assert(sizeof(struct kipc_sem_create) == KIPC_SEM_CREATE_SIZE_VER0);
static_assert(sizeof(struct kipc_sem_op) == KIPC_SEM_OP_SIZE_VER0);
static_assert(sizeof(struct kipc_mutex_create) == KIPC_MUTEX_CREATE_SIZE_VER0);
static_assert(sizeof(struct kipc_mutex_lock) == KIPC_MUTEX_LOCK_SIZE_VER0);
static_assert(offsetof(struct kipc_sem_op, size) == 0);
static_assert(offsetof(struct kipc_mutex_lock, size) == 0);
static_assert(offsetof(struct kipc_send, size) == 0);
static_assert(offsetof(struct kipc_stat, size) == 0);
static_assert(offsetof(struct kipc_ring_wait, size) == 0);
static_assert(sizeof(struct kipc_stat) <= KIPC_ARG_MAX);
static_assert(sizeof(struct kipc_ring_attach) <= KIPC_ARG_MAX);
static_assert(sizeof(struct kipc_call) <= KIPC_ARG_MAX);

/*
 * Read an extensible argument: the user's struct starts with its size;
 * a larger struct than the kernel knows must be zero past what it knows.
 */
static int kipc_copy_arg(void *karg, size_t ksize, size_t ver0,
			 const void __user *uarg, size_t *usize)
{
	u32 size;
	int ret;

	if (get_user(size, (const u32 __user *)uarg))
		return -EFAULT;
	if (size < ver0)
		return -EINVAL;
	if (size > KIPC_USIZE_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, size);
	if (ret)
		return ret;
	*usize = min_t(size_t, size, ksize);
	return 0;
}

/**
 * kipc_copy_out() - copy a command's argument struct back to user space
 * @ctx:	the command
 * @karg:	the kernel copy
 *
 * Copies as many bytes as both sides know.
 *
 * Return: 0 or -EFAULT.
 */
int kipc_copy_out(struct kipc_ctx *ctx, const void *karg)
{
	return copy_to_user(ctx->uarg, karg, ctx->usize) ? -EFAULT : 0;
}

static int kipc_ioc_version(struct kipc_ctx *ctx, void *karg)
{
	struct kipc_version v = {
		.abi = KIPC_ABI_VERSION,
		.version = KIPC_VERSION_CODE(KIPC_VERSION_MAJOR,
					     KIPC_VERSION_MINOR,
					     KIPC_VERSION_PATCH),
		.endpoint_id = ctx->ep->obj.id,
	};

	return copy_to_user(ctx->uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* Command number -> table entry; filled once at module load. */
#define KIPC_IOC_NR_MAX	0x50
static const struct kipc_ioc *kipc_ioc_by_nr[KIPC_IOC_NR_MAX] __ro_after_init;

/**
 * kipc_ioctl_init() - index the command table by command number
 */
void __init kipc_ioctl_init(void)
{
	unsigned int i, nr;

	for (i = 0; i < ARRAY_SIZE(kipc_iocs); i++) {
		nr = _IOC_NR(kipc_iocs[i].cmd);
		if (WARN_ON(nr >= KIPC_IOC_NR_MAX || kipc_ioc_by_nr[nr]))
			continue;
		kipc_ioc_by_nr[nr] = &kipc_iocs[i];
	}
}

static const struct kipc_ioc *kipc_ioc_find(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct kipc_ioc *ioc;

	if (_IOC_TYPE(cmd) != KIPC_IOC_MAGIC || nr >= KIPC_IOC_NR_MAX)
		return NULL;
	ioc = kipc_ioc_by_nr[nr];
	if (!ioc || KIPC_CMD(ioc->cmd) != KIPC_CMD(cmd))
		return NULL;
	/* Commands without an argument struct have a fixed number. */
	if (!ioc->ksize && ioc->cmd != cmd)
		return NULL;
	return ioc;
}

static unsigned int kipc_ctx_fd(const struct kipc_ctx *ctx)
{
	if (ctx->ring_file)
		return KIPC_FD_RING;
	if (ctx->obj)
		return ctx->obj->ops->type == KIPC_TYPE_SEM ? KIPC_FD_SEM :
							      KIPC_FD_MUTEX;
	return ctx->mb ? KIPC_FD_MBOX : KIPC_FD_EP;
}

static long kipc_dispatch(struct kipc_ctx *ctx, const struct kipc_ioc *ioc,
			  void __user *uarg)
{
	u64 karg[KIPC_ARG_MAX / sizeof(u64)];
	int ret;

	if (!ioc || !(ioc->fds & kipc_ctx_fd(ctx)))
		return -ENOTTY;
	ctx->uarg = uarg;
	ctx->usize = 0;
	if (ioc->ksize) {
		ret = kipc_copy_arg(karg, ioc->ksize, ioc->ver0, uarg,
				    &ctx->usize);
		if (ret)
			return ret;
	}
	return ioc->fn(ctx, karg);
}

/**
 * kipc_ioctl() - ioctl entry of every kipc fd
 * @ctx:	the fd
 * @cmd:	ioctl number
 * @arg:	user pointer to the argument
 *
 * Return: >= 0 on success, a negative errno as documented in the uapi
 * header otherwise; -ENOTTY for a command this fd does not serve.
 */
long kipc_ioctl(struct kipc_ctx *ctx, unsigned int cmd, unsigned long arg)
{
	return kipc_dispatch(ctx, kipc_ioc_find(cmd), (void __user *)arg);
}

/*
 * io_uring commands: IORING_OP_URING_CMD with cmd_op the ioctl number and
 * the SQE's command area a struct kipc_uring_cmd pointing at the ioctl's
 * argument struct, so a command runs the very ioctl handler (same flags,
 * errors and stamped headers).
 *
 * A command never waits in the submitting task. io_uring first issues it
 * inline with IO_URING_F_NONBLOCK; SEND and RECV then make non-blocking
 * attempts (ctx->nowait).
 *
 * Where io_uring has the uring_cmd cancel hook (ctx->park, see compat.h),
 * a RECV that finds nothing parks instead (uring_park.c): it returns
 * -EIOCBQUEUED and completes later through io_uring_cmd_done(), when a
 * sender hands it a message, its timeout fires, its queue dies, or
 * io_uring cancels it (ring exit, task exit: the IO_URING_F_CANCEL issue
 * below). No thread waits for it. An XFER whose first receive finds
 * nothing parks that receive the same way, after its sends. A CALL sends
 * its request without waiting and parks its wait for the reply the same
 * way (uring_call.c).
 * IORING_OP_ASYNC_CANCEL never reaches them: io_uring does not route it
 * to drivers' cancel hooks.
 *
 * Every other command that must wait returns -EAGAIN with nothing done
 * (no message sent, dequeued or requested): SEND, an XFER whose first
 * send must wait, a CALL whose request cannot be queued at once, and on
 * kernels without the hook a RECV, a receiving XFER and every CALL (the
 * CALL, and an XFER that sends and then receives without parking, before
 * doing anything: a retry after a send would send again). io_uring's
 * retry from one of its io-wq workers, without IO_URING_F_NONBLOCK, is
 * then the whole operation;
 * there it sleeps in the ordinary wait code until it completes. A
 * relative timeout counts from the retry. Cancelling a command that io-wq
 * is running (ASYNC_CANCEL, ring close, process exit) interrupts the
 * worker's sleep as a signal would; the command then ends with -ECANCELED
 * and, like an interrupted ioctl, has sent or dequeued nothing (an
 * interrupted CALL is abandoned, not parked; an XFER's sends stand, as
 * its counts say). Deleting a mailbox or closing an endpoint wakes the
 * worker with the ioctl's error. The cost is
 * one io-wq worker per blocked command; io_uring bounds these
 * (IORING_REGISTER_IOWQ_MAX_WORKERS).
 */

/**
 * kipc_uring_cmd() - IORING_OP_URING_CMD on an endpoint, mailbox,
 *	semaphore or mutex fd
 * @ctx:	the fd, as for an ioctl
 * @ioucmd:	the command: cmd_op is the ioctl number, the command area a
 *		struct kipc_uring_cmd
 * @issue_flags: IO_URING_F_*; with IO_URING_F_NONBLOCK the command must not
 *		sleep; IO_URING_F_CANCEL: io_uring cancels a parked command
 *
 * Return: the ioctl's result; -EAGAIN (with IO_URING_F_NONBLOCK only) to
 * have io_uring retry from io-wq; -EIOCBQUEUED for a parked RECV, XFER
 * or CALL, which completes later, and for an -EAGAIN answer completed
 * at once; -ECANCELED when the command was cancelled while waiting;
 * -ENOTTY for a command io_uring may not issue; -EINVAL for a non-zero
 * reserved field; 0 for a cancellation.
 */
int kipc_uring_cmd(struct kipc_ctx *ctx, struct io_uring_cmd *ioucmd,
		   unsigned int issue_flags)
{
	const struct kipc_uring_cmd *area;
	const struct kipc_ioc *ioc;
	void __user *uarg;
	int ret;

	/* The SQE may be gone by now: only a parked command gets here. */
	if (kipc_uring_is_cancel(issue_flags)) {
		kipc_uring_cancel(ioucmd, issue_flags);
		return 0;
	}
	area = kipc_uring_cmd_area(ioucmd);
	uarg = u64_to_user_ptr(READ_ONCE(area->arg));
	ioc = kipc_ioc_find(READ_ONCE(ioucmd->cmd_op));
	if (READ_ONCE(area->reserved))
		return -EINVAL;
	if (!ioc || !ioc->uring)
		return -ENOTTY;
	ctx->nowait = issue_flags & IO_URING_F_NONBLOCK;
	ctx->uring = true;
	ctx->park = kipc_uring_can_park();
	ctx->ioucmd = ioucmd;
	ctx->issue_flags = issue_flags;
	/*
	 * A CALL always waits for its reply: where it cannot park that
	 * wait, go to io-wq at once.
	 */
	if (ctx->nowait && !ctx->park && ioc->fn == kipc_ioc_call)
		return -EAGAIN;
	ctx->eagain_final = false;
	ret = kipc_dispatch(ctx, ioc, uarg);
	/*
	 * An -EAGAIN that is the answer (KIPC_NONBLOCK, O_NONBLOCK, an XFER
	 * that sent) completes here: returned, it would send the command to
	 * an io-wq worker only to get the same answer there, or repeat its
	 * sends. Where io_uring lacks the cancel hook, kipc does not call
	 * io_uring_cmd_done() from the issue path: the worker gives the
	 * answer (an XFER that sends goes there before sending).
	 */
	if (ret == -EAGAIN && ctx->nowait && ctx->eagain_final && ctx->park) {
		kipc_uring_done(ioucmd, ret, issue_flags);
		return -EIOCBQUEUED;
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
