/* SPDX-License-Identifier: MIT */
/* Endpoints: opening /dev/kipc, who we are, naming and inbox limits. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "libkipc.h"
#include "lib.h"
#include "syscall.h"

int kipc_open(unsigned int flags)
{
	int fd;

	if (flags & ~KIPC_OPEN_NONBLOCK)
		return -EINVAL;
	fd = open(KIPC_DEVICE, O_RDWR | O_CLOEXEC |
		  ((flags & KIPC_OPEN_NONBLOCK) ? O_NONBLOCK : 0));
	return fd < 0 ? -errno : fd;
}

int kipc_version(int fd, struct kipc_version *ver)
{
	if (!ver)
		return -EINVAL;
	memset(ver, 0, sizeof(*ver));
	return __kipc_ioctl(fd, KIPC_IOC_VERSION, ver);
}

int kipc_ep_id(int fd, uint64_t *id)
{
	struct kipc_version ver;
	int ret;

	if (!id)
		return -EINVAL;
	ret = kipc_version(fd, &ver);
	if (ret < 0)
		return ret;
	*id = ver.endpoint_id;
	return 0;
}

int kipc_ep_set_name(int fd, const char *name)
{
	struct kipc_ep_set set;
	int ret;

	memset(&set, 0, sizeof(set));
	set.size = sizeof(set);
	set.flags = KIPC_EP_SET_NAME;
	ret = __kipc_copy_required_name(set.name, name);
	if (ret < 0)
		return ret;
	return __kipc_ioctl(fd, KIPC_IOC_EP_SET, &set);
}

int kipc_ep_set_limits(int fd, unsigned int max_msgs, unsigned int max_bytes,
		       unsigned int msg_max)
{
	struct kipc_ep_set set;

	if (max_msgs > KIPC_QUEUE_MSGS_MAX)
		return -EINVAL;
	memset(&set, 0, sizeof(set));
	set.size = sizeof(set);
	set.flags = KIPC_EP_SET_LIMITS;
	set.max_msgs = max_msgs;
	set.max_bytes = max_bytes;
	set.msg_max = msg_max;
	return __kipc_ioctl(fd, KIPC_IOC_EP_SET, &set);
}

int kipc_ep_lookup(int fd, const char *name, uint64_t *id)
{
	struct kipc_info info;
	int ret;

	if (!id)
		return -EINVAL;
	ret = kipc_stat_name(fd, KIPC_TYPE_ENDPOINT, name, &info);
	if (ret < 0)
		return ret;
	*id = info.id;
	return 0;
}
