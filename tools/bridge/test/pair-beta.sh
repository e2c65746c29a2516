#!/bin/sh
# The kipc-bridge tests across two machines, beta's half: beta exports
# mailboxes and runs their consumers and a server; alpha (pair-alpha.sh)
# imports them. Prints "ok: ..." / "not ok: ..." per check and ends with
#   bridge-pair: beta pass=N fail=N
. ./pair-lib.sh

{ common; cat <<CONF

[export jobs]
mailbox = jobs
mode = jetstream
envelope = yes
fetch = 16
max_ack_pending = 64

[export fast]
mailbox = fast

[export slow]
mailbox = slow
mode = jetstream
fetch = 8
max_ack_pending = 16
stream_max_msgs = 200

[export svc]
mailbox = svc

[export tiny]
mailbox = tiny
mode = jetstream

[export drop]
mailbox = drop
core_wait = 0

[export secret]
mailbox = secret
CONF
} > $T/bridge.conf
kipcctl create jobs --capacity 64 --mode 0666 > /dev/null || die "create jobs"
kipcctl create fast --capacity 256 --mode 0666 > /dev/null || die "create fast"
kipcctl create slow --capacity 8 --mode 0666 > /dev/null || die "create slow"
kipcctl create svc --capacity 16 --mode 0666 > /dev/null || die "create svc"
kipcctl create tiny --capacity 4 --msgsize 64 --mode 0666 > /dev/null || die "create tiny"
kipcctl create drop --capacity 4 --mode 0666 > /dev/null || die "create drop"
# A mailbox of root's that the bridge (nobody) may not open.
kipcctl create secret --capacity 4 --mode 0600 > /dev/null || die "create secret"
start_bridge
for r in jobs fast slow svc tiny drop; do await "route $r" 120 route_ok $r || die "route $r"; done
ok "bridge up, exports ready"
secret_refused() { status | grep -q 'route secret .*delivered=0 .*state=waiting: mailbox secret: .*ermission'; }
await "secret refused" 60 secret_refused &&
	ok "an export is limited by the mailbox's mode (secret: permission denied)"
mark beta-ready
meet alpha-ready 300 || finish

# --- calls across the machines
kipc-bridge-peer serve svc > $T/serve.out 2>&1 &
SRV=$!
sleep 0.5
mark beta-serving
meet alpha-called 600
check "calls: the server's bridge made $CALLS calls" [ "$(field svc calls)" = "$CALLS" ]
kill $SRV; wait $SRV 2> /dev/null

# --- the caller's deadline crosses: a server that takes 7 s
kipc-bridge-peer serve svc --delay-ms 7000 > $T/serve.out 2>&1 &
SRV=$!
sleep 0.5
mark beta-slow-server
meet alpha-deadlines 120
kill $SRV; wait $SRV 2> /dev/null
mark beta-server-gone
meet alpha-called-gone 120

# --- JetStream: a message that can never fit the mailbox must not block
# the route for ever: it is dropped, counted and logged; the next arrives.
meet alpha-tiny-sent 120
check "jetstream: the message after one too large for the mailbox arrives" \
	sh -c '[ "$(kipcctl recv tiny --timeout 60000)" = fits ]'
check "jetstream: the one too large is counted: delivered=1 dropped=1" \
	[ "$(field tiny delivered) $(field tiny dropped)" = "1 1" ]

# --- core: a mailbox of 4 nobody reads, core_wait = 0: 4 delivered, the
# rest dropped and counted.
meet alpha-drop-sent 120
drop_all() { [ $(( $(field drop delivered) + $(field drop dropped) )) -ge 100 ]; }
await "drop: all 100 accounted" 120 drop_all
check "core: full mailbox: delivered=4 dropped=96" \
	[ "$(field drop delivered) $(field drop dropped)" = "4 96" ]
kipc-bridge-peer consume drop --count 4 --idle 1000 > /dev/null
check "core: the 4 delivered are intact" [ $? -eq 0 ]

# --- core across a restart of this machine's bridge: what is lost while
# it is down is counted (the consumer sees the gap), nothing doubled.
kipc-bridge-peer consume fast --count $CORE_COUNT --idle 15000 > $T/core.out &
C=$!
mark beta-core-ready
await "core: a quarter delivered" 300 ge fast delivered $((CORE_COUNT / 4))
at=$(field fast delivered)
kill -9 $BR; wait $BR 2> /dev/null
echo "killed beta's bridge at fast delivered=$at"
sleep 1
start_bridge
await "core: bridge back" 120 route_ok fast
mark beta-core-back
wait $C
cat $T/core.out
got=$(sed -n 's/.* unique=\([0-9]*\).*/\1/p' $T/core.out)
missing=$(sed -n 's/.* missing=\([0-9]*\).*/\1/p' $T/core.out)
check "core: across a SIGKILL of beta's bridge: received $got + lost $missing = $CORE_COUNT, each loss seen" \
	[ "$((got + missing))" -eq "$CORE_COUNT" ]
check "core: none doubled, corrupt or reordered" \
	grep -q 'duplicates=0 .*corrupt=0 reordered=0' $T/core.out
check "core: the restarted bridge delivered ($(field fast delivered))" ge fast delivered 1
meet alpha-core-sent 60 > /dev/null

# --- back-pressure: alpha's producer blocks behind the full mailbox and
# stream; then everything arrives.
meet alpha-blocked 300
kipc-bridge-peer consume slow --count 1000 --delay-us 200 --idle 60000 > $T/slow.out
rc=$?
cat $T/slow.out
check "back-pressure: all 1000 arrive, none lost, none doubled" [ $rc -eq 0 ]
check "back-pressure: nothing dropped" [ "$(field slow dropped)" = 0 ]
mark beta-slow-done

# --- JetStream, COUNT messages in 4 priorities across a SIGKILL of beta's
# bridge at a quarter (alpha kills its own at half).
t0=$(date +%s)
kipc-bridge-peer consume jobs --count $COUNT --prios 4 --idle 120000 --envelope alpha > $T/js.out &
C=$!
mark beta-js-ready
await "jetstream: a quarter delivered" $((COUNT / 10 + 300)) ge jobs delivered $((COUNT / 4))
at=$(field jobs delivered)
kill -9 $BR; wait $BR 2> /dev/null
echo "killed beta's bridge at jobs delivered=$at"
sleep 1
start_bridge
await "jetstream: bridge back" 120 route_ok jobs
wait $C; rc=$?
cat $T/js.out
echo "jetstream: $COUNT messages in $(( $(date +%s) - t0 )) s (reported, not tested)"
check "jetstream: $COUNT messages in 4 priorities across SIGKILL of both bridges: none lost, none doubled" [ $rc -eq 0 ]
check "jetstream: the envelope names alpha and the sender's uid (root)" grep -q "from=alpha:[0-9]*:uid0" $T/js.out
status
mark beta-done

kill $BR; wait $BR; rc=$?
check "SIGTERM: the bridge exits 0 ($rc)" [ $rc -eq 0 ]
for m in jobs fast slow svc tiny drop secret kipc-bridge.beta.jobs kipc-bridge.beta.slow kipc-bridge.beta.tiny; do kipcctl rm $m; done
finish
