"""The cheapest package that brings chosen districts to a satisfaction target by a date
(``lc.optimize``): a search over the plan's levers with Optuna, every candidate run through
the simulator on several seeds.

Levers (``levers=``, default all):

- ``facilities``: for each category of the districts' project lists (lifecircle.projects,
  exact maximal covering at their joining date), how many of its sites to build (0 to all,
  the best first): the warm start takes them all;
- ``rent_cut``: a rent cut (0-50%) per subsidy-eligible category of those lists;
- ``grant``: an operating grant (0-2,000 yuan a shop a month) per subsidy-eligible category
  of those lists;
- ``hours_24``: the shops of the categories marked ``round_the_clock`` (plan item 10: the
  24-hour convenience store) open 24 hours in the districts;
- ``mobile_vendor``: 0-2 mobile vendors (vegetable trucks, breakfast and night food carts:
  plan item 11) per district and category marked ``mobile_vendor`` in the scenario;
- ``map_app``: a map-app campaign, the share of residents using it afterwards (plan item 9);
- ``timing``: the months over which the facilities are phased after joining (1, 3 or 6).

Objectives: the public cost to the date (mean over seeds; subsidies, fit-out, support, in
the chosen districts) to minimise, and the lowest satisfaction at the date over the chosen
districts and seeds to maximise; a candidate is feasible when that lowest satisfaction
reaches the target on every seed. With ``chance=`` the second objective is instead the
lowest, over the districts, chance of reaching the target (over seeds x satisfaction
parameter draws, each draw re-scored, not re-run: lifecircle.chances), and a candidate is
feasible when it reaches ``chance``. Optuna's TPE sampler (multi-objective, with the
constraint) proposes candidates; the study lives in a SQLite file when ``storage`` is given,
so an interrupted search resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle._extras import require
from lifecircle.chances import MEASURES, outcomes
from lifecircle.prior import PRIOR
from lifecircle.projects import phased, plan_event
from lifecircle.scenario import Scenario

LEVERS = ("facilities", "rent_cut", "grant", "hours_24", "mobile_vendor", "map_app", "timing")
RENT_CUTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
GRANTS = (0, 500, 1000, 2000)  # yuan a shop a month
ADOPTION = (0.0, 0.5, 0.8)
TIMING = (1, 3, 6)


@dataclass
class Optimization:
    """A search's outcome: ``trials`` (every candidate: cost, lowest satisfaction, feasible,
    its package as scenario edits, its levers as ``p_`` columns), ``front`` (the Pareto front
    among them), ``study`` (Optuna's), and :meth:`scenario` for any trial's package as a
    Scenario."""

    trials: pd.DataFrame
    front: pd.DataFrame
    study: Any
    base: Scenario
    lists: pd.DataFrame
    districts: list[str]
    target: float
    by: dt.date
    runs: int = 0
    seconds: float = 0.0
    _edits: dict[int, list[str]] = field(default_factory=dict)

    chance: float | None = None  #: the chance a package must reach (None: every seed)

    def cheapest(self) -> pd.Series | None:
        """The cheapest feasible candidate, or None when none met the target."""
        ok = self.trials[self.trials.feasible]
        return None if ok.empty else ok.sort_values("cost_yuan").iloc[0]

    def scenario(self, trial: int) -> Scenario:
        """The package of trial number ``trial`` as a scenario (to run, compare, save)."""
        row = self.trials.set_index("trial").loc[trial]
        params = {k[len("p_") :]: v for k, v in row.items() if k.startswith("p_") and not _isnan(v)}
        return _package(self.base, self.lists, self.districts, params)


def _pareto(table: pd.DataFrame) -> pd.DataFrame:
    """The candidates no other is both cheaper (or as cheap) and more satisfying (or as
    satisfying) than, strictly better in one: among all, feasible or not (Optuna's
    best_trials holds feasible ones only, and is empty when none reached the target)."""
    judged = "lowest_chance" if table.lowest_chance.notna().any() else "lowest_satisfaction"
    cost, sat = table.cost_yuan.to_numpy(), table[judged].to_numpy()
    keep = [
        not np.any((cost <= cost[i]) & (sat >= sat[i]) & ((cost < cost[i]) | (sat > sat[i])))
        for i in range(len(table))
    ]
    return table[keep].sort_values("cost_yuan")


def _isnan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _package(base: Scenario, lists: pd.DataFrame, districts: list[str], params: dict[str, Any]) -> Scenario:
    """The base scenario (the districts' own facility events removed) with a candidate's levers."""
    events: list[dict[str, Any]] = []
    months = int(params.get("timing", 6))
    joins = _joins(base)
    for name in districts:
        mine = lists[lists.district == name]
        chosen = []
        for cat, g in mine.groupby("category", sort=False):
            k = int(params.get(f"facilities_{cat}", len(g)))
            chosen.extend(g.sort_values("rank").head(k).itertuples())
        for r, date in zip(chosen, phased(joins[name], len(chosen), months)):
            if date <= base.end:
                events.append(plan_event(r, name, date))
        subsidised = {
            k.removeprefix("rent_cut_").removeprefix("grant_")
            for k in params
            if k.startswith(("rent_cut_", "grant_"))
        }
        for cat in sorted(subsidised):
            cut, grant = float(params.get(f"rent_cut_{cat}", 0)), float(params.get(f"grant_{cat}", 0))
            if cut > 0 or grant > 0:
                events.append({"date": joins[name], "type": "subsidy", "district": name, "category": cat,
                               "rent_cut": cut, "grant_yuan_month": grant})  # fmt: skip
        for key, value in params.items():
            if key.startswith("mobile_") and int(value) > 0:
                events.append({"date": joins[name], "type": "mobile_vendor", "district": name,
                               "category": key[len("mobile_"):], "count": int(value)})  # fmt: skip
        if params.get("hours_24"):
            events += [{"date": joins[name], "type": "extend_hours", "district": name, "category": c,
                        "hours": [0, 24]} for c in _flagged(base, "round_the_clock")]  # fmt: skip
        if params.get("map_app", 0) > 0:
            events.append({"date": joins[name], "type": "map_app", "district": name,
                           "adoption": float(params["map_app"])})  # fmt: skip
    plain = {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
    return base.with_events(events, edit=f"package {plain}") if events else base


@dataclass
class _Space:
    """The levers a search varies: each dimension's name, kind ("int": a range, "cat": a
    choice), its values and its warm-start value (the full lists, nothing else)."""

    dims: list[tuple[str, str, tuple[Any, ...], Any]]

    @classmethod
    def of(cls, sc: Scenario, lists: pd.DataFrame, levers: Sequence[str]) -> _Space:
        cats = list(dict.fromkeys(lists.category)) if len(lists) else []
        sizes = lists.groupby("category").size().to_dict() if len(lists) else {}
        eligible = [c for c in cats if sc.category(c)["subsidy_eligible"]]
        d: list[tuple[str, str, tuple[Any, ...], Any]] = []
        if "facilities" in levers:
            d += [(f"facilities_{c}", "int", (0, int(sizes[c])), int(sizes[c])) for c in cats]
        if "rent_cut" in levers:
            d += [(f"rent_cut_{c}", "cat", RENT_CUTS, 0.0) for c in eligible]
        if "grant" in levers:
            d += [(f"grant_{c}", "cat", GRANTS, 0) for c in eligible]
        if "mobile_vendor" in levers:
            d += [(f"mobile_{c}", "int", (0, 2), 0) for c in _flagged(sc, "mobile_vendor")]
        if "hours_24" in levers and _flagged(sc, "round_the_clock"):
            d.append(("hours_24", "cat", (False, True), False))
        if "map_app" in levers:
            d.append(("map_app", "cat", ADOPTION, 0.0))
        if "timing" in levers:
            d.append(("timing", "cat", TIMING, 6))
        return cls(d)

    def suggest(self, trial: Any) -> dict[str, Any]:
        return {
            name: trial.suggest_int(name, *values)
            if kind == "int"
            else trial.suggest_categorical(name, values)
            for name, kind, values, _ in self.dims
        }

    def start(self) -> dict[str, Any]:
        return {name: first for name, _, _, first in self.dims}


def _completed(study: Any) -> list[Any]:
    import optuna

    return [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]


def _judge(
    results: Sequence[Any],
    districts: set[str],
    by: dt.date,
    target: float,
    draws: pd.DataFrame | None = None,
    measure: str = "share",
) -> tuple[float, float, float]:
    """A candidate's mean public cost in the districts up to ``by`` over its seeds, the
    lowest satisfaction any of them has at the end on any seed, and (with ``draws``) the
    lowest over the districts of the chance of reaching ``target`` over seeds x draws
    (re-scored: lifecircle.chances.outcomes); NaN without draws."""
    costs, lowest = [], 1.0
    for res in results:
        c = res.costs
        costs.append(float(c[c.district.isin(districts) & (c.date <= pd.Timestamp(by))].total_yuan.sum()))
        m = res.districts
        last = m[m.district.isin(districts)].groupby("district").last()
        lowest = min(lowest, float(last.satisfaction.min()))
    lowest_chance = math.nan
    if draws is not None:
        o = outcomes(results, by=by, draws=draws, measure=measure)
        o = o[o.district.isin(districts)]
        lowest_chance = float((o.value >= target).groupby(o.district).mean().min())
    return float(np.mean(costs)), lowest, lowest_chance


def _trials_table(study: Any) -> pd.DataFrame:
    """Every completed candidate: cost, lowest satisfaction, feasible, its package as scenario
    edits and its levers (``p_`` columns)."""
    rows = [
        {
            "trial": t.number,
            "cost_yuan": t.values[0],
            "lowest_satisfaction": t.user_attrs.get("lowest_satisfaction", t.values[1]),
            "lowest_chance": t.user_attrs.get("lowest_chance", math.nan),
            "feasible": t.user_attrs.get("shortfall", 1.0) <= 0,
            "edits": t.user_attrs.get("edits", ""),  # the package as scenario edits
            **{f"p_{k}": v for k, v in t.params.items()},
        }
        for t in _completed(study)
    ]
    return pd.DataFrame(rows)


def _flagged(sc: Scenario, flag: str) -> list[str]:
    """The keys of the scenario's categories with ``flag`` set (mobile_vendor, round_the_clock)."""
    return [c["key"] for c in sc.spec["categories"] if c[flag]]


def _joins(sc: Scenario) -> dict[str, dt.date]:
    from lifecircle.projects import join_dates

    return join_dates(sc)


def _check(
    scenario: Scenario,
    districts: Sequence[str],
    target: float,
    levers: Sequence[str],
    seeds: int,
    trials: int,
) -> list[str]:
    if not districts:
        raise _core.ArgumentError("optimize: no districts; name the districts to bring to the target")
    names = [scenario.district(d)["name"] for d in districts]  # ConfigError names an unknown one
    if not 0 < target <= 1:
        raise _core.ArgumentError(f"optimize: target {target}: expected a satisfaction share in (0, 1]")
    if not levers:
        raise _core.ArgumentError(f"optimize: no levers to search; expected some of {', '.join(LEVERS)}")
    unknown = [lv for lv in levers if lv not in LEVERS]
    if unknown:
        raise _core.ArgumentError(
            f"optimize: unknown lever(s) {', '.join(unknown)}; expected {', '.join(LEVERS)}"
        )
    if seeds < 1 or trials < 1:
        raise _core.ArgumentError(f"optimize: seeds {seeds} and trials {trials}: expected 1 or more")
    joins = _joins(scenario)
    never = [n for n in names if n not in joins]
    if never:
        raise _core.ArgumentError(f"optimize: {', '.join(never)} never join the programme in this scenario")
    return names


def optimize(
    scenario: Scenario,
    districts: Sequence[str],
    *,
    target: float | None = None,
    by: str | dt.date | None = None,
    levers: Sequence[str] = LEVERS,
    seeds: int = 3,
    trials: int = 30,
    storage: str | PathLike | None = None,
    study_name: str = "lifecircle",
    executor: Executor | None = None,
    processes: int | None = None,
    threads_per_run: int = 1,
    progress: bool = True,
    sampler_seed: int = 0,
    chance: float | None = None,
    measure: str = "share",
    draws: pd.DataFrame | int = 200,
) -> Optimization:
    """The cheapest package of measures that brings ``districts`` to ``target`` satisfaction
    by ``by`` on every one of ``seeds`` seeds (see the module).

    Args:
        scenario: the plan to improve; the districts must join the programme in it.
        districts: districts to bring to the target (Chinese or pinyin).
        target: satisfaction share (0-1] every district must reach at ``by``'s month end
            (default: the scenario's ``satisfaction_target``).
        by: the date (default: the scenario's end).
        levers: which levers to search (:data:`LEVERS`).
        seeds: seeds a candidate runs on (the scenario's seed, +1, ...).
        trials: candidates to evaluate in all (a resumed study counts those it has).
        storage: a SQLite file for the Optuna study: an interrupted search resumes from it.
        executor: where the runs go (see ``lc.run_many``), e.g. a Dask cluster's.
        chance: a package must reach the target with at least this probability in every
            district, over the seeds x the satisfaction ``draws`` (None: on every seed, at the
            scenario's own satisfaction parameters).
        measure: what must reach the target with ``chance``: the residents' "share" or the
            emulated "survey" (the plan's way of measuring it).
        draws: the satisfaction-parameter draws (a DataFrame, :func:`lifecircle.chance`), or
            how many to take from the documented prior (lifecircle.prior.PRIOR, seeded with
            ``sampler_seed``).

    Returns:
        An :class:`Optimization`.
    """
    import time

    optuna = require("optuna", "optimize", "lc.optimize")

    from lifecircle.projects import draw, with_project_lists
    from lifecircle.runner import run_many

    target = scenario.satisfaction_target if target is None else float(target)
    names = _check(scenario, districts, target, levers, seeds, trials)
    by_date = (
        scenario.end if by is None else (by if isinstance(by, dt.date) else dt.date.fromisoformat(str(by)))
    )
    if not scenario.start <= by_date <= scenario.end:
        raise _core.ArgumentError(
            f"optimize: by {by_date}: expected a date within {scenario.start} - {scenario.end}"
        )
    if chance is not None and not 0 < chance <= 1:
        raise _core.ArgumentError(f"optimize: chance {chance}: expected a probability in (0, 1]")
    if measure not in MEASURES:
        raise _core.ArgumentError(f"optimize: measure {measure!r}: expected one of {', '.join(MEASURES)}")
    parameter_draws = None
    if chance is not None:
        parameter_draws = (
            PRIOR.sample(int(draws), seed=sampler_seed) if isinstance(draws, (int, np.integer)) else draws
        )
        scenario = scenario.with_satisfaction(record_dates=[by_date])  # the month judged is re-scored
    t0 = time.perf_counter()
    # the warm start: each district's maximal-covering project list at its joining date
    lists = draw(with_project_lists(scenario, districts=names), threads=threads_per_run)
    base = scenario
    for name in names:
        base = base.without_events("plan_facility", district=name)
    space = _Space.of(scenario, lists, levers)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # candidates below the target carry their shortfall as a constraint (Trial.set_constraint)
    sampler = optuna.samplers.TPESampler(seed=sampler_seed, n_startup_trials=8)
    url = None if storage is None else f"sqlite:///{Path(storage).resolve()}"
    study = optuna.create_study(
        study_name=study_name,
        storage=url,
        load_if_exists=True,
        directions=["minimize", "maximize"],
        sampler=sampler,
    )
    if not _completed(study):
        study.enqueue_trial(space.start())  # warm start: the full lists, nothing else
    runs = 0
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=trials, initial=min(len(_completed(study)), trials), unit="candidate", desc="optimize"
        )
    try:
        while len(_completed(study)) < trials:
            trial = study.ask()
            sc = _package(base, lists, names, space.suggest(trial))
            results = run_many(
                [sc] * seeds,
                seeds=[scenario.seed + s for s in range(seeds)],
                until=by_date,
                processes=processes,
                threads_per_run=threads_per_run,
                progress=False,
                executor=executor,
            )
            runs += seeds
            cost, lowest, lowest_chance = _judge(
                results, set(names), by_date, target, parameter_draws, measure
            )
            judged, goal = (lowest, target) if chance is None else (lowest_chance, chance)
            trial.set_user_attr("shortfall", max(0.0, goal - judged))
            trial.set_constraint("shortfall", max(0.0, goal - judged))
            trial.set_user_attr("lowest_satisfaction", lowest)
            if chance is not None:
                trial.set_user_attr("lowest_chance", lowest_chance)
            trial.set_user_attr("edits", sc.edits[-1] if sc.edits else "")
            study.tell(trial, [cost, judged])
            if bar is not None:
                bar.update(1)
                shown = f"lowest {lowest:.1%}" if chance is None else f"lowest chance {lowest_chance:.0%}"
                bar.set_postfix_str(f"{shown}, {cost / 1e6:.1f} M yuan")
    except KeyboardInterrupt:
        pass  # the study keeps what was done; call again with the same storage to go on
    finally:
        if bar is not None:
            bar.close()
    table = _trials_table(study)
    front = _pareto(table) if len(table) else table
    return Optimization(
        table,
        front,
        study,
        base,
        lists,
        names,
        target,
        by_date,
        runs,
        time.perf_counter() - t0,
        chance=chance,
    )
