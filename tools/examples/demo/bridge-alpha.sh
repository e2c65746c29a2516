#!/bin/sh
# make demo, between two machines: alpha's half. alpha imports beta's
# mailbox "inbox" as its own local mailbox "beta-inbox": local programs
# send to it and call it like any mailbox, and the bridge carries both to
# beta over NATS (see bridge-beta.sh).
. ./pair-lib.sh
say() { printf '\n== %s\n' "$*"; }

say "alpha: beta's inbox imported as the local mailbox beta-inbox"
{ common; printf '\n[import inbox]\nmailbox = beta-inbox\nremote = beta\nremote_mailbox = inbox\nperm = 0666\n'; } > $T/bridge.conf
start_bridge
await "bridge up" 60 route_ok inbox || die "bridge"
status | sed 's/^/  /'
meet beta-ready 120 > /dev/null || finish

say "alpha: kipcctl send beta-inbox (a plain local send)"
kipcctl send beta-inbox --prio 3 "hello beta, from a program on alpha"
mark alpha-sent

say "alpha: kipc_call on beta-inbox, answered by a server on beta"
meet beta-serving 120 > /dev/null
kipc-bridge-peer call beta-inbox --timeout 10000 --text "hello server on beta, from a caller on alpha" | sed "s/^/  alpha got the /"
say "alpha: what the bridge carried"
status | sed 's/^/  /'
mark alpha-done
kill $BR; wait $BR
kipcctl rm beta-inbox
finish
