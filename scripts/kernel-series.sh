#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel series of pvmmu as git commits, and back.
#
# The repo keeps the series in two parts:
#   arch-riscv-pvmmu/patches/series   the patches in order; under each, indented,
#                                     the new files that arrive with it
#   arch-riscv-pvmmu/patches/*.patch  each patch's changes to files that exist
#                                     before it (Linux's, or new files of an
#                                     earlier patch: the Makefile grows)
# and the final content of every new file in arch-riscv-pvmmu/overlay/ (the
# PVMMU ABI header a link to the firmware's), staged by
# scripts/kernel-tree.sh in build/overlay-stage.
#
#   kernel-series.sh branch      build the series as branch pvmmu-series of
#                                build/linux's git, one commit per patch, from
#                                pristine 6.12: the end is the build's tree, and
#                                each new file's earlier versions come from
#                                undoing the later patches' changes to it
#   kernel-series.sh patches     print the patch names in order
#   kernel-series.sh new-files   print the new files, "patch file" per line
#   kernel-series.sh save REV    write patches/ and series back from the commits
#                                pristine..REV (after editing the series as
#                                commits: git -C build/linux worktree add ...)
#
# The commits carry Author and Signed-off-by PVMMU_PATCH_AUTHOR ("Name
# <email>"), else the repo's git user.name and user.email, else the
# project's address.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tree=$repo/build/linux
stage=$repo/build/overlay-stage
patchdir=$repo/arch-riscv-pvmmu/patches
branch=pvmmu-series

die() { echo "kernel-series: $*" >&2; exit 1; }
g() { git -C "$tree" "$@"; }

# The patch names of the series, in order.
series_patches() { awk '!/^#/ && !/^[ \t]/ && NF { print $1 }' "$patchdir/series"; }

# "patch file" for every new file, in series order.
series_arrivals() {
	awk '/^#/ || !NF { next } /^[ \t]/ { print p, $1; next } { p = $1 }' \
		"$patchdir/series"
}

placeholder="pvmmu developers <dev@pvmmu.invalid>"
patch_author() {
	local author=${PVMMU_PATCH_AUTHOR:-}

	if [ -z "$author" ] && git -C "$repo" config user.email > /dev/null; then
		author="$(git -C "$repo" config user.name) <$(git -C "$repo" config user.email)>"
	fi
	echo "${author:-$placeholder}"
}

# Check that the stage's files and the series' new files are the same set.
check_arrivals() {
	local dup

	dup=$(series_arrivals | awk '{ print $2 }' | sort | uniq -d)
	[ -z "$dup" ] || die "new file listed twice in series: $dup"
	diff <(series_arrivals | awk '{ print $2 }' | sort) \
	     <(cd "$stage" && find . -type f -printf '%P\n' | sort) > "$work/arrivals.diff" ||
		die "series and the new files differ (< series only, > sources only):
$(cat "$work/arrivals.diff")"
}

cmd_branch() {
	local author name email p f k n mode parent info line
	local -a patches trees excludes

	[ -d "$stage" ] || die "run scripts/kernel-tree.sh first"
	check_arrivals
	mapfile -t patches < <(series_patches)
	n=${#patches[@]}
	author=$(patch_author)
	name=${author% <*}
	email=${author##*<}
	email=${email%>}
	export GIT_INDEX_FILE=$work/index

	# The end: Linux's files as the patches leave them, plus the new files.
	g read-tree pristine
	excludes=()
	while read -r p f; do excludes+=("--exclude=$f"); done < <(series_arrivals)
	for p in "${patches[@]}"; do
		g apply --cached "${excludes[@]}" "$patchdir/$p" ||
			die "$p does not apply"
	done
	(cd "$stage" && find . -type f -printf '%P\n') | while read -r f; do
		mode=100644
		[ -x "$stage/$f" ] && mode=100755
		g update-index --add --cacheinfo "$mode,$(g hash-object -w "$stage/$f"),$f"
	done
	trees[n]=$(g write-tree)

	# Backwards: undo patch k, then take away the files it adds.
	for ((k = n; k >= 1; k--)); do
		p=${patches[k - 1]}
		g apply --cached -R "$patchdir/$p" ||
			die "$p does not undo from the end of the series: a new file changed where this patch changes it; edit the series as commits (see above)"
		while read -r _ f; do
			g update-index --force-remove "$f"
		done < <(series_arrivals | awk -v p="$p" '$1 == p')
		trees[k - 1]=$(g write-tree)
	done
	[ "${trees[0]}" = "$(g rev-parse 'pristine^{tree}')" ] ||
		die "undoing every patch does not give pristine 6.12 (a new file with content no patch adds?)"

	parent=$(g rev-parse pristine)
	for ((k = 1; k <= n; k++)); do
		p=${patches[k - 1]}
		info=$(git mailinfo "$work/msg" "$work/diff" < "$patchdir/$p")
		parent=$({ sed -n 's/^Subject: //p' <<< "$info"; echo
			   while IFS= read -r line; do
				[ "$line" = "Signed-off-by: $placeholder" ] &&
					line="Signed-off-by: $author"
				printf '%s\n' "$line"
			   done < "$work/msg"; } |
			GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
			GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
			GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' <<< "$info") \
			GIT_COMMITTER_DATE=$(sed -n 's/^Date: //p' <<< "$info") \
			g commit-tree "${trees[k]}" -p "$parent")
	done
	g update-ref "refs/heads/$branch" "$parent"
	echo "kernel-series: $n patches on branch $branch of build/linux"
}

cmd_save() {
	local rev=$1 c n=0 name f
	local -a commits added excl

	[ -d "$stage" ] || die "run scripts/kernel-tree.sh first"
	mapfile -t commits < <(g rev-list --reverse "pristine..$rev")
	[ ${#commits[@]} -gt 0 ] || die "no commits in pristine..$rev"
	mkdir "$work/patches"
	echo "# pvmmu's kernel series against Debian's Linux 6.12, in order. Under each" > "$work/series"
	echo "# patch, indented: the new files it adds (scripts/kernel-series.sh)." >> "$work/series"
	for c in "${commits[@]}"; do
		n=$((n + 1))
		name=$(printf '%04d-%s.patch' "$n" "$(g log -1 --format=%f "$c")")
		mapfile -t added < <(g diff --name-only --diff-filter=A "$c^" "$c")
		excl=()
		for f in "${added[@]}"; do
			[ -f "$stage/$f" ] ||
				die "$(g log -1 --format=%s "$c"): $f is new but not in the sources"
			excl+=(":(exclude)$f")
		done
		g format-patch -1 --stdout --zero-commit --no-signature -N "$c" -- \
			. "${excl[@]}" > "$work/patches/$name"
		grep -q '^diff --git' "$work/patches/$name" ||
			die "$name changes no existing file: merge it with its neighbour"
		echo "$name" >> "$work/series"
		for f in "${added[@]}"; do printf '\t%s\n' "$f" >> "$work/series"; done
	done
	for f in $(g diff --name-only --diff-filter=A pristine "$rev"); do
		g cat-file blob "$rev:$f" | cmp -s - "$stage/$f" ||
			die "$f at $rev differs from the sources: bring them in line first"
	done
	rm -f "$patchdir"/*.patch
	mv "$work/patches"/*.patch "$patchdir/"
	mv "$work/series" "$patchdir/series"
	echo "kernel-series: $n patches written to arch-riscv-pvmmu/patches"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "${1:-}" in
branch)	cmd_branch ;;
patches) series_patches ;;
new-files) series_arrivals ;;
save)	[ $# -eq 2 ] || die "usage: kernel-series.sh save REV"; cmd_save "$2" ;;
*)	die "usage: kernel-series.sh branch | patches | new-files | save REV" ;;
esac
