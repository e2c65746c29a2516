/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kipc: message passing and shared-memory rings behind /dev/kipc.
 *
 * This header is the ABI between kipc.ko and user space. It is shared
 * verbatim by the module and by libkipc.
 */
#ifndef _UAPI_LINUX_KIPC_H
#define _UAPI_LINUX_KIPC_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* 0xB7 is unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define KIPC_IOC_MAGIC		0xB7

/* ABI version reported by KIPC_IOC_VERSION; bumped on incompatible change. */
#define KIPC_ABI_VERSION	1

/**
 * struct kipc_version - ABI and module version, filled by KIPC_IOC_VERSION
 * @abi:	KIPC_ABI_VERSION of the loaded module
 * @reserved:	zero
 * @endpoint_id: id of the endpoint the calling fd is
 */
struct kipc_version {
	__u32 abi;
	__u32 reserved;
	__u64 endpoint_id;
};

#define KIPC_IOC_VERSION	_IOR(KIPC_IOC_MAGIC, 0x00, struct kipc_version)

#endif /* _UAPI_LINUX_KIPC_H */
