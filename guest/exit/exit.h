/* The exit table (guest/exit/exit.c): what the vCPU loop calls with each
 * decoded exit. */
#ifndef GUEST_EXIT_EXIT_H
#define GUEST_EXIT_EXIT_H

#include "guest/vm/vm.h"

typedef enum vcpu_action (*exit_handler_fn)(struct vcpu *v, const struct hw_exit *e);

/* Count the exit and run its handler; exits without one stop the VM. */
enum vcpu_action exit_dispatch(struct vcpu *v, const struct hw_exit *e);
/* The fast exit handler (hw_fast_exit_fn, arch-x86/hwvirt.h); ctx is
 * the struct vcpu, whose 'exit' it decodes into. */
int exit_fast(void *ctx);

#endif
