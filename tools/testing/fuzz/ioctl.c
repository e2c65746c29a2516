// SPDX-License-Identifier: MIT
/*
 * Placing an ioctl argument: usually a good copy of the struct with a
 * 1 KiB zeroed tail (so a size field above the struct is accepted), at
 * times a non-zero byte in that tail (E2BIG), and at times a bad pointer:
 * NULL, unmapped, read-only, or straddling the guard page.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

#define ARG_TAIL	1024

uint32_t arg_pick(struct fuzz *f)
{
	return (uint32_t)rng64(f);
}

void *arg_place(struct fuzz *f, const void *s, size_t len, uint32_t pick,
		struct fuzz_arg *a)
{
	unsigned char *p = f->arg_area + f->arg_len - ARG_TAIL - len;
	uint32_t kind = f->sane ? 0 : pick % 100;

	a->bad = 0;
	memcpy(p, s, len);
	memset(p + len, 0, ARG_TAIL);
	if (kind >= 88 && kind < 94)
		p[len + ((pick >> 8) % ARG_TAIL)] = (unsigned char)(pick >> 20) | 1;
	a->p = p;
	if (kind < 94)
		return p;
	a->bad = 1;
	switch (kind) {
	case 94: a->p = NULL; break;
	case 95: a->p = f->unmapped + ((pick >> 8) & 0xff); break;
	case 96: a->p = f->ro_page; break;	/* written back: EFAULT */
	case 97: a->p = f->arg_area + f->arg_len - len / 2; break;
	case 98: a->p = (void *)(uintptr_t)0xffff888000000000ULL; break;
	default:
		/* A good copy that straddles the guard only in its last byte. */
		a->p = f->arg_area + f->arg_len - len + 1;
		memcpy(a->p, s, len - 1);
		break;
	}
	return a->p;
}

long fuzz_ioctl(int fd, unsigned long cmd, void *arg)
{
	long ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}
