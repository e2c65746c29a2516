// SPDX-License-Identifier: MIT
/*
 * SysV message queues (sysvipc(7)) on kipc mailboxes.
 *
 * A queue is a kipc mailbox, named "sysv.0x<key>" when it has a key and
 * "sysv.private.<pid>.<n>" for IPC_PRIVATE: every SysV queue of the IPC
 * namespace is a mailbox whose name starts with "sysv.", which is what
 * MSG_STAT's index counts (the n-th such mailbox in id order). Its msqid
 * is the mailbox id (ids are never reused, so a stale msqid cannot reach
 * a newer queue). Each process
 * opens a mailbox fd per msqid on first use and keeps it. Messages carry
 * their mtype as the kipc message type; msgrcv()'s msgtyp selection is
 * KIPC_RECV_TYPE, MSG_COPY's position KIPC_RECV_INDEX. Everything is sent
 * at one priority, so receive order is send order, as SysV has it. The calls are never restarted after a
 * signal handler (KIPC_NORESTART), as msgsnd() and msgrcv() are not.
 */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

/* Linux's defaults (include/uapi/linux/msg.h) for /proc/sys/kernel. */
#define MSG_DFLT_MAX		8192
#define MSG_DFLT_MNB		16384
#define MSG_DFLT_MNI		32000
/* What Linux's IPC_INFO reports, whatever the sysctls say. */
#define MSG_INFO_POOL		(MSG_DFLT_MNI * MSG_DFLT_MNB / 1024)
#define MSG_INFO_MAP		MSG_DFLT_MNB
#define MSG_INFO_TQL		MSG_DFLT_MNB
#define MSG_INFO_SSZ		16
#define MSG_INFO_SEG		0xffff

/**
 * struct msq - a queue this process has a mailbox fd for
 * @id:		msqid
 * @fd:		the mailbox fd
 * @msg_max:	the queue's largest message (for MSG_NOERROR)
 */
struct msq {
	int id;
	int fd;
	unsigned int msg_max;
};

static pthread_mutex_t msq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct msq *msqs;
static int nr_msqs, cap_msqs;

static int fail(int err)
{
	errno = -err;
	return -1;
}

static int msq_add(int id, int fd, unsigned int msg_max)
{
	struct msq *n;

	pthread_mutex_lock(&msq_lock);
	if (nr_msqs == cap_msqs) {
		n = realloc(msqs, (cap_msqs ? 2 * cap_msqs : 16) * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&msq_lock);
			return -ENOMEM;
		}
		msqs = n;
		cap_msqs = cap_msqs ? 2 * cap_msqs : 16;
	}
	msqs[nr_msqs++] = (struct msq){ .id = id, .fd = fd, .msg_max = msg_max };
	pthread_mutex_unlock(&msq_lock);
	return 0;
}

static void msq_drop(int id)
{
	int i;

	pthread_mutex_lock(&msq_lock);
	for (i = 0; i < nr_msqs; i++) {
		if (msqs[i].id == id) {
			close(msqs[i].fd);
			msqs[i] = msqs[--nr_msqs];
			break;
		}
	}
	pthread_mutex_unlock(&msq_lock);
}

/* The mailbox fd of @id, opening it on first use; -EINVAL if none. */
static int msq_get(int id, struct msq *out)
{
	struct kipc_mbox_ref r;
	struct kipc_info info;
	int i, ep, fd;

	if (id <= 0)
		return -EINVAL;
	pthread_mutex_lock(&msq_lock);
	for (i = 0; i < nr_msqs; i++) {
		if (msqs[i].id == id) {
			*out = msqs[i];
			pthread_mutex_unlock(&msq_lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&msq_lock);
	ep = shim_ep();
	if (ep < 0)
		return ep;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.id = id;
	fd = ioctl(ep, KIPC_IOC_MBOX_OPEN, &r);
	if (fd < 0)
		return errno == ENOENT ? -EINVAL : -errno;
	if (shim_stat(fd, &info) || msq_add(id, fd, info.msg_max)) {
		close(fd);
		return -EINVAL;
	}
	*out = (struct msq){ .id = id, .fd = fd, .msg_max = info.msg_max };
	return 0;
}

static long msg_limit(const char *name, long dflt)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	return shim_proc_long(path, dflt);
}

/* A new queue: named after @key unless IPC_PRIVATE. Returns its fd. */
static int msq_create(int ep, key_t key, int msgflg, int *id)
{
	struct kipc_mbox_create c;
	long mnb = msg_limit("msgmnb", MSG_DFLT_MNB);
	int fd;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.mode = msgflg & 0777;
	c.msg_max = msg_limit("msgmax", MSG_DFLT_MAX);
	c.max_bytes = mnb;
	/* SysV bounds the count by msg_qbytes too (one byte a message). */
	c.max_msgs = mnb > KIPC_QUEUE_MSGS_MAX ? KIPC_QUEUE_MSGS_MAX : mnb;
	if (key != IPC_PRIVATE) {
		snprintf(c.name, sizeof(c.name), SHIM_SYSV_PREFIX "%08x",
			 (unsigned int)key);
	} else {
		static unsigned int seq;

		/* A name only to be listed as a SysV queue; EEXIST retries. */
		snprintf(c.name, sizeof(c.name), SHIM_SYSV_PRIVATE "%d.%u",
			 (int)getpid(), __atomic_fetch_add(&seq, 1,
							   __ATOMIC_RELAXED));
	}
	fd = ioctl(ep, KIPC_IOC_MBOX_CREATE, &c);
	if (fd < 0)
		return errno == EDQUOT ? -ENOSPC : -errno;
	if (c.id > INT_MAX) {
		/* Not expressible as a msqid: give it back. */
		struct kipc_mbox_ref r = { .size = sizeof(r) };

		ioctl(fd, KIPC_IOC_MBOX_DELETE, &r);
		close(fd);
		return -ENOSPC;
	}
	*id = c.id;
	return fd;
}

/* An existing keyed queue: its id, found and checked without opening it. */
static int msq_find_key(int ep, key_t key, int msgflg, int *id)
{
	struct kipc_stat st;
	int want;

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.type = KIPC_TYPE_MAILBOX;
	snprintf(st.name, sizeof(st.name), SHIM_SYSV_PREFIX "%08x",
		 (unsigned int)key);
	if (ioctl(ep, KIPC_IOC_STAT, &st) < 0)
		return -errno;
	if (st.info.id > INT_MAX)
		return -ENOSPC;
	/* As ipcperms(): the bits asked for in msgflg, for any class. */
	want = ((msgflg >> 6) | (msgflg >> 3) | msgflg) & 7;
	if (want && shim_perm(&st.info, want))
		return -EACCES;
	*id = st.info.id;
	return 0;
}

int msgget(key_t key, int msgflg)
{
	int ep, fd, id = 0, ret;
	struct kipc_info info;

	if (!shim_kipc()) {
		int (*next)(key_t, int) = shim_next("msgget");

		return next(key, msgflg);
	}
	ep = shim_ep();
	if (ep < 0)
		return fail(ep);
	for (;;) {
		if (key != IPC_PRIVATE) {
			ret = msq_find_key(ep, key, msgflg, &id);
			if (!ret && (msgflg & IPC_CREAT) && (msgflg & IPC_EXCL))
				return fail(-EEXIST);
			if (ret != -ENOENT)
				return ret ? fail(ret) : id;
			if (!(msgflg & IPC_CREAT))
				return fail(-ENOENT);
		}
		fd = msq_create(ep, key, msgflg, &id);
		if (fd != -EEXIST)
			break;
	}
	if (fd < 0)
		return fail(fd);
	ret = shim_stat(fd, &info);
	if (!ret)
		ret = msq_add(id, fd, info.msg_max);
	if (ret) {
		close(fd);
		return fail(ret);
	}
	return id;
}

/* Map what the kernel said about an msqid we had open to SysV's words. */
static int msq_err(int id, int err)
{
	if (err == -EIDRM)
		msq_drop(id);
	return err;
}

int msgsnd(int msqid, const void *msgp, size_t msgsz, int msgflg)
{
	const long *mtype = msgp;
	struct kipc_send s;
	struct msq q;
	int ret;

	if (!shim_kipc()) {
		int (*next)(int, const void *, size_t, int) = shim_next("msgsnd");

		return next(msqid, msgp, msgsz, msgflg);
	}
	ret = msq_get(msqid, &q);
	if (ret)
		return fail(ret);
	if ((ssize_t)msgsz < 0 || msgsz > q.msg_max)
		return fail(-EINVAL);
	if (*mtype < 1)
		return fail(-EINVAL);
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.flags = KIPC_NORESTART;
	if (msgflg & IPC_NOWAIT)
		s.flags |= KIPC_NONBLOCK;
	s.buf = (uintptr_t)(mtype + 1);
	s.len = msgsz;
	s.type = *mtype;
	ret = shim_ioctl(q.fd, KIPC_IOC_SEND, &s);
	if (ret == -EMSGSIZE)
		ret = -EINVAL;
	return ret ? fail(msq_err(msqid, ret)) : 0;
}

ssize_t msgrcv(int msqid, void *msgp, size_t msgsz, long msgtyp, int msgflg)
{
	long *mtype = msgp;
	struct kipc_recv r;
	char *tmp = NULL;
	struct msq q;
	int ret;

	if (!shim_kipc()) {
		ssize_t (*next)(int, void *, size_t, long, int) =
			shim_next("msgrcv");

		return next(msqid, msgp, msgsz, msgtyp, msgflg);
	}
	/* As Linux: MSG_COPY never waits and has no MSG_EXCEPT. */
	if ((msgflg & MSG_COPY) &&
	    ((msgflg & MSG_EXCEPT) || !(msgflg & IPC_NOWAIT)))
		return fail(-EINVAL);
	ret = msq_get(msqid, &q);
	if (ret)
		return fail(ret);
	if ((ssize_t)msgsz < 0)
		return fail(-EINVAL);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = KIPC_NORESTART;
	if (msgflg & IPC_NOWAIT)
		r.flags |= KIPC_NONBLOCK;
	if (msgflg & MSG_COPY) {
		/* msgtyp is a position: a negative one finds nothing. */
		if (msgtyp < 0)
			return fail(-ENOMSG);
		r.flags |= KIPC_RECV_INDEX | KIPC_RECV_PEEK;
		r.type_sel = msgtyp;
	} else if (msgtyp) {
		r.flags |= KIPC_RECV_TYPE;
		r.type_sel = msgtyp;
		/* As Linux: MSG_EXCEPT counts only with msgtyp > 0. */
		if (msgtyp > 0 && (msgflg & MSG_EXCEPT))
			r.flags |= KIPC_RECV_EXCEPT;
	}
	r.buf = (uintptr_t)(mtype + 1);
	r.buf_len = msgsz > UINT32_MAX ? UINT32_MAX : msgsz;
	if ((msgflg & MSG_NOERROR) && msgsz < q.msg_max) {
		/* Take any message whole, then truncate it. */
		tmp = malloc(q.msg_max);
		if (!tmp)
			return fail(-ENOMEM);
		r.buf = (uintptr_t)tmp;
		r.buf_len = q.msg_max;
	}
	ret = shim_ioctl(q.fd, KIPC_IOC_RECV, &r);
	/* As Linux's copy_msg(): a copy is never truncated. */
	if (!ret && (msgflg & MSG_COPY) && r.len > msgsz)
		ret = -EINVAL;
	if (!ret && tmp)
		memcpy(mtype + 1, tmp, r.len < msgsz ? r.len : msgsz);
	free(tmp);
	if (ret == -EAGAIN)
		ret = -ENOMSG;
	else if (ret == -EMSGSIZE)
		ret = -E2BIG;
	if (ret)
		return fail(msq_err(msqid, ret));
	*mtype = r.type;
	return r.len < msgsz ? r.len : msgsz;
}

static bool msq_is_sysv(const struct kipc_info *info)
{
	return info->type == KIPC_TYPE_MAILBOX &&
	       !strncmp(info->name, "sysv.", 5);
}

/* struct msqid_ds of the queue @info describes. */
static void msq_fill(const struct kipc_info *info, struct msqid_ds *buf)
{
	unsigned int key = 0;

	if (!strncmp(info->name, SHIM_SYSV_PREFIX, strlen(SHIM_SYSV_PREFIX)))
		sscanf(info->name + strlen(SHIM_SYSV_PREFIX), "%x", &key);
	memset(buf, 0, sizeof(*buf));
	buf->msg_perm.__key = key;
	buf->msg_perm.uid = info->uid;
	buf->msg_perm.gid = info->gid;
	buf->msg_perm.cuid = info->cuid;
	buf->msg_perm.cgid = info->cgid;
	buf->msg_perm.mode = info->mode;
	buf->msg_stime = info->send_time;
	buf->msg_rtime = info->recv_time;
	buf->msg_ctime = info->change_time;
	buf->msg_qnum = info->depth;
	buf->msg_qbytes = info->max_bytes;
	buf->__msg_cbytes = info->bytes;
	buf->msg_lspid = info->send_pid;
	buf->msg_lrpid = info->recv_pid;
}

static int msq_stat(int id, struct msq *q, struct msqid_ds *buf)
{
	struct kipc_info info;
	int ret;

	ret = shim_stat(q->fd, &info);
	if (ret)
		return msq_err(id, ret == -EBADF ? -EINVAL : ret);
	ret = shim_perm(&info, 4);
	if (ret)
		return ret;
	msq_fill(&info, buf);
	return 0;
}

/* Is CAP_SYS_RESOURCE in the caller's effective set? */
static bool msq_cap_resource(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[CAP_SYS_RESOURCE / 32].effective &
	       (1U << (CAP_SYS_RESOURCE % 32));
}

static int msq_set(struct msq *q, const struct msqid_ds *buf)
{
	struct kipc_mbox_set set;
	struct kipc_info info;
	unsigned long qbytes = buf->msg_qbytes;
	int ret;

	ret = shim_stat(q->fd, &info);
	if (ret)
		return -EINVAL;
	memset(&set, 0, sizeof(set));
	set.size = sizeof(set);
	set.flags = KIPC_MBOX_SET_MODE | KIPC_MBOX_SET_UID | KIPC_MBOX_SET_GID;
	set.mode = buf->msg_perm.mode & 0777;
	set.uid = buf->msg_perm.uid;
	set.gid = buf->msg_perm.gid;
	if (qbytes != info.max_bytes) {
		/* As Linux: the owner's right up to msgmnb, beyond it
		 * CAP_SYS_RESOURCE's (the kernel checks who the owner is;
		 * either refusal is EPERM).
		 */
		if (qbytes > (unsigned long)msg_limit("msgmnb", MSG_DFLT_MNB) &&
		    !msq_cap_resource())
			return -EPERM;
		/* kipc has no empty capacity: 0 is one byte. */
		if (qbytes > UINT32_MAX)
			qbytes = UINT32_MAX;
		set.flags |= KIPC_MBOX_SET_LIMITS;
		set.max_bytes = qbytes ? qbytes : 1;
		/* SysV bounds the count by msg_qbytes too (one byte each). */
		set.max_msgs = set.max_bytes > KIPC_QUEUE_MSGS_MAX ?
			       KIPC_QUEUE_MSGS_MAX : set.max_bytes;
	}
	ret = shim_ioctl(q->fd, KIPC_IOC_MBOX_SET, &set);
	return ret == -EACCES ? -EPERM : ret;
}

/*
 * Walk the SysV queues of the namespace in id order (LIST needs no
 * permission, as MSG_STAT_ANY). Stops at index @want (filling *@found)
 * or at the end; sums depth and bytes into *@mi if given. Returns how
 * many queues it went through, or -errno.
 */
static int msq_walk(int want, struct kipc_info *found, struct msginfo *mi)
{
	struct kipc_info e[32];
	struct kipc_list l;
	uint64_t cursor = 0;
	int ep, n = 0, i;

	ep = shim_ep();
	if (ep < 0)
		return ep;
	for (;;) {
		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
		l.flags = KIPC_LIST_MAILBOXES;
		l.cursor = cursor;
		l.entries = (uintptr_t)e;
		l.count = sizeof(e) / sizeof(e[0]);
		l.entry_size = sizeof(e[0]);
		if (ioctl(ep, KIPC_IOC_LIST, &l) < 0)
			return -errno;
		if (!l.count)
			return n;
		for (i = 0; i < (int)l.count; i++) {
			if (!msq_is_sysv(&e[i]) || e[i].id > INT_MAX)
				continue;
			if (n == want) {
				*found = e[i];
				return n;
			}
			if (mi) {
				mi->msgmap += e[i].depth;
				mi->msgtql += e[i].bytes;
			}
			n++;
		}
		cursor = l.cursor;
	}
}

/* MSG_STAT, MSG_STAT_ANY: the queue at @idx; returns its msqid. */
static int msq_stat_index(int idx, int cmd, struct msqid_ds *buf)
{
	struct kipc_info info;
	int ret;

	if (idx < 0)
		return -EINVAL;
	/* Left zero when the walk ends before @idx. */
	memset(&info, 0, sizeof(info));
	ret = msq_walk(idx, &info, NULL);
	if (ret < 0)
		return ret;
	if (ret != idx || !info.id)
		return -EINVAL;
	if (cmd == MSG_STAT && shim_perm(&info, 4))
		return -EACCES;
	msq_fill(&info, buf);
	return info.id;
}

/* IPC_INFO, MSG_INFO: returns the highest index in use (0 if none). */
static int msq_info(int cmd, struct msginfo *mi)
{
	int n;

	memset(mi, 0, sizeof(*mi));
	n = msq_walk(-1, NULL, cmd == MSG_INFO ? mi : NULL);
	if (n < 0)
		return n;
	mi->msgmax = msg_limit("msgmax", MSG_DFLT_MAX);
	mi->msgmnb = msg_limit("msgmnb", MSG_DFLT_MNB);
	mi->msgmni = msg_limit("msgmni", MSG_DFLT_MNI);
	mi->msgssz = MSG_INFO_SSZ;
	mi->msgseg = MSG_INFO_SEG;
	if (cmd == MSG_INFO) {
		/* Queues in use; msgmap and msgtql: messages and bytes. */
		mi->msgpool = n;
	} else {
		mi->msgpool = MSG_INFO_POOL;
		mi->msgmap = MSG_INFO_MAP;
		mi->msgtql = MSG_INFO_TQL;
	}
	return n ? n - 1 : 0;
}

int msgctl(int msqid, int cmd, struct msqid_ds *buf)
{
	struct kipc_mbox_ref r;
	struct msq q;
	int ret;

	if (!shim_kipc()) {
		int (*next)(int, int, struct msqid_ds *) = shim_next("msgctl");

		return next(msqid, cmd, buf);
	}
	if (cmd == IPC_INFO || cmd == MSG_INFO) {
		ret = msq_info(cmd, (struct msginfo *)buf);
		return ret < 0 ? fail(ret) : ret;
	}
	if (cmd == MSG_STAT || cmd == MSG_STAT_ANY) {
		ret = msq_stat_index(msqid, cmd, buf);
		return ret < 0 ? fail(ret) : ret;
	}
	ret = msq_get(msqid, &q);
	if (ret)
		return fail(ret);
	switch (cmd) {
	case IPC_STAT:
		ret = msq_stat(msqid, &q, buf);
		break;
	case IPC_SET:
		ret = msq_set(&q, buf);
		break;
	case IPC_RMID:
		memset(&r, 0, sizeof(r));
		r.size = sizeof(r);
		ret = shim_ioctl(q.fd, KIPC_IOC_MBOX_DELETE, &r);
		if (ret == -EACCES)
			ret = -EPERM;
		if (!ret || ret == -EIDRM) {
			msq_drop(msqid);
			ret = ret ? -EINVAL : 0;
		}
		break;
	default:
		ret = -EINVAL;
	}
	if (ret == -EIDRM) {
		msq_drop(msqid);
		ret = -EINVAL;
	}
	return ret ? fail(ret) : 0;
}
