/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ioctl wrappers for the kipc selftests, in the way pidfd.h wraps the
 * pidfd system calls: each sys_kipc_*() fills the uapi struct from its
 * arguments, issues exactly one ioctl and returns the ioctl's result or
 * -errno. Nothing is checked or refused here: whatever a test passes
 * reaches the kernel, which is what is under test. Only the uapi header
 * is used, so the tests need no userspace library.
 *
 * A non-NULL @timeout sets KIPC_TIMEOUT; @flags go to the kernel as
 * given. Receives and calls return the received length on success and
 * copy the message header out (also on -EMSGSIZE, where hdr->len is the
 * size of the message left queued).
 */
#ifndef KIPC_SELFTEST_IOCTL_H
#define KIPC_SELFTEST_IOCTL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <linux/kipc.h>

#define KT_DEVICE		"/dev/kipc"

/* Capacity of a mailbox created with attr == NULL. */
#define KT_MBOX_DEFAULT_MSGS	64

/* What sys_kipc_mbox_create() puts in struct kipc_mbox_create. */
struct kt_mbox_attr {
	unsigned int flags;	/* KIPC_MBOX_OWNED */
	unsigned int max_msgs;
	unsigned int max_bytes;
	unsigned int msg_max;
	unsigned int mode;
};

static inline int sys_kipc_ioctl(int fd, unsigned long req, void *arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

static inline uint64_t kt_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Copy @name (NULL: "") into a KIPC_NAME_MAX field, truncated if longer. */
static inline void kt_set_name(char dst[KIPC_NAME_MAX], const char *name)
{
	if (name)
		strncpy(dst, name, KIPC_NAME_MAX);
}

static inline void kt_set_timeout(struct kipc_timespec *kts, __u32 *flags,
				  const struct timespec *timeout)
{
	if (!timeout)
		return;
	kts->tv_sec = timeout->tv_sec;
	kts->tv_nsec = timeout->tv_nsec;
	*flags |= KIPC_TIMEOUT;
}

/* A new endpoint: open(2) of /dev/kipc, O_CLOEXEC plus @oflags (O_NONBLOCK). */
static inline int sys_kipc_open(int oflags)
{
	int fd = open(KT_DEVICE, O_RDWR | O_CLOEXEC | oflags);

	return fd < 0 ? -errno : fd;
}

static inline int sys_kipc_version(int fd, struct kipc_version *ver)
{
	memset(ver, 0, sizeof(*ver));
	return sys_kipc_ioctl(fd, KIPC_IOC_VERSION, ver);
}

/* KIPC_IOC_VERSION's endpoint_id. */
static inline int sys_kipc_ep_id(int fd, uint64_t *id)
{
	struct kipc_version ver;
	int ret = sys_kipc_version(fd, &ver);

	if (ret >= 0)
		*id = ver.endpoint_id;
	return ret;
}

static inline int sys_kipc_ep_set_name(int fd, const char *name)
{
	struct kipc_ep_set set = {
		.size = sizeof(set),
		.flags = KIPC_EP_SET_NAME,
	};

	kt_set_name(set.name, name);
	return sys_kipc_ioctl(fd, KIPC_IOC_EP_SET, &set);
}

static inline int sys_kipc_ep_set_limits(int fd, unsigned int max_msgs,
					 unsigned int max_bytes,
					 unsigned int msg_max)
{
	struct kipc_ep_set set = {
		.size = sizeof(set),
		.flags = KIPC_EP_SET_LIMITS,
		.max_msgs = max_msgs,
		.max_bytes = max_bytes,
		.msg_max = msg_max,
	};

	return sys_kipc_ioctl(fd, KIPC_IOC_EP_SET, &set);
}

/*
 * MBOX_CREATE; @attr NULL: KT_MBOX_DEFAULT_MSGS messages, mode 0600.
 * Returns the mailbox fd; *@id (unless NULL) is its id.
 */
static inline int sys_kipc_mbox_create(int ep, const char *name,
				       const struct kt_mbox_attr *attr,
				       uint64_t *id)
{
	struct kipc_mbox_create c = {
		.size = sizeof(c),
		.max_msgs = KT_MBOX_DEFAULT_MSGS,
		.mode = 0600,
	};
	int ret;

	if (attr) {
		c.flags = attr->flags;
		c.max_msgs = attr->max_msgs;
		c.max_bytes = attr->max_bytes;
		c.msg_max = attr->msg_max;
		c.mode = attr->mode;
	}
	kt_set_name(c.name, name);
	ret = sys_kipc_ioctl(ep, KIPC_IOC_MBOX_CREATE, &c);
	if (ret >= 0 && id)
		*id = c.id;
	return ret;
}

static inline int sys_kipc_mbox_ref(int fd, unsigned long req, uint64_t id,
				    const char *name, uint64_t *idp)
{
	struct kipc_mbox_ref ref = {
		.size = sizeof(ref),
		.id = id,
	};
	int ret;

	kt_set_name(ref.name, name);
	ret = sys_kipc_ioctl(fd, req, &ref);
	if (ret >= 0 && idp)
		*idp = ref.id;
	return ret;
}

/* MBOX_OPEN by name (*@id = its id unless NULL) or by id: the mailbox fd. */
static inline int sys_kipc_mbox_open(int ep, const char *name, uint64_t *id)
{
	return sys_kipc_mbox_ref(ep, KIPC_IOC_MBOX_OPEN, 0, name, id);
}

static inline int sys_kipc_mbox_open_id(int ep, uint64_t id)
{
	return sys_kipc_mbox_ref(ep, KIPC_IOC_MBOX_OPEN, id, NULL, NULL);
}

static inline int sys_kipc_mbox_delete(int fd, uint64_t id)
{
	return sys_kipc_mbox_ref(fd, KIPC_IOC_MBOX_DELETE, id, NULL, NULL);
}

static inline int sys_kipc_mbox_delete_name(int fd, const char *name)
{
	return sys_kipc_mbox_ref(fd, KIPC_IOC_MBOX_DELETE, 0, name, NULL);
}

static inline int sys_kipc_mbox_set_mode(int fd, uint64_t id, unsigned int mode)
{
	struct kipc_mbox_set set = {
		.size = sizeof(set),
		.flags = KIPC_MBOX_SET_MODE,
		.id = id,
		.mode = mode,
	};

	return sys_kipc_ioctl(fd, KIPC_IOC_MBOX_SET, &set);
}

/* (uid_t)-1 / (gid_t)-1 leave the uid / gid alone, as chown(2). */
static inline int sys_kipc_mbox_set_owner(int fd, uint64_t id, uid_t uid,
					  gid_t gid)
{
	struct kipc_mbox_set set = {
		.size = sizeof(set),
		.id = id,
	};

	if (uid != (uid_t)-1) {
		set.flags |= KIPC_MBOX_SET_UID;
		set.uid = uid;
	}
	if (gid != (gid_t)-1) {
		set.flags |= KIPC_MBOX_SET_GID;
		set.gid = gid;
	}
	return sys_kipc_ioctl(fd, KIPC_IOC_MBOX_SET, &set);
}

/*
 * The argument structs of SEND, RECV, CALL and REPLY, filled from the
 * arguments as sys_kipc_send() and the others pass them: for the ioctls
 * below and for the same commands submitted through io_uring. Return 0.
 */
static inline int kt_send_args(struct kipc_send *a, uint64_t dest,
			       const void *buf, size_t len, unsigned int prio,
			       unsigned int flags,
			       const struct timespec *timeout)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->flags = flags;
	a->dest = dest;
	a->buf = kt_ptr(buf);
	a->len = len;
	a->priority = prio;
	kt_set_timeout(&a->timeout, &a->flags, timeout);
	return 0;
}

/* @from non-zero: KIPC_RECV_FROM @from. */
static inline int kt_recv_args(struct kipc_recv *a, uint64_t from, void *buf,
			       size_t len, unsigned int flags,
			       const struct timespec *timeout)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->flags = flags | (from ? KIPC_RECV_FROM : 0);
	a->from = from;
	a->buf = kt_ptr(buf);
	a->buf_len = len > INT_MAX ? INT_MAX : len;
	kt_set_timeout(&a->timeout, &a->flags, timeout);
	return 0;
}

static inline int kt_call_args(struct kipc_call *a, uint64_t dest,
			       const void *req, size_t req_len,
			       unsigned int prio, void *reply,
			       size_t reply_len, unsigned int flags,
			       const struct timespec *timeout)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->flags = flags;
	a->dest = dest;
	a->buf = kt_ptr(req);
	a->len = req_len;
	a->priority = prio;
	a->reply_buf = kt_ptr(reply);
	a->reply_buf_len = reply_len > INT_MAX ? INT_MAX : reply_len;
	kt_set_timeout(&a->timeout, &a->flags, timeout);
	return 0;
}

static inline int kt_reply_args(struct kipc_reply *a, uint64_t token,
				const void *buf, size_t len)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->token = token;
	a->buf = kt_ptr(buf);
	a->len = len;
	return 0;
}

static inline int sys_kipc_send(int fd, uint64_t dest, const void *buf,
				size_t len, unsigned int prio,
				unsigned int flags,
				const struct timespec *timeout)
{
	struct kipc_send s;

	kt_send_args(&s, dest, buf, len, prio, flags, timeout);
	return sys_kipc_ioctl(fd, KIPC_IOC_SEND, &s);
}

static inline int sys_kipc_recv_args(int fd, struct kipc_recv *r,
				     struct kipc_msg_hdr *hdr)
{
	int ret = sys_kipc_ioctl(fd, KIPC_IOC_RECV, r);

	if (ret == 0 || ret == -EMSGSIZE) {
		if (hdr) {
			*hdr = r->hdr;
			hdr->len = r->len;
		}
		if (ret == 0)
			ret = r->len;
	}
	return ret;
}

/* RECV: the payload length. */
static inline int sys_kipc_recv(int fd, void *buf, size_t len,
				struct kipc_msg_hdr *hdr, unsigned int flags,
				const struct timespec *timeout)
{
	struct kipc_recv r;

	kt_recv_args(&r, 0, buf, len, flags, timeout);
	return sys_kipc_recv_args(fd, &r, hdr);
}

/* RECV with KIPC_RECV_FROM @from (also when @from is 0). */
static inline int sys_kipc_recv_from(int fd, uint64_t from, void *buf,
				     size_t len, struct kipc_msg_hdr *hdr,
				     unsigned int flags,
				     const struct timespec *timeout)
{
	struct kipc_recv r;

	kt_recv_args(&r, from, buf, len, flags, timeout);
	r.flags |= KIPC_RECV_FROM;
	return sys_kipc_recv_args(fd, &r, hdr);
}

static inline int sys_kipc_call_args(int fd, struct kipc_call *c,
				     struct kipc_msg_hdr *reply_hdr)
{
	int ret = sys_kipc_ioctl(fd, KIPC_IOC_CALL, c);

	/*
	 * Interrupted with the request queued: the kernel set
	 * KIPC_CALL_RESUME and left the token for a resumed call.
	 */
	if (ret == -EINTR && (c->flags & KIPC_CALL_RESUME) && reply_hdr) {
		memset(reply_hdr, 0, sizeof(*reply_hdr));
		reply_hdr->token = c->reply_hdr.token;
	}
	if (ret < 0)
		return ret;
	if (reply_hdr)
		*reply_hdr = c->reply_hdr;
	return c->reply_len;
}

/* CALL: the reply's length. */
static inline int sys_kipc_call(int fd, uint64_t dest, const void *req,
				size_t req_len, unsigned int prio, void *reply,
				size_t reply_len, struct kipc_msg_hdr *reply_hdr,
				unsigned int flags,
				const struct timespec *timeout)
{
	struct kipc_call c;

	kt_call_args(&c, dest, req, req_len, prio, reply, reply_len, flags,
		     timeout);
	return sys_kipc_call_args(fd, &c, reply_hdr);
}

/* CALL with KIPC_CALL_RESUME: wait for the parked call @token's reply. */
static inline int sys_kipc_call_resume(int fd, uint64_t token, void *reply,
				       size_t reply_len,
				       struct kipc_msg_hdr *reply_hdr)
{
	struct kipc_call c;

	kt_call_args(&c, 0, NULL, 0, 0, reply, reply_len, KIPC_CALL_RESUME,
		     NULL);
	c.reply_hdr.token = token;
	return sys_kipc_call_args(fd, &c, reply_hdr);
}

static inline int sys_kipc_reply(int fd, uint64_t token, const void *buf,
				 size_t len)
{
	struct kipc_reply r;

	kt_reply_args(&r, token, buf, len);
	return sys_kipc_ioctl(fd, KIPC_IOC_REPLY, &r);
}

/* XFER as given; a zero size or entry_size is filled in. */
static inline int sys_kipc_xfer(int fd, struct kipc_xfer *x)
{
	if (!x->size)
		x->size = sizeof(*x);
	if (!x->entry_size)
		x->entry_size = sizeof(struct kipc_mmsg);
	x->sent = 0;
	x->received = 0;
	return sys_kipc_ioctl(fd, KIPC_IOC_XFER, x);
}

/* XFER sending msgs[0 .. count): the number sent. */
static inline int sys_kipc_send_batch(int fd, uint64_t dest,
				      const struct kipc_mmsg *msgs,
				      unsigned int count, unsigned int flags,
				      const struct timespec *timeout)
{
	struct kipc_xfer x = {
		.size = sizeof(x),
		.flags = flags,
		.dest = dest,
		.send_msgs = kt_ptr(msgs),
		.send_count = count,
		.entry_size = sizeof(struct kipc_mmsg),
	};
	int ret;

	kt_set_timeout(&x.timeout, &x.flags, timeout);
	ret = sys_kipc_ioctl(fd, KIPC_IOC_XFER, &x);
	return ret < 0 ? ret : (int)x.sent;
}

/* XFER receiving up to @count messages: the number received. */
static inline int sys_kipc_recv_batch(int fd, struct kipc_mmsg *msgs,
				      unsigned int count, unsigned int flags,
				      const struct timespec *timeout)
{
	struct kipc_xfer x = {
		.size = sizeof(x),
		.flags = flags,
		.recv_msgs = kt_ptr(msgs),
		.recv_count = count,
		.entry_size = sizeof(struct kipc_mmsg),
	};
	int ret;

	kt_set_timeout(&x.timeout, &x.flags, timeout);
	ret = sys_kipc_ioctl(fd, KIPC_IOC_XFER, &x);
	return ret < 0 ? ret : (int)x.received;
}

/*
 * XFER sending one message to @dest and receiving one: the received
 * length. *@sent (may be NULL) is x.sent, also on error.
 */
static inline int sys_kipc_sendrecv(int fd, uint64_t dest, const void *buf,
				    size_t len, unsigned int prio, void *rbuf,
				    size_t rlen, struct kipc_msg_hdr *hdr,
				    unsigned int flags,
				    const struct timespec *timeout,
				    unsigned int *sent)
{
	struct kipc_mmsg out = {
		.buf = kt_ptr(buf),
		.len = len,
		.priority = prio,
	};
	struct kipc_mmsg in = {
		.buf = kt_ptr(rbuf),
		.buf_len = rlen > INT_MAX ? INT_MAX : rlen,
	};
	struct kipc_xfer x = {
		.size = sizeof(x),
		.flags = flags,
		.dest = dest,
		.send_msgs = kt_ptr(&out),
		.send_count = 1,
		.recv_msgs = kt_ptr(&in),
		.recv_count = 1,
		.entry_size = sizeof(struct kipc_mmsg),
	};
	int ret;

	kt_set_timeout(&x.timeout, &x.flags, timeout);
	ret = sys_kipc_ioctl(fd, KIPC_IOC_XFER, &x);
	if (sent)
		*sent = x.sent;
	if ((ret == 0 && x.received) || (ret == -EMSGSIZE && x.sent)) {
		if (hdr) {
			*hdr = in.hdr;
			hdr->len = in.len;
		}
		if (ret == 0)
			ret = in.len;
	}
	return ret;
}

/* A struct kipc_sendrecv for one message each way; @timeout may be NULL. */
static inline void kt_sendrecv_args(struct kipc_sendrecv *k, uint64_t dest,
				    const void *buf, size_t len,
				    unsigned int prio, void *rbuf, size_t rlen,
				    unsigned int flags,
				    const struct timespec *timeout)
{
	memset(k, 0, sizeof(*k));
	k->size = sizeof(*k);
	k->flags = flags;
	k->dest = dest;
	k->buf = kt_ptr(buf);
	k->len = len;
	k->priority = prio;
	k->recv_buf = kt_ptr(rbuf);
	k->recv_buf_len = rlen > INT_MAX ? INT_MAX : rlen;
	kt_set_timeout(&k->timeout, &k->flags, timeout);
}

/* KIPC_IOC_SENDRECV as given: the received length, or -errno. */
static inline int sys_kipc_sendrecv_args(int fd, struct kipc_sendrecv *k)
{
	int ret = sys_kipc_ioctl(fd, KIPC_IOC_SENDRECV, k);

	return ret < 0 ? ret : (int)k->recv_len;
}

/* A struct kipc_reply_recv; @timeout may be NULL. */
static inline void kt_reply_recv_args(struct kipc_reply_recv *k,
				      uint64_t token, const void *buf,
				      size_t len, void *rbuf, size_t rlen,
				      unsigned int flags,
				      const struct timespec *timeout)
{
	memset(k, 0, sizeof(*k));
	k->size = sizeof(*k);
	k->flags = flags;
	k->token = token;
	k->buf = kt_ptr(buf);
	k->len = len;
	k->recv_buf = kt_ptr(rbuf);
	k->recv_buf_len = rlen > INT_MAX ? INT_MAX : rlen;
	kt_set_timeout(&k->timeout, &k->flags, timeout);
}

/*
 * KIPC_IOC_REPLY_RECV: answer @token (0: nothing), then receive. The
 * received length or -errno; *@reply_ret (may be NULL) the reply's result.
 */
static inline int sys_kipc_reply_recv(int fd, uint64_t token, const void *buf,
				      size_t len, void *rbuf, size_t rlen,
				      struct kipc_msg_hdr *hdr,
				      unsigned int flags,
				      const struct timespec *timeout,
				      int *reply_ret)
{
	struct kipc_reply_recv k;
	int ret;

	kt_reply_recv_args(&k, token, buf, len, rbuf, rlen, flags, timeout);
	ret = sys_kipc_ioctl(fd, KIPC_IOC_REPLY_RECV, &k);
	if (reply_ret)
		*reply_ret = k.reply_ret;
	if (hdr)
		*hdr = k.hdr;
	return ret < 0 ? ret : (int)k.recv_len;
}

static inline int sys_kipc_notify(int fd, int signo, unsigned int flags)
{
	struct kipc_notify n = {
		.size = sizeof(n),
		.flags = flags,
		.signo = signo,
	};

	return sys_kipc_ioctl(fd, KIPC_IOC_NOTIFY, &n);
}

/* STAT of object @id (0: the fd's own), or of @type called @name. */
static inline int sys_kipc_stat_args(int fd, unsigned int type, uint64_t id,
				     const char *name, struct kipc_info *info)
{
	struct kipc_stat st = {
		.size = sizeof(st),
		.type = type,
		.id = id,
	};
	int ret;

	kt_set_name(st.name, name);
	ret = sys_kipc_ioctl(fd, KIPC_IOC_STAT, &st);
	if (ret >= 0)
		*info = st.info;
	return ret;
}

static inline int sys_kipc_stat(int fd, uint64_t id, struct kipc_info *info)
{
	return sys_kipc_stat_args(fd, 0, id, NULL, info);
}

static inline int sys_kipc_stat_name(int fd, unsigned int type,
				     const char *name, struct kipc_info *info)
{
	return sys_kipc_stat_args(fd, type, 0, name, info);
}

/* STAT of the endpoint called @name: its id. */
static inline int sys_kipc_ep_lookup(int fd, const char *name, uint64_t *id)
{
	struct kipc_info info;
	int ret = sys_kipc_stat_name(fd, KIPC_TYPE_ENDPOINT, name, &info);

	if (ret >= 0)
		*id = info.id;
	return ret;
}

/*
 * LIST from *@cursor: the number of entries written; *@cursor advances
 * when there were any.
 */
static inline int sys_kipc_list(int fd, unsigned int flags, uint64_t *cursor,
				struct kipc_info *entries, unsigned int count)
{
	struct kipc_list l = {
		.size = sizeof(l),
		.flags = flags,
		.cursor = *cursor,
		.entries = kt_ptr(entries),
		.count = count,
		.entry_size = sizeof(*entries),
	};
	int ret = sys_kipc_ioctl(fd, KIPC_IOC_LIST, &l);

	if (ret < 0)
		return ret;
	if (l.count)
		*cursor = l.cursor;
	return l.count;
}

static inline int sys_kipc_usage(int fd, struct kipc_usage *usage)
{
	int ret;

	memset(usage, 0, sizeof(*usage));
	usage->size = sizeof(*usage);
	ret = sys_kipc_ioctl(fd, KIPC_IOC_USAGE, usage);
	return ret < 0 ? ret : 0;
}

/* RING_CREATE; *@id (unless NULL) is the new ring's id. */
/* RING_CREATE with KIPC_RING_CREATE_* @flags. */
static inline int sys_kipc_ring_create_flags(int ep, const char *name,
					     unsigned int slots,
					     unsigned int slot_size,
					     unsigned int mode, unsigned int perm,
					     unsigned int flags, uint64_t *id)
{
	struct kipc_ring_create c = {
		.size = sizeof(c),
		.flags = flags,
		.slots = slots,
		.slot_size = slot_size,
		.mode = mode,
		.perm = perm,
	};
	int ret;

	kt_set_name(c.name, name);
	ret = sys_kipc_ioctl(ep, KIPC_IOC_RING_CREATE, &c);
	if (ret < 0)
		return ret;
	if (id)
		*id = c.id;
	return 0;
}

/* A KIPC_RING_VERSION_1 ring. */
static inline int sys_kipc_ring_create(int ep, const char *name,
				       unsigned int slots,
				       unsigned int slot_size,
				       unsigned int mode, unsigned int perm,
				       uint64_t *id)
{
	return sys_kipc_ring_create_flags(ep, name, slots, slot_size, mode,
					  perm, 0, id);
}

/* RING_DELETE by @id, or by @name when @id is 0. */
static inline int sys_kipc_ring_delete(int ep, const char *name, uint64_t id)
{
	return sys_kipc_mbox_ref(ep, KIPC_IOC_RING_DELETE, id,
				 id ? NULL : name, NULL);
}

/*
 * RING_ATTACH by @id, or by @name when @id is 0, as KIPC_RING_ROLE_*
 * @role: the ring fd; @a holds the geometry the kernel reported.
 */
/*
 * RING_ATTACH for code that follows ring layouts up to @version (0: the
 * first, as a caller that predates versions says).
 */
static inline int sys_kipc_ring_attach_version(int ep, const char *name,
					       uint64_t id, unsigned int role,
					       unsigned int version,
					       struct kipc_ring_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->role = role;
	a->id = id;
	a->version = version;
	kt_set_name(a->name, id ? NULL : name);
	return sys_kipc_ioctl(ep, KIPC_IOC_RING_ATTACH, a);
}

static inline int sys_kipc_ring_attach(int ep, const char *name, uint64_t id,
				       unsigned int role,
				       struct kipc_ring_attach *a)
{
	return sys_kipc_ring_attach_version(ep, name, id, role,
					    KIPC_RING_VERSION, a);
}

/* RING_WAIT with KIPC_RING_WAIT_* @flags, for @n free slots when writing. */
static inline int sys_kipc_ring_wait(int ring_fd, unsigned int flags,
				     unsigned int n,
				     const struct timespec *timeout)
{
	struct kipc_ring_wait w = {
		.size = sizeof(w),
		.flags = flags,
		.n = n,
	};

	kt_set_timeout(&w.timeout, &w.flags, timeout);
	return sys_kipc_ioctl(ring_fd, KIPC_IOC_RING_WAIT, &w);
}

static inline int sys_kipc_ring_wake(int ring_fd)
{
	return sys_kipc_ioctl(ring_fd, KIPC_IOC_RING_WAKE, NULL);
}

#endif /* KIPC_SELFTEST_IOCTL_H */
