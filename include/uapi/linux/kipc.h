/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kipc: message passing and shared-memory rings behind /dev/kipc.
 *
 * This header is the ABI between kipc.ko and user space. It is shared
 * verbatim by the module and by libkipc.
 *
 * Objects
 * -------
 * Endpoint: opening /dev/kipc creates one; the fd is the endpoint. It has a
 *   64-bit id, unique for the life of the system and never reused, an
 *   optional name (KIPC_IOC_EP_SET) and a direct inbox (a message queue).
 *   The endpoint is destroyed when its last /dev/kipc fd *and* every
 *   mailbox fd opened through it are closed (a mailbox fd holds a reference
 *   on the endpoint it was opened through; see below).
 *
 * Mailbox: a named or anonymous message queue with any number of senders
 *   and receivers, created by KIPC_IOC_MBOX_CREATE and opened by
 *   KIPC_IOC_MBOX_OPEN. Both return a new mailbox fd (O_CLOEXEC). A
 *   mailbox fd supports poll() and the message ioctls (SEND, RECV, CALL,
 *   REPLY, NOTIFY, STAT, MBOX_SET, MBOX_DELETE); it remembers the endpoint
 *   it was opened through: messages sent through it are stamped with that
 *   endpoint's id and requests received through it are answered on behalf
 *   of that endpoint. A mailbox lives until deleted (KIPC_IOC_MBOX_DELETE)
 *   or, if created with KIPC_MBOX_OWNED, until its creating endpoint is
 *   destroyed. Mailbox ids come from the same never-reused 64-bit counter
 *   as endpoint ids, so an id names at most one object ever.
 *
 * Namespaces: ids and names are visible only inside the IPC namespace in
 *   which the endpoint or mailbox was created (CLONE_NEWIPC). An endpoint
 *   belongs to the IPC namespace of the task that opened /dev/kipc, and
 *   every lookup made through an fd (send by id, open, stat, list, ...)
 *   uses its endpoint's namespace, like a socket uses its netns. Endpoint
 *   names and mailbox names are separate name spaces.
 *
 * Messages
 * --------
 * A message is 0 .. msg_max bytes of payload plus a kernel-stamped header
 * (struct kipc_msg_hdr). Priorities are 0 .. KIPC_PRIO_MAX; a receiver gets
 * the highest priority first, FIFO within a priority. Messages sent from
 * one endpoint to one queue at one priority arrive in the order sent.
 * Each message is received exactly once: a receive that fails (-EMSGSIZE,
 * -EFAULT) leaves the message queued.
 *
 * Capacity: each queue has max_msgs / max_bytes. max_msgs == 0 makes it a
 * rendezvous queue: a send completes only when a receiver has taken the
 * message. KIPC_SEND_SYNC gives the same guarantee on a buffered queue. A
 * message whose sender is blocked waiting for it to be taken is queued
 * (visible to receivers and counted in depth) but does not use capacity.
 *
 * Blocking (SEND, RECV, CALL): by default a call blocks. KIPC_NONBLOCK (or
 * O_NONBLOCK on the fd, for SEND and RECV) makes it fail with -EAGAIN
 * instead. KIPC_TIMEOUT bounds the wait by @timeout, relative, or absolute
 * on CLOCK_MONOTONIC with KIPC_ABSTIME; on expiry -ETIMEDOUT; a deadline
 * already in the past still performs a non-blocking attempt and then
 * expires at once. A malformed timeout (tv_sec < 0, tv_nsec outside
 * [0, 999999999]) gives -EINVAL. KIPC_NONBLOCK together with KIPC_TIMEOUT,
 * or KIPC_ABSTIME without KIPC_TIMEOUT, gives -EINVAL.
 *
 * Signals: a signal or task work (io_uring queues it on the tasks that use
 * it) interrupts a blocked call, which is restarted when no handler ran or
 * the handler has SA_RESTART (not for a SEND or RECV with KIPC_NORESTART),
 * and fails with -EINTR otherwise. A relative
 * timeout keeps its deadline: the time left is written back into the
 * argument's timeout field before the restart (as select(2) does). An
 * interrupted SEND has not sent its message (a rendezvous/SYNC message not
 * yet taken is withdrawn); an interrupted RECV has not dequeued anything.
 * A CALL interrupted after its request was queued keeps it: see
 * KIPC_IOC_CALL. XFER fails with -EINTR rather than restarting once it
 * has sent messages.
 *
 * Common errors, valid for every ioctl below:
 *   -EFAULT	bad user pointer
 *   -EINVAL	size field below the *_SIZE_VER0 of the struct, unknown flag
 *		bit, non-zero reserved field, or a bad value as listed
 *   -E2BIG	size field larger than this kernel's struct and the extra
 *		bytes are not all zero (copy_struct_from_user)
 *   -ENOTTY	unknown ioctl, or ioctl not valid on this kind of fd
 *
 * Extensible structs begin with "__u32 size", which the caller sets to
 * sizeof(struct). The kernel dispatches on the ioctl number ignoring its
 * size bits, so newer user space may pass a larger struct to an older
 * kernel and vice versa. Output structs are copied back up to
 * min(size, sizeof(kernel struct)).
 *
 * Poll: an endpoint fd reports EPOLLIN while its inbox holds a message and
 * EPOLLOUT always (sends from an endpoint are flow-controlled per
 * destination; poll a mailbox fd to wait for room in a mailbox). A
 * mailbox fd reports EPOLLIN while it holds a message, EPOLLOUT while a
 * non-blocking buffered send would find room (for a rendezvous mailbox:
 * while a receiver is blocked in RECV) and EPOLLHUP | EPOLLERR once the
 * mailbox is deleted.
 *
 * Signals on arrival: both fd kinds support O_ASYNC / F_SETOWN (SIGIO,
 * POLL_IN) when a message arrives on an empty queue, and KIPC_IOC_NOTIFY.
 */
#ifndef _UAPI_LINUX_KIPC_H
#define _UAPI_LINUX_KIPC_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/kipc_ring.h>

/* 0xB7 is unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define KIPC_IOC_MAGIC		0xB7

/* ABI version reported by KIPC_IOC_VERSION; bumped on incompatible change. */
#define KIPC_ABI_VERSION	1

/*
 * kipc's release: the one version of the module, the library, the
 * packages and the manuals (the build reads it from here).
 * KIPC_IOC_VERSION reports the loaded module's as KIPC_VERSION_CODE().
 */
#define KIPC_VERSION_MAJOR	0
#define KIPC_VERSION_MINOR	7
#define KIPC_VERSION_PATCH	1
#define KIPC_VERSION_CODE(major, minor, patch) \
	(((major) << 16) | ((minor) << 8) | (patch))

/* Length of a name buffer, including the terminating NUL; "" = no name. */
#define KIPC_NAME_MAX		64
/*
 * Priorities are 0 (lowest) .. KIPC_PRIO_MAX (highest), the range of
 * POSIX message queues on Linux (MQ_PRIO_MAX is KIPC_PRIO_MAX + 1).
 * Older modules accept 0 .. 31 only (EINVAL above).
 */
#define KIPC_PRIO_MAX		32767
/* Default maximum message size of a queue created with msg_max == 0. */
#define KIPC_MSG_SIZE_DEFAULT	8192
/* Upper bound on the max_msgs of any queue. */
#define KIPC_QUEUE_MSGS_MAX	65536
/* Upper bound on kipc_list.count. */
#define KIPC_LIST_MAX		1024

/* Blocking flags, common to SEND, RECV and CALL. */
#define KIPC_NONBLOCK		(1U << 0)	/* fail with -EAGAIN, never wait */
#define KIPC_TIMEOUT		(1U << 1)	/* wait at most @timeout */
#define KIPC_ABSTIME		(1U << 2)	/* @timeout is CLOCK_MONOTONIC */
/*
 * SEND and RECV only: a signal handler interrupts a blocked call with
 * -EINTR even under SA_RESTART, as SysV msgsnd() and msgrcv() are never
 * restarted (see "Signals" above).
 */
#define KIPC_NORESTART		(1U << 3)
/* Bits 4..7 are reserved for more common flags. */

/**
 * struct kipc_timespec - a timeout, relative or absolute (CLOCK_MONOTONIC)
 * @tv_sec:	seconds, >= 0
 * @tv_nsec:	nanoseconds, 0 .. 999999999
 *
 * Only read when KIPC_TIMEOUT is set; ignored otherwise.
 */
struct kipc_timespec {
	__s64 tv_sec;
	__s64 tv_nsec;
};

/**
 * struct kipc_version - ABI and module version, filled by KIPC_IOC_VERSION
 * @abi:	KIPC_ABI_VERSION of the loaded module
 * @version:	the loaded module's release, KIPC_VERSION_CODE(major, minor,
 *		patch); 0 from modules older than 0.3
 * @endpoint_id: id of the endpoint the calling fd is (or, for a mailbox fd,
 *		the endpoint it was opened through)
 */
struct kipc_version {
	__u32 abi;
	__u32 version;
	__u64 endpoint_id;
};

/* struct kipc_msg_hdr.flags */
#define KIPC_MSG_REQUEST	(1U << 0)	/* sent by CALL: answer with REPLY(token) */
#define KIPC_MSG_SYNC		(1U << 1)	/* its sender waited for it to be taken */

/**
 * struct kipc_msg_hdr - kernel-stamped header delivered with every message
 * @sender_id:	id of the sending endpoint (for a mailbox fd: the endpoint
 *		it was opened through)
 * @mailbox_id:	id of the mailbox the message came through, 0 if it was
 *		sent directly to the receiving endpoint
 * @token:	for a KIPC_MSG_REQUEST, the token to pass to KIPC_IOC_REPLY;
 *		0 otherwise. Tokens are unique for the life of the system.
 * @sender_pid:	sender's thread-group id as seen from the receiver's pid
 *		namespace at receive time; 0 if not visible there
 * @sender_uid:	sender's euid mapped into the receiver's user namespace
 *		(overflowuid if unmapped)
 * @sender_gid:	sender's egid mapped likewise (overflowgid if unmapped)
 * @priority:	0 .. KIPC_PRIO_MAX
 * @len:	payload length in bytes
 * @flags:	KIPC_MSG_*
 * @reply_max:	for a KIPC_MSG_REQUEST, the largest reply the caller
 *		accepts; 0 otherwise
 * @timeout_ms:	for a KIPC_MSG_REQUEST whose caller gave a timeout, the
 *		milliseconds it had left to wait when this header was filled,
 *		rounded up and at least 1 (a caller whose deadline passed is
 *		about to get ETIMEDOUT); 0 when the caller waits without a
 *		limit, and for every other message. Lets a server that
 *		forwards the request (kipc-bridge) pass the deadline on.
 */
struct kipc_msg_hdr {
	__u64 sender_id;
	__u64 mailbox_id;
	__u64 token;
	__s32 sender_pid;
	__u32 sender_uid;
	__u32 sender_gid;
	__u32 priority;
	__u32 len;
	__u32 flags;
	__u32 reply_max;
	__u32 timeout_ms;
};

/* KIPC_IOC_SEND flags, besides KIPC_NONBLOCK / KIPC_TIMEOUT / KIPC_ABSTIME */
#define KIPC_SEND_SYNC		(1U << 8)	/* complete only once taken */
#define KIPC_SEND_MAILBOX	(1U << 9)	/* @dest is a mailbox id */

/* KIPC_IOC_CALL flag: wait for the parked call reply_hdr.token, send nothing */
#define KIPC_CALL_RESUME	(1U << 10)

/**
 * struct kipc_send - argument of KIPC_IOC_SEND
 * @size:	sizeof(struct kipc_send), at least KIPC_SEND_SIZE_VER0
 * @flags:	KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_SEND_*
 * @dest:	on an endpoint fd: the destination endpoint id, or with
 *		KIPC_SEND_MAILBOX a mailbox id (permission checked as for
 *		KIPC_IOC_MBOX_OPEN plus write); on a mailbox fd: must be 0
 *		(the message goes to that mailbox) and KIPC_SEND_MAILBOX
 *		must be clear
 * @buf:	user pointer to the payload
 * @len:	payload length, 0 .. msg_max of the destination queue
 * @priority:	0 .. KIPC_PRIO_MAX
 * @timeout:	see KIPC_TIMEOUT
 * @type:	the message's type, any value, for receivers that select by
 *		type (KIPC_RECV_TYPE); 0 when the caller's struct ends
 *		before it (KIPC_SEND_SIZE_VER0)
 */
struct kipc_send {
	__u32 size;
	__u32 flags;
	__u64 dest;
	__u64 buf;
	__u32 len;
	__u32 priority;
	struct kipc_timespec timeout;
	__s64 type;
};

#define KIPC_SEND_SIZE_VER0	48
#define KIPC_SEND_SIZE_VER1	56	/* added type */

/* KIPC_IOC_RECV flags, besides KIPC_NONBLOCK / KIPC_TIMEOUT / KIPC_ABSTIME */
#define KIPC_RECV_PEEK		(1U << 8)	/* copy out, do not dequeue */
#define KIPC_RECV_FROM		(1U << 9)	/* only messages from @from */
#define KIPC_RECV_TYPE		(1U << 10)	/* select by @type_sel */
#define KIPC_RECV_EXCEPT	(1U << 11)	/* with @type_sel > 0: not it */
#define KIPC_RECV_INDEX		(1U << 12)	/* with PEEK: the @type_sel'th */
#define KIPC_RECV_SEQ		(1U << 13)	/* exactly the message @seq */

/**
 * struct kipc_recv - argument of KIPC_IOC_RECV
 * @size:	sizeof(struct kipc_recv), at least KIPC_RECV_SIZE_VER0
 * @flags:	KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_RECV_*
 * @from:	with KIPC_RECV_FROM: receive only messages whose sender_id
 *		is @from (highest priority first among those); else must be 0
 * @buf:	user pointer to the payload buffer
 * @buf_len:	size of @buf
 * @len:	out: payload length. On -EMSGSIZE: the size @buf needs
 *		(@hdr is filled too and the message stays queued)
 * @timeout:	see KIPC_TIMEOUT
 * @hdr:	out: header of the received (or peeked) message
 * @type_sel:	with KIPC_RECV_TYPE, which messages qualify, as msgrcv()'s
 *		msgtyp: > 0, those of type @type_sel (with KIPC_RECV_EXCEPT,
 *		those of any other type); < 0, the one of lowest type among
 *		those of type <= -@type_sel (the first of them in receive
 *		order when several share it; INT64_MIN counts as -INT64_MAX).
 *		0 with KIPC_RECV_TYPE, KIPC_RECV_EXCEPT without it or with
 *		@type_sel < 0, or @type_sel != 0 without KIPC_RECV_TYPE
 *		give -EINVAL. Among qualifying messages (also filtered by
 *		@from), receive order applies: highest priority first, FIFO
 *		within a priority.
 *		With KIPC_RECV_INDEX instead (and KIPC_RECV_PEEK, which it
 *		needs): the message at position @type_sel (0 = the next one
 *		a receive would take) in receive order, as msgrcv()'s
 *		MSG_COPY; a message another receiver is taking at that
 *		moment is not counted. KIPC_RECV_INDEX without
 *		KIPC_RECV_PEEK, with KIPC_RECV_TYPE or with @type_sel < 0
 *		gives -EINVAL.
 * @type:	out: type of the received (or peeked) message
 * @seq:	out: the message's sequence number in this queue. Every
 *		message queued in an endpoint's inbox or a mailbox gets the
 *		next number of that queue, from 1 up, never reused, so a
 *		number names one message for the queue's whole life.
 *		With KIPC_RECV_SEQ also in: receive (or, with
 *		KIPC_RECV_PEEK, copy) exactly the message numbered @seq,
 *		whatever its place. Such a receive never waits: -ENOMSG
 *		when that message is not queued (taken, discarded, or not
 *		yet sent), -EAGAIN when another receiver is copying it out
 *		at this moment (it may come back: a peek, a failed copy).
 *		KIPC_RECV_SEQ with KIPC_RECV_FROM, KIPC_RECV_TYPE,
 *		KIPC_RECV_EXCEPT, KIPC_RECV_INDEX, @seq 0 or a struct
 *		shorter than KIPC_RECV_SIZE_VER2 gives -EINVAL.
 */
struct kipc_recv {
	__u32 size;
	__u32 flags;
	__u64 from;
	__u64 buf;
	__u32 buf_len;
	__u32 len;
	struct kipc_timespec timeout;
	struct kipc_msg_hdr hdr;
	__s64 type_sel;
	__s64 type;
	__u64 seq;
};

#define KIPC_RECV_SIZE_VER0	104
#define KIPC_RECV_SIZE_VER1	120	/* added type_sel, type */
#define KIPC_RECV_SIZE_VER2	128	/* added seq */

/**
 * struct kipc_call - argument of KIPC_IOC_CALL (request/reply)
 * @size:	sizeof(struct kipc_call), at least KIPC_CALL_SIZE_VER0
 * @flags:	KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_SEND_MAILBOX (KIPC_NONBLOCK
 *		and KIPC_SEND_SYNC are invalid; O_NONBLOCK is ignored);
 *		KIPC_CALL_RESUME, set by the kernel when the call was
 *		interrupted after its request was queued: issued again, the
 *		call waits for that request's reply (see KIPC_IOC_CALL)
 * @dest:	as in struct kipc_send
 * @buf:	user pointer to the request payload
 * @len:	request payload length
 * @priority:	priority of the request, 0 .. KIPC_PRIO_MAX
 * @reply_buf:	user pointer to the reply buffer
 * @reply_buf_len: size of @reply_buf; the server sees it as hdr.reply_max
 *		and cannot reply with more (its REPLY fails with -EMSGSIZE)
 * @reply_len:	out: length of the reply payload
 * @timeout:	bounds the whole call (queueing the request and waiting for
 *		the reply)
 * @reply_hdr:	out: header of the reply (sender_id is the replying endpoint,
 *		token is the call's token, mailbox_id is 0)
 */
struct kipc_call {
	__u32 size;
	__u32 flags;
	__u64 dest;
	__u64 buf;
	__u32 len;
	__u32 priority;
	__u64 reply_buf;
	__u32 reply_buf_len;
	__u32 reply_len;
	struct kipc_timespec timeout;
	struct kipc_msg_hdr reply_hdr;
};

#define KIPC_CALL_SIZE_VER0	120

/**
 * struct kipc_reply - argument of KIPC_IOC_REPLY
 * @size:	sizeof(struct kipc_reply), at least KIPC_REPLY_SIZE_VER0
 * @flags:	0
 * @token:	hdr.token of the request being answered
 * @buf:	user pointer to the reply payload
 * @len:	reply length, at most the request's hdr.reply_max
 * @reserved:	zero
 */
struct kipc_reply {
	__u32 size;
	__u32 flags;
	__u64 token;
	__u64 buf;
	__u32 len;
	__u32 reserved;
};

#define KIPC_REPLY_SIZE_VER0	32

/* Upper bound on kipc_xfer.send_count and .recv_count. */
#define KIPC_XFER_MAX		1024

/**
 * struct kipc_mmsg - one message of a KIPC_IOC_XFER vector
 * @buf:	user pointer to the payload (send) or to the buffer (receive)
 * @len:	send: payload length; receive: out, the payload length, or on
 *		-EMSGSIZE the size @buf needs
 * @buf_len:	receive: size of @buf; ignored by send
 * @priority:	send: 0 .. KIPC_PRIO_MAX; ignored by receive
 * @reserved:	ignored; set to zero
 * @hdr:	receive: out, the kernel-stamped header; ignored by send
 *
 * A receive writes back the whole entry (@buf, @buf_len and @priority
 * unchanged), so one array can be reused call after call.
 */
struct kipc_mmsg {
	__u64 buf;
	__u32 len;
	__u32 buf_len;
	__u32 priority;
	__u32 reserved;
	struct kipc_msg_hdr hdr;
};

#define KIPC_MMSG_SIZE_VER0	80

/**
 * struct kipc_mmsg_seq - a KIPC_IOC_XFER entry with the message's sequence
 * @m:		as struct kipc_mmsg
 * @seq:	receive: out, the message's sequence number in the queue
 *		(see struct kipc_recv); with KIPC_RECV_SEQ in the xfer's
 *		flags also in: the message this entry takes. Ignored by send.
 *
 * An XFER whose @entry_size is at least KIPC_MMSG_SIZE_VER1 has entries
 * of this layout. struct kipc_mmsg keeps its size, so arrays of it
 * (libkipc's batch functions take them) stay valid.
 */
struct kipc_mmsg_seq {
	struct kipc_mmsg m;
	__u64 seq;
};

#define KIPC_MMSG_SIZE_VER1	88	/* added seq */

/**
 * struct kipc_xfer - argument of KIPC_IOC_XFER: send a vector of messages
 *		to one queue, then receive a vector from this fd's queue
 * @size:	sizeof(struct kipc_xfer), at least KIPC_XFER_SIZE_VER0
 * @flags:	KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_SEND_MAILBOX,
 *		KIPC_RECV_SEQ (each receive takes exactly the message its
 *		struct kipc_mmsg_seq entry's @seq names, as KIPC_RECV_SEQ does
 *		for RECV, without waiting; with @entry_size below
 *		KIPC_MMSG_SIZE_VER1 or @from set, -EINVAL)
 * @dest:	destination of the sends, as in struct kipc_send; on a mailbox
 *		fd it may also name another mailbox (with KIPC_SEND_MAILBOX),
 *		so that one call can send to a server's mailbox and wait on
 *		the caller's own. Ignored when @send_count is 0.
 * @from:	receive only messages from this sender (as KIPC_RECV_FROM
 *		does for RECV, whose bit KIPC_SEND_MAILBOX shares); 0 = any
 * @send_msgs:	user pointer to @send_count entries, @entry_size bytes apart
 * @recv_msgs:	user pointer to @recv_count entries, @entry_size bytes apart
 * @send_count:	messages to send, 0 .. KIPC_XFER_MAX
 * @recv_count:	messages wanted, 0 .. KIPC_XFER_MAX
 * @entry_size:	sizeof(struct kipc_mmsg) or of struct kipc_mmsg_seq as
 *		the caller knows it, at least KIPC_MMSG_SIZE_VER0 and at most
 *		4096; kipc reads and writes the first KIPC_MMSG_SIZE_VER0
 *		bytes of each entry, or KIPC_MMSG_SIZE_VER1 when it has them
 * @reserved:	zero
 * @timeout:	see KIPC_TIMEOUT; bounds the whole call
 * @sent:	out: messages sent (set it to 0 before the call: it is left
 *		alone when the argument is rejected)
 * @received:	out: messages received, likewise
 */
struct kipc_xfer {
	__u32 size;
	__u32 flags;
	__u64 dest;
	__u64 from;
	__u64 send_msgs;
	__u64 recv_msgs;
	__u32 send_count;
	__u32 recv_count;
	__u32 entry_size;
	__u32 reserved;
	struct kipc_timespec timeout;
	__u32 sent;
	__u32 received;
};

#define KIPC_XFER_SIZE_VER0	80

/**
 * struct kipc_sendrecv - argument of KIPC_IOC_SENDRECV: send one message,
 *		then receive one from this fd's queue
 * @size:	sizeof(struct kipc_sendrecv), at least KIPC_SENDRECV_SIZE_VER0
 * @flags:	KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_NORESTART,
 *		KIPC_SEND_MAILBOX
 * @dest:	destination of the send, as in struct kipc_xfer: on a mailbox
 *		fd 0 (that mailbox) or, with KIPC_SEND_MAILBOX, another mailbox
 * @buf:	user pointer to the payload sent
 * @len:	its length
 * @priority:	its priority, 0 .. KIPC_PRIO_MAX
 * @type:	its type (struct kipc_send.type)
 * @recv_buf:	user pointer to the receive buffer
 * @recv_buf_len: its size
 * @recv_flags:	KIPC_RECV_FROM, KIPC_RECV_TYPE, KIPC_RECV_EXCEPT: which
 *		message to receive, as for KIPC_IOC_RECV
 * @from:	with KIPC_RECV_FROM: the sender to receive from
 * @type_sel:	with KIPC_RECV_TYPE: as struct kipc_recv.type_sel
 * @timeout:	see KIPC_TIMEOUT; bounds the whole call
 * @sent:	out: 1 once the message was sent, else 0
 * @recv_len:	out: length of the message received, or on -EMSGSIZE the
 *		size @recv_buf needs
 * @recv_type:	out: its type
 * @hdr:	out: its kernel-stamped header
 */
struct kipc_sendrecv {
	__u32 size;
	__u32 flags;
	__u64 dest;
	__u64 buf;
	__u32 len;
	__u32 priority;
	__s64 type;
	__u64 recv_buf;
	__u32 recv_buf_len;
	__u32 recv_flags;
	__u64 from;
	__s64 type_sel;
	struct kipc_timespec timeout;
	__u32 sent;
	__u32 recv_len;
	__s64 recv_type;
	struct kipc_msg_hdr hdr;
};

#define KIPC_SENDRECV_SIZE_VER0	160

/**
 * struct kipc_reply_recv - argument of KIPC_IOC_REPLY_RECV: answer a
 *		request, then receive the next message from this fd's queue
 * @size:	sizeof(struct kipc_reply_recv), >= KIPC_REPLY_RECV_SIZE_VER0
 * @flags:	KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_NORESTART,
 *		KIPC_RECV_FROM, KIPC_RECV_TYPE, KIPC_RECV_EXCEPT (the last
 *		three select the message received, as for KIPC_IOC_RECV)
 * @token:	hdr.token of the request answered; 0 to answer nothing and
 *		only receive (the first turn of a server loop)
 * @buf:	user pointer to the reply payload
 * @len:	its length, at most the request's hdr.reply_max
 * @reply_ret:	out: 0 once the reply was delivered, or the error of
 *		KIPC_IOC_REPLY that it met (ENOENT when the caller gave up);
 *		0 when @token is 0
 * @recv_buf:	user pointer to the receive buffer
 * @recv_buf_len: its size
 * @recv_len:	out: length of the message received, or on -EMSGSIZE the
 *		size @recv_buf needs
 * @from:	with KIPC_RECV_FROM: the sender to receive from
 * @type_sel:	with KIPC_RECV_TYPE: as struct kipc_recv.type_sel
 * @timeout:	see KIPC_TIMEOUT; bounds the receive
 * @recv_type:	out: type of the message received
 * @hdr:	out: its kernel-stamped header (hdr.token: the request's)
 */
struct kipc_reply_recv {
	__u32 size;
	__u32 flags;
	__u64 token;
	__u64 buf;
	__u32 len;
	__s32 reply_ret;
	__u64 recv_buf;
	__u32 recv_buf_len;
	__u32 recv_len;
	__u64 from;
	__s64 type_sel;
	struct kipc_timespec timeout;
	__s64 recv_type;
	struct kipc_msg_hdr hdr;
};

#define KIPC_REPLY_RECV_SIZE_VER0	144

/* struct kipc_ep_set.flags: which fields to apply */
#define KIPC_EP_SET_NAME	(1U << 0)
#define KIPC_EP_SET_LIMITS	(1U << 1)

/**
 * struct kipc_ep_set - argument of KIPC_IOC_EP_SET
 * @size:	sizeof(struct kipc_ep_set), at least KIPC_EP_SET_SIZE_VER0
 * @flags:	KIPC_EP_SET_*
 * @max_msgs:	with KIPC_EP_SET_LIMITS: inbox capacity in messages
 *		(0 = rendezvous), at most KIPC_QUEUE_MSGS_MAX
 * @max_bytes:	with KIPC_EP_SET_LIMITS: inbox capacity in bytes, 0 =
 *		max_msgs * msg_max capped to the queue_bytes_max parameter
 * @msg_max:	with KIPC_EP_SET_LIMITS: largest message accepted, 0 =
 *		KIPC_MSG_SIZE_DEFAULT
 * @reserved:	zero
 * @name:	with KIPC_EP_SET_NAME: NUL-terminated name, unique among the
 *		endpoints of the IPC namespace. A name can be set once.
 *
 * New limits apply to messages sent afterwards; queued ones stay.
 * Defaults for a new endpoint come from the module parameters
 * ep_max_msgs, ep_max_bytes and KIPC_MSG_SIZE_DEFAULT.
 */
struct kipc_ep_set {
	__u32 size;
	__u32 flags;
	__u32 max_msgs;
	__u32 max_bytes;
	__u32 msg_max;
	__u32 reserved;
	char name[KIPC_NAME_MAX];
};

#define KIPC_EP_SET_SIZE_VER0	88

/* struct kipc_mbox_create.flags */
#define KIPC_MBOX_OWNED		(1U << 0)	/* dies with the creating endpoint */

/**
 * struct kipc_mbox_create - argument of KIPC_IOC_MBOX_CREATE
 * @size:	sizeof(struct kipc_mbox_create), >= KIPC_MBOX_CREATE_SIZE_VER0
 * @flags:	KIPC_MBOX_*
 * @id:		out: id of the new mailbox
 * @max_msgs:	capacity in messages, 0 = rendezvous, at most
 *		KIPC_QUEUE_MSGS_MAX
 * @max_bytes:	capacity in bytes; 0 = max_msgs * msg_max, capped to the
 *		queue_bytes_max module parameter. An explicit value above
 *		queue_bytes_max gives -ENOBUFS.
 * @msg_max:	largest message, 0 = KIPC_MSG_SIZE_DEFAULT; above the
 *		msg_size_max module parameter gives -EMSGSIZE
 * @mode:	permission bits (0 .. 0777, SysV style: w = may send,
 *		r = may receive); owner uid/gid are the creator's euid/egid
 * @name:	NUL-terminated name unique among the mailboxes of the IPC
 *		namespace, or "" for an anonymous mailbox (open by id)
 */
struct kipc_mbox_create {
	__u32 size;
	__u32 flags;
	__u64 id;
	__u32 max_msgs;
	__u32 max_bytes;
	__u32 msg_max;
	__u32 mode;
	char name[KIPC_NAME_MAX];
};

#define KIPC_MBOX_CREATE_SIZE_VER0	96

/* struct kipc_mbox_ref.flags, KIPC_IOC_MBOX_DELETE only */
#define KIPC_MBOX_DELETE_UNLINK	(1U << 0)	/* as unlink(): see MBOX_DELETE */

/**
 * struct kipc_mbox_ref - names a mailbox (KIPC_IOC_MBOX_OPEN, _DELETE)
 * @size:	sizeof(struct kipc_mbox_ref), >= KIPC_MBOX_REF_SIZE_VER0
 * @flags:	KIPC_MBOX_DELETE_UNLINK for KIPC_IOC_MBOX_DELETE; else 0
 * @id:		the mailbox id; or 0 to look it up by @name (OPEN writes the
 *		id back). On a mailbox fd, id 0 and name "" mean that mailbox.
 * @name:	NUL-terminated name, must be "" when @id is not 0
 */
struct kipc_mbox_ref {
	__u32 size;
	__u32 flags;
	__u64 id;
	char name[KIPC_NAME_MAX];
};

#define KIPC_MBOX_REF_SIZE_VER0		80

/* struct kipc_mbox_set.flags: which fields to apply */
#define KIPC_MBOX_SET_MODE	(1U << 0)
#define KIPC_MBOX_SET_UID	(1U << 1)
#define KIPC_MBOX_SET_GID	(1U << 2)
#define KIPC_MBOX_SET_LIMITS	(1U << 3)	/* max_msgs and max_bytes */

/**
 * struct kipc_mbox_set - argument of KIPC_IOC_MBOX_SET (like IPC_SET)
 * @size:	sizeof(struct kipc_mbox_set), >= KIPC_MBOX_SET_SIZE_VER0;
 *		KIPC_MBOX_SET_LIMITS needs KIPC_MBOX_SET_SIZE_VER1
 * @flags:	KIPC_MBOX_SET_*
 * @id:		mailbox id; on a mailbox fd 0 means that mailbox
 * @mode:	new permission bits, 0 .. 0777
 * @uid:	new owner uid, in the caller's user namespace
 * @gid:	new owner gid, in the caller's user namespace
 * @max_bytes:	new capacity in bytes, at least 1 (as msgctl(IPC_SET)'s
 *		msg_qbytes): above the queue_bytes_max parameter only with
 *		CAP_SYS_RESOURCE
 * @max_msgs:	new capacity in messages, 1 .. KIPC_QUEUE_MSGS_MAX; a
 *		rendezvous mailbox (max_msgs 0) stays one (-EINVAL)
 * @reserved:	zero
 *
 * Messages already queued stay, even when they no longer fit.
 */
struct kipc_mbox_set {
	__u32 size;
	__u32 flags;
	__u64 id;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u32 max_bytes;
	__u32 max_msgs;
	__u32 reserved;
};

#define KIPC_MBOX_SET_SIZE_VER0		32
#define KIPC_MBOX_SET_SIZE_VER1		40	/* added max_msgs, reserved */

/* struct kipc_notify.flags */
#define KIPC_NOTIFY_ONESHOT	(1U << 0)	/* disarm after one signal */
#define KIPC_NOTIFY_IDLE	(1U << 1)	/* not while a receiver waits */
#define KIPC_NOTIFY_NONE	(1U << 2)	/* arm, but send nothing */
#define KIPC_NOTIFY_EVENTFD	(1U << 3)	/* add 1 to @efd, no signal */

/**
 * struct kipc_notify - argument of KIPC_IOC_NOTIFY
 * @size:	sizeof(struct kipc_notify), >= KIPC_NOTIFY_SIZE_VER0
 * @flags:	KIPC_NOTIFY_*
 * @signo:	signal sent to the calling thread group when a message
 *		arrives on the empty queue of this fd; 0 disarms, unless
 *		KIPC_NOTIFY_NONE or KIPC_NOTIFY_EVENTFD is set (then it
 *		must be 0)
 * @reserved:	zero
 * @value:	the signal's si_value (the bytes of a union sigval); 0 when
 *		the caller's struct ends before it (KIPC_NOTIFY_SIZE_VER0)
 * @efd:	with KIPC_NOTIFY_EVENTFD, an eventfd: each notification adds
 *		1 to it (a thread reading it learns of the arrival, as with
 *		mq_notify()'s SIGEV_THREAD); else ignored
 * @reserved2:	zero
 *
 * One registration per queue: a second process arming it gets -EBUSY
 * until the first disarms, closes a fd of the queue, or executes a new
 * program. KIPC_NOTIFY_IDLE gives mq_notify()'s rule: no notification
 * when a receiver is waiting on the queue (it takes the message). With
 * KIPC_NOTIFY_NONE the registration holds the queue's one slot and
 * notifies nobody (SIGEV_NONE).
 */
struct kipc_notify {
	__u32 size;
	__u32 flags;
	__u32 signo;
	__u32 reserved;
	__u64 value;
	__s32 efd;
	__u32 reserved2;
};

#define KIPC_NOTIFY_SIZE_VER0		16
#define KIPC_NOTIFY_SIZE_VER1		32	/* added value, efd */

/* struct kipc_info.type */
#define KIPC_TYPE_ENDPOINT	1
#define KIPC_TYPE_MAILBOX	2
#define KIPC_TYPE_RING		3
#define KIPC_TYPE_SEM		4
#define KIPC_TYPE_MUTEX		5

/* struct kipc_info.flags */
#define KIPC_INFO_OWNED		(1U << 0)	/* mailbox dies with owner_ep */
#define KIPC_INFO_UNLINKED	(1U << 1)	/* mailbox unlinked, still open */
#define KIPC_INFO_RECURSIVE	(1U << 2)	/* mutex created KIPC_MUTEX_RECURSIVE */
#define KIPC_INFO_OWNER_DIED	(1U << 3)	/* mutex not yet made consistent */
#define KIPC_INFO_NOTRECOVERABLE (1U << 4)	/* mutex unusable for good */

/**
 * struct kipc_info - one kipc object (KIPC_IOC_STAT,
 *	KIPC_IOC_LIST)
 * @id:		object id
 * @type:	KIPC_TYPE_*
 * @flags:	KIPC_INFO_*
 * @creator_ep:	mailbox or ring: id of the endpoint that created it;
 *		endpoint: 0
 * @name:	NUL-terminated name, "" if anonymous
 * @uid:	owner (mailbox, ring) or opener's euid (endpoint), in the
 *		caller's user namespace
 * @gid:	likewise for the gid
 * @mode:	mailbox or ring permission bits; 0 for an endpoint
 * @pid:	endpoint: opener's tgid in the caller's pid namespace (0 if
 *		not visible); mutex: the owner's tgid likewise (0 when
 *		unlocked); others: 0
 * @depth:	messages queued (including those of blocked SYNC senders);
 *		ring: slots in use; semaphore: its value; mutex: how many
 *		times the owner holds it (0 when unlocked)
 * @bytes:	payload bytes queued
 * @max_msgs:	capacity in messages (0 = rendezvous); semaphore: its
 *		maximum value
 * @max_bytes:	capacity in bytes
 * @msg_max:	largest message accepted
 * @nr_senders:	tasks blocked sending to this queue (waiting for room or
 *		for their message to be taken)
 * @nr_receivers: tasks blocked in RECV on this queue; semaphore and
 *		mutex: tasks blocked in SEM_WAIT or MUTEX_LOCK
 * @reserved:	zero
 * @cuid:	creator's euid, in the caller's user namespace: unlike
 *		@uid it never changes
 * @cgid:	likewise for the creator's egid
 * @send_pid:	mailbox or endpoint inbox: tgid of the last task that
 *		queued a message, in the caller's pid namespace (0 if none
 *		yet; in a child pid namespace also 0 if not visible there or
 *		gone); others: 0
 * @recv_pid:	likewise for the last task that took a message
 * @send_time:	mailbox or endpoint inbox: when a message was last queued,
 *		CLOCK_REALTIME seconds (0 if never); others: 0
 * @recv_time:	likewise for the last message taken
 * @change_time: mailbox: when it was created or last changed by
 *		KIPC_IOC_MBOX_SET, CLOCK_REALTIME seconds; others: 0
 *
 * The fields from @cuid on came with KIPC_INFO_SIZE_VER1: an older kernel
 * writes only the first KIPC_INFO_SIZE_VER0 bytes and leaves them zero.
 */
struct kipc_info {
	__u64 id;
	__u32 type;
	__u32 flags;
	__u64 creator_ep;
	char name[KIPC_NAME_MAX];
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__s32 pid;
	__u32 depth;
	__u32 bytes;
	__u32 max_msgs;
	__u32 max_bytes;
	__u32 msg_max;
	__u32 nr_senders;
	__u32 nr_receivers;
	__u32 reserved;
	__u32 cuid;
	__u32 cgid;
	__s32 send_pid;
	__s32 recv_pid;
	__s64 send_time;
	__s64 recv_time;
	__s64 change_time;
};

#define KIPC_INFO_SIZE_VER0		136
#define KIPC_INFO_SIZE_VER1		176	/* added cuid .. change_time */

/**
 * struct kipc_stat - argument of KIPC_IOC_STAT
 * @size:	sizeof(struct kipc_stat), >= KIPC_STAT_SIZE_VER0
 * @type:	KIPC_TYPE_* to look up by @name; 0 when looking up by @id
 *		(the id says which kind it is) or for the fd itself
 * @id:		object id; 0 with name "" means the fd's own endpoint or
 *		mailbox
 * @name:	NUL-terminated name, "" when @id is used
 * @info:	out
 */
struct kipc_stat {
	__u32 size;
	__u32 type;
	__u64 id;
	char name[KIPC_NAME_MAX];
	struct kipc_info info;
};

#define KIPC_STAT_SIZE_VER0		216
#define KIPC_STAT_SIZE_VER1		256	/* struct kipc_info VER1 */

/* struct kipc_list.flags: which objects to list (at least one) */
#define KIPC_LIST_ENDPOINTS	(1U << 0)
#define KIPC_LIST_MAILBOXES	(1U << 1)
#define KIPC_LIST_RINGS		(1U << 2)
#define KIPC_LIST_SEMS		(1U << 3)
#define KIPC_LIST_MUTEXES	(1U << 4)

/**
 * struct kipc_list - argument of KIPC_IOC_LIST
 * @size:	sizeof(struct kipc_list), >= KIPC_LIST_SIZE_VER0
 * @flags:	KIPC_LIST_*
 * @cursor:	in: list objects with id > @cursor (start with 0); out: id of
 *		the last entry written (pass it back to continue). Unchanged
 *		when nothing was written (end of list).
 * @entries:	user pointer to an array of @count entries of @entry_size
 *		bytes each
 * @count:	in: array length, 1 .. KIPC_LIST_MAX; out: entries written
 * @entry_size:	sizeof(struct kipc_info) as the caller knows it, at least
 *		KIPC_INFO_SIZE_VER0; entries are written min(@entry_size,
 *		kernel size) bytes each, zero-filled up to @entry_size
 *
 * Objects are listed in increasing id order, only those of the caller's
 * IPC namespace. The list is not a snapshot: objects created or destroyed
 * meanwhile may or may not appear.
 */
struct kipc_list {
	__u32 size;
	__u32 flags;
	__u64 cursor;
	__u64 entries;
	__u32 count;
	__u32 entry_size;
};

#define KIPC_LIST_SIZE_VER0		32

/**
 * struct kipc_usage - argument of KIPC_IOC_USAGE: what the caller's user
 *	holds in kipc, against its limits
 * @size:	sizeof(struct kipc_usage), >= KIPC_USAGE_SIZE_VER0
 * @flags:	0
 * @uid:	out: the user (the caller's euid, in its user namespace)
 * @reserved:	zero
 * @bytes:	out: kernel memory held for the user: queued messages and
 *		pending calls at their real size (header and allocation
 *		rounding included), mailboxes, rings, semaphores and mutexes
 * @bytes_max:	out: the user_bytes_max parameter (0 = unlimited)
 * @mailboxes:	out: mailboxes the user created that still exist
 * @mailboxes_max: out: the user_mailboxes_max parameter (0 = unlimited)
 * @rings:	out: rings the user created that still exist
 * @rings_max:	out: the user_rings_max parameter (0 = unlimited)
 * @syncs:	out: semaphores and mutexes the user created that still
 *		exist; left alone when the caller's struct ends before it
 *		(KIPC_USAGE_SIZE_VER0)
 * @syncs_max:	out: the user_syncs_max parameter (0 = unlimited)
 *
 * Everything a task in a user namespace does is also charged to the
 * owner of the outermost user namespace it is in; this reports the
 * caller's own euid only.
 */
struct kipc_usage {
	__u32 size;
	__u32 flags;
	__u32 uid;
	__u32 reserved;
	__u64 bytes;
	__u64 bytes_max;
	__u32 mailboxes;
	__u32 mailboxes_max;
	__u32 rings;
	__u32 rings_max;
	__u32 syncs;
	__u32 syncs_max;
};

#define KIPC_USAGE_SIZE_VER0		48
#define KIPC_USAGE_SIZE_VER1		56	/* added syncs, syncs_max */

/*
 * ioctls. Unless said otherwise they return 0 on success or -1 with errno
 * set; the common errors listed at the top apply to all of them.
 *
 * Error summary:
 *   EAGAIN	KIPC_NONBLOCK / O_NONBLOCK and the call would block
 *   ETIMEDOUT	the KIPC_TIMEOUT deadline passed
 *   EINTR	interrupted by a signal (see "Signals" above)
 *   ESRCH	destination endpoint does not exist (never did, or closed),
 *		or it closed while the sender was blocked on it
 *   ENOENT	no mailbox with that id / name; REPLY: no such outstanding
 *		request on this endpoint
 *   EIDRM	the mailbox was deleted (before or during the call)
 *   EACCES	permission denied by the mailbox mode, or not the owner
 *		(nor CAP_SYS_ADMIN) for DELETE / MBOX_SET
 *   EEXIST	name already in use
 *   EBUSY	endpoint already named; NOTIFY already armed by another
 *		process
 *   EMSGSIZE	payload larger than the queue's msg_max; RECV buffer too
 *		small (len = needed size, message left queued); REPLY longer
 *		than the caller's reply_max; msg_max above msg_size_max
 *   ENOSPC	max_mailboxes mailboxes already exist in the IPC namespace
 *   ENOBUFS	requested max_bytes above the queue_bytes_max parameter
 *   EDQUOT	the user's account would exceed user_bytes_max (messages,
 *		calls, mailboxes, rings, semaphores and mutexes at their
 *		real size), user_mailboxes_max, user_rings_max or
 *		user_syncs_max (see kipc(7))
 *   ECONNRESET	CALL: the server endpoint closed after receiving the
 *		request and before replying, or while the request was still
 *		queued in its inbox
 *   ENAMETOOLONG a name without a NUL within KIPC_NAME_MAX bytes
 *   ENOMEM	out of memory, or the caller's memory cgroup is full (SEND,
 *		CALL, REPLY: the payload is charged to it; no OOM kill)
 */

/* Fill struct kipc_version. Any fd. */
#define KIPC_IOC_VERSION	_IOR(KIPC_IOC_MAGIC, 0x00, struct kipc_version)

/*
 * Set the name and/or inbox limits of the endpoint. Endpoint fd only.
 * Errors: EBUSY (already named), EEXIST, ENAMETOOLONG, EINVAL (empty name
 * with KIPC_EP_SET_NAME, max_msgs too large), EMSGSIZE, ENOBUFS.
 */
#define KIPC_IOC_EP_SET		_IOW(KIPC_IOC_MAGIC, 0x01, struct kipc_ep_set)

/*
 * Send one message. Endpoint fd (to an endpoint, or to a mailbox with
 * KIPC_SEND_MAILBOX) or mailbox fd (to that mailbox). Returns 0 once the
 * message is queued (or, rendezvous / KIPC_SEND_SYNC, taken by a
 * receiver). Errors: EAGAIN, ETIMEDOUT, EINTR, ESRCH, ENOENT, EIDRM,
 * EACCES, EMSGSIZE, EDQUOT, ENOMEM, EINVAL (dest 0 on an endpoint fd,
 * dest != 0 on a mailbox fd, priority > KIPC_PRIO_MAX).
 */
#define KIPC_IOC_SEND		_IOW(KIPC_IOC_MAGIC, 0x02, struct kipc_send)

/*
 * Receive (or peek at) the highest-priority message of this fd's queue: an
 * endpoint fd receives from its inbox, a mailbox fd from its mailbox.
 * KIPC_RECV_FROM and KIPC_RECV_TYPE narrow which messages qualify; a
 * receiver waits for a qualifying one. Fills hdr, len, type and the
 * payload. Errors: EAGAIN, ETIMEDOUT, EINTR, EIDRM,
 * EACCES (mailbox not readable), EMSGSIZE (buf_len < len; len and hdr are
 * written back, the message stays queued), EFAULT (message stays queued),
 * ENOMSG (KIPC_RECV_SEQ: no message with that number is queued).
 */
#define KIPC_IOC_RECV		_IOWR(KIPC_IOC_MAGIC, 0x03, struct kipc_recv)

/*
 * Send a request and wait for its reply, which is written to reply_buf,
 * reply_len and reply_hdr. The request carries KIPC_MSG_REQUEST, a fresh
 * token and reply_max = reply_buf_len. Endpoint or mailbox fd as for SEND.
 * Errors: those of SEND for queueing the request; then ETIMEDOUT, EINTR,
 * ECONNRESET (server endpoint closed), EIDRM (mailbox deleted while the
 * request was queued in it), ESRCH (destination endpoint closed while the
 * request was being queued). A signal or io_uring task work after the
 * request was queued does not lose it: the kernel writes KIPC_CALL_RESUME
 * and the token (reply_hdr.token) into the argument and restarts the call,
 * which then only waits, with the original deadline; after EINTR (a
 * handler without SA_RESTART) issuing the same argument again collects
 * the reply. ENOENT for KIPC_CALL_RESUME with a token this endpoint keeps
 * no call for (each endpoint keeps its 16 latest). After ETIMEDOUT the
 * request may still be received; the server's REPLY then fails with
 * ENOENT. EFAULT while writing the reply out comes after the server
 * answered: the request was served and the reply is lost.
 */
#define KIPC_IOC_CALL		_IOWR(KIPC_IOC_MAGIC, 0x04, struct kipc_call)

/*
 * Answer a request received (not peeked) by this endpoint, directly or
 * through a mailbox fd opened through it; may be issued on either fd.
 * Never blocks. Errors: ENOENT (unknown token, already answered, or the
 * caller gave up), EMSGSIZE (len > the request's reply_max), EDQUOT,
 * ENOMEM.
 */
#define KIPC_IOC_REPLY		_IOW(KIPC_IOC_MAGIC, 0x05, struct kipc_reply)

/*
 * Send and receive many messages in one call, like sendmmsg() and
 * recvmmsg() together; the batched path of the kernel queues, and with
 * one message each way a request/response round trip in one call per side
 * (send the request and wait for the answer; answer and wait for the
 * next request). Endpoint or mailbox fd.
 *
 * First the sends, in order, all to @dest: the first may wait as the
 * blocking flags allow; the others are sent only while they fit without
 * waiting. Then, if every message was sent, the receives from this fd's
 * queue: the first may wait (within what is left of the deadline), the
 * others are taken only while messages are queued. Each message is sent
 * or received exactly once; a message that fails to go stops its phase
 * and is neither sent nor dequeued. With KIPC_RECV_SEQ each receive takes
 * the message its entry names or stops the phase (ENOMSG, EAGAIN) without
 * waiting; the sends, and the record of them a caller may keep in the
 * same call, have gone by then.
 *
 * @sent and @received are written back with what was transferred, on
 * success and on error alike (not when the argument itself is rejected:
 * EFAULT, EINVAL, E2BIG before anything moved): check @sent before
 * sending again. Returns 0 when every send went through and, if any receive was
 * asked for, at least one message was received; 0 also when some but not
 * all sends went through (the receives are then skipped). Otherwise the
 * error that stopped the call: that of the first send (nothing was sent),
 * or that of the first receive (all sends went through). A signal
 * restarts the call only when nothing had been sent (SA_RESTART rules of
 * SEND and RECV); afterwards it gives -EINTR.
 * Errors: those of SEND and RECV, and EINVAL (counts above KIPC_XFER_MAX,
 * both counts 0, bad entry_size, KIPC_SEND_SYNC or KIPC_RECV_PEEK given;
 * a priority above KIPC_PRIO_MAX stops the send phase at that entry).
 * Also an io_uring command: a batch in one SQE (see the end of this file).
 */
#define KIPC_IOC_XFER		_IOWR(KIPC_IOC_MAGIC, 0x20, struct kipc_xfer)

/*
 * Send one message, then receive one from this fd's queue, in one call:
 * a request/response round trip with one system call per side. The
 * argument is read once and written back once. The send follows the
 * rules of SEND (a mailbox fd may send to another mailbox, as for XFER),
 * the receive those of RECV with its selection (KIPC_RECV_FROM,
 * KIPC_RECV_TYPE, KIPC_RECV_EXCEPT; no PEEK, INDEX or SEND_SYNC).
 *
 * @sent says whether the message went, on success and on error alike
 * (not when the argument is rejected with EFAULT, EINVAL or E2BIG before
 * anything moved): an error with @sent 1 is the receive's, and the
 * message must not be sent again. A signal restarts the call only while
 * nothing was sent; once the message went, an interrupted receive fails
 * with EINTR even under SA_RESTART. On EMSGSIZE from the receive, @hdr,
 * @recv_len and @recv_type describe the message, which stays queued.
 * Errors: those of SEND and RECV. Not available as an io_uring command.
 */
#define KIPC_IOC_SENDRECV	_IOWR(KIPC_IOC_MAGIC, 0x21, struct kipc_sendrecv)

/*
 * A server's turn in one call: answer the request @token (as REPLY),
 * then receive the next message from this fd's queue (as RECV, with its
 * selection flags), as Binder and QNX servers loop. A reply that fails
 * (ENOENT: the caller timed out, was interrupted or is gone; EMSGSIZE,
 * EFAULT, EDQUOT, ENOMEM) does not stop the receive: its error is written
 * to @reply_ret and the call goes on, so a caller that gave up never
 * stalls the server. The return value is the receive's. With @token 0
 * the call only receives.
 *
 * Once a reply was attempted, an interrupted receive fails with EINTR
 * even under SA_RESTART (the token is spent: a restart could not answer
 * it again); @reply_ret is written back on every return except when the
 * argument is rejected (EFAULT, EINVAL, E2BIG) before anything was done.
 * Errors: those of RECV. Not available as an io_uring command.
 */
#define KIPC_IOC_REPLY_RECV	_IOWR(KIPC_IOC_MAGIC, 0x22, struct kipc_reply_recv)

/*
 * Arm or disarm a signal on message arrival on an empty queue of this fd
 * (endpoint inbox or mailbox), as mq_notify(): see kipc(7). Errors: EINVAL
 * (bad signo, flags or efd), EBADF (@efd is not open), EACCES (no read
 * permission on the mailbox), EBUSY.
 */
#define KIPC_IOC_NOTIFY		_IOW(KIPC_IOC_MAGIC, 0x06, struct kipc_notify)

/*
 * Create a mailbox and return a new mailbox fd (O_CLOEXEC) for it as the
 * ioctl's return value; id is written back. Endpoint fd only.
 * Errors: EEXIST, ENOSPC, EDQUOT, ENOBUFS, EMSGSIZE, ENAMETOOLONG, EMFILE,
 * ENOMEM, EINVAL (mode > 0777, max_msgs > KIPC_QUEUE_MSGS_MAX).
 */
#define KIPC_IOC_MBOX_CREATE	_IOWR(KIPC_IOC_MAGIC, 0x08, struct kipc_mbox_create)

/*
 * Open a mailbox by id or name and return a new mailbox fd (O_CLOEXEC) as
 * the return value; id is written back. Requires read or write permission.
 * Endpoint fd only. Errors: ENOENT, EACCES, ENAMETOOLONG, EMFILE, EINVAL
 * (both or neither of id and name given).
 */
#define KIPC_IOC_MBOX_OPEN	_IOWR(KIPC_IOC_MAGIC, 0x09, struct kipc_mbox_ref)

/*
 * Delete a mailbox: it disappears from its namespace at once (the name can
 * be reused, the id never is), queued messages are freed, blocked senders
 * and receivers fail with EIDRM, callers whose request was queued in it
 * fail with EIDRM, and every fd for it then fails with EIDRM and polls
 * EPOLLHUP | EPOLLERR. Owner, creator or CAP_SYS_ADMIN only.
 *
 * With KIPC_MBOX_DELETE_UNLINK the mailbox is unlinked instead, as
 * unlink() removes a file (and mq_unlink() a POSIX queue): its name and
 * id go at once (the name can be reused, a lookup by the old id fails),
 * but its fds keep working, messages and all, until the last is closed;
 * then its messages are freed. It stays charged to its creator until
 * then (user_mailboxes_max, user_bytes_max); max_mailboxes counts only
 * mailboxes that are still linked. KIPC_IOC_STAT on one of its fds
 * reports KIPC_INFO_UNLINKED; KIPC_IOC_LIST no longer shows it. A
 * mailbox cannot be killed once unlinked (EIDRM on its fd).
 * Errors: ENOENT, EACCES, EIDRM (mailbox fd of an already deleted or
 * unlinked mailbox), EINVAL (another flag).
 */
#define KIPC_IOC_MBOX_DELETE	_IOW(KIPC_IOC_MAGIC, 0x0a, struct kipc_mbox_ref)

/*
 * Change mode / owner / capacity of a mailbox. Owner, creator or
 * CAP_SYS_ADMIN only. A mailbox's change_time (struct kipc_info) is set.
 * Errors: ENOENT, EIDRM, EACCES, EPERM (max_bytes above queue_bytes_max
 * without CAP_SYS_RESOURCE), EINVAL (mode > 0777, unmapped uid/gid,
 * limits out of range or on a rendezvous mailbox).
 */
#define KIPC_IOC_MBOX_SET	_IOW(KIPC_IOC_MAGIC, 0x0b, struct kipc_mbox_set)

/*
 * Describe one endpoint, mailbox or ring by id or name, or the fd's own.
 * Endpoint, mailbox, semaphore or mutex fd.
 * Errors: ENOENT (no such object of that type), EIDRM (mailbox, semaphore
 * or mutex fd of a deleted object, id 0), ENAMETOOLONG, EINVAL (type >
 * KIPC_TYPE_MUTEX, name without type, both id and name, type with
 * neither).
 */
#define KIPC_IOC_STAT		_IOWR(KIPC_IOC_MAGIC, 0x10, struct kipc_stat)

/*
 * List endpoints, mailboxes and/or rings from a cursor. Endpoint or
 * mailbox fd. Errors: EINVAL.
 */
#define KIPC_IOC_LIST		_IOWR(KIPC_IOC_MAGIC, 0x11, struct kipc_list)

/*
 * Report what the caller's user holds and its limits. Endpoint or mailbox
 * fd. Errors: EINVAL (flags or reserved not zero), ENOMEM.
 */
#define KIPC_IOC_USAGE		_IOWR(KIPC_IOC_MAGIC, 0x12, struct kipc_usage)

/*
 * Shared-memory rings (layout and protocol in <linux/kipc_ring.h>).
 *
 * A ring is a kernel object like a mailbox: id, optional name, owner,
 * mode (w = may produce, r = may consume). RING_ATTACH returns a ring fd
 * for one role; mmap() of that fd at offset 0 and length map_size maps the
 * ring MAP_SHARED. The kernel owns the pages (charged to the creator's
 * memory cgroup) and the sleeping: RING_WAIT sleeps until the ring is
 * readable (consumer) or has room (producer), computed by the kernel from
 * the shared indices, which it reads once and bounds; RING_WAKE wakes the
 * other side. poll() on a ring fd reports EPOLLIN (consumer: a message is
 * ready), EPOLLOUT (producer: a slot is free), EPOLLHUP when the other
 * side is gone (every producer, or the consumer, detached after having
 * attached) and EPOLLERR | EPOLLHUP once the ring is deleted.
 *
 * Quota: besides the memory cgroup, a ring's memory is charged to its
 * creator's account (user_bytes_max, user_rings_max; see kipc(7)) in
 * whatever IPC or user namespace the creator is. The charge is released
 * when the ring's memory is freed: once it is deleted and its last fd and
 * mapping are gone.
 *
 * The mapping is not inherited by fork() (VM_DONTCOPY): a child attaches
 * on its own. It cannot be grown by mremap(). A mapping keeps its ring fd
 * open, so a producer or consumer detaches when it has closed the fd and
 * unmapped the ring, or when it dies; in an MPSC ring, slots it had
 * claimed and not published are published empty (len KIPC_RING_LEN_SKIP)
 * so the consumer does not wait for them.
 */

/* struct kipc_ring_create.flags */
#define KIPC_RING_CREATE_V2	(1U << 0)	/* lay out a KIPC_RING_VERSION_2 ring */

/**
 * struct kipc_ring_create - argument of KIPC_IOC_RING_CREATE
 * @size:	sizeof(struct kipc_ring_create), >= KIPC_RING_CREATE_SIZE_VER0
 * @flags:	0 (a KIPC_RING_VERSION_1 ring) or KIPC_RING_CREATE_V2
 * @id:		out: id of the new ring
 * @slots:	slot count, a power of two, 2 .. the ring_slots_max parameter
 * @slot_size:	bytes per slot, a power of two, KIPC_RING_SLOT_SIZE_MIN ..
 *		the ring_slot_size_max parameter
 * @mode:	KIPC_RING_SPSC or KIPC_RING_MPSC
 * @perm:	permission bits, 0 .. 0777 (w = produce, r = consume)
 * @name:	NUL-terminated name unique among the rings of the IPC
 *		namespace, or "" for an anonymous ring
 */
struct kipc_ring_create {
	__u32 size;
	__u32 flags;
	__u64 id;
	__u32 slots;
	__u32 slot_size;
	__u32 mode;
	__u32 perm;
	char name[KIPC_NAME_MAX];
};

#define KIPC_RING_CREATE_SIZE_VER0	96

/* struct kipc_ring_attach.role */
#define KIPC_RING_ROLE_PRODUCER	1
#define KIPC_RING_ROLE_CONSUMER	2

/**
 * struct kipc_ring_attach - argument of KIPC_IOC_RING_ATTACH
 * @size:	sizeof(struct kipc_ring_attach), >= KIPC_RING_ATTACH_SIZE_VER0
 * @role:	KIPC_RING_ROLE_PRODUCER or KIPC_RING_ROLE_CONSUMER
 * @id:		ring id, or 0 to look it up by @name (written back)
 * @name:	NUL-terminated name; must be "" when @id is not 0
 * @producer:	out: producer number (index of its struct kipc_ring_resv)
 * @slots:	out: slot count
 * @slot_size:	out: slot size
 * @mode:	out: KIPC_RING_SPSC or KIPC_RING_MPSC
 * @map_size:	out: bytes to mmap() at offset 0
 * @version:	in: the newest ring layout the caller's code follows, 0 for
 *		KIPC_RING_VERSION_1 (as a VER0 struct says). An SPSC producer
 *		cannot attach to a newer ring (MPSC producers publish the same
 *		way in both). Out: the ring's KIPC_RING_VERSION_*
 * @reserved:	zero
 */
struct kipc_ring_attach {
	__u32 size;
	__u32 role;
	__u64 id;
	char name[KIPC_NAME_MAX];
	__u32 producer;
	__u32 slots;
	__u32 slot_size;
	__u32 mode;
	__u64 map_size;
	__u32 version;
	__u32 reserved;
};

#define KIPC_RING_ATTACH_SIZE_VER0	104
#define KIPC_RING_ATTACH_SIZE_VER1	112

/* struct kipc_ring_wait.flags */
#define KIPC_RING_WAIT_READABLE	(1U << 8)	/* consumer: until a message is ready */
#define KIPC_RING_WAIT_WRITABLE	(1U << 9)	/* producer: until @n slots are free */

/**
 * struct kipc_ring_wait - argument of KIPC_IOC_RING_WAIT
 * @size:	sizeof(struct kipc_ring_wait), >= KIPC_RING_WAIT_SIZE_VER0
 * @flags:	exactly one of KIPC_RING_WAIT_READABLE (consumer fd) and
 *		KIPC_RING_WAIT_WRITABLE (producer fd), plus KIPC_NONBLOCK,
 *		KIPC_TIMEOUT, KIPC_ABSTIME
 * @n:		WRITABLE: free slots wanted, 1 .. slot count; else 0
 * @reserved:	zero
 * @timeout:	see KIPC_TIMEOUT
 */
struct kipc_ring_wait {
	__u32 size;
	__u32 flags;
	__u32 n;
	__u32 reserved;
	struct kipc_timespec timeout;
};

#define KIPC_RING_WAIT_SIZE_VER0	32

/*
 * Create a ring. Endpoint fd only. Errors: EEXIST, ENOSPC (ring_max rings
 * exist in the IPC namespace), EDQUOT (the creator's account would exceed
 * user_bytes_max or user_rings_max: see "Quota" above),
 * ENAMETOOLONG, ENOMEM (also: the creator's memory cgroup is full), EINVAL
 * (geometry, mode, perm).
 */
#define KIPC_IOC_RING_CREATE	_IOWR(KIPC_IOC_MAGIC, 0x30, struct kipc_ring_create)

/*
 * Attach to a ring in one role and return a ring fd (O_CLOEXEC) as the
 * ioctl's value. Producing needs write permission, consuming read.
 * Endpoint fd only. Errors: ENOENT, EACCES, EBUSY (a consumer is already
 * attached, an SPSC ring has its producer, or KIPC_RING_PRODUCERS_MAX
 * MPSC producers are attached), EPROTONOSUPPORT (an SPSC producer whose
 * @version is older than the ring's), EIDRM, EMFILE, ENOMEM, EINVAL.
 */
#define KIPC_IOC_RING_ATTACH	_IOWR(KIPC_IOC_MAGIC, 0x31, struct kipc_ring_attach)

/*
 * Delete a ring by id or name (struct kipc_mbox_ref): its name and id go
 * away at once, attached fds see EIDRM and EPOLLERR | EPOLLHUP, and its
 * memory is freed when the last fd and mapping are gone. Owner, creator or
 * CAP_SYS_ADMIN only. Endpoint fd only. Errors: ENOENT, EACCES.
 */
#define KIPC_IOC_RING_DELETE	_IOW(KIPC_IOC_MAGIC, 0x32, struct kipc_mbox_ref)

/*
 * Sleep until the ring is readable / writable. Ring fd only. Returns 0
 * when it is (or was, briefly: recheck). Errors: EAGAIN (KIPC_NONBLOCK),
 * ETIMEDOUT, EINTR, EPIPE (nothing to read and every producer is gone;
 * no room and the consumer is gone), EIDRM (deleted), EUCLEAN (the shared
 * indices are inconsistent: someone wrote garbage into the header),
 * EINVAL (wrong flag for the fd's role, bad @n or timeout).
 */
#define KIPC_IOC_RING_WAIT	_IOW(KIPC_IOC_MAGIC, 0x33, struct kipc_ring_wait)

/*
 * Wake the other side: a producer wakes the consumer, the consumer wakes
 * the producers. Ring fd only. Never blocks.
 */
#define KIPC_IOC_RING_WAKE	_IO(KIPC_IOC_MAGIC, 0x34)

/*
 * Semaphores and mutexes, for processes that share memory.
 *
 * Both are kernel objects like a mailbox: id, optional name (semaphores
 * and mutexes have name spaces of their own), owner, mode. CREATE and
 * OPEN are issued on an endpoint fd and return a new fd (O_CLOEXEC) for
 * the object; the operations are ioctls on that fd, which also answers
 * poll(), STAT (id 0 = itself) and DELETE (id 0, name "" = itself). The
 * object lives until deleted, whatever fds are open; deleting it fails
 * every blocked waiter with EIDRM, and every fd for it then fails with
 * EIDRM and polls EPOLLHUP | EPOLLERR. Owner, creator or CAP_SYS_ADMIN
 * may delete. Each counts against its creator's user_syncs_max and
 * user_bytes_max (see kipc(7)): EDQUOT.
 *
 * Semaphore: a count, 0 .. max. WAIT(n) takes n units (read permission),
 * POST(n) gives n (write permission). Waiters are served strictly in
 * arrival order: a WAIT succeeds at once only if nobody is queued before
 * it and the value covers it; POST hands units to the queue from the head
 * and stops at the first waiter it cannot satisfy, so a waiter for many
 * units is not starved by a stream of small ones behind it. A wait that
 * gives up (timeout, signal, KIPC_NONBLOCK) leaves the queue and takes
 * nothing. Blocking, timeouts and signals as for RECV. poll(): EPOLLIN
 * while WAIT(1) would succeed now, EPOLLOUT while POST(1) would.
 *
 * Undo: KIPC_SEM_UNDO on WAIT(n) records that the calling process owes n
 * units, on POST(n) that it owes n fewer. When the process exits (also by
 * SIGKILL), what it owes is given back to the semaphore (clamped to
 * 0 .. max), as SysV SEM_UNDO does.
 *
 * Mutex: owned by the process (thread group) that locked it; any thread
 * of that process may unlock it, and a relock by any thread of the owner
 * is a relock. Lock needs write permission. Waiters get the mutex in
 * arrival order, handed over at unlock (no barging). A mutex is
 * error-checking (relock fails with EDEADLK) or, created with
 * KIPC_MUTEX_RECURSIVE, recursive (relock counts; as many unlocks
 * release it). Every mutex is robust: when its owner exits holding it
 * (also by SIGKILL), the next locker gets it with EOWNERDEAD and must
 * call MUTEX_CONSISTENT before unlocking, or the mutex becomes
 * unrecoverable (every lock then fails with ENOTRECOVERABLE).
 *
 * Deadlock detection: a lock that would wait for a mutex whose owner
 * waits, directly or through a chain of kipc mutex owners and waiters,
 * for a mutex the caller's process holds fails at once with EDEADLK. The
 * walk follows at most KIPC_MUTEX_CHAIN_MAX owners; a longer chain is
 * reported as EDEADLK too. A process counts as waiting while any of its
 * threads waits.
 */

/* Largest value of a semaphore (and max of one created with max 0). */
#define KIPC_SEM_VALUE_MAX	0x7fffffffU

/* Owners a deadlock check follows at most (see above). */
#define KIPC_MUTEX_CHAIN_MAX	32

/**
 * struct kipc_sem_create - argument of KIPC_IOC_SEM_CREATE
 * @size:	sizeof(struct kipc_sem_create), >= KIPC_SEM_CREATE_SIZE_VER0
 * @flags:	0
 * @id:		out: id of the new semaphore
 * @value:	initial value, 0 .. @max
 * @max:	largest value, 1 .. KIPC_SEM_VALUE_MAX; 0 = KIPC_SEM_VALUE_MAX
 * @mode:	permission bits, 0 .. 0777 (r = may wait, w = may post)
 * @reserved:	zero
 * @name:	NUL-terminated name unique among the semaphores of the IPC
 *		namespace, or "" for an anonymous one
 */
struct kipc_sem_create {
	__u32 size;
	__u32 flags;
	__u64 id;
	__u32 value;
	__u32 max;
	__u32 mode;
	__u32 reserved;
	char name[KIPC_NAME_MAX];
};

#define KIPC_SEM_CREATE_SIZE_VER0	96

/* struct kipc_sem_op.flags, besides KIPC_NONBLOCK / KIPC_TIMEOUT / KIPC_ABSTIME */
#define KIPC_SEM_UNDO		(1U << 8)	/* give back on process exit */

/**
 * struct kipc_sem_op - argument of KIPC_IOC_SEM_WAIT and KIPC_IOC_SEM_POST
 * @size:	sizeof(struct kipc_sem_op), >= KIPC_SEM_OP_SIZE_VER0
 * @flags:	WAIT: KIPC_NONBLOCK, KIPC_TIMEOUT, KIPC_ABSTIME, KIPC_SEM_UNDO;
 *		POST: KIPC_SEM_UNDO
 * @n:		units, 1 .. the semaphore's max
 * @value:	out: the value right after the operation
 * @timeout:	WAIT: see KIPC_TIMEOUT
 */
struct kipc_sem_op {
	__u32 size;
	__u32 flags;
	__u32 n;
	__u32 value;
	struct kipc_timespec timeout;
};

#define KIPC_SEM_OP_SIZE_VER0		32

/* struct kipc_mutex_create.flags */
#define KIPC_MUTEX_RECURSIVE	(1U << 0)	/* relock counts instead of EDEADLK */

/**
 * struct kipc_mutex_create - argument of KIPC_IOC_MUTEX_CREATE
 * @size:	sizeof(struct kipc_mutex_create), >= KIPC_MUTEX_CREATE_SIZE_VER0
 * @flags:	KIPC_MUTEX_*
 * @id:		out: id of the new mutex
 * @mode:	permission bits, 0 .. 0777 (w = may lock)
 * @reserved:	zero
 * @name:	NUL-terminated name unique among the mutexes of the IPC
 *		namespace, or "" for an anonymous one
 */
struct kipc_mutex_create {
	__u32 size;
	__u32 flags;
	__u64 id;
	__u32 mode;
	__u32 reserved;
	char name[KIPC_NAME_MAX];
};

#define KIPC_MUTEX_CREATE_SIZE_VER0	88

/**
 * struct kipc_mutex_lock - argument of KIPC_IOC_MUTEX_LOCK
 * @size:	sizeof(struct kipc_mutex_lock), >= KIPC_MUTEX_LOCK_SIZE_VER0
 * @flags:	KIPC_NONBLOCK (trylock), KIPC_TIMEOUT, KIPC_ABSTIME
 * @count:	out: how many times the caller's process now holds it
 * @reserved:	zero
 * @timeout:	see KIPC_TIMEOUT
 */
struct kipc_mutex_lock {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 reserved;
	struct kipc_timespec timeout;
};

#define KIPC_MUTEX_LOCK_SIZE_VER0	32

/*
 * Create a semaphore and return a semaphore fd (O_CLOEXEC); id is written
 * back. Endpoint fd only. Errors: EEXIST, EDQUOT, ENAMETOOLONG, EMFILE,
 * ENOMEM, EINVAL (value > max, max > KIPC_SEM_VALUE_MAX, mode > 0777).
 */
#define KIPC_IOC_SEM_CREATE	_IOWR(KIPC_IOC_MAGIC, 0x40, struct kipc_sem_create)

/*
 * Open a semaphore by id or name (struct kipc_mbox_ref) and return a
 * semaphore fd (O_CLOEXEC); id is written back. Needs read or write
 * permission. Endpoint fd only. Errors: ENOENT, EACCES, ENAMETOOLONG,
 * EMFILE, EINVAL.
 */
#define KIPC_IOC_SEM_OPEN	_IOWR(KIPC_IOC_MAGIC, 0x41, struct kipc_mbox_ref)

/*
 * Delete a semaphore by id or name; on a semaphore fd, id 0 and name ""
 * mean that semaphore. Errors: ENOENT, EACCES, EIDRM (already deleted).
 */
#define KIPC_IOC_SEM_DELETE	_IOW(KIPC_IOC_MAGIC, 0x42, struct kipc_mbox_ref)

/*
 * Take n units, waiting as the blocking flags allow (O_NONBLOCK on the fd
 * acts as KIPC_NONBLOCK). Semaphore fd. Errors: EAGAIN, ETIMEDOUT, EINTR,
 * EIDRM, EACCES, ENOMEM (KIPC_SEM_UNDO), EINVAL (n 0 or above max).
 */
#define KIPC_IOC_SEM_WAIT	_IOWR(KIPC_IOC_MAGIC, 0x43, struct kipc_sem_op)

/*
 * Give n units, waking waiters in arrival order. Never blocks. Semaphore
 * fd. Errors: EOVERFLOW (the value would pass max: nothing is posted),
 * EIDRM, EACCES, ENOMEM (KIPC_SEM_UNDO), EINVAL (n 0 or above max,
 * blocking flags given).
 */
#define KIPC_IOC_SEM_POST	_IOWR(KIPC_IOC_MAGIC, 0x44, struct kipc_sem_op)

/*
 * Create a mutex and return a mutex fd (O_CLOEXEC); id is written back.
 * Endpoint fd only. Errors: EEXIST, EDQUOT, ENAMETOOLONG, EMFILE, ENOMEM,
 * EINVAL (mode > 0777, unknown flag).
 */
#define KIPC_IOC_MUTEX_CREATE	_IOWR(KIPC_IOC_MAGIC, 0x48, struct kipc_mutex_create)

/*
 * Open a mutex by id or name (struct kipc_mbox_ref) and return a mutex fd
 * (O_CLOEXEC); id is written back. Needs read or write permission.
 * Endpoint fd only. Errors: ENOENT, EACCES, ENAMETOOLONG, EMFILE, EINVAL.
 */
#define KIPC_IOC_MUTEX_OPEN	_IOWR(KIPC_IOC_MAGIC, 0x49, struct kipc_mbox_ref)

/*
 * Delete a mutex by id or name; on a mutex fd, id 0 and name "" mean that
 * mutex. Errors: ENOENT, EACCES, EIDRM (already deleted).
 */
#define KIPC_IOC_MUTEX_DELETE	_IOW(KIPC_IOC_MAGIC, 0x4a, struct kipc_mbox_ref)

/*
 * Lock, waiting as the blocking flags allow (O_NONBLOCK on the fd acts as
 * KIPC_NONBLOCK). Mutex fd. Returns 0, or -1 with errno EOWNERDEAD when
 * the caller now holds a mutex whose previous owner died holding it (see
 * MUTEX_CONSISTENT). Errors: EAGAIN, ETIMEDOUT, EINTR, EDEADLK (relock of
 * an error-checking mutex, or a wait that would close a cycle),
 * ENOTRECOVERABLE, EIDRM, EACCES, EOVERFLOW (recursion count full).
 */
#define KIPC_IOC_MUTEX_LOCK	_IOWR(KIPC_IOC_MAGIC, 0x4b, struct kipc_mutex_lock)

/*
 * Unlock (once, for a recursive mutex); the next waiter in arrival order
 * becomes the owner. Unlocking a mutex whose previous owner died without
 * making it consistent makes it unrecoverable. Mutex fd. Errors: EPERM
 * (the caller's process does not hold it), EIDRM.
 */
#define KIPC_IOC_MUTEX_UNLOCK	_IO(KIPC_IOC_MAGIC, 0x4c)

/*
 * Mark a mutex locked with EOWNERDEAD consistent again, as
 * pthread_mutex_consistent(). Mutex fd. Errors: EPERM (not the owner),
 * EINVAL (the mutex is not in the owner-died state), EIDRM.
 */
#define KIPC_IOC_MUTEX_CONSISTENT _IO(KIPC_IOC_MAGIC, 0x4d)

/*
 * Reserved for later ABI revisions (do not reuse):
 *   0x23 .. 0x2f	more batched message operations
 *   0x35 .. 0x3f	more ring operations
 *   0x45 .. 0x47	more semaphore operations
 *   0x4e .. 0x4f	more mutex operations
 */

/*
 * io_uring: endpoint and mailbox fds accept IORING_OP_URING_CMD for SEND,
 * RECV, CALL, REPLY and XFER; semaphore fds for SEM_WAIT, mutex fds for
 * MUTEX_LOCK (the owner is the submitting process). sqe->cmd_op is the ioctl number (KIPC_IOC_SEND,
 * ...) and the SQE's command area (sqe->cmd, 16 bytes; plain 64-byte SQEs
 * suffice) holds a struct kipc_uring_cmd pointing at the same argument
 * struct as the ioctl. Semantics, flags, errors and the kernel-stamped
 * headers are those of the ioctl; the CQE's res is the ioctl's return
 * value (0) or -errno, and the outputs (hdr, len, reply_hdr, reply_len;
 * an XFER's sent, received and entries) are in the argument struct (and
 * the XFER's vectors), which must stay valid until the CQE.
 *
 * A command that would block (RECV on an empty queue, SEND to a full
 * one, every CALL, an XFER's first send or first receive) never blocks
 * the submitting task: io_uring completes it later, when a message or
 * reply arrives, the timeout expires (-ETIMEDOUT) or the mailbox is
 * deleted (-EIDRM). An XFER whose first receive waited fills its first
 * entry with the message that ended the wait and the following ones with
 * what is queued by the time it completes. KIPC_NONBLOCK and O_NONBLOCK give
 * -EAGAIN as with the ioctls. A pending command keeps its fd open (like
 * any io_uring request); it ends with -ECANCELED when cancelled (closing
 * the ring, the submitting process's exit; IORING_OP_ASYNC_CANCEL only
 * where it waits in an io-wq worker: a RECV, XFER or CALL parked without
 * a thread, on kernels whose io_uring can cancel driver commands, is not
 * reached by it). A cancelled command has received nothing; an XFER's
 * sends, made before it waited to receive, stand. Other cmd_op values
 * give -ENOTTY.
 */

/**
 * struct kipc_uring_cmd - the command area of a kipc IORING_OP_URING_CMD SQE
 * @arg:	user pointer to the ioctl's argument struct
 * @reserved:	zero
 */
struct kipc_uring_cmd {
	__u64 arg;
	__u64 reserved;
};

#endif /* _UAPI_LINUX_KIPC_H */
