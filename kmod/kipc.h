/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kipc internal interfaces.
 *
 * Lock order (outer first):
 *   kipc_ns_mutex -> kipc_ns.lock -> kipc_queue.lock -> kipc_txn_lock
 *                                                     -> kipc_users_lock
 * Only kipc_ns.lock is ever held while taking a kipc_queue.lock (STAT and
 * LIST); no path holds two queue locks at once. Message memory is freed
 * outside every lock.
 */
#ifndef _KIPC_INTERNAL_H
#define _KIPC_INTERNAL_H

#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/kipc.h>

struct ipc_namespace;
struct pid;

/* Module parameters, see main.c. Read with READ_ONCE(). */
extern unsigned int kipc_max_mailboxes;
extern unsigned int kipc_msg_size_max;
extern unsigned int kipc_queue_bytes_max;
extern unsigned long kipc_user_bytes_max;
extern unsigned int kipc_ep_max_msgs;
extern unsigned int kipc_ep_max_bytes;

/* Hard ceiling on any message, whatever msg_size_max says. */
#define KIPC_MSG_SIZE_HARD_MAX	(64U << 20)
/* Largest extensible ioctl struct we accept (bounds the zero-tail check). */
#define KIPC_USIZE_MAX		PAGE_SIZE

/*
 * Memory held on behalf of a user's request (message payloads, rings):
 * charged to the caller's memory cgroup, and when that is full the call
 * fails with -ENOMEM instead of invoking the cgroup's OOM killer. The
 * caller hears of a failure; the kernel log does not (a user could fill
 * it with allocation-failure traces).
 */
#define KIPC_GFP_HELD	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | \
			 __GFP_NOWARN)

u32 kipc_msg_size_cap(void);
u64 kipc_next_id(void);

/**
 * struct kipc_ns - kipc state of one IPC namespace
 * @node:	in kipc_ns_list, under kipc_ns_mutex
 * @ipc_ns:	the IPC namespace; pinned while this struct exists; immutable
 * @refs:	one per endpoint and mailbox of this namespace
 * @lock:	protects @objs, @names, @nr_mboxes and the registration state
 *		(name, name_node, kipc_mbox.registered, .owner, .owner_node)
 *		of every object of the namespace
 * @objs:	id -> struct kipc_obj of live endpoints and mailboxes
 * @names:	named objects, hashed by name
 * @nr_mboxes:	registered mailboxes, bounded by kipc_max_mailboxes
 * @nr_rings:	registered rings, bounded by the ring_max parameter
 */
struct kipc_ns {
	struct list_head node;
	struct ipc_namespace *ipc_ns;
	refcount_t refs;
	struct mutex lock;	/* see @lock above */
	struct xarray objs;
	DECLARE_HASHTABLE(names, 6);
	unsigned int nr_mboxes;
	unsigned int nr_rings;
};

/**
 * struct kipc_obj - registry part shared by endpoints and mailboxes
 * @id:		never reused; immutable
 * @type:	KIPC_TYPE_ENDPOINT or KIPC_TYPE_MAILBOX; immutable
 * @ns:		namespace the object lives in (holds a reference); immutable
 * @name:	"" if anonymous; set once under @ns->lock, then immutable
 * @name_node:	in @ns->names while named and registered, under @ns->lock
 */
struct kipc_obj {
	u64 id;
	u32 type;
	struct kipc_ns *ns;
	char name[KIPC_NAME_MAX];
	struct hlist_node name_node;
};

/**
 * struct kipc_deadline - how long a blocking call may wait
 * @nonblock:	never wait (-EAGAIN)
 * @timed:	@expires is valid
 * @restart:	a signal gives -ERESTARTSYS rather than -EINTR
 * @expires:	absolute CLOCK_MONOTONIC deadline
 */
struct kipc_deadline {
	bool nonblock;
	bool timed;
	bool restart;
	ktime_t expires;
};

int kipc_deadline_init(struct kipc_deadline *dl, u32 flags,
		       const struct kipc_timespec *ts, bool restartable);

struct kipc_txn;
struct kipc_sync;
struct kipc_user;
struct kipc_endpoint;

/**
 * struct kipc_msg - one queued message; immutable once sent except where
 *		noted
 * @node:	in a kipc_queue priority list, under that queue's lock
 * @sender_id:	sending endpoint
 * @mbox_id:	mailbox it was sent to, 0 for an endpoint inbox
 * @token:	request token, 0 if not a request
 * @pid:	sender's thread group (reference held)
 * @uid:	sender's euid
 * @gid:	sender's egid
 * @user:	quota account charged with @len
 * @txn:	request's transaction (reference held), NULL otherwise
 * @sync:	blocked sender waiting for this message to be taken, or NULL;
 *		under the queue's lock
 * @prio:	0 .. KIPC_PRIO_MAX
 * @len:	payload bytes
 * @flags:	KIPC_MSG_*; KIPC_MSG_SYNC is set before queueing
 * @reply_max:	requests: caller's reply buffer size
 * @data:	payload
 */
struct kipc_msg {
	struct list_head node;
	u64 sender_id;
	u64 mbox_id;
	u64 token;
	struct pid *pid;
	kuid_t uid;
	kgid_t gid;
	struct kipc_user *user;
	struct kipc_txn *txn;
	struct kipc_sync *sync;
	u32 prio;
	u32 len;
	u32 flags;
	u32 reply_max;
	u8 data[];
};

struct kipc_msg *kipc_msg_new(struct kipc_endpoint *ep, const void __user *buf,
			      u32 len, u32 prio);
void kipc_msg_free(struct kipc_msg *msg);
void kipc_fill_hdr(struct kipc_msg_hdr *hdr, const struct kipc_msg *msg);

/**
 * struct kipc_limits - capacity of a queue
 * @max_msgs:	buffered messages, 0 = rendezvous
 * @max_bytes:	buffered payload bytes
 * @msg_max:	largest payload
 */
struct kipc_limits {
	u32 max_msgs;
	u32 max_bytes;
	u32 msg_max;
};

int kipc_limits_check(struct kipc_limits *l);

/**
 * struct kipc_queue - a priority message queue (endpoint inbox or mailbox)
 * @lock:	protects every field below except the wait queues, @mbox_id
 *		and @fasync
 * @levels:	one FIFO per priority
 * @nonempty:	bit n set iff @levels[n] is not empty
 * @lim:	capacity
 * @depth:	queued messages, including parked synchronous ones
 * @bytes:	payload bytes of @depth
 * @used_msgs:	buffered messages (those counted against @lim)
 * @used_bytes:	payload bytes of @used_msgs
 * @nr_send_wait: tasks blocked in send on this queue
 * @nr_recv_wait: tasks blocked in receive on this queue
 * @dead:	0 while alive, else the errno senders get (-ESRCH, -EIDRM)
 * @recv_waiters: blocked receivers a sender may hand a message to directly
 * @notify_pid:	KIPC_IOC_NOTIFY target thread group (reference held)
 * @notify_file: fd that armed @notify_pid
 * @notify_sig:	signal to send
 * @notify_oneshot: disarm after one signal
 * @mbox_id:	stamped into messages, 0 for an inbox; immutable. A queue
 *		with a non-zero @mbox_id is the @q of a struct kipc_mbox:
 *		send and receive check its permissions under @lock
 * @recv_wq:	receivers and pollers: woken when a message arrives
 * @send_wq:	senders and pollers: woken on room, take, new receiver
 * @fasync:	O_ASYNC owners (fasync_helper has its own locking)
 */
struct kipc_queue {
	struct mutex lock;	/* see @lock above */
	struct list_head levels[KIPC_PRIO_MAX + 1];
	unsigned long nonempty;
	struct kipc_limits lim;
	u32 depth;
	u32 bytes;
	u32 used_msgs;
	u32 used_bytes;
	u32 nr_send_wait;
	u32 nr_recv_wait;
	int dead;
	struct list_head recv_waiters;
	struct pid *notify_pid;
	struct file *notify_file;
	int notify_sig;
	bool notify_oneshot;
	u64 mbox_id;
	wait_queue_head_t recv_wq;
	wait_queue_head_t send_wq;
	struct fasync_struct *fasync;
};

/**
 * struct kipc_rx - what a receiver asked for and where it goes
 * @buf:	user payload buffer
 * @buf_len:	its size
 * @hdr:	kernel copy of the header to fill (inside @out)
 * @len:	kernel copy of the length to fill (inside @out)
 * @out:	kernel struct holding @hdr and @len: the RECV argument, or
 *		one struct kipc_mmsg of KIPC_IOC_XFER
 * @uout:	where @out is copied back in user space
 * @out_size:	bytes of @out to copy back
 * @from:	sender filter, 0 = any
 * @peek:	do not dequeue
 * @ep:		receiving endpoint (requests are attached to it)
 */
struct kipc_rx {
	u64 buf;
	u32 buf_len;
	struct kipc_msg_hdr *hdr;
	u32 *len;
	const void *out;
	void __user *uout;
	size_t out_size;
	u64 from;
	bool peek;
	struct kipc_endpoint *ep;
};

void kipc_queue_init(struct kipc_queue *q, const struct kipc_limits *lim,
		     u64 mbox_id);
void kipc_queue_destroy(struct kipc_queue *q);
void kipc_queue_kill(struct kipc_queue *q, int dead_err, int txn_err);
int kipc_queue_send(struct kipc_queue *q, struct kipc_msg *msg, bool sync,
		    const struct kipc_deadline *dl);
int kipc_queue_recv(struct kipc_queue *q, struct kipc_rx *rx,
		    const struct kipc_deadline *dl);
int kipc_queue_send_many(struct kipc_queue *q, struct kipc_msg **msgs, u32 n,
			 const struct kipc_deadline *dl, u32 *sent);
int kipc_queue_recv_many(struct kipc_queue *q,
			 int (*next)(void *arg, u32 i, struct kipc_rx *rx),
			 void *arg, u32 n, const struct kipc_deadline *dl,
			 u32 *got);
void kipc_queue_set_limits(struct kipc_queue *q, const struct kipc_limits *l);
void kipc_queue_info(struct kipc_queue *q, struct kipc_info *info);
__poll_t kipc_queue_poll(struct kipc_queue *q, struct file *file,
			 struct poll_table_struct *pt, bool is_mbox);
int kipc_queue_notify(struct kipc_queue *q, struct file *file,
		      const struct kipc_notify *n);
void kipc_queue_release_file(struct kipc_queue *q, struct file *file);

/**
 * struct kipc_endpoint - one endpoint (an open /dev/kipc file)
 * @obj:	registry part
 * @ref:	lifetime of this struct: the endpoint file holds one, and so
 *		does every sender looking it up
 * @inbox:	direct messages
 * @pid:	opener's thread group (reference held); immutable
 * @uid:	opener's euid; immutable
 * @gid:	opener's egid; immutable
 * @owned:	mailboxes created KIPC_MBOX_OWNED by this endpoint, under
 *		@obj.ns->lock
 * @txns:	requests received and not yet answered, under kipc_txn_lock
 * @user:	quota account of the euid that last sent through this
 *		endpoint (a reference held), under kipc_users_lock
 */
struct kipc_endpoint {
	struct kipc_obj obj;
	struct kref ref;
	struct kipc_queue inbox;
	struct pid *pid;
	kuid_t uid;
	kgid_t gid;
	struct list_head owned;
	struct list_head txns;
	struct kipc_user *user;
};

void kipc_ep_put(struct kipc_endpoint *ep);
extern const struct file_operations kipc_ep_fops;
int kipc_ep_open(struct inode *inode, struct file *file);

/**
 * struct kipc_mbox - a mailbox
 * @obj:	registry part
 * @ref:	lifetime of this struct: the registry holds one while
 *		registered, every mailbox fd and every in-flight lookup one
 * @q:		the messages
 * @uid:	owner, under @q.lock
 * @gid:	owner group, under @q.lock
 * @cuid:	creator; immutable
 * @cgid:	creator group; immutable
 * @mode:	permission bits, under @q.lock
 * @creator_ep:	id of the creating endpoint; immutable
 * @owned:	created KIPC_MBOX_OWNED; immutable
 * @registered:	still in the registry (not deleted), under @obj.ns->lock
 * @owner:	creating endpoint while @owned and registered, under
 *		@obj.ns->lock (no reference: cleared when it closes)
 * @owner_node:	in @owner->owned, under @obj.ns->lock
 */
struct kipc_mbox {
	struct kipc_obj obj;
	struct kref ref;
	struct kipc_queue q;
	kuid_t uid;
	kgid_t gid;
	kuid_t cuid;
	kgid_t cgid;
	umode_t mode;
	u64 creator_ep;
	bool owned;
	bool registered;
	struct kipc_endpoint *owner;
	struct list_head owner_node;
};

void kipc_mbox_put(struct kipc_mbox *mb);
bool kipc_mbox_kill(struct kipc_mbox *mb);
void kipc_ep_kill_owned(struct kipc_endpoint *ep);
int kipc_mbox_perm(struct kipc_mbox *mb, int want);
int kipc_mbox_perm_locked(struct kipc_mbox *mb, int want);

/**
 * struct kipc_ctx - what an ioctl runs on
 * @file:	the fd's file
 * @ep:		the endpoint (for a mailbox fd, the one it was opened through)
 * @mb:		the mailbox of a mailbox fd, NULL for an endpoint fd
 * @nowait:	an io_uring command issued with IO_URING_F_NONBLOCK: SEND and
 *		RECV must not sleep (-EAGAIN makes io_uring retry from io-wq)
 */
struct kipc_ctx {
	struct file *file;
	struct kipc_endpoint *ep;
	struct kipc_mbox *mb;
	bool nowait;
};

/**
 * struct kipc_dest - the queue a send goes to, pinned
 * @q:		the queue
 * @ep:		destination endpoint (a reference held), or NULL
 * @mb:		destination mailbox looked up by id (a reference held), or
 *		NULL (also for the mailbox of the sending mailbox fd itself,
 *		which the fd pins)
 */
struct kipc_dest {
	struct kipc_queue *q;
	struct kipc_endpoint *ep;
	struct kipc_mbox *mb;
};

int kipc_dest_get(struct kipc_ctx *ctx, u32 flags, u64 dest, bool redirect,
		  struct kipc_dest *d);
void kipc_dest_put(struct kipc_dest *d);

long kipc_ioctl_common(struct kipc_ctx *ctx, unsigned int cmd,
		       unsigned long arg);
int kipc_copy_arg(void *karg, size_t ksize, size_t ver0,
		  const void __user *uarg, size_t *usize);

int kipc_ioc_ep_set(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_send(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_recv(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_call(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_reply(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_xfer(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_notify(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_mbox_create(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_mbox_open(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_mbox_delete(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_mbox_set(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_stat(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_list(struct kipc_ctx *ctx, void __user *uarg);

struct io_uring_cmd;
int kipc_uring_cmd(struct kipc_ctx *ctx, struct io_uring_cmd *ioucmd,
		   unsigned int issue_flags);

/* Compare ioctl numbers without their size bits (structs may grow). */
#define KIPC_CMD(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

/* ring.c */
int kipc_ioc_ring_create(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_ring_attach(struct kipc_ctx *ctx, void __user *uarg);
int kipc_ioc_ring_delete(struct kipc_ctx *ctx, void __user *uarg);
void kipc_ring_info(struct kipc_obj *obj, struct kipc_info *info);
void kipc_ring_get(struct kipc_obj *obj);
void kipc_ring_put(struct kipc_obj *obj);
void kipc_ring_kill_put(struct kipc_obj *obj);

/* registry.c */
struct kipc_ns *kipc_ns_get_current(void);
void kipc_ns_put(struct kipc_ns *ns);
int kipc_name_copy(char *dst, const char *src);
struct kipc_obj *kipc_name_find(struct kipc_ns *ns, u32 type, const char *name);
void kipc_obj_unhash(struct kipc_obj *obj);
void kipc_obj_hash(struct kipc_obj *obj);
struct kipc_endpoint *kipc_ep_lookup(struct kipc_ns *ns, u64 id);
struct kipc_mbox *kipc_mbox_lookup(struct kipc_ns *ns, u64 id,
				   const char *name);
void kipc_registry_exit(void);

/* call.c */
struct kipc_txn *kipc_txn_new(u32 reply_max);
struct kipc_txn *kipc_txn_get(struct kipc_txn *txn);
void kipc_txn_put(struct kipc_txn *txn);
u64 kipc_txn_token(const struct kipc_txn *txn);
void kipc_txn_received(struct kipc_txn *txn, struct kipc_endpoint *ep);
void kipc_txn_fail(struct kipc_txn *txn, int err);
int kipc_txn_wait(struct kipc_txn *txn, const struct kipc_deadline *dl,
		  struct kipc_msg **reply);
int kipc_txn_reply(struct kipc_endpoint *ep, u64 token, struct kipc_msg *msg);
void kipc_ep_fail_txns(struct kipc_endpoint *ep);

/* msg.c: per-user byte quota */
void kipc_ep_user_release(struct kipc_endpoint *ep);
struct kipc_user *kipc_user_charge_bytes(kuid_t uid, size_t bytes);
void kipc_user_uncharge_bytes(struct kipc_user *u, size_t bytes);
void kipc_users_exit(void);

#endif /* _KIPC_INTERNAL_H */
