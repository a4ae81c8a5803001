"""Tables a user gives (CSV or XLSX), read as strings, with the row and column words every
input error uses: ``<file>: row 7, column 'satisfied': ...`` (lifecircle.city, lifecircle.survey).

    >>> frame = read_table("survey.xlsx", None, "survey", extra="calibrate")
    >>> f"{path}: {row_label(4)}, column 'date'"    # 'row 6': the header is row 1
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lifecircle import _core
from lifecircle._extras import require

#: Suffixes read as spreadsheets (openpyxl); everything else is read as CSV.
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_table(path: str, sheet: str | None, what: str, *, extra: str = "gis") -> pd.DataFrame:
    """A CSV (UTF-8, else GB18030 as Chinese exports often are) or XLSX table as strings
    (empty cells as ""); an InputError naming the file and ``what`` it was read for.
    ``extra`` names the extra that installs openpyxl, for an XLSX file without it."""
    p = Path(path)
    if not p.exists():
        raise _core.InputError(f"{path}: no such file ({what})")
    if p.suffix.lower() in SHEET_SUFFIXES:
        require("openpyxl", extra, f"reading {p.suffix} files")
        try:
            return pd.read_excel(p, sheet_name=sheet or 0, dtype=str).fillna("")
        except ValueError as e:
            raise _core.InputError(f"{path}: {e} ({what})") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(p, dtype=str, encoding=encoding, keep_default_na=False)
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as e:
            raise _core.InputError(f"{path}: not a CSV table ({e}) ({what})") from None
        except pd.errors.EmptyDataError:
            raise _core.InputError(f"{path}: empty file ({what})") from None
    raise _core.InputError(f"{path}: neither UTF-8 nor GB18030 text ({what})")


def row_label(i: int) -> str:
    """Data row ``i`` (0-based) as a user finds it: the line of a CSV, the row of a sheet
    (the header is row 1, so the first data row is row 2)."""
    return f"row {i + 2}"


def find_column(
    frame: pd.DataFrame, names: tuple[str, ...], given: str | None, path: str, what: str
) -> str | None:
    """The column ``given``, else the first of ``names`` the table has (any case), else None;
    an InputError listing the columns when ``given`` is not there."""
    if given is not None:
        if given not in frame.columns:
            raise _core.InputError(
                f"{path}: no column {given!r} ({what}); columns: {', '.join(map(str, frame.columns))}"
            )
        return given
    lower = {str(c).strip().lower(): c for c in frame.columns}
    for n in names:
        if n.lower() in lower:
            return lower[n.lower()]
    return None
