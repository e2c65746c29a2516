/* SPDX-License-Identifier: MIT */
/* Mailboxes: create, open, delete, change mode and owner. */
#include <string.h>

#include "libkipc.h"
#include "lib.h"
#include "syscall.h"

int kipc_mbox_create(int ep, const char *name,
		     const struct kipc_mbox_attr *attr, uint64_t *id)
{
	struct kipc_mbox_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	ret = __kipc_copy_name(c.name, name);
	if (ret < 0)
		return ret;
	if (attr) {
		c.flags = attr->flags;
		c.max_msgs = attr->max_msgs;
		c.max_bytes = attr->max_bytes;
		c.msg_max = attr->msg_max;
		c.mode = attr->mode;
	} else {
		c.max_msgs = KIPC_MBOX_DEFAULT_MSGS;
		c.mode = 0600;
	}
	if (c.mode > 0777 || c.max_msgs > KIPC_QUEUE_MSGS_MAX)
		return -EINVAL;
	ret = __kipc_ioctl(ep, KIPC_IOC_MBOX_CREATE, &c);
	if (ret >= 0 && id)
		*id = c.id;
	return ret;
}

static int mbox_open(int ep, uint64_t id, const char *name, uint64_t *idp)
{
	struct kipc_mbox_ref ref;
	int ret;

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.id = id;
	if (name) {
		ret = __kipc_copy_required_name(ref.name, name);
		if (ret < 0)
			return ret;
	} else if (!id) {
		return -EINVAL;
	}
	ret = __kipc_ioctl(ep, KIPC_IOC_MBOX_OPEN, &ref);
	if (ret >= 0 && idp)
		*idp = ref.id;
	return ret;
}

int kipc_mbox_open(int ep, const char *name, uint64_t *id)
{
	if (!name)
		return -EINVAL;
	return mbox_open(ep, 0, name, id);
}

int kipc_mbox_open_id(int ep, uint64_t id)
{
	return mbox_open(ep, id, NULL, NULL);
}

int kipc_mbox_delete(int fd, uint64_t id)
{
	struct kipc_mbox_ref ref;

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.id = id;
	return __kipc_ioctl(fd, KIPC_IOC_MBOX_DELETE, &ref);
}

int kipc_mbox_delete_name(int fd, const char *name)
{
	struct kipc_mbox_ref ref;
	int ret;

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ret = __kipc_copy_required_name(ref.name, name);
	if (ret < 0)
		return ret;
	return __kipc_ioctl(fd, KIPC_IOC_MBOX_DELETE, &ref);
}

int kipc_mbox_unlink(int fd, const char *name)
{
	struct kipc_mbox_ref ref;
	int ret;

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.flags = KIPC_MBOX_DELETE_UNLINK;
	ret = __kipc_copy_required_name(ref.name, name);
	if (ret < 0)
		return ret;
	return __kipc_ioctl(fd, KIPC_IOC_MBOX_DELETE, &ref);
}

static int mbox_set(int fd, struct kipc_mbox_set *set)
{
	set->size = sizeof(*set);
	return __kipc_ioctl(fd, KIPC_IOC_MBOX_SET, set);
}

int kipc_mbox_set_mode(int fd, uint64_t id, unsigned int mode)
{
	struct kipc_mbox_set set;

	if (mode > 0777)
		return -EINVAL;
	memset(&set, 0, sizeof(set));
	set.flags = KIPC_MBOX_SET_MODE;
	set.id = id;
	set.mode = mode;
	return mbox_set(fd, &set);
}

int kipc_mbox_set_owner(int fd, uint64_t id, uid_t uid, gid_t gid)
{
	struct kipc_mbox_set set;

	memset(&set, 0, sizeof(set));
	set.id = id;
	if (uid != (uid_t)-1) {
		set.flags |= KIPC_MBOX_SET_UID;
		set.uid = uid;
	}
	if (gid != (gid_t)-1) {
		set.flags |= KIPC_MBOX_SET_GID;
		set.gid = gid;
	}
	return mbox_set(fd, &set);
}

int kipc_mbox_set_limits(int fd, uint64_t id, unsigned int max_msgs,
			 unsigned int max_bytes)
{
	struct kipc_mbox_set set;

	if (!max_msgs || max_msgs > KIPC_QUEUE_MSGS_MAX || !max_bytes)
		return -EINVAL;
	memset(&set, 0, sizeof(set));
	set.flags = KIPC_MBOX_SET_LIMITS;
	set.id = id;
	set.max_msgs = max_msgs;
	set.max_bytes = max_bytes;
	return mbox_set(fd, &set);
}
