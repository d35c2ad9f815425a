/* Identify the boot CPU from CPUID. */
#include "arch-x86/cpu.h"
#include "lib/string.h"

struct cpu_info boot_cpu;

static void read_brand(struct cpu_info *c)
{
	uint32_t *w = (uint32_t *)c->brand;
	const char *p;

	if (c->max_ext_leaf < 0x80000004) {
		c->brand[0] = '\0';
		return;
	}
	for (uint32_t leaf = 0; leaf < 3; leaf++) {
		struct cpuid_regs r = cpuid(0x80000002 + leaf);

		w[leaf * 4 + 0] = r.eax;
		w[leaf * 4 + 1] = r.ebx;
		w[leaf * 4 + 2] = r.ecx;
		w[leaf * 4 + 3] = r.edx;
	}
	c->brand[48] = '\0';
	/* Brand strings are often right-aligned with leading blanks. */
	p = c->brand;
	while (*p == ' ')
		p++;
	memmove(c->brand, p, strlen(p) + 1);
}

void cpuinfo_init(void)
{
	struct cpu_info *c = &boot_cpu;
	struct cpuid_regs r = cpuid(0);
	uint32_t sig;

	c->max_leaf = r.eax;
	memcpy(&c->vendor[0], &r.ebx, 4);
	memcpy(&c->vendor[4], &r.edx, 4);
	memcpy(&c->vendor[8], &r.ecx, 4);
	c->vendor[12] = '\0';

	r = cpuid(1);
	sig = r.eax;
	/* SDM vol. 2 CPUID: display family/model fold in the extended fields. */
	c->family = (sig >> 8) & 0xf;
	c->model = (sig >> 4) & 0xf;
	c->stepping = sig & 0xf;
	if (c->family == 0xf)
		c->family += (sig >> 20) & 0xff;
	if (c->family == 0x6 || c->family >= 0xf)
		c->model |= ((sig >> 16) & 0xf) << 4;
	c->vmx = r.ecx & CPUID1_ECX_VMX;
	c->x2apic = r.ecx & CPUID1_ECX_X2APIC;
	c->tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;

	c->max_ext_leaf = cpuid(0x80000000).eax;
	if (c->max_ext_leaf >= 0x80000001) {
		r = cpuid(0x80000001);
		c->nx = r.edx & CPUIDX1_EDX_NX;
		c->page1g = r.edx & CPUIDX1_EDX_PAGE1G;
	}
	c->phys_addr_bits = 36;
	if (c->max_ext_leaf >= 0x80000008)
		c->phys_addr_bits = cpuid(0x80000008).eax & 0xff;
	if (c->max_ext_leaf >= 0x80000007)
		c->invariant_tsc = cpuid(0x80000007).edx & CPUIDX7_EDX_INVARIANT_TSC;
	read_brand(c);
}
