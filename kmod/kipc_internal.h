/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kipc internal interfaces.
 *
 * The message path reads in one direction: ioctl.c (the front end: one
 * table of commands, argument copy, fd-kind checks) -> msg_ioctl.c (SEND,
 * RECV, CALL, REPLY, XFER, NOTIFY; roundtrip.c: SENDRECV, REPLY_RECV) ->
 * queue.c (the priority queue) and call.c (transactions). Every object
 * (endpoint, mailbox, ring, semaphore, mutex) starts with a struct kipc_obj
 * (object.c) holding its id, name, namespace, reference count, permissions
 * and quota charge; what differs per type is a struct kipc_obj_ops.
 *
 * Locks, outer first:
 *   kipc_ns_mutex -> kipc_ns.lock -> kipc_queue.lock
 *       -> kipc_endpoint.txn_lock -> kipc_txn.lock (call.c)
 *       -> kipc_users_lock
 * Semaphores and mutexes (sem.c, mutex.c) have locks of their own, taken
 * below no other kipc lock:
 *   kipc_sem.lock, kipc_mutex_lock -> pid->wait_pidfd.lock (watch.c)
 * Only kipc_ns_mutex and kipc_ns.lock are sleeping locks, taken killably on
 * system-call paths and never on the message path (lookups use RCU). The
 * queue lock is a spinlock: no user memory is touched and nothing sleeps
 * under it. Message memory is freed outside every lock.
 */
#ifndef _KIPC_INTERNAL_H
#define _KIPC_INTERNAL_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/kipc.h>

struct eventfd_ctx;
struct ipc_namespace;
struct pid;
struct io_uring_cmd;
struct kipc_ctx;

/* Module parameters, see main.c. Read with READ_ONCE(). */
extern unsigned int kipc_max_mailboxes;
extern unsigned int kipc_msg_size_max;
extern unsigned int kipc_queue_bytes_max;
extern unsigned long kipc_user_bytes_max;
extern unsigned int kipc_user_mailboxes_max;
extern unsigned int kipc_user_rings_max;
extern unsigned int kipc_user_syncs_max;
extern unsigned int kipc_ring_max;
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

/* ---- account.c: what each user makes the kernel hold ---- */

struct kipc_user;

/**
 * struct kipc_charge - the accounts one object or message is charged to
 * @acct:	[0] the euid of the task that made it; [1] the owner of the
 *		outermost user namespace that task was in, or NULL when that
 *		is the same account (a task of the initial namespace). Every
 *		charge goes to both, so a user gains no quota by creating
 *		user namespaces, whatever uids it maps (as ucounts do).
 */
struct kipc_charge {
	struct kipc_user *acct[2];
};

/* What a charge counts against. */
enum kipc_charge_kind {
	KIPC_CHARGE_BYTES,	/* user_bytes_max */
	KIPC_CHARGE_MBOX,	/* user_mailboxes_max, and the bytes */
	KIPC_CHARGE_RING,	/* user_rings_max, and the bytes */
	KIPC_CHARGE_SYNC,	/* user_syncs_max, and the bytes */
};

int kipc_charge_current(struct kipc_charge *c);
void kipc_charge_release(struct kipc_charge *c);
int kipc_charge_add(const struct kipc_charge *c, enum kipc_charge_kind kind,
		    size_t bytes);
void kipc_charge_sub(const struct kipc_charge *c, enum kipc_charge_kind kind,
		     size_t bytes);
void kipc_users_exit(void);

/* ---- namespace.c ---- */

/**
 * struct kipc_ns - kipc state of one IPC namespace
 * @node:	in kipc_ns_list, under kipc_ns_mutex
 * @ipc_ns:	the IPC namespace; pinned while this struct exists; immutable
 * @refs:	one per object of this namespace
 * @nr_files:	open endpoint and ring files of this namespace (a mailbox
 *		file holds its endpoint's file); while there are none and
 *		only kipc holds @ipc_ns, nothing can reach this namespace's
 *		objects again and the sweep deletes them
 * @lock:	serialises registration: @names, @nr_mboxes, @nr_rings and
 *		kipc_obj.registered of every object here. Lookups do not
 *		take it (RCU over @objs and @names).
 * @objs:	id -> struct kipc_obj of registered objects (own lock, RCU)
 * @names:	registered named objects, hashed by name (RCU readers)
 * @nr_mboxes:	registered mailboxes, bounded by max_mailboxes
 * @nr_rings:	registered rings, bounded by ring_max
 */
struct kipc_ns {
	struct list_head node;
	struct ipc_namespace *ipc_ns;
	refcount_t refs;
	atomic_t nr_files;
	struct mutex lock;	/* see @lock above */
	struct xarray objs;
	DECLARE_HASHTABLE(names, 6);
	unsigned int nr_mboxes;
	unsigned int nr_rings;
};

struct kipc_ns *kipc_ns_get_current(void);
void kipc_ns_get(struct kipc_ns *ns);
void kipc_ns_put(struct kipc_ns *ns);
void kipc_ns_file_open(struct kipc_ns *ns);
void kipc_ns_file_close(struct kipc_ns *ns);
void kipc_ns_exit(void);

/* ---- object.c: the object model ---- */

struct kipc_obj;

/**
 * struct kipc_obj_ops - what differs between object types
 * @type:	KIPC_TYPE_*
 * @fd_name:	optional: the object has fds of its own (objfd.c), named so
 *		in /proc/<pid>/fd
 * @kill:	the object was just deleted (unregistered): fail and wake its
 *		waiters. Called once, without locks; may sleep.
 * @free:	the last reference is gone: release what the object holds.
 *		The memory itself is freed by object.c after an RCU grace
 *		period (lookups may still be looking at it).
 * @info:	fill the type-specific fields of a struct kipc_info from a
 *		lockless snapshot; the caller holds a reference
 * @registered: optional: the object entered the registry; called under the
 *		namespace's lock
 * @unregister:	optional: the object leaves the registry; called under the
 *		namespace's lock
 * @poll:	with @fd_name: poll() of one of its fds
 */
struct kipc_obj_ops {
	u32 type;
	const char *fd_name;
	void (*registered)(struct kipc_obj *obj);
	void (*unregister)(struct kipc_obj *obj);
	void (*kill)(struct kipc_obj *obj);
	void (*free)(struct kipc_obj *obj);
	void (*info)(struct kipc_obj *obj, struct kipc_info *info);
	__poll_t (*poll)(struct kipc_obj *obj, struct file *file,
			 struct poll_table_struct *pt);
};

/**
 * struct kipc_perm - owner and permission bits, as kern_ipc_perm
 * @uid:	owner
 * @gid:	owner group
 * @cuid:	creator; immutable
 * @cgid:	creator group; immutable
 * @mode:	permission bits (r = receive/consume, w = send/produce)
 *
 * @uid, @gid and @mode change under the namespace's lock (MBOX_SET) with
 * WRITE_ONCE() and are read without it: each check sees every field old or
 * new, and a check made before a change may pass once (as in SysV IPC).
 */
struct kipc_perm {
	kuid_t uid;
	kgid_t gid;
	kuid_t cuid;
	kgid_t cgid;
	umode_t mode;
};

/**
 * struct kipc_obj - the header every kipc object starts with
 * @id:		never reused; immutable
 * @ops:	type operations; immutable
 * @ns:		namespace (a reference held); immutable
 * @ref:	lifetime; the registry holds one while registered, every fd
 *		and every lookup one
 * @registered:	reachable by id and name, under @ns->lock
 * @name:	"" if anonymous; immutable once registered
 * @name_node:	in @ns->names while named and registered, under @ns->lock
 * @perm:	owner and permissions
 * @creator_ep:	id of the creating endpoint; immutable
 * @charge:	accounts charged with @footprint; immutable
 * @kind:	what @charge counts against; immutable
 * @footprint:	bytes charged for the object itself; immutable
 * @rcu:	frees the memory after lookups are done with it
 *
 * Must be the first member of the object's struct: object.c frees the
 * object through it.
 */
struct kipc_obj {
	u64 id;
	const struct kipc_obj_ops *ops;
	struct kipc_ns *ns;
	refcount_t ref;
	bool registered;
	char name[KIPC_NAME_MAX];
	struct hlist_node name_node;
	struct kipc_perm perm;
	u64 creator_ep;
	struct kipc_charge charge;
	enum kipc_charge_kind kind;
	size_t footprint;
	struct rcu_head rcu;
};

int kipc_obj_init(struct kipc_obj *obj, const struct kipc_obj_ops *ops,
		  struct kipc_ns *ns, const char *uname, umode_t mode,
		  u64 creator_ep);
int kipc_obj_charge(struct kipc_obj *obj, enum kipc_charge_kind kind,
		    size_t footprint);
int kipc_obj_register(struct kipc_obj *obj);
int kipc_obj_delete(struct kipc_obj *obj, bool killable);
int kipc_obj_unlink(struct kipc_obj *obj, bool killable);
int kipc_obj_set_name(struct kipc_obj *obj, const char *name);
struct kipc_obj *kipc_obj_lookup(struct kipc_ns *ns, u32 type, u64 id,
				 const char *name);
struct kipc_obj *kipc_obj_lookup_ref(struct kipc_ns *ns, u32 type,
				     const struct kipc_mbox_ref *ref,
				     struct kipc_obj *self);
void kipc_obj_get(struct kipc_obj *obj);
void kipc_obj_put(struct kipc_obj *obj);
int kipc_perm_check(struct kipc_obj *obj, int want);
int kipc_owner_check(struct kipc_obj *obj);
int kipc_name_copy(char *dst, const char *src);
u64 kipc_next_id(void);
void kipc_obj_delete_all(struct kipc_ns *ns);

/* ---- objfd.c: fds of objects that have nothing but ioctls and poll ---- */

int kipc_objfd_install(struct kipc_ctx *ctx, struct kipc_obj *obj,
		       const void *karg);
int kipc_objfd_open(struct kipc_ctx *ctx, u32 type, struct kipc_mbox_ref *ref);
int kipc_objfd_delete(struct kipc_ctx *ctx, u32 type,
		      const struct kipc_mbox_ref *ref);

/* ---- watch.c: learning that a process has exited ---- */

/**
 * struct kipc_watch - runs a callback after a process exits
 * @wqe:	on @pid->wait_pidfd while armed
 * @pid:	the watched thread group while armed (reference held), else
 *		NULL; changed under the lock of the object the watch is in
 * @work:	runs @fn in process context
 * @obj:	the object the watch is part of; a reference is held while
 *		@work is pending; immutable
 * @fn:		called from @work, once or more per exit (it must check
 *		kipc_pid_exited() under its object's lock); immutable
 */
struct kipc_watch {
	wait_queue_entry_t wqe;
	struct pid *pid;
	struct work_struct work;
	struct kipc_obj *obj;
	void (*fn)(struct kipc_watch *w);
};

void kipc_watch_init(struct kipc_watch *w, struct kipc_obj *obj,
		     void (*fn)(struct kipc_watch *w));
void kipc_watch_arm(struct kipc_watch *w, struct pid *pid);
void kipc_watch_disarm(struct kipc_watch *w);
void kipc_watch_disarm_self(struct kipc_watch *w);
bool kipc_pid_exited(struct pid *pid);
int kipc_watch_wq_init(void);
void kipc_watch_wq_flush(void);
void kipc_watch_wq_exit(void);

/* ---- wait.c: deadlines and the one wait helper ---- */

/**
 * struct kipc_deadline - how long a blocking call may wait
 * @nonblock:	never wait (-EAGAIN)
 * @timed:	@expires is valid
 * @relative:	the caller gave a relative timeout: on interruption, the
 *		time left is written back so that a restart keeps the deadline
 * @norestart:	KIPC_NORESTART: a handler's SA_RESTART does not restart it
 * @expires:	absolute CLOCK_MONOTONIC deadline
 * @recheck:	if non-zero, sleep at most this long at a time (the waiter
 *		looks again on its own: rings, whose wake-ups user space owes)
 */
struct kipc_deadline {
	bool nonblock;
	bool timed;
	bool relative;
	bool norestart;
	ktime_t expires;
	u64 recheck;
};

int kipc_deadline_init(struct kipc_deadline *dl, u32 flags,
		       const struct kipc_timespec *ts);
int kipc_deadline_save(const struct kipc_deadline *dl,
		       struct kipc_timespec __user *uts);
int kipc_wait(wait_queue_head_t *wq, const struct kipc_deadline *dl,
	      int (*ready)(void *arg), void *arg);
int kipc_wait_locked(wait_queue_head_t *wq, spinlock_t *lock,
		     const struct kipc_deadline *dl,
		     int (*ready)(void *arg), void *arg);
int kipc_wait_locked_excl(wait_queue_head_t *wq, spinlock_t *lock,
			  const struct kipc_deadline *dl,
			  int (*ready)(void *arg), void *arg,
			  const bool *exclusive);

/* ---- msg.c ---- */

struct kipc_txn;
struct kipc_sync;
struct kipc_endpoint;

/* struct kipc_msg.state: kernel-only, under the queue lock */
#define KIPC_MSGS_DELIVERING	BIT(0)	/* a receiver is copying it */
#define KIPC_MSGS_WITHDRAWN	BIT(1)	/* its sender gave up meanwhile */
#define KIPC_MSGS_PARKED	BIT(2)	/* rendezvous or SYNC: not buffered */

/**
 * struct kipc_msg - one message; immutable once sent except where noted
 * @node:	in a kipc_queue level list (priority < KIPC_QUEUE_LEVELS),
 *		under that queue's lock; free for any list once dequeued
 * @rb:		in the kipc_queue tree instead (priority >= KIPC_QUEUE_LEVELS)
 * @sender_id:	sending endpoint
 * @mbox_id:	mailbox it was sent to, 0 for an endpoint inbox
 * @token:	request token, 0 if not a request
 * @pid:	sender's thread group (reference held)
 * @uid:	sender's euid
 * @gid:	sender's egid
 * @charge:	accounts charged with kipc_msg_footprint(@len), without
 *		references (kipc_ep_charge_msg())
 * @txn:	request's transaction (reference held), NULL otherwise
 * @sync:	blocked sender waiting for this message to be taken, or NULL;
 *		under the queue's lock
 * @state:	KIPC_MSGS_*, under the queue's lock
 * @prio:	0 .. KIPC_PRIO_MAX
 * @len:	payload bytes
 * @flags:	KIPC_MSG_*; KIPC_MSG_SYNC is set before queueing
 * @reply_max:	requests: caller's reply buffer size
 * @type:	message type (KIPC_RECV_TYPE selects by it)
 * @deadline:	requests: the caller's CLOCK_MONOTONIC deadline; 0 if it
 *		waits without a limit
 * @seq:	its number in the queue it is in (kipc_queue.seq), set when
 *		it is queued, under that queue's lock
 * @data:	payload
 */
struct kipc_msg {
	union {
		struct list_head node;
		struct rb_node rb;
	};
	u64 sender_id;
	u64 mbox_id;
	u64 token;
	struct pid *pid;
	kuid_t uid;
	kgid_t gid;
	struct kipc_charge charge;
	struct kipc_txn *txn;
	struct kipc_sync *sync;
	u32 state;
	u32 prio;
	u32 len;
	u32 flags;
	u32 reply_max;
	s64 type;
	ktime_t deadline;
	u64 seq;
	u8 data[];
};

int kipc_msg_cache_init(void);
void kipc_msg_cache_exit(void);
size_t kipc_msg_footprint(u32 len);
struct kipc_msg *kipc_msg_build(struct kipc_endpoint *ep,
				const struct kipc_charge *charge,
				const void __user *buf, u32 len, u32 prio);
struct kipc_msg *kipc_msg_new(struct kipc_endpoint *ep, const void __user *buf,
			      u32 len, u32 prio);
struct kipc_msg *kipc_msg_new_iter(struct kipc_endpoint *ep,
				   struct iov_iter *from, u32 prio);
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

/* ---- notify.c ---- */

/**
 * struct kipc_notify_reg - a KIPC_IOC_NOTIFY registration, as mq_notify
 * @pid:	armer's thread group (reference held), NULL when disarmed
 * @cred:	armer's credentials (reference held): delivery is checked as
 *		if the armer sent the signal itself
 * @file:	the file it was armed through (no reference: cleared when
 *		the armer flushes or the file is released)
 * @exec_id:	armer's self_exec_id: no delivery into a new image
 * @signo:	signal to send, 0 for none
 * @value:	the signal's si_value
 * @efd:	eventfd to signal instead (reference held), or NULL
 * @oneshot:	disarm after one signal
 * @idle:	not while a receiver waits to take a message
 */
struct kipc_notify_reg {
	struct pid *pid;
	const struct cred *cred;
	struct file *file;
	u64 exec_id;
	int signo;
	u64 value;
	struct eventfd_ctx *efd;
	bool oneshot;
	bool idle;
};

/* ---- queue.c ---- */

/*
 * Priorities below this have a list each and a bit in a word: the common
 * case (and every priority kipc had before KIPC_PRIO_MAX grew) costs no
 * tree walk. The rare higher ones share a tree sorted by priority.
 */
#define KIPC_QUEUE_LEVELS	32
static_assert(KIPC_QUEUE_LEVELS <= BITS_PER_LONG);

/**
 * struct kipc_queue - a priority message queue (endpoint inbox or mailbox)
 * @lock:	protects every field below except the wait queues, @perm_obj,
 *		@mbox_id and @fasync. Never held across a user copy or a sleep.
 * @levels:	one FIFO per priority below KIPC_QUEUE_LEVELS
 * @nonempty:	bit n set iff @levels[n] is not empty
 * @high:	messages of priority KIPC_QUEUE_LEVELS and up, highest
 *		priority leftmost, FIFO among equals
 * @lim:	capacity
 * @depth:	queued messages, including parked and in-delivery ones
 * @bytes:	payload bytes of @depth
 * @used_msgs:	buffered messages (those counted against @lim)
 * @used_bytes:	payload bytes of @used_msgs
 * @parked:	parked (rendezvous or SYNC) messages no receiver claimed yet
 * @delivering:	messages claimed by a receiver that is copying them out
 * @nr_send_wait: tasks blocked in send on this queue
 * @nr_recv_wait: tasks blocked in receive on this queue
 * @nr_take_wait: those of @nr_recv_wait that would take a message (not
 *		peeking): what a rendezvous sender can meet
 * @dead:	0 while alive, else the errno senders get (-ESRCH, -EIDRM)
 * @send_pid:	tgid of the last sender, in the initial pid namespace
 *		(written under @lock, read with READ_ONCE() by STAT)
 * @recv_pid:	likewise of the last task that took a message
 * @send_time:	CLOCK_REALTIME seconds of the last enqueue, likewise
 * @recv_time:	CLOCK_REALTIME seconds of the last take, likewise
 * @dead_txn:	what callers get whose request a dead queue discards
 * @notify:	the arrival signal
 * @perm_obj:	the mailbox whose permissions apply, NULL for an inbox;
 *		immutable
 * @mbox_id:	stamped into messages, 0 for an inbox; immutable
 * @id:		id of the endpoint or mailbox the queue belongs to (trace
 *		events name queues by it); immutable
 * @uparked:	io_uring receives parked here (struct kipc_upark.node),
 *		in the order they parked: a message that becomes available
 *		is offered to them first, to the first whose selection it
 *		matches
 * @takers:	receivers that take any message (no sender or type
 *		filter, not peeking) waiting for one, first come first:
 *		struct kipc_recv_op (queue.c). A sender hands its message to
 *		the first of them when no parked receive took it; never
 *		non-empty while an unclaimed message is queued.
 * @take_wq:	where @takers sleep: each is woken alone, by the sender
 *		that hands it a message (or all at once by a kill)
 * @seq:	number of the last message queued (KIPC_RECV_SEQ): numbers
 *		go up by one per message and are never reused
 * @recv_wq:	other receivers and pollers: woken when a message arrives
 *		that no taker or parked receive got
 * @send_wq:	senders and pollers: woken on room, take, new receiver;
 *		senders waiting for room wait exclusively (one woken per
 *		message taken, passed on by one that leaves)
 * @fasync:	O_ASYNC owners (fasync_helper has its own locking)
 */
struct kipc_queue {
	spinlock_t lock;	/* see @lock above */
	struct list_head levels[KIPC_QUEUE_LEVELS];
	unsigned long nonempty;
	struct rb_root_cached high;
	struct kipc_limits lim;
	u32 depth;
	u32 bytes;
	u32 used_msgs;
	u32 used_bytes;
	u32 parked;
	u32 delivering;
	u32 nr_send_wait;
	u32 nr_recv_wait;
	u32 nr_take_wait;
	int dead;
	pid_t send_pid;
	pid_t recv_pid;
	time64_t send_time;
	time64_t recv_time;
	int dead_txn;
	struct kipc_notify_reg notify;
	struct kipc_obj *perm_obj;
	u64 mbox_id;
	u64 id;
	struct list_head uparked;
	struct list_head takers;
	wait_queue_head_t take_wq;
	u64 seq;
	wait_queue_head_t recv_wq;
	wait_queue_head_t send_wq;
	struct fasync_struct *fasync;
};

/* struct kipc_rx.sel: msgrcv()'s msgtyp selections */
enum kipc_sel {
	KIPC_SEL_ANY,		/* every message */
	KIPC_SEL_EQUAL,		/* type == type_sel */
	KIPC_SEL_NOTEQUAL,	/* type != type_sel */
	KIPC_SEL_LESSEQUAL,	/* the lowest type <= type_sel */
	KIPC_SEL_INDEX,		/* the type_sel'th in receive order */
};

/**
 * struct kipc_rx - what a receiver asked for and where it goes
 * @buf:	user payload buffer, unless @iter
 * @iter:	or the payload's destination as an iov_iter (read_iter)
 * @iter_done:	bytes an earlier delivery attempt advanced @iter by, taken
 *		back before the next one
 * @buf_len:	its size
 * @hdr:	kernel copy of the header to fill (inside @out), or NULL for
 *		none (read(2))
 * @len:	kernel copy of the length to fill (inside @out)
 * @out:	kernel struct holding @hdr and @len: the RECV argument, or
 *		one struct kipc_mmsg of KIPC_IOC_XFER
 * @uout:	where @out is copied back in user space, or NULL for no
 *		struct (read(2))
 * @out_size:	bytes of @out to copy back
 * @type:	kernel copy of the type to fill (inside @out), or NULL
 * @seq_out:	kernel copy of the message's number to fill (inside @out),
 *		or NULL
 * @from:	sender filter, 0 = any
 * @sel:	how @type_sel selects messages by type
 * @type_sel:	the type to select by
 * @seq:	with @by_seq, the number of the one message wanted
 * @by_seq:	KIPC_RECV_SEQ: that message or none, never waiting
 * @peek:	do not dequeue
 * @ep:		receiving endpoint (requests are attached to it)
 *
 * A parked io_uring receive keeps its own copy of @out and moves every
 * pointer into it (kipc_uring_park_recv(); an XFER's is rebuilt there by
 * kipc_xfer_rx()): a field added here that points into @out must be
 * moved there too.
 */
struct kipc_rx {
	u64 buf;
	struct iov_iter *iter;
	size_t iter_done;
	u32 buf_len;
	struct kipc_msg_hdr *hdr;
	u32 *len;
	const void *out;
	void __user *uout;
	size_t out_size;
	s64 *type;
	u64 *seq_out;
	u64 from;
	enum kipc_sel sel;
	s64 type_sel;
	u64 seq;
	bool by_seq;
	bool peek;
	struct kipc_endpoint *ep;
};

/* struct kipc_upark_pdu.state: who completes a parked io_uring receive */
enum kipc_upark_state {
	KIPC_UPARK_NEW,		/* being parked: nobody may complete it yet */
	KIPC_UPARK_PARKED,	/* on kipc_queue.uparked, waiting */
	KIPC_UPARK_HANDOFF,	/* a message is claimed for it */
	KIPC_UPARK_TIMEDOUT,	/* its deadline passed */
	KIPC_UPARK_CANCELLED,	/* io_uring cancelled it */
	KIPC_UPARK_DEAD,	/* its queue died */
};

/**
 * struct kipc_upark_pdu - what a parked io_uring command keeps in its pdu,
 *	which lives as long as the request
 * @rec:	its record (struct kipc_upark, or struct kipc_ucall with
 *		@call); owned by whoever moved @state from PARKED
 * @state:	enum kipc_upark_state
 * @call:	a CALL waiting for its reply
 */
struct kipc_upark_pdu {
	void *rec;
	atomic_t state;
	bool call;
};

/**
 * struct kipc_upark_xfer - what a parked io_uring XFER keeps
 * @x:		kernel copy of the argument
 * @ux:		the argument in user space, where @sent and the number
 *		received are written at completion
 * @ent:	kernel copy of its first receive entry; the hand-off's
 *		outputs land here and are copied back to the entry
 * @sent:	what its send phase sent before it parked
 */
struct kipc_upark_xfer {
	struct kipc_xfer x;
	struct kipc_xfer __user *ux;
	struct kipc_mmsg_seq ent;
	u32 sent;
};

/**
 * struct kipc_upark - an io_uring RECV, or an XFER's first receive,
 *	parked on a queue, with no thread
 * @node:	in @q->uparked while parked, under @q->lock; after leaving it,
 *		on a list of records whose completion is to be scheduled
 * @q:		the queue; the request's file reference keeps it alive
 * @ioucmd:	the command; its pdu (struct kipc_upark_pdu) holds the state
 * @msg:	the message claimed for it (state HANDOFF), under @q->lock
 * @err:	state DEAD: what the dying queue completes it with
 * @karg:	RECV: kernel copy of the argument; the outputs are filled
 *		in and copied back at completion
 * @xfer:	XFER: what it keeps (@is_xfer)
 * @is_xfer:	an XFER, completed by kipc_xfer_parked_done()
 * @rx:		what it asked for, pointing into @karg or @xfer.ent
 * @timed:	@timer runs until @expires (CLOCK_MONOTONIC)
 * @expires:	the deadline
 * @timer:	moves PARKED to TIMEDOUT; hard irq context, so it only
 *		changes the state and schedules the completion
 *
 * Exactly one party completes a record: the one that moves its state from
 * PARKED (by cmpxchg: a sender handing it a message or a dying queue, both
 * under @q->lock, the timer, or io_uring's cancel hook). That party owns
 * it from then on and frees it before io_uring_cmd_done().
 */
struct kipc_upark {
	struct list_head node;
	struct kipc_queue *q;
	struct io_uring_cmd *ioucmd;
	struct kipc_msg *msg;
	int err;
	union {
		struct kipc_recv karg;
		struct kipc_upark_xfer xfer;
	};
	bool is_xfer;
	struct kipc_rx rx;
	bool timed;
	ktime_t expires;
	struct hrtimer timer;
};

void kipc_queue_init(struct kipc_queue *q, const struct kipc_limits *lim,
		     struct kipc_obj *owner, bool mbox);
void kipc_queue_destroy(struct kipc_queue *q);
void kipc_queue_kill(struct kipc_queue *q, int dead_err, int txn_err);
int kipc_queue_send(struct kipc_queue *q, struct kipc_msg *msg, bool sync,
		    const struct kipc_deadline *dl);
int kipc_queue_send_many(struct kipc_queue *q, struct kipc_msg **msgs, u32 n,
			 const struct kipc_deadline *dl, u32 *sent);
int kipc_queue_recv(struct kipc_queue *q, struct kipc_rx *rx,
		    const struct kipc_deadline *dl);
u32 kipc_queue_take_many(struct kipc_queue *q, const struct kipc_rx *rx,
			 const u32 *room, u32 n, struct kipc_msg **msgs);
void kipc_queue_put_back(struct kipc_queue *q, struct kipc_msg **msgs, u32 n);
int kipc_deliver(struct kipc_rx *rx, const struct kipc_msg *msg);
void kipc_queue_set_limits(struct kipc_queue *q, const struct kipc_limits *l);
void kipc_queue_info(struct kipc_queue *q, struct kipc_info *info);
void kipc_queue_park(struct kipc_queue *q, struct kipc_upark *rec,
		     struct list_head *handed);
int kipc_queue_upark_finish(struct kipc_upark *rec, bool task_dead,
			    struct list_head *handed);
void kipc_queue_unpark(struct kipc_upark *rec);
__poll_t kipc_queue_poll(struct kipc_queue *q, struct file *file,
			 struct poll_table_struct *pt, bool is_mbox);

/* rw.c: read(2) and write(2) on mailbox and endpoint fds */
ssize_t kipc_file_write(struct file *file, struct kipc_endpoint *ep,
			struct kipc_queue *q, const char __user *buf,
			size_t count);
ssize_t kipc_file_read(struct file *file, struct kipc_endpoint *ep,
		       struct kipc_queue *q, char __user *buf, size_t count);
ssize_t kipc_file_write_iter(struct kiocb *iocb, struct kipc_endpoint *ep,
			     struct kipc_queue *q, struct iov_iter *from);
ssize_t kipc_file_read_iter(struct kiocb *iocb, struct kipc_endpoint *ep,
			    struct kipc_queue *q, struct iov_iter *to);

/* notify.c, on a queue */
int kipc_notify_arm(struct kipc_queue *q, struct file *file,
		    const struct kipc_notify *n);
void kipc_notify_fire(struct kipc_queue *q, struct kipc_notify_reg *fired);
void kipc_notify_deliver(struct kipc_notify_reg *fired);
void kipc_notify_clear(struct kipc_notify_reg *reg);
void kipc_notify_flush(struct kipc_queue *q, struct file *file, bool release);

/* ---- endpoint.c ---- */

/**
 * struct kipc_endpoint - one endpoint (an open /dev/kipc file)
 * @obj:	object header (type KIPC_TYPE_ENDPOINT); the endpoint file
 *		holds a reference, and so does every sender looking it up
 * @inbox:	direct messages
 * @pid:	opener's thread group (reference held); immutable
 * @owned:	mailboxes created KIPC_MBOX_OWNED by this endpoint, under
 *		@obj.ns->lock
 * @txn_lock:	protects @txns, @txns_closed, @calls and @nr_calls (call.c)
 * @txns:	requests received and not yet answered, under @txn_lock
 * @txns_closed: the endpoint has closed and takes no more requests, under
 *		@txn_lock
 * @calls:	this endpoint's interrupted calls kept for a restart, under
 *		@txn_lock
 * @nr_calls:	length of @calls, under @txn_lock
 * @charge_lock: protects @charge
 * @charge:	accounts of the last task that sent through this endpoint,
 *		kept so a stream of sends finds them without a lookup
 */
struct kipc_endpoint {
	struct kipc_obj obj;
	struct kipc_queue inbox;
	struct pid *pid;
	struct list_head owned;
	spinlock_t txn_lock;	/* see @txn_lock above */
	struct list_head txns;
	bool txns_closed;
	struct list_head calls;
	unsigned int nr_calls;
	spinlock_t charge_lock;	/* see @charge_lock above */
	struct kipc_charge charge;
};

static inline struct kipc_endpoint *kipc_obj_ep(struct kipc_obj *obj)
{
	return container_of(obj, struct kipc_endpoint, obj);
}

void kipc_ep_put(struct kipc_endpoint *ep);
extern const struct file_operations kipc_ep_fops;
int kipc_ep_charge_msg(struct kipc_endpoint *ep, struct kipc_charge *c,
		       size_t bytes);
void kipc_msg_uncharge(const struct kipc_charge *c, size_t bytes);

/* ---- mailbox.c ---- */

/**
 * struct kipc_mbox - a mailbox
 * @obj:	object header (type KIPC_TYPE_MAILBOX)
 * @q:		the messages
 * @owned:	created KIPC_MBOX_OWNED; immutable
 * @owner:	creating endpoint while @owned and registered, under
 *		@obj.ns->lock (no reference: cleared when it closes)
 * @owner_node:	in @owner->owned, under @obj.ns->lock
 * @ctime:	CLOCK_REALTIME seconds of the creation or the last MBOX_SET;
 *		written under @obj.ns->lock, read with READ_ONCE()
 */
struct kipc_mbox {
	struct kipc_obj obj;
	struct kipc_queue q;
	time64_t ctime;
	bool owned;
	struct kipc_endpoint *owner;
	struct list_head owner_node;
};

static inline struct kipc_mbox *kipc_obj_mbox(struct kipc_obj *obj)
{
	return container_of(obj, struct kipc_mbox, obj);
}

void kipc_ep_kill_owned(struct kipc_endpoint *ep);

/* ---- ioctl.c: the front end ---- */

/* Which fds a command is valid on (struct kipc_ioc.fds). */
#define KIPC_FD_EP	BIT(0)
#define KIPC_FD_MBOX	BIT(1)
#define KIPC_FD_RING	BIT(2)
#define KIPC_FD_SEM	BIT(3)
#define KIPC_FD_MUTEX	BIT(4)

/**
 * struct kipc_ctx - what a command runs on
 * @file:	the fd's file
 * @ep:		the endpoint (for a mailbox fd, the one it was opened
 *		through); NULL for a ring fd
 * @mb:		the mailbox of a mailbox fd, else NULL
 * @ring_file:	the private data of a ring fd, else NULL
 * @obj:	the object of a semaphore or mutex fd, else NULL
 * @uarg:	the user's argument struct
 * @usize:	bytes of it to copy back: min(its size, the kernel's)
 * @nowait:	an io_uring command issued with IO_URING_F_NONBLOCK: it must
 *		not sleep (-EAGAIN makes io_uring retry from io-wq)
 * @eagain_final: with @nowait: an -EAGAIN is the command's answer (its
 *		caller asked not to wait, or a retry would repeat what it
 *		did), to complete with rather than retry from io-wq
 * @uring:	an io_uring command: an interruption is a cancellation, and
 *		nothing restarts it
 * @park:	an io_uring command on a kernel with the uring_cmd cancel
 *		hook: a RECV that cannot complete at once parks (uring_park.c)
 * @ioucmd:	with @uring: the command
 * @issue_flags: with @uring: its IO_URING_F_* flags
 */
struct kipc_ctx {
	struct file *file;
	struct kipc_endpoint *ep;
	struct kipc_mbox *mb;
	void *ring_file;
	struct kipc_obj *obj;
	void __user *uarg;
	size_t usize;
	bool nowait;
	bool eagain_final;
	bool uring;
	bool park;
	struct io_uring_cmd *ioucmd;
	unsigned int issue_flags;
};

static inline struct kipc_queue *kipc_ctx_queue(struct kipc_ctx *ctx)
{
	return ctx->mb ? &ctx->mb->q : &ctx->ep->inbox;
}

static inline struct kipc_ns *kipc_ctx_ns(struct kipc_ctx *ctx)
{
	return ctx->ep ? ctx->ep->obj.ns : ctx->obj->ns;
}

void kipc_ioctl_init(void);
long kipc_ioctl(struct kipc_ctx *ctx, unsigned int cmd, unsigned long arg);
int kipc_uring_cmd(struct kipc_ctx *ctx, struct io_uring_cmd *ioucmd,
		   unsigned int issue_flags);
int kipc_copy_out(struct kipc_ctx *ctx, const void *karg);
int kipc_ctx_deadline(struct kipc_ctx *ctx, struct kipc_deadline *dl,
		      u32 flags, const struct kipc_timespec *ts);
int kipc_interrupted(struct kipc_ctx *ctx, int ret,
		     const struct kipc_deadline *dl, size_t ts_offset);

/**
 * struct kipc_dest - the queue a send goes to, pinned
 * @q:		the queue
 * @obj:	the endpoint or mailbox looked up (a reference held), or NULL
 *		for the mailbox of the sending mailbox fd itself
 */
struct kipc_dest {
	struct kipc_queue *q;
	struct kipc_obj *obj;
};

int kipc_dest_get(struct kipc_ctx *ctx, u32 flags, u64 dest, bool redirect,
		  struct kipc_dest *d);
void kipc_dest_put(struct kipc_dest *d);
int kipc_recv_sel(u32 flags, s64 t, enum kipc_sel *sel, s64 *type_sel);

/* Command handlers: @karg is the argument, copied in and zero-extended. */
int kipc_ioc_ep_set(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_send(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_recv(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_call(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_reply(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_xfer(struct kipc_ctx *ctx, void *karg);
int kipc_xfer_rx(const struct kipc_xfer *x, u32 i, struct kipc_endpoint *ep,
		 struct kipc_mmsg_seq *e, struct kipc_rx *rx);
int kipc_xfer_parked_done(struct kipc_upark *rec, int ret, bool dead);
int kipc_ioc_sendrecv(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_reply_recv(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_notify(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mbox_create(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mbox_open(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mbox_delete(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mbox_set(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_stat(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_list(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_usage(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_ring_create(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_ring_attach(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_ring_delete(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_ring_wait(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_ring_wake(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_sem_create(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_sem_open(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_sem_delete(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_sem_wait(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_sem_post(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mutex_create(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mutex_open(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mutex_delete(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mutex_lock(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mutex_unlock(struct kipc_ctx *ctx, void *karg);
int kipc_ioc_mutex_consistent(struct kipc_ctx *ctx, void *karg);

/* ---- uring_park.c: io_uring receives that wait without a thread ---- */

/*
 * The current task will never return to user space: it is being killed,
 * or its thread group is exiting (do_exit() cancels the task's io_uring
 * requests, running their task work, before it marks the task
 * PF_EXITING, but after it marked the group SIGNAL_GROUP_EXIT). A
 * message copied to it now would be lost.
 */
static inline bool kipc_current_dying(void)
{
	return fatal_signal_pending(current) ||
	       (READ_ONCE(current->signal->flags) & SIGNAL_GROUP_EXIT);
}

/**
 * kipc_let_woken_run() - between the two halves of a one-call round trip
 *
 * The first half (a send, a reply) may have woken the peer that will
 * answer. If the scheduler wants it to run before us, let it now, as the
 * return to user space between two calls would: the answer then finds
 * us runnable and queues without a wake-up, where we would otherwise be
 * asleep in the second half and have to be woken. A cheap test when
 * nothing waits to run; nothing where the wake-up preempted us already.
 */
static inline void kipc_let_woken_run(void)
{
	cond_resched();
}

int kipc_uring_park_recv(struct kipc_ctx *ctx, struct kipc_queue *q,
			 const struct kipc_recv *karg,
			 const struct kipc_rx *rx,
			 const struct kipc_deadline *dl);
int kipc_uring_park_xfer(struct kipc_ctx *ctx, const struct kipc_xfer *x,
			 u32 sent, const struct kipc_deadline *dl);
struct kipc_upark_pdu *kipc_upark_pdu(struct io_uring_cmd *ioucmd);
bool kipc_uwait_take(struct io_uring_cmd *ioucmd, enum kipc_upark_state to);
bool kipc_upark_take(struct kipc_upark *rec, enum kipc_upark_state to);
void kipc_upark_set(struct kipc_upark *rec, enum kipc_upark_state state);
void kipc_upark_schedule(struct list_head *handed);
void kipc_uring_cancel(struct io_uring_cmd *ioucmd, unsigned int issue_flags);

/* ---- uring_call.c: io_uring CALLs that wait for the reply without one ---- */

struct kipc_ucall;

struct kipc_ucall *kipc_ucall_alloc(void);
void kipc_ucall_discard(struct kipc_ucall *uc);
int kipc_uring_park_call(struct kipc_ctx *ctx, struct kipc_ucall *uc,
			 const struct kipc_call *karg, struct kipc_txn *txn,
			 const struct kipc_deadline *dl);
void kipc_ucall_parked(struct kipc_ucall *uc);
void kipc_ucall_finish(struct kipc_ucall *uc);
void kipc_ucall_cancelled(struct io_uring_cmd *ioucmd,
			  unsigned int issue_flags);
int kipc_call_deliver(struct kipc_ctx *ctx, struct kipc_call *karg,
		      struct kipc_msg *reply);

/* ---- call.c ---- */

struct kipc_txn *kipc_txn_new(struct kipc_endpoint *caller, u32 reply_max);
struct kipc_txn *kipc_txn_get(struct kipc_txn *txn);
void kipc_txn_put(struct kipc_txn *txn);
u64 kipc_txn_token(const struct kipc_txn *txn);
u32 kipc_txn_reply_max(const struct kipc_txn *txn);
void kipc_txn_received(struct kipc_txn *txn, struct kipc_endpoint *ep);
void kipc_txn_fail(struct kipc_txn *txn, int err);
int kipc_txn_wait(struct kipc_txn *txn, const struct kipc_deadline *dl,
		  struct kipc_msg **reply);
int kipc_txn_cancel(struct kipc_txn *txn, int ret, struct kipc_msg **reply);
void kipc_txn_park(struct kipc_txn *txn, struct kipc_endpoint *caller,
		   const struct kipc_deadline *dl);
struct kipc_txn *kipc_txn_resume(struct kipc_endpoint *caller, u64 token,
				 struct kipc_deadline *dl);
bool kipc_txn_park_uring(struct kipc_txn *txn, struct kipc_ucall *uc);
int kipc_txn_unpark_uring(struct kipc_txn *txn, struct kipc_msg **reply);
int kipc_txn_reply(struct kipc_endpoint *ep, u64 token, struct kipc_msg *msg);
void kipc_ep_fail_txns(struct kipc_endpoint *ep);
void kipc_ep_drop_calls(struct kipc_endpoint *ep);

#endif /* _KIPC_INTERNAL_H */
