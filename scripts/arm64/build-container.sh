#!/usr/bin/env bash
# `npm run build:container`: builds the panel's arm64 container image (Dockerfile.arm) on this x86 host.
#   1. binfmt.sh   arm64 programs run here (qemu-user-static)
#   2. base.sh     localhost/portvakt-base:bookworm-arm64 from Debian packages (cached)
#   3. stage-app.sh the installed tree with arm64 Node and addons (var/arm64-stage/rootfs)
#   4. podman build -f Dockerfile.arm → localhost/portvakt:arm64 (override with PORTVAKT_IMAGE)
# Needs root and the apt packages scripts/setup.sh installs. Heavy caches go to PORTVAKT_ARM64_CACHE
# (default var/arm64).
set -euo pipefail
source "$(dirname "$0")/env.sh"
start=$SECONDS
"$ARM64_ROOT/scripts/arm64/binfmt.sh"
"$ARM64_ROOT/scripts/arm64/base.sh"
"$ARM64_ROOT/scripts/arm64/stage-app.sh"
arm64_log "podman build -f Dockerfile.arm → $APP_IMAGE"
# --format docker: the OCI image format has no HEALTHCHECK. --pull=never: no registry, ever.
podman build --arch arm64 --pull=never --format docker -f "$ARM64_ROOT/Dockerfile.arm" \
  -t "$APP_IMAGE" "$ARM64_ROOT" >&2
arm64_log "$APP_IMAGE: $(podman image inspect --format '{{.Size}}' "$APP_IMAGE" | awk '{printf "%.0f MB", $1/1e6}') in $((SECONDS - start)) s"
