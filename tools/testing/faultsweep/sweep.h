/* SPDX-License-Identifier: MIT */
/*
 * kipc-faultsweep: fail each allocation and user copy that one kipc
 * operation reaches, one at a time, and check what the caller is left with.
 *
 * For an operation and N = 1, 2, 3, ...: build a fresh fixture, write N to
 * /proc/thread-self/fail-nth, issue the one system call, read fail-nth
 * back (0: the Nth fault-injection point was hit and failed). The points
 * counted are those of failslab, fail_page_alloc and fail_usercopy whose
 * stack passes through kipc.ko's text (require-start/require-end), so N
 * walks kipc's own allocation and copy sites in the order this call meets
 * them. The sweep of an operation ends at the first N that does not fire.
 */
#ifndef KIPC_FAULTSWEEP_H
#define KIPC_FAULTSWEEP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kipc.h>

#define SWEEP_NTH_MAX	500	/* sites of one operation: far above any */
#define SWEEP_OBJS_MAX	64	/* objects a fixture can make */
#define SWEEP_PAYLOAD	100	/* bytes of every message the fixture sends */

/* inject.c: fault-injection set-up and fail-nth */
int inject_setup(const char *ko_path, int dump);
int inject_arm(unsigned int nth);
int inject_fired(void);		/* reads and disarms: 1 fired, 0 not, <0 error */

/* state.c: what STAT/LIST and /proc show of the caller's kipc state */
struct sweep_state {
	unsigned int nr;
	struct kipc_info obj[SWEEP_OBJS_MAX];
	int fds;
	int maps;		/* -1: not compared (threads come and go) */
};
int state_take(int fd, struct sweep_state *s, int with_maps);
int state_same(const struct sweep_state *a, const struct sweep_state *b,
	       char *why, size_t len);

/* A thread on the other side of a blocking operation (fixture.c). */
struct peer_thread {
	pthread_t thr;
	int running;
	int fd;			/* the endpoint it works on */
	int call_dest_set;	/* caller: CALL @call_dest; else server */
	uint64_t call_dest;
	/* Results, read after join. */
	int requests;		/* server: requests received and answered */
	int messages;		/* server: plain messages other than "stop" */
	int ret;		/* caller: CALL's return; server: first error */
	char reply[SWEEP_PAYLOAD];
	uint32_t reply_len;
};

/* The objects an operation runs against; everything is made fresh. */
struct fixture {
	int ep;			/* the endpoint the operation is issued on */
	uint64_t ep_id;
	int peer;		/* a second endpoint */
	uint64_t peer_id;
	int mb;			/* mailbox "fs-mb", owned by @ep */
	uint64_t mb_id;
	uint64_t ring_id;	/* ring "fs-ring", when the operation needs it */
	int ring_fd;		/* attached to it: see the operation */
	int sync_fd;		/* semaphore "fs-sem" or mutex "fs-mutex" */
	uint64_t sync_id;	/* its id, or that of the one the call made */
	uint64_t map_size;
	void *map;
	uint64_t token;		/* REPLY: the request received */
	char buf[SWEEP_PAYLOAD + 1];	/* RECV, CALL, STAT, LIST: what came back */
	uint32_t len;
	struct kipc_info info[4];
	struct peer_thread pt;
	/* What a successful operation made; undone by fixture_down(). */
	int out_fd;
	void *out_map;
};

int fixture_up(struct fixture *fx);
void fixture_down(struct fixture *fx);
int fixture_ring(struct fixture *fx, uint32_t role, int map);
int fixture_sem(struct fixture *fx, uint32_t value);
int fixture_mutex(struct fixture *fx, int locked);
int fixture_send(int fd, uint64_t dest, uint32_t flags, const char *payload);
void fill_payload(char *buf, unsigned int tag);
int peer_start(struct fixture *fx, int fd, uint64_t call_dest);
int peer_stop(struct fixture *fx);
long sys_ioctl(int fd, unsigned long cmd, void *arg);

/* ops.c: the operations swept */
enum { NEEDS_NOTHING, NEEDS_SERVER, NEEDS_CALLER };
struct sweep_op {
	const char *name;
	int needs;		/* a peer thread, started around the call */
	int (*prepare)(struct fixture *fx);	/* may be NULL */
	long (*run)(struct fixture *fx);	/* exactly one system call */
	/* After run() succeeded: its effect is the expected one. */
	int (*check)(struct fixture *fx, long ret, char *why, size_t len);
	/* errnos an injected failure may give besides ENOMEM and EFAULT */
	int also_errno;
	/*
	 * EFAULT may come after the server answered: CALL copies the reply
	 * out last, and a reply cannot be given back.
	 */
	int served_on_efault;
	/*
	 * EFAULT may come after the operation took effect: a semaphore
	 * wait or post, or a lock, copies its result out last and cannot
	 * be taken back; check() must then find the effect.
	 */
	int effect_on_efault;
};
extern const struct sweep_op sweep_ops[];
extern const unsigned int sweep_nr_ops;
/* ops_uring.c: io_uring commands that park */
extern const struct sweep_op sweep_uring_ops[];
extern const unsigned int sweep_nr_uring_ops;
void sweep_uring_down(void);
/* ops_sync.c: semaphores and mutexes */
extern const struct sweep_op sweep_sync_ops[];
extern const unsigned int sweep_nr_sync_ops;

#endif
