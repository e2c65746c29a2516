// SPDX-License-Identifier: MIT
/*
 * The configuration file: "key = value" lines, global ones first, then one
 * "[export NAME]" or "[import NAME]" section per route. '#' starts a
 * comment. kipc-bridge.conf(5) is the reference; kept free of NATS and
 * kipc calls so the host tests can run it under the sanitizers.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge.h"

/* Larger files are a mistake, not a configuration. */
#define KBR_CONFIG_MAX	(1U << 20)

struct parse {
	struct kbr_config *cfg;
	struct kbr_route *route;	/* the current section, NULL = global */
	const char *file;
	int line;
	char *err;
	size_t errlen;
};

static int perr(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parse *p, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);
	if (n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

bool kbr_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* Tokens of kbr_name_ok() joined by single dots: no wildcards, no spaces. */
static bool subject_ok(const char *s)
{
	char tok[KBR_SUBJECT_MAX];
	const char *dot;
	size_t n;

	for (;;) {
		dot = strchr(s, '.');
		n = dot ? (size_t)(dot - s) : strlen(s);
		if (n == 0 || n >= sizeof(tok))
			return false;
		memcpy(tok, s, n);
		tok[n] = '\0';
		if (!kbr_name_ok(tok))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int set_str(struct parse *p, const char *key, char *dst, size_t size,
		   const char *val)
{
	if (strlen(val) >= size)
		return perr(p, "%s: longer than %zu bytes", key, size - 1);
	strcpy(dst, val);
	return 0;
}

static int set_uint(struct parse *p, const char *key, const char *val,
		    unsigned long long min, unsigned long long max,
		    int base, unsigned int *dst)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(val, &end, base);
	if (errno || end == val || *end || val[0] == '-' || v < min || v > max)
		return perr(p, "%s: want a number in %llu..%llu, not '%s'",
			    key, min, max, val);
	*dst = (unsigned int)v;
	return 0;
}

/* A limit: a count, or -1 for none. */
static int set_limit(struct parse *p, const char *key, const char *val,
		     long long *dst)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(val, &end, 10);
	if (errno || end == val || *end || v < -1 || v == 0)
		return perr(p, "%s: want a positive count or -1, not '%s'",
			    key, val);
	*dst = v;
	return 0;
}

static int set_bool(struct parse *p, const char *key, const char *val,
		    bool *dst)
{
	if (!strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1"))
		*dst = true;
	else if (!strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "0"))
		*dst = false;
	else
		return perr(p, "%s: want yes or no, not '%s'", key, val);
	return 0;
}

/* Whole small file into a NUL-terminated buffer: 0 or -errno. */
static int read_file(const char *path, char **out)
{
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(KBR_CONFIG_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < KBR_CONFIG_MAX) {
		n = read(fd, buf + len, KBR_CONFIG_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (!ret && len == KBR_CONFIG_MAX)
		ret = -EFBIG;
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static int add_servers(struct parse *p, const char *val)
{
	struct kbr_config *cfg = p->cfg;
	char *copy, *tok, *save = NULL;

	copy = strdup(val);
	if (!copy)
		return perr(p, "out of memory");
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (cfg->nservers == KBR_SERVERS_MAX) {
			free(copy);
			return perr(p, "nats: at most %d servers", KBR_SERVERS_MAX);
		}
		cfg->servers[cfg->nservers] = strdup(tok);
		if (!cfg->servers[cfg->nservers]) {
			free(copy);
			return perr(p, "out of memory");
		}
		cfg->nservers++;
	}
	free(copy);
	return 0;
}

static int global_key(struct parse *p, const char *key, const char *val)
{
	struct kbr_config *cfg = p->cfg;
	char *pw;
	int ret;

	if (!strcmp(key, "host")) {
		if (!kbr_name_ok(val) || strlen(val) >= sizeof(cfg->host))
			return perr(p, "host: '%s': want 1..%zu of [A-Za-z0-9_-]",
				    val, sizeof(cfg->host) - 1);
		strcpy(cfg->host, val);
		return 0;
	}
	if (!strcmp(key, "nats"))
		return add_servers(p, val);
	if (!strcmp(key, "user"))
		return set_str(p, key, cfg->user, sizeof(cfg->user), val);
	if (!strcmp(key, "password") || !strcmp(key, "password_file")) {
		if (!strcmp(key, "password")) {
			pw = strdup(val);
		} else {
			ret = read_file(val, &pw);
			if (ret)
				return perr(p, "password_file: %s: %s", val,
					    strerror(-ret));
			/* A trailing newline is the editor's, not the password's. */
			pw[strcspn(pw, "\r\n")] = '\0';
		}
		if (!pw)
			return perr(p, "out of memory");
		free(cfg->password);
		cfg->password = pw;
		return 0;
	}
	if (!strcmp(key, "nkey"))
		return set_str(p, key, cfg->nkey, sizeof(cfg->nkey), val);
	if (!strcmp(key, "nkey_seed"))
		return set_str(p, key, cfg->nkey_seed, sizeof(cfg->nkey_seed), val);
	if (!strcmp(key, "creds"))
		return set_str(p, key, cfg->creds, sizeof(cfg->creds), val);
	if (!strcmp(key, "tls"))
		return set_bool(p, key, val, &cfg->tls);
	if (!strcmp(key, "tls_ca"))
		return set_str(p, key, cfg->tls_ca, sizeof(cfg->tls_ca), val);
	if (!strcmp(key, "tls_cert"))
		return set_str(p, key, cfg->tls_cert, sizeof(cfg->tls_cert), val);
	if (!strcmp(key, "tls_key"))
		return set_str(p, key, cfg->tls_key, sizeof(cfg->tls_key), val);
	if (!strcmp(key, "status_socket"))
		return set_str(p, key, cfg->status_socket,
			       sizeof(cfg->status_socket), val);
	if (!strcmp(key, "connect_timeout"))
		return set_uint(p, key, val, 1, 600000, 10,
				&cfg->connect_timeout_ms);
	return perr(p, "unknown global key '%s'", key);
}

static int route_key(struct parse *p, const char *key, const char *val)
{
	struct kbr_route *r = p->route;
	bool imp = r->dir == KBR_IMPORT;
	bool mem;

	if (!strcmp(key, "mailbox")) {
		if (strlen(val) >= sizeof(r->mailbox))
			return perr(p, "mailbox: longer than %d bytes",
				    KIPC_NAME_MAX - 1);
		strcpy(r->mailbox, val);
		return 0;
	}
	if (!strcmp(key, "subject")) {
		if (!subject_ok(val) || strlen(val) >= sizeof(r->subject) - 8)
			return perr(p, "subject: '%s': want tokens of [A-Za-z0-9_-] joined by '.'",
				    val);
		strcpy(r->subject, val);
		return 0;
	}
	if (!strcmp(key, "remote")) {
		/* Shorthand for the subject the remote host exports. */
		if (!imp)
			return perr(p, "remote: only in an [import] section");
		if (!kbr_name_ok(val))
			return perr(p, "remote: '%s' is not a host name", val);
		if (snprintf(r->subject, sizeof(r->subject), "kipc.%s.", val) >=
		    (int)sizeof(r->subject))
			return perr(p, "remote: too long");
		/* kbr_config_finish() appends the remote mailbox. */
		return 0;
	}
	if (!strcmp(key, "remote_mailbox")) {
		if (!imp)
			return perr(p, "remote_mailbox: only in an [import] section");
		return set_str(p, key, r->remote_mailbox,
			       sizeof(r->remote_mailbox), val);
	}
	if (!strcmp(key, "mode")) {
		if (!strcmp(val, "core"))
			r->mode = KBR_CORE;
		else if (!strcmp(val, "jetstream"))
			r->mode = KBR_JETSTREAM;
		else
			return perr(p, "mode: want core or jetstream, not '%s'", val);
		return 0;
	}
	if (!strcmp(key, "stream")) {
		if (!kbr_name_ok(val) || strlen(val) >= sizeof(r->stream))
			return perr(p, "stream: '%s': want 1..%zu of [A-Za-z0-9_-]",
				    val, sizeof(r->stream) - 1);
		strcpy(r->stream, val);
		return 0;
	}
	if (!strcmp(key, "fetch"))
		return set_uint(p, key, val, 1, 1024, 10, &r->fetch);
	if (!strcmp(key, "max_ack_pending"))
		return set_uint(p, key, val, 1, 65536, 10, &r->max_ack_pending);
	if (!strcmp(key, "call_workers"))
		return set_uint(p, key, val, 1, 256, 10, &r->call_workers);
	if (!strcmp(key, "call_timeout"))
		return set_uint(p, key, val, 1, 3600000, 10, &r->call_timeout_ms);
	if (!strcmp(key, "core_wait"))
		return set_uint(p, key, val, 0, 60000, 10, &r->core_wait_ms);
	if (!strcmp(key, "envelope"))
		return set_bool(p, key, val, &r->envelope);
	if (!strcmp(key, "calls"))
		return set_bool(p, key, val, &r->calls);
	if (!strcmp(key, "create"))
		return set_bool(p, key, val, &r->create);
	if (!strcmp(key, "capacity"))
		return set_uint(p, key, val, 0, KIPC_QUEUE_MSGS_MAX, 10,
				&r->capacity);
	if (!strcmp(key, "perm"))
		return set_uint(p, key, val, 0, 0777, 8, &r->perm);
	if (!strcmp(key, "stream_max_msgs"))
		return set_limit(p, key, val, &r->stream_max_msgs);
	if (!strcmp(key, "stream_max_bytes"))
		return set_limit(p, key, val, &r->stream_max_bytes);
	if (!strcmp(key, "stream_storage")) {
		if (!strcmp(val, "file"))
			mem = false;
		else if (!strcmp(val, "memory"))
			mem = true;
		else
			return perr(p, "stream_storage: want file or memory, not '%s'",
				    val);
		r->stream_memory = mem;
		return 0;
	}
	return perr(p, "unknown key '%s' in [%s %s]", key,
		    imp ? "import" : "export", r->name);
}

static int section(struct parse *p, char *s)
{
	struct kbr_config *cfg = p->cfg;
	struct kbr_route *r;
	char *end = strchr(s, ']'), *kind, *name;
	int i;

	if (!end || trim(end + 1)[0])
		return perr(p, "want [export NAME] or [import NAME]");
	*end = '\0';
	kind = trim(s + 1);
	name = kind + strcspn(kind, " \t");
	if (*name)
		*name++ = '\0';
	name = trim(name);
	if (strcmp(kind, "export") && strcmp(kind, "import"))
		return perr(p, "unknown section [%s]: want export or import", kind);
	if (!kbr_name_ok(name) || strlen(name) >= sizeof(r->name))
		return perr(p, "route name '%s': want 1..%zu of [A-Za-z0-9_-]",
			    name, sizeof(r->name) - 1);
	for (i = 0; i < cfg->nroutes; i++)
		if (!strcmp(cfg->routes[i]->name, name))
			return perr(p, "route '%s' already defined on line %d",
				    name, cfg->routes[i]->line);
	if (cfg->nroutes == KBR_ROUTES_MAX)
		return perr(p, "at most %d routes", KBR_ROUTES_MAX);
	r = calloc(1, sizeof(*r));
	if (!r)
		return perr(p, "out of memory");
	strcpy(r->name, name);
	r->dir = kind[0] == 'e' ? KBR_EXPORT : KBR_IMPORT;
	r->mode = KBR_CORE;
	r->fetch = 32;
	r->max_ack_pending = 256;
	r->call_workers = 4;
	r->call_timeout_ms = 5000;
	r->core_wait_ms = 100;
	r->calls = true;
	r->create = true;
	r->capacity = KIPC_MBOX_DEFAULT_MSGS;
	r->perm = 0660;
	r->stream_max_msgs = -1;
	r->stream_max_bytes = -1;
	r->line = p->line;
	pthread_mutex_init(&r->state_lock, NULL);
	strcpy(r->state, "starting");
	cfg->routes[cfg->nroutes++] = r;
	p->route = r;
	return 0;
}

void kbr_config_init(struct kbr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 5000;
}

int kbr_config_parse(struct kbr_config *cfg, const char *text,
		     const char *file, char *err, size_t errlen)
{
	struct parse p = { .cfg = cfg, .file = file, .err = err, .errlen = errlen };
	char *copy, *line, *next, *s, *eq, *key, *val;
	int ret = 0;

	copy = strdup(text);
	if (!copy) {
		snprintf(err, errlen, "%s: out of memory", file);
		return -1;
	}
	for (line = copy; line && !ret; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		s = line + strcspn(line, "#");
		*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			ret = section(&p, s);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			ret = perr(&p, "want 'key = value'");
			continue;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!*val)
			ret = perr(&p, "%s: empty value", key);
		else if (p.route)
			ret = route_key(&p, key, val);
		else
			ret = global_key(&p, key, val);
	}
	free(copy);
	return ret;
}

int kbr_config_load(struct kbr_config *cfg, const char *path,
		    char *err, size_t errlen)
{
	char *text;
	int ret;

	ret = read_file(path, &text);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return -1;
	}
	ret = kbr_config_parse(cfg, text, path, err, errlen);
	free(text);
	return ret;
}

int kbr_config_finish(struct kbr_config *cfg, char *err, size_t errlen)
{
	struct kbr_route *r;
	size_t n;
	char *c;
	int i;

	if (!cfg->host[0]) {
		snprintf(err, errlen, "no host name (host = NAME or --host)");
		return -1;
	}
	if (!cfg->nservers) {
		cfg->servers[0] = strdup("nats://127.0.0.1:4222");
		if (!cfg->servers[0])
			return -1;
		cfg->nservers = 1;
	}
	if ((cfg->nkey[0] != 0) != (cfg->nkey_seed[0] != 0)) {
		snprintf(err, errlen, "nkey and nkey_seed go together");
		return -1;
	}
	if ((cfg->tls_cert[0] != 0) != (cfg->tls_key[0] != 0)) {
		snprintf(err, errlen, "tls_cert and tls_key go together");
		return -1;
	}
	if (!cfg->status_socket[0]) {
		const char *dir = getenv("XDG_RUNTIME_DIR");

		n = snprintf(cfg->status_socket, sizeof(cfg->status_socket),
			     "%s/kipc-bridge.%s.sock", dir && *dir ? dir : "/run",
			     cfg->host);
		if (n >= sizeof(cfg->status_socket)) {
			snprintf(err, errlen, "status socket path too long");
			return -1;
		}
	}
	for (i = 0; i < cfg->nroutes; i++) {
		r = cfg->routes[i];
		if (!r->mailbox[0]) {
			snprintf(err, errlen, "line %d: [%s]: no mailbox", r->line,
				 r->name);
			return -1;
		}
		n = strlen(r->subject);
		if (r->dir == KBR_EXPORT && !n)
			snprintf(r->subject, sizeof(r->subject), "kipc.%s.%s",
				 cfg->host, r->mailbox);
		else if (n && r->subject[n - 1] == '.')	/* remote = HOST */
			snprintf(r->subject + n, sizeof(r->subject) - n, "%s",
				 r->remote_mailbox[0] ? r->remote_mailbox :
							r->mailbox);
		if (!r->subject[0]) {
			snprintf(err, errlen,
				 "line %d: [import %s]: no subject (subject = or remote =)",
				 r->line, r->name);
			return -1;
		}
		if (!subject_ok(r->subject)) {
			snprintf(err, errlen,
				 "line %d: [%s]: subject '%s' is not a plain NATS subject (set subject =)",
				 r->line, r->name, r->subject);
			return -1;
		}
		if (r->dir == KBR_EXPORT && r->mode == KBR_JETSTREAM &&
		    !r->stream[0]) {
			/* The subject with '_' for '.': a valid stream name. */
			snprintf(r->stream, sizeof(r->stream), "%s", r->subject);
			for (c = r->stream; *c; c++)
				if (*c == '.')
					*c = '_';
		}
	}
	return 0;
}

void kbr_config_print(const struct kbr_config *cfg, FILE *f)
{
	const struct kbr_route *r;
	int i;

	fprintf(f, "host = %s\n", cfg->host);
	for (i = 0; i < cfg->nservers; i++)
		fprintf(f, "nats = %s\n", cfg->servers[i]);
	if (cfg->user[0])
		fprintf(f, "user = %s\n", cfg->user);
	if (cfg->password)
		fprintf(f, "password = (set)\n");
	if (cfg->nkey[0])
		fprintf(f, "nkey = %s\nnkey_seed = %s\n", cfg->nkey, cfg->nkey_seed);
	if (cfg->creds[0])
		fprintf(f, "creds = %s\n", cfg->creds);
	if (cfg->tls || cfg->tls_ca[0] || cfg->tls_cert[0])
		fprintf(f, "tls = yes\n");
	fprintf(f, "status_socket = %s\n", cfg->status_socket);
	for (i = 0; i < cfg->nroutes; i++) {
		r = cfg->routes[i];
		fprintf(f, "\n[%s %s]\nmailbox = %s\nsubject = %s\nmode = %s\n",
			r->dir == KBR_EXPORT ? "export" : "import", r->name,
			r->mailbox, r->subject,
			r->mode == KBR_CORE ? "core" : "jetstream");
		if (r->dir == KBR_EXPORT && r->mode == KBR_JETSTREAM)
			fprintf(f, "stream = %s\nfetch = %u\nmax_ack_pending = %u\n"
				"stream_max_msgs = %lld\nstream_max_bytes = %lld\n"
				"stream_storage = %s\n",
				r->stream, r->fetch, r->max_ack_pending,
				r->stream_max_msgs, r->stream_max_bytes,
				r->stream_memory ? "memory" : "file");
		if (r->dir == KBR_EXPORT)
			fprintf(f, "envelope = %s\ncalls = %s\n",
				r->envelope ? "yes" : "no", r->calls ? "yes" : "no");
		if (r->dir == KBR_EXPORT && r->mode == KBR_CORE)
			fprintf(f, "core_wait = %u\n", r->core_wait_ms);
		if (r->dir == KBR_IMPORT)
			fprintf(f, "create = %s\ncapacity = %u\nperm = %04o\n"
				"call_timeout = %u\n",
				r->create ? "yes" : "no", r->capacity, r->perm,
				r->call_timeout_ms);
		fprintf(f, "call_workers = %u\n", r->call_workers);
	}
}

void kbr_config_free(struct kbr_config *cfg)
{
	int i;

	for (i = 0; i < cfg->nservers; i++)
		free(cfg->servers[i]);
	for (i = 0; i < cfg->nroutes; i++) {
		pthread_mutex_destroy(&cfg->routes[i]->state_lock);
		free(cfg->routes[i]);
	}
	if (cfg->password) {
		explicit_bzero(cfg->password, strlen(cfg->password));
		free(cfg->password);
	}
	memset(cfg, 0, sizeof(*cfg));
}
