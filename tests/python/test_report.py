"""Plots and `lifecircle report`: charts have their axes, units and Chinese names; the HTML
needs no network."""

from __future__ import annotations

import re
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import lifecircle as lc  # noqa: E402
from conftest import ROOT  # noqa: E402
from lifecircle.plot import compare as plot_compare  # noqa: E402
from lifecircle.plot import use_cjk_font  # noqa: E402

TINY = ROOT / "configs" / "tiny.toml"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return lc.run(TINY, progress=False, output=tmp_path_factory.mktemp("rep") / "tiny.h5")


def test_a_cjk_font_is_configured_so_chinese_names_render():
    # Without a CJK font matplotlib draws 东区 as empty boxes: the font must be found.
    name = use_cjk_font()
    assert name is not None and "CJK" in name or name in ("WenQuanYi Zen Hei", "SimHei")
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=[name]), fallback_to_default=False)
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    assert font.get_char_index(ord("东")) != 0  # the glyph exists in that font


def test_plots_have_labelled_axes_and_chinese_district_names(results):
    figs = {
        "satisfaction": results.plot.satisfaction(survey=True),
        "shops": results.plot.shops(),
        "night": results.plot.night(),
        "coverage": results.plot.coverage(),
        "map": results.plot.map("东区", category="breakfast"),
    }
    for name, fig in figs.items():
        ax = fig.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel(), name
        texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
        assert any("东区" in t for t in texts), (name, texts[:10])
        plt.close(fig)
    sat = results.plot.satisfaction()
    assert "%" in sat.axes[0].get_ylabel()
    # the 90% target line is drawn
    assert any(
        abs(line.get_ydata()[0] - 90) < 1e-9 for line in sat.axes[0].get_lines() if len(line.get_ydata()) == 2
    )
    plt.close("all")


def test_comparison_chart_draws_one_bar_per_run_and_district(results):
    table = lc.compare({"a": results, "b": lc.Results.load(results.path, label="b")}, progress=False)
    fig = plot_compare(table, "satisfaction")
    assert len(fig.axes[0].patches) == 2 * 2
    plt.close(fig)


def test_report_writes_readable_pngs_and_a_self_contained_html(cli, results, tmp_path):
    out = tmp_path / "report"
    done = subprocess.run(
        [cli, "report", results.path, "-o", out], capture_output=True, text=True, timeout=300
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


def test_report_errors_exit_non_zero_with_a_message(cli, results, tmp_path):
    done = subprocess.run(
        [cli, "report", results.path, "-o", tmp_path / "r", "--map", "Nowhere"],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "no district named 'Nowhere'" in done.stderr
    done = subprocess.run(
        [cli, "report", tmp_path / "missing.h5", "-o", tmp_path / "r"], capture_output=True, text=True
    )
    assert done.returncode != 0 and "missing.h5" in done.stderr
