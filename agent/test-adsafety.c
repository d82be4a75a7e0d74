// SPDX-License-Identifier: GPL-2.0
/*
 * adsafety: no page table update may lose an A or D bit the hardware set.
 *
 * With pvmmu every user PTE write is a firmware call, and in lazy MMU
 * sections it is queued per CPU: ptep_get_and_clear() may even return a
 * predicted old value.  Meanwhile other harts keep setting A and D in the
 * same PTEs.  A dropped D bit loses data wherever the kernel relies on it:
 * the writeback of a shared file page, or the "was it written after
 * MADV_FREE?" test of reclaim.  Each case keeps one CPU storing into pages
 * while other CPUs rewrite, clear or unmap the PTEs of those pages, and
 * then checks every byte against a ledger of what was last written.
 *
 * Every page written here has the same layout: word 0 the sequence number
 * of the write, word 1 a tag (writer side and page index), words 2..n-2 a
 * pattern derived from (side, page, sequence), word n-1 csum64() of the
 * rest.  So any page can be recomputed from its ledger entry, and a wrong
 * page can be told apart as an intact page of another sequence (a lost or
 * stale write) or a torn/corrupt one.
 *
 * - shared_file: a tmpfs file (the initramfs has nothing with real
 *   writeback, so the page cache page is the truth).  A writer process on
 *   CPU 0 writes sequence numbers into every page of its MAP_SHARED
 *   mapping; a thread of it (third CPU) flips the 64 pages around the
 *   writer's position between RW and RWX (write permission never goes
 *   away, but each PTE is rewritten through ptep_modify_prot_start/commit
 *   while the writer stores to it), applies MADV_COLD to the mapping and
 *   MADV_PAGEOUT to that window.  A toggler process on CPU 1
 *   maps the same file separately and loops over read-touching it,
 *   writing its own tail pages, mprotect(RO)/mprotect(RW), msync(MS_SYNC),
 *   MADV_COLD, MADV_PAGEOUT, MADV_DONTNEED and munmap + mmap.  At the end
 *   the file is read back with read() and compared with both ledgers.
 * - private_cow: a thread writes a private anonymous mapping on CPU 0
 *   while the main thread forks (fork write-protects the PTEs it is
 *   storing through) and, while each child runs, flips the 64 pages
 *   around the writer RW <-> RWX (and now and then MADV_COLD).  Each child
 *   (third CPU) writes its copy, makes it read-only, checks its own
 *   writes, makes it writable again.  Each side checks only its own
 *   writes.
 * - lazyfree: the case where a lost D bit loses data without any
 *   filesystem.  A thread on CPU 0 does MADV_FREE on a private anonymous
 *   mapping, rewrites every page, and checks the previous round before the
 *   next MADV_FREE; a thread on CPU 1 loops RW <-> RWX on the 64 pages
 *   around the writer, MADV_COLD on the whole range (every 4th time) and
 *   MADV_PAGEOUT on the 64 pages the writer has just passed (every 8th
 *   time on all of them).  Reclaim discards a lazy-free page whose PTE is
 *   clean, so a written page whose D bit was dropped comes back as zeros.
 *   A single-threaded calibration first shows that MADV_PAGEOUT does
 *   discard clean lazy-free pages (the test has teeth) and keeps the
 *   re-written ones.
 *
 * With pvmmu active each case also reports the /proc/pvmmu counters that
 * matter and fails when failures or mispredicted is non-zero afterwards.
 *
 * Parameters: agent.ad_s=N (seconds per case, default 5), agent.ad_iters=N
 * (iterations of each case's main loop, default 100000), agent.ad_mib=N
 * (size of the mapping, default 4, at most 64), agent.tmpdir=DIR, and
 * agent.ad_inject=1, which checks the checkers: shared_file's writer skips
 * one page write it records, lazyfree's writer MADV_FREEs one page right
 * after writing it (its D bit gone, as if dropped); both must then fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#ifndef MADV_COLD
#define MADV_COLD		20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

#define AD_DEFAULT_S		5
#define AD_DEFAULT_ITERS	100000
#define AD_DEFAULT_MIB		4
#define AD_MAX_MIB		64
#define AD_TAIL_PAGES		16	/* shared_file: the toggler's own pages */
#define AD_POLL_US		20000
#define AD_COW_PASSES		2	/* private_cow: passes per child */
#define AD_WINDOW_PAGES		64	/* window of pages that chases a writer */
#define AD_FLIP_BEHIND		16	/* mprotect: mostly where it goes next */
#define AD_PAGEOUT_BEHIND	56	/* MADV_PAGEOUT: mostly just written */
#define AD_FULL_EVERY		8	/* and every 8th time the whole range */
#define AD_PROT_RW		(PROT_READ | PROT_WRITE)
#define AD_PROT_RWX		(PROT_READ | PROT_WRITE | PROT_EXEC)

enum ad_side {
	SIDE_WRITER = 1,	/* shared_file writer */
	SIDE_TOGGLER,		/* shared_file toggler's tail pages */
	SIDE_PARENT,		/* private_cow */
	SIDE_CHILD,
	SIDE_LAZY,		/* lazyfree */
};

struct ad_opts {
	long secs;
	unsigned long max_iters;
	size_t ps;		/* page size */
	size_t npages;
	size_t size;		/* npages * ps */
	int cpu[4];		/* 0: writer, 1: toggler, 2: helper, 3: spare */
	bool inject;		/* agent.ad_inject: simulate a loss */
	uint64_t deadline;	/* now_ns() */
};

static bool stopped(const int *flag)
{
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

static void set_stop(int *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

static int ad_setup(struct test_ctx *t, struct ad_opts *o)
{
	long mib = agent_param_long("ad_mib", AD_DEFAULT_MIB);
	long iters = agent_param_long("ad_iters", AD_DEFAULT_ITERS);
	int list[4], n = 0, cpu, ret;
	char cpus[64];
	cpu_set_t set;

	o->secs = agent_param_long("ad_s", AD_DEFAULT_S);
	if (o->secs < 1)
		o->secs = AD_DEFAULT_S;
	if (mib < 1 || mib > AD_MAX_MIB)
		mib = AD_DEFAULT_MIB;
	o->max_iters = iters > 0 ? (unsigned long)iters : AD_DEFAULT_ITERS;
	o->inject = agent_param_long("ad_inject", 0) > 0;
	o->ps = page_size();
	o->size = mib * MIB;
	o->npages = o->size / o->ps;

	ret = online_cpus(&set);
	if (ret < 1)
		return t_fail(t, "online CPUs: %s",
			      ret < 0 ? strerror(-ret) : "none");
	for (cpu = 0; cpu < CPU_SETSIZE && n < 4; cpu++)
		if (CPU_ISSET(cpu, &set))
			list[n++] = cpu;
	for (cpu = 0; cpu < 4; cpu++)
		o->cpu[cpu] = list[cpu % n];
	snprintf(cpus, sizeof(cpus), "%d,%d,%d", o->cpu[0], o->cpu[1],
		 o->cpu[2]);
	t_int(t, "ad_s", o->secs);
	t_int(t, "mib", mib);
	t_str(t, "cpus", cpus);
	if (n < 2)
		t_str(t, "note", "one online CPU: no concurrency between writer and toggler");
	if (o->inject)
		t_int(t, "inject", 1);
	return 0;
}

static void ad_start(struct ad_opts *o)
{
	o->deadline = now_ns() + (uint64_t)o->secs * 1000000000ULL;
}

static bool ad_expired(const struct ad_opts *o)
{
	return now_ns() >= o->deadline;
}

/*
 * A window of pages around a writer at page cur, 'behind' of them already
 * passed: operations there race the stores (and the D bits they set just
 * now), and a whole-range mprotect() would hold the writer's faults off
 * for its entire (unbatched: slow) length.
 */
static size_t chase_window(const struct ad_opts *o, const size_t *cur,
			   size_t behind, size_t *first)
{
	size_t n = AD_WINDOW_PAGES < o->npages ? AD_WINDOW_PAGES : o->npages;
	size_t pos = __atomic_load_n(cur, __ATOMIC_RELAXED);

	pos = pos > behind ? pos - behind : 0;
	if (pos + n > o->npages)
		pos = o->npages - n;
	*first = pos;
	return n * o->ps;
}

/* ---- page contents ---- */

struct ad_mismatch {
	size_t page;
	unsigned int side;
	uint64_t exp_seq;
	uint64_t found_seq;
	size_t off;		/* byte offset of the first difference */
	uint64_t exp_word;
	uint64_t found_word;
	bool intact;		/* found is a complete page of found_seq */
	bool zero;		/* found is all zero */
};

static uint64_t page_tag(unsigned int side, size_t page)
{
	return 0xad5afe0000000000ULL ^ ((uint64_t)side << 32) ^ page;
}

static uint64_t page_seed(unsigned int side, size_t page, uint64_t seq)
{
	return ((uint64_t)side << 56) ^ ((uint64_t)page << 28) ^ seq;
}

static void page_write(void *p, size_t ps, unsigned int side, size_t page,
		       uint64_t seq)
{
	uint64_t seed = page_seed(side, page, seq);
	size_t i, n = ps / 8;
	uint64_t *w = p;

	w[0] = seq;
	w[1] = page_tag(side, page);
	for (i = 2; i < n - 1; i++)
		w[i] = pattern_word(seed, i);
	w[n - 1] = csum64(w, ps - 8);
}

/*
 * Index of the first word that differs from page (side, page, seq), or -1.
 * seq 0 with zero_seq0: a page never written, all zero.
 */
static long page_diff(const void *p, size_t ps, unsigned int side,
		      size_t page, uint64_t seq, bool zero_seq0,
		      uint64_t *expect)
{
	uint64_t seed = page_seed(side, page, seq), exp;
	const uint64_t *w = p;
	size_t i, n = ps / 8;

	for (i = 0; i < n; i++) {
		if (!seq && zero_seq0)
			exp = 0;
		else if (i == 0)
			exp = seq;
		else if (i == 1)
			exp = page_tag(side, page);
		else if (i < n - 1)
			exp = pattern_word(seed, i);
		else			/* every word before matched */
			exp = csum64(w, ps - 8);
		if (w[i] != exp) {
			if (expect)
				*expect = exp;
			return i;
		}
	}
	return -1;
}

/* 0 when the page is exactly (side, page, seq); else -1 and *m. */
static int page_check(const void *p, size_t ps, unsigned int side,
		      size_t page, uint64_t seq, bool zero_seq0,
		      struct ad_mismatch *m)
{
	const uint64_t *w = p;
	uint64_t exp = 0;
	long i;

	i = page_diff(p, ps, side, page, seq, zero_seq0, &exp);
	if (i < 0)
		return 0;
	m->page = page;
	m->side = side;
	m->exp_seq = seq;
	m->found_seq = w[0];
	m->exp_word = exp;
	m->found_word = w[i];
	m->off = i * 8 + __builtin_ctzll(exp ^ w[i]) / 8;
	m->zero = first_nonzero(p, ps) < 0;
	m->intact = !m->zero && w[1] == page_tag(side, page) &&
		    page_diff(p, ps, side, page, w[0], false, NULL) < 0;
	return -1;
}

static int fail_mismatch(struct test_ctx *t, const char *what,
			 const struct ad_mismatch *m)
{
	const char *kind = m->zero ? "all zero: page lost" :
			   m->intact ? "an intact page of that seq: stale" :
				       "torn or corrupt";

	t_int(t, "bad_page", m->page);
	return t_fail(t, "%s page %zu: expected seq %llu, found seq %llu (%s); first difference at byte %zu: expected 0x%016llx found 0x%016llx",
		      what, m->page, (unsigned long long)m->exp_seq,
		      (unsigned long long)m->found_seq, kind, m->off,
		      (unsigned long long)m->exp_word,
		      (unsigned long long)m->found_word);
}

/*
 * madvise() that tolerates advice this kernel does not have (EINVAL).
 * Returns 0 (done or unsupported) or -errno.
 */
static int madv(void *p, size_t len, int advice, unsigned long *count,
		unsigned long *unsupported)
{
	if (!madvise(p, len, advice)) {
		(*count)++;
		return 0;
	}
	if (errno == EINVAL || errno == ENOSYS) {
		(*unsupported)++;
		return 0;
	}
	return -errno;
}

/*
 * Flip [p, p + len) to RWX and back: every PTE goes through
 * ptep_modify_prot_start/commit, and the range never stops being writable.
 * *exec_ok goes false (and it is not tried again) when PROT_EXEC is
 * refused with EACCES.  Returns 0 or -errno.
 */
static int prot_flip(void *p, size_t len, bool *exec_ok, unsigned long *count)
{
	if (!*exec_ok)
		return 0;
	if (mprotect(p, len, AD_PROT_RWX)) {
		if (errno == EACCES) {
			*exec_ok = false;
			return 0;
		}
		return -errno;
	}
	if (mprotect(p, len, AD_PROT_RW))
		return -errno;
	*count += 2;
	return 0;
}

/* ---- /proc/pvmmu before and after ---- */

struct ad_pv {
	int ret;
	struct pvmmu_stat s;
};

static const char *const pv_keys[] = {
	"sbi_calls", "entries", "failures", "mispredicted", "queued",
	"flush_leave", "flush_full", "flush_sync",
};

static void pv_snap(struct ad_pv *p)
{
	p->ret = pvmmu_stat_read(&p->s);
}

static bool pv_usable(const struct ad_pv *p)
{
	/* -EPROTO: a known key is missing, the rest is parsed */
	return !p->ret || p->ret == -EPROTO;
}

static void append(char *buf, size_t size, const char *fmt, ...)
	__printf(3, 4);

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/*
 * Report the counters (pv_<key>: change over the case; pvmmu_before and
 * pvmmu_after: the values) and judge them.  Returns 0, or -1 with the
 * problem in why.
 */
static int pv_report(struct test_ctx *t, const struct ad_pv *b,
		     const struct ad_pv *a, char *why, size_t size)
{
	const char *want = agent_param("pvmmu");
	char before[256] = "", after[256] = "", missing[128] = "";
	long long vb, va, batch, failures = 0, mispredicted = 0;
	char key[32];
	size_t i;

	if (a->ret == -ENOENT) {
		t_str(t, "pvmmu", "absent");
		if (want && !strcmp(want, "1")) {
			snprintf(why, size, "agent.pvmmu=1 but no %s",
				 PVMMU_STAT_PATH);
			return -1;
		}
		return 0;
	}
	if (!pv_usable(a)) {
		snprintf(why, size, "%s: %s", PVMMU_STAT_PATH,
			 strerror(-a->ret));
		return -1;
	}
	if (!a->s.active) {
		t_str(t, "pvmmu", "inactive");
		if (want && !strcmp(want, "1")) {
			snprintf(why, size, "agent.pvmmu=1 but pvmmu inactive");
			return -1;
		}
		return 0;
	}
	t_str(t, "pvmmu", "active");
	if (!pvmmu_stat_value(&a->s, "batch", &batch))
		t_int(t, "batch", batch);
	for (i = 0; i < ARRAY_SIZE(pv_keys); i++) {
		if (pvmmu_stat_value(&a->s, pv_keys[i], &va)) {
			append(missing, sizeof(missing), "%s%s",
			       *missing ? "," : "", pv_keys[i]);
			continue;
		}
		append(after, sizeof(after), "%s%s=%lld", *after ? " " : "",
		       pv_keys[i], va);
		if (!strcmp(pv_keys[i], "failures"))
			failures = va;
		if (!strcmp(pv_keys[i], "mispredicted"))
			mispredicted = va;
		if (!pv_usable(b) || pvmmu_stat_value(&b->s, pv_keys[i], &vb))
			continue;
		append(before, sizeof(before), "%s%s=%lld", *before ? " " : "",
		       pv_keys[i], vb);
		snprintf(key, sizeof(key), "pv_%s", pv_keys[i]);
		t_int(t, key, va - vb);
	}
	t_str(t, "pvmmu_before", before);
	t_str(t, "pvmmu_after", after);
	if (*missing)
		t_str(t, "pvmmu_missing", missing);
	if (failures) {
		snprintf(why, size, "/proc/pvmmu failures=%lld after the case (the firmware rejected UPDATE entries)",
			 failures);
		return -1;
	}
	if (mispredicted) {
		snprintf(why, size, "/proc/pvmmu mispredicted=%lld after the case (a deferred exchange disagreed with the firmware)",
			 mispredicted);
		return -1;
	}
	return 0;
}

/*
 * Common end of a case: pvmmu counters, then the verdict.  data_ret is
 * RESULT_FAIL when the data check already failed (its detail is kept).
 */
static int ad_finish(struct test_ctx *t, const struct ad_pv *before,
		     int data_ret)
{
	char why[TEST_DETAIL_MAX];
	struct ad_pv after;

	pv_snap(&after);
	if (pv_report(t, before, &after, why, sizeof(why)) && !data_ret)
		return t_fail(t, "%s", why);
	return data_ret;
}

/* ---- adsafety.shared_file ---- */

struct sf_shared {
	int stop;		/* set by the case process */
	int toggler_done;	/* the toggler reached agent.ad_iters */
	size_t cur;		/* the page the writer is at */
	/* the writer process */
	unsigned long w_passes, w_writes, w_flips, w_colds, w_pageouts;
	unsigned long w_unsupported;
	bool w_exec_denied;
	/* the toggler process */
	unsigned long t_iters, t_touches, t_tail_writes, t_mprotects;
	unsigned long t_msyncs, t_colds, t_pageouts, t_dontneeds, t_remaps;
	unsigned long t_unsupported;
	/* the first problem a child saw */
	const char *err_op;	/* a string literal: same address in all */
	int err_errno;
	bool has_mismatch;
	struct ad_mismatch mm;
	uint64_t tail_seq[AD_TAIL_PAGES];
	uint64_t seq[];		/* the writer's last sequence, per page */
};

struct sf_ctx {
	const struct ad_opts *o;
	struct sf_shared *sh;
	int fd;
	unsigned char *a;	/* the writer's mapping */
};

static int sf_error(struct sf_shared *sh, const char *op, int err)
{
	if (!sh->err_op) {
		sh->err_op = op;
		sh->err_errno = err;
	}
	set_stop(&sh->stop);
	return 1;
}

/* A thread of the writer process: rewrites the PTEs the writer stores to. */
static void *sf_helper(void *arg)
{
	struct sf_ctx *c = arg;
	struct sf_shared *sh = c->sh;
	const struct ad_opts *o = c->o;
	bool exec_ok = true;
	unsigned long i;
	size_t first, len;
	void *win;
	int ret;

	pin_to_cpu(o->cpu[2]);
	for (i = 0; !stopped(&sh->stop); i++) {
		len = chase_window(o, &sh->cur, AD_FLIP_BEHIND, &first);
		win = c->a + first * o->ps;
		ret = prot_flip(win, len, &exec_ok, &sh->w_flips);
		if (ret) {
			sf_error(sh, "writer: mprotect RW/RWX", -ret);
			break;
		}
		ret = madv(c->a, o->size, MADV_COLD, &sh->w_colds,
			   &sh->w_unsupported);
		if (!ret && i % 4 == 3)
			ret = madv(win, len, MADV_PAGEOUT, &sh->w_pageouts,
				   &sh->w_unsupported);
		if (!exec_ok)
			usleep(1000);
		if (ret) {
			sf_error(sh, "writer: madvise", -ret);
			break;
		}
	}
	sh->w_exec_denied = !exec_ok;
	return NULL;
}

static int sf_writer(void *arg)
{
	struct sf_ctx *c = arg;
	const struct ad_opts *o = c->o;
	struct sf_shared *sh = c->sh;
	pthread_t helper;
	uint64_t seq;
	size_t pg;
	int ret;

	pin_to_cpu(o->cpu[0]);
	c->a = mmap(NULL, o->size, AD_PROT_RW, MAP_SHARED, c->fd, 0);
	if (c->a == MAP_FAILED)
		return sf_error(sh, "writer: mmap", errno);
	ret = pthread_create(&helper, NULL, sf_helper, c);
	if (ret)
		return sf_error(sh, "writer: pthread_create", ret);

	for (seq = 1; !stopped(&sh->stop); seq++) {
		for (pg = 0; pg < o->npages; pg++) {
			__atomic_store_n(&sh->cur, pg, __ATOMIC_RELAXED);
			/* agent.ad_inject: one write "lost" from pass 2 on */
			if (!o->inject || pg != o->npages / 2 || seq < 2)
				page_write(c->a + pg * o->ps, o->ps,
					   SIDE_WRITER, pg, seq);
			sh->seq[pg] = seq;	/* read after we exit */
			sh->w_writes++;
			if (stopped(&sh->stop))
				break;
		}
		if (pg == o->npages)
			sh->w_passes++;
	}
	pthread_join(helper, NULL);
	return sh->err_op ? 1 : 0;
}

static int sf_check_tail(const struct ad_opts *o, struct sf_shared *sh,
			 const unsigned char *tail)
{
	size_t k;

	for (k = 0; k < AD_TAIL_PAGES; k++) {
		if (!page_check(tail + k * o->ps, o->ps, SIDE_TOGGLER, k,
				sh->tail_seq[k], true, &sh->mm))
			continue;
		sh->has_mismatch = true;
		return sf_error(sh, "toggler: tail page after munmap + mmap", 0);
	}
	return 0;
}

static int sf_toggler(void *arg)
{
	struct sf_ctx *c = arg;
	const struct ad_opts *o = c->o;
	struct sf_shared *sh = c->sh;
	size_t len = o->size + AD_TAIL_PAGES * o->ps, pg, k;
	unsigned char *b, *tail;
	unsigned long i;
	int ret = 0;

	pin_to_cpu(o->cpu[1]);
	b = mmap(NULL, len, AD_PROT_RW, MAP_SHARED, c->fd, 0);
	if (b == MAP_FAILED)
		return sf_error(sh, "toggler: mmap", errno);

	for (i = 0; !stopped(&sh->stop); i++) {
		if (i >= o->max_iters) {
			__atomic_store_n(&sh->toggler_done, 1, __ATOMIC_RELEASE);
			break;
		}
		tail = b + o->size;
		/* map the writer's pages here too (every other round) */
		if (!(i % 2)) {
			for (pg = 0; pg < o->npages; pg++)
				(void)*(volatile uint64_t *)(b + pg * o->ps);
			sh->t_touches++;
		}
		for (k = 0; k < AD_TAIL_PAGES; k++) {
			page_write(tail + k * o->ps, o->ps, SIDE_TOGGLER, k,
				   i + 1);
			sh->tail_seq[k] = i + 1;
		}
		sh->t_tail_writes++;

		/* write-protect and make writable: A/D-preserving updates */
		if (mprotect(b, len, PROT_READ))
			return sf_error(sh, "toggler: mprotect RO", errno);
		(void)*(volatile uint64_t *)tail;
		if (mprotect(b, len, AD_PROT_RW))
			return sf_error(sh, "toggler: mprotect RW", errno);
		sh->t_mprotects += 2;
		if (msync(b, len, MS_SYNC))
			return sf_error(sh, "toggler: msync", errno);
		sh->t_msyncs++;

		ret = madv(b, len, MADV_COLD, &sh->t_colds, &sh->t_unsupported);
		if (!ret && i % 2)
			ret = madv(b, len, MADV_PAGEOUT, &sh->t_pageouts,
				   &sh->t_unsupported);
		if (!ret && i % 3 == 2) {
			/* zap: the D bits move from the PTEs to the folios */
			if (madvise(b, len, MADV_DONTNEED))
				ret = -errno;
			else
				sh->t_dontneeds++;
		}
		if (ret)
			return sf_error(sh, "toggler: madvise", -ret);

		if (i % 8 == 7) {
			if (munmap(b, len))
				return sf_error(sh, "toggler: munmap", errno);
			b = mmap(NULL, len, AD_PROT_RW, MAP_SHARED, c->fd, 0);
			if (b == MAP_FAILED)
				return sf_error(sh, "toggler: mmap again",
						errno);
			sh->t_remaps++;
			if (sf_check_tail(o, sh, b + o->size))
				return 2;
		}
		sh->t_iters++;
	}
	munmap(b, len);
	return 0;
}

static int adsafety_shared_file(struct test_ctx *t)
{
	const char *dir = agent_tmpdir();
	struct ad_opts o;
	struct sf_ctx c = { .o = &o };
	static struct workers pool;	/* the writer, then the toggler */
	int ret, i, data_ret = 0;
	size_t flen, shlen, pg, k;
	char path[256], how[96];
	struct ad_pv before;
	struct sf_shared *sh;
	unsigned char *buf;
	uint64_t max_seq = 0, start;
	ssize_t n;

	ret = ad_setup(t, &o);
	if (ret)
		return ret;
	flen = o.size + AD_TAIL_PAGES * o.ps;
	shlen = sizeof(*sh) + o.npages * sizeof(uint64_t);
	sh = mmap(NULL, shlen, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return t_fail(t, "mmap ledger: %s", strerror(errno));
	c.sh = sh;

	snprintf(path, sizeof(path), "%s/pvmmu-ad-%d", dir, getpid());
	c.fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (c.fd < 0)
		return t_fail(t, "open %s: %s", path, strerror(errno));
	unlink(path);
	if (ftruncate(c.fd, flen))
		return t_fail(t, "ftruncate: %s", strerror(errno));

	pv_snap(&before);
	ad_start(&o);
	start = now_ns();
	ret = workers_init(&pool);
	if (ret)
		return t_fail(t, "workers: %s", strerror(-ret));
	ret = workers_spawn(&pool, -1, sf_writer, &c);
	if (ret) {
		workers_go(&pool);
		return t_fail(t, "fork writer: %s", strerror(-ret));
	}
	ret = workers_spawn(&pool, -1, sf_toggler, &c);
	if (ret) {
		set_stop(&sh->stop);
		workers_go(&pool);
		workers_wait(&pool, 0);
		return t_fail(t, "fork toggler: %s", strerror(-ret));
	}
	workers_go(&pool);

	/* until the time or the toggler's iterations are up, or one quits */
	while (!ad_expired(&o) && !stopped(&sh->toggler_done) &&
	       !stopped(&sh->stop) && !workers_reap_exited(&pool))
		usleep(AD_POLL_US);
	set_stop(&sh->stop);
	workers_wait(&pool, 0);
	t_double(t, "run_ms", ns_to_ms(now_ns() - start));

	t_uint(t, "writer_passes", sh->w_passes);
	t_uint(t, "writes", sh->w_writes);
	t_uint(t, "writer_flips", sh->w_flips);
	t_uint(t, "writer_colds", sh->w_colds);
	t_uint(t, "writer_pageouts", sh->w_pageouts);
	t_uint(t, "toggler_iters", sh->t_iters);
	t_uint(t, "tail_writes", sh->t_tail_writes);
	t_uint(t, "touches", sh->t_touches);
	t_uint(t, "mprotects", sh->t_mprotects);
	t_uint(t, "msyncs", sh->t_msyncs);
	t_uint(t, "colds", sh->t_colds);
	t_uint(t, "pageouts", sh->t_pageouts);
	t_uint(t, "dontneeds", sh->t_dontneeds);
	t_uint(t, "remaps", sh->t_remaps);
	if (sh->w_unsupported + sh->t_unsupported)
		t_uint(t, "madvise_einval", sh->w_unsupported + sh->t_unsupported);
	if (sh->w_exec_denied)
		t_str(t, "note", "PROT_EXEC refused: writer's mapping not flipped");

	if (sh->has_mismatch)
		data_ret = fail_mismatch(t, "toggler's tail (mid-run)", &sh->mm);
	else if (sh->err_op)
		data_ret = t_fail(t, "%s: %s", sh->err_op,
				  strerror(sh->err_errno));
	for (i = 0; i < pool.n && !data_ret; i++)
		if (pool.status[i] == -1)
			data_ret = t_fail(t, "%s: lost", i ? "toggler" : "writer");
		else if (!WIFEXITED(pool.status[i]) || WEXITSTATUS(pool.status[i]))
			data_ret = t_fail(t, "%s: %s", i ? "toggler" : "writer",
					  describe_status(pool.status[i], how,
							  sizeof(how)));
	if (!data_ret && !sh->w_writes)
		data_ret = t_fail(t, "the writer wrote nothing in %ld s",
				  o.secs);
	if (data_ret)
		return ad_finish(t, &before, data_ret);

	/* everything unmapped (the children are gone): read() the truth */
	buf = map_anon(flen);
	if (!buf)
		return t_fail(t, "mmap: %s", strerror(errno));
	n = pread(c.fd, buf, flen, 0);
	if (n != (ssize_t)flen)
		return t_fail(t, "read back %zd of %zu bytes", n, flen);
	for (pg = 0; pg < o.npages && !data_ret; pg++) {
		if (sh->seq[pg] > max_seq)
			max_seq = sh->seq[pg];
		if (page_check(buf + pg * o.ps, o.ps, SIDE_WRITER, pg,
			       sh->seq[pg], true, &sh->mm))
			data_ret = fail_mismatch(t, "writer's", &sh->mm);
	}
	for (k = 0; k < AD_TAIL_PAGES && !data_ret; k++)
		if (page_check(buf + o.size + k * o.ps, o.ps, SIDE_TOGGLER, k,
			       sh->tail_seq[k], true, &sh->mm))
			data_ret = fail_mismatch(t, "toggler's tail", &sh->mm);
	t_uint(t, "max_seq", max_seq);
	munmap(buf, flen);
	close(c.fd);
	if (data_ret)
		return ad_finish(t, &before, data_ret);

	ret = ad_finish(t, &before, 0);
	if (ret)
		return ret;
	return t_pass(t, "%zu pages (%lu writes, %lu passes) and %d tail pages read back as last written, after %lu mprotects, %lu msyncs, %lu remaps",
		      o.npages, sh->w_writes, sh->w_passes, AD_TAIL_PAGES,
		      sh->t_mprotects + sh->w_flips, sh->t_msyncs,
		      sh->t_remaps);
}

/* ---- adsafety.private_cow ---- */

struct cow_report {
	const char *op;		/* a string literal */
	int err;
	bool has_mismatch;
	struct ad_mismatch mm;
};

struct cow_ctx {
	const struct ad_opts *o;
	unsigned char *m;
	uint64_t *seq;		/* the parent writer's ledger */
	struct cow_report *rep;	/* MAP_SHARED: children write it */
	size_t cur;		/* the page the writer is at */
	int stop;
	unsigned long passes, writes;
};

static void *cow_writer(void *arg)
{
	struct cow_ctx *c = arg;
	const struct ad_opts *o = c->o;
	uint64_t seq;
	size_t pg;

	pin_to_cpu(o->cpu[0]);
	for (seq = 1; !stopped(&c->stop); seq++) {
		for (pg = 0; pg < o->npages; pg++) {
			__atomic_store_n(&c->cur, pg, __ATOMIC_RELAXED);
			page_write(c->m + pg * o->ps, o->ps, SIDE_PARENT, pg,
				   seq);
			c->seq[pg] = seq;
			c->writes++;
			if (stopped(&c->stop))
				break;
		}
		if (pg == o->npages)
			c->passes++;
	}
	return NULL;
}

/* A child of a threaded process: system calls and plain memory only. */
static int cow_child(struct cow_ctx *c, unsigned long nr)
{
	const struct ad_opts *o = c->o;
	struct cow_report *r = c->rep;
	unsigned int pass;
	uint64_t seq;
	size_t pg;

	pin_to_cpu(o->cpu[2]);
	for (pass = 1; pass <= AD_COW_PASSES; pass++) {
		seq = nr * 16 + pass;
		for (pg = 0; pg < o->npages; pg++)
			page_write(c->m + pg * o->ps, o->ps, SIDE_CHILD, pg,
				   seq);
		if (mprotect(c->m, o->size, PROT_READ)) {
			r->op = "child: mprotect RO";
			r->err = errno;
			return 1;
		}
		for (pg = 0; pg < o->npages; pg++) {
			if (!page_check(c->m + pg * o->ps, o->ps, SIDE_CHILD,
					pg, seq, false, &r->mm))
				continue;
			r->op = "child's own write";
			r->has_mismatch = true;
			return 2;
		}
		if (mprotect(c->m, o->size, AD_PROT_RW)) {
			r->op = "child: mprotect RW";
			r->err = errno;
			return 1;
		}
	}
	return 0;
}

static int adsafety_private_cow(struct test_ctx *t)
{
	unsigned long forks = 0, flips = 0, colds = 0, unsupported = 0;
	struct ad_opts o;
	struct cow_ctx c = { .o = &o };
	int ret, status, data_ret = 0;
	struct ad_pv before;
	bool exec_ok = true;
	pthread_t writer;
	size_t pg, first, len;
	uint64_t start;
	char how[96];
	pid_t pid;

	ret = ad_setup(t, &o);
	if (ret)
		return ret;
	c.m = map_anon(o.size);
	c.seq = calloc(o.npages, sizeof(*c.seq));
	c.rep = mmap(NULL, sizeof(*c.rep), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!c.m || !c.seq || c.rep == MAP_FAILED)
		return t_fail(t, "allocation: %s", strerror(errno));
	/* small pages: the PTEs are what this is about */
	madvise(c.m, o.size, MADV_NOHUGEPAGE);
	for (pg = 0; pg < o.npages; pg++)
		page_write(c.m + pg * o.ps, o.ps, SIDE_PARENT, pg, 0);

	pv_snap(&before);
	pin_to_cpu(o.cpu[1]);
	ad_start(&o);
	start = now_ns();
	ret = pthread_create(&writer, NULL, cow_writer, &c);
	if (ret)
		return t_fail(t, "pthread_create: %s", strerror(ret));

	while (!ad_expired(&o) && forks < o.max_iters && !data_ret) {
		/* fork write-protects the PTEs the writer is storing through */
		pid = fork();
		if (pid < 0) {
			data_ret = t_fail(t, "fork: %s", strerror(errno));
			break;
		}
		if (!pid)
			_exit(cow_child(&c, forks + 1));
		forks++;
		/* while the child runs, rewrite ours under the writer */
		while (waitpid(pid, &status, WNOHANG) == 0) {
			len = chase_window(&o, &c.cur, AD_FLIP_BEHIND, &first);
			ret = prot_flip(c.m + first * o.ps, len, &exec_ok,
					&flips);
			if (!ret && flips % (2 * AD_FULL_EVERY) == 0)
				ret = madv(c.m, o.size, MADV_COLD, &colds,
					   &unsupported);
			if (ret) {
				data_ret = t_fail(t, "parent: mprotect/madvise: %s",
						  strerror(-ret));
				wait_pid(pid, &status);
				break;
			}
			if (!exec_ok)
				usleep(1000);
		}
		if (data_ret)
			break;
		if (c.rep->has_mismatch)
			data_ret = fail_mismatch(t, c.rep->op, &c.rep->mm);
		else if (c.rep->op)
			data_ret = t_fail(t, "%s: %s", c.rep->op,
					  strerror(c.rep->err));
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			data_ret = t_fail(t, "child %lu: %s", forks,
					  describe_status(status, how,
							  sizeof(how)));
	}
	set_stop(&c.stop);
	pthread_join(writer, NULL);
	t_double(t, "run_ms", ns_to_ms(now_ns() - start));
	t_uint(t, "forks", forks);
	t_uint(t, "child_passes", forks * AD_COW_PASSES);
	t_uint(t, "writer_passes", c.passes);
	t_uint(t, "writes", c.writes);
	t_uint(t, "mprotects", flips + forks * AD_COW_PASSES * 2);
	t_uint(t, "colds", colds);
	if (unsupported)
		t_uint(t, "madvise_einval", unsupported);
	if (!exec_ok)
		t_str(t, "note", "PROT_EXEC refused: parent's mapping not flipped");

	for (pg = 0; pg < o.npages && !data_ret; pg++)
		if (page_check(c.m + pg * o.ps, o.ps, SIDE_PARENT, pg,
			       c.seq[pg], false, &c.rep->mm))
			data_ret = fail_mismatch(t, "parent's own write",
						 &c.rep->mm);
	if (!data_ret && !c.writes)
		data_ret = t_fail(t, "the writer wrote nothing in %ld s",
				  o.secs);
	ret = ad_finish(t, &before, data_ret);
	if (ret)
		return ret;
	return t_pass(t, "%lu forks under a writing thread: parent's %lu writes and every child's own %d passes intact",
		      forks, c.writes, AD_COW_PASSES);
}

/* ---- adsafety.lazyfree ---- */

struct lf_ctx {
	const struct ad_opts *o;
	unsigned char *m;
	int stop;
	int pager_done;
	/* writer thread */
	size_t cur;		/* the page it is at */
	uint64_t last_round;	/* every page holds this round */
	unsigned long frees, writes, verified, refaulted;
	bool has_mismatch;
	struct ad_mismatch mm;
	/* pager thread */
	unsigned long iters, flips, colds, pageouts, unsupported;
	bool exec_denied;
	/* either */
	const char *op;
	int err;
};

static void lf_error(struct lf_ctx *c, const char *op, int err)
{
	if (!c->op) {
		c->op = op;
		c->err = err;
	}
	set_stop(&c->stop);
}

static int lf_verify(struct lf_ctx *c, uint64_t round)
{
	const struct ad_opts *o = c->o;
	size_t pg;

	for (pg = 0; pg < o->npages; pg++) {
		if (page_check(c->m + pg * o->ps, o->ps, SIDE_LAZY, pg, round,
			       false, &c->mm)) {
			c->has_mismatch = true;
			return -1;
		}
	}
	c->verified += o->npages;
	return 0;
}

static void *lf_writer(void *arg)
{
	struct lf_ctx *c = arg;
	const struct ad_opts *o = c->o;
	uint64_t round;
	size_t pg;

	pin_to_cpu(o->cpu[0]);
	for (round = c->last_round + 1;; round++) {
		/* the previous round survived a whole pass of reclaim */
		if (lf_verify(c, round - 1)) {
			lf_error(c, "lazy-free page after MADV_PAGEOUT", 0);
			break;
		}
		if (stopped(&c->stop))
			break;
		if (madvise(c->m, o->size, MADV_FREE)) {
			lf_error(c, "writer: MADV_FREE", errno);
			break;
		}
		c->frees++;
		for (pg = 0; pg < o->npages; pg++) {
			uint64_t *w = (uint64_t *)(c->m + pg * o->ps);

			__atomic_store_n(&c->cur, pg, __ATOMIC_RELAXED);
			/* read first: young and clean, then the store dirties */
			if (!*(volatile uint64_t *)w)
				c->refaulted++;	/* discarded before we wrote */
			page_write(w, o->ps, SIDE_LAZY, pg, round);
			c->writes++;
			/* agent.ad_inject: what a dropped D bit looks like */
			if (o->inject && pg == o->npages / 2)
				madvise(w, o->ps, MADV_FREE);
		}
		c->last_round = round;
	}
	return NULL;
}

static void *lf_pager(void *arg)
{
	struct lf_ctx *c = arg;
	const struct ad_opts *o = c->o;
	bool exec_ok = true;
	size_t first, len;
	int ret;

	pin_to_cpu(o->cpu[1]);
	while (!stopped(&c->stop)) {
		if (c->iters >= o->max_iters) {
			__atomic_store_n(&c->pager_done, 1, __ATOMIC_RELEASE);
			break;
		}
		len = chase_window(o, &c->cur, AD_FLIP_BEHIND, &first);
		ret = prot_flip(c->m + first * o->ps, len, &exec_ok, &c->flips);
		if (!ret && c->iters % 4 == 0)
			ret = madv(c->m, o->size, MADV_COLD, &c->colds,
				   &c->unsupported);
		/* reclaim what was just written: its D bits are brand new */
		len = chase_window(o, &c->cur, AD_PAGEOUT_BEHIND, &first);
		if (!ret)
			ret = madv(c->m + first * o->ps, len, MADV_PAGEOUT,
				   &c->pageouts, &c->unsupported);
		if (!ret && c->iters % AD_FULL_EVERY == AD_FULL_EVERY - 1)
			ret = madv(c->m, o->size, MADV_PAGEOUT, &c->pageouts,
				   &c->unsupported);
		if (ret) {
			lf_error(c, "pager: mprotect/madvise", -ret);
			break;
		}
		c->iters++;
	}
	c->exec_denied = !exec_ok;
	return NULL;
}

/*
 * Single-threaded: MADV_FREE + MADV_PAGEOUT must discard clean pages (so
 * a lost D bit would show), and MADV_FREE + write + MADV_PAGEOUT must keep
 * them.  Returns 0, RESULT_SKIP/RESULT_FAIL through t.
 */
static int lf_calibrate(struct test_ctx *t, struct lf_ctx *c)
{
	const struct ad_opts *o = c->o;
	size_t pg, discarded = 0;
	uint64_t start = now_ns();

	for (pg = 0; pg < o->npages; pg++)
		page_write(c->m + pg * o->ps, o->ps, SIDE_LAZY, pg, 1);
	if (madvise(c->m, o->size, MADV_FREE))
		return errno == EINVAL ?
			t_skip(t, "no MADV_FREE on this kernel") :
			t_fail(t, "MADV_FREE: %s", strerror(errno));
	if (madvise(c->m, o->size, MADV_PAGEOUT))
		return errno == EINVAL ?
			t_skip(t, "no MADV_PAGEOUT on this kernel") :
			t_fail(t, "MADV_PAGEOUT: %s", strerror(errno));
	for (pg = 0; pg < o->npages; pg++) {
		const unsigned char *p = c->m + pg * o->ps;

		if (first_nonzero(p, o->ps) < 0)
			discarded++;
		else if (page_check(p, o->ps, SIDE_LAZY, pg, 1, false, &c->mm))
			return fail_mismatch(t, "calibration (clean lazy-free)",
					     &c->mm);
	}
	t_uint(t, "calib_discarded", discarded);

	/* written after MADV_FREE: dirty, must stay */
	for (pg = 0; pg < o->npages; pg++)
		page_write(c->m + pg * o->ps, o->ps, SIDE_LAZY, pg, 2);
	if (madvise(c->m, o->size, MADV_FREE))
		return t_fail(t, "MADV_FREE: %s", strerror(errno));
	for (pg = 0; pg < o->npages; pg++)
		page_write(c->m + pg * o->ps, o->ps, SIDE_LAZY, pg, 3);
	if (madvise(c->m, o->size, MADV_PAGEOUT))
		return t_fail(t, "MADV_PAGEOUT: %s", strerror(errno));
	if (lf_verify(c, 3))
		return fail_mismatch(t, "calibration (written after MADV_FREE)",
				     &c->mm);
	c->last_round = 3;
	c->verified = 0;
	t_double(t, "calib_ms", ns_to_ms(now_ns() - start));
	return 0;
}

static int adsafety_lazyfree(struct test_ctx *t)
{
	struct ad_opts o;
	struct lf_ctx c = { .o = &o };
	pthread_t writer, pager;
	struct ad_pv before;
	int ret, data_ret = 0;
	unsigned long dummy = 0;
	uint64_t start;

	ret = ad_setup(t, &o);
	if (ret)
		return ret;
	c.m = map_anon(o.size);
	if (!c.m)
		return t_fail(t, "mmap: %s", strerror(errno));
	madvise(c.m, o.size, MADV_NOHUGEPAGE);

	pv_snap(&before);
	ret = lf_calibrate(t, &c);
	if (ret == RESULT_SKIP)
		return ad_finish(t, &before, 0) ? RESULT_FAIL : RESULT_SKIP;
	if (ret)
		return ad_finish(t, &before, ret);

	ad_start(&o);
	start = now_ns();
	ret = pthread_create(&writer, NULL, lf_writer, &c);
	if (ret)
		return t_fail(t, "pthread_create: %s", strerror(ret));
	ret = pthread_create(&pager, NULL, lf_pager, &c);
	if (ret) {
		set_stop(&c.stop);
		pthread_join(writer, NULL);
		return t_fail(t, "pthread_create: %s", strerror(ret));
	}
	while (!ad_expired(&o) && !stopped(&c.pager_done) &&
	       !stopped(&c.stop))
		usleep(AD_POLL_US);
	set_stop(&c.stop);
	pthread_join(pager, NULL);
	pthread_join(writer, NULL);
	t_double(t, "run_ms", ns_to_ms(now_ns() - start));

	/* one more reclaim pass over the last round, then check it */
	if (!c.op) {
		ret = madv(c.m, o.size, MADV_PAGEOUT, &dummy, &dummy);
		if (ret)
			lf_error(&c, "MADV_PAGEOUT", -ret);
	}
	if (!c.op && lf_verify(&c, c.last_round))
		lf_error(&c, "last round after MADV_PAGEOUT", 0);

	t_uint(t, "rounds", c.frees);
	t_uint(t, "writes", c.writes);
	t_uint(t, "verified_pages", c.verified);
	t_uint(t, "refaulted", c.refaulted);
	t_uint(t, "pager_iters", c.iters);
	t_uint(t, "mprotects", c.flips);
	t_uint(t, "colds", c.colds);
	t_uint(t, "pageouts", c.pageouts);
	if (c.unsupported)
		t_uint(t, "madvise_einval", c.unsupported);
	if (c.exec_denied)
		t_str(t, "note", "PROT_EXEC refused: mapping not flipped");

	if (c.has_mismatch)
		data_ret = fail_mismatch(t, c.op ? c.op : "lazy-free", &c.mm);
	else if (c.op)
		data_ret = t_fail(t, "%s: %s", c.op, strerror(c.err));
	else if (!c.frees)
		data_ret = t_fail(t, "no MADV_FREE round in %ld s", o.secs);
	ret = ad_finish(t, &before, data_ret);
	if (ret)
		return ret;
	return t_pass(t, "%lu MADV_FREE rounds of %zu pages under %lu MADV_PAGEOUT and %lu mprotect calls: every written page kept (%lu re-faulted before the write)",
		      c.frees, o.npages, c.pageouts, c.flips, c.refaulted);
}

static const struct agent_case adsafety_cases[] = {
	{ "shared_file", adsafety_shared_file },
	{ "private_cow", adsafety_private_cow },
	{ "lazyfree", adsafety_lazyfree },
};

AGENT_GROUP(adsafety_group, "adsafety",
	    "hardware-set A/D bits survive concurrent page table updates",
	    adsafety_cases);
