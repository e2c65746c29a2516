# Sourced by bridge.sh and bench.sh (tools/bridge/test/run puts it
# in front of them): nats-server on the guest's loopback with JetStream and
# a user/password, two hosts (alpha, beta) as two IPC namespaces, and the
# helpers to run things on them and read their bridges' status.
#
# The caller defines ok, bad and die before sourcing it.
T=/tmp/bridge
mkdir -p $T/run
chmod 755 $T
chown nobody $T/run	# the bridges' status sockets
ifconfig lo 127.0.0.1 up || die "no loopback"

# --- nats-server: loopback only, JetStream in a scratch folder, a password
cat > $T/nats.conf <<EOF
listen: 127.0.0.1:4222
jetstream { store_dir: "$T/js", max_memory_store: 64MB, max_file_store: 256MB }
authorization { users = [ { user: bridge, password: "s3cret" } ] }
EOF
nats-server -c $T/nats.conf > $T/nats.log 2>&1 &
NATS=$!
i=0
until grep -q "Server is ready" $T/nats.log; do
	i=$((i + 1)); [ $i -lt 300 ] || die "nats-server did not start"; sleep 0.1
done

# --- the two hosts: an IPC namespace each, held by a sleeping process
unshare -i sleep 100000 & NS_alpha=$!
unshare -i sleep 100000 & NS_beta=$!
sleep 0.2
on() { h=$1; shift; eval "nsenter -F -t \$NS_$h -i \"\$@\""; }
# spawn HOST CMD...: in the background, so that $! is CMD's own pid.
# "on HOST $NOBODY CMD" runs CMD as nobody (nsenter sets uid and gid).
NOBODY="-S 65534 -G 65534"
spawn() { h=$1; shift; ( eval "exec nsenter -F -t \$NS_$h -i \"\$@\"" ) & }

echo s3cret > $T/pw
chmod 644 $T/pw
export NATS_USER=bridge NATS_PASSWORD=s3cret	# for the plain NATS peers

# common HOST PASSWORD_FILE: a bridge configuration's global part
common() {
	cat <<EOF
host = $1
nats = nats://127.0.0.1:4222
user = bridge
password_file = $2
status_socket = $T/run/$1.sock
EOF
}
start_bridge() {
	spawn $1 $NOBODY kipc-bridge -c $T/$1.conf >> $T/$1.log 2>&1
	eval "BR_$1=\$!"
}
status() { kipc-bridge status --socket $T/run/$1.sock 2>/dev/null; }
# field HOST ROUTE KEY: one counter (or the state) of a route
field() { status $1 | awk -v r=$2 '$1 == "route" && $2 == r' | tr ' ' '\n' | sed -n "s/^$3=//p"; }
# Liveness watchdog, not a timing test: wait (up to 120 s) until CMD holds.
await() { what=$1; shift; i=0; until "$@"; do
	i=$((i + 1)); [ $i -lt 600 ] || { bad "timed out waiting: $what"; return 1; }; sleep 0.2; done; }
route_ok() { [ "$(field $1 $2 state)" = ok ]; }
ge() { v=$(field $1 $2 $3); [ -n "$v" ] && [ "$v" -ge $4 ]; }

