#!/bin/sh
# make demo, between two machines: beta's half. beta exports its mailbox
# "inbox"; alpha (bridge-alpha.sh) imports it, sends a message to it and
# calls it. Run by tools/bridge/test/two-vms --pair, which starts the
# nats-server both reach and puts pair-lib.sh in place of the line below.
. ./pair-lib.sh
say() { printf '\n== %s\n' "$*"; }

say "beta: a program's mailbox 'inbox', exported as kipc.beta.inbox"
kipcctl create inbox --mode 0666 > /dev/null || die "create inbox"
{ common; printf '\n[export inbox]\nmailbox = inbox\n'; } > $T/bridge.conf
start_bridge
await "bridge up" 60 route_ok inbox || die "bridge"
status | sed 's/^/  /'
mark beta-ready

say "beta: waiting for a message from the other machine"
meet alpha-sent 120 > /dev/null || finish
kipcctl recv inbox --timeout 30000 | sed 's/^/  beta received: /'

say "beta: a server answers calls on inbox (echo)"
kipc-bridge-peer serve inbox --count 1 > /dev/null &
S=$!
sleep 0.5
mark beta-serving
wait $S && echo "  beta served one call"
meet alpha-done 120 > /dev/null
kill $BR; wait $BR
kipcctl rm inbox
finish
