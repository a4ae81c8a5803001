"""
lifecircle's C++ core (private: use the lifecircle package)
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['AGE_GROUPS', 'ArgumentError', 'BUILTIN_YUNFU_NAME', 'ConfigError', 'FACILITY_ORIGINS', 'InputError', 'LIST_TARGET', 'MAX_CATEGORIES', 'MAX_DISTRICTS', 'WalkNetwork', 'World', 'builtin_amap_categories_text', 'builtin_yunfu_text', 'candidate_sites', 'check_seal', 'checkpoint_info', 'clear_spinup_cache', 'exact_cover_available', 'haversine', 'idle_sites', 'import_osm', 'network_from_lines', 'phase_dates', 'project', 'read_city', 'read_osm_lines', 'rescore_month', 'rescore_month_thresholds', 'results_columns', 'ring_score', 'run', 'scenario_spec', 'seal_file', 'serves', 'set_max_threads', 'spinup_cache_entries', 'spinup_key_text', 'threshold_normals', 'unproject', 'unseal_file', 'validate_scenario', 'write_city']
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
    def max_cover(self, candidates: typing.Annotated[numpy.typing.ArrayLike, numpy.uint32], demand: typing.Annotated[numpy.typing.ArrayLike, numpy.uint32], weights: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], rings: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], count: typing.SupportsInt | typing.SupportsIndex, method: str = 'exact', time_limit: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> dict:
        """
        Maximal covering (core/covering.hpp), the engine's own: up to `count` of the candidate nodes covering the most weight of the demand entries (node, weight, ring in metres each), by 'exact' (HiGHS) or 'greedy'; returns {sites, gains, covered, method, status, gap}, the sites largest gain first. 'exact' in a build without HiGHS raises ArgumentError.
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
def builtin_amap_categories_text() -> str:
    """
    configs/amap_categories.toml as built in: Amap POI type codes to facility categories.
    """
def builtin_yunfu_text() -> str:
    """
    The text of the built-in default scenario (configs/yunfu.toml).
    """
def candidate_sites(x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], y: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], district: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], commercial: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], d: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.uint32]:
    """
    The engine's candidate sites of district d (core/world.hpp): its commercial nodes, or all its nodes when it has none; from a results file's /network table.
    """
def check_seal(path: str) -> None:
    """
    Raises InputError naming the file (and the damaged dataset, where the damage is inside one)
    unless the file carries lifecircle's seal over unchanged bytes: city, results and checkpoint
    files are sealed when written (docs/checkpoints.md).
    """
def checkpoint_info(path: str) -> dict:
    """
    What a checkpoint holds: its scenario (text, path), seed, build version, day, and the run's
    last day (`until`), where a resumed run ends unless given another.
    """
def clear_spinup_cache() -> int:
    """
    Removes every entry of the spin-up cache; returns the bytes freed.
    """
def exact_cover_available() -> bool:
    """
    Whether this build has HiGHS for exact maximal covering (scripts/highs.sh).
    """
def haversine(lon1: typing.SupportsFloat | typing.SupportsIndex, lat1: typing.SupportsFloat | typing.SupportsIndex, lon2: typing.SupportsFloat | typing.SupportsIndex, lat2: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    Great-circle distance in metres.
    """
def idle_sites(x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], y: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], district: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], commercial: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], d: typing.SupportsInt | typing.SupportsIndex, places: collections.abc.Sequence[typing.Annotated[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], "FixedSize(2)"]]) -> numpy.typing.NDArray[numpy.uint32]:
    """
    District d's idle public sites as the engine places them: each place's nearest node of the district, of any kind, a node once.
    """
def import_osm(path: str, categories: str | None = None, keep_largest_component: bool = True) -> dict:
    """
    Network and categorised facilities from an OpenStreetMap PBF/XML file.
    """
def network_from_lines(point_ids: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], lon: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], lat: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], line_start: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], keep_largest_component: bool = True, source: str = 'lines') -> dict:
    """
    The walking network of lines (points in WGS84 lon/lat, one id a shared point; line l is points line_start[l] up to the next start), simplified and measured as the OpenStreetMap import does (core/line_network.hpp): {network, origin_lon, origin_lat}.
    """
def phase_dates(date: str, n: typing.SupportsInt | typing.SupportsIndex, months: typing.SupportsInt | typing.SupportsIndex) -> list[str]:
    """
    The opening dates of a list's n projects drawn on `date` and phased over `months` months, as the engine phases a circle_plan's list (models/project_list.hpp).
    """
def project(lon0: typing.SupportsFloat | typing.SupportsIndex, lat0: typing.SupportsFloat | typing.SupportsIndex, lon: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], lat: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
    """
    Map metres (east, north) around the origin (lon0, lat0) of longitudes and latitudes: the engine's projection (core/osm_import.hpp).
    """
def read_city(path: str) -> dict:
    """
    Network and facilities from a city file written by import-osm.
    """
def read_osm_lines(path: str) -> dict:
    """
    The walkable ways of an OpenStreetMap file as lines before simplification (the import's own filter): {point_ids (OSM node ids), lon, lat, line_start}.
    """
def rescore_month(model: dict, seed: typing.SupportsInt | typing.SupportsIndex, month_index: typing.SupportsInt | typing.SupportsIndex, survey_sample: typing.SupportsInt | typing.SupportsIndex, districts: typing.SupportsInt | typing.SupportsIndex, home_node: typing.Annotated[numpy.typing.ArrayLike, numpy.uint32], age: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], district: typing.Annotated[numpy.typing.ArrayLike, numpy.uint16], normal: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], places: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], needs: typing.Annotated[numpy.typing.ArrayLike, numpy.uint16], unmet: typing.Annotated[numpy.typing.ArrayLike, numpy.uint16], night_unmet: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8]) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64]]:
    """
    A recorded month re-scored under `model` (the [satisfaction] weights and threshold): per district the satisfied residents, the emulated survey's respondents and its satisfied, exactly as a run with that model records them (models/satisfaction.hpp rescore_month). Used by Results.rescore.
    """
def rescore_month_thresholds(model: dict, means: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], sds: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], seed: typing.SupportsInt | typing.SupportsIndex, month_index: typing.SupportsInt | typing.SupportsIndex, survey_sample: typing.SupportsInt | typing.SupportsIndex, districts: typing.SupportsInt | typing.SupportsIndex, home_node: typing.Annotated[numpy.typing.ArrayLike, numpy.uint32], age: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], district: typing.Annotated[numpy.typing.ArrayLike, numpy.uint16], normal: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], places: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], needs: typing.Annotated[numpy.typing.ArrayLike, numpy.uint16], unmet: typing.Annotated[numpy.typing.ArrayLike, numpy.uint16], night_unmet: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8]) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64]]:
    """
    rescore_month for many thresholds at once under the weights of `model`: draw j takes threshold mean means[j] and spread sds[j]; satisfied and survey_satisfied are draws x districts (row-major), each row what rescore_month gives with that threshold. Used by Results.rescore_many.
    """
def results_columns() -> list:
    """
    Every column of a results file (table, name, type, unit, meaning, over_year: how a year holds a monthly record's column, sum, end or key), as the recorder writes them.
    """
def ring_score(distance: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], ring_m: typing.SupportsFloat | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    The closeness score (0-1) of facilities `distance` metres away to a ring of `ring_m` metres, the satisfaction score's rule (models/satisfaction.hpp ring_score).
    """
def run(text: str, path: str, output: str, seed: typing.SupportsInt | typing.SupportsIndex | None = None, until: str | None = None, threads: typing.SupportsInt | typing.SupportsIndex = 0, progress: typing.Any = None, checkpoint_every: typing.SupportsInt | typing.SupportsIndex = 0, checkpoint: str | None = None, resume: str | None = None, spinup_cache: bool = True, shared_until: str | None = None) -> dict:
    """
    Builds the scenario's world, runs it (or resumes the checkpoint `resume` of it) and writes the
    results file `output` (atomically). progress(date, fraction, trips, seconds) is called once a
    simulated day. A KeyboardInterrupt stops the run at the end of the day (with checkpoints on,
    at the month's end, after a last checkpoint) and is re-raised; no results are written. With
    `spinup_cache` (and LIFECIRCLE_SPINUP_CACHE not 0), the spin-up is read from the spin-up cache
    when it holds it, else kept there (the results are the same; docs/checkpoints.md); with
    `shared_until` (a month's last day), so is the state at the end of that day, which runs differing
    only in later events share (run_many).
    """
def scenario_spec(text: str, path: str, check_files: bool = True) -> dict:
    """
    The scenario as the engine reads it: validated (ConfigError listing every problem), every default filled in, events in the order the engine applies them; categories and districts as lists in file order, each category with its ring in metres per age group and its users (the age groups making its trips). check_files=False: the data files it names need not exist (a scenario recorded in a results file).
    """
def seal_file(path: str) -> None:
    """
    Seals a finished, closed HDF5 file (see unseal_file).
    """
def serves(category: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], extra_categories: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], c: typing.SupportsInt | typing.SupportsIndex) -> typing.Any:
    """
    Per facility of a results file's /facilities table: whether it serves category c (its own, or one a multi-function shop added), the engine's rule (core/world.hpp).
    """
def set_max_threads(threads: typing.SupportsInt | typing.SupportsIndex) -> None:
    """
    Limit worker threads (0 = all cores).
    """
def spinup_cache_entries() -> list:
    """
    The spin-up cache's entries (path, bytes), the most recently used first (the cache's folder:
    LIFECIRCLE_CACHE_DIR, else $XDG_CACHE_HOME/lifecircle or ~/.cache/lifecircle).
    """
def spinup_key_text(text: str, path: str, seed: typing.SupportsInt | typing.SupportsIndex | None = None, shared_until: str | None = None) -> str:
    """
    What a scenario's spin-up depends on, as text: the key of its spin-up cache entry (with
    `shared_until`, of its state at the end of that day, which runs with the same events to it share).
    """
def threshold_normals(seed: typing.SupportsInt | typing.SupportsIndex, n: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    The standard normal draws behind residents 0..n-1's satisfaction thresholds under `seed` (models/satisfaction.hpp threshold_normal): threshold = clip(mean + sd z, 0.05, 0.99).
    """
def unproject(lon0: typing.SupportsFloat | typing.SupportsIndex, lat0: typing.SupportsFloat | typing.SupportsIndex, x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], y: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
    """
    Longitude and latitude (degrees) of map metres around the origin (lon0, lat0): the exact inverse of the projection the OSM import and the synthetic town use (core/osm_import.hpp).
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
def write_city(path: str, network: WalkNetwork, origin_lon: typing.SupportsFloat | typing.SupportsIndex, origin_lat: typing.SupportsFloat | typing.SupportsIndex, categories: collections.abc.Sequence[str], facilities: dict, source: str, attribution: str, districts: collections.abc.Sequence[str], district_wkt: collections.abc.Sequence[str], homes: dict, known_absent: collections.abc.Sequence[str], node_district: typing.Annotated[numpy.typing.ArrayLike, numpy.int32] = ...) -> None:
    """
    Writes a city file (core/city_file.hpp: sealed, through a temporary name) from a network and facilities given as columns (category index, id, lon, lat in WGS84, name, district index or -1, source_type), projected around (origin_lon, origin_lat) by the engine's projection; homes as columns node, residents, district.
    """
AGE_GROUPS: tuple = ('child', 'working', 'elderly')
BUILTIN_YUNFU_NAME: str = '<built-in configs/yunfu.toml>'
FACILITY_ORIGINS: tuple = ('baseline', 'planned', 'market', 'mobile')
LIST_TARGET: float = 0.9
MAX_CATEGORIES: int = 64
MAX_DISTRICTS: int = 65535
__version__: str = '0.3.0'
