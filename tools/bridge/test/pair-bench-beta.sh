#!/bin/sh
# The kipc-bridge benchmark across two machines, beta's half: the
# receivers (a NATS echo client and subscriber; the kipc server and
# consumers behind beta's bridge). alpha (pair-bench-alpha.sh) sends and
# prints the figures. Figures are reported, never tested.
. ./pair-lib.sh

{ common; cat <<CONF

[export svc]
mailbox = svc
call_workers = 1

[export fast]
mailbox = fast
core_wait = 1000

[export jobs]
mailbox = jobs
mode = jetstream
stream_storage = memory
CONF
} > $T/bridge.conf
kipcctl create svc --capacity 16 --mode 0666 > /dev/null || die "create svc"
kipcctl create fast --capacity 1024 --mode 0666 > /dev/null || die "create fast"
kipcctl create jobs --capacity 1024 --mode 0666 > /dev/null || die "create jobs"
start_bridge
for r in svc fast jobs; do await "route $r" 120 route_ok $r || die "route $r"; done
mark beta-ready
meet alpha-ready 300 || finish
ready() { grep -q ready "$1"; }
rate() { sed -n 's/.*rate=\([0-9.]*\).*/\1/p' "$1"; }

# round trip: plain NATS echo, then the kipc server behind the bridge
kipc-bridge-peer nats-echo bench.echo --count $CALLS > $T/echo.out &
E=$!
await "nats-echo" 60 ready $T/echo.out || die "nats-echo"
mark beta-echo
wait $E
kipc-bridge-peer serve svc --count $CALLS > /dev/null &
S=$!
sleep 0.5
mark beta-serve
wait $S

# one-way, 64 B: plain NATS, the core bridge, the JetStream bridge
kipc-bridge-peer nats-sub bench.oneway --count $MSGS --idle 20000 > $T/nsub.out &
N=$!
await "nats-sub" 60 ready $T/nsub.out || die "nats-sub"
mark beta-nsub
wait $N || bad "plain NATS lost messages: $(cat $T/nsub.out)"
kipc-bridge-peer consume fast --count $MSGS --idle 20000 > $T/kcore.out &
C=$!
sleep 0.5
mark beta-kcore
wait $C || bad "core bridge lost messages: $(cat $T/kcore.out) (counted drops: beta $(field fast dropped))"
kipc-bridge-peer consume jobs --count $MSGS --idle 20000 > $T/kjs.out &
C=$!
sleep 0.5
mark beta-kjs
wait $C || bad "jetstream bridge lost messages: $(cat $T/kjs.out)"
mark beta-rates "$(rate $T/nsub.out) $(rate $T/kcore.out) $(rate $T/kjs.out)"
meet alpha-done 120
kill $BR; wait $BR
for m in svc fast jobs kipc-bridge.beta.jobs; do kipcctl rm $m > /dev/null; done
finish
