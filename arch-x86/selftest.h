/* Built-in boot self-tests selected with test=NAME on the command line:
 * they check the hypervisor's own failure paths. */
#ifndef ARCH_X86_SELFTEST_H
#define ARCH_X86_SELFTEST_H

#include "lib/types.h"

/* Runs the named test if it belongs to this phase: early (smp false) or
 * with the APs online (smp true); tests that end the run do not return.
 * An unknown name is reported (early) and ignored. */
void selftest_run(const char *name, bool smp);

#endif
