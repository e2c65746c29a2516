#!/bin/sh
# The kipc-bridge benchmark, run inside the test VM (tools/bridge/test/run
# --bench): the bridged path beside a plain NATS client pair on the same
# server, with the same messages, in the same run.
#
#   round trip: kipc_call on alpha -> bridge -> NATS -> bridge -> kipc server
#               on beta, against a NATS request to a NATS echo client
#   one-way:    kipc producer on alpha -> bridges (core, then JetStream) ->
#               kipc consumer on beta, against a NATS publisher and subscriber
#
# Figures are reported, never tested; the run fails only when a path loses
# or corrupts messages. Ends with "bridge-bench: ..." lines the runner keeps.
set -u
CALLS=${CALLS:-2000}
MSGS=${MSGS:-20000}
fail=0
ok() { :; }
bad() { echo "bench: $*"; fail=$((fail + 1)); }
die() { echo "bridge-bench: setup failed: $*"; exit 1; }
. ./hosts.sh

{ common alpha $T/pw; cat <<EOF

[import svc]
mailbox = beta-svc
remote = beta
remote_mailbox = svc
perm = 0666
call_workers = 1

[import fast]
mailbox = beta-fast
remote = beta
remote_mailbox = fast
perm = 0666
capacity = 1024

[import jobs]
mailbox = beta-jobs
remote = beta
remote_mailbox = jobs
mode = jetstream
perm = 0666
capacity = 1024
EOF
} > $T/alpha.conf
{ common beta $T/pw; cat <<EOF

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
EOF
} > $T/beta.conf
on beta kipcctl create svc --capacity 16 --mode 0666 > /dev/null || die "create svc"
on beta kipcctl create fast --capacity 1024 --mode 0666 > /dev/null || die "create fast"
on beta kipcctl create jobs --capacity 1024 --mode 0666 > /dev/null || die "create jobs"
start_bridge alpha
start_bridge beta
for r in svc fast jobs; do
	await "alpha $r" route_ok alpha $r || die "alpha $r"
	await "beta $r" route_ok beta $r || die "beta $r"
done

num() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2"; }
ready() { grep -q ready "$1"; }

# --- round trip (one caller, one call at a time)
spawn beta kipc-bridge-peer nats-echo bench.echo --count $CALLS > $T/echo.out
E=$!
await "nats echo" ready $T/echo.out || die "nats-echo"
kipc-bridge-peer nats-call bench.echo --count $CALLS > $T/ncall.out || bad "nats-call failed"
wait $E
spawn beta kipc-bridge-peer serve svc --count $CALLS > /dev/null
S=$!
on alpha kipc-bridge-peer call beta-svc --count $CALLS > $T/kcall.out || bad "bridged calls failed"
wait $S
# kipc alone on one host, for scale: what the two kipc hops cost
on alpha kipcctl create local --capacity 1024 --mode 0666 > /dev/null
spawn alpha kipc-bridge-peer serve local --count $CALLS > /dev/null
S=$!
on alpha kipc-bridge-peer call local --count $CALLS > $T/lcall.out || bad "local calls failed"
wait $S
rtt_nats=$(num rtt_us $T/ncall.out)
rtt_local=$(num rtt_us $T/lcall.out)
rtt_bridge=$(num rtt_us $T/kcall.out)

# --- one-way rate, 64-byte messages
spawn beta kipc-bridge-peer nats-sub bench.oneway --count $MSGS --idle 20000 > $T/nsub.out
N=$!
await "nats sub" ready $T/nsub.out || die "nats-sub"
kipc-bridge-peer nats-pub bench.oneway --count $MSGS > /dev/null
wait $N || bad "plain NATS lost messages: $(cat $T/nsub.out)"
spawn beta kipc-bridge-peer consume fast --count $MSGS --idle 20000 > $T/kcore.out
C=$!
on alpha kipc-bridge-peer produce beta-fast --count $MSGS > /dev/null
wait $C || bad "core bridge lost messages: $(cat $T/kcore.out) (counted drops: alpha $(field alpha fast dropped), beta $(field beta fast dropped))"
spawn beta kipc-bridge-peer consume jobs --count $MSGS --idle 20000 > $T/kjs.out
C=$!
on alpha kipc-bridge-peer produce beta-jobs --count $MSGS > /dev/null
wait $C || bad "jetstream bridge lost messages: $(cat $T/kjs.out)"
spawn alpha kipc-bridge-peer consume local --count $MSGS --idle 20000 > $T/klocal.out
C=$!
on alpha kipc-bridge-peer produce local --count $MSGS > /dev/null
wait $C || bad "local kipc lost messages"
on alpha kipcctl rm local
rate_local=$(num rate $T/klocal.out)
rate_nats=$(num rate $T/nsub.out)
rate_core=$(num rate $T/kcore.out)
rate_js=$(num rate $T/kjs.out)

kill $BR_alpha $BR_beta
wait $BR_alpha $BR_beta
for m in svc fast jobs kipc-bridge.beta.jobs; do on beta kipcctl rm $m > /dev/null; done
for m in beta-svc beta-fast beta-jobs kipc-bridge.alpha.jobs; do on alpha kipcctl rm $m > /dev/null; done
kill $NS_alpha $NS_beta $NATS
wait

echo "bridge-bench: round trip: NATS ${rtt_nats} us, bridged call ${rtt_bridge} us," \
	"ratio $(awk "BEGIN { printf \"%.2f\", $rtt_bridge / $rtt_nats }") (goal <= 1.20)"
echo "bridge-bench: one-way 64 B: NATS ${rate_nats}/s, bridged core ${rate_core}/s" \
	"(ratio $(awk "BEGIN { printf \"%.2f\", $rate_core / $rate_nats }"), goal >= 0.80)," \
	"bridged JetStream ${rate_js}/s"
echo "bridge-bench: for scale, kipc alone on one host: call ${rtt_local} us, one-way ${rate_local}/s"
echo "bridge-bench: failures=$fail"
[ $fail -eq 0 ]
