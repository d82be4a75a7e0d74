# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for pvmmu (make kunit, make kernel): QEMU virt, 4
# harts (PVMMU_SMP), the project's own SBI firmware (sbi-pvmmu) instead of
# OpenSBI. The kernel configuration is the project's single fragment,
# arch-riscv-pvmmu/pvmmu.config. A project setting, not a kernel source:
# it lives here, not in the kernel tree.

import os

from ..qemu_config import QemuArchParams

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRMWARE = os.environ.get('PVMMU_FIRMWARE',
			  os.path.join(REPO, 'build', 'sbi-pvmmu', 'sbi-pvmmu.bin'))

with open(os.path.join(REPO, 'arch-riscv-pvmmu', 'pvmmu.config')) as fragment:
	KCONFIG = fragment.read()

QEMU_ARCH = QemuArchParams(linux_arch='riscv',
			   kconfig=KCONFIG,
			   qemu_arch='riscv64',
			   kernel_path='arch/riscv/boot/Image',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=[
				   '-machine', 'virt',
				   '-cpu', 'rv64',
				   '-smp', os.environ.get('PVMMU_SMP', '4'),
				   '-bios', FIRMWARE])
