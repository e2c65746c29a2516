#!/bin/sh
# The guest half of the reliability run (tools/testing/vm/reliability runs it in
# the debug-kernel VM): the allocation-failure sweep, the fuzzer, the soak,
# then one line of their figures for the host, which adds the leak and
# splat counts it reads from the kernel log once kipc is unloaded:
#   reliability-run: fuzz_ops=N fault_sites=N soak_procs=N soak_msgs=N lost=N dup=N
# The tools are on PATH.
#
# The seed is fixed so that a failure of make check reproduces; explore
# other seeds with: tools/testing/vm/run --kernel debug -- kipc-fuzz --seed S ...
# FUZZ_OPS is the 10^6 operations the reliability figures promise; about
# four minutes in the debug VM on an idle machine (docs/testing.md).
FUZZ_SEED=1
FUZZ_PROCS=8
FUZZ_OPS=1000000
SOAK_PROCS=32
SOAK_SECONDS=30

out=/tmp/reliability.out
status=0

# First, while the fuzzer has not yet filled kmemleak's tables: every
# injected failure's leak, if any, is then reported with its own trace.
kipc-faultsweep > $out || status=1
cat $out
fault_sites=$(sed -n 's/^faultsweep: ops=[0-9]* sites=\([0-9]*\) failures=[0-9]*$/\1/p' $out)

kipc-fuzz --seed $FUZZ_SEED --procs $FUZZ_PROCS --ops $FUZZ_OPS > $out || status=1
cat $out
fuzz_ops=$(sed -n 's/^fuzz: .* ops=\([0-9]*\)$/\1/p' $out)

# The fuzzer leaves mailboxes and rings behind, charged to root: lift the
# per-user limits so that the soak measures delivery, not what is left of
# root's quota (kipc_quota_test and kipc_security_test cover the limits).
for p in user_bytes_max user_mailboxes_max user_rings_max; do
	echo 0 > /sys/module/kipc/parameters/$p
done
kipc-soak --procs $SOAK_PROCS --seconds $SOAK_SECONDS > $out || status=1
cat $out
soak=$(sed -n 's/^soak: procs=\([0-9]*\) msgs=\([0-9]*\) lost=\([0-9]*\) dup=\([0-9]*\)$/\1 \2 \3 \4/p' $out)
set -- ${soak:-? ? ? ?}

echo "reliability-run: fuzz_ops=${fuzz_ops:-?} fault_sites=${fault_sites:-?} soak_procs=$1 soak_msgs=$2 lost=$3 dup=$4"
exit $status
