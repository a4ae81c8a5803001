#!/usr/bin/env bash
# The main job: installs what is missing, builds in Release and runs the default scenario,
# Yunfu 2024-2030 (configs/yunfu.toml, compiled in: no download), writing out/yunfu.h5 and
# printing each district's last year: satisfaction, survey, unmet needs, night service,
# shops; then each district's share and chance of the 90% target at the end of 2025 and of
# the last year (over draws of the satisfaction threshold from the documented prior); then
# writes the report (charts, gap lists, report.html) into out/report and the
# interactive living-circle map into out/map.html (opens with no network). Extra
# arguments go to `lifecircle run` (e.g. --until 2025-12-31, --threads 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release >/dev/null
mkdir -p out
build/release/lifecircle run -o out/yunfu.h5 "$@"
echo
build/release/lifecircle chance out/yunfu.h5 --by 2025-12-31 || true  # a run ending before 2025's end has none
echo
build/release/lifecircle chance out/yunfu.h5
build/release/lifecircle report out/yunfu.h5 -o out/report
build/release/lifecircle map out/yunfu.h5 -o out/map.html
