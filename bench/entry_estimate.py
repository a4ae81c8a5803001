#!/usr/bin/env python3
"""The market's entry estimate against what projects realise: for each private project a
list opened (docs/model.md, "Project lists"), its expected monthly profit when drawn
(/projects expected_profit_yuan) beside its realised mean monthly profit while open (at least
3 months), by category: median of each and the median ratio realised / expected where the
expectation is positive. Reads a results file; prints JSON lines.

    python bench/entry_estimate.py out/yunfu.h5
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build/release/python"))
import lifecircle as lc  # noqa: E402


def main() -> int:
    res = lc.Results.load(sys.argv[1] if len(sys.argv) > 1 else ROOT / "out/yunfu.h5")
    p = res.projects
    p = p[(p.operator == "private") & (p.facility >= 0) & ~p.retender]
    months = res.facility_months
    realised = (
        months[months.open].groupby("facility").agg(profit=("profit_yuan", "mean"), months=("open", "size"))
    )
    m = p.merge(realised, left_on="facility", right_index=True)
    m = m[m.months >= 3]
    for cat, g in [("all", m), *m.groupby("category")]:
        pos = g[g.expected_profit_yuan > 0]
        ratio = (pos.profit / pos.expected_profit_yuan).median() if len(pos) else float("nan")
        line = {
            "bench": "entry_estimate",
            "category": cat,
            "projects": len(g),
            "expected_profit_median": round(float(g.expected_profit_yuan.median())),
            "realised_profit_median": round(float(g.profit.median())),
            "realised_over_expected_median": round(float(ratio), 3),
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
