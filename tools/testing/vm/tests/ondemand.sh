#!/bin/sh
# Guest side of tools/testing/vm/check-ondemand: /dev/kipc exists before the
# module is loaded (as systemd-tmpfiles creates it from depmod's
# modules.devname at boot), and the first open() loads the module.
# Prints "ondemand: ok" or "ondemand: FAIL: reason".
fail() {
	echo "ondemand: FAIL: $*"
	# Leave the module loaded, as the VM's init expects to unload it.
	grep -q '^kipc ' /proc/modules || insmod /lib/modules/kipc.ko
	exit 1
}
# Full paths: busybox's shell prefers its own applets of the same names.
sbin=/usr/local/sbin

rel=$(uname -r)
mkdir -p $sbin "/lib/modules/$rel/extra"
for tool in depmod modprobe; do
	ln -sf /usr/bin/kmod $sbin/$tool
done
echo $sbin/modprobe > /proc/sys/kernel/modprobe

rmmod kipc || fail "cannot unload the module the VM loaded"
[ -e /dev/kipc ] && fail "/dev/kipc still exists after rmmod"
cp /lib/modules/kipc.ko "/lib/modules/$rel/extra/"
$sbin/depmod "$rel" 2>/dev/null || fail "depmod failed"
grep -q '^kipc kipc c10:248$' "/lib/modules/$rel/modules.devname" ||
	fail "modules.devname has no kipc entry: $(cat "/lib/modules/$rel/modules.devname")"

# What systemd-tmpfiles does with kmod's list at boot.
/usr/bin/kmod static-nodes --format=tmpfiles -o /tmp/static-nodes ||
	fail "kmod static-nodes failed"
node=$(grep ' /dev/kipc ' /tmp/static-nodes)
echo "static node: $node"
set -- $node
[ "$1" = "c!" ] && [ "$7" = "10:248" ] || fail "unexpected static node entry"
mknod -m 0666 /dev/kipc c 10 248
grep -q '^kipc ' /proc/modules && fail "the module is loaded before any open"
ls -l /dev/kipc

kipcctl version || fail "open of /dev/kipc did not load the module"
grep -q '^kipc ' /proc/modules || fail "kipc is not in /proc/modules"
echo "ondemand: ok"
