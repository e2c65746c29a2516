# SPDX-License-Identifier: GPL-2.0
#
# kipc: kernel message passing and shared-memory rings.
#
#   make                 module (against KDIR), libkipc, tools, selftests
#   make demo            boot the test VM and show kipc at work, then a
#                        message and a call between two VMs over NATS
#   make check           everything the CI runs: deps, build, lint, host tests,
#                        selftests in VMs on 6.1, 6.12 and the debug kernel,
#                        then the reliability run on the debug kernel
#   make check-debug     the selftests on the debug kernel only
#   make check-reliability  the allocation-failure sweep, the fuzzer and the
#                        soak on the debug kernel
#   make lint            checkpatch --strict, sparse (C=2) and W=1 on the module
#   make test-host       userspace tests on the host under ASan+UBSan
#   make check-runner    the VM runner's own tests
#   make check-bridge    kipc-bridge on 6.1 and 6.12: two VMs and a
#                        nats-server on this machine's loopback, 100000
#                        messages across SIGKILLs; then the one-VM tests
#                        (make check runs a shorter two-VM run on 6.12)
#   make bench           kipc-bench in the VM (icount) and natively: table,
#                        build/bench/latest.jsonl and charts (~6 minutes)
#   make bench-smoke     one tiny run of every transport (part of check)
#   make bench-publish   the last make bench into docs/bench-results.md
#   make check-ondemand  /dev/kipc exists before the module, open() loads it
#   make check-packaging build and lintian the Debian packages, install them,
#                        build a program with pkg-config, boot the module
#                        DKMS built, purge (part of check; ~3 minutes)
#   make bench-bridge    kipc-bridge beside a plain NATS client pair, two VMs
#   make deps            install the Debian packages the above need
#   make install         libkipc, headers, kipcctl and the other user
#                        programs, man pages (PREFIX=/usr/local, DESTDIR)
#   make uninstall       remove what make install installed
#   make modules_install kipc.ko into /lib/modules/KERNELRELEASE/extra, then
#                        depmod (INSTALL_MOD_PATH for a staging root;
#                        make modules_uninstall removes it)
#   make dkms-source     module sources and dkms.conf into /usr/src/kipc-VERSION
#   make deb             kipc-dkms, libkipc0, libkipc-dev, kipc-tools,
#                        kipc-bridge in build/deb
#
# KDIR selects the kernel build tree for the module. The default is the
# 6.12 test kernel's headers; on your own machine use
#   make KDIR=/lib/modules/$(uname -r)/build

TOP := $(CURDIR)
KDIR ?= $(shell $(TOP)/tools/testing/vm/kernel 6.12 2>/dev/null | cut -d' ' -f2)
KERNELS ?= 6.1 6.12
KIPC_VERSION := $(shell sed -En 's/^\#define KIPC_VERSION_(MAJOR|MINOR|PATCH)[[:space:]]+//p' \
	$(TOP)/include/uapi/linux/kipc.h | paste -sd.)
CHECKPATCH_SRC := /var/cache/kipc/src/linux-source-6.12

all: module lib shim tools selftests vm-tests

module:
	@$(TOP)/tools/scripts/check-kdir "$(KDIR)"
	$(MAKE) -C "$(KDIR)" M=$(TOP) modules

lib:
	$(MAKE) -C lib

# The POSIX mq and SysV msg shims (docs: man/kipc-mq.7, man/kipc-msg.7).
shim:
	$(MAKE) -C lib/shim

tools: lib
	$(MAKE) -C tools

# The selftests use only the uapi headers, as in a kernel tree.
KIPC_SELFTEST_FLAGS = OUTPUT=$(TOP)/build/selftests/kipc \
	KHDR_INCLUDES="-isystem $(TOP)/include/uapi"
selftests:
	$(MAKE) -C selftests/kipc $(KIPC_SELFTEST_FLAGS)

# The library's and kipcctl's own tests that need the module: the VM runs
# them after the selftests (build/tests/SUITE/). They use the harness
# headers the selftests build extracts.
vm-tests: lib tools selftests
	$(MAKE) -C lib/test/vm
	$(MAKE) -C tools/kipcctl/test

# The module built for one test kernel, in its own copy of the sources so
# builds for different kernels never share objects. Used by tools/testing/vm/run.
VM_OUT = $(TOP)/build/vm/$(KERNEL)
vm-payload: lib tools selftests vm-tests
	@test -n "$(KERNEL)" -a -n "$(VM_KDIR)" || { echo "vm-payload: KERNEL and VM_KDIR required" >&2; exit 1; }
	@$(TOP)/tools/scripts/check-kdir "$(VM_KDIR)"
	@mkdir -p $(VM_OUT)/src
	@cp -a Kbuild kmod include $(VM_OUT)/src/
	$(MAKE) -s -C "$(VM_KDIR)" M=$(VM_OUT)/src modules
	@cp $(VM_OUT)/src/kmod/kipc.ko $(VM_OUT)/kipc.ko

deps:
	@$(TOP)/tools/scripts/deps

test-host: deps
	$(MAKE) -C lib/test
	$(MAKE) -C tools/bridge/test
	$(MAKE) -C lib/shim/test test-host

lint: deps
	@$(TOP)/tools/scripts/lint

# One selftest run per kernel; the last line is the sum over all of them.
check: deps
	$(MAKE) all
	$(MAKE) lint
	$(MAKE) test-host
	@$(TOP)/tools/testing/vm/selfcheck
	@for k in $(KERNELS) debug; do $(TOP)/lib/shim/test/run-vm $$k || exit 1; done
	$(MAKE) bench-smoke
	$(MAKE) check-packaging
	@$(TOP)/tools/testing/vm/check-ondemand $(KERNELS)
	@$(TOP)/tools/bridge/test/two-vms --count $(BRIDGE_SMOKE_COUNT) 6.12
	@$(TOP)/tools/testing/vm/check $(KERNELS) debug

check-debug: deps
	$(MAKE) lib tools selftests
	@$(TOP)/tools/testing/vm/check debug

# kipc-faultsweep, kipc-fuzz and kipc-soak on the debug kernel: about five
# minutes of TCG on an idle machine (docs/testing.md). tools/testing/vm/check
# runs the same after the debug kernel's selftests.
check-reliability: deps
	$(MAKE) lib tools selftests
	@$(TOP)/tools/testing/vm/reliability

# The two-VM run has the issue's checks with a real network between the
# hosts; the one-VM run (two IPC namespaces) adds priorities with the
# envelope and takes 5000 messages across the kills.
BRIDGE_SMOKE_COUNT ?= 2000
check-bridge: deps
	$(MAKE) lib tools selftests
	@$(TOP)/tools/bridge/test/two-vms --count 100000 $(KERNELS)
	@$(TOP)/tools/bridge/test/run --count 5000 $(KERNELS)

check-runner: deps
	$(MAKE) lib tools selftests
	@$(TOP)/tools/testing/vm/selfcheck

# Timings are reported, never tested: the smoke run fails only when a
# transport fails or loses messages.
bench: deps
	$(MAKE) all
	@$(TOP)/tools/bench/bench.sh

bench-publish:
	@$(TOP)/tools/bench/publish

bench-bridge: deps
	$(MAKE) lib tools selftests
	@$(TOP)/tools/bridge/test/two-vms --bench --count 20000 6.12

bench-smoke: deps
	$(MAKE) lib tools selftests
	@$(TOP)/tools/bench/bench.sh --smoke

# Then two VMs, each with a bridge, and a nats-server on this machine's
# loopback: a message and a call cross from one to the other.
demo: deps
	@$(TOP)/tools/testing/vm/run --script $(TOP)/tools/examples/demo/demo.sh
	@$(TOP)/tools/bridge/test/two-vms --no-build --pair $(TOP)/tools/examples/demo/bridge 6.12

install:
	$(MAKE) -C lib install
	$(MAKE) -C lib/shim install
	$(MAKE) -C tools install
	$(MAKE) -C man install

uninstall:
	$(MAKE) -C lib uninstall
	$(MAKE) -C lib/shim uninstall
	$(MAKE) -C tools uninstall
	$(MAKE) -C man uninstall

# The module for KDIR's kernel, in /lib/modules/KERNELRELEASE/extra.
# depmod runs only for the live system: in a staging root (INSTALL_MOD_PATH,
# or DESTDIR) it would index that one module alone. kbuild signs modules
# when the kernel was configured to; distribution headers do not carry the
# signing key, so then it is not asked to try.
KERNELRELEASE = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	"$(KDIR)/include/generated/utsrelease.h" 2>/dev/null)
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= extra
MODULE_DIR = $(INSTALL_MOD_PATH)/lib/modules/$(KERNELRELEASE)/$(INSTALL_MOD_DIR)
MODULE_SIGN = $(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=)
modules_install: module
	$(MAKE) -C "$(KDIR)" M=$(TOP) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) $(MODULE_SIGN) modules_install
	$(if $(INSTALL_MOD_PATH),,depmod -a $(KERNELRELEASE))

modules_uninstall:
	@$(TOP)/tools/scripts/check-kdir "$(KDIR)"
	rm -f $(MODULE_DIR)/kmod/kipc.ko $(MODULE_DIR)/kmod/kipc.ko.*
	-rmdir $(MODULE_DIR)/kmod $(MODULE_DIR) 2>/dev/null
	$(if $(INSTALL_MOD_PATH),,depmod -a $(KERNELRELEASE))

# What DKMS builds from: the top Kbuild, kmod/ and the uapi headers, with
# dkms.conf. Then 'dkms install kipc/VERSION' (docs/packaging.md).
DKMS_SRCDIR ?= /usr/src/kipc-$(KIPC_VERSION)
dkms-source:
	install -d $(DESTDIR)$(DKMS_SRCDIR)
	install -m 644 Kbuild $(DESTDIR)$(DKMS_SRCDIR)/
	find kmod include/uapi -type f \( -name Kbuild -o -name '*.[ch]' \) \
		! -name '*.mod.c' -exec install -D -m 644 {} $(DESTDIR)$(DKMS_SRCDIR)/{} \;
	sed 's/#MODULE_VERSION#/$(KIPC_VERSION)/' tools/packaging/dkms.conf \
		> $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf

deb:
	@$(TOP)/tools/packaging/build-deb

# Installs the packages on this machine and purges them (tools/packaging/check).
check-ondemand: deps
	$(MAKE) lib tools selftests
	@$(TOP)/tools/testing/vm/check-ondemand $(KERNELS)

check-packaging: deps
	@$(TOP)/tools/packaging/check

version:
	@echo $(KIPC_VERSION)

clean:
	-$(MAKE) -C "$(KDIR)" M=$(TOP) clean 2>/dev/null
	$(MAKE) -C lib clean
	$(MAKE) -C lib/test clean
	$(MAKE) -C lib/shim clean
	rm -rf build

.PHONY: all module lib shim tools selftests vm-tests vm-payload deps test-host lint check \
	check-debug check-reliability check-runner check-packaging check-ondemand \
	check-bridge bench bench-publish bench-bridge bench-smoke demo install uninstall \
	modules_install modules_uninstall dkms-source deb version clean
