/* Flat-binary loader for in-tree guests, real-mode and long64 entry. */
#include "guest/load/loader.h"
#include "guest/load/pc_boot.h"
#include "guest/load/acpi_build.h"
#include "guest/include/hv_abi.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

#define BOOT_PDPT (HV_BOOT_PML4 + 0x1000)
#define BOOT_PD (HV_BOOT_PML4 + 0x2000)
#define BOOT_PD_COUNT 4 /* 4 GiB identity map */
#define BOOT_TSS (HV_BOOT_GDT + 0x80)
#define BOOT_AREA_END HV_BOOT_STACK_LOW
#define GUEST_PTE (PTE_P | PTE_RW | PTE_US)
#define GDT_USER_DATA 0x00cff3000000ffffULL
#define GDT_USER_CODE64 0x00affb000000ffffULL
#define GUEST_PAT_DEFAULT 0x0007040600070406ULL
#define TSS_LIMIT 0x67

static int put(struct vm *vm, gpa_t gpa, const void *src, size_t len)
{
	if (gmem_copy_to_guest(&vm->mem, gpa, src, len) < 0) {
		pr_err("vm %s: loader: [%#lx, %#lx) is outside guest RAM\n",
		       vm->name, gpa, gpa + len);
		return -EFAULT;
	}
	return 0;
}

static int build_page_tables(struct vm *vm)
{
	uint64_t e;

	e = BOOT_PDPT | GUEST_PTE;
	if (put(vm, HV_BOOT_PML4, &e, sizeof(e)) < 0)
		return -EFAULT;
	for (unsigned i = 0; i < BOOT_PD_COUNT; i++) {
		e = (BOOT_PD + i * PAGE_SIZE) | GUEST_PTE;
		if (put(vm, BOOT_PDPT + i * 8, &e, sizeof(e)) < 0)
			return -EFAULT;
	}
	for (unsigned i = 0; i < BOOT_PD_COUNT * 512; i++) {
		e = ((uint64_t)i << 21) | GUEST_PTE | PTE_PS;
		if (put(vm, BOOT_PD + i * 8, &e, sizeof(e)) < 0)
			return -EFAULT;
	}
	return 0;
}

static int build_gdt(struct vm *vm)
{
	uint64_t tss = BOOT_TSS;
	uint64_t gdt[7] = {
		0, GDT_CODE64 | BIT(40), GDT_DATA | BIT(40), GDT_USER_DATA,
		GDT_USER_CODE64,
		/* 64-bit available TSS, two slots (SDM vol. 3 §8.2.3). */
		TSS_LIMIT | ((tss & 0xffffff) << 16) | (0x89ULL << 40) |
			(((tss >> 24) & 0xff) << 56),
		tss >> 32,
	};

	return put(vm, HV_BOOT_GDT, gdt, sizeof(gdt));
}

static int build_start_info(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct hv_start_info si = {
		.magic = HV_START_MAGIC,
		.version = HV_ABI_VERSION,
		.mem_size = cfg->mem_size,
		.vm_id = vm->id,
		.vcpu_id = 0,
		.nr_vcpus = cfg->vcpus,
		.cmdline = cfg->cmdline[0] ? HV_BOOT_CMDLINE : 0,
	};

	if (put(vm, HV_BOOT_INFO, &si, sizeof(si)) < 0)
		return -EFAULT;
	return put(vm, HV_BOOT_CMDLINE, cfg->cmdline, strlen(cfg->cmdline) + 1);
}

int loader_load(struct vm *vm, const void *image, size_t size)
{
	const struct vm_config *cfg = vm->cfg;
	gpa_t load = cfg->load_gpa;

	if (cfg->entry == ENTRY_LINUX || cfg->entry == ENTRY_MULTIBOOT)
		return pc_boot_load(vm);

	if (!size) {
		pr_err("vm %s: image '%s' is empty\n", vm->name, cfg->image);
		return -EINVAL;
	}
	if (load > cfg->mem_size || size > cfg->mem_size - load) {
		pr_err("vm %s: image '%s' (%zu bytes at %#lx) does not fit in %lu KiB of RAM\n",
		       vm->name, cfg->image, size, load, cfg->mem_size >> 10);
		return -EINVAL;
	}
	if (cfg->entry == ENTRY_LONG64) {
		if (load < BOOT_AREA_END && load + size > HV_BOOT_PML4) {
			pr_err("vm %s: image at %#lx overlaps the boot area [%#x, %#x)\n",
			       vm->name, load, HV_BOOT_PML4, BOOT_AREA_END);
			return -EINVAL;
		}
		if (build_page_tables(vm) < 0 || build_gdt(vm) < 0 ||
		    build_start_info(vm) < 0)
			return -EFAULT;
	}
	if (cfg->platform && cfg->ndevices) {
		/* A PCI function's guest finds its ECAM window in the MCFG. */
		struct e820_map map;
		struct acpi_build_out aout;

		if (pc_boot_acpi(vm, &map, &aout) < 0)
			return -EINVAL;
	}
	return put(vm, load, image, size);
}

static void flat_seg(struct seg_state *s, uint16_t sel, uint32_t ar)
{
	*s = (struct seg_state){ .sel = sel, .base = 0, .limit = 0xffffffff, .ar = ar };
}

static void long64_state(const struct vm *vm, unsigned vcpu_id,
			 struct vcpu_init_state *st)
{
	const uint32_t code = SEG_AR_TYPE(SEG_TYPE_CODE_RX_A) | SEG_AR_S | SEG_AR_P |
			      SEG_AR_L | SEG_AR_G;
	const uint32_t data = SEG_AR_TYPE(SEG_TYPE_DATA_RW_A) | SEG_AR_S | SEG_AR_P |
			      SEG_AR_DB | SEG_AR_G;

	flat_seg(&st->cs, HV_SEL_CODE64, code);
	flat_seg(&st->ss, HV_SEL_DATA, data);
	flat_seg(&st->ds, HV_SEL_DATA, data);
	flat_seg(&st->es, HV_SEL_DATA, data);
	flat_seg(&st->fs, HV_SEL_DATA, data);
	flat_seg(&st->gs, HV_SEL_DATA, data);
	st->tr = (struct seg_state){ .sel = 0x28, .base = BOOT_TSS, .limit = TSS_LIMIT,
				     .ar = SEG_AR_TYPE(SEG_TYPE_TSS_BUSY) | SEG_AR_P };
	st->ldtr = (struct seg_state){ .ar = SEG_AR_UNUSABLE };
	st->gdtr_base = HV_BOOT_GDT;
	st->gdtr_limit = 7 * 8 - 1;
	st->idtr_base = 0;
	st->idtr_limit = 0;
	st->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	st->cr3 = HV_BOOT_PML4;
	st->cr4 = CR4_PAE;
	st->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	st->rip = vm->cfg->entry_ip;
	st->rsp = vm->cfg->load_gpa - (uint64_t)vcpu_id * HV_VCPU_STACK;
	st->rflags = RFLAGS_FIXED;
	st->regs.rdi = HV_BOOT_INFO;
	st->regs.rsi = vcpu_id;
}

/* SDM vol. 3 §10.1: the state after RESET, but CS:IP at the entry. */
static void real_state(const struct vm *vm, struct vcpu_init_state *st)
{
	const uint32_t code = SEG_AR_TYPE(SEG_TYPE_CODE_RX_A) | SEG_AR_S | SEG_AR_P;
	const uint32_t data = SEG_AR_TYPE(SEG_TYPE_DATA_RW_A) | SEG_AR_S | SEG_AR_P;
	struct seg_state d = { .sel = 0, .base = 0, .limit = 0xffff, .ar = data };

	st->cs = (struct seg_state){ .sel = 0, .base = 0, .limit = 0xffff, .ar = code };
	st->ss = st->ds = st->es = st->fs = st->gs = d;
	st->tr = (struct seg_state){ .limit = 0xffff,
				     .ar = SEG_AR_TYPE(SEG_TYPE_TSS_BUSY) | SEG_AR_P };
	st->ldtr = (struct seg_state){ .limit = 0xffff,
				       .ar = SEG_AR_TYPE(SEG_TYPE_LDT) | SEG_AR_P };
	st->gdtr_limit = 0xffff;
	st->idtr_limit = 0x3ff;
	st->cr0 = CR0_CD | CR0_NW | CR0_ET;
	st->rip = vm->cfg->entry_ip;
	st->rsp = vm->cfg->entry_ip;
	st->rflags = RFLAGS_FIXED;
	st->regs.rdx = cpuid(1).eax;
}

void loader_initial_state(const struct vm *vm, unsigned vcpu_id,
			  struct vcpu_init_state *st)
{
	memset(st, 0, sizeof(*st));
	st->pat = GUEST_PAT_DEFAULT;
	if (vm->cfg->entry == ENTRY_LINUX || vm->cfg->entry == ENTRY_MULTIBOOT) {
		/* The APs' state is set by their SIPI. */
		if (vcpu_id == 0)
			*st = vm->boot_state;
		else
			loader_sipi_state(0, st);
	} else if (vm->cfg->entry == ENTRY_LONG64)
		long64_state(vm, vcpu_id, st);
	else
		real_state(vm, st);
}
