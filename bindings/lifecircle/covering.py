"""Maximal covering location: which sites bring the most residents inside a ring.

The problem of the gap lists (一图一清单) and of project lists: among candidate sites (a
district's commercial nodes), choose ``count`` that together bring the most still-uncovered
residents within ``ring`` metres' walk (Church and ReVelle's maximal covering location
problem, 1974). Two methods:

- ``"exact"``: the integer programme, solved by HiGHS (``highspy``) to proven optimality (or
  to ``time_limit``, then the best found and its gap):
  maximise sum_i w_i y_i subject to y_i <= sum_{j covers i} x_j, sum_j x_j <= count
  (and sum_j cost_j x_j <= budget when given), x binary, 0 <= y_i <= 1;
- ``"greedy"``: each site in turn the one bringing the most weight not yet covered (the
  engine's ``greedy_sites``, within 1 - 1/e of the optimum). It is the fallback when HiGHS is
  missing and the comparison.

Coverage is exact network distance: the candidates' reach tables (``WalkNetwork.reach``).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np

from lifecircle import _core


@dataclass
class Cover:
    """A solution: the sites chosen (node indices, in the order chosen or by gain), the
    weight each brings in that order, the total, the method, and for HiGHS its status and
    proven optimality gap."""

    sites: np.ndarray
    gains: np.ndarray
    covered: float
    method: str
    status: str = "optimal"
    gap: float = 0.0


def coverage_pairs(
    network: _core.WalkNetwork, candidates: np.ndarray, demand: np.ndarray, ring: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(demand index, candidate index) pairs with the candidate within ``ring`` metres of the
    demand node, for every demand node: exact, from the candidates' reach table with k the
    number of candidates. ``ring`` is one distance, or one a demand entry (the same node may
    come several times: its residents of different walking pace)."""
    network = getattr(network, "_net", network)  # lifecircle.WalkNetwork or _core's
    candidates = np.asarray(candidates, dtype=np.uint32)
    demand = np.asarray(demand, dtype=np.int64)
    if len(candidates) == 0 or len(demand) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rings = np.broadcast_to(np.asarray(ring, dtype=float), demand.shape)
    dist, idx = network.reach(candidates, int(len(candidates)), float(rings.max()))
    d, c = dist[demand], idx[demand]
    ok = np.isfinite(d) & (c >= 0) & (d <= rings[:, None])
    rows = np.repeat(np.arange(len(demand)), d.shape[1]).reshape(d.shape)
    return rows[ok], c[ok].astype(np.int64)


def max_cover(
    network: _core.WalkNetwork,
    candidates: np.ndarray,
    demand: np.ndarray,
    weights: np.ndarray,
    ring: float | np.ndarray,
    count: int,
    *,
    method: str = "exact",
    costs: np.ndarray | None = None,
    budget: float | None = None,
    time_limit: float = 60.0,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> Cover:
    """Up to ``count`` sites among ``candidates`` (nodes) covering the most ``weights`` of the
    ``demand`` nodes within ``ring`` metres (one distance, or one a demand entry; see the
    module). ``costs`` (per candidate) and ``budget`` add a budget constraint (exact method;
    greedy stops at the budget). ``pairs``: :func:`coverage_pairs` of the same candidates,
    demand and ring, when the caller solves them for several counts."""
    if method not in ("exact", "greedy"):
        raise _core.ArgumentError(f"method {method!r}: expected 'exact' or 'greedy'")
    if count < 0 or (budget is not None and budget < 0):
        raise _core.ArgumentError(f"count {count} and budget {budget}: expected non-negative numbers")
    candidates = np.asarray(candidates, dtype=np.uint32)
    weights = np.asarray(weights, dtype=float)
    rows, cols = coverage_pairs(network, candidates, demand, ring) if pairs is None else pairs
    costs = np.zeros(len(candidates)) if costs is None else np.asarray(costs, dtype=float)
    if count == 0 or len(candidates) == 0 or len(rows) == 0:
        return Cover(np.zeros(0, dtype=np.uint32), np.zeros(0), 0.0, method)
    if method == "exact":
        try:
            return _exact(candidates, weights, rows, cols, count, costs, budget, time_limit)
        except ImportError:
            method = "greedy"  # highspy missing: the fallback
    return _greedy(candidates, weights, rows, cols, count, costs, budget, method)


def _gains_in_order(chosen: list[int], weights, rows, cols) -> tuple[list[int], list[float]]:
    """The chosen sites ordered by what each adds to those before it (largest first)."""
    covered = np.zeros(len(weights), dtype=bool)
    order, gains = [], []
    left = list(chosen)
    while left:
        best, best_gain = left[0], -1.0
        for j in left:
            reach = np.unique(rows[cols == j])
            g = float(weights[reach][~covered[reach]].sum())
            if g > best_gain:
                best, best_gain = j, g
        covered[rows[cols == best]] = True
        order.append(best)
        gains.append(float(best_gain))
        left.remove(best)
    return order, gains


def _greedy(candidates, weights, rows, cols, count, costs, budget, method) -> Cover:
    covered = np.zeros(len(weights), dtype=bool)
    chosen, gains, spent = [], [], 0.0
    for _ in range(count):
        gain = np.bincount(
            cols, weights=np.where(covered[rows], 0.0, weights[rows]), minlength=len(candidates)
        )
        if chosen:
            gain[chosen] = -1
        if budget is not None:
            gain[spent + costs > budget + 1e-9] = -1
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.append(j)
        gains.append(float(gain[j]))
        spent += costs[j]
        covered[rows[cols == j]] = True
    return Cover(candidates[chosen], np.array(gains), float(sum(gains)), method)


def _highs():
    """A silent HiGHS instance (its first construction in a process prints a banner to file
    descriptor 1, which is held shut meanwhile)."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def _exact(candidates, weights, rows, cols, count, costs, budget, time_limit) -> Cover:
    import highspy

    # only demand points some candidate covers enter the programme
    used = np.unique(rows)
    remap = np.full(len(weights), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    r = remap[rows]
    nx, ny = len(candidates), len(used)
    h = _highs()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    inf = highspy.kHighsInf
    # columns: x_j (binary), then y_i in [0, 1]; maximise sum w_i y_i
    obj = np.concatenate([np.zeros(nx), weights[used]])
    h.addVars(nx + ny, np.zeros(nx + ny), np.ones(nx + ny))
    h.changeColsCost(nx + ny, np.arange(nx + ny, dtype=np.int32), obj)
    h.changeColsIntegrality(nx, np.arange(nx, dtype=np.int32), np.full(nx, highspy.HighsVarType.kInteger))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    # y_i - sum_{j covers i} x_j <= 0, one row per demand point (CSR by row)
    order = np.lexsort((cols, r))
    r, c = r[order], cols[order]
    starts = np.searchsorted(r, np.arange(ny))
    counts = np.diff(np.append(starts, len(r)))
    index, value, start = [], [], []
    at = 0
    for i in range(ny):
        start.append(at)
        seg = c[starts[i] : starts[i] + counts[i]]
        index.extend([nx + i, *seg.tolist()])
        value.extend([1.0, *([-1.0] * len(seg))])
        at += 1 + len(seg)
    h.addRows(
        ny,
        np.full(ny, -inf),
        np.zeros(ny),
        len(index),
        np.array(start, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value),
    )
    # at most `count` sites, and the budget
    h.addRow(-inf, float(count), nx, np.arange(nx, dtype=np.int32), np.ones(nx))
    if budget is not None:
        h.addRow(-inf, float(budget), nx, np.arange(nx, dtype=np.int32), costs.astype(float))
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    sol = np.asarray(h.getSolution().col_value)
    chosen = [j for j in range(nx) if sol[j] > 0.5]
    info = h.getInfo()
    order, gains = _gains_in_order(chosen, weights, rows, cols)
    return Cover(
        candidates[order],
        np.array(gains),
        float(sum(gains)),
        "exact",
        status.lower(),
        float(info.mip_gap) if np.isfinite(info.mip_gap) else 0.0,
    )
