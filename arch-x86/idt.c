/* The IDT: every vector goes through exc_stub_table (exc_entry.S). */
#include "arch-x86/desc.h"
#include "arch-x86/exception.h"

extern const uint8_t exc_stub_table[];
#define EXC_STUB_STRIDE 16

static struct idt_gate idt[NR_VECTORS] __aligned(16);

void idt_set_handler(unsigned vector, void (*fn)(void), unsigned ist)
{
	uint64_t off = (uint64_t)(uintptr_t)fn;
	struct idt_gate *g = &idt[vector];

	g->off_lo = off & 0xffff;
	g->off_mid = (off >> 16) & 0xffff;
	g->off_hi = off >> 32;
	g->sel = SEL_CODE64;
	g->ist = ist & 7;
	g->type_attr = IDT_TYPE_INTR_GATE;
	g->reserved = 0;
}

void idt_init(void)
{
	for (unsigned v = 0; v < NR_VECTORS; v++) {
		unsigned ist = IST_NONE;

		/* Separate known-good stacks for the events that can hit
		 * with a broken stack or at any instruction boundary. */
		if (v == X86_EXC_DF)
			ist = IST_DF;
		else if (v == X86_EXC_NMI)
			ist = IST_NMI;
		else if (v == X86_EXC_MC)
			ist = IST_MC;
		idt_set_handler(v, (void (*)(void))(exc_stub_table +
						    v * EXC_STUB_STRIDE), ist);
	}
}

void idt_load(void)
{
	struct desc_ptr idtr = {
		.limit = sizeof(idt) - 1,
		.base = (uint64_t)(uintptr_t)idt,
	};

	__asm__ volatile("lidt %0" : : "m"(idtr));
}
