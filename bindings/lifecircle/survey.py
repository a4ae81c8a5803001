"""Residents' satisfaction surveys, read in: ``lc.Survey.load(path)`` (CSV or XLSX).

The plan measures satisfaction by survey (plan item 1; PARAMETERS.md "Satisfaction"); this
module takes a survey's results in, checked against the city and the period of a run, as the
tidy table :func:`lifecircle.calibrate_satisfaction` fits the model to. Two shapes of file:

- **aggregated**: one row per district (its Chinese name or pinyin) or community and date,
  with ``respondents`` and ``satisfied`` (counts);
- **one row per respondent**: a home (``x``, ``y`` in the city's metres, ``lon``, ``lat`` in
  WGS-84 degrees, a ``node`` of the run's network, or a ``district``), a ``date`` and an
  ``answer`` (yes/no, 1/0, true/false, 满意/不满意, 是/否 ...).

Column names may be English or Chinese (:data:`COLUMNS`). Bad input (an unknown district, a
row with 0 respondents, more satisfied than respondents, a date outside the run, a home
outside the city, a missing column, an answer that is neither) raises
:class:`lifecircle.InputError` naming the file, the row as a spreadsheet shows it (the header
is row 1) and the column, with what was expected; nothing is half-read.

    >>> survey = lc.Survey.load("survey-2025.xlsx", city=res)
    >>> survey.table            # district, pinyin, date, respondents, satisfied, share
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any, Union

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle._tables import find_column, read_table, row_label
from lifecircle.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

#: What a survey is checked against: a run's results (names, period and streets), a scenario
#: (names and period), or None (the built-in Yunfu scenario's names; no period check).
City = Union["Results", Scenario, None]

#: Names tried, in order (any case), for each column of a survey table.
COLUMNS: dict[str, tuple[str, ...]] = {
    "district": ("district", "pinyin", "片区", "district_name", "片区名称"),
    "community": ("community", "社区", "社区名称"),
    "date": ("date", "survey_date", "日期", "调查日期"),
    "respondents": ("respondents", "n", "受访人数", "样本量", "样本数", "调查人数"),
    "satisfied": ("satisfied", "满意人数"),
    "answer": ("answer", "satisfied", "是否满意", "满意", "满意度", "回答"),
    "x": ("x",),
    "y": ("y",),
    "lon": ("lon", "lng", "longitude", "经度"),
    "lat": ("lat", "latitude", "纬度"),
    "node": ("node", "home_node", "node_id"),
}
#: Answers read as satisfied (True) or not (False), compared without case or surrounding spaces.
ANSWERS: dict[str, bool] = {
    **dict.fromkeys(("1", "yes", "y", "true", "satisfied", "满意", "是", "非常满意", "比较满意"), True),
    **dict.fromkeys(
        ("0", "no", "n", "false", "not satisfied", "unsatisfied", "dissatisfied", "不满意", "否")
        + ("非常不满意", "不太满意", "比较不满意"),
        False,
    ),
}
#: Answers of a five-point scale whose reading depends on the survey's own definition of
#: "satisfied": never guessed; give ``answers={"一般": False, "基本满意": True}``.
AMBIGUOUS = ("一般", "基本满意", "neutral", "neither", "somewhat satisfied")
#: A home farther than this from every node of the run's network is outside the city, metres.
SNAP_METRES = 300.0
#: The tidy table's columns.
TABLE_COLUMNS = ["district", "pinyin", "date", "respondents", "satisfied", "share"]


class Survey:
    """A satisfaction survey: per district and date, respondents and how many were satisfied.

    Attributes:
        table: the tidy table, one row per district and date (districts in the city's order,
            then dates): district (Chinese), pinyin, date (a day), respondents, satisfied, and
            share (satisfied / respondents).
        source: where it came from (a file's path, or what made it).

    Example:
        >>> survey = lc.Survey.load("survey.csv", city=res)
        >>> survey.table.groupby("district").share.mean()
        >>> sc = sc.with_satisfaction(record_dates=survey.record_dates)  # months to re-score
    """

    def __init__(self, table: pd.DataFrame, *, source: str = "table") -> None:
        missing = [c for c in ("district", "pinyin", "date", "respondents", "satisfied") if c not in table]
        if missing:
            raise _core.ArgumentError(f"Survey: the table lacks column(s) {', '.join(missing)}")
        t = table[["district", "pinyin", "date", "respondents", "satisfied"]].copy()
        t["date"] = pd.to_datetime(t["date"]).dt.normalize()
        t["respondents"] = t["respondents"].astype(np.int64)
        t["satisfied"] = t["satisfied"].astype(np.int64)
        bad = t[(t.respondents < 1) | (t.satisfied < 0) | (t.satisfied > t.respondents)]
        if len(bad):
            r = bad.iloc[0]
            raise _core.ArgumentError(
                f"Survey: {r.district} on {r.date.date()}: {r.satisfied} satisfied of {r.respondents} "
                "respondents; expected at least 1 respondent and 0 to respondents satisfied"
            )
        t["share"] = t.satisfied / t.respondents
        self.table: pd.DataFrame = t.reset_index(drop=True)
        self.source = source

    def __repr__(self) -> str:
        t = self.table
        if t.empty:
            return f"Survey({self.source!r}: empty)"
        return (
            f"Survey({self.source!r}: {t.respondents.sum()} respondents in {t.district.nunique()} "
            f"district(s), {t.date.min().date()} to {t.date.max().date()}, "
            f"{t.satisfied.sum() / t.respondents.sum():.1%} satisfied)"
        )

    def __len__(self) -> int:
        return len(self.table)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Survey) and self.table.equals(other.table)

    # ------------------------------------------------------------ reading
    @classmethod
    def load(
        cls,
        path: str | PathLike,
        *,
        city: City = None,
        sheet: str | None = None,
        date: str | dt.date | None = None,
        answers: Mapping[str, bool] | None = None,
        communities: Mapping[str, str] | None = None,
        snap_metres: float = SNAP_METRES,
    ) -> Survey:
        """Reads a survey table (CSV, UTF-8 or GB18030; or XLSX) of either shape (module doc).

        Args:
            path: the file.
            city: a run's :class:`Results` (district names, the run's period, and its streets
                for homes given as points or nodes), a :class:`Scenario` (names and period),
                or None (the built-in Yunfu scenario's names; dates are checked later, by
                :meth:`check` or the calibration).
            sheet: an XLSX file's sheet (default: the first).
            date: the survey's date for a file without a date column.
            answers: more answers and how to read them, e.g. ``{"一般": False}``; they take
                precedence over :data:`ANSWERS`.
            communities: community name -> district (Chinese or pinyin), for rows that name a
                community without a district.
            snap_metres: a home farther than this from every node of the run's network is
                outside the city.

        Raises:
            lifecircle.InputError: bad input, naming the file, row and column (nothing is
                read unless all of it is good).
        """
        p = str(path)
        where = p if sheet is None else f"{p}: sheet {sheet!r}"
        frame = read_table(p, sheet, "satisfaction survey", extra="calibrate")
        frame.columns = [str(c).strip() for c in frame.columns]
        reader = _Reader(frame, where, city, answers, communities, snap_metres)
        table = reader.aggregated(date) if reader.col("respondents") else reader.respondents(date)
        survey = cls(table, source=p)
        if city is not None:
            survey.check(city, where=where, rows=reader.rows_of(table))
        return survey

    @classmethod
    def emulate(
        cls,
        results: Results,
        dates: list[str | dt.date] | None = None,
        *,
        respondents: int = 400,
        seed: int = 0,
        threshold_mean: float | None = None,
        threshold_sd: float | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> Survey:
        """A survey the model would give: in each district and at each date, ``respondents``
        residents drawn at random (binomial on the district's satisfied share at the end of
        the date's month), by a generator seeded with ``seed``. With satisfaction parameters,
        the shares are :meth:`Results.rescore`'s under them (the months must be recorded);
        without, the run's own. The same results, dates and seed give the same survey.

        Args:
            results: the run.
            dates: survey dates (default: the last recorded month's end).
            respondents: respondents per district and date.
            seed: seeds numpy's PCG64 generator.
            threshold_mean, threshold_sd, weights: satisfaction parameters to re-score with.
        """
        if respondents < 1:
            raise _core.ArgumentError(f"Survey.emulate: respondents is {respondents}; expected 1 or more")
        if threshold_mean is None and threshold_sd is None and weights is None:
            shares = results.districts[["district", "pinyin", "year", "month", "residents", "satisfied"]]
        else:
            shares = results.rescore(
                threshold_mean=threshold_mean, threshold_sd=threshold_sd, weights=weights
            )
        if dates is None:
            last = shares.iloc[-1]
            days = [_month_end(int(last.year), int(last.month))]
        else:
            days = [pd.Timestamp(d).date() for d in dates]
        rng = np.random.Generator(np.random.PCG64(seed))
        rows = []
        for day in days:
            month = shares[(shares.year == day.year) & (shares.month == day.month)]
            if month.empty:
                raise _core.ArgumentError(
                    f"Survey.emulate: {day} is in no month of the table (recorded months: "
                    + ", ".join(sorted({f"{y}-{m:02d}" for y, m in zip(shares.year, shares.month)}))
                    + ")"
                )
            for r in month.itertuples():
                share = r.satisfied / r.residents if r.residents > 0 else 0.0
                k = int(rng.binomial(respondents, share))
                rows.append((r.district, r.pinyin, pd.Timestamp(day), respondents, k))
        table = pd.DataFrame(rows, columns=["district", "pinyin", "date", "respondents", "satisfied"])
        return cls(table, source=f"emulated from {results.label}, seed {seed}")

    # ------------------------------------------------------------ facts
    @property
    def record_dates(self) -> list[dt.date]:
        """The survey's dates, each once, in order: the months a run must record for
        re-scoring (``[satisfaction] record_dates``)."""
        return sorted({d.date() for d in self.table.date})

    @property
    def months(self) -> pd.DataFrame:
        """The survey per district and month (the model's satisfaction is a month's end):
        district, pinyin, year, month, respondents, satisfied (rows of one month summed)."""
        t = self.table.assign(year=self.table.date.dt.year, month=self.table.date.dt.month)
        g = t.groupby(["district", "pinyin", "year", "month"], sort=False)
        return g[["respondents", "satisfied"]].sum().reset_index()

    def check(self, city: City, *, where: str | None = None, rows: list[int] | None = None) -> None:
        """Raises InputError if a district is not one of ``city``'s or a date lies outside the
        period it covers (a run's first to last simulated day, a scenario's start to end)."""
        where = where or self.source
        zh, py = _names(city)
        start, end = _period(city)
        for i, r in enumerate(self.table.itertuples()):
            at = f"{where}: {row_label(rows[i])}" if rows else f"{where}: {r.district} on {r.date.date()}"
            if r.district not in zh:
                raise _core.InputError(
                    f"{at}, column 'district': {r.district!r} is not a district of the city; "
                    f"expected one of {_known(zh, py)}"
                )
            if start is not None and not start <= r.date.date() <= end:
                raise _core.InputError(
                    f"{at}, column 'date': {r.date.date()} is outside the run; expected a date from "
                    f"{start} to {end}"
                )


# ---------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).date()


def _names(city: City) -> tuple[list[str], list[str]]:
    """The districts' Chinese names and pinyin, in the city's order."""
    if city is None:
        city = Scenario.default()
    if isinstance(city, Scenario):
        ds = city.spec["districts"]
        return [d["name"] for d in ds], [d["pinyin"] for d in ds]
    return list(city.districts_zh), list(city.districts_pinyin)


def _period(city: City) -> tuple[dt.date | None, dt.date | None]:
    if city is None:
        return None, None
    return city.start, city.end


def _known(zh: list[str], py: list[str]) -> str:
    return ", ".join(f"{a} ({b})" for a, b in zip(zh, py))


_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?\s*$")


def _parse_date(value: Any) -> dt.date | None:
    """A day from a cell: ISO (2025-12-15, 2025/12/15, 2025-12), a spreadsheet's date and
    time, or 2025年12月15日; None if it is none of them."""
    s = str(value).strip()
    m = _CN_DATE.match(s)
    if m:
        s = f"{m[1]}-{int(m[2]):02d}-{int(m[3] or 1):02d}"
    if not s or not re.match(r"^\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?([ T][\d:.]+)?$", s):
        return None
    try:
        return pd.Timestamp(s.replace("/", "-").replace(".", "-", 2)).date()
    except ValueError:
        return None


class _Reader:
    """One survey table being read: its columns, and the checks each shape makes."""

    def __init__(self, frame, where, city, answers, communities, snap_metres) -> None:
        self.frame, self.where, self.city = frame, where, city
        self.answers = {**ANSWERS, **{str(k).strip().lower(): bool(v) for k, v in (answers or {}).items()}}
        self.communities = dict(communities or {})
        self.snap_metres = float(snap_metres)
        self.zh, self.py = _names(city)
        self._cols: dict[str, str | None] = {}
        self._rows: dict[tuple[str, dt.date], int] = {}  # first file row of each district and date

    def col(self, key: str) -> str | None:
        if key not in self._cols:
            self._cols[key] = find_column(self.frame, COLUMNS[key], None, self.where, "satisfaction survey")
        return self._cols[key]

    def fail(self, i: int, column: str, message: str, count: int = 1) -> None:
        more = f" ({count} such rows)" if count > 1 else ""
        raise _core.InputError(f"{self.where}: {row_label(i)}, column {column!r}: {message}{more}")

    def missing(self, shape: str, wanted: str) -> None:
        raise _core.InputError(
            f"{self.where}: {shape}: expected {wanted}; the table's columns are "
            f"{', '.join(map(repr, self.frame.columns)) or 'none'}"
        )

    def rows_of(self, table: pd.DataFrame) -> list[int]:
        return [self._rows.get((d, t.date()), 0) for d, t in zip(table.district, table.date)]

    # --------------------------------------------------------------- columns
    def districts(self) -> np.ndarray:
        """Each row's district index, from its district (name or pinyin) or its community."""
        dcol, ccol = self.col("district"), self.col("community")
        lookup = {n: i for i, n in enumerate(self.zh)} | {n.lower(): i for i, n in enumerate(self.py)}
        out = np.full(len(self.frame), -1, dtype=np.int64)
        if dcol is not None:
            values = self.frame[dcol].astype(str).str.strip()
            for i, v in enumerate(values):
                if v or ccol is None:
                    d = lookup.get(v, lookup.get(v.lower(), -1))
                    if d < 0:
                        known = _known(self.zh, self.py)
                        self.fail(i, dcol, f"{v!r} is not a district of the city; expected one of {known}")
                    out[i] = d
        if ccol is not None:
            known = {k: lookup.get(v, lookup.get(str(v).lower(), -1)) for k, v in self.communities.items()}
            for k, d in known.items():
                if d < 0:
                    raise _core.ArgumentError(
                        f"communities: {k!r} -> {self.communities[k]!r}, which is not a district of the "
                        f"city; expected one of {_known(self.zh, self.py)}"
                    )
            for i, v in enumerate(self.frame[ccol].astype(str).str.strip()):
                if out[i] >= 0:
                    continue
                if v not in known:
                    self.fail(
                        i,
                        ccol,
                        f"community {v!r} has no district: give its district in a district column "
                        "or communities={...: district}",
                    )
                out[i] = known[v]
        return out

    def dates(self, date: str | dt.date | None) -> list[dt.date]:
        c = self.col("date")
        if c is None:
            if date is None:
                names = ", ".join(COLUMNS["date"])
                self.missing("no date", f"a date column ({names}) or Survey.load(date=...)")
            day = _parse_date(date) if not isinstance(date, dt.date) else date
            if day is None:
                raise _core.ArgumentError(f"date {date!r}: expected a day, e.g. 2025-12-15")
            return [day] * len(self.frame)
        values = self.frame[c].astype(str)
        parsed = {v: _parse_date(v) for v in values.unique()}
        bad = [i for i, v in enumerate(values) if parsed[v] is None]
        if bad:
            self.fail(bad[0], c, f"{values.iloc[bad[0]]!r} is not a date; expected e.g. 2025-12-15", len(bad))
        return [parsed[v] for v in values]

    def counts(self, key: str) -> np.ndarray:
        c = self.col(key)
        num = self.numbers(c)
        bad = np.flatnonzero(~np.isfinite(num) | (num < 0) | (num != np.round(num)))
        if len(bad):
            i = int(bad[0])
            self.fail(
                i, c, f"{self.cell(i, c)!r} is not a count; expected a whole number, 0 or more", len(bad)
            )
        return num.astype(np.int64)

    def numbers(self, column: str) -> np.ndarray:
        """A column's cells as numbers (NaN where a cell is none)."""
        return pd.to_numeric(self.frame[column].astype(str).str.strip(), errors="coerce").to_numpy(np.float64)

    def cell(self, i: int, column: str) -> str:
        return str(self.frame[column].iloc[i]).strip()

    # --------------------------------------------------------------- shapes
    def aggregated(self, date: str | dt.date | None) -> pd.DataFrame:
        """Rows of (district or community, date, respondents, satisfied)."""
        if self.col("district") is None and self.col("community") is None:
            self.missing(
                "aggregated survey (a respondents column)",
                f"a district column ({', '.join(COLUMNS['district'])}) or a community column "
                f"({', '.join(COLUMNS['community'])})",
            )
        if self.col("satisfied") is None:
            self.missing(
                "aggregated survey (a respondents column)",
                f"a column of satisfied respondents ({', '.join(COLUMNS['satisfied'])})",
            )
        district = self.districts()
        days = self.dates(date)
        n, k = self.counts("respondents"), self.counts("satisfied")
        zero = np.flatnonzero(n == 0)
        if len(zero):
            self.fail(int(zero[0]), self.col("respondents"), "0 respondents; expected 1 or more", len(zero))
        over = np.flatnonzero(k > n)
        if len(over):
            i = int(over[0])
            self.fail(
                i,
                self.col("satisfied"),
                f"{k[i]} satisfied of {n[i]} respondents; expected at most {n[i]}",
                len(over),
            )
        return self._table(district, days, n, k)

    def respondents(self, date: str | dt.date | None) -> pd.DataFrame:
        """One row per respondent: home, date, answer."""
        a = self.col("answer")
        if a is None:
            self.missing(
                "survey",
                "either aggregated columns (district, date, respondents, satisfied) or one row per "
                f"respondent with an answer column ({', '.join(COLUMNS['answer'])}) and a home",
            )
        days = self.dates(date)
        district = self.homes()
        values = self.frame[a].astype(str).str.strip()
        read = [self.answers.get(v.lower()) for v in values]
        bad = [i for i, v in enumerate(read) if v is None]
        if bad:
            v = values.iloc[bad[0]]
            if v.lower() in AMBIGUOUS:
                hint = f"satisfied or not by the survey's own definition: give answers={{{v!r}: ...}}"
            else:
                hint = "expected yes/no, 1/0, true/false, 满意/不满意, 是/否 (or give answers={...})"
            self.fail(bad[0], a, f"{v!r}: {hint}", len(bad))
        k = np.array(read, dtype=np.int64)
        return self._table(district, days, np.ones(len(k), np.int64), k)

    def homes(self) -> np.ndarray:
        """Each respondent's district: from the point or node of its home (on the run's
        network: the nearest node's district), or from a district or community column."""
        x, y, lon, lat, node = (self.col(k) for k in ("x", "y", "lon", "lat", "node"))
        if x and y:
            kind, cols = "point", (x, y)
        elif lon and lat:
            kind, cols = "lonlat", (lon, lat)
        elif node:
            kind, cols = "node", (node,)
        elif self.col("district") or self.col("community"):
            return self.districts()
        else:
            self.missing(
                "one row per respondent",
                "a home: x and y (metres), lon and lat (WGS-84), node, or a district or community column",
            )
        res = self.city
        if res is None or isinstance(res, Scenario):
            raise _core.InputError(
                f"{self.where}: homes given by {'/'.join(cols)}: a run's results are needed to place them "
                "on its streets (Survey.load(path, city=results))"
            )
        net = res.table("network")
        node_district = np.asarray(net["district"], np.int64)
        if kind == "node":
            ids = self.numbers(node)
            ok = np.isfinite(ids) & (ids >= 0) & (ids < len(node_district)) & (ids == np.round(ids))
            bad = np.flatnonzero(~ok)
            if len(bad):
                i = int(bad[0])
                self.fail(
                    i,
                    node,
                    f"{self.cell(i, node)!r} is not a node of the run's network; expected "
                    f"0 to {len(node_district) - 1}",
                    len(bad),
                )
            nodes = ids.astype(np.int64)
            where = node
        else:
            a, b = self.numbers(cols[0]), self.numbers(cols[1])
            ok = np.isfinite(a) & np.isfinite(b)
            if kind == "lonlat":
                ok &= (np.abs(a) <= 180) & (np.abs(b) <= 90)
            bad = np.flatnonzero(~ok)
            if len(bad):
                i = int(bad[0])
                what = "a longitude and latitude in degrees" if kind == "lonlat" else "x and y in metres"
                self.fail(
                    i,
                    f"{cols[0]}, {cols[1]}",
                    f"{self.cell(i, cols[0])!r}, {self.cell(i, cols[1])!r}: expected {what}",
                    len(bad),
                )
            if kind == "lonlat":
                lon0, lat0 = float(res.attrs["origin_lon"]), float(res.attrs["origin_lat"])
                a, b = _core.project(lon0, lat0, a, b)
            nodes, dist = res.network.snap(np.asarray(a, np.float64), np.asarray(b, np.float64))
            nodes = np.asarray(nodes, np.int64)
            far = np.flatnonzero(np.asarray(dist) > self.snap_metres)
            if len(far):
                i = int(far[0])
                self.fail(
                    i,
                    f"{cols[0]}, {cols[1]}",
                    f"{self.cell(i, cols[0])}, {self.cell(i, cols[1])} is outside the city: the nearest "
                    f"street node is {float(dist[i]):,.0f} m away; expected within {self.snap_metres:g} m",
                    len(far),
                )
            where = f"{cols[0]}, {cols[1]}"
        district = node_district[nodes]
        none = np.flatnonzero(district < 0)
        if len(none):
            self.fail(int(none[0]), where, "the home lies in no district of the city", len(none))
        return district

    # --------------------------------------------------------------- the tidy table
    def _table(self, district: np.ndarray, days: list[dt.date], n: np.ndarray, k: np.ndarray) -> pd.DataFrame:
        raw = pd.DataFrame({"d": district, "date": pd.to_datetime(days), "respondents": n, "satisfied": k})
        raw["row"] = np.arange(len(raw))
        g = raw.groupby(["d", "date"], sort=True)
        out = g[["respondents", "satisfied"]].sum().reset_index()
        first = g["row"].min().to_numpy()
        out.insert(0, "district", np.array(self.zh, dtype=object)[out.d])
        out.insert(1, "pinyin", np.array(self.py, dtype=object)[out.d])
        for (d, day), r in zip(zip(out.district, out.date), first):
            self._rows[(d, day.date())] = int(r)
        return out.drop(columns="d")
