# In-tree guests: the test guests of tests/guests/, the demo guests and the
# benchmark guest (bench/guest/).  Included by the top-level Makefile, run
# from the source root; expects BUILD and CC.  Each guest is a flat binary
# $(BUILD)/guests/NAME.bin (its ELF is kept next to it for objdump/gdb).
#
# Targets: guests, guests-clean.  Lists: GUEST_BINS (all), DEMO_GUEST_BINS
# (what tests/boot/demo.vms uses).

GUEST_DIR := tests/guests
GUEST_OUT := $(BUILD)/guests
GUEST_LD ?= ld
GUEST_OBJCOPY ?= objcopy

GUEST_CFLAGS := -std=c11 -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-O2 -g -Wall -Wextra -Werror -I. -I$(GUEST_DIR) -MMD -MP
GUEST_ASFLAGS := -D__ASSEMBLER__ -I. -I$(GUEST_DIR) -MMD -MP -g
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 \
	-z noexecstack --no-warn-rwx-segments

# The runtime: GUEST_RT_BASE works in any 64-bit guest (console, printf,
# checks); GUEST_RT adds the long64 entry stub, IDT/TSS, interrupt
# handlers, secondary vCPUs and the CPL-3 runner.
GUEST_RT_BASE := $(GUEST_DIR)/lib/console.c $(GUEST_DIR)/lib/check.c \
	$(GUEST_DIR)/lib/string.c lib/format.c
GUEST_RT := $(GUEST_DIR)/lib/entry.S $(GUEST_DIR)/lib/state.c \
	$(GUEST_DIR)/lib/exc_entry.S $(GUEST_DIR)/lib/exc.c $(GUEST_DIR)/lib/user.S \
	$(GUEST_DIR)/lib/smp.c $(GUEST_DIR)/lib/args.c $(GUEST_RT_BASE)

# NAME_SRCS and NAME_LDS per guest; the linker script defaults to guest.ld.
hc_test_SRCS       := $(GUEST_DIR)/hc_test.c $(GUEST_DIR)/hc_regs.S $(GUEST_RT)
fault_test_SRCS    := $(GUEST_DIR)/fault_test.c $(GUEST_RT)
oob_write_SRCS     := $(GUEST_DIR)/oob_write.c $(GUEST_RT)
triple_fault_SRCS  := $(GUEST_DIR)/triple_fault.c $(GUEST_RT)
hlt_stop_SRCS      := $(GUEST_DIR)/hlt_stop.c $(GUEST_RT)
reset_test_SRCS    := $(GUEST_DIR)/reset_test.c $(GUEST_RT)
ata_test_SRCS      := $(GUEST_DIR)/ata_test.c $(GUEST_RT)
pci_test_SRCS      := $(GUEST_DIR)/pci_test.c $(GUEST_RT)
demo1_SRCS         := $(GUEST_DIR)/demo1.c $(GUEST_RT)
demo2_SRCS         := $(GUEST_DIR)/demo2.c $(GUEST_RT)
bench_SRCS         := bench/guest/bench.c $(GUEST_RT)
sched_bench_SRCS   := bench/guest/sched_bench.c $(GUEST_RT)
sched_work_SRCS    := $(GUEST_DIR)/sched_work.c $(GUEST_RT)
sched_ipi_SRCS     := $(GUEST_DIR)/sched_ipi.c $(GUEST_RT)
realmode_test_SRCS := $(GUEST_DIR)/realmode_test.S \
	$(GUEST_DIR)/realmode_main.c $(GUEST_RT_BASE)
realmode_test_LDS  := $(GUEST_DIR)/realmode.ld
sdm_conf_SRCS      := $(GUEST_DIR)/sdm_conf.c $(GUEST_DIR)/sdm_table.c \
	$(GUEST_DIR)/sdm_legacy.S $(GUEST_RT)
lapic_test_SRCS    := $(GUEST_DIR)/lapic_test.c $(GUEST_DIR)/lapic_apic.c \
	$(GUEST_DIR)/lapic_smp.c $(GUEST_DIR)/lapic_ap.S $(GUEST_RT)

# The fuzz guests (docs/testing.md, "Fuzz guests").
fuzz_hc_SRCS       := $(GUEST_DIR)/fuzz_hc.c $(GUEST_DIR)/fuzz_hc_call.S $(GUEST_RT)
fuzz_priv_SRCS     := $(GUEST_DIR)/fuzz_priv.c $(GUEST_RT)
fuzz_dev_SRCS      := $(GUEST_DIR)/fuzz_dev.c $(GUEST_RT)
FUZZ_GUEST_NAMES   := fuzz_hc fuzz_priv fuzz_dev

GUEST_NAMES := hc_test fault_test realmode_test oob_write triple_fault \
	hlt_stop demo1 demo2 bench sched_bench sched_work sched_ipi lapic_test \
	reset_test ata_test pci_test sdm_conf $(FUZZ_GUEST_NAMES)
# A VM that can never run again (issue 11, on_hang).
hang_test_SRCS     := $(GUEST_DIR)/hang_test.c $(GUEST_RT)
GUEST_NAMES += hang_test
# Issue 12: NMI delivery, the LAPIC disabled through APIC_BASE, timer
# mode switches.
nmi_test_SRCS      := $(GUEST_DIR)/nmi_test.c $(GUEST_DIR)/nmi_entry.S \
	$(GUEST_DIR)/lapic_apic.c $(GUEST_DIR)/lapic_smp.c $(GUEST_DIR)/lapic_ap.S $(GUEST_RT)
GUEST_NAMES += nmi_test
apic_en_test_SRCS  := $(GUEST_DIR)/apic_en_test.c $(GUEST_DIR)/lapic_apic.c $(GUEST_RT)
GUEST_NAMES += apic_en_test
apic_tmr_test_SRCS := $(GUEST_DIR)/apic_tmr_test.c $(GUEST_DIR)/lapic_apic.c $(GUEST_RT)
GUEST_NAMES += apic_tmr_test
# Issue 15: the hypercall lab, every call in every convention, and the
# conventions' benchmark.
hclab_test_SRCS    := $(GUEST_DIR)/hclab_test.c $(GUEST_DIR)/hclab_conv.c \
	$(GUEST_DIR)/hclab_bench.c $(GUEST_RT)
GUEST_NAMES += hclab_test
GUEST_BINS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.bin)
DEMO_GUEST_BINS := $(GUEST_OUT)/demo1.bin $(GUEST_OUT)/demo2.bin $(GUEST_OUT)/sched_work.bin

guest_objs = $(patsubst %,$(GUEST_OUT)/obj/%.o,$(basename $(1)))
guest_lds = $(or $($(1)_LDS),$(GUEST_DIR)/guest.ld)

define guest_rules
$(GUEST_OUT)/$(1).elf: $(call guest_objs,$($(1)_SRCS)) $(call guest_lds,$(1))
	$$(GUEST_LD) $$(GUEST_LDFLAGS) -T $(call guest_lds,$(1)) -o $$@ \
		$(call guest_objs,$($(1)_SRCS))
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call guest_rules,$(g))))

# Multiboot test kernels: 32-bit ELF executables that the hypervisor's
# Multiboot loader reads (entry = multiboot), not flat images.  The same
# C file with a Multiboot2 header (mbkern) or a Multiboot one (mbkern1);
# grub-file checks each header after the link.
MBK_OUT := $(GUEST_OUT)/obj32
MBK_CFLAGS := -m32 -std=c11 -ffreestanding -fno-pic -fno-pie \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns \
	-O2 -g -Wall -Wextra -Werror -MMD -MP
MBK_ASFLAGS := -m32 -D__ASSEMBLER__ -MMD -MP -g
MBK_LDFLAGS := -m elf_i386 -nostdlib -static -no-pie -z max-page-size=0x1000 \
	-z noexecstack --no-warn-rwx-segments
MB_KERNELS := $(GUEST_OUT)/mbkern.elf $(GUEST_OUT)/mbkern1.elf

$(MBK_OUT)/mbkern.o: $(GUEST_DIR)/mbkern.c
	@mkdir -p $(dir $@)
	$(CC) $(MBK_CFLAGS) -c -o $@ $<

$(MBK_OUT)/mbkern_head1.o $(MBK_OUT)/mbkern_head2.o: $(MBK_OUT)/mbkern_head%.o: $(GUEST_DIR)/mbkern_head.S
	@mkdir -p $(dir $@)
	$(CC) $(MBK_ASFLAGS) -DMBKERN_VERSION=$* -c -o $@ $<

$(GUEST_OUT)/mbkern.elf: $(MBK_OUT)/mbkern_head2.o $(MBK_OUT)/mbkern.o $(GUEST_DIR)/mbkern.ld
	$(GUEST_LD) $(MBK_LDFLAGS) -T $(GUEST_DIR)/mbkern.ld -o $@ $(filter %.o,$^)
	grub-file --is-x86-multiboot2 $@ || { echo "error: $@ has no valid Multiboot2 header"; rm -f $@; exit 1; }

$(GUEST_OUT)/mbkern1.elf: $(MBK_OUT)/mbkern_head1.o $(MBK_OUT)/mbkern.o $(GUEST_DIR)/mbkern.ld
	$(GUEST_LD) $(MBK_LDFLAGS) -T $(GUEST_DIR)/mbkern.ld -o $@ $(filter %.o,$^)
	grub-file --is-x86-multiboot $@ || { echo "error: $@ has no valid Multiboot header"; rm -f $@; exit 1; }

# Boot cases take their images from GUEST_BINS.
GUEST_BINS += $(MB_KERNELS)

# The ELFs are worth keeping for objdump and symbol lookups.
.SECONDARY: $(GUEST_BINS:.bin=.elf)
$(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.elf
	$(GUEST_OBJCOPY) -O binary $< $@

$(GUEST_OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OUT)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c -o $@ $<

.PHONY: guests guests-clean
guests: $(GUEST_BINS)

guests-clean:
	rm -rf $(GUEST_OUT)

GUEST_ALL_OBJS := $(sort $(foreach g,$(GUEST_NAMES),$(call guest_objs,$($(g)_SRCS))))
-include $(GUEST_ALL_OBJS:.o=.d)
-include $(MBK_OUT)/mbkern.d $(MBK_OUT)/mbkern_head1.d $(MBK_OUT)/mbkern_head2.d
