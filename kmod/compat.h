/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kipc bends to differences between the kernels it
 * supports (6.1 and newer). Each KIPC_HAVE_* is set by kmod/Kbuild from
 * the target kernel's headers or Module.symvers, not from version numbers,
 * so distribution backports work too.
 */
#ifndef _KIPC_COMPAT_H
#define _KIPC_COMPAT_H

#include <linux/mm.h>

/* vm_flags_set() replaced writing vma->vm_flags directly in 6.3. */
static inline void kipc_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#ifdef KIPC_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* _KIPC_COMPAT_H */
