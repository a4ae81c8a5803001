#!/usr/bin/env python3
"""Checkpoints on the full Yunfu run: their cost, and a resumed run's identity.

    python bench/checkpoint_resume.py [--cli build/release/lifecircle] [--repeat 2]
                                      [--stop 2026-06-30] [--threads 2] [--baseline CLI]
                                      [--seal-gb 2] [--baseline-python DIR]

1. The built-in Yunfu scenario runs without checkpoints and with one every month, alternately
   (`--repeat` times each, best kept; this machine's timings vary by several per cent, and
   by far more when it is shared: the processor seconds, user + system over all threads, are
   reported beside them and vary less); with
   `--baseline`, that build's run with monthly checkpoints too, in the same alternation. One
   JSON line gives the day-loop times (the `seconds` attribute: checkpoints are written
   inside the loop), their ratios and the checkpoint's size.
2. A run to `--stop` with monthly checkpoints is resumed from its last checkpoint on one
   thread, with `--until` the scenario's end (without it, the resumed run would end at
   `--stop`, where the stopped run was to end). The resumed results file must have the same
   datasets as the uninterrupted run (bench/same_results.py compares them). One JSON line.
3. The cost of the checksums: the uninterrupted run's datasets written with h5py, deflate
   alone against deflate + Fletcher-32 (the filters lifecircle uses), and read back. One
   JSON line. h5py's own HDF5 library is used here, not the CLI's.
4. The cost of the seal (core/file_seal.cpp) on the results file and the checkpoint: checking
   it, and sealing the file again, against reading every dataset with h5py. One JSON line
   (the Python module of `--python` is used).
5. The seal's memory on a large file: a small HDF5 file extended (sparsely) to `--seal-gb`
   GB, sealed and checked in a fresh process, whose peak resident memory is reported; with
   `--baseline-python`, that build's module too. One JSON line each.
Exits 1 if the resumed results differ.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py

ROOT = Path(__file__).resolve().parents[1]

# the whole run is timed, spin-up included: never read from the spin-up cache (builds without
# one ignore this)
os.environ["LIFECIRCLE_SPINUP_CACHE"] = "0"
sys.path.insert(0, str(ROOT / "bench"))
from same_results import differences, read  # noqa: E402


def run(cli: str, out: Path, *args) -> tuple[float, float]:
    """The run's own seconds (the results' attribute) and its processor seconds (user + system,
    all threads): the second hardly changes with what else the machine runs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([cli, "run", "-q", "-o", str(out), *map(str, args)], check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    with h5py.File(out) as f:
        return float(f.attrs["seconds"]), cpu


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


SEAL_PROBE = r"""
import json, resource, sys, time
import h5py, numpy as np
sys.path.insert(0, sys.argv[1])
from lifecircle import _core
path, size = sys.argv[2], int(sys.argv[3])
with h5py.File(path, "w") as f:
    f.create_dataset("x", data=np.arange(1000.0), chunks=(100,), compression="gzip", fletcher32=True)
with open(path, "r+b") as fh:
    fh.truncate(size)  # HDF5 ignores the bytes after its data; sparse: no disk
peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = peak()
t0 = time.perf_counter(); _core.seal_file(path); seal = time.perf_counter() - t0
t0 = time.perf_counter(); _core.check_seal(path); check = time.perf_counter() - t0
out = {"seal_seconds": seal, "check_seconds": check, "peak_rss_before": before, "peak_rss": peak()}
print(json.dumps(out))
"""


def seal_memory(python_dir: str, folder: Path, gigabytes: float, build: str) -> dict:
    path = folder / f"large-{build}.h5"
    size = int(gigabytes * 1e9)
    out = subprocess.run(
        [sys.executable, "-c", SEAL_PROBE, python_dir, str(path), str(size)],
        check=True,
        capture_output=True,
        text=True,
    )
    path.unlink()
    return {"bench": "seal_memory", "build": build, "file_bytes": size, **json.loads(out.stdout)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--stop", default="2026-06-30", help="the month's end the interrupted run stops at")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--python", default=str(ROOT / "build/release/python"), help="where the lifecircle module is"
    )
    p.add_argument("--baseline", help="another build's CLI, run with monthly checkpoints alternately")
    p.add_argument(
        "--seal-gb", type=float, default=2.0, help="size of the file the seal's memory is measured on"
    )
    p.add_argument("--baseline-python", help="another build's lifecircle module, for the seal's memory")
    a = p.parse_args()
    sys.path.insert(0, a.python)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inf = (float("inf"), float("inf"))
        plain = with_ckpt = base_ckpt = inf
        best = lambda x, y: tuple(map(min, x, y))  # noqa: E731
        for _ in range(a.repeat):
            plain = best(plain, run(a.cli, tmp / "whole.h5", "--threads", a.threads))
            with_ckpt = best(
                with_ckpt, run(a.cli, tmp / "ckpt.h5", "--threads", a.threads, "--checkpoint-every", 1)
            )
            if a.baseline:
                base_ckpt = best(
                    base_ckpt,
                    run(a.baseline, tmp / "base.h5", "--threads", a.threads, "--checkpoint-every", 1),
                )
        line = {
            "bench": "checkpoint_cost",
            "scenario": "builtin",
            "threads": a.threads,
            "seconds": plain[0],
            "seconds_checkpoint_every_month": with_ckpt[0],
            "ratio": with_ckpt[0] / plain[0],
            "cpu_seconds": plain[1],
            "cpu_seconds_checkpoint_every_month": with_ckpt[1],
            "cpu_ratio": with_ckpt[1] / plain[1],
            "checkpoint_bytes": (tmp / "ckpt.h5.ckpt").stat().st_size,
        }
        if a.baseline:
            line |= {
                "baseline_seconds_checkpoint_every_month": base_ckpt[0],
                "baseline_ratio": base_ckpt[0] / plain[0],
                "baseline_cpu_seconds_checkpoint_every_month": base_ckpt[1],
                "baseline_cpu_ratio": base_ckpt[1] / plain[1],
                "baseline_checkpoint_bytes": (tmp / "base.h5.ckpt").stat().st_size,
            }
        print(json.dumps(line), flush=True)
        with h5py.File(tmp / "whole.h5") as f:
            end = f.attrs["end"]
            end = end.decode() if isinstance(end, bytes) else str(end)
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
                "--until",
                end,
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
        print(json.dumps(seal_memory(a.python, tmp, a.seal_gb, "this")), flush=True)
        if a.baseline_python:
            print(json.dumps(seal_memory(a.baseline_python, tmp, a.seal_gb, "baseline")), flush=True)
    return 0 if not diff else 1


if __name__ == "__main__":
    sys.exit(main())
