"""No data is not no facility (issue 25): where the facilities come from OpenStreetMap and it
holds no point of a category in a district, the gap list, the report and the map page say
"no data", and a scenario can mark a category known to be absent (lifecircle.gaps.data_status)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_map import _errors, _open, _set, browser  # noqa: F401  (the offline Chromium fixture)

import lifecircle as lc
from conftest import ROOT, SHARED_DATA
from lifecircle.gaps import data_status


def helsinki_with_empty_categories(folder) -> str:
    """configs/helsinki.toml with two categories no OpenStreetMap tag of the extract matches:
    `bank` (nothing said: no data) and `atm` (listed in the district's known_absent: none)."""
    text = (ROOT / "configs" / "helsinki.toml").read_text(encoding="utf-8")
    text = text.replace("../../shared/data/", f"{SHARED_DATA}/")
    transit = text[text.index("[categories.transit]") : text.index("[[districts]]")]
    transit = re.sub(r"osm_tags = \[[^\]]*\]", 'osm_tags = ["amenity=lifecircle_matches_nothing"]', transit)

    def block(key: str, zh: str) -> str:
        return (
            transit.replace("[categories.transit]", f"[categories.{key}]")
            .replace('zh = "公交站"', f'zh = "{zh}"')
            .replace('en = "Transit stop"', f'en = "{key}"')
        )

    text = text.replace(
        "[[districts]]", block("bank", "银行") + block("atm", "自助银行") + "[[districts]]", 1
    )
    text = text.replace("baseline = {}", 'baseline = {}\nknown_absent = ["atm"]', 1)
    path = folder / "helsinki_empty.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def helsinki_res(tmp_path_factory):
    if not (SHARED_DATA / "helsinki_centre.osm.pbf").exists():
        pytest.skip("../shared/data is absent (a user's own clone): the OpenStreetMap city is skipped")
    folder = tmp_path_factory.mktemp("nodata")
    scenario = helsinki_with_empty_categories(folder)
    return lc.run(scenario, until="2024-01-31", progress=False, output=folder / "h.h5")


def test_unknown_category_in_known_absent_is_a_located_error(tmp_path):
    text = (ROOT / "configs" / "tiny.toml").read_text(encoding="utf-8")
    text = text.replace("baseline = {", 'known_absent = ["casino"]\nbaseline = {', 1)
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(lc.ConfigError, match=r"known_absent.*\"casino\": unknown category"):
        lc.Scenario.load(path)


def test_synthetic_towns_have_no_no_data(tiny_results):
    # a synthetic town's facilities are the scenario's own counts: zero is known, never "no data"
    status = data_status(tiny_results)
    assert set(status["status"]) <= {"data", "none"}
    assert (status["status"] == "none").any()  # tiny.toml has districts without some categories


def test_data_status_tells_no_data_from_known_none(helsinki_res):
    s = data_status(helsinki_res).set_index("category")["status"]
    assert s["bank"] == "no data"  # no point of it in the OSM extract, and nothing said
    assert s["atm"] == "none"  # the scenario says it is known to be absent
    assert s["grocery"] == "data" and s["food"] == "data"


def test_gap_list_and_report_say_no_data(helsinki_res, tmp_path):
    g = helsinki_res.gaps().set_index("category")
    # every resident is outside both rings, but only one of them is a known gap
    assert g.loc["bank", "data"] == "no data" and g.loc["bank", "sites"] == []
    assert g.loc["atm", "data"] == "none" and len(g.loc["atm", "sites"]) > 0  # a site is recommended
    from lifecircle.report import write_report

    write_report(helsinki_res, tmp_path / "report")
    csv = pd.read_csv(tmp_path / "report" / "gaps.csv").set_index("category")
    assert csv.loc["bank", "data"] == "no data" and csv.loc["atm", "data"] == "none"
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "no data" in page and "1 of the gaps are no data" in page


def test_map_page_says_no_data_in_a_browser(helsinki_res, browser, tmp_path):  # noqa: F811
    page = tmp_path / "map.html"
    helsinki_res.map(page, lang="en")
    _open(browser, page)
    cats = helsinki_res.categories

    def status_text(category: str) -> str:
        _set(browser, "category", cats.index(category), "change")
        found = browser.find_elements("id", "data-status")
        return found[0].text if found else ""

    # all districts shown: each named with its status
    assert (
        status_text("bank")
        == "Helsinki centre: no data (the input holds no point of it: whether one is missing is not known)"
    )
    assert status_text("atm") == "Helsinki centre: known to have none"
    assert status_text("grocery") == ""  # data: nothing to say
    assert _errors(browser) == []
