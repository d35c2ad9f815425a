/* I/O ports as the guest sees them.  Policy: COM1 is a write-only console
 * that is always ready; every other port reads as all ones and ignores
 * writes, like an empty ISA bus. */
#include "guest/exit/emulate.h"
#include "guest/vpc/vplat.h"

#define COM1_BASE 0x3f8
#define COM1_PORTS 8
#define UART_THR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7
#define LSR_THRE_TEMT 0x60
#define IIR_NO_INTERRUPT 0x01
#define MSR_DCD_DSR_CTS 0xb0

void guest_io_setup(struct vm *vm)
{
	(void)vm; /* every port traps (the bitmaps start all ones) */
}

static uint32_t com1_read(unsigned reg)
{
	switch (reg) {
	case UART_LSR:
		return LSR_THRE_TEMT;
	case UART_IIR:
		return IIR_NO_INTERRUPT;
	case UART_MSR:
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
	if (port >= COM1_BASE && port < COM1_BASE + COM1_PORTS) {
		unsigned reg = port - COM1_BASE;

		if (in)
			*val = com1_read(reg);
		else if (reg == UART_THR)
			vm_console_put(v->vm, (char)(*val & 0xff));
		return ACT_RESUME_ADVANCE;
	}
	if (in)
		*val = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	return ACT_RESUME_ADVANCE;
}
