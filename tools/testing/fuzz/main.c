// SPDX-License-Identifier: MIT
/*
 * kipc-fuzz: N processes issue random ioctl/mmap sequences on /dev/kipc,
 * mailbox and ring fds. Errors from the kernel are expected; the fuzzer
 * fails only on the impossible (a result no correct kernel gives), on a
 * process that crashes, and on one the watchdog alarm had to kill.
 *
 *   kipc-fuzz [--seed S] [--procs N] [--ops N] [--timeout S] [--verbose]
 *             [--stats] [--sa-restart]
 *
 * --ops is the total over all processes. The last line is
 * "fuzz: seed=S procs=N ops=N", ops being the operations issued.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "fuzz.h"

static void on_signal(int sig)
{
	(void)sig;
}

#define WATCH_PERIOD	5	/* seconds between looks at the processes */

static volatile sig_atomic_t watchdog;

static void on_alarm(int sig)
{
	(void)sig;
	watchdog = 1;
}

/* Show where a process that hung is, in user space and in the kernel. */
static void report_hung(const struct fuzz_shared *sh, unsigned int proc, pid_t pid)
{
	char path[64], line[256];
	FILE *fp;

	fprintf(stderr, "kipc-fuzz: process %u (pid %d) hung; its last operations:\n",
		proc, (int)pid);
	trail_print(sh, proc);
	snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
	fp = fopen(path, "r");
	while (fp && fgets(line, sizeof(line), fp))
		fprintf(stderr, "  kernel stack: %s", line);
	if (fp)
		fclose(fp);
}

/*
 * The signals NOTIFY and O_ASYNC may send; the handlers interrupt blocked
 * calls (-EINTR).
 *
 * With --sa-restart all but SIGUSR1 get SA_RESTART, which exercises the
 * transparent restart of SEND and RECV. It found a SYNC send with an
 * absolute deadline restarting for ever on its own arrival signal (fixed:
 * the deadline now wins over the signal); it stays off by default until
 * it has run clean for longer.
 */
static void handle_signals(int sa_restart)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, 34, 40, SIGIO };
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sa.sa_flags = sa_restart && sigs[i] != SIGUSR1 ? SA_RESTART : 0;
		sigaction(sigs[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
}

static void child(struct fuzz_shared *sh, unsigned int proc, uint64_t seed,
		  uint64_t ops, int verbose, int stats)
{
	struct fuzz f;

	memset(&f, 0, sizeof(f));
	f.proc = proc;
	f.sh = sh;
	f.verbose = verbose;
	f.stats = stats;
	/* Each process its own stream, a function of the seed and its number. */
	rng_seed(&f, seed ^ (0xd1b54a32d192ed03ULL * (proc + 1)));
	if (fuzz_setup(&f)) {
		perror("kipc-fuzz: setup");
		_exit(2);
	}
	fuzz_run(&f, ops);
	fuzz_close_all(&f);
	_exit(0);
}

static void usage(void)
{
	fprintf(stderr, "usage: kipc-fuzz [--seed S] [--procs N] [--ops N] "
		"[--timeout SECONDS] [--verbose] [--stats] [--sa-restart]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "ops", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, 'S' },
		{ "sa-restart", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seed = 1, ops = 100000, total = 0;
	unsigned int procs = 4, timeout = 120, i, failed = 0;
	struct fuzz_shared *sh;
	int verbose = 0, stats = 0, sa_restart = 0, c, st;
	pid_t pid, pids[FUZZ_PROCS_MAX];
	int reaped[FUZZ_PROCS_MAX] = { 0 };
	uint64_t seen[FUZZ_PROCS_MAX] = { 0 };
	unsigned int still[FUZZ_PROCS_MAX] = { 0 };
	struct sigaction sa;

	while ((c = getopt_long(argc, argv, "s:p:n:t:vSR", lopts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'p': procs = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'n': ops = strtoull(optarg, NULL, 0); break;
		case 't': timeout = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'v': verbose = 1; break;
		case 'S': stats = 1; break;
		case 'R': sa_restart = 1; break;
		default: usage();
		}
	}
	if (optind != argc || !procs || procs > FUZZ_PROCS_MAX || !timeout)
		usage();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("kipc-fuzz: mmap");
		return 2;
	}
	memset(sh, 0, sizeof(*sh));
	/*
	 * A private IPC namespace, when allowed: whatever the fuzzer leaves
	 * behind is torn down with it, which is one more path exercised, and
	 * nothing it creates is visible to whatever runs next.
	 */
	if (unshare(CLONE_NEWIPC) && verbose)
		fprintf(stderr, "kipc-fuzz: no private IPC namespace: %s\n", strerror(errno));
	handle_signals(sa_restart);
	for (i = 0; i < procs; i++) {
		pid = fork();
		if (pid < 0) {
			perror("kipc-fuzz: fork");
			return 2;
		}
		pids[i] = pid;
		if (pid == 0)
			child(sh, i, seed, ops / procs + (i < ops % procs), verbose, stats);
	}
	/*
	 * The watchdog: every blocking call is bounded, so a process whose
	 * operation count has not moved for --timeout seconds is stuck (a
	 * slow machine only makes the run longer). Report, then kill.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(WATCH_PERIOD);
	for (;;) {
		pid = wait(&st);
		if (pid < 0 && errno == EINTR && watchdog) {
			watchdog = 0;
			for (i = 0; i < procs; i++) {
				uint64_t now = __atomic_load_n(&sh->ops[i], __ATOMIC_RELAXED);

				if (reaped[i] || now != seen[i]) {
					seen[i] = now;
					still[i] = 0;
					continue;
				}
				still[i] += WATCH_PERIOD;
				if (still[i] >= timeout) {
					report_hung(sh, i, pids[i]);
					kill(pids[i], SIGKILL);
				}
			}
			alarm(WATCH_PERIOD);
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		for (i = 0; i < procs; i++)
			if (pids[i] == pid)
				reaped[i] = 1;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			continue;
		failed++;
		if (WIFSIGNALED(st))
			fprintf(stderr, "kipc-fuzz: process %d killed by signal %d%s\n",
				(int)pid, WTERMSIG(st),
				WTERMSIG(st) == SIGKILL ? " (the watchdog: it hung)" : "");
		else
			fprintf(stderr, "kipc-fuzz: process %d exited with %d\n",
				(int)pid, WEXITSTATUS(st));
	}
	for (i = 0; i < procs; i++)
		total += sh->ops[i];
	if (stats)
		fuzz_print_stats(sh);
	printf("fuzz: seed=%llu procs=%u ops=%llu\n", (unsigned long long)seed,
	       procs, (unsigned long long)total);
	if (failed)
		fprintf(stderr, "kipc-fuzz: FAIL: %u process(es); reproduce with "
			"--seed %llu --procs %u --ops %llu\n", failed,
			(unsigned long long)seed, procs, (unsigned long long)ops);
	return failed ? 1 : 0;
}
