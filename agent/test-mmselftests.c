// SPDX-License-Identifier: GPL-2.0
/*
 * mmselftests: Linux's own mm selftests (tools/testing/selftests/mm),
 * built static by mm-selftests.mk into initramfs-mm.cpio under
 * /mm-selftests.  Each agent case is one invocation of one selftest
 * program, as run_vmtests.sh makes it, with sizes cut down for QEMU TCG.
 *
 * A case prepares what the programs need (hugetlbfs on /mnt/huge,
 * devpts for the pty the program writes to, 2 MiB and 1 GiB hugetlb pages,
 * THP "madvise", swap on zram when there is zram, the sysctls of its
 * invocation), runs the program with a time budget (killed when it runs
 * out: a failure, but a pass for the time-boxed loops) and reads its TAP
 * output (or uffd-unit-tests' and khugepaged's own formats):
 *
 *   mmselftests.<case>.<N>-<slug>   one result per "ok N" / "not ok N",
 *                                   emitted as it comes (t_report())
 *   mmselftests.<case>              the program's exit status (0 pass,
 *                                   4 skip, other fail), its counts
 *
 * <N> is the TAP number (three digits) and the slug the test's
 * description, or the "[RUN] ..." line before it when the program names
 * its tests that way (cow, gup_longterm); hex numbers and long numbers are
 * dropped from the slug so the name is the same from run to run.  Compare
 * runs by "mmselftests.<case>.<N>" (scripts/mm-selftests.py does).  The
 * program's output goes to the console, each line prefixed "[mm <case>] ".
 *
 * The group is manual (not in "all"): it needs initramfs-mm.cpio and
 * takes minutes.  Parameters: agent.mm_dir (default /mm-selftests),
 * agent.mm_scale=F (every budget times F, default 1), agent.mm_skip=a,b
 * (cases to skip), agent.mm_long=1 (run the long cases too),
 * agent.mm_hugepages=N (2 MiB pages to reserve, default 128),
 * agent.mm_gigantic=N (1 GiB pages, default 0), agent.mm_swap_mib=N
 * (zram swap, default 256, 0: none), agent.mm_echo=0 (keep the programs'
 * output off the console), agent.mm_prepare=0 (change nothing in the
 * system: for a run by hand).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"

#define MM_DIR			"/mm-selftests"
#define MM_HUGETLBFS		"/mnt/huge"
#define MM_HUGETLBFS_MAGIC	0x958458f6
#define MM_DEFAULT_HUGEPAGES	128
#define MM_DEFAULT_GIGANTIC	0
#define MM_DEFAULT_SWAP_MIB	256
#define MM_SHM_DEFAULT		"18446744073692774399"	/* ULONG_MAX - 2^24 */
#define MM_HUGE_2M		"/sys/kernel/mm/hugepages/hugepages-2048kB/"
#define MM_HUGE_1G		"/sys/kernel/mm/hugepages/hugepages-1048576kB/"
#define MM_THP			"/sys/kernel/mm/transparent_hugepage/"
#define MM_KSM			"/sys/kernel/mm/ksm/"
#define MM_LINE_MAX		1024
#define MM_DIAG_LINES		3
#define MM_SLUG_MAX		120
#define MM_NOBODY_ID		65534
#define MM_MAX_ARGS		12
#define MM_KILL_WAIT_MS		10000

/* the invocation's environment, beyond the common preparation */
enum {
	MM_NOBODY	= 1 << 0,	/* run as uid/gid 65534 */
	MM_ONE_HUGE	= 1 << 1,	/* exactly one 2 MiB hugetlb page */
	MM_OVERCOMMIT	= 1 << 2,	/* vm.overcommit_memory = 1 */
	MM_SHM		= 1 << 3,	/* shmmax 256 MiB, shmall 4 Mi pages */
	MM_SETTLE	= 1 << 4,	/* drop caches and compact first */
	MM_LONG		= 1 << 5,	/* only with agent.mm_long=1 */
	/* a loop that would run for minutes: killed at the budget, a pass
	 * if it said nothing of a failure by then */
	MM_TIMEBOX	= 1 << 8,
	MM_FMT_GLUED	= 1 << 9,	/* "# 2MB: ok 1 ...": TAP after a comment */
	/* output formats other than TAP (each "step" becomes a result) */
	MM_FMT_UFFD	= 1 << 6,	/* "Testing X... done|skipped|failed" */
	MM_FMT_KHUGE	= 1 << 7,	/* "Run test: X", then "step... OK|Fail|Skip" */
};

struct mm_test {
	const char *name;		/* the agent case */
	const char *bin;		/* program in agent.mm_dir */
	const char *args[MM_MAX_ARGS];	/* arguments after argv[0] */
	unsigned int budget_s;		/* guest seconds before it is killed */
	unsigned int flags;
	const char *excluded;		/* not run (skip), and why */
	const char *why_long;		/* MM_LONG: why not by default */
};

#define MM_T(_name, _bin, _budget, _flags, ...)				\
	{ .name = _name, .bin = _bin, .budget_s = _budget,		\
	  .flags = _flags, .args = { __VA_ARGS__ } }
#define MM_X(_name, _bin, _why)						\
	{ .name = _name, .bin = _bin, .excluded = _why }
#define MM_L(_name, _bin, _budget, _flags, _why, ...)			\
	{ .name = _name, .bin = _bin, .budget_s = _budget,		\
	  .flags = (_flags) | MM_LONG, .why_long = _why,		\
	  .args = { __VA_ARGS__ } }

/*
 * In run_vmtests.sh order, with run_vmtests.sh's arguments unless a
 * comment says otherwise.  Budgets: about three times what the program
 * took natively under TCG at -smp 2 (distro-like kernel), at least 60 s.
 */
static const struct mm_test mm_tests[] = {
	MM_T("hugepage-mmap", "hugepage-mmap", 60, MM_SETTLE),
	MM_T("hugepage-shm", "hugepage-shm", 60, MM_SHM | MM_SETTLE),
	MM_T("map_hugetlb", "map_hugetlb", 60, MM_SETTLE),
	MM_T("hugepage-mremap", "hugepage-mremap", 60, MM_SETTLE),
	MM_T("hugepage-vmemmap", "hugepage-vmemmap", 60, MM_SETTLE),
	MM_T("hugetlb-madvise", "hugetlb-madvise", 60, MM_SETTLE),
	MM_T("hugetlb_dio", "hugetlb_dio", 60, MM_SETTLE),
	/* 10000 rounds of a madvise/fault race: 100 s natively */
	MM_T("hugetlb_fault_after_madv", "hugetlb_fault_after_madv", 20,
	     MM_ONE_HUGE | MM_SETTLE | MM_TIMEBOX),
	MM_T("hugetlb_madv_vs_map", "hugetlb_madv_vs_map", 60,
	     MM_ONE_HUGE | MM_SETTLE),
	MM_T("map_fixed_noreplace", "map_fixed_noreplace", 60, 0),
	MM_T("gup_test-u", "gup_test", 60, 0, "-u"),
	MM_T("gup_test-a", "gup_test", 60, 0, "-a"),
	MM_T("gup_test-ct", "gup_test", 60, 0,
	     "-ct", "-F", "0x1", "0", "19", "0x1000"),
	MM_T("gup_longterm", "gup_longterm", 120, 0),
	/*
	 * uffd-unit-tests by test name (-f: a substring; the eight cover
	 * every test, not the two UFFDIO_API checks of an unfiltered run):
	 * each of its tests of 32 MiB takes 15-45 s under TCG.
	 */
	MM_T("uffd-unit-tests-register", "uffd-unit-tests", 60, MM_FMT_UFFD,
	     "-f", "register"),
	MM_T("uffd-unit-tests-zeropage", "uffd-unit-tests", 60, MM_FMT_UFFD,
	     "-f", "zeropage"),
	MM_T("uffd-unit-tests-move", "uffd-unit-tests", 120, MM_FMT_UFFD,
	     "-f", "move"),
	MM_T("uffd-unit-tests-wp", "uffd-unit-tests", 60, MM_FMT_UFFD,
	     "-f", "wp-"),
	MM_T("uffd-unit-tests-minor", "uffd-unit-tests", 240, MM_FMT_UFFD,
	     "-f", "minor"),
	MM_T("uffd-unit-tests-sigbus", "uffd-unit-tests", 60, MM_FMT_UFFD,
	     "-f", "sigbus"),
	MM_T("uffd-unit-tests-events", "uffd-unit-tests", 300, MM_FMT_UFFD,
	     "-f", "events"),
	MM_T("uffd-unit-tests-poison", "uffd-unit-tests", 300, MM_FMT_UFFD,
	     "-f", "poison"),
	/*
	 * uffd-stress <type> <MiB> <bounces>: 4 MiB (8 MiB of 2 MiB pages)
	 * instead of 20 MiB (half the hugetlb pool); 16 bounces go through
	 * all 16 combinations of the bounce modes.
	 */
	MM_T("uffd-stress-anon", "uffd-stress", 60, 0, "anon", "4", "16"),
	MM_T("uffd-stress-hugetlb", "uffd-stress", 60, MM_SETTLE,
	     "hugetlb", "8", "16"),
	MM_T("uffd-stress-hugetlb-private", "uffd-stress", 60, MM_SETTLE,
	     "hugetlb-private", "8", "16"),
	MM_T("uffd-stress-shmem", "uffd-stress", 60, 0, "shmem", "4", "16"),
	MM_T("uffd-stress-shmem-private", "uffd-stress", 60, 0,
	     "shmem-private", "4", "16"),
	MM_X("compaction_test", "compaction_test",
	     "reads /proc/meminfo through popen(\"cat | grep\"): needs "
	     "/bin/sh, cat and grep, which the initramfs does not have"),
	MM_T("on-fault-limit", "on-fault-limit", 60, MM_NOBODY),
	MM_T("map_populate", "map_populate", 60, 0),
	MM_T("mlock-random-test", "mlock-random-test", 60, 0),
	MM_T("mlock2-tests", "mlock2-tests", 60, 0),
	MM_T("mrelease_test", "mrelease_test", 60, 0),
	/* overcommit: the 2 GB cases map 2 GB of a 2 GB guest (and touch 4 MB) */
	MM_T("mremap_test", "mremap_test", 60, MM_OVERCOMMIT),
	MM_T("thuge-gen", "thuge-gen", 60, MM_SETTLE | MM_FMT_GLUED),
	MM_X("hugetlb-soft-offline", "hugetlb-soft-offline",
	     "destructive (run_vmtests.sh -d only): takes pages offline"),
	MM_X("hugetlb-read-hwpoison", "hugetlb-read-hwpoison",
	     "destructive (run_vmtests.sh -d only): poisons pages"),
	MM_T("virtual_address_range", "virtual_address_range", 120,
	     MM_OVERCOMMIT),
	MM_T("va_high_addr_switch", "va_high_addr_switch", 60, 0,
	     "--run-hugetlb"),
	MM_T("mremap_dontunmap", "mremap_dontunmap", 60, 0),
	MM_T("hmm-tests", "hmm-tests", 60, 0),
	MM_T("madv_populate", "madv_populate", 60, 0),
	MM_T("memfd_secret", "memfd_secret", 60, 0),
	/*
	 * merge time of 20 MiB instead of 100 MiB; budgets above the 120 s
	 * after which ksm_tests gives up by itself
	 */
	MM_T("ksm_tests-H", "ksm_tests", 150, 0, "-H", "-s", "20"),
	MM_T("ksm_tests-P", "ksm_tests", 150, 0, "-P", "-s", "20"),
	MM_T("ksm_tests-M", "ksm_tests", 60, 0, "-M", "-p", "10"),
	MM_T("ksm_tests-U", "ksm_tests", 60, 0, "-U"),
	MM_T("ksm_tests-Z0", "ksm_tests", 60, 0, "-Z", "-p", "10", "-z", "0"),
	MM_T("ksm_tests-Z1", "ksm_tests", 60, 0, "-Z", "-p", "10", "-z", "1"),
	MM_T("ksm_tests-N1", "ksm_tests", 60, 0, "-N", "-m", "1"),
	MM_T("ksm_tests-N0", "ksm_tests", 60, 0, "-N", "-m", "0"),
	MM_T("ksm_functional_tests", "ksm_functional_tests", 240, 0),
	MM_T("soft-dirty", "soft-dirty", 60, 0),
	MM_T("pagemap_ioctl", "pagemap_ioctl", 60, 0),
	MM_T("cow", "cow", 120, MM_SETTLE),
	MM_T("khugepaged", "khugepaged", 90, MM_SETTLE | MM_FMT_KHUGE),
	MM_T("khugepaged-s2", "khugepaged", 90, MM_SETTLE | MM_FMT_KHUGE,
	     "-s", "2"),
	/* 5 s over 256 MiB instead of 20 s over all of RAM */
	MM_T("transhuge-stress", "transhuge-stress", 60, MM_SETTLE,
	     "-d", "5", "256"),
	MM_L("split_huge_page_test", "split_huge_page_test", 240, MM_SETTLE,
	     "its 9 page cache cases each write a 4 MiB file one byte per "
	     "write(), about 15 s apiece under TCG"),
	MM_T("migration", "migration", 60, 0),
	MM_T("mkdirty", "mkdirty", 60, 0),
	MM_T("mdwe_test", "mdwe_test", 60, 0),
	/* built by the selftests' Makefile, not run by run_vmtests.sh */
	MM_T("mseal_test", "mseal_test", 60, 0),
	MM_T("seal_elf", "seal_elf", 60, 0),
	MM_T("droppable", "droppable", 60, 0),
	MM_X("write_to_hugetlbfs", "write_to_hugetlbfs",
	     "a helper of charge_reserved_hugetlb.sh (a bash script with "
	     "cgroup setup), no test of its own"),
};

/* ---- preparation ---- */

static long read_long(const char *path, long def)
{
	char buf[64];
	char *end;
	long v;

	if (read_text(path, buf, sizeof(buf)) <= 0)
		return def;
	v = strtol(buf, &end, 10);
	return end == buf ? def : v;
}

static int write_long(const char *path, long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", val);
	return write_str(path, buf);
}

/* set nr_hugepages of one size; the number actually reserved */
static long reserve_huge(const char *dir, long want)
{
	char path[128];

	snprintf(path, sizeof(path), "%snr_hugepages", dir);
	if (access(path, F_OK))
		return -1;
	if (read_long(path, -1) != want) {
		/* freed page cache makes room for the pages */
		write_str("/proc/sys/vm/drop_caches", "3");
		write_long(path, want);
	}
	return read_long(path, -1);
}

static bool is_hugetlbfs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == MM_HUGETLBFS_MAGIC;
}

/* more than the header line in /proc/swaps */
static bool swap_on(void)
{
	char buf[512];

	return read_text("/proc/swaps", buf, sizeof(buf)) > 0 &&
	       strchr(buf, '\n') && strchr(buf, '\n')[1];
}

/*
 * Swap on zram (when the kernel has it), so that MADV_PAGEOUT really
 * swaps: cow, khugepaged and others test swap entries in page tables.
 * The header is what mkswap writes: version 1, the last page, and the
 * "SWAPSPACE2" magic at the end of the first page.
 */
static const char *setup_swap(long mib)
{
	static const char magic[] = "SWAPSPACE2";
	size_t psize = page_size();
	char val[32], *hdr;
	uint32_t *info;
	int fd;

	if (swap_on())
		return "on";
	if (mib <= 0)
		return "off";
	if (access("/sys/block/zram0", F_OK))
		return "none: the kernel has no zram";
	snprintf(val, sizeof(val), "%ldM", mib);
	if (write_str("/sys/block/zram0/disksize", val) &&
	    read_long("/sys/block/zram0/disksize", 0) <= 0)
		return "none: zram0 disksize refused";

	hdr = calloc(1, psize);
	if (!hdr)
		return "none: out of memory";
	info = (uint32_t *)(hdr + 1024);
	info[0] = 1;					/* version */
	info[1] = (uint32_t)(mib * MIB / psize) - 1;	/* last_page */
	memcpy(hdr + psize - (sizeof(magic) - 1), magic, sizeof(magic) - 1);
	fd = open("/dev/zram0", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_full(fd, hdr, psize) || fsync(fd)) {
		free(hdr);
		if (fd >= 0)
			close(fd);
		return "none: cannot write the swap header to /dev/zram0";
	}
	free(hdr);
	close(fd);
	if (swapon("/dev/zram0", 0))
		return "none: swapon /dev/zram0 failed";
	return "on";
}

/*
 * KSM as the kernel starts it, whatever a killed ksm_tests left behind
 * (it sets and restores these itself): unmerge everything, stop, default
 * tunables; smart_scan off, though, which would skip a page that found no
 * twin in two scans, so ksm_tests -N's first page could be skipped while
 * its second page waits the two scans it is given to merge.
 */
static void reset_ksm(void)
{
	static const char *const defaults[][2] = {
		{ "run", "2" },
		{ "run", "0" },
		{ "sleep_millisecs", "20" },
		{ "pages_to_scan", "100" },
		{ "merge_across_nodes", "1" },
		{ "use_zero_pages", "0" },
		{ "max_page_sharing", "256" },
		{ "stable_node_chains_prune_millisecs", "2000" },
		{ "smart_scan", "0" },
	};
	char path[96];

	if (access(MM_KSM, F_OK))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		snprintf(path, sizeof(path), MM_KSM "%s", defaults[i][0]);
		write_str(path, defaults[i][1]);
	}
}

/*
 * What every program may need; each case does it again, so a case that
 * was killed halfway cannot leave its settings to the next one.
 */
static void mm_prepare(struct test_ctx *t, const struct mm_test *mt)
{
	long huge = agent_param_long("mm_hugepages", MM_DEFAULT_HUGEPAGES);
	long gigantic = agent_param_long("mm_gigantic", MM_DEFAULT_GIGANTIC);
	struct stat st;

	mkdir("/dev/pts", 0755);
	if (stat("/dev/pts/ptmx", &st))
		mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		      "ptmxmode=0666,mode=0620");
	mkdir("/mnt", 0755);
	mkdir(MM_HUGETLBFS, 0755);
	if (!is_hugetlbfs(MM_HUGETLBFS))
		mount("none", MM_HUGETLBFS, "hugetlbfs", 0, NULL);

	if (mt->flags & MM_SETTLE) {
		write_str("/proc/sys/vm/drop_caches", "3");
		write_str("/proc/sys/vm/compact_memory", "1");
	}
	t_int(t, "hugepages", reserve_huge(MM_HUGE_2M,
					   mt->flags & MM_ONE_HUGE ? 1 : huge));
	if (access(MM_HUGE_1G, F_OK) == 0)
		t_int(t, "gigantic", reserve_huge(MM_HUGE_1G, gigantic));

	/* the kernel's defaults, which the programs change and restore */
	write_str(MM_THP "enabled", "madvise");
	write_str(MM_THP "defrag", "madvise");
	write_str("/proc/sys/vm/overcommit_memory",
		  mt->flags & MM_OVERCOMMIT ? "1" : "0");
	/* hugepage-shm's limits, else the kernel's defaults (SHMMAX/SHMALL) */
	write_str("/proc/sys/kernel/shmmax",
		  mt->flags & MM_SHM ? "268435456" : MM_SHM_DEFAULT);
	write_str("/proc/sys/kernel/shmall",
		  mt->flags & MM_SHM ? "4194304" : MM_SHM_DEFAULT);
	write_str("/proc/sys/kernel/yama/ptrace_scope", "0");
	reset_ksm();
	t_str(t, "swap", setup_swap(agent_param_long("mm_swap_mib",
						     MM_DEFAULT_SWAP_MIB)));
}

/* ---- output parsing ---- */

struct mm_run {
	struct test_ctx *t;
	const struct mm_test *mt;
	bool echo;
	/* TAP */
	long plan;			/* -1: none seen */
	char plan_skip[160];		/* "1..0 # SKIP reason" */
	bool totals;
	long tot[6];			/* pass fail xfail xpass skip error */
	char label[MM_LINE_MAX];	/* last "[RUN] ..." since a result */
	/* the other formats: results are numbered as they come */
	char pending[MM_LINE_MAX];	/* uffd: "Testing X... " not finished */
	char block[MM_LINE_MAX];	/* khugepaged: the "Run test:" open */
	int block_result;		/* its worst step so far, -1: none */
	unsigned int steps;
	/* all formats */
	unsigned int cases, passed, failed, skipped;
	char diag[MM_DIAG_LINES][160];	/* last comment lines */
	unsigned int ndiag;
	uint64_t last_ns;
	/* line assembly */
	char line[MM_LINE_MAX];
	size_t len;
	bool in_escape;
};

static void add_diag(struct mm_run *r, const char *text)
{
	if (r->ndiag == MM_DIAG_LINES) {
		memmove(r->diag[0], r->diag[1],
			sizeof(r->diag[0]) * (MM_DIAG_LINES - 1));
		r->ndiag--;
	}
	snprintf(r->diag[r->ndiag++], sizeof(r->diag[0]), "%.*s",
		 (int)sizeof(r->diag[0]) - 1, text);
}

/*
 * A stable, readable case name out of a description: runs of anything
 * but letters, digits and a few marks become '_', hex numbers "0x" and
 * numbers of 6 digits or more "N".
 */
static void make_slug(const char *desc, char *slug, size_t size)
{
	const char *s = desc;
	size_t n = 0;

	while (*s && n + 2 < size && n < MM_SLUG_MAX) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		    isxdigit((unsigned char)s[2])) {
			s += 2;
			while (isxdigit((unsigned char)*s))
				s++;
			slug[n++] = '0';
			slug[n++] = 'x';
			continue;
		}
		if (isdigit((unsigned char)*s)) {
			size_t d = strspn(s, "0123456789");

			if (d >= 6) {
				slug[n++] = 'N';
				s += d;
				continue;
			}
			while (d-- && n + 1 < size && n < MM_SLUG_MAX)
				slug[n++] = *s++;
			continue;
		}
		if (isalnum((unsigned char)*s) || strchr("+=,.:()/%", *s)) {
			slug[n++] = *s++;
			continue;
		}
		if (n && slug[n - 1] != '_')
			slug[n++] = '_';
		s++;
	}
	while (n && (slug[n - 1] == '_' || slug[n - 1] == '.'))
		n--;
	slug[n] = '\0';
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * One result of the program: mmselftests.<case>.<num>-<slug of desc>,
 * with the line that gave it (and for a failure or skip the comment lines
 * before it) as the detail.
 */
static void emit_result(struct mm_run *r, unsigned long num, const char *desc,
			int result, const char *directive, const char *line)
{
	char name[192], slug[MM_SLUG_MAX + 8], detail[TEST_DETAIL_MAX];
	char fields[512];
	uint64_t now = now_ns_raw();
	struct json j;
	size_t off;

	make_slug(desc, slug, sizeof(slug));
	snprintf(name, sizeof(name), "mmselftests.%s.%03lu%s%s", r->mt->name,
		 num, slug[0] ? "-" : "", slug);

	off = snprintf(detail, sizeof(detail), "%s", line);
	if (result != RESULT_PASS)
		for (unsigned int i = 0; i < r->ndiag && off < sizeof(detail); i++)
			off += snprintf(detail + off, sizeof(detail) - off,
					" | %s", r->diag[i]);

	json_init_fragment(&j, fields, sizeof(fields));
	json_uint(&j, "tap", num);
	if (directive && directive[0])
		json_str(&j, "directive", directive);
	json_double(&j, "case_ms", ns_to_ms(now - r->last_ns));
	json_finish(&j);
	t_report(r->t, name, result, detail, fields, j.members);

	r->cases++;
	if (result == RESULT_PASS)
		r->passed++;
	else if (result == RESULT_SKIP)
		r->skipped++;
	else
		r->failed++;
	r->ndiag = 0;
	r->last_ns = now;
}

/* "ok N desc # DIRECTIVE reason" and "not ok ..." */
static void tap_result(struct mm_run *r, const char *line, bool ok,
		       const char *rest)
{
	char desc[MM_LINE_MAX], directive[16] = "";
	const char *hash, *reason = "";
	unsigned long num;
	int result;
	char *end;
	size_t off;

	num = strtoul(rest, &end, 10);
	if (end == rest)
		return;
	snprintf(desc, sizeof(desc), "%s", skip_space(end));
	hash = strstr(desc, "# ");
	if (hash) {
		const char *d = hash + 2;
		size_t len = strcspn(d, " ");

		if (len < sizeof(directive) &&
		    (!strncasecmp(d, "SKIP", 4) || !strncasecmp(d, "XFAIL", 5) ||
		     !strncasecmp(d, "XPASS", 5) || !strncasecmp(d, "TODO", 4) ||
		     !strncasecmp(d, "error", 5))) {
			memcpy(directive, d, len);
			directive[len] = '\0';
			reason = skip_space(d + len);
			desc[hash - desc] = '\0';
			for (off = strlen(desc); off && desc[off - 1] == ' '; off--)
				desc[off - 1] = '\0';
		}
	}

	if (!ok)
		result = RESULT_FAIL;
	else if (!strcasecmp(directive, "SKIP"))
		result = RESULT_SKIP;
	else
		result = RESULT_PASS;

	/* a [RUN] line names the test; else its description or skip reason */
	emit_result(r, num, r->label[0] ? r->label : desc[0] ? desc : reason,
		    result, directive, line);
	r->label[0] = '\0';
}

/* ---- uffd-unit-tests: "Testing <test> on <mem>... done" ---- */

static bool uffd_outcome(struct mm_run *r, const char *name, const char *out,
			 const char *line)
{
	int result;

	if (!strncmp(out, "done", 4))
		result = RESULT_PASS;
	else if (!strncmp(out, "skipped", 7))
		result = RESULT_SKIP;
	else if (!strncmp(out, "failed", 6))
		result = RESULT_FAIL;
	else
		return false;
	emit_result(r, r->steps + 1, name, result, NULL, line);
	r->steps++;
	return true;
}

static bool parse_uffd(struct mm_run *r, const char *line)
{
	const char *dots;

	if (!strncmp(line, "Testing ", 8)) {
		dots = strstr(line, "... ");
		if (!dots && (dots = strstr(line, "...")) && dots[3])
			dots = NULL;
		if (!dots)
			return false;
		snprintf(r->pending, sizeof(r->pending), "%.*s",
			 (int)(dots - line - 8), line + 8);
		if (uffd_outcome(r, r->pending, skip_space(dots + 3), line))
			r->pending[0] = '\0';
		return true;
	}
	/* the test printed lines of its own between start and outcome */
	if (r->pending[0] && uffd_outcome(r, r->pending, line, line)) {
		r->pending[0] = '\0';
		return true;
	}
	return false;
}

/* ---- khugepaged: "Run test: <t> (<ctx>:<ops>)", steps "...  OK" ---- */

static void khuge_close(struct mm_run *r, const char *line)
{
	if (r->block_result < 0)
		return;
	emit_result(r, r->steps + 1, r->block[0] ? r->block : "setup",
		    r->block_result, NULL, line);
	r->steps++;
	r->block_result = -1;
}

static bool parse_khuge(struct mm_run *r, const char *line)
{
	static const struct {
		const char *word;
		int result;
	} outcomes[] = {
		{ " OK", RESULT_PASS }, { " Skip", RESULT_SKIP },
		{ " Fail", RESULT_FAIL },
	};
	size_t len = strlen(line);

	if (!strncmp(line, "Run test: ", 10)) {
		khuge_close(r, r->block);
		snprintf(r->block, sizeof(r->block), "%s", line + 10);
		r->block_result = RESULT_PASS;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++) {
		size_t wlen = strlen(outcomes[i].word);
		int res = outcomes[i].result;

		if (len < wlen || strcmp(line + len - wlen, outcomes[i].word))
			continue;
		/* the settings steps outside a test: a "setup" block */
		if (r->block_result < 0)
			r->block_result = RESULT_PASS;
		if (res == RESULT_FAIL ||
		    (res == RESULT_SKIP && r->block_result == RESULT_PASS))
			r->block_result = res;
		if (res != RESULT_PASS)
			add_diag(r, line);
		return true;
	}
	return false;
}

static void parse_line(struct mm_run *r, const char *line)
{
	static const char *const keys[6] = {
		"pass:", "fail:", "xfail:", "xpass:", "skip:", "error:",
	};
	const char *p;

	if (!strncmp(line, "ok ", 3)) {
		tap_result(r, line, true, line + 3);
		return;
	}
	if (!strncmp(line, "not ok ", 7)) {
		tap_result(r, line, false, line + 7);
		return;
	}
	if (!strncmp(line, "1..", 3)) {
		r->plan = strtol(line + 3, NULL, 10);
		p = strstr(line, "# SKIP");
		if (p)
			snprintf(r->plan_skip, sizeof(r->plan_skip), "%s",
				 skip_space(p + 6));
		return;
	}
	if ((r->mt->flags & MM_FMT_UFFD) && parse_uffd(r, line))
		return;
	if ((r->mt->flags & MM_FMT_KHUGE) && parse_khuge(r, line))
		return;
	if (line[0] != '#') {
		if (*skip_space(line) && strncmp(line, "TAP version", 11))
			add_diag(r, line);
		return;
	}

	p = skip_space(line + 1);
	/*
	 * thuge-gen prints "# 2MB: " and system("cat ...free_hugepages")
	 * before each result; without a shell the result ends up on that line
	 */
	if ((r->mt->flags & MM_FMT_GLUED) && strstr(p, ": ok ")) {
		parse_line(r, strstr(p, ": ok ") + 2);
		return;
	}
	if ((r->mt->flags & MM_FMT_GLUED) && strstr(p, ": not ok ")) {
		parse_line(r, strstr(p, ": not ok ") + 2);
		return;
	}
	if (!strncmp(p, "Totals:", 7)) {
		r->totals = true;
		for (int i = 0; i < 6; i++) {
			const char *k = strstr(p, keys[i]);

			/* "pass:" must not match inside "xpass:" */
			while (k && k > p && k[-1] != ' ')
				k = strstr(k + 1, keys[i]);
			r->tot[i] = k ? strtol(k + strlen(keys[i]), NULL, 10) : -1;
		}
		return;
	}
	/* cow, gup_longterm, ...: "# [RUN] test" before each result */
	if (!strncmp(p, "[RUN]", 5)) {
		snprintf(r->label, sizeof(r->label), "%s", skip_space(p + 5));
		return;
	}
	if (*p)
		add_diag(r, p);
}

static void echo_line(struct mm_run *r, const char *line)
{
	char buf[MM_LINE_MAX + 64];
	int n;

	if (!r->echo)
		return;
	n = snprintf(buf, sizeof(buf), "[mm %s] %s\n", r->mt->name, line);
	if (n > (int)sizeof(buf) - 1) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	write_full(STDOUT_FILENO, buf, n);
}

/* Split the output into lines, without CRs and terminal escapes (colours). */
static void feed(struct mm_run *r, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (r->in_escape) {
			/* ESC [ parameters, ended by a letter */
			if (isalpha((unsigned char)c))
				r->in_escape = false;
			continue;
		}
		if (c == '\033') {
			r->in_escape = true;
			continue;
		}
		if (c == '\r')
			continue;
		if (c != '\n') {
			/* an overlong line: the rest of it is dropped */
			if (r->len + 1 < sizeof(r->line))
				r->line[r->len++] = c;
			continue;
		}
		r->line[r->len] = '\0';
		echo_line(r, r->line);
		parse_line(r, r->line);
		r->len = 0;
	}
}

static void feed_end(struct mm_run *r)
{
	if (r->len)
		feed(r, "\n", 1);
	if (r->mt->flags & MM_FMT_KHUGE)
		khuge_close(r, r->block);
	if (r->pending[0]) {
		add_diag(r, "no outcome: the program ended");
		emit_result(r, r->steps + 1, r->pending, RESULT_FAIL, NULL,
			    r->pending);
	}
}

/* ---- running one program ---- */

/* A pty, so the program's stdio is line buffered as on a terminal. */
static int open_pty(int *slave)
{
	struct termios tio;
	int master, fd;
	char *name;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (grantpt(master) || unlockpt(master) || !(name = ptsname(master))) {
		close(master);
		return -errno;
	}
	fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		close(master);
		return -errno;
	}
	if (!tcgetattr(fd, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(fd, TCSANOW, &tio);
	}
	*slave = fd;
	return master;
}

static void exec_program(const struct mm_test *mt, const char *dir,
			 char *const argv[], int out)
{
	int in = open("/dev/null", O_RDONLY);
	char path[256];

	setpgid(0, 0);
	if (in >= 0)
		dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	if (chdir(dir))
		dprintf(out, "mmselftests: chdir %s: %s\n", dir, strerror(errno));
	if (mt->flags & MM_NOBODY) {
		if (setgroups(0, NULL) || setgid(MM_NOBODY_ID) ||
		    setuid(MM_NOBODY_ID)) {
			dprintf(out, "mmselftests: cannot become nobody: %s\n",
				strerror(errno));
			_exit(126);
		}
	}
	snprintf(path, sizeof(path), "%s/%s", dir, mt->bin);
	execv(path, argv);
	dprintf(out, "mmselftests: exec %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* waitpid() for at most ms: a task stuck in the kernel ignores SIGKILL */
static bool reap_within(pid_t pid, int *status, unsigned int ms)
{
	for (unsigned int waited = 0; waited <= ms; waited += 50) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

static void build_argv(const struct mm_test *mt, char *argv[])
{
	unsigned int i;

	argv[0] = (char *)mt->bin;
	for (i = 0; i < MM_MAX_ARGS && mt->args[i]; i++)
		argv[i + 1] = (char *)mt->args[i];
	argv[i + 1] = NULL;
}

static double budget_scale(void)
{
	const char *s = agent_param("mm_scale");
	double f = s ? strtod(s, NULL) : 1.0;

	return f > 0 ? f : 1.0;
}

static const struct mm_test *find_test(const char *case_name)
{
	const char *dot = strchr(case_name, '.');
	size_t i;

	for (i = 0; dot && i < ARRAY_SIZE(mm_tests); i++)
		if (!strcmp(mm_tests[i].name, dot + 1))
			return &mm_tests[i];
	return NULL;
}

static int mm_run_case(struct test_ctx *t)
{
	const struct mm_test *mt = find_test(t->name);
	const char *dir = agent_param("mm_dir") ? agent_param("mm_dir") : MM_DIR;
	char *argv[MM_MAX_ARGS + 2];
	char path[256], how[96], counts[160];
	const char *last;
	uint64_t start, deadline, budget_ns;
	int master, slave = -1, status = 0;
	static struct mm_run r;
	bool exited = false, timed_out = false, eof = false, stuck = false;
	pid_t pid;

	if (!mt)
		return t_fail(t, "no invocation for %s", t->name);
	if (mt->excluded)
		return t_skip(t, "excluded: %s", mt->excluded);
	if (list_has(agent_param("mm_skip"), ",", mt->name))
		return t_skip(t, "in agent.mm_skip");
	if ((mt->flags & MM_LONG) && agent_param_long("mm_long", 0) != 1)
		return t_skip(t, "long (agent.mm_long=1 runs it): %s",
			      mt->why_long);
	snprintf(path, sizeof(path), "%s/%s", dir, mt->bin);
	if (access(path, X_OK))
		return t_skip(t, "%s: %s (boot initramfs-mm.cpio)", path,
			      strerror(errno));

	if (agent_param_long("mm_prepare", 1))
		mm_prepare(t, mt);
	build_argv(mt, argv);

	memset(&r, 0, sizeof(r));
	r.t = t;
	r.mt = mt;
	r.plan = -1;
	r.block_result = -1;
	r.echo = agent_param_long("mm_echo", 1) != 0;

	master = open_pty(&slave);
	if (master < 0) {
		int fds[2];

		/* no devpts: a pipe (the program's output is then block buffered) */
		if (pipe2(fds, O_CLOEXEC))
			return t_fail(t, "pty: %s, pipe: %s", strerror(-master),
				      strerror(errno));
		master = fds[0];
		slave = fds[1];
		t_str(t, "output", "pipe");
	}

	budget_ns = (uint64_t)(mt->budget_s * budget_scale() * 1e9);
	start = now_ns_raw();
	r.last_ns = start;
	deadline = start + budget_ns;
	pid = fork();
	if (pid < 0) {
		close(master);
		close(slave);
		return t_fail(t, "fork: %s", strerror(errno));
	}
	if (pid == 0)
		exec_program(mt, dir, argv, slave);
	setpgid(pid, pid);
	close(slave);

	while (!exited || !eof) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		uint64_t now = now_ns_raw();
		char buf[4096];
		ssize_t n;
		pid_t w;

		if (!exited) {
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid) {
				exited = true;
				/* its leftovers would keep the pty open */
				kill(-pid, SIGKILL);
			}
		}
		if (!exited && now >= deadline) {
			timed_out = true;
			kill(-pid, SIGKILL);
			stuck = !reap_within(pid, &status, MM_KILL_WAIT_MS);
			exited = true;
		}
		if (eof)
			continue;
		if (poll(&pfd, 1, exited ? 100 : 200) <= 0) {
			/* after the exit, a quiet pty means all output is in */
			if (exited)
				eof = true;
			continue;
		}
		n = read(master, buf, sizeof(buf));
		if (n > 0)
			feed(&r, buf, n);
		else if (n == 0 || errno != EINTR)
			eof = true;	/* EIO: every writer is gone */
	}
	close(master);
	feed_end(&r);

	if (mt->args[0]) {
		char args[256];
		size_t off = 0;

		args[0] = '\0';
		for (unsigned int i = 1; argv[i] && off < sizeof(args); i++)
			off += snprintf(args + off, sizeof(args) - off, "%s%s",
					i > 1 ? " " : "", argv[i]);
		t_str(t, "argv", args);
	}
	t_uint(t, "cases", r.cases);
	t_uint(t, "passed", r.passed);
	t_uint(t, "failed", r.failed);
	t_uint(t, "skipped", r.skipped);
	if (r.plan >= 0)
		t_int(t, "plan", r.plan);
	if (r.totals) {
		static const char *const names[6] = {
			"tot_pass", "tot_fail", "tot_xfail", "tot_xpass",
			"tot_skip", "tot_error",
		};

		for (int i = 0; i < 6; i++)
			t_int(t, names[i], r.tot[i]);
	}
	t_double(t, "budget_s", mt->budget_s * budget_scale());

	snprintf(counts, sizeof(counts), "%u cases: %u passed, %u failed, %u skipped%s",
		 r.cases, r.passed, r.failed, r.skipped,
		 r.plan > (long)r.cases ? " (fewer than planned)" : "");
	if (stuck)
		return t_fail(t, "timeout: killed after %.0f s, still there %u s "
			      "later (stuck in the kernel); %s",
			      mt->budget_s * budget_scale(),
			      MM_KILL_WAIT_MS / 1000, counts);
	if (timed_out && (mt->flags & MM_TIMEBOX) && !r.failed)
		return t_pass(t, "time-boxed: ran its %.0f s without failing, "
			      "killed; %s", mt->budget_s * budget_scale(),
			      counts);
	if (timed_out)
		return t_fail(t, "timeout: killed after %.0f s; %s",
			      mt->budget_s * budget_scale(), counts);
	describe_status(status, how, sizeof(how));
	t_str(t, "status", how);
	/* the last thing the program said, e.g. why it skipped */
	last = r.plan_skip[0] ? r.plan_skip : r.ndiag ? r.diag[r.ndiag - 1] : "";
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return t_pass(t, "%s; %s", how, counts);
	/* khugepaged exits with its number of failures, 4 is no skip there */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 4 &&
	    !((mt->flags & MM_FMT_KHUGE) && r.cases))
		return t_skip(t, "%s%s%s; %s", how, last[0] ? ": " : "", last,
			      counts);
	return t_fail(t, "%s%s%s; %s", how, last[0] ? ": " : "", last, counts);
}

#define MM_CASE(n)	{ n, mm_run_case }

static const struct agent_case mmselftests_cases[] = {
	MM_CASE("hugepage-mmap"),
	MM_CASE("hugepage-shm"),
	MM_CASE("map_hugetlb"),
	MM_CASE("hugepage-mremap"),
	MM_CASE("hugepage-vmemmap"),
	MM_CASE("hugetlb-madvise"),
	MM_CASE("hugetlb_dio"),
	MM_CASE("hugetlb_fault_after_madv"),
	MM_CASE("hugetlb_madv_vs_map"),
	MM_CASE("map_fixed_noreplace"),
	MM_CASE("gup_test-u"),
	MM_CASE("gup_test-a"),
	MM_CASE("gup_test-ct"),
	MM_CASE("gup_longterm"),
	MM_CASE("uffd-unit-tests-register"),
	MM_CASE("uffd-unit-tests-zeropage"),
	MM_CASE("uffd-unit-tests-move"),
	MM_CASE("uffd-unit-tests-wp"),
	MM_CASE("uffd-unit-tests-minor"),
	MM_CASE("uffd-unit-tests-sigbus"),
	MM_CASE("uffd-unit-tests-events"),
	MM_CASE("uffd-unit-tests-poison"),
	MM_CASE("uffd-stress-anon"),
	MM_CASE("uffd-stress-hugetlb"),
	MM_CASE("uffd-stress-hugetlb-private"),
	MM_CASE("uffd-stress-shmem"),
	MM_CASE("uffd-stress-shmem-private"),
	MM_CASE("compaction_test"),
	MM_CASE("on-fault-limit"),
	MM_CASE("map_populate"),
	MM_CASE("mlock-random-test"),
	MM_CASE("mlock2-tests"),
	MM_CASE("mrelease_test"),
	MM_CASE("mremap_test"),
	MM_CASE("thuge-gen"),
	MM_CASE("hugetlb-soft-offline"),
	MM_CASE("hugetlb-read-hwpoison"),
	MM_CASE("virtual_address_range"),
	MM_CASE("va_high_addr_switch"),
	MM_CASE("mremap_dontunmap"),
	MM_CASE("hmm-tests"),
	MM_CASE("madv_populate"),
	MM_CASE("memfd_secret"),
	MM_CASE("ksm_tests-H"),
	MM_CASE("ksm_tests-P"),
	MM_CASE("ksm_tests-M"),
	MM_CASE("ksm_tests-U"),
	MM_CASE("ksm_tests-Z0"),
	MM_CASE("ksm_tests-Z1"),
	MM_CASE("ksm_tests-N1"),
	MM_CASE("ksm_tests-N0"),
	MM_CASE("ksm_functional_tests"),
	MM_CASE("soft-dirty"),
	MM_CASE("pagemap_ioctl"),
	MM_CASE("cow"),
	MM_CASE("khugepaged"),
	MM_CASE("khugepaged-s2"),
	MM_CASE("transhuge-stress"),
	MM_CASE("split_huge_page_test"),
	MM_CASE("migration"),
	MM_CASE("mkdirty"),
	MM_CASE("mdwe_test"),
	MM_CASE("mseal_test"),
	MM_CASE("seal_elf"),
	MM_CASE("droppable"),
	MM_CASE("write_to_hugetlbfs"),
};

_Static_assert(ARRAY_SIZE(mmselftests_cases) == ARRAY_SIZE(mm_tests),
	       "one agent case per mm_tests entry");

const struct agent_group mmselftests_group = {
	.name = "mmselftests",
	.desc = "Linux's mm selftests from initramfs-mm.cpio (not part of \"all\")",
	.cases = mmselftests_cases,
	.ncases = ARRAY_SIZE(mmselftests_cases),
	.manual = true,
};
