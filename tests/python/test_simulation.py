"""The simulation through the CLI and its results file (mirrors tests/cpp/test_simulation.cpp)."""

import signal
import subprocess
import time

import h5py
import numpy as np

from conftest import ROOT, datasets, same_datasets

TINY = ROOT / "configs" / "tiny.toml"


def run(cli, out, *args):
    done = subprocess.run(
        [cli, *args, "run", TINY, "-q", "-o", out, "--until", "2024-04-30"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_identical_results_on_1_and_2_threads_and_for_the_same_seed(cli, tmp_path):
    run(cli, tmp_path / "one.h5", "--threads", "1")
    run(cli, tmp_path / "two.h5", "--threads", "2")
    a, b = datasets(tmp_path / "one.h5"), datasets(tmp_path / "two.h5")
    assert a.keys() == b.keys() and len(a) > 30
    for name in a:
        assert np.array_equal(a[name], b[name]), name
    with h5py.File(tmp_path / "two.h5") as f:
        assert f.attrs["threads"] == 2 and "[simulation]" in f.attrs["scenario_text"]
    with h5py.File(tmp_path / "one.h5") as f:
        assert f.attrs["threads"] == 1


def test_every_need_is_served_delivered_or_unmet_and_revenue_equals_spending(cli, tmp_path):
    out = run(cli, tmp_path / "r.h5")
    assert "东区" in out and "satisfied" in out
    d = datasets(tmp_path / "r.h5")
    dm = {k.split("/")[1]: v for k, v in d.items() if k.startswith("district_month/")}
    assert np.array_equal(dm["needs"], dm["served"] + dm["delivered"] + dm["unmet"])
    assert d["facility_month/revenue_fen"].sum() == dm["spend_fen"].sum() > 0
    assert np.all(
        (dm["survey_low"] <= dm["survey_satisfied"] / dm["survey_n"])
        & (dm["survey_satisfied"] / dm["survey_n"] <= dm["survey_high"])
    )


def test_bad_until_and_bad_config_fail_cleanly(cli, tmp_path):
    out = subprocess.run(
        [cli, "run", TINY, "-q", "-o", tmp_path / "x.h5", "--until", "2024-13-01"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "--until" in out.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.read_text(encoding="utf-8").replace("seed = 7", "seed = -7"), encoding="utf-8")
    out = subprocess.run([cli, "run", bad, "-q", "-o", tmp_path / "y.h5"], capture_output=True, text=True)
    assert out.returncode == 2 and "simulation.seed" in out.stderr
    assert not (tmp_path / "x.h5").exists() and not (tmp_path / "y.h5").exists()


def long_town(tmp_path):
    """The tiny town with thirty times the residents, to 2035: seconds long, so that it can be
    stopped mid-run on any machine (each test waits for a sign of life, not for a time)."""
    text = TINY.read_text(encoding="utf-8")
    text = text.replace("end = 2025-12-31", "end = 2035-12-31")
    text = text.replace("population = 1200", "population = 36000").replace(
        "population = 800", "population = 24000"
    )
    path = tmp_path / "long.toml"
    path.write_text(text, encoding="utf-8")
    return path


def start(cli, config, out, *args):
    return subprocess.Popen(
        [cli, "run", config, "-q", "-o", out, *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(path, proc, seconds=120, changes=0):
    """Waits until `path` exists and has been replaced `changes` more times."""
    deadline = time.monotonic() + seconds
    seen, last = -1, None
    while seen < changes:
        assert proc.poll() is None, "the run ended before it could be stopped"
        assert time.monotonic() < deadline, f"{path.name}: not there, or not replaced, after {seconds} s"
        stamp = path.stat().st_mtime_ns if path.exists() else None
        if stamp is not None and stamp != last:
            seen, last = seen + 1, stamp
        time.sleep(0.002)


def test_a_run_killed_after_a_checkpoint_resumes_to_the_results_of_one_never_stopped(cli, tmp_path):
    config = long_town(tmp_path)
    ckpt = tmp_path / "killed.h5.ckpt"
    proc = start(cli, config, tmp_path / "killed.h5", "--checkpoint-every", 1, "--threads", 2)
    try:
        wait_for(ckpt, proc, changes=3)  # a few months in: the kill falls at an arbitrary point
    finally:
        proc.kill()  # SIGKILL: no handler runs
        proc.wait(timeout=60)
    assert not (tmp_path / "killed.h5").exists()
    import lifecircle as lc

    until = f"{int(lc._core.checkpoint_info(str(ckpt))['day'][:4]) + 1}-12-31"  # the rest of the next year
    whole = subprocess.run(
        [cli, "run", config, "-q", "-o", tmp_path / "whole.h5", "--threads", "2", "--until", until],
        timeout=600,
    )
    assert whole.returncode == 0
    done = subprocess.run(
        [
            cli,
            "run",
            "-q",
            "-o",
            tmp_path / "resumed.h5",
            "--resume",
            ckpt,
            "--threads",
            "1",
            "--until",
            until,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert same_datasets(tmp_path / "whole.h5", tmp_path / "resumed.h5")


def test_a_kill_during_checkpoint_writes_leaves_the_previous_checkpoint_usable(cli, tmp_path):
    # monthly checkpoints are written often: kill at several points after some were written;
    # each time the file at the checkpoint's path must be a whole checkpoint
    import lifecircle as lc

    config = long_town(tmp_path)
    ckpt = tmp_path / "k.h5.ckpt"
    for changes, extra in ((0, 0.0), (1, 0.001), (2, 0.003), (3, 0.007), (5, 0.013)):
        proc = start(cli, config, tmp_path / "k.h5", "--checkpoint-every", 1)
        try:
            wait_for(ckpt, proc, changes=changes)
            time.sleep(extra)
        finally:
            proc.kill()
            proc.wait(timeout=60)
        info = lc._core.checkpoint_info(str(ckpt))
        assert info["day"].endswith(("-28", "-29", "-30", "-31"))
    until = f"{int(info['day'][:4])}-12-31"
    done = subprocess.run(
        [cli, "run", "-q", "-o", tmp_path / "r.h5", "--resume", ckpt, "--until", until],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def test_sigterm_and_sigint_stop_with_a_last_checkpoint_or_nothing_and_the_documented_status(cli, tmp_path):
    config = long_town(tmp_path)
    out, ckpt = tmp_path / "t.h5", tmp_path / "t.h5.ckpt"
    proc = start(cli, config, out, "--checkpoint-every", 1)
    wait_for(ckpt, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "stopped by signal 15" in err.decode() and "--resume" in err.decode()
    assert ckpt.exists() and not out.exists()
    # without checkpoints a stop writes nothing at all
    proc = start(cli, config, out)
    time.sleep(0.5)  # past start-up (the handler is set before the world is built)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGINT and "no results written" in err.decode()
    assert not out.exists() and not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
