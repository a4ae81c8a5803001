#!/usr/bin/env bash
# The main job: installs what is missing, builds in Release and runs the default scenario,
# Yunfu 2024-2030 (configs/yunfu.toml, compiled in: no download), writing out/yunfu.h5 and
# printing each district's last year: satisfaction, survey, unmet needs, night service,
# shops; then writes the report (charts, gap lists, report.html) into out/report and the
# interactive living-circle map into out/map.html (opens with no network). Extra
# arguments go to `lifecircle run` (e.g. --until 2025-12-31, --threads 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release >/dev/null
mkdir -p out
build/release/lifecircle run -o out/yunfu.h5 "$@"
build/release/lifecircle report out/yunfu.h5 -o out/report
build/release/lifecircle map out/yunfu.h5 -o out/map.html
