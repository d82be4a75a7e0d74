// SPDX-License-Identifier: BSD-2-Clause
/*
 * Replays fuzzer inputs without libFuzzer: a main() around
 * LLVMFuzzerTestOneInput() for the gcc builds (coverage, regression runs).
 *
 *   pvmmu-fuzz-replay [-v] FILE|DIR...
 *
 * Every file (directories: every regular file in them, sorted) runs once;
 * an oracle failure aborts. -v traces every call (PVMMU_FUZZ_TRACE).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long inputs, bytes;

static int run_file(const char *path)
{
	static uint8_t buf[1 << 20];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	inputs++;
	bytes += n;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	struct dirent *d;
	struct stat sb;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	int rc = 0;
	DIR *dp = opendir(dir);

	if (!dp) {
		perror(dir);
		return -1;
	}
	while ((d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = strdup(path);
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (run_file(names[i]))
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	struct stat sb;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			setenv("PVMMU_FUZZ_TRACE", "1", 1);
			continue;
		}
		if (stat(argv[i], &sb)) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		if ((S_ISDIR(sb.st_mode) ? run_dir(argv[i]) :
					   run_file(argv[i])))
			rc = 1;
	}
	printf("replayed %lu inputs (%lu bytes), no oracle failure\n", inputs,
	       bytes);
	return rc;
}
