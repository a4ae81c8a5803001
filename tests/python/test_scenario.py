"""Scenarios (lifecircle/scenario.py): loading, validation and edits (mirrors
tests/cpp/test_scenario.cpp)."""

import subprocess

import numpy as np
import pytest

import lifecircle as lc
from conftest import ROOT, TINY

TINY_TEXT = (ROOT / "configs" / "tiny.toml").read_text(encoding="utf-8")


def tiny_with(old, new):
    assert old in TINY_TEXT
    return TINY_TEXT.replace(old, new, 1)


def test_the_shipped_scenarios_validate():
    yunfu = lc.Scenario.load(ROOT / "configs" / "yunfu.toml")
    assert yunfu.summary["districts"] == 11 and yunfu.summary["residents"] == 300_000
    d = yunfu.districts
    assert list(d.name[:3]) == ["育华", "金山", "文笔"]
    assert (d.programme_start == 2024).sum() == 3
    # tomllib and the C++ schema read the same file the same way
    assert d.population.sum() == yunfu.summary["residents"]
    assert len(yunfu.categories) == yunfu.summary["categories"]
    assert lc.Scenario.default().text == (ROOT / "configs" / "yunfu.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, key, expected",
    [
        ("seed = 7", "seed = -7", "simulation.seed", "an integer from 0"),
        ("end = 2025-12-31", "end = 2023-12-31", "simulation.end", "after start"),
        ("working = 1.2", "working = 12.0", "walking_speed.working", "0.3 to 2.5"),
        ("start = 22\nend = 24", "start = 22\nend = 25", "time_slots[4].end", "0 to 24"),
        ("hours = [7, 22]", "hours = [7, 25]", "categories.convenience.hours", "opening < closing <= 24"),
        ("ring_minutes = 15", "ring_minutes = 12", "categories.pharmacy.ring_minutes", "or 15"),
        ("ring_minutes = 15", "ring_metres = 3000", "categories.pharmacy.ring_metres", "50 to 2000"),
        (
            "ring_minutes = 15",
            "ring_minutes = 15\nring_metres = 300",
            "categories.pharmacy.ring_metres",
            "one of them",
        ),
        (
            "ring_minutes = 15",
            'ring_minutes = 15\noperator = "state"',
            "categories.pharmacy.operator",
            '"public"',
        ),
        (
            "age_shares = { child = 0.2,",
            "age_shares = { child = 0.3,",
            "districts[0].age_shares",
            "sum to 1.1",
        ),
        ('name = "西区"', 'name = "东区"', "districts[1].name", "duplicate district"),
        ("date = 2025-01-01", "date = 2031-01-01", "events[3].date", "within the simulation period"),
        (
            'category = "breakfast"\nrent_cut',
            'category = "bakery"\nrent_cut',
            "events[1].category",
            "unknown category",
        ),
        ("seed = 7", "seed = 7\nsed = 8", "simulation.sed", "unknown key"),
        ("seed = 7", "seed = = 7", "tiny.toml:8:", "invalid TOML"),
    ],
)
def test_broken_scenarios_give_precise_errors_never_a_crash(old, new, key, expected):
    with pytest.raises(lc.ConfigError) as err:
        lc.Scenario(tiny_with(old, new), "tiny.toml")
    assert key in str(err.value) and expected in str(err.value)
    assert isinstance(err.value, ValueError)


def test_a_5_minute_ring_and_one_in_metres_validate_and_run(tmp_path):
    # issue 22: the national standard's 5-minute tier and its radii in metres can be written;
    # the engine's rings (Scenario.ring_metres, from the spec) follow them
    sc = lc.Scenario(
        tiny_with("ring_minutes = 15", "ring_minutes = 5").replace(
            "ring_minutes = 10", "ring_metres = 300", 1
        ),
        "t.toml",
    )
    rings = {k: sc.ring_metres(k) for k in sc.category_keys}
    five = [k for k, r in rings.items() if sc.category(k)["ring_minutes"] == 5]
    metres = [k for k, r in rings.items() if sc.category(k)["ring_minutes"] == 0]
    assert five and metres
    assert all((rings[k] == 300).all() for k in metres)  # the same radius for every age
    for k in five:  # 5 minutes at each age group's pace (tiny.toml: 1.0, 1.2, 0.9 m/s)
        assert rings[k] == pytest.approx(np.array([300.0, 360.0, 270.0]))
    res = lc.run(sc, until="2024-03-31", progress=False, output=tmp_path / "r.h5")
    assert res.end.isoformat() == "2024-03-31"


def test_every_problem_of_a_file_is_reported_in_one_pass():
    text = tiny_with("seed = 7", "seed = -1").replace("population = 800", "population = 0")
    with pytest.raises(lc.ConfigError, match="2 problems in t.toml") as err:
        lc.Scenario(text, "t.toml")
    assert "simulation.seed" in str(err.value) and "districts[1].population" in str(err.value)


def test_validate_command_exit_codes(cli, tmp_path):
    ok = subprocess.run([cli, "validate", ROOT / "configs" / "yunfu.toml"], capture_output=True, text=True)
    assert ok.returncode == 0 and "11 district(s), 300000 residents" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(tiny_with("population = 1200", "population = -1"), encoding="utf-8")
    out = subprocess.run([cli, "validate", bad], capture_output=True, text=True)
    assert out.returncode == 2
    assert "bad.toml:" in out.stderr and "districts[0].population" in out.stderr
    missing = subprocess.run([cli, "validate", tmp_path / "none.toml"], capture_output=True, text=True)
    assert missing.returncode == 2 and "none.toml" in missing.stderr


def test_scenario_edits_return_new_validated_scenarios():
    sc = lc.Scenario.default()
    text = sc.text
    edited = (
        sc.with_scale(0.1)
        .with_subsidy("breakfast", rent_cut=0.3, district="Panlong")
        .with_rollout(["Datai", "Muyang"], start=2025, per_year=1)
    )
    assert sc.text == text  # immutable
    assert edited.summary["residents"] == pytest.approx(30_000, abs=20)
    ev = edited.events
    joins = ev[ev.type == "join_programme"].set_index("district").date
    assert str(joins["大台"]) == "2025-01-01" and str(joins["牧羊"]) == "2026-01-01"
    assert (ev.type == "join_programme").sum() == 11  # replaced, not added
    # the default package: each district's project list, drawn on the day it joins
    pkg = ev[(ev.district == "大台") & (ev.type == "circle_plan")]
    assert list(pkg.date.astype(str)) == ["2025-01-01"]
    sub = ev[(ev.type == "subsidy") & (ev.district == "蟠龙")]
    assert len(sub) == 1 and sub.rent_cut.iloc[0] == 0.3
    # the edited text is itself a valid scenario, equal after a round trip
    again = lc.Scenario(edited.text, edited.path)
    assert again.data == edited.data
    assert "rollout" in edited.label and "population x0.1" in edited.label


def test_scenario_edit_errors_name_what_was_expected():
    sc = lc.Scenario.load(TINY)
    with pytest.raises(lc.ConfigError, match="no district named 'Nowhere'.*东区 \\(Dongqu\\)"):
        sc.with_rollout({"Nowhere": 2025})
    with pytest.raises(lc.ConfigError, match="no category 'bakery'"):
        sc.with_subsidy("bakery", rent_cut=0.2)
    with pytest.raises(lc.ConfigError, match="rent_cut"):  # the C++ schema's range check
        sc.with_subsidy("breakfast", rent_cut=1.5)
    with pytest.raises(ValueError):  # ConfigError is a ValueError
        sc.with_events([{"type": "subsidy", "date": "2024-02-30", "category": "breakfast"}])
