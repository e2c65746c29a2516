// SPDX-License-Identifier: MIT
/*
 * kipcctl --json: one struct kipc_info as one JSON object on one line.
 *
 * The keys are the field names of struct kipc_info in <linux/kipc.h>, in
 * its order, so scripts can rely on them as on the uapi; only "reserved"
 * is left out. "type" is spelled out ("endpoint", "mailbox", "ring",
 * "semaphore", "mutex"), the
 * rest are numbers as the kernel reported them (mode in decimal, as JSON
 * has no octal). Names are arbitrary bytes to the kernel: valid UTF-8 is
 * written as is, each byte that is not becomes U+FFFD, so the output is
 * always valid JSON; the id names such an object exactly.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kipcctl.h"

static const char *json_type(uint32_t type)
{
	switch (type) {
	case KIPC_TYPE_ENDPOINT:
		return "endpoint";
	case KIPC_TYPE_MAILBOX:
		return "mailbox";
	case KIPC_TYPE_RING:
		return "ring";
	case KIPC_TYPE_SEM:
		return "semaphore";
	case KIPC_TYPE_MUTEX:
		return "mutex";
	default:
		return "unknown";
	}
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len;

	putchar('"');
	while (n) {
		len = utf8_len(s, n);
		if (!len) {
			fputs("\\ufffd", stdout);
			len = 1;
		} else if (*s == '"' || *s == '\\') {
			printf("\\%c", *s);
		} else if (*s < 0x20 || *s == 0x7f) {
			printf("\\u%04x", *s);
		} else {
			fwrite(s, 1, len, stdout);
		}
		s += len;
		n -= len;
	}
	putchar('"');
}

void json_info(const struct kipc_info *info)
{
	char name[KIPC_NAME_MAX + 1];

	/* The kernel NUL-terminates; do not trust a short or odd entry. */
	memcpy(name, info->name, KIPC_NAME_MAX);
	name[KIPC_NAME_MAX] = '\0';

	printf("{\"id\":%llu,\"type\":\"%s\",\"flags\":%u,\"creator_ep\":%llu,\"name\":",
	       (unsigned long long)info->id, json_type(info->type), info->flags,
	       (unsigned long long)info->creator_ep);
	json_string(name);
	printf(",\"uid\":%u,\"gid\":%u,\"mode\":%u,\"pid\":%d,\"depth\":%u,"
	       "\"bytes\":%u,\"max_msgs\":%u,\"max_bytes\":%u,\"msg_max\":%u,"
	       "\"nr_senders\":%u,\"nr_receivers\":%u}\n",
	       info->uid, info->gid, info->mode, info->pid, info->depth,
	       info->bytes, info->max_msgs, info->max_bytes, info->msg_max,
	       info->nr_senders, info->nr_receivers);
}

int parse_json_opt(const char *cmd, int argc, char **argv, bool *json)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = false;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'j')
			return bad_option(cmd, c, argv);
		*json = true;
	}
	return 0;
}
