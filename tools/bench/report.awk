# SPDX-License-Identifier: MIT
# Medians of kipc-bench's JSON lines, the markdown table and the chart data.
#
#   awk -v out=DIR -f report.awk RAW.jsonl...
#
# Writes DIR/latest.jsonl (one median per env, transport, size and metric),
# DIR/latest.md (tables with ratios against pipe and POSIX mq, and the
# goal ratios) and DIR/data/ENV-METRIC-TRANSPORT.dat for gnuplot. Plain
# POSIX awk: Debian's default awk is mawk.

function field(line, name,    m) {
	if (!match(line, "\"" name "\":\"[^\"]*\""))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub("^\"" name "\":\"", "", m)
	sub("\"$", "", m)
	return m
}
function num(line, name,    m) {
	if (!match(line, "\"" name "\":[-+0-9.eE]+"))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub("^\"" name "\":", "", m)
	return m + 0
}
function median(key,    n, i, j, v, t, a) {
	n = cnt[key]
	for (i = 1; i <= n; i++)
		a[i] = vals[key, i]
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
	if (n % 2)
		return a[(n + 1) / 2]
	return (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmt(v) {
	if (v == "")
		return "n/a"
	if (v >= 100)
		return sprintf("%.0f", v)
	if (v >= 10)
		return sprintf("%.1f", v)
	if (v >= 0.1 || v == 0)
		return sprintf("%.2f", v)
	return sprintf("%.4f", v)
}
# The median in the table's unit, or "" when there is none.
function shown(env, t, size, metric,    key) {
	key = env SUBSEP t SUBSEP size SUBSEP metric
	if (!(key in med))
		return ""
	return med[key] / scale[metric]
}
function ratio(a, b) {
	if (a == "" || b == "" || b == 0)
		return "n/a"
	return sprintf("%.2fx", a / b)
}
function goal(text, env, t1, s1, m1, t2, s2, m2,    a, b) {
	a = shown(env, t1, s1, m1)
	b = shown(env, t2, s2, m2)
	printf("| %s | %s | %s | %s |\n", text, fmt(a), fmt(b), ratio(a, b)) > md
}
# One goal: @a ÷ @b against @target, "<=" or ">=" (@op); "n/a" when a
# figure is missing (that environment or transport did not run).
function check(text, a, b, op, target,    r, ok) {
	if (a == "" || b == "" || b == 0) {
		printf("| %s | %s %s | n/a | n/a |\n", text, op, target) > md
		return
	}
	r = a / b
	ok = op == "<=" ? r <= target : r >= target
	printf("| %s | %s %s | %.2f | %s |\n", text, op, target, r,
	       ok ? "met" : "missed") > md
	ngoals++
	if (ok)
		nmet++
}
function want(text, env, t1, s1, m1, t2, s2, m2, op, target) {
	check(text, shown(env, t1, s1, m1), shown(env, t2, s2, m2), op, target)
}

{
	gsub("\r", "")
	if ($0 !~ /^\{"env"/)
		next
	env = field($0, "env"); t = field($0, "transport")
	size = num($0, "size"); metric = field($0, "metric"); v = num($0, "value")
	if (env == "" || t == "" || metric == "" || v == "")
		next
	key = env SUBSEP t SUBSEP size SUBSEP metric
	if (!(key in cnt)) {
		order[++nkeys] = key
		if (!((env, t) in seen_t)) {
			seen_t[env, t] = 1
			tlist[env, ++nt[env]] = t
		}
		if (!(env in seen_env)) {
			seen_env[env] = 1
			envs[++nenv] = env
		}
	}
	vals[key, ++cnt[key]] = v
}

END {
	md = out "/latest.md"
	js = out "/latest.jsonl"
	printf("") > js
	nsizes = split("8 64 4096 65536 1048576", sizes, " ")
	split("8 B|64 B|4 KiB|64 KiB|1 MiB", sname, "|")
	nm = split("rtt_p50_ns rtt_p99_ns msgs_per_s gbytes_per_s syscalls_per_msg cpu_ns_per_msg", metrics, " ")
	title["rtt_p50_ns"] = "round trip p50, µs"; scale["rtt_p50_ns"] = 1000
	title["rtt_p99_ns"] = "round trip p99, µs"; scale["rtt_p99_ns"] = 1000
	title["msgs_per_s"] = "one-way, thousand messages/s"; scale["msgs_per_s"] = 1000
	title["gbytes_per_s"] = "one-way, GB/s"; scale["gbytes_per_s"] = 1
	title["syscalls_per_msg"] = "system calls per message (both sides, streaming)"; scale["syscalls_per_msg"] = 1
	title["cpu_ns_per_msg"] = "CPU time per message (both sides, streaming), µs"; scale["cpu_ns_per_msg"] = 1000
	# kipc-bench --sync: figures of no message size (size 0).
	scale["uncontended_ns"] = 1; scale["contended_ns"] = 1
	scale["handoff_ns"] = 1; scale["handoffs_per_op"] = 1
	envname["vm-icount"] = "QEMU TCG, icount (one vCPU, 1 instruction = 1 ns), Linux 6.12, kernel-owned kipc"
	envname["vm-smp2"] = "QEMU TCG, two vCPUs, no icount (wall-clock, depends on host load), Linux 6.12, kernel-owned kipc"
	envname["native"] = "native host, userspace only (kipc rings over a memfd)"

	for (k = 1; k <= nkeys; k++) {
		key = order[k]
		split(key, p, SUBSEP)
		med[key] = median(key)
		printf("{\"transport\":\"%s\",\"size\":%s,\"metric\":\"%s\",\"value\":%.6g,\"env\":\"%s\",\"reps\":%d}\n",
		       p[2], p[3], p[4], med[key], p[1], cnt[key]) > js
		printf("%s %.6g\n", p[3], med[key]) >> (out "/data/" p[1] "-" p[4] "-" p[2] ".dat")
	}

	printf("") > md
	for (e = 1; e <= nenv; e++) {
		env = envs[e]
		printf("### %s: %s\n\n", env, envname[env]) > md
		for (m = 1; m <= nm; m++) {
			metric = metrics[m]
			printf("**%s**; medians; last columns: the 64 B value ÷ pipe's and ÷ posix-mq's\n\n", title[metric]) > md
			printf("| transport |") > md
			for (s = 1; s <= nsizes; s++)
				printf(" %s |", sname[s]) > md
			printf(" ÷ pipe | ÷ posix-mq |\n|---|") > md
			for (s = 1; s <= nsizes + 2; s++)
				printf("---:|") > md
			printf("\n") > md
			for (i = 1; i <= nt[env]; i++) {
				t = tlist[env, i]
				any = 0
				for (s = 1; s <= nsizes; s++)
					if (shown(env, t, sizes[s], metric) != "")
						any = 1
				if (!any)
					continue
				printf("| %s |", t) > md
				for (s = 1; s <= nsizes; s++)
					printf(" %s |", fmt(shown(env, t, sizes[s], metric))) > md
				v = shown(env, t, 64, metric)
				printf(" %s | %s |\n", ratio(v, shown(env, "pipe", 64, metric)),
				       ratio(v, shown(env, "posix-mq", 64, metric))) > md
			}
			printf("\n") > md
		}
	}

	printf("### Goals\n\n") > md
	printf("Each a ratio of medians from this run; 64 B unless said.\n\n") > md
	printf("| goal | target | ratio | |\n|---|---:|---:|---|\n") > md
	v = "vm-icount"
	want("VM round trip: kipc-mbox ÷ posix-mq", v, "kipc-mbox", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns", "<=", 1.0)
	want("VM round trip: kipc-mbox ÷ pipe", v, "kipc-mbox", 64, "rtt_p50_ns", "pipe", 64, "rtt_p50_ns", "<=", 1.0)
	want("VM round trip: kipc-mbox-rw (read/write) ÷ posix-mq", v, "kipc-mbox-rw", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns", "<=", 1.0)
	want("VM round trip: kipc-mbox-rw (read/write) ÷ pipe", v, "kipc-mbox-rw", 64, "rtt_p50_ns", "pipe", 64, "rtt_p50_ns", "<=", 1.0)
	want("VM round trip: kipc-mbox-sendrecv ÷ posix-mq", v, "kipc-mbox-sendrecv", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns", "<=", 0.8)
	want("VM round trip: kipc-call ÷ posix-mq", v, "kipc-call", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns", "<=", 0.8)
	want("VM round trip: kipc-rendezvous ÷ posix-mq", v, "kipc-rendezvous", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns", "<=", 1.2)
	want("VM round trip: kipc-mbox ÷ eventfd-pingpong", v, "kipc-mbox", 64, "rtt_p50_ns", "eventfd-pingpong", 64, "rtt_p50_ns", "<=", 1.15)
	want("VM round trip: kipc-mbox ÷ futex-shm", v, "kipc-mbox", 64, "rtt_p50_ns", "futex-shm", 64, "rtt_p50_ns", "<=", 1.15)
	want("VM round trip: kipc-mbox ÷ kipc-direct", v, "kipc-mbox", 64, "rtt_p50_ns", "kipc-direct", 64, "rtt_p50_ns", "<=", 1.1)
	want("VM one-way msgs/s: kipc-mbox ÷ posix-mq", v, "kipc-mbox", 64, "msgs_per_s", "posix-mq", 64, "msgs_per_s", ">=", 1.0)
	want("VM one-way msgs/s: kipc-mbox-rw (read/write) ÷ posix-mq", v, "kipc-mbox-rw", 64, "msgs_per_s", "posix-mq", 64, "msgs_per_s", ">=", 1.0)
	want("VM one-way msgs/s: kipc-mbox-batch (16 per call) ÷ posix-mq", v, "kipc-mbox-batch", 64, "msgs_per_s", "posix-mq", 64, "msgs_per_s", ">=", 3.0)
	want("VM one-way msgs/s: kipc-uring-b64 ÷ kipc-mbox-batch", v, "kipc-uring-b64", 64, "msgs_per_s", "kipc-mbox-batch", 64, "msgs_per_s", ">=", 1.0)
	want("VM one-way msgs/s: kipc-uring-b64 ÷ posix-mq", v, "kipc-uring-b64", 64, "msgs_per_s", "posix-mq", 64, "msgs_per_s", ">=", 3.0)
	# Both sides together: 1/32 per side is 2/32 per message.
	check("VM kipc-uring-b64 system calls per message, both sides (÷ 1)", shown(v, "kipc-uring-b64", 64, "syscalls_per_msg"), 1, "<=", 0.0625)
	# The same goals with the batch in one command (XFER SQE, 64 messages).
	want("VM one-way msgs/s: kipc-uring-x64 (64 per SQE) ÷ kipc-mbox-batch", v, "kipc-uring-x64", 64, "msgs_per_s", "kipc-mbox-batch", 64, "msgs_per_s", ">=", 1.0)
	want("VM one-way msgs/s: kipc-uring-x64 (64 per SQE) ÷ posix-mq", v, "kipc-uring-x64", 64, "msgs_per_s", "posix-mq", 64, "msgs_per_s", ">=", 3.0)
	check("VM kipc-uring-x64 system calls per message, both sides (÷ 1)", shown(v, "kipc-uring-x64", 64, "syscalls_per_msg"), 1, "<=", 0.0625)
	a = shown("vm-smp2", "kipc-mbox-pairs1", 64, "msgs_per_s")
	b = shown("vm-smp2", "posix-mq-pairs1", 64, "msgs_per_s")
	check("2 vCPUs, 2 pairs ÷ 1 pair, msgs/s: kipc-mbox's ÷ posix-mq's", a == "" ? "" : shown("vm-smp2", "kipc-mbox-pairs2", 64, "msgs_per_s") / a, b == "" ? "" : shown("vm-smp2", "posix-mq-pairs2", 64, "msgs_per_s") / b, ">=", 1.0)
	want("native one-way msgs/s: memfd-ring-spsc ÷ pipe", "native", "memfd-ring-spsc", 64, "msgs_per_s", "pipe", 64, "msgs_per_s", ">=", 10)
	want("native 1 MiB GB/s: memfd-ring-spsc (copy) ÷ memcpy", "native", "memfd-ring-spsc", 1048576, "gbytes_per_s", "memcpy", 1048576, "gbytes_per_s", ">=", 0.7)
	want("VM round trip: ring-spsc-zc 1 MiB ÷ 64 B", v, "ring-spsc-zc", 1048576, "rtt_p50_ns", "ring-spsc-zc", 64, "rtt_p50_ns", "<=", 1.2)
	want("native round trip: memfd-ring-spsc-zc-poll (never sleeping) 1 MiB ÷ 64 B", "native", "memfd-ring-spsc-zc-poll", 1048576, "rtt_p50_ns", "memfd-ring-spsc-zc-poll", 64, "rtt_p50_ns", "<=", 1.2)
	want("native 8 B round trip: memfd-ring-spsc-poll ÷ cacheline", "native", "memfd-ring-spsc-poll", 8, "rtt_p50_ns", "cacheline", 8, "rtt_p50_ns", "<=", 4)
	printf("\n%d of %d goals met.\n\n", nmet, ngoals) > md

	printf("### Selected ratios\n\n") > md
	printf("| goal | value | against | ratio |\n|---|---:|---:|---:|\n") > md
	goal("VM: kipc-mbox 64 B round trip p50 (µs) vs posix-mq", "vm-icount", "kipc-mbox", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns")
	goal("VM: posix-mq-kipc (libkipc-preload) 64 B round trip p50 (µs) vs posix-mq", "vm-icount", "posix-mq-kipc", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns")
	goal("VM: posix-mq-kipc (libkipc-preload) 64 B thousand msgs/s vs posix-mq", "vm-icount", "posix-mq-kipc", 64, "msgs_per_s", "posix-mq", 64, "msgs_per_s")
	goal("VM: sysv-msg-kipc (libkipc-preload) 64 B round trip p50 (µs) vs sysv-msg", "vm-icount", "sysv-msg-kipc", 64, "rtt_p50_ns", "sysv-msg", 64, "rtt_p50_ns")
	goal("VM: sysv-msg-kipc (libkipc-preload) 64 B thousand msgs/s vs sysv-msg", "vm-icount", "sysv-msg-kipc", 64, "msgs_per_s", "sysv-msg", 64, "msgs_per_s")
	goal("VM: kipc-mbox 64 B round trip p50 (µs) vs eventfd-shm", "vm-icount", "kipc-mbox", 64, "rtt_p50_ns", "eventfd-shm", 64, "rtt_p50_ns")
	goal("VM: kipc-mbox 64 B round trip p50 (µs) vs kipc-direct", "vm-icount", "kipc-mbox", 64, "rtt_p50_ns", "kipc-direct", 64, "rtt_p50_ns")
	goal("VM: kipc-mbox-sendrecv (one call per side) 64 B round trip p50 (µs) vs posix-mq", "vm-icount", "kipc-mbox-sendrecv", 64, "rtt_p50_ns", "posix-mq", 64, "rtt_p50_ns")
	goal("VM: kipc-mbox-batch (16 per call) 64 B thousand msgs/s vs posix-mq", "vm-icount", "kipc-mbox-batch", 64, "msgs_per_s", "posix-mq", 64, "msgs_per_s")
	goal("VM: kipc-mbox-batch (16 per call) 64 B syscalls/msg, both sides, vs kipc-mbox", "vm-icount", "kipc-mbox-batch", 64, "syscalls_per_msg", "kipc-mbox", 64, "syscalls_per_msg")
	goal("native: memfd-ring-spsc 64 B thousand msgs/s vs pipe", "native", "memfd-ring-spsc", 64, "msgs_per_s", "pipe", 64, "msgs_per_s")
	goal("native: memfd-ring-spsc 64 B thousand msgs/s vs inproc-spsc", "native", "memfd-ring-spsc", 64, "msgs_per_s", "inproc-spsc", 64, "msgs_per_s")
	goal("native: memfd-ring-spsc 64 B syscalls/msg streaming vs pipe", "native", "memfd-ring-spsc", 64, "syscalls_per_msg", "pipe", 64, "syscalls_per_msg")
	goal("VM: ring-spsc (kernel) 64 B syscalls/msg streaming vs pipe", "vm-icount", "ring-spsc", 64, "syscalls_per_msg", "pipe", 64, "syscalls_per_msg")
	goal("native: busy-poll ring 8 B round trip p50 (µs) vs cache-line ping-pong", "native", "memfd-ring-spsc-poll", 8, "rtt_p50_ns", "cacheline", 8, "rtt_p50_ns")
	goal("VM: ring-spsc-zc round trip p50 (µs) 1 MiB vs 64 B", "vm-icount", "ring-spsc-zc", 1048576, "rtt_p50_ns", "ring-spsc-zc", 64, "rtt_p50_ns")
	goal("native: memfd-ring-spsc-zc-poll round trip p50 (µs) 1 MiB vs 64 B", "native", "memfd-ring-spsc-zc-poll", 1048576, "rtt_p50_ns", "memfd-ring-spsc-zc-poll", 64, "rtt_p50_ns")
	goal("native: memfd-ring-spsc (copy) 1 MiB GB/s vs memcpy", "native", "memfd-ring-spsc", 1048576, "gbytes_per_s", "memcpy", 1048576, "gbytes_per_s")
	goal("native: memfd-ring-spsc (copy) 1 MiB GB/s vs pipe", "native", "memfd-ring-spsc", 1048576, "gbytes_per_s", "pipe", 1048576, "gbytes_per_s")
	goal("native: memfd-ring-spsc (copy) 64 KiB GB/s vs memcpy", "native", "memfd-ring-spsc", 65536, "gbytes_per_s", "memcpy", 65536, "gbytes_per_s")
	goal("native: memfd-ring-spsc (copy) 64 KiB GB/s vs pipe", "native", "memfd-ring-spsc", 65536, "gbytes_per_s", "pipe", 65536, "gbytes_per_s")
	goal("native: memfd-ring-spsc-poll (copy, never sleeping) 1 MiB GB/s vs memcpy", "native", "memfd-ring-spsc-poll", 1048576, "gbytes_per_s", "memcpy", 1048576, "gbytes_per_s")
	goal("native: memfd-ring-spsc-1copy (copy in, read in place) 1 MiB GB/s vs memcpy", "native", "memfd-ring-spsc-1copy", 1048576, "gbytes_per_s", "memcpy", 1048576, "gbytes_per_s")
	goal("native: memfd-ring-spsc-1copy (copy in, read in place) 1 MiB GB/s vs pipe", "native", "memfd-ring-spsc-1copy", 1048576, "gbytes_per_s", "pipe", 1048576, "gbytes_per_s")
	goal("VM: kipc-uring-b16 64 B thousand msgs/s vs kipc-mbox (ioctl)", "vm-icount", "kipc-uring-b16", 64, "msgs_per_s", "kipc-mbox", 64, "msgs_per_s")
	goal("VM: kipc-uring-b64 64 B thousand msgs/s vs kipc-mbox (ioctl)", "vm-icount", "kipc-uring-b64", 64, "msgs_per_s", "kipc-mbox", 64, "msgs_per_s")
	goal("VM: kipc-uring-sqpoll 64 B thousand msgs/s vs kipc-mbox (ioctl)", "vm-icount", "kipc-uring-sqpoll", 64, "msgs_per_s", "kipc-mbox", 64, "msgs_per_s")
	goal("VM: kipc-uring-x64 64 B thousand msgs/s vs kipc-mbox (ioctl)", "vm-icount", "kipc-uring-x64", 64, "msgs_per_s", "kipc-mbox", 64, "msgs_per_s")
	goal("VM: kipc-uring-b16 64 B syscalls/msg streaming vs kipc-mbox (ioctl)", "vm-icount", "kipc-uring-b16", 64, "syscalls_per_msg", "kipc-mbox", 64, "syscalls_per_msg")
	goal("VM: kipc-uring-b64 64 B syscalls/msg streaming vs kipc-mbox (ioctl)", "vm-icount", "kipc-uring-b64", 64, "syscalls_per_msg", "kipc-mbox", 64, "syscalls_per_msg")
	goal("VM: kipc-uring-sqpoll 64 B syscalls/msg streaming vs kipc-mbox (ioctl)", "vm-icount", "kipc-uring-sqpoll", 64, "syscalls_per_msg", "kipc-mbox", 64, "syscalls_per_msg")

	printf("\n### Semaphores and mutexes\n\n") > md
	printf("kipc-bench --sync in the VM: kipc's objects against a process-shared pthread mutex\n") > md
	printf("and POSIX named semaphores, and the bounded buffer three ways (1 producer, 1 consumer).\n\n") > md
	printf("| figure | kipc | POSIX | ratio |\n|---|---:|---:|---:|\n") > md
	goal("mutex lock + unlock, uncontended (ns): kipc-mutex vs pthread-mutex-shm", v, "kipc-mutex", 0, "uncontended_ns", "pthread-mutex-shm", 0, "uncontended_ns")
	goal("mutex, 2 processes contending, per acquisition (ns)", v, "kipc-mutex", 0, "contended_ns", "pthread-mutex-shm", 0, "contended_ns")
	goal("mutex, 2 processes contending, hand-offs per acquisition", v, "kipc-mutex", 0, "handoffs_per_op", "pthread-mutex-shm", 0, "handoffs_per_op")
	goal("semaphore post + wait, uncontended (ns): kipc-sem vs posix-sem", v, "kipc-sem", 0, "uncontended_ns", "posix-sem", 0, "uncontended_ns")
	goal("semaphore hand-off between 2 processes (ns): kipc-sem vs posix-sem", v, "kipc-sem", 0, "handoff_ns", "posix-sem", 0, "handoff_ns")
	goal("bounded buffer, thousand items/s: kipc sems + mutex vs POSIX sems", v, "bb-kipc-sems", 0, "msgs_per_s", "bb-posix-sems", 0, "msgs_per_s")
	goal("bounded buffer, thousand items/s: kipc ring vs POSIX sems", v, "bb-kipc-ring", 0, "msgs_per_s", "bb-posix-sems", 0, "msgs_per_s")
}
