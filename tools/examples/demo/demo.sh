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

if command -v nats-server > /dev/null && command -v kipc-bridge > /dev/null; then
	step "two hosts over NATS: kipc-bridge (alpha and beta are two IPC namespaces)"
	ifconfig lo 127.0.0.1 up
	nats-server -a 127.0.0.1 -p 4222 > /tmp/nats.log 2>&1 &
	nats=$!
	unshare -i sleep 1000 & alpha=$!
	unshare -i sleep 1000 & beta=$!
	sleep 1
	printf 'host = alpha\nstatus_socket = /tmp/alpha.sock\n[import inbox]\nmailbox = beta-inbox\nremote = beta\nremote_mailbox = inbox\nperm = 0666\n' > /tmp/alpha.conf
	printf 'host = beta\nstatus_socket = /tmp/beta.sock\n[export inbox]\nmailbox = inbox\n' > /tmp/beta.conf
	nsenter -t $beta -i kipcctl create inbox --mode 0666 > /dev/null
	nsenter -F -t $alpha -i kipc-bridge -c /tmp/alpha.conf 2> /tmp/alpha.log & ba=$!
	nsenter -F -t $beta -i kipc-bridge -c /tmp/beta.conf 2> /tmp/beta.log & bb=$!
	i=0; until kipc-bridge status --socket /tmp/alpha.sock 2> /dev/null | grep -q state=ok &&
		kipc-bridge status --socket /tmp/beta.sock 2> /dev/null | grep -q state=ok; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "bridges did not start" >&2; exit 1; }; sleep 0.2; done
	nsenter -t $alpha -i kipcctl send beta-inbox --prio 3 "hello beta, from a program on alpha
"
	nsenter -t $beta -i kipcctl recv inbox | sed 's/^/  beta got: /'
	nsenter -t $beta -i kipc-bridge-peer serve inbox --count 1 > /dev/null &
	sleep 0.5
	nsenter -t $alpha -i kipc-bridge-peer call beta-inbox | sed 's/^/  alpha called beta-inbox, served on beta: /'
	wait $!
	kipc-bridge status --socket /tmp/alpha.sock | sed 's/^/  /'
	kill $ba $bb; wait $ba $bb || true
	nsenter -t $alpha -i kipcctl rm beta-inbox
	nsenter -t $beta -i kipcctl rm inbox
	kill $alpha $beta $nats; wait 2> /dev/null || true
fi

step "nothing is left behind"
kipcctl ls
