"""The prior of the satisfaction parameters: what is believed of residents' thresholds (and,
optionally, of the score's weights) before a Yunfu survey is seen.

One documented object, :data:`PRIOR`, that the calibration (:func:`lifecircle.calibrate_satisfaction`)
and the chances of reaching a target draw from; docs/model.md, "Satisfaction threshold: the
prior", gives its sources and reasoning. In short: in a built circle (every basic category in
reach), a reference resident's score is what the model gives with the basic facilities at
0.4-0.8 of their ring, the quality and government ones at 0.4-1.0, no unmet need and night
service; residents of built circles report 90% (MOFCOM, national pilots, end of 2023) to 96.64%
(Xiamen) satisfied, so that score is the 90th to 96.64th percentile of the thresholds:

    threshold_sd ~ LogNormal(median 0.10, log-sd 0.4)
    threshold_mean | threshold_sd = sd, weights = w ~ Normal(S(w) - z sd, sqrt(s_S(w)^2 + s_z^2 sd^2))

with S(w), s_S(w) the mean and spread of the reference score over those distances (for the
weights w) and z, s_z those of the normal quantile of a share uniform on [0.90, 0.9664].
The weights, when they are drawn too, are Dirichlet around the scenario's (concentration 100:
weight_basic 0.65 within about 0.57-0.73, PARAMETERS.md's 60-70%).

    >>> lc.PRIOR.sample(1000, seed=1)           # threshold_mean, threshold_sd
    >>> lc.PRIOR.summary()                      # 5%, 50%, 95% of each
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from lifecircle import _core

#: The score's weights as the scenario names them ([satisfaction] keys), in the score's order.
WEIGHTS: tuple[str, ...] = (
    "weight_basic",
    "weight_quality",
    "weight_government",
    "weight_unmet",
    "weight_night",
)
#: The threshold's parameters ([satisfaction] keys).
THRESHOLD: tuple[str, ...] = ("threshold_mean", "threshold_sd")


def ring_score(share: np.ndarray) -> np.ndarray:
    """The closeness score of a facility at ``share`` of its ring (d / R), 0-1: the engine's
    own rule, s = 1 / (1 + exp((d - R) / (0.25 R))) (models/satisfaction.hpp ``ring_score``)."""
    share = np.asarray(share, float)
    return _core.ring_score(share.ravel(), 1.0).reshape(share.shape)


def _uniform_moments(f, low: float, high: float, points: int = 20001) -> tuple[float, float]:
    """Mean and standard deviation of f(u) for u uniform on [low, high] (midpoint rule)."""
    u = low + (np.arange(points) + 0.5) / points * (high - low)
    v = f(u)
    return float(v.mean()), float(v.std())


@dataclass(frozen=True)
class SatisfactionPrior:
    """A prior of the satisfaction parameters (module doc). Frozen: change a field with
    ``dataclasses.replace(PRIOR, sd_median=0.08)``, which is then the documented variant.

    Attributes:
        basic_ring_share: where a built circle's reference resident finds the basic
            facilities, as a share of the ring (uniform between the two).
        other_ring_share: the same for quality and government facilities.
        satisfied: the share satisfied in built circles (uniform between the two): MOFCOM's
            "over 90%" of the national pilots at the end of 2023, Xiamen's 96.64%.
        sd_median, sd_log_sd: the threshold spread's log-normal (median, sd of its log).
        weights: the score's weights (:data:`WEIGHTS`), the scenario's defaults.
        weights_concentration: the Dirichlet's concentration around ``weights``.
        bounds: each parameter's support (the sampler and grid stay inside it).
    """

    basic_ring_share: tuple[float, float] = (0.4, 0.8)
    other_ring_share: tuple[float, float] = (0.4, 1.0)
    satisfied: tuple[float, float] = (0.90, 0.9664)
    sd_median: float = 0.10
    sd_log_sd: float = 0.4
    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "weight_basic": 0.65,
            "weight_quality": 0.15,
            "weight_government": 0.05,
            "weight_unmet": 0.10,
            "weight_night": 0.05,
        }
    )
    weights_concentration: float = 100.0
    bounds: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: {"threshold_mean": (0.30, 0.99), "threshold_sd": (0.02, 0.40)}
    )

    # ------------------------------------------------------------ the reference resident
    def _parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and spread of each score part of the reference resident (basic, quality,
        government, served, night)."""
        mb, sb = _uniform_moments(ring_score, *self.basic_ring_share)
        mo, so = _uniform_moments(ring_score, *self.other_ring_share)
        return np.array([mb, mo, mo, 1.0, 1.0]), np.array([sb, so, so, 0.0, 0.0])

    def _quantile(self) -> tuple[float, float]:
        """Mean and spread of the normal quantile z of the built circles' satisfied share."""
        return _uniform_moments(
            lambda p: np.array([NormalDist().inv_cdf(x) for x in p]), *self.satisfied, 2001
        )

    def reference_score(self, weights: Mapping[str, float] | None = None) -> tuple[float, float]:
        """Mean and spread of the reference resident's score under ``weights`` (default:
        :attr:`weights`)."""
        w = self._weight_vector(weights)
        m, s = self._parts()
        return float(w @ m), float(np.sqrt(np.sum((w * s) ** 2)))

    def _weight_vector(self, weights: Mapping[str, float] | None) -> np.ndarray:
        given = {**self.weights, **(weights or {})}
        unknown = sorted(set(given) - set(WEIGHTS))
        if unknown:
            raise _core.ArgumentError(f"weights: {', '.join(unknown)} unknown; expected {', '.join(WEIGHTS)}")
        return np.array([float(given[k]) for k in WEIGHTS])

    def mean_given(
        self, threshold_sd: np.ndarray, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The normal of threshold_mean given threshold_sd (and weights rows, :data:`WEIGHTS`
        order): its mean and standard deviation."""
        sd = np.asarray(threshold_sd, float)
        m, s = self._parts()
        w = self._weight_vector(None)[None, :] if weights is None else np.atleast_2d(weights)
        mean_s = w @ m
        spread_s = np.sqrt(((w * s) ** 2).sum(axis=1))
        mz, sz = self._quantile()
        if weights is None:
            mean_s, spread_s = mean_s[0], spread_s[0]
        return mean_s - mz * sd, np.sqrt(spread_s**2 + (sz * sd) ** 2)

    # ------------------------------------------------------------ density and draws
    def logpdf(
        self,
        threshold_mean: np.ndarray,
        threshold_sd: np.ndarray,
        weights: np.ndarray | None = None,
        *,
        of_weights: bool = True,
    ) -> np.ndarray:
        """The prior's log density at each (threshold_mean, threshold_sd) (and weights rows,
        :data:`WEIGHTS` order), up to the truncation's constant; -inf outside :attr:`bounds`.
        With ``of_weights`` False, the density given the weights (theirs left out)."""
        mean, sd = np.broadcast_arrays(np.asarray(threshold_mean, float), np.asarray(threshold_sd, float))
        mu, tau = self.mean_given(sd, weights)
        log_sd = np.log(np.where(sd > 0, sd, np.nan))
        out = (
            -0.5 * ((log_sd - np.log(self.sd_median)) / self.sd_log_sd) ** 2
            - log_sd
            - np.log(self.sd_log_sd)
            - 0.5 * ((mean - mu) / tau) ** 2
            - np.log(tau)
            - np.log(2 * np.pi)
        )
        if weights is not None and of_weights:
            alpha = self.weights_concentration * self._weight_vector(None)
            w = np.atleast_2d(weights)
            out = out + ((alpha - 1) * np.log(w)).sum(axis=1)
        lo_m, hi_m = self.bounds["threshold_mean"]
        lo_s, hi_s = self.bounds["threshold_sd"]
        inside = (mean >= lo_m) & (mean <= hi_m) & (sd >= lo_s) & (sd <= hi_s)
        return np.where(inside, out, -np.inf)

    def sample(self, n: int, seed: int = 0, *, weights: bool = False) -> pd.DataFrame:
        """``n`` draws (a DataFrame: threshold_mean, threshold_sd, and with ``weights`` the
        five weights), by numpy's PCG64 seeded with ``seed``: the same seed, the same draws."""
        rng = np.random.Generator(np.random.PCG64(seed))
        lo_m, hi_m = self.bounds["threshold_mean"]
        lo_s, hi_s = self.bounds["threshold_sd"]
        out = np.empty((0, 2 + len(WEIGHTS)))
        while len(out) < n:  # rejection from the truncation (it rejects well under 1%)
            m = 2 * (n - len(out)) + 16
            sd = self.sd_median * np.exp(self.sd_log_sd * rng.standard_normal(m))
            w = (
                rng.dirichlet(self.weights_concentration * self._weight_vector(None), size=m)
                if weights
                else np.tile(self._weight_vector(None), (m, 1))
            )
            mu, tau = self.mean_given(sd, w)
            mean = mu + tau * rng.standard_normal(m)
            keep = (mean >= lo_m) & (mean <= hi_m) & (sd >= lo_s) & (sd <= hi_s)
            out = np.vstack([out, np.column_stack([mean, sd, w])[keep]])
        frame = pd.DataFrame(out[:n], columns=[*THRESHOLD, *WEIGHTS])
        return frame if weights else frame[list(THRESHOLD)]

    def summary(self, draws: int = 20000, seed: int = 0) -> pd.DataFrame:
        """Each parameter's 5%, 50% and 95% points and mean, from ``draws`` draws."""
        d = self.sample(draws, seed, weights=True)
        q = d.quantile([0.05, 0.5, 0.95]).T
        q.columns = ["q05", "median", "q95"]
        q.insert(0, "mean", d.mean())
        q.index.name = "parameter"
        return q.reset_index()


#: The documented prior (docs/model.md, "Satisfaction threshold: the prior").
PRIOR = SatisfactionPrior()
