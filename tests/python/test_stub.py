"""The type stub of the compiled module (bindings/lifecircle/_core.pyi) matches the module."""

import subprocess
import sys

from conftest import ROOT


def test_core_stub_is_up_to_date(tmp_path):
    # An outdated stub misleads editors and type checkers about the C++ API; regenerate with
    # `pybind11-stubgen lifecircle._core -o bindings` (PYTHONPATH=build/dev/python).
    done = subprocess.run(
        [sys.executable, "-m", "pybind11_stubgen", "lifecircle._core", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    fresh = (tmp_path / "lifecircle" / "_core.pyi").read_text()
    assert fresh == (ROOT / "bindings" / "lifecircle" / "_core.pyi").read_text()
