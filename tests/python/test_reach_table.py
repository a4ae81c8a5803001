"""Nearest-facility queries (mirrors tests/cpp/test_reach_table.cpp), checked against networkx."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import lifecircle as lc
from conftest import line_network


def facilities_at(net, node_ids):
    nodes = net.nodes.loc[list(node_ids)]
    return pd.DataFrame(
        {"x": nodes.x.to_numpy(), "y": nodes.y.to_numpy()}, index=[f"f{i}" for i in range(len(node_ids))]
    )


def test_exact_distances_on_a_hand_built_graph():
    net = line_network(4, [(0, 1, 10), (1, 2, 10), (2, 3, 10), (0, 2, 25)])
    out = net.nearest(facilities_at(net, [0, 3]), k=2, max_distance=100, include_ids=True)
    assert out.loc[0, 1] == 0.0 and out.loc[0, 2] == 30.0
    assert out.loc[2, 1] == 10.0 and out.loc[2, "poi1"] == "f1"


def test_k_larger_than_what_is_reachable_is_filled_like_pandana():
    net = line_network(3, [(0, 1, 10), (1, 2, 10)])
    out = net.nearest(facilities_at(net, [0]), k=3, max_distance=15, include_ids=True)
    # Pandana fills missing ranks with max_distance and missing ids with NaN
    assert list(out.loc[1, [1, 2, 3]]) == [10.0, 15.0, 15.0]
    assert pd.isna(out.loc[1, "poi2"])
    assert out.loc[2, 1] == 15.0  # 20 m is beyond the radius


def test_disconnected_components_never_reach_each_other():
    net = line_network(5, [(0, 1, 1), (1, 2, 1), (3, 4, 1)])
    out = net.nearest(facilities_at(net, [0]), k=1, max_distance=1e6)
    assert out.loc[2, 1] == 2.0
    assert out.loc[3, 1] == 1e6


def test_tables_equal_a_networkx_dijkstra_reference():
    rng = np.random.default_rng(3)
    g = nx.grid_2d_graph(15, 12)
    mapping = {n: i for i, n in enumerate(g.nodes)}
    rows = [(mapping[a], mapping[b], float(rng.uniform(60, 140))) for a, b in g.edges]
    xy = np.array(list(g.nodes), dtype=float) * 100.0
    net = lc.WalkNetwork(xy[:, 0], xy[:, 1], [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    fac_nodes = rng.choice(net.num_nodes, 10, replace=False)
    out = net.nearest(facilities_at(net, fac_nodes), k=3, max_distance=600)
    ref = nx.Graph()
    ref.add_weighted_edges_from(rows)
    dist = nx.multi_source_dijkstra_path_length  # noqa: F841 (documenting the reference)
    for v in range(net.num_nodes):
        lengths = nx.single_source_dijkstra_path_length(ref, v, cutoff=600, weight="weight")
        best = sorted(lengths[f] for f in fac_nodes if f in lengths)[:3]
        best += [600.0] * (3 - len(best))
        np.testing.assert_allclose(out.loc[v, [1, 2, 3]].to_numpy(), best, atol=1e-9)


def test_coverage_counts_nodes_within_each_walking_time():
    net = line_network(4, [(0, 1, 80), (1, 2, 320), (2, 3, 400)])
    fac = {"shop": facilities_at(net, [0])}
    cov = net.coverage(fac, minutes=(1, 5, 10))
    assert list(cov.loc["shop", ["within_1_min", "within_5_min", "within_10_min"]]) == [0.5, 0.75, 1.0]
    weighted = net.coverage(fac, minutes=(5,), weights=[0, 0, 1, 3])
    assert weighted.loc["shop", "within_5_min"] == 0.25


def test_identical_tables_on_1_and_2_threads():
    rng = np.random.default_rng(9)
    g = nx.grid_2d_graph(40, 40)
    mapping = {n: i for i, n in enumerate(g.nodes)}
    xy = np.array(list(g.nodes), dtype=float) * 100.0
    fr = [mapping[a] for a, _ in g.edges]
    to = [mapping[b] for _, b in g.edges]
    net = lc.WalkNetwork(xy[:, 0], xy[:, 1], fr, to, rng.uniform(80, 120, len(fr)))
    fac = pd.DataFrame(
        {
            "x": rng.uniform(0, 3900, 60),
            "y": rng.uniform(0, 3900, 60),
            "category": np.repeat(["a", "b", "c"], 20),
        }
    )
    results = []
    for threads in (1, 2):
        lc.set_max_threads(threads)
        results.append((net.coverage(fac), net.nearest(fac, k=4, max_distance=1200)))
    lc.set_max_threads(0)
    pd.testing.assert_frame_equal(results[0][0], results[1][0], check_exact=True)
    pd.testing.assert_frame_equal(results[0][1], results[1][1], check_exact=True)


def test_bad_arguments_are_refused_with_a_message():
    net = line_network(2, [(0, 1, 5)])
    with pytest.raises(ValueError, match="k is 0"):
        net.nearest(facilities_at(net, [0]), k=0, max_distance=10)
    with pytest.raises(ValueError, match="exactly one"):
        net.nearest(facilities_at(net, [0]), k=1)
    with pytest.raises(KeyError, match="x and y"):
        net.nearest(pd.DataFrame({"lon": [1.0]}), k=1, max_distance=10)
