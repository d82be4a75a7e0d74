// SPDX-License-Identifier: GPL-2.0
/*
 * vm: process and address space operations that go through the page
 * table backend: fork/exec, anonymous memory, protection changes, mremap,
 * munmap, copy-on-write and shared mappings.
 *
 * Parameters: agent.tmpdir=DIR (shared file test directory, default /tmp).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

#define VM_SIZE			(16 * MIB)
#define VM_SEED			0xa11ce00000000000ULL
#define VM_SEED2		0xb0b0000000000000ULL
#define VM_EXEC_LOOPS		16
#define VM_HELPER_BYTES		(4 * MIB)
#define VM_FILE_SIZE		(4 * MIB)
#define TMPFS_MAGIC_VALUE	0x01021994

/* word index of a byte offset, for pattern_*_from() */
#define WORD(off)		((off) / 8)

static int expect_fault(struct test_ctx *t, void *addr, enum probe_mode mode,
			int code, const char *what)
{
	const char *op = mode == PROBE_WRITE ? "write" : "read";
	struct fault_info fi;
	char desc[96];
	int err;

	err = probe_access(addr, mode, &fi);
	if (err)
		return t_fail(t, "%s: %s probe at %p failed: %s", what, op,
			      addr, strerror(-err));
	if (!code && !fi.signo)
		return 0;
	if (code && fi.signo == SIGSEGV && fi.code == code &&
	    fi.addr == (uintptr_t)addr)
		return 0;
	return t_fail(t, "%s: %s at %p: %s (expected %s)", what, op, addr,
		      fault_name(&fi, desc, sizeof(desc)),
		      !code ? "no fault" :
		      code == SEGV_ACCERR ? "SEGV_ACCERR" : "SEGV_MAPERR");
}

static int expect_pattern(struct test_ctx *t, const void *buf, size_t len,
			  uint64_t seed, size_t first, const char *what)
{
	long long bad = pattern_check_from(buf, len, seed, first);

	if (bad < 0)
		return 0;
	return t_fail(t, "%s: data mismatch at offset %lld of %zu", what, bad,
		      len);
}

/* [addr, addr + len) must be unmapped: mincore() says so, a read faults */
static int expect_unmapped(struct test_ctx *t, void *addr, size_t len,
			   const char *what)
{
	uintptr_t start = (uintptr_t)addr & ~(page_size() - 1);
	long r = resident_pages((void *)start, (uintptr_t)addr + len - start);

	if (r == -ENOMEM)
		return expect_fault(t, addr, PROBE_READ, SEGV_MAPERR, what);
	if (r < 0)
		return t_fail(t, "%s: mincore: %s", what, strerror(-r));
	return t_fail(t, "%s: %p+%zu still mapped (%ld resident)", what, addr,
		      len, r);
}

/* ---- vm.fork_exec ---- */

/*
 * fork + execve(agent_self(), argv) with stdout on out_fd (if >= 0).
 * Returns the pid, or -errno if fork or execve failed.
 */
static pid_t spawn_helper(char *const argv[], int out_fd, const char *token)
{
	char env[96];
	char *envp[] = { env, NULL };
	int err_pipe[2], err = 0;
	ssize_t n;
	pid_t pid;

	snprintf(env, sizeof(env), "PVMMU_TOKEN=%s", token);
	/* close-on-exec: EOF on success, errno if execve fails */
	if (pipe2(err_pipe, O_CLOEXEC))
		return -errno;

	pid = fork();
	if (pid == 0) {
		close(err_pipe[0]);
		if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
			err = errno;
		else
			execve(agent_self(), argv, envp);
		if (!err)
			err = errno;
		write_full(err_pipe[1], &err, sizeof(err));
		_exit(127);
	}
	if (pid < 0)
		err = errno;
	close(err_pipe[1]);
	if (pid > 0) {
		n = read_full(err_pipe[0], &err, sizeof(err));
		if (n == sizeof(err))
			wait_pid(pid, NULL);
		else
			err = 0;
	}
	close(err_pipe[0]);
	return err ? -err : pid;
}

static int vm_fork_exec(struct test_ctx *t)
{
	char code[16], seed_s[32], bytes_s[32], token[64], out[128], how[96];
	char *exit_argv[] = { (char *)agent_self(), "--helper", "exit", code,
			      NULL };
	char *pat_argv[] = { (char *)agent_self(), "--helper", "pattern",
			     seed_s, bytes_s, NULL };
	unsigned long long got_csum;
	char got_token[64];
	uint64_t start, expect;
	int i, status, fds[2];
	void *buf;
	ssize_t n;
	pid_t pid;

	snprintf(token, sizeof(token), "tok-%d-%llu", getpid(),
		 (unsigned long long)now_ns());

	/* a batch of fork + exec + exit(code) round trips */
	start = now_ns();
	for (i = 0; i < VM_EXEC_LOOPS; i++) {
		snprintf(code, sizeof(code), "%d", 40 + i);
		pid = spawn_helper(exit_argv, -1, token);
		if (pid < 0)
			return t_fail(t, "fork+exec %s: %s", agent_self(),
				      strerror(-pid));
		if (wait_pid(pid, &status))
			return t_fail(t, "waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 40 + i)
			return t_fail(t, "exec %s --helper exit %d: %s",
				      agent_self(), 40 + i,
				      describe_status(status, how,
						      sizeof(how)));
	}
	t_double(t, "fork_exec_us",
		 ns_to_ms(now_ns() - start) * 1000.0 / VM_EXEC_LOOPS);

	/* the exec'd process builds a pattern; compare with ours */
	snprintf(seed_s, sizeof(seed_s), "0x%llx",
		 (unsigned long long)VM_SEED);
	snprintf(bytes_s, sizeof(bytes_s), "%lu", VM_HELPER_BYTES);
	if (pipe(fds))
		return t_fail(t, "pipe: %s", strerror(errno));
	pid = spawn_helper(pat_argv, fds[1], token);
	if (pid < 0)
		return t_fail(t, "fork+exec %s: %s", agent_self(),
			      strerror(-pid));
	close(fds[1]);
	n = read_full(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	if (wait_pid(pid, &status))
		return t_fail(t, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return t_fail(t, "helper pattern: %s",
			      describe_status(status, how, sizeof(how)));
	if (n <= 0)
		return t_fail(t, "helper pattern: no output");
	out[n] = '\0';
	if (sscanf(out, "%llx %63s", &got_csum, got_token) != 2)
		return t_fail(t, "helper pattern: bad output '%s'", out);

	buf = map_anon(VM_HELPER_BYTES);
	if (!buf)
		return t_fail(t, "mmap: %s", strerror(errno));
	pattern_fill(buf, VM_HELPER_BYTES, VM_SEED);
	expect = csum64(buf, VM_HELPER_BYTES);
	munmap(buf, VM_HELPER_BYTES);

	if (got_csum != expect)
		return t_fail(t, "helper csum %016llx, expected %016llx",
			      got_csum, (unsigned long long)expect);
	if (strcmp(got_token, token))
		return t_fail(t, "helper saw environment '%s', expected '%s'",
			      got_token, token);
	return t_pass(t, "%d exec round trips, exec'd pattern csum matches",
		      VM_EXEC_LOOPS);
}

/* ---- vm.anon ---- */

static int vm_anon(struct test_ctx *t)
{
	size_t npages = VM_SIZE / page_size();
	uint64_t start, c1, c2;
	unsigned char *p;
	long long bad;
	long res;
	int ret;

	p = map_anon(VM_SIZE);
	if (!p)
		return t_fail(t, "mmap %lu: %s", VM_SIZE, strerror(errno));

	/* untouched anonymous memory reads as zeroes */
	bad = first_nonzero(p, VM_SIZE);
	if (bad >= 0)
		return t_fail(t, "fresh mapping non-zero at offset %lld", bad);

	start = now_ns();
	pattern_fill(p, VM_SIZE, VM_SEED);
	t_double(t, "fill_ms", ns_to_ms(now_ns() - start));

	res = resident_pages(p, VM_SIZE);
	if (res != (long)npages)
		return t_fail(t, "%ld of %zu pages resident after touching",
			      res, npages);

	start = now_ns();
	c1 = csum64(p, VM_SIZE);
	t_double(t, "csum_ms", ns_to_ms(now_ns() - start));
	c2 = csum64(p, VM_SIZE);
	t_hex(t, "csum", c1);
	if (c1 != c2)
		return t_fail(t, "checksum changed: %016llx then %016llx",
			      (unsigned long long)c1, (unsigned long long)c2);
	ret = expect_pattern(t, p, VM_SIZE, VM_SEED, 0, "anon");
	if (ret)
		return ret;

	if (munmap(p, VM_SIZE))
		return t_fail(t, "munmap: %s", strerror(errno));
	ret = expect_unmapped(t, p, VM_SIZE, "after munmap");
	if (ret)
		return ret;

	t_uint(t, "pages", npages);
	return t_pass(t, "%lu MiB, %zu pages touched and verified",
		      VM_SIZE / MIB, npages);
}

/* ---- vm.mprotect ---- */

static int vm_mprotect(struct test_ctx *t)
{
	unsigned char *p, *hole;
	size_t offs[3] = { 0, VM_SIZE / 2 + 123, VM_SIZE - 1 };
	uint64_t c0;
	size_t i;
	int ret;

	p = map_anon(VM_SIZE);
	if (!p)
		return t_fail(t, "mmap: %s", strerror(errno));
	pattern_fill(p, VM_SIZE, VM_SEED);
	c0 = csum64(p, VM_SIZE);

	if (mprotect(p, VM_SIZE, PROT_READ))
		return t_fail(t, "mprotect(PROT_READ): %s", strerror(errno));
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		ret = expect_fault(t, p + offs[i], PROBE_WRITE, SEGV_ACCERR,
				   "read-only");
		if (ret)
			return ret;
		ret = expect_fault(t, p + offs[i], PROBE_READ, 0, "read-only");
		if (ret)
			return ret;
	}
	if (csum64(p, VM_SIZE) != c0)
		return t_fail(t, "read-only mapping changed");

	/* writable again: a write here must simply work */
	if (mprotect(p, VM_SIZE, PROT_READ | PROT_WRITE))
		return t_fail(t, "mprotect(RW): %s", strerror(errno));
	p[VM_SIZE / 2] ^= 0xff;
	p[VM_SIZE / 2] ^= 0xff;

	/* a PROT_NONE hole in the middle; neighbours unaffected */
	hole = p + 4 * MIB;
	if (mprotect(hole, MIB, PROT_NONE))
		return t_fail(t, "mprotect(PROT_NONE): %s", strerror(errno));
	ret = expect_fault(t, hole + 5, PROBE_READ, SEGV_ACCERR, "PROT_NONE");
	if (ret)
		return ret;
	ret = expect_fault(t, hole + MIB - 1, PROBE_WRITE, SEGV_ACCERR,
			   "PROT_NONE");
	if (ret)
		return ret;
	ret = expect_fault(t, hole - 1, PROBE_WRITE, 0, "below PROT_NONE");
	if (ret)
		return ret;
	ret = expect_fault(t, hole + MIB, PROBE_WRITE, 0, "above PROT_NONE");
	if (ret)
		return ret;

	if (mprotect(hole, MIB, PROT_READ | PROT_WRITE))
		return t_fail(t, "mprotect(RW): %s", strerror(errno));
	ret = expect_pattern(t, p, VM_SIZE, VM_SEED, 0, "after mprotect");
	if (ret)
		return ret;
	munmap(p, VM_SIZE);
	return t_pass(t, "write faults on read-only, access faults on PROT_NONE, data intact");
}

/* ---- vm.mremap ---- */

static int vm_mremap(struct test_ctx *t)
{
	size_t reserve_size = 4 * VM_SIZE;
	unsigned char *p, *q, *r, *reserve;
	bool moved;
	long long bad;
	int ret;

	p = map_anon(VM_SIZE);
	if (!p)
		return t_fail(t, "mmap: %s", strerror(errno));
	pattern_fill(p, VM_SIZE, VM_SEED);

	/* a PROT_NONE reservation to move into at a known address */
	reserve = mmap(NULL, reserve_size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (reserve == MAP_FAILED)
		return t_fail(t, "mmap reserve: %s", strerror(errno));

	/* move and grow to twice the size */
	q = mremap(p, VM_SIZE, 2 * VM_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		   reserve + VM_SIZE);
	if (q == MAP_FAILED)
		return t_fail(t, "mremap fixed: %s", strerror(errno));
	if (q != reserve + VM_SIZE)
		return t_fail(t, "mremap fixed went to %p, not %p", q,
			      reserve + VM_SIZE);
	ret = expect_pattern(t, q, VM_SIZE, VM_SEED, 0, "moved");
	if (ret)
		return ret;
	bad = first_nonzero(q + VM_SIZE, VM_SIZE);
	if (bad >= 0)
		return t_fail(t, "grown part non-zero at offset %lld", bad);
	pattern_fill_from(q + VM_SIZE, VM_SIZE, VM_SEED, WORD(VM_SIZE));
	ret = expect_pattern(t, q, 2 * VM_SIZE, VM_SEED, 0, "grown");
	if (ret)
		return ret;
	ret = expect_unmapped(t, p, VM_SIZE, "old address");
	if (ret)
		return ret;

	/* shrink in place */
	r = mremap(q, 2 * VM_SIZE, VM_SIZE / 2, 0);
	if (r != q)
		return t_fail(t, "mremap shrink: %s",
			      r == MAP_FAILED ? strerror(errno) : "moved");
	ret = expect_unmapped(t, q + VM_SIZE / 2, VM_SIZE / 2, "shrunk tail");
	if (ret)
		return ret;
	ret = expect_pattern(t, q, VM_SIZE / 2, VM_SEED, 0, "shrunk");
	if (ret)
		return ret;

	/* grow past the reservation: the kernel has to move it */
	r = mremap(q, VM_SIZE / 2, 3 * VM_SIZE, MREMAP_MAYMOVE);
	if (r == MAP_FAILED)
		return t_fail(t, "mremap grow: %s", strerror(errno));
	moved = r != q;
	ret = expect_pattern(t, r, VM_SIZE / 2, VM_SEED, 0, "regrown");
	if (ret)
		return ret;
	bad = first_nonzero(r + VM_SIZE / 2, 3 * VM_SIZE - VM_SIZE / 2);
	if (bad >= 0)
		return t_fail(t, "regrown part non-zero at offset %lld", bad);
	pattern_fill(r, 3 * VM_SIZE, VM_SEED2);
	ret = expect_pattern(t, r, 3 * VM_SIZE, VM_SEED2, 0, "regrown fill");
	if (ret)
		return ret;

	munmap(r, 3 * VM_SIZE);
	munmap(reserve, reserve_size);
	t_str(t, "regrow", moved ? "moved" : "in place");
	return t_pass(t, "moved+grown to fixed address, shrunk, regrown (%s); data intact",
		      moved ? "moved" : "in place");
}

/* ---- vm.munmap ---- */

static int vm_munmap(struct test_ctx *t)
{
	size_t pg = page_size();
	unsigned char *p, *hole = NULL;
	int ret;

	p = map_anon(VM_SIZE);
	if (!p)
		return t_fail(t, "mmap: %s", strerror(errno));
	pattern_fill(p, VM_SIZE, VM_SEED);

	/* punch out the first page, the last page and 1 MiB in the middle */
	if (munmap(p, pg) || munmap(p + VM_SIZE - pg, pg) ||
	    munmap(p + VM_SIZE / 2, MIB))
		return t_fail(t, "munmap: %s", strerror(errno));

	ret = expect_unmapped(t, p, pg, "first page");
	if (!ret)
		ret = expect_unmapped(t, p + VM_SIZE - pg, pg, "last page");
	if (!ret)
		ret = expect_unmapped(t, p + VM_SIZE / 2, MIB, "middle");
	if (!ret)
		ret = expect_unmapped(t, p + VM_SIZE / 2 + MIB - 1, 1,
				      "middle end");
	if (ret)
		return ret;

	ret = expect_pattern(t, p + pg, VM_SIZE / 2 - pg, VM_SEED, WORD(pg),
			     "below hole");
	if (!ret)
		ret = expect_pattern(t, p + VM_SIZE / 2 + MIB,
				     VM_SIZE / 2 - MIB - pg, VM_SEED,
				     WORD(VM_SIZE / 2 + MIB), "above hole");
	if (ret)
		return ret;

	/* map new memory into the middle hole: fresh zeroes */
	hole = mmap(p + VM_SIZE / 2, MIB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (hole == MAP_FAILED)
		return t_fail(t, "mmap fixed: %s", strerror(errno));
	if (first_nonzero(hole, MIB) >= 0)
		return t_fail(t, "refilled hole is not zero");
	pattern_fill_from(hole, MIB, VM_SEED, WORD(VM_SIZE / 2));
	ret = expect_pattern(t, p + pg, VM_SIZE - 2 * pg, VM_SEED, WORD(pg),
			     "refilled");
	if (ret)
		return ret;

	/* unmapping a range with holes in it is fine */
	if (munmap(p, VM_SIZE))
		return t_fail(t, "munmap all: %s", strerror(errno));
	ret = expect_unmapped(t, p + pg, VM_SIZE - 2 * pg, "whole range");
	if (ret)
		return ret;
	return t_pass(t, "holes unmapped and faulting, rest intact, hole refilled");
}

/* Run @fn in a forked child; passes (0) when it exits with status 0. */
static int expect_child(struct test_ctx *t, int (*fn)(void *arg), void *arg,
			const char *who)
{
	int status, ret = run_child(fn, arg, &status);
	char how[96];

	if (ret)
		return t_fail(t, "fork: %s", strerror(-ret));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return t_fail(t, "%s: %s", who,
			      describe_status(status, how, sizeof(how)));
	return 0;
}

/* ---- vm.cow ---- */

struct cow_args {
	unsigned char *p;
	int wait_fd;
	int signal_fd;
};

/* child: sees the parent's data, then writes its own */
static int cow_writer(void *arg)
{
	struct cow_args *a = arg;

	if (pattern_check(a->p, VM_SIZE, VM_SEED) >= 0)
		return 10;
	pattern_fill(a->p, VM_SIZE, VM_SEED2);
	if (pattern_check(a->p, VM_SIZE, VM_SEED2) >= 0)
		return 11;
	return 0;
}

/* child: waits while the parent writes, must still see the old data */
static int cow_reader(void *arg)
{
	struct cow_args *a = arg;
	char c;

	close(a->signal_fd);
	while (read(a->wait_fd, &c, 1) < 0 && errno == EINTR)
		;
	if (pattern_check(a->p, VM_SIZE, VM_SEED) >= 0)
		return 12;
	return 0;
}

static int vm_cow(struct test_ctx *t)
{
	struct cow_args a;
	int status, fds[2], ret;
	char how[96];
	pid_t pid;

	a.p = map_anon(VM_SIZE);
	if (!a.p)
		return t_fail(t, "mmap: %s", strerror(errno));
	pattern_fill(a.p, VM_SIZE, VM_SEED);

	ret = expect_child(t, cow_writer, &a, "writer child");
	if (ret)
		return ret;
	ret = expect_pattern(t, a.p, VM_SIZE, VM_SEED, 0,
			     "parent after child wrote");
	if (ret)
		return ret;

	if (pipe(fds))
		return t_fail(t, "pipe: %s", strerror(errno));
	a.wait_fd = fds[0];
	a.signal_fd = fds[1];
	pid = fork_call(cow_reader, &a);
	if (pid < 0)
		return t_fail(t, "fork: %s", strerror(errno));
	close(fds[0]);
	pattern_fill(a.p, VM_SIZE / 2, VM_SEED2);
	close(fds[1]);		/* let the reader check */
	if (wait_pid(pid, &status))
		return t_fail(t, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return t_fail(t, "reader child: %s",
			      describe_status(status, how, sizeof(how)));
	ret = expect_pattern(t, a.p, VM_SIZE / 2, VM_SEED2, 0, "parent new");
	if (!ret)
		ret = expect_pattern(t, a.p + VM_SIZE / 2, VM_SIZE / 2,
				     VM_SEED, WORD(VM_SIZE / 2), "parent old");
	if (ret)
		return ret;
	munmap(a.p, VM_SIZE);
	return t_pass(t, "private pages copied on write in both directions");
}

/* ---- vm.shared_file ---- */

struct shared_args {
	unsigned char *p;
	size_t off;
	size_t len;
};

static int shared_writer(void *arg)
{
	struct shared_args *a = arg;

	if (pattern_check(a->p, a->off, VM_SEED) >= 0)
		return 10;
	pattern_fill_from(a->p + a->off, a->len, VM_SEED2, WORD(a->off));
	if (msync(a->p, a->off + a->len, MS_SYNC))
		return 11;
	return 0;
}

static const char *fs_name(long type, char *buf, size_t size)
{
	if (type == TMPFS_MAGIC_VALUE)
		return "tmpfs";
	snprintf(buf, size, "0x%lx", type);
	return buf;
}

static int vm_shared_file(struct test_ctx *t)
{
	const char *dir = agent_tmpdir();
	struct shared_args a = { .off = MIB, .len = MIB };
	char path[256], fsbuf[32];
	unsigned char *p, *buf;
	struct statfs sfs;
	struct stat st;
	int fd, ret;
	ssize_t n;

	if (statfs(dir, &sfs))
		return t_fail(t, "statfs %s: %s", dir, strerror(errno));
	t_str(t, "fs", fs_name(sfs.f_type, fsbuf, sizeof(fsbuf)));

	snprintf(path, sizeof(path), "%s/pvmmu-vm-%d", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return t_fail(t, "open %s: %s", path, strerror(errno));
	unlink(path);		/* gone when we are, whatever happens */
	if (ftruncate(fd, VM_FILE_SIZE))
		return t_fail(t, "ftruncate: %s", strerror(errno));

	/* write through a shared mapping, sync, read back with read() */
	p = mmap(NULL, VM_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	if (p == MAP_FAILED)
		return t_fail(t, "mmap shared: %s", strerror(errno));
	if (first_nonzero(p, VM_FILE_SIZE) >= 0)
		return t_fail(t, "new file mapping is not zero");
	pattern_fill(p, VM_FILE_SIZE, VM_SEED);
	if (msync(p, VM_FILE_SIZE, MS_SYNC))
		return t_fail(t, "msync: %s", strerror(errno));
	if (munmap(p, VM_FILE_SIZE))
		return t_fail(t, "munmap: %s", strerror(errno));

	buf = map_anon(VM_FILE_SIZE);
	if (!buf)
		return t_fail(t, "mmap: %s", strerror(errno));
	if (fstat(fd, &st) || st.st_size != (off_t)VM_FILE_SIZE)
		return t_fail(t, "file size changed");
	if (lseek(fd, 0, SEEK_SET))
		return t_fail(t, "lseek: %s", strerror(errno));
	n = read_full(fd, buf, VM_FILE_SIZE);
	if (n != (ssize_t)VM_FILE_SIZE)
		return t_fail(t, "read back %zd of %lu bytes", n, VM_FILE_SIZE);
	ret = expect_pattern(t, buf, VM_FILE_SIZE, VM_SEED, 0, "read()");
	if (ret)
		return ret;
	t_hex(t, "csum", csum64(buf, VM_FILE_SIZE));

	/* a child's writes through its shared mapping are ours too */
	a.p = mmap(NULL, VM_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (a.p == MAP_FAILED)
		return t_fail(t, "mmap shared again: %s", strerror(errno));
	ret = expect_child(t, shared_writer, &a, "writer child");
	if (ret)
		return ret;
	ret = expect_pattern(t, a.p + a.off, a.len, VM_SEED2, WORD(a.off),
			     "child's write via mapping");
	if (ret)
		return ret;
	if (pread(fd, buf, a.len, a.off) != (ssize_t)a.len)
		return t_fail(t, "pread: %s", strerror(errno));
	ret = expect_pattern(t, buf, a.len, VM_SEED2, WORD(a.off),
			     "child's write via pread()");
	if (ret)
		return ret;

	munmap(a.p, VM_FILE_SIZE);
	munmap(buf, VM_FILE_SIZE);
	close(fd);
	return t_pass(t, "%lu MiB written via MAP_SHARED, read() back intact",
		      VM_FILE_SIZE / MIB);
}

/* ---- vm.shared_anon ---- */

static int vm_shared_anon(struct test_ctx *t)
{
	struct shared_args a = { .off = MIB, .len = 2 * MIB };
	int ret;

	a.p = mmap(NULL, VM_FILE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a.p == MAP_FAILED)
		return t_fail(t, "mmap: %s", strerror(errno));
	pattern_fill(a.p, VM_FILE_SIZE, VM_SEED);

	ret = expect_child(t, shared_writer, &a, "writer child");
	if (ret)
		return ret;
	ret = expect_pattern(t, a.p, a.off, VM_SEED, 0, "untouched part");
	if (!ret)
		ret = expect_pattern(t, a.p + a.off, a.len, VM_SEED2,
				     WORD(a.off), "child's part");
	if (!ret)
		ret = expect_pattern(t, a.p + a.off + a.len,
				     VM_FILE_SIZE - a.off - a.len, VM_SEED,
				     WORD(a.off + a.len), "untouched tail");
	if (ret)
		return ret;
	munmap(a.p, VM_FILE_SIZE);
	return t_pass(t, "child's writes visible through MAP_SHARED|MAP_ANONYMOUS");
}

static const struct agent_case vm_cases[] = {
	{ "fork_exec", vm_fork_exec },
	{ "anon", vm_anon },
	{ "mprotect", vm_mprotect },
	{ "mremap", vm_mremap },
	{ "munmap", vm_munmap },
	{ "cow", vm_cow },
	{ "shared_file", vm_shared_file },
	{ "shared_anon", vm_shared_anon },
};

AGENT_GROUP(vm_group, "vm", "process and address space operations", vm_cases);
