/* Segment descriptors, TSS and IDT (SDM vol. 3, ch. 3, 6, 7). */
#ifndef ARCH_X86_DESC_H
#define ARCH_X86_DESC_H

#include "lib/types.h"

#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18
#define GDT_ENTRIES 5 /* null, code, data, TSS (two slots) */

/* IST slots (1-based in the IDT gate). */
enum ist_slot {
	IST_NONE = 0,
	IST_DF = 1,
	IST_NMI = 2,
	IST_MC = 3,
	IST_COUNT = 3,
};
#define IST_STACK_SIZE 8192

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

#define IDT_TYPE_INTR_GATE 0x8e /* P=1, DPL=0, 64-bit interrupt gate */
#define NR_VECTORS 256

struct percpu;
void gdt_init_cpu(struct percpu *pc);
void idt_init(void);
void idt_load(void);
void idt_set_handler(unsigned vector, void (*fn)(void), unsigned ist);

#endif
