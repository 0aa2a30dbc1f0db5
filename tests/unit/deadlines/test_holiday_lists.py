"""The holidays package's lists, kept in the instance folder: the same days as the package, for its version only."""
import json
from datetime import date

import pytest

from foia.deadlines import holiday_lists
from foia.deadlines.calendar import HolidayCalendar
from foia.deadlines.laws import all_laws


@pytest.fixture
def kept_in(tmp_path, monkeypatch):
    """Lists kept in a fresh instance folder, none read yet in this process."""
    monkeypatch.setattr(holiday_lists, "_folder", None)
    holiday_lists.keep_in_instance(tmp_path)
    holiday_lists.kept_lists.cache_clear()
    yield tmp_path / "holiday-lists"
    holiday_lists.kept_lists.cache_clear()


def _package_list(country, subdiv, year):
    import holidays

    table = holidays.country_holidays(country, subdiv=subdiv, years=year, observed=False)
    return tuple((day, name) for day in sorted(table) for name in table.get_list(day))


def test_every_law_s_kept_list_is_the_package_s_list_of_each_year(kept_in):
    calendars = {(law.holidays.country, law.holidays.subdiv) for law in all_laws().values()}
    for country, subdiv in calendars:
        holiday_lists.kept_lists(country, subdiv)
    holiday_lists.kept_lists.cache_clear()
    for country, subdiv in sorted(calendars, key=str):
        kept = holiday_lists.kept_lists(country, subdiv)  # read back from the files
        for year in (2015, 2026, 2040):
            assert kept[year] == _package_list(country, subdiv, year), (country, subdiv, year)
    assert len(list(kept_in.iterdir())) == len(calendars)


def test_lists_kept_for_another_version_of_the_package_are_not_used(kept_in):
    """After the holidays package is upgraded, its new lists count (a holiday it added closes the agencies)."""
    holiday_lists.kept_lists("US", "TX")
    (path,) = kept_in.iterdir()
    kept = json.loads(path.read_text())
    kept["lists"]["2026"] = [["2026-03-03", "A day only the old version listed"]]
    for version in (kept["holidays"], "0.1"):
        path.write_text(json.dumps({**kept, "holidays": version}))
        holiday_lists.kept_lists.cache_clear()
        names = [name for day, name in holiday_lists.listed("US", "TX", 2026)]
        assert ("A day only the old version listed" in names) == (version == kept["holidays"])


def test_a_damaged_file_is_read_as_missing_and_written_again(kept_in):
    holiday_lists.kept_lists("US", "TX")
    (path,) = kept_in.iterdir()
    path.write_text('{"holidays": ')
    holiday_lists.kept_lists.cache_clear()
    assert (date(2026, 1, 1), "New Year's Day") in holiday_lists.listed("US", "TX", 2026)
    assert json.loads(path.read_text())["country"] == "US"


def test_without_an_instance_folder_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(holiday_lists, "_folder", None)
    holiday_lists.keep_in_instance(tmp_path / "instance")
    holiday_lists.kept_lists.cache_clear()
    try:
        assert holiday_lists.listed("US", "WA", 2026)
    finally:
        holiday_lists.kept_lists.cache_clear()
    assert list(tmp_path.iterdir()) == []


def test_years_outside_the_kept_ones_come_from_the_package(kept_in):
    calendar = HolidayCalendar(all_laws()["federal"].holidays)
    assert calendar.holiday_name(date(2050, 12, 26)) == "Christmas Day (observed)"
    assert calendar.holiday_name(date(2010, 12, 24)) == "Christmas Day (observed)"
