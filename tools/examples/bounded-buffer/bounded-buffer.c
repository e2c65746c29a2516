// SPDX-License-Identifier: MIT
/*
 * kipc-bounded-buffer: the classic bounded buffer, two ways.
 *
 *   kipc-bounded-buffer sems [--producers P] [--consumers C] [--items N]
 *			      [--slots S]
 *	P producer processes put N items each into an S-slot circular
 *	buffer in shared memory (a memfd every process maps) and C consumer
 *	processes take them out, as in the textbook: semaphore "empty"
 *	counts the free slots (S at first), semaphore "full" the filled ones
 *	(0 at first), and a mutex guards the two indices. A producer waits
 *	on empty, locks, stores, unlocks and posts full; a consumer the
 *	other way round. All three are kipc objects, so a process that dies
 *	holding the mutex leaves it to the next one (-EOWNERDEAD) instead of
 *	hanging everyone.
 *   kipc-bounded-buffer ring [--producers P] [--items N] [--slots S]
 *	The same producers over a kipc ring (many producers, one consumer):
 *	the ring is the buffer and its own guard, so no semaphore and no
 *	lock are needed, and no system call while neither side waits.
 *
 * Each item carries its producer and a sequence number. Every consumer
 * checks that each producer's items reach it in order, and a table in
 * shared memory counts how often each item was taken, so the last line
 * says whether all P * N arrived exactly once:
 *   sems: producers=2 consumers=2 items=4000 in_order=yes lost=0 dup=0
 *
 * Exit status: 0 when every item arrived once and in order, 1 otherwise
 * or on an error, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libkipc.h>
#include <kipc_ring.h>

/* The producer number of the marker that tells a consumer to stop. */
#define END_OF_ITEMS	UINT32_MAX

struct item {
	uint32_t producer;
	uint32_t pad;
	uint64_t seq;
};

/* The shared buffer of the semaphore version; @in and @out under the mutex. */
struct buffer {
	uint32_t in, out;
	struct item slot[];
};

struct opts {
	unsigned int producers, consumers, slots;
	unsigned long items;
};

/* Shared by all processes: how often each item was taken, and misorders. */
struct tally {
	unsigned long misordered;
	unsigned char taken[];	/* [producer * items + seq] */
};

static int die(const char *what, int err)
{
	fprintf(stderr, "kipc-bounded-buffer: %s: %s\n", what,
		kipc_strerror(err));
	return 1;
}

static void *shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Record one taken item; @last[] is this consumer's latest per producer. */
static void take(const struct opts *o, struct tally *t, uint64_t *last,
		 const struct item *it)
{
	if (it->producer >= o->producers || it->seq >= o->items) {
		__atomic_fetch_add(&t->misordered, 1, __ATOMIC_RELAXED);
		return;
	}
	if (last[it->producer] && it->seq < last[it->producer])
		__atomic_fetch_add(&t->misordered, 1, __ATOMIC_RELAXED);
	last[it->producer] = it->seq + 1;
	__atomic_fetch_add(&t->taken[it->producer * o->items + it->seq], 1,
			   __ATOMIC_RELAXED);
}

/* ---- two semaphores and a mutex over shared memory ---- */

struct guards {
	int empty, full, mutex;
};

/* Lock, accepting a mutex whose last holder died: the indices are intact. */
static int lock(int mutex)
{
	int ret = kipc_mutex_lock(mutex, 0, NULL);

	if (ret == -EOWNERDEAD)
		ret = kipc_mutex_consistent(mutex);
	return ret;
}

static int put(const struct opts *o, const struct guards *g, struct buffer *b,
	       const struct item *it)
{
	int ret;

	ret = kipc_sem_wait(g->empty, 1, 0, NULL);
	if (ret < 0)
		return ret;
	ret = lock(g->mutex);
	if (ret < 0)
		return ret;
	b->slot[b->in] = *it;
	b->in = (b->in + 1) % o->slots;
	ret = kipc_mutex_unlock(g->mutex);
	if (ret < 0)
		return ret;
	ret = kipc_sem_post(g->full, 1, 0);
	return ret < 0 ? ret : 0;
}

static int get(const struct opts *o, const struct guards *g, struct buffer *b,
	       struct item *it)
{
	int ret;

	ret = kipc_sem_wait(g->full, 1, 0, NULL);
	if (ret < 0)
		return ret;
	ret = lock(g->mutex);
	if (ret < 0)
		return ret;
	*it = b->slot[b->out];
	b->out = (b->out + 1) % o->slots;
	ret = kipc_mutex_unlock(g->mutex);
	if (ret < 0)
		return ret;
	ret = kipc_sem_post(g->empty, 1, 0);
	return ret < 0 ? ret : 0;
}

static int sems_producer(const struct opts *o, const struct guards *g,
			 struct buffer *b, uint32_t me)
{
	struct item it = { .producer = me };
	int ret;

	for (it.seq = 0; it.seq < o->items; it.seq++) {
		ret = put(o, g, b, &it);
		if (ret)
			return die("produce", ret);
	}
	return 0;
}

static int sems_consumer(const struct opts *o, const struct guards *g,
			 struct buffer *b, struct tally *t)
{
	uint64_t *last = calloc(o->producers, sizeof(*last));
	struct item it;
	int ret;

	if (!last)
		return die("consumer", -ENOMEM);
	for (;;) {
		ret = get(o, g, b, &it);
		if (ret)
			return die("consume", ret);
		if (it.producer == END_OF_ITEMS)
			break;
		take(o, t, last, &it);
	}
	free(last);
	return 0;
}

/* Fork @n children running @fn(@arg, i) into @pids; 0 or -errno. */
static int spawn(pid_t *pids, unsigned int n,
		 int (*fn)(void *arg, unsigned int i), void *arg)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -errno;
		if (pids[i] == 0)
			_exit(fn(arg, i));
	}
	return 0;
}

/* Reap the @n children of @pids; the number that failed. */
static unsigned int reap(const pid_t *pids, unsigned int n)
{
	unsigned int i, failed = 0;
	int st;

	for (i = 0; i < n; i++) {
		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			failed++;
	}
	return failed;
}

struct sems_ctx {
	const struct opts *o;
	struct guards g;
	struct buffer *b;
	struct tally *t;
};

static int run_producer(void *arg, unsigned int i)
{
	struct sems_ctx *c = arg;

	return sems_producer(c->o, &c->g, c->b, i);
}

static int run_consumer(void *arg, unsigned int i)
{
	struct sems_ctx *c = arg;

	(void)i;
	return sems_consumer(c->o, &c->g, c->b, c->t);
}

static int run_sems(const struct opts *o, struct tally *t)
{
	size_t len = sizeof(struct buffer) + o->slots * sizeof(struct item);
	struct sems_ctx c = { .o = o, .t = t, .g = { -1, -1, -1 } };
	struct item end = { .producer = END_OF_ITEMS };
	pid_t prod[64], cons[64];
	unsigned int i, failed;
	int ep, memfd, ret;

	ep = kipc_open(0);
	if (ep < 0)
		return die("open /dev/kipc", ep);
	/* The buffer: a memfd, as unrelated processes would pass it around. */
	memfd = memfd_create("bounded-buffer", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)len))
		return die("memfd", -errno);
	c.b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (c.b == MAP_FAILED)
		return die("mmap", -errno);
	c.g.empty = kipc_sem_create(ep, NULL, o->slots, o->slots, 0600, NULL);
	if (c.g.empty < 0)
		return die("semaphore empty", c.g.empty);
	c.g.full = kipc_sem_create(ep, NULL, 0, o->slots, 0600, NULL);
	if (c.g.full < 0)
		return die("semaphore full", c.g.full);
	c.g.mutex = kipc_mutex_create(ep, NULL, 0, 0600, NULL);
	if (c.g.mutex < 0)
		return die("mutex", c.g.mutex);

	ret = spawn(cons, o->consumers, run_consumer, &c);
	if (!ret)
		ret = spawn(prod, o->producers, run_producer, &c);
	if (ret)
		return die("fork", ret);
	/* Once every item is in, one end marker per consumer behind them. */
	failed = reap(prod, o->producers);
	for (i = 0; i < o->consumers && !failed; i++) {
		ret = put(o, &c.g, c.b, &end);
		if (ret)
			return die("end marker", ret);
	}
	/*
	 * They outlive their fds: delete them. After a failure that comes
	 * first, as it wakes every waiter with -EIDRM: nobody waits for ever.
	 */
	if (failed) {
		kipc_sem_delete(c.g.empty, 0);
		kipc_sem_delete(c.g.full, 0);
		failed += reap(cons, o->consumers);
	} else {
		failed = reap(cons, o->consumers);
		kipc_sem_delete(c.g.empty, 0);
		kipc_sem_delete(c.g.full, 0);
	}
	kipc_mutex_delete(c.g.mutex, 0);
	close(c.g.empty);
	close(c.g.full);
	close(c.g.mutex);
	munmap(c.b, len);
	close(memfd);
	close(ep);
	return failed ? 1 : 0;
}

/* ---- a kipc ring ---- */

struct ring_ctx {
	const struct opts *o;
	int ep;
	uint64_t id;
};

static int ring_producer(void *arg, unsigned int me)
{
	struct ring_ctx *c = arg;
	struct item it = { .producer = me };
	struct kipc_ring r;
	int ret;

	/* Attached after fork: a mapping of the ring is not inherited. */
	ret = kipc_ring_attach(c->ep, NULL, c->id, KIPC_RING_PRODUCER, &r);
	if (ret)
		return die("attach", ret);
	for (it.seq = 0; it.seq <= c->o->items; it.seq++) {
		if (it.seq == c->o->items)
			it.producer = END_OF_ITEMS;
		ret = kipc_ring_send(&r, &it, sizeof(it), NULL);
		if (ret)
			return die("produce", ret);
	}
	kipc_ring_detach(&r);
	return 0;
}

static int run_ring(const struct opts *o, struct tally *t)
{
	unsigned int mode = o->producers > 1 ? KIPC_RING_MPSC : KIPC_RING_SPSC;
	struct ring_ctx c = { .o = o };
	unsigned int ends = 0, failed;
	pid_t prod[64];
	struct kipc_ring r;
	uint64_t *last;
	struct item it;
	int ret;

	last = calloc(o->producers, sizeof(*last));
	if (!last)
		return die("ring", -ENOMEM);
	c.ep = kipc_open(0);
	if (c.ep < 0)
		return die("open /dev/kipc", c.ep);
	ret = kipc_ring_create(c.ep, NULL, o->slots, KIPC_RING_SLOT_SIZE_MIN,
			       mode, 0600, &c.id);
	if (ret)
		return die("ring create", ret);
	ret = kipc_ring_attach(c.ep, NULL, c.id, KIPC_RING_CONSUMER, &r);
	if (ret)
		return die("attach", ret);
	ret = spawn(prod, o->producers, ring_producer, &c);
	if (ret)
		return die("fork", ret);
	/* Each producer ends with a marker; its items are all before it. */
	while (ends < o->producers) {
		ret = kipc_ring_recv(&r, &it, sizeof(it), NULL);
		if (ret != (int)sizeof(it))
			return die("consume", ret < 0 ? ret : -EPROTO);
		if (it.producer == END_OF_ITEMS)
			ends++;
		else
			take(o, t, last, &it);
	}
	failed = reap(prod, o->producers);
	kipc_ring_detach(&r);
	kipc_ring_delete(c.ep, NULL, c.id);
	close(c.ep);
	free(last);
	return failed ? 1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: kipc-bounded-buffer sems [--producers P] [--consumers C] [--items N] [--slots S]\n"
	      "       kipc-bounded-buffer ring [--producers P] [--items N] [--slots S]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "producers", required_argument, NULL, 'p' },
		{ "consumers", required_argument, NULL, 'c' },
		{ "items", required_argument, NULL, 'n' },
		{ "slots", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = { .producers = 2, .consumers = 2, .slots = 16,
			  .items = 2000 };
	unsigned long lost = 0, dup = 0, i, n;
	struct tally *t;
	const char *how;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o.producers = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'c': o.consumers = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'n': o.items = strtoul(optarg, NULL, 0); break;
		case 's': o.slots = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || !o.producers || o.producers > 64 ||
	    !o.consumers || o.consumers > 64 || !o.items ||
	    o.items > (1UL << 24) || o.slots < 2 || o.slots > 4096 ||
	    (o.slots & (o.slots - 1))) {
		usage(stderr);
		return 2;
	}
	how = argv[optind];
	if (strcmp(how, "sems") && strcmp(how, "ring")) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(how, "ring"))
		o.consumers = 1;	/* a ring has one consumer */
	n = o.producers * o.items;
	t = shared(sizeof(*t) + n);
	if (!t)
		return die("mmap", -errno);
	ret = !strcmp(how, "sems") ? run_sems(&o, t) : run_ring(&o, t);
	for (i = 0; i < n; i++) {
		if (!t->taken[i])
			lost++;
		else
			dup += t->taken[i] - 1;
	}
	printf("%s: producers=%u consumers=%u items=%lu in_order=%s lost=%lu dup=%lu\n",
	       how, o.producers, o.consumers, n, t->misordered ? "no" : "yes",
	       lost, dup);
	return ret || lost || dup || t->misordered;
}
