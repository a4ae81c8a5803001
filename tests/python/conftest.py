"""Shared fixtures: small hand-built networks, the shared real data, the CLI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"
TINY = ROOT / "configs" / "tiny.toml"
UNTIL = "2024-04-30"  # a short run of the tiny town


def datasets(path) -> dict:
    """Every dataset of an HDF5 file by its path (for comparing results files)."""
    import h5py

    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def same_datasets(a, b) -> bool:
    """Whether two results files hold the same datasets, value for value."""
    da, db = datasets(a), datasets(b)
    return da.keys() == db.keys() and all(np.array_equal(da[k], db[k]) for k in da)


def damaged_copies(path, folder):
    """For every stored dataset of an HDF5 file, numbers and strings: (its name, a copy of the
    file with bytes flipped in the middle of its first stored chunk). Empty datasets store no
    bytes and are left out."""
    import h5py

    places = []
    with h5py.File(path) as f:

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.size > 0:
                assert obj.chunks, f"{name}: every stored dataset is chunked and checksummed"
                info = obj.id.get_chunk_info(0)
                places.append((name, info.byte_offset + info.size // 2))

        f.visititems(visit)
    data = Path(path).read_bytes()
    Path(folder).mkdir(parents=True, exist_ok=True)
    for name, at in places:
        copy = Path(folder) / (name.replace("/", "_") + ".h5")
        damaged = bytearray(data)
        damaged[at] ^= 0xFF
        damaged[at + 1 if at + 1 < len(damaged) else at - 1] ^= 0x5A
        copy.write_bytes(bytes(damaged))
        yield name, copy


@pytest.fixture(scope="session")
def tiny_results(tmp_path_factory):
    """The tiny scenario over its whole period (2024-2025), run once for the session."""
    import lifecircle as lc

    return lc.run(TINY, progress=False, output=tmp_path_factory.mktemp("tiny") / "tiny.h5")


def line_network(n, edges, keep_largest_component=False):
    """Nodes 0..n-1 on a line 10 m apart; edges as (from, to, length) triples."""
    import lifecircle as lc

    nodes = pd.DataFrame({"x": np.arange(n) * 10.0, "y": np.zeros(n)})
    e = pd.DataFrame(edges, columns=["from", "to", "length"])
    return lc.WalkNetwork(
        nodes.x, nodes.y, e["from"], e["to"], e["length"], keep_largest_component=keep_largest_component
    )


@pytest.fixture
def helsinki_pbf() -> Path:
    path = SHARED_DATA / "helsinki_centre.osm.pbf"
    if not path.exists():
        pytest.skip("../shared/data is absent (a user's own clone): real-data test skipped")
    return path


@pytest.fixture(scope="session", autouse=True)
def spinup_cache_of_the_session(tmp_path_factory) -> Path:
    """The spin-up cache (on by default) in a folder of the test session's own, not the user's;
    CLI processes and run_many's workers inherit it."""
    folder = tmp_path_factory.mktemp("spinup-cache")
    os.environ["LIFECIRCLE_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def cli() -> str:
    """Path of the lifecircle CLI: $LIFECIRCLE_CLI, else the one on PATH."""
    path = os.environ.get("LIFECIRCLE_CLI") or shutil.which("lifecircle")
    if not path:
        pytest.fail("lifecircle CLI not found: set LIFECIRCLE_CLI or install the package")
    return path
