#!/usr/bin/env bash
# Stages the arm64 installed tree (docs/image-layout.md, "Installed tree") in var/arm64-stage/rootfs/,
# the only part of the checkout Dockerfile.arm copies (.dockerignore):
#   usr/local/bin/node       Node for linux-arm64, stripped (node.sh)
#   opt/portvakt/            package.json, bin/, dist/ (npm run build), deploy/, the TypeScript sources
#                            portvakt-hub runs from (lib/, cloud-sync/), production node_modules for arm64
#
# Why on the host and not in a build stage: the npm registry is reached through a TLS-intercepting proxy
# here and in CI (its CA is only on the host), compiling under qemu is ~20x slower than native, and the
# host already has the cross compiler. `npm ci --cpu=arm64` picks the arm64 optional packages (sharp's
# libvips); addons.sh cross-compiles the rest. The container build then needs no network at all.
set -euo pipefail
source "$(dirname "$0")/env.sh"
stage="$ARM64_ROOT/var/arm64-stage/rootfs"
app="$stage/opt/portvakt"
node_dir="$("$(dirname "$0")/node.sh")"

cd "$ARM64_ROOT"
arm64_log "npm run build"
npm run --silent build >/dev/null
rm -rf "$ARM64_ROOT/var/arm64-stage" && mkdir -p "$app" "$stage/usr/local/bin"
cp "$node_dir/bin/node" "$stage/usr/local/bin/node"
cp -r package.json package-lock.json bin dist deploy lib "$app/"
# The hub's command line runs from its TypeScript sources (bin/portvakt-hub.js); its browser apps are
# built into dist/web, so their sources stay behind.
mkdir -p "$app/cloud-sync" && cp -r cloud-sync/protocol cloud-sync/hub cloud-sync/broker "$app/cloud-sync/"
rm -rf "$app/cloud-sync/hub/web" "$app/bin/portvakt-kiosk"
find "$app/dist" -name '*.map' -delete

arm64_log "npm ci --omit=dev for linux arm64"
# --ignore-scripts: install scripts would build the addons for this x86 host; addons.sh builds them.
(cd "$app" && npm ci --omit=dev --os=linux --cpu=arm64 --libc=glibc --ignore-scripts --no-audit --no-fund \
  --loglevel=error)
rm -f "$app/package-lock.json"
"$(dirname "$0")/addons.sh" "$app/node_modules" "$node_dir"
"$(dirname "$0")/check-elf.sh" "$stage"
arm64_log "staged: $(du -sh "$app" | cut -f1) app, $(du -sh "$stage/usr/local/bin/node" | cut -f1) node"
