// fairbench: the workloads of the fair Linux benchmark (issue 14), run by
// tests/linux/init inside the Linux guest, natively and under the
// hypervisor alike (bench/linux_fair.sh).  Static (host gcc -static), put
// into the initramfs as /bin/fairbench by scripts/linux-fetch.sh.
//
//   fairbench [REPS [SLEEPS]]   every workload REPS times (default 3)
//   fairbench nop               exits at once (the fork+exec target)
//
// Each workload is timed with the guest's TSC (lfence; rdtsc) on CPU 0
// and printed as one line
//   FAIRBENCH <name> rep=<r> ticks=<n>
// In Bochs (clock: sync=none) TSC ticks count instructions, so the
// figures are the same unit natively and under the hypervisor.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(0, sizeof(s), &s))
		perror("fairbench: sched_setaffinity");
}

// irqs: the sums over all CPUs of /proc/interrupts' LOC (local timer),
// RES (rescheduling IPIs) and CAL (function-call IPIs) lines, to tell
// where the two sides differ (natively Bochs' LAPIC timer runs fast).
struct irqs {
	unsigned long long loc, res, cal;
};

static struct irqs irqs(void)
{
	struct irqs r = { 0, 0, 0 };
	char line[1024];
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return r;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *e;
		unsigned long long *dst = 0, sum = 0;

		while (*p == ' ')
			p++;
		if (!strncmp(p, "LOC:", 4))
			dst = &r.loc;
		else if (!strncmp(p, "RES:", 4))
			dst = &r.res;
		else if (!strncmp(p, "CAL:", 4))
			dst = &r.cal;
		if (!dst)
			continue;
		p += 4;
		for (;;) {
			unsigned long long v = strtoull(p, &e, 10);

			if (e == p)
				break;
			sum += v;
			p = e;
		}
		*dst = sum;
	}
	fclose(f);
	return r;
}

static void report(const char *name, int rep, uint64_t ticks, struct irqs a, struct irqs b)
{
	printf("FAIRBENCH %s rep=%d ticks=%llu loc=%llu res=%llu cal=%llu\n", name, rep,
	       (unsigned long long)ticks, b.loc - a.loc, b.res - a.res, b.cal - a.cal);
	fflush(stdout);
}

// cpu: 20 M rounds of an LCG and a rotate, nothing else.
static uint64_t w_cpu(void)
{
	uint64_t x = 88172645463325252ULL, t0 = tsc();

	for (long i = 0; i < 20000000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		x ^= x >> 29;
		__asm__ volatile("" : "+r"(x));
	}
	return tsc() - t0;
}

static int run(char *const argv[], int quiet)
{
	pid_t p = fork();
	int st = 0;

	if (p == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0)
				dup2(fd, 1);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define MD5_BYTES (16u << 20)
#define MD5_FILE "/tmp/fairbench.16m"

static int make_md5_file(void)
{
	static uint64_t buf[8192];
	uint64_t x = 1;
	int fd = open(MD5_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (unsigned n = 0; n < MD5_BYTES; n += sizeof(buf)) {
		for (unsigned i = 0; i < 8192; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			buf[i] = x;
		}
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return close(fd), -1;
	}
	return close(fd);
}

// md5: busybox md5sum of a 16 MiB file in the initramfs' tmpfs (fork,
// exec, 16 MiB of read() and MD5).
static uint64_t w_md5(void)
{
	char *argv[] = { "/bin/busybox", "md5sum", MD5_FILE, 0 };
	uint64_t t0 = tsc();

	if (run(argv, 1))
		fprintf(stderr, "fairbench: md5sum failed\n");
	return tsc() - t0;
}

// forkexec: 500 times fork, exec of this static binary with "nop", wait.
static uint64_t w_forkexec(void)
{
	char *argv[] = { "/bin/fairbench", "nop", 0 };
	uint64_t t0 = tsc();

	for (int i = 0; i < 500; i++)
		if (run(argv, 0))
			fprintf(stderr, "fairbench: nop failed\n");
	return tsc() - t0;
}

// pagefault: 64 MiB of fresh anonymous memory, one write per 4 KiB page
// (no transparent huge pages), then unmapped.
static uint64_t w_pagefault(void)
{
	size_t len = 64u << 20;
	uint64_t t0 = tsc();
	char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return 0;
	madvise(m, len, MADV_NOHUGEPAGE);
	for (size_t o = 0; o < len; o += 4096)
		((volatile char *)m)[o] = 1;
	munmap(m, len);
	return tsc() - t0;
}

// pipe: 1000 one-byte round trips between this process on CPU 0 and a
// child pinned to CPU 1 (wake-ups across vCPUs: IPIs).
static uint64_t w_pipe(void)
{
	int a[2], b[2];
	char c = 'x';
	uint64_t t0, t;

	if (pipe(a) || pipe(b))
		return 0;
	pid_t p = fork();
	if (p == 0) {
		pin(1);
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1)
			if (write(b[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	// One round trip first: the child is running on CPU 1.
	if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
		return 0;
	t0 = tsc();
	for (int i = 0; i < 1000; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			return 0;
	t = tsc() - t0;
	close(a[1]);
	close(b[0]);
	waitpid(p, 0, 0);
	return t;
}

// sleep: N times nanosleep(1 ms): timer programming and idle wake-ups.
static int sleeps = 1000;
static uint64_t w_sleep(void)
{
	struct timespec ts = { 0, 1000000 };
	uint64_t t0;

	// Slack 1 ns: the timer is due at 1 ms on both sides.  With the
	// default 50 us Linux programs the hard expiry (1.05 ms), which the
	// hypervisor's TSC-deadline timer honours, while natively Bochs'
	// LAPIC timer, running 146x fast, wakes the CPU at the soft one.
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	t0 = tsc();
	for (int i = 0; i < sleeps; i++)
		nanosleep(&ts, 0);
	return tsc() - t0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint64_t (*fn)(void);
	} w[] = {
		{ "cpu", w_cpu },	  { "md5", w_md5 },	  { "forkexec", w_forkexec },
		{ "pagefault", w_pagefault }, { "pipe", w_pipe }, { "sleep", w_sleep },
	};
	int reps = 3;

	if (argc > 1 && !strcmp(argv[1], "nop"))
		return 0;
	if (argc > 1)
		reps = atoi(argv[1]);
	if (argc > 2)
		sleeps = atoi(argv[2]);
	pin(0);
	if (reps > 0 && make_md5_file()) {
		fprintf(stderr, "fairbench: cannot write %s\n", MD5_FILE);
		return 1;
	}
	printf("FAIRBENCH start reps=%d sleeps=%d\n", reps, sleeps);
	for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		for (int r = 1; r <= reps; r++) {
			struct irqs a = irqs();
			uint64_t t = w[i].fn();

			report(w[i].name, r, t, a, irqs());
		}
	unlink(MD5_FILE);
	printf("FAIRBENCH end\n");
	return 0;
}
