/* SPDX-License-Identifier: MIT */
/*
 * The other party of a run: a child process, or a thread for in-process
 * transports, with the two pipes the runner uses to start it and collect
 * its report. Nothing here is inside a timed region except one byte.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "peer.h"

static void *thread_main(void *arg)
{
	struct peer *p = arg;

	p->rc = p->fn(p->arg);
	return NULL;
}

int peer_start(struct peer *p, int threads, int (*fn)(void *), void *arg)
{
	int up[2], down[2], ret;

	if (pipe2(up, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(down, O_CLOEXEC) < 0) {
		ret = -errno;
		close(up[0]);
		close(up[1]);
		return ret;
	}
	p->threads = threads;
	p->fn = fn;
	p->arg = arg;
	p->rc = 0;
	/* The peer writes up[1] and reads down[0]; the runner the others. */
	p->up_r = up[0];
	p->up_w = up[1];
	p->down_r = down[0];
	p->down_w = down[1];
	if (threads) {
		ret = -pthread_create(&p->thread, NULL, thread_main, p);
		if (ret)
			goto fail;
		return 0;
	}
	p->pid = fork();
	if (p->pid < 0) {
		ret = -errno;
		goto fail;
	}
	if (p->pid == 0) {
		/* A runner that dies or times out takes its peer with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(3);
		_exit(fn(arg) ? 1 : 0);
	}
	return 0;
fail:
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	return ret;
}

/* Wait for the peer; 0 if it finished without an error. */
int peer_wait(struct peer *p, int kill_it)
{
	int status, ret = 0;

	if (p->threads) {
		/* A thread cannot be killed; the run's alarm bounds a hang. */
		pthread_join(p->thread, NULL);
		ret = p->rc ? -EIO : 0;
	} else {
		if (kill_it)
			kill(p->pid, SIGKILL);
		while (waitpid(p->pid, &status, 0) < 0)
			if (errno != EINTR)
				return -errno;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ret = -EIO;
	}
	close(p->up_r);
	close(p->up_w);
	close(p->down_r);
	close(p->down_w);
	return ret;
}
