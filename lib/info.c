/* SPDX-License-Identifier: MIT */
/* Arrival notification and introspection: notify, stat, list. */
#include <signal.h>
#include <string.h>

#include "libkipc.h"
#include "lib.h"
#include "syscall.h"

int kipc_notify(int fd, int signo, unsigned int flags)
{
	struct kipc_notify n;

	if (signo < 0 || signo > SIGRTMAX)
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	n.flags = flags;
	n.signo = signo;
	return __kipc_ioctl(fd, KIPC_IOC_NOTIFY, &n);
}

int kipc_notify_value(int fd, int signo, uint64_t value, unsigned int flags)
{
	struct kipc_notify n;

	if (signo <= 0 || signo > SIGRTMAX)
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	n.flags = flags;
	n.signo = signo;
	n.value = value;
	return __kipc_ioctl(fd, KIPC_IOC_NOTIFY, &n);
}

int kipc_notify_eventfd(int fd, int efd, unsigned int flags)
{
	struct kipc_notify n;

	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	n.flags = flags | KIPC_NOTIFY_EVENTFD;
	n.efd = efd;
	return __kipc_ioctl(fd, KIPC_IOC_NOTIFY, &n);
}

/*
 * struct kipc_info grew at KIPC_0.4 (creator ids, last send and receive,
 * change time). Programs linked against an older libkipc pass the
 * KIPC_INFO_SIZE_VER0 struct they were built with: their kipc_stat(),
 * kipc_stat_name() and kipc_list() (the KIPC_0.1 versions) write only
 * that much; the KIPC_0.4 versions write the struct of this header.
 */
static int stat_common(int fd, struct kipc_stat *st, void *info, size_t isize)
{
	int ret;

	st->size = sizeof(*st);
	ret = __kipc_ioctl(fd, KIPC_IOC_STAT, st);
	if (ret < 0)
		return ret;
	memcpy(info, &st->info, isize);
	return 0;
}

static int stat_id(int fd, uint64_t id, void *info, size_t isize)
{
	struct kipc_stat st;

	if (!info)
		return -EINVAL;
	memset(&st, 0, sizeof(st));
	st.id = id;
	return stat_common(fd, &st, info, isize);
}

static int stat_name(int fd, unsigned int type, const char *name,
		     void *info, size_t isize)
{
	struct kipc_stat st;
	int ret;

	if (!info)
		return -EINVAL;
	if (type < KIPC_TYPE_ENDPOINT || type > KIPC_TYPE_MUTEX)
		return -EINVAL;
	memset(&st, 0, sizeof(st));
	st.type = type;
	ret = __kipc_copy_required_name(st.name, name);
	if (ret < 0)
		return ret;
	return stat_common(fd, &st, info, isize);
}

static int list(int fd, unsigned int flags, uint64_t *cursor, void *entries,
		unsigned int count, size_t esize)
{
	struct kipc_list l;
	int ret;

	if (!cursor || !entries || !count)
		return -EINVAL;
	if (!(flags & (KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES | KIPC_LIST_RINGS)))
		return -EINVAL;
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.flags = flags;
	l.cursor = *cursor;
	l.entries = __kipc_ptr(entries);
	l.count = count > KIPC_LIST_MAX ? KIPC_LIST_MAX : count;
	l.entry_size = esize;
	ret = __kipc_ioctl(fd, KIPC_IOC_LIST, &l);
	if (ret < 0)
		return ret;
	if (l.count)
		*cursor = l.cursor;
	return l.count;
}

#ifdef KIPC_SHARED
/* The shared library's default versions are KIPC_0.4 (see above). */
#define kipc_stat __kipc_stat_v04
#define kipc_stat_name __kipc_stat_name_v04
#define kipc_list __kipc_list_v04
int kipc_stat(int fd, uint64_t id, struct kipc_info *info);
int kipc_stat_name(int fd, unsigned int type, const char *name,
		   struct kipc_info *info);
int kipc_list(int fd, unsigned int flags, uint64_t *cursor,
	      struct kipc_info *entries, unsigned int count);
#endif

int kipc_stat(int fd, uint64_t id, struct kipc_info *info)
{
	return stat_id(fd, id, info, sizeof(*info));
}

int kipc_stat_name(int fd, unsigned int type, const char *name,
		   struct kipc_info *info)
{
	return stat_name(fd, type, name, info, sizeof(*info));
}

int kipc_list(int fd, unsigned int flags, uint64_t *cursor,
	      struct kipc_info *entries, unsigned int count)
{
	return list(fd, flags, cursor, entries, count, sizeof(*entries));
}

#ifdef KIPC_SHARED
int __kipc_stat_v01(int fd, uint64_t id, void *info);
int __kipc_stat_name_v01(int fd, unsigned int type, const char *name,
			 void *info);
int __kipc_list_v01(int fd, unsigned int flags, uint64_t *cursor,
		    void *entries, unsigned int count);

int __kipc_stat_v01(int fd, uint64_t id, void *info)
{
	return stat_id(fd, id, info, KIPC_INFO_SIZE_VER0);
}

int __kipc_stat_name_v01(int fd, unsigned int type, const char *name,
			 void *info)
{
	return stat_name(fd, type, name, info, KIPC_INFO_SIZE_VER0);
}

int __kipc_list_v01(int fd, unsigned int flags, uint64_t *cursor,
		    void *entries, unsigned int count)
{
	return list(fd, flags, cursor, entries, count, KIPC_INFO_SIZE_VER0);
}

__asm__(".symver __kipc_stat_v01, kipc_stat@KIPC_0.1");
__asm__(".symver __kipc_stat_name_v01, kipc_stat_name@KIPC_0.1");
__asm__(".symver __kipc_list_v01, kipc_list@KIPC_0.1");
__asm__(".symver __kipc_stat_v04, kipc_stat@@KIPC_0.4");
__asm__(".symver __kipc_stat_name_v04, kipc_stat_name@@KIPC_0.4");
__asm__(".symver __kipc_list_v04, kipc_list@@KIPC_0.4");
#endif

/* USAGE into the first @size bytes of *@usage, all the caller has. */
static int usage_sized(int fd, struct kipc_usage *usage, size_t size)
{
	int ret;

	if (!usage)
		return -EINVAL;
	memset(usage, 0, size);
	usage->size = size;
	ret = __kipc_ioctl(fd, KIPC_IOC_USAGE, usage);
	return ret < 0 ? ret : 0;
}

/*
 * struct kipc_usage grew in KIPC_0.4 (syncs, syncs_max). Programs linked
 * against KIPC_0.3 pass the older, shorter struct: their kipc_usage()
 * must write no byte past it. The static library has only the new one.
 */
#ifdef __PIC__
__attribute__((symver("kipc_usage@KIPC_0.3")))
int kipc_usage_ver0(int fd, struct kipc_usage *usage);
int kipc_usage_ver0(int fd, struct kipc_usage *usage)
{
	return usage_sized(fd, usage, KIPC_USAGE_SIZE_VER0);
}

__attribute__((symver("kipc_usage@@KIPC_0.4")))
int kipc_usage_ver1(int fd, struct kipc_usage *usage);
int kipc_usage_ver1(int fd, struct kipc_usage *usage)
{
	return usage_sized(fd, usage, sizeof(*usage));
}
#else
int kipc_usage(int fd, struct kipc_usage *usage)
{
	return usage_sized(fd, usage, sizeof(*usage));
}
#endif
