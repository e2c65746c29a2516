# SPDX-License-Identifier: GPL-2.0
# Stand-in for the kernel's tools/testing/selftests/lib.mk, so that
# selftests/kipc/ builds here unchanged and also drops into a kernel tree.
#
# The harness headers are not kept in this repository: they are extracted
# from Debian's linux-source-6.12 tarball on first build.
SELFTESTS_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
LINUX_SOURCE_TARBALL ?= /usr/src/linux-source-6.12.tar.xz
KSFT_HEADERS := $(SELFTESTS_DIR)/kselftest.h $(SELFTESTS_DIR)/kselftest_harness.h

# As the kernel's lib.mk does.
CFLAGS += -D_GNU_SOURCE=

OUTPUT ?= $(CURDIR)
TEST_GEN_PROGS := $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_PROGS))

all: $(TEST_GEN_PROGS)

$(KSFT_HEADERS) &:
	@test -r $(LINUX_SOURCE_TARBALL) || { echo "selftests: $(LINUX_SOURCE_TARBALL) missing: run 'make deps'" >&2; exit 1; }
	tar -C $(SELFTESTS_DIR) -xf $(LINUX_SOURCE_TARBALL) --strip-components=4 \
		linux-source-6.12/tools/testing/selftests/kselftest.h \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h
	touch $(KSFT_HEADERS)

$(OUTPUT)/%: %.c $(KSFT_HEADERS) $(wildcard *.h)
	@mkdir -p $(OUTPUT)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

clean:
	$(RM) $(TEST_GEN_PROGS)

.PHONY: all clean
