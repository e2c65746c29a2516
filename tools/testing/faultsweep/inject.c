// SPDX-License-Identifier: MIT
/*
 * Fault-injection set-up (Documentation/fault-injection/fault-injection.rst)
 * and the fail-nth file of this thread.
 *
 * failslab, fail_page_alloc and fail_usercopy get probability 0: nothing
 * fails at random, in this process or any other; only the point fail-nth
 * names does, and fail-nth takes precedence over probability, interval,
 * times and the task filter. What fail-nth still obeys is each
 * capability's own filter: ignore-gfp-wait N (kipc allocates with
 * GFP_KERNEL_ACCOUNT, which may sleep), min-order 0 (ring pages are
 * order 0), and the stack-trace filter, set to kipc.ko's text, so that
 * only points reached from kipc's code count and fail: not the VFS's
 * allocations around an open() or an mmap(), not the read() of fail-nth.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "sweep.h"

#define DEBUGFS "/sys/kernel/debug"
#define SECTIONS "/sys/module/kipc/sections/"

static int nth_fd = -1;

static int put(const char *dir, const char *file, const char *val)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), DEBUGFS "/%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		fprintf(stderr, "faultsweep: %s: %s\n", path, strerror(errno));
		ret = -1;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

static int section_addr(const char *name, unsigned long *addr)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SECTIONS "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*addr = strtoul(buf, NULL, 16);
	return *addr ? 0 : -1;
}

/*
 * kipc's text in memory: every executable section of @ko except the init
 * ones (freed after loading), at the address the loader gave it
 * (/sys/module/kipc/sections/NAME), for the size the object file says.
 */
static int text_range(const char *ko, unsigned long *start, unsigned long *end)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *names;
	struct stat st;
	void *p;
	int fd, found = 0;

	fd = open(ko, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "faultsweep: %s: %s\n", ko, strerror(errno));
		return -1;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	eh = p;
	if ((size_t)st.st_size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > (size_t)st.st_size) {
		fprintf(stderr, "faultsweep: %s: not a 64-bit ELF object\n", ko);
		munmap(p, st.st_size);
		return -1;
	}
	sh = (const Elf64_Shdr *)((const char *)p + eh->e_shoff);
	names = (const char *)p + sh[eh->e_shstrndx].sh_offset;
	*start = ~0UL;
	*end = 0;
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const char *name = names + sh[i].sh_name;
		unsigned long addr;

		if ((sh[i].sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) !=
		    (SHF_ALLOC | SHF_EXECINSTR) || !sh[i].sh_size ||
		    !strncmp(name, ".init", 5) || section_addr(name, &addr))
			continue;
		if (addr < *start)
			*start = addr;
		if (addr + sh[i].sh_size > *end)
			*end = addr + sh[i].sh_size;
		found = 1;
	}
	munmap(p, st.st_size);
	if (!found)
		fprintf(stderr, "faultsweep: no text section of %s under " SECTIONS
			" (kipc not loaded, or not as root?)\n", ko);
	return found ? 0 : -1;
}

/*
 * With @dump the kernel logs the stack of every injected failure (except
 * those of __GFP_NOWARN allocations), which names each site.
 * Returns 0 when set up, 1 when this kernel cannot do the sweep (the
 * reason is printed), -1 on an error.
 */
int inject_setup(const char *ko_path, int dump)
{
	static const char *const caps[] = { "failslab", "fail_page_alloc", "fail_usercopy" };
	unsigned long start, end;
	char val[32];

	if (access("/proc/thread-self/fail-nth", W_OK)) {
		printf("faultsweep: skip: no /proc/thread-self/fail-nth "
		       "(kernel without CONFIG_FAULT_INJECTION)\n");
		return 1;
	}
	for (unsigned int i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), DEBUGFS "/%s/require-start", caps[i]);
		if (access(path, W_OK)) {
			printf("faultsweep: skip: no %s (needs debugfs, "
			       "CONFIG_FAULT_INJECTION_DEBUG_FS and "
			       "CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)\n", path);
			return 1;
		}
	}
	if (text_range(ko_path, &start, &end))
		return -1;
	printf("faultsweep: kipc text %#lx-%#lx\n", start, end);
	for (unsigned int i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		const char *c = caps[i];

		if (put(c, "probability", "0") || put(c, "verbose", dump ? "2" : "0") ||
		    put(c, "task-filter", "N") || put(c, "stacktrace-depth", "32"))
			return -1;
		snprintf(val, sizeof(val), "%lu", start);
		if (put(c, "require-start", val))
			return -1;
		snprintf(val, sizeof(val), "%lu", end);
		if (put(c, "require-end", val))
			return -1;
	}
	if (put("failslab", "ignore-gfp-wait", "N") ||
	    put("fail_page_alloc", "ignore-gfp-wait", "N") ||
	    put("fail_page_alloc", "ignore-gfp-highmem", "N") ||
	    put("fail_page_alloc", "min-order", "0"))
		return -1;

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		perror("faultsweep: /proc/thread-self/fail-nth");
		return -1;
	}
	return 0;
}

int inject_arm(unsigned int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", nth);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -errno;
}

int inject_fired(void)
{
	char buf[16];
	ssize_t n = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	if (strtoul(buf, NULL, 10) == 0)
		return 1;
	return inject_arm(0) ? -EIO : 0;
}
