#!/usr/bin/env bash
# HiGHS, the exact solver of the project lists' maximal covering (models/covering.cpp), built
# from the source that PyPI's highspy sdist carries (the same HiGHS the Python package's highspy
# runs; version and checksum pinned) as a static, position-independent library without its own
# threads, installed into build/deps/highs. Debian 12 does not package HiGHS. Idempotent (a
# stamp); the C++ build links it when present (CMake finds build/deps/highs) and refuses
# method = "exact" with a clear error when built without it. A built copy is kept in the
# user's cache (${XDG_CACHE_HOME:-~/.cache}/lifecircle/highs-VERSION), so that another clone on
# the same machine copies it instead of building it again.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.16.0
sha256=83519368321b1ac0ed508b8562b335928b6fd249e2ab42ff0218491e1486d985
deps="$PWD/build/deps"
prefix="$deps/highs"
stamp="$prefix/.lifecircle-stamp-$version"
[ -f "$stamp" ] && exit 0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lifecircle/highs-$version"
if [ -f "$cache/.lifecircle-stamp-$version" ]; then
  rm -rf "$prefix" && mkdir -p "$(dirname "$prefix")" && cp -a "$cache" "$prefix"
  echo "highs: HiGHS $version from $cache"
  exit 0
fi

PYTHON=${PYTHON:-.venv/bin/python}
mkdir -p "$deps/src"
tarball="$deps/src/highspy-$version.tar.gz"
if [ ! -f "$tarball" ] || ! echo "$sha256  $tarball" | sha256sum -c --quiet - 2>/dev/null; then
  echo "highs: downloading the highspy $version source distribution (HiGHS $version) from PyPI"
  rm -f "$tarball"
  "$PYTHON" -m pip download -q --no-deps --no-binary :all: --no-build-isolation "highspy==$version" -d "$deps/src"
  echo "$sha256  $tarball" | sha256sum -c --quiet - || { echo "highs: checksum mismatch for $tarball" >&2; exit 1; }
fi
rm -rf "$deps/src/highspy-$version" "$deps/highs-build"
tar -C "$deps/src" -xzf "$tarball"
# the sdist is cut for the Python build: it lacks the command-line app and the pkg-config
# template that the library build refers to; neither is built here
src="$deps/src/highspy-$version"
mkdir -p "$src/app"
[ -f "$src/app/CMakeLists.txt" ] || : >"$src/app/CMakeLists.txt"
[ -f "$src/highs.pc.in" ] || : >"$src/highs.pc.in"
echo "highs: building HiGHS $version (static, no threads of its own; a few minutes)"
cmake -S "$src" -B "$deps/highs-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DBUILD_TESTING=OFF -DBUILD_EXAMPLES=OFF -DBUILD_CXX_EXE=OFF -DBUILD_SHARED_EXTRAS_LIB=OFF -DZLIB=OFF \
  -DHIGHS_NO_DEFAULT_THREADS=ON -DPYTHON_BUILD_SETUP=OFF -DFAST_BUILD=ON >/dev/null
cmake --build "$deps/highs-build" -j "$(nproc)" >/dev/null
cmake --install "$deps/highs-build" >/dev/null
touch "$stamp"
rm -rf "$cache.part" && mkdir -p "$(dirname "$cache")" && cp -a "$prefix" "$cache.part" && rm -rf "$cache" &&
  mv "$cache.part" "$cache" || echo "highs: could not keep a copy in $cache (not needed)"
echo "highs: installed into $prefix"
