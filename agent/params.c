// SPDX-License-Identifier: GPL-2.0
/*
 * agent.* parameters from the kernel command line.
 *
 * "agent.run=boot,smp agent.smp_rounds=8" makes agent_param("run") return
 * "boot,smp" and agent_param_long("smp_rounds", 16) return 8.  Double
 * quotes group words and are removed, as the kernel does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define PARAM_PREFIX	"agent."
#define MAX_PARAMS	64
#define PARAM_KEY_MAX	48
#define PARAM_VAL_MAX	464

struct param {
	char key[PARAM_KEY_MAX];
	char val[PARAM_VAL_MAX];
};

static struct param params[MAX_PARAMS];
static unsigned int nparams;

int param_set(const char *key, const char *val)
{
	struct param *p = NULL;
	unsigned int i;

	if (strlen(key) >= PARAM_KEY_MAX || strlen(val) >= PARAM_VAL_MAX)
		return -ENAMETOOLONG;

	for (i = 0; i < nparams; i++) {
		if (!strcmp(params[i].key, key)) {
			p = &params[i];
			break;
		}
	}
	if (!p) {
		if (nparams == MAX_PARAMS)
			return -ENOSPC;
		p = &params[nparams++];
		snprintf(p->key, sizeof(p->key), "%s", key);
	}
	snprintf(p->val, sizeof(p->val), "%s", val);
	return 0;
}

const char *agent_param(const char *key)
{
	unsigned int i;

	for (i = 0; i < nparams; i++)
		if (!strcmp(params[i].key, key))
			return params[i].val;
	return NULL;
}

/* The value as a number (decimal, 0x hex or 0 octal), or def if unset/bad. */
long agent_param_long(const char *key, long def)
{
	const char *val = agent_param(key);
	char *end;
	long v;

	if (!val || !*val)
		return def;
	errno = 0;
	v = strtol(val, &end, 0);
	if (errno || *end)
		return def;
	return v;
}

/*
 * Copy the next whitespace-separated word of *sp into word, dropping
 * quotes.  Returns false at the end of the string.
 */
static bool next_word(const char **sp, char *word, size_t size)
{
	const char *s = *sp;
	bool quoted = false;
	size_t n = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return false;

	for (; *s; s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (!quoted && (*s == ' ' || *s == '\t' || *s == '\n'))
			break;
		if (n + 1 < size)
			word[n++] = *s;
	}
	word[n] = '\0';
	*sp = s;
	return true;
}

void params_from_cmdline(const char *cmdline)
{
	char word[PARAM_KEY_MAX + PARAM_VAL_MAX + sizeof(PARAM_PREFIX)];
	const char *s = cmdline;

	while (next_word(&s, word, sizeof(word))) {
		char *key, *eq;

		if (strncmp(word, PARAM_PREFIX, strlen(PARAM_PREFIX)))
			continue;
		key = word + strlen(PARAM_PREFIX);
		eq = strchr(key, '=');
		if (eq)
			*eq = '\0';
		if (!*key)
			continue;
		/* a bare "agent.foo" is a flag: value "1" */
		param_set(key, eq ? eq + 1 : "1");
	}
}

const char *agent_tmpdir(void)
{
	const char *dir = agent_param("tmpdir");

	return dir ? dir : "/tmp";
}
