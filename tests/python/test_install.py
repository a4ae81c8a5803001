"""Installing the package (pyproject.toml, lifecircle/_extras.py): the core imports no
optional package, and a missing extra is named in the error, from Python and the command line.

A missing package is simulated by ``sys.modules[name] = None``, which makes its import fail
as if it were not installed. The wheel itself is tested by scripts/wheel.sh (too slow here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import lifecircle as lc
from conftest import ROOT, TINY
from lifecircle import gis
from lifecircle._extras import MissingExtraError, require

#: Every top-level module of the extras in pyproject.toml, and what pulls in the rest.
OPTIONAL = {"optuna", "highspy", "geopandas", "pyogrio", "pyproj", "shapely", "dask", "distributed", "scipy"}
OPTIONAL |= {"selenium", "sqlalchemy", "alembic", "geocoordinates_ffi", "rasterio", "openpyxl"}


def test_import_lifecircle_imports_no_optional_package():
    code = (
        "import json, sys; import lifecircle; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(OPTIONAL)!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ.copy()
    )
    assert json.loads(out.stdout) == []


def test_require_returns_the_module_and_names_the_extra_when_it_is_missing(monkeypatch):
    assert require("json", "none", "a test") is json
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(
        MissingExtraError, match=r"a test needs optuna .*pip install 'lifecircle\[optimize\]'"
    ):
        require("optuna", "optimize", "a test")
    assert issubclass(MissingExtraError, ImportError)  # `except ImportError` still catches it


def test_optimize_without_optuna_names_the_optimize_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "optuna", None)
    sc = lc.Scenario.load(TINY)
    with pytest.raises(ImportError, match=r"lc\.optimize needs optuna.*lifecircle\[optimize\]"):
        lc.optimize(sc, list(sc.districts.name[:1]), trials=1)


@pytest.mark.parametrize("missing", ["geopandas", "pyogrio", "shapely"])
def test_gis_export_without_its_packages_names_the_gis_extra(
    monkeypatch, tiny_results, tmp_path, capsys, missing
):
    # the real packages imported first: pyogrio notes at its import whether geopandas is
    # there, and a first import while geopandas is hidden would break the later GIS tests
    for name in ("geopandas", "pyogrio", "shapely"):
        pytest.importorskip(name)
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(ImportError, match=rf"GIS export needs .*{missing}.*lifecircle\[gis\]"):
        tiny_results.export(tmp_path / "tiny.gpkg")
    # the command line: an error line and status 1, no traceback and no file
    assert gis.main([str(tiny_results.path), "-o", str(tmp_path / "tiny.gpkg")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lifecircle export: error: GIS export needs") and "lifecircle[gis]" in err
    assert "Traceback" not in err and not list(tmp_path.iterdir())


def test_summarize_and_difference_without_scipy_name_the_stats_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.stats", None)
    table = pd.DataFrame(
        {"label": ["a", "b"], "district": ["x", "x"], "pinyin": ["x", "x"], "year": [2024] * 2}
    )
    table["satisfaction"] = [0.5, 0.6]
    with pytest.raises(ImportError, match=r"lc\.summarize needs scipy.*lifecircle\[stats\]"):
        lc.summarize(table)
    with pytest.raises(ImportError, match=r"lc\.difference needs scipy.*lifecircle\[stats\]"):
        lc.difference(table, "a", "b")


def test_the_launcher_runs_the_cli_inside_the_package_with_its_own_python(tmp_path):
    """bindings/launcher.py, installed as the `lifecircle` command: finds the package without
    importing it, and runs its _bin/lifecircle with LIFECIRCLE_PYTHON set to this interpreter."""
    (tmp_path / "site" / "lifecircle" / "_bin").mkdir(parents=True)
    (tmp_path / "site" / "lifecircle" / "__init__.py").write_text("raise SystemExit('imported')\n")
    cli = tmp_path / "site" / "lifecircle" / "_bin" / "lifecircle"
    cli.write_text('#!/bin/sh\necho "$LIFECIRCLE_PYTHON" "$@"\n')
    cli.chmod(0o755)
    (tmp_path / "bin").mkdir()
    launcher = shutil.copy(ROOT / "bindings" / "launcher.py", tmp_path / "bin" / "lifecircle")
    env = {k: v for k, v in os.environ.items() if k != "LIFECIRCLE_PYTHON"}
    env["PYTHONPATH"] = str(tmp_path / "site")
    out = subprocess.run(
        [sys.executable, launcher, "run", "tiny.toml"], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [sys.executable, "run", "tiny.toml"]
    cli.unlink()
    gone = subprocess.run([sys.executable, launcher, "--version"], env=env, capture_output=True, text=True)
    assert gone.returncode == 1 and "reinstall the lifecircle package" in gone.stderr
