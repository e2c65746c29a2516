// SPDX-License-Identifier: MIT
/*
 * kipc-faultsweep [--ko PATH] [--op NAME] [--verbose] [--dump]
 *
 * For each operation of ops.c and N = 1, 2, ... until the Nth point is not
 * reached: fresh fixture, fail the Nth fault-injection point of the call
 * (sweep.h), then check:
 *   - the call failed with ENOMEM (an allocation) or EFAULT (a user copy),
 *     or succeeded and did its job (the failure was absorbed: an optional
 *     allocation, or kmemleak's own bookkeeping, falling back);
 *   - after a failure nothing changed: the same objects with the same
 *     queues (LIST), no thread on the other side got anything, no new fd
 *     or mapping;
 *   - the same call, issued again without injection, succeeds;
 *   - once the fixture is torn down, no kipc object is left.
 * Leaks and kernel splats are the VM runner's to see (kmemleak, log scan).
 * --verbose prints every injected run; --dump has the kernel log the stack
 * of each injected failure, which says what each site is.
 *
 * Last line: "faultsweep: ops=N sites=N failures=N" (sites: the distinct
 * (operation, N) pairs whose injected fault fired). Exit status 0 when
 * nothing failed, 1 otherwise, 4 when the kernel cannot inject (a line
 * says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"

struct totals {
	unsigned int ops, sites, absorbed, failures;
};

static int verbose;

static void failure(struct totals *t, const struct sweep_op *op, unsigned int nth,
		    const char *what)
{
	printf("faultsweep: FAIL %s nth=%u: %s\n", op->name, nth, what);
	t->failures++;
}

static int errno_allowed(const struct sweep_op *op, long ret)
{
	return ret == -ENOMEM || ret == -EFAULT ||
	       (op->also_errno && ret == -op->also_errno);
}

/* After teardown no kipc object may be left, seen from a fresh endpoint. */
static int namespace_empty(char *why, size_t len)
{
	struct sweep_state s;
	int fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, len, "open /dev/kipc: %s", strerror(errno));
		return 0;
	}
	if (state_take(fd, &s, 0) < 0) {
		close(fd);
		snprintf(why, len, "LIST failed");
		return 0;
	}
	close(fd);
	if (s.nr != 1) {
		snprintf(why, len, "%u objects left after teardown, first %llu '%s'",
			 s.nr - 1, (unsigned long long)s.obj[0].id, s.obj[0].name);
		return 0;
	}
	return 1;
}

/* The same call without injection; a server thread around it if needed. */
static long run_plain(const struct sweep_op *op, struct fixture *fx)
{
	long ret;

	if (op->needs == NEEDS_SERVER && peer_start(fx, fx->peer, 0))
		return -EAGAIN;
	ret = op->run(fx);
	if (op->needs == NEEDS_SERVER)
		peer_stop(fx);
	return ret;
}

/*
 * One injected run of @op failing its @nth point. Returns 1 when the
 * point fired, 0 when the call completed without reaching it, -1 when the
 * run could not be made.
 */
static int sweep_one(const struct sweep_op *op, unsigned int nth, struct totals *t)
{
	struct sweep_state before, after;
	struct fixture fx;
	char why[256];
	int fired, err;
	long ret;

	err = fixture_up(&fx);
	if (!err && op->prepare)
		err = op->prepare(&fx);
	if (!err && state_take(fx.peer, &before, op->needs == NEEDS_NOTHING))
		err = -EIO;
	if (!err && op->needs == NEEDS_SERVER)
		err = peer_start(&fx, fx.peer, 0);
	if (err) {
		snprintf(why, sizeof(why), "set-up failed: %s", strerror(-err));
		failure(t, op, nth, why);
		fixture_down(&fx);
		return -1;
	}

	if (inject_arm(nth)) {
		failure(t, op, nth, "cannot write fail-nth");
		fixture_down(&fx);
		return -1;
	}
	ret = op->run(&fx);
	fired = inject_fired();
	if (op->needs == NEEDS_SERVER)
		peer_stop(&fx);
	if (fired < 0) {
		failure(t, op, nth, "cannot read fail-nth");
		fixture_down(&fx);
		return -1;
	}

	if (verbose)
		printf("faultsweep: %s nth=%u %s: %s\n", op->name, nth,
		       fired ? "fired" : "not reached", ret < 0 ? strerror((int)-ret) : "ok");
	if (!fired || ret >= 0) {
		/* Not reached, or absorbed: the call must have done its job. */
		if (ret < 0) {
			snprintf(why, sizeof(why), "failed without injection: %s",
				 strerror((int)-ret));
			failure(t, op, nth, why);
		} else if (op->check(&fx, ret, why, sizeof(why))) {
			failure(t, op, nth, why);
		}
		t->absorbed += fired;
	} else if (!errno_allowed(op, ret)) {
		snprintf(why, sizeof(why), "injected failure gave %s, not ENOMEM/EFAULT",
			 strerror((int)-ret));
		failure(t, op, nth, why);
	} else if (state_take(fx.peer, &after, op->needs == NEEDS_NOTHING) ||
		   !state_same(&before, &after, why, sizeof(why))) {
		char msg[300], done[256];

		/* Not half: done, and only the copy-out of its result failed. */
		if (!op->effect_on_efault || ret != -EFAULT ||
		    op->check(&fx, ret, done, sizeof(done))) {
			snprintf(msg, sizeof(msg), "half state after %s: %s",
				 strerror((int)-ret), why);
			failure(t, op, nth, msg);
		}
	} else if (op->needs == NEEDS_SERVER && (fx.pt.messages || fx.pt.requests) &&
		   !(op->served_on_efault && ret == -EFAULT && fx.pt.requests == 1 &&
		     !fx.pt.messages)) {
		snprintf(why, sizeof(why), "failed with %s but the server got %d messages "
			 "and %d requests", strerror((int)-ret), fx.pt.messages,
			 fx.pt.requests);
		failure(t, op, nth, why);
	} else {
		ret = run_plain(op, &fx);
		if (ret < 0) {
			snprintf(why, sizeof(why), "the call after the failure fails: %s",
				 strerror((int)-ret));
			failure(t, op, nth, why);
		} else if (op->check(&fx, ret, why, sizeof(why))) {
			char msg[300];

			snprintf(msg, sizeof(msg), "the call after the failure: %s", why);
			failure(t, op, nth, msg);
		}
	}
	fixture_down(&fx);
	if (!namespace_empty(why, sizeof(why)))
		failure(t, op, nth, why);
	return fired;
}

static void usage(void)
{
	fprintf(stderr, "usage: kipc-faultsweep [--ko PATH] [--op NAME] [--verbose] [--dump]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "ko", required_argument, NULL, 'k' },
		{ "op", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "dump", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ko = "/lib/modules/kipc.ko", *only = NULL;
	struct totals t = { 0 };
	int o, ret, dump = 0;

	while ((o = getopt_long(argc, argv, "k:o:vd", lopts, NULL)) != -1) {
		switch (o) {
		case 'k': ko = optarg; break;
		case 'o': only = optarg; break;
		case 'v': verbose = 1; break;
		case 'd': dump = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* NOTIFY's signal must not end the sweep, whatever the fixture does. */
	signal(SIGWINCH, SIG_IGN);

	ret = inject_setup(ko, dump);
	if (ret)
		return ret > 0 ? 4 : 1;

	for (unsigned int i = 0;
	     i < sweep_nr_ops + sweep_nr_sync_ops + sweep_nr_uring_ops; i++) {
		const struct sweep_op *op =
			i < sweep_nr_ops ? &sweep_ops[i] :
			i < sweep_nr_ops + sweep_nr_sync_ops ?
			&sweep_sync_ops[i - sweep_nr_ops] :
			&sweep_uring_ops[i - sweep_nr_ops - sweep_nr_sync_ops];
		unsigned int nth, sites = 0, fails = t.failures;

		if (only && strcmp(only, op->name))
			continue;
		t.ops++;
		for (nth = 1; nth <= SWEEP_NTH_MAX; nth++) {
			ret = sweep_one(op, nth, &t);
			if (ret <= 0)
				break;
			sites++;
		}
		if (nth > SWEEP_NTH_MAX)
			failure(&t, op, nth, "still failing points after the limit");
		printf("faultsweep: %s: sites=%u%s\n", op->name, sites,
		       t.failures > fails ? " FAILED" : "");
		t.sites += sites;
	}
	printf("faultsweep: absorbed=%u (injected, and the call still succeeded)\n",
	       t.absorbed);
	printf("faultsweep: ops=%u sites=%u failures=%u\n", t.ops, t.sites, t.failures);
	return t.failures ? 1 : 0;
}
