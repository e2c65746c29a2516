/* SPDX-License-Identifier: MIT */
/* Semaphores and mutexes: create, open, delete, wait/post, lock/unlock. */
#include <string.h>

#include "libkipc.h"
#include "lib.h"
#include "syscall.h"

/* Blocking flags the callers pass; KIPC_TIMEOUT comes from @timeout. */
#define SYNC_DERIVED	KIPC_TIMEOUT

static int sync_ref(int fd, unsigned long cmd, uint64_t id, const char *name,
		    uint64_t *idp)
{
	struct kipc_mbox_ref ref;
	int ret;

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.id = id;
	if (!id) {
		ret = __kipc_copy_required_name(ref.name, name);
		if (ret < 0)
			return ret;
	}
	ret = __kipc_ioctl(fd, cmd, &ref);
	if (ret >= 0 && idp)
		*idp = ref.id;
	return ret;
}

static int sync_delete(int fd, unsigned long cmd, uint64_t id)
{
	struct kipc_mbox_ref ref;

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.id = id;
	return __kipc_ioctl(fd, cmd, &ref);
}

int kipc_sem_create(int ep, const char *name, unsigned int value,
		    unsigned int max, unsigned int mode, uint64_t *id)
{
	struct kipc_sem_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	ret = __kipc_copy_name(c.name, name);
	if (ret < 0)
		return ret;
	if (mode > 0777 || max > KIPC_SEM_VALUE_MAX ||
	    value > (max ? max : KIPC_SEM_VALUE_MAX))
		return -EINVAL;
	c.value = value;
	c.max = max;
	c.mode = mode;
	ret = __kipc_ioctl(ep, KIPC_IOC_SEM_CREATE, &c);
	if (ret >= 0 && id)
		*id = c.id;
	return ret;
}

int kipc_sem_open(int ep, const char *name, uint64_t *id)
{
	return sync_ref(ep, KIPC_IOC_SEM_OPEN, 0, name, id);
}

int kipc_sem_open_id(int ep, uint64_t id)
{
	if (!id)
		return -EINVAL;
	return sync_ref(ep, KIPC_IOC_SEM_OPEN, id, NULL, NULL);
}

int kipc_sem_delete(int fd, uint64_t id)
{
	return sync_delete(fd, KIPC_IOC_SEM_DELETE, id);
}

int kipc_sem_wait(int sem, unsigned int n, unsigned int flags,
		  const struct timespec *timeout)
{
	struct kipc_sem_op op;
	int ret;

	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.n = n;
	ret = __kipc_timeout(&flags, SYNC_DERIVED, &op.timeout, timeout);
	if (ret < 0)
		return ret;
	op.flags = flags;
	ret = __kipc_ioctl(sem, KIPC_IOC_SEM_WAIT, &op);
	return ret < 0 ? ret : (int)op.value;
}

int kipc_sem_post(int sem, unsigned int n, unsigned int flags)
{
	struct kipc_sem_op op;
	int ret;

	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.flags = flags;
	op.n = n;
	ret = __kipc_ioctl(sem, KIPC_IOC_SEM_POST, &op);
	return ret < 0 ? ret : (int)op.value;
}

int kipc_mutex_create(int ep, const char *name, unsigned int flags,
		      unsigned int mode, uint64_t *id)
{
	struct kipc_mutex_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	ret = __kipc_copy_name(c.name, name);
	if (ret < 0)
		return ret;
	if (mode > 0777)
		return -EINVAL;
	c.flags = flags;
	c.mode = mode;
	ret = __kipc_ioctl(ep, KIPC_IOC_MUTEX_CREATE, &c);
	if (ret >= 0 && id)
		*id = c.id;
	return ret;
}

int kipc_mutex_open(int ep, const char *name, uint64_t *id)
{
	return sync_ref(ep, KIPC_IOC_MUTEX_OPEN, 0, name, id);
}

int kipc_mutex_open_id(int ep, uint64_t id)
{
	if (!id)
		return -EINVAL;
	return sync_ref(ep, KIPC_IOC_MUTEX_OPEN, id, NULL, NULL);
}

int kipc_mutex_delete(int fd, uint64_t id)
{
	return sync_delete(fd, KIPC_IOC_MUTEX_DELETE, id);
}

int kipc_mutex_lock(int m, unsigned int flags, const struct timespec *timeout)
{
	struct kipc_mutex_lock l;
	int ret;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	ret = __kipc_timeout(&flags, SYNC_DERIVED, &l.timeout, timeout);
	if (ret < 0)
		return ret;
	l.flags = flags;
	return __kipc_ioctl(m, KIPC_IOC_MUTEX_LOCK, &l);
}

int kipc_mutex_unlock(int m)
{
	return __kipc_ioctl(m, KIPC_IOC_MUTEX_UNLOCK, NULL);
}

int kipc_mutex_consistent(int m)
{
	return __kipc_ioctl(m, KIPC_IOC_MUTEX_CONSISTENT, NULL);
}
