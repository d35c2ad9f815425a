/* Bits of a host (IA-32e, 4-level) page-table entry, SDM vol. 3 4.5,
 * tables 4-15 to 4-20.  Usable from C and from assembly; arch-x86/regs.h
 * includes it for the boot code. */
#ifndef MM_PTE_H
#define MM_PTE_H

#ifdef __ASSEMBLER__
#define PTE_BIT_(n) (1 << (n))
#define PTE_BIT64_(n) (1 << (n))
#else
#define PTE_BIT_(n) (1UL << (n))
#define PTE_BIT64_(n) (1ULL << (n))
#endif

#define PTE_P PTE_BIT_(0)
#define PTE_RW PTE_BIT_(1)
#define PTE_US PTE_BIT_(2)
#define PTE_PWT PTE_BIT_(3)
#define PTE_PCD PTE_BIT_(4)
#define PTE_A PTE_BIT_(5)
#define PTE_D PTE_BIT_(6)
#define PTE_PS PTE_BIT_(7)
#define PTE_G PTE_BIT_(8)
#define PTE_NX PTE_BIT64_(63)

#endif
