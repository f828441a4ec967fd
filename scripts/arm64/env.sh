# Sourced by the scripts in scripts/arm64/: the names and places they share, defined once.
# Not executable on its own.
ARM64_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Heavy artefacts (root file system tarballs, Node for arm64, the staged app) are cached outside git.
ARM64_CACHE="${PORTVAKT_ARM64_CACHE:-$ARM64_ROOT/var/arm64}"
# The runtime base every arm64 artefact starts from (made by base.sh from Debian packages: no registry).
BASE_IMAGE="localhost/portvakt-base:bookworm-arm64"
# The panel's container image (Dockerfile.arm).
APP_IMAGE="${PORTVAKT_IMAGE:-localhost/portvakt:arm64}"
DEBIAN_MIRROR="${PORTVAKT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The Node version the host uses (scripts/setup.sh pins it); the panel runs the same one for arm64.
NODE_VERSION="$(sed -n 's/^NODE_VERSION="\${PORTVAKT_NODE_VERSION:-\([0-9.]*\)}"$/\1/p' "$ARM64_ROOT/scripts/setup.sh")"
# podman on this kind of host: runc (crun refuses hybrid cgroups), lower ulimits, netavark.
export CONTAINERS_CONF="$ARM64_ROOT/scripts/arm64/containers.conf"
arm64_log() { printf '[arm64] %s\n' "$*" >&2; }
