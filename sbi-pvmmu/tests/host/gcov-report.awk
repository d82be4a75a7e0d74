# SPDX-License-Identifier: BSD-2-Clause
#
# Summarise gcov -b -c output for the PVMMU core (make coverage):
#   awk [-v min_lines=100 -v min_branches=95] -f gcov-report.awk \
#       pvmmu_core.c.gcov pvmmu_pool.c.gcov
# Prints line and branch coverage per file and in total, then every line
# never executed and every branch never taken (with its source line).
# Exits 1 if the totals are below min_lines or min_branches (percent).

function pct(a, b) { return b ? sprintf("%.2f%%", 100 * a / b) : "n/a" }

# the annotated sources
FNR == 1 {
	n = split(FILENAME, parts, "/")
	file = parts[n]
	sub(/\.gcov$/, "", file)
	files[++nfiles] = file
}

/^ *(-|[0-9]+\*?|#####|=====):/ {
	split($0, col, ":")
	count = col[1]
	gsub(/ /, "", count)
	line = col[2] + 0
	src = $0
	sub(/^[^:]*:[^:]*:/, "", src)
	if (count == "-")
		next
	lines[file]++
	if (count == "#####" || count == "=====") {
		unl[file] = unl[file] sprintf("  %s:%d: %s\n", file, line, src)
	} else {
		hit[file]++
	}
	next
}

/^branch / {
	br[file]++
	if ($3 == "taken" && $4 + 0 > 0) {
		taken[file]++
		next
	}
	why = ($3 == "never") ? "never executed" : "never taken"
	unb[file] = unb[file] sprintf("  %s:%d: branch %s %s: %s\n", \
				      file, line, $2, why, src)
}

END {
	for (i = 1; i <= nfiles; i++) {
		f = files[i]
		printf("coverage %-13s lines %7s (%d/%d)  ", f, \
		       pct(hit[f], lines[f]), hit[f], lines[f])
		printf("branches %7s (%d/%d)\n", pct(taken[f], br[f]), \
		       taken[f], br[f])
		th += hit[f]; tl += lines[f]; tt += taken[f]; tb += br[f]
	}
	printf("coverage %-13s lines %7s (%d/%d)  ", "total", pct(th, tl), \
	       th, tl)
	printf("branches %7s (%d/%d)\n", pct(tt, tb), tt, tb)
	for (i = 1; i <= nfiles; i++) {
		f = files[i]
		if (unl[f] != "")
			printf("lines never executed in %s:\n%s", f, unl[f])
		if (unb[f] != "")
			printf("branches never taken in %s:\n%s", f, unb[f])
	}
	if (!tl || 100 * th < min_lines * tl || 100 * tt < min_branches * tb) {
		printf("coverage below the target (lines %s%%, branches %s%%)\n",
		       min_lines, min_branches)
		exit 1
	}
}
