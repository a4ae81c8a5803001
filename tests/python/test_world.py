"""Worlds built from scenarios (mirrors tests/cpp/test_world.cpp)."""

import subprocess

import numpy as np

import lifecircle as lc
from conftest import ROOT


def test_the_world_matches_the_scenarios_totals_exactly_in_every_district():
    sc = lc.Scenario.load(ROOT / "configs" / "yunfu.toml")
    summary = lc.World(sc).summary().set_index("district")
    want = sc.districts.set_index("name")
    assert (summary.residents == want.population).all()
    for age in ("child", "working", "elderly"):
        assert np.abs(summary[f"share_{age}"] - want[age]).max() < 0.01
    hh = summary.residents / summary.households
    assert np.abs(hh - want.household_size).max() < 0.1


def test_the_world_is_deterministic_in_the_seed():
    sc = lc.Scenario.load(ROOT / "configs" / "tiny.toml")
    a, b = lc.World(sc).residents, lc.World(sc).residents
    assert a.equals(b)
    other = lc.World(lc.Scenario(sc.text.replace("seed = 7", "seed = 8"), sc.path)).residents
    assert not a.home_node.equals(other.home_node)


def test_world_command_prints_the_default_yunfu_world(cli):
    out = subprocess.run([cli, "world"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "300000 residents" in out.stdout and "育华" in out.stdout and "breakfast" in out.stdout


def test_helsinki_builds_from_real_data(helsinki_pbf):
    sc = lc.Scenario.load(ROOT / "configs" / "helsinki.toml")
    summary = lc.World(sc).summary()
    assert summary.residents.sum() == 5374
    assert summary.in_ring_food.iloc[0] > 0.9
