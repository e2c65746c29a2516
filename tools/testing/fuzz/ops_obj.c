// SPDX-License-Identifier: MIT
/* Endpoint, mailbox and introspection ioctls. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* The kernel returned a new fd: keep it in @t, or close it if full. */
static void keep_fd(struct fuzz_fd *t, unsigned int n, unsigned int pick,
		    int fd, uint64_t id)
{
	struct fuzz_fd *s = slot_free(t, n, pick);

	if (!s) {
		close(fd);
		return;
	}
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->id = id;
}

void op_version(struct fuzz *f)
{
	struct kipc_version v = { 0 };
	struct fuzz_arg a;
	uint32_t ap = arg_pick(f);
	int fd = pick_fd(f);
	long ret = fuzz_ioctl(fd, KIPC_IOC_VERSION, arg_place(f, &v, sizeof(v), ap, &a));

	note(f, "VERSION", ret);
	if (ret == 0 && !a.bad) {
		memcpy(&v, a.p, sizeof(v));
		if (v.abi != KIPC_ABI_VERSION)
			impossible(f, "VERSION abi %u", v.abi);
		publish_id(f, v.endpoint_id);
	} else if (ret > 0) {
		impossible(f, "VERSION returned %ld", ret);
	}
}

void op_open(struct fuzz *f)
{
	uint32_t pick = rng_below(f, FUZZ_EPS), nb = rng_below(f, 4);
	int fd = open("/dev/kipc", O_RDWR | O_CLOEXEC | (nb == 0 ? O_NONBLOCK : 0));

	note(f, "open", fd);
	if (fd >= 0)
		keep_fd(f->ep, FUZZ_EPS, pick, fd, 0);
}

void op_ep_set(struct fuzz *f)
{
	struct kipc_ep_set s = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	s.size = pick_size(f, KIPC_EP_SET_SIZE_VER0, sizeof(s));
	s.flags = pick_flags(f, KIPC_EP_SET_NAME | KIPC_EP_SET_LIMITS);
	s.max_msgs = rng_chance(f, 80) ? rng_below(f, 70) : (uint32_t)rng64(f);
	s.max_bytes = rng_chance(f, 70) ? rng_below(f, 1 << 16) : pick_len(f);
	s.msg_max = rng_chance(f, 70) ? rng_below(f, 8200) : pick_len(f);
	s.reserved = rng_chance(f, 5) && !f->sane;
	pick_name(f, s.name);
	ret = fuzz_ioctl(fd, KIPC_IOC_EP_SET, arg_place(f, &s, sizeof(s), arg_pick(f), &a));
	note(f, "EP_SET", ret);
	if (ret > 0)
		impossible(f, "EP_SET returned %ld", ret);
}

void op_mbox_create(struct fuzz *f)
{
	struct kipc_mbox_create c = { 0 };
	struct fuzz_arg a;
	uint32_t pick = rng_below(f, FUZZ_MBOXES);
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	c.size = pick_size(f, KIPC_MBOX_CREATE_SIZE_VER0, sizeof(c));
	c.flags = pick_flags(f, KIPC_MBOX_OWNED);
	c.id = rng_chance(f, 5) ? rng64(f) : 0;
	c.max_msgs = rng_chance(f, 85) ? rng_below(f, 16) : (uint32_t)rng64(f) % 70000;
	c.max_bytes = rng_chance(f, 80) ? 0 : pick_len(f);
	c.msg_max = rng_chance(f, 70) ? rng_below(f, 8200) : pick_len(f);
	c.mode = rng_chance(f, 85) ? 0666 & ~(rng_below(f, 8) << 3) : (uint32_t)rng64(f) % 01001;
	pick_name(f, c.name);
	ret = fuzz_ioctl(fd, KIPC_IOC_MBOX_CREATE, arg_place(f, &c, sizeof(c), arg_pick(f), &a));
	note(f, "MBOX_CREATE", ret);
	if (ret == 0)
		impossible(f, "MBOX_CREATE returned 0, not an fd");
	if (ret > 0) {
		if (!a.bad) {
			memcpy(&c, a.p, sizeof(c));
			if (!c.id)
				impossible(f, "MBOX_CREATE gave id 0");
			publish_id(f, c.id);
		}
		keep_fd(f->mb, FUZZ_MBOXES, pick, (int)ret, a.bad ? 0 : c.id);
	}
}

/* A struct kipc_mbox_ref naming something, for the OPENs and DELETEs. */
void pick_ref(struct fuzz *f, struct kipc_mbox_ref *r)
{
	uint32_t byname = rng_below(f, 100);

	memset(r, 0, sizeof(*r));
	r->size = pick_size(f, KIPC_MBOX_REF_SIZE_VER0, sizeof(*r));
	r->flags = pick_flags(f, 0);
	r->id = pick_id(f);
	pick_name(f, r->name);
	if (byname < 30)
		r->id = 0;
	else if (byname < 90)
		r->name[0] = 0;
}

void op_mbox_open(struct fuzz *f)
{
	struct kipc_mbox_ref r;
	struct fuzz_arg a;
	uint32_t pick = rng_below(f, FUZZ_MBOXES);
	int fd = pick_fd_for(f, FD_EP);
	long ret;

	pick_ref(f, &r);
	ret = fuzz_ioctl(fd, KIPC_IOC_MBOX_OPEN, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, "MBOX_OPEN", ret);
	if (ret == 0)
		impossible(f, "MBOX_OPEN returned 0, not an fd");
	if (ret > 0) {
		if (!a.bad)
			memcpy(&r, a.p, sizeof(r));
		keep_fd(f->mb, FUZZ_MBOXES, pick, (int)ret, a.bad ? 0 : r.id);
	}
}

void op_mbox_delete(struct fuzz *f)
{
	struct kipc_mbox_ref r;
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	pick_ref(f, &r);
	ret = fuzz_ioctl(fd, KIPC_IOC_MBOX_DELETE, arg_place(f, &r, sizeof(r), arg_pick(f), &a));
	note(f, "MBOX_DELETE", ret);
	if (ret > 0)
		impossible(f, "MBOX_DELETE returned %ld", ret);
}

void op_mbox_set(struct fuzz *f)
{
	struct kipc_mbox_set s = { 0 };
	struct fuzz_arg a;
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	s.size = pick_size(f, KIPC_MBOX_SET_SIZE_VER0, sizeof(s));
	s.flags = pick_flags(f, KIPC_MBOX_SET_MODE | KIPC_MBOX_SET_UID | KIPC_MBOX_SET_GID |
			     KIPC_MBOX_SET_LIMITS);
	s.id = rng_chance(f, 40) ? 0 : pick_id(f);
	s.mode = rng_chance(f, 90) ? 0666 : (uint32_t)rng64(f) % 01001;
	s.uid = rng_chance(f, 80) ? 0 : (uint32_t)rng64(f);
	s.gid = rng_chance(f, 80) ? 0 : (uint32_t)rng64(f);
	s.max_msgs = rng_chance(f, 80) ? 1 + rng64(f) % 64 : (uint32_t)rng64(f);
	s.max_bytes = rng_chance(f, 80) ? 1 + rng64(f) % 65536 : (uint32_t)rng64(f);
	s.reserved = rng_chance(f, 5) && !f->sane;
	ret = fuzz_ioctl(fd, KIPC_IOC_MBOX_SET, arg_place(f, &s, sizeof(s), arg_pick(f), &a));
	note(f, "MBOX_SET", ret);
	if (ret > 0)
		impossible(f, "MBOX_SET returned %ld", ret);
}

static void check_info(struct fuzz *f, const struct kipc_info *in)
{
	if (in->type < KIPC_TYPE_ENDPOINT || in->type > KIPC_TYPE_MUTEX)
		impossible(f, "info type %u", in->type);
	if (!in->id)
		impossible(f, "info id 0");
	if (memchr(in->name, 0, KIPC_NAME_MAX) == NULL)
		impossible(f, "info name not terminated");
	publish_id(f, in->id);
}

void op_stat(struct fuzz *f)
{
	struct kipc_stat s = { 0 };
	struct fuzz_arg a;
	uint32_t how = rng_below(f, 100);
	int fd = pick_fd_for(f, FD_MSG);
	long ret;

	s.size = pick_size(f, KIPC_STAT_SIZE_VER0, sizeof(s));
	s.type = rng_chance(f, 90) ? rng_below(f, KIPC_TYPE_MUTEX + 2) : (uint32_t)rng64(f);
	s.id = pick_id(f);
	pick_name(f, s.name);
	if (how < 40)
		s.name[0] = 0;
	else if (how < 70)
		s.id = 0;
	else if (how < 85)
		s.id = 0, s.name[0] = 0, s.type = 0;
	ret = fuzz_ioctl(fd, KIPC_IOC_STAT, arg_place(f, &s, sizeof(s), arg_pick(f), &a));
	note(f, "STAT", ret);
	if (ret > 0)
		impossible(f, "STAT returned %ld", ret);
	if (ret == 0 && !a.bad && s.size >= sizeof(s)) {
		memcpy(&s, a.p, sizeof(s));
		check_info(f, &s.info);
	}
}

void op_list(struct fuzz *f)
{
	struct kipc_list l = { 0 };
	struct fuzz_arg a;
	uint32_t want, esize, ebuf = rng_below(f, 100);
	int fd = pick_fd(f);
	long ret;
	unsigned int i;

	l.size = pick_size(f, KIPC_LIST_SIZE_VER0, sizeof(l));
	l.flags = pick_flags(f, KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES | KIPC_LIST_RINGS |
			       KIPC_LIST_SEMS | KIPC_LIST_MUTEXES);
	l.cursor = rng_chance(f, 60) ? 0 : pick_id(f);
	want = rng_chance(f, 85) ? 1 + rng_below(f, 64) :
		(rng_chance(f, 50) ? KIPC_LIST_MAX + 1 : (uint32_t)rng64(f));
	esize = rng_chance(f, 85) ? sizeof(struct kipc_info) :
		(rng_chance(f, 50) ? KIPC_INFO_SIZE_VER0 - 1 : rng_below(f, 1024));
	l.count = want;
	l.entry_size = esize;
	l.entries = ebuf < 90 ? (uint64_t)(uintptr_t)f->data_area :
		pick_buf(f, (uint32_t)((uint64_t)want * esize));
	ret = fuzz_ioctl(fd, KIPC_IOC_LIST, arg_place(f, &l, sizeof(l), arg_pick(f), &a));
	note(f, "LIST", ret);
	if (ret > 0)
		impossible(f, "LIST returned %ld", ret);
	if (ret == 0 && !a.bad && l.size >= sizeof(l)) {
		memcpy(&l, a.p, sizeof(l));
		if (l.count > want)
			impossible(f, "LIST wrote %u entries into %u", l.count, want);
		if (ebuf < 90 && esize == sizeof(struct kipc_info))
			for (i = 0; i < l.count; i++)
				check_info(f, (struct kipc_info *)f->data_area + i);
	}
}

/*
 * An ioctl number of kipc's magic with any nr, direction and size (the
 * kernel ignores the size bits), or of another magic.
 */
void op_raw_ioctl(struct fuzz *f)
{
	uint32_t nr = rng_below(f, 0x40), dir = rng_below(f, 4);
	uint32_t sz = rng_below(f, 1 << 14), magic = rng_chance(f, 90) ? KIPC_IOC_MAGIC : rng_below(f, 256);
	uint32_t ap = arg_pick(f);
	int fd = pick_fd(f);
	unsigned char junk[256];
	struct fuzz_arg a;
	unsigned int i;
	long ret;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rng_below(f, 4);	/* mostly small */
	/* Never an ioctl that might block without a bound: skip WAIT and CALL. */
	if (magic == KIPC_IOC_MAGIC && (nr == 0x33 || nr == 0x04 || nr == 0x02 || nr == 0x03))
		nr = 0x3f;
	ret = fuzz_ioctl(fd, _IOC(dir, magic, nr, sz), arg_place(f, junk, sizeof(junk), ap, &a));
	note(f, "raw ioctl", ret);
}
