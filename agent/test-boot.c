// SPDX-License-Identifier: GPL-2.0
/*
 * boot: the kernel came up as configured.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <time.h>

#include "agent.h"

static int boot_cpus(struct test_ctx *t)
{
	long expected = agent_param_long("cpus", -1);
	cpu_set_t online, affinity;
	int n, naff;

	n = online_cpus(&online);
	if (n < 0)
		return t_fail(t, "cannot read online CPUs: %s", strerror(-n));
	t_int(t, "online", n);

	if (sched_getaffinity(0, sizeof(affinity), &affinity))
		return t_fail(t, "sched_getaffinity: %s", strerror(errno));
	naff = CPU_COUNT(&affinity);
	if (naff != n)
		return t_fail(t, "%d online but %d usable by sched_getaffinity",
			      n, naff);

	if (expected < 0)
		return t_skip(t, "%d online (agent.cpus not given)", n);
	t_int(t, "expected", expected);
	if (n != expected)
		return t_fail(t, "%d online, expected %ld", n, expected);
	return t_pass(t, "%d online", n);
}

static int boot_uname(struct test_ctx *t)
{
	struct utsname u;
	char next;

	if (uname(&u))
		return t_fail(t, "uname: %s", strerror(errno));
	t_str(t, "release", u.release);
	t_str(t, "machine", u.machine);

	next = u.release[4];
	if (strncmp(u.release, "6.12", 4) ||
	    (next && next != '.' && next != '-' && next != '+'))
		return t_fail(t, "release %s is not 6.12", u.release);
	return t_pass(t, "%s %s", u.release, u.machine);
}

/* "key\t: value" lines of /proc/cpuinfo: the value, or NULL */
static const char *cpuinfo_value(const char *line, const char *key)
{
	size_t len = strlen(key);

	/* "hart" must not match "hart isa" */
	if (strncmp(line, key, len))
		return NULL;
	line += len;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != ':')
		return NULL;
	line++;
	while (*line == ' ')
		line++;
	return line;
}

static int boot_cpuinfo(struct test_ctx *t)
{
	static char buf[64 * KIB];
	cpu_set_t online, listed;
	char mmu[32] = "";
	long max_hartid = -1;
	int n, nproc = 0;
	char *line, *save;
	ssize_t len;

	n = online_cpus(&online);
	if (n < 0)
		return t_fail(t, "cannot read online CPUs: %s", strerror(-n));
	len = read_text("/proc/cpuinfo", buf, sizeof(buf));
	if (len < 0)
		return t_fail(t, "/proc/cpuinfo: %s", strerror(-len));

	CPU_ZERO(&listed);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *v;

		v = cpuinfo_value(line, "processor");
		if (v) {
			long cpu = strtol(v, NULL, 10);

			nproc++;
			if (cpu >= 0 && cpu < CPU_SETSIZE)
				CPU_SET(cpu, &listed);
			continue;
		}
		v = cpuinfo_value(line, "mmu");
		if (v && !mmu[0])
			snprintf(mmu, sizeof(mmu), "%s", v);
		/* The largest hart id Linux runs (ids may be sparse) */
		v = cpuinfo_value(line, "hart");
		if (v && strtol(v, NULL, 10) > max_hartid)
			max_hartid = strtol(v, NULL, 10);
	}

	t_int(t, "harts", nproc);
	t_int(t, "max_hartid", max_hartid);
	if (mmu[0])
		t_str(t, "mmu", mmu);
	if (nproc != n)
		return t_fail(t, "/proc/cpuinfo lists %d harts, %d online",
			      nproc, n);
	if (!CPU_EQUAL(&listed, &online))
		return t_fail(t, "/proc/cpuinfo processors differ from the online set");
	return t_pass(t, "%d harts%s%s", nproc, mmu[0] ? ", mmu " : "", mmu);
}

/* a "Key:   123 kB" value of /proc/meminfo, or -1 */
static long long meminfo_kb(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, len) && p[len] == ':')
			return strtoll(p + len + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static int boot_meminfo(struct test_ctx *t)
{
	long long total, avail;
	char buf[8 * KIB];
	ssize_t len;

	len = read_text("/proc/meminfo", buf, sizeof(buf));
	if (len < 0)
		return t_fail(t, "/proc/meminfo: %s", strerror(-len));

	total = meminfo_kb(buf, "MemTotal");
	avail = meminfo_kb(buf, "MemFree");
	t_int(t, "memtotal_kb", total);
	t_int(t, "memfree_kb", avail);
	if (total <= 0)
		return t_fail(t, "MemTotal is %lld kB", total);
	if (avail < 0 || avail > total)
		return t_fail(t, "MemFree %lld kB vs MemTotal %lld kB",
			      avail, total);
	return t_pass(t, "MemTotal %lld kB, MemFree %lld kB", total, avail);
}

static sigjmp_buf clock_jmp;
static void *clock_fault_pc;

static void clock_sigill(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	clock_fault_pc = si->si_addr;
	siglongjmp(clock_jmp, 1);
}

/*
 * The vDSO clock (rdtime in U-mode) works, is monotonic and agrees with
 * the clock_gettime system call.
 */
static int boot_clock(struct test_ctx *t)
{
	struct timespec nap = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };
	uint64_t a, b, v1, v2, start;
	struct sigaction sa;
	unsigned int i, loops = 1000;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = clock_sigill;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, NULL);
	if (sigsetjmp(clock_jmp, 1))
		return t_fail(t, "vDSO clock_gettime: SIGILL at %p (U-mode cannot read the time CSR: %s)",
			      clock_fault_pc, "mcounteren/scounteren.TM?");

	a = now_ns_raw();
	v1 = now_ns();
	nanosleep(&nap, NULL);
	v2 = now_ns();
	b = now_ns_raw();

	if (v1 < a || v2 < v1 || b < v2)
		return t_fail(t, "clocks out of order: syscall %llu, vDSO %llu, %llu, syscall %llu",
			      (unsigned long long)a, (unsigned long long)v1,
			      (unsigned long long)v2, (unsigned long long)b);
	if (v2 - v1 < (uint64_t)nap.tv_nsec)
		return t_fail(t, "slept 20 ms, vDSO clock advanced %llu ns",
			      (unsigned long long)(v2 - v1));

	start = now_ns_raw();
	for (i = 0; i < loops; i++)
		now_ns();
	t_double(t, "vdso_ns", (double)(now_ns_raw() - start) / loops);
	start = now_ns_raw();
	for (i = 0; i < loops; i++)
		now_ns_raw();
	t_double(t, "syscall_ns", (double)(now_ns_raw() - start) / loops);
	return t_pass(t, "vDSO and syscall clocks agree, 20 ms sleep took %.1f ms",
		      ns_to_ms(v2 - v1));
}

#define EFIVARS "/sys/firmware/efi/efivars"

/*
 * Booted through EFI: the runtime services work. Mounting efivarfs
 * enumerates the variables and reading one calls GetVariable, each call
 * on efi_mm (with pvmmu: a root from the pool, loaded through the
 * firmware's satp control, tables written through the ops).
 */
static int boot_efi(struct test_ctx *t)
{
	unsigned int names = 0, read_ok = 0;
	char path[512], buf[256];
	struct dirent *de;
	DIR *dir;
	int fd;

	if (access("/sys/firmware/efi", F_OK))
		return t_skip(t, "not booted through EFI");
	if (access(EFIVARS, F_OK))
		return t_skip(t, "EFI without variable runtime services");
	if (mount("efivarfs", EFIVARS, "efivarfs", MS_RDONLY, NULL) &&
	    errno != EBUSY)
		return t_fail(t, "mount efivarfs: %s", strerror(errno));
	dir = opendir(EFIVARS);
	if (!dir)
		return t_fail(t, "opendir %s: %s", EFIVARS, strerror(errno));
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		names++;
		snprintf(path, sizeof(path), EFIVARS "/%s", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		if (read(fd, buf, sizeof(buf)) > 0)
			read_ok++;
		close(fd);
	}
	closedir(dir);
	umount(EFIVARS);
	t_int(t, "variables", names);
	t_int(t, "read", read_ok);
	if (names && !read_ok)
		return t_fail(t, "%u variables listed, none could be read", names);
	return t_pass(t, "runtime services: %u variables listed, %u read",
		      names, read_ok);
}

#define MODULE_KO	"/lib/modules/rng-core.ko"
#define MODULE_NAME	"rng_core"

/* Is the module listed in /proc/modules?  1, 0, or -errno. */
static int module_listed(void)
{
	static char buf[16384];
	ssize_t n = read_text("/proc/modules", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return !strncmp(buf, MODULE_NAME " ", strlen(MODULE_NAME " ")) ||
	       strstr(buf, "\n" MODULE_NAME " ") != NULL;
}

/*
 * A module loaded and unloaded: its text and data come from execmem and
 * are made read-only and executable with set_memory_*() (under pvmmu,
 * through the firmware, which keeps them W^X), then given back.
 */
static int boot_module(struct test_ctx *t)
{
	int fd, listed;

	fd = open(MODULE_KO, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return t_skip(t, "%s: %s (initramfs without modules)", MODULE_KO,
			      strerror(errno));
	if (syscall(SYS_finit_module, fd, "", 0)) {
		int err = errno;

		close(fd);
		if (err == ENOSYS)
			return t_skip(t, "kernel without module support");
		return t_fail(t, "finit_module %s: %s", MODULE_KO, strerror(err));
	}
	close(fd);
	listed = module_listed();
	if (listed != 1)
		return t_fail(t, "%s loaded but not in /proc/modules (%d)",
			      MODULE_NAME, listed);
	if (syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK))
		return t_fail(t, "delete_module %s: %s", MODULE_NAME,
			      strerror(errno));
	listed = module_listed();
	if (listed != 0)
		return t_fail(t, "%s still in /proc/modules after unloading (%d)",
			      MODULE_NAME, listed);
	return t_pass(t, "%s loaded and unloaded", MODULE_NAME);
}

/* Send one datagram through the pair; 1 if it arrived, 0 if dropped. */
static int datagram_passes(int sv[2])
{
	char c = 'x', r;

	if (send(sv[0], &c, 1, 0) != 1)
		return -errno;
	if (recv(sv[1], &r, 1, MSG_DONTWAIT) == 1)
		return 1;
	return errno == EAGAIN ? 0 : -errno;
}

static int attach_ret(int fd, unsigned int ret)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, ret);
	struct sock_fprog prog = { .len = 1, .filter = &insn };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

#define BPF_JIT_ENABLE	"/proc/sys/net/core/bpf_jit_enable"

/*
 * Socket filters run: with the BPF JIT on, each is compiled into an
 * executable image (a pack in the module area, written through a
 * writable alias, then read-only and executable).
 */
static int boot_bpf_jit(struct test_ctx *t)
{
	char jit[16] = "";
	int sv[2], pass, drop;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return t_skip(t, "no AF_UNIX sockets: %s", strerror(errno));
	/* On where the kernel has a JIT (it is off by default here) */
	write_str(BPF_JIT_ENABLE, "1");
	if (read_text(BPF_JIT_ENABLE, jit, sizeof(jit)) < 0)
		strcpy(jit, "-");
	jit[strcspn(jit, "\n")] = '\0';
	if (attach_ret(sv[1], 0xffff)) {
		close(sv[0]);
		close(sv[1]);
		return t_skip(t, "SO_ATTACH_FILTER: %s", strerror(errno));
	}
	pass = datagram_passes(sv);
	drop = attach_ret(sv[1], 0) ? -errno : datagram_passes(sv);
	close(sv[0]);
	close(sv[1]);
	t_str(t, "bpf_jit_enable", jit);
	if (pass != 1 || drop != 0)
		return t_fail(t, "accept-all filter: %d, drop-all filter: %d (want 1, 0)",
			      pass, drop);
	return t_pass(t, "socket filters accept and drop (bpf_jit_enable=%s)", jit);
}

static const struct agent_case boot_cases[] = {
	{ "cpus", boot_cpus },
	{ "uname", boot_uname },
	{ "cpuinfo", boot_cpuinfo },
	{ "meminfo", boot_meminfo },
	{ "clock", boot_clock },
	{ "efi", boot_efi },
	{ "module", boot_module },
	{ "bpf_jit", boot_bpf_jit },
};

AGENT_GROUP(boot_group, "boot", "kernel came up as configured", boot_cases);
