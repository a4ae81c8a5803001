"""Plots (lifecircle/plot.py): charts have their axes, units and Chinese district names."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import lifecircle as lc  # noqa: E402
from lifecircle.plot import compare as plot_compare  # noqa: E402
from lifecircle.plot import use_cjk_font  # noqa: E402


def test_a_cjk_font_is_configured_so_chinese_names_render():
    # Without a CJK font matplotlib draws 东区 as empty boxes: the font must be found.
    name = use_cjk_font()
    assert name is not None and "CJK" in name or name in ("WenQuanYi Zen Hei", "SimHei")
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=[name]), fallback_to_default=False)
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    assert font.get_char_index(ord("东")) != 0  # the glyph exists in that font


def test_plots_have_labelled_axes_and_chinese_district_names(tiny_results):
    figs = {
        "satisfaction": tiny_results.plot.satisfaction(survey=True),
        "shops": tiny_results.plot.shops(),
        "night": tiny_results.plot.night(),
        "coverage": tiny_results.plot.coverage(),
        "map": tiny_results.plot.map("东区", category="breakfast"),
    }
    for name, fig in figs.items():
        ax = fig.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel(), name
        texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
        assert any("东区" in t for t in texts), (name, texts[:10])
        plt.close(fig)
    sat = tiny_results.plot.satisfaction()
    assert "%" in sat.axes[0].get_ylabel()
    # the 90% target line is drawn
    assert any(
        abs(line.get_ydata()[0] - 90) < 1e-9 for line in sat.axes[0].get_lines() if len(line.get_ydata()) == 2
    )
    plt.close("all")


def test_comparison_chart_draws_one_bar_per_run_and_district(tiny_results):
    table = lc.compare(
        {"a": tiny_results, "b": lc.Results.load(tiny_results.path, label="b")}, progress=False
    )
    fig = plot_compare(table, "satisfaction")
    assert len(fig.axes[0].patches) == 2 * 2
    plt.close(fig)
