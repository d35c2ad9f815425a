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
/* Send the vCPU's exits through the hypercall lab's statistics and ring
 * (on: no fast path, every exit goes through the run loop) or straight
 * to their handlers, the fast path included (off).  Every vCPU needs one
 * call after its hw_vcpu is created and before its first exit. */
void exit_watch(struct vcpu *v, bool on);
bool exit_watched(const struct vcpu *v);

#endif
