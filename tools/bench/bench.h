/* SPDX-License-Identifier: MIT */
/*
 * kipc-bench: the same two-party measurements over every transport.
 *
 * A transport moves messages in one direction over a channel. The runner
 * (run.c) creates channels before it starts the peer (a process, or a
 * thread for in-process transports), each side then opens its end and
 * calls send/recv; a round trip uses two channels, one each way, or the
 * transport's own call/serve when it has request/reply built in.
 */
#ifndef KIPC_BENCH_H
#define KIPC_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* A setup that cannot carry the size: reported "n/a", not a failure. */
#define BENCH_SKIP	1

/* Bytes a transport may write in front of a message buffer (SysV mtype). */
#define BENCH_HEADROOM	64

/* struct transport.flags */
#define T_KIPC		(1U << 0)	/* needs /dev/kipc */
#define T_THREADS	(1U << 1)	/* the peer is a thread, not a process */
#define T_RTT_ONLY	(1U << 2)	/* no one-way stream */
#define T_STREAM_ONLY	(1U << 3)	/* no round trip */
#define T_SOLO		(1U << 4)	/* one party: solo() does everything */
/* Busy-polls: meaningless on one CPU (the VM), so only run natively. */
#define T_NATIVE	(1U << 5)

enum role { ROLE_SENDER, ROLE_RECEIVER };

/* One process's (or thread's) end of a channel. */
struct side {
	void *chan;
	void *priv;		/* the transport's per-side state */
	enum role role;
	size_t size;		/* the message size of this run */
	uint64_t calls;		/* system calls made for messages so far */
	uint64_t count;		/* messages in this stream, 0 in a round trip */
	/* CPU time of the transport's helper threads (io-wq, SQPOLL). */
	uint64_t helper_cpu_ns;
};

struct solo_result {
	double gbytes_per_s;
};

struct transport {
	const char *name;
	unsigned int flags;
	/* The largest message, 0 = any of the sizes measured. */
	size_t size_max;
	/*
	 * Before the peer starts: a channel for messages of @size bytes.
	 * Returns 0, BENCH_SKIP (size not carried; *why says why) or -errno.
	 */
	int (*setup)(void **chan, size_t size, const char **why);
	/* In the party that uses it, after the peer started. */
	int (*open)(struct side *s);
	/* @buf holds @len bytes stamped by msg_stamp() with @seq. */
	int (*send)(struct side *s, uint64_t seq, const void *buf, size_t len);
	/* Receive the next message and check it is @seq of @len bytes. */
	int (*recv)(struct side *s, uint64_t seq, void *buf, size_t len);
	/* Optional: after the last send of a stream, push out what is held. */
	int (*flush)(struct side *s);
	void (*close)(struct side *s);
	void (*teardown)(void *chan);
	/* Request/reply transports: one round trip, client and server. */
	int (*call)(struct side *s, uint64_t seq, const void *buf, void *rbuf,
		    size_t len);
	int (*serve)(struct side *s, uint64_t seq, void *buf, size_t len);
	/* T_SOLO: measure alone, @count times @size bytes. */
	int (*solo)(size_t size, uint64_t count, struct solo_result *res);
};

/* Every transport, in table order (transports.c). */
extern const struct transport *const bench_transports[];
const struct transport *transport_find(const char *name);

/* msg.c: a sequence number at both ends of every message. */
void msg_stamp(void *buf, uint64_t seq, size_t len);
int msg_check(const void *buf, size_t got, uint64_t seq, size_t len);
void *msg_alloc(size_t size);
void msg_free(void *buf, size_t size);

/* util.c */
uint64_t now_ns(void);
uint64_t cpu_ns(void);		/* user + system time of the calling thread */
int read_full(int fd, void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);
void bench_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Results of one run of one transport at one size. */
struct run_result {
	double rtt_p50_ns, rtt_p99_ns;
	double msgs_per_s, gbytes_per_s;
	double syscalls_per_msg, cpu_ns_per_msg;
	int have_rtt, have_stream;
};

/* run.c */
int run_rtt(const struct transport *t, size_t size, uint64_t count,
	    struct run_result *res, const char **why);
int run_stream(const struct transport *t, size_t size, uint64_t count,
	       struct run_result *res, const char **why);
/* scale.c: mailbox with @producers x @consumers processes. */
int run_scale(unsigned int producers, unsigned int consumers, size_t size,
	      uint64_t count, double *msgs_per_s);

/* pairs.c: @pairs independent producer/consumer pairs of transport @t. */
int run_pairs(const struct transport *t, unsigned int pairs, size_t size,
	      uint64_t count, double *msgs_per_s, const char **why);

/*
 * sync.c: semaphores and mutexes, kipc's and POSIX's, each figure through
 * @emit; @count operations per figure. 0, or 1 if any failed.
 */
typedef void (*sync_emit_fn)(void *ctx, const char *transport,
			     const char *metric, double value);
int run_sync(uint64_t count, int have_kipc, sync_emit_fn emit, void *ctx);

/* limits.c */
void limits_process(void);
void limits_raise_system(void);

#endif
