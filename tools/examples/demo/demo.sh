#!/bin/sh
# The kipc demo, run inside the test VM by 'make demo'
# (tools/testing/vm/run --script tools/examples/demo/demo.sh). kipcctl and demo are on PATH.
set -e

step() { printf '\n== %s\n' "$*"; }
# Wait until endpoint NAME exists (its process has started and named it).
await() { i=0; until kipcctl stat "ep:$1" > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "no endpoint $1" >&2; exit 1; }; sleep 0.1; done; }

step "kipc is loaded ($(kipcctl version)) and /dev/kipc is open to all"
ls -l /dev/kipc

step "producer/consumer over a mailbox that holds 4 messages"
kipcctl create jobs --capacity 4 > /dev/null
for n in 1 2 3 4; do kipcctl send jobs --prio $((n % 3)) "job $n, priority $((n % 3))
"; done
for n in 5 6; do kipcctl send jobs "job $n, waited for room
" & done                                  # the mailbox is full: these two block
sleep 1
kipcctl stat jobs                         # depth 4, 2 blocked senders
kipcctl recv jobs --count 6 | sed 's/^/  consumer got: /'   # highest priority first
wait
kipcctl rm jobs

step "batches: 10000 messages, up to 64 per system call each way (KIPC_IOC_XFER)"
kipcctl create batch --capacity 256 > /dev/null
kipcctl recv batch --count 10000 --batch 64 | wc -c | sed 's/^/  consumer got bytes: /' &
kipcctl send batch --count 10000 --batch 64 "tick" | sed 's/^/  producer: /'
wait
kipcctl rm batch

if command -v demo > /dev/null; then
	step "direct messages: alice names her endpoint, bob sends to it by name"
	demo listen alice 2 &
	await alice
	kipcctl send ep:alice "hello alice"
	kipcctl send ep:alice --prio 5 "hello again"
	wait

	step "request/reply: a server upper-cases what its callers send"
	demo serve upper 2 &
	await upper
	demo call upper "make me loud"
	demo call upper "me too"
	wait
else
	step "direct messages and request/reply need the 'demo' program (tools/examples/demo/demo.c)"
fi

if command -v kipc-uring-echo > /dev/null; then
	step "io_uring: one server loop echoes 3 client processes, 2 calls in flight each"
	kipc-uring-echo serve echo --slots 8 --count 6 > /tmp/echo.out &
	i=0; until kipcctl stat echo > /dev/null 2>&1; do   # the mailbox is there
		i=$((i + 1)); [ $i -lt 100 ] || { echo "no mailbox echo" >&2; exit 1; }; sleep 0.1; done
	for who in alice bob carol; do
		kipc-uring-echo client echo --clients 2 --count 1 --tag $who --show &
	done | sort | sed 's/^/  /'             # they run at once; sorted to read
	wait
	sed 's/^/  server: /' /tmp/echo.out     # "serving echo", then "served=6"
fi

step "shared-memory ring: 200000 checksummed messages in place, almost no syscalls"
kipcctl ring create stream --slots 1024 --slot-size 128 > /dev/null
kipcctl ring consume stream --count 200000 --verify --batch 32 | sed 's/^/  consumer: /' &
kipcctl ring produce stream --count 200000 --size 64 --batch 16 | sed 's/^/  producer: /'
wait
kipcctl ring rm stream

if command -v kipc-bounded-buffer > /dev/null; then
	step "bounded buffer: 16 slots in shared memory, two semaphores and a mutex; then a ring"
	kipc-bounded-buffer sems --producers 2 --consumers 2 --items 2000 | sed 's/^/  /'
	kipc-bounded-buffer ring --producers 2 --items 2000 | sed 's/^/  /'
fi

step "nothing is left behind"
kipcctl ls
