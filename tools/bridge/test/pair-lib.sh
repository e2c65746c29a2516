# Sourced by pair-alpha.sh and pair-beta.sh (tools/bridge/test/two-vms
# puts it in front of them): what each of the two test machines shares.
# The runner sets HOST (alpha or beta) and COUNT, CORE_COUNT, CALLS.
#
# The machines reach the nats-server on the runner's loopback as
# 10.0.2.100:4222 (tools/testing/vm/run --net); they meet at marks kept on that
# server (kipc-bridge-peer nats-mark / nats-await). Every wait is bounded.
set -u
pass=0 fail=0
ok() { echo "ok: $HOST: $*"; pass=$((pass + 1)); }
bad() { echo "not ok: $HOST: $*"; fail=$((fail + 1)); }
check() { name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
finish() {
	[ $fail -eq 0 ] || { echo "== bridge log"; tail -n 80 $T/bridge.log; }
	echo "bridge-pair: $HOST pass=$pass fail=$fail"
	[ $fail -eq 0 ]
	exit
}
die() { bad "setup: $*"; kipc-bridge-peer nats-mark "$HOST-failed" > /dev/null 2>&1; finish; }

T=/tmp/bridge
mkdir -p $T/run
chmod 755 $T
chown nobody $T/run	# the bridge's status socket
export NATS_URL=nats://10.0.2.100:4222 NATS_USER=bridge NATS_PASSWORD=s3cret
echo s3cret > $T/pw
chmod 644 $T/pw

# The bridge runs as nobody (nsenter sets uid and gid; the namespace it
# enters is init's own).
start_bridge() {
	# glibc's fatal messages to stderr, so that bridge.log has them
	LIBC_FATAL_STDERR_=1 nsenter -F -t 1 -i -S 65534 -G 65534 \
		kipc-bridge -c $T/bridge.conf >> $T/bridge.log 2>&1 &
	BR=$!
}
common() {
	cat <<CONF
host = $HOST
nats = $NATS_URL
user = bridge
password_file = $T/pw
status_socket = $T/run/bridge.sock
CONF
}
status() { kipc-bridge status --socket $T/run/bridge.sock 2>/dev/null; }
# field ROUTE KEY: one counter (or the state) of a route of this machine's bridge
field() { status | awk -v r=$1 '$1 == "route" && $2 == r' | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# Liveness watchdog, not a timing test: wait up to SECS until CMD holds.
await() { what=$1 secs=$2; shift 2; i=0; until "$@"; do
	i=$((i + 1)); [ $i -lt $((secs * 5)) ] || { bad "timed out waiting ($secs s): $what"; return 1; }
	sleep 0.2; done; }
route_ok() { [ "$(field $1 state)" = ok ]; }
connected() { status | grep -q "^nats connected $NATS_URL"; }
ge() { v=$(field $1 $2); [ -n "$v" ] && [ "$v" -ge $3 ]; }
# mark NAME [TEXT]: tell the other machine; meet NAME SECS: wait for it
# (printing its text), or fail at once when the other machine gave up.
mark() { kipc-bridge-peer nats-mark "$1" ${2:+--text "$2"} || bad "cannot mark $1"; }
meet() {
	i=0
	while [ $i -lt $2 ]; do
		kipc-bridge-peer nats-await "$1" --timeout 5000 2> /dev/null && return 0
		kipc-bridge-peer nats-await "$PEER-failed" --timeout 1 > /dev/null 2>&1 &&
			{ bad "the other machine ($PEER) gave up before $1"; return 1; }
		i=$((i + 5))
	done
	bad "timed out waiting ($2 s) for $1"
	return 1
}
[ "$HOST" = alpha ] && PEER=beta || PEER=alpha
ip addr show eth0 | grep -q 10.0.2.15 || die "no network"
