/* I/O ports as the guest sees them: what the VM's machine makes of them
 * (guest/vpc/pc.c for the virtual PC, guest/vpc/null.c otherwise). */
#include "guest/exit/emulate.h"

void guest_io_setup(struct vm *vm)
{
	(void)vm; /* every port traps (the bitmaps start all ones) */
}

enum vcpu_action guest_io(struct vcpu *v, uint16_t port, unsigned size,
			  bool in, uint32_t *val)
{
	return v->vm->platform->io(v, port, size, in, val);
}
