#!/usr/bin/env python3
"""Does a project list leave fewer residents outside the ring a year after joining?

For each seed: each chosen district's project list from its gaps at its joining date
(``Scenario.with_project_lists``, exact covering, target 90%), run with the lists and without
(the districts' plan_facility events removed) to the joining year's end; for every basic
category a list holds, the district's residents outside the ring in each run.

Prints JSON lines: one per seed and district (residents outside the ring, with and without,
per category), then the tally over every (seed, district, category): fewer, the same, more.

    python bench/list_effect.py                       # Yunfu's three pilots, 3 seeds
    python bench/list_effect.py --town tiny --seeds 10 --districts 东区
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build/release/python"))
import lifecircle as lc  # noqa: E402
from lifecircle.projects import join_dates  # noqa: E402


def emit(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--town", choices=("yunfu", "tiny"), default="yunfu")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--districts", nargs="*", help="default: the districts joining first (the pilots)")
    a = ap.parse_args()
    base = lc.Scenario.default() if a.town == "yunfu" else lc.Scenario.load(ROOT / "configs/tiny.toml")
    joins = join_dates(base)
    first = min(joins.values())
    names = a.districts or [n for n, day in joins.items() if day == first]
    until = f"{max(joins[n] for n in names).year}-12-31"
    tally: Counter[str] = Counter()
    t0 = time.perf_counter()
    for k in range(a.seeds):
        sc = base.with_seed(base.seed + k)
        with_lists = sc.with_project_lists(districts=names)
        without = sc
        for n in names:
            without = without.without_events("plan_facility", district=n)
        runs = {
            "with": lc.run(with_lists, until=until, progress=False),
            "without": lc.run(without, until=until, progress=False),
        }
        projects = runs["with"].projects  # the lists the engine drew in that run
        basic = set(sc.categories_of_class("basic"))
        for n in names:
            mine = projects[projects.category.isin(basic) & (projects.district == n)]
            lacked = sorted(set(mine.category))
            out = {}
            for label, res in runs.items():
                year = res.end.year
                people = res.residents_on(res.year_end(year))
                here = (people.district == n).to_numpy()
                out[label] = {c: int((~res.in_ring(c, year).to_numpy())[here].sum()) for c in lacked}
            for c in lacked:
                w, wo = out["with"][c], out["without"][c]
                tally["fewer" if w < wo else "same" if w == wo else "more"] += 1
            emit(
                {"bench": "list_effect", "town": a.town, "seed": sc.seed, "district": n, "outside_ring": out}
            )
    emit(
        {
            "bench": "list_effect_tally",
            "town": a.town,
            "seeds": a.seeds,
            "districts": names,
            "year_end": until,
            **{k: tally[k] for k in ("fewer", "same", "more")},
            "seconds": round(time.perf_counter() - t0),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
