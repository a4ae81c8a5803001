"""WalkNetwork construction from numpy/pandas and CSV (mirrors tests/cpp/test_walk_network.cpp)."""

import pandas as pd
import pytest

import lifecircle as lc
from conftest import line_network


def test_csr_adjacency_holds_each_undirected_edge_both_ways():
    net = line_network(3, [(0, 1, 5.0), (1, 2, 7.0)])
    assert (net.num_nodes, net.num_edges) == (3, 2)
    assert net.edges["length"].sum() == 12.0


def test_node_ids_come_from_a_pandas_index():
    x = pd.Series([0.0, 10.0, 20.0], index=[101, 205, 307])
    y = pd.Series([0.0, 0.0, 0.0], index=[101, 205, 307])
    net = lc.WalkNetwork(x, y, [101, 205], [205, 307], [10.0, 10.0])
    assert list(net.nodes.index) == [101, 205, 307]
    assert list(net.edges["from"]) == [101, 205]


def test_largest_connected_component_is_kept_and_the_rest_reported():
    net = line_network(6, [(0, 1, 1.0), (1, 2, 1.0), (3, 4, 2.5)], keep_largest_component=True)
    assert net.num_nodes == 3
    r = net.report
    assert (r["components"], r["dropped_nodes"], r["dropped_edges"]) == (3, 3, 1)
    assert r["dropped_length_m"] == 2.5


@pytest.mark.parametrize(
    "edge, message",
    [
        ((0, 1, float("nan")), "length"),
        ((0, 1, -1.0), "expected a finite length >= 0"),
        ((0, 9, 1.0), "node 9"),
    ],
)
def test_bad_arrays_give_an_input_error_naming_the_problem(edge, message):
    with pytest.raises(lc.InputError, match=message):
        line_network(2, [edge])


def test_input_error_is_a_value_error():
    assert issubclass(lc.InputError, ValueError)
    with pytest.raises(ValueError, match="empty network"):
        lc.WalkNetwork([], [], [], [], [])


def test_networks_read_from_csv_errors_name_file_line_and_column(tmp_path):
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("id,x,y\n1,0,0\n2,10,0\n")
    edges = tmp_path / "edges.csv"
    edges.write_text("from,to,length\n1,2,10.5\n")
    net = lc.WalkNetwork.from_csv(nodes, edges)
    assert net.num_edges == 1
    bad = tmp_path / "bad_edges.csv"
    bad.write_text("from,to\n1,2\n")
    with pytest.raises(lc.InputError, match=r"bad_edges.csv:1: missing column 'length'"):
        lc.WalkNetwork.from_csv(nodes, bad)
    nan = tmp_path / "nan_edges.csv"
    nan.write_text("from,to,length\n1,2,nan\n")
    with pytest.raises(lc.InputError, match=r"nan_edges.csv:2"):
        lc.WalkNetwork.from_csv(nodes, nan)
