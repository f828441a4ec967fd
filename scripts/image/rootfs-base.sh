#!/usr/bin/env bash
# The panel image's base root file system: Debian bookworm arm64 from scripts/image/packages.txt, made by
# mmdebstrap under qemu-user (binfmt_misc), with the Debian arm64 kernel, a small initramfs and the
# kernel's own files. Writes a tarball; build.sh adds the Pi firmware (pi-firmware.sh), the application
# and the configuration.
#
#   scripts/image/rootfs-base.sh OUT.tar
#
# Why the hooks: under qemu-user mkinitramfs is the slow part (MODULES=most, ~1000 modules: ~17 min, and
# the dpkg trigger runs it a second time). So update-initramfs is diverted to a no-op while packages are
# installed, the initramfs holds only the modules listed in initramfs-modules.txt (MODULES=list), and
# mkinitramfs runs once at the end.
set -euo pipefail
out="${1:?usage: rootfs-base.sh OUT.tar}"
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${PORTVAKT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
include="$(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$' | paste -sd, -)"
if [[ "${PORTVAKT_IMAGE_KIOSK:-0}" == 1 ]]; then
  include+=",$(grep -v '^\s*#' "$here/packages-kiosk.txt" | grep -v '^\s*$' | paste -sd, -)"
fi

# qemu-user must be registered with the F flag (works inside the chroot) — docs/image.md.
arch-test arm64 >/dev/null || {
  echo "rootfs-base: arm64 binaries do not run here: mount binfmt_misc and run 'update-binfmts --enable qemu-aarch64'" >&2
  exit 1
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/sources.list" <<SOURCES
deb $mirror bookworm main non-free-firmware
deb $mirror bookworm-updates main non-free-firmware
deb ${mirror%/debian}/debian-security bookworm-security main non-free-firmware
SOURCES

mmdebstrap --arch=arm64 --variant=minbase --mode=root --format=tar \
  --include="$include" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"' \
  --essential-hook="printf 'MODULES=list\nCOMPRESS=gzip\n' > \"\$1/etc/initramfs-tools/conf.d/portvakt.conf\"" \
  --essential-hook="grep -v '^\s*#' '$here/initramfs-modules.txt' > \"\$1/etc/initramfs-tools/modules\"" \
  --essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs' \
  --essential-hook='printf "#!/bin/sh\nexit 0\n" > "$1/usr/sbin/update-initramfs" && chmod 755 "$1/usr/sbin/update-initramfs"' \
  --customize-hook='rm "$1/usr/sbin/update-initramfs" && chroot "$1" dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs' \
  --customize-hook='v="$(ls "$1/lib/modules")" && chroot "$1" mkinitramfs -o "/boot/initrd.img-$v" "$v"' \
  bookworm "$out" "$tmp/sources.list"
