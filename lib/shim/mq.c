// SPDX-License-Identifier: MIT
/*
 * POSIX message queues (mq_overview(7)) on kipc mailboxes.
 *
 * A queue "/name" is the kipc mailbox called "/name": mqd_t is the
 * mailbox fd (O_CLOEXEC, so poll, select, epoll and fork work and exec
 * closes it, as on Linux). What the fd itself cannot carry is kept per
 * process, by fd: the access mode it was opened with and the queue's
 * message size. mq_unlink() unlinks the mailbox (the name goes, open
 * descriptors keep it); mq_notify() arms KIPC_IOC_NOTIFY with the
 * mq_notify() rules (one-shot, quiet while a receiver waits).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

/* Linux's defaults and ceilings (ipc/mqueue.c), for /proc/sys/fs/mqueue. */
#define MQ_DFLT_MAXMSG		10
#define MQ_DFLT_MSGSIZE		8192
#define MQ_HARD_MAXMSG		65536
#define MQ_HARD_MSGSIZE		(16 * 1024 * 1024)

/* Cancels a SIGEV_THREAD helper: more than notifications ever add. */
#define MQ_EFD_CANCEL		(1ULL << 40)

/**
 * struct mqd - what this process knows of one of its queue descriptors
 * @used:	the entry describes an open queue
 * @acc:	O_RDONLY, O_WRONLY or O_RDWR
 * @msgsize:	the queue's mq_msgsize
 * @efd:	eventfd of this process's SIGEV_THREAD registration, or -1
 */
struct mqd {
	bool used;
	int acc;
	long msgsize;
	int efd;
};

static pthread_mutex_t mqd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mqd *mqds;
static int nr_mqds;

static int mqd_set(int fd, int acc, long msgsize)
{
	struct mqd *n;
	int cnt;

	pthread_mutex_lock(&mqd_lock);
	if (fd >= nr_mqds) {
		cnt = fd < 64 ? 64 : 2 * fd;
		n = realloc(mqds, cnt * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&mqd_lock);
			return -ENOMEM;
		}
		memset(n + nr_mqds, 0, (cnt - nr_mqds) * sizeof(*n));
		mqds = n;
		nr_mqds = cnt;
	}
	mqds[fd] = (struct mqd){ .used = true, .acc = acc, .msgsize = msgsize,
				 .efd = -1 };
	pthread_mutex_unlock(&mqd_lock);
	return 0;
}

/*
 * Look @fd up. A queue fd this process did not open itself (passed over a
 * socket) is adopted read-write once kipc confirms it is a mailbox.
 */
static int mqd_get(int fd, struct mqd *out)
{
	struct kipc_info info;
	int ret = -EBADF;

	if (fd < 0)
		return -EBADF;
	pthread_mutex_lock(&mqd_lock);
	if (fd < nr_mqds && mqds[fd].used) {
		*out = mqds[fd];
		ret = 0;
	}
	pthread_mutex_unlock(&mqd_lock);
	if (!ret)
		return 0;
	if (shim_stat(fd, &info))
		return -EBADF;
	ret = mqd_set(fd, O_RDWR, info.msg_max);
	if (ret)
		return ret;
	return mqd_get(fd, out);
}

/* Forget @fd; returns the eventfd of its SIGEV_THREAD helper, or -1. */
static int mqd_put(int fd)
{
	int efd = -1;

	pthread_mutex_lock(&mqd_lock);
	if (fd >= 0 && fd < nr_mqds) {
		efd = mqds[fd].efd;
		memset(&mqds[fd], 0, sizeof(mqds[fd]));
	}
	pthread_mutex_unlock(&mqd_lock);
	return efd;
}

static int fail(int err)
{
	errno = -err;
	return -1;
}

/* "/name" -> the mailbox name (the same string), as Linux checks it. */
static int mq_name(const char *name, char *out)
{
	size_t len;

	if (!name || name[0] != '/')
		return -EINVAL;
	len = strlen(name);
	if (len - 1 > NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 1)
		return -ENOENT;
	if (strchr(name + 1, '/'))
		return -EACCES;
	/* kipc names are shorter than NAME_MAX: a documented difference. */
	if (len >= KIPC_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(out, name, len + 1);
	return 0;
}

static mode_t current_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned int m;
	mode_t old;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "Umask: %o", &m) == 1) {
				fclose(f);
				return m;
			}
		}
		fclose(f);
	}
	/* Racy with other threads, as the only other way is. */
	old = umask(022);
	umask(old);
	return old;
}

/* mq_attr -> kipc limits, with Linux's defaults and checks. */
static int mq_limits(const struct mq_attr *attr, struct kipc_mbox_create *c)
{
	bool priv = geteuid() == 0;
	long maxmsg, msgsize, lim_msg, lim_size;

	if (!attr) {
		maxmsg = shim_proc_long("/proc/sys/fs/mqueue/msg_default",
					MQ_DFLT_MAXMSG);
		msgsize = shim_proc_long("/proc/sys/fs/mqueue/msgsize_default",
					 MQ_DFLT_MSGSIZE);
	} else {
		maxmsg = attr->mq_maxmsg;
		msgsize = attr->mq_msgsize;
		if (maxmsg <= 0 || msgsize <= 0)
			return -EINVAL;
		lim_msg = priv ? MQ_HARD_MAXMSG :
			shim_proc_long("/proc/sys/fs/mqueue/msg_max",
				       MQ_DFLT_MAXMSG);
		lim_size = priv ? MQ_HARD_MSGSIZE :
			shim_proc_long("/proc/sys/fs/mqueue/msgsize_max",
				       MQ_DFLT_MSGSIZE);
		if (maxmsg > lim_msg || msgsize > lim_size)
			return -EINVAL;
	}
	if (maxmsg > KIPC_QUEUE_MSGS_MAX)
		return -EINVAL;
	c->max_msgs = maxmsg;
	c->msg_max = msgsize;
	/* The queue holds mq_maxmsg messages of any size up to msgsize. */
	c->max_bytes = (uint64_t)maxmsg * msgsize > UINT32_MAX ?
		UINT32_MAX : maxmsg * msgsize;
	return 0;
}

static int mq_create(int ep, const char *kname, mode_t mode,
		     const struct mq_attr *attr)
{
	struct kipc_mbox_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.mode = mode & ~current_umask() & 0777;
	strcpy(c.name, kname);
	ret = mq_limits(attr, &c);
	if (ret)
		return ret;
	ret = ioctl(ep, KIPC_IOC_MBOX_CREATE, &c);
	if (ret >= 0)
		return ret;
	switch (errno) {
	case EMSGSIZE:
	case ENOBUFS:
		return -EINVAL;
	case EDQUOT:
		return -ENOMEM;
	default:
		return -errno;
	}
}

static int mq_open_existing(int ep, const char *kname, int acc)
{
	static const int want[] = {
		[O_RDONLY] = 4, [O_WRONLY] = 2, [O_RDWR] = 6,
	};
	struct kipc_mbox_ref r;
	struct kipc_info info;
	int fd, ret;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	strcpy(r.name, kname);
	fd = ioctl(ep, KIPC_IOC_MBOX_OPEN, &r);
	if (fd < 0)
		return -errno;
	/* As Linux: access mode 3 only for a queue it creates. */
	if (acc == O_ACCMODE) {
		close(fd);
		return -EINVAL;
	}
	ret = shim_stat(fd, &info);
	if (!ret)
		ret = shim_perm(&info, want[acc]);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static mqd_t kipc_mq_open(const char *name, int oflag, mode_t mode,
			  const struct mq_attr *attr)
{
	char kname[KIPC_NAME_MAX];
	int acc = oflag & O_ACCMODE;
	struct kipc_info info;
	int ep, fd = -EEXIST, ret;

	ret = mq_name(name, kname);
	if (ret)
		return fail(ret);
	ep = shim_ep();
	if (ep < 0)
		return fail(ep);
	/*
	 * As Linux: what exists is opened (O_EXCL: EEXIST) whatever attr
	 * says; only a queue that does not exist is created, with attr
	 * checked. Until one of them sticks.
	 */
	for (;;) {
		fd = mq_open_existing(ep, kname, acc);
		if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) &&
		    fd != -ENOENT) {
			if (fd >= 0)
				close(fd);
			fd = -EEXIST;
			break;
		}
		if (fd != -ENOENT || !(oflag & O_CREAT))
			break;
		fd = mq_create(ep, kname, mode, attr);
		if (fd != -EEXIST)
			break;
	}
	if (fd < 0)
		return fail(fd);
	if (oflag & O_NONBLOCK)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	ret = shim_stat(fd, &info);
	if (!ret)
		ret = mqd_set(fd, acc, info.msg_max);
	if (ret) {
		close(fd);
		return fail(ret);
	}
	return fd;
}

mqd_t mq_open(const char *name, int oflag, ...)
{
	struct mq_attr *attr = NULL;
	mode_t mode = 0;
	va_list ap;

	if (oflag & O_CREAT) {
		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
	}
	if (!shim_kipc()) {
		mqd_t (*next)(const char *, int, ...) = shim_next("mq_open");

		return next(name, oflag, mode, attr);
	}
	return kipc_mq_open(name, oflag, mode, attr);
}

/*
 * Stop this process's SIGEV_THREAD helper of @efd, if there is one (it
 * may have run and gone already), and close @efd: the table owns it.
 */
static void mq_thread_cancel(int efd)
{
	uint64_t v = MQ_EFD_CANCEL;

	if (efd < 0)
		return;
	if (write(efd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	close(efd);
}

int mq_close(mqd_t mqdes)
{
	struct mqd d;

	if (!shim_kipc()) {
		int (*next)(mqd_t) = shim_next("mq_close");

		return next(mqdes);
	}
	if (mqd_get(mqdes, &d))
		return fail(-EBADF);
	mq_thread_cancel(mqd_put(mqdes));
	/* Closing drops this process's notification, as on Linux. */
	return close(mqdes);
}

int mq_unlink(const char *name)
{
	char kname[KIPC_NAME_MAX];
	struct kipc_mbox_ref r;
	int ep, ret;

	if (!shim_kipc()) {
		int (*next)(const char *) = shim_next("mq_unlink");

		return next(name);
	}
	ret = mq_name(name, kname);
	if (ret)
		return fail(ret);
	ep = shim_ep();
	if (ep < 0)
		return fail(ep);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = KIPC_MBOX_DELETE_UNLINK;
	strcpy(r.name, kname);
	ret = shim_ioctl(ep, KIPC_IOC_MBOX_DELETE, &r);
	return ret ? fail(ret) : 0;
}

static int mq_do_send(mqd_t mqdes, const char *ptr, size_t len,
		      unsigned int prio, const struct timespec *abs)
{
	struct kipc_send s;
	struct mqd d;
	int ret;

	if (prio >= MQ_PRIO_MAX)
		return fail(-EINVAL);
	if (mqd_get(mqdes, &d) || (d.acc != O_WRONLY && d.acc != O_RDWR))
		return fail(-EBADF);
	if (len > (size_t)d.msgsize)
		return fail(-EMSGSIZE);
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.buf = (uintptr_t)ptr;
	s.len = len;
	s.priority = prio;
	if (abs)
		s.flags = KIPC_NONBLOCK;
	ret = shim_ioctl(mqdes, KIPC_IOC_SEND, &s);
	if (ret == -EAGAIN && abs && !(fcntl(mqdes, F_GETFL) & O_NONBLOCK)) {
		/* It would block: now, and only now, the deadline counts. */
		ret = shim_rel_timeout(abs, &s.timeout);
		s.flags = KIPC_TIMEOUT;
		if (!ret)
			ret = shim_ioctl(mqdes, KIPC_IOC_SEND, &s);
	}
	return ret ? fail(ret) : 0;
}

int mq_send(mqd_t mqdes, const char *ptr, size_t len, unsigned int prio)
{
	if (!shim_kipc()) {
		int (*next)(mqd_t, const char *, size_t, unsigned int) =
			shim_next("mq_send");

		return next(mqdes, ptr, len, prio);
	}
	return mq_do_send(mqdes, ptr, len, prio, NULL);
}

int mq_timedsend(mqd_t mqdes, const char *ptr, size_t len, unsigned int prio,
		 const struct timespec *abs)
{
	if (!shim_kipc()) {
		int (*next)(mqd_t, const char *, size_t, unsigned int,
			    const struct timespec *) = shim_next("mq_timedsend");

		return next(mqdes, ptr, len, prio, abs);
	}
	return mq_do_send(mqdes, ptr, len, prio, abs);
}

static ssize_t mq_do_receive(mqd_t mqdes, char *ptr, size_t len,
			     unsigned int *prio, const struct timespec *abs)
{
	struct kipc_recv r;
	struct mqd d;
	int ret;

	if (mqd_get(mqdes, &d) || (d.acc != O_RDONLY && d.acc != O_RDWR))
		return fail(-EBADF);
	if (len < (size_t)d.msgsize)
		return fail(-EMSGSIZE);
	memset(&r, 0, sizeof(r));
	r.size = KIPC_RECV_SIZE_VER0;
	r.buf = (uintptr_t)ptr;
	r.buf_len = len > UINT32_MAX ? UINT32_MAX : len;
	if (abs)
		r.flags = KIPC_NONBLOCK;
	ret = shim_ioctl(mqdes, KIPC_IOC_RECV, &r);
	if (ret == -EAGAIN && abs && !(fcntl(mqdes, F_GETFL) & O_NONBLOCK)) {
		ret = shim_rel_timeout(abs, &r.timeout);
		r.flags = KIPC_TIMEOUT;
		if (!ret)
			ret = shim_ioctl(mqdes, KIPC_IOC_RECV, &r);
	}
	if (ret)
		return fail(ret);
	if (prio)
		*prio = r.hdr.priority;
	return r.len;
}

ssize_t mq_receive(mqd_t mqdes, char *ptr, size_t len, unsigned int *prio)
{
	if (!shim_kipc()) {
		ssize_t (*next)(mqd_t, char *, size_t, unsigned int *) =
			shim_next("mq_receive");

		return next(mqdes, ptr, len, prio);
	}
	return mq_do_receive(mqdes, ptr, len, prio, NULL);
}

ssize_t mq_timedreceive(mqd_t mqdes, char *ptr, size_t len,
			unsigned int *prio, const struct timespec *abs)
{
	if (!shim_kipc()) {
		ssize_t (*next)(mqd_t, char *, size_t, unsigned int *,
				const struct timespec *) =
			shim_next("mq_timedreceive");

		return next(mqdes, ptr, len, prio, abs);
	}
	return mq_do_receive(mqdes, ptr, len, prio, abs);
}

static int mq_attr_of(mqd_t mqdes, struct mq_attr *attr)
{
	struct kipc_info info;
	int fl, ret;

	ret = shim_stat(mqdes, &info);
	if (ret)
		return -EBADF;
	fl = fcntl(mqdes, F_GETFL);
	if (fl < 0)
		return -EBADF;
	memset(attr, 0, sizeof(*attr));
	attr->mq_flags = fl & O_NONBLOCK;
	attr->mq_maxmsg = info.max_msgs;
	attr->mq_msgsize = info.msg_max;
	attr->mq_curmsgs = info.depth;
	return 0;
}

int mq_getattr(mqd_t mqdes, struct mq_attr *attr)
{
	struct mqd d;
	int ret;

	if (!shim_kipc()) {
		int (*next)(mqd_t, struct mq_attr *) = shim_next("mq_getattr");

		return next(mqdes, attr);
	}
	if (mqd_get(mqdes, &d))
		return fail(-EBADF);
	ret = mq_attr_of(mqdes, attr);
	return ret ? fail(ret) : 0;
}

int mq_setattr(mqd_t mqdes, const struct mq_attr *newattr,
	       struct mq_attr *oldattr)
{
	struct mq_attr old;
	struct mqd d;
	int fl, ret;

	if (!shim_kipc()) {
		int (*next)(mqd_t, const struct mq_attr *, struct mq_attr *) =
			shim_next("mq_setattr");

		return next(mqdes, newattr, oldattr);
	}
	if (mqd_get(mqdes, &d))
		return fail(-EBADF);
	if (newattr->mq_flags & ~(long)O_NONBLOCK)
		return fail(-EINVAL);
	ret = mq_attr_of(mqdes, &old);
	if (ret)
		return fail(ret);
	fl = fcntl(mqdes, F_GETFL);
	fl = (fl & ~O_NONBLOCK) | (newattr->mq_flags & O_NONBLOCK);
	if (fcntl(mqdes, F_SETFL, fl) < 0)
		return -1;
	if (oldattr)
		*oldattr = old;
	return 0;
}

/**
 * struct mq_thread - a SIGEV_THREAD registration's helper
 * @efd:	the eventfd kipc adds to when the queue notifies
 * @sev:	what to run, and how
 */
struct mq_thread {
	int efd;
	struct sigevent sev;
};

static void *mq_thread_run(void *arg)
{
	struct mq_thread *t = arg;
	void (*fn)(union sigval) = t->sev.sigev_notify_function;
	union sigval v = t->sev.sigev_value;
	uint64_t n = 0;
	ssize_t r;

	/* Not made detached: the caller's attributes are not ours to edit. */
	pthread_detach(pthread_self());
	do {
		r = read(t->efd, &n, sizeof(n));
	} while (r < 0 && errno == EINTR);
	free(t);
	/* Cancelled: the registration went (mq_notify(NULL), mq_close()). */
	if (r != sizeof(n) || n >= MQ_EFD_CANCEL)
		return NULL;
	fn(v);
	return NULL;
}

static int mq_notify_thread(mqd_t mqdes, const struct sigevent *sev,
			    struct kipc_notify *n)
{
	pthread_attr_t *attr = sev->sigev_notify_attributes;
	struct mq_thread *t;
	pthread_t tid;
	int ret, efd;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->sev = *sev;
	t->efd = eventfd(0, EFD_CLOEXEC);
	if (t->efd < 0) {
		free(t);
		return -errno;
	}
	n->flags |= KIPC_NOTIFY_EVENTFD;
	n->efd = t->efd;
	efd = t->efd;
	ret = shim_ioctl(mqdes, KIPC_IOC_NOTIFY, n);
	if (!ret) {
		ret = -pthread_create(&tid, attr, mq_thread_run, t);
		if (ret) {
			n->flags = 0;
			shim_ioctl(mqdes, KIPC_IOC_NOTIFY, n);
		}
	}
	if (ret) {
		close(efd);
		free(t);
		return ret;
	}
	/* The helper owns @t now; the table owns the eventfd. */
	pthread_mutex_lock(&mqd_lock);
	if (mqdes < nr_mqds) {
		mq_thread_cancel(mqds[mqdes].efd);
		mqds[mqdes].efd = efd;
	}
	pthread_mutex_unlock(&mqd_lock);
	return 0;
}

int mq_notify(mqd_t mqdes, const struct sigevent *sev)
{
	struct kipc_notify n;
	struct mqd d;
	int ret, efd;

	if (!shim_kipc()) {
		int (*next)(mqd_t, const struct sigevent *) =
			shim_next("mq_notify");

		return next(mqdes, sev);
	}
	if (mqd_get(mqdes, &d))
		return fail(-EBADF);
	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	if (!sev) {
		ret = shim_ioctl(mqdes, KIPC_IOC_NOTIFY, &n);
		if (!ret) {
			pthread_mutex_lock(&mqd_lock);
			efd = mqds[mqdes].efd;
			mqds[mqdes].efd = -1;
			pthread_mutex_unlock(&mqd_lock);
			mq_thread_cancel(efd);
		}
		return ret ? fail(ret) : 0;
	}
	n.flags = KIPC_NOTIFY_ONESHOT | KIPC_NOTIFY_IDLE;
	switch (sev->sigev_notify) {
	case SIGEV_NONE:
		n.flags |= KIPC_NOTIFY_NONE;
		break;
	case SIGEV_SIGNAL:
		if (sev->sigev_signo <= 0 || sev->sigev_signo > SIGRTMAX)
			return fail(-EINVAL);
		n.signo = sev->sigev_signo;
		memcpy(&n.value, &sev->sigev_value,
		       sizeof(sev->sigev_value) < sizeof(n.value) ?
		       sizeof(sev->sigev_value) : sizeof(n.value));
		break;
	case SIGEV_THREAD:
		ret = mq_notify_thread(mqdes, sev, &n);
		return ret ? fail(ret) : 0;
	default:
		return fail(-EINVAL);
	}
	ret = shim_ioctl(mqdes, KIPC_IOC_NOTIFY, &n);
	return ret ? fail(ret) : 0;
}
