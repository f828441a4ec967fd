#!/usr/bin/env bash
# pi-firmware.sh ROOT — the Raspberry Pi's boot firmware (start4.elf, fixup4.dat, …) from Debian's
# raspi-firmware package (non-free-firmware), unpacked to ROOT/usr/lib/raspi-firmware; build.sh copies
# what the Pi 4 needs onto the boot partitions.
#
# Why not install the package: its kernel hooks copy the kernel into a mounted /boot/firmware and fail
# the kernel's postinst without one; this image lays out its boot partitions itself, and a read-only
# root never installs a kernel in place (an update is a whole new slot). The .deb is fetched by the
# host's apt with a private state directory (bookworm non-free-firmware, arm64), cached in
# PORTVAKT_IMAGE_CACHE.
set -euo pipefail
root="${1:?usage: pi-firmware.sh ROOT}"
cache="${PORTVAKT_IMAGE_CACHE:?PORTVAKT_IMAGE_CACHE must be set}"
mirror="${PORTVAKT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
apt_dir="$cache/apt-firmware"
deb="$(ls "$apt_dir"/raspi-firmware_*.deb 2>/dev/null | head -n1 || true)"
if [[ -z "$deb" ]]; then
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  echo "deb $mirror bookworm non-free-firmware" >"$apt_dir/sources.list"
  opts=(-o APT::Architecture=arm64 -o APT::Architectures=arm64 -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir"
    -o Dir::State::status=/dev/null)
  apt-get "${opts[@]}" update -qq
  (cd "$apt_dir" && apt-get "${opts[@]}" download -qq raspi-firmware)
  deb="$(ls "$apt_dir"/raspi-firmware_*.deb | head -n1)"
fi
x="$(mktemp -d)"
trap 'rm -rf "$x"' EXIT
dpkg-deb -x "$deb" "$x"
mkdir -p "$root/usr/lib/raspi-firmware" "$root/usr/share/doc/raspi-firmware"
cp -r "$x/usr/lib/raspi-firmware/." "$root/usr/lib/raspi-firmware/"
cp "$x/usr/share/doc/raspi-firmware/copyright" "$root/usr/share/doc/raspi-firmware/" 2>/dev/null || true
dpkg-deb -f "$deb" Version >"$root/usr/lib/raspi-firmware/VERSION"
