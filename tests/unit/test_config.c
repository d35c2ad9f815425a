// UNIT-SOURCES: guest/config.c guest/config_dev.c guest/config_syntax.c lib/parse.c
/* VM description parser: valid files, every key and default, and broken
 * input that must be refused line by line while the good VMs survive.
 * Each text is parsed from a heap copy of exactly its bytes, without a
 * NUL, so ASan catches any read past the end of the module. */
#include <stdio.h>
#include <stdlib.h>

#include "guest/config.h"
#include "tests/unit/fakes.h"

#define MAX_MSGS 64

static struct vm_config_set set;
static char msgs[MAX_MSGS][256];
static unsigned nmsgs;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	if (nmsgs < MAX_MSGS)
		snprintf(msgs[nmsgs++], sizeof(msgs[0]), "%s", msg);
}

static unsigned parse_len(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	unsigned errors;

	assert_non_null(copy);
	memcpy(copy, text, len);
	nmsgs = 0;
	errors = vm_config_parse(copy, len, &set, collect, NULL);
	free(copy);
	return errors;
}

static unsigned parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* Parses text that must be clean; shows the messages when it is not. */
static void parse_ok(const char *text)
{
	unsigned errors = parse(text);

	for (unsigned i = 0; errors && i < nmsgs; i++)
		print_error("%s\n", msgs[i]);
	assert_int_equal(errors, 0);
}

/* Fails with every collected message when none contains 'needle'. */
static void expect_msg(const char *needle)
{
	char all[MAX_MSGS * 80] = "";

	for (unsigned i = 0; i < nmsgs; i++) {
		if (strstr(msgs[i], needle))
			return;
		strncat(all, msgs[i], sizeof(all) - strlen(all) - 2);
		strcat(all, "\n");
	}
	fail_msg("no message contains \"%s\"; got:\n%s", needle, all);
}

static const struct vm_config *vm_named(const char *name)
{
	for (unsigned i = 0; i < set.count; i++)
		if (!strcmp(set.vm[i].name, name))
			return &set.vm[i];
	return NULL;
}

/* One VM whose section has 'extra' after a valid memory and image, and
 * which must be rejected with 'needle' in a message. */
static void expect_bad(const char *extra, const char *needle)
{
	char text[1024];

	snprintf(text, sizeof(text), "[vm a]\nmemory = 16M\nimage = a.bin\n%s\n",
		 extra);
	assert_true(parse(text) > 0);
	assert_int_equal(set.count, 0);
	expect_msg(needle);
	expect_msg("config:1: [vm a] skipped");
}

/* ---- valid input ------------------------------------------------------- */

static const char full[] =
	"# two VMs, every key\n"			/* 1 */
	"[vm demo1]\n"					/* 2 */
	"memory = 16M\n"				/* 3 */
	"image = demo1.bin        # the module\n"	/* 4 */
	"entry = long64\n"				/* 5 */
	"entry_ip = 0x100040\n"				/* 6 */
	"load = 0x100000\n"				/* 7 */
	"vcpus = 2\n"					/* 8 */
	"affinity = 0-1\n"				/* 9 */
	"affinity.1 = 3\n"				/* 10 */
	"weight = 512\n"				/* 11 */
	"console = none\n"				/* 12 */
	"debug_exit = on\n"				/* 13 */
	"on_poweroff = restart\n"			/* 14 */
	"cpl3_hypercalls = on\n"			/* 15 */
	"device = pci:00:03.0\n"			/* 16 */
	"device = pci:1f:1F.7\n"			/* 17 */
	"cmdline = \"console=ttyS0 quiet\"  # quoted\n"	/* 18 */
	"expect_exit = 0x2a\n"				/* 19 */
	"\n"						/* 20 */
	"[vm rm_2]\n"					/* 21 */
	"memory = 1M\n"					/* 22 */
	"image = boot/real.bin\n"			/* 23 */
	"entry = real\n"				/* 24 */
	"entry_ip = 0x7e00\n"				/* 25 */
	"affinity = 0,2\n";				/* 26 */

static void test_full_valid(void **state)
{
	const struct vm_config *a, *b;

	(void)state;
	parse_ok(full);
	assert_int_equal(nmsgs, 0);
	assert_int_equal(set.count, 2);
	a = &set.vm[0];
	assert_string_equal(a->name, "demo1");
	assert_int_equal(a->line, 2);
	assert_int_equal(a->mem_size, MiB(16));
	assert_string_equal(a->image, "demo1.bin");
	assert_int_equal(a->entry, ENTRY_LONG64);
	assert_int_equal(a->entry_ip, 0x100040);
	assert_int_equal(a->load_gpa, 0x100000);
	assert_int_equal(a->vcpus, 2);
	assert_int_equal(a->affinity[0], 0x3);
	assert_int_equal(a->affinity[1], 0x8);
	assert_int_equal(a->weight, 512);
	assert_int_equal(a->console, CONSOLE_NONE);
	assert_true(a->debug_exit);
	assert_int_equal(a->on_poweroff, POWEROFF_RESTART);
	assert_true(a->cpl3_hypercalls);
	assert_int_equal(a->ndevices, 2);
	assert_int_equal(a->devices[0].bus, 0);
	assert_int_equal(a->devices[0].dev, 3);
	assert_int_equal(a->devices[0].fn, 0);
	assert_int_equal(a->devices[1].bus, 0x1f);
	assert_int_equal(a->devices[1].dev, 0x1f);
	assert_int_equal(a->devices[1].fn, 7);
	assert_string_equal(a->cmdline, "console=ttyS0 quiet");
	assert_true(a->has_expect_exit);
	assert_int_equal(a->expect_exit, 42);

	b = &set.vm[1];
	assert_string_equal(b->name, "rm_2");
	assert_int_equal(b->line, 21);
	assert_int_equal(b->mem_size, MiB(1));
	assert_string_equal(b->image, "boot/real.bin");
	assert_int_equal(b->entry, ENTRY_REAL);
	assert_int_equal(b->entry_ip, 0x7e00);
	assert_int_equal(b->load_gpa, VM_LOAD_DEFAULT_REAL);
	assert_int_equal(b->affinity[0], 0x5);
	assert_string_equal(vm_entry_mode_name(b->entry), "real");
	assert_string_equal(vm_entry_mode_name(a->entry), "long64");
}

static void test_defaults(void **state)
{
	const struct vm_config *vm;

	(void)state;
	parse_ok("[vm min]\nmemory=4M\nimage=min.bin");
	assert_int_equal(set.count, 1);
	vm = &set.vm[0];
	assert_int_equal(vm->entry, ENTRY_LONG64);
	assert_int_equal(vm->load_gpa, VM_LOAD_DEFAULT_LONG64);
	assert_int_equal(vm->entry_ip, VM_LOAD_DEFAULT_LONG64);
	assert_int_equal(vm->vcpus, 1);
	assert_int_equal(vm->affinity[0], 0); /* "any", filled by validate */
	assert_int_equal(vm->weight, VM_WEIGHT_DEFAULT);
	assert_int_equal(vm->console, CONSOLE_COM1);
	assert_false(vm->debug_exit);
	assert_int_equal(vm->on_poweroff, POWEROFF_STOP);
	assert_false(vm->cpl3_hypercalls);
	assert_int_equal(vm->ndevices, 0);
	assert_string_equal(vm->cmdline, "");
	assert_false(vm->has_expect_exit);

	/* Real mode defaults to the boot-sector address; entry_ip to load. */
	parse_ok("[vm r]\nmemory=1M\nimage=r\nentry=real\n");
	assert_int_equal(set.vm[0].load_gpa, 0x7c00);
	assert_int_equal(set.vm[0].entry_ip, 0x7c00);
	parse_ok("[vm l]\nmemory=4M\nimage=l\nload=2M\n");
	assert_int_equal(set.vm[0].entry_ip, MiB(2));
}

static void test_value_forms(void **state)
{
	(void)state;
	/* Sizes: bytes, hex, lower-case suffix, G. */
	parse_ok("[vm a]\nmemory=2097152\nimage=a\n");
	assert_int_equal(set.vm[0].mem_size, MiB(2));
	parse_ok("[vm a]\nmemory=0x200000\nimage=a\n");
	assert_int_equal(set.vm[0].mem_size, MiB(2));
	parse_ok("[vm a]\nmemory=2048k\nimage=a\n");
	assert_int_equal(set.vm[0].mem_size, MiB(2));
	parse_ok("[vm a]\nmemory=64G\nimage=a\n");
	assert_int_equal(set.vm[0].mem_size, GiB(64));
	/* Tabs, trailing blanks, comments, a header comment. */
	parse_ok("\t[ vm  t ]  # c\n\tmemory\t=\t8M\t \nimage = t # x\n");
	assert_string_equal(set.vm[0].name, "t");
	assert_string_equal(set.vm[0].image, "t");
	/* Quoted values: escapes, '#' inside, empty cmdline, bare cmdline. */
	parse_ok("[vm q]\nmemory=8M\nimage=\"q.bin\"\n"
			       "cmdline = \"a \\\"b\\\" c\\\\d # e\" # f\n");
	assert_string_equal(set.vm[0].image, "q.bin");
	assert_string_equal(set.vm[0].cmdline, "a \"b\" c\\d # e");
	parse_ok("[vm q]\nmemory=8M\nimage=q\ncmdline=\"\"\n");
	assert_string_equal(set.vm[0].cmdline, "");
	parse_ok("[vm q]\nmemory=8M\nimage=q\ncmdline=root=/dev/x ro\n");
	assert_string_equal(set.vm[0].cmdline, "root=/dev/x ro");
	/* Booleans and limits at their edges. */
	parse_ok("[vm b]\nmemory=8M\nimage=b\ndebug_exit=off\n"
			       "vcpus=8\nweight=65535\nexpect_exit=4294967295\n");
	assert_false(set.vm[0].debug_exit);
	assert_int_equal(set.vm[0].vcpus, 8);
	assert_int_equal(set.vm[0].weight, 65535);
	assert_int_equal(set.vm[0].expect_exit, 0xffffffffu);
	parse_ok("[vm b]\nmemory=8M\nimage=b\nweight=1\n");
	assert_int_equal(set.vm[0].weight, 1);
}

static void test_affinity_forms(void **state)
{
	const struct vm_config *vm;

	(void)state;
	/* Per-vCPU lines win over the VM-wide one whatever their order. */
	parse_ok("[vm a]\nmemory=8M\nimage=a\nvcpus=3\n"
			       "affinity.2 = 5\naffinity = 0-1, 4 ,6-7\n"
			       "affinity.0 = 63\n");
	vm = &set.vm[0];
	assert_int_equal(vm->affinity[0], BIT(63));
	assert_int_equal(vm->affinity[1], 0xd3);
	assert_int_equal(vm->affinity[2], BIT(5));
	assert_int_equal(vm->affinity[3], 0);
	/* affinity.N before vcpus is fine as long as N < vcpus in the end. */
	parse_ok("[vm a]\nmemory=8M\nimage=a\naffinity.1=1\nvcpus=2\n");
	assert_int_equal(set.vm[0].affinity[0], 0);
	assert_int_equal(set.vm[0].affinity[1], 0x2);
}

static void test_crlf_and_no_final_newline(void **state)
{
	(void)state;
	parse_ok("[vm w]\r\nmemory = 8M \r\nimage = w.bin\r\n"
			       "cmdline = \"x\"\r\n\r\n[vm v]\r\nmemory=8M\r\n"
			       "image=v.bin");
	assert_int_equal(set.count, 2);
	assert_string_equal(set.vm[0].image, "w.bin");
	assert_string_equal(set.vm[0].cmdline, "x");
	assert_string_equal(set.vm[1].image, "v.bin");
	assert_int_equal(set.vm[1].line, 6);
}

/* ---- broken input, one problem at a time ------------------------------ */

static void test_unknown_key(void **state)
{
	(void)state;
	assert_int_equal(parse("[vm demo1]\nmemory = 8M\nimage = d\nmemroy = 8M\n"), 1);
	assert_int_equal(set.count, 0);
	assert_string_equal(msgs[0], "config:4: unknown key 'memroy' in [vm demo1]");
	assert_string_equal(msgs[1], "config:1: [vm demo1] skipped because of 1 error(s)");
	expect_bad("affinity.8 = 0", "config:4: unknown key 'affinity.8'");
	expect_bad("affinity.x = 0", "config:4: unknown key 'affinity.x'");
	expect_bad("Memory = 8M", "config:4: expected 'key = value'");
}

static void test_bad_sizes(void **state)
{
	(void)state;
	assert_true(parse("[vm a]\nimage=a\nmemory = 12Q\n") > 0);
	assert_string_equal(msgs[0], "config:3: bad size '12Q' for memory (use e.g. 16M or 1G)");
	assert_true(parse("[vm a]\nimage=a\nmemory = 1025K\n") > 0);
	expect_msg("config:3: memory '1025K' is not a multiple of 4K");
	assert_true(parse("[vm a]\nimage=a\nmemory = 512K\n") > 0);
	expect_msg("config:3: memory '512K' is below the minimum of 1M");
	assert_true(parse("[vm a]\nimage=a\nmemory = 65G\n") > 0);
	expect_msg("config:3: memory '65G' is above the maximum of 64G");
	assert_true(parse("[vm a]\nimage=a\nmemory = 99999999999G\n") > 0);
	expect_msg("config:3: bad size");
	assert_true(parse("[vm a]\nimage=a\nmemory = 16 M\n") > 0);
	expect_msg("config:3: bad size '16 M'");
	assert_true(parse("[vm a]\nimage=a\nmemory =\n") > 0);
	expect_msg("config:3: missing value for 'memory'");
	/* A bad memory is not also reported as a missing one. */
	assert_int_equal(parse("[vm a]\nimage=a\nmemory = x\n"), 1);
}

static void test_missing_required(void **state)
{
	(void)state;
	assert_int_equal(parse("\n[vm x]\nmemory = 8M\n"), 1);
	assert_string_equal(msgs[0], "config:2: [vm x] has no image");
	assert_int_equal(set.count, 0);
	assert_int_equal(parse("[vm y]\nimage = y\n"), 1);
	assert_string_equal(msgs[0], "config:1: [vm y] has no memory");
	assert_int_equal(parse("[vm z]\n"), 2);
	expect_msg("config:1: [vm z] has no memory");
	expect_msg("config:1: [vm z] has no image");
}

static void test_duplicates(void **state)
{
	(void)state;
	assert_int_equal(parse("[vm demo1]\nmemory=8M\nimage=a\n\n"
			       "[vm demo1]\nmemory=8M\nimage=b\n"), 1);
	assert_string_equal(msgs[0], "config:5: duplicate VM name 'demo1' (first at line 1)");
	assert_int_equal(set.count, 1);
	assert_string_equal(set.vm[0].image, "a"); /* the first one stays */
	expect_bad("memory = 16M", "config:4: duplicate key 'memory' (first at line 2)");
	expect_bad("vcpus=2\naffinity.0=1\naffinity.0=0",
		   "config:6: duplicate key 'affinity.0' (first at line 5)");
}

static void test_bad_headers(void **state)
{
	static const struct {
		const char *text, *needle;
	} cases[] = {
		{ "[vm a b]", "config:2: bad VM name 'a b'" },
		{ "[vm bad!]", "config:2: bad VM name 'bad!'" },
		{ "[vm ]", "config:2: bad VM name ''" },
		{ "[vm abcdefghijklmnopqrstuvwxyz012345]", "config:2: bad VM name 'abcdefghijklmnopqrstuvwxyz012345'" },
		{ "[vmx a]", "config:2: unknown section '[vmx a]'" },
		{ "[foo]", "config:2: unknown section '[foo]'" },
		{ "[vm a", "config:2: bad section header '[vm a'" },
		{ "[vm a] junk", "config:2: bad section header" },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256];

		/* The keys under a bad header are skipped, not reported. */
		snprintf(text, sizeof(text), "# h\n%s\nmemory=8M\nimage=a\nbogus\n"
			 "[vm ok]\nmemory=8M\nimage=ok\n", cases[i].text);
		assert_int_equal(parse(text), 2);
		expect_msg(cases[i].needle);
		expect_msg("config:5: expected 'key = value' or '[vm NAME]', got 'bogus'");
		assert_int_equal(set.count, 1);
		assert_string_equal(set.vm[0].name, "ok");
	}
	/* 31 characters is the longest name. */
	parse_ok("[vm abcdefghijklmnopqrstuvwxyz01234]\nmemory=8M\nimage=a\n");
	assert_string_equal(set.vm[0].name, "abcdefghijklmnopqrstuvwxyz01234");
}

static void test_bad_affinity(void **state)
{
	static const char *const bad[] = { "0-", "3-1", "a", "-1", "0,,1",
					   "64", "1-64", "0x", "\"\"" };
	char extra[64], needle[64];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(extra, sizeof(extra), "affinity = %s", bad[i]);
		snprintf(needle, sizeof(needle), "config:4: bad CPU list '%s'",
			 bad[i][0] == '"' ? "" : bad[i]);
		expect_bad(extra, needle);
	}
	expect_bad("affinity = 3-1", "range is reversed");
	expect_bad("affinity = 64", "CPU numbers stop at 63");
	expect_bad("vcpus=2\naffinity.1 = 0-", "config:5: bad CPU list '0-'");
	/* A per-vCPU list for a vCPU the VM does not have. */
	expect_bad("vcpus = 2\naffinity.3 = 1",
		   "config:5: affinity.3 given but [vm a] has 2 vCPU(s)");
}

static void test_bad_numbers_and_names(void **state)
{
	(void)state;
	expect_bad("vcpus = 0", "config:4: vcpus 0 is out of range (1..8)");
	expect_bad("vcpus = 9", "config:4: vcpus 9 is out of range (1..8)");
	expect_bad("vcpus = two", "config:4: bad number 'two' for vcpus");
	expect_bad("weight = 0", "config:4: weight 0 is out of range (1..65535)");
	expect_bad("weight = 65536", "config:4: weight 65536 is out of range");
	expect_bad("expect_exit = 0x100000000", "config:4: expect_exit 0x100000000 is out of range");
	expect_bad("expect_exit = -1", "config:4: bad number '-1' for expect_exit");
	expect_bad("entry = protected",
		   "config:4: bad value 'protected' for entry (expected real or long64 or linux or multiboot)");
	expect_bad("console = com2", "config:4: bad value 'com2' for console (expected com1 or none)");
	expect_bad("debug_exit = maybe", "config:4: bad value 'maybe' for debug_exit (expected off or on)");
	expect_bad("on_poweroff = reboot", "config:4: bad value 'reboot' for on_poweroff");
	expect_bad("cpl3_hypercalls = ON", "config:4: bad value 'ON' for cpl3_hypercalls");
	expect_bad("load = 1X", "config:4: bad number '1X' for load");
	expect_bad("entry_ip = ", "config:4: missing value for 'entry_ip'");
}

static void test_bad_strings(void **state)
{
	(void)state;
	/* image is given twice here: the duplicate check comes first. */
	expect_bad("image = b", "config:4: duplicate key 'image' (first at line 3)");
	assert_true(parse("[vm a]\nmemory=8M\nimage = \"my image\"\n") > 0);
	expect_msg("config:3: image 'my image' has a bad character");
	assert_true(parse("[vm a]\nmemory=8M\nimage = \"\"\n") > 0);
	expect_msg("config:3: image name is empty");
	assert_true(parse("[vm a]\nmemory=8M\nimage = "
			  "0123456789012345678901234567890123456789012345678901234567890123\n") > 0);
	expect_msg("config:3: image '0123456789012345678901234567890123456789...' is too long (up to 63");
	assert_true(parse("[vm a]\nmemory=8M\nimage = caf\xc3\xa9\n") > 0);
	expect_msg("config:3: image 'caf?" "?' has a bad character");
	expect_bad("cmdline = \"abc", "config:4: unterminated quoted string");
	expect_bad("cmdline = \"abc\" def", "config:4: unexpected text after quoted string");

}

static void test_cmdline_length(void **state)
{
	char extra[300] = "cmdline = ", text[400];

	(void)state;
	memset(extra + 10, 'x', 256);
	extra[266] = '\0';
	expect_bad(extra, "is too long (up to 255 printable ASCII characters)");
	extra[265] = '\0'; /* 255 is the longest */
	snprintf(text, sizeof(text), "[vm a]\nmemory=8M\nimage=a\n%s\n", extra);
	parse_ok(text);
	assert_int_equal(strlen(set.vm[0].cmdline), VM_CMDLINE_MAX);
}

static void test_devices(void **state)
{
	char extra[512] = "";

	(void)state;
	expect_bad("device = pci:00:20.0", "config:4: bad device 'pci:00:20.0'");
	expect_bad("device = pci:00:03.8", "config:4: bad device 'pci:00:03.8'");
	expect_bad("device = pci:100:03.0", "config:4: bad device");
	expect_bad("device = 00:03.0", "config:4: bad device '00:03.0'");
	expect_bad("device = pci:00:03", "config:4: bad device");
	expect_bad("device = pci:00:03.0\ndevice = pci:00:03.0",
		   "config:5: device pci:00:03.0 is listed twice");
	for (unsigned i = 0; i < 9; i++)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "device = pci:00:%02x.0\n", i);
	expect_bad(extra, "config:12: too many devices (max 8)");
	/* A function belongs to one VM: the second claimant is refused. */
	assert_int_equal(parse("[vm a]\nmemory=8M\nimage=a\ndevice=pci:02:00.1\n"
			       "[vm b]\nmemory=8M\nimage=b\ndevice=pci:02:00.1\n"), 1);
	expect_msg("config:8: device pci:02:00.1 already belongs to [vm a]");
	assert_int_equal(set.count, 1);
}

static void test_ioports(void **state)
{
	const struct vm_config *vm;
	char extra[512];
	size_t n = 0;

	(void)state;
	parse_ok("[vm a]\nmemory = 8M\nimage = a\n"
		 "ioport = 0x1f0-0x1f7, 0x3f6\n"
		 "ioport = 0x170 - 0x177,0x376\n"
		 "[vm b]\nmemory = 8M\nimage = b\nioport = 0xffff\n");
	vm = vm_named("a");
	assert_int_equal(vm->nioports, 4);
	assert_int_equal(vm->ioports[0].first, 0x1f0);
	assert_int_equal(vm->ioports[0].last, 0x1f7);
	assert_int_equal(vm->ioports[1].first, 0x3f6);
	assert_int_equal(vm->ioports[1].last, 0x3f6);
	assert_int_equal(vm->ioports[2].first, 0x170);
	assert_int_equal(vm->ioports[3].last, 0x376);
	assert_int_equal(vm_named("b")->ioports[0].first, 0xffff);
	/* Decimal 496 is 0x1f0: the VM's own ranges may not overlap. */
	assert_int_equal(parse("[vm a]\nmemory = 8M\nimage = a\n"
			       "ioport = 0x1f0-0x1f7\nioport = 496-500\n"), 1);
	expect_msg("config:5: ioport 0x1f0-0x1f4 overlaps 0x1f0-0x1f7, listed before");

	expect_bad("ioport = 0x1f7-0x1f0", "config:4: bad I/O port list '0x1f7-0x1f0' for ioport: range is reversed");
	expect_bad("ioport = 0x10000", "ports stop at 0xffff");
	expect_bad("ioport = 0x1f0-", "use e.g. 0x1f0-0x1f7,0x3f6");
	expect_bad("ioport = 0x1f0,,0x3f6", "use e.g.");
	expect_bad("ioport = ata", "use e.g.");
	/* The virtual PC's ports and the hypervisor's. */
	expect_bad("ioport = 0x3f8", "config:4: ioport 0x3f8 overlaps COM1 (the hypervisor's console, the virtual PC's UART) (0x3f8-0x3ff)");
	expect_bad("ioport = 0x3f0-0x3f8", "ioport 0x3f0-0x3f8 overlaps COM1");
	expect_bad("ioport = 0x20", "overlaps the virtual PC's master 8259 (0x20-0x21)");
	expect_bad("ioport = 0x40-0x5f", "overlaps the virtual PC's PIT (0x40-0x43)");
	expect_bad("ioport = 0x70", "the virtual PC's RTC and CMOS");
	expect_bad("ioport = 0xcf9", "the PCI configuration ports and reset control (0xcf8-0xcff)");
	expect_bad("ioport = 0x604", "the virtual PC's ACPI PM block (0x600-0x60b)");
	expect_bad("ioport = 0xf4", "the debug-exit port (0xf4-0xf7)");
	expect_bad("ioport = 0x8a00", "Bochs' iodebug port (0x8a00-0x8a01)");
	expect_bad("ioport = 0x8900", "Bochs' shutdown port (0x8900)");
	expect_bad("ioport = 0x4d1", "the virtual PC's ELCR");
	expect_bad("ioport = 0x80", "the POST port");
	/* Too many. */
	for (unsigned i = 0; i <= VM_MAX_IOPORT_RANGES; i++)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n,
				      "ioport = %#x\n", 0x100 + 2 * i);
	extra[n - 1] = '\0';
	expect_bad(extra, "config:12: too many ioport ranges (max 8)");
	/* Another VM's. */
	assert_int_equal(parse("[vm a]\nmemory=8M\nimage=a\nioport=0x1f0-0x1f7\n"
			       "[vm b]\nmemory=8M\nimage=b\nioport=0x1e0-0x1f0\n"), 1);
	expect_msg("config:8: ioport 0x1e0-0x1f0 overlaps 0x1f0-0x1f7 of [vm a]");
	assert_non_null(vm_named("a"));
	assert_null(vm_named("b"));
}

static void test_irqs(void **state)
{
	const struct vm_config *vm;
	char extra[512];
	size_t n = 0;

	(void)state;
	parse_ok("[vm a]\nmemory = 8M\nimage = a\nplatform = pc\n"
		 "irq = 14\nirq = 15>5, 0x14\nirq = 200 > 23\n"
		 "[vm l]\nmemory = 8M\nimage = l\nentry = linux\nirq = 3\n");
	vm = vm_named("a");
	assert_int_equal(vm->nirqs, 4);
	assert_int_equal(vm->irqs[0].host, 14);
	assert_int_equal(vm->irqs[0].line, 14);
	assert_int_equal(vm->irqs[1].host, 15);
	assert_int_equal(vm->irqs[1].line, 5);
	assert_int_equal(vm->irqs[2].host, 20);
	assert_int_equal(vm->irqs[2].line, 20);
	assert_int_equal(vm->irqs[3].host, 200);
	assert_int_equal(vm->irqs[3].line, 23);
	/* entry = linux brings the platform with it. */
	assert_int_equal(vm_named("l")->nirqs, 1);

	expect_bad("irq = 14", "config:4: irq needs platform = pc");
	expect_bad("platform = pc\nirq = 0", "config:5: irq 0 is the system timer's");
	expect_bad("platform = pc\nirq = 2>5", "irq 2 is the 8259 cascade");
	expect_bad("platform = pc\nirq = 4>5", "irq 4 is COM1's, which the hypervisor keeps");
	expect_bad("platform = pc\nirq = 5>4", "config:5: irq 5: guest line 4 is the virtual PC's COM1 (give another: irq = 5>N)");
	expect_bad("platform = pc\nirq = 9", "irq 9: guest line 9 is the virtual PC's SCI");
	expect_bad("platform = pc\nirq = 6>2", "guest line 2 is the virtual PC's PIT");
	expect_bad("platform = pc\nirq = 30", "config:5: irq 30 needs a guest line up to 23 (irq = 30>N)");
	expect_bad("platform = pc\nirq = 256", "bad irq '256': host IRQs stop at 255");
	expect_bad("platform = pc\nirq = 14>24", "guest lines stop at 23");
	expect_bad("platform = pc\nirq = 14>", "bad irq '14>': use e.g. 14 or 14>5");
	expect_bad("platform = pc\nirq = -1", "use e.g. 14 or 14>5");
	expect_bad("platform = pc\nirq = 14\nirq = 14>5", "config:6: irq 14 is listed twice");
	expect_bad("platform = pc\nirq = 14, 15>14", "irq 15: guest line 14 already carries irq 14");
	for (unsigned i = 0; i <= VM_MAX_IRQS; i++)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "irq = %u\n",
				      i < 3 ? 5 + i : 7 + i);
	snprintf(extra + n - 1, sizeof(extra) - n + 1, "\nplatform = pc");
	expect_bad(extra, "config:12: too many irqs (max 8)");
	/* An IRQ belongs to one VM only; the first keeps it. */
	assert_int_equal(parse("[vm a]\nmemory=8M\nimage=a\nplatform=pc\nirq=14\n"
			       "[vm b]\nmemory=8M\nimage=b\nplatform=pc\nirq=14>15\n"
			       "[vm c]\nmemory=8M\nimage=c\nplatform=pc\nirq=15\n"), 1);
	expect_msg("config:10: irq 14 already belongs to [vm a]");
	expect_msg("config:6: [vm b] skipped because of 1 error(s)");
	assert_non_null(vm_named("a"));
	assert_null(vm_named("b"));
	assert_non_null(vm_named("c"));
}

static void test_addresses(void **state)
{
	(void)state;
	assert_true(parse("[vm a]\nmemory=1M\nimage=a\n") > 0);
	expect_msg("config:1: load address 0x100000 is outside memory (1M)");
	assert_true(parse("[vm a]\nmemory=2M\nimage=a\nload=3M\n") > 0);
	expect_msg("config:4: load address 0x300000 is outside memory (2M)");
	assert_true(parse("[vm a]\nmemory=2M\nimage=a\nentry_ip=0x200000\n") > 0);
	expect_msg("config:4: entry_ip 0x200000 is outside memory (2M)");
	assert_true(parse("[vm a]\nmemory=4M\nimage=a\nentry=real\nentry_ip=1M\n") > 0);
	expect_msg("config:5: entry_ip 0x100000 is out of real mode's reach");
	assert_true(parse("[vm a]\nmemory=4M\nimage=a\nentry=real\nload=2M\n") > 0);
	expect_msg("config:5: entry_ip 0x200000 is out of real mode's reach");
	parse_ok("[vm a]\nmemory=1M\nimage=a\nentry=real\nentry_ip=0xffff0\n");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("memory = 8M\n[vm a]\nmemory=8M\nimage=a\n"), 1);
	assert_string_equal(msgs[0], "config:1: key 'memory' outside a [vm] section");
	assert_int_equal(set.count, 1); /* an error outside a VM costs no VM */
	assert_int_equal(parse("hello world\n[vm a]\nmemory=8M\nimage=a\n"), 1);
	expect_msg("config:1: expected 'key = value' or '[vm NAME]', got 'hello world'");
	assert_int_equal(set.count, 1);
	expect_bad("= 5", "config:4: expected 'key = value'");
	expect_bad("garbage", "config:4: expected 'key = value' or '[vm NAME]', got 'garbage'");
}

static void test_no_vm(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 1);
	assert_string_equal(msgs[0], "config: no [vm] section");
	assert_int_equal(parse("# only a comment\n\n   \n"), 1);
	assert_string_equal(msgs[0], "config: no [vm] section");
	assert_int_equal(set.count, 0);
}

static void test_too_many_vms(void **state)
{
	static char text[4096];
	size_t len = 0;

	(void)state;
	for (unsigned i = 0; i <= VM_CONFIG_MAX_VMS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"[vm v%u]\nmemory=2M\nimage=v\n", i);
	assert_int_equal(parse(text), 1);
	assert_int_equal(set.count, VM_CONFIG_MAX_VMS);
	assert_string_equal(msgs[0], "config:49: too many VMs (max 16): [vm v16] ignored");
	assert_string_equal(set.vm[15].name, "v15");
}

static void test_long_line(void **state)
{
	static char text[2048];
	size_t n;

	(void)state;
	/* A comment of exactly VM_CONFIG_LINE_MAX characters is accepted... */
	n = (size_t)snprintf(text, sizeof(text), "[vm a]\nmemory=8M\nimage=a\n");
	text[n] = '#';
	memset(text + n + 1, 'y', VM_CONFIG_LINE_MAX - 1);
	text[n + VM_CONFIG_LINE_MAX] = '\0';
	parse_ok(text);
	/* ...one more is an error (even without any newline) and costs the VM. */
	memset(text + n + 1, 'y', VM_CONFIG_LINE_MAX);
	text[n + VM_CONFIG_LINE_MAX + 1] = '\0';
	assert_int_equal(parse(text), 1);
	expect_msg("config:4: line is longer than 512 characters");
	assert_int_equal(set.count, 0);
	/* Far longer, with CRLF: the CR is not counted but the rest is. */
	memset(text + n, 'z', 1500);
	memcpy(text + n + 1500, "\r\n[vm b]\nmemory=8M\nimage=b\n", 28);
	assert_int_equal(parse(text), 1);
	assert_int_equal(set.count, 1);
	assert_string_equal(set.vm[0].name, "b");
}

static void test_nul_and_control_bytes(void **state)
{
	static const char nul_text[] = "[vm a]\nmemory=8M\nimage=a\0b\n[vm c]\nmemory=8M\nimage=c\n";
	static const char ctl_text[] = "[vm a]\nmemory=8M\x01\nimage=a\n";

	(void)state;
	/* The line is dropped whole, so the image is missing as well. */
	assert_int_equal(parse_len(nul_text, sizeof(nul_text) - 1), 2);
	assert_string_equal(msgs[0], "config:3: NUL byte in line");
	assert_string_equal(msgs[1], "config:1: [vm a] has no image");
	assert_int_equal(set.count, 1);
	assert_string_equal(set.vm[0].name, "c");
	assert_int_equal(parse_len(ctl_text, sizeof(ctl_text) - 1), 2);
	expect_msg("config:2: control character 0x01 in line");
	assert_int_equal(set.count, 0);
	/* A NUL before any section is still an error, but costs no VM. */
	assert_int_equal(parse_len("\0\n[vm a]\nmemory=8M\nimage=a\n", 27), 1);
	expect_msg("config:1: NUL byte in line");
	assert_int_equal(set.count, 1);
}

static void test_bad_vm_among_good(void **state)
{
	static const char text[] =
		"[vm good1]\nmemory=8M\nimage=g1\n"		/* 1-3 */
		"[vm bad]\nmemory=8Q\nimage=b\nvcpus=0\nfoo=1\n"	/* 4-8 */
		"[vm good2]\nmemory=8M\nimage=g2\n";		/* 9-11 */

	(void)state;
	assert_int_equal(parse(text), 3);
	assert_int_equal(set.count, 2);
	assert_non_null(vm_named("good1"));
	assert_non_null(vm_named("good2"));
	assert_null(vm_named("bad"));
	assert_string_equal(set.vm[1].name, "good2");
	assert_int_equal(set.vm[1].line, 9);
	expect_msg("config:5: bad size '8Q' for memory");
	expect_msg("config:7: vcpus 0 is out of range");
	expect_msg("config:8: unknown key 'foo' in [vm bad]");
	expect_msg("config:4: [vm bad] skipped because of 3 error(s)");
}

static void test_garbage_is_bounded(void **state)
{
	static char junk[64 * 1024];

	(void)state;
	srand(1);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)rand();
	assert_true(parse_len(junk, sizeof(junk)) > VM_CONFIG_MAX_MESSAGES);
	assert_int_equal(set.count, 0);
	/* 32 messages, then one saying how many more there were. */
	assert_int_equal(nmsgs, VM_CONFIG_MAX_MESSAGES + 1);
	expect_msg("more error(s) not shown");
	/* No callback: nothing to print, still counted. */
	assert_true(vm_config_parse("x\n", 2, &set, NULL, NULL) == 2);
}

/* ---- runtime checks ---------------------------------------------------- */

static void test_validate_cpus(void **state)
{
	struct vm_config vm;

	(void)state;
	parse_ok("[vm a]\nmemory=8M\nimage=a\nvcpus=3\n"
			       "affinity=0-3\naffinity.1=1\naffinity.2=0,5\n");
	vm = set.vm[0];
	nmsgs = 0;
	assert_int_equal(vm_config_validate_cpus(&vm, 4, collect, NULL), -1);
	assert_int_equal(nmsgs, 1);
	assert_string_equal(msgs[0], "config:1: [vm a] vCPU 2 affinity names CPU 5, but this machine has 4 CPU(s)");
	nmsgs = 0;
	vm = set.vm[0];
	assert_int_equal(vm_config_validate_cpus(&vm, 3, collect, NULL), -1);
	expect_msg("vCPU 0 affinity names CPU 3, but this machine has 3 CPU(s)");
	expect_msg("vCPU 2 affinity names CPU 5");
	vm = set.vm[0];
	assert_int_equal(vm_config_validate_cpus(&vm, 6, collect, NULL), 0);
	assert_int_equal(vm.affinity[2], 0x21);

	/* Unspecified affinity becomes every CPU that exists. */
	parse_ok("[vm b]\nmemory=8M\nimage=b\nvcpus=2\n");
	vm = set.vm[0];
	assert_int_equal(vm_config_validate_cpus(&vm, 4, collect, NULL), 0);
	assert_int_equal(vm.affinity[0], 0xf);
	assert_int_equal(vm.affinity[1], 0xf);
	vm = set.vm[0];
	assert_int_equal(vm_config_validate_cpus(&vm, 64, NULL, NULL), 0);
	assert_int_equal(vm.affinity[0], UINT64_MAX);
	nmsgs = 0;
	vm = set.vm[0];
	assert_int_equal(vm_config_validate_cpus(&vm, 0, collect, NULL), -1);
	expect_msg("config:1: [vm b] has no CPU to run on");
}

static void test_image_helpers(void **state)
{
	struct vm_config vm;

	(void)state;
	memset(&vm, 0, sizeof(vm));
	strcpy(vm.image, "demo1.bin");
	assert_true(vm_config_image_matches(&vm, "demo1.bin"));
	assert_true(vm_config_image_matches(&vm, "  /boot/mods/demo1.bin arg=1"));
	assert_false(vm_config_image_matches(&vm, "demo1.bin2"));
	assert_false(vm_config_image_matches(&vm, "xdemo1.bin"));
	assert_false(vm_config_image_matches(&vm, "demo1"));
	assert_false(vm_config_image_matches(&vm, "other demo1.bin"));
	assert_false(vm_config_image_matches(&vm, ""));
	assert_false(vm_config_image_matches(&vm, "/boot/"));
	assert_false(vm_config_image_matches(&vm, NULL));
	/* With a '/', the whole first word must match. */
	strcpy(vm.image, "mods/a.bin");
	assert_true(vm_config_image_matches(&vm, "mods/a.bin"));
	assert_false(vm_config_image_matches(&vm, "/boot/mods/a.bin"));
	assert_false(vm_config_image_matches(&vm, "a.bin"));

	vm.mem_size = MiB(2);
	vm.load_gpa = MiB(1);
	assert_true(vm_config_image_fits(&vm, MiB(1)));
	assert_false(vm_config_image_fits(&vm, MiB(1) + 1));
	assert_false(vm_config_image_fits(&vm, UINT64_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_valid),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_affinity_forms),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_affinity),
		cmocka_unit_test(test_bad_numbers_and_names),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_cmdline_length),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_ioports),
		cmocka_unit_test(test_irqs),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_no_vm),
		cmocka_unit_test(test_too_many_vms),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_and_control_bytes),
		cmocka_unit_test(test_bad_vm_among_good),
		cmocka_unit_test(test_garbage_is_bounded),
		cmocka_unit_test(test_validate_cpus),
		cmocka_unit_test(test_image_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
