#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the whole kernel-side change of pvmmu as a `git format-patch`
# series against pristine Linux 6.12, in build/patches/:
#   0001  the files pvmmu adds (overlay, Kconfig.pvmmu, KUnit suites)
#   0002+ the hook patches of arch-riscv-pvmmu/patches/series, in order
# With --verify, also check that `git am` applies the series to a clean
# 6.12 tree and yields exactly the tree the build uses.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tree=$repo/build/linux
stage=$repo/build/overlay-stage
out=$repo/build/patches
export_wt=$repo/build/patches-export
verify_wt=$repo/build/patches-verify

fresh_worktree() {
	git -C "$tree" worktree remove --force "$1" 2>/dev/null || rm -rf "$1"
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q --detach "$1" pristine
}

[ -d "$stage" ] || { echo "export-patches: run scripts/kernel-tree.sh first" >&2; exit 1; }

fresh_worktree "$export_wt"
cp -a "$stage/." "$export_wt/"
git -C "$export_wt" add -f -A .
git -C "$export_wt" -c user.name="pvmmu developers" -c user.email="dev@pvmmu.invalid" \
	commit -q -s -F - <<'EOF'
riscv: pvmmu: add the pvmmu Kconfig, arch/riscv/pvmmu and its KUnit suites

pvmmu routes user page-table writes through an ops layer that can hand
them to the M-mode firmware's PVMMU SBI extension. This adds the files
the series introduces: arch/riscv/Kconfig.pvmmu (CONFIG_RISCV_PVMMU and
the KUnit options), arch/riscv/pvmmu/ and its KUnit suites, starting with
riscv_pvmmu_fw, which checks the SBI firmware's answers from S-mode.
EOF
for p in $(grep -v '^#' "$repo/arch-riscv-pvmmu/patches/series"); do
	git -C "$export_wt" am -q "$repo/arch-riscv-pvmmu/patches/$p"
done

rm -rf "$out"
git -C "$export_wt" format-patch -q --zero-commit --no-signature -o "$out" pristine..HEAD
ls "$out"

if [ "${1:-}" = "--verify" ]; then
	fresh_worktree "$verify_wt"
	git -C "$verify_wt" am -q "$out"/*.patch
	want=$(git -C "$export_wt" rev-parse 'HEAD^{tree}')
	got=$(git -C "$verify_wt" rev-parse 'HEAD^{tree}')
	if [ "$want" != "$got" ]; then
		echo "export-patches: git am result differs from the build tree" >&2
		exit 1
	fi
	# The build tree must hold exactly what the series describes.
	for f in $(git -C "$verify_wt" diff --name-only pristine HEAD); do
		cmp -s "$verify_wt/$f" "$tree/$f" ||
			{ echo "export-patches: $f differs from build/linux" >&2; exit 1; }
	done
	git -C "$tree" worktree remove --force "$verify_wt"
	echo "export-patches: git am of $(ls "$out" | wc -l) patches onto pristine 6.12: OK"
fi
