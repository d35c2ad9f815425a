/* Booting a kernel on the virtual PC (entry = linux | multiboot): the
 * e820 map, the ACPI tables, the kernel by its own boot protocol, and the
 * boot vCPU's first state.  The other vCPUs wait for INIT/SIPI. */
#include "guest/load/loader.h"
#include "guest/load/pc_boot.h"
#include "guest/load/acpi_build.h"
#include "guest/load/linux_boot.h"
#include "guest/load/mb_loader.h"
#include "arch-x86/regs.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

#define RSDP_COPY_GPA 0xe0000 /* for guests that scan the BIOS area */
#define TSS_AR (SEG_AR_TYPE(SEG_TYPE_TSS_BUSY) | SEG_AR_P)
#define GUEST_PAT_DEFAULT 0x0007040600070406ULL

static int mem_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct vm *vm = ctx;

	return gmem_copy_to_guest(&vm->mem, gpa, src, len);
}

static int mem_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	struct vm *vm = ctx;

	return gmem_copy_from_guest(&vm->mem, dst, gpa, len);
}

void pc_layout(const struct vm_config *cfg, struct guest_layout *l)
{
	guest_layout_default(l, cfg->mem_size);
	l->low_ram_max = PC_LOW_RAM_MAX;
	if (cfg->mem_size > PC_LOW_RAM_MAX) {
		l->acpi_base = PC_LOW_RAM_MAX - GUEST_ACPI_DEFAULT_SIZE;
		l->acpi_size = GUEST_ACPI_DEFAULT_SIZE;
	}
	if (cfg->ndevices) {
		l->ecam_base = GUEST_ECAM_BASE;
		l->ecam_size = GUEST_ECAM_SIZE;
	}
}

static void seg(struct seg_state *s, uint16_t sel, uint32_t ar)
{
	*s = (struct seg_state){ .sel = sel, .base = 0, .limit = 0xffffffff, .ar = ar };
}

static void linux_state(const struct linux_boot *b, struct vcpu_init_state *st)
{
	const uint32_t code = SEG_AR_TYPE(SEG_TYPE_CODE_RX_A) | SEG_AR_S |
			      SEG_AR_P | SEG_AR_L | SEG_AR_G;
	const uint32_t data = SEG_AR_TYPE(SEG_TYPE_DATA_RW_A) | SEG_AR_S |
			      SEG_AR_P | SEG_AR_DB | SEG_AR_G;

	memset(st, 0, sizeof(*st));
	seg(&st->cs, b->cs, code);
	seg(&st->ds, b->ds, data);
	st->es = st->ss = st->fs = st->gs = st->ds;
	st->tr = (struct seg_state){ .limit = 0x67, .ar = TSS_AR };
	st->ldtr = (struct seg_state){ .ar = SEG_AR_UNUSABLE };
	st->gdtr_base = b->gdt_base;
	st->gdtr_limit = b->gdt_limit;
	st->cr0 = b->cr0;
	st->cr3 = b->cr3;
	st->cr4 = b->cr4;
	st->efer = b->efer;
	st->pat = GUEST_PAT_DEFAULT;
	st->rip = b->rip;
	st->rflags = RFLAGS_FIXED;
	st->regs.rsi = b->rsi;
}

static void mb_state(const struct mb_boot *b, struct vcpu_init_state *st)
{
	const uint32_t code = SEG_AR_TYPE(SEG_TYPE_CODE_RX_A) | SEG_AR_S |
			      SEG_AR_P | SEG_AR_DB | SEG_AR_G;
	const uint32_t data = SEG_AR_TYPE(SEG_TYPE_DATA_RW_A) | SEG_AR_S |
			      SEG_AR_P | SEG_AR_DB | SEG_AR_G;

	memset(st, 0, sizeof(*st));
	seg(&st->cs, MB_ENTRY_CS, code);
	seg(&st->ds, MB_ENTRY_DS, data);
	st->es = st->ss = st->fs = st->gs = st->ds;
	st->tr = (struct seg_state){ .limit = 0x67, .ar = TSS_AR };
	st->ldtr = (struct seg_state){ .ar = SEG_AR_UNUSABLE };
	st->cr0 = b->cr0;
	st->pat = GUEST_PAT_DEFAULT;
	st->rip = b->eip;
	st->rflags = RFLAGS_FIXED;
	st->regs.rax = b->eax;
	st->regs.rbx = b->ebx;
}

int pc_boot_acpi(struct vm *vm, struct e820_map *map, struct acpi_build_out *aout)
{
	const struct vm_config *cfg = vm->cfg;
	const struct guest_mem_ops mem = { vm, mem_write, mem_read };
	struct guest_layout layout;
	struct acpi_build_cfg acfg;
	char err[160];

	pc_layout(cfg, &layout);
	if (vm->ident.end)
		guest_layout_identity(&layout, vm->ident.start);
	/* Its functions' RMRRs (pci_assign_rmrr.c, outside its RAM). */
	_Static_assert(VM_MAX_PCI_RESV <= E820_MAX_RESV, "e820 reserved ranges");
	for (unsigned i = 0; i < vm->npci_resv; i++)
		layout.resv[layout.nresv++] = (struct e820_resv){ vm->pci_resv[i].start,
								 vm->pci_resv[i].end };
	if (e820_build(&layout, map, err, sizeof(err)) < 0) {
		pr_err("vm %s: memory map: %s\n", vm->name, err);
		return -EINVAL;
	}
	acfg = (struct acpi_build_cfg){ .base = layout.acpi_base,
					.size = layout.acpi_size,
					.ncpus = vm->nr_vcpus ? vm->nr_vcpus : cfg->vcpus,
					.legacy_pic = true,
					.rsdp_copy = RSDP_COPY_GPA,
					.ecam_base = layout.ecam_base };
	/* The PCI root and, for each assigned function with INTx, its line
	 * (pci_assign's take_intx) as a _PRT entry. */
	acfg.pci_root = cfg->ndevices != 0;
	for (unsigned i = 0; i < vm->npci_intx && acfg.nprt < ACPI_BUILD_MAX_PRT; i++)
		if (!vm->pci_intx[i].isa)
			acfg.prt[acfg.nprt++] = (struct acpi_prt){ vm->pci_intx[i].slot,
								   vm->pci_intx[i].line };
	if (acpi_build(&mem, &acfg, aout, err, sizeof(err)) < 0) {
		pr_err("vm %s: ACPI tables: %s\n", vm->name, err);
		return -EINVAL;
	}
	return 0;
}

int pc_boot_load(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	const struct guest_mem_ops mem = { vm, mem_write, mem_read };
	struct e820_map map;
	struct acpi_build_out aout;
	char err[160];

	if (pc_boot_acpi(vm, &map, &aout) < 0)
		return -EINVAL;
	if (cfg->entry == ENTRY_LINUX) {
		struct linux_load_params lp = {
			.kernel = vm->image, .kernel_size = vm->image_size,
			.initrd = vm->initrd, .initrd_size = vm->initrd_size,
			.cmdline = cfg->cmdline, .rsdp_gpa = aout.rsdp,
			.map = &map, .mem = &mem,
		};
		struct linux_boot b;

		if (linux_load(&lp, &b, err, sizeof(err)) < 0) {
			pr_err("vm %s: Linux image '%s': %s\n", vm->name, cfg->image, err);
			return -EINVAL;
		}
		linux_state(&b, &vm->boot_state);
		pr_info("vm %s: Linux boot protocol %u.%02u, kernel at %#lx, initrd %lu bytes at %#lx, ACPI RSDP %#lx\n",
			vm->name, b.img.version >> 8, b.img.version & 0xff,
			b.kernel_gpa, b.initrd_size, b.initrd_gpa, aout.rsdp);
	} else {
		struct mb_module mod = { vm->initrd, vm->initrd_size, cfg->initrd };
		struct mb_load_params mp = {
			.image = vm->image, .image_size = vm->image_size,
			.cmdline = cfg->cmdline, .mods = &mod,
			.nmods = vm->initrd ? 1 : 0, .rsdp_gpa = aout.rsdp,
			.map = &map, .mem = &mem,
		};
		struct mb_boot b;

		if (mb_load(&mp, &b, err, sizeof(err)) < 0) {
			pr_err("vm %s: Multiboot image '%s': %s\n", vm->name, cfg->image, err);
			return -EINVAL;
		}
		mb_state(&b, &vm->boot_state);
		pr_info("vm %s: Multiboot%s kernel [%#lx, %#lx), entry %#x, info at %#lx\n",
			vm->name, b.version == 2 ? "2" : "", b.kernel_start,
			b.kernel_end, b.eip, b.info_gpa);
	}
	return 0;
}

/* SDM vol. 3 §10.4.4.1 (MP initialization): after a SIPI with vector V
 * the AP runs in real mode at V:0000 (CS.base = V << 12). */
void loader_sipi_state(uint8_t vector, struct vcpu_init_state *st)
{
	const uint32_t code = SEG_AR_TYPE(SEG_TYPE_CODE_RX_A) | SEG_AR_S | SEG_AR_P;
	const uint32_t data = SEG_AR_TYPE(SEG_TYPE_DATA_RW_A) | SEG_AR_S | SEG_AR_P;
	struct seg_state d = { .sel = 0, .base = 0, .limit = 0xffff, .ar = data };

	memset(st, 0, sizeof(*st));
	st->cs = (struct seg_state){ .sel = (uint16_t)(vector << 8),
				     .base = (uint64_t)vector << 12,
				     .limit = 0xffff, .ar = code };
	st->ss = st->ds = st->es = st->fs = st->gs = d;
	st->tr = (struct seg_state){ .limit = 0xffff, .ar = TSS_AR };
	st->ldtr = (struct seg_state){ .limit = 0xffff,
				       .ar = SEG_AR_TYPE(SEG_TYPE_LDT) | SEG_AR_P };
	st->gdtr_limit = 0xffff;
	st->idtr_limit = 0x3ff;
	st->cr0 = CR0_CD | CR0_NW | CR0_ET;
	st->pat = GUEST_PAT_DEFAULT;
	st->rflags = RFLAGS_FIXED;
	st->regs.rdx = 0x600; /* family 6 in EDX after INIT */
}
