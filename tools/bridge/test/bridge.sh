#!/bin/sh
# The kipc-bridge tests, run inside the test VM (tools/bridge/test/run
# puts nats-server in the guest). Two "hosts", alpha and beta, are two IPC
# namespaces, so each has its own kipc mailboxes and its own bridge; both
# bridges reach one nats-server on the guest's loopback, with JetStream
# and a user/password. The bridges run as nobody.
#
# COUNT (set by the runner) is the length of the JetStream stream that is
# interrupted by killing each bridge with SIGKILL.
#
# Prints "ok: ..." / "not ok: ..." per check and ends with
#   bridge-tests: pass=N fail=N
set -u
COUNT=${COUNT:-20000}
pass=0 fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "not ok: $*"; fail=$((fail + 1)); }
check() { name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
die() { echo "bridge-tests: setup failed: $*"; for f in $T/*.log; do echo "== $f"; tail -n 20 "$f"; done; echo "bridge-tests: pass=$pass fail=$((fail + 1))"; exit 1; }
. ./hosts.sh

echo wrong > $T/badpw
chmod 644 $T/badpw

{ common alpha $T/pw; cat <<EOF

[import jobs]
mailbox = beta-jobs
remote = beta
remote_mailbox = jobs
mode = jetstream
capacity = 64
perm = 0666

[import slow]
mailbox = beta-slow
remote = beta
remote_mailbox = slow
mode = jetstream
capacity = 16
perm = 0666

[import tiny]
mailbox = beta-tiny
remote = beta
remote_mailbox = tiny
mode = jetstream
perm = 0666

[import fast]
mailbox = beta-fast
remote = beta
remote_mailbox = fast
perm = 0666

[import drop]
mailbox = beta-drop
remote = beta
remote_mailbox = drop
perm = 0666

[import svc]
mailbox = beta-svc
remote = beta
remote_mailbox = svc
perm = 0666
call_timeout = 3000

[import gone]
mailbox = beta-gone
remote = beta
remote_mailbox = nobody-exports-this
perm = 0666
call_timeout = 3000
EOF
} > $T/alpha.conf
{ common beta $T/pw; cat <<EOF

[export jobs]
mailbox = jobs
mode = jetstream
envelope = yes
fetch = 16
max_ack_pending = 64

[export slow]
mailbox = slow
mode = jetstream
fetch = 8
max_ack_pending = 16
stream_max_msgs = 200

[export tiny]
mailbox = tiny
mode = jetstream

[export fast]
mailbox = fast

[export drop]
mailbox = drop
core_wait = 0

[export svc]
mailbox = svc

[export secret]
mailbox = secret
EOF
} > $T/beta.conf

# The exported mailboxes belong to beta's services (root), open to the
# bridge by their mode; "secret" is not, and must stay unreachable.
on beta kipcctl create jobs --capacity 64 --mode 0666 > /dev/null || die "create jobs"
on beta kipcctl create slow --capacity 8 --mode 0666 > /dev/null || die "create slow"
on beta kipcctl create tiny --capacity 4 --msgsize 64 --mode 0666 > /dev/null || die "create tiny"
on beta kipcctl create fast --capacity 256 --mode 0666 > /dev/null || die "create fast"
on beta kipcctl create drop --capacity 4 --mode 0666 > /dev/null || die "create drop"
on beta kipcctl create svc --capacity 16 --mode 0666 > /dev/null || die "create svc"
on beta kipcctl create secret --capacity 4 --mode 0600 > /dev/null || die "create secret"

# --- authentication: a wrong password fails the start, saying why
{ common alpha $T/badpw; } > $T/bad.conf
on alpha $NOBODY kipc-bridge -c $T/bad.conf > $T/bad.log 2>&1
rc=$?
check "wrong password: bridge exits 1 (got $rc)" [ $rc -eq 1 ]
check "wrong password: says so and what to check" \
	grep -q "Authentication Violation (check user/password" $T/bad.log

start_bridge alpha
start_bridge beta
for r in jobs slow tiny fast drop svc gone; do await "alpha $r ok" route_ok alpha $r || die "alpha $r"; done
for r in jobs slow tiny fast drop svc; do await "beta $r ok" route_ok beta $r || die "beta $r"; done
check "bridges run as nobody" [ "$(stat -c %U $T/run/alpha.sock) $(stat -c %U $T/run/beta.sock)" = "nobody nobody" ]
check "status: connected" sh -c "kipc-bridge status --socket $T/run/alpha.sock | grep -q '^nats connected nats://127.0.0.1:4222'"
await "secret refused" sh -c "kipc-bridge status --socket $T/run/beta.sock | grep -q 'route secret .*state=waiting: mailbox secret: .*ermission'"
check "an export is limited by the mailbox's mode (secret: permission denied)" \
	sh -c "kipc-bridge status --socket $T/run/beta.sock | grep -q 'route secret .*delivered=0 .*state=waiting: mailbox secret: .*ermission'"

# --- JetStream: priorities, the envelope, order per priority
spawn beta kipc-bridge-peer consume jobs --count 2000 --prios 4 --envelope alpha > $T/c1.out
C=$!
on alpha kipc-bridge-peer produce beta-jobs --count 2000 --prios 4 --size 200 > /dev/null
wait $C; rc=$?
cat $T/c1.out
check "jetstream: 2000 messages, 4 priorities, envelope from alpha, none lost, none doubled" [ $rc -eq 0 ]
check "jetstream: envelope names the sender's uid (root)" grep -q "from=alpha:[0-9]*:uid0" $T/c1.out
check "status: alpha jobs forwarded=2000" [ "$(field alpha jobs forwarded)" = 2000 ]
check "status: beta jobs delivered=2000" [ "$(field beta jobs delivered)" = 2000 ]

# --- JetStream: a message that can never fit the mailbox must not block
# the route for ever: it is dropped, counted and logged; the next arrives.
on alpha kipcctl send beta-tiny "$(printf '%0100d' 7)" > /dev/null
on alpha kipcctl send beta-tiny "fits" > /dev/null
check "jetstream: the message after one too large for the mailbox arrives" \
	sh -c "[ \"\$(nsenter -F -t $NS_beta -i kipcctl recv tiny --timeout 60000)\" = fits ]"
check "jetstream: the one too large is counted: delivered=1 dropped=1" \
	[ "$(field beta tiny delivered) $(field beta tiny dropped)" = "1 1" ]

# --- core: delivered, or dropped and counted
spawn beta kipc-bridge-peer consume fast --count 2000 --prios 3 --idle 3000 > $T/c2.out
C=$!
on alpha kipc-bridge-peer produce beta-fast --count 2000 --prios 3 > /dev/null
wait $C
cat $T/c2.out
got=$(sed -n 's/.*unique=\([0-9]*\).*/\1/p' $T/c2.out)
dropped=$(( $(field alpha fast dropped) + $(field beta fast dropped) ))
check "core: received ($got) + counted drops ($dropped) = 2000" [ $((got + dropped)) -eq 2000 ]
# A mailbox of 4 nobody reads, core_wait = 0: 4 delivered, the rest dropped.
on alpha kipc-bridge-peer produce beta-drop --count 100 > /dev/null
drop_all() { [ $(( $(field beta drop delivered) + $(field beta drop dropped) )) -ge 100 ]; }
await "drop: all 100 accounted" drop_all
check "core: full mailbox: delivered=4 dropped=96" \
	[ "$(field beta drop delivered) $(field beta drop dropped)" = "4 96" ]
on beta kipc-bridge-peer consume drop --count 4 --idle 1000 > /dev/null
check "core: the 4 delivered are intact" [ $? -eq 0 ]

# --- calls across the hosts
spawn beta kipc-bridge-peer serve svc > $T/serve.out 2>&1
SRV=$!
on alpha kipc-bridge-peer call beta-svc --count 200 --prios 8 --timeout 10000 > $T/call.out
check "calls: 200 echoes across the bridges" [ $? -eq 0 ]
check "status: alpha svc calls=200" [ "$(field alpha svc calls)" = 200 ]
check "status: beta svc calls=200" [ "$(field beta svc calls)" = 200 ]
out=$(on alpha kipc-bridge-peer call beta-gone --timeout 10000 --expect-error ECONNRESET)
check "calls: nobody exports the mailbox: ECONNRESET ($out)" [ $? -eq 0 ]
kill $SRV; wait $SRV 2>/dev/null
out=$(on alpha kipc-bridge-peer call beta-svc --timeout 3000 --expect-error ETIMEDOUT)
check "calls: remote server gone (the request waits in its mailbox): ETIMEDOUT at the caller's deadline ($out)" [ $? -eq 0 ]
check "status: alpha svc call_errors=1" [ "$(field alpha svc call_errors)" = 1 ]

# --- back-pressure: a full remote mailbox slows the producer, loses nothing.
# Room on the way: slow (8) + fetched (8) + stream (200) + beta-slow (16)
# + one looked at: far less than 1000, so the producer must block.
spawn alpha kipc-bridge-peer produce beta-slow --count 1000 > $T/p3.out
P=$!
blocked() { on alpha kipcctl stat beta-slow | grep -Eq '^blocked +[1-9][0-9]* senders'; }
await "producer blocked" blocked
check "back-pressure: the producer waits on alpha (stream full, mailbox full)" kill -0 $P
await "alpha retries" ge alpha slow retried 1 &&
	ok "back-pressure: alpha retries while beta's stream is full"
on beta kipc-bridge-peer consume slow --count 1000 --delay-us 200 > $T/c3.out
rc=$?
wait $P
cat $T/c3.out
check "back-pressure: all 1000 arrive, none lost, none doubled" [ $rc -eq 0 ]
check "back-pressure: nothing dropped" [ "$(field beta slow dropped)$(field alpha slow dropped)" = 00 ]

# --- JetStream across SIGKILL of each bridge, mid-stream, in 4 priorities:
# a message that overtakes another between the bridge's look and take
# must not be doubled or lost by a kill at that instant (docs/bridge.md).
t0=$(date +%s)
spawn beta kipc-bridge-peer consume jobs --count $COUNT --prios 4 --idle 60000 --envelope alpha > $T/c4.out
C=$!
spawn alpha kipc-bridge-peer produce beta-jobs --count $COUNT --src 1 --prios 4 > /dev/null
P=$!
# (the route's counters restart with the bridge; 2000 came before)
await "a quarter through" ge beta jobs delivered $((2000 + COUNT / 4))
kill -9 $BR_alpha; wait $BR_alpha 2>/dev/null
echo "killed alpha's bridge at beta delivered=$(field beta jobs delivered)"
sleep 1
start_bridge alpha
await "alpha back" route_ok alpha jobs
await "half through" ge beta jobs delivered $((2000 + COUNT / 2))
kill -9 $BR_beta; wait $BR_beta 2>/dev/null
echo "killed beta's bridge"
sleep 1
start_bridge beta
wait $P
wait $C; rc=$?
cat $T/c4.out
echo "stream of $COUNT with two kills: $(( $(date +%s) - t0 )) s (reported, not tested)"
check "jetstream: $COUNT messages across SIGKILL of both bridges: none lost, none doubled" [ $rc -eq 0 ]
status alpha; status beta

# --- clean up: stop the bridges (SIGTERM), delete what the tests made
kill $BR_alpha $BR_beta
wait $BR_alpha; a=$?
wait $BR_beta; b=$?
check "SIGTERM: both bridges exit 0 ($a $b)" [ "$a$b" = 00 ]
for m in jobs slow tiny fast drop svc secret kipc-bridge.beta.jobs kipc-bridge.beta.slow kipc-bridge.beta.tiny; do on beta kipcctl rm $m; done
for m in beta-jobs beta-slow beta-tiny beta-fast beta-drop beta-svc beta-gone kipc-bridge.alpha.jobs kipc-bridge.alpha.slow kipc-bridge.alpha.tiny; do on alpha kipcctl rm $m; done
kill $NS_alpha $NS_beta $NATS
wait
if [ $fail -gt 0 ]; then
	for f in $T/alpha.log $T/beta.log; do echo "== $f"; tail -n 30 $f; done
fi
echo "bridge-tests: pass=$pass fail=$fail"
[ $fail -eq 0 ]
