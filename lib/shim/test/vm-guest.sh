#!/bin/sh
# In the test VM: the shim conformance tests linked with the shims, the
# native ones under LD_PRELOAD, and an unmodified program under LD_PRELOAD
# whose queues kipcctl must list. Exit status 0 only if all passed.
pre=/root/libkipc-preload.so
rc=0
step() {
	name=$1; shift
	if "$@" > /tmp/step.log 2>&1; then
		echo "shim: ok $name"
	else
		echo "shim: FAIL $name"; cat /tmp/step.log; rc=1
	fi
}
step "mq linked" mq_conform_shim
step "msg linked" msg_conform_shim
step "mq preload" env LD_PRELOAD=$pre mq_conform
step "msg preload" env LD_PRELOAD=$pre msg_conform
step "plain preload" env LD_PRELOAD=$pre plain create
kipcctl ls > /tmp/ls.txt 2>&1
cat /tmp/ls.txt
step "kipcctl lists /kipc-plain" grep -q -- "/kipc-plain" /tmp/ls.txt
step "kipcctl lists the SysV key" grep -q -- "sysv.0x4b1d0001" /tmp/ls.txt
step "plain remove" env LD_PRELOAD=$pre plain remove
exit $rc
