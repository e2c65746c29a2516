/* SPDX-License-Identifier: MIT */
/*
 * kipc-fuzz: random ioctl/mmap sequences against /dev/kipc.
 *
 * Reproducibility rule: every random number an operation uses is drawn
 * from the process's generator before the operation looks at any kernel
 * result, and how many numbers an operation draws never depends on a
 * result. So a seed fixes the sequence of operations and arguments of each
 * process; only the kernel's answers (which depend on how the processes
 * interleave) can differ from one run to the next.
 */
#ifndef KIPC_FUZZ_H
#define KIPC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kipc.h>

#define FUZZ_PROCS_MAX	64
#define FUZZ_IDS	256	/* ids published for the other processes */
#define FUZZ_EPS	4	/* table sizes of one process */
#define FUZZ_MBOXES	8
#define FUZZ_RINGS	6
#define FUZZ_SYNCS	6	/* semaphores and mutexes */
#define FUZZ_MAPS	6
#define FUZZ_TOKENS	4
#define FUZZ_URING_SLOTS 16	/* io_uring commands in flight, at most */
#define FUZZ_PENDING	(-1000000L)	/* note(): the call is under way */
#define FUZZ_TRAIL	8	/* last operations kept per process */
#define FUZZ_KINDS	48	/* at least the entries of run.c's table */

/* Shared by every fuzzing process (MAP_SHARED | MAP_ANONYMOUS). */
struct fuzz_shared {
	uint64_t ids[FUZZ_IDS];		/* endpoint, mailbox and ring ids seen */
	uint64_t ops[FUZZ_PROCS_MAX];	/* operations issued, per process */
	/* --stats: per kind of operation, how many and the time they took */
	uint64_t kind_ops[FUZZ_KINDS];
	uint64_t kind_ns[FUZZ_KINDS];
	/* What each process did last, for the report on one that hangs. */
	struct fuzz_trail {
		uint64_t opno[FUZZ_TRAIL];
		const char *what[FUZZ_TRAIL];	/* a literal: same address in all */
		long ret[FUZZ_TRAIL];
		uint64_t arg[FUZZ_TRAIL][4];	/* of a blocking call: flags, timeout */
		uint32_t next;
	} trail[FUZZ_PROCS_MAX];
};

struct fuzz_fd {
	int fd;
	uint64_t id;		/* mailbox or ring id; 0 if unknown */
	uint32_t role;		/* rings: KIPC_RING_ROLE_*; syncs: KIPC_TYPE_* */
	uint64_t map_size;	/* rings: as RING_ATTACH reported */
};

struct fuzz_map {
	unsigned char *addr;	/* NULL: free slot */
	size_t len;		/* bytes still mapped from @addr */
	int writable;
};

struct fuzz {
	uint64_t rng;
	unsigned int proc;
	int forked;		/* a short-lived child of a fuzzing process */
	int verbose;
	int stats;
	uint64_t opno;		/* operations issued by this process */
	int sane;		/* this operation's arguments are all valid */
	struct fuzz_shared *sh;
	struct fuzz_fd ep[FUZZ_EPS];
	struct fuzz_fd mb[FUZZ_MBOXES];
	struct fuzz_fd ring[FUZZ_RINGS];
	struct fuzz_fd sync[FUZZ_SYNCS];
	struct fuzz_map map[FUZZ_MAPS];
	uint64_t tokens[FUZZ_TOKENS];	/* tokens of requests received */
	uint64_t ring_ids[FUZZ_RINGS];	/* rings this process created */
	int other_fd;		/* a non-kipc fd (a pipe end) */
	/* Argument and data areas, each followed by an unmapped guard page. */
	unsigned char *arg_area;
	size_t arg_len;
	unsigned char *data_area;
	size_t data_len;
	unsigned char *ro_page;		/* mapped read-only */
	unsigned char *unmapped;	/* a page that was unmapped */
};

/* rng.c */
void rng_seed(struct fuzz *f, uint64_t seed);
uint64_t rng64(struct fuzz *f);
uint32_t rng_below(struct fuzz *f, uint32_t n);
int rng_chance(struct fuzz *f, uint32_t percent);

/* args.c: random and boundary arguments */
uint32_t pick_len(struct fuzz *f);
uint32_t pick_flags(struct fuzz *f, uint32_t valid);
uint64_t pick_id(struct fuzz *f);
uint32_t pick_prio(struct fuzz *f);
uint32_t pick_size(struct fuzz *f, uint32_t ver0, uint32_t full);
void pick_timeout(struct fuzz *f, uint32_t *flags, struct kipc_timespec *ts);
void pick_name(struct fuzz *f, char name[KIPC_NAME_MAX]);
uint64_t pick_buf(struct fuzz *f, uint32_t len);
int pick_fd(struct fuzz *f);
/* Which fds an operation is meant for; pick_fd_for() mostly keeps to them. */
enum { FD_EP, FD_MSG, FD_RING, FD_SEM, FD_MUTEX };
int pick_fd_for(struct fuzz *f, int want);
int first_used(const struct fuzz_fd *t, unsigned int n, unsigned int start);
void publish_id(struct fuzz *f, uint64_t id);
/* A struct kipc_mbox_ref naming something (ops_obj.c). */
void pick_ref(struct fuzz *f, struct kipc_mbox_ref *r);

/* ioctl.c: issue an extensible-struct ioctl with a mutated argument */
struct fuzz_arg {
	void *p;	/* where the argument was placed for the kernel */
	int bad;	/* the argument pointer itself was a bad one */
};
void *arg_place(struct fuzz *f, const void *s, size_t len, uint32_t pick,
		struct fuzz_arg *a);
uint32_t arg_pick(struct fuzz *f);
long fuzz_ioctl(int fd, unsigned long cmd, void *arg);

/* state.c */
int fuzz_setup(struct fuzz *f);
struct fuzz_fd *slot_free(struct fuzz_fd *t, unsigned int n, unsigned int pick);
void fuzz_close_all(struct fuzz *f);
void impossible(struct fuzz *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void note(struct fuzz *f, const char *what, long ret);
void note_wait(struct fuzz *f, int fd, uint32_t flags, const struct kipc_timespec *ts);
void trail_print(const struct fuzz_shared *sh, unsigned int proc);

/* ops_*.c: one random operation of each kind */
void op_version(struct fuzz *f);
void op_open(struct fuzz *f);
void op_ep_set(struct fuzz *f);
void op_mbox_create(struct fuzz *f);
void op_mbox_open(struct fuzz *f);
void op_mbox_delete(struct fuzz *f);
void op_mbox_set(struct fuzz *f);
void op_stat(struct fuzz *f);
void op_list(struct fuzz *f);
void op_send(struct fuzz *f);
void op_recv(struct fuzz *f);
void op_call(struct fuzz *f);
void op_reply(struct fuzz *f);
void op_sendrecv(struct fuzz *f);
void op_reply_recv(struct fuzz *f);
void op_read(struct fuzz *f);
void op_write(struct fuzz *f);
void op_notify(struct fuzz *f);
void op_ring_create(struct fuzz *f);
void op_ring_attach(struct fuzz *f);
void op_ring_delete(struct fuzz *f);
void op_ring_wait(struct fuzz *f);
void op_ring_wake(struct fuzz *f);
void op_sem_create(struct fuzz *f);
void op_sem_open(struct fuzz *f);
void op_sem_delete(struct fuzz *f);
void op_sem_wait(struct fuzz *f);
void op_sem_post(struct fuzz *f);
void op_mutex_create(struct fuzz *f);
void op_mutex_open(struct fuzz *f);
void op_mutex_delete(struct fuzz *f);
void op_mutex_lock(struct fuzz *f);
void op_mutex_unlock(struct fuzz *f);
void op_mutex_consistent(struct fuzz *f);
void op_mmap(struct fuzz *f);
void op_munmap(struct fuzz *f);
void op_mremap(struct fuzz *f);
void op_scribble(struct fuzz *f);
void op_close(struct fuzz *f);
void op_dup(struct fuzz *f);
void op_fcntl(struct fuzz *f);
void op_poll(struct fuzz *f);
void op_raw_ioctl(struct fuzz *f);
void op_fork(struct fuzz *f);
void op_uring(struct fuzz *f);
/* ops_uring.c: a forked child makes its own io_uring */
void fuzz_uring_forget(void);

/* run.c */
void fuzz_one(struct fuzz *f);
void fuzz_run(struct fuzz *f, uint64_t ops);
void fuzz_print_stats(const struct fuzz_shared *sh);

#endif
