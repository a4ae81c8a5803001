"""Results of a run, read from its HDF5 file (layout: docs/results.md) as pandas DataFrames.

Every table names districts in Chinese (``district``) and pinyin (``pinyin``) and categories
by key (``category``); money is in yuan, shares are 0-1, times are minutes.
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
from lifecircle.scenario import AGE_GROUPS, Scenario

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.plot import Plotter

ORIGINS: tuple[str, ...] = _core.FACILITY_ORIGINS
EPOCH = dt.date(1970, 1, 1)
#: Default coverage target of a gap list: the share of a district's residents who should
#: have the category inside its ring [E: the plan's 90% satisfaction target, applied per
#: category].
GAP_TARGET = 0.9


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
        cost of the plan in the month: subsidy_yuan (rent waived and operating grants),
        capital_yuan (fit-out of facilities the plan opened), support_yuan (operating support
        per visit), public_cost_yuan (their sum)."""
        t = self._tables["district_month"]
        df = self._names(pd.DataFrame(t))
        df.insert(4, "date", pd.to_datetime(dict(year=df.year, month=df.month, day=1)))
        needs = df.needs.where(df.needs > 0)
        df["satisfaction"] = df.satisfied / df.residents.where(df.residents > 0)
        df["survey"] = df.survey_satisfied / df.survey_n.where(df.survey_n > 0)
        df["unmet_share"] = df.unmet / needs
        df["delivered_share"] = df.delivered / needs
        df["night_share"] = df.night_needs / needs
        night = df.night_needs.where(df.night_needs > 0)
        df["night_served_share"] = (df.night_served + df.night_delivered) / night
        df["walk_minutes"] = df.walk_deciminutes / 10.0 / df.served.where(df.served > 0)
        df["usage_15min"] = df.served_15min / df.served.where(df.served > 0)
        df["spend_yuan"] = df.spend_fen / 100.0
        df["in_programme"] = df.in_programme.astype(bool)
        for k in ("subsidy", "capital", "support"):
            df[f"{k}_yuan"] = df[f"{k}_fen"] / 100.0
        df["public_cost_yuan"] = df.subsidy_yuan + df.capital_yuan + df.support_yuan
        return df.drop(columns=["walk_deciminutes", "spend_fen", "subsidy_fen", "capital_fen", "support_fen"])

    @cached_property
    def years(self) -> pd.DataFrame:
        """District x year: flows summed over the year, states at its last simulated month.
        Columns: district, pinyin, year, residents, satisfaction, survey, survey_low,
        survey_high, needs, served, delivered, unmet, unmet_share, night_share,
        night_served_share, walk_minutes, served_15min, usage_15min (share of served trips
        of a 15-minute walk or less), spend_yuan, shops_open (end), openings, closures,
        closure_rate (closures / shops open at the start of the year), in_programme."""
        m = self.districts
        flows = [
            "needs",
            "served",
            "delivered",
            "unmet",
            "night_needs",
            "night_served",
            "night_delivered",
            "served_15min",
            "spend_yuan",
            "subsidy_yuan",
            "capital_yuan",
            "support_yuan",
            "public_cost_yuan",
            "openings",
            "closures",
        ]
        g = m.groupby(["district", "pinyin", "year"], sort=False)
        out = g[flows].sum()
        last = g[
            ["residents", "satisfaction", "survey", "survey_low", "survey_high", "shops_open", "in_programme"]
        ].last()
        out = last.join(out).reset_index()
        walk = (m.walk_minutes * m.served).groupby([m.district, m.year], sort=False).sum().to_numpy()
        out["walk_minutes"] = walk / out.served.where(out.served > 0)
        out["usage_15min"] = out.served_15min / out.served.where(out.served > 0)
        out["unmet_share"] = out.unmet / out.needs.where(out.needs > 0)
        out["night_share"] = out.night_needs / out.needs.where(out.needs > 0)
        out["night_served_share"] = (out.night_served + out.night_delivered) / out.night_needs.where(
            out.night_needs > 0
        )
        start_shops = out.shops_open - out.openings + out.closures
        out["closure_rate"] = out.closures / start_shops.where(start_shops > 0)
        return out

    @cached_property
    def costs(self) -> pd.DataFrame:
        """The public cost of the plan, district x month, in yuan: subsidy (rent waived and
        operating grants paid to shops), capital (fit-out and equipment of facilities the plan
        opened: category ``fitout_yuan_m2`` x floor area), support (category
        ``support_yuan_visit`` x visits, e.g. elder canteens' meals), total."""
        m = self.districts
        out = m[["district", "pinyin", "year", "month", "date", "in_programme"]].copy()
        out["subsidy_yuan"] = m.subsidy_yuan
        out["capital_yuan"] = m.capital_yuan
        out["support_yuan"] = m.support_yuan
        out["total_yuan"] = m.public_cost_yuan
        return out

    @cached_property
    def projects(self) -> pd.DataFrame:
        """The project list the scenario carried out (plan_facility events at given sites,
        e.g. from ``Scenario.with_project_lists``): one row a facility opened by it, with
        district, pinyin, category, site (node), date (opened), cost_yuan (fit-out x floor
        area), gain (residents it was to bring inside the ring, as planned), idle (at an idle
        public site), open (at the end), closed (date or NaT), and how it fared: months_open
        (months recorded), visits_month and profit_yuan_month (means over them; profit after
        the plan's subsidies)."""
        cats = self.scenario.data["categories"]
        planned = self.facilities[self.facilities.origin == "planned"]
        x, y = self._tables["network"]["x"], self._tables["network"]["y"]
        rows, taken = [], set()
        for e in self.scenario.data.get("events", []):
            places = e.get("sites_xy") or [[float(x[s]), float(y[s])] for s in e.get("sites", [])]
            if e["type"] != "plan_facility" or not places:
                continue
            date = pd.Timestamp(e["date"])
            same = planned[(planned.category == e["category"]) & (planned.opened == date)]
            same = same[same.district == e["district"]] if "district" in e else same
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
                        "date": date,
                        "cost_yuan": float(cats[f.category].get("fitout_yuan_m2", 1500))
                        * float(f.floor_area_m2),
                        "gain": float(e.get("gain", 0.0)),
                        "idle": bool(e.get("idle", False)),
                        "open": bool(f.open),
                        "closed": f.closed,
                    }
                )
        cols = [
            "facility",
            "district",
            "pinyin",
            "category",
            "site",
            "date",
            "cost_yuan",
            "gain",
            "idle",
            "open",
            "closed",
        ]
        out = pd.DataFrame(rows, columns=cols)
        # how each fared: months it kept accounts, and its mean month (visits, profit after
        # the plan's subsidies; a loss month in a row of `loss_months` closes it)
        fm = self.facility_months
        fm = fm[fm.facility.isin(out.facility)].groupby("facility")
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

    def cost_summary(self, year: int | None = None, *, baseline: Results | None = None) -> pd.DataFrame:
        """Per district, from the run's start to the end of ``year`` (default: the last): the
        public cost by measure and in all, and what it bought: residents newly inside the ring
        (summed over the basic categories), satisfaction points gained (percentage points),
        and yuan for each.

        With ``baseline`` (the same city without the plan, or with another one: a run of the
        same period), everything is against it: the extra cost, and the residents in the ring
        and the satisfaction at the year's end above the baseline's: what the plan bought.
        Without it, the gains are since the end of the first month, which also holds what the
        market did on its own. A gain of zero or less gives no ratio (NaN)."""
        year = self.end.year if year is None else int(year)

        def costs(r: Results) -> pd.DataFrame:
            c = r.costs[r.costs.year <= year]
            cols = ["subsidy_yuan", "capital_yuan", "support_yuan", "total_yuan"]
            return c.groupby(["district", "pinyin"], sort=False)[cols].sum()

        m = self.districts
        basic = [k for k in self.categories if self.scenario.data["categories"][k]["class"] == "basic"]
        last = m[(m.year == year)].groupby("district", sort=False).last()
        end = self._category_shares_at(self._year_end(year), basic)
        out = costs(self)
        if baseline is not None:
            out = out - costs(baseline).reindex(out.index, fill_value=0.0)
            bm = baseline.districts
            before_sat = bm[bm.year == year].groupby("district", sort=False).last().satisfaction
            before = baseline._category_shares_at(baseline._year_end(year), basic)
        else:
            first = m[m.date == m.date.min()].set_index("district")
            before_sat = first.satisfaction
            before = self._category_shares_at(
                dt.date(int(first.year.iloc[0]), int(first.month.iloc[0]), 1), basic
            )
        out = out.reset_index()
        zh = out.district.to_numpy()
        out["residents_newly_covered"] = (end.reindex(zh).to_numpy() - before.reindex(zh).to_numpy()).round()
        out["satisfaction_points"] = 100 * (
            last.satisfaction.reindex(zh).to_numpy() - before_sat.reindex(zh).to_numpy()
        )
        gain = out.residents_newly_covered.where(out.residents_newly_covered > 0)
        out["yuan_per_resident_covered"] = out.total_yuan / gain
        out["yuan_per_point"] = out.total_yuan / out.satisfaction_points.where(out.satisfaction_points > 0)
        return out

    def _category_shares_at(self, day: dt.date, categories: list[str]) -> pd.Series:
        """Per district: residents inside the ring, summed over `categories`, at the end of
        the month holding ``day`` (its last day), as the engine counts coverage."""
        end = (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()
        end = min(end, self.end)
        people = self.residents_on(end)
        total = pd.Series(0.0, index=self.districts_zh)
        for c in categories:
            ring = self.ring_metres(c)
            dist = self.node_distance(c, day=end)
            inside = dist[people.home_node.to_numpy()] <= ring[people.age_group.cat.codes.to_numpy()]
            total = total.add(pd.Series(inside).groupby(people.district.to_numpy()).sum(), fill_value=0)
        return total

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
        m = self.districts
        df = m[
            [
                "district",
                "pinyin",
                "year",
                "month",
                "date",
                "night_needs",
                "night_served",
                "night_delivered",
                "night_share",
                "night_served_share",
                "in_programme",
            ]
        ].copy()
        df.insert(8, "night_unmet", df.night_needs - df.night_served - df.night_delivered)
        return df

    @cached_property
    def survey(self) -> pd.DataFrame:
        """District x month, the emulated satisfaction survey: n (sample size), satisfied,
        share, low, high (Wilson 95% interval), and satisfaction (the whole population's
        share, which the survey estimates)."""
        m = self.districts
        return pd.DataFrame(
            {
                "district": m.district,
                "pinyin": m.pinyin,
                "year": m.year,
                "month": m.month,
                "date": m.date,
                "n": m.survey_n,
                "satisfied": m.survey_satisfied,
                "share": m.survey,
                "low": m.survey_low,
                "high": m.survey_high,
                "satisfaction": m.satisfaction,
            }
        )

    @cached_property
    def facilities(self) -> pd.DataFrame:
        """Every facility that existed, one row each (index = facility id). Columns: node,
        x, y (metres: its own position, for OSM the mapped point; ``node`` is where it
        stands on the network), category, district, pinyin, origin (baseline, planned,
        market, mobile), opened, closed (dates; NaT = before the run / still open), open (at
        the end), open_hour, close_hour, floor_area_m2, cash_yuan (at the end or on
        closing), osm_id (node id, or minus the way id; 0 synthetic), also_serves
        (multi-function: other category keys, comma-separated)."""
        t = self._tables["facilities"]
        df = pd.DataFrame(
            {k: t[k] for k in ("node", "category", "district", "open_hour", "close_hour", "floor_area_m2")}
        )
        df.insert(1, "x", t["x"])
        df.insert(2, "y", t["y"])
        df = self._names(df)
        df["origin"] = np.array(ORIGINS, dtype=object)[t["origin"]]
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

    def summary(self, year: int | None = None) -> pd.DataFrame:
        """The CLI's closing table for one year (default: the last simulated): per district,
        satisfaction and survey, unmet and night service, 15-minute usage, shops, openings,
        closures, walk."""
        year = self.end.year if year is None else int(year)
        y = self.years[self.years.year == year]
        if y.empty:
            raise _core.ArgumentError(f"year {year} was not simulated; the run covers {self.years_simulated}")
        return y[
            [
                "district",
                "pinyin",
                "in_programme",
                "satisfaction",
                "survey",
                "survey_low",
                "survey_high",
                "unmet_share",
                "night_served_share",
                "usage_15min",
                "shops_open",
                "openings",
                "closures",
                "walk_minutes",
            ]
        ].reset_index(drop=True)

    # ------------------------------------------------------------ state on a day
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

    def _year_end(self, year: int) -> dt.date:
        if year not in self.years_simulated:
            raise _core.ArgumentError(f"year {year} was not simulated; the run covers {self.years_simulated}")
        return min(dt.date(year, 12, 31), self.end)

    def _serves(self, c: int) -> np.ndarray:
        t = self._tables["facilities"]
        extra = (t["extra_categories"].astype(np.uint64) >> np.uint64(c)) & np.uint64(1)
        return (t["category"] == c) | (extra == 1)

    def ring_metres(self, category: str) -> np.ndarray:
        """The category's ring in metres for each age group (ring minutes at its speed)."""
        ring = self.scenario.data["categories"][category]["ring_minutes"]
        speed = self.scenario.data["walking_speed"]
        return np.array([ring * 60.0 * speed[a] for a in AGE_GROUPS])

    def node_distance(
        self, category: str, year: int | None = None, *, day: dt.date | None = None, extra: Sequence[int] = ()
    ) -> np.ndarray:
        """Walking distance (m) from each node to the nearest facility of ``category`` open
        at the end of ``year`` (or of ``day``), or at one of the ``extra`` nodes (facilities
        planned there); inf beyond the ring at the fastest speed."""
        if (year is None) == (day is None):
            raise _core.ArgumentError("node_distance: give a year or a day")
        c = self.categories.index(category)
        t = self._tables["facilities"]
        open_ = self.open_on(self._year_end(year) if day is None else day).to_numpy() & self._serves(c)
        nodes = np.concatenate([t["node"][open_], np.asarray(extra, dtype=t["node"].dtype)])
        dist, _ = self.network.reach(nodes.astype(np.uint32), 1, float(self.ring_metres(category).max()))
        return dist[:, 0]

    def residents_on(self, day: dt.date) -> pd.DataFrame:
        """Residents living in the city at the end of ``day``."""
        r = self.residents
        return r[r.moved_in.isna() | (r.moved_in <= pd.Timestamp(day))]

    def in_ring(self, category: str, year: int) -> pd.Series:
        """Per resident living there at the end of ``year``: the nearest open facility of
        ``category`` lies inside its ring at the resident's walking speed."""
        r = self.residents_on(self._year_end(year))
        dist = self.node_distance(category, year)[r.home_node.to_numpy()]
        return pd.Series(dist <= self.ring_metres(category)[r.age_group.cat.codes.to_numpy()], index=r.index)

    # ------------------------------------------------------------ access by the hour, fairness, usage
    def access_by_slot(self, year: int | None = None, *, categories: list[str] | None = None) -> pd.DataFrame:
        """Per district, category and time slot: residents with a facility open during the
        slot inside their ring (see :func:`lifecircle.access.access_by_slot`)."""
        from lifecircle import access

        return access.access_by_slot(self, year, categories=categories)

    def fairness(
        self, years: int | list[int] | None = None, *, categories: list[str] | None = None
    ) -> pd.DataFrame:
        """Gini and Palma of walking distance to each basic category, per district and year
        (see :func:`lifecircle.access.fairness`)."""
        from lifecircle import access

        return access.fairness(self, years, categories=categories)

    @property
    def usage(self) -> pd.DataFrame:
        """15-minute usage per district and year: the share of served trips whose walk took
        15 minutes or less (see :func:`lifecircle.access.usage`)."""
        from lifecircle import access

        return access.usage(self)

    # ------------------------------------------------------------ gap lists (一图一清单)
    def gaps(
        self,
        year: int | None = None,
        *,
        target: float = GAP_TARGET,
        sites: int = 3,
        districts: list[str] | None = None,
        categories: list[str] | None = None,
        method: str = "greedy",
    ) -> pd.DataFrame:
        """One map and one list per circle: what each district still lacks.

        For each district and category whose ring coverage at the end of ``year`` is below
        ``target``: the residents outside the ring, and up to ``sites`` recommended sites
        chosen by greedy maximal coverage among the district's commercial nodes (each the
        site bringing the most still-uncovered residents inside the ring, at working-age
        walking speed, as the engine sites planned facilities).

        Args:
            year: the year whose end is examined (default: the last simulated).
            target: coverage share (0-1) a category should reach.
            sites: recommended sites per gap (0 for none).
            districts: district names (Chinese or pinyin) to examine (default: all).
            categories: category keys to examine (default: all).
            method: ``"greedy"`` (each site the best given those before it, as the engine
                sites planned facilities) or ``"exact"`` (the maximal covering programme
                solved by HiGHS: the most residents any ``sites`` sites can bring inside;
                lifecircle.covering).

        Returns:
            One row per gap, worst first within each district: district, pinyin, category,
            category_zh, class, in_ring, target, residents, residents_outside, shops_open,
            sites (list of node indices), site_x, site_y (lists, metres), site_gain (list:
            residents each site brings inside the ring), in_ring_after (coverage with the
            sites).
        """
        if method not in ("greedy", "exact"):
            raise _core.ArgumentError(f"method {method!r}: expected 'greedy' or 'exact'")
        from lifecircle.covering import max_cover

        year = self.end.year if year is None else int(year)
        end = self._year_end(year)
        people = self.residents_on(end)
        per_node = np.bincount(people.home_node.to_numpy(), minlength=len(self.node_district)).astype(float)
        names = list(range(len(self.districts_zh)))
        if districts is not None:
            names = [self._district_index(n) for n in districts]
        cats = categories or self.categories
        for c in cats:
            if c not in self.categories:
                raise _core.ArgumentError(
                    f"no category {c!r}; the categories are {', '.join(self.categories)}"
                )
        cov = self.coverage
        cov = cov[cov.year == year]
        cat_table = self.scenario.categories.set_index("key")
        x, y = self._tables["network"]["x"], self._tables["network"]["y"]
        rows = []
        for c in cats:
            inside = self.in_ring(c, year)
            dist = None
            for d in names:
                members = people.index[people.district == self.districts_zh[d]]
                n = len(members)
                if n == 0:
                    continue
                share = float(inside.loc[members].mean())
                if share >= target:
                    continue
                row = {
                    "district": self.districts_zh[d],
                    "pinyin": self.districts_pinyin[d],
                    "category": c,
                    "category_zh": cat_table.zh[c],
                    "class": cat_table["class"][c],
                    "in_ring": share,
                    "target": target,
                    "residents": n,
                    "residents_outside": int(n - inside.loc[members].sum()),
                    "shops_open": int(
                        cov[(cov.district == self.districts_zh[d]) & (cov.category == c)].shops_open.sum()
                    ),
                }
                nodes, gains = np.array([], dtype=np.uint32), np.array([])
                if sites > 0:
                    if dist is None:
                        dist = self.node_distance(c, year)
                    ring = float(self.ring_metres(c)[1])
                    nd = self.node_district
                    weights = np.where(nd == d, per_node, 0.0)
                    covered = (dist <= ring).astype(np.uint8)
                    if method == "greedy":
                        nodes, gains = self.network.greedy_sites(
                            self._candidates(d), weights, covered, ring, sites
                        )
                    else:
                        demand = np.flatnonzero((weights > 0) & (covered == 0))
                        cover = max_cover(
                            self.network, self._candidates(d), demand, weights[demand], ring, sites
                        )
                        nodes, gains = cover.sites, cover.gains
                    keep = gains > 0
                    nodes, gains = nodes[keep], gains[keep]
                row.update(
                    {
                        "sites": nodes.tolist(),
                        "site_x": x[nodes].tolist(),
                        "site_y": y[nodes].tolist(),
                        "site_gain": gains.astype(int).tolist(),
                        "in_ring_after": min(1.0, share + gains.sum() / n) if n else share,
                    }
                )
                rows.append(row)
        cols = [
            "district",
            "pinyin",
            "category",
            "category_zh",
            "class",
            "in_ring",
            "target",
            "residents",
            "residents_outside",
            "shops_open",
            "sites",
            "site_x",
            "site_y",
            "site_gain",
            "in_ring_after",
        ]
        out = pd.DataFrame(rows, columns=cols)
        order = {name: i for i, name in enumerate(self.districts_zh)}
        out["_d"] = out.district.map(order)
        return out.sort_values(["_d", "in_ring"], kind="stable").drop(columns="_d").reset_index(drop=True)

    def _district_index(self, name: str) -> int:
        for i, (zh, py) in enumerate(zip(self.districts_zh, self.districts_pinyin)):
            if name in (zh, py):
                return i
        raise _core.ArgumentError(
            f"no district named {name!r}; the districts are "
            + ", ".join(f"{a} ({b})" for a, b in zip(self.districts_zh, self.districts_pinyin))
        )

    def _candidates(self, d: int) -> np.ndarray:
        """Candidate sites of district d: its commercial nodes, else all its nodes (as the
        engine's candidate_sites)."""
        nd = self.node_district
        commercial = self._tables["network"]["commercial"].astype(bool)
        nodes = np.flatnonzero((nd == d) & commercial)
        if len(nodes) == 0:
            nodes = np.flatnonzero(nd == d)
        return nodes.astype(np.uint32)

    def _idle_sites(self, d: int) -> np.ndarray:
        """District d's idle public sites (its ``idle_sites_xy``): each its nearest node of the
        district, of any kind (as the engine places a plan_facility event marked idle)."""
        name = self.districts_zh[d]
        spec = next(x for x in self.scenario.data["districts"] if x["name"] == name)
        nodes = np.flatnonzero(self.node_district == d)
        if len(nodes) == 0:
            return np.zeros(0, dtype=np.uint32)
        x, y = self._tables["network"]["x"][nodes], self._tables["network"]["y"][nodes]
        out: list[int] = []
        for px, py in spec.get("idle_sites_xy", []):
            v = int(nodes[int(np.argmin((x - px) ** 2 + (y - py) ** 2))])
            if v not in out:
                out.append(v)
        return np.array(out, dtype=np.uint32)

    # ------------------------------------------------------------ map page and GIS files
    def map(self, path: str | PathLike | None = None, *, lang: str = "zh", progress: bool = False):
        """The interactive living-circle map (lifecircle.webmap): shown inline in Jupyter;
        with ``path``, also written there as one self-contained HTML file.

        Example:
            >>> res.map()                      # in a notebook
            >>> res.map("out/map.html")        # a file that opens with no network
        """
        from lifecircle.webmap import MapPage, page_html

        page = MapPage(page_html(self, lang=lang, progress=progress))
        if path is not None:
            page.save(path)
        return page

    def export(self, path: str | PathLike, *, year: int | None = None) -> list[Path]:
        """GIS layers in WGS84 (lifecircle.gis): a GeoPackage (``.gpkg``) or GeoJSON files
        (``.geojson``, one a layer). Needs geopandas and pyogrio."""
        from lifecircle.gis import export

        return export(self, path, year=year)

    # ------------------------------------------------------------ plots
    @cached_property
    def plot(self) -> Plotter:
        """Charts of these results (see :class:`lifecircle.plot.Plotter`)."""
        from lifecircle.plot import Plotter

        return Plotter(self)


def results_columns() -> pd.DataFrame:
    """Every column of a results file: table (HDF5 group), name, type, unit and meaning.

    The recorder writes the file from this very list (``sim/results_schema.cpp``), and
    ``docs/results.md`` describes each column.

    Example:
        >>> lc.results_columns().query("table == 'district_month'")[["name", "unit"]]
    """
    return pd.DataFrame(_core.results_columns())
