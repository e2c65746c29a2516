// SPDX-License-Identifier: GPL-2.0
/*
 * kipc trace events through tracefs: with events/kipc enabled, a send
 * and a receive leave kipc_send, kipc_enqueue and kipc_recv lines that
 * name the right queue, sender, length and priority; a call and its
 * reply leave kipc_call and kipc_reply with the same token.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kipc_util.h"

#include "../kselftest_harness.h"

#define TRACEFS		"/sys/kernel/tracing"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* The trace buffer, NUL-terminated, into @buf. */
static int read_trace(char *buf, size_t len)
{
	int fd = open(TRACEFS "/trace", O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
	return 0;
}

FIXTURE(trace) {
	int ep;
	char buf[1 << 16];
};

FIXTURE_SETUP(trace)
{
	struct stat st;

	self->ep = -1;
	if (geteuid() != 0)
		SKIP(return, "tracefs needs root");
	if (stat(TRACEFS "/events", &st))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (stat(TRACEFS "/events", &st))
		SKIP(return, "no tracefs at " TRACEFS " (kernel without CONFIG_TRACING)");
	if (stat(TRACEFS "/events/kipc", &st))
		SKIP(return, "no kipc events (kernel without CONFIG_TRACEPOINTS)");
	ASSERT_EQ(0, write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, write_str(TRACEFS "/trace", ""));
	ASSERT_EQ(0, write_str(TRACEFS "/events/kipc/enable", "1"));
	ASSERT_EQ(0, write_str(TRACEFS "/tracing_on", "1"));
	self->ep = sys_kipc_open(0);
	ASSERT_GE(self->ep, 0);
}

FIXTURE_TEARDOWN(trace)
{
	if (self->ep >= 0)
		close(self->ep);
	write_str(TRACEFS "/events/kipc/enable", "0");
	write_str(TRACEFS "/trace", "");
}

TEST_F(trace, send_and_receive_leave_events)
{
	char line[256], payload[16];
	uint64_t mbox_id, ep_id = kt_ep_id(self->ep);
	int mfd;

	mfd = kt_mbox(self->ep, NULL, 4, 0600, &mbox_id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, sys_kipc_send(mfd, 0, "traced!", 7, 5, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(7, sys_kipc_recv(mfd, payload, sizeof(payload), NULL, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, read_trace(self->buf, sizeof(self->buf)));

	snprintf(line, sizeof(line),
		 "kipc_send: sender=%llu queue=%llu len=7 prio=5 flags=0x0 ret=0",
		 (unsigned long long)ep_id, (unsigned long long)mbox_id);
	EXPECT_NE(NULL, strstr(self->buf, line)) TH_LOG("no '%s' in:\n%s", line, self->buf);
	snprintf(line, sizeof(line),
		 "kipc_enqueue: queue=%llu sender=%llu len=7 prio=5 depth=1 parked=0",
		 (unsigned long long)mbox_id, (unsigned long long)ep_id);
	EXPECT_NE(NULL, strstr(self->buf, line)) TH_LOG("no '%s' in:\n%s", line, self->buf);
	snprintf(line, sizeof(line),
		 "kipc_recv: receiver=%llu queue=%llu sender=%llu len=7 prio=5 peek=0 ret=0",
		 (unsigned long long)ep_id, (unsigned long long)mbox_id,
		 (unsigned long long)ep_id);
	EXPECT_NE(NULL, strstr(self->buf, line)) TH_LOG("no '%s' in:\n%s", line, self->buf);
	/* The send comes before the receive. */
	EXPECT_LT(strstr(self->buf, "kipc_send:"), strstr(self->buf, "kipc_recv:"));
	close(mfd);
}

TEST_F(trace, an_empty_queue_leaves_an_error)
{
	char line[128], payload[4];
	uint64_t mbox_id;
	int mfd;

	mfd = kt_mbox(self->ep, NULL, 4, 0600, &mbox_id);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(-EAGAIN, sys_kipc_recv(mfd, payload, sizeof(payload), NULL, KIPC_NONBLOCK, NULL));
	ASSERT_EQ(0, write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, read_trace(self->buf, sizeof(self->buf)));
	snprintf(line, sizeof(line), "queue=%llu sender=0 len=0 prio=0 peek=0 ret=%d",
		 (unsigned long long)mbox_id, -EAGAIN);
	EXPECT_NE(NULL, strstr(self->buf, line)) TH_LOG("no '%s' in:\n%s", line, self->buf);
	close(mfd);
}

TEST_F(trace, call_and_reply_share_a_token)
{
	struct timespec ts = kt_ms(KT_WAIT_MS);
	struct kipc_msg_hdr hdr;
	char line[128], buf[16];
	int srv, status;
	pid_t pid;

	srv = sys_kipc_open(0);
	ASSERT_GE(srv, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char reply[8];

		KT_CHILD_CHECK(sys_kipc_call(self->ep, kt_ep_id(srv), "q", 1, 0, reply,
					 sizeof(reply), NULL, 0, NULL) == 2);
		_exit(0);
	}
	ASSERT_EQ(1, sys_kipc_recv(srv, buf, sizeof(buf), &hdr, 0, &ts));
	ASSERT_EQ(0, sys_kipc_reply(srv, hdr.token, "ok", 2));
	ASSERT_EQ(0, waitpid(pid, &status, 0) == pid ? 0 : -1);
	ASSERT_EQ(0, status);
	ASSERT_EQ(0, write_str(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, read_trace(self->buf, sizeof(self->buf)));
	snprintf(line, sizeof(line), "kipc_reply: server=%llu token=%llu len=2 ret=0",
		 (unsigned long long)kt_ep_id(srv), (unsigned long long)hdr.token);
	EXPECT_NE(NULL, strstr(self->buf, line)) TH_LOG("no '%s' in:\n%s", line, self->buf);
	snprintf(line, sizeof(line), "kipc_call: caller=%llu token=%llu len=2 ret=0",
		 (unsigned long long)kt_ep_id(self->ep), (unsigned long long)hdr.token);
	EXPECT_NE(NULL, strstr(self->buf, line)) TH_LOG("no '%s' in:\n%s", line, self->buf);
	close(srv);
}

TEST_HARNESS_MAIN
