/* Guest accesses to emulated device pages (the LAPIC and IOAPIC pages are
 * not mapped in the EPT): fetch the instruction at the guest's RIP
 * through its page tables, decode it, and perform it against the device
 * with the x86 emulator; the device side is the virtual PC's page table
 * (vplat_mmio_read/write).  Anything that cannot be emulated stops the VM
 * with the instruction bytes in the report; a fault the instruction
 * would take on the guest's own memory is injected. */
#include "guest/exit/mmio.h"
#include "guest/x86emu/x86_emulate.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"
#include "lib/string.h"

struct mmio_ctx {
	struct vcpu *v;
	struct x86_paging pg;
	unsigned acc_user; /* X86_ACC_USER at CPL 3 */
};

static uint64_t op_read_gpr(void *c, unsigned reg)
{
	return vcpu_gpr(((struct mmio_ctx *)c)->v, reg);
}

static void op_write_gpr(void *c, unsigned reg, uint64_t val)
{
	vcpu_set_gpr(((struct mmio_ctx *)c)->v, reg, val);
}

static uint64_t op_get_rflags(void *c)
{
	return hw_rflags(((struct mmio_ctx *)c)->v->hw);
}

static void op_set_rflags(void *c, uint64_t val)
{
	hw_set_rflags(((struct mmio_ctx *)c)->v->hw, val);
}

static uint64_t op_get_rip(void *c)
{
	return hw_rip(((struct mmio_ctx *)c)->v->hw);
}

static void op_set_rip(void *c, uint64_t val)
{
	hw_set_rip(((struct mmio_ctx *)c)->v->hw, val);
}

/* enum x86_seg is in encoding order, as hw_seg_base() takes it. */
static uint64_t op_seg_base(void *c, enum x86_seg seg)
{
	return hw_seg_base(((struct mmio_ctx *)c)->v->hw, (unsigned)seg);
}

static bool pg_read_gpa(void *c, gpa_t gpa, void *buf, unsigned len)
{
	struct mmio_ctx *m = c;

	return gmem_copy_from_guest(&m->v->vm->mem, buf, gpa, len) == 0;
}

/* Guest memory by linear address, page by page. */
static enum x86_emu_status mem_access(struct mmio_ctx *m, uint64_t gla,
				      void *buf, unsigned len, unsigned acc,
				      struct x86_emu_fault *f)
{
	uint8_t *p = buf;

	while (len) {
		unsigned n = MIN(len, (unsigned)(PAGE_SIZE - (gla & (PAGE_SIZE - 1))));
		enum x86_emu_status st;
		gpa_t gpa;
		int r;

		st = x86_walk(&m->pg, gla, acc | m->acc_user, &gpa, f);
		if (st != X86_EMU_OK)
			return st;
		if (acc & X86_ACC_WRITE)
			r = gmem_copy_to_guest(&m->v->vm->mem, gpa, p, n);
		else
			r = gmem_copy_from_guest(&m->v->vm->mem, p, gpa, n);
		if (r < 0) {
			f->reason = "the other operand is not guest RAM";
			return X86_EMU_UNSUPPORTED;
		}
		gla += n;
		p += n;
		len -= n;
	}
	return X86_EMU_OK;
}

static enum x86_emu_status op_read_mem(void *c, uint64_t gla, void *buf,
				       unsigned len, struct x86_emu_fault *f)
{
	return mem_access(c, gla, buf, len, 0, f);
}

static enum x86_emu_status op_write_mem(void *c, uint64_t gla, const void *buf,
					unsigned len, struct x86_emu_fault *f)
{
	return mem_access(c, gla, (void *)(uintptr_t)buf, len, X86_ACC_WRITE, f);
}

static int op_mmio_read(void *c, gpa_t gpa, unsigned len, uint64_t *val)
{
	struct mmio_ctx *m = c;

	return vplat_mmio_read(m->v, gpa, len, val);
}

static int op_mmio_write(void *c, gpa_t gpa, unsigned len, uint64_t val)
{
	struct mmio_ctx *m = c;

	return vplat_mmio_write(m->v, gpa, len, val);
}

static const struct x86_emu_ops emu_ops = {
	.read_gpr = op_read_gpr,
	.write_gpr = op_write_gpr,
	.get_rflags = op_get_rflags,
	.set_rflags = op_set_rflags,
	.get_rip = op_get_rip,
	.set_rip = op_set_rip,
	.seg_base = op_seg_base,
	.read_mem = op_read_mem,
	.write_mem = op_write_mem,
	.mmio_read = op_mmio_read,
	.mmio_write = op_mmio_write,
};

static void inject_fault(struct vcpu *v, const struct x86_emu_fault *f,
			 enum x86_emu_status st)
{
	if (st == X86_EMU_PAGE_FAULT) {
		/* CR2 is live in the pCPU during the slice (guest/vcpu_run.c). */
		write_cr2(f->cr2);
		vcpu_inject_exception(v, X86_EXC_PF, true, f->error_code);
	} else {
		vcpu_inject_exception(v, f->vector, true, 0);
	}
}

static enum vcpu_action stop(struct vcpu *v, gpa_t gpa, const char *what,
			     const uint8_t *bytes, unsigned n)
{
	char hex[X86_MAX_INSN_LEN * 3 + 1];
	unsigned k = 0;

	hex[0] = '\0';
	for (unsigned i = 0; i < n && k + 4 < sizeof(hex); i++)
		k += snprintf(hex + k, sizeof(hex) - k, "%s%02x", i ? " " : "",
			      bytes[i]);
	vm_stop(v->vm, "cannot emulate the access to device GPA %#lx at RIP %#lx: %s [%s]",
		gpa, vcpu_rip(v), what, hex);
	return ACT_KILL_VM;
}

enum vcpu_action mmio_emulate(struct vcpu *v, gpa_t gpa, bool write)
{
	struct mmio_ctx m = { .v = v };
	uint64_t cs_ar = hw_seg_ar(v->hw, X86_SEG_CS);
	uint64_t rip = vcpu_rip(v), la;
	struct x86_emu_req req = { .gpa = gpa, .write = write };
	struct x86_emu_fault f = { 0 };
	enum x86_emu_status st;
	struct x86_insn insn;
	uint8_t bytes[X86_MAX_INSN_LEN];
	enum x86_mode mode;
	unsigned got = 0;

	m.pg = (struct x86_paging){ .cr0 = vcpu_cr0(v), .cr3 = vcpu_cr3(v),
				    .cr4 = vcpu_cr4(v), .efer = vcpu_efer(v),
				    .read_gpa = pg_read_gpa, .ctx = &m };
	m.acc_user = vcpu_cpl(v) == 3 ? X86_ACC_USER : 0;
	req.la57 = m.pg.cr4 & CR4_LA57;
	mode = x86_mode_of(m.pg.cr0 & CR0_PE, vcpu_rflags(v) & RFLAGS_VM,
			   m.pg.efer & EFER_LMA, cs_ar & SEG_AR_L, cs_ar & SEG_AR_DB);
	la = hw_seg_base(v->hw, X86_SEG_CS) + rip;
	if (mode != X86_MODE_64)
		la &= 0xffffffff;
	/* Fetch what can be fetched: the instruction may end before a page
	 * that is not mapped. */
	while (got < sizeof(bytes)) {
		unsigned n = MIN((unsigned)sizeof(bytes) - got,
				 (unsigned)(PAGE_SIZE - ((la + got) & (PAGE_SIZE - 1))));

		st = mem_access(&m, la + got, bytes + got, n, X86_ACC_FETCH, &f);
		if (st != X86_EMU_OK)
			break;
		got += n;
	}
	if (!got) {
		if (st == X86_EMU_PAGE_FAULT || st == X86_EMU_GP) {
			inject_fault(v, &f, st);
			return ACT_RESUME;
		}
		return stop(v, gpa, "instruction fetch failed", bytes, 0);
	}
	if (x86_decode(bytes, got, mode, &insn) != X86_DECODE_OK)
		return stop(v, gpa, insn.reason ? insn.reason : "undecodable", bytes, got);
	st = x86_emulate(&emu_ops, &m, &insn, &req, &f);
	switch (st) {
	case X86_EMU_OK:
		return ACT_RESUME; /* RIP already moved on */
	case X86_EMU_PAGE_FAULT:
	case X86_EMU_GP:
		inject_fault(v, &f, st);
		return ACT_RESUME;
	default:
		return stop(v, gpa, f.reason ? f.reason : x86_emu_status_name(st),
			    bytes, insn.len ? insn.len : got);
	}
}
