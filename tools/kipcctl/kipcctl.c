// SPDX-License-Identifier: MIT
/*
 * kipcctl: inspect and drive kipc from the shell (the ipcs/ipcrm of kipc).
 *
 * Exit status: 0 on success, 1 on an error (a one-line message names it),
 * 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kipc.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kipcctl COMMAND [ARGS]\n"
		"\n"
		"  version     print the loaded module's ABI version\n");
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "kipcctl: %s: %s\n", what, strerror(-err));
	return 1;
}

static int cmd_version(void)
{
	struct kipc_version v;
	int fd, ret;

	fd = kipc_open(0);
	if (fd < 0)
		return fail("open " KIPC_DEVICE, fd);
	ret = kipc_version(fd, &v);
	close(fd);
	if (ret < 0)
		return fail("version", ret);
	printf("abi %u\n", v.abi);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version"))
		return cmd_version();
	fprintf(stderr, "kipcctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
