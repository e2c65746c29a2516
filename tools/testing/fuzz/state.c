// SPDX-License-Identifier: MIT
/*
 * One fuzzing process's state: its fd tables, its argument and data areas
 * (each ending at a guard page, so an overlong access faults), and the
 * report of the impossible.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "fuzz.h"

/* @len bytes read-write followed by one inaccessible page. */
static unsigned char *guarded(size_t len, int prot)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, len + pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + len, pg, PROT_NONE) || mprotect(p, len, prot))
		return NULL;
	return p;
}

int fuzz_setup(struct fuzz *f)
{
	long pg = sysconf(_SC_PAGESIZE);
	int pfd[2];
	unsigned int i;

	f->arg_len = 4 * pg;
	f->data_len = (2U << 20) + pg;
	f->arg_area = guarded(f->arg_len, PROT_READ | PROT_WRITE);
	f->data_area = guarded(f->data_len, PROT_READ | PROT_WRITE);
	f->ro_page = guarded(pg, PROT_READ);
	f->unmapped = guarded(pg, PROT_READ);
	if (!f->arg_area || !f->data_area || !f->ro_page || !f->unmapped)
		return -1;
	munmap(f->unmapped, pg);
	/*
	 * Good buffers end where the area ends (pick_buf): fill that end, and
	 * leave the rest untouched so a fork has few pages to copy.
	 */
	for (i = f->data_len - (64U << 10); i < f->data_len; i++)
		f->data_area[i] = (unsigned char)(i * 131 + f->proc);
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	close(pfd[1]);
	f->other_fd = pfd[0];
	for (i = 0; i < FUZZ_EPS; i++)
		f->ep[i].fd = -1;
	for (i = 0; i < FUZZ_MBOXES; i++)
		f->mb[i].fd = -1;
	for (i = 0; i < FUZZ_RINGS; i++)
		f->ring[i].fd = -1;
	for (i = 0; i < FUZZ_SYNCS; i++)
		f->sync[i].fd = -1;
	/* Start with one endpoint so the first operations have something. */
	f->ep[0].fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);
	return f->ep[0].fd < 0 ? -1 : 0;
}

/* The free slot of table @t nearest after @pick, or NULL if it is full. */
struct fuzz_fd *slot_free(struct fuzz_fd *t, unsigned int n, unsigned int pick)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[(pick + i) % n].fd < 0)
			return &t[(pick + i) % n];
	return NULL;
}

static void close_table(struct fuzz_fd *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (t[i].fd >= 0)
			close(t[i].fd);
		t[i].fd = -1;
	}
}

void fuzz_close_all(struct fuzz *f)
{
	unsigned int i;

	for (i = 0; i < FUZZ_MAPS; i++)
		if (f->map[i].addr)
			munmap(f->map[i].addr, f->map[i].len);
	memset(f->map, 0, sizeof(f->map));
	close_table(f->ring, FUZZ_RINGS);
	close_table(f->sync, FUZZ_SYNCS);
	close_table(f->mb, FUZZ_MBOXES);
	close_table(f->ep, FUZZ_EPS);
}

void impossible(struct fuzz *f, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: IMPOSSIBLE in process %u%s at operation %llu: ",
		f->proc, f->forked ? " (forked child)" : "",
		(unsigned long long)f->opno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	trail_print(f->sh, f->proc);
	_exit(3);
}

/*
 * Record a finished system call, and one about to be made (@ret
 * FUZZ_PENDING): the trail of a process that hangs ends with its call.
 */
void note(struct fuzz *f, const char *what, long ret)
{
	struct fuzz_trail *t = &f->sh->trail[f->proc];
	uint32_t i = t->next % FUZZ_TRAIL;

	t->opno[i] = f->opno;
	t->what[i] = what;
	t->ret[i] = ret;
	if (ret == FUZZ_PENDING)
		memset(t->arg[i], 0, sizeof(t->arg[i]));
	else
		t->next++;
	if (f->verbose && ret != FUZZ_PENDING)
		fprintf(stderr, "p%u%s #%llu %s = %ld\n", f->proc,
			f->forked ? "f" : "", (unsigned long long)f->opno,
			what, ret);
}

/* How a call that may block was made, for the report if it never returns. */
void note_wait(struct fuzz *f, int fd, uint32_t flags, const struct kipc_timespec *ts)
{
	struct fuzz_trail *t = &f->sh->trail[f->proc];
	uint32_t i = t->next % FUZZ_TRAIL;

	t->arg[i][0] = (uint64_t)fd;
	t->arg[i][1] = flags;
	t->arg[i][2] = (uint64_t)ts->tv_sec;
	t->arg[i][3] = (uint64_t)ts->tv_nsec;
}

void trail_print(const struct fuzz_shared *sh, unsigned int proc)
{
	const struct fuzz_trail *t = &sh->trail[proc];
	uint32_t i, n;

	for (n = FUZZ_TRAIL; n > 0; n--) {
		i = (t->next - n) % FUZZ_TRAIL;
		if (t->what[i] && t->ret[i] != FUZZ_PENDING)
			fprintf(stderr, "  process %u operation %llu: %s = %ld\n", proc,
				(unsigned long long)t->opno[i], t->what[i], t->ret[i]);
	}
	i = t->next % FUZZ_TRAIL;
	if (t->what[i] && t->ret[i] == FUZZ_PENDING)
		fprintf(stderr, "  process %u operation %llu: %s (in progress; fd %d "
			"flags %#llx timeout %lld.%09lld)\n", proc,
			(unsigned long long)t->opno[i], t->what[i], (int)t->arg[i][0],
			(unsigned long long)t->arg[i][1], (long long)t->arg[i][2],
			(long long)t->arg[i][3]);
}
