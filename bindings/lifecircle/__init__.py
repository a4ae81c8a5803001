"""lifecircle: an agent-based simulator of 15-minute living circles (一刻钟便民生活圈).

The compiled core is private (``lifecircle._core``); this package gives analysts Pythonic
objects and pandas DataFrames.
"""

from lifecircle._core import ArgumentError, ConfigError, InputError, haversine, set_max_threads
from lifecircle.network import WalkNetwork
from lifecircle.scenario import Scenario, World

__version__ = "0.1.0"
__all__ = ["WalkNetwork", "Scenario", "World", "InputError", "ConfigError", "ArgumentError", "set_max_threads", "haversine", "__version__"]
