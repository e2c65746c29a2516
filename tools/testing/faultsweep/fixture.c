// SPDX-License-Identifier: MIT
/*
 * Fixtures: two endpoints and an owned mailbox made fresh for every
 * injected run, a ring when the operation needs one, and the thread that
 * sits on the other side of a blocking operation. Nothing here runs with
 * fail-nth armed: the set-up must not fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "sweep.h"

#define STOP "stop"

long sys_ioctl(int fd, unsigned long cmd, void *arg)
{
	long ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

/* A payload that says which message it is, so a mix-up shows. */
void fill_payload(char *buf, unsigned int tag)
{
	for (unsigned int i = 0; i < SWEEP_PAYLOAD; i++)
		buf[i] = (char)('a' + (tag + i) % 26);
}

static int endpoint(uint64_t *id)
{
	struct kipc_version v = { 0 };
	int fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (sys_ioctl(fd, KIPC_IOC_VERSION, &v) < 0) {
		close(fd);
		return -EIO;
	}
	*id = v.endpoint_id;
	return fd;
}

int fixture_send(int fd, uint64_t dest, uint32_t flags, const char *payload)
{
	struct kipc_send s = {
		.size = sizeof(s),
		.flags = flags,
		.dest = dest,
		.buf = (uintptr_t)payload,
		.len = (uint32_t)strlen(payload) < SWEEP_PAYLOAD ?
			(uint32_t)strlen(payload) : SWEEP_PAYLOAD,
	};

	return (int)sys_ioctl(fd, KIPC_IOC_SEND, &s);
}

int fixture_up(struct fixture *fx)
{
	struct kipc_mbox_create mc = {
		.size = sizeof(mc),
		.flags = KIPC_MBOX_OWNED,
		.max_msgs = 8,
		.mode = 0600,
		.name = "fs-mb",
	};
	long ret;

	memset(fx, 0, sizeof(*fx));
	fx->ring_fd = fx->out_fd = fx->mb = fx->peer = fx->sync_fd = -1;
	fx->ep = endpoint(&fx->ep_id);
	if (fx->ep < 0)
		return fx->ep;
	fx->peer = endpoint(&fx->peer_id);
	if (fx->peer < 0)
		return fx->peer;
	ret = sys_ioctl(fx->ep, KIPC_IOC_MBOX_CREATE, &mc);
	if (ret < 0)
		return (int)ret;
	fx->mb = (int)ret;
	fx->mb_id = mc.id;
	return 0;
}

/*
 * Ring "fs-ring" (SPSC, 8 slots of 256 bytes), created by fx->ep; with
 * @role, fx->ring_fd is attached to it in that role and, with @map, mapped.
 */
int fixture_ring(struct fixture *fx, uint32_t role, int map)
{
	struct kipc_ring_create rc = {
		.size = sizeof(rc),
		.slots = 8,
		.slot_size = 256,
		.mode = KIPC_RING_SPSC,
		.perm = 0600,
		.name = "fs-ring",
	};
	struct kipc_ring_attach ra = { .size = sizeof(ra), .role = role };
	long ret = sys_ioctl(fx->ep, KIPC_IOC_RING_CREATE, &rc);

	if (ret < 0)
		return (int)ret;
	fx->ring_id = rc.id;
	if (!role)
		return 0;
	ra.id = rc.id;
	ret = sys_ioctl(fx->ep, KIPC_IOC_RING_ATTACH, &ra);
	if (ret < 0)
		return (int)ret;
	fx->ring_fd = (int)ret;
	fx->map_size = ra.map_size;
	if (!map)
		return 0;
	fx->map = mmap(NULL, ra.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fx->ring_fd, 0);
	if (fx->map == MAP_FAILED) {
		fx->map = NULL;
		return -errno;
	}
	return 0;
}

/* Semaphore "fs-sem" of @value (at most 4), open in fx->sync_fd. */
int fixture_sem(struct fixture *fx, uint32_t value)
{
	struct kipc_sem_create c = {
		.size = sizeof(c),
		.value = value,
		.max = 4,
		.mode = 0600,
		.name = "fs-sem",
	};
	long ret = sys_ioctl(fx->ep, KIPC_IOC_SEM_CREATE, &c);

	if (ret < 0)
		return (int)ret;
	fx->sync_fd = (int)ret;
	fx->sync_id = c.id;
	return 0;
}

/* Mutex "fs-mutex", open in fx->sync_fd; held by this process if @locked. */
int fixture_mutex(struct fixture *fx, int locked)
{
	struct kipc_mutex_create c = {
		.size = sizeof(c),
		.mode = 0600,
		.name = "fs-mutex",
	};
	struct kipc_mutex_lock l = { .size = sizeof(l), .flags = KIPC_NONBLOCK };
	long ret = sys_ioctl(fx->ep, KIPC_IOC_MUTEX_CREATE, &c);

	if (ret < 0)
		return (int)ret;
	fx->sync_fd = (int)ret;
	fx->sync_id = c.id;
	if (!locked)
		return 0;
	ret = sys_ioctl(fx->sync_fd, KIPC_IOC_MUTEX_LOCK, &l);
	return ret < 0 ? (int)ret : 0;
}

/* Delete object @name with @cmd (RING_DELETE, SEM_DELETE, MUTEX_DELETE). */
static void delete_name(int ep, unsigned long cmd, const char *name)
{
	struct kipc_mbox_ref r = { .size = sizeof(r) };

	snprintf(r.name, sizeof(r.name), "%s", name);
	sys_ioctl(ep, cmd, &r);
}

static void ring_delete(int ep, const char *name)
{
	delete_name(ep, KIPC_IOC_RING_DELETE, name);
}

/* Undo everything; the namespace is empty again afterwards. */
void fixture_down(struct fixture *fx)
{
	struct kipc_mbox_ref r = { .size = sizeof(r), .name = "fs-new" };

	if (fx->pt.running && !fx->pt.call_dest_set)
		peer_stop(fx);
	sweep_uring_down();
	if (fx->out_map)
		munmap(fx->out_map, fx->map_size);
	if (fx->map)
		munmap(fx->map, fx->map_size);
	if (fx->out_fd >= 0)
		close(fx->out_fd);
	if (fx->ring_fd >= 0)
		close(fx->ring_fd);
	if (fx->sync_fd >= 0)
		close(fx->sync_fd);
	if (fx->ep >= 0) {
		sys_ioctl(fx->ep, KIPC_IOC_MBOX_DELETE, &r);
		ring_delete(fx->ep, "fs-ring");
		ring_delete(fx->ep, "fs-newring");
		/* Semaphores and mutexes outlive their fds. */
		delete_name(fx->ep, KIPC_IOC_SEM_DELETE, "fs-sem");
		delete_name(fx->ep, KIPC_IOC_SEM_DELETE, "fs-newsem");
		delete_name(fx->ep, KIPC_IOC_MUTEX_DELETE, "fs-mutex");
		delete_name(fx->ep, KIPC_IOC_MUTEX_DELETE, "fs-newmutex");
	}
	if (fx->mb >= 0)
		close(fx->mb);
	if (fx->ep >= 0)
		close(fx->ep);
	/* A caller still waiting gets ECONNRESET now that fx->ep is closed. */
	if (fx->pt.running)
		peer_stop(fx);
	if (fx->peer >= 0)
		close(fx->peer);
	fx->ep = fx->peer = fx->mb = fx->ring_fd = fx->out_fd = fx->sync_fd = -1;
}

/*
 * Server: receive on its endpoint until "stop"; answer each request with
 * the request's own payload, count the plain messages.
 */
static void serve(struct peer_thread *pt)
{
	char buf[SWEEP_PAYLOAD + 1];

	for (;;) {
		struct kipc_recv rv = {
			.size = sizeof(rv),
			.buf = (uintptr_t)buf,
			.buf_len = sizeof(buf),
		};
		struct kipc_reply rp = { .size = sizeof(rp), .buf = (uintptr_t)buf };
		long ret = sys_ioctl(pt->fd, KIPC_IOC_RECV, &rv);

		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			pt->ret = (int)ret;
			return;
		}
		if (rv.hdr.flags & KIPC_MSG_REQUEST) {
			pt->requests++;
			rp.token = rv.hdr.token;
			rp.len = rv.len;
			ret = sys_ioctl(pt->fd, KIPC_IOC_REPLY, &rp);
			if (ret < 0 && !pt->ret)
				pt->ret = (int)ret;
			continue;
		}
		if (rv.len == strlen(STOP) && !memcmp(buf, STOP, rv.len))
			return;
		pt->messages++;
	}
}

/* Caller: one CALL to pt->call_dest with payload 1; keeps the reply. */
static void call(struct peer_thread *pt)
{
	char req[SWEEP_PAYLOAD];
	struct kipc_call c = {
		.size = sizeof(c),
		.dest = pt->call_dest,
		.buf = (uintptr_t)req,
		.len = sizeof(req),
		.reply_buf = (uintptr_t)pt->reply,
		.reply_buf_len = sizeof(pt->reply),
	};

	fill_payload(req, 1);
	do
		pt->ret = (int)sys_ioctl(pt->fd, KIPC_IOC_CALL, &c);
	while (pt->ret == -EINTR);
	pt->reply_len = c.reply_len;
}

static void *peer_main(void *arg)
{
	struct peer_thread *pt = arg;

	if (pt->call_dest_set)
		call(pt);
	else
		serve(pt);
	return NULL;
}

/* A server on @fd (call_dest 0), or a caller from @fd to @call_dest. */
int peer_start(struct fixture *fx, int fd, uint64_t call_dest)
{
	struct peer_thread *pt = &fx->pt;
	int err;

	memset(pt, 0, sizeof(*pt));
	pt->fd = fd;
	pt->call_dest = call_dest;
	pt->call_dest_set = call_dest != 0;
	err = pthread_create(&pt->thr, NULL, peer_main, pt);
	if (err)
		return -err;
	pt->running = 1;
	return 0;
}

/*
 * A server is told to stop by a message from fx->ep (sent without
 * injection); a caller ends by itself once answered.
 */
int peer_stop(struct fixture *fx)
{
	struct peer_thread *pt = &fx->pt;
	int ret = 0;

	if (!pt->running)
		return 0;
	if (!pt->call_dest_set)
		ret = fixture_send(fx->ep, fx->peer_id, 0, STOP);
	pthread_join(pt->thr, NULL);
	pt->running = 0;
	return ret;
}
