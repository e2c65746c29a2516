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
kipc_transports=kipc-direct,kipc-mbox,kipc-mbox-batch,kipc-mbox-sendrecv,kipc-rendezvous,kipc-call,kipc-uring-b16,kipc-uring-b64,kipc-uring-sqpoll,ring-spsc,ring-spsc-zc,ring-mpsc,ring-mpsc-zc
export LD_LIBRARY_PATH=$top/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# The guest's console: JSON lines are the figures, the rest is its log.
vm_bench() {
	local raw=$1; shift
	local rc=0
	"${vm[@]}" -- kipc-bench --env vm-icount "$@" > "$raw.console" || rc=$?
	tr -d '\r' < "$raw.console" | grep '^{"env"' > "$raw" || true
	tr -d '\r' < "$raw.console" | grep -v '^{"env"' >&2 || true
	return $rc
}

if [ "$mode" = smoke ]; then
	out=$out/smoke
	rm -rf "$out" && mkdir -p "$out"
	fail=0
	"$bin" --env native --smoke > "$out/native.jsonl" || fail=1
	vm_bench "$out/vm.jsonl" --smoke --scale --raise-limits \
		--transports "$kipc_transports" || fail=1
	for f in native vm; do
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
fail=0
# The VM first: under icount its figures do not depend on host load.
vm_bench "$out/vm.raw.jsonl" --reps 5 --count 600 --count-min 20 --bytes 6M \
	--scale --raise-limits || fail=1
# Streams of small messages get 100000 messages: a fast ring moves 3000 in
# 0.2 ms, as long as the wake-ups that start and end the stream. That makes
# a native repetition about 50 s instead of 20 s (load average 9).
"$bin" --env native --reps 5 --count 3000 --stream-count 100000 --count-min 50 --bytes 32M \
	> "$out/native.raw.jsonl" || fail=1

awk -v out="$out" -f "$here/report.awk" "$out/vm.raw.jsonl" "$out/native.raw.jsonl"
when="$(date -u +%Y-%m-%d), $(nproc)-core $(. /etc/os-release && echo "$PRETTY_NAME")"
for env in vm-icount native; do
	gnuplot -e "dir='$out'; env='$env'; when='$when'" "$here/charts.gp"
done
{
	echo "Measured $when ($(uname -m), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'))"
	echo
	cat "$out/latest.md"
} > "$out/latest.md.tmp" && mv "$out/latest.md.tmp" "$out/latest.md"
cat "$out/latest.md"
echo
echo "bench: $out/latest.jsonl, latest.md, *.png in $(( $(date +%s) - started ))s"
exit $fail
