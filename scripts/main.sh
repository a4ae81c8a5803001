#!/usr/bin/env bash
# The main job: installs what is missing, builds in Release and runs the default scenario,
# the built-in Yunfu world (configs/yunfu.toml, compiled in: no download). Until the engine
# lands this prints the world summary: residents, households and facilities per district
# and the share of residents whose nearest facility of each category lies inside its ring.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release >/dev/null
exec build/release/lifecircle world "$@"
