"""Maximal covering location: which sites bring the most residents inside a ring.

The problem of the gap lists and project lists (一图一清单): among candidate sites (a
district's commercial nodes), choose ``count`` that together bring the most still-uncovered
residents within their ring's walk (Church and ReVelle's maximal covering location problem,
1974). The engine's own solver (core/covering.hpp), the one that draws project lists inside
the run:

- ``"exact"``: the integer programme, solved by HiGHS (linked into the engine) to proven
  optimality (or to ``time_limit``, then the best found and its gap):
  maximise sum_i w_i y_i subject to y_i <= sum_{j covers i} x_j, sum_j x_j <= count,
  x binary, 0 <= y_i <= 1; a build without HiGHS refuses it (ArgumentError), never
  solving another way in its place;
- ``"greedy"``: each site in turn the one bringing the most weight not yet covered, ties to
  the earlier candidate (within 1 - 1/e of the optimum).

Coverage is exact network distance (a bounded search from each candidate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifecircle import _core


@dataclass
class Cover:
    """A solution: the sites chosen (nodes, the largest gain first), the weight each adds to
    those before it, the total, the method, and for the exact method the solver's status and
    proven optimality gap."""

    sites: np.ndarray
    gains: np.ndarray
    covered: float
    method: str
    status: str = "optimal"
    gap: float = 0.0


def exact_available() -> bool:
    """Whether this build of the engine has HiGHS for ``method="exact"``."""
    return bool(_core.exact_cover_available())


def max_cover(
    network: _core.WalkNetwork,
    candidates: np.ndarray,
    demand: np.ndarray,
    weights: np.ndarray,
    ring: float | np.ndarray,
    count: int,
    *,
    method: str = "exact",
    time_limit: float = 60.0,
) -> Cover:
    """Up to ``count`` sites among ``candidates`` (nodes) covering the most ``weights`` of the
    ``demand`` nodes within ``ring`` metres (one distance, or one a demand entry: the same
    node may come twice, its residents of two walking paces)."""
    network = getattr(network, "_net", network)  # lifecircle.WalkNetwork or _core's
    demand = np.asarray(demand, dtype=np.uint32)
    rings = np.broadcast_to(np.asarray(ring, dtype=float), demand.shape)
    out = network.max_cover(
        np.asarray(candidates, dtype=np.uint32),
        demand,
        np.asarray(weights, dtype=float),
        np.ascontiguousarray(rings),
        int(count),
        method,
        float(time_limit),
    )
    return Cover(out["sites"], out["gains"], out["covered"], out["method"], out["status"], out["gap"])
