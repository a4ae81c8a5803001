"""The CLI: import-osm and reach, and its handling of bad input (exit code, message, no file)."""

import subprocess

import pytest


def run(cli, *args):
    return subprocess.run([cli, *map(str, args)], capture_output=True, text=True, timeout=120)


def test_example_prints_a_coverage_table(cli):
    out = run(cli, "example", "--side", "30")
    assert out.returncode == 0, out.stderr
    assert "grocery" in out.stdout and "<=15 min" in out.stdout


def test_import_osm_then_reach(cli, helsinki_pbf, tmp_path):
    city = tmp_path / "helsinki.h5"
    out = run(cli, "import-osm", helsinki_pbf, "-o", city)
    assert out.returncode == 0, out.stderr
    assert city.exists() and "network:" in out.stdout
    out = run(cli, "reach", city, "--k", "3", "--max-minutes", "15")
    assert out.returncode == 0, out.stderr
    assert "grocery" in out.stdout and "transit" in out.stdout


@pytest.mark.parametrize("content, message", [
    (b"garbage bytes, not a pbf", "cannot read"),
    (b"", "cannot read"),
])
def test_corrupt_pbf_fails_cleanly_and_leaves_no_output(cli, tmp_path, content, message):
    src = tmp_path / "bad.osm.pbf"
    src.write_bytes(content)
    dst = tmp_path / "out.h5"
    out = run(cli, "import-osm", src, "-o", dst)
    assert out.returncode == 2
    assert "bad.osm.pbf" in out.stderr and message in out.stderr
    assert "Traceback" not in out.stderr and "terminate" not in out.stderr
    assert list(tmp_path.iterdir()) == [src]  # no output, no temporary left behind


def test_truncated_pbf_fails_cleanly(cli, helsinki_pbf, tmp_path):
    cut = tmp_path / "cut.osm.pbf"
    data = helsinki_pbf.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    out = run(cli, "import-osm", cut, "-o", tmp_path / "out.h5")
    assert out.returncode == 2 and "cut.osm.pbf" in out.stderr
    assert not (tmp_path / "out.h5").exists()


def test_bad_category_mapping_names_file_and_line(cli, helsinki_pbf, tmp_path):
    mapping = tmp_path / "cats.toml"
    mapping.write_text('[grocery]\ntags = ["shop"]\n')
    out = run(cli, "import-osm", helsinki_pbf, "-o", tmp_path / "out.h5", "--categories", mapping)
    assert out.returncode == 2
    assert "cats.toml:2" in out.stderr and "key=value" in out.stderr


def test_reach_refuses_a_file_that_is_not_a_city(cli, tmp_path):
    bogus = tmp_path / "bogus.h5"
    bogus.write_text("hello")
    out = run(cli, "reach", bogus)
    assert out.returncode == 2 and "bogus.h5" in out.stderr
    out = run(cli, "reach", tmp_path / "missing.h5")
    assert out.returncode != 0 and "missing.h5" in out.stderr
    out = run(cli, "example", "--k", "0")
    assert out.returncode != 0 and "--k" in out.stderr
