#!/usr/bin/env bash
# Makes every native addon in a production node_modules (staged by stage-app.sh) an arm64 one:
# - better-sqlite3 ships an N-API prebuild for linux-arm64 in its npm tarball: keep only that one;
# - sharp: npm ci --cpu=arm64 already installed @img/sharp-linux-arm64 (and its libvips);
# - @pokusew/pcsclite and epoll (onoff's): cross-compiled here at native speed with node-gyp against the
#   arm64 Node headers (aarch64-linux-gnu-g++); pcsclite gets the same patch scripts/setup.sh applies.
# Usage: addons.sh NODE_MODULES_DIR NODE_ARM64_DIR
set -euo pipefail
source "$(dirname "$0")/env.sh"
modules="$(cd "${1:?usage: addons.sh NODE_MODULES NODE_ARM64_DIR}" && pwd)"
node_dir="${2:?usage: addons.sh NODE_MODULES NODE_ARM64_DIR}"
node_gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[[ -f "$node_gyp" ]] || { arm64_log "node-gyp not found next to npm ($node_gyp)"; exit 1; }

# better-sqlite3 picks prebuilds/<platform>-<arch>.node at run time; its sources are not needed.
sqlite="$modules/better-sqlite3"
[[ -f "$sqlite/prebuilds/linux-arm64.node" ]] || { arm64_log "better-sqlite3 has no linux-arm64 prebuild"; exit 1; }
find "$sqlite/prebuilds" -type f ! -name linux-arm64.node -delete
rm -rf "$sqlite/deps" "$sqlite/src"
# Other packages' prebuilt addons (serialport's bindings) carry every platform: only linux-arm64 with
# glibc is ever loaded, and the verify stage loads every .node it finds.
find "$modules" -type d -name prebuilds -prune -print0 |
  while IFS= read -r -d '' dir; do
    find "$dir" -mindepth 1 -maxdepth 1 ! -name 'linux-arm64*' -exec rm -rf {} +
    find "$dir" -name '*musl*' -delete
  done

# pcsclite links -lpcsclite: the arm64 library comes from the runtime base image (the same one the
# panel loads), in a one-file sysroot the cross linker searches.
sysroot="$(mktemp -d)"
trap 'rm -rf "$sysroot"; podman image unmount "$BASE_IMAGE" >/dev/null 2>&1 || true' EXIT
base_root="$(podman image mount "$BASE_IMAGE")"
cp -L "$base_root/usr/lib/aarch64-linux-gnu/libpcsclite.so.1" "$sysroot/libpcsclite.so"

pcsclite="$modules/@pokusew/pcsclite"
if ! grep -q 'portvakt: single attempt' "$pcsclite/src/pcsclite.cpp"; then
  patch -s -p1 -d "$pcsclite" <"$ARM64_ROOT/scripts/patches/pcsclite-single-attempt.patch"
fi

cross_build() {
  arm64_log "cross-compiling $(basename "$1") for arm64"
  # Under `npm run`, npm exports its config as npm_config_* (nodedir=/usr on hosts whose npmrc points
  # node-gyp at the host's headers), and node-gyp takes those over its flags: an addon for the wrong Node
  # ABI. So the environment says arm64 and the arm64 headers too.
  (cd "$1" && CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ \
    AR=aarch64-linux-gnu-ar LDFLAGS="-L$sysroot" npm_config_nodedir="$node_dir" npm_config_arch=arm64 \
    npm_config_target_arch=arm64 node "$node_gyp" rebuild --release --arch=arm64 \
    --nodedir="$node_dir" --loglevel=error >/dev/null)
  # Only the addon itself is loaded; objects and makefiles are dead weight on the panel.
  find "$1/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
  find "$1/build/Release" -mindepth 1 ! -name '*.node' -exec rm -rf {} +
  aarch64-linux-gnu-strip --strip-unneeded "$1"/build/Release/*.node
}
cross_build "$pcsclite"
cross_build "$modules/epoll"

# Anything else with a binding.gyp would have been built by its install script: fail rather than ship
# a package whose addon is missing.
while IFS= read -r gyp; do
  dir="$(dirname "$gyp")"
  case "$dir" in
  */better-sqlite3 | */@pokusew/pcsclite | */epoll | */sharp/src) ;;
  *) arm64_log "unhandled native addon: ${dir#"$modules"/} (teach scripts/arm64/addons.sh)"; exit 1 ;;
  esac
done < <(find "$modules" -name binding.gyp -not -path '*/node-gyp/*')
