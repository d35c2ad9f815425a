/* The exit table (guest/exit/exit.c): what the vCPU loop calls with each
 * decoded exit. */
#ifndef GUEST_EXIT_EXIT_H
#define GUEST_EXIT_EXIT_H

#include "guest/vm/vm.h"

typedef enum vcpu_action (*exit_handler_fn)(struct vcpu *v, const struct hw_exit *e);

/* Count the exit and run its handler; exits without one stop the VM. */
enum vcpu_action exit_dispatch(struct vcpu *v, const struct hw_exit *e);
/* Send the vCPU's exits through the hypercall lab's statistics and ring
 * (on) or straight to their handlers (off; what every vCPU needs once
 * before its first exit). */
void exit_watch(struct vcpu *v, bool on);
bool exit_watched(const struct vcpu *v);

#endif
