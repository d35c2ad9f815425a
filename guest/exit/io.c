/* I/O ports as the guest sees them.  Policy: COM1 is a write-only console
 * that is always ready; every other port reads as all ones and ignores
 * writes, like an empty ISA bus. */
#include "guest/exit/emulate.h"
#include "guest/vpc/vplat.h"

#define LSR_THRE_TEMT (VUART_LSR_THRE | VUART_LSR_TEMT)
#define MSR_DCD_DSR_CTS (VUART_MSR_DCD | VUART_MSR_DSR | VUART_MSR_CTS)

void guest_io_setup(struct vm *vm)
{
	(void)vm; /* every port traps (the bitmaps start all ones) */
}

static uint32_t com1_read(unsigned reg)
{
	switch (reg) {
	case VUART_LSR:
		return LSR_THRE_TEMT;
	case VUART_IIR:
		return VUART_IIR_NONE;
	case VUART_MSR:
		return MSR_DCD_DSR_CTS;
	default:
		return 0;
	}
}

enum vcpu_action guest_io(struct vcpu *v, uint16_t port, unsigned size,
			  bool in, uint32_t *val)
{
	if (v->vm->plat)
		return vplat_io(v, port, size, in, val);
	if (port >= VPC_COM1 && port < VPC_COM1 + VPC_COM1_PORTS) {
		unsigned reg = port - VPC_COM1;

		if (in)
			*val = com1_read(reg);
		else if (reg == VUART_THR)
			vm_console_put(v->vm, (char)(*val & 0xff));
		return ACT_RESUME_ADVANCE;
	}
	if (in)
		*val = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	return ACT_RESUME_ADVANCE;
}
