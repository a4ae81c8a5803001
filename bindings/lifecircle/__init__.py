"""lifecircle: an agent-based simulator of 15-minute living circles (一刻钟便民生活圈).

The compiled core is private (``lifecircle._core``); this package gives analysts Pythonic
objects and pandas DataFrames:

    >>> import lifecircle as lc
    >>> res = lc.run(lc.Scenario.default().with_subsidy("breakfast", rent_cut=0.3), threads=2)
    >>> res.years.query("year == 2025")[["district", "satisfaction"]]
    >>> res.gaps(2025); res.plot.satisfaction()
"""

from lifecircle import _methods, access, chances, costs, gaps, gis, isochrones, plot, projects, webmap
from lifecircle._core import ArgumentError, ConfigError, InputError, __version__, haversine, set_max_threads
from lifecircle.calibrate import Calibration, calibrate_satisfaction
from lifecircle.chances import chance
from lifecircle.city import City
from lifecircle.network import WalkNetwork
from lifecircle.optimize import optimize
from lifecircle.prior import PRIOR, SatisfactionPrior
from lifecircle.results import Results, results_columns
from lifecircle.runner import Ensemble, compare, difference, ensemble, run, run_many, summarize, sweep
from lifecircle.scenario import LIST_PACKAGE, Scenario, World
from lifecircle.survey import Survey

# The methods of Scenario and Results whose work modules above theirs do (lifecircle._methods):
# scenario.py and results.py import nothing above them, so the package connects them here.
_methods.connect(
    {
        "Scenario.with_project_lists": projects.with_project_lists,
        "Results.node_distance": access.node_distance,
        "Results.in_ring": access.in_ring,
        "Results.access_by_slot": access.access_by_slot,
        "Results.fairness": access.fairness,
        "Results.usage": access.usage,
        "Results.gaps": gaps.gaps,
        "Results.chance": chances.chance,
        "Results.cost_summary": costs.cost_summary,
        "Results.map": webmap.map_page,
        "Results.export": gis.export,
        "Results.isochrones": isochrones.isochrones,
        "Results.plot": plot.Plotter,
    }
)

__all__ = [
    "WalkNetwork",
    "City",
    "Scenario",
    "World",
    "Results",
    "results_columns",
    "run",
    "run_many",
    "compare",
    "sweep",
    "ensemble",
    "Ensemble",
    "summarize",
    "difference",
    "optimize",
    "chance",
    "Survey",
    "calibrate_satisfaction",
    "Calibration",
    "PRIOR",
    "SatisfactionPrior",
    "LIST_PACKAGE",
    "InputError",
    "ConfigError",
    "ArgumentError",
    "set_max_threads",
    "haversine",
    "__version__",
]
