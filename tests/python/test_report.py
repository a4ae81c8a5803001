"""`lifecircle report` and Results.report (lifecircle/report.py): readable PNGs and an HTML
page that needs no network."""

from __future__ import annotations

import re
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402


def test_report_writes_readable_pngs_and_a_self_contained_html(cli, tiny_results, tmp_path):
    out = tmp_path / "report"
    done = subprocess.run(
        [cli, "report", tiny_results.path, "-o", out], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert {"satisfaction.png", "shops.png", "night.png", "coverage.png"} <= set(pngs)
    assert any(p.startswith("map_") for p in pngs)
    for p in out.glob("*.png"):
        img = mpimg.imread(p)
        assert img.shape[0] > 300 and img.shape[1] > 500 and img.std() > 0.01, p  # not blank
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "东区" in page and "<img" in page
    # no external resource: every src is inline data, no stylesheet or script links
    assert all(s.startswith("data:image/png;base64,") for s in re.findall(r"src='([^']*)'", page))
    assert not re.search(r"(href|src)=['\"]?https?://", page)
    for name in ("summary.csv", "gaps.csv", "district_years.csv"):
        assert (out / name).stat().st_size > 0


def test_report_errors_exit_non_zero_with_a_message(cli, tiny_results, tmp_path):
    done = subprocess.run(
        [cli, "report", tiny_results.path, "-o", tmp_path / "r", "--map", "Nowhere"],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "no district named 'Nowhere'" in done.stderr
    done = subprocess.run(
        [cli, "report", tmp_path / "missing.h5", "-o", tmp_path / "r"], capture_output=True, text=True
    )
    assert done.returncode != 0 and "missing.h5" in done.stderr


def test_report_lists_the_projects_the_plan_opened(tmp_path):
    import pandas as pd

    import lifecircle as lc
    from conftest import TINY
    from lifecircle.report import write_report

    sc = lc.Scenario.load(TINY).with_project_lists(districts=["东区"])
    res = lc.run(sc, until="2024-12-31", progress=False)
    assert len(res.projects) > 0
    page = write_report(res, tmp_path / "r").read_text(encoding="utf-8")
    listed = pd.read_csv(tmp_path / "r" / "projects.csv")
    assert len(listed) == len(res.projects) and set(listed.category) == set(res.projects.category)
    section = page[page.index("Project lists") : page.index("Gap lists")]
    for p in res.projects.itertuples():  # each project a row: its category, opening date, cost
        assert f"<td>{p.category}</td><td>{p.date.date()}</td><td>{p.site}</td>" in section
    # a run without a list says so, and how to draw one
    plain = write_report(lc.run(TINY, until="2024-02-29", progress=False), tmp_path / "p")
    assert "held no project list" in plain.read_text(encoding="utf-8")
