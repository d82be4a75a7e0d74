// SPDX-License-Identifier: GPL-2.0
/*
 * smp: every online hart runs user code, alone and all at once.
 *
 * Parameters: agent.smp_rounds=N (checksum rounds per worker, default 16).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

#define SMP_BUF_SIZE		MIB
#define SMP_SLICE_SIZE		(256 * KIB)
#define SMP_SEED		0x5eed000000000000ULL
#define SMP_SHARED_SEED		0x5ba7ed0000000000ULL
#define SMP_BARRIER_NS		(60ULL * 1000000000ULL)

static int cpu_list(cpu_set_t *set, int *cpus, int max)
{
	int cpu, n = 0;

	for (cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++)
		if (CPU_ISSET(cpu, set))
			cpus[n++] = cpu;
	return n;
}

/* smp.pin: migrate this process to each online CPU in turn. */
static int smp_pin(struct test_ctx *t)
{
	int cpus[CPU_SETSIZE], n, i, k;
	uint64_t start;
	cpu_set_t set;

	n = online_cpus(&set);
	if (n < 0)
		return t_fail(t, "cannot read online CPUs: %s", strerror(-n));
	n = cpu_list(&set, cpus, CPU_SETSIZE);

	start = now_ns();
	for (i = 0; i < n; i++) {
		int err = pin_to_cpu(cpus[i]);

		if (err)
			return t_fail(t, "pin to CPU %d: %s", cpus[i],
				      strerror(-err));
		for (k = 0; k < 8; k++) {
			int cur = sched_getcpu();

			if (cur != cpus[i])
				return t_fail(t, "pinned to CPU %d, running on %d",
					      cpus[i], cur);
			sched_yield();
		}
	}
	t_int(t, "cpus", n);
	t_double(t, "ms", ns_to_ms(now_ns() - start));
	return t_pass(t, "migrated to each of %d CPUs", n);
}

/* ---- smp.workers ---- */

struct smp_shared {
	unsigned int arrived;
	unsigned int pad[15];
	/* followed by one SMP_SLICE_SIZE slice per worker (page aligned) */
};

struct worker {
	int cpu;
	int index;
	int nworkers;
	unsigned int rounds;
	int report_fd;
	struct smp_shared *shared;
	unsigned char *slices;
};

struct worker_report {
	int cpu;
	int ok;
	uint64_t csum;
	uint64_t ns;
	char err[112];
};

static uint64_t worker_seed(int cpu)
{
	return SMP_SEED + cpu;
}

static uint64_t slice_seed(int index)
{
	return SMP_SHARED_SEED + index;
}

static void __printf(2, 3) worker_error(struct worker_report *r,
					const char *fmt, ...)
{
	va_list ap;

	if (!r->ok)
		return;		/* keep the first error */
	r->ok = 0;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
}

static void worker_compute(struct worker *w, struct worker_report *r)
{
	uint64_t seed = worker_seed(w->cpu), c0;
	long long bad;
	unsigned int i;
	void *buf;
	int cur;

	buf = map_anon(SMP_BUF_SIZE);
	if (!buf) {
		worker_error(r, "mmap: %s", strerror(errno));
		return;
	}
	pattern_fill(buf, SMP_BUF_SIZE, seed);
	c0 = csum64(buf, SMP_BUF_SIZE);

	for (i = 0; i < w->rounds; i++) {
		uint64_t c = csum64(buf, SMP_BUF_SIZE);

		if (c != c0)
			worker_error(r, "round %u: csum %016llx != %016llx",
				     i, (unsigned long long)c,
				     (unsigned long long)c0);
		cur = sched_getcpu();
		if (cur != w->cpu)
			worker_error(r, "round %u: on CPU %d", i, cur);
	}
	bad = pattern_check(buf, SMP_BUF_SIZE, seed);
	if (bad >= 0)
		worker_error(r, "pattern mismatch at offset %lld", bad);
	r->csum = c0;
	munmap(buf, SMP_BUF_SIZE);
}

/* write our slice of the shared mapping, wait for all, check everyone's */
static void worker_shared(struct worker *w, struct worker_report *r)
{
	unsigned char *mine = w->slices + (size_t)w->index * SMP_SLICE_SIZE;
	uint64_t deadline = now_ns() + SMP_BARRIER_NS;
	int i;

	pattern_fill(mine, SMP_SLICE_SIZE, slice_seed(w->index));
	__atomic_add_fetch(&w->shared->arrived, 1, __ATOMIC_SEQ_CST);

	while (__atomic_load_n(&w->shared->arrived, __ATOMIC_SEQ_CST) <
	       (unsigned int)w->nworkers) {
		if (now_ns() > deadline) {
			worker_error(r, "barrier timeout");
			return;
		}
		sched_yield();
	}

	for (i = 0; i < w->nworkers; i++) {
		unsigned char *s = w->slices + (size_t)i * SMP_SLICE_SIZE;
		long long bad = pattern_check(s, SMP_SLICE_SIZE,
					      slice_seed(i));

		if (bad >= 0)
			worker_error(r, "shared slice %d bad at offset %lld",
				     i, bad);
	}
}

/* Runs once every worker exists (workers_go()): all go together */
static int worker_main(void *arg)
{
	struct worker *w = arg;
	struct worker_report r = { .cpu = w->cpu, .ok = 1 };
	uint64_t start;
	int err, cur;

	start = now_ns();
	err = pin_to_cpu(w->cpu);
	if (err) {
		worker_error(&r, "pin: %s", strerror(-err));
	} else {
		cur = sched_getcpu();
		if (cur != w->cpu)
			worker_error(&r, "pinned but running on CPU %d", cur);
		worker_compute(w, &r);
		worker_shared(w, &r);
	}
	r.ns = now_ns() - start;

	return write_full(w->report_fd, &r, sizeof(r)) ? 1 : 0;
}

static int smp_workers(struct test_ctx *t)
{
	unsigned int rounds = agent_param_long("smp_rounds", 16);
	int cpus[CPU_SETSIZE], n, i, nreports = 0, ret;
	int report_pipe[2];
	static struct worker_report reports[CPU_SETSIZE];
	static struct workers pool;
	uint64_t start, min_ns = UINT64_MAX, max_ns = 0;
	struct smp_shared *shared;
	char err[TEST_DETAIL_MAX] = "";
	size_t shared_size;
	unsigned char *buf;
	cpu_set_t set;

	_Static_assert(sizeof(struct worker_report) <= 4096, "PIPE_BUF");

	n = online_cpus(&set);
	if (n < 0)
		return t_fail(t, "cannot read online CPUs: %s", strerror(-n));
	n = cpu_list(&set, cpus, CPU_SETSIZE);

	shared_size = page_size() + (size_t)n * SMP_SLICE_SIZE;
	shared = mmap(NULL, shared_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return t_fail(t, "mmap shared: %s", strerror(errno));
	buf = map_anon(SMP_BUF_SIZE);
	if (!buf)
		return t_fail(t, "mmap: %s", strerror(errno));
	if (pipe(report_pipe))
		return t_fail(t, "pipe: %s", strerror(errno));
	ret = workers_init(&pool);
	if (ret)
		return t_fail(t, "workers: %s", strerror(-ret));

	start = now_ns();
	for (i = 0; i < n; i++) {
		struct worker w = {
			.cpu = cpus[i],
			.index = i,
			.nworkers = n,
			.rounds = rounds,
			.report_fd = report_pipe[1],
			.shared = shared,
			.slices = (unsigned char *)shared + page_size(),
		};

		ret = workers_spawn(&pool, cpus[i], worker_main, &w);
		if (ret) {
			snprintf(err, sizeof(err), "fork: %s", strerror(-ret));
			break;
		}
	}
	workers_go(&pool);
	close(report_pipe[1]);

	while (nreports < pool.n) {
		ssize_t got = read_full(report_pipe[0], &reports[nreports],
					sizeof(reports[0]));

		if (got != sizeof(reports[0]))
			break;
		nreports++;
	}
	close(report_pipe[0]);

	workers_wait(&pool, 0);
	if (!err[0])
		workers_first_failure(&pool, err, sizeof(err));
	t_int(t, "cpus", n);
	t_uint(t, "rounds", rounds);
	t_double(t, "ms", ns_to_ms(now_ns() - start));

	if (err[0])
		return t_fail(t, "%s", err);
	if (nreports != n)
		return t_fail(t, "%d of %d workers reported", nreports, n);

	for (i = 0; i < nreports; i++) {
		struct worker_report *r = &reports[i];
		uint64_t expect;

		r->err[sizeof(r->err) - 1] = '\0';
		if (!r->ok)
			return t_fail(t, "CPU %d: %s", r->cpu, r->err);
		pattern_fill(buf, SMP_BUF_SIZE, worker_seed(r->cpu));
		expect = csum64(buf, SMP_BUF_SIZE);
		if (r->csum != expect)
			return t_fail(t, "CPU %d: csum %016llx, expected %016llx",
				      r->cpu, (unsigned long long)r->csum,
				      (unsigned long long)expect);
		if (r->ns < min_ns)
			min_ns = r->ns;
		if (r->ns > max_ns)
			max_ns = r->ns;
	}
	t_double(t, "worker_min_ms", ns_to_ms(min_ns));
	t_double(t, "worker_max_ms", ns_to_ms(max_ns));
	munmap(buf, SMP_BUF_SIZE);
	munmap(shared, shared_size);
	return t_pass(t, "%d workers pinned, %u rounds, checksums agree",
		      n, rounds);
}

static const struct agent_case smp_cases[] = {
	{ "pin", smp_pin },
	{ "workers", smp_workers },
};

AGENT_GROUP(smp_group, "smp", "every online hart runs user code", smp_cases);
