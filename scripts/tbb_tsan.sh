#!/usr/bin/env bash
# A ThreadSanitizer-instrumented oneTBB for the `tsan` preset, built from Debian 12's own
# source of the oneTBB it ships (2021.8.0, from deb.debian.org's pool; checksum pinned) and
# installed into build/deps/onetbb-tsan. Debian's libtbb is not instrumented: TSan cannot see
# its synchronisation and reports false races in every parallel_for. Idempotent (a stamp).
set -euo pipefail
cd "$(dirname "$0")/.."
version=2021.8.0
sha256=7e9111b8bb59c8800bf6d0b06afe7b0891937443d2dae1ee1101c8e2ede6a7ef
url="http://deb.debian.org/debian/pool/main/o/onetbb/onetbb_${version}.orig.tar.xz"
deps="$PWD/build/deps"
prefix="$deps/onetbb-tsan"
stamp="$prefix/.lifecircle-stamp-$version"
[ -f "$stamp" ] && exit 0

mkdir -p "$deps/src"
tarball="$deps/src/onetbb_${version}.orig.tar.xz"
if [ ! -f "$tarball" ] || ! echo "$sha256  $tarball" | sha256sum -c --quiet - 2>/dev/null; then
  echo "tbb_tsan: downloading $url"
  curl -fsSL --retry 3 -o "$tarball.part" "$url"
  echo "$sha256  $tarball.part" | sha256sum -c --quiet - || { echo "tbb_tsan: checksum mismatch for $url" >&2; exit 1; }
  mv "$tarball.part" "$tarball"
fi
rm -rf "$deps/src/onetbb-$version" "$deps/onetbb-tsan-build"
tar -C "$deps/src" -xJf "$tarball"
src=$(find "$deps/src" -maxdepth 1 -type d -name 'oneTBB-*' -o -maxdepth 1 -type d -name "onetbb-$version" | head -1)
echo "tbb_tsan: building oneTBB $version with -fsanitize=thread (a few minutes)"
cmake -S "$src" -B "$deps/onetbb-tsan-build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF \
  -DTBB_SANITIZE=thread -DTBBMALLOC_BUILD=OFF >/dev/null
cmake --build "$deps/onetbb-tsan-build" -j 2 >/dev/null
cmake --install "$deps/onetbb-tsan-build" >/dev/null
touch "$stamp"
echo "tbb_tsan: installed into $prefix"
