#!/usr/bin/env bash
# Fuzzes every reader with libFuzzer + ASan + UBSan: scripts/fuzz.sh SECONDS [HARNESS ...]
# (default 60 s each; harnesses: scenario csv_network osm hdf5_readers). Builds the `fuzz`
# preset (clang, installed here), makes a working corpus from fuzz/corpus/ plus generated
# seeds (a small city file, checkpoint and PBF), then runs the harnesses side by side, one
# per core (FUZZ_JOBS=N: N at once; FUZZ_KEEP_GOING=1: on past crashes, to count them). Prints
# one JSON line per harness (runs, executions per second, coverage, crashes);
# crash inputs are left in build/fuzz/crashes/HARNESS/ (keep them in fuzz/corpus/HARNESS/ once
# fixed: `ctest` replays that folder). Exits 1 if any harness crashed, leaked or hung.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(scenario csv_network osm hdf5_readers)

need=()
for p in clang libclang-rt-14-dev osmium-tool; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
bash scripts/setup.sh
bash scripts/build.sh fuzz >/dev/null
bash scripts/build.sh dev >/dev/null  # the CLI that makes the generated seeds

work=build/fuzz/work
rm -rf "$work" build/fuzz/crashes
mkdir -p "$work"
for h in "${harnesses[@]}"; do
  mkdir -p "$work/$h" "build/fuzz/crashes/$h"
  cp fuzz/corpus/"$h"/* "$work/$h/" 2>/dev/null || true
done
# generated seeds (too large, or binary, to keep in the repository)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -d "$work/osm" ]; then
  osmium cat -F osm fuzz/corpus/osm/town-xml -o "$work/osm/town.osm.pbf" --overwrite
fi
if [ -d "$work/hdf5_readers" ]; then
  printf 'id,x,y\n1,0,0\n2,100,0\n3,200,0\n' > "$tmp/n.csv"
  printf 'from,to,length\n1,2,100\n2,3,100\n' > "$tmp/e.csv"
  printf 'x,y,category,name\n0,5,shop,A\n' > "$tmp/f.csv"
  build/dev/lifecircle import-csv --nodes "$tmp/n.csv" --edges "$tmp/e.csv" --facilities "$tmp/f.csv" \
    -o "$work/hdf5_readers/city.h5" >/dev/null
  sed -e 's/population = 1200/population = 40/' -e 's/population = 800/population = 30/' configs/tiny.toml > "$tmp/micro.toml"
  build/dev/lifecircle run "$tmp/micro.toml" -q -o "$tmp/micro.h5" --until 2024-01-31 --checkpoint-every 1 >/dev/null
  cp "$tmp/micro.h5.ckpt" "$work/hdf5_readers/checkpoint.h5"
fi

# side by side, one per core; each writes its log, then its JSON line is read from it
cores=${FUZZ_JOBS:-$(nproc)}  # harnesses at once (FUZZ_JOBS=4: all four side by side)
status=0
root=$PWD
run_one() {
  local h=$1 dict=() more=()
  [ "$h" = scenario ] && dict=(-dict="$root/fuzz/scenario.dict")
  # FUZZ_KEEP_GOING=1: go on after a crash (in a forked child), to count what a harness finds
  [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && more=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  # crash, leak and timeout inputs land in the current folder
  (cd "$root/build/fuzz/crashes/$h" && "$root/build/fuzz/fuzz_$h" "${dict[@]}" "${more[@]}" -max_total_time="$seconds" \
     -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$root/$work/$h" > "$root/build/fuzz/$h.log" 2>&1)
}
pids=()
for h in "${harnesses[@]}"; do
  while (($(jobs -rp | wc -l) >= cores)); do sleep 1; done
  run_one "$h" & pids+=($!)
done
i=0
for h in "${harnesses[@]}"; do
  wait "${pids[$i]}" || status=1
  i=$((i + 1))
  log=build/fuzz/"$h".log
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  # (with FUZZ_KEEP_GOING the parent prints no final stats: the last status line counts)
  [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#' || true)
  runs=${runs:-0}
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "$seconds")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  feat=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  crashes=$(find build/fuzz/crashes/"$h" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
  printf '{"bench": "fuzz", "harness": "%s", "seconds": %s, "runs": %s, "per_second": %s, "coverage_edges": %s, "features": %s, "crashes": %s}\n' \
    "$h" "$secs" "$runs" "$((runs / (secs > 0 ? secs : 1)))" "$cov" "$feat" "$crashes"
  ((crashes == 0)) || status=1
done
exit $status
