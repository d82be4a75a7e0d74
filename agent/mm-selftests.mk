# SPDX-License-Identifier: GPL-2.0
#
# Linux's own mm selftests (tools/testing/selftests/mm of LINUX_SRC),
# cross-built as static riscv64 binaries, and a second initramfs with the
# agent plus those binaries under /mm-selftests (agent group
# "mmselftests", test-mmselftests.c).  Included by agent/Makefile.
#
#   $(O)/mm/usr/include      UAPI headers of LINUX_SRC (headers_install)
#   $(O)/mm/bin/<test>       the binaries (stripped)
#   $(O)/initramfs-mm.cpio   init + /mm-selftests/*
#
# The source tree is only read: the build writes local_config.h (no
# liburing) into $(O)/mm/include instead of the tree.
#
# Not built:
#   protection_keys, pkey_sighandler_tests  pkey-helpers.h supports x86,
#                                           powerpc and arm64 only
# Built with a stand-in:
#   ksm_tests, migration                    libnuma (no riscv64 libnuma in
#                                           Debian): mm-compat/numa.h
#   memfd_secret, mlock-random-test         libcap (same): mm-compat/
#                                           sys/capability.h
#   khugepaged                              uses KSFT_SKIP without including
#                                           kselftest.h (fixed upstream
#                                           later): -DKSFT_SKIP=4
#   cow, gup_longterm                       without liburing (its io_uring
#                                           cases skip, as upstream without it)

MM_SRC		:= $(LINUX_SRC)/tools/testing/selftests/mm
MM_OUT		:= $(O)/mm
MM_HDR		:= $(MM_OUT)/usr/include
MM_HDR_STAMP	:= $(MM_OUT)/usr/.installed
MM_BIN		:= $(MM_OUT)/bin
MM_OBJ		:= $(MM_OUT)/obj
MM_CONFIG_H	:= $(MM_OUT)/include/local_config.h
MM_COMPAT	:= $(CURDIR)/mm-compat
MM_CPIO_LIST	:= $(O)/initramfs-mm.list
MM_CPIO		:= $(O)/initramfs-mm.cpio

MM_TESTS	:= compaction_test cow droppable gup_longterm gup_test \
		   hmm-tests hugepage-mmap hugepage-mremap hugepage-shm \
		   hugepage-vmemmap hugetlb-madvise hugetlb-read-hwpoison \
		   hugetlb-soft-offline hugetlb_dio hugetlb_fault_after_madv \
		   hugetlb_madv_vs_map khugepaged ksm_functional_tests \
		   ksm_tests madv_populate map_fixed_noreplace map_hugetlb \
		   map_populate mdwe_test memfd_secret migration mkdirty \
		   mlock-random-test mlock2-tests mremap_dontunmap \
		   mremap_test mrelease_test mseal_test on-fault-limit \
		   pagemap_ioctl seal_elf soft-dirty split_huge_page_test \
		   thuge-gen transhuge-stress uffd-stress uffd-unit-tests \
		   va_high_addr_switch virtual_address_range \
		   write_to_hugetlbfs
MM_BINS		:= $(MM_TESTS:%=$(MM_BIN)/%)

# As the selftests' own Makefile, plus the headers above; upstream's
# warnings are not ours to fix, so they are not shown.  __FILE__ is the
# bare file name, as there (gup_longterm makes its temporary file
# "__FILE__"_tmpfile_XXXXXX in the current directory).
MM_CFLAGS	:= -O2 -w -U_FORTIFY_SOURCE -fmacro-prefix-map=$(MM_SRC)/= \
		   -I$(MM_OUT)/include -I$(MM_COMPAT) \
		   -I$(LINUX_SRC) -isystem $(MM_HDR) \
		   -isystem $(LINUX_SRC)/tools/include/uapi
MM_LDFLAGS	:= -static -s
MM_LDLIBS	:= -lrt -lpthread -lm
MM_COMMON	:= $(MM_OBJ)/vm_util.o $(MM_OBJ)/thp_settings.o

# objects linked into several binaries: keep them
.SECONDARY: $(MM_COMMON) $(MM_OBJ)/uffd-common.o $(MM_OBJ)/mm-compat.o

.PHONY: mm-selftests mm-initramfs clean-mm

mm-selftests: $(MM_BINS)

mm-initramfs: $(MM_CPIO)

# headers_install is no kernel build: it runs unifdef over the UAPI headers
# in an output tree of its own.
MM_UAPI		:= $(wildcard $(LINUX_SRC)/include/uapi/*.h \
			      $(LINUX_SRC)/include/uapi/*/*.h \
			      $(LINUX_SRC)/include/uapi/*/*/*.h \
			      $(LINUX_SRC)/arch/riscv/include/uapi/asm/*.h)

$(MM_HDR_STAMP): $(MM_UAPI)
	$(quiet) HDRINST $(MM_HDR)
	$(Q)$(MAKE) -s -C $(LINUX_SRC) ARCH=riscv CROSS_COMPILE=$(CROSS_COMPILE) \
		O=$(MM_OUT)/khdr INSTALL_HDR_PATH=$(MM_OUT)/usr headers_install
	$(Q)touch $@

$(MM_CONFIG_H):
	$(Q)mkdir -p $(@D)
	$(Q)echo '// No liburing support found' >$@

$(MM_OBJ) $(MM_BIN):
	$(Q)mkdir -p $@

$(MM_OBJ)/%.o: $(MM_SRC)/%.c $(MM_HDR_STAMP) $(MM_CONFIG_H) mm-selftests.mk | $(MM_OBJ)
	$(quiet) CC $(notdir $<)
	$(Q)$(CC) $(MM_CFLAGS) -MMD -MP -c -o $@ $<

$(MM_OBJ)/mm-compat.o: $(MM_COMPAT)/mm-compat.c $(MM_HDR_STAMP) mm-selftests.mk | $(MM_OBJ)
	$(quiet) CC $(notdir $<)
	$(Q)$(CC) $(MM_CFLAGS) -Wall -Wextra -MMD -MP -c -o $@ $<

$(MM_BIN)/uffd-stress $(MM_BIN)/uffd-unit-tests: $(MM_OBJ)/uffd-common.o
$(MM_BIN)/ksm_tests $(MM_BIN)/migration $(MM_BIN)/memfd_secret \
	$(MM_BIN)/mlock-random-test: $(MM_OBJ)/mm-compat.o
$(MM_BIN)/khugepaged: MM_EXTRA_CFLAGS := -DKSFT_SKIP=4

# extra objects are the prerequisites after the .c (and before the |)
$(MM_BIN)/%: $(MM_SRC)/%.c $(MM_COMMON) $(MM_HDR_STAMP) $(MM_CONFIG_H) \
		mm-selftests.mk | $(MM_BIN) $(MM_OBJ)
	$(quiet) CCLD $(notdir $@)
	$(Q)$(CC) $(MM_CFLAGS) $(MM_EXTRA_CFLAGS) -MMD -MP \
		-MF $(MM_OBJ)/$(notdir $@).d -MT $@ $(MM_LDFLAGS) -o $@ \
		$< $(filter %.o,$^) $(MM_LDLIBS)

define mm_newline


endef
mm_empty	:=
mm_space	:= $(mm_empty) $(mm_empty)

mm_cpio_list = $(cpio_list)$(mm_newline)dir /mm-selftests 0755 0 0$(subst \
	$(mm_space)$(mm_newline),$(mm_newline),$(foreach t,$(MM_TESTS),$(mm_newline)file \
	/mm-selftests/$(t) $(MM_BIN)/$(t) 0755 0 0))

$(MM_CPIO_LIST): FORCE | $(OBJDIR)
	$(file >$@.tmp,$(mm_cpio_list))
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; \
	else mv -f $@.tmp $@; echo '  GEN      $@'; fi

$(MM_CPIO): $(MM_CPIO_LIST) $(AGENT) $(MM_BINS) $(GEN_INIT_CPIO)
	$(quiet) CPIO $@
	$(Q)$(GEN_INIT_CPIO) -t 0 $(MM_CPIO_LIST) >$@.tmp
	$(Q)mv -f $@.tmp $@

clean-mm:
	$(Q)rm -rf $(MM_OUT) $(MM_CPIO_LIST) $(MM_CPIO)

-include $(wildcard $(MM_OBJ)/*.d)
