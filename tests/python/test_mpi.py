"""One run over MPI ranks (sim/ranks.hpp): the same datasets as one process on any number of
ranks and threads, and clear failures. Skipped when the CLI was built without MPI or mpirun
is missing (the suite then runs as on a machine without Open MPI)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import pytest

import lifecircle as lc
from conftest import TINY, same_datasets

ENV = {
    **os.environ,
    # Open MPI refuses root unless told (CI runs as root in a container)
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
}
TIMEOUT = 300


@pytest.fixture(scope="module")
def mpirun(cli):
    path = shutil.which("mpirun")
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout
    if not path or "with MPI" not in version:
        pytest.skip("built without MPI or no mpirun (Open MPI: scripts/setup.sh installs it)")
    return path


def _on(mpirun, ranks, *args):
    """mpirun's command line: `ranks` processes, not bound to a core each (so that a rank's
    --threads get cores of their own)."""
    return [mpirun, "--bind-to", "none", "-n", str(ranks), *map(str, args)]


def _run(args, timeout=TIMEOUT):
    return subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=timeout)


def test_results_are_identical_on_1_to_4_ranks_with_1_and_2_threads(cli, mpirun, tmp_path):
    alone = tmp_path / "alone.h5"
    r = _run([cli, "run", str(TINY), "-o", str(alone), "--threads", "2", "-q"])
    assert r.returncode == 0, r.stderr
    for ranks in (1, 2, 3, 4):
        for threads in (1, 2):
            out = tmp_path / f"r{ranks}t{threads}.h5"
            r = _run(_on(mpirun, ranks, cli, "run", TINY, "-o", out, "--threads", threads, "-q"))
            assert r.returncode == 0, r.stderr
            assert same_datasets(alone, out), f"{ranks} ranks x {threads} threads differ from one process"
            res = lc.Results.load(out)
            assert res.attrs["ranks"] == ranks and res.threads == threads
            # only rank 0 writes, and nothing is left behind
            assert sorted(p.name for p in tmp_path.glob(f"r{ranks}t{threads}*")) == [out.name]


def test_a_run_checkpointed_and_resumed_over_ranks_equals_the_run_never_stopped(cli, mpirun, tmp_path):
    alone = tmp_path / "alone.h5"
    assert _run([cli, "run", str(TINY), "-o", str(alone), "-q"]).returncode == 0
    out = tmp_path / "two.h5"
    ckpt = tmp_path / "two.ckpt"
    part = tmp_path / "part.h5"
    r = _run(_on(mpirun, 2, cli, "run", TINY, "-o", part, "--until", "2024-09-30", "--checkpoint-every", 3,
                 "--checkpoint", ckpt, "-q"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = _run(_on(mpirun, 3, cli, "run", "-o", out, "--resume", ckpt, "--until", "2025-12-31", "-q"))
    assert r.returncode == 0, r.stderr
    assert same_datasets(alone, out)


def test_project_lists_drawn_in_the_run_are_the_same_on_any_ranks(cli, mpirun, tmp_path):
    # every rank draws the same list from the same replicated state (one-threaded HiGHS)
    planned = tmp_path / "planned.toml"
    planned.write_text(lc.Scenario.load(TINY).with_project_lists().text, encoding="utf-8")
    alone = tmp_path / "alone.h5"
    assert _run([cli, "run", planned, "-o", alone, "-q"]).returncode == 0
    assert len(lc.Results.load(alone).projects) > 0
    for ranks in (2, 3):
        out = tmp_path / f"r{ranks}.h5"
        r = _run(_on(mpirun, ranks, cli, "run", planned, "-o", out, "--threads", 1, "-q"))
        assert r.returncode == 0, r.stderr
        assert same_datasets(alone, out), f"{ranks} ranks differ from one process"


def test_more_ranks_than_residents_is_a_clear_error_on_every_rank(cli, mpirun, tmp_path):
    few = lc.Scenario.load(TINY).with_scale(0.002)
    path = tmp_path / "few.toml"
    path.write_text(few.text, encoding="utf-8")
    out = tmp_path / "few.h5"
    r = _run(_on(mpirun, 8, cli, "run", path, "-o", out, "-q"), timeout=120)
    assert r.returncode != 0
    assert "ranks for" in r.stderr and "run on at most" in r.stderr
    assert not out.exists() and list(tmp_path.glob("few.h5*")) == []


def test_an_unwritable_output_on_rank_0_stops_every_rank_before_the_run(cli, mpirun, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker / "out.h5"
    start = time.monotonic()
    r = _run(_on(mpirun, 2, cli, "run", "-o", out, "-q"), timeout=120)  # else the whole Yunfu run
    assert r.returncode != 0
    assert "cannot write into" in r.stderr and "rank 1 of 2" in r.stderr
    assert time.monotonic() - start < 60, "it must stop before simulating"


def test_a_rank_that_dies_stops_the_run_without_a_results_file(cli, mpirun, tmp_path):
    out = tmp_path / "yunfu.h5"
    proc = subprocess.Popen(
        _on(mpirun, 2, cli, "run", "-o", out, "--threads", 1, "-q"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        ranks = []
        deadline = time.monotonic() + 60
        while len(ranks) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
            found = subprocess.run(
                ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
            ).stdout.split()
            ranks = [int(p) for p in found]
        assert len(ranks) == 2, "mpirun did not start two ranks"
        time.sleep(3)  # into the world build or the day loop
        os.kill(ranks[1], signal.SIGKILL)
        _, err = proc.communicate(timeout=120)  # no hang: the other rank is stopped too
        assert proc.returncode != 0
        assert not out.exists() and list(tmp_path.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_the_spin_up_cache_over_ranks_reads_what_one_process_kept(cli, mpirun, tmp_path):
    # a spin-up kept by one process is read by 2 ranks, one kept by 2 ranks by 3 ranks and by
    # one process; every run's datasets equal the run that simulated its spin-up
    sc = lc.Scenario.load(TINY).with_spin_up(3)
    config = tmp_path / "tiny-spin-up.toml"
    config.write_text(sc.text)
    env = {**ENV, "LIFECIRCLE_CACHE_DIR": str(tmp_path / "cache")}

    def run(out, *prefix):
        r = subprocess.run(
            [*map(str, prefix), cli, "run", str(config), "-o", str(tmp_path / out), "--until", "2024-06-30"],
            capture_output=True, text=True, env=env, timeout=TIMEOUT,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        return "(from the cache)" in r.stdout

    assert not run("off.h5", "env", "LIFECIRCLE_SPINUP_CACHE=0")
    assert not run("one.h5")  # simulated and kept
    assert run("two.h5", mpirun, "--bind-to", "none", "-n", 2)
    assert same_datasets(tmp_path / "off.h5", tmp_path / "two.h5")
    shutil.rmtree(tmp_path / "cache")
    assert not run("two-cold.h5", mpirun, "--bind-to", "none", "-n", 2)  # simulated, kept by rank 0
    assert [p.name for p in (tmp_path / "cache").rglob("*.h5") if ".part-" in p.name] == []
    assert run("three.h5", mpirun, "--bind-to", "none", "-n", 3)
    assert run("one-warm.h5")
    for out in ("one.h5", "two-cold.h5", "three.h5", "one-warm.h5"):
        assert same_datasets(tmp_path / "off.h5", tmp_path / out), out
