// SPDX-License-Identifier: GPL-2.0
/*
 * kipcctl from the shell, as a user drives it: create, send, recv, stat,
 * rm, batches (--count, --batch), exit statuses, --json. kipcctl must be
 * on PATH (the test VM installs it in /usr/local/bin).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libkipc.h>
#include <kipc_ring.h>

#include "kselftest_harness.h"

/* A name unique to this process, so tests never collide on names. */
static void kt_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "kt-%d-%s", getpid(), tag);
}

static uint64_t kt_ep_id(int fd)
{
	uint64_t id = 0;

	if (kipc_ep_id(fd, &id) < 0)
		return 0;
	return id;
}

/* A mailbox that dies with its creating endpoint. */
static int kt_mbox(int ep, const char *name, unsigned int max_msgs,
		   unsigned int mode, uint64_t *id)
{
	struct kipc_mbox_attr attr = {
		.flags = KIPC_MBOX_OWNED,
		.max_msgs = max_msgs,
		.mode = mode,
	};

	return kipc_mbox_create(ep, name, &attr, id);
}

/* Run @cmd through sh; its stdout into @out (NUL-terminated). Exit status. */
static int sh(char *out, size_t len, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	size_t n = 0;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (out) {
		n = fread(out, 1, len - 1, f);
		out[n] = '\0';
	} else {
		char sink[256];

		while (fread(sink, 1, sizeof(sink), f) > 0)
			;
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}


/*
 * --json: the keys of struct kipc_info in <linux/kipc.h>, in its order
 * ("reserved" left out). Scripts depend on these names: changing them
 * breaks users, so this list changes only by appending.
 */
static const char *const json_keys[] = {
	"id", "type", "flags", "creator_ep", "name", "uid", "gid", "mode",
	"pid", "depth", "bytes", "max_msgs", "max_bytes", "msg_max",
	"nr_senders", "nr_receivers",
};

/*
 * Check that @line is one flat JSON object, "{...}" and a newline, whose
 * keys are json_keys in order, each followed by a number or a string.
 * Returns the number of keys seen when all is well, -1 otherwise.
 */
static int json_check_keys(const char *line)
{
	const char *p = line;
	unsigned int n = 0;
	size_t len;

	if (*p++ != '{')
		return -1;
	for (;;) {
		if (*p++ != '"' || n == ARRAY_SIZE(json_keys))
			return -1;
		len = strlen(json_keys[n]);
		if (strncmp(p, json_keys[n], len) || p[len] != '"' || p[len + 1] != ':')
			return -1;
		p += len + 2;
		n++;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if ((unsigned char)*p < 0x20)
					return -1;
				if (*p == '\\' && !*++p)
					return -1;
			}
			p++;
		} else {
			if (*p == '-')
				p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == '}')
			break;
		if (*p++ != ',')
			return -1;
	}
	return (p[1] == '\n' && !p[2]) ? (int)n : -1;
}

/* The number after "key": in @line, or -1 if there is none. */
static long long json_num(const char *line, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

/* Every field of @info, as kipc_stat() reports it, is the one in @line. */
static bool json_matches(const char *line, const struct kipc_info *info,
			 const char *type)
{
	char want[128];

	snprintf(want, sizeof(want), "\"type\":\"%s\",", type);
	return strstr(line, want) &&
	       json_num(line, "id") == (long long)info->id &&
	       json_num(line, "flags") == info->flags &&
	       json_num(line, "creator_ep") == (long long)info->creator_ep &&
	       json_num(line, "uid") == info->uid &&
	       json_num(line, "gid") == info->gid &&
	       json_num(line, "mode") == info->mode &&
	       json_num(line, "pid") == info->pid &&
	       json_num(line, "depth") == info->depth &&
	       json_num(line, "bytes") == info->bytes &&
	       json_num(line, "max_msgs") == info->max_msgs &&
	       json_num(line, "max_bytes") == info->max_bytes &&
	       json_num(line, "msg_max") == info->msg_max &&
	       json_num(line, "nr_senders") == info->nr_senders &&
	       json_num(line, "nr_receivers") == info->nr_receivers;
}

/* The line of @out holding @needle, copied to @line; false if not exactly one. */
static bool only_line_with(const char *out, const char *needle, char *line,
			   size_t len)
{
	const char *hit = strstr(out, needle), *start, *end;

	if (!hit || strstr(hit + 1, needle))
		return false;
	for (start = hit; start > out && start[-1] != '\n'; start--)
		;
	end = strchr(hit, '\n');
	if (!end || (size_t)(end - start) + 2 > len)
		return false;
	memcpy(line, start, (size_t)(end - start) + 1);
	line[end - start + 1] = '\0';
	return true;
}

FIXTURE(ctl) {
	char name[KIPC_NAME_MAX];
	char out[8192];
};

FIXTURE_SETUP(ctl)
{
	if (sh(NULL, 0, "command -v kipcctl >/dev/null"))
		SKIP(return, "kipcctl is not on PATH");
	kt_name(self->name, sizeof(self->name), "ctl");
	ASSERT_EQ(0, sh(self->out, sizeof(self->out),
			"kipcctl create %s --capacity 64", self->name));
	ASSERT_NE(0, atoll(self->out));
}

FIXTURE_TEARDOWN(ctl)
{
	sh(NULL, 0, "kipcctl rm %s 2>/dev/null", self->name);
}

TEST_F(ctl, one_message_round_trip)
{
	ASSERT_EQ(0, sh(NULL, 0, "printf hello | kipcctl send %s", self->name));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl recv %s",
			self->name));
	EXPECT_STREQ("hello", self->out);
	/* Empty: exit status 3, nothing written. */
	EXPECT_EQ(3, sh(self->out, sizeof(self->out),
			"kipcctl recv %s --nonblock 2>/dev/null", self->name));
	EXPECT_STREQ("", self->out);
}

/* The "used" figure of a kipcctl usage line such as "rings 1 of 16". */
static long long usage_of(const char *out, const char *what)
{
	const char *p = strstr(out, what);

	return p ? atoll(p + strlen(what)) : -1;
}

TEST_F(ctl, usage_counts_what_the_user_holds)
{
	long long bytes, mboxes;

	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl usage"));
	EXPECT_NE(NULL, strstr(self->out, "uid        0\n"));
	bytes = usage_of(self->out, "bytes ");
	mboxes = usage_of(self->out, "mailboxes ");
	ASSERT_GT(bytes, 0);
	ASSERT_GE(mboxes, 1);	/* the fixture's mailbox */
	ASSERT_EQ(0, sh(NULL, 0, "printf 0123456789 | kipcctl send %s", self->name));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl usage"));
	/* Ten payload bytes cost more than ten: the header counts too. */
	EXPECT_GT(usage_of(self->out, "bytes "), bytes + 10);
	ASSERT_EQ(0, sh(NULL, 0, "kipcctl recv %s >/dev/null", self->name));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl usage"));
	EXPECT_EQ(bytes, usage_of(self->out, "bytes "));
	EXPECT_EQ(mboxes, usage_of(self->out, "mailboxes "));
}

TEST_F(ctl, usage_counts_semaphores_and_mutexes_together)
{
	char sem[64], mtx[64];
	long long syncs;

	kt_name(sem, sizeof(sem), "usage-sem");
	kt_name(mtx, sizeof(mtx), "usage-mutex");
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl usage"));
	syncs = usage_of(self->out, "syncs ");
	ASSERT_GE(syncs, 0);
	ASSERT_EQ(0, sh(NULL, 0, "kipcctl sem create %s", sem));
	ASSERT_EQ(0, sh(NULL, 0, "kipcctl mutex create %s", mtx));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl usage"));
	EXPECT_EQ(syncs + 2, usage_of(self->out, "syncs "));
	ASSERT_EQ(0, sh(NULL, 0, "kipcctl sem rm %s", sem));
	ASSERT_EQ(0, sh(NULL, 0, "kipcctl mutex rm %s", mtx));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl usage"));
	EXPECT_EQ(syncs, usage_of(self->out, "syncs "));
}

TEST_F(ctl, batches_send_and_receive_every_message_once)
{
	ASSERT_EQ(0, sh(self->out, sizeof(self->out),
			"kipcctl send %s --count 40 --batch 16 ab", self->name));
	/* 40 messages in 3 calls. */
	EXPECT_STREQ("messages=40 syscalls_per_msg=0.0750\n", self->out);
	/* Payloads have no newline: each header follows the last payload. */
	ASSERT_EQ(0, sh(self->out, sizeof(self->out),
			"kipcctl recv %s --count 25 --batch 16 -v | grep -c 'from=.* len=2 mailbox='",
			self->name));
	EXPECT_EQ(25, atoi(self->out));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out),
			"kipcctl recv %s --count 15 --batch 64", self->name));
	EXPECT_EQ(30, strlen(self->out));
	EXPECT_EQ(3, sh(NULL, 0, "kipcctl recv %s --nonblock --batch 4 2>/dev/null",
			self->name));
}

TEST_F(ctl, partial_batch_says_how_many_went)
{
	/* Capacity 64: the first 64 go, the rest time out. */
	EXPECT_EQ(3, sh(self->out, sizeof(self->out),
			"kipcctl send %s --count 70 --batch 32 --timeout 100 z 2>/dev/null",
			self->name));
	EXPECT_EQ(0, strncmp(self->out, "messages=64 ", 12));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out),
			"kipcctl stat %s | grep '^depth'", self->name));
	EXPECT_EQ(0, strncmp(self->out, "depth      64 messages", 22));
}

TEST_F(ctl, bad_options_are_usage_errors)
{
	EXPECT_EQ(2, sh(NULL, 0, "kipcctl send %s --sync --batch 2 x 2>/dev/null",
			self->name));
	EXPECT_EQ(2, sh(NULL, 0, "kipcctl send %s --batch 0 x 2>/dev/null",
			self->name));
	EXPECT_EQ(2, sh(NULL, 0, "kipcctl recv %s --batch 1025 2>/dev/null",
			self->name));
	EXPECT_EQ(1, sh(NULL, 0, "kipcctl send no-such-mailbox-%d x 2>/dev/null",
			getpid()));
}

TEST_F(ctl, json_stat_is_what_the_kernel_reports)
{
	struct kipc_info info;
	int ep;

	ASSERT_EQ(0, sh(NULL, 0, "kipcctl send %s ab && kipcctl send %s --prio 3 cde",
			self->name, self->name));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl stat --json %s",
			self->name));
	EXPECT_EQ(ARRAY_SIZE(json_keys), json_check_keys(self->out));
	ep = kipc_open(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, kipc_stat_name(ep, KIPC_TYPE_MAILBOX, self->name, &info));
	close(ep);
	EXPECT_EQ(2, info.depth);
	EXPECT_EQ(5, info.bytes);
	EXPECT_TRUE(json_matches(self->out, &info, "mailbox"));
	EXPECT_NE(NULL, strstr(self->out, "\"mode\":384,"));	/* 0600 */
	/* The option may come after the operand, as with the other options. */
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl stat %s --json",
			self->name));
	EXPECT_TRUE(json_matches(self->out, &info, "mailbox"));
	EXPECT_EQ(2, sh(NULL, 0, "kipcctl stat --jason %s 2>/dev/null", self->name));
}

TEST_F(ctl, json_ls_is_one_object_per_line)
{
	char needle[KIPC_NAME_MAX + 16], line[1024], *p, *nl;
	struct kipc_info info;
	unsigned int lines = 0;
	uint64_t ep_id;
	int ep;

	ep = kipc_open(0);
	ASSERT_LE(0, ep);
	ep_id = kt_ep_id(ep);
	ASSERT_NE(0, ep_id);
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl ls --json"));
	/* No header, no table: every line an object with every key. */
	for (p = self->out; *p; p = nl + 1, lines++) {
		nl = strchr(p, '\n');
		ASSERT_NE(NULL, nl);
		ASSERT_LT(nl - p + 2, sizeof(line));
		memcpy(line, p, nl - p + 1);
		line[nl - p + 1] = '\0';
		EXPECT_EQ(ARRAY_SIZE(json_keys), json_check_keys(line)) {
			TH_LOG("line %u: %s", lines + 1, line);
		}
	}
	EXPECT_LE(2, lines);	/* at least our endpoint and our mailbox */
	snprintf(needle, sizeof(needle), "\"name\":\"%s\",", self->name);
	ASSERT_TRUE(only_line_with(self->out, needle, line, sizeof(line)));
	ASSERT_EQ(0, kipc_stat_name(ep, KIPC_TYPE_MAILBOX, self->name, &info));
	EXPECT_TRUE(json_matches(line, &info, "mailbox"));
	snprintf(needle, sizeof(needle), "{\"id\":%llu,", (unsigned long long)ep_id);
	ASSERT_TRUE(only_line_with(self->out, needle, line, sizeof(line)));
	ASSERT_EQ(0, kipc_stat(ep, ep_id, &info));
	EXPECT_TRUE(json_matches(line, &info, "endpoint"));
	EXPECT_EQ(getpid(), json_num(line, "pid"));
	close(ep);
}

TEST_F(ctl, json_names_are_escaped)
{
	/* A quote, a backslash, a tab and a byte that is not UTF-8; then é. */
	static const char name[] = "kt-\"q\\b\tt\xff-\xc3\xa9";
	static const char want[] = "\"name\":\"kt-\\\"q\\\\b\\u0009t\\ufffd-\xc3\xa9\",";
	char line[1024];
	uint64_t id;
	int ep, mb;

	ep = kipc_open(0);
	ASSERT_LE(0, ep);
	mb = kt_mbox(ep, name, 4, 0600, &id);
	ASSERT_LE(0, mb);
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl ls --json"));
	ASSERT_TRUE(only_line_with(self->out, want, line, sizeof(line))) {
		TH_LOG("no line with %s in:\n%s", want, self->out);
	}
	EXPECT_EQ(ARRAY_SIZE(json_keys), json_check_keys(line));
	EXPECT_EQ((long long)id, json_num(line, "id"));
	close(mb);
	close(ep);
}

TEST_F(ctl, json_ring_ls_and_stat)
{
	char name[KIPC_NAME_MAX], needle[KIPC_NAME_MAX + 16], line[1024];
	struct kipc_info info;
	int ep;

	kt_name(name, sizeof(name), "ctl-ring");
	ASSERT_EQ(0, sh(NULL, 0, "kipcctl ring create %s --slots 8 --slot-size 256",
			name));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl ring stat --json %s",
			name));
	EXPECT_EQ(ARRAY_SIZE(json_keys), json_check_keys(self->out));
	ep = kipc_open(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, kipc_stat_name(ep, KIPC_TYPE_RING, name, &info));
	close(ep);
	EXPECT_TRUE(json_matches(self->out, &info, "ring"));
	EXPECT_EQ(8, json_num(self->out, "max_msgs"));
	EXPECT_EQ(256 - sizeof(struct kipc_ring_slot), json_num(self->out, "msg_max"));
	ASSERT_EQ(0, sh(self->out, sizeof(self->out), "kipcctl ring ls --json"));
	snprintf(needle, sizeof(needle), "\"name\":\"%s\",", name);
	EXPECT_TRUE(only_line_with(self->out, needle, line, sizeof(line)));
	EXPECT_TRUE(json_matches(line, &info, "ring"));
	/* ring ls lists rings only: our mailbox is not there. */
	snprintf(needle, sizeof(needle), "\"name\":\"%s\",", self->name);
	EXPECT_EQ(NULL, strstr(self->out, needle));
	EXPECT_EQ(0, sh(NULL, 0, "kipcctl ring rm %s", name));
}

TEST_HARNESS_MAIN
