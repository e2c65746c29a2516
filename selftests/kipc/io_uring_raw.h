/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough io_uring for the kipc selftests, on the raw system calls
 * (io_uring_setup, io_uring_enter, io_uring_register) and the mmap of the
 * SQ and CQ rings, so the tests need no liburing. One submitting thread
 * per ring; the calls mirror liburing's names with a kt_ prefix.
 */
#ifndef KIPC_SELFTEST_IO_URING_RAW_H
#define KIPC_SELFTEST_IO_URING_RAW_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/io_uring.h>
#include <linux/time_types.h>

struct kt_uring {
	int fd;
	unsigned int features;
	/* SQ ring */
	unsigned int *sq_head, *sq_tail, *sq_mask, *sq_array;
	struct io_uring_sqe *sqes;
	unsigned int sqe_head, sqe_tail;	/* SQEs handed out / submitted */
	/* CQ ring */
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
	/* the mappings, for kt_uring_exit() */
	void *sq_ptr, *cq_ptr;
	size_t sq_len, cq_len, sqes_len;
};

static inline int kt_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	long ret = syscall(__NR_io_uring_setup, entries, p);

	return ret < 0 ? -errno : (int)ret;
}

static inline int kt_uring_enter(int fd, unsigned int to_submit,
				 unsigned int min_complete, unsigned int flags,
				 const void *arg, size_t argsz)
{
	long ret = syscall(__NR_io_uring_enter, fd, to_submit, min_complete,
			   flags, arg, argsz);

	return ret < 0 ? -errno : (int)ret;
}

static inline int kt_uring_register(int fd, unsigned int op, void *arg,
				    unsigned int nr)
{
	long ret = syscall(__NR_io_uring_register, fd, op, arg, nr);

	return ret < 0 ? -errno : (int)ret;
}

static inline void kt_uring_exit(struct kt_uring *ring)
{
	munmap(ring->sqes, ring->sqes_len);
	if (ring->cq_ptr != ring->sq_ptr)
		munmap(ring->cq_ptr, ring->cq_len);
	munmap(ring->sq_ptr, ring->sq_len);
	close(ring->fd);
}

/* A ring of @entries SQEs: 0 or -errno (-ENOSYS: no io_uring). */
static inline int kt_uring_init(unsigned int entries, struct kt_uring *ring,
				unsigned int flags)
{
	struct io_uring_params p = { .flags = flags };
	unsigned int i;
	int fd, ret;

	memset(ring, 0, sizeof(*ring));
	fd = kt_uring_setup(entries, &p);
	if (fd < 0)
		return fd;
	ring->fd = fd;
	ring->features = p.features;
	ring->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	ring->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (ring->cq_len > ring->sq_len)
			ring->sq_len = ring->cq_len;
		ring->cq_len = ring->sq_len;
	}
	ring->sq_ptr = mmap(NULL, ring->sq_len, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	if (ring->sq_ptr == MAP_FAILED)
		goto fail;
	ring->cq_ptr = ring->sq_ptr;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		ring->cq_ptr = mmap(NULL, ring->cq_len, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_POPULATE, fd,
				    IORING_OFF_CQ_RING);
		if (ring->cq_ptr == MAP_FAILED)
			goto fail_sq;
	}
	ring->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	ring->sqes = mmap(NULL, ring->sqes_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (ring->sqes == MAP_FAILED)
		goto fail_cq;

	ring->sq_head = (unsigned int *)((char *)ring->sq_ptr + p.sq_off.head);
	ring->sq_tail = (unsigned int *)((char *)ring->sq_ptr + p.sq_off.tail);
	ring->sq_mask = (unsigned int *)((char *)ring->sq_ptr + p.sq_off.ring_mask);
	ring->sq_array = (unsigned int *)((char *)ring->sq_ptr + p.sq_off.array);
	ring->cq_head = (unsigned int *)((char *)ring->cq_ptr + p.cq_off.head);
	ring->cq_tail = (unsigned int *)((char *)ring->cq_ptr + p.cq_off.tail);
	ring->cq_mask = (unsigned int *)((char *)ring->cq_ptr + p.cq_off.ring_mask);
	ring->cqes = (struct io_uring_cqe *)((char *)ring->cq_ptr + p.cq_off.cqes);
	/* SQE i always sits in array slot i. */
	for (i = 0; i < p.sq_entries; i++)
		ring->sq_array[i] = i;
	ring->sqe_head = ring->sqe_tail = *ring->sq_tail;
	return 0;

fail_cq:
	if (ring->cq_ptr != ring->sq_ptr)
		munmap(ring->cq_ptr, ring->cq_len);
fail_sq:
	munmap(ring->sq_ptr, ring->sq_len);
fail:
	ret = -errno;
	close(fd);
	return ret;
}

/* IORING_REGISTER_IOWQ_MAX_WORKERS: @max[0] bounded, @max[1] unbounded. */
static inline int kt_uring_register_iowq_max_workers(struct kt_uring *ring,
						     unsigned int *max)
{
	int ret = kt_uring_register(ring->fd, IORING_REGISTER_IOWQ_MAX_WORKERS,
				    max, 2);

	return ret < 0 ? ret : 0;
}

/*
 * io-wq workers a test ring may use at once: each waiting kipc command
 * that io-wq runs occupies one, and the default is 4 per CPU.
 */
#define KT_URING_WORKERS	64

/* A ring of @entries SQEs whose io-wq may run KT_URING_WORKERS commands. */
static inline int kt_uring_init_workers(unsigned int entries,
					struct kt_uring *ring)
{
	unsigned int max[2] = { KT_URING_WORKERS, KT_URING_WORKERS };
	int ret = kt_uring_init(entries, ring, 0);

	if (ret)
		return ret;
	ret = kt_uring_register_iowq_max_workers(ring, max);
	if (ret)
		kt_uring_exit(ring);
	return ret;
}

/*
 * In a kselftest: @ring with @entries SQEs (kt_uring_init_workers()), or
 * skip the test when io_uring is unavailable or disabled.
 */
#define KT_URING_INIT(ring, entries) do {					\
	int __r = kt_uring_init_workers(entries, ring);				\
	if (__r == -ENOSYS || __r == -EPERM)					\
		SKIP(return, "io_uring unavailable: %s", strerror(-__r));	\
	ASSERT_EQ(0, __r);							\
} while (0)

/* The next free SQE, zeroed, or NULL when the SQ ring is full. */
static inline struct io_uring_sqe *kt_uring_get_sqe(struct kt_uring *ring)
{
	unsigned int head = __atomic_load_n(ring->sq_head, __ATOMIC_ACQUIRE);
	struct io_uring_sqe *sqe;

	if (ring->sqe_tail - head > *ring->sq_mask)
		return NULL;
	sqe = &ring->sqes[ring->sqe_tail & *ring->sq_mask];
	ring->sqe_tail++;
	memset(sqe, 0, sizeof(*sqe));
	return sqe;
}

/* Publish the SQEs handed out since the last call: how many. */
static inline unsigned int kt_uring_flush(struct kt_uring *ring)
{
	unsigned int n = ring->sqe_tail - ring->sqe_head;

	ring->sqe_head = ring->sqe_tail;
	__atomic_store_n(ring->sq_tail, ring->sqe_tail, __ATOMIC_RELEASE);
	return n;
}

/* Submit, and wait for @wait_nr CQEs: io_uring_enter's result. */
static inline int kt_uring_submit_and_wait(struct kt_uring *ring,
					   unsigned int wait_nr)
{
	unsigned int n = kt_uring_flush(ring);

	return kt_uring_enter(ring->fd, n, wait_nr,
			      wait_nr ? IORING_ENTER_GETEVENTS : 0, NULL, 0);
}

static inline int kt_uring_submit(struct kt_uring *ring)
{
	return kt_uring_submit_and_wait(ring, 0);
}

static inline unsigned int kt_uring_cq_ready(const struct kt_uring *ring)
{
	return __atomic_load_n(ring->cq_tail, __ATOMIC_ACQUIRE) -
	       *ring->cq_head;
}

/* The oldest CQE, or -EAGAIN when there is none. */
static inline int kt_uring_peek_cqe(struct kt_uring *ring,
				    struct io_uring_cqe **cqe)
{
	if (!kt_uring_cq_ready(ring))
		return -EAGAIN;
	*cqe = &ring->cqes[*ring->cq_head & *ring->cq_mask];
	return 0;
}

/* Wait for a CQE: 0, or -errno (-ETIME once @ts, if given, has passed). */
static inline int kt_uring_wait_cqe_timeout(struct kt_uring *ring,
					    struct io_uring_cqe **cqe,
					    struct __kernel_timespec *ts)
{
	struct io_uring_getevents_arg arg = { .ts = (uint64_t)(uintptr_t)ts };
	int ret;

	while (kt_uring_peek_cqe(ring, cqe)) {
		if (ts)
			ret = kt_uring_enter(ring->fd, 0, 1,
					     IORING_ENTER_GETEVENTS |
					     IORING_ENTER_EXT_ARG,
					     &arg, sizeof(arg));
		else
			ret = kt_uring_enter(ring->fd, 0, 1,
					     IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret < 0 && ret != -EINTR)
			return ret;
	}
	return 0;
}

static inline int kt_uring_wait_cqe(struct kt_uring *ring,
				    struct io_uring_cqe **cqe)
{
	return kt_uring_wait_cqe_timeout(ring, cqe, NULL);
}

static inline void kt_uring_cqe_seen(struct kt_uring *ring,
				     struct io_uring_cqe *cqe)
{
	(void)cqe;
	__atomic_store_n(ring->cq_head, *ring->cq_head + 1, __ATOMIC_RELEASE);
}

static inline void kt_uring_sqe_set_data64(struct io_uring_sqe *sqe,
					   uint64_t data)
{
	sqe->user_data = data;
}

static inline uint64_t kt_uring_cqe_get_data64(const struct io_uring_cqe *cqe)
{
	return cqe->user_data;
}

static inline void kt_uring_prep_rw(struct io_uring_sqe *sqe, int op, int fd,
				    const void *addr, unsigned int len,
				    uint64_t off)
{
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (uint64_t)(uintptr_t)addr;
	sqe->len = len;
	sqe->off = off;
}

static inline void kt_uring_prep_read(struct io_uring_sqe *sqe, int fd,
				      void *buf, unsigned int len, uint64_t off)
{
	kt_uring_prep_rw(sqe, IORING_OP_READ, fd, buf, len, off);
}

static inline void kt_uring_prep_poll_add(struct io_uring_sqe *sqe, int fd,
					  unsigned int mask)
{
	kt_uring_prep_rw(sqe, IORING_OP_POLL_ADD, fd, NULL, 0, 0);
	sqe->poll32_events = mask;	/* little-endian only, as the tests run */
}

static inline void kt_uring_prep_poll_multishot(struct io_uring_sqe *sqe,
						int fd, unsigned int mask)
{
	kt_uring_prep_poll_add(sqe, fd, mask);
	sqe->len = IORING_POLL_ADD_MULTI;
}

/* Remove the poll submitted with user_data @data. */
static inline void kt_uring_prep_poll_remove(struct io_uring_sqe *sqe,
					     uint64_t data)
{
	kt_uring_prep_rw(sqe, IORING_OP_POLL_REMOVE, -1, NULL, 0, 0);
	sqe->addr = data;
}

/* Cancel the request submitted with user_data @data. */
static inline void kt_uring_prep_cancel64(struct io_uring_sqe *sqe,
					  uint64_t data, unsigned int flags)
{
	kt_uring_prep_rw(sqe, IORING_OP_ASYNC_CANCEL, -1, NULL, 0, 0);
	sqe->addr = data;
	sqe->cancel_flags = flags;
}

/*
 * Whether the running kernel has io_uring's cancel hook for uring_cmd
 * (io_uring_cmd_mark_cancelable(), 6.7): only then can a driver leave a
 * command pending with no thread behind it, and only then does kipc park
 * a waiting RECV instead of retrying it from io-wq. Asked of the kernel's
 * symbols, as the module asks its headers; without /proc/kallsyms, of the
 * release.
 */
static inline int kt_uring_has_cmd_cancel(void)
{
	static int known = -1;
	char line[256], name[128];
	struct utsname u;
	int major = 0, minor = 0;
	FILE *f;

	if (known >= 0)
		return known;
	f = fopen("/proc/kallsyms", "r");
	if (f) {
		known = 0;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%*s %*s %127s", name) == 1 &&
			    !strcmp(name, "io_uring_cmd_mark_cancelable")) {
				known = 1;
				break;
			}
		}
		fclose(f);
		return known;
	}
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &major, &minor);
	known = major > 6 || (major == 6 && minor >= 7);
	return known;
}

#endif /* KIPC_SELFTEST_IO_URING_RAW_H */
