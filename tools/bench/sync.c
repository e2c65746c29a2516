/* SPDX-License-Identifier: MIT */
/*
 * kipc-bench --sync: kipc semaphores and mutexes beside what POSIX offers
 * processes that share memory, in the same run.
 *
 * Mutexes: kipc-mutex and pthread-mutex-shm (a PTHREAD_PROCESS_SHARED
 * pthread mutex in a shared mapping: a futex, no system call while
 * uncontended).
 *   uncontended_ns	one lock and one unlock by a single process
 *   contended_ns	two processes each lock, bump a shared counter,
 *			yield the CPU and unlock in a loop: wall time per
 *			acquisition. Yielding while holding the lock puts
 *			the other process in its wait whenever the lock is
 *			released, on one CPU as on many. The counter must
 *			come out exact.
 *   handoffs_per_op	how many acquisitions took the lock from the other
 *			process: 1 for a strict FIFO hand-off (kipc, no
 *			barging), near 0 where the holder re-takes it
 * Semaphores: kipc-sem and posix-sem (sem_open(), named).
 *   uncontended_ns	one post and one wait by a single process
 *   handoff_ns	two processes ping-pong over two semaphores: half a
 *			round trip, post to the other's return from wait
 * The bounded buffer (bb-*): one producer and one consumer process move
 * 16-byte items through 16 slots; msgs_per_s, every item checked in order.
 *   bb-kipc-sems	a shared-memory buffer, two kipc semaphores and a
 *			kipc mutex (tools/examples/bounded-buffer)
 *   bb-posix-sems	the same with three POSIX named semaphores
 *   bb-kipc-ring	a kipc ring, its own buffer and guard
 * Ratios of each kipc figure to its POSIX counterpart go to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libkipc.h>
#include <kipc_ring.h>

#include "bench.h"

#define BB_SLOTS	16

struct item {
	uint64_t seq;
	uint64_t check;
};

/* The mapping both processes share. */
struct sync_shm {
	pthread_mutex_t pm;
	uint64_t counter;	/* under the mutex measured */
	uint64_t handoffs;	/* under it too */
	int last;		/* the process that held it last */
	uint32_t in, out;	/* the bounded buffer's indices */
	struct item slot[BB_SLOTS];
};

/* What one measurement uses; created before the fork, shared after it. */
struct sync_env {
	int ep;
	int kmutex;
	int ksem[3];
	sem_t *psem[3];
	struct sync_shm *shm;
};

/* A mutex, or a semaphore used as one (the POSIX bounded buffer). */
struct lock_ops {
	const char *name;
	int (*lock)(struct sync_env *e);
	int (*unlock)(struct sync_env *e);
};

/* Semaphore @i of the environment. */
struct sem_ops {
	const char *name;
	int (*wait)(struct sync_env *e, int i);
	int (*post)(struct sync_env *e, int i);
};

static int kmutex_lock(struct sync_env *e)
{
	return kipc_mutex_lock(e->kmutex, 0, NULL);
}

static int kmutex_unlock(struct sync_env *e)
{
	return kipc_mutex_unlock(e->kmutex);
}

static int pmutex_lock(struct sync_env *e)
{
	return -pthread_mutex_lock(&e->shm->pm);
}

static int pmutex_unlock(struct sync_env *e)
{
	return -pthread_mutex_unlock(&e->shm->pm);
}

static int ksem_wait(struct sync_env *e, int i)
{
	int ret = kipc_sem_wait(e->ksem[i], 1, 0, NULL);

	return ret < 0 ? ret : 0;
}

static int ksem_post(struct sync_env *e, int i)
{
	int ret = kipc_sem_post(e->ksem[i], 1, 0);

	return ret < 0 ? ret : 0;
}

static int psem_wait(struct sync_env *e, int i)
{
	while (sem_wait(e->psem[i]))
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int psem_post(struct sync_env *e, int i)
{
	return sem_post(e->psem[i]) ? -errno : 0;
}

/* The POSIX bounded buffer's mutex: semaphore 2, a binary one. */
static int psem_lock(struct sync_env *e)
{
	return psem_wait(e, 2);
}

static int psem_unlock(struct sync_env *e)
{
	return psem_post(e, 2);
}

static const struct lock_ops kipc_mutex_ops = {
	"kipc-mutex", kmutex_lock, kmutex_unlock,
};
static const struct lock_ops pthread_mutex_ops = {
	"pthread-mutex-shm", pmutex_lock, pmutex_unlock,
};
static const struct lock_ops posix_sem_lock_ops = {
	"posix-sem-as-mutex", psem_lock, psem_unlock,
};
static const struct sem_ops kipc_sem_ops = { "kipc-sem", ksem_wait, ksem_post };
static const struct sem_ops posix_sem_ops = { "posix-sem", psem_wait, psem_post };

/* ---- setting up and tearing down ---- */

static int env_init(struct sync_env *e, int kipc, const unsigned int *values)
{
	pthread_mutexattr_t a;
	char name[64];
	int i, ret;

	memset(e, 0, sizeof(*e));
	e->ep = e->kmutex = -1;
	for (i = 0; i < 3; i++)
		e->ksem[i] = -1;
	e->shm = mmap(NULL, sizeof(*e->shm), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (e->shm == MAP_FAILED) {
		e->shm = NULL;
		return -errno;
	}
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	ret = -pthread_mutex_init(&e->shm->pm, &a);
	pthread_mutexattr_destroy(&a);
	if (ret)
		return ret;
	if (kipc) {
		e->ep = kipc_open(0);
		if (e->ep < 0)
			return e->ep;
		e->kmutex = kipc_mutex_create(e->ep, NULL, 0, 0600, NULL);
		if (e->kmutex < 0)
			return e->kmutex;
		for (i = 0; i < 3; i++) {
			e->ksem[i] = kipc_sem_create(e->ep, NULL, values[i], 0,
						     0600, NULL);
			if (e->ksem[i] < 0)
				return e->ksem[i];
		}
		return 0;
	}
	/* Named, as unrelated processes would share them; gone once open. */
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "/kipc-bench-%d-%d", (int)getpid(), i);
		e->psem[i] = sem_open(name, O_CREAT | O_EXCL, 0600, values[i]);
		if (e->psem[i] == SEM_FAILED) {
			e->psem[i] = NULL;
			return -errno;
		}
		sem_unlink(name);
	}
	return 0;
}

static void env_fini(struct sync_env *e)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (e->ksem[i] >= 0) {
			kipc_sem_delete(e->ksem[i], 0);
			close(e->ksem[i]);
		}
		if (e->psem[i])
			sem_close(e->psem[i]);
	}
	if (e->kmutex >= 0) {
		kipc_mutex_delete(e->kmutex, 0);
		close(e->kmutex);
	}
	if (e->ep >= 0)
		close(e->ep);
	if (e->shm) {
		pthread_mutex_destroy(&e->shm->pm);
		munmap(e->shm, sizeof(*e->shm));
	}
}

/*
 * Fork a child running @fn(@e, @count) once the parent writes to the
 * returned start pipe (*@start); the child's exit status is 0 or 1.
 */
static pid_t fork_child(int (*fn)(struct sync_env *, const void *, uint64_t),
			struct sync_env *e, const void *ops, uint64_t count,
			int *start)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		_exit(fn(e, ops, count) ? 1 : 0);
	}
	close(p[0]);
	*start = p[1];
	return pid;
}

static int go(int start)
{
	int ret = write(start, "g", 1) == 1 ? 0 : -EPIPE;

	close(start);
	return ret;
}

static int reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -EPROTO;
}

/* ---- mutexes ---- */

static int mutex_uncontended(const struct lock_ops *l, struct sync_env *e,
			     uint64_t count, double *ns)
{
	uint64_t i, t0 = now_ns();
	int ret;

	for (i = 0; i < count; i++) {
		ret = l->lock(e);
		if (!ret)
			ret = l->unlock(e);
		if (ret)
			return ret;
	}
	*ns = (double)(now_ns() - t0) / (double)count;
	return 0;
}

/* One process's half of the contended loop; @me is 1 or 2. */
static int mutex_loop(struct sync_env *e, const struct lock_ops *l, int me,
		      uint64_t count)
{
	uint64_t i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = l->lock(e);
		if (ret)
			return ret;
		if (e->shm->last && e->shm->last != me)
			e->shm->handoffs++;
		e->shm->last = me;
		e->shm->counter++;
		sched_yield();
		ret = l->unlock(e);
		if (ret)
			return ret;
	}
	return 0;
}

static int mutex_child(struct sync_env *e, const void *ops, uint64_t count)
{
	return mutex_loop(e, ops, 2, count);
}

static int mutex_contended(const struct lock_ops *l, struct sync_env *e,
			   uint64_t count, double *ns, double *handoffs)
{
	uint64_t t0;
	int start, ret, cret;
	pid_t pid;

	e->shm->counter = e->shm->handoffs = 0;
	e->shm->last = 0;
	pid = fork_child(mutex_child, e, l, count, &start);
	if (pid < 0)
		return pid;
	t0 = now_ns();
	ret = go(start);
	if (!ret)
		ret = mutex_loop(e, l, 1, count);
	cret = reap(pid);
	*ns = (double)(now_ns() - t0) / (double)(2 * count);
	if (ret || cret)
		return ret ? ret : cret;
	if (e->shm->counter != 2 * count) {
		bench_warn("%s: %llu increments of %llu: the mutex let two in",
			   l->name, (unsigned long long)e->shm->counter,
			   (unsigned long long)(2 * count));
		return -EPROTO;
	}
	*handoffs = (double)e->shm->handoffs / (double)(2 * count);
	return 0;
}

/* ---- semaphores ---- */

static int sem_uncontended(const struct sem_ops *s, struct sync_env *e,
			   uint64_t count, double *ns)
{
	uint64_t i, t0 = now_ns();
	int ret;

	for (i = 0; i < count; i++) {
		ret = s->post(e, 0);
		if (!ret)
			ret = s->wait(e, 0);
		if (ret)
			return ret;
	}
	*ns = (double)(now_ns() - t0) / (double)count;
	return 0;
}

/* The ping-pong's other side: wait on 0, post 1. */
static int sem_pong(struct sync_env *e, const void *ops, uint64_t count)
{
	const struct sem_ops *s = ops;
	uint64_t i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = s->wait(e, 0);
		if (!ret)
			ret = s->post(e, 1);
		if (ret)
			return ret;
	}
	return 0;
}

static int sem_handoff(const struct sem_ops *s, struct sync_env *e,
		       uint64_t count, double *ns)
{
	uint64_t i, t0;
	int start, ret, cret;
	pid_t pid;

	pid = fork_child(sem_pong, e, s, count, &start);
	if (pid < 0)
		return pid;
	ret = go(start);
	t0 = now_ns();
	for (i = 0; i < count && !ret; i++) {
		ret = s->post(e, 0);
		if (!ret)
			ret = s->wait(e, 1);
	}
	*ns = (double)(now_ns() - t0) / (double)(2 * count);
	/* The other side would wait for ever for what never comes. */
	if (ret)
		kill(pid, SIGKILL);
	cret = reap(pid);
	return ret ? ret : cret;
}

/* ---- the bounded buffer ---- */

struct bb_ops {
	const struct sem_ops *sem;	/* 0 = empty slots, 1 = full slots */
	const struct lock_ops *lock;
};

static uint64_t bb_check(uint64_t seq)
{
	return seq * 0x9e3779b97f4a7c15ULL;
}

static int bb_producer(struct sync_env *e, const void *ops, uint64_t count)
{
	const struct bb_ops *b = ops;
	struct sync_shm *sh = e->shm;
	uint64_t seq;
	int ret;

	for (seq = 0; seq < count; seq++) {
		ret = b->sem->wait(e, 0);
		if (!ret)
			ret = b->lock->lock(e);
		if (ret)
			return ret;
		sh->slot[sh->in] = (struct item){ seq, bb_check(seq) };
		sh->in = (sh->in + 1) % BB_SLOTS;
		ret = b->lock->unlock(e);
		if (!ret)
			ret = b->sem->post(e, 1);
		if (ret)
			return ret;
	}
	return 0;
}

static int bb_sems(const struct bb_ops *b, struct sync_env *e, uint64_t count,
		   double *per_s)
{
	struct sync_shm *sh = e->shm;
	uint64_t seq, t0;
	int start, ret, cret;
	struct item it;
	pid_t pid;

	sh->in = sh->out = 0;
	pid = fork_child(bb_producer, e, b, count, &start);
	if (pid < 0)
		return pid;
	t0 = now_ns();
	ret = go(start);
	for (seq = 0; seq < count && !ret; seq++) {
		ret = b->sem->wait(e, 1);
		if (!ret)
			ret = b->lock->lock(e);
		if (ret)
			break;
		it = sh->slot[sh->out];
		sh->out = (sh->out + 1) % BB_SLOTS;
		ret = b->lock->unlock(e);
		if (!ret)
			ret = b->sem->post(e, 0);
		if (!ret && (it.seq != seq || it.check != bb_check(seq)))
			ret = -EPROTO;
	}
	*per_s = (double)count * 1e9 / (double)(now_ns() - t0);
	if (ret)
		kill(pid, SIGKILL);
	cret = reap(pid);
	return ret ? ret : cret;
}

struct bb_ring {
	int ep;
	uint64_t id;
};

static int bb_ring_producer(struct sync_env *e, const void *ops, uint64_t count)
{
	const struct bb_ring *br = ops;
	struct kipc_ring r;
	struct item it;
	int ret;

	(void)e;
	ret = kipc_ring_attach(br->ep, NULL, br->id, KIPC_RING_PRODUCER, &r);
	for (it.seq = 0; !ret && it.seq < count; it.seq++) {
		it.check = bb_check(it.seq);
		ret = kipc_ring_send(&r, &it, sizeof(it), NULL);
	}
	return ret;
}

static int bb_ring(uint64_t count, double *per_s)
{
	struct bb_ring br = { .ep = -1 };
	struct kipc_ring r = { 0 };
	int start, ret, cret;
	uint64_t seq, t0;
	struct item it;
	pid_t pid;

	br.ep = kipc_open(0);
	if (br.ep < 0)
		return br.ep;
	ret = kipc_ring_create(br.ep, NULL, BB_SLOTS, KIPC_RING_SLOT_SIZE_MIN,
			       KIPC_RING_SPSC, 0600, &br.id);
	if (!ret)
		ret = kipc_ring_attach(br.ep, NULL, br.id, KIPC_RING_CONSUMER, &r);
	if (ret)
		goto out;
	pid = fork_child(bb_ring_producer, NULL, &br, count, &start);
	if (pid < 0) {
		ret = pid;
		goto out;
	}
	t0 = now_ns();
	ret = go(start);
	for (seq = 0; seq < count && !ret; seq++) {
		ret = kipc_ring_recv(&r, &it, sizeof(it), NULL);
		if (ret == (int)sizeof(it))
			ret = it.seq == seq && it.check == bb_check(seq) ? 0 : -EPROTO;
		else if (ret >= 0)
			ret = -EPROTO;
	}
	*per_s = (double)count * 1e9 / (double)(now_ns() - t0);
	if (ret)
		kill(pid, SIGKILL);
	cret = reap(pid);
	if (!ret)
		ret = cret;
out:
	if (r.hdr)
		kipc_ring_detach(&r);
	if (br.id)
		kipc_ring_delete(br.ep, NULL, br.id);
	close(br.ep);
	return ret;
}

/* ---- the run ---- */

/* One figure per transport, kept for the ratios. */
struct figure {
	const char *transport, *metric;
	double value;
	int have;
};

#define FIG(t, m)	{ .transport = (t), .metric = (m) }
static struct figure figures[] = {
	FIG("kipc-mutex", "uncontended_ns"), FIG("pthread-mutex-shm", "uncontended_ns"),
	FIG("kipc-mutex", "contended_ns"), FIG("pthread-mutex-shm", "contended_ns"),
	FIG("kipc-mutex", "handoffs_per_op"), FIG("pthread-mutex-shm", "handoffs_per_op"),
	FIG("kipc-sem", "uncontended_ns"), FIG("posix-sem", "uncontended_ns"),
	FIG("kipc-sem", "handoff_ns"), FIG("posix-sem", "handoff_ns"),
	FIG("bb-kipc-sems", "msgs_per_s"), FIG("bb-posix-sems", "msgs_per_s"),
	FIG("bb-kipc-ring", "msgs_per_s"), FIG("bb-posix-sems", "msgs_per_s"),
};

static void record(sync_emit_fn emit, void *ctx, const char *transport,
		   const char *metric, double v)
{
	unsigned int i;

	for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		if (!strcmp(figures[i].transport, transport) &&
		    !strcmp(figures[i].metric, metric)) {
			figures[i].value = v;
			figures[i].have = 1;
		}
	}
	emit(ctx, transport, metric, v);
}

static int failed(const char *what, int ret)
{
	bench_warn("%s: FAILED: %s", what, kipc_strerror(ret));
	return 1;
}

static int run_locks(const struct lock_ops *l, int kipc, uint64_t count,
		     sync_emit_fn emit, void *ctx)
{
	static const unsigned int values[3];
	struct sync_env e;
	double ns, h = 0;
	int ret;

	ret = env_init(&e, kipc, values);
	if (!ret)
		ret = mutex_uncontended(l, &e, count, &ns);
	if (!ret)
		record(emit, ctx, l->name, "uncontended_ns", ns);
	if (!ret)
		ret = mutex_contended(l, &e, count, &ns, &h);
	if (!ret) {
		record(emit, ctx, l->name, "contended_ns", ns);
		record(emit, ctx, l->name, "handoffs_per_op", h);
	}
	env_fini(&e);
	return ret ? failed(l->name, ret) : 0;
}

static int run_sems(const struct sem_ops *s, int kipc, uint64_t count,
		    sync_emit_fn emit, void *ctx)
{
	static const unsigned int values[3];
	struct sync_env e;
	double ns;
	int ret;

	ret = env_init(&e, kipc, values);
	if (!ret)
		ret = sem_uncontended(s, &e, count, &ns);
	if (!ret)
		record(emit, ctx, s->name, "uncontended_ns", ns);
	if (!ret)
		ret = sem_handoff(s, &e, count, &ns);
	if (!ret)
		record(emit, ctx, s->name, "handoff_ns", ns);
	env_fini(&e);
	return ret ? failed(s->name, ret) : 0;
}

static int run_bb(const char *name, const struct bb_ops *b, int kipc,
		  uint64_t count, sync_emit_fn emit, void *ctx)
{
	/* empty slots, full slots, and the POSIX version's binary mutex */
	static const unsigned int values[3] = { BB_SLOTS, 0, 1 };
	struct sync_env e;
	double v;
	int ret;

	ret = env_init(&e, kipc, values);
	if (!ret)
		ret = bb_sems(b, &e, count, &v);
	if (!ret)
		record(emit, ctx, name, "msgs_per_s", v);
	env_fini(&e);
	return ret ? failed(name, ret) : 0;
}

static void ratios(void)
{
	unsigned int i;

	for (i = 0; i + 1 < sizeof(figures) / sizeof(figures[0]); i += 2) {
		const struct figure *a = &figures[i], *b = &figures[i + 1];

		if (!a->have || !b->have || !b->value)
			continue;
		bench_warn("sync: %s %s %.4g, %s %.4g: %.2fx", a->metric,
			   a->transport, a->value, b->transport, b->value,
			   a->value / b->value);
	}
}

int run_sync(uint64_t count, int have_kipc, sync_emit_fn emit, void *ctx)
{
	static const struct bb_ops bb_kipc = { &kipc_sem_ops, &kipc_mutex_ops };
	static const struct bb_ops bb_posix = { &posix_sem_ops, &posix_sem_lock_ops };
	int fail = 0;
	double v = 0;
	int ret;

	if (have_kipc)
		fail |= run_locks(&kipc_mutex_ops, 1, count, emit, ctx);
	fail |= run_locks(&pthread_mutex_ops, 0, count, emit, ctx);
	if (have_kipc)
		fail |= run_sems(&kipc_sem_ops, 1, count, emit, ctx);
	fail |= run_sems(&posix_sem_ops, 0, count, emit, ctx);
	if (have_kipc)
		fail |= run_bb("bb-kipc-sems", &bb_kipc, 1, count, emit, ctx);
	fail |= run_bb("bb-posix-sems", &bb_posix, 0, count, emit, ctx);
	if (have_kipc) {
		ret = bb_ring(count, &v);
		if (ret)
			fail |= failed("bb-kipc-ring", ret);
		else
			record(emit, ctx, "bb-kipc-ring", "msgs_per_s", v);
	}
	ratios();
	return fail;
}
