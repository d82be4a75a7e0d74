// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fake physical memory (see pvmmu_fake.h): one memfd mapped twice, page
 * protections on the core's view, and a one-shot write-fault injector.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvmmu_fake.h"

#define HOST_PAGE	4096UL

int fake_mem_create(struct fake_mem *fm, unsigned long base,
		    unsigned long size)
{
	void *a, *b;
	int fd;

	memset(fm, 0, sizeof(*fm));
	if ((base | size) & (HOST_PAGE - 1))
		return -1;
	fd = memfd_create("pvmmu-fake-ram", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return -1;
	}
	a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		if (a != MAP_FAILED)
			munmap(a, size);
		if (b != MAP_FAILED)
			munmap(b, size);
		close(fd);
		return -1;
	}
	fm->base = base;
	fm->size = size;
	fm->mem = a;
	fm->alias = b;
	fm->fd = fd;
	return 0;
}

void fake_mem_destroy(struct fake_mem *fm)
{
	if (!fm->mem)
		return;
	munmap(fm->mem, fm->size);
	munmap(fm->alias, fm->size);
	close(fm->fd);
	memset(fm, 0, sizeof(*fm));
}

void fake_mem_protect(struct fake_mem *fm, unsigned long pa,
		      unsigned long size, int prot)
{
	unsigned long lo = pa & ~(HOST_PAGE - 1);
	unsigned long hi = (pa + size + HOST_PAGE - 1) & ~(HOST_PAGE - 1);

	if (mprotect(fm->mem + (lo - fm->base), hi - lo, prot)) {
		perror("mprotect");
		_exit(3);
	}
}

/* ---- one-shot write-fault injection */

static struct {
	unsigned char *page;	/* armed host page, NULL if none */
	void (*fn)(void *arg);
	void *arg;
	bool fired;
	bool installed;
} inj;

static void inj_segv(int sig, siginfo_t *si, void *uc)
{
	unsigned char *a = si->si_addr, *page = inj.page;

	(void)uc;
	if (page && a >= page && a < page + HOST_PAGE) {
		/* Restore first: the callback may use either view */
		mprotect(page, HOST_PAGE, PROT_READ | PROT_WRITE);
		inj.page = NULL;
		inj.fired = true;
		inj.fn(inj.arg);
		return;	/* the faulting write is executed again */
	}
	/* Not ours: a real wild access. Die with the default action. */
	signal(sig, SIG_DFL);
}

void fake_arm(struct fake_mem *fm, unsigned long pa,
	      void (*fn)(void *arg), void *arg)
{
	struct sigaction sa;

	if (!inj.installed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = inj_segv;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		inj.installed = true;
	}
	inj.page = fm->mem + ((pa - fm->base) & ~(HOST_PAGE - 1));
	inj.fn = fn;
	inj.arg = arg;
	inj.fired = false;
	if (mprotect(inj.page, HOST_PAGE, PROT_READ)) {
		perror("mprotect");
		_exit(3);
	}
}

bool fake_disarm(void)
{
	bool fired = inj.fired;

	if (inj.page) {
		mprotect(inj.page, HOST_PAGE, PROT_READ | PROT_WRITE);
		inj.page = NULL;
	}
	inj.fired = false;
	return fired;
}
