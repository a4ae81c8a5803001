"""Ensembles on a Dask cluster (lc.run_many / compare / sweep with executor=): a real scheduler
and two workers, each its own process started with the `dask` command line on 127.0.0.1,
always stopped at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY

UNTIL = "2024-06-30"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dask_client(tmp_path_factory):
    distributed = pytest.importorskip("distributed")
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.fail(f"{dask}: the dask command line (PyPI's distributed) is missing")
    folder = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = open(folder / "dask.log", "w")  # noqa: SIM115 (closed below)
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    client = None
    try:
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--local-directory",
                        str(folder / f"w{i}"),
                        "--name",
                        f"w{i}",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=os.environ.copy(),  # PYTHONPATH: the build's lifecircle package
                )  # fmt: skip
            )
        client = distributed.Client(address, timeout=60)
        client.wait_for_workers(2, timeout=90)
        yield client
    finally:
        if client is not None:
            client.close()
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        log.close()


def _variants():
    return {
        "base": lambda s: s,
        "rent": lambda s: s.with_subsidy("breakfast", rent_cut=0.5),
    }


def test_a_sweep_on_a_dask_cluster_gives_the_local_table(dask_client, tmp_path):
    from distributed import get_task_stream

    local = lc.sweep(TINY, _variants(), runs=2, until=UNTIL, progress=False)
    with get_task_stream(dask_client) as tasks:
        remote = lc.sweep(
            TINY, _variants(), runs=2, until=UNTIL, progress=False, executor=dask_client.get_executor()
        )
    pd.testing.assert_frame_equal(remote, local)
    # the runs went to the cluster, and both workers took some
    ran = [t for t in tasks.data if "_run_on_worker" in t["key"]]
    assert len(ran) == 4 and len({t["worker"] for t in ran}) == 2
    # the other way back: workers write to storage the caller shares
    shared = tmp_path / "shared"
    by_path = lc.sweep(
        TINY,
        _variants(),
        runs=2,
        until=UNTIL,
        progress=False,
        executor=dask_client.get_executor(),
        transfer="path",
        output_dir=shared,
    )
    pd.testing.assert_frame_equal(by_path, local)
    assert len(list(shared.glob("run-*.h5"))) == 4


def test_compare_on_a_dask_cluster_and_errors(dask_client, tmp_path):
    sc = lc.Scenario.load(TINY)
    local = lc.compare({"a": sc}, runs=2, until=UNTIL, progress=False)
    remote = lc.compare({"a": sc}, runs=2, until=UNTIL, progress=False, executor=dask_client.get_executor())
    pd.testing.assert_frame_equal(remote, local)
    with pytest.raises(lc.ArgumentError, match="output_dir"):
        lc.run_many([sc], executor=dask_client.get_executor(), transfer="path")
    with pytest.raises(lc.ArgumentError, match="transfer"):
        lc.run_many([sc], executor=dask_client.get_executor(), transfer="ftp")
    # a worker's error comes back as itself
    with pytest.raises(lc.ArgumentError, match="until"):
        lc.run_many([sc], until="1999-01-01", executor=dask_client.get_executor(), progress=False)


def test_an_ensemble_on_a_dask_cluster_gives_the_local_runs_and_chances(dask_client, tmp_path):
    from conftest import same_datasets

    ranges = {"couriers_per_10k": (1.5, 6.0), "order_share": (0.4, 0.8)}
    options = dict(runs=3, seed=5, until="2024-12-31", progress=False)
    local = lc.ensemble(TINY, ranges, processes=2, output_dir=tmp_path / "local", **options)
    remote = lc.ensemble(
        TINY, ranges, executor=dask_client.get_executor(), output_dir=tmp_path / "remote", **options
    )
    assert remote.design.equals(local.design)
    assert all(same_datasets(a.path, b.path) for a, b in zip(local.runs, remote.runs))
    pd.testing.assert_frame_equal(remote.chance(0.6), local.chance(0.6))
