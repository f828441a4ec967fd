#!/usr/bin/env bash
# `export-app.sh OUT`: copies the panel's installed tree out of the built container image into OUT, laid
# out like a root file system, for the SD image (scripts/image/): OUT/usr/local/bin/node,
# OUT/usr/local/bin/portvakt and portvakt-hub (symlinks), OUT/opt/portvakt/, OUT/etc/portvakt/panel.env.
# The container and the image thus ship the very same bytes (docs/image-layout.md, "Installed tree").
# Builds the image first when it is missing.
set -euo pipefail
source "$(dirname "$0")/env.sh"
out="${1:?usage: export-app.sh OUT}"
podman image exists "$APP_IMAGE" || "$ARM64_ROOT/scripts/arm64/build-container.sh"
mkdir -p "$out"
ctr="portvakt-export-$$"
trap 'podman rm -f "$ctr" >/dev/null 2>&1 || true' EXIT
podman create --arch arm64 --name "$ctr" "$APP_IMAGE" >/dev/null
# podman export streams the container's whole file system; only the app's paths are extracted.
podman export "$ctr" | tar -x -C "$out" --same-owner \
  usr/local/bin/node usr/local/bin/portvakt usr/local/bin/portvakt-hub opt/portvakt etc/portvakt
arm64_log "exported $APP_IMAGE to $out ($(du -sh "$out" | cut -f1))"
