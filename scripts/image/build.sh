#!/usr/bin/env bash
# npm run build:image — the panel's SD card image for Raspberry Pi 4 (arm64), laid out as
# docs/image-layout.md says. Outputs in build/image/ (docs/image.md, "Build outputs"):
#   portvakt-arm64.img (+ .img.zst)   the whole card: GPT, config, boot A/B, root A/B, data
#   rootfs.ext4                       the root file system (one image for both slots; RAUC bundles)
#   boot.vfat, boot-b.vfat            slot A's and slot B's boot partitions (they differ only in
#                                     cmdline.txt's root=PARTLABEL=PV-ROOT-A|B)
#   config.vfat, data.ext4            the first and the last partition as written to the card
#   build-info.txt                    versions, sizes and the build time
#
# Environment:
#   PORTVAKT_IMAGE_OUT     where the outputs go (default build/image)
#   PORTVAKT_IMAGE_CACHE   where the base root tarball and downloads are kept (default build/image/cache)
#   PORTVAKT_IMAGE_HUB_URL the hub a new panel pairs with when its card carries no hub-url file
#   PORTVAKT_APP_TREE      an application tree already laid out like a root (else: the container's
#                          export, scripts/arm64/export-app.sh, when present; else stage-app.sh)
#   PORTVAKT_IMAGE_KIOSK=1 also install the kiosk (cage, Chromium, fonts: packages-kiosk.txt)
#   PORTVAKT_IMAGE_COMPRESS=0 skip the .zst
#   PORTVAKT_RELEASE_KEYRING the release certificate(s) the image pins as /etc/rauc/keyring.pem (without
#                          it the image refuses every update bundle; docs/updates.md)
#   PORTVAKT_BUILD_ID      the release's build id (default the git commit): /etc/portvakt/version
# No loop devices, no mounts: file systems are made from directories (mkfs.ext4 -d, mkfs.vfat + mcopy)
# and written into the image file at their offsets.
set -euo pipefail
started=$(date +%s)
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$(realpath -m "${PORTVAKT_IMAGE_OUT:-$repo/build/image}")"
cache="${PORTVAKT_IMAGE_CACHE:-$repo/build/image/cache}"
mkdir -p "$out" "$cache"
log() { echo "build-image: $*" >&2; }

# Sizes in MiB (docs/image-layout.md).
# The data partition holds a downloaded update bundle (~270 MB) beside the database and a 64 MiB reserve
# (docs/updates.md), so it is 1 GiB: the card needs 4 GB. Growing it to fill a larger card is not done yet.
CONFIG_MIB=64 BOOT_MIB=128 ROOT_MIB=1024 DATA_MIB=1024

# arm64 programs run here through qemu-user (binfmt_misc): a fresh machine may have it unmounted or off.
"$repo/scripts/arm64/binfmt.sh"

# --- 1. the base root (Debian packages, kernel, initramfs, Pi firmware), cached by its inputs.
kiosk="${PORTVAKT_IMAGE_KIOSK:-0}"
base_key="$(cat "$here/packages.txt" "$here/initramfs-modules.txt" "$here/rootfs-base.sh" \
  <(echo "kiosk=$kiosk") $([[ $kiosk == 1 ]] && echo "$here/packages-kiosk.txt") | sha256sum | cut -c1-16)"
base="$cache/base-$base_key.tar"
if [[ ! -f "$base" ]]; then
  log "base root file system (mmdebstrap, arm64 under qemu-user; minutes)"
  PORTVAKT_IMAGE_KIOSK="$kiosk" "$here/rootfs-base.sh" "$base.part"
  mv "$base.part" "$base"
fi

# The whole image is rebuilt only when an input changed: the base, the tracked files and their working
# changes (git), untracked files under scripts/image and deploy, and the options.
input_key="$(
  {
    echo "$base_key ${PORTVAKT_IMAGE_HUB_URL:-} ${PORTVAKT_APP_TREE:-} ${PORTVAKT_IMAGE_COMPRESS:-1} ${PORTVAKT_BUILD_ID:-}"
    [[ -z "${PORTVAKT_RELEASE_KEYRING:-}" ]] || sha256sum "$PORTVAKT_RELEASE_KEYRING"
    git -C "$repo" ls-files -s
    git -C "$repo" diff
    git -C "$repo" ls-files --others --exclude-standard -- scripts/image deploy | xargs -r -I{} sha256sum "$repo/{}"
  } | sha256sum | cut -c1-16
)"
if [[ -f "$out/build-info.txt" && -f "$out/portvakt-arm64.img" ]] && grep -qx "inputs=$input_key" "$out/build-info.txt"; then
  log "up to date (inputs $input_key): $out/portvakt-arm64.img"
  exit 0
fi

# --- 2. the root file system: base + application + configuration.
root="$out/rootfs"
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$base" --numeric-owner
if [[ -n "${PORTVAKT_APP_TREE:-}" ]]; then
  app="$PORTVAKT_APP_TREE"
else
  app="$out/app"
  rm -rf "$app"
  if [[ -x "$repo/scripts/arm64/export-app.sh" ]]; then
    log "application: the container's export"
    "$repo/scripts/arm64/export-app.sh" "$app"
  else
    log "application: stand-in staging (scripts/image/stage-app.sh)"
    PORTVAKT_IMAGE_CACHE="$cache" "$here/stage-app.sh" "$app"
  fi
fi
cp -a "$app/." "$root/"
PORTVAKT_IMAGE_CACHE="$cache" "$here/pi-firmware.sh" "$root"
"$here/configure-root.sh" "$root"
if [[ -n "${PORTVAKT_IMAGE_HUB_URL:-}" ]]; then echo "$PORTVAKT_IMAGE_HUB_URL" >"$root/etc/portvakt/hub-url"; fi
version="$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"
# The release version RAUC bundles and the panel's downgrade check use (docs/updates.md): package.json's
# version + "+" + build id (PORTVAKT_BUILD_ID, default the git commit; ".dirty" for uncommitted changes).
build_id="${PORTVAKT_BUILD_ID:-$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo local)}"
[[ -n "${PORTVAKT_BUILD_ID:-}" ]] || git -C "$repo" diff --quiet HEAD 2>/dev/null || build_id="$build_id.dirty"
release="$(node -p 'require(process.argv[1]).version' "$repo/package.json")+$build_id"
echo "$release" >"$root/etc/portvakt/version"
printf 'PORTVAKT_IMAGE_VERSION=%s\nPORTVAKT_IMAGE_BUILT=%s\n' "$version" "$(date -u +%FT%TZ)" >"$root/etc/portvakt/image-release"

kver="$(ls "$root/lib/modules")"
# Kernel and initramfs go to the boot partitions (kept aside first); the root drops what no panel uses.
kdir="$out/kernel"
rm -rf "$kdir" && mkdir -p "$kdir"
cp "$root/boot/vmlinuz-$kver" "$kdir/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$kdir/initrd.img"
"$here/prune-root.sh" "$root"

# --- 3. partition images.
log "root file system image (ext4, $ROOT_MIB MiB)"
root_used_mib=$(($(du -sk "$root" | cut -f1) / 1024))
# ext4's journal and inode tables take ~5 %; keep room for updates to grow.
if ((root_used_mib > ROOT_MIB * 90 / 100)); then
  log "the root file system is $root_used_mib MiB: too large for its $ROOT_MIB MiB slot (with 10 % spare)"
  du -sh "$root"/{usr/lib,usr/share,opt/portvakt,lib/modules,usr/local} >&2 || true
  exit 1
fi
rm -f "$out/rootfs.ext4"
mkfs.ext4 -q -F -L PV-ROOT -m 0 -d "$root" "$out/rootfs.ext4" "${ROOT_MIB}M"

# A boot partition: the kernel, initramfs, Pi firmware and device trees, config.txt, cmdline.txt.
make_boot() { # make_boot FILE LABEL ROOTLABEL
  local file="$1" label="$2" rootlabel="$3" dir
  dir="$(mktemp -d)"
  cp "$kdir/vmlinuz" "$kdir/initrd.img" "$dir/"
  cp "$root"/usr/lib/raspi-firmware/{start4.elf,fixup4.dat} "$dir/" 2>/dev/null || true
  cp "$root"/usr/lib/linux-image-"$kver"/broadcom/bcm2711-*.dtb "$dir/"
  cp "$here/boot/config.txt" "$dir/config.txt"
  # rauc.slot= tells RAUC which pair is running (deploy/rauc/bundle-hook rewrites both after an install).
  sed -e "s/@ROOT@/$rootlabel/" -e "s/@SLOT@/${rootlabel#PV-ROOT-}/" "$here/boot/cmdline.txt" >"$dir/cmdline.txt"
  rm -f "$file"
  mkfs.vfat -C -F 32 -n "$label" "$file" $((BOOT_MIB * 1024)) >/dev/null
  mcopy -i "$file" -s "$dir"/* ::/
  rm -rf "$dir"
}
log "boot partitions"
make_boot "$out/boot.vfat" PV-BOOT-A PV-ROOT-A
make_boot "$out/boot-b.vfat" PV-BOOT-B PV-ROOT-B

log "config and data partitions"
rm -f "$out/config.vfat"
mkfs.vfat -C -F 32 -n PV-CONFIG "$out/config.vfat" $((CONFIG_MIB * 1024)) >/dev/null
mcopy -i "$out/config.vfat" "$here/boot/autoboot.txt" ::/autoboot.txt
mmd -i "$out/config.vfat" ::/portvakt
if [[ -n "${PORTVAKT_IMAGE_HUB_URL:-}" ]]; then
  echo "$PORTVAKT_IMAGE_HUB_URL" | mcopy -i "$out/config.vfat" - ::/portvakt/hub-url
fi
uid="$(awk -F: '$1=="portvakt"{print $3":"$4}' "$root/etc/passwd")"
rm -f "$out/data.ext4"
mkfs.ext4 -q -F -L PV-DATA -E "root_owner=$uid" "$out/data.ext4" "${DATA_MIB}M"

# --- 4. the card: GPT with the labels of docs/image-layout.md, each partition written at its offset.
img="$out/portvakt-arm64.img"
total_mib=$((1 + CONFIG_MIB + 2 * BOOT_MIB + 2 * ROOT_MIB + DATA_MIB + 1))
rm -f "$img"
truncate -s "${total_mib}M" "$img"
sfdisk --quiet --label gpt "$img" <<EOF
start=1MiB, size=${CONFIG_MIB}MiB, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=PV-CONFIG
size=${BOOT_MIB}MiB, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=PV-BOOT-A
size=${BOOT_MIB}MiB, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=PV-BOOT-B
size=${ROOT_MIB}MiB, type=B921B045-1DF0-41C3-AF44-4C6F280D3FAE, name=PV-ROOT-A
size=${ROOT_MIB}MiB, type=B921B045-1DF0-41C3-AF44-4C6F280D3FAE, name=PV-ROOT-B
size=${DATA_MIB}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=PV-DATA
EOF
put() { # put PARTITION_NUMBER FILE
  local start
  start="$(sfdisk --json "$img" | node -e 'const t=JSON.parse(require("fs").readFileSync(0,"utf8")).partitiontable; process.stdout.write(String(t.partitions['"$(($1 - 1))"'].start))')"
  dd if="$2" of="$img" bs=512 seek="$start" conv=notrunc,sparse status=none
}
put 1 "$out/config.vfat"
put 2 "$out/boot.vfat"
put 3 "$out/boot-b.vfat"
put 4 "$out/rootfs.ext4"
put 5 "$out/rootfs.ext4" # slot B starts as a copy of A: either slot boots
put 6 "$out/data.ext4"

if [[ "${PORTVAKT_IMAGE_COMPRESS:-1}" == 1 ]]; then
  log "compressing (zstd)"
  zstd -q -f -T0 -10 "$img" -o "$img.zst"
fi

elapsed=$(($(date +%s) - started))
{
  echo "inputs=$input_key"
  echo "version=$version"
  echo "release=$release"
  echo "kernel=$kver"
  echo "image_mib=$total_mib"
  echo "image_allocated_mib=$(($(du -k "$img" | cut -f1) / 1024))"
  [[ -f "$img.zst" ]] && echo "image_zst_mib=$(($(stat -c %s "$img.zst") / 1048576))"
  echo "rootfs_used_mib=$root_used_mib"
  echo "build_seconds=$elapsed"
} >"$out/build-info.txt"
log "done in ${elapsed}s: $img"
cat "$out/build-info.txt" >&2
