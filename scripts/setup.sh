#!/usr/bin/env bash
# Brings a fresh Debian 12 machine (root, Node + npm only) to a state where portvakt runs and tests pass.
# Idempotent: every step checks before it acts, so running it again is quick.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NODE_VERSION="${PORTVAKT_NODE_VERSION:-24.21.0}"
NODE_HOME="/opt/portvakt/node-$NODE_VERSION"
log() { printf '[setup] %s\n' "$*" >&2; }

# --- Node 24: the npm registry serves Node itself as node-linux-<arch>, so no other download is needed.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [[ "$(node_major)" -lt 24 ]]; then
  if [[ ! -x "$NODE_HOME/bin/node" ]]; then
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) log "unsupported CPU $(uname -m)"; exit 1 ;; esac
    log "installing Node $NODE_VERSION ($arch) into $NODE_HOME"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_VERSION" >/dev/null)
    mkdir -p "$NODE_HOME"
    tar -xzf "$tmp"/node-linux-*.tgz -C "$NODE_HOME" --strip-components=1
    rm -rf "$tmp"
  fi
  # /usr/local/bin precedes /usr/bin on Debian's PATH, so npm's `#!/usr/bin/env node` picks this one up.
  ln -sf "$NODE_HOME/bin/node" /usr/local/bin/node
  hash -r
fi
log "node $(node --version)"
NODE_BIN_DIR="$(dirname "$(readlink -f "$(command -v node)")")"
# node-gyp must build native addons (pcsclite, epoll) against these headers instead of downloading them.
export npm_config_nodedir="$(dirname "$NODE_BIN_DIR")"

# --- Debian packages the runtime and the tests need; the second line makes
# and checks signed update bundles (RAUC), the third builds and runs the arm64 container (scripts/arm64/,
# Dockerfile.arm: emulation, mmdebstrap, rootful podman, the cross compiler) and the SD card image
# (scripts/image/: the fourth line adds qemu-system for its emulated boot, the card's GPT, compression).
APT_PACKAGES=(patch pcscd libpcsclite-dev vsmartcard-vpcd pcsc-tools iproute2 util-linux python3 make g++ sqlite3 gpiod mosquitto mosquitto-clients gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly chromium fonts-dejavu-core cage xwayland swayidle kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-sqlite-modules kamailio-extra-modules baresip-core sip-tester espeak-ng coturn iptables prometheus socat
  rauc squashfs-tools e2fsprogs dosfstools mtools
  qemu-user-static binfmt-support arch-test mmdebstrap podman buildah runc catatonit netavark aardvark-dns slirp4netns fuse-overlayfs uidmap g++-aarch64-linux-gnu file
  qemu-system-arm fdisk zstd binutils-aarch64-linux-gnu)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The distribution's pcscd service would own /run/pcscd; tests run their own daemons in namespaces.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
  systemctl stop pcscd.socket pcscd.service >/dev/null 2>&1 || true
fi
# Debian's kamailio package enables kamailio.service (its sample config listens on 5060 on every
# interface); without systemd its init script stays off (RUN_KAMAILIO=no in /etc/default/kamailio). The
# tests and the simulator start their own edge from deploy/sip/ on loopback ports: keep the service off.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet kamailio.service 2>/dev/null; then
  systemctl disable --now kamailio.service >/dev/null 2>&1 || true
fi
# Debian's prometheus package enables prometheus.service (port 9090, scraping itself); the tests start
# their own on a free loopback port with its own storage and need only the binaries: keep it off.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet prometheus.service 2>/dev/null; then
  systemctl disable --now prometheus.service >/dev/null 2>&1 || true
fi

# --- npm dependencies, rebuilt when the lock file or the Node version changes.
cd "$ROOT"
stamp="node_modules/.portvakt-setup"
want="$(node --version) $(sha256sum package-lock.json | cut -c1-16)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
# --- pcsclite's constructor retries in a busy loop on the JavaScript thread while pcscd is down (a frozen
# panel); patch it to a single attempt (the PC/SC driver retries with backoff) and rebuild the addon.
pcsclite_dir="node_modules/@pokusew/pcsclite"
if [[ -f "$pcsclite_dir/src/pcsclite.cpp" ]] && ! grep -q 'portvakt: single attempt' "$pcsclite_dir/src/pcsclite.cpp"; then
  log "patching @pokusew/pcsclite (no busy loop while pcscd is down)"
  patch -s -p1 -d "$pcsclite_dir" <scripts/patches/pcsclite-single-attempt.patch
  npm rebuild --no-audit --no-fund --loglevel=error @pokusew/pcsclite >/dev/null
fi
# --- `portvakt` and `portvakt-hub` on PATH (symlinks into /usr/local/bin; package.json `bin`).
"$ROOT/scripts/link-commands.sh" || log "portvakt and portvakt-hub are not on PATH (see above)"
log "ready: $(command -v portvakt) $(command -v portvakt-hub)"
