"""Every verdict as a chance: the probability that a district reaches its satisfaction
target by a date, over satisfaction-parameter draws and over runs (seeds, behaviour draws).

Satisfaction does not feed back into behaviour, so each draw of the satisfaction parameters
re-scores a run's recorded month (:meth:`Results.rescore`) instead of running it again;
runs carry what re-scoring cannot vary (seeds, and behaviour parameters in an ensemble).

    >>> draws = pd.DataFrame({"threshold_mean": [0.64, 0.68, 0.72], "threshold_sd": 0.1})
    >>> lc.chance(runs, target=0.9, by="2025-12-31", draws=draws)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle.prior import PRIOR
from lifecircle.results import Results

#: What a chance is of: the whole population's share ("share") or the emulated survey's
#: ("survey", as the plan measures it: survey_sample respondents).
MEASURES = ("share", "survey")
#: Columns of a draws table besides the weights (weight_basic ... weight_night).
THRESHOLD_COLUMNS = ("threshold_mean", "threshold_sd")


def _draws_table(draws: pd.DataFrame | int | None, seed: int = 0) -> pd.DataFrame | None:
    """The draws as a table of parameters (an int: that many from the documented prior,
    lifecircle.prior.PRIOR, seeded with ``seed``); None: the runs' own parameters."""
    if draws is None:
        return None
    if isinstance(draws, (int, np.integer)) and not isinstance(draws, bool):
        if draws < 1:
            raise _core.ArgumentError(f"draws is {draws}; expected at least 1 prior draw")
        return PRIOR.sample(int(draws), seed=seed)
    if not isinstance(draws, pd.DataFrame) or draws.empty:
        raise _core.ArgumentError(
            "draws: expected a non-empty DataFrame of parameter draws, a number or None"
        )
    known = set(THRESHOLD_COLUMNS) | {
        f"weight_{w}" for w in ("basic", "quality", "government", "unmet", "night")
    }
    unknown = [c for c in draws.columns if c not in known and c not in ("draw", "chain")]
    if unknown:
        raise _core.ArgumentError(f"draws: unknown column(s) {unknown}; expected {sorted(known)}")
    return draws[[c for c in draws.columns if c in known]]


def outcomes(
    runs: Results | Iterable[Results],
    *,
    by: str | dt.date | None = None,
    draws: pd.DataFrame | int | None = 200,
    measure: str = "share",
    seed: int = 0,
) -> pd.DataFrame:
    """Each district's satisfied share (or survey share) at ``by`` for every run and draw:
    columns run, draw, district, pinyin, value. The material :func:`chance` counts."""
    if measure not in MEASURES:
        raise _core.ArgumentError(f"measure is {measure!r}; expected one of {', '.join(MEASURES)}")
    runs = [runs] if isinstance(runs, Results) else list(runs)
    if not runs:
        raise _core.ArgumentError("runs: expected at least one Results")
    table = _draws_table(draws, seed)
    column = "satisfaction" if measure == "share" else "survey"
    parts = []
    for k, res in enumerate(runs):
        month = res.recorded_month(by)
        t = (
            res.rescore(months=[month]).assign(draw=0)
            if table is None
            else res.rescore_many(table, months=[month])
        )
        values = {"draw": t.draw.to_numpy(), "district": t.district, "pinyin": t.pinyin, "value": t[column]}
        parts.append(pd.DataFrame({"run": k, **values}))
    return pd.concat(parts, ignore_index=True)


def chance(
    runs: Results | Iterable[Results],
    target: float | None = None,
    *,
    by: str | dt.date | None = None,
    draws: pd.DataFrame | int | None = 200,
    measure: str = "share",
    seed: int = 0,
) -> pd.DataFrame:
    """Per district, the probability of reaching ``target`` (default: the scenario's
    satisfaction_target) by ``by`` (a recorded month; default the last), over ``draws`` (a
    DataFrame of satisfaction-parameter draws: threshold_mean, threshold_sd, optionally
    weight_*, such as a calibration's posterior; an int: that many draws from the documented
    prior, lifecircle.prior.PRIOR, seeded with ``seed``; None: the runs' own parameters)
    times the runs. Columns: district, pinyin,
    chance, mean, low and high (the 5% and 95% quantiles of the share), n (runs x draws),
    target, measure."""
    runs = [runs] if isinstance(runs, Results) else list(runs)
    if target is None:
        target = float(runs[0].scenario.satisfaction_target) if runs else 0.9
    if not 0.0 < float(target) <= 1.0:
        raise _core.ArgumentError(f"target is {target}; expected a share in (0, 1]")
    o = outcomes(runs, by=by, draws=draws, measure=measure, seed=seed)
    o["reached"] = o.value >= float(target)
    g = o.groupby(["district", "pinyin"], sort=False)
    out = g.agg(chance=("reached", "mean"), mean=("value", "mean"), n=("value", "size")).reset_index()
    out["low"] = g.value.quantile(0.05).to_numpy()
    out["high"] = g.value.quantile(0.95).to_numpy()
    out["target"] = float(target)
    out["measure"] = measure
    return out[["district", "pinyin", "chance", "mean", "low", "high", "n", "target", "measure"]]


def main(argv: list[str] | None = None) -> int:
    """``lifecircle chance RESULTS``: each district's satisfied share and its chance of the
    target, over draws from the documented prior."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="lifecircle chance",
        description="each district's satisfied share at a recorded month and its chance of reaching the "
        "target over satisfaction-parameter draws from the documented prior (docs/model.md)",
    )
    parser.add_argument("results", help="results file written by `lifecircle run`")
    parser.add_argument("--by", help="a recorded month's date, e.g. 2025-12-31 (default: the last recorded)")
    parser.add_argument(
        "--target", type=float, help="share to reach (default: the scenario's satisfaction_target)"
    )
    parser.add_argument("--draws", type=int, default=200, help="draws from the prior (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="the draws' seed (default 0)")
    parser.add_argument("--measure", choices=MEASURES, default="share", help="share (default) or survey")
    args = parser.parse_args(argv)
    try:
        res = Results.load(args.results)
        table = chance(res, args.target, by=args.by, draws=args.draws, measure=args.measure, seed=args.seed)
        own = outcomes(res, by=args.by, draws=None, measure=args.measure)
    except (ValueError, OSError) as e:  # InputError, ArgumentError, ConfigError are ValueErrors
        print(f"lifecircle chance: error: {e}", file=sys.stderr)
        return 1
    month = res.recorded_month(args.by)
    target = float(table.target.iloc[0])
    print(f"{'district':<8} {'pinyin':<11} {args.measure:>7} {'chance':>7} {'5-95% of the share':>19}")
    for row, value in zip(table.itertuples(), own.value):
        width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in row.district)  # CJK: two columns
        print(
            f"{row.district}{' ' * max(1, 9 - width)}{row.pinyin:<11} {100 * value:6.1f}% "
            f"{100 * row.chance:6.0f}% {100 * row.low:10.1f}-{100 * row.high:.1f}%"
        )
    print(
        f"({month[0]}-{month[1]:02d}; {args.measure}: the run's own parameters; chance: of reaching "
        f"{100 * target:.0f}% over {args.draws} prior draws of the satisfaction threshold, lifecircle.PRIOR)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
