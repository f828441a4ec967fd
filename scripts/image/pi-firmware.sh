#!/usr/bin/env bash
# mmdebstrap customize hook: the Raspberry Pi's boot firmware (start4.elf, fixup4.dat, …) from Debian's
# raspi-firmware package (non-free-firmware), unpacked to ROOT/usr/lib/raspi-firmware.
#
# Why not install the package: its kernel hooks copy the kernel into a mounted /boot/firmware and fail
# the kernel's postinst without one; this image lays out its boot partitions itself (build.sh), from the
# same files, and a read-only root never installs a kernel in place (an update is a whole new slot).
set -euo pipefail
root="${1:?usage: pi-firmware.sh ROOT}"
chroot "$root" sh -c 'cd /tmp && apt-get download -q raspi-firmware >/dev/null'
deb="$(ls "$root"/tmp/raspi-firmware_*.deb)"
x="$(mktemp -d)"
dpkg-deb -x "$deb" "$x"
mkdir -p "$root/usr/lib/raspi-firmware" "$root/usr/share/doc/raspi-firmware"
cp -r "$x/usr/lib/raspi-firmware/." "$root/usr/lib/raspi-firmware/"
cp "$x/usr/share/doc/raspi-firmware/copyright" "$root/usr/share/doc/raspi-firmware/" 2>/dev/null || true
dpkg-deb -f "$deb" Version >"$root/usr/lib/raspi-firmware/VERSION"
rm -rf "$x" "$deb"
