/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kipc bends to differences between the kernels it
 * supports (6.1 and newer). Each KIPC_HAVE_* is set by kmod/Kbuild from
 * the target kernel's headers or Module.symvers, not from version numbers,
 * so distribution backports work too.
 */
#ifndef _KIPC_COMPAT_H
#define _KIPC_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/sched.h>
#ifdef KIPC_HAVE_IO_URING_CMD_H
#include <linux/io_uring/cmd.h>
#else
#include <linux/io_uring.h>
#endif

/* vm_flags_set() replaced writing vma->vm_flags directly in 6.3. */
static inline void kipc_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#ifdef KIPC_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * The 16-byte command area of an IORING_OP_URING_CMD SQE. 6.1 hands the
 * driver a pointer to it (io_uring_cmd.cmd); from 6.6 the driver gets the
 * SQE (io_uring_cmd.sqe) and reads the area with io_uring_sqe_cmd(). In
 * both, io_uring copies the SQE before a command is retried from io-wq.
 */
static inline const void *kipc_uring_cmd_area(const struct io_uring_cmd *ioucmd)
{
#ifdef KIPC_HAVE_IO_URING_SQE_CMD
	return io_uring_sqe_cmd(ioucmd->sqe);
#else
	return ioucmd->cmd;
#endif
}

/*
 * Parked io_uring receives and calls (uring_park.c, uring_call.c) need
 * io_uring's cancel hook for uring_cmd (io_uring_cmd_mark_cancelable(),
 * IO_URING_F_CANCEL; 6.7): it is how ring exit and task exit reach a
 * command no thread waits in. Without it (6.1) a parked command would
 * make ring exit wait forever, so there kipc never parks: a RECV or CALL
 * that must wait is retried from an io-wq worker that sleeps in the
 * ordinary wait code, one thread per waiting command, as every other
 * waiting command is on all kernels (see ioctl.c). The helpers below are
 * never called then.
 *
 * A completion run by an exiting task or for a dying ring gets
 * IO_URING_F_TASK_DEAD (6.8); before it, those run in a kernel thread or
 * in the exiting task, which the task flags tell.
 */
#define KIPC_URING_PDU_SIZE	sizeof_field(struct io_uring_cmd, pdu)

static inline void *kipc_uring_cmd_pdu(struct io_uring_cmd *ioucmd)
{
	return ioucmd->pdu;
}

#ifdef KIPC_HAVE_IO_URING_CMD_CANCEL
static inline bool kipc_uring_can_park(void)
{
	return true;
}

static inline bool kipc_uring_is_cancel(unsigned int issue_flags)
{
	return issue_flags & IO_URING_F_CANCEL;
}

static inline bool kipc_uring_task_dead(unsigned int issue_flags)
{
#ifdef KIPC_HAVE_IO_URING_F_TASK_DEAD
	return issue_flags & IO_URING_F_TASK_DEAD;
#else
	return current->flags & (PF_EXITING | PF_KTHREAD);
#endif
}

static inline void kipc_uring_mark_cancelable(struct io_uring_cmd *ioucmd,
					      unsigned int issue_flags)
{
	io_uring_cmd_mark_cancelable(ioucmd, issue_flags);
}

static inline void kipc_uring_done(struct io_uring_cmd *ioucmd, int ret,
				   unsigned int issue_flags)
{
	io_uring_cmd_done(ioucmd, ret, 0, issue_flags);
}

static inline void
kipc_uring_in_task(struct io_uring_cmd *ioucmd,
		   void (*fn)(struct io_uring_cmd *, unsigned int))
{
	io_uring_cmd_complete_in_task(ioucmd, fn);
}
#else
static inline bool kipc_uring_can_park(void)
{
	return false;
}

static inline bool kipc_uring_is_cancel(unsigned int issue_flags)
{
	return false;
}

static inline bool kipc_uring_task_dead(unsigned int issue_flags)
{
	return true;
}

static inline void kipc_uring_mark_cancelable(struct io_uring_cmd *ioucmd,
					      unsigned int issue_flags)
{
	WARN_ON_ONCE(1);
}

static inline void kipc_uring_done(struct io_uring_cmd *ioucmd, int ret,
				   unsigned int issue_flags)
{
	WARN_ON_ONCE(1);
}

static inline void
kipc_uring_in_task(struct io_uring_cmd *ioucmd,
		   void (*fn)(struct io_uring_cmd *, unsigned int))
{
	WARN_ON_ONCE(1);
}
#endif

/* eventfd_signal() lost its count argument in 6.8 (it always added 1). */
static inline void kipc_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef KIPC_HAVE_EVENTFD_SIGNAL_1
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

#endif /* _KIPC_COMPAT_H */
