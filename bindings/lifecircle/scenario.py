"""Scenarios (TOML) and the worlds built from them.

A scenario file is read by ``tomllib`` for Python and validated by the C++ schema, so both
languages accept exactly the same files; see docs/scenario.md for every key.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from lifecircle import _core

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AGE_GROUPS: tuple[str, ...] = _core.AGE_GROUPS
BUILTIN_NAME: str = _core.BUILTIN_YUNFU_NAME

#: The measures a district receives in the month it joins the programme when a rollout
#: gives no package: the default Yunfu pilots' measures for one district (configs/yunfu.toml,
#: plan items 5-7, 10, 11) with their delays in months after joining [E: the pilots' timing].
PILOT_PACKAGE: tuple[dict[str, Any], ...] = (
    {"months": 3, "type": "plan_facility", "category": "breakfast", "count": 3},
    {"months": 4, "type": "plan_facility", "category": "fresh_food", "count": 2},
    {"months": 4, "type": "plan_facility", "category": "repair", "count": 2},
    {"months": 5, "type": "elder_canteen", "count": 2},
    {"months": 5, "type": "plan_facility", "category": "elderly_care", "count": 2},
    {"months": 8, "type": "plan_facility", "category": "wet_market", "count": 1},
    {"months": 8, "type": "extend_hours", "category": "convenience", "hours": [0, 24]},
    {"months": 9, "type": "plan_facility", "category": "childcare", "count": 2},
    {"months": 12, "type": "plan_facility", "category": "gov_service", "count": 1},
)


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


class Scenario:
    """A validated scenario: the TOML text, its path and its data as a dict.

    Example:
        >>> sc = Scenario.load("configs/yunfu.toml")
        >>> sc.districts[["name", "programme_start", "population"]]
    """

    def __init__(self, text: str, path: str, edits: Sequence[str] = ()) -> None:
        self.summary = _core.validate_scenario(text, path)  # raises ConfigError (a ValueError)
        self.text = text
        self.path = path
        self.edits: tuple[str, ...] = tuple(edits)
        self.data: dict[str, Any] = tomllib.loads(text)

    @classmethod
    def recorded(cls, text: str, path: str) -> Scenario:
        """The scenario recorded in a results file, read without validation: it was valid
        when it ran, and the data files it names (OpenStreetMap, population grid) need not
        exist where the results are read."""
        sc = cls.__new__(cls)
        sc.text, sc.path, sc.edits = text, path, ()
        sc.data = tomllib.loads(text)
        sc.summary = {
            "districts": len(sc.data["districts"]),
            "residents": sum(d["population"] for d in sc.data["districts"]),
            "categories": len(sc.data["categories"]),
            "events": len(sc.data.get("events", [])),
        }
        return sc

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
        edits = f", edits: {'; '.join(self.edits)}" if self.edits else ""
        return (
            f"Scenario({self.path!r}: {name!r}, {self.summary['districts']} districts, "
            f"{self.summary['residents']} residents{edits})"
        )

    @property
    def label(self) -> str:
        """A short name for tables: the file's stem and the edits made to it."""
        stem = "yunfu (built-in)" if self.path == BUILTIN_NAME else Path(self.path).stem
        return "; ".join((stem, *self.edits))

    @property
    def seed(self) -> int:
        return int(self.data["simulation"]["seed"])

    @property
    def start(self) -> dt.date:
        return self.data["simulation"]["start"]

    @property
    def end(self) -> dt.date:
        return self.data["simulation"]["end"]

    # ------------------------------------------------------------------ edits
    # Every edit returns a new, validated Scenario; the original is never changed. The new
    # text is the edited data written back as TOML (comments are not kept), headed by the
    # list of edits, and keeps the original path so relative data files still resolve.

    def _edited(self, data: dict[str, Any], edit: str) -> Scenario:
        edits = (*self.edits, edit)
        header = f"# {self.path}, edited: {'; '.join(edits)}\n"
        try:
            return Scenario(header + tomli_w.dumps(data), self.path, edits)
        except _core.ConfigError as e:
            raise _core.ConfigError(
                f"{e}\n(the scenario edited by: {'; '.join(edits)}; line numbers refer "
                "to the edited text, Scenario.text)"
            ) from None

    def _district(self, name: str) -> dict[str, Any]:
        for d in self.data["districts"]:
            if name in (d["name"], d["pinyin"]):
                return d
        known = ", ".join(f"{d['name']} ({d['pinyin']})" for d in self.data["districts"])
        raise _core.ConfigError(f"{self.path}: no district named {name!r}; the districts are {known}")

    def _category(self, key: str) -> str:
        if key not in self.data["categories"]:
            raise _core.ConfigError(
                f"{self.path}: no category {key!r}; the categories are {', '.join(self.data['categories'])}"
            )
        return key

    def with_seed(self, seed: int) -> Scenario:
        """The same scenario with another random seed."""
        data = copy.deepcopy(self.data)
        data["simulation"]["seed"] = int(seed)
        return self._edited(data, f"seed {seed}")

    def with_spin_up(self, months: int) -> Scenario:
        """Simulates ``months`` whole months before the start without recording them, so that
        shop entry and exit settle from the synthetic baseline (docs/model.md, "Day loop")."""
        data = copy.deepcopy(self.data)
        data["simulation"]["spin_up_months"] = int(months)
        return self._edited(data, f"spin-up {months} months")

    def with_scale(self, factor: float) -> Scenario:
        """Every district's population times `factor` (rounded; at least 1), on the same
        network and facilities: a quick, smaller run for exploration and tests."""
        if not factor > 0:
            raise _core.ConfigError(f"with_scale: factor is {factor}; expected a positive number")
        data = copy.deepcopy(self.data)
        for d in data["districts"]:
            d["population"] = max(1, round(d["population"] * factor))
        return self._edited(data, f"population x{factor:g}")

    def with_rollout(
        self,
        plan: Mapping[str, int] | Sequence[str],
        *,
        start: int | None = None,
        per_year: int = 2,
        package: Iterable[Mapping[str, Any]] | None = PILOT_PACKAGE,
    ) -> Scenario:
        """Changes when districts join the programme.

        Args:
            plan: ``{district: year}``, or an order of districts that join ``per_year`` a
                year from ``start`` on. Districts may be named in Chinese or pinyin; those not
                named keep their dates.
            start: first year of an ordered plan (default: the year after the scenario starts).
            per_year: districts joining a year in an ordered plan.
            package: measures each district receives after joining: dicts of an event's keys
                (see docs/scenario.md) plus ``months``, the delay after joining. Defaults to
                :data:`PILOT_PACKAGE`; ``None`` or ``()`` joins without measures.

        Returns:
            A new scenario: the named districts' ``join_programme`` events and
            ``programme_start`` replaced, the package's events added (those that would fall
            after the scenario's end are left out).
        """
        if isinstance(plan, Mapping):
            years = {k: int(v) for k, v in plan.items()}
        else:
            first = self.start.year + 1 if start is None else int(start)
            if per_year < 1:
                raise _core.ConfigError(f"with_rollout: per_year is {per_year}; expected 1 or more")
            years = {name: first + i // per_year for i, name in enumerate(plan)}
        data = copy.deepcopy(self.data)
        joining = {}
        for name, year in years.items():
            d = self._district(name)
            joining[d["name"]] = year
        events = [
            e
            for e in data.get("events", [])
            if not (e["type"] == "join_programme" and e.get("district") in joining)
        ]
        for d in data["districts"]:
            if d["name"] in joining:
                year = joining[d["name"]]
                d["programme_start"] = year
                joined = max(dt.date(year, 1, 1), self.start)
                events.append({"date": joined, "type": "join_programme", "district": d["name"]})
                for measure in package or ():
                    e = {k: v for k, v in measure.items() if k != "months"}
                    e["date"] = _add_months(joined, int(measure.get("months", 0)))
                    e["district"] = d["name"]
                    if e["date"] <= self.end:  # measures due after the period are left out
                        events.append(e)
        data["events"] = sorted(events, key=lambda e: e["date"])  # stable: same-day order kept
        what = ", ".join(f"{self._district(n)['pinyin']} {y}" for n, y in years.items())
        return self._edited(data, f"rollout {what}" + ("" if package else " (no package)"))

    def with_subsidy(
        self,
        category: str,
        *,
        rent_cut: float = 0.0,
        grant_yuan_month: float = 0.0,
        district: str | None = None,
        date: dt.date | str | None = None,
    ) -> Scenario:
        """Adds a subsidy: a share of rent paid (``rent_cut``, 0-1) and/or a monthly grant
        (yuan) for every shop of ``category``, in one district or all, from ``date``
        (default: the scenario's start)."""
        e: dict[str, Any] = {
            "date": self._date(date),
            "type": "subsidy",
            "category": self._category(category),
        }
        if rent_cut:
            e["rent_cut"] = float(rent_cut)
        if grant_yuan_month:
            e["grant_yuan_month"] = float(grant_yuan_month)
        if district is not None:
            e["district"] = self._district(district)["name"]
        where = f" in {self._district(district)['pinyin']}" if district else ""
        terms = [f"rent -{rent_cut:.0%}"] * bool(rent_cut) + [f"{grant_yuan_month:g} yuan/month"] * bool(
            grant_yuan_month
        )
        return self.with_events([e], edit=f"subsidy {category} {' '.join(terms) or 'none'}{where}")

    def with_facilities(
        self, district: str, category: str, count: int = 1, *, date: dt.date | str | None = None
    ) -> Scenario:
        """Plans ``count`` new facilities of ``category`` in ``district`` on ``date``; the
        engine sites each where it brings the most residents inside the category's ring."""
        e = {
            "date": self._date(date),
            "type": "plan_facility",
            "district": self._district(district)["name"],
            "category": self._category(category),
            "count": int(count),
        }
        return self.with_events([e], edit=f"{count} {category} in {self._district(district)['pinyin']}")

    def with_project_lists(self, **options: Any) -> tuple[Scenario, pd.DataFrame]:
        """Each joining district's project list from its own gaps, in place of its fixed
        package, and one at each ``circle_plan`` event: (scenario, projects). Options:
        districts, at_joining, target, budget_yuan, months, method ("exact" by HiGHS, or
        "greedy"), categories, threads, progress; see
        :func:`lifecircle.projects.with_project_lists`."""
        from lifecircle.projects import with_project_lists

        return with_project_lists(self, **options)

    def with_events(self, events: Iterable[Mapping[str, Any]], *, edit: str | None = None) -> Scenario:
        """Adds policy events (dicts with the keys of docs/scenario.md; dates as
        ``datetime.date`` or "YYYY-MM-DD")."""
        added = []
        for e in events:
            e = dict(e)
            e["date"] = self._date(e.get("date"))
            added.append(e)
        data = copy.deepcopy(self.data)
        data["events"] = sorted([*data.get("events", []), *added], key=lambda e: e["date"])
        return self._edited(data, edit or f"{len(added)} events")

    def without_events(
        self, type: str | None = None, *, district: str | None = None, category: str | None = None
    ) -> Scenario:
        """Removes the events matching every given filter (event type, district, category)."""
        name = self._district(district)["name"] if district else None
        data = copy.deepcopy(self.data)

        def match(e: Mapping[str, Any]) -> bool:
            return (
                (type is None or e["type"] == type)
                and (name is None or e.get("district") == name)
                and (category is None or e.get("category") == category)
            )

        kept = [e for e in data.get("events", []) if not match(e)]
        removed = len(data.get("events", [])) - len(kept)
        data["events"] = kept
        what = " ".join(str(x) for x in (type, district, category) if x) or "all"
        return self._edited(data, f"without {removed} events ({what})")

    def _date(self, date: dt.date | str | None) -> dt.date:
        if date is None:
            return self.start
        if isinstance(date, dt.date):
            return date
        try:
            return dt.date.fromisoformat(str(date))
        except ValueError:
            raise _core.ConfigError(f"date is {date!r}; expected a date such as 2025-03-01") from None

    @property
    def districts(self) -> pd.DataFrame:
        """One row a district: name, pinyin, streets, programme_start, circle_class, form,
        population, age shares (child, working, elderly), household_size, area_km2,
        density (residents per km2)."""
        rows = []
        for d in self.data["districts"]:
            shares = d["age_shares"]
            rows.append(
                {
                    "name": d["name"],
                    "pinyin": d["pinyin"],
                    "streets": ",".join(d["streets"]),
                    "programme_start": d["programme_start"],
                    "circle_class": d["circle_class"],
                    "form": d.get("form", "street_block"),
                    "population": d["population"],
                    **{a: shares[a] for a in AGE_GROUPS},
                    "household_size": d["household_size"],
                    "area_km2": d["area_km2"],
                    "density": d["population"] / d["area_km2"],
                }
            )
        return pd.DataFrame(rows)

    @property
    def categories(self) -> pd.DataFrame:
        """One row a category: key, zh, en, class, ring_minutes, open/close hours, spend,
        margin, rent, staff cost, decay, subsidy eligibility."""
        rows = []
        for key, c in self.data["categories"].items():
            rows.append(
                {
                    "key": key,
                    "zh": c["zh"],
                    "en": c["en"],
                    "class": c["class"],
                    "ring_minutes": c["ring_minutes"],
                    "open_hour": c["hours"][0],
                    "close_hour": c["hours"][1],
                    "household": c.get("household", False),
                    "spend_yuan": c["spend_yuan"],
                    "gross_margin": c["gross_margin"],
                    "rent_yuan_m2_month": c["rent_yuan_m2_month"],
                    "staff_cost_yuan_month": c["staff_cost_yuan_month"],
                    "decay": c["decay"],
                    "subsidy_eligible": c["subsidy_eligible"],
                }
            )
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
            row = {
                "district": s["district"],
                "pinyin": s["pinyin"],
                "residents": s["residents"],
                "households": s["households"],
                "nodes": s["nodes"],
                **{f"share_{a}": s["by_age"][i] / n for i, a in enumerate(AGE_GROUPS)},
                "facilities": int(np.sum(s["facilities"])),
            }
            row.update({f"facilities_{k}": v for k, v in zip(keys, s["facilities"])})
            row.update({f"in_ring_{k}": v for k, v in zip(keys, s["in_ring"])})
            rows.append(row)
        return pd.DataFrame(rows)
