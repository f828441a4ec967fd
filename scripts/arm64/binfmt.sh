#!/usr/bin/env bash
# Makes this x86 host run arm64 programs (qemu-user-static through binfmt_misc), for podman builds and
# runs of the arm64 image. Idempotent. Needs root and Debian's qemu-user-static + binfmt-support.
set -euo pipefail
source "$(dirname "$0")/env.sh"
# A fresh container or VM may not have binfmt_misc mounted, and binfmt-support may leave the entry off.
if [[ ! -e /proc/sys/fs/binfmt_misc/status ]]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
  update-binfmts --enable qemu-aarch64
fi
# The F flag (interpreter opened at registration) lets it work inside containers and chroots.
grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 || {
  arm64_log "qemu-aarch64 is registered without the F flag: arm64 programs will not run in containers"
  exit 1
}
arch-test arm64 >/dev/null || { arm64_log "arch-test arm64 failed: arm64 programs do not run here"; exit 1; }
