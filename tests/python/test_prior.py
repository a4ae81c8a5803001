"""lifecircle.prior: the satisfaction threshold's documented prior (docs/model.md,
"Satisfaction threshold: the prior"). Draws are seeded; distribution checks state their
tolerance (20,000 draws: a quantile's standard error is well under 0.005)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import lifecircle as lc
from lifecircle.prior import WEIGHTS, ring_score


def test_the_reference_resident_as_documented():
    # basic at 0.4-0.8 of the ring, the others at 0.4-1.0, no unmet need, night service
    assert ring_score(np.array([0.4, 0.6, 0.8, 1.0])) == pytest.approx([0.917, 0.832, 0.690, 0.5], abs=1e-3)
    mean, spread = lc.PRIOR.reference_score()
    assert mean == pytest.approx(0.834, abs=1e-3) and spread == pytest.approx(0.047, abs=1e-3)
    mu, tau = lc.PRIOR.mean_given(0.10)
    assert mu == pytest.approx(0.682, abs=1e-3) and tau == pytest.approx(0.049, abs=1e-3)


def test_draws_are_seeded_and_inside_the_bounds():
    a, b, c = lc.PRIOR.sample(500, seed=1), lc.PRIOR.sample(500, seed=1), lc.PRIOR.sample(500, seed=2)
    assert a.equals(b) and not a.equals(c)
    assert list(a.columns) == ["threshold_mean", "threshold_sd"]
    w = lc.PRIOR.sample(500, seed=1, weights=True)
    assert list(w.columns) == ["threshold_mean", "threshold_sd", *WEIGHTS]
    assert np.allclose(w[list(WEIGHTS)].sum(axis=1), 1.0)
    for col, (lo, hi) in lc.PRIOR.bounds.items():
        assert a[col].between(lo, hi).all()


def test_the_documented_ranges():
    s = lc.PRIOR.sample(20000, seed=3)
    q = s.quantile([0.05, 0.5, 0.95])
    assert q.threshold_sd.tolist() == pytest.approx([0.052, 0.100, 0.193], abs=0.005)
    assert q.threshold_mean.tolist() == pytest.approx([0.521, 0.679, 0.792], abs=0.005)
    # the config's 0.68 is the prior's median; the C++ default's 0.70 inside its 90%
    summary = lc.PRIOR.summary().set_index("parameter")
    assert summary.loc["weight_basic", "q05"] == pytest.approx(0.57, abs=0.01)
    assert summary.loc["weight_basic", "q95"] == pytest.approx(0.73, abs=0.01)


def test_the_density_is_the_draws_density():
    """The log density and the sampler describe one distribution: the mean of threshold_mean
    within sd bands, weighted by the density on a grid, matches the draws' (tolerance 0.004)."""
    s = lc.PRIOR.sample(20000, seed=4)
    m, sd = np.meshgrid(np.linspace(0.3, 0.99, 300), np.linspace(0.02, 0.4, 200), indexing="ij")
    w = np.exp(lc.PRIOR.logpdf(m, sd))
    assert w.sum() > 0 and np.isfinite(w).all()
    for lo, hi in ((0.05, 0.08), (0.08, 0.12), (0.12, 0.2)):
        band = (sd >= lo) & (sd < hi)
        grid_mean = (w * m)[band].sum() / w[band].sum()
        draws = s[(s.threshold_sd >= lo) & (s.threshold_sd < hi)].threshold_mean.mean()
        assert grid_mean == pytest.approx(draws, abs=0.004)
    assert lc.PRIOR.logpdf(1.2, 0.1) == -np.inf and lc.PRIOR.logpdf(0.7, 0.5) == -np.inf


def test_a_variant_is_a_replace():
    narrow = dataclasses.replace(lc.PRIOR, sd_median=0.05)
    assert narrow.sample(2000, seed=1).threshold_sd.median() == pytest.approx(0.05, abs=0.005)
    with pytest.raises(lc.ArgumentError, match="weights: weight_parks unknown"):
        lc.PRIOR.reference_score({"weight_parks": 0.1})
