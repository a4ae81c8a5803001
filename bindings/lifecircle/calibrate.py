"""The satisfaction threshold fitted to a survey: ``lc.calibrate_satisfaction(runs, survey)``.

A Bayesian posterior of the residents' threshold mean and spread (``threshold_mean``,
``threshold_sd``) given a resident survey, on a grid (docs/model.md, "Calibration of the
satisfaction threshold", says why a grid and not a sampler):

- **prior**: :data:`lifecircle.PRIOR` (docs/model.md, "Satisfaction threshold: the prior");
- **likelihood**: in district d and month m, ``satisfied`` of ``respondents`` is binomial with
  the share the model gives there under the parameters, read from the runs by
  :meth:`Results.rescore` (exactly what a run with those parameters would give, without
  running); the real city is one more seed: a district's logit share is the runs' mean plus a
  deviation shared by its months, Student t over the runs' spread there (the predictive of
  one more run), integrated out;
- **the grid**: the shares are smooth in the parameters (each a mean over thousands of
  residents), so they are computed at a grid of nodes and interpolated (bicubic in logit) onto a
  fine grid, where the posterior is normalised; a second, finer node grid over the region that
  holds the posterior (above 1e-6 of its peak) refines it. Draws are grid cells taken in
  proportion to their mass (numpy's PCG64 seeded with ``seed``), placed uniformly inside the
  cell: the same runs, survey and seed give the same draws.

Without a survey it returns the prior's draws.

    >>> fit = lc.calibrate_satisfaction(runs, survey, draws=4000, seed=1)
    >>> fit.summary          # parameter, mean, sd, q05, median, q95, prior_q05, prior_q95
    >>> fit.draws            # threshold_mean, threshold_sd
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle._extras import require
from lifecircle.prior import PRIOR, WEIGHTS, SatisfactionPrior
from lifecircle.survey import Survey

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

#: Nodes of the first grid (threshold_mean x threshold_sd) over the prior's bounds, and of the
#: second over the posterior's region.
COARSE_NODES = (10, 6)
FINE_NODES = (8, 6)
#: Points of the fine grid the posterior is normalised on (threshold_mean x threshold_sd).
POSTERIOR_POINTS = (241, 161)
#: The posterior's region: grid points above this share of its peak.
REGION = 1e-6
#: Equal-probability points integrating a district's deviation from the runs' mean.
QUADRATURE = 40
_EPS = 1e-9


@dataclass
class Calibration:
    """A posterior of the satisfaction threshold (or the prior, without a survey).

    Attributes:
        draws: posterior draws, one row each: threshold_mean, threshold_sd.
        summary: one row per parameter: mean, sd, q05, median, q95 (the 90% interval), and the
            prior's q05 and q95.
        grid: the fine grid the posterior was normalised on: threshold_mean, threshold_sd,
            log_prior, log_likelihood, posterior (each point's probability); empty without a
            survey.
        fit: per district and month of the survey: respondents, satisfied, survey share, and
            the model's share under the posterior (mean over draws and runs; q05, q95).
        runs: the runs' seeds; respondents: the survey's respondents; seconds: wall time.
    """

    draws: pd.DataFrame
    summary: pd.DataFrame
    grid: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs: list[int] = field(default_factory=list)
    respondents: int = 0
    rescores: int = 0
    seconds: float = 0.0

    def __repr__(self) -> str:
        s = self.summary.set_index("parameter")
        what = f"{self.respondents} respondents, {len(self.runs)} run(s)" if self.respondents else "the prior"
        parts = [f"{p} {r['median']:.3f} [{r.q05:.3f}, {r.q95:.3f}]" for p, r in s.iterrows()]
        return f"Calibration({what}: {'; '.join(parts)})"


def _summary(draws: pd.DataFrame, prior: SatisfactionPrior, seed: int) -> pd.DataFrame:
    q = draws.quantile([0.05, 0.5, 0.95]).T
    q.columns = ["q05", "median", "q95"]
    q.insert(0, "sd", draws.std(ddof=1))
    q.insert(0, "mean", draws.mean())
    p = prior.sample(20000, seed)[list(draws.columns)].quantile([0.05, 0.95]).T
    q["prior_q05"], q["prior_q95"] = p[0.05], p[0.95]
    q.index.name = "parameter"
    return q.reset_index()


def calibrate_satisfaction(
    runs: Results | Sequence[Results] | None,
    survey: Survey | None = None,
    *,
    prior: SatisfactionPrior = PRIOR,
    draws: int = 4000,
    seed: int = 0,
    weights: Mapping[str, float] | None = None,
) -> Calibration:
    """The posterior of ``threshold_mean`` and ``threshold_sd`` given ``survey`` (module doc).

    Args:
        runs: runs of the city (one per seed, the scenario otherwise the same) recording the
            survey's months for re-scoring (``[satisfaction] record_dates``; Decembers are
            always recorded).
        survey: the survey (:class:`lifecircle.Survey`); None gives the prior.
        prior: the prior (default :data:`lifecircle.PRIOR`).
        draws: posterior draws returned.
        seed: seeds the draws.
        weights: the score's weights to fit the threshold under (``basic``, ``quality``,
            ``government``, ``unmet``, ``night``, as :meth:`Results.rescore` takes them; default:
            the runs' own). They are held fixed: the prior of ``threshold_mean`` follows the
            reference score under them.

    Returns:
        A :class:`Calibration`: ``draws`` and ``summary`` (and ``grid``, ``fit``).

    Raises:
        lifecircle.InputError: a survey district or date the runs do not hold, or a month they
            did not record.

    Example:
        >>> runs = lc.run_many([sc] * 5, seeds=range(1, 6))
        >>> fit = lc.calibrate_satisfaction(runs, lc.Survey.load("survey.csv", city=runs[0]))
    """
    t0 = time.perf_counter()
    if draws < 1:
        raise _core.ArgumentError(f"draws is {draws}; expected 1 or more")
    if survey is None or len(survey) == 0:
        d = prior.sample(draws, seed)
        return Calibration(d, _summary(d, prior, seed), seconds=time.perf_counter() - t0)
    runs = [runs] if runs is not None and not isinstance(runs, Sequence) else list(runs or [])
    if not runs:
        raise _core.ArgumentError("calibrate_satisfaction: a survey needs runs to fit the model to")
    interpolate = require("scipy.interpolate", "calibrate", "lc.calibrate_satisfaction")
    stats = require("scipy.stats", "calibrate", "lc.calibrate_satisfaction")
    for res in runs:
        survey.check(res)
    shares = _Shares(runs, survey, weights)
    w = runs[0].satisfaction_model(weights=weights)
    w = np.array([w[k] for k in WEIGHTS])

    def posterior(mean: np.ndarray, sd: np.ndarray, nodes: tuple[int, int]):
        """Log prior, log likelihood on the fine grid spanning the box of ``mean`` x ``sd``."""
        node_m = np.linspace(mean[0], mean[-1], nodes[0])
        node_s = np.linspace(sd[0], sd[-1], nodes[1])
        p = shares.at(node_m, node_s)  # [runs, items, mean, sd]
        logit = np.log(np.clip(p, 1e-6, 1 - 1e-6)) - np.log1p(-np.clip(p, 1e-6, 1 - 1e-6))
        fine = np.empty((*logit.shape[:2], len(mean), len(sd)))
        km, ks = min(3, nodes[0] - 1), min(3, nodes[1] - 1)
        for r in range(logit.shape[0]):
            for j in range(logit.shape[1]):
                spline = interpolate.RectBivariateSpline(node_m, node_s, logit[r, j], kx=km, ky=ks)
                fine[r, j] = spline(mean, sd)
        pf = np.clip(1.0 / (1.0 + np.exp(-fine)), _EPS, 1 - _EPS)
        return (
            prior.logpdf(*np.meshgrid(mean, sd, indexing="ij"), weights=w, of_weights=False),
            _log_likelihood(fine, shares, stats),
            pf,
        )

    lo_m, hi_m = prior.bounds["threshold_mean"]
    lo_s, hi_s = prior.bounds["threshold_sd"]
    mean = np.linspace(lo_m, hi_m, POSTERIOR_POINTS[0])
    sd = np.linspace(lo_s, hi_s, POSTERIOR_POINTS[1])
    log_prior, log_lik, _ = posterior(mean, sd, COARSE_NODES)
    log_post = log_prior + log_lik
    inside = log_post >= np.max(log_post) + np.log(REGION)
    im, js = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    # the region's box, a grid step wider on each side, inside the bounds
    m0, m1 = mean[max(0, im[0] - 1)], mean[min(len(mean) - 1, im[-1] + 1)]
    s0, s1 = sd[max(0, js[0] - 1)], sd[min(len(sd) - 1, js[-1] + 1)]
    mean = np.linspace(m0, m1, POSTERIOR_POINTS[0])
    sd = np.linspace(s0, s1, POSTERIOR_POINTS[1])
    nodes = (  # no coarser than the first grid's
        max(FINE_NODES[0], int(np.ceil(COARSE_NODES[0] * (m1 - m0) / (hi_m - lo_m))) + 1),
        max(FINE_NODES[1], int(np.ceil(COARSE_NODES[1] * (s1 - s0) / (hi_s - lo_s))) + 1),
    )
    log_prior, log_lik, pf = posterior(mean, sd, nodes)
    log_post = log_prior + log_lik
    w = np.exp(log_post - np.max(log_post))
    w /= w.sum()

    rng = np.random.Generator(np.random.PCG64(seed))
    cells = rng.choice(w.size, size=draws, p=w.ravel())
    i, j = np.unravel_index(cells, w.shape)
    dm, ds = mean[1] - mean[0], sd[1] - sd[0]
    d = pd.DataFrame(
        {
            "threshold_mean": np.clip(mean[i] + (rng.random(draws) - 0.5) * dm, m0, m1),
            "threshold_sd": np.clip(sd[j] + (rng.random(draws) - 0.5) * ds, s0, s1),
        }
    )
    mm, ss = np.meshgrid(mean, sd, indexing="ij")
    grid = pd.DataFrame(
        {
            "threshold_mean": mm.ravel(),
            "threshold_sd": ss.ravel(),
            "log_prior": log_prior.ravel(),
            "log_likelihood": log_lik.ravel(),
            "posterior": w.ravel(),
        }
    )
    # the model's share in each surveyed district and month, under the draws (every run)
    pred = pf[:, :, i, j]  # [runs, items, draws]
    fit = shares.items.copy()
    fit["survey"] = fit.satisfied / fit.respondents
    flat = pred.transpose(1, 0, 2).reshape(pred.shape[1], -1)
    fit["model"] = flat.mean(axis=1)
    fit["model_q05"] = np.quantile(flat, 0.05, axis=1)
    fit["model_q95"] = np.quantile(flat, 0.95, axis=1)
    return Calibration(
        draws=d,
        summary=_summary(d, prior, seed),
        grid=grid,
        fit=fit,
        runs=[r.seed for r in runs],
        respondents=int(shares.respondents.sum()),
        rescores=shares.calls,
        seconds=time.perf_counter() - t0,
    )


def _log_likelihood(logit: np.ndarray, shares: _Shares, stats) -> np.ndarray:
    """log L on the grid from the runs' logit shares [runs, items, mean, sd].

    The real city is one more seed: a district's true logit share is the runs' mean plus a
    deviation shared by its months, drawn as a new run's would be given the runs (Student t
    with runs - 1 degrees of freedom, scale the runs' spread (the mean variance over the
    district's months) times sqrt(1 + 1/runs)); the survey's counts are binomial on it. The
    deviation is integrated over :data:`QUADRATURE` equal-probability points of the t."""
    runs = len(logit)
    centre = logit.mean(axis=0)  # [items, mean, sd]
    k = shares.satisfied[:, None, None]
    n = shares.respondents[:, None, None]
    if runs > 1:
        spread = logit.var(axis=0, ddof=1)
        points = stats.t.ppf((np.arange(QUADRATURE) + 0.5) / QUADRATURE, df=runs - 1) * np.sqrt(1 + 1 / runs)
    else:
        spread, points = np.zeros_like(centre), np.zeros(1)
    out = np.zeros(centre.shape[1:])
    for d in range(shares.districts):
        mine = shares.district_of == d
        scale = np.sqrt(spread[mine].mean(axis=0))  # [mean, sd]
        terms = []
        for x in points:
            p = np.clip(1.0 / (1.0 + np.exp(-(centre[mine] + x * scale))), _EPS, 1 - _EPS)
            terms.append(stats.binom.logpmf(k[mine], n[mine], p).sum(axis=0))
        out += np.logaddexp.reduce(np.stack(terms), axis=0) - np.log(len(points))
    return out


class _Shares:
    """The survey's districts and months, and the runs' satisfied shares there under given
    threshold parameters (:meth:`Results.rescore`)."""

    def __init__(self, runs: list[Results], survey: Survey, weights: Mapping[str, float] | None) -> None:
        self.runs, self.weights = runs, weights
        items = survey.months  # district, pinyin, year, month, respondents, satisfied
        self.items = items
        self.respondents = items.respondents.to_numpy(np.int64)
        self.satisfied = items.satisfied.to_numpy(np.int64)
        names = list(dict.fromkeys(items.district))
        self.districts = len(names)
        self.district_of = np.array([names.index(d) for d in items.district])
        self.calls = 0
        self._keys = list(zip(items.district, items.year, items.month))
        self._months = sorted({(int(y), int(m)) for y, m in zip(items.year, items.month)})
        for res in runs:  # the runs recorded the survey's months
            have = set(zip(res.score_months.year, res.score_months.month))
            missing = [f"{y}-{m:02d}" for y, m in self._months if (y, m) not in have]
            if missing:
                dates = ", ".join(str(d) for d in survey.record_dates)
                raise _core.InputError(
                    f"{survey.source}: the run {res.label!r} (seed {res.seed}) did not record "
                    f"{', '.join(missing)} for re-scoring; run the scenario "
                    f".with_satisfaction(record_dates=[{dates}]) (survey.record_dates)"
                )

    def at(self, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
        """Shares [runs, items, mean, sd] on the grid ``mean`` x ``sd``."""
        out = np.empty((len(self.runs), len(self._keys), len(mean), len(sd)))
        grid = pd.DataFrame(
            {"threshold_mean": np.repeat(np.asarray(mean, float), len(sd)),
             "threshold_sd": np.tile(np.asarray(sd, float), len(mean))}
        )  # fmt: skip
        for w, value in (self.weights or {}).items():
            grid[w if w.startswith("weight_") else f"weight_{w}"] = float(value)
        for r, res in enumerate(self.runs):
            t = res.rescore_many(grid, months=self._months)  # every node in one engine pass a month
            self.calls += len(grid)
            share = (t.satisfied / t.residents.clip(lower=1)).to_numpy()
            index = {k: i for i, k in enumerate(zip(t.draw, t.district, t.year, t.month))}
            for a in range(len(mean)):
                for b in range(len(sd)):
                    j = a * len(sd) + b
                    out[r, :, a, b] = [share[index[(j, *k)]] for k in self._keys]
        return out
