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
 * kipc needs nothing else from io_uring: it never completes a command
 * asynchronously (see ioctl.c), so io_uring_cmd_done(), whose signature
 * changed in between, is not used.
 */
static inline const void *kipc_uring_cmd_area(const struct io_uring_cmd *ioucmd)
{
#ifdef KIPC_HAVE_IO_URING_SQE_CMD
	return io_uring_sqe_cmd(ioucmd->sqe);
#else
	return ioucmd->cmd;
#endif
}

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
