/* SPDX-License-Identifier: MIT */
/*
 * libkipc: a thin C API over the /dev/kipc ioctls.
 *
 * Every function returns a non-negative value on success and -errno on
 * failure (errno is not the way errors are reported; no function returns
 * -1 with errno set).
 *
 * Blocking calls (kipc_send, kipc_recv, kipc_recv_from, kipc_call) take
 * the uapi's KIPC_NONBLOCK / KIPC_ABSTIME flags and a timeout: NULL blocks
 * without limit (or fails with -EAGAIN under KIPC_NONBLOCK / O_NONBLOCK);
 * non-NULL bounds the wait, relative, or absolute on CLOCK_MONOTONIC with
 * KIPC_ABSTIME. KIPC_TIMEOUT and KIPC_RECV_FROM are derived by the library
 * from its arguments: passing them in flags is -EINVAL.
 */
#ifndef LIBKIPC_H
#define LIBKIPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <linux/kipc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Path of the kipc character device. */
#define KIPC_DEVICE		"/dev/kipc"

/* kipc_open() flags. */
#define KIPC_OPEN_NONBLOCK	(1U << 0)	/* O_NONBLOCK on the endpoint fd */

/* Capacity of a mailbox created with attr == NULL. */
#define KIPC_MBOX_DEFAULT_MSGS	64

/*
 * Endpoints: the fd of /dev/kipc is the endpoint.
 */

/* Open /dev/kipc (O_CLOEXEC): a new endpoint. Returns the fd. */
int kipc_open(unsigned int flags);
/* ABI version of the loaded module and the fd's endpoint id. */
int kipc_version(int fd, struct kipc_version *ver);
/* This endpoint's id (for a mailbox fd: the endpoint it was opened through). */
int kipc_ep_id(int fd, uint64_t *id);
/* Name the endpoint (once); 1 .. KIPC_NAME_MAX - 1 bytes. */
int kipc_ep_set_name(int fd, const char *name);
/* Inbox capacity (max_msgs 0 = rendezvous); 0 bytes / msg_max = defaults. */
int kipc_ep_set_limits(int fd, unsigned int max_msgs, unsigned int max_bytes,
		       unsigned int msg_max);
/* Endpoint name -> id. */
int kipc_ep_lookup(int fd, const char *name, uint64_t *id);

/*
 * Mailboxes: named or anonymous queues with many senders and receivers.
 */

struct kipc_mbox_attr {
	unsigned int flags;	/* KIPC_MBOX_OWNED */
	unsigned int max_msgs;	/* 0 = rendezvous */
	unsigned int max_bytes;	/* 0 = kernel default */
	unsigned int msg_max;	/* 0 = KIPC_MSG_SIZE_DEFAULT */
	unsigned int mode;	/* permission bits, 0 .. 0777 */
};

/*
 * Create a mailbox through endpoint @ep. @name NULL or "" = anonymous.
 * @attr NULL = { .max_msgs = KIPC_MBOX_DEFAULT_MSGS, .mode = 0600 }.
 * Returns the mailbox fd; its id is stored in *@id unless @id is NULL.
 */
int kipc_mbox_create(int ep, const char *name,
		     const struct kipc_mbox_attr *attr, uint64_t *id);
/* Open a mailbox by name (*@id = its id unless NULL) or by id. Returns the fd. */
int kipc_mbox_open(int ep, const char *name, uint64_t *id);
int kipc_mbox_open_id(int ep, uint64_t id);
/* Delete a mailbox by id (on a mailbox fd, id 0 = that mailbox) or name. */
int kipc_mbox_delete(int fd, uint64_t id);
int kipc_mbox_delete_name(int fd, const char *name);
/*
 * Unlink the mailbox called @name, as unlink(2) a file: the name is free
 * at once, open fds keep working until the last is closed.
 */
int kipc_mbox_unlink(int fd, const char *name);
/* IPC_SET for mailboxes; id 0 on a mailbox fd = that mailbox. */
int kipc_mbox_set_mode(int fd, uint64_t id, unsigned int mode);
/* (uid_t)-1 / (gid_t)-1 leave the owner uid / gid unchanged, as chown(2). */
int kipc_mbox_set_owner(int fd, uint64_t id, uid_t uid, gid_t gid);
/* Change the capacity of mailbox @id (0 on a mailbox fd = that one). */
int kipc_mbox_set_limits(int fd, uint64_t id, unsigned int max_msgs,
			 unsigned int max_bytes);

/*
 * Messages. @fd is an endpoint fd (@dest: an endpoint id, or a mailbox id
 * with KIPC_SEND_MAILBOX) or a mailbox fd (@dest must be 0).
 */

/* Send @len bytes at priority @prio (0 .. KIPC_PRIO_MAX). Returns 0. */
int kipc_send(int fd, uint64_t dest, const void *buf, size_t len,
	      unsigned int prio, unsigned int flags,
	      const struct timespec *timeout);
/*
 * Receive the highest-priority message of the fd's queue (endpoint inbox
 * or mailbox). Returns the payload length; @hdr may be NULL. On -EMSGSIZE
 * the message stays queued and, if @hdr is not NULL, hdr->len is its size.
 */
int kipc_recv(int fd, void *buf, size_t len, struct kipc_msg_hdr *hdr,
	      unsigned int flags, const struct timespec *timeout);
/*
 * As kipc_recv(), and *@seq gets the message's sequence number in its
 * queue (numbers go up by one per message queued and are never reused).
 * With KIPC_RECV_SEQ in @flags, *@seq is also input: exactly that message
 * is received (or, with KIPC_RECV_PEEK, copied), without waiting:
 * -ENOMSG when it is not queued, -EAGAIN when another receiver is copying
 * it out at this moment. Other functions refuse KIPC_RECV_SEQ (-EINVAL).
 */
int kipc_recv_seq(int fd, uint64_t *seq, void *buf, size_t len,
		  struct kipc_msg_hdr *hdr, unsigned int flags,
		  const struct timespec *timeout);
/* As kipc_recv(), only messages sent by endpoint @from (not 0). */
int kipc_recv_from(int fd, uint64_t from, void *buf, size_t len,
		   struct kipc_msg_hdr *hdr, unsigned int flags,
		   const struct timespec *timeout);
/*
 * Typed messages, for selective receive (as SysV msgsnd()/msgrcv()).
 * kipc_send_type() is kipc_send() with a type (any value; kipc_send()
 * sends type 0). kipc_recv_type() receives the first message, in receive
 * order, that @type_sel selects: 0 any; > 0 of that type (of any other
 * with KIPC_RECV_EXCEPT in @flags); < 0 the lowest type <= -@type_sel.
 * *@type (may be NULL) gets the message's type.
 */
int kipc_send_type(int fd, uint64_t dest, int64_t type, const void *buf,
		   size_t len, unsigned int prio, unsigned int flags,
		   const struct timespec *timeout);
int kipc_recv_type(int fd, int64_t type_sel, void *buf, size_t len,
		   struct kipc_msg_hdr *hdr, int64_t *type, unsigned int flags,
		   const struct timespec *timeout);
/* Send a request and wait for its reply. Returns the reply length. */
int kipc_call(int fd, uint64_t dest, const void *req, size_t req_len,
	      unsigned int prio, void *reply, size_t reply_len,
	      struct kipc_msg_hdr *reply_hdr, unsigned int flags,
	      const struct timespec *timeout);
/*
 * Collect the reply of a kipc_call() that a signal handler without
 * SA_RESTART interrupted (-EINTR) after its request was queued: that call
 * left the request's token in reply_hdr->token. Waits with the first
 * call's deadline. @reply_len must be at least the first call's.
 */
int kipc_call_resume(int fd, uint64_t token, void *reply, size_t reply_len,
		     struct kipc_msg_hdr *reply_hdr);
/* Answer the request whose header carried @token. Never blocks. */
int kipc_reply(int fd, uint64_t token, const void *buf, size_t len);

/*
 * Batches and one-call round trips (KIPC_IOC_XFER). Only the first message
 * of a batch may wait (as @flags and @timeout allow); the others go only
 * while they fit or are queued.
 */

/*
 * Send msgs[0 .. count) in order to one destination, as kipc_send() does
 * (count <= KIPC_XFER_MAX). Returns the number sent, >= 1; -errno when
 * none was (the first message's error).
 */
int kipc_send_batch(int fd, uint64_t dest, const struct kipc_mmsg *msgs,
		    unsigned int count, unsigned int flags,
		    const struct timespec *timeout);
/*
 * Receive up to @count messages into msgs[i].buf (msgs[i].buf_len bytes);
 * fills msgs[i].len and .hdr. Returns the number received, >= 1, or the
 * first receive's -errno.
 */
int kipc_recv_batch(int fd, struct kipc_mmsg *msgs, unsigned int count,
		    unsigned int flags, const struct timespec *timeout);
/*
 * Send one message to @dest (as kipc_send()), then receive one from the
 * fd's own queue (as kipc_recv()), in one system call: both halves of a
 * request/response exchange. Returns the received length. *@sent (may be
 * NULL) says whether the message went, also when -errno is returned.
 */
int kipc_sendrecv(int fd, uint64_t dest, const void *buf, size_t len,
		  unsigned int prio, void *rbuf, size_t rlen,
		  struct kipc_msg_hdr *hdr, unsigned int flags,
		  const struct timespec *timeout, unsigned int *sent);
/*
 * A server's turn in one call (KIPC_IOC_REPLY_RECV): answer the request
 * @token (0: answer nothing) with @buf, then receive the next message as
 * kipc_recv() would. A failed reply does not stop the receive: its error
 * goes to *@reply_ret (may be NULL). Returns the received length.
 */
int kipc_reply_recv(int fd, uint64_t token, const void *buf, size_t len,
		    void *rbuf, size_t rlen, struct kipc_msg_hdr *hdr,
		    unsigned int flags, const struct timespec *timeout,
		    int *reply_ret);
/* KIPC_IOC_XFER as is; zero size/entry_size are filled in. Returns 0. */
int kipc_xfer(int fd, struct kipc_xfer *x);

/*
 * Semaphores and mutexes (see kipc(7)). Each create and open returns a
 * new fd for the object (close-on-exec); @name NULL or "" = anonymous.
 * @timeout is relative, or absolute on CLOCK_MONOTONIC with KIPC_ABSTIME;
 * NULL waits without limit.
 */

/* Create a semaphore of @value, at most @max (0 = KIPC_SEM_VALUE_MAX). */
int kipc_sem_create(int ep, const char *name, unsigned int value,
		    unsigned int max, unsigned int mode, uint64_t *id);
/* Open a semaphore by name (*@id = its id unless NULL) or by id. */
int kipc_sem_open(int ep, const char *name, uint64_t *id);
int kipc_sem_open_id(int ep, uint64_t id);
/* Delete a semaphore by id (on a semaphore fd, id 0 = that one). */
int kipc_sem_delete(int fd, uint64_t id);
/*
 * Take @n units (KIPC_NONBLOCK, KIPC_ABSTIME, KIPC_SEM_UNDO), in arrival
 * order. Returns the value left.
 */
int kipc_sem_wait(int sem, unsigned int n, unsigned int flags,
		  const struct timespec *timeout);
/* Give @n units (KIPC_SEM_UNDO). Never blocks. Returns the new value. */
int kipc_sem_post(int sem, unsigned int n, unsigned int flags);

/* Create a mutex; @flags KIPC_MUTEX_RECURSIVE or 0 (error-checking). */
int kipc_mutex_create(int ep, const char *name, unsigned int flags,
		      unsigned int mode, uint64_t *id);
/* Open a mutex by name (*@id = its id unless NULL) or by id. */
int kipc_mutex_open(int ep, const char *name, uint64_t *id);
int kipc_mutex_open_id(int ep, uint64_t id);
/* Delete a mutex by id (on a mutex fd, id 0 = that one). */
int kipc_mutex_delete(int fd, uint64_t id);
/*
 * Lock (KIPC_NONBLOCK = trylock, KIPC_ABSTIME). Returns 0, or -EOWNERDEAD
 * with the mutex held: its last owner died holding it, call
 * kipc_mutex_consistent() before unlocking.
 */
int kipc_mutex_lock(int m, unsigned int flags, const struct timespec *timeout);
/* Unlock; only the owning process may. */
int kipc_mutex_unlock(int m);
/* Make a mutex locked with -EOWNERDEAD usable again. */
int kipc_mutex_consistent(int m);

/*
 * Notification and introspection.
 */

/* Signal @signo on arrival on the fd's empty queue; 0 disarms. */
int kipc_notify(int fd, int signo, unsigned int flags);
/* As kipc_notify(), the signal carrying @value as its si_value. */
int kipc_notify_value(int fd, int signo, uint64_t value, unsigned int flags);
/* Add 1 to eventfd @efd on arrival instead of a signal. */
int kipc_notify_eventfd(int fd, int efd, unsigned int flags);
/* Describe object @id (0 = the fd's own endpoint, mailbox, semaphore, mutex). */
int kipc_stat(int fd, uint64_t id, struct kipc_info *info);
/* Describe the KIPC_TYPE_ENDPOINT / _MAILBOX / _RING / _SEM / _MUTEX @name. */
int kipc_stat_name(int fd, unsigned int type, const char *name,
		   struct kipc_info *info);
/*
 * List objects (KIPC_LIST_ENDPOINTS | _MAILBOXES | _RINGS | _SEMS |
 * _MUTEXES) with id >
 * *@cursor, in id order. Returns the number written to @entries (0 at the
 * end) and advances *@cursor. @count above KIPC_LIST_MAX is clamped.
 */
int kipc_list(int fd, unsigned int flags, uint64_t *cursor,
	      struct kipc_info *entries, unsigned int count);

/* What the caller's user holds in kipc and its limits (KIPC_IOC_USAGE). */
int kipc_usage(int fd, struct kipc_usage *usage);

/* Message for a -errno returned by libkipc, worded for kipc. */
const char *kipc_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* LIBKIPC_H */
