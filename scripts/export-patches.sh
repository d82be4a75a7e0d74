#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the whole kernel-side change of pvmmu as a `git format-patch`
# series against pristine Linux 6.12, in build/patches/:
#   0000  the cover letter (arch-riscv-pvmmu/cover-letter.txt)
#   0001  the files pvmmu adds (overlay, Kconfig.pvmmu, KUnit suites)
#   0002+ the hook patches of arch-riscv-pvmmu/patches/series, in order
# Author and Signed-off-by are PVMMU_PATCH_AUTHOR ("Name <email>"), else
# the repo's git user.name and user.email, else the project's address.
# With --verify, also apply the exported series to pristine 6.12 the way
# `git am` does (git mailinfo + git apply + commit) and check that the
# result is exactly the tree the build uses.
#
# Everything happens in a private git index, without checking out the
# 80,000 files of a kernel worktree.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tree=$repo/build/linux
stage=$repo/build/overlay-stage
patchdir=$repo/arch-riscv-pvmmu/patches
out=$repo/build/patches
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export GIT_INDEX_FILE=$work/index
g() { git -C "$tree" "$@"; }

placeholder="pvmmu developers <dev@pvmmu.invalid>"
author=${PVMMU_PATCH_AUTHOR:-}
if [ -z "$author" ] && git -C "$repo" config user.email > /dev/null; then
	author="$(git -C "$repo" config user.name) <$(git -C "$repo" config user.email)>"
fi
author=${author:-$placeholder}
export GIT_COMMITTER_NAME=${author% <*} GIT_COMMITTER_EMAIL=${author##*<}
GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL%>}

# The message on stdin, signed off by $author instead of the placeholder.
sign_off() {
	local line

	while IFS= read -r line; do
		[ "$line" = "Signed-off-by: $placeholder" ] && line="Signed-off-by: $author"
		printf '%s\n' "$line"
	done
}

# Apply one format-patch mail on top of commit $2; prints the new commit.
am_one() {
	local mail=$1 parent=$2 info subject

	g read-tree "$parent"
	info=$(git mailinfo "$work/msg" "$work/diff" < "$mail")
	subject=$(sed -n 's/^Subject: //p' <<< "$info")
	g apply --cached "$work/diff" ||
		{ echo "export-patches: $(basename "$mail") does not apply" >&2; exit 1; }
	{ echo "$subject"; echo; sign_off < "$work/msg"; } |
		GIT_AUTHOR_NAME=$GIT_COMMITTER_NAME \
		GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL \
		GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' <<< "$info") \
		g commit-tree "$(g write-tree)" -p "$parent"
}

[ -d "$stage" ] || { echo "export-patches: run scripts/kernel-tree.sh first" >&2; exit 1; }

# Commit 1: the overlay files.
g read-tree pristine
(cd "$stage" && find . -type f -printf '%P\n') | sort | while read -r f; do
	mode=100644
	[ -x "$stage/$f" ] && mode=100755
	g update-index --add --cacheinfo "$mode,$(g hash-object -w "$stage/$f"),$f"
done
head=$(GIT_AUTHOR_NAME=$GIT_COMMITTER_NAME GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL \
	g commit-tree "$(g write-tree)" -p pristine <<EOF
riscv: pvmmu: add the pvmmu Kconfig, arch/riscv/pvmmu and its KUnit suites

pvmmu routes user page-table writes through an ops layer that can hand
them to the M-mode firmware's PVMMU SBI extension. This patch adds every
new file of the series (see the diffstat): arch/riscv/Kconfig.pvmmu with
CONFIG_RISCV_PVMMU and the KUnit options, arch/riscv/pvmmu/ and its
KUnit suites, and the headers under arch/riscv/include/asm/. The patches
that follow hook them into existing kernel files.

Signed-off-by: $author
EOF
)
for p in $(grep -v '^#' "$patchdir/series"); do
	head=$(am_one "$patchdir/$p" "$head")
done

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

if [ "${1:-}" = "--verify" ]; then
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
