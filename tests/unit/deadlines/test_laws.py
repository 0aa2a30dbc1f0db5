"""The law data files: every shipped file loads; bad data is refused naming the file and the key."""
from pathlib import Path

import pytest

import foia

from foia.deadlines.laws import LawDataError, all_laws, get_law, parse_law, rule_date
from foia.errors import ValidationError

STATES = ("al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny "
          "nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy").split()

GOOD = '''
name = "Zland"
level = "state"
law_name = "Z Records Act"
citation = "Z Code 1"
source_url = "https://z.example/1"
timezone = "America/Chicago"
[holidays]
country = "US"
subdiv = "TX"
[[stages]]
kind = "respond"
days = 5
unit = "business"
'''


def test_every_shipped_file_loads_federal_every_state_and_dc():
    laws = all_laws()
    assert set(laws) == {"federal", "dc", *STATES} and len(laws) == 52
    assert next(iter(laws)) == "federal"


@pytest.mark.parametrize("slug", ["federal", "dc", *STATES])
def test_each_shipped_law_has_a_response_stage_and_verified_files_carry_their_evidence(slug):
    law = get_law(slug)
    assert law.citation and law.law_name and law.source_url.startswith(("https://", "http://"))
    assert any(stage.kind == "respond" for stage in law.stages), "say how the law answers, even 'none' or 'unknown'"
    if law.verified:
        for stage in law.stages:
            assert stage.quote and stage.citation and stage.source_url and stage.checked, stage
        assert law.holidays.quote and law.holidays.checked


def test_every_unverified_law_says_what_was_not_read_in_the_statutes_words():
    laws = all_laws()
    verified = {slug for slug, law in laws.items() if law.verified}
    assert {"federal", "ca", "fl", "ma", "ny", "tx", "wa"} <= verified
    for slug in sorted(set(laws) - verified):
        text = (Path(foia.__file__).parent / "data" / "laws" / f"{slug}.toml").read_text(encoding="utf-8").lower()
        assert any(words in text for words in ("not verified", "not read", "unread", "not yet read")), slug


@pytest.mark.parametrize("change, complaint", [
    (("days = 5", "days = -1"), "foia/data/laws/zz.toml: stages[0].days must be a whole number of days"),
    (('unit = "business"', 'unit = "weekdays"'), "stages[0].unit must be one of business, calendar, none, unknown"),
    (('kind = "respond"', 'kind = "answer"'), "stages[0].kind must be one of"),
    (('subdiv = "TX"', 'subdiv = "TX"\nremove = ["Cesar Chaves Day"]'), "holidays.remove names 'Cesar Chaves Day'"),
    (('subdiv = "TX"', 'subdiv = "XX"'), "holidays.subdiv names no calendar"),
    (('timezone = "America/Chicago"', 'timezone = "Mars/Olympus"'), "timezone is not an IANA time zone"),
    (('unit = "business"', 'unit = "business"\nfoo = 1'), "stages[0].foo is not a key of the law data format"),
    (('level = "state"', 'level = "state"\nverified = true'), "stages[0].citation is missing, and verified = true"),
    (('subdiv = "TX"', 'subdiv = "TX"\nadd = [{name = "Z Day", rule = "first monday in may"}]'),
     "holidays.add[0].rule"),
    (('unit = "business"', 'unit = "none"'), "stages[0].days must be left out when unit is 'none'"),
])
def test_bad_data_is_refused_naming_the_file_and_the_key(change, complaint):
    with pytest.raises(LawDataError) as raised:
        parse_law("zz", GOOD.replace(*change))
    assert complaint in str(raised.value)


def test_a_good_file_parses_with_defaults_for_trigger_and_rollover():
    law = parse_law("zz", GOOD)
    (stage,) = law.stages
    assert (stage.trigger, stage.rollover, stage.days) == ("receipt", "none", 5)


def test_a_repeated_default_stage_is_refused():
    with pytest.raises(LawDataError) as raised:
        parse_law("zz", GOOD + '[[stages]]\nkind = "respond"\nunit = "none"\n')
    assert "stages[1].variant repeats a respond stage without a variant" in str(raised.value)


def test_unknown_slug_names_the_known_ones():
    with pytest.raises(ValidationError) as raised:
        get_law("zz")
    assert "Unknown jurisdiction 'zz'" in str(raised.value) and "federal" in str(raised.value)


@pytest.mark.parametrize("rule, year, expected", [
    ("12-24", 2026, "2026-12-24"), ("2nd monday of october", 2026, "2026-10-12"),
    ("last monday of may", 2026, "2026-05-25"), ("thanksgiving+1", 2026, "2026-11-27"),
    ("easter-2", 2026, "2026-04-03"), ("4th friday of september", 2026, "2026-09-25"),
    ("tuesday after 1st monday of november", 2026, "2026-11-03"), ("1st monday of march", 2027, "2027-03-01"),
])
def test_the_holiday_rule_vocabulary(rule, year, expected):
    assert rule_date(rule, year).isoformat() == expected


@pytest.mark.parametrize("slug", ["federal", "dc", *STATES])
def test_every_law_computes_every_stage_without_error_and_never_before_receipt(slug):
    from datetime import date

    from foia.deadlines.rules import calculate

    for received in (date(2025, 12, 24), date(2026, 7, 2), date(2026, 11, 25)):
        result = calculate(get_law(slug), received, determination=received.replace(day=28) if received.day < 28
                           else received, appeal_filed=received.replace(day=28) if received.day < 28 else received)
        for key in ("ack_due", "response_due", "follow_up_on", "produce_due", "extended_due", "appeal_due",
                    "appeal_decided_due", "sue_due"):
            assert result[key] is None or result[key] >= received.isoformat(), (key, result[key])
        assert result["response_due"] or result["follow_up_on"]
        assert all(entry["text"] and entry["label"] for entry in result["explanation"])
