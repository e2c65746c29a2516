// SPDX-License-Identifier: MIT
/* The shims' common part: endpoint, kipc-or-system decision, helpers. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "shim.h"

static pthread_once_t decide_once = PTHREAD_ONCE_INIT;
static bool use_kipc;
static pthread_mutex_t ep_lock = PTHREAD_MUTEX_INITIALIZER;
static int ep_fd = -1;

static void decide(void)
{
	int fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		use_kipc = true;
		ep_fd = fd;
		return;
	}
	if (getenv("KIPC_SHIM_VERBOSE"))
		fprintf(stderr,
			"kipc-shim: /dev/kipc: %s; using the system's message queues\n",
			strerror(errno));
}

bool shim_kipc(void)
{
	pthread_once(&decide_once, decide);
	return use_kipc;
}

void *shim_next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int shim_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

/*
 * The endpoint fd may have been closed by the program (a daemon closing
 * every fd): check it is still ours before use, reopen if not.
 */
int shim_ep(void)
{
	struct kipc_version v;
	int fd;

	pthread_mutex_lock(&ep_lock);
	if (ep_fd >= 0 && ioctl(ep_fd, KIPC_IOC_VERSION, &v) < 0)
		ep_fd = -1;
	if (ep_fd < 0)
		ep_fd = open("/dev/kipc", O_RDWR | O_CLOEXEC);
	fd = ep_fd < 0 ? -errno : ep_fd;
	pthread_mutex_unlock(&ep_lock);
	return fd;
}

int shim_stat(int fd, struct kipc_info *info)
{
	struct kipc_stat st;
	int ret;

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	ret = shim_ioctl(fd, KIPC_IOC_STAT, &st);
	if (!ret && st.info.type != KIPC_TYPE_MAILBOX)
		ret = -EBADF;
	*info = st.info;
	return ret;
}

/* The kernel's ipcperms(), minus capabilities other than root's. */
int shim_perm(const struct kipc_info *info, int want)
{
	unsigned int granted = info->mode;
	uid_t euid = geteuid();
	gid_t groups[256];
	int n, i;

	if (euid == 0)
		return 0;
	if (info->uid == euid) {
		granted >>= 6;
	} else if (info->gid == getegid()) {
		granted >>= 3;
	} else {
		n = getgroups(256, groups);
		for (i = 0; i < n; i++) {
			if (groups[i] == info->gid) {
				granted >>= 3;
				break;
			}
		}
	}
	return (granted & want & 7) == (unsigned int)want ? 0 : -EACCES;
}

long shim_proc_long(const char *path, long dflt)
{
	FILE *f = fopen(path, "re");
	long v;

	if (!f)
		return dflt;
	if (fscanf(f, "%ld", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

int shim_rel_timeout(const struct timespec *abs, struct kipc_timespec *rel)
{
	struct timespec now;
	int64_t sec, nsec;

	if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000L)
		return -EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	sec = (int64_t)abs->tv_sec - now.tv_sec;
	nsec = (int64_t)abs->tv_nsec - now.tv_nsec;
	if (nsec < 0) {
		nsec += 1000000000L;
		sec--;
	}
	if (sec < 0 || (sec == 0 && nsec == 0))
		return -ETIMEDOUT;
	rel->tv_sec = sec;
	rel->tv_nsec = nsec;
	return 0;
}
