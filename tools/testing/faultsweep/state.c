// SPDX-License-Identifier: MIT
/*
 * The state an operation must leave unchanged when it fails: every kipc
 * object of the namespace as LIST describes it (ids, names, modes, queue
 * depths and bytes, blocked senders and receivers), this process's open
 * fds and, for the operations with no thread beside them, its mappings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sweep.h"

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	int c, n = 0;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

int state_take(int fd, struct sweep_state *s, int with_maps)
{
	struct kipc_list l = {
		.size = sizeof(l),
		.flags = KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES | KIPC_LIST_RINGS |
			 KIPC_LIST_SEMS | KIPC_LIST_MUTEXES,
		.entries = (uintptr_t)s->obj,
		.count = SWEEP_OBJS_MAX,
		.entry_size = sizeof(s->obj[0]),
	};
	long ret;

	memset(s, 0, sizeof(*s));
	ret = sys_ioctl(fd, KIPC_IOC_LIST, &l);
	if (ret < 0) {
		fprintf(stderr, "faultsweep: LIST: %s\n", strerror((int)-ret));
		return -1;
	}
	s->nr = l.count;
	s->fds = count_fds();
	s->maps = with_maps ? count_maps() : -1;
	return 0;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case KIPC_TYPE_ENDPOINT: return "endpoint";
	case KIPC_TYPE_MAILBOX: return "mailbox";
	case KIPC_TYPE_RING: return "ring";
	case KIPC_TYPE_SEM: return "semaphore";
	case KIPC_TYPE_MUTEX: return "mutex";
	}
	return "object";
}

/*
 * What a failed call must leave as it was: everything but the activity
 * stamps. A synchronous send or a call queues its message before it can
 * fail (a fault writing its result, an allocation for the reply) and then
 * withdraws it; the inbox's send_pid and send_time say a message was
 * queued, which it was (kipc(7)), and stay.
 */
static int info_same(const struct kipc_info *x, const struct kipc_info *y)
{
	struct kipc_info a = *x, b = *y;

	a.send_pid = b.send_pid = 0;
	a.send_time = b.send_time = 0;
	a.recv_pid = b.recv_pid = 0;
	a.recv_time = b.recv_time = 0;
	return !memcmp(&a, &b, sizeof(a));
}

/* Describes the first difference in @why. */
int state_same(const struct sweep_state *a, const struct sweep_state *b,
	       char *why, size_t len)
{
	unsigned int i;

	for (i = 0; i < a->nr && i < b->nr; i++) {
		const struct kipc_info *x = &a->obj[i], *y = &b->obj[i];

		if (x->id != y->id)
			break;
		if (!info_same(x, y)) {
			snprintf(why, len, "%s %llu changed: depth %u->%u bytes %u->%u "
				 "senders %u->%u receivers %u->%u mode %o->%o name '%s'->'%s'",
				 type_name(x->type), (unsigned long long)x->id,
				 x->depth, y->depth, x->bytes, y->bytes,
				 x->nr_senders, y->nr_senders, x->nr_receivers,
				 y->nr_receivers, x->mode, y->mode, x->name, y->name);
			return 0;
		}
	}
	if (i < b->nr) {
		snprintf(why, len, "new %s %llu '%s'", type_name(b->obj[i].type),
			 (unsigned long long)b->obj[i].id, b->obj[i].name);
		return 0;
	}
	if (i < a->nr) {
		snprintf(why, len, "%s %llu '%s' gone", type_name(a->obj[i].type),
			 (unsigned long long)a->obj[i].id, a->obj[i].name);
		return 0;
	}
	if (a->fds != b->fds) {
		snprintf(why, len, "open fds %d -> %d", a->fds, b->fds);
		return 0;
	}
	if (a->maps != b->maps) {
		snprintf(why, len, "mappings %d -> %d", a->maps, b->maps);
		return 0;
	}
	return 1;
}
