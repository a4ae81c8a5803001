"""Two scenarios on one map (issue 25): `lifecircle map A.h5 --compare B.h5` and
`Results.map(compare=other)`, in headless Chromium with the network off (test_map's browser)."""

from __future__ import annotations

import base64
import json
import subprocess

import numpy as np
import pandas as pd
import pytest
from test_map import _errors, _open, _set, browser  # noqa: F401  (the offline Chromium fixture)

import lifecircle as lc
from conftest import TINY
from lifecircle.webmap import page_data


@pytest.fixture(scope="module")
def more_shops(tmp_path_factory):
    """The tiny town with three more convenience stores planned in 西区 early in 2024."""
    sc = lc.Scenario.load(TINY).with_facilities("西区", "convenience", 3, date="2024-02-01")
    return lc.run(sc, progress=False, output=tmp_path_factory.mktemp("cmp") / "more.h5")


def _city_satisfaction(res, year):
    row = res.years[res.years.year == year]
    return float((row.satisfaction * row.residents).sum() / row.residents.sum())


def _open_keys(res, year) -> pd.DataFrame:
    """The facilities open at the end of ``year``: row, x and y (to 0.1 m), category."""
    t = res.table("facilities")
    open_ = res.open_on(res.year_end(year)).to_numpy()
    return pd.DataFrame(
        {"row": np.flatnonzero(open_), "x": np.round(t["x"][open_], 1), "y": np.round(t["y"][open_], 1),
         "category": t["category"][open_].astype(int)}
    )  # fmt: skip


def test_changes_are_the_facilities_open_in_one_run_only(tiny_results, more_shops):
    data = page_data(more_shops, compare=tiny_results)
    total = 0
    for k, year in enumerate(more_shops.years_simulated):
        # per place and category, how many more one run has than the other
        key = ["x", "y", "category"]
        na = _open_keys(more_shops, year).groupby(key).size()
        nb = _open_keys(tiny_results, year).groupby(key).size()
        extra = na.sub(nb, fill_value=0)
        more_a = extra[extra > 0]
        more_b = -extra[extra < 0]
        got = data["compare"]["changes"][k]
        got_a = (
            pd.Series([data["facilities"]["category"][i] for i in got["only_a"]], dtype=int)
            .value_counts()
            .sort_index()
        )
        assert got_a.to_dict() == more_a.groupby(level="category").sum().astype(int).to_dict(), year
        got_b = pd.Series(got["only_b"]["category"], dtype=int).value_counts().sort_index()
        assert got_b.to_dict() == more_b.groupby(level="category").sum().astype(int).to_dict(), year
        total += int(more_a.sum() + more_b.sum())
    assert total > 0  # three more stores planned: the runs differ
    # the homes are the union of both runs' homes; both covers have one byte per home and year
    C, S = len(more_shops.categories), len(more_shops.scenario.time_slots)
    n_homes = len(data["homes"]["node"])
    Y = len(more_shops.years_simulated)
    assert len(data["compare"]["residents"]) == Y * n_homes
    assert len(base64.b64decode(data["compare"]["cover"])) == Y * (C + 1) * (S + 1) * n_homes


def test_comparison_page_in_a_browser(tiny_results, more_shops, browser, tmp_path):  # noqa: F811
    page = tmp_path / "compare.html"
    more_shops.map(page, lang="en", compare=tiny_results)
    _open(browser, page)
    assert _errors(browser) == []
    year = more_shops.years_simulated[-1]
    # the panel's numbers side by side: each run's own city satisfaction at the year's end
    a = browser.find_element("id", "cmp-sat-a").text
    b = browser.find_element("id", "cmp-sat-b").text
    assert a == f"{100 * _city_satisfaction(more_shops, year):.1f}%"
    assert b == f"{100 * _city_satisfaction(tiny_results, year):.1f}%"
    # facilities in one run only, for the category where the runs differ most at the end
    data = json.loads(page.read_text(encoding="utf-8").split('id="lc-data">', 1)[1].split("</script>", 1)[0])
    last = data["compare"]["changes"][-1]
    cat_a = [data["facilities"]["category"][i] for i in last["only_a"]]
    cat_b = last["only_b"]["category"]
    c = max(set(cat_a) | set(cat_b), key=lambda c: cat_a.count(c) + cat_b.count(c))
    _set(browser, "category", c, "change")
    drawn = browser.execute_script("return window.lifecircleMap.changeMarkers()")
    assert (drawn["a"], drawn["b"]) == (cat_a.count(c), cat_b.count(c)) != (0, 0)
    # the difference layer: homes where either run has residents, coloured by A - B
    browser.execute_script("var b = document.getElementById('show-diff'); b.click();")
    assert browser.execute_script("return window.lifecircleMap.diffMarkers()") > 0
    assert _errors(browser) == []
    browser.save_screenshot(str(tmp_path / "compare.png"))


def test_cli_map_compare_and_a_refused_pair(tiny_results, more_shops, cli, tmp_path):
    out = tmp_path / "cmp.html"
    p = subprocess.run(
        [cli, "map", str(more_shops.path), "--compare", str(tiny_results.path), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    assert '"compare":' in out.read_text(encoding="utf-8")
    # a run of another period cannot share the map
    short = lc.run(TINY, until="2024-03-31", progress=False, output=tmp_path / "short.h5")
    p = subprocess.run(
        [
            cli,
            "map",
            str(more_shops.path),
            "--compare",
            str(short.path),
            "-o",
            str(tmp_path / "x.html"),
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 1 and "compare runs of the same period" in p.stderr
    assert not (tmp_path / "x.html").exists()
