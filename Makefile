# pvmmu: paravirtual page tables for RISC-V Linux, mediated by M-mode SBI
# firmware. `make run` builds everything and boots it; `make test` runs every
# test layer. See README.md.

REPO		:= $(abspath .)
BUILD		:= $(REPO)/build
KSRC		:= $(BUILD)/linux
KBUILD		:= $(BUILD)/kernel
IMAGE		:= $(KBUILD)/arch/riscv/boot/Image
# The distribution-like kernel: pvmmu.config + distro.config.
KDISTRO		:= $(BUILD)/kernel-distro
# The test kernel's configuration without CONFIG_RISCV_PVMMU (make run only).
KNOPV		:= $(BUILD)/kernel-nopv
DISTRO_FRAGMENTS := $(REPO)/arch-riscv-pvmmu/pvmmu.config \
		   $(REPO)/arch-riscv-pvmmu/distro.config
FW_OUT		:= $(BUILD)/sbi-pvmmu
FIRMWARE	:= $(FW_OUT)/sbi-pvmmu.bin
AGENT_OUT	:= $(BUILD)/agent
INITRAMFS	:= $(AGENT_OUT)/initramfs.cpio
CROSS_COMPILE	:= riscv64-linux-gnu-
JOBS		?= $(shell nproc)
SMP		?= 4
RUN		?= boot,smp,vm

# ccache's compiler links come first, so kunit.py and our own kernel
# builds issue the very same commands and share one incremental build.
export PATH	:= /usr/lib/ccache:$(PATH)
# Paths below the repo hash as relative ones, so another clone of the
# project on this machine (CI) reuses the same cache entries.
export CCACHE_BASEDIR := $(REPO)

DEB_PACKAGES	:= gcc-riscv64-linux-gnu libc6-dev-riscv64-cross \
		   qemu-system-misc opensbi linux-source-6.12 flex bison bc \
		   libssl-dev libelf-dev cpio ccache python3 rsync xz-utils git \
		   gdb-multiarch python3-ply python3-git clang libclang-rt-14-dev \
		   u-boot-qemu device-tree-compiler

KUNIT		:= cd $(KSRC) && python3 tools/testing/kunit/kunit.py
KUNIT_ARGS	:= --build_dir=$(KBUILD) \
		   --qemu_config=$(REPO)/scripts/kunit_qemu_config.py \
		   --cross_compile=$(CROSS_COMPILE) \
		   --kunitconfig=$(REPO)/arch-riscv-pvmmu/overlay/arch/riscv/pvmmu/tests/.kunitconfig
KMAKE		:= $(MAKE) -C $(KSRC) ARCH=riscv O=$(KBUILD) \
		   CROSS_COMPILE=$(CROSS_COMPILE) --jobs=$(JOBS)

.PHONY: all deps tree kconfig kernel kernel-distro kernel-nopv firmware opensbi opensbi-patches agent initramfs run test \
	kunit boot debug patches checkpatch fuzz coverage clean distclean

all: kernel kernel-distro firmware opensbi initramfs

# Install what is missing from Debian's archive; a no-op when all is there.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$(echo $$missing | sed 's/^/ /')"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

tree: deps
	@scripts/kernel-tree.sh

kconfig: tree
	@$(KUNIT) config $(KUNIT_ARGS) | grep -v '^\[' || true
	@test -f $(KBUILD)/.config

kernel: kconfig
	@$(KMAKE) -s
	@echo "kernel: $(IMAGE)"

# Merged with alldefconfig; a value the fragments ask for that does not
# survive (a missing dependency) fails the build instead of going unseen.
# Merged again when pvmmu's Kconfig changes (a new option would prompt).
$(KDISTRO)/.config: $(DISTRO_FRAGMENTS) $(REPO)/arch-riscv-pvmmu/overlay/arch/riscv/Kconfig.pvmmu | tree
	@mkdir -p $(KDISTRO)
	@cd $(KSRC) && ARCH=riscv CROSS_COMPILE=$(CROSS_COMPILE) \
		scripts/kconfig/merge_config.sh -O $(KDISTRO) $(DISTRO_FRAGMENTS) \
		> $(KDISTRO)/merge.log 2>&1 || { cat $(KDISTRO)/merge.log; exit 1; }
	@if grep -A3 '^Value requested' $(KDISTRO)/merge.log; then \
		rm -f $@; exit 1; fi

kernel-distro: tree $(KDISTRO)/.config
	@$(MAKE) -C $(KSRC) ARCH=riscv O=$(KDISTRO) \
		CROSS_COMPILE=$(CROSS_COMPILE) --jobs=$(JOBS) -s
	@echo "kernel-distro: $(KDISTRO)/arch/riscv/boot/Image"

# What built-in pvmmu costs while it is off: the same configuration without
# the option (its KUnit suites go with it), for make run's native-nopv mode.
$(KNOPV)/.config: $(KBUILD)/.config
	@mkdir -p $(KNOPV)
	@cp $< $@
	@$(KSRC)/scripts/config --file $@ --disable RISCV_PVMMU
	@$(MAKE) -C $(KSRC) ARCH=riscv O=$(KNOPV) \
		CROSS_COMPILE=$(CROSS_COMPILE) -s olddefconfig
	@! grep -q '^CONFIG_RISCV_PVMMU=y' $@

kernel-nopv: kernel $(KNOPV)/.config
	@$(MAKE) -C $(KSRC) ARCH=riscv O=$(KNOPV) \
		CROSS_COMPILE=$(CROSS_COMPILE) --jobs=$(JOBS) -s
	@echo "kernel-nopv: $(KNOPV)/arch/riscv/boot/Image"

firmware: tree
	@$(MAKE) -s -C sbi-pvmmu O=$(FW_OUT) \
		LIBFDT_DIR=$(KSRC)/scripts/dtc/libfdt CROSS_COMPILE=$(CROSS_COMPILE) \
		all selftest attack

# Upstream OpenSBI 1.8.1 with sbi-pvmmu/opensbi/patches/series applied
# (scripts/opensbi.sh): build/opensbi/fw_dynamic.bin. OPENSBI_TARBALL
# names the release tarball (default: ../shared/deps).
opensbi:
	@JOBS=$(JOBS) CROSS_COMPILE=$(CROSS_COMPILE) scripts/opensbi.sh

# The same series, the core's patch first, as files for `git am` onto
# one's own OpenSBI v1.8.1: build/patches/opensbi/
opensbi-patches:
	@scripts/opensbi.sh --export $(BUILD)/patches/opensbi

# A module of the distro kernel, for boot.module (load, unload).
MODULES_KO	= $(wildcard $(KDISTRO)/drivers/char/hw_random/rng-core.ko)

agent initramfs: tree
	@$(MAKE) -s -C agent O=$(AGENT_OUT) LINUX_SRC=$(KSRC) \
		CROSS_COMPILE=$(CROSS_COMPILE) MODULES_KO="$(MODULES_KO)"

# The main job: build everything, then compare native (with and without
# pvmmu built in), PV unbatched and PV batched (scripts/bench.py;
# BENCH_ARGS=--quick for a short run).
run: all kernel-nopv
	@scripts/bench.py $(BENCH_ARGS)

# Every test layer; ends with "N passed, N failed". Each layer builds what
# it needs (PVMMU_TESTS=host builds no kernel).
test: deps
	@scripts/run-tests.sh

# KUNIT_EXTRA: more kunit.py run arguments (scripts/run-tests.sh passes
# --json and a suite filter); PVMMU_FIRMWARE in the environment picks the
# firmware (scripts/kunit_qemu_config.py).
kunit: kernel firmware
	@$(KUNIT) run $(KUNIT_ARGS) --timeout=600 $(KUNIT_EXTRA)

boot: all
	@scripts/qemu-boot.py --name boot-smp$(SMP) --firmware pvmmu --smp $(SMP) \
		--run $(RUN)

# QEMU waits for gdb on localhost:1234 before the first instruction.
debug: all
	@echo "debug: in another shell run"
	@echo "  gdb-multiarch $(KBUILD)/vmlinux -ex 'target remote :1234'"
	@echo "  (add-symbol-file $(FW_OUT)/sbi-pvmmu.elf for the firmware)"
	@scripts/qemu-boot.py --name debug --firmware pvmmu --smp $(SMP) \
		--run $(RUN) --gdb

# The firmware's PVMMU core on the host: libFuzzer with the reference model
# as oracle (FUZZ_SECONDS, default 600), and gcov coverage.
FUZZ_SECONDS	?= 600
fuzz: deps
	@$(MAKE) -s -C sbi-pvmmu O=$(FW_OUT) fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

coverage: deps
	@$(MAKE) -s -C sbi-pvmmu O=$(FW_OUT) coverage

# BISECT=1 also builds every prefix of the series (a small configuration,
# arch-riscv-pvmmu/bisect.config; from cold, an hour or more), from patch
# BISECT_FROM if given.
patches: tree
	@BISECT_FROM=$(BISECT_FROM) scripts/export-patches.sh $(if $(BISECT),--bisect)

# Every exported patch, --strict; scripts/run-tests.sh wants each clean.
checkpatch: patches
	@cd $(KSRC) && scripts/checkpatch.pl --strict \
		--ignore FILE_PATH_CHANGES,EMBEDDED_FILENAME $(BUILD)/patches/*.patch

clean:
	rm -rf $(FW_OUT) $(AGENT_OUT) $(BUILD)/logs $(BUILD)/patches
	-$(KMAKE) -s clean

distclean:
	rm -rf $(BUILD)
