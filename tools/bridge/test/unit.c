// SPDX-License-Identifier: MIT
/*
 * Host tests of kipc-bridge's parts that need neither NATS nor kipc: the
 * configuration parser and the identity envelope. Built with the sanitizers
 * (tools/bridge/test/Makefile) and run by make test-host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../bridge.h"
#include "../kipc_bridge_envelope.h"
#include "check.h"

/* Parse and finish @text; 0 or -1 with the message in @err. */
static int parse(struct kbr_config *cfg, const char *text, char *err, size_t len)
{
	kbr_config_init(cfg);
	err[0] = '\0';
	if (kbr_config_parse(cfg, text, "t.conf", err, len))
		return -1;
	return kbr_config_finish(cfg, err, len);
}

static void test_full(void)
{
	static const char text[] =
		"# a comment\n"
		"host = alpha   # trailing comment\n"
		"nats = nats://a:4222, nats://b:4222\n"
		"nats = nats://c:4222\n"
		"user = u\n"
		"password = p\n"
		"status_socket = /run/x.sock\n"
		"\n"
		"[export jobs]\n"
		"mailbox = jobs\n"
		"mode = jetstream\n"
		"envelope = yes\n"
		"stream_max_msgs = 200\n"
		"stream_storage = memory\n"
		"[import svc]\n"
		"mailbox = beta-svc\n"
		"remote = beta\n"
		"remote_mailbox = svc\n"
		"perm = 0666\n"
		"capacity = 0\n"
		"call_timeout = 1500\n"
		"[import raw]\n"
		"mailbox = raw\n"
		"subject = some.where.else\n";
	struct kbr_config cfg;
	char err[256];

	EXPECT(parse(&cfg, text, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	EXPECT(!strcmp(cfg.host, "alpha"));
	EXPECT(cfg.nservers == 3 && !strcmp(cfg.servers[1], "nats://b:4222"));
	EXPECT(cfg.password && !strcmp(cfg.password, "p"));
	EXPECT(cfg.nroutes == 3);
	if (cfg.nroutes == 3) {
		struct kbr_route *e = cfg.routes[0], *i = cfg.routes[1];

		EXPECT(e->dir == KBR_EXPORT && e->mode == KBR_JETSTREAM);
		EXPECT(!strcmp(e->subject, "kipc.alpha.jobs"));
		EXPECT(!strcmp(e->stream, "kipc_alpha_jobs"));
		EXPECT(e->envelope && e->stream_memory && e->stream_max_msgs == 200);
		EXPECT(i->dir == KBR_IMPORT && i->mode == KBR_CORE);
		EXPECT(!strcmp(i->subject, "kipc.beta.svc"));
		EXPECT(i->perm == 0666 && i->capacity == 0);
		EXPECT(i->call_timeout_ms == 1500);
		EXPECT(!strcmp(cfg.routes[2]->subject, "some.where.else"));
	}
	kbr_config_free(&cfg);
}

/* Each bad line is refused with its line number and what is wrong. */
static void test_errors(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "host = a b\n", "t.conf:1: host: 'a b'" },
		{ "host = a\nfoo = 1\n", "t.conf:2: unknown global key 'foo'" },
		{ "host = a\n[export x]\nmode = fast\n", "t.conf:3: mode: want core or jetstream" },
		{ "host = a\n[export x]\nfetch = 0\n", "t.conf:3: fetch: want a number in 1..1024" },
		{ "host = a\n[export x]\nfetch = 12x\n", "fetch: want a number" },
		{ "host = a\n[import x]\nperm = 0999\n", "perm: want a number" },
		{ "host = a\n[import x]\nmailbox = m\n", "no subject" },
		{ "host = a\n[export x]\nsubject = a.*\n", "subject: 'a.*'" },
		{ "host = a\n[export x]\nsubject = a..b\n", "subject: 'a..b'" },
		{ "host = a\n[export x]\nremote = b\n", "remote: only in an [import] section" },
		{ "host = a\n[export x]\nmailbox = m\n[import x]\n", "t.conf:4: route 'x' already defined on line 2" },
		{ "host = a\n[bridge x]\n", "unknown section [bridge]" },
		{ "host = a\n[export x\n", "want [export NAME]" },
		{ "host = a\n[export x]\nmailbox =\n", "mailbox: empty value" },
		{ "host = a\njust words\n", "t.conf:2: want 'key = value'" },
		{ "host = a\n[export x]\n", "[x]: no mailbox" },
		{ "[export x]\nmailbox = m\n", "no host name" },
		{ "host = a\n[export x]\nstream_max_msgs = 0\n", "want a positive count or -1" },
		{ "host = a\nnkey = UABC\n", "nkey and nkey_seed go together" },
		{ "host = a\npassword_file = /nonexistent/pw\n", "password_file: /nonexistent/pw" },
		{ "host = a\n[export m.x]\n", "route name 'm.x'" },
	};
	struct kbr_config cfg;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(&cfg, bad[i].text, err, sizeof(err));

		if (ret == 0 || !strstr(err, bad[i].want)) {
			fprintf(stderr, "case %zu: got %d '%s', want '%s'\n", i, ret,
				err, bad[i].want);
			failures++;
		}
		kbr_config_free(&cfg);
	}
}

static void test_password_file(void)
{
	char path[] = "/tmp/kbr-unit-XXXXXX", text[128], err[256];
	struct kbr_config cfg;
	int fd = mkstemp(path);

	EXPECT(fd >= 0);
	if (fd < 0)
		return;
	EXPECT(write(fd, "hunter2\n", 8) == 8);
	close(fd);
	snprintf(text, sizeof(text), "host = a\npassword_file = %s\n", path);
	EXPECT(parse(&cfg, text, err, sizeof(err)) == 0);
	EXPECT(cfg.password && !strcmp(cfg.password, "hunter2"));
	kbr_config_free(&cfg);
	unlink(path);
}

static void test_envelope(void)
{
	struct kipc_bridge_identity in = {
		.host = "beta", .sender_id = 0x0102030405060708ULL, .seq = 42,
		.uid = 1000, .gid = 100, .pid = 4242, .priority = 31,
	}, out;
	unsigned char buf[128];
	size_t n, cut;
	int ret;

	n = kipc_bridge_envelope_put(buf, sizeof(buf), &in);
	EXPECT(n == KIPC_BRIDGE_ENVELOPE_FIXED + 4);
	EXPECT(n == kipc_bridge_envelope_size(&in));
	memcpy(buf + n, "payload", 7);
	ret = kipc_bridge_envelope_parse(buf, n + 7, &out);
	EXPECT(ret == (int)n);
	EXPECT(!strcmp(out.host, "beta") && out.sender_id == in.sender_id &&
	       out.seq == 42 && out.uid == 1000 && out.gid == 100 &&
	       out.pid == 4242 && out.priority == 31);
	/* Byte order is fixed: little-endian on the wire. */
	EXPECT(buf[8] == 0x08 && buf[15] == 0x01);
	EXPECT(kipc_bridge_envelope_put(buf, n - 1, &in) == 0);

	/* Every truncation and a damaged field are refused, not misread. */
	for (cut = 0; cut < n; cut++)
		EXPECT(kipc_bridge_envelope_parse(buf, cut, &out) == -EBADMSG);
	buf[0] = 'X';
	EXPECT(kipc_bridge_envelope_parse(buf, n, &out) == -EBADMSG);
	buf[0] = 'K';
	buf[7] = 200;		/* host_len past the buffer */
	EXPECT(kipc_bridge_envelope_parse(buf, n, &out) == -EBADMSG);
	buf[7] = 4;
	buf[36] = 1;		/* reserved must be 0 */
	EXPECT(kipc_bridge_envelope_parse(buf, n, &out) == -EBADMSG);
	buf[36] = 0;
	EXPECT(kipc_bridge_envelope_parse(buf, n, &out) == (int)n);
}

int main(void)
{
	test_full();
	test_errors();
	test_password_file();
	test_envelope();
	if (failures) {
		fprintf(stderr, "kipc-bridge unit: %d failures\n", failures);
		return 1;
	}
	return 0;
}
