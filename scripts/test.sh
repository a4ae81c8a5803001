#!/usr/bin/env bash
# Every test: installs what is missing, builds the dev preset (warnings are errors), runs the
# C++ tests (ctest), checks the C++ layout (clang-format) and the Python code (ruff) and runs the Python tests (pytest; they
# execute every notebook) against that build, then the C++ tests again under AddressSanitizer
# + UBSan and under ThreadSanitizer (oneTBB built from Debian's source by scripts/tbb_tsan.sh).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
status=0

echo "== build (dev) =="
bash scripts/build.sh dev
echo "== C++ tests (ctest, dev) =="
ctest --preset dev -j 2 || status=1

echo "== C++ format (clang-format, .clang-format) =="
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror || status=1

echo "== Python lint (ruff) =="
.venv/bin/ruff check --select F,E,W,I --exclude '*.pyi' bindings tests/python bench || status=1
.venv/bin/ruff format --check --exclude '*.pyi' bindings tests/python bench || status=1

echo "== Python tests (pytest) =="
LIFECIRCLE_CLI="$PWD/build/dev/lifecircle" PYTHONPATH="$PWD/build/dev/python" \
  .venv/bin/python -m pytest -q -rs tests/python || status=1

echo "== build (asan: AddressSanitizer + UBSan) =="
bash scripts/build.sh asan
echo "== C++ tests (ctest, asan) =="
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan -j 2 || status=1

echo "== build (tsan: ThreadSanitizer, with an instrumented oneTBB) =="
bash scripts/tbb_tsan.sh
bash scripts/build.sh tsan
echo "== C++ tests (ctest, tsan) =="
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --preset tsan -j 2 || status=1

exit $status
