#!/usr/bin/env bash
# Configures and builds one CMake preset (dev, release or asan): scripts/build.sh PRESET
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >"build-$preset.log" 2>&1 || { cat "build-$preset.log"; exit 1; }
  rm -f "build-$preset.log"
fi
cmake --build --preset "$preset" -j "$(nproc)"
