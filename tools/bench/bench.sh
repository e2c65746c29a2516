#!/bin/bash
# Run kipc-bench in the test VM (instruction counting) and natively, then
# write the medians, the table and the charts.
#
#   bench.sh          make bench: 5 repetitions each, build/bench/latest.*
#   bench.sh --smoke  make bench-smoke: one tiny repetition; fails only if
#                     a transport failed or lost messages, never on timing
#
# The VM runs with one vCPU under icount, so its figures are deterministic
# instruction-time ratios, not wall-clock speed; the host runs only the
# userspace transports (kipc rings over a memfd). Counts are sized so the
# whole of 'make bench' takes about 6 minutes on a 2-core machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tools/bench
bin=$top/build/bin/kipc-bench
out=$top/build/bench
mode=full
case "${1:-}" in
--smoke) mode=smoke ;;
'') ;;
*) echo "usage: $0 [--smoke]" >&2; exit 2 ;;
esac

# Kernel-owned 1 MiB messages need a 2 MiB slot.
vm=("$top/tools/testing/vm/run" --icount --kernel 6.12 --timeout 540
	--module-args "ring_slot_size_max=2097152")
# Independent pairs need a CPU per process and wall-clock time: two vCPUs,
# no icount. Their figures follow the host's load.
vm_smp=("$top/tools/testing/vm/run" --smp 2 --kernel 6.12 --timeout 300)
kipc_transports=kipc-direct,kipc-mbox,kipc-mbox-rw,kipc-mbox-batch,kipc-mbox-sendrecv,kipc-rendezvous,kipc-call,kipc-uring-b16,kipc-uring-b64,kipc-uring-x64,kipc-uring-sqpoll,ring-spsc,ring-spsc-zc,ring-mpsc,ring-mpsc-zc
export LD_LIBRARY_PATH=$top/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# The guest's console: JSON lines are the figures, the rest is its log.
# vm_bench RAW ENV ARGS...: ENV vm-icount (the icount VM) or vm-smp2.
vm_bench() {
	local raw=$1 env=$2; shift 2
	local rc=0
	if [ "$env" = vm-smp2 ]; then
		"${vm_smp[@]}" -- kipc-bench --env "$env" "$@" > "$raw.console" || rc=$?
	else
		"${vm[@]}" -- kipc-bench --env "$env" "$@" > "$raw.console" || rc=$?
	fi
	tr -d '\r' < "$raw.console" | grep '^{"env"' > "$raw" || true
	tr -d '\r' < "$raw.console" | grep -v '^{"env"' >&2 || true
	return $rc
}

# posix-mq and sysv-msg again with the shims underneath (LD_PRELOAD of
# libkipc-preload.so), renamed posix-mq-kipc and sysv-msg-kipc: the same
# benchmark code, kipc instead of the kernel's own queues.
shim_transports=posix-mq,sysv-msg
vm_bench_shim() {
	local raw=$1; shift
	local rc=0
	"${vm[@]}" --file "$top/lib/shim/libkipc-preload.so" -- \
		env LD_PRELOAD=/root/libkipc-preload.so \
		kipc-bench --env vm-icount --transports "$shim_transports" "$@" \
		> "$raw.console" || rc=$?
	tr -d '\r' < "$raw.console" | grep '^{"env"' |
		sed -E 's/"transport":"(posix-mq|sysv-msg)"/"transport":"\1-kipc"/' \
		> "$raw" || true
	tr -d '\r' < "$raw.console" | grep -v '^{"env"' >&2 || true
	return $rc
}
make -s -C "$top/lib/shim" libkipc-preload.so

if [ "$mode" = smoke ]; then
	out=$out/smoke
	rm -rf "$out" && mkdir -p "$out"
	fail=0
	"$bin" --env native --smoke > "$out/native.jsonl" || fail=1
	vm_bench "$out/vm.jsonl" vm-icount --smoke --scale --sync --raise-limits \
		--transports "$kipc_transports" || fail=1
	vm_bench_shim "$out/vm-shim.jsonl" --smoke || fail=1
	vm_bench "$out/vm-smp2.jsonl" vm-smp2 --smoke --pairs --sizes 64 || fail=1
	for f in native vm vm-shim vm-smp2; do
		[ -s "$out/$f.jsonl" ] || { echo "bench-smoke: no figures from $f" >&2; fail=1; }
	done
	if [ $fail = 0 ]; then
		echo "bench-smoke: every transport moved its messages intact"
	else
		echo "bench-smoke: FAILED (see above)" >&2
	fi
	exit $fail
fi

command -v gnuplot > /dev/null || { echo "bench: gnuplot missing: run 'make deps'" >&2; exit 1; }
mkdir -p "$out"
rm -rf "$out/data" && mkdir -p "$out/data"
started=$(date +%s)
# The tree measured is the one built now, before the run: edits made
# while it runs do not count.
tree=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
fail=0
# The VM first: under icount its figures do not depend on host load.
vm_bench "$out/vm.raw.jsonl" vm-icount --reps 5 --count 600 --count-min 20 --bytes 6M \
	--scale --sync --raise-limits || fail=1
vm_bench_shim "$out/vm-shim.raw.jsonl" --reps 5 --count 600 --count-min 20 \
	--bytes 6M || fail=1
vm_bench "$out/vm-smp2.raw.jsonl" vm-smp2 --reps 5 --pairs --sizes 64 \
	--stream-count 20000 || fail=1
# Streams of small messages get 100000 messages: a fast ring moves 3000 in
# 0.2 ms, as long as the wake-ups that start and end the stream. That makes
# a native repetition about 50 s instead of 20 s (load average 9).
"$bin" --env native --reps 5 --count 3000 --stream-count 100000 --count-min 50 --bytes 32M \
	> "$out/native.raw.jsonl" || fail=1

awk -v out="$out" -f "$here/report.awk" "$out/vm.raw.jsonl" "$out/vm-shim.raw.jsonl" \
	"$out/vm-smp2.raw.jsonl" "$out/native.raw.jsonl"
when="$(date -u +%Y-%m-%d), $(nproc)-core $(. /etc/os-release && echo "$PRETTY_NAME")"
for env in vm-icount native; do
	gnuplot -e "dir='$out'; env='$env'; when='$when'" "$here/charts.gp"
done
{
	echo "Measured $when ($(uname -m), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), tree $tree"
	echo
	cat "$out/latest.md"
} > "$out/latest.md.tmp" && mv "$out/latest.md.tmp" "$out/latest.md"
cat "$out/latest.md"
echo
echo "bench: $out/latest.jsonl, latest.md, *.png in $(( $(date +%s) - started ))s"
exit $fail
