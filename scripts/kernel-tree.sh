#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernel source tree used by every build:
#   build/linux = Debian's pristine Linux 6.12 (git, tag "pristine")
#                 + the patches of arch-riscv-pvmmu/patches/series, for the
#                   files that exist in 6.12
#                 + the new files as they are at the end of the series:
#                   arch-riscv-pvmmu/overlay, laid out as the kernel tree
#                   (Kconfig.pvmmu and the KUnit suites included; the PVMMU
#                   ABI header is a link to sbi-pvmmu's one copy).
# scripts/kernel-series.sh turns the same parts into the series' commits.
#
# Idempotent and incremental: files are only rewritten when their content
# changes, so kbuild rebuilds only what an edit touched. Patches are
# re-applied only when the series changes; a patch that does not apply
# stops the build with its name.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tree=${KERNEL_TREE:-$repo/build/linux}
tarball=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
patchdir=$repo/arch-riscv-pvmmu/patches
stage=$repo/build/overlay-stage

log() { echo "kernel-tree: $*"; }

extract_pristine() {
	local tmp

	[ -f "$tarball" ] || { echo "kernel-tree: $tarball missing (make deps)" >&2; exit 1; }
	log "extracting $tarball"
	tmp=$(mktemp -d "$repo/build/linux-extract.XXXXXX")
	tar -xf "$tarball" -C "$tmp"
	rm -rf "$tree"
	mv "$tmp"/linux-source-6.12 "$tree"
	rmdir "$tmp"
	log "recording the pristine tree in git"
	# Debian's top-level .gitignore hides everything: force-add the tree.
	git -C "$tree" init -q
	git -C "$tree" config user.name "pvmmu build"
	git -C "$tree" config user.email "build@pvmmu.invalid"
	git -C "$tree" add -f -A .
	git -C "$tree" commit -q -m "Linux 6.12 (Debian linux-source-6.12)"
	git -C "$tree" tag pristine
}

series_patches() { "$repo/scripts/kernel-series.sh" patches; }

series_hash() {
	(cd "$patchdir" && cat series $(series_patches)) | sha1sum | cut -d' ' -f1
}

apply_series() {
	local want have p f excludes

	want=$(series_hash)
	have=$(cat "$tree/.pvmmu-series" 2>/dev/null || true)
	[ "$want" = "$have" ] && return 0

	log "applying the series"
	# The series' result in a private index; the files the previous one
	# changed are those that differ from pristine now.
	index=$(mktemp)
	trap 'rm -f "$index"' EXIT
	GIT_INDEX_FILE=$index git -C "$tree" read-tree pristine
	# A patch's changes to a new file are in the overlay's final version.
	excludes=$("$repo/scripts/kernel-series.sh" new-files | awk '{ print "--exclude=" $2 }')
	for p in $(series_patches); do
		# shellcheck disable=SC2086
		if ! GIT_INDEX_FILE=$index git -C "$tree" apply --cached \
			--whitespace=error-all $excludes "$patchdir/$p"; then
			echo "kernel-tree: patch $p does not apply to Linux 6.12" >&2
			rm -f "$tree/.pvmmu-series"
			exit 1
		fi
		log "  $p"
	done
	# Write only files whose content changes: a reordered series or an
	# edited commit message rebuilds nothing.
	{ git -C "$tree" diff --name-only pristine
	  GIT_INDEX_FILE=$index git -C "$tree" diff --cached --name-only pristine; } |
		sort -u | while read -r f; do
		if [ "$(GIT_INDEX_FILE=$index git -C "$tree" ls-files -s -- "$f" | cut -d' ' -f2)" != \
		     "$(git -C "$tree" hash-object -- "$f" 2>/dev/null)" ]; then
			log "  writes $f"
			GIT_INDEX_FILE=$index git -C "$tree" checkout-index -f -- "$f"
		fi
	done
	echo "$want" > "$tree/.pvmmu-series"
}

# Build the overlay as it must appear in the tree, then copy only what
# changed and delete what the project no longer provides.
stage_overlay() {
	rm -rf "$stage"
	mkdir -p "$stage"
	# -L: the PVMMU ABI header is a link to the firmware's one copy
	cp -RL "$repo/arch-riscv-pvmmu/overlay/." "$stage/"
}

sync_overlay() {
	local list=$tree/.pvmmu-overlay-files old

	stage_overlay
	(cd "$stage" && find . -type f | sort) > "$list.new"
	if [ -f "$list" ]; then
		comm -23 "$list" "$list.new" | while read -r old; do
			log "removing $old"
			rm -f "$tree/$old"
		done
	fi
	rsync -rc --out-format='kernel-tree: overlay %n' "$stage/" "$tree/"
	mv "$list.new" "$list"
}

mkdir -p "$repo/build"
[ -d "$tree/.git" ] && git -C "$tree" rev-parse -q --verify pristine >/dev/null || extract_pristine
apply_series
sync_overlay
