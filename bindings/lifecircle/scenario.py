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
from lifecircle._methods import method

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AGE_GROUPS: tuple[str, ...] = _core.AGE_GROUPS
BUILTIN_NAME: str = _core.BUILTIN_YUNFU_NAME

#: What a district receives when a rollout gives no package: its project list (一图一清单),
#: drawn by the engine from the district's gaps on the day it joins (a circle_plan event,
#: docs/model.md "Project lists"), as the plan asks of every circle.
LIST_PACKAGE: tuple[dict[str, Any], ...] = ({"months": 0, "type": "circle_plan"},)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


#: The estimated behaviour parameters an ensemble varies (lc.ensemble; docs/model.md,
#: "Behaviour uncertainty"): name -> (how it edits the scenario, default range [E]). "set"
#: replaces the value; "times" multiplies every value it names (shares capped at 1).
BEHAVIOUR: dict[str, tuple[str, tuple[float, float]]] = {
    "couriers_per_10k": ("set", (1.5, 6.0)),  # delivery.couriers_per_10k, [E] 3.0 halved to doubled
    "orders_per_courier_hour": ("set", (1.5, 4.0)),  # delivery.orders_per_courier_hour, [E] 2.5
    "night_couriers": ("set", (0.1, 0.35)),  # delivery.night_couriers, [E] 0.2 (16.4% national)
    "app_users": ("times", (0.6, 1.3)),  # delivery.app_users by age, [E]
    "order_share": ("set", (0.4, 0.8)),  # delivery.order_share, [E] 0.6
    "decay": ("times", (0.75, 1.25)),  # every category's decay
    "trip_rates": ("times", (0.8, 1.2)),  # every trips_per_day
    "margins": ("times", (0.8, 1.2)),  # every gross_margin
    "entry_rate": ("times", (0.5, 2.0)),  # economics.entry_rate
}
#: Behaviour parameters an ensemble draws on a log scale (a factor of 2 either way).
LOG_SCALE: frozenset[str] = frozenset({"entry_rate"})


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
        self._spec: dict[str, Any] | None = None
        self._check_files = True

    @classmethod
    def recorded(cls, text: str, path: str) -> Scenario:
        """The scenario recorded in a results file, read without validation: it was valid
        when it ran, and the data files it names (OpenStreetMap, population grid) need not
        exist where the results are read."""
        sc = cls.__new__(cls)
        sc.text, sc.path, sc.edits = text, path, ()
        sc.data = tomllib.loads(text)
        sc._spec = None
        sc._check_files = False
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

    @property
    def spec(self) -> dict[str, Any]:
        """The scenario as the engine reads it (``_core.scenario_spec``): validated, every
        default filled in, events in the order the engine applies them; ``categories`` and
        ``districts`` are lists in file order, each category with its ``ring_metres`` per age
        group, its ``users`` (the age groups making its trips) and ``fitout_yuan``. Read this,
        not the TOML: the engine's rules and defaults are then the only ones."""
        if self._spec is None:
            self._spec = _core.scenario_spec(self.text, self.path, self._check_files)
        return self._spec

    # ------------------------------------------------------------------ the scenario's facts
    # Every module reads the scenario through these, which read the engine's validated,
    # defaulted scenario (:attr:`spec`), never the TOML (``data``, kept for edits).

    def district(self, name: str) -> dict[str, Any]:
        """A district's entry (:attr:`spec`), by its Chinese or pinyin name; a ConfigError
        lists the districts when there is none."""
        for d in self.spec["districts"]:
            if name in (d["name"], d["pinyin"]):
                return d
        known = ", ".join(f"{d['name']} ({d['pinyin']})" for d in self.spec["districts"])
        raise _core.ConfigError(f"{self.path}: no district named {name!r}; the districts are {known}")

    def category(self, key: str) -> dict[str, Any]:
        """A category's entry (:attr:`spec`: zh, en, class, ring_metres, users, fitout_yuan,
        ...); a ConfigError lists the categories when there is none."""
        for c in self.spec["categories"]:
            if c["key"] == key:
                return c
        raise _core.ConfigError(
            f"{self.path}: no category {key!r}; the categories are {', '.join(self.category_keys)}"
        )

    @property
    def category_keys(self) -> list[str]:
        """The categories' keys, in the scenario's order (the results' category indexes)."""
        return [c["key"] for c in self.spec["categories"]]

    def categories_of_class(self, kind: str) -> list[str]:
        """The keys of the categories of one class (``"basic"`` or ``"quality"``), in order."""
        return [c["key"] for c in self.spec["categories"] if c["class"] == kind]

    def ring_metres(self, category: str) -> np.ndarray:
        """The category's ring in metres for each age group (:data:`AGE_GROUPS`): its ring
        minutes at the group's walking speed."""
        ring = self.category(category)["ring_metres"]
        return np.array([float(ring[a]) for a in AGE_GROUPS])

    @property
    def time_slots(self) -> list[dict[str, Any]]:
        """The day's time slots in order: name, start, end (hours)."""
        return [
            {"name": s["name"], "start": s["start_hour"], "end": s["end_hour"]} for s in self.spec["slots"]
        ]

    @property
    def satisfaction_target(self) -> float:
        """The plan's target: the share of residents satisfied (0-1)."""
        return float(self.spec["satisfaction_target"])

    @property
    def is_synthetic(self) -> bool:
        """Whether the town is synthetic (placed at the scenario's map origin) rather than read
        from OpenStreetMap or a network file."""
        return self.spec["network"]["kind"] == "synthetic"

    def network_file(self, key: str) -> Path | None:
        """A data file the scenario's ``[network]`` names (``osm``, ``categories``,
        ``population_grid``), relative paths taken from the scenario's folder; None when the
        scenario names none."""
        name = self.spec["network"].get(key)
        if not name:
            return None
        path = Path(name)
        return path if path.is_absolute() else Path(self.path).parent / path

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

    def with_satisfaction(
        self,
        *,
        threshold_mean: float | None = None,
        threshold_sd: float | None = None,
        weights: Mapping[str, float] | None = None,
        record: str | None = None,
        record_dates: Sequence[str | dt.date] | None = None,
    ) -> Scenario:
        """Other ``[satisfaction]`` parameters: the threshold's mean and spread, weights by
        ``basic``, ``quality``, ``government``, ``unmet``, ``night`` (they must still sum to
        1), and which months' score inputs the run records for :meth:`Results.rescore`
        (``record``: "year_end", "every_month" or "none"; ``record_dates``: months to record
        besides). Parameters left out keep their values."""
        data = copy.deepcopy(self.data)
        table = data.setdefault("satisfaction", {})
        if table == {}:  # the engine's defaults, written out so that one weight can change
            spec = self.spec["satisfaction"]
            table.update({k: v for k, v in spec.items() if k.startswith("weight_")})
        changes = []
        for key, value in (weights or {}).items():
            name = key if key.startswith("weight_") else f"weight_{key}"
            table[name] = float(value)
            changes.append(f"{name} {value:g}")
        for name, value in (("threshold_mean", threshold_mean), ("threshold_sd", threshold_sd)):
            if value is not None:
                table[name] = float(value)
                changes.append(f"{name} {value:g}")
        if record is not None:
            table["record"] = record
            changes.append(f"record {record}")
        if record_dates is not None:
            table["record_dates"] = [str(d) for d in record_dates]
            changes.append(f"record_dates {', '.join(map(str, record_dates))}")
        return self._edited(data, "satisfaction " + ", ".join(changes))

    def with_behaviour(self, **values: float) -> Scenario:
        """The estimated behaviour parameters of :data:`BEHAVIOUR` set (``couriers_per_10k=4``)
        or scaled (``decay=1.1``: every category's decay times 1.1): what an ensemble varies
        (:func:`lifecircle.ensemble`)."""
        unknown = sorted(set(values) - set(BEHAVIOUR))
        if unknown:
            raise _core.ArgumentError(
                f"behaviour parameter(s) {', '.join(unknown)} unknown; expected {', '.join(BEHAVIOUR)}"
            )
        data = copy.deepcopy(self.data)
        spec = self.spec
        delivery = data.setdefault("delivery", {})
        for name, value in values.items():
            value = float(value)
            if not value >= 0:
                raise _core.ArgumentError(f"{name} is {value}; expected a number >= 0")
            if name in ("couriers_per_10k", "orders_per_courier_hour", "night_couriers", "order_share"):
                delivery[name] = min(1.0, value) if name in ("night_couriers", "order_share") else value
            elif name == "app_users":
                current = delivery.get("app_users", spec["delivery"]["app_users"])
                delivery["app_users"] = {age: min(1.0, float(v) * value) for age, v in current.items()}
            elif name == "entry_rate":
                economics = data.setdefault("economics", {})
                economics["entry_rate"] = float(spec["economics"]["entry_rate"]) * value
            else:
                by_key = {c["key"]: c for c in spec["categories"]}
                for key, cat in data["categories"].items():
                    if name == "decay":
                        cat["decay"] = float(by_key[key]["decay"]) * value
                    elif name == "margins" and "gross_margin" in cat:
                        cat["gross_margin"] = min(1.0, cat["gross_margin"] * value)
                    elif name == "trip_rates":
                        for day_type in cat.get("trips_per_day", {}).values():
                            for age in day_type:
                                day_type[age] *= value
        return self._edited(data, "behaviour " + ", ".join(f"{k} {float(v):.4g}" for k, v in values.items()))

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
        package: Iterable[Mapping[str, Any]] | None = LIST_PACKAGE,
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
                :data:`LIST_PACKAGE` (the district's project list, drawn on joining); ``None``
                or ``()`` joins without measures.

        Returns:
            A new scenario: the named districts' ``join_programme`` and ``circle_plan``
            events and ``programme_start`` replaced, the package's events added (those that would fall
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
            d = self.district(name)
            joining[d["name"]] = year
        events = [
            e
            for e in data.get("events", [])
            if not (e["type"] in ("join_programme", "circle_plan") and e.get("district") in joining)
        ]
        for d in data["districts"]:
            if d["name"] in joining:
                year = joining[d["name"]]
                d["programme_start"] = year
                joined = max(dt.date(year, 1, 1), self.start)
                events.append({"date": joined, "type": "join_programme", "district": d["name"]})
                for measure in package or ():
                    e = {k: v for k, v in measure.items() if k != "months"}
                    e["date"] = add_months(joined, int(measure.get("months", 0)))
                    e["district"] = d["name"]
                    if e["date"] <= self.end:  # measures due after the period are left out
                        events.append(e)
        data["events"] = sorted(events, key=lambda e: e["date"])  # stable: same-day order kept
        what = ", ".join(f"{self.district(n)['pinyin']} {y}" for n, y in years.items())
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
            "category": self._checked(category),
        }
        if rent_cut:
            e["rent_cut"] = float(rent_cut)
        if grant_yuan_month:
            e["grant_yuan_month"] = float(grant_yuan_month)
        if district is not None:
            e["district"] = self.district(district)["name"]
        where = f" in {self.district(district)['pinyin']}" if district else ""
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
            "district": self.district(district)["name"],
            "category": self._checked(category),
            "count": int(count),
        }
        return self.with_events([e], edit=f"{count} {category} in {self.district(district)['pinyin']}")

    def with_project_lists(self, **options: Any) -> Scenario:
        """The scenario with a ``circle_plan`` event for each joining district at its joining
        date, in place of its fixed package: the engine draws each list from the district's
        gaps on that date, inside the run (``Results.projects`` lists them). Options:
        districts, target, budget_yuan, months, method ("exact" by HiGHS, or "greedy"); see
        :func:`lifecircle.projects.with_project_lists`."""
        return method("Scenario.with_project_lists")(self, **options)

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
        name = self.district(district)["name"] if district else None
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

    def _checked(self, category: str) -> str:
        self.category(category)  # a ConfigError for an unknown one
        return category

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
        """One row a category, as the engine read it (:attr:`spec`): key, zh, en, class,
        ring_minutes (0: the ring is in metres), ring_metres (working age), operator,
        open/close hours, household, spend, margin, rent, staff cost, decay, subsidy
        eligibility."""
        rows = []
        for key in self.category_keys:
            c = self.category(key)
            rows.append(
                {
                    "key": key,
                    "zh": c["zh"],
                    "en": c["en"],
                    "class": c["class"],
                    "ring_minutes": c["ring_minutes"],
                    "ring_metres": c["ring_metres"]["working"],
                    "operator": c["operator"],
                    "open_hour": c["open_hour"],
                    "close_hour": c["close_hour"],
                    "household": c["household"],
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
        keys = self.scenario.category_keys
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
