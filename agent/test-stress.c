// SPDX-License-Identifier: GPL-2.0
/*
 * stress: one worker per online CPU runs a random mix of address space
 * operations at the same time, for a bounded time and iteration count,
 * and verifies the memory contents after every step.
 *
 * Every operation writes pattern words (mem.c) at their region offsets, so
 * any byte can be checked against what it should hold; a mismatch reports
 * the offset, the expected and the found value.  Workers and their
 * children share a status slot (MAP_SHARED), so a child can say what went
 * wrong before it exits.
 *
 * Parameters: agent.stress_s=N (guest seconds, default 10),
 * agent.stress_iters=N (per worker, default 100000), agent.stress_seed=N
 * (default 1), agent.stress_max_mib=N (largest mapping, default 8),
 * agent.tmpdir=DIR (MAP_SHARED files, default /tmp).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#define STRESS_DEFAULT_S	10
#define STRESS_DEFAULT_ITERS	100000
#define STRESS_DEFAULT_MAX_MIB	8
#define STRESS_HOME_SIZE	(256 * KIB)
#define STRESS_FORK_MAX		MIB
#define STRESS_EXEC_MAX		MIB
#define STRESS_FILE_MAX		(2 * MIB)
#define STRESS_COW_MAX		(4 * MIB)
#define STRESS_SCRATCH_SIZE	(2 * MIB)
#define STRESS_GRACE_S		60
#define STRESS_ERR_MAX		256
#define STRESS_SETTLE_MS	5000

const char *const stress_op_names[STRESS_NR_OPS] = {
	[STRESS_FORK]	= "fork",
	[STRESS_EXEC]	= "exec",
	[STRESS_MAP]	= "map",
	[STRESS_STORM]	= "storm",
	[STRESS_SHARED]	= "shared",
	[STRESS_COW]	= "cow",
};

/* how often each operation is picked, relative to the others */
static const unsigned int op_weight[STRESS_NR_OPS] = {
	[STRESS_FORK]	= 2,
	[STRESS_EXEC]	= 1,
	[STRESS_MAP]	= 3,
	[STRESS_STORM]	= 2,
	[STRESS_SHARED]	= 2,
	[STRESS_COW]	= 2,
};

/* per worker, in a MAP_SHARED array: written by the worker and its children */
struct stress_slot {
	int cpu;
	int failed;		/* set once, by whoever fails first */
	int cur_op;		/* -1 between operations */
	int done;
	unsigned long iters;
	unsigned long ops[STRESS_NR_OPS];
	uint64_t op_ns[STRESS_NR_OPS];
	uint64_t max_op_ns;
	int max_op;
	unsigned long long bytes;
	uint64_t ns;
	int unpinned;		/* cpus_may_go: its CPU was gone at setup */
	unsigned long displaced;	/* cpus_may_go: ops ended elsewhere */
	char err[STRESS_ERR_MAX];
};

struct stress_worker {
	const struct stress_opts *o;
	struct stress_slot *slot;
	cpu_set_t online;		/* children may run anywhere */
	uint64_t rng;
	bool child;
	unsigned char *home;		/* long-lived, inherited by every fork */
	uint64_t home_seed;
	unsigned char *scratch;		/* read() buffer, expected contents */
	char path[256];			/* this worker's MAP_SHARED file */
};

static uint64_t rnd(struct stress_worker *w)
{
	uint64_t x = w->rng;

	/* xorshift64*: cheap, and reproducible from the seed */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/*
 * A size of 1 page up to max, about as often in each power of two, so
 * that small mappings (one page table) and big ones (many) both come up.
 */
static size_t rnd_size(struct stress_worker *w, size_t max)
{
	size_t pages = max / page_size(), lo, n;
	unsigned int bits = 0;

	while ((2UL << bits) <= pages)
		bits++;
	lo = 1UL << (rnd(w) % (bits + 1));
	n = lo + rnd(w) % lo;
	return (n < pages ? n : pages) * page_size();
}

/* a random page index in [0, npages) */
static size_t rnd_page(struct stress_worker *w, size_t npages)
{
	return rnd(w) % npages;
}

static int __printf(2, 3) stress_fail(struct stress_worker *w,
				      const char *fmt, ...)
{
	struct stress_slot *s = w->slot;
	int op = s->cur_op, len;
	va_list ap;

	/* the first failure is the interesting one */
	if (__atomic_exchange_n(&s->failed, 1, __ATOMIC_SEQ_CST))
		return -1;
	len = snprintf(s->err, sizeof(s->err), "%s #%lu%s: ",
		       op >= 0 && op < STRESS_NR_OPS ? stress_op_names[op] :
		       "setup", s->iters, w->child ? " (child)" : "");
	if (len < 0 || len >= (int)sizeof(s->err))
		return -1;
	va_start(ap, fmt);
	vsnprintf(s->err + len, sizeof(s->err) - len, fmt, ap);
	va_end(ap);
	return -1;
}

static void count_verified(struct stress_worker *w, size_t len)
{
	__atomic_add_fetch(&w->slot->bytes, len, __ATOMIC_RELAXED);
}

/* Pattern words are indexed by their offset in the region. */
static void fill(unsigned char *base, size_t off, size_t len, uint64_t seed)
{
	pattern_fill_from(base + off, len, seed, off / 8);
}

/* Report the first differing byte of the 8-byte word at base + off. */
static int mismatch(struct stress_worker *w, const char *what,
		    const unsigned char *base, size_t off, uint64_t expect)
{
	uint64_t got;
	unsigned int i;

	memcpy(&got, base + off, sizeof(got));
	for (i = 0; i < 7; i++)
		if (((got ^ expect) >> (8 * i)) & 0xff)
			break;
	return stress_fail(w, "%s: offset 0x%zx: expected 0x%02x, got 0x%02x (word %016llx, got %016llx)",
			   what, off + i,
			   (unsigned int)(expect >> (8 * i)) & 0xff,
			   (unsigned int)(got >> (8 * i)) & 0xff,
			   (unsigned long long)expect,
			   (unsigned long long)got);
}

/* [off, off + len) of the region at base must hold pattern seed. */
static int verify(struct stress_worker *w, const char *what,
		  const unsigned char *base, size_t off, size_t len,
		  uint64_t seed)
{
	long long bad = pattern_check_from(base + off, len, seed, off / 8);

	count_verified(w, len);
	if (bad < 0)
		return 0;
	return mismatch(w, what, base, off + bad,
			pattern_word(seed, (off + bad) / 8));
}

static int verify_zero(struct stress_worker *w, const char *what,
		       const unsigned char *base, size_t off, size_t len)
{
	const uint64_t *q = (const uint64_t *)(base + off);
	size_t i;

	count_verified(w, len);
	for (i = 0; i < len / 8; i++)
		if (q[i])
			return mismatch(w, what, base, off + i * 8, 0);
	return 0;
}

/*
 * Checksum of contents that did not change: compare with the one taken
 * after the last write, and locate the damage if it differs.
 */
static int verify_csum(struct stress_worker *w, const char *what,
		       const unsigned char *p, size_t len, uint64_t seed,
		       uint64_t csum)
{
	count_verified(w, len);
	if (csum64(p, len) == csum)
		return 0;
	if (verify(w, what, p, 0, len, seed))
		return -1;
	return stress_fail(w, "%s: checksum changed, but the pattern reads back intact",
			   what);
}

/* Both ends of [p, p + len) must be unmapped. */
static int verify_unmapped(struct stress_worker *w, const char *what,
			   unsigned char *p, size_t len)
{
	size_t pg = page_size();
	long a = resident_pages(p, pg);
	long b = resident_pages(p + len - pg, pg);

	if (a == -ENOMEM && b == -ENOMEM)
		return 0;
	return stress_fail(w, "%s: %p+0x%zx still mapped (mincore %ld, %ld)",
			   what, p, len, a, b);
}

/*
 * Half of the children stay on the worker's CPU, half may run anywhere:
 * an mm that ran on several harts needs remote fences for every flush
 * (the ASID allocator keeps all of them in mm_cpumask), which is worth
 * stressing, but slow enough under TCG to cap how much of it we do.
 */
static pid_t stress_fork(struct stress_worker *w)
{
	bool roam = rnd(w) & 1;
	pid_t pid = fork();

	if (pid < 0) {
		stress_fail(w, "fork: %s", strerror(errno));
	} else if (pid == 0) {
		w->child = true;
		if (roam)
			sched_setaffinity(0, sizeof(w->online), &w->online);
	}
	return pid;
}

static __noreturn void child_exit(int ret)
{
	_exit(ret ? 1 : 0);
}

static int reap(struct stress_worker *w, pid_t pid, const char *who)
{
	char how[96];
	int status;

	if (wait_pid(pid, &status))
		return stress_fail(w, "%s: waitpid: %s", who, strerror(errno));
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (w->slot->failed)
		return -1;	/* the child said what went wrong */
	return stress_fail(w, "%s: %s", who,
			   describe_status(status, how, sizeof(how)));
}

/* Block until the other side closes its end of the pipe. */
static void wait_eof(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

/* ---- fork: the child checks what it inherited and maps its own ---- */

static int op_fork(struct stress_worker *w)
{
	size_t pg = page_size(), len = rnd_size(w, STRESS_FORK_MAX);
	size_t hoff = rnd_page(w, STRESS_HOME_SIZE / pg) * pg;
	uint64_t seed = rnd(w);
	unsigned char *p = NULL;
	int ret;
	pid_t pid;

	pid = stress_fork(w);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		ret = verify(w, "inherited home", w->home, 0,
			     STRESS_HOME_SIZE, w->home_seed);
		/* a copy-on-write fault on the child's side */
		if (!ret) {
			fill(w->home, hoff, pg, seed);
			ret = verify(w, "home page after write", w->home,
				     hoff, pg, seed);
		}
		if (!ret) {
			p = map_anon(len);
			if (!p)
				ret = stress_fail(w, "mmap %zu: %s", len,
						  strerror(errno));
		}
		if (!ret)
			ret = verify_zero(w, "fresh child mapping", p, 0, len);
		if (!ret) {
			fill(p, 0, len, seed);
			ret = verify(w, "child mapping", p, 0, len, seed);
		}
		if (!ret && munmap(p, len))
			ret = stress_fail(w, "munmap: %s", strerror(errno));
		child_exit(ret);
	}
	ret = reap(w, pid, "fork child");
	if (!ret)
		ret = verify(w, "home after the child wrote", w->home, 0,
			     STRESS_HOME_SIZE, w->home_seed);
	return ret;
}

/* ---- exec: a new mm builds a pattern, its checksum must match ours ---- */

static int op_exec(struct stress_worker *w)
{
	size_t len = rnd_size(w, STRESS_EXEC_MAX);
	uint64_t seed = rnd(w), expect;
	char seed_s[32], len_s[32], token[64], env[96], out[128], got[64];
	char *argv[] = { (char *)agent_self(), "--helper", "pattern", seed_s,
			 len_s, NULL };
	char *envp[] = { env, NULL };
	unsigned long long csum;
	int fds[2], ret;
	ssize_t n;
	pid_t pid;

	snprintf(seed_s, sizeof(seed_s), "0x%llx", (unsigned long long)seed);
	snprintf(len_s, sizeof(len_s), "%zu", len);
	snprintf(token, sizeof(token), "stress-%d-%lu", w->slot->cpu,
		 w->slot->iters);
	snprintf(env, sizeof(env), "PVMMU_TOKEN=%s", token);
	if (pipe2(fds, O_CLOEXEC))
		return stress_fail(w, "pipe: %s", strerror(errno));

	pid = stress_fork(w);
	if (pid == 0) {
		/* dup2() clears close-on-exec on the copy */
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			child_exit(stress_fail(w, "dup2: %s", strerror(errno)));
		execve(agent_self(), argv, envp);
		child_exit(stress_fail(w, "execve %s: %s", agent_self(),
				       strerror(errno)));
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	n = read_full(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	ret = reap(w, pid, "exec'd helper");
	if (ret)
		return ret;

	out[n > 0 ? n : 0] = '\0';
	if (sscanf(out, "%llx %63s", &csum, got) != 2)
		return stress_fail(w, "helper printed '%s'", out);
	fill(w->scratch, 0, len, seed);
	expect = csum64(w->scratch, len);
	count_verified(w, len);
	if (csum != expect)
		return stress_fail(w, "helper, %zu bytes of seed %llx: csum %016llx, expected %016llx",
				   len, (unsigned long long)seed, csum,
				   (unsigned long long)expect);
	if (strcmp(got, token))
		return stress_fail(w, "helper saw token '%s', expected '%s'",
				   got, token);
	return 0;
}

/* ---- map: protection changes and mremap, checksum after every step ---- */

static int op_map_protect(struct stress_worker *w, unsigned char *p,
			  size_t len, uint64_t seed, uint64_t csum)
{
	size_t pg = page_size(), off = rnd_page(w, len / pg) * pg;
	volatile uint64_t *word;
	struct fault_info fi;
	char desc[96];
	int err;

	if (mprotect(p, len, PROT_READ))
		return stress_fail(w, "mprotect(PROT_READ): %s",
				   strerror(errno));
	if (verify_csum(w, "read-only", p, len, seed, csum))
		return -1;
	/* now and then prove the protection holds (costs a fork) */
	if (!(rnd(w) % 4)) {
		err = probe_access(p + off, PROBE_WRITE, &fi);
		if (err)
			return stress_fail(w, "write probe: %s",
					   strerror(-err));
		if (fi.signo != SIGSEGV || fi.code != SEGV_ACCERR)
			return stress_fail(w, "write to read-only %p: %s",
					   p + off,
					   fault_name(&fi, desc, sizeof(desc)));
	}
	if (mprotect(p, len, PROT_READ | PROT_WRITE))
		return stress_fail(w, "mprotect(RW): %s", strerror(errno));
	/* writable again: flip a word and put it back */
	word = (volatile uint64_t *)(p + off);
	*word = ~*word;
	*word = ~*word;
	return verify_csum(w, "writable again", p, len, seed, csum);
}

static int op_map(struct stress_worker *w)
{
	size_t pg = page_size(), len = rnd_size(w, w->o->max_size), grow;
	size_t small;
	uint64_t seed = rnd(w), csum;
	unsigned char *p, *q, *res;

	/* on failure the worker stops, so mappings are not cleaned up */
	p = map_anon(len);
	if (!p)
		return stress_fail(w, "mmap %zu: %s", len, strerror(errno));
	if (verify_zero(w, "fresh mapping", p, 0, len))
		return -1;
	fill(p, 0, len, seed);
	csum = csum64(p, len);
	if (verify(w, "filled", p, 0, len, seed))
		return -1;
	if (op_map_protect(w, p, len, seed, csum))
		return -1;

	/* grow, moving if it has to; the new tail is fresh memory */
	grow = rnd_size(w, w->o->max_size);
	q = mremap(p, len, len + grow, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return stress_fail(w, "mremap grow 0x%zx -> 0x%zx: %s", len,
				   len + grow, strerror(errno));
	p = q;
	if (verify_csum(w, "grown, old part", p, len, seed, csum) ||
	    verify_zero(w, "grown, new part", p, len, grow))
		return -1;
	fill(p, len, grow, seed);
	len += grow;
	csum = csum64(p, len);
	if (verify(w, "grown and filled", p, 0, len, seed))
		return -1;

	/* shrink in place to a random size */
	small = (1 + rnd_page(w, len / pg)) * pg;
	if (small < len) {
		q = mremap(p, len, small, 0);
		if (q != p)
			return stress_fail(w, "mremap shrink 0x%zx -> 0x%zx: %s",
					   len, small, q == MAP_FAILED ?
					   strerror(errno) : "moved");
		if (verify_unmapped(w, "shrunk tail", p + small, len - small))
			return -1;
		len = small;
		if (verify(w, "shrunk", p, 0, len, seed))
			return -1;
		csum = csum64(p, len);
	}

	/* move onto a reservation elsewhere */
	res = mmap(NULL, len, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return stress_fail(w, "mmap reservation: %s", strerror(errno));
	q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, res);
	if (q != res)
		return stress_fail(w, "mremap move to %p: %s", res,
				   q == MAP_FAILED ? strerror(errno) : "elsewhere");
	if (verify_unmapped(w, "moved from", p, len))
		return -1;
	p = q;
	if (verify_csum(w, "moved", p, len, seed, csum))
		return -1;

	if (munmap(p, len))
		return stress_fail(w, "munmap: %s", strerror(errno));
	return verify_unmapped(w, "unmapped", p, len);
}

/* ---- storm: first-touch faults, MADV_DONTNEED, faults again ---- */

/* Each page gets its first and last word set, the rest stays zero. */
static void stamp(unsigned char *p, size_t first, size_t end, uint64_t seed,
		  bool down)
{
	size_t pg = page_size(), i;

	for (i = first; i < end; i++) {
		size_t n = down ? end - 1 - (i - first) : i;
		uint64_t *q = (uint64_t *)(p + n * pg);

		q[0] = pattern_word(seed, 2 * n);
		q[pg / 8 - 1] = pattern_word(seed, 2 * n + 1);
	}
}

static int verify_stamps(struct stress_worker *w, const char *what,
			 const unsigned char *p, size_t first, size_t end,
			 uint64_t seed)
{
	size_t pg = page_size(), words = pg / 8, i;

	for (i = first; i < end; i++) {
		const uint64_t *q = (const uint64_t *)(p + i * pg);
		uint64_t head = pattern_word(seed, 2 * i);
		uint64_t tail = pattern_word(seed, 2 * i + 1);

		if (q[0] != head)
			return mismatch(w, what, p, i * pg, head);
		if (q[words - 1] != tail)
			return mismatch(w, what, p, (i + 1) * pg - 8, tail);
		if (verify_zero(w, what, p, i * pg + 8, pg - 16))
			return -1;
	}
	return 0;
}

static int op_storm(struct stress_worker *w)
{
	size_t pg = page_size(), len = rnd_size(w, w->o->max_size);
	size_t npages = len / pg, a, b;
	uint64_t seed = rnd(w);
	unsigned char *p;

	p = map_anon(len);
	if (!p)
		return stress_fail(w, "mmap %zu: %s", len, strerror(errno));
	/* read faults first (zero page), then write faults on every page */
	if (verify_zero(w, "fresh", p, 0, len))
		return -1;
	stamp(p, 0, npages, seed, rnd(w) & 1);
	if (verify_stamps(w, "touched", p, 0, npages, seed))
		return -1;

	a = rnd_page(w, npages);
	b = a + 1 + rnd_page(w, npages - a);
	if (madvise(p + a * pg, (b - a) * pg, MADV_DONTNEED))
		return stress_fail(w, "madvise(DONTNEED): %s", strerror(errno));
	if (verify_zero(w, "after MADV_DONTNEED", p, a * pg, (b - a) * pg) ||
	    verify_stamps(w, "below the dropped range", p, 0, a, seed) ||
	    verify_stamps(w, "above the dropped range", p, b, npages, seed))
		return -1;
	stamp(p, a, b, seed, rnd(w) & 1);
	if (verify_stamps(w, "faulted back", p, 0, npages, seed))
		return -1;

	if (munmap(p, len))
		return stress_fail(w, "munmap: %s", strerror(errno));
	return 0;
}

/* ---- shared: two processes write one tmpfs file through mmap ---- */

static int shared_child(struct stress_worker *w, size_t len, size_t half,
			uint64_t seed_child, uint64_t seed_parent,
			int parent_done)
{
	unsigned char *q;
	int fd, ret;

	/* its own open and mapping of the file, not an inherited one */
	fd = open(w->path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return stress_fail(w, "open %s: %s", w->path, strerror(errno));
	q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (q == MAP_FAILED)
		return stress_fail(w, "mmap shared: %s", strerror(errno));
	ret = verify_zero(w, "child's half of the new file", q, 0, half);
	if (ret)
		return ret;
	fill(q, 0, half, seed_child);
	if (msync(q, len, MS_SYNC))
		return stress_fail(w, "msync: %s", strerror(errno));
	ret = verify(w, "child's half", q, 0, half, seed_child);
	if (ret)
		return ret;
	/* the parent's writes show through our mapping once it is done */
	wait_eof(parent_done);
	ret = verify(w, "parent's half seen by the child", q, half,
		     len - half, seed_parent);
	if (ret)
		return ret;
	if (munmap(q, len))
		return stress_fail(w, "munmap: %s", strerror(errno));
	close(fd);
	return 0;
}

static int op_shared(struct stress_worker *w)
{
	size_t pg = page_size(), len = rnd_size(w, STRESS_FILE_MAX), half;
	uint64_t seed_child = rnd(w), seed_parent = rnd(w);
	int fd, done[2], ret;
	struct stat st;
	unsigned char *p;
	ssize_t n;
	pid_t pid;

	if (len < 2 * pg)
		len = 2 * pg;
	half = len / pg / 2 * pg;

	fd = open(w->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return stress_fail(w, "open %s: %s", w->path, strerror(errno));
	if (ftruncate(fd, len))
		return stress_fail(w, "ftruncate: %s", strerror(errno));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return stress_fail(w, "mmap shared: %s", strerror(errno));
	if (pipe(done))
		return stress_fail(w, "pipe: %s", strerror(errno));

	pid = stress_fork(w);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(done[1]);
		child_exit(shared_child(w, len, half, seed_child, seed_parent,
					done[0]));
	}
	close(done[0]);
	/* our half, while the child writes its own */
	fill(p, half, len - half, seed_parent);
	close(done[1]);
	ret = reap(w, pid, "shared child");
	if (ret)
		return ret;

	if (verify(w, "child's half seen by the parent", p, 0, half,
		   seed_child) ||
	    verify(w, "parent's half", p, half, len - half, seed_parent))
		return -1;
	if (msync(p, len, MS_SYNC))
		return stress_fail(w, "msync: %s", strerror(errno));
	if (munmap(p, len))
		return stress_fail(w, "munmap: %s", strerror(errno));

	/* and the file itself, through read() */
	if (fstat(fd, &st) || st.st_size != (off_t)len)
		return stress_fail(w, "file size %lld, expected %zu",
				   (long long)st.st_size, len);
	if (lseek(fd, 0, SEEK_SET))
		return stress_fail(w, "lseek: %s", strerror(errno));
	n = read_full(fd, w->scratch, len);
	if (n != (ssize_t)len)
		return stress_fail(w, "read back %zd of %zu bytes", n, len);
	if (verify(w, "read() of the child's half", w->scratch, 0, half,
		   seed_child) ||
	    verify(w, "read() of the parent's half", w->scratch, half,
		   len - half, seed_parent))
		return -1;
	close(fd);
	unlink(w->path);
	return 0;
}

/* ---- cow: parent and child write the same private pages ---- */

struct cow_range {
	unsigned char *p;
	size_t len;
	size_t off;		/* the pages both sides write */
	size_t span;
	uint64_t seed;		/* before the fork */
};

/* Ours in the middle, the pre-fork contents around it. */
static int cow_check(struct stress_worker *w, const struct cow_range *r,
		     uint64_t mine, const char *what)
{
	if (verify(w, what, r->p, 0, r->off, r->seed) ||
	    verify(w, what, r->p, r->off, r->span, mine) ||
	    verify(w, what, r->p, r->off + r->span,
		   r->len - r->off - r->span, r->seed))
		return -1;
	return 0;
}

/*
 * Write our pattern, tell the other side, wait until it has written too,
 * then we must still see only our own writes.
 */
static int cow_side(struct stress_worker *w, const struct cow_range *r,
		    uint64_t mine, int tell, int wait, const char *what)
{
	fill(r->p, r->off, r->span, mine);
	close(tell);
	wait_eof(wait);
	return cow_check(w, r, mine, what);
}

static int op_cow(struct stress_worker *w)
{
	size_t pg = page_size(), npages, a, b;
	uint64_t seed_parent, seed_child;
	struct cow_range r;
	int to_child[2], to_parent[2], ret;
	pid_t pid;

	r.len = rnd_size(w, STRESS_COW_MAX);
	r.seed = rnd(w);
	seed_parent = rnd(w);
	seed_child = rnd(w);
	npages = r.len / pg;
	a = rnd_page(w, npages);
	b = a + 1 + rnd_page(w, npages - a);
	r.off = a * pg;
	r.span = (b - a) * pg;

	r.p = map_anon(r.len);
	if (!r.p)
		return stress_fail(w, "mmap %zu: %s", r.len, strerror(errno));
	fill(r.p, 0, r.len, r.seed);
	if (pipe(to_child) || pipe(to_parent))
		return stress_fail(w, "pipe: %s", strerror(errno));

	pid = stress_fork(w);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		child_exit(cow_side(w, &r, seed_child, to_parent[1],
				    to_child[0], "child after both wrote"));
	}
	close(to_child[0]);
	close(to_parent[1]);
	ret = cow_side(w, &r, seed_parent, to_child[1], to_parent[0],
		       "parent after both wrote");
	close(to_parent[0]);
	if (ret)
		return ret;
	ret = reap(w, pid, "cow child");
	if (ret)
		return ret;
	if (munmap(r.p, r.len))
		return stress_fail(w, "munmap: %s", strerror(errno));
	return 0;
}

static int (*const stress_ops[STRESS_NR_OPS])(struct stress_worker *w) = {
	[STRESS_FORK]	= op_fork,
	[STRESS_EXEC]	= op_exec,
	[STRESS_MAP]	= op_map,
	[STRESS_STORM]	= op_storm,
	[STRESS_SHARED]	= op_shared,
	[STRESS_COW]	= op_cow,
};

static int pick_op(struct stress_worker *w)
{
	unsigned int total = 0, r, i;

	for (i = 0; i < STRESS_NR_OPS; i++)
		total += op_weight[i];
	r = rnd(w) % total;
	for (i = 0; r >= op_weight[i]; i++)
		r -= op_weight[i];
	return i;
}

/* ---- workers ---- */

static int worker_setup(struct stress_worker *w)
{
	int err, cur;

	err = pin_to_cpu(w->slot->cpu);
	cur = sched_getcpu();
	/*
	 * With CPUs going offline (hotplug), the CPU may be gone already, or
	 * go between the two calls: the worker runs wherever it is put.
	 */
	if ((err || cur != w->slot->cpu) && w->o->cpus_may_go) {
		w->slot->unpinned = 1;
		err = 0;
		cur = w->slot->cpu;
	}
	if (err)
		return stress_fail(w, "pin to CPU %d: %s", w->slot->cpu,
				   strerror(-err));
	if (cur != w->slot->cpu)
		return stress_fail(w, "pinned to CPU %d, running on %d",
				   w->slot->cpu, cur);

	w->home = map_anon(STRESS_HOME_SIZE);
	w->scratch = map_anon(STRESS_SCRATCH_SIZE);
	if (!w->home || !w->scratch)
		return stress_fail(w, "mmap: %s", strerror(errno));
	fill(w->home, 0, STRESS_HOME_SIZE, w->home_seed);
	snprintf(w->path, sizeof(w->path), "%s/pvmmu-stress-%d",
		 w->o->tmpdir, getpid());
	return 0;
}

/* Runs once every worker exists (workers_go()) */
static int worker_main(void *arg)
{
	struct stress_worker *w = arg;
	struct stress_slot *s = w->slot;
	uint64_t start, deadline, t0, ns;
	int op;

	start = now_ns();
	deadline = start + w->o->duration_ns;

	if (!worker_setup(w)) {
		while (s->iters < w->o->max_iters && now_ns() < deadline) {
			op = pick_op(w);
			s->cur_op = op;
			t0 = now_ns();
			if (stress_ops[op](w) || s->failed)
				break;
			ns = now_ns() - t0;
			s->cur_op = -1;
			s->ops[op]++;
			s->op_ns[op] += ns;
			if (ns > s->max_op_ns) {
				s->max_op_ns = ns;
				s->max_op = op;
			}
			s->iters++;
			if (w->o->cpus_may_go && sched_getcpu() != s->cpu)
				s->displaced++;
		}
	}
	if (!s->failed && w->home)
		verify(w, "home at the end", w->home, 0, STRESS_HOME_SIZE,
		       w->home_seed);
	if (w->path[0])
		unlink(w->path);
	s->ns = now_ns() - start;
	s->done = 1;
	return s->failed ? 1 : 0;
}

static void summarize(const struct stress_slot *slots, int n,
		      struct stress_summary *sum)
{
	size_t len = 0;
	int i, k;

	for (i = 0; i < n; i++) {
		const struct stress_slot *s = &slots[i];

		sum->iters += s->iters;
		for (k = 0; k < STRESS_NR_OPS; k++) {
			sum->ops[k] += s->ops[k];
			sum->op_ms[k] += ns_to_ms(s->op_ns[k]);
		}
		if (ns_to_ms(s->max_op_ns) > sum->max_op_ms) {
			sum->max_op_ms = ns_to_ms(s->max_op_ns);
			sum->max_op = s->max_op;
		}
		sum->bytes_verified += s->bytes;
		sum->unpinned += s->unpinned;
		sum->displaced += s->displaced;
		/* big mappings take long: bytes explain low counts */
		if (len < sizeof(sum->per_cpu))
			len += snprintf(sum->per_cpu + len,
					sizeof(sum->per_cpu) - len,
					"%s%d:%lu/%lluMiB", i ? " " : "",
					s->cpu, s->iters, s->bytes / MIB);
	}
}

/* The first failure, in CPU order: a worker's own words, or how it died. */
static int first_failure(const struct stress_slot *slots,
			 const struct workers *pool, char *err, size_t size)
{
	const int *status = pool->status;
	int n = pool->n;
	char how[96];
	int i;

	for (i = 0; i < n; i++) {
		const struct stress_slot *s = &slots[i];
		int op = s->cur_op;

		if (s->failed) {
			snprintf(err, size, "CPU %d: %.*s", s->cpu,
				 (int)sizeof(s->err), s->err);
			return -1;
		}
		if (status[i] == -1) {
			snprintf(err, size, "CPU %d: worker lost", s->cpu);
			return -1;
		}
		if (!WIFEXITED(status[i]) || WEXITSTATUS(status[i]) ||
		    !s->done) {
			snprintf(err, size, "CPU %d: worker %s%s in %s after %lu iterations",
				 s->cpu, describe_status(status[i], how,
							 sizeof(how)),
				 pool->timed_out ? " (time limit)" : "",
				 op >= 0 && op < STRESS_NR_OPS ?
				 stress_op_names[op] : "setup", s->iters);
			return -1;
		}
	}
	return 0;
}

int stress_run(const struct stress_opts *o, struct stress_summary *sum,
	       char *err, size_t size)
{
	int cpus[CPU_SETSIZE], n = 0, i, cpu;
	static struct workers pool;
	struct stress_slot *slots;
	cpu_set_t online;
	size_t slots_size;
	uint64_t t0;
	int ret;

	memset(sum, 0, sizeof(*sum));
	ret = online_cpus(&online);
	if (ret < 0) {
		snprintf(err, size, "cannot read online CPUs: %s",
			 strerror(-ret));
		return -1;
	}
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &online))
			cpus[n++] = cpu;
	ret = workers_init(&pool);
	if (ret) {
		snprintf(err, size, "workers: %s", strerror(-ret));
		return -1;
	}

	slots_size = (size_t)n * sizeof(*slots);
	slots = mmap(NULL, slots_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		snprintf(err, size, "mmap: %s", strerror(errno));
		workers_go(&pool);	/* none started: closes the gate */
		return -1;
	}

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		struct stress_worker w = {
			.o = o,
			.slot = &slots[i],
			.online = online,
			/* distinct and never zero, for any seed */
			.rng = (o->seed * 0x9e3779b97f4a7c15ULL) ^
			       ((uint64_t)cpus[i] << 32) ^ 0x5bd1e995ULL,
			.home_seed = o->seed + 0x40000000ULL * (cpus[i] + 1),
		};

		slots[i].cpu = cpus[i];
		slots[i].cur_op = -1;
		ret = workers_spawn(&pool, cpus[i], worker_main, &w);
		if (ret) {
			snprintf(err, size, "fork: %s", strerror(-ret));
			n = i;
			ret = -1;
			break;
		}
	}
	/* go (or, after a failed fork, let the started ones run out) */
	workers_go(&pool);

	workers_wait(&pool, o->duration_ns / 1000000000ULL + STRESS_GRACE_S);
	sum->ms = ns_to_ms(now_ns() - t0);
	sum->workers = n;
	summarize(slots, n, sum);
	if (!ret)
		ret = first_failure(slots, &pool, err, size);
	munmap(slots, slots_size);
	return ret;
}

/* ---- stress.mix ---- */

/* Leave the pool figures for pvmmu.leak, which judges them. */
static void write_marker(const char *dir, const struct pvmmu_stat *before,
			 const struct pvmmu_stat *after)
{
	char path[256], text[256];
	int fd, len;

	snprintf(path, sizeof(path), "%s/%s", dir, PVMMU_STRESS_MARKER);
	len = snprintf(text, sizeof(text),
		       "used_before=%lld used_after=%lld high_water=%lld roots_before=%lld roots_after=%lld own_growth=%lld\n",
		       before->used, after->used, after->high_water,
		       before->roots, after->roots,
		       pvmmu_leak_own_growth(before, after));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	write_full(fd, text, len);
	close(fd);
}

static int stress_mix(struct test_ctx *t)
{
	const char *dir = agent_tmpdir();
	long secs = agent_param_long("stress_s", STRESS_DEFAULT_S);
	long iters = agent_param_long("stress_iters", STRESS_DEFAULT_ITERS);
	long max_mib = agent_param_long("stress_max_mib",
					STRESS_DEFAULT_MAX_MIB);
	struct stress_opts o = {
		.seed = agent_param_long("stress_seed", 1),
		.tmpdir = dir,
	};
	struct pvmmu_stat before, after;
	struct stress_summary sum;
	char err[TEST_DETAIL_MAX];
	bool pvmmu;
	int ret, k;

	if (secs <= 0)
		secs = STRESS_DEFAULT_S;
	if (iters <= 0)
		iters = STRESS_DEFAULT_ITERS;
	if (max_mib <= 0)
		max_mib = STRESS_DEFAULT_MAX_MIB;
	o.duration_ns = secs * 1000000000ULL;
	o.max_iters = iters;
	o.max_size = max_mib * MIB;

	/* with pvmmu on, note the pool before and after (judged by pvmmu.leak) */
	pvmmu = !pvmmu_leak_begin(&before);

	ret = stress_run(&o, &sum, err, sizeof(err));

	t_int(t, "cpus", sum.workers);
	t_int(t, "seconds", secs);
	t_uint(t, "seed", o.seed);
	t_uint(t, "iterations", sum.iters);
	for (k = 0; k < STRESS_NR_OPS; k++)
		t_uint(t, stress_op_names[k], sum.ops[k]);
	for (k = 0; k < STRESS_NR_OPS; k++) {
		char key[32];

		/* mean time of one operation of each kind */
		snprintf(key, sizeof(key), "%s_ms", stress_op_names[k]);
		t_double(t, key, sum.ops[k] ? sum.op_ms[k] / sum.ops[k] : 0);
	}
	if (sum.iters) {
		t_double(t, "max_op_ms", sum.max_op_ms);
		t_str(t, "max_op", stress_op_names[sum.max_op]);
	}
	t_double(t, "verified_mib", (double)sum.bytes_verified / MIB);
	t_str(t, "per_cpu", sum.per_cpu);
	t_double(t, "ms", sum.ms);

	if (pvmmu) {
		/* a timeout leaves used above before: pvmmu.leak says so */
		pvmmu_leak_end(&before, &after, STRESS_SETTLE_MS);
		t_int(t, "pvmmu_used_before", before.used);
		t_int(t, "pvmmu_used_after", after.used);
		t_int(t, "pvmmu_high_water", after.high_water);
		write_marker(dir, &before, &after);
	}

	if (ret)
		return t_fail(t, "%s", err);
	return t_pass(t, "%d workers, %lu operations in %.1f s, %.0f MiB verified",
		      sum.workers, sum.iters, sum.ms / 1000,
		      (double)sum.bytes_verified / MIB);
}

static const struct agent_case stress_cases[] = {
	{ "mix", stress_mix },
};

AGENT_GROUP(stress_group, "stress", "concurrent address space operations on every CPU",
	    stress_cases);
