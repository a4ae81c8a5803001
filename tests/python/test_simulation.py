"""The simulation through the CLI and its results file (mirrors tests/cpp/test_simulation.cpp)."""

import subprocess

import h5py
import numpy as np

from conftest import ROOT, datasets

TINY = ROOT / "configs" / "tiny.toml"


def run(cli, out, *args):
    done = subprocess.run(
        [cli, *args, "run", TINY, "-q", "-o", out, "--until", "2024-04-30"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_identical_results_on_1_and_2_threads_and_for_the_same_seed(cli, tmp_path):
    run(cli, tmp_path / "one.h5", "--threads", "1")
    run(cli, tmp_path / "two.h5", "--threads", "2")
    a, b = datasets(tmp_path / "one.h5"), datasets(tmp_path / "two.h5")
    assert a.keys() == b.keys() and len(a) > 30
    for name in a:
        assert np.array_equal(a[name], b[name]), name
    with h5py.File(tmp_path / "two.h5") as f:
        assert f.attrs["threads"] == 2 and "[simulation]" in f.attrs["scenario_text"]
    with h5py.File(tmp_path / "one.h5") as f:
        assert f.attrs["threads"] == 1


def test_every_need_is_served_delivered_or_unmet_and_revenue_equals_spending(cli, tmp_path):
    out = run(cli, tmp_path / "r.h5")
    assert "东区" in out and "satisfied" in out
    d = datasets(tmp_path / "r.h5")
    dm = {k.split("/")[1]: v for k, v in d.items() if k.startswith("district_month/")}
    assert np.array_equal(dm["needs"], dm["served"] + dm["delivered"] + dm["unmet"])
    assert d["facility_month/revenue_fen"].sum() == dm["spend_fen"].sum() > 0
    assert np.all(
        (dm["survey_low"] <= dm["survey_satisfied"] / dm["survey_n"])
        & (dm["survey_satisfied"] / dm["survey_n"] <= dm["survey_high"])
    )


def test_bad_until_and_bad_config_fail_cleanly(cli, tmp_path):
    out = subprocess.run(
        [cli, "run", TINY, "-q", "-o", tmp_path / "x.h5", "--until", "2024-13-01"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "--until" in out.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.read_text(encoding="utf-8").replace("seed = 7", "seed = -7"), encoding="utf-8")
    out = subprocess.run([cli, "run", bad, "-q", "-o", tmp_path / "y.h5"], capture_output=True, text=True)
    assert out.returncode == 2 and "simulation.seed" in out.stderr
    assert not (tmp_path / "x.h5").exists() and not (tmp_path / "y.h5").exists()
