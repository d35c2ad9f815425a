/* The fake virtualization backend; see fake_hw.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch-x86/regs.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fakes.h"

#define PAT_POWER_ON 0x0007040600070406ULL

static const char *const kind_names[HW_EXIT_KINDS] = {
	[HW_EXIT_NONE] = "KIND-NONE",
	[HW_EXIT_EXTINT] = "KIND-EXTINT",
	[HW_EXIT_EXCEPTION] = "KIND-EXCEPTION",
	[HW_EXIT_TRIPLE_FAULT] = "KIND-TRIPLE_FAULT",
	[HW_EXIT_INTR_WINDOW] = "KIND-INTR_WINDOW",
	[HW_EXIT_TIMER] = "KIND-TIMER",
	[HW_EXIT_CPUID] = "KIND-CPUID",
	[HW_EXIT_HLT] = "KIND-HLT",
	[HW_EXIT_CACHE_FLUSH] = "KIND-CACHE_FLUSH",
	[HW_EXIT_HYPERCALL] = "KIND-HYPERCALL",
	[HW_EXIT_VIRT_INSN] = "KIND-VIRT_INSN",
	[HW_EXIT_MONITOR] = "KIND-MONITOR",
	[HW_EXIT_RDPMC] = "KIND-RDPMC",
	[HW_EXIT_GETSEC] = "KIND-GETSEC",
	[HW_EXIT_CR] = "KIND-CR",
	[HW_EXIT_IO] = "KIND-IO",
	[HW_EXIT_RDMSR] = "KIND-RDMSR",
	[HW_EXIT_WRMSR] = "KIND-WRMSR",
	[HW_EXIT_XSETBV] = "KIND-XSETBV",
	[HW_EXIT_NPF] = "KIND-NPF",
	[HW_EXIT_APIC_ACCESS] = "KIND-APIC_ACCESS",
	[HW_EXIT_APIC_WRITE] = "KIND-APIC_WRITE",
	[HW_EXIT_APIC_EOI] = "KIND-APIC_EOI",
	[HW_EXIT_UNKNOWN] = "KIND-UNKNOWN",
	[HW_EXIT_ENTRY_FAIL] = "KIND-ENTRY_FAIL",
};

static char other_names[HW_EXIT_REASONS][12];

/* ---- global ---- */

int hw_ept_config(struct ept_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	return 0;
}

bool hw_has_exit_timer(void)
{
	return true;
}

const char *hw_exit_reason_name(unsigned reason)
{
	if (reason < HW_EXIT_KINDS && kind_names[reason])
		return kind_names[reason];
	if (reason < HW_EXIT_REASONS) {
		snprintf(other_names[reason], sizeof(other_names[reason]),
			 "fake-%u", reason);
		return other_names[reason];
	}
	return "fake-out-of-range";
}

/* ---- VMs ---- */

struct hw_vm *fake_hw_vm_new(void)
{
	struct hw_vm *hvm = calloc(1, sizeof(*hvm));

	assert_non_null(hvm);
	memset(hvm->msr_rd, 1, sizeof(hvm->msr_rd));
	memset(hvm->msr_wr, 1, sizeof(hvm->msr_wr));
	memset(hvm->x2apic_rd, 1, sizeof(hvm->x2apic_rd));
	memset(hvm->x2apic_wr, 1, sizeof(hvm->x2apic_wr));
	memset(hvm->io, 1, sizeof(hvm->io));
	return hvm;
}

struct hw_vm *hw_vm_create(const char *name, struct ept *ept, gpa_t lapic_gpa)
{
	struct hw_vm *hvm = fake_hw_vm_new();

	(void)name;
	hvm->ept = ept;
	hvm->lapic_gpa = lapic_gpa;
	hvm->apicv = lapic_gpa != 0;
	return hvm;
}

void hw_vm_destroy(struct hw_vm *hvm)
{
	free(hvm);
}

bool hw_vm_apicv(const struct hw_vm *hvm)
{
	return hvm->apicv;
}

/* The slot of an MSR in the arrays, or -1 (outside both ranges: always
 * trapped, as with VT-x's bitmaps). */
static int msr_slot(uint32_t msr, unsigned *idx)
{
	if (msr < FAKE_MSR_RANGE) {
		*idx = msr;
		return 0;
	}
	if (msr - FAKE_MSR_HIGH < FAKE_MSR_RANGE) {
		*idx = msr - FAKE_MSR_HIGH;
		return 1;
	}
	return -1;
}

static void set_msr(bool rd[2][FAKE_MSR_RANGE], bool wr[2][FAKE_MSR_RANGE],
		    uint32_t msr, bool read, bool write)
{
	unsigned idx;
	int r = msr_slot(msr, &idx);

	if (r < 0)
		return;
	rd[r][idx] = read;
	wr[r][idx] = write;
}

void hw_vm_msr_intercept(struct hw_vm *hvm, uint32_t msr, bool read, bool write)
{
	hvm->msr_calls++;
	set_msr(hvm->msr_rd, hvm->msr_wr, msr, read, write);
}

void hw_vm_x2apic_msr_intercept(struct hw_vm *hvm, uint32_t msr, bool read,
				bool write)
{
	set_msr(hvm->x2apic_rd, hvm->x2apic_wr, msr, read, write);
}

void hw_vm_io_intercept(struct hw_vm *hvm, uint16_t port, bool trap)
{
	hvm->io_calls++;
	hvm->io[port] = trap;
}

bool fake_hw_msr_trapped(const struct hw_vm *hvm, uint32_t msr, bool write)
{
	unsigned idx;
	int r = msr_slot(msr, &idx);

	if (r < 0)
		return true;
	return write ? hvm->msr_wr[r][idx] : hvm->msr_rd[r][idx];
}

bool fake_hw_io_trapped(const struct hw_vm *hvm, uint16_t port)
{
	return hvm->io[port];
}

/* ---- vCPUs ---- */

struct hw_vcpu *fake_hw_vcpu_new(struct hw_vm *hvm, unsigned id)
{
	struct hw_vcpu *hw = calloc(1, sizeof(*hw));

	assert_non_null(hw);
	hw->vm = hvm;
	hw->id = id;
	hw->rflags = RFLAGS_FIXED;
	hw->pat = PAT_POWER_ON;
	hw->loaded = true;
	return hw;
}

void hw_vcpu_set_state(struct hw_vcpu *hw, const struct vcpu_init_state *st)
{
	const struct seg_state *segs[6] = { &st->es, &st->cs, &st->ss,
					    &st->ds, &st->fs, &st->gs };

	hw->state = *st;
	hw->set_states++;
	memcpy(hw->gpr, st->regs.gpr, sizeof(hw->gpr));
	hw->gpr[GPR_RSP] = st->rsp;
	hw->rip = st->rip;
	hw->rflags = st->rflags | RFLAGS_FIXED;
	hw->cr0 = st->cr0;
	hw->cr3 = st->cr3;
	hw->cr4 = st->cr4;
	hw->efer = st->efer;
	hw->pat = st->pat;
	for (unsigned i = 0; i < 6; i++) {
		hw->seg_base[i] = segs[i]->base;
		hw->seg_ar[i] = segs[i]->ar;
	}
	hw->cpl = (st->ss.ar >> 5) & 3;
}

struct hw_vcpu *hw_vcpu_create(struct hw_vm *hvm, unsigned id,
			       const struct vcpu_init_state *st)
{
	struct hw_vcpu *hw = fake_hw_vcpu_new(hvm, id);

	hw_vcpu_set_state(hw, st);
	hw->set_states = 0;
	return hw;
}

void hw_vcpu_destroy(struct hw_vcpu *hw)
{
	free(hw);
}

void hw_vcpu_load(struct hw_vcpu *hw)
{
	hw->loaded = true;
}

void hw_vcpu_put(struct hw_vcpu *hw)
{
	hw->loaded = false;
}

void hw_cpu_release(void)
{
}

void hw_vcpu_inject(struct hw_vcpu *hw, const struct hw_event *ev)
{
	hw->last_event = *ev;
}

void hw_vcpu_set_deadline(struct hw_vcpu *hw, uint64_t deadline)
{
	hw->last_deadline = deadline;
}

int hw_vcpu_enter(struct hw_vcpu *hw, struct hw_exit *exit)
{
	*exit = hw->next_exit;
	return exit->kind == HW_EXIT_ENTRY_FAIL ? -1 : 0;
}

void hw_vcpu_advance(struct hw_vcpu *hw, const struct hw_exit *exit)
{
	hw->rip += exit->insn_len;
	hw->advances++;
}

void hw_vcpu_set_fast_exit(struct hw_vcpu *hw, hw_fast_exit_fn fn, void *ctx)
{
	hw->fast_fn = fn;
	hw->fast_ctx = ctx;
}

bool hw_vcpu_decode_fast(struct hw_vcpu *hw, struct hw_exit *exit)
{
	unsigned k = hw->next_exit.kind;

	if (k < HW_EXIT_CPUID || k > HW_EXIT_IO)
		return false;
	*exit = hw->next_exit;
	return true;
}

void hw_vcpu_intr_window(struct hw_vcpu *hw, bool on)
{
	hw->intr_window = on;
}

bool hw_vcpu_interruptible(struct hw_vcpu *hw)
{
	return hw->interruptible;
}

bool hw_vcpu_nmi_window(struct hw_vcpu *hw, bool on)
{
	if (!hw->has_nmi_window)
		return false;
	hw->nmi_window = on;
	return true;
}

bool hw_vcpu_nmi_blocked(struct hw_vcpu *hw)
{
	return hw->nmi_blocked;
}

/* ---- registers: a loaded vCPU only, as the contract says ---- */

static struct hw_vcpu *loaded(struct hw_vcpu *hw)
{
	assert_non_null(hw);
	assert_true(hw->loaded);
	return hw;
}

uint64_t hw_gpr(struct hw_vcpu *hw, unsigned idx)
{
	assert_true(idx < 16);
	return loaded(hw)->gpr[idx];
}

void hw_set_gpr(struct hw_vcpu *hw, unsigned idx, uint64_t val)
{
	assert_true(idx < 16);
	loaded(hw)->gpr[idx] = val;
}

uint64_t hw_rip(struct hw_vcpu *hw)
{
	return loaded(hw)->rip;
}

void hw_set_rip(struct hw_vcpu *hw, uint64_t rip)
{
	loaded(hw)->rip = rip;
}

uint64_t hw_rflags(struct hw_vcpu *hw)
{
	return loaded(hw)->rflags;
}

void hw_set_rflags(struct hw_vcpu *hw, uint64_t val)
{
	loaded(hw)->rflags = val | RFLAGS_FIXED;
}

uint64_t hw_seg_base(struct hw_vcpu *hw, unsigned seg)
{
	assert_true(seg < 6);
	return loaded(hw)->seg_base[seg];
}

uint32_t hw_seg_ar(struct hw_vcpu *hw, unsigned seg)
{
	assert_true(seg < 6);
	return loaded(hw)->seg_ar[seg];
}

unsigned hw_cpl(struct hw_vcpu *hw)
{
	return loaded(hw)->cpl;
}

uint64_t hw_cr0(struct hw_vcpu *hw)
{
	return loaded(hw)->cr0;
}

uint64_t hw_cr3(struct hw_vcpu *hw)
{
	return loaded(hw)->cr3;
}

uint64_t hw_cr4(struct hw_vcpu *hw)
{
	return loaded(hw)->cr4;
}

uint64_t hw_efer(struct hw_vcpu *hw)
{
	return loaded(hw)->efer;
}

/* EFER.LMA = LME && CR0.PG (SDM vol. 3 §10.8.5), as the contract says. */
static void update_lma(struct hw_vcpu *hw)
{
	if ((hw->efer & EFER_LME) && (hw->cr0 & CR0_PG))
		hw->efer |= EFER_LMA;
	else
		hw->efer &= ~(uint64_t)EFER_LMA;
}

void hw_set_cr0(struct hw_vcpu *hw, uint64_t val)
{
	loaded(hw)->cr0 = val;
	update_lma(hw);
}

void hw_set_cr3(struct hw_vcpu *hw, uint64_t val)
{
	loaded(hw)->cr3 = val;
}

void hw_set_cr4(struct hw_vcpu *hw, uint64_t val)
{
	loaded(hw)->cr4 = val;
}

void hw_set_efer(struct hw_vcpu *hw, uint64_t val)
{
	loaded(hw)->efer = val;
	update_lma(hw);
}

uint64_t hw_pat(struct hw_vcpu *hw)
{
	return loaded(hw)->pat;
}

void hw_set_pat(struct hw_vcpu *hw, uint64_t val)
{
	loaded(hw)->pat = val;
}

uint64_t hw_tsc_offset(struct hw_vcpu *hw)
{
	return loaded(hw)->tsc_offset;
}

bool hw_set_tsc_offset(struct hw_vcpu *hw, uint64_t off)
{
	loaded(hw)->tsc_offset = off;
	return true;
}

uint64_t hw_cr2(struct hw_vcpu *hw)
{
	return loaded(hw)->cr2;
}

void hw_set_cr2(struct hw_vcpu *hw, uint64_t val)
{
	loaded(hw)->cr2 = val;
}

/* ---- APIC virtualization ---- */

uint32_t *hw_vcpu_vapic(struct hw_vcpu *hw)
{
	return hw->vapic;
}

void hw_vcpu_apicv_sync(struct hw_vcpu *hw, enum hw_apic_mode mode,
			uint16_t intr_status, const uint64_t eoi_exit[4])
{
	hw->apic_mode = mode;
	hw->x2apic = mode == HW_APIC_X2APIC;
	hw->intr_status = intr_status;
	memcpy(hw->eoi_exit, eoi_exit, sizeof(hw->eoi_exit));
}

void hw_vcpu_dump(struct hw_vcpu *hw)
{
	hw->dumps++;
}
