"""The CLI: import-osm and reach, and its handling of bad input (exit code, message, no file)."""

import subprocess

import h5py
import pytest

from conftest import ROOT, damaged_copies


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


@pytest.mark.parametrize(
    "content, message",
    [
        (b"garbage bytes, not a pbf", "cannot read"),
        (b"", "cannot read"),
    ],
)
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


NODES = "id,x,y\n1,0,0\n2,100,0\n3,200,0\n"
EDGES = "from,to,length\n1,2,100\n2,3,100\n"


@pytest.mark.parametrize(
    "nodes, edges, facilities, message",
    [
        (NODES, "from,to\n1,2\n", None, "edges.csv:1: missing column 'length'"),
        (NODES, "from,to,length\n1,2,-5\n", None, "edges.csv:2: column 'length' is -5"),
        (NODES, "from,to,length\n1,2,nan\n", None, "edges.csv:2: column 'length' is nan"),
        (NODES, "from,to,length\n1,9,5\n", None, "edges.csv:2: edge endpoint 9 is not a node id"),
        (NODES, "from,to,length\n", None, "empty network"),
        ("id,x,y\n", EDGES, None, "edges.csv:2: edge endpoint 1"),
        ("id,x\n1,0\n", EDGES, None, "nodes.csv:1: missing column 'y'"),
        ("id,x,y\n1,0,zero\n", EDGES, None, "nodes.csv:2: column 'y' is 'zero'; expected a number"),
        (NODES, EDGES, "x,y\n1,2\n", "facilities.csv:1: missing column 'category'"),
        (NODES, EDGES, "x,y,category\n1,,shop\n", "facilities.csv:2: column 'y' is ''"),
    ],
)
def test_bad_csv_fails_cleanly_naming_file_and_line(cli, tmp_path, nodes, edges, facilities, message):
    (tmp_path / "nodes.csv").write_text(nodes)
    (tmp_path / "edges.csv").write_text(edges)
    args = [
        "import-csv",
        "--nodes",
        tmp_path / "nodes.csv",
        "--edges",
        tmp_path / "edges.csv",
        "-o",
        tmp_path / "city.h5",
    ]
    if facilities is not None:
        (tmp_path / "facilities.csv").write_text(facilities)
        args += ["--facilities", tmp_path / "facilities.csv"]
    before = set(tmp_path.iterdir())
    out = run(cli, *args)
    assert out.returncode == 2, out.stdout
    assert message in out.stderr
    assert set(tmp_path.iterdir()) == before  # no city file, no temporary


def test_import_csv_then_reach(cli, tmp_path):
    (tmp_path / "nodes.csv").write_text(NODES)
    (tmp_path / "edges.csv").write_text(EDGES)
    (tmp_path / "facilities.csv").write_text("x,y,category,name\n0,5,shop,A\n210,0,school,B\n")
    out = run(
        cli,
        "import-csv",
        "--nodes",
        tmp_path / "nodes.csv",
        "--edges",
        tmp_path / "edges.csv",
        "--facilities",
        tmp_path / "facilities.csv",
        "-o",
        tmp_path / "city.h5",
    )
    assert out.returncode == 0, out.stderr
    out = run(cli, "reach", tmp_path / "city.h5", "--max-minutes", "5", "--speed", "40")
    assert out.returncode == 0, out.stderr
    # shop at node 1: nodes at 0, 100, 200 m -> 0, 2.5, 5 minutes at 40 m/min: all within 5
    shop = next(line for line in out.stdout.splitlines() if line.startswith("shop"))
    assert shop.split()[-1] == "100.0%"
    # a damaged dataset of the city file is named, exit 2 (every numeric dataset is checksummed)
    checked = 0
    for name, copy in damaged_copies(tmp_path / "city.h5", tmp_path):
        out = run(cli, "reach", copy)
        assert out.returncode == 2 and f"dataset {name} is damaged" in out.stderr, (name, out.stderr)
        checked += 1
    assert checked >= 8


def test_threads_option_may_follow_the_subcommand(cli):
    out = run(cli, "example", "--side", "20", "--threads", "1")
    assert out.returncode == 0, out.stderr


def many_districts(n: int) -> str:
    """configs/tiny.toml with its two districts replaced by n small ones (and no events)."""
    text = (ROOT / "configs" / "tiny.toml").read_text(encoding="utf-8")
    head = text[: text.index("[[districts]]")]
    district = """[[districts]]
name = "片区{i}"
pinyin = "Pianqu{i}"
streets = ["云城"]
programme_start = 2030
circle_class = "basic"
form = "distributed"
population = 30
age_shares = {{ child = 0.2, working = 0.62, elderly = 0.18 }}
household_size = 3.0
area_km2 = 0.12
baseline = {{ convenience = 1 }}
"""
    return head + "".join(district.format(i=i) for i in range(n)) + '\n[network]\nsource = "synthetic"\n'


def test_a_national_count_of_districts_validates_and_runs(cli, tmp_path):
    # 374 districts: more than the 255 of 8-bit ids; validate and run must agree that it is valid
    config = tmp_path / "many.toml"
    config.write_text(many_districts(374), encoding="utf-8")
    out = run(cli, "validate", config)
    assert out.returncode == 0, out.stderr
    assert "374 district(s)" in out.stdout
    res = tmp_path / "many.h5"
    out = run(cli, "run", config, "-o", res, "--until", "2024-01-31", "--threads", "2")
    assert out.returncode == 0, out.stderr
    with h5py.File(res) as f:
        # every district has its month's row, and residents' district ids reach past 255
        assert sorted(set(f["district_month/district"][()])) == list(range(374))
        assert f["residents/district"][()].max() == 373


def test_too_many_districts_are_refused_alike_by_validate_and_run(cli, tmp_path):
    config = tmp_path / "too_many.toml"
    config.write_text(many_districts(65536), encoding="utf-8")
    outs = [run(cli, "validate", config), run(cli, "run", config, "-o", tmp_path / "x.h5")]
    for out in outs:
        assert out.returncode == 2, out.stderr
        assert "districts: 65536 districts: expected at most 65535" in out.stderr
    assert outs[0].stderr == outs[1].stderr
    assert not (tmp_path / "x.h5").exists()
