#!/bin/sh
# The kipc-bridge benchmark across two machines, alpha's half: the
# senders, and the figures, printed as "bridge-bench: ..." lines. The
# plain NATS pair runs between the same two machines through the same
# server as the bridges, with the same messages, in the same run.
#
#   round trip: kipc_call on alpha -> bridge -> NATS -> bridge -> kipc
#               server on beta, against a NATS request to a NATS echo
#               client on beta (one caller, one call at a time)
#   one-way:    kipc producer on alpha -> bridges (core, then JetStream)
#               -> kipc consumer on beta, against a NATS publisher on
#               alpha and subscriber on beta; rates are the consumer's
. ./pair-lib.sh

{ common; cat <<CONF

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
CONF
} > $T/bridge.conf
start_bridge
for r in svc fast jobs; do await "route $r" 120 route_ok $r || die "route $r"; done
meet beta-ready 300 || die "beta not ready"
mark alpha-ready
num() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2"; }

meet beta-echo 120
kipc-bridge-peer nats-call bench.echo --count $CALLS > $T/ncall.out || bad "nats-call failed"
meet beta-serve 120
kipc-bridge-peer call beta-svc --count $CALLS > $T/kcall.out || bad "bridged calls failed"
# kipc alone on this machine, for scale: what the two kipc hops cost
kipcctl create local --capacity 1024 --mode 0666 > /dev/null
kipc-bridge-peer serve local --count $CALLS > /dev/null &
S=$!
kipc-bridge-peer call local --count $CALLS > $T/lcall.out || bad "local calls failed"
wait $S

meet beta-nsub 120
kipc-bridge-peer nats-pub bench.oneway --count $MSGS > /dev/null || bad "nats-pub failed"
meet beta-kcore 600
kipc-bridge-peer produce beta-fast --count $MSGS > /dev/null || bad "core produce failed"
meet beta-kjs 600
kipc-bridge-peer produce beta-jobs --count $MSGS > /dev/null || bad "jetstream produce failed"
kipc-bridge-peer consume local --count $MSGS --idle 20000 > $T/klocal.out &
C=$!
kipc-bridge-peer produce local --count $MSGS > /dev/null
wait $C || bad "local kipc lost messages"
kipcctl rm local
rates=$(meet beta-rates 1200)
mark alpha-done
set -- $rates
rate_nats=${1:-0} rate_core=${2:-0} rate_js=${3:-0}
rtt_nats=$(num rtt_us $T/ncall.out)
rtt_bridge=$(num rtt_us $T/kcall.out)
rtt_local=$(num rtt_us $T/lcall.out)
rate_local=$(num rate $T/klocal.out)
ratio() { awk "BEGIN { if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"?\" }"; }

echo "bridge-bench: two VMs, server on the runner's loopback, $CALLS calls, $MSGS messages"
echo "bridge-bench: round trip: NATS ${rtt_nats} us, bridged call ${rtt_bridge} us," \
	"ratio $(ratio "$rtt_bridge" "$rtt_nats") (goal <= 1.20)"
echo "bridge-bench: one-way 64 B: NATS ${rate_nats}/s, bridged core ${rate_core}/s" \
	"(ratio $(ratio "$rate_core" "$rate_nats"), goal >= 0.80)," \
	"bridged JetStream ${rate_js}/s (ratio $(ratio "$rate_js" "$rate_nats"))"
echo "bridge-bench: for scale, kipc alone on alpha: call ${rtt_local} us, one-way ${rate_local}/s"
kill $BR; wait $BR
for m in beta-svc beta-fast beta-jobs kipc-bridge.alpha.jobs; do kipcctl rm $m > /dev/null; done
finish
