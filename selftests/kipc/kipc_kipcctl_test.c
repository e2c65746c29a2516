// SPDX-License-Identifier: GPL-2.0
/*
 * kipcctl from the shell, as a user drives it: create, send, recv, stat,
 * rm, batches (--count, --batch), exit statuses. kipcctl must be on PATH
 * (the test VM installs it in /usr/local/bin).
 */
#include <stdarg.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

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

TEST_HARNESS_MAIN
