"""The runs a benchmark checks or fits: one scenario on consecutive seeds, or read back.

from seeded_runs import seeded_runs
runs = seeded_runs(lc, sc, seeds=5, first_seed=20240101, until="2030-12-31", results=None)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def seeded_runs(
    lc: Any,
    scenario: Any,
    *,
    seeds: int,
    first_seed: int,
    until: str,
    processes: int = 2,
    keep: str | None = None,
    results: str | None = None,
) -> list:
    """``scenario`` run on ``seeds`` seeds from ``first_seed`` to ``until`` (the files kept in
    ``keep``), or, with ``results``, the run-N.h5 files there, in the order of N."""
    if results:
        paths = sorted(Path(results).glob("run-*.h5"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
        if not paths:
            raise SystemExit(f"{results}: no run-*.h5 files")
        return [lc.Results.load(p) for p in paths]
    return lc.run_many(
        [scenario] * seeds,
        seeds=list(range(first_seed, first_seed + seeds)),
        until=until,
        processes=processes,
        output_dir=keep,
        progress=False,
    )
