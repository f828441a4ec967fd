#!/usr/bin/env bash
# Fails when any native addon (.node) or shared library under DIR is not an aarch64 ELF: an x86 addon
# left in the arm64 tree would only fail on the panel, when the code first loads it.
set -euo pipefail
dir="${1:?usage: check-elf.sh DIR}"
bad=0
count=0
while IFS= read -r -d '' f; do
  count=$((count + 1))
  if ! file -b "$f" | grep -q 'ELF 64-bit LSB.*ARM aarch64'; then
    printf '[arm64] not aarch64: %s (%s)\n' "${f#"$dir"/}" "$(file -b "$f" | cut -c1-60)" >&2
    bad=1
  fi
done < <(find "$dir" -type f \( -name '*.node' -o -name '*.so' -o -name '*.so.*' \) -print0)
((bad == 0)) || exit 1
printf '[arm64] %d native files, all aarch64\n' "$count" >&2
