"""Scenarios (TOML) and the worlds built from them.

A scenario file is read by ``tomllib`` for Python and validated by the C++ schema, so both
languages accept exactly the same files; see docs/scenario.md for every key.
"""

from __future__ import annotations

import sys
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lifecircle import _core

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AGE_GROUPS = ("child", "working", "elderly")
BUILTIN_NAME = "<built-in configs/yunfu.toml>"


class Scenario:
    """A validated scenario: the TOML text, its path and its data as a dict.

    Example:
        >>> sc = Scenario.load("configs/yunfu.toml")
        >>> sc.districts[["name", "programme_start", "population"]]
    """

    def __init__(self, text: str, path: str) -> None:
        self.summary = _core.validate_scenario(text, path)  # raises ConfigError (a ValueError)
        self.text = text
        self.path = path
        self.data: dict[str, Any] = tomllib.loads(text)

    @classmethod
    def load(cls, path: str | PathLike) -> Scenario:
        """Reads and validates a scenario file; every problem is listed in the ConfigError."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise _core.ConfigError(f"{p}: cannot read scenario file ({e.strerror})") from None
        return cls(text, str(p))

    @classmethod
    def default(cls) -> Scenario:
        """The built-in Yunfu scenario (configs/yunfu.toml, compiled into the package)."""
        return cls(_core.builtin_yunfu_text(), BUILTIN_NAME)

    def __repr__(self) -> str:
        name = self.data.get("simulation", {}).get("name", "")
        return (f"Scenario({self.path!r}: {name!r}, {self.summary['districts']} districts, "
                f"{self.summary['residents']} residents)")

    @property
    def districts(self) -> pd.DataFrame:
        """One row a district: name, pinyin, streets, programme_start, circle_class, form,
        population, age shares (child, working, elderly), household_size, area_km2,
        density (residents per km2)."""
        rows = []
        for d in self.data["districts"]:
            shares = d["age_shares"]
            rows.append({"name": d["name"], "pinyin": d["pinyin"], "streets": ",".join(d["streets"]),
                         "programme_start": d["programme_start"], "circle_class": d["circle_class"],
                         "form": d.get("form", "street_block"), "population": d["population"],
                         **{a: shares[a] for a in AGE_GROUPS},
                         "household_size": d["household_size"], "area_km2": d["area_km2"],
                         "density": d["population"] / d["area_km2"]})
        return pd.DataFrame(rows)

    @property
    def categories(self) -> pd.DataFrame:
        """One row a category: key, zh, en, class, ring_minutes, open/close hours, spend,
        margin, rent, staff cost, decay, subsidy eligibility."""
        rows = []
        for key, c in self.data["categories"].items():
            rows.append({"key": key, "zh": c["zh"], "en": c["en"], "class": c["class"],
                         "ring_minutes": c["ring_minutes"], "open_hour": c["hours"][0],
                         "close_hour": c["hours"][1], "household": c.get("household", False),
                         "spend_yuan": c["spend_yuan"], "gross_margin": c["gross_margin"],
                         "rent_yuan_m2_month": c["rent_yuan_m2_month"],
                         "staff_cost_yuan_month": c["staff_cost_yuan_month"], "decay": c["decay"],
                         "subsidy_eligible": c["subsidy_eligible"]})
        return pd.DataFrame(rows)

    @property
    def events(self) -> pd.DataFrame:
        """The dated policy events, one row each (columns depend on the types present)."""
        return pd.DataFrame(self.data.get("events", []))


class World:
    """The city a scenario describes: network, facilities and synthetic residents."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._world = _core.World(scenario.text, scenario.path)

    @property
    def residents(self) -> pd.DataFrame:
        """One row a resident: home_node, household, district (index), age_group (0 child,
        1 working, 2 elderly), map_app (1 = uses the living-circle map app)."""
        return pd.DataFrame(self._world.residents)

    @property
    def facilities(self) -> pd.DataFrame:
        """One row a facility: node, category (index), district (index), open_hour,
        close_hour, floor_area_m2."""
        return pd.DataFrame(self._world.facilities)

    def summary(self) -> pd.DataFrame:
        """Per district: residents, households, nodes, age shares, facilities, and for each
        category its open facilities (``facilities_<category>``) and the share of residents
        whose nearest facility lies inside its ring (``in_ring_<category>``, 0-1)."""
        keys = list(self.scenario.data["categories"])
        rows = []
        for s in self._world.summary():
            n = max(1, s["residents"])
            row = {"district": s["district"], "pinyin": s["pinyin"], "residents": s["residents"],
                   "households": s["households"], "nodes": s["nodes"],
                   **{f"share_{a}": s["by_age"][i] / n for i, a in enumerate(AGE_GROUPS)},
                   "facilities": int(np.sum(s["facilities"]))}
            row.update({f"facilities_{k}": v for k, v in zip(keys, s["facilities"])})
            row.update({f"in_ring_{k}": v for k, v in zip(keys, s["in_ring"])})
            rows.append(row)
        return pd.DataFrame(rows)
