/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvmmu guest agent: shared declarations.
 *
 * The agent is PID 1 of the test initramfs.  It runs named test cases in
 * forked children and reports one JSON object per result on the console,
 * each line prefixed with AGENT_PREFIX.
 *
 * Adding tests: create test-<group>.c defining a struct agent_group with a
 * table of struct agent_case, and list the group in tests.c.  A case is a
 * function that fills a struct test_ctx and returns t_pass(), t_fail() or
 * t_skip().  It runs in its own process, so it may crash, leak or call
 * exit() without harming the agent; the runner turns that into a failure.
 */
#ifndef PVMMU_AGENT_H
#define PVMMU_AGENT_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AGENT_PREFIX		"PVMMU-AGENT: "
#define AGENT_DEFAULT_RUN	"boot"
#define AGENT_DEFAULT_TIMEOUT	300

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define KIB			1024UL
#define MIB			(1024UL * 1024UL)

#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))

/* ---- JSON writer (json.c) ---- */

/*
 * A JSON object (or a bare list of members, a "fragment") built into a
 * caller-provided buffer.  Each member is added atomically: if it does not
 * fit it is dropped and 'truncated' is set, so the text stays valid JSON.
 */
struct json {
	char *buf;
	size_t size;
	size_t len;
	unsigned int members;
	bool object;
	bool overflow;
	bool truncated;
};

void json_init(struct json *j, char *buf, size_t size);
void json_init_fragment(struct json *j, char *buf, size_t size);
void json_str(struct json *j, const char *key, const char *val);
void json_int(struct json *j, const char *key, long long val);
void json_uint(struct json *j, const char *key, unsigned long long val);
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_hex(struct json *j, const char *key, uint64_t val);
void json_merge(struct json *j, const char *fragment, unsigned int members);
const char *json_finish(struct json *j);

/* Write one finished object as a single "PVMMU-AGENT: {...}\n" line. */
void agent_emit(struct json *j);

/* ---- tests and results (runner.c) ---- */

enum test_result {
	RESULT_PASS,
	RESULT_FAIL,
	RESULT_SKIP,
};

#define TEST_DETAIL_MAX		480
#define TEST_FIELDS_MAX		3072

/*
 * What a test child sends back to the runner.  Must fit in PIPE_BUF so the
 * single write() that carries it is atomic.
 */
struct test_record {
	int result;
	unsigned int nfields;
	/* results the case emitted itself with t_report(), for the totals */
	unsigned int sub_passed;
	unsigned int sub_failed;
	unsigned int sub_skipped;
	char detail[TEST_DETAIL_MAX];
	char fields[TEST_FIELDS_MAX];
};

struct test_ctx {
	const char *name;		/* "group.case" */
	struct test_record rec;
	struct json fields;		/* extra JSON members, into rec.fields */
};

int t_pass(struct test_ctx *t, const char *fmt, ...) __printf(2, 3);
int t_fail(struct test_ctx *t, const char *fmt, ...) __printf(2, 3);
int t_skip(struct test_ctx *t, const char *fmt, ...) __printf(2, 3);
void t_int(struct test_ctx *t, const char *key, long long val);
void t_uint(struct test_ctx *t, const char *key, unsigned long long val);
void t_double(struct test_ctx *t, const char *key, double val);
void t_str(struct test_ctx *t, const char *key, const char *val);
void t_hex(struct test_ctx *t, const char *key, uint64_t val);
/*
 * Emit one more result line now, under its own name (a case that runs a
 * whole test program reports the program's cases this way); it counts in
 * the done line like any other.  fields: a JSON fragment or NULL.
 */
void t_report(struct test_ctx *t, const char *name, int result,
	      const char *detail, const char *fields, unsigned int nfields);

struct agent_case {
	const char *name;
	int (*run)(struct test_ctx *t);
};

struct agent_group {
	const char *name;
	const char *desc;
	const struct agent_case *cases;
	size_t ncases;
	bool manual;		/* only run by name, not by "all" */
};

#define AGENT_GROUP(_var, _name, _desc, _cases)			\
	const struct agent_group _var = {			\
		.name = _name,					\
		.desc = _desc,					\
		.cases = _cases,				\
		.ncases = ARRAY_SIZE(_cases),			\
	}

/* tests.c: NULL-terminated table of all groups */
extern const struct agent_group *const agent_groups[];

/* test-<group>.c */
extern const struct agent_group boot_group;
extern const struct agent_group smp_group;
extern const struct agent_group vm_group;
extern const struct agent_group stress_group;
extern const struct agent_group adsafety_group;
extern const struct agent_group hotplug_group;
extern const struct agent_group pool_group;
extern const struct agent_group pvmmu_group;
extern const struct agent_group reject_group;
extern const struct agent_group bench_group;
extern const struct agent_group mmselftests_group;
extern const struct agent_group selftest_group;

struct run_stats {
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
};

/* @all: the NULL-terminated table of groups (tests.c's agent_groups) */
void runner_init(const struct agent_group *const *all);
void run_list(const char *list, unsigned int timeout_s, struct run_stats *st);
void report_result(struct run_stats *st, const char *name, int result,
		   const char *detail, const char *fields,
		   unsigned int nfields, double wall_ms);
void report_event(const char *event, const char *detail);
void list_tests(void);

/* ---- workers on every hart (workers.c) ---- */

#define WORKERS_MAX	CPU_SETSIZE

struct workers {
	int n;				/* started */
	int gate[2];			/* closing it starts them all */
	pid_t pid[WORKERS_MAX];
	int cpu[WORKERS_MAX];		/* where each was born; -1: anywhere */
	int status[WORKERS_MAX];	/* wait status, -1 if lost */
	bool reaped[WORKERS_MAX];
	bool timed_out;			/* workers_wait() killed the rest */
	cpu_set_t parent_mask;
};

/* 0 or -errno */
int workers_init(struct workers *w);
/*
 * Fork a worker on @cpu (-1: wherever the parent is) that waits for
 * workers_go() and then exits with @fn(@arg). 0 or -errno.
 */
int workers_spawn(struct workers *w, int cpu, int (*fn)(void *arg), void *arg);
/* Put the parent back on its own CPUs and start every worker. */
void workers_go(struct workers *w);
/* Reap them all; after @limit_s seconds (0: none) kill what is left. */
void workers_wait(struct workers *w, unsigned int limit_s);
/* Reap the workers that have exited already: how many, without waiting. */
int workers_reap_exited(struct workers *w);
/*
 * The index of the first worker that did not exit 0, described in @err
 * ("worker CPU n: ..."), or -1 if all did.
 */
int workers_first_failure(const struct workers *w, char *err, size_t size);

/* ---- agent.* parameters (params.c) ---- */

void params_from_cmdline(const char *cmdline);
int param_set(const char *key, const char *val);
const char *agent_param(const char *key);
long agent_param_long(const char *key, long def);
/* agent.tmpdir, where tests put their files: /tmp unless set */
const char *agent_tmpdir(void);

/* ---- helpers (util.c) ---- */
/* Is @name one of the items of @list, separated by any of @seps? */
bool list_has(const char *list, const char *seps, const char *name);

void sleep_ms(unsigned int ms);
uint64_t now_ns(void);
uint64_t now_ns_raw(void);

static inline double ns_to_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

ssize_t read_text(const char *path, char *buf, size_t size);
/* Write @val to the file at @path (sysfs, procfs): 0 or -errno. */
int write_str(const char *path, const char *val);
int write_full(int fd, const void *buf, size_t len);
ssize_t read_full(int fd, void *buf, size_t len);
int cpulist_parse(const char *s, cpu_set_t *set);
int online_cpus(cpu_set_t *set);
int pin_to_cpu(int cpu);
int wait_pid(pid_t pid, int *status);
const char *describe_status(int status, char *buf, size_t size);
pid_t fork_call(int (*fn)(void *arg), void *arg);
int run_child(int (*fn)(void *arg), void *arg, int *status);
void agent_set_self(const char *argv0);
const char *agent_self(void);

/* ---- memory helpers (mem.c) ---- */

size_t page_size(void);
void *map_anon(size_t len);
uint64_t pattern_word(uint64_t seed, size_t index);
void pattern_fill(void *buf, size_t len, uint64_t seed);
void pattern_fill_from(void *buf, size_t len, uint64_t seed, size_t first);
long long pattern_check(const void *buf, size_t len, uint64_t seed);
long long pattern_check_from(const void *buf, size_t len, uint64_t seed,
			     size_t first);
uint64_t csum64(const void *buf, size_t len);
long long first_nonzero(const void *buf, size_t len);
long resident_pages(void *addr, size_t len);

enum probe_mode {
	PROBE_READ,
	PROBE_WRITE,
};

struct fault_info {
	int signo;		/* 0: the access did not fault */
	int code;		/* si_code */
	uintptr_t addr;		/* si_addr */
};

int probe_access(void *addr, enum probe_mode mode, struct fault_info *fi);
const char *fault_name(const struct fault_info *fi, char *buf, size_t size);

/* ---- the stress mix (test-stress.c), also the pvmmu group's burst ---- */

enum stress_op {
	STRESS_FORK,		/* fork, child verifies and touches memory */
	STRESS_EXEC,		/* fork + exec of the helper mode */
	STRESS_MAP,		/* mmap, mprotect, mremap grow/shrink/move */
	STRESS_STORM,		/* first-touch faults, MADV_DONTNEED, re-fault */
	STRESS_SHARED,		/* MAP_SHARED file written by two processes */
	STRESS_COW,		/* parent and child write the same pages */
	STRESS_NR_OPS,
};

extern const char *const stress_op_names[STRESS_NR_OPS];

struct stress_opts {
	uint64_t duration_ns;
	unsigned long max_iters;	/* per worker */
	uint64_t seed;
	size_t max_size;		/* largest anonymous mapping */
	const char *tmpdir;
	/*
	 * CPUs may go offline during the run (test-hotplug.c): a worker
	 * whose CPU is gone, or goes, runs on where the kernel puts it.
	 */
	bool cpus_may_go;
};

struct stress_summary {
	int workers;
	unsigned long iters;
	unsigned long ops[STRESS_NR_OPS];
	double op_ms[STRESS_NR_OPS];	/* total time spent in each */
	double max_op_ms;		/* the longest single operation */
	int max_op;
	unsigned long long bytes_verified;
	double ms;
	char per_cpu[512];		/* "cpu:iterations/MiB verified ..." */
	int unpinned;			/* cpus_may_go: workers set up elsewhere */
	unsigned long displaced;	/* cpus_may_go: ops that ended elsewhere */
};

/*
 * One worker per online CPU, each pinned there, running the mix until the
 * time or iteration bound.  Returns 0, or -1 with the first problem in err.
 */
int stress_run(const struct stress_opts *o, struct stress_summary *sum,
	       char *err, size_t size);

/* ---- pvmmu page table accounting (test-pvmmu.c, pvmmu_stat.c) ---- */

struct pvmmu_stat;

/* the marker stress leaves for pvmmu.leak: its pool use before/after */
#define PVMMU_STRESS_MARKER	".pvmmu-agent-stress"

/*
 * (leak.c) Bracket some work: begin records the pool use of the live processes
 * (no CPU or khugepaged still holding a dead mm, counters quiet); end
 * waits up to timeout_ms for it to come back.  Both return 0 or -errno
 * (begin: -ENODEV when pvmmu is inactive; end: -ETIMEDOUT when the user
 * tables stayed above the baseline, *after holding the last read).  The
 * caller's own tables that the work grew (its heap or stack reaching a
 * new 2 MiB region) are not a leak: pvmmu_leak_own_growth() counts them
 * and the end's comparison leaves them out.
 */
int pvmmu_leak_begin(struct pvmmu_stat *base);
/* Touch the stack deeper than the bracketed work will go (begin does) */
void pvmmu_leak_prefault_stack(void);
int pvmmu_leak_end(const struct pvmmu_stat *base, struct pvmmu_stat *after,
		   unsigned int timeout_ms);
long long pvmmu_leak_own_growth(const struct pvmmu_stat *base,
				const struct pvmmu_stat *after);

/* ---- the kernel log and children with a deadline (watch.c) ---- */

/* /dev/kmsg opened at its end (what comes later is read): fd or -errno */
int kmsg_open_end(void);
/*
 * The next record's text (after the header, up to the first newline)
 * into msg: 1, 0 when there is none yet, or -errno (-EINVAL: a record
 * does not fit in size - 1).  Records lost to overwriting are skipped.
 */
int kmsg_next(int fd, char *msg, size_t size);
/*
 * Read the records since then; count in *nbad those that mean trouble
 * (WARNING:, BUG:, Oops, Kernel panic, Unable to handle, Bad page, Bad
 * rss) and contain none of the NULL-terminated allow strings (allow may
 * be NULL); the first goes to first.  0 or -errno.
 */
int kmsg_scan_trouble(int fd, const char *const *allow, char *first,
		      size_t size, unsigned int *nbad);
/* waitpid() with a deadline: 0 with *status, -ETIMEDOUT or -errno */
int wait_pid_timeout(pid_t pid, unsigned int timeout_ms, int *status);
/* SIGKILL and reap (status may be NULL): 0, -ETIMEDOUT or -errno */
int kill_wait(pid_t pid, unsigned int timeout_ms, int *status);

/* ---- helper mode, run by exec tests (helper.c) ---- */

int helper_main(int argc, char **argv);

#endif /* PVMMU_AGENT_H */
