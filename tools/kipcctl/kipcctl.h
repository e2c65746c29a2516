/* SPDX-License-Identifier: MIT */
/* kipcctl: what the command files share. */
#ifndef KIPCCTL_H
#define KIPCCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <libkipc.h>

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_USAGE	2
#define EXIT_EMPTY	3	/* timed out, empty, would block */

/*
 * What a NAME|ID argument designates: an all-digits argument is an id,
 * anything else a name; with the "ep:" prefix (where allowed) an endpoint
 * rather than a mailbox.
 */
struct target {
	const char *arg;	/* as given, for messages */
	const char *name;	/* NULL when addressed by id */
	uint64_t id;
	bool endpoint;
};

/* Commands: argc/argv start at the command name; return an exit status. */
int cmd_ls(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_recv(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_ring(int argc, char **argv);
int cmd_sem(int argc, char **argv);
int cmd_mutex(int argc, char **argv);

/* "kipcctl: CMD: OBJ: message" (OBJ may be NULL); returns the exit status. */
int fail(const char *cmd, const char *obj, int err);
/* "kipcctl: CMD: message" plus a hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* For getopt_long's ':' (missing value) and '?' (unknown option). */
int bad_option(const char *cmd, int c, char **argv);
/* Open an endpoint for CMD, or print why not and return -1. */
int open_endpoint(const char *cmd);
/* Parse NAME|ID (and ep:NAME|ep:ID if @allow_ep); 0 or EXIT_USAGE. */
int parse_target(const char *cmd, const char *arg, bool allow_ep,
		 struct target *t);
/* Open the mailbox @t names through @ep: its fd, or -errno. */
int open_mailbox(int ep, const struct target *t);
/* Describe the object @t names (checking its type): 0 or -errno. */
int stat_target(int ep, const struct target *t, struct kipc_info *info);
/* Parse an unsigned decimal in [min, max] for option @opt: 0 or EXIT_USAGE. */
int parse_uint(const char *cmd, const char *opt, const char *s,
	       unsigned long long min, unsigned long long max,
	       unsigned long long *out);
/* --timeout MS as a relative timespec: 0 or EXIT_USAGE. */
int parse_timeout(const char *cmd, const char *s, struct timespec *ts);
/* The only option of ls and stat: --json. 0 or EXIT_USAGE; operands at optind. */
int parse_json_opt(const char *cmd, int argc, char **argv, bool *json);
/* @info as one line of JSON, keys named as in struct kipc_info. */
void json_info(const struct kipc_info *info);

#endif
