#!/usr/bin/env python3
"""Do two builds of lifecircle give the same results? Runs both on the same scenarios and
thread counts and compares every dataset of their results files, value for value.

    python bench/same_results.py --baseline OTHER_CLI [--cli build/release/lifecircle]
        [--config configs/tiny.toml --config builtin] [--threads 1 --threads 2]
        [--allow-dtype residents/district] [--keep DIR]

"builtin" is the built-in Yunfu scenario. Each run is compared with the baseline build's run
of the same scenario and thread count, and with this build's run on the first thread
count. A dataset passes when its shape and its values are identical (NaN equal to NaN);
its HDF5 type must be identical too, except for those named with --allow-dtype (a type
widened on purpose: the values are still compared). The root attributes are compared
too, except the timing and thread ones. Prints one JSON line per comparison and exits 1 on
any difference. The runs use a spin-up cache of their own, empty at first (docs/checkpoints.md):
with a build that has one, a scenario with a spin-up runs cold on the first thread count and
with its spin-up read from that cache on the others.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VOLATILE_ATTRS = {"seconds", "trip_seconds", "threads", "version"}


def read(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    out: dict[str, np.ndarray] = {}
    with h5py.File(path) as f:

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]

        f.visititems(visit)
        attrs = {k: v for k, v in f.attrs.items() if k not in VOLATILE_ATTRS}
    return out, attrs


def differences(a: Path, b: Path, allow_dtype: set[str]) -> list[str]:
    """Every way in which results files a and b differ, in words."""
    da, aa = read(a)
    db, ab = read(b)
    out = []
    for name in sorted(set(da) | set(db)):
        if name not in da or name not in db:
            out.append(f"{name}: only in {'the baseline' if name in db else 'this build'}")
            continue
        x, y = da[name], db[name]
        if x.dtype != y.dtype and name not in allow_dtype:
            out.append(f"{name}: type {x.dtype} here, {y.dtype} in the baseline")
        if x.shape != y.shape:
            out.append(f"{name}: shape {x.shape} here, {y.shape} in the baseline")
        elif x.dtype.kind in "fc":
            if not np.array_equal(x, y, equal_nan=True):
                out.append(f"{name}: {int(np.sum(~((x == y) | (np.isnan(x) & np.isnan(y)))))} values differ")
        elif not np.array_equal(x, y):
            out.append(f"{name}: {int(np.sum(x != y))} values differ")
    for key in sorted(set(aa) | set(ab)):
        if key not in aa or key not in ab or not np.array_equal(aa[key], ab[key]):
            out.append(f"attribute {key}: differs")
    return out


def run(cli: str, config: str, threads: int, out: Path, env: dict | None = None) -> None:
    args = [cli, "run"] + ([] if config == "builtin" else [config])
    args += ["-o", str(out), "--threads", str(threads)]
    subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    p.add_argument("--baseline", required=True, help="the other build's lifecircle")
    p.add_argument(
        "--config", action="append", help="scenario file, or 'builtin' (default: tiny and builtin)"
    )
    p.add_argument("--threads", action="append", type=int, help="thread counts (default: 1 and 2)")
    p.add_argument("--allow-dtype", action="append", default=[], help="dataset whose type may differ")
    p.add_argument("--keep", type=Path, help="keep the results files in this folder")
    a = p.parse_args()
    configs = a.config or ["configs/tiny.toml", "builtin"]
    threads = a.threads or [1, 2]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        # a spin-up cache of this comparison's own, empty at first: a scenario with a spin-up
        # runs cold on the first thread count and from the cache on the next
        env = dict(os.environ, LIFECIRCLE_CACHE_DIR=str(Path(tmp) / "spinup-cache"))
        env.pop("LIFECIRCLE_SPINUP_CACHE", None)
        folder = a.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for config in configs:
            stem = Path(config).stem
            for t in threads:
                for who, cli in (("this", a.cli), ("baseline", a.baseline)):
                    run(cli, config, t, folder / f"{stem}-{who}-t{t}.h5", env)
                pairs = [("baseline", f"{stem}-baseline-t{t}.h5")]
                if t != threads[0]:
                    pairs.append((f"this build on {threads[0]} threads", f"{stem}-this-t{threads[0]}.h5"))
                for against, other in pairs:
                    diff = differences(folder / f"{stem}-this-t{t}.h5", folder / other, set(a.allow_dtype))
                    failed |= bool(diff)
                    print(
                        json.dumps(
                            {
                                "bench": "same_results",
                                "config": config,
                                "threads": t,
                                "against": against,
                                "identical": not diff,
                                "differences": diff[:20],
                            },
                            ensure_ascii=False,
                        )
                    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
