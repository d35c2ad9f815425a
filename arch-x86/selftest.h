/* Built-in boot self-tests selected with test=NAME on the command line:
 * they check the hypervisor's own failure paths. */
#ifndef ARCH_X86_SELFTEST_H
#define ARCH_X86_SELFTEST_H

/* Runs the named test; tests that end the run do not return.  An unknown
 * name is reported and ignored. */
void selftest_run(const char *name);

#endif
