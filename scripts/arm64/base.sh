#!/usr/bin/env bash
# Makes the panel's arm64 runtime base image, localhost/portvakt-base:bookworm-arm64, from Debian
# packages with mmdebstrap (no container registry is needed or reached) and imports it into podman.
# Cached: skipped when the image exists and was made from the same package list and options (a label
# holds their hash). `--force` rebuilds.
set -euo pipefail
source "$(dirname "$0")/env.sh"

# Only what the panel runs: TLS roots, the PC/SC client library (pcscd itself runs on the host or in its
# own container), GStreamer for the camera, microphone and speaker processes (hal/camera/pipelines.ts:
# videotestsrc/opusenc in base, vp8enc/rtp/jpegenc/v4l2src in good, x264enc in ugly, alsasrc in alsa),
# espeak-ng for speech, tini as PID 1, zone data for the panel's time zone.
PACKAGES=(ca-certificates libpcsclite1 gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-alsa espeak-ng tini tzdata)
# Docs, man pages and translations are a third of a minimal root and nobody reads them on a panel; the
# copyright files stay (the licences travel with the binaries). iso-codes' tables (20 MB) only name
# languages in GStreamer's tag library. The merged-usr hook lays out /usr merged from the start: without
# it bookworm pulls in usrmerge, and with it perl (55 MB), to convert the tree afterwards.
OPTIONS=(--arch=arm64 --variant=minbase --format=tar --aptopt='APT::Install-Recommends "false"'
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --dpkgopt='path-exclude=/usr/share/xml/iso-codes/*' --dpkgopt='path-exclude=/usr/share/iso-codes/json/*'
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/lintian/*')
hash="$(printf '%s\n' "${PACKAGES[@]}" "${OPTIONS[@]}" "$DEBIAN_MIRROR" | sha256sum | cut -c1-16)"
label=org.portvakt.base-hash

if [[ "${1:-}" != --force ]] &&
  [[ "$(podman image inspect --format "{{index .Labels \"$label\"}}" "$BASE_IMAGE" 2>/dev/null)" == "$hash" ]]; then
  arm64_log "$BASE_IMAGE is up to date ($hash)"
  exit 0
fi
"$(dirname "$0")/binfmt.sh"
mkdir -p "$ARM64_CACHE"
tarball="$ARM64_CACHE/base-bookworm-arm64.tar"
arm64_log "mmdebstrap: bookworm arm64 runtime base (${#PACKAGES[@]} packages)"
# Written as a tarball, never as a directory: a directory copy can follow a leaked /proc mount.
mmdebstrap "${OPTIONS[@]}" --include="$(IFS=,; echo "${PACKAGES[*]}")" bookworm "$tarball.part" "$DEBIAN_MIRROR"
mv "$tarball.part" "$tarball"
podman import --arch arm64 --os linux --change "LABEL $label=$hash" --change 'CMD ["/bin/bash"]' \
  "$tarball" "$BASE_IMAGE" >/dev/null
rm -f "$tarball"
arm64_log "$BASE_IMAGE: $(podman image inspect --format '{{.Size}}' "$BASE_IMAGE") bytes"
