# Top-level build.  `make run` and `make test` are the two commands the
# README leads with; both install what is missing first (scripts/deps.sh).

BUILD   := build
CC      := gcc
LD      := ld
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# The largest stack frame any hypervisor function may have (bytes): the
# boot and per-CPU stacks are 16 KiB, and a frame over this limit fails
# the build (-Wstack-usage, also at link time for LTO).
STACK_FRAME_MAX := 3072

# Hypervisor: freestanding C11, no SSE/red zone, identity-mapped at 1 MiB.
HV_CFLAGS := -std=c11 -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -mcmodel=small \
	-fno-stack-protector -fno-omit-frame-pointer -momit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-O2 -g -flto -Wall -Wextra -Werror -Wno-address-of-packed-member -Wstack-usage=$(STACK_FRAME_MAX) \
	-I. -I$(BUILD)/gen -DHV_VERSION='"$(VERSION)"' -MMD -MP
HV_ASFLAGS := -D__ASSEMBLER__ -I. -I$(BUILD)/gen -MMD -MP -g
# Linked through gcc so that link-time optimisation can inline across
# files on the exit path.
HV_LDFLAGS := -flto=auto -flto-partition=one -O2 -Wstack-usage=$(STACK_FRAME_MAX) -Werror -ffreestanding -mno-red-zone -mgeneral-regs-only \
	-mno-sse -mno-sse2 -mno-mmx -fno-pie -nostdlib -static -no-pie \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none -T linker.ld

# Every folder and sub-folder: guest/ has rooms (guest/exit, guest/dev, ...).
HV_DIRS := boot arch-x86 mm vmx sched drivers guest lib
HV_SRC_DIRS := $(shell find $(HV_DIRS) -type d -not -path 'guest/include*')
# <folder>/asm-offsets.c is never linked: it becomes
# $(BUILD)/gen/<folder>/asm-offsets.h, included by that folder's .S files.
HV_OFFSET_SRCS := $(wildcard $(addsuffix /asm-offsets.c,$(HV_DIRS)))
HV_C    := $(filter-out $(HV_OFFSET_SRCS),$(wildcard $(addsuffix /*.c,$(HV_SRC_DIRS))))
HV_S    := $(wildcard $(addsuffix /*.S,$(HV_SRC_DIRS)))
HV_OBJ  := $(HV_C:%.c=$(BUILD)/hv/%.o) $(HV_S:%.S=$(BUILD)/hv/%.o)
HV_ELF  := $(BUILD)/hypervisor.elf
ASM_OFFSETS := $(HV_OFFSET_SRCS:%.c=$(BUILD)/gen/%.h)
.SECONDARY: $(ASM_OFFSETS)
ISO     := $(BUILD)/hypervisor.iso

.PHONY: all iso run run-kvm test unit-test boot-test coverage bench clean \
	deps check guests test-smp4 test-linux run-linux layers layers-test \
	test-linux-pt linux-pt-native
all: $(HV_ELF)

deps:
	@bash scripts/deps.sh

$(BUILD)/gen/%/asm-offsets.h: %/asm-offsets.c $(wildcard lib/*.h arch-x86/*.h vmx/*.h)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(CC) $(filter-out -MMD -MP -flto,$(HV_CFLAGS)) -S -o $@.s $<
	@{ echo "/* Generated from $<; do not edit. */"; \
	  sed -n 's/.*->\([A-Za-z0-9_]*\) \$$\{0,1\}\([0-9-]*\).*/#define \1 \2/p' $@.s; } > $@.tmp
	@mv $@.tmp $@

$(BUILD)/hv/%.o: %.c | $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HV_CFLAGS) -c -o $@ $<

$(BUILD)/hv/%.o: %.S | $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(HV_ASFLAGS) -c -o $@ $<

$(HV_ELF): $(HV_OBJ) linker.ld
	@echo "  LD      $@"
	@$(CC) $(HV_LDFLAGS) -o $@ $(HV_OBJ)
	@grub-file --is-x86-multiboot2 $@ || { echo "error: $@ has no valid Multiboot2 header"; exit 1; }

# hypervisor.efi: a UEFI application built with Debian's gnu-efi (its
# crt0, linker script and libraries; objcopy makes the PE image), which
# carries the hypervisor's ELF image (debug sections stripped) and boots
# it without GRUB (efi/, docs/running.md).
EFI_APP    := $(BUILD)/hypervisor.efi
EFI_OUT    := $(BUILD)/efi
EFI_INC    := /usr/include/efi
EFI_LIBDIR := /usr/lib
EFI_SRCS   := $(wildcard efi/*.c)
EFI_OBJ    := $(EFI_SRCS:%.c=$(EFI_OUT)/%.o) $(EFI_OUT)/efi/hv_blob.o
EFI_HV_ELF := $(EFI_OUT)/hypervisor.elf
EFI_CFLAGS := -std=gnu11 -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-mgeneral-regs-only -maccumulate-outgoing-args -fno-stack-protector \
	-fno-stack-check -fno-strict-aliasing -fno-asynchronous-unwind-tables \
	-O2 -Wall -Wextra -Werror \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64 -I. -DHV_VERSION='"$(VERSION)"' -MMD -MP
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
	-j .rela -j .rel.* -j .rela.* -j .reloc
ESP_IMG    := $(BUILD)/hypervisor-esp.img

.PHONY: efi efi-image
efi: $(EFI_APP)

$(EFI_HV_ELF): $(HV_ELF)
	@mkdir -p $(dir $@)
	@objcopy --strip-debug $< $@

$(EFI_OUT)/efi/%.o: efi/%.c
	@test -f $(EFI_INC)/efi.h || { echo "error: gnu-efi is not installed: make deps (or apt-get install gnu-efi)"; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  CC      $< (efi)"
	@$(CC) $(EFI_CFLAGS) -c -o $@ $<

$(EFI_OUT)/efi/hv_blob.o: efi/hv_blob.S $(EFI_HV_ELF)
	@mkdir -p $(dir $@)
	@$(CC) -c -DHV_ELF_BLOB='"$(EFI_HV_ELF)"' -o $@ $<

$(EFI_APP): $(EFI_OBJ)
	@echo "  LD      $@"
	@$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LIBDIR)/elf_x86_64_efi.lds \
		$(EFI_LIBDIR)/crt0-efi-x86_64.o $(EFI_OBJ) -L$(EFI_LIBDIR) -lefi -lgnuefi \
		-o $(EFI_OUT)/hypervisor.so
	@objcopy $(EFI_SECTIONS) --target efi-app-x86_64 --subsystem=10 \
		$(EFI_OUT)/hypervisor.so $@

# The demo ESP: \EFI\BOOT\BOOTX64.EFI, uhv.cfg and the demo modules.
efi-image: $(ESP_IMG)
$(ESP_IMG): $(EFI_APP) $(DEMO_GUEST_BINS) scripts/mkesp.sh tests/boot/demo.vms
	bash scripts/mkesp.sh $@ $(EFI_APP) --cmdline "$(DEMO_CMDLINE)" \
		tests/boot/demo.vms $(DEMO_GUEST_BINS)

include tests/guests/guests.mk
-include tests/unit/unit.mk
-include tests/fuzz/fuzz.mk

# The demo ISO: the hypervisor, the demo VM description and guest images.
DEMO_CMDLINE ?= loglevel=info onexit=poweroff sched=fair
iso: $(ISO)
$(ISO): $(HV_ELF) $(DEMO_GUEST_BINS) scripts/mkiso.sh tests/boot/demo.vms
	bash scripts/mkiso.sh $@ "$(DEMO_CMDLINE)" $(HV_ELF) tests/boot/demo.vms $(DEMO_GUEST_BINS)

run: deps
	@$(MAKE) --no-print-directory iso
	bash scripts/bochs.sh $(ISO) $(BUILD)/run-serial.log --show --cpus 2 --timeout 300

run-kvm: deps
	@$(MAKE) --no-print-directory iso
	bash scripts/run-kvm.sh $(ISO)

boot-test: $(HV_ELF) $(EFI_APP) $(GUEST_BINS)
	bash tests/boot/run.sh

test: deps
	@$(MAKE) --no-print-directory all efi guests unit-build
	@bash scripts/test-all.sh

# Long runs of the fuzz guests (docs/testing.md, "Fuzz guests"): SEED=,
# FUZZ_HC_CALLS=, FUZZ_HC_RUNS=, FUZZ_PRIV_OPS=, FUZZ_DEV_OPS=, GUESTS=.
.PHONY: fuzz-guests
fuzz-guests: deps
	@$(MAKE) --no-print-directory all guests
	bash scripts/fuzz-guests.sh

# The SMP and scheduler cases again on 4 Bochs CPUs (slow: not part of
# `make test`).
test-smp4: deps
	@$(MAKE) --no-print-directory all guests
	FORCE_CPUS=4 BOOT_JOBS=1 bash tests/boot/run.sh 'sched-*'

# A Debian cloud kernel with a busybox initramfs (scripts/linux-fetch.sh
# downloads them once) booted under the hypervisor on 2 Bochs CPUs (slow:
# not part of `make test`).  scripts/linux-native.sh boots the same guest
# without the hypervisor.
test-linux: deps
	@$(MAKE) --no-print-directory all guests
	bash scripts/linux-fetch.sh
	LINUX_EXPECT_INPUT=1 bash scripts/test-linux.sh

# Issue 13's Bochs Linux passthrough test: Debian's standard kernel
# (scripts/linux-pt-fetch.sh) drives the e1000 and the PIIX IDE of the
# Bochs machine passed through to a dma = identity VM (about 3-4 min;
# also the last suite of `make test`).  linux-pt-native runs the
# same guest without the hypervisor (the baseline, docs/passthrough.md).
test-linux-pt: deps
	@$(MAKE) --no-print-directory all
	bash scripts/linux-pt-fetch.sh
	bash scripts/test-linux-pt.sh

linux-pt-native: deps
	bash scripts/linux-pt-fetch.sh
	bash scripts/linux-pt-native.sh

# `make run` plus the Linux VM of test-linux (2 vCPUs, 256 MiB) next to
# the four demo VMs on the same 2 Bochs CPUs.
LINUX_RUN_ISO := $(BUILD)/linux/run-linux.iso
run-linux: deps
	@$(MAKE) --no-print-directory all guests
	bash scripts/linux-fetch.sh
	bash scripts/mkiso.sh $(LINUX_RUN_ISO) "$(DEMO_CMDLINE)" $(HV_ELF) \
		tests/boot/demo.vms tests/linux/linux.vms $(DEMO_GUEST_BINS) \
		$(BUILD)/linux/vmlinuz $(BUILD)/linux/initrd.gz
	bash scripts/bochs.sh $(LINUX_RUN_ISO) $(BUILD)/run-linux-serial.log --show \
		--cpus 2 --model corei7_skylake_x --timeout 1800

# Issue 10: every include and every symbol between folders points down
# (lib <- mm <- arch-x86 <- drivers <- {vmx, sched} <- guest <- boot).
# Prints one line per offending edge and fails if there is any;
# LAYERS_FLAGS=--summary adds the folder-to-folder table.
layers: all
	python3 scripts/layers.py --objs $(BUILD)/hv $(LAYERS_FLAGS)

# The check's own test: planted upward includes and symbols must be found.
layers-test:
	bash tests/layers/planted.sh $(BUILD)/layers-test

check:
	cppcheck --quiet --error-exitcode=1 --std=c11 -I. -U__ASSEMBLER__ -DHV_VERSION=\"check\" --inline-suppr --enable=warning,portability \
		--suppress=missingIncludeSystem \
		--suppress=legacyUninitvar:vmx/vmcs_fields.h $(HV_DIRS) efi

bench: deps
	@$(MAKE) --no-print-directory all guests
	bash bench/run.sh

clean:
	rm -rf $(BUILD)

-include $(HV_OBJ:.o=.d) $(EFI_OBJ:.o=.d)
