#!/usr/bin/env bash
# Install the Debian packages that `make run` and `make test` need.
# Idempotent: does nothing when everything is present.
set -euo pipefail

PKGS=(
  build-essential binutils
  grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
  bochs bochsbios vgabios bochs-term
  qemu-system-x86 ovmf
  libcmocka-dev lcov
  clang libclang-rt-14-dev
  cppcheck
  cpio
  gnu-efi
  python3-matplotlib
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
