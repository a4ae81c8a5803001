"""lifecircle.survey: a satisfaction survey read in (both shapes), and every bad input named
by file, row and column, with nothing half-read."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY
from lifecircle import geo


def write(tmp_path, name: str, rows: list[dict] | pd.DataFrame) -> str:
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    path = tmp_path / name
    if name.endswith(".xlsx"):
        pytest.importorskip("openpyxl")
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return str(path)


AGGREGATED = [
    {"district": "Xiqu", "date": "2025-12-15", "respondents": 40, "satisfied": 30},
    {"district": "东区", "date": "2025-12-15", "respondents": 50, "satisfied": 45},
    {"district": "dongqu", "date": "2025-06-30", "respondents": 20, "satisfied": 10},
]


@pytest.fixture(scope="module")
def tiny() -> lc.Scenario:
    return lc.Scenario.load(TINY)


def test_aggregated_csv_gives_a_tidy_table_in_the_citys_order(tmp_path, tiny):
    s = lc.Survey.load(write(tmp_path, "s.csv", AGGREGATED), city=tiny)
    t = s.table
    assert list(t.columns) == ["district", "pinyin", "date", "respondents", "satisfied", "share"]
    assert list(t.district) == ["东区", "东区", "西区"]  # the city's order, then dates
    assert list(t.pinyin) == ["Dongqu", "Dongqu", "Xiqu"]
    assert list(t.date.dt.date) == [dt.date(2025, 6, 30), dt.date(2025, 12, 15), dt.date(2025, 12, 15)]
    assert list(t.respondents) == [20, 50, 40] and list(t.satisfied) == [10, 45, 30]
    assert t.share.tolist() == pytest.approx([0.5, 0.9, 0.75])
    assert s.record_dates == [dt.date(2025, 6, 30), dt.date(2025, 12, 15)]
    m = s.months
    assert list(zip(m.pinyin, m.year, m.month, m.respondents)) == [
        ("Dongqu", 2025, 6, 20),
        ("Dongqu", 2025, 12, 50),
        ("Xiqu", 2025, 12, 40),
    ]
    assert "110 respondents in 2 district(s)" in repr(s)


def test_xlsx_reads_as_the_csv_does_and_chinese_headers_are_known(tmp_path, tiny):
    zh = [{"片区": r["district"], "日期": r["date"], "受访人数": r["respondents"], "满意人数": r["satisfied"]}
          for r in AGGREGATED]  # fmt: skip
    a = lc.Survey.load(write(tmp_path, "s.csv", AGGREGATED), city=tiny)
    b = lc.Survey.load(write(tmp_path, "s.xlsx", zh), city=tiny)
    assert a == b


def test_loading_is_deterministic_and_rows_of_one_district_and_date_add_up(tmp_path, tiny):
    rows = AGGREGATED + [{"district": "Xiqu", "date": "2025/12/15", "respondents": 10, "satisfied": 10}]
    path = write(tmp_path, "s.csv", rows)
    a, b = lc.Survey.load(path, city=tiny), lc.Survey.load(path, city=tiny)
    assert a == b
    x = a.table.set_index("pinyin").loc["Xiqu"]
    assert (x.respondents, x.satisfied) == (50, 40)


def test_communities_map_to_districts(tmp_path, tiny):
    rows = [
        {"community": "河畔社区", "date": "2025-12-01", "respondents": 30, "satisfied": 27},
        {"community": "山前社区", "date": "2025-12-01", "respondents": 20, "satisfied": 10},
        {"community": "桥头社区", "date": "2025-12-01", "respondents": 10, "satisfied": 9},
    ]
    path = write(tmp_path, "c.csv", rows)
    s = lc.Survey.load(
        path, city=tiny, communities={"河畔社区": "东区", "山前社区": "Xiqu", "桥头社区": "Dongqu"}
    )
    assert dict(zip(s.table.pinyin, s.table.respondents)) == {"Dongqu": 40, "Xiqu": 20}
    with pytest.raises(
        lc.InputError, match=r"c\.csv: row 4, column 'community': community '桥头社区' has no"
    ):
        lc.Survey.load(path, city=tiny, communities={"河畔社区": "东区", "山前社区": "Xiqu"})


def test_one_row_per_respondent_with_a_district_and_answers_of_every_kind(tmp_path, tiny):
    answers = ["yes", "No", "1", "0", "满意", "不满意", "是", "否", "TRUE", "非常满意"]
    rows = [{"district": "Dongqu", "date": "2025年12月15日", "answer": a} for a in answers]
    s = lc.Survey.load(write(tmp_path, "r.csv", rows), city=tiny)
    assert s.table[["pinyin", "respondents", "satisfied"]].values.tolist() == [["Dongqu", 10, 6]]
    assert s.table.date.iloc[0].date() == dt.date(2025, 12, 15)


def test_an_ambiguous_answer_is_read_only_as_told(tmp_path, tiny):
    rows = [{"district": "Dongqu", "date": "2025-12-15", "answer": a} for a in ("满意", "一般", "基本满意")]
    path = write(tmp_path, "r.csv", rows)
    with pytest.raises(
        lc.InputError, match=r"r\.csv: row 3, column 'answer': '一般': satisfied or not by the"
    ):
        lc.Survey.load(path, city=tiny)
    s = lc.Survey.load(path, city=tiny, answers={"一般": False, "基本满意": True})
    assert s.table.satisfied.iloc[0] == 2


def test_a_date_for_the_whole_file(tmp_path, tiny):
    rows = [{k: v for k, v in r.items() if k != "date"} for r in AGGREGATED]
    path = write(tmp_path, "s.csv", rows)
    s = lc.Survey.load(path, city=tiny, date="2025-11-20")
    assert set(s.table.date.dt.date) == {dt.date(2025, 11, 20)}
    with pytest.raises(
        lc.InputError, match=r"s\.csv: no date: expected a date column .* or Survey\.load\(date="
    ):
        lc.Survey.load(path, city=tiny)


# ----------------------------------------------------------------------------- homes on the streets


def homes(res: lc.Results, n: int = 12) -> pd.DataFrame:
    net = res.table("network")
    nodes = np.linspace(0, len(net["x"]) - 1, n).astype(int)
    nodes = nodes[net["district"][nodes] >= 0]
    return pd.DataFrame({"node": nodes, "x": net["x"][nodes] + 3.0, "y": net["y"][nodes] - 2.0})


def test_homes_as_points_lonlat_or_nodes_give_their_nodes_districts(tmp_path, tiny_results):
    res = tiny_results
    h = homes(res)
    lon, lat = geo.lonlat(res, h.x.to_numpy(), h.y.to_numpy())
    answers = ["yes", "no"] * (len(h) // 2) + ["yes"] * (len(h) % 2)
    want = res.node_district[h.node.to_numpy()]
    expect = pd.Series(answers).eq("yes").groupby(want).agg(["size", "sum"])
    for name, cols in [
        ("xy", {"x": h.x, "y": h.y}),
        ("ll", {"lon": lon, "lat": lat}),
        ("node", {"node": h.node}),
    ]:
        frame = pd.DataFrame({**cols, "date": "2025-12-20", "answer": answers})
        s = lc.Survey.load(write(tmp_path, f"{name}.csv", frame), city=res)
        got = s.table.assign(d=[res.district_index(d) for d in s.table.district]).set_index("d")
        assert got.respondents.to_dict() == expect["size"].to_dict(), name
        assert got.satisfied.to_dict() == expect["sum"].to_dict(), name


def test_a_home_outside_the_city(tmp_path, tiny_results):
    res = tiny_results
    h = homes(res, 4)
    x = h.x.to_numpy().copy()
    x[2] = res.table("network")["x"].max() + 5000.0
    frame = pd.DataFrame({"x": x, "y": h.y, "date": "2025-12-20", "answer": "yes"})
    with pytest.raises(
        lc.InputError, match=r"p\.csv: row 4, column 'x, y': .* is outside the city: the nearest"
    ):
        lc.Survey.load(write(tmp_path, "p.csv", frame), city=res)
    frame = pd.DataFrame({"node": [0, 10**7], "date": "2025-12-20", "answer": "yes"})
    with pytest.raises(lc.InputError, match=r"n\.csv: row 3, column 'node': '10000000' is not a node"):
        lc.Survey.load(write(tmp_path, "n.csv", frame), city=res)
    frame = pd.DataFrame({"lon": [112.0, 500.0], "lat": [22.9, 22.9], "date": "2025-12-20", "answer": "yes"})
    with pytest.raises(lc.InputError, match=r"l\.csv: row 3, column 'lon, lat': .*expected a longitude"):
        lc.Survey.load(write(tmp_path, "l.csv", frame), city=res)


def test_homes_as_points_need_a_runs_streets(tmp_path, tiny):
    frame = pd.DataFrame({"x": [0.0], "y": [0.0], "date": "2025-12-20", "answer": "yes"})
    with pytest.raises(lc.InputError, match=r"a run's results are needed to place them"):
        lc.Survey.load(write(tmp_path, "p.csv", frame), city=tiny)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "change, error",
    [
        ({"district": "Nowhere"}, r"row 3, column 'district': 'Nowhere' is not a district of the city; "
                                  r"expected one of 东区 \(Dongqu\), 西区 \(Xiqu\)"),
        ({"respondents": "0"}, r"row 3, column 'respondents': 0 respondents; expected 1 or more"),
        ({"satisfied": "51"}, r"row 3, column 'satisfied': 51 satisfied of 50 respondents; expected at most"),
        ({"satisfied": "many"}, r"row 3, column 'satisfied': 'many' is not a count; expected a whole number"),
        ({"respondents": "12.5"}, r"row 3, column 'respondents': '12.5' is not a count"),
        ({"date": "next spring"}, r"row 3, column 'date': 'next spring' is not a date; expected e\.g\. 2025"),
        ({"date": "2031-01-15"}, r"row 3, column 'date': 2031-01-15 is outside the run; expected a date from "
                                 r"2024-01-01 to 2025-12-31"),
    ],
)  # fmt: skip
def test_bad_rows_are_named_by_file_row_and_column(tmp_path, tiny, change, error):
    rows = [dict(r) for r in AGGREGATED]
    rows[1].update(change)  # the second data row: row 3 as a spreadsheet shows it
    for name in ("bad.csv", "bad.xlsx"):  # the same words for a spreadsheet
        with pytest.raises(lc.InputError, match=name.replace(".", r"\.") + ": " + error):
            lc.Survey.load(write(tmp_path, name, rows), city=tiny)


def test_a_date_outside_the_run_is_found_against_the_results_too(tmp_path, tiny_results):
    rows = [dict(r) for r in AGGREGATED]
    rows[2]["date"] = "2023-12-31"
    path = write(tmp_path, "early.csv", rows)
    with pytest.raises(
        lc.InputError, match=r"early\.csv: row 2, column 'district': 'Xiqu' is not a district"
    ):
        lc.Survey.load(path)  # no city: the built-in Yunfu's districts, which these are not
    with pytest.raises(
        lc.InputError, match=r"early\.csv: row 4, column 'date': 2023-12-31 is outside the run"
    ):
        lc.Survey.load(path, city=tiny_results)


def test_missing_columns_say_what_was_expected(tmp_path, tiny):
    cases = [
        (
            [{"district": "Dongqu", "date": "2025-12-15", "respondents": 5}],
            r"a column of satisfied respondents",
        ),
        ([{"date": "2025-12-15", "respondents": 5, "satisfied": 1}], r"a district column .* or a community"),
        ([{"district": "Dongqu", "date": "2025-12-15"}], r"one row per respondent with an answer column"),
        ([{"date": "2025-12-15", "answer": "yes"}], r"a home: x and y \(metres\), lon and lat"),
    ]
    for rows, error in cases:
        with pytest.raises(
            lc.InputError, match=r"m\.csv: .*expected .*" + error + r".*the table.s columns are"
        ):
            lc.Survey.load(write(tmp_path, "m.csv", rows), city=tiny)
    with pytest.raises(lc.InputError, match=r"nothing\.csv: no such file \(satisfaction survey\)"):
        lc.Survey.load(tmp_path / "nothing.csv")


def test_every_bad_row_is_counted(tmp_path, tiny):
    rows = [{"district": "Dongqu", "date": "2025-12-15", "respondents": 0, "satisfied": 0}] * 3
    with pytest.raises(
        lc.InputError, match=r"row 2, column 'respondents': 0 respondents; .* \(3 such rows\)"
    ):
        lc.Survey.load(write(tmp_path, "z.csv", rows), city=tiny)


# ----------------------------------------------------------------------------- emulated surveys


def test_an_emulated_survey_is_seeded(tiny_results):
    res = tiny_results
    a = lc.Survey.emulate(res, ["2025-12-31"], respondents=200, seed=3)
    b = lc.Survey.emulate(res, ["2025-12-31"], respondents=200, seed=3)
    c = lc.Survey.emulate(res, ["2025-12-31"], respondents=200, seed=4)
    assert a == b and not a.table.equals(c.table)
    assert set(a.table.respondents) == {200}
    share = res.districts.query("year == 2025 and month == 12").set_index("pinyin").satisfaction
    # binomial(200, p): within 4.5 standard errors with near certainty (seeded, so fixed anyway)
    for r in a.table.itertuples():
        p = share[r.pinyin]
        assert abs(r.share - p) <= 4.5 * np.sqrt(p * (1 - p) / 200) + 1e-9
    a.check(res)
    with pytest.raises(lc.ArgumentError, match=r"2026-01-15 is in no month"):
        lc.Survey.emulate(res, ["2026-01-15"])
