#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export pvmmu's kernel series (scripts/kernel-series.sh branch) as
# `git format-patch` mails against pristine Linux 6.12, in build/patches/,
# with 0000-cover-letter.patch from arch-riscv-pvmmu/cover-letter.txt.
#   --verify  also apply the mails to pristine 6.12 the way `git am` does
#             (git mailinfo + git apply + commit) and check that the result
#             is exactly the tree the build uses
#   --bisect  also build every prefix of the series with the small
#             configuration arch-riscv-pvmmu/bisect.config (allnoconfig plus
#             those), checked out in the worktree build/series-wt and built
#             in build/kernel-bisect; the first that fails stops it, named.
#             BISECT_FROM=N starts at patch N
#
# Everything but --bisect happens in a private git index, without checking
# out the 80,000 files of a kernel worktree.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tree=$repo/build/linux
out=$repo/build/patches
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export GIT_INDEX_FILE=$work/index
g() { git -C "$tree" "$@"; }

# Apply one format-patch mail on top of commit $2; prints the new commit.
am_one() {
	local mail=$1 parent=$2 info subject

	g read-tree "$parent"
	info=$(git mailinfo "$work/msg" "$work/diff" < "$mail")
	subject=$(sed -n 's/^Subject: //p' <<< "$info")
	g apply --cached "$work/diff" ||
		{ echo "export-patches: $(basename "$mail") does not apply" >&2; exit 1; }
	{ echo "$subject"; echo; cat "$work/msg"; } |
		GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' <<< "$info") \
		g commit-tree "$(g write-tree)" -p "$parent"
}

# Build every prefix of the series in the worktree build/series-wt.
bisect() {
	local src=$repo/build/series-wt obj=$repo/build/kernel-bisect
	local log=$repo/build/kernel-bisect.log c n=0 total subject
	local kmake=(make -s ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-
		     O="$obj" --jobs="${JOBS:-$(nproc)}")

	[ -d /usr/lib/ccache ] && export PATH=/usr/lib/ccache:$PATH CCACHE_BASEDIR=$repo
	[ -d "$src" ] || (unset GIT_INDEX_FILE; g worktree add -q --detach "$src" pristine)
	total=$(g rev-list --count "pristine..$head")
	for c in $(g rev-list --reverse "pristine..$head"); do
		n=$((n + 1))
		[ "$n" -lt "${BISECT_FROM:-1}" ] && continue
		subject=$(g log -1 --format=%s "$c")
		(unset GIT_INDEX_FILE; git -C "$src" checkout -q --detach "$c")
		# make -s prints only diagnostics: a warning fails the patch too.
		if ! { "${kmake[@]}" -C "$src" allnoconfig \
			KCONFIG_ALLCONFIG="$repo/arch-riscv-pvmmu/bisect.config" &&
		       "${kmake[@]}" -C "$src"; } > "$log" 2>&1 ||
		   grep -q 'warning:' "$log"; then
			grep -E 'error|warning|undefined' "$log" | sort -u | head -20 >&2
			echo "export-patches: [$n/$total] does not build cleanly: $subject (build/kernel-bisect.log)" >&2
			exit 1
		fi
		if [ -f "$src/arch/riscv/Kconfig.pvmmu" ] &&
		   ! grep -q '^CONFIG_RISCV_PVMMU=y' "$obj/.config"; then
			echo "export-patches: [$n/$total] CONFIG_RISCV_PVMMU does not take: $subject" >&2
			exit 1
		fi
		echo "export-patches: [$n/$total] builds: $subject"
	done
}

"$repo/scripts/kernel-series.sh" branch
head=$(g rev-parse pvmmu-series)

rm -rf "$out"
g format-patch -q --zero-commit --no-signature --cover-letter -o "$out" \
	"pristine..$head"
# The cover letter: its first line is the subject, the rest the blurb.
python3 - "$out/0000-cover-letter.patch" \
	"$repo/arch-riscv-pvmmu/cover-letter.txt" <<'PY'
import sys
path, (subject, _, blurb) = sys.argv[1], open(sys.argv[2]).read().split('\n', 2)
text = open(path).read()
text = text.replace('*** SUBJECT HERE ***', subject)
text = text.replace('*** BLURB HERE ***', blurb.rstrip('\n'))
open(path, 'w').write(text)
PY
ls "$out"

verify=false
for arg in "$@"; do
	case $arg in
	--verify) verify=true ;;
	--bisect) ;;
	*) echo "usage: export-patches.sh [--verify] [--bisect]" >&2; exit 1 ;;
	esac
done

if $verify; then
	check=$(g rev-parse pristine)
	for p in "$out"/0*.patch; do
		[ "$(basename "$p")" = 0000-cover-letter.patch ] && continue
		check=$(am_one "$p" "$check")
	done
	if [ "$(g rev-parse "$check^{tree}")" != "$(g rev-parse "$head^{tree}")" ]; then
		echo "export-patches: the applied series differs from the export" >&2
		exit 1
	fi
	for f in $(g diff --name-only pristine "$check"); do
		g cat-file blob "$check:$f" | cmp -s - "$tree/$f" ||
			{ echo "export-patches: $f differs from build/linux" >&2; exit 1; }
	done
	echo "export-patches: $(ls "$out" | wc -l) patches apply to pristine 6.12 as git am does and reproduce build/linux"
fi

case " $* " in *" --bisect "*) bisect ;; esac
