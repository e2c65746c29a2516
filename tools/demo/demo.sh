#!/bin/sh
# The kipc demo, run inside the test VM by 'make demo'
# (tools/vm/run --script tools/demo/demo.sh).
set -e

step() { printf '\n== %s\n' "$*"; }

step "the module is loaded"
grep '^kipc ' /proc/modules

step "/dev/kipc is a character device anyone may open"
ls -l /dev/kipc

step "kipcctl talks to it"
kipcctl version
