// UNIT-SOURCES: guest/config/config.c guest/config/config_keys.c guest/config/config_hc.c guest/config/config_dev.c guest/config/config_resolve.c guest/config/config_syntax.c lib/parse.c tests/unit/config_fixture.c guest/vpc/ports.c
/* VM description parser, the keys of a [vm] section: a valid file with
 * every key, the defaults, the forms a value may take, values refused key
 * by key while the section is dropped, what is settled once a section
 * ends (affinity per vCPU, load and entry addresses), and the checks
 * made later with runtime facts.  Lines, sections and error handling are
 * in test_config_lines.c, the device, ioport and irq keys in
 * test_config_dev.c. */
#include <stdio.h>

#include "lib/errno.h"
#include "tests/unit/config_fixture.h"

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
	assert_int_equal(vm->on_hang, ON_HANG_STOP);
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
	parse_ok("[vm h]\nmemory=8M\nimage=h\non_hang=report\n");
	assert_int_equal(set.vm[0].on_hang, ON_HANG_REPORT);
	parse_ok("[vm h]\nmemory=8M\nimage=h\non_hang=stop\n");
	assert_int_equal(set.vm[0].on_hang, ON_HANG_STOP);
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

/* ---- broken input, one problem at a time ------------------------------ */

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
	expect_bad("dma = direct", "config:4: bad value 'direct' for dma (expected iommu or identity or none)");
	expect_bad("on_dma_fault = panic", "config:4: bad value 'panic' for on_dma_fault (expected stop or report)");
	expect_bad("on_hang = ignore", "config:4: bad value 'ignore' for on_hang (expected stop or report)");
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

/* ---- runtime checks ---------------------------------------------------- */

static void test_validate_cpus(void **state)
{
	struct vm_config vm;

	(void)state;
	parse_ok("[vm a]\nmemory=8M\nimage=a\nvcpus=3\n"
			       "affinity=0-3\naffinity.1=1\naffinity.2=0,5\n");
	vm = set.vm[0];
	nmsgs = 0;
	assert_int_equal(vm_config_validate_cpus(&vm, 4, collect, NULL), -EINVAL);
	assert_int_equal(nmsgs, 1);
	assert_string_equal(msgs[0], "config:1: [vm a] vCPU 2 affinity names CPU 5, but this machine has 4 CPU(s)");
	nmsgs = 0;
	vm = set.vm[0];
	assert_int_equal(vm_config_validate_cpus(&vm, 3, collect, NULL), -EINVAL);
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
	assert_int_equal(vm_config_validate_cpus(&vm, 0, collect, NULL), -EINVAL);
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
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_bad_affinity),
		cmocka_unit_test(test_bad_numbers_and_names),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_cmdline_length),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_validate_cpus),
		cmocka_unit_test(test_image_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
