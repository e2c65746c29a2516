// SPDX-License-Identifier: MIT
/*
 * kipcctl sem, kipcctl mutex: create, drive, describe and remove
 * semaphores and mutexes from the shell.
 *
 * A mutex belongs to the process that locked it and is handed on with
 * EOWNERDEAD when that process exits, so "mutex lock" holds it for a
 * command it runs (as flock(1) does), or until its standard input ends.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kipcctl.h"

static const char sem_usage[] =
"usage: kipcctl sem COMMAND [ARGS]\n"
"\n"
"  create NAME [--value V] [--max M] [--mode 0600]\n"
"                            create a semaphore, print its id\n"
"  post NAME|ID [-n N]       add N (default 1) units, print the value\n"
"  wait NAME|ID [-n N] [--nonblock | --timeout MS]\n"
"                            take N units, print the value left\n"
"  stat [--json] NAME|ID     describe a semaphore\n"
"  rm NAME|ID                delete a semaphore\n";

static const char mutex_usage[] =
"usage: kipcctl mutex COMMAND [ARGS]\n"
"\n"
"  create NAME [--recursive] [--mode 0600]\n"
"                            create a mutex, print its id\n"
"  lock NAME|ID [--nonblock | --timeout MS] [-- COMMAND [ARG...]]\n"
"                            lock, run COMMAND (or wait for the end of\n"
"                            standard input), unlock; a lock taken with\n"
"                            EOWNERDEAD is made consistent first\n"
"  unlock NAME|ID            unlock a mutex this process holds (a mutex\n"
"                            belongs to the process that locked it)\n"
"  stat [--json] NAME|ID     describe a mutex\n"
"  rm NAME|ID                delete a mutex\n";

struct kind {
	const char *cmd;
	unsigned int type;
	int (*open_name)(int ep, const char *name, uint64_t *id);
	int (*open_id)(int ep, uint64_t id);
	int (*delete)(int fd, uint64_t id);
};

static const struct kind sem_kind = {
	"sem", KIPC_TYPE_SEM, kipc_sem_open, kipc_sem_open_id, kipc_sem_delete,
};

static const struct kind mutex_kind = {
	"mutex", KIPC_TYPE_MUTEX, kipc_mutex_open, kipc_mutex_open_id,
	kipc_mutex_delete,
};

/* Open the object @arg names; on success *@ep and the returned fd are open. */
static int sync_open(const struct kind *k, const char *sub, const char *arg,
		     int *ep)
{
	struct target t;
	int fd;

	if (parse_target(sub, arg, false, &t))
		return -EXIT_USAGE;
	*ep = open_endpoint(sub);
	if (*ep < 0)
		return -EXIT_ERROR;
	fd = t.name ? k->open_name(*ep, t.name, NULL) : k->open_id(*ep, t.id);
	if (fd < 0) {
		close(*ep);
		return -fail(sub, arg, fd);
	}
	return fd;
}

/* Blocking options shared by sem wait and mutex lock. */
struct blocking {
	unsigned int flags;
	struct timespec ts;
	bool timed;
};

static int parse_blocking(const char *sub, int c, struct blocking *b)
{
	if (c == 'N') {
		b->flags |= KIPC_NONBLOCK;
		return 0;
	}
	b->timed = true;
	return parse_timeout(sub, optarg, &b->ts);
}

static int sync_create(const struct kind *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "value",	required_argument, NULL, 'v' },
		{ "max",	required_argument, NULL, 'x' },
		{ "mode",	required_argument, NULL, 'm' },
		{ "recursive",	no_argument,	   NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub = k->type == KIPC_TYPE_SEM ? "sem create" : "mutex create";
	unsigned long long value = 0, max = 0, mode = 0600;
	unsigned int flags = 0;
	uint64_t id;
	int c, ep, fd;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'v' && k->type == KIPC_TYPE_SEM) {
			if (parse_uint(sub, "--value", optarg, 0, KIPC_SEM_VALUE_MAX, &value))
				return EXIT_USAGE;
		} else if (c == 'x' && k->type == KIPC_TYPE_SEM) {
			if (parse_uint(sub, "--max", optarg, 1, KIPC_SEM_VALUE_MAX, &max))
				return EXIT_USAGE;
		} else if (c == 'm') {
			char *end;

			mode = strtoull(optarg, &end, 8);
			if (*end || mode > 0777)
				return usage_error(sub, "--mode: '%s' is not octal 0..0777",
						   optarg);
		} else if (c == 'r' && k->type == KIPC_TYPE_MUTEX) {
			flags |= KIPC_MUTEX_RECURSIVE;
		} else {
			return bad_option(sub, c == ':' ? ':' : '?', argv);
		}
	}
	if (optind != argc - 1)
		return usage_error(sub, "expected one NAME");
	if (strlen(argv[optind]) >= KIPC_NAME_MAX)
		return usage_error(sub, "names are at most %d bytes",
				   KIPC_NAME_MAX - 1);
	ep = open_endpoint(sub);
	if (ep < 0)
		return EXIT_ERROR;
	if (k->type == KIPC_TYPE_SEM)
		fd = kipc_sem_create(ep, argv[optind], value, max, mode, &id);
	else
		fd = kipc_mutex_create(ep, argv[optind], flags, mode, &id);
	close(ep);
	if (fd < 0)
		return fail(sub, argv[optind], fd);
	close(fd);
	printf("%llu\n", (unsigned long long)id);
	return EXIT_OK;
}

static void print_sync(const struct kipc_info *info)
{
	printf("id         %llu\n", (unsigned long long)info->id);
	printf("type       %s\n", info->type == KIPC_TYPE_SEM ? "semaphore" : "mutex");
	printf("name       %s\n", info->name[0] ? info->name : "-");
	printf("owner      uid %u, gid %u\n", info->uid, info->gid);
	printf("mode       %04o\n", info->mode);
	if (info->type == KIPC_TYPE_SEM) {
		printf("value      %u of at most %u\n", info->depth, info->max_msgs);
	} else {
		printf("kind       %s\n", (info->flags & KIPC_INFO_RECURSIVE) ?
		       "recursive" : "error-checking");
		if (info->depth)
			printf("held by    pid %d, %u time(s)\n", info->pid,
			       info->depth);
		else
			printf("held by    -\n");
		if (info->flags & KIPC_INFO_OWNER_DIED)
			printf("state      owner died, not made consistent\n");
		else if (info->flags & KIPC_INFO_NOTRECOVERABLE)
			printf("state      not recoverable\n");
	}
	printf("waiters    %u\n", info->nr_receivers);
}

static int sync_stat(const struct kind *k, int argc, char **argv)
{
	const char *sub = k->type == KIPC_TYPE_SEM ? "sem stat" : "mutex stat";
	struct kipc_info info;
	struct target t;
	int ep, ret;
	bool json;

	ret = parse_json_opt(sub, argc, argv, &json);
	if (ret)
		return ret;
	if (optind != argc - 1)
		return usage_error(sub, "expected NAME|ID");
	ret = parse_target(sub, argv[optind], false, &t);
	if (ret)
		return ret;
	ep = open_endpoint(sub);
	if (ep < 0)
		return EXIT_ERROR;
	if (t.name)
		ret = kipc_stat_name(ep, k->type, t.name, &info);
	else
		ret = kipc_stat(ep, t.id, &info);
	if (ret == 0 && info.type != k->type)
		ret = -ENOENT;
	close(ep);
	if (ret < 0)
		return fail(sub, t.arg, ret);
	if (json)
		json_info(&info);
	else
		print_sync(&info);
	return EXIT_OK;
}

static int sync_rm(const struct kind *k, int argc, char **argv)
{
	const char *sub = k->type == KIPC_TYPE_SEM ? "sem rm" : "mutex rm";
	int ep, fd, ret;

	if (argc != 2)
		return usage_error(sub, "expected NAME|ID");
	fd = sync_open(k, sub, argv[1], &ep);
	if (fd < 0)
		return -fd;
	ret = k->delete(fd, 0);
	close(fd);
	close(ep);
	return ret < 0 ? fail(sub, argv[1], ret) : EXIT_OK;
}

static int sem_op(int argc, char **argv, bool post)
{
	static const struct option opts[] = {
		{ "nonblock",	no_argument,	   NULL, 'N' },
		{ "timeout",	required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub = post ? "sem post" : "sem wait";
	struct blocking b = { 0 };
	unsigned long long n = 1;
	int c, ep, fd, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":n:", opts, NULL)) != -1) {
		if (c == 'n') {
			if (parse_uint(sub, "-n", optarg, 1, KIPC_SEM_VALUE_MAX, &n))
				return EXIT_USAGE;
		} else if (!post && (c == 'N' || c == 't')) {
			if (parse_blocking(sub, c, &b))
				return EXIT_USAGE;
		} else {
			return bad_option(sub, c == ':' ? ':' : '?', argv);
		}
	}
	if (optind != argc - 1)
		return usage_error(sub, "expected NAME|ID");
	if ((b.flags & KIPC_NONBLOCK) && b.timed)
		return usage_error(sub, "--nonblock and --timeout exclude each other");
	fd = sync_open(&sem_kind, sub, argv[optind], &ep);
	if (fd < 0)
		return -fd;
	if (post)
		ret = kipc_sem_post(fd, n, 0);
	else
		ret = kipc_sem_wait(fd, n, b.flags, b.timed ? &b.ts : NULL);
	close(fd);
	close(ep);
	if (ret < 0)
		return fail(sub, argv[optind], ret);
	printf("%d\n", ret);
	return EXIT_OK;
}

/* Hold the lock while COMMAND runs, or until standard input ends. */
static int mutex_hold(char **cmd)
{
	char buf[256];
	int status;
	pid_t pid;

	if (!*cmd) {
		while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
			;
		return EXIT_OK;
	}
	pid = fork();
	if (pid < 0) {
		perror("kipcctl: mutex lock: fork");
		return EXIT_ERROR;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "kipcctl: mutex lock: %s: %s\n", cmd[0],
			strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return EXIT_ERROR;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static int mutex_lock_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonblock",	no_argument,	   NULL, 'N' },
		{ "timeout",	required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub = "mutex lock";
	struct blocking b = { 0 };
	int c, ep, fd, ret, status;

	optind = 1;
	/* Options may follow NAME; "--" ends them, and what follows is COMMAND. */
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'N' || c == 't') {
			if (parse_blocking(sub, c, &b))
				return EXIT_USAGE;
		} else {
			return bad_option(sub, c == ':' ? ':' : '?', argv);
		}
	}
	if (optind >= argc)
		return usage_error(sub, "expected NAME|ID");
	if ((b.flags & KIPC_NONBLOCK) && b.timed)
		return usage_error(sub, "--nonblock and --timeout exclude each other");
	fd = sync_open(&mutex_kind, sub, argv[optind], &ep);
	if (fd < 0)
		return -fd;
	ret = kipc_mutex_lock(fd, b.flags, b.timed ? &b.ts : NULL);
	if (ret == -EOWNERDEAD) {
		fprintf(stderr, "kipcctl: %s: %s: the previous owner died holding it; made consistent\n",
			sub, argv[optind]);
		ret = kipc_mutex_consistent(fd);
	}
	if (ret < 0) {
		close(fd);
		close(ep);
		return fail(sub, argv[optind], ret);
	}
	status = mutex_hold(argv + optind + 1);
	ret = kipc_mutex_unlock(fd);
	close(fd);
	close(ep);
	if (ret < 0)
		return fail(sub, argv[optind], ret);
	return status;
}

static int mutex_unlock_cmd(int argc, char **argv)
{
	int ep, fd, ret;

	if (argc != 2)
		return usage_error("mutex unlock", "expected NAME|ID");
	fd = sync_open(&mutex_kind, "mutex unlock", argv[1], &ep);
	if (fd < 0)
		return -fd;
	ret = kipc_mutex_unlock(fd);
	close(fd);
	close(ep);
	return ret < 0 ? fail("mutex unlock", argv[1], ret) : EXIT_OK;
}

static int sem_dispatch(const char *sub, int argc, char **argv)
{
	if (!strcmp(sub, "create"))
		return sync_create(&sem_kind, argc, argv);
	if (!strcmp(sub, "post"))
		return sem_op(argc, argv, true);
	if (!strcmp(sub, "wait"))
		return sem_op(argc, argv, false);
	if (!strcmp(sub, "stat"))
		return sync_stat(&sem_kind, argc, argv);
	if (!strcmp(sub, "rm"))
		return sync_rm(&sem_kind, argc, argv);
	return usage_error("sem", "unknown command '%s' (create, post, wait, stat, rm)",
			   sub);
}

static int mutex_dispatch(const char *sub, int argc, char **argv)
{
	if (!strcmp(sub, "create"))
		return sync_create(&mutex_kind, argc, argv);
	if (!strcmp(sub, "lock"))
		return mutex_lock_cmd(argc, argv);
	if (!strcmp(sub, "unlock"))
		return mutex_unlock_cmd(argc, argv);
	if (!strcmp(sub, "stat"))
		return sync_stat(&mutex_kind, argc, argv);
	if (!strcmp(sub, "rm"))
		return sync_rm(&mutex_kind, argc, argv);
	return usage_error("mutex", "unknown command '%s' (create, lock, unlock, stat, rm)",
			   sub);
}

static int sync_main(const char *text, int argc, char **argv,
		     int (*dispatch)(const char *sub, int argc, char **argv))
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	return dispatch(argv[1], argc - 1, argv + 1);
}

int cmd_sem(int argc, char **argv)
{
	return sync_main(sem_usage, argc, argv, sem_dispatch);
}

int cmd_mutex(int argc, char **argv)
{
	return sync_main(mutex_usage, argc, argv, mutex_dispatch);
}
