#!/usr/bin/env bash
# The main job: installs what is missing, builds in Release and runs the default scenario.
# Until the engine lands this is the reach and coverage summary of the built-in example city.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release >/dev/null
exec build/release/lifecircle example "$@"
