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
#   2. build/opensbi/src: a git repository of it, with the series applied
#      the way `git am` does; a patch that does not apply stops the build
#      and is named. The tree is made again when the series changes.
#   3. build/opensbi/out: the build (incremental), and
#      build/opensbi/fw_dynamic.bin.

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

# What the tree is made of: the source and every patch of the series
stamp() {
	{ echo "$version $tag_commit"; series_files |
		while read -r p; do sha256sum "$patches/$p"; done; } | sha256sum
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

make_tree() {
	local p

	rm -rf "$src"
	mkdir -p "$src"
	fetch_release "$src"
	git -C "$src" init -q
	git -C "$src" add -A
	git -C "$src" commit -q -m "OpenSBI $version"
	while read -r p; do
		[ -f "$patches/$p" ] || die "series names $p, which is not in $patches"
		git -C "$src" am -q --keep-cr "$patches/$p" ||
			{ git -C "$src" am --abort; die "$p does not apply to OpenSBI $version"; }
	done < <(series_files)
	stamp > "$out/.tree-stamp"
}

mkdir -p "$out"
if [ ! -d "$src/.git" ] || ! cmp -s <(stamp) "$out/.tree-stamp"; then
	make_tree
fi
make -s -C "$src" O="$out/out" CROSS_COMPILE="$cross" PLATFORM=generic \
	-j"$jobs"
cp "$out/out/platform/generic/firmware/fw_dynamic.bin" "$out/fw_dynamic.bin"
echo "opensbi: $out/fw_dynamic.bin (OpenSBI $version, $(series_files | wc -l) patch(es))"
