"""Running scenarios from Python: one run with a progress bar, or many in parallel processes.

A run from Python calls the same C++ engine and the same results writer as ``lifecircle run``,
so the same scenario and seed give the same datasets as the CLI.
"""

from __future__ import annotations

import copy
import datetime as dt
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from os import PathLike
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle._extras import require
from lifecircle.chances import chance
from lifecircle.results import Results
from lifecircle.scenario import BEHAVIOUR, LOG_SCALE, Scenario

ScenarioLike = Union[Scenario, str, PathLike, None]

#: Columns of the tidy tables of :func:`compare` and :func:`sweep` (from ``Results.years``).
METRICS = (
    "satisfaction",
    "survey",
    "survey_low",
    "survey_high",
    "unmet_share",
    "night_served_share",
    "walk_minutes",
    "shops_open",
    "openings",
    "closures",
    "closure_rate",
    "in_programme",
)


def _scenario(scenario: ScenarioLike) -> Scenario:
    if scenario is None:
        return Scenario.default()
    if isinstance(scenario, Scenario):
        return scenario
    return Scenario.load(scenario)


def _days(scenario: Scenario, until: str | dt.date | None) -> int:
    end = scenario.end
    if until is not None:
        end = min(end, until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until)))
    return max(1, (end - scenario.start).days + 1)


def _progress_bar(scenario: Scenario, until: str | dt.date | None, desc: str):
    from tqdm.auto import tqdm

    bar = tqdm(total=_days(scenario, until), unit="day", desc=desc, dynamic_ncols=True)
    state = {"done": 0}

    def report(date: str, fraction: float, trips: int, seconds: float) -> None:
        done = round(fraction * bar.total)
        if done > state["done"]:
            bar.update(done - state["done"])
            state["done"] = done
            if done % 15 == 0 or fraction >= 1.0:
                rate = trips / seconds / 1e6 if seconds > 0 else 0.0
                bar.set_postfix_str(f"{date}, {rate:.1f} M trips/s", refresh=False)

    return bar, report


def run(
    scenario: ScenarioLike = None,
    *,
    threads: int | None = None,
    seed: int | None = None,
    until: str | dt.date | None = None,
    progress: bool = True,
    output: str | PathLike | None = None,
    label: str | None = None,
    checkpoint_every: int = 0,
    checkpoint: str | PathLike | None = None,
    resume: str | PathLike | None = None,
    spinup_cache: bool = True,
) -> Results:
    """Runs a scenario (or resumes a checkpoint of one) and returns its results.

    Args:
        scenario: a :class:`Scenario`, a path to a scenario file, or None for the built-in
            Yunfu scenario. Its ``circle_plan`` events are drawn by the engine on their dates,
            inside this run (``Results.projects``).
        threads: worker threads (default: all cores). Results do not depend on it.
        seed: overrides the scenario's seed.
        until: last day to simulate ("YYYY-MM-DD"; default: the scenario's end, or with
            ``resume`` the end of the run the checkpoint holds).
        progress: show a tqdm bar (simulated days, trips per second).
        output: also keep the results file here (written atomically); by default a
            temporary file is read and removed.
        label: name of the run in comparisons (default: the scenario's label).
        checkpoint_every: write a checkpoint every this many months (0: none), at month ends.
        checkpoint: the checkpoint file (default: the results file's path + ".ckpt"); replaced
            atomically each time, so the previous one stays usable until the new one is whole.
        resume: continue the run this checkpoint holds, to that run's ``until`` unless given
            another; the results equal the run's never stopped. ``scenario`` may be None (the
            checkpoint's own) or must be the same.
        spinup_cache: read the spin-up (the scenario's ``spin_up_months``) from the spin-up
            cache when it holds it, else keep it there for later runs; the results are the same
            (docs/checkpoints.md, "The spin-up cache"). The environment variable
            ``LIFECIRCLE_SPINUP_CACHE=0`` turns it off for every run.

    Example:
        >>> lc.run("configs/tiny.toml", checkpoint_every=6, output="tiny.h5")   # killed ...
        >>> res = lc.run(resume="tiny.h5.ckpt", output="tiny.h5")               # ... goes on

    Returns:
        The run's :class:`Results`.

    Raises:
        ConfigError: the scenario is invalid (a ValueError).
        KeyboardInterrupt: the run was interrupted (Ctrl-C, or a kernel interrupt in
            Jupyter); it stops at the end of the simulated day and writes no results (with
            checkpoints on: at the month's end, after writing a last checkpoint).
    """
    if checkpoint_every and output is None and checkpoint is None:
        raise _core.ArgumentError(
            "checkpoint_every needs output= or checkpoint=: "
            "a checkpoint beside a temporary results file would be lost"
        )
    if resume is not None:
        info = _core.checkpoint_info(str(resume))
        if scenario is None:
            scenario = Scenario(info["scenario_text"], info["scenario_path"])
            seed = info["seed"] if seed is None else seed
        if until is None:  # the run the checkpoint holds ends there (the engine's default too)
            until = info["until"]
    sc = _scenario(scenario)
    until_text = None if until is None else str(until)
    bar, report = (None, None)
    if progress:
        bar, report = _progress_bar(sc, until, label or sc.label[:40])
    try:
        with tempfile.TemporaryDirectory(prefix="lifecircle-") as tmp:
            path = Path(output) if output is not None else Path(tmp) / "results.h5"
            if output is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            _core.run(
                sc.text,
                sc.path,
                str(path),
                seed,
                until_text,
                int(threads or 0),
                report,
                int(checkpoint_every),
                None if checkpoint is None else str(checkpoint),
                None if resume is None else str(resume),
                bool(spinup_cache),
            )
            return Results(path, label=label or sc.label)
    finally:
        if bar is not None:
            bar.close()


def _run_on_worker(
    text: str,
    path: str,
    seed: int | None,
    until: str | None,
    threads: int,
    output: str | None,
    shared_until: str | None = None,
) -> bytes | str:
    """A run on any executor's worker, which may be another machine: the scenario travels as
    its text (data files it names must be at the same path there). With ``output`` (a path
    on storage the caller shares), writes the results there and returns the path; else
    returns the results file's bytes (sealed: damage on the way is found when read). With
    ``shared_until``, the months to that day come from the spin-up cache when another run kept
    them (run_many's local processes)."""
    kw = {"shared_until": shared_until}
    if output is not None:
        _core.run(text, path, output, seed, until, threads, None, **kw)
        return output
    with tempfile.TemporaryDirectory(prefix="lifecircle-worker-") as tmp:
        out = str(Path(tmp) / "run.h5")
        _core.run(text, path, out, seed, until, threads, None, **kw)
        return Path(out).read_bytes()


def run_many(
    scenarios: Mapping[str, ScenarioLike] | Sequence[ScenarioLike],
    *,
    seeds: Sequence[int | None] | None = None,
    until: str | dt.date | None = None,
    processes: int | None = None,
    threads_per_run: int = 1,
    progress: bool = True,
    output_dir: str | PathLike | None = None,
    executor: Executor | None = None,
    transfer: str = "bytes",
) -> list[Results]:
    """Runs several scenarios in parallel: local processes (spawned, so safe from Jupyter),
    or any ``concurrent.futures.Executor`` given, such as a Dask cluster's.

    Args:
        scenarios: scenarios (or paths), or ``{label: scenario}``.
        seeds: one seed per scenario (None keeps the scenario's).
        until: last simulated day for every run.
        processes: worker processes (default: cores / threads_per_run); local runs only.
        threads_per_run: threads of each run's engine.
        progress: a tqdm bar counting finished runs.
        output_dir: keep the results files here (``run-<i>.h5``); temporary otherwise.
        executor: where the runs go, e.g. ``distributed.Client(address).get_executor()``
            (docs/cluster.md). Its workers need the lifecircle package; each receives the
            scenario's text and returns the results file's bytes (``transfer="bytes"``) or
            writes it into ``output_dir`` on storage the workers share (``transfer="path"``).
            The results are the same as local runs' (the same scenario and seed give the
            same datasets anywhere).
        transfer: ``"bytes"`` or ``"path"``, for an executor (see above).

    Each run reads its spin-up from the spin-up cache when an earlier run kept it
    (docs/checkpoints.md). In local processes, a spin-up that several of the runs share (the
    same scenario before its start and seed, e.g. a sweep's variants of one seed) is simulated
    once first, and all of them read it; and so are the months they share after it, up to the
    last month before their events first differ (e.g. variants of a rollout that differ from
    2027 on share 2024-2026). The results are those of runs that simulated everything.

    Returns:
        The runs' Results, in the order given.

    Example:
        >>> from distributed import Client
        >>> with Client("tcp://scheduler:8786") as client:
        ...     table = lc.sweep(sc, variants, runs=5, executor=client.get_executor())
    """
    if isinstance(scenarios, Mapping):
        labels: list[str | None] = list(scenarios.keys())
        items = [_scenario(s) for s in scenarios.values()]
    else:
        items = [_scenario(s) for s in scenarios]
        labels = [None] * len(items)
    if not items:
        return []
    seeds = list(seeds) if seeds is not None else [None] * len(items)
    if len(seeds) != len(items):
        raise _core.ArgumentError(f"{len(seeds)} seeds for {len(items)} scenarios")
    if transfer not in ("bytes", "path"):
        raise _core.ArgumentError(f"transfer = {transfer!r}: expected 'bytes' or 'path'")
    if executor is not None and transfer == "path" and output_dir is None:
        raise _core.ArgumentError("transfer='path' needs output_dir: a folder every worker can write to")
    workers = processes or max(1, (os.cpu_count() or 1) // max(1, threads_per_run))
    until_text = None if until is None else str(until)
    if executor is not None:
        name = type(executor).__name__
        return _run_on_executor(
            executor, items, labels, seeds, until_text, threads_per_run, progress, output_dir, transfer, name
        )
    # local processes (spawned: safe from Jupyter), writing straight into the folder
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            shared = _share_spin_ups(pool, items, seeds, threads_per_run, until_text)
            return _run_on_executor(
                pool, items, labels, seeds, until_text, threads_per_run, progress, output_dir, "path",
                f"{min(workers, len(items))} processes", shared,
            )  # fmt: skip
        except BaseException:
            # an interrupt or a failed run: stop the other runs now, not at their end
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            raise


def _spin_up_on_worker(
    text: str, path: str, seed: int | None, until: str, threads: int, shared_until: str | None = None
) -> None:
    """Simulates a scenario's spin-up and its first day (or its months to ``shared_until``), for
    the spin-up cache to keep."""
    with tempfile.TemporaryDirectory(prefix="lifecircle-spin-up-") as tmp:
        out = str(Path(tmp) / "run.h5")
        _core.run(text, path, out, seed, until, threads, None, shared_until=shared_until)


def _event_date(event: Mapping[str, Any]) -> dt.date:
    d = event["date"]
    return d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))


def _shared_until(group: list[Scenario], last: dt.date) -> dt.date | None:
    """The last day of the last month before the runs' events first differ (the same scenario
    otherwise: one spin-up), if that is from their start on and before ``last``; else None.
    (The engine keys what it keeps by the scenario itself, so a wrong guess here costs time,
    never a result.)"""
    start = group[0].start
    later = [[e for e in sc.data.get("events", []) if _event_date(e) >= start] for sc in group]
    lists = [sorted(events, key=_event_date) for events in later]  # (stable: the engine's order)
    dates = sorted({_event_date(e) for events in lists for e in events})
    first_difference = None
    for d in dates:
        upto = [[e for e in events if _event_date(e) <= d] for events in lists]
        if any(u != upto[0] for u in upto[1:]):
            first_difference = d
            break
    if first_difference is None:
        return None  # the same runs: nothing to divide
    until = first_difference.replace(day=1) - dt.timedelta(days=1)
    return until if start <= until < last else None


def _share_spin_ups(
    executor: Executor, items: list[Scenario], seeds: list[int | None], threads: int, until: str | None = None
) -> list[str | None]:
    """Simulates once each spin-up that several of the runs share (the same scenario before
    its start and seed: docs/checkpoints.md, "The spin-up cache"), and the months after it they
    share (to the last month before their events first differ), before the runs, which then
    read them from the cache instead of each simulating them at the same time. The workers must
    share the cache's folder: local processes. Returns each run's last shared day (or None)."""
    shared: list[str | None] = [None] * len(items)
    if os.environ.get("LIFECIRCLE_SPINUP_CACHE", "1").strip().lower() in ("0", "off", "no", "false"):
        return shared
    groups: dict[str, list[int]] = {}
    for i, (sc, seed) in enumerate(zip(items, seeds)):
        groups.setdefault(_core.spinup_key_text(sc.text, sc.path, seed), []).append(i)
    first: list[tuple[Scenario, int | None, str, str | None]] = []  # what to simulate once
    for members in groups.values():
        if len(members) < 2:
            continue
        sc, seed = items[members[0]], seeds[members[0]]
        lasts = [min(items[i].end, dt.date.fromisoformat(until)) if until else items[i].end for i in members]
        day = _shared_until([items[i] for i in members], min(lasts))
        if day is not None:
            for i in members:
                shared[i] = str(day)
            first.append((sc, seed, str(day), str(day)))
        elif sc.spec["spin_up_months"]:
            first.append((sc, seed, str(sc.start), None))
    # the cores the runs will share go to these few first (the results do not depend on threads)
    cores = max(threads, (os.cpu_count() or 1) // max(1, len(first)))
    futures = [
        executor.submit(_spin_up_on_worker, sc.text, sc.path, seed, to, cores, day)
        for sc, seed, to, day in first
    ]
    for f in futures:
        f.result()
    return shared


def _run_on_executor(
    executor: Executor,
    items: list[Scenario],
    labels: list[str | None],
    seeds: list[int | None],
    until: str | None,
    threads: int,
    progress: bool,
    output_dir: str | PathLike | None,
    transfer: str,
    where: str,
    shared: list[str | None] | None = None,
) -> list[Results]:
    """Submits the runs to `executor`, collects their results files into `output_dir` (or a
    temporary folder) and reads them. `shared`: each run's last day shared with others in the
    spin-up cache (local processes)."""
    shared = shared or [None] * len(items)
    with tempfile.TemporaryDirectory(prefix="lifecircle-") as tmp:
        folder = Path(output_dir) if output_dir is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        outputs = [folder / f"run-{i}.h5" for i in range(len(items))]
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(items), unit="run", desc=f"{len(items)} runs in {where}")
        futures = {
            executor.submit(
                _run_on_worker,
                sc.text,
                sc.path,
                seed,
                until,
                threads,
                str(out.resolve()) if transfer == "path" else None,
                shared[i],
            ): i
            for i, (sc, seed, out) in enumerate(zip(items, seeds, outputs))
        }
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    got = f.result()  # re-raises a worker's error (ConfigError, ...)
                    if isinstance(got, bytes):
                        out = outputs[futures[f]]
                        part = out.with_name(f".{out.stem}.tmp-{os.getpid()}{out.suffix}")
                        part.write_bytes(got)
                        os.replace(part, out)
                    if bar is not None:
                        bar.update(1)
        except BaseException:
            for f in pending:
                f.cancel()
            raise
        finally:
            if bar is not None:
                bar.close()
        return [Results(out, label=label or sc.label) for out, label, sc in zip(outputs, labels, items)]


def _tidy(results: Iterable[Results], extra: Callable[[int, Results], dict] | None = None) -> pd.DataFrame:
    frames = []
    for i, res in enumerate(results):
        y = res.years[["district", "pinyin", "year", *METRICS]].copy()
        y.insert(0, "label", res.label)
        for k, v in (extra(i, res) if extra else {}).items():
            y.insert(1, k, v)
        frames.append(y)
    return pd.concat(frames, ignore_index=True)


def compare(
    items: Mapping[str, Results | ScenarioLike] | Sequence[Results | ScenarioLike],
    *,
    runs: int = 1,
    until: str | dt.date | None = None,
    processes: int | None = None,
    threads_per_run: int = 1,
    progress: bool = True,
    executor: Executor | None = None,
    transfer: str = "bytes",
    output_dir: str | PathLike | None = None,
) -> pd.DataFrame:
    """Compares runs: scenarios are run in parallel processes, Results are taken as they are.

    Args:
        items: scenarios (or paths) and Results, or ``{label: item}``.
        runs: seeds per scenario (its seed, +1, ...), for the spread that chance alone gives
            (the synthetic town, too, is drawn from the seed). Results count as one run.
            :func:`summarize` turns the table into means with intervals, :func:`difference`
            says whether two items differ by more than that spread.
        executor, transfer, output_dir: where the runs go (see :func:`run_many`; default:
            local processes).

    Returns:
        One tidy DataFrame: a row per run (``label``, ``run``, ``seed``), district and year
        with :data:`METRICS` (see ``Results.years``).
    """
    if runs < 1:
        raise _core.ArgumentError(f"runs = {runs}: expected at least 1")
    pairs = list(items.items()) if isinstance(items, Mapping) else [(None, x) for x in items]
    # scenarios are read once and run together; Results are used as they are
    scenarios = {i: _scenario(x) for i, (_, x) in enumerate(pairs) if not isinstance(x, Results)}
    jobs = [(i, r) for i in scenarios for r in range(runs)]
    ran = run_many(
        [scenarios[i] for i, _ in jobs],
        seeds=[scenarios[i].seed + r for i, r in jobs],
        until=until,
        processes=processes,
        threads_per_run=threads_per_run,
        progress=progress,
        executor=executor,
        transfer=transfer,
        output_dir=output_dir,
    )
    by_item: dict[int, list[Results]] = {}
    for (i, _), res in zip(jobs, ran):
        by_item.setdefault(i, []).append(res)
    out, keys = [], []
    for i, (label, x) in enumerate(pairs):
        for r, res in enumerate([x] if isinstance(x, Results) else by_item[i]):
            res = copy.copy(res)  # the caller's Results keep their label
            res.label = label or (x.label if isinstance(x, Results) else scenarios[i].label)
            out.append(res)
            keys.append((r, res.seed))
    return _tidy(out, lambda k, res: {"seed": keys[k][1], "run": keys[k][0]})


def summarize(table: pd.DataFrame, *, by: str | None = None, level: float = 0.95) -> pd.DataFrame:
    """Means over runs with their intervals, per item, district and year.

    Args:
        table: a :func:`compare` or :func:`sweep` table.
        by: the column naming the items ("label" or "variant"; found by default).
        level: the confidence level of the intervals.

    Returns:
        A row per item, district and year: ``runs``, and for each metric its mean (named as
        the metric), ``<metric>_sd`` (the spread between seeds) and ``<metric>_low`` /
        ``<metric>_high`` (Student-t interval of the mean; NaN with a single run).
    """
    stats = require("scipy.stats", "stats", "lc.summarize")

    by = by or ("variant" if "variant" in table else "label")
    keys = [by, "district", "pinyin", "year"]
    metrics = [m for m in METRICS if m in table and m not in ("survey_low", "survey_high")]
    values = table[keys + metrics].copy()
    values[metrics] = values[metrics].astype(float)
    g = values.groupby(keys, sort=False)
    n = g.size().rename("runs")
    mean, sd = g[metrics].mean(), g[metrics].std(ddof=1)
    half = sd.mul(stats.t.ppf(0.5 + level / 2, (n - 1).clip(lower=1)), axis=0).div(np.sqrt(n), axis=0)
    half[n < 2] = np.nan
    out = pd.concat(
        [n, mean, sd.add_suffix("_sd"), (mean - half).add_suffix("_low"), (mean + half).add_suffix("_high")],
        axis=1,
    )
    order = ["runs"] + [c for m in metrics for c in (m, f"{m}_sd", f"{m}_low", f"{m}_high")]
    return out[order].reset_index()


def difference(
    table: pd.DataFrame,
    a: str,
    b: str,
    metric: str = "satisfaction",
    *,
    by: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Item ``a`` minus item ``b`` in one metric, per district and year, with the interval the
    runs' spread gives (Welch's t, the two items' seeds taken as independent samples).

    Returns:
        A row per district and year: ``a``, ``b`` (means), ``difference``, ``low``, ``high``,
        ``runs_a``, ``runs_b``, and ``exceeds_spread``: True when the interval excludes zero,
        that is when the difference is larger than what another set of seeds would likely
        give; False when it does not; NaN with fewer than two runs of either item.
    """
    stats = require("scipy.stats", "stats", "lc.difference")

    by = by or ("variant" if "variant" in table else "label")
    known = list(dict.fromkeys(table[by]))
    for item in (a, b):
        if item not in known:
            raise _core.ArgumentError(f"difference: no {by} {item!r}; the table has {known}")
    keys = ["district", "pinyin", "year"]
    g = {item: table[table[by] == item].groupby(keys, sort=False)[metric] for item in (a, b)}
    ma, mb = g[a].mean(), g[b].mean()
    va, vb = g[a].var(ddof=1), g[b].var(ddof=1)
    na, nb = g[a].size(), g[b].size()
    se2 = va / na + vb / nb
    dof = se2**2 / ((va / na) ** 2 / (na - 1).clip(lower=1) + (vb / nb) ** 2 / (nb - 1).clip(lower=1))
    half = np.sqrt(se2) * stats.t.ppf(0.5 + level / 2, dof.fillna(1).clip(lower=1))
    # identical runs (no spread at all): the interval is the point
    half = half.where(se2 > 0, 0.0)
    out = pd.DataFrame({"a": ma, "b": mb, "difference": ma - mb})
    out["low"], out["high"] = out.difference - half, out.difference + half
    out["runs_a"], out["runs_b"] = na, nb
    few = (na < 2) | (nb < 2)
    out["exceeds_spread"] = ((out.low > 0) | (out.high < 0)).astype(object).where(~few, np.nan)
    out.loc[few, ["low", "high"]] = np.nan
    return out.reset_index()


def sweep(
    base: ScenarioLike,
    variants: Mapping[str, Scenario | Callable[[Scenario], Scenario]],
    *,
    runs: int = 1,
    until: str | dt.date | None = None,
    processes: int | None = None,
    threads_per_run: int = 1,
    progress: bool = True,
    executor: Executor | None = None,
    transfer: str = "bytes",
    output_dir: str | PathLike | None = None,
) -> pd.DataFrame:
    """Runs each variant of a base scenario with ``runs`` seeds (the base seed, +1, ...).

    Args:
        base: the base scenario.
        variants: ``{name: scenario or function(base) -> scenario}``; include the base itself
            (e.g. ``{"base": lambda s: s}``) to compare against it.
        runs: seeds per variant, for the spread that chance alone gives (see :func:`summarize`
            and :func:`difference`).
        executor, transfer, output_dir: where the runs go (see :func:`run_many`; default:
            local processes), e.g. a Dask cluster's ``client.get_executor()``.

    Returns:
        One tidy DataFrame: a row per variant, run, seed, district and year with
        :data:`METRICS`.
    """
    sc = _scenario(base)
    built = {name: (v(sc) if callable(v) else v) for name, v in variants.items()}
    jobs, seeds, keys = {}, [], []
    for name, scen in built.items():
        for r in range(runs):
            jobs[f"{name}#{r}"] = scen
            seeds.append(scen.seed + r)
            keys.append((name, r, scen.seed + r))
    results = run_many(
        jobs,
        seeds=seeds,
        until=until,
        processes=processes,
        threads_per_run=threads_per_run,
        progress=progress,
        executor=executor,
        transfer=transfer,
        output_dir=output_dir,
    )
    for res, (name, _, _) in zip(results, keys):
        res.label = name
    df = _tidy(results, lambda i, res: {"seed": keys[i][2], "run": keys[i][1]})
    return df.rename(columns={"label": "variant"})


class Ensemble:
    """Runs over a Latin hypercube of behaviour parameters (:func:`ensemble`): the design
    (a row per run: run, seed and each parameter's value) and the runs' Results. Its
    :meth:`chance` counts, per district, the runs x satisfaction draws reaching a target."""

    def __init__(self, design: pd.DataFrame, runs: list[Results]) -> None:
        self.design = design
        self.runs = runs

    def __repr__(self) -> str:
        names = [c for c in self.design.columns if c not in ("run", "seed")]
        return f"Ensemble({len(self.runs)} runs over {', '.join(names) or 'seeds'})"

    def chance(
        self,
        target: float | None = None,
        *,
        by: str | dt.date | None = None,
        draws: pd.DataFrame | int | None = 200,
        measure: str = "share",
        seed: int = 0,
    ) -> pd.DataFrame:
        """Per district, the chance of reaching ``target`` by ``by`` over the runs (seeds and
        behaviour draws) x satisfaction ``draws`` (:func:`lifecircle.chance`)."""
        return chance(self.runs, target, by=by, draws=draws, measure=measure, seed=seed)


def ensemble(
    scenario: ScenarioLike,
    parameters: Mapping[str, tuple[float, float]] | None = None,
    *,
    runs: int = 10,
    seed: int = 0,
    until: str | dt.date | None = None,
    processes: int | None = None,
    threads_per_run: int = 1,
    progress: bool = True,
    executor: Executor | None = None,
    transfer: str = "bytes",
    output_dir: str | PathLike | None = None,
) -> Ensemble:
    """Runs ``scenario`` ``runs`` times over a Latin hypercube of the estimated behaviour
    parameters, each run with its own seed (the scenario's + run), so that what a chance says
    includes both the model's randomness and what is not known of behaviour.

    Args:
        scenario: the scenario.
        parameters: ``{name: (low, high)}`` of :data:`lifecircle.scenario.BEHAVIOUR` (delivery
            couriers, orders an hour, the night fleet's share, app users, order share; decay,
            trip rates, margins, entry rate); default: all of them over their documented [E]
            ranges. "times" parameters multiply the scenario's values; those of
            :data:`lifecircle.scenario.LOG_SCALE` are drawn uniform in log.
        runs: points of the hypercube (one run each).
        seed: the hypercube's seed (scipy.stats.qmc.LatinHypercube): the same seed, the same
            design.
        until, processes, threads_per_run, progress, executor, transfer, output_dir: as
            :func:`run_many` (``executor``: e.g. a Dask cluster's ``client.get_executor()``).

    Returns:
        An :class:`Ensemble`: ``.design``, ``.runs``, ``.chance(...)``.

    Example:
        >>> ens = lc.ensemble(sc, {"couriers_per_10k": (1.5, 6)}, runs=20, until="2025-12-31")
        >>> ens.chance(0.9, by="2025-12-31", draws=lc.PRIOR.sample(200, seed=1))
    """
    sc = _scenario(scenario)
    design = behaviour_design(sc, parameters, runs=runs, seed=seed)
    names = [c for c in design.columns if c not in ("run", "seed")]
    scenarios = [sc.with_behaviour(**{n: float(row[n]) for n in names}) for _, row in design.iterrows()]
    results = run_many(
        scenarios,
        seeds=[int(s) for s in design.seed],
        until=until,
        processes=processes,
        threads_per_run=threads_per_run,
        progress=progress,
        executor=executor,
        transfer=transfer,
        output_dir=output_dir,
    )
    return Ensemble(design, results)


def behaviour_design(
    scenario: ScenarioLike,
    parameters: Mapping[str, tuple[float, float]] | None = None,
    *,
    runs: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """The runs :func:`ensemble` makes: a row per run with its seed (the scenario's + run)
    and each parameter's value, a Latin hypercube over ``parameters`` (default: every
    :data:`lifecircle.scenario.BEHAVIOUR` parameter over its range) by
    scipy.stats.qmc.LatinHypercube seeded with ``seed``."""
    qmc = require("scipy.stats.qmc", "stats", "lc.ensemble")
    sc = _scenario(scenario)
    ranges = {k: v[1] for k, v in BEHAVIOUR.items()} if parameters is None else dict(parameters)
    unknown = sorted(set(ranges) - set(BEHAVIOUR))
    if unknown:
        raise _core.ArgumentError(
            f"parameters: {', '.join(unknown)} unknown; expected some of {', '.join(BEHAVIOUR)}"
        )
    for name, (low, high) in ranges.items():
        if not 0 <= low <= high:
            raise _core.ArgumentError(f"parameters[{name!r}] = ({low}, {high}): expected 0 <= low <= high")
    if runs < 1:
        raise _core.ArgumentError(f"runs is {runs}; expected at least 1")
    names = list(ranges)
    design = pd.DataFrame({"run": np.arange(runs), "seed": sc.seed + np.arange(runs)})
    if names:
        unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(runs)
        for j, name in enumerate(names):
            low, high = ranges[name]
            if name in LOG_SCALE and low > 0:  # uniform in log: as likely halved as doubled
                design[name] = low * (high / low) ** unit[:, j]
            else:
                design[name] = low + unit[:, j] * (high - low)
    return design
