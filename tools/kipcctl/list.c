// SPDX-License-Identifier: MIT
/*
 * kipcctl ls, kipcctl stat: describe endpoints and mailboxes; ls lists
 * rings, semaphores and mutexes too. For a semaphore DEPTH is its value
 * and CAPACITY its maximum; for a mutex DEPTH is how often its owner
 * holds it and CAPACITY says which pid that is; RECEIVERS counts the
 * tasks blocked waiting on either.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kipcctl.h"

static const char *owner_name(uint32_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		return pw->pw_name;
	snprintf(buf, len, "%u", uid);
	return buf;
}

static const char *type_name(const struct kipc_info *info)
{
	switch (info->type) {
	case KIPC_TYPE_ENDPOINT:
		return "ep";
	case KIPC_TYPE_RING:
		return "ring";
	case KIPC_TYPE_SEM:
		return "sem";
	case KIPC_TYPE_MUTEX:
		return "mtx";
	default:
		return "mbox";
	}
}

static void print_row(const struct kipc_info *info)
{
	char owner[16], mode[8], capacity[32];
	bool mbox = info->type != KIPC_TYPE_ENDPOINT;

	if (mbox)
		snprintf(mode, sizeof(mode), "%04o", info->mode);
	else
		strcpy(mode, "-");
	if (info->type == KIPC_TYPE_SEM)
		snprintf(capacity, sizeof(capacity), "max %u", info->max_msgs);
	else if (info->type == KIPC_TYPE_MUTEX && info->depth)
		snprintf(capacity, sizeof(capacity), "held pid %d", info->pid);
	else if (info->type == KIPC_TYPE_MUTEX)
		strcpy(capacity, "free");
	else if (info->max_msgs)
		snprintf(capacity, sizeof(capacity), "%u/%u", info->max_msgs,
			 info->max_bytes);
	else
		strcpy(capacity, "rendezvous");
	printf("%-4s %8llu %-16s %-8s %4s %6u %8u %-14s %7u %7u %9u\n",
	       type_name(info), (unsigned long long)info->id,
	       info->name[0] ? info->name : "-",
	       owner_name(info->uid, owner, sizeof(owner)), mode, info->depth,
	       info->bytes, capacity, info->msg_max, info->nr_senders,
	       info->nr_receivers);
}

int cmd_ls(int argc, char **argv)
{
	struct kipc_info entries[64];
	uint64_t self, cursor = 0;
	int ep, n, i, ret = EXIT_OK;
	bool json;

	ret = parse_json_opt("ls", argc, argv, &json);
	if (ret)
		return ret;
	if (optind != argc)
		return usage_error("ls", "no arguments expected");
	ep = open_endpoint("ls");
	if (ep < 0)
		return EXIT_ERROR;
	n = kipc_ep_id(ep, &self);
	if (n < 0) {
		ret = fail("ls", NULL, n);
		goto out;
	}
	if (!json)
		printf("%-4s %8s %-16s %-8s %4s %6s %8s %-14s %7s %7s %9s\n",
		       "TYPE", "ID", "NAME", "OWNER", "MODE", "DEPTH", "BYTES",
		       "CAPACITY", "MSGMAX", "SENDERS", "RECEIVERS");
	for (;;) {
		n = kipc_list(ep, KIPC_LIST_ENDPOINTS | KIPC_LIST_MAILBOXES |
				  KIPC_LIST_RINGS | KIPC_LIST_SEMS |
				  KIPC_LIST_MUTEXES,
			      &cursor, entries, 64);
		if (n < 0) {
			ret = fail("ls", NULL, n);
			break;
		}
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			if (entries[i].id == self)	/* our own, just opened */
				continue;
			if (json)
				json_info(&entries[i]);
			else
				print_row(&entries[i]);
		}
	}
out:
	close(ep);
	return ret;
}

static void print_info(const struct kipc_info *info)
{
	char owner[16];
	bool mbox = info->type == KIPC_TYPE_MAILBOX;

	printf("id         %llu\n", (unsigned long long)info->id);
	printf("type       %s\n", mbox ? "mailbox" : "endpoint");
	printf("name       %s\n", info->name[0] ? info->name : "-");
	printf("owner      %s (uid %u, gid %u)\n",
	       owner_name(info->uid, owner, sizeof(owner)), info->uid,
	       info->gid);
	if (mbox) {
		printf("mode       %04o\n", info->mode);
		printf("creator    endpoint %llu%s\n",
		       (unsigned long long)info->creator_ep,
		       (info->flags & KIPC_INFO_OWNED) ?
		       " (owned: dies with it)" : "");
	} else {
		printf("pid        %d\n", info->pid);
	}
	printf("depth      %u messages, %u bytes\n", info->depth, info->bytes);
	if (info->max_msgs)
		printf("capacity   %u messages, %u bytes\n", info->max_msgs,
		       info->max_bytes);
	else
		printf("capacity   rendezvous\n");
	printf("msgmax     %u bytes\n", info->msg_max);
	printf("blocked    %u senders, %u receivers\n", info->nr_senders,
	       info->nr_receivers);
}

int cmd_stat(int argc, char **argv)
{
	struct kipc_info info;
	struct target t;
	int ep, ret;
	bool json;

	ret = parse_json_opt("stat", argc, argv, &json);
	if (ret)
		return ret;
	if (optind != argc - 1)
		return usage_error("stat", "expected NAME|ID or ep:NAME|ep:ID");
	ret = parse_target("stat", argv[optind], true, &t);
	if (ret)
		return ret;
	ep = open_endpoint("stat");
	if (ep < 0)
		return EXIT_ERROR;
	ret = stat_target(ep, &t, &info);
	close(ep);
	if (ret < 0)
		return fail("stat", t.arg, ret);
	if (json)
		json_info(&info);
	else
		print_info(&info);
	return EXIT_OK;
}
