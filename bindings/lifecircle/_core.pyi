"""
lifecircle's C++ core (private: use the lifecircle package)
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['AGE_GROUPS', 'ArgumentError', 'BUILTIN_YUNFU_NAME', 'ConfigError', 'FACILITY_ORIGINS', 'InputError', 'MAX_CATEGORIES', 'MAX_DISTRICTS', 'WalkNetwork', 'World', 'builtin_yunfu_text', 'check_seal', 'checkpoint_info', 'haversine', 'import_osm', 'read_city', 'results_columns', 'run', 'seal_file', 'set_max_threads', 'unseal_file', 'validate_scenario']
class InputError(ValueError):
    pass
class ConfigError(InputError):
    pass
class ArgumentError(ValueError):
    pass
class WalkNetwork:
    @staticmethod
    def from_csv(nodes_path: str, edges_path: str, keep_largest_component: bool = True) -> WalkNetwork:
        ...
    def __init__(self, node_ids: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], y: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], edge_from: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], edge_to: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], edge_length: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], keep_largest_component: bool = True, source: str = 'arrays') -> None:
        ...
    def greedy_sites(self, candidates: typing.Annotated[numpy.typing.ArrayLike, numpy.uint32], weights: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], covered: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], ring: typing.SupportsFloat | typing.SupportsIndex, count: typing.SupportsInt | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.uint32], numpy.typing.NDArray[numpy.float64]]:
        """
        Greedy maximal coverage: up to `count` sites among candidate nodes, each bringing the most weight not yet covered within `ring` metres; returns (nodes, gains).
        """
    def reach(self, facility_nodes: typing.Annotated[numpy.typing.ArrayLike, numpy.uint32], k: typing.SupportsInt | typing.SupportsIndex, max_distance: typing.SupportsFloat | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.int32]]:
        """
        k nearest facilities per node within max_distance metres: (distances [n, k], facility indices [n, k]); +inf and -1 where fewer are reachable.
        """
    def reach_many(self, facility_nodes: collections.abc.Sequence[collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]], k: typing.SupportsInt | typing.SupportsIndex, max_distance: typing.SupportsFloat | typing.SupportsIndex) -> list:
        """
        reach() for several categories at once, in parallel.
        """
    def snap(self, x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], y: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> tuple[numpy.typing.NDArray[numpy.uint32], numpy.typing.NDArray[numpy.float64]]:
        """
        Nearest node index and straight-line distance (m) of points.
        """
    @property
    def edge_from(self) -> numpy.typing.NDArray[numpy.uint32]:
        ...
    @property
    def edge_length(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
    @property
    def edge_to(self) -> numpy.typing.NDArray[numpy.uint32]:
        ...
    @property
    def node_ids(self) -> numpy.typing.NDArray[numpy.int64]:
        ...
    @property
    def num_edges(self) -> int:
        ...
    @property
    def num_nodes(self) -> int:
        ...
    @property
    def report(self) -> dict:
        ...
    @property
    def total_length(self) -> float:
        ...
    @property
    def x(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
    @property
    def y(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
class World:
    def __init__(self, text: str, path: str) -> None:
        ...
    def summary(self) -> list:
        ...
    @property
    def facilities(self) -> dict:
        ...
    @property
    def node_district(self) -> numpy.typing.NDArray[numpy.uint16]:
        ...
    @property
    def node_x(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
    @property
    def node_y(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
    @property
    def num_households(self) -> int:
        ...
    @property
    def num_nodes(self) -> int:
        ...
    @property
    def residents(self) -> dict:
        ...
def builtin_yunfu_text() -> str:
    """
    The text of the built-in default scenario (configs/yunfu.toml).
    """
def check_seal(path: str) -> None:
    """
    Raises InputError naming the file (and the damaged dataset, where the damage is inside one)
    unless the file carries lifecircle's seal over unchanged bytes: city, results and checkpoint
    files are sealed when written (docs/checkpoints.md).
    """
def checkpoint_info(path: str) -> dict:
    """
    What a checkpoint holds: its scenario (text, path), seed, build version and day.
    """
def haversine(lon1: typing.SupportsFloat | typing.SupportsIndex, lat1: typing.SupportsFloat | typing.SupportsIndex, lon2: typing.SupportsFloat | typing.SupportsIndex, lat2: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    Great-circle distance in metres.
    """
def import_osm(path: str, categories: str | None = None, keep_largest_component: bool = True) -> dict:
    """
    Network and categorised facilities from an OpenStreetMap PBF/XML file.
    """
def read_city(path: str) -> dict:
    """
    Network and facilities from a city file written by import-osm.
    """
def results_columns() -> list:
    """
    Every column of a results file (table, name, type, unit, meaning), as the recorder writes them.
    """
def run(text: str, path: str, output: str, seed: typing.SupportsInt | typing.SupportsIndex | None = None, until: str | None = None, threads: typing.SupportsInt | typing.SupportsIndex = 0, progress: typing.Any = None, checkpoint_every: typing.SupportsInt | typing.SupportsIndex = 0, checkpoint: str | None = None, resume: str | None = None) -> dict:
    """
    Builds the scenario's world, runs it (or resumes the checkpoint `resume` of it) and writes the
    results file `output` (atomically). progress(date, fraction, trips, seconds) is called once a
    simulated day. A KeyboardInterrupt stops the run at the end of the day (with checkpoints on,
    at the month's end, after a last checkpoint) and is re-raised; no results are written.
    """
def seal_file(path: str) -> None:
    """
    Seals a finished, closed HDF5 file (see unseal_file).
    """
def set_max_threads(threads: typing.SupportsInt | typing.SupportsIndex) -> None:
    """
    Limit worker threads (0 = all cores).
    """
def unseal_file(path: str) -> None:
    """
    Checks a file's seal and removes it, to edit the file on purpose (h5py mode 'r+'); seal it
    again with seal_file, or lifecircle will refuse it as damaged.
    """
def validate_scenario(text: str, path: str) -> dict:
    """
    Validates scenario TOML with the C++ schema; raises ConfigError listing every problem.
    """
AGE_GROUPS: tuple = ('child', 'working', 'elderly')
BUILTIN_YUNFU_NAME: str = '<built-in configs/yunfu.toml>'
FACILITY_ORIGINS: tuple = ('baseline', 'planned', 'market', 'mobile')
MAX_CATEGORIES: int = 64
MAX_DISTRICTS: int = 65535
__version__: str = '0.3.0'
