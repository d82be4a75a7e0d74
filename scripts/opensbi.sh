#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make opensbi: upstream OpenSBI 1.8.1 with the project's patch series
# (sbi-pvmmu/opensbi/patches/series), built as fw_dynamic.bin for
# PLATFORM=generic.
#
#   1. The release source: $OPENSBI_TARBALL (default: the tarball in
#      ../shared/deps), checked against its pinned sha256. Without one, a
#      clone of the v1.8.1 tag, checked against the tag's pinned commit.
#   2. build/opensbi/src: a git repository of it. Its first commit after
#      the release is made here, from the project's one copy of the
#      portable PVMMU core (sbi-pvmmu/pvmmu and the ABI header), so the
#      core is never forked; then the series is applied the way `git am`
#      does; a patch that does not apply stops the build and is named.
#      The tree is made again when the core or the series changes.
#   3. build/opensbi/out: the build (incremental), and
#      build/opensbi/fw_dynamic.bin.
#
# With --export DIR: the whole series, the core's patch first, as
# `git format-patch` files in DIR, to `git am` onto one's own v1.8.1.
# With --verify: export it, `git am` it onto a fresh copy of the release
# and check that the result is exactly the tree that is built.
# With --check-style: OpenSBI's conventions on the glue (patches 2 on;
# patch 1 is the portable core, in the project's kernel style): the files
# the series adds pass OpenSBI's .clang-format, and every patch passes
# Linux's checkpatch.pl (build/linux) but for what OpenSBI does its own
# way: SPDX tags inside the header comment, no MAINTAINERS file, and
# libfdt's uint64_t.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
version=1.8.1
# `git archive --prefix=opensbi-1.8.1/ v1.8.1` (see ../shared/deps/README.md)
tarball_sha256=db296df5febb3af31074006306d82fed078f538fb2ec51f68cda5a6ed1beee9a
tag_commit=74434f255873d74e56cc50aa762d1caf24c099f8
git_url=${OPENSBI_GIT:-https://github.com/riscv-software-src/opensbi.git}
tarball=${OPENSBI_TARBALL:-$repo/../shared/deps/opensbi-$version.tar.gz}
patches=$repo/sbi-pvmmu/opensbi/patches
out=$repo/build/opensbi
src=$out/src
cross=${CROSS_COMPILE:-riscv64-linux-gnu-}
jobs=${JOBS:-$(nproc)}

die() { echo "opensbi: $*" >&2; exit 1; }

export GIT_AUTHOR_NAME="pvmmu developers" GIT_AUTHOR_EMAIL="dev@pvmmu.invalid"
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL

series_files() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$patches/series"; }

# The core's files: the project's copy -> where the series puts them
core_files=(
	"sbi-pvmmu/pvmmu/pvmmu_core.c lib/sbi/pvmmu/pvmmu_core.c"
	"sbi-pvmmu/pvmmu/pvmmu_core.h lib/sbi/pvmmu/pvmmu_core.h"
	"sbi-pvmmu/pvmmu/pvmmu_pool.c lib/sbi/pvmmu/pvmmu_pool.c"
	"sbi-pvmmu/pvmmu/pvmmu_port.h lib/sbi/pvmmu/pvmmu_port.h"
	"sbi-pvmmu/include/sbi/sbi_pvmmu_abi.h include/sbi/sbi_pvmmu_abi.h"
)

# What the tree is made of: the source, the core and the series
stamp() {
	{ echo "$version $tag_commit"
	  for f in "${core_files[@]}"; do sha256sum "$repo/${f%% *}"; done
	  series_files |
		while read -r p; do sha256sum "$patches/$p"; done; } | sha256sum
}

# The first commit of the series: the portable core, unchanged
add_core() {
	local f

	for f in "${core_files[@]}"; do
		mkdir -p "$(dirname "$src/${f#* }")"
		cp "$repo/${f%% *}" "$src/${f#* }"
	done
	git -C "$src" add -A
	git -C "$src" commit -q -F - <<-EOF
	lib: sbi: add the PVMMU portable core

	The PVMMU extension lets the firmware own the memory of the OS's page
	tables and validate every update of them. Its rules live in a portable
	core that needs from its host only the SBI types and error codes and
	GCC's __atomic builtins: pvmmu_core.c (every call and rule, one state
	structure), pvmmu_pool.c (placing the pool) and pvmmu_port.h (atomics,
	a lock, physical memory access), with the call ABI in
	include/sbi/sbi_pvmmu_abi.h.

	This patch adds the core unchanged from the pvmmu project's copy (it is
	generated from it, so the two never differ); the patches after it build
	it and add the glue to OpenSBI.

	Signed-off-by: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>
	EOF
}

# The pristine release into $1 (an empty directory)
fetch_release() {
	local dest=$1 tmp

	if [ -f "$tarball" ]; then
		echo "$tarball_sha256  $tarball" | sha256sum --quiet -c - ||
			die "$tarball: sha256 is not the pinned $tarball_sha256"
		tar -xzf "$tarball" -C "$dest" --strip-components=1
		return
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	if ! git clone -q --depth 1 --branch "v$version" "$git_url" "$tmp/git" \
		2>/dev/null; then
		die "no OpenSBI $version source: put opensbi-$version.tar.gz (sha256 $tarball_sha256) in ../shared/deps, set OPENSBI_TARBALL, or let git reach $git_url"
	fi
	[ "$(git -C "$tmp/git" rev-parse HEAD)" = "$tag_commit" ] ||
		die "$git_url: tag v$version is not the pinned commit $tag_commit"
	git -C "$tmp/git" archive HEAD | tar -x -C "$dest"
}

# A git repository of the pristine release in $1 (made afresh; left as it
# was if there is no release source)
release_repo() {
	rm -rf "$1.new"
	mkdir -p "$1.new"
	fetch_release "$1.new"
	git -C "$1.new" init -q
	git -C "$1.new" add -A
	git -C "$1.new" commit -q -m "OpenSBI $version"
	rm -rf "$1"
	mv "$1.new" "$1"
}

make_tree() {
	local p

	release_repo "$src"
	git -C "$src" tag -f release >/dev/null
	add_core
	while read -r p; do
		[ -f "$patches/$p" ] || die "series names $p, which is not in $patches"
		git -C "$src" am -q --keep-cr "$patches/$p" ||
			{ git -C "$src" am --abort; die "$p does not apply to OpenSBI $version"; }
	done < <(series_files)
	stamp > "$out/.tree-stamp"
}

# The series as format-patch files in $1
export_series() {
	mkdir -p "$1"
	rm -f "$1"/*.patch
	git -C "$src" format-patch -q --no-signature -o "$(realpath "$1")" \
		release..HEAD
}

mkdir -p "$out"
if [ ! -d "$src/.git" ] || ! cmp -s <(stamp) "$out/.tree-stamp"; then
	make_tree
fi
case ${1:-} in
--export)
	[ -n "${2:-}" ] || die "--export needs a directory"
	export_series "$2"
	echo "opensbi: $(ls "$2"/*.patch | wc -l) patch(es) in $2, for \`git am\` onto OpenSBI v$version"
	exit 0
	;;
--verify)
	check=$(mktemp -d)
	trap 'rm -rf "$check"' EXIT
	export_series "$check/series"
	release_repo "$check/tree"
	git -C "$check/tree" am -q "$check"/series/*.patch ||
		die "the exported series does not apply with git am"
	[ "$(git -C "$check/tree" rev-parse 'HEAD^{tree}')" = \
	  "$(git -C "$src" rev-parse 'HEAD^{tree}')" ] ||
		die "the exported series gives another tree than the one built"
	echo "opensbi: $(ls "$check"/series/*.patch | wc -l) exported patch(es) apply to OpenSBI v$version with git am, giving the built tree"
	exit 0
	;;
--check-style)
	checkpatch=$repo/build/linux/scripts/checkpatch.pl
	[ -x "$checkpatch" ] || die "no $checkpatch: make tree first"
	check=$(mktemp -d)
	trap 'rm -rf "$check"' EXIT
	export_series "$check"
	bad=0
	for p in "$check"/*.patch; do
		case $(basename "$p") in 0001-*) continue ;; esac
		"$checkpatch" --no-tree --terse --show-types \
			--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,PREFER_KERNEL_TYPES \
			- < "$p" > "$check/out" || { cat "$check/out"; bad=1; }
	done
	while read -r f; do
		case $f in lib/sbi/pvmmu/*|include/sbi/sbi_pvmmu_abi.h) continue ;; esac
		(cd "$src" && clang-format --dry-run --Werror --style=file "$f") ||
			bad=1
	done < <(git -C "$src" diff --name-only --diff-filter=A release HEAD -- '*.c' '*.h')
	[ "$bad" = 0 ] || die "the series does not follow OpenSBI's conventions (above)"
	echo "opensbi: the series follows OpenSBI's conventions (clang-format, checkpatch)"
	exit 0
	;;
"")	;;
*)	die "usage: opensbi.sh [--export DIR | --verify | --check-style]" ;;
esac
make -s -C "$src" O="$out/out" CROSS_COMPILE="$cross" PLATFORM=generic \
	-j"$jobs"
cp "$out/out/platform/generic/firmware/fw_dynamic.bin" "$out/fw_dynamic.bin"
echo "opensbi: $out/fw_dynamic.bin (OpenSBI $version, the core and $(series_files | wc -l) patch(es))"
