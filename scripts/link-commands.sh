#!/usr/bin/env bash
# Puts `portvakt`, `portvakt-hub` and `portvakt-kiosk` on PATH: symlinks in BIN_DIR (default /usr/local/bin,
# which precedes /usr/bin on Debian's PATH) to this checkout's bin/ launchers — the package.json `bin` entries. Idempotent;
# a file of that name that is not a symlink is left alone and reported (it is not ours to replace).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN_DIR="${1:-/usr/local/bin}"
mkdir -p "$BIN_DIR"
status=0
for name in portvakt portvakt-hub portvakt-kiosk; do
  target="$ROOT/bin/$name.js"
  [[ -e "$target" ]] || target="$ROOT/bin/$name"
  link="$BIN_DIR/$name"
  if [[ -e "$link" && ! -L "$link" ]]; then
    printf '[setup] %s exists and is not a symlink: left alone (remove it to use %s)\n' "$link" "$target" >&2
    status=1
    continue
  fi
  [[ "$(readlink "$link" 2>/dev/null)" == "$target" ]] || ln -sfn "$target" "$link"
done
exit "$status"
