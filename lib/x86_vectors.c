/* Names of the exception vectors (lib/x86_vectors.h). */
#include "lib/x86_vectors.h"

static const char *const exc_names[X86_NR_EXCEPTIONS] = {
	[X86_EXC_DE] = "#DE divide error",
	[X86_EXC_DB] = "#DB debug",
	[X86_EXC_NMI] = "NMI",
	[X86_EXC_BP] = "#BP breakpoint",
	[X86_EXC_OF] = "#OF overflow",
	[X86_EXC_BR] = "#BR bound range",
	[X86_EXC_UD] = "#UD invalid opcode",
	[X86_EXC_NM] = "#NM device not available",
	[X86_EXC_DF] = "#DF double fault",
	[X86_EXC_TS] = "#TS invalid TSS",
	[X86_EXC_NP] = "#NP segment not present",
	[X86_EXC_SS] = "#SS stack fault",
	[X86_EXC_GP] = "#GP general protection",
	[X86_EXC_PF] = "#PF page fault",
	[X86_EXC_MF] = "#MF x87 error",
	[X86_EXC_AC] = "#AC alignment check",
	[X86_EXC_MC] = "#MC machine check",
	[X86_EXC_XM] = "#XM SIMD exception",
	[X86_EXC_VE] = "#VE virtualization exception",
	[X86_EXC_CP] = "#CP control protection",
	[X86_EXC_HV] = "#HV hypervisor injection",
	[X86_EXC_VC] = "#VC VMM communication",
	[X86_EXC_SX] = "#SX security exception",
};

const char *x86_exc_name(unsigned vector)
{
	if (vector < X86_NR_EXCEPTIONS && exc_names[vector])
		return exc_names[vector];
	return vector < X86_NR_EXCEPTIONS ? "reserved exception" : "interrupt";
}

bool x86_exc_has_error_code(unsigned vector)
{
	return vector == X86_EXC_DF ||
	       (vector >= X86_EXC_TS && vector <= X86_EXC_PF) ||
	       vector == X86_EXC_AC || vector == X86_EXC_CP ||
	       vector == X86_EXC_VC || vector == X86_EXC_SX;
}
