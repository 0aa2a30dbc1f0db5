"""The `holidays` package's list of closed days for a country or subdivision, year by year, kept between processes.

Importing the package costs a fresh process more than most commands' own work (about 0.15 s: its
`countries` package imports all 250 countries, whichever one is asked for), while computing a list
costs next to nothing. So the lists of KEPT_YEARS are computed once per package version and kept as
JSON in the instance folder's holiday-lists/ (`keep_in_instance`: the app and `foia deadline`); every later
process reads them from there and never imports the package. A year outside KEPT_YEARS, or a
process with no instance folder, asks the package. The lists are the package's own (observed=False,
in its order), before a law's `remove` and `add` (calendar.py applies those).
"""
from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path

#: The years kept (and over which a law file's holiday names are checked: a name never listed is a typo).
KEPT_YEARS = range(2015, 2041)

#: Where the lists are kept; None: nowhere (each process asks the package).
_folder: Path | None = None


def keep_in_instance(instance: Path | None) -> None:
    """Keep the lists in the instance folder (its holiday-lists/ is made when first written, never the instance
    folder itself); None: keep them nowhere."""
    global _folder
    _folder = instance / "holiday-lists" if instance is not None else None


HolidayList = tuple[tuple[date, str], ...]


def listed(country: str, subdiv: str | None, year: int) -> HolidayList:
    """(day, name) of every holiday the package lists for `year`, in the package's order."""
    if year in KEPT_YEARS:
        return kept_lists(country, subdiv)[year]
    return _from_package(country, subdiv, range(year, year + 1))[year]


def names(country: str, subdiv: str | None) -> frozenset[str]:
    """Every holiday name the package lists over KEPT_YEARS; NotImplementedError for a calendar it lacks."""
    return frozenset(name for year in kept_lists(country, subdiv).values() for _, name in year)


@functools.cache
def kept_lists(country: str, subdiv: str | None) -> dict[int, HolidayList]:
    """The lists of KEPT_YEARS: read from the folder they are kept in, else computed (and kept there)."""
    version = _package_version()
    path = _folder / _file_name(country, subdiv, version) if _folder is not None and version else None
    if path is not None and (lists := _read(path, version)) is not None:
        return lists
    lists = _from_package(country, subdiv, KEPT_YEARS)
    if path is not None:
        _write(path, version, country, subdiv, lists)
    return lists


def _from_package(country: str, subdiv: str | None, years: range) -> dict[int, HolidayList]:
    import holidays as holidays_package  # here: importing it is what the kept lists save

    table = holidays_package.country_holidays(country, subdiv=subdiv, years=years, observed=False)
    lists: dict[int, list[tuple[date, str]]] = {year: [] for year in years}
    for day in sorted(table):
        if day.year in lists:
            lists[day.year].extend((day, name) for name in table.get_list(day))
    return {year: tuple(found) for year, found in lists.items()}


@functools.cache
def _package_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        return None


def _file_name(country: str, subdiv: str | None, version: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"{country}-{subdiv or 'all'}-holidays-{version}") + ".json"


def _read(path: Path, version: str) -> dict[int, HolidayList] | None:
    """The kept lists, or None when they are missing, unreadable or not those of this version and these years."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept["holidays"] != version or kept["years"] != [KEPT_YEARS.start, KEPT_YEARS.stop]:
            return None
        lists = {int(year): tuple((date.fromisoformat(day), name) for day, name in found)
                 for year, found in kept["lists"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return lists if set(lists) == set(KEPT_YEARS) else None


def _write(path: Path, version: str, country: str, subdiv: str | None, lists: dict[int, HolidayList]) -> None:
    """Keep the lists (whole or not at all: written beside, then renamed); a folder that cannot be written is
    left alone, the lists are computed again next time."""
    kept = {"holidays": version, "country": country, "subdiv": subdiv, "years": [KEPT_YEARS.start, KEPT_YEARS.stop],
            "lists": {str(year): [[day.isoformat(), name] for day, name in found] for year, found in lists.items()}}
    if not path.parent.parent.is_dir():  # no instance folder: a command never creates one
        return
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".json")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(kept, file, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
