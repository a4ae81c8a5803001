"""Results of a run, read from its HDF5 file (layout: docs/results.md) as pandas DataFrames.

Every table names districts in Chinese (``district``) and pinyin (``pinyin``) and categories
by key (``category``); money is in yuan, shares are 0-1, times are minutes.

This module holds the tables and the city's state on a day (who lives where, what is open).
The analyses (lifecircle.access, gaps, costs) and outputs (plot, webmap, gis) take a Results;
its methods ``res.gaps()``, ``res.map()``, ``res.plot`` ... are one-line calls into them
(lifecircle._methods says how, without an import up the layers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cached_property
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import h5py
import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle._methods import method
from lifecircle.scenario import AGE_GROUPS, Scenario

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.plot import Plotter
    from lifecircle.webmap import MapPage

ORIGINS: tuple[str, ...] = _core.FACILITY_ORIGINS
EPOCH = dt.date(1970, 1, 1)
#: The columns of :meth:`Results.summary` (the CLI's closing table).
SUMMARY_COLUMNS = [
    "district", "pinyin", "in_programme", "satisfaction", "survey", "survey_low", "survey_high",
    "unmet_share", "night_served_share", "usage_15min", "shops_open", "openings", "closures", "walk_minutes",
]  # fmt: skip


def over_year(table: str = "district_month") -> dict[str, str]:
    """Each column of a record table by how a year holds it: ``"sum"`` (a flow, summed over
    the year), ``"end"`` (a state, its value at the year's end) or ``"key"``, as the
    engine's results schema states it (sim/results_schema.cpp)."""
    return {c["name"]: c["over_year"] for c in _core.results_columns() if c["table"] == table}


def _day(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def _read_group(path: Path, f: h5py.File, group: str) -> dict[str, np.ndarray]:
    """Every dataset of a group; a damaged one (its checksum or compression fails) is an
    InputError naming the file and the dataset, not h5py's raw OSError."""
    out = {}
    for name in f[group]:
        try:
            out[name] = f[group][name][()]
        except (OSError, ValueError) as e:
            raise _core.InputError(
                f"{path}: dataset {group}/{name} is damaged "
                f"(its checksum or compression does not check out): {e}"
            ) from None
    return out


def _derived(df: pd.DataFrame) -> pd.DataFrame:
    """A district table's shares, means and yuan, derived from its counts (a month's or a
    year's): the counts in fen and tenths of a minute give way to yuan and minutes."""
    needs = df.needs.where(df.needs > 0)
    served = df.served.where(df.served > 0)
    df["satisfaction"] = df.satisfied / df.residents.where(df.residents > 0)
    df["survey"] = df.survey_satisfied / df.survey_n.where(df.survey_n > 0)
    df["unmet_share"] = df.unmet / needs
    df["delivered_share"] = df.delivered / needs
    df["night_share"] = df.night_needs / needs
    night = df.night_needs.where(df.night_needs > 0)
    df["night_served_share"] = (df.night_served + df.night_delivered) / night
    df["walk_minutes"] = df.walk_deciminutes / 10.0 / served
    df["usage_15min"] = df.served_15min / served
    fen = [
        c["name"] for c in _core.results_columns() if c["table"] == "district_month" and c["unit"] == "fen"
    ]
    for c in fen:
        df[c.removesuffix("_fen") + "_yuan"] = df[c] / 100.0
    df["in_programme"] = df.in_programme.astype(bool)
    df["public_cost_yuan"] = df.subsidy_yuan + df.capital_yuan + df.support_yuan + df.operating_yuan
    return df.drop(columns=["walk_deciminutes", *fen])


#: /projects and /facilities operator codes (core/scenario.hpp Operator)
OPERATORS = ("private", "public", "public_private")


class Results:
    """A run's results, from :func:`lifecircle.run` or a results file.

    Example:
        >>> res = Results.load("out/yunfu.h5")
        >>> res.years.query("year == 2025")[["district", "satisfaction"]]
    """

    def __init__(self, path: str | PathLike, *, label: str | None = None) -> None:
        self.path = Path(path)
        _core.check_seal(str(self.path))  # damage found before HDF5 parses the file
        try:
            f = h5py.File(self.path, "r")
        except OSError as e:
            raise _core.InputError(f"{self.path}: cannot read results file ({e})") from None
        with f:
            if f.attrs.get("format") != "lifecircle-results":
                raise _core.InputError(
                    f"{self.path}: not a lifecircle results file "
                    f"(attribute 'format' is {f.attrs.get('format')!r})"
                )
            self.attrs: dict[str, Any] = {
                k: (v.item() if hasattr(v, "item") else v) for k, v in f.attrs.items()
            }
            missing = [
                f"{c['table']}/{c['name']}"
                for c in _core.results_columns()
                if f"{c['table']}/{c['name']}" not in f
            ]
            if missing:
                raise _core.InputError(
                    f"{self.path}: results file lacks {len(missing)} dataset(s) of the results schema "
                    f"(written by another version?): {', '.join(missing[:5])}"
                )
            self._tables = {g: _read_group(self.path, f, g) for g in f if isinstance(f[g], h5py.Group)}
        self.districts_zh = [
            s.decode() if isinstance(s, bytes) else s for s in self._tables["names"]["district"]
        ]
        self.districts_pinyin = [
            s.decode() if isinstance(s, bytes) else s for s in self._tables["names"]["district_pinyin"]
        ]
        self.categories = [
            s.decode() if isinstance(s, bytes) else s for s in self._tables["names"]["category"]
        ]
        self.scenario = Scenario.recorded(self.attrs["scenario_text"], self.attrs["scenario_path"])
        self.label = label or self.scenario.label

    @classmethod
    def load(cls, path: str | PathLike, *, label: str | None = None) -> Results:
        """Reads a results file written by ``lifecircle run`` or :func:`lifecircle.run`."""
        return cls(path, label=label)

    def __repr__(self) -> str:
        return (
            f"Results({self.label!r}: {self.start} to {self.end}, seed {self.seed}, "
            f"{self.attrs['trips'] / 1e6:.0f} M trips in {self.attrs['seconds']:.1f} s on "
            f"{self.threads} threads)"
        )

    # ------------------------------------------------------------ run facts
    @property
    def seed(self) -> int:
        return int(self.attrs["seed"])

    @property
    def threads(self) -> int:
        return int(self.attrs["threads"])

    @property
    def start(self) -> dt.date:
        return dt.date.fromisoformat(self.attrs["start"])

    @property
    def end(self) -> dt.date:
        """The last simulated day."""
        return dt.date.fromisoformat(self.attrs["end"])

    @property
    def years_simulated(self) -> list[int]:
        return sorted({int(y) for y in self._tables["district_month"]["year"]})

    def _names(self, df: pd.DataFrame) -> pd.DataFrame:
        """Replaces the district and category indexes by names (Chinese and pinyin)."""
        out = df.copy()
        if "district" in out:
            idx = out["district"].to_numpy()
            zh = np.array(self.districts_zh + [""], dtype=object)
            py = np.array(self.districts_pinyin + [""], dtype=object)
            out.insert(out.columns.get_loc("district") + 1, "pinyin", py[idx])
            out["district"] = zh[idx]
        if "category" in out:
            out["category"] = np.array(self.categories, dtype=object)[out["category"].to_numpy()]
        return out

    # ------------------------------------------------------------ tables
    @cached_property
    def districts(self) -> pd.DataFrame:
        """District x month. Columns: district, pinyin, year, month, date (first of the month),
        residents, needs, served, delivered, unmet (needs in the month), satisfaction (share
        of residents satisfied at the month's end), survey, survey_low, survey_high (emulated
        survey share and Wilson 95% interval), unmet_share, delivered_share, night_share
        (share of needs in night slots 22-06), night_served_share (night needs served or
        delivered), walk_minutes (mean one-way walk of served trips), served_15min and
        usage_15min (served trips of a 15-minute walk or less, and their share of served
        trips), spend_yuan, shops_open, openings, closures, in_programme (bool), and the public
        cost of the plan in the month: subsidy_yuan (rent waived, operating grants and night
        staff paid), capital_yuan (fit-out of facilities the plan opened), support_yuan
        (operating support per visit at the plan's public and contracted facilities),
        operating_yuan (the plan's public facilities' running cost less takings, contract
        operators' deficits covered up to the cap), public_cost_yuan (their sum); and
        public_baseline_yuan (the same public money for facilities there before the plan: the
        city's own, not in public_cost_yuan)."""
        df = self._names(pd.DataFrame(self._tables["district_month"]))
        df.insert(4, "date", pd.to_datetime(dict(year=df.year, month=df.month, day=1)))
        return _derived(df)

    @cached_property
    def years(self) -> pd.DataFrame:
        """District x year: the month's columns (:attr:`districts`, but month and date) over
        each year: the flows summed, the states at its last simulated month (the results
        schema says which: :func:`over_year`), the shares, means and yuan derived from those
        as a month's are; and closure_rate (closures / shops open at the start of the year)."""
        raw = pd.DataFrame(self._tables["district_month"])
        rule = over_year()
        g = raw.groupby(["district", "year"], sort=False)
        ends = g[[c for c in raw if rule.get(c) == "end"]].last()
        out = ends.join(g[[c for c in raw if rule.get(c) == "sum"]].sum())
        out = out[[c for c in raw if c in out]].reset_index()  # the month table's order
        out = _derived(self._names(out))
        start_shops = out.shops_open - out.openings + out.closures
        out["closure_rate"] = out.closures / start_shops.where(start_shops > 0)
        return out

    @cached_property
    def costs(self) -> pd.DataFrame:
        """The public cost of the plan, district x month, in yuan, by measure: subsidy (rent
        waived, operating grants and the night staff a standing hours rule pays), capital
        (fit-out and equipment of facilities the plan opened: category ``fitout_yuan_m2`` x
        floor area), support (category ``support_yuan_visit`` x visits at the plan's public or
        contracted facilities, e.g. elder canteens' meals), operating (the plan's public
        facilities' running cost less takings; contract operators' deficits covered up to the
        cap), total; and baseline (public money for facilities there before the plan, the
        city's own: not in total)."""
        m = self.districts
        out = m[["district", "pinyin", "year", "month", "date", "in_programme"]].copy()
        out["subsidy_yuan"] = m.subsidy_yuan
        out["capital_yuan"] = m.capital_yuan
        out["support_yuan"] = m.support_yuan
        out["operating_yuan"] = m.operating_yuan
        out["total_yuan"] = m.public_cost_yuan
        out["baseline_yuan"] = m.public_baseline_yuan
        return out

    @cached_property
    def projects(self) -> pd.DataFrame:
        """The projects the plan carried out at given sites: the project lists the engine drew
        in the run (``circle_plan`` events; the /projects table), then the plan_facility
        events at given sites (lists frozen into a scenario, e.g. by ``lifecircle plan
        --freeze`` or an optimiser's package). One row a project: facility (its row of
        ``facilities``, -1 if it had not opened by the run's end), district, pinyin, category,
        list (the circle_plan event's row), round (the district's first list, second...),
        rank, site (node), x, y, idle (at an idle public site), gain (users it was to bring
        inside their ring), in_ring and in_ring_after (the category's coverage before the list
        and with its sites so far), cost_yuan (fit-out), method, drawn (the list's date), date
        (opening), operator (private, public, public_private), retender (a site reopened by
        tender after its contract operator left: list -1), expected_profit_yuan (a private
        project's expected monthly profit as drawn, the market's entry estimate),
        support_yuan_month (the grant its list gives it), open (at the end), closed (date or
        NaT), and how it fared: months_open (months from its opening to its closing, each
        counted once), visits_month and profit_yuan_month (means over those months; profit
        after the plan's subsidies and contract cover)."""
        t = self._tables["projects"]
        epoch = pd.Timestamp("1970-01-01")
        out = pd.DataFrame(
            {
                "facility": t["facility"].astype(int),
                "district": [self.districts_zh[d] for d in t["district"]],
                "pinyin": [self.districts_pinyin[d] for d in t["district"]],
                "category": [self.categories[c] for c in t["category"]],
                "list": t["list"].astype(int),
                "round": t["round"].astype(int),
                "rank": t["rank"].astype(int),
                "site": t["site"].astype(int),
                "x": t["x"],
                "y": t["y"],
                "idle": t["idle"].astype(bool),
                "gain": t["gain"].astype(float),
                "in_ring": t["in_ring"],
                "in_ring_after": t["in_ring_after"],
                "cost_yuan": t["cost_yuan"],
                "method": np.where(t["exact"] == 1, "exact", "greedy"),
                "drawn": epoch + pd.to_timedelta(t["drawn_day"], unit="D"),
                "date": epoch + pd.to_timedelta(t["open_day"], unit="D"),
                "operator": [OPERATORS[o] for o in t["operator"]],
                "retender": t["list"] < 0,
                "expected_profit_yuan": t["expected_profit_yuan"],
                "support_yuan_month": t["support_yuan_month"],
            }
        )
        out = pd.concat([out, self._fixed_projects()], ignore_index=True)
        f = self.facilities
        opened = out.facility >= 0
        out["open"] = False
        out.loc[opened, "open"] = f.open.to_numpy()[out.facility[opened]]
        out["closed"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        out.loc[opened, "closed"] = f.closed.to_numpy()[out.facility[opened]]
        # how each fared: months it kept accounts, and its mean month (visits, profit after
        # the plan's subsidies; a loss month in a row of `loss_months` closes it)
        fm = self.facility_months
        fm = fm[fm.facility.isin(out.facility)]
        # months from opening to closing: a closed facility's months after the one it closed
        # in (recorded with no visits) are not months open
        closed = self.facilities.closed.to_numpy()[fm.facility]
        start = pd.to_datetime(dict(year=fm.year, month=fm.month, day=1)).to_numpy()
        fm = fm[pd.isna(closed) | (start <= closed)].groupby("facility")
        fared = pd.DataFrame(
            {
                "months_open": fm.size(),
                "visits_month": fm.visits.mean(),
                "profit_yuan_month": fm.profit_yuan.mean(),
            }
        )
        out = out.join(fared, on="facility")
        out["months_open"] = out.months_open.fillna(0).astype(int)
        return out

    def _fixed_projects(self) -> pd.DataFrame:
        """Projects of plan_facility events at given sites (frozen lists): each matched to the
        planned facility opened on its date nearest to its place."""
        planned = self.facilities[self.facilities.origin == "planned"]
        drawn = set(self._tables["projects"]["facility"].tolist())
        planned = planned[~planned.index.isin(drawn)]
        x, y = self._tables["network"]["x"], self._tables["network"]["y"]
        rows, taken = [], set()
        for e in self.scenario.spec["events"]:
            places = e["sites_xy"] or [[float(x[s]), float(y[s])] for s in e["sites"]]
            if e["type"] != "plan_facility" or not places:
                continue
            date = pd.Timestamp(e["date"])
            same = planned[(planned.category == e["category"]) & (planned.opened == date)]
            same = same[same.district == e["district"]] if e["district"] else same
            for px, py in places:
                free = same[~same.index.isin(taken)]
                if free.empty:  # an event after the run's end
                    continue
                node = free.node.to_numpy()
                i = free.index[int(np.argmin((x[node] - px) ** 2 + (y[node] - py) ** 2))]
                taken.add(i)
                f = planned.loc[i]
                rows.append(
                    {
                        "facility": int(i),
                        "district": f.district,
                        "pinyin": f.pinyin,
                        "category": f.category,
                        "site": int(f.node),
                        "x": float(x[f.node]),
                        "y": float(y[f.node]),
                        "idle": bool(e["idle"]),
                        "gain": float(e["gain"]),
                        "cost_yuan": self.scenario.category(f.category)["fitout_yuan_m2"]
                        * float(f.floor_area_m2),
                        "method": "fixed",
                        "date": date,
                    }
                )
        return pd.DataFrame(rows)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        """District x category x year: in_ring (share of residents whose nearest open
        facility is inside the category's ring at their walking speed, at the year's end),
        shops_open (year's end), needs, served, delivered, unmet (summed over the year),
        unmet_share."""
        df = self._names(pd.DataFrame(self._tables["category_year"]))
        df["unmet_share"] = df.unmet / df.needs.where(df.needs > 0)
        cats = self.scenario.categories.set_index("key")
        df.insert(df.columns.get_loc("category") + 1, "category_zh", cats.zh.reindex(df.category).to_numpy())
        df.insert(
            df.columns.get_loc("category_zh") + 1, "class", cats["class"].reindex(df.category).to_numpy()
        )
        return df

    @cached_property
    def night(self) -> pd.DataFrame:
        """District x month, demand after 22:00 and before 06:00: night_needs, night_served,
        night_delivered, night_unmet, night_share (of all needs), night_served_share (served
        or delivered), in_programme."""
        keys = ["district", "pinyin", "year", "month", "date"]
        night = ["night_needs", "night_served", "night_delivered", "night_share", "night_served_share"]
        df = self.districts[[*keys, *night, "in_programme"]].copy()
        df.insert(8, "night_unmet", df.night_needs - df.night_served - df.night_delivered)
        return df

    @cached_property
    def survey(self) -> pd.DataFrame:
        """District x month, the emulated satisfaction survey: n (sample size), satisfied,
        share, low, high (Wilson 95% interval), and satisfaction (the whole population's
        share, which the survey estimates)."""
        names = {"survey_n": "n", "survey_satisfied": "satisfied", "survey": "share"}
        names.update({"survey_low": "low", "survey_high": "high", "satisfaction": "satisfaction"})
        m = self.districts
        return m[["district", "pinyin", "year", "month", "date", *names]].rename(columns=names)

    @cached_property
    def facilities(self) -> pd.DataFrame:
        """Every facility that existed, one row each (index = facility id). Columns: node,
        x, y (metres: its own position, for OSM the mapped point; ``node`` is where it
        stands on the network), category, district, pinyin, origin (baseline, planned,
        market, mobile), operator (private, public, public_private), opened, closed (dates;
        NaT = before the run / still open), open (at the end), open_hour, close_hour,
        floor_area_m2, cash_yuan (at the end or on closing), osm_id (node id, or minus the
        way id; 0 synthetic), also_serves (multi-function: other category keys,
        comma-separated)."""
        t = self._tables["facilities"]
        df = pd.DataFrame(
            {k: t[k] for k in ("node", "category", "district", "open_hour", "close_hour", "floor_area_m2")}
        )
        df.insert(1, "x", t["x"])
        df.insert(2, "y", t["y"])
        df = self._names(df)
        df["origin"] = np.array(ORIGINS, dtype=object)[t["origin"]]
        df["operator"] = np.array(OPERATORS, dtype=object)[t["operator"]]
        df["opened"] = pd.to_datetime([None if d == 0 else _day(d) for d in t["opened_day"]])
        df["closed"] = pd.to_datetime([None if d < 0 else _day(d) for d in t["closed_day"]])
        df["open"] = t["closed_day"] < 0
        df["cash_yuan"] = t["cash_fen"] / 100.0
        df["osm_id"] = t["osm_id"]
        extra = t["extra_categories"].astype(np.uint64)
        df["also_serves"] = [
            ",".join(c for i, c in enumerate(self.categories) if (int(e) >> i) & 1) for e in extra
        ]
        df.index.name = "facility"
        return df

    @cached_property
    def facility_months(self) -> pd.DataFrame:
        """Facility x month (months it was open in): facility, category, district, year,
        month, visits, revenue_yuan, profit_yuan, open (at the month's end)."""
        t = self._tables["facility_month"]
        fac = self.facilities
        df = pd.DataFrame(
            {
                "facility": t["facility"],
                "year": t["year"],
                "month": t["month"],
                "visits": t["visits"],
                "revenue_yuan": t["revenue_fen"] / 100.0,
                "profit_yuan": t["profit_fen"] / 100.0,
                "open": t["open"].astype(bool),
            }
        )
        df.insert(1, "category", fac.category.to_numpy()[df.facility])
        df.insert(2, "district", fac.district.to_numpy()[df.facility])
        return df

    @cached_property
    def residents(self) -> pd.DataFrame:
        """Every resident at the end of the run: home_node, household, district, pinyin,
        age_group (child, working, elderly), map_app, moved_in (date; NaT = before the run)."""
        t = self._tables["residents"]
        df = pd.DataFrame(
            {
                "home_node": t["home_node"],
                "household": t["household"],
                "district": t["district"].astype(np.int64),
            }
        )
        df = self._names(df)
        df["age_group"] = pd.Categorical.from_codes(t["age_group"], AGE_GROUPS)
        df["map_app"] = t["map_app"].astype(bool)
        df["moved_in"] = pd.to_datetime([None if d == 0 else _day(d) for d in t["added_day"]])
        return df

    @cached_property
    def network(self) -> _core.WalkNetwork:
        """The walking network (node indices as ids)."""
        n = self._tables["network"]
        ids = np.arange(len(n["x"]), dtype=np.int64)
        return _core.WalkNetwork(
            ids,
            n["x"],
            n["y"],
            n["edge_from"].astype(np.int64),
            n["edge_to"].astype(np.int64),
            n["edge_length"],
            False,
            str(self.path),
        )

    @property
    def node_district(self) -> np.ndarray:
        """District index of each node (-1 = none)."""
        return self._tables["network"]["district"]

    def summary(self, year: int | None = None, *, chance: bool = True) -> pd.DataFrame:
        """The CLI's closing table for one year (default: the last simulated): per district,
        satisfaction and survey, unmet and night service, 15-minute usage, shops, openings,
        closures, walk; with ``chance``, the chance of the scenario's target at the year's
        end over 200 draws of the satisfaction threshold from the documented prior
        (:meth:`chance`; NaN where that December was not recorded)."""
        year = self.end.year if year is None else int(year)
        y = self.years[self.years.year == year]
        if y.empty:
            raise _core.ArgumentError(f"year {year} was not simulated; the run covers {self.years_simulated}")
        out = y[SUMMARY_COLUMNS].reset_index(drop=True)
        if chance:
            m = self.score_months
            recorded = ((m.year == year) & (m.month == 12)).any()
            values = self.chance(by=f"{year}-12-31").chance.to_numpy() if recorded else np.nan
            out.insert(out.columns.get_loc("survey_high") + 1, "chance", values)
        return out

    # ------------------------------------------------------------ re-scoring
    @cached_property
    def score_months(self) -> pd.DataFrame:
        """The months whose score inputs the run recorded (``[satisfaction] record`` and
        ``record_dates``; by default every December): year, month, date (the month's first
        day), residents. :meth:`rescore` and :meth:`chance` work on these months."""
        t = self._tables.get("score_month", {})
        df = pd.DataFrame({k: t.get(k, np.zeros(0, np.int64)) for k in ("year", "month", "residents")})
        df.insert(2, "date", pd.to_datetime(dict(year=df.year, month=df.month, day=1)))
        return df

    @cached_property
    def _score_inputs(self) -> list[dict[str, Any]]:
        """Per recorded month, the engine's inputs of rescore_month (views, no copies)."""
        months = self._tables.get("score_month", {})
        rows, places = self._tables.get("score_resident", {}), self._tables.get("score_place", {})
        count = len(months.get("year", ()))
        if count == 0:
            return []
        residents = months["residents"].astype(np.int64)
        ends = np.cumsum(residents)
        place = np.stack([places["basic"], places["quality"], places["government"]], axis=1)
        per_month = len(place) // count
        if ends[-1] != len(rows["needs"]) or per_month * count != len(place):
            raise _core.InputError(f"{self.path}: its score records do not fit together (a damaged file?)")
        r = self._tables["residents"]
        normal = _core.threshold_normals(self.seed, int(residents.max()))
        out = []
        for k in range(count):
            a, b = int(ends[k] - residents[k]), int(ends[k])
            n = b - a
            out.append(
                dict(
                    year=int(months["year"][k]),
                    month=int(months["month"][k]),
                    month_index=int(months["month_index"][k]),
                    home_node=r["home_node"][:n],
                    age=r["age_group"][:n],
                    district=r["district"][:n],
                    normal=normal[:n],
                    places=place[k * per_month : (k + 1) * per_month],
                    needs=rows["needs"][a:b],
                    unmet=rows["unmet"][a:b],
                    night_unmet=rows["night_unmet"][a:b],
                )
            )
        return out

    def _require_records(self) -> None:
        if self.score_months.empty:
            raise _core.ArgumentError(
                f"{self.path}: the run recorded no month's score inputs; run it with "
                '[satisfaction] record = "year_end" (the default) or "every_month", or record_dates'
            )

    def recorded_month(self, by: str | dt.date | None = None) -> tuple[int, int]:
        """(year, month) of the recorded month (:attr:`score_months`) holding the date ``by``
        (default: the last recorded); an error naming the recorded months if it was not."""
        self._require_records()
        months = self.score_months
        if by is None:
            return int(months.year.iloc[-1]), int(months.month.iloc[-1])
        day = pd.Timestamp(by)
        if not ((months.year == day.year) & (months.month == day.month)).any():
            have = ", ".join(f"{y}-{m:02d}" for y, m in zip(months.year, months.month))
            raise _core.ArgumentError(
                f"by {day.date()}: the run did not record that month (recorded: {have}); "
                "add it to [satisfaction] record_dates (Scenario.with_satisfaction)"
            )
        return day.year, day.month

    def _recorded(self, months: Sequence[tuple[int, int]] | None) -> list[dict[str, Any]]:
        """The recorded months' rescoring inputs, those of ``months`` only if given."""
        self._require_records()
        inputs = self._score_inputs
        if months is None:
            return inputs
        wanted = {(int(y), int(m)) for y, m in months}
        missing = wanted - {(i["year"], i["month"]) for i in inputs}
        if missing:
            have = ", ".join(f"{i['year']}-{i['month']:02d}" for i in inputs)
            raise _core.ArgumentError(
                f"months {sorted(missing)} were not recorded; recorded: {have} "
                "(add dates to [satisfaction] record_dates)"
            )
        return [i for i in inputs if (i["year"], i["month"]) in wanted]

    def satisfaction_model(
        self,
        threshold_mean: float | None = None,
        threshold_sd: float | None = None,
        weights: dict[str, float] | None = None,
    ) -> dict[str, float]:
        """The run's ``[satisfaction]`` weights and threshold with the given ones in their
        place: ``weights`` by ``basic``, ``quality``, ``government``, ``unmet``, ``night``
        (or ``weight_basic`` ...); the weights must still sum to 1."""
        model = {
            k: float(v)
            for k, v in self.scenario.spec["satisfaction"].items()
            if k.startswith(("weight", "thr"))
        }
        for key, value in (weights or {}).items():
            name = key if key.startswith("weight_") else f"weight_{key}"
            if name not in model:
                raise _core.ArgumentError(
                    f"weights: no weight {key!r}; expected basic, quality, government, unmet or night"
                )
            model[name] = float(value)
        if threshold_mean is not None:
            model["threshold_mean"] = float(threshold_mean)
        if threshold_sd is not None:
            model["threshold_sd"] = float(threshold_sd)
        for name, value in model.items():
            if not 0.0 <= value <= 1.0:
                raise _core.ArgumentError(f"{name} is {value}; expected 0-1")
        total = sum(v for k, v in model.items() if k.startswith("weight_"))
        if abs(total - 1.0) > 1e-9:
            raise _core.ArgumentError(f"the weights sum to {total:.6g}; expected 1")
        return model

    def rescore(
        self,
        threshold_mean: float | None = None,
        threshold_sd: float | None = None,
        weights: dict[str, float] | None = None,
        *,
        months: Sequence[tuple[int, int]] | None = None,
    ) -> pd.DataFrame:
        """District x recorded month (:attr:`score_months`) re-scored under other satisfaction
        parameters, without a new run: exactly what a run with them would record
        (satisfaction does not feed back into behaviour; docs/model.md, "Re-scoring").
        Parameters left out keep the run's. ``months``: (year, month) pairs to keep (default:
        every recorded month). Columns: district, pinyin, year, month, date, residents,
        satisfied, satisfaction, survey_n, survey_satisfied, survey.

        Example:
            >>> res.rescore(threshold_mean=0.64).query("month == 12")[["pinyin", "year", "satisfaction"]]
        """
        model = self.satisfaction_model(threshold_mean, threshold_sd, weights)
        inputs = self._recorded(months)
        nd, sample = len(self.districts_zh), int(self.scenario.spec["survey_sample"])
        parts = []
        for i in inputs:
            satisfied, survey_n, survey_satisfied = _core.rescore_month(
                model, self.seed, i["month_index"], sample, nd, i["home_node"], i["age"], i["district"],
                i["normal"], i["places"], i["needs"], i["unmet"], i["night_unmet"],
            )  # fmt: skip
            parts.append(
                pd.DataFrame(
                    {
                        "district": np.arange(nd),
                        "year": i["year"],
                        "month": i["month"],
                        "residents": np.bincount(i["district"], minlength=nd)[:nd],
                        "satisfied": satisfied,
                        "survey_n": survey_n,
                        "survey_satisfied": survey_satisfied,
                    }
                )
            )
        df = self._names(pd.concat(parts, ignore_index=True))
        df.insert(4, "date", pd.to_datetime(dict(year=df.year, month=df.month, day=1)))
        df["satisfaction"] = df.satisfied / df.residents.where(df.residents > 0)
        df["survey"] = df.survey_satisfied / df.survey_n.where(df.survey_n > 0)
        return df

    def rescore_many(
        self,
        draws: pd.DataFrame,
        *,
        months: Sequence[tuple[int, int]] | None = None,
    ) -> pd.DataFrame:
        """:meth:`rescore` for every row of ``draws`` (threshold_mean, threshold_sd, and
        optionally weight_* columns; missing ones keep the run's), in one pass per recorded
        month and set of weights: a resident's score is computed once and compared with each
        draw's thresholds in the engine. Rows equal :meth:`rescore`'s with that draw's
        parameters. Columns: draw (the row's position), district, pinyin, year, month,
        residents, satisfied, satisfaction, survey_n, survey_satisfied, survey."""
        inputs = self._recorded(months)
        own = self.satisfaction_model()
        table = pd.DataFrame(draws).reset_index(drop=True)
        for c in ("threshold_mean", "threshold_sd"):
            if c not in table:
                table[c] = own[c]
        weights = [c for c in table.columns if c.startswith("weight_")]
        nd, sample = len(self.districts_zh), int(self.scenario.spec["survey_sample"])
        parts = []
        groups = table.groupby(weights, sort=False) if weights else [((), table)]
        for key, group in groups:
            w = dict(zip(weights, key if isinstance(key, tuple) else (key,)))
            model = self.satisfaction_model(
                float(group.threshold_mean.iloc[0]), float(group.threshold_sd.iloc[0]), w
            )
            means = group.threshold_mean.to_numpy(float)
            sds = group.threshold_sd.to_numpy(float)
            if ((means < 0) | (means > 1) | (sds < 0) | (sds > 1)).any():
                raise _core.ArgumentError("draws: threshold_mean and threshold_sd must lie in 0-1")
            for i in inputs:
                satisfied, survey_n, survey_satisfied = _core.rescore_month_thresholds(
                    model, means, sds, self.seed, i["month_index"], sample, nd, i["home_node"], i["age"],
                    i["district"], i["normal"], i["places"], i["needs"], i["unmet"], i["night_unmet"],
                )  # fmt: skip
                k = len(group)
                parts.append(
                    pd.DataFrame(
                        {
                            "draw": np.repeat(group.index.to_numpy(), nd),
                            "district": np.tile(np.arange(nd), k),
                            "year": i["year"],
                            "month": i["month"],
                            "residents": np.tile(np.bincount(i["district"], minlength=nd)[:nd], k),
                            "satisfied": satisfied,
                            "survey_n": np.tile(survey_n, k),
                            "survey_satisfied": survey_satisfied,
                        }
                    )
                )
        df = pd.concat(parts, ignore_index=True)
        df = df.sort_values(["draw", "year", "month", "district"], kind="stable", ignore_index=True)
        df = self._names(df)
        df["satisfaction"] = df.satisfied / df.residents.where(df.residents > 0)
        df["survey"] = df.survey_satisfied / df.survey_n.where(df.survey_n > 0)
        return df

    def chance(
        self,
        target: float | None = None,
        *,
        by: str | dt.date | None = None,
        draws: pd.DataFrame | int | None = 200,
        measure: str = "share",
        seed: int = 0,
    ) -> pd.DataFrame:
        """Per district, the probability of reaching ``target`` by ``by`` over satisfaction
        parameter draws, by default 200 from the documented prior (:func:`lifecircle.chance`,
        which takes several runs too)."""
        return method("Results.chance")(self, target, by=by, draws=draws, measure=measure, seed=seed)

    def table(self, name: str) -> dict[str, np.ndarray]:
        """A table of the results file as stored (docs/results.md): its columns by name, e.g.
        ``table("network")["x"]`` or ``table("facilities")["open_slots"]``."""
        if name not in self._tables:
            raise _core.ArgumentError(f"no table {name!r}; the file holds {', '.join(self._tables)}")
        return self._tables[name]

    def district_index(self, name: str) -> int:
        """A district's row (in :attr:`districts_zh`), by its Chinese or pinyin name."""
        for i, (zh, py) in enumerate(zip(self.districts_zh, self.districts_pinyin)):
            if name in (zh, py):
                return i
        raise _core.ArgumentError(
            f"no district named {name!r}; the districts are "
            + ", ".join(f"{a} ({b})" for a, b in zip(self.districts_zh, self.districts_pinyin))
        )

    # ------------------------------------------------------------ state on a day
    def year_end(self, year: int) -> dt.date:
        """The last simulated day of ``year``; an ArgumentError for a year not simulated."""
        if year not in self.years_simulated:
            raise _core.ArgumentError(f"year {year} was not simulated; the run covers {self.years_simulated}")
        return min(dt.date(year, 12, 31), self.end)

    def open_on(self, day: dt.date) -> pd.Series:
        """Boolean per facility: open at the end of ``day``. On a month's last day that is
        after the month end's closures and market entries (entrants open the next day, as
        the engine counts them in its year-end coverage)."""
        t = self._tables["facilities"]
        d = (day - EPOCH).days
        opened = t["opened_day"] <= d
        if (day + dt.timedelta(days=1)).day == 1:  # a month end: its entrants count
            opened |= (t["opened_day"] == d + 1) & (t["origin"] == ORIGINS.index("market"))
        return pd.Series(
            opened & ((t["closed_day"] < 0) | (t["closed_day"] > d)), index=self.facilities.index
        )

    def serves(self, category: str | int) -> np.ndarray:
        """Boolean per facility: it serves ``category`` (key or index), as its own category
        or as one of a multi-function shop's others."""
        c = self.categories.index(category) if isinstance(category, str) else int(category)
        t = self._tables["facilities"]
        return _core.serves(t["category"], t["extra_categories"], c)

    def residents_on(self, day: dt.date) -> pd.DataFrame:
        """Residents living in the city at the end of ``day``."""
        r = self.residents
        return r[r.moved_in.isna() | (r.moved_in <= pd.Timestamp(day))]

    def candidate_sites(self, district: int | str) -> np.ndarray:
        """Nodes where a new facility of the district may stand: its commercial nodes, else
        all its nodes (as the engine's candidate_sites)."""
        d = self.district_index(district) if isinstance(district, str) else int(district)
        n = self._tables["network"]
        return _core.candidate_sites(n["x"], n["y"], n["district"], n["commercial"], d)

    # ------------------------------------------------------------ analyses and outputs
    # One-line calls into the modules above this one, which carry them out (lifecircle._methods).
    def node_distance(
        self, category: str, year: int | None = None, *, day: dt.date | None = None, extra: Sequence[int] = ()
    ) -> np.ndarray:
        """Walking distance (m) from each node to the nearest facility of ``category`` open at
        the end of ``year`` or ``day`` (:func:`lifecircle.access.node_distance`)."""
        return method("Results.node_distance")(self, category, year, day=day, extra=extra)

    def in_ring(self, category: str, year: int) -> pd.Series:
        """Per resident living there at the end of ``year``: the nearest open facility of
        ``category`` lies inside the ring (:func:`lifecircle.access.in_ring`)."""
        return method("Results.in_ring")(self, category, year)

    def access_by_slot(self, year: int | None = None, *, categories: list[str] | None = None) -> pd.DataFrame:
        """Per district, category and time slot: residents with a facility open during the
        slot inside their ring (:func:`lifecircle.access.access_by_slot`)."""
        return method("Results.access_by_slot")(self, year, categories=categories)

    def fairness(
        self, years: int | list[int] | None = None, *, categories: list[str] | None = None
    ) -> pd.DataFrame:
        """Gini and Palma of walking distance to each basic category, per district and year
        (:func:`lifecircle.access.fairness`)."""
        return method("Results.fairness")(self, years, categories=categories)

    @property
    def usage(self) -> pd.DataFrame:
        """15-minute usage per district and year: the share of served trips whose walk took
        15 minutes or less (:func:`lifecircle.access.usage`)."""
        return method("Results.usage")(self)

    def gaps(self, year: int | None = None, **options: Any) -> pd.DataFrame:
        """One map and one list per circle (一图一清单): each district's categories below the
        target coverage at the end of ``year`` and recommended sites; options target, sites,
        districts, categories, method (:func:`lifecircle.gaps.gaps`).

        Example:
            >>> res.gaps(2025, target=0.9, sites=3, method="exact")
        """
        return method("Results.gaps")(self, year, **options)

    def cost_summary(self, year: int | None = None, *, baseline: Results | None = None) -> pd.DataFrame:
        """Per district, the public cost to the end of ``year`` and what it bought, against a
        ``baseline`` run or since the first month (:func:`lifecircle.costs.cost_summary`)."""
        return method("Results.cost_summary")(self, year, baseline=baseline)

    def map(
        self,
        path: str | PathLike | None = None,
        *,
        lang: str = "zh",
        progress: bool = False,
        compare: Results | None = None,
        isochrones: Any = None,
    ) -> MapPage:
        """The interactive living-circle map (:func:`lifecircle.webmap.map_page`): shown inline
        in Jupyter; with ``path``, also written there as one self-contained HTML file. With
        ``compare`` (another run of the same town and period), both on one map: coverage
        difference, facilities in one run only, both runs' numbers side by side; with
        ``isochrones`` (:meth:`isochrones`), the walking-time areas drawn.

        Example:
            >>> res.map()                      # in a notebook
            >>> res.map("out/map.html")        # a file that opens with no network
            >>> plan.map("cmp.html", compare=base)
        """
        return method("Results.map")(
            self, path, lang=lang, progress=progress, compare=compare, isochrones=isochrones
        )

    def isochrones(self, points: Any = None, **options: Any) -> Any:
        """Walking-time areas (:func:`lifecircle.isochrones.isochrones`): polygons reachable
        on foot within each time from ``points`` or from a category's open facilities
        (``facilities="convenience"``), at the residents' walking speeds; options minutes,
        ages, year, buffer_m. A GeoDataFrame in WGS84 (the ``gis`` extra).

        Example:
            >>> iso = res.isochrones(facilities="convenience", minutes=(5, 10, 15))
            >>> iso.to_file("areas.gpkg"); res.map("map.html", isochrones=iso)
        """
        return method("Results.isochrones")(self, points, **options)

    def export(self, path: str | PathLike, *, year: int | None = None) -> list[Path]:
        """GIS layers in WGS84 (:func:`lifecircle.gis.export`): a GeoPackage (``.gpkg``) or
        GeoJSON files (``.geojson``, one a layer). Needs the ``gis`` extra."""
        return method("Results.export")(self, path, year=year)

    @cached_property
    def plot(self) -> Plotter:
        """Charts of these results (see :class:`lifecircle.plot.Plotter`)."""
        return method("Results.plot")(self)


def results_columns() -> pd.DataFrame:
    """Every column of a results file: table (HDF5 group), name, type, unit and meaning.

    The recorder writes the file from this very list (``sim/results_schema.cpp``), and
    ``docs/results.md`` describes each column.

    Example:
        >>> lc.results_columns().query("table == 'district_month'")[["name", "unit"]]
    """
    return pd.DataFrame(_core.results_columns())
