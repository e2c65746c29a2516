#!/bin/sh
# The kipc-bridge tests across two machines, alpha's half: alpha imports
# beta's mailboxes and runs the producers and callers; beta (pair-beta.sh)
# exports them. Prints "ok: ..." / "not ok: ..." per check and ends with
#   bridge-pair: alpha pass=N fail=N
. ./pair-lib.sh

{ common; cat <<CONF

[import jobs]
mailbox = beta-jobs
remote = beta
remote_mailbox = jobs
mode = jetstream
capacity = 64
perm = 0666

[import fast]
mailbox = beta-fast
remote = beta
remote_mailbox = fast
perm = 0666

[import slow]
mailbox = beta-slow
remote = beta
remote_mailbox = slow
mode = jetstream
capacity = 16
perm = 0666

[import svc]
mailbox = beta-svc
remote = beta
remote_mailbox = svc
perm = 0666
call_timeout = 5000

[import gone]
mailbox = beta-gone
remote = beta
remote_mailbox = nobody-exports-this
perm = 0666
call_timeout = 5000

[import tiny]
mailbox = beta-tiny
remote = beta
remote_mailbox = tiny
mode = jetstream
perm = 0666

[import drop]
mailbox = beta-drop
remote = beta
remote_mailbox = drop
perm = 0666
CONF
} > $T/bridge.conf

# --- authentication: a wrong password fails the start, saying why
echo wrong > $T/badpw
chmod 644 $T/badpw
common | sed "s|^password_file = .*|password_file = $T/badpw|" > $T/bad.conf
nsenter -F -t 1 -i -S 65534 -G 65534 kipc-bridge -c $T/bad.conf > $T/bad.log 2>&1
rc=$?
check "wrong password: the bridge exits 1 (got $rc)" [ $rc -eq 1 ]
check "wrong password: says so and what to check" \
	grep -q "Authentication Violation (check user/password" $T/bad.log

start_bridge
for r in jobs fast slow svc gone tiny drop; do await "route $r" 120 route_ok $r || die "route $r"; done
check "status: connected through the forwarded port" connected
meet beta-ready 300 || die "beta not ready"
mark alpha-ready

# --- calls across the machines
meet beta-serving 120
kipc-bridge-peer call beta-svc --count $CALLS --prios 8 --timeout 10000 > $T/call.out
check "calls: $CALLS echoes across the machines ($(cat $T/call.out))" [ $? -eq 0 ]
check "status: svc calls=$CALLS" [ "$(field svc calls)" = "$CALLS" ]
out=$(kipc-bridge-peer call beta-gone --timeout 10000 --expect-error ECONNRESET)
check "calls: nobody exports the mailbox: ECONNRESET ($out)" [ $? -eq 0 ]
mark alpha-called

# --- the caller's deadline crosses the wire: beta's server now takes 7 s,
# longer than the route's call_timeout (5 s)
meet beta-slow-server 120
out=$(kipc-bridge-peer call beta-svc --timeout 30000)
check "deadline: a caller with 30 s outlasts the route's call_timeout ($out)" [ $? -eq 0 ]
out=$(kipc-bridge-peer call beta-svc --timeout 2000 --expect-error ETIMEDOUT)
check "deadline: a caller with 2 s gets ETIMEDOUT, not ECONNRESET ($out)" [ $? -eq 0 ]
mark alpha-deadlines
meet beta-server-gone 120
# Nobody receives from beta's mailbox now: as with a local mailbox, the
# request waits there until the caller's deadline.
out=$(kipc-bridge-peer call beta-svc --timeout 3000 --expect-error ETIMEDOUT)
check "calls: the remote server is gone: ETIMEDOUT at the caller's deadline ($out)" [ $? -eq 0 ]
check "calls: the remote bridge answered in time, the route lives (state=$(field svc state))" route_ok svc
mark alpha-called-gone

# --- a message too large for beta's mailbox, then one that fits
kipcctl send beta-tiny "$(printf '%0100d' 7)" > /dev/null &&
	kipcctl send beta-tiny "fits" > /dev/null
check "jetstream: sent one message too large for beta's mailbox and one that fits" [ $? -eq 0 ]
mark alpha-tiny-sent

# --- core into a mailbox of 4 that nobody reads on beta
kipc-bridge-peer produce beta-drop --count 100 > /dev/null
check "core: 100 sent into beta's full mailbox" [ $? -eq 0 ]
mark alpha-drop-sent

# --- core: paced; beta's bridge is killed in the first half, and the
# second half goes once it is back, so the restarted bridge has some to
# deliver however long its restart takes.
meet beta-core-ready 120
half=$((CORE_COUNT / 2))
kipc-bridge-peer produce beta-fast --count $half --delay-us 2000 > /dev/null
rc1=$?
meet beta-core-back 300
kipc-bridge-peer produce beta-fast --count $CORE_COUNT --first $half \
	--delay-us 2000 > /dev/null
rc2=$?
check "core: $CORE_COUNT sent" [ "$rc1$rc2" = 00 ]
all_out() { [ "$(field fast forwarded)" -eq "$CORE_COUNT" ] 2> /dev/null; }
await "core: all forwarded" 120 all_out
check "core: alpha forwarded all, dropped none (forwarded=$(field fast forwarded) dropped=$(field fast dropped))" \
	[ "$(field fast dropped)" = 0 ]
mark alpha-core-sent

# --- back-pressure: room on the way is slow (16) + stream (200) + fetched
# (8) + beta's mailbox (8) + one looked at, far less than 1000, so the
# producer must block while nobody reads on beta.
kipc-bridge-peer produce beta-slow --count 1000 > $T/slow.out &
P=$!
blocked() { kipcctl stat beta-slow | grep -Eq '^blocked +[1-9][0-9]* senders'; }
await "producer blocked" 300 blocked
check "back-pressure: the producer waits (beta's mailbox and stream full)" kill -0 $P
await "retries" 120 ge slow retried 1 && ok "back-pressure: the bridge retries while beta's stream is full"
mark alpha-blocked
produced() { ! kill -0 $P 2> /dev/null; }
await "back-pressure: producer done" 600 produced || kill $P
wait $P
check "back-pressure: the producer finished once beta read" [ $? -eq 0 ]
meet beta-slow-done 300

# --- JetStream across SIGKILL of this bridge at half (beta kills its own
# at a quarter), in 4 priorities: messages that overtake others in the
# mailbox between the bridge's look and take must not be lost or doubled.
meet beta-js-ready 120
kipc-bridge-peer produce beta-jobs --count $COUNT --src 1 --prios 4 > /dev/null &
P=$!
await "jetstream: half forwarded" $((COUNT / 5 + 300)) ge jobs forwarded $((COUNT / 2))
at=$(field jobs forwarded)
kill -9 $BR; wait $BR 2> /dev/null
echo "killed alpha's bridge at jobs forwarded=$at"
sleep 1
start_bridge
await "jetstream: bridge back" 120 route_ok jobs
# The producer blocks while beta does not take: bounded by beta's end.
await "jetstream: all sent" $((COUNT / 5 + 600)) produced || kill $P
wait $P
check "jetstream: $COUNT sent" [ $? -eq 0 ]
meet beta-done $((COUNT / 5 + 600))
status

kill $BR; wait $BR; rc=$?
check "SIGTERM: the bridge exits 0 ($rc)" [ $rc -eq 0 ]
for m in beta-jobs beta-fast beta-slow beta-svc beta-gone beta-tiny beta-drop kipc-bridge.alpha.jobs kipc-bridge.alpha.slow kipc-bridge.alpha.tiny; do kipcctl rm $m; done
finish
