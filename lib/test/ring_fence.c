/* SPDX-License-Identifier: MIT */
/*
 * The asymmetric fence of memfd rings: a process registered for
 * membarrier(2) publishes with only a compiler barrier, and a consumer in a
 * process that cannot call membarrier() (a seccomp filter) keeps the full
 * barrier, sleeps in short slices, honours its timeouts and still receives
 * every message that light-fenced producer sends while it sleeps.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/membarrier.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kipc_ring.h"
#include "helpers.h"

#define MESSAGES	20000U

static const struct timespec ms20 = { 0, 20 * 1000 * 1000 };
/* Only a lost wake-up waits this long for the next message. */
static const struct timespec hang = { 10, 0 };

#if defined(__x86_64__)
/* membarrier() fails with ENOSYS in this process from now on. */
static void deny_membarrier(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_membarrier, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	CHECK_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	CHECK_EQ(0, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog));
	CHECK_EQ(-1, syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0));
}

static int blind_consumer(int memfd, int ready)
{
	struct kipc_ring r;
	uint32_t i, got;

	deny_membarrier();
	CHECK_EQ(0, kipc_ring_memfd_attach(memfd, KIPC_RING_CONSUMER, &r));
	CHECK(!(r.role & KIPC_RING__LIGHT_FENCE));
	/* A timed-out slice is not the caller's timeout; the deadline is. */
	CHECK_EQ(-ETIMEDOUT, kipc_ring_wait_readable(&r, &ms20));
	CHECK_EQ(1, write(ready, "r", 1));
	for (i = 0; i < MESSAGES; i++) {
		CHECK_EQ(sizeof(got), kipc_ring_recv(&r, &got, sizeof(got), &hang));
		CHECK_EQ(i, got);
	}
	CHECK_EQ(-EPIPE, kipc_ring_wait_readable(&r, &hang));
	kipc_ring_detach(&r);
	return T_EXIT_PASS;
}

int main(void)
{
	long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	struct kipc_ring r;
	int memfd, pipefd[2], status;
	uint32_t i;
	pid_t pid;
	char c;

	if (cmds < 0 || !(cmds & MEMBARRIER_CMD_GLOBAL_EXPEDITED)) {
		fprintf(stderr, "ring_fence: SKIP: no membarrier global expedited here\n");
		return T_EXIT_SKIP;
	}
	memfd = kipc_ring_memfd_create(4, 64, KIPC_RING_SPSC);
	CHECK(memfd >= 0);
	CHECK_EQ(0, pipe(pipefd));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(blind_consumer(memfd, pipefd[1]));

	CHECK_EQ(0, kipc_ring_memfd_attach(memfd, KIPC_RING_PRODUCER, &r));
	CHECK(r.role & KIPC_RING__LIGHT_FENCE);
	CHECK_EQ(1, read(pipefd[0], &c, 1));
	for (i = 0; i < MESSAGES; i++) {
		CHECK_EQ(0, kipc_ring_send(&r, &i, sizeof(i), &hang));
		/* Pauses, so the consumer goes to sleep again and again. */
		if (i % 64 == 0)
			usleep(100);
	}
	kipc_ring_detach(&r);
	CHECK_EQ(pid, waitpid(pid, &status, 0));
	CHECK(WIFEXITED(status));
	CHECK_EQ(T_EXIT_PASS, WEXITSTATUS(status));
	printf("ring_fence: %u messages from a light-fenced producer to a consumer without membarrier\n",
	       MESSAGES);
	return T_EXIT_PASS;
}
#else
int main(void)
{
	fprintf(stderr, "ring_fence: SKIP: the seccomp filter is written for x86_64\n");
	return T_EXIT_SKIP;
}
#endif
