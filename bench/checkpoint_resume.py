#!/usr/bin/env python3
"""Checkpoints on the full Yunfu run: their cost, and a resumed run's identity.

    python bench/checkpoint_resume.py [--cli build/release/lifecircle] [--repeat 2]
                                      [--stop 2026-06-30] [--threads 2]

1. The built-in Yunfu scenario runs without checkpoints and with one every month, alternately
   (`--repeat` times each, best kept; this machine's timings vary by several per cent). One
   JSON line gives both day-loop times (the `seconds` attribute: checkpoints are written
   inside the loop), their ratio and the checkpoint's size.
2. A run to `--stop` with monthly checkpoints is resumed from its last checkpoint on one
   thread. The resumed results file must have the same datasets as the uninterrupted run
   (bench/same_results.py compares them). One JSON line.
3. The cost of the checksums: the uninterrupted run's datasets written with h5py, deflate
   alone against deflate + Fletcher-32 (the filters lifecircle uses), and read back. One
   JSON line. h5py's own HDF5 library is used here, not the CLI's.
4. The cost of the seal (core/file_seal.cpp) on the results file and the checkpoint: checking
   it, and sealing the file again, against reading every dataset with h5py. One JSON line
   (the Python module of `--python` is used).
Exits 1 if the resumed results differ.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from same_results import differences, read  # noqa: E402


def run(cli: str, out: Path, *args) -> float:
    subprocess.run([cli, "run", "-q", "-o", str(out), *map(str, args)], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out) as f:
        return float(f.attrs["seconds"])


def filter_cost(results: Path, folder: Path, repeat: int) -> dict:
    data, _ = read(results)
    numeric = {k: v for k, v in data.items() if v.dtype.kind in "iuf" and v.size > 0}
    best = {}
    for fletcher in (False, True):
        write = read_s = float("inf")
        for _ in range(repeat):
            path = folder / f"filters-{fletcher}.h5"
            t0 = time.perf_counter()
            with h5py.File(path, "w") as f:
                for name, v in numeric.items():
                    f.create_dataset(
                        name,
                        data=v,
                        chunks=(min(v.size, 1 << 16),),
                        compression="gzip",
                        compression_opts=4,
                        fletcher32=fletcher,
                    )
            write = min(write, time.perf_counter() - t0)
            t0 = time.perf_counter()
            with h5py.File(path) as f:
                for name in numeric:
                    f[name][()]
            read_s = min(read_s, time.perf_counter() - t0)
        best[fletcher] = (write, read_s, path.stat().st_size)
    return {
        "bench": "checksum_cost",
        "datasets": len(numeric),
        "write_seconds": best[False][0],
        "write_seconds_fletcher32": best[True][0],
        "read_seconds": best[False][1],
        "read_seconds_fletcher32": best[True][1],
        "bytes": best[False][2],
        "bytes_fletcher32": best[True][2],
    }


def seal_cost(files: list[Path], folder: Path, repeat: int) -> dict:
    from lifecircle import _core

    out = {"bench": "seal_cost"}
    for path in files:
        check = reseal = read_s = float("inf")
        copy = folder / ("resealed-" + path.name)
        for _ in range(repeat):
            t0 = time.perf_counter()
            _core.check_seal(str(path))
            check = min(check, time.perf_counter() - t0)
            copy.write_bytes(path.read_bytes())
            _core.unseal_file(str(copy))
            t0 = time.perf_counter()
            _core.seal_file(str(copy))
            reseal = min(reseal, time.perf_counter() - t0)
            t0 = time.perf_counter()
            with h5py.File(path) as f:
                # (visititems stops at the first callback that returns a value)
                f.visititems(lambda _, o: (o[()], None)[1] if isinstance(o, h5py.Dataset) else None)
            read_s = min(read_s, time.perf_counter() - t0)
        kind = "checkpoint" if path.suffix == ".ckpt" else "results"
        out[f"{kind}_bytes"] = path.stat().st_size
        out[f"{kind}_check_seconds"] = check
        out[f"{kind}_seal_seconds"] = reseal
        out[f"{kind}_h5py_read_seconds"] = read_s
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--stop", default="2026-06-30", help="the month's end the interrupted run stops at")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--python", default=str(ROOT / "build/release/python"), help="where the lifecircle module is"
    )
    a = p.parse_args()
    sys.path.insert(0, a.python)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = with_ckpt = float("inf")
        for _ in range(a.repeat):
            plain = min(plain, run(a.cli, tmp / "whole.h5", "--threads", a.threads))
            with_ckpt = min(
                with_ckpt, run(a.cli, tmp / "ckpt.h5", "--threads", a.threads, "--checkpoint-every", 1)
            )
        print(
            json.dumps(
                {
                    "bench": "checkpoint_cost",
                    "scenario": "builtin",
                    "threads": a.threads,
                    "seconds": plain,
                    "seconds_checkpoint_every_month": with_ckpt,
                    "ratio": with_ckpt / plain,
                    "checkpoint_bytes": (tmp / "ckpt.h5.ckpt").stat().st_size,
                }
            ),
            flush=True,
        )
        run(a.cli, tmp / "stopped.h5", "--threads", a.threads, "--checkpoint-every", 1, "--until", a.stop)
        subprocess.run(
            [
                a.cli,
                "run",
                "-q",
                "-o",
                str(tmp / "resumed.h5"),
                "--resume",
                str(tmp / "stopped.h5.ckpt"),
                "--threads",
                "1",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        diff = differences(tmp / "resumed.h5", tmp / "whole.h5", set())
        print(
            json.dumps(
                {
                    "bench": "resume_identical",
                    "scenario": "builtin",
                    "stopped_after": a.stop,
                    "identical": not diff,
                    "differences": diff[:10],
                }
            ),
            flush=True,
        )
        print(json.dumps(filter_cost(tmp / "whole.h5", tmp, a.repeat)), flush=True)
        print(json.dumps(seal_cost([tmp / "whole.h5", tmp / "ckpt.h5.ckpt"], tmp, a.repeat)), flush=True)
    return 0 if not diff else 1


if __name__ == "__main__":
    sys.exit(main())
