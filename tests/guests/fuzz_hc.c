/* fuzz_hc: random hypercalls from CPL 0 and CPL 3 (docs/testing.md,
 * "Fuzz guests").  Each call gets a random number (the valid ones, small
 * invalid ones, 64-bit ones whose low bits name a valid call, anything)
 * and random arguments (pointers into a scratch buffer, across its page
 * boundary, at and across the end of RAM, beyond RAM, wrapping around
 * 2^64, non-canonical; lengths around HV_CONSOLE_MAX and huge); every
 * register not an argument holds random bits too.  After each call:
 *
 * - RAX is exactly what docs/hypercalls.md says for those arguments;
 * - every other GPR, RSP, RFLAGS (arithmetic flags, DF, AC, ID), the
 *   segment selectors, XMM0-15 and (CPL 0) CR0/CR2/CR3/CR4 are unchanged;
 * - memory: a call that writes (HC_IDENTITY, HC_VCPU_STATS) wrote exactly
 *   its structure, with the right content, and nothing around it; a call
 *   that failed wrote nothing.
 *
 * Handled deliberately: HC_SHUTDOWN is made only from CPL 3, where it
 * must be HV_EPERM (from CPL 0 it would end the run); HC_CONSOLE_WRITE
 * only reads RAM inside a buffer of '.' (so the log stays text) and,
 * when valid, seldom; HC_SEND_IPI raises real vectors: this vCPU takes
 * the ones sent to itself in an interrupt window after each batch and
 * checks each was delivered exactly once; vCPU 1 sits halted and counts
 * the ones sent to it.
 *
 * Command line: seed=N count=N (hypercalls) batch=N (calls per batch,
 * each batch at CPL 0 or CPL 3) progress=N (a progress line every N
 * calls).  Needs cpl3_hypercalls = on and vcpus = 2. */
#include "fuzz_lib.h"
#include "fuzz_hc_call.h"

#define CR4_OSFXSR (1ull << 9)
#define RFLAGS_FUZZ (0x1ull | 0x4 | 0x10 | 0x40 | 0x80 | 0x400 | 0x800 | \
		     (1ull << 18) | (1ull << 21)) /* CF PF AF ZF SF DF OF AC ID */
#define CANARY 0xa5
#define TEXT_SIZE 8192
#define SCRATCH_SIZE 8192
#define GUARD 64
#define NR_VCPUS 2
#define MIN(a, b) ((a) < (b) ? (a) : (b))

static struct prng rng;
static uint64_t mem_size, tsc_hz, my_id;
static struct hc_io io;
/* '.' only: what a valid console write prints. */
static char text[TEXT_SIZE] __attribute__((aligned(4096)));
static uint8_t scratch[SCRATCH_SIZE] __attribute__((aligned(4096)));

/* Counters and the first failures, written at CPL 3 as well. */
static uint64_t calls, calls_user, per_nr[10], fails;
static uint64_t ipi_self_sent, ipi_self_taken, ipi_other_sent;
static volatile uint64_t ipi_other_taken;
static uint8_t ipi_pending[256], ipi_taken[256];
static char fail_msg[FUZZ_MAX_FAILS][160];
static unsigned fail_msgs, fails_printed;
static volatile bool stop_sink;

static bool at_cpl3(void)
{
	return (read_cs() & 3) == 3;
}

/* A failure, recorded without printing (CPL 3 has no console). */
static void fail(const char *fmt, ...) GRT_PRINTF(1, 2);
static void fail(const char *fmt, ...)
{
	va_list ap;

	fails++;
	if (fail_msgs >= FUZZ_MAX_FAILS)
		return;
	va_start(ap, fmt);
	vsnprintf(fail_msg[fail_msgs++], sizeof(fail_msg[0]), fmt, ap);
	va_end(ap);
}

static void flush_fails(void)
{
	for (; fails_printed < fail_msgs; fails_printed++)
		printf("FAIL: %s\n", fail_msg[fails_printed]);
}

/* ---- Guest-physical ranges ------------------------------------------- */

static bool in_ram(uint64_t gpa, uint64_t len)
{
	return gpa <= mem_size && len <= mem_size - gpa;
}

/* Where a call that writes 'size' bytes is pointed: 'region' says which
 * kind the pointer is, for the memory checks. */
enum region { R_NULL, R_SCRATCH, R_RAM_END, R_OUTSIDE };

static uint64_t ram_end_area(void)
{
	return mem_size - SCRATCH_SIZE;
}

static uint64_t pick_gpa(uint64_t size, enum region *reg)
{
	uint64_t r = prng_next(&rng), k;

	switch (r % 10) {
	case 0:
		*reg = R_NULL;
		return 0;
	case 1:
	case 2: /* across the scratch buffer's page boundary */
		*reg = R_SCRATCH;
		k = 4096 - (r >> 8) % (size + 1);
		return (uint64_t)(uintptr_t)scratch + k;
	case 3:
		*reg = R_SCRATCH;
		return (uint64_t)(uintptr_t)scratch + GUARD +
		       (r >> 8) % (SCRATCH_SIZE - 2 * GUARD - size);
	case 4:
	case 5: /* at, just inside and across the end of RAM */
		*reg = R_RAM_END;
		return mem_size - (r >> 8) % (size + 9);
	case 6: /* beyond RAM: just after it, device pages, far away */
		*reg = R_OUTSIDE;
		switch ((r >> 8) & 3) {
		case 0:
			return mem_size + ((r >> 12) & 0xffff);
		case 1:
			return 0xfec00000ull + ((r >> 12) & 0x1fffff);
		case 2:
			return 1ull << (32 + (r >> 12) % 20);
		default:
			return 0x80000000ull;
		}
	case 7: /* wrapping around 2^64 */
		*reg = R_OUTSIDE;
		return ~0ull - (r >> 8) % (size + 8);
	default: /* anything: mostly huge or non-canonical */
		k = prng_value(&rng);
		*reg = in_ram(k, size) ? R_NULL : R_OUTSIDE;
		if (*reg == R_NULL) /* never write into the guest itself */
			return mem_size + k;
		return k;
	}
}

static uint8_t *region_base(enum region reg)
{
	return reg == R_SCRATCH ? scratch : (uint8_t *)(uintptr_t)ram_end_area();
}

/* Bytes [lo, hi) of the region must hold the canary. */
static bool canary_ok(const uint8_t *b, uint64_t lo, uint64_t hi)
{
	for (uint64_t i = lo; i < hi; i++)
		if (b[i] != CANARY)
			return false;
	return true;
}

static void canary_fill(uint8_t *b, uint64_t lo, uint64_t hi)
{
	for (uint64_t i = lo; i < hi; i++)
		b[i] = CANARY;
}

/* After a call that may have written 'size' bytes at gpa: if 'wrote',
 * the structure is there (checked by 'check') and nothing around it
 * changed; otherwise nothing changed.  Puts the canary back. */
static void check_written(enum region reg, uint64_t gpa, uint64_t size,
			  bool wrote, bool (*check)(const void *),
			  const char *what)
{
	uint8_t *b;
	uint64_t off, lo, hi;

	if (reg != R_SCRATCH && reg != R_RAM_END)
		return;
	b = region_base(reg);
	off = gpa - (uint64_t)(uintptr_t)b;
	if (off > SCRATCH_SIZE) /* R_RAM_END at or past the end: not RAM */
		off = SCRATCH_SIZE;
	lo = off > GUARD ? off - GUARD : 0;
	hi = MIN(SCRATCH_SIZE, off + size + GUARD);
	if (wrote) {
		if (!check(b + off))
			fail("call %lu: %s at %#lx: wrong content", calls, what, gpa);
		if (!canary_ok(b, lo, off) || !canary_ok(b, off + size, hi))
			fail("call %lu: %s at %#lx: wrote outside its %lu bytes",
			     calls, what, gpa, size);
	} else if (!canary_ok(b, lo, hi)) {
		fail("call %lu: %s at %#lx failed but wrote to RAM", calls, what, gpa);
	}
	canary_fill(b, lo, hi);
}

static bool identity_ok(const void *p)
{
	struct hv_identity id;

	memcpy(&id, p, sizeof(id));
	return id.vm_id == (my_id >> 16) && id.vcpu_id == 0 &&
	       id.nr_vcpus == NR_VCPUS && id.reserved == 0 &&
	       !strcmp(id.name, "fuzz_hc");
}

static bool stats_ok(const void *p)
{
	struct hv_vcpu_stats st;

	memcpy(&st, p, sizeof(st));
	return st.state <= HV_VCPU_STOPPED && st.runs >= 1 && st.pcpu_mask &&
	       st.exits >= 1;
}

/* ---- One call --------------------------------------------------------- */

static uint64_t pick_nr(void)
{
	uint64_t r = prng_next(&rng);

	switch (r % 16) {
	case 0:
		return 9 + (r >> 8) % 56; /* just past the table */
	case 1:
		return ((r >> 8) | 1ull << 32) & ~0xfull; /* 64-bit, low bits valid-looking */
	case 2:
		return (r >> 8 & 7) | (1ull << (32 + (r >> 12) % 32));
	case 3:
		return prng_value(&rng);
	default:
		return (r >> 8) % 9; /* a valid number */
	}
}

static void random_regs(struct hc_frame *f)
{
	for (unsigned i = 0; i < FR_NGPR; i++)
		f->gpr[i] = prng_value(&rng);
	f->rflags = 0x2 | (prng_next(&rng) & RFLAGS_FUZZ);
	for (unsigned i = 0; i < 16; i++) {
		f->xmm[i][0] = prng_next(&rng);
		f->xmm[i][1] = prng_next(&rng);
	}
}


/* One random hypercall; checks everything about it. */
static void fuzz_one(void)
{
	struct hc_frame *in = &io.in, *out = &io.out;
	bool user = at_cpl3();
	uint64_t nr = pick_nr(), want = 0, rsp, cr[4] = { 0 }, cr2 = 0;
	uint64_t a0, a1;
	enum region reg = R_OUTSIDE;
	bool known = true, wrote = false, user_ok;
	unsigned i;

	random_regs(in);
	in->gpr[FR_RAX] = nr;
	/* Calls that must not run from CPL 0 become a harmless one. */
	if (nr == HC_SHUTDOWN && !user)
		in->gpr[FR_RAX] = nr = HC_NOP;
	user_ok = nr == HC_VERSION || nr == HC_NOP || nr == HC_TIME ||
		  nr == HC_YIELD || nr == HC_SEND_IPI;

	switch (nr) {
	case HC_CONSOLE_WRITE: {
		uint64_t r = prng_next(&rng), len;

		switch (r % 8) {
		case 0:
			len = 0;
			break;
		case 1:
			len = HV_CONSOLE_MAX + (r >> 8) % 3 - 1;
			break;
		case 2:
			len = prng_value(&rng);
			break;
		default:
			len = 1 + (r >> 8) % 64;
		}
		/* In RAM only inside the '.' buffer; valid writes rarely. */
		a0 = pick_gpa(len > TEXT_SIZE ? 1 : len, &reg);
		if (reg == R_SCRATCH || reg == R_NULL) {
			if (prng_one_in(&rng, 64) && len <= TEXT_SIZE)
				a0 = (uint64_t)(uintptr_t)text +
				     (r >> 16) % (TEXT_SIZE - len + 1);
			else
				a0 = mem_size + (r >> 16) % 4096;
		}
		if (reg == R_RAM_END && in_ram(a0, len) && len)
			a0 = mem_size; /* its bytes are the canary, not text */
		a1 = len;
		if (len > HV_CONSOLE_MAX)
			want = (uint64_t)HV_EINVAL;
		else if (len == 0)
			want = 0;
		else if (!in_ram(a0, len))
			want = (uint64_t)HV_EFAULT;
		else
			want = len;
		in->gpr[FR_RDI] = a0;
		in->gpr[FR_RSI] = a1;
		break;
	}
	case HC_IDENTITY:
		a0 = pick_gpa(sizeof(struct hv_identity), &reg);
		in->gpr[FR_RDI] = a0;
		if (a0 && !in_ram(a0, sizeof(struct hv_identity))) {
			want = (uint64_t)HV_EFAULT;
		} else {
			want = my_id;
			wrote = a0 != 0;
		}
		break;
	case HC_SEND_IPI: {
		uint64_t r = prng_next(&rng);

		a0 = r % 4 == 0 ? prng_value(&rng) : (r >> 2) % (NR_VCPUS + 1);
		a1 = (r >> 8) % 4 == 0 ? prng_value(&rng) : (r >> 16) % 256;
		in->gpr[FR_RDI] = a0;
		in->gpr[FR_RSI] = a1;
		want = a0 < NR_VCPUS && a1 >= 32 && a1 <= 255 ? 0 : (uint64_t)HV_EINVAL;
		break;
	}
	case HC_VCPU_STATS: {
		uint64_t r = prng_next(&rng);

		a0 = r % 4 == 0 ? prng_value(&rng) : (r >> 2) % (NR_VCPUS + 1);
		a1 = pick_gpa(sizeof(struct hv_vcpu_stats), &reg);
		in->gpr[FR_RDI] = a0;
		in->gpr[FR_RSI] = a1;
		if (a0 >= NR_VCPUS)
			want = (uint64_t)HV_EINVAL;
		else if (!in_ram(a1, sizeof(struct hv_vcpu_stats)))
			want = (uint64_t)HV_EFAULT;
		else
			want = 0, wrote = true;
		break;
	}
	case HC_VERSION:
		want = HV_ABI_VERSION;
		break;
	case HC_NOP:
	case HC_YIELD:
		want = 0;
		break;
	case HC_TIME:
		want = tsc_hz;
		break;
	case HC_SHUTDOWN:
		break; /* CPL 3 only: HV_EPERM below */
	default:
		known = false;
		/* The lab's calls exist but are outside the default
		 * allow-list: refused before the CPL is looked at. */
		want = nr < HC_NR_CALLS ? (uint64_t)HV_EPERM : (uint64_t)HV_ENOSYS;
	}
	if (known && user && !user_ok) {
		want = (uint64_t)HV_EPERM;
		wrote = false;
	}

	if (!user) {
		cr2 = prng_next(&rng);
		__asm__ __volatile__("mov %0, %%cr2" : : "r"(cr2));
		__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr[0]));
		__asm__ __volatile__("mov %%cr3, %0" : "=r"(cr[1]));
		__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr[2]));
	}
	__asm__ __volatile__("movw %%cs, %0\n\tmovw %%ds, %1\n\tmovw %%es, %2\n\t"
			     "movw %%fs, %3\n\tmovw %%gs, %4\n\tmovw %%ss, %5"
			     : "=m"(in->seg[0]), "=m"(in->seg[1]), "=m"(in->seg[2]),
			       "=m"(in->seg[3]), "=m"(in->seg[4]), "=m"(in->seg[5]));
	rsp = fuzz_hc_call(&io);
	calls++;
	if (user)
		calls_user++;
	per_nr[known ? nr : 9]++;

	if (out->gpr[FR_RAX] != want)
		fail("call %lu (cpl %d): nr %#lx args %#lx %#lx: RAX %#lx, expected %#lx",
		     calls, user ? 3 : 0, nr, in->gpr[FR_RDI], in->gpr[FR_RSI],
		     out->gpr[FR_RAX], want);
	for (i = 1; i < FR_NGPR; i++)
		if (i != FR_RSP && out->gpr[i] != in->gpr[i])
			fail("call %lu (cpl %d): nr %#lx: GPR %u %#lx, was %#lx",
			     calls, user ? 3 : 0, nr, i, out->gpr[i], in->gpr[i]);
	if (out->gpr[FR_RSP] != rsp)
		fail("call %lu: nr %#lx: RSP %#lx, was %#lx", calls, nr,
		     out->gpr[FR_RSP], rsp);
	if (out->rflags != in->rflags)
		fail("call %lu: nr %#lx: RFLAGS %#lx, was %#lx", calls, nr,
		     out->rflags, in->rflags);
	for (i = 0; i < 16; i++)
		if (out->xmm[i][0] != in->xmm[i][0] || out->xmm[i][1] != in->xmm[i][1])
			fail("call %lu: nr %#lx: XMM%u changed", calls, nr, i);
	for (i = 0; i < 6; i++)
		if (out->seg[i] != in->seg[i])
			fail("call %lu: nr %#lx: segment register %u is %#x, was %#x",
			     calls, nr, i, out->seg[i], in->seg[i]);
	if (!user) {
		uint64_t now[3], cr2_now;

		__asm__ __volatile__("mov %%cr0, %0" : "=r"(now[0]));
		__asm__ __volatile__("mov %%cr3, %0" : "=r"(now[1]));
		__asm__ __volatile__("mov %%cr4, %0" : "=r"(now[2]));
		__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2_now));
		if (now[0] != cr[0] || now[1] != cr[1] || now[2] != cr[2] || cr2_now != cr2)
			fail("call %lu: nr %#lx: CR0/2/3/4 %#lx %#lx %#lx %#lx changed",
			     calls, nr, now[0], cr2_now, now[1], now[2]);
	}

	if (nr == HC_IDENTITY)
		check_written(reg, in->gpr[FR_RDI], sizeof(struct hv_identity),
			      wrote && out->gpr[FR_RAX] == want, identity_ok,
			      "HC_IDENTITY");
	else if (nr == HC_VCPU_STATS)
		check_written(reg, in->gpr[FR_RSI], sizeof(struct hv_vcpu_stats),
			      wrote && out->gpr[FR_RAX] == want, stats_ok,
			      "HC_VCPU_STATS");
	else if (nr == HC_SEND_IPI && out->gpr[FR_RAX] == 0) {
		if (in->gpr[FR_RDI] == 0) {
			if (!ipi_pending[in->gpr[FR_RSI]])
				ipi_self_sent++;
			ipi_pending[in->gpr[FR_RSI]] = 1;
		} else {
			ipi_other_sent++;
		}
	}
}

/* ---- Batches at CPL 0 and CPL 3 --------------------------------------- */

static uint64_t batch_left;

static uint64_t user_batch(uint64_t n)
{
	for (uint64_t i = 0; i < n && fails < FUZZ_MAX_FAILS; i++)
		fuzz_one();
	return 0;
}

/* One handler for the whole VM: vCPU 0 checks its vectors per window,
 * vCPU 1 only counts. */
static void fuzz_irq(unsigned vec)
{
	if (this_vcpu() != 0) {
		ipi_other_taken++;
		return;
	}
	ipi_taken[vec]++;
	ipi_self_taken++;
}

/* Takes the vectors sent to this vCPU: each exactly once. */
static void irq_window(void)
{
	unsigned v;

	memset(ipi_taken, 0, sizeof(ipi_taken));
	__asm__ __volatile__("sti; nop; nop; nop; nop; cli" : : : "memory");
	for (v = 32; v < 256; v++) {
		if (ipi_taken[v] != ipi_pending[v])
			fail("after call %lu: vector %#x taken %u times, sent %s",
			     calls, v, ipi_taken[v],
			     ipi_pending[v] ? "since the last window" : "never");
		ipi_pending[v] = 0;
	}
}

int guest_vcpu_main(unsigned vcpu)
{
	(void)vcpu;
	/* The IPI sink: halted with interrupts on, taking what comes. */
	HALT_UNTIL(stop_sink);
	return 0;
}

int guest_main(const struct hv_start_info *si)
{
	uint64_t seed, count, batch, progress, next_progress, cr4;
	unsigned v;

	rt_init();
	fuzz_args("fuzz_hc", 20000, &seed, &count);
	batch = arg_u64_or("batch", 64);
	progress = arg_u64_or("progress", 100000);
	rng.s = seed;
	mem_size = si->mem_size;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR));
	memset(text, '.', sizeof(text));
	canary_fill(scratch, 0, SCRATCH_SIZE);
	canary_fill(region_base(R_RAM_END), 0, SCRATCH_SIZE);
	tsc_hz = (uint64_t)hv_call0(HC_TIME);
	my_id = (uint64_t)hv_call1(HC_IDENTITY, 0);
	if (smp_nr_vcpus() != NR_VCPUS) {
		printf("FAIL: fuzz_hc needs %u vCPUs\n", NR_VCPUS);
		return 1;
	}
	smp_start();
	smp_wait_online();
	for (v = 32; v < 256; v++)
		irq_set_handler(v, fuzz_irq);

	next_progress = progress;
	while (calls < count && fails < FUZZ_MAX_FAILS) {
		uint64_t n = MIN(batch, count - calls);

		if (prng_one_in(&rng, 2)) {
			run_user(user_batch, n);
		} else {
			batch_left = n;
			while (batch_left-- && fails < FUZZ_MAX_FAILS)
				fuzz_one();
		}
		irq_window();
		flush_fails();
		if (calls >= next_progress) {
			printf("fuzz_hc: progress: %lu hypercalls (%lu at CPL 3), %lu failures\n",
			       calls, calls_user, fails);
			next_progress += progress;
		}
	}
	flush_fails();
	stop_sink = true;
	hv_send_ipi(1, GRT_VEC_WAKE);
	smp_wait_done();
	printf("fuzz_hc: by number: version %lu nop %lu console %lu identity %lu time %lu yield %lu shutdown %lu ipi %lu stats %lu unknown %lu\n",
	       per_nr[0], per_nr[1], per_nr[2], per_nr[3], per_nr[4], per_nr[5],
	       per_nr[6], per_nr[7], per_nr[8], per_nr[9]);
	printf("fuzz_hc: IPIs: %lu to itself (all taken: %lu), %lu to vCPU 1 (it took %lu)\n",
	       ipi_self_sent, ipi_self_taken, ipi_other_sent, ipi_other_taken);
	printf("RESULT: fuzz_hc seed=%#lx ops=%lu hypercalls=%lu cpl3=%lu failures=%lu\n",
	       seed, calls, calls, calls_user, fails);
	return fails ? 1 : 0;
}
