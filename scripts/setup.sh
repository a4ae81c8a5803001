#!/usr/bin/env bash
# Installs what lifecircle needs on a Debian 12 machine, idempotently and quietly when present:
# Debian packages (compiler, CMake, clang-format, oneTBB, HDF5, Eigen, CLI11, Catch2, Random123, toml++,
# libosmium; Open MPI for runs over ranks; Chromium and its driver for the map page's browser
# test) and a Python virtual
# environment in .venv with requirements-dev.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(cmake ninja-build g++ pkg-config libtbb-dev libhdf5-dev libeigen3-dev libcli11-dev
  catch2 librandom123-dev libtomlplusplus-dev libosmium2-dev libprotozero-dev zlib1g-dev
  libbz2-dev libexpat1-dev liblz4-dev pybind11-dev python3-venv fonts-noto-cjk curl xz-utils clang-format
  chromium chromium-driver libopenmpi-dev openmpi-bin)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# HiGHS for the project lists' exact covering (not packaged by Debian 12): built once from source
bash scripts/highs.sh
