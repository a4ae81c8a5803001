"""Every notebook in notebooks/ executes without error (small settings: LIFECIRCLE_SMALL=1)."""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, SHARED_DATA

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_six_notebooks_with_outputs_stripped():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06"]
    for p in NOTEBOOKS:
        nb = nbformat.read(p, as_version=4)
        assert all(
            not c.get("outputs") and c.get("execution_count") is None
            for c in nb.cells
            if c.cell_type == "code"
        ), f"{p.name}: outputs are not stripped"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, monkeypatch):
    if path.name.startswith("04") and not (SHARED_DATA / "helsinki_centre.osm.pbf").exists():
        pytest.skip("../shared/data is absent: the real-city notebook needs it")
    monkeypatch.setenv("LIFECIRCLE_SMALL", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    # the notebook produced what it is for: every code cell ran
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    assert os.environ["LIFECIRCLE_SMALL"] == "1"
