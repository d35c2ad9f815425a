/* hc_test: the hypercall ABI from inside a long64 VM.  Start-of-day state,
 * CPUID discovery, every hypercall with valid and invalid arguments,
 * register preservation, and the CPL-3 rules.  Expects a VM description
 * like tests/boot/vms/hc_test.vms: 16 MiB, name "hc_test", one vCPU, and
 * a command line "hc_test cpl3=on" or "hc_test cpl3=off" matching the
 * VM's cpl3_hypercalls setting. */
#include "lib/guest_rt.h"
#include "hc_regs.h"

#define EXPECT_NAME "hc_test"
#define EXPECT_MEM (16ull << 20)
#define CMDLINE_WORD "hc_test"
#define LOAD_ADDR 0x100000ull
#define BEYOND_RAM 0x80000000ull

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define RFLAGS_IF (1ull << 9)

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PS (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull
#define PAGE_2M (2ull << 20)

static uint64_t desc_at(unsigned sel)
{
	return ((const volatile uint64_t *)(uintptr_t)entry_state.gdtr.base)[sel >> 3];
}

/* Descriptor bits that matter for a flat segment (SDM vol. 3 3.4.5). */
#define DESC_P (1ull << 47)
#define DESC_DPL(d) (((d) >> 45) & 3)
#define DESC_S (1ull << 44)
#define DESC_CODE (1ull << 43)
#define DESC_L (1ull << 53)

static void test_gdt(void)
{
	uint64_t code = desc_at(HV_SEL_CODE64), data = desc_at(HV_SEL_DATA);
	uint64_t ucode = desc_at(HV_SEL_USER_CODE64);
	uint64_t udata = desc_at(HV_SEL_USER_DATA);

	CHECK_HEX(entry_state.gdtr.base, HV_BOOT_GDT, "start: GDTR.base = HV_BOOT_GDT");
	CHECK(entry_state.gdtr.limit >= (HV_SEL_USER_CODE64 | 7),
	      "start: GDTR.limit covers the four selectors");
	CHECK((code & (DESC_P | DESC_S | DESC_CODE | DESC_L)) ==
			      (DESC_P | DESC_S | DESC_CODE | DESC_L) &&
		      DESC_DPL(code) == 0,
	      "start: GDT 0x08 is 64-bit code, DPL 0");
	CHECK((data & (DESC_P | DESC_S | DESC_CODE)) == (DESC_P | DESC_S) &&
		      DESC_DPL(data) == 0,
	      "start: GDT 0x10 is data, DPL 0");
	CHECK((udata & (DESC_P | DESC_S | DESC_CODE)) == (DESC_P | DESC_S) &&
		      DESC_DPL(udata) == 3,
	      "start: GDT 0x18 is data, DPL 3");
	CHECK((ucode & (DESC_P | DESC_S | DESC_CODE | DESC_L)) ==
			      (DESC_P | DESC_S | DESC_CODE | DESC_L) &&
		      DESC_DPL(ucode) == 3,
	      "start: GDT 0x20 is 64-bit code, DPL 3");
}

static bool table_ok(uint64_t e, uint64_t lo, uint64_t hi)
{
	uint64_t want = PTE_P | PTE_RW | PTE_US;

	return (e & want) == want && !(e & PTE_PS) && (e & PTE_ADDR) >= lo &&
	       (e & PTE_ADDR) < hi;
}

/* Walks the hypervisor's tables: 4 GiB identity-mapped with 2 MiB pages,
 * every level present, writable and user-accessible, all of it inside
 * HV_BOOT_PML4..HV_BOOT_GDT. */
static void test_page_tables(void)
{
	const uint64_t *pml4 = (const uint64_t *)(uintptr_t)(entry_state.cr3 & PTE_ADDR);
	const uint64_t *pdpt, *pd;
	unsigned i, j, bad = 0;

	CHECK_HEX(entry_state.cr3 & PTE_ADDR, HV_BOOT_PML4, "start: CR3 = HV_BOOT_PML4");
	if (!table_ok(pml4[0], HV_BOOT_PML4, HV_BOOT_GDT)) {
		CHECK_HEX(pml4[0], HV_BOOT_PML4 + 0x1000 + 7, "start: PML4[0]");
		return;
	}
	pdpt = (const uint64_t *)(uintptr_t)(pml4[0] & PTE_ADDR);
	for (i = 0; i < 4; i++) {
		if (!table_ok(pdpt[i], HV_BOOT_PML4, HV_BOOT_GDT)) {
			CHECK_HEX(pdpt[i], 0, nm("start: PDPT[%u] is a table", i));
			return;
		}
		pd = (const uint64_t *)(uintptr_t)(pdpt[i] & PTE_ADDR);
		for (j = 0; j < 512; j++) {
			uint64_t e = pd[j];
			uint64_t want = ((uint64_t)i << 30) + (uint64_t)j * PAGE_2M;
			uint64_t flags = PTE_P | PTE_RW | PTE_US | PTE_PS;

			if ((e & flags) != flags || (e & PTE_ADDR) != want) {
				if (!bad++)
					printf("  PD[%u][%u] = %#lx, expected %#lx | P RW US PS\n",
					       i, j, e, want);
			}
		}
	}
	CHECK_EQ(bad, 0, "start: 4 GiB identity map, 2 MiB pages, U/S=1 R/W=1");
}

static void test_start_state(const struct hv_start_info *si)
{
	const struct entry_state *es = &entry_state;

	CHECK_HEX(es->rdi, HV_BOOT_INFO, "start: RDI = HV_BOOT_INFO");
	CHECK_HEX(es->rsp, LOAD_ADDR, "start: RSP = load address");
	CHECK_HEX(es->cs, HV_SEL_CODE64, "start: CS = 0x08");
	CHECK(es->ds == HV_SEL_DATA && es->es == HV_SEL_DATA && es->ss == HV_SEL_DATA,
	      "start: DS = ES = SS = 0x10");
	CHECK(!(es->rflags & RFLAGS_IF), "start: interrupts disabled");
	CHECK((es->cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG), "start: CR0.PE and CR0.PG set");
	CHECK(es->cr4 & CR4_PAE, "start: CR4.PAE set");
	CHECK_EQ(es->idtr.limit, 0, "start: no IDT (IDTR.limit = 0)");
	test_gdt();
	test_page_tables();

	CHECK_HEX(si->magic, HV_START_MAGIC, "start info: magic");
	CHECK_HEX(si->version, HV_ABI_VERSION, "start info: version");
	CHECK_HEX(si->mem_size, EXPECT_MEM, "start info: mem_size = 16 MiB");
	CHECK_EQ(si->vcpu_id, 0, "start info: vcpu_id = 0");
	CHECK_EQ(si->nr_vcpus, 1, "start info: nr_vcpus = 1");
	CHECK_HEX(si->cmdline, HV_BOOT_CMDLINE, "start info: cmdline at HV_BOOT_CMDLINE");
	if (si->cmdline == HV_BOOT_CMDLINE) {
		const char *c = (const char *)(uintptr_t)si->cmdline;

		printf("hc_test: cmdline \"%s\"\n", c);
		CHECK(!memcmp(c, CMDLINE_WORD " ", sizeof(CMDLINE_WORD)),
		      "start info: cmdline from the VM description");
	}
}

/* Whether the command line says "cpl3=on" (cpl3_hypercalls = on). */
static bool cpl3_enabled(const struct hv_start_info *si)
{
	const char *c = (const char *)(uintptr_t)si->cmdline;
	const char *key = "cpl3=on";
	size_t i, n = strlen(key);

	if (si->cmdline != HV_BOOT_CMDLINE)
		return false;
	for (i = 0; c[i]; i++)
		if ((i == 0 || c[i - 1] == ' ') && !memcmp(c + i, key, n) &&
		    (c[i + n] == ' ' || c[i + n] == 0))
			return true;
	return false;
}

static void test_cpuid(void)
{
	uint32_t a, b, c, d;

	hv_cpuid(1, 0, &a, &b, &c, &d);
	CHECK(c & (1u << 31), "cpuid 1: ECX.hypervisor (bit 31) set");
	CHECK(!(c & (1u << 5)), "cpuid 1: ECX.VMX (bit 5) hidden");
	hv_cpuid(HV_CPUID_BASE, 0, &a, &b, &c, &d);
	CHECK_HEX(a, HV_CPUID_MAX, "cpuid 0x40000000: EAX = highest leaf");
	CHECK(b == HV_SIGNATURE_EBX && c == HV_SIGNATURE_ECX && d == HV_SIGNATURE_EDX,
	      "cpuid 0x40000000: signature \"uHV-research\"");
	hv_cpuid(HV_CPUID_FEATURES, 0, &a, &b, &c, &d);
	CHECK_HEX(a, HV_ABI_VERSION, "cpuid 0x40000001: EAX = ABI version");
	CHECK_HEX(b & (HV_FEAT_CONSOLE | HV_FEAT_TIME | HV_FEAT_YIELD | HV_FEAT_IDENTITY),
		  HV_FEAT_CONSOLE | HV_FEAT_TIME | HV_FEAT_YIELD | HV_FEAT_IDENTITY,
		  "cpuid 0x40000001: EBX has the four features");
	CHECK_EQ(c, HC_NR_CALLS - 1, "cpuid 0x40000001: ECX = highest call number");
	CHECK_EQ(d, 0, "cpuid 0x40000001: EDX = 0");
	CHECK(hv_present(), "hv_present()");
}

static void test_simple_calls(void)
{
	int64_t hz;

	CHECK_HEX(hv_version(), HV_ABI_VERSION, "HC_VERSION = HV_ABI_VERSION");
	CHECK_EQ(hv_nop(), 0, "HC_NOP = 0");
	hz = hv_time();
	printf("hc_test: HC_TIME says %ld Hz\n", hz);
	CHECK(hz >= 1000000, "HC_TIME returns a TSC frequency (>= 1 MHz)");
	CHECK_EQ(hv_yield(), 0, "HC_YIELD = 0");
	CHECK_EQ(hv_call0(999), HV_ENOSYS, "call 999 -> HV_ENOSYS");
	CHECK_EQ(hv_call0(HC_NR_CALLS), HV_ENOSYS, "call HC_NR_CALLS -> HV_ENOSYS");
	CHECK_EQ(hv_call0(1ull << 32 | HC_NOP), HV_ENOSYS,
		 "call 2^32 + HC_NOP -> HV_ENOSYS (RAX is not truncated)");
	CHECK_EQ(hv_call0(~0ull), HV_ENOSYS, "call 2^64 - 1 -> HV_ENOSYS");
	CHECK_EQ(hv_call6(HC_NOP, 1, 2, 3, 4, 5, 6), 0, "HC_NOP ignores its arguments");
}

static void test_preserved(uint64_t nr, const char *what, bool want_error)
{
	int64_t r = hc_regs_call(nr);
	unsigned i, changed = 0;

	for (i = 0; i < HC_NR_REGS; i++)
		if (hc_regs_after[i] != HC_REG_PATTERN(i))
			changed |= 1u << i;
	CHECK(want_error ? r < 0 : r >= 0, nm("%s under register patterns: result %ld", what, r));
	CHECK_HEX(changed, 0, nm("%s preserves all registers but RAX (bitmask of changed)", what));
}

/* 4 KiB aligned so that offsets inside it say which page a byte is on. */
static char page_buf[8192] __attribute__((aligned(4096)));
static char big_buf[HV_CONSOLE_MAX + 16];
#define MAX_LINES 32u
#define MAX_LINE_LEN (HV_CONSOLE_MAX / MAX_LINES)

static bool has_nul(const char *s, size_t n)
{
	while (n--)
		if (!*s++)
			return true;
	return false;
}

static void put_at(uint64_t gpa, const char *s, uint64_t n)
{
	memcpy((void *)(uintptr_t)gpa, s, n);
}

static void test_console(uint64_t mem)
{
	static const char msg[] = "hc_test: console write via hypercall\n";
	static const char last[] = "hc_test: console write ending at the last byte of RAM\n";
	static const char cross[] = "hc_test: console write across a page boundary\n";
	uint64_t n = sizeof(msg) - 1, gpa;
	unsigned i;

	CHECK_EQ(hv_console_write(msg, n), n, "HC_CONSOLE_WRITE returns len");
	CHECK_EQ(hv_console_write(msg, 0), 0, "HC_CONSOLE_WRITE len 0 returns 0");

	/* A buffer whose bytes sit on two pages (likely two unrelated host
	 * frames). */
	gpa = (uint64_t)(uintptr_t)page_buf + 4096 - 20;
	put_at(gpa, cross, sizeof(cross) - 1);
	CHECK_EQ(hv_console_write((void *)(uintptr_t)gpa, sizeof(cross) - 1), sizeof(cross) - 1,
		 "HC_CONSOLE_WRITE across a 4K page boundary");

	/* The last byte of RAM is still RAM. */
	gpa = mem - (sizeof(last) - 1);
	put_at(gpa, last, sizeof(last) - 1);
	CHECK_EQ(hv_console_write((void *)(uintptr_t)gpa, sizeof(last) - 1), sizeof(last) - 1,
		 "HC_CONSOLE_WRITE ending at the last byte of RAM");

	/* HV_CONSOLE_MAX itself is allowed: 32 lines of 128 bytes. */
	for (i = 0; i < MAX_LINES; i++) {
		char *line = big_buf + i * MAX_LINE_LEN;

		memset(line, '.', MAX_LINE_LEN);
		snprintf(line, MAX_LINE_LEN, "hc_test: max-size write, line %2u/%u ", i + 1,
			 MAX_LINES);
		line[strlen(line)] = '.';
		line[MAX_LINE_LEN - 1] = '\n';
	}
	CHECK_EQ(hv_console_write(big_buf, HV_CONSOLE_MAX), HV_CONSOLE_MAX,
		 "HC_CONSOLE_WRITE of exactly HV_CONSOLE_MAX bytes");

	CHECK_EQ(hv_console_write(big_buf, HV_CONSOLE_MAX + 1), HV_EINVAL,
		 "HC_CONSOLE_WRITE len HV_CONSOLE_MAX + 1 -> HV_EINVAL");
	CHECK_EQ(hv_console_write(big_buf, ~0ull), HV_EINVAL,
		 "HC_CONSOLE_WRITE len 2^64 - 1 -> HV_EINVAL");

	/* Visible if the hypervisor wrongly prints a partial range. */
	put_at(mem - 16, "XXXXXXXXXXXXXXXX", 16);
	CHECK_EQ(hv_call2(HC_CONSOLE_WRITE, mem, 8), HV_EFAULT,
		 "HC_CONSOLE_WRITE at the end of RAM -> HV_EFAULT");
	CHECK_EQ(hv_call2(HC_CONSOLE_WRITE, BEYOND_RAM, 8), HV_EFAULT,
		 "HC_CONSOLE_WRITE at 0x80000000 (beyond RAM) -> HV_EFAULT");
	CHECK_EQ(hv_call2(HC_CONSOLE_WRITE, mem - 16, 32), HV_EFAULT,
		 "HC_CONSOLE_WRITE crossing the end of RAM -> HV_EFAULT");
	CHECK_EQ(hv_call2(HC_CONSOLE_WRITE, ~0ull - 15, 32), HV_EFAULT,
		 "HC_CONSOLE_WRITE wrapping around 2^64 -> HV_EFAULT");
}

static void test_identity(uint64_t mem, const struct hv_start_info *si)
{
	struct hv_identity *id = (struct hv_identity *)(page_buf + 64);
	struct hv_identity *cross;
	int64_t r0, r;

	r0 = hv_identity(NULL);
	CHECK(r0 >= 0, "HC_IDENTITY(0) succeeds");
	CHECK_EQ(r0 & 0xffff, 0, "HC_IDENTITY(0): vcpu_id = 0");
	CHECK_EQ(r0 >> 16, si->vm_id, "HC_IDENTITY(0): vm_id = start info vm_id");

	memset(id, 0xa5, sizeof(*id));
	r = hv_identity(id);
	CHECK_EQ(r, r0, "HC_IDENTITY(gpa) returns the same id");
	CHECK_EQ(id->vm_id, (uint64_t)r0 >> 16, "HC_IDENTITY: vm_id");
	CHECK_EQ(id->vcpu_id, 0, "HC_IDENTITY: vcpu_id");
	CHECK_EQ(id->nr_vcpus, 1, "HC_IDENTITY: nr_vcpus = 1");
	CHECK(has_nul(id->name, sizeof(id->name)), "HC_IDENTITY: name NUL-terminated");
	id->name[sizeof(id->name) - 1] = 0;
	printf("hc_test: identity vm_id %u vcpu %u of %u name \"%s\"\n", id->vm_id,
	       id->vcpu_id, id->nr_vcpus, id->name);
	CHECK(!strcmp(id->name, EXPECT_NAME), "HC_IDENTITY: name is the VM's name");

	cross = (struct hv_identity *)(page_buf + 4096 - 20);
	memset(cross, 0xa5, sizeof(*cross));
	CHECK_EQ(hv_identity(cross), r0, "HC_IDENTITY into a struct across a page boundary");
	CHECK(cross->nr_vcpus == 1 && !strcmp(cross->name, EXPECT_NAME),
	      "HC_IDENTITY across a page boundary fills both pages");

	CHECK_EQ(hv_call1(HC_IDENTITY, mem), HV_EFAULT, "HC_IDENTITY at the end of RAM -> HV_EFAULT");
	CHECK_EQ(hv_call1(HC_IDENTITY, BEYOND_RAM), HV_EFAULT,
		 "HC_IDENTITY at 0x80000000 -> HV_EFAULT");
	CHECK_EQ(hv_call1(HC_IDENTITY, mem - 8), HV_EFAULT,
		 "HC_IDENTITY crossing the end of RAM -> HV_EFAULT");
}

/* ---- CPL 3 ------------------------------------------------------------ */

struct ucall {
	uint64_t nr, a0, a1;
};

static uint64_t user_cs(uint64_t arg)
{
	(void)arg;
	return read_cs();
}

static uint64_t user_hypercall(uint64_t arg)
{
	const struct ucall *c = (const struct ucall *)(uintptr_t)arg;

	return (uint64_t)hv_call2(c->nr, c->a0, c->a1);
}

static int64_t at_cpl3(uint64_t nr, uint64_t a0, uint64_t a1)
{
	struct ucall c = { nr, a0, a1 };

	return (int64_t)run_user(user_hypercall, (uint64_t)(uintptr_t)&c);
}

/* cpl3_hypercalls = on: the "user" calls work at CPL 3 and the others
 * fail with HV_EPERM; off: every call fails with HV_EPERM. */
static void test_user(bool cpl3_on)
{
	static const char msg[] = "hc_test: this must not be printed (CPL 3)\n";

	printf("hc_test: CPL-3 hypercalls expected %s\n", cpl3_on ? "on" : "off");
	CHECK_HEX(run_user(user_cs, 0), HV_SEL_USER_CODE64, "run_user runs at CPL 3 (CS = 0x23)");
	if (cpl3_on) {
		CHECK_EQ(at_cpl3(HC_NOP, 0, 0), 0, "CPL 3: HC_NOP = 0");
		CHECK_HEX(at_cpl3(HC_VERSION, 0, 0), HV_ABI_VERSION, "CPL 3: HC_VERSION allowed");
		CHECK(at_cpl3(HC_TIME, 0, 0) > 0, "CPL 3: HC_TIME allowed");
		CHECK_EQ(at_cpl3(HC_YIELD, 0, 0), 0, "CPL 3: HC_YIELD allowed");
	} else {
		CHECK_EQ(at_cpl3(HC_NOP, 0, 0), HV_EPERM, "CPL 3 (off): HC_NOP -> HV_EPERM");
		CHECK_EQ(at_cpl3(HC_VERSION, 0, 0), HV_EPERM, "CPL 3 (off): HC_VERSION -> HV_EPERM");
		CHECK_EQ(at_cpl3(HC_TIME, 0, 0), HV_EPERM, "CPL 3 (off): HC_TIME -> HV_EPERM");
		CHECK_EQ(at_cpl3(HC_YIELD, 0, 0), HV_EPERM, "CPL 3 (off): HC_YIELD -> HV_EPERM");
	}
	CHECK_EQ(at_cpl3(HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)msg, sizeof(msg) - 1), HV_EPERM,
		 "CPL 3: HC_CONSOLE_WRITE -> HV_EPERM");
	CHECK_EQ(at_cpl3(HC_IDENTITY, 0, 0), HV_EPERM, "CPL 3: HC_IDENTITY -> HV_EPERM");
	CHECK_EQ(at_cpl3(HC_SHUTDOWN, 99, 0), HV_EPERM, "CPL 3: HC_SHUTDOWN -> HV_EPERM");
	CHECK(true, "CPL 3: still running after HC_SHUTDOWN was refused");
}

int guest_main(const struct hv_start_info *si)
{
	uint64_t mem = si->magic == HV_START_MAGIC ? si->mem_size : EXPECT_MEM;

	rt_init();
	printf("hc_test: starting\n");
	test_start_state(si);
	test_cpuid();
	test_simple_calls();
	test_preserved(HC_NOP, "HC_NOP", false);
	test_preserved(HC_VERSION, "HC_VERSION", false);
	test_preserved(HC_TIME, "HC_TIME", false);
	test_preserved(999, "call 999", true);
	test_preserved(HC_CONSOLE_WRITE, "HC_CONSOLE_WRITE with bad arguments", true);
	test_console(mem);
	test_identity(mem, si);
	test_user(cpl3_enabled(si));
	test_finish();
}
