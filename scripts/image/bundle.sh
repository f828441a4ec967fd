#!/bin/sh
# Makes a signed RAUC bundle (format=verity) of one panel release from the image build's outputs:
# build/image/rootfs.ext4 and build/image/boot-*.vfat (the first, normally slot A's). RAUC writes the boot
# image into whichever boot slot is inactive; the bundle's install hook (deploy/rauc/bundle-hook) then
# points its cmdline.txt at the root of the same pair.
#
#   scripts/image/bundle.sh --cert C --key K [--build-id ID] [--in build/image] [--out FILE]
#
# version = package.json version + "+" + build id (default: the git commit, "-dirty" if the tree is).
# The bundle is refused by every panel unless its signature chains to the keyring the panel pins.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
in="$root/build/image"
cert=''
key=''
build_id=''
out=''
while [ $# -gt 0 ]; do
  case "$1" in
    --cert) cert=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --build-id) build_id=$2; shift 2 ;;
    --in) in=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "bundle.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$cert" ] && [ -n "$key" ] || { echo "bundle.sh: --cert and --key are required" >&2; exit 2; }
[ -f "$in/rootfs.ext4" ] || { echo "bundle.sh: $in/rootfs.ext4 is missing (run the image build first)" >&2; exit 1; }
boot=$(ls "$in"/boot-*.vfat 2>/dev/null | head -n 1)
[ -n "$boot" ] || { echo "bundle.sh: no $in/boot-*.vfat (run the image build first)" >&2; exit 1; }

pkg_version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
# The version the image build wrote into the root file system (/etc/portvakt/version), when it recorded one.
if [ -z "$build_id" ] && [ -f "$in/build-info.txt" ] && grep -q '^release=' "$in/build-info.txt"; then
  build_id=$(sed -n 's/^release=[^+]*+//p' "$in/build-info.txt")
fi
if [ -z "$build_id" ]; then
  build_id=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo local)
  git -C "$root" diff --quiet HEAD 2>/dev/null || build_id="$build_id.dirty"
fi
case "$build_id" in *[!A-Za-z0-9.-]*) echo "bundle.sh: build id may hold only A-Z a-z 0-9 . -" >&2; exit 2 ;; esac
version="$pkg_version+$build_id"
[ -n "$out" ] || out="$in/portvakt-$version.raucb"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Hard links when the file system allows: the root image is hundreds of MB.
ln "$in/rootfs.ext4" "$work/rootfs.ext4" 2>/dev/null || cp "$in/rootfs.ext4" "$work/rootfs.ext4"
ln "$boot" "$work/boot.vfat" 2>/dev/null || cp "$boot" "$work/boot.vfat"
cp "$root/deploy/rauc/bundle-hook" "$work/hook"
cat >"$work/manifest.raucm" <<MANIFEST
[update]
compatible=portvakt-rpi-arm64
version=$version
build=$build_id
description=portvakt $version

[bundle]
format=verity

[hooks]
filename=hook

[image.rootfs]
filename=rootfs.ext4

[image.boot]
filename=boot.vfat
hooks=install
MANIFEST
rm -f "$out"
rauc bundle --cert="$cert" --key="$key" "$work" "$out" >&2
echo "$out"
